/* devthread: what a device's worker thread shares with the UI thread — the
 * lock, the condition that wakes the worker (a request, or quit), the one
 * that tells waiters a pass has finished, and the quit flag — and its
 * start and stop. Used by idcard_reader and camera; the worker itself
 * (what it polls, how it sleeps) stays with the device. */
#ifndef KIOSK_DEVICES_DEVTHREAD_H
#define KIOSK_DEVICES_DEVTHREAD_H

#include <pthread.h>

#include "core/kerr.h"

typedef struct devthread {
  pthread_mutex_t mu;
  pthread_cond_t cv;   /* wakes the worker: a request, or quit */
  pthread_cond_t idle; /* the worker finished a pass */
  pthread_t thread;
  int started;
  int quit; /* under mu */
} devthread;

/* Initialises d and, when run is nonzero, starts fn(arg) on its own thread.
 * KERR_INTERNAL (d left destroyed) when the thread cannot start. */
kerr devthread_start(devthread *d, int run, void *(*fn)(void *), void *arg);

/* Sets quit, wakes the worker and waits for it (if it was started), then
 * destroys d's lock and conditions. */
void devthread_stop(devthread *d);

#endif
