/* kerr: every code has a distinct, non-empty message. */
#include "check.h"
#include "core/kerr.h"

int main(void) {
  for (int i = KERR_OK; i <= KERR_INTERNAL; i++) {
    CHECK(kerr_str((kerr)i)[0] != '\0');
    for (int j = KERR_OK; j < i; j++)
      CHECK(strcmp(kerr_str((kerr)i), kerr_str((kerr)j)) != 0);
  }
  CHECK_STR(kerr_str((kerr)999), "unknown error");
  return TEST_DONE();
}
