/* The print host in the real app (headless, 1920x1080) with a device
 * printer on a pseudo-terminal (fake_lp.h), printer.width_dots = 384:
 *   - paper out: the receipt screen says the printer has a problem and
 *     never that the receipt was printed; only the status query reached
 *     the printer; staff status holds the fault;
 *   - paper back: 重打上一张回执 through the host sends one whole ESC/POS
 *     job (init, 48-byte raster bands, feed, cut);
 *   - a new receipt with paper: the screen says printed, after the job;
 *   - a printer path that does not exist: the failure with its reason. */
#define _GNU_SOURCE /* ptsname_r, cfmakeraw (fake_lp.h) */
#include <SDL.h>
#include <stdlib.h>

#include "shell/shell.h"
#include "services/print_host.h"
#include "services/submit.h"
#include "check.h"
#include "fake_lp.h"
#include "net/refno.h"
#include "net_helpers.h"
#include "screens/screens.h"

static char work[128];
static const char *items[] = {"dibao", "medical"};

static void canned(submit_receipt *r, uint64_t n) {
  memset(r, 0, sizeof *r);
  r->result = KERR_OK;
  refno_format("JC", n, r->ticket.reference);
  snprintf(r->ticket.uuid, sizeof r->ticket.uuid,
           "6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c3");
  snprintf(r->ticket.created_at, sizeof r->ticket.created_at,
           "2026-11-22T09:30:00+08:00");
  r->items = items;
  r->n_items = 2;
}

/* Runs the loop's steps (events, screen tick, draw) until the receipt's
 * print status is no longer "printing", at most 10 s. */
static void settle(app *a) {
  int64_t end = nh_now_ms() + 10000;
  for (;;) {
    SDL_Event ev;
    while (SDL_PollEvent(&ev))
      app_handle_sdl(a, &ev);
    screen_inst *s = &a->stack[a->depth - 1];
    if (s->cls->tick)
      s->cls->tick(a, s->state, app_now(a));
    app_apply_pending(a);
    app_draw(a);
    if (!ui_has_text(&a->ui, "正在打印回执") || nh_now_ms() > end)
      return;
    SDL_WaitEventTimeout(NULL, 50);
  }
}

static kerr wait_result(app *a, uint32_t ticket, printer_fault *why) {
  int64_t end = nh_now_ms() + 10000;
  kerr e;
  while ((e = print_host_result(app_print(a), ticket, why)) == KERR_BUSY &&
         nh_now_ms() < end)
    SDL_WaitEventTimeout(NULL, 50);
  return e;
}

static app *start(const char *uri) {
  static char sets[4][600];
  app *a = NULL;
  snprintf(sets[0], sizeof sets[0], "paths.data=%s/data", work);
  snprintf(sets[1], sizeof sets[1], "printer.uri=%s", uri);
  snprintf(sets[2], sizeof sets[2], "printer.width_dots=384");
  app_options o = {.headless = 1, .width = 1920, .height = 1080, .elder = 0,
                   .n_sets = 3};
  for (int i = 0; i < 3; i++)
    o.sets[i] = sets[i];
  CHECK_INT(app_create(&o, &a), KERR_OK);
  if (a)
    app_draw(a);
  return a;
}

static void show_receipt(app *a, submit_receipt *r) {
  app_push(a, &screen_receipt, r);
  app_apply_pending(a);
  app_draw(a);
  settle(a);
}

int main(void) {
  fake_lp lp;
  char uri[200];
  submit_receipt r1, r2, r3;
  print_host_status st;
  printer_fault why;
  uint32_t ticket = 0;
  if (nh_tmpdir(work, sizeof work, "kiosk-app-print-host") != 0)
    return 1;
  if (fake_lp_start(&lp, 0x72) != 0) { /* paper out */
    fprintf(stderr, "no pseudo-terminal\n");
    return 1;
  }
  snprintf(uri, sizeof uri, "device:%s", lp.path);
  app *a = start(uri);
  if (!a)
    goto done;

  /* Paper out. */
  canned(&r1, 4242);
  show_receipt(a, &r1);
  CHECK_STR(app_screen_name(a), "receipt");
  CHECK(ui_has_text(&a->ui, "打印机出了问题，请找工作人员"));
  CHECK(ui_has_text(&a->ui, r1.ticket.reference));
  CHECK(!ui_has_text(&a->ui, "回执已经打印好了"));
  CHECK(!ui_has_text(&a->ui, "正在打印回执"));
  print_host_status_get(app_print(a), &st);
  CHECK_INT(st.last_ok, 0);
  CHECK_INT(st.last_fault, PRINTER_FAULT_PAPER_OUT);
  CHECK_INT(st.failed, 1);
  CHECK_INT(st.has_last, 1);
  pthread_mutex_lock(&lp.mu);
  CHECK_INT(lp.queries, 1);
  CHECK_INT(lp.inits, 0);
  CHECK_INT((long long)lp.n, 3);
  pthread_mutex_unlock(&lp.mu);
  app_end_session(a);
  app_apply_pending(a);

  /* Paper back: staff reprint the kept receipt through the host. */
  lp.answer = 0x12;
  CHECK_INT(print_host_reprint(app_print(a), &ticket), KERR_OK);
  CHECK_INT(wait_result(a, ticket, &why), KERR_OK);
  CHECK_INT(why, PRINTER_FAULT_NONE);
  for (int i = 0; i < 100; i++) { /* the fake's thread reads the end */
    pthread_mutex_lock(&lp.mu);
    int cuts = lp.cuts;
    pthread_mutex_unlock(&lp.mu);
    if (cuts)
      break;
    SDL_Delay(20);
  }
  pthread_mutex_lock(&lp.mu);
  CHECK_INT(lp.queries, 2);
  CHECK_INT(lp.inits, 1);
  CHECK(lp.bands >= 2);
  CHECK_INT(lp.band_xbytes, 48);
  CHECK(lp.rows_total > 600 && lp.rows_total <= PRINTER_MAX_H);
  CHECK_INT(lp.feeds, 1);
  CHECK_INT(lp.cuts, 1);
  CHECK_INT(lp.bad, 0);
  CHECK_INT((long long)lp.parsed, (long long)lp.n);
  /* The first job's query, this job's query, init, a band ... cut. */
  CHECK(lp.n > 12 && memcmp(lp.got + 3, PRINTER_STATUS_QUERY, 3) == 0 &&
        lp.got[6] == 0x1B && lp.got[7] == '@' && lp.got[8] == 0x1D &&
        lp.got[9] == 'v');
  CHECK(lp.n > 10 && lp.got[lp.n - 4] == 0x1D && lp.got[lp.n - 3] == 'V');
  pthread_mutex_unlock(&lp.mu);
  print_host_status_get(app_print(a), &st);
  CHECK_INT(st.last_ok, 1);
  CHECK_INT(st.printed, 1);

  /* A new receipt with paper: printed, and said so. */
  canned(&r2, 4243);
  show_receipt(a, &r2);
  CHECK(ui_has_text(&a->ui, "回执已经打印好了"));
  CHECK(!ui_has_text(&a->ui, "打印机出了问题"));
  app_end_session(a);
  app_apply_pending(a);
  app_destroy(a);
  a = NULL;
  fake_lp_stop(&lp, 0);
  fake_lp_free(&lp);

  /* No such device. */
  a = start("device:/nonexistent/lp0");
  if (!a)
    goto done;
  canned(&r3, 4244);
  show_receipt(a, &r3);
  CHECK(ui_has_text(&a->ui, "打印机出了问题，请找工作人员"));
  CHECK(!ui_has_text(&a->ui, "回执已经打印好了"));
  print_host_status_get(app_print(a), &st);
  CHECK_INT(st.last_fault, PRINTER_FAULT_NO_DEVICE);
  CHECK_STR(app_str(a, print_host_fault_key(st.last_fault)),
            "找不到打印机。请看看打印机开着没有，连接线插好没有。");
done:
  app_destroy(a);
  nh_rm_rf(work);
  return TEST_DONE();
}
