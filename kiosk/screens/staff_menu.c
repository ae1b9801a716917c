/* staff_menu: what signed-in staff can do at the kiosk, and its state.
 *
 * Status (no personal data): the content version in use and where it came
 * from, whether the backend answered the last content check, how many
 * applications wait in the outbox and how many are quarantined, when
 * content was last checked and what came of it (an update waiting for the
 * session to end is said plainly), and the receipt printer's state with
 * the reason of its last failure in plain words, and the ID card reader's
 * (已连接 / 没有接 / 出了故障). 重打上一张回执 goes
 * through the print host; its outcome is shown when the printer answers. Acts: 开始代办 (back to the home screen,
 * still signed in, to fill in for someone), 立即更新内容, 重打上一张回执,
 * the outbox view, text-entry practice, the text size new sessions start
 * with, 退出登录 (ends the session, which signs out) and — for
 * administrators only — 退出自助程序, after a confirmation.
 *
 * Landscape puts the status on the left and the buttons on the right;
 * portrait stacks them. Where that does not fit (特大), the menu is one
 * scrolling page with 上一页 / 下一页 (menu_draw_paged). Reached from the sign-in screen; leaving it with
 * 返回 or 回首页 keeps the sign-in. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "services/services.h"
#include "screens/screens.h"
#include "widgets/pageview.h"

typedef struct menu_state {
  int asked_sync;      /* show the outcome of the sync staff asked for */
  const char *note;    /* a bundle string key for a one-off message */
  int confirm_exit;
  uint32_t reprint;    /* the reprint job being waited for, or 0 */
  pageview page;       /* when the menu is taller than the screen (特大) */
  int reveal;          /* scroll the page to the outcome line once */
} menu_state;

/* What a tap on the staff menu means (ui_tag). */
enum menu_action {
  MENU_ASSIST = 1,
  MENU_SYNC_NOW,
  MENU_OUTBOX,
  MENU_REPRINT,
  MENU_TEXTENTRY,
  MENU_SIGN_OUT,
  MENU_EXIT,
  MENU_SCALE_NORMAL,
  MENU_SCALE_ELDER,
  MENU_EXIT_NO,
  MENU_EXIT_YES
};

typedef struct menu_button {
  const char *id, *key;
  ui_button_style style;
  int action;
} menu_button;

static void menu_enter(app *a, void *state, const void *arg) {
  (void)state;
  (void)arg;
  /* Only someone signed in gets here (sign-in replaces itself). */
  if (!staff_host_who(app_staff(a)))
    app_replace(a, &screen_staff_signin, NULL);
}

/* Takes the outcome of the reprint staff asked for, once there is one. */
static void poll_reprint(app *a, menu_state *s) {
  if (!s->reprint)
    return;
  kerr e = print_host_result(app_print(a), s->reprint, NULL);
  if (e == KERR_BUSY)
    return;
  s->note = e == KERR_OK ? "menu.reprint.done" : "menu.reprint.failed";
  s->reprint = 0;
  s->reveal = 1;
  app_dirty(a);
}

static void menu_event(app *a, void *state, const ui_event *ev) {
  menu_state *s = state;
  if (!s->confirm_exit && pageview_event(&s->page, ev, app_now(a))) {
    app_dirty(a);
    return;
  }
  if (ev->type != UI_EV_TAP)
    return;
  if (s->confirm_exit) {
    if (ev->action == MENU_EXIT_YES)
      app_quit_by_admin(a);
    s->confirm_exit = 0;
    app_dirty(a);
    return;
  }
  s->note = NULL;
  switch (ev->action) {
  case MENU_ASSIST:
    app_home(a);
    break;
  case MENU_SYNC_NOW: {
    kerr e = content_host_sync_now(app_content_host(a));
    s->asked_sync = e == KERR_OK || e == KERR_BUSY;
    if (e == KERR_STATE)
      s->note = "menu.sync.off";
    s->reveal = 1; /* its outcome shows in the status card */
    break;
  }
  case MENU_REPRINT: {
    kerr e = print_host_reprint(app_print(a), &s->reprint);
    s->note = e == KERR_OK         ? "menu.reprint.busy"
              : e == KERR_NOTFOUND ? "menu.reprint.none"
                                   : "menu.reprint.failed";
    s->reveal = 1;
    poll_reprint(a, s);
    break;
  }
  case MENU_OUTBOX:
    app_push(a, &screen_staff_outbox, NULL);
    break;
  case MENU_TEXTENTRY:
    app_push(a, &screen_textentry, NULL);
    break;
  case MENU_SCALE_NORMAL:
    app_set_default_elder(a, 0);
    break;
  case MENU_SCALE_ELDER:
    app_set_default_elder(a, 1);
    break;
  case MENU_SIGN_OUT:
    app_end_session(a);
    break;
  case MENU_EXIT:
    if (staff_host_is_admin(app_staff(a)))
      s->confirm_exit = 1;
    break;
  }
  app_dirty(a);
}

/* The line that says how content updating stands; "" for none. */
static void sync_line(app *a, const menu_state *s,
                      const content_host_status *st, char *out,
                      size_t size) {
  out[0] = '\0';
  if (s->note) {
    snprintf(out, size, "%s", app_str(a, s->note));
  } else if (st->syncing) {
    snprintf(out, size, "%s", app_str(a, "menu.syncing"));
  } else if (st->held_version[0]) {
    chrome_format(out, size, app_str(a, "menu.sync.held"), "version",
                  st->held_version);
  } else if (!st->enabled) {
    snprintf(out, size, "%s", app_str(a, "menu.sync.off"));
  } else if (s->asked_sync && st->last_check) {
    const char *key = "menu.sync.unchanged";
    if (st->last_outcome == CONTENT_SYNC_REFUSED)
      key = "menu.sync.refused";
    else if (st->last_outcome == CONTENT_SYNC_FAILED)
      key = "menu.sync.failed";
    snprintf(out, size, "%s", app_str(a, key));
  }
}

#define ROWS 8 /* the last, the document camera, only when configured */

/* What the status card shows, gathered before measuring and drawing. */
typedef struct status_text {
  char hello[256];
  const char *label[ROWS];
  char value[ROWS][128];
  char line[512];
  char printer_line[512]; /* the last failure's reason, or "" */
  char outbox_line[512];   /* a damaged outbox moved aside at start, or "" */
  char outbox_path[OUTBOX_PATH_MAX]; /* ... and where the old file is now */
  char printer_short[128]; /* the printer's state without its kind */
  int px;                  /* text size of the rows and lines */
  int rows;                /* rows shown: ROWS, or ROWS - 1 */
  /* The paged menu shows the card in two parts: rows r0 up to r1, and
   * the lines in `show`; the outbox notice first with SHOW_OUTBOX_FIRST.
   * status_gather sets all rows and all lines. */
  int r0, r1, show;
} status_text;

enum {
  SHOW_LINE = 1,          /* how content updating stands, a reprint */
  SHOW_PRINTER = 2,       /* the printer's last failure */
  SHOW_OUTBOX = 4,        /* a damaged outbox moved aside */
  SHOW_OUTBOX_FIRST = 8,  /* ... above the rows */
  SHOW_ALL = SHOW_LINE | SHOW_PRINTER | SHOW_OUTBOX
};

/* The backend as the last exchange of any kind found it: a content check,
 * or a delivery, heartbeat or progress query, whichever is newer. 1
 * answered, 0 could not be reached, -1 none yet; *at its time. */
static int backend_reach(app *a, const content_host_status *st, time_t *at) {
  int64_t ex_ms = 0;
  int reach = st->reachable;
  *at = st->reachable >= 0 ? st->last_check : 0;
  int ex = app_net(a) ? net_host_last_exchange(app_net(a), &ex_ms) : -1;
  if (ex >= 0 && (reach < 0 || (time_t)(ex_ms / 1000) >= *at)) {
    reach = ex;
    *at = (time_t)(ex_ms / 1000);
  }
  return reach;
}

static void status_gather(app *a, const menu_state *s, status_text *t) {
  const staff_who *who = staff_host_who(app_staff(a));
  content_host_status st;
  content_host_status_get(app_content_host(a), &st);
  chrome_format(t->hello, sizeof t->hello, app_str(a, "menu.hello"), "name",
                who ? who->name : "");
  size_t hl = strlen(t->hello);
  snprintf(t->hello + hl, sizeof t->hello - hl, "（%s）",
           app_str(a, who && who->role == STAFF_ROLE_ADMIN
                          ? "menu.role.admin"
                          : "menu.role.staff"));
  const content *c = app_content(a);
  t->label[0] = app_str(a, "menu.version");
  snprintf(t->value[0], sizeof t->value[0], "%s%s",
           c ? content_version(c) : "-",
           st.source == CONTENT_HOST_SYNCED    ? app_str(a, "menu.source.synced")
           : st.source == CONTENT_HOST_SHIPPED ? app_str(a, "menu.source.shipped")
                                               : "");
  time_t reach_at;
  int reach = backend_reach(a, &st, &reach_at);
  t->label[1] = app_str(a, "menu.backend");
  snprintf(t->value[1], sizeof t->value[1], "%s",
           app_str(a, reach == 1   ? "menu.backend.ok"
                      : reach == 0 ? "menu.backend.down"
                                   : "menu.backend.unknown"));
  outbox_stats ob;
  kerr oe = net_host_stats(app_net(a), &ob);
  char n[16];
  t->label[2] = app_str(a, "menu.outbox");
  t->label[3] = app_str(a, "menu.quarantined");
  for (int i = 0; i < 2; i++) {
    if (oe) {
      snprintf(t->value[2 + i], sizeof t->value[2 + i], "%s",
               app_str(a, "menu.outbox.none"));
      continue;
    }
    snprintf(n, sizeof n, "%u", (unsigned)(i ? ob.quarantined : ob.depth));
    int full = i == 0 && net_host_storage_failing(app_net(a));
    chrome_format(t->value[2 + i], sizeof t->value[2 + i],
                  app_str(a, full ? "menu.count.storage_full" : "menu.count"),
                  "n", n);
  }
  /* When the backend was last reached or tried, by any exchange. */
  t->label[4] = app_str(a, "menu.last_sync");
  struct tm tm;
  time_t when = reach >= 0 ? reach_at : st.last_check;
  if (when && localtime_r(&when, &tm))
    strftime(t->value[4], sizeof t->value[4], "%m-%d %H:%M", &tm);
  else
    snprintf(t->value[4], sizeof t->value[4], "%s", app_str(a, "menu.never"));
  sync_line(a, s, &st, t->line, sizeof t->line);
  t->outbox_line[0] = '\0';
  t->outbox_path[0] = '\0';
  const outbox_salvage *sv = net_host_salvage(app_net(a));
  if (sv) {
    snprintf(n, sizeof n, "%u", (unsigned)sv->recovered);
    chrome_format(t->outbox_line, sizeof t->outbox_line,
                  app_str(a, "menu.outbox.salvaged"), "n", n);
    /* The name only: it lies in the data folder (paths.data), where the
     * outbox is; the full path is in the log. */
    const char *base = strrchr(sv->moved_to, '/');
    snprintf(t->outbox_path, sizeof t->outbox_path, "%s",
             base ? base + 1 : sv->moved_to);
  }
  print_host_status ps;
  print_host_status_get(app_print(a), &ps);
  t->label[5] = app_str(a, "menu.printer");
  t->printer_line[0] = '\0';
  snprintf(t->printer_short, sizeof t->printer_short, "%s",
           app_str(a, !app_print(a)      ? "menu.printer.none"
                      : ps.busy           ? "menu.printer.busy"
                      : ps.last_ok == 0   ? "menu.printer.fault"
                      : ps.last_ok == 1   ? "menu.printer.ok"
                                          : "menu.printer.unused"));
  snprintf(t->value[5], sizeof t->value[5], "%s%s", t->printer_short,
           !app_print(a) ? ""
           : app_str(a, ps.kind == CONFIG_PRINTER_DEVICE ? "menu.printer.device"
                        : ps.kind == CONFIG_PRINTER_CUPS ? "menu.printer.cups"
                                                         : "menu.printer.sim"));
  if (ps.last_fault_at && ps.last_ok == 0) {
    char at[32];
    struct tm ptm;
    time_t pt = ps.last_fault_at;
    at[0] = '\0';
    if (localtime_r(&pt, &ptm))
      strftime(at, sizeof at, "%H:%M", &ptm);
    chrome_format(t->printer_line, sizeof t->printer_line,
                  app_str(a, "menu.printer.last_fault"), "time", at);
    size_t pl = strlen(t->printer_line);
    snprintf(t->printer_line + pl, sizeof t->printer_line - pl, "%s",
             app_str(a, print_host_fault_key(ps.last_fault)));
  }
  /* The ID card reader, in plain words: 已连接 / 没有接 / 出了故障. */
  idcard_reader_state ist = idcard_host_state(app_idcard(a));
  t->label[6] = app_str(a, "menu.idcard");
  snprintf(t->value[6], sizeof t->value[6], "%s",
           app_str(a, ist == IDCARD_READER_CONNECTED ? "menu.idcard.ok"
                      : ist == IDCARD_READER_ERROR   ? "menu.idcard.fault"
                                                     : "menu.idcard.none"));
  /* The document camera (高拍仪), when one is configured: the same words. */
  t->rows = ROWS - 1;
  if (camera_host_configured(app_camera(a))) {
    camera_state cs = camera_host_state(app_camera(a));
    t->label[7] = app_str(a, "menu.camera");
    snprintf(t->value[7], sizeof t->value[7], "%s",
             app_str(a, cs == CAMERA_CONNECTED ? "menu.idcard.ok"
                        : cs == CAMERA_ERROR   ? "menu.idcard.fault"
                                               : "menu.idcard.none"));
    t->rows = ROWS;
  }
  t->r0 = 0;
  t->r1 = t->rows;
  t->show = SHOW_ALL;
}

/* The damaged-outbox notice and the old file's name at cy; returns the
 * height used. */
static int outbox_notice(const status_text *t, ui *u, int x, int cy,
                         int iw, int draw) {
  const theme *th = &u->th;
  int lh = ui_text_height(u, iw, t->px, TEXT_BOLD, t->outbox_line);
  if (draw)
    ui_text_box(u, (SDL_Rect){x, cy, iw, lh}, t->px, TEXT_BOLD, th->accent,
                UI_LEFT, 0, t->outbox_line);
  /* The old file's path on its own line(s). */
  int ph = ui_text_height(u, iw, t->px, TEXT_REGULAR, t->outbox_path);
  if (draw)
    ui_text_box(u, (SDL_Rect){x, cy + lh, iw, ph}, t->px, TEXT_REGULAR,
                th->text, UI_LEFT, 0, t->outbox_path);
  return lh + ph;
}

/* Draws (or, with draw 0, only measures) the status card at (x, y) of
 * width w; returns its height. */
static int status_card(app *a, const status_text *t, ui *u, int x, int y,
                       int w, int draw) {
  const theme *th = &u->th;
  (void)a;
  int pad = th->pad, iw = w - 2 * pad;
  int lw = iw * 11 / 20, vw = iw - lw - th->gap;
  int cy = y + pad;
  if (t->hello[0]) {
    int h0 = ui_text_height(u, iw, th->px_large, TEXT_BOLD, t->hello);
    if (draw)
      ui_text_box(u, (SDL_Rect){x + pad, cy, iw, h0}, th->px_large,
                  TEXT_BOLD, th->text, UI_LEFT, 0, t->hello);
    cy += h0 + th->gap;
  }
  if (t->outbox_line[0] && (t->show & SHOW_OUTBOX_FIRST))
    cy += outbox_notice(t, u, x + pad, cy, iw, draw) + th->gap;
  for (int i = t->r0; i < t->r1; i++) {
    int lh = ui_text_height(u, lw, t->px, TEXT_REGULAR, t->label[i]);
    int vh = ui_text_height(u, vw, t->px, TEXT_BOLD, t->value[i]);
    int h = lh > vh ? lh : vh;
    if (draw) {
      ui_text_box(u, (SDL_Rect){x + pad, cy, lw, h}, t->px,
                  TEXT_REGULAR, th->text_muted, UI_LEFT, 0, t->label[i]);
      ui_text_box(u, (SDL_Rect){x + pad + lw + th->gap, cy, vw, h},
                  t->px, TEXT_BOLD, th->text, UI_LEFT, 0, t->value[i]);
    }
    cy += h + (i + 1 < t->r1 ? th->gap / 2 : 0);
  }
  if (t->line[0] && (t->show & SHOW_LINE)) {
    int lh = ui_text_height(u, iw, t->px, TEXT_BOLD, t->line);
    cy += th->gap;
    if (draw)
      ui_text_box(u, (SDL_Rect){x + pad, cy, iw, lh}, t->px, TEXT_BOLD,
                  th->primary, UI_LEFT, 0, t->line);
    cy += lh;
  }
  if (t->printer_line[0] && (t->show & SHOW_PRINTER)) {
    int lh = ui_text_height(u, iw, t->px, TEXT_BOLD, t->printer_line);
    cy += th->gap;
    if (draw)
      ui_text_box(u, (SDL_Rect){x + pad, cy, iw, lh}, t->px, TEXT_BOLD,
                  th->accent, UI_LEFT, 0, t->printer_line);
    cy += lh;
  }
  if (t->outbox_line[0] && (t->show & SHOW_OUTBOX)) {
    cy += th->gap;
    cy += outbox_notice(t, u, x + pad, cy, iw, draw);
  }
  return cy + pad - y;
}

/* The scale choice: a label and two buttons; returns the height used. */
static int scale_row(app *a, ui *u, int x, int y, int w, int draw) {
  const theme *th = &u->th;
  const char *label = app_str(a, "menu.scale");
  int lh = ui_text_height(u, w, th->px_body, TEXT_REGULAR, label);
  if (draw) {
    int elder = app_default_elder(a);
    int bw = (w - th->gap) / 2;
    ui_text_box(u, (SDL_Rect){x, y, w, lh}, th->px_body, TEXT_REGULAR,
                th->text_muted, UI_LEFT, 0, label);
    ui_button(u, "menu.scale.normal",
              (SDL_Rect){x, y + lh + th->gap / 2, bw, th->button_h},
              elder ? UI_BTN_SECONDARY : UI_BTN_PRIMARY,
              app_str(a, "menu.scale.normal"));
    ui_tag(u, MENU_SCALE_NORMAL, 0);
    ui_button(u, "menu.scale.elder",
              (SDL_Rect){x + bw + th->gap, y + lh + th->gap / 2, bw,
                         th->button_h},
              elder ? UI_BTN_PRIMARY : UI_BTN_SECONDARY,
              app_str(a, "menu.scale.elder"));
    ui_tag(u, MENU_SCALE_ELDER, 0);
  }
  return lh + th->gap / 2 + th->button_h;
}

static void confirm_exit(app *a, ui *u) {
  const theme *th = &u->th;
  ui_begin_modal(u);
  ui_fill(u, (SDL_Rect){0, 0, th->w, th->h}, th->scrim);
  int cw = th->w * (th->portrait ? 88 : 56) / 100;
  int inner = cw - 4 * th->pad;
  const char *q = app_str(a, "menu.exit.confirm");
  int qh = ui_text_height(u, inner, th->px_large, TEXT_BOLD, q);
  int ch = 4 * th->pad + qh + 2 * th->gap + 2 * th->button_h + th->gap;
  SDL_Rect card = {(th->w - cw) / 2, (th->h - ch) / 2, cw, ch};
  ui_card(u, card, th->surface, th->focus);
  int x = card.x + 2 * th->pad, y = card.y + 2 * th->pad;
  ui_text_box(u, (SDL_Rect){x, y, inner, qh}, th->px_large, TEXT_BOLD,
              th->text, UI_LEFT, 0, q);
  y += qh + 2 * th->gap;
  ui_button(u, "menu.exit.no", (SDL_Rect){x, y, inner, th->button_h},
            UI_BTN_PRIMARY, app_str(a, "nav.cancel"));
  ui_tag(u, MENU_EXIT_NO, 0);
  y += th->button_h + th->gap;
  ui_button(u, "menu.exit.yes", (SDL_Rect){x, y, inner, th->button_h},
            UI_BTN_ACCENT, app_str(a, "menu.exit.yes"));
  ui_tag(u, MENU_EXIT_YES, 0);
}

/* The menu as one scrolling page, when it does not fit the screen (特大).
 * Nothing is shortened or left out; the status comes in two cards so that
 * each is seen whole where the page starts and where it ends:
 *   - the kiosk's state: a damaged outbox first, then content, backend,
 *     outbox and last contact, and how an update or a reprint went;
 *   - the buttons in two columns and the scale choice;
 *   - the devices: printer (with its last failure), ID card reader and
 *     document camera.
 * 上一页 / 下一页 sit in a bar at the bottom. */
#define DEVICE_ROW 5 /* the printer: the first row of the devices card */

static void menu_draw_paged(app *a, menu_state *s, ui *u, SDL_Rect area,
                            int footer, const menu_button *buttons, int nb) {
  const theme *th = &u->th;
  int m = th->margin, g = th->gap;
  int w = th->w - 2 * m;
  if (!th->portrait && w > theme_px(th, 1500))
    w = theme_px(th, 1500);
  int x = (th->w - w) / 2;
  int bar_top = footer - th->button_h - g;
  SDL_Rect view = {x, area.y + g / 2, w, bar_top - area.y - g};
  status_text t;
  status_gather(a, s, &t);
  t.px = th->px_body;
  status_text dev = t;
  t.r1 = DEVICE_ROW;
  t.show = SHOW_LINE | SHOW_OUTBOX_FIRST;
  dev.hello[0] = '\0';
  dev.r0 = DEVICE_ROW;
  dev.show = SHOW_PRINTER;
  int ch = status_card(a, &t, u, x, 0, w, 0);
  if (ch > view.h) {
    /* The state in one view if it can be: the band above already names
     * the person. */
    t.hello[0] = '\0';
    ch = status_card(a, &t, u, x, 0, w, 0);
  }
  int dh = status_card(a, &dev, u, x, 0, w, 0);
  int rows = (nb + 1) / 2;
  int sh = scale_row(a, u, x, 0, w, 0);
  int content_h = ch + g + rows * (th->button_h + g) + sh + g + dh;
  pageview_update(&s->page, content_h, view.h, app_now(a));
  if (s->reveal && t.line[0]) {
    /* After 立即更新内容 or 重打上一张回执: the page shows the line that
     * tells how it went (the last of the first card). */
    pageview_set_offset(&s->page, ch + g - view.h);
  }
  s->reveal = 0;
  ui_clip_begin(u, view);
  int y = view.y - pageview_offset(&s->page);
  ui_card(u, (SDL_Rect){x, y, w, ch}, th->surface, th->border);
  status_card(a, &t, u, x, y, w, 1);
  y += ch + g;
  int cw = (w - g) / 2;
  for (int i = 0; i < nb; i++) {
    int r = i / 2, col = i % 2;
    ui_button(u, buttons[i].id,
              (SDL_Rect){x + col * (cw + g), y + r * (th->button_h + g), cw,
                         th->button_h},
              buttons[i].style, app_str(a, buttons[i].key));
    ui_tag(u, buttons[i].action, 0);
  }
  y += rows * (th->button_h + g);
  scale_row(a, u, x, y, w, 1);
  y += sh + g;
  ui_card(u, (SDL_Rect){x, y, w, dh}, th->surface, th->border);
  status_card(a, &dev, u, x, y, w, 1);
  ui_clip_end(u);

  /* Bottom bar: the page buttons. */
  ui_fill(u, (SDL_Rect){0, bar_top, th->w, theme_px(th, 2)}, th->border);
  int by = bar_top + g / 2;
  int bw = (th->w - 2 * m - 2 * g) / 3;
  pageview_draw_bar(&s->page, u, (SDL_Rect){m, by, bw, th->button_h},
                    (SDL_Rect){m + bw + g, by, bw, th->button_h});
  if (s->confirm_exit)
    confirm_exit(a, u);
}

static void menu_draw(app *a, void *state, ui *u) {
  menu_state *s = state;
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "menu.title"), 1);
  int footer = screen_footer(a, u);
  int m = th->margin, g = th->gap;
  int w = th->w - 2 * m;
  if (!th->portrait && w > theme_px(th, 1700))
    w = theme_px(th, 1700);
  int x = (th->w - w) / 2;
  int y = area.y + g;
  status_text t;
  status_gather(a, s, &t);
  t.px = th->px_body;
  int admin = staff_host_is_admin(app_staff(a));
  menu_button buttons[] = {
      {"menu.assist", "menu.assist", UI_BTN_PRIMARY, MENU_ASSIST},
      {"menu.sync_now", "menu.sync_now", UI_BTN_SECONDARY, MENU_SYNC_NOW},
      {"staff.outbox", "outbox.open", UI_BTN_SECONDARY, MENU_OUTBOX},
      {"menu.reprint", "menu.reprint", UI_BTN_SECONDARY, MENU_REPRINT},
      {"staff.textentry", "kbd.demo.open", UI_BTN_SECONDARY, MENU_TEXTENTRY},
      {"menu.sign_out", "menu.sign_out", UI_BTN_SECONDARY, MENU_SIGN_OUT},
      {"menu.exit", "menu.exit", UI_BTN_ACCENT, MENU_EXIT},
  };
  int nb = admin ? 7 : 6;
  /* Landscape: status on the left; buttons in two columns on the right
   * with the scale choice under them. Portrait: all stacked. */
  int sw = th->portrait ? w : (w - g) * 9 / 20;
  int bx = th->portrait ? x : x + sw + g;
  int bwid = th->portrait ? w : w - sw - g;
  /* What must fit under the card in portrait: the buttons and the scale
   * choice at their smallest. */
  int under = th->portrait ? ((nb + 1) / 2) * (th->button_h + g) +
                                 scale_row(a, u, bx, 0, bwid, 0) + g
                           : 0;
  int room = footer - g - y - under;
  int ch = status_card(a, &t, u, x, y, sw, 0);
  if (ch > room) {
    /* Short screens in elder mode: the band above already names the
     * person; the greeting goes. */
    t.hello[0] = '\0';
    ch = status_card(a, &t, u, x, y, sw, 0);
  }
  if (ch > room) {
    /* Still too tall: the printer's kind goes, then the card's text
     * takes the small size (staff read it up close). */
    snprintf(t.value[5], sizeof t.value[5], "%s", t.printer_short);
    ch = status_card(a, &t, u, x, y, sw, 0);
    if (ch > room) {
      t.px = th->px_small;
      ch = status_card(a, &t, u, x, y, sw, 0);
    }
  }
  if (ch > room && t.outbox_line[0]) {
    /* Then the damaged-outbox notice in its short form. */
    const outbox_salvage *sv = net_host_salvage(app_net(a));
    char n[16];
    snprintf(n, sizeof n, "%u", sv ? (unsigned)sv->recovered : 0u);
    chrome_format(t.outbox_line, sizeof t.outbox_line,
                  app_str(a, "menu.outbox.salvaged.short"), "n", n);
    ch = status_card(a, &t, u, x, y, sw, 0);
  }
  if (ch > room && t.outbox_line[0] && t.line[0]) {
    /* The damaged outbox matters more than how content updating stands. */
    t.line[0] = '\0';
    ch = status_card(a, &t, u, x, y, sw, 0);
  }
  if (ch > room && !th->portrait) {
    /* 特大 on a landscape screen: the card takes more of the width, the
     * buttons' words a smaller size (ui_button fits them). */
    sw = (w - g) * 12 / 20;
    bx = x + sw + g;
    bwid = w - sw - g;
    ch = status_card(a, &t, u, x, y, sw, 0);
  }
  int sh = scale_row(a, u, bx, 0, bwid, 0);
  int by = th->portrait ? y + ch + g : y;
  /* Button rows share what is left above the scale choice, between the
   * theme's button height and half as much again. */
  int rows = (nb + 1) / 2;
  int avail = footer - g - sh - g - by;
  if (ch > room || avail - (rows - 1) * g < rows * th->button_h) {
    /* Even shortened it does not fit: one scrolling page instead. */
    menu_draw_paged(a, s, u, area, footer, buttons, nb);
    return;
  }
  pageview_top(&s->page);
  s->reveal = 0;
  ui_card(u, (SDL_Rect){x, y, sw, ch}, th->surface, th->border);
  status_card(a, &t, u, x, y, sw, 1);
  int bh = (avail - (rows - 1) * g) / rows;
  if (bh > th->button_h * 3 / 2)
    bh = th->button_h * 3 / 2;
  if (bh < th->button_h)
    bh = th->button_h;
  int cw = (bwid - g) / 2;
  for (int i = 0; i < nb; i++) {
    int r = i / 2, col = i % 2;
    ui_button(u, buttons[i].id,
              (SDL_Rect){bx + col * (cw + g), by + r * (bh + g), cw, bh},
              buttons[i].style, app_str(a, buttons[i].key));
    ui_tag(u, buttons[i].action, 0);
  }
  scale_row(a, u, bx, by + rows * (bh + g), bwid, 1);
  if (s->confirm_exit)
    confirm_exit(a, u);
}

static uint64_t menu_tick(app *a, void *state, uint64_t now) {
  (void)now;
  /* The print host's event wakes the loop when a reprint is done. */
  poll_reprint(a, state);
  /* While a check runs, look again every half second for its end (the
   * worker's event also redraws). */
  content_host_status st;
  content_host_status_get(app_content_host(a), &st);
  uint64_t next = pageview_deadline(&((menu_state *)state)->page);
  return st.syncing && next > 500 ? 500 : next;
}

const screen_class screen_staff_menu = {
    .name = "staff_menu",
    .state_size = sizeof(menu_state),
    .enter = menu_enter,
    .event = menu_event,
    .draw = menu_draw,
    .tick = menu_tick,
};
