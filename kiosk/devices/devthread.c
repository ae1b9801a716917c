/* devthread: see devthread.h. */
#include "devices/devthread.h"

static void destroy(devthread *d) {
  pthread_mutex_destroy(&d->mu);
  pthread_cond_destroy(&d->cv);
  pthread_cond_destroy(&d->idle);
}

kerr devthread_start(devthread *d, int run, void *(*fn)(void *), void *arg) {
  pthread_mutex_init(&d->mu, NULL);
  pthread_cond_init(&d->cv, NULL);
  pthread_cond_init(&d->idle, NULL);
  d->started = d->quit = 0;
  if (run) {
    if (pthread_create(&d->thread, NULL, fn, arg) != 0) {
      destroy(d);
      return KERR_INTERNAL;
    }
    d->started = 1;
  }
  return KERR_OK;
}

void devthread_stop(devthread *d) {
  if (d->started) {
    pthread_mutex_lock(&d->mu);
    d->quit = 1;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    d->started = 0;
  }
  destroy(d);
}
