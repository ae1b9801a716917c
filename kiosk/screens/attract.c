/* attract: while nobody uses the kiosk, cycle through highlights of the
 * catalogue — an item, what it gives, and this county's figure — so people
 * walking by see what help exists. Any touch returns to the home screen.
 * It redraws only when the highlight changes (every ATTRACT_PERIOD_MS). */
#include <stdio.h>
#include <string.h>

#include "widgets/format.h"
#include "screens/screens.h"

#define ATTRACT_PERIOD_MS 8000

typedef struct attract_state {
  uint64_t started_ms;
  size_t shown;
} attract_state;

static void attract_enter(app *a, void *state, const void *arg) {
  (void)arg;
  attract_state *s = state;
  s->started_ms = app_now(a);
}

static void attract_event(app *a, void *state, const ui_event *ev) {
  (void)state;
  if (ev->type == UI_EV_TAP)
    app_pop(a);
}

static uint64_t attract_tick(app *a, void *state, uint64_t now) {
  attract_state *s = state;
  size_t n = content_item_count(app_content(a));
  if (!n)
    return UINT64_MAX;
  uint64_t elapsed = now - s->started_ms;
  size_t idx = (size_t)(elapsed / ATTRACT_PERIOD_MS) % n;
  if (idx != s->shown) {
    s->shown = idx;
    app_dirty(a);
  }
  /* Wake exactly at the next change; nothing in between. */
  return ATTRACT_PERIOD_MS - elapsed % ATTRACT_PERIOD_MS;
}

static void attract_draw(app *a, void *state, ui *u) {
  attract_state *s = state;
  const theme *th = &u->th;
  const content *c = app_content(a);
  ui_fill(u, (SDL_Rect){0, 0, th->w, th->h}, th->primary);
  ui_target_add(u, "attract.start", (SDL_Rect){0, 0, th->w, th->h},
                app_str(a, "attract.touch"));
  size_t n = content_item_count(c);
  if (!n)
    return;
  const content_item *it = content_item_at(c, s->shown % n);
  int m = th->margin * 2;
  int w = th->w - 2 * m;
  int y = th->h / 6;
  const content_icon *ic = content_icon_find(c, it->icon);
  int icon = theme_px(th, 180);
  if (ic) {
    SDL_Rect ir = {(th->w - icon) / 2, y, icon, icon};
    ui_fill_round(u, ir, th->radius * 2, th->surface);
    unsigned rgb = ic->color;
    SDL_Color col = {(Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255};
    int gpx = icon * 55 / 100;
    int gw = text_width(u->text, gpx, TEXT_BOLD, ic->glyph, strlen(ic->glyph));
    int gh = text_line_height(u->text, gpx, TEXT_BOLD);
    ui_text_line(u, gpx, TEXT_BOLD, col, ic->glyph, ir.x + (icon - gw) / 2,
                 ir.y + (icon - gh) / 2);
  }
  y += icon + th->gap * 2;
  int h = ui_text_height(u, w, th->px_huge, TEXT_BOLD, it->name);
  ui_text_box(u, (SDL_Rect){m, y, w, h}, th->px_huge, TEXT_BOLD,
              th->on_primary, UI_CENTER, 0, it->name);
  y += h + th->gap;
  h = ui_text_height(u, w, th->px_large, TEXT_REGULAR, it->summary);
  ui_text_box(u, (SDL_Rect){m, y, w, h}, th->px_large, TEXT_REGULAR,
              th->on_primary, UI_CENTER, 0, it->summary);
  const char *touch = app_str(a, "attract.touch");
  int th2 = ui_text_height(u, w, th->px_title, TEXT_BOLD, touch);
  ui_text_box(u, (SDL_Rect){m, th->h - th->h / 6 - th2, w, th2}, th->px_title,
              TEXT_BOLD, th->on_primary, UI_CENTER, 0, touch);
}

const screen_class screen_attract = {
    .name = "attract",
    .state_size = sizeof(attract_state),
    .enter = attract_enter,
    .event = attract_event,
    .draw = attract_draw,
    .tick = attract_tick,
};
