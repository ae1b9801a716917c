/* content_schema: the rules for each known bundle file, and the validation
 * context that records a problem with its file and JSON path.
 *
 * Each validator looks at every field it knows, records every problem (it
 * does not stop at the first) and fills the content arrays with pointers
 * into the parsed cJSON trees, which the content owns. Fields it does not
 * know are ignored, so later formats can add fields without breaking older
 * kiosks. Text limits count characters (code points), not bytes. */
#include "core/content_private.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/calendar.h"
#include "core/json_limits.h"
#include "core/jsonload.h"
#include "core/utf8.h"

/* Text length limits, in characters. */
#define MAX_ID 32
#define MAX_NAME 40
#define MAX_SHORT 12
#define MAX_LINE 80
#define MAX_PARA 600
#define MAX_STRING 1000
#define MAX_KEY 64

const char *const content_required_strings[] = {
    "app.title",
    "home.welcome",
    "home.hint",
    "home.policy",
    "home.policy.hint",
    "home.apply",
    "home.apply.hint",
    "home.progress",
    "home.progress.hint",
    "home.staff",
    "home.elder_mode",
    "home.standard_mode",
    "nav.back",
    "nav.next",
    "nav.home",
    "nav.finish",
    "nav.confirm",
    "nav.cancel",
    "timeout.title",
    "timeout.body",
    "timeout.more_time",
    "timeout.end",
    "policy.title",
    "policy.standards",
    "policy.conditions",
    "policy.materials",
    "policy.process",
    "policy.where",
    "policy.hotline",
    "policy.legal_basis",
    "policy.no_figure",
    "policy.latest_prevails",
    "layer.basic",
    "layer.special",
    "layer.emergency",
    "layer.social",
    "unit.yuan_per_person_month",
    "unit.yuan_per_person_year",
    "unit.yuan_per_person_time",
    "unit.yuan_per_case",
    "unit.ratio",
    "unit.yes_no",
    NULL};

/* ------------------------------------------------------------------ */
/* validation context                                                  */

void content_cv_init(content_cv *v, content_problems *p, const char *file) {
  v->p = p;
  v->file = file;
  v->path[0] = '$';
  v->path[1] = '\0';
  v->len = 1;
  v->errors = 0;
}

static size_t push(content_cv *v, const char *seg) {
  size_t old = v->len;
  size_t n = strlen(seg);
  if (v->len + n < sizeof v->path) {
    memcpy(v->path + v->len, seg, n + 1);
    v->len += n;
  }
  return old;
}

size_t content_cv_key(content_cv *v, const char *key) {
  char seg[80];
  /* Keys that are not plain identifiers are quoted, as in JSONPath. */
  int plain = key[0] != '\0';
  for (const char *s = key; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '_'))
      plain = 0;
  if (plain)
    snprintf(seg, sizeof seg, ".%.70s", key);
  else
    snprintf(seg, sizeof seg, "[\"%.60s\"]", key);
  return push(v, seg);
}

size_t content_cv_idx(content_cv *v, size_t i) {
  char seg[32];
  snprintf(seg, sizeof seg, "[%zu]", i);
  return push(v, seg);
}

void content_cv_pop(content_cv *v, size_t len) {
  v->len = len;
  v->path[len] = '\0';
}

void content_cv_fail(content_cv *v, content_problem_kind kind,
                     const char *fmt, ...) {
  char reason[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  v->errors++;
  content_problems_add(v->p, kind, v->file, v->path, "%s", reason);
}

cJSON *content_cv_parse(content_cv *v, const char *data, size_t len,
                        size_t max_bytes) {
  json_limits lim = {max_bytes, CONTENT_MAX_DEPTH, CONTENT_MAX_TEXT, 5000};
  json_limits_error e;
  cJSON *root = NULL;
  if (json_limits_parse(data, len, &lim, &root, &e) == KERR_OK)
    return root;
  content_problem_kind kind = CONTENT_P_SYNTAX;
  switch (e.fault) {
  case JSON_LIMITS_TOO_BIG:
  case JSON_LIMITS_TOO_DEEP:
  case JSON_LIMITS_STRING_TOO_LONG:
  case JSON_LIMITS_TOO_MANY_ITEMS:
    kind = CONTENT_P_LIMIT;
    break;
  case JSON_LIMITS_BAD_UTF8:
  case JSON_LIMITS_BAD_CHAR:
    kind = CONTENT_P_UTF8;
    break;
  case JSON_LIMITS_DUPLICATE_KEY:
    kind = CONTENT_P_DUPLICATE;
    break;
  default:
    break;
  }
  if (e.fault == JSON_LIMITS_DUPLICATE_KEY)
    content_cv_fail(v, kind, "%s：“%s”", json_limits_fault_str(e.fault), e.key);
  else if (e.fault == JSON_LIMITS_TOO_DEEP)
    content_cv_fail(v, kind, "第 %zu 行第 %zu 列：%s（最多 %d 层）", e.line,
                    e.column, json_limits_fault_str(e.fault), CONTENT_MAX_DEPTH);
  else if (e.fault == JSON_LIMITS_STRING_TOO_LONG)
    content_cv_fail(v, kind, "第 %zu 行第 %zu 列：%s（最多 %d 字节）", e.line,
                    e.column, json_limits_fault_str(e.fault), CONTENT_MAX_TEXT);
  else if (e.fault == JSON_LIMITS_TOO_BIG)
    content_cv_fail(v, kind, "%s（最多 %zu 字节）",
                    json_limits_fault_str(e.fault), max_bytes);
  else
    content_cv_fail(v, kind, "第 %zu 行第 %zu 列：%s", e.line, e.column,
                    json_limits_fault_str(e.fault));
  return NULL;
}

/* ------------------------------------------------------------------ */
/* typed getters                                                       */

static const char *type_name(const cJSON *j) {
  if (cJSON_IsString(j)) return "文字";
  if (cJSON_IsNumber(j)) return "数字";
  if (cJSON_IsArray(j)) return "列表";
  if (cJSON_IsObject(j)) return "对象";
  if (cJSON_IsBool(j)) return "true/false";
  if (cJSON_IsNull(j)) return "null";
  return "未知类型";
}

static const cJSON *member(const cJSON *obj, const char *key) {
  return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static void fail_missing(content_cv *v, const char *key, const char *want) {
  size_t m = content_cv_key(v, key);
  content_cv_fail(v, CONTENT_P_FIELD, "缺少必填字段“%s”（应为%s）", key, want);
  content_cv_pop(v, m);
}

/* Checks that j is a string of 1..max_chars characters (0.. when
 * allow_empty). The path must already point at j. */
static const char *check_text(content_cv *v, const cJSON *j, size_t max_chars,
                              int allow_empty) {
  if (!cJSON_IsString(j)) {
    content_cv_fail(v, CONTENT_P_TYPE, "应为文字，实际是%s", type_name(j));
    return NULL;
  }
  const char *s = j->valuestring;
  size_t chars = utf8_count(s, strlen(s));
  if (chars > max_chars) {
    content_cv_fail(v, CONTENT_P_LIMIT, "文字太长：%zu 个字，最多 %zu 个字", chars,
                    max_chars);
    return NULL;
  }
  if (!allow_empty) {
    const char *t = s;
    while (*t == ' ' || *t == '\n' || *t == '\t')
      t++;
    if (*t == '\0') {
      content_cv_fail(v, CONTENT_P_VALUE, "不能为空");
      return NULL;
    }
  }
  return s;
}

/* Required text member. NULL (problem recorded) if missing or bad. */
static const char *req_text(content_cv *v, const cJSON *obj, const char *key,
                            size_t max_chars) {
  const cJSON *j = member(obj, key);
  if (!j) {
    fail_missing(v, key, "文字");
    return NULL;
  }
  size_t m = content_cv_key(v, key);
  const char *s = check_text(v, j, max_chars, 0);
  content_cv_pop(v, m);
  return s;
}

/* Optional text member: "" when absent, NULL when present but bad. */
static const char *opt_text(content_cv *v, const cJSON *obj, const char *key,
                            size_t max_chars) {
  const cJSON *j = member(obj, key);
  if (!j)
    return "";
  size_t m = content_cv_key(v, key);
  const char *s = check_text(v, j, max_chars, 1);
  content_cv_pop(v, m);
  return s;
}

/* Required array member with min..max elements. */
static const cJSON *req_array(content_cv *v, const cJSON *obj, const char *key,
                              size_t min, size_t max) {
  const cJSON *j = member(obj, key);
  if (!j) {
    fail_missing(v, key, "列表");
    return NULL;
  }
  size_t m = content_cv_key(v, key);
  const cJSON *r = NULL;
  if (!cJSON_IsArray(j)) {
    content_cv_fail(v, CONTENT_P_TYPE, "应为列表，实际是%s", type_name(j));
  } else {
    size_t n = (size_t)cJSON_GetArraySize(j);
    if (n < min)
      content_cv_fail(v, CONTENT_P_VALUE, "至少要有 %zu 条，现在只有 %zu 条", min, n);
    else if (n > max)
      content_cv_fail(v, CONTENT_P_LIMIT, "条目太多：%zu 条，最多 %zu 条", n, max);
    else
      r = j;
  }
  content_cv_pop(v, m);
  return r;
}

/* Required object member. */
static const cJSON *req_object(content_cv *v, const cJSON *obj, const char *key) {
  const cJSON *j = member(obj, key);
  if (!j) {
    fail_missing(v, key, "对象");
    return NULL;
  }
  if (!cJSON_IsObject(j)) {
    size_t m = content_cv_key(v, key);
    content_cv_fail(v, CONTENT_P_TYPE, "应为对象，实际是%s", type_name(j));
    content_cv_pop(v, m);
    return NULL;
  }
  return j;
}

/* An array of texts into a NULL-free pointer array in the arena. Returns 1
 * when every element is good. */
static int text_list(content *c, content_cv *v, const cJSON *obj,
                     const char *key, size_t min, size_t max, size_t max_chars,
                     const char *const **out, size_t *n_out) {
  *out = NULL;
  *n_out = 0;
  const cJSON *a = req_array(v, obj, key, min, max);
  if (!a)
    return 0;
  size_t n = (size_t)cJSON_GetArraySize(a);
  const char **list = n ? content_alloc(c, n * sizeof *list) : NULL;
  if (n && !list) {
    content_cv_fail(v, CONTENT_P_IO, "内存不足");
    return 0;
  }
  int ok = 1;
  size_t m = content_cv_key(v, key);
  size_t i = 0;
  for (const cJSON *e = a->child; e; e = e->next, i++) {
    size_t mi = content_cv_idx(v, i);
    const char *s = check_text(v, e, max_chars, 0);
    content_cv_pop(v, mi);
    if (!s)
      ok = 0;
    else
      list[i] = s;
  }
  content_cv_pop(v, m);
  if (ok) {
    *out = list;
    *n_out = n;
  }
  return ok;
}

/* 1 if s matches [a-z][a-z0-9_]{0,max-1}. */
static int ident_ok(const char *s, size_t max) {
  return jsonload_id_ok(s, max) && s[0] != '_';
}

static const char *req_ident(content_cv *v, const cJSON *obj, const char *key) {
  const char *s = req_text(v, obj, key, MAX_ID);
  if (!s)
    return NULL;
  if (!ident_ok(s, MAX_ID)) {
    size_t m = content_cv_key(v, key);
    content_cv_fail(v, CONTENT_P_VALUE,
                    "“%s”不合规：只能用小写英文字母、数字和“_”，以字母开头，最多 %d 个字符",
                    s, MAX_ID);
    content_cv_pop(v, m);
    return NULL;
  }
  return s;
}

static int digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  return 1;
}

/* Accepts YYYY (parts 1), YYYY-MM (2) or YYYY-MM-DD (3), all real. */
static int date_parts_ok(const char *s, int parts) {
  size_t want = parts == 1 ? 4 : parts == 2 ? 7 : 10;
  if (strlen(s) != want || !digits(s, 4))
    return 0;
  int y = atoi(s);
  if (y < 1900 || y > 2199)
    return 0;
  if (parts == 1)
    return 1;
  if (s[4] != '-' || !digits(s + 5, 2))
    return 0;
  int mo = (s[5] - '0') * 10 + (s[6] - '0');
  if (mo < 1 || mo > 12)
    return 0;
  if (parts == 2)
    return 1;
  if (s[7] != '-' || !digits(s + 8, 2))
    return 0;
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  return calendar_date_valid(y, mo, d);
}

int content_schema_date_ok(const char *s) { return date_parts_ok(s, 3); }

static const char *req_date(content_cv *v, const cJSON *obj, const char *key,
                            int allow_partial) {
  const char *s = req_text(v, obj, key, 10);
  if (!s)
    return NULL;
  int ok = date_parts_ok(s, 3) ||
           (allow_partial && (date_parts_ok(s, 2) || date_parts_ok(s, 1)));
  if (!ok) {
    size_t m = content_cv_key(v, key);
    content_cv_fail(v, CONTENT_P_VALUE, "日期“%s”不对，应写成%s", s,
                    allow_partial ? "“2025-07-09”（或“2025-07”、“2025”）"
                                  : "“2025-07-09”这样的真实日期");
    content_cv_pop(v, m);
    return NULL;
  }
  return s;
}

/* Required money value in yuan: a number from 0 to 10,000,000 with at most
 * two decimals. */
static int money_fen(content_cv *v, const cJSON *j, int64_t *out) {
  if (!cJSON_IsNumber(j)) {
    content_cv_fail(v, CONTENT_P_TYPE, "应为数字（元），实际是%s", type_name(j));
    return 0;
  }
  double d = j->valuedouble;
  if (!(d >= 0.0 && d <= 10000000.0)) {
    content_cv_fail(v, CONTENT_P_VALUE, "金额应在 0 到 10000000 元之间");
    return 0;
  }
  double fen = d * 100.0;
  double r = floor(fen + 0.5);
  if (fabs(fen - r) > 1e-6) {
    content_cv_fail(v, CONTENT_P_VALUE, "金额最多保留两位小数");
    return 0;
  }
  *out = (int64_t)r;
  return 1;
}

static void check_no_dup(content_cv *v, const char *const *keys, size_t n,
                         size_t i, const char *what) {
  for (size_t j = 0; j < i; j++) {
    if (keys[j] && keys[i] && strcmp(keys[j], keys[i]) == 0) {
      content_cv_fail(v, CONTENT_P_DUPLICATE, "%s“%s”重复（与第 %zu 条相同）",
                      what, keys[i], j + 1);
      return;
    }
  }
  (void)n;
}

/* ------------------------------------------------------------------ */
/* manifest.json                                                       */

size_t content_schema_manifest(content *c, content_problems *p) {
  content_cv v;
  content_cv_init(&v, p, "manifest.json");
  const cJSON *m = c->manifest;
  if (!cJSON_IsObject(m)) {
    content_cv_fail(&v, CONTENT_P_TYPE, "整个文件应为一个对象（{…}），实际是%s",
                    type_name(m));
    return v.errors;
  }
  const cJSON *fmt = member(m, "format");
  if (!fmt) {
    fail_missing(&v, "format", "整数");
    return v.errors;
  }
  size_t mk = content_cv_key(&v, "format");
  if (!cJSON_IsNumber(fmt) || fmt->valuedouble != floor(fmt->valuedouble) ||
      fmt->valuedouble < 1) {
    content_cv_fail(&v, CONTENT_P_TYPE, "应为正整数，实际是%s", type_name(fmt));
    return v.errors;
  }
  if (fmt->valuedouble > CONTENT_FORMAT) {
    content_cv_fail(&v, CONTENT_P_FORMAT,
                    "内容包格式为第 %.0f 版，本程序只认识第 %d 版，请先升级程序",
                    fmt->valuedouble, CONTENT_FORMAT);
    return v.errors;
  }
  content_cv_pop(&v, mk);

  c->version = req_text(&v, m, "version", 40);
  if (c->version && !content_version_valid(c->version)) {
    mk = content_cv_key(&v, "version");
    content_cv_fail(&v, CONTENT_P_VALUE,
                    "版本号“%s”不对，应写成“2025.07.1”这样用点隔开的数字", c->version);
    content_cv_pop(&v, mk);
    c->version = NULL;
  }
  const cJSON *region = req_object(&v, m, "region");
  if (region) {
    mk = content_cv_key(&v, "region");
    c->region_code = req_text(&v, region, "code", 6);
    if (c->region_code && (strlen(c->region_code) != 6 || !digits(c->region_code, 6))) {
      size_t m2 = content_cv_key(&v, "code");
      content_cv_fail(&v, CONTENT_P_VALUE, "地区代码应为 6 位数字，如“140500”");
      content_cv_pop(&v, m2);
    }
    c->region_name = req_text(&v, region, "name", MAX_NAME);
    content_cv_pop(&v, mk);
  }
  c->issued = req_date(&v, m, "issued", 0);
  c->expires = req_date(&v, m, "expires", 0);
  if (c->issued && c->expires && strcmp(c->issued, c->expires) > 0) {
    mk = content_cv_key(&v, "expires");
    content_cv_fail(&v, CONTENT_P_VALUE, "失效日期 %s 早于发布日期 %s", c->expires,
                    c->issued);
    content_cv_pop(&v, mk);
  }

  const cJSON *files = req_array(&v, m, "files", 1, CONTENT_MAX_FILES);
  if (!files)
    return v.errors;
  size_t n = (size_t)cJSON_GetArraySize(files);
  c->files = content_alloc(c, n * sizeof *c->files);
  if (!c->files) {
    content_cv_fail(&v, CONTENT_P_IO, "内存不足");
    return v.errors;
  }
  const char **paths = content_alloc(c, n * sizeof *paths);
  if (!paths) {
    content_cv_fail(&v, CONTENT_P_IO, "内存不足");
    return v.errors;
  }
  mk = content_cv_key(&v, "files");
  size_t i = 0;
  for (const cJSON *f = files->child; f; f = f->next, i++) {
    size_t mi = content_cv_idx(&v, i);
    content_entry *e = &c->files[i];
    if (!cJSON_IsObject(f)) {
      content_cv_fail(&v, CONTENT_P_TYPE, "应为对象，实际是%s", type_name(f));
      content_cv_pop(&v, mi);
      continue;
    }
    const char *path = req_text(&v, f, "path", CONTENT_MAX_PATH);
    if (path) {
      char why[160];
      size_t mp = content_cv_key(&v, "path");
      if (!content_fs_path_ok(path, why, sizeof why)) {
        content_cv_fail(&v, CONTENT_P_PATH, "“%s”：%s", path, why);
        path = NULL;
      } else if (strcmp(path, "manifest.json") == 0 ||
                 strcmp(path, "manifest.sig") == 0) {
        content_cv_fail(&v, CONTENT_P_PATH, "“%s”是保留的文件名，不能列在清单里", path);
        path = NULL;
      } else {
        paths[i] = path;
        check_no_dup(&v, paths, n, i, "文件");
      }
      content_cv_pop(&v, mp);
    }
    e->path = path;
    const char *sha = req_text(&v, f, "sha256", 64);
    size_t bin_len = 0;
    if (sha && (strlen(sha) != 64 ||
                sodium_hex2bin(e->sha256, sizeof e->sha256, sha, 64, NULL,
                               &bin_len, NULL) != 0 ||
                bin_len != sizeof e->sha256)) {
      size_t ms = content_cv_key(&v, "sha256");
      content_cv_fail(&v, CONTENT_P_VALUE, "应为 64 位十六进制数字");
      content_cv_pop(&v, ms);
    }
    const cJSON *size = member(f, "size");
    if (!size) {
      fail_missing(&v, "size", "整数（字节）");
    } else {
      size_t ms = content_cv_key(&v, "size");
      if (!cJSON_IsNumber(size) || size->valuedouble != floor(size->valuedouble))
        content_cv_fail(&v, CONTENT_P_TYPE, "应为整数（字节），实际是%s",
                        type_name(size));
      else if (size->valuedouble < 0 || size->valuedouble > CONTENT_MAX_FILE_BYTES)
        content_cv_fail(&v, CONTENT_P_LIMIT, "大小 %.0f 字节超出范围（最多 %u 字节）",
                        size->valuedouble, CONTENT_MAX_FILE_BYTES);
      else
        e->size = (size_t)size->valuedouble;
      content_cv_pop(&v, ms);
    }
    content_cv_pop(&v, mi);
  }
  content_cv_pop(&v, mk);
  c->n_files = n;
  return v.errors;
}

/* ------------------------------------------------------------------ */
/* icons.json                                                          */

static int color_ok(const char *s, uint32_t *out) {
  if (strlen(s) != 7 || s[0] != '#')
    return 0;
  uint32_t val = 0;
  for (int i = 1; i < 7; i++) {
    char ch = s[i];
    int d = (ch >= '0' && ch <= '9')   ? ch - '0'
            : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
            : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10
                                       : -1;
    if (d < 0)
      return 0;
    val = val << 4 | (uint32_t)d;
  }
  *out = val;
  return 1;
}

size_t content_schema_icons(content *c, content_problems *p) {
  content_cv v;
  content_cv_init(&v, p, "icons.json");
  const cJSON *a = req_array(&v, c->icons_doc, "icons", 1, 200);
  if (!a)
    return v.errors;
  size_t n = (size_t)cJSON_GetArraySize(a);
  c->icons = content_alloc(c, n * sizeof *c->icons);
  const char **names = content_alloc(c, n * sizeof *names);
  if (!c->icons || !names) {
    content_cv_fail(&v, CONTENT_P_IO, "内存不足");
    return v.errors;
  }
  size_t mk = content_cv_key(&v, "icons");
  size_t i = 0;
  for (const cJSON *e = a->child; e; e = e->next, i++) {
    size_t mi = content_cv_idx(&v, i);
    content_icon *ic = &c->icons[i];
    if (!cJSON_IsObject(e)) {
      content_cv_fail(&v, CONTENT_P_TYPE, "应为对象，实际是%s", type_name(e));
      content_cv_pop(&v, mi);
      continue;
    }
    ic->name = names[i] = req_ident(&v, e, "name");
    if (ic->name) {
      size_t mn = content_cv_key(&v, "name");
      check_no_dup(&v, names, n, i, "图标名");
      content_cv_pop(&v, mn);
    }
    ic->glyph = req_text(&v, e, "glyph", 1);
    ic->label = req_text(&v, e, "label", MAX_NAME);
    const char *col = req_text(&v, e, "color", 7);
    if (col && !color_ok(col, &ic->color)) {
      size_t mc = content_cv_key(&v, "color");
      content_cv_fail(&v, CONTENT_P_VALUE, "颜色应写成“#RRGGBB”，如“#1F6FB2”");
      content_cv_pop(&v, mc);
    }
    content_cv_pop(&v, mi);
  }
  content_cv_pop(&v, mk);
  c->n_icons = n;
  return v.errors;
}

/* ------------------------------------------------------------------ */
/* strings.json                                                        */

static int string_key_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > MAX_KEY || !(s[0] >= 'a' && s[0] <= 'z'))
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '_' || s[i] == '.' || s[i] == '-'))
      return 0;
  return 1;
}

static int kv_cmp(const void *a, const void *b) {
  return strcmp(((const content_kv *)a)->key, ((const content_kv *)b)->key);
}

/* strings.json's optional "speak": how words are read aloud where the
 * written form reads badly (a place name with a character read two ways:
 * {"written": "单县", "say": "善县"}). At most SPEAK_MAX rules. */
#define SPEAK_MAX 200
#define SPEAK_WRITTEN_MAX 40
#define SPEAK_SAY_MAX 80

static void schema_speak(content *c, content_cv *v) {
  const cJSON *sp = member(c->strings_doc, "speak");
  if (!sp)
    return;
  size_t mk = content_cv_key(v, "speak");
  size_t n = cJSON_IsArray(sp) ? (size_t)cJSON_GetArraySize(sp) : 0;
  if (!cJSON_IsArray(sp)) {
    content_cv_fail(v, CONTENT_P_TYPE, "应为列表，实际是%s", type_name(sp));
  } else if (n > SPEAK_MAX) {
    content_cv_fail(v, CONTENT_P_LIMIT, "读法条目太多：%zu 条，最多 %d 条", n,
                    SPEAK_MAX);
  } else if (n) {
    c->speak = content_alloc(c, n * sizeof *c->speak);
    if (!c->speak) {
      content_cv_fail(v, CONTENT_P_IO, "内存不足");
    } else {
      size_t i = 0, k = 0;
      for (const cJSON *e = sp->child; e; e = e->next, i++) {
        size_t mi = content_cv_idx(v, i);
        if (!cJSON_IsObject(e)) {
          content_cv_fail(v, CONTENT_P_TYPE, "应为对象，实际是%s", type_name(e));
        } else {
          const char *w = req_text(v, e, "written", SPEAK_WRITTEN_MAX);
          const char *say = req_text(v, e, "say", SPEAK_SAY_MAX);
          if (w && say) {
            c->speak[k].key = w;
            c->speak[k].value = say;
            k++;
          }
        }
        content_cv_pop(v, mi);
      }
      c->n_speak = k;
    }
  }
  content_cv_pop(v, mk);
}

size_t content_schema_strings(content *c, content_problems *p) {
  content_cv v;
  content_cv_init(&v, p, "strings.json");
  const cJSON *obj = req_object(&v, c->strings_doc, "strings");
  if (!obj)
    return v.errors;
  size_t n = (size_t)cJSON_GetArraySize(obj);
  if (n > 4000) {
    size_t mk = content_cv_key(&v, "strings");
    content_cv_fail(&v, CONTENT_P_LIMIT, "文字条目太多：%zu 条，最多 4000 条", n);
    content_cv_pop(&v, mk);
    return v.errors;
  }
  c->strings = n ? content_alloc(c, n * sizeof *c->strings) : NULL;
  if (n && !c->strings) {
    content_cv_fail(&v, CONTENT_P_IO, "内存不足");
    return v.errors;
  }
  size_t mk = content_cv_key(&v, "strings");
  size_t k = 0;
  for (const cJSON *e = obj->child; e; e = e->next) {
    size_t mi = content_cv_key(&v, e->string);
    if (!string_key_ok(e->string)) {
      content_cv_fail(&v, CONTENT_P_VALUE,
                      "键名只能用小写英文字母、数字、“.”、“_”、“-”，最多 %d 个字符",
                      MAX_KEY);
    } else {
      const char *s = check_text(&v, e, MAX_STRING, 0);
      if (s) {
        c->strings[k].key = e->string;
        c->strings[k].value = s;
        k++;
      }
    }
    content_cv_pop(&v, mi);
  }
  c->n_strings = k;
  if (k)
    qsort(c->strings, k, sizeof *c->strings, kv_cmp);
  for (size_t i = 0; content_required_strings[i]; i++) {
    const char *key = content_required_strings[i];
    if (!member(obj, key)) {
      size_t mi = content_cv_key(&v, key);
      content_cv_fail(&v, CONTENT_P_FIELD, "缺少界面必需的文字“%s”", key);
      content_cv_pop(&v, mi);
    }
  }
  content_cv_pop(&v, mk);
  schema_speak(c, &v);
  return v.errors;
}

/* ------------------------------------------------------------------ */
/* regions.json                                                        */

static const char *const unit_keys[CONTENT_UNIT_COUNT] = {
    "yuan_per_person_month", "yuan_per_person_year", "yuan_per_person_time",
    "yuan_per_case", "ratio", "yes_no"};

/* One key may appear again only with another effective date and the same
 * unit: the standard in force and the ones announced to follow it. */
static void check_standard_dup(content_cv *v, const content_standard *st,
                               size_t i) {
  const content_standard *s = &st[i];
  for (size_t j = 0; j < i; j++) {
    const content_standard *o = &st[j];
    if (!o->key || !s->key || strcmp(o->key, s->key) != 0)
      continue;
    if (o->effective && s->effective &&
        strcmp(o->effective, s->effective) == 0) {
      size_t mk = content_cv_key(v, "key");
      content_cv_fail(v, CONTENT_P_DUPLICATE,
                      "标准“%s”在 %s 重复（与第 %zu 条相同）；同一标准再写一条时，"
                      "执行日期要不同",
                      s->key, s->effective, j + 1);
      content_cv_pop(v, mk);
      return;
    }
    if (o->unit_key && s->unit_key && o->unit != s->unit) {
      size_t mk = content_cv_key(v, "unit");
      content_cv_fail(v, CONTENT_P_VALUE,
                      "标准“%s”的单位和第 %zu 条不同；同一标准的新旧两条单位要一样",
                      s->key, j + 1);
      content_cv_pop(v, mk);
      return;
    }
  }
}

static void parse_standard(content_cv *v, const cJSON *e, content_standard *s) {
  s->key = req_ident(v, e, "key");
  s->label = req_text(v, e, "label", MAX_LINE);
  s->source = req_text(v, e, "source", 200);
  s->note = opt_text(v, e, "note", MAX_PARA);
  s->effective = req_date(v, e, "effective", 0);

  const char *basis = req_text(v, e, "effective_basis", 16);
  if (basis) {
    if (strcmp(basis, "announced") == 0)
      s->effective_announced = 1;
    else if (strcmp(basis, "reported") != 0) {
      size_t mk = content_cv_key(v, "effective_basis");
      content_cv_fail(v, CONTENT_P_VALUE,
                      "应为“announced”（执行日期）或“reported”（资料报道日期）");
      content_cv_pop(v, mk);
    }
  }

  const char *unit = req_text(v, e, "unit", 32);
  if (unit) {
    int found = 0;
    for (int u = 0; u < CONTENT_UNIT_COUNT; u++) {
      if (strcmp(unit, unit_keys[u]) == 0) {
        s->unit = (content_unit)u;
        s->unit_key = unit_keys[u];
        found = 1;
      }
    }
    if (!found) {
      size_t mk = content_cv_key(v, "unit");
      content_cv_fail(v, CONTENT_P_VALUE,
                      "单位“%s”不认识，应为 yuan_per_person_month、yuan_per_person_year、"
                      "yuan_per_person_time、yuan_per_case、ratio 或 yes_no",
                      unit);
      content_cv_pop(v, mk);
    }
  }

  const cJSON *val = member(e, "value");
  if (!val) {
    fail_missing(v, "value", "数字，或没有数字时写 null");
  } else if (cJSON_IsNull(val)) {
    if (!s->note || !s->note[0]) {
      size_t mk = content_cv_key(v, "note");
      content_cv_fail(v, CONTENT_P_FIELD,
                      "没有数字（value 为 null）时必须写“note”，说明去哪里问");
      content_cv_pop(v, mk);
    }
  } else {
    size_t mk = content_cv_key(v, "value");
    s->has_value = money_fen(v, val, &s->value_fen);
    if (s->has_value && s->unit == CONTENT_UNIT_YES_NO &&
        s->value_fen != 0 && s->value_fen != 100) {
      content_cv_fail(v, CONTENT_P_VALUE, "yes_no 的值只能是 1（是）或 0（否）");
      s->has_value = 0;
    }
    content_cv_pop(v, mk);
  }
  const cJSON *mx = member(e, "value_max");
  if (mx) {
    size_t mk = content_cv_key(v, "value_max");
    if (!s->has_value && cJSON_IsNull(val))
      content_cv_fail(v, CONTENT_P_VALUE, "没有“value”时不能写“value_max”");
    else if (money_fen(v, mx, &s->max_fen)) {
      if (s->has_value && s->max_fen <= s->value_fen)
        content_cv_fail(v, CONTENT_P_VALUE, "范围的上限应大于下限“value”");
      else
        s->has_max = 1;
    }
    content_cv_pop(v, mk);
  }
  int64_t said, m;
  if (content_standard_note_conflict(s, &said) &&
      content_standard_monthly_yuan(s, &m) == KERR_OK) {
    size_t mk = content_cv_key(v, "note");
    content_cv_fail(v, CONTENT_P_VALUE,
                    "说明里写的每月%lld元与标准不符：按“value”算是每月%lld元。"
                    "每月多少由本机自动算出，说明里不用写",
                    (long long)said, (long long)m);
    content_cv_pop(v, mk);
  }
}

size_t content_schema_regions(content *c, content_problems *p) {
  content_cv v;
  content_cv_init(&v, p, "regions.json");
  const cJSON *a = req_array(&v, c->regions_doc, "regions", 1, 100);
  if (!a)
    return v.errors;
  size_t n = (size_t)cJSON_GetArraySize(a);
  c->regions = content_alloc(c, n * sizeof *c->regions);
  const char **codes = content_alloc(c, n * sizeof *codes);
  if (!c->regions || !codes) {
    content_cv_fail(&v, CONTENT_P_IO, "内存不足");
    return v.errors;
  }
  size_t mk = content_cv_key(&v, "regions");
  size_t i = 0;
  for (const cJSON *e = a->child; e; e = e->next, i++) {
    size_t mi = content_cv_idx(&v, i);
    content_region *r = &c->regions[i];
    if (!cJSON_IsObject(e)) {
      content_cv_fail(&v, CONTENT_P_TYPE, "应为对象，实际是%s", type_name(e));
      content_cv_pop(&v, mi);
      continue;
    }
    const char *code = req_text(&v, e, "code", 6);
    if (code) {
      size_t mc = content_cv_key(&v, "code");
      if (strlen(code) != 6 || !digits(code, 6)) {
        content_cv_fail(&v, CONTENT_P_VALUE, "地区代码应为 6 位数字，如“140500”");
        code = NULL;
      } else {
        codes[i] = code;
        check_no_dup(&v, codes, n, i, "地区代码");
      }
      content_cv_pop(&v, mc);
    }
    r->code = code;
    r->name = req_text(&v, e, "name", MAX_NAME);
    r->province = req_text(&v, e, "province", MAX_NAME);
    r->hotline = req_text(&v, e, "hotline", 20);
    r->hotline_name = req_text(&v, e, "hotline_name", MAX_NAME);
    r->where_to_apply = req_text(&v, e, "where_to_apply", MAX_PARA);
    r->notice = req_text(&v, e, "notice", MAX_PARA);
    r->payment_day = opt_text(&v, e, "payment_day", 40);

    const cJSON *sa = req_array(&v, e, "standards", 0, 100);
    if (sa) {
      size_t ns = (size_t)cJSON_GetArraySize(sa);
      content_standard *st = ns ? content_alloc(c, ns * sizeof *st) : NULL;
      if (ns && !st) {
        content_cv_fail(&v, CONTENT_P_IO, "内存不足");
      } else {
        size_t ms = content_cv_key(&v, "standards");
        size_t j = 0;
        for (const cJSON *se = sa->child; se; se = se->next, j++) {
          size_t mj = content_cv_idx(&v, j);
          if (!cJSON_IsObject(se)) {
            content_cv_fail(&v, CONTENT_P_TYPE, "应为对象，实际是%s", type_name(se));
          } else {
            parse_standard(&v, se, &st[j]);
            check_standard_dup(&v, st, j);
          }
          content_cv_pop(&v, mj);
        }
        content_cv_pop(&v, ms);
        r->standards = st;
        r->n_standards = ns;
      }
    }
    content_cv_pop(&v, mi);
  }
  content_cv_pop(&v, mk);
  c->n_regions = n;

  /* The manifest's region must be one of these. */
  if (c->region_code) {
    int found = 0;
    for (size_t k = 0; k < n; k++)
      if (c->regions[k].code && strcmp(c->regions[k].code, c->region_code) == 0)
        found = 1;
    if (!found) {
      content_cv v2;
      content_cv_init(&v2, p, "manifest.json");
      content_cv_key(&v2, "region");
      content_cv_key(&v2, "code");
      content_cv_fail(&v2, CONTENT_P_REFERENCE, "地区“%s”在 regions.json 里没有",
                      c->region_code);
      v.errors += v2.errors;
    }
  }
  return v.errors;
}

/* ------------------------------------------------------------------ */
/* catalogue.json                                                      */

static const char *const layer_keys[CONTENT_LAYER_COUNT] = {"basic", "special",
                                                             "emergency", "social"};

static int standard_known(const content *c, const char *key) {
  for (size_t r = 0; r < c->n_regions; r++)
    for (size_t s = 0; s < c->regions[r].n_standards; s++)
      if (c->regions[r].standards[s].key &&
          strcmp(c->regions[r].standards[s].key, key) == 0)
        return 1;
  return 0;
}

/* Optional true/false member: 0 when absent; a problem when not a boolean. */
static int opt_bool(content_cv *v, const cJSON *obj, const char *key) {
  const cJSON *j = member(obj, key);
  if (!j)
    return 0;
  if (!cJSON_IsBool(j)) {
    size_t m = content_cv_key(v, key);
    content_cv_fail(v, CONTENT_P_TYPE, "应为 true 或 false，实际是%s",
                    type_name(j));
    content_cv_pop(v, m);
    return 0;
  }
  return cJSON_IsTrue(j);
}

/* An item's materials: each a text, or {"text": …, "kind": "id_card"} so
 * that a receipt for several items lists one kind of paper once. */
static void parse_materials(content *c, content_cv *v, const cJSON *e,
                            content_item *it) {
  const cJSON *a = req_array(v, e, "materials", 1, 30);
  if (!a)
    return;
  size_t n = (size_t)cJSON_GetArraySize(a);
  const char **texts = content_alloc(c, n * sizeof *texts);
  const char **kinds = content_alloc(c, n * sizeof *kinds);
  if (!texts || !kinds) {
    content_cv_fail(v, CONTENT_P_IO, "内存不足");
    return;
  }
  int ok = 1;
  size_t m = content_cv_key(v, "materials");
  size_t i = 0;
  for (const cJSON *j = a->child; j; j = j->next, i++) {
    size_t mi = content_cv_idx(v, i);
    const char *t = NULL, *k = "";
    if (cJSON_IsObject(j)) {
      t = req_text(v, j, "text", MAX_PARA);
      if (member(j, "kind")) {
        k = req_ident(v, j, "kind");
        if (!k)
          t = NULL;
      }
    } else {
      t = check_text(v, j, MAX_PARA, 0);
    }
    content_cv_pop(v, mi);
    if (!t)
      ok = 0;
    texts[i] = t;
    kinds[i] = k;
  }
  content_cv_pop(v, m);
  if (ok) {
    it->materials = texts;
    it->material_kinds = kinds;
    it->n_materials = n;
  }
}

static void parse_item(content *c, content_cv *v, const cJSON *e, content_item *it) {
  it->name = req_text(v, e, "name", MAX_NAME);
  it->short_name = req_text(v, e, "short_name", MAX_SHORT);
  it->summary = req_text(v, e, "summary", MAX_LINE);
  it->for_whom = req_text(v, e, "for_whom", MAX_PARA);
  it->gives = req_text(v, e, "gives", MAX_PARA);
  it->where_to_apply = req_text(v, e, "where_to_apply", MAX_PARA);
  it->hotline = req_text(v, e, "hotline", MAX_LINE);

  const char *layer = req_text(v, e, "layer", 16);
  if (layer) {
    int found = 0;
    for (int l = 0; l < CONTENT_LAYER_COUNT; l++) {
      if (strcmp(layer, layer_keys[l]) == 0) {
        it->layer = (content_layer)l;
        it->layer_key = layer_keys[l];
        found = 1;
      }
    }
    if (!found) {
      size_t mk = content_cv_key(v, "layer");
      content_cv_fail(v, CONTENT_P_VALUE,
                      "层级“%s”不认识，应为 basic、special、emergency 或 social", layer);
      content_cv_pop(v, mk);
    }
  }

  it->icon = req_ident(v, e, "icon");
  if (it->icon && !content_icon_find(c, it->icon)) {
    size_t mk = content_cv_key(v, "icon");
    content_cv_fail(v, CONTENT_P_REFERENCE, "图标“%s”在 icons.json 里没有", it->icon);
    content_cv_pop(v, mk);
  }

  text_list(c, v, e, "conditions", 1, 30, MAX_PARA, &it->conditions,
            &it->n_conditions);
  parse_materials(c, v, e, it);

  const cJSON *steps = req_array(v, e, "steps", 1, 20);
  if (steps) {
    size_t n = (size_t)cJSON_GetArraySize(steps);
    content_step *st = content_alloc(c, n * sizeof *st);
    if (!st) {
      content_cv_fail(v, CONTENT_P_IO, "内存不足");
    } else {
      size_t mk = content_cv_key(v, "steps");
      size_t i = 0;
      for (const cJSON *s = steps->child; s; s = s->next, i++) {
        size_t mi = content_cv_idx(v, i);
        if (!cJSON_IsObject(s)) {
          content_cv_fail(v, CONTENT_P_TYPE, "应为对象，实际是%s", type_name(s));
        } else {
          st[i].name = req_text(v, s, "name", MAX_SHORT);
          st[i].detail = opt_text(v, s, "detail", MAX_PARA);
          st[i].time_limit = req_text(v, s, "time_limit", MAX_LINE);
          st[i].paid_monthly = opt_bool(v, s, "paid_monthly");
        }
        content_cv_pop(v, mi);
      }
      content_cv_pop(v, mk);
      it->steps = st;
      it->n_steps = n;
    }
  }

  const cJSON *laws = req_array(v, e, "legal_basis", 1, 10);
  if (laws) {
    size_t n = (size_t)cJSON_GetArraySize(laws);
    content_law *lw = content_alloc(c, n * sizeof *lw);
    if (!lw) {
      content_cv_fail(v, CONTENT_P_IO, "内存不足");
    } else {
      size_t mk = content_cv_key(v, "legal_basis");
      size_t i = 0;
      for (const cJSON *s = laws->child; s; s = s->next, i++) {
        size_t mi = content_cv_idx(v, i);
        if (!cJSON_IsObject(s)) {
          content_cv_fail(v, CONTENT_P_TYPE, "应为对象，实际是%s", type_name(s));
        } else {
          lw[i].title = req_text(v, s, "title", 120);
          lw[i].date = req_date(v, s, "date", 1);
        }
        content_cv_pop(v, mi);
      }
      content_cv_pop(v, mk);
      it->laws = lw;
      it->n_laws = n;
    }
  }

  /* Optional: standards to show with the item. */
  if (member(e, "standards")) {
    if (text_list(c, v, e, "standards", 0, 20, MAX_ID, &it->standard_keys,
                  &it->n_standard_keys)) {
      size_t mk = content_cv_key(v, "standards");
      for (size_t i = 0; i < it->n_standard_keys; i++) {
        size_t mi = content_cv_idx(v, i);
        if (!standard_known(c, it->standard_keys[i]))
          content_cv_fail(v, CONTENT_P_REFERENCE, "标准“%s”在 regions.json 的任何地区里都没有",
                          it->standard_keys[i]);
        content_cv_pop(v, mi);
      }
      content_cv_pop(v, mk);
    }
  }
}

size_t content_schema_catalogue(content *c, content_problems *p) {
  content_cv v;
  content_cv_init(&v, p, "catalogue.json");
  const cJSON *a = req_array(&v, c->catalogue, "items", 1, 100);
  if (!a)
    return v.errors;
  size_t n = (size_t)cJSON_GetArraySize(a);
  c->items = content_alloc(c, n * sizeof *c->items);
  const char **ids = content_alloc(c, n * sizeof *ids);
  if (!c->items || !ids) {
    content_cv_fail(&v, CONTENT_P_IO, "内存不足");
    return v.errors;
  }
  size_t mk = content_cv_key(&v, "items");
  size_t i = 0;
  for (const cJSON *e = a->child; e; e = e->next, i++) {
    size_t mi = content_cv_idx(&v, i);
    if (!cJSON_IsObject(e)) {
      content_cv_fail(&v, CONTENT_P_TYPE, "应为对象，实际是%s", type_name(e));
    } else {
      content_item *it = &c->items[i];
      it->id = ids[i] = req_ident(&v, e, "id");
      if (it->id) {
        size_t m2 = content_cv_key(&v, "id");
        check_no_dup(&v, ids, n, i, "编号");
        content_cv_pop(&v, m2);
      }
      parse_item(c, &v, e, it);
    }
    content_cv_pop(&v, mi);
  }
  content_cv_pop(&v, mk);
  c->n_items = n;
  return v.errors;
}
