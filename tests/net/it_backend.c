/* net against the reference backend (kiosk-server) over real mTLS on
 * loopback, with its development PKI:
 *   - a sealed application reaches the backend and opens there with the
 *     backend's secret key, byte for byte;
 *   - submit (201), resend (200), same uuid with another body (409 ->
 *     quarantined), a malformed envelope (400 -> quarantined);
 *   - progress query and heartbeat;
 *   - the delivery worker drains a queue by itself once a stopped backend
 *     comes back, reporting progress through its callback;
 *   - deliver_stop() returns within a second in the middle of a transfer. */
#include <pthread.h>

#include <sodium.h>

#include "check.h"
#include "net/api.h"
#include "net/deliver.h"
#include "net/outbox.h"
#include "net/seal.h"
#include "net_helpers.h"

static char work[128];
static nh_backend be;
static unsigned char seal_pk[32], seal_sk[32];
static const char *items2[] = {"dibao", "medical"};
static const char *plain_fmt =
    "{\"schema_version\":1,\"uuid\":\"%s\",\"reference\":\"%s\","
    "\"region\":\"140500\",\"items\":[\"dibao\",\"medical\"],"
    "\"answers\":{\"applicant_name\":\"\xe6\x9d\x8e\xe5\x9b\x9b\"},"
    "\"display\":[],\"assisted_by\":null}";

static void api_cfg(api_config *c, const char *url) {
  memset(c, 0, sizeof *c);
  c->base_url = url;
  c->ca_file = be.ca;
  c->cert_file = be.dev_cert;
  c->key_file = be.dev_key;
  c->connect_timeout_ms = 2000;
  c->total_timeout_ms = 5000;
}

/* Builds, seals and enqueues one application; uuid and ref are returned. */
static kerr make_app(outbox *ob, char uuid[SEAL_UUID_BUF],
                     char ref[REFNO_BUF], char **plain_out) {
  char plain[1024], *env = NULL;
  seal_meta m = {0};
  kerr err;

  seal_uuid_v4(uuid);
  err = outbox_next_reference(ob, ref);
  if (err)
    return err;
  snprintf(plain, sizeof plain, plain_fmt, uuid, ref);
  m.uuid = uuid;
  m.reference = ref;
  m.device_id = "KIOSK-140500-001";
  m.created_at = "2026-11-22T09:30:00+08:00";
  m.region = "140500";
  m.items = items2;
  m.n_items = 2;
  m.content_version = "2025.07.1";
  m.last4 = "123X";
  err = seal_envelope(&m, seal_pk, plain, strlen(plain), &env);
  if (!err)
    err = outbox_enqueue(ob, uuid, ref, env, strlen(env), 1000);
  free(env);
  if (plain_out)
    *plain_out = strdup(plain);
  return err;
}

/* Each outbox gets its own prefix: the backend refuses a second application
 * with a reference the device has used (docs/outbox.md). */
static outbox *open_ob(const char *name, const char *prefix) {
  char path[256];
  outbox_config oc = {0};
  outbox *ob = NULL;
  snprintf(path, sizeof path, "%s/%s", work, name);
  oc.path = path;
  oc.ref_prefix = prefix;
  CHECK_INT(outbox_open(&oc, &ob), KERR_OK);
  return ob;
}

static void test_submit(void) {
  outbox *ob = open_ob("a.db", "JC");
  deliver_config dc = {0};
  deliver *d = NULL;
  deliver_event ev;
  char uuid[SEAL_UUID_BUF], ref[REFNO_BUF], *plain = NULL;
  outbox_state st;

  if (!ob)
    return;
  dc.ob = ob;
  api_cfg(&dc.api, be.url);
  CHECK_INT(deliver_create(&dc, &d), KERR_OK);
  if (!d)
    return;

  /* Sealed, delivered, and it opens at the backend to the exact bytes. */
  CHECK_INT(make_app(ob, uuid, ref, &plain), KERR_OK);
  CHECK_INT(deliver_step(d, &ev), KERR_OK);
  CHECK_INT(ev.kind, DELIVER_EV_DELIVERED);
  CHECK_INT(ev.http_status, 201);
  CHECK_STR(ev.reference, ref);
  CHECK_INT(outbox_state_of(ob, uuid, &st), KERR_OK);
  CHECK_INT(st, OUTBOX_DELIVERED);
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int opened = 0;
    if (sqlite3_open_v2(be.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT sealed FROM applications WHERE uuid=?1",
                           -1, &q, NULL) == SQLITE_OK) {
      sqlite3_bind_text(q, 1, uuid, -1, SQLITE_STATIC);
      if (sqlite3_step(q) == SQLITE_ROW) {
        const unsigned char *ct = sqlite3_column_blob(q, 0);
        int n = sqlite3_column_bytes(q, 0);
        unsigned char *pt = malloc((size_t)n + 1);
        if (n > (int)crypto_box_SEALBYTES &&
            crypto_box_seal_open(pt, ct, (unsigned long long)n, seal_pk,
                                 seal_sk) == 0) {
          pt[n - crypto_box_SEALBYTES] = '\0';
          opened = plain && strcmp((char *)pt, plain) == 0;
        }
        free(pt);
      }
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    CHECK(opened);
  }
  free(plain);
  CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications "
                             "WHERE uuid = ?1", uuid), 1);

  /* Progress query with the right and a wrong check. */
  {
    api *a = NULL;
    api_config c;
    api_status_result *r = calloc(1, sizeof *r);
    api_cfg(&c, be.url);
    CHECK_INT(api_create(&c, &a), KERR_OK);
    CHECK_INT(api_status(a, ref, "123x", r), KERR_OK);
    CHECK_STR(r->reference, ref);
    CHECK(r->n_timeline >= 1);
    CHECK_INT(r->timeline[0].status, API_PROGRESS_SUBMITTED);
    CHECK_INT(api_status(a, ref, "9999", r), KERR_NOTFOUND);
    {
      char other[REFNO_BUF];
      refno_format("JC", 9999, other);
      CHECK_INT(api_status(a, other, "123X", r), KERR_NOTFOUND);
    }
    /* Heartbeat, stored by the backend. */
    {
      api_heartbeat_info h = {0};
      h.device_id = "KIOSK-140500-001";
      h.content_version = "2025.07.1";
      h.outbox_depth = 4;
      h.quarantined = 1;
      h.uptime_s = 77;
      CHECK_INT(api_heartbeat(a, &h), KERR_OK);
      CHECK_INT(nh_backend_query(&be, "SELECT outbox_depth FROM devices "
                                 "WHERE device_id = ?1", "KIOSK-140500-001"), 4);
    }
    /* Resend of the same envelope: 200, not a second copy. */
    {
      outbox_item it;
      /* The delivered row dropped its envelope; rebuild one and resend it
       * twice directly. */
      char u2[SEAL_UUID_BUF], r2[REFNO_BUF];
      CHECK_INT(make_app(ob, u2, r2, NULL), KERR_OK);
      CHECK_INT(outbox_claim(ob, 2000, &it, NULL), KERR_OK);
      {
        api_submit_result sr;
        CHECK_INT(api_submit(a, it.uuid, it.envelope, it.envelope_len, &sr),
                  KERR_OK);
        CHECK_INT(sr.http_status, 201);
        CHECK_INT(api_submit(a, it.uuid, it.envelope, it.envelope_len, &sr),
                  KERR_OK);
        CHECK_INT(sr.http_status, 200);
      }
      CHECK_INT(outbox_mark_delivered(ob, it.id, 200, 2000), KERR_OK);
      CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications "
                                 "WHERE uuid = ?1", it.uuid), 1);
      outbox_item_free(&it);
    }
    api_destroy(a);
    free(r);
  }

  /* Same uuid, different body: 409, quarantined with a reason, kept. */
  {
    char env[4096];
    char u0[SEAL_UUID_BUF];
    outbox_quarantine q[4];
    size_t n = 0;
    outbox_item it;
    char ref2[REFNO_BUF];
    snprintf(u0, sizeof u0, "%s", uuid);
    /* Take the first application's envelope shape with another payload. */
    CHECK_INT(make_app(ob, uuid, ref2, NULL), KERR_OK);
    CHECK_INT(outbox_claim(ob, 3000, &it, NULL), KERR_OK);
    /* Rewrite its uuid to the already delivered one, as a corrupted or
     * cloned kiosk would: a different body under a known uuid. */
    {
      char *p = strstr(it.envelope, it.uuid);
      CHECK(p != NULL);
      if (p)
        memcpy(p, u0, 36);
      snprintf(env, sizeof env, "%s", it.envelope);
    }
    CHECK_INT(outbox_mark_retry(ob, it.id, 5000, NULL, 3000), KERR_OK);
    outbox_item_free(&it);
    {
      char u3[SEAL_UUID_BUF];
      /* Enqueue the cloned envelope under a fresh local row. */
      seal_uuid_v4(u3);
      CHECK_INT(outbox_next_reference(ob, ref2), KERR_OK);
      CHECK_INT(outbox_enqueue(ob, u3, ref2, env, strlen(env), 500), KERR_OK);
    }
    CHECK_INT(deliver_step(d, &ev), KERR_OK);
    /* The oldest due row is the clone (due 500): the backend says 409. */
    CHECK_INT(ev.kind, DELIVER_EV_QUARANTINED);
    CHECK_INT(ev.http_status, 409);
    CHECK_INT(ev.err, KERR_CONFLICT);
    CHECK_INT(outbox_quarantine_list(ob, q, 4, &n), KERR_OK);
    CHECK_INT(n, 1);
    CHECK_STR(q[0].reference, ref2);
    CHECK_INT(q[0].http_status, 409);
    CHECK(strstr(q[0].reason, "conflict") != NULL);
    /* The other one goes through. */
    CHECK_INT(deliver_step(d, &ev), KERR_OK);
    CHECK_INT(ev.kind, DELIVER_EV_DELIVERED);
    CHECK_INT(deliver_step(d, &ev), KERR_NOTFOUND);
    CHECK_INT(ev.kind, DELIVER_EV_IDLE);
  }

  /* A malformed envelope (unknown field): 400, quarantined. */
  {
    char u[SEAL_UUID_BUF], r[REFNO_BUF], env[512];
    outbox_quarantine q[4];
    size_t n = 0;
    seal_uuid_v4(u);
    CHECK_INT(outbox_next_reference(ob, r), KERR_OK);
    snprintf(env, sizeof env, "{\"uuid\":\"%s\",\"reference\":\"%s\","
             "\"surprise\":1}", u, r);
    CHECK_INT(outbox_enqueue(ob, u, r, env, strlen(env), 4000), KERR_OK);
    CHECK_INT(deliver_step(d, &ev), KERR_OK);
    CHECK_INT(ev.kind, DELIVER_EV_QUARANTINED);
    CHECK_INT(ev.http_status, 400);
    CHECK_INT(outbox_quarantine_list(ob, q, 4, &n), KERR_OK);
    CHECK_INT(n, 2);
    CHECK_STR(q[1].reference, r);
    CHECK(strstr(q[1].reason, "400") != NULL);
  }
  deliver_destroy(d);
  outbox_close(ob);
}

/* ---- worker: backend down, then up ---- */

typedef struct counts {
  pthread_mutex_t mu;
  int delivered, retry, idle, quarantined;
} counts;

static void on_event(const deliver_event *ev, void *ud) {
  counts *c = ud;
  pthread_mutex_lock(&c->mu);
  switch (ev->kind) {
  case DELIVER_EV_DELIVERED: c->delivered++; break;
  case DELIVER_EV_RETRY: c->retry++; break;
  case DELIVER_EV_IDLE: c->idle++; break;
  case DELIVER_EV_QUARANTINED: c->quarantined++; break;
  default: break;
  }
  pthread_mutex_unlock(&c->mu);
}

static int get_count(counts *c, int *field) {
  int v;
  pthread_mutex_lock(&c->mu);
  v = *field;
  pthread_mutex_unlock(&c->mu);
  return v;
}

static void test_down_then_up(void) {
  outbox *ob = open_ob("b.db", "JD");
  deliver_config dc = {0};
  deliver *d = NULL;
  counts c = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0};
  char uuids[40][SEAL_UUID_BUF], ref[REFNO_BUF];
  int port = be.port;
  long before = nh_backend_query(&be, "SELECT count(*) FROM applications",
                                 NULL);
  outbox_stats st;
  int64_t t0;

  if (!ob)
    return;
  nh_backend_stop(&be);
  dc.ob = ob;
  api_cfg(&dc.api, be.url);
  dc.on_event = on_event;
  dc.ud = &c;
  dc.backoff_base_ms = 100;
  dc.backoff_max_ms = 400;
  CHECK_INT(deliver_create(&dc, &d), KERR_OK);
  CHECK_INT(deliver_start(d), KERR_OK);
  for (int i = 0; i < 40; i++) {
    CHECK_INT(make_app(ob, uuids[i], ref, NULL), KERR_OK);
    deliver_kick(d);
  }
  /* Backend down: retries, nothing delivered. */
  nh_sleep_ms(800);
  CHECK(get_count(&c, &c.retry) >= 2);
  CHECK_INT(get_count(&c, &c.delivered), 0);
  CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
  CHECK_INT(st.depth, 40);
  /* Up again on the same port: the queue drains by itself. */
  CHECK_INT(nh_backend_start(&be, NET_SERVER_BIN, port), 0);
  t0 = nh_now_ms();
  while (nh_now_ms() - t0 < 15000) {
    if (outbox_stats_get(ob, &st) == KERR_OK && st.depth == 0)
      break;
    nh_sleep_ms(20);
  }
  printf("queue of 40 drained %lld ms after the backend came back\n",
         (long long)(nh_now_ms() - t0));
  CHECK_INT(st.depth, 0);
  CHECK_INT(st.delivered, 40);
  /* The last event follows the last commit by a moment. */
  t0 = nh_now_ms();
  while (nh_now_ms() - t0 < 3000 &&
         (get_count(&c, &c.delivered) < 40 || get_count(&c, &c.idle) < 1))
    nh_sleep_ms(10);
  CHECK_INT(get_count(&c, &c.delivered), 40);
  CHECK(get_count(&c, &c.idle) >= 1);
  CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications", NULL),
            before + 40);
  for (int i = 0; i < 40; i++)
    CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications "
                               "WHERE uuid = ?1", uuids[i]), 1);
  t0 = nh_now_ms();
  deliver_destroy(d);
  CHECK(nh_now_ms() - t0 < 1000);
  outbox_close(ob);
}

/* ---- a reference the backend already has from this device ---- */

static void test_duplicate_reference(void) {
  /* Same prefix as a.db, as after a replaced outbox file: its first
   * references are taken at the backend already. */
  outbox *ob = open_ob("d.db", "JC");
  deliver_config dc = {0};
  deliver *d = NULL;
  deliver_event ev;
  char uuid[SEAL_UUID_BUF], ref[REFNO_BUF], sql[200];
  outbox_renamed rn[4];
  size_t n = 0;
  outbox_state st;

  if (!ob)
    return;
  dc.ob = ob;
  api_cfg(&dc.api, be.url);
  CHECK_INT(deliver_create(&dc, &d), KERR_OK);
  if (!d) {
    outbox_close(ob);
    return;
  }
  CHECK_INT(make_app(ob, uuid, ref, NULL), KERR_OK);
  /* 409 duplicate_reference: renumbered and queued again at once, as often
   * as a.db used the next number too, then delivered. */
  CHECK_INT(deliver_step(d, &ev), KERR_OK);
  CHECK_INT(ev.kind, DELIVER_EV_RETRY);
  CHECK_INT(ev.http_status, 409);
  CHECK(strcmp(ev.reference, ref) != 0);
  CHECK(strstr(ev.detail, ref) != NULL);
  int steps = 0;
  do {
    CHECK_INT(deliver_step(d, &ev), KERR_OK);
  } while (ev.kind == DELIVER_EV_RETRY && ev.http_status == 409 &&
           ++steps < 20);
  CHECK_INT(ev.kind, DELIVER_EV_DELIVERED);
  CHECK_INT(ev.http_status, 201);
  CHECK_INT(outbox_state_of(ob, uuid, &st), KERR_OK);
  CHECK_INT(st, OUTBOX_DELIVERED);
  /* Staff can see which receipt number became which. */
  CHECK_INT(outbox_renamed_list(ob, rn, 4, &n), KERR_OK);
  CHECK_INT(n, 1);
  CHECK_STR(rn[0].printed, ref);
  CHECK_STR(rn[0].reference, ev.reference);
  CHECK_STR(rn[0].uuid, uuid);
  CHECK_INT(rn[0].state, OUTBOX_DELIVERED);
  /* Stored once, under the new reference, same uuid; its check works. */
  snprintf(sql, sizeof sql, "SELECT count(*) FROM applications WHERE uuid = "
           "?1 AND reference = '%s'", ev.reference);
  CHECK_INT(nh_backend_query(&be, sql, uuid), 1);
  {
    api *a = NULL;
    api_config c;
    api_status_result *r = calloc(1, sizeof *r);
    api_cfg(&c, be.url);
    CHECK_INT(api_create(&c, &a), KERR_OK);
    CHECK_INT(api_status(a, ev.reference, "123X", r), KERR_OK);
    api_destroy(a);
    free(r);
  }
  deliver_destroy(d);
  outbox_close(ob);
}

/* ---- worker: stop within a second mid-transfer ---- */

static void test_stop_midtransfer(void) {
  outbox *ob = open_ob("c.db", "JE");
  deliver_config dc = {0};
  deliver *d = NULL;
  nh_stub stub;
  char uuid[SEAL_UUID_BUF], ref[REFNO_BUF], ca[256], cert[256], key[256];
  outbox_state st;
  int64_t t0, took;

  if (!ob)
    return;
  CHECK_INT(nh_stub_start(&stub, NET_TLS_STUB, NET_PKI_DIR, "server", 1, work),
            0);
  nh_stub_mode(&stub, "stall");
  snprintf(ca, sizeof ca, "%s/ca.pem", NET_PKI_DIR);
  snprintf(cert, sizeof cert, "%s/device.pem", NET_PKI_DIR);
  snprintf(key, sizeof key, "%s/device.key", NET_PKI_DIR);
  dc.ob = ob;
  dc.api.base_url = stub.url;
  dc.api.ca_file = ca;
  dc.api.cert_file = cert;
  dc.api.key_file = key;
  dc.api.total_timeout_ms = 60000;
  dc.api.low_speed_time_s = 60;
  CHECK_INT(deliver_create(&dc, &d), KERR_OK);
  CHECK_INT(make_app(ob, uuid, ref, NULL), KERR_OK);
  CHECK_INT(deliver_start(d), KERR_OK);
  /* Wait until the row is being sent. */
  t0 = nh_now_ms();
  while (nh_now_ms() - t0 < 5000 &&
         !(outbox_state_of(ob, uuid, &st) == KERR_OK && st == OUTBOX_SENDING))
    nh_sleep_ms(10);
  CHECK_INT(st, OUTBOX_SENDING);
  nh_sleep_ms(300);
  t0 = nh_now_ms();
  deliver_stop(d);
  took = nh_now_ms() - t0;
  printf("worker stopped mid-transfer in %lld ms\n", (long long)took);
  CHECK(took < 1000);
  /* The row went back to the queue, due at once. */
  CHECK_INT(outbox_state_of(ob, uuid, &st), KERR_OK);
  CHECK_INT(st, OUTBOX_QUEUED);
  deliver_destroy(d);
  nh_stub_stop(&stub);
  outbox_close(ob);
}

/* ---- a batch with one bad row ---- */

/* Five rows in one batch, the third malformed: the backend refuses it
 * (400), it alone is quarantined, the four others are delivered, all
 * recorded by one step; then a batch whose link fails at the first row
 * leaves the rest queued with their attempts uncounted. */
static void test_batch_partial(void) {
  outbox *ob = open_ob("e.db", "JF");
  deliver_config dc = {0};
  deliver *d = NULL;
  deliver_event evs[8];
  char uuid[5][SEAL_UUID_BUF], ref[5][REFNO_BUF];
  size_t n = 0;
  outbox_state st;

  if (!ob)
    return;
  dc.ob = ob;
  api_cfg(&dc.api, be.url);
  CHECK_INT(deliver_create(&dc, &d), KERR_OK);
  if (!d) {
    outbox_close(ob);
    return;
  }
  for (int i = 0; i < 5; i++) {
    if (i == 2) {
      char env[512];
      seal_uuid_v4(uuid[i]);
      CHECK_INT(outbox_next_reference(ob, ref[i]), KERR_OK);
      snprintf(env, sizeof env, "{\"uuid\":\"%s\",\"reference\":\"%s\","
               "\"surprise\":1}", uuid[i], ref[i]);
      CHECK_INT(outbox_enqueue(ob, uuid[i], ref[i], env, strlen(env), 1000),
                KERR_OK);
    } else {
      CHECK_INT(make_app(ob, uuid[i], ref[i], NULL), KERR_OK);
    }
  }
  CHECK_INT(deliver_step_batch(d, 8, evs, &n), KERR_OK);
  CHECK_INT((int)n, 5);
  for (int i = 0; i < 5 && i < (int)n; i++) {
    CHECK_STR(evs[i].reference, ref[i]);
    CHECK_INT(evs[i].kind, i == 2 ? DELIVER_EV_QUARANTINED
                                  : DELIVER_EV_DELIVERED);
    CHECK_INT(outbox_state_of(ob, uuid[i], &st), KERR_OK);
    CHECK_INT(st, i == 2 ? OUTBOX_QUARANTINED : OUTBOX_DELIVERED);
    CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications "
                               "WHERE uuid = ?1", uuid[i]), i == 2 ? 0 : 1);
  }
  CHECK_INT((int)evs[4].depth, 0);
  CHECK_INT(deliver_step_batch(d, 8, evs, &n), KERR_NOTFOUND);
  CHECK_INT(evs[0].kind, DELIVER_EV_IDLE);
  deliver_destroy(d);

  /* The link fails at the first row of the next batch. */
  {
    outbox_item it;
    dc.api.base_url = "https://127.0.0.1:1";
    CHECK_INT(deliver_create(&dc, &d), KERR_OK);
    for (int i = 0; i < 3; i++)
      CHECK_INT(make_app(ob, uuid[i], ref[i], NULL), KERR_OK);
    CHECK_INT(deliver_step_batch(d, 8, evs, &n), KERR_OK);
    CHECK_INT((int)n, 1);
    CHECK_INT(evs[0].kind, DELIVER_EV_RETRY);
    CHECK_INT((int)evs[0].depth, 3);
    for (int i = 0; i < 3; i++) {
      CHECK_INT(outbox_state_of(ob, uuid[i], &st), KERR_OK);
      CHECK_INT(st, OUTBOX_QUEUED);
    }
    deliver_destroy(d);
    /* The second was never sent: still its first attempt. */
    CHECK_INT(outbox_claim(ob, 1000, &it, NULL), KERR_OK);
    CHECK_STR(it.uuid, uuid[1]);
    CHECK_INT((int)it.attempts, 1);
    outbox_item_free(&it);
  }
  outbox_close(ob);
}

/* Twenty rows over four connections at once: every one delivered exactly
 * once, the events in the rows' order, all recorded by one step. */
static void test_batch_parallel(void) {
  enum { N = 20 };
  outbox *ob = open_ob("p.db", "JP");
  deliver_config dc = {0};
  deliver *d = NULL;
  deliver_event evs[32];
  char uuid[N][SEAL_UUID_BUF], ref[N][REFNO_BUF];
  size_t n = 0;
  outbox_state st;

  if (!ob)
    return;
  dc.ob = ob;
  dc.parallel = 4;
  api_cfg(&dc.api, be.url);
  CHECK_INT(deliver_create(&dc, &d), KERR_OK);
  for (int i = 0; i < N; i++)
    CHECK_INT(make_app(ob, uuid[i], ref[i], NULL), KERR_OK);
  if (d)
    CHECK_INT(deliver_step_batch(d, 32, evs, &n), KERR_OK);
  CHECK_INT((int)n, N);
  for (int i = 0; i < N && i < (int)n; i++) {
    CHECK_STR(evs[i].reference, ref[i]);
    CHECK_INT(evs[i].kind, DELIVER_EV_DELIVERED);
    CHECK_INT(outbox_state_of(ob, uuid[i], &st), KERR_OK);
    CHECK_INT(st, OUTBOX_DELIVERED);
    CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications "
                               "WHERE uuid = ?1", uuid[i]), 1);
  }
  if (n == N)
    CHECK_INT((int)evs[N - 1].depth, 0);
  deliver_destroy(d);
  outbox_close(ob);
}

int main(void) {
  CHECK(sodium_init() >= 0);
  CHECK_INT(nh_tmpdir(work, sizeof work, "kiosk-backend"), 0);
  if (nh_backend_init(&be, NET_SERVER_BIN, KIOSK_SOURCE_DIR, work) != 0 ||
      nh_backend_start(&be, NET_SERVER_BIN, 0) != 0) {
    CHECK(!"reference backend could not be started");
    return TEST_DONE();
  }
  CHECK_INT(nh_read_key(be.pki, "seal.pub", seal_pk), 0);
  CHECK_INT(nh_read_key(be.pki, "seal.key", seal_sk), 0);
  test_submit();
  test_duplicate_reference();
  test_batch_partial();
  test_batch_parallel();
  test_down_then_up();
  test_stop_midtransfer();
  nh_backend_stop(&be);
  if (check_failed_)
    fprintf(stderr, "logs kept in %s\n", work);
  else
    nh_rm_rf(work);
  return TEST_DONE();
}
