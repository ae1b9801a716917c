/* utf8: decoding and validation of UTF-8 text.
 *
 * Strict: overlong forms, surrogates and code points above U+10FFFF are
 * invalid. Text from outside (content bundles, answers, server responses)
 * must pass utf8_valid() before it is stored or drawn. */
#ifndef KIOSK_CORE_UTF8_H
#define KIOSK_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s[0..n). Stores it in *cp and returns the
 * number of bytes used (1..4), or 0 if the bytes are not valid UTF-8 (then
 * *cp is U+FFFD). n == 0 returns 0. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Writes cp as UTF-8 into out (at least 4 bytes); returns bytes written, 0
 * for an invalid code point. */
size_t utf8_encode(uint32_t cp, char *out);

/* Nonzero if s[0..n) is entirely valid UTF-8. */
int utf8_valid(const char *s, size_t n);

/* Number of code points in a valid UTF-8 string s[0..n). */
size_t utf8_count(const char *s, size_t n);

/* Where to cut s[0..n) to keep at most max bytes without splitting a
 * character: n if n <= max, else max moved back over continuation bytes
 * (the byte at the cut is a lead or ASCII byte). */
size_t utf8_cut(const char *s, size_t n, size_t max);

/* Byte length of the last code point of s[0..n) (for backspace); 0 if n==0. */
size_t utf8_last_len(const char *s, size_t n);

#endif
