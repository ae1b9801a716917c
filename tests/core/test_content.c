/* content: the default bundle in assets/bundle loads, is complete, and
 * carries the figures of its sources; accessors, versions, fallbacks and
 * keeping the last good bundle. */
#include "check.h"
#include "core/content.h"
#include "core/json_limits.h"
#include "core/utf8.h"
#include "test_content_util.h"

/* Every standard in the test bundle is "reported": any day finds it. */
#define TODAY "2026-12-01"

static const char *const all_items[] = {
    "dibao",   "tekun",     "dibian",     "gangxing", "medical",  "education", "housing",
    "employment", "disaster", "temporary", "disability", "children", "vagrant", "charity"};

static void check_standard(const content_region *r, const char *key, int64_t fen,
                           content_unit unit) {
  const content_standard *s = content_standard_find(r, key, TODAY);
  CHECK(s != NULL);
  if (!s) {
    fprintf(stderr, "  missing standard %s in %s\n", key, r->code);
    return;
  }
  CHECK(s->has_value);
  CHECK_INT(s->value_fen, fen);
  CHECK_INT(s->unit, unit);
  CHECK(s->source[0] != '\0');
  CHECK(content_date_valid(s->effective));
}

static void test_items(const content *c) {
  CHECK_INT(content_item_count(c), sizeof all_items / sizeof all_items[0]);
  for (size_t i = 0; i < sizeof all_items / sizeof all_items[0]; i++) {
    const content_item *it = content_item_find(c, all_items[i]);
    CHECK(it != NULL);
    if (!it)
      continue;
    CHECK(it->name[0] && it->short_name[0] && it->summary[0]);
    CHECK(it->for_whom[0] && it->gives[0] && it->where_to_apply[0]);
    CHECK(strstr(it->hotline, "12345") != NULL);
    CHECK(it->n_conditions >= 1 && it->n_materials >= 1);
    CHECK(it->n_steps >= 1 && it->n_laws >= 1);
    for (size_t s = 0; s < it->n_steps; s++)
      CHECK(it->steps[s].name[0] && it->steps[s].time_limit[0]);
    for (size_t l = 0; l < it->n_laws; l++)
      CHECK(it->laws[l].title[0] && it->laws[l].date[0]);
    const content_icon *ic = content_icon_find(c, it->icon);
    CHECK(ic != NULL);
    if (ic)
      CHECK_INT(utf8_count(ic->glyph, strlen(ic->glyph)), 1);
  }
  CHECK_STR(content_item_find(c, "dibao")->short_name, "低保");
  CHECK_INT(content_item_find(c, "dibao")->layer, CONTENT_LAYER_BASIC);
  CHECK_INT(content_item_find(c, "tekun")->layer, CONTENT_LAYER_BASIC);
  CHECK_INT(content_item_find(c, "dibian")->layer, CONTENT_LAYER_BASIC);
  CHECK_INT(content_item_find(c, "gangxing")->layer, CONTENT_LAYER_BASIC);
  CHECK_INT(content_item_find(c, "medical")->layer, CONTENT_LAYER_SPECIAL);
  CHECK_INT(content_item_find(c, "disaster")->layer, CONTENT_LAYER_SPECIAL);
  CHECK_INT(content_item_find(c, "temporary")->layer, CONTENT_LAYER_EMERGENCY);
  CHECK_INT(content_item_find(c, "charity")->layer, CONTENT_LAYER_SOCIAL);
  CHECK(content_item_find(c, "nonexistent") == NULL);
  CHECK(content_item_at(c, 999) == NULL);
  CHECK_STR(content_layer_label(c, CONTENT_LAYER_EMERGENCY), "急难救助");
  CHECK_STR(content_item_find(c, "dibao")->standard_keys[0], "dibao_urban");
  /* The public notice lasts 7 days; the 30/45 working-day limit is stated. */
  const content_item *dibao = content_item_find(c, "dibao");
  int seven = 0, thirty = 0;
  for (size_t s = 0; s < dibao->n_steps; s++) {
    seven |= strcmp(dibao->steps[s].time_limit, "7天") == 0;
    thirty |= strstr(dibao->steps[s].time_limit, "30个工作日") != NULL;
  }
  CHECK(seven && thirty);
}

static void test_regions(const content *c) {
  CHECK_INT(content_region_count(c), 2);
  CHECK_STR(content_region_code(c), "140500");
  const content_region *jc = content_region_find(c, "140500");
  const content_region *hb = content_region_find(c, "410600");
  CHECK(jc && hb);
  if (!jc || !hb)
    return;
  CHECK_STR(jc->name, "晋城市");
  CHECK_STR(hb->name, "鹤壁市");
  CHECK(content_region_find(c, "000000") == NULL);

  /* Jincheng 2025 (seed 000). */
  check_standard(jc, "dibao_urban", 948000, CONTENT_UNIT_PERSON_YEAR);
  check_standard(jc, "dibao_rural", 786000, CONTENT_UNIT_PERSON_YEAR);
  check_standard(jc, "tekun_concentrated_urban", 1232400, CONTENT_UNIT_PERSON_YEAR);
  check_standard(jc, "tekun_concentrated_rural", 1179000, CONTENT_UNIT_PERSON_YEAR);
  check_standard(jc, "tekun_dispersed_urban", 1232400, CONTENT_UNIT_PERSON_YEAR);
  check_standard(jc, "tekun_dispersed_rural", 1022400, CONTENT_UNIT_PERSON_YEAR);
  check_standard(jc, "tekun_care", 10000, CONTENT_UNIT_PERSON_MONTH);
  check_standard(jc, "temp_township", 50000, CONTENT_UNIT_CASE);
  const content_standard *care = content_standard_find(jc, "tekun_care", TODAY);
  CHECK(care && care->has_max && care->max_fen == 107500);
  const content_standard *tmp = content_standard_find(jc, "temp_township", TODAY);
  CHECK(tmp && tmp->has_max && tmp->max_fen == 200000);
  CHECK_STR(content_standard_find(jc, "dibao_urban", TODAY)->effective, "2025-07-09");
  CHECK(!content_standard_find(jc, "dibao_urban", TODAY)->effective_announced);

  int64_t month = 0;
  CHECK_INT(content_standard_monthly_fen(content_standard_find(jc, "dibao_urban", TODAY), &month),
            KERR_OK);
  CHECK_INT(month, 79000);
  CHECK_INT(content_standard_monthly_fen(tmp, &month), KERR_INVALID);

  /* Hebi 2024 (seed 001). */
  check_standard(hb, "dibao_urban", 65000, CONTENT_UNIT_PERSON_MONTH);
  check_standard(hb, "dibao_rural", 50000, CONTENT_UNIT_PERSON_MONTH);
  check_standard(hb, "tekun_care_full_county", 66700, CONTENT_UNIT_PERSON_MONTH);
  check_standard(hb, "tekun_care_half_county", 33400, CONTENT_UNIT_PERSON_MONTH);
  check_standard(hb, "tekun_care_full_district", 70000, CONTENT_UNIT_PERSON_MONTH);
  check_standard(hb, "tekun_care_half_district", 35000, CONTENT_UNIT_PERSON_MONTH);
  check_standard(hb, "temp_average", 128300, CONTENT_UNIT_PERSON_TIME);
  CHECK_STR(content_standard_find(hb, "dibao_urban", TODAY)->effective, "2024-07-31");
  CHECK_INT(content_standard_monthly_fen(content_standard_find(hb, "dibao_rural", TODAY), &month),
            KERR_OK);
  CHECK_INT(month, 50000);

  /* A figure the sources do not give has none, and says where to ask. */
  const content_standard *tb = content_standard_find(hb, "tekun_basic", TODAY);
  CHECK(tb && !tb->has_value && strstr(tb->note, "12349"));
  CHECK_INT(content_standard_monthly_fen(tb, &month), KERR_NOTFOUND);
  CHECK(content_standard_find(hb, "tekun_dispersed_rural", TODAY) == NULL);

  for (size_t i = 0; i < content_region_count(c); i++) {
    const content_region *r = content_region_at(c, i);
    CHECK(strstr(r->notice, "以当地最新公布为准") != NULL);
    /* The social-assistance hotline 12349 (《关于改革完善社会救助制度的意见》
     * 2020: 县级民政部门开通"12349"社会救助服务热线). */
    CHECK_STR(r->hotline, "12349");
    for (size_t s = 0; s < r->n_standards; s++)
      if (!r->standards[s].has_value)
        CHECK(strstr(r->standards[s].note, "12349") != NULL);
  }
}

static void test_strings(const content *c) {
  CHECK_STR(content_string(c, "home.policy"), "了解政策");
  CHECK_STR(content_string(c, "home.apply"), "申请救助");
  CHECK_STR(content_string(c, "home.progress"), "查询进度");
  CHECK_STR(content_string(c, "home.staff"), "工作人员");
  CHECK_STR(content_string(c, "home.elder_mode"), "长辈模式");
  CHECK_STR(content_string(c, "timeout.title"), "还需要时间吗？");
  CHECK_STR(content_string(c, "timeout.more_time"), "我还需要时间");
  CHECK_STR(content_string(c, "timeout.end"), "结束");
  CHECK_STR(content_string(c, "nav.back"), "返回");
  CHECK_STR(content_string(c, "nav.next"), "下一步");
  CHECK(strlen(content_string(c, "home.welcome")) > 10);
  CHECK_STR(content_unit_label(c, CONTENT_UNIT_PERSON_YEAR), "元（每人每年）");
  CHECK_STR(content_string(c, "no.such.key"), CONTENT_STRING_MISSING);
  CHECK(content_string_find(c, "no.such.key") == NULL);
  CHECK_STR(content_string(NULL, "home.policy"), CONTENT_STRING_MISSING);
  CHECK(content_string_count(c) > 50);
}

static void test_files_and_versions(const content *c) {
  const char *data = NULL;
  size_t len = 0;
  CHECK_INT(content_file(c, "catalogue.json", &data, &len), KERR_OK);
  CHECK(len > 1000 && data[len] == '\0' && data[0] == '{');
  CHECK_INT(content_file(c, "no-such-file.json", &data, &len), KERR_NOTFOUND);
  CHECK(content_file_count(c) >= 4);
  /* Files other modules own are listed and verified like the rest. */
  CHECK_INT(content_file(c, "screener.json", &data, &len), KERR_OK);
  CHECK(len > 0 && data[0] == '{');
  CHECK(content_version_valid(content_version(c)));
  CHECK(content_date_valid(content_issued(c)));
  CHECK(strcmp(content_issued(c), content_expires(c)) < 0);
  CHECK(!content_expired(c, content_expires(c)));
  CHECK(content_expired(c, "2099-01-01"));
  CHECK(!content_expired(c, "not a date"));

  CHECK(content_version_compare("2025.07.1", "2025.07.10") < 0);
  CHECK(content_version_compare("2025.07.10", "2025.07.9") > 0);
  CHECK(content_version_compare("2025.07.1", "2025.7.1") == 0);
  CHECK(content_version_compare("2026.1", "2025.12.31") > 0);
  CHECK(content_version_compare("2025.07", "2025.07.1") < 0);
  CHECK(content_version_valid("2025.07.1"));
  CHECK(!content_version_valid("2025..1"));
  CHECK(!content_version_valid("v2025"));
  CHECK(!content_version_valid("1.2.3.4.5"));
  CHECK(!content_version_valid("1234567890"));
  CHECK(!content_version_valid(""));
  CHECK(content_date_valid("2024-02-29"));
  CHECK(!content_date_valid("2025-02-29"));
  CHECK(!content_date_valid("2025-13-01"));
  CHECK(!content_date_valid("2025-7-9"));
}

/* A failed load leaves the content in use untouched; only a newer version
 * replaces it. */
static void test_replace(void) {
  char dir[64];
  content *cur = NULL;
  content_problems p;
  content_problems_init(&p);
  CHECK_INT(content_replace(&cur, TB_SOURCE, &p), KERR_OK);
  CHECK(cur != NULL);
  content *first = cur;

  /* Same version: refused, kept. */
  CHECK_INT(content_replace(&cur, TB_SOURCE, &p), KERR_STATE);
  CHECK(cur == first);
  CHECK(content_problems_has(&p, CONTENT_P_VERSION));
  content_problems_free(&p);

  CHECK_INT(tb_copy(dir), 0);
  /* Newer but broken: refused, kept. */
  CHECK_INT(tb_replace(dir, "manifest.json", "\"2026.11.1\"", "\"2099.1.1\""), 0);
  CHECK_INT(tb_replace(dir, "strings.json", "返回", "回去"), 0); /* hash now wrong */
  CHECK(content_replace(&cur, dir, &p) != KERR_OK);
  CHECK(cur == first);
  CHECK_STR(content_string(cur, "nav.back"), "返回");
  content_problems_free(&p);

  /* Newer and whole: replaces. */
  CHECK_INT(tb_rehash(dir), 0);
  CHECK_INT(content_replace(&cur, dir, &p), KERR_OK);
  CHECK(cur != NULL);
  CHECK_STR(content_version(cur), "2099.1.1");
  CHECK_STR(content_string(cur, "nav.back"), "回去");
  CHECK_INT(content_problems_count(&p), 0);
  content_problems_free(&p);
  content_destroy(cur);
  tb_remove(dir);
}

/* Adds one standard to region 0 (晋城) of the bundle in dir. */
static void add_dated(const char *dir, const char *key, int yuan,
                      const char *unit, const char *effective,
                      const char *basis) {
  cJSON *reg = tb_json(dir, "regions.json");
  cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(reg, "regions"), 0);
  cJSON *st = cJSON_CreateObject();
  cJSON_AddStringToObject(st, "key", key);
  cJSON_AddStringToObject(st, "label", "城市低保标准");
  cJSON_AddNumberToObject(st, "value", yuan);
  cJSON_AddStringToObject(st, "unit", unit);
  cJSON_AddStringToObject(st, "effective", effective);
  cJSON_AddStringToObject(st, "effective_basis", basis);
  cJSON_AddStringToObject(st, "source", "测试用的通知");
  cJSON_AddItemToArray(cJSON_GetObjectItem(r0, "standards"), st);
  tb_save(dir, "regions.json", reg);
}

/* A key listed again with other dates: the one in force is the latest not
 * still to come; an announced one takes over on its date; a reported date
 * is never "to come". */
static void test_dated_standards(void) {
  char dir[64];
  content *c = NULL;
  content_problems p;
  content_problems_init(&p);
  CHECK_INT(tb_copy(dir), 0);
  add_dated(dir, "dibao_urban", 9960, "yuan_per_person_year", "2027-01-01",
            "announced");
  add_dated(dir, "dibao_urban", 9000, "yuan_per_person_year", "2024-01-01",
            "announced");
  CHECK_INT(tb_rehash(dir), 0);
  CHECK_INT(content_load(dir, &c, &p), KERR_OK);
  tb_dump(&p);
  const content_region *jc = c ? content_region_find(c, "140500") : NULL;
  CHECK(jc != NULL);
  if (jc) {
    const content_standard *now =
        content_standard_find(jc, "dibao_urban", "2026-12-31");
    CHECK(now && now->value_fen == 948000); /* reported 2025-07-09 */
    const content_standard *next =
        content_standard_upcoming(jc, "dibao_urban", "2026-12-31");
    CHECK(next && next->value_fen == 996000);
    CHECK(content_standard_in_force(jc, now, "2026-12-31"));
    CHECK(!content_standard_in_force(jc, next, "2026-12-31"));
    /* From its date on, the announced figure is the standard. */
    CHECK(content_standard_find(jc, "dibao_urban", "2027-01-01") == next);
    CHECK(content_standard_upcoming(jc, "dibao_urban", "2027-01-01") == NULL);
    CHECK(!content_standard_in_force(jc, now, "2027-01-01"));
    /* Before the 2025 report the 2024 one was already superseded by it:
     * a reported figure counts on any day. */
    CHECK(content_standard_find(jc, "dibao_urban", "2024-06-01") == now);
    /* The rural standard has one entry and nothing to come. */
    CHECK(content_standard_upcoming(jc, "dibao_rural", "2026-12-31") == NULL);
  }
  content_destroy(c);
  c = NULL;
  tb_remove(dir);

  /* The same key on the same day twice, or in another unit: refused. */
  CHECK_INT(tb_copy(dir), 0);
  add_dated(dir, "dibao_urban", 9960, "yuan_per_person_year", "2025-07-09",
            "announced");
  add_dated(dir, "dibao_rural", 700, "yuan_per_person_month", "2027-01-01",
            "announced");
  CHECK_INT(tb_rehash(dir), 0);
  CHECK(content_load(dir, &c, &p) != KERR_OK);
  CHECK(c == NULL);
  CHECK(tb_has(&p, CONTENT_P_DUPLICATE, "regions.json", NULL,
               "“dibao_urban”在 2025-07-09 重复"));
  CHECK(tb_has(&p, CONTENT_P_VALUE, "regions.json", NULL,
               "“dibao_rural”的单位和第 2 条不同"));
  CHECK_INT(content_problems_count(&p), 2);
  tb_dump(&p);
  content_problems_free(&p);
  tb_remove(dir);
}

/* strings.json's "speak" rules change how words are read aloud: the
 * longest one written at a place wins, the rest is copied, and a short
 * buffer is cut at a whole character or rule. */
static void test_speak(void) {
  char dir[64], out[256];
  CHECK_INT(tb_copy(dir), 0);
  cJSON *s = tb_json(dir, "strings.json");
  cJSON *sp = cJSON_AddArrayToObject(s, "speak");
  static const char *const rules[][2] = {
      {"单县", "善县"}, {"单", "丹"}, {"JC", "J C"}};
  for (size_t i = 0; i < 3; i++) {
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "written", rules[i][0]);
    cJSON_AddStringToObject(r, "say", rules[i][1]);
    cJSON_AddItemToArray(sp, r);
  }
  tb_save(dir, "strings.json", s);
  CHECK_INT(tb_rehash(dir), 0);
  content *c = NULL;
  content_problems p;
  content_problems_init(&p);
  CHECK_INT(content_load(dir, &c, &p), KERR_OK);
  tb_dump(&p);
  const char *in = "单县民政局，单位：JC-3334";
  size_t n = content_speak_apply(c, in, out, sizeof out);
  CHECK_STR(out, "善县民政局，丹位：J C-3334");
  CHECK_INT(n, strlen(out));
  /* Cut short: whole characters and whole rules only. */
  content_speak_apply(c, in, out, 8); /* 善县 is 6 bytes, 民 3 more */
  CHECK_STR(out, "善县");
  content_speak_apply(c, "单", out, 3); /* 丹 needs 4 bytes with its NUL */
  CHECK_STR(out, "");
  /* No list, or no content: the text as it is. */
  content_speak_apply(NULL, in, out, sizeof out);
  CHECK_STR(out, in);
  content_destroy(c);
  content_problems_free(&p);
  tb_remove(dir);
  content *plain = NULL;
  content_problems_init(&p);
  CHECK_INT(content_load(TB_SOURCE, &plain, &p), KERR_OK);
  content_speak_apply(plain, in, out, sizeof out);
  CHECK_STR(out, in);
  content_destroy(plain);
  content_problems_free(&p);
}

int main(void) {
  content *c = NULL;
  content_problems p;
  content_problems_init(&p);
  kerr e = content_load(TB_SOURCE, &c, &p);
  CHECK_INT(e, KERR_OK);
  CHECK_INT(content_problems_count(&p), 0);
  tb_dump(&p);
  if (c) {
    test_items(c);
    test_regions(c);
    test_strings(c);
    test_files_and_versions(c);
  }
  content_destroy(c);
  content_destroy(NULL);
  content_problems_free(&p);
  test_replace();
  test_dated_standards();
  test_speak();
  /* The monthly equivalent is computed; a note that states another one
   * is caught, a previous figure in a monthly standard is not. */
  {
    content_standard st = {.key = "dibao_urban", .has_value = 1,
                           .value_fen = 960000,
                           .unit = CONTENT_UNIT_PERSON_YEAR,
                           .note = "约合每人每月790元。"};
    int64_t m = 0, said = 0;
    CHECK_INT(content_standard_monthly_yuan(&st, &m), KERR_OK);
    CHECK_INT(m, 800);
    CHECK_INT(content_standard_note_conflict(&st, &said), 1);
    CHECK_INT(said, 790);
    st.note = "约合每人每月800元。";
    CHECK_INT(content_standard_note_conflict(&st, &said), 0);
    st.unit = CONTENT_UNIT_PERSON_MONTH;
    st.value_fen = 65000;
    st.note = "由每人每月630元提高到650元。";
    CHECK_INT(content_standard_note_conflict(&st, &said), 0);
    CHECK_INT(content_standard_monthly_yuan(&st, &m), KERR_NOTFOUND);
  }
  return TEST_DONE();
}
