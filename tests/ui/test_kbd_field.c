/* field: the text field's editing logic — whole UTF-8 characters, limits
 * counted in characters, the caret, and what each kind accepts. */
#include "check.h"
#include "widgets/field.h"

int main(void) {
  field f;

  /* Backspace removes whole characters, whatever their length. */
  field_init(&f, FIELD_NAME, 20);
  CHECK_INT(field_insert(&f, "张a三𠀋"), KERR_OK); /* 3-, 1-, 3-, 4-byte */
  CHECK_INT(field_chars(&f), 4);
  CHECK_INT(f.len, 11);
  CHECK(field_backspace(&f));
  CHECK_STR(field_text(&f), "张a三");
  CHECK(field_backspace(&f));
  CHECK(field_backspace(&f));
  CHECK_STR(field_text(&f), "张");
  CHECK(field_backspace(&f));
  CHECK_STR(field_text(&f), "");
  CHECK(!field_backspace(&f));
  CHECK_INT(f.caret, 0);

  /* The caret: insertion and deletion happen where it is. */
  field_insert(&f, "张三");
  field_caret_move(&f, -1);
  CHECK_INT(field_caret_index(&f), 1);
  field_insert(&f, "小");
  CHECK_STR(field_text(&f), "张小三");
  CHECK_INT(field_caret_index(&f), 2);
  field_caret_home(&f);
  CHECK(!field_backspace(&f));
  field_caret_move(&f, -1); /* stays at the start */
  CHECK_INT(f.caret, 0);
  field_caret_move(&f, 1);
  CHECK(field_backspace(&f));
  CHECK_STR(field_text(&f), "小三");
  field_caret_end(&f);
  field_caret_move(&f, 1); /* stays at the end */
  CHECK_INT(field_caret_index(&f), 2);
  field_caret_set(&f, 1);
  CHECK_INT(f.caret, 3);
  field_caret_set(&f, 99);
  CHECK_INT(f.caret, f.len);

  /* The limit counts characters, not bytes; what does not fit is cut. */
  field_init(&f, FIELD_NAME, 4);
  CHECK_INT(field_insert(&f, "欧阳"), KERR_OK);
  CHECK_INT(field_insert(&f, "娜娜娜"), KERR_LIMIT);
  CHECK_STR(field_text(&f), "欧阳娜娜");
  CHECK_INT(field_insert(&f, "a"), KERR_LIMIT);
  CHECK_INT(field_chars(&f), 4);
  /* Limits are clamped to what the buffer holds. */
  field_init(&f, FIELD_TEXT, 100000);
  CHECK_INT(f.max_chars, FIELD_CHARS_MAX);
  for (int i = 0; i < FIELD_CHARS_MAX; i++)
    CHECK_INT(field_insert(&f, "𠀋"), KERR_OK);
  CHECK_INT(field_insert(&f, "𠀋"), KERR_LIMIT);
  CHECK_INT(f.len, FIELD_CHARS_MAX * 4);
  field_init(&f, FIELD_TEXT, 0);
  CHECK_INT(f.max_chars, 1);

  /* Invalid UTF-8 (a cut character, an overlong form) is refused whole. */
  field_init(&f, FIELD_TEXT, 20);
  CHECK_INT(field_insert(&f, "ok\xE5\xBC"), KERR_INVALID);
  CHECK_INT(field_insert(&f, "\xC0\xAF"), KERR_INVALID);
  CHECK_STR(field_text(&f), "");
  /* Control characters and line breaks are skipped, the rest goes in. */
  CHECK_INT(field_insert(&f, "一\n二\t三\x7f"), KERR_INVALID);
  CHECK_STR(field_text(&f), "一二三");
  CHECK_INT(field_insert(&f, "\xE2\x80\xA8"), KERR_INVALID); /* U+2028 */
  CHECK_STR(field_text(&f), "一二三");

  /* The end of an ID number (6 characters): X only as the last one. */
  field_init(&f, FIELD_ID_NUMBER, 6);
  CHECK_INT(field_insert(&f, "X"), KERR_INVALID);
  CHECK_INT(field_insert(&f, "31002x"), KERR_OK);
  CHECK_STR(field_text(&f), "31002X");
  field_init(&f, FIELD_ID_NUMBER, 6);
  CHECK_INT(field_insert(&f, "3100X2"), KERR_INVALID);
  CHECK_STR(field_text(&f), "31002");
  /* ID number: digits, X (upper-cased) only as the 18th character. */
  field_init(&f, FIELD_ID_NUMBER, 18);
  CHECK_INT(field_insert(&f, "X"), KERR_INVALID);
  CHECK_STR(field_text(&f), "");
  CHECK_INT(field_insert(&f, "14050219500101103x"), KERR_OK);
  CHECK_STR(field_text(&f), "14050219500101103X");
  CHECK_INT(field_insert(&f, "1"), KERR_LIMIT);
  field_caret_set(&f, 5);
  CHECK(field_backspace(&f));
  CHECK_INT(field_insert(&f, "X"), KERR_INVALID); /* not last */
  CHECK_INT(field_insert(&f, "0"), KERR_OK);
  CHECK_STR(field_text(&f), "14050219500101103X");
  CHECK_INT(field_insert(&f, "甲"), KERR_INVALID);

  /* Money: one decimal point, at most two decimals. */
  field_init(&f, FIELD_MONEY, 9);
  CHECK_INT(field_insert(&f, "12.507"), KERR_INVALID);
  CHECK_STR(field_text(&f), "12.50");
  CHECK_INT(field_insert(&f, "."), KERR_INVALID);
  field_caret_home(&f);
  CHECK_INT(field_insert(&f, "3"), KERR_OK); /* before the point: fine */
  CHECK_STR(field_text(&f), "312.50");

  /* Phone and plain numbers: digits (a dash for landlines). */
  field_init(&f, FIELD_PHONE, 13);
  CHECK_INT(field_insert(&f, "0356-1234567"), KERR_OK);
  CHECK_INT(field_insert(&f, "a"), KERR_INVALID);
  field_init(&f, FIELD_NUMBER, 3);
  CHECK_INT(field_insert(&f, "1-2"), KERR_INVALID);
  CHECK_STR(field_text(&f), "12");

  /* Latin: letters, digits, spaces; no Chinese. */
  field_init(&f, FIELD_LATIN, 30);
  CHECK_INT(field_insert(&f, "Wang Xiao 8"), KERR_OK);
  CHECK_INT(field_insert(&f, "王"), KERR_INVALID);
  CHECK_STR(field_text(&f), "Wang Xiao 8");

  /* Clear and free wipe the text but keep the kind and the limit. */
  field_clear(&f);
  CHECK_INT(f.len, 0);
  CHECK_STR(field_text(&f), "");
  field_insert(&f, "abc");
  field_free(&f);
  CHECK_INT(f.len, 0);
  CHECK_INT(f.text[0], 0);
  CHECK_INT(f.text[1], 0);
  CHECK_INT(f.kind, FIELD_LATIN);
  CHECK_INT(f.max_chars, 30);

  /* Caret placement from a drawn layout. */
  field_layout lay = {.first = 2, .n = 3, .x = {100, 140, 180}};
  CHECK_INT(field_index_at(&lay, 90, 0), 2);
  CHECK_INT(field_index_at(&lay, 150, 0), 3);
  CHECK_INT(field_index_at(&lay, 500, 0), 4);
  /* Two lines: characters 2..4 on the first (ending at x 220), 5..6 and
   * the end on the second, from y 50. */
  field_layout two = {.first = 2, .n = 6, .split = 3, .y_split = 50,
                      .x_end1 = 220, .x = {100, 140, 180, 100, 140, 180}};
  CHECK_INT(field_index_at(&two, 145, 10), 3);
  CHECK_INT(field_index_at(&two, 215, 10), 5); /* the first line's end */
  CHECK_INT(field_index_at(&two, 90, 10), 2);
  CHECK_INT(field_index_at(&two, 95, 60), 5);
  CHECK_INT(field_index_at(&two, 145, 60), 6);
  CHECK_INT(field_index_at(&two, 500, 60), 7);
  lay.n = 0;
  CHECK_INT(field_index_at(&lay, 500, 0), 2);
  return TEST_DONE();
}
