/* linebreak: see linebreak.h.
 *
 * The text is first cut into unbreakable segments ("clusters"): a CJK
 * character with any closing punctuation glued after it and any opening
 * punctuation glued before it, or a Latin word/number run with its glued
 * punctuation. Lines are then filled greedily with whole segments. A segment
 * wider than the line is split by code points as a last resort. */
#include "core/linebreak.h"

#include "core/utf8.h"

static const unsigned no_start[] = {
    0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09, 0x300D,
    0x300F, 0x3011, 0x300B, 0x3009, 0x201D, 0x2019, 0x2026, 0x2014, 0xFF05,
    0x00B7, 0x30FB, 0xFF0E, 0x3015, 0xFF3D, 0xFF5D, 0x3017,
    ',', '.', ';', ':', '?', '!', ')', ']', '}', '%'};
static const unsigned no_end[] = {0xFF08, 0x300C, 0x300E, 0x3010, 0x300A,
                                  0x3008, 0x201C, 0x2018, 0x3014, 0xFF3B,
                                  0xFF5B, 0x3016, '(', '[', '{'};

int linebreak_is_no_start(unsigned cp) {
  for (size_t i = 0; i < sizeof no_start / sizeof no_start[0]; i++)
    if (no_start[i] == cp)
      return 1;
  return 0;
}

int linebreak_is_no_end(unsigned cp) {
  for (size_t i = 0; i < sizeof no_end / sizeof no_end[0]; i++)
    if (no_end[i] == cp)
      return 1;
  return 0;
}

/* Latin letters, digits and the characters that live inside numbers and
 * words (9,480  12.5  e-mail  A/B). '.' and ',' only glue inside a run. */
static int is_word(unsigned cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
         (cp >= 'A' && cp <= 'Z') || cp == '_' || cp == '-' || cp == '/' ||
         cp == '@' || cp == '#' || cp == '+' || cp == '\'' ||
         (cp >= 0xC0 && cp < 0x250) || (cp >= 0xFF10 && cp <= 0xFF19) ||
         (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A);
}

static unsigned peek(const char *t, size_t n, size_t i, size_t *len) {
  uint32_t cp;
  size_t k = utf8_decode(t + i, n - i, &cp);
  *len = k ? k : 1; /* invalid byte: treat as one U+FFFD */
  return cp;
}

/* Returns the end of the unbreakable segment starting at i (i < n, text[i]
 * is neither space nor newline). */
static size_t segment_end(const char *t, size_t n, size_t i) {
  size_t k;
  unsigned cp = peek(t, n, i, &k);
  /* Leading opening punctuation glues to what follows. */
  while (linebreak_is_no_end(cp) && i + k < n) {
    size_t k2;
    unsigned next = peek(t, n, i + k, &k2);
    if (next == ' ' || next == '\n')
      break;
    i += k;
    cp = next;
    k = k2;
  }
  i += k;
  if (is_word(cp)) {
    while (i < n) {
      unsigned c = peek(t, n, i, &k);
      if (is_word(c)) {
        i += k;
        continue;
      }
      /* "9,480" and "12.5": punctuation between word characters glues. */
      if ((c == '.' || c == ',') && i + k < n) {
        size_t k2;
        unsigned after = peek(t, n, i + k, &k2);
        if (after >= '0' && after <= '9') {
          i += k;
          continue;
        }
      }
      break;
    }
  }
  /* Trailing closing punctuation glues to the segment. */
  while (i < n) {
    unsigned c = peek(t, n, i, &k);
    if (!linebreak_is_no_start(c))
      break;
    i += k;
  }
  return i;
}

/* Longest prefix of s[0..n) (whole code points, at least one) that fits. */
static size_t fit_prefix(const char *s, size_t n, int max_width,
                         linebreak_measure_fn measure, void *ud) {
  size_t best = 0, i = 0;
  while (i < n) {
    size_t k;
    peek(s, n, i, &k);
    if (measure(ud, s, i + k) > max_width)
      break;
    i += k;
    best = i;
  }
  if (best == 0) {
    size_t k;
    peek(s, n, 0, &k);
    best = k;
  }
  return best;
}

size_t linebreak_wrap(const char *text, size_t n, int max_width,
                      linebreak_measure_fn measure, void *ud,
                      linebreak_line *lines, size_t max_lines) {
  size_t count = 0;
  size_t i = 0;
  while (i < n) {
    size_t start = i, end = i; /* end: end of the last segment that fits */
    int width = 0;
    while (i < n) {
      if (text[i] == '\n')
        break;
      if (text[i] == ' ') {
        i++;
        continue;
      }
      size_t seg = segment_end(text, n, i);
      int w = measure(ud, text + start, seg - start);
      if (w <= max_width || end == start) {
        if (w > max_width) {
          /* A lone segment wider than the line: split it by code points. */
          seg = start + fit_prefix(text + start, seg - start, max_width,
                                   measure, ud);
          w = measure(ud, text + start, seg - start);
          end = seg;
          width = w;
          i = seg;
          break;
        }
        end = seg;
        width = w;
        i = seg;
        continue;
      }
      break;
    }
    if (count < max_lines) {
      lines[count].start = start;
      lines[count].len = end - start;
      lines[count].width = width;
    }
    count++;
    i = end;
    while (i < n && text[i] == ' ')
      i++;
    if (i < n && text[i] == '\n') {
      i++;
      if (i == n) { /* a trailing newline makes an empty last line */
        if (count < max_lines) {
          lines[count].start = i;
          lines[count].len = 0;
          lines[count].width = 0;
        }
        count++;
      }
    }
  }
  return count;
}
