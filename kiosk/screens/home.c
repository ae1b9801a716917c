/* home: the welcome screen. Three big entries — 了解政策, 申请救助,
 * 查询进度 — the elder-mode switch, 帮别人求助 (a referral about someone
 * else in difficulty) under them, and a discreet staff entry. Landscape
 * screens put the entries side by side; portrait screens stack them. */
#include <stdio.h>
#include <string.h>

#include "services/services.h"
#include "screens/screens.h"

/* What a tap on the home screen means (ui_tag). */
enum home_action {
  HOME_ENTRY = 1, /* arg: index in entries[] */
  HOME_RESUME_YES,
  HOME_RESUME_NO,
  HOME_STAFF,
  HOME_REFERRAL
};

static const struct {
  const char *id, *key, *icon;
  const screen_class *to;
} entries[] = {
    {"entry.policy", "home.policy", "home_policy", &screen_policy},
    {"entry.apply", "home.apply", "home_apply", &screen_screener_start},
    {"entry.query", "home.progress", "home_progress", &screen_progress},
};

static void home_event(app *a, void *state, const ui_event *ev) {
  (void)state;
  if (ev->type != UI_EV_TAP)
    return;
  switch (ev->action) {
  case HOME_ENTRY:
    if (ev->arg >= 0 && (size_t)ev->arg < sizeof entries / sizeof entries[0])
      app_push(a, entries[ev->arg].to, NULL);
    break;
  case HOME_RESUME_YES:
    form_flow_offer_take(a);
    break;
  case HOME_RESUME_NO:
    form_flow_offer_decline(a);
    break;
  case HOME_STAFF: /* sign-in, then the staff menu */
    app_push(a, &screen_staff_signin, NULL);
    break;
  case HOME_REFERRAL:
    form_flow_open_referral(a);
    break;
  }
}

static void home_draw(app *a, void *state, ui *u) {
  (void)state;
  const theme *th = &u->th;
  const content_region *region = app_region(a);

  /* Header: the service name with the region, and the elder switch. */
  int m = th->margin;
  int hb = th->button_h;
  const char *elder = chrome_size_label(u);
  int ew = text_width(u->text, th->px_large, TEXT_BOLD, elder, strlen(elder)) +
           th->pad * 2;
  if (ew < th->target_min * 2)
    ew = th->target_min * 2;
  ui_button(u, NAV_ELDER, (SDL_Rect){th->w - m - ew, m, ew, hb},
            UI_BTN_SECONDARY, elder);
  ui_tag(u, CHROME_ELDER, 0);

  char service[256];
  snprintf(service, sizeof service, "%s%s%s", region ? region->name : "",
           region ? " · " : "", app_str(a, "app.title"));
  int spx = ui_fit_px(u, th->w - 3 * m - ew, hb, TEXT_BOLD, service,
                      th->px_large);
  ui_text_box(u, (SDL_Rect){m, m, th->w - 3 * m - ew, hb}, spx, TEXT_BOLD,
              th->primary, UI_LEFT, 1, service);

  int footer_top = screen_footer(a, u);
  int y = m + hb + th->gap;
  /* While staff are signed in, their 代办 band shows here too. */
  y += staff_badge_draw(a, u, y) + th->gap;
  int inner = th->w - 2 * m;
  /* After a restart, 「继续填写上次没填完的表？」 with 继续填写 / 不用了
   * takes the welcome's place. */
  if (form_host_offer(app_form(a))) {
    const char *ask = app_str(a, "formui.resume.ask");
    const char *yes = app_str(a, "formui.resume.yes");
    const char *no = app_str(a, "formui.resume.no");
    int bw = th->target_min * 3;
    int tw = text_width(u->text, th->px_large, TEXT_BOLD, ask, strlen(ask));
    int one_row = tw + 2 * bw + 4 * th->pad + 2 * th->gap <= inner;
    int ch = (one_row ? th->button_h : th->button_h * 2 + th->gap / 2) +
             2 * th->pad;
    ui_card(u, (SDL_Rect){m, y, inner, ch}, th->warn_bg, th->focus);
    int by = y + ch - th->pad - th->button_h;
    ui_text_box(u, (SDL_Rect){m + th->pad, y + th->pad,
                              one_row ? inner - 2 * bw - 3 * th->pad
                                      : inner - 2 * th->pad,
                              th->button_h},
                th->px_large, TEXT_BOLD, th->text, UI_LEFT, 1, ask);
    ui_button(u, "resume.no",
              (SDL_Rect){m + inner - th->pad - bw, by, bw, th->button_h},
              UI_BTN_SECONDARY, no);
    ui_tag(u, HOME_RESUME_NO, 0);
    ui_button(u, "resume.yes",
              (SDL_Rect){m + inner - th->pad - 2 * bw - th->gap, by, bw,
                         th->button_h},
              UI_BTN_PRIMARY, yes);
    ui_tag(u, HOME_RESUME_YES, 0);
    y += ch + th->gap;
  } else {
    const char *welcome = app_str(a, "home.welcome");
    int wh = ui_text_height(u, inner, th->px_title, TEXT_BOLD, welcome);
    ui_text_box(u, (SDL_Rect){m, y, inner, wh}, th->px_title, TEXT_BOLD,
                th->text, th->portrait ? UI_LEFT : UI_CENTER, 0, welcome);
    y += wh + th->gap / 2;
    const char *sub = app_str(a, "home.hint");
    int sh = ui_text_height(u, inner, th->px_body, TEXT_REGULAR, sub);
    ui_text_box(u, (SDL_Rect){m, y, inner, sh}, th->px_body, TEXT_REGULAR,
                th->text_muted, th->portrait ? UI_LEFT : UI_CENTER, 0, sub);
    y += sh + th->gap * 2;
  }

  /* The staff entry sits above the footer, on the right, quiet. */
  const char *staff = app_str(a, "home.staff");
  int sw = text_width(u->text, th->px_small, TEXT_REGULAR, staff,
                      strlen(staff)) + th->pad * 2;
  if (sw < th->target_min * 2)
    sw = th->target_min * 2;
  /* One row for it and 帮别人求助, as high as a button. */
  int staff_h = th->button_h > th->target_min ? th->button_h : th->target_min;
  int staff_y = footer_top - th->gap / 2 - staff_h;
  ui_button(u, "entry.staff", (SDL_Rect){th->w - m - sw, staff_y, sw, staff_h},
            UI_BTN_QUIET, staff);
  ui_tag(u, HOME_STAFF, 0);
  /* 帮别人求助 on the same row, on the left: plain to see, smaller than
   * the three entries (it is not what most people come for). */
  const char *ref = app_str(a, "home.referral");
  int rw = text_width(u->text, th->px_large, TEXT_BOLD, ref, strlen(ref)) +
           th->pad * 2;
  if (rw < th->target_min * 3)
    rw = th->target_min * 3;
  if (rw > inner - sw - th->gap)
    rw = inner - sw - th->gap;
  ui_button(u, "entry.referral", (SDL_Rect){m, staff_y, rw, staff_h},
            UI_BTN_SECONDARY, ref);
  ui_tag(u, HOME_REFERRAL, 0);
  /* 听一听 beside it: the whole screen read aloud. */
  const char *listen = app_str(a, "nav.listen");
  int lw = text_width(u->text, th->px_large, TEXT_BOLD, listen,
                      strlen(listen)) + th->pad * 2;
  if (lw < th->target_min * 2)
    lw = th->target_min * 2;
  if (m + rw + th->gap + lw <= th->w - m - sw - th->gap) {
    ui_button(u, NAV_LISTEN, (SDL_Rect){m + rw + th->gap, staff_y, lw, staff_h},
              UI_BTN_SECONDARY, listen);
    ui_tag(u, CHROME_LISTEN, 0);
  }

  /* The three entries fill what is left. */
  int avail = staff_y - th->gap / 2 - y;
  size_t n = sizeof entries / sizeof entries[0];
  SDL_Rect rects[sizeof entries / sizeof entries[0]];
  int badge = -1; /* the same badge size on every tile */
  for (size_t i = 0; i < n; i++) {
    if (th->portrait) {
      int h = (avail - th->gap * (int)(n - 1)) / (int)n;
      rects[i] = (SDL_Rect){m, y + (int)i * (h + th->gap), inner, h};
    } else {
      int w = (inner - th->gap * (int)(n - 1)) / (int)n;
      rects[i] = (SDL_Rect){m + (int)i * (w + th->gap), y, w, avail};
    }
    char hint_key[80];
    snprintf(hint_key, sizeof hint_key, "%s.hint", entries[i].key);
    int fit = ui_tile_badge_fit(u, rects[i], app_str(a, entries[i].key),
                                app_str(a, hint_key));
    if (badge < 0 || fit < badge)
      badge = fit;
  }
  for (size_t i = 0; i < n; i++) {
    char hint_key[80];
    snprintf(hint_key, sizeof hint_key, "%s.hint", entries[i].key);
    const content_icon *icon = content_icon_find(app_content(a),
                                                 entries[i].icon);
    unsigned rgb = icon ? icon->color : 0x0B4A85;
    SDL_Color c = {(Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255};
    ui_tile_sized(u, entries[i].id, rects[i], icon ? icon->glyph : "", c,
                  app_str(a, entries[i].key), app_str(a, hint_key), badge);
    ui_tag(u, HOME_ENTRY, (int)i);
  }
}

static uint64_t home_tick(app *a, void *state, uint64_t now) {
  (void)state;
  (void)now;
  if (app_session(a)->state != SESSION_IDLE || !app_content(a))
    return UINT64_MAX;
  uint64_t idle = app_idle_ms(a);
  if (idle >= HOME_ATTRACT_AFTER_MS) {
    app_push(a, &screen_attract, NULL);
    return UINT64_MAX;
  }
  /* The resume offer disappears when its time is up. */
  uint64_t offer_ms = (uint64_t)form_host_offer_left_s(app_form(a)) * 1000;
  uint64_t attract_ms = HOME_ATTRACT_AFTER_MS - idle;
  return offer_ms && offer_ms < attract_ms ? offer_ms : attract_ms;
}

const screen_class screen_home = {
    .name = "home",
    .event = home_event,
    .draw = home_draw,
    .tick = home_tick,
};
