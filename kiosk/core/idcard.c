/* idcard: see idcard.h. The input is folded into a fixed 18-byte buffer;
 * anything longer is refused before it is looked at further. */
#include "core/idcard.h"

#include <stdint.h>
#include <string.h>

#include "core/utf8.h"

static kerr fail(validate_note *note, validate_code code) {
  if (note) {
    note->code = code;
    note->message = validate_message(code);
  }
  return KERR_INVALID;
}

char idcard_check_char(const char *d) {
  static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char map[11] = {'1', '0', 'X', '9', '8', '7',
                               '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; i++) {
    if (d[i] < '0' || d[i] > '9')
      return 0;
    sum += (d[i] - '0') * w[i];
  }
  return map[sum % 11];
}

static int province_ok(int p) {
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) ||
         (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
         (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
         (p >= 81 && p <= 83);
}

static int num(const char *d, int n) {
  int v = 0;
  for (int i = 0; i < n; i++)
    v = v * 10 + (d[i] - '0');
  return v;
}

kerr idcard_parse(const char *s, size_t len, const validate_date *today,
                  idcard_info *out, validate_note *note) {
  char d[IDCARD_LEN + 1];
  size_t n = 0, i = 0;
  int bad_char = 0;
  if (len > VALIDATE_MAX_INPUT)
    return fail(note, VALIDATE_ID_LENGTH);
  while (i < len) {
    uint32_t u;
    size_t k = utf8_decode(s + i, len - i, &u);
    if (k == 0)
      return fail(note, VALIDATE_BAD_UTF8);
    i += k;
    long cp = (long)u;
    if (cp >= 0xFF10 && cp <= 0xFF19)
      cp = cp - 0xFF10 + '0';
    else if (cp == 0xFF38 || cp == 0xFF58 || cp == 'x')
      cp = 'X';
    if (cp == ' ' || cp == 0x3000 || cp == '\t')
      continue;
    if (!((cp >= '0' && cp <= '9') || cp == 'X'))
      bad_char = 1;
    if (n < IDCARD_LEN)
      d[n] = (char)cp;
    n++;
  }
  if (n == 0)
    return fail(note, VALIDATE_EMPTY);
  if (bad_char)
    return fail(note, VALIDATE_ID_CHARS);
  if (n != IDCARD_LEN)
    return fail(note, VALIDATE_ID_LENGTH);
  d[IDCARD_LEN] = '\0';
  for (int k = 0; k < 17; k++)
    if (d[k] == 'X')
      return fail(note, VALIDATE_ID_X_POSITION);
  validate_date birth = {num(d + 6, 4), num(d + 10, 2), num(d + 12, 2)};
  if (!validate_date_is_real(birth.year, birth.month, birth.day) ||
      birth.year < 1900)
    return fail(note, VALIDATE_ID_BIRTH);
  if (today && validate_date_cmp(&birth, today) > 0)
    return fail(note, VALIDATE_ID_FUTURE);
  if (d[0] < '1' || d[0] > '8' || !province_ok(num(d, 2)))
    return fail(note, VALIDATE_ID_REGION);
  if (idcard_check_char(d) != d[17])
    return fail(note, VALIDATE_ID_CHECK);
  if (out) {
    memcpy(out->number, d, sizeof d);
    out->birth = birth;
    out->male = (d[16] - '0') % 2;
    out->region = num(d, 6);
  }
  if (note) {
    note->code = VALIDATE_OK;
    note->message = validate_message(VALIDATE_OK);
  }
  return KERR_OK;
}

int idcard_age(const idcard_info *info, const validate_date *today) {
  return validate_date_age(&info->birth, today);
}
