/* keynav: see keynav.h. */
#include "shell/keynav.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "devices/speech.h"
#include "shell/shell.h"
#include "widgets/chrome.h"
#include "widgets/confirm.h"

#define VOLUME_STEP 10

/* Parses "Return,Keypad Enter" into keys (0-terminated, at most n). */
static void parse_names(const char *names, const char *what, int *keys, int n) {
  int k = 0;
  const char *p = names;
  memset(keys, 0, sizeof *keys * (size_t)n);
  while (*p && k < n) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char name[64];
    while (len && (*p == ' ' || *p == '\t')) {
      p++;
      len--;
    }
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
      len--;
    if (len && len < sizeof name) {
      memcpy(name, p, len);
      name[len] = '\0';
      SDL_Keycode code = SDL_GetKeyFromName(name);
      if (code == SDLK_UNKNOWN)
        LOG_W("keys", "keys.%s: unknown key name \"%s\"", what, name);
      else
        keys[k++] = (int)code;
    }
    if (!comma)
      break;
    p = comma + 1;
  }
}

void keynav_init(app *a) {
  const config *c = &a->cfg;
  const struct {
    const char *names, *what;
  } acts[KEYNAV_ACTS] = {
      [KEYNAV_UP] = {c->keys_up, "up"},
      [KEYNAV_DOWN] = {c->keys_down, "down"},
      [KEYNAV_LEFT] = {c->keys_left, "left"},
      [KEYNAV_RIGHT] = {c->keys_right, "right"},
      [KEYNAV_ENTER] = {c->keys_enter, "enter"},
      [KEYNAV_BACK] = {c->keys_back, "back"},
      [KEYNAV_HELP] = {c->keys_help, "help"},
      [KEYNAV_VOLUME_UP] = {c->keys_volume_up, "volume_up"},
      [KEYNAV_VOLUME_DOWN] = {c->keys_volume_down, "volume_down"},
  };
  for (int i = 0; i < KEYNAV_ACTS; i++)
    parse_names(acts[i].names, acts[i].what, a->keymap[i], KEYNAV_KEYS_PER_ACT);
  keynav_clear(a);
}

void keynav_clear(app *a) {
  a->focus[0] = '\0';
  a->focus_at = -1;
}

/* The act key k does, or -1. */
static int act_of(const app *a, int k) {
  for (int i = 0; i < KEYNAV_ACTS; i++)
    for (int j = 0; j < KEYNAV_KEYS_PER_ACT && a->keymap[i][j]; j++)
      if (a->keymap[i][j] == k)
        return i;
  return -1;
}

/* Index of the focused target in the last frame, or -1: the same id at
 * the same place first (ids can repeat), else the first with the id. */
static int focused(const app *a) {
  const ui *u = &a->ui;
  if (!a->focus[0])
    return -1;
  if (a->focus_at >= u->modal_from && a->focus_at < u->n_targets &&
      strcmp(u->targets[a->focus_at].id, a->focus) == 0)
    return a->focus_at;
  for (int i = u->modal_from; i < u->n_targets; i++)
    if (strcmp(u->targets[i].id, a->focus) == 0)
      return i;
  return -1;
}

/* The top bar is the same on every screen: a first step lands on the
 * screen's own content, and the bar is reached by going up from it. */
static int is_chrome(const ui_target *t) {
  return strncmp(t->id, "nav.", 4) == 0 || strcmp(t->id, NAV_LISTEN) == 0;
}

/* What is said for target t: its label (the question for a text field,
 * never what was typed), or a word for an unlabelled or private one. */
static void say_target(app *a, const ui_target *t) {
  if (t->priv) {
    app_say(a, app_str(a, "keys.private"));
    return;
  }
  app_say(a, t->say[0] ? t->say : t->label[0] ? t->label : t->id);
}

/* The order the focus goes through the targets of the top layer: drawing
 * order, the keyboard's keys last (a form draws its keyboard before the
 * question's own field and 下一步). Returns the count. */
static int focus_order(const ui *u, int *order) {
  int n = 0;
  for (int pass = 0; pass < 2; pass++)
    for (int i = u->modal_from; i < u->n_targets; i++) {
      const ui_target *t = &u->targets[i];
      int key = strncmp(t->id, "kbd.", 4) == 0;
      if (t->enabled && key == pass)
        order[n++] = i;
    }
  return n;
}

/* Where a step (+1 down, -1 up) from the target at registry index at (-1:
 * none) goes in order[0..n): the position in order. */
static int next_in_order(const ui *u, const int *order, int n, int at,
                         int step) {
  int k = -1;
  for (int j = 0; j < n && at >= 0; j++)
    if (order[j] == at)
      k = j;
  if (k >= 0)
    return (k + step + n) % n;
  /* The first step: the first (last) target of the content. */
  for (int j = 0; j < n; j++) {
    int m = step > 0 ? j : n - 1 - j;
    if (!is_chrome(&u->targets[order[m]]))
      return m;
  }
  return step > 0 ? 0 : n - 1;
}

static void move(app *a, int step) {
  const ui *u = &a->ui;
  int order[UI_MAX_TARGETS];
  int n = focus_order(u, order);
  if (!n)
    return;
  int k = next_in_order(u, order, n, focused(a), step);
  const ui_target *t = &u->targets[order[k]];
  snprintf(a->focus, sizeof a->focus, "%s", t->id);
  a->focus_at = order[k];
  LOG_D("keys", "focus %s", t->id);
  say_target(a, t);
  a->dirty = 1;
}

int keynav_check(const app *a, char *err, size_t errlen) {
  const ui *u = &a->ui;
  int order[UI_MAX_TARGETS];
  int n = focus_order(u, order);
  err[0] = '\0';
  for (int k = 0; k < n; k++) {
    const ui_target *t = &u->targets[order[k]];
    /* The focus finds a target by its id: two alike on one layer and the
     * keypad cannot tell them apart. */
    for (int j = 0; j < k; j++)
      if (strcmp(u->targets[order[j]].id, t->id) == 0) {
        snprintf(err, errlen, "two targets '%s' on one screen", t->id);
        return 0;
      }
    /* enter sends the tap the target itself would get: a finger at its
     * centre must reach the same target, not one drawn over it. */
    const ui_target *hit = ui_hit(u, t->r.x + t->r.w / 2, t->r.y + t->r.h / 2);
    if (hit != t && (!hit || strcmp(hit->id, t->id) != 0 ||
                     hit->action != t->action || hit->arg != t->arg)) {
      snprintf(err, errlen,
               "enter on '%s' is not what a tap does: a tap on its centre "
               "reaches '%s'",
               t->id, hit ? hit->id : "nothing");
      return 0;
    }
  }
  /* down from nothing, n times: every target once, then the first again. */
  unsigned char seen[UI_MAX_TARGETS] = {0};
  int at = -1, first = -1;
  for (int step = 0; step <= n && n; step++) {
    int k = next_in_order(u, order, n, at, 1);
    if (step == n) {
      if (k != first) {
        snprintf(err, errlen, "down after the last target does not go round");
        return 0;
      }
      break;
    }
    if (seen[k]) {
      snprintf(err, errlen, "down visits '%s' twice in one round",
               u->targets[order[k]].id);
      return 0;
    }
    seen[k] = 1;
    if (first < 0)
      first = k;
    at = order[k];
  }
  return 1;
}

/* The target with this id in the last frame's top layer, or NULL. */
static const ui_target *find_id(const app *a, const char *id) {
  const ui *u = &a->ui;
  for (int i = u->n_targets - 1; i >= u->modal_from; i--)
    if (strcmp(u->targets[i].id, id) == 0)
      return &u->targets[i];
  return NULL;
}

static void enter(app *a) {
  int at = focused(a);
  if (at < 0)
    return;
  ui_target t = a->ui.targets[at]; /* the tap may redraw the registry */
  size_t n = strlen(t.id);
  /* A writing surface wants a finger: say who can help instead. */
  if (strcmp(t.id, "sign.pad") == 0) {
    app_say(a, app_str(a, "keys.sign_pad"));
    return;
  }
  if (n >= 4 && strcmp(t.id + n - 4, ".pad") == 0) {
    app_say(a, app_str(a, "keys.pad"));
    return;
  }
  app_tap_target(a, &t);
}

static void back(app *a) {
  static const char *const order[] = {CONFIRM_STAY, TIMEOUT_MORE, NAV_BACK,
                                      NAV_HOME};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const ui_target *t = find_id(a, order[i]);
    if (t) {
      ui_target copy = *t;
      app_tap_target(a, &copy);
      return;
    }
  }
}

void keynav_volume(app *a, int dir) {
  if (!a->speech)
    return;
  int step = dir < 0 ? -VOLUME_STEP : VOLUME_STEP;
  int v = speech_volume(a->speech) + step;
  v = v < 0 ? 0 : v > 100 ? 100 : v;
  speech_set_volume(a->speech, v);
  char level[8], words[128];
  snprintf(level, sizeof level, "%d", v / VOLUME_STEP);
  chrome_format(words, sizeof words, app_str(a, "keys.volume"), "level", level);
  app_say(a, words);
}

/* 1 while a keyboard is on screen: typing owns left, right, enter and
 * back until a target has the keypad's focus. */
static int typing(const app *a) {
  const ui *u = &a->ui;
  for (int i = u->modal_from; i < u->n_targets; i++)
    if (strncmp(u->targets[i].id, "kbd.", 4) == 0)
      return 1;
  return 0;
}

static int key_act(app *a, int key) {
  int act = act_of(a, key);
  if (act < 0)
    return 0;
  int has_focus = focused(a) >= 0;
  switch ((keynav_act)act) {
  case KEYNAV_UP:
    move(a, -1);
    return 1;
  case KEYNAV_DOWN:
    move(a, 1);
    return 1;
  case KEYNAV_LEFT:
  case KEYNAV_RIGHT:
    if (!has_focus && typing(a))
      return 0;
    move(a, act == KEYNAV_LEFT ? -1 : 1);
    return 1;
  case KEYNAV_ENTER:
    if (!has_focus)
      return 0;
    enter(a);
    return 1;
  case KEYNAV_BACK:
    if (!has_focus && typing(a))
      return 0;
    back(a);
    return 1;
  case KEYNAV_HELP:
    app_say(a, app_str(a, "keys.help"));
    return 1;
  case KEYNAV_VOLUME_UP:
  case KEYNAV_VOLUME_DOWN:
    keynav_volume(a, act == KEYNAV_VOLUME_UP ? 1 : -1);
    return 1;
  case KEYNAV_ACTS:
    break;
  }
  return 0;
}

int keynav_key(app *a, int key) {
  if (!key_act(a, key))
    return 0;
  a->keypad = 1; /* from now on each new screen is read (app_announce) */
  return 1;
}

/* Fills the frame of rectangle r, t pixels thick, inside r. */
static void frame_rect(SDL_Renderer *ren, SDL_Rect r, int t) {
  SDL_Rect bars[4] = {{r.x, r.y, r.w, t},
                      {r.x, r.y + r.h - t, r.w, t},
                      {r.x, r.y, t, r.h},
                      {r.x + r.w - t, r.y, t, r.h}};
  SDL_RenderFillRects(ren, bars, 4);
}

void keynav_draw(app *a) {
  if (!a->focus[0])
    return;
  int at = focused(a);
  if (at < 0) {
    keynav_clear(a); /* its target is gone (a new page, a closed list) */
    return;
  }
  const ui *u = &a->ui;
  const theme *th = &u->th;
  a->focus_at = at;
  /* Dark outside, bright inside: it shows on light and dark buttons. */
  int t = theme_px(th, 6);
  if (t < 3)
    t = 3;
  SDL_Rect r = u->targets[at].r;
  SDL_Rect out = {r.x - t, r.y - t, r.w + 2 * t, r.h + 2 * t};
  SDL_Rect whole = {0, 0, th->w, th->h};
  SDL_IntersectRect(&out, &whole, &out);
  SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);
  SDL_SetRenderDrawColor(a->ren, th->text.r, th->text.g, th->text.b, 255);
  frame_rect(a->ren, out, t);
  SDL_Rect in = {out.x + t, out.y + t, out.w - 2 * t, out.h - 2 * t};
  SDL_SetRenderDrawColor(a->ren, th->focus.r, th->focus.g, th->focus.b, 255);
  frame_rect(a->ren, in, t);
}
