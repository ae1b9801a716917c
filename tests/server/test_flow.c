/* Joint processing's pure parts: the per-item state machine (legal and
 * illegal moves, the same status twice, reasons, corrections, the
 * publicity step only where there is a public notice), the application's
 * summary status, departments files, and working days with a holiday and
 * an adjusted working day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "server/dept.h"
#include "server/flow.h"
#include "server/workcal.h"

static void test_moves(void) {
  /* The whole way of an item with a public notice, and of one without. */
  CHECK(flow_check("submitted", "accepted", 1, 0) == FLOW_OK);
  CHECK(flow_check("accepted", "reviewing", 1, 0) == FLOW_OK);
  CHECK(flow_check("reviewing", "publicized", 1, 0) == FLOW_OK);
  CHECK(flow_check("publicized", "approved", 1, 0) == FLOW_OK);
  CHECK(flow_check("approved", "paid", 1, 0) == FLOW_OK);
  CHECK(flow_check("reviewing", "approved", 0, 0) == FLOW_OK);
  /* Publicity only where there is a notice; never skipped where there is. */
  CHECK(flow_check("reviewing", "publicized", 0, 0) == FLOW_NO_NOTICE);
  CHECK(flow_check("reviewing", "approved", 1, 0) == FLOW_NEED_NOTICE);
  /* Skipping ahead, and out of a final status, is not a step. */
  CHECK(flow_check("submitted", "approved", 0, 0) == FLOW_ILLEGAL);
  CHECK(flow_check("submitted", "paid", 0, 1) == FLOW_ILLEGAL);
  CHECK(flow_check("accepted", "paid", 0, 0) == FLOW_ILLEGAL);
  CHECK(flow_check("approved", "refused", 0, 1) == FLOW_ILLEGAL);
  CHECK(flow_check("paid", "refused", 0, 1) == FLOW_ILLEGAL);
  /* The same status twice. */
  CHECK(flow_check("accepted", "accepted", 0, 0) == FLOW_SAME);
  CHECK(flow_check("paid", "paid", 0, 1) == FLOW_SAME);
  /* Refused and returned need a reason; returned goes back to accepted. */
  CHECK(flow_check("reviewing", "refused", 1, 0) == FLOW_NEED_REASON);
  CHECK(flow_check("reviewing", "refused", 1, 1) == FLOW_OK);
  CHECK(flow_check("accepted", "returned", 0, 0) == FLOW_NEED_REASON);
  CHECK(flow_check("accepted", "returned", 0, 1) == FLOW_OK);
  CHECK(flow_check("returned", "accepted", 0, 0) == FLOW_OK);
  CHECK(flow_check("returned", "reviewing", 0, 0) == FLOW_ILLEGAL);
  /* Going back is a correction (the caller checks who and why). */
  CHECK(flow_check("paid", "accepted", 0, 1) == FLOW_CORRECTION);
  CHECK(flow_check("approved", "reviewing", 0, 0) == FLOW_CORRECTION);
  CHECK(flow_check("refused", "reviewing", 0, 1) == FLOW_CORRECTION);
  /* Not statuses staff may set. */
  CHECK(flow_check("accepted", "submitted", 0, 1) == FLOW_UNKNOWN);
  CHECK(flow_check("accepted", "flying", 0, 1) == FLOW_UNKNOWN);
  CHECK(!flow_status_settable("submitted"));
  CHECK(flow_status_settable("refused"));
  CHECK_STR(flow_status_label("returned"), "退回补正");
  CHECK_STR(flow_status_label("refused"), "不予");
  CHECK(flow_status_label("nonsense") == NULL);

  char m[300];
  CHECK_STR(flow_message(FLOW_ILLEGAL, "submitted", "approved", m, sizeof m),
            "「已提交」的事项不能直接改为「审批」。");
  CHECK(strstr(flow_message(FLOW_SAME, "accepted", "accepted", m, sizeof m),
               "已经是「受理」") != NULL);
  CHECK(strstr(flow_message(FLOW_CORRECTION, "paid", "accepted", m, sizeof m),
               "主管") != NULL);
}

static void test_summary(void) {
  const char *a[] = {"reviewing", "accepted", "paid"};
  CHECK_STR(flow_summary(a, 3), "accepted");
  const char *b[] = {"paid", "refused"};
  CHECK_STR(flow_summary(b, 2), "paid");
  const char *c[] = {"refused", "refused"};
  CHECK_STR(flow_summary(c, 2), "refused");
  const char *d[] = {"approved", "returned"};
  CHECK_STR(flow_summary(d, 2), "returned");
  const char *e[] = {"refused", "publicized"};
  CHECK_STR(flow_summary(e, 2), "publicized");
  CHECK(flow_summary(NULL, 0) == NULL);
}

static void test_depts(void) {
  dept_table *t = NULL;
  char msg[300];
  const char *ok =
      "{\"default_department\":\"mz\",\"departments\":["
      "{\"id\":\"mz\",\"name\":\"民政\",\"items\":[\"dibao\",\"disability\"]},"
      "{\"id\":\"yb\",\"name\":\"医保\",\"items\":[\"medical\"]},"
      "{\"id\":\"cl\",\"name\":\"残联\",\"items\":[\"disability\"]}],"
      "\"items\":{\"dibao\":{\"name\":\"最低生活保障\",\"time_limit_days\":30,"
      "\"notice\":true},\"medical\":{\"time_limit_days\":20}}}";
  CHECK(dept_table_parse(ok, strlen(ok), &t, msg, sizeof msg) == KERR_OK);
  if (t) {
    CHECK_INT(dept_count(t), 3);
    CHECK(dept_handles(t, "mz", "dibao"));
    CHECK(!dept_handles(t, "yb", "dibao"));
    CHECK(dept_handles(t, "yb", "medical"));
    CHECK(dept_handles(t, "cl", "disability"));
    CHECK(dept_handles(t, "mz", "disability"));
    CHECK(dept_handles(t, "mz", "unlisted"));  /* the default's */
    CHECK(!dept_handles(t, "yb", "unlisted"));
    CHECK(!dept_handles(t, "nope", "dibao"));
    CHECK_STR(dept_for_item(t, "disability"), "民政、残联");
    CHECK_STR(dept_for_item(t, "unlisted"), "民政");
    CHECK_INT(dept_item_limit(t, "dibao"), 30);
    CHECK_INT(dept_item_limit(t, "medical"), 20);
    CHECK_INT(dept_item_limit(t, "unlisted"), 0);
    CHECK(dept_item_notice(t, "dibao"));
    CHECK(!dept_item_notice(t, "medical"));
    CHECK_STR(dept_item_name(t, "dibao"), "最低生活保障");
    CHECK(dept_item_name(t, "medical") == NULL);
    CHECK_STR(dept_name(t, "yb"), "医保");
    dept_table_destroy(t);
  }
  static const char *const bad[] = {
      "[]",
      "{\"default_department\":\"x\",\"departments\":[{\"id\":\"mz\","
      "\"name\":\"民政\",\"items\":[]}]}",
      "{\"default_department\":\"mz\",\"departments\":[{\"id\":\"MZ!\","
      "\"name\":\"民政\",\"items\":[]}]}",
      "{\"default_department\":\"mz\",\"departments\":[{\"id\":\"mz\","
      "\"name\":\"民政\",\"items\":[]},{\"id\":\"mz\",\"name\":\"b\","
      "\"items\":[]}]}",
      "{\"default_department\":\"mz\",\"departments\":[{\"id\":\"mz\","
      "\"name\":\"民政\",\"items\":[]}],\"items\":{\"dibao\":"
      "{\"time_limit_days\":-3}}}",
      "{\"default_department\":\"mz\",\"departments\":[{\"id\":\"mz\","
      "\"name\":\"民政\",\"items\":[]}],\"items\":{\"dibao\":"
      "{\"notice\":\"yes\"}}}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    t = NULL;
    msg[0] = '\0';
    CHECK(dept_table_parse(bad[i], strlen(bad[i]), &t, msg, sizeof msg) ==
          KERR_INVALID);
    CHECK(t == NULL && msg[0]);
  }
  /* The shipped file is the built-in one and names the eight departments
   * of the brief. */
  CHECK(dept_table_load(KIOSK_SOURCE_DIR "/server/departments.json", &t, msg,
                        sizeof msg) == KERR_OK);
  if (t) {
    CHECK_INT(dept_count(t), 8);
    CHECK_STR(dept_name(t, "window"), "民政所窗口");
    CHECK_INT(dept_item_limit(t, "dibao"), 30);
    CHECK(dept_item_notice(t, "dibao") && dept_item_notice(t, "tekun") &&
          dept_item_notice(t, "dibian") && dept_item_notice(t, "gangxing"));
    CHECK(!dept_item_notice(t, "medical") && !dept_item_notice(t, "temporary"));
    dept_table_destroy(t);
  }
  CHECK(dept_table_load("/nonexistent/departments.json", &t, msg,
                        sizeof msg) == KERR_NOTFOUND);
}

/* Local noon of a date, in the test's TZ. */
static int64_t noon(int y, int m, int d) {
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
                  .tm_hour = 12, .tm_isdst = -1};
  return (int64_t)mktime(&tm);
}

static void test_workcal(void) {
  workcal *c = NULL;
  char msg[200];
  /* 2026-10-01..07 National Day holidays; Saturday 2026-10-10 worked. */
  const char *cal = "{\"holidays\":[\"2026-10-01\",\"2026-10-02\","
                    "\"2026-10-05\",\"2026-10-06\",\"2026-10-07\"],"
                    "\"workdays\":[\"2026-10-10\"]}";
  CHECK(workcal_parse(cal, strlen(cal), &c, msg, sizeof msg) == KERR_OK);
  if (!c)
    return;
  CHECK(workcal_is_workday(c, noon(2026, 9, 30)));   /* Wednesday */
  CHECK(!workcal_is_workday(c, noon(2026, 10, 1)));  /* holiday Thursday */
  CHECK(!workcal_is_workday(c, noon(2026, 10, 3)));  /* Saturday */
  CHECK(workcal_is_workday(c, noon(2026, 10, 10)));  /* adjusted Saturday */
  CHECK(!workcal_is_workday(c, noon(2026, 10, 11))); /* Sunday */
  /* Received Tuesday 29 September: the 30th, the 8th, 9th and 10th. */
  CHECK_INT(workcal_days_between(c, noon(2026, 9, 29), noon(2026, 10, 10)), 4);
  CHECK_INT(workcal_days_between(c, noon(2026, 9, 29), noon(2026, 9, 29)), 0);
  CHECK_INT(workcal_days_between(c, noon(2026, 9, 29), noon(2026, 9, 1)), 0);
  workcal_destroy(c);
  /* No calendar: plain weekdays. */
  CHECK(workcal_load(NULL, &c, msg, sizeof msg) == KERR_OK);
  CHECK_INT(workcal_days_between(c, noon(2026, 9, 29), noon(2026, 10, 10)), 8);
  workcal_destroy(c);
  const char *bad = "{\"holidays\":[\"2026-13-01\"]}";
  c = NULL;
  CHECK(workcal_parse(bad, strlen(bad), &c, msg, sizeof msg) == KERR_INVALID);
  CHECK(c == NULL);
}

int main(void) {
  setenv("TZ", "CST-8", 1);
  tzset();
  test_moves();
  test_summary();
  test_depts();
  test_workcal();
  return TEST_DONE();
}
