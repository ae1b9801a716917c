/* receipt: what the applicant sees after confirming an application.
 *
 * The reference number, large and split into its groups for reading aloud,
 * with its QR code; that the application has reached the 民政所 once the
 * delivery worker says so, and until then that it is saved on this kiosk
 * and will be sent when the network is back; then, in a scrolling document, the
 * items applied for, the materials to bring for those items (each kind of
 * paper once however many items ask for it), where to apply (the region's),
 * what happens next and when — each item's own steps and time limits from
 * the catalogue, with the region's payment day (core/receipt_facts.h) —
 * how to query progress and the region's hotline. Apart from that one
 * sentence the screen is the same whether or not the backend is reachable:
 * the application is committed to the outbox before the screen is shown,
 * and delivery is the worker's business.
 *
 * The receipt is printed once, right after the first frame is on screen (so
 * printing never delays the receipt), and again on 再打印一张: the screen
 * composes the paper (app/receipt_paper.h) and queues it with the print
 * host, whose thread lays it out, renders it and sends it to the printer
 * chosen by printer.uri. Until the host answers the screen says
 * 「正在打印回执……」; it says the receipt is printed only when the printer
 * took it, and otherwise that the printer has a problem, to ask staff, and
 * to write the reference number down (shown large above it).
 *
 * The arg is a submit_receipt (app/submit.h). When its result is not
 * KERR_OK the screen says plainly that the application was not taken.
 * Nothing here is personal: reference, items, time. The QR code holds the
 * county's progress-page address for this application (receipt.status_url,
 * with a token derived from the uuid; see devices/printer_qr.h) or, without
 * one, the reference. 办完了 ends the session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/services.h"
#include "core/log.h"
#include "core/receipt_facts.h"
#include "screens/screens.h"
#include "widgets/doc.h"
#include "widgets/pageview.h"

/* What a tap on the receipt screen means (ui_tag). */
enum receipt_action { RECEIPT_PRINT = 1, RECEIPT_DONE };

typedef enum print_state {
  PRINT_WAIT_FRAME = 0, /* print once the first frame is on screen */
  PRINT_NOW,
  PRINT_QUEUED,         /* with the print host, ticket in print_ticket */
  PRINT_DONE,
  PRINT_FAILED
} print_state;

typedef struct receipt_state {
  kerr result;
  char reference[REFNO_BUF];
  char uuid[SEAL_UUID_BUF];
  char spoken[48];   /* "JC - 7K4M - X" */
  char when[64];     /* "2026年11月22日 09:30" */
  char items[SEAL_ITEMS_MAX][SEAL_FIELD_MAX];
  size_t n_items;
  printer_qr qr;
  int has_qr;
  char qr_text[PRINTER_QR_TEXT_MAX + 1]; /* the QR code's text */
  int referral;       /* 帮别人求助: words of its own, no items */
  submit_check check; /* what a progress query will ask for */
  doc *d;
  pageview page;
  print_state print;
  uint32_t print_ticket;
  int drawn;
} receipt_state;

/* The words for key; a referral has its own where the bundle gives one
 * (key ".referral"). */
static const char *rstr(app *a, const receipt_state *s, const char *key) {
  return app_str_variant(a, key, s->referral ? "referral" : NULL);
}

/* How to ask for progress: with the ID number's ending, the phone's, or
 * (with neither) at the office. */
static const char *query_line(app *a, const receipt_state *s) {
  switch (s->check) {
  case SUBMIT_CHECK_PHONE:
    return app_str(a, "receipt.query.phone");
  case SUBMIT_CHECK_NONE:
    return app_str(a, "receipt.query.none");
  case SUBMIT_CHECK_ID:
    break;
  }
  return app_str(a, "receipt.query");
}

/* "2026-11-22T09:30:00+08:00" -> "2026年11月22日 09:30". */
static void format_when(const char *iso, char *out, size_t size) {
  int y, mo, d, h, mi;
  if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) == 5)
    snprintf(out, size, "%d年%d月%d日 %02d:%02d", y, mo, d, h, mi);
  else
    snprintf(out, size, "%s", iso);
}

/* The facts of the chosen items, from the catalogue (core/receipt_facts.h). */
static void facts(app *a, const receipt_state *s, receipt_facts *f) {
  const char *ids[SEAL_ITEMS_MAX];
  for (size_t i = 0; i < s->n_items; i++)
    ids[i] = s->items[i];
  receipt_facts_build(app_content(a), ids, s->n_items, f);
}

/* The heading over an item's steps: plain 接下来会怎样 for one item. */
static void next_heading(app *a, const receipt_facts *f, size_t i, char *buf,
                         size_t size) {
  if (f->n_items == 1)
    snprintf(buf, size, "%s", app_str(a, "receipt.next"));
  else
    chrome_format(buf, size, app_str(a, "receipt.next.item"), "item",
                  f->items[i]->name);
}

/* 有问题可以打12349（社会救助服务热线）… from the region. */
static void hotline_line(app *a, char *buf, size_t size) {
  const content_region *r = app_region(a);
  char tmp[400];
  if (!r) {
    snprintf(buf, size, "%s", app_str(a, "hotline.text"));
    return;
  }
  chrome_format(tmp, sizeof tmp, app_str(a, "receipt.hotline"), "hotline",
                r->hotline);
  chrome_format(buf, size, tmp, "name", r->hotline_name);
}

static void build(app *a, receipt_state *s) {
  doc *d = s->d;
  const content_region *r = app_region(a);
  receipt_facts *f = malloc(sizeof *f);
  char buf[400];
  doc_clear(d);
  if (!f)
    return;
  facts(a, s, f);
  if (s->referral) {
    /* 帮别人求助: what happens next, and what to do in danger. */
    doc_heading(d, app_str(a, "receipt.next"));
    doc_para(d, app_str(a, "receipt.referral.next"));
    doc_para(d, app_str(a, "receipt.referral.danger"));
    doc_para(d, query_line(a, s));
    hotline_line(a, buf, sizeof buf);
    doc_para(d, buf);
    chrome_format(buf, sizeof buf, app_str(a, "receipt.time"), "time",
                  s->when);
    doc_note(d, buf);
    free(f);
    return;
  }
  doc_heading(d, app_str(a, "receipt.items"));
  for (size_t i = 0; i < f->n_items; i++)
    doc_bullet(d, f->items[i]->name);
  /* Pages photographed at the kiosk went with the application: those
   * materials are listed as handed in, the others as still to bring. */
  camera_host *cam = app_camera(a);
  size_t shot = 0;
  for (size_t i = 0; i < f->n_materials; i++)
    shot += camera_host_sealed_pages(cam, f->materials[i]) > 0;
  if (shot) {
    doc_heading(d, app_str(a, "receipt.photographed"));
    for (size_t i = 0; i < f->n_materials; i++) {
      int np = camera_host_sealed_pages(cam, f->materials[i]);
      char t1[600], num[16];
      if (!np)
        continue;
      snprintf(num, sizeof num, "%d", np);
      chrome_format(t1, sizeof t1, app_str(a, "receipt.photo_line"), "material",
                    f->materials[i]);
      chrome_format(buf, sizeof buf, t1, "n", num);
      doc_bullet(d, buf);
    }
    if (shot < f->n_materials) {
      doc_heading(d, app_str(a, "receipt.still_bring"));
      for (size_t i = 0; i < f->n_materials; i++)
        if (!camera_host_sealed_pages(cam, f->materials[i]))
          doc_check(d, f->materials[i]);
    } else {
      doc_para(d, app_str(a, "receipt.all_photographed"));
    }
  } else {
    doc_heading(d, app_str(a, "receipt.materials"));
    for (size_t i = 0; i < f->n_materials; i++)
      doc_check(d, f->materials[i]);
    if (!f->n_materials)
      doc_para(d, app_str(a, "receipt.materials_none"));
  }
  if (r) {
    doc_heading(d, app_str(a, "receipt.where"));
    doc_para(d, r->where_to_apply);
  }
  for (size_t i = 0; i < f->n_items; i++) {
    const content_item *it = f->items[i];
    next_heading(a, f, i, buf, sizeof buf);
    doc_heading(d, buf);
    for (size_t j = 0; j < it->n_steps; j++)
      doc_step(d, (int)j + 1, it->steps[j].name,
               receipt_facts_time_limit(r, &it->steps[j]),
               it->steps[j].detail);
  }
  doc_para(d, app_str(a, "receipt.decision"));
  doc_para(d, query_line(a, s));
  hotline_line(a, buf, sizeof buf);
  doc_para(d, buf);
  chrome_format(buf, sizeof buf, app_str(a, "receipt.time"), "time", s->when);
  doc_note(d, buf);
  free(f);
}

static void receipt_enter(app *a, void *state, const void *arg) {
  receipt_state *s = state;
  const submit_receipt *r = arg;
  s->result = r ? r->result : KERR_INVALID;
  s->print = PRINT_DONE;
  if (s->result)
    return;
  snprintf(s->reference, sizeof s->reference, "%s", r->ticket.reference);
  snprintf(s->uuid, sizeof s->uuid, "%s", r->ticket.uuid);
  /* Groups apart, for reading aloud: "JC - 7K4M - X". */
  snprintf(s->spoken, sizeof s->spoken, "%.2s - %.4s - %.1s", s->reference,
           s->reference + 3, s->reference + 8);
  format_when(r->ticket.created_at, s->when, sizeof s->when);
  s->referral = r->referral;
  s->check = r->check;
  for (size_t i = 0; i < r->n_items && i < SEAL_ITEMS_MAX; i++)
    snprintf(s->items[s->n_items++], SEAL_FIELD_MAX, "%s", r->items[i]);
  /* The county's progress page for this application, or the reference
   * alone when none is configured (or it does not fit). */
  if (printer_qr_receipt_text(app_receipt_status_url(a), s->reference,
                              s->uuid, s->qr_text, sizeof s->qr_text)) {
    LOG_W("receipt", "%s: receipt.status_url unusable; the QR code holds "
          "the reference only", s->reference);
    snprintf(s->qr_text, sizeof s->qr_text, "%s", s->reference);
  }
  s->has_qr = printer_qr_encode(s->qr_text, &s->qr) == KERR_OK;
  s->d = doc_create();
  if (s->d)
    build(a, s);
  s->print = PRINT_WAIT_FRAME;
  LOG_I("receipt", "receipt %s", s->reference);
}

static void receipt_leave(app *a, void *state) {
  (void)a;
  receipt_state *s = state;
  doc_destroy(s->d);
  s->d = NULL;
  /* The token opens the public progress page: not left behind. */
  session_wipe_bytes(s->qr_text, sizeof s->qr_text);
}

/* ------------------------------------------------------------------ */
/* the printed receipt */

/* Composes the paper and queues it with the print host. The paper is
 * composed now, before delivery is known: it says the kiosk has it and
 * will send it, which is true either way. */
static void print_receipt(app *a, receipt_state *s) {
  enum { LINE = 700 };
  char subtitle[300], when[300], hot[400];
  const content_region *region = app_region(a);
  receipt_paper *paper = malloc(sizeof *paper);
  receipt_paper_input *in = calloc(1, sizeof *in);
  receipt_facts *f = malloc(sizeof *f);
  char(*lines)[LINE] = calloc(RECEIPT_PAPER_LIST_MAX, LINE);
  kerr e = KERR_NOMEM;
  if (!paper || !in || !f || !lines)
    goto out;
  facts(a, s, f);
  snprintf(subtitle, sizeof subtitle, "%s%s%s", region ? region->name : "",
           region ? " · " : "", app_str(a, "app.title"));
  chrome_format(when, sizeof when, app_str(a, "receipt.time"), "time",
                s->when);
  in->title = rstr(a, s, "receipt.print.title");
  in->subtitle = subtitle;
  in->reference_label = app_str(a, "receipt.reference_label");
  in->reference = s->reference;
  in->qr_text = s->qr_text;
  in->spoken = s->spoken;
  in->time_line = when;
  if (!s->referral) { /* a referral has no items and no materials */
    in->items_heading = app_str(a, "receipt.items");
    for (size_t i = 0; i < f->n_items && i < RECEIPT_PAPER_LIST_MAX; i++)
      in->items[in->n_items++] = f->items[i]->name;
    /* The paper lists what is still to bring; what was photographed went
     * with the application. */
    camera_host *cam = app_camera(a);
    size_t shot = 0;
    for (size_t i = 0; i < f->n_materials; i++)
      shot += camera_host_sealed_pages(cam, f->materials[i]) > 0;
    in->materials_heading = shot ? app_str(a, "receipt.still_bring")
                                 : app_str(a, "receipt.materials");
    for (size_t i = 0; i < f->n_materials && i < RECEIPT_PAPER_LIST_MAX; i++)
      if (!camera_host_sealed_pages(cam, f->materials[i]))
        in->materials[in->n_materials++] = f->materials[i];
    in->materials_none = shot ? app_str(a, "receipt.all_photographed")
                              : app_str(a, "receipt.materials_none");
  } else {
    in->next_heading = app_str(a, "receipt.next");
    in->next[in->n_next++] = app_str(a, "receipt.referral.next");
    in->next[in->n_next++] = app_str(a, "receipt.referral.danger");
  }
  /* Per item: its heading (bold), then "1. 提出申请（要多久）：detail". */
  for (size_t i = 0; i < f->n_items; i++) {
    const content_item *it = f->items[i];
    if (in->n_next == RECEIPT_PAPER_LIST_MAX)
      break;
    next_heading(a, f, i, lines[in->n_next], LINE);
    in->next_bold[in->n_next] = 1;
    in->next[in->n_next] = lines[in->n_next];
    in->n_next++;
    for (size_t j = 0; j < it->n_steps && in->n_next < RECEIPT_PAPER_LIST_MAX;
         j++) {
      const content_step *st = &it->steps[j];
      snprintf(lines[in->n_next], LINE, "%zu. %s（%s）%s%s", j + 1, st->name,
               receipt_facts_time_limit(region, st),
               st->detail[0] ? "：" : "", st->detail);
      in->next[in->n_next] = lines[in->n_next];
      in->n_next++;
    }
  }
  if (region && !s->referral) {
    in->where_heading = app_str(a, "receipt.where");
    in->where = region->where_to_apply;
  }
  hotline_line(a, hot, sizeof hot);
  in->saved = rstr(a, s, "receipt.print.saved");
  in->decision = s->referral ? NULL : app_str(a, "receipt.decision");
  in->query = query_line(a, s);
  in->hotline = hot;
  in->keep = app_str(a, "receipt.print.keep");
  e = receipt_paper_compose(in, paper);
  if (!e)
    e = print_host_submit(app_print(a), paper, s->reference,
                          &s->print_ticket);
out:
  if (e)
    LOG_W("receipt", "%s: not queued for printing: %s", s->reference,
          kerr_str(e));
  s->print = e ? PRINT_FAILED : PRINT_QUEUED;
  free(paper);
  free(in);
  free(f);
  free(lines);
}

/* Takes the print host's answer, if there is one yet. */
static void poll_print(app *a, receipt_state *s) {
  if (s->print != PRINT_QUEUED)
    return;
  kerr e = print_host_result(app_print(a), s->print_ticket, NULL);
  if (e == KERR_BUSY)
    return;
  s->print = e == KERR_OK ? PRINT_DONE : PRINT_FAILED;
  app_dirty(a);
}

/* ------------------------------------------------------------------ */
/* on screen */

/* Draws the QR code (with its quiet zone) into a square of side px. */
static void draw_qr(ui *u, const printer_qr *q, int x, int y, int side) {
  int mod = side / (q->size + 8);
  if (mod < 2)
    return;
  int full = mod * (q->size + 8);
  ui_fill(u, (SDL_Rect){x, y, full, full}, (SDL_Color){255, 255, 255, 255});
  SDL_SetRenderDrawColor(u->ren, 0, 0, 0, 255);
  SDL_Rect rects[64];
  int n = 0;
  for (int j = 0; j < q->size; j++)
    for (int i = 0; i < q->size; i++) {
      if (!printer_qr_dark(q, i, j))
        continue;
      rects[n++] = (SDL_Rect){x + (i + 4) * mod, y + (j + 4) * mod, mod, mod};
      if (n == 64) {
        SDL_RenderFillRects(u->ren, rects, n);
        n = 0;
      }
    }
  if (n)
    SDL_RenderFillRects(u->ren, rects, n);
}

static const char *print_status(app *a, receipt_state *s, char *buf,
                                size_t size) {
  switch (s->print) {
  case PRINT_WAIT_FRAME:
  case PRINT_NOW:
  case PRINT_QUEUED:
    return app_str(a, "receipt.printing");
  case PRINT_DONE:
    return app_str(a, "receipt.printed");
  case PRINT_FAILED:
    chrome_format(buf, size, app_str(a, "receipt.print_failed"), "reference",
                  s->reference);
    return buf;
  }
  return "";
}

static void draw_refused(app *a, receipt_state *s, ui *u) {
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "receipt.refused.title"), 0);
  int footer = screen_footer(a, u);
  int w = th->w - 2 * th->margin;
  if (!th->portrait && w > theme_px(th, 1400))
    w = theme_px(th, 1400);
  int x = (th->w - w) / 2, y = area.y + th->margin;
  const char *body = app_str(a, s->result == KERR_FULL
                                    ? "receipt.refused.full"
                                    : "receipt.refused.body");
  int bh = ui_text_height(u, w - 4 * th->pad, th->px_large, TEXT_BOLD, body);
  ui_card(u, (SDL_Rect){x, y, w, bh + 4 * th->pad}, th->warn_bg, th->border);
  ui_text_box(u, (SDL_Rect){x + 2 * th->pad, y + 2 * th->pad, w - 4 * th->pad,
                            bh},
              th->px_large, TEXT_BOLD, th->text, UI_LEFT, 0, body);
  int bw = w / 2;
  ui_button(u, "receipt.done",
            (SDL_Rect){(th->w - bw) / 2, footer - th->margin - th->button_h,
                       bw, th->button_h},
            UI_BTN_PRIMARY, app_str(a, "receipt.done"));
  ui_tag(u, RECEIPT_DONE, 0);
}

/* 已经送到民政所 once the backend has it, else 已经保存在本机…: asked at
 * every draw, and the shell redraws the receipt on each delivery event. */
static const char *saved_text(app *a, const receipt_state *s) {
  return rstr(a, s, net_host_delivered(app_net(a), s->uuid)
                       ? "receipt.delivered"
                       : "receipt.saved");
}

/* The reference block: label, the number, the QR code, the sentence that
 * the application is saved, the printer's state. Returns its height. */
static int draw_reference(app *a, receipt_state *s, ui *u, SDL_Rect r,
                          int qr_beside) {
  const theme *th = &u->th;
  char pbuf[200];
  int pad = th->pad, x = r.x + pad, y = r.y + pad, w = r.w - 2 * pad;
  ui_card(u, r, th->surface, th->border);
  int qr_side = 0;
  int huge = th->px_huge;
  const char *label = app_str(a, "receipt.reference_label");
  const char *saved = saved_text(a, s);
  const char *status = print_status(a, s, pbuf, sizeof pbuf);
  int tw = w;
  if (qr_beside && s->has_qr) {
    qr_side = r.h - 2 * pad;
    if (qr_side > w / 3)
      qr_side = w / 3;
    tw = w - qr_side - th->gap;
    draw_qr(u, &s->qr, r.x + r.w - pad - qr_side, y, qr_side);
  }
  int lh = ui_text_height(u, tw, th->px_body, TEXT_REGULAR, label);
  ui_text_box(u, (SDL_Rect){x, y, tw, lh}, th->px_body, TEXT_REGULAR,
              th->text_muted, UI_LEFT, 0, label);
  y += lh;
  /* The number as large as its box allows. */
  while (huge > th->px_large &&
         text_width(u->text, huge, TEXT_BOLD, s->spoken, strlen(s->spoken)) >
             tw)
    huge -= 2;
  int rh = ui_text_height(u, tw, huge, TEXT_BOLD, s->spoken);
  ui_text_box(u, (SDL_Rect){x, y, tw, rh}, huge, TEXT_BOLD, th->primary,
              UI_LEFT, 0, s->spoken);
  y += rh + th->gap / 2;
  int failed = s->print == PRINT_FAILED;
  /* A failure is said as large as a heading: the applicant must not
   * leave believing a receipt came out. */
  int ppx = failed ? th->px_large : th->px_body;
  text_weight pw = failed ? TEXT_BOLD : TEXT_REGULAR;
  int sh = ui_text_height(u, tw, th->px_body, TEXT_BOLD, saved);
  int ph = ui_text_height(u, tw, ppx, pw, status);
  if (!qr_beside && s->has_qr) {
    /* The QR code takes what the texts leave, within reason. */
    int room = r.y + r.h - pad - y - sh - ph - th->gap;
    qr_side = room < w ? room : w;
    if (qr_side > theme_px(th, 300))
      qr_side = theme_px(th, 300);
    if (qr_side >= (s->qr.size + 8) * 2) {
      draw_qr(u, &s->qr, x, y, qr_side);
      y += qr_side + th->gap / 2;
    }
  }
  ui_text_box(u, (SDL_Rect){x, y, tw, sh}, th->px_body, TEXT_BOLD,
              th->success, UI_LEFT, 0, saved);
  y += sh + th->gap / 2;
  ui_text_box(u, (SDL_Rect){x, y, tw, ph}, ppx, pw,
              failed ? th->accent : th->text, UI_LEFT, 0, status);
  y += ph;
  return y + pad - r.y;
}

/* Height of the reference block with the QR code beside the texts. */
static int reference_height(app *a, receipt_state *s, ui *u, int w) {
  const theme *th = &u->th;
  char pbuf[200];
  int inner = w - 2 * th->pad;
  int qr = s->has_qr ? inner / 3 : 0;
  int tw = s->has_qr ? inner - qr - th->gap : inner;
  int huge = th->px_huge;
  while (huge > th->px_large &&
         text_width(u->text, huge, TEXT_BOLD, s->spoken, strlen(s->spoken)) >
             tw)
    huge -= 2;
  int h = ui_text_height(u, tw, th->px_body, TEXT_REGULAR,
                         app_str(a, "receipt.reference_label")) +
          ui_text_height(u, tw, huge, TEXT_BOLD, s->spoken) + th->gap +
          ui_text_height(u, tw, th->px_body, TEXT_BOLD,
                         saved_text(a, s)) +
          ui_text_height(u, tw,
                         s->print == PRINT_FAILED ? th->px_large
                                                  : th->px_body,
                         s->print == PRINT_FAILED ? TEXT_BOLD : TEXT_REGULAR,
                         print_status(a, s, pbuf, sizeof pbuf));
  return (h > qr ? h : qr) + 2 * th->pad;
}

static void receipt_draw(app *a, void *state, ui *u) {
  receipt_state *s = state;
  const theme *th = &u->th;
  s->drawn = 1;
  if (s->result || !s->d) {
    draw_refused(a, s, u);
    return;
  }
  SDL_Rect area = screen_top_bar(a, u, rstr(a, s, "receipt.title"), 0);
  int footer = screen_footer(a, u);
  int m = th->margin;
  /* Portrait screens are narrow: the four buttons go in two rows. */
  int rows = th->portrait ? 2 : 1;
  int bar_top = footer - rows * (th->button_h + th->gap);
  int top = area.y + th->gap / 2;
  SDL_Rect view;
  if (th->portrait) {
    /* The reference block across the top, QR code beside the number. */
    SDL_Rect card = {m, top, th->w - 2 * m, 0};
    card.h = reference_height(a, s, u, card.w);
    if (card.h > (bar_top - top) / 2)
      card.h = (bar_top - top) / 2;
    draw_reference(a, s, u, card, 1);
    view = (SDL_Rect){m, card.y + card.h + th->gap, th->w - 2 * m,
                      bar_top - card.y - card.h - th->gap * 2};
  } else {
    int lw = (th->w - 2 * m - th->gap) * 9 / 20;
    SDL_Rect card = {m, top, lw, bar_top - th->gap / 2 - top};
    draw_reference(a, s, u, card, 0);
    view = (SDL_Rect){m + lw + th->gap, top, th->w - 2 * m - lw - th->gap,
                      bar_top - th->gap / 2 - top};
  }
  int h = doc_layout(s->d, u, view.w);
  pageview_update(&s->page, h, view.h, app_now(a));
  doc_draw(s->d, u, view, pageview_offset(&s->page));

  /* Bottom bar: page buttons for the document, 再打印一张, 办完了. */
  ui_fill(u, (SDL_Rect){0, bar_top, th->w, theme_px(th, 2)}, th->border);
  int y = bar_top + th->gap / 2;
  int cols = 4 / rows;
  int bw = (th->w - 2 * m - (cols - 1) * th->gap) / cols;
  SDL_Rect slot[4];
  for (int i = 0; i < 4; i++)
    slot[i] = (SDL_Rect){m + (i % cols) * (bw + th->gap),
                         y + (i / cols) * (th->button_h + th->gap), bw,
                         th->button_h};
  pageview_draw_bar(&s->page, u, slot[0], slot[1]);
  if (s->print == PRINT_DONE || s->print == PRINT_FAILED) {
    ui_button(u, "receipt.print", slot[2], UI_BTN_SECONDARY,
              app_str(a, "receipt.print_again"));
    ui_tag(u, RECEIPT_PRINT, 0);
  }
  ui_button(u, "receipt.done", slot[3], UI_BTN_PRIMARY,
            app_str(a, "receipt.done"));
  ui_tag(u, RECEIPT_DONE, 0);
}

static void receipt_event(app *a, void *state, const ui_event *ev) {
  receipt_state *s = state;
  if (!pageview_event(&s->page, ev, app_now(a)) && ev->type == UI_EV_TAP) {
    if (ev->action == RECEIPT_PRINT && !s->result &&
        (s->print == PRINT_DONE || s->print == PRINT_FAILED))
      s->print = PRINT_NOW;
    else if (ev->action == RECEIPT_DONE)
      app_end_session(a);
  }
  app_dirty(a);
}

static uint64_t receipt_tick(app *a, void *state, uint64_t now) {
  (void)now;
  receipt_state *s = state;
  if (s->print == PRINT_WAIT_FRAME) {
    if (!s->drawn)
      return 0; /* come back once the receipt is on screen */
    s->print = PRINT_NOW;
  }
  if (s->print == PRINT_NOW) {
    print_receipt(a, s);
    app_dirty(a);
  }
  /* The host's event wakes the loop when the job is done. */
  poll_print(a, s);
  return pageview_deadline(&s->page);
}

const screen_class screen_receipt = {
    .name = "receipt",
    .state_size = sizeof(receipt_state),
    .enter = receipt_enter,
    .leave = receipt_leave,
    .event = receipt_event,
    .draw = receipt_draw,
    .tick = receipt_tick,
};
