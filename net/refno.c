/* refno: reference numbers "PP-SSSS-C" with a mod-23 weighted check.
 *
 * Positions 0..6 (prefix 2, sequence 4, check 1) carry weights 1..7. The
 * check character c makes sum(w_i * v_i) == 0 (mod 23). Because 23 is prime
 * and the weights are distinct and non-zero modulo 23:
 *   - a single changed character changes the sum by w_i * d, d != 0: caught;
 *   - swapping characters a != b at positions i, j changes it by
 *     (w_i - w_j) * (a - b) != 0: caught.
 * The alphabet has exactly 23 symbols, so every value has a character. */
#include "refno.h"

#include <ctype.h>
#include <string.h>

#define REFNO_RAW_LEN (REFNO_PREFIX_LEN + REFNO_SEQ_LEN + 1)

int refno_char_value(char c) {
  const char *p;
  char u = (char)toupper((unsigned char)c);

  if (u == '\0')
    return -1;
  p = strchr(REFNO_ALPHABET, u);
  return p ? (int)(p - REFNO_ALPHABET) : -1;
}

/* Weighted sum of the first n raw values, modulo 23. */
static int refno_sum(const int *v, int n) {
  int s = 0;

  for (int i = 0; i < n; i++)
    s = (s + (i + 1) * v[i]) % REFNO_RADIX;
  return s;
}

/* Check value c with sum + 7*c == 0 (mod 23). 7 * 10 == 70 == 1 (mod 23). */
static int refno_check_value(int sum) {
  return ((REFNO_RADIX - sum) % REFNO_RADIX) * 10 % REFNO_RADIX;
}

kerr refno_check_prefix(const char *prefix) {
  if (!prefix || strlen(prefix) != REFNO_PREFIX_LEN)
    return KERR_INVALID;
  for (int i = 0; i < REFNO_PREFIX_LEN; i++) {
    if (refno_char_value(prefix[i]) < 0 || islower((unsigned char)prefix[i]))
      return KERR_INVALID;
  }
  return KERR_OK;
}

kerr refno_format(const char *prefix, uint32_t seq, char out[REFNO_BUF]) {
  int v[REFNO_RAW_LEN];
  char raw[REFNO_RAW_LEN];

  if (refno_check_prefix(prefix) != KERR_OK)
    return KERR_INVALID;
  if (seq >= REFNO_SEQ_COUNT)
    return KERR_RANGE;
  for (int i = 0; i < REFNO_PREFIX_LEN; i++)
    v[i] = refno_char_value(prefix[i]);
  for (int i = REFNO_SEQ_LEN - 1; i >= 0; i--) {
    v[REFNO_PREFIX_LEN + i] = (int)(seq % REFNO_RADIX);
    seq /= REFNO_RADIX;
  }
  v[REFNO_RAW_LEN - 1] = refno_check_value(refno_sum(v, REFNO_RAW_LEN - 1));
  for (int i = 0; i < REFNO_RAW_LEN; i++)
    raw[i] = REFNO_ALPHABET[v[i]];
  out[0] = raw[0];
  out[1] = raw[1];
  out[2] = '-';
  memcpy(out + 3, raw + 2, REFNO_SEQ_LEN);
  out[7] = '-';
  out[8] = raw[6];
  out[9] = '\0';
  return KERR_OK;
}

/* Collects the 7 raw values of a typed reference; KERR_PARSE if malformed. */
static kerr refno_collect(const char *in, int v[REFNO_RAW_LEN]) {
  int n = 0;

  if (!in)
    return KERR_PARSE;
  /* Bounded scan: a reference is short; anything long is rejected. */
  for (size_t i = 0; in[i] != '\0'; i++) {
    char c = in[i];
    int val;

    if (i > 32)
      return KERR_PARSE;
    if (c == '-' || c == ' ')
      continue;
    val = refno_char_value(c);
    if (val < 0 || n == REFNO_RAW_LEN)
      return KERR_PARSE;
    v[n++] = val;
  }
  return n == REFNO_RAW_LEN ? KERR_OK : KERR_PARSE;
}

kerr refno_normalize(const char *in, char out[REFNO_BUF]) {
  int v[REFNO_RAW_LEN];
  kerr err = refno_collect(in, v);
  uint32_t seq = 0;
  char prefix[3];

  if (err)
    return err;
  if (refno_sum(v, REFNO_RAW_LEN) != 0)
    return KERR_INVALID;
  if (!out)
    return KERR_OK;
  prefix[0] = REFNO_ALPHABET[v[0]];
  prefix[1] = REFNO_ALPHABET[v[1]];
  prefix[2] = '\0';
  for (int i = 0; i < REFNO_SEQ_LEN; i++)
    seq = seq * REFNO_RADIX + (uint32_t)v[REFNO_PREFIX_LEN + i];
  return refno_format(prefix, seq, out);
}

kerr refno_parse(const char *in, char prefix[3], uint32_t *seq) {
  int v[REFNO_RAW_LEN];
  kerr err = refno_collect(in, v);
  uint32_t s = 0;

  if (err)
    return err;
  if (refno_sum(v, REFNO_RAW_LEN) != 0)
    return KERR_INVALID;
  if (prefix) {
    prefix[0] = REFNO_ALPHABET[v[0]];
    prefix[1] = REFNO_ALPHABET[v[1]];
    prefix[2] = '\0';
  }
  for (int i = 0; i < REFNO_SEQ_LEN; i++)
    s = s * REFNO_RADIX + (uint32_t)v[REFNO_PREFIX_LEN + i];
  if (seq)
    *seq = s;
  return KERR_OK;
}
