/* workcal: see workcal.h. Dates are kept as sorted yyyymmdd integers;
 * days are walked at local noon so a DST change never skips or repeats
 * one. */
#include "workcal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "kiosk/core/fsutil.h"

enum { WORKCAL_DATES_MAX = 4096, WORKCAL_FILE_MAX = 256 * 1024,
       WORKCAL_SPAN_MAX = 3660 /* days walked at most: ten years */ };

struct workcal {
  int *holidays, *workdays;
  size_t n_holidays, n_workdays;
};

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* "YYYY-MM-DD" -> yyyymmdd, or -1. */
static int parse_date(const char *s) {
  int y, m, d;
  char tail;
  if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      s[4] != '-' || s[7] != '-' || y < 2000 || y > 2100 || m < 1 ||
      m > 12 || d < 1 || d > 31)
    return -1;
  return y * 10000 + m * 100 + d;
}

static kerr take_list(const cJSON *j, const char *key, int **out, size_t *n,
                      char *msg, size_t cap) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, key), *e;
  *out = NULL;
  *n = 0;
  if (!a)
    return KERR_OK;
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > WORKCAL_DATES_MAX) {
    snprintf(msg, cap, "%s must be an array of at most %d dates", key,
             WORKCAL_DATES_MAX);
    return KERR_INVALID;
  }
  *out = calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof **out);
  if (!*out)
    return KERR_NOMEM;
  cJSON_ArrayForEach(e, a) {
    int v = cJSON_IsString(e) ? parse_date(e->valuestring) : -1;
    if (v < 0) {
      snprintf(msg, cap, "%s: dates must be YYYY-MM-DD", key);
      return KERR_INVALID;
    }
    (*out)[(*n)++] = v;
  }
  qsort(*out, *n, sizeof **out, cmp_int);
  return KERR_OK;
}

kerr workcal_parse(const char *text, size_t n, workcal **out, char *msg,
                   size_t cap) {
  workcal *c = calloc(1, sizeof *c);
  kerr err = KERR_OK;
  cJSON *j = NULL;
  if (!c)
    return KERR_NOMEM;
  if (text) {
    j = cJSON_ParseWithLength(text, n);
    if (!cJSON_IsObject(j)) {
      snprintf(msg, cap, "not a JSON object");
      err = KERR_INVALID;
    }
    if (!err)
      err = take_list(j, "holidays", &c->holidays, &c->n_holidays, msg, cap);
    if (!err)
      err = take_list(j, "workdays", &c->workdays, &c->n_workdays, msg, cap);
  }
  cJSON_Delete(j);
  if (err) {
    workcal_destroy(c);
    return err;
  }
  *out = c;
  return KERR_OK;
}

kerr workcal_load(const char *path, workcal **out, char *msg, size_t cap) {
  char m[160];
  if (!path)
    return workcal_parse(NULL, 0, out, msg, cap);
  char *buf = NULL;
  size_t n = 0;
  kerr rerr = fs_read_file(path, WORKCAL_FILE_MAX, &buf, &n);
  if (rerr) {
    snprintf(msg, cap, "%s: %s", path,
             rerr == KERR_LIMIT ? "too big"
             : rerr == KERR_NOTFOUND || rerr == KERR_IO ? strerror(errno)
                                                        : kerr_str(rerr));
    return rerr;
  }
  kerr err = workcal_parse(buf, n, out, m, sizeof m);
  free(buf);
  if (err)
    snprintf(msg, cap, "%s: %s", path, m);
  return err;
}

void workcal_destroy(workcal *c) {
  if (!c)
    return;
  free(c->holidays);
  free(c->workdays);
  free(c);
}

static int has(const int *a, size_t n, int v) {
  return n && bsearch(&v, a, n, sizeof *a, cmp_int) != NULL;
}

static int day_is_workday(const workcal *c, const struct tm *tm) {
  int v = (tm->tm_year + 1900) * 10000 + (tm->tm_mon + 1) * 100 + tm->tm_mday;
  if (has(c->holidays, c->n_holidays, v))
    return 0;
  if (has(c->workdays, c->n_workdays, v))
    return 1;
  return tm->tm_wday != 0 && tm->tm_wday != 6;
}

/* The local noon of t's day. */
static void local_noon(int64_t t, struct tm *tm) {
  time_t tt = (time_t)t;
  localtime_r(&tt, tm);
  tm->tm_hour = 12;
  tm->tm_min = tm->tm_sec = 0;
  tm->tm_isdst = -1;
  mktime(tm);
}

int workcal_is_workday(const workcal *c, int64_t t) {
  struct tm tm;
  local_noon(t, &tm);
  return day_is_workday(c, &tm);
}

int workcal_days_between(const workcal *c, int64_t from, int64_t to) {
  struct tm a, b;
  int n = 0;
  local_noon(from, &a);
  local_noon(to, &b);
  int end = (b.tm_year + 1900) * 10000 + (b.tm_mon + 1) * 100 + b.tm_mday;
  for (int i = 0; i < WORKCAL_SPAN_MAX; i++) {
    a.tm_mday++;
    a.tm_isdst = -1;
    mktime(&a);
    int v = (a.tm_year + 1900) * 10000 + (a.tm_mon + 1) * 100 + a.tm_mday;
    if (v > end)
      break;
    n += day_is_workday(c, &a);
  }
  return n;
}
