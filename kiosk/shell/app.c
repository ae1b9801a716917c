/* app: see app.h. */
#include "shell/shell.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "core/sdnotify.h"
#include "devices/speech.h"
#include "screens/screens.h"
#include "services/services.h"
#include "shell/audio.h"
#include "shell/receipt_render.h"
#include "shell/wake.h"
#include "ui/png.h"
#include "widgets/confirm.h"

/* Rendered lines kept for redraws. The densest screen (the 最低生活保障
 * page at 1920x1080) needs 1.6 MiB, so 8 MiB keeps several screens warm;
 * at 24 MiB the cache grew through a whole application by as much
 * (docs/performance.md). */
#define TEXT_CACHE_BYTES (8u * 1024u * 1024u)

/* ------------------------------------------------------------------ */
/* services */

void app_dirty(app *a) { a->dirty = 1; }

const char *app_str(const app *a, const char *key) {
  return content_string(a->content, key);
}

const char *app_str_variant(const app *a, const char *key,
                            const char *variant) {
  char k[128];
  const char *v = NULL;
  if (variant && snprintf(k, sizeof k, "%s.%s", key, variant) < (int)sizeof k)
    v = content_string_find(a->content, k);
  return v ? v : app_str(a, key);
}

/* The widgets' words (ui_str) are the content bundle's strings. */
static const char *ui_words(void *ud, const char *key) {
  return app_str(ud, key);
}

const content *app_content(const app *a) { return a->content; }

const content_region *app_region(const app *a) {
  if (!a->content)
    return NULL;
  const content_region *r = content_region_find(a->content, a->cfg.region);
  return r ? r
           : (content_region_count(a->content)
                  ? content_region_at(a->content, 0)
                  : NULL);
}

session *app_session(app *a) { return &a->sess; }

uint64_t app_now(const app *a) {
  return a->virtual_clock ? a->vnow_ms : SDL_GetTicks64();
}

void app_today(const app *a, char out[11]) {
  (void)a;
  time_t t = time(NULL);
  struct tm tm;
  if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
    snprintf(out, 11, "1970-01-01");
}

int app_elder(const app *a) { return a->elder; }

void app_set_elder(app *a, int size) {
  a->elder = size < 0 ? 0 : size >= THEME_SIZES ? THEME_SIZES - 1 : size;
  theme_compute(&a->ui.th, a->w, a->h, a->elder);
  a->dirty = 1;
}

uint64_t app_idle_ms(const app *a) {
  if (a->sess.state != SESSION_IDLE)
    return 0;
  uint64_t now = app_now(a);
  return now > a->idle_since_ms ? now - a->idle_since_ms : 0;
}

const char *app_screen_name(const app *a) {
  return a->depth ? a->stack[a->depth - 1].cls->name : "";
}

/* ------------------------------------------------------------------ */
/* screen stack */

static void request(app *a, pending_op op, const screen_class *cls,
                    const void *arg) {
  /* Ending the session wins over anything else asked in the same event. */
  if (a->op == OP_END_SESSION)
    return;
  a->op = op;
  a->op_cls = cls;
  a->op_arg = arg;
}

void app_push(app *a, const screen_class *cls, const void *arg) {
  request(a, OP_PUSH, cls, arg);
}
void app_replace(app *a, const screen_class *cls, const void *arg) {
  request(a, OP_REPLACE, cls, arg);
}
void app_pop(app *a) { request(a, OP_POP, NULL, NULL); }
void app_home(app *a) { request(a, OP_HOME, NULL, NULL); }
void app_end_session(app *a) { request(a, OP_END_SESSION, NULL, NULL); }

static void stack_pop_one(app *a) {
  screen_inst *s = &a->stack[--a->depth];
  if (s->cls->leave)
    s->cls->leave(a, s->state);
  if (s->state) {
    session_wipe_bytes(s->state, s->cls->state_size);
    free(s->state);
  }
  s->state = NULL;
  s->cls = NULL;
}

static void stack_push(app *a, const screen_class *cls, const void *arg) {
  if (a->depth == APP_STACK_MAX) {
    LOG_E("app", "screen stack full pushing %s", cls->name);
    return;
  }
  void *state = cls->state_size ? calloc(1, cls->state_size) : NULL;
  if (cls->state_size && !state) {
    LOG_E("app", "out of memory entering %s", cls->name);
    return;
  }
  a->stack[a->depth].cls = cls;
  a->stack[a->depth].state = state;
  a->depth++;
  if (cls->enter)
    cls->enter(a, state, arg);
  LOG_D("app", "screen %s", cls->name);
}

static const screen_class *root_screen(const app *a) {
  return a->content ? &screen_home : &screen_out_of_service;
}

void app_apply_pending(app *a) {
  pending_op op = a->op;
  const screen_class *cls = a->op_cls;
  const void *arg = a->op_arg;
  a->op = OP_NONE;
  if (op != OP_NONE)
    a->confirm_op = OP_NONE; /* the question was about the screen left */
  switch (op) {
  case OP_NONE:
    return;
  case OP_PUSH:
    stack_push(a, cls, arg);
    break;
  case OP_REPLACE:
    if (a->depth > 1)
      stack_pop_one(a);
    stack_push(a, cls, arg);
    break;
  case OP_POP:
    if (a->depth > 1)
      stack_pop_one(a);
    break;
  case OP_HOME:
    while (a->depth > 1)
      stack_pop_one(a);
    break;
  case OP_END_SESSION:
    while (a->depth > 0)
      stack_pop_one(a);
    a->warning = 0;
    session_end(&a->sess);
    /* A held content update may have been swapped in by session_end. */
    if (a->content)
      net_host_set_content_version(a->net, content_version(a->content));
    a->idle_since_ms = app_now(a);
    stack_push(a, root_screen(a), NULL);
    LOG_I("app", "session ended");
    break;
  }
  a->ui.pressed[0] = '\0';
  a->dirty = 1;
  keynav_clear(a); /* a new screen starts unfocused */
  /* A new screen: what was being read is about the old one. */
  speech_stop(a->speech);
  app_announce(a);
}

/* ------------------------------------------------------------------ */
/* wipers registered with the session */

/* SDL keeps consumed events in a free list without clearing them, and a
 * text event carries what was typed: refill the recycled entries with
 * blank events of our own and take them out again. Other pending events
 * stay queued. */
static void wipe_event_queue(app *a) {
  if (!a->blank_event)
    a->blank_event = SDL_RegisterEvents(1);
  if (a->blank_event == (Uint32)-1)
    return;
  Uint32 blank_type = a->blank_event;
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = blank_type;
  for (int i = 0; i < 256; i++)
    if (SDL_PushEvent(&ev) != 1)
      break;
  SDL_FlushEvent(blank_type);
}

static void wipe_ui(void *ud) {
  app *a = ud;
  /* The registry and the text cache may hold what the applicant typed. */
  session_wipe_bytes(a->ui.targets, sizeof a->ui.targets);
  session_wipe_bytes(a->ui.texts, sizeof a->ui.texts);
  a->ui.n_targets = a->ui.n_texts = 0;
  keynav_clear(a);
  text_forget(a->text);
  wipe_event_queue(a);
}

static void reset_prefs(void *ud) {
  app *a = ud;
  app_set_elder(a, a->cfg.elder_default);
  /* Silence, the default volume, and nothing of what was read kept. */
  speech_stop(a->speech);
  speech_set_volume(a->speech, a->cfg.speech_volume);
  a->speak_now = a->announce = a->listened = a->keypad = 0;
  session_wipe_bytes(a->spoken, sizeof a->spoken);
}

/* ------------------------------------------------------------------ */
/* reading aloud */

/* Which speaker the configuration asks for ("" : the hall's speaker with a
 * window, none headless). */
static speech_output speech_out(const app *a) {
  const char *o = a->cfg.speech_output;
  if (!o[0])
    return a->headless ? SPEECH_OFF : SPEECH_SPEAKER;
  if (strcmp(o, "speaker") == 0)
    return SPEECH_SPEAKER;
  if (strcmp(o, "wav") == 0)
    return SPEECH_WAV;
  if (strcmp(o, "off") != 0)
    LOG_W("app", "speech.output \"%s\" is not speaker, wav or off: off", o);
  return SPEECH_OFF;
}

static void start_speech(app *a) {
  speech_config sc = {.output = speech_out(a),
                      .audio = shell_audio(),
                      .wav_dir = a->cfg.speech_wav_dir,
                      .volume = a->cfg.speech_volume};
  if (sc.output == SPEECH_WAV && !sc.wav_dir[0]) {
    LOG_W("app", "speech.output is wav but speech.wav_dir is empty: off");
    sc.output = SPEECH_OFF;
  }
  if (speech_create(&sc, &a->speech))
    LOG_E("app", "no speech");
  else if (sc.output == SPEECH_OFF) {
    speech_destroy(a->speech); /* nothing to say it with */
    a->speech = NULL;
  }
}

void app_listen(app *a) {
  a->speak_now = 1;
  a->listened = 1;
  a->dirty = 1;
}

int app_listening(const app *a) {
  return a->speech && (a->listened || (a->elder && a->cfg.speech_auto_elder));
}

/* A new screen or question is read by itself in the large sizes
 * (speech.auto_elder) and for whoever moves by the keypad: someone who
 * cannot see the screen needs to hear where the last key took them. */
void app_announce(app *a) {
  if (a->speech && (a->keypad || (a->elder && a->cfg.speech_auto_elder))) {
    a->announce = 1;
    a->dirty = 1;
  }
}

/* Says a->spoken as the bundle says its words are read (strings.json
 * "speak": a place name whose character reads two ways). The copy can
 * hold answers read back on the review page: wiped. */
static void say_spoken(app *a) {
  char said[APP_SAY_MAX];
  content_speak_apply(a->content, a->spoken, said, sizeof said);
  speech_say(a->speech, said);
  sodium_memzero(said, sizeof said);
}

void app_say(app *a, const char *text) {
  if (!a->speech || !text || !*text)
    return;
  a->listened = 1;
  snprintf(a->spoken, sizeof a->spoken, "%s", text);
  say_spoken(a);
}

const char *app_spoken(const app *a) { return a->spoken; }

int app_speech_wait(app *a, int timeout_ms) {
  return speech_wait(a->speech, timeout_ms) == KERR_OK;
}

/* ------------------------------------------------------------------ */
/* drawing */

void app_draw(app *a) {
  ui *u = &a->ui;
  ui_begin(u);
  /* 听一听 (or a new screen in elder mode): this frame's words are read. */
  int speak = (a->speak_now || a->announce) && a->speech;
  if (speak) {
    ui_speak_begin(u, a->spoken, sizeof a->spoken);
    if (a->say_first[0])
      ui_speak_add(u, a->say_first);
  }
  a->say_first[0] = '\0';
  if (a->depth) {
    screen_inst *s = &a->stack[a->depth - 1];
    s->cls->draw(a, s->state, u);
  }
  if (a->confirm_op != OP_NONE) {
    ui_begin_modal(u);
    confirm_words w = {
        app_str(a, "confirm.discard.title"), app_str(a, "confirm.discard.body"),
        app_str(a, "confirm.discard.stay"), app_str(a, "confirm.discard.go")};
    confirm_draw(u, &w, CHROME_CONFIRM_STAY, CHROME_CONFIRM_GO);
  }
  /* The timeout warning goes over everything, the question too. */
  if (a->warning) {
    ui_begin_modal(u);
    chrome_timeout_overlay(u, session_warning_left_s(&a->sess, app_now(a)));
  }
  keynav_draw(a);
  if (speak) {
    if (ui_speak_end(u) > 0)
      say_spoken(a);
    a->speak_now = a->announce = 0;
  }
  SDL_RenderPresent(a->ren);
  a->frames++;
  /* A question bound while drawing asks to be read: one more frame. */
  a->dirty = a->announce;
}

/* ------------------------------------------------------------------ */
/* input */

/* 返回, 回首页 or 结束 (op) on a screen that holds what the applicant filled
 * in and has not handed in: ask first. Returns 1 when the question went
 * up (the act waits for 放弃), 0 when op may go ahead now. */
static int ask_before_leaving(app *a, pending_op op) {
  if (!a->depth)
    return 0;
  screen_inst *s = &a->stack[a->depth - 1];
  if (!s->cls->unsaved || !s->cls->unsaved(a, s->state))
    return 0;
  /* 返回 to a screen below that guards the same answers (the materials
   * step over the review page) loses nothing. */
  if (op == OP_POP && a->depth >= 2 &&
      a->stack[a->depth - 2].cls->unsaved == s->cls->unsaved)
    return 0;
  a->confirm_op = op;
  a->dirty = 1;
  LOG_I("app", "asking before leaving %s", s->cls->name);
  return 1;
}

/* The answer to 「…要放弃吗？」. */
static void answer_confirm(app *a, int give_up) {
  pending_op op = a->confirm_op;
  a->confirm_op = OP_NONE;
  a->dirty = 1;
  if (!give_up)
    return;
  screen_inst *s = &a->stack[a->depth - 1];
  if (s->cls->discard)
    s->cls->discard(a, s->state);
  LOG_I("app", "given up on %s", s->cls->name);
  if (op == OP_END_SESSION) {
    app_end_session(a); /* wipes everything */
    return;
  }
  /* What was drawn of it (the frame registry, the text cache) goes too. */
  wipe_ui(a);
  request(a, op, NULL, NULL);
}

static void dispatch(app *a, const ui_event *ev) {
  if (ev->type == UI_EV_TAP) {
    LOG_D("app", "tap %s on %s", ev->id, app_screen_name(a));
    if (a->warning) {
      if (ev->action == CHROME_TIMEOUT_END)
        app_end_session(a);
      else if (ev->action == CHROME_TIMEOUT_MORE) {
        session_touch(&a->sess, app_now(a));
        a->warning = 0;
      }
      a->dirty = 1;
      return;
    }
    if (a->confirm_op != OP_NONE) {
      if (ev->action == CHROME_CONFIRM_STAY || ev->action == CHROME_CONFIRM_GO)
        answer_confirm(a, ev->action == CHROME_CONFIRM_GO);
      return;
    }
    switch (ev->action) {
    case CHROME_BACK:
      if (!ask_before_leaving(a, OP_POP))
        app_pop(a);
      return;
    case CHROME_HOME:
      if (!ask_before_leaving(a, OP_HOME))
        app_home(a);
      return;
    case CHROME_END:
      if (!ask_before_leaving(a, OP_END_SESSION))
        app_end_session(a);
      return;
    case CHROME_ELDER: {
      /* 字大一点 → 字再大一点 → 字变回原样: round the three sizes. */
      app_set_elder(a, (a->elder + 1) % THEME_SIZES);
      /* In the large sizes the screen is read again (speech.auto_elder);
       * else a word says what happened. */
      char key[16];
      snprintf(key, sizeof key, "size.now.%d", a->elder);
      app_announce(a);
      if (a->announce) /* the words first, then the screen again */
        snprintf(a->say_first, sizeof a->say_first, "%s", app_str(a, key));
      else
        app_say(a, app_str(a, key));
      return;
    }
    case CHROME_LISTEN:
      app_listen(a);
      return;
    case CHROME_VOLUME_DOWN:
    case CHROME_VOLUME_UP:
      keynav_volume(a, ev->action == CHROME_VOLUME_UP ? 1 : -1);
      return;
    }
  }
  /* While a question is up, the screen under it gets nothing. */
  if (a->warning || a->confirm_op != OP_NONE)
    return;
  if (a->depth) {
    screen_inst *s = &a->stack[a->depth - 1];
    if (s->cls->event)
      s->cls->event(a, s->state, ev);
  }
}

void app_tap_target(app *a, const ui_target *t) {
  char id[UI_ID_MAX];
  snprintf(id, sizeof id, "%s", t->id);
  ui_event ev = {.type = UI_EV_TAP,
                 .id = id,
                 .action = t->action,
                 .arg = t->arg,
                 .x = t->r.x + t->r.w / 2,
                 .y = t->r.y + t->r.h / 2};
  dispatch(a, &ev);
  a->dirty = 1;
}

/* Raw pointer events go only to a screen that asked for them. */
static void dispatch_raw(app *a, ui_event_type type, const ui_input *in,
                         const char *id) {
  if (!a->depth || !a->stack[a->depth - 1].cls->raw_pointer || a->warning ||
      a->confirm_op != OP_NONE)
    return;
  ui_event ev = {.type = type, .id = id, .x = in->x, .y = in->y};
  dispatch(a, &ev);
  a->dirty = 1;
}

void app_input(app *a, const ui_input *in) {
  uint64_t now = app_now(a);
  int slop = theme_px(&a->ui.th, 18);
  switch (in->type) {
  case UI_IN_PRESS: {
    if (!a->warning)
      session_touch(&a->sess, now);
    a->down = 1;
    a->dragging = 0;
    keynav_clear(a); /* a finger: the keypad's focus goes */
    a->down_x = a->last_x = in->x;
    a->down_y = a->last_y = in->y;
    const ui_target *t = ui_hit(&a->ui, in->x, in->y);
    snprintf(a->ui.pressed, sizeof a->ui.pressed, "%s", t ? t->id : "");
    a->dirty = 1; /* the press shows in the next frame */
    dispatch_raw(a, UI_EV_PRESS, in, t ? t->id : "");
    break;
  }
  case UI_IN_MOVE:
    if (!a->down)
      break;
    dispatch_raw(a, UI_EV_MOVE, in, "");
    if (!a->dragging &&
        (abs(in->x - a->down_x) > slop || abs(in->y - a->down_y) > slop)) {
      a->dragging = 1;
      a->ui.pressed[0] = '\0';
      a->dirty = 1;
    }
    if (a->dragging) {
      ui_event ev = {.type = UI_EV_DRAG,
                     .x = in->x,
                     .y = in->y,
                     .dx = in->x - a->last_x,
                     .dy = in->y - a->last_y};
      a->last_x = in->x;
      a->last_y = in->y;
      if (!a->warning)
        session_touch(&a->sess, now);
      dispatch(a, &ev);
    }
    break;
  case UI_IN_RELEASE: {
    if (!a->down)
      break;
    a->down = 0;
    dispatch_raw(a, UI_EV_RELEASE, in, "");
    const ui_target *t = ui_hit(&a->ui, in->x, in->y);
    char pressed[UI_ID_MAX];
    snprintf(pressed, sizeof pressed, "%s", a->ui.pressed);
    a->ui.pressed[0] = '\0';
    a->dirty = 1;
    if (a->dragging) {
      a->dragging = 0;
      ui_event ev = {.type = UI_EV_DRAG_END, .x = in->x, .y = in->y};
      dispatch(a, &ev);
      break;
    }
    if (t && pressed[0] && strcmp(t->id, pressed) == 0) {
      ui_event ev = {.type = UI_EV_TAP,
                     .id = pressed,
                     .action = t->action,
                     .arg = t->arg,
                     .x = in->x,
                     .y = in->y};
      dispatch(a, &ev);
    } else if (a->warning) {
      /* A touch anywhere else also means "still here". */
      session_touch(&a->sess, now);
      a->warning = 0;
    }
    break;
  }
  case UI_IN_KEY: {
    /* The keypad's keys first (back on the warning is 还要时间). */
    int done = keynav_key(a, in->key);
    session_touch(&a->sess, now);
    a->warning = 0;
    if (!done) {
      ui_event ev = {.type = UI_EV_KEY, .key = in->key};
      dispatch(a, &ev);
    }
    a->dirty = 1;
    break;
  }
  case UI_IN_TEXT: {
    session_touch(&a->sess, now);
    a->warning = 0;
    ui_event ev = {.type = UI_EV_TEXT, .text = in->text};
    dispatch(a, &ev);
    a->dirty = 1;
    break;
  }
  case UI_IN_RESIZE:
    app_resize(a, in->x, in->y);
    break;
  case UI_IN_EXPOSE:
    a->dirty = 1;
    break;
  case UI_IN_QUIT:
    a->running = 0;
    break;
  case UI_IN_NONE:
    break;
  }
}

/* ------------------------------------------------------------------ */
/* time */

/* Advances time-driven state (session timer) to now. */
static void app_tick(app *a) {
  uint64_t now = app_now(a);
  switch (session_poll(&a->sess, now)) {
  case SESSION_EV_WARN:
    if (a->depth <= 1) {
      /* Nothing to lose on the home screen: end quietly. */
      app_end_session(a);
    } else {
      a->warning = 1;
      LOG_I("app", "inactivity warning");
    }
    a->dirty = 1;
    break;
  case SESSION_EV_EXPIRE:
    LOG_I("app", "session timed out");
    app_end_session(a);
    break;
  case SESSION_EV_NONE:
    break;
  }
  if (a->warning)
    a->dirty = 1; /* the countdown changes each second */
}

/* Runs the top screen's tick; returns its deadline. A screen that asks to
 * run again soon is animating, so its frame is redrawn on every pass. */
static uint64_t screen_tick(app *a) {
  if (!a->depth)
    return UINT64_MAX;
  screen_inst *s = &a->stack[a->depth - 1];
  if (!s->cls->tick)
    return UINT64_MAX;
  uint64_t d = s->cls->tick(a, s->state, app_now(a));
  if (d != UINT64_MAX)
    a->dirty = 1;
  return d;
}

static uint64_t next_deadline(app *a, uint64_t screen_d) {
  uint64_t d = session_next_deadline(&a->sess, app_now(a));
  return screen_d < d ? screen_d : d;
}

/* ------------------------------------------------------------------ */
/* setup */

/* The headless frame shows whatever the applicant saw: wiped when freed. */
static void free_frame(SDL_Surface *s) {
  if (!s)
    return;
  if (s->pixels)
    session_wipe_bytes(s->pixels, (size_t)s->pitch * (size_t)s->h);
  SDL_FreeSurface(s);
}

static kerr make_renderer(app *a) {
  if (a->headless) {
    if (a->ren)
      SDL_DestroyRenderer(a->ren);
    free_frame(a->surface);
    a->surface = SDL_CreateRGBSurfaceWithFormat(0, a->w, a->h, 32,
                                                SDL_PIXELFORMAT_ARGB8888);
    if (!a->surface)
      return KERR_NOMEM;
    a->ren = SDL_CreateSoftwareRenderer(a->surface);
  } else {
    /* A board without a GPU would get a software OpenGL (llvmpipe) from
     * "accelerated", costing ~100 MiB and being slower than SDL's own
     * software renderer: auto uses a GPU only when a render node exists. */
    int accel = a->cfg.renderer == CONFIG_RENDERER_ACCELERATED ||
                (a->cfg.renderer == CONFIG_RENDERER_AUTO &&
                 access("/dev/dri/renderD128", R_OK) == 0);
    if (accel)
      a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED);
    if (!a->ren) {
      /* Without this SDL backs the window surface with an OpenGL texture
       * (and loads Mesa) even for the software renderer. */
      SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
      a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    }
  }
  if (!a->ren) {
    LOG_E("app", "cannot create renderer: %s", SDL_GetError());
    return KERR_INTERNAL;
  }
  SDL_RendererInfo info;
  if (SDL_GetRendererInfo(a->ren, &info) == 0)
    LOG_I("app", "renderer %s %dx%d", info.name, a->w, a->h);
  a->ui.ren = a->ren;
  text_set_renderer(a->text, a->ren);
  return KERR_OK;
}

kerr app_resize(app *a, int w, int h) {
  if (w == a->w && h == a->h)
    return KERR_OK;
  a->w = w;
  a->h = h;
  theme_compute(&a->ui.th, w, h, a->elder);
  a->dirty = 1;
  if (a->headless)
    return make_renderer(a);
  return KERR_OK;
}

/* Fills cfg with the defaults for where this program runs (README,
 * docs/configuration.md). Returns the configuration file to read:
 * config_path if given, else /etc/kiosk/kiosk.conf for an installed kiosk
 * when it exists, else NULL. */
static const char *choose_defaults(config *cfg, const char *config_path) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = '\0';
  int installed = config_defaults_for(cfg, exe, getenv("KIOSK_HOME"));
  if (installed && !config_path && access(CONFIG_SYSTEM_FILE, F_OK) == 0)
    return CONFIG_SYSTEM_FILE;
  return config_path;
}

/* The configuration: the file (if any), then the --set overrides in order.
 * Messages go to the log and stderr; a is not freed here. */
static kerr load_config(app *a, const app_options *o) {
  const char *config_path = choose_defaults(&a->cfg, o->config_path);
  if (config_path) {
    char err[600];
    kerr e = config_load(&a->cfg, config_path, err, sizeof err);
    if (e) {
      LOG_E("config", "%s", err);
      fprintf(stderr, "kiosk: %s\n", err);
      return e;
    }
  }
  for (int i = 0; i < o->n_sets; i++) {
    char key[128], err[600];
    const char *eq = strchr(o->sets[i], '=');
    size_t kl = eq ? (size_t)(eq - o->sets[i]) : 0;
    if (!eq || kl == 0 || kl >= sizeof key) {
      fprintf(stderr, "kiosk: --set wants key=value, got '%s'\n", o->sets[i]);
      return KERR_INVALID;
    }
    memcpy(key, o->sets[i], kl);
    key[kl] = '\0';
    kerr e = config_set(&a->cfg, key, eq + 1, err, sizeof err);
    if (e) {
      fprintf(stderr, "kiosk: --set: %s\n", err);
      return e;
    }
  }
  return KERR_OK;
}

/* Fonts, the window (unless headless), the theme and the renderer. On
 * failure the caller destroys a. */
static kerr open_display(app *a, const app_options *o) {
  char err[600];
  kerr e = text_create(a->cfg.fonts_file, TEXT_CACHE_BYTES, &a->text, err,
                       sizeof err);
  if (e) {
    LOG_E("text", "%s", err);
    fprintf(stderr, "kiosk: %s\n", err);
    return e;
  }
  if (!a->headless) {
    int fullscreen = a->cfg.fullscreen && !o->window;
    Uint32 wflags = SDL_WINDOW_ALLOW_HIGHDPI;
    if (fullscreen)
      wflags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    a->win = SDL_CreateWindow("社会救助自助服务", SDL_WINDOWPOS_CENTERED,
                              SDL_WINDOWPOS_CENTERED, a->w, a->h, wflags);
    if (!a->win) {
      LOG_E("app", "cannot open window: %s", SDL_GetError());
      return KERR_INTERNAL;
    }
    SDL_GetWindowSize(a->win, &a->w, &a->h);
    if (fullscreen)
      SDL_ShowCursor(SDL_DISABLE);
  }
  a->ui.text = a->text;
  a->ui.str = ui_words;
  a->ui.str_ud = a;
  theme_compute(&a->ui.th, a->w, a->h, a->elder);
  return make_renderer(a);
}

/* The session and the services around it. Only the content host and the
 * selection are required (their error is returned, the caller destroys a);
 * without any other the kiosk runs on, with the reason logged. */
static kerr start_services(app *a) {
  session_init(&a->sess, a->cfg.inactivity_s, a->cfg.warning_s);
  svc_wake wake = shell_wake();
  kerr e = content_host_create(
      &(content_host_config){
          .cfg = &a->cfg, .wait_sync = a->virtual_clock, .wake = wake},
      &a->sess, &a->content, &a->contenth);
  if (e)
    return e;
  if (staff_host_create(&a->sess, &a->staff))
    LOG_E("app", "no staff sign-in");
  start_speech(a);
  session_add_wiper(&a->sess, reset_prefs, a);
  session_add_wiper(&a->sess, wipe_ui, a);
  if (ime_host_create(
          &(ime_host_config){.tmp_dir = a->cfg.runtime_dir,
                             .rime_dir = a->cfg.rime_dir,
                             .wake = wake,
                             .release_after_s = a->cfg.ime_release_s},
          &a->sess, &a->ime))
    LOG_E("app", "no input methods");
  e = selection_init(&a->chosen, &a->sess);
  if (e)
    return e;
  net_host_config nc = {.cfg = &a->cfg,
                        .content_version =
                            a->content ? content_version(a->content) : NULL,
                        .wait_queries = a->virtual_clock,
                        .wake = wake};
  if (net_host_create(&nc, &a->net))
    LOG_E("app", "no network host");
  if (form_host_create(&(form_host_config){.runtime_dir = a->cfg.runtime_dir,
                                           .private_point = a->virtual_clock},
                       &a->sess, &a->form))
    LOG_E("app", "no form host");
  /* The ID card reader: without one (or with one that fails) the
   * applicant types, as always. */
  if (idcard_host_create(&(idcard_host_config){.cfg = &a->cfg, .wake = wake},
                         &a->sess, &a->idcard))
    LOG_E("app", "no ID card reader service");
  /* The document camera: without one the applicant brings the papers. */
  if (camera_host_create(&(camera_host_config){.cfg = &a->cfg, .wake = wake},
                         &a->sess, &a->camera))
    LOG_E("app", "no document camera service");
  /* The receipt renderer's own fonts, opened once here (a missing font
   * shows at start); without them every print job fails with a reason. */
  char err[600];
  if (receipt_renderer_create(a->cfg.fonts_file, &a->receipts, err,
                              sizeof err) != KERR_OK) {
    LOG_E("print", "no fonts for receipts: %s", err);
    a->receipts = NULL;
  }
  if (print_host_create(
          &(print_host_config){.cfg = &a->cfg,
                               .wait_jobs = a->virtual_clock,
                               .wake = wake,
                               .render = a->receipts ? receipt_render : NULL,
                               .render_ud = a->receipts},
          &a->print))
    LOG_E("app", "no receipt printer service");
  return KERR_OK;
}

kerr app_create(const app_options *o, app **out) {
  *out = NULL;
  app *a = calloc(1, sizeof *a);
  if (!a)
    return KERR_NOMEM;
  kerr e = load_config(a, o);
  if (e) {
    free(a);
    return e;
  }
  log_set_level((log_level)a->cfg.log_level);
  keynav_init(a);
  /* The process holds an applicant's answers: no core dump, no ptrace or
   * /proc/PID/mem by other processes of the same user. */
  if (!a->cfg.dumpable && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    LOG_W("app", "cannot make the process non-dumpable");
  a->headless = o->headless;
  a->w = o->width ? o->width : a->cfg.width;
  a->h = o->height ? o->height : a->cfg.height;
  a->elder = o->elder >= 0 ? o->elder : a->cfg.elder_default;
  if (o->elder >= 0)
    a->cfg.elder_default = o->elder;
  a->virtual_clock = o->headless && o->script_path;
  a->vnow_ms = 1000;
  if (o->shots_dir)
    snprintf(a->shots_dir, sizeof a->shots_dir, "%s", o->shots_dir);

  Uint32 flags = SDL_INIT_EVENTS | SDL_INIT_TIMER;
  if (!a->headless)
    flags |= SDL_INIT_VIDEO;
  if (SDL_Init(flags) != 0) {
    LOG_E("app", "SDL_Init: %s", SDL_GetError());
    free(a);
    return KERR_INTERNAL;
  }
  e = open_display(a, o);
  if (e)
    goto fail;
  e = start_services(a);
  if (e)
    goto fail;
  if (o->script_path) {
    char err[600];
    e = app_script_load(o->script_path, &a->script, err, sizeof err);
    if (e) {
      LOG_E("script", "%s", err);
      fprintf(stderr, "kiosk: %s\n", err);
      goto fail;
    }
  }
  stack_push(a, root_screen(a), NULL);
  a->idle_since_ms = app_now(a);
  a->wd_interval_ms = sdnotify_watchdog_ms(1); /* 1: cage is the main PID */
  a->wd_next_ms = SDL_GetTicks64();
  a->running = 1;
  a->dirty = 1;
  *out = a;
  return KERR_OK;
fail:
  app_destroy(a);
  return e ? e : KERR_INTERNAL;
}

void app_destroy(app *a) {
  if (!a)
    return;
  while (a->depth > 0)
    stack_pop_one(a);
  /* First, so that the session end below does not load a fresh pinyin
   * engine only to destroy it. */
  ime_host_close(a->ime);
  if (a->sess.n_wipers)
    session_end(&a->sess);
  ime_host_destroy(a->ime);
  speech_destroy(a->speech);
  idcard_host_destroy(a->idcard);
  camera_host_destroy(a->camera);
  print_host_destroy(a->print);
  receipt_renderer_destroy(a->receipts);
  net_host_destroy(a->net);
  staff_host_destroy(a->staff);
  content_host_destroy(a->contenth);
  form_host_destroy(a->form);
  app_script_destroy(a->script);
  text_destroy(a->text);
  if (a->ren)
    SDL_DestroyRenderer(a->ren);
  free_frame(a->surface);
  if (a->win)
    SDL_DestroyWindow(a->win);
  content_destroy(a->content);
  free(a);
  SDL_Quit();
}

/* A service reported (shell/wake.h): decide what the screen does about
 * it. Only what shows the service's state is redrawn. */
static void on_service(app *a, svc_source src, int code) {
  const char *top = app_screen_name(a);
  switch (src) {
  case SVC_NET:
    /* The staff view and the receipt show delivery state; a query answer
     * is awaited by the screen that asked. */
    if ((code == NET_HOST_EV_DELIVERY &&
         (strcmp(top, "staff_outbox") == 0 || strcmp(top, "receipt") == 0)) ||
        code == NET_HOST_EV_QUERY)
      app_dirty(a);
    break;
  case SVC_CONTENT:
    if (content_host_take(a->contenth)) {
      if (a->sess.state == SESSION_IDLE) {
        LOG_I("content", "nobody is using the kiosk: switching now");
        app_end_session(a);
      } else {
        LOG_I("content", "update held until the session ends");
      }
    }
    if (strncmp(top, "staff", 5) == 0)
      app_dirty(a);
    break;
  case SVC_IDCARD:
    /* A card was read (the form takes it in its tick) or the reader's
     * state changed (the staff menu and the 刷身份证 button show it). */
    app_dirty(a);
    break;
  case SVC_CAMERA: /* a preview frame, a page taken, the state */
  case SVC_PRINT:
  case SVC_IME:
  case SVC_COUNT:
    app_dirty(a);
    break;
  }
}

void app_handle_sdl(app *a, const SDL_Event *ev) {
  ui_input in;
  svc_source src;
  int code;
  if (shell_wake_match(ev, &src, &code, NULL, NULL)) {
    on_service(a, src, code);
    return;
  }
  if (ui_translate(ev, a->w, a->h, &in))
    app_input(a, &in);
}

/* ------------------------------------------------------------------ */
/* what screens may ask of the shell (screens/screen.h) */

form_host *app_form(app *a) { return a->form; }
net_host *app_net(app *a) { return a->net; }
staff_host *app_staff(app *a) { return a ? a->staff : NULL; }
print_host *app_print(app *a) { return a->print; }
content_host *app_content_host(app *a) { return a ? a->contenth : NULL; }
ime_set *app_ime(app *a) { return ime_host_set(a->ime); }
selection *app_selection(app *a) { return &a->chosen; }
idcard_host *app_idcard(app *a) { return a ? a->idcard : NULL; }
camera_host *app_camera(app *a) { return a ? a->camera : NULL; }

int app_test_hooks(const app *a) { return a->headless && a->script != NULL; }

const char *app_assisted_by(app *a) {
  const staff_who *w = staff_host_who(app_staff(a));
  return w ? w->id : NULL;
}

const char *app_receipt_status_url(const app *a) {
  return a->cfg.receipt_status_url;
}

int app_default_elder(app *a) { return a->cfg.elder_default; }

void app_set_default_elder(app *a, int size) {
  a->cfg.elder_default = size < 0              ? 0
                         : size >= THEME_SIZES ? THEME_SIZES - 1
                                               : size;
  LOG_I("staff", "new sessions start in text size %d", a->cfg.elder_default);
}

kerr app_quit_by_admin(app *a) {
  const staff_who *w = staff_host_who(app_staff(a));
  if (!w || !staff_host_is_admin(app_staff(a)))
    return KERR_DENIED;
  LOG_I("staff", "%s left the kiosk program", w->id);
  a->running = 0;
  return KERR_OK;
}

/* Tells the service manager the kiosk is up (once the first frame is on
 * screen) and still alive, and lets the input-method service release idle
 * engines. Called once per pass of the loop, so a screen that hangs in an
 * event or a draw stops the pings and systemd restarts the kiosk. Returns
 * the milliseconds until the next ping or release is due (a deadline for
 * the loop's wait), or UINT64_MAX when there is none. */
static uint64_t service_tick(app *a) {
  if (!a->ready_sent && a->frames > 0) {
    char status[80];
    snprintf(status, sizeof status, "showing %s", app_screen_name(a));
    sdnotify_ready(status);
    a->ready_sent = 1;
  }
  uint64_t ime_d = ime_host_tick(a->ime, app_now(a));
  if (!a->wd_interval_ms)
    return ime_d;
  uint64_t now = SDL_GetTicks64();
  if (now >= a->wd_next_ms) {
    sdnotify_watchdog();
    a->wd_next_ms = now + a->wd_interval_ms;
  }
  return a->wd_next_ms - now < ime_d ? a->wd_next_ms - now : ime_d;
}

int app_run(app *a) {
  while (a->running) {
    SDL_Event ev;
    while (SDL_PollEvent(&ev))
      app_handle_sdl(a, &ev);
    app_apply_pending(a);
    app_tick(a);
    uint64_t screen_d = screen_tick(a);
    app_apply_pending(a);
    if (a->dirty)
      app_draw(a);
    uint64_t service_d = service_tick(a);
    if (!a->running)
      break;
    if (a->script) {
      int r = app_script_step(a, a->script);
      if (r < 0) {
        a->exit_code = 1;
        break;
      }
      if (r == 0)
        break;
      continue;
    }
    uint64_t wait = next_deadline(a, screen_d);
    if (service_d < wait)
      wait = service_d;
    int got;
    if (wait == UINT64_MAX)
      got = SDL_WaitEvent(&ev);
    else
      got = SDL_WaitEventTimeout(&ev, wait > 60000 ? 60000 : (int)wait + 1);
    if (got)
      app_handle_sdl(a, &ev);
  }
  if (a->ready_sent)
    sdnotify_stopping();
  return a->exit_code;
}

/* ------------------------------------------------------------------ */
/* command line */

static void usage(FILE *f) {
  fputs("Usage: kiosk [options]\n"
        "The township social-assistance self-service kiosk: policies, an\n"
        "eligibility screener, one combined application form, receipts and\n"
        "progress queries, on a full-screen touch display.\n"
        "\n"
        "Options:\n"
        "  --config PATH     configuration file (see docs/configuration.md)\n"
        "  --set KEY=VALUE   override one configuration key (repeatable)\n"
        "  --window WxH      run in a window of that size (development)\n"
        "  --headless        no display: software rendering into memory\n"
        "  --script FILE     run a script of input (docs/scripting.md)\n"
        "  --shots DIR       where the script's screenshots go\n"
        "  --elder           start in the large text size (--text-size 1)\n"
        "  --text-size N     start in text size N: 0 standard, 1 large, 2 "
        "larger\n"
        "  --help            print this help and exit\n"
        "  --version         print the version and exit\n"
        "\n"
        "The kiosk finds assets/ and fonts/ under $KIOSK_HOME.\n",
        f);
}

/* A usage error: why, then the usage, on stderr; exit status 2. */
static int bad_usage(const char *fmt, const char *arg) {
  fputs("kiosk: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n", stderr);
  usage(stderr);
  return 2;
}

int app_main(int argc, char **argv) {
  enum {
    O_CONFIG = 1000,
    O_SET,
    O_WINDOW,
    O_HEADLESS,
    O_SCRIPT,
    O_SHOTS,
    O_ELDER,
    O_TEXT_SIZE,
    O_HELP,
    O_VERSION
  };
  static const struct option opts[] = {
      {"config", required_argument, NULL, O_CONFIG},
      {"set", required_argument, NULL, O_SET},
      {"window", required_argument, NULL, O_WINDOW},
      {"headless", no_argument, NULL, O_HEADLESS},
      {"script", required_argument, NULL, O_SCRIPT},
      {"shots", required_argument, NULL, O_SHOTS},
      {"elder", no_argument, NULL, O_ELDER},
      {"text-size", required_argument, NULL, O_TEXT_SIZE},
      {"help", no_argument, NULL, O_HELP},
      {"version", no_argument, NULL, O_VERSION},
      {0}};
  app_options o = {.elder = -1};
  int ch;
  char extra;
  optind = 0;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case O_HELP:
      usage(stdout);
      return 0;
    case O_VERSION:
      puts("kiosk " KIOSK_VERSION);
      return 0;
    case O_HEADLESS:
      o.headless = 1;
      break;
    case O_ELDER:
      o.elder = THEME_SIZE_LARGE;
      break;
    case O_TEXT_SIZE:
      if (sscanf(optarg, "%d%c", &o.elder, &extra) != 1 || o.elder < 0 ||
          o.elder >= THEME_SIZES)
        return bad_usage("--text-size wants 0, 1 or 2, got '%s'", optarg);
      break;
    case O_CONFIG:
      o.config_path = optarg;
      break;
    case O_SET:
      if (o.n_sets == (int)(sizeof o.sets / sizeof o.sets[0])) {
        fprintf(stderr, "kiosk: too many --set options\n");
        return 2;
      }
      o.sets[o.n_sets++] = optarg;
      break;
    case O_SCRIPT:
      o.script_path = optarg;
      break;
    case O_SHOTS:
      o.shots_dir = optarg;
      break;
    case O_WINDOW:
      if (sscanf(optarg, "%dx%d%c", &o.width, &o.height, &extra) != 2 ||
          o.width < 320 || o.height < 320 || o.width > 7680 || o.height > 7680)
        return bad_usage("--window wants WIDTHxHEIGHT, got '%s'", optarg);
      o.window = 1;
      break;
    case ':':
      return bad_usage("option '%s' needs a value", argv[optind - 1]);
    default:
      return bad_usage("unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return bad_usage("unexpected argument '%s'", argv[optind]);
  if (o.shots_dir && fs_make_dirs(o.shots_dir, 0755) != 0) {
    fprintf(stderr, "kiosk: cannot create %s\n", o.shots_dir);
    return 2;
  }
  app *a;
  kerr e = app_create(&o, &a);
  if (e)
    return 1;
  int rc = app_run(a);
  app_destroy(a);
  return rc;
}
