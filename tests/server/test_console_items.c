/* Joint processing on the real server: one status per item moved by two
 * departments (民政 and 医保), illegal moves refused with their Chinese
 * message (409), the same status twice refused, a reviewer kept off
 * another department's item (403), corrections only by a supervisor with a
 * reason, the applicant's progress answer with each item's state and
 * nothing personal, a department's queue oldest first with working days
 * left across a holiday (the server's clock fixed by
 * KIOSK_SERVER_FAKE_NOW), and the audit log of reads and changes, for
 * administrators only. */
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

/* The status of a GET; the body is freed. */
static long code(const char *path, const char *cookie) {
  srvtest_resp r = call("GET", path, NULL, cookie);
  long st = r.status;
  srvtest_resp_free(&r);
  return st;
}

/* Signs in; cookie gets "ks_session=...". */
static int login(const char *id, char cookie[200]) {
  char body[200];
  snprintf(body, sizeof body, "{\"id\":\"%s\",\"password\":\"" PW "\"}", id);
  srvtest_resp r = call("POST", "/api/console/login", body, NULL);
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

/* POSTs a status change; returns the HTTP status and copies the answer's
 * message (or status) into msg. */
static long move(const char *cookie, const char *uuid, const char *item,
                 const char *status, const char *note, char *msg,
                 size_t cap) {
  char path[200], body[400];
  snprintf(path, sizeof path, "/api/console/applications/%s/status", uuid);
  if (item)
    snprintf(body, sizeof body,
             "{\"item\":\"%s\",\"status\":\"%s\",\"note\":\"%s\"}", item,
             status, note ? note : "");
  else
    snprintf(body, sizeof body, "{\"status\":\"%s\",\"note\":\"%s\"}", status,
             note ? note : "");
  srvtest_resp r = call("POST", path, body, cookie);
  if (msg) {
    cJSON *j = cJSON_Parse(r.body ? r.body : "");
    const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(j, "message"));
    if (!m)
      m = cJSON_GetStringValue(cJSON_GetObjectItem(j, "status"));
    snprintf(msg, cap, "%s", m ? m : "");
    cJSON_Delete(j);
  }
  long s = r.status;
  srvtest_resp_free(&r);
  return s;
}

/* The status of one item in the console's detail of an application. */
static void item_status(const char *cookie, const char *uuid,
                        const char *item, char *out, size_t cap) {
  char path[200];
  snprintf(path, sizeof path, "/api/console/applications/%s", uuid);
  srvtest_resp r = call("GET", path, NULL, cookie);
  cJSON *j = cJSON_Parse(r.body ? r.body : "");
  const cJSON *e;
  out[0] = '\0';
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "items")) {
    if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "id")), item) ==
        0)
      snprintf(out, cap, "%s",
               cJSON_GetStringValue(cJSON_GetObjectItem(e, "status")));
  }
  cJSON_Delete(j);
  srvtest_resp_free(&r);
}

static int submit(srvtest_app *a, int n) {
  if (srvtest_app_make(a, DEV1, n) != 0)
    return -1;
  srvtest_req sub = {.method = "POST", .path = "/v1/applications",
                     .cert = DEV1, .body = a->json,
                     .content_type = "application/json"};
  srvtest_resp r;
  int ok = srvtest_do(&t, &sub, &r) == 0 && r.status == 201;
  srvtest_resp_free(&r);
  return ok ? 0 : -1;
}

/* Local 10:00 of a day, in the test's (and server's) TZ. */
static long long at10(int y, int m, int d) {
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
                  .tm_hour = 10, .tm_isdst = -1};
  return (long long)mktime(&tm);
}

static void set_now(long long when) {
  char v[32];
  snprintf(v, sizeof v, "%lld", when);
  setenv("KIOSK_SERVER_FAKE_NOW", v, 1);
}

int main(void) {
  char w1[200], rmz[200], ryb[200], sup[200], adm[200], msg[400], st[32];
  char cal[600], path[300];
  srvtest_app a, b;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  setenv("TZ", "CST-8", 1);
  tzset();
  /* National Day 2026 as a test calendar: five weekday holidays, and
   * Saturday 10 October worked. */
  snprintf(cal, sizeof cal, "%s/calendar-%d.json", SRVTEST_WORK,
           (int)getpid());
  FILE *f = fopen(cal, "w");
  CHECK(f != NULL);
  if (!f)
    return TEST_DONE();
  fputs("{\"holidays\":[\"2026-10-01\",\"2026-10-02\",\"2026-10-05\","
        "\"2026-10-06\",\"2026-10-07\"],\"workdays\":[\"2026-10-10\"]}\n",
        f);
  fclose(f);
  const char *extra[] = {"--calendar", cal, NULL};

  /* Monday 28 September: A arrives; Tuesday 29: B. */
  set_now(at10(2026, 9, 28));
  CHECK(srvtest_start(&t, "items", extra) == 0);
  if (t.pid <= 0)
    return TEST_DONE();
  CHECK(srvtest_staff_add(&t, "W1", "窗口甲", PW, "window", "window", 0) == 0);
  CHECK(srvtest_staff_add(&t, "RMZ", "民政乙", PW, "reviewer", "mzj", 0) == 0);
  CHECK(srvtest_staff_add(&t, "RYB", "医保丙", PW, "reviewer", "yibao", 0) ==
        0);
  CHECK(srvtest_staff_add(&t, "SUP", "主管丁", PW, "reviewer", "mzj", 1) == 0);
  CHECK(srvtest_staff_add(&t, "ADM", "管理戊", PW, "admin", NULL, 0) == 0);
  /* A reviewer needs a department, and it must exist. */
  CHECK(srvtest_staff_add(&t, "BAD", "x", PW, "reviewer", NULL, 0) != 0);
  CHECK(srvtest_staff_add(&t, "BAD", "x", PW, "reviewer", "nowhere", 0) != 0);
  CHECK(srvtest_staff_add(&t, "BAD", "x", PW, "boss", NULL, 0) != 0);
  CHECK(submit(&a, 11) == 0);
  CHECK_INT(srvtest_stop(&t), 0);
  set_now(at10(2026, 9, 29));
  CHECK(srvtest_restart(&t, extra) == 0);
  CHECK(submit(&b, 12) == 0);
  CHECK(login("W1", w1) && login("RMZ", rmz) && login("RYB", ryb) &&
        login("SUP", sup) && login("ADM", adm));

  /* Who is signed in: role and department. */
  srvtest_resp r = call("GET", "/api/console/me", NULL, rmz);
  CHECK(r.body && strstr(r.body, "\"role\":\"reviewer\"") &&
        strstr(r.body, "\"department_name\":\"县民政局\""));
  srvtest_resp_free(&r);

  /* The window accepts every item of A; the same again is refused. */
  CHECK_INT(move(w1, a.uuid, NULL, "accepted", "材料齐全", msg, sizeof msg),
            200);
  CHECK_STR(msg, "accepted");
  CHECK_INT(move(w1, a.uuid, NULL, "accepted", "", msg, sizeof msg), 409);
  CHECK(strstr(msg, "已经是「受理」") != NULL);
  CHECK_INT(move(w1, a.uuid, "dibao", "accepted", "", msg, sizeof msg), 409);
  /* An administrator does not handle items. */
  CHECK_INT(move(adm, a.uuid, "dibao", "reviewing", "", NULL, 0), 403);

  /* 医保 moves its item and may not touch 民政's. */
  CHECK_INT(move(ryb, a.uuid, "dibao", "reviewing", "", msg, sizeof msg),
            403);
  CHECK(strstr(msg, "不由本部门办理") != NULL);
  CHECK_INT(move(ryb, a.uuid, "medical", "reviewing", "", NULL, 0), 200);
  CHECK_INT(move(ryb, a.uuid, "medical", "publicized", "", msg, sizeof msg),
            409);
  CHECK(strstr(msg, "没有公示环节") != NULL);
  CHECK_INT(move(ryb, a.uuid, "medical", "approved", "", NULL, 0), 200);

  /* 民政: no skipping, publicity before approval for 低保. */
  CHECK_INT(move(rmz, a.uuid, "dibao", "approved", "", msg, sizeof msg), 409);
  CHECK_STR(msg, "「受理」的事项不能直接改为「审批」。");
  CHECK_INT(move(rmz, a.uuid, "dibao", "reviewing", "", NULL, 0), 200);
  CHECK_INT(move(rmz, a.uuid, "dibao", "approved", "", msg, sizeof msg), 409);
  CHECK(strstr(msg, "须先公示") != NULL);
  CHECK_INT(move(rmz, a.uuid, "dibao", "publicized", "", NULL, 0), 200);
  CHECK_INT(move(rmz, a.uuid, "dibao", "approved", "", NULL, 0), 200);
  /* Refusing needs a written reason; an approved item is past refusing. */
  CHECK_INT(move(rmz, b.uuid, "dibao", "refused", "", msg, sizeof msg), 400);
  CHECK(strstr(msg, "理由") != NULL);
  CHECK_INT(move(rmz, a.uuid, "dibao", "refused", "不符合条件", NULL, 0),
            409);
  item_status(w1, a.uuid, "dibao", st, sizeof st);
  CHECK_STR(st, "approved");

  /* Going back is a supervisor's correction, with a reason. */
  CHECK_INT(move(rmz, a.uuid, "dibao", "reviewing", "重新核对", msg,
                 sizeof msg),
            403);
  CHECK(strstr(msg, "主管") != NULL);
  CHECK_INT(move(sup, a.uuid, "dibao", "reviewing", "", NULL, 0), 400);
  CHECK_INT(move(sup, a.uuid, "dibao", "reviewing", "收入材料有误，重新核对",
                 NULL, 0),
            200);
  item_status(w1, a.uuid, "dibao", st, sizeof st);
  CHECK_STR(st, "reviewing");

  /* The applicant's progress: each item's state, nothing personal. */
  snprintf(path, sizeof path, "/v1/status/%s?check=%s", a.reference, a.last4);
  srvtest_req sq = {.method = "GET", .path = path, .cert = DEV1};
  CHECK(srvtest_do(&t, &sq, &r) == 0);
  CHECK_INT(r.status, 200);
  cJSON *j = cJSON_Parse(r.body);
  const cJSON *is = cJSON_GetObjectItem(j, "item_states");
  CHECK_INT(cJSON_GetArraySize(is), 2);
  const cJSON *i0 = cJSON_GetArrayItem(is, 0), *i1 = cJSON_GetArrayItem(is, 1);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(i0, "id")), "dibao");
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(i0, "label")), "审核");
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(i1, "id")), "medical");
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(i1, "status")),
            "approved");
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(i1, "label")), "审批");
  const char *upd =
      cJSON_GetStringValue(cJSON_GetObjectItem(i1, "updated_at"));
  CHECK(upd && strncmp(upd, "2026-09-29T10:", 14) == 0);
  /* The old fields are still there: items (ids) and the timeline, which
   * follows the application's summary (its least advanced open item):
   * submitted, accepted, reviewing, publicized, approved, and back to
   * reviewing by the correction. */
  CHECK(cJSON_IsString(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0)));
  const cJSON *tl = cJSON_GetObjectItem(j, "timeline");
  CHECK_INT(cJSON_GetArraySize(tl), 6);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(
                cJSON_GetArrayItem(tl, 5), "status")),
            "reviewing");
  CHECK(strstr(r.body, "RMZ") == NULL && strstr(r.body, "SUP") == NULL &&
        strstr(r.body, "staff") == NULL);
  CHECK(strstr(r.body, a.id_number) == NULL &&
        strstr(r.body, "测试申请人") == NULL);
  cJSON_Delete(j);
  srvtest_resp_free(&r);

  /* The audit log: opening and changes, administrators only, no personal
   * data and no notes. */
  CHECK_INT(code("/api/console/audit", rmz), 403);
  r = call("GET", "/api/console/audit?date=2026-09-29", NULL, adm);
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, "\"action\":\"open\"") &&
        strstr(r.body, "\"action\":\"correct\"") &&
        strstr(r.body, "\"detail\":\"approved->reviewing\"") &&
        strstr(r.body, "\"staff_id\":\"RYB\""));
  CHECK(r.body && !strstr(r.body, a.id_number) &&
        !strstr(r.body, "测试申请人") && !strstr(r.body, "收入材料有误"));
  srvtest_resp_free(&r);
  r = call("GET", "/api/console/audit?date=2026-09-27", NULL, adm);
  CHECK(r.body && strstr(r.body, "\"entries\":[]"));
  srvtest_resp_free(&r);
  CHECK_INT(code("/api/console/audit?date=yesterday", adm), 400);
  /* The accounts, for administrators only, without password hashes. */
  CHECK_INT(code("/api/console/staff", w1), 403);
  r = call("GET", "/api/console/staff", NULL, adm);
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, "\"id\":\"SUP\"") &&
        strstr(r.body, "\"supervisor\":true") &&
        strstr(r.body, "\"department_name\":\"医保\"") &&
        !strstr(r.body, "argon2"));
  srvtest_resp_free(&r);

  /* Monday 16 November: A's 低保 (30 working days) is a day over, B's due
   * today; 医保 (20) is over for both. The holidays count: without them A
   * would be 36 days in. */
  CHECK_INT(srvtest_stop(&t), 0);
  set_now(at10(2026, 11, 16));
  CHECK(srvtest_restart(&t, extra) == 0);
  CHECK(login("RMZ", rmz) && login("RYB", ryb) && login("W1", w1));
  r = call("GET", "/api/console/queue", NULL, rmz);
  CHECK_INT(r.status, 200);
  j = cJSON_Parse(r.body ? r.body : "");
  const cJSON *q = cJSON_GetObjectItem(j, "items");
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "today")),
            "2026-11-16");
  CHECK_INT(cJSON_GetArraySize(q), 2);
  const cJSON *q0 = cJSON_GetArrayItem(q, 0), *q1 = cJSON_GetArrayItem(q, 1);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(q0, "reference")),
            a.reference);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(q0, "item_name")),
            "最低生活保障");
  CHECK_INT(cJSON_GetObjectItem(q0, "working_days_left")->valueint, -1);
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(q0, "overdue")));
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(q1, "reference")),
            b.reference);
  CHECK_INT(cJSON_GetObjectItem(q1, "working_days_left")->valueint, 0);
  CHECK(cJSON_IsFalse(cJSON_GetObjectItem(q1, "overdue")));
  cJSON_Delete(j);
  srvtest_resp_free(&r);
  /* 医保's queue: B's medical only (A's is approved: still open). */
  r = call("GET", "/api/console/queue", NULL, ryb);
  j = cJSON_Parse(r.body ? r.body : "");
  q = cJSON_GetObjectItem(j, "items");
  CHECK_INT(cJSON_GetArraySize(q), 2);
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(q, 1), "overdue")));
  cJSON_Delete(j);
  srvtest_resp_free(&r);
  /* A reviewer sees only its own queue; the window may look at any. */
  CHECK_INT(code("/api/console/queue?department=yibao", rmz), 403);
  CHECK_INT(code("/api/console/queue?department=yibao", w1), 200);
  CHECK_INT(code("/api/console/queue?department=nowhere", w1), 404);
  /* Paid items leave the queue. */
  CHECK_INT(move(ryb, a.uuid, "medical", "paid", "", NULL, 0), 200);
  r = call("GET", "/api/console/queue", NULL, ryb);
  j = cJSON_Parse(r.body ? r.body : "");
  CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 1);
  cJSON_Delete(j);
  srvtest_resp_free(&r);

  CHECK_INT(srvtest_stop(&t), 0);
  unlink(cal);
  srvtest_app_free(&a);
  srvtest_app_free(&b);
  curl_global_cleanup();
  return TEST_DONE();
}
