/* scroll: see scroll.h. */
#include "widgets/scroll.h"

#include <math.h>

#define FRAME_MS 16
#define FRICTION 0.0025f   /* fraction of velocity lost per ms */
#define MIN_SPEED 0.02f    /* px/ms below which motion stops */
#define MAX_SPEED 8.0f

static float max_offset(const ui_scroll *s) {
  int m = s->content_h - s->view_h;
  return m > 0 ? (float)m : 0.0f;
}

static void clamp(ui_scroll *s) {
  float m = max_offset(s);
  if (s->offset < 0) {
    s->offset = 0;
    s->velocity = 0;
  } else if (s->offset > m) {
    s->offset = m;
    s->velocity = 0;
  }
}

void ui_scroll_set_extent(ui_scroll *s, int content_h, int view_h) {
  s->content_h = content_h;
  s->view_h = view_h;
  clamp(s);
}

void ui_scroll_drag(ui_scroll *s, int dy, uint64_t now_ms) {
  s->animating = 0;
  uint64_t dt = now_ms > s->last_ms ? now_ms - s->last_ms : 1;
  if (dt > 100)
    dt = 100;
  float v = (float)-dy / (float)dt;
  /* Smooth the velocity over recent moves. */
  s->velocity = 0.6f * v + 0.4f * s->velocity;
  s->offset -= (float)dy;
  s->last_ms = now_ms;
  clamp(s);
}

void ui_scroll_release(ui_scroll *s, uint64_t now_ms) {
  if (now_ms - s->last_ms > 80)
    s->velocity = 0; /* the finger rested before lifting */
  if (s->velocity > MAX_SPEED)
    s->velocity = MAX_SPEED;
  if (s->velocity < -MAX_SPEED)
    s->velocity = -MAX_SPEED;
  s->animating = fabsf(s->velocity) >= MIN_SPEED;
  s->last_ms = now_ms;
}

int ui_scroll_step(ui_scroll *s, uint64_t now_ms) {
  if (!s->animating)
    return 0;
  uint64_t dt = now_ms > s->last_ms ? now_ms - s->last_ms : 0;
  s->last_ms = now_ms;
  while (dt > 0 && s->animating) {
    uint64_t step = dt > FRAME_MS ? FRAME_MS : dt;
    s->offset += s->velocity * (float)step;
    s->velocity *= powf(1.0f - FRICTION, (float)step);
    dt -= step;
    clamp(s);
    if (fabsf(s->velocity) < MIN_SPEED)
      s->animating = 0;
  }
  return s->animating;
}

uint64_t ui_scroll_deadline(const ui_scroll *s) {
  return s->animating ? FRAME_MS : UINT64_MAX;
}

/* What one ui_scroll_page() moves: 85 % of the view, so the last lines
 * of a page are seen again at the top of the next. */
static int page_step(const ui_scroll *s) { return s->view_h * 85 / 100; }

void ui_scroll_page(ui_scroll *s, int dir) {
  s->animating = 0;
  s->velocity = 0;
  s->offset += (float)(dir * page_step(s));
  clamp(s);
}

int ui_scroll_pages(const ui_scroll *s) {
  int rest = s->content_h - s->view_h;
  int step = page_step(s);
  if (rest <= 0 || step <= 0)
    return 1;
  return 1 + (rest + step - 1) / step;
}

void ui_scroll_set_offset(ui_scroll *s, int y) {
  s->animating = 0;
  s->velocity = 0;
  s->offset = (float)y;
  clamp(s);
}

int ui_scroll_more_above(const ui_scroll *s) { return s->offset > 0.5f; }
int ui_scroll_more_below(const ui_scroll *s) {
  return s->offset < max_offset(s) - 0.5f;
}
