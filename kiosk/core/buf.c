/* buf: see buf.h. Growth doubles from BUF_MIN, never past max + 1 bytes. */
#include "core/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define BUF_MIN 256u

void buf_init(struct buf *b, size_t max) {
  b->p = NULL;
  b->len = 0;
  b->alloc = 0;
  b->max = max;
}

void buf_free(struct buf *b) {
  if (b->p) {
    sodium_memzero(b->p, b->alloc);
    free(b->p);
  }
  buf_init(b, b->max);
}

void buf_reset(struct buf *b) {
  if (b->p)
    sodium_memzero(b->p, b->len + 1);
  b->len = 0;
}

/* Room for n more bytes and the NUL. Moves the bytes to a new block and
 * wipes the old one. */
static kerr buf_grow(struct buf *b, size_t n) {
  size_t need, cap;
  char *np;

  if (n > b->max - b->len)
    return KERR_LIMIT;
  need = b->len + n + 1;
  if (need <= b->alloc)
    return KERR_OK;
  cap = b->alloc ? b->alloc : BUF_MIN;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
  if (cap > b->max + 1)
    cap = b->max + 1;
  np = malloc(cap);
  if (!np)
    return KERR_NOMEM;
  if (b->p) {
    memcpy(np, b->p, b->len + 1);
    sodium_memzero(b->p, b->alloc);
    free(b->p);
  }
  b->p = np;
  b->alloc = cap;
  return KERR_OK;
}

kerr buf_add(struct buf *b, const void *mem, size_t n) {
  kerr err = buf_grow(b, n);
  if (err)
    return err;
  if (n)
    memcpy(b->p + b->len, mem, n);
  b->len += n;
  b->p[b->len] = '\0';
  return KERR_OK;
}

kerr buf_add_str(struct buf *b, const char *s) { return buf_add(b, s, strlen(s)); }

kerr buf_printf(struct buf *b, const char *fmt, ...) {
  va_list ap;
  int n;
  kerr err;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return KERR_INTERNAL;
  if ((err = buf_grow(b, (size_t)n)))
    return err;
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return KERR_OK;
}

const char *buf_ptr(const struct buf *b) { return b->p ? b->p : ""; }

size_t buf_len(const struct buf *b) { return b->len; }

char *buf_take(struct buf *b, size_t *len) {
  char *p = b->p;
  if (len)
    *len = b->len;
  if (!p)
    p = calloc(1, 1);
  buf_init(b, b->max);
  return p;
}
