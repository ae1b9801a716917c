/* The staff console's API on the real server: sign-in (unknown ids answered
 * like wrong passwords, failure delays per id and client address that grow
 * and do not reach other addresses), sessions,
 * cross-site refusal, today's list, search, opening (unsealing) an
 * application, changing its status (which the device status API then
 * shows), and the device list fed by heartbeats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "srvtest.h"

#define DEV1 "KIOSK-140500-001"


/* Monotonic seconds. */
static double mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
static srvtest_resp call(srvtest *t, const char *method, const char *path,
                         const char *body, const char *cookie) {
  srvtest_req rq = {.method = method, .path = path, .body = body,
                    .content_type = body ? "application/json" : NULL,
                    .cookie = cookie};
  srvtest_resp r;
  if (srvtest_do(t, &rq, &r) != 0)
    r.status = -1;
  return r;
}

static long code(srvtest *t, const char *method, const char *path,
                 const char *body, const char *cookie) {
  srvtest_resp r = call(t, method, path, body, cookie);
  long s = r.status;
  srvtest_resp_free(&r);
  return s;
}

/* A sign-in from the local address src (any 127.0.0.0/8 address reaches the
 * server listening on 127.0.0.1). */
static srvtest_resp login_from(srvtest *t, const char *src, const char *id,
                               const char *pw) {
  char body[200];
  snprintf(body, sizeof body, "{\"id\":\"%s\",\"password\":\"%s\"}", id,
           pw);
  srvtest_req rq = {.method = "POST", .path = "/api/console/login",
                    .body = body, .content_type = "application/json",
                    .source = src};
  srvtest_resp r;
  if (srvtest_do(t, &rq, &r) != 0)
    r.status = -1;
  return r;
}

int main(void) {
  srvtest t;
  char cookie[200] = "", path[256];
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const char *extra[] = {"--login-failures", "3", "--login-delay", "2",
                         "--login-lock", "600", NULL};
  CHECK(srvtest_start(&t, "console", extra) == 0);
  if (t.pid <= 0)
    return TEST_DONE();
  CHECK(srvtest_adduser(&t, "S0012", "李测试", "correct horse 1") == 0);
  CHECK(srvtest_adduser(&t, "S0013", "赵测试", "another pass 2") == 0);
  CHECK(srvtest_adduser(&t, "S0014", "x", "short") != 0); /* too short */

  srvtest_app a;
  CHECK(srvtest_app_make(&a, DEV1, 7) == 0);
  srvtest_req sub = {.method = "POST", .path = "/v1/applications",
                     .cert = DEV1, .body = a.json,
                     .content_type = "application/json"};
  srvtest_resp r;
  CHECK(srvtest_do(&t, &sub, &r) == 0 && r.status == 201);
  srvtest_resp_free(&r);
  const char *hb = "{\"device_id\":\"" DEV1 "\",\"content_version\":"
                   "\"2025.07.1\",\"outbox_depth\":4,\"quarantined\":1,"
                   "\"uptime_s\":3600,\"last_errors\":[\"打印机缺纸\"]}";
  srvtest_req hbr = {.method = "POST", .path = "/v1/devices/heartbeat",
                     .cert = DEV1, .body = hb,
                     .content_type = "application/json"};
  CHECK(srvtest_do(&t, &hbr, &r) == 0 && r.status == 204);
  srvtest_resp_free(&r);

  /* The page itself, with a strict CSP, and no client certificate. */
  r = call(&t, "GET", "/console/", NULL, NULL);
  CHECK_INT(r.status, 200);
  CHECK(strstr(r.content_type, "text/html") != NULL);
  CHECK(strstr(r.body, "登录") != NULL);
  srvtest_resp_free(&r);
  CHECK_INT(code(&t, "GET", "/console/app.js", NULL, NULL), 200);
  CHECK_INT(code(&t, "GET", "/console/nope.js", NULL, NULL), 404);

  /* Everything else needs a session. */
  CHECK_INT(code(&t, "GET", "/api/console/applications", NULL, NULL), 401);
  CHECK_INT(code(&t, "GET", "/api/console/devices", NULL, NULL), 401);
  CHECK_INT(code(&t, "GET", "/api/console/me", NULL,
                 "ks_session=0000000000000000000000000000000000000000000000"
                 "000000000000000000"),
            401);

  /* A wrong password and an unknown id get the same answer, status and
   * body, try after try from one address (127.0.0.2): 401 three times,
   * then 429 while the failure delay runs, for both alike. */
  double last_failure = mono_s();
  int expired = 0;
  for (int i = 0; i < 5; i++) {
    /* The 2 s delay counts from the last failure. When the password hashing
     * of a busy machine alone took longer than that, it has run out: from
     * then on (a new failure, a longer delay) nothing can be told. */
    expired = expired || (i >= 3 && mono_s() - last_failure > 1.5);
    srvtest_resp wp = login_from(&t, "127.0.0.2", "S0013", "wrong");
    srvtest_resp un = login_from(&t, "127.0.0.2", "NOBODY", "wrong");
    if (expired) {
      fprintf(stderr, "  round %d: the delay ran out before it was asked "
                      "(a slow machine); not judged\n", i);
    } else {
      CHECK_INT(wp.status, i < 3 ? 401 : 429);
      CHECK_INT(un.status, wp.status);
      CHECK_STR(un.body, wp.body);
      CHECK(strstr(wp.body, i < 3 ? "bad_credentials" : "\"locked\"") !=
            NULL);
      if (i >= 3) {
        CHECK(atoi(wp.retry_after) >= 1 && atoi(wp.retry_after) <= 2);
        CHECK(atoi(un.retry_after) >= 1 && atoi(un.retry_after) <= 2);
      }
    }
    if (wp.status == 401 || un.status == 401)
      last_failure = mono_s();
    srvtest_resp_free(&wp);
    srvtest_resp_free(&un);
  }
  /* The delay holds the right password back from that address... */
  {
    expired = expired || mono_s() - last_failure > 1.5;
    r = login_from(&t, "127.0.0.2", "S0013", "another pass 2");
    if (!expired)
      CHECK_INT(r.status, 429);
    srvtest_resp_free(&r);
  }
  /* ...but not the member of staff signing in from another one. */
  r = login_from(&t, "127.0.0.1", "S0013", "another pass 2");
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);

  /* The delay doubles with each further failure: 2 s, 4 s, 8 s, counted
   * from the failure, so Retry-After is that less the whole seconds gone
   * since (password hashing takes a while on a busy machine). */
  int delays[3] = {0, 0, 0}, gone[3] = {0, 0, 0};
  double failed_at = 0;
  for (int i = 0; i < 3; i++) {
    failed_at = mono_s();
    r = login_from(&t, "127.0.0.3", "S0012", "wrong");
    CHECK_INT(r.status, 401);
    srvtest_resp_free(&r);
  }
  for (int k = 0; k < 3; k++) {
    r = login_from(&t, "127.0.0.3", "S0012", "correct horse 1");
    CHECK_INT(r.status, 429);
    delays[k] = atoi(r.retry_after);
    gone[k] = (int)(mono_s() - failed_at) + 1;
    srvtest_resp_free(&r);
    if (k == 2 || delays[k] < 1 || delays[k] > 8) /* never wait long */
      break;
    sleep((unsigned)delays[k] + 1);
    failed_at = mono_s();
    r = login_from(&t, "127.0.0.3", "S0012", "wrong"); /* allowed, fails */
    CHECK_INT(r.status, 401);
    srvtest_resp_free(&r);
  }
  for (int k = 0; k < 3; k++) {
    int want = 2 << k; /* 2, 4, 8 */
    if (delays[k] > want || delays[k] < want - gone[k])
      fprintf(stderr, "  delay %d: Retry-After %d, want %d..%d\n", k,
              delays[k], want - gone[k], want);
    CHECK(delays[k] <= want && delays[k] >= want - gone[k] &&
          delays[k] >= 1);
  }
  CHECK_INT(code(&t, "POST", "/api/console/login",
                 "{\"id\":\"S0012\",\"password\":\"x\",\"extra\":1}", NULL),
            400);

  /* Cross-site sign-in is refused. */
  srvtest_req xs = {.method = "POST", .path = "/api/console/login",
                    .body = "{\"id\":\"S0012\",\"password\":\"correct horse 1\"}",
                    .content_type = "application/json",
                    .origin = "https://evil.example"};
  CHECK(srvtest_do(&t, &xs, &r) == 0);
  CHECK_INT(r.status, 403);
  srvtest_resp_free(&r);

  /* Sign in. */
  r = call(&t, "POST", "/api/console/login",
           "{\"id\":\"S0012\",\"password\":\"correct horse 1\"}", NULL);
  CHECK_INT(r.status, 200);
  CHECK(strstr(r.set_cookie, "HttpOnly") != NULL);
  CHECK(strstr(r.set_cookie, "Secure") != NULL);
  CHECK(strstr(r.set_cookie, "SameSite=Strict") != NULL);
  snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(r.set_cookie, ";"),
           r.set_cookie);
  srvtest_resp_free(&r);
  r = call(&t, "GET", "/api/console/me", NULL, cookie);
  CHECK_INT(r.status, 200);
  CHECK(strstr(r.body, "李测试") != NULL);
  srvtest_resp_free(&r);

  /* Today's list and search by reference. */
  r = call(&t, "GET", "/api/console/applications", NULL, cookie);
  CHECK_INT(r.status, 200);
  CHECK(strstr(r.body, a.reference) != NULL);
  CHECK(strstr(r.body, "医保") != NULL);
  srvtest_resp_free(&r);
  snprintf(path, sizeof path, "/api/console/applications?reference=%s",
           a.reference);
  r = call(&t, "GET", path, NULL, cookie);
  cJSON *j = cJSON_Parse(r.body);
  CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "applications")), 1);
  cJSON_Delete(j);
  srvtest_resp_free(&r);
  CHECK_INT(code(&t, "GET", "/api/console/applications?date=2001-01-01",
                 NULL, cookie),
            200);
  CHECK_INT(code(&t, "GET", "/api/console/applications?date=bad", NULL,
                 cookie),
            400);

  /* Open it: the unsealed display, items with departments. */
  snprintf(path, sizeof path, "/api/console/applications/%s", a.uuid);
  r = call(&t, "GET", path, NULL, cookie);
  CHECK_INT(r.status, 200);
  j = cJSON_Parse(r.body);
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "unsealed")));
  const cJSON *disp = cJSON_GetObjectItem(j, "display");
  CHECK_STR(cJSON_GetStringValue(
                cJSON_GetObjectItem(cJSON_GetArrayItem(disp, 0), "section")),
            "申请人");
  CHECK(strstr(r.body, a.id_number) != NULL);
  const cJSON *items = cJSON_GetObjectItem(j, "items");
  CHECK_STR(cJSON_GetStringValue(
                cJSON_GetObjectItem(cJSON_GetArrayItem(items, 1), "name")),
            "医疗救助");
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(
                cJSON_GetArrayItem(items, 1), "department")),
            "医保");
  cJSON_Delete(j);
  srvtest_resp_free(&r);

  /* Change status with a note; the device status API shows it. */
  snprintf(path, sizeof path, "/api/console/applications/%s/status", a.uuid);
  CHECK_INT(code(&t, "POST", path, "{\"status\":\"submitted\"}", cookie),
            400);
  CHECK_INT(code(&t, "POST", path, "{\"status\":\"flying\"}", cookie), 400);
  CHECK_INT(code(&t, "POST", path, "{\"status\":\"accepted\"}", NULL), 401);
  r = call(&t, "POST", path,
           "{\"status\":\"accepted\",\"note\":\"材料齐全，已受理\"}", cookie);
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);
  char spath[256];
  snprintf(spath, sizeof spath, "/v1/status/%s?check=%s", a.reference,
           a.last4);
  srvtest_req sq = {.method = "GET", .path = spath, .cert = DEV1};
  CHECK(srvtest_do(&t, &sq, &r) == 0);
  CHECK_INT(r.status, 200);
  j = cJSON_Parse(r.body);
  const cJSON *tl = cJSON_GetObjectItem(j, "timeline");
  CHECK_INT(cJSON_GetArraySize(tl), 2);
  const cJSON *last = cJSON_GetArrayItem(tl, 1);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(last, "status")),
            "accepted");
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(last, "note")),
            "材料齐全，已受理");
  CHECK(strstr(r.body, "S0012") == NULL); /* staff ids stay internal */
  cJSON_Delete(j);
  srvtest_resp_free(&r);

  /* Devices page data. */
  r = call(&t, "GET", "/api/console/devices", NULL, cookie);
  CHECK_INT(r.status, 200);
  CHECK(strstr(r.body, DEV1) != NULL);
  CHECK(strstr(r.body, "打印机缺纸") != NULL);
  srvtest_resp_free(&r);

  /* Sign out ends the session. */
  CHECK_INT(code(&t, "POST", "/api/console/logout", NULL, cookie), 204);
  CHECK_INT(code(&t, "GET", "/api/console/me", NULL, cookie), 401);

  srvtest_app_free(&a);
  CHECK_INT(srvtest_stop(&t), 0);
  curl_global_cleanup();
  return TEST_DONE();
}
