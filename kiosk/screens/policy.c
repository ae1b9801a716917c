/* policy: the policy home — every assistance item of the bundle, grouped by
 * layer of the "3+N" system, as large tiles (icon, name, one line). Long
 * lists scroll by dragging (with momentum) or with the page buttons. */
#include <stdio.h>
#include <string.h>

#include "screens/screens.h"
#include "widgets/pageview.h"

/* What a tap on the policy home means (ui_tag). */
enum policy_action {
  POLICY_FIND_MINE = 1,
  POLICY_ITEM /* arg: the item's index in the catalogue */
};

typedef struct policy_state {
  pageview page;
} policy_state;

static const char *const layer_keys[] = {"basic", "special", "emergency",
                                         "social"};

/* Lays out (and, when draw is set, draws) the content at the given scroll
 * offset inside view; returns the content height. */
static int layout(app *a, ui *u, SDL_Rect view, int offset, int draw) {
  const theme *th = &u->th;
  const content *c = app_content(a);
  int cols = th->portrait ? (th->elder ? 1 : 2) : (th->w >= 1600 && !th->elder ? 3 : 2);
  int gap = th->gap;
  int tile_w = (view.w - gap * (cols - 1)) / cols;
  int icon = theme_px(th, th->elder ? 100 : 84);
  int text_w = tile_w - icon - th->pad * 3;
  int y = 0;
  const char *intro = app_str(a, "policy.intro");
  int ih = ui_text_height(u, view.w, th->px_body, TEXT_REGULAR, intro);
  if (draw)
    ui_text_box(u, (SDL_Rect){view.x, view.y - offset + y, view.w, ih},
                th->px_body, TEXT_REGULAR, th->text, UI_LEFT, 0, intro);
  y += ih + gap / 2;
  /* The way from reading to applying: a few questions, then the list. */
  const char *find = app_str(a, "policy.find_mine");
  int fw = th->portrait ? view.w : view.w * 2 / 3;
  int fh = ui_text_height(u, fw - 2 * th->pad, th->px_large, TEXT_BOLD, find);
  if (fh < th->button_h - th->pad)
    fh = th->button_h - th->pad;
  fh += th->pad;
  if (draw) {
    ui_button(u, "policy.find_mine",
              (SDL_Rect){view.x, view.y - offset + y, fw, fh}, UI_BTN_PRIMARY,
              find);
    ui_tag(u, POLICY_FIND_MINE, 0);
  }
  y += fh + gap;
  size_t n = content_item_count(c);
  for (int layer = 0; layer < CONTENT_LAYER_COUNT; layer++) {
    const content_item *items[64];
    int at[64]; /* items[k] is content_item_at(c, at[k]) */
    int count = 0;
    for (size_t i = 0; i < n && count < 64; i++)
      if ((int)content_item_at(c, i)->layer == layer) {
        at[count] = (int)i;
        items[count++] = content_item_at(c, i);
      }
    if (!count)
      continue;
    char key[64];
    snprintf(key, sizeof key, "layer.%s", layer_keys[layer]);
    const char *name = app_str(a, key);
    snprintf(key, sizeof key, "layer.%s.hint", layer_keys[layer]);
    const char *hint = app_str(a, key);
    int nh = text_line_height(u->text, th->px_large, TEXT_BOLD);
    int hh = ui_text_height(u, view.w, th->px_small, TEXT_REGULAR, hint);
    if (draw) {
      int yy = view.y - offset + y;
      ui_fill(u, (SDL_Rect){view.x, yy, theme_px(th, 8), nh}, th->accent);
      ui_text_box(u, (SDL_Rect){view.x + theme_px(th, 20), yy,
                                view.w - theme_px(th, 20), nh},
                  th->px_large, TEXT_BOLD, th->text, UI_LEFT, 0, name);
      ui_text_box(u, (SDL_Rect){view.x, yy + nh, view.w, hh}, th->px_small,
                  TEXT_REGULAR, th->text_muted, UI_LEFT, 0, hint);
    }
    y += nh + hh + gap / 2;
    for (int i = 0; i < count; i += cols) {
      /* A row is as tall as its tallest tile. */
      int row_h = icon + 2 * th->pad;
      for (int k = 0; k < cols && i + k < count; k++) {
        const content_item *it = items[i + k];
        int h = ui_text_height(u, text_w, th->px_large, TEXT_BOLD, it->name) +
                ui_text_height(u, text_w, th->px_body, TEXT_REGULAR,
                               it->summary) +
                2 * th->pad;
        if (h > row_h)
          row_h = h;
      }
      int yy = view.y - offset + y;
      if (draw && yy + row_h >= view.y && yy <= view.y + view.h) {
        for (int k = 0; k < cols && i + k < count; k++) {
          const content_item *it = items[i + k];
          SDL_Rect r = {view.x + k * (tile_w + gap), yy, tile_w, row_h};
          char id[UI_ID_MAX];
          snprintf(id, sizeof id, "item.%s", it->id);
          int pressed = strcmp(u->pressed, id) == 0;
          ui_card(u, r, pressed ? th->surface_alt : th->surface,
                  pressed ? th->primary : th->border);
          const content_icon *ic = content_icon_find(c, it->icon);
          unsigned rgb = ic ? ic->color : 0x0B4A85;
          SDL_Color col = {(Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb,
                           255};
          SDL_Rect ir = {r.x + th->pad, r.y + th->pad, icon, icon};
          ui_fill_round(u, ir, th->radius, col);
          if (ic) {
            int gpx = icon * 55 / 100;
            int gw = text_width(u->text, gpx, TEXT_BOLD, ic->glyph,
                                strlen(ic->glyph));
            int gh = text_line_height(u->text, gpx, TEXT_BOLD);
            ui_text_line(u, gpx, TEXT_BOLD, th->on_primary, ic->glyph,
                         ir.x + (icon - gw) / 2, ir.y + (icon - gh) / 2);
          }
          int tx = ir.x + icon + th->pad;
          int tl = ui_text_height(u, text_w, th->px_large, TEXT_BOLD, it->name);
          ui_text_box(u, (SDL_Rect){tx, r.y + th->pad, text_w, tl},
                      th->px_large, TEXT_BOLD, th->text, UI_LEFT, 0, it->name);
          ui_text_box(u, (SDL_Rect){tx, r.y + th->pad + tl, text_w,
                                    row_h - 2 * th->pad - tl},
                      th->px_body, TEXT_REGULAR, th->text_muted, UI_LEFT, 0,
                      it->summary);
          ui_target_add(u, id, r, it->name);
          ui_tag(u, POLICY_ITEM, at[i + k]);
        }
      }
      y += row_h + gap;
    }
    y += gap;
  }
  return y;
}

/* The bottom bar: page up / page down for those who do not drag. */
static int bottom_bar(ui *u, policy_state *s, int footer_top,
                      int draw) {
  const theme *th = &u->th;
  int h = th->button_h + th->gap;
  int top = footer_top - h;
  if (!draw)
    return top;
  int bw = th->w / 4;
  int y = top + th->gap / 2;
  pageview_draw_bar(&s->page, u, (SDL_Rect){th->margin, y, bw, th->button_h},
                    (SDL_Rect){th->w - th->margin - bw, y, bw, th->button_h});
  return top;
}

static void policy_draw(app *a, void *state, ui *u) {
  policy_state *s = state;
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "policy.title"), 1);
  int footer = screen_footer(a, u);
  int bottom = bottom_bar(u, s, footer, 0);
  SDL_Rect view = {th->margin, area.y + th->gap, th->w - 2 * th->margin,
                   bottom - area.y - th->gap};
  int content_h = layout(a, u, view, 0, 0);
  pageview_update(&s->page, content_h, view.h, app_now(a));
  ui_clip_begin(u, view);
  layout(a, u, view, pageview_offset(&s->page), 1);
  ui_clip_end(u);
  bottom_bar(u, s, footer, 1);
}

static void policy_event(app *a, void *state, const ui_event *ev) {
  policy_state *s = state;
  if (pageview_event(&s->page, ev, app_now(a))) {
    app_dirty(a);
    return;
  }
  if (ev->type != UI_EV_TAP)
    return;
  if (ev->action == POLICY_FIND_MINE)
    app_push(a, &screen_screener, NULL);
  else if (ev->action == POLICY_ITEM) {
    const content_item *it = content_item_at(app_content(a), (size_t)ev->arg);
    if (ev->arg >= 0 && it)
      app_push(a, &screen_policy_item, it->id);
  }
  app_dirty(a);
}

static uint64_t policy_tick(app *a, void *state, uint64_t now) {
  policy_state *s = state;
  (void)a;
  (void)now;
  return pageview_deadline(&s->page);
}

const screen_class screen_policy = {
    .name = "policy",
    .state_size = sizeof(policy_state),
    .event = policy_event,
    .draw = policy_draw,
    .tick = policy_tick,
};
