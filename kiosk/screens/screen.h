/* screen: what a screen is, and what a screen may ask of the kiosk.
 *
 * This is the contract between the screens and the shell (kiosk/shell/),
 * declared here, on the screens' side, and implemented by the shell: the
 * screens never include the shell, the shell includes the screens. One
 * `app` is created by app_main() and passed to every screen; there is no
 * other global state. The shell's loop renders on demand (see
 * shell/app.c) and draws only when something marked the frame dirty.
 *
 * Screens are objects on a stack. A screen change requested while handling
 * an event (app_push, app_pop, app_home, …) is applied after the event, so a
 * screen never runs after it has been left.
 *
 * The services a screen uses (the form, the network, staff, the printer,
 * the input methods) are reached through the accessors at the end, and
 * their functions through services/services.h. */
#ifndef KIOSK_SCREENS_SCREEN_H
#define KIOSK_SCREENS_SCREEN_H

#include <SDL.h>
#include <stdint.h>

#include "core/config.h"
#include "core/content.h"
#include "core/kerr.h"
#include "core/session.h"
#include "ui/ui.h"

typedef struct app app;
typedef struct screen screen;


typedef struct screen_class {
  const char *name; /* stable, used by scripts: "home", "policy", … */
  size_t state_size; /* bytes of per-instance state, zeroed on push */
  void (*enter)(app *a, void *state, const void *arg);
  void (*leave)(app *a, void *state); /* must wipe personal data it holds */
  void (*event)(app *a, void *state, const ui_event *ev);
  void (*draw)(app *a, void *state, ui *u);
  /* Called on every pass of the loop while the screen is on top: advances
   * the screen's own time (animation, cycling) and may request a screen
   * change. Returns the milliseconds until it wants to run again (the
   * frame is redrawn then), or UINT64_MAX when it has nothing to do — an
   * idle screen must return UINT64_MAX so the kiosk sleeps. May be NULL. */
  uint64_t (*tick)(app *a, void *state, uint64_t now_ms);
  /* Nonzero: also receive UI_EV_PRESS/MOVE/RELEASE (see above). */
  int raw_pointer;
  /* Optional. Nonzero when leaving now — 返回, 回首页 or 结束 in the top
   * bar — would throw away what the applicant filled in and has not handed
   * in. The shell then asks first (「您填的内容还没有交，要放弃吗？」,
   * widgets/confirm.h) and leaves only on 放弃; while it asks, the screen
   * gets no events, and the inactivity timeout still ends the session. */
  int (*unsaved)(app *a, void *state);
  /* Optional. On 放弃, before the shell leaves: drop and wipe what
   * unsaved() was about (the shell then wipes what was drawn of it). */
  void (*discard)(app *a, void *state);
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
/* The text for "key.variant" when the bundle has one (a referral's own
 * words: variant "referral"), else for key; variant NULL: key. */
const char *app_str_variant(const app *a, const char *key,
                            const char *variant);
/* The active content bundle, or NULL (out of service). */
const content *app_content(const app *a);
/* The region of this kiosk in the active bundle, or NULL. */
const content_region *app_region(const app *a);
session *app_session(app *a);
/* Current time in milliseconds (virtual in scripted headless runs). */
uint64_t app_now(const app *a);
/* Today's local date as YYYY-MM-DD: which region standards are in force. */
void app_today(const app *a, char out[11]);
/* The text size (ui/theme.h): 0 标准, 1 大 (the old elder mode), 2 特大;
 * nonzero means a large size. app_set_elder clamps to 0..2. */
int app_elder(const app *a);
void app_set_elder(app *a, int size);
/* 听一听: the next frame's words (not what is private) are read aloud. */
void app_listen(app *a);
/* The screen's main content changed (a new question): in elder mode it is
 * read aloud, as a new screen is. */
void app_announce(app *a);
/* 1 when this session's applicant listens: 听一听 or the keypad was used,
 * or the large sizes read each screen aloud (and a speaker exists). Screens
 * then offer their extra 读出来 controls. */
int app_listening(const app *a);
/* Says text now (replacing anything being said): a focused control's
 * label, a key's help. Nothing personal unless the applicant asked.
 * Text beyond APP_SAY_MAX - 1 bytes is cut. */
#define APP_SAY_MAX 4000
void app_say(app *a, const char *text);
/* Milliseconds since the kiosk last became idle (no session), 0 while a
 * session is active. */
uint64_t app_idle_ms(const app *a);
/* Name of the screen on top of the stack. */
const char *app_screen_name(const app *a);

/* --- the services (services/services.h); NULL if one could not start --- */
typedef struct form_host form_host;
typedef struct net_host net_host;
typedef struct staff_host staff_host;
typedef struct print_host print_host;
typedef struct content_host content_host;
typedef struct ime_set ime_set;
typedef struct selection selection;
typedef struct idcard_host idcard_host;

form_host *app_form(app *a);
net_host *app_net(app *a);
staff_host *app_staff(app *a);
print_host *app_print(app *a);
content_host *app_content_host(app *a);
/* The input-method engines and the applicant's choice (core/ime.h). */
ime_set *app_ime(app *a);
/* Items chosen in this session. */
selection *app_selection(app *a);
/* The ID card reader service, or NULL if it could not start; its state
 * says whether a reader is there. */
idcard_host *app_idcard(app *a);
/* The document camera service (the materials' pages), or NULL if it could
 * not start; its state says whether a camera is there. */
typedef struct camera_host camera_host;
camera_host *app_camera(app *a);

/* 1 in headless scripted runs only: screens may then offer test hooks. */
int app_test_hooks(const app *a);

/* The text size new sessions start with (screen.elder_default, for this
 * run of the program): 0 standard, 1 大, 2 特大. Set by staff from the
 * menu; takes effect from the next session. */
int app_default_elder(app *a);
void app_set_default_elder(app *a, int size);

/* Leaves the kiosk program (the main loop ends, exit status 0), only while
 * an administrator is signed in. KERR_DENIED otherwise. */
kerr app_quit_by_admin(app *a);

/* The staff id to record as assisted_by on a submission while someone is
 * signed in, else NULL. Borrowed until the session ends. */
const char *app_assisted_by(app *a);

/* receipt.status_url: the receipt QR code's address template ({ref},
 * {token}); "" when the QR code is the bare reference. */
const char *app_receipt_status_url(const app *a);

/* Runs the kiosk with command-line arguments; returns the exit status. */
int app_main(int argc, char **argv);

#endif
