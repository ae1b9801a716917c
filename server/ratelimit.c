/* ratelimit: see ratelimit.h. Set-associative table: a key hashes to one set
 * of WAYS slots; lookup and eviction touch only that set, so every call is
 * O(WAYS) under one mutex. */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { WAYS = 8, KEY_MAX = 63 };

typedef struct slot {
  char key[KEY_MAX + 1];
  double tokens;
  double updated;
  int used;
} slot;

struct ratelimit {
  double rate;
  double burst;
  size_t n_sets;
  slot *slots;
  pthread_mutex_t lock;
};

kerr ratelimit_create(double rate, double burst, size_t slots,
                      ratelimit **out) {
  if (!(rate > 0) || !(burst >= 1) || slots == 0)
    return KERR_INVALID;
  ratelimit *rl = calloc(1, sizeof *rl);
  if (!rl)
    return KERR_NOMEM;
  rl->rate = rate;
  rl->burst = burst;
  rl->n_sets = (slots + WAYS - 1) / WAYS;
  rl->slots = calloc(rl->n_sets * WAYS, sizeof *rl->slots);
  if (!rl->slots) {
    free(rl);
    return KERR_NOMEM;
  }
  pthread_mutex_init(&rl->lock, NULL);
  *out = rl;
  return KERR_OK;
}

void ratelimit_destroy(ratelimit *rl) {
  if (!rl)
    return;
  pthread_mutex_destroy(&rl->lock);
  free(rl->slots);
  free(rl);
}

/* FNV-1a: the table is not exposed to hash flooding beyond one set being
 * churned, which only hurts the flooder's own keys. */
static size_t key_hash(const char *k, size_t n) {
  unsigned long long h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)k[i];
    h *= 1099511628211ULL;
  }
  return (size_t)h;
}

int ratelimit_take(ratelimit *rl, const char *key, double now, double cost,
                   int *retry_after) {
  size_t n = strnlen(key, KEY_MAX);
  size_t set = key_hash(key, n) % rl->n_sets;
  slot *s = rl->slots + set * WAYS;
  slot *hit = NULL, *victim = s;
  int ok;
  pthread_mutex_lock(&rl->lock);
  for (int i = 0; i < WAYS; i++) {
    if (s[i].used && strncmp(s[i].key, key, n) == 0 && s[i].key[n] == '\0') {
      hit = &s[i];
      break;
    }
    if (!s[i].used)
      victim = &s[i];
    else if (victim->used && s[i].updated < victim->updated)
      victim = &s[i];
  }
  if (!hit) {
    hit = victim;
    memcpy(hit->key, key, n);
    hit->key[n] = '\0';
    hit->used = 1;
    hit->tokens = rl->burst;
    hit->updated = now;
  }
  if (now > hit->updated) {
    hit->tokens += (now - hit->updated) * rl->rate;
    if (hit->tokens > rl->burst)
      hit->tokens = rl->burst;
  }
  hit->updated = now > hit->updated ? now : hit->updated;
  double need = cost > 0 ? cost : 1;
  ok = hit->tokens >= need;
  if (ok) {
    hit->tokens -= cost;
  } else if (retry_after) {
    double wait = ceil((need - hit->tokens) / rl->rate);
    *retry_after = wait < 1 ? 1 : wait > 86400 ? 86400 : (int)wait;
  }
  pthread_mutex_unlock(&rl->lock);
  return ok;
}

/* ---- failure backoff ---- */

typedef struct bslot {
  char key[KEY_MAX + 1];
  int failures;
  double last;          /* time of the last failure */
  double blocked_until;
  int used;
} bslot;

struct ratelimit_backoff {
  int free_failures;
  double first, max;
  size_t n_sets;
  bslot *slots;
  pthread_mutex_t lock;
};

kerr ratelimit_backoff_create(int free_failures, double first_delay,
                              double max_delay, size_t slots,
                              ratelimit_backoff **out) {
  if (free_failures < 1 || !(first_delay > 0) || !(max_delay >= first_delay) ||
      slots == 0)
    return KERR_INVALID;
  ratelimit_backoff *b = calloc(1, sizeof *b);
  if (!b)
    return KERR_NOMEM;
  b->free_failures = free_failures;
  b->first = first_delay;
  b->max = max_delay;
  b->n_sets = (slots + WAYS - 1) / WAYS;
  b->slots = calloc(b->n_sets * WAYS, sizeof *b->slots);
  if (!b->slots) {
    free(b);
    return KERR_NOMEM;
  }
  pthread_mutex_init(&b->lock, NULL);
  *out = b;
  return KERR_OK;
}

void ratelimit_backoff_destroy(ratelimit_backoff *b) {
  if (!b)
    return;
  pthread_mutex_destroy(&b->lock);
  free(b->slots);
  free(b);
}

/* The key's slot, or NULL if absent and !create (then a free or the least
 * recently failed slot of its set is taken). Caller holds the lock. Stale
 * entries (quiet for max seconds) are reset. */
static bslot *bslot_find(ratelimit_backoff *b, const char *key, double now,
                         int create) {
  size_t n = strnlen(key, KEY_MAX);
  bslot *s = b->slots + (key_hash(key, n) % b->n_sets) * WAYS;
  bslot *hit = NULL, *victim = s;
  for (int i = 0; i < WAYS; i++) {
    if (s[i].used && strncmp(s[i].key, key, n) == 0 && s[i].key[n] == '\0') {
      hit = &s[i];
      break;
    }
    if (!s[i].used)
      victim = &s[i];
    else if (victim->used && s[i].last < victim->last)
      victim = &s[i];
  }
  if (hit && now - hit->last >= b->max && now >= hit->blocked_until) {
    hit->failures = 0;
    hit->blocked_until = 0;
  }
  if (hit || !create)
    return hit;
  memset(victim, 0, sizeof *victim);
  memcpy(victim->key, key, n);
  victim->key[n] = '\0';
  victim->used = 1;
  victim->last = now;
  return victim;
}

int ratelimit_backoff_check(ratelimit_backoff *b, const char *key, double now,
                            int *retry_after) {
  pthread_mutex_lock(&b->lock);
  bslot *s = bslot_find(b, key, now, 0);
  int ok = !s || now >= s->blocked_until;
  if (!ok && retry_after) {
    double wait = ceil(s->blocked_until - now);
    *retry_after = wait < 1 ? 1 : wait > 86400 * 7 ? 86400 * 7 : (int)wait;
  }
  pthread_mutex_unlock(&b->lock);
  return ok;
}

double ratelimit_backoff_fail(ratelimit_backoff *b, const char *key,
                              double now) {
  double delay = 0;
  pthread_mutex_lock(&b->lock);
  bslot *s = bslot_find(b, key, now, 1);
  s->failures++;
  s->last = now;
  int over = s->failures - b->free_failures;
  if (over >= 0) {
    delay = b->first;
    for (int i = 0; i < over && delay < b->max; i++)
      delay *= 2;
    if (delay > b->max)
      delay = b->max;
    s->blocked_until = now + delay;
  }
  pthread_mutex_unlock(&b->lock);
  return delay;
}

void ratelimit_backoff_clear(ratelimit_backoff *b, const char *key) {
  pthread_mutex_lock(&b->lock);
  bslot *s = bslot_find(b, key, 0, 0);
  if (s)
    memset(s, 0, sizeof *s);
  pthread_mutex_unlock(&b->lock);
}
