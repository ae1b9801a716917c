/* validate: field validators for what a citizen types on the kiosk.
 *
 * Each validator takes raw input (UTF-8, not necessarily NUL-terminated,
 * possibly hostile), normalises it where that is obviously what was meant
 * (full-width digits, thousands separators, spaces in a phone number) and
 * returns:
 *   KERR_OK       the value is acceptable; the normalised value is written;
 *                 `note` may still carry VALIDATE_CONFIRM_* meaning "accepted,
 *                 but ask the citizen to look again" (e.g. a huge income);
 *   KERR_INVALID  the value cannot be accepted; `note` says why.
 * A note's message is plain Simplified Chinese telling the citizen how to fix
 * the entry; it is static text, never containing the input itself.
 *
 * Invariants: no validator reads past `len`, allocates, or keeps pointers.
 * Inputs longer than VALIDATE_MAX_INPUT bytes are refused before parsing.
 * "Today" is always passed in, never read from the clock. */
#ifndef KIOSK_CORE_VALIDATE_H
#define KIOSK_CORE_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/kerr.h"

/* Longest raw input any single-value validator looks at (bytes). */
#define VALIDATE_MAX_INPUT 256

/* A calendar date. Plain value type. */
typedef struct validate_date {
  int year;  /* 1..9999 */
  int month; /* 1..12 */
  int day;   /* 1..31 */
} validate_date;

typedef enum validate_code {
  VALIDATE_OK = 0,
  VALIDATE_EMPTY,             /* nothing entered */
  VALIDATE_TOO_LONG,          /* more characters than allowed */
  VALIDATE_TOO_SHORT,         /* fewer characters than required */
  VALIDATE_BAD_UTF8,          /* bytes are not valid UTF-8 */
  VALIDATE_BAD_CHAR,          /* a control or otherwise unusable character */
  VALIDATE_MONEY_FORMAT,      /* not a number of yuan */
  VALIDATE_MONEY_NEGATIVE,    /* below zero */
  VALIDATE_MONEY_DECIMALS,    /* more than two digits after the point */
  VALIDATE_MONEY_TOO_LARGE,   /* beyond any sensible amount: refused */
  VALIDATE_CONFIRM_LARGE,     /* accepted, but unusually large: confirm */
  VALIDATE_DATE_FORMAT,       /* not YYYY-MM-DD */
  VALIDATE_DATE_NOT_REAL,     /* e.g. 1990-02-30 */
  VALIDATE_DATE_FUTURE,       /* after today where that makes no sense */
  VALIDATE_DATE_TOO_OLD,      /* before 1900 */
  VALIDATE_PHONE_LENGTH,      /* not 11 digits */
  VALIDATE_PHONE_FORMAT,      /* not 1[3-9]xxxxxxxxx */
  VALIDATE_ID_LENGTH,         /* ID number not 18 characters */
  VALIDATE_ID_CHARS,          /* ID number has letters or symbols */
  VALIDATE_ID_X_POSITION,     /* X somewhere other than the last place */
  VALIDATE_ID_REGION,         /* region code prefix impossible */
  VALIDATE_ID_BIRTH,          /* embedded birth date is not a real date */
  VALIDATE_ID_FUTURE,         /* embedded birth date after today */
  VALIDATE_ID_CHECK,          /* check digit does not match */
  VALIDATE_CODE_COUNT
} validate_code;

/* What a validator has to say about one input. */
typedef struct validate_note {
  validate_code code;
  const char *message; /* static Simplified Chinese; "" for VALIDATE_OK */
} validate_note;

/* Static Simplified-Chinese message for a code (how to fix it); never NULL. */
const char *validate_message(validate_code code);

/* 1 if year/month/day is a real Gregorian date (leap years right), else 0. */
int validate_date_is_real(int year, int month, int day);

/* Compares two dates: <0, 0, >0 like strcmp. */
int validate_date_cmp(const validate_date *a, const validate_date *b);

/* Whole years from `birth` to `today` (birthday not yet reached this year
 * counts one less; someone born on 29 February turns a year older on 1 March
 * in common years). Negative if birth is after today. */
int validate_date_age(const validate_date *birth, const validate_date *today);

/* Flags for validate_date_text(). */
#define VALIDATE_DATE_PAST_OK 0u
#define VALIDATE_DATE_NO_FUTURE 1u /* refuse dates after today */

/* Parses a date written YYYY-MM-DD (full-width digits and "／" or "/"
 * separators are accepted; one or two digits for month and day). With
 * VALIDATE_DATE_NO_FUTURE, dates after *today refuse (today may then not be
 * NULL). Years before 1900 refuse. Writes *out on success. */
kerr validate_date_text(const char *s, size_t len, unsigned flags,
                        const validate_date *today, validate_date *out,
                        validate_note *note);

/* Parses an amount of yuan: "1200", "1,200.50", "１２００", "￥1200元",
 * "1200.5". Non-negative, at most two decimals, at most 10^10 yuan.
 * Writes the amount in fen (1/100 yuan) to *fen. An amount above
 * `confirm_above_fen` (0 = never) is accepted with note VALIDATE_CONFIRM_LARGE
 * so the screen can ask "please confirm". */
kerr validate_money(const char *s, size_t len, int64_t confirm_above_fen,
                    int64_t *fen, validate_note *note);

/* Checks a mainland mobile number: 11 digits starting 13-19, after removing
 * spaces and hyphens, a leading +86/86, and converting full-width digits.
 * Writes the 11 normalised digits and a NUL to out[12]. */
kerr validate_phone(const char *s, size_t len, char out[12],
                    validate_note *note);

/* Checks that s is valid UTF-8 without control characters (tab and newline
 * allowed only when `multiline`), and has between min_chars and max_chars
 * characters (code points). Writes the count to *nchars if not NULL. Unlike
 * the other validators the input may be long (free text); it is scanned
 * once. */
kerr validate_text(const char *s, size_t len, size_t min_chars,
                   size_t max_chars, int multiline, size_t *nchars,
                   validate_note *note);

#endif
