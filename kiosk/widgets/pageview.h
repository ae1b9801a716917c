/* pageview: a vertically scrolling page with a page bar — what every long
 * screen (a policy, the review of a form, a receipt, results, the outbox)
 * shows the same way.
 *
 * It owns the scroll state (widgets/scroll.h): the finger drags the page,
 * momentum carries on after a release, and 上一页 / 下一页 (targets
 * "page.up" / "page.down", words "nav.prev_page" / "nav.next_page") move a
 * whole page for those who do not drag. Each page button is drawn only
 * while there is more content that way. The screen lays out its content,
 * tells the page view the heights, draws at pageview_offset(), places the
 * two buttons where its layout wants them, and feeds every event to
 * pageview_event() first.
 *
 * A value type held in a screen's state (zeroed on push is a valid empty
 * page view); nothing to free. Time is passed in. */
#ifndef KIOSK_WIDGETS_PAGEVIEW_H
#define KIOSK_WIDGETS_PAGEVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/ui.h"
#include "widgets/scroll.h"

typedef struct pageview {
  ui_scroll scroll;
} pageview;

/* Sets the content and view heights (after layout), clamps the offset and
 * advances any momentum to now_ms. Call once per frame before drawing. */
void pageview_update(pageview *p, int content_h, int view_h, uint64_t now_ms);

/* Pixels of content scrolled above the view: draw the content's top at
 * view.y - pageview_offset(). */
int pageview_offset(const pageview *p);

/* Back to the top (new content). */
void pageview_top(pageview *p);

/* Scrolls so that content y is at the top of the view (clamped by the
 * extent of the last pageview_update; call it after one). */
void pageview_set_offset(pageview *p, int y);

/* How many pages the content takes: 1, plus one per 下一页 until its end
 * is in view. */
int pageview_pages(const pageview *p);

/* Draws 上一页 in up (while there is content above) and 下一页 in down
 * (while there is content below) as secondary buttons, and notes the
 * page count in the frame (u->pages) for scripts (`expect pages`). */
void pageview_draw_bar(const pageview *p, ui *u, SDL_Rect up, SDL_Rect down);

/* A list drawn page by page (whole rows, not scrolled): the row r holds
 * 上一页 (page.up, tagged up_action) on the left while page > 0, 「2 / 3」
 * in the middle, and 下一页 (page.down, tagged down_action) on the right
 * while a page follows. page counts from 0. */
void pageview_pager(ui *u, SDL_Rect r, int page, int pages, int up_action,
                    int down_action);

/* Handles a drag, the end of a drag, or a tap on page.up / page.down at
 * now_ms. Returns true if the event was the page view's (the screen then
 * redraws and ignores it), false for anything else. */
bool pageview_event(pageview *p, const ui_event *ev, uint64_t now_ms);

/* Milliseconds until the momentum wants the next frame, UINT64_MAX while
 * still: return it (or the least of it and the screen's own) from tick. */
uint64_t pageview_deadline(const pageview *p);

#endif
