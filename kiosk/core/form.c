/* form: the engine that fills one combined form (see form.h).
 *
 * Which fields are asked is recomputed after every change by form_settle():
 * a field is asked when one of the chosen items needs it and its `relevant`
 * condition holds (a condition that cannot be decided, e.g. because it
 * reads an answer that is not there, counts as "does not hold": the form
 * never asks about something that depends on an unknown fact). Conditions
 * may read fields anywhere in the form, so the flags are iterated to a fixed
 * point (bounded by SETTLE_MAX_PASSES); only then are the answers of fields
 * that are not asked wiped. Expressions only ever see answers of asked
 * fields, so a wiped answer cannot change any condition.
 *
 * The cursor walks asked steps in schema order: a top-level field, a repeat
 * group's list (FORM_STEP_GROUP), or, while an entry is being edited, that
 * entry's asked member fields; after the last one it comes back to the
 * group's list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/form_private.h"
#include "core/idcard.h"
#include "core/jsonload.h"
#include "core/log.h"
#include "core/session.h"
#include "core/utf8.h"

#define SETTLE_MAX_PASSES 32
#define MAX_EVAL_NESTING 8 /* computed values evaluated inside one another */
#define SCRATCH_SLOTS 16

/* ---- small helpers --------------------------------------------------------- */

const char *form_text(const form *f, const char *key, const char *fallback) {
  char k[80];
  snprintf(k, sizeof k, "form.%s", key);
  const char *s = f && f->c ? content_string_find(f->c, k) : NULL;
  return s ? s : fallback;
}

static void res_set(form_result *res, form_status st, const char *msg) {
  if (!res)
    return;
  res->status = st;
  snprintf(res->message, sizeof res->message, "%s", msg ? msg : "");
}

/* Copies template t to out replacing {name} by the matching value. */
static void fill(char *out, size_t cap, const char *t, const char *const *names,
                 const char *const *vals, size_t n) {
  size_t o = 0;
  if (!cap)
    return;
  while (*t && o + 1 < cap) {
    int done = 0;
    if (*t == '{')
      for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        if (strncmp(t + 1, names[i], l) == 0 && t[1 + l] == '}') {
          size_t vl = strlen(vals[i]);
          if (o + vl >= cap)
            vl = cap - 1 - o;
          memcpy(out + o, vals[i], vl);
          o += vl;
          t += l + 2;
          done = 1;
          break;
        }
      }
    if (!done)
      out[o++] = *t++;
  }
  out[o] = '\0';
}

void form_answer_wipe(form_answer *a) {
  if (a->text) {
    session_wipe_bytes(a->text, a->text_len);
    free(a->text);
  }
  if (a->blob) {
    session_wipe_bytes(a->blob, a->blob_len);
    free(a->blob);
  }
  if (a->invalid) {
    session_wipe_bytes(a->invalid, strlen(a->invalid));
    free(a->invalid);
  }
  session_wipe_bytes(a, sizeof *a);
}

static int item_chosen(const form *f, const char *id, size_t len) {
  for (size_t i = 0; i < f->n_items; i++)
    if (strlen(f->items[i]) == len && memcmp(f->items[i], id, len) == 0)
      return 1;
  return 0;
}

/* Whether one of the chosen items needs the field (member fields without a
 * needed_by of their own take their group's). */
static int needed(const form *f, const form_field *fd) {
  const form_field *src = fd->n_needed_by || !fd->group ? fd : fd->group;
  for (size_t i = 0; i < src->n_needed_by; i++)
    if (strcmp(src->needed_by[i], "*") == 0 ||
        item_chosen(f, src->needed_by[i], strlen(src->needed_by[i])))
      return 1;
  return 0;
}

form_answer *form_slot(const form *f, const form_field *fd, int member) {
  if (!fd->group)
    return member < 0 && fd->index < f->s->n_top ? &f->top[fd->index] : NULL;
  size_t g = form_group_index(f->s, fd->group);
  if (g >= f->s->n_grp || member < 0 || (size_t)member >= f->groups[g].n)
    return NULL;
  return &f->groups[g].e[member].a[fd->index];
}

int form_is_asked(const form *f, const form_field *fd, int member) {
  if (!fd->group)
    return member < 0 && fd->index < f->s->n_top && f->asked[fd->index];
  size_t g = form_group_index(f->s, fd->group);
  if (g >= f->s->n_grp || member < 0 || (size_t)member >= f->groups[g].n)
    return 0;
  return f->groups[g].e[member].asked[fd->index];
}

/* ---- expressions ----------------------------------------------------------- */

typedef struct ectx {
  const form *f;
  const form_group_info *g; /* member scope, or NULL */
  int member;
  int depth;
  char (*scratch)[12]; /* birth dates handed out as strings */
  size_t *n_scratch;
} ectx;

static kerr answer_value(const form_field *fd, const form_answer *a,
                         expr_value *v) {
  if (!a || !a->set)
    return KERR_NOTFOUND;
  switch (fd->type) {
  case FORM_T_NUMBER:
    *v = expr_value_num(a->num);
    return KERR_OK;
  case FORM_T_MONEY:
    *v = expr_value_num(a->num * 100);
    return KERR_OK;
  case FORM_T_BOOLEAN:
    *v = expr_value_bool((int)a->num);
    return KERR_OK;
  case FORM_T_SIGNATURE:
    *v = expr_value_bool(1);
    return KERR_OK;
  case FORM_T_REPEAT:
    return KERR_INVALID;
  default:
    *v = expr_value_str(a->text, a->text_len);
    return KERR_OK;
  }
}

static kerr computed_eval(const ectx *x, const form_computed *cv, int member,
                          expr_value *v);

static const form_field *find_field(const form_field *a, size_t n,
                                    const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (a[i].id && strlen(a[i].id) == len && memcmp(a[i].id, name, len) == 0)
      return &a[i];
  return NULL;
}

static const form_computed *find_comp(const form_computed *a, size_t n,
                                      const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (a[i].id && strlen(a[i].id) == len && memcmp(a[i].id, name, len) == 0)
      return &a[i];
  return NULL;
}

/* A member field or computed value of entry m of group g. */
static kerr member_value(const ectx *x, const form_group_info *g, size_t m,
                         const char *name, size_t len, expr_value *v) {
  const form *f = x->f;
  size_t gi = (size_t)(g - f->s->grp);
  if (m >= f->groups[gi].n)
    return KERR_NOTFOUND;
  const form_field *fd = find_field(g->fields, g->n_fields, name, len);
  if (fd) {
    const form_entry *e = &f->groups[gi].e[m];
    if (!e->asked[fd->index])
      return KERR_NOTFOUND;
    return answer_value(fd, &e->a[fd->index], v);
  }
  const form_computed *cv = find_comp(g->comp, g->n_comp, name, len);
  if (cv)
    return computed_eval(x, cv, (int)m, v);
  return KERR_NOTFOUND;
}

static kerr env_field(void *ud, const char *name, size_t len, expr_value *v) {
  const ectx *x = ud;
  const form *f = x->f;
  if (x->g && x->member >= 0) {
    kerr r = member_value(x, x->g, (size_t)x->member, name, len, v);
    if (r != KERR_NOTFOUND ||
        find_field(x->g->fields, x->g->n_fields, name, len) ||
        find_comp(x->g->comp, x->g->n_comp, name, len))
      return r;
  }
  const form_field *fd = find_field(f->s->top, f->s->n_top, name, len);
  if (fd) {
    if (!f->asked[fd->index])
      return KERR_NOTFOUND;
    return answer_value(fd, &f->top[fd->index], v);
  }
  const form_computed *cv = find_comp(f->s->comp, f->s->n_comp, name, len);
  if (cv)
    return computed_eval(x, cv, -1, v);
  return KERR_NOTFOUND;
}

static const form_group_info *group_named(const form *f, const char *name,
                                          size_t len) {
  for (size_t g = 0; g < f->s->n_grp; g++) {
    const form_field *gf = f->s->grp[g].group;
    if (gf->id && strlen(gf->id) == len && memcmp(gf->id, name, len) == 0)
      return f->asked[gf->index] ? &f->s->grp[g] : NULL;
  }
  return NULL;
}

static kerr env_group_size(void *ud, const char *group, size_t glen,
                           size_t *n) {
  const ectx *x = ud;
  const form_group_info *g = group_named(x->f, group, glen);
  if (!g)
    return KERR_NOTFOUND;
  *n = x->f->groups[g - x->f->s->grp].n;
  return KERR_OK;
}

static kerr env_member_field(void *ud, const char *group, size_t glen,
                             size_t index, const char *name, size_t len,
                             expr_value *v) {
  const ectx *x = ud;
  const form_group_info *g = group_named(x->f, group, glen);
  if (!g)
    return KERR_NOTFOUND;
  return member_value(x, g, index, name, len, v);
}

static kerr env_item(void *ud, const char *item, size_t len, int *out) {
  const ectx *x = ud;
  *out = item_chosen(x->f, item, len);
  return KERR_OK;
}

static expr_env make_env(const ectx *x) {
  expr_env env = {(void *)x, env_field, env_group_size, env_member_field,
                  NULL,      env_item,  x->f->today};
  return env;
}

/* A root evaluation context; scratch lives in the caller's frame. */
#define ECTX_ROOT(name, form_, g_, member_)                                     \
  char name##_scratch[SCRATCH_SLOTS][12];                                      \
  size_t name##_n = 0;                                                         \
  ectx name = {(form_), (g_), (member_), 0, name##_scratch, &name##_n}

static kerr id_fact(const ectx *x, const form_computed *cv, int member,
                    expr_value *v) {
  const form *f = x->f;
  const form_answer *a;
  if (cv->group) {
    size_t gi = form_group_index(f->s, cv->group);
    if (member < 0 || gi >= f->s->n_grp || (size_t)member >= f->groups[gi].n ||
        !f->groups[gi].e[member].asked[cv->from->index])
      return KERR_NOTFOUND;
    a = &f->groups[gi].e[member].a[cv->from->index];
  } else {
    if (!f->asked[cv->from->index])
      return KERR_NOTFOUND;
    a = &f->top[cv->from->index];
  }
  if (!a->set)
    return KERR_NOTFOUND;
  idcard_info info;
  validate_note note;
  kerr r = idcard_parse(a->text, a->text_len, &f->today, &info, &note);
  if (r) {
    session_wipe_bytes(&info, sizeof info);
    return KERR_NOTFOUND;
  }
  switch (cv->part) {
  case FORM_ID_AGE:
    *v = expr_value_int(idcard_age(&info, &f->today));
    break;
  case FORM_ID_SEX:
    *v = info.male ? expr_value_str("male", 4) : expr_value_str("female", 6);
    break;
  case FORM_ID_BIRTH_DATE:
    if (*x->n_scratch >= SCRATCH_SLOTS) {
      r = KERR_LIMIT;
      break;
    }
    {
      char *buf = x->scratch[(*x->n_scratch)++], tmp[40];
      snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", info.birth.year,
               info.birth.month, info.birth.day);
      memcpy(buf, tmp, 11);
      buf[10] = '\0';
      *v = expr_value_str(buf, 10);
    }
    break;
  default:
    r = KERR_NOTFOUND;
  }
  session_wipe_bytes(&info, sizeof info);
  return r;
}

static kerr computed_eval(const ectx *x, const form_computed *cv, int member,
                          expr_value *v) {
  if (x->depth >= MAX_EVAL_NESTING)
    return KERR_LIMIT;
  ectx in = *x;
  in.depth = x->depth + 1;
  in.g = cv->group ? form_group_of(x->f->s, cv->group) : NULL;
  in.member = cv->group ? member : -1;
  expr_env env = make_env(&in);
  expr_error err;
  if (cv->relevant) {
    int holds = 0;
    kerr r = expr_eval_bool(cv->relevant, &env, &holds, &err);
    if (r || !holds)
      return r ? r : KERR_NOTFOUND;
  }
  if (cv->from)
    return id_fact(&in, cv, member, v);
  if (!cv->e)
    return KERR_NOTFOUND;
  return expr_eval(cv->e, &env, v, &err);
}

kerr form_computed_value(const form *f, const form_computed *cv, int member,
                         expr_value *v, char *sbuf, size_t scap) {
  ECTX_ROOT(x, f, NULL, -1);
  kerr r = computed_eval(&x, cv, member, v);
  if (r == KERR_OK && v->type == EXPR_STR) {
    /* The string may live in this frame's scratch: copy it out. */
    size_t n = v->len < scap ? v->len : (scap ? scap - 1 : 0);
    if (scap) {
      memcpy(sbuf, v->str, n);
      sbuf[n] = '\0';
    }
    v->str = sbuf;
    v->len = n;
  }
  return r;
}

/* Whether `e` holds in the scope of a field. -1 when undecided. */
static int holds_in(const form *f, const expr *e, const form_field *fd,
                    int member) {
  ECTX_ROOT(x, f, fd->group ? form_group_of(f->s, fd->group) : NULL,
            fd->group ? member : -1);
  expr_env env = make_env(&x);
  expr_error err;
  int b = 0;
  if (expr_eval_bool(e, &env, &b, &err))
    return -1;
  return b;
}

/* The first requirement of a chosen item that is fixed at top-level field
 * t and does not hold (NULL: none). */
static const form_requirement *unmet_requirement(const form *f,
                                                 const form_field *t) {
  for (size_t i = 0; i < f->s->n_req; i++) {
    const form_requirement *q = &f->s->req[i];
    if (q->field != t)
      continue;
    int applies = 0;
    for (size_t k = 0; k < q->n_items && !applies; k++)
      applies = item_chosen(f, q->items[k], strlen(q->items[k]));
    if (applies && holds_in(f, q->holds, t, -1) != 1)
      return q;
  }
  return NULL;
}

/* Turns an acceptable top-level result into FORM_CONSTRAINT when an item's
 * requirement fixed at t does not hold. */
static void requirements_check(const form *f, const form_field *t,
                               form_result *r) {
  const form_requirement *q;
  if (r->status == FORM_OK && (q = unmet_requirement(f, t)) != NULL)
    res_set(r, FORM_CONSTRAINT, q->message);
}

int form_urgent(const form *f) {
  for (size_t i = 0; i < f->s->n_urgent; i++)
    if (item_chosen(f, f->s->urgent[i], strlen(f->s->urgent[i])))
      return 1;
  return f->s->urgent_when && f->s->n_top &&
         holds_in(f, f->s->urgent_when, &f->s->top[0], -1) == 1;
}

/* ---- settling ---------------------------------------------------------------- */

static int field_asked_now(const form *f, const form_field *fd, int member) {
  if (!needed(f, fd))
    return 0;
  if (fd->group && !f->asked[fd->group->index])
    return 0;
  return !fd->relevant || holds_in(f, fd->relevant, fd, member) == 1;
}

void form_entry_wipe(form_entry *e, size_t n_fields) {
  if (e->a)
    for (size_t k = 0; k < n_fields; k++)
      form_answer_wipe(&e->a[k]);
  free(e->a);
  free(e->asked);
  e->a = NULL;
  e->asked = NULL;
}

void form_settle(form *f) {
  const form_schema *s = f->s;
  int changed = 1;
  for (int pass = 0; changed && pass < SETTLE_MAX_PASSES; pass++) {
    changed = 0;
    for (size_t i = 0; i < s->n_top; i++) {
      const form_field *fd = &s->top[i];
      int a = field_asked_now(f, fd, -1);
      if (a != f->asked[i]) {
        f->asked[i] = a;
        changed = 1;
      }
      if (fd->type != FORM_T_REPEAT)
        continue;
      size_t gi = form_group_index(s, fd);
      form_group_state *gs = &f->groups[gi];
      for (size_t m = 0; m < gs->n; m++)
        for (size_t k = 0; k < fd->n_fields; k++) {
          int b = field_asked_now(f, &fd->fields[k], (int)m);
          if (b != gs->e[m].asked[k]) {
            gs->e[m].asked[k] = b;
            changed = 1;
          }
        }
    }
  }
  if (changed)
    LOG_W("form", "relevance did not settle after %d passes",
          SETTLE_MAX_PASSES);
  /* Forget what is not asked. */
  for (size_t i = 0; i < s->n_top; i++) {
    const form_field *fd = &s->top[i];
    if (fd->type == FORM_T_REPEAT) {
      form_group_state *gs = &f->groups[form_group_index(s, fd)];
      if (!f->asked[i]) {
        for (size_t m = 0; m < gs->n; m++)
          form_entry_wipe(&gs->e[m], fd->n_fields);
        gs->n = 0;
        continue;
      }
      for (size_t m = 0; m < gs->n; m++)
        for (size_t k = 0; k < fd->n_fields; k++)
          if (!gs->e[m].asked[k] &&
              (gs->e[m].a[k].set || gs->e[m].a[k].invalid))
            form_answer_wipe(&gs->e[m].a[k]);
    } else if (!f->asked[i] && (f->top[i].set || f->top[i].invalid)) {
      form_answer_wipe(&f->top[i]);
    }
  }
}

/* ---- storing values ------------------------------------------------------- */

static int store_text_copy(form_answer *a, const char *s, size_t len) {
  char *t = malloc(len + 1);
  if (!t)
    return -1;
  memcpy(t, s, len);
  t[len] = '\0';
  form_answer_wipe(a);
  a->text = t;
  a->text_len = len;
  a->set = 1;
  return 0;
}

static kerr mark_invalid(form_answer *a, const char *msg, form_result *res) {
  form_answer_wipe(a);
  a->invalid = strdup(msg);
  res_set(res, FORM_INVALID, msg);
  return a->invalid ? KERR_OK : KERR_NOMEM;
}

static int is_han(uint32_t cp) {
  return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F) ||
         cp == 0x00B7 || cp == 0x30FB || cp == 0x2022; /* name dots */
}

/* Trims ASCII and ideographic spaces at both ends. */
static void trim(const char **s, size_t *len) {
  for (;;) {
    if (*len && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
      (*s)++;
      (*len)--;
    } else if (*len >= 3 && memcmp(*s, "\xe3\x80\x80", 3) == 0) {
      *s += 3;
      *len -= 3;
    } else if (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
                        (*s)[*len - 1] == '\n')) {
      (*len)--;
    } else if (*len >= 3 && memcmp(*s + *len - 3, "\xe3\x80\x80", 3) == 0) {
      *len -= 3;
    } else {
      return;
    }
  }
}

/* The Luhn (mod 10) check over ASCII digits. */
static int luhn_ok(const char *s, size_t len) {
  int sum = 0;
  for (size_t i = 0; i < len; i++) {
    int d = s[len - 1 - i] - '0';
    if (i % 2 == 1 && (d *= 2) > 9)
      d -= 9;
    sum += d;
  }
  return len > 1 && sum % 10 == 0;
}

/* Full-width digits, point and minus to ASCII; spaces dropped when
 * drop_spaces. out has room for len + 1 bytes. Returns the new length. */
static size_t ascii_digits(const char *s, size_t len, char *out,
                           int drop_spaces) {
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t n = utf8_decode(s + i, len - i, &cp);
    if (n == 0) {
      out[o++] = s[i++];
      continue;
    }
    if (cp >= 0xFF10 && cp <= 0xFF19)
      out[o++] = (char)('0' + (cp - 0xFF10));
    else if (cp == 0xFF0E || cp == 0x3002)
      out[o++] = '.';
    else if (cp == 0xFF0D)
      out[o++] = '-';
    else if (drop_spaces && (cp == ' ' || cp == 0x3000 || cp == '-'))
      ;
    else {
      memcpy(out + o, s + i, n);
      o += n;
    }
    i += n;
  }
  out[o] = '\0';
  return o;
}

static kerr store_number_scaled(const form *f, const form_field *fd,
                                form_answer *a, int64_t v, form_result *res) {
  char lo[40], hi[40];
  if (fd->type == FORM_T_MONEY) {
    expr_num_format(fd->min * 100, 2, lo, sizeof lo);
    expr_num_format(fd->max * 100, 2, hi, sizeof hi);
  } else {
    expr_num_format(fd->min, 4, lo, sizeof lo);
    expr_num_format(fd->max, 4, hi, sizeof hi);
  }
  if ((fd->has_min && v < fd->min) || (fd->has_max && v > fd->max)) {
    char msg[FORM_MAX_MESSAGE];
    const char *names[] = {"min", "max"}, *vals[] = {lo, hi};
    if (fd->has_min && fd->has_max)
      fill(msg, sizeof msg,
           form_text(f, "range", "请填写 {min} 到 {max} 之间的数。"), names,
           vals, 2);
    else if (fd->has_min)
      fill(msg, sizeof msg, form_text(f, "range_min", "请填写不小于 {min} 的数。"),
           names, vals, 2);
    else
      fill(msg, sizeof msg, form_text(f, "range_max", "请填写不大于 {max} 的数。"),
           names, vals, 2);
    return mark_invalid(a, msg, res);
  }
  form_answer_wipe(a);
  a->num = v;
  a->set = 1;
  a->needs_confirm = fd->confirm_above > 0 && v > fd->confirm_above;
  res_set(res, FORM_OK, "");
  return KERR_OK;
}

/* Stores a multi-choice / choice answer given as values. */
static kerr store_choices(const form *f, const form_field *fd, form_answer *a,
                          const char *const *values, size_t n,
                          form_result *res) {
  const char *bad = form_text(f, "choice", "请从下面的选项里选。");
  if (fd->type == FORM_T_CHOICE && n != 1)
    return mark_invalid(a, bad, res);
  if (n > fd->n_choices)
    return mark_invalid(a, bad, res);
  /* Keep the schema's order; refuse unknown or repeated values. */
  int seen[FORM_MAX_CHOICES] = {0};
  for (size_t i = 0; i < n; i++) {
    size_t k;
    for (k = 0; k < fd->n_choices; k++)
      if (values[i] && strcmp(values[i], fd->choices[k].value) == 0)
        break;
    if (k == fd->n_choices || seen[k])
      return mark_invalid(a, bad, res);
    seen[k] = 1;
  }
  char buf[FORM_MAX_CHOICES * (FORM_MAX_ID + 1) + 1];
  size_t o = 0;
  for (size_t k = 0; k < fd->n_choices; k++)
    if (seen[k]) {
      size_t l = strlen(fd->choices[k].value);
      if (o)
        buf[o++] = ' ';
      memcpy(buf + o, fd->choices[k].value, l);
      o += l;
    }
  if (n == 0) {
    form_answer_wipe(a);
    res_set(res, FORM_OK, "");
    return KERR_OK;
  }
  if (store_text_copy(a, buf, o))
    return KERR_NOMEM;
  res_set(res, FORM_OK, "");
  return KERR_OK;
}

/* Splits a space-separated list into at most FORM_MAX_CHOICES values and
 * stores them. */
static kerr store_choice_text(const form *f, const form_field *fd,
                              form_answer *a, const char *s, size_t len,
                              form_result *res) {
  char buf[FORM_MAX_CHOICES * (FORM_MAX_ID + 1) + 1];
  const char *vals[FORM_MAX_CHOICES + 1];
  size_t n = 0;
  if (len >= sizeof buf)
    return mark_invalid(a, form_text(f, "choice", "请从下面的选项里选。"), res);
  memcpy(buf, s, len);
  buf[len] = '\0';
  for (char *p = buf; *p;) {
    while (*p == ' ')
      *p++ = '\0';
    if (!*p)
      break;
    if (n == FORM_MAX_CHOICES + 1)
      break;
    vals[n++] = p;
    while (*p && *p != ' ')
      p++;
  }
  if (n > FORM_MAX_CHOICES)
    return mark_invalid(a, form_text(f, "choice", "请从下面的选项里选。"), res);
  return store_choices(f, fd, a, vals, n, res);
}

#define NORM_CAP (FORM_MAX_CHARS * 4 + 80)

/* store_text's work, normalising into norm (NORM_CAP bytes). */
static kerr store_text_in(const form *f, const form_field *fd, form_answer *a,
                          const char *s, size_t len, form_result *res,
                          char *norm) {
  validate_note note = {VALIDATE_OK, ""};
  kerr r;
  if (len > (size_t)FORM_MAX_CHARS * 4 + 64)
    return mark_invalid(a, validate_message(VALIDATE_TOO_LONG), res);
  if (!utf8_valid(s, len))
    return mark_invalid(a, validate_message(VALIDATE_BAD_UTF8), res);
  trim(&s, &len);
  switch (fd->type) {
  case FORM_T_TEXT:
  case FORM_T_CHINESE_TEXT:
  case FORM_T_ADDRESS: {
    if (fd->digits) {
      len = ascii_digits(s, len, norm, 1);
      s = norm;
      if (len == 0)
        return mark_invalid(a, validate_message(VALIDATE_EMPTY), res);
      if (strspn(s, "0123456789") != len)
        return mark_invalid(a, form_text(f, "digits", "这里只能填数字。"), res);
    }
    if (len == 0)
      return mark_invalid(a, validate_message(VALIDATE_EMPTY), res);
    size_t nch = 0;
    r = validate_text(s, len, fd->min_chars, fd->max_chars, fd->multiline,
                      &nch, &note);
    if (r)
      return mark_invalid(a, note.message, res);
    if (fd->type == FORM_T_CHINESE_TEXT)
      for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (!n || !is_han(cp))
          return mark_invalid(
              a, form_text(f, "chinese", "这里请只写汉字。少数民族名字中间的点可以写“·”。"),
              res);
        i += n;
      }
    if (store_text_copy(a, s, len))
      return KERR_NOMEM;
    /* Most bank cards carry a Luhn check digit, some do not: a failure is
     * a warning the applicant may confirm, not a refusal. */
    a->needs_confirm = fd->luhn && !luhn_ok(s, len);
    res_set(res, FORM_OK, "");
    return KERR_OK;
  }
  case FORM_T_NUMBER: {
    int64_t v;
    len = ascii_digits(s, len, norm, 0);
    if (len == 0)
      return mark_invalid(a, validate_message(VALIDATE_EMPTY), res);
    if (expr_num_parse(norm, len, &v))
      return mark_invalid(a, form_text(f, "number", "请只填写数字，例如 3。"),
                          res);
    int64_t step = 1;
    for (int d = fd->decimals; d < 4; d++)
      step *= 10;
    if (v % step != 0)
      return mark_invalid(
          a,
          fd->decimals ? form_text(f, "decimals", "小数点后的位数太多了。")
                       : form_text(f, "whole", "请填写整数，不要写小数点。"),
          res);
    return store_number_scaled(f, fd, a, v, res);
  }
  case FORM_T_MONEY: {
    int64_t fen;
    r = validate_money(s, len, 0, &fen, &note);
    if (r)
      return mark_invalid(a, note.message, res);
    return store_number_scaled(f, fd, a, fen, res);
  }
  case FORM_T_DATE: {
    validate_date d;
    r = validate_date_text(s, len,
                           fd->no_future ? VALIDATE_DATE_NO_FUTURE
                                         : VALIDATE_DATE_PAST_OK,
                           &f->today, &d, &note);
    if (r)
      return mark_invalid(a, note.message, res);
    char buf[16];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year % 10000, d.month % 100,
             d.day % 100);
    if (store_text_copy(a, buf, 10))
      return KERR_NOMEM;
    res_set(res, FORM_OK, "");
    return KERR_OK;
  }
  case FORM_T_ID_NUMBER: {
    idcard_info info;
    r = idcard_parse(s, len, &f->today, &info, &note);
    if (r) {
      session_wipe_bytes(&info, sizeof info);
      return mark_invalid(a, note.message, res);
    }
    int bad = store_text_copy(a, info.number, IDCARD_LEN);
    session_wipe_bytes(&info, sizeof info);
    if (bad)
      return KERR_NOMEM;
    res_set(res, FORM_OK, "");
    return KERR_OK;
  }
  case FORM_T_PHONE: {
    char out[12];
    r = validate_phone(s, len, out, &note);
    if (r)
      return mark_invalid(a, note.message, res);
    int bad = store_text_copy(a, out, 11);
    session_wipe_bytes(out, sizeof out);
    if (bad)
      return KERR_NOMEM;
    res_set(res, FORM_OK, "");
    return KERR_OK;
  }
  case FORM_T_CHOICE:
  case FORM_T_MULTI_CHOICE:
    return store_choice_text(f, fd, a, s, len, res);
  default:
    return KERR_STATE;
  }
}

/* Stores a typed answer. The normalised copy (a card or ID number) is wiped
 * on every way out, accepted or not. */
static kerr store_text(const form *f, const form_field *fd, form_answer *a,
                       const char *s, size_t len, form_result *res) {
  char norm[NORM_CAP];
  kerr r = store_text_in(f, fd, a, s, len, res, norm);
  session_wipe_bytes(norm, sizeof norm);
  return r;
}

/* A PNG: signature, an IHDR chunk first with sane dimensions, an IEND
 * chunk at the end, within FORM_MAX_SIGNATURE bytes. */
static int png_plausible(const unsigned char *p, size_t n) {
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
                                       '\n'};
  if (n < 8 + 25 + 12 || n > FORM_MAX_SIGNATURE || memcmp(p, sig, 8) != 0)
    return 0;
  if (memcmp(p + 8, "\0\0\0\x0dIHDR", 8) != 0)
    return 0;
  uint32_t w = (uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 |
               (uint32_t)p[18] << 8 | p[19];
  uint32_t h = (uint32_t)p[20] << 24 | (uint32_t)p[21] << 16 |
               (uint32_t)p[22] << 8 | p[23];
  if (w == 0 || h == 0 || w > 4096 || h > 4096)
    return 0;
  return memcmp(p + n - 8, "IEND", 4) == 0;
}

static kerr store_signature(const form *f, form_answer *a,
                            const unsigned char *png, size_t len,
                            form_result *res) {
  if (!png || !png_plausible(png, len))
    return mark_invalid(
        a, form_text(f, "signature_bad", "签名没有保存好，请重新签一次。"), res);
  unsigned char *b = malloc(len);
  if (!b)
    return KERR_NOMEM;
  memcpy(b, png, len);
  form_answer_wipe(a);
  a->blob = b;
  a->blob_len = len;
  a->set = 1;
  res_set(res, FORM_OK, "");
  return KERR_OK;
}

/* ---- checking ---------------------------------------------------------- */

static void group_check(const form *f, const form_field *g, form_result *res);

void form_field_check(const form *f, const form_field *fd, int member,
                      form_result *res) {
  res_set(res, FORM_OK, "");
  if (fd->type == FORM_T_REPEAT) {
    group_check(f, fd, res);
    return;
  }
  const form_answer *a = form_slot(f, fd, member);
  if (!a || !form_is_asked(f, fd, member))
    return;
  if (!a->set) {
    if (a->invalid)
      res_set(res, FORM_INVALID, a->invalid);
    else if (fd->required)
      res_set(res, FORM_MISSING,
              fd->type == FORM_T_CHOICE || fd->type == FORM_T_MULTI_CHOICE ||
                      fd->type == FORM_T_BOOLEAN
                  ? form_text(f, "missing_choice", "请选一个再继续。")
              : fd->type == FORM_T_SIGNATURE
                  ? form_text(f, "missing_signature", "请在框里签名。")
                  : form_text(f, "missing", validate_message(VALIDATE_EMPTY)));
    return;
  }
  if (fd->constraint && holds_in(f, fd->constraint, fd, member) == 0) {
    res_set(res, FORM_CONSTRAINT, fd->constraint_message);
    return;
  }
  if (a->needs_confirm && !a->confirmed)
    res_set(res, FORM_CONFIRM,
            fd->luhn ? form_text(f, "confirm_luhn",
                                 "卡号好像不对，请再核对一下。核对过没错，就点“确认”。")
                     : form_text(f, "confirm",
                                 validate_message(VALIDATE_CONFIRM_LARGE)));
}

int form_member_complete(const form *f, const char *group, size_t m) {
  const form_field *g = form_schema_field_find(f->s, group);
  if (!g || g->type != FORM_T_REPEAT)
    return 0;
  const form_group_state *gs = &f->groups[form_group_index(f->s, g)];
  if (m >= gs->n)
    return 0;
  for (size_t k = 0; k < g->n_fields; k++) {
    form_result r;
    if (!gs->e[m].asked[k])
      continue;
    form_field_check(f, &g->fields[k], (int)m, &r);
    if (r.status != FORM_OK)
      return 0;
  }
  return 1;
}

static void group_check(const form *f, const form_field *g, form_result *res) {
  if (!f->asked[g->index])
    return;
  const form_group_state *gs = &f->groups[form_group_index(f->s, g)];
  char num[24];
  const char *names[] = {"n", "label"};
  const char *vals[] = {num, g->item_label};
  char msg[FORM_MAX_MESSAGE];
  if (gs->n < g->min_entries) {
    snprintf(num, sizeof num, "%zu", g->min_entries);
    fill(msg, sizeof msg, form_text(f, "group_min", "请至少加上 {n} 位{label}。"),
         names, vals, 2);
    res_set(res, FORM_MISSING, msg);
    return;
  }
  for (size_t m = 0; m < gs->n; m++)
    if (!form_member_complete(f, g->id, m)) {
      snprintf(num, sizeof num, "%zu", m + 1);
      fill(msg, sizeof msg,
           form_text(f, "group_incomplete",
                     "第 {n} 位{label}还有没填好的地方，请点“修改”补上。"),
           names, vals, 2);
      res_set(res, FORM_MISSING, msg);
      return;
    }
}

/* ---- lifecycle ------------------------------------------------------------- */

static void cursor_first(form *f);

kerr form_create(const form_schema *s, const content *c,
                 const char *const *items, size_t n_items,
                 const validate_date *today, form **out) {
  *out = NULL;
  form *f = calloc(1, sizeof *f);
  kerr r = KERR_NOMEM;
  if (!f)
    return KERR_NOMEM;
  f->s = s;
  f->c = c;
  f->today = *today;
  f->top = calloc(s->n_top ? s->n_top : 1, sizeof *f->top);
  f->asked = calloc(s->n_top ? s->n_top : 1, sizeof *f->asked);
  f->groups = calloc(s->n_grp ? s->n_grp : 1, sizeof *f->groups);
  if (!f->top || !f->asked || !f->groups)
    goto out;
  for (size_t i = 0; i < n_items; i++) {
    if (!items[i] || !jsonload_name_ok(items[i], FORM_MAX_ID) ||
        (c && !content_item_find(c, items[i]))) {
      r = KERR_INVALID;
      goto out;
    }
    if (item_chosen(f, items[i], strlen(items[i])))
      continue;
    if (f->n_items == FORM_MAX_ITEMS) {
      r = KERR_LIMIT;
      goto out;
    }
    f->items[f->n_items] = strdup(items[i]);
    if (!f->items[f->n_items])
      goto out;
    f->n_items++;
  }
  form_settle(f);
  cursor_first(f);
  *out = f;
  return KERR_OK;
out:
  form_destroy(f);
  return r;
}

static void wipe_all(form *f) {
  form_prefill_wipe(f);
  for (size_t i = 0; i < f->s->n_top; i++)
    form_answer_wipe(&f->top[i]);
  for (size_t g = 0; g < f->s->n_grp; g++) {
    for (size_t m = 0; m < f->groups[g].n; m++)
      form_entry_wipe(&f->groups[g].e[m], f->s->grp[g].n_fields);
    f->groups[g].n = 0;
  }
}

void form_destroy(form *f) {
  if (!f)
    return;
  if (f->top && f->groups)
    wipe_all(f);
  for (size_t i = 0; i < f->n_items; i++)
    free(f->items[i]);
  free(f->top);
  free(f->asked);
  free(f->groups);
  free(f);
}

void form_reset(form *f) {
  wipe_all(f);
  form_settle(f);
  cursor_first(f);
}

void form_wipe_cb(void *ud) {
  if (ud)
    form_reset(ud);
}

size_t form_item_count(const form *f) { return f->n_items; }
const char *form_item_at(const form *f, size_t i) {
  return i < f->n_items ? f->items[i] : NULL;
}
const form_schema *form_get_schema(const form *f) { return f->s; }

const char *form_status_name(form_status s) {
  static const char *const n[FORM_STATUS_COUNT] = {
      "ok", "missing", "invalid", "constraint", "confirm"};
  return (int)s >= 0 && s < FORM_STATUS_COUNT ? n[s] : "";
}

/* ---- setting at a position ----------------------------------------------- */

static kerr set_prologue(form *f, const form_field *fd, int member,
                         form_answer **a) {
  if (fd->type == FORM_T_REPEAT)
    return KERR_STATE;
  *a = form_slot(f, fd, member);
  if (!*a || (!f->loading && !form_is_asked(f, fd, member)))
    return KERR_STATE;
  return KERR_OK;
}

/* After a store: settle, then the field's status (invalid stays). */
static kerr set_epilogue(form *f, const form_field *fd, int member, kerr r,
                         form_result *res) {
  form_result tmp;
  if (!res)
    res = &tmp;
  int invalid = r == KERR_OK && res->status == FORM_INVALID;
  if (f->loading)
    return r;
  form_settle(f);
  if (r || invalid)
    return r;
  form_field_check(f, fd, member, res);
  return KERR_OK;
}

kerr form_set_text(form *f, const form_field *fd, int member, const char *s,
                   size_t len, form_result *res) {
  form_answer *a;
  form_result tmp;
  kerr r = set_prologue(f, fd, member, &a);
  if (r)
    return r;
  if (fd->type == FORM_T_BOOLEAN || fd->type == FORM_T_SIGNATURE)
    return KERR_STATE;
  if (!res)
    res = &tmp;
  r = store_text(f, fd, a, s ? s : "", s ? len : 0, res);
  return set_epilogue(f, fd, member, r, res);
}

kerr form_fill_text(form *f, const char *id, int member, const char *s,
                    size_t len, form_result *res) {
  const form_field *fd = id ? form_schema_field_find(f->s, id) : NULL;
  if (!fd)
    return KERR_NOTFOUND;
  return form_set_text(f, fd, member, s, len, res);
}

kerr form_fill_bool(form *f, const char *id, int member, int yes,
                    form_result *res) {
  const form_field *fd = id ? form_schema_field_find(f->s, id) : NULL;
  if (!fd)
    return KERR_NOTFOUND;
  return form_set_bool(f, fd, member, yes, res);
}

kerr form_set_choices(form *f, const form_field *fd, int member,
                      const char *const *values, size_t n, form_result *res) {
  form_answer *a;
  form_result tmp;
  kerr r = set_prologue(f, fd, member, &a);
  if (r)
    return r;
  if (fd->type != FORM_T_CHOICE && fd->type != FORM_T_MULTI_CHOICE)
    return KERR_STATE;
  if (!res)
    res = &tmp;
  r = store_choices(f, fd, a, values, n, res);
  return set_epilogue(f, fd, member, r, res);
}

kerr form_set_bool(form *f, const form_field *fd, int member, int yes,
                   form_result *res) {
  form_answer *a;
  form_result tmp;
  kerr r = set_prologue(f, fd, member, &a);
  if (r)
    return r;
  if (fd->type != FORM_T_BOOLEAN)
    return KERR_STATE;
  if (!res)
    res = &tmp;
  form_answer_wipe(a);
  a->num = yes ? 1 : 0;
  a->set = 1;
  res_set(res, FORM_OK, "");
  return set_epilogue(f, fd, member, KERR_OK, res);
}

kerr form_set_signature(form *f, const form_field *fd, int member,
                        const unsigned char *png, size_t len,
                        form_result *res) {
  form_answer *a;
  form_result tmp;
  kerr r = set_prologue(f, fd, member, &a);
  if (r)
    return r;
  if (fd->type != FORM_T_SIGNATURE)
    return KERR_STATE;
  if (!res)
    res = &tmp;
  r = store_signature(f, a, png, len, res);
  return set_epilogue(f, fd, member, r, res);
}

kerr form_set_scaled(form *f, const form_field *fd, int member, int64_t v,
                     form_result *res) {
  form_answer *a;
  form_result tmp;
  kerr r = set_prologue(f, fd, member, &a);
  if (r)
    return r;
  if (!res)
    res = &tmp;
  if (fd->type == FORM_T_NUMBER) {
    int64_t step = 1;
    for (int d = fd->decimals; d < 4; d++)
      step *= 10;
    if (v % step != 0)
      r = mark_invalid(a, form_text(f, "whole", "请填写整数，不要写小数点。"),
                       res);
    else
      r = store_number_scaled(f, fd, a, v, res);
  } else if (fd->type == FORM_T_MONEY) {
    if (v < 0)
      r = mark_invalid(a, validate_message(VALIDATE_MONEY_NEGATIVE), res);
    else if (v % 100 != 0)
      r = mark_invalid(a, validate_message(VALIDATE_MONEY_DECIMALS), res);
    else if (v / 100 > 1000000000000LL)
      r = mark_invalid(a, validate_message(VALIDATE_MONEY_TOO_LARGE), res);
    else
      r = store_number_scaled(f, fd, a, v / 100, res);
  } else {
    return KERR_STATE;
  }
  return set_epilogue(f, fd, member, r, res);
}

void form_set_invalid(form *f, const form_field *fd, int member,
                      const char *message) {
  form_answer *a = form_slot(f, fd, member);
  if (a)
    mark_invalid(a, message, NULL);
}

/* ---- the cursor ------------------------------------------------------------ */

static const form_field *cur_field(const form *f) {
  if (f->cur.review || f->cur.top >= f->s->n_top)
    return NULL;
  const form_field *t = &f->s->top[f->cur.top];
  if (t->type == FORM_T_REPEAT && f->cur.member >= 0)
    return &t->fields[f->cur.sub];
  return t;
}

static int first_sub(const form *f, const form_field *g, size_t m,
                     size_t from) {
  const form_group_state *gs = &f->groups[form_group_index(f->s, g)];
  for (size_t k = from; k < g->n_fields; k++)
    if (gs->e[m].asked[k])
      return (int)k;
  return -1;
}

static void cursor_to_top(form *f, size_t i) {
  f->cur.review = 0;
  f->cur.top = i;
  f->cur.member = -1;
  f->cur.sub = 0;
}

/* The first asked top-level step at or after i; review when none. */
static void cursor_from(form *f, size_t i) {
  for (; i < f->s->n_top; i++)
    if (f->asked[i]) {
      cursor_to_top(f, i);
      return;
    }
  f->cur.review = 1;
  f->cur.member = -1;
  f->cur.return_to_review = 0;
}

static void cursor_first(form *f) {
  f->cur.return_to_review = 0;
  cursor_from(f, 0);
}

/* Keeps the cursor on something asked after a change. */
static void cursor_fix(form *f) {
  if (f->cur.review)
    return;
  const form_field *t = &f->s->top[f->cur.top];
  if (!f->asked[f->cur.top]) {
    cursor_from(f, f->cur.top);
    return;
  }
  if (t->type == FORM_T_REPEAT && f->cur.member >= 0) {
    const form_group_state *gs = &f->groups[form_group_index(f->s, t)];
    if ((size_t)f->cur.member >= gs->n ||
        !gs->e[f->cur.member].asked[f->cur.sub]) {
      int k = (size_t)f->cur.member < gs->n
                  ? first_sub(f, t, (size_t)f->cur.member, f->cur.sub)
                  : -1;
      if (k >= 0)
        f->cur.sub = (size_t)k;
      else
        f->cur.member = -1;
    }
  }
}

/* Active sections: those with at least one asked top-level field. */
static void section_progress(const form *f, size_t sec, size_t *index,
                             size_t *count) {
  size_t n = 0, idx = 0;
  for (size_t k = 0; k < f->s->n_sec; k++) {
    const form_section *s = &f->s->sec[k];
    int any = 0;
    for (size_t i = s->first; i < s->first + s->n_fields && !any; i++)
      any = f->asked[i];
    if (any) {
      if (k < sec)
        idx++;
      n++;
    }
  }
  *index = idx;
  *count = n;
}

void form_current(const form *f, form_question *q) {
  memset(q, 0, sizeof *q);
  q->member = -1;
  if (f->cur.review) {
    q->step = FORM_STEP_REVIEW;
    section_progress(f, f->s->n_sec, &q->section, &q->n_sections);
    return;
  }
  const form_field *t = &f->s->top[f->cur.top];
  const form_field *fd = cur_field(f);
  q->field = fd;
  section_progress(f, t->section, &q->section, &q->n_sections);
  q->section_title = f->s->sec[t->section].title;
  if (t->type == FORM_T_REPEAT) {
    q->n_members = f->groups[form_group_index(f->s, t)].n;
    if (f->cur.member < 0) {
      q->step = FORM_STEP_GROUP;
      q->answered = q->n_members > 0;
      form_field_check(f, t, -1, &q->result);
      return;
    }
    q->member = f->cur.member;
  }
  q->step = FORM_STEP_FIELD;
  const form_answer *a = form_slot(f, fd, q->member);
  q->answered = a && a->set;
  form_field_check(f, fd, q->member, &q->result);
}

static kerr cur_prologue(form *f, const form_field **fd) {
  *fd = cur_field(f);
  if (!*fd || (*fd)->type == FORM_T_REPEAT)
    return KERR_STATE;
  return KERR_OK;
}

kerr form_answer_text(form *f, const char *s, size_t len, form_result *res) {
  const form_field *fd;
  kerr r = cur_prologue(f, &fd);
  if (!r)
    r = form_set_text(f, fd, f->cur.member, s, len, res);
  cursor_fix(f);
  return r;
}

kerr form_answer_choice(form *f, const char *value, form_result *res) {
  const form_field *fd;
  kerr r = cur_prologue(f, &fd);
  if (!r)
    r = form_set_choices(f, fd, f->cur.member, &value, 1, res);
  cursor_fix(f);
  return r;
}

kerr form_answer_choices(form *f, const char *const *values, size_t n,
                         form_result *res) {
  const form_field *fd;
  kerr r = cur_prologue(f, &fd);
  if (!r)
    r = form_set_choices(f, fd, f->cur.member, values, n, res);
  cursor_fix(f);
  return r;
}

kerr form_answer_bool(form *f, int yes, form_result *res) {
  const form_field *fd;
  kerr r = cur_prologue(f, &fd);
  if (!r)
    r = form_set_bool(f, fd, f->cur.member, yes, res);
  cursor_fix(f);
  return r;
}

kerr form_answer_signature(form *f, const unsigned char *png, size_t len,
                           form_result *res) {
  const form_field *fd;
  kerr r = cur_prologue(f, &fd);
  if (!r)
    r = form_set_signature(f, fd, f->cur.member, png, len, res);
  cursor_fix(f);
  return r;
}

kerr form_clear(form *f) {
  const form_field *fd;
  kerr r = cur_prologue(f, &fd);
  if (r)
    return r;
  form_answer *a = form_slot(f, fd, f->cur.member);
  if (a)
    form_answer_wipe(a);
  form_settle(f);
  cursor_fix(f);
  return KERR_OK;
}

kerr form_confirm(form *f) {
  const form_field *fd;
  kerr r = cur_prologue(f, &fd);
  if (r)
    return r;
  form_answer *a = form_slot(f, fd, f->cur.member);
  if (!a || !a->set)
    return KERR_STATE;
  a->confirmed = 1;
  return KERR_OK;
}

/* The first asked position after the cursor, in reading order, whose status
 * is FORM_MISSING; 1 and the cursor moved there, or 0. */
static int goto_next_missing(form *f) {
  const form_schema *s = f->s;
  size_t i0 = f->cur.top;
  for (size_t i = i0; i < s->n_top; i++) {
    if (!f->asked[i])
      continue;
    const form_field *t = &s->top[i];
    form_result r;
    if (t->type != FORM_T_REPEAT) {
      if (i == i0)
        continue;
      form_field_check(f, t, -1, &r);
      if (r.status == FORM_MISSING) {
        cursor_to_top(f, i);
        return 1;
      }
      continue;
    }
    const form_group_state *gs = &f->groups[form_group_index(s, t)];
    size_t m0 = 0;
    if (i == i0 && f->cur.member >= 0)
      m0 = (size_t)f->cur.member;
    for (size_t m = m0; m < gs->n; m++)
      for (size_t k = (i == i0 && f->cur.member >= 0 && m == m0) ? f->cur.sub + 1 : 0;
           k < t->n_fields; k++) {
        if (!gs->e[m].asked[k])
          continue;
        form_field_check(f, &t->fields[k], (int)m, &r);
        if (r.status == FORM_MISSING) {
          cursor_to_top(f, i);
          f->cur.member = (int)m;
          f->cur.sub = k;
          return 1;
        }
      }
    if (i != i0 || f->cur.member >= 0) {
      group_check(f, t, &r);
      if (r.status == FORM_MISSING && gs->n < t->min_entries) {
        cursor_to_top(f, i);
        return 1;
      }
    }
  }
  return 0;
}

kerr form_next(form *f, form_result *res) {
  form_result tmp;
  if (!res)
    res = &tmp;
  res_set(res, FORM_OK, "");
  if (f->cur.review)
    return KERR_STATE;
  const form_field *t = &f->s->top[f->cur.top];
  if (t->type == FORM_T_REPEAT && f->cur.member < 0) {
    group_check(f, t, res);
    if (res->status != FORM_OK)
      return KERR_OK;
  } else {
    form_field_check(f, cur_field(f), f->cur.member, res);
    if (res->status != FORM_OK)
      return KERR_OK;
  }
  if (f->cur.return_to_review) {
    if (!goto_next_missing(f))
      cursor_from(f, f->s->n_top);
    return KERR_OK;
  }
  if (t->type == FORM_T_REPEAT && f->cur.member >= 0) {
    int k = first_sub(f, t, (size_t)f->cur.member, f->cur.sub + 1);
    if (k >= 0)
      f->cur.sub = (size_t)k;
    else
      f->cur.member = -1; /* back to the group's list */
    return KERR_OK;
  }
  cursor_from(f, f->cur.top + 1);
  return KERR_OK;
}

kerr form_back(form *f) {
  if (!f->cur.review) {
    const form_field *t = &f->s->top[f->cur.top];
    if (t->type == FORM_T_REPEAT && f->cur.member >= 0) {
      const form_group_state *gs = &f->groups[form_group_index(f->s, t)];
      for (size_t k = f->cur.sub; k-- > 0;)
        if (gs->e[f->cur.member].asked[k]) {
          f->cur.sub = k;
          return KERR_OK;
        }
      f->cur.member = -1;
      return KERR_OK;
    }
  }
  size_t i = f->cur.review ? f->s->n_top : f->cur.top;
  while (i-- > 0)
    if (f->asked[i]) {
      cursor_to_top(f, i);
      return KERR_OK;
    }
  return KERR_STATE;
}

kerr form_jump(form *f, const char *id, int member) {
  const form_field *fd = form_schema_field_find(f->s, id);
  if (!fd)
    return KERR_NOTFOUND;
  if (fd->group) {
    size_t gi = form_group_index(f->s, fd->group);
    if (member < 0 || (size_t)member >= f->groups[gi].n)
      return KERR_NOTFOUND;
    if (!form_is_asked(f, fd, member))
      return KERR_STATE;
    cursor_to_top(f, fd->group->index);
    f->cur.member = member;
    f->cur.sub = fd->index;
  } else {
    if (!f->asked[fd->index])
      return KERR_STATE;
    cursor_to_top(f, fd->index);
  }
  f->cur.return_to_review = 1;
  return KERR_OK;
}

void form_goto_review(form *f) {
  f->cur.review = 1;
  f->cur.member = -1;
  f->cur.return_to_review = 0;
}

/* ---- repeat groups ---------------------------------------------------------- */

static const form_field *group_field(const form *f, const char *group) {
  const form_field *g = group ? form_schema_field_find(f->s, group) : NULL;
  return g && g->type == FORM_T_REPEAT && !g->group ? g : NULL;
}

kerr form_group_add(form *f, const form_field *g, size_t *index) {
  form_group_state *gs = &f->groups[form_group_index(f->s, g)];
  if (!f->loading && !f->asked[g->index])
    return KERR_STATE;
  if (gs->n >= g->max_entries)
    return KERR_LIMIT;
  form_entry *e = &gs->e[gs->n];
  e->a = calloc(g->n_fields, sizeof *e->a);
  e->asked = calloc(g->n_fields, sizeof *e->asked);
  if (!e->a || !e->asked) {
    free(e->a);
    free(e->asked);
    e->a = NULL;
    e->asked = NULL;
    return KERR_NOMEM;
  }
  *index = gs->n++;
  return KERR_OK;
}

kerr form_member_add(form *f, const char *group, size_t *index,
                     form_result *res) {
  const form_field *g = group_field(f, group);
  size_t m;
  res_set(res, FORM_OK, "");
  if (!g)
    return KERR_NOTFOUND;
  kerr r = form_group_add(f, g, &m);
  if (r == KERR_LIMIT && res) {
    char num[24], msg[FORM_MAX_MESSAGE];
    const char *names[] = {"n", "label"}, *vals[] = {num, g->item_label};
    snprintf(num, sizeof num, "%zu", g->max_entries);
    fill(msg, sizeof msg,
         form_text(f, "group_full", "最多只能填 {n} 位{label}。"), names, vals,
         2);
    res_set(res, FORM_CONSTRAINT, msg);
  }
  if (r)
    return r;
  form_settle(f);
  if (index)
    *index = m;
  int k = first_sub(f, g, m, 0);
  cursor_to_top(f, g->index);
  if (k >= 0) {
    f->cur.member = (int)m;
    f->cur.sub = (size_t)k;
  }
  return KERR_OK;
}

kerr form_member_edit(form *f, const char *group, size_t m) {
  const form_field *g = group_field(f, group);
  if (!g)
    return KERR_NOTFOUND;
  if (m >= f->groups[form_group_index(f->s, g)].n)
    return KERR_NOTFOUND;
  int k = first_sub(f, g, m, 0);
  if (k < 0)
    return KERR_STATE;
  cursor_to_top(f, g->index);
  f->cur.member = (int)m;
  f->cur.sub = (size_t)k;
  return KERR_OK;
}

kerr form_member_remove(form *f, const char *group, size_t m) {
  const form_field *g = group_field(f, group);
  if (!g)
    return KERR_NOTFOUND;
  form_group_state *gs = &f->groups[form_group_index(f->s, g)];
  if (m >= gs->n)
    return KERR_NOTFOUND;
  form_entry_wipe(&gs->e[m], g->n_fields);
  memmove(&gs->e[m], &gs->e[m + 1], (gs->n - m - 1) * sizeof gs->e[0]);
  gs->n--;
  memset(&gs->e[gs->n], 0, sizeof gs->e[0]);
  form_settle(f);
  if (f->asked[g->index])
    cursor_to_top(f, g->index);
  else
    cursor_fix(f);
  return KERR_OK;
}

size_t form_member_count(const form *f, const char *group) {
  const form_field *g = group_field(f, group);
  return g ? f->groups[form_group_index(f->s, g)].n : 0;
}

/* ---- display ---------------------------------------------------------------- */

/* Reads a stored date, exactly "YYYY-MM-DD" (what store_text keeps for a
 * date and what an ID's birth date computes to). 1 if it is a real date. */
static int ymd_parse(const char *s, validate_date *out) {
  int v[3] = {0, 0, 0};
  static const int width[3] = {4, 2, 2};
  for (int k = 0; k < 3; k++) {
    for (int i = 0; i < width[k]; i++, s++) {
      if (*s < '0' || *s > '9')
        return 0;
      v[k] = v[k] * 10 + (*s - '0');
    }
    if (*s++ != (k < 2 ? '-' : '\0'))
      return 0;
  }
  if (!validate_date_is_real(v[0], v[1], v[2]))
    return 0;
  *out = (validate_date){v[0], v[1], v[2]};
  return 1;
}

void form_date_format(const validate_date *d, char *buf, size_t cap) {
  snprintf(buf, cap, "%d年%d月%d日", d->year, d->month, d->day);
}

void form_date_display(const char *ymd, char *buf, size_t cap) {
  validate_date d;
  if (ymd_parse(ymd, &d))
    form_date_format(&d, buf, cap);
  else
    snprintf(buf, cap, "%s", ymd);
}

static const char *choice_label(const form_field *fd, const char *v,
                                size_t len) {
  for (size_t k = 0; k < fd->n_choices; k++)
    if (strlen(fd->choices[k].value) == len &&
        memcmp(fd->choices[k].value, v, len) == 0)
      return fd->choices[k].label;
  return "";
}

int form_value_display(const form *f, const form_field *fd, int member,
                       char *buf, size_t cap) {
  if (!cap)
    return 0;
  buf[0] = '\0';
  if (fd->type == FORM_T_REPEAT) {
    size_t n = f->groups[form_group_index(f->s, fd)].n;
    snprintf(buf, cap, "%zu", n);
    return f->asked[fd->index];
  }
  const form_answer *a = form_slot(f, fd, member);
  if (!a || !a->set || !form_is_asked(f, fd, member))
    return 0;
  char num[48];
  switch (fd->type) {
  case FORM_T_NUMBER:
    expr_num_format(a->num, 4, num, sizeof num);
    snprintf(buf, cap, "%s%s", num, fd->unit);
    break;
  case FORM_T_MONEY:
    expr_num_format(a->num * 100, 2, num, sizeof num);
    snprintf(buf, cap, "%s%s", num, *fd->unit ? fd->unit : "元");
    break;
  case FORM_T_BOOLEAN:
    snprintf(buf, cap, "%s",
             a->num ? form_text(f, "yes", "是") : form_text(f, "no", "否"));
    break;
  case FORM_T_SIGNATURE:
    snprintf(buf, cap, "%s", form_text(f, "signed", "已签名"));
    break;
  case FORM_T_DATE:
    form_date_display(a->text, buf, cap);
    break;
  case FORM_T_CHOICE:
    snprintf(buf, cap, "%s", choice_label(fd, a->text, a->text_len));
    break;
  case FORM_T_MULTI_CHOICE: {
    size_t o = 0;
    for (const char *p = a->text; *p;) {
      const char *e = strchr(p, ' ');
      size_t l = e ? (size_t)(e - p) : strlen(p);
      const char *lab = choice_label(fd, p, l);
      int w = snprintf(buf + o, cap - o, "%s%s", o ? "、" : "", lab);
      if (w < 0 || (size_t)w >= cap - o)
        break;
      o += (size_t)w;
      p += l;
      while (*p == ' ')
        p++;
    }
    break;
  }
  default:
    snprintf(buf, cap, "%s", a->text);
  }
  return 1;
}

/* The kept answer of a field of type t1 or t2; NULL for another type,
 * no answer, or a field not asked. */
static const form_answer *typed_answer(const form *f, const form_field *fd,
                                       int member, form_type t1,
                                       form_type t2) {
  if (!f || !fd || (fd->type != t1 && fd->type != t2))
    return NULL;
  const form_answer *a = form_slot(f, fd, member);
  if (!a || !a->set || !form_is_asked(f, fd, member))
    return NULL;
  return a;
}

int form_value_date(const form *f, const form_field *fd, int member,
                    validate_date *out) {
  const form_answer *a = typed_answer(f, fd, member, FORM_T_DATE,
                                      FORM_T_DATE);
  *out = (validate_date){0, 0, 0};
  return a && a->text && ymd_parse(a->text, out);
}

int form_value_number(const form *f, const form_field *fd, int member,
                      int64_t *out) {
  const form_answer *a = typed_answer(f, fd, member, FORM_T_NUMBER,
                                      FORM_T_MONEY);
  *out = a ? a->num : 0;
  return a != NULL;
}

int form_value_picked(const form *f, const form_field *fd, int member,
                      size_t choice) {
  const form_answer *a = typed_answer(f, fd, member, FORM_T_CHOICE,
                                      FORM_T_MULTI_CHOICE);
  if (!a || !a->text || choice >= fd->n_choices)
    return 0;
  const char *v = fd->choices[choice].value;
  size_t n = strlen(v);
  /* Values are kept separated by one space (form_private.h). */
  for (const char *p = a->text; *p;) {
    const char *e = strchr(p, ' ');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l == n && memcmp(p, v, n) == 0)
      return 1;
    p += l;
    while (*p == ' ')
      p++;
  }
  return 0;
}

int form_computed_display(const form *f, const form_computed *cv, int member,
                          char *buf, size_t cap) {
  expr_value v;
  char sbuf[256];
  buf[0] = '\0';
  if (form_computed_value(f, cv, member, &v, sbuf, sizeof sbuf))
    return 0;
  if (cv->from && cv->part == FORM_ID_SEX) {
    snprintf(buf, cap, "%s",
             v.len == 4 ? form_text(f, "male", "男") : form_text(f, "female", "女"));
  } else if (cv->from && cv->part == FORM_ID_BIRTH_DATE) {
    char d[16];
    snprintf(d, sizeof d, "%.*s", (int)(v.len < 10 ? v.len : 10), v.str);
    form_date_display(d, buf, cap);
  } else if (v.type == EXPR_NUM) {
    char num[48];
    expr_num_format(v.num, cv->decimals, num, sizeof num);
    snprintf(buf, cap, "%s%s", num, cv->unit);
  } else if (v.type == EXPR_BOOL) {
    snprintf(buf, cap, "%s",
             v.b ? form_text(f, "yes", "是") : form_text(f, "no", "否"));
  } else {
    snprintf(buf, cap, "%.*s", (int)v.len, v.str);
  }
  return 1;
}

/* ---- checks and review ---------------------------------------------------- */

static int check_push(form_check_list *l, size_t *cap, const form_field *fd,
                      int member, const form_result *r) {
  if (l->n == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    form_check_entry *a = realloc(l->a, nc * sizeof *a);
    if (!a)
      return -1;
    l->a = a;
    *cap = nc;
  }
  l->a[l->n].field = fd;
  l->a[l->n].member = member;
  l->a[l->n].result = *r;
  l->n++;
  if (r->status != FORM_OK)
    l->problems++;
  return 0;
}

kerr form_check_all(const form *f, form_check_list *out) {
  size_t cap = 0;
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < f->s->n_top; i++) {
    if (!f->asked[i])
      continue;
    const form_field *t = &f->s->top[i];
    form_result r;
    form_field_check(f, t, -1, &r);
    if (t->type == FORM_T_REPEAT) {
      /* The group itself only reports its own size problems. */
      const form_group_state *gs = &f->groups[form_group_index(f->s, t)];
      if (gs->n >= t->min_entries)
        res_set(&r, FORM_OK, "");
    }
    requirements_check(f, t, &r);
    if (check_push(out, &cap, t, -1, &r))
      goto nomem;
    if (t->type != FORM_T_REPEAT)
      continue;
    const form_group_state *gs = &f->groups[form_group_index(f->s, t)];
    for (size_t m = 0; m < gs->n; m++)
      for (size_t k = 0; k < t->n_fields; k++) {
        if (!gs->e[m].asked[k])
          continue;
        form_field_check(f, &t->fields[k], (int)m, &r);
        if (check_push(out, &cap, &t->fields[k], (int)m, &r))
          goto nomem;
      }
  }
  return KERR_OK;
nomem:
  form_check_list_free(out);
  return KERR_NOMEM;
}

void form_check_list_free(form_check_list *l) {
  free(l->a);
  memset(l, 0, sizeof *l);
}

int form_complete(const form *f) {
  form_check_list l;
  if (form_check_all(f, &l))
    return 0;
  int ok = l.problems == 0;
  form_check_list_free(&l);
  return ok;
}

typedef struct rows {
  form_review *r;
  size_t cap;
} rows;

static int row_push(rows *R, size_t sec, const char *title,
                    const form_field *fd, const form_computed *cv, int member,
                    const char *label, const char *value, form_status st) {
  form_review *r = R->r;
  if (r->n == R->cap) {
    size_t nc = R->cap ? R->cap * 2 : 64;
    form_review_row *a = realloc(r->rows, nc * sizeof *a);
    if (!a)
      return -1;
    r->rows = a;
    R->cap = nc;
  }
  form_review_row *w = &r->rows[r->n];
  w->section = sec;
  w->section_title = title;
  w->field = fd;
  w->computed = cv;
  w->member = member;
  w->label = strdup(label);
  w->value = strdup(value);
  w->status = st;
  w->note = NULL;
  if (!w->label || !w->value) {
    if (w->label)
      session_wipe_bytes(w->label, strlen(w->label));
    if (w->value)
      session_wipe_bytes(w->value, strlen(w->value));
    free(w->label);
    free(w->value);
    return -1;
  }
  r->n++;
  return 0;
}

kerr form_review_build(const form *f, form_review *out) {
  rows R = {out, 0};
  char value[1024], label[FORM_MAX_LABEL + 64];
  memset(out, 0, sizeof *out);
  for (size_t k = 0; k < f->s->n_sec; k++) {
    const form_section *sec = &f->s->sec[k];
    size_t idx, cnt;
    int any = 0;
    for (size_t i = sec->first; i < sec->first + sec->n_fields && !any; i++)
      any = f->asked[i];
    if (!any)
      continue;
    section_progress(f, k, &idx, &cnt);
    for (size_t i = sec->first; i < sec->first + sec->n_fields; i++) {
      if (!f->asked[i])
        continue;
      const form_field *t = &f->s->top[i];
      form_result r;
      const form_requirement *q = unmet_requirement(f, t);
      if (t->type != FORM_T_REPEAT) {
        form_value_display(f, t, -1, value, sizeof value);
        form_field_check(f, t, -1, &r);
        if (r.status == FORM_OK && q)
          r.status = FORM_CONSTRAINT;
        if (row_push(&R, idx, sec->title, t, NULL, -1, t->review_label, value,
                     r.status))
          goto nomem;
        R.r->rows[R.r->n - 1].note = q ? q->message : NULL;
        continue;
      }
      const form_group_info *gi = form_group_of(f->s, t);
      const form_group_state *gs = &f->groups[form_group_index(f->s, t)];
      form_field_check(f, t, -1, &r);
      snprintf(value, sizeof value, "%zu", gs->n);
      if (row_push(&R, idx, sec->title, t, NULL, -1, t->review_label, value,
                   gs->n < t->min_entries ? FORM_MISSING
                   : q                    ? FORM_CONSTRAINT
                                          : FORM_OK))
        goto nomem;
      R.r->rows[R.r->n - 1].note = q ? q->message : NULL;
      for (size_t m = 0; m < gs->n; m++) {
        for (size_t j = 0; j < t->n_fields; j++) {
          if (!gs->e[m].asked[j])
            continue;
          const form_field *mf = &t->fields[j];
          form_value_display(f, mf, (int)m, value, sizeof value);
          form_field_check(f, mf, (int)m, &r);
          snprintf(label, sizeof label, "第%zu位%s：%s", m + 1, t->item_label,
                   mf->review_label);
          if (row_push(&R, idx, sec->title, mf, NULL, (int)m, label, value,
                       r.status))
            goto nomem;
        }
        for (size_t j = 0; j < gi->n_comp; j++) {
          if (!form_computed_display(f, &gi->comp[j], (int)m, value,
                                     sizeof value))
            continue;
          snprintf(label, sizeof label, "第%zu位%s：%s", m + 1, t->item_label,
                   gi->comp[j].label);
          if (row_push(&R, idx, sec->title, NULL, &gi->comp[j], (int)m, label,
                       value, FORM_OK))
            goto nomem;
        }
      }
    }
    for (size_t j = 0; j < f->s->n_comp; j++) {
      const form_computed *cv = &f->s->comp[j];
      if (cv->section != k ||
          !form_computed_display(f, cv, -1, value, sizeof value))
        continue;
      if (row_push(&R, idx, sec->title, NULL, cv, -1, cv->label, value,
                   FORM_OK))
        goto nomem;
    }
    out->n_sections = cnt;
  }
  session_wipe_bytes(value, sizeof value);
  return KERR_OK;
nomem:
  session_wipe_bytes(value, sizeof value);
  form_review_free(out);
  return KERR_NOMEM;
}

void form_review_free(form_review *r) {
  for (size_t i = 0; i < r->n; i++) {
    session_wipe_bytes(r->rows[i].label, strlen(r->rows[i].label));
    session_wipe_bytes(r->rows[i].value, strlen(r->rows[i].value));
    free(r->rows[i].label);
    free(r->rows[i].value);
  }
  free(r->rows);
  memset(r, 0, sizeof *r);
}
