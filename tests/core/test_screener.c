/* screener: the default screener.json on the households of the domain
 * notes, boundary incomes in both sample regions, and content problems. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/screener.h"

static const validate_date today = {2025, 7, 1};

static void standards_jincheng(screener_standards *s) {
  screener_standards_init(s);
  CHECK_INT(screener_standards_add(s, "dibao_urban", 948000, SCREENER_PER_YEAR), KERR_OK);
  CHECK_INT(screener_standards_add(s, "dibao_rural", 786000, SCREENER_PER_YEAR), KERR_OK);
  CHECK_INT(screener_standards_add(s, "dibian_factor", 150, SCREENER_PER_TIME), KERR_OK);
}

static void standards_hebi(screener_standards *s) {
  screener_standards_init(s);
  CHECK_INT(screener_standards_add(s, "dibao_urban", 65000, SCREENER_PER_MONTH), KERR_OK);
  CHECK_INT(screener_standards_add(s, "dibao_rural", 50000, SCREENER_PER_MONTH), KERR_OK);
  CHECK_INT(screener_standards_add(s, "dibian_factor", 150, SCREENER_PER_TIME), KERR_OK);
}

static const screener_match *likely(const screener_results *r, const char *item) {
  for (size_t i = 0; i < r->n_likely; i++)
    if (strcmp(r->likely[i].item, item) == 0)
      return &r->likely[i];
  return NULL;
}

static int also(const screener_results *r, const char *item) {
  for (size_t i = 0; i < r->n_also; i++)
    if (strcmp(r->also[i].item, item) == 0)
      return 1;
  return 0;
}

static int has_reason(const screener_match *m, const char *needle) {
  for (size_t i = 0; m && i < m->n_reasons; i++)
    if (strstr(m->reasons[i], needle))
      return 1;
  return 0;
}

/* Per-capita income `pc` yuan for a household of 3 with hukou h. */
static void boundary(const screener *s, const screener_standards *std,
                     const char *hukou, long long pc, int want_dibao,
                     int want_dibian) {
  cJSON *a = cJSON_CreateObject();
  cJSON_AddNumberToObject(a, "household_size", 3);
  cJSON_AddStringToObject(a, "hukou", hukou);
  cJSON_AddNumberToObject(a, "income_month", (double)(pc * 3));
  cJSON_AddStringToObject(a, "disability", "none");
  cJSON_AddFalseToObject(a, "serious_illness");
  cJSON_AddFalseToObject(a, "students");
  cJSON_AddFalseToObject(a, "no_support");
  cJSON_AddStringToObject(a, "crisis", "none");
  cJSON_AddFalseToObject(a, "property");
  screener_results r;
  CHECK_INT(screener_run(s, a, std, &today, &r), KERR_OK);
  if ((likely(&r, "dibao") != NULL) != want_dibao ||
      (likely(&r, "dibian") != NULL) != want_dibian)
    fprintf(stderr, "  boundary %s %lld: dibao %d dibian %d\n", hukou, pc,
            likely(&r, "dibao") != NULL, likely(&r, "dibian") != NULL);
  CHECK_INT(likely(&r, "dibao") != NULL, want_dibao);
  CHECK_INT(also(&r, "dibao"), !want_dibao);
  CHECK_INT(likely(&r, "dibian") != NULL, want_dibian);
  CHECK(!likely(&r, "temporary"));
  screener_results_free(&r);
  cJSON_Delete(a);
}

static const char *problem_text(content_problems *p) {
  static char buf[512];
  buf[0] = '\0';
  if (p->n)
    content_problems_format(p, 0, buf, sizeof buf);
  return buf;
}

/* Loads a screener document and expects a problem whose text contains
 * `needle`. */
static void bad(const char *json, kerr want, const char *needle) {
  content_problems p;
  screener *s = NULL;
  content_problems_init(&p);
  kerr e = screener_load(json, strlen(json), &s, &p);
  if (e != want || !strstr(problem_text(&p), needle))
    fprintf(stderr, "  bad(%s): %s / %s\n", json, kerr_str(e), problem_text(&p));
  CHECK_INT(e, want);
  CHECK(s == NULL);
  CHECK(p.n >= 1);
  CHECK(strstr(problem_text(&p), needle) != NULL);
  content_problems_free(&p);
}

#define Q1 "{\"id\":\"n\",\"type\":\"number\",\"icon\":\"i\",\"text\":\"几口人？\"}"
#define Q2 "{\"id\":\"y\",\"type\":\"yesno\",\"icon\":\"i\",\"text\":\"有吗？\"}"
#define R1 "{\"item\":\"dibao\",\"when\":\"${n} > 1\",\"reason\":\"共{${n}}人\"}"

int main(void) {
  content_problems p;
  screener *s = NULL;
  screener_standards jc, hb;
  screener_results r;
  standards_jincheng(&jc);
  standards_hebi(&hb);

  content_problems_init(&p);
  CHECK_INT(screener_load_file(KIOSK_SOURCE_DIR "/assets/bundle/screener.json",
                               &s, &p), KERR_OK);
  for (size_t i = 0; i < p.n; i++) {
    char buf[512];
    fprintf(stderr, "  %s\n", content_problems_format(&p, i, buf, sizeof buf));
  }
  content_problems_free(&p);
  if (!s)
    return TEST_DONE();

  /* The question list, each with text and icon (most are asked only when
   * an earlier answer makes them matter). */
  CHECK(screener_question_count(s) >= 8 &&
        screener_question_count(s) <= SCREENER_MAX_QUESTIONS);
  for (size_t i = 0; i < screener_question_count(s); i++) {
    const screener_question *q = screener_question_at(s, i);
    CHECK(q->text[0] && q->icon[0]);
  }
  CHECK(screener_question_at(s, 99) == NULL);

  /* The medical-costs question is asked only with a disability or a
   * serious illness. */
  {
    size_t qi = 0;
    while (qi < screener_question_count(s) &&
           strcmp(screener_question_at(s, qi)->id, "medical_year") != 0)
      qi++;
    CHECK(qi < screener_question_count(s));
    cJSON *a = cJSON_Parse("{\"disability\":\"none\",\"serious_illness\":false}");
    int ask = -1;
    CHECK_INT(screener_question_relevant(s, qi, a, &jc, &today, &ask), KERR_OK);
    CHECK_INT(ask, 0);
    cJSON_ReplaceItemInObject(a, "serious_illness", cJSON_CreateTrue());
    CHECK_INT(screener_question_relevant(s, qi, a, &jc, &today, &ask), KERR_OK);
    CHECK_INT(ask, 1);
    cJSON_Delete(a);
    a = cJSON_Parse("{}"); /* not answered yet: ask */
    CHECK_INT(screener_question_relevant(s, qi, a, &jc, &today, &ask), KERR_OK);
    CHECK_INT(ask, 1);
    cJSON_Delete(a);
  }

  /* Answer checks. */
  {
    cJSON *v = cJSON_CreateNumber(0);
    CHECK_INT(screener_answer_check(s, "household_size", v), KERR_INVALID);
    cJSON_SetNumberValue(v, 4);
    CHECK_INT(screener_answer_check(s, "household_size", v), KERR_OK);
    CHECK_INT(screener_answer_check(s, "hukou", v), KERR_INVALID);
    CHECK_INT(screener_answer_check(s, "nope", v), KERR_NOTFOUND);
    cJSON_SetNumberValue(v, 12.345);
    CHECK_INT(screener_answer_check(s, "income_month", v), KERR_INVALID);
    cJSON_Delete(v);
    v = cJSON_CreateString("rural");
    CHECK_INT(screener_answer_check(s, "hukou", v), KERR_OK);
    cJSON_Delete(v);
    v = cJSON_CreateString("town");
    CHECK_INT(screener_answer_check(s, "hukou", v), KERR_INVALID);
    cJSON_Delete(v);
  }

  /* Households of the domain notes: tests/core/test_screener_households.c
   * runs every file of tests/data/screener against the shipped bundle. */

  /* Boundaries: exactly at the standard is not below it; one yuan under
   * is; one over is not (and is then marginal). Jincheng 2025: urban
   * 9480/yr = 790/month, rural 7860/yr = 655/month. Hebi 2024: urban 650,
   * rural 500 per month. Marginal line 1.5x: 1185, 982.5, 975, 750. */
  boundary(s, &jc, "urban", 790, 0, 1);
  boundary(s, &jc, "urban", 789, 1, 0);
  boundary(s, &jc, "urban", 791, 0, 1);
  boundary(s, &jc, "rural", 655, 0, 1);
  boundary(s, &jc, "rural", 654, 1, 0);
  boundary(s, &jc, "rural", 656, 0, 1);
  boundary(s, &jc, "rural", 982, 0, 1);
  boundary(s, &jc, "rural", 983, 0, 0);
  boundary(s, &jc, "urban", 1184, 0, 1);
  boundary(s, &jc, "urban", 1185, 0, 0);
  boundary(s, &hb, "urban", 650, 0, 1);
  boundary(s, &hb, "urban", 649, 1, 0);
  boundary(s, &hb, "urban", 651, 0, 1);
  boundary(s, &hb, "rural", 500, 0, 1);
  boundary(s, &hb, "rural", 499, 1, 0);
  boundary(s, &hb, "rural", 501, 0, 1);
  boundary(s, &hb, "rural", 749, 0, 1);
  boundary(s, &hb, "rural", 750, 0, 0);

  /* The reason shows the region's figure. */
  {
    cJSON *a = cJSON_Parse("{\"household_size\":2,\"hukou\":\"urban\","
                           "\"income_month\":1040,\"property\":false}");
    CHECK_INT(screener_run(s, a, &hb, &today, &r), KERR_OK);
    CHECK(has_reason(likely(&r, "dibao"),
                     "家庭人均月收入约520元，低于本地城市低保标准650元"));
    screener_results_free(&r);
    /* Missing answers leave items undecided, never "not eligible". */
    CHECK_INT(screener_run(s, cJSON_GetObjectItem(a, "nothing"), &hb, &today, &r),
              KERR_OK);
    CHECK_INT(r.n_likely, 0);
    CHECK_INT(r.n_also, screener_item_count(s));
    CHECK(r.undecided > 0);
    screener_results_free(&r);
    /* No standards: dibao cannot be decided, the run still succeeds. */
    CHECK_INT(screener_run(s, a, NULL, &today, &r), KERR_OK);
    CHECK(likely(&r, "dibao") == NULL);
    CHECK(r.undecided > 0);
    screener_results_free(&r);
    /* An answer that does not fit its question is treated as not given. */
    cJSON_ReplaceItemInObject(a, "household_size", cJSON_CreateNumber(0));
    CHECK_INT(screener_run(s, a, &hb, &today, &r), KERR_OK);
    CHECK(likely(&r, "dibao") == NULL);
    screener_results_free(&r);
    cJSON_Delete(a);
  }
  screener_destroy(s);

  /* Standards: naming and conversion. */
  {
    screener_standards st;
    screener_standards_init(&st);
    CHECK_INT(screener_standards_add(&st, "Bad-Key", 1, SCREENER_PER_MONTH), KERR_INVALID);
    CHECK_INT(screener_standards_add(&st, "x", -1, SCREENER_PER_MONTH), KERR_INVALID);
    CHECK_INT(screener_standards_add(&st, "temp", 50000, SCREENER_PER_TIME), KERR_OK);
    CHECK_INT(screener_standards_add(&st, "temp", 60000, SCREENER_PER_TIME), KERR_OK);
    CHECK_INT(st.n, 1);
    for (int i = 0; i < SCREENER_MAX_STANDARDS + 1; i++) {
      char k[16];
      snprintf(k, sizeof k, "k%d", i);
      kerr e = screener_standards_add(&st, k, 1, SCREENER_PER_MONTH);
      CHECK_INT(e, i < SCREENER_MAX_STANDARDS - 1 ? KERR_OK : KERR_LIMIT);
    }
  }
  {
    const char *doc =
        "{\"format\":1,\"questions\":[" Q1 "],\"rules\":["
        "{\"item\":\"a\",\"when\":\"std.t = 600 and std.y_month = 655 and "
        "std.y_year = 7860 and std.m_year = 7800 and std.m_month = 650\","
        "\"reason\":\"{std.y_month}/{std.t}/{{ok}}\"}]}";
    screener_standards st;
    screener_standards_init(&st);
    screener_standards_add(&st, "t", 60000, SCREENER_PER_TIME);
    screener_standards_add(&st, "y", 786000, SCREENER_PER_YEAR);
    screener_standards_add(&st, "m", 65000, SCREENER_PER_MONTH);
    content_problems_init(&p);
    CHECK_INT(screener_load(doc, strlen(doc), &s, &p), KERR_OK);
    content_problems_free(&p);
    cJSON *a = cJSON_CreateObject();
    CHECK_INT(screener_run(s, a, &st, NULL, &r), KERR_OK);
    CHECK_INT(r.n_likely, 1);
    CHECK(has_reason(likely(&r, "a"), "655/600/{ok}"));
    screener_results_free(&r);
    cJSON_Delete(a);
    screener_destroy(s);
  }

  /* Derived values nest at most 8 deep when evaluated: a chain of 10
   * values, each adding one to the one before. v7 (8 levels) decides, v9
   * (10 levels) is undecided rather than using the stack without bound. */
  {
    char doc[4096];
    size_t n = (size_t)snprintf(doc, sizeof doc,
                                "{\"format\":1,\"questions\":[" Q1 "],\"values\":["
                                "{\"id\":\"v0\",\"expr\":\"${n}\"}");
    for (int i = 1; i < 10; i++)
      n += (size_t)snprintf(doc + n, sizeof doc - n,
                            ",{\"id\":\"v%d\",\"expr\":\"${v%d} + 1\"}", i, i - 1);
    snprintf(doc + n, sizeof doc - n,
             "],\"rules\":[{\"item\":\"b\",\"when\":\"${v9} = 10\",\"reason\":\"x\"},"
             "{\"item\":\"a\",\"when\":\"${v7} = 8\",\"reason\":\"{${v7}}\"}]}");
    content_problems_init(&p);
    CHECK_INT(screener_load(doc, strlen(doc), &s, &p), KERR_OK);
    content_problems_free(&p);
    if (s) {
      cJSON *a = cJSON_Parse("{\"n\":1}");
      CHECK_INT(screener_run(s, a, NULL, NULL, &r), KERR_OK);
      CHECK(has_reason(likely(&r, "a"), "8"));
      CHECK(likely(&r, "b") == NULL);
      CHECK_INT(r.undecided, 1);
      screener_results_free(&r);
      cJSON_Delete(a);
      screener_destroy(s);
    }
  }

  /* Content problems, each reported with where it is. */
  bad("{", KERR_PARSE, "screener.json");
  bad("[]", KERR_INVALID, "对象");
  bad("{\"format\":2,\"questions\":[" Q1 "],\"rules\":[" R1 "]}", KERR_INVALID,
      "format");
  bad("{\"format\":1,\"questions\":[],\"rules\":[" R1 "]}", KERR_INVALID,
      "questions");
  bad("{\"format\":1,\"questions\":[" Q1 "," Q1 "],\"rules\":[" R1 "]}",
      KERR_INVALID, "重复");
  bad("{\"format\":1,\"questions\":[" Q1 "],\"rules\":[{\"item\":\"dibao\","
      "\"when\":\"${n} >\",\"reason\":\"x\"}]}",
      KERR_PARSE, "$.rules[0].when");
  bad("{\"format\":1,\"questions\":[" Q1 "],\"rules\":[{\"item\":\"dibao\","
      "\"when\":\"${income} > 1\",\"reason\":\"x\"}]}",
      KERR_INVALID, "${income}");
  bad("{\"format\":1,\"questions\":[" Q1 "],\"rules\":[{\"item\":\"dibao\","
      "\"when\":\"${n} > 1\",\"reason\":\"您不符合条件\"}]}",
      KERR_INVALID, "不符合");
  bad("{\"format\":1,\"questions\":[" Q1 "],\"rules\":[{\"item\":\"dibao\","
      "\"when\":\"${n} > 1\",\"reason\":\"共{${n}人\"}]}",
      KERR_PARSE, "{");
  bad("{\"format\":1,\"questions\":[" Q1 "],\"rules\":[{\"item\":\"dibao\","
      "\"when\":\"${n} > 1\",\"reason\":\"共}人\"}]}",
      KERR_PARSE, "}");
  bad("{\"format\":1,\"questions\":[" Q1 "],\"rules\":[{\"item\":\"dibao\","
      "\"when\":\"${n} > 1\",\"reason\":\"共{${n} +}人\"}]}",
      KERR_PARSE, "reason{3}");
  /* A question's condition may only look at earlier questions. */
  bad("{\"format\":1,\"questions\":[{\"id\":\"a\",\"type\":\"yesno\",\"icon\":"
      "\"i\",\"text\":\"t\",\"relevant\":\"${y}\"}," Q2 "],\"rules\":[" R1 "]}",
      KERR_INVALID, "${y}");
  bad("{\"format\":1,\"questions\":[{\"id\":\"a\",\"type\":\"date\",\"icon\":"
      "\"i\",\"text\":\"t\"}],\"rules\":[" R1 "]}",
      KERR_INVALID, "date");
  bad("{\"format\":1,\"questions\":[{\"id\":\"c\",\"type\":\"choice\",\"icon\":"
      "\"i\",\"text\":\"t\",\"choices\":[{\"value\":\"a\",\"label\":\"A\"}]}],"
      "\"rules\":[" R1 "]}",
      KERR_INVALID, "choices");
  bad("{\"format\":1,\"questions\":[" Q1 "],\"values\":[{\"id\":\"v\",\"expr\":"
      "\"${w}\"},{\"id\":\"w\",\"expr\":\"1\"}],\"rules\":[" R1 "]}",
      KERR_INVALID, "${w}");
  bad("{\"format\":1,\"questions\":[" Q1 "],\"rules\":[{\"item\":\"Dibao\","
      "\"when\":\"true\",\"reason\":\"x\"}]}",
      KERR_INVALID, "Dibao");
  {
    /* Too many rules. */
    size_t cap = 64 * 1024, n = 0;
    char *big = malloc(cap);
    n += (size_t)snprintf(big + n, cap - n,
                          "{\"format\":1,\"questions\":[" Q1 "],\"rules\":[");
    for (int i = 0; i <= SCREENER_MAX_RULES; i++)
      n += (size_t)snprintf(big + n, cap - n, "%s" R1, i ? "," : "");
    snprintf(big + n, cap - n, "]}");
    bad(big, KERR_LIMIT, "rules");
    free(big);
  }
  return TEST_DONE();
}
