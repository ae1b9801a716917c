/* json_limits and the content loader under hostile input: exact limit
 * boundaries, every refusal reason with its position, and seeded random
 * mutations of the real bundle files that must never crash (run under
 * ASan+UBSan) and never be accepted when the bytes are not the manifest's. */
#include <stdint.h>

#include "check.h"
#include "core/json_limits.h"
#include "core/utf8.h"
#include "test_content_util.h"

static const json_limits lim = {4096, 8, 32, 10};

static json_limits_fault parse(const char *s, cJSON **out, json_limits_error *e) {
  cJSON *j = NULL;
  kerr k = json_limits_parse(s, strlen(s), &lim, &j, e);
  if (out)
    *out = j;
  else
    cJSON_Delete(j);
  CHECK((k == KERR_OK) == (e->fault == JSON_LIMITS_OK));
  CHECK((k == KERR_OK) == (j != NULL));
  return e->fault;
}

static char *nest(size_t depth) {
  char *s = malloc(2 * depth + 1);
  memset(s, '[', depth);
  memset(s + depth, ']', depth);
  s[2 * depth] = '\0';
  return s;
}

static void test_limits(void) {
  json_limits_error e;
  cJSON *j = NULL;
  CHECK_INT(parse("{\"a\": [1, 2, {\"b\": \"中文\"}]}", &j, &e), JSON_LIMITS_OK);
  CHECK_STR(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "a"), 2)->child->valuestring, "中文");
  cJSON_Delete(j);

  /* Depth: 8 is fine, 9 is not; a million is refused at once. */
  char *s = nest(8);
  CHECK_INT(parse(s, NULL, &e), JSON_LIMITS_OK);
  free(s);
  s = nest(9);
  CHECK_INT(parse(s, NULL, &e), JSON_LIMITS_TOO_DEEP);
  CHECK_INT(e.offset, 8);
  CHECK_INT(e.column, 9);
  free(s);
  s = nest(1000000);
  json_limits roomy = {4u << 20, 8, 32, 10};
  cJSON *deep = NULL;
  CHECK_INT(json_limits_parse(s, strlen(s), &roomy, &deep, &e), KERR_LIMIT);
  CHECK_INT(e.fault, JSON_LIMITS_TOO_DEEP);
  CHECK(deep == NULL);
  free(s);

  /* Strings: 32 bytes fine, 33 not; counted in bytes, escapes raw. */
  CHECK_INT(parse("\"12345678901234567890123456789012\"", NULL, &e), JSON_LIMITS_OK);
  CHECK_INT(parse("\"123456789012345678901234567890123\"", NULL, &e),
            JSON_LIMITS_STRING_TOO_LONG);
  CHECK_INT(parse("{\"123456789012345678901234567890123\": 1}", NULL, &e),
            JSON_LIMITS_STRING_TOO_LONG);
  CHECK_INT(parse("\"一二三四五六七八九十\"", NULL, &e), JSON_LIMITS_OK); /* 30 bytes */
  CHECK_INT(parse("\"一二三四五六七八九十一\"", NULL, &e), JSON_LIMITS_STRING_TOO_LONG);

  /* Items: 10 fine, 11 not, in arrays and objects. */
  CHECK_INT(parse("[1,2,3,4,5,6,7,8,9,10]", NULL, &e), JSON_LIMITS_OK);
  CHECK_INT(parse("[1,2,3,4,5,6,7,8,9,10,11]", NULL, &e), JSON_LIMITS_TOO_MANY_ITEMS);
  CHECK_INT(parse("{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,"
                  "\"i\":9,\"j\":10,\"k\":11}",
                  NULL, &e),
            JSON_LIMITS_TOO_MANY_ITEMS);
  CHECK_INT(parse("[\"a,b,c,d,e,f,g,h,i,j,k,l\"]", NULL, &e), JSON_LIMITS_OK);

  /* Size. */
  char big[5000];
  memset(big, ' ', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  big[0] = '1';
  CHECK_INT(parse(big, NULL, &e), JSON_LIMITS_TOO_BIG);
}

static void test_faults(void) {
  json_limits_error e;
  CHECK_INT(parse("{\"a\": 1,}", NULL, &e), JSON_LIMITS_SYNTAX);
  CHECK_INT(parse("{\n  \"a\": tru\n}", NULL, &e), JSON_LIMITS_SYNTAX);
  CHECK_INT(e.line, 2);
  CHECK_INT(parse("{} {}", NULL, &e), JSON_LIMITS_SYNTAX);
  CHECK_INT(e.offset, 3);
  CHECK_INT(parse("]", NULL, &e), JSON_LIMITS_SYNTAX);
  CHECK_INT(parse("", NULL, &e), JSON_LIMITS_SYNTAX);
  CHECK_INT(parse("{\"a\": 1, \"a\": 2}", NULL, &e), JSON_LIMITS_DUPLICATE_KEY);
  CHECK_STR(e.key, "a");
  CHECK_INT(parse("{\"a\": {\"x\": 1, \"y\": 2, \"x\": 3}}", NULL, &e),
            JSON_LIMITS_DUPLICATE_KEY);
  CHECK_INT(parse("\"a\\u0000b\"", NULL, &e), JSON_LIMITS_BAD_CHAR);
  CHECK_INT(parse("\"a\\u001fb\"", NULL, &e), JSON_LIMITS_BAD_CHAR);
  CHECK_INT(parse("\"a\\nb\\tc\"", NULL, &e), JSON_LIMITS_OK);
  CHECK_INT(parse("\"a\tb\"", NULL, &e), JSON_LIMITS_BAD_CHAR); /* raw tab in a string */
  CHECK_INT(parse("\"\\ud800\"", NULL, &e), JSON_LIMITS_SYNTAX);  /* lone surrogate */
  CHECK_INT(parse("\"\\ud83d\\ude00\"", NULL, &e), JSON_LIMITS_OK);
  CHECK_INT(parse("\"\xE4\xB8\"", NULL, &e), JSON_LIMITS_BAD_UTF8);
  CHECK_INT(e.offset, 1);
  CHECK_INT(parse("\"\xC0\x80\"", NULL, &e), JSON_LIMITS_BAD_UTF8);
  CHECK_INT(parse("\"\xED\xBF\xBF\"", NULL, &e), JSON_LIMITS_BAD_UTF8);
  CHECK_INT(parse("\"\xF0\x9F\x98\x80\"", NULL, &e), JSON_LIMITS_OK);

  /* NUL inside the buffer, and a buffer that is not NUL-terminated. */
  json_limits_error e2;
  cJSON *j = NULL;
  CHECK_INT(json_limits_parse("[1]\0[2]", 7, &lim, &j, &e2), KERR_PARSE);
  CHECK(j == NULL);
  char raw[3] = {'[', '7', ']'};
  CHECK_INT(json_limits_parse(raw, 3, &lim, &j, &e2), KERR_OK);
  CHECK(j && cJSON_GetArrayItem(j, 0)->valueint == 7);
  cJSON_Delete(j);
  /* A UTF-8 byte-order mark is skipped. */
  CHECK_INT(json_limits_parse("\xEF\xBB\xBF{}", 5, &lim, &j, &e2), KERR_OK);
  cJSON_Delete(j);

  CHECK(utf8_valid("中文abc", strlen("中文abc")));
  CHECK(!utf8_valid("\x80", 1));
  CHECK_INT(utf8_count("中文abc", strlen("中文abc")), 5);
  for (int f = JSON_LIMITS_OK; f <= JSON_LIMITS_BAD_CHAR; f++)
    CHECK(json_limits_fault_str((json_limits_fault)f)[0] != '\0');
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* Flips, deletes, duplicates or inserts structural bytes. */
static size_t mutate(char *buf, size_t len, size_t cap) {
  static const char tokens[] = "{}[]\",:\\0123456789.-eEtfn \xE4\xB8\xAD\x80\xFF";
  int edits = 1 + (int)(rng() % 4);
  for (int k = 0; k < edits && len > 0; k++) {
    size_t at = (size_t)(rng() % len);
    switch (rng() % 4) {
    case 0:
      buf[at] = tokens[rng() % (sizeof tokens - 1)];
      break;
    case 1:
      memmove(buf + at, buf + at + 1, len - at - 1);
      len--;
      break;
    case 2:
      if (len < cap) {
        memmove(buf + at + 1, buf + at, len - at);
        buf[at] = tokens[rng() % (sizeof tokens - 1)];
        len++;
      }
      break;
    default:
      buf[at] ^= (char)(1u << (rng() % 8));
      break;
    }
  }
  return len;
}

static void test_mutations(void) {
  static const char *const files[] = {"catalogue.json", "regions.json", "strings.json",
                                      "icons.json", "manifest.json"};
  json_limits big = {1024 * 1024, 16, 4000, 5000};
  size_t parsed = 0, refused = 0;
  for (size_t f = 0; f < 5; f++) {
    char path[512];
    size_t len = 0;
    char *orig = tb_slurp(tb_path(path, sizeof path, TB_SOURCE, files[f]), &len);
    CHECK(orig != NULL);
    if (!orig)
      continue;
    char *buf = malloc(len + 64);
    for (int round = 0; round < 200; round++) {
      memcpy(buf, orig, len);
      size_t n = mutate(buf, len, len + 64);
      cJSON *j = NULL;
      json_limits_error e;
      if (json_limits_parse(buf, n, &big, &j, &e) == KERR_OK)
        parsed++;
      else
        refused++;
      cJSON_Delete(j);
    }
    free(buf);
    free(orig);
  }
  CHECK(refused > 0);
  CHECK(parsed + refused == 1000);

  /* Whole bundles: a mutated data file with a matching manifest must load
   * or be refused cleanly; with the old manifest it must be refused. */
  char dir[64];
  CHECK_INT(tb_copy(dir), 0);
  size_t loaded = 0;
  for (int round = 0; round < 40; round++) {
    const char *name = files[rng() % 4];
    char path[512];
    size_t len = 0;
    char *orig = tb_slurp(tb_path(path, sizeof path, TB_SOURCE, name), &len);
    char *buf = malloc(len + 64);
    memcpy(buf, orig, len);
    size_t n = mutate(buf, len, len + 64);
    int same = n == len && memcmp(buf, orig, len) == 0;
    tb_write(dir, name, buf, n);

    content *c = NULL;
    content_problems p;
    content_problems_init(&p);
    kerr k = content_load(dir, &c, &p);
    CHECK(same ? k == KERR_OK : k == KERR_CRYPTO);
    content_destroy(c);
    content_problems_free(&p);

    content_problems_init(&p);
    CHECK_INT(tb_rehash(dir), 0);
    c = NULL;
    k = content_load(dir, &c, &p);
    CHECK((k == KERR_OK) == (c != NULL));
    CHECK((k == KERR_OK) == (content_problems_count(&p) == 0));
    if (c) {
      loaded++;
      CHECK(content_string(c, "home.welcome") != NULL);
    }
    content_destroy(c);
    content_problems_free(&p);

    tb_write(dir, name, orig, len); /* restore for the next round */
    CHECK_INT(tb_rehash(dir), 0);
    free(buf);
    free(orig);
  }
  tb_remove(dir);
  printf("mutations: %zu parsed, %zu refused; bundles loaded after edit: %zu/40\n", parsed,
         refused, loaded);
}

int main(void) {
  test_limits();
  test_faults();
  test_mutations();
  return TEST_DONE();
}
