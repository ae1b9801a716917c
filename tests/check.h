/* Minimal test harness shared by every test program.
 *
 * CHECK(cond) records a failure with file and line and goes on; the program
 * ends with TEST_DONE(), which prints "N passed, N failed" and returns the
 * exit status. Keep tests as plain C so they run under ASan and valgrind. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed_;
static int check_failed_;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (cond) {                                                            \
      check_passed_++;                                                     \
    } else {                                                               \
      check_failed_++;                                                     \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,     \
              #cond);                                                      \
    }                                                                      \
  } while (0)

#define CHECK_INT(a, b)                                                    \
  do {                                                                     \
    long long a_ = (long long)(a), b_ = (long long)(b);                    \
    if (a_ == b_) {                                                        \
      check_passed_++;                                                     \
    } else {                                                               \
      check_failed_++;                                                     \
      fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n",          \
              __FILE__, __LINE__, #a, a_, #b, b_);                         \
    }                                                                      \
  } while (0)

#define CHECK_STR(a, b)                                                    \
  do {                                                                     \
    const char *a_ = (a), *b_ = (b);                                       \
    if (a_ && b_ && strcmp(a_, b_) == 0) {                                 \
      check_passed_++;                                                     \
    } else {                                                               \
      check_failed_++;                                                     \
      fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, \
              __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");      \
    }                                                                      \
  } while (0)

#define TEST_DONE()                                                        \
  (printf("%d passed, %d failed\n", check_passed_, check_failed_),         \
   check_failed_ ? 1 : 0)

#endif
