/* shell: the app struct, shared by the files of the shell (app.c,
 * script.c), and the shell's own entry points. Screens use only
 * screens/screen.h, which the shell implements. */
#ifndef KIOSK_SHELL_SHELL_H
#define KIOSK_SHELL_SHELL_H

#include "screens/screen.h"
#include "services/selection.h"
#include "shell/keynav.h"

#define APP_STACK_MAX 8

typedef struct app_script app_script;

typedef struct screen_inst {
  const screen_class *cls;
  void *state;
} screen_inst;

typedef enum pending_op {
  OP_NONE = 0,
  OP_PUSH,
  OP_REPLACE,
  OP_POP,
  OP_HOME,
  OP_END_SESSION
} pending_op;

struct app {
  config cfg;
  content *content;
  session sess;
  selection chosen; /* items chosen in this session (selection.h) */
  ui ui;
  text_sys *text;
  SDL_Window *win;
  SDL_Renderer *ren;
  SDL_Surface *surface; /* headless: the software renderer's target */
  int headless;
  int w, h;
  int elder; /* the text size, 0..2 (ui/theme.h) */
  int dirty;
  int running;
  int exit_code;
  /* screen stack */
  screen_inst stack[APP_STACK_MAX];
  int depth;
  pending_op op;
  const screen_class *op_cls;
  const void *op_arg;
  /* time: real monotonic, or virtual for scripted headless runs */
  int virtual_clock;
  Uint32 blank_event; /* SDL event type used to overwrite the queue; 0 unset */
  uint64_t vnow_ms;
  /* input state */
  int down;            /* a press is in progress */
  int dragging;
  int down_x, down_y, last_x, last_y;
  /* the timeout overlay */
  int warning;
  /* 「…要放弃吗？」 is up: what 放弃 goes on to do (OP_POP, OP_HOME or
   * OP_END_SESSION); OP_NONE when not asking */
  pending_op confirm_op;
  uint64_t idle_since_ms; /* when the last session ended */
  /* statistics for the benchmark */
  unsigned long frames;
  struct ime_host *ime; /* input-method engines (ime_host.h) */
  struct net_host *net; /* outbox, delivery, queries (net_host.h) */
  struct staff_host *staff; /* who of the staff is signed in (staff_host.h) */
  struct content_host *contenth; /* start-up bundle, updates (content_host.h) */
  struct form_host *form; /* the session's application form (form_host.h) */
  struct print_host *print; /* the receipt printer service (print_host.h) */
  struct receipt_renderer *receipts; /* the print service's renderer */
  struct speech *speech; /* reading aloud (devices/speech.h) */
  struct idcard_host *idcard; /* the ID card reader (idcard_host.h) */
  struct camera_host *camera; /* the document camera (camera_host.h) */
  /* 听一听: read the next frame aloud (tapped), or read each new screen
   * (announce, in elder mode); what was last read, wiped with the
   * session (it can hold an answer the applicant asked to hear) */
  int speak_now, announce;
  char say_first[160]; /* said before the screen being announced */
  int listened; /* 听一听 or the keypad used this session (app_listening) */
  int keypad;   /* the keypad used this session: new screens are read */
  char spoken[APP_SAY_MAX];
  /* the keypad (keynav.h): the SDL keys of each act (0: none), and the
   * focused target's id ("" when nothing has the focus) and index */
  int keymap[KEYNAV_ACTS][KEYNAV_KEYS_PER_ACT];
  char focus[UI_ID_MAX];
  int focus_at;
  /* scripted run */
  app_script *script;
  char shots_dir[512];
  /* service manager (core/sdnotify.h); real time, even with a virtual clock */
  int ready_sent;          /* READY=1 went out with the first frame */
  uint64_t wd_interval_ms; /* WATCHDOG=1 period; 0: no watchdog */
  uint64_t wd_next_ms;     /* SDL_GetTicks64() when the next one is due */
};

/* Creates the app from parsed options; see app.c. */
typedef struct app_options {
  const char *config_path;
  const char *script_path;
  const char *shots_dir;
  int headless;
  int width, height; /* 0: from the configuration */
  int window;        /* force a window (not full screen) */
  int elder;         /* text size 0..2; -1: from the configuration */
  const char *sets[16]; /* "key=value" overrides applied after the file */
  int n_sets;
} app_options;

kerr app_create(const app_options *o, app **out);
/* What 听一听 or the automatic reading last said ("" when nothing yet this
 * session), and waiting for the speaker to finish it (scripts, tests). */
const char *app_spoken(const app *a);
int app_speech_wait(app *a, int timeout_ms);
void app_destroy(app *a);
/* Runs the loop until quit or script end; returns the exit status. */
int app_run(app *a);
/* Draws the current frame now (used by the loop, scripts and benchmark). */
void app_draw(app *a);
/* Handles one SDL event: a service's report (shell/wake.h) or input. */
void app_handle_sdl(app *a, const SDL_Event *ev);
/* Handles one translated input. */
void app_input(app *a, const ui_input *in);
/* Resizes the drawing area (headless: recreates the surface). */
kerr app_resize(app *a, int w, int h);
/* Taps target t of the last frame, as a finger's tap on it would (the
 * keypad's enter and back). */
void app_tap_target(app *a, const ui_target *t);
/* Applies the pending screen operation, if any. */
void app_apply_pending(app *a);

/* Script runner (script.c). */
kerr app_script_load(const char *path, app_script **out, char *err,
                     size_t errlen);
void app_script_destroy(app_script *s);
/* Runs the next command; returns 1 while more remain, 0 when done, -1 on a
 * failed expectation or error (message logged). */
int app_script_step(app *a, app_script *s);

#endif
