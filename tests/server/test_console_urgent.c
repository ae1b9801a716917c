/* Urgent applications on the real server over real TLS: a kiosk's envelope
 * with "urgent": true (临时救助), one with false (低保) and one from an older
 * kiosk without the field are all accepted; resends stay idempotent (an old
 * envelope without the field resent is 200, false and absent are the same
 * application) and the same uuid with urgent changed is 409; anything but a
 * boolean is 400. The console lists the waiting urgent one first with
 * "urgent": true, counts it in urgent_waiting, lists it under
 * ?urgent=waiting, says so when it is opened, and puts it back among the
 * rest once it is 发放 (paid). Synthetic people only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "srvtest.h"

#define DEV1 "KIOSK-140500-001"

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static long post_app(srvtest *t, const char *body, char **answer) {
  srvtest_req rq = {.method = "POST", .path = "/v1/applications",
                    .cert = DEV1, .body = body,
                    .content_type = "application/json"};
  srvtest_resp r;
  if (srvtest_do(t, &rq, &r) != 0)
    return -1;
  long s = r.status;
  if (answer)
    *answer = strdup(r.body ? r.body : "");
  srvtest_resp_free(&r);
  return s;
}

static cJSON *get_json(srvtest *t, const char *path, const char *cookie,
                       long *status) {
  srvtest_req rq = {.method = "GET", .path = path, .cookie = cookie};
  srvtest_resp r;
  *status = -1;
  if (srvtest_do(t, &rq, &r) != 0)
    return NULL;
  *status = r.status;
  cJSON *j = cJSON_Parse(r.body);
  srvtest_resp_free(&r);
  return j;
}

/* The body with the "urgent" member replaced by text (NULL: removed). */
static char *with_urgent(const char *json, const char *text) {
  cJSON *j = cJSON_Parse(json);
  cJSON_DeleteItemFromObjectCaseSensitive(j, "urgent");
  if (text)
    cJSON_AddItemToObject(j, "urgent", cJSON_Parse(text));
  char *out = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  return out;
}

/* "REF!,REF,..." of the list at path ("!" = urgent: true). */
static void refs_of(srvtest *t, const char *path, const char *cookie,
                    char *out, size_t cap, double *waiting) {
  long st;
  cJSON *j = get_json(t, path, cookie, &st);
  out[0] = '\0';
  CHECK_INT(st, 200);
  const cJSON *a;
  cJSON_ArrayForEach(a, cJSON_GetObjectItem(j, "applications")) {
    size_t n = strlen(out);
    const cJSON *u = cJSON_GetObjectItem(a, "urgent");
    CHECK(cJSON_IsBool(u));
    snprintf(out + n, cap - n, "%s%s%s", n ? "," : "",
             cJSON_GetStringValue(cJSON_GetObjectItem(a, "reference")),
             cJSON_IsTrue(u) ? "!" : "");
  }
  if (waiting)
    *waiting = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "urgent_waiting"));
  cJSON_Delete(j);
}

int main(void) {
  srvtest t;
  char cookie[200] = "", want[256], got[512], path[300];
  double waiting = -1;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CHECK(srvtest_start(&t, "urgent", NULL) == 0);
  if (t.pid <= 0)
    return TEST_DONE();
  CHECK(srvtest_adduser(&t, "S0031", "孙测试", "window pass 31") == 0);

  /* In this order, so "newest first" alone would put the urgent one last. */
  srvtest_app urg, dib, old;
  CHECK(srvtest_app_make_urgent(&urg, DEV1, 41, 1) == 0);
  CHECK(srvtest_app_make_urgent(&dib, DEV1, 42, 0) == 0);
  CHECK(srvtest_app_make_urgent(&old, DEV1, 43, -1) == 0);
  CHECK(strstr(urg.json, "\"urgent\":true") != NULL);
  CHECK(strstr(dib.json, "\"urgent\":false") != NULL);
  CHECK(strstr(old.json, "urgent") == NULL);

  /* Anything but a boolean is refused, and nothing is stored. */
  const char *bad[] = {"null", "1", "\"true\"", "{}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *b = with_urgent(urg.json, bad[i]), *ans = NULL;
    CHECK_INT(post_app(&t, b, &ans), 400);
    CHECK(ans && strstr(ans, "urgent") != NULL);
    free(ans);
    free(b);
  }

  CHECK_INT(post_app(&t, urg.json, NULL), 201);
  sleep_ms(1100); /* received_at has whole seconds */
  CHECK_INT(post_app(&t, dib.json, NULL), 201);
  sleep_ms(1100);
  CHECK_INT(post_app(&t, old.json, NULL), 201);

  /* Resends: identical is 200; false and absent are the same; urgent
   * changed either way is another body (409). */
  CHECK_INT(post_app(&t, urg.json, NULL), 200);
  CHECK_INT(post_app(&t, old.json, NULL), 200);
  {
    char *b = with_urgent(old.json, "false");
    CHECK_INT(post_app(&t, b, NULL), 200);
    free(b);
    b = with_urgent(dib.json, NULL);
    CHECK_INT(post_app(&t, b, NULL), 200);
    free(b);
    b = with_urgent(dib.json, "true");
    CHECK_INT(post_app(&t, b, NULL), 409);
    free(b);
    b = with_urgent(urg.json, "false");
    CHECK_INT(post_app(&t, b, NULL), 409);
    free(b);
    b = with_urgent(old.json, "true");
    CHECK_INT(post_app(&t, b, NULL), 409);
    free(b);
  }

  /* Sign in. */
  {
    srvtest_req rq = {.method = "POST", .path = "/api/console/login",
                      .body = "{\"id\":\"S0031\",\"password\":\"window pass "
                              "31\"}",
                      .content_type = "application/json"};
    srvtest_resp r;
    CHECK(srvtest_do(&t, &rq, &r) == 0 && r.status == 200);
    snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(r.set_cookie, ";"),
             r.set_cookie);
    srvtest_resp_free(&r);
  }

  /* Today: the urgent one first, then newest first. */
  refs_of(&t, "/api/console/applications", cookie, got, sizeof got, &waiting);
  snprintf(want, sizeof want, "%s!,%s,%s", urg.reference, old.reference,
           dib.reference);
  CHECK_STR(got, want);
  CHECK(waiting == 1);
  /* Every urgent one still waiting, whatever the day. */
  refs_of(&t, "/api/console/applications?urgent=waiting", cookie, got,
          sizeof got, &waiting);
  snprintf(want, sizeof want, "%s!", urg.reference);
  CHECK_STR(got, want);
  CHECK(waiting == 1);
  /* By reference: the field is there too. */
  snprintf(path, sizeof path, "/api/console/applications?reference=%s",
           urg.reference);
  refs_of(&t, path, cookie, got, sizeof got, NULL);
  CHECK_STR(got, want);
  {
    long st;
    const char *wrong[] = {"?urgent=maybe", "?urgent=", "?urgent=waiting&date="
                           "2026-11-22", "?urgent=waiting&reference=AB"};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
      snprintf(path, sizeof path, "/api/console/applications%s", wrong[i]);
      cJSON *j = get_json(&t, path, cookie, &st);
      CHECK_INT(st, 400);
      cJSON_Delete(j);
    }
    snprintf(path, sizeof path, "/api/console/applications?urgent=waiting");
    cJSON_Delete(get_json(&t, path, NULL, &st));
    CHECK_INT(st, 401);
  }

  /* Opened: urgent, and the plaintext agrees. */
  {
    long st;
    snprintf(path, sizeof path, "/api/console/applications/%s", urg.uuid);
    cJSON *j = get_json(&t, path, cookie, &st);
    CHECK_INT(st, 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "urgent")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "unsealed")));
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/api/console/applications/%s", old.uuid);
    j = get_json(&t, path, cookie, &st);
    CHECK_INT(st, 200);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "urgent")));
    cJSON_Delete(j);
  }

  /* Paid (every item, step by step): no longer waiting, back among the
   * rest by time. */
  {
    static const char *const steps[] = {"accepted", "reviewing", "publicized",
                                        "approved", "paid"};
    snprintf(path, sizeof path, "/api/console/applications/%s/status",
             urg.uuid);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
      char body[100];
      snprintf(body, sizeof body, "{\"status\":\"%s\",\"note\":\"已先行救助\"}",
               steps[i]);
      srvtest_req rq = {.method = "POST", .path = path, .body = body,
                        .content_type = "application/json", .cookie = cookie};
      srvtest_resp r;
      CHECK(srvtest_do(&t, &rq, &r) == 0 && r.status == 200);
      srvtest_resp_free(&r);
    }
  }
  refs_of(&t, "/api/console/applications", cookie, got, sizeof got, &waiting);
  snprintf(want, sizeof want, "%s,%s,%s!", old.reference, dib.reference,
           urg.reference);
  CHECK_STR(got, want);
  CHECK(waiting == 0);
  refs_of(&t, "/api/console/applications?urgent=waiting", cookie, got,
          sizeof got, &waiting);
  CHECK_STR(got, "");

  CHECK(srvtest_stop(&t) == 0);
  srvtest_app_free(&urg);
  srvtest_app_free(&dib);
  srvtest_app_free(&old);
  curl_global_cleanup();
  return TEST_DONE();
}
