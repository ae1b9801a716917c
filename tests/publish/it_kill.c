/* A kill at any instant of an update leaves a usable kiosk.
 *
 * The server offers 2030.9.1; each round a fresh kiosk folder holds
 * 2030.8.1 as `current`. A child process runs content_sync_check() and is
 * SIGKILLed after a random delay spread over the length of a whole sync
 * (measured first), so the kill lands while downloading, writing, fsyncing,
 * renaming or switching. Afterwards `current` must name 2030.8.1 or
 * 2030.9.1 and that bundle must load with its own figure; then a normal
 * sync must finish the update and leave no staging folder behind.
 * PUB_KILL_ROUNDS (default 30) and PUB_KILL_SEED change the run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "check.h"
#include "core/log.h"
#include "pub_bundle.h"
#include "pub_server.h"

static time_t clock_fn(void *ud) { return *(time_t *)ud; }

static uint64_t rng_state;
static uint64_t rng_next(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

static long now_us(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return tv.tv_sec * 1000000L + tv.tv_usec;
}

int main(void) {
  pub_server srv;
  unsigned char sk[64];
  bundle_sig_key pub;
  char old_b[80], new_b[80];
  time_t now = 1795000000; /* 2026-11-18 */
  content_sync_result r;

  log_set_level(LOG_ERROR);
  const char *env = getenv("PUB_KILL_ROUNDS");
  int rounds = env ? atoi(env) : 30;
  env = getenv("PUB_KILL_SEED");
  rng_state = env ? strtoull(env, NULL, 10) : 20261122u;
  if (!rng_state)
    rng_state = 1;
  printf("rounds %d, seed %llu\n", rounds, (unsigned long long)rng_state);

  if (ps_admin_keys(sk, &pub) != 0 || ps_start(&srv, "kill") != 0) {
    fprintf(stderr, "cannot start: PKI at %s and kiosk-server needed\n", PUB_PKI);
    return 1;
  }
  CHECK_INT(pb_make(old_b, "2030.8.1", 9100, NULL, sk), 0);
  CHECK_INT(pb_make(new_b, "2030.9.1", 9200, NULL, sk), 0);
  CHECK_INT(ps_seed(&srv, new_b, NULL, NULL), 0);

  /* How long one whole update takes here (ASan builds are slower). */
  long span = 0;
  for (int i = 0; i < 2; i++) {
    char d[40] = "/tmp/kiosk-pubt-XXXXXX";
    CHECK(mkdtemp(d) != NULL);
    content_sync *k = ps_kiosk(&srv, d, &pub, 1, clock_fn, &now);
    CHECK_INT(content_sync_install_dir(k, old_b, &r), KERR_OK);
    long t0 = now_us();
    CHECK_INT(content_sync_check(k, &r), KERR_OK);
    CHECK_INT(r.outcome, CONTENT_SYNC_UPDATED);
    long t = now_us() - t0;
    span = t > span ? t : span;
    content_sync_destroy(k);
    tb_remove(d);
  }
  printf("one update takes %.1f ms\n", span / 1000.0);

  int saw_old = 0, saw_new = 0, bad = 0;
  for (int round = 0; round < rounds; round++) {
    char d[40] = "/tmp/kiosk-pubr-XXXXXX";
    if (!mkdtemp(d)) {
      CHECK(0);
      break;
    }
    content_sync *k = ps_kiosk(&srv, d, &pub, 1, clock_fn, &now);
    CHECK_INT(content_sync_install_dir(k, old_b, &r), KERR_OK);
    content_sync_destroy(k);

    /* Kill somewhere in [0, 1.1 * span], plus the fork itself. */
    long delay = (long)(rng_next() % (uint64_t)(span + span / 10 + 1));
    pid_t pid = fork();
    if (pid == 0) {
      content_sync *ck = ps_kiosk(&srv, d, &pub, 1, clock_fn, &now);
      content_sync_result cr;
      kerr e = ck ? content_sync_check(ck, &cr) : KERR_NOMEM;
      content_sync_destroy(ck);
      _exit(e == KERR_OK ? 0 : 1);
    }
    CHECK(pid > 0);
    ps_sleep_ms(delay / 1000);
    kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
      CHECK(0); /* the child finished, but not cleanly */

    /* current is complete: the old or the new bundle, never a mix. */
    char cur[80], dir[200];
    pb_current(d, cur, sizeof cur);
    snprintf(dir, sizeof dir, "%s/content/current", d);
    long fig = pb_dibao_urban(dir);
    if (strcmp(cur, "2030.8.1") == 0 && fig == 9100)
      saw_old++;
    else if (strcmp(cur, "2030.9.1") == 0 && fig == 9200)
      saw_new++;
    else {
      bad++;
      fprintf(stderr, "round %d (delay %ld us): current=%s figure=%ld\n",
              round, delay, cur, fig);
    }

    /* The next sync completes the update and cleans up. */
    k = ps_kiosk(&srv, d, &pub, 1, clock_fn, &now);
    kerr e = content_sync_check(k, &r);
    CHECK(e == KERR_OK);
    CHECK(r.outcome == CONTENT_SYNC_UPDATED ||
          (r.outcome == CONTENT_SYNC_UNCHANGED && r.reason == CONTENT_SYNC_R_SAME));
    content_sync_destroy(k);
    CHECK_STR(pb_current(d, cur, sizeof cur), "2030.9.1");
    CHECK_INT(pb_dibao_urban(dir), 9200);
    CHECK_INT(pb_staging_left(d), 0);
    tb_remove(d);
  }
  printf("after the kill: old %d, new %d, broken %d\n", saw_old, saw_new, bad);
  CHECK_INT(bad, 0);
  CHECK_INT(saw_old + saw_new, rounds);

  ps_stop(&srv);
  tb_remove(old_b);
  tb_remove(new_b);
  sodium_memzero(sk, sizeof sk);
  return TEST_DONE();
}
