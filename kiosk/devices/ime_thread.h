/* ime_thread: the worker threads of the input methods (loading engines,
 * recognising handwriting) run as SCHED_BATCH.
 * CPU-heavy workers woken or started by the UI thread would otherwise often
 * preempt it on its own core for a whole time slice (measured: p99 of a
 * recognition request 9–13 ms instead of 0.03 ms). */
#ifndef KIOSK_DEVICES_IME_THREAD_H
#define KIOSK_DEVICES_IME_THREAD_H

#include <pthread.h>

/* pthread_create() of fn(arg) in a thread that switches itself to
 * SCHED_BATCH first (staying SCHED_OTHER where that is refused). Returns
 * pthread_create()'s result, or ENOMEM. */
int ime_thread_start_batch(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
