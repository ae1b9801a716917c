/* The public progress page on the real server (GET /cx?r=REF&t=TOKEN, no
 * client certificate, over TLS on loopback): each item's status in plain
 * Chinese after staff moved them, the hotline line, and nothing personal;
 * an unknown reference answered exactly like a wrong token; malformed
 * links a plain 400 page; the rate limits of the progress query. The
 * token is computed here from the documented formula, independently of
 * the server's code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "srvtest.h"

#define DEV1 "KIOSK-140500-001"
#define PW "correct horse 1"
#define HOTLINE "咨询电话：0356-1234567"

static srvtest t;

static srvtest_resp call(const char *method, const char *path,
                         const char *body, const char *cookie,
                         const char *cert) {
  srvtest_req rq = {.method = method, .path = path, .body = body,
                    .content_type = body ? "application/json" : NULL,
                    .cookie = cookie, .cert = cert};
  srvtest_resp r;
  if (srvtest_do(&t, &rq, &r) != 0) {
    memset(&r, 0, sizeof r);
    r.status = -1;
  }
  return r;
}

/* docs/server.md "Public progress page": base32 (a-z, 2-7) of the first
 * 10 bytes of BLAKE2b-256("kiosk-receipt-v1|" + uuid). */
static void token_of(const char *uuid, char out[17]) {
  static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
  char msg[128];
  unsigned char h[32];
  snprintf(msg, sizeof msg, "kiosk-receipt-v1|%s", uuid);
  crypto_generichash(h, sizeof h, (const unsigned char *)msg, strlen(msg),
                     NULL, 0);
  unsigned long long hi = 0;
  for (int i = 0; i < 5; i++)
    hi = hi << 8 | h[i];
  unsigned long long lo = 0;
  for (int i = 5; i < 10; i++)
    lo = lo << 8 | h[i];
  for (int i = 0; i < 8; i++) {
    out[i] = b32[(hi >> (35 - 5 * i)) & 31];
    out[8 + i] = b32[(lo >> (35 - 5 * i)) & 31];
  }
  out[16] = '\0';
}

static int login(const char *id, char cookie[200]) {
  char body[200];
  snprintf(body, sizeof body, "{\"id\":\"%s\",\"password\":\"" PW "\"}", id);
  srvtest_resp r = call("POST", "/api/console/login", body, NULL, NULL);
  int ok = r.status == 200;
  cookie[0] = '\0';
  if (ok) {
    char *semi = strchr(r.set_cookie, ';');
    snprintf(cookie, 200, "%.*s",
             (int)(semi ? semi - r.set_cookie : (long)strlen(r.set_cookie)),
             r.set_cookie);
  }
  srvtest_resp_free(&r);
  return ok;
}

static long move(const char *cookie, const char *uuid, const char *item,
                 const char *status) {
  char path[200], body[200];
  snprintf(path, sizeof path, "/api/console/applications/%s/status", uuid);
  if (item)
    snprintf(body, sizeof body,
             "{\"item\":\"%s\",\"status\":\"%s\",\"note\":\"\"}", item,
             status);
  else
    snprintf(body, sizeof body, "{\"status\":\"%s\",\"note\":\"\"}", status);
  srvtest_resp r = call("POST", path, body, cookie, NULL);
  long s = r.status;
  srvtest_resp_free(&r);
  return s;
}

static int submit(srvtest_app *a, int n) {
  if (srvtest_app_make(a, DEV1, n) != 0)
    return -1;
  srvtest_resp r = call("POST", "/v1/applications", a->json, NULL, DEV1);
  int ok = r.status == 201;
  srvtest_resp_free(&r);
  return ok ? 0 : -1;
}

static void page_path(char *out, size_t cap, const char *ref,
                      const char *token) {
  snprintf(out, cap, "/cx?r=%s&t=%s", ref, token);
}

static int is_html(const srvtest_resp *r) {
  return strstr(r->content_type, "text/html") != NULL && r->body &&
         strstr(r->body, "<!doctype html>") != NULL &&
         strstr(r->body, "lang=\"zh-CN\"") != NULL;
}

static void test_page(void) {
  srvtest_app a, b;
  char cookie_w[200], cookie_r[200], path[256], tok[17], tok_b[17];
  const char *extra[] = {"--public-hotline", HOTLINE, "--fail-burst", "1000",
                         "--status-burst", "1000", NULL};
  CHECK(srvtest_start(&t, "public", extra) == 0);
  if (t.pid <= 0)
    return;
  CHECK(srvtest_staff_add(&t, "W1", "窗口甲", PW, "window", "window", 0) == 0);
  CHECK(srvtest_staff_add(&t, "RMZ", "民政乙", PW, "reviewer", "mzj", 0) == 0);
  CHECK(submit(&a, 21) == 0);
  CHECK(submit(&b, 22) == 0);
  CHECK(login("W1", cookie_w) && login("RMZ", cookie_r));
  CHECK_INT(move(cookie_w, a.uuid, NULL, "accepted"), 200);
  CHECK_INT(move(cookie_r, a.uuid, "dibao", "reviewing"), 200);
  token_of(a.uuid, tok);
  token_of(b.uuid, tok_b);

  /* The receipt's link, from a phone: no certificate. */
  page_path(path, sizeof path, a.reference, tok);
  srvtest_resp r = call("GET", path, NULL, NULL, NULL);
  CHECK_INT(r.status, 200);
  CHECK(is_html(&r));
  CHECK(strstr(r.body, a.reference) != NULL);
  CHECK(strstr(r.body, "最低生活保障") != NULL);
  CHECK(strstr(r.body, "医疗救助") != NULL);
  CHECK(strstr(r.body, "审核") != NULL); /* dibao */
  CHECK(strstr(r.body, "受理") != NULL); /* medical */
  CHECK(strstr(r.body, "年") && strstr(r.body, "月") && strstr(r.body, "日"));
  CHECK(strstr(r.body, HOTLINE) != NULL);
  CHECK(strstr(r.body, "width=device-width") != NULL);
  /* Nothing personal, no uuid, no staff. */
  CHECK(strstr(r.body, "测试申请人") == NULL);
  CHECK(strstr(r.body, a.id_number) == NULL);
  CHECK(strstr(r.body, "13800000000") == NULL);
  CHECK(strstr(r.body, "幸福路") == NULL);
  CHECK(strstr(r.body, a.uuid) == NULL);
  CHECK(strstr(r.body, "民政乙") == NULL && strstr(r.body, "RMZ") == NULL);
  CHECK(strstr(r.body, "不符合条件") == NULL);
  srvtest_resp_free(&r);

  /* Copied by hand in lower case: the same page. */
  {
    char lower[32];
    snprintf(lower, sizeof lower, "%s", a.reference);
    for (char *q = lower; *q; q++)
      if (*q >= 'A' && *q <= 'Z')
        *q = (char)(*q - 'A' + 'a');
    char lp[256];
    page_path(lp, sizeof lp, lower, tok);
    srvtest_resp rl = call("GET", lp, NULL, NULL, NULL);
    CHECK_INT(rl.status, 200);
    CHECK(rl.body && strstr(rl.body, a.reference) != NULL);
    srvtest_resp_free(&rl);
  }

  /* A device may open it too; the answer is the same page. */
  r = call("GET", path, NULL, NULL, DEV1);
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);

  /* The other application's own link shows its own items, untouched. */
  page_path(path, sizeof path, b.reference, tok_b);
  r = call("GET", path, NULL, NULL, NULL);
  CHECK_INT(r.status, 200);
  CHECK(strstr(r.body, b.reference) != NULL);
  CHECK(strstr(r.body, "已提交") != NULL);
  CHECK(strstr(r.body, "审核") == NULL);
  srvtest_resp_free(&r);

  /* A's reference with B's token, a's reference with a made-up token, and
   * an unknown reference: one and the same answer. */
  page_path(path, sizeof path, a.reference, tok_b);
  srvtest_resp w1 = call("GET", path, NULL, NULL, NULL);
  page_path(path, sizeof path, a.reference, "abcdefghijklmnop");
  srvtest_resp w2 = call("GET", path, NULL, NULL, NULL);
  page_path(path, sizeof path, "XXXX-YYYY-Z", tok);
  srvtest_resp w3 = call("GET", path, NULL, NULL, NULL);
  CHECK_INT(w1.status, 404);
  CHECK_INT(w2.status, 404);
  CHECK_INT(w3.status, 404);
  CHECK(is_html(&w1));
  CHECK(w1.body && strstr(w1.body, "没有查到") != NULL);
  CHECK(w1.body && w2.body && w3.body && strcmp(w1.body, w2.body) == 0 &&
        strcmp(w1.body, w3.body) == 0);
  CHECK(w1.body && strstr(w1.body, a.reference) == NULL);
  srvtest_resp_free(&w1);
  srvtest_resp_free(&w2);
  srvtest_resp_free(&w3);

  /* Malformed links: a plain page, not an error dump. */
  const char *bad[] = {
      "/cx",
      "/cx?r=ABCD-EFGH-J",
      "/cx?t=abcdefghijklmnop",
      "/cx?r=%3Cscript%3E&t=abcdefghijklmnop",
      "/cx?r=ABCD-EFGH-J&t=ABCDEFGHIJKLMNOP",
      "/cx?r=ABCD-EFGH-J&t=abc",
      "/cx?r=ABCD-EFGH-J&t=abcdefghijklmnop1",
      "/cx?r=ABCD-EFGH-J&t=abcdefghijklmno1",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    r = call("GET", bad[i], NULL, NULL, NULL);
    CHECK_INT(r.status, 400);
    CHECK(is_html(&r));
    CHECK(r.body && strstr(r.body, "链接不完整") != NULL);
    CHECK(r.body && strstr(r.body, "<script") == NULL);
    CHECK(r.body && strstr(r.body, "\"error\"") == NULL);
    srvtest_resp_free(&r);
  }
  r = call("POST", "/cx", "{}", NULL, NULL);
  CHECK_INT(r.status, 405);
  srvtest_resp_free(&r);

  CHECK_INT(srvtest_stop(&t), 0);
  srvtest_app_free(&a);
  srvtest_app_free(&b);
}

/* Wrong tokens count against the address like wrong checks; then even
 * the right link waits. Every request takes from the status allowance. */
static void test_rate_limit(void) {
  srvtest_app a;
  char path[256], tok[17];
  const char *extra[] = {"--status-burst", "8", "--status-rate", "0.01",
                         "--fail-burst", "3", "--fail-rate", "0.001", NULL};
  CHECK(srvtest_start(&t, "public_rl", extra) == 0);
  if (t.pid <= 0)
    return;
  CHECK(submit(&a, 23) == 0);
  token_of(a.uuid, tok);
  page_path(path, sizeof path, a.reference, tok);
  srvtest_resp r = call("GET", path, NULL, NULL, NULL);
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);
  for (int i = 0; i < 3; i++) {
    char bad[256];
    page_path(bad, sizeof bad, a.reference, "abcdefghijklmnop");
    r = call("GET", bad, NULL, NULL, NULL);
    CHECK_INT(r.status, 404);
    srvtest_resp_free(&r);
  }
  r = call("GET", path, NULL, NULL, NULL);
  CHECK_INT(r.status, 429);
  CHECK(is_html(&r));
  CHECK(r.body && strstr(r.body, "查询太频繁了") != NULL);
  CHECK(atoi(r.retry_after) > 0);
  srvtest_resp_free(&r);
  /* Another address is not held back by this one's failures. */
  srvtest_req rq = {.method = "GET", .path = path, .source = "127.0.0.2"};
  CHECK(srvtest_do(&t, &rq, &r) == 0);
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);
  /* ... until its own allowance is spent (8 in a burst). */
  long last = 0;
  for (int i = 0; i < 8; i++) {
    CHECK(srvtest_do(&t, &rq, &r) == 0);
    last = r.status;
    srvtest_resp_free(&r);
  }
  CHECK_INT(last, 429);
  CHECK_INT(srvtest_stop(&t), 0);
  srvtest_app_free(&a);
}

int main(void) {
  if (sodium_init() < 0)
    return 1;
  test_page();
  test_rate_limit();
  return TEST_DONE();
}
