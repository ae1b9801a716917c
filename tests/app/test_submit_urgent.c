/* "urgent" and "kind" across the seam, on real submissions: the default
 * bundle's form filled with the minimal complete application of 临时救助
 * (temporary, an urgent item), of 低保 (dibao, not urgent) and of 流浪乞讨
 * (vagrant: no ID number, no phone) from tests/data/form/items, and the
 * referral form (帮别人求助) with tests/data/form/referral.json, submitted
 * through form_host_submit() as the review screen does. Checks:
 *   - the envelope in the outbox says "urgent": true / false, next to the
 *     items, and the sealed plaintext (opened here with the development
 *     PKI's seal.key, as the backend would) says the same and validates
 *     against docs/submission.schema.json;
 *   - with no ID number and no phone the envelope's check_digest is null;
 *     a referral says "kind": "referral", in the envelope and sealed;
 *   - delivered by the worker to the reference backend over mTLS, the
 *     backend stored urgent, kind and the missing check digest for them.
 * Synthetic people only. */
#include <SDL.h>
#include <stdlib.h>

#include <sodium.h>

#include "check.h"
#include "schema_check.h"
#include "core/config.h"
#include "core/content.h"
#include "core/form.h"
#include "core/session.h"
#include "net/seal.h"
#include "net_helpers.h"
#include "services/form_host.h"
#include "services/net_host.h"
#include "services/submit.h"
#include "shell/wake.h"

static char work[128];
static cJSON *submission_schema; /* docs/submission.schema.json */
static char shm[64];
static nh_backend be;

/* 2026-11-22 09:30 in Asia/Shanghai: the "today" of the item files. */
static int64_t test_now(void *ud) {
  (void)ud;
  return 1795311000;
}

static void make_config(config *c) {
  config_defaults(c, KIOSK_SOURCE_DIR);
  snprintf(c->backend_url, sizeof c->backend_url, "%s", be.url);
  snprintf(c->ca_file, sizeof c->ca_file, "%s", be.ca);
  snprintf(c->client_cert, sizeof c->client_cert, "%s", be.dev_cert);
  snprintf(c->client_key, sizeof c->client_key, "%s", be.dev_key);
  snprintf(c->data_dir, sizeof c->data_dir, "%s/data", work);
  c->connect_timeout_s = 2;
  c->request_timeout_s = 5;
  c->heartbeat_s = 60;
}

/* tests/data/form/<name> parsed (caller deletes), NULL if not. */
static cJSON *data_file(const char *name) {
  char path[512], *text = malloc(1 << 16);
  snprintf(path, sizeof path, "%s/tests/data/form/%s", KIOSK_SOURCE_DIR, name);
  int n = text ? nh_read_file(path, text, 1 << 16) : 0;
  cJSON *doc = n > 0 ? cJSON_Parse(text) : NULL;
  free(text);
  return doc;
}

static cJSON *item_file(const char *item) {
  char name[128];
  snprintf(name, sizeof name, "items/%s.json", item);
  return data_file(name);
}

/* Fills a form for item with its minimal complete application and submits
 * it; the ticket's uuid goes to uuid. */
static void submit_item(form_host *h, net_host *net, const content *c,
                        const char *item, int want_urgent,
                        char uuid[SEAL_UUID_BUF]) {
  const char *items[] = {item};
  cJSON *doc = item_file(item);
  size_t ignored = 99;
  uuid[0] = '\0';
  CHECK(doc != NULL);
  CHECK_INT(form_host_start(h, c, items, 1), KERR_OK);
  form *f = form_host_form(h);
  CHECK(f != NULL);
  if (!doc || !f)
    return;
  CHECK_INT(form_answers_load(f, cJSON_GetObjectItem(doc, "answers"), NULL,
                              &ignored),
            KERR_OK);
  cJSON_Delete(doc);
  CHECK_INT(ignored, 0);
  CHECK(form_complete(f));
  CHECK_INT(form_urgent(f), want_urgent);
  const submit_receipt *rc = NULL;
  CHECK_INT(form_host_submit(h, net, &rc), KERR_OK);
  CHECK(rc && rc->result == KERR_OK);
  if (rc)
    snprintf(uuid, SEAL_UUID_BUF, "%s", rc->ticket.uuid);
  CHECK(form_host_form(h) == NULL); /* wiped once submitted */
}

/* Fills the referral form with tests/data/form/referral.json and submits
 * it; the ticket's uuid goes to uuid. */
static void submit_referral(form_host *h, net_host *net, const content *c,
                            char uuid[SEAL_UUID_BUF]) {
  cJSON *doc = data_file("referral.json");
  size_t ignored = 99;
  uuid[0] = '\0';
  CHECK(doc != NULL);
  CHECK_INT(form_host_start_referral(h, c), KERR_OK);
  CHECK(form_host_is_referral(h));
  form *f = form_host_form(h);
  CHECK(f != NULL);
  if (!doc || !f) {
    cJSON_Delete(doc);
    return;
  }
  CHECK_INT(form_item_count(f), 0);
  CHECK_INT(form_answers_load(f, cJSON_GetObjectItem(doc, "answers"), NULL,
                              &ignored),
            KERR_OK);
  cJSON_Delete(doc);
  CHECK_INT(ignored, 0);
  CHECK(form_complete(f));
  CHECK_INT(form_urgent(f), 1); /* danger_now */
  const submit_receipt *rc = NULL;
  CHECK_INT(form_host_submit(h, net, &rc), KERR_OK);
  CHECK(rc && rc->result == KERR_OK && rc->referral &&
        rc->check == SUBMIT_CHECK_NONE);
  if (rc)
    snprintf(uuid, SEAL_UUID_BUF, "%s", rc->ticket.uuid);
  CHECK(form_host_form(h) == NULL);
}

/* The envelope of uuid in the outbox, malloc'ed, or NULL. */
static char *outbox_envelope(const char *uuid) {
  char path[256];
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  char *out = NULL;
  snprintf(path, sizeof path, "%s/data/outbox.db", work);
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT envelope FROM outbox WHERE uuid = ?1",
                         -1, &st, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      out = strdup((const char *)sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

/* The envelope's urgent and the sealed plaintext's both equal want; item
 * NULL for a referral (no items, "kind": "referral" in both); no_check:
 * the envelope's check_digest is null. */
static void check_envelope(const char *uuid, const char *item, int want,
                           int no_check) {
  unsigned char pk[32], sk[32];
  char *env = outbox_envelope(uuid);
  cJSON *o = env ? cJSON_Parse(env) : NULL;
  CHECK(o != NULL);
  if (!o) {
    free(env);
    return;
  }
  char expect[128];
  if (item)
    snprintf(expect, sizeof expect, "\"items\":[\"%s\"],\"urgent\":%s,",
             item, want ? "true" : "false");
  else
    snprintf(expect, sizeof expect,
             "\"items\":[],\"urgent\":%s,\"kind\":\"referral\",",
             want ? "true" : "false");
  CHECK(strstr(env, expect) != NULL);
  CHECK_INT(cJSON_IsNull(cJSON_GetObjectItem(o, "check_digest")), no_check);
  CHECK(cJSON_IsBool(cJSON_GetObjectItem(o, "urgent")));
  CHECK_INT(cJSON_IsTrue(cJSON_GetObjectItem(o, "urgent")), want);
  /* Nothing personal in the clear. */
  CHECK(strstr(env, "测试甲") == NULL);
  CHECK(strstr(env, "140502197001011231") == NULL);

  const char *b64 = cJSON_GetStringValue(cJSON_GetObjectItem(o, "sealed"));
  CHECK(b64 && nh_read_key(be.pki, "seal.pub", pk) == 0 && nh_read_key(be.pki, "seal.key", sk) == 0);
  if (b64) {
    size_t slen = strlen(b64), n = 0;
    unsigned char *ct = malloc(slen), *pt = malloc(slen + 1);
    CHECK(sodium_base642bin(ct, slen, b64, slen, NULL, &n, NULL,
                            sodium_base64_VARIANT_ORIGINAL) == 0);
    CHECK(n > crypto_box_SEALBYTES &&
          crypto_box_seal_open(pt, ct, n, pk, sk) == 0);
    if (n > crypto_box_SEALBYTES) {
      pt[n - crypto_box_SEALBYTES] = '\0';
      /* What the backend opens is what the schema describes. */
      CHECK(schema_check_valid(submission_schema, (char *)pt, 0));
      cJSON *p = cJSON_Parse((char *)pt);
      CHECK(cJSON_IsBool(cJSON_GetObjectItem(p, "urgent")));
      CHECK_INT(cJSON_IsTrue(cJSON_GetObjectItem(p, "urgent")), want);
      const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(p, "kind"));
      if (item)
        CHECK(kind == NULL);
      else
        CHECK(kind && strcmp(kind, "referral") == 0);
      cJSON_Delete(p);
      sodium_memzero(pt, n);
    }
    free(ct);
    free(pt);
  }
  cJSON_Delete(o);
  free(env);
}

int main(void) {
  setenv("TZ", "Asia/Shanghai", 1);
  tzset();
  if (nh_tmpdir(work, sizeof work, "kiosk-app-urgent") != 0)
    return 1;
  snprintf(shm, sizeof shm, "/dev/shm/kiosk-urgent-XXXXXX");
  if (!mkdtemp(shm) || SDL_Init(SDL_INIT_EVENTS) != 0)
    return 1;
  /* Started once for a port, then stopped: the applications wait in the
   * outbox to be read there, then drain when it is back on that port. */
  if (nh_backend_init(&be, APP_SERVER_BIN, KIOSK_SOURCE_DIR, work) != 0 ||
      nh_backend_start(&be, APP_SERVER_BIN, 0) != 0) {
    fprintf(stderr, "cannot start the backend\n");
    nh_rm_rf(work);
    return 1;
  }
  int port = be.port;
  nh_backend_stop(&be);

  content *c = NULL;
  CHECK_INT(content_load(KIOSK_SOURCE_DIR "/assets/bundle", &c, NULL),
            KERR_OK);
  {
    char *text = malloc(1 << 17);
    int n = nh_read_file(KIOSK_SOURCE_DIR "/docs/submission.schema.json",
                         text, 1 << 17);
    submission_schema = n > 0 ? cJSON_Parse(text) : NULL;
    free(text);
    CHECK(submission_schema != NULL);
  }
  config cfg;
  make_config(&cfg);
  net_host *net = NULL;
  net_host_config nc = {.cfg = &cfg, .content_version = "2026.11.1",
                        .backoff_base_ms = 100, .backoff_max_ms = 400,
                        .wake = shell_wake()};
  CHECK_INT(net_host_create(&nc, &net), KERR_OK);
  session s;
  session_init(&s, 90, 30);
  form_host_config fc = {.runtime_dir = shm, .recovery_name = "urgent.rec",
                         .now_s = test_now};
  form_host *h = NULL;
  CHECK_INT(form_host_create(&fc, &s, &h), KERR_OK);
  char u_temp[SEAL_UUID_BUF] = "", u_dibao[SEAL_UUID_BUF] = "",
       u_vag[SEAL_UUID_BUF] = "", u_ref[SEAL_UUID_BUF] = "";
  if (c && net && h) {
    submit_item(h, net, c, "temporary", 1, u_temp);
    submit_item(h, net, c, "dibao", 0, u_dibao);
    submit_item(h, net, c, "vagrant", 1, u_vag);
    submit_referral(h, net, c, u_ref);
    check_envelope(u_temp, "temporary", 1, 0);
    check_envelope(u_dibao, "dibao", 0, 0);
    check_envelope(u_vag, "vagrant", 1, 1);
    check_envelope(u_ref, NULL, 1, 1);

    CHECK_INT(nh_backend_start(&be, APP_SERVER_BIN, port), 0);
    net_host_kick(net);
    outbox_stats st;
    int64_t end = nh_now_ms() + 20000;
    do {
      nh_sleep_ms(100);
      net_host_stats(net, &st);
    } while ((st.depth > 0) && nh_now_ms() < end);
    CHECK_INT(st.depth, 0);
    CHECK_INT(st.quarantined, 0);
    CHECK_INT(nh_backend_query(&be, "SELECT urgent FROM applications WHERE "
                               "uuid = ?1", u_temp), 1);
    CHECK_INT(nh_backend_query(&be, "SELECT urgent FROM applications WHERE "
                               "uuid = ?1", u_dibao), 0);
    CHECK_INT(nh_backend_query(&be, "SELECT urgent FROM applications WHERE "
                               "uuid = ?1", u_ref), 1);
    CHECK_INT(nh_backend_query(&be, "SELECT kind = 'referral' AND items = "
                               "'[]' AND check_digest = '' FROM "
                               "applications WHERE uuid = ?1", u_ref), 1);
    CHECK_INT(nh_backend_query(&be, "SELECT kind = 'application' AND "
                               "check_digest = '' FROM applications WHERE "
                               "uuid = ?1", u_vag), 1);
    CHECK_INT(nh_backend_query(&be, "SELECT kind = 'application' AND "
                               "length(check_digest) FROM applications "
                               "WHERE uuid = ?1", u_dibao), 1);
  }
  session_end(&s);
  form_host_destroy(h);
  net_host_destroy(net);
  content_destroy(c);
  cJSON_Delete(submission_schema);
  nh_backend_stop(&be);
  SDL_Quit();
  nh_rm_rf(work);
  rmdir(shm);
  return TEST_DONE();
}
