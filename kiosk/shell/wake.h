/* wake: the shell's side of services/svc.h. A service's report becomes an
 * SDL user event (SDL_PushEvent is thread-safe), which wakes the main loop
 * where it sleeps in SDL_WaitEvent; the loop then asks the service what
 * changed. One event type per service source, registered once per
 * process. */
#ifndef KIOSK_SHELL_WAKE_H
#define KIOSK_SHELL_WAKE_H

#include <SDL.h>
#include <stdint.h>

#include "services/svc.h"

/* The wake function services are given (registers the event types on first
 * use; call it on the UI thread after SDL_Init). Empty if SDL has no event
 * types left. */
svc_wake shell_wake(void);

/* 1 if ev is a service's report: *src, *code, *d1, *d2 (any may be NULL)
 * are filled; else 0. */
int shell_wake_match(const SDL_Event *ev, svc_source *src, int *code,
                     intptr_t *d1, intptr_t *d2);

#endif
