/* out_of_service: shown when the kiosk has no valid content bundle.
 *
 * The one screen whose words cannot come from the bundle (there is none),
 * so they are fixed here: short, calm, and pointing to the window. */
#include "screens/screens.h"

static void oos_draw(app *a, void *state, ui *u) {
  (void)a;
  (void)state;
  const theme *th = &u->th;
  int m = th->margin;
  int w = th->w - 2 * m;
  if (w > theme_px(th, 1200))
    w = theme_px(th, 1200);
  m = (th->w - w) / 2;
  const char *title = "暂停服务";
  const char *body = "这台自助机正在更新内容，暂时不能使用。"
                     "请到窗口找工作人员办理，或拨打政务服务便民热线 12345。"
                     "给您带来不便，请谅解。";
  int th1 = ui_text_height(u, w, th->px_huge, TEXT_BOLD, title);
  int bh = ui_text_height(u, w, th->px_large, TEXT_REGULAR, body);
  int y = (th->h - th1 - th->gap - bh) / 2;
  ui_text_box(u, (SDL_Rect){m, y, w, th1}, th->px_huge, TEXT_BOLD, th->text,
              UI_CENTER, 0, title);
  ui_text_box(u, (SDL_Rect){m, y + th1 + th->gap, w, bh}, th->px_large,
              TEXT_REGULAR, th->text, UI_CENTER, 0, body);
}

const screen_class screen_out_of_service = {
    .name = "out_of_service",
    .draw = oos_draw,
};
