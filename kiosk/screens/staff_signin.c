/* staff_signin: window staff sign in with their 工号 (letters and digits,
 * on the Latin keypad) and PIN (digits, on the numeric keypad, shown as
 * dots). Reached from the home screen's discreet 工作人员 entry; someone
 * already signed in goes straight on to the staff menu.
 *
 * A wrong id or PIN gets one answer for both, with the tries left before a
 * lock; a lock says plainly how many minutes to wait (core/staff.h). The
 * PIN is copied out of its field only to be checked, and every copy and the
 * field itself are wiped at once; the state is wiped when the screen is
 * left. Nothing typed here is logged. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "services/services.h"
#include "core/log.h"
#include "widgets/field.h"
#include "widgets/kbd.h"
#include "screens/screens.h"

#define SI_ID 0
#define SI_PIN 1

/* What a tap on the sign-in screen means (ui_tag). */
enum signin_action {
  SIGNIN_FIELD = 1, /* arg: SI_ID or SI_PIN */
  SIGNIN_LOGIN
};

typedef struct si_state {
  field f[2];    /* 工号, PIN */
  field shown;   /* the PIN as dots */
  int active;
  kbd *k;
  char message[256];
  int message_is_error;
} si_state;

static void si_focus(si_state *s, int i) {
  s->active = i;
  if (s->k)
    kbd_bind(s->k, i == SI_ID ? FIELD_LATIN : FIELD_NUMBER);
}

static void si_enter(app *a, void *state, const void *arg) {
  (void)arg;
  si_state *s = state;
  if (staff_host_who(app_staff(a))) {
    app_replace(a, &screen_staff_menu, NULL);
    return;
  }
  field_init(&s->f[SI_ID], FIELD_LATIN, STAFF_ID_MAX);
  field_init(&s->f[SI_PIN], FIELD_NUMBER, STAFF_PIN_MAX);
  field_init(&s->shown, FIELD_TEXT, STAFF_PIN_MAX);
  if (kbd_create(app_ime(a), &s->k))
    s->k = NULL;
  si_focus(s, SI_ID);
}

static void si_leave(app *a, void *state) {
  (void)a;
  si_state *s = state;
  kbd_destroy(s->k);
  s->k = NULL;
  field_free(&s->f[SI_ID]);
  field_free(&s->f[SI_PIN]);
  field_free(&s->shown);
}

static void say(app *a, si_state *s, const char *key, const char *name,
                const char *value) {
  if (name)
    chrome_format(s->message, sizeof s->message, app_str(a, key), name,
                  value);
  else
    snprintf(s->message, sizeof s->message, "%s", app_str(a, key));
  s->message_is_error = 1;
}

static void try_sign_in(app *a, si_state *s) {
  char pin[FIELD_BYTES_MAX];
  staff_refusal why;
  memcpy(pin, field_text(&s->f[SI_PIN]), s->f[SI_PIN].len + 1);
  field_clear(&s->f[SI_PIN]);
  if (field_chars(&s->f[SI_ID]) == 0) {
    session_wipe_bytes(pin, sizeof pin);
    say(a, s, "staff.id.missing", NULL, NULL);
    si_focus(s, SI_ID);
    return;
  }
  kerr e = staff_host_sign_in(app_staff(a), app_content(a),
                              field_text(&s->f[SI_ID]), pin, app_now(a),
                              &why);
  session_wipe_bytes(pin, sizeof pin);
  char n[16];
  switch (e) {
  case KERR_OK:
    s->message[0] = '\0';
    app_replace(a, &screen_staff_menu, NULL);
    return;
  case KERR_DENIED:
    if (why.tries_left > 0) {
      snprintf(n, sizeof n, "%d", why.tries_left);
      say(a, s, "staff.wrong_left", "count", n);
      break;
    }
    /* This attempt locked the id or the device: say so at once. */
    /* fall through */
  case KERR_BUSY: {
    uint64_t wait = why.wait_ms ? why.wait_ms : STAFF_LOCK_MS;
    snprintf(n, sizeof n, "%llu",
             (unsigned long long)((wait + 59999) / 60000));
    say(a, s, why.device ? "staff.locked_device" : "staff.locked", "minutes",
        n);
    break;
  }
  case KERR_INVALID:
    say(a, s, "staff.pin.format", NULL, NULL);
    break;
  case KERR_NOTFOUND:
    say(a, s, "staff.no_accounts", NULL, NULL);
    break;
  default:
    say(a, s, "staff.no_accounts", NULL, NULL);
    LOG_E("staff", "sign-in failed: %s", kerr_str(e));
    break;
  }
  si_focus(s, SI_PIN);
}

static void apply(app *a, si_state *s, kbd_out *o) {
  field *f = &s->f[s->active];
  for (int i = 0; i < o->backspace; i++)
    field_backspace(f);
  if (o->text[0]) {
    if (s->active == SI_ID)
      for (char *p = o->text; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    field_insert(f, o->text);
  }
  if (o->text[0] || o->backspace)
    s->message[0] = '\0';
  if (o->done) {
    if (s->active == SI_ID)
      si_focus(s, SI_PIN);
    else
      try_sign_in(a, s);
  }
}

static void si_event(app *a, void *state, const ui_event *ev) {
  si_state *s = state;
  kbd_out o;
  if (s->k && kbd_event(s->k, ev, &o)) {
    apply(a, s, &o);
    session_wipe_bytes(&o, sizeof o);
    app_dirty(a);
    return;
  }
  switch (ev->type) {
  case UI_EV_TAP:
    if (ev->action == SIGNIN_FIELD)
      si_focus(s, ev->arg == SI_PIN ? SI_PIN : SI_ID);
    else if (ev->action == SIGNIN_LOGIN)
      try_sign_in(a, s);
    break;
  case UI_EV_TEXT: {
    /* A physical keyboard: straight into the active field. */
    kbd_out t;
    memset(&t, 0, sizeof t);
    snprintf(t.text, sizeof t.text, "%s", ev->text);
    apply(a, s, &t);
    session_wipe_bytes(&t, sizeof t);
    break;
  }
  case UI_EV_KEY:
    if (ev->key == SDLK_TAB)
      si_focus(s, s->active == SI_ID ? SI_PIN : SI_ID);
    break;
  default:
    break;
  }
  app_dirty(a);
}

static void draw_field(app *a, si_state *s, ui *u, int i, SDL_Rect r) {
  field_view v = {.id = i == SI_ID ? "staff.id" : "staff.pin",
                  .label = app_str(a, i == SI_ID ? "staff.id.label"
                                                 : "staff.pin.label"),
                  .placeholder = app_str(a, i == SI_ID ? "staff.id.hint"
                                                       : "staff.pin.hint"),
                  .composition = "",
                  .focused = s->active == i};
  const field *f = &s->f[i];
  if (i == SI_PIN) {
    /* Only dots on screen (and in the frame registry). */
    field_clear(&s->shown);
    for (size_t k = 0; k < field_chars(f); k++)
      field_insert(&s->shown, "●");
    f = &s->shown;
  }
  field_draw(u, r, f, &v, NULL);
  ui_tag(u, SIGNIN_FIELD, i);
}

static int field_h(app *a, ui *u, int w) {
  field_view v = {.label = app_str(a, "staff.id.label"), .error = ""};
  return field_height(u, w, &v);
}

static void si_draw(app *a, void *state, ui *u) {
  si_state *s = state;
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "staff.title"), 1);
  int m = th->margin, g = th->gap;
  int w = th->w - 2 * m;
  if (!th->portrait && w > theme_px(th, 1500))
    w = theme_px(th, 1500);
  int x = (th->w - w) / 2;
  int y = area.y + g / 2;
  /* Fields side by side with the button when the width allows. */
  int side = !th->portrait;
  int bw = th->target_min * 3;
  int fw = side ? (w - bw - 2 * g) / 2 : w;
  int fh = field_h(a, u, fw);
  const char *msg = s->message[0] ? s->message : app_str(a, "staff.intro");
  int mh = ui_text_height(u, w, th->px_body, TEXT_REGULAR, msg);
  int block = side ? fh : 2 * fh + g + th->button_h + g;
  int kb_max = th->h - y - mh - g - block - g;
  int kh = s->k ? kbd_height(s->k, u, th->w, kb_max) : 0;
  if (s->k)
    kbd_draw(s->k, u, (SDL_Rect){0, th->h - kh, th->w, kh});
  /* The fields sit just above the keyboard, the message above them. */
  int top = th->h - kh - g - block;
  if (top < y + mh + g)
    top = y + mh + g;
  ui_text_box(u, (SDL_Rect){x, top - g - mh, w, mh}, th->px_body,
              s->message[0] ? TEXT_BOLD : TEXT_REGULAR,
              s->message[0] ? th->accent : th->text, UI_LEFT, 0, msg);
  if (side) {
    draw_field(a, s, u, SI_ID, (SDL_Rect){x, top, fw, fh});
    draw_field(a, s, u, SI_PIN, (SDL_Rect){x + fw + g, top, fw, fh});
    int by = top + fh - th->button_h;
    ui_button(u, "staff.login", (SDL_Rect){x + w - bw, by, bw, th->button_h},
              UI_BTN_PRIMARY, app_str(a, "staff.login"));
    ui_tag(u, SIGNIN_LOGIN, 0);
  } else {
    draw_field(a, s, u, SI_ID, (SDL_Rect){x, top, fw, fh});
    draw_field(a, s, u, SI_PIN, (SDL_Rect){x, top + fh + g, fw, fh});
    ui_button(u, "staff.login",
              (SDL_Rect){x, top + 2 * fh + 2 * g, w, th->button_h},
              UI_BTN_PRIMARY, app_str(a, "staff.login"));
    ui_tag(u, SIGNIN_LOGIN, 0);
  }
}

static uint64_t si_tick(app *a, void *state, uint64_t now) {
  (void)a;
  (void)now;
  si_state *s = state;
  return s->k ? kbd_tick(s->k) : UINT64_MAX;
}

const screen_class screen_staff_signin = {
    .name = "staff_signin",
    .state_size = sizeof(si_state),
    .enter = si_enter,
    .leave = si_leave,
    .event = si_event,
    .draw = si_draw,
    .tick = si_tick,
};
