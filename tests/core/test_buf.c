/* buf: the cap holds for every way of adding, bytes and the NUL stay
 * right across growth, and take/free/reset leave an empty buffer. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/buf.h"

int main(void) {
  struct buf b;

  /* Empty: nothing allocated, "" readable. */
  buf_init(&b, 10);
  CHECK_STR(buf_ptr(&b), "");
  CHECK_INT(buf_len(&b), 0);
  CHECK(b.p == NULL);

  /* Up to the cap exactly, then one byte more is refused, unchanged. */
  CHECK_INT(buf_add(&b, "abc", 3), KERR_OK);
  CHECK_INT(buf_add_str(&b, "defg"), KERR_OK);
  CHECK_INT(buf_printf(&b, "%d%s", 12, "3"), KERR_OK);
  CHECK_INT(buf_len(&b), 10);
  CHECK_STR(buf_ptr(&b), "abcdefg123");
  CHECK(b.alloc <= 11);
  CHECK_INT(buf_add(&b, "x", 1), KERR_LIMIT);
  CHECK_INT(buf_add_str(&b, "x"), KERR_LIMIT);
  CHECK_INT(buf_printf(&b, "%s", "x"), KERR_LIMIT);
  CHECK_INT(buf_add(&b, "", 0), KERR_OK);
  CHECK_STR(buf_ptr(&b), "abcdefg123");

  /* Reset keeps the memory and empties; free releases it. */
  buf_reset(&b);
  CHECK_INT(buf_len(&b), 0);
  CHECK_STR(buf_ptr(&b), "");
  CHECK(b.p != NULL);
  buf_free(&b);
  CHECK(b.p == NULL);
  CHECK_INT(b.max, 10);
  CHECK_INT(buf_add_str(&b, "again"), KERR_OK);
  CHECK_STR(buf_ptr(&b), "again");
  buf_free(&b);

  /* A refused append across the cap adds none of its bytes. */
  buf_init(&b, 4);
  CHECK_INT(buf_add(&b, "12", 2), KERR_OK);
  CHECK_INT(buf_add(&b, "345", 3), KERR_LIMIT);
  CHECK_INT(buf_printf(&b, "%05d", 7), KERR_LIMIT);
  CHECK_STR(buf_ptr(&b), "12");
  CHECK_INT(buf_add(&b, "34", 2), KERR_OK);
  CHECK_STR(buf_ptr(&b), "1234");
  buf_free(&b);

  /* Growth over many blocks keeps every byte (binary, NULs included). */
  enum { BIG = 100000 };
  buf_init(&b, BIG);
  for (size_t i = 0; i < BIG; i++) {
    unsigned char c = (unsigned char)(i * 7);
    if (buf_add(&b, &c, 1) != KERR_OK) {
      CHECK(0);
      break;
    }
  }
  CHECK_INT(buf_len(&b), BIG);
  CHECK(b.alloc <= BIG + 1);
  CHECK_INT(buf_ptr(&b)[BIG], 0);
  int same = 1;
  for (size_t i = 0; i < BIG; i++)
    if ((unsigned char)buf_ptr(&b)[i] != (unsigned char)(i * 7))
      same = 0;
  CHECK(same);
  CHECK_INT(buf_add(&b, "x", 1), KERR_LIMIT);

  /* Take hands the bytes out and leaves b empty and usable. */
  size_t n = 0;
  char *t = buf_take(&b, &n);
  CHECK(t != NULL);
  CHECK_INT(n, BIG);
  CHECK(b.p == NULL);
  CHECK_INT(buf_len(&b), 0);
  free(t);
  t = buf_take(&b, &n);
  CHECK(t != NULL && t[0] == '\0');
  CHECK_INT(n, 0);
  free(t);

  /* A cap of zero holds only the empty string. */
  buf_init(&b, 0);
  CHECK_INT(buf_add(&b, "", 0), KERR_OK);
  CHECK_INT(buf_add(&b, "a", 1), KERR_LIMIT);
  CHECK_STR(buf_ptr(&b), "");
  buf_free(&b);
  return TEST_DONE();
}
