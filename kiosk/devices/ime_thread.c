/* ime_thread: SCHED_BATCH worker threads, see ime_thread.h.
 *
 * glibc's pthread_attr_setschedpolicy() refuses SCHED_BATCH, so the new
 * thread switches itself in a trampoline before it runs the worker. */
#define _GNU_SOURCE /* SCHED_BATCH */
#include "devices/ime_thread.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>

typedef struct batch_start {
  void *(*fn)(void *);
  void *arg;
} batch_start;

static void *batch_trampoline(void *p) {
  batch_start b = *(batch_start *)p;
  free(p);
  struct sched_param sp = {.sched_priority = 0};
  (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
  return b.fn(b.arg);
}

int ime_thread_start_batch(pthread_t *t, void *(*fn)(void *), void *arg) {
  batch_start *b = malloc(sizeof *b);
  if (!b) return ENOMEM;
  b->fn = fn;
  b->arg = arg;
  int rc = pthread_create(t, NULL, batch_trampoline, b);
  if (rc) free(b);
  return rc;
}
