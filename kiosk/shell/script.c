/* script: scripted runs of the kiosk (docs/scripting.md).
 *
 * A script is a list of commands, one per line. Input commands push real
 * SDL events, so they go through the same translation and hit-testing as a
 * finger. A tap is split over two steps (press, then release) so the frame
 * in between shows the press. In headless runs the clock is virtual: `wait`
 * advances it, so a 90-second timeout takes no real time. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "services/camera_host.h"
#include "services/idcard_host.h"
#include "services/ime_host.h"
#include "shell/shell.h"
#include "ui/png.h"

#define SCRIPT_MAX_LINES 4000
#define SCRIPT_LINE_MAX 512
/* How long a `wait` in virtual time waits, in real time, for the engines. */
#define SCRIPT_SETTLE_MS 10000

typedef struct cmd {
  int lineno;
  char verb[24];
  char arg1[SCRIPT_LINE_MAX];
  char arg2[SCRIPT_LINE_MAX];
} cmd;

struct app_script {
  char path[512];
  cmd *cmds;
  int n, next;
  /* a tap in progress: release at (rx, ry) on the next step */
  int release_pending, rx, ry;
  /* a wait in progress: virtual milliseconds still to pass */
  uint64_t wait_left;
  uint64_t settle_until; /* real ms: after a virtual wait, engines answer */
  int settle_ticked;     /* one loop turn since they answered (its ticks
                            took the answer in) */
  /* a hold in progress: real milliseconds still to pass */
  uint64_t hold_left;
  /* seek / page-to-end: page.down taps made for the current command */
  int paging;
  int paging_up; /* seek: the end was reached, now paging up */
  /* key-to: downs pressed for the current command */
  int stepping;
};

#define SCRIPT_MAX_PAGES 40

/* Reads one token: a "quoted string" (with \" and \\) or a bare word. */
static const char *token(const char *s, char *out, size_t outlen, int *ok) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = 0;
  *ok = 1;
  if (*s == '"') {
    s++;
    while (*s && *s != '"') {
      if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
        s++;
      if (n + 1 < outlen)
        out[n++] = *s;
      s++;
    }
    if (*s != '"')
      *ok = 0;
    else
      s++;
  } else {
    while (*s && *s != ' ' && *s != '\t') {
      if (n + 1 < outlen)
        out[n++] = *s;
      s++;
    }
  }
  out[n] = '\0';
  return s;
}

kerr app_script_load(const char *path, app_script **out, char *err,
                     size_t errlen) {
  *out = NULL;
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open script", path);
    return KERR_IO;
  }
  app_script *s = calloc(1, sizeof *s);
  cmd *cmds = calloc(SCRIPT_MAX_LINES, sizeof *cmds);
  if (!s || !cmds) {
    free(s);
    free(cmds);
    fclose(f);
    return KERR_NOMEM;
  }
  s->cmds = cmds;
  snprintf(s->path, sizeof s->path, "%s", path);
  /* A script types synthetic personal data: read it through a buffer of our
   * own so no copy is left in a freed stdio buffer. */
  char fbuf[4096];
  setvbuf(f, fbuf, _IOFBF, sizeof fbuf);
  char line[SCRIPT_LINE_MAX * 2];
  int lineno = 0;
  kerr e = KERR_OK;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    line[strcspn(line, "\r\n")] = '\0';
    const char *p = line;
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p || *p == '#')
      continue;
    if (s->n == SCRIPT_MAX_LINES) {
      snprintf(err, errlen, "%s:%d: script longer than %d commands", path,
               lineno, SCRIPT_MAX_LINES);
      e = KERR_LIMIT;
      break;
    }
    cmd *c = &s->cmds[s->n];
    int ok1, ok2, ok3;
    p = token(p, c->verb, sizeof c->verb, &ok1);
    p = token(p, c->arg1, sizeof c->arg1, &ok2);
    const char *rest = p;
    p = token(p, c->arg2, sizeof c->arg2, &ok3);
    /* expect pages takes a comparison and a number ("<= 3"), drag-in a
     * target and four numbers: the rest of the line in arg2 */
    if ((strcmp(c->verb, "expect") == 0 && strcmp(c->arg1, "pages") == 0) ||
        strcmp(c->verb, "drag-in") == 0) {
      while (*rest == ' ' || *rest == '\t')
        rest++;
      snprintf(c->arg2, sizeof c->arg2, "%s", rest);
    }
    /* drag takes four numbers: keep the rest of the line in arg2 */
    if (strcmp(c->verb, "drag") == 0 || strcmp(c->verb, "tap-at") == 0 ||
        strcmp(c->verb, "press-at") == 0) {
      const char *q = line;
      while (*q == ' ' || *q == '\t')
        q++;
      q += strlen(c->verb);
      snprintf(c->arg1, sizeof c->arg1, "%s", q);
    }
    if (!ok1 || !ok2 || !ok3) {
      snprintf(err, errlen, "%s:%d: unterminated quoted string", path, lineno);
      e = KERR_PARSE;
      break;
    }
    c->lineno = lineno;
    s->n++;
  }
  fclose(f);
  sodium_memzero(fbuf, sizeof fbuf);
  sodium_memzero(line, sizeof line);
  if (e) {
    app_script_destroy(s);
    return e;
  }
  *out = s;
  return KERR_OK;
}

void app_script_destroy(app_script *s) {
  if (!s)
    return;
  if (s->cmds)
    sodium_memzero(s->cmds, SCRIPT_MAX_LINES * sizeof *s->cmds);
  free(s->cmds);
  free(s);
}

static void push_mouse(Uint32 type, int x, int y) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = type;
  ev.button.which = 0;
  ev.button.button = SDL_BUTTON_LEFT;
  ev.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
  ev.button.clicks = 1;
  ev.button.x = x;
  ev.button.y = y;
  SDL_PushEvent(&ev);
}

static void push_motion(int x, int y, int dx, int dy) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_MOUSEMOTION;
  ev.motion.state = SDL_BUTTON_LMASK;
  ev.motion.x = x;
  ev.motion.y = y;
  ev.motion.xrel = dx;
  ev.motion.yrel = dy;
  SDL_PushEvent(&ev);
}

static int fail(const app_script *s, const cmd *c, const char *fmt,
                const char *a1, const char *a2) {
  char msg[1024];
  snprintf(msg, sizeof msg, fmt, a1 ? a1 : "", a2 ? a2 : "");
  LOG_E("script", "%s:%d: %s", s->path, c->lineno, msg);
  fprintf(stderr, "%s:%d: %s\n", s->path, c->lineno, msg);
  return -1;
}

static int parse_duration(const char *s, uint64_t *ms) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || v < 0 || v > 86400000)
    return -1;
  if (strcmp(end, "ms") == 0)
    *ms = (uint64_t)v;
  else if (strcmp(end, "s") == 0 || *end == '\0')
    *ms = (uint64_t)(v * 1000);
  else if (strcmp(end, "min") == 0)
    *ms = (uint64_t)(v * 60000);
  else
    return -1;
  return 0;
}

static int check_layout(app *a, app_script *s, const cmd *c) {
  const ui *u = &a->ui;
  char where[64];
  snprintf(where, sizeof where, "%dx%d%s", a->w, a->h,
           a->elder == 2 ? " xl"
           : a->elder    ? " elder"
                         : "");
  if (u->registry_full)
    return fail(s, c, "more widgets than the registry holds (%s)", where, NULL);
  int bad = 0;
  for (int i = 0; i < u->n_texts; i++) {
    const ui_textbox *t = &u->texts[i];
    if (t->overflow) {
      fail(s, c, "text overflows its box at %s: \"%s\"", where, t->text);
      bad = 1;
    }
    if (t->r.x < 0 || t->r.y < 0 || t->r.x + t->r.w > a->w ||
        t->r.y + t->r.h > a->h) {
      fail(s, c, "text box outside the screen at %s: \"%s\"", where, t->text);
      bad = 1;
    }
  }
  int min = u->th.target_min;
  for (int i = 0; i < u->n_targets; i++) {
    const ui_target *t = &u->targets[i];
    if (t->full.w < min || t->full.h < min) {
      char size[128];
      snprintf(size, sizeof size, "%dx%d < %d at %s", t->full.w, t->full.h, min,
               where);
      fail(s, c, "tap target '%s' too small: %s", t->id, size);
      bad = 1;
    }
    if (t->r.x < 0 || t->r.y < 0 || t->r.x + t->r.w > a->w ||
        t->r.y + t->r.h > a->h) {
      fail(s, c, "tap target '%s' outside the screen at %s", t->id, where);
      bad = 1;
    }
  }
  char why[256];
  if (!keynav_check(a, why, sizeof why)) {
    fail(s, c, "the keypad at %s: %s", where, why);
    bad = 1;
  }
  return bad ? -1 : 1;
}

static int run_cmd(app *a, app_script *s);

int app_script_step(app *a, app_script *s) {
  int at = s->next;
  int r = run_cmd(a, s);
  /* A command that ran is never needed again; its arguments may be the
   * personal data a test types, so forget them like the kiosk forgets the
   * applicant's (a `type` also leaves them in SDL's event queue, which the
   * session wipe overwrites). */
  if (s->next > at)
    sodium_memzero(&s->cmds[at], sizeof s->cmds[at]);
  return r;
}

/* ---- verbs ----
 *
 * Each verb runs one command: 1 = the script goes on, -1 = it failed (the
 * message is already logged). A verb that must run again (seek) puts
 * s->next back; one that spans several steps leaves state in *s for
 * run_pending. Arguments a line does not give are empty strings. */

typedef int (*verb_fn)(app *a, app_script *s, const cmd *c);

/* Presses the centre of t; with release, lifts the finger on the next
 * step (a tap). */
static void press_centre(app_script *s, const ui_target *t, int release) {
  int x = t->r.x + t->r.w / 2, y = t->r.y + t->r.h / 2;
  push_mouse(SDL_MOUSEBUTTONDOWN, x, y);
  if (release) {
    s->release_pending = 1;
    s->rx = x;
    s->ry = y;
  }
}

/* Presses the centre of target arg1; tap releases it on the next step. */
static int press_target(app *a, app_script *s, const cmd *c, int release) {
  const ui_target *t = ui_find_target(&a->ui, c->arg1);
  if (!t)
    return fail(s, c, "no target '%s' on screen '%s'", c->arg1,
                app_screen_name(a));
  press_centre(s, t, release);
  return 1;
}

static int verb_tap(app *a, app_script *s, const cmd *c) {
  return press_target(a, s, c, 1);
}

static int verb_press(app *a, app_script *s, const cmd *c) {
  return press_target(a, s, c, 0);
}

enum { PAGE_TO_END, PAGE_TO_TARGET, PAGE_TO_TEXT };

/* Taps page.down until the target is fully visible (seek), a text is on
 * screen (seek-text) or until there is no more page (page-to-end). A seek
 * that reaches the end without finding then pages up, for one above the
 * view. */
static int page_until(app *a, app_script *s, const cmd *c, int what) {
  int is_seek = what != PAGE_TO_END;
  const ui_target *t =
      what == PAGE_TO_TARGET ? ui_find_target(&a->ui, c->arg1) : NULL;
  /* Paging moves 85 % of the view, so a tall target may never be whole
   * on one page: enough of it to touch comfortably counts, and so does
   * one whole but for a sliver under the view's edge. */
  int min = a->ui.th.target_min, sliver = a->ui.th.gap / 2;
  int done = what == PAGE_TO_TARGET
                 ? (t && t->r.w >= min &&
                    (t->r.h >= t->full.h - sliver || t->r.h >= 2 * min))
             : what == PAGE_TO_TEXT ? ui_has_text(&a->ui, c->arg1)
                                    : 0;
  const ui_target *down = ui_find_target(&a->ui, "page.down");
  if (done || (!down && !is_seek)) {
    s->paging = 0;
    s->paging_up = 0;
    return 1;
  }
  if (!down && is_seek)
    s->paging_up = 1;
  const ui_target *step =
      s->paging_up ? ui_find_target(&a->ui, "page.up") : down;
  if (!step || s->paging >= SCRIPT_MAX_PAGES) {
    s->paging = 0;
    s->paging_up = 0;
    return fail(s, c, "'%s' not found after paging on '%s'", c->arg1,
                app_screen_name(a));
  }
  s->paging++;
  s->next--; /* run this command again after the tap */
  press_centre(s, step, 1);
  return 1;
}

static int verb_seek(app *a, app_script *s, const cmd *c) {
  return page_until(a, s, c, PAGE_TO_TARGET);
}

static int verb_seek_text(app *a, app_script *s, const cmd *c) {
  if (a->dirty)
    app_draw(a);
  return page_until(a, s, c, PAGE_TO_TEXT);
}

static int verb_page_to_end(app *a, app_script *s, const cmd *c) {
  return page_until(a, s, c, PAGE_TO_END);
}

static int verb_release(app *a, app_script *s, const cmd *c) {
  (void)s;
  (void)c;
  push_mouse(SDL_MOUSEBUTTONUP, a->last_x, a->last_y);
  return 1;
}

/* Presses at "X Y" (the rest of the line, in arg1). */
static int press_at(app_script *s, const cmd *c, int release) {
  int x, y;
  if (sscanf(c->arg1, "%d %d", &x, &y) != 2)
    return fail(s, c, "%s wants X Y", c->verb, NULL);
  push_mouse(SDL_MOUSEBUTTONDOWN, x, y);
  if (release) {
    s->release_pending = 1;
    s->rx = x;
    s->ry = y;
  }
  return 1;
}

static int verb_tap_at(app *a, app_script *s, const cmd *c) {
  (void)a;
  return press_at(s, c, 1);
}

static int verb_press_at(app *a, app_script *s, const cmd *c) {
  (void)a;
  return press_at(s, c, 0);
}

static int verb_drag(app *a, app_script *s, const cmd *c) {
  (void)a;
  int x1, y1, x2, y2;
  if (sscanf(c->arg1, "%d %d %d %d", &x1, &y1, &x2, &y2) != 4)
    return fail(s, c, "drag wants X1 Y1 X2 Y2", NULL, NULL);
  push_mouse(SDL_MOUSEBUTTONDOWN, x1, y1);
  int px = x1, py = y1;
  for (int i = 1; i <= 10; i++) {
    int x = x1 + (x2 - x1) * i / 10, y = y1 + (y2 - y1) * i / 10;
    push_motion(x, y, x - px, y - py);
    px = x;
    py = y;
  }
  s->release_pending = 1;
  s->rx = x2;
  s->ry = y2;
  return 1;
}

/* drag-in TARGET X1 Y1 X2 Y2: a drag between two points given in
 * percent of the target's rectangle (a signature on sign.pad wherever the
 * pad is at this size). */
static int verb_drag_in(app *a, app_script *s, const cmd *c) {
  int p[4];
  if (sscanf(c->arg2, "%d %d %d %d", &p[0], &p[1], &p[2], &p[3]) != 4)
    return fail(s, c, "drag-in wants TARGET X1 Y1 X2 Y2 (percent)", NULL, NULL);
  for (int i = 0; i < 4; i++)
    if (p[i] < 0 || p[i] > 100)
      return fail(s, c, "drag-in: a point outside the target", NULL, NULL);
  const ui_target *t = ui_find_target(&a->ui, c->arg1);
  if (!t)
    return fail(s, c, "no target '%s' on screen '%s'", c->arg1,
                app_screen_name(a));
  SDL_Rect r = t->r;
  cmd d = *c;
  snprintf(d.arg1, sizeof d.arg1, "%d %d %d %d", r.x + r.w * p[0] / 100,
           r.y + r.h * p[1] / 100, r.x + r.w * p[2] / 100,
           r.y + r.h * p[3] / 100);
  return verb_drag(a, s, &d);
}

static int verb_type(app *a, app_script *s, const cmd *c) {
  (void)a;
  (void)s;
  /* SDL text events carry at most 31 bytes: split on characters. */
  const char *p = c->arg1;
  while (*p) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    size_t n = 0;
    while (p[n]) {
      size_t k = 1;
      while (p[n + k] && ((unsigned char)p[n + k] & 0xC0) == 0x80)
        k++;
      if (n + k >= sizeof ev.text.text)
        break;
      n += k;
    }
    memcpy(ev.text.text, p, n);
    SDL_PushEvent(&ev);
    sodium_memzero(&ev, sizeof ev);
    p += n;
  }
  return 1;
}

static int verb_key(app *a, app_script *s, const cmd *c) {
  (void)a;
  SDL_Keycode k = SDL_GetKeyFromName(c->arg1);
  if (k == SDLK_UNKNOWN)
    return fail(s, c, "unknown key name '%s'", c->arg1, NULL);
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_KEYDOWN;
  ev.key.state = SDL_PRESSED;
  ev.key.keysym.sym = k;
  SDL_PushEvent(&ev);
  return 1;
}

/* scan TEXT: a barcode scanner on the keyboard port: one text event per
 * character, then Return, all at once (the kiosk takes such a burst as a
 * scan; screens/progress.c). */
static int verb_scan(app *a, app_script *s, const cmd *c) {
  (void)a;
  (void)s;
  const char *p = c->arg1;
  while (*p) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    size_t k = 1;
    while (p[k] && ((unsigned char)p[k] & 0xC0) == 0x80)
      k++;
    memcpy(ev.text.text, p, k < sizeof ev.text.text ? k : 0);
    SDL_PushEvent(&ev);
    sodium_memzero(&ev, sizeof ev);
    p += k;
  }
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_KEYDOWN;
  ev.key.state = SDL_PRESSED;
  ev.key.keysym.sym = SDLK_RETURN;
  SDL_PushEvent(&ev);
  return 1;
}

static void push_key(SDL_Keycode k) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_KEYDOWN;
  ev.key.state = SDL_PRESSED;
  ev.key.keysym.sym = k;
  SDL_PushEvent(&ev);
}

/* key-to ID: presses the keypad's down key until the focus is on ID. */
static int verb_key_to(app *a, app_script *s, const cmd *c) {
  if (a->dirty)
    app_draw(a);
  const ui_target *t = ui_find_target(&a->ui, c->arg1);
  if (t && a->focus[0] && strcmp(t->id, a->focus) == 0) {
    s->stepping = 0;
    s->paging = 0;
    return 1;
  }
  int down = a->keymap[KEYNAV_DOWN][0];
  int enter = a->keymap[KEYNAV_ENTER][0];
  /* Not in view on a scrolling page: 下一页, by the keypad too. */
  const ui_target *pg = t ? NULL : ui_find_target(&a->ui, "page.down");
  if (pg && strcmp(a->focus, pg->id) == 0 && enter &&
      s->paging < SCRIPT_MAX_PAGES) {
    s->paging++;
    s->stepping = 0; /* a new view: another round */
    s->next--;
    push_key(enter);
    return 1;
  }
  if (!down || s->stepping > a->ui.n_targets + 1) {
    s->stepping = 0;
    s->paging = 0;
    return fail(s, c, "the focus never reached '%s' on screen '%s'", c->arg1,
                app_screen_name(a));
  }
  s->stepping++;
  s->next--; /* run this command again after the key */
  push_key(down);
  return 1;
}

static int verb_wait(app *a, app_script *s, const cmd *c) {
  (void)a;
  if (parse_duration(c->arg1, &s->wait_left))
    return fail(s, c, "bad duration '%s' (use 500ms, 2s, 1.5min)", c->arg1,
                NULL);
  return 1;
}

static int verb_hold(app *a, app_script *s, const cmd *c) {
  (void)a;
  if (parse_duration(c->arg1, &s->hold_left))
    return fail(s, c, "bad duration '%s' (use 500ms, 2s, 1.5min)", c->arg1,
                NULL);
  /* The marker a test waits for before it inspects the process. */
  LOG_I("script", "hold %s", c->arg1);
  return 1;
}

static int verb_size(app *a, app_script *s, const cmd *c) {
  int w, h;
  char extra;
  if (sscanf(c->arg1, "%dx%d%c", &w, &h, &extra) != 2 || w < 320 || h < 320 ||
      w > 7680 || h > 7680)
    return fail(s, c, "size wants WIDTHxHEIGHT, got '%s'", c->arg1, NULL);
  if (!a->headless)
    SDL_SetWindowSize(a->win, w, h);
  if (app_resize(a, w, h))
    return fail(s, c, "cannot resize to %s", c->arg1, NULL);
  return 1;
}

static int verb_elder(app *a, app_script *s, const cmd *c) {
  if (strcmp(c->arg1, "on") != 0 && strcmp(c->arg1, "off") != 0)
    return fail(s, c, "elder wants on or off", NULL, NULL);
  app_set_elder(a, strcmp(c->arg1, "on") == 0);
  return 1;
}

static int verb_text_size(app *a, app_script *s, const cmd *c) {
  if (strcmp(c->arg1, "0") != 0 && strcmp(c->arg1, "1") != 0 &&
      strcmp(c->arg1, "2") != 0)
    return fail(s, c, "text-size wants 0, 1 or 2", NULL, NULL);
  app_set_elder(a, c->arg1[0] - '0');
  return 1;
}

static int verb_shot(app *a, app_script *s, const cmd *c) {
  if (!a->shots_dir[0]) {
    LOG_I("script", "shot %s skipped (no --shots)", c->arg1);
    return 1;
  }
  char path[1100];
  snprintf(path, sizeof path, "%s/%s.png", a->shots_dir, c->arg1);
  if (a->dirty)
    app_draw(a);
  /* fail() formats into 1024 bytes; bounding the path keeps GCC's
   * truncation check quiet now that fail() inlines here. */
  if (png_write_renderer(a->ren, a->w, a->h, path))
    return fail(s, c, "cannot write %.1000s", path, NULL);
  LOG_I("script", "wrote %s", path);
  return 1;
}

/* expect pages OP N: the page view of the frame takes OP N pages (OP one
 * of <=, <, =, >=, >); a frame without one counts as 1 page. */
static int expect_pages(app *a, app_script *s, const cmd *c) {
  char op[3] = "";
  int n, extra;
  if (sscanf(c->arg2, "%2[<=>] %d %n", op, &n, &extra) != 2 ||
      c->arg2[extra] != '\0')
    return fail(s, c, "expect pages wants OP N (<= 3), got '%s'", c->arg2,
                NULL);
  int have = a->ui.pages ? a->ui.pages : 1;
  int ok = strcmp(op, "<=") == 0   ? have <= n
           : strcmp(op, "<") == 0  ? have < n
           : strcmp(op, "=") == 0  ? have == n
           : strcmp(op, ">=") == 0 ? have >= n
           : strcmp(op, ">") == 0  ? have > n
                                   : -1;
  if (ok < 0)
    return fail(s, c, "unknown comparison '%s'", op, NULL);
  char got[48];
  snprintf(got, sizeof got, "%d", have);
  LOG_I("script", "%s: %d pages at %dx%d%s", app_screen_name(a), have, a->w,
        a->h,
        a->elder == 2 ? " xl"
        : a->elder    ? " elder"
                      : "");
  if (!ok)
    return fail(s, c, "expected pages %s, the page has %s", c->arg2, got);
  return 1;
}

/* expect KIND ARG: one check of the drawn frame. */
static int verb_expect(app *a, app_script *s, const cmd *c) {
  if (a->dirty)
    app_draw(a);
  const char *k = c->arg1, *want = c->arg2, *on = app_screen_name(a);
  if (strcmp(k, "screen") == 0) {
    if (strcmp(on, want) != 0)
      return fail(s, c, "expected screen '%s', on '%s'", want, on);
  } else if (strcmp(k, "not-screen") == 0) {
    if (strcmp(on, want) == 0)
      return fail(s, c, "expected another screen than '%s'", want, NULL);
  } else if (strcmp(k, "text") == 0) {
    if (!ui_has_text(&a->ui, want))
      return fail(s, c, "text \"%s\" not on screen '%s'", want, on);
  } else if (strcmp(k, "no-text") == 0) {
    if (ui_has_text(&a->ui, want))
      return fail(s, c, "text \"%s\" is on screen '%s'", want, on);
  } else if (strcmp(k, "target") == 0) {
    if (!ui_find_target(&a->ui, want))
      return fail(s, c, "no target '%s' on screen '%s'", want, on);
  } else if (strcmp(k, "no-target") == 0) {
    if (ui_find_target(&a->ui, want))
      return fail(s, c, "target '%s' is on screen '%s'", want, on);
  } else if (strcmp(k, "pages") == 0) {
    return expect_pages(a, s, c);
  } else if (strcmp(k, "spoken") == 0 || strcmp(k, "not-spoken") == 0) {
    /* What was read aloud last (waiting, in real time, for the speaker). */
    if (!app_speech_wait(a, 30000))
      return fail(s, c, "still speaking after 30 s", NULL, NULL);
    int has = strstr(app_spoken(a), want) != NULL;
    if (has != (k[0] == 's'))
      return fail(s, c,
                  has ? "\"%s\" was read aloud" : "\"%s\" was not read aloud",
                  want, NULL);
  } else if (strcmp(k, "focus") == 0) {
    /* The keypad's focus is on ID (a target id or its label). */
    const ui_target *t = ui_find_target(&a->ui, want);
    if (!a->focus[0] || !t || strcmp(t->id, a->focus) != 0)
      return fail(s, c, "expected the focus on '%s', it is on '%s'", want,
                  a->focus[0] ? a->focus : "nothing");
  } else if (strcmp(k, "pressed") == 0) {
    if (strcmp(a->ui.pressed, want) != 0)
      return fail(s, c, "expected '%s' pressed, pressed is '%s'", want,
                  a->ui.pressed);
  } else {
    return fail(s, c, "unknown expectation '%s'", k, NULL);
  }
  return 1;
}

static int verb_check(app *a, app_script *s, const cmd *c) {
  if (a->dirty)
    app_draw(a);
  if (strcmp(c->arg1, "layout") == 0)
    return check_layout(a, s, c);
  return fail(s, c, "unknown check '%s'", c->arg1, NULL);
}

static int verb_log(app *a, app_script *s, const cmd *c) {
  (void)a;
  (void)s;
  LOG_I("script", "%s", c->arg1);
  return 1;
}

/* card place FILE | card remove: the simulated ID card reader
 * (idcard.kind = sim). FILE is relative to the script's folder. A card
 * placed while the reader waits is read at once; the command waits (real
 * time, at most 5 s) until it has been, so its result is on screen after
 * the next `wait`. */
static int verb_card(app *a, app_script *s, const cmd *c) {
  if (strcmp(c->arg1, "remove") == 0) {
    if (idcard_host_sim_remove(a->idcard) != KERR_OK)
      return fail(s, c, "card: no simulated ID card reader (idcard.kind=sim)",
                  NULL, NULL);
    return 1;
  }
  if (strcmp(c->arg1, "place") != 0 || !c->arg2[0])
    return fail(s, c, "card wants 'place FILE' or 'remove'", NULL, NULL);
  char path[1200];
  const char *slash = strrchr(s->path, '/');
  if (c->arg2[0] == '/' || !slash)
    snprintf(path, sizeof path, "%s", c->arg2);
  else
    snprintf(path, sizeof path, "%.*s/%s", (int)(slash - s->path), s->path,
             c->arg2);
  if (idcard_host_sim_place(a->idcard, path) != KERR_OK)
    return fail(s, c, "card: no simulated ID card reader (idcard.kind=sim)",
                NULL, NULL);
  if (idcard_host_wait(a->idcard, 5000) != KERR_OK)
    return fail(s, c, "card: the reader did not read '%s' within 5 s", c->arg2,
                NULL);
  return 1;
}

/* camera show FILE | camera clear | camera wait: the simulated document
 * camera (camera.driver = sim). FILE (a JPEG, relative to the script's
 * folder) is the page under the camera, `clear` takes it away. Each waits
 * (real time, at most 5 s) until the camera has caught up: a preview frame
 * of what lies there now is out, and a page being taken (拍这一页) is
 * done; a `wait` after it shows the result. */
static int verb_camera(app *a, app_script *s, const cmd *c) {
  kerr e = KERR_OK;
  if (strcmp(c->arg1, "clear") == 0) {
    e = camera_host_sim_show(a->camera, NULL);
  } else if (strcmp(c->arg1, "show") == 0 && c->arg2[0]) {
    char path[1200];
    const char *slash = strrchr(s->path, '/');
    if (c->arg2[0] == '/' || !slash)
      snprintf(path, sizeof path, "%s", c->arg2);
    else
      snprintf(path, sizeof path, "%.*s/%s", (int)(slash - s->path), s->path,
               c->arg2);
    e = camera_host_sim_show(a->camera, path);
  } else if (strcmp(c->arg1, "wait") != 0) {
    return fail(s, c, "camera wants 'show FILE', 'clear' or 'wait'", NULL,
                NULL);
  }
  if (e)
    return fail(s, c, "camera: no simulated camera (camera.driver=sim)", NULL,
                NULL);
  if (camera_host_wait(a->camera, 5000) != KERR_OK)
    return fail(s, c, "camera: the camera did not catch up within 5 s", NULL,
                NULL);
  return 1;
}

typedef struct verb {
  const char *name;
  verb_fn run;
} verb;

/* Every script verb; docs/scripting.md describes them. */
static const verb VERBS[] = {
    {"tap", verb_tap},
    {"press", verb_press},
    {"seek", verb_seek},
    {"seek-text", verb_seek_text},
    {"page-to-end", verb_page_to_end},
    {"release", verb_release},
    {"tap-at", verb_tap_at},
    {"press-at", verb_press_at},
    {"drag", verb_drag},
    {"drag-in", verb_drag_in},
    {"type", verb_type},
    {"key", verb_key},
    {"scan", verb_scan},
    {"key-to", verb_key_to},
    {"wait", verb_wait},
    {"hold", verb_hold},
    {"size", verb_size},
    {"elder", verb_elder},
    {"text-size", verb_text_size},
    {"shot", verb_shot},
    {"expect", verb_expect},
    {"check", verb_check},
    {"log", verb_log},
    {"card", verb_card},
    {"camera", verb_camera},
};

/* The verb called name, or NULL. */
static const verb *verb_find(const char *name) {
  for (size_t i = 0; i < sizeof VERBS / sizeof VERBS[0]; i++)
    if (strcmp(VERBS[i].name, name) == 0)
      return &VERBS[i];
  return NULL;
}

/* ---- stepping ---- */

/* Advances a release, wait, settle or hold in progress by one step;
 * returns 1 if it did (the step is used up), 0 if none is pending. */
static int run_pending(app *a, app_script *s) {
  if (s->release_pending) {
    push_mouse(SDL_MOUSEBUTTONUP, s->rx, s->ry);
    s->release_pending = 0;
    return 1;
  }
  if (s->wait_left) {
    uint64_t step = s->wait_left > 250 ? 250 : s->wait_left;
    if (a->virtual_clock)
      a->vnow_ms += step;
    else
      SDL_Delay((Uint32)step);
    s->wait_left -= step;
    if (!s->wait_left && a->virtual_clock)
      s->settle_until = SDL_GetTicks64() + SCRIPT_SETTLE_MS;
    return 1;
  }
  /* Virtual time costs the engine threads nothing, so a `wait` also lets
   * them answer (handwriting recognition, pinyin loading) in real time,
   * bounded; the loop keeps ticking meanwhile and shows their answers. */
  if (s->settle_until) {
    if (ime_host_busy(a->ime) && SDL_GetTicks64() < s->settle_until) {
      SDL_Delay(2);
      return 1;
    }
    if (!s->settle_ticked) {
      s->settle_ticked = 1;
      return 1;
    }
    s->settle_until = 0;
    s->settle_ticked = 0;
  }
  if (s->hold_left) {
    uint64_t step = s->hold_left > 100 ? 100 : s->hold_left;
    SDL_Delay((Uint32)step);
    s->hold_left -= step;
    return 1;
  }
  return 0;
}

static int run_cmd(app *a, app_script *s) {
  if (run_pending(a, s))
    return 1;
  if (s->next >= s->n)
    return 0;
  const cmd *c = &s->cmds[s->next++];
  const verb *v = verb_find(c->verb);
  if (!v)
    return fail(s, c, "unknown command '%s'", c->verb, NULL);
  return v->run(a, s, c);
}
