/* expr: the small expression language shared by the screener's rules and the
 * form's `relevant` / `constraint` conditions (docs/expressions.md).
 *
 *   ${income} / ${household_size} < std.dibao_urban_month
 *   count(${members}, ${member.age} >= 60 and ${member.disabled}) > 0
 *   selected('dibao') or if(${hukou} = 'rural', 1, 0) = 1
 *
 * A source string is parsed once into a compact tree (one allocation) and
 * then evaluated any number of times against an environment of callbacks.
 * The tree is immutable after parsing, so one parsed expression may be
 * evaluated from several threads at once with different environments.
 *
 * Numbers are exact decimal fixed point: an int64 counting 1/10000 units
 * (EXPR_SCALE). + and - are exact; * and / round half away from zero to four
 * decimals; magnitudes beyond EXPR_NUM_MAX are an evaluation error, never a
 * wrap-around. So money compares exactly: 2370 / 3 = 790 is equal to 790.
 *
 * Evaluation never answers "false" for a problem: a missing value, a type
 * mismatch, division by zero or overflow return an error (with the byte
 * offset of the sub-expression at fault), so a caller can tell "the rule
 * does not hold" from "the rule could not be decided".
 *
 * Limits (parse errors with KERR_LIMIT): source EXPR_MAX_SOURCE bytes,
 * EXPR_MAX_NODES tree nodes, EXPR_MAX_NESTING levels of nested brackets,
 * calls, `not` and unary minus, EXPR_MAX_DEPTH levels of tree depth. */
#ifndef KIOSK_CORE_EXPR_H
#define KIOSK_CORE_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "core/kerr.h"
#include "core/validate.h"

#define EXPR_MAX_SOURCE 4096
#define EXPR_MAX_NODES 512
#define EXPR_MAX_NESTING 32
#define EXPR_MAX_DEPTH 64
#define EXPR_MAX_NAME 64 /* field, member-field, standard and item names */

#define EXPR_SCALE 10000LL
/* Largest magnitude of a number: 10^11 units (10^15 scaled). */
#define EXPR_NUM_MAX 1000000000000000LL

typedef struct expr expr;

typedef enum expr_type {
  EXPR_BOOL = 1,
  EXPR_NUM,
  EXPR_STR
} expr_type;

/* A value. Strings are borrowed: from the parsed expression or from the
 * environment; they are valid for as long as both are. */
typedef struct expr_value {
  expr_type type;
  int b;       /* EXPR_BOOL: 0 or 1 */
  int64_t num; /* EXPR_NUM: value * EXPR_SCALE */
  const char *str; /* EXPR_STR: not NUL-terminated */
  size_t len;
} expr_value;

/* Where a parse or evaluation problem is. The message is short English for
 * developers and content authors (never shown to citizens). */
typedef struct expr_error {
  size_t offset; /* byte offset into the source */
  char msg[120];
} expr_error;

/* The environment an expression is evaluated against. Every callback may be
 * NULL (then the corresponding construct is "missing"). Names are passed as
 * (pointer, length), not NUL-terminated. A callback returns KERR_OK with the
 * value, KERR_NOTFOUND when the value is not known (not answered), or any
 * other kerr to abort evaluation with that error. */
typedef struct expr_env {
  void *ud;
  /* ${name} */
  kerr (*field)(void *ud, const char *name, size_t len, expr_value *out);
  /* number of entries in the repeat group ${group} (count/sum) */
  kerr (*group_size)(void *ud, const char *group, size_t glen, size_t *n);
  /* ${member.name} for entry `index` of `group` inside count/sum */
  kerr (*member_field)(void *ud, const char *group, size_t glen, size_t index,
                       const char *name, size_t len, expr_value *out);
  /* std.name */
  kerr (*standard)(void *ud, const char *name, size_t len, expr_value *out);
  /* selected('item'): whether the assistance item is chosen */
  kerr (*item_selected)(void *ud, const char *item, size_t len, int *out);
  /* "today" for age_from_id(); required if the expression uses it */
  validate_date today;
} expr_env;

/* Parses `len` bytes of `src` (need not be NUL-terminated). On success
 * *out owns a new expression (expr_destroy). On failure returns KERR_PARSE
 * (syntax), KERR_LIMIT (a limit above) or KERR_NOMEM, *out is NULL and
 * *err (if not NULL) says where and what. */
kerr expr_parse(const char *src, size_t len, expr **out, expr_error *err);

/* Frees an expression; NULL is fine. */
void expr_destroy(expr *e);

/* The source text the expression was parsed from (NUL-terminated copy). */
const char *expr_source(const expr *e);

/* Evaluates. On KERR_OK *out holds the value (strings borrowed as above).
 * Errors: KERR_NOTFOUND a value is missing (not answered), KERR_INVALID a
 * type mismatch or bad argument, KERR_RANGE division by zero or overflow,
 * or whatever a callback returned. *err says where. */
kerr expr_eval(const expr *e, const expr_env *env, expr_value *out,
               expr_error *err);

/* Evaluates and requires a boolean (KERR_INVALID otherwise). */
kerr expr_eval_bool(const expr *e, const expr_env *env, int *out,
                    expr_error *err);

/* Evaluates and requires a number (KERR_INVALID otherwise). */
kerr expr_eval_num(const expr *e, const expr_env *env, int64_t *out,
                   expr_error *err);

/* Kinds of names an expression refers to, for expr_visit_names(). */
typedef enum expr_name_kind {
  EXPR_NAME_FIELD = 1,  /* ${name}, including count/sum group names */
  EXPR_NAME_MEMBER,     /* ${member.name} */
  EXPR_NAME_STANDARD,   /* std.name */
  EXPR_NAME_ITEM        /* selected('name') */
} expr_name_kind;

/* Calls fn for every name the expression refers to, once per occurrence,
 * in no particular order (`offset` says where each one is), so content
 * checks can verify that fields and
 * standards exist and form engines can track dependencies. Stops early and
 * returns fn's result when it is not KERR_OK. */
kerr expr_visit_names(const expr *e,
                      kerr (*fn)(void *ud, expr_name_kind kind,
                                 const char *name, size_t len, size_t offset),
                      void *ud);

/* Value helpers. */
expr_value expr_value_num(int64_t scaled);
expr_value expr_value_int(long long units); /* units * EXPR_SCALE */
expr_value expr_value_bool(int b);
expr_value expr_value_str(const char *s, size_t len);

/* Converts a double (e.g. a JSON number) to fixed point, rounding half away
 * from zero to four decimals. KERR_RANGE if not finite or too large. */
kerr expr_num_from_double(double d, int64_t *scaled);

/* Parses a plain decimal string ("-12", "790.5", at most 4 decimals) into
 * fixed point. KERR_PARSE or KERR_RANGE on failure. */
kerr expr_num_parse(const char *s, size_t len, int64_t *scaled);

/* Formats a fixed-point number with at most `decimals` (0..4) decimals,
 * rounded half away from zero, trailing zeros after the point removed:
 * 7900000 -> "790", 4861111 -> "486.11" (decimals 2). Returns the length
 * written (buf always NUL-terminated when cap > 0). */
size_t expr_num_format(int64_t scaled, int decimals, char *buf, size_t cap);

#endif
