/* idcard: the Chinese resident identity number (GB 11643-1999).
 *
 * 18 characters: 6-digit administrative region code, 8-digit birth date
 * YYYYMMDD, 3-digit sequence (odd = male, even = female) and an ISO 7064
 * MOD 11-2 check character (0-9 or X). The validator accepts full-width
 * digits, a lower-case x and surrounding spaces, and normalises to ASCII
 * with an upper-case X. It checks the check character, that the birth date
 * is a real date not after "today" and not before 1900, and that the region
 * prefix is plausible: the first digit 1-8 and the first two a province-level
 * code (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81-83; these have not
 * changed since 1997). The county list changes yearly, so it is not embedded.
 *
 * The number is personal data: callers must not log it. Nothing here keeps
 * or copies it beyond the caller's own idcard_info. */
#ifndef KIOSK_CORE_IDCARD_H
#define KIOSK_CORE_IDCARD_H

#include <stddef.h>

#include "core/kerr.h"
#include "core/validate.h"

#define IDCARD_LEN 18

/* What an ID number says about its holder. Caller-provided; wipe it
 * (sodium_memzero) when the session ends. */
typedef struct idcard_info {
  char number[IDCARD_LEN + 1]; /* normalised: ASCII digits, upper-case X */
  validate_date birth;
  int male;         /* 1 male, 0 female (from the sequence digit) */
  int region;       /* the 6-digit region code */
} idcard_info;

/* Computes the MOD 11-2 check character ('0'-'9' or 'X') for the first 17
 * characters of `d`, which must be ASCII digits. Returns 0 if any is not a
 * digit. */
char idcard_check_char(const char *d);

/* Validates an ID number typed by a citizen (UTF-8, `len` bytes). `today`
 * (required) bounds the birth date. On KERR_OK fills *out (if not NULL);
 * on KERR_INVALID sets note->code to a VALIDATE_ID_* (or VALIDATE_EMPTY /
 * VALIDATE_BAD_UTF8) code with a Simplified-Chinese message saying how to
 * fix it. Problems are reported in this order: characters, length, X
 * placement, birth date, region, check character. */
kerr idcard_parse(const char *s, size_t len, const validate_date *today,
                  idcard_info *out, validate_note *note);

/* Age in whole years of the holder at `today`. */
int idcard_age(const idcard_info *info, const validate_date *today);

#endif
