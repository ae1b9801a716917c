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
