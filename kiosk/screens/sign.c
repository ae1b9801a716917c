/* sign: a signature drawn with a finger, for the application form.
 *
 * Shown when the form's cursor is on a signature field (the applicant's,
 * from the review page; an adult member's, right after they agree to the
 * check of income and property). A large white pad with a line to sign on;
 * the strokes follow the finger from its first pixel (raw pointer events).
 * 重写 clears the pad, 上一步 goes back, 签好了 turns the strokes into a PNG
 * (black ink on white, SIGN_PNG_W x SIGN_PNG_H, ui/png.h) that the form
 * keeps as the answer (form_answer_signature) and moves on. A field already
 * signed says so; 签好了 then keeps that signature unless something new was
 * drawn.
 *
 * Invariants: points are stored in pad units (0..SIGN_UNITS_W-1,
 * 0..SIGN_UNITS_H-1), whatever the screen size; a PEN_UP point separates
 * strokes; at most SIGN_MAX_POINTS points (later ones are dropped). The
 * strokes and the PNG are personal data: wiped on leave and right after
 * the form has copied the PNG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/services.h"
#include "core/log.h"
#include "screens/screens.h"
#include "ui/png.h"

#define SIGN_UNITS_W 1000
#define SIGN_UNITS_H 500
#define SIGN_MAX_POINTS 8000

/* What a tap on the signature screen means (ui_tag). */
enum sign_action { SIGN_PREV = 1, SIGN_CLEAR, SIGN_DONE };
#define SIGN_PNG_W 800
#define SIGN_PNG_H 400
#define PEN_UP (-1)

typedef struct sign_point {
  int16_t x, y; /* x == PEN_UP: end of a stroke */
} sign_point;

typedef struct sign_state {
  sign_point pts[SIGN_MAX_POINTS];
  size_t n;
  int down;        /* the finger is on the pad */
  SDL_Rect pad;    /* where the pad was last drawn (to map the finger) */
  char msg[FORM_MAX_MESSAGE]; /* "" when none */
  const form_field *bound;
  int bound_member;
} sign_state;

static void sign_enter(app *a, void *state, const void *arg) {
  (void)a;
  (void)arg;
  sign_state *s = state;
  s->bound_member = -2;
}

static void sign_leave(app *a, void *state) {
  (void)a;
  sign_state *s = state;
  session_wipe_bytes(s->pts, sizeof s->pts);
  s->n = 0;
}

static void clear_pad(sign_state *s) {
  session_wipe_bytes(s->pts, sizeof s->pts);
  s->n = 0;
  s->down = 0;
}

/* Keeps the pad with the question it was drawn for. */
static void sync(sign_state *s, const form_question *q) {
  if (q->field == s->bound && q->member == s->bound_member)
    return;
  clear_pad(s);
  s->msg[0] = '\0';
  s->bound = q->field;
  s->bound_member = q->member;
}

static void add_point(sign_state *s, int x, int y) {
  if (s->pad.w <= 0 || s->pad.h <= 0 || s->n >= SIGN_MAX_POINTS)
    return;
  long ux = (long)(x - s->pad.x) * SIGN_UNITS_W / s->pad.w;
  long uy = (long)(y - s->pad.y) * SIGN_UNITS_H / s->pad.h;
  if (ux < 0)
    ux = 0;
  if (ux >= SIGN_UNITS_W)
    ux = SIGN_UNITS_W - 1;
  if (uy < 0)
    uy = 0;
  if (uy >= SIGN_UNITS_H)
    uy = SIGN_UNITS_H - 1;
  if (s->n && s->pts[s->n - 1].x == ux && s->pts[s->n - 1].y == uy)
    return;
  s->pts[s->n++] = (sign_point){(int16_t)ux, (int16_t)uy};
}

static int inside(SDL_Rect r, int x, int y) {
  return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

/* Stamps a round pen of radius rad at every step of each stroke into an
 * RGBA image of w x h (ink colour on what is there). */
static void stamp_disc(unsigned char *px, int w, int h, int cx, int cy,
                       int rad) {
  for (int dy = -rad; dy <= rad; dy++)
    for (int dx = -rad; dx <= rad; dx++) {
      if (dx * dx + dy * dy > rad * rad)
        continue;
      int x = cx + dx, y = cy + dy;
      if (x < 0 || y < 0 || x >= w || y >= h)
        continue;
      unsigned char *p = px + ((size_t)y * (size_t)w + (size_t)x) * 4;
      p[0] = 0x10;
      p[1] = 0x1A;
      p[2] = 0x2E;
      p[3] = 0xFF;
    }
}

/* Calls pen(x, y) at small steps along every stroke, in image units. */
static void walk(const sign_state *s, int w, int h, int step,
                 void (*pen)(void *ud, int x, int y), void *ud) {
  for (size_t i = 0; i < s->n; i++) {
    if (s->pts[i].x == PEN_UP)
      continue;
    int x1 = s->pts[i].x * w / SIGN_UNITS_W;
    int y1 = s->pts[i].y * h / SIGN_UNITS_H;
    if (i == 0 || s->pts[i - 1].x == PEN_UP) {
      pen(ud, x1, y1);
      continue;
    }
    int x0 = s->pts[i - 1].x * w / SIGN_UNITS_W;
    int y0 = s->pts[i - 1].y * h / SIGN_UNITS_H;
    int dx = abs(x1 - x0), dy = abs(y1 - y0);
    int steps = (dx > dy ? dx : dy) / (step > 0 ? step : 1) + 1;
    for (int k = 1; k <= steps; k++)
      pen(ud, x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps);
  }
}

typedef struct png_pen {
  unsigned char *px;
  int w, h, rad;
} png_pen;

static void png_pen_at(void *ud, int x, int y) {
  png_pen *p = ud;
  stamp_disc(p->px, p->w, p->h, x, y, p->rad);
}

/* The strokes as a PNG (white paper, dark ink). *png: malloc'd. */
static kerr encode(const sign_state *s, unsigned char **png, size_t *len) {
  size_t bytes = (size_t)SIGN_PNG_W * SIGN_PNG_H * 4;
  unsigned char *px = malloc(bytes);
  if (!px)
    return KERR_NOMEM;
  memset(px, 0xFF, bytes);
  png_pen p = {px, SIGN_PNG_W, SIGN_PNG_H, 4};
  walk(s, SIGN_PNG_W, SIGN_PNG_H, 2, png_pen_at, &p);
  kerr e = png_encode_rgba_mem(px, SIGN_PNG_W, SIGN_PNG_H, SIGN_PNG_W * 4,
                               png, len);
  session_wipe_bytes(px, bytes);
  free(px);
  return e;
}

/* After any change: the recovery point, then the screen for the cursor. */
static void moved(app *a) {
  form_host_saved(app_form(a));
  form_flow_follow(a, &screen_sign);
}

static void done_tapped(app *a, sign_state *s, form *f,
                        const form_question *q) {
  form_result r = {0};
  if (s->n == 0) {
    if (q->answered) {
      form_next(f, &r);
      if (r.status == FORM_OK)
        moved(a);
      else
        snprintf(s->msg, sizeof s->msg, "%s", r.message);
      return;
    }
    snprintf(s->msg, sizeof s->msg, "%s", app_str(a, "formui.sign.empty"));
    return;
  }
  unsigned char *png = NULL;
  size_t len = 0;
  kerr e = encode(s, &png, &len);
  if (!e)
    e = form_answer_signature(f, png, len, &r);
  if (png) {
    session_wipe_bytes(png, len);
    free(png);
  }
  if (e || r.status != FORM_OK) {
    LOG_W("sign", "signature not kept: %s", kerr_str(e));
    snprintf(s->msg, sizeof s->msg, "%s",
             r.message[0] ? r.message : app_str(a, "formui.sign.empty"));
    return;
  }
  clear_pad(s);
  form_next(f, &r);
  if (r.status != FORM_OK) {
    snprintf(s->msg, sizeof s->msg, "%s", r.message);
    form_host_saved(app_form(a));
    return;
  }
  moved(a);
}

static void sign_event(app *a, void *state, const ui_event *ev) {
  sign_state *s = state;
  form *f = form_host_form(app_form(a));
  if (!f)
    return;
  form_question q;
  form_current(f, &q);
  if (q.step != FORM_STEP_FIELD || q.field->type != FORM_T_SIGNATURE)
    return;
  sync(s, &q);
  switch (ev->type) {
  case UI_EV_PRESS:
    if (inside(s->pad, ev->x, ev->y)) {
      if (s->n && s->n < SIGN_MAX_POINTS &&
          s->pts[s->n - 1].x != PEN_UP)
        s->pts[s->n++] = (sign_point){PEN_UP, PEN_UP};
      s->down = 1;
      s->msg[0] = '\0';
      add_point(s, ev->x, ev->y);
    }
    break;
  case UI_EV_MOVE:
    if (s->down)
      add_point(s, ev->x, ev->y);
    break;
  case UI_EV_RELEASE:
    if (s->down)
      add_point(s, ev->x, ev->y);
    s->down = 0;
    break;
  case UI_EV_TAP:
    if (ev->action == SIGN_CLEAR) {
      clear_pad(s);
      s->msg[0] = '\0';
    } else if (ev->action == SIGN_DONE) {
      done_tapped(a, s, f, &q);
    } else if (ev->action == SIGN_PREV) {
      clear_pad(s);
      if (form_back(f) == KERR_OK) {
        /* Going back from a deferred signature leaves the review. */
        moved(a);
      }
    }
    break;
  default:
    break;
  }
  app_dirty(a);
}

typedef struct screen_pen {
  SDL_Renderer *ren;
  SDL_Rect pad;
  int t;
} screen_pen;

static void screen_pen_at(void *ud, int x, int y) {
  screen_pen *p = ud;
  SDL_Rect r = {p->pad.x + x - p->t / 2, p->pad.y + y - p->t / 2, p->t, p->t};
  SDL_RenderFillRect(p->ren, &r);
}

static void sign_draw(app *a, void *state, ui *u) {
  sign_state *s = state;
  const theme *th = &u->th;
  form *f = form_host_form(app_form(a));
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "formui.sign.title"), 1);
  int footer = screen_footer(a, u);
  if (!f)
    return;
  form_question q;
  form_current(f, &q);
  if (q.step != FORM_STEP_FIELD || q.field->type != FORM_T_SIGNATURE)
    return;
  sync(s, &q);
  int m = th->margin;
  int w = th->w - 2 * m;
  int x = m;
  int y = area.y + th->gap / 2;
  /* Whose signature: the question, and the member's name. */
  char who[400] = "";
  if (q.member >= 0 && q.field->group) {
    const form_field *g = q.field->group;
    char num[24], tmp[200], name[200] = "";
    snprintf(num, sizeof num, "%d", q.member + 1);
    chrome_format(tmp, sizeof tmp, app_str(a, "formui.member.who"), "n", num);
    chrome_format(who, sizeof who, tmp, "label", g->item_label);
    for (size_t i = 0; i < g->n_fields; i++)
      if (g->fields[i].type == FORM_T_CHINESE_TEXT) {
        form_value_display(f, &g->fields[i], q.member, name, sizeof name);
        break;
      }
    if (name[0]) {
      size_t l = strlen(who);
      snprintf(who + l, sizeof who - l, "：%s", name);
    }
    session_wipe_bytes(name, sizeof name);
  }
  if (who[0]) {
    int wh = ui_text_height(u, w, th->px_body, TEXT_BOLD, who);
    ui_text_box(u, (SDL_Rect){x, y, w, wh}, th->px_body, TEXT_BOLD,
                th->primary, UI_LEFT, 0, who);
    y += wh + th->gap / 3;
    session_wipe_bytes(who, sizeof who);
  }
  int qh = ui_text_height(u, w, th->px_title, TEXT_BOLD, q.field->label);
  ui_text_box(u, (SDL_Rect){x, y, w, qh}, th->px_title, TEXT_BOLD, th->text,
              UI_LEFT, 0, q.field->label);
  y += qh + th->gap / 3;
  const char *hint = app_str(a, q.answered && s->n == 0 ? "formui.sign.already"
                                                        : "formui.sign.hint");
  int hh = ui_text_height(u, w, th->px_body, TEXT_REGULAR, hint);
  ui_text_box(u, (SDL_Rect){x, y, w, hh}, th->px_body,
              q.answered && s->n == 0 ? TEXT_BOLD : TEXT_REGULAR,
              q.answered && s->n == 0 ? th->success : th->text_muted, UI_LEFT,
              0, hint);
  y += hh + th->gap / 2;
  /* Buttons at the bottom: 上一步, 重写, 签好了. */
  int by = footer - th->gap / 2 - th->button_h;
  int bw = (w - 2 * th->gap) / 3;
  ui_button(u, "form.prev", (SDL_Rect){x, by, bw, th->button_h},
            UI_BTN_SECONDARY, app_str(a, "formui.prev"));
  ui_tag(u, SIGN_PREV, 0);
  ui_button(u, "sign.clear", (SDL_Rect){x + bw + th->gap, by, bw, th->button_h},
            UI_BTN_SECONDARY, app_str(a, "formui.sign.clear"));
  ui_tag(u, SIGN_CLEAR, 0);
  ui_button(u, "sign.done", (SDL_Rect){x + w - bw, by, bw, th->button_h},
            UI_BTN_PRIMARY, app_str(a, "formui.sign.done"));
  ui_tag(u, SIGN_DONE, 0);
  /* The message, then the pad: 2:1, as large as what is left allows. */
  int bottom = by - th->gap / 2;
  if (s->msg[0]) {
    int mh = ui_text_height(u, w - 2 * th->pad, th->px_body, TEXT_BOLD,
                            s->msg);
    int my = bottom - mh - th->pad;
    ui_fill_round(u, (SDL_Rect){x, my, w, mh + th->pad}, th->radius,
                  th->warn_bg);
    ui_text_box(u, (SDL_Rect){x + th->pad, my + th->pad / 2,
                              w - 2 * th->pad, mh},
                th->px_body, TEXT_BOLD, th->accent, UI_LEFT, 0, s->msg);
    bottom = my - th->gap / 2;
  }
  int ph = bottom - y;
  int pw = ph * 2;
  if (pw > w) {
    pw = w;
    ph = pw / 2;
  }
  /* Right under the words, so the eyes go from the question to the pad. */
  SDL_Rect pad = {x + (w - pw) / 2, y, pw, ph};
  s->pad = pad;
  ui_card(u, pad, (SDL_Color){255, 255, 255, 255}, th->primary);
  /* The line to sign on, and a quiet hint while the pad is empty. */
  int line_y = pad.y + pad.h * 3 / 4;
  ui_fill(u, (SDL_Rect){pad.x + pad.w / 12, line_y, pad.w * 10 / 12,
                        theme_px(th, 3)},
          th->border);
  if (s->n == 0) {
    const char *t = app_str(a, "formui.sign.pad");
    int lh = text_line_height(u->text, th->px_large, TEXT_REGULAR);
    ui_text_box(u, (SDL_Rect){pad.x + th->pad, line_y - lh - th->pad / 2,
                              pad.w - 2 * th->pad, lh},
                th->px_large, TEXT_REGULAR, th->text_muted, UI_CENTER, 0, t);
  }
  ui_target_add(u, "sign.pad", pad, app_str(a, "formui.sign.pad"));
  screen_pen p = {u->ren, pad, theme_px(th, 6)};
  SDL_SetRenderDrawColor(u->ren, 0x10, 0x1A, 0x2E, 0xFF);
  walk(s, pad.w, pad.h, p.t / 2, screen_pen_at, &p);
}

const screen_class screen_sign = {
    .name = "sign",
    .state_size = sizeof(sign_state),
    .enter = sign_enter,
    .leave = sign_leave,
    .event = sign_event,
    .draw = sign_draw,
    .raw_pointer = 1,
    .unsaved = form_flow_unsaved,
    .discard = form_flow_discard,
};
