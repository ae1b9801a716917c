/* refno: the reference numbers printed on receipts and read aloud.
 *
 * Format "PP-SSSS-C": a 2-character device prefix from configuration, a
 * 4-character per-device sequence (base 23, most significant first) and one
 * check character. Every character comes from a 23-symbol alphabet without
 * look-alikes: 0 1 2 5 8 B G I L O S V Z are left out (0/O, 1/I/L, 2/Z, 5/S,
 * 8/B, 6/G, U/V are the pairs people confuse on paper and aloud). The check is a weighted sum modulo the prime 23 with
 * distinct non-zero weights per position, so every single-character error and
 * every transposition of two characters (adjacent or not) changes the sum and
 * is caught. Hyphens are presentation only: input may omit them, use spaces,
 * or be lower case. The sequence is owned by the outbox (monotonic per device);
 * this module is pure functions and holds no state. */
#ifndef KIOSK_NET_REFNO_H
#define KIOSK_NET_REFNO_H

#include <stdint.h>

#include "core/kerr.h"

#define REFNO_ALPHABET "34679ACDEFHJKMNPQRTUWXY"
#define REFNO_RADIX 23
#define REFNO_PREFIX_LEN 2
#define REFNO_SEQ_LEN 4
/* Number of distinct sequences: 23^4. Valid sequences are 0 .. SEQ_COUNT-1. */
#define REFNO_SEQ_COUNT 279841u
/* Canonical text length ("JC-7K4M-X") and buffer size including the NUL. */
#define REFNO_LEN 9
#define REFNO_BUF 10

/* Value 0..22 of an alphabet character (lower case accepted), or -1. */
int refno_char_value(char c);

/* Checks a device prefix: exactly 2 alphabet characters, upper case.
 * KERR_INVALID otherwise. */
kerr refno_check_prefix(const char *prefix);

/* Writes the canonical reference for (prefix, seq) into out.
 * KERR_INVALID for a bad prefix, KERR_RANGE if seq >= REFNO_SEQ_COUNT. */
kerr refno_format(const char *prefix, uint32_t seq, char out[REFNO_BUF]);

/* Validates a reference as typed or read back (case, spaces and hyphens are
 * ignored) and writes its canonical form into out (may be NULL).
 * KERR_PARSE: wrong length or a character outside the alphabet;
 * KERR_INVALID: the check character does not match. */
kerr refno_normalize(const char *in, char out[REFNO_BUF]);

/* Splits a valid reference into its prefix (3-byte buffer) and sequence.
 * Either output may be NULL. Same errors as refno_normalize. */
kerr refno_parse(const char *in, char prefix[3], uint32_t *seq);

#endif
