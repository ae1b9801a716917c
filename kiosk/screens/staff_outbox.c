/* staff_outbox: the outbox as staff see it — how many applications wait,
 * how full the outbox is (a warning near capacity, an alarm when full), the
 * last delivery problem, and the quarantined applications with reference,
 * reason and times, each with 重新发送 (re-queue after the cause is fixed).
 * No personal data: the outbox holds only sealed envelopes the kiosk cannot
 * open. Reached from the staff menu (after sign-in). Counts are re-read
 * when the screen is drawn after a delivery event (net_host marks it dirty).
 *
 * Test hooks, offered only in headless scripted runs: invisible targets
 * test.receipt and test.receipt.refused push the receipt with a canned
 * submission, so the receipt can be checked at every size without a form. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "services/services.h"
#include "screens/screens.h"
#include "widgets/pageview.h"

#define SO_QUARANTINE_MAX 20

/* What a tap on the outbox screen means (ui_tag). */
enum so_action {
  SO_REFRESH = 1,
  SO_REQUEUE, /* arg: index in q[] as last drawn */
  SO_TEST_RECEIPT,
  SO_TEST_REFUSED
};

typedef struct so_state {
  outbox_stats st;
  kerr st_err;
  kerr ready;
  char last_error[API_DETAIL_MAX];
  outbox_quarantine q[SO_QUARANTINE_MAX];
  size_t n_q;
  char message[160];
  pageview page;
  submit_receipt canned; /* the test hooks' arg (kept while pushed) */
} so_state;

static const char *canned_items[] = {"dibao", "medical", "temporary"};

static void refresh(app *a, so_state *s) {
  net_host *h = app_net(a);
  s->ready = net_host_submit_ready(h);
  s->st_err = net_host_stats(h, &s->st);
  if (net_host_quarantined(h, s->q, SO_QUARANTINE_MAX, &s->n_q))
    s->n_q = 0;
  net_host_last_error(h, s->last_error, sizeof s->last_error);
}

static void so_enter(app *a, void *state, const void *arg) {
  (void)arg;
  refresh(a, state);
}

static void fmt_ms(int64_t ms, char *out, size_t size) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  if (ms <= 0 || !localtime_r(&t, &tm)) {
    snprintf(out, size, "-");
    return;
  }
  strftime(out, size, "%m-%d %H:%M", &tm);
}

static void canned(so_state *s, kerr result) {
  memset(&s->canned, 0, sizeof s->canned);
  s->canned.result = result;
  refno_format("JC", 4242, s->canned.ticket.reference);
  snprintf(s->canned.ticket.uuid, sizeof s->canned.ticket.uuid,
           "6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c3");
  snprintf(s->canned.ticket.created_at, sizeof s->canned.ticket.created_at,
           "2026-11-22T09:30:00+08:00");
  s->canned.items = canned_items;
  s->canned.n_items = sizeof canned_items / sizeof canned_items[0];
}

static void so_event(app *a, void *state, const ui_event *ev) {
  so_state *s = state;
  if (!pageview_event(&s->page, ev, app_now(a)) && ev->type == UI_EV_TAP) {
    if (ev->action == SO_REFRESH) {
      s->message[0] = '\0';
    } else if (ev->action == SO_REQUEUE && ev->arg >= 0 &&
               (size_t)ev->arg < s->n_q) {
      const char *ref = s->q[ev->arg].reference;
      if (net_host_requeue(app_net(a), ref) == KERR_OK)
        chrome_format(s->message, sizeof s->message,
                      app_str(a, "outbox.requeued"), "reference", ref);
      else
        snprintf(s->message, sizeof s->message, "%s",
                 app_str(a, "outbox.requeue_failed"));
    } else if (app_test_hooks(a) && ev->action == SO_TEST_RECEIPT) {
      canned(s, KERR_OK);
      app_push(a, &screen_receipt, &s->canned);
    } else if (app_test_hooks(a) && ev->action == SO_TEST_REFUSED) {
      canned(s, KERR_CRYPTO);
      app_push(a, &screen_receipt, &s->canned);
    }
  }
  app_dirty(a);
}

/* One line of text at y inside width w; returns the height used. */
static int line(ui *u, int x, int y, int w, int px, text_weight wt,
                SDL_Color c, const char *t) {
  int h = ui_text_height(u, w, px, wt, t);
  ui_text_box(u, (SDL_Rect){x, y, w, h}, px, wt, c, UI_LEFT, 0, t);
  return h;
}

static void so_draw(app *a, void *state, ui *u) {
  so_state *s = state;
  const theme *th = &u->th;
  char buf[400], n1[16], n2[16];
  refresh(a, s);
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "outbox.title"), 1);
  int footer = screen_footer(a, u);
  int m = th->margin, pad = th->pad;
  int w = th->w - 2 * m;
  if (!th->portrait && w > theme_px(th, 1500))
    w = theme_px(th, 1500);
  int x = (th->w - w) / 2;
  int bar_top = footer - th->button_h - th->gap;
  SDL_Rect view = {x, area.y + th->gap / 2, w,
                   bar_top - area.y - th->gap};
  /* Everything scrolls: counts, state, then the quarantined list. The
   * content height is known after one pass; draw at the scroll offset. */
  ui_clip_begin(u, view);
  int y0 = view.y - pageview_offset(&s->page);
  int y = y0;
  int cw = w - 2 * pad;
  /* State of the outbox. */
  const char *state_key = "outbox.ok";
  SDL_Color state_bg = th->surface;
  if (s->ready == KERR_CRYPTO)
    state_key = "outbox.no_key";
  else if (s->ready || s->st_err)
    state_key = "outbox.unavailable";
  else if (s->st.full)
    state_key = "outbox.full";
  else if (s->st.warn)
    state_key = "outbox.warn";
  if (strcmp(state_key, "outbox.ok") != 0)
    state_bg = th->warn_bg;
  const char *stext = app_str(a, state_key);
  int sh = ui_text_height(u, cw, th->px_large, TEXT_BOLD, stext);
  ui_card(u, (SDL_Rect){x, y, w, sh + 2 * pad}, state_bg, th->border);
  line(u, x + pad, y + pad, cw, th->px_large, TEXT_BOLD,
       strcmp(state_key, "outbox.ok") ? th->accent : th->success, stext);
  y += sh + 2 * pad + th->gap;
  /* Counts. */
  snprintf(n1, sizeof n1, "%u", s->st.depth);
  chrome_format(buf, sizeof buf, app_str(a, "outbox.waiting"), "n", n1);
  y += line(u, x, y, w, th->px_large, TEXT_BOLD, th->text, buf);
  snprintf(n1, sizeof n1, "%u", s->st.quarantined);
  chrome_format(buf, sizeof buf, app_str(a, "outbox.quarantined"), "n", n1);
  y += line(u, x, y, w, th->px_body, TEXT_REGULAR, th->text, buf);
  snprintf(n1, sizeof n1, "%u", s->st.delivered);
  chrome_format(buf, sizeof buf, app_str(a, "outbox.delivered"), "n", n1);
  y += line(u, x, y, w, th->px_body, TEXT_REGULAR, th->text, buf);
  {
    char tmp[200];
    snprintf(n1, sizeof n1, "%u",
             s->st.queued + s->st.sending + s->st.quarantined);
    snprintf(n2, sizeof n2, "%u", s->st.capacity);
    chrome_format(tmp, sizeof tmp, app_str(a, "outbox.capacity"), "used", n1);
    chrome_format(buf, sizeof buf, tmp, "capacity", n2);
    y += line(u, x, y, w, th->px_body, TEXT_REGULAR, th->text, buf);
  }
  if (s->last_error[0]) {
    chrome_format(buf, sizeof buf, app_str(a, "outbox.last_error"), "error",
                  s->last_error);
    y += line(u, x, y, w, th->px_small, TEXT_REGULAR, th->text_muted, buf);
  }
  y += line(u, x, y, w, th->px_small, TEXT_REGULAR, th->text_muted,
            app_str(a, "outbox.privacy"));
  if (s->message[0])
    y += line(u, x, y, w, th->px_body, TEXT_BOLD, th->primary, s->message);
  y += th->gap;
  /* Quarantined applications. */
  y += line(u, x, y, w, th->px_large, TEXT_BOLD, th->text,
            app_str(a, "outbox.q_title")) + th->gap / 2;
  if (!s->n_q)
    y += line(u, x, y, w, th->px_body, TEXT_REGULAR, th->text_muted,
              app_str(a, "outbox.q_none"));
  for (size_t i = 0; i < s->n_q; i++) {
    const outbox_quarantine *q = &s->q[i];
    char reason[OUTBOX_REASON_MAX + 40], times[200], c1[32], c2[32], n3[16];
    int bw = th->portrait ? w - 2 * pad : w / 4;
    int tw = th->portrait ? cw : cw - bw - th->gap;
    if (q->http_status)
      snprintf(reason, sizeof reason, "%s (HTTP %d)", q->reason,
               q->http_status);
    else
      snprintf(reason, sizeof reason, "%s", q->reason);
    chrome_format(buf, sizeof buf, app_str(a, "outbox.q_reason"), "reason",
                  reason);
    fmt_ms(q->created_ms, c1, sizeof c1);
    fmt_ms(q->quarantined_ms, c2, sizeof c2);
    snprintf(n3, sizeof n3, "%u", q->attempts);
    {
      char t1[200], t2[200];
      chrome_format(t1, sizeof t1, app_str(a, "outbox.q_times"), "created",
                    c1);
      chrome_format(t2, sizeof t2, t1, "quarantined", c2);
      chrome_format(times, sizeof times, t2, "attempts", n3);
    }
    int h1 = ui_text_height(u, tw, th->px_large, TEXT_BOLD, q->reference);
    int h2 = ui_text_height(u, tw, th->px_body, TEXT_REGULAR, buf);
    int h3 = ui_text_height(u, tw, th->px_small, TEXT_REGULAR, times);
    int ch = 2 * pad + h1 + h2 + h3;
    if (th->portrait)
      ch += th->gap / 2 + th->button_h;
    else if (ch < th->button_h + 2 * pad)
      ch = th->button_h + 2 * pad;
    ui_card(u, (SDL_Rect){x, y, w, ch}, th->surface, th->border);
    int ty = y + pad;
    ty += line(u, x + pad, ty, tw, th->px_large, TEXT_BOLD, th->text,
               q->reference);
    ty += line(u, x + pad, ty, tw, th->px_body, TEXT_REGULAR, th->text, buf);
    ty += line(u, x + pad, ty, tw, th->px_small, TEXT_REGULAR,
               th->text_muted, times);
    char id[UI_ID_MAX];
    snprintf(id, sizeof id, "outbox.requeue.%s", q->reference);
    SDL_Rect br = th->portrait
                      ? (SDL_Rect){x + pad, ty + th->gap / 2, bw, th->button_h}
                      : (SDL_Rect){x + w - pad - bw, y + (ch - th->button_h) / 2,
                                   bw, th->button_h};
    ui_button(u, id, br, UI_BTN_SECONDARY, app_str(a, "outbox.requeue"));
    ui_tag(u, SO_REQUEUE, (int)i);
    y += ch + th->gap / 2;
  }
  ui_clip_end(u);
  pageview_update(&s->page, y - y0, view.h, app_now(a));

  /* Bottom bar. */
  ui_fill(u, (SDL_Rect){0, bar_top, th->w, theme_px(th, 2)}, th->border);
  int by = bar_top + th->gap / 2;
  int bw = (th->w - 2 * m - 2 * th->gap) / 3;
  pageview_draw_bar(&s->page, u, (SDL_Rect){m, by, bw, th->button_h},
                    (SDL_Rect){m + bw + th->gap, by, bw, th->button_h});
  ui_button(u, "outbox.refresh",
            (SDL_Rect){th->w - m - bw, by, bw, th->button_h}, UI_BTN_PRIMARY,
            app_str(a, "outbox.refresh"));
  ui_tag(u, SO_REFRESH, 0);
  if (app_test_hooks(a)) {
    /* Invisible, scripted runs only (see the file comment). */
    int t = th->target_min;
    ui_target_add(u, "test.receipt", (SDL_Rect){0, th->h - t, t, t},
                  "test.receipt");
    ui_tag(u, SO_TEST_RECEIPT, 0);
    ui_target_add(u, "test.receipt.refused",
                  (SDL_Rect){th->w - t, th->h - t, t, t},
                  "test.receipt.refused");
    ui_tag(u, SO_TEST_REFUSED, 0);
  }
}

static uint64_t so_tick(app *a, void *state, uint64_t now) {
  (void)a;
  (void)now;
  so_state *s = state;
  return pageview_deadline(&s->page);
}

const screen_class screen_staff_outbox = {
    .name = "staff_outbox",
    .state_size = sizeof(so_state),
    .enter = so_enter,
    .event = so_event,
    .draw = so_draw,
    .tick = so_tick,
};
