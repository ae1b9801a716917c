/* form_prefill: answers carried from the screener into the form, and the
 * differences between the two that the applicant must settle (form.h,
 * "answers carried from the screener"; docs/form.md).
 *
 * The form keeps its own copy of the screener's answers (f->scr), wiped
 * with every other answer. A rule fills its field at most once
 * (pre_done), so an answer the applicant clears stays cleared. A conflict
 * the applicant resolved in favour of the form is remembered by the form's
 * value as displayed (pre_kept): when that value changes again, the
 * conflict is asked again. Numbers compare to the whole unit (yuan,
 * persons), since the screener asks for rough amounts. */
#include <stdio.h>
#include <string.h>

#include "core/form_private.h"
#include "core/session.h"

/* A screener answer converted for its rule. */
typedef struct pre_value {
  enum { PV_NONE = 0, PV_STR, PV_BOOL, PV_NUM } kind;
  const char *s; /* PV_STR, borrowed from f->scr or the schema */
  int b;
  int64_t num; /* EXPR_SCALE; money to the fen */
} pre_value;

void form_prefill_wipe(form *f) {
  if (f->scr) {
    session_wipe_json(f->scr);
    cJSON_Delete(f->scr);
    f->scr = NULL;
  }
  session_wipe_bytes(f->pre_done, sizeof f->pre_done);
  session_wipe_bytes(f->pre_kept, sizeof f->pre_kept);
}

static pre_value screener_value(const form *f, const form_prefill_rule *r) {
  pre_value v = {0};
  const cJSON *j =
      f->scr ? cJSON_GetObjectItemCaseSensitive(f->scr, r->question) : NULL;
  if (cJSON_IsString(j)) {
    const cJSON *m =
        r->values ? cJSON_GetObjectItemCaseSensitive(r->values, j->valuestring)
                  : NULL;
    v.s = cJSON_IsString(m) ? m->valuestring : j->valuestring;
    v.kind = *v.s ? PV_STR : PV_NONE;
  } else if (cJSON_IsBool(j)) {
    v.kind = PV_BOOL;
    v.b = cJSON_IsTrue(j) != (r->convert == FORM_CONV_NOT);
  } else if (cJSON_IsNumber(j) && !expr_num_from_double(j->valuedouble, &v.num)) {
    v.kind = PV_NUM;
    if (r->convert == FORM_CONV_YEAR_TO_MONTH)
      v.num = (v.num / 12 + 50) / 100 * 100; /* to the fen */
    if (v.num < 0)
      v.kind = PV_NONE;
  }
  return v;
}

/* The form's value for the rule, in the same terms. */
static pre_value form_now(const form *f, const form_prefill_rule *r) {
  pre_value v = {0};
  if (r->computed) {
    expr_value e;
    char sbuf[64];
    if (form_computed_value(f, r->computed, -1, &e, sbuf, sizeof sbuf) == KERR_OK &&
        e.type == EXPR_NUM) {
      v.kind = PV_NUM;
      v.num = e.num;
    }
    return v;
  }
  const form_answer *a = form_slot(f, r->field, -1);
  if (!a || !a->set || !form_is_asked(f, r->field, -1))
    return v;
  switch (r->field->type) {
  case FORM_T_CHOICE:
    v.kind = PV_STR;
    v.s = a->text;
    break;
  case FORM_T_BOOLEAN:
    v.kind = PV_BOOL;
    v.b = a->num != 0;
    break;
  case FORM_T_MONEY:
    v.kind = PV_NUM;
    v.num = a->num * 100;
    break;
  case FORM_T_NUMBER:
    v.kind = PV_NUM;
    v.num = a->num;
    break;
  default:
    break;
  }
  return v;
}

static int64_t whole(int64_t scaled) {
  return (scaled + EXPR_SCALE / 2) / EXPR_SCALE;
}

static int same(const pre_value *a, const pre_value *b) {
  if (a->kind != b->kind)
    return 0;
  switch (a->kind) {
  case PV_STR:
    return a->s && b->s && strcmp(a->s, b->s) == 0;
  case PV_BOOL:
    return a->b == b->b;
  case PV_NUM:
    return whole(a->num) == whole(b->num);
  default:
    return 1;
  }
}

/* Puts the screener's value into the rule's field. 1 if it was kept; a
 * value the field refuses is dropped, so the question shows empty. */
static int fill(form *f, const form_prefill_rule *r, const pre_value *v) {
  const form_field *fd = r->field;
  form_result res;
  kerr e = KERR_INVALID;
  if (v->kind == PV_STR && fd->type == FORM_T_CHOICE)
    e = form_set_choices(f, fd, -1, &v->s, 1, &res);
  else if (v->kind == PV_BOOL && fd->type == FORM_T_BOOLEAN)
    e = form_set_bool(f, fd, -1, v->b, &res);
  else if (v->kind == PV_NUM && fd->type == FORM_T_MONEY)
    e = form_set_scaled(f, fd, -1, v->num, &res);
  else if (v->kind == PV_NUM && fd->type == FORM_T_NUMBER)
    e = form_set_scaled(f, fd, -1, v->num, &res);
  form_answer *a = form_slot(f, fd, -1);
  if (e || !a || !a->set) {
    if (a && !a->set)
      form_answer_wipe(a); /* no "refused" message on a question not asked */
    return 0;
  }
  return 1;
}

size_t form_prefill_pending(form *f) {
  size_t n = 0;
  if (!f->scr)
    return 0;
  for (size_t i = 0; i < f->s->n_pre; i++) {
    const form_prefill_rule *r = &f->s->pre[i];
    if (f->pre_done[i] || !r->field || !form_is_asked(f, r->field, -1))
      continue;
    pre_value v = screener_value(f, r);
    const form_answer *a = form_slot(f, r->field, -1);
    if (v.kind == PV_NONE || !a || a->set)
      continue;
    f->pre_done[i] = 1;
    n += (size_t)fill(f, r, &v);
  }
  return n;
}

kerr form_set_screener(form *f, const cJSON *answers) {
  form_prefill_wipe(f);
  if (!answers)
    return KERR_OK;
  f->scr = cJSON_Duplicate(answers, 1);
  if (!f->scr)
    return KERR_NOMEM;
  form_prefill_pending(f);
  return KERR_OK;
}

const cJSON *form_screener(const form *f) { return f ? f->scr : NULL; }

kerr form_prefill_save(const form *f, cJSON *doc) {
  if (!f->scr)
    return KERR_OK;
  cJSON *scr = cJSON_Duplicate(f->scr, 1);
  if (!scr)
    return KERR_NOMEM;
  cJSON_AddItemToObject(doc, "screener", scr);
  cJSON *pre = cJSON_AddObjectToObject(doc, "prefill");
  if (!pre)
    return KERR_NOMEM;
  for (size_t i = 0; i < f->s->n_pre; i++) {
    if (!f->pre_done[i] && !f->pre_kept[i][0])
      continue;
    cJSON *o = cJSON_AddObjectToObject(pre, f->s->pre[i].question);
    if (!o || !cJSON_AddBoolToObject(o, "done", f->pre_done[i]) ||
        !cJSON_AddStringToObject(o, "kept", f->pre_kept[i]))
      return KERR_NOMEM;
  }
  return KERR_OK;
}

kerr form_prefill_load(form *f, const cJSON *doc) {
  const cJSON *scr = cJSON_GetObjectItemCaseSensitive(doc, "screener");
  const cJSON *pre = cJSON_GetObjectItemCaseSensitive(doc, "prefill");
  form_prefill_wipe(f);
  if (!scr)
    return KERR_OK;
  if (!cJSON_IsObject(scr) || (pre && !cJSON_IsObject(pre)))
    return KERR_PARSE;
  f->scr = cJSON_Duplicate(scr, 1);
  if (!f->scr)
    return KERR_NOMEM;
  for (size_t i = 0; pre && i < f->s->n_pre; i++) {
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(pre, f->s->pre[i].question);
    const cJSON *kept = cJSON_GetObjectItemCaseSensitive(o, "kept");
    f->pre_done[i] = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "done"));
    if (cJSON_IsString(kept))
      snprintf(f->pre_kept[i], sizeof f->pre_kept[i], "%s", kept->valuestring);
  }
  return KERR_OK;
}

int form_prefilled(const form *f, const form_field *fd) {
  for (size_t i = 0; f->scr && i < f->s->n_pre; i++) {
    const form_prefill_rule *r = &f->s->pre[i];
    if (r->field != fd || !f->pre_done[i])
      continue;
    pre_value v = screener_value(f, r), now = form_now(f, r);
    if (v.kind != PV_NONE && same(&v, &now))
      return 1;
  }
  return 0;
}

/* The screener's value as the form would show it. */
static void show_earlier(const form *f, const form_prefill_rule *r,
                         const pre_value *v, char *buf, size_t cap) {
  char num[48];
  buf[0] = '\0';
  if (v->kind == PV_STR) {
    snprintf(buf, cap, "%s", v->s);
    for (size_t k = 0; r->field && k < r->field->n_choices; k++)
      if (strcmp(r->field->choices[k].value, v->s) == 0)
        snprintf(buf, cap, "%s", r->field->choices[k].label);
  } else if (v->kind == PV_BOOL) {
    snprintf(buf, cap, "%s",
             v->b ? form_text(f, "yes", "是") : form_text(f, "no", "否"));
  } else if (v->kind == PV_NUM) {
    int money = r->field && r->field->type == FORM_T_MONEY;
    int dec = r->computed ? r->computed->decimals : money ? 2 : 4;
    const char *unit = r->computed ? r->computed->unit : r->field->unit;
    expr_num_format(v->num, dec, num, sizeof num);
    snprintf(buf, cap, "%s%s", num, money && !*unit ? "元" : unit);
  }
}

static void show_now(const form *f, const form_prefill_rule *r, char *buf,
                     size_t cap) {
  if (r->computed)
    form_computed_display(f, r->computed, -1, buf, cap);
  else
    form_value_display(f, r->field, -1, buf, cap);
}

/* 1 if rule i is a difference between screener and form that is, when
 * `want_kept`, settled by the applicant keeping the form's answer, else
 * unresolved; fills c when not NULL. */
static int difference_at(const form *f, size_t i, int want_kept,
                         form_conflict *c) {
  const form_prefill_rule *r = &f->s->pre[i];
  if (!f->scr)
    return 0;
  pre_value v = screener_value(f, r), now = form_now(f, r);
  if (v.kind == PV_NONE || now.kind == PV_NONE || same(&v, &now))
    return 0;
  char shown[128];
  show_now(f, r, shown, sizeof shown);
  int kept = f->pre_kept[i][0] && strcmp(f->pre_kept[i], shown) == 0;
  if (kept == want_kept && c) {
    memset(c, 0, sizeof *c);
    c->rule = i;
    c->label = r->computed ? r->computed->label
               : *r->field->review_label ? r->field->review_label
                                         : r->field->label;
    show_earlier(f, r, &v, c->earlier, sizeof c->earlier);
    snprintf(c->now, sizeof c->now, "%s", shown);
    c->can_restore = r->field != NULL;
  }
  session_wipe_bytes(shown, sizeof shown);
  return kept == want_kept;
}

static int conflict_at(const form *f, size_t i, form_conflict *c) {
  return difference_at(f, i, 0, c);
}

static size_t differences(const form *f, int want_kept, form_conflict *out,
                          size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < f->s->n_pre; i++)
    if (difference_at(f, i, want_kept, n < cap ? &out[n] : NULL))
      n++;
  return n;
}

size_t form_kept_differences(const form *f, form_conflict *out, size_t cap) {
  return differences(f, 1, out, cap);
}

size_t form_conflicts(const form *f, form_conflict *out, size_t cap) {
  return differences(f, 0, out, cap);
}

kerr form_conflict_keep(form *f, size_t rule) {
  if (rule >= f->s->n_pre || !conflict_at(f, rule, NULL))
    return KERR_NOTFOUND;
  show_now(f, &f->s->pre[rule], f->pre_kept[rule], sizeof f->pre_kept[rule]);
  return KERR_OK;
}

kerr form_conflict_restore(form *f, size_t rule) {
  if (rule >= f->s->n_pre || !conflict_at(f, rule, NULL))
    return KERR_NOTFOUND;
  const form_prefill_rule *r = &f->s->pre[rule];
  session_wipe_bytes(f->pre_kept[rule], sizeof f->pre_kept[rule]);
  if (r->computed)
    return form_jump(f, r->change->id, -1);
  pre_value v = screener_value(f, r);
  return fill(f, r, &v) ? KERR_OK : KERR_STATE;
}
