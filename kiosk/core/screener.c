/* screener: see screener.h and docs/screener.md.
 *
 * The loaded screener keeps its own copy of the JSON document; every string
 * it hands out points into that copy. Expressions are parsed once at load.
 * A run builds an expression environment over the answers: ${id} resolves,
 * in this order, to a derived value (evaluated on first use and cached for
 * the run), a question's answer (only if it fits the question and the
 * question is relevant), and nothing else; count()/sum() groups resolve to
 * arrays in the answers named in "groups". Derived values may only refer to
 * values defined before them, so their evaluation cannot recurse without
 * end. */
#include "core/screener.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/json_limits.h"
#include "core/jsonload.h"
#include "core/log.h"
#include "core/utf8.h"

#define MAX_GROUPS 4
#define MAX_VALUE_NESTING 8 /* derived values evaluated inside one another */
#define MAX_ID 40
#define MAX_TEXT 400

typedef struct seg {
  const char *text; /* literal slice (when e is NULL) */
  size_t len;
  expr *e;
} seg;

typedef struct tmpl {
  seg *segs;
  size_t n;
} tmpl;

typedef struct value_def {
  const char *id;
  expr *e;
} value_def;

typedef struct rule {
  const char *item;
  expr *when;
  tmpl reason;
} rule;

/* Items that exclude each other, in order of preference. */
typedef struct alt_group {
  const char *items[SCREENER_MAX_ALT_ITEMS];
  size_t n;
  const char *reason; /* contains "{first}" */
} alt_group;

struct screener {
  cJSON *doc;
  screener_question q[SCREENER_MAX_QUESTIONS];
  size_t nq;
  value_def values[SCREENER_MAX_VALUES];
  size_t nv;
  rule *rules;
  size_t nr;
  const char *items[SCREENER_MAX_ITEMS];
  size_t ni;
  const char *groups[MAX_GROUPS];
  size_t ng;
  alt_group alts[SCREENER_MAX_ALTS];
  size_t na;
};

/* Words a reason must never use: the screener does not refuse anyone. */
static const char *const refusing_words[] = {"不符合", "没有资格", "无资格",
                                             "不能申请", "不合格", "不予",
                                             "不能享受", NULL};

/* ---- standards ---------------------------------------------------------- */

void screener_standards_init(screener_standards *s) { memset(s, 0, sizeof *s); }

static int key_ok(const char *k) {
  return jsonload_name_ok(k, SCREENER_MAX_KEY - 9); /* room for "_month" */
}

kerr screener_standards_add(screener_standards *s, const char *key,
                            int64_t fen, screener_period period) {
  if (!key_ok(key) || fen < 0 || fen > EXPR_NUM_MAX / 100)
    return KERR_INVALID;
  size_t i;
  for (i = 0; i < s->n; i++)
    if (strcmp(s->v[i].key, key) == 0)
      break;
  if (i == s->n) {
    if (s->n == SCREENER_MAX_STANDARDS)
      return KERR_LIMIT;
    s->n++;
  }
  snprintf(s->v[i].key, sizeof s->v[i].key, "%s", key);
  s->v[i].fen = fen;
  s->v[i].period = period;
  return KERR_OK;
}

static screener_period period_of(content_unit u) {
  return u == CONTENT_UNIT_PERSON_MONTH  ? SCREENER_PER_MONTH
         : u == CONTENT_UNIT_PERSON_YEAR ? SCREENER_PER_YEAR
                                         : SCREENER_PER_TIME;
}

kerr screener_standards_from_region(screener_standards *s,
                                    const content_region *r,
                                    const char *today) {
  for (size_t i = 0; i < r->n_standards; i++) {
    const content_standard *cs = &r->standards[i];
    if (!cs->has_value || !content_standard_in_force(r, cs, today))
      continue;
    kerr e = screener_standards_add(s, cs->key, cs->value_fen,
                                    period_of(cs->unit));
    if (e)
      return e;
  }
  return KERR_OK;
}

/* Every entry of one key has the same unit (content_schema checks). */
static screener_period period_of_key(const content_region *r, const char *key) {
  for (size_t i = 0; r && i < r->n_standards; i++)
    if (r->standards[i].key && strcmp(r->standards[i].key, key) == 0)
      return period_of(r->standards[i].unit);
  return SCREENER_PER_TIME;
}

kerr screener_standards_what_if(screener_standards *s, const content_region *r,
                                const cJSON *obj, const char **bad_key) {
  *bad_key = NULL;
  if (!obj)
    return KERR_OK;
  if (!cJSON_IsObject(obj))
    return KERR_INVALID;
  const cJSON *it;
  cJSON_ArrayForEach(it, obj) {
    *bad_key = it->string;
    double v = cJSON_IsNumber(it) ? it->valuedouble : -1;
    if (v < 0 || v > 1e9)
      return KERR_INVALID;
    int64_t fen = llround(v * 100.0);
    if (fabs(v * 100.0 - (double)fen) > 1e-6)
      return KERR_INVALID; /* more than two decimals */
    kerr e = screener_standards_add(s, it->string, fen, period_of_key(r, it->string));
    if (e)
      return e;
  }
  *bad_key = NULL;
  return KERR_OK;
}

/* std.<name>: see screener.h for the naming. Values are exact: fen * 100 is
 * fixed point, and a yearly figure / 12 rounds half up at four decimals. */
static kerr std_lookup(const screener_standards *s, const char *name,
                       size_t len, expr_value *out) {
  if (!s)
    return KERR_NOTFOUND;
  for (size_t i = 0; i < s->n; i++) {
    size_t kl = strlen(s->v[i].key);
    if (len < kl || memcmp(name, s->v[i].key, kl) != 0)
      continue;
    const char *suf = name + kl;
    size_t sl = len - kl;
    int64_t v = s->v[i].fen * 100;
    if (s->v[i].period == SCREENER_PER_TIME) {
      if (sl != 0)
        continue;
    } else if (sl == 6 && memcmp(suf, "_month", 6) == 0) {
      if (s->v[i].period == SCREENER_PER_YEAR)
        v = (v + 6) / 12;
    } else if (sl == 5 && memcmp(suf, "_year", 5) == 0) {
      if (s->v[i].period == SCREENER_PER_MONTH)
        v *= 12;
    } else {
      continue;
    }
    if (v > EXPR_NUM_MAX)
      return KERR_RANGE;
    *out = expr_value_num(v);
    return KERR_OK;
  }
  return KERR_NOTFOUND;
}

/* ---- loading ------------------------------------------------------------ */

typedef struct loader {
  jsonload j; /* problems go to screener.json */
  screener *s;
} loader;

static int find_question(const screener *s, const char *name, size_t len) {
  for (size_t i = 0; i < s->nq; i++)
    if (s->q[i].id && strlen(s->q[i].id) == len &&
        memcmp(s->q[i].id, name, len) == 0)
      return (int)i;
  return -1;
}

static int find_value(const screener *s, const char *name, size_t len) {
  for (size_t i = 0; i < s->nv; i++)
    if (s->values[i].id && strlen(s->values[i].id) == len &&
        memcmp(s->values[i].id, name, len) == 0)
      return (int)i;
  return -1;
}

static int find_group(const screener *s, const char *name, size_t len) {
  for (size_t i = 0; i < s->ng; i++)
    if (strlen(s->groups[i]) == len && memcmp(s->groups[i], name, len) == 0)
      return (int)i;
  return -1;
}

/* What an expression at `path` may refer to: questions before `max_q`,
 * values before `max_v`, and groups. */
typedef struct scope {
  loader *L;
  const char *path;
  size_t max_q, max_v;
  int bad;
} scope;

static kerr check_name(void *ud, expr_name_kind kind, const char *name,
                       size_t len, size_t offset) {
  scope *sc = ud;
  const screener *s = sc->L->s;
  if (kind != EXPR_NAME_FIELD)
    return KERR_OK;
  int q = find_question(s, name, len), v = find_value(s, name, len);
  if ((q >= 0 && (size_t)q < sc->max_q) || (v >= 0 && (size_t)v < sc->max_v) ||
      find_group(s, name, len) >= 0)
    return KERR_OK;
  jsonload_problem(&sc->L->j, KERR_INVALID, CONTENT_P_REFERENCE, sc->path,
          "第 %zu 个字节处的 ${%.*s} 不是前面定义过的问题或数值", offset,
          (int)(len > 40 ? 40 : len), name);
  sc->bad = 1;
  return KERR_OK;
}

/* Parses an expression and checks its names; NULL on problems. */
static expr *load_expr(loader *L, const char *src, size_t len,
                       const char *path, size_t max_q, size_t max_v) {
  expr *e = NULL;
  expr_error err;
  kerr r = expr_parse(src, len, &e, &err);
  if (r == KERR_NOMEM) {
    jsonload_problem(&L->j, KERR_NOMEM, CONTENT_P_LIMIT, path, "内存不足");
    return NULL;
  }
  if (r) {
    jsonload_problem(&L->j, r, r == KERR_LIMIT ? CONTENT_P_LIMIT : CONTENT_P_SYNTAX, path,
            "表达式第 %zu 个字节处有错：%s", err.offset, err.msg);
    return NULL;
  }
  scope sc = {L, path, max_q, max_v, 0};
  expr_visit_names(e, check_name, &sc);
  if (sc.bad) {
    expr_destroy(e);
    return NULL;
  }
  return e;
}

/* Splits a reason template into literal slices and {expr} parts. */
static int load_tmpl(loader *L, const char *t, const char *path, tmpl *out) {
  size_t n = strlen(t), cap = 8;
  out->n = 0;
  out->segs = NULL;
  if (n > SCREENER_MAX_TEMPLATE) {
    jsonload_problem(&L->j, KERR_LIMIT, CONTENT_P_LIMIT, path, "理由太长（最多 %d 字节）",
            SCREENER_MAX_TEMPLATE);
    return -1;
  }
  for (const char *const *w = refusing_words; *w; w++)
    if (strstr(t, *w)) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path,
              "理由里不要用“%s”这样拒绝人的说法：筛查只说“可能适用”", *w);
      return -1;
    }
  out->segs = malloc(cap * sizeof *out->segs);
  if (!out->segs) {
    jsonload_problem(&L->j, KERR_NOMEM, CONTENT_P_LIMIT, path, "内存不足");
    return -1;
  }
  size_t i = 0, lit = 0;
  while (i <= n) {
    int brace = i < n && (t[i] == '{' || t[i] == '}');
    if (i < n && !brace) {
      i++;
      continue;
    }
    /* Flush the literal run [lit, i), then handle the brace. */
    seg add[2];
    size_t na = 0;
    if (i > lit)
      add[na++] = (seg){t + lit, i - lit, NULL};
    if (i < n && t[i] == '}') {
      if (i + 1 < n && t[i + 1] == '}') {
        add[na++] = (seg){t + i, 1, NULL};
        i += 2;
        lit = i;
      } else {
        jsonload_problem(&L->j, KERR_PARSE, CONTENT_P_SYNTAX, path,
                "第 %zu 个字节处多了一个“}”（要写“}”本身请用“}}”）", i);
        return -1;
      }
    } else if (i < n && t[i] == '{' && i + 1 < n && t[i + 1] == '{') {
      add[na++] = (seg){t + i, 1, NULL};
      i += 2;
      lit = i;
    } else if (i < n) {
      /* {expr}: find the closing brace, skipping ${...} and strings. */
      size_t j = i + 1;
      int closed = 0;
      while (j < n) {
        if (t[j] == '$' && j + 1 < n && t[j + 1] == '{') {
          while (j < n && t[j] != '}')
            j++;
          j++;
        } else if (t[j] == '\'' || t[j] == '"') {
          char qch = t[j++];
          while (j < n && t[j] != qch)
            j += t[j] == '\\' ? 2 : 1;
          j++;
        } else if (t[j] == '}') {
          closed = 1;
          break;
        } else {
          j++;
        }
      }
      if (!closed) {
        jsonload_problem(&L->j, KERR_PARSE, CONTENT_P_SYNTAX, path,
                "第 %zu 个字节处的“{”没有对应的“}”", i);
        return -1;
      }
      char p2[200];
      snprintf(p2, sizeof p2, "%s{%zu}", path, i);
      expr *e = load_expr(L, t + i + 1, j - i - 1, p2, L->s->nq, L->s->nv);
      if (!e)
        return -1;
      add[na++] = (seg){NULL, 0, e};
      i = j + 1;
      lit = i;
    } else {
      i++; /* end of string: literal flushed above */
    }
    for (size_t k = 0; k < na; k++) {
      if (out->n == cap) {
        seg *g = realloc(out->segs, 2 * cap * sizeof *g);
        if (!g) {
          if (add[k].e)
            expr_destroy(add[k].e);
          jsonload_problem(&L->j, KERR_NOMEM, CONTENT_P_LIMIT, path, "内存不足");
          return -1;
        }
        out->segs = g;
        cap *= 2;
      }
      out->segs[out->n++] = add[k];
    }
  }
  return 0;
}

static void add_item(loader *L, const char *item, const char *path) {
  for (size_t i = 0; i < L->s->ni; i++)
    if (strcmp(L->s->items[i], item) == 0)
      return;
  if (L->s->ni == SCREENER_MAX_ITEMS) {
    jsonload_problem(&L->j, KERR_LIMIT, CONTENT_P_LIMIT, path, "救助事项太多（最多 %d 项）",
            SCREENER_MAX_ITEMS);
    return;
  }
  L->s->items[L->s->ni++] = item;
}

static const cJSON *req_array(loader *L, const cJSON *doc, const char *key,
                              size_t min, size_t max) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, key);
  char p[64];
  snprintf(p, sizeof p, "$.%s", key);
  if (!a && min == 0)
    return NULL;
  if (!cJSON_IsArray(a)) {
    jsonload_problem(&L->j, KERR_INVALID, a ? CONTENT_P_TYPE : CONTENT_P_FIELD, p,
            "“%s”应该是一个列表", key);
    return NULL;
  }
  size_t n = (size_t)cJSON_GetArraySize(a);
  if (n < min || n > max) {
    jsonload_problem(&L->j, n > max ? KERR_LIMIT : KERR_INVALID,
            n > max ? CONTENT_P_LIMIT : CONTENT_P_VALUE, p,
            "“%s”应该有 %zu 到 %zu 项，现在有 %zu 项", key, min, max, n);
    return NULL;
  }
  return a;
}

static void load_question(loader *L, const cJSON *qj, size_t idx) {
  screener *s = L->s;
  screener_question *q = &s->q[idx];
  char path[64];
  snprintf(path, sizeof path, "$.questions[%zu]", idx);
  if (!cJSON_IsObject(qj)) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_TYPE, path, "问题应该是一个对象");
    return;
  }
  q->id = jsonload_str(&L->j, qj, "id", path, MAX_ID, 0);
  if (q->id && !jsonload_id_ok(q->id, MAX_ID)) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path,
            "问题编号“%s”只能用小写英文字母、数字和下划线", q->id);
    q->id = NULL;
  }
  if (q->id && (find_question(s, q->id, strlen(q->id)) != (int)idx ||
                find_group(s, q->id, strlen(q->id)) >= 0)) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_DUPLICATE, path, "问题编号“%s”重复了",
            q->id);
  }
  q->icon = jsonload_str(&L->j, qj, "icon", path, MAX_ID, 0);
  q->text = jsonload_str(&L->j, qj, "text", path, MAX_TEXT, 0);
  q->help = jsonload_str(&L->j, qj, "help", path, MAX_TEXT, 1);
  q->unit = jsonload_str(&L->j, qj, "unit", path, 16, 1);
  const char *type = jsonload_str(&L->j, qj, "type", path, 16, 0);
  if (!type)
    return;
  if (strcmp(type, "yesno") == 0) {
    q->type = SCREENER_Q_YESNO;
  } else if (strcmp(type, "choice") == 0) {
    q->type = SCREENER_Q_CHOICE;
  } else if (strcmp(type, "number") == 0 || strcmp(type, "money") == 0) {
    q->type = type[0] == 'n' ? SCREENER_Q_NUMBER : SCREENER_Q_MONEY;
    q->min = jsonload_num(&L->j, qj, "min", path, 0, NULL);
    q->max = jsonload_num(&L->j, qj, "max", path, EXPR_NUM_MAX, NULL);
    if (q->min > q->max)
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path, "“min”比“max”大");
  } else {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path,
            "问题类型“%s”不认识（可以是 yesno、choice、number、money）", type);
    return;
  }
  if (q->type == SCREENER_Q_CHOICE) {
    const cJSON *ca = cJSON_GetObjectItemCaseSensitive(qj, "choices");
    int n = cJSON_IsArray(ca) ? cJSON_GetArraySize(ca) : 0;
    if (n < 2 || n > SCREENER_MAX_CHOICES) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, path,
              "选择题要有 2 到 %d 个选项（“choices”）", SCREENER_MAX_CHOICES);
      return;
    }
    screener_choice *c = calloc((size_t)n, sizeof *c);
    if (!c) {
      jsonload_problem(&L->j, KERR_NOMEM, CONTENT_P_LIMIT, path, "内存不足");
      return;
    }
    q->choices = c;
    q->n_choices = (size_t)n;
    for (int k = 0; k < n; k++) {
      char cp[96];
      snprintf(cp, sizeof cp, "%s.choices[%d]", path, k);
      const cJSON *cj = cJSON_GetArrayItem(ca, k);
      c[k].value = jsonload_str(&L->j, cj, "value", cp, MAX_ID, 0);
      c[k].label = jsonload_str(&L->j, cj, "label", cp, MAX_TEXT, 0);
      c[k].icon = jsonload_str(&L->j, cj, "icon", cp, MAX_ID, 1);
      for (int m = 0; m < k && c[k].value; m++)
        if (c[m].value && strcmp(c[m].value, c[k].value) == 0)
          jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_DUPLICATE, cp, "选项“%s”重复了",
                  c[k].value);
    }
  }
  const cJSON *rel = cJSON_GetObjectItemCaseSensitive(qj, "relevant");
  if (rel) {
    char rp[96];
    snprintf(rp, sizeof rp, "%s.relevant", path);
    if (!cJSON_IsString(rel))
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_TYPE, rp, "“relevant”应该是表达式文字");
    else
      q->relevant = load_expr(L, rel->valuestring, strlen(rel->valuestring),
                              rp, idx, 0);
  }
}

static int has_item(const screener *s, const char *item) {
  for (size_t i = 0; i < s->ni; i++)
    if (strcmp(s->items[i], item) == 0)
      return 1;
  return 0;
}

static int in_alternatives(const screener *s, const char *item) {
  for (size_t g = 0; g < s->na; g++)
    for (size_t i = 0; i < s->alts[g].n; i++)
      if (strcmp(s->alts[g].items[i], item) == 0)
        return 1;
  return 0;
}

/* "alternatives": [{"items": [ids, in order of preference], "reason":
 * one sentence with {first}}]. Every item must have a rule; an item is in
 * at most one group. */
static void load_alt(loader *L, const cJSON *gj, const char *path) {
  screener *s = L->s;
  alt_group *g = &s->alts[s->na];
  memset(g, 0, sizeof *g);
  char ip[96];
  snprintf(ip, sizeof ip, "%s.items", path);
  const cJSON *ia = cJSON_GetObjectItemCaseSensitive(gj, "items");
  int n = cJSON_IsArray(ia) ? cJSON_GetArraySize(ia) : -1;
  if (n < 2 || n > SCREENER_MAX_ALT_ITEMS) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, ip,
                     "“items”应该是 2 到 %d 个事项编号", SCREENER_MAX_ALT_ITEMS);
    return;
  }
  for (int k = 0; k < n; k++) {
    const cJSON *it = cJSON_GetArrayItem(ia, k);
    const char *id = cJSON_IsString(it) ? it->valuestring : NULL;
    if (!id || !has_item(s, id) || in_alternatives(s, id)) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_REFERENCE, ip,
                       "事项“%s”应该有规则，并且只能在一组里", id ? id : "?");
      return;
    }
    for (size_t j = 0; j < g->n; j++)
      if (strcmp(g->items[j], id) == 0) {
        jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_DUPLICATE, ip,
                         "事项“%s”写了两次", id);
        return;
      }
    g->items[g->n++] = id;
  }
  const char *reason =
      jsonload_str(&L->j, gj, "reason", path, SCREENER_MAX_TEMPLATE, 0);
  if (!reason)
    return;
  char rp[96];
  snprintf(rp, sizeof rp, "%s.reason", path);
  if (!strstr(reason, "{first}")) {
    jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, rp,
                     "理由里要有“{first}”，写先申请哪一项");
    return;
  }
  for (const char *const *w = refusing_words; *w; w++)
    if (strstr(reason, *w)) {
      jsonload_problem(&L->j, KERR_INVALID, CONTENT_P_VALUE, rp,
                       "理由里不要用“%s”这样拒绝人的说法", *w);
      return;
    }
  g->reason = reason;
  s->na++;
}

static void load_alternatives(loader *L, const cJSON *doc) {
  if (!cJSON_GetObjectItemCaseSensitive(doc, "alternatives"))
    return;
  const cJSON *a = req_array(L, doc, "alternatives", 0, SCREENER_MAX_ALTS);
  for (int k = 0; a && k < cJSON_GetArraySize(a); k++) {
    char path[64];
    snprintf(path, sizeof path, "$.alternatives[%d]", k);
    load_alt(L, cJSON_GetArrayItem(a, k), path);
  }
}

static kerr load_doc(screener *s, content_problems *problems) {
  loader L;
  jsonload_init(&L.j, problems, "screener.json");
  L.s = s;
  const cJSON *doc = s->doc;
  if (!cJSON_IsObject(doc)) {
    jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_TYPE, "$", "screener.json 应该是一个对象");
    return L.j.err;
  }
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
  if (!cJSON_IsNumber(fmt) || fmt->valuedouble != SCREENER_FORMAT) {
    jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_FORMAT, "$.format",
            "“format”应该是 %d", SCREENER_FORMAT);
    return L.j.err;
  }
  const cJSON *ga = req_array(&L, doc, "groups", 0, MAX_GROUPS);
  for (int k = 0; ga && k < cJSON_GetArraySize(ga); k++) {
    const cJSON *g = cJSON_GetArrayItem(ga, k);
    if (!cJSON_IsString(g) || !jsonload_id_ok(g->valuestring, MAX_ID))
      jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_VALUE, "$.groups",
              "分组名只能用小写英文字母、数字和下划线");
    else
      s->groups[s->ng++] = g->valuestring;
  }
  const cJSON *qa = req_array(&L, doc, "questions", 1, SCREENER_MAX_QUESTIONS);
  if (qa) {
    s->nq = (size_t)cJSON_GetArraySize(qa);
    for (size_t i = 0; i < s->nq; i++)
      load_question(&L, cJSON_GetArrayItem(qa, (int)i), i);
  }
  const cJSON *va = req_array(&L, doc, "values", 0, SCREENER_MAX_VALUES);
  for (int k = 0; va && k < cJSON_GetArraySize(va); k++) {
    const cJSON *vj = cJSON_GetArrayItem(va, k);
    char path[64];
    snprintf(path, sizeof path, "$.values[%d]", k);
    const char *id = jsonload_str(&L.j, vj, "id", path, MAX_ID, 0);
    const char *src = jsonload_str(&L.j, vj, "expr", path, EXPR_MAX_SOURCE, 0);
    if (id && (!jsonload_id_ok(id, MAX_ID) || find_question(s, id, strlen(id)) >= 0 ||
               find_value(s, id, strlen(id)) >= 0)) {
      jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_DUPLICATE, path,
              "数值编号“%s”不合适或与问题、数值重复", id);
      id = NULL;
    }
    char ep[96];
    snprintf(ep, sizeof ep, "%s.expr", path);
    expr *e = src ? load_expr(&L, src, strlen(src), ep, s->nq, s->nv) : NULL;
    /* Keep the slot even on problems so later references stay consistent. */
    s->values[s->nv].id = id;
    s->values[s->nv].e = e;
    s->nv++;
  }
  const cJSON *ra = req_array(&L, doc, "rules", 1, SCREENER_MAX_RULES);
  if (ra) {
    size_t n = (size_t)cJSON_GetArraySize(ra);
    s->rules = calloc(n, sizeof *s->rules);
    if (!s->rules) {
      jsonload_problem(&L.j, KERR_NOMEM, CONTENT_P_LIMIT, "$.rules", "内存不足");
      return L.j.err;
    }
    for (size_t i = 0; i < n; i++) {
      const cJSON *rj = cJSON_GetArrayItem(ra, (int)i);
      rule *r = &s->rules[s->nr++];
      char path[64], wp[96], tp[96];
      snprintf(path, sizeof path, "$.rules[%zu]", i);
      snprintf(wp, sizeof wp, "%s.when", path);
      snprintf(tp, sizeof tp, "%s.reason", path);
      r->item = jsonload_str(&L.j, rj, "item", path, MAX_ID, 0);
      if (r->item && !jsonload_id_ok(r->item, MAX_ID)) {
        jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_VALUE, path,
                "事项编号“%s”只能用小写英文字母、数字和下划线", r->item);
        r->item = NULL;
      }
      if (r->item)
        add_item(&L, r->item, path);
      const char *when = jsonload_str(&L.j, rj, "when", path, EXPR_MAX_SOURCE, 0);
      if (when)
        r->when = load_expr(&L, when, strlen(when), wp, s->nq, s->nv);
      const char *reason = jsonload_str(&L.j, rj, "reason", path, SCREENER_MAX_TEMPLATE, 0);
      if (reason)
        load_tmpl(&L, reason, tp, &r->reason);
    }
  }
  load_alternatives(&L, doc);
  const cJSON *aa = req_array(&L, doc, "also", 0, SCREENER_MAX_ITEMS);
  for (int k = 0; aa && k < cJSON_GetArraySize(aa); k++) {
    const cJSON *a = cJSON_GetArrayItem(aa, k);
    if (!cJSON_IsString(a) || !jsonload_id_ok(a->valuestring, MAX_ID))
      jsonload_problem(&L.j, KERR_INVALID, CONTENT_P_VALUE, "$.also",
              "“also”里应该是事项编号");
    else
      add_item(&L, a->valuestring, "$.also");
  }
  return L.j.err;
}

kerr screener_load_json(const cJSON *doc, screener **out,
                        content_problems *problems) {
  *out = NULL;
  screener *s = calloc(1, sizeof *s);
  if (!s)
    return KERR_NOMEM;
  s->doc = cJSON_Duplicate(doc, 1);
  kerr e = s->doc ? load_doc(s, problems) : KERR_NOMEM;
  if (e) {
    screener_destroy(s);
    return e;
  }
  *out = s;
  return KERR_OK;
}

kerr screener_load(const char *text, size_t len, screener **out,
                   content_problems *problems) {
  static const json_limits lim = {SCREENER_MAX_BYTES, 12, 8192, 256};
  json_limits_error jerr;
  cJSON *doc = NULL;
  *out = NULL;
  kerr e = json_limits_parse(text, len, &lim, &doc, &jerr);
  if (e) {
    char where[64];
    snprintf(where, sizeof where, "第 %zu 行第 %zu 列", jerr.line, jerr.column);
    content_problems_add(problems,
                         e == KERR_LIMIT ? CONTENT_P_LIMIT : CONTENT_P_SYNTAX,
                         "screener.json", where, "%s",
                         json_limits_fault_str(jerr.fault));
    return e;
  }
  e = screener_load_json(doc, out, problems);
  cJSON_Delete(doc);
  return e;
}

kerr screener_load_file(const char *path, screener **out,
                        content_problems *problems) {
  kerr e = KERR_OK;
  char *buf = NULL;
  size_t n = 0;
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    content_problems_add(problems, CONTENT_P_IO, "screener.json", "",
                         "文件打不开");
    return KERR_IO;
  }
  buf = malloc(SCREENER_MAX_BYTES + 1);
  if (!buf) {
    e = KERR_NOMEM;
    goto out;
  }
  n = fread(buf, 1, SCREENER_MAX_BYTES + 1, f);
  if (ferror(f)) {
    content_problems_add(problems, CONTENT_P_IO, "screener.json", "",
                         "文件读不出来");
    e = KERR_IO;
    goto out;
  }
  if (n > SCREENER_MAX_BYTES) {
    content_problems_add(problems, CONTENT_P_LIMIT, "screener.json", "",
                         "文件太大（最多 %u 字节）", SCREENER_MAX_BYTES);
    e = KERR_LIMIT;
    goto out;
  }
  e = screener_load(buf, n, out, problems);
out:
  free(buf);
  fclose(f);
  return e;
}

void screener_destroy(screener *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->nq; i++) {
    free((void *)s->q[i].choices);
    expr_destroy((expr *)s->q[i].relevant);
  }
  for (size_t i = 0; i < s->nv; i++)
    expr_destroy(s->values[i].e);
  for (size_t i = 0; i < s->nr; i++) {
    expr_destroy(s->rules[i].when);
    for (size_t k = 0; k < s->rules[i].reason.n; k++)
      expr_destroy(s->rules[i].reason.segs[k].e);
    free(s->rules[i].reason.segs);
  }
  free(s->rules);
  cJSON_Delete(s->doc);
  free(s);
}

kerr screener_check_content(const screener *s, const content *c,
                            content_problems *problems) {
  kerr e = KERR_OK;
  for (size_t i = 0; i < s->ni; i++)
    if (!content_item_find(c, s->items[i])) {
      content_problems_add(problems, CONTENT_P_REFERENCE, "screener.json",
                           "$.rules", "事项“%s”在 catalogue.json 里没有",
                           s->items[i]);
      e = KERR_INVALID;
    }
  for (size_t i = 0; i < s->nq; i++) {
    char path[64];
    snprintf(path, sizeof path, "$.questions[%zu].icon", i);
    if (s->q[i].icon && !content_icon_find(c, s->q[i].icon)) {
      content_problems_add(problems, CONTENT_P_REFERENCE, "screener.json",
                           path, "图标“%s”在 icons.json 里没有", s->q[i].icon);
      e = KERR_INVALID;
    }
    for (size_t k = 0; k < s->q[i].n_choices; k++) {
      const char *icon = s->q[i].choices[k].icon;
      if (icon && icon[0] && !content_icon_find(c, icon)) {
        content_problems_add(problems, CONTENT_P_REFERENCE, "screener.json",
                             path, "图标“%s”在 icons.json 里没有", icon);
        e = KERR_INVALID;
      }
    }
  }
  return e;
}

size_t screener_question_count(const screener *s) { return s->nq; }

const screener_question *screener_question_at(const screener *s, size_t i) {
  return i < s->nq ? &s->q[i] : NULL;
}

size_t screener_item_count(const screener *s) { return s->ni; }

/* ---- running ------------------------------------------------------------ */

enum { V_TODO = 0, V_BUSY, V_OK, V_ERR };

typedef struct run {
  const screener *s;
  const cJSON *answers;
  const screener_standards *std;
  signed char relevant[SCREENER_MAX_QUESTIONS]; /* -1 not yet known */
  unsigned char vstate[SCREENER_MAX_VALUES];
  kerr verr[SCREENER_MAX_VALUES];
  expr_value vcache[SCREENER_MAX_VALUES];
  int vdepth; /* derived values being evaluated inside one another */
  expr_env env;
} run;

/* Converts a JSON answer to an expression value if it fits question q. */
static kerr answer_value(const screener_question *q, const cJSON *a,
                         expr_value *out) {
  if (!a || cJSON_IsNull(a))
    return KERR_NOTFOUND;
  switch (q->type) {
  case SCREENER_Q_YESNO:
    if (!cJSON_IsBool(a))
      return KERR_INVALID;
    *out = expr_value_bool(cJSON_IsTrue(a));
    return KERR_OK;
  case SCREENER_Q_CHOICE:
    if (!cJSON_IsString(a))
      return KERR_INVALID;
    for (size_t i = 0; i < q->n_choices; i++)
      if (q->choices[i].value && strcmp(q->choices[i].value, a->valuestring) == 0) {
        *out = expr_value_str(a->valuestring, strlen(a->valuestring));
        return KERR_OK;
      }
    return KERR_INVALID;
  case SCREENER_Q_NUMBER:
  case SCREENER_Q_MONEY: {
    int64_t v;
    if (!cJSON_IsNumber(a) || expr_num_from_double(a->valuedouble, &v) ||
        v < q->min || v > q->max)
      return KERR_INVALID;
    if (q->type == SCREENER_Q_MONEY && v % 100 != 0)
      return KERR_INVALID; /* money has at most two decimals */
    *out = expr_value_num(v);
    return KERR_OK;
  }
  }
  return KERR_INVALID;
}

kerr screener_answer_check(const screener *s, const char *question_id,
                           const cJSON *answer) {
  int q = find_question(s, question_id, strlen(question_id));
  expr_value v;
  if (q < 0)
    return KERR_NOTFOUND;
  kerr e = answer_value(&s->q[q], answer, &v);
  return e == KERR_NOTFOUND ? KERR_INVALID : e;
}

static kerr cb_field(void *ud, const char *name, size_t len, expr_value *out) {
  run *r = ud;
  const screener *s = r->s;
  int v = find_value(s, name, len);
  if (v >= 0) {
    if (r->vstate[v] == V_TODO) {
      /* Values refer backwards only, so this cannot loop; the depth bound
       * keeps the stack small (each level is a whole evaluation). */
      if (r->vdepth >= MAX_VALUE_NESTING)
        return KERR_LIMIT;
      r->vstate[v] = V_BUSY;
      r->vdepth++;
      expr_error err;
      r->verr[v] = s->values[v].e
                       ? expr_eval(s->values[v].e, &r->env, &r->vcache[v], &err)
                       : KERR_NOTFOUND;
      r->vdepth--;
      /* A depth failure depends on where the evaluation started: do not
       * keep it, a later shallower start may succeed. */
      r->vstate[v] = r->verr[v] == KERR_LIMIT ? V_TODO
                     : r->verr[v]             ? V_ERR
                                              : V_OK;
      if (r->verr[v])
        return r->verr[v];
    }
    if (r->vstate[v] == V_BUSY)
      return KERR_INTERNAL;
    if (r->vstate[v] == V_ERR)
      return r->verr[v];
    *out = r->vcache[v];
    return KERR_OK;
  }
  int q = find_question(s, name, len);
  if (q < 0)
    return KERR_NOTFOUND;
  if (r->relevant[q] == 0)
    return KERR_NOTFOUND;
  char key[MAX_ID + 1];
  memcpy(key, name, len); /* len <= MAX_ID: it matched a question id */
  key[len] = '\0';
  kerr e = answer_value(&s->q[q], cJSON_GetObjectItemCaseSensitive(r->answers, key),
                        out);
  return e ? KERR_NOTFOUND : KERR_OK;
}

static const cJSON *group_array(const run *r, const char *g, size_t glen) {
  if (find_group(r->s, g, glen) < 0)
    return NULL;
  char key[MAX_ID + 1];
  memcpy(key, g, glen);
  key[glen] = '\0';
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(r->answers, key);
  return cJSON_IsArray(a) ? a : NULL;
}

static kerr cb_group(void *ud, const char *g, size_t glen, size_t *n) {
  const cJSON *a = group_array(ud, g, glen);
  if (!a)
    return KERR_NOTFOUND;
  *n = (size_t)cJSON_GetArraySize(a);
  return KERR_OK;
}

static kerr cb_member(void *ud, const char *g, size_t glen, size_t index,
                      const char *name, size_t len, expr_value *out) {
  const cJSON *a = group_array(ud, g, glen);
  const cJSON *m = a ? cJSON_GetArrayItem(a, (int)index) : NULL;
  if (!cJSON_IsObject(m) || len > MAX_ID)
    return KERR_NOTFOUND;
  char key[MAX_ID + 1];
  memcpy(key, name, len);
  key[len] = '\0';
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, key);
  if (cJSON_IsBool(v)) {
    *out = expr_value_bool(cJSON_IsTrue(v));
  } else if (cJSON_IsNumber(v)) {
    int64_t x;
    if (expr_num_from_double(v->valuedouble, &x))
      return KERR_NOTFOUND;
    *out = expr_value_num(x);
  } else if (cJSON_IsString(v)) {
    *out = expr_value_str(v->valuestring, strlen(v->valuestring));
  } else {
    return KERR_NOTFOUND;
  }
  return KERR_OK;
}

static kerr cb_std(void *ud, const char *name, size_t len, expr_value *out) {
  return std_lookup(((run *)ud)->std, name, len, out);
}

static void run_init(run *r, const screener *s, const cJSON *answers,
                     const screener_standards *std,
                     const validate_date *today) {
  memset(r, 0, sizeof *r);
  r->s = s;
  r->answers = answers;
  r->std = std;
  r->env.ud = r;
  r->env.field = cb_field;
  r->env.group_size = cb_group;
  r->env.member_field = cb_member;
  r->env.standard = cb_std;
  r->env.item_selected = NULL;
  if (today)
    r->env.today = *today;
  memset(r->relevant, -1, sizeof r->relevant);
}

/* Relevance of questions 0..upto in order; each refers only to earlier
 * ones. Undecidable counts as relevant. */
static void run_relevance(run *r, size_t upto) {
  for (size_t i = 0; i <= upto && i < r->s->nq; i++) {
    if (r->relevant[i] >= 0)
      continue;
    int b = 1;
    expr_error err;
    if (r->s->q[i].relevant &&
        expr_eval_bool(r->s->q[i].relevant, &r->env, &b, &err))
      b = 1;
    r->relevant[i] = (signed char)(b != 0);
  }
}

kerr screener_question_relevant(const screener *s, size_t i,
                                const cJSON *answers,
                                const screener_standards *std,
                                const validate_date *today, int *ask) {
  if (i >= s->nq)
    return KERR_NOTFOUND;
  run r;
  run_init(&r, s, answers, std, today);
  run_relevance(&r, i);
  *ask = r.relevant[i];
  return KERR_OK;
}

/* Appends src to buf (cap bytes incl. NUL) without splitting a UTF-8
 * character; returns the new length. */
static size_t append(char *buf, size_t n, size_t cap, const char *src,
                     size_t len) {
  len = utf8_cut(src, len, cap - n - 1);
  memcpy(buf + n, src, len);
  buf[n + len] = '\0';
  return n + len;
}

/* Renders a reason; NULL on failure (logged). */
static char *render(run *r, const tmpl *t, size_t rule_index) {
  char buf[SCREENER_MAX_REASON];
  size_t n = 0;
  buf[0] = '\0';
  for (size_t k = 0; k < t->n; k++) {
    const seg *g = &t->segs[k];
    if (!g->e) {
      n = append(buf, n, sizeof buf, g->text, g->len);
      continue;
    }
    expr_value v;
    expr_error err;
    kerr e = expr_eval(g->e, &r->env, &v, &err);
    if (e) {
      LOG_W("screener", "rule %zu: reason part %zu not rendered: %s (%s)",
            rule_index, k, kerr_str(e), err.msg);
      return NULL;
    }
    char num[32];
    if (v.type == EXPR_NUM) {
      size_t m = expr_num_format(v.num, 2, num, sizeof num);
      n = append(buf, n, sizeof buf, num, m);
    } else if (v.type == EXPR_BOOL) {
      const char *yn = v.b ? "是" : "否";
      n = append(buf, n, sizeof buf, yn, strlen(yn));
    } else {
      n = append(buf, n, sizeof buf, v.str, v.len);
    }
  }
  char *out = malloc(n + 1);
  if (out)
    memcpy(out, buf, n + 1);
  sodium_memzero(buf, sizeof buf);
  return out;
}

static screener_match *likely_find(screener_results *out, const char *item) {
  for (size_t k = 0; k < out->n_likely; k++)
    if (strcmp(out->likely[k].item, item) == 0)
      return &out->likely[k];
  return NULL;
}

/* In each group of alternatives, every item that may apply after the
 * first that may apply defers to it. */
static void mark_alternatives(const screener *s, screener_results *out) {
  for (size_t g = 0; g < s->na; g++) {
    const char *first = NULL;
    for (size_t i = 0; i < s->alts[g].n; i++) {
      screener_match *m = likely_find(out, s->alts[g].items[i]);
      if (!m)
        continue;
      if (!first) {
        first = m->item;
        continue;
      }
      m->defer_to = first;
      m->defer_reason = s->alts[g].reason;
    }
  }
}

kerr screener_run(const screener *s, const cJSON *answers,
                  const screener_standards *std, const validate_date *today,
                  screener_results *out) {
  run r;
  memset(out, 0, sizeof *out);
  out->likely = calloc(s->ni ? s->ni : 1, sizeof *out->likely);
  out->also = calloc(s->ni ? s->ni : 1, sizeof *out->also);
  if (!out->likely || !out->also) {
    screener_results_free(out);
    return KERR_NOMEM;
  }
  run_init(&r, s, cJSON_IsObject(answers) ? answers : NULL, std, today);
  run_relevance(&r, s->nq);
  for (size_t i = 0; i < s->nr; i++) {
    const rule *ru = &s->rules[i];
    int hold = 0;
    expr_error err;
    kerr e = expr_eval_bool(ru->when, &r.env, &hold, &err);
    if (e) {
      out->undecided++;
      if (e == KERR_NOTFOUND)
        LOG_D("screener", "rule %zu (%s) undecided: %s", i, ru->item, err.msg);
      else
        LOG_W("screener", "rule %zu (%s) undecided: %s at %zu: %s", i,
              ru->item, kerr_str(e), err.offset, err.msg);
      continue;
    }
    if (!hold)
      continue;
    screener_match *m = NULL;
    for (size_t k = 0; k < out->n_likely; k++)
      if (strcmp(out->likely[k].item, ru->item) == 0)
        m = &out->likely[k];
    if (!m) {
      m = &out->likely[out->n_likely++];
      m->item = ru->item;
    }
    char *reason = render(&r, &ru->reason, i);
    if (!reason)
      continue;
    int dup = 0;
    for (size_t k = 0; k < m->n_reasons; k++)
      dup |= strcmp(m->reasons[k], reason) == 0;
    if (dup || m->n_reasons == SCREENER_MAX_REASONS) {
      sodium_memzero(reason, strlen(reason));
      free(reason);
    } else {
      m->reasons[m->n_reasons++] = reason;
    }
  }
  for (size_t i = 0; i < s->ni; i++) {
    int found = 0;
    for (size_t k = 0; k < out->n_likely; k++)
      found |= strcmp(out->likely[k].item, s->items[i]) == 0;
    if (!found)
      out->also[out->n_also++].item = s->items[i];
  }
  mark_alternatives(s, out);
  sodium_memzero(&r, sizeof r);
  return KERR_OK;
}

void screener_defer_text(const screener_match *m, const char *first_name,
                         char *out, size_t size) {
  if (!size)
    return;
  out[0] = '\0';
  if (!m->defer_reason)
    return;
  const char *mark = strstr(m->defer_reason, "{first}");
  size_t head = mark ? (size_t)(mark - m->defer_reason)
                     : strlen(m->defer_reason);
  char tmp[SCREENER_MAX_REASON];
  snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)head, m->defer_reason,
           mark ? first_name : "", mark ? mark + 7 : "");
  size_t n = utf8_cut(tmp, strlen(tmp), size - 1);
  memcpy(out, tmp, n);
  out[n] = '\0';
  sodium_memzero(tmp, sizeof tmp);
}

void screener_results_free(screener_results *res) {
  screener_match *lists[2] = {res->likely, res->also};
  size_t counts[2] = {res->n_likely, res->n_also};
  for (int l = 0; l < 2; l++) {
    for (size_t i = 0; lists[l] && i < counts[l]; i++)
      for (size_t k = 0; k < lists[l][i].n_reasons; k++) {
        sodium_memzero(lists[l][i].reasons[k], strlen(lists[l][i].reasons[k]));
        free(lists[l][i].reasons[k]);
      }
    free(lists[l]);
  }
  memset(res, 0, sizeof *res);
}
