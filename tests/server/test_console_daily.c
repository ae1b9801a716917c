/* Daily work on the real server (issue 17): the list over a day, a range
 * or the backlog, with filters (status, item, department, assisted,
 * urgent, kind), sorting and pages with a total; search by reference
 * (with or without dashes, lower case), by applicant name and by ID
 * number through the keyed index, which holds no clear text and is
 * rebuilt at start for applications stored without it; a reviewer seeing
 * only her department's; the CSV export (BOM, header, a row, audited)
 * and the XLSX one (a workbook read back, the same row, filtered, audited);
 * and kiosks shown offline after the configured silence (the server's
 * clock fixed by KIOSK_SERVER_FAKE_NOW). */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <sqlite3.h>

#include "check.h"
#include "pgtest.h"
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

/* GET a list; refs gets "REF1,REF2" of the page, returns the total (-1 on
 * a non-200 answer); *next = next_offset (-1 when null). */
static long list(const char *cookie, const char *query, char *refs,
                 size_t cap, long *next) {
  char path[600];
  snprintf(path, sizeof path, "/api/console/applications?%s", query);
  srvtest_resp r = call("GET", path, NULL, cookie);
  long total = -1;
  refs[0] = '\0';
  if (next)
    *next = -1;
  if (r.status == 200) {
    cJSON *j = cJSON_Parse(r.body);
    const cJSON *e;
    total = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "total"));
    const cJSON *nx = cJSON_GetObjectItem(j, "next_offset");
    if (next && cJSON_IsNumber(nx))
      *next = (long)nx->valuedouble;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "applications")) {
      size_t n = strlen(refs);
      snprintf(refs + n, cap - n, "%s%s", n ? "," : "",
               cJSON_GetStringValue(cJSON_GetObjectItem(e, "reference")));
    }
    cJSON_Delete(j);
  }
  srvtest_resp_free(&r);
  return total;
}

static long code(const char *path, const char *cookie) {
  srvtest_resp r = call("GET", path, NULL, cookie);
  long st = r.status;
  srvtest_resp_free(&r);
  return st;
}

static int submit(srvtest_app *a, int n, int urgent) {
  if (srvtest_app_make_urgent(a, DEV1, n, urgent) != 0)
    return -1;
  srvtest_req sub = {.method = "POST", .path = "/v1/applications",
                     .cert = DEV1, .body = a->json,
                     .content_type = "application/json"};
  srvtest_resp r;
  int ok = srvtest_do(&t, &sub, &r) == 0 && r.status == 201;
  srvtest_resp_free(&r);
  return ok ? 0 : -1;
}

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

/* Reads a workbook back with tests/server/xlsx_read.py (Python's zipfile
 * and ElementTree): its parsed JSON, or NULL when it is not a workbook. */
static cJSON *xlsx_read(const char *data, size_t len) {
  char path[] = "/tmp/test_daily_xlsx_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    return NULL;
  int ok = write(fd, data, len) == (ssize_t)len;
  close(fd);
  char cmd[700];
  snprintf(cmd, sizeof cmd,
           "python3 " KIOSK_SOURCE_DIR "/tests/server/xlsx_read.py %s", path);
  FILE *p = ok ? popen(cmd, "r") : NULL;
  static char out[1 << 16];
  size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
  int rc = p ? pclose(p) : -1;
  unlink(path);
  out[n] = '\0';
  return rc == 0 ? cJSON_Parse(out) : NULL;
}

/* 1 if the file's bytes contain needle. */
static int file_has(const char *path, const char *needle) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  size_t cap = 64u << 20, n;
  char *b = malloc(cap);
  n = b ? fread(b, 1, cap, f) : 0;
  fclose(f);
  int hit = b && memmem(b, n, needle, strlen(needle)) != NULL;
  free(b);
  return hit;
}

static long long db_count(const char *sql) {
  if (pgtest_enabled()) {
    char v[32];
    return pgtest_text(t.db, sql, NULL, v, sizeof v) ? atoll(v) : -1;
  }
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  long long n = -1;
  if (sqlite3_open(t.db, &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

static void heartbeat(void) {
  const char *hb = "{\"device_id\":\"" DEV1 "\",\"content_version\":"
                   "\"2025.07.1\",\"outbox_depth\":0,\"quarantined\":0,"
                   "\"uptime_s\":60,\"last_errors\":[]}";
  srvtest_req rq = {.method = "POST", .path = "/v1/devices/heartbeat",
                    .cert = DEV1, .body = hb,
                    .content_type = "application/json"};
  srvtest_resp r;
  CHECK(srvtest_do(&t, &rq, &r) == 0 && r.status == 204);
  srvtest_resp_free(&r);
}

/* The device's offline flag and seconds since its heartbeat. */
static int offline(const char *cookie, long *ago) {
  srvtest_resp r = call("GET", "/api/console/devices", NULL, cookie);
  cJSON *j = cJSON_Parse(r.body ? r.body : "");
  const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "devices"), 0);
  int off = cJSON_IsTrue(cJSON_GetObjectItem(d, "offline"));
  *ago = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(d, "seen_ago_s"));
  cJSON_Delete(j);
  srvtest_resp_free(&r);
  return off;
}

int main(void) {
  char w1[200], ryb[200], refs[1024], want[256], q[400];
  srvtest_app a, b, c, d;
  long next, ago;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  setenv("TZ", "CST-8", 1);
  tzset();
  const char *extra[] = {"--device-offline-minutes", "15", NULL};

  /* Monday 2 November: A arrives (and the kiosk's heartbeat); Tuesday 3:
   * B, C (urgent) and D. */
  set_now(at10(2026, 11, 2));
  CHECK(srvtest_start(&t, "daily", extra) == 0);
  if (t.pid <= 0)
    return TEST_DONE();
  CHECK(srvtest_staff_add(&t, "W1", "窗口甲", PW, "window", "window", 0) == 0);
  CHECK(srvtest_staff_add(&t, "RYB", "医保丙", PW, "reviewer", "yibao", 0) ==
        0);
  CHECK(submit(&a, 21, 0) == 0);
  heartbeat();
  CHECK_INT(srvtest_stop(&t), 0);
  set_now(at10(2026, 11, 3));
  CHECK(srvtest_restart(&t, extra) == 0);
  CHECK(submit(&b, 22, 0) == 0);
  CHECK(submit(&c, 23, 1) == 0);
  CHECK(submit(&d, 24, 0) == 0);
  CHECK(login("W1", w1) && login("RYB", ryb));

  /* Today by default; a day; a range in pages with the total. */
  CHECK_INT(list(w1, "", refs, sizeof refs, NULL), 3);
  /* The urgent one waiting first (B and D came in the same second). */
  CHECK(strncmp(refs, c.reference, 11) == 0 && strstr(refs, b.reference) &&
        strstr(refs, d.reference));
  CHECK_INT(list(w1, "date=2026-11-02", refs, sizeof refs, NULL), 1);
  CHECK_STR(refs, a.reference);
  CHECK_INT(list(w1, "from=2026-11-01&to=2026-11-03&limit=2", refs,
                 sizeof refs, &next), 4);
  CHECK_INT((long)strlen(refs), 2 * 11 + 1);
  CHECK_INT(next, 2);
  CHECK_INT(list(w1, "from=2026-11-01&to=2026-11-03&limit=2&offset=2", refs,
                 sizeof refs, &next), 4);
  CHECK((long)strlen(refs) == 23 && strcmp(refs + 12, a.reference) == 0);
  CHECK_INT(next, -1);
  CHECK_INT(list(w1, "from=2026-11-01&to=2026-11-03&offset=9", refs,
                 sizeof refs, &next), 4);
  CHECK_STR(refs, "");
  CHECK_INT(list(w1, "from=2026-11-01&to=2026-11-03&sort=oldest", refs,
                 sizeof refs, NULL), 4);
  CHECK(strncmp(refs, c.reference, 11) == 0); /* urgent waiting first */
  CHECK(strstr(refs, a.reference) == refs + 12);
  CHECK_INT(list(w1, "from=2026-11-01&to=2026-11-03&sort=reference", refs,
                 sizeof refs, NULL), 4);
  for (size_t i = 0; i + 12 < strlen(refs); i += 12)
    CHECK(strncmp(refs + i, refs + i + 12, 11) < 0);

  /* Filters. */
  const char *R = "from=2026-11-01&to=2026-11-03";
  struct { const char *f; long n; } fl[] = {
    {"urgent=yes", 1}, {"urgent=no", 3}, {"item=temporary", 1},
    {"item=medical", 3}, {"department=yibao", 3}, {"department=mzj", 4},
    {"assisted=yes", 0}, {"assisted=no", 4}, {"kind=referral", 0},
    {"kind=application", 4}, {"status=submitted", 4},
    {"status=submitted&urgent=yes&item=temporary", 1}};
  for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
    snprintf(q, sizeof q, "%s&%s", R, fl[i].f);
    CHECK_INT(list(w1, q, refs, sizeof refs, NULL), fl[i].n);
  }
  /* The backlog: everything not finished, whatever day. */
  char msg[400];
  snprintf(q, sizeof q, "/api/console/applications/%s/status", b.uuid);
  srvtest_resp r = call("POST", q,
                        "{\"status\":\"refused\",\"note\":\"不符合条件\"}",
                        w1);
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);
  CHECK_INT(list(w1, "backlog=1", refs, sizeof refs, NULL), 3);
  CHECK(strstr(refs, b.reference) == NULL && strstr(refs, a.reference));
  snprintf(q, sizeof q, "%s&status=refused", R);
  CHECK_INT(list(w1, q, refs, sizeof refs, NULL), 1);
  CHECK_STR(refs, b.reference);
  /* Bad filters are 400. */
  const char *bad[] = {"status=done", "item=Bad!", "department=nowhere",
                       "assisted=maybe", "kind=x", "sort=up", "limit=0",
                       "limit=501", "offset=-1", "from=2026-11-03",
                       "from=2026-11-03&to=2026-11-01", "backlog=1&date="
                       "2026-11-03", "date=2026-11-03&from=2026-11-01&to="
                       "2026-11-02"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(q, sizeof q, "/api/console/applications?%s", bad[i]);
    CHECK_INT(code(q, w1), 400);
  }

  /* Search: reference in any form the kiosk prints, name, ID number. */
  char lower[16], nodash[16];
  size_t k = 0;
  for (size_t i = 0; c.reference[i]; i++) {
    lower[i] = (char)((c.reference[i] >= 'A' && c.reference[i] <= 'Z')
                          ? c.reference[i] + 32 : c.reference[i]);
    if (c.reference[i] != '-')
      nodash[k++] = c.reference[i];
  }
  lower[11] = '\0';
  nodash[k] = '\0';
  const char *forms[] = {c.reference, lower, nodash};
  for (size_t i = 0; i < 3; i++) {
    snprintf(q, sizeof q, "q=%s", forms[i]);
    CHECK_INT(list(w1, q, refs, sizeof refs, NULL), 1);
    CHECK_STR(refs, c.reference);
  }
  snprintf(q, sizeof q, "reference=%s", nodash);
  CHECK_INT(list(w1, q, refs, sizeof refs, NULL), 1);
  char *enc = curl_easy_escape(NULL, "测试申请人22", 0);
  snprintf(q, sizeof q, "q=%s", enc);
  curl_free(enc);
  CHECK_INT(list(w1, q, refs, sizeof refs, NULL), 1); /* any day */
  CHECK_STR(refs, b.reference);
  enc = curl_easy_escape(NULL, " 测试 申请人21", 0); /* spaces do not count */
  snprintf(q, sizeof q, "q=%s", enc);
  curl_free(enc);
  CHECK_INT(list(w1, q, refs, sizeof refs, NULL), 1);
  CHECK_STR(refs, a.reference);
  snprintf(q, sizeof q, "q=%s", d.id_number);
  CHECK_INT(list(w1, q, refs, sizeof refs, NULL), 1);
  CHECK_STR(refs, d.reference);
  CHECK_INT(list(w1, "q=%E6%B5%8B%E8%AF%95", refs, sizeof refs, NULL), 0);
  CHECK_INT(list(w1, "q=110101195803140000", refs, sizeof refs, NULL), 0);

  /* The index: two keyed digests per application, no clear text. */
  CHECK_INT(db_count("SELECT count(*) FROM search_keys"), 8);
  CHECK_INT(db_count("SELECT count(*) FROM search_indexed"), 4);
  if (pgtest_enabled()) {
    /* No row of any table holds the name or the ID number as text. */
    static const char *const tables[] = {"applications", "events",
                                         "item_status", "search_keys",
                                         "audit", "devices"};
    const char *needles[] = {"测试申请人22", d.id_number};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
      for (size_t j = 0; j < 2; j++) {
        char sql[200], v[32];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM %s x WHERE strpos(x::text, $1) > 0",
                 tables[i]);
        CHECK(pgtest_text(t.db, sql, needles[j], v, sizeof v) &&
              strcmp(v, "0") == 0);
      }
  } else {
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", t.db);
    CHECK(!file_has(t.db, "测试申请人22") && !file_has(wal, "测试申请人22"));
    CHECK(!file_has(t.db, d.id_number) && !file_has(wal, d.id_number));
  }

  /* A reviewer of 医保 sees only applications with 医疗救助. */
  CHECK_INT(list(ryb, R, refs, sizeof refs, NULL), 3);
  CHECK(strstr(refs, c.reference) == NULL);
  snprintf(q, sizeof q, "q=%s", c.reference);
  CHECK_INT(list(ryb, q, refs, sizeof refs, NULL), 0);

  /* CSV: BOM, header, a row with item names, and an audit record. */
  snprintf(q, sizeof q, "/api/console/applications.csv?%s", R);
  r = call("GET", q, NULL, w1);
  CHECK_INT(r.status, 200);
  CHECK(r.body && r.len > 3 && memcmp(r.body, "\xEF\xBB\xBF", 3) == 0);
  CHECK(r.body && strncmp(r.body + 3,
                          "\"受理编号\",\"提交时间\",\"申请事项\",\"办理部门\","
                          "\"状态\",\"紧急\",\"类型\",\"代办工号\"\r\n",
                          strlen("\"受理编号\",\"提交时间\",\"申请事项\","
                                 "\"办理部门\",\"状态\",\"紧急\",\"类型\","
                                 "\"代办工号\"\r\n")) == 0);
  snprintf(want, sizeof want, "\"%s\",\"2026-11-03 10:00:", b.reference);
  const char *row = r.body ? strstr(r.body, want) : NULL;
  CHECK(row != NULL);
  CHECK(row && strncmp(row + strlen(want) + 2,
                       "\",\"最低生活保障、医疗救助\",\"县民政局、医保\","
                       "\"不予\",\"否\",\"申请\",\"\"\r\n",
                       strlen("\",\"最低生活保障、医疗救助\",\"县民政局、"
                              "医保\",\"不予\",\"否\",\"申请\",\"\"\r\n")) ==
                0);
  CHECK(r.body && !strstr(r.body, "测试申请人"));
  int lines = 0;
  for (size_t i = 0; r.body && i < r.len; i++)
    lines += r.body[i] == '\n';
  CHECK_INT(lines, 5);
  srvtest_resp_free(&r);
  CHECK_INT(db_count("SELECT count(*) FROM audit WHERE action = 'export'"
                     " AND staff_id = 'W1' AND detail = 'csv 4 rows'"), 1);
  CHECK_INT(code("/api/console/applications.csv", NULL), 401);
  CHECK_INT(code("/api/console/applications.csv?kind=x", w1), 400);

  /* XLSX with the same filters (medical only): a real workbook, read back
   * by zipfile and ElementTree (xlsx_read.py): the bold header, the same
   * row as the CSV's, the filtered count, nothing personal, audited. */
  snprintf(q, sizeof q, "/api/console/applications.xlsx?%s&item=medical", R);
  r = call("GET", q, NULL, w1);
  CHECK_INT(r.status, 200);
  CHECK(r.body && r.len > 4 && memcmp(r.body, "PK\x03\x04", 4) == 0);
  cJSON *wb = r.status == 200 ? xlsx_read(r.body, r.len) : NULL;
  srvtest_resp_free(&r);
  CHECK(wb != NULL);
  const cJSON *rows = cJSON_GetObjectItem(wb, "rows");
  CHECK_INT(cJSON_GetArraySize(rows), 4); /* header + 3 */
  const char *want_head[] = {"受理编号", "提交时间", "申请事项", "办理部门",
                             "状态", "紧急", "类型", "代办工号"};
  for (int i = 0; i < 8; i++)
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(
                  cJSON_GetArrayItem(rows, 0), i)), want_head[i]);
  CHECK_INT(cJSON_GetNumberValue(cJSON_GetArrayItem(
                cJSON_GetObjectItem(wb, "bold_rows"), 0)), 1);
  int found_b = 0, found_c = 0;
  const cJSON *xr;
  cJSON_ArrayForEach(xr, rows) {
    const char *ref = cJSON_GetStringValue(cJSON_GetArrayItem(xr, 0));
    if (ref && strcmp(ref, b.reference) == 0) {
      found_b++;
      CHECK(strncmp(cJSON_GetStringValue(cJSON_GetArrayItem(xr, 1)),
                    "2026-11-03 10:00:", 17) == 0);
      CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(xr, 2)),
                "最低生活保障、医疗救助");
      CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(xr, 3)),
                "县民政局、医保");
      CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(xr, 4)), "不予");
      CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(xr, 6)), "申请");
    }
    if (ref && strcmp(ref, c.reference) == 0)
      found_c++;
  }
  CHECK_INT(found_b, 1);
  CHECK_INT(found_c, 0);
  char *flat = cJSON_PrintUnformatted(wb);
  CHECK(flat && !strstr(flat, "测试申请人"));
  free(flat);
  cJSON_Delete(wb);
  CHECK_INT(db_count("SELECT count(*) FROM audit WHERE action = 'export'"
                     " AND staff_id = 'W1' AND detail = 'xlsx 3 rows'"), 1);
  CHECK_INT(code("/api/console/applications.xlsx", NULL), 401);
  CHECK_INT(code("/api/console/applications.xlsx?kind=x", w1), 400);

  /* Offline: the heartbeat came yesterday. */
  CHECK(offline(w1, &ago));
  /* The fake clock runs on in real time: a busy machine may take a
   * minute or two to get here. */
  CHECK(ago >= 86400 && ago < 86400 + 300);
  heartbeat();
  CHECK(!offline(w1, &ago));
  CHECK(ago >= 0 && ago < 30);

  /* Applications stored without the index are indexed at start; twenty
   * minutes on, the kiosk is offline. */
  CHECK_INT(srvtest_stop(&t), 0);
  if (pgtest_enabled()) {
    CHECK(pgtest_exec(t.db, "DELETE FROM search_keys; DELETE FROM "
                            "search_indexed;") == 0);
  } else {
    sqlite3 *raw = NULL;
    CHECK(sqlite3_open(t.db, &raw) == SQLITE_OK);
    CHECK(sqlite3_exec(raw, "DELETE FROM search_keys; DELETE FROM "
                            "search_indexed;", NULL, NULL, NULL) ==
          SQLITE_OK);
    sqlite3_close(raw);
  }
  set_now(at10(2026, 11, 3) + 20 * 60);
  CHECK(srvtest_restart(&t, extra) == 0);
  CHECK(login("W1", w1));
  CHECK_INT(db_count("SELECT count(*) FROM search_keys"), 8);
  snprintf(q, sizeof q, "q=%s", a.id_number);
  CHECK_INT(list(w1, q, refs, sizeof refs, NULL), 1);
  CHECK_STR(refs, a.reference);
  CHECK(offline(w1, &ago));
  CHECK(ago > 15 * 60 && ago < 1200 + 30);
  (void)msg;

  CHECK_INT(srvtest_stop(&t), 0);
  srvtest_app_free(&a);
  srvtest_app_free(&b);
  srvtest_app_free(&c);
  srvtest_app_free(&d);
  curl_global_cleanup();
  return TEST_DONE();
}
