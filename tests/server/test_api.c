/* The device API of the real kiosk-server over real TLS: submission and
 * idempotency, progress queries and their rate limits, content distribution,
 * heartbeats, client certificates, and bad input of every kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <sodium.h>
#include <sqlite3.h>

#include "check.h"
#include "pgtest.h"
#include "srvtest.h"

#define DEV1 "KIOSK-140500-001"
#define DEV2 "KIOSK-410600-001"
#define ADMIN "admin-140500" /* administrator certificate (admins/) */

static srvtest_resp req(srvtest *t, const char *method, const char *path,
                        const char *cert, const char *body) {
  srvtest_req rq = {.method = method, .path = path, .cert = cert,
                    .body = body,
                    .content_type = body ? "application/json" : NULL};
  srvtest_resp r;
  if (srvtest_do(t, &rq, &r) != 0)
    r.status = -1;
  return r;
}

static long status_of(srvtest *t, const char *method, const char *path,
                      const char *cert, const char *body) {
  srvtest_resp r = req(t, method, path, cert, body);
  long s = r.status;
  srvtest_resp_free(&r);
  return s;
}

/* 1 if body is {"error": code, "message": "..."} and nothing else. */
static int is_error(const char *body, const char *code) {
  cJSON *j = cJSON_Parse(body);
  const cJSON *e = cJSON_GetObjectItem(j, "error");
  const cJSON *m = cJSON_GetObjectItem(j, "message");
  int ok = cJSON_IsString(e) && strcmp(e->valuestring, code) == 0 &&
           cJSON_IsString(m) && cJSON_GetArraySize(j) == 2;
  cJSON_Delete(j);
  return ok;
}

static char *json_get_str(const char *body, const char *key) {
  cJSON *j = cJSON_Parse(body);
  const cJSON *v = cJSON_GetObjectItem(j, key);
  char *out = cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
  cJSON_Delete(j);
  return out;
}

static void status_path(char *out, size_t cap, const char *ref,
                        const char *check) {
  snprintf(out, cap, "/v1/status/%s?check=%s", ref, check);
}

static void test_submit_and_status(srvtest *t) {
  srvtest_app a;
  char path[256];
  CHECK(srvtest_app_make(&a, DEV1, 1) == 0);

  srvtest_resp r = req(t, "POST", "/v1/applications", DEV1, a.json);
  CHECK_INT(r.status, 201);
  char *received = json_get_str(r.body, "received_at");
  char *st = json_get_str(r.body, "status");
  char *ref = json_get_str(r.body, "reference");
  CHECK(received && strlen(received) >= 20);
  CHECK_STR(st, "submitted");
  CHECK_STR(ref, a.reference);
  CHECK(strstr(r.content_type, "application/json") != NULL);
  srvtest_resp_free(&r);

  /* The same body again, keys reordered and spaced: 200, same answer. */
  cJSON *j = cJSON_Parse(a.json);
  cJSON *k = cJSON_DetachItemFromObject(j, "uuid");
  cJSON_AddItemToObject(j, "uuid", k);
  char *again = cJSON_Print(j);
  r = req(t, "POST", "/v1/applications", DEV1, again);
  CHECK_INT(r.status, 200);
  char *received2 = json_get_str(r.body, "received_at");
  CHECK_STR(received2, received);
  srvtest_resp_free(&r);
  free(again);
  free(received2);

  /* Same uuid, different body: 409, and the stored one is untouched. */
  cJSON_ReplaceItemInObject(j, "content_version",
                            cJSON_CreateString("2025.08.1"));
  char *changed = cJSON_PrintUnformatted(j);
  r = req(t, "POST", "/v1/applications", DEV1, changed);
  CHECK_INT(r.status, 409);
  CHECK(is_error(r.body, "conflict"));
  srvtest_resp_free(&r);
  free(changed);
  cJSON_Delete(j);

  /* Progress: right check (upper and lower case) -> 200 with timeline. */
  status_path(path, sizeof path, a.reference, a.last4);
  r = req(t, "GET", path, DEV2, NULL);
  CHECK_INT(r.status, 200);
  cJSON *s = cJSON_Parse(r.body);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(s, "reference")),
            a.reference);
  const cJSON *tl = cJSON_GetObjectItem(s, "timeline");
  CHECK_INT(cJSON_GetArraySize(tl), 1);
  CHECK_STR(cJSON_GetStringValue(
                cJSON_GetObjectItem(cJSON_GetArrayItem(tl, 0), "status")),
            "submitted");
  CHECK_STR(cJSON_GetStringValue(
                cJSON_GetObjectItem(cJSON_GetArrayItem(tl, 0), "at")),
            received);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(
                cJSON_GetObjectItem(s, "items"), 1)),
            "medical");
  cJSON_Delete(s);
  srvtest_resp_free(&r);

  /* Wrong check and unknown reference: the same 404 body. */
  char wrong[5];
  memcpy(wrong, a.last4, 5);
  wrong[0] = wrong[0] == '9' ? '8' : '9';
  status_path(path, sizeof path, a.reference, wrong);
  srvtest_resp w = req(t, "GET", path, DEV1, NULL);
  status_path(path, sizeof path, "ZZZZ-ZZZZ-Z", a.last4);
  srvtest_resp u = req(t, "GET", path, DEV1, NULL);
  CHECK_INT(w.status, 404);
  CHECK_INT(u.status, 404);
  CHECK(is_error(w.body, "not_found"));
  CHECK_STR(w.body, u.body);
  srvtest_resp_free(&w);
  srvtest_resp_free(&u);

  /* A device may submit only as itself. */
  srvtest_app b;
  CHECK(srvtest_app_make(&b, DEV1, 2) == 0);
  r = req(t, "POST", "/v1/applications", DEV2, b.json);
  CHECK_INT(r.status, 403);
  CHECK(is_error(r.body, "forbidden"));
  srvtest_resp_free(&r);
  status_path(path, sizeof path, b.reference, b.last4);
  CHECK_INT(status_of(t, "GET", path, DEV1, NULL), 404);
  srvtest_app_free(&b);

  free(received);
  free(st);
  free(ref);
  srvtest_app_free(&a);
}

static void test_certificates(srvtest *t) {
  srvtest_app a;
  CHECK(srvtest_app_make(&a, DEV1, 3) == 0);
  const char *paths[][2] = {{"POST", "/v1/applications"},
                            {"GET", "/v1/status/ABCD-EFGH-J?check=1234"},
                            {"GET", "/v1/content/140500/manifest"},
                            {"POST", "/v1/devices/heartbeat"},
                            {"GET", "/v1/nothing-here"}};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    const char *body = paths[i][0][0] == 'P' ? a.json : NULL;
    srvtest_resp r = req(t, paths[i][0], paths[i][1], NULL, body);
    CHECK_INT(r.status, 401);
    CHECK(is_error(r.body, "unauthorized"));
    srvtest_resp_free(&r);
    r = req(t, paths[i][0], paths[i][1], "foreign", body);
    CHECK_INT(r.status, 401);
    CHECK(is_error(r.body, "unauthorized"));
    srvtest_resp_free(&r);
  }
  /* Nothing was stored by the refused submission. */
  char path[256];
  status_path(path, sizeof path, a.reference, a.last4);
  CHECK_INT(status_of(t, "GET", path, DEV1, NULL), 404);
  srvtest_app_free(&a);
}

static void test_bad_input(srvtest *t) {
  srvtest_app a;
  char path[256];
  CHECK(srvtest_app_make(&a, DEV1, 4) == 0);

  /* 415: wrong or missing content type. */
  srvtest_req rq = {.method = "POST", .path = "/v1/applications",
                    .cert = DEV1, .body = a.json,
                    .content_type = "text/plain"};
  srvtest_resp r;
  CHECK(srvtest_do(t, &rq, &r) == 0);
  CHECK_INT(r.status, 415);
  CHECK(is_error(r.body, "unsupported_media_type"));
  srvtest_resp_free(&r);
  rq.content_type = NULL;
  CHECK(srvtest_do(t, &rq, &r) == 0);
  CHECK_INT(r.status, 415);
  srvtest_resp_free(&r);
  rq.content_type = "application/json; charset=utf-8";
  rq.body = "{}";
  CHECK(srvtest_do(t, &rq, &r) == 0);
  CHECK_INT(r.status, 400); /* parameters allowed, body then checked */
  srvtest_resp_free(&r);

  /* 413: over 11 MiB, declared and chunked. A declared length is refused
   * before the body is sent (Expect: 100-continue, as libcurl does for
   * large bodies); a chunked body is read, discarded, then refused. */
  size_t big = 11 * 1024 * 1024 + 100;
  char *huge = malloc(big + 1);
  memset(huge, ' ', big);
  huge[0] = '{';
  huge[big - 1] = '}';
  huge[big] = '\0';
  rq = (srvtest_req){.method = "POST", .path = "/v1/applications",
                     .cert = DEV1, .body = huge, .len = big,
                     .content_type = "application/json", .expect100 = 1};
  CHECK(srvtest_do(t, &rq, &r) == 0);
  CHECK_INT(r.status, 413);
  CHECK(is_error(r.body, "payload_too_large"));
  srvtest_resp_free(&r);
  rq.expect100 = 0;
  rq.chunked = 1;
  CHECK(srvtest_do(t, &rq, &r) == 0);
  CHECK_INT(r.status, 413);
  srvtest_resp_free(&r);
  free(huge);

  /* 400: malformed, unknown field, missing field, wrong type, deep, bad
   * values. None is stored. */
  cJSON *base = cJSON_Parse(a.json);
  const char *fixed[] = {
    "{\"uuid\":",
    "[]",
    "null",
    "{\"uuid\":\"x\"} trailing",
    "\xff\xfe{}",
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    r = req(t, "POST", "/v1/applications", DEV1, fixed[i]);
    CHECK_INT(r.status, 400);
    CHECK(is_error(r.body, "bad_request"));
    srvtest_resp_free(&r);
  }
  char deep[2100];
  memset(deep, '[', 1000);
  memset(deep + 1000, ']', 1000);
  deep[2000] = '\0';
  CHECK_INT(status_of(t, "POST", "/v1/applications", DEV1, deep), 400);

  struct {
    const char *key;
    cJSON *value; /* NULL = remove the key */
  } muts[] = {
    {"extra", cJSON_CreateString("x")},
    {"uuid", NULL},
    {"sealed", NULL},
    {"items", cJSON_CreateString("dibao")},
    {"items", cJSON_CreateArray()},
    {"uuid", cJSON_CreateString("6F1C2A9E-3B7D-4C1E-9A55-0D2F8E41B7C3")},
    {"uuid", cJSON_CreateString("6f1c2a9e-3b7d-1c1e-9a55-0d2f8e41b7c3")},
    {"reference", cJSON_CreateNumber(12)},
    {"reference", cJSON_CreateString("a<b>")},
    {"device_id", cJSON_CreateString("KIOSK-1")},
    {"region", cJSON_CreateString("14050")},
    {"created_at", cJSON_CreateString("yesterday")},
    {"check_digest", cJSON_CreateString("abc")},
    {"sealed", cJSON_CreateString("!!!not base64!!!")},
    {"sealed", cJSON_CreateString("AAAA")},
    {"assisted_by", cJSON_CreateNumber(1)},
  };
  for (size_t i = 0; i < sizeof muts / sizeof muts[0]; i++) {
    cJSON *j = cJSON_Duplicate(base, 1);
    if (muts[i].value) {
      if (cJSON_HasObjectItem(j, muts[i].key))
        cJSON_ReplaceItemInObject(j, muts[i].key, muts[i].value);
      else
        cJSON_AddItemToObject(j, muts[i].key, muts[i].value);
    } else {
      cJSON_DeleteItemFromObject(j, muts[i].key);
    }
    char *body = cJSON_PrintUnformatted(j);
    r = req(t, "POST", "/v1/applications", DEV1, body);
    if (r.status != 400)
      fprintf(stderr, "mutation %zu (%s) gave %ld\n", i, muts[i].key,
              r.status);
    CHECK_INT(r.status, 400);
    CHECK(is_error(r.body, "bad_request"));
    srvtest_resp_free(&r);
    free(body);
    cJSON_Delete(j);
  }
  /* Duplicate key. */
  size_t bl = strlen(a.json);
  char *dup = malloc(bl + 64);
  snprintf(dup, bl + 64, "{\"uuid\":\"%s\",%s", a.uuid, a.json + 1);
  CHECK_INT(status_of(t, "POST", "/v1/applications", DEV1, dup), 400);
  free(dup);
  cJSON_Delete(base);

  status_path(path, sizeof path, a.reference, a.last4);
  CHECK_INT(status_of(t, "GET", path, DEV1, NULL), 404);
  /* Then the good body goes through: nothing was half-stored. */
  CHECK_INT(status_of(t, "POST", "/v1/applications", DEV1, a.json), 201);
  CHECK_INT(status_of(t, "GET", path, DEV1, NULL), 200);

  /* Method and path errors. */
  r = req(t, "GET", "/v1/applications", DEV1, NULL);
  CHECK_INT(r.status, 405);
  CHECK(is_error(r.body, "method_not_allowed"));
  srvtest_resp_free(&r);
  CHECK_INT(status_of(t, "GET", "/v1/nothing", DEV1, NULL), 404);
  /* Status without check is a bad request. */
  snprintf(path, sizeof path, "/v1/status/%s", a.reference);
  CHECK_INT(status_of(t, "GET", path, DEV1, NULL), 400);
  srvtest_app_free(&a);
}

static void test_heartbeat(srvtest *t) {
  const char *ok = "{\"device_id\":\"" DEV1 "\",\"content_version\":"
                   "\"2025.07.1\",\"outbox_depth\":2,\"quarantined\":0,"
                   "\"uptime_s\":123,\"last_errors\":[\"网络超时\"]}";
  srvtest_resp r = req(t, "POST", "/v1/devices/heartbeat", DEV1, ok);
  CHECK_INT(r.status, 204);
  CHECK_INT(r.len, 0);
  srvtest_resp_free(&r);
  CHECK_INT(status_of(t, "POST", "/v1/devices/heartbeat", DEV2, ok), 403);
  CHECK_INT(status_of(t, "POST", "/v1/devices/heartbeat", DEV1,
                      "{\"device_id\":\"" DEV1 "\",\"outbox_depth\":-1,"
                      "\"quarantined\":0,\"uptime_s\":1}"),
            400);
  CHECK_INT(status_of(t, "POST", "/v1/devices/heartbeat", DEV1,
                      "{\"device_id\":\"" DEV1 "\",\"outbox_depth\":0,"
                      "\"quarantined\":0,\"uptime_s\":1,\"name\":\"x\"}"),
            400);
}

/* ---- content ---- */

static void test_content(srvtest *t) {
  unsigned char sk[64], other_pk[32], other_sk[64];
  const char *file = "{\"title\":\"最低生活保障\",\"standard\":650}";
  char sha[65], path[256];
  char *manifest = NULL;
  CHECK(srvtest_admin_key(sk) == 0);
  crypto_sign_keypair(other_pk, other_sk);
  srvtest_sha256_hex(file, strlen(file), sha);

  CHECK_INT(status_of(t, "GET", "/v1/content/140500/manifest", DEV1, NULL),
            404);

  /* A device's certificate may not publish, whatever it sends: 403 with a
   * Chinese message, before the body is looked at. */
  char *body = srvtest_publish_body("2025.07.1", file, 1, sk, NULL);
  srvtest_resp r = req(t, "POST", "/v1/content", DEV1, body);
  CHECK_INT(r.status, 403);
  CHECK(is_error(r.body, "not_administrator"));
  CHECK(strstr(r.body, "管理员证书") != NULL);
  srvtest_resp_free(&r);
  free(body);
  CHECK_INT(status_of(t, "GET", "/v1/content", DEV1, NULL), 403);

  /* Wrong key: 403, nothing stored. */
  body = srvtest_publish_body("2025.07.1", file, 1, other_sk, NULL);
  r = req(t, "POST", "/v1/content", ADMIN, body);
  CHECK_INT(r.status, 403);
  CHECK(is_error(r.body, "bad_signature"));
  srvtest_resp_free(&r);
  free(body);
  snprintf(path, sizeof path, "/v1/content/files/%s", sha);
  CHECK_INT(status_of(t, "GET", path, DEV1, NULL), 404);

  /* Listed file neither sent nor stored: 400. */
  body = srvtest_publish_body("2025.07.1", file, 0, sk, NULL);
  r = req(t, "POST", "/v1/content", ADMIN, body);
  CHECK_INT(r.status, 400);
  CHECK(is_error(r.body, "missing_files"));
  srvtest_resp_free(&r);
  free(body);

  /* Good: 201; again: 200. */
  body = srvtest_publish_body("2025.07.1", file, 1, sk, &manifest);
  CHECK_INT(status_of(t, "POST", "/v1/content", ADMIN, body), 201);
  CHECK_INT(status_of(t, "POST", "/v1/content", ADMIN, body), 200);
  free(body);

  r = req(t, "GET", "/v1/content/140500/manifest", DEV2, NULL);
  CHECK_INT(r.status, 200);
  CHECK(r.etag[0] == '"');
  /* The manifest comes back as the exact signed bytes. */
  char *at = strstr(r.body, manifest);
  CHECK(at != NULL);
  cJSON *j = cJSON_Parse(r.body);
  const char *sig64 = cJSON_GetStringValue(cJSON_GetObjectItem(j, "signature"));
  unsigned char sig[64], pk[32];
  size_t got = 0;
  CHECK(sig64 && sodium_base642bin(sig, 64, sig64, strlen(sig64), NULL, &got,
                                   NULL, sodium_base64_VARIANT_ORIGINAL) == 0);
  crypto_sign_ed25519_sk_to_pk(pk, sk);
  CHECK(crypto_sign_verify_detached(sig, (unsigned char *)manifest,
                                    strlen(manifest), pk) == 0);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(
                cJSON_GetObjectItem(j, "manifest"), "version")),
            "2025.07.1");
  cJSON_Delete(j);
  char etag[128];
  snprintf(etag, sizeof etag, "%s", r.etag);
  srvtest_resp_free(&r);

  srvtest_req rq = {.method = "GET", .path = "/v1/content/140500/manifest",
                    .cert = DEV1, .if_none_match = etag};
  CHECK(srvtest_do(t, &rq, &r) == 0);
  CHECK_INT(r.status, 304);
  CHECK_INT(r.len, 0);
  srvtest_resp_free(&r);
  rq.if_none_match = "\"0000\"";
  CHECK(srvtest_do(t, &rq, &r) == 0);
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);

  /* Files by hash. */
  r = req(t, "GET", path, DEV1, NULL);
  CHECK_INT(r.status, 200);
  CHECK_INT(r.len, strlen(file));
  CHECK(r.body && memcmp(r.body, file, strlen(file)) == 0);
  char want_etag[80];
  snprintf(want_etag, sizeof want_etag, "\"%s\"", sha);
  CHECK_STR(r.etag, want_etag);
  srvtest_resp_free(&r);
  rq.path = path;
  rq.if_none_match = want_etag;
  CHECK(srvtest_do(t, &rq, &r) == 0);
  CHECK_INT(r.status, 304);
  srvtest_resp_free(&r);
  CHECK_INT(status_of(t, "GET", "/v1/content/files/zz", DEV1, NULL), 404);

  /* A newer version whose file is already stored needs no file bytes; an
   * older one afterwards is refused. */
  body = srvtest_publish_body("2025.07.10", file, 0, sk, NULL);
  CHECK_INT(status_of(t, "POST", "/v1/content", ADMIN, body), 201);
  free(body);
  body = srvtest_publish_body("2025.07.9", file, 1, sk, NULL);
  r = req(t, "POST", "/v1/content", ADMIN, body);
  CHECK_INT(r.status, 409);
  /* The refusal names the version the backend has, not the one sent. */
  char *cur = json_get_str(r.body, "current_version");
  CHECK_STR(cur ? cur : "", "2025.07.10");
  free(cur);
  CHECK(strstr(r.body, "2025.07.10") != NULL);
  CHECK(strstr(r.body, "2025.07.9") == NULL);
  srvtest_resp_free(&r);
  free(body);
  /* The published versions, newest first, with the administrator. */
  r = req(t, "GET", "/v1/content?region=140500", ADMIN, NULL);
  CHECK_INT(r.status, 200);
  cJSON *pl = cJSON_Parse(r.body);
  const cJSON *arr = cJSON_GetObjectItem(pl, "published");
  CHECK_INT(cJSON_GetArraySize(arr), 2);
  const cJSON *first = cJSON_GetArrayItem(arr, 0);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(first, "version")),
            "2025.07.10");
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(first, "published_by")),
            ADMIN);
  CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(first, "published_at")) !=
        NULL);
  cJSON_Delete(pl);
  srvtest_resp_free(&r);
  CHECK_INT(status_of(t, "GET", "/v1/content?region=14050", ADMIN, NULL),
            400);
  r = req(t, "GET", "/v1/content/140500/manifest", DEV1, NULL);
  CHECK(strstr(r.body, "\"2025.07.10\"") != NULL);
  CHECK(strcmp(r.etag, etag) != 0);
  srvtest_resp_free(&r);
  free(manifest);
}

static void test_rate_limit(void) {
  srvtest t;
  const char *extra[] = {"--status-burst", "6", "--status-rate", "0.01",
                         "--fail-burst", "3", "--fail-rate", "0.001", NULL};
  CHECK(srvtest_start(&t, "ratelimit", extra) == 0);
  srvtest_app a;
  char path[256];
  CHECK(srvtest_app_make(&a, DEV1, 5) == 0);
  CHECK_INT(status_of(&t, "POST", "/v1/applications", DEV1, a.json), 201);
  status_path(path, sizeof path, a.reference, a.last4);
  CHECK_INT(status_of(&t, "GET", path, DEV1, NULL), 200);
  /* Three wrong checks, then even the right one is refused. */
  for (int i = 0; i < 3; i++) {
    char bad[64];
    snprintf(bad, sizeof bad, "/v1/status/%s?check=000%d", a.reference, i);
    CHECK_INT(status_of(&t, "GET", bad, DEV1, NULL), 404);
  }
  srvtest_resp r = req(&t, "GET", path, DEV1, NULL);
  CHECK_INT(r.status, 429);
  CHECK(is_error(r.body, "rate_limited"));
  CHECK(atoi(r.retry_after) >= 1);
  srvtest_resp_free(&r);
  /* The limit holds per client address too: another device from the same
   * address is refused as well. */
  CHECK_INT(status_of(&t, "GET", path, DEV2, NULL), 429);
  CHECK(srvtest_stop(&t) == 0);

  /* Plain volume: the burst (6), then 429, right check every time. */
  CHECK(srvtest_start(&t, "ratelimit2", extra) == 0);
  CHECK_INT(status_of(&t, "POST", "/v1/applications", DEV1, a.json), 201);
  int ok = 0, limited = 0;
  for (int i = 0; i < 8; i++) {
    long s = status_of(&t, "GET", path, DEV1, NULL);
    ok += s == 200;
    limited += s == 429;
  }
  CHECK_INT(ok, 6);
  CHECK_INT(limited, 2);
  CHECK(srvtest_stop(&t) == 0);
  srvtest_app_free(&a);
}

/* ---- strict intake, keyed digests, file modes ---- */

/* The digest a kiosk sends (net/seal.c): unkeyed BLAKE2b-256. */
static void unkeyed(const char *ref, const char *last4, char hex[65]) {
  char pre[128];
  unsigned char h[32];
  snprintf(pre, sizeof pre, "kiosk-status-v1|%s|%s", ref, last4);
  crypto_generichash(h, sizeof h, (unsigned char *)pre, strlen(pre), NULL, 0);
  sodium_bin2hex(hex, 65, h, sizeof h);
}

/* A text column of one application read straight from the database file. */
static int db_text(const char *db, const char *sql, const char *uuid,
                   char *out, size_t cap) {
  if (pgtest_enabled())
    return pgtest_text(db, sql, uuid, out, cap);
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  int ok = 0;
  out[0] = '\0';
  if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char *t = sqlite3_column_text(st, 0);
      snprintf(out, cap, "%s", t ? (const char *)t : "");
      ok = 1;
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return ok;
}

static int file_mode(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

/* Endings a kiosk can send, [0-9X]{4}, tried without the key. */
static int brute_force(const char *ref, const char *digest) {
  static const char set[] = "0123456789X";
  int hits = 0;
  for (int i = 0; i < 11 * 11 * 11 * 11; i++) {
    char cand[5] = {0}, hex[65];
    int v = i;
    for (int k = 3; k >= 0; k--, v /= 11)
      cand[k] = set[v % 11];
    unkeyed(ref, cand, hex);
    hits += strcmp(hex, digest) == 0;
  }
  return hits;
}

static char *with_field(const char *json, const char *key, const char *val) {
  cJSON *j = cJSON_Parse(json);
  cJSON_ReplaceItemInObject(j, key, cJSON_CreateString(val));
  char *out = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  return out;
}

static void test_strict_intake(srvtest *t) {
  srvtest_app a, b, c;
  char digest[65], path[256], dg[128];
  srvtest_resp r;
  CHECK(srvtest_app_make(&a, DEV1, 40) == 0);

  /* Files of the server's own: database and check key 0600. */
  char key_path[600], p[700];
  snprintf(key_path, sizeof key_path, "%s/check.key", t->pki);
  CHECK_INT(file_mode(key_path), 0600);
  if (!pgtest_enabled()) { /* PostgreSQL's files are its own */
    CHECK_INT(file_mode(t->db), 0600);
    snprintf(p, sizeof p, "%s-wal", t->db);
    CHECK_INT(file_mode(p), 0600);
    snprintf(p, sizeof p, "%s-shm", t->db);
    CHECK_INT(file_mode(p), 0600);
  }

  /* Each impossible or incomplete created_at: 400 naming the field. */
  const char *bad_times[] = {"2026-02-30T09:30:00+08:00",
                             "2026-11-22T09:30:00+08:00junk",
                             "2026-11-22T09:30:00",
                             "2026-11-22T25:30:00+08:00",
                             "2026-11-22T09:30:00+0800"};
  for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
    char *body = with_field(a.json, "created_at", bad_times[i]);
    r = req(t, "POST", "/v1/applications", DEV1, body);
    CHECK_INT(r.status, 400);
    CHECK(is_error(r.body, "bad_request"));
    CHECK(r.body && strstr(r.body, "created_at") != NULL);
    srvtest_resp_free(&r);
    free(body);
  }

  /* A payload sealed to another key: 422, counted, not stored. */
  {
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
    unsigned char box[crypto_box_SEALBYTES + 16];
    char b64[200];
    crypto_box_keypair(pk, sk);
    crypto_box_seal(box, (const unsigned char *)"{\"schema_version\":1}",
                    16, pk);
    sodium_bin2base64(b64, sizeof b64, box, sizeof box,
                      sodium_base64_VARIANT_ORIGINAL);
    char *body = with_field(a.json, "sealed", b64);
    r = req(t, "POST", "/v1/applications", DEV1, body);
    CHECK_INT(r.status, 422);
    CHECK(is_error(r.body, "unopenable"));
    srvtest_resp_free(&r);
    free(body);
    CHECK(!db_text(t->db, "SELECT uuid FROM applications WHERE uuid = ?1",
                   a.uuid, dg, sizeof dg));
    status_path(path, sizeof path, a.reference, a.last4);
    CHECK_INT(status_of(t, "GET", path, DEV1, NULL), 404);
  }

  /* Accepted; what is stored is keyed: no ending found without the key. */
  r = req(t, "POST", "/v1/applications", DEV1, a.json);
  CHECK_INT(r.status, 201);
  srvtest_resp_free(&r);
  CHECK(db_text(t->db, "SELECT check_digest FROM applications WHERE uuid = ?1",
                a.uuid, dg, sizeof dg));
  unkeyed(a.reference, a.last4, digest);
  CHECK_INT(strlen(dg), 64);
  CHECK(strcmp(dg, digest) != 0);
  CHECK_INT(brute_force(a.reference, dg), 0);
  CHECK_INT(brute_force(a.reference, digest), 1); /* the old weakness */
  CHECK_INT(status_of(t, "GET", path, DEV2, NULL), 200);

  /* Same device, same reference, another uuid: 409 duplicate_reference.
   * The original again: still 200. Another device may use it. */
  CHECK(srvtest_app_make(&b, DEV1, 41) == 0);
  unkeyed(a.reference, b.last4, digest);
  char *dup = with_field(b.json, "reference", a.reference);
  char *dup2 = with_field(dup, "check_digest", digest);
  r = req(t, "POST", "/v1/applications", DEV1, dup2);
  CHECK_INT(r.status, 409);
  CHECK(is_error(r.body, "duplicate_reference"));
  srvtest_resp_free(&r);
  CHECK(!db_text(t->db, "SELECT uuid FROM applications WHERE uuid = ?1",
                 b.uuid, dg, sizeof dg));
  CHECK_INT(status_of(t, "POST", "/v1/applications", DEV1, a.json), 200);
  CHECK(srvtest_app_make(&c, DEV2, 42) == 0);
  unkeyed(a.reference, c.last4, digest);
  char *other = with_field(c.json, "reference", a.reference);
  char *other2 = with_field(other, "check_digest", digest);
  CHECK_INT(status_of(t, "POST", "/v1/applications", DEV2, other2), 201);
  free(dup);
  free(dup2);
  free(other);
  free(other2);
  srvtest_app_free(&a);
  srvtest_app_free(&b);
  srvtest_app_free(&c);
}

/* A database from before keyed digests (unkeyed digest, check_keyed 0,
 * mode 0644): the server rekeys it at start, narrows the file, and progress
 * queries and resends still work. */
static void test_migration(void) {
  srvtest t, t2;
  srvtest_app a;
  char digest[65], dg[128], old_db[600];
  CHECK(srvtest_app_make(&a, DEV1, 50) == 0);
  CHECK(srvtest_start(&t, "mig", NULL) == 0);
  if (t.pid <= 0)
    return;
  CHECK_INT(status_of(&t, "POST", "/v1/applications", DEV1, a.json), 201);
  CHECK_INT(srvtest_stop(&t), 0);
  snprintf(old_db, sizeof old_db, "%s", t.db);
  unkeyed(a.reference, a.last4, digest);
  char sql[400];
  int pg = pgtest_enabled();
  snprintf(sql, sizeof sql,
           "UPDATE applications SET check_digest = '%s', check_keyed = 0, "
           "body_hash = %s",
           digest, pg ? "decode(repeat('00', 32), 'hex')" : "zeroblob(32)");
  if (pg) {
    CHECK(pgtest_exec(old_db, sql) == 0);
  } else {
    sqlite3 *h = NULL;
    CHECK(sqlite3_open(old_db, &h) == SQLITE_OK);
    CHECK(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    CHECK(chmod(old_db, 0644) == 0);
  }

  const char *extra[] = {"--db", old_db, NULL};
  CHECK(srvtest_start(&t2, "mig2", extra) == 0);
  if (t2.pid <= 0)
    return;
  if (!pg)
    CHECK_INT(file_mode(old_db), 0600);
  CHECK(db_text(old_db, "SELECT check_digest || '/' || check_keyed FROM "
                        "applications WHERE uuid = ?1",
                a.uuid, dg, sizeof dg));
  CHECK_INT(strlen(dg), 66);
  CHECK(strncmp(dg, digest, 64) != 0);
  CHECK(strcmp(dg + 64, "/1") == 0);
  dg[64] = '\0';
  CHECK_INT(brute_force(a.reference, dg), 0);
  char path[256];
  status_path(path, sizeof path, a.reference, a.last4);
  CHECK_INT(status_of(&t2, "GET", path, DEV1, NULL), 200);
  status_path(path, sizeof path, a.reference, "0000");
  CHECK_INT(status_of(&t2, "GET", path, DEV1, NULL), 404);
  /* The kiosk resending it (its 201 was lost) is still a resend. */
  CHECK_INT(status_of(&t2, "POST", "/v1/applications", DEV1, a.json), 200);
  CHECK_INT(srvtest_stop(&t2), 0);
  srvtest_app_free(&a);
}

int main(void) {
  srvtest t;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (sodium_init() < 0)
    return 1;
  const char *extra[] = {"--fail-burst", "1000", "--status-burst", "1000",
                         NULL};
  CHECK(srvtest_start(&t, "api", extra) == 0);
  if (t.pid > 0) {
    test_submit_and_status(&t);
    test_certificates(&t);
    test_bad_input(&t);
    test_heartbeat(&t);
    test_content(&t);
    test_strict_intake(&t);
    /* Still serving after all of that. */
    CHECK_INT(status_of(&t, "GET", "/v1/status/ABCD-EFGH-J?check=1234", DEV1,
                        NULL),
              404);
    CHECK_INT(srvtest_stop(&t), 0); /* clean exit on SIGTERM */
  }
  test_rate_limit();
  test_migration();
  curl_global_cleanup();
  return TEST_DONE();
}
