/* form_review: 「检查一下您填的内容」 — the check-your-answers page of the
 * application form, then the signatures, then 提交.
 *
 * Every answer asked, grouped by the form's sections in order (the engine's
 * review list, core/form.h), with 修改 beside each: it puts the form's
 * cursor on that question and the question screen opens; 下一步 there comes
 * back here (unless the change brought in a new question, which is asked
 * first). Values computed from the answers (age, sex, 平均每人每月收入) are
 * shown without 修改. Then the signatures the chosen items need — the
 * applicant's, and each adult member's where 授权核对 asks for it — each
 * with 签名 / 重新签名, and a big 提交 at the end. 提交 hands the finished
 * form to form_host_submit() (sealed, committed to the outbox, the form
 * wiped) and the receipt takes this screen's place. While something is
 * still missing 提交 says how many and offers 去填写 for the first one.
 *
 * Before everything else, when the form's answer differs from what the
 * applicant said in the screener (form.json from_screener): 「前后说的不一样」
 * with both values and 表里的对 (conflict.keep.<rule>) / 前面说的对
 * (conflict.earlier.<rule>; for a computed total it opens the question to
 * correct). 提交 waits until each is settled.
 *
 * The rows are personal data: built on enter, wiped (form_review_free) on
 * leave. Buttons are named after their field: chg.applicant_phone,
 * chg.income.0 (member 0), sig.applicant_signature. The page scrolls by dragging, and with 上一页/下一页 (page.up /
 * page.down). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/services.h"
#include "core/log.h"
#include "screens/screens.h"
#include "widgets/pageview.h"

/* What a tap on the review page means (ui_tag). */
enum review_action {
  REVIEW_ROW = 1, /* 修改 / 签名 of a row; arg: index in rv.rows */
  REVIEW_FIX,
  REVIEW_SUBMIT,
  REVIEW_KEEP,   /* 表里的对; arg: the conflict's rule */
  REVIEW_EARLIER /* 前面说的对; arg: the conflict's rule */
};

typedef struct review_state {
  form_review rv;
  int built;
  pageview page;
  char msg[300];   /* why 提交 did not go ahead; "" when none */
  int fix_row;     /* the first row still to fill, or -1 */
  form_conflict conf[FORM_MAX_PREFILL]; /* personal: wiped on leave */
  size_t n_conf;
  int conf_first; /* 提交 was tapped before the conflicts were settled */
} review_state;

static void build(app *a, review_state *s) {
  if (s->built) {
    form_review_free(&s->rv);
    s->built = 0;
  }
  form *f = form_host_form(app_form(a));
  if (f && form_review_build(f, &s->rv) == KERR_OK)
    s->built = 1;
  session_wipe_bytes(s->conf, sizeof s->conf);
  s->n_conf = f ? form_conflicts(f, s->conf, FORM_MAX_PREFILL) : 0;
  if (s->n_conf > FORM_MAX_PREFILL)
    s->n_conf = FORM_MAX_PREFILL;
}

static void review_enter(app *a, void *state, const void *arg) {
  (void)arg;
  review_state *s = state;
  s->fix_row = -1;
  build(a, s);
}

static void review_leave(app *a, void *state) {
  (void)a;
  review_state *s = state;
  if (s->built)
    form_review_free(&s->rv);
  s->built = 0;
  session_wipe_bytes(s->conf, sizeof s->conf);
  s->n_conf = 0;
}

/* 表里的对 / 前面说的对 for the conflict of `rule`. */
static void settle(app *a, review_state *s, int rule, int earlier) {
  form_host *h = app_form(a);
  form *f = form_host_form(h);
  if (!f || rule < 0)
    return;
  kerr e = earlier ? form_conflict_restore(f, (size_t)rule)
                   : form_conflict_keep(f, (size_t)rule);
  if (e)
    LOG_W("form_review", "conflict %d not settled: %s", rule, kerr_str(e));
  s->msg[0] = '\0';
  s->conf_first = 0;
  form_host_saved(h);
  build(a, s);
  form_flow_follow(a, &screen_form_review);
}

static int is_signature(const form_review_row *r) {
  return r->field && r->field->type == FORM_T_SIGNATURE;
}

/* The target id of a row's button: "chg.<field>" or "chg.<field>.<member>"
 * (修改), "sig.…" for a signature; stable, so scripts can name them. */
static void row_id(const form_review_row *r, char *out, size_t size) {
  snprintf(out, size, "%s.%s", is_signature(r) ? "sig" : "chg",
           r->field->id);
  if (r->member >= 0) {
    size_t l = strlen(out);
    snprintf(out + l, size - l, ".%d", r->member);
  }
}

/* Opens row i for changing (a question) or signing (a signature). */
static void open_row(app *a, review_state *s, int i) {
  if (!s->built || i < 0 || (size_t)i >= s->rv.n)
    return;
  const form_review_row *r = &s->rv.rows[i];
  if (!r->field)
    return;
  form_host *h = app_form(a);
  form *f = form_host_form(h);
  kerr e = is_signature(r) ? form_host_sign(h, r->field->id, r->member)
                           : form_jump(f, r->field->id, r->member);
  if (e) {
    LOG_W("form_review", "row %d not opened: %s", i, kerr_str(e));
    return;
  }
  form_host_saved(h);
  form_flow_follow(a, &screen_form_review);
}

static void submit_tapped(app *a, review_state *s) {
  form_host *h = app_form(a);
  form *f = form_host_form(h);
  if (!f)
    return;
  if (s->n_conf) {
    /* The choices are at the top: go there and say why. */
    s->fix_row = -1;
    s->msg[0] = '\0';
    s->conf_first = 1;
    pageview_top(&s->page);
    return;
  }
  if (!form_complete(f)) {
    size_t n = 0;
    s->fix_row = -1;
    for (size_t i = 0; s->built && i < s->rv.n; i++)
      if (s->rv.rows[i].field && s->rv.rows[i].status != FORM_OK) {
        if (s->fix_row < 0)
          s->fix_row = (int)i;
        n++;
      }
    char num[24];
    snprintf(num, sizeof num, "%zu", n ? n : 1);
    chrome_format(s->msg, sizeof s->msg,
                  app_str(a, "formui.review.not_ready"), "n", num);
    return;
  }
  const submit_receipt *rc = NULL;
  /* 代办: a signed-in staff member is recorded as having assisted. */
  form_host_set_assisted_by(h, app_assisted_by(a));
  kerr e = form_host_submit(h, app_net(a), &rc);
  LOG_I("form_review", "submit: %s", kerr_str(e));
  /* Taken or not, the receipt says so plainly. */
  app_replace(a, &screen_receipt, rc);
}

static void review_event(app *a, void *state, const ui_event *ev) {
  review_state *s = state;
  if (!pageview_event(&s->page, ev, app_now(a)) && ev->type == UI_EV_TAP) {
    if (ev->action == REVIEW_SUBMIT)
      submit_tapped(a, s);
    else if (ev->action == REVIEW_FIX)
      open_row(a, s, s->fix_row);
    else if (ev->action == REVIEW_ROW)
      open_row(a, s, ev->arg);
    else if (ev->action == REVIEW_KEEP || ev->action == REVIEW_EARLIER)
      settle(a, s, ev->arg, ev->action == REVIEW_EARLIER);
  }
  app_dirty(a);
}

/* ------------------------------------------------------------------ */
/* drawing: one pass measures (draw 0), the next draws at the offset */

static int button_w(ui *u, const char *label) {
  const theme *th = &u->th;
  int w = text_width(u->text, th->px_large, TEXT_BOLD, label, strlen(label)) +
          2 * th->pad;
  return w < th->target_min * 2 ? th->target_min * 2 : w;
}

/* One answer: label above value on the left, 修改 (or 签名) on the right.
 * Returns its height. */
static int draw_row(app *a, ui *u, const form_review_row *r, int row,
                    SDL_Rect box, int draw) {
  const theme *th = &u->th;
  int sig = is_signature(r);
  const char *btn = NULL;
  char id[UI_ID_MAX] = "";
  if (sig) {
    btn = app_str(a, r->status == FORM_OK ? "formui.review.resign"
                                          : "formui.review.sign");
    row_id(r, id, sizeof id);
  } else if (r->field) {
    btn = app_str(a, "formui.review.change");
    row_id(r, id, sizeof id);
  }
  int bw = btn ? button_w(u, btn) : 0;
  int tw = box.w - (bw ? bw + th->gap : 0);
  int missing = r->status != FORM_OK;
  const char *value = r->value && r->value[0]
                          ? r->value
                          : app_str(a, sig       ? "formui.review.unsigned"
                                       : missing ? "formui.review.missing"
                                                 : "formui.review.empty");
  int lh = ui_text_height(u, tw, th->px_small, TEXT_REGULAR, r->label);
  int vh = ui_text_height(u, tw, th->px_body, TEXT_BOLD, value);
  int h = lh + vh + th->pad;
  if (btn && h < th->button_h + th->pad)
    h = th->button_h + th->pad;
  if (!draw)
    return h;
  int ty = box.y + (h - lh - vh) / 2;
  ui_text_box(u, (SDL_Rect){box.x, ty, tw, lh}, th->px_small, TEXT_REGULAR,
              th->text_muted, UI_LEFT, 0, r->label);
  ui_text_box(u, (SDL_Rect){box.x, ty + lh, tw, vh}, th->px_body, TEXT_BOLD,
              missing ? th->accent : th->text, UI_LEFT, 0, value);
  if (btn) {
    ui_button(u, id,
              (SDL_Rect){box.x + box.w - bw, box.y + (h - th->button_h) / 2,
                         bw, th->button_h},
              sig && missing ? UI_BTN_PRIMARY : UI_BTN_SECONDARY, btn);
    ui_tag(u, REVIEW_ROW, row);
  }
  ui_fill(u, (SDL_Rect){box.x, box.y + h - theme_px(th, 2), box.w,
                        theme_px(th, 2)},
          th->border);
  return h;
}

/* A heading line; returns its height. */
static int heading(ui *u, SDL_Rect box, const char *t, int draw) {
  const theme *th = &u->th;
  int h = ui_text_height(u, box.w, th->px_large, TEXT_BOLD, t);
  if (draw)
    ui_text_box(u, (SDL_Rect){box.x, box.y, box.w, h}, th->px_large,
                TEXT_BOLD, th->primary, UI_LEFT, 0, t);
  return h + th->gap / 2;
}

static int para(ui *u, SDL_Rect box, const char *t, SDL_Color c, int draw) {
  const theme *th = &u->th;
  int h = ui_text_height(u, box.w, th->px_body, TEXT_REGULAR, t);
  if (draw)
    ui_text_box(u, (SDL_Rect){box.x, box.y, box.w, h}, th->px_body,
                TEXT_REGULAR, c, UI_LEFT, 0, t);
  return h + th->gap / 2;
}

/* One conflict: both answers on a warm background, then the two buttons
 * side by side when they fit, else one above the other. Returns its
 * height. */
static int draw_conflict(app *a, ui *u, const form_conflict *c, SDL_Rect box,
                         int draw) {
  const theme *th = &u->th;
  char t1[400], t2[400], text[400];
  chrome_format(t1, sizeof t1, app_str(a, "formui.conflict.text"), "label",
                c->label);
  chrome_format(t2, sizeof t2, t1, "earlier", c->earlier);
  chrome_format(text, sizeof text, t2, "now", c->now);
  int tw = box.w - 2 * th->pad;
  int th_ = ui_text_height(u, tw, th->px_body, TEXT_BOLD, text);
  const char *keep = app_str(a, "formui.conflict.keep");
  const char *earlier = app_str(a, c->can_restore ? "formui.conflict.earlier"
                                                  : "formui.conflict.change");
  int half = (tw - th->gap) / 2;
  int side = button_w(u, keep) <= half && button_w(u, earlier) <= half;
  int bh = side ? th->button_h : 2 * th->button_h + th->gap;
  int h = th_ + bh + 2 * th->pad + th->gap;
  if (draw) {
    char id[UI_ID_MAX];
    int x = box.x + th->pad, y = box.y + th->pad;
    ui_fill_round(u, (SDL_Rect){box.x, box.y, box.w, h}, th->radius,
                  th->warn_bg);
    ui_text_box(u, (SDL_Rect){x, y, tw, th_}, th->px_body, TEXT_BOLD,
                th->text, UI_LEFT, 0, text);
    y += th_ + th->gap;
    SDL_Rect k = {x, y, side ? half : tw, th->button_h};
    SDL_Rect e = side ? (SDL_Rect){x + half + th->gap, y, half, th->button_h}
                      : (SDL_Rect){x, y + th->button_h + th->gap, tw,
                                   th->button_h};
    snprintf(id, sizeof id, "conflict.keep.%zu", c->rule);
    ui_button(u, id, k, UI_BTN_SECONDARY, keep);
    ui_tag(u, REVIEW_KEEP, (int)c->rule);
    snprintf(id, sizeof id, "conflict.earlier.%zu", c->rule);
    ui_button(u, id, e, UI_BTN_SECONDARY, earlier);
    ui_tag(u, REVIEW_EARLIER, (int)c->rule);
  }
  session_wipe_bytes(t1, sizeof t1);
  session_wipe_bytes(t2, sizeof t2);
  session_wipe_bytes(text, sizeof text);
  return h + th->gap / 2;
}

/* Lays out (and draws when draw) the whole page from view.y - offset;
 * returns its height. */
static int layout(app *a, ui *u, review_state *s, SDL_Rect view, int offset,
                  int draw) {
  const theme *th = &u->th;
  int x = view.x, w = view.w;
  int y = view.y - offset;
  y += para(u, (SDL_Rect){x, y, w, 0}, app_str(a, "formui.review.intro"),
            th->text, draw) + th->gap / 2;
  if (s->n_conf) {
    y += heading(u, (SDL_Rect){x, y, w, 0},
                 app_str(a, "formui.conflict.title"), draw);
    if (s->conf_first) {
      const char *t = app_str(a, "formui.conflict.first");
      int mh = ui_text_height(u, w - 2 * th->pad, th->px_body, TEXT_BOLD, t);
      if (draw) {
        ui_fill_round(u, (SDL_Rect){x, y, w, mh + th->pad}, th->radius,
                      th->warn_bg);
        ui_text_box(u, (SDL_Rect){x + th->pad, y + th->pad / 2,
                                  w - 2 * th->pad, mh},
                    th->px_body, TEXT_BOLD, th->accent, UI_LEFT, 0, t);
      }
      y += mh + th->pad + th->gap / 2;
    }
    y += para(u, (SDL_Rect){x, y, w, 0}, app_str(a, "formui.conflict.intro"),
              th->text, draw);
    for (size_t i = 0; i < s->n_conf; i++)
      y += draw_conflict(a, u, &s->conf[i], (SDL_Rect){x, y, w, 0}, draw);
    y += th->gap;
  }
  const char *last_section = NULL;
  size_t n_sig = 0;
  for (size_t i = 0; s->built && i < s->rv.n; i++) {
    const form_review_row *r = &s->rv.rows[i];
    if (is_signature(r)) {
      n_sig++;
      continue;
    }
    if (!last_section || strcmp(last_section, r->section_title) != 0) {
      if (last_section)
        y += th->gap;
      last_section = r->section_title;
      y += heading(u, (SDL_Rect){x, y, w, 0}, r->section_title, draw);
    }
    y += draw_row(a, u, r, (int)i, (SDL_Rect){x, y, w, 0}, draw);
  }
  if (n_sig) {
    y += th->gap;
    y += heading(u, (SDL_Rect){x, y, w, 0},
                 app_str(a, "formui.review.sign_title"), draw);
    y += para(u, (SDL_Rect){x, y, w, 0}, app_str(a, "formui.review.sign_intro"),
              th->text, draw);
    for (size_t i = 0; i < s->rv.n; i++)
      if (is_signature(&s->rv.rows[i]))
        y += draw_row(a, u, &s->rv.rows[i], (int)i, (SDL_Rect){x, y, w, 0},
                      draw);
  }
  y += th->gap;
  if (s->msg[0]) {
    int mh = ui_text_height(u, w - 2 * th->pad, th->px_body, TEXT_BOLD,
                            s->msg);
    if (draw) {
      ui_fill_round(u, (SDL_Rect){x, y, w, mh + th->pad}, th->radius,
                    th->warn_bg);
      ui_text_box(u, (SDL_Rect){x + th->pad, y + th->pad / 2,
                                w - 2 * th->pad, mh},
                  th->px_body, TEXT_BOLD, th->accent, UI_LEFT, 0, s->msg);
    }
    y += mh + th->pad + th->gap / 2;
    if (s->fix_row >= 0) {
      if (draw) {
        ui_button(u, "review.fix", (SDL_Rect){x, y, w, th->button_h},
                  UI_BTN_SECONDARY, app_str(a, "formui.review.fix"));
        ui_tag(u, REVIEW_FIX, 0);
      }
      y += th->button_h + th->gap;
    }
  }
  int big = th->button_h * 3 / 2;
  if (draw) {
    ui_button(u, "form.submit", (SDL_Rect){x, y, w, big}, UI_BTN_ACCENT,
              app_str(a, "formui.review.submit"));
    ui_tag(u, REVIEW_SUBMIT, 0);
  }
  y += big + th->gap;
  return y - (view.y - offset);
}

static void review_draw(app *a, void *state, ui *u) {
  review_state *s = state;
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "formui.review.title"), 1);
  int footer = screen_footer(a, u);
  /* 上一页 / 下一页 above the footer, for people who do not drag. */
  int m = th->margin;
  int ph = th->target_min;
  int py = footer - th->gap / 2 - ph;
  int pw = (th->w - 2 * m - th->gap) / 2;
  int w = th->w - 2 * m;
  if (!th->portrait && w > theme_px(th, 1500))
    w = theme_px(th, 1500);
  SDL_Rect view = {(th->w - w) / 2, area.y + th->gap / 2, w,
                   py - th->gap / 2 - area.y - th->gap / 2};
  int content_h = layout(a, u, s, view, 0, 0);
  pageview_update(&s->page, content_h, view.h, app_now(a));
  ui_clip_begin(u, view);
  layout(a, u, s, view, pageview_offset(&s->page), 1);
  ui_clip_end(u);
  pageview_draw_bar(&s->page, u, (SDL_Rect){m, py, pw, ph},
                    (SDL_Rect){th->w - m - pw, py, pw, ph});
}

static uint64_t review_tick(app *a, void *state, uint64_t now) {
  (void)a;
  (void)now;
  review_state *s = state;
  return pageview_deadline(&s->page);
}

const screen_class screen_form_review = {
    .name = "form_review",
    .state_size = sizeof(review_state),
    .enter = review_enter,
    .leave = review_leave,
    .event = review_event,
    .draw = review_draw,
    .tick = review_tick,
};
