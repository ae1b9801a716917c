/* resume: before a half-filled form from before a restart comes back, the
 * person must show it is theirs — by typing the last six characters of the
 * ID number already entered in that form, on the ID keypad (digits and X),
 * or by asking staff to sign in (with staff signed in, the home screen's
 * 继续填写 takes the form back without this screen).
 *
 * Nothing of the previous form is shown here: only a neutral question, the
 * field and, after a wrong entry, how many tries are left. The check itself
 * is form_host's (form_host_resume: constant-time compare, the point read
 * and wiped for each try); three wrong entries wipe the point and this
 * screen then says so with only 回首页 left. The typed characters are wiped
 * as soon as they are checked and when the screen is left. */
#include <stdio.h>
#include <string.h>

#include "services/services.h"
#include "widgets/field.h"
#include "widgets/kbd.h"
#include "screens/screens.h"

/* What a tap on the resume screen means (ui_tag). */
enum resume_action { RESUME_CHECK = 1, RESUME_STAFF, RESUME_NO, RESUME_HOME };

typedef struct resume_state {
  field f;
  kbd *k;
  char message[256];
  int gone; /* the point was wiped (tries used up, expired): nothing to do */
} resume_state;

static void resume_enter(app *a, void *state, const void *arg) {
  (void)arg;
  resume_state *s = state;
  field_init(&s->f, FIELD_ID_NUMBER, FORM_HOST_CHECK_CHARS);
  if (kbd_create(app_ime(a), &s->k))
    s->k = NULL;
  if (s->k)
    kbd_bind(s->k, FIELD_ID_NUMBER);
}

static void resume_leave(app *a, void *state) {
  (void)a;
  resume_state *s = state;
  kbd_destroy(s->k);
  s->k = NULL;
  field_free(&s->f);
}

static void say(app *a, resume_state *s, const char *key, int n) {
  char count[16];
  snprintf(count, sizeof count, "%d", n);
  chrome_format(s->message, sizeof s->message, app_str(a, key), "count",
                count);
}

static void try_check(app *a, resume_state *s) {
  char typed[FORM_HOST_CHECK_CHARS + 1];
  snprintf(typed, sizeof typed, "%s", field_text(&s->f));
  field_clear(&s->f);
  kerr e = form_flow_resume(a, typed);
  session_wipe_bytes(typed, sizeof typed);
  switch (e) {
  case KERR_OK:
    return; /* the form's screen has replaced this one */
  case KERR_INVALID:
    say(a, s, "formui.resume.check.short", 0);
    break;
  case KERR_DENIED: {
    int left = form_host_offer_tries(app_form(a));
    if (left > 0) {
      say(a, s, "formui.resume.check.wrong", left);
    } else {
      say(a, s, "formui.resume.check.wiped", 0);
      s->gone = 1;
    }
    break;
  }
  default:
    say(a, s, "formui.resume.check.gone", 0);
    s->gone = 1;
    break;
  }
}

static void apply(app *a, resume_state *s, kbd_out *o) {
  for (int i = 0; i < o->backspace; i++)
    field_backspace(&s->f);
  if (o->text[0]) {
    for (char *p = o->text; *p; p++)
      if (*p == 'x')
        *p = 'X';
    field_insert(&s->f, o->text);
  }
  if (o->done)
    try_check(a, s);
}

static void resume_event(app *a, void *state, const ui_event *ev) {
  resume_state *s = state;
  kbd_out o;
  if (!s->gone && s->k && kbd_event(s->k, ev, &o)) {
    apply(a, s, &o);
    session_wipe_bytes(&o, sizeof o);
    app_dirty(a);
    return;
  }
  switch (ev->type) {
  case UI_EV_TAP:
    switch (ev->action) {
    case RESUME_CHECK:
      if (!s->gone)
        try_check(a, s);
      break;
    case RESUME_STAFF:
      if (!s->gone)
        app_push(a, &screen_staff_signin, NULL);
      break;
    case RESUME_NO:
      form_host_decline(app_form(a));
      app_home(a);
      break;
    case RESUME_HOME:
      app_home(a);
      break;
    }
    break;
  case UI_EV_TEXT:
    if (!s->gone) {
      kbd_out t;
      memset(&t, 0, sizeof t);
      snprintf(t.text, sizeof t.text, "%s", ev->text);
      apply(a, s, &t);
      session_wipe_bytes(&t, sizeof t);
    }
    break;
  default:
    break;
  }
  app_dirty(a);
}

static void resume_draw(app *a, void *state, ui *u) {
  resume_state *s = state;
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "formui.resume.title"), 1);
  int m = th->margin, g = th->gap;
  int w = th->w - 2 * m;
  if (!th->portrait && w > theme_px(th, 1400))
    w = theme_px(th, 1400);
  int x = (th->w - w) / 2;
  int y = area.y + g / 2;
  const char *ask = app_str(a, "formui.resume.check.ask");
  int ah;
  if (s->gone) {
    /* Only what happened, and the way home. */
    int mh = ui_text_height(u, w, th->px_large, TEXT_BOLD, s->message);
    ui_text_box(u, (SDL_Rect){x, y, w, mh}, th->px_large, TEXT_BOLD,
                th->text, UI_LEFT, 0, s->message);
    y += mh + g;
    int bw = th->portrait ? w : w / 2;
    ui_button(u, "resume.home", (SDL_Rect){x, y, bw, th->button_h},
              UI_BTN_PRIMARY, app_str(a, "formui.resume.home"));
    ui_tag(u, RESUME_HOME, 0);
    return;
  }
  const char *msg =
      s->message[0] ? s->message : app_str(a, "formui.resume.check.help");
  const char *ok = app_str(a, "formui.resume.check.ok");
  const char *staff = app_str(a, "formui.resume.staff");
  const char *no = app_str(a, "formui.resume.no");
  field_view v = {.id = "resume.field",
                  .label = app_str(a, "formui.resume.check.label"),
                  .placeholder = app_str(a, "formui.resume.check.hint"),
                  .composition = "",
                  .focused = 1};
  if (!th->portrait) {
    /* As on the form's screens: the keyboard in the right column, the
     * question, the field and the buttons on the left. */
    int cw = (th->w - 2 * m - g) * 44 / 100;
    int kw_min = theme_px(th, th->elder ? 1040 : 860);
    /* Never keys under the minimum target: on a small screen in a large
     * size the question's column gives way, down to a fifth. */
    int floor_w = th->w * 3 / 10;
    if (kw_min < kbd_min_width(s->k, u)) {
      kw_min = kbd_min_width(s->k, u);
      if (th->w - m - g - kw_min < floor_w)
        floor_w = th->w - m - g - kw_min;
      if (floor_w < th->w / 5)
        floor_w = th->w / 5;
    }
    if (th->w - (m + cw + g) < kw_min)
      cw = th->w - m - g - kw_min;
    if (cw < floor_w)
      cw = floor_w;
    int kx = m + cw + g;
    int kh = s->k ? kbd_height(s->k, u, th->w - kx,
                               th->h - area.y - 2 * g - th->button_h)
                  : 0;
    if (s->k)
      kbd_draw(s->k, u, (SDL_Rect){kx, th->h - kh, th->w - kx, kh});
    /* 请工作人员帮忙 and 不用了 above the keyboard. */
    int rw = th->w - kx - m, rh = (rw - g) / 2;
    int ry = th->h - kh - g - th->button_h;
    ui_button(u, "resume.staff", (SDL_Rect){kx, ry, rh, th->button_h},
              UI_BTN_SECONDARY, staff);
    ui_tag(u, RESUME_STAFF, 0);
    ui_button(u, "resume.no", (SDL_Rect){kx + rh + g, ry, rh, th->button_h},
              UI_BTN_SECONDARY, no);
    ui_tag(u, RESUME_NO, 0);
    x = m;
    w = cw;
  }
  y = area.y + g / 2;
  ah = ui_text_height(u, w, th->px_title, TEXT_BOLD, ask);
  ui_text_box(u, (SDL_Rect){x, y, w, ah}, th->px_title, TEXT_BOLD, th->text,
              UI_LEFT, 0, ask);
  y += ah + g / 2;
  int mh = ui_text_height(u, w, th->px_body, TEXT_REGULAR, msg);
  int fh = field_height(u, w, &v);
  int kh = 0;
  if (th->portrait) {
    int rest = mh + g + fh + g + 2 * th->button_h + g;
    kh = s->k ? kbd_height(s->k, u, th->w, th->h - y - rest - g) : 0;
    if (s->k)
      kbd_draw(s->k, u, (SDL_Rect){0, th->h - kh, th->w, kh});
  }
  ui_text_box(u, (SDL_Rect){x, y, w, mh}, th->px_body,
              s->message[0] ? TEXT_BOLD : TEXT_REGULAR,
              s->message[0] ? th->accent : th->text, UI_LEFT, 0, msg);
  y += mh + g;
  /* The field and its buttons sit just above the keyboard (portrait) or at
   * the bottom of the column, near the hands. */
  int rest = fh + g + (th->portrait ? 2 * th->button_h + g : th->button_h);
  int bottom = th->portrait ? th->h - kh - g : th->h - m;
  if (bottom - rest > y)
    y = bottom - rest;
  field_draw(u, (SDL_Rect){x, y, w, fh}, &s->f, &v, NULL);
  y += fh + g;
  ui_button(u, "resume.check", (SDL_Rect){x, y, w, th->button_h},
            UI_BTN_PRIMARY, ok);
  ui_tag(u, RESUME_CHECK, 0);
  if (!th->portrait)
    return;
  y += th->button_h + g;
  int hw = (w - g) / 2;
  int stw = text_width(u->text, th->px_large, TEXT_BOLD, staff,
                       strlen(staff)) + 2 * th->pad;
  if (stw > hw) {
    /* Too narrow for two side by side (elder mode): one under the other. */
    ui_button(u, "resume.staff", (SDL_Rect){x, y, w, th->button_h},
              UI_BTN_SECONDARY, staff);
    ui_tag(u, RESUME_STAFF, 0);
    y += th->button_h + g;
    ui_button(u, "resume.no", (SDL_Rect){x, y, w, th->button_h},
              UI_BTN_SECONDARY, no);
    ui_tag(u, RESUME_NO, 0);
  } else {
    ui_button(u, "resume.staff", (SDL_Rect){x, y, hw, th->button_h},
              UI_BTN_SECONDARY, staff);
    ui_tag(u, RESUME_STAFF, 0);
    ui_button(u, "resume.no", (SDL_Rect){x + hw + g, y, hw, th->button_h},
              UI_BTN_SECONDARY, no);
    ui_tag(u, RESUME_NO, 0);
  }
}

static uint64_t resume_tick(app *a, void *state, uint64_t now) {
  (void)a;
  (void)now;
  resume_state *s = state;
  return s->k ? kbd_tick(s->k) : UINT64_MAX;
}

const screen_class screen_resume = {
    .name = "resume",
    .state_size = sizeof(resume_state),
    .enter = resume_enter,
    .leave = resume_leave,
    .event = resume_event,
    .draw = resume_draw,
    .tick = resume_tick,
};
