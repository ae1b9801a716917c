/* charwords: builds the table the keyboard uses to tell characters that
 * sound alike apart when it reads a candidate aloud (「李，李白的李」).
 *
 *   charwords TABLE T2S OUT
 *
 * TABLE is rime's compiled pinyin table in text form (Debian's
 * rime-data-luna-pinyin: build/luna_pinyin.table.txt, lines of
 * "word<TAB>pinyin<TAB>weight", traditional characters); T2S the OpenCC
 * traditional-to-simplified configuration (t2s.json). For every simplified
 * character of a two-character word of the table, OUT gets the most
 * frequent such word (「行李」 for 李, 「这里」 for 里): one
 * "character<TAB>word" line each, sorted by the character's bytes (the
 * kiosk searches it by halves). Run at build time, next to the rime
 * deployment. */
#include <opencc/opencc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
  char ch[8];    /* one character, UTF-8 */
  char word[16]; /* two characters, UTF-8 */
  long weight;
} entry;

static size_t utf8_len(unsigned char c) {
  return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Splits s into exactly two characters of three or four bytes (Han). */
static int two_chars(const char *s, size_t n, size_t *cut) {
  if (n < 2 || (unsigned char)s[0] < 0xE0)
    return 0;
  size_t a = utf8_len((unsigned char)s[0]);
  if (a >= n || (unsigned char)s[a] < 0xE0)
    return 0;
  size_t b = utf8_len((unsigned char)s[a]);
  if (a + b != n)
    return 0;
  *cut = a;
  return 1;
}

static int by_char(const void *x, const void *y) {
  const entry *a = x, *b = y;
  int c = strcmp(a->ch, b->ch);
  if (c)
    return c;
  if (a->weight != b->weight)
    return a->weight < b->weight ? 1 : -1;
  return strcmp(a->word, b->word);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: charwords TABLE T2S OUT\n");
    return 2;
  }
  FILE *in = fopen(argv[1], "r");
  if (!in) {
    perror(argv[1]);
    return 1;
  }
  opencc_t cc = opencc_open(argv[2]);
  if (cc == (opencc_t)-1) {
    fprintf(stderr, "charwords: cannot open %s: %s\n", argv[2], opencc_error());
    fclose(in);
    return 1;
  }
  size_t n = 0, cap = 1 << 16;
  entry *e = malloc(cap * sizeof *e);
  char line[1024];
  int rc = e ? 0 : 1;
  while (!rc && fgets(line, sizeof line, in)) {
    if (line[0] == '#')
      continue;
    char *tab = strchr(line, '\t');
    if (!tab)
      continue;
    char *tab2 = strchr(tab + 1, '\t');
    long weight = tab2 ? strtol(tab2 + 1, NULL, 10) : 0;
    size_t cut;
    if (weight <= 0 || !two_chars(line, (size_t)(tab - line), &cut))
      continue;
    char *s = opencc_convert_utf8(cc, line, (size_t)(tab - line));
    if (!s)
      continue;
    size_t sn = strlen(s);
    if (two_chars(s, sn, &cut) && sn < sizeof e->word) {
      for (int pos = 0; pos < 2; pos++) {
        if (n == cap) {
          entry *m = realloc(e, 2 * cap * sizeof *e);
          if (!m) {
            rc = 1;
            break;
          }
          e = m;
          cap *= 2;
        }
        entry *x = &e[n++];
        size_t at = pos ? cut : 0, len = pos ? sn - cut : cut;
        memcpy(x->ch, s + at, len);
        x->ch[len] = '\0';
        memcpy(x->word, s, sn + 1);
        x->weight = weight;
      }
    }
    opencc_convert_utf8_free(s);
  }
  fclose(in);
  opencc_close(cc);
  if (rc) {
    fprintf(stderr, "charwords: out of memory\n");
    free(e);
    return 1;
  }
  qsort(e, n, sizeof *e, by_char);
  FILE *out = fopen(argv[3], "w");
  if (!out) {
    perror(argv[3]);
    free(e);
    return 1;
  }
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && strcmp(e[i].ch, e[i - 1].ch) == 0)
      continue; /* the best word of a character comes first */
    fprintf(out, "%s\t%s\n", e[i].ch, e[i].word);
    kept++;
  }
  free(e);
  if (fclose(out) != 0 || kept == 0) {
    fprintf(stderr, "charwords: %s not written (%zu characters)\n", argv[3],
            kept);
    return 1;
  }
  return 0;
}
