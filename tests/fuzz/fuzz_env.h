/* A fixed expression environment for the fuzz targets and the deterministic
 * fuzz test: a few fields of every type, a three-member group, standards
 * and selected items. Every callback answers from constant tables, so any
 * input is evaluated the same way every time. Header-only on purpose: each
 * fuzz program includes it once. */
#ifndef TESTS_FUZZ_ENV_H
#define TESTS_FUZZ_ENV_H

#include <string.h>

#include "core/expr.h"

static int fuzz_is(const char *a, const char *b, size_t n) {
  return strlen(a) == n && memcmp(a, b, n) == 0;
}

static kerr fuzz_field(void *ud, const char *name, size_t len,
                       expr_value *out) {
  (void)ud;
  if (fuzz_is("income", name, len))
    *out = expr_value_int(2370);
  else if (fuzz_is("household_size", name, len))
    *out = expr_value_int(3);
  else if (fuzz_is("zero", name, len))
    *out = expr_value_int(0);
  else if (fuzz_is("big", name, len))
    *out = expr_value_num(EXPR_NUM_MAX);
  else if (fuzz_is("hukou", name, len))
    *out = expr_value_str("rural", 5);
  else if (fuzz_is("id_number", name, len))
    *out = expr_value_str("11010519491231002X", 18);
  else if (fuzz_is("crisis", name, len))
    *out = expr_value_bool(1);
  else if (fuzz_is("needs", name, len))
    *out = expr_value_str("food medicine", 13);
  else
    return KERR_NOTFOUND;
  return KERR_OK;
}

static kerr fuzz_group(void *ud, const char *g, size_t glen, size_t *n) {
  (void)ud;
  if (!fuzz_is("members", g, glen))
    return KERR_NOTFOUND;
  *n = 3;
  return KERR_OK;
}

static kerr fuzz_member(void *ud, const char *g, size_t glen, size_t i,
                        const char *name, size_t len, expr_value *out) {
  (void)ud;
  (void)g;
  (void)glen;
  if (fuzz_is("age", name, len))
    *out = expr_value_int(20 + 25 * (long long)i);
  else if (fuzz_is("income", name, len))
    *out = expr_value_int(1000 * (long long)i);
  else if (fuzz_is("disabled", name, len))
    *out = expr_value_bool(i == 1);
  else if (fuzz_is("id_number", name, len))
    *out = expr_value_str("11010519491231002X", 18);
  else
    return KERR_NOTFOUND;
  return KERR_OK;
}

static kerr fuzz_std(void *ud, const char *name, size_t len, expr_value *out) {
  (void)ud;
  if (fuzz_is("dibao_urban_month", name, len))
    *out = expr_value_int(790);
  else if (fuzz_is("dibao_rural_month", name, len))
    *out = expr_value_int(655);
  else
    return KERR_NOTFOUND;
  return KERR_OK;
}

static kerr fuzz_selected(void *ud, const char *item, size_t len, int *out) {
  (void)ud;
  *out = fuzz_is("dibao", item, len);
  return KERR_OK;
}

static const expr_env fuzz_env = {NULL,         fuzz_field, fuzz_group,
                                  fuzz_member,  fuzz_std,   fuzz_selected,
                                  {2025, 7, 1}};

static kerr fuzz_visit(void *ud, expr_name_kind kind, const char *name,
                       size_t len, size_t offset) {
  size_t *total = ud;
  (void)kind;
  (void)name;
  *total += len + offset;
  return KERR_OK;
}

/* Parses and evaluates one input; returns 0 if every invariant held. */
static int fuzz_one(const char *data, size_t size) {
  expr *e = NULL;
  expr_error err;
  kerr r = expr_parse(data, size, &e, &err);
  if (r) {
    if (e || err.offset > size + 1 || !err.msg[0])
      return -1;
    return r == KERR_PARSE || r == KERR_LIMIT || r == KERR_NOMEM ? 0 : -1;
  }
  int bad = 0;
  if (strlen(expr_source(e)) != size || memcmp(expr_source(e), data, size))
    bad = 1;
  size_t total = 0;
  expr_visit_names(e, fuzz_visit, &total);
  expr_value v;
  r = expr_eval(e, &fuzz_env, &v, &err);
  if (r == KERR_OK) {
    if (v.type != EXPR_BOOL && v.type != EXPR_NUM && v.type != EXPR_STR)
      bad = 1;
    if (v.type == EXPR_NUM && (v.num > EXPR_NUM_MAX || v.num < -EXPR_NUM_MAX))
      bad = 1;
    if (v.type == EXPR_STR && v.len && !v.str)
      bad = 1;
  } else if (r != KERR_NOTFOUND && r != KERR_INVALID && r != KERR_RANGE &&
             r != KERR_LIMIT) {
    bad = 1;
  } else if (err.offset > size || !err.msg[0]) {
    bad = 1;
  }
  int b;
  int64_t n;
  expr_eval_bool(e, &fuzz_env, &b, NULL);
  expr_eval_num(e, &fuzz_env, &n, NULL);
  expr_destroy(e);
  return bad ? -1 : 0;
}

#endif
