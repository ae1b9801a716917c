/* From the applicant's confirming tap to the receipt on screen, in the real
 * app (headless, software renderer, 1920x1080) with the reference backend
 * over mTLS on loopback:
 *   - submit (reserve, seal, commit) then the receipt screen's first frame,
 *     timed; the backend then has the application (timed to the delivery
 *     event) and the receipt's reference is the one it stored;
 *   - the receipt says the application reached the 民政所 once it has,
 *     and with the backend stopped that it is saved here and will be sent
 *     (「网络不通也不要紧」); it stays queued and drains once the backend
 *     is back;
 *   - the printed receipt (simulated printer, printed by the print host's
 *     thread) is in paths.printer, and the screen then says it is printed.
 * Prints the figures used in docs/submission.md. */
#include <SDL.h>
#include <stdlib.h>

#include "shell/shell.h"
#include "shell/wake.h"
#include "services/net_host.h"
#include "services/submit.h"
#include "check.h"
#include "net/deliver.h"
#include "net_helpers.h"
#include "screens/screens.h"

#define ROUNDS 20

static char work[128];
static nh_backend be;
static const char *items[] = {"dibao", "medical"};

static double ms_since(int64_t t0_us) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
  return (double)(now - t0_us) / 1000.0;
}

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp_d(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

/* The tap: submit and show the receipt's first frame. */
static kerr confirm(app *a, submit_receipt *r) {
  char plain[700];
  memset(r, 0, sizeof *r);
  kerr e = submit_reserve(app_net(a), &r->ticket);
  if (e)
    return e;
  int n = snprintf(plain, sizeof plain,
                   "{\"schema_version\":1,\"uuid\":\"%s\",\"reference\":\"%s\","
                   "\"region\":\"140500\",\"items\":[\"dibao\",\"medical\"],"
                   "\"answers\":{\"applicant_name\":\"\xe8\xb5\xb5\xe4\xb8\x80"
                   "\"},\"display\":[],\"assisted_by\":null}",
                   r->ticket.uuid, r->ticket.reference);
  submit_request rq = {.plain = plain, .len = (size_t)n, .items = items,
                       .n_items = 2, .last4 = "123X"};
  r->result = submit_commit(app_net(a), &r->ticket, &rq);
  r->items = items;
  r->n_items = 2;
  app_push(a, &screen_receipt, r);
  app_apply_pending(a);
  app_draw(a);
  return r->result;
}

static int wait_delivered(app *a, int timeout_ms) {
  int64_t end = nh_now_ms() + timeout_ms;
  while (nh_now_ms() < end) {
    SDL_Event ev;
    if (!SDL_WaitEventTimeout(&ev, 50))
      continue;
    svc_source src;
    int code;
    intptr_t kind;
    if (shell_wake_match(&ev, &src, &code, &kind, NULL) && src == SVC_NET &&
        code == NET_HOST_EV_DELIVERY && kind == DELIVER_EV_DELIVERED)
      return 1;
  }
  return 0;
}

/* The receipt for ref, saying exactly one of: saved here (delivered 0),
 * reached the 民政所 (delivered 1), either (-1: the first frame races the
 * worker). */
static int receipt_shows(app *a, const char *ref, int delivered) {
  char spoken[32];
  snprintf(spoken, sizeof spoken, "%.2s - %.4s - %.1s", ref, ref + 3,
           ref + 8);
  int saved = ui_has_text(&a->ui, "网络不通也不要紧");
  int sent = ui_has_text(&a->ui, "已经送到民政所");
  return strcmp(app_screen_name(a), "receipt") == 0 &&
         ui_has_text(&a->ui, spoken) && saved != sent &&
         (delivered < 0 || sent == delivered);
}

int main(void) {
  char sets[8][600];
  app *a = NULL;
  double tap[ROUNDS], trip[ROUNDS];
  if (nh_tmpdir(work, sizeof work, "kiosk-app-receipt") != 0)
    return 1;
  if (nh_backend_init(&be, APP_SERVER_BIN, KIOSK_SOURCE_DIR, work) != 0 ||
      nh_backend_start(&be, APP_SERVER_BIN, 0) != 0) {
    fprintf(stderr, "cannot start the backend\n");
    nh_rm_rf(work);
    return 1;
  }
  snprintf(sets[0], sizeof sets[0], "backend.url=%s", be.url);
  snprintf(sets[1], sizeof sets[1], "backend.ca_file=%s", be.ca);
  snprintf(sets[2], sizeof sets[2], "backend.client_cert=%s", be.dev_cert);
  snprintf(sets[3], sizeof sets[3], "backend.client_key=%s", be.dev_key);
  snprintf(sets[4], sizeof sets[4], "paths.data=%s/data", work);
  snprintf(sets[5], sizeof sets[5], "paths.printer=%s/printer", work);
  app_options o = {.headless = 1, .width = 1920, .height = 1080, .elder = 0,
                   .n_sets = 6};
  for (int i = 0; i < 6; i++)
    o.sets[i] = sets[i];
  CHECK_INT(app_create(&o, &a), KERR_OK);
  if (!a)
    goto done;
  app_draw(a);

  /* Backend up: tap -> receipt frame, then -> delivered. */
  for (int i = 0; i < ROUNDS; i++) {
    submit_receipt r;
    int64_t t0 = now_us();
    CHECK_INT(confirm(a, &r), KERR_OK);
    tap[i] = ms_since(t0);
    CHECK(receipt_shows(a, r.ticket.reference, -1));
    CHECK(wait_delivered(a, 10000));
    trip[i] = ms_since(t0);
    /* Redrawn on the delivery event: now it says it was delivered. */
    app_draw(a);
    CHECK(receipt_shows(a, r.ticket.reference, 1));
    {
      char sql[200];
      snprintf(sql, sizeof sql, "SELECT count(*) FROM applications WHERE "
               "reference = '%s' AND uuid = ?1", r.ticket.reference);
      CHECK_INT(nh_backend_query(&be, sql, r.ticket.uuid), 1);
    }
    /* The receipt is queued for printing once its first frame is up (the
     * screen's tick, as the loop would run it); the print host's thread
     * prints it and the screen says so when it has. */
    if (i == 0) {
      char png[300];
      snprintf(png, sizeof png, "%s/printer/%s.png", work,
               r.ticket.reference);
      for (int k = 0; k < 200 && !ui_has_text(&a->ui, "回执已经打印好了");
           k++) {
        a->stack[a->depth - 1].cls->tick(a, a->stack[a->depth - 1].state, 0);
        app_draw(a);
        SDL_Delay(20);
      }
      CHECK(ui_has_text(&a->ui, "回执已经打印好了"));
      CHECK(nh_exists(png));
      snprintf(png, sizeof png, "%s/printer/%s.bin", work,
               r.ticket.reference);
      CHECK(nh_exists(png));
    }
    app_end_session(a);
    app_apply_pending(a);
  }
  qsort(tap, ROUNDS, sizeof tap[0], cmp_d);
  qsort(trip, ROUNDS, sizeof trip[0], cmp_d);
  printf("figures: tap->receipt frame median %.1f ms, max %.1f ms; "
         "tap->delivered median %.1f ms, max %.1f ms (%d rounds)\n",
         tap[ROUNDS / 2], tap[ROUNDS - 1], trip[ROUNDS / 2], trip[ROUNDS - 1],
         ROUNDS);

  /* Backend down: the receipt is the same; the application waits. */
  {
    int port = be.port;
    submit_receipt r;
    outbox_stats st;
    nh_backend_stop(&be);
    CHECK_INT(confirm(a, &r), KERR_OK);
    CHECK(receipt_shows(a, r.ticket.reference, 0));
    CHECK_INT(net_host_stats(app_net(a), &st), KERR_OK);
    CHECK_INT(st.depth, 1);
    app_end_session(a);
    app_apply_pending(a);
    CHECK_INT(nh_backend_start(&be, APP_SERVER_BIN, port), 0);
    /* The worker's backoff is at most 5 minutes by default; wake it as
     * the next submission would. */
    net_host_kick(app_net(a));
    CHECK(wait_delivered(a, 20000));
    CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications "
                               "WHERE uuid = ?1", r.ticket.uuid), 1);
  }
done:
  app_destroy(a);
  nh_backend_stop(&be);
  nh_rm_rf(work);
  return TEST_DONE();
}
