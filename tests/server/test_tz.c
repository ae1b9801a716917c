/* Local time on the server comes from the system time zone (TZ), as on the
 * kiosk: the formatting and the console's date filter in-process at fixed
 * instants, then the real server run with TZ=CST-8 and with TZ=UTC0 — its
 * received_at, the console's "today" and date filter, and the progress
 * timeline must be the same instant shifted by eight hours. POSIX TZ
 * strings need no tzdata. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "srv_private.h"
#include "srvtest.h"

#define DEV1 "KIOSK-140500-001"

static void set_tz(const char *tz) {
  setenv("TZ", tz, 1);
  tzset();
}

/* 2026-11-22T20:30:00Z: already the 23rd in China. */
#define T_EVENING_UTC 1795379400

static void test_format(void) {
  char out[SRV_TIME_BUF];
  set_tz("CST-8");
  srv_time_text(T_EVENING_UTC, out);
  CHECK_STR(out, "2026-11-23T04:30:00+08:00");
  set_tz("UTC0");
  srv_time_text(T_EVENING_UTC, out);
  CHECK_STR(out, "2026-11-22T20:30:00+00:00");
  set_tz("<-03>3");
  srv_time_text(T_EVENING_UTC, out);
  CHECK_STR(out, "2026-11-22T17:30:00-03:00");
}

static void test_day_range(void) {
  int64_t from = 0, to = 0;
  set_tz("CST-8");
  CHECK(srv_day_range("2026-11-23", &from, &to));
  CHECK_INT(from, 1795363200); /* 2026-11-22T16:00:00Z */
  CHECK_INT(to - from, 86400);
  CHECK(from <= T_EVENING_UTC && T_EVENING_UTC < to);
  set_tz("UTC0");
  CHECK(srv_day_range("2026-11-23", &from, &to));
  CHECK_INT(from, 1795363200 + 8 * 3600);
  CHECK(!(from <= T_EVENING_UTC && T_EVENING_UTC < to));
  CHECK(srv_day_range("2026-11-22", &from, &to));
  CHECK(from <= T_EVENING_UTC && T_EVENING_UTC < to);
  /* A day where daylight saving starts has 23 hours. */
  set_tz("EST5EDT,M3.2.0,M11.1.0");
  CHECK(srv_day_range("2026-03-08", &from, &to));
  CHECK_INT(from, 1772946000);
  CHECK_INT(to, 1773028800);
  CHECK(!srv_day_range("2026-13-01", &from, &to));
  CHECK(!srv_day_range("2026-02-30", &from, &to)); /* no such day */
  CHECK(!srv_day_range("2026-04-31", &from, &to));
  CHECK(srv_day_range("2028-02-29", &from, &to));
  CHECK(!srv_day_range("2026-1-01", &from, &to));
  CHECK(!srv_day_range("20261101xx", &from, &to));
}

static srvtest_resp call(srvtest *t, const char *method, const char *path,
                         const char *body, const char *cookie,
                         const char *cert) {
  srvtest_req rq = {.method = method, .path = path, .body = body,
                    .content_type = body ? "application/json" : NULL,
                    .cookie = cookie, .cert = cert};
  srvtest_resp r;
  if (srvtest_do(t, &rq, &r) != 0)
    r.status = -1;
  return r;
}

/* The test's own idea of local time t in the current TZ. */
static void local_text(time_t t, const char *fmt, char *out, size_t cap) {
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(out, cap, fmt, &tm);
}

/* Whether the console's list for date holds reference. */
static int listed(srvtest *t, const char *cookie, const char *date,
                  const char *reference) {
  char path[128];
  snprintf(path, sizeof path, "/api/console/applications?date=%s", date);
  srvtest_resp r = call(t, "GET", path, NULL, cookie, NULL);
  int found = r.status == 200 && strstr(r.body, reference) != NULL;
  srvtest_resp_free(&r);
  return found;
}

/* One run of the real server in time zone tz, whose offset is off_text
 * ("+08:00") and off_s seconds east of UTC. Returns the received_at. */
static void run_server(const char *tz, const char *off_text, long off_s,
                       char received_out[64]) {
  srvtest t;
  char cookie[200] = "", want[64], path[256];
  srvtest_resp r;
  received_out[0] = '\0';
  set_tz(tz); /* the child inherits it */
  CHECK(srvtest_start(&t, "tz", NULL) == 0);
  if (t.pid <= 0)
    return;
  CHECK(srvtest_adduser(&t, "S0012", "李测试", "correct horse 1") == 0);

  srvtest_app a;
  CHECK(srvtest_app_make(&a, DEV1, 3) == 0);
  time_t before = time(NULL);
  r = call(&t, "POST", "/v1/applications", a.json, NULL, DEV1);
  time_t after = time(NULL);
  CHECK_INT(r.status, 201);
  cJSON *j = cJSON_Parse(r.body);
  const char *rec = cJSON_GetStringValue(cJSON_GetObjectItem(j, "received_at"));
  CHECK(rec != NULL);
  if (rec) {
    snprintf(received_out, 64, "%s", rec);
    /* The instant is between before and after, shown in this zone. */
    int match = 0;
    for (time_t s = before; s <= after && !match; s++) {
      local_text(s, "%Y-%m-%dT%H:%M:%S", want, sizeof want);
      strncat(want, off_text, sizeof want - strlen(want) - 1);
      match = strcmp(rec, want) == 0;
    }
    if (!match)
      fprintf(stderr, "  TZ=%s: received_at %s, expected %s\n", tz, rec, want);
    CHECK(match);
    /* And the offset is the zone's, not a constant. */
    CHECK(strlen(rec) == 25 && strcmp(rec + 19, off_text) == 0);
    /* Independently of localtime: UTC plus the zone's offset. */
    int wall_ok = 0;
    for (time_t s = before; s <= after; s++) {
      time_t shifted = s + off_s;
      struct tm g;
      char wall[24];
      gmtime_r(&shifted, &g);
      strftime(wall, sizeof wall, "%Y-%m-%dT%H:%M:%S", &g);
      wall_ok |= strncmp(rec, wall, 19) == 0;
    }
    CHECK(wall_ok);
  }
  cJSON_Delete(j);
  srvtest_resp_free(&r);

  r = call(&t, "POST", "/api/console/login",
           "{\"id\":\"S0012\",\"password\":\"correct horse 1\"}", NULL, NULL);
  CHECK_INT(r.status, 200);
  snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(r.set_cookie, ";"),
           r.set_cookie);
  srvtest_resp_free(&r);

  /* The console's "today" is the local date. */
  time_t now = time(NULL);
  r = call(&t, "GET", "/api/console/applications", NULL, cookie, NULL);
  CHECK_INT(r.status, 200);
  j = cJSON_Parse(r.body);
  const char *date = cJSON_GetStringValue(cJSON_GetObjectItem(j, "date"));
  char today[16], alt[16];
  local_text(now, "%Y-%m-%d", today, sizeof today);
  local_text(time(NULL), "%Y-%m-%d", alt, sizeof alt);
  CHECK(date && (strcmp(date, today) == 0 || strcmp(date, alt) == 0));
  cJSON_Delete(j);
  srvtest_resp_free(&r);

  /* The date filter takes a local date back to the right instants: the
   * application is on its local day and not on the days around it. */
  if (received_out[0]) {
    char day[11], prev[16], next[16];
    snprintf(day, sizeof day, "%.10s", received_out);
    local_text(before - 86400, "%Y-%m-%d", prev, sizeof prev);
    local_text(before + 86400, "%Y-%m-%d", next, sizeof next);
    CHECK(listed(&t, cookie, day, a.reference));
    CHECK(!listed(&t, cookie, prev, a.reference));
    CHECK(!listed(&t, cookie, next, a.reference));
  }

  /* The progress timeline shows the same clock. */
  snprintf(path, sizeof path, "/api/console/applications/%s/status", a.uuid);
  r = call(&t, "POST", path, "{\"status\":\"accepted\"}", cookie, NULL);
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);
  snprintf(path, sizeof path, "/v1/status/%s?check=%s", a.reference, a.last4);
  r = call(&t, "GET", path, NULL, NULL, DEV1);
  CHECK_INT(r.status, 200);
  j = cJSON_Parse(r.body);
  const cJSON *tl = cJSON_GetObjectItem(j, "timeline");
  CHECK_INT(cJSON_GetArraySize(tl), 2);
  for (int i = 0; i < cJSON_GetArraySize(tl); i++) {
    const char *at =
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(tl, i), "at"));
    CHECK(at && strlen(at) == 25 && strcmp(at + 19, off_text) == 0);
  }
  const char *first =
      cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(tl, 0), "at"));
  CHECK(first && strcmp(first, received_out) == 0);
  cJSON_Delete(j);
  srvtest_resp_free(&r);

  srvtest_app_free(&a);
  CHECK_INT(srvtest_stop(&t), 0);
}

/* Seconds from a "YYYY-MM-DDTHH:MM:SS+hh:mm" text to the epoch. */
static long instant(const char *s) {
  struct tm tm = {0};
  int oh = 0, om = 0;
  char sign = '+';
  if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d", &tm.tm_year, &tm.tm_mon,
             &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &sign, &oh,
             &om) != 9)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  long off = (oh * 60 + om) * 60L * (sign == '-' ? -1 : 1);
  return (long)timegm(&tm) - off;
}

int main(void) {
  char cst[64], utc[64];
  curl_global_init(CURL_GLOBAL_DEFAULT);
  test_format();
  test_day_range();
  run_server("CST-8", "+08:00", 8 * 3600, cst);
  run_server("UTC0", "+00:00", 0, utc);
  /* The two runs, a moment apart, give the same instant with their wall
   * clocks eight hours apart. */
  if (cst[0] && utc[0]) {
    long a = instant(cst), b = instant(utc);
    CHECK(a > 0 && b >= a && b - a < 60);
    char wall[24];
    struct tm g;
    time_t ta = (time_t)a + 8 * 3600, tb = (time_t)b;
    gmtime_r(&ta, &g);
    strftime(wall, sizeof wall, "%Y-%m-%dT%H:%M:%S", &g);
    CHECK(strncmp(cst, wall, 19) == 0);
    gmtime_r(&tb, &g);
    strftime(wall, sizeof wall, "%Y-%m-%dT%H:%M:%S", &g);
    CHECK(strncmp(utc, wall, 19) == 0);
  }
  curl_global_cleanup();
  return TEST_DONE();
}
