/* The form engine on the default schema (assets/bundle/form.json): which
 * fields the chosen items bring in (the union, each once), relevance and
 * dropped answers, the repeat group's limit, the cursor (next / back /
 * jump), progress by section, validation messages, and wiping. Synthetic
 * people only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "core/form.h"
#include "core/idcard.h"

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

/* An ID number with a valid check character: region, birth YYYYMMDD, seq. */
static void make_id(char out[19], const char *region, const char *birth,
                    const char *seq) {
  snprintf(out, 19, "%s%s%s", region, birth, seq);
  out[17] = idcard_check_char(out);
  out[18] = '\0';
}

static form_schema *load_schema(void) {
  size_t n;
  char *t = slurp(KIOSK_SOURCE_DIR "/assets/bundle/form.json", &n);
  form_schema *s = NULL;
  content_problems p;
  content_problems_init(&p);
  CHECK(t != NULL);
  if (t && form_schema_load(t, n, &s, &p) != KERR_OK) {
    char line[700];
    for (size_t i = 0; i < p.n; i++)
      fprintf(stderr, "%s\n", content_problems_format(&p, i, line, sizeof line));
  }
  content_problems_free(&p);
  free(t);
  return s;
}

static form *make(const form_schema *s, const content *c, const char *items) {
  const char *ids[16];
  char buf[256];
  size_t n = 0;
  snprintf(buf, sizeof buf, "%s", items);
  for (char *p = strtok(buf, ","); p && n < 16; p = strtok(NULL, ","))
    ids[n++] = p;
  form *f = NULL;
  CHECK_INT(form_create(s, c, ids, n, &today, &f), KERR_OK);
  return f;
}

static int asked(const form *f, const char *id) {
  const form_field *fd = form_schema_field_find(form_get_schema(f), id);
  return fd && form_is_asked(f, fd, -1);
}

static int has_answer(const form *f, const char *id, int member) {
  char buf[256];
  const form_field *fd = form_schema_field_find(form_get_schema(f), id);
  return fd && form_value_display(f, fd, member, buf, sizeof buf);
}

static void test_schema(const form_schema *s, const content *c) {
  content_problems p;
  content_problems_init(&p);
  CHECK_INT(form_schema_check_content(s, c, &p), KERR_OK);
  content_problems_free(&p);
  CHECK(form_schema_section_count(s) >= 6);
  const form_field *m = form_schema_field_find(s, "members");
  CHECK(m && m->type == FORM_T_REPEAT && m->max_entries == 20);
  CHECK(form_schema_field_find(s, "relation") &&
        form_schema_field_find(s, "relation")->group == m);
  CHECK_INT(form_schema_computed_count(s, m), 3);
  CHECK(form_schema_field_find(s, "nope") == NULL);

  /* Broken schemas are refused with every problem listed. */
  const char *bad[] = {
      "{\"format\":2,\"title\":\"t\",\"sections\":[]}",
      "{\"format\":1,\"title\":\"t\",\"sections\":[{\"id\":\"a\",\"title\":\"A\","
      "\"fields\":[{\"id\":\"x\",\"type\":\"text\",\"label\":\"X\",\"needed_by\":[\"*\"]},"
      "{\"id\":\"x\",\"type\":\"text\",\"label\":\"Y\",\"needed_by\":[\"*\"]}]}]}",
      "{\"format\":1,\"title\":\"t\",\"sections\":[{\"id\":\"a\",\"title\":\"A\","
      "\"fields\":[{\"id\":\"x\",\"type\":\"colour\",\"label\":\"X\",\"needed_by\":[\"*\"]}]}]}",
      "{\"format\":1,\"title\":\"t\",\"sections\":[{\"id\":\"a\",\"title\":\"A\","
      "\"fields\":[{\"id\":\"x\",\"type\":\"text\",\"label\":\"X\",\"needed_by\":[\"*\"],"
      "\"relevant\":\"${y} > 1\"}]}]}",
      "{\"format\":1,\"title\":\"t\",\"sections\":[{\"id\":\"a\",\"title\":\"A\","
      "\"fields\":[{\"id\":\"x\",\"type\":\"choice\",\"label\":\"X\",\"needed_by\":[\"*\"]}]}]}",
      "{\"format\":1,\"title\":\"t\",\"sections\":[{\"id\":\"a\",\"title\":\"A\","
      "\"fields\":[{\"id\":\"x\",\"type\":\"text\",\"label\":\"X\"}]}]}",
      "{\"format\":1,\"title\":\"t\",\"sections\":[{\"id\":\"a\",\"title\":\"A\","
      "\"fields\":[{\"id\":\"g\",\"type\":\"repeat\",\"label\":\"G\",\"item_label\":\"人\","
      "\"max\":21,\"needed_by\":[\"*\"],\"fields\":[{\"id\":\"n\",\"type\":\"text\",\"label\":\"N\"}]}]}]}",
      "{\"format\":1,\"title\":\"t\",\"sections\":[{\"id\":\"a\",\"title\":\"A\","
      "\"fields\":[{\"id\":\"x\",\"type\":\"text\",\"label\":\"X\",\"needed_by\":[\"*\"],"
      "\"constraint\":\"${x} != ''\"}]}]}",
      "[1,2",
  };
  /* The smallest acceptable schema: the applicant's name and ID number. */
  const char *good =
      "{\"format\":1,\"title\":\"t\",\"sections\":[{\"id\":\"a\",\"title\":\"A\","
      "\"fields\":[{\"id\":\"applicant_name\",\"type\":\"chinese_text\",\"label\":\"X\","
      "\"needed_by\":[\"*\"]},{\"id\":\"applicant_id\",\"type\":\"id_number\","
      "\"label\":\"Y\",\"needed_by\":[\"*\"]}]}]}";
  form_schema *ok = NULL;
  CHECK_INT(form_schema_load(good, strlen(good), &ok, NULL), KERR_OK);
  form_schema_destroy(ok);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    form_schema *b = NULL;
    content_problems_init(&p);
    kerr r = form_schema_load(bad[i], strlen(bad[i]), &b, &p);
    if (r == KERR_OK)
      fprintf(stderr, "bad schema %zu accepted\n", i);
    CHECK(r != KERR_OK && b == NULL && content_problems_count(&p) > 0);
    content_problems_free(&p);
  }
}

/* Which fields the items bring in: the union, and nothing else. */
static void test_union(const form_schema *s, const content *c) {
  form *f = make(s, c, "temporary");
  CHECK(asked(f, "applicant_name") && asked(f, "applicant_id"));
  CHECK(asked(f, "crisis_kind") && asked(f, "crisis_loss"));
  CHECK(asked(f, "members") && asked(f, "card_number"));
  CHECK(!asked(f, "income_farming") && !asked(f, "authorize_check"));
  CHECK(!asked(f, "hukou_type") && !asked(f, "medical_cost_year"));
  CHECK(!asked(f, "savings") && !asked(f, "vagrant_need"));
  CHECK(asked(f, "declaration") && asked(f, "applicant_signature"));
  form_destroy(f);

  f = make(s, c, "dibao,medical");
  CHECK(asked(f, "hukou_type") && asked(f, "income_farming"));
  CHECK(asked(f, "authorize_check") && asked(f, "savings"));
  CHECK(asked(f, "medical_insurance") && asked(f, "medical_cost_year"));
  CHECK(!asked(f, "crisis_kind") && !asked(f, "child_situation"));
  CHECK(!asked(f, "house_dangerous")); /* housing not chosen */
  CHECK(!asked(f, "school_cost_year")); /* no pupil in the household yet */
  form_destroy(f);

  /* Unknown or malformed items are refused. */
  const char *bad1[] = {"dibao", "nosuchitem"}, *bad2[] = {"Dibao!"};
  form *g = NULL;
  CHECK_INT(form_create(s, c, bad1, 2, &today, &g), KERR_INVALID);
  CHECK(g == NULL);
  CHECK_INT(form_create(s, NULL, bad2, 1, &today, &g), KERR_INVALID);
  /* Duplicates count once. */
  const char *dup[] = {"dibao", "dibao", "medical"};
  CHECK_INT(form_create(s, c, dup, 3, &today, &g), KERR_OK);
  CHECK_INT(form_item_count(g), 2);
  form_destroy(g);
}

/* Walks the cursor from the start to the review, counting steps; every
 * field must appear at most once, and back from the review retraces. */
static void test_each_once(const form_schema *s, const content *c) {
  form *f = make(s, c, "dibao,tekun,dibian,gangxing,medical,education,housing,"
                       "employment,disaster,temporary");
  form_question q;
  const char *seen[200];
  size_t n = 0, dups = 0;
  form_current(f, &q);
  CHECK_INT(q.step, FORM_STEP_FIELD);
  CHECK_STR(q.field->id, "crisis_kind"); /* an emergency: what happened first */
  CHECK_INT(q.section, 0);
  size_t nsec = q.n_sections;
  CHECK(nsec >= 7);
  /* Walking needs answers; "next" on an empty required field stays. */
  form_result r;
  CHECK_INT(form_next(f, &r), KERR_OK);
  CHECK_INT(r.status, FORM_MISSING);
  CHECK(strlen(r.message) > 0);
  form_current(f, &q);
  CHECK_STR(q.field->id, "crisis_kind"); /* an emergency: what happened first */
  /* Skip validation by jumping through the asked fields in order with
   * form_goto_review + back: the back walk visits each step once. */
  form_goto_review(f);
  for (;;) {
    form_current(f, &q);
    if (q.step != FORM_STEP_REVIEW) {
      for (size_t i = 0; i < n; i++)
        if (strcmp(seen[i], q.field->id) == 0)
          dups++;
      if (n < 200)
        seen[n++] = q.field->id;
    }
    if (form_back(f) != KERR_OK)
      break;
  }
  CHECK_INT(dups, 0);
  CHECK(n > 20);
  CHECK_STR(seen[n - 1], "crisis_kind");
  form_destroy(f);
}

static void answer(form *f, const char *text, form_status want) {
  form_result r;
  CHECK_INT(form_answer_text(f, text, strlen(text), &r), KERR_OK);
  if (r.status != want)
    fprintf(stderr, "answer \"%s\": %s %s\n", text, form_status_name(r.status),
            r.message);
  CHECK_INT(r.status, want);
}

static void next_ok(form *f) {
  form_result r;
  CHECK_INT(form_next(f, &r), KERR_OK);
  if (r.status != FORM_OK)
    fprintf(stderr, "next: %s %s\n", form_status_name(r.status), r.message);
  CHECK_INT(r.status, FORM_OK);
}

static void expect(form *f, const char *id) {
  form_question q;
  form_current(f, &q);
  CHECK(q.field != NULL);
  if (q.field && strcmp(q.field->id, id) != 0)
    fprintf(stderr, "expected %s, at %s\n", id, q.field->id);
  CHECK(q.field && strcmp(q.field->id, id) == 0);
}

/* Relevance and dropped answers; messages of the validators. */
static void test_relevance_and_messages(const form_schema *s,
                                        const content *c) {
  form *f = make(s, c, "temporary");
  char id[19], id2[19];
  form_result r;
  make_id(id, "140502", "19680512", "123");
  make_id(id2, "140502", "19700203", "224");

  /* An emergency is asked what happened first (the fast path), then who. */
  form_question q;
  char buf[256];
  expect(f, "crisis_kind");
  CHECK_INT(form_answer_choice(f, "fire", &r), KERR_OK);
  next_ok(f);
  expect(f, "crisis_date");
  answer(f, "2026-12-01", FORM_INVALID); /* after today */
  answer(f, "2026-02-30", FORM_INVALID);
  answer(f, "2026/11/3", FORM_OK);
  form_value_display(f, form_schema_field_find(s, "crisis_date"), -1, buf,
                     sizeof buf);
  CHECK_STR(buf, "2026年11月3日");
  /* The same answer as a value, for a screen to show it typed again. */
  validate_date d;
  const form_field *fdate = form_schema_field_find(s, "crisis_date");
  CHECK(form_value_date(f, fdate, -1, &d));
  CHECK_INT(d.year, 2026);
  CHECK_INT(d.month, 11);
  CHECK_INT(d.day, 3);
  form_date_format(&d, buf, sizeof buf);
  CHECK_STR(buf, "2026年11月3日");
  CHECK(!form_value_date(f, form_schema_field_find(s, "crisis_kind"), -1, &d));
  CHECK_INT(d.year, 0);
  answer(f, "2026-02-30", FORM_INVALID); /* the kept date is removed */
  CHECK(!form_value_date(f, fdate, -1, &d));
  answer(f, "2026年11月3日", FORM_OK);
  CHECK(form_value_date(f, fdate, -1, &d));
  CHECK_INT(d.day, 3);
  next_ok(f);
  expect(f, "crisis_place"); /* 急难发生地: where to help */
  answer(f, "晋城市城区钟家庄街道东王台村", FORM_OK);
  next_ok(f);
  expect(f, "crisis_what");
  answer(f, "夜里厨房着火，烧了两间房。", FORM_OK);
  next_ok(f);
  expect(f, "crisis_loss");
  answer(f, "-5", FORM_INVALID);
  answer(f, "12.345", FORM_INVALID);
  answer(f, "350000", FORM_CONFIRM); /* above the confirm line */
  CHECK_INT(form_next(f, &r), KERR_OK);
  CHECK_INT(r.status, FORM_CONFIRM);
  CHECK(strlen(r.message) > 0);
  CHECK_INT(form_confirm(f), KERR_OK);
  form_current(f, &q);
  CHECK_INT(q.result.status, FORM_OK);
  answer(f, "１７,５００元", FORM_OK);
  form_value_display(f, form_schema_field_find(s, "crisis_loss"), -1, buf,
                     sizeof buf);
  CHECK_STR(buf, "17500元");
  int64_t fen;
  const form_field *floss = form_schema_field_find(s, "crisis_loss");
  CHECK(form_value_number(f, floss, -1, &fen));
  CHECK(fen == 1750000);
  CHECK(!form_value_number(f, fdate, -1, &fen));
  CHECK(fen == 0);
  CHECK(!form_value_date(f, floss, -1, &d));
  next_ok(f);
  expect(f, "applicant_name");
  answer(f, "Zhang San", FORM_INVALID); /* names in 汉字 */
  form_current(f, &q);
  CHECK_INT(q.result.status, FORM_INVALID);
  CHECK(strstr(q.result.message, "汉字") != NULL);
  answer(f, "  张三  ", FORM_OK);
  CHECK(has_answer(f, "applicant_name", -1));
  form_value_display(f, form_schema_field_find(s, "applicant_name"), -1, buf,
                     sizeof buf);
  CHECK_STR(buf, "张三");
  next_ok(f);

  /* Whether there is an ID number at all; without one it is not asked. */
  expect(f, "has_id");
  CHECK_INT(form_answer_bool(f, 0, &r), KERR_OK);
  CHECK(!asked(f, "applicant_id") && !asked(f, "hukou_address"));
  CHECK(asked(f, "identity_note"));
  CHECK_INT(form_answer_bool(f, 1, &r), KERR_OK);
  CHECK(asked(f, "applicant_id") && !asked(f, "identity_note"));
  next_ok(f);
  expect(f, "applicant_id");
  char wrong[19];
  memcpy(wrong, id, 19);
  wrong[17] = wrong[17] == '0' ? '1' : '0';
  answer(f, wrong, FORM_INVALID);
  form_current(f, &q);
  CHECK(strstr(q.result.message, "身份证") != NULL);
  CHECK_INT(form_next(f, &r), KERR_OK);
  CHECK_INT(r.status, FORM_INVALID);
  /* Too young to apply: the constraint's own message. */
  char kid[19];
  make_id(kid, "140502", "20150101", "331");
  answer(f, kid, FORM_CONSTRAINT);
  form_current(f, &q);
  CHECK(strstr(q.result.message, "16") != NULL);
  CHECK_INT(form_next(f, &r), KERR_OK);
  CHECK_INT(r.status, FORM_CONSTRAINT);
  answer(f, id, FORM_OK);
  next_ok(f);

  /* An emergency asks whether there is a phone at all. */
  expect(f, "has_phone");
  CHECK_INT(form_answer_bool(f, 0, &r), KERR_OK);
  CHECK(!asked(f, "applicant_phone"));
  CHECK_INT(form_answer_bool(f, 1, &r), KERR_OK);
  CHECK(asked(f, "applicant_phone"));
  next_ok(f);
  expect(f, "applicant_phone");
  answer(f, "1391234567", FORM_INVALID);
  form_current(f, &q);
  CHECK(strstr(q.result.message, "11") != NULL);
  answer(f, "139 1234 5678", FORM_OK);
  next_ok(f);
  expect(f, "hukou_address");
  answer(f, "晋城市城区西街办事处广场社区5号楼2单元301", FORM_OK);
  next_ok(f);
  expect(f, "lives_at_hukou");
  CHECK_INT(form_answer_text(f, "x", 1, &r), KERR_STATE); /* wrong kind */
  CHECK_INT(form_answer_bool(f, 0, &r), KERR_OK);
  next_ok(f);
  expect(f, "home_address");
  answer(f, "晋城市泽州县金村镇府城村12号", FORM_OK);
  next_ok(f);
  /* Going back and saying "yes, I live there" drops the home address. */
  CHECK_INT(form_back(f), KERR_OK);
  expect(f, "home_address");
  CHECK_INT(form_back(f), KERR_OK);
  expect(f, "lives_at_hukou");
  CHECK_INT(form_answer_bool(f, 1, &r), KERR_OK);
  CHECK(!asked(f, "home_address"));
  CHECK(!has_answer(f, "home_address", -1));
  CHECK_INT(form_jump(f, "home_address", -1), KERR_STATE);
  next_ok(f);
  expect(f, "members"); /* home_address skipped */

  /* The group: add a member, the member's own ID cannot be the applicant's. */
  form_current(f, &q);
  CHECK_INT(q.step, FORM_STEP_GROUP);
  CHECK_INT(q.n_members, 0);
  size_t m;
  CHECK_INT(form_member_add(f, "members", &m, &r), KERR_OK);
  CHECK_INT(m, 0);
  expect(f, "name");
  answer(f, "李四", FORM_OK);
  next_ok(f);
  expect(f, "id_number");
  answer(f, id, FORM_CONSTRAINT);
  form_current(f, &q);
  CHECK(strstr(q.result.message, "申请人自己") != NULL);
  answer(f, id2, FORM_OK);
  next_ok(f);
  expect(f, "relation");
  CHECK_INT(form_answer_choice(f, "cousin", &r), KERR_OK);
  CHECK_INT(r.status, FORM_INVALID);
  CHECK_INT(form_answer_choice(f, "spouse", &r), KERR_OK);
  CHECK_INT(r.status, FORM_OK);
  next_ok(f); /* temporary needs no more about members */
  form_current(f, &q);
  CHECK_INT(q.step, FORM_STEP_GROUP);
  CHECK_INT(q.n_members, 1);
  CHECK(form_member_complete(f, "members", 0));
  /* A second spouse breaks the relation constraint. */
  CHECK_INT(form_member_add(f, "members", &m, &r), KERR_OK);
  answer(f, "王五", FORM_OK);
  next_ok(f);
  char id3[19];
  make_id(id3, "140502", "19900101", "415");
  answer(f, id3, FORM_OK);
  next_ok(f);
  CHECK_INT(form_answer_choice(f, "spouse", &r), KERR_OK);
  CHECK_INT(r.status, FORM_CONSTRAINT);
  CHECK(strstr(r.message, "爱人") != NULL);
  CHECK_INT(form_answer_choice(f, "sibling", &r), KERR_OK);
  CHECK_INT(r.status, FORM_OK);
  next_ok(f);
  CHECK_INT(form_member_count(f, "members"), 2);
  CHECK_INT(form_member_remove(f, "members", 0), KERR_OK);
  CHECK_INT(form_member_count(f, "members"), 1);
  form_value_display(f, form_schema_field_find(s, "name"), 0, buf, sizeof buf);
  CHECK_STR(buf, "王五");
  next_ok(f);
  /* An emergency asks whether there is a card at all; without one, no
   * bank, number or holder is asked. */
  expect(f, "card_have");
  CHECK_INT(form_answer_bool(f, 0, &r), KERR_OK);
  CHECK(!asked(f, "card_bank") && !asked(f, "card_number") &&
        !asked(f, "card_own"));
  CHECK_INT(form_answer_bool(f, 1, &r), KERR_OK);
  CHECK(asked(f, "card_bank") && asked(f, "card_number") && asked(f, "card_own"));
  next_ok(f);
  expect(f, "card_bank");
  form_destroy(f);
}

/* The repeat group stops at 20 with a message. */
static void test_repeat_limit(const form_schema *s, const content *c) {
  form *f = make(s, c, "dibao");
  size_t m = 0;
  form_result r;
  for (int i = 0; i < 20; i++)
    CHECK_INT(form_member_add(f, "members", &m, &r), KERR_OK);
  CHECK_INT(m, 19);
  CHECK_INT(form_member_add(f, "members", &m, &r), KERR_LIMIT);
  CHECK(strstr(r.message, "20") != NULL);
  CHECK_INT(form_member_count(f, "members"), 20);
  CHECK_INT(form_member_remove(f, "members", 25), KERR_NOTFOUND);
  CHECK_INT(form_member_edit(f, "members", 20), KERR_NOTFOUND);
  CHECK_INT(form_member_add(f, "nosuch", &m, &r), KERR_NOTFOUND);
  /* The group's list refuses to move on while entries are incomplete. */
  form_question q;
  CHECK_INT(form_member_remove(f, "members", 3), KERR_OK);
  form_current(f, &q);
  CHECK_INT(q.step, FORM_STEP_GROUP);
  CHECK_INT(q.n_members, 19);
  CHECK_INT(form_next(f, &r), KERR_OK);
  CHECK_INT(r.status, FORM_MISSING);
  CHECK(strstr(r.message, "第 1 位家里人") != NULL);
  /* Reset forgets everyone. */
  form_reset(f);
  CHECK_INT(form_member_count(f, "members"), 0);
  form_current(f, &q);
  CHECK_STR(q.field->id, "applicant_name");
  form_destroy(f);
}

/* Members' fields follow their age (read from the ID number), and the
 * facts read from it show in the review. */
static void test_member_relevance(const form_schema *s, const content *c) {
  form *f = make(s, c, "dibao,education,employment");
  size_t m;
  form_result r;
  char id[19];
  make_id(id, "140502", "20120901", "356"); /* 14 years old */
  CHECK_INT(form_member_add(f, "members", &m, &r), KERR_OK);
  const form_field *school = form_schema_field_find(s, "school");
  const form_field *auth = form_schema_field_find(s, "authorize");
  const form_field *work = form_schema_field_find(s, "work_ability");
  const form_field *idf = form_schema_field_find(s, "id_number");
  /* Age unknown: nothing that depends on it is asked. */
  CHECK(!form_is_asked(f, school, 0) && !form_is_asked(f, auth, 0));
  CHECK_INT(form_jump(f, "id_number", 0), KERR_OK);
  answer(f, id, FORM_OK);
  CHECK(form_is_asked(f, school, 0));
  CHECK(!form_is_asked(f, auth, 0) && !form_is_asked(f, work, 0));
  CHECK_INT(form_jump(f, "school", 0), KERR_OK);
  CHECK_INT(form_answer_choice(f, "junior", &r), KERR_OK);
  CHECK(asked(f, "school_cost_year")); /* a pupil: school costs asked */
  /* Now an adult's number: school answer stays (age < 30), authorisation
   * is asked. */
  make_id(id, "140502", "19800101", "356");
  CHECK_INT(form_jump(f, "id_number", 0), KERR_OK);
  answer(f, id, FORM_OK);
  CHECK(form_is_asked(f, auth, 0) && form_is_asked(f, work, 0));
  CHECK(!form_is_asked(f, school, 0));
  CHECK(!has_answer(f, "school", 0));
  CHECK(!asked(f, "school_cost_year"));
  /* The authorisation is required to be "yes". */
  CHECK_INT(form_jump(f, "authorize", 0), KERR_OK);
  CHECK_INT(form_answer_bool(f, 0, &r), KERR_OK);
  CHECK_INT(r.status, FORM_CONSTRAINT);
  CHECK(strstr(r.message, "核对") != NULL);
  CHECK_INT(form_answer_bool(f, 1, &r), KERR_OK);
  CHECK_INT(r.status, FORM_OK);
  /* The computed facts. */
  const form_computed *age = form_schema_computed_at(s, idf->group, 2);
  char buf[64];
  CHECK(age && form_computed_display(f, age, 0, buf, sizeof buf));
  CHECK_STR(buf, "46岁");
  form_destroy(f);
}

/* Jump from the review: after the change, back to the review unless the
 * change brought in a missing answer. */
static void test_jump(const form_schema *s, const content *c) {
  form *f = make(s, c, "charity");
  form_result r;
  char id[19];
  make_id(id, "140502", "19550505", "121");
  const char *texts[] = {"赵六", id, "13800001111", "晋城市城区东街1号"};
  for (int i = 0; i < 4; i++) {
    answer(f, texts[i], FORM_OK);
    next_ok(f);
  }
  CHECK_INT(form_answer_bool(f, 1, &r), KERR_OK); /* lives at hukou */
  next_ok(f);
  expect(f, "apply_reason");
  answer(f, "老伴瘫痪在床，需要有人照顾。", FORM_OK);
  next_ok(f);
  expect(f, "charity_need");
  const char *need[] = {"care", "money"};
  CHECK_INT(form_answer_choices(f, need, 2, &r), KERR_OK);
  CHECK_INT(r.status, FORM_OK);
  char buf[128];
  form_value_display(f, form_schema_field_find(s, "charity_need"), -1, buf,
                     sizeof buf);
  CHECK_STR(buf, "生活费、上门照顾"); /* schema order */
  /* Picks by choice index, from the values, not the labels. */
  const form_field *fneed = form_schema_field_find(s, "charity_need");
  size_t n_picked = 0;
  for (size_t i = 0; i < fneed->n_choices; i++) {
    int on = form_value_picked(f, fneed, -1, i);
    const char *v = fneed->choices[i].value;
    CHECK_INT(on, strcmp(v, "care") == 0 || strcmp(v, "money") == 0);
    n_picked += (size_t)on;
  }
  CHECK_INT(n_picked, 2);
  CHECK(!form_value_picked(f, fneed, -1, fneed->n_choices));
  next_ok(f);
  expect(f, "card_have");
  CHECK_INT(form_answer_bool(f, 1, &r), KERR_OK);
  next_ok(f);
  expect(f, "card_bank");
  CHECK_INT(form_answer_choice(f, "psbc", &r), KERR_OK);
  next_ok(f);
  /* A check digit that does not fit: a plain warning, kept if confirmed
   * (some cards carry none). */
  answer(f, "6221 8812 3456 7890", FORM_CONFIRM);
  form_question q0;
  form_current(f, &q0);
  CHECK(strstr(q0.result.message, "卡号好像不对") != NULL);
  CHECK_INT(form_next(f, &r), KERR_OK);
  CHECK_INT(r.status, FORM_CONFIRM);
  CHECK_INT(form_confirm(f), KERR_OK);
  form_current(f, &q0);
  CHECK_INT(q0.result.status, FORM_OK);
  answer(f, "6221 8812 3456 7892", FORM_OK);
  form_value_display(f, form_schema_field_find(s, "card_number"), -1, buf,
                     sizeof buf);
  CHECK_STR(buf, "6221881234567892");
  next_ok(f);
  expect(f, "card_own");
  CHECK_INT(form_answer_bool(f, 1, &r), KERR_OK);
  next_ok(f);
  expect(f, "contact_name");
  next_ok(f); /* optional */
  expect(f, "declaration"); /* contact_phone not relevant without a name */
  CHECK_INT(form_answer_bool(f, 1, &r), KERR_OK);
  next_ok(f);
  expect(f, "applicant_signature");
  static const char png64[] =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
  unsigned char png[128];
  size_t pn = 0;
  CHECK(sodium_base642bin(png, sizeof png, png64, strlen(png64), NULL, &pn,
                          NULL, sodium_base64_VARIANT_ORIGINAL) == 0);
  CHECK_INT(form_answer_signature(f, (const unsigned char *)"notpng", 6, &r),
            KERR_OK);
  CHECK_INT(r.status, FORM_INVALID);
  CHECK_INT(form_answer_signature(f, png, pn, &r), KERR_OK);
  CHECK_INT(r.status, FORM_OK);
  next_ok(f);
  form_question q;
  form_current(f, &q);
  CHECK_INT(q.step, FORM_STEP_REVIEW);
  CHECK(form_complete(f));

  /* Change the contact: giving a name brings in the contact's phone, so
   * next goes there, then back to the review. */
  CHECK_INT(form_jump(f, "contact_name", -1), KERR_OK);
  answer(f, "赵小六", FORM_OK);
  next_ok(f);
  expect(f, "contact_phone");
  answer(f, "13800001111", FORM_CONSTRAINT); /* the applicant's own */
  answer(f, "13900002222", FORM_OK);
  next_ok(f);
  form_current(f, &q);
  CHECK_INT(q.step, FORM_STEP_REVIEW);
  /* A change that brings in nothing goes straight back. */
  CHECK_INT(form_jump(f, "card_bank", -1), KERR_OK);
  CHECK_INT(form_answer_choice(f, "abc", &r), KERR_OK);
  next_ok(f);
  form_current(f, &q);
  CHECK_INT(q.step, FORM_STEP_REVIEW);
  CHECK_INT(form_jump(f, "nosuch", -1), KERR_NOTFOUND);
  CHECK_INT(form_jump(f, "name", 0), KERR_NOTFOUND); /* charity: no members */

  /* Progress: charity asks 3 sections (申请人, 遇到的难事, 银行卡, 同意).*/
  CHECK_INT(form_jump(f, "card_bank", -1), KERR_OK);
  form_current(f, &q);
  CHECK_INT(q.n_sections, 4);
  CHECK_INT(q.section, 2);
  CHECK_STR(q.section_title, "银行卡和联系人");

  /* The review list is grouped by section in order. */
  form_review rv;
  CHECK_INT(form_review_build(f, &rv), KERR_OK);
  CHECK_INT(rv.n_sections, 4);
  size_t last = 0;
  int mono = 1, saw_sig = 0, saw_age = 0;
  for (size_t i = 0; i < rv.n; i++) {
    if (rv.rows[i].section < last)
      mono = 0;
    last = rv.rows[i].section;
    if (rv.rows[i].field && strcmp(rv.rows[i].field->id, "applicant_signature") == 0)
      saw_sig = strcmp(rv.rows[i].value, "已签名") == 0;
    if (strcmp(rv.rows[i].label, "年龄") == 0)
      saw_age = strcmp(rv.rows[i].value, "71岁") == 0;
  }
  CHECK(mono && saw_sig && saw_age);
  CHECK_STR(rv.rows[0].label, "姓名");
  CHECK_STR(rv.rows[0].value, "赵六");
  form_review_free(&rv);
  form_destroy(f);
}

/* Limits on text lengths and odd bytes. */
static void test_limits(const form_schema *s, const content *c) {
  form *f = make(s, c, "dibao");
  char big[6000];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  answer(f, big, FORM_INVALID);
  answer(f, "\xff\xfe", FORM_INVALID);
  /* 21 Chinese characters: name max is 20. */
  char name[128] = "";
  for (int i = 0; i < 21; i++)
    strcat(name, "张");
  answer(f, name, FORM_INVALID);
  form_question q;
  form_current(f, &q);
  CHECK(strstr(q.result.message, "太多") != NULL);
  name[60] = '\0';
  answer(f, name, FORM_OK);
  answer(f, "", FORM_INVALID);
  CHECK(!has_answer(f, "applicant_name", -1));
  form_destroy(f);
}

/* Mutated schemas and answers documents never crash the loaders (under
 * ASan/UBSan any memory error fails the test). Fixed-seed PRNG. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)rng;
}

static void mutate(char *b, size_t n) {
  static const char pick[] = "{}[]\",:0123456789-.eE\\ntrfalseu$";
  int k = 1 + (int)(rnd() % 4);
  for (int i = 0; i < k && n; i++)
    b[rnd() % n] = rnd() % 3 ? pick[rnd() % (sizeof pick - 1)] : (char)rnd();
}

static void test_mutations(const form_schema *s, const content *c) {
  size_t n;
  char *t = slurp(KIOSK_SOURCE_DIR "/assets/bundle/form.json", &n);
  char *b = malloc(n + 1);
  int loaded = 0;
  for (int round = 0; t && b && round < 300; round++) {
    memcpy(b, t, n + 1);
    mutate(b, n);
    form_schema *m = NULL;
    if (form_schema_load(b, n, &m, NULL) == KERR_OK) {
      loaded++;
      const char *items[] = {"dibao", "temporary"};
      form *f = NULL;
      if (form_create(m, NULL, items, 2, &today, &f) == KERR_OK) {
        form_result r;
        form_answer_text(f, "张三", strlen("张三"), &r);
        form_next(f, &r);
        form_destroy(f);
      }
      form_schema_destroy(m);
    }
  }
  CHECK(loaded > 0); /* some mutations hit only text */
  free(b);
  free(t);

  t = slurp(KIOSK_TEST_DATA "/form/dibao_medical.json", &n);
  b = malloc(n + 1);
  for (int round = 0; t && b && round < 1500; round++) {
    memcpy(b, t, n + 1);
    mutate(b, n);
    cJSON *doc = cJSON_ParseWithLength(b, n);
    const char *items[] = {"dibao", "medical", "temporary"};
    form *f = NULL;
    CHECK_INT(form_create(s, c, items, 3, &today, &f), KERR_OK);
    if (doc && f) {
      size_t ign;
      form_answers_load(f, cJSON_GetObjectItem(doc, "answers"),
                        cJSON_GetObjectItem(doc, "confirmed"), &ign);
      form_check_list l;
      if (form_check_all(f, &l) == KERR_OK)
        form_check_list_free(&l);
      form_review rv;
      if (form_review_build(f, &rv) == KERR_OK)
        form_review_free(&rv);
      char *snap;
      size_t sl;
      if (form_snapshot(f, &snap, &sl) == KERR_OK) {
        form *g = NULL;
        if (form_restore(s, c, snap, sl, &today, &g) == KERR_OK)
          form_destroy(g);
        form_json_free(snap, sl);
      }
    }
    form_destroy(f);
    cJSON_Delete(doc);
  }
  free(b);
  free(t);
}

int main(void) {
  CHECK(sodium_init() >= 0);
  content *c = NULL;
  content_problems p;
  content_problems_init(&p);
  CHECK_INT(content_load(KIOSK_SOURCE_DIR "/assets/bundle", &c, &p), KERR_OK);
  content_problems_free(&p);
  form_schema *s = load_schema();
  CHECK(s != NULL);
  if (!s || !c)
    return TEST_DONE();
  test_schema(s, c);
  test_union(s, c);
  test_each_once(s, c);
  test_relevance_and_messages(s, c);
  test_repeat_limit(s, c);
  test_member_relevance(s, c);
  test_jump(s, c);
  test_limits(s, c);
  test_mutations(s, c);
  form_schema_destroy(s);
  content_destroy(c);
  return TEST_DONE();
}
