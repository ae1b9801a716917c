/* svc: how a service reports to the shell.
 *
 * Services run work on their own threads (delivery, content checks,
 * printing, input-method engines). When a worker has something for the UI
 * it calls the service's wake function with the service, a code and two
 * small values; it never touches the screen. The shell's wake function
 * queues an event that wakes the main loop, and the loop, on its own
 * thread, asks the service what changed (content_host_take(), …) and
 * decides what the screen does about it. Services therefore need no
 * display library and know nothing of screens.
 *
 * The wake function is called from worker threads and must be
 * thread-safe and must not block. */
#ifndef KIOSK_SERVICES_SVC_H
#define KIOSK_SERVICES_SVC_H

#include <stdint.h>

typedef enum svc_source {
  SVC_NET = 0,  /* codes: net_host_event */
  SVC_CONTENT,  /* codes: content_host_event */
  SVC_PRINT,    /* code 1; d1: the print ticket that ended */
  SVC_IME,      /* code 1: an input-method engine has an answer */
  SVC_IDCARD,   /* idcard_host: 1 a card was read (or not), 2 state */
  SVC_CAMERA,   /* camera_host: CAMERA_EV_FRAME / _STILL / _STATE */
  SVC_COUNT
} svc_source;

typedef struct svc_wake {
  void (*fn)(void *ud, svc_source src, int code, intptr_t d1, intptr_t d2);
  void *ud;
} svc_wake;

/* Calls w's function if it has one. */
static inline void svc_post(const svc_wake *w, svc_source src, int code,
                            intptr_t d1, intptr_t d2) {
  if (w && w->fn)
    w->fn(w->ud, src, code, d1, d2);
}

#endif
