/* expr: parsing, precedence, types, errors with positions, limits,
 * functions, and exact money compares at the boundary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/expr.h"
#include "core/idcard.h"

/* A small test environment: named fields, a "members" group, standards and
 * selected items, all from static tables. */
typedef struct kv {
  const char *name;
  expr_value v;
} kv;

typedef struct member {
  int age;
  int disabled;
  long long income; /* yuan */
  const char *id;   /* NULL: not answered */
} member;

typedef struct env_data {
  const kv *fields;
  const kv *stds;
  const member *members;
  size_t nmembers;
  const char *const *selected;
} env_data;

static int name_eq(const char *a, const char *b, size_t n) {
  return strlen(a) == n && memcmp(a, b, n) == 0;
}

static kerr find(const kv *t, const char *name, size_t len, expr_value *out) {
  for (; t && t->name; t++)
    if (name_eq(t->name, name, len)) {
      *out = t->v;
      return KERR_OK;
    }
  return KERR_NOTFOUND;
}

static kerr cb_field(void *ud, const char *name, size_t len, expr_value *out) {
  return find(((env_data *)ud)->fields, name, len, out);
}

static kerr cb_std(void *ud, const char *name, size_t len, expr_value *out) {
  return find(((env_data *)ud)->stds, name, len, out);
}

static kerr cb_group(void *ud, const char *g, size_t glen, size_t *n) {
  env_data *d = ud;
  if (!name_eq("members", g, glen) || !d->members)
    return KERR_NOTFOUND;
  *n = d->nmembers;
  return KERR_OK;
}

static kerr cb_member(void *ud, const char *g, size_t glen, size_t i,
                      const char *name, size_t len, expr_value *out) {
  env_data *d = ud;
  (void)g;
  (void)glen;
  const member *m = &d->members[i];
  if (name_eq("age", name, len))
    *out = expr_value_int(m->age);
  else if (name_eq("disabled", name, len))
    *out = expr_value_bool(m->disabled);
  else if (name_eq("income", name, len))
    *out = expr_value_int(m->income);
  else if (name_eq("id_number", name, len) && m->id)
    *out = expr_value_str(m->id, strlen(m->id));
  else
    return KERR_NOTFOUND;
  return KERR_OK;
}

static kerr cb_sel(void *ud, const char *item, size_t len, int *out) {
  env_data *d = ud;
  *out = 0;
  for (const char *const *s = d->selected; s && *s; s++)
    if (name_eq(*s, item, len))
      *out = 1;
  return KERR_OK;
}

static char id_a[19], id_b[19];

static const member family[] = {
    {72, 0, 0, id_a}, {45, 1, 1200, NULL}, {43, 0, 1500, NULL},
    {15, 0, 0, id_b}};

static kv fields[24];
static const kv stds[] = {
    {"dibao_urban_month", {EXPR_NUM, 0, 790 * EXPR_SCALE, NULL, 0}},
    {"dibao_rural_month", {EXPR_NUM, 0, 655 * EXPR_SCALE, NULL, 0}},
    {NULL, {EXPR_NUM, 0, 0, NULL, 0}}};
static const char *const sel[] = {"dibao", "medical", NULL};

static env_data data = {fields, stds, family, 4, sel};
static expr_env env = {&data,   cb_field, cb_group, cb_member,
                       cb_std,  cb_sel,   {2025, 7, 1}};

static void set_fields(long long income_month, int size) {
  int k = 0;
  fields[k++] = (kv){"income", expr_value_int(income_month)};
  fields[k++] = (kv){"household_size", expr_value_int(size)};
  fields[k++] = (kv){"hukou", expr_value_str("rural", 5)};
  fields[k++] = (kv){"crisis", expr_value_bool(1)};
  fields[k++] = (kv){"empty", expr_value_str("", 0)};
  fields[k++] = (kv){"needs", expr_value_str("food  medicine house", 20)};
  fields[k++] = (kv){"half", expr_value_num(5000)};
  fields[k++] = (kv){"id_number", expr_value_str(id_a, 18)};
  fields[k++] = (kv){"huge", expr_value_num(INT64_MAX)};
  fields[k] = (kv){NULL, expr_value_int(0)};
}

/* Evaluates src; returns the kerr; *out gets the value. */
static kerr run(const char *src, expr_value *out, expr_error *err) {
  expr *e = NULL;
  expr_error perr;
  kerr r = expr_parse(src, strlen(src), &e, &perr);
  if (r) {
    if (err)
      *err = perr;
    return r;
  }
  CHECK_STR(expr_source(e), src);
  r = expr_eval(e, &env, out, err);
  expr_destroy(e);
  return r;
}

/* Expects a number (in units with up to 4 decimals, as a string). */
static void num_is(const char *src, const char *want) {
  expr_value v;
  expr_error err = {0, ""};
  kerr r = run(src, &v, &err);
  if (r) {
    fprintf(stderr, "  %s: %s at %zu: %s\n", src, kerr_str(r), err.offset,
            err.msg);
  }
  CHECK_INT(r, KERR_OK);
  int64_t w;
  CHECK_INT(expr_num_parse(want, strlen(want), &w), KERR_OK);
  if (!r) {
    CHECK_INT(v.type, EXPR_NUM);
    if (v.num != w)
      fprintf(stderr, "  %s = %lld (scaled), want %s\n", src,
              (long long)v.num, want);
    CHECK(v.num == w);
  }
}

static void bool_is(const char *src, int want) {
  expr_value v;
  expr_error err = {0, ""};
  kerr r = run(src, &v, &err);
  if (r)
    fprintf(stderr, "  %s: %s at %zu: %s\n", src, kerr_str(r), err.offset,
            err.msg);
  CHECK_INT(r, KERR_OK);
  if (!r) {
    CHECK_INT(v.type, EXPR_BOOL);
    if (v.b != want)
      fprintf(stderr, "  %s: got %d want %d\n", src, v.b, want);
    CHECK_INT(v.b, want);
  }
}

/* Expects an error code at a byte offset (offset -1: any). */
static void err_is(const char *src, kerr want, long offset) {
  expr_value v;
  expr_error err = {0, ""};
  kerr r = run(src, &v, &err);
  if (r != want)
    fprintf(stderr, "  %s: got %s want %s (%s)\n", src, kerr_str(r),
            kerr_str(want), err.msg);
  CHECK_INT(r, want);
  CHECK(err.msg[0] != '\0');
  if (offset >= 0) {
    if ((long)err.offset != offset)
      fprintf(stderr, "  %s: offset %zu want %ld (%s)\n", src, err.offset,
              offset, err.msg);
    CHECK_INT(err.offset, offset);
  }
}

static void make_id(char out[19], const char *body17) {
  memcpy(out, body17, 17);
  out[17] = idcard_check_char(out);
  out[18] = '\0';
}

static kerr count_names(void *ud, expr_name_kind kind, const char *name,
                        size_t len, size_t offset) {
  int *counts = ud;
  (void)name;
  (void)len;
  (void)offset;
  counts[kind]++;
  return KERR_OK;
}

int main(void) {
  make_id(id_a, "14052219530101021"); /* 72 on 2025-07-01 */
  make_id(id_b, "14052220100702002"); /* 14: birthday tomorrow */
  set_fields(2370, 3);

  /* Arithmetic and precedence. */
  num_is("1 + 2 * 3", "7");
  num_is("(1 + 2) * 3", "9");
  num_is("10 - 4 - 3", "3");
  num_is("100 / 10 / 5", "2");
  num_is("-2 * 3", "-6");
  num_is("- (2 + 3)", "-5");
  num_is("2 - -3", "5");
  num_is("1 / 3", "0.3333");
  num_is("2 / 3", "0.6667");
  num_is("-2 / 3", "-0.6667");
  num_is("0.1 + 0.2", "0.3");
  num_is("1.5 * 1.5", "2.25");
  num_is("0.0001 * 0.5", "0.0001"); /* half away from zero */
  num_is("-0.0001 * 0.5", "-0.0001");
  num_is("9480 / 12", "790");
  num_is("7860 / 12", "655");
  num_is("35000 / 12 / 6", "486.1111");
  num_is(".5 + 1", "1.5");
  bool_is("0.1 + 0.2 = 0.3", 1); /* exact, unlike binary floating point */

  /* Comparisons, logic, precedence between them. */
  bool_is("1 < 2 and 2 < 3", 1);
  bool_is("1 < 2 and 3 < 2 or 1 = 1", 1);
  bool_is("1 = 1 or 1 = 1 and 1 = 2", 1); /* and binds tighter */
  bool_is("not 1 = 2", 1);
  bool_is("not not true", 1);
  bool_is("not (1 < 2 and false)", 1);
  bool_is("1 + 1 = 2", 1);
  bool_is("2 >= 2 and 2 <= 2 and 2 != 3 and 3 > 2", 1);
  bool_is("1 == 1", 1);
  bool_is("'a' = 'a' and 'a' != 'b'", 1);
  bool_is("\"it's\" = 'it\\'s'", 1);
  bool_is("true = true and true != false", 1);
  bool_is("${hukou} = 'rural'", 1);
  bool_is("${crisis}", 1);

  /* Short-circuit: the missing field is never looked at. */
  bool_is("false and ${nope} > 1", 0);
  bool_is("true or ${nope} > 1", 1);
  bool_is("if(1 > 2, ${nope}, 5) = 5", 1);

  /* Money at the boundary: per-capita income vs the standard, exact. */
  set_fields(2370, 3); /* exactly 790 */
  bool_is("${income} / ${household_size} < std.dibao_urban_month", 0);
  bool_is("${income} / ${household_size} <= std.dibao_urban_month", 1);
  bool_is("${income} / ${household_size} = std.dibao_urban_month", 1);
  set_fields(2367, 3); /* 789: one yuan under */
  bool_is("${income} / ${household_size} < std.dibao_urban_month", 1);
  set_fields(2373, 3); /* 791: one yuan over */
  bool_is("${income} / ${household_size} < std.dibao_urban_month", 0);
  bool_is("${income} / ${household_size} <= std.dibao_urban_month", 0);
  set_fields(2369, 3); /* 789.67 */
  bool_is("${income} / ${household_size} < std.dibao_urban_month", 1);
  set_fields(2370, 3);
  num_is("${half}", "0.5");

  /* Functions. */
  num_is("min(3, 1, 2)", "1");
  num_is("max(3, 1, 2)", "3");
  num_is("max(-1)", "-1");
  num_is("round(2.5)", "3");
  num_is("round(-2.5)", "-3");
  num_is("round(2.4999)", "2");
  num_is("round(486.1111, 2)", "486.11");
  num_is("round(486.115, 2)", "486.12");
  num_is("round(1234.5678, 4)", "1234.5678");
  num_is("if(${hukou} = 'urban', std.dibao_urban_month, "
         "std.dibao_rural_month)", "655");
  num_is("count(${members}, ${member.age} >= 60)", "1");
  num_is("count(${members}, ${member.age} < 18 or ${member.disabled})", "2");
  num_is("count(${members}, true)", "4");
  num_is("sum(${members}, ${member.income})", "2700");
  num_is("sum(${members}, ${member.income}) / count(${members}, true)",
         "675");
  num_is("age_from_id(${id_number})", "72");
  num_is("count(${members}, answered(${member.id_number}) and "
         "age_from_id(${member.id_number}) < 18)", "1");
  bool_is("selected('dibao') and not selected('housing')", 1);
  bool_is("selected(${needs}, 'medicine')", 1);
  bool_is("selected(${needs}, 'med')", 0);
  bool_is("answered(${income})", 1);
  bool_is("answered(${nope})", 0);
  bool_is("answered(${empty})", 0);

  /* Evaluation errors are errors, not "false". */
  err_is("${nope} > 1", KERR_NOTFOUND, 0);
  err_is("1 + std.nope", KERR_NOTFOUND, 4);
  err_is("1 + 'a'", KERR_INVALID, 4);
  err_is("1 = 'a'", KERR_INVALID, 2);
  err_is("'a' < 'b'", KERR_INVALID, 4);
  err_is("1 and true", KERR_INVALID, 0);
  err_is("not 1", KERR_INVALID, 4);
  err_is("if(1, 2, 3)", KERR_INVALID, 3);
  err_is("1 / 0", KERR_RANGE, 2);
  err_is("1 / (2 - 2)", KERR_RANGE, 2);
  err_is("100000000000 * 10", KERR_RANGE, 13);
  err_is("99999999999 + 99999999999", KERR_RANGE, 12);
  err_is("round(1, 5)", KERR_INVALID, 9);
  err_is("1 + ${huge}", KERR_RANGE, 4); /* out-of-range input refused */
  err_is("age_from_id('123')", KERR_INVALID, 0);
  err_is("age_from_id(12)", KERR_INVALID, 12);
  err_is("count(${nogroup}, true)", KERR_NOTFOUND, 0);
  err_is("count(${members}, ${member.nope} > 1)", KERR_NOTFOUND, 18);
  err_is("sum(${members}, ${member.disabled})", KERR_INVALID, 16);
  {
    /* expr_eval_bool insists on a boolean. */
    expr *e;
    int b;
    int64_t n;
    expr_error err;
    CHECK_INT(expr_parse("1 + 1", 5, &e, &err), KERR_OK);
    CHECK_INT(expr_eval_bool(e, &env, &b, &err), KERR_INVALID);
    CHECK_INT(expr_eval_num(e, &env, &n, &err), KERR_OK);
    CHECK(n == 2 * EXPR_SCALE);
    expr_destroy(e);
  }

  /* Parse errors with positions. */
  err_is("1 +", KERR_PARSE, 3);
  err_is("(1 + 2", KERR_PARSE, 6);
  err_is("1 + 2)", KERR_PARSE, 5);
  err_is("1 2", KERR_PARSE, 2);
  err_is("${income", KERR_PARSE, 8);
  err_is("$income", KERR_PARSE, 0);
  err_is("${}", KERR_PARSE, 2);
  err_is("income > 1", KERR_PARSE, 0);
  err_is("foo(1)", KERR_PARSE, 0);
  err_is("min()", KERR_PARSE, 0);
  err_is("if(true, 1)", KERR_PARSE, 0);
  err_is("round(1, 2, 3)", KERR_PARSE, 12);
  err_is("'abc", KERR_PARSE, 0);
  err_is("'a\\n'", KERR_PARSE, 2);
  err_is("1 < 2 < 3", KERR_PARSE, 6);
  err_is("1 && 2", KERR_PARSE, 2);
  err_is("!true", KERR_PARSE, 0);
  err_is("1.23456", KERR_PARSE, 0);
  err_is("1.2.3", KERR_PARSE, 0);
  err_is("12abc", KERR_PARSE, 2);
  err_is("1 # 2", KERR_PARSE, 2);
  err_is("${member.age} > 1", KERR_PARSE, 0);
  err_is("${a.b}", KERR_PARSE, 0);
  err_is("count(1, true)", KERR_PARSE, 6);
  err_is("count(${members}, count(${members}, true) > 1)", KERR_PARSE, 18);
  err_is("selected(${needs})", KERR_PARSE, 9);
  err_is("answered(1)", KERR_PARSE, 9);
  err_is("std.", KERR_PARSE, 4);
  err_is("", KERR_PARSE, 0);
  err_is("999999999999", KERR_PARSE, 0);
  {
    expr *e = NULL;
    expr_error err;
    CHECK_INT(expr_parse("1 +\0 2", 6, &e, &err), KERR_PARSE);
    CHECK_INT(err.offset, 3);
    CHECK(e == NULL);
  }

  /* Limits. */
  {
    char *src = malloc(EXPR_MAX_SOURCE + 16);
    expr *e = NULL;
    expr_error err;
    /* Longest allowed source parses; one byte more does not. */
    memset(src, ' ', EXPR_MAX_SOURCE);
    src[0] = '1';
    CHECK_INT(expr_parse(src, EXPR_MAX_SOURCE, &e, &err), KERR_OK);
    expr_destroy(e);
    CHECK_INT(expr_parse(src, EXPR_MAX_SOURCE + 1, &e, &err), KERR_LIMIT);
    /* Nesting: 31 pairs of brackets are fine, 40 are not. */
    size_t n = 0;
    for (int i = 0; i < 31; i++)
      src[n++] = '(';
    src[n++] = '1';
    for (int i = 0; i < 31; i++)
      src[n++] = ')';
    CHECK_INT(expr_parse(src, n, &e, &err), KERR_OK);
    expr_destroy(e);
    n = 0;
    for (int i = 0; i < 40; i++)
      src[n++] = '(';
    src[n++] = '1';
    for (int i = 0; i < 40; i++)
      src[n++] = ')';
    CHECK_INT(expr_parse(src, n, &e, &err), KERR_LIMIT);
    CHECK_INT(err.offset, 32);
    n = 0;
    for (int i = 0; i < 100; i++)
      n += (size_t)sprintf(src + n, "not ");
    n += (size_t)sprintf(src + n, "true");
    CHECK_INT(expr_parse(src, n, &e, &err), KERR_LIMIT);
    /* Tree depth: a long chain of additions. */
    n = (size_t)sprintf(src, "1");
    for (int i = 0; i < 70; i++)
      n += (size_t)sprintf(src + n, "+1");
    CHECK_INT(expr_parse(src, n, &e, &err), KERR_LIMIT);
    /* Node count: a wide min() tree of sums within the depth limit. */
    n = 0;
    for (int j = 0; j < 40; j++)
      n += (size_t)sprintf(src + n, "%smin(1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1)",
                           j ? "+" : "");
    CHECK_INT(expr_parse(src, n, &e, &err), KERR_LIMIT);
    CHECK(strstr(err.msg, "nodes") != NULL);
    free(src);
  }

  /* Names an expression refers to. */
  {
    expr *e;
    expr_error err;
    int counts[8] = {0};
    const char *s = "count(${members}, ${member.age} > 60) > 0 and "
                    "${income} < std.dibao_urban_month and selected('dibao')";
    CHECK_INT(expr_parse(s, strlen(s), &e, &err), KERR_OK);
    CHECK_INT(expr_visit_names(e, count_names, counts), KERR_OK);
    CHECK_INT(counts[EXPR_NAME_FIELD], 2);
    CHECK_INT(counts[EXPR_NAME_MEMBER], 1);
    CHECK_INT(counts[EXPR_NAME_STANDARD], 1);
    CHECK_INT(counts[EXPR_NAME_ITEM], 1);
    expr_destroy(e);
  }

  /* Number helpers. */
  {
    char buf[32];
    int64_t v;
    CHECK_INT(expr_num_format(7900000, 2, buf, sizeof buf), 3);
    CHECK_STR(buf, "790");
    expr_num_format(4861111, 2, buf, sizeof buf);
    CHECK_STR(buf, "486.11");
    expr_num_format(4865000, 2, buf, sizeof buf);
    CHECK_STR(buf, "486.5");
    expr_num_format(4865000, 0, buf, sizeof buf);
    CHECK_STR(buf, "487");
    expr_num_format(-4865000, 0, buf, sizeof buf);
    CHECK_STR(buf, "-487");
    expr_num_format(-1, 2, buf, sizeof buf);
    CHECK_STR(buf, "0");
    expr_num_format(12345, 4, buf, sizeof buf);
    CHECK_STR(buf, "1.2345");
    CHECK_INT(expr_num_from_double(2370.5, &v), KERR_OK);
    CHECK(v == 23705000);
    CHECK_INT(expr_num_from_double(0.1, &v), KERR_OK);
    CHECK(v == 1000);
    CHECK_INT(expr_num_from_double(1e300, &v), KERR_RANGE);
    CHECK_INT(expr_num_parse("-12.5", 5, &v), KERR_OK);
    CHECK(v == -125000);
    CHECK_INT(expr_num_parse("12.", 3, &v), KERR_PARSE);
    CHECK_INT(expr_num_parse("", 0, &v), KERR_PARSE);
    CHECK_INT(expr_num_parse("1e5", 3, &v), KERR_PARSE);
  }
  return TEST_DONE();
}
