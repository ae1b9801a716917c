/* validate: see validate.h.
 *
 * Every single-value validator first folds its input into a small ASCII
 * buffer (full-width digits and punctuation to ASCII, spaces dropped where
 * they carry no meaning), then parses that buffer strictly. The fold is
 * bounded by VALIDATE_MAX_INPUT, so no input can make a validator allocate or
 * loop for long. */
#include "core/validate.h"

#include <stdint.h>
#include <string.h>

#include "core/calendar.h"
#include "core/utf8.h"

static const char *const messages[VALIDATE_CODE_COUNT] = {
    [VALIDATE_OK] = "",
    [VALIDATE_EMPTY] = "这一项还没有填写，请填写后再继续。",
    [VALIDATE_TOO_LONG] = "填写的字数太多了，请删掉一些。",
    [VALIDATE_TOO_SHORT] = "填写的内容太短了，请补充完整。",
    [VALIDATE_BAD_UTF8] = "填写的内容里有无法识别的字符，请删掉后重新填写。",
    [VALIDATE_BAD_CHAR] = "填写的内容里有不能使用的符号，请删掉后重新填写。",
    [VALIDATE_MONEY_FORMAT] = "请只填写数字金额，例如 1200 或 1200.50。",
    [VALIDATE_MONEY_NEGATIVE] = "金额不能是负数。没有收入请填 0。",
    [VALIDATE_MONEY_DECIMALS] = "金额最多写到角和分，小数点后最多两位。",
    [VALIDATE_MONEY_TOO_LARGE] = "这个金额太大了，请检查是不是多写了数字。",
    [VALIDATE_CONFIRM_LARGE] = "这个金额比较大，请再看一下是否填写正确。正确的话请确认。",
    [VALIDATE_DATE_FORMAT] = "请按“年-月-日”填写日期，例如 1965-03-08。",
    [VALIDATE_DATE_NOT_REAL] = "这个日期不存在，请检查月份和日子。",
    [VALIDATE_DATE_FUTURE] = "这个日期还没有到，请填写今天或以前的日期。",
    [VALIDATE_DATE_TOO_OLD] = "这个日期太早了，请检查年份。",
    [VALIDATE_PHONE_LENGTH] = "手机号码应该是 11 位数字，请检查是否多写或少写。",
    [VALIDATE_PHONE_FORMAT] = "手机号码应该以 13 到 19 开头，请检查后重新填写。",
    [VALIDATE_ID_LENGTH] = "身份证号码应该是 18 位，请检查是否多写或少写。",
    [VALIDATE_ID_CHARS] = "身份证号码只能是数字，最后一位可能是 X，请检查。",
    [VALIDATE_ID_X_POSITION] = "身份证号码里的 X 只能在最后一位，请检查。",
    [VALIDATE_ID_REGION] = "身份证号码的前几位不对，请对照身份证重新填写。",
    [VALIDATE_ID_BIRTH] = "身份证号码里的出生日期不对，请对照身份证检查第 7 到 14 位。",
    [VALIDATE_ID_FUTURE] = "身份证号码里的出生日期还没有到，请对照身份证检查第 7 到 14 位。",
    [VALIDATE_ID_CHECK] = "身份证号码有一位填错了，请对照身份证逐位检查。",
};

const char *validate_message(validate_code code) {
  if ((int)code < 0 || code >= VALIDATE_CODE_COUNT || !messages[code])
    return "";
  return messages[code];
}

static kerr fail(validate_note *note, validate_code code) {
  if (note) {
    note->code = code;
    note->message = validate_message(code);
  }
  return KERR_INVALID;
}

static kerr pass(validate_note *note, validate_code code) {
  if (note) {
    note->code = code;
    note->message = validate_message(code);
  }
  return KERR_OK;
}

/* ---- dates ------------------------------------------------------------ */

int validate_date_is_real(int year, int month, int day) {
  return year >= 1 && year <= 9999 && calendar_date_valid(year, month, day);
}

int validate_date_cmp(const validate_date *a, const validate_date *b) {
  if (a->year != b->year)
    return a->year < b->year ? -1 : 1;
  if (a->month != b->month)
    return a->month < b->month ? -1 : 1;
  if (a->day != b->day)
    return a->day < b->day ? -1 : 1;
  return 0;
}

int validate_date_age(const validate_date *birth, const validate_date *today) {
  int age = today->year - birth->year;
  if (today->month < birth->month ||
      (today->month == birth->month && today->day < birth->day))
    age--;
  return age;
}

/* Folds input to ASCII for the number-like validators: full-width forms
 * U+FF01..U+FF5E to ASCII, ideographic space to space, the characters in
 * `keep` (a few CJK code points, e.g. 元 年 月 日) to the given ASCII stand-
 * ins. Spaces are dropped. Returns the folded length, or -1 on malformed
 * UTF-8, -2 on a character that cannot be folded, -3 if too long. */
struct fold_map {
  long cp;
  char to;
};

static int fold_ascii(const char *s, size_t len, const struct fold_map *map,
                      char *out, size_t cap) {
  size_t i = 0, n = 0;
  while (i < len) {
    uint32_t u;
    size_t k = utf8_decode(s + i, len - i, &u);
    if (k == 0)
      return -1;
    i += k;
    long cp = (long)u;
    if (cp >= 0xFF01 && cp <= 0xFF5E)
      cp = cp - 0xFF01 + 0x21;
    if (cp == 0x3000 || cp == ' ' || cp == '\t')
      continue;
    char c = 0;
    if (cp > 0x20 && cp < 0x7F) {
      c = (char)cp;
    } else {
      for (const struct fold_map *m = map; m && m->cp; m++)
        if (m->cp == cp)
          c = m->to;
      if (!c)
        return -2;
    }
    if (n + 1 >= cap)
      return -3;
    out[n++] = c;
  }
  out[n] = '\0';
  return (int)n;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

kerr validate_date_text(const char *s, size_t len, unsigned flags,
                        const validate_date *today, validate_date *out,
                        validate_note *note) {
  static const struct fold_map map[] = {
      {0x5E74, '-'}, /* 年 */
      {0x6708, '-'}, /* 月 */
      {0x65E5, 'D'}, /* 日 */
      {0x53F7, 'D'}, /* 号 */
      {0, 0}};
  char buf[64];
  if (len == 0)
    return fail(note, VALIDATE_EMPTY);
  if (len > VALIDATE_MAX_INPUT)
    return fail(note, VALIDATE_DATE_FORMAT);
  int n = fold_ascii(s, len, map, buf, sizeof buf);
  if (n == -1)
    return fail(note, VALIDATE_BAD_UTF8);
  if (n < 0)
    return fail(note, VALIDATE_DATE_FORMAT);
  if (n == 0)
    return fail(note, VALIDATE_EMPTY);
  if (buf[n - 1] == 'D')
    buf[--n] = '\0';
  int part[3] = {0, 0, 0}, digits[3] = {0, 0, 0}, k = 0;
  char sep = 0;
  for (int i = 0; i < n; i++) {
    char c = buf[i];
    if (is_digit(c)) {
      if (++digits[k] > 4)
        return fail(note, VALIDATE_DATE_FORMAT);
      part[k] = part[k] * 10 + (c - '0');
    } else if ((c == '-' || c == '/' || c == '.') && k < 2 &&
               (sep == 0 || sep == c)) {
      sep = c;
      k++;
    } else {
      return fail(note, VALIDATE_DATE_FORMAT);
    }
  }
  if (k != 2 || digits[0] != 4 || digits[1] < 1 || digits[1] > 2 ||
      digits[2] < 1 || digits[2] > 2)
    return fail(note, VALIDATE_DATE_FORMAT);
  if (!validate_date_is_real(part[0], part[1], part[2]))
    return fail(note, VALIDATE_DATE_NOT_REAL);
  validate_date d = {part[0], part[1], part[2]};
  if (d.year < 1900)
    return fail(note, VALIDATE_DATE_TOO_OLD);
  if ((flags & VALIDATE_DATE_NO_FUTURE) && today &&
      validate_date_cmp(&d, today) > 0)
    return fail(note, VALIDATE_DATE_FUTURE);
  if (out)
    *out = d;
  return pass(note, VALIDATE_OK);
}

/* ---- money -------------------------------------------------------------- */

#define MONEY_MAX_FEN 1000000000000LL /* 10^10 yuan */

kerr validate_money(const char *s, size_t len, int64_t confirm_above_fen,
                    int64_t *fen, validate_note *note) {
  static const struct fold_map map[] = {
      {0x5143, 'Y'}, /* 元 */
      {0x00A5, '$'}, /* ¥ */
      {0xFFE5, '$'}, /* ￥ (not in the FF01..FF5E block) */
      {0x3001, ','}, /* 、 is sometimes typed for a comma */
      {0, 0}};
  char buf[64];
  if (len == 0)
    return fail(note, VALIDATE_EMPTY);
  if (len > VALIDATE_MAX_INPUT)
    return fail(note, VALIDATE_MONEY_TOO_LARGE);
  int n = fold_ascii(s, len, map, buf, sizeof buf);
  if (n == -1)
    return fail(note, VALIDATE_BAD_UTF8);
  if (n == -3)
    return fail(note, VALIDATE_MONEY_TOO_LARGE);
  if (n < 0)
    return fail(note, VALIDATE_MONEY_FORMAT);
  int b = 0, e = n;
  if (b < e && buf[b] == '$')
    b++;
  if (e > b && buf[e - 1] == 'Y')
    e--;
  if (b == e)
    return fail(note, n == 0 ? VALIDATE_EMPTY : VALIDATE_MONEY_FORMAT);
  if (buf[b] == '-')
    return fail(note, VALIDATE_MONEY_NEGATIVE);
  if (buf[b] == '+')
    b++;
  int64_t yuan = 0, frac = 0;
  int int_digits = 0, group = -1, frac_digits = 0, seen_point = 0;
  for (int i = b; i < e; i++) {
    char c = buf[i];
    if (is_digit(c)) {
      if (seen_point) {
        if (++frac_digits > 2)
          return fail(note, VALIDATE_MONEY_DECIMALS);
        frac = frac * 10 + (c - '0');
      } else {
        if (yuan > MONEY_MAX_FEN / 100)
          return fail(note, VALIDATE_MONEY_TOO_LARGE);
        yuan = yuan * 10 + (c - '0');
        int_digits++;
        if (group >= 0)
          group++;
      }
    } else if (c == ',' && !seen_point) {
      /* Thousands separators: first group 1-3 digits, then groups of 3. */
      if (int_digits == 0 || (group < 0 && int_digits > 3) ||
          (group >= 0 && group != 3))
        return fail(note, VALIDATE_MONEY_FORMAT);
      group = 0;
    } else if (c == '.' && !seen_point) {
      if (group >= 0 && group != 3)
        return fail(note, VALIDATE_MONEY_FORMAT);
      seen_point = 1;
    } else {
      return fail(note, VALIDATE_MONEY_FORMAT);
    }
  }
  if (group >= 0 && group != 3)
    return fail(note, VALIDATE_MONEY_FORMAT);
  if (int_digits == 0 && frac_digits == 0)
    return fail(note, VALIDATE_MONEY_FORMAT);
  if (frac_digits == 1)
    frac *= 10;
  int64_t v = yuan * 100 + frac;
  if (v > MONEY_MAX_FEN)
    return fail(note, VALIDATE_MONEY_TOO_LARGE);
  if (fen)
    *fen = v;
  if (confirm_above_fen > 0 && v > confirm_above_fen)
    return pass(note, VALIDATE_CONFIRM_LARGE);
  return pass(note, VALIDATE_OK);
}

/* ---- phone -------------------------------------------------------------- */

kerr validate_phone(const char *s, size_t len, char out[12],
                    validate_note *note) {
  char buf[64], d[64];
  if (len == 0)
    return fail(note, VALIDATE_EMPTY);
  if (len > VALIDATE_MAX_INPUT)
    return fail(note, VALIDATE_PHONE_LENGTH);
  int n = fold_ascii(s, len, NULL, buf, sizeof buf);
  if (n == -1)
    return fail(note, VALIDATE_BAD_UTF8);
  if (n == -3)
    return fail(note, VALIDATE_PHONE_LENGTH);
  if (n < 0)
    return fail(note, VALIDATE_PHONE_FORMAT);
  int k = 0, i = 0;
  if (n > 0 && buf[0] == '+') {
    if (n < 3 || buf[1] != '8' || buf[2] != '6')
      return fail(note, VALIDATE_PHONE_FORMAT);
    i = 3;
  }
  for (; i < n; i++) {
    if (is_digit(buf[i]))
      d[k++] = buf[i];
    else if (buf[i] != '-')
      return fail(note, VALIDATE_PHONE_FORMAT);
  }
  if (k == 0)
    return fail(note, VALIDATE_EMPTY);
  const char *p = d;
  if (k == 13 && d[0] == '8' && d[1] == '6') {
    p += 2;
    k -= 2;
  }
  if (k != 11)
    return fail(note, VALIDATE_PHONE_LENGTH);
  if (p[0] != '1' || p[1] < '3' || p[1] > '9')
    return fail(note, VALIDATE_PHONE_FORMAT);
  if (out) {
    memcpy(out, p, 11);
    out[11] = '\0';
  }
  return pass(note, VALIDATE_OK);
}

/* ---- free text ---------------------------------------------------------- */

kerr validate_text(const char *s, size_t len, size_t min_chars,
                   size_t max_chars, int multiline, size_t *nchars,
                   validate_note *note) {
  size_t i = 0, count = 0, visible = 0;
  while (i < len) {
    uint32_t u;
    size_t k = utf8_decode(s + i, len - i, &u);
    if (k == 0)
      return fail(note, VALIDATE_BAD_UTF8);
    i += k;
    long cp = (long)u;
    if (cp == '\n' || cp == '\t' || cp == '\r') {
      if (!multiline)
        return fail(note, VALIDATE_BAD_CHAR);
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
               cp == 0xFEFF || (cp >= 0x202A && cp <= 0x202E) ||
               (cp >= 0x2066 && cp <= 0x2069)) {
      /* C0/C1 controls, BOM, bidi overrides: invisible and abusable. */
      return fail(note, VALIDATE_BAD_CHAR);
    } else if (cp != ' ' && cp != 0x3000) {
      visible++;
    }
    count++;
  }
  if (nchars)
    *nchars = count;
  if (visible == 0 && min_chars > 0)
    return fail(note, VALIDATE_EMPTY);
  if (count > max_chars)
    return fail(note, VALIDATE_TOO_LONG);
  if (count < min_chars)
    return fail(note, VALIDATE_TOO_SHORT);
  return pass(note, VALIDATE_OK);
}
