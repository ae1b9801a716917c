/* ratelimit: token buckets keyed by a short string (a device id, a client
 * address), in a fixed amount of memory.
 *
 * Each key has a bucket of `burst` tokens refilled at `rate` tokens per
 * second. The table has a fixed number of slots arranged in small sets; when
 * a set is full the least recently touched key in it is forgotten (a
 * forgotten key starts again with a full bucket, so an attacker gains at
 * most one burst by flooding the table with other keys). Thread-safe.
 * Time is passed in by the caller (seconds, monotonic), so tests control it. */
#ifndef SERVER_RATELIMIT_H
#define SERVER_RATELIMIT_H

#include <stddef.h>

#include "kiosk/core/kerr.h"

typedef struct ratelimit ratelimit;

/* Creates a limiter holding up to `slots` keys (rounded up to a multiple of
 * the set size). rate > 0, burst >= 1. The caller owns *out. */
kerr ratelimit_create(double rate, double burst, size_t slots,
                      ratelimit **out);

/* Frees the limiter; NULL is fine. */
void ratelimit_destroy(ratelimit *rl);

/* Takes `cost` tokens from key's bucket at time now. Returns 1 if allowed,
 * 0 if not (then *retry_after, if not NULL, is the whole number of seconds,
 * >= 1, until `cost` tokens are available again). Keys longer than 63 bytes
 * are cut. cost 0 only checks that at least one token is there. */
int ratelimit_take(ratelimit *rl, const char *key, double now, double cost,
                   int *retry_after);

/* Failure backoff: after `free_failures` consecutive failures of a key,
 * every further failure blocks the key for first_delay, then twice that,
 * and so on up to max_delay (seconds). A key with no failure for max_delay
 * seconds starts afresh. Same fixed-size table and thread safety as above;
 * a key forgotten because its set overflowed also starts afresh. */
typedef struct ratelimit_backoff ratelimit_backoff;

/* free_failures >= 1, 0 < first_delay <= max_delay. The caller owns *out. */
kerr ratelimit_backoff_create(int free_failures, double first_delay,
                              double max_delay, size_t slots,
                              ratelimit_backoff **out);

/* Frees it; NULL is fine. */
void ratelimit_backoff_destroy(ratelimit_backoff *b);

/* 1 if key may try at time now; 0 if it is blocked, and then *retry_after
 * (if not NULL) is the whole number of seconds (>= 1) until it may. */
int ratelimit_backoff_check(ratelimit_backoff *b, const char *key, double now,
                            int *retry_after);

/* Records a failure of key at now. Returns the number of seconds the key is
 * now blocked for (0 while it is within its free failures). */
double ratelimit_backoff_fail(ratelimit_backoff *b, const char *key,
                              double now);

/* Forgets key's failures (after a success). */
void ratelimit_backoff_clear(ratelimit_backoff *b, const char *key);

#endif
