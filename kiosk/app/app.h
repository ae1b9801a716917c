/* app: the application context, the screen stack and the main loop.
 *
 * One `app` is created by app_main() and passed to every screen; there is
 * no other global state. The loop renders on demand: it sleeps in
 * SDL_WaitEventTimeout() until an event arrives or the next deadline (the
 * session timer, a screen's animation) is due, and draws only when
 * something marked the frame dirty. An idle kiosk uses no CPU.
 *
 * Screens are objects on a stack. A screen change requested while handling
 * an event (app_push, app_pop, app_home, …) is applied after the event, so a
 * screen never runs after it has been left. */
#ifndef KIOSK_APP_APP_H
#define KIOSK_APP_APP_H

#include <SDL.h>
#include <stdint.h>

#include "core/config.h"
#include "core/content.h"
#include "core/session.h"
#include "ui/ui.h"

typedef struct app app;
typedef struct screen screen;

/* What a screen receives: a tap on a target it drew, a drag, a key, text. */
typedef enum app_event_type {
  APP_EV_TAP = 1, /* id: the target's id */
  APP_EV_DRAG,    /* dx, dy since the last drag event; x, y: position */
  APP_EV_DRAG_END, /* the finger was lifted after a drag */
  APP_EV_KEY,     /* key: SDL keycode */
  APP_EV_TEXT,    /* text: UTF-8 */
  /* Raw pointer events, only for screens with raw_pointer set (a writing
   * pad needs the finger from its first pixel, before a drag begins). They
   * come before the tap/drag events the same input also produces. */
  APP_EV_PRESS,   /* x, y: finger down; id: the target under it or "" */
  APP_EV_MOVE,    /* x, y: finger moved while down */
  APP_EV_RELEASE  /* x, y: finger lifted */
} app_event_type;

typedef struct app_event {
  app_event_type type;
  const char *id;
  int x, y, dx, dy;
  int key;
  const char *text;
} app_event;

typedef struct screen_class {
  const char *name; /* stable, used by scripts: "home", "policy", … */
  size_t state_size; /* bytes of per-instance state, zeroed on push */
  void (*enter)(app *a, void *state, const void *arg);
  void (*leave)(app *a, void *state); /* must wipe personal data it holds */
  void (*event)(app *a, void *state, const app_event *ev);
  void (*draw)(app *a, void *state, ui *u);
  /* Called on every pass of the loop while the screen is on top: advances
   * the screen's own time (animation, cycling) and may request a screen
   * change. Returns the milliseconds until it wants to run again (the
   * frame is redrawn then), or UINT64_MAX when it has nothing to do — an
   * idle screen must return UINT64_MAX so the kiosk sleeps. May be NULL. */
  uint64_t (*tick)(app *a, void *state, uint64_t now_ms);
  /* Nonzero: also receive APP_EV_PRESS/MOVE/RELEASE (see above). */
  int raw_pointer;
} screen_class;

/* --- screen stack (deferred until the current event is handled) --- */
void app_push(app *a, const screen_class *cls, const void *arg);
void app_replace(app *a, const screen_class *cls, const void *arg);
void app_pop(app *a);
/* Back to the home screen, keeping the session. */
void app_home(app *a);
/* Ends the session: wipes everything personal, back to the home screen. */
void app_end_session(app *a);

/* --- services for screens --- */
/* Marks the frame for redrawing. */
void app_dirty(app *a);
/* The UI text for key from the content bundle; never NULL. */
const char *app_str(const app *a, const char *key);
/* The active content bundle, or NULL (out of service). */
const content *app_content(const app *a);
/* The region of this kiosk in the active bundle, or NULL. */
const content_region *app_region(const app *a);
const config *app_config(const app *a);
session *app_session(app *a);
/* Current time in milliseconds (virtual in scripted headless runs). */
uint64_t app_now(const app *a);
/* Elder (large-text) mode. */
int app_elder(const app *a);
void app_set_elder(app *a, int on);
/* Milliseconds since the kiosk last became idle (no session), 0 while a
 * session is active. */
uint64_t app_idle_ms(const app *a);
/* Name of the screen on top of the stack. */
const char *app_screen_name(const app *a);

/* Runs the kiosk with command-line arguments; returns the exit status. */
int app_main(int argc, char **argv);

#endif
