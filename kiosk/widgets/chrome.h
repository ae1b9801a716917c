/* chrome: the parts every screen shares — top bar, footer, timeout overlay —
 * and the one way texts take values. All words come from the content
 * bundle's strings through ui_str(). */
#ifndef KIOSK_WIDGETS_CHROME_H
#define KIOSK_WIDGETS_CHROME_H

#include <stddef.h>

#include "ui/ui.h"

/* Target ids of the top bar, which the shell handles on every screen. */
#define NAV_BACK "nav.back"
#define NAV_HOME "nav.home"
#define NAV_END "nav.end"
#define NAV_ELDER "nav.elder"
#define NAV_LISTEN "listen"

/* Target ids of the timeout overlay. */
#define TIMEOUT_MORE "timeout.more"
#define TIMEOUT_END "timeout.end"

/* The tags (ui_tag) of those targets. They start at CHROME_ACTION_FIRST so
 * they never collide with a screen's own action numbers, which stay below
 * it; a screen that draws one of these targets itself (home's 长辈模式)
 * tags it with the same number. */
#define CHROME_ACTION_FIRST 1000
enum chrome_action {
  CHROME_BACK = CHROME_ACTION_FIRST,
  CHROME_HOME,
  CHROME_END,
  CHROME_ELDER,
  CHROME_TIMEOUT_MORE,
  CHROME_TIMEOUT_END,
  CHROME_CONFIRM_STAY, /* 不放弃，接着填 (widgets/confirm.h) */
  CHROME_CONFIRM_GO,   /* 放弃，不交了 */
  CHROME_LISTEN,       /* 听一听: read the screen aloud */
  CHROME_VOLUME_DOWN,  /* 小声一点 (the footer, while speech is on) */
  CHROME_VOLUME_UP     /* 大声一点 */
};

/* Draws the top bar: 返回 (when has_back), 回首页, 听一听, the title, 长辈模式
 * (or 标准模式 in elder mode) and 结束. Returns the rectangle below it. */
SDL_Rect chrome_top_bar(ui *u, const char *title, int has_back);
/* The words on the text-size button (NAV_ELDER) at the theme's size: what
 * a tap does next (字大一点, 字再大一点, 字变回原样). */
const char *chrome_size_label(const ui *u);

/* Draws the footer line (help, hotline) at the bottom; returns its top y. */
int chrome_footer(ui *u, const char *hotline, int volume);

/* Draws the timeout warning overlay with seconds_left on the countdown. */
void chrome_timeout_overlay(ui *u, int seconds_left);

/* Copies tmpl to out with the first "{name}" replaced by value. */
void chrome_format(char *out, size_t size, const char *tmpl,
                   const char *name, const char *value);

#endif
