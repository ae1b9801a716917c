/* wake: see wake.h. */
#include "shell/wake.h"

#include <string.h>

#include "core/log.h"

static Uint32 base; /* first of SVC_COUNT registered types; 0: none yet */

static void push(void *ud, svc_source src, int code, intptr_t d1,
                 intptr_t d2) {
  (void)ud;
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = base + (Uint32)src;
  ev.user.code = code;
  ev.user.data1 = (void *)d1;
  ev.user.data2 = (void *)d2;
  if (SDL_PushEvent(&ev) < 0)
    LOG_W("wake", "event queue full: %s", SDL_GetError());
}

svc_wake shell_wake(void) {
  if (!base) {
    Uint32 t = SDL_RegisterEvents(SVC_COUNT);
    if (t == (Uint32)-1) {
      LOG_E("wake", "no SDL user events left: services cannot report");
      return (svc_wake){0};
    }
    base = t;
  }
  return (svc_wake){.fn = push, .ud = NULL};
}

int shell_wake_match(const SDL_Event *ev, svc_source *src, int *code,
                     intptr_t *d1, intptr_t *d2) {
  if (!base || ev->type < base || ev->type >= base + SVC_COUNT)
    return 0;
  if (src)
    *src = (svc_source)(ev->type - base);
  if (code)
    *code = ev->user.code;
  if (d1)
    *d1 = (intptr_t)ev->user.data1;
  if (d2)
    *d2 = (intptr_t)ev->user.data2;
  return 1;
}
