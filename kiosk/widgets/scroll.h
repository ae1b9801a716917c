/* scroll: vertical scrolling by dragging, with momentum.
 *
 * A value type owned by the screen that scrolls. Drags move the content
 * with the finger; on release the recorded velocity carries on and decays
 * (friction), animated through the loop's deadlines — while nothing moves
 * no deadline is asked for, so an idle page costs no CPU. The offset is
 * always clamped to [0, content_h - view_h]. Time is passed in. */
#ifndef KIOSK_UI_SCROLL_H
#define KIOSK_UI_SCROLL_H

#include <stdint.h>

typedef struct ui_scroll {
  float offset;   /* pixels of content scrolled above the view */
  float velocity; /* pixels per millisecond, positive = content moves up */
  int content_h, view_h;
  uint64_t last_ms;
  int animating;
} ui_scroll;

/* Sets the sizes (after layout) and clamps the offset. */
void ui_scroll_set_extent(ui_scroll *s, int content_h, int view_h);
/* The finger moved by dy (positive = down) at now_ms. */
void ui_scroll_drag(ui_scroll *s, int dy, uint64_t now_ms);
/* The finger was lifted: momentum starts if it was moving fast enough. */
void ui_scroll_release(ui_scroll *s, uint64_t now_ms);
/* Advances the momentum to now_ms; returns 1 while still moving. */
int ui_scroll_step(ui_scroll *s, uint64_t now_ms);
/* Milliseconds to the next animation frame, UINT64_MAX when still. */
uint64_t ui_scroll_deadline(const ui_scroll *s);
/* Scrolls by a whole page (dir = +1 down, -1 up), without animation. */
void ui_scroll_page(ui_scroll *s, int dir);
/* How many views it takes to see everything by paging: 1, plus one per
 * ui_scroll_page() from the top until the end is in view. */
int ui_scroll_pages(const ui_scroll *s);
/* Puts the offset at y (clamped); stops any momentum. */
void ui_scroll_set_offset(ui_scroll *s, int y);
/* Nonzero if there is content above / below the view. */
int ui_scroll_more_above(const ui_scroll *s);
int ui_scroll_more_below(const ui_scroll *s);

#endif
