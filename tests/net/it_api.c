/* api against a real TLS server on loopback (net_tls_stub): submit and
 * resend, connection reuse, error classes, status parsing, heartbeat, and the
 * hostile cases (huge, garbage, deep, stalled, dripping answers; wrong CA,
 * wrong host name, wrong pin, foreign client certificate), each within its
 * timeout; and api_abort() ending a stalled transfer from another thread. */
#include <pthread.h>

#include <sodium.h>

#include "check.h"
#include "net/api.h"
#include "net/refno.h"
#include "net/seal.h"
#include "net_helpers.h"

static char work[128];
static const char *pki = NET_PKI_DIR;

static void cfg_fill(api_config *c, const char *url, const char *device,
                     const char *pin, char bufs[4][256]) {
  memset(c, 0, sizeof *c);
  snprintf(bufs[0], 256, "%s/ca.pem", pki);
  snprintf(bufs[1], 256, "%s/%s.pem", pki, device);
  snprintf(bufs[2], 256, "%s/%s.key", pki, device);
  c->base_url = url;
  c->ca_file = bufs[0];
  c->cert_file = bufs[1];
  c->key_file = bufs[2];
  if (pin) {
    snprintf(bufs[3], 256, "%s/%s", pki, pin);
    static char pinbuf[128];
    nh_read_file(bufs[3], pinbuf, sizeof pinbuf);
    c->pinned_pubkey = pinbuf;
  }
  c->connect_timeout_ms = 2000;
  c->total_timeout_ms = 3000;
  c->low_speed_bytes = 10;
  c->low_speed_time_s = 1;
}

/* A sealed envelope with a fresh uuid. */
static char *make_env(char uuid[SEAL_UUID_BUF], uint32_t seq) {
  static unsigned char pk[32], sk[32];
  static int have;
  static const char *items[] = {"dibao"};
  char ref[REFNO_BUF];
  char *env = NULL;
  seal_meta m = {0};
  if (!have) {
    crypto_box_keypair(pk, sk);
    have = 1;
  }
  seal_uuid_v4(uuid);
  refno_format("JC", seq, ref);
  m.uuid = uuid;
  m.reference = ref;
  m.device_id = "KIOSK-140500-001";
  m.created_at = "2026-11-22T09:30:00+08:00";
  m.region = "140500";
  m.items = items;
  m.n_items = 1;
  m.content_version = "2025.07.1";
  m.last4 = "123X";
  seal_envelope(&m, pk, "{\"schema_version\":1}", 20, &env);
  return env;
}

/* Submits one fresh envelope; returns the kerr, *ms the time it took. */
static kerr submit_one(api *a, int64_t *ms, api_submit_result *r) {
  char uuid[SEAL_UUID_BUF];
  static uint32_t seq = 100;
  char *env = make_env(uuid, seq++);
  int64_t t0 = nh_now_ms();
  kerr err = api_submit(a, uuid, env, strlen(env), r);
  if (ms)
    *ms = nh_now_ms() - t0;
  free(env);
  return err;
}

static void test_good(nh_stub *s) {
  char bufs[4][256], uuid[SEAL_UUID_BUF];
  api_config c;
  api *a = NULL;
  api_submit_result r;
  char *env;
  long conns0, reqs0, conns, reqs;

  cfg_fill(&c, s->url, "device", "server.pin", bufs);
  CHECK_INT(api_create(&c, &a), KERR_OK);
  if (!a)
    return;
  /* Submit, then the same envelope again: 201 then 200, both OK. */
  env = make_env(uuid, 1);
  CHECK_INT(api_submit(a, uuid, env, strlen(env), &r), KERR_OK);
  CHECK_INT(r.http_status, 201);
  CHECK_STR(r.received_at, "2026-11-22T09:30:01+08:00");
  CHECK_INT(api_submit(a, uuid, env, strlen(env), &r), KERR_OK);
  CHECK_INT(r.http_status, 200);
  free(env);
  /* A reply that echoes another uuid is not accepted as delivery. */
  {
    char other[SEAL_UUID_BUF];
    env = make_env(uuid, 2);
    seal_uuid_v4(other);
    CHECK_INT(api_submit(a, other, env, strlen(env), &r), KERR_PROTOCOL);
    free(env);
  }
  /* Twenty more over one connection. */
  nh_stub_stats(s, &conns0, &reqs0);
  for (int i = 0; i < 20; i++)
    CHECK_INT(submit_one(a, NULL, NULL), KERR_OK);
  nh_stub_stats(s, &conns, &reqs);
  CHECK_INT(conns, conns0);
  CHECK_INT(reqs, reqs0 + 20);

  /* Error classes. */
  {
    struct { const char *mode; kerr want; int status; } cases[] = {
      {"500", KERR_BUSY, 500}, {"503", KERR_BUSY, 503},
      {"429", KERR_BUSY, 429}, {"409", KERR_CONFLICT, 409},
      {"400", KERR_INVALID, 400}, {"413", KERR_INVALID, 413},
      {"401", KERR_DENIED, 401}, {"404", KERR_BUSY, 404},
      {"garbage", KERR_PROTOCOL, 200}, {"wrongtypes", KERR_PROTOCOL, 201},
      {"deep", KERR_PROTOCOL, 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
      kerr e;
      nh_stub_mode(s, cases[i].mode);
      e = submit_one(a, NULL, &r);
      if (e != cases[i].want)
        fprintf(stderr, "mode %s: %s (%s)\n", cases[i].mode, kerr_str(e),
                api_last_error(a));
      CHECK_INT(e, cases[i].want);
      CHECK_INT(r.http_status, cases[i].status);
    }
    nh_stub_mode(s, "409");
    submit_one(a, NULL, &r);
    CHECK_STR(r.error_code, "e409");
    CHECK(strstr(api_last_error(a), "409") != NULL);
  }

  /* Hostile and slow answers end within their limits. */
  {
    int64_t ms;
    nh_stub_mode(s, "huge");
    CHECK_INT(submit_one(a, &ms, NULL), KERR_LIMIT);
    CHECK(ms < 3000);
    nh_stub_mode(s, "hugechunked");
    {
      kerr e = submit_one(a, &ms, NULL);
      if (e != KERR_LIMIT)
        fprintf(stderr, "hugechunked: %s\n", api_last_error(a));
      CHECK_INT(e, KERR_LIMIT);
    }
    CHECK(ms < 3000);
    nh_stub_mode(s, "stall");
    CHECK_INT(submit_one(a, &ms, NULL), KERR_NET);
    printf("stalled answer gave up after %lld ms\n", (long long)ms);
    CHECK(ms >= 900 && ms < 3600);
    nh_stub_mode(s, "drip");
    CHECK_INT(submit_one(a, &ms, NULL), KERR_NET);
    printf("dripping answer gave up after %lld ms\n", (long long)ms);
    CHECK(ms < 3600);
  }

  /* Status query. */
  {
    api_status_result *st = calloc(1, sizeof *st);
    char ref[REFNO_BUF];
    refno_format("JC", 7, ref);
    nh_stub_mode(s, "ok");
    CHECK_INT(api_status(a, ref, "123x", st), KERR_OK);
    CHECK_STR(st->reference, ref);
    CHECK_INT(st->n_items, 2);
    CHECK_STR(st->items[1], "medical");
    CHECK_INT(st->n_timeline, 3);
    CHECK_INT(st->timeline[0].status, API_PROGRESS_SUBMITTED);
    CHECK_INT(st->timeline[1].status, API_PROGRESS_ACCEPTED);
    CHECK_STR(st->timeline[1].note, "\xe8\xaf\xb7\xe5\xb8\xa6\xe6\x88\xb7"
                                    "\xe5\x8f\xa3\xe6\x9c\xac");
    CHECK_INT(st->timeline[2].status, API_PROGRESS_UNKNOWN);
    CHECK_STR(st->timeline[2].code, "moved");
    /* Each item's own state (joint processing). */
    CHECK_INT(st->n_item_states, 2);
    CHECK_STR(st->item_states[0].id, "dibao");
    CHECK_INT(st->item_states[0].status, API_PROGRESS_REFUSED);
    CHECK_STR(st->item_states[1].id, "medical");
    CHECK_INT(st->item_states[1].status, API_PROGRESS_REVIEWING);
    CHECK_STR(st->item_states[1].at, "2026-11-23T10:00:00+08:00");
    CHECK_INT(api_status(a, ref, "9999", st), KERR_NOTFOUND);
    CHECK_INT(api_status(a, "JC-3333-4", "123X", st), KERR_INVALID);
    CHECK_INT(api_status(a, ref, "12/4", st), KERR_INVALID);
    CHECK_INT(api_status(a, "../../x", "1234", st), KERR_INVALID);
    nh_stub_mode(s, "429");
    {
      kerr e = api_status(a, ref, "123X", st);
      if (e != KERR_BUSY)
        fprintf(stderr, "429: %s\n", api_last_error(a));
      CHECK_INT(e, KERR_BUSY);
    }
    CHECK_INT(st->retry_after_s, 7);
    nh_stub_mode(s, "bigtimeline");
    CHECK_INT(api_status(a, ref, "123X", st), KERR_PROTOCOL);
    CHECK_INT(st->n_timeline, 0);
    nh_stub_mode(s, "deep");
    CHECK_INT(api_status(a, ref, "123X", st), KERR_PROTOCOL);
    nh_stub_mode(s, "wrongtypes");
    CHECK_INT(api_status(a, ref, "123X", st), KERR_PROTOCOL);
    nh_stub_mode(s, "garbage");
    {
      kerr e = api_status(a, ref, "123X", st);
      if (e != KERR_PROTOCOL)
        fprintf(stderr, "garbage: %s\n", api_last_error(a));
      CHECK_INT(e, KERR_PROTOCOL);
    }
    nh_stub_mode(s, "huge");
    CHECK_INT(api_status(a, ref, "123X", st), KERR_LIMIT);
    nh_stub_mode(s, "503");
    CHECK_INT(api_status(a, ref, "123X", st), KERR_BUSY);
    free(st);
  }

  /* Heartbeat. */
  {
    api_heartbeat_info h = {0};
    const char *errs[] = {"HTTP 503"};
    h.device_id = "KIOSK-140500-001";
    h.content_version = "2025.07.1";
    h.outbox_depth = 3;
    h.last_errors = errs;
    h.n_errors = 1;
    nh_stub_mode(s, "ok");
    CHECK_INT(api_heartbeat(a, &h), KERR_OK);
    nh_stub_mode(s, "500");
    CHECK_INT(api_heartbeat(a, &h), KERR_BUSY);
  }
  nh_stub_mode(s, "ok");
  api_destroy(a);
}

static void *abort_later(void *arg) {
  nh_sleep_ms(300);
  api_abort(arg);
  return NULL;
}

static void test_abort(nh_stub *s) {
  char bufs[4][256];
  api_config c;
  api *a = NULL;
  pthread_t t;
  int64_t ms;

  cfg_fill(&c, s->url, "device", NULL, bufs);
  c.total_timeout_ms = 20000;
  c.low_speed_time_s = 20;
  CHECK_INT(api_create(&c, &a), KERR_OK);
  if (!a)
    return;
  nh_stub_mode(s, "stall");
  pthread_create(&t, NULL, abort_later, a);
  CHECK_INT(submit_one(a, &ms, NULL), KERR_STATE);
  pthread_join(t, NULL);
  printf("aborted a stalled transfer after %lld ms\n", (long long)ms);
  CHECK(ms < 1000);
  /* Stays aborted. */
  CHECK_INT(submit_one(a, &ms, NULL), KERR_STATE);
  api_destroy(a);
  nh_stub_mode(s, "ok");
}

static kerr try_server(const char *url, const char *device, const char *pin,
                       int64_t *ms) {
  char bufs[4][256];
  api_config c;
  api *a = NULL;
  kerr err;

  cfg_fill(&c, url, device, pin, bufs);
  err = api_create(&c, &a);
  if (err)
    return err;
  err = submit_one(a, ms, NULL);
  if (err != KERR_OK)
    fprintf(stderr, "  (%s: %s)\n", kerr_str(err), api_last_error(a));
  api_destroy(a);
  return err;
}

static void test_trust(nh_stub *good) {
  nh_stub rogue, wrong, open_srv;
  char url[64];
  int64_t ms;

  CHECK_INT(nh_stub_start(&rogue, NET_TLS_STUB, pki, "rogue", 1, work), 0);
  CHECK_INT(nh_stub_start(&wrong, NET_TLS_STUB, pki, "wronghost", 1, work), 0);
  CHECK_INT(nh_stub_start(&open_srv, NET_TLS_STUB, pki, "server", 0, work), 0);

  /* A certificate from another CA, a certificate for another host name. */
  CHECK_INT(try_server(rogue.url, "device", NULL, &ms), KERR_DENIED);
  CHECK_INT(try_server(wrong.url, "device", NULL, &ms), KERR_DENIED);
  /* The right server, but a pin for another key. */
  CHECK_INT(try_server(good->url, "device", "rogue.pin", &ms), KERR_DENIED);
  /* The right pin works; so does no pin. */
  CHECK_INT(try_server(good->url, "device", "server.pin", &ms), KERR_OK);
  CHECK_INT(try_server(good->url, "device", NULL, &ms), KERR_OK);
  /* Addressed by IP, the certificate's IP SAN matches too. */
  snprintf(url, sizeof url, "https://127.0.0.1:%d", good->port);
  CHECK_INT(try_server(url, "device", NULL, &ms), KERR_OK);
  /* A device certificate from another CA is refused by the server. */
  {
    kerr e = try_server(good->url, "rogue-device", NULL, &ms);
    CHECK(e == KERR_NET || e == KERR_DENIED);
  }
  /* Plain HTTP is never used. */
  {
    char bufs[4][256];
    api_config c;
    api *a = NULL;
    snprintf(url, sizeof url, "http://localhost:%d", good->port);
    cfg_fill(&c, url, "device", NULL, bufs);
    CHECK_INT(api_create(&c, &a), KERR_INVALID);
    CHECK(a == NULL);
  }
  /* No server listening: network error, fast. */
  nh_stub_stop(&open_srv);
  CHECK_INT(try_server(open_srv.url, "device", NULL, &ms), KERR_NET);
  CHECK(ms < 2500);
  {
    char bufs[4][256], ref[REFNO_BUF];
    api_config c;
    api *a = NULL;
    api_status_result *st = calloc(1, sizeof *st);
    refno_format("JC", 7, ref);
    cfg_fill(&c, open_srv.url, "device", NULL, bufs);
    CHECK_INT(api_create(&c, &a), KERR_OK);
    CHECK_INT(api_status(a, ref, "123X", st), KERR_NET);
    api_destroy(a);
    free(st);
  }
  /* A server that accepts TCP but never speaks TLS: connect timeout. */
  nh_stub_mode(&wrong, "notls");
  CHECK_INT(try_server(wrong.url, "device", NULL, &ms), KERR_NET);
  printf("silent TLS handshake gave up after %lld ms\n", (long long)ms);
  CHECK(ms < 3000);
  nh_stub_stop(&rogue);
  nh_stub_stop(&wrong);
}

int main(void) {
  nh_stub s;

  CHECK(sodium_init() >= 0);
  CHECK(nh_exists(NET_PKI_DIR "/ok"));
  CHECK_INT(nh_tmpdir(work, sizeof work, "kiosk-api"), 0);
  CHECK_INT(nh_stub_start(&s, NET_TLS_STUB, pki, "server", 1, work), 0);
  if (s.port > 0) {
    test_good(&s);
    test_abort(&s);
    test_trust(&s);
  }
  nh_stub_stop(&s);
  if (check_failed_)
    fprintf(stderr, "server logs kept in %s\n", work);
  else
    nh_rm_rf(work);
  return TEST_DONE();
}
