/* validate: money, phone, dates, text lengths. */
#include <string.h>

#include "check.h"
#include "core/validate.h"

static const validate_date today = {2025, 7, 1};

static validate_code money(const char *s, int64_t *fen) {
  validate_note note = {VALIDATE_OK, ""};
  int64_t v = -1;
  kerr e = validate_money(s, strlen(s), 5000000 /* 50,000 yuan */, &v, &note);
  if (fen)
    *fen = v;
  CHECK(e == KERR_OK || e == KERR_INVALID);
  CHECK((e == KERR_OK) ==
        (note.code == VALIDATE_OK || note.code == VALIDATE_CONFIRM_LARGE));
  CHECK(note.message != NULL);
  return note.code;
}

static validate_code phone(const char *s, char out[12]) {
  validate_note note = {VALIDATE_OK, ""};
  kerr e = validate_phone(s, strlen(s), out, &note);
  CHECK((e == KERR_OK) == (note.code == VALIDATE_OK));
  return note.code;
}

static validate_code date(const char *s, unsigned flags, validate_date *d) {
  validate_note note = {VALIDATE_OK, ""};
  kerr e = validate_date_text(s, strlen(s), flags, &today, d, &note);
  CHECK((e == KERR_OK) == (note.code == VALIDATE_OK));
  return note.code;
}

static validate_code text(const char *s, size_t lo, size_t hi, size_t *n) {
  validate_note note = {VALIDATE_OK, ""};
  kerr e = validate_text(s, strlen(s), lo, hi, 0, n, &note);
  CHECK((e == KERR_OK) == (note.code == VALIDATE_OK));
  return note.code;
}

int main(void) {
  int64_t fen;
  char out[12];
  validate_date d;
  size_t n;

  /* Every code has a message; every non-OK message is Chinese, not empty. */
  for (int c = 1; c < VALIDATE_CODE_COUNT; c++)
    CHECK(strlen(validate_message((validate_code)c)) > 3);
  CHECK_STR(validate_message(VALIDATE_OK), "");
  CHECK_STR(validate_message((validate_code)999), "");

  /* Money. */
  CHECK_INT(money("1200", &fen), VALIDATE_OK);
  CHECK_INT(fen, 120000);
  CHECK_INT(money("1,200.50", &fen), VALIDATE_OK);
  CHECK_INT(fen, 120050);
  CHECK_INT(money("1200.5", &fen), VALIDATE_OK);
  CHECK_INT(fen, 120050);
  CHECK_INT(money("0", &fen), VALIDATE_OK);
  CHECK_INT(fen, 0);
  CHECK_INT(money("0.01", &fen), VALIDATE_OK);
  CHECK_INT(fen, 1);
  CHECK_INT(money(".5", &fen), VALIDATE_OK);
  CHECK_INT(fen, 50);
  CHECK_INT(money("１２００", &fen), VALIDATE_OK); /* full-width */
  CHECK_INT(fen, 120000);
  CHECK_INT(money("１，２００．５０", &fen), VALIDATE_OK);
  CHECK_INT(fen, 120050);
  CHECK_INT(money("￥1200元", &fen), VALIDATE_OK);
  CHECK_INT(fen, 120000);
  CHECK_INT(money(" 1200 元 ", &fen), VALIDATE_OK);
  CHECK_INT(fen, 120000);
  CHECK_INT(money("1,234,567", &fen), VALIDATE_CONFIRM_LARGE);
  CHECK_INT(fen, 123456700);
  CHECK_INT(money("-5", NULL), VALIDATE_MONEY_NEGATIVE);
  CHECK_INT(money("－5", NULL), VALIDATE_MONEY_NEGATIVE);
  CHECK_INT(money("1.234", NULL), VALIDATE_MONEY_DECIMALS);
  CHECK_INT(money("12,00", NULL), VALIDATE_MONEY_FORMAT);
  CHECK_INT(money("1200,000", NULL), VALIDATE_MONEY_FORMAT);
  CHECK_INT(money(",100", NULL), VALIDATE_MONEY_FORMAT);
  CHECK_INT(money("1.2.3", NULL), VALIDATE_MONEY_FORMAT);
  CHECK_INT(money("abc", NULL), VALIDATE_MONEY_FORMAT);
  CHECK_INT(money("一千", NULL), VALIDATE_MONEY_FORMAT);
  CHECK_INT(money(".", NULL), VALIDATE_MONEY_FORMAT);
  CHECK_INT(money("", NULL), VALIDATE_EMPTY);
  CHECK_INT(money("元", NULL), VALIDATE_MONEY_FORMAT);
  /* Large: accepted but flagged; absurd: refused. */
  CHECK_INT(money("50000", &fen), VALIDATE_OK);
  CHECK_INT(money("50000.01", &fen), VALIDATE_CONFIRM_LARGE);
  CHECK_INT(fen, 5000001);
  CHECK_INT(money("10000000000", &fen), VALIDATE_CONFIRM_LARGE);
  CHECK_INT(money("10000000000.01", NULL), VALIDATE_MONEY_TOO_LARGE);
  CHECK_INT(money("99999999999999999999999999", NULL),
            VALIDATE_MONEY_TOO_LARGE);

  /* Phone numbers. */
  CHECK_INT(phone("13800138000", out), VALIDATE_OK);
  CHECK_STR(out, "13800138000");
  CHECK_INT(phone("138 0013 8000", out), VALIDATE_OK);
  CHECK_STR(out, "13800138000");
  CHECK_INT(phone("138-0013-8000", out), VALIDATE_OK);
  CHECK_INT(phone("+86 19912345678", out), VALIDATE_OK);
  CHECK_STR(out, "19912345678");
  CHECK_INT(phone("8615912345678", out), VALIDATE_OK);
  CHECK_STR(out, "15912345678");
  CHECK_INT(phone("１３８００１３８０００", out), VALIDATE_OK);
  CHECK_STR(out, "13800138000");
  CHECK_INT(phone("12800138000", out), VALIDATE_PHONE_FORMAT);
  CHECK_INT(phone("23800138000", out), VALIDATE_PHONE_FORMAT);
  CHECK_INT(phone("1380013800", out), VALIDATE_PHONE_LENGTH);
  CHECK_INT(phone("138001380001", out), VALIDATE_PHONE_LENGTH);
  CHECK_INT(phone("0356-2566238", out), VALIDATE_PHONE_FORMAT);
  CHECK_INT(phone("0356-256623", out), VALIDATE_PHONE_LENGTH);
  CHECK_INT(phone("1380013800a", out), VALIDATE_PHONE_FORMAT);
  CHECK_INT(phone("", out), VALIDATE_EMPTY);

  /* Dates. */
  CHECK_INT(date("1965-03-08", VALIDATE_DATE_NO_FUTURE, &d), VALIDATE_OK);
  CHECK_INT(d.year, 1965);
  CHECK_INT(d.month, 3);
  CHECK_INT(d.day, 8);
  CHECK_INT(date("1965-3-8", 0, &d), VALIDATE_OK);
  CHECK_INT(date("1965/03/08", 0, &d), VALIDATE_OK);
  CHECK_INT(date("１９６５－０３－０８", 0, &d), VALIDATE_OK);
  CHECK_INT(d.day, 8);
  CHECK_INT(date("1965年3月8日", 0, &d), VALIDATE_OK);
  CHECK_INT(d.month, 3);
  CHECK_INT(date("2000-02-29", 0, &d), VALIDATE_OK);
  CHECK_INT(date("1900-02-29", 0, &d), VALIDATE_DATE_NOT_REAL);
  CHECK_INT(date("1990-02-30", 0, &d), VALIDATE_DATE_NOT_REAL);
  CHECK_INT(date("2024-02-29", 0, &d), VALIDATE_OK);
  CHECK_INT(date("2023-02-29", 0, &d), VALIDATE_DATE_NOT_REAL);
  CHECK_INT(date("2023-04-31", 0, &d), VALIDATE_DATE_NOT_REAL);
  CHECK_INT(date("2023-13-01", 0, &d), VALIDATE_DATE_NOT_REAL);
  CHECK_INT(date("2023-00-10", 0, &d), VALIDATE_DATE_NOT_REAL);
  CHECK_INT(date("1899-12-31", 0, &d), VALIDATE_DATE_TOO_OLD);
  CHECK_INT(date("19900101", 0, &d), VALIDATE_DATE_FORMAT);
  CHECK_INT(date("1990-01", 0, &d), VALIDATE_DATE_FORMAT);
  CHECK_INT(date("1990-01/02", 0, &d), VALIDATE_DATE_FORMAT);
  CHECK_INT(date("90-01-02", 0, &d), VALIDATE_DATE_FORMAT);
  CHECK_INT(date("yesterday", 0, &d), VALIDATE_DATE_FORMAT);
  CHECK_INT(date("", 0, &d), VALIDATE_EMPTY);
  CHECK_INT(date("2025-07-01", VALIDATE_DATE_NO_FUTURE, &d), VALIDATE_OK);
  CHECK_INT(date("2025-07-02", VALIDATE_DATE_NO_FUTURE, &d),
            VALIDATE_DATE_FUTURE);
  CHECK_INT(date("2025-07-02", VALIDATE_DATE_PAST_OK, &d), VALIDATE_OK);

  /* Age arithmetic, including 29 February birthdays. */
  {
    validate_date b = {2000, 2, 29}, t1 = {2025, 2, 28}, t2 = {2025, 3, 1};
    CHECK_INT(validate_date_age(&b, &t1), 24);
    CHECK_INT(validate_date_age(&b, &t2), 25);
  }

  /* Text: lengths count characters, not bytes. */
  CHECK_INT(text("王小明", 1, 3, &n), VALIDATE_OK);
  CHECK_INT(n, 3);
  CHECK_INT(text("王小明明", 1, 3, &n), VALIDATE_TOO_LONG);
  CHECK_INT(n, 4);
  CHECK_INT(text("abc", 1, 3, &n), VALIDATE_OK);
  CHECK_INT(text("😀😀", 1, 2, &n), VALIDATE_OK);
  CHECK_INT(n, 2);
  CHECK_INT(text("", 1, 3, &n), VALIDATE_EMPTY);
  CHECK_INT(text("　 ", 1, 3, &n), VALIDATE_EMPTY);
  CHECK_INT(text("", 0, 3, &n), VALIDATE_OK);
  CHECK_INT(text("王", 2, 3, &n), VALIDATE_TOO_SHORT);
  CHECK_INT(text("a\nb", 1, 9, &n), VALIDATE_BAD_CHAR);
  CHECK_INT(text("a\x01" "b", 1, 9, &n), VALIDATE_BAD_CHAR);
  CHECK_INT(text("a\xe2\x80\xae" "b", 1, 9, &n), VALIDATE_BAD_CHAR);
  CHECK_INT(text("\xc0\x80", 0, 9, &n), VALIDATE_BAD_UTF8);       /* overlong */
  CHECK_INT(text("\xed\xa0\x80", 0, 9, &n), VALIDATE_BAD_UTF8);   /* surrogate */
  CHECK_INT(text("\xf4\x90\x80\x80", 0, 9, &n), VALIDATE_BAD_UTF8);
  CHECK_INT(text("\xe7\x8e", 0, 9, &n), VALIDATE_BAD_UTF8);       /* truncated */
  {
    validate_note note;
    CHECK_INT(validate_text("a\nb", 3, 1, 9, 1, &n, &note), KERR_OK);
  }
  return TEST_DONE();
}
