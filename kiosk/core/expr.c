/* expr: parser and evaluator for the expression language (see expr.h and
 * docs/expressions.md).
 *
 * Parsing is recursive descent over an on-demand lexer. Nodes are built in a
 * fixed scratch array (EXPR_MAX_NODES) and strings (names and decoded string
 * literals) in a scratch pool no larger than the source; the finished
 * expression is one allocation: header, nodes, source copy, pool.
 *
 * Tree shape: a node's children are a singly linked list (kid, then next).
 * Invariants checked while building: every node index < n, every child index
 * is smaller than its parent's (children are built first), the tree depth
 * never exceeds EXPR_MAX_DEPTH, and member references only occur inside the
 * body of count()/sum(). The evaluator relies on these and recurses at most
 * EXPR_MAX_DEPTH deep. */
#include "core/expr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idcard.h"

#define NONE 0xFFFFu
#define MAX_GROUP 1000 /* entries of a repeat group count()/sum() will visit */

enum op {
  OP_NUM = 1,
  OP_STR,
  OP_BOOL,
  OP_FIELD,   /* name */
  OP_MEMBER,  /* name */
  OP_STD,     /* name */
  OP_NEG,
  OP_NOT,
  OP_AND,
  OP_OR,
  OP_EQ,
  OP_NE,
  OP_LT,
  OP_LE,
  OP_GT,
  OP_GE,
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_DIV,
  OP_COUNT,   /* name = group; kid = body */
  OP_SUM,     /* name = group; kid = body */
  OP_AGE,
  OP_IF,
  OP_MIN,
  OP_MAX,
  OP_ROUND,
  OP_SELECTED,    /* name = item */
  OP_SELECTED_IN, /* kids: field, value */
  OP_ANSWERED     /* kid: field or member */
};

typedef struct node {
  int64_t num;   /* OP_NUM value, OP_BOOL 0/1 */
  uint32_t pos;  /* byte offset in the source */
  uint32_t soff; /* name / string: offset into the pool */
  uint16_t slen; /* name / string length */
  uint16_t kid;  /* first child or NONE */
  uint16_t next; /* next sibling or NONE */
  uint8_t op;
  uint8_t depth; /* height of the subtree, 1 for a leaf */
} node;

struct expr {
  const char *src;  /* NUL-terminated copy, inside this allocation */
  const char *pool; /* names and decoded strings */
  uint16_t n;
  uint16_t root;
  node nodes[];
};

/* ---- numbers ------------------------------------------------------------ */

expr_value expr_value_num(int64_t scaled) {
  expr_value v = {EXPR_NUM, 0, scaled, NULL, 0};
  return v;
}

expr_value expr_value_int(long long units) {
  return expr_value_num((int64_t)units * EXPR_SCALE);
}

expr_value expr_value_bool(int b) {
  expr_value v = {EXPR_BOOL, b ? 1 : 0, 0, NULL, 0};
  return v;
}

expr_value expr_value_str(const char *s, size_t len) {
  expr_value v = {EXPR_STR, 0, 0, s, len};
  return v;
}

kerr expr_num_from_double(double d, int64_t *scaled) {
  if (!isfinite(d) || fabs(d) * (double)EXPR_SCALE > (double)EXPR_NUM_MAX)
    return KERR_RANGE;
  *scaled = (int64_t)llround(d * (double)EXPR_SCALE);
  return KERR_OK;
}

kerr expr_num_parse(const char *s, size_t len, int64_t *scaled) {
  size_t i = 0;
  int neg = 0, digits = 0, frac_digits = 0;
  uint64_t v = 0;
  if (i < len && s[i] == '-') {
    neg = 1;
    i++;
  }
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
    v = v * 10 + (uint64_t)(s[i] - '0');
    if (v > (uint64_t)(EXPR_NUM_MAX / EXPR_SCALE))
      return KERR_RANGE;
  }
  v *= (uint64_t)EXPR_SCALE;
  if (i < len && s[i] == '.') {
    uint64_t f = 0, mul = (uint64_t)EXPR_SCALE;
    for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, frac_digits++) {
      if (frac_digits == 4)
        return KERR_PARSE;
      mul /= 10;
      f += (uint64_t)(s[i] - '0') * mul;
    }
    if (frac_digits == 0)
      return KERR_PARSE;
    v += f;
  }
  if (i != len || digits + frac_digits == 0)
    return KERR_PARSE;
  if (v > (uint64_t)EXPR_NUM_MAX)
    return KERR_RANGE;
  *scaled = neg ? -(int64_t)v : (int64_t)v;
  return KERR_OK;
}

size_t expr_num_format(int64_t scaled, int decimals, char *buf, size_t cap) {
  static const int64_t p10[5] = {1, 10, 100, 1000, 10000};
  if (decimals < 0)
    decimals = 0;
  if (decimals > 4)
    decimals = 4;
  int neg = scaled < 0;
  uint64_t mag = neg ? (uint64_t)0 - (uint64_t)scaled : (uint64_t)scaled;
  uint64_t f = (uint64_t)p10[4 - decimals];
  uint64_t v = (mag + f / 2) / f; /* rounded to `decimals` places */
  uint64_t ip = v / (uint64_t)p10[decimals];
  uint64_t fp = v % (uint64_t)p10[decimals];
  char frac[8] = "";
  if (fp) {
    int nd = decimals;
    while (fp % 10 == 0) {
      fp /= 10;
      nd--;
    }
    snprintf(frac, sizeof frac, ".%0*llu", nd, (unsigned long long)fp);
  }
  int n = snprintf(buf, cap, "%s%llu%s", neg && v ? "-" : "",
                   (unsigned long long)ip, frac);
  if (n < 0)
    return 0;
  return (size_t)n < cap ? (size_t)n : (cap ? cap - 1 : 0);
}

/* ---- lexer -------------------------------------------------------------- */

enum tok {
  T_EOF,
  T_NUM,
  T_STR,
  T_IDENT,
  T_FIELD, /* ${name} or ${a.b}; text = inside the braces */
  T_STD,   /* std.name; text = name */
  T_LP,
  T_RP,
  T_COMMA,
  T_PLUS,
  T_MINUS,
  T_STAR,
  T_SLASH,
  T_EQ,
  T_NE,
  T_LT,
  T_LE,
  T_GT,
  T_GE,
  T_AND,
  T_OR,
  T_NOT,
  T_TRUE,
  T_FALSE
};

typedef struct token {
  enum tok t;
  size_t pos;
  const char *s; /* raw text of the token (for names: the name) */
  size_t n;
  int64_t num;
} token;

typedef struct parser {
  const char *src;
  size_t len;
  size_t i;     /* lexer position */
  token tok;    /* current token */
  node *nodes;  /* scratch, EXPR_MAX_NODES */
  size_t n;
  char *pool;   /* scratch, len + 1 */
  size_t npool;
  int nest;
  int in_group; /* parsing a count()/sum() body */
  kerr err;
  expr_error *eout;
} parser;

static int perr(parser *p, kerr e, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int perr(parser *p, kerr e, size_t pos, const char *fmt, ...) {
  if (p->err)
    return -1; /* keep the first error */
  p->err = e;
  if (p->eout) {
    va_list ap;
    va_start(ap, fmt);
    p->eout->offset = pos;
    vsnprintf(p->eout->msg, sizeof p->eout->msg, fmt, ap);
    va_end(ap);
  }
  return -1;
}

static int is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static int is_dig(char c) { return c >= '0' && c <= '9'; }
static int is_alnum(char c) { return is_alpha(c) || is_dig(c); }

static int word_is(const char *s, size_t n, const char *w) {
  return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* Scans an identifier at p->i; returns its length (0 if none). */
static size_t scan_ident(const parser *p, size_t at) {
  size_t k = at;
  if (k >= p->len || !is_alpha(p->src[k]))
    return 0;
  while (k < p->len && is_alnum(p->src[k]))
    k++;
  return k - at;
}

/* Reads the next token into p->tok. Returns 0, or -1 on a lexical error. */
static int lex(parser *p) {
  const char *s = p->src;
  while (p->i < p->len && (s[p->i] == ' ' || s[p->i] == '\t' ||
                           s[p->i] == '\n' || s[p->i] == '\r'))
    p->i++;
  token *t = &p->tok;
  t->pos = p->i;
  t->s = s + p->i;
  t->n = 1;
  if (p->i >= p->len) {
    t->t = T_EOF;
    t->n = 0;
    return 0;
  }
  char c = s[p->i];
  char c1 = p->i + 1 < p->len ? s[p->i + 1] : '\0';
  if (is_dig(c) || (c == '.' && is_dig(c1))) {
    size_t k = p->i;
    while (k < p->len && (is_dig(s[k]) || s[k] == '.'))
      k++;
    if (k < p->len && is_alpha(s[k]))
      return perr(p, KERR_PARSE, k, "unexpected letter after number");
    kerr e = expr_num_parse(s + p->i, k - p->i, &t->num);
    if (e == KERR_RANGE)
      return perr(p, KERR_PARSE, p->i, "number too large");
    if (e)
      return perr(p, KERR_PARSE, p->i,
                  "malformed number (at most 4 decimals, one point)");
    t->t = T_NUM;
    t->n = k - p->i;
    p->i = k;
    return 0;
  }
  if (c == '\'' || c == '"') {
    /* Decode into the pool; escapes: \\ \' \" only. */
    size_t k = p->i + 1, start = p->npool;
    for (;;) {
      if (k >= p->len)
        return perr(p, KERR_PARSE, p->i, "unterminated string");
      char ch = s[k];
      if (ch == c)
        break;
      if (ch == '\\') {
        if (k + 1 >= p->len ||
            (s[k + 1] != '\\' && s[k + 1] != '\'' && s[k + 1] != '"'))
          return perr(p, KERR_PARSE, k, "unknown escape in string");
        ch = s[++k];
      }
      p->pool[p->npool++] = ch;
      k++;
    }
    t->t = T_STR;
    t->s = p->pool + start;
    t->n = p->npool - start;
    t->num = (int64_t)start;
    p->i = k + 1;
    return 0;
  }
  if (c == '$') {
    if (c1 != '{')
      return perr(p, KERR_PARSE, p->i, "expected '{' after '$'");
    size_t k = p->i + 2;
    size_t a = scan_ident(p, k);
    if (!a)
      return perr(p, KERR_PARSE, k, "expected a field name after '${'");
    k += a;
    if (k < p->len && s[k] == '.') {
      size_t b = scan_ident(p, k + 1);
      if (!b)
        return perr(p, KERR_PARSE, k + 1, "expected a name after '.'");
      k += 1 + b;
    }
    if (k >= p->len || s[k] != '}')
      return perr(p, KERR_PARSE, k, "expected '}' to close the field");
    t->t = T_FIELD;
    t->s = s + p->i + 2;
    t->n = k - (p->i + 2);
    p->i = k + 1;
    if (t->n > EXPR_MAX_NAME)
      return perr(p, KERR_LIMIT, t->pos, "name too long");
    return 0;
  }
  if (is_alpha(c)) {
    size_t a = scan_ident(p, p->i);
    const char *w = s + p->i;
    if (word_is(w, a, "std") && p->i + a < p->len && s[p->i + a] == '.') {
      size_t b = scan_ident(p, p->i + a + 1);
      if (!b)
        return perr(p, KERR_PARSE, p->i + a + 1,
                    "expected a standard's name after 'std.'");
      t->t = T_STD;
      t->s = s + p->i + a + 1;
      t->n = b;
      p->i += a + 1 + b;
      if (b > EXPR_MAX_NAME)
        return perr(p, KERR_LIMIT, t->pos, "name too long");
      return 0;
    }
    t->t = word_is(w, a, "and")     ? T_AND
           : word_is(w, a, "or")    ? T_OR
           : word_is(w, a, "not")   ? T_NOT
           : word_is(w, a, "true")  ? T_TRUE
           : word_is(w, a, "false") ? T_FALSE
                                    : T_IDENT;
    t->n = a;
    p->i += a;
    return 0;
  }
  p->i++;
  switch (c) {
  case '(': t->t = T_LP; return 0;
  case ')': t->t = T_RP; return 0;
  case ',': t->t = T_COMMA; return 0;
  case '+': t->t = T_PLUS; return 0;
  case '-': t->t = T_MINUS; return 0;
  case '*': t->t = T_STAR; return 0;
  case '/': t->t = T_SLASH; return 0;
  case '=':
    t->t = T_EQ;
    if (c1 == '=') {
      p->i++;
      t->n = 2;
    }
    return 0;
  case '!':
    if (c1 == '=') {
      p->i++;
      t->t = T_NE;
      t->n = 2;
      return 0;
    }
    return perr(p, KERR_PARSE, t->pos, "'!' is not an operator; use 'not'");
  case '<':
  case '>':
    if (c1 == '=') {
      p->i++;
      t->t = c == '<' ? T_LE : T_GE;
      t->n = 2;
    } else {
      t->t = c == '<' ? T_LT : T_GT;
    }
    return 0;
  case '&':
  case '|':
    return perr(p, KERR_PARSE, t->pos, "use 'and' / 'or' instead of '%c'", c);
  default:
    break;
  }
  return perr(p, KERR_PARSE, t->pos, "unexpected character");
}

/* ---- parser ------------------------------------------------------------- */

/* Appends a node whose children (already built) are kids[0..nk). Returns its
 * index or -1. */
static int mk(parser *p, uint8_t op, size_t pos, const int *kids, int nk) {
  if (p->err)
    return -1;
  if (p->n >= EXPR_MAX_NODES)
    return perr(p, KERR_LIMIT, pos, "expression too large (max %d nodes)",
                EXPR_MAX_NODES);
  node *x = &p->nodes[p->n];
  memset(x, 0, sizeof *x);
  x->op = op;
  x->pos = (uint32_t)pos;
  x->kid = NONE;
  x->next = NONE;
  int depth = 0;
  for (int k = nk - 1; k >= 0; k--) {
    node *c = &p->nodes[kids[k]];
    c->next = k + 1 < nk ? (uint16_t)kids[k + 1] : NONE;
    if (c->depth > depth)
      depth = c->depth;
  }
  if (nk)
    x->kid = (uint16_t)kids[0];
  if (depth + 1 > EXPR_MAX_DEPTH)
    return perr(p, KERR_LIMIT, pos, "expression nested too deeply (max %d)",
                EXPR_MAX_DEPTH);
  x->depth = (uint8_t)(depth + 1);
  return (int)p->n++;
}

/* Copies a name into the pool and stores it on node idx. */
static int set_name(parser *p, int idx, const char *s, size_t n) {
  if (idx < 0)
    return -1;
  if (s >= p->pool && s < p->pool + p->npool) {
    p->nodes[idx].soff = (uint32_t)(s - p->pool); /* already in the pool */
  } else {
    p->nodes[idx].soff = (uint32_t)p->npool;
    memcpy(p->pool + p->npool, s, n);
    p->npool += n;
  }
  p->nodes[idx].slen = (uint16_t)n;
  return idx;
}

static int parse_or(parser *p);

static int enter(parser *p) {
  if (++p->nest > EXPR_MAX_NESTING)
    return perr(p, KERR_LIMIT, p->tok.pos, "expression nested too deeply "
                "(max %d levels)", EXPR_MAX_NESTING);
  return 0;
}

static int expect(parser *p, enum tok t, const char *what) {
  if (p->tok.t != t)
    return perr(p, KERR_PARSE, p->tok.pos, "expected %s", what);
  return lex(p);
}

struct fn {
  const char *name;
  uint8_t op;
  int min, max;
};

static const struct fn fns[] = {
    {"count", OP_COUNT, 2, 2},      {"sum", OP_SUM, 2, 2},
    {"age_from_id", OP_AGE, 1, 1},  {"if", OP_IF, 3, 3},
    {"min", OP_MIN, 1, 16},         {"max", OP_MAX, 1, 16},
    {"round", OP_ROUND, 1, 2},      {"selected", OP_SELECTED, 1, 2},
    {"answered", OP_ANSWERED, 1, 1}};

static int parse_call(parser *p, token name) {
  const struct fn *f = NULL;
  for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++)
    if (word_is(name.s, name.n, fns[k].name))
      f = &fns[k];
  if (!f)
    return perr(p, KERR_PARSE, name.pos, "unknown function '%.*s'",
                (int)(name.n > 40 ? 40 : name.n), name.s);
  if (lex(p)) /* consume '(' */
    return -1;
  int kids[16], nk = 0;
  token group = {T_EOF, 0, NULL, 0, 0};
  if (f->op == OP_COUNT || f->op == OP_SUM) {
    if (p->in_group)
      return perr(p, KERR_PARSE, name.pos, "count()/sum() cannot be nested");
    if (p->tok.t != T_FIELD || memchr(p->tok.s, '.', p->tok.n))
      return perr(p, KERR_PARSE, p->tok.pos,
                  "first argument of %s() must be a group like ${members}",
                  f->name);
    group = p->tok;
    if (lex(p) || expect(p, T_COMMA, "',' after the group"))
      return -1;
    p->in_group = 1;
    kids[nk++] = parse_or(p);
    p->in_group = 0;
    if (kids[0] < 0)
      return -1;
  } else if (p->tok.t != T_RP) {
    for (;;) {
      if (nk == f->max)
        return perr(p, KERR_PARSE, p->tok.pos,
                    "too many arguments for %s() (at most %d)", f->name,
                    f->max);
      int a = parse_or(p);
      if (a < 0)
        return -1;
      kids[nk++] = a;
      if (p->tok.t != T_COMMA)
        break;
      if (lex(p))
        return -1;
    }
  }
  if (p->tok.t != T_RP)
    return perr(p, KERR_PARSE, p->tok.pos, "expected ',' or ')' in %s()",
                f->name);
  if (nk + (group.s != NULL) < f->min)
    return perr(p, KERR_PARSE, name.pos, "%s() needs %d argument%s", f->name,
                f->min, f->min > 1 ? "s" : "");
  if (lex(p))
    return -1;
  uint8_t op = f->op;
  if (op == OP_COUNT || op == OP_SUM)
    return set_name(p, mk(p, op, name.pos, kids, nk), group.s, group.n);
  if (op == OP_SELECTED && nk == 1) {
    node *a = &p->nodes[kids[0]];
    if (a->op != OP_STR)
      return perr(p, KERR_PARSE, a->pos,
                  "selected() needs an item name in quotes");
    if (a->slen > EXPR_MAX_NAME)
      return perr(p, KERR_LIMIT, a->pos, "name too long");
    /* The literal node stays in the array unreferenced; reuse its name. */
    int x = mk(p, OP_SELECTED, name.pos, NULL, 0);
    if (x < 0)
      return -1;
    p->nodes[x].soff = a->soff;
    p->nodes[x].slen = a->slen;
    return x;
  }
  if (op == OP_SELECTED)
    op = OP_SELECTED_IN;
  if (op == OP_ANSWERED) {
    uint8_t k = p->nodes[kids[0]].op;
    if (k != OP_FIELD && k != OP_MEMBER)
      return perr(p, KERR_PARSE, p->nodes[kids[0]].pos,
                  "answered() needs a field like ${income}");
  }
  return mk(p, op, name.pos, kids, nk);
}

static int parse_primary(parser *p) {
  token t = p->tok;
  switch (t.t) {
  case T_NUM: {
    int x = mk(p, OP_NUM, t.pos, NULL, 0);
    if (x >= 0)
      p->nodes[x].num = t.num;
    return lex(p) ? -1 : x;
  }
  case T_TRUE:
  case T_FALSE: {
    int x = mk(p, OP_BOOL, t.pos, NULL, 0);
    if (x >= 0)
      p->nodes[x].num = t.t == T_TRUE;
    return lex(p) ? -1 : x;
  }
  case T_STR: {
    if (t.n > UINT16_MAX)
      return perr(p, KERR_LIMIT, t.pos, "string too long");
    int x = set_name(p, mk(p, OP_STR, t.pos, NULL, 0), t.s, t.n);
    return lex(p) ? -1 : x;
  }
  case T_STD: {
    int x = set_name(p, mk(p, OP_STD, t.pos, NULL, 0), t.s, t.n);
    return lex(p) ? -1 : x;
  }
  case T_FIELD: {
    const char *dot = memchr(t.s, '.', t.n);
    int x;
    if (dot) {
      if (!word_is(t.s, (size_t)(dot - t.s), "member"))
        return perr(p, KERR_PARSE, t.pos,
                    "only ${member.name} may contain a '.'");
      if (!p->in_group)
        return perr(p, KERR_PARSE, t.pos,
                    "${member.…} is only allowed inside count() or sum()");
      size_t off = (size_t)(dot - t.s) + 1;
      x = set_name(p, mk(p, OP_MEMBER, t.pos, NULL, 0), t.s + off,
                   t.n - off);
    } else {
      x = set_name(p, mk(p, OP_FIELD, t.pos, NULL, 0), t.s, t.n);
    }
    return lex(p) ? -1 : x;
  }
  case T_IDENT: {
    if (lex(p))
      return -1;
    if (p->tok.t != T_LP)
      return perr(p, KERR_PARSE, t.pos,
                  "unknown name '%.*s' (fields are written ${name})",
                  (int)(t.n > 40 ? 40 : t.n), t.s);
    return parse_call(p, t);
  }
  case T_LP: {
    if (lex(p))
      return -1;
    int x = parse_or(p);
    if (x < 0)
      return -1;
    if (p->tok.t != T_RP)
      return perr(p, KERR_PARSE, p->tok.pos, "expected ')'");
    return lex(p) ? -1 : x;
  }
  case T_EOF:
    return perr(p, KERR_PARSE, t.pos, "unexpected end of expression");
  default:
    return perr(p, KERR_PARSE, t.pos, "expected a value");
  }
}

static int parse_unary(parser *p) {
  if (p->tok.t != T_MINUS)
    return parse_primary(p);
  size_t pos = p->tok.pos;
  if (enter(p) || lex(p))
    return -1;
  int a = parse_unary(p);
  p->nest--;
  if (a < 0)
    return -1;
  if (p->nodes[a].op == OP_NUM) { /* fold literal negation */
    p->nodes[a].num = -p->nodes[a].num;
    p->nodes[a].pos = (uint32_t)pos;
    return a;
  }
  return mk(p, OP_NEG, pos, &a, 1);
}

static int parse_mul(parser *p) {
  int a = parse_unary(p);
  while (a >= 0 && (p->tok.t == T_STAR || p->tok.t == T_SLASH)) {
    uint8_t op = p->tok.t == T_STAR ? OP_MUL : OP_DIV;
    size_t pos = p->tok.pos;
    if (lex(p))
      return -1;
    int b = parse_unary(p);
    if (b < 0)
      return -1;
    int k[2] = {a, b};
    a = mk(p, op, pos, k, 2);
  }
  return a;
}

static int parse_add(parser *p) {
  int a = parse_mul(p);
  while (a >= 0 && (p->tok.t == T_PLUS || p->tok.t == T_MINUS)) {
    uint8_t op = p->tok.t == T_PLUS ? OP_ADD : OP_SUB;
    size_t pos = p->tok.pos;
    if (lex(p))
      return -1;
    int b = parse_mul(p);
    if (b < 0)
      return -1;
    int k[2] = {a, b};
    a = mk(p, op, pos, k, 2);
  }
  return a;
}

static int cmp_op(enum tok t) {
  switch (t) {
  case T_EQ: return OP_EQ;
  case T_NE: return OP_NE;
  case T_LT: return OP_LT;
  case T_LE: return OP_LE;
  case T_GT: return OP_GT;
  case T_GE: return OP_GE;
  default: return 0;
  }
}

static int parse_cmp(parser *p) {
  int a = parse_add(p);
  if (a < 0 || !cmp_op(p->tok.t))
    return a;
  uint8_t op = (uint8_t)cmp_op(p->tok.t);
  size_t pos = p->tok.pos;
  if (lex(p))
    return -1;
  int b = parse_add(p);
  if (b < 0)
    return -1;
  if (cmp_op(p->tok.t))
    return perr(p, KERR_PARSE, p->tok.pos,
                "comparisons do not chain; use 'and'");
  int k[2] = {a, b};
  return mk(p, op, pos, k, 2);
}

static int parse_not(parser *p) {
  if (p->tok.t != T_NOT)
    return parse_cmp(p);
  size_t pos = p->tok.pos;
  if (enter(p) || lex(p))
    return -1;
  int a = parse_not(p);
  p->nest--;
  if (a < 0)
    return -1;
  return mk(p, OP_NOT, pos, &a, 1);
}

static int parse_and(parser *p) {
  int a = parse_not(p);
  while (a >= 0 && p->tok.t == T_AND) {
    size_t pos = p->tok.pos;
    if (lex(p))
      return -1;
    int b = parse_not(p);
    if (b < 0)
      return -1;
    int k[2] = {a, b};
    a = mk(p, OP_AND, pos, k, 2);
  }
  return a;
}

static int parse_or(parser *p) {
  if (enter(p))
    return -1;
  int a = parse_and(p);
  while (a >= 0 && p->tok.t == T_OR) {
    size_t pos = p->tok.pos;
    if (lex(p))
      return -1;
    int b = parse_and(p);
    if (b < 0)
      return -1;
    int k[2] = {a, b};
    a = mk(p, OP_OR, pos, k, 2);
  }
  p->nest--;
  return a;
}

kerr expr_parse(const char *src, size_t len, expr **out, expr_error *err) {
  parser p;
  kerr e = KERR_OK;
  expr *x = NULL;
  *out = NULL;
  memset(&p, 0, sizeof p);
  p.src = src;
  p.len = len;
  p.eout = err;
  if (err) {
    err->offset = 0;
    err->msg[0] = '\0';
  }
  if (len > EXPR_MAX_SOURCE) {
    perr(&p, KERR_LIMIT, EXPR_MAX_SOURCE, "expression longer than %d bytes",
         EXPR_MAX_SOURCE);
    return p.err;
  }
  if (memchr(src, '\0', len)) {
    perr(&p, KERR_PARSE, (size_t)((const char *)memchr(src, '\0', len) - src),
         "NUL byte in expression");
    return p.err;
  }
  p.nodes = malloc(sizeof(node) * EXPR_MAX_NODES);
  p.pool = malloc(len + 1);
  if (!p.nodes || !p.pool) {
    e = KERR_NOMEM;
    goto out;
  }
  int root = -1;
  if (lex(&p) == 0) {
    root = parse_or(&p);
    if (root >= 0 && p.tok.t != T_EOF)
      perr(&p, KERR_PARSE, p.tok.pos,
           p.tok.t == T_RP ? "unbalanced ')'" : "expected an operator");
  }
  if (p.err) {
    e = p.err;
    goto out;
  }
  size_t nodes_sz = sizeof(node) * p.n;
  x = malloc(sizeof *x + nodes_sz + len + 1 + p.npool + 1);
  if (!x) {
    e = KERR_NOMEM;
    goto out;
  }
  memcpy(x->nodes, p.nodes, nodes_sz);
  char *tail = (char *)x->nodes + nodes_sz;
  memcpy(tail, src, len);
  tail[len] = '\0';
  x->src = tail;
  memcpy(tail + len + 1, p.pool, p.npool);
  tail[len + 1 + p.npool] = '\0';
  x->pool = tail + len + 1;
  x->n = (uint16_t)p.n;
  x->root = (uint16_t)root;
  *out = x;
out:
  free(p.nodes);
  free(p.pool);
  return e;
}

void expr_destroy(expr *e) { free(e); }

const char *expr_source(const expr *e) { return e->src; }

kerr expr_visit_names(const expr *e,
                      kerr (*fn)(void *ud, expr_name_kind kind,
                                 const char *name, size_t len, size_t offset),
                      void *ud) {
  for (uint16_t k = 0; k < e->n; k++) {
    const node *x = &e->nodes[k];
    expr_name_kind kind = 0;
    switch (x->op) {
    case OP_FIELD:
    case OP_COUNT:
    case OP_SUM: kind = EXPR_NAME_FIELD; break;
    case OP_MEMBER: kind = EXPR_NAME_MEMBER; break;
    case OP_STD: kind = EXPR_NAME_STANDARD; break;
    case OP_SELECTED: kind = EXPR_NAME_ITEM; break;
    default: continue;
    }
    kerr r = fn(ud, kind, e->pool + x->soff, x->slen, x->pos);
    if (r)
      return r;
  }
  return KERR_OK;
}

/* ---- evaluator ---------------------------------------------------------- */

typedef struct ev {
  const expr *e;
  const expr_env *env;
  expr_error *err;
  const char *group; /* current count()/sum() group, or NULL */
  size_t glen;
  size_t index; /* current member */
} ev;

static kerr everr(ev *v, kerr e, const node *x, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static kerr everr(ev *v, kerr e, const node *x, const char *fmt, ...) {
  if (v->err) {
    va_list ap;
    va_start(ap, fmt);
    v->err->offset = x->pos;
    vsnprintf(v->err->msg, sizeof v->err->msg, fmt, ap);
    va_end(ap);
  }
  return e;
}

static const char *type_name(expr_type t) {
  return t == EXPR_BOOL ? "boolean" : t == EXPR_NUM ? "number" : "string";
}

static kerr eval(ev *v, uint16_t idx, expr_value *out);

static kerr eval_as(ev *v, uint16_t idx, expr_type want, expr_value *out,
                    const char *what) {
  kerr r = eval(v, idx, out);
  if (r)
    return r;
  if (out->type != want)
    return everr(v, KERR_INVALID, &v->e->nodes[idx], "%s needs a %s, got a %s",
                 what, type_name(want), type_name(out->type));
  return KERR_OK;
}

static kerr num_check(ev *v, const node *x, int64_t r, expr_value *out) {
  if (r > EXPR_NUM_MAX || r < -EXPR_NUM_MAX)
    return everr(v, KERR_RANGE, x, "number out of range");
  *out = expr_value_num(r);
  return KERR_OK;
}

/* a * b / SCALE on magnitudes, rounded half away from zero. Operands are at
 * most EXPR_NUM_MAX, so every partial product below fits in 64 bits. */
static kerr num_mul(ev *v, const node *x, int64_t a, int64_t b,
                    expr_value *out) {
  const uint64_t S = (uint64_t)EXPR_SCALE;
  int neg = (a < 0) != (b < 0);
  uint64_t A = a < 0 ? (uint64_t)-a : (uint64_t)a;
  uint64_t B = b < 0 ? (uint64_t)-b : (uint64_t)b;
  uint64_t ai = A / S, af = A % S, bi = B / S, bf = B % S;
  if (ai && bi > (uint64_t)(EXPR_NUM_MAX / EXPR_SCALE) / ai)
    return everr(v, KERR_RANGE, x, "number out of range");
  uint64_t r = ai * bi * S + ai * bf + af * bi + (af * bf + S / 2) / S;
  if (r > (uint64_t)EXPR_NUM_MAX)
    return everr(v, KERR_RANGE, x, "number out of range");
  *out = expr_value_num(neg ? -(int64_t)r : (int64_t)r);
  return KERR_OK;
}

/* a * SCALE / b by long division, rounded half away from zero. */
static kerr num_div(ev *v, const node *x, int64_t a, int64_t b,
                    expr_value *out) {
  if (b == 0)
    return everr(v, KERR_RANGE, x, "division by zero");
  int neg = (a < 0) != (b < 0);
  uint64_t A = a < 0 ? (uint64_t)-a : (uint64_t)a;
  uint64_t B = b < 0 ? (uint64_t)-b : (uint64_t)b;
  uint64_t q = A / B, r = A % B;
  if (q > (uint64_t)(EXPR_NUM_MAX / EXPR_SCALE))
    return everr(v, KERR_RANGE, x, "number out of range");
  uint64_t res = q;
  for (int k = 0; k < 4; k++) { /* r < B <= 10^15: r * 10 fits */
    r *= 10;
    res = res * 10 + r / B;
    r %= B;
  }
  if (r * 2 >= B)
    res++;
  if (res > (uint64_t)EXPR_NUM_MAX)
    return everr(v, KERR_RANGE, x, "number out of range");
  *out = expr_value_num(neg ? -(int64_t)res : (int64_t)res);
  return KERR_OK;
}

static kerr eval_compare(ev *v, const node *x, expr_value *out) {
  expr_value a, b;
  kerr r = eval(v, x->kid, &a);
  if (r || (r = eval(v, v->e->nodes[x->kid].next, &b)))
    return r;
  if (a.type != b.type)
    return everr(v, KERR_INVALID, x, "cannot compare a %s with a %s",
                 type_name(a.type), type_name(b.type));
  int c;
  if (a.type == EXPR_NUM) {
    c = a.num < b.num ? -1 : a.num > b.num;
  } else if (x->op == OP_EQ || x->op == OP_NE) {
    c = a.type == EXPR_BOOL
            ? a.b != b.b
            : !(a.len == b.len && (a.len == 0 || !memcmp(a.str, b.str, a.len)));
  } else {
    return everr(v, KERR_INVALID, x, "only numbers can be ordered, not a %s",
                 type_name(a.type));
  }
  int res = 0;
  switch (x->op) {
  case OP_EQ: res = c == 0; break;
  case OP_NE: res = c != 0; break;
  case OP_LT: res = c < 0; break;
  case OP_LE: res = c <= 0; break;
  case OP_GT: res = c > 0; break;
  case OP_GE: res = c >= 0; break;
  default: break;
  }
  *out = expr_value_bool(res);
  return KERR_OK;
}

static kerr lookup(ev *v, const node *x, expr_value *out) {
  const expr_env *env = v->env;
  const char *name = v->e->pool + x->soff;
  kerr r = KERR_NOTFOUND;
  const char *what = "";
  switch (x->op) {
  case OP_FIELD:
    if (env->field)
      r = env->field(env->ud, name, x->slen, out);
    what = "${%.*s}";
    break;
  case OP_MEMBER:
    if (env->member_field)
      r = env->member_field(env->ud, v->group, v->glen, v->index, name,
                            x->slen, out);
    what = "${member.%.*s}";
    break;
  case OP_STD:
    if (env->standard)
      r = env->standard(env->ud, name, x->slen, out);
    what = "std.%.*s";
    break;
  default:
    break;
  }
  if (r == KERR_OK && out->type != EXPR_BOOL && out->type != EXPR_NUM &&
      out->type != EXPR_STR)
    r = KERR_INTERNAL;
  /* Values from outside must respect the range the arithmetic relies on. */
  if (r == KERR_OK && out->type == EXPR_NUM &&
      (out->num > EXPR_NUM_MAX || out->num < -EXPR_NUM_MAX))
    r = KERR_RANGE;
  if (r == KERR_OK && out->type == EXPR_STR && !out->str && out->len)
    r = KERR_INTERNAL;
  if (r == KERR_OK && out->type == EXPR_BOOL)
    out->b = out->b != 0;
  if (r) {
    char nm[80];
    snprintf(nm, sizeof nm, what, (int)x->slen, name);
    return everr(v, r, x, r == KERR_NOTFOUND ? "missing value for %s"
                                             : "cannot look up %s", nm);
  }
  return KERR_OK;
}

static kerr eval_group(ev *v, const node *x, expr_value *out) {
  const expr_env *env = v->env;
  const char *name = v->e->pool + x->soff;
  size_t n = 0;
  kerr r = env->group_size ? env->group_size(env->ud, name, x->slen, &n)
                           : KERR_NOTFOUND;
  if (r)
    return everr(v, r, x, "missing group ${%.*s}", (int)x->slen, name);
  if (n > MAX_GROUP)
    return everr(v, KERR_LIMIT, x, "group has more than %d entries",
                 MAX_GROUP);
  int64_t acc = 0;
  v->group = name;
  v->glen = x->slen;
  for (size_t i = 0; i < n && !r; i++) {
    expr_value b;
    v->index = i;
    if (x->op == OP_COUNT) {
      r = eval_as(v, x->kid, EXPR_BOOL, &b, "count()'s condition");
      acc += !r && b.b ? EXPR_SCALE : 0;
    } else {
      r = eval_as(v, x->kid, EXPR_NUM, &b, "sum()'s value");
      if (!r) {
        acc += b.num;
        if (acc > EXPR_NUM_MAX || acc < -EXPR_NUM_MAX)
          r = everr(v, KERR_RANGE, x, "number out of range");
      }
    }
  }
  v->group = NULL;
  if (r)
    return r;
  *out = expr_value_num(acc);
  return KERR_OK;
}

static int words_contain(const char *s, size_t n, const char *w, size_t wn) {
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == ' ')
      i++;
    size_t j = i;
    while (j < n && s[j] != ' ')
      j++;
    if (j > i && j - i == wn && memcmp(s + i, w, wn) == 0)
      return 1;
    i = j;
  }
  return 0;
}

static kerr eval(ev *v, uint16_t idx, expr_value *out) {
  const node *x = &v->e->nodes[idx];
  expr_value a, b;
  kerr r;
  switch (x->op) {
  case OP_NUM:
    *out = expr_value_num(x->num);
    return KERR_OK;
  case OP_BOOL:
    *out = expr_value_bool((int)x->num);
    return KERR_OK;
  case OP_STR:
    *out = expr_value_str(v->e->pool + x->soff, x->slen);
    return KERR_OK;
  case OP_FIELD:
  case OP_MEMBER:
  case OP_STD:
    return lookup(v, x, out);
  case OP_NEG:
    if ((r = eval_as(v, x->kid, EXPR_NUM, &a, "'-'")))
      return r;
    *out = expr_value_num(-a.num);
    return KERR_OK;
  case OP_NOT:
    if ((r = eval_as(v, x->kid, EXPR_BOOL, &a, "'not'")))
      return r;
    *out = expr_value_bool(!a.b);
    return KERR_OK;
  case OP_AND:
  case OP_OR: {
    const char *w = x->op == OP_AND ? "'and'" : "'or'";
    if ((r = eval_as(v, x->kid, EXPR_BOOL, &a, w)))
      return r;
    if (a.b == (x->op == OP_OR)) { /* short-circuit */
      *out = a;
      return KERR_OK;
    }
    return eval_as(v, v->e->nodes[x->kid].next, EXPR_BOOL, out, w);
  }
  case OP_EQ:
  case OP_NE:
  case OP_LT:
  case OP_LE:
  case OP_GT:
  case OP_GE:
    return eval_compare(v, x, out);
  case OP_ADD:
  case OP_SUB:
  case OP_MUL:
  case OP_DIV: {
    static const char *const sym[] = {"'+'", "'-'", "'*'", "'/'"};
    const char *w = sym[x->op - OP_ADD];
    if ((r = eval_as(v, x->kid, EXPR_NUM, &a, w)) ||
        (r = eval_as(v, v->e->nodes[x->kid].next, EXPR_NUM, &b, w)))
      return r;
    switch (x->op) {
    case OP_ADD: return num_check(v, x, a.num + b.num, out);
    case OP_SUB: return num_check(v, x, a.num - b.num, out);
    case OP_MUL: return num_mul(v, x, a.num, b.num, out);
    default: return num_div(v, x, a.num, b.num, out);
    }
  }
  case OP_COUNT:
  case OP_SUM:
    return eval_group(v, x, out);
  case OP_AGE: {
    if ((r = eval_as(v, x->kid, EXPR_STR, &a, "age_from_id()")))
      return r;
    if (v->env->today.year == 0)
      return everr(v, KERR_INVALID, x, "age_from_id() needs today's date");
    idcard_info info;
    if (idcard_parse(a.str, a.len, &v->env->today, &info, NULL))
      return everr(v, KERR_INVALID, x, "age_from_id(): not a valid ID number");
    *out = expr_value_int(idcard_age(&info, &v->env->today));
    return KERR_OK;
  }
  case OP_IF: {
    const node *c1 = &v->e->nodes[x->kid];
    if ((r = eval_as(v, x->kid, EXPR_BOOL, &a, "if()'s condition")))
      return r;
    return eval(v, a.b ? c1->next : v->e->nodes[c1->next].next, out);
  }
  case OP_MIN:
  case OP_MAX: {
    const char *w = x->op == OP_MIN ? "min()" : "max()";
    uint16_t k = x->kid;
    if ((r = eval_as(v, k, EXPR_NUM, out, w)))
      return r;
    for (k = v->e->nodes[k].next; k != NONE; k = v->e->nodes[k].next) {
      if ((r = eval_as(v, k, EXPR_NUM, &a, w)))
        return r;
      if (x->op == OP_MIN ? a.num < out->num : a.num > out->num)
        *out = a;
    }
    return KERR_OK;
  }
  case OP_ROUND: {
    static const int64_t p10[5] = {10000, 1000, 100, 10, 1};
    int64_t d = 0;
    if ((r = eval_as(v, x->kid, EXPR_NUM, &a, "round()")))
      return r;
    uint16_t k = v->e->nodes[x->kid].next;
    if (k != NONE) {
      if ((r = eval_as(v, k, EXPR_NUM, &b, "round()'s places")))
        return r;
      if (b.num % EXPR_SCALE || b.num < 0 || b.num > 4 * EXPR_SCALE)
        return everr(v, KERR_INVALID, &v->e->nodes[k],
                     "round() places must be 0, 1, 2, 3 or 4");
      d = b.num / EXPR_SCALE;
    }
    int64_t f = p10[d];
    int64_t m = a.num < 0 ? -a.num : a.num;
    m = (m + f / 2) / f * f;
    *out = expr_value_num(a.num < 0 ? -m : m);
    return KERR_OK;
  }
  case OP_SELECTED: {
    int sel = 0;
    r = v->env->item_selected
            ? v->env->item_selected(v->env->ud, v->e->pool + x->soff,
                                    x->slen, &sel)
            : KERR_NOTFOUND;
    if (r)
      return everr(v, r, x, "cannot tell whether '%.*s' is selected",
                   (int)x->slen, v->e->pool + x->soff);
    *out = expr_value_bool(sel);
    return KERR_OK;
  }
  case OP_SELECTED_IN:
    if ((r = eval_as(v, x->kid, EXPR_STR, &a, "selected()")) ||
        (r = eval_as(v, v->e->nodes[x->kid].next, EXPR_STR, &b,
                     "selected()'s choice")))
      return r;
    *out = expr_value_bool(words_contain(a.str, a.len, b.str, b.len));
    return KERR_OK;
  case OP_ANSWERED:
    r = eval(v, x->kid, &a);
    if (r == KERR_NOTFOUND) {
      *out = expr_value_bool(0);
      return KERR_OK;
    }
    if (r)
      return r;
    *out = expr_value_bool(!(a.type == EXPR_STR && a.len == 0));
    return KERR_OK;
  default:
    return everr(v, KERR_INTERNAL, x, "bad node");
  }
}

kerr expr_eval(const expr *e, const expr_env *env, expr_value *out,
               expr_error *err) {
  ev v = {e, env, err, NULL, 0, 0};
  if (err) {
    err->offset = 0;
    err->msg[0] = '\0';
  }
  return eval(&v, e->root, out);
}

kerr expr_eval_bool(const expr *e, const expr_env *env, int *out,
                    expr_error *err) {
  expr_value val;
  kerr r = expr_eval(e, env, &val, err);
  if (r)
    return r;
  if (val.type != EXPR_BOOL) {
    if (err) {
      err->offset = 0;
      snprintf(err->msg, sizeof err->msg, "expected a boolean, got a %s",
               type_name(val.type));
    }
    return KERR_INVALID;
  }
  *out = val.b;
  return KERR_OK;
}

kerr expr_eval_num(const expr *e, const expr_env *env, int64_t *out,
                   expr_error *err) {
  expr_value val;
  kerr r = expr_eval(e, env, &val, err);
  if (r)
    return r;
  if (val.type != EXPR_NUM) {
    if (err) {
      err->offset = 0;
      snprintf(err->msg, sizeof err->msg, "expected a number, got a %s",
               type_name(val.type));
    }
    return KERR_INVALID;
  }
  *out = val.num;
  return KERR_OK;
}
