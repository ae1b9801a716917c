/* utf8: strict decoding and validation. */
#include "check.h"
#include "core/utf8.h"

int main(void) {
  uint32_t cp;
  CHECK_INT(utf8_decode("A", 1, &cp), 1);
  CHECK_INT(cp, 'A');
  CHECK_INT(utf8_decode("\xE5\xBC\xA0", 3, &cp), 3); /* 张 */
  CHECK_INT(cp, 0x5F20);
  CHECK_INT(utf8_decode("\xF0\xA0\x80\x80", 4, &cp), 4); /* U+20000 */
  CHECK_INT(cp, 0x20000);
  CHECK_INT(utf8_decode("\xC0\x80", 2, &cp), 0);          /* overlong */
  CHECK_INT(utf8_decode("\xED\xA0\x80", 3, &cp), 0);      /* surrogate */
  CHECK_INT(utf8_decode("\xF4\x90\x80\x80", 4, &cp), 0);  /* > U+10FFFF */
  CHECK_INT(utf8_decode("\xE5\xBC", 2, &cp), 0);          /* truncated */
  CHECK(utf8_valid("低保 dibao", strlen("低保 dibao")));
  CHECK(!utf8_valid("\xFF", 1));
  CHECK_INT(utf8_count("低保ab", strlen("低保ab")), 4);
  CHECK_INT(utf8_last_len("a张", strlen("a张")), 3);
  CHECK_INT(utf8_last_len("", 0), 0);
  CHECK_INT(utf8_cut("a张b", 5, 5), 5);   /* fits */
  CHECK_INT(utf8_cut("a张b", 5, 4), 4);   /* cut after 张 */
  CHECK_INT(utf8_cut("a张b", 5, 3), 1);   /* not inside 张 */
  CHECK_INT(utf8_cut("a张b", 5, 1), 1);
  CHECK_INT(utf8_cut("张", 3, 2), 0);
  CHECK_INT(utf8_cut("ab", 2, 0), 0);
  char buf[4];
  for (uint32_t c = 1; c < 0x110000; c += 97) {
    size_t k = utf8_encode(c, buf);
    if (c >= 0xD800 && c <= 0xDFFF) {
      CHECK_INT(k, 0);
      continue;
    }
    uint32_t back;
    if (utf8_decode(buf, k, &back) != k || back != c)
      CHECK(0);
  }
  return TEST_DONE();
}
