/* holding: says what an entry will offer, for entries not yet open here.
 * The arg is the entry key; texts come from "holding.<key>.title/body". */
#include <stdio.h>
#include <string.h>

#include "screens/screens.h"

/* What a tap on the holding screen means (ui_tag). */
enum holding_action { HOLDING_OK = 1, HOLDING_TEXTENTRY };

typedef struct holding_state {
  char key[32];
} holding_state;

static void holding_enter(app *a, void *state, const void *arg) {
  (void)a;
  holding_state *s = state;
  snprintf(s->key, sizeof s->key, "%s", arg ? (const char *)arg : "policy");
  /* Titles reuse the entry's own string: policy.title, apply.title, … */
}

static void holding_event(app *a, void *state, const ui_event *ev) {
  (void)state;
  if (ev->type != UI_EV_TAP)
    return;
  switch (ev->action) {
  case HOLDING_OK:
    app_pop(a);
    break;
  case HOLDING_TEXTENTRY:
    app_push(a, &screen_textentry, NULL);
    break;
  }
}

static void holding_draw(app *a, void *state, ui *u) {
  holding_state *s = state;
  const theme *th = &u->th;
  char key[96];
  snprintf(key, sizeof key, "%s.title", s->key);
  SDL_Rect area = screen_top_bar(a, u, app_str(a, key), 1);
  int footer = screen_footer(a, u);
  int m = th->margin;
  int w = th->w - 2 * m;
  if (!th->portrait && w > theme_px(th, 1400))
    w = theme_px(th, 1400);
  int x = (th->w - w) / 2;
  snprintf(key, sizeof key, "holding.%s.body", s->key);
  const char *body = app_str(a, key);
  int bh = ui_text_height(u, w - 2 * th->pad * 2, th->px_body, TEXT_REGULAR,
                          body);
  const char *note = app_str(a, "holding.note");
  int nh = ui_text_height(u, w - 2 * th->pad * 2, th->px_body, TEXT_REGULAR,
                          note);
  int ch = th->pad * 4 + bh + th->gap + nh;
  int y = area.y + m;
  SDL_Rect card = {x, y, w, ch};
  ui_card(u, card, th->surface, th->border);
  int tx = x + th->pad * 2, ty = y + th->pad * 2, tw = w - 4 * th->pad;
  ui_text_box(u, (SDL_Rect){tx, ty, tw, bh}, th->px_body, TEXT_REGULAR,
              th->text, UI_LEFT, 0, body);
  ui_text_box(u, (SDL_Rect){tx, ty + bh + th->gap, tw, nh}, th->px_body,
              TEXT_REGULAR, th->text_muted, UI_LEFT, 0, note);
  int by = footer - m - th->button_h;
  if (by < y + ch + th->gap)
    by = y + ch + th->gap;
  int bw = w / 2;
  ui_button(u, "holding.ok", (SDL_Rect){(th->w - bw) / 2, by, bw, th->button_h},
            UI_BTN_PRIMARY, app_str(a, "holding.ok"));
  ui_tag(u, HOLDING_OK, 0);
  /* Staff can practise text entry (and show it to applicants) here. */
  if (strcmp(s->key, "staff") == 0 && by - th->gap - th->button_h > y + ch) {
    ui_button(u, "staff.textentry",
              (SDL_Rect){(th->w - bw) / 2, by - th->gap - th->button_h, bw,
                         th->button_h},
              UI_BTN_SECONDARY, app_str(a, "kbd.demo.open"));
    ui_tag(u, HOLDING_TEXTENTRY, 0);
  }
}

const screen_class screen_holding = {
    .name = "holding",
    .state_size = sizeof(holding_state),
    .enter = holding_enter,
    .event = holding_event,
    .draw = holding_draw,
};
