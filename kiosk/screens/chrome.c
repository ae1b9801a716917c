/* chrome: the parts every screen shares — top bar, footer, timeout overlay.
 * All words come from the content bundle's strings. */
#include <stdio.h>
#include <string.h>

#include "screens/screens.h"

/* Replaces the first "{n}" in tmpl with value. */
static void fill_n(char *out, size_t size, const char *tmpl, int value) {
  const char *p = strstr(tmpl, "{n}");
  if (!p) {
    snprintf(out, size, "%s", tmpl);
    return;
  }
  snprintf(out, size, "%.*s%d%s", (int)(p - tmpl), tmpl, value, p + 3);
}

/* A button sized to its label (at least the minimum target). */
static int label_button_w(ui *u, const char *label) {
  const theme *th = &u->th;
  int w = text_width(u->text, th->px_large, TEXT_BOLD, label, strlen(label)) +
          th->pad * 2;
  int min = th->target_min * 2;
  return w < min ? min : w;
}

SDL_Rect chrome_top_bar(app *a, ui *u, const char *title, int has_back) {
  const theme *th = &u->th;
  int m = th->margin / 2;
  SDL_Rect bar = {0, 0, th->w, th->bar_h};
  ui_fill(u, bar, th->surface);
  ui_fill(u, (SDL_Rect){0, th->bar_h - theme_px(th, 2), th->w,
                        theme_px(th, 2)},
          th->border);
  int bh = th->bar_h - 2 * m;
  int x = m;
  if (has_back) {
    const char *back = app_str(a, "nav.back");
    int bw = label_button_w(u, back);
    ui_button(u, NAV_BACK, (SDL_Rect){x, m, bw, bh}, UI_BTN_SECONDARY, back);
    x += bw + th->gap;
  }
  const char *end = app_str(a, "nav.end");
  int ew = label_button_w(u, end);
  int right = th->w - m - ew;
  ui_button(u, NAV_END, (SDL_Rect){right, m, ew, bh}, UI_BTN_SECONDARY, end);
  const char *elder =
      app_str(a, app_elder(a) ? "nav.elder_off" : "nav.elder_on");
  int lw = label_button_w(u, elder);
  right -= lw + th->gap;
  ui_button(u, NAV_ELDER, (SDL_Rect){right, m, lw, bh}, UI_BTN_SECONDARY,
            elder);
  SDL_Rect tr = {x + th->gap / 2, m, right - th->gap - x, bh};
  ui_text_box(u, tr, th->px_title, TEXT_BOLD, th->text,
              has_back ? UI_LEFT : UI_LEFT, 1, title);
  return (SDL_Rect){0, th->bar_h, th->w, th->h - th->bar_h};
}

int chrome_footer(app *a, ui *u) {
  const theme *th = &u->th;
  const content_region *r = app_region(a);
  char line[512];
  snprintf(line, sizeof line, "%s %s %s", app_str(a, "footer.help"),
           app_str(a, "footer.hotline"), r ? r->hotline : "12345");
  int h = text_line_height(u->text, th->px_small, TEXT_REGULAR) + th->pad;
  int top = th->h - h;
  ui_fill(u, (SDL_Rect){0, top, th->w, h}, th->surface_alt);
  ui_text_box(u, (SDL_Rect){th->margin, top, th->w - 2 * th->margin, h},
              th->px_small, TEXT_REGULAR, th->text, UI_CENTER, 1, line);
  return top;
}

void chrome_timeout_overlay(app *a, ui *u, int seconds_left) {
  const theme *th = &u->th;
  ui_fill(u, (SDL_Rect){0, 0, th->w, th->h}, th->scrim);
  int cw = th->w * (th->portrait ? 88 : 56) / 100;
  int inner = cw - 2 * th->pad * 2;
  char body[512];
  fill_n(body, sizeof body, app_str(a, "timeout.body"), seconds_left);
  int title_h = ui_text_height(u, inner, th->px_title, TEXT_BOLD,
                               app_str(a, "timeout.title"));
  int body_h = ui_text_height(u, inner, th->px_body, TEXT_REGULAR, body);
  int big_h = th->button_h * 13 / 10;
  int ch = th->pad * 4 + title_h + th->gap + body_h + th->gap * 2 + big_h +
           th->gap + th->button_h;
  SDL_Rect card = {(th->w - cw) / 2, (th->h - ch) / 2, cw, ch};
  ui_card(u, card, th->surface, th->focus);
  int x = card.x + th->pad * 2, y = card.y + th->pad * 2;
  ui_text_box(u, (SDL_Rect){x, y, inner, title_h}, th->px_title, TEXT_BOLD,
              th->text, UI_CENTER, 0, app_str(a, "timeout.title"));
  y += title_h + th->gap;
  ui_text_box(u, (SDL_Rect){x, y, inner, body_h}, th->px_body, TEXT_REGULAR,
              th->text, UI_CENTER, 0, body);
  y += body_h + th->gap * 2;
  ui_button(u, TIMEOUT_MORE, (SDL_Rect){x, y, inner, big_h}, UI_BTN_PRIMARY,
            app_str(a, "timeout.more"));
  y += big_h + th->gap;
  ui_button(u, TIMEOUT_END, (SDL_Rect){x, y, inner, th->button_h},
            UI_BTN_SECONDARY, app_str(a, "timeout.end"));
}
