/* Staff accounts managed by an administrator in the console: creating one
 * (a password made and shown once, or given), never replacing one (409),
 * bad bodies refused (400), anyone else refused (403); disabling one ends
 * its session at once and stops its sign-in (403 account_disabled, only
 * after the right password), leaves it out of `staff export-kiosk`, and
 * enabling it lets it sign in again; not one's own account; each change in
 * the audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "srvtest.h"

#define PW "correct horse 1"

static srvtest t;

static srvtest_resp call(const char *method, const char *path,
                         const char *body, const char *cookie) {
  srvtest_req rq = {.method = method, .path = path, .body = body,
                    .content_type = body ? "application/json" : NULL,
                    .cookie = cookie};
  srvtest_resp r;
  if (srvtest_do(&t, &rq, &r) != 0) {
    memset(&r, 0, sizeof r);
    r.status = -1;
  }
  return r;
}

/* Signs in with id and password: the HTTP status; cookie gets the
 * session when 200; err (may be NULL) the answer's error code. */
static long login_pw(const char *id, const char *pw, char cookie[200],
                     char err[64]) {
  char body[400];
  snprintf(body, sizeof body, "{\"id\":\"%s\",\"password\":\"%s\"}", id, pw);
  srvtest_resp r = call("POST", "/api/console/login", body, NULL);
  cookie[0] = '\0';
  if (err) {
    cJSON *j = cJSON_Parse(r.body ? r.body : "");
    const char *e = cJSON_GetStringValue(cJSON_GetObjectItem(j, "error"));
    snprintf(err, 64, "%s", e ? e : "");
    cJSON_Delete(j);
  }
  if (r.status == 200) {
    char *semi = strchr(r.set_cookie, ';');
    snprintf(cookie, 200, "%.*s",
             (int)(semi ? semi - r.set_cookie : (long)strlen(r.set_cookie)),
             r.set_cookie);
  }
  long st = r.status;
  srvtest_resp_free(&r);
  return st;
}

static long post(const char *path, const char *body, const char *cookie,
                 cJSON **out) {
  srvtest_resp r = call("POST", path, body, cookie);
  long st = r.status;
  if (out)
    *out = cJSON_Parse(r.body ? r.body : "");
  srvtest_resp_free(&r);
  return st;
}

static long get(const char *path, const char *cookie) {
  srvtest_resp r = call("GET", path, NULL, cookie);
  long st = r.status;
  srvtest_resp_free(&r);
  return st;
}

/* Runs the server binary with the given arguments and stdin text; its
 * stdout (malloc'ed) or NULL when it failed. */
static char *run(const char *args, const char *in) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "printf '%s' | %s %s", in ? in : "",
           SRVTEST_BIN, args);
  FILE *p = popen(cmd, "r");
  if (!p)
    return NULL;
  char *out = calloc(1, 65536);
  size_t n = out ? fread(out, 1, 65535, p) : 0;
  (void)n;
  if (pclose(p) != 0) {
    free(out);
    return NULL;
  }
  return out;
}

int main(void) {
  char adm[200], ryb[200], w1[200], n1[200], err[64], args[800];
  CHECK(srvtest_start(&t, "staff", NULL) == 0);
  CHECK(srvtest_staff_add(&t, "ADM", "管理戊", PW, "admin", NULL, 0) == 0);
  CHECK(srvtest_staff_add(&t, "RYB", "医保丙", PW, "reviewer", "yibao", 0) ==
        0);
  CHECK(srvtest_staff_add(&t, "W1", "窗口甲", PW, "window", "window", 0) == 0);
  CHECK_INT(login_pw("ADM", PW, adm, NULL), 200);
  CHECK_INT(login_pw("RYB", PW, ryb, NULL), 200);
  CHECK_INT(login_pw("W1", PW, w1, NULL), 200);

  /* Only an administrator. */
  const char *n1body = "{\"id\":\"N1\",\"name\":\"新来的丁\",\"role\":"
                       "\"reviewer\",\"department\":\"yibao\"}";
  CHECK_INT(post("/api/console/staff", n1body, ryb, NULL), 403);
  CHECK_INT(post("/api/console/staff", n1body, w1, NULL), 403);
  CHECK_INT(post("/api/console/staff", n1body, NULL, NULL), 401);

  /* Created with a password made for it, shown once. */
  cJSON *j = NULL;
  CHECK_INT(post("/api/console/staff", n1body, adm, &j), 201);
  const char *made = cJSON_GetStringValue(cJSON_GetObjectItem(j, "password"));
  char pw1[64] = "";
  snprintf(pw1, sizeof pw1, "%s", made ? made : "");
  CHECK_INT(strlen(pw1), 12);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "department")),
            "yibao");
  CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "disabled")));
  cJSON_Delete(j);
  CHECK_INT(login_pw("N1", pw1, n1, NULL), 200);
  CHECK_INT(get("/api/console/me", n1), 200);

  /* Created with a password given: none in the answer. */
  CHECK_INT(post("/api/console/staff",
                 "{\"id\":\"N2\",\"name\":\"窗口己\",\"role\":\"window\","
                 "\"password\":\"long enough 2\",\"supervisor\":true}",
                 adm, &j),
            201);
  CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "password")));
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "supervisor")));
  cJSON_Delete(j);
  char n2[200];
  CHECK_INT(login_pw("N2", "long enough 2", n2, NULL), 200);

  /* Never replacing one; bad bodies. */
  CHECK_INT(post("/api/console/staff", n1body, adm, &j), 409);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "message")),
            "这个工号已经有账号了。");
  cJSON_Delete(j);
  const char *bad[] = {
      "{\"id\":\"N3\",\"name\":\"x\",\"role\":\"boss\"}",
      "{\"id\":\"N3\",\"name\":\"x\",\"role\":\"reviewer\"}",
      "{\"id\":\"N3\",\"name\":\"x\",\"role\":\"reviewer\",\"department\":"
      "\"nowhere\"}",
      "{\"id\":\"N3\",\"name\":\"x\",\"role\":\"window\",\"password\":"
      "\"short\"}",
      "{\"id\":\"N 3\",\"name\":\"x\",\"role\":\"window\"}",
      "{\"id\":\"\",\"name\":\"x\",\"role\":\"window\"}",
      "{\"id\":\"N3\",\"name\":\"\",\"role\":\"window\"}",
      "{\"id\":\"N3\",\"name\":\"x\",\"role\":\"window\",\"pwhash\":\"$\"}",
      "{\"id\":\"N3\",\"name\":\"x\",\"role\":\"window\",\"supervisor\":1}",
      "not json"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    long st = post("/api/console/staff", bad[i], adm, NULL);
    CHECK_INT(st, 400);
    if (st != 400)
      fprintf(stderr, "  body %zu\n", i);
  }
  char n3[200];
  CHECK_INT(login_pw("N3", "whatever 1", n3, NULL), 401);

  /* Kiosk PINs for both; both in staff.json. */
  snprintf(args, sizeof args, "staff pin --db '%s' N1", t.db);
  char *o = run(args, "123456\\n");
  CHECK(o != NULL);
  free(o);
  snprintf(args, sizeof args, "staff pin --db '%s' N2", t.db);
  o = run(args, "654321\\n");
  CHECK(o != NULL);
  free(o);
  snprintf(args, sizeof args, "staff export-kiosk --db '%s'", t.db);
  o = run(args, NULL);
  CHECK(o && strstr(o, "\"N1\"") && strstr(o, "\"N2\""));
  free(o);

  /* Disabling: not by a reviewer, not oneself, not an unknown id. */
  CHECK_INT(post("/api/console/staff/N1/disabled", "{\"disabled\":true}", ryb,
                 NULL),
            403);
  CHECK_INT(post("/api/console/staff/ADM/disabled", "{\"disabled\":true}",
                 adm, NULL),
            409);
  CHECK_INT(post("/api/console/staff/NOBODY/disabled", "{\"disabled\":true}",
                 adm, NULL),
            404);
  CHECK_INT(post("/api/console/staff/N1/disabled", "{\"disabled\":1}", adm,
                 NULL),
            400);
  CHECK_INT(post("/api/console/staff/N1/disabled", "{\"disabled\":true}", adm,
                 &j),
            200);
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "disabled")));
  cJSON_Delete(j);
  /* Its session ended; its sign-in refused (wrong password: as ever). */
  CHECK_INT(get("/api/console/me", n1), 401);
  CHECK_INT(get("/api/console/applications", n1), 401);
  char tmp[200];
  CHECK_INT(login_pw("N1", pw1, tmp, err), 403);
  CHECK_STR(err, "account_disabled");
  CHECK_INT(login_pw("N1", "wrong password", tmp, err), 401);
  CHECK_STR(err, "bad_credentials");
  /* Others go on. */
  CHECK_INT(get("/api/console/me", n2), 200);
  /* Left out of the kiosks' staff.json. */
  snprintf(args, sizeof args, "staff export-kiosk --db '%s'", t.db);
  o = run(args, NULL);
  CHECK(o && !strstr(o, "\"N1\"") && strstr(o, "\"N2\""));
  free(o);
  /* Listed as disabled. */
  srvtest_resp r = call("GET", "/api/console/staff", NULL, adm);
  CHECK_INT(r.status, 200);
  j = cJSON_Parse(r.body ? r.body : "");
  const cJSON *e;
  int seen = 0;
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "staff")) {
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(e, "id"));
    if (strcmp(id, "N1") == 0)
      seen += cJSON_IsTrue(cJSON_GetObjectItem(e, "disabled"));
    if (strcmp(id, "N2") == 0)
      seen += cJSON_IsFalse(cJSON_GetObjectItem(e, "disabled"));
    CHECK(!cJSON_GetObjectItem(e, "password"));
  }
  CHECK_INT(seen, 2);
  CHECK(r.body && !strstr(r.body, "$argon2"));
  cJSON_Delete(j);
  srvtest_resp_free(&r);

  /* Enabled again: signs in with the same password. */
  CHECK_INT(post("/api/console/staff/N1/disabled", "{\"disabled\":false}",
                 adm, NULL),
            200);
  CHECK_INT(login_pw("N1", pw1, n1, NULL), 200);
  CHECK_INT(get("/api/console/me", n1), 200);

  /* The audit log: every change, by whom, no password. */
  r = call("GET", "/api/console/audit", NULL, adm);
  CHECK_INT(r.status, 200);
  j = cJSON_Parse(r.body ? r.body : "");
  char details[400] = "";
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "entries")) {
    if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "action")),
               "staff") != 0)
      continue;
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(e, "staff_id")), "ADM");
    size_t n = strlen(details);
    snprintf(details + n, sizeof details - n, "%s;",
             cJSON_GetStringValue(cJSON_GetObjectItem(e, "detail")));
  }
  /* newest first */
  CHECK_STR(details, "enable N1;disable N1;create N2 window supervisor;"
                     "create N1 reviewer yibao;");
  CHECK(r.body && !strstr(r.body, pw1) && !strstr(r.body, "long enough 2"));
  cJSON_Delete(j);
  srvtest_resp_free(&r);

  CHECK_INT(srvtest_stop(&t), 0);
  return TEST_DONE();
}
