/* submit.c and net_host.c against the reference backend (kiosk-server) over
 * real mTLS on loopback, with the development PKI of scripts/dev-pki.sh:
 *   - an application goes through submit_reserve/submit_commit, its
 *     plaintext is wiped, the worker delivers it by itself (an SDL event
 *     says so) and the backend answers a progress query for its reference
 *     with the right last four characters;
 *   - a wrong check and an unknown reference are both "not found";
 *   - with the backend down, applications are still taken and stay queued;
 *     when it comes back they drain by themselves;
 *   - heartbeats reach the backend (depth, no personal data);
 *   - repeated wrong checks are rate limited (429 -> KERR_BUSY);
 *   - without a seal key nothing is taken and nothing reaches the disk;
 *   - config's device.ref_prefix check accepts exactly what refno accepts. */
#include <SDL.h>

#include "services/net_host.h"
#include "shell/wake.h"
#include "services/submit.h"
#include "check.h"
#include "core/config.h"
#include "net/deliver.h"
#include "net/refno.h"
#include "net_helpers.h"

static char work[128];
static nh_backend be;

static const char *items2[] = {"dibao", "medical"};

static void make_config(config *c, const char *data) {
  config_defaults(c, KIOSK_SOURCE_DIR);
  snprintf(c->backend_url, sizeof c->backend_url, "%s", be.url);
  snprintf(c->ca_file, sizeof c->ca_file, "%s", be.ca);
  snprintf(c->client_cert, sizeof c->client_cert, "%s", be.dev_cert);
  snprintf(c->client_key, sizeof c->client_key, "%s", be.dev_key);
  snprintf(c->data_dir, sizeof c->data_dir, "%s/%s", work, data);
  c->connect_timeout_s = 2;
  c->request_timeout_s = 5;
  c->heartbeat_s = 1;
}

/* Builds the plaintext for ticket t (what the form engine would). */
static char *plaintext(const submit_ticket *t, size_t *len) {
  char *p = malloc(1024);
  int n = snprintf(p, 1024,
                   "{\"schema_version\":1,\"uuid\":\"%s\",\"reference\":\"%s\","
                   "\"region\":\"140500\",\"items\":[\"dibao\",\"medical\"],"
                   "\"answers\":{\"applicant_name\":\"\xe7\x8e\x8b\xe5\xb0\x8f"
                   "\xe6\x98\x8e\"},\"display\":[],\"assisted_by\":null}",
                   t->uuid, t->reference);
  *len = (size_t)n;
  return p;
}

static int all_zero(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i])
      return 0;
  return 1;
}

/* Submits one application; returns its ticket through t. */
static kerr submit_one(net_host *h, submit_ticket *t) {
  kerr e = submit_reserve(h, t);
  if (e)
    return e;
  size_t len;
  char *p = plaintext(t, &len);
  submit_request rq = {.plain = p, .len = len, .items = items2, .n_items = 2,
                       .last4 = "123X"};
  e = submit_commit(h, t, &rq);
  CHECK(all_zero(p, len));
  free(p);
  return e;
}

/* Waits for a net_host event of this code (and delivery kind, or -1). */
static int wait_event(net_host *h, int code, int kind, int timeout_ms) {
  int64_t end = nh_now_ms() + timeout_ms;
  while (nh_now_ms() < end) {
    SDL_Event ev;
    if (!SDL_WaitEventTimeout(&ev, 100))
      continue;
    svc_source src;
    int got;
    intptr_t d1;
    if (!shell_wake_match(&ev, &src, &got, &d1, NULL) || src != SVC_NET ||
        got != code)
      continue;
    if (kind < 0 || d1 == kind)
      return 1;
  }
  return 0;
}

static kerr query(net_host *h, const char *ref, const char *last4,
                  api_status_result *r) {
  uint32_t ticket = 0;
  kerr out = KERR_INTERNAL;
  kerr e = net_host_query_start(h, ref, last4, &ticket);
  if (e)
    return e;
  /* The answer comes back as an event; then it can be taken once. */
  CHECK(wait_event(h, NET_HOST_EV_QUERY, -1, 15000));
  e = net_host_query_take(h, ticket, &out, r);
  CHECK_INT(e, KERR_OK);
  CHECK_INT(net_host_query_take(h, ticket, &e, r), KERR_NOTFOUND);
  return out;
}

static void test_flow(void) {
  config c;
  net_host *h = NULL;
  submit_ticket t;
  api_status_result *r = calloc(1, sizeof *r);
  outbox_stats st;

  make_config(&c, "data");
  /* backend.seal_public_key is empty: the key is read from seal.pub next to
   * the CA file, as with var/pki in development. */
  net_host_config nc = {.cfg = &c, .content_version = "2026.11.1",
                        .backoff_base_ms = 100, .backoff_max_ms = 400,
                        .wake = shell_wake()};
  CHECK_INT(net_host_create(&nc, &h), KERR_OK);
  if (!h)
    return;
  CHECK_INT(net_host_submit_ready(h), KERR_OK);

  /* Submitted, delivered by the worker on its own, found by the backend. */
  CHECK_INT(submit_one(h, &t), KERR_OK);
  CHECK_INT(refno_normalize(t.reference, NULL), KERR_OK);
  CHECK(strncmp(t.reference, "JC-", 3) == 0);
  CHECK(wait_event(h, NET_HOST_EV_DELIVERY, DELIVER_EV_DELIVERED, 15000));
  /* The staff menu's 后台 line: the delivery was an exchange that worked. */
  int64_t ex_at = 0;
  CHECK_INT(net_host_last_exchange(h, &ex_at), 1);
  CHECK(ex_at / 1000 >= (int64_t)time(NULL) - 60 && ex_at / 1000 <= (int64_t)time(NULL) + 1);
  CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications WHERE "
                             "uuid = ?1", t.uuid), 1);
  CHECK_INT(query(h, t.reference, "123x", r), KERR_OK);
  CHECK_STR(r->reference, t.reference);
  CHECK(r->n_timeline >= 1);
  CHECK_INT(r->timeline[0].status, API_PROGRESS_SUBMITTED);
  CHECK_INT(r->n_items, 2);
  CHECK_STR(r->items[0], "dibao");
  /* A reference typed loosely is the same reference. */
  {
    char loose[16];
    snprintf(loose, sizeof loose, "%c%c %c%c%c%c %c", t.reference[0] + 32,
             t.reference[1] + 32, t.reference[3], t.reference[4],
             t.reference[5], t.reference[6], t.reference[8]);
    CHECK_INT(query(h, loose, "123X", r), KERR_OK);
  }
  /* Wrong check and unknown reference look the same. */
  CHECK_INT(query(h, t.reference, "9999", r), KERR_NOTFOUND);
  {
    char other[REFNO_BUF];
    refno_format("JC", 4000, other);
    CHECK_INT(query(h, other, "123X", r), KERR_NOTFOUND);
  }
  /* Malformed input never leaves the kiosk. */
  {
    char bad[REFNO_BUF];
    memcpy(bad, t.reference, sizeof bad);
    bad[8] = bad[8] == '3' ? '4' : '3'; /* a wrong check character */
    CHECK_INT(query(h, bad, "123X", r), KERR_INVALID);
    CHECK_INT(query(h, t.reference, "12", r), KERR_INVALID);
  }

  /* A plaintext built for another ticket is refused and still wiped. */
  {
    submit_ticket t2, t3;
    CHECK_INT(submit_reserve(h, &t2), KERR_OK);
    CHECK_INT(submit_reserve(h, &t3), KERR_OK);
    CHECK(strcmp(t2.reference, t3.reference) != 0);
    size_t len;
    char *p = plaintext(&t3, &len);
    submit_request rq = {.plain = p, .len = len, .items = items2,
                         .n_items = 2, .last4 = "123X"};
    CHECK_INT(submit_commit(h, &t2, &rq), KERR_INVALID);
    CHECK(all_zero(p, len));
    free(p);
    p = plaintext(&t2, &len);
    rq.plain = p;
    rq.last4 = "12";
    CHECK_INT(submit_commit(h, &t2, &rq), KERR_INVALID);
    CHECK(all_zero(p, len));
    free(p);
  }

  /* Heartbeats arrive with the device's counts. */
  {
    int64_t end = nh_now_ms() + 5000;
    long n = -1;
    while (nh_now_ms() < end && n < 1) {
      n = nh_backend_query(&be, "SELECT count(*) FROM devices WHERE "
                           "device_id = ?1 AND content_version = '2026.11.1'",
                           "KIOSK-140500-001");
      nh_sleep_ms(100);
    }
    CHECK_INT(n, 1);
  }

  /* Backend down: still taken, stays queued, retried. */
  int port = be.port;
  nh_backend_stop(&be);
  submit_ticket down[3];
  for (int i = 0; i < 3; i++)
    CHECK_INT(submit_one(h, &down[i]), KERR_OK);
  CHECK(wait_event(h, NET_HOST_EV_DELIVERY, DELIVER_EV_RETRY, 10000));
  CHECK_INT(net_host_last_exchange(h, &ex_at), 0); /* could not reach it */
  CHECK_INT(net_host_stats(h, &st), KERR_OK);
  CHECK_INT(st.depth, 3);
  CHECK_INT(st.quarantined, 0);
  {
    char last[API_DETAIL_MAX];
    net_host_last_error(h, last, sizeof last);
    CHECK(strstr(last, "retry") != NULL);
  }
  /* Back up on the same port: they drain by themselves. */
  CHECK_INT(nh_backend_start(&be, APP_SERVER_BIN, port), 0);
  {
    int64_t end = nh_now_ms() + 20000;
    do {
      nh_sleep_ms(100);
      net_host_stats(h, &st);
    } while (st.depth > 0 && nh_now_ms() < end);
    CHECK_INT(st.depth, 0);
  }
  CHECK_INT(net_host_last_exchange(h, &ex_at), 1); /* reached again */
  for (int i = 0; i < 3; i++)
    CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications "
                               "WHERE uuid = ?1", down[i].uuid), 1);
  /* A status the back office set later shows in the timeline. */
  {
    sqlite3 *db = NULL;
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO events(uuid, status, note, at, at_text) VALUES "
             "('%s', 'accepted', '材料齐全', 1795000000, "
             "'2026-11-22T10:00:00+08:00')", down[0].uuid);
    CHECK(sqlite3_open(be.db, &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK_INT(query(h, down[0].reference, "123X", r), KERR_OK);
    CHECK_INT(r->n_timeline, 2);
    CHECK_INT(r->timeline[1].status, API_PROGRESS_ACCEPTED);
    CHECK_STR(r->timeline[1].note, "材料齐全");
  }

  /* Too many wrong checks: rate limited, with a Retry-After. */
  {
    kerr e = KERR_OK;
    int i;
    for (i = 0; i < 12; i++) {
      e = query(h, t.reference, "0000", r);
      if (e != KERR_NOTFOUND)
        break;
    }
    CHECK_INT(e, KERR_BUSY);
    CHECK(r->retry_after_s > 0);
    CHECK(i >= 3);
  }
  net_host_destroy(h);
  free(r);
}

/* Without a seal key: refused before anything is stored. */
static void test_no_key(void) {
  config c;
  net_host *h = NULL;
  submit_ticket t;
  outbox_stats st;
  char cmd[600];
  make_config(&c, "nokey");
  snprintf(c.ca_file, sizeof c.ca_file, "%s/elsewhere/ca.crt", work);
  net_host_config nc = {.cfg = &c};
  CHECK_INT(net_host_create(&nc, &h), KERR_OK);
  if (!h)
    return;
  CHECK_INT(net_host_submit_ready(h), KERR_CRYPTO);
  CHECK_INT(submit_reserve(h, &t), KERR_CRYPTO);
  CHECK_STR(t.reference, "");
  {
    size_t len;
    submit_ticket fake = {.uuid = "6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c3",
                          .reference = "JC-3333-3"};
    char *p = plaintext(&fake, &len);
    submit_request rq = {.plain = p, .len = len, .items = items2,
                         .n_items = 2, .last4 = "123X"};
    CHECK_INT(submit_commit(h, &fake, &rq), KERR_CRYPTO);
    CHECK(all_zero(p, len));
    free(p);
  }
  CHECK_INT(net_host_stats(h, &st), KERR_OK);
  CHECK_INT(st.queued + st.delivered + st.quarantined, 0);
  net_host_destroy(h);
  /* The applicant's name is nowhere on disk. */
  snprintf(cmd, sizeof cmd, "grep -r -q '\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e'"
           " '%s/nokey'", work);
  CHECK(system(cmd) != 0);

  /* A malformed configured key is refused too. */
  make_config(&c, "badkey");
  snprintf(c.seal_public_key, sizeof c.seal_public_key, "bm90IGEga2V5");
  CHECK_INT(net_host_create(&nc, &h), KERR_OK);
  CHECK_INT(net_host_submit_ready(h), KERR_CRYPTO);
  net_host_destroy(h);
}

/* config.c checks device.ref_prefix without linking net/: both must accept
 * exactly the same prefixes. */
static void test_prefix_agrees(void) {
  config c;
  char err[256];
  int agree = 1, accepted = 0;
  config_defaults(&c, KIOSK_SOURCE_DIR);
  for (int a = 0x20; a < 0x7f; a++)
    for (int b = 0x20; b < 0x7f; b++) {
      char p[3] = {(char)a, (char)b, 0};
      int cfg_ok = config_set(&c, "device.ref_prefix", p, err, sizeof err) ==
                   KERR_OK;
      int ref_ok = refno_check_prefix(p) == KERR_OK;
      accepted += cfg_ok;
      if (cfg_ok != ref_ok)
        agree = 0;
    }
  CHECK(agree);
  CHECK_INT(accepted, REFNO_RADIX * REFNO_RADIX);
}

int main(void) {
  test_prefix_agrees();
  if (nh_tmpdir(work, sizeof work, "kiosk-app-submit") != 0)
    return 1;
  if (SDL_Init(SDL_INIT_EVENTS) != 0)
    return 1;
  if (nh_backend_init(&be, APP_SERVER_BIN, KIOSK_SOURCE_DIR, work) != 0 ||
      nh_backend_start(&be, APP_SERVER_BIN, 0) != 0) {
    fprintf(stderr, "cannot start the backend\n");
    nh_rm_rf(work);
    return 1;
  }
  test_flow();
  test_no_key();
  nh_backend_stop(&be);
  SDL_Quit();
  nh_rm_rf(work);
  return TEST_DONE();
}
