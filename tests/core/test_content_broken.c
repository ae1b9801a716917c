/* content: broken bundles are refused as a whole, with every problem named
 * by file, JSON path and reason. Each case starts from a fresh copy of the
 * default bundle and breaks one thing (re-hashing the manifest when the
 * point is not the hash), so a refusal can only come from that edit. */
#include <errno.h>

#include "check.h"
#include "core/content.h"
#include "test_content_util.h"

/* Loads dir, expecting a refusal with error `want`. Leaves problems in p. */
static void load_refused(const char *dir, kerr want, content_problems *p) {
  content *c = (content *)1;
  kerr e = content_load(dir, &c, p);
  CHECK_INT(e, want);
  CHECK(c == NULL);
  CHECK(content_problems_count(p) > 0);
  if (e != want)
    tb_dump(p);
}

static void fresh(char *dir) {
  if (tb_copy(dir) != 0) {
    fprintf(stderr, "cannot copy the default bundle: %s\n", strerror(errno));
    exit(1);
  }
}

static void case_missing_file(void) {
  char dir[64], p_[512];
  content_problems p;
  content_problems_init(&p);
  fresh(dir);
  unlink(tb_path(p_, sizeof p_, dir, "regions.json"));
  load_refused(dir, KERR_NOTFOUND, &p);
  CHECK(tb_has(&p, CONTENT_P_MISSING, "regions.json", "", "文件不存在"));
  content_problems_free(&p);
  tb_remove(dir);

  /* Not listed in the manifest at all. */
  fresh(dir);
  cJSON *m = tb_json(dir, "manifest.json");
  cJSON_DeleteItemFromArray(cJSON_GetObjectItem(m, "files"), 3); /* icons.json */
  tb_save(dir, "manifest.json", m);
  load_refused(dir, KERR_NOTFOUND, &p);
  CHECK(tb_has(&p, CONTENT_P_MISSING, "icons.json", "", "manifest.json"));
  content_problems_free(&p);
  tb_remove(dir);

  /* No manifest. */
  fresh(dir);
  unlink(tb_path(p_, sizeof p_, dir, "manifest.json"));
  load_refused(dir, KERR_NOTFOUND, &p);
  CHECK(tb_has(&p, CONTENT_P_MISSING, "manifest.json", "", NULL));
  content_problems_free(&p);
  tb_remove(dir);

  /* No folder. */
  load_refused("/nonexistent/kiosk-bundle", KERR_NOTFOUND, &p);
  content_problems_free(&p);
}

static void case_hash_and_size(void) {
  char dir[64];
  content_problems p;
  content_problems_init(&p);
  fresh(dir);
  /* Same length, different bytes: only the hash can tell. */
  CHECK_INT(tb_replace(dir, "strings.json", "返回", "回去"), 0);
  load_refused(dir, KERR_CRYPTO, &p);
  CHECK(tb_has(&p, CONTENT_P_HASH, "strings.json", "", "SHA-256"));
  CHECK(!content_problems_has(&p, CONTENT_P_SIZE));
  CHECK_INT(content_problems_count(&p), 1);
  content_problems_free(&p);
  tb_remove(dir);

  fresh(dir);
  CHECK_INT(tb_replace(dir, "icons.json", "\"#1F5F99\"", "\"#1F5F99\" "), 0);
  load_refused(dir, KERR_CRYPTO, &p);
  CHECK(tb_has(&p, CONTENT_P_SIZE, "icons.json", "", "rehash"));
  CHECK(tb_has(&p, CONTENT_P_HASH, "icons.json", "", NULL));
  content_problems_free(&p);
  tb_remove(dir);

  /* A malformed hash in the manifest. */
  fresh(dir);
  cJSON *m = tb_json(dir, "manifest.json");
  cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(m, "files"), 0);
  cJSON_ReplaceItemInObject(f0, "sha256", cJSON_CreateString("xyz"));
  tb_save(dir, "manifest.json", m);
  load_refused(dir, KERR_INVALID, &p);
  CHECK(tb_has(&p, CONTENT_P_VALUE, "manifest.json", "$.files[0].sha256", "十六进制"));
  content_problems_free(&p);
  tb_remove(dir);
}

/* Several problems at once: all are reported, each at its path. */
static void case_types_and_fields(void) {
  char dir[64];
  content_problems p;
  content_problems_init(&p);
  fresh(dir);
  cJSON *cat = tb_json(dir, "catalogue.json");
  cJSON *items = cJSON_GetObjectItem(cat, "items");
  cJSON *i0 = cJSON_GetArrayItem(items, 0);
  cJSON_ReplaceItemInObject(i0, "short_name", cJSON_CreateNumber(42));
  cJSON_DeleteItemFromObject(cJSON_GetArrayItem(items, 2), "conditions");
  cJSON *steps = cJSON_GetObjectItem(cJSON_GetArrayItem(items, 1), "steps");
  cJSON_DeleteItemFromObject(cJSON_GetArrayItem(steps, 3), "time_limit");
  cJSON_ReplaceItemInObject(cJSON_GetArrayItem(items, 4), "layer",
                            cJSON_CreateString("middle"));
  cJSON_ReplaceItemInObject(cJSON_GetArrayItem(items, 5), "materials",
                            cJSON_CreateString("身份证"));
  cJSON_ReplaceItemInObject(cJSON_GetArrayItem(items, 6), "summary", cJSON_CreateString("  "));
  tb_save(dir, "catalogue.json", cat);

  cJSON *reg = tb_json(dir, "regions.json");
  cJSON *r1 = cJSON_GetArrayItem(cJSON_GetObjectItem(reg, "regions"), 1);
  cJSON *s0 = cJSON_GetArrayItem(cJSON_GetObjectItem(r1, "standards"), 0);
  cJSON_DeleteItemFromObject(s0, "source");
  cJSON_ReplaceItemInObject(s0, "value", cJSON_CreateString("650"));
  cJSON *s1 = cJSON_GetArrayItem(cJSON_GetObjectItem(r1, "standards"), 1);
  cJSON_ReplaceItemInObject(s1, "effective", cJSON_CreateString("2024-02-30"));
  cJSON_ReplaceItemInObject(s1, "unit", cJSON_CreateString("yuan_per_week"));
  tb_save(dir, "regions.json", reg);
  CHECK_INT(tb_rehash(dir), 0);

  load_refused(dir, KERR_INVALID, &p);
  CHECK(tb_has(&p, CONTENT_P_TYPE, "catalogue.json", "$.items[0].short_name",
               "应为文字，实际是数字"));
  CHECK(tb_has(&p, CONTENT_P_FIELD, "catalogue.json", "$.items[2].conditions",
               "缺少必填字段"));
  CHECK(tb_has(&p, CONTENT_P_FIELD, "catalogue.json", "$.items[1].steps[3].time_limit",
               NULL));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "catalogue.json", "$.items[4].layer", "middle"));
  CHECK(tb_has(&p, CONTENT_P_TYPE, "catalogue.json", "$.items[5].materials", "应为列表"));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "catalogue.json", "$.items[6].summary", "不能为空"));
  CHECK(tb_has(&p, CONTENT_P_FIELD, "regions.json", "$.regions[1].standards[0].source",
               NULL));
  CHECK(tb_has(&p, CONTENT_P_TYPE, "regions.json", "$.regions[1].standards[0].value",
               "应为数字"));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "regions.json", "$.regions[1].standards[1].effective",
               "2024-02-30"));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "regions.json", "$.regions[1].standards[1].unit",
               "yuan_per_week"));
  CHECK_INT(content_problems_count(&p), 10);
  if (content_problems_count(&p) != 10)
    tb_dump(&p);
  content_problems_free(&p);
  tb_remove(dir);
}

static void case_values_and_references(void) {
  char dir[64];
  content_problems p;
  content_problems_init(&p);
  fresh(dir);
  cJSON *cat = tb_json(dir, "catalogue.json");
  cJSON *items = cJSON_GetObjectItem(cat, "items");
  cJSON_ReplaceItemInObject(cJSON_GetArrayItem(items, 3), "id", cJSON_CreateString("dibao"));
  cJSON_ReplaceItemInObject(cJSON_GetArrayItem(items, 7), "icon", cJSON_CreateString("rocket"));
  cJSON_ReplaceItemInObject(cJSON_GetArrayItem(items, 8), "id", cJSON_CreateString("Bad-Id"));
  cJSON *keys = cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "standards");
  cJSON_AddItemToArray(keys, cJSON_CreateString("dibao_martian"));
  tb_save(dir, "catalogue.json", cat);

  cJSON *reg = tb_json(dir, "regions.json");
  cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(reg, "regions"), 0);
  cJSON *st = cJSON_GetObjectItem(r0, "standards");
  cJSON *s0 = cJSON_GetArrayItem(st, 0);
  cJSON_ReplaceItemInObject(s0, "value", cJSON_CreateNumber(9480.123));
  cJSON *s2 = cJSON_GetArrayItem(st, 2); /* dibian_line: null value */
  cJSON_DeleteItemFromObject(s2, "note");
  cJSON *s7 = cJSON_GetArrayItem(st, 7); /* tekun_care: range */
  cJSON_ReplaceItemInObject(s7, "value_max", cJSON_CreateNumber(50));
  cJSON *s3 = cJSON_GetArrayItem(st, 3);
  cJSON_ReplaceItemInObject(s3, "value", cJSON_CreateNumber(-5));
  cJSON_ReplaceItemInObject(cJSON_GetArrayItem(st, 4), "key",
                            cJSON_CreateString("dibao_rural"));
  tb_save(dir, "regions.json", reg);

  cJSON *m = tb_json(dir, "manifest.json");
  cJSON_ReplaceItemInObject(cJSON_GetObjectItem(m, "region"), "code",
                            cJSON_CreateString("110000"));
  cJSON_ReplaceItemInObject(m, "version", cJSON_CreateString("latest"));
  cJSON_ReplaceItemInObject(m, "expires", cJSON_CreateString("2020-01-01"));
  tb_save(dir, "manifest.json", m);
  CHECK_INT(tb_rehash(dir), 0);

  load_refused(dir, KERR_INVALID, &p);
  CHECK(tb_has(&p, CONTENT_P_DUPLICATE, "catalogue.json", "$.items[3].id", "dibao"));
  CHECK(tb_has(&p, CONTENT_P_REFERENCE, "catalogue.json", "$.items[7].icon", "rocket"));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "catalogue.json", "$.items[8].id", "Bad-Id"));
  CHECK(tb_has(&p, CONTENT_P_REFERENCE, "catalogue.json", "$.items[0].standards[2]",
               "dibao_martian"));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "regions.json", "$.regions[0].standards[0].value",
               "两位小数"));
  CHECK(tb_has(&p, CONTENT_P_FIELD, "regions.json", "$.regions[0].standards[2].note", NULL));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "regions.json", "$.regions[0].standards[7].value_max",
               NULL));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "regions.json", "$.regions[0].standards[3].value", NULL));
  CHECK(tb_has(&p, CONTENT_P_DUPLICATE, "regions.json", "$.regions[0].standards[4].key",
               "dibao_rural"));
  CHECK(tb_has(&p, CONTENT_P_REFERENCE, "manifest.json", "$.region.code", "110000"));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "manifest.json", "$.version", "latest"));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "manifest.json", "$.expires", "早于"));
  content_problems_free(&p);
  tb_remove(dir);
}

/* A string far beyond every limit; a file beyond the size limit. */
static void case_huge(void) {
  char dir[64];
  content_problems p;
  content_problems_init(&p);
  size_t big = 10u * 1024u * 1024u;

  /* 10 MB string in strings.json: refused by size before it is parsed. */
  fresh(dir);
  char *doc = malloc(big + 64);
  int n = sprintf(doc, "{\"strings\":{\"home.welcome\":\"");
  memset(doc + n, 'A', big);
  strcpy(doc + n + big, "\"}}");
  tb_write(dir, "strings.json", doc, strlen(doc));
  load_refused(dir, KERR_LIMIT, &p);
  CHECK(tb_has(&p, CONTENT_P_LIMIT, "strings.json", "", "文件太大"));
  content_problems_free(&p);
  /* Same with a manifest that admits the size: refused by the manifest. */
  cJSON *m = tb_json(dir, "manifest.json");
  cJSON *f2 = cJSON_GetArrayItem(cJSON_GetObjectItem(m, "files"), 2);
  cJSON_ReplaceItemInObject(f2, "size", cJSON_CreateNumber((double)strlen(doc)));
  tb_save(dir, "manifest.json", m);
  load_refused(dir, KERR_LIMIT, &p);
  CHECK(tb_has(&p, CONTENT_P_LIMIT, "manifest.json", "$.files[2].size", NULL));
  content_problems_free(&p);
  tb_remove(dir);

  /* 600 KB string inside a file under 1 MiB: refused by the string limit,
   * with line and column. */
  fresh(dir);
  size_t mid = 600u * 1024u;
  n = sprintf(doc, "{\n\"strings\": {\"home.welcome\": \"");
  memset(doc + n, 'B', mid);
  strcpy(doc + n + mid, "\"}}");
  tb_write(dir, "strings.json", doc, strlen(doc));
  CHECK_INT(tb_rehash(dir), 0);
  load_refused(dir, KERR_LIMIT, &p);
  CHECK(tb_has(&p, CONTENT_P_LIMIT, "strings.json", "$", "第 2 行"));
  CHECK(tb_has(&p, CONTENT_P_LIMIT, "strings.json", "$", "太长"));
  content_problems_free(&p);
  tb_remove(dir);
  free(doc);
}

static void case_deep(void) {
  char dir[64];
  content_problems p;
  content_problems_init(&p);
  fresh(dir);
  size_t depth = 10000;
  char *doc = malloc(2 * depth + 32);
  size_t n = (size_t)sprintf(doc, "{\"regions\":");
  memset(doc + n, '[', depth);
  memset(doc + n + depth, ']', depth);
  strcpy(doc + n + 2 * depth, "}");
  tb_write(dir, "regions.json", doc, strlen(doc));
  free(doc);
  CHECK_INT(tb_rehash(dir), 0);
  load_refused(dir, KERR_LIMIT, &p);
  CHECK(tb_has(&p, CONTENT_P_LIMIT, "regions.json", "$", "嵌套"));
  content_problems_free(&p);
  tb_remove(dir);
}

static void case_utf8(void) {
  static const char *const bad[] = {
      "\xC3\x28",         /* broken two-byte sequence */
      "\xC0\xAF",         /* overlong '/' */
      "\xED\xA0\x80",     /* UTF-16 surrogate */
      "\xF4\x90\x80\x80", /* above U+10FFFF */
      "\xFF",             /* never valid */
      "\\u0000",          /* NUL by escape */
      "\\u0007",          /* control character by escape */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char dir[64], with[64];
    content_problems p;
    content_problems_init(&p);
    fresh(dir);
    snprintf(with, sizeof with, "下一%s步", bad[i]);
    CHECK_INT(tb_replace(dir, "strings.json", "下一步", with), 0);
    CHECK_INT(tb_rehash(dir), 0);
    load_refused(dir, KERR_PARSE, &p);
    CHECK(tb_has(&p, CONTENT_P_UTF8, "strings.json", "$", NULL));
    content_problems_free(&p);
    tb_remove(dir);
  }
}

static void case_syntax_and_duplicate_keys(void) {
  char dir[64];
  content_problems p;
  content_problems_init(&p);
  fresh(dir);
  CHECK_INT(tb_replace(dir, "icons.json", "\"label\": \"低保\"}", "\"label\": \"低保\"},}"), 0);
  CHECK_INT(tb_replace(dir, "strings.json", "\"nav.yes\": \"是\"",
                       "\"nav.yes\": \"是\", \"nav.yes\": \"对\""), 0);
  CHECK_INT(tb_rehash(dir), 0);
  load_refused(dir, KERR_PARSE, &p);
  CHECK(tb_has(&p, CONTENT_P_SYNTAX, "icons.json", "$", "JSON 格式错误"));
  CHECK(tb_has(&p, CONTENT_P_DUPLICATE, "strings.json", "$", "nav.yes"));
  content_problems_free(&p);
  tb_remove(dir);

  /* Trailing garbage and a top level that is not an object. */
  fresh(dir);
  tb_write(dir, "icons.json", "[1,2,3]", 7);
  CHECK_INT(tb_replace(dir, "regions.json", "\n  ]\n}", "\n  ]\n} x"), 0);
  CHECK_INT(tb_rehash(dir), 0);
  load_refused(dir, KERR_INVALID, &p);
  CHECK(tb_has(&p, CONTENT_P_TYPE, "icons.json", "$", "对象"));
  CHECK(tb_has(&p, CONTENT_P_SYNTAX, "regions.json", "$", NULL));
  content_problems_free(&p);
  tb_remove(dir);
}

static void case_paths(void) {
  static const char *const bad[] = {"../x", "/etc/passwd", "a/../../x", "./catalogue.json",
                                    "sub//x.json", "a b.json", "manifest.sig", ".hidden",
                                    "a/b/c/d/e.json"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char dir[64];
    content_problems p;
    content_problems_init(&p);
    fresh(dir);
    cJSON *m = tb_json(dir, "manifest.json");
    cJSON *files = cJSON_GetObjectItem(m, "files");
    char at[32];
    snprintf(at, sizeof at, "$.files[%d].path", cJSON_GetArraySize(files));
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "path", bad[i]);
    cJSON_AddStringToObject(f, "sha256",
                            "0000000000000000000000000000000000000000000000000000000000000000");
    cJSON_AddNumberToObject(f, "size", 10);
    cJSON_AddItemToArray(files, f);
    tb_save(dir, "manifest.json", m);
    load_refused(dir, KERR_INVALID, &p);
    CHECK(tb_has(&p, CONTENT_P_PATH, "manifest.json", at, bad[i]));
    CHECK(!content_problems_has(&p, CONTENT_P_HASH)); /* never opened */
    content_problems_free(&p);
    tb_remove(dir);
  }
}

static void case_symlinks(void) {
  char dir[64], outside[64], p_[512], q_[512];
  content_problems p;
  content_problems_init(&p);

  /* icons.json replaced by a link to an identical file outside the bundle:
   * the hash would match if the link were followed. */
  fresh(dir);
  fresh(outside);
  unlink(tb_path(p_, sizeof p_, dir, "icons.json"));
  CHECK_INT(symlink(tb_path(q_, sizeof q_, outside, "icons.json"), p_), 0);
  load_refused(dir, KERR_INVALID, &p);
  CHECK(tb_has(&p, CONTENT_P_SYMLINK, "icons.json", "", "符号链接"));
  content_problems_free(&p);

  /* A folder inside the bundle that is a link to the outside. */
  CHECK_INT(symlink(outside, tb_path(p_, sizeof p_, dir, "sub")), 0);
  unlink(tb_path(p_, sizeof p_, dir, "icons.json"));
  char *icons = tb_slurp(tb_path(q_, sizeof q_, outside, "icons.json"), NULL);
  tb_write(dir, "icons.json", icons, strlen(icons));
  free(icons);
  cJSON *m = tb_json(dir, "manifest.json");
  cJSON *f = cJSON_CreateObject();
  cJSON_AddStringToObject(f, "path", "sub/regions.json");
  cJSON_AddItemToArray(cJSON_GetObjectItem(m, "files"), f);
  tb_save(dir, "manifest.json", m);
  CHECK(tb_rehash(dir) != 0); /* rehash refuses it too */
  m = tb_json(dir, "manifest.json");
  cJSON *all = cJSON_GetObjectItem(m, "files");
  f = cJSON_GetArrayItem(all, cJSON_GetArraySize(all) - 1);
  cJSON_AddStringToObject(f, "sha256",
                          "0000000000000000000000000000000000000000000000000000000000000000");
  cJSON_AddNumberToObject(f, "size", 5);
  tb_save(dir, "manifest.json", m);
  load_refused(dir, KERR_INVALID, &p);
  CHECK(tb_has(&p, CONTENT_P_SYMLINK, "sub/regions.json", "", "符号链接"));
  content_problems_free(&p);

  /* A link to a non-file (here /dev/zero through a real path is not
   * possible, so: a folder where a file should be). */
  tb_remove(dir);
  fresh(dir);
  unlink(tb_path(p_, sizeof p_, dir, "icons.json"));
  CHECK_INT(mkdir(p_, 0755), 0);
  load_refused(dir, KERR_INVALID, &p);
  CHECK(tb_has(&p, CONTENT_P_PATH, "icons.json", "", "不是普通文件"));
  content_problems_free(&p);
  tb_remove(dir);
  tb_remove(outside);
}

/* Unknown fields and files are ignored; unknown files are still verified
 * and handed out. */
static void case_future(void) {
  char dir[64];
  content_problems p;
  content_problems_init(&p);
  fresh(dir);
  cJSON *m = tb_json(dir, "manifest.json");
  int listed = cJSON_GetArraySize(cJSON_GetObjectItem(m, "files"));
  cJSON_AddStringToObject(m, "signature_hint", "ed25519");
  cJSON_AddItemToObject(m, "future", cJSON_Parse("{\"a\":[1,2,{\"b\":null}]}"));
  cJSON *f = cJSON_CreateObject();
  cJSON_AddStringToObject(f, "path", "rules/screener.json");
  cJSON_AddStringToObject(f, "kind", "screener");
  cJSON_AddItemToArray(cJSON_GetObjectItem(m, "files"), f);
  tb_save(dir, "manifest.json", m);
  char p_[512];
  mkdir(tb_path(p_, sizeof p_, dir, "rules"), 0755);
  tb_write(dir, "rules/screener.json", "{\"questions\":[]}", 16);
  tb_write(dir, "unlisted.txt", "ignored", 7);
  cJSON *cat = tb_json(dir, "catalogue.json");
  cJSON *i0 = cJSON_GetArrayItem(cJSON_GetObjectItem(cat, "items"), 0);
  cJSON_AddStringToObject(i0, "audio", "dibao.ogg");
  cJSON_AddNumberToObject(cat, "schema_minor", 7);
  tb_save(dir, "catalogue.json", cat);
  CHECK_INT(tb_rehash(dir), 0);

  content *c = NULL;
  CHECK_INT(content_load(dir, &c, &p), KERR_OK);
  tb_dump(&p);
  CHECK(c != NULL);
  if (c) {
    const char *data = NULL;
    size_t len = 0;
    CHECK_INT(content_file(c, "rules/screener.json", &data, &len), KERR_OK);
    CHECK_INT(len, 16);
    CHECK_STR(data, "{\"questions\":[]}");
    CHECK_INT(content_file(c, "unlisted.txt", &data, &len), KERR_NOTFOUND);
    CHECK_INT(content_file_count(c), listed + 1);
  }
  content_destroy(c);
  content_problems_free(&p);

  /* An unknown file is verified like the others. */
  tb_write(dir, "rules/screener.json", "{\"questions\":[1]}", 17);
  load_refused(dir, KERR_CRYPTO, &p);
  CHECK(tb_has(&p, CONTENT_P_SIZE, "rules/screener.json", "", NULL));
  content_problems_free(&p);

  /* A newer major format is refused before anything else is read. */
  m = tb_json(dir, "manifest.json");
  cJSON_ReplaceItemInObject(m, "format", cJSON_CreateNumber(2));
  tb_save(dir, "manifest.json", m);
  load_refused(dir, KERR_INVALID, &p);
  CHECK(tb_has(&p, CONTENT_P_FORMAT, "manifest.json", "$.format", "第 2 版"));
  CHECK_INT(content_problems_count(&p), 1);
  content_problems_free(&p);
  tb_remove(dir);
}

/* Required UI strings; the problem list is capped but still counts. */
static void case_strings_and_cap(void) {
  char dir[64];
  content_problems p;
  content_problems_init(&p);
  fresh(dir);
  cJSON *s = tb_json(dir, "strings.json");
  cJSON *obj = cJSON_GetObjectItem(s, "strings");
  cJSON_DeleteItemFromObject(obj, "timeout.more_time");
  cJSON_AddStringToObject(obj, "Bad Key", "x");
  for (int i = 0; i < 800; i++) {
    char key[32];
    snprintf(key, sizeof key, "filler.k%d", i);
    cJSON_AddNumberToObject(obj, key, i);
  }
  tb_save(dir, "strings.json", s);
  CHECK_INT(tb_rehash(dir), 0);
  load_refused(dir, KERR_INVALID, &p);
  CHECK(tb_has(&p, CONTENT_P_VALUE, "strings.json", "$.strings[\"Bad Key\"]", NULL));
  CHECK(tb_has(&p, CONTENT_P_TYPE, "strings.json", "$.strings[\"filler.k0\"]", NULL));
  CHECK_INT(p.n, CONTENT_PROBLEMS_MAX);
  CHECK_INT(content_problems_count(&p), 802);
  content_problems_free(&p);
  tb_remove(dir);
}

/* strings.json's "speak" list: each rule an object with "written" and
 * "say", both text; a list too long is refused whole. */
static void case_speak(void) {
  char dir[64];
  content_problems p;
  content_problems_init(&p);
  fresh(dir);
  cJSON *s = tb_json(dir, "strings.json");
  cJSON *sp = cJSON_AddArrayToObject(s, "speak");
  cJSON *ok = cJSON_CreateObject();
  cJSON_AddStringToObject(ok, "written", "单县");
  cJSON_AddStringToObject(ok, "say", "善县");
  cJSON_AddItemToArray(sp, ok);
  cJSON_AddItemToArray(sp, cJSON_CreateString("单县=善县"));
  cJSON *nosay = cJSON_CreateObject();
  cJSON_AddStringToObject(nosay, "written", "长治");
  cJSON_AddItemToArray(sp, nosay);
  cJSON *empty = cJSON_CreateObject();
  cJSON_AddStringToObject(empty, "written", " ");
  cJSON_AddStringToObject(empty, "say", "空");
  cJSON_AddItemToArray(sp, empty);
  tb_save(dir, "strings.json", s);
  CHECK_INT(tb_rehash(dir), 0);
  load_refused(dir, KERR_INVALID, &p);
  CHECK(tb_has(&p, CONTENT_P_TYPE, "strings.json", "$.speak[1]", NULL));
  CHECK(tb_has(&p, CONTENT_P_FIELD, "strings.json", "$.speak[2].say", NULL));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "strings.json", "$.speak[3].written", NULL));
  CHECK_INT(content_problems_count(&p), 3);
  content_problems_free(&p);
  tb_remove(dir);

  fresh(dir);
  s = tb_json(dir, "strings.json");
  sp = cJSON_AddArrayToObject(s, "speak");
  for (int i = 0; i < 201; i++) {
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "written", "单县");
    cJSON_AddStringToObject(r, "say", "善县");
    cJSON_AddItemToArray(sp, r);
  }
  tb_save(dir, "strings.json", s);
  CHECK_INT(tb_rehash(dir), 0);
  content_problems_init(&p);
  load_refused(dir, KERR_LIMIT, &p);
  CHECK(tb_has(&p, CONTENT_P_LIMIT, "strings.json", "$.speak", "200"));
  content_problems_free(&p);
  tb_remove(dir);
}

/* The whole bundle is bounded too: with the data files, seven 4 MiB files
 * fit, the eighth is not even read. Sparse files keep the test light on
 * disk. */
static void case_total(void) {
  char dir[64], p_[512];
  content_problems p;
  content_problems_init(&p);
  fresh(dir);
  cJSON *m = tb_json(dir, "manifest.json");
  cJSON *files = cJSON_GetObjectItem(m, "files");
  for (int i = 0; i < 9; i++) {
    char name[32];
    snprintf(name, sizeof name, "big%d.bin", i);
    FILE *f = fopen(tb_path(p_, sizeof p_, dir, name), "wb");
    CHECK(f && ftruncate(fileno(f), CONTENT_MAX_FILE_BYTES) == 0);
    if (f)
      fclose(f);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "path", name);
    cJSON_AddItemToArray(files, e);
  }
  tb_save(dir, "manifest.json", m);
  CHECK_INT(tb_rehash(dir), 0);
  load_refused(dir, KERR_LIMIT, &p);
  CHECK(tb_has(&p, CONTENT_P_LIMIT, "big7.bin", "", "总大小"));
  content_problems_free(&p);
  tb_remove(dir);
}

int main(void) {
  case_missing_file();
  case_hash_and_size();
  case_types_and_fields();
  case_values_and_references();
  case_huge();
  case_deep();
  case_utf8();
  case_syntax_and_duplicate_keys();
  case_paths();
  case_symlinks();
  case_future();
  case_strings_and_cap();
  case_speak();
  case_total();
  return TEST_DONE();
}
