/* chrome: see chrome.h. */
#include <stdio.h>
#include <string.h>

#include "widgets/chrome.h"

void chrome_format(char *out, size_t size, const char *tmpl, const char *name,
                   const char *value) {
  char mark[64];
  snprintf(mark, sizeof mark, "{%s}", name);
  const char *p = strstr(tmpl, mark);
  if (!p) {
    snprintf(out, size, "%s", tmpl);
    return;
  }
  snprintf(out, size, "%.*s%s%s", (int)(p - tmpl), tmpl, value,
           p + strlen(mark));
}

const char *chrome_size_label(const ui *u) {
  static const char *const keys[THEME_SIZES] = {"size.bigger", "size.biggest",
                                                "size.standard"};
  int n = u->th.size;
  return ui_str(u, keys[n < 0 || n >= THEME_SIZES ? 0 : n]);
}

/* A button sized to its label (at least the minimum target). */
static int label_button_w(ui *u, const char *label) {
  const theme *th = &u->th;
  int w = text_width(u->text, th->px_large, TEXT_BOLD, label, strlen(label)) +
          th->pad * 2;
  int min = th->target_min * 2;
  return w < min ? min : w;
}

SDL_Rect chrome_top_bar(ui *u, const char *title, int has_back) {
  const theme *th = &u->th;
  int m = th->margin / 2;
  int bh = th->bar_h - 2 * m;
  if (bh < th->target_min)
    bh = th->target_min;
  int bar_base = bh + 2 * m;
  /* Buttons: 返回 回首页 on the left, 长辈模式 结束 on the right. */
  const char *back = ui_str(u, "nav.back");
  const char *home = ui_str(u, "nav.home");
  const char *listen = ui_str(u, "nav.listen");
  const char *end = ui_str(u, "nav.finish");
  const char *elder = chrome_size_label(u);
  int backw = has_back ? label_button_w(u, back) : 0;
  int homew = label_button_w(u, home);
  int listenw = label_button_w(u, listen);
  int endw = label_button_w(u, end);
  int elderw = label_button_w(u, elder);
  /* 听一听 goes after 回首页 when all five fit on one row, else to the
   * right end of the title's row. */
  int row_w = m + (has_back ? backw + th->gap : 0) + homew + th->gap + listenw +
              th->gap + elderw + th->gap + endw + m;
  int listen_below = row_w > th->w;
  int left = m + (has_back ? backw + th->gap : 0) + homew + th->gap +
             (listen_below ? 0 : listenw + th->gap);
  int right = th->w - m - endw - th->gap - elderw - th->gap;
  /* A narrow screen puts the title on a second row of its own. A short
   * one (landscape) keeps its height for the page: the title takes
   * smaller words first, down to the title's size in 标准 (38 units). */
  int title_px = th->px_large;
  int title_w = text_width(u->text, title_px, TEXT_BOLD, title, strlen(title));
  if (!th->portrait && !listen_below && title_w > right - left) {
    const int smaller[] = {th->px_body, th->px_small, theme_px(th, 38)};
    for (size_t i = 0; i < 3 && title_w > right - left; i++) {
      int w = text_width(u->text, smaller[i], TEXT_BOLD, title, strlen(title));
      if (w <= right - left) {
        title_px = smaller[i];
        title_w = w;
      }
    }
  }
  int two_rows = listen_below || title_w > right - left;
  int bar_h = bar_base;
  int title_row_w = th->w - 4 * m - (listen_below ? listenw + th->gap : 0);
  if (two_rows) {
    /* The title may wrap beside 听一听. */
    int lh = ui_text_height(u, title_row_w, th->px_large, TEXT_BOLD, title);
    bar_h += (listen_below && bh > lh ? bh : lh) + m;
  }
  ui_fill(u, (SDL_Rect){0, 0, th->w, bar_h}, th->surface);
  ui_fill(u, (SDL_Rect){0, bar_h - theme_px(th, 2), th->w, theme_px(th, 2)},
          th->border);
  int x = m;
  if (has_back) {
    ui_button(u, NAV_BACK, (SDL_Rect){x, m, backw, bh}, UI_BTN_SECONDARY, back);
    ui_tag(u, CHROME_BACK, 0);
    x += backw + th->gap;
  }
  ui_button(u, NAV_HOME, (SDL_Rect){x, m, homew, bh}, UI_BTN_SECONDARY, home);
  ui_tag(u, CHROME_HOME, 0);
  x += homew + th->gap;
  SDL_Rect lr = listen_below ? (SDL_Rect){th->w - m - listenw, bar_base - m / 2,
                                          listenw, bh}
                             : (SDL_Rect){x, m, listenw, bh};
  ui_button(u, NAV_LISTEN, lr, UI_BTN_SECONDARY, listen);
  ui_tag(u, CHROME_LISTEN, 0);
  int rx = th->w - m - endw;
  ui_button(u, NAV_END, (SDL_Rect){rx, m, endw, bh}, UI_BTN_SECONDARY, end);
  ui_tag(u, CHROME_END, 0);
  rx -= elderw + th->gap;
  ui_button(u, NAV_ELDER, (SDL_Rect){rx, m, elderw, bh}, UI_BTN_SECONDARY,
            elder);
  ui_tag(u, CHROME_ELDER, 0);
  SDL_Rect tr = two_rows ? (SDL_Rect){m * 2, bar_base - m / 2, title_row_w,
                                      bar_h - bar_base}
                         : (SDL_Rect){left, m, right - left, bh};
  ui_text_box(u, tr, two_rows ? th->px_large : title_px, TEXT_BOLD, th->text,
              two_rows ? UI_LEFT : UI_CENTER, 1, title);
  return (SDL_Rect){0, bar_h, th->w, th->h - bar_h};
}

/* The footer's small words, smaller where the line would not fit width
 * w on one line, down to the standard size's body text. */
static int line_px(ui *u, const char *line, int w) {
  const theme *th = &u->th;
  int px = th->px_small, floor_px = theme_px(th, 30);
  int lw = text_width(u->text, px, TEXT_REGULAR, line, strlen(line));
  if (lw > w && floor_px < px) {
    px = px * w / lw;
    if (px < floor_px)
      px = floor_px;
  }
  return px;
}

int chrome_footer(ui *u, const char *hotline, int volume) {
  const theme *th = &u->th;
  char line[512];
  snprintf(line, sizeof line, "%s %s：%s", ui_str(u, "home.help"),
           ui_str(u, "policy.hotline"), hotline);
  /* 小声一点 and 大声一点 at the ends, for whoever listens. */
  const char *down = ui_str(u, "nav.volume_down");
  const char *up = ui_str(u, "nav.volume_up");
  int bw = 0;
  if (volume) {
    int dw = label_button_w(u, down), uw = label_button_w(u, up);
    bw = dw > uw ? dw : uw;
  }
  int tx = th->margin + (bw ? bw + th->gap : 0);
  int tw = th->w - 2 * tx;
  /* One line, or two on a narrow screen in a large size. Beside the
   * volume buttons the line takes smaller words first (not below the
   * standard size's body text), so the screen above keeps its room. */
  int px = volume ? line_px(u, line, tw) : th->px_small;
  /* More than two lines of it beside the buttons (a portrait screen in
   * 特大): the buttons get a row of their own and the line the width, on
   * one line if it can. */
  int apart = volume && ui_text_height(u, tw, px, TEXT_REGULAR, line) >
                            2 * text_line_height(u->text, px, TEXT_REGULAR);
  if (apart) {
    tx = th->margin;
    tw = th->w - 2 * tx;
    px = line_px(u, line, tw);
  }
  /* Apart, both rows are kept close: the screen above keeps its room. */
  int row = apart ? th->target_min + th->pad / 4 : 0;
  int h = ui_text_height(u, tw, px, TEXT_REGULAR, line) +
          (apart ? th->pad / 2 : th->pad) + row;
  if (volume && h < th->target_min + th->pad / 2)
    h = th->target_min + th->pad / 2;
  int top = th->h - h;
  ui_fill(u, (SDL_Rect){0, top, th->w, h}, th->surface_alt);
  ui_text_box(u, (SDL_Rect){tx, top + row, tw, h - row}, px, TEXT_REGULAR,
              th->text, UI_CENTER, 1, line);
  if (volume) {
    int by = apart ? top + th->pad / 4 : top + (h - th->target_min) / 2;
    ui_button(u, "nav.volume.down",
              (SDL_Rect){th->margin, by, bw, th->target_min}, UI_BTN_SECONDARY,
              down);
    ui_tag(u, CHROME_VOLUME_DOWN, 0);
    ui_button(u, "nav.volume.up",
              (SDL_Rect){th->w - th->margin - bw, by, bw, th->target_min},
              UI_BTN_SECONDARY, up);
    ui_tag(u, CHROME_VOLUME_UP, 0);
  }
  return top;
}

void chrome_timeout_overlay(ui *u, int seconds_left) {
  const theme *th = &u->th;
  ui_fill(u, (SDL_Rect){0, 0, th->w, th->h}, th->scrim);
  int cw = th->w * (th->portrait ? 88 : 56) / 100;
  int inner = cw - 2 * th->pad * 2;
  char body[512];
  char secs[16];
  snprintf(secs, sizeof secs, "%d", seconds_left);
  chrome_format(body, sizeof body, ui_str(u, "timeout.body"), "seconds", secs);
  int title_h = ui_text_height(u, inner, th->px_title, TEXT_BOLD,
                               ui_str(u, "timeout.title"));
  int body_h = ui_text_height(u, inner, th->px_body, TEXT_REGULAR, body);
  int big_h = th->button_h * 13 / 10;
  int ch = th->pad * 4 + title_h + th->gap + body_h + th->gap * 2 + big_h +
           th->gap + th->button_h;
  SDL_Rect card = {(th->w - cw) / 2, (th->h - ch) / 2, cw, ch};
  ui_card(u, card, th->surface, th->focus);
  int x = card.x + th->pad * 2, y = card.y + th->pad * 2;
  ui_text_box(u, (SDL_Rect){x, y, inner, title_h}, th->px_title, TEXT_BOLD,
              th->text, UI_CENTER, 0, ui_str(u, "timeout.title"));
  y += title_h + th->gap;
  ui_text_box(u, (SDL_Rect){x, y, inner, body_h}, th->px_body, TEXT_REGULAR,
              th->text, UI_CENTER, 0, body);
  y += body_h + th->gap * 2;
  ui_button(u, TIMEOUT_MORE, (SDL_Rect){x, y, inner, big_h}, UI_BTN_PRIMARY,
            ui_str(u, "timeout.more_time"));
  ui_tag(u, CHROME_TIMEOUT_MORE, 0);
  y += big_h + th->gap;
  ui_button(u, TIMEOUT_END, (SDL_Rect){x, y, inner, th->button_h},
            UI_BTN_SECONDARY, ui_str(u, "timeout.end"));
  ui_tag(u, CHROME_TIMEOUT_END, 0);
}
