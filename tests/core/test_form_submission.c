/* Whole applications filled through the engine, as a screen would: a
 * 低保 + 医疗救助 application for a three-person household and a 临时救助-only
 * one, to the review list and the submission plaintext, which must validate
 * against docs/submission.schema.json. The validator below implements the
 * JSON-Schema keywords that schema uses (and refuses any other keyword, so
 * the schema cannot silently rely on one it does not check). Synthetic
 * people only. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "check.h"
#include "core/form.h"
#include "core/idcard.h"
#include "core/utf8.h"
#include "schema_check.h"

static const validate_date today = {2026, 11, 22};

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  if (b) {
    b[n] = '\0';
    *len = (size_t)n;
  }
  return b;
}

static cJSON *schema_doc;

/* 1 if the text validates; prints why not otherwise. */
static int valid(const char *json, int quiet) {
  return schema_check_valid(schema_doc, json, quiet);
}

/* ---- driving the engine ---------------------------------------------------- */

static void make_id(char out[19], const char *region, const char *birth,
                    const char *seq) {
  snprintf(out, 19, "%s%s%s", region, birth, seq);
  out[17] = idcard_check_char(out);
  out[18] = '\0';
}

/* One answer a screen would give: for field `id` of entry `member`. Kinds:
 * 't' text, 'c' choice, 'm' multi (space separated), 'b' yes/no ("1"/"0"),
 * 's' signature. */
typedef struct ans {
  const char *id;
  int member;
  char kind;
  const char *value;
} ans;

static unsigned char png[128];
static size_t png_len;

/* Fills the form by following the cursor from the first question to the
 * review page, adding `members` entries at the group's list. Returns the
 * number of questions answered, or -1 when a question had no answer in
 * the table. */
static int drive(form *f, const ans *table, size_t n, size_t members,
                 const char ***asked_ids, size_t *n_asked) {
  int answered = 0;
  for (int guard = 0; guard < 500; guard++) {
    form_question q;
    form_result r;
    form_current(f, &q);
    if (q.step == FORM_STEP_REVIEW)
      return answered;
    if (q.step == FORM_STEP_GROUP) {
      if (q.n_members < members) {
        size_t m;
        CHECK_INT(form_member_add(f, q.field->id, &m, &r), KERR_OK);
      } else {
        CHECK_INT(form_next(f, &r), KERR_OK);
        CHECK_INT(r.status, FORM_OK);
        if (r.status != FORM_OK)
          fprintf(stderr, "group: %s\n", r.message);
      }
      continue;
    }
    const ans *a = NULL;
    for (size_t i = 0; i < n && !a; i++)
      if (strcmp(table[i].id, q.field->id) == 0 &&
          (table[i].member == q.member || table[i].member == -2))
        a = &table[i];
    if (asked_ids && *n_asked < 200)
      (*asked_ids)[(*n_asked)++] = q.field->id;
    if (!a) {
      fprintf(stderr, "no answer for %s (member %d)\n", q.field->id, q.member);
      return -1;
    }
    kerr e = KERR_OK;
    switch (a->kind) {
    case 't':
      e = form_answer_text(f, a->value, strlen(a->value), &r);
      break;
    case 'c':
      e = form_answer_choice(f, a->value, &r);
      break;
    case 'b':
      e = form_answer_bool(f, a->value[0] == '1', &r);
      break;
    case 's':
      e = form_answer_signature(f, png, png_len, &r);
      break;
    case 'n':
      r.status = FORM_OK; /* leave an optional field empty */
      break;
    default:
      e = KERR_INVALID;
    }
    CHECK_INT(e, KERR_OK);
    if (r.status == FORM_CONFIRM)
      CHECK_INT(form_confirm(f), KERR_OK);
    else if (r.status != FORM_OK)
      fprintf(stderr, "%s: %s %s\n", q.field->id, form_status_name(r.status),
              r.message);
    answered++;
    CHECK_INT(form_next(f, &r), KERR_OK);
    if (r.status != FORM_OK) {
      fprintf(stderr, "next at %s: %s\n", q.field->id, r.message);
      return -1;
    }
  }
  return -1;
}

static const char *review_value(const form_review *rv, const char *label) {
  for (size_t i = 0; i < rv->n; i++)
    if (strcmp(rv->rows[i].label, label) == 0)
      return rv->rows[i].value;
  return NULL;
}

static const form_submission_meta meta = {
    "6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c3", "JC7K-M4PX-Q", "140500", NULL};

/* 低保 + 医疗救助, three people: the applicant (58, ill), his wife (56) and
 * their son (14, at school). */
static void test_dibao_medical(const form_schema *s, const content *c) {
  char id0[19], id1[19], id2[19];
  make_id(id0, "140502", "19680512", "123");
  make_id(id1, "140502", "19700203", "224");
  make_id(id2, "140502", "20120901", "357");
  const ans table[] = {
      {"applicant_name", -1, 't', "张建国"},
      {"applicant_id", -1, 't', id0},
      {"applicant_phone", -1, 't', "13912345678"},
      {"applicant_marital", -1, 'c', "married"},
      {"hukou_type", -1, 'c', "rural"},
      {"hukou_address", -1, 't', "晋城市泽州县金村镇府城村12号"},
      {"lives_at_hukou", -1, 'b', "1"},
      {"apply_reason", -1, 't', "我得了重病干不了活，家里只靠老伴打零工。"},
      {"applicant_health", -1, 'c', "serious"},
      {"applicant_disabled", -1, 'b', "0"},
      {"applicant_work_ability", -1, 'c', "none"},
      {"applicant_income", -1, 't', "0"},
      {"name", 0, 't', "李秀英"},
      {"id_number", 0, 't', id1},
      {"relation", 0, 'c', "spouse"},
      {"health", 0, 'c', "healthy"},
      {"disabled", 0, 'b', "0"},
      {"work_ability", 0, 'c', "full"},
      {"income", 0, 't', "1000"},
      {"authorize", 0, 'b', "1"},
      {"sign_how", 0, 'c', "now"},
      {"signature", 0, 's', ""},
      {"name", 1, 't', "张小明"},
      {"id_number", 1, 't', id2},
      {"relation", 1, 'c', "child"},
      {"health", 1, 'c', "healthy"},
      {"disabled", 1, 'b', "0"},
      {"school", 1, 'c', "junior"},
      {"income_farming", -1, 't', "300"},
      {"income_business", -1, 't', "0"},
      {"income_pension", -1, 't', "0"},
      {"income_support", -1, 't', "0"},
      {"income_other", -1, 't', "0"},
      {"medical_insurance", -1, 'b', "1"},
      {"medical_illness", -1, 't', "张建国，肝硬化，在晋城市人民医院看。"},
      {"medical_cost_year", -1, 't', "36000"},
      {"housing_status", -1, 'c', "own"},
      {"houses_owned", -1, 't', "1"},
      {"vehicle", -1, 'c', "small"},
      {"savings", -1, 't', "2000"},
      {"business", -1, 'b', "0"},
      {"card_bank", -1, 'c', "rcc"},
      {"card_number", -1, 't', "6230520123456789013"},
      {"card_own", -1, 'b', "1"},
      {"contact_name", -1, 't', "张建军"},
      {"contact_phone", -1, 't', "13700001234"},
      {"authorize_check", -1, 'b', "1"},
      {"declaration", -1, 'b', "1"},
      {"applicant_signature", -1, 's', ""},
  };
  const char *items[] = {"dibao", "medical"};
  form *f = NULL;
  CHECK_INT(form_create(s, c, items, 2, &today, &f), KERR_OK);
  if (!f)
    return;
  char *json = NULL;
  size_t len = 0;
  CHECK_INT(form_submission_build(f, &meta, &json, &len), KERR_STATE);
  const char *seen_store[200], **seen = seen_store;
  size_t n_seen = 0;
  int n = drive(f, table, sizeof table / sizeof table[0], 2, &seen, &n_seen);
  CHECK_INT(n, (int)(sizeof table / sizeof table[0]));
  /* Each question once per person. */
  for (size_t i = 0; i < n_seen; i++)
    for (size_t k = i + 1; k < n_seen; k++)
      if (strcmp(seen[i], seen[k]) == 0 && strcmp(seen[i], "name") &&
          strcmp(seen[i], "id_number") && strcmp(seen[i], "relation") &&
          strcmp(seen[i], "health") && strcmp(seen[i], "disabled"))
        CHECK(!"asked twice");
  CHECK(form_complete(f));

  form_review rv;
  CHECK_INT(form_review_build(f, &rv), KERR_OK);
  CHECK_INT(rv.n_sections, 7); /* no 遇到的难事 for these items */
  CHECK_STR(review_value(&rv, "姓名"), "张建国");
  CHECK_STR(review_value(&rv, "年龄"), "58岁");
  CHECK_STR(review_value(&rv, "性别"), "男");
  CHECK_STR(review_value(&rv, "出生日期"), "1968年5月12日");
  CHECK_STR(review_value(&rv, "全家人口"), "3人");
  CHECK_STR(review_value(&rv, "全家每月收入"), "1300元");
  CHECK_STR(review_value(&rv, "平均每人每月收入"), "433.33元");
  CHECK_STR(review_value(&rv, "第1位家里人：姓名"), "李秀英");
  CHECK_STR(review_value(&rv, "第1位家里人：性别"), "女");
  CHECK_STR(review_value(&rv, "第1位家里人：本人签名"), "已签名");
  CHECK_STR(review_value(&rv, "第2位家里人：年龄"), "14岁");
  CHECK_STR(review_value(&rv, "第2位家里人：上学情况"), "上初中");
  CHECK(review_value(&rv, "第2位家里人：同意核对") == NULL); /* a minor */
  CHECK(review_value(&rv, "第2位家里人：每月收入") == NULL);
  CHECK_STR(review_value(&rv, "近12个月看病自付"), "36000元");
  CHECK(review_value(&rv, "一年上学花费") == NULL); /* education not chosen */
  CHECK(review_value(&rv, "遇到的难事") == NULL);
  form_review_free(&rv);

  CHECK_INT(form_submission_build(f, &meta, &json, &len), KERR_OK);
  CHECK(json && strlen(json) == len);
  if (json) {
    CHECK(valid(json, 0));
    cJSON *d = cJSON_Parse(json);
    const cJSON *a = cJSON_GetObjectItem(d, "answers");
    CHECK_STR(cJSON_GetObjectItem(a, "applicant_id")->valuestring, id0);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(a, "members")) == 2);
    CHECK(cJSON_GetObjectItem(a, "crisis_kind") == NULL);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(d, "urgent"))); /* 低保: not urgent */
    CHECK(cJSON_GetObjectItem(a, "home_address") == NULL);
    CHECK(cJSON_GetObjectItem(a, "applicant_signature") == NULL);
    CHECK(cJSON_GetObjectItem(a, "income_per_capita")->valuedouble == 433.33);
    CHECK(cJSON_GetObjectItem(a, "household_size")->valuedouble == 3);
    CHECK(cJSON_GetObjectItem(a, "medical_cost_year")->valuedouble == 36000);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(a, "authorize_check")));
    const cJSON *m1 = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "members"), 1);
    CHECK_INT(cJSON_GetObjectItem(m1, "age")->valuedouble, 14);
    CHECK_STR(cJSON_GetObjectItem(m1, "sex")->valuestring, "male");
    CHECK_STR(cJSON_GetObjectItem(m1, "birth_date")->valuestring, "2012-09-01");
    CHECK(cJSON_GetObjectItem(m1, "authorize") == NULL);
    const cJSON *sg = cJSON_GetObjectItem(d, "signatures");
    CHECK(cJSON_GetObjectItem(sg, "applicant_signature") != NULL);
    CHECK(cJSON_GetObjectItem(sg, "members[0].signature") != NULL);
    CHECK(cJSON_GetObjectItem(sg, "members[1].signature") == NULL);
    const cJSON *names = cJSON_GetObjectItem(d, "item_names");
    CHECK_STR(cJSON_GetArrayItem(names, 0)->valuestring, "最低生活保障");
    CHECK_STR(cJSON_GetArrayItem(names, 1)->valuestring, "医疗救助");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(d, "assisted_by")));
    const cJSON *disp = cJSON_GetObjectItem(d, "display");
    CHECK_INT(cJSON_GetArraySize(disp), 7);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(disp, 0), "section")->valuestring,
              "申请人");

    /* The validator can fail: each of these breaks the schema. */
    const char *breakers[][2] = {
        {"schema_version", "2"},     {"uuid", "\"not-a-uuid\""},
        {"region", "\"14050\""},     {"items", "[]"},
        {"assisted_by", "5"},        {"extra", "1"},
        {"signatures", "{\"applicant_signature\":\"R0lGODlh\"}"},
        {"display", "[{\"section\":\"申请人\",\"rows\":[{\"label\":\"姓名\"}]}]"},
        {"answers", "{\"applicant_id\":\"14050219680512123X\"}"},
        {"answers", "{\"applicant_name\":\"x\",\"applicant_id\":\"123\"}"},
        {"answers", "{\"applicant_name\":\"x\",\"applicant_id\":\"14050219680512123X\","
                    "\"members\":[{\"age\":{\"a\":1}}]}"},
        {"answers", "{\"applicant_name\":\"x\",\"applicant_id\":\"14050219680512123X\","
                    "\"Bad-Key\":1}"},
    };
    for (size_t i = 0; i < sizeof breakers / sizeof breakers[0]; i++) {
      cJSON *copy = cJSON_Duplicate(d, 1);
      cJSON *val = cJSON_Parse(breakers[i][1]);
      if (cJSON_GetObjectItem(copy, breakers[i][0]))
        cJSON_ReplaceItemInObject(copy, breakers[i][0], val);
      else
        cJSON_AddItemToObject(copy, breakers[i][0], val);
      char *t = cJSON_PrintUnformatted(copy);
      int ok = valid(t, 1);
      if (ok)
        fprintf(stderr, "breaker %zu passed the schema\n", i);
      CHECK(!ok);
      free(t);
      cJSON_Delete(copy);
    }
    /* And with a staff member recorded. */
    form_submission_meta m2 = meta;
    m2.assisted_by = "S0012";
    char *j2 = NULL;
    size_t l2;
    CHECK_INT(form_submission_build(f, &m2, &j2, &l2), KERR_OK);
    CHECK(j2 && strstr(j2, "\"assisted_by\":\"S0012\"") && valid(j2, 0));
    form_json_free(j2, l2);
    form_submission_meta bad = meta;
    bad.uuid = NULL;
    CHECK_INT(form_submission_build(f, &bad, &j2, &l2), KERR_INVALID);
    cJSON_Delete(d);
  }
  form_json_free(json, len);

  /* Changing the wife's ID number to the son's age drops her income, her
   * authorisation and her signature from what would be submitted. */
  CHECK_INT(form_jump(f, "id_number", 0), KERR_OK);
  char kid[19];
  make_id(kid, "140502", "20150303", "248");
  form_result r;
  CHECK_INT(form_answer_text(f, kid, strlen(kid), &r), KERR_OK);
  CHECK_INT(r.status, FORM_OK);
  const form_field *sig = form_schema_field_find(s, "signature");
  CHECK(!form_is_asked(f, sig, 0));
  char buf[64];
  CHECK(!form_value_display(f, form_schema_field_find(s, "income"), 0, buf,
                            sizeof buf));
  form_destroy(f);
}

/* 临时救助 only: what happened and where, no bank card, the declaration;
 * the submission is urgent. */
static void test_temporary(const form_schema *s, const content *c) {
  char id0[19], id1[19];
  make_id(id0, "140525", "19810707", "015");
  make_id(id1, "140525", "19830808", "026");
  const ans table[] = {
      {"crisis_kind", -1, 'c', "fire"},
      {"crisis_date", -1, 't', "2026-11-15"},
      {"crisis_place", -1, 't', "晋城市城区北石店镇新村3号"},
      {"crisis_what", -1, 't', "夜里厨房着火，烧了两间房和里面的东西。"},
      {"crisis_loss", -1, 't', "17500"},
      {"applicant_name", -1, 't', "王秀兰"},
      {"has_id", -1, 'b', "1"},
      {"applicant_id", -1, 't', id0},
      {"has_phone", -1, 'b', "1"},
      {"applicant_phone", -1, 't', "15812340000"},
      {"hukou_address", -1, 't', "河南省鹤壁市淇县朝歌街道东关村8号"},
      {"lives_at_hukou", -1, 'b', "0"},
      {"home_address", -1, 't', "晋城市城区北石店镇新村3号"},
      {"name", 0, 't', "赵强"},
      {"id_number", 0, 't', id1},
      {"relation", 0, 'c', "spouse"},
      {"card_have", -1, 'b', "0"}, /* no card: an emergency needs none */
      {"contact_name", -1, 'n', ""},
      {"declaration", -1, 'b', "1"},
      {"applicant_signature", -1, 's', ""},
  };
  const char *items[] = {"temporary"};
  form *f = NULL;
  CHECK_INT(form_create(s, c, items, 1, &today, &f), KERR_OK);
  if (!f)
    return;
  int n = drive(f, table, sizeof table / sizeof table[0], 1, NULL, NULL);
  CHECK_INT(n, (int)(sizeof table / sizeof table[0]));
  form_review rv;
  CHECK_INT(form_review_build(f, &rv), KERR_OK);
  CHECK_INT(rv.n_sections, 5);
  CHECK_STR(review_value(&rv, "现在住址"), "晋城市城区北石店镇新村3号");
  CHECK_STR(review_value(&rv, "遇到的难事"), "着火");
  CHECK_STR(review_value(&rv, "发生日期"), "2026年11月15日");
  CHECK_STR(review_value(&rv, "损失或花费"), "17500元");
  CHECK_STR(review_value(&rv, "全家人口"), "2人");
  CHECK(review_value(&rv, "平均每人每月收入") == NULL);
  CHECK(review_value(&rv, "同意核对收入和财产") == NULL);
  form_review_free(&rv);
  char *json = NULL;
  size_t len = 0;
  CHECK_INT(form_submission_build(f, &meta, &json, &len), KERR_OK);
  if (json) {
    CHECK(valid(json, 0));
    CHECK(strstr(json, "\"crisis_loss\":17500") != NULL);
    CHECK(strstr(json, "income") == NULL);
    CHECK(strstr(json, "\"item_names\":[\"临时救助\"]") != NULL);
    CHECK(strstr(json, "\"urgent\":true") != NULL);
    CHECK(strstr(json, "card_") == NULL || strstr(json, "\"card_have\":false"));
  }
  form_json_free(json, len);
  form_destroy(f);
}

/* A form of schema s for items (may be none) filled from a test file's
 * "answers" (tests/data/form/...), complete; NULL if not. */
static form *from_file(const form_schema *s, const content *c,
                       const char *file, const char *const *items,
                       size_t n_items) {
  char path[512];
  size_t n = 0, ignored = 9;
  snprintf(path, sizeof path, "%s/tests/data/form/%s", KIOSK_SOURCE_DIR, file);
  char *t = slurp(path, &n);
  cJSON *doc = t ? cJSON_Parse(t) : NULL;
  free(t);
  form *f = NULL;
  CHECK(doc != NULL);
  CHECK_INT(form_create(s, c, items, n_items, &today, &f), KERR_OK);
  if (f && doc)
    CHECK_INT(form_answers_load(f, cJSON_GetObjectItem(doc, "answers"), NULL,
                                &ignored),
              KERR_OK);
  cJSON_Delete(doc);
  CHECK_INT(ignored, 0);
  CHECK(f && form_complete(f));
  return f;
}

/* 流浪乞讨 with no ID number and no phone (「没有的，如实说明」), and a
 * referral (帮别人求助, no items): both validate; the referral says what
 * it is and carries no applicant. */
static void test_without_id_and_referral(const form_schema *s,
                                         const content *c) {
  const char *vag[] = {"vagrant"};
  form *f = from_file(s, c, "items/vagrant.json", vag, 1);
  char *json = NULL;
  size_t len = 0;
  if (f) {
    CHECK_INT(form_submission_build(f, &meta, &json, &len), KERR_OK);
    CHECK(json && valid(json, 0));
    CHECK(json && strstr(json, "\"applicant_id\"") == NULL);
    CHECK(json && strstr(json, "\"has_id\":false") != NULL);
    CHECK(json && strstr(json, "\"kind\"") == NULL);
    form_json_free(json, len);
    form_destroy(f);
  }
  size_t n = 0;
  char *t = slurp(KIOSK_SOURCE_DIR "/assets/bundle/referral.json", &n);
  form_schema *rs = NULL;
  CHECK(t && form_schema_load(t, n, &rs, NULL) == KERR_OK);
  free(t);
  if (!rs)
    return;
  CHECK_STR(form_schema_kind(rs), FORM_KIND_REFERRAL);
  f = from_file(rs, c, "referral.json", NULL, 0);
  if (f) {
    CHECK(form_urgent(f));
    json = NULL;
    CHECK_INT(form_submission_build(f, &meta, &json, &len), KERR_OK);
    CHECK(json && valid(json, 0));
    CHECK(json && strstr(json, "\"kind\":\"referral\"") != NULL);
    CHECK(json && strstr(json, "\"items\":[]") != NULL);
    CHECK(json && strstr(json, "\"urgent\":true") != NULL);
    /* Not an application: a referral that named an item would not
     * validate, nor would an application without one. */
    if (json) {
      cJSON *d = cJSON_Parse(json);
      cJSON_ReplaceItemInObject(d, "items", cJSON_CreateStringArray(
                                                (const char *[]){"dibao"}, 1));
      char *bad = cJSON_PrintUnformatted(d);
      CHECK(!valid(bad, 1));
      free(bad);
      cJSON_DeleteItemFromObject(d, "kind");
      cJSON_ReplaceItemInObject(d, "items", cJSON_CreateArray());
      bad = cJSON_PrintUnformatted(d);
      CHECK(!valid(bad, 1));
      free(bad);
      cJSON_Delete(d);
    }
    form_json_free(json, len);
    /* Not danger: not urgent. */
    const form_field *dn = form_schema_field_find(rs, "danger_now");
    CHECK_INT(form_jump(f, "danger_now", -1), KERR_OK);
    CHECK_INT(form_answer_bool(f, 0, NULL), KERR_OK);
    CHECK(dn && !form_urgent(f));
    form_destroy(f);
  }
  form_schema_destroy(rs);
}

int main(void) {
  CHECK(sodium_init() >= 0);
  static const char png64[] =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
  CHECK(sodium_base642bin(png, sizeof png, png64, strlen(png64), NULL,
                          &png_len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0);
  size_t n;
  char *t = slurp(KIOSK_SOURCE_DIR "/docs/submission.schema.json", &n);
  schema_doc = t ? cJSON_Parse(t) : NULL;
  free(t);
  CHECK(schema_doc != NULL);
  content *c = NULL;
  CHECK_INT(content_load(KIOSK_SOURCE_DIR "/assets/bundle", &c, NULL), KERR_OK);
  t = slurp(KIOSK_SOURCE_DIR "/assets/bundle/form.json", &n);
  form_schema *s = NULL;
  CHECK(t && form_schema_load(t, n, &s, NULL) == KERR_OK);
  free(t);
  if (s && c && schema_doc) {
    test_dibao_medical(s, c);
    test_temporary(s, c);
    test_without_id_and_referral(s, c);
  }
  form_schema_destroy(s);
  content_destroy(c);
  cJSON_Delete(schema_doc);
  return TEST_DONE();
}
