/* jsonload: see jsonload.h. */
#include "core/jsonload.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/expr.h"

#define JSONLOAD_PATH_MAX 200

void jsonload_init(jsonload *L, content_problems *p, const char *file) {
  L->p = p;
  L->file = file;
  L->err = KERR_OK;
}

void jsonload_problem(jsonload *L, kerr kind, content_problem_kind pk,
                      const char *path, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!L->err)
    L->err = kind;
  content_problems_add(L->p, pk, L->file, path, "%s", msg);
}

const char *jsonload_str(jsonload *L, const cJSON *o, const char *key,
                         const char *path, size_t max, int optional) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
  char p[JSONLOAD_PATH_MAX];
  snprintf(p, sizeof p, "%s.%s", path, key);
  if (!j) {
    if (optional)
      return "";
    jsonload_problem(L, KERR_INVALID, CONTENT_P_FIELD, p, "缺少“%s”", key);
    return NULL;
  }
  if (!cJSON_IsString(j)) {
    jsonload_problem(L, KERR_INVALID, CONTENT_P_TYPE, p, "“%s”应该是文字", key);
    return NULL;
  }
  if (strlen(j->valuestring) > max) {
    jsonload_problem(L, KERR_LIMIT, CONTENT_P_LIMIT, p,
                     "“%s”太长（最多 %zu 字节）", key, max);
    return NULL;
  }
  if (!optional && j->valuestring[0] == '\0') {
    jsonload_problem(L, KERR_INVALID, CONTENT_P_VALUE, p, "“%s”不能是空的",
                     key);
    return NULL;
  }
  return j->valuestring;
}

int jsonload_bool(jsonload *L, const cJSON *o, const char *key,
                  const char *path, int dflt) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!j)
    return dflt;
  if (!cJSON_IsBool(j)) {
    char p[JSONLOAD_PATH_MAX];
    snprintf(p, sizeof p, "%s.%s", path, key);
    jsonload_problem(L, KERR_INVALID, CONTENT_P_TYPE, p,
                     "“%s”应该是 true 或 false", key);
    return dflt;
  }
  return cJSON_IsTrue(j);
}

int64_t jsonload_num(jsonload *L, const cJSON *o, const char *key,
                     const char *path, int64_t dflt, int *has) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
  int64_t v = 0;
  if (has)
    *has = 0;
  if (!j)
    return dflt;
  if (!cJSON_IsNumber(j) || expr_num_from_double(j->valuedouble, &v)) {
    char p[JSONLOAD_PATH_MAX];
    snprintf(p, sizeof p, "%s.%s", path, key);
    jsonload_problem(L, KERR_INVALID, CONTENT_P_TYPE, p, "“%s”应该是数字", key);
    return dflt;
  }
  if (has)
    *has = 1;
  return v;
}

long jsonload_int(jsonload *L, const cJSON *o, const char *key,
                  const char *path, long lo, long hi, long dflt) {
  int has;
  int64_t v = jsonload_num(L, o, key, path, 0, &has);
  if (!has)
    return dflt;
  if (v % EXPR_SCALE != 0 || v / EXPR_SCALE < lo || v / EXPR_SCALE > hi) {
    char p[JSONLOAD_PATH_MAX];
    snprintf(p, sizeof p, "%s.%s", path, key);
    jsonload_problem(L, KERR_INVALID, CONTENT_P_VALUE, p,
                     "“%s”应该是 %ld 到 %ld 的整数", key, lo, hi);
    return dflt;
  }
  return (long)(v / EXPR_SCALE);
}

int jsonload_name_ok(const char *s, size_t max) {
  size_t n = strlen(s);
  if (n == 0 || n > max)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '_'))
      return 0;
  return 1;
}

int jsonload_id_ok(const char *s, size_t max) {
  return jsonload_name_ok(s, max) && !(s[0] >= '0' && s[0] <= '9');
}
