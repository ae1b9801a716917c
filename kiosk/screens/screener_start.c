/* screener_start: the first step of 申请救助 — a short choice between
 * 「先问几个问题」 (the screener questions, then the one list) and
 * 「我知道要申请什么」 (straight to the pick-list). When items are already
 * chosen in this session it says which, so a returning applicant sees
 * where they are. Holds no state of its own.
 *
 * When the outbox cannot take an application (net_host_outbox_health: a
 * damaged, full or read-only store), it says so in plain words on this
 * first screen, points to the window and offers only 回首页: no form is
 * started (form_flow_open shows this screen too). Policies and progress
 * queries are not affected. */
#include <stdio.h>
#include <string.h>

#include "services/services.h"
#include "screens/screens.h"

#define START_ASK "start.ask"
#define START_PICK "start.pick"
#define START_CLOSED_HOME "start.closed.home"

/* What a tap on the start screen means (ui_tag). */
enum start_action { START_TO_HOME = 1, START_TO_SCREENER, START_TO_PICK };

/* 1 when applications cannot be taken now. */
static int closed(app *a) {
  return net_host_outbox_health(app_net(a)) != KERR_OK;
}

/* The chosen items as short names joined with 、 into out. */
static void chosen_names(app *a, char *out, size_t size) {
  const selection *sel = app_selection(a);
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < selection_count(sel); i++) {
    const content_item *it =
        content_item_find(app_content(a), selection_at(sel, i));
    if (!it)
      continue;
    const char *name = it->short_name && *it->short_name ? it->short_name
                                                         : it->name;
    int n = snprintf(out + used, size - used, "%s%s", used ? "、" : "", name);
    if (n < 0 || (size_t)n >= size - used) {
      out[used] = '\0';
      break;
    }
    used += (size_t)n;
  }
}

static void start_event(app *a, void *state, const ui_event *ev) {
  (void)state;
  if (ev->type != UI_EV_TAP)
    return;
  if (ev->action == START_TO_HOME) {
    app_home(a);
    return;
  }
  if (closed(a))
    return;
  if (ev->action == START_TO_SCREENER)
    app_push(a, &screen_screener, NULL);
  else if (ev->action == START_TO_PICK)
    app_push(a, &screen_results_pick, NULL);
}

static void start_draw(app *a, void *state, ui *u) {
  (void)state;
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "apply.title"), 1);
  int footer = screen_footer(a, u);
  int m = th->margin;
  int inner = th->w - 2 * m;
  int y = area.y + th->gap;

  if (closed(a)) {
    /* Plainly: this machine cannot take it; the window can. */
    const char *msg = app_str(a, "apply.closed");
    int w = inner;
    if (!th->portrait && w > theme_px(th, 1400))
      w = theme_px(th, 1400);
    int x = (th->w - w) / 2;
    int mh = ui_text_height(u, w - 4 * th->pad, th->px_large, TEXT_BOLD, msg);
    SDL_Rect card = {x, y, w, mh + 4 * th->pad};
    ui_card(u, card, th->warn_bg, th->focus);
    ui_text_box(u, (SDL_Rect){x + 2 * th->pad, y + 2 * th->pad,
                              w - 4 * th->pad, mh},
                th->px_large, TEXT_BOLD, th->text, UI_LEFT, 0, msg);
    int by = footer - th->gap - th->button_h;
    if (by < y + card.h + th->gap)
      by = y + card.h + th->gap;
    int bw = th->portrait ? w : w / 2;
    ui_button(u, START_CLOSED_HOME,
              (SDL_Rect){(th->w - bw) / 2, by, bw, th->button_h},
              UI_BTN_PRIMARY, app_str(a, "apply.closed.home"));
    ui_tag(u, START_TO_HOME, 0);
    return;
  }

  const char *intro = app_str(a, "screen.start.intro");
  int ih = ui_text_height(u, inner, th->px_body, TEXT_REGULAR, intro);
  ui_text_box(u, (SDL_Rect){m, y, inner, ih}, th->px_body, TEXT_REGULAR,
              th->text, th->portrait ? UI_LEFT : UI_CENTER, 0, intro);
  y += ih + th->gap;

  if (selection_count(app_selection(a))) {
    char names[600], line[800];
    chosen_names(a, names, sizeof names);
    chrome_format(line, sizeof line, app_str(a, "screen.start.chosen"),
                  "items", names);
    int lh = ui_text_height(u, inner - 2 * th->pad, th->px_body, TEXT_BOLD,
                            line);
    SDL_Rect box = {m, y, inner, lh + th->pad};
    ui_fill_round(u, box, th->radius, th->warn_bg);
    ui_text_box(u, (SDL_Rect){m + th->pad, y + th->pad / 2,
                              inner - 2 * th->pad, lh},
                th->px_body, TEXT_BOLD, th->text, UI_LEFT, 0, line);
    y += box.h + th->gap;
  }

  /* The two choices fill what is left: side by side on a landscape
   * screen, stacked on a portrait one. */
  static const struct {
    const char *id, *key;
    int action;
  } choices[] = {
      {START_ASK, "screen.start.ask", START_TO_SCREENER},
      {START_PICK, "screen.start.pick", START_TO_PICK},
  };
  int avail = footer - th->gap - y;
  int n = 2;
  for (int i = 0; i < n; i++) {
    SDL_Rect r;
    if (th->portrait) {
      int h = (avail - th->gap) / n;
      r = (SDL_Rect){m, y + i * (h + th->gap), inner, h};
    } else {
      int w = (inner - th->gap) / n;
      r = (SDL_Rect){m + i * (w + th->gap), y, w, avail};
    }
    char hint[80], badge[80];
    snprintf(hint, sizeof hint, "%s.hint", choices[i].key);
    snprintf(badge, sizeof badge, "%s.badge", choices[i].key);
    ui_tile(u, choices[i].id, r, app_str(a, badge),
            i == 0 ? th->primary : th->success, app_str(a, choices[i].key),
            app_str(a, hint));
    ui_tag(u, choices[i].action, 0);
  }
}

const screen_class screen_screener_start = {
    .name = "screener_start",
    .event = start_event,
    .draw = start_draw,
};
