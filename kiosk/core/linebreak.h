/* linebreak: wrapping UTF-8 text into lines under Chinese line-breaking rules.
 *
 * Rules (a practical subset of GB/T 15834 and JIS X 4051 "kinsoku"):
 *  - a break is allowed between any two CJK ideographs or CJK punctuation;
 *  - no line starts with closing punctuation: ，。、；：？！）」』】》〉”’…%
 *    and their ASCII counterparts , . ; : ? ! ) ] }
 *  - no line ends with opening punctuation: （「『【《〈“‘ ( [ {
 *  - a run of Latin letters and digits (a word, a number such as 9,480 or
 *    12.5) is never split, unless it alone is wider than the line;
 *  - spaces are break opportunities and are dropped at line ends;
 *  - '\n' forces a break.
 * Widths come from a caller's measuring function so the core needs no font. */
#ifndef KIOSK_CORE_LINEBREAK_H
#define KIOSK_CORE_LINEBREAK_H

#include <stddef.h>

/* Returns the pixel width of s[0..n) when drawn on one line. */
typedef int (*linebreak_measure_fn)(void *ud, const char *s, size_t n);

typedef struct linebreak_line {
  size_t start; /* byte offset of the first byte of the line */
  size_t len;   /* bytes in the line, trailing spaces excluded */
  int width;    /* measured width of those bytes */
} linebreak_line;

/* Wraps text[0..n) to max_width. Fills at most max_lines entries of lines and
 * returns the total number of lines the text needs (which may exceed
 * max_lines: the caller then knows the text overflows). A break opportunity
 * whose next segment does not fit is taken greedily. */
size_t linebreak_wrap(const char *text, size_t n, int max_width,
                      linebreak_measure_fn measure, void *ud,
                      linebreak_line *lines, size_t max_lines);

/* Nonzero if no line may start with code point cp. */
int linebreak_is_no_start(unsigned cp);
/* Nonzero if no line may end with code point cp. */
int linebreak_is_no_end(unsigned cp);

#endif
