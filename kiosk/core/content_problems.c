/* content_problems: see content_problems.h. */
#include "core/content_problems.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void content_problems_init(content_problems *p) { memset(p, 0, sizeof *p); }

void content_problems_free(content_problems *p) {
  free(p->a);
  memset(p, 0, sizeof *p);
}

/* Cuts s back so it does not end inside a UTF-8 sequence. */
static void trim_utf8(char *s) {
  size_t n = strlen(s);
  size_t i = n;
  while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
    i--;
  if (i == 0)
    return;
  unsigned char lead = (unsigned char)s[i - 1];
  size_t want = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  if (n - (i - 1) < want)
    s[i - 1] = '\0';
}

static void copy(char *dst, size_t size, const char *src) {
  snprintf(dst, size, "%s", src ? src : "");
  trim_utf8(dst);
}

void content_problems_add(content_problems *p, content_problem_kind kind,
                          const char *file, const char *path,
                          const char *fmt, ...) {
  if (!p)
    return;
  if (p->n == p->cap) {
    if (p->cap >= CONTENT_PROBLEMS_MAX) {
      p->dropped++;
      return;
    }
    size_t cap = p->cap ? p->cap * 2 : 16;
    if (cap > CONTENT_PROBLEMS_MAX)
      cap = CONTENT_PROBLEMS_MAX;
    content_problem *a = realloc(p->a, cap * sizeof *a);
    if (!a) {
      p->dropped++;
      return;
    }
    p->a = a;
    p->cap = cap;
  }
  content_problem *e = &p->a[p->n++];
  e->kind = kind;
  copy(e->file, sizeof e->file, file);
  copy(e->path, sizeof e->path, path);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->reason, sizeof e->reason, fmt, ap);
  va_end(ap);
  trim_utf8(e->reason);
}

size_t content_problems_count(const content_problems *p) {
  return p ? p->n + p->dropped : 0;
}

int content_problems_has(const content_problems *p, content_problem_kind kind) {
  for (size_t i = 0; p && i < p->n; i++)
    if (p->a[i].kind == kind)
      return 1;
  return 0;
}

const char *content_problems_format(const content_problems *p, size_t i,
                                    char *buf, size_t size) {
  if (size == 0)
    return buf;
  buf[0] = '\0';
  if (!p || i >= p->n)
    return buf;
  const content_problem *e = &p->a[i];
  const char *file = e->file[0] ? e->file : "(内容包)";
  if (e->path[0])
    snprintf(buf, size, "%s: %s: %s", file, e->path, e->reason);
  else
    snprintf(buf, size, "%s: %s", file, e->reason);
  trim_utf8(buf);
  return buf;
}

const char *content_problems_kind_str(content_problem_kind kind) {
  switch (kind) {
  case CONTENT_P_IO: return "io";
  case CONTENT_P_MISSING: return "missing";
  case CONTENT_P_PATH: return "path";
  case CONTENT_P_SYMLINK: return "symlink";
  case CONTENT_P_SIZE: return "size";
  case CONTENT_P_HASH: return "hash";
  case CONTENT_P_LIMIT: return "limit";
  case CONTENT_P_UTF8: return "utf8";
  case CONTENT_P_SYNTAX: return "syntax";
  case CONTENT_P_FIELD: return "field";
  case CONTENT_P_TYPE: return "type";
  case CONTENT_P_VALUE: return "value";
  case CONTENT_P_DUPLICATE: return "duplicate";
  case CONTENT_P_REFERENCE: return "reference";
  case CONTENT_P_FORMAT: return "format";
  case CONTENT_P_EXPIRED: return "expired";
  case CONTENT_P_VERSION: return "version";
  }
  return "unknown";
}
