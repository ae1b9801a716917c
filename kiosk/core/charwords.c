/* charwords: see charwords.h. */
#include "core/charwords.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/utf8.h"

#define FILE_MAX (4u << 20)

typedef struct cw_entry {
  char ch[8];
  char word[CHARWORDS_WORD_MAX];
} cw_entry;

struct charwords {
  cw_entry *e;
  size_t n;
};

/* The length of s if it is exactly one valid character, else 0. */
static size_t one_char(const char *s, size_t n) {
  uint32_t cp;
  return n && utf8_decode(s, n, &cp) == n ? n : 0;
}

/* Parses one line (without its newline) into e. */
static int parse_line(const char *s, size_t n, cw_entry *e) {
  const char *tab = memchr(s, '\t', n);
  if (!tab)
    return 0;
  size_t cl = (size_t)(tab - s), wl = n - cl - 1;
  if (!one_char(s, cl) || cl >= sizeof e->ch || wl == 0 ||
      wl >= sizeof e->word || !utf8_valid(tab + 1, wl) ||
      memchr(tab + 1, '\t', wl))
    return 0;
  memcpy(e->ch, s, cl);
  e->ch[cl] = '\0';
  memcpy(e->word, tab + 1, wl);
  e->word[wl] = '\0';
  return strstr(e->word, e->ch) != NULL;
}

kerr charwords_load(const char *path, charwords **out) {
  *out = NULL;
  char *buf;
  size_t len;
  kerr e = fs_read_file(path, FILE_MAX, &buf, &len);
  if (e)
    return e;
  size_t lines = 0;
  for (size_t i = 0; i < len; i++)
    lines += buf[i] == '\n';
  if (len && buf[len - 1] != '\n')
    lines++;
  e = lines > CHARWORDS_MAX ? KERR_LIMIT : lines == 0 ? KERR_PARSE : 0;
  charwords *t = e ? NULL : calloc(1, sizeof *t);
  if (!e && (!t || !(t->e = calloc(lines, sizeof *t->e))))
    e = KERR_NOMEM;
  for (size_t at = 0; !e && at < len;) {
    char *nl = memchr(buf + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - buf) : len;
    cw_entry *x = &t->e[t->n];
    if (!parse_line(buf + at, end - at, x) ||
        (t->n && strcmp(t->e[t->n - 1].ch, x->ch) >= 0))
      e = KERR_PARSE; /* broken, or out of order: searched by halves */
    t->n++;
    at = end + 1;
  }
  free(buf);
  if (e) {
    charwords_free(t);
    return e;
  }
  *out = t;
  return KERR_OK;
}

void charwords_free(charwords *t) {
  if (!t)
    return;
  free(t->e);
  free(t);
}

static int by_char(const void *key, const void *elem) {
  return strcmp(key, ((const cw_entry *)elem)->ch);
}

const char *charwords_find(const charwords *t, const char *ch) {
  if (!t || !ch || !one_char(ch, strlen(ch)))
    return NULL;
  const cw_entry *x = bsearch(ch, t->e, t->n, sizeof *t->e, by_char);
  return x ? x->word : NULL;
}

size_t charwords_count(const charwords *t) { return t ? t->n : 0; }
