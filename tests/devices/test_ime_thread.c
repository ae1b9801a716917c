/* Tests for ime_thread: the input-method workers really run as SCHED_BATCH
 * and get their argument. */
#define _GNU_SOURCE /* SCHED_BATCH */
#include <sched.h>

#include "check.h"
#include "devices/ime_thread.h"

typedef struct probe {
  int policy;
  int seen;
} probe;

static void *worker(void *arg) {
  probe *p = arg;
  p->policy = sched_getscheduler(0);
  p->seen = 42;
  return p;
}

int main(void) {
  probe pr = {-1, 0};
  pthread_t t;
  CHECK_INT(ime_thread_start_batch(&t, worker, &pr), 0);
  void *ret = NULL;
  CHECK_INT(pthread_join(t, &ret), 0);
  CHECK(ret == &pr);
  CHECK_INT(pr.seen, 42);
  CHECK_INT(pr.policy, SCHED_BATCH);
  /* The creating thread keeps its own policy. */
  CHECK_INT(sched_getscheduler(0), SCHED_OTHER);
  return TEST_DONE();
}
