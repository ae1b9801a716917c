/* textentry: a practice screen for Chinese text entry, reached from the
 * staff entry's holding screen and by scripts. One field per keyboard type
 * — a name and an address (pinyin or handwriting, the applicant's choice),
 * an ID number (ID keypad), a phone number and an amount (keypad), letters
 * (Latin) — chosen by the tabs at the top; the active field sits above the
 * keyboard docked at the bottom. Nothing typed here is kept: the state is
 * wiped when the screen is left, which every session end does. */
#include <stdio.h>
#include <string.h>

#include "services/services.h"
#include "core/idcard.h"
#include "widgets/field.h"
#include "widgets/kbd.h"
#include "screens/screens.h"

static const struct {
  const char *id;   /* tab target */
  const char *key;  /* label string; "<key>.hint" is the placeholder */
  field_kind kind;
  int max_chars;
} fields[] = {
    {"te.tab.name", "kbd.demo.name", FIELD_NAME, 20},
    {"te.tab.address", "kbd.demo.address", FIELD_TEXT, 60},
    {"te.tab.id", "kbd.demo.id", FIELD_ID_NUMBER, 18},
    {"te.tab.phone", "kbd.demo.phone", FIELD_PHONE, 11},
    {"te.tab.money", "kbd.demo.money", FIELD_MONEY, 9},
    {"te.tab.latin", "kbd.demo.latin", FIELD_LATIN, 30},
};
#define N_FIELDS ((int)(sizeof fields / sizeof fields[0]))

/* What a tap on the text-entry demo means (ui_tag). */
enum te_action {
  TE_TAB = 1, /* arg: index in fields[] */
  TE_FIELD
};

typedef struct te_state {
  field f[N_FIELDS];
  int active;
  kbd *k;
  const char *error; /* a bundle string key, or NULL */
  field_layout lay;  /* where the active field was last drawn */
} te_state;

static void te_focus(te_state *s, int i) {
  s->active = i;
  s->error = NULL;
  if (s->k)
    kbd_bind(s->k, fields[i].kind);
}

static void te_enter(app *a, void *state, const void *arg) {
  (void)arg;
  te_state *s = state;
  for (int i = 0; i < N_FIELDS; i++)
    field_init(&s->f[i], fields[i].kind, fields[i].max_chars);
  if (kbd_create(app_ime(a), &s->k))
    s->k = NULL;
  te_focus(s, 0);
}

static void te_leave(app *a, void *state) {
  (void)a;
  te_state *s = state;
  kbd_destroy(s->k);
  s->k = NULL;
  for (int i = 0; i < N_FIELDS; i++)
    field_free(&s->f[i]);
}

/* The message for a complete ID number whose check character is wrong. */
static void check_id(te_state *s) {
  field *f = &s->f[s->active];
  if (f->kind != FIELD_ID_NUMBER || field_chars(f) != 18)
    return;
  char c = idcard_check_char(f->text);
  if (c && c != f->text[17])
    s->error = "kbd.err.id_check";
}

static void apply(app *a, te_state *s, const kbd_out *o) {
  field *f = &s->f[s->active];
  (void)a;
  if (o->text[0] || o->backspace)
    s->error = NULL;
  for (int i = 0; i < o->backspace; i++)
    field_backspace(f);
  if (o->text[0]) {
    kerr e = field_insert(f, o->text);
    if (e == KERR_LIMIT)
      s->error = "kbd.err.too_long";
    else if (e == KERR_INVALID)
      s->error = f->kind == FIELD_TEXT || f->kind == FIELD_NAME
                     ? "kbd.err.char"
                     : "kbd.err.digits";
  }
  check_id(s);
  if (o->done && s->active + 1 < N_FIELDS && !s->error)
    te_focus(s, s->active + 1);
}

static void te_event(app *a, void *state, const ui_event *ev) {
  te_state *s = state;
  kbd_out o;
  if (s->k && kbd_event(s->k, ev, &o)) {
    apply(a, s, &o);
    session_wipe_bytes(&o, sizeof o);
    app_dirty(a);
    return;
  }
  field *f = &s->f[s->active];
  switch (ev->type) {
  case UI_EV_TAP:
    if (ev->action == TE_TAB && ev->arg >= 0 && ev->arg < N_FIELDS)
      te_focus(s, ev->arg);
    if (ev->action == TE_FIELD) {
      /* Place the caret where the box was tapped. */
      kbd_reset(s->k);
      field_caret_set(f, field_index_at(&s->lay, ev->x, ev->y));
    }
    break;
  case UI_EV_TEXT: {
    /* A physical keyboard (staff): its text goes straight in. */
    kbd_out t = {.text = ""};
    snprintf(t.text, sizeof t.text, "%s", ev->text);
    apply(a, s, &t);
    session_wipe_bytes(&t, sizeof t);
    break;
  }
  case UI_EV_KEY:
    if (ev->key == SDLK_LEFT)
      field_caret_move(f, -1);
    else if (ev->key == SDLK_RIGHT)
      field_caret_move(f, 1);
    else if (ev->key == SDLK_HOME)
      field_caret_home(f);
    else if (ev->key == SDLK_END)
      field_caret_end(f);
    else if (ev->key == SDLK_TAB)
      te_focus(s, (s->active + 1) % N_FIELDS);
    break;
  default:
    break;
  }
  app_dirty(a);
}

/* Tabs in a grid of cols columns at (x, y), width w; returns the height
 * used. The buttons fit their words. */
static int draw_tab_grid(app *a, ui *u, te_state *s, int x, int y, int w,
                         int cols) {
  const theme *th = &u->th;
  int g = th->gap / 2, h = th->target_min;
  int tw = (w - (cols - 1) * g) / cols;
  for (int i = 0; i < N_FIELDS; i++) {
    int r = i / cols, c = i % cols;
    ui_button(u, fields[i].id,
              (SDL_Rect){x + c * (tw + g), y + r * (h + g), tw, h},
              i == s->active ? UI_BTN_PRIMARY : UI_BTN_SECONDARY,
              app_str(a, fields[i].key));
    ui_tag(u, TE_TAB, i);
  }
  int rows = (N_FIELDS + cols - 1) / cols;
  return rows * h + (rows - 1) * g;
}

/* Tabs in as many rows as the width needs; returns the height used. With
 * s NULL it only measures. */
static int draw_tabs(app *a, ui *u, te_state *s, int x, int y, int w) {
  const theme *th = &u->th;
  int g = th->gap / 2, h = th->target_min;
  int cx = x, cy = y;
  for (int i = 0; i < N_FIELDS; i++) {
    const char *label = app_str(a, fields[i].key);
    int tw = text_width(u->text, th->px_large, TEXT_BOLD, label,
                        strlen(label)) + th->pad * 2;
    if (tw < th->target_min * 2)
      tw = th->target_min * 2;
    if (cx > x && cx + tw > x + w) {
      cx = x;
      cy += h + g;
    }
    if (s) { /* NULL: measure only */
      ui_button(u, fields[i].id, (SDL_Rect){cx, cy, tw, h},
                i == s->active ? UI_BTN_PRIMARY : UI_BTN_SECONDARY, label);
      ui_tag(u, TE_TAB, i);
    }
    cx += tw + g;
  }
  return cy + h - y;
}

static void te_draw(app *a, void *state, ui *u) {
  te_state *s = state;
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "kbd.demo.title"), 1);
  int m = th->margin;
  int w = th->w - 2 * m;
  int y = area.y + th->gap / 2;
  int top = y;
  field *f = &s->f[s->active];
  char hint_key[64], counter[32], err[256] = "";
  snprintf(hint_key, sizeof hint_key, "%s.hint", fields[s->active].key);
  snprintf(counter, sizeof counter, "%zu/%d", field_chars(f), f->max_chars);
  if (s->error) {
    char max[16];
    snprintf(max, sizeof max, "%d", f->max_chars);
    chrome_format(err, sizeof err, app_str(a, s->error), "max", max);
  }
  field_view v = {.id = "te.field",
                  .label = app_str(a, fields[s->active].key),
                  .placeholder = app_str(a, hint_key),
                  .composition = s->k ? kbd_composition(s->k) : "",
                  .error = err,
                  .counter = counter,
                  .focused = true};
  int fh = field_height(u, w, &v);
  /* The tabs take their rows above the field; where that leaves the
   * keyboard too little room (特大 on a landscape screen), they go in a
   * grid beside the field instead. */
  int tabs_h = draw_tabs(a, u, NULL, m, y, w);
  int kb_max = th->h - (y + tabs_h + th->gap / 2) - fh - th->gap;
  int kh = s->k ? kbd_height(s->k, u, th->w, kb_max) : 0;
  int beside = !th->portrait && kh > kb_max;
  int fx, fw;
  if (beside) {
    int tw = w * 9 / 20;
    tabs_h = draw_tab_grid(a, u, s, m, y, tw, 3);
    fx = m + tw + th->gap;
    fw = w - tw - th->gap;
    kb_max = th->h - y - (fh > tabs_h ? fh : tabs_h) - th->gap;
    kh = s->k ? kbd_height(s->k, u, th->w, kb_max) : 0;
  } else {
    y += draw_tabs(a, u, s, m, y, w) + th->gap / 2;
    fw = w;
    if (!th->portrait && fw > theme_px(th, 1400))
      fw = theme_px(th, 1400);
    fx = (th->w - fw) / 2;
  }
  if (s->k)
    kbd_draw(s->k, u, (SDL_Rect){0, th->h - kh, th->w, kh});
  /* The field sits just above the keyboard, near the eyes and the hands. */
  int fy = th->h - kh - th->gap - fh;
  if (fy < y)
    fy = y;
  if (beside)
    fy = top;
  field_draw(u, (SDL_Rect){fx, fy, fw, fh}, f, &v, &s->lay);
  ui_tag(u, TE_FIELD, 0);
}

static uint64_t te_tick(app *a, void *state, uint64_t now) {
  (void)a;
  (void)now;
  te_state *s = state;
  return s->k ? kbd_tick(s->k) : UINT64_MAX;
}

const screen_class screen_textentry = {
    .name = "textentry",
    .state_size = sizeof(te_state),
    .enter = te_enter,
    .leave = te_leave,
    .event = te_event,
    .draw = te_draw,
    .tick = te_tick,
    .raw_pointer = 1,
};
