/* staff_badge: the band under the top bar of every screen while staff are
 * signed in — 「工作人员 王芳 代办中」 — so the applicant and anyone passing
 * see that what is filled in now is filled in by staff on someone's behalf
 * (and recorded so). Drawn by chrome_top_bar(); nothing when nobody is
 * signed in. */
#include <stdio.h>

#include "app/staff_host.h"
#include "screens/screens.h"

int staff_badge_draw(app *a, ui *u, int y) {
  const staff_who *w = staff_host_who(app_staff(a));
  if (!w)
    return 0;
  const theme *th = &u->th;
  char text[256];
  chrome_format(text, sizeof text, app_str(a, "staff.badge"), "name",
                w->name);
  int h = text_line_height(u->text, th->px_body, TEXT_BOLD) + th->pad;
  SDL_Rect r = {0, y, th->w, h};
  ui_fill(u, r, th->accent);
  ui_text_box(u, (SDL_Rect){th->margin, y, th->w - 2 * th->margin, h},
              th->px_body, TEXT_BOLD, th->on_accent, UI_CENTER, 1, text);
  return h;
}
