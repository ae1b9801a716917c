/* form_review: 「检查一下您填的内容」 — the check-your-answers page of the
 * application form, then the signatures, then 提交.
 *
 * Every answer asked, grouped by the form's sections in order (the engine's
 * review list, core/form.h), each a cell with 修改 (the whole cell is the
 * button): it puts the form's cursor on that question and the question
 * screen opens; 下一步 there comes back here (unless the change brought in
 * a new question, which is asked first), at the place the page was left
 * (form_host_set_review_spot). Cells sit side by side on a grid as wide
 * as the screen allows, each household member's under 「第1位家里人：孙桂兰」,
 * and on wide screens the section names stand in a column on the left, so
 * a household of three fits in three pages at 1920×1080. Values computed
 * from the answers (age, sex, 平均每人每月收入) share one cell, without
 * 修改. Then the signatures the chosen items need — the
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
 * leave; the row positions kept with them (row_y) are not. Buttons are named after their field: chg.applicant_phone,
 * chg.income.0 (member 0), sig.applicant_signature. The page scrolls by dragging, and with 上一页/下一页 (page.up /
 * page.down). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

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
  REVIEW_EARLIER, /* 前面说的对; arg: the conflict's rule */
  REVIEW_READ,   /* 读出来 of a section; arg: its first row in rv.rows */
  REVIEW_MATERIALS /* 拍材料: the document camera's checklist */
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
  int *row_y;     /* each row's top in the page (rv.n), from the last layout */
  /* Where the page was left (form_host_review_spot): put row anchor_field
   * (anchor_member) anchor_dy below the top of the view on the first
   * frame. */
  int anchor;
  char anchor_field[FORM_MAX_ID + 1];
  int anchor_member, anchor_dy;
} review_state;

static void build(app *a, review_state *s) {
  if (s->built) {
    form_review_free(&s->rv);
    s->built = 0;
  }
  free(s->row_y);
  s->row_y = NULL;
  form *f = form_host_form(app_form(a));
  if (f && form_review_build(f, &s->rv) == KERR_OK) {
    s->built = 1;
    s->row_y = calloc(s->rv.n ? s->rv.n : 1, sizeof *s->row_y);
  }
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
  /* The items may have changed since pages were taken: a material no
   * longer asked for loses its pages before the count is shown. */
  if (camera_host_pages_total(app_camera(a)))
    materials_refresh(a);
  s->anchor = form_host_take_review_spot(app_form(a), s->anchor_field,
                                         sizeof s->anchor_field,
                                         &s->anchor_member, &s->anchor_dy);
}

static void review_leave(app *a, void *state) {
  (void)a;
  review_state *s = state;
  if (s->built)
    form_review_free(&s->rv);
  s->built = 0;
  free(s->row_y);
  s->row_y = NULL;
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
  /* Coming back (下一步, 签好了), the page is where it was left. */
  if (s->row_y)
    form_host_set_review_spot(h, r->field->id, r->member,
                              s->row_y[i] - pageview_offset(&s->page));
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
    /* What a chosen item still needs (a child, a pupil): its own words. */
    const char *note = s->fix_row >= 0 ? s->rv.rows[s->fix_row].note : NULL;
    if (note) {
      size_t l = strlen(s->msg);
      snprintf(s->msg + l, sizeof s->msg - l, "%s", note);
    }
    return;
  }
  const submit_receipt *rc = NULL;
  /* 代办: a signed-in staff member is recorded as having assisted. */
  form_host_set_assisted_by(h, app_assisted_by(a));
  /* The pages photographed go sealed with it (none without a camera). */
  form_attachment att[FORM_MAX_ATTACHMENTS];
  size_t n_att = 0;
  camera_host *cam = app_camera(a);
  if (camera_host_pages_total(cam)) {
    materials_refresh(a);
    n_att = camera_host_attachments(cam, att, FORM_MAX_ATTACHMENTS);
  }
  form_host_set_attachments(h, att, n_att);
  kerr e = form_host_submit(h, app_net(a), &rc);
  sodium_memzero(att, sizeof att);
  if (e == KERR_OK)
    camera_host_sealed(cam); /* wiped; the receipt keeps the counts */
  LOG_I("form_review", "submit: %s", kerr_str(e));
  /* Taken or not, the receipt says so plainly. */
  app_replace(a, &screen_receipt, rc);
}

static void member_title(app *a, review_state *s, size_t from, char *out,
                         size_t size);
static int take_answer(const form_review_row *r);

/* 读出来: the applicant asked to hear one section's answers, so they are
 * spoken (the hall may hear them; nothing else on this page reads them):
 * the section's name, each member's heading, each answer's label and
 * value. The text is wiped here; the shell wipes its copy with the
 * session. */
static void read_section(app *a, review_state *s, int first) {
  char t[APP_SAY_MAX];
  size_t n = 0;
  int member = -1;
  if (!s->built || first < 0 || (size_t)first >= s->rv.n)
    return;
  const char *title = s->rv.rows[first].section_title;
  n += (size_t)snprintf(t, sizeof t, "%s。", title);
  for (size_t i = (size_t)first;
       i < s->rv.n && strcmp(s->rv.rows[i].section_title, title) == 0 &&
       n < sizeof t;
       i++) {
    const form_review_row *r = &s->rv.rows[i];
    if (!take_answer(r))
      continue;
    if (r->member >= 0 && r->member != member) {
      char who[400];
      member_title(a, s, i, who, sizeof who);
      n += (size_t)snprintf(t + n, sizeof t - n, "%s。", who);
      sodium_memzero(who, sizeof who);
      member = r->member;
    }
    if (n >= sizeof t)
      break;
    n += (size_t)snprintf(t + n, sizeof t - n, "%s，%s。", r->label,
                          r->value && r->value[0]
                              ? r->value
                              : app_str(a, "formui.review.missing"));
  }
  app_say(a, t);
  sodium_memzero(t, sizeof t);
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
    else if (ev->action == REVIEW_READ)
      read_section(a, s, ev->arg);
    else if (ev->action == REVIEW_MATERIALS)
      app_push(a, &screen_materials, NULL);
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

/* ------------------------------------------------------------------ */
/* the answers: cells on a grid
 *
 * Each answer is a cell — its short label, the value, and 修改 (签名 /
 * 重新签名) at its right end; the whole cell is the button. Cells flow left
 * to right over a grid of equal columns (as many as fit, at least
 * REVIEW_COL_MIN wide at 1080p) and span as many columns as their words
 * need, so short answers (是, 村里, 2人) sit side by side like the boxes of
 * a paper form and a long address takes a whole line. Each household
 * member's answers start on a line of their own under 「第1位家里人：孙桂兰」;
 * values computed from the answers (年龄, 全家人口) are cells without 修改.
 * A cell that needs more than the whole width wraps its value. */

#define REVIEW_COL_MIN 180 /* 1080p units */
#define REVIEW_PAIRS 6      /* computed values in one cell at most */
#define REVIEW_LINE 12      /* cells on one line at most */
#define REVIEW_GUTTER_FROM 1100 /* section names on the left from this width */

typedef struct grid {
  int x, w;     /* the content's left edge and width */
  int n, col_w; /* columns and their width */
  int gap;      /* between columns and between lines */
} grid;

static grid grid_for(const theme *th, int x, int w) {
  grid g = {.x = x, .w = w, .gap = theme_px(th, 12)};
  int min = theme_px(th, REVIEW_COL_MIN);
  g.n = (w + g.gap) / (min + g.gap);
  if (g.n < 1)
    g.n = 1;
  g.col_w = (w - (g.n - 1) * g.gap) / g.n;
  return g;
}

static int span_w(const grid *g, int k) {
  return k * g->col_w + (k - 1) * g->gap;
}

/* A cell: one answer (label, value, 修改), or values computed from the
 * answers side by side (pairs of label and value, no button). */
typedef struct cell {
  int n;                        /* pairs: 1 for an answer */
  int row[REVIEW_PAIRS];        /* indexes in rv.rows */
  const char *label[REVIEW_PAIRS], *value[REVIEW_PAIRS];
  int label_w[REVIEW_PAIRS], value_w[REVIEW_PAIRS];
  int label_h, value_h;         /* of an answer's (wrapped) boxes */
  const char *act; /* 修改 / 签名 / 重新签名; NULL: computed, not a button */
  char id[UI_ID_MAX];
  int missing, sig;
  int span, h;  /* columns taken (widened to fill its line), height */
  int act_w;    /* the 修改 mark, 0 without */
} cell;

/* The label of row r in a cell: a member's block already says whose. */
static const char *cell_label(const form_review_row *r) {
  if (r->member >= 0 && !is_signature(r)) {
    if (r->field && r->field->review_label)
      return r->field->review_label;
    if (r->computed && r->computed->label)
      return r->computed->label;
  }
  return r->label;
}

static int words_w(ui *u, int px, text_weight wt, const char *t) {
  return text_width(u->text, px, wt, t, strlen(t)) + 1;
}

/* Spaces inside a cell: its edges, and between label, value and 修改. */
static int cell_ip(const theme *th) { return theme_px(th, 14); }
static int cell_sp(const theme *th) { return theme_px(th, 12); }

/* The natural width of c's pairs (computed values) on one line. */
static int pairs_w(const theme *th, const cell *c) {
  int w = 2 * cell_ip(th);
  for (int k = 0; k < c->n; k++)
    w += c->label_w[k] + cell_sp(th) / 2 + c->value_w[k] +
         (k ? 2 * cell_sp(th) : 0);
  return w;
}

/* Fills c for answer row i of s and measures it on grid g. */
static void cell_answer(app *a, ui *u, review_state *s, const grid *g, int i,
                        cell *c) {
  const theme *th = &u->th;
  const form_review_row *r = &s->rv.rows[i];
  memset(c, 0, sizeof *c);
  c->n = 1;
  c->row[0] = i;
  c->sig = is_signature(r);
  c->missing = r->status != FORM_OK;
  c->label[0] = cell_label(r);
  c->value[0] = r->value && r->value[0]
                    ? r->value
                    : app_str(a, c->sig       ? "formui.review.unsigned"
                                 : c->missing ? "formui.review.missing"
                                              : "formui.review.empty");
  if (c->sig)
    c->act = app_str(a, r->status == FORM_OK ? "formui.review.resign"
                                             : "formui.review.sign");
  else
    c->act = app_str(a, "formui.review.change");
  row_id(r, c->id, sizeof c->id);
  int ip = cell_ip(th), sp = cell_sp(th);
  int lw = words_w(u, th->px_small, TEXT_REGULAR, c->label[0]);
  int vw = words_w(u, th->px_body, TEXT_BOLD, c->value[0]);
  c->act_w = words_w(u, th->px_body, TEXT_BOLD, c->act) + 2 * sp;
  int fixed = 2 * ip + 2 * sp + c->act_w;
  c->span = 1;
  while (c->span < g->n && span_w(g, c->span) < fixed + lw + vw)
    c->span++;
  int cw = span_w(g, c->span);
  c->label_w[0] = lw;
  if (fixed + lw + vw > cw && lw > (cw - fixed) * 2 / 5)
    c->label_w[0] = (cw - fixed) * 2 / 5; /* a long label wraps too */
  c->value_w[0] = cw - fixed - c->label_w[0];
  c->label_h = ui_text_height(u, c->label_w[0], th->px_small, TEXT_REGULAR,
                              c->label[0]);
  c->value_h = ui_text_height(u, c->value_w[0], th->px_body, TEXT_BOLD,
                              c->value[0]);
  int inner = c->label_h > c->value_h ? c->label_h : c->value_h;
  c->h = inner + 2 * theme_px(th, 8);
  if (c->h < th->target_min)
    c->h = th->target_min;
}

/* Adds computed row i to c (a cell of computed values, possibly empty).
 * Returns 0, leaving c as it was, when it would not fit on one line. */
static int cell_add_pair(ui *u, review_state *s, const grid *g, int i,
                         cell *c) {
  const theme *th = &u->th;
  const form_review_row *r = &s->rv.rows[i];
  if (c->n == REVIEW_PAIRS)
    return 0;
  int k = c->n;
  c->row[k] = i;
  c->label[k] = cell_label(r);
  c->value[k] = r->value ? r->value : "";
  c->label_w[k] = words_w(u, th->px_small, TEXT_REGULAR, c->label[k]);
  c->value_w[k] = words_w(u, th->px_body, TEXT_BOLD, c->value[k]);
  c->n++;
  int w = pairs_w(th, c);
  if (k && w > g->w) {
    c->n--;
    return 0;
  }
  c->span = 1;
  while (c->span < g->n && span_w(g, c->span) < w)
    c->span++;
  if (w > g->w) { /* one value wider than the page: it wraps */
    c->value_w[0] = g->w - 2 * cell_ip(th) - cell_sp(th) / 2 - c->label_w[0];
    if (c->value_w[0] < g->w / 2) {
      c->label_w[0] = g->w / 3;
      c->value_w[0] = g->w - 2 * cell_ip(th) - cell_sp(th) / 2 - g->w / 3;
    }
  }
  c->label_h = ui_text_height(u, c->label_w[0], th->px_small, TEXT_REGULAR,
                              c->label[0]);
  c->value_h = 0;
  for (int p = 0; p < c->n; p++) {
    int vh = ui_text_height(u, c->value_w[p], th->px_body, TEXT_BOLD,
                            c->value[p]);
    if (vh > c->value_h)
      c->value_h = vh;
  }
  int inner = c->label_h > c->value_h ? c->label_h : c->value_h;
  c->h = inner + 2 * theme_px(th, 8);
  if (c->h < th->target_min)
    c->h = th->target_min;
  return 1;
}

static void cell_draw(ui *u, const cell *c, SDL_Rect r) {
  const theme *th = &u->th;
  int ip = cell_ip(th), sp = cell_sp(th);
  int pressed = c->act && strcmp(u->pressed, c->id) == 0;
  SDL_Color fill = pressed                ? th->surface_alt
                   : c->sig && c->missing ? th->warn_bg
                   : c->act               ? th->surface
                                          : th->bg;
  ui_card(u, r, fill, c->sig && c->missing ? th->accent : th->border);
  int x = r.x + ip;
  for (int k = 0; k < c->n; k++) {
    int lh = k ? ui_text_height(u, c->label_w[k], th->px_small, TEXT_REGULAR,
                                c->label[k])
               : c->label_h;
    if (k)
      x += 2 * sp;
    ui_text_box(u, (SDL_Rect){x, r.y + (r.h - lh) / 2, c->label_w[k], lh},
                th->px_small, TEXT_REGULAR, th->text_muted, UI_LEFT, 0,
                c->label[k]);
    x += c->label_w[k] + (c->act ? sp : sp / 2);
    /* An answer's value takes what its widened cell leaves. */
    int vw = c->act ? r.x + r.w - ip - c->act_w - sp - x : c->value_w[k];
    int vh = ui_text_height(u, vw, th->px_body, TEXT_BOLD, c->value[k]);
    ui_text_box(u, (SDL_Rect){x, r.y + (r.h - vh) / 2, vw, vh}, th->px_body,
                TEXT_BOLD, c->missing ? th->accent : th->text, UI_LEFT, 0,
                c->value[k]);
    x += vw;
  }
  if (!c->act)
    return;
  /* 修改 looks like a small button; the whole cell is the target. */
  int ph = text_line_height(u->text, th->px_body, TEXT_BOLD) +
           theme_px(th, 6);
  if (ph > r.h - 2 * theme_px(th, 4))
    ph = r.h - 2 * theme_px(th, 4);
  SDL_Rect pill = {r.x + r.w - ip - c->act_w, r.y + (r.h - ph) / 2, c->act_w,
                   ph};
  int strong = c->sig && c->missing;
  ui_card(u, pill, strong ? th->primary : th->surface, th->primary);
  ui_text_box(u, pill, th->px_body, TEXT_BOLD,
              strong ? th->on_primary : th->primary, UI_CENTER, 1, c->act);
  ui_target_add(u, c->id, r, c->act);
  ui_tag(u, REVIEW_ROW, c->row[0]);
}

/* Cells being put on lines. */
typedef struct flow {
  const grid *g;
  review_state *s;
  ui *u;
  int draw;
  int y, top; /* where the next line goes; the page's top */
  cell line[REVIEW_LINE];
  int n, cols, h;
} flow;

/* Puts the waiting line down: its cells widened to fill the width (the
 * lines read like the rows of a table), each row's top noted. */
static void flow_line(flow *fl) {
  if (!fl->n)
    return;
  const grid *g = fl->g;
  for (int k = 0; fl->cols < g->n; k = (k + 1) % fl->n, fl->cols++)
    fl->line[k].span++;
  int x = g->x;
  for (int k = 0; k < fl->n; k++) {
    cell *c = &fl->line[k];
    int w = span_w(g, c->span);
    for (int p = 0; p < c->n && fl->s->row_y; p++)
      fl->s->row_y[c->row[p]] = fl->y - fl->top;
    if (fl->draw)
      cell_draw(fl->u, c, (SDL_Rect){x, fl->y, w, fl->h});
    x += w + g->gap;
  }
  fl->y += fl->h + g->gap;
  fl->n = fl->cols = fl->h = 0;
}

static void flow_put(flow *fl, const cell *c) {
  if (fl->n && (fl->cols + c->span > fl->g->n || fl->n == REVIEW_LINE))
    flow_line(fl);
  fl->line[fl->n++] = *c;
  fl->cols += c->span;
  if (c->h > fl->h)
    fl->h = c->h;
}

/* Lays out the rows [from, to) of s that `take` accepts as cells from y;
 * draws them when draw; notes each row's top in s->row_y. Consecutive
 * computed values share a cell. Returns the height used. */
static int cells(app *a, ui *u, review_state *s, const grid *g, size_t from,
                 size_t to, int (*take)(const form_review_row *), int y0,
                 int content_top, int draw) {
  flow fl = {.g = g, .s = s, .u = u, .draw = draw, .y = y0,
             .top = content_top};
  cell comp = {0};
  for (size_t i = from; i < to; i++) {
    const form_review_row *r = &s->rv.rows[i];
    if (!take(r))
      continue;
    if (!r->field) {
      if (cell_add_pair(u, s, g, (int)i, &comp))
        continue;
      flow_put(&fl, &comp);
      memset(&comp, 0, sizeof comp);
      cell_add_pair(u, s, g, (int)i, &comp);
      continue;
    }
    if (comp.n) {
      flow_put(&fl, &comp);
      memset(&comp, 0, sizeof comp);
    }
    cell c;
    cell_answer(a, u, s, g, (int)i, &c);
    flow_put(&fl, &c);
  }
  if (comp.n)
    flow_put(&fl, &comp);
  flow_line(&fl);
  return fl.y - y0;
}

static int take_answer(const form_review_row *r) { return !is_signature(r); }
static int take_signature(const form_review_row *r) {
  return is_signature(r);
}

/* 「第1位家里人：孙桂兰」 over a member's block, into out. */
static void member_title(app *a, review_state *s, size_t from, char *out,
                         size_t size) {
  const form_review_row *r = &s->rv.rows[from];
  const form_field *g = r->field ? r->field->group : NULL;
  char num[24], tmp[200];
  snprintf(num, sizeof num, "%d", r->member + 1);
  chrome_format(tmp, sizeof tmp, app_str(a, "formui.member.who"), "n", num);
  chrome_format(out, size, tmp, "label",
                g && g->item_label ? g->item_label : "");
  for (size_t i = from; i < s->rv.n && s->rv.rows[i].member == r->member;
       i++) {
    const form_review_row *m = &s->rv.rows[i];
    if (m->field && m->field->type == FORM_T_CHINESE_TEXT && m->value &&
        m->value[0]) {
      size_t l = strlen(out);
      snprintf(out + l, size - l, "：%s", m->value);
      break;
    }
  }
}

/* 「第1位家里人：孙桂兰」 for the member whose rows start at `from`. With a
 * gutter it stands beside the member's answers, under the section's name
 * (not above `below`), and takes no line of its own: returns its bottom.
 * Without one it is a line above them: *y moves down, INT_MIN returned. */
static int member_heading(app *a, ui *u, review_state *s, size_t from,
                          const grid *g, int x, int gutter, int below, int *y,
                          int draw) {
  const theme *th = &u->th;
  char t[400];
  int end = INT_MIN;
  member_title(a, s, from, t, sizeof t);
  if (gutter) {
    int ty = *y > below ? *y : below;
    int tw = gutter - th->gap;
    int h = ui_text_height(u, tw, th->px_body, TEXT_BOLD, t);
    if (draw)
      ui_text_box(u, (SDL_Rect){x, ty, tw, h}, th->px_body, TEXT_BOLD,
                  th->text, UI_LEFT, 0, t);
    end = ty + h;
  } else {
    int h = ui_text_height(u, g->w, th->px_body, TEXT_BOLD, t);
    if (draw)
      ui_text_box(u, (SDL_Rect){g->x, *y, g->w, h}, th->px_body, TEXT_BOLD,
                  th->text, UI_LEFT, 0, t);
    *y += h + th->gap / 4;
  }
  session_wipe_bytes(t, sizeof t);
  return end;
}

/* A section's name in the column on the left; returns its height. A name
 * too long for one line breaks after 和 (「看病和 / 上学的花费」) rather than
 * wherever the width runs out. */
static int side_title(ui *u, SDL_Rect box, const char *t, int draw) {
  const theme *th = &u->th;
  int y = box.y + theme_px(th, 8);
  const char *and = strstr(t, "和");
  char part[2][200];
  int n = 1;
  snprintf(part[0], sizeof part[0], "%s", t);
  if (and && and[strlen("和")] && (size_t)(and - t) < sizeof part[0] - 4 &&
      text_width(u->text, th->px_body, TEXT_BOLD, t, strlen(t)) > box.w) {
    size_t k = (size_t)(and - t) + strlen("和");
    snprintf(part[0], sizeof part[0], "%.*s", (int)k, t);
    snprintf(part[1], sizeof part[1], "%s", t + k);
    n = 2;
  }
  for (int i = 0; i < n; i++) {
    int h = ui_text_height(u, box.w, th->px_body, TEXT_BOLD, part[i]);
    if (draw)
      ui_text_box(u, (SDL_Rect){box.x, y, box.w, h}, th->px_body, TEXT_BOLD,
                  th->primary, UI_LEFT, 0, part[i]);
    y += h;
  }
  return y - box.y;
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

/* The page's own words: a referral (帮别人求助) has no signature and is
 * not an application, so its intro and button say so (key ".referral"). */
static const char *page_str(app *a, const char *key) {
  return app_str_variant(a, key,
                         form_host_is_referral(app_form(a)) ? "referral" : NULL);
}

/* Lays out (and draws when draw) the whole page from view.y - offset;
 * returns its height. */
/* The 读出来 button of the section whose rows start at `first`, at (x, y),
 * at most max_w wide; returns its height. Offered only to an applicant who
 * listens (app_listening), so the page stays short for the others. It is
 * not personal itself: the caller has ui_private on for the answers
 * around it. */
static int read_button(app *a, ui *u, int first, int x, int y, int max_w,
                       int draw) {
  const theme *th = &u->th;
  const char *label = app_str(a, "formui.review.read");
  char id[32];
  int bw = button_w(u, label);
  if (bw > max_w)
    bw = max_w;
  if (draw) {
    snprintf(id, sizeof id, "review.read.%d", first);
    ui_private(u, 0);
    ui_button(u, id, (SDL_Rect){x, y, bw, th->target_min}, UI_BTN_SECONDARY,
              label);
    ui_tag(u, REVIEW_READ, first);
    ui_private(u, 1);
  }
  return th->target_min;
}

static int layout(app *a, ui *u, review_state *s, SDL_Rect view, int offset,
                  int draw) {
  const theme *th = &u->th;
  int x = view.x, w = view.w;
  int y = view.y - offset;
  y += para(u, (SDL_Rect){x, y, w, 0}, page_str(a, "formui.review.intro"),
            th->text, draw) + th->gap / 2;
  /* The answers are personal: 听一听 reads the intro and the button only. */
  ui_private(u, 1);
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
  int top = view.y - offset;
  /* Wide screens put each section's name in a column on the left, as a
   * paper form does, instead of a line above it. */
  int gutter = w >= theme_px(th, REVIEW_GUTTER_FROM)
                   ? theme_px(th, th->elder ? 260 : 200)
                   : 0;
  grid g = grid_for(th, x + gutter, w - gutter);
  size_t n_sig = 0;
  for (size_t i = 0; s->built && i < s->rv.n; i++)
    n_sig += is_signature(&s->rv.rows[i]);
  /* Sections, each of blocks: the section's own answers, or one
   * member's under 「第1位家里人：孙桂兰」. Signatures come after. */
  int first = 1;
  for (size_t i = 0; s->built && i < s->rv.n;) {
    const char *title = s->rv.rows[i].section_title;
    size_t end = i;
    int answers = 0;
    while (end < s->rv.n && strcmp(s->rv.rows[end].section_title, title) == 0)
      answers += take_answer(&s->rv.rows[end++]);
    if (!answers) {
      i = end;
      continue;
    }
    if (!first && draw) /* a thin line between sections */
      ui_fill(u, (SDL_Rect){x, y - th->gap / 4 - theme_px(th, 1), w,
                            theme_px(th, 2)},
              th->border);
    int y0 = y, title_h = 0;
    if (gutter) {
      title_h = side_title(u, (SDL_Rect){x, y, gutter - th->gap, 0}, title,
                           draw);
      if (app_listening(a)) {
        title_h += th->gap / 2;
        title_h += read_button(a, u, (int)i, x, y0 + title_h,
                               gutter - th->gap, draw);
      }
    } else {
      y += heading(u, (SDL_Rect){x, y, w, 0}, title, draw);
      if (app_listening(a))
        y += read_button(a, u, (int)i, x, y, w, draw) + th->gap / 2;
    }
    while (i < end) {
      const form_review_row *r = &s->rv.rows[i];
      size_t e = i + 1;
      while (e < end && s->rv.rows[e].member == r->member)
        e++;
      int block_end = INT_MIN; /* the gutter title's bottom, if any */
      if (r->member >= 0) {
        int below = y0 + title_h; /* under the section's name */
        block_end = member_heading(a, u, s, i, &g, x, gutter, below, &y, draw);
      }
      y += cells(a, u, s, &g, i, e, take_answer, y, top, draw);
      if (block_end != INT_MIN && y < block_end + th->gap)
        y = block_end + th->gap;
      i = e;
    }
    if (y < y0 + title_h)
      y = y0 + title_h;
    y += th->gap / 2;
    first = 0;
  }
  /* 带来的材料: with a document camera, the papers brought can be
   * photographed and sealed with the application (screen_materials);
   * pages taken before the camera went away still show (and go). */
  if (!form_host_is_referral(app_form(a)) &&
      (camera_host_usable(app_camera(a)) ||
       camera_host_pages_total(app_camera(a)))) {
    if (!first && draw)
      ui_fill(u, (SDL_Rect){x, y - th->gap / 4 - theme_px(th, 1), w,
                            theme_px(th, 2)},
              th->border);
    int y0 = y, title_h = 0;
    const char *title = app_str(a, "review.materials.title");
    if (gutter)
      title_h = side_title(u, (SDL_Rect){x, y, gutter - th->gap, 0}, title,
                           draw);
    else
      y += heading(u, (SDL_Rect){x, y, w, 0}, title, draw);
    size_t np = camera_host_pages_total(app_camera(a));
    char t[200], num[16];
    snprintf(num, sizeof num, "%zu", np);
    chrome_format(
        t, sizeof t,
        app_str(a, np ? "review.materials.count" : "review.materials.intro"),
        "n", num);
    ui_private(u, 0);
    y += para(u, (SDL_Rect){g.x, y, g.w, 0}, t, th->text, draw);
    const char *open = app_str(a, "review.materials.open");
    int bw = button_w(u, open);
    if (bw > g.w)
      bw = g.w;
    if (draw) {
      ui_button(u, "review.materials", (SDL_Rect){g.x, y, bw, th->button_h},
                UI_BTN_PRIMARY, open);
      ui_tag(u, REVIEW_MATERIALS, 0);
    }
    ui_private(u, 1);
    y += th->button_h + th->gap;
    if (y < y0 + title_h)
      y = y0 + title_h;
    first = 0;
  }
  if (n_sig) {
    if (!first && draw)
      ui_fill(u, (SDL_Rect){x, y - th->gap / 4 - theme_px(th, 1), w,
                            theme_px(th, 2)},
              th->border);
    int y0 = y, title_h = 0;
    const char *title = app_str(a, "formui.review.sign_title");
    if (gutter)
      title_h = side_title(u, (SDL_Rect){x, y, gutter - th->gap, 0}, title,
                           draw);
    else
      y += heading(u, (SDL_Rect){x, y, w, 0}, title, draw);
    y += para(u, (SDL_Rect){g.x, y, g.w, 0},
              app_str(a, "formui.review.sign_intro"), th->text, draw);
    y += cells(a, u, s, &g, 0, s->rv.n, take_signature, y, top, draw);
    if (y < y0 + title_h)
      y = y0 + title_h;
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
  ui_private(u, 0);
  int big = th->button_h * 3 / 2;
  if (draw) {
    ui_button(u, "form.submit", (SDL_Rect){x, y, w, big}, UI_BTN_ACCENT,
              page_str(a, "formui.review.submit"));
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
  SDL_Rect view = {(th->w - w) / 2, area.y + th->gap / 2, w,
                   py - th->gap / 2 - area.y - th->gap / 2};
  int content_h = layout(a, u, s, view, 0, 0);
  pageview_update(&s->page, content_h, view.h, app_now(a));
  if (s->anchor) {
    s->anchor = 0;
    for (size_t i = 0; s->built && s->row_y && i < s->rv.n; i++) {
      const form_review_row *r = &s->rv.rows[i];
      if (r->field && r->member == s->anchor_member &&
          strcmp(r->field->id, s->anchor_field) == 0) {
        pageview_set_offset(&s->page, s->row_y[i] - s->anchor_dy);
        break;
      }
    }
  }
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
    .unsaved = form_flow_unsaved,
    .discard = form_flow_discard,
};
