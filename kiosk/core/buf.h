/* buf: a growable byte buffer with a hard cap (curl's dynbuf).
 *
 * Every buffer that grows from outside input (a response body, a request
 * body, an answer being built) is a buf with the largest size it may reach.
 * Invariants: len <= max; when p is not NULL, p[len] == '\0' and alloc <=
 * max + 1. Buffers may hold personal data: bytes are wiped before the
 * memory is moved to a larger block or freed (never realloc(), which could
 * leave an unwiped copy behind).
 *
 * No typedef: `buf` is a common variable name (and -Wshadow). The struct
 * is public so it can live inside other structs; read it through
 * buf_ptr()/buf_len() and change it only through these functions. */
#ifndef KIOSK_CORE_BUF_H
#define KIOSK_CORE_BUF_H

#include <stddef.h>

#include "core/kerr.h"

struct buf {
  char *p;      /* NULL until the first byte is added */
  size_t len;   /* bytes held, without the NUL */
  size_t alloc; /* bytes allocated at p */
  size_t max;   /* the most bytes it may hold */
};

/* An empty buffer that will never hold more than max bytes. Allocates
 * nothing. */
void buf_init(struct buf *b, size_t max);

/* Wipes and frees the memory; b is empty afterwards (same max) and may be
 * used again. */
void buf_free(struct buf *b);

/* Wipes the bytes and empties b, keeping its memory for reuse. */
void buf_reset(struct buf *b);

/* Appends n bytes of mem. KERR_LIMIT if b would hold more than its max,
 * KERR_NOMEM if memory runs out; on either error b is unchanged. */
kerr buf_add(struct buf *b, const void *mem, size_t n);

/* Appends the NUL-terminated string s (not its NUL). As buf_add(). */
kerr buf_add_str(struct buf *b, const char *s);

/* Appends printf-formatted text. As buf_add(). */
kerr buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The bytes held, NUL-terminated; "" when empty. Borrowed until b next
 * changes. */
const char *buf_ptr(const struct buf *b);

/* Number of bytes held. */
size_t buf_len(const struct buf *b);

/* Hands the bytes out (NUL-terminated, caller frees; *len, if not NULL,
 * gets their length) and leaves b empty. NULL if b was empty and memory for
 * an empty string ran out. */
char *buf_take(struct buf *b, size_t *len);

#endif
