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
  return TEST_DONE();
}
