/* frame: what every screen draws around its content — the top bar with,
 * while staff are signed in, the band 「工作人员 王芳 代办中」 under it (so
 * the applicant and anyone passing see that what is filled in now is
 * filled in by staff on someone's behalf, and recorded so), and the footer
 * with this region's hotline. */
#include <stdio.h>

#include "screens/screens.h"
#include "services/services.h"

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

SDL_Rect screen_top_bar(app *a, ui *u, const char *title, int has_back) {
  SDL_Rect r = chrome_top_bar(u, title, has_back);
  int band = staff_badge_draw(a, u, r.y);
  r.y += band;
  r.h -= band;
  return r;
}

int screen_footer(app *a, ui *u) {
  const content_region *r = app_region(a);
  /* While the screen is being listened to: the volume by the hotline. */
  return chrome_footer(u, r ? r->hotline : "12349", app_listening(a));
}
