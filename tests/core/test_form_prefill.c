/* Answers carried from the screener into the form (form.json
 * "from_screener", kiosk/core/form_prefill.c): the mapping is checked at
 * load against the form and screener.json; mapped fields are filled when
 * asked (values converted: 住在外地 -> not 住在户口所在地, 自然灾害 ->
 * 水灾, a yearly income ÷ 12); differences are listed until the applicant
 * keeps the form's answer or takes the earlier one back; everything goes
 * with form_reset. Synthetic answers only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "core/form.h"
#include "test_content_util.h"

static const validate_date today = {2026, 11, 22};

/* text with the first `from` replaced by `to` (caller frees). */
static char *replace(const char *text, const char *from, const char *to) {
  const char *at = strstr(text, from);
  CHECK(at != NULL);
  if (!at)
    return NULL;
  size_t n = strlen(text) + strlen(to) + 1;
  char *out = malloc(n);
  snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
  return out;
}

/* 1 if any problem's text contains `what`. */
static int problem_says(const content_problems *p, const char *what) {
  char line[700];
  for (size_t i = 0; i < p->n; i++)
    if (strstr(content_problems_format(p, i, line, sizeof line), what))
      return 1;
  return 0;
}

static void test_refused(const char *text, const content *c) {
  static const struct {
    const char *from, *to, *says;
    int at_load; /* refused by form_schema_load (else by check_content) */
  } bad[] = {
      {"\"field\": \"hukou_type\"}", "\"field\": \"nope\"}", "不是表里", 1},
      {"\"field\": \"hukou_type\"}", "\"field\": \"members\"}", "不是表里", 1},
      {"\"convert\": \"not\"", "\"convert\": \"twice\"", "convert", 1},
      {"\"change\": \"members\"", "\"change\": \"nope\"", "change", 1},
      {"\"natural\": \"flood\"", "\"natural\": \"rain\"", "rain", 1},
      {"{\"question\": \"hukou\",", "{\"question\": \"hukuo\",",
       "初筛问题里没有“hukuo”", 0},
      {"\"none\": \"\", ", "", "“none”在“crisis_kind”里没有对应", 0},
      {"\"natural\": \"flood\"", "\"natural\": \"flood\", \"snow\": \"flood\"",
       "不是初筛问题“crisis”的答案", 0},
      {"{\"question\": \"medical_year\", \"field\": \"medical_cost_year\"}",
       "{\"question\": \"students\", \"field\": \"medical_cost_year\"}",
       "类型不一样", 0},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *t = replace(text, bad[i].from, bad[i].to);
    if (!t)
      continue;
    content_problems p;
    content_problems_init(&p);
    form_schema *s = NULL;
    kerr e = form_schema_load(t, strlen(t), &s, &p);
    if (bad[i].at_load) {
      CHECK(e != KERR_OK);
    } else {
      CHECK_INT(e, KERR_OK);
      if (s)
        CHECK_INT(form_schema_check_content(s, c, &p), KERR_INVALID);
    }
    if (!problem_says(&p, bad[i].says))
      fprintf(stderr, "case %zu: no problem saying %s\n", i, bad[i].says);
    CHECK(problem_says(&p, bad[i].says));
    form_schema_destroy(s);
    content_problems_free(&p);
    free(t);
  }
}

static const form_field *field(const form *f, const char *id) {
  return form_schema_field_find(form_get_schema(f), id);
}

static void shown(const form *f, const char *id, const char *want) {
  char buf[128];
  CHECK(form_value_display(f, field(f, id), -1, buf, sizeof buf));
  CHECK_STR(buf, want);
}

static void test_flow(const form_schema *s, const content *c) {
  CHECK_INT(form_schema_prefill_count(s), 9);
  const char *items[] = {"dibao", "temporary"};
  form *f = NULL;
  CHECK_INT(form_create(s, c, items, 2, &today, &f), KERR_OK);
  if (!f)
    return;
  cJSON *ans = cJSON_Parse(
      "{\"household_size\": 6, \"hukou\": \"rural\", \"income_period\": "
      "\"year\", \"income_year\": 35000, \"away_from_hukou\": true, "
      "\"crisis\": \"natural\", \"dangerous_house\": true}");
  CHECK_INT(form_set_screener(f, ans), KERR_OK);
  cJSON_Delete(ans); /* the form keeps its own copy */

  /* Filled, converted, and said to come from the screener. */
  shown(f, "hukou_type", "村里（农村）");
  shown(f, "lives_at_hukou", "否");
  shown(f, "crisis_kind", "水灾、地震等自然灾害");
  CHECK(form_prefilled(f, field(f, "hukou_type")));
  CHECK(form_prefilled(f, field(f, "crisis_kind")));
  CHECK(!form_prefilled(f, field(f, "applicant_name")));
  /* house_dangerous is not asked for these items: nothing filled. */
  CHECK(!form_is_asked(f, field(f, "house_dangerous"), -1));
  CHECK_INT(form_prefill_pending(f), 0);

  /* Computed values are compared, never filled: 1 person against 6. */
  form_conflict cf[8];
  CHECK_INT(form_conflicts(f, cf, 8), 1);
  CHECK_STR(cf[0].label, "全家人口");
  CHECK_STR(cf[0].earlier, "6人");
  CHECK_STR(cf[0].now, "1人");
  CHECK(!cf[0].can_restore);

  /* Income per month, from a yearly answer: 35000 / 12. */
  form_result res;
  CHECK_INT(form_jump(f, "applicant_income", -1), KERR_OK);
  CHECK_INT(form_answer_text(f, "2100", 4, &res), KERR_OK);
  CHECK_INT(form_conflicts(f, cf, 8), 2);
  CHECK_STR(cf[1].label, "全家每月收入");
  CHECK_STR(cf[1].earlier, "2916.67元");
  CHECK_STR(cf[1].now, "2100元");
  /* A rough amount: within a yuan is the same. */
  CHECK_INT(form_jump(f, "applicant_income", -1), KERR_OK);
  CHECK_INT(form_answer_text(f, "2916.5", 6, &res), KERR_OK);
  CHECK_INT(form_conflicts(f, cf, 8), 1);

  /* The applicant changes a filled answer: both are shown. */
  CHECK_INT(form_jump(f, "hukou_type", -1), KERR_OK);
  CHECK_INT(form_answer_choice(f, "urban", &res), KERR_OK);
  CHECK(!form_prefilled(f, field(f, "hukou_type")));
  CHECK_INT(form_conflicts(f, cf, 8), 2);
  CHECK_STR(cf[0].label, "城里还是村里");
  CHECK_STR(cf[0].earlier, "村里（农村）");
  CHECK_STR(cf[0].now, "城里（城镇）");
  CHECK(cf[0].can_restore);
  /* 表里的对: resolved while the answer stays. */
  CHECK_INT(form_conflicts(f, NULL, 0), 2);
  CHECK_INT(form_kept_differences(f, NULL, 0), 0);
  CHECK_INT(form_conflict_keep(f, cf[0].rule), KERR_OK);
  CHECK_INT(form_conflicts(f, NULL, 0), 1);
  shown(f, "hukou_type", "城里（城镇）");
  /* Kept differences are what the office is told (the submission's
   * display section 「和前面回答的问题不一样的地方」). */
  form_conflict kd[4];
  CHECK_INT(form_kept_differences(f, kd, 4), 1);
  CHECK_STR(kd[0].label, "城里还是村里");
  CHECK_STR(kd[0].earlier, "村里（农村）");
  CHECK_STR(kd[0].now, "城里（城镇）");

  /* 前面说的对: the earlier answer comes back. */
  CHECK_INT(form_jump(f, "lives_at_hukou", -1), KERR_OK);
  CHECK_INT(form_answer_bool(f, 1, &res), KERR_OK);
  CHECK_INT(form_conflicts(f, cf, 8), 2);
  CHECK_STR(cf[0].earlier, "否");
  CHECK_STR(cf[0].now, "是");
  CHECK_INT(form_conflict_restore(f, cf[0].rule), KERR_OK);
  shown(f, "lives_at_hukou", "否");
  CHECK(form_prefilled(f, field(f, "lives_at_hukou")));
  CHECK_INT(form_conflicts(f, cf, 8), 1);
  CHECK_INT(form_conflict_keep(f, 99), KERR_NOTFOUND);

  /* For a computed value, the earlier answer means changing the form. */
  CHECK_INT(form_conflict_restore(f, cf[0].rule), KERR_OK);
  form_question q;
  form_current(f, &q);
  CHECK_INT(q.step, FORM_STEP_GROUP);

  /* A filled answer the applicant clears is not filled again. */
  CHECK_INT(form_jump(f, "crisis_kind", -1), KERR_OK);
  CHECK_INT(form_clear(f), KERR_OK);
  CHECK_INT(form_prefill_pending(f), 0);
  CHECK(!form_value_display(f, field(f, "crisis_kind"), -1, (char[8]){0}, 8));

  /* A restart: the recovery snapshot carries the screener's answers, what
   * was filled and what the applicant kept. */
  {
    char *snap = NULL;
    size_t len = 0;
    form *g = NULL;
    CHECK_INT(form_snapshot(f, &snap, &len), KERR_OK);
    CHECK_INT(form_restore(s, c, snap, len, &today, &g), KERR_OK);
    form_json_free(snap, len);
    CHECK(g != NULL);
    if (g) {
      CHECK(form_screener(g) != NULL);
      form_conflict a[8], b[8];
      size_t na = form_conflicts(f, a, 8), nb = form_conflicts(g, b, 8);
      CHECK_INT(nb, na);
      for (size_t i = 0; i < na && i < nb; i++) {
        CHECK_STR(b[i].label, a[i].label);
        CHECK_STR(b[i].earlier, a[i].earlier);
      }
      /* 城里 kept over 村里: still settled; the cleared crisis stays empty. */
      shown(g, "hukou_type", "城里（城镇）");
      CHECK_INT(form_prefill_pending(g), 0);
      CHECK(!form_value_display(g, field(g, "crisis_kind"), -1, (char[8]){0}, 8));
      CHECK(form_prefilled(g, field(g, "lives_at_hukou")));
      form_destroy(g);
    }
    /* A snapshot with a malformed screener part is refused whole. */
    char bad[] = "{\"format\":1,\"items\":[\"dibao\"],\"answers\":{},"
                 "\"screener\":[1]}";
    g = NULL;
    CHECK_INT(form_restore(s, c, bad, strlen(bad), &today, &g), KERR_PARSE);
    CHECK(g == NULL);
  }

  /* The session's end wipes the screener's answers too. */
  form_reset(f);
  CHECK_INT(form_conflicts(f, NULL, 0), 0);
  CHECK_INT(form_prefill_pending(f), 0);
  CHECK(!form_prefilled(f, field(f, "hukou_type")));
  form_destroy(f);
}

int main(void) {
  CHECK(sodium_init() >= 0);
  content *c = NULL;
  content_problems p;
  content_problems_init(&p);
  CHECK_INT(content_load(KIOSK_SOURCE_DIR "/assets/bundle", &c, &p), KERR_OK);
  content_problems_free(&p);
  size_t n = 0;
  char *text = tb_slurp(TB_SOURCE "/form.json", &n);
  form_schema *s = NULL;
  content_problems_init(&p);
  CHECK(text && form_schema_load(text, n, &s, &p) == KERR_OK);
  CHECK(s && c && form_schema_check_content(s, c, &p) == KERR_OK);
  content_problems_free(&p);
  if (s && c && text) {
    test_refused(text, c);
    test_flow(s, c);
  }
  form_schema_destroy(s);
  content_destroy(c);
  free(text);
  return TEST_DONE();
}
