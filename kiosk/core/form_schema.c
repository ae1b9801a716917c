/* form_schema: loading and checking form.json (docs/form.md).
 *
 * The loader records every problem it finds (with its JSON path and a
 * Chinese reason for the administrator) instead of stopping at the first.
 * A loaded schema satisfies: ids are unique over fields, member fields and
 * computed values of every scope; every type is known; choices are present
 * and unique for choice kinds; needed_by is non-empty; every expression
 * parsed and every ${name} in it is a field or computed value of its scope
 * (a member field's expressions may also name its own group's fields and
 * computed values), a repeat group (inside count/sum), or, for
 * ${member.name}, a member field or computed value; every ID fact reads an
 * id_number field of its own scope. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/form_private.h"
#include "core/json_limits.h"
#include "core/jsonload.h"
#include "core/screener.h"

typedef struct loader {
  jsonload j; /* problems go to form.json */
  form_schema *s;
} loader;

static const char *const type_names[FORM_T_COUNT] = {
    [FORM_T_TEXT] = "text",         [FORM_T_CHINESE_TEXT] = "chinese_text",
    [FORM_T_NUMBER] = "number",     [FORM_T_MONEY] = "money",
    [FORM_T_DATE] = "date",         [FORM_T_CHOICE] = "choice",
    [FORM_T_MULTI_CHOICE] = "multi_choice",
    [FORM_T_ID_NUMBER] = "id_number", [FORM_T_PHONE] = "phone",
    [FORM_T_ADDRESS] = "address",   [FORM_T_BOOLEAN] = "boolean",
    [FORM_T_SIGNATURE] = "signature", [FORM_T_REPEAT] = "repeat"};

const char *form_type_name(form_type t) {
  if ((int)t < 0 || t >= FORM_T_COUNT)
    return "";
  return type_names[t];
}

/* JSON paths for problems: truncated when long, which is harmless. */
static void path_fmt(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void path_fmt(char *out, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, cap, fmt, ap);
  va_end(ap);
}

/* ---- names ---------------------------------------------------------------- */

static const form_field *find_in(const form_field *a, size_t n,
                                 const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (a[i].id && strlen(a[i].id) == len && memcmp(a[i].id, name, len) == 0)
      return &a[i];
  return NULL;
}

static const form_computed *comp_in(const form_computed *a, size_t n,
                                    const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (a[i].id && strlen(a[i].id) == len && memcmp(a[i].id, name, len) == 0)
      return &a[i];
  return NULL;
}

/* Whether `name` is used anywhere yet (for uniqueness). */
static int name_used(const form_schema *s, const char *name) {
  size_t len = strlen(name);
  if (find_in(s->top, s->n_top, name, len) ||
      comp_in(s->comp, s->n_comp, name, len))
    return 1;
  for (size_t g = 0; g < s->n_grp; g++)
    if (find_in(s->grp[g].fields, s->grp[g].n_fields, name, len) ||
        comp_in(s->grp[g].comp, s->grp[g].n_comp, name, len))
      return 1;
  return 0;
}

typedef struct scope {
  loader *L;
  const char *path;
  const form_group_info *g; /* the member scope, or NULL */
  int bad;
} scope;

static kerr check_name(void *ud, expr_name_kind kind, const char *name,
                       size_t len, size_t offset) {
  scope *sc = ud;
  const form_schema *s = sc->L->s;
  int ok = 0;
  if (kind == EXPR_NAME_FIELD) {
    const form_field *f = find_in(s->top, s->n_top, name, len);
    ok = f || comp_in(s->comp, s->n_comp, name, len);
    if (!ok && sc->g)
      ok = find_in(sc->g->fields, sc->g->n_fields, name, len) ||
           comp_in(sc->g->comp, sc->g->n_comp, name, len);
  } else if (kind == EXPR_NAME_MEMBER) {
    for (size_t g = 0; g < s->n_grp && !ok; g++)
      ok = find_in(s->grp[g].fields, s->grp[g].n_fields, name, len) ||
           comp_in(s->grp[g].comp, s->grp[g].n_comp, name, len);
  } else {
    ok = 1; /* standards and items are checked against the bundle */
  }
  if (!ok) {
    jsonload_problem(&sc->L->j, KERR_INVALID, CONTENT_P_REFERENCE, sc->path,
            "第 %zu 个字节处的“%.*s”不是表里的字段或计算值", offset,
            (int)(len > 40 ? 40 : len), name);
    sc->bad = 1;
  }
  return KERR_OK;
}

/* Parses an expression string member (optional); the names are checked
 * later, when every field is known. */
static expr *get_expr(loader *L, const cJSON *o, const char *key,
                      const char *path) {
  const char *src = jsonload_str(&L->j, o, key, path, EXPR_MAX_SOURCE, 1);
  char p[200];
  if (!src || !*src)
    return NULL;
  path_fmt(p, sizeof p, "%s.%s", path, key);
  expr *e = NULL;
  expr_error err;
  kerr r = expr_parse(src, strlen(src), &e, &err);
  if (r) {
    jsonload_problem(&L->j, r == KERR_NOMEM ? KERR_NOMEM : r,
            r == KERR_LIMIT ? CONTENT_P_LIMIT : CONTENT_P_SYNTAX, p,
            "表达式第 %zu 个字节处有错：%s", err.offset, err.msg);
    return NULL;
  }
  return e;
}

static void check_expr(loader *L, const expr *e, const char *path,
                       const char *key, const form_group_info *g) {
  if (!e)
    return;
  char p[420];
  path_fmt(p, sizeof p, "%s.%s", path, key);
  scope sc = {L, p, g, 0};
  expr_visit_names(e, check_name, &sc);
}

/* ---- fields --------------------------------------------------------------- */

static form_type type_from(const char *t) {
  for (int i = 0; i < FORM_T_COUNT; i++)
    if (strcmp(type_names[i], t) == 0)
      return (form_type)i;
  if (strcmp(t, "yesno") == 0)
    return FORM_T_BOOLEAN;
  return FORM_T_COUNT;
}

static int is_texty(form_type t) {
  return t == FORM_T_TEXT || t == FORM_T_CHINESE_TEXT || t == FORM_T_ADDRESS;
}

static void load_choices(loader *L, form_field *f, const cJSON *o,
                         const char *path) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "choices");
  char p[200];
  path_fmt(p, sizeof p, "%s.choices", path);
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_FIELD, p, "选择题要有“choices”选项");
    return;
  }
  size_t n = (size_t)cJSON_GetArraySize(a);
  if (n > FORM_MAX_CHOICES) {
    jsonload_problem(&L->j, KERR_LIMIT, CONTENT_P_LIMIT, p, "选项太多（最多 %d 个）",
            FORM_MAX_CHOICES);
    return;
  }
  form_choice *c = calloc(n, sizeof *c);
  if (!c) {
    jsonload_problem(&L->j, KERR_NOMEM, CONTENT_P_LIMIT, p, "内存不足");
    return;
  }
  size_t i = 0;
  for (const cJSON *j = a->child; j; j = j->next, i++) {
    char pj[220];
    path_fmt(pj, sizeof pj, "%s[%zu]", p, i);
    const char *v = jsonload_str(&L->j, j, "value", pj, FORM_MAX_ID, 0);
    const char *l = jsonload_str(&L->j, j, "label", pj, FORM_MAX_LABEL, 0);
    if (v && (!jsonload_id_ok(v, FORM_MAX_ID) && strspn(v, "0123456789") != strlen(v)))
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, pj,
              "选项的值只能用小写字母、数字和下划线");
    for (size_t k = 0; v && k < i; k++)
      if (c[k].value && strcmp(c[k].value, v) == 0)
        jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_DUPLICATE, pj, "选项“%s”重复了", v);
    c[i].value = v ? v : "";
    c[i].label = l ? l : "";
  }
  f->choices = c;
  f->n_choices = n;
}

static void load_needed_by(loader *L, form_field *f, const cJSON *o,
                           const char *path, int optional) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "needed_by");
  char p[200];
  path_fmt(p, sizeof p, "%s.needed_by", path);
  if (!a && optional)
    return;
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_FIELD, p,
            "要写明哪些救助事项需要这一项（needed_by），所有事项都要的写 [\"*\"]");
    return;
  }
  size_t n = (size_t)cJSON_GetArraySize(a);
  if (n > FORM_MAX_NEEDED_BY) {
    jsonload_problem(&L->j, KERR_LIMIT, CONTENT_P_LIMIT, p, "事项太多（最多 %d 个）",
            FORM_MAX_NEEDED_BY);
    return;
  }
  const char **v = calloc(n, sizeof *v);
  if (!v) {
    jsonload_problem(&L->j, KERR_NOMEM, CONTENT_P_LIMIT, p, "内存不足");
    return;
  }
  size_t i = 0;
  for (const cJSON *j = a->child; j; j = j->next, i++) {
    if (!cJSON_IsString(j) ||
        (strcmp(j->valuestring, "*") != 0 && !jsonload_id_ok(j->valuestring, FORM_MAX_ID))) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, p,
              "第 %zu 个事项应该是事项编号（如 \"dibao\"）或 \"*\"", i + 1);
      v[i] = "";
      continue;
    }
    v[i] = j->valuestring;
  }
  f->needed_by = v;
  f->n_needed_by = n;
}

static void load_field(loader *L, form_field *f, const cJSON *o,
                       const char *path, const form_field *group);
static void load_computed_list(loader *L, const cJSON *a, const char *path,
                               form_group_info *g);

/* Member fields and computed values of a repeat group. */
static void load_group(loader *L, form_field *f, const cJSON *o,
                       const char *path) {
  char p[200];
  if (f->group) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path, "重复组里不能再套重复组");
    return;
  }
  if (L->s->n_grp == FORM_MAX_GROUPS) {
    jsonload_problem(&L->j, KERR_LIMIT, CONTENT_P_LIMIT, path, "重复组太多（最多 %d 个）",
            FORM_MAX_GROUPS);
    return;
  }
  f->max_entries = (size_t)jsonload_int(&L->j, o, "max", path, 1, FORM_MAX_MEMBERS,
                                   FORM_MAX_MEMBERS);
  f->min_entries = (size_t)jsonload_int(&L->j, o, "min", path, 0, FORM_MAX_MEMBERS, 0);
  if (f->min_entries > f->max_entries)
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path, "“min”不能大于“max”");
  f->item_label = jsonload_str(&L->j, o, "item_label", path, FORM_MAX_LABEL, 0);
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "fields");
  path_fmt(p, sizeof p, "%s.fields", path);
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1 ||
      cJSON_GetArraySize(a) > FORM_MAX_GROUP_FIELDS) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_FIELD, p,
            "重复组要有 1 到 %d 个字段（fields）", FORM_MAX_GROUP_FIELDS);
    return;
  }
  form_group_info *g = &L->s->grp[L->s->n_grp++];
  g->group = f;
  g->fields = calloc((size_t)cJSON_GetArraySize(a), sizeof *g->fields);
  if (!g->fields) {
    jsonload_problem(&L->j, KERR_NOMEM, CONTENT_P_LIMIT, p, "内存不足");
    return;
  }
  size_t i = 0;
  for (const cJSON *j = a->child; j; j = j->next, i++) {
    char pj[220];
    path_fmt(pj, sizeof pj, "%s[%zu]", p, i);
    g->fields[i].index = i;
    g->fields[i].section = f->section;
    load_field(L, &g->fields[i], j, pj, f);
    g->n_fields = i + 1;
  }
  f->fields = g->fields;
  f->n_fields = g->n_fields;
  path_fmt(p, sizeof p, "%s.computed", path);
  load_computed_list(L, cJSON_GetObjectItemCaseSensitive(o, "computed"), p, g);
}

static void load_field(loader *L, form_field *f, const cJSON *o,
                       const char *path, const form_field *group) {
  f->group = group;
  if (!cJSON_IsObject(o)) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_TYPE, path, "字段应该是一个对象");
    return;
  }
  const char *id = jsonload_str(&L->j, o, "id", path, FORM_MAX_ID, 0);
  if (id && !jsonload_id_ok(id, FORM_MAX_ID)) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path,
            "字段编号“%s”只能用小写字母、数字和下划线，最长 %d 个", id,
            FORM_MAX_ID);
    id = NULL;
  }
  if (id && name_used(L->s, id)) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_DUPLICATE, path, "字段编号“%s”重复了",
            id);
    id = NULL;
  }
  const char *t = jsonload_str(&L->j, o, "type", path, 20, 0);
  f->type = t ? type_from(t) : FORM_T_COUNT;
  if (t && f->type == FORM_T_COUNT)
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path, "不认识的字段类型“%s”", t);
  f->label = jsonload_str(&L->j, o, "label", path, FORM_MAX_LABEL, 0);
  f->review_label = jsonload_str(&L->j, o, "review_label", path, FORM_MAX_LABEL, 1);
  if (f->review_label && !*f->review_label)
    f->review_label = f->label;
  f->help = jsonload_str(&L->j, o, "help", path, FORM_MAX_LABEL, 1);
  f->unit = jsonload_str(&L->j, o, "unit", path, 20, 1);
  f->required = jsonload_bool(&L->j, o, "required", path, 1);
  f->multiline = jsonload_bool(&L->j, o, "multiline", path, 0);
  f->digits = jsonload_bool(&L->j, o, "digits", path, 0);
  f->luhn = jsonload_bool(&L->j, o, "luhn", path, 0);
  if (f->luhn && !f->digits)
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path,
                     "“luhn”（卡号校验）只能用在 digits 为 true 的字段上");
  f->no_future = jsonload_bool(&L->j, o, "no_future", path, 0);
  f->decimals = (int)jsonload_int(&L->j, o, "decimals", path, 0, 4,
                             f->type == FORM_T_MONEY ? 2 : 0);
  f->min_chars = (size_t)jsonload_int(&L->j, o, "min_chars", path, 0, FORM_MAX_CHARS,
                                 f->type == FORM_T_ADDRESS ? 2 : 1);
  f->max_chars = (size_t)jsonload_int(&L->j, o, "max_chars", path, 1, FORM_MAX_CHARS,
                                 f->type == FORM_T_ADDRESS ? 100 : 50);
  if (f->min_chars > f->max_chars)
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path,
            "“min_chars”不能大于“max_chars”");
  int64_t scale = f->type == FORM_T_MONEY ? EXPR_SCALE / 100 : 1;
  f->min = jsonload_num(&L->j, o, "min", path, 0, &f->has_min) / scale;
  f->max = jsonload_num(&L->j, o, "max", path, 0, &f->has_max) / scale;
  f->confirm_above = jsonload_num(&L->j, o, "confirm_above", path, 0, NULL) / scale;
  if (f->type != FORM_T_REPEAT && f->has_min && f->has_max && f->min > f->max)
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path, "“min”不能大于“max”");
  f->relevant = get_expr(L, o, "relevant", path);
  f->constraint = get_expr(L, o, "constraint", path);
  f->constraint_message =
      jsonload_str(&L->j, o, "constraint_message", path, FORM_MAX_LABEL, !f->constraint);
  if (f->type == FORM_T_CHOICE || f->type == FORM_T_MULTI_CHOICE)
    load_choices(L, f, o, path);
  /* Member fields inherit their group's needed_by when they have none. */
  load_needed_by(L, f, o, path, group != NULL);
  if (group && !f->needed_by) {
    f->needed_by = NULL;
    f->n_needed_by = 0;
  }
  if (!is_texty(f->type) &&
      cJSON_GetObjectItemCaseSensitive(o, "max_chars"))
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path,
            "只有文字类的字段才能写“max_chars”");
  f->id = id;
  if (f->type == FORM_T_REPEAT)
    load_group(L, f, o, path);
}

/* A computed value of the top level or of a group. */
static void load_computed(loader *L, form_computed *cv, const cJSON *o,
                          const char *path, const form_group_info *g) {
  const char *id = jsonload_str(&L->j, o, "id", path, FORM_MAX_ID, 0);
  if (id && (!jsonload_id_ok(id, FORM_MAX_ID) || name_used(L->s, id))) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_DUPLICATE, path,
            "计算值编号“%s”不合格或者重复了", id);
    id = NULL;
  }
  cv->label = jsonload_str(&L->j, o, "label", path, FORM_MAX_LABEL, 0);
  cv->unit = jsonload_str(&L->j, o, "unit", path, 20, 1);
  cv->decimals = (int)jsonload_int(&L->j, o, "decimals", path, 0, 4, 0);
  cv->group = g ? g->group : NULL;
  cv->section = g ? g->group->section : 0;
  const char *sec = jsonload_str(&L->j, o, "section", path, FORM_MAX_ID, 1);
  if (sec && *sec) {
    size_t k;
    for (k = 0; k < L->s->n_sec; k++)
      if (L->s->sec[k].id && strcmp(L->s->sec[k].id, sec) == 0)
        break;
    if (k == L->s->n_sec)
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_REFERENCE, path, "没有“%s”这一部分",
              sec);
    else
      cv->section = k;
  }
  cv->relevant = get_expr(L, o, "relevant", path);
  const char *from = jsonload_str(&L->j, o, "from_id", path, FORM_MAX_ID, 1);
  if (from && *from) {
    const form_field *ff =
        g ? find_in(g->fields, g->n_fields, from, strlen(from))
          : find_in(L->s->top, L->s->n_top, from, strlen(from));
    if (!ff || ff->type != FORM_T_ID_NUMBER)
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_REFERENCE, path,
              "“from_id”要写同一范围里一个身份证号码字段，“%s”不是", from);
    cv->from = ff;
    const char *part = jsonload_str(&L->j, o, "part", path, 20, 0);
    cv->part = !part                           ? FORM_ID_NONE
               : strcmp(part, "age") == 0        ? FORM_ID_AGE
               : strcmp(part, "birth_date") == 0 ? FORM_ID_BIRTH_DATE
               : strcmp(part, "sex") == 0        ? FORM_ID_SEX
                                                 : FORM_ID_NONE;
    if (part && cv->part == FORM_ID_NONE)
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path,
              "“part”只能是 age、birth_date 或 sex");
  } else {
    cv->e = get_expr(L, o, "expr", path);
    if (!cv->e && !cJSON_GetObjectItemCaseSensitive(o, "expr"))
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_FIELD, path,
              "计算值要有“expr”或者“from_id”");
  }
  cv->id = id;
}

static void load_computed_list(loader *L, const cJSON *a, const char *path,
                               form_group_info *g) {
  if (!a)
    return;
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > FORM_MAX_COMPUTED) {
    jsonload_problem(&L->j, KERR_LIMIT, CONTENT_P_LIMIT, path,
            "“computed”应该是最多 %d 项的列表", FORM_MAX_COMPUTED);
    return;
  }
  size_t i = 0;
  for (const cJSON *j = a->child; j; j = j->next, i++) {
    char pj[220];
    path_fmt(pj, sizeof pj, "%s[%zu]", path, i);
    form_computed *cv = g ? &g->comp[g->n_comp] : &L->s->comp[L->s->n_comp];
    if (!cJSON_IsObject(j)) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_TYPE, pj, "计算值应该是一个对象");
      continue;
    }
    load_computed(L, cv, j, pj, g);
    if (g)
      g->n_comp++;
    else
      L->s->n_comp++;
  }
}

static void free_field(form_field *f) {
  expr_destroy((expr *)f->relevant);
  expr_destroy((expr *)f->constraint);
  free((void *)f->choices);
  free((void *)f->needed_by);
}

void form_schema_destroy(form_schema *s) {
  if (!s)
    return;
  for (size_t g = 0; g < s->n_grp; g++) {
    for (size_t i = 0; i < s->grp[g].n_fields; i++)
      free_field(&s->grp[g].fields[i]);
    for (size_t i = 0; i < s->grp[g].n_comp; i++) {
      expr_destroy((expr *)s->grp[g].comp[i].e);
      expr_destroy((expr *)s->grp[g].comp[i].relevant);
    }
    free(s->grp[g].fields);
  }
  for (size_t i = 0; s->top && i < s->n_top; i++)
    free_field(&s->top[i]);
  for (size_t i = 0; i < s->n_comp; i++) {
    expr_destroy((expr *)s->comp[i].e);
    expr_destroy((expr *)s->comp[i].relevant);
  }
  for (size_t i = 0; i < s->n_req; i++)
    expr_destroy(s->req[i].holds);
  expr_destroy(s->urgent_when);
  free(s->top);
  cJSON_Delete(s->doc);
  free(s);
}

static void check_all_exprs(loader *L) {
  form_schema *s = L->s;
  char p[200];
  for (size_t i = 0; i < s->n_top; i++) {
    const form_field *f = &s->top[i];
    path_fmt(p, sizeof p, "$.fields.%s", f->id ? f->id : "?");
    check_expr(L, f->relevant, p, "relevant", NULL);
    check_expr(L, f->constraint, p, "constraint", NULL);
  }
  for (size_t i = 0; i < s->n_comp; i++) {
    path_fmt(p, sizeof p, "$.computed.%s", s->comp[i].id ? s->comp[i].id : "?");
    check_expr(L, s->comp[i].e, p, "expr", NULL);
    check_expr(L, s->comp[i].relevant, p, "relevant", NULL);
  }
  for (size_t g = 0; g < s->n_grp; g++) {
    const form_group_info *gi = &s->grp[g];
    for (size_t i = 0; i < gi->n_fields; i++) {
      const form_field *f = &gi->fields[i];
      path_fmt(p, sizeof p, "$.fields.%s.%s", gi->group->id ? gi->group->id : "?",
               f->id ? f->id : "?");
      check_expr(L, f->relevant, p, "relevant", gi);
      check_expr(L, f->constraint, p, "constraint", gi);
    }
    for (size_t i = 0; i < gi->n_comp; i++) {
      path_fmt(p, sizeof p, "$.fields.%s.computed.%s",
               gi->group->id ? gi->group->id : "?",
               gi->comp[i].id ? gi->comp[i].id : "?");
      check_expr(L, gi->comp[i].e, p, "expr", gi);
      check_expr(L, gi->comp[i].relevant, p, "relevant", gi);
    }
  }
}

/* ---- requirements ------------------------------------------------------------ */

/* 1 if field fd is asked for item (its needed_by names it or "*"). */
static int field_needed_for(const form_field *fd, const char *item) {
  for (size_t i = 0; i < fd->n_needed_by; i++)
    if (strcmp(fd->needed_by[i], "*") == 0 ||
        strcmp(fd->needed_by[i], item) == 0)
      return 1;
  return 0;
}

/* "requirements": [{"items": [...], "field", "holds", "message"}]. The
 * field must be asked for every item named, so the applicant can always
 * reach the place to fix it. Items are checked against the catalogue in
 * form_schema_check_content(). */
static void load_requirements(loader *L, const cJSON *a) {
  form_schema *s = L->s;
  if (!a)
    return;
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > FORM_MAX_REQUIREMENTS) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_FIELD, "$.requirements",
                     "“requirements”应该是一个列表，最多 %d 条",
                     FORM_MAX_REQUIREMENTS);
    return;
  }
  size_t i = 0;
  for (const cJSON *o = a->child; o; o = o->next, i++) {
    char p[80];
    path_fmt(p, sizeof p, "$.requirements[%zu]", i);
    if (!cJSON_IsObject(o)) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_TYPE, p,
                       "每一条应该是一个对象");
      continue;
    }
    form_requirement *r = &s->req[s->n_req];
    memset(r, 0, sizeof *r);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(o, "items");
    const char *fid = jsonload_str(&L->j, o, "field", p, FORM_MAX_ID, 0);
    r->message = jsonload_str(&L->j, o, "message", p, FORM_MAX_MESSAGE - 1, 0);
    if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) < 1 ||
        cJSON_GetArraySize(items) > FORM_MAX_NEEDED_BY) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_FIELD, p,
                       "“items”应该列出 1 到 %d 个事项编号", FORM_MAX_NEEDED_BY);
      continue;
    }
    for (const cJSON *it = items->child; it; it = it->next) {
      if (!cJSON_IsString(it) || !*it->valuestring) {
        jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_TYPE, p,
                         "“items”里每一项都应该是事项编号");
        break;
      }
      r->items[r->n_items++] = it->valuestring;
    }
    if (!fid || !r->message || r->n_items != (size_t)cJSON_GetArraySize(items))
      continue;
    r->field = find_in(s->top, s->n_top, fid, strlen(fid));
    if (!r->field) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_REFERENCE, p,
                       "“%s”不是表里的字段", fid);
      continue;
    }
    int reachable = 1;
    for (size_t k = 0; k < r->n_items; k++)
      if (!field_needed_for(r->field, r->items[k])) {
        jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_REFERENCE, p,
                         "申请“%s”时不问“%s”，申请人没有地方补上：请把“%s”加到它的"
                         "needed_by 里",
                         r->items[k], fid, r->items[k]);
        reachable = 0;
      }
    r->holds = get_expr(L, o, "holds", p);
    if (!r->holds) {
      if (!cJSON_GetObjectItemCaseSensitive(o, "holds"))
        jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_FIELD, p,
                         "缺少“holds”：要满足的条件");
      continue;
    }
    check_expr(L, r->holds, p, "holds", NULL);
    if (!reachable) {
      expr_destroy(r->holds);
      continue;
    }
    s->n_req++;
  }
}

/* "urgent_items": ["temporary", ...]; checked against the catalogue in
 * form_schema_check_content(). */
static void load_urgent(loader *L, const cJSON *a) {
  form_schema *s = L->s;
  if (!a)
    return;
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > FORM_MAX_NEEDED_BY) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_FIELD, "$.urgent_items",
                     "“urgent_items”应该是事项编号的列表，最多 %d 个",
                     FORM_MAX_NEEDED_BY);
    return;
  }
  for (const cJSON *it = a->child; it; it = it->next) {
    if (!cJSON_IsString(it) || !*it->valuestring) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_TYPE, "$.urgent_items",
                       "每一项都应该是事项编号");
      return;
    }
    s->urgent[s->n_urgent++] = it->valuestring;
  }
}

/* "kind": "application" (the default) or "referral". */
static void load_kind(loader *L, const cJSON *doc) {
  form_schema *s = L->s;
  s->kind = FORM_KIND_APPLICATION;
  const cJSON *k = cJSON_GetObjectItemCaseSensitive(doc, "kind");
  if (!k)
    return;
  if (cJSON_IsString(k) && strcmp(k->valuestring, FORM_KIND_REFERRAL) == 0)
    s->kind = FORM_KIND_REFERRAL;
  else if (!cJSON_IsString(k) ||
           strcmp(k->valuestring, FORM_KIND_APPLICATION) != 0)
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_FIELD, "$.kind",
                     "“kind”只能是“application”（申请）或“referral”（帮别人求助）");
}

/* ---- from_screener ---------------------------------------------------------- */

static const form_computed *find_top_computed(const form_schema *s,
                                              const char *id) {
  for (size_t i = 0; i < s->n_comp; i++)
    if (s->comp[i].id && strcmp(s->comp[i].id, id) == 0)
      return &s->comp[i];
  return NULL;
}

/* "from_screener": [{"question", "field", "convert"?, "values"?, "change"?}]
 * Names are checked against the form here and against screener.json in
 * form_schema_check_content(). */
static void load_prefill(loader *L, const cJSON *a) {
  form_schema *s = L->s;
  if (!a)
    return;
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > FORM_MAX_PREFILL) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_FIELD, "$.from_screener",
                     "“from_screener”应该是一个列表，最多 %d 条",
                     FORM_MAX_PREFILL);
    return;
  }
  size_t i = 0;
  for (const cJSON *o = a->child; o; o = o->next, i++) {
    char p[80];
    path_fmt(p, sizeof p, "$.from_screener[%zu]", i);
    if (!cJSON_IsObject(o)) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_TYPE, p,
                       "每一条应该是一个对象");
      continue;
    }
    form_prefill_rule *r = &s->pre[s->n_pre];
    memset(r, 0, sizeof *r);
    r->question = jsonload_str(&L->j, o, "question", p, FORM_MAX_ID, 0);
    const char *fid = jsonload_str(&L->j, o, "field", p, FORM_MAX_ID, 0);
    const char *conv = jsonload_str(&L->j, o, "convert", p, 32, 1);
    const char *chg = jsonload_str(&L->j, o, "change", p, FORM_MAX_ID, 1);
    if (!r->question || !fid || !conv || !chg)
      continue;
    r->field = find_in(s->top, s->n_top, fid, strlen(fid));
    if (!r->field)
      r->computed = find_top_computed(s, fid);
    if ((!r->field && !r->computed) ||
        (r->field && (r->field->type == FORM_T_REPEAT ||
                      r->field->type == FORM_T_SIGNATURE))) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_REFERENCE, p,
                       "“%s”不是表里可以预先填好的字段，也不是计算值", fid);
      continue;
    }
    form_type t = r->field ? r->field->type : FORM_T_NUMBER;
    if (strcmp(conv, "not") == 0 && t == FORM_T_BOOLEAN)
      r->convert = FORM_CONV_NOT;
    else if (strcmp(conv, "year_to_month") == 0 &&
             (t == FORM_T_MONEY || t == FORM_T_NUMBER))
      r->convert = FORM_CONV_YEAR_TO_MONTH;
    else if (*conv) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, p,
                       "“convert”只能是 not（是非题）或 year_to_month（金额），"
                       "不能是“%s”",
                       conv);
      continue;
    }
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(o, "values");
    if (vals) {
      int bad = !cJSON_IsObject(vals) || !r->field ||
                r->field->type != FORM_T_CHOICE;
      for (const cJSON *v = bad ? NULL : vals->child; v && !bad; v = v->next) {
        int known = cJSON_IsString(v) && !*v->valuestring;
        for (size_t k = 0; cJSON_IsString(v) && k < r->field->n_choices; k++)
          known |= strcmp(r->field->choices[k].value, v->valuestring) == 0;
        if (!known) {
          jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, p,
                           "“values”里“%s”对应的“%s”不是“%s”的选项",
                           v->string,
                           cJSON_IsString(v) ? v->valuestring : "?", fid);
          bad = -1;
        }
      }
      if (bad > 0)
        jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, p,
                         "只有选择题可以有“values”，它应该是一个对象");
      if (bad)
        continue;
      r->values = vals;
    }
    if (r->computed) {
      r->change = *chg ? find_in(s->top, s->n_top, chg, strlen(chg)) : NULL;
      if (!r->change) {
        jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_REFERENCE, p,
                         "计算值“%s”要用“change”说明去改表里哪一项", fid);
        continue;
      }
    }
    for (size_t k = 0; k < s->n_pre; k++)
      if (strcmp(s->pre[k].question, r->question) == 0) {
        jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_DUPLICATE, p,
                         "问题“%s”已经对应了一项", r->question);
        r = NULL;
        break;
      }
    if (r)
      s->n_pre++;
  }
}

kerr form_schema_load(const char *text, size_t len, form_schema **out,
                      content_problems *problems) {
  *out = NULL;
  json_limits lim = {FORM_MAX_BYTES, 16, 8192, 1000};
  json_limits_error jerr;
  cJSON *doc = NULL;
  kerr r = json_limits_parse(text, len, &lim, &doc, &jerr);
  if (r) {
    content_problems_add(problems,
                         r == KERR_LIMIT ? CONTENT_P_LIMIT : CONTENT_P_SYNTAX,
                         "form.json", "", "第 %zu 行第 %zu 列：%s", jerr.line,
                         jerr.column, json_limits_fault_str(jerr.fault));
    return r;
  }
  form_schema *s = calloc(1, sizeof *s);
  if (!s) {
    cJSON_Delete(doc);
    return KERR_NOMEM;
  }
  s->doc = doc;
  s->top = calloc(FORM_MAX_FIELDS, sizeof *s->top);
  loader L;
  jsonload_init(&L.j, problems, "form.json");
  L.s = s;
  if (!s->top) {
    form_schema_destroy(s);
    return KERR_NOMEM;
  }
  if (!cJSON_IsObject(doc)) {
    jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_TYPE, "$", "整个文件应该是一个对象");
    goto out;
  }
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
  if (!cJSON_IsNumber(fmt) || fmt->valuedouble != FORM_FORMAT) {
    jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_FORMAT, "$.format",
            "“format”应该是 %d（本程序读得懂的表格式）", FORM_FORMAT);
    goto out;
  }
  s->title = jsonload_str(&L.j, doc, "title", "$", FORM_MAX_LABEL, 0);
  const cJSON *secs = cJSON_GetObjectItemCaseSensitive(doc, "sections");
  if (!cJSON_IsArray(secs) || cJSON_GetArraySize(secs) < 1 ||
      cJSON_GetArraySize(secs) > FORM_MAX_SECTIONS) {
    jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_FIELD, "$.sections",
            "要有 1 到 %d 个部分（sections）", FORM_MAX_SECTIONS);
    goto out;
  }
  size_t si = 0;
  for (const cJSON *sj = secs->child; sj; sj = sj->next, si++) {
    char sp[80];
    path_fmt(sp, sizeof sp, "$.sections[%zu]", si);
    form_section *sec = &s->sec[s->n_sec++];
    sec->id = jsonload_str(&L.j, sj, "id", sp, FORM_MAX_ID, 0);
    for (size_t k = 0; sec->id && k + 1 < s->n_sec; k++)
      if (s->sec[k].id && strcmp(s->sec[k].id, sec->id) == 0)
        jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_DUPLICATE, sp, "部分编号“%s”重复了",
                sec->id);
    sec->title = jsonload_str(&L.j, sj, "title", sp, FORM_MAX_LABEL, 0);
    sec->first = s->n_top;
    const cJSON *fa = cJSON_GetObjectItemCaseSensitive(sj, "fields");
    if (!cJSON_IsArray(fa) || cJSON_GetArraySize(fa) < 1) {
      jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_FIELD, sp, "每一部分至少要有一个字段");
      continue;
    }
    size_t fi = 0;
    for (const cJSON *fj = fa->child; fj; fj = fj->next, fi++) {
      char fp[120];
      path_fmt(fp, sizeof fp, "%s.fields[%zu]", sp, fi);
      if (s->n_top == FORM_MAX_FIELDS) {
        jsonload_problem(&L.j, KERR_LIMIT, CONTENT_P_LIMIT, fp, "字段太多（最多 %d 个）",
                FORM_MAX_FIELDS);
        goto out;
      }
      form_field *f = &s->top[s->n_top];
      f->index = s->n_top;
      f->section = si;
      load_field(&L, f, fj, fp, NULL);
      s->n_top++;
      sec->n_fields++;
    }
  }
  load_computed_list(&L, cJSON_GetObjectItemCaseSensitive(doc, "computed"),
                     "$.computed", NULL);
  check_all_exprs(&L);
  load_prefill(&L, cJSON_GetObjectItemCaseSensitive(doc, "from_screener"));
  load_requirements(&L, cJSON_GetObjectItemCaseSensitive(doc, "requirements"));
  load_urgent(&L, cJSON_GetObjectItemCaseSensitive(doc, "urgent_items"));
  s->urgent_when = get_expr(&L, doc, "urgent_when", "$");
  check_expr(&L, s->urgent_when, "$", "urgent_when", NULL);
  load_kind(&L, doc);
  /* The protocol needs these two in an application: the receipt's check
   * digest uses the ID number, and the console lists applications by name.
   * A referral is about someone else and may know neither. */
  if (strcmp(s->kind, FORM_KIND_APPLICATION) == 0) {
    static const struct {
      const char *id;
      form_type type;
    } must[] = {{"applicant_name", FORM_T_CHINESE_TEXT},
                {"applicant_id", FORM_T_ID_NUMBER}};
    for (size_t k = 0; k < sizeof must / sizeof must[0]; k++) {
      const form_field *f =
          find_in(s->top, s->n_top, must[k].id, strlen(must[k].id));
      int every = 0;
      for (size_t i = 0; f && i < f->n_needed_by; i++)
        every |= strcmp(f->needed_by[i], "*") == 0;
      if (!f || f->type != must[k].type || !f->required || !every)
        jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_FIELD, "$.sections",
                "表里要有必填的“%s”（%s），并且所有事项都要它（needed_by [\"*\"]）",
                must[k].id, type_names[must[k].type]);
    }
  }
out:
  if (L.j.err) {
    form_schema_destroy(s);
    return L.j.err;
  }
  *out = s;
  return KERR_OK;
}

/* Every "from_screener" question must be a question of screener.json whose
 * answers fit the field: yes/no to a boolean, a choice to a choice (each
 * answer, after "values", one of the field's), a number or an amount to a
 * number, an amount or a computed value. */
static kerr check_prefill(const form_schema *s, const content *c,
                          content_problems *problems) {
  if (!s->n_pre)
    return KERR_OK;
  const char *text;
  size_t len;
  screener *scr = NULL;
  kerr r = content_file(c, "screener.json", &text, &len);
  if (!r)
    r = screener_load(text, len, &scr, NULL);
  if (r) {
    content_problems_add(problems, CONTENT_P_REFERENCE, "form.json",
                         "$.from_screener",
                         "有“from_screener”，但是 screener.json（初筛问题）读不出来");
    return KERR_INVALID;
  }
  for (size_t i = 0; i < s->n_pre; i++) {
    const form_prefill_rule *p = &s->pre[i];
    char path[80];
    snprintf(path, sizeof path, "$.from_screener[%zu]", i);
    const screener_question *q = NULL;
    for (size_t k = 0; k < screener_question_count(scr); k++)
      if (strcmp(screener_question_at(scr, k)->id, p->question) == 0)
        q = screener_question_at(scr, k);
    if (!q) {
      content_problems_add(problems, CONTENT_P_REFERENCE, "form.json", path,
                           "初筛问题里没有“%s”", p->question);
      r = KERR_INVALID;
      continue;
    }
    form_type t = p->field ? p->field->type : FORM_T_NUMBER;
    int fits = (q->type == SCREENER_Q_YESNO && t == FORM_T_BOOLEAN) ||
               (q->type == SCREENER_Q_CHOICE && t == FORM_T_CHOICE) ||
               ((q->type == SCREENER_Q_NUMBER || q->type == SCREENER_Q_MONEY) &&
                (t == FORM_T_NUMBER || t == FORM_T_MONEY));
    if (!fits) {
      content_problems_add(problems, CONTENT_P_VALUE, "form.json", path,
                           "初筛问题“%s”的答案放不进“%s”（类型不一样）",
                           p->question,
                           p->field ? p->field->id : p->computed->id);
      r = KERR_INVALID;
      continue;
    }
    for (size_t k = 0; q->type == SCREENER_Q_CHOICE && k < q->n_choices; k++) {
      const char *v = q->choices[k].value;
      const cJSON *m = p->values
                           ? cJSON_GetObjectItemCaseSensitive(p->values, v)
                           : NULL;
      if (m)
        continue; /* checked against the field by the loader */
      int known = 0;
      for (size_t j = 0; j < p->field->n_choices; j++)
        known |= strcmp(p->field->choices[j].value, v) == 0;
      if (!known) {
        content_problems_add(problems, CONTENT_P_VALUE, "form.json", path,
                             "初筛的答案“%s”在“%s”里没有对应的选项"
                             "（用“values”说明对应哪一个，或者写 \"\" 不填）",
                             v, p->field->id);
        r = KERR_INVALID;
      }
    }
    for (const cJSON *m = p->values ? p->values->child : NULL; m; m = m->next) {
      int known = 0;
      for (size_t k = 0; k < q->n_choices; k++)
        known |= strcmp(q->choices[k].value, m->string) == 0;
      if (!known) {
        content_problems_add(problems, CONTENT_P_VALUE, "form.json", path,
                             "“values”里的“%s”不是初筛问题“%s”的答案",
                             m->string, p->question);
        r = KERR_INVALID;
      }
    }
  }
  screener_destroy(scr);
  return r;
}

kerr form_schema_check_content(const form_schema *s, const content *c,
                               content_problems *problems) {
  kerr r = KERR_OK;
  for (size_t pass = 0; pass <= s->n_grp; pass++) {
    const form_field *a = pass == 0 ? s->top : s->grp[pass - 1].fields;
    size_t n = pass == 0 ? s->n_top : s->grp[pass - 1].n_fields;
    for (size_t i = 0; i < n; i++)
      for (size_t k = 0; k < a[i].n_needed_by; k++) {
        const char *it = a[i].needed_by[k];
        if (strcmp(it, "*") == 0 || content_item_find(c, it))
          continue;
        content_problems_add(problems, CONTENT_P_REFERENCE, "form.json",
                             a[i].id, "needed_by 里的“%s”不在救助事项目录里",
                             it);
        r = KERR_INVALID;
      }
  }
  for (size_t i = 0; i < s->n_req; i++)
    for (size_t k = 0; k < s->req[i].n_items; k++) {
      if (content_item_find(c, s->req[i].items[k]))
        continue;
      char path[64];
      snprintf(path, sizeof path, "$.requirements[%zu]", i);
      content_problems_add(problems, CONTENT_P_REFERENCE, "form.json", path,
                           "items 里的“%s”不在救助事项目录里",
                           s->req[i].items[k]);
      r = KERR_INVALID;
    }
  for (size_t i = 0; i < s->n_urgent; i++)
    if (!content_item_find(c, s->urgent[i])) {
      content_problems_add(problems, CONTENT_P_REFERENCE, "form.json",
                           "$.urgent_items", "“%s”不在救助事项目录里",
                           s->urgent[i]);
      r = KERR_INVALID;
    }
  if (check_prefill(s, c, problems))
    r = KERR_INVALID;
  return r;
}

kerr form_schema_from_content_file(const content *c, const char *name,
                                   form_schema **out,
                                   content_problems *problems) {
  const char *data;
  size_t len;
  *out = NULL;
  kerr r = content_file(c, name, &data, &len);
  if (r) {
    content_problems_add(problems, CONTENT_P_MISSING, "manifest.json", "",
                         "清单里没有列出 %s（表）", name);
    return r;
  }
  form_schema *s = NULL;
  r = form_schema_load(data, len, &s, problems);
  if (r)
    return r;
  r = form_schema_check_content(s, c, problems);
  if (r) {
    form_schema_destroy(s);
    return r;
  }
  *out = s;
  return KERR_OK;
}

kerr form_schema_from_content(const content *c, form_schema **out,
                              content_problems *problems) {
  return form_schema_from_content_file(c, "form.json", out, problems);
}

const char *form_schema_title(const form_schema *s) { return s->title; }
const char *form_schema_kind(const form_schema *s) { return s->kind; }
size_t form_schema_section_count(const form_schema *s) { return s->n_sec; }
size_t form_schema_field_count(const form_schema *s) { return s->n_top; }
size_t form_schema_prefill_count(const form_schema *s) { return s->n_pre; }
const form_prefill_rule *form_schema_prefill_at(const form_schema *s,
                                                size_t i) {
  return i < s->n_pre ? &s->pre[i] : NULL;
}
const form_field *form_schema_field_at(const form_schema *s, size_t i) {
  return i < s->n_top ? &s->top[i] : NULL;
}

const form_field *form_schema_field_find(const form_schema *s,
                                         const char *id) {
  size_t len = strlen(id);
  const form_field *f = find_in(s->top, s->n_top, id, len);
  for (size_t g = 0; !f && g < s->n_grp; g++)
    f = find_in(s->grp[g].fields, s->grp[g].n_fields, id, len);
  return f;
}

const form_group_info *form_group_of(const form_schema *s,
                                     const form_field *group) {
  for (size_t g = 0; g < s->n_grp; g++)
    if (s->grp[g].group == group)
      return &s->grp[g];
  return NULL;
}

size_t form_group_index(const form_schema *s, const form_field *group) {
  for (size_t g = 0; g < s->n_grp; g++)
    if (s->grp[g].group == group)
      return g;
  return s->n_grp;
}

size_t form_schema_computed_count(const form_schema *s,
                                  const form_field *group) {
  if (!group)
    return s->n_comp;
  const form_group_info *g = form_group_of(s, group);
  return g ? g->n_comp : 0;
}

const form_computed *form_schema_computed_at(const form_schema *s,
                                             const form_field *group,
                                             size_t i) {
  if (!group)
    return i < s->n_comp ? &s->comp[i] : NULL;
  const form_group_info *g = form_group_of(s, group);
  return g && i < g->n_comp ? &g->comp[i] : NULL;
}
