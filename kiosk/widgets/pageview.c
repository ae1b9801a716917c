/* pageview: scroll state plus the page bar; see pageview.h. */
#include "widgets/pageview.h"

#include <string.h>

void pageview_update(pageview *p, int content_h, int view_h, uint64_t now_ms) {
  ui_scroll_set_extent(&p->scroll, content_h, view_h);
  ui_scroll_step(&p->scroll, now_ms);
}

int pageview_offset(const pageview *p) { return (int)p->scroll.offset; }

void pageview_top(pageview *p) { p->scroll.offset = 0; }

void pageview_set_offset(pageview *p, int y) {
  ui_scroll_set_offset(&p->scroll, y);
}

int pageview_pages(const pageview *p) { return ui_scroll_pages(&p->scroll); }

void pageview_draw_bar(const pageview *p, ui *u, SDL_Rect up, SDL_Rect down) {
  u->pages = pageview_pages(p);
  if (ui_scroll_more_above(&p->scroll))
    ui_button(u, "page.up", up, UI_BTN_SECONDARY, ui_str(u, "nav.prev_page"));
  if (ui_scroll_more_below(&p->scroll))
    ui_button(u, "page.down", down, UI_BTN_SECONDARY,
              ui_str(u, "nav.next_page"));
}

void pageview_pager(ui *u, SDL_Rect r, int page, int pages, int up_action,
                    int down_action) {
  const theme *th = &u->th;
  int pw = (r.w - th->gap) / 3;
  if (page > 0) {
    ui_button(u, "page.up", (SDL_Rect){r.x, r.y, pw, r.h}, UI_BTN_SECONDARY,
              ui_str(u, "nav.prev_page"));
    ui_tag(u, up_action, 0);
  }
  char pg[64];
  snprintf(pg, sizeof pg, "%d / %d", page + 1, pages);
  ui_text_box(u, (SDL_Rect){r.x + pw + th->gap / 2, r.y, pw, r.h}, th->px_body,
              TEXT_REGULAR, th->text_muted, UI_CENTER, 1, pg);
  if (page + 1 < pages) {
    ui_button(u, "page.down", (SDL_Rect){r.x + r.w - pw, r.y, pw, r.h},
              UI_BTN_SECONDARY, ui_str(u, "nav.next_page"));
    ui_tag(u, down_action, 0);
  }
}

bool pageview_event(pageview *p, const ui_event *ev, uint64_t now_ms) {
  switch (ev->type) {
  case UI_EV_DRAG:
    ui_scroll_drag(&p->scroll, ev->dy, now_ms);
    return true;
  case UI_EV_DRAG_END:
    ui_scroll_release(&p->scroll, now_ms);
    return true;
  case UI_EV_TAP:
    if (strcmp(ev->id, "page.up") == 0) {
      ui_scroll_page(&p->scroll, -1);
      return true;
    }
    if (strcmp(ev->id, "page.down") == 0) {
      ui_scroll_page(&p->scroll, 1);
      return true;
    }
    return false;
  default:
    return false;
  }
}

uint64_t pageview_deadline(const pageview *p) {
  return ui_scroll_deadline(&p->scroll);
}
