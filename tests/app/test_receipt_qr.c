/* The receipt's QR code, end to end, in the real app (headless, 1920x1080)
 * with the reference backend over TLS on loopback:
 *   - with receipt.status_url set, an application is submitted and its
 *     receipt shown and printed (simulated printer); zbarimg (zbar-tools)
 *     reads the QR code back from the screen and from the printed PNG, and
 *     both are the configured address with the reference and the token;
 *   - after the back office moved the items, that address fetched like a
 *     phone would (curl, the deployment CA, no client certificate) is the
 *     public progress page with each item's status and nothing personal;
 *   - the same code scanned on 查询进度 (a burst of keys and Enter) fills
 *     the reference and, with the ID characters typed, runs the query;
 *     scanned over the result, it starts a new query with the reference;
 *   - without receipt.status_url the code is the bare reference.
 * Screens and pages go to <build>/shots/app-receipt-qr/. */
#include <SDL.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "shell/shell.h"
#include "shell/wake.h"
#include "services/net_host.h"
#include "services/submit.h"
#include "check.h"
#include "devices/printer_qr.h"
#include "net/deliver.h"
#include "net_helpers.h"
#include "screens/screens.h"
#include "ui/png.h"

static char work[128];
static nh_backend be;
static const char *items[] = {"dibao", "medical"};
#define APPLICANT "\xe8\xb5\xb5\xe4\xb8\x80" /* 赵一, synthetic */

static kerr confirm(app *a, submit_receipt *r) {
  char plain[700];
  memset(r, 0, sizeof *r);
  kerr e = submit_reserve(app_net(a), &r->ticket);
  if (e)
    return e;
  int n = snprintf(plain, sizeof plain,
                   "{\"schema_version\":1,\"uuid\":\"%s\",\"reference\":\"%s\","
                   "\"region\":\"140500\",\"items\":[\"dibao\",\"medical\"],"
                   "\"answers\":{\"applicant_name\":\"" APPLICANT
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

static void tick_top(app *a) {
  screen_inst *top = &a->stack[a->depth - 1];
  if (top->cls->tick)
    top->cls->tick(a, top->state, 0);
  app_draw(a);
}

static void event_top(app *a, const ui_event *ev) {
  screen_inst *top = &a->stack[a->depth - 1];
  top->cls->event(a, top->state, ev);
}

/* What zbarimg reads in the image at path (first code, no newline). */
static int zbar_read(const char *path, char *out, size_t cap) {
  char cmd[600];
  out[0] = '\0';
  snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", path);
  FILE *p = popen(cmd, "r");
  if (!p)
    return -1;
  if (!fgets(out, (int)cap, p))
    out[0] = '\0';
  int st = pclose(p);
  out[strcspn(out, "\r\n")] = '\0';
  return st == 0 && out[0] ? 0 : -1;
}

/* GET url as a phone would: the deployment's CA, no client certificate.
 * The body goes into body (malloc'ed); returns the HTTP status. */
static long fetch(const char *url, const char *save, char **body) {
  char cmd[1200], code[16] = "";
  *body = NULL;
  snprintf(cmd, sizeof cmd,
           "curl -s --max-time 10 --cacert '%s' -o '%s' -w '%%{http_code}' "
           "'%s'",
           be.ca, save, url);
  FILE *p = popen(cmd, "r");
  if (!p)
    return -1;
  if (!fgets(code, sizeof code, p))
    code[0] = '\0';
  pclose(p);
  FILE *f = fopen(save, "rb");
  if (f) {
    *body = calloc(1, 1 << 20);
    if (*body)
      fread(*body, 1, (1 << 20) - 1, f);
    fclose(f);
  }
  return atol(code);
}

static int backend_move_items(const char *uuid) {
  sqlite3 *db = NULL;
  char sql[900];
  snprintf(sql, sizeof sql,
           "UPDATE item_status SET status = 'reviewing', updated_at = "
           "1795100000, updated_at_text = '2026-11-25T15:30:00+08:00' "
           "WHERE uuid = '%s' AND item = 'dibao';"
           "UPDATE item_status SET status = 'accepted', updated_at = "
           "1795000000, updated_at_text = '2026-11-23T10:00:00+08:00' "
           "WHERE uuid = '%s' AND item = 'medical'",
           uuid, uuid);
  if (sqlite3_open(be.db, &db) != SQLITE_OK)
    return -1;
  sqlite3_busy_timeout(db, 5000);
  int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  sqlite3_close(db);
  return rc == SQLITE_OK ? 0 : -1;
}

/* Runs the app with the template (NULL: none) through one receipt; the
 * QR text read from the screen and from the paper into screen/paper. */
static app *receipt_run(const char *tmpl, submit_receipt *r, char *on_screen,
                        char *paper, size_t cap, const char *tag) {
  char sets[8][600], shot[400], png[400];
  app *a = NULL;
  int n = 0;
  snprintf(sets[n++], sizeof sets[0], "backend.url=%s", be.url);
  snprintf(sets[n++], sizeof sets[0], "backend.ca_file=%s", be.ca);
  snprintf(sets[n++], sizeof sets[0], "backend.client_cert=%s", be.dev_cert);
  snprintf(sets[n++], sizeof sets[0], "backend.client_key=%s", be.dev_key);
  snprintf(sets[n++], sizeof sets[0], "paths.data=%s/data-%s", work, tag);
  snprintf(sets[n++], sizeof sets[0], "paths.printer=%s/printer", work);
  if (tmpl)
    snprintf(sets[n++], sizeof sets[0], "receipt.status_url=%s", tmpl);
  app_options o = {.headless = 1, .width = 1920, .height = 1080, .elder = 0,
                   .n_sets = n};
  for (int i = 0; i < n; i++)
    o.sets[i] = sets[i];
  CHECK_INT(app_create(&o, &a), KERR_OK);
  if (!a)
    return NULL;
  app_draw(a);
  CHECK_INT(confirm(a, r), KERR_OK);
  for (int k = 0; k < 300 && !ui_has_text(&a->ui, "回执已经打印好了"); k++) {
    tick_top(a);
    SDL_Delay(20);
  }
  CHECK(ui_has_text(&a->ui, "回执已经打印好了"));
  snprintf(shot, sizeof shot, "%s/app-receipt-qr/receipt-%s.png",
           APP_SHOTS_DIR, tag);
  CHECK_INT(png_write_renderer(a->ren, a->w, a->h, shot), KERR_OK);
  CHECK_INT(zbar_read(shot, on_screen, cap), 0);
  snprintf(png, sizeof png, "%s/printer/%s.png", work, r->ticket.reference);
  CHECK(nh_exists(png));
  CHECK_INT(zbar_read(png, paper, cap), 0);
  return a;
}

/* The pure parts: the QR text from a template, the token, the key's
 * checks. */
static void test_text(void) {
  char out[400], tok[17], err[300];
  const char *uuid = "6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c3";
  CHECK_INT(printer_qr_token(uuid, tok), KERR_OK);
  CHECK_INT((int)strlen(tok), 16);
  CHECK(strspn(tok, "abcdefghijklmnopqrstuvwxyz234567") == 16);
  /* Bound to the uuid: one character more and it is another token. */
  char tok2[17];
  CHECK_INT(printer_qr_token("6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c4", tok2),
            KERR_OK);
  CHECK(strcmp(tok, tok2) != 0);
  CHECK_INT(printer_qr_token("", tok2), KERR_INVALID);
  CHECK_INT(printer_qr_receipt_text(
                "https://mzj.example.gov.cn/cx?r={ref}&t={token}",
                "JC-3E3H-3", uuid, out, sizeof out),
            KERR_OK);
  char want[200];
  snprintf(want, sizeof want, "https://mzj.example.gov.cn/cx?r=JC-3E3H-3&t=%s",
           tok);
  CHECK_STR(out, want);
  /* Anywhere in the address, more than once. */
  CHECK_INT(printer_qr_receipt_text("https://h/{ref}/{token}/{ref}",
                                    "JC-3E3H-3", uuid, out, sizeof out),
            KERR_OK);
  snprintf(want, sizeof want, "https://h/JC-3E3H-3/%s/JC-3E3H-3", tok);
  CHECK_STR(out, want);
  CHECK_INT(printer_qr_receipt_text("", "JC-3E3H-3", uuid, out, sizeof out),
            KERR_OK);
  CHECK_STR(out, "JC-3E3H-3");
  CHECK_INT(printer_qr_receipt_text(NULL, "JC-3E3H-3", NULL, out, sizeof out),
            KERR_OK);
  CHECK_STR(out, "JC-3E3H-3");
  CHECK_INT(printer_qr_receipt_text("https://h/{ref}{token}", "JC-3E3H-3",
                                    NULL, out, sizeof out),
            KERR_INVALID);
  CHECK_INT(printer_qr_receipt_text("https://h/{ref}{token}", "JC-3E3H-3",
                                    uuid, out, 20),
            KERR_LIMIT);
  CHECK_STR(out, "");
  char longt[300];
  memset(longt, 'a', 250);
  memcpy(longt, "https://", 8);
  snprintf(longt + 250, sizeof longt - 250, "{ref}{token}");
  CHECK_INT(printer_qr_receipt_text(longt, "JC-3E3H-3", uuid, out,
                                    sizeof out),
            KERR_LIMIT);
  /* receipt.status_url: empty, or https:// with both placeholders. */
  config c;
  config_defaults(&c, KIOSK_SOURCE_DIR);
  CHECK_STR(c.receipt_status_url, "");
  CHECK_INT(config_set(&c, "receipt.status_url",
                       "https://mzj.example.gov.cn/cx?r={ref}&t={token}", err,
                       sizeof err),
            KERR_OK);
  CHECK_INT(config_set(&c, "receipt.status_url", "", err, sizeof err),
            KERR_OK);
  const char *bad[] = {"http://h/cx?r={ref}&t={token}",
                       "https://h/cx?r={ref}", "https://h/cx?t={token}",
                       "https://h/c x?r={ref}&t={token}",
                       "https://h/查?r={ref}&t={token}", "mzj/{ref}{token}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    CHECK_INT(config_set(&c, "receipt.status_url", bad[i], err, sizeof err),
              KERR_INVALID);
    CHECK(strstr(err, "receipt.status_url") != NULL);
  }
  char big[260];
  memset(big, 'a', 230);
  memcpy(big, "https://", 8);
  snprintf(big + 230, sizeof big - 230, "{ref}{token}");
  CHECK_INT(config_set(&c, "receipt.status_url", big, err, sizeof err),
            KERR_INVALID);
}

int main(void) {
  test_text();
  char tmpl[300], want[400], shown[600], paper[600], token[17], path[400];
  submit_receipt r;
  if (nh_tmpdir(work, sizeof work, "kiosk-app-receipt-qr") != 0)
    return 1;
  snprintf(path, sizeof path, "mkdir -p '%s/app-receipt-qr'", APP_SHOTS_DIR);
  if (system(path) != 0)
    return 1;
  if (nh_backend_init(&be, APP_SERVER_BIN, KIOSK_SOURCE_DIR, work) != 0 ||
      nh_backend_start(&be, APP_SERVER_BIN, 0) != 0) {
    fprintf(stderr, "cannot start the backend\n");
    nh_rm_rf(work);
    return 1;
  }
  /* The county's address: here the backend itself. */
  snprintf(tmpl, sizeof tmpl, "%s/cx?r={ref}&t={token}", be.url);
  app *a = receipt_run(tmpl, &r, shown, paper, sizeof shown, "url");
  if (!a)
    goto done;
  CHECK_INT(printer_qr_token(r.ticket.uuid, token), KERR_OK);
  snprintf(want, sizeof want, "%s/cx?r=%s&t=%s", be.url, r.ticket.reference,
           token);
  CHECK_STR(shown, want);
  CHECK_STR(paper, want);
  printf("QR code: %s\n", paper);

  /* The back office moves the items; the phone opens the address. */
  {
    int64_t end = nh_now_ms() + 15000;
    while (nh_now_ms() < end &&
           nh_backend_query(&be, "SELECT count(*) FROM applications WHERE "
                            "uuid = ?1", r.ticket.uuid) != 1)
      nh_sleep_ms(50);
  }
  CHECK_INT(backend_move_items(r.ticket.uuid), 0);
  char *body = NULL;
  snprintf(path, sizeof path, "%s/app-receipt-qr/page.html", APP_SHOTS_DIR);
  CHECK_INT(fetch(paper, path, &body), 200);
  CHECK(body && strstr(body, r.ticket.reference) != NULL);
  CHECK(body && strstr(body, "最低生活保障") != NULL);
  CHECK(body && strstr(body, "审核") != NULL);
  CHECK(body && strstr(body, "2026年11月25日") != NULL);
  CHECK(body && strstr(body, "医疗救助") != NULL);
  CHECK(body && strstr(body, "受理") != NULL);
  CHECK(body && strstr(body, "2026年11月23日") != NULL);
  CHECK(body && strstr(body, APPLICANT) == NULL);
  CHECK(body && strstr(body, "123X") == NULL);
  CHECK(body && strstr(body, r.ticket.uuid) == NULL);
  free(body);
  /* The reference alone, or another token, shows nothing. */
  snprintf(path, sizeof path, "%s/cx?r=%s&t=aaaaaaaaaaaaaaaa", be.url,
           r.ticket.reference);
  char save[300];
  snprintf(save, sizeof save, "%s/wrong.html", work);
  CHECK_INT(fetch(path, save, &body), 404);
  CHECK(body && strstr(body, "审核") == NULL);
  free(body);

  /* Scanned at the kiosk's 查询进度: the ID characters typed first, then
   * the scanner's burst and Enter; the query runs. */
  app_end_session(a);
  app_apply_pending(a);
  app_push(a, &screen_progress, NULL);
  app_apply_pending(a);
  app_draw(a);
  CHECK_STR(app_screen_name(a), "progress");
  event_top(a, &(ui_event){.type = UI_EV_KEY, .key = SDLK_TAB});
  const char *last4[] = {"1", "2", "3", "X"};
  for (int i = 0; i < 4; i++)
    event_top(a, &(ui_event){.type = UI_EV_TEXT, .text = last4[i]});
  SDL_Delay(200); /* a hand, then the scanner */
  for (const char *p = paper; *p; p++) {
    char one[2] = {*p, '\0'};
    event_top(a, &(ui_event){.type = UI_EV_TEXT, .text = one});
  }
  event_top(a, &(ui_event){.type = UI_EV_KEY, .key = SDLK_RETURN});
  for (int k = 0; k < 500 && !ui_has_text(&a->ui, "办理进度"); k++) {
    tick_top(a);
    SDL_Delay(20);
  }
  CHECK(ui_has_text(&a->ui, "办理进度"));
  CHECK(ui_has_text(&a->ui, r.ticket.reference));
  snprintf(path, sizeof path, "%s/app-receipt-qr/scanned.png", APP_SHOTS_DIR);
  CHECK_INT(png_write_renderer(a->ren, a->w, a->h, path), KERR_OK);
  /* Scanned again over the result (no field has the focus there): a new
   * query begins with the reference read; the ID characters were wiped
   * with the answer, so they are asked for. */
  SDL_Delay(200);
  for (const char *p = paper; *p; p++) {
    char one[2] = {*p, '\0'};
    event_top(a, &(ui_event){.type = UI_EV_TEXT, .text = one});
  }
  event_top(a, &(ui_event){.type = UI_EV_KEY, .key = SDLK_RETURN});
  app_draw(a);
  CHECK(ui_has_text(&a->ui, "已经读出回执上的查询编号"));
  CHECK(!ui_has_text(&a->ui, "办理进度"));
  app_end_session(a);
  app_apply_pending(a);
  app_destroy(a);

  /* Without receipt.status_url: the bare reference, as before. */
  a = receipt_run(NULL, &r, shown, paper, sizeof shown, "bare");
  if (a) {
    CHECK_STR(shown, r.ticket.reference);
    CHECK_STR(paper, r.ticket.reference);
    app_destroy(a);
  }
done:
  nh_backend_stop(&be);
  nh_rm_rf(work);
  return TEST_DONE();
}
