/* pageview: which events it takes, paging, clamping, the deadline. */
#include <stdint.h>

#include "check.h"
#include "widgets/pageview.h"

int main(void) {
  pageview p = {0};
  pageview_update(&p, 3000, 1000, 0);
  CHECK_INT(pageview_offset(&p), 0);

  /* A drag up moves the content up and is the page view's. */
  ui_event drag = {.type = UI_EV_DRAG, .id = "", .dy = -200};
  CHECK(pageview_event(&p, &drag, 10));
  CHECK_INT(pageview_offset(&p), 200);

  /* Its page buttons are its own; other taps and keys are not. */
  ui_event down = {.type = UI_EV_TAP, .id = "page.down"};
  CHECK(pageview_event(&p, &down, 20));
  int after_down = pageview_offset(&p);
  CHECK(after_down > 200);
  ui_event up = {.type = UI_EV_TAP, .id = "page.up"};
  CHECK(pageview_event(&p, &up, 30));
  CHECK_INT(pageview_offset(&p), 200);
  ui_event other = {.type = UI_EV_TAP, .id = "item.apply"};
  CHECK(!pageview_event(&p, &other, 40));
  ui_event key = {.type = UI_EV_KEY, .id = "", .key = 'a'};
  CHECK(!pageview_event(&p, &key, 40));
  CHECK_INT(pageview_offset(&p), 200);

  /* Never past the end. */
  for (int i = 0; i < 10; i++)
    pageview_event(&p, &down, 50);
  CHECK_INT(pageview_offset(&p), 2000);

  /* A fast release keeps moving (a deadline) until it settles. */
  pageview_top(&p);
  CHECK_INT(pageview_offset(&p), 0);
  CHECK(pageview_deadline(&p) == UINT64_MAX);
  ui_event fast = {.type = UI_EV_DRAG, .id = "", .dy = -100};
  uint64_t t = 1000;
  for (int i = 0; i < 5; i++, t += 16)
    pageview_event(&p, &fast, t);
  ui_event end = {.type = UI_EV_DRAG_END, .id = ""};
  CHECK(pageview_event(&p, &end, t));
  CHECK(pageview_deadline(&p) != UINT64_MAX);
  for (int i = 0; i < 2000 && pageview_deadline(&p) != UINT64_MAX; i++) {
    t += 16;
    pageview_update(&p, 3000, 1000, t);
  }
  CHECK(pageview_deadline(&p) == UINT64_MAX);
  CHECK(pageview_offset(&p) <= 2000);
  /* Pages: the first view, then one per 下一页 (85 % of the view) until
   * the end is in view; an offset is clamped to the content. */
  pageview q = {0};
  pageview_update(&q, 800, 1000, 0);
  CHECK_INT(pageview_pages(&q), 1);
  pageview_update(&q, 1000, 1000, 0);
  CHECK_INT(pageview_pages(&q), 1);
  pageview_update(&q, 1850, 1000, 0);
  CHECK_INT(pageview_pages(&q), 2);
  pageview_update(&q, 1851, 1000, 0);
  CHECK_INT(pageview_pages(&q), 3);
  pageview_update(&q, 3000, 1000, 0);
  CHECK_INT(pageview_pages(&q), 4);
  for (int i = 0; i < 3; i++)
    pageview_event(&q, &down, 60);
  CHECK_INT(pageview_offset(&q), 2000); /* three taps reach the end */
  pageview_set_offset(&q, 1234);
  CHECK_INT(pageview_offset(&q), 1234);
  pageview_set_offset(&q, 5000);
  CHECK_INT(pageview_offset(&q), 2000);
  pageview_set_offset(&q, -5);
  CHECK_INT(pageview_offset(&q), 0);
  return TEST_DONE();
}
