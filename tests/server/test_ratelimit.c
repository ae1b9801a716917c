/* ratelimit: bursts, refill, retry-after, per-key isolation, bounded table. */
#include <stdio.h>

#include "check.h"
#include "server/ratelimit.h"

int main(void) {
  ratelimit *rl = NULL;
  int retry = 0;
  CHECK(ratelimit_create(0, 5, 16, &rl) == KERR_INVALID);
  CHECK(ratelimit_create(1.0, 3, 16, &rl) == KERR_OK);

  /* Burst of 3, then refused with a retry-after of 1 s. */
  CHECK(ratelimit_take(rl, "a", 100.0, 1, &retry));
  CHECK(ratelimit_take(rl, "a", 100.0, 1, &retry));
  CHECK(ratelimit_take(rl, "a", 100.0, 1, &retry));
  CHECK(!ratelimit_take(rl, "a", 100.0, 1, &retry));
  CHECK_INT(retry, 1);
  /* Another key is unaffected. */
  CHECK(ratelimit_take(rl, "b", 100.0, 1, NULL));
  /* Refill: half a second is not enough, a second is. */
  CHECK(!ratelimit_take(rl, "a", 100.5, 1, NULL));
  CHECK(ratelimit_take(rl, "a", 101.0, 1, NULL));
  /* Refill never goes over the burst. */
  CHECK(ratelimit_take(rl, "a", 1000.0, 3, NULL));
  CHECK(!ratelimit_take(rl, "a", 1000.0, 1, &retry));
  /* cost 0 checks without taking. */
  CHECK(!ratelimit_take(rl, "a", 1000.0, 0, NULL));
  CHECK(ratelimit_take(rl, "b", 1000.0, 0, NULL));
  CHECK(ratelimit_take(rl, "b", 1000.0, 0, NULL));
  /* Time going backwards does not mint tokens. */
  CHECK(!ratelimit_take(rl, "a", 10.0, 1, NULL));
  ratelimit_destroy(rl);

  /* Slow refill: retry-after is the wait for one token. */
  CHECK(ratelimit_create(1.0 / 60, 1, 16, &rl) == KERR_OK);
  CHECK(ratelimit_take(rl, "k", 0.0, 1, NULL));
  CHECK(!ratelimit_take(rl, "k", 0.0, 1, &retry));
  CHECK(retry >= 59 && retry <= 60);
  ratelimit_destroy(rl);

  /* A full table forgets the least recently used keys, never crashes. */
  CHECK(ratelimit_create(0.001, 1, 8, &rl) == KERR_OK);
  char key[32];
  for (int i = 0; i < 10000; i++) {
    snprintf(key, sizeof key, "flood-%d", i);
    CHECK(ratelimit_take(rl, key, (double)i, 1, NULL));
  }
  /* Very long keys are cut, not overflowed. */
  char longkey[300];
  memset(longkey, 'x', sizeof longkey - 1);
  longkey[sizeof longkey - 1] = '\0';
  CHECK(ratelimit_take(rl, longkey, 1e6, 1, NULL));
  CHECK(!ratelimit_take(rl, longkey, 1e6, 1, NULL));
  ratelimit_destroy(rl);
  ratelimit_destroy(NULL);

  /* Failure backoff: 3 free failures, then 2 s doubling up to 10 s. */
  ratelimit_backoff *b;
  CHECK(ratelimit_backoff_create(3, 2, 10, 64, &b) == KERR_OK);
  CHECK(ratelimit_backoff_fail(b, "id|a", 0) == 0);
  CHECK(ratelimit_backoff_fail(b, "id|a", 0) == 0);
  CHECK(ratelimit_backoff_check(b, "id|a", 0, &retry));
  CHECK(ratelimit_backoff_fail(b, "id|a", 0) == 2);
  CHECK(!ratelimit_backoff_check(b, "id|a", 1, &retry));
  CHECK_INT(retry, 1);
  CHECK(ratelimit_backoff_check(b, "id|b", 1, NULL)); /* other key */
  CHECK(ratelimit_backoff_check(b, "id|a", 2, NULL));
  CHECK(ratelimit_backoff_fail(b, "id|a", 2) == 4);
  CHECK(ratelimit_backoff_fail(b, "id|a", 6) == 8);
  CHECK(ratelimit_backoff_fail(b, "id|a", 14) == 10); /* capped */
  CHECK(!ratelimit_backoff_check(b, "id|a", 23, &retry));
  CHECK_INT(retry, 1);
  /* Quiet for the longest delay: starts afresh. */
  CHECK(ratelimit_backoff_check(b, "id|a", 40, NULL));
  CHECK(ratelimit_backoff_fail(b, "id|a", 40) == 0);
  /* A success clears it. */
  ratelimit_backoff_fail(b, "id|a", 40);
  ratelimit_backoff_fail(b, "id|a", 40);
  CHECK(!ratelimit_backoff_check(b, "id|a", 40, NULL));
  ratelimit_backoff_clear(b, "id|a");
  CHECK(ratelimit_backoff_check(b, "id|a", 40, NULL));
  CHECK(ratelimit_backoff_fail(b, "id|a", 40) == 0);
  /* Flooding the table never crashes. */
  for (int i = 0; i < 10000; i++) {
    snprintf(key, sizeof key, "flood-%d", i);
    ratelimit_backoff_fail(b, key, (double)i);
  }
  ratelimit_backoff_destroy(b);
  b = NULL;
  CHECK(ratelimit_backoff_create(0, 1, 1, 8, &b) == KERR_INVALID);
  CHECK(ratelimit_backoff_create(1, 2, 1, 8, &b) == KERR_INVALID);
  CHECK(b == NULL);
  ratelimit_backoff_destroy(NULL);
  return TEST_DONE();
}
