/* out_of_service: shown when the kiosk has no valid content bundle.
 *
 * The one screen whose words cannot come from the bundle (there is none),
 * so they are fixed here: short, calm, and pointing to the window. Below,
 * in small print, a line for staff says why the shipped bundle was refused
 * (content_host_status.refusal), so nobody has to read the log first. */
#include "services/services.h"
#include "screens/screens.h"

/* The staff line for a refusal, or NULL. */
static const char *oos_staff_note(content_host_refusal r) {
  switch (r) {
  case CONTENT_HOST_REFUSED_UNSIGNED:
    return "工作人员请注意：自带的内容包没有用本机信任的密钥签名（没有签名文件），"
           "所以不能使用。请用 kioskctl content install 安装签过名的内容包。";
  case CONTENT_HOST_REFUSED_UNTRUSTED:
    return "工作人员请注意：自带的内容包没有用本机信任的密钥签名（用的是别的密钥，"
           "或签名后被改过），所以不能使用。请检查信任的公钥设置，"
           "或用 kioskctl content install 安装签过名的内容包。";
  case CONTENT_HOST_REFUSED_MISSING:
    return "工作人员请注意：找不到自带的内容包。"
           "请用 kioskctl content install 安装签过名的内容包。";
  case CONTENT_HOST_REFUSED_INVALID:
    return "工作人员请注意：自带的内容包检查不通过，不能使用。"
           "请用 kioskctl content install 安装完好的、签过名的内容包。";
  case CONTENT_HOST_REFUSED_KEYS:
    return "工作人员请注意：信任的公钥设置（content.trusted_keys）不能用，"
           "所以任何内容包都不能使用。";
  default:
    return NULL;
  }
}

static void oos_draw(app *a, void *state, ui *u) {
  (void)state;
  const theme *th = &u->th;
  int m = th->margin;
  int w = th->w - 2 * m;
  if (w > theme_px(th, 1200))
    w = theme_px(th, 1200);
  m = (th->w - w) / 2;
  const char *title = "暂停服务";
  const char *body = "这台自助机正在更新内容，暂时不能使用。"
                     "请到窗口找工作人员办理，或拨打社会救助服务热线 12349。"
                     "给您带来不便，请谅解。";
  content_host_status st;
  content_host_status_get(app_content_host(a), &st);
  const char *note = oos_staff_note(st.refusal);
  int th1 = ui_text_height(u, w, th->px_huge, TEXT_BOLD, title);
  int bh = ui_text_height(u, w, th->px_large, TEXT_REGULAR, body);
  int y = (th->h - th1 - th->gap - bh) / 2;
  ui_text_box(u, (SDL_Rect){m, y, w, th1}, th->px_huge, TEXT_BOLD, th->text,
              UI_CENTER, 0, title);
  ui_text_box(u, (SDL_Rect){m, y + th1 + th->gap, w, bh}, th->px_large,
              TEXT_REGULAR, th->text, UI_CENTER, 0, body);
  if (note) {
    int nh = ui_text_height(u, w, th->px_small, TEXT_REGULAR, note);
    ui_text_box(u, (SDL_Rect){m, th->h - th->margin - nh, w, nh},
                th->px_small, TEXT_REGULAR, th->text_muted, UI_CENTER, 0,
                note);
  }
}

const screen_class screen_out_of_service = {
    .name = "out_of_service",
    .draw = oos_draw,
};
