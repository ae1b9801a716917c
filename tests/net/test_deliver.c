/* deliver: backoff arithmetic, and one delivery step against a port where
 * nothing listens, with injected time and randomness: the row goes back to
 * the queue, due exactly after the computed backoff. Then a worker whose
 * outbox cannot write (RLIMIT_FSIZE, as on a full disk): it backs off,
 * logs one line when the failures start and one when they end, and says
 * so through deliver_storage_failing(). */
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "core/log.h"
#include "net/deliver.h"

static int64_t fake_now = 1000000;
static uint32_t fake_rnd;

static int64_t now_hook(void *ud) { (void)ud; return fake_now; }
static uint32_t rnd_hook(void *ud) { (void)ud; return fake_rnd; }

static atomic_int steps;
static int64_t real_now_hook(void *ud) {
  struct timespec ts;
  (void)ud;
  atomic_fetch_add(&steps, 1);
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static atomic_int storage_events, lines_failing, lines_again, lines_total;
static void on_storage_event(const deliver_event *ev, void *ud) {
  (void)ud;
  if (ev->kind == DELIVER_EV_STORAGE)
    atomic_fetch_add(&storage_events, 1);
}
static void sink(void *ud, const char *line) {
  (void)ud;
  atomic_fetch_add(&lines_total, 1);
  if (strstr(line, "outbox storage failing"))
    atomic_fetch_add(&lines_failing, 1);
  if (strstr(line, "outbox storage works again"))
    atomic_fetch_add(&lines_again, 1);
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* A worker on an outbox file that cannot grow. */
static void storage_full(void) {
  char dir[] = "/tmp/test_deliver.XXXXXX", path[64];
  outbox_config oc = {0};
  deliver_config dc = {0};
  outbox *ob = NULL;
  deliver *d = NULL;
  char uuid[SEAL_UUID_BUF], ref[REFNO_BUF];
  struct rlimit old, tiny;

  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/outbox.db", dir);
  oc.path = path;
  oc.ref_prefix = "JC";
  CHECK_INT(outbox_open(&oc, &ob), KERR_OK);
  seal_uuid_v4(uuid);
  CHECK_INT(outbox_next_reference(ob, ref), KERR_OK);
  CHECK_INT(outbox_enqueue(ob, uuid, ref, "{\"x\":1}", 7, fake_now), KERR_OK);
  dc.ob = ob;
  dc.api.base_url = "https://127.0.0.1:1";
  dc.api.ca_file = "/nonexistent/ca.pem";
  dc.api.cert_file = "/nonexistent/dev.pem";
  dc.api.key_file = "/nonexistent/dev.key";
  dc.now_ms = real_now_hook;
  dc.on_event = on_storage_event;
  dc.storage_base_ms = 50;
  dc.storage_max_ms = 200;
  CHECK_INT(deliver_create(&dc, &d), KERR_OK);

  /* No file of this process may grow: every write the claim makes fails. */
  signal(SIGXFSZ, SIG_IGN);
  CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
  tiny = old;
  tiny.rlim_cur = 1;
  CHECK(setrlimit(RLIMIT_FSIZE, &tiny) == 0);
  log_set_sink(sink, NULL);
  CHECK_INT(deliver_storage_failing(d), 0);
  CHECK_INT(deliver_start(d), KERR_OK);
  sleep_ms(1000);
  /* Pauses of 50, 100, 200, 200 … ms: about seven attempts in a second
   * (without them: hundreds of thousands). */
  int n = atomic_load(&steps);
  fprintf(stderr, "attempts in 1 s with a full disk: %d\n", n);
  CHECK(n >= 3);
  CHECK(n <= 12);
  CHECK_INT(deliver_storage_failing(d), 1);
  CHECK_INT(atomic_load(&storage_events), 1);
  CHECK_INT(atomic_load(&lines_failing), 1);
  CHECK_INT(atomic_load(&lines_again), 0);
  int before = atomic_load(&lines_total);

  /* Space again: the next attempt works, one line says so. */
  CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
  for (int i = 0; i < 100 && deliver_storage_failing(d); i++)
    sleep_ms(20);
  CHECK_INT(deliver_storage_failing(d), 0);
  deliver_stop(d);
  log_set_sink(NULL, NULL);
  CHECK_INT(atomic_load(&lines_again), 1);
  CHECK_INT(atomic_load(&lines_failing), 1);
  CHECK_INT(before, 1); /* the failing line only, however many attempts */
  deliver_destroy(d);
  outbox_close(ob);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
}

static int events;
static void on_event(const deliver_event *ev, void *ud) {
  (void)ev;
  (void)ud;
  events++;
}

int main(void) {
  /* Backoff: equal jitter within [t/2, t], doubling, capped. */
  CHECK_INT(deliver_backoff_ms(1, 1000, 60000, 0), 500);
  CHECK_INT(deliver_backoff_ms(1, 1000, 60000, 500), 1000);
  CHECK_INT(deliver_backoff_ms(1, 1000, 60000, 501), 500);
  CHECK_INT(deliver_backoff_ms(0, 1000, 60000, 0), 500);
  CHECK_INT(deliver_backoff_ms(2, 1000, 60000, 0), 1000);
  CHECK_INT(deliver_backoff_ms(3, 1000, 60000, 0), 2000);
  CHECK_INT(deliver_backoff_ms(7, 1000, 60000, 0), 30000);
  CHECK_INT(deliver_backoff_ms(8, 1000, 60000, 0), 30000);
  CHECK_INT(deliver_backoff_ms(1000000, 1000, 60000, 0xffffffffu),
            30000 + 0xffffffffu % 30001);
  {
    int ok = 1;
    for (uint32_t a = 1; a < 40; a++)
      for (uint32_t r = 0; r < 5000; r += 7) {
        uint32_t v = deliver_backoff_ms(a, 2000, 300000, r * 2654435761u);
        if (v < 1000 || v > 300000)
          ok = 0;
      }
    CHECK(ok);
  }

  /* One step against a closed port. */
  {
    outbox_config oc = {0};
    deliver_config dc = {0};
    outbox *ob = NULL;
    deliver *d = NULL;
    deliver_event ev;
    outbox_item it;
    char uuid[SEAL_UUID_BUF], ref[REFNO_BUF];
    int64_t due = 0;

    oc.path = ":memory:";
    oc.ref_prefix = "JC";
    CHECK_INT(outbox_open(&oc, &ob), KERR_OK);
    seal_uuid_v4(uuid);
    CHECK_INT(outbox_next_reference(ob, ref), KERR_OK);
    CHECK_INT(outbox_enqueue(ob, uuid, ref, "{\"x\":1}", 7, fake_now), KERR_OK);
    dc.ob = ob;
    dc.api.base_url = "https://127.0.0.1:1";
    dc.api.ca_file = "/nonexistent/ca.pem";
    dc.api.cert_file = "/nonexistent/dev.pem";
    dc.api.key_file = "/nonexistent/dev.key";
    dc.now_ms = now_hook;
    dc.random = rnd_hook;
    dc.backoff_base_ms = 4000;
    dc.backoff_max_ms = 64000;
    dc.on_event = on_event;
    CHECK_INT(deliver_create(&dc, &d), KERR_OK);
    fake_rnd = 1000;
    CHECK_INT(deliver_step(d, &ev), KERR_OK);
    CHECK_INT(ev.kind, DELIVER_EV_RETRY);
    CHECK_INT(ev.err, KERR_NET);
    CHECK_INT(ev.http_status, 0);
    CHECK_STR(ev.reference, ref);
    CHECK_INT(ev.depth, 1);
    /* attempts 1: 2000 + 1000 % 2001; whole-worker pause the same. */
    CHECK_INT(ev.retry_in_ms, 3000);
    CHECK_INT(outbox_claim(ob, fake_now + 2999, &it, &due), KERR_NOTFOUND);
    CHECK_INT(due, fake_now + 3000);
    /* Nothing due yet: an idle step. */
    CHECK_INT(deliver_step(d, &ev), KERR_NOTFOUND);
    CHECK_INT(ev.kind, DELIVER_EV_IDLE);
    CHECK_INT(ev.next_due_ms, fake_now + 3000);
    CHECK_INT(ev.depth, 1);
    /* Second failure: the row's backoff doubles. */
    fake_now += 3000;
    fake_rnd = 0;
    CHECK_INT(deliver_step(d, &ev), KERR_OK);
    CHECK_INT(ev.kind, DELIVER_EV_RETRY);
    CHECK_INT(outbox_claim(ob, fake_now + 3999, &it, &due), KERR_NOTFOUND);
    CHECK_INT(due, fake_now + 4000);
    /* A worker can be started and stopped at once; stop is idempotent. */
    CHECK_INT(deliver_start(d), KERR_OK);
    CHECK_INT(deliver_start(d), KERR_STATE);
    deliver_kick(d);
    deliver_stop(d);
    deliver_stop(d);
    CHECK_INT(deliver_start(d), KERR_STATE);
    deliver_destroy(d);
    CHECK_INT(events, 0); /* deliver_step() does not call the callback */
    {
      outbox_state st;
      CHECK_INT(outbox_state_of(ob, uuid, &st), KERR_OK);
      CHECK_INT(st, OUTBOX_QUEUED);
    }
    outbox_close(ob);
  }
  /* Config checks. */
  {
    deliver_config dc = {0};
    deliver *d = NULL;
    CHECK_INT(deliver_create(&dc, &d), KERR_INVALID);
    CHECK_INT(deliver_create(NULL, &d), KERR_INVALID);
  }
  storage_full();
  return TEST_DONE();
}
