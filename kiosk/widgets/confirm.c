/* confirm: see confirm.h. */
#include "widgets/confirm.h"

#include <string.h>

void confirm_draw(ui *u, const confirm_words *w, int stay_action,
                  int go_action) {
  const theme *th = &u->th;
  ui_fill(u, (SDL_Rect){0, 0, th->w, th->h}, th->scrim);
  int cw = th->w * (th->portrait ? 88 : 60) / 100;
  int inner = cw - 4 * th->pad;
  int title_h =
      ui_text_height(u, inner, th->px_title, TEXT_BOLD, w->question);
  int body_h = w->body[0]
                   ? ui_text_height(u, inner, th->px_body, TEXT_REGULAR,
                                    w->body)
                   : 0;
  int big_h = th->button_h * 13 / 10;
  /* Side by side when both labels fit in half the card, else stacked. */
  int half = (inner - th->gap) / 2;
  int lw = text_width(u->text, th->px_large, TEXT_BOLD, w->stay,
                      strlen(w->stay));
  int gw = text_width(u->text, th->px_large, TEXT_BOLD, w->go,
                      strlen(w->go));
  int side = lw + 2 * th->pad <= half && gw + 2 * th->pad <= half;
  int buttons_h = side ? big_h : 2 * big_h + th->gap;
  int ch = 4 * th->pad + title_h + (body_h ? th->gap + body_h : 0) +
           2 * th->gap + buttons_h;
  if (ch > th->h - 2 * th->margin)
    ch = th->h - 2 * th->margin;
  SDL_Rect card = {(th->w - cw) / 2, (th->h - ch) / 2, cw, ch};
  ui_card(u, card, th->surface, th->focus);
  int x = card.x + 2 * th->pad, y = card.y + 2 * th->pad;
  ui_text_box(u, (SDL_Rect){x, y, inner, title_h}, th->px_title, TEXT_BOLD,
              th->text, UI_CENTER, 0, w->question);
  y += title_h;
  if (body_h) {
    y += th->gap;
    ui_text_box(u, (SDL_Rect){x, y, inner, body_h}, th->px_body,
                TEXT_REGULAR, th->text, UI_CENTER, 0, w->body);
    y += body_h;
  }
  y += 2 * th->gap;
  SDL_Rect stay = {x, y, side ? half : inner, big_h};
  SDL_Rect go = side ? (SDL_Rect){x + inner - half, y, half, big_h}
                     : (SDL_Rect){x, y + big_h + th->gap, inner, big_h};
  ui_button(u, CONFIRM_STAY, stay, UI_BTN_PRIMARY, w->stay);
  ui_tag(u, stay_action, 0);
  ui_button(u, CONFIRM_GO, go, UI_BTN_SECONDARY, w->go);
  ui_tag(u, go_action, 0);
}
