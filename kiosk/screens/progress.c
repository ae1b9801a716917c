/* progress: "查询进度" — the reference number from the receipt (letters and
 * digits, Latin keypad) and the last four characters of the applicant's ID
 * number (ID keypad) -> where each item applied for stands (one row per
 * item with its Chinese name from the catalogue: each is handled on its own,
 * often by another department) and the application's timeline from the
 * backend: 已提交, 受理, 审核, 公示, 审批, 发放, 退回补正, 不予, with dates
 * and the back office's notes.
 *
 * What is typed is checked here first (length, alphabet and check character
 * of the reference; digits and a final X for the ID characters) so a typo is
 * caught without a round trip. The query itself runs on net_host's query
 * thread; the screen waits for its answer in tick. The backend answers "not
 * found" alike for an unknown reference and for wrong ID characters, so no
 * one can probe references: the screen says the same in both cases, and it
 * only ever shows the timeline the backend returned for the pair typed —
 * never anything stored on this kiosk. Network down and rate limiting have
 * their own plain messages. The typed characters and the answer are wiped
 * when the screen is left (every session end leaves it).
 *
 * A hall's barcode scanner is a keyboard: it types the receipt's QR code
 * (the progress-page address of receipt.status_url, or the bare reference)
 * and Enter, far faster than a hand. Such a burst — at least
 * PG_SCAN_MIN_KEYS text events each within PG_SCAN_GAP_MS of the last,
 * then Enter — is taken as a scan, whatever has the focus and also over a
 * result: the fields go back to what they were before the burst, the
 * reference read from the code fills its field, and the query runs when
 * the ID characters are there (else they are asked for: the kiosk's query
 * needs them, as when the reference is typed). */
#include <stdio.h>
#include <string.h>

#include "services/services.h"
#include "core/log.h"
#include "widgets/field.h"
#include "widgets/kbd.h"
#include "screens/screens.h"
#include "widgets/doc.h"
#include "widgets/pageview.h"

#define PG_REF_CHARS 11   /* "JC-3E3H-3" and spaces, though 7 matter */
#define PG_CHECK_CHARS 4
#define PG_SCAN_GAP_MS 50  /* a scanner types faster than this per key */
#define PG_SCAN_MIN_KEYS 7 /* and at least this many keys before Enter */

typedef enum pg_mode { PG_FORM = 0, PG_WAITING, PG_RESULT } pg_mode;

typedef struct pg_state {
  field f[2]; /* 0: reference, 1: ID characters */
  field_layout lay[2];
  int active;
  kbd *k;
  pg_mode mode;
  const char *msg_key;   /* a message for the form, or NULL */
  char msg[300];
  int msg_is_error;
  uint32_t ticket;
  api_status_result res;
  doc *d;
  pageview page;
  /* The current burst of typed text (a scan if Enter ends it quickly),
   * and the two fields as they were before it began. */
  char scan[PRINTER_QR_TEXT_MAX + 2];
  size_t scan_len;
  int scan_keys;
  uint64_t scan_last;
  char before[2][32];
} pg_state;

static const char *const field_ids[2] = {"progress.ref", "progress.check"};

/* What a tap on the progress screen means (ui_tag). */
enum pg_action {
  PG_FIELD = 1, /* arg: 0 the reference, 1 the check digits */
  PG_SEARCH,
  PG_AGAIN
};

static void focus(pg_state *s, int i) {
  s->active = i;
  if (s->k)
    kbd_bind(s->k, s->f[i].kind);
}

static void pg_enter(app *a, void *state, const void *arg) {
  (void)arg;
  pg_state *s = state;
  field_init(&s->f[0], FIELD_LATIN, PG_REF_CHARS);
  field_init(&s->f[1], FIELD_ID_NUMBER, PG_CHECK_CHARS);
  if (kbd_create(app_ime(a), &s->k))
    s->k = NULL;
  s->d = doc_create();
  focus(s, 0);
}

static void pg_leave(app *a, void *state) {
  pg_state *s = state;
  net_host_query_cancel(app_net(a), s->ticket);
  kbd_destroy(s->k);
  s->k = NULL;
  field_free(&s->f[0]);
  field_free(&s->f[1]);
  doc_destroy(s->d); /* doc_clear inside wipes the timeline's texts */
  s->d = NULL;
  session_wipe_bytes(&s->res, sizeof s->res);
  session_wipe_bytes(s->scan, sizeof s->scan);
  session_wipe_bytes(s->before, sizeof s->before);
  s->scan_len = 0;
  s->scan_keys = 0;
}

static void set_msg(app *a, pg_state *s, const char *key, int error) {
  s->msg_key = key;
  s->msg_is_error = error;
  snprintf(s->msg, sizeof s->msg, "%s", key ? app_str(a, key) : "");
}

/* "2026-11-22T10:00:00+08:00" -> "2026年11月22日". */
static void format_day(const char *iso, char *out, size_t size) {
  int y, mo, d;
  if (sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) == 3)
    snprintf(out, size, "%d年%d月%d日", y, mo, d);
  else
    snprintf(out, size, "%s", iso);
}

static const char *status_code(api_progress p) {
  static const char *const codes[] = {"submitted", "accepted",  "reviewing",
                                      "publicized", "approved", "paid",
                                      "returned",  "refused",   "unknown"};
  return (unsigned)p < sizeof codes / sizeof codes[0] ? codes[p] : "unknown";
}

static void build_result(app *a, pg_state *s) {
  char buf[800], key[64], day[64], names[400] = "";
  doc *d = s->d;
  doc_clear(d);
  for (size_t i = 0; i < s->res.n_items; i++) {
    const content_item *it = content_item_find(app_content(a), s->res.items[i]);
    if (i)
      strncat(names, "、", sizeof names - strlen(names) - 1);
    strncat(names, it ? it->name : s->res.items[i],
            sizeof names - strlen(names) - 1);
  }
  if (names[0]) {
    chrome_format(buf, sizeof buf, app_str(a, "progress.items"), "items",
                  names);
    doc_para(d, buf);
  }
  doc_heading(d, app_str(a, "progress.result"));
  for (size_t i = 0; i < s->res.n_timeline; i++) {
    const api_timeline_entry *e = &s->res.timeline[i];
    const char *code = status_code(e->status);
    char label_key[64], hint[API_NOTE_MAX + 400];
    snprintf(label_key, sizeof label_key, "progress.status.%s", code);
    snprintf(key, sizeof key, "progress.status.%s.hint", code);
    format_day(e->at, day, sizeof day);
    if (e->note[0]) {
      char note[API_NOTE_MAX + 40];
      chrome_format(note, sizeof note, app_str(a, "progress.note"), "note",
                    e->note);
      snprintf(hint, sizeof hint, "%s%s", app_str(a, key), note);
    } else {
      snprintf(hint, sizeof hint, "%s", app_str(a, key));
    }
    doc_step(d, (int)i + 1, app_str(a, label_key), day, hint);
  }
  /* Then one row per item, each with its own status (joint processing):
   * the timeline above is the application as a whole. A server from
   * before sends none, and the timeline alone is shown. */
  if (s->res.n_item_states) {
    doc_heading(d, app_str(a, "progress.item_states"));
    for (size_t i = 0; i < s->res.n_item_states; i++) {
      const api_item_state *is = &s->res.item_states[i];
      const content_item *it = content_item_find(app_content(a), is->id);
      const char *code = status_code(is->status);
      char label_key[64], line[400];
      snprintf(label_key, sizeof label_key, "progress.status.%s", code);
      snprintf(key, sizeof key, "progress.status.%s.hint", code);
      format_day(is->at, day, sizeof day);
      snprintf(line, sizeof line, "%s：%s", it ? it->name : is->id,
               app_str(a, label_key));
      doc_step(d, (int)i + 1, line, day, app_str(a, key));
    }
  }
  doc_note(d, app_str(a, "progress.privacy"));
  session_wipe_bytes(buf, sizeof buf);
}

/* Checks what was typed; starts the query when it looks right. */
static void search(app *a, pg_state *s) {
  char ref[REFNO_BUF];
  const char *check = field_text(&s->f[1]);
  kerr e = refno_normalize(field_text(&s->f[0]), ref);
  if (e) {
    set_msg(a, s, e == KERR_PARSE ? "progress.short_reference"
                                  : "progress.bad_reference", 1);
    focus(s, 0);
    return;
  }
  int ok = strlen(check) == 4;
  for (int i = 0; ok && i < 4; i++)
    ok = (check[i] >= '0' && check[i] <= '9') ||
         (i == 3 && (check[i] == 'X' || check[i] == 'x'));
  if (!ok) {
    set_msg(a, s, "progress.bad_check", 1);
    focus(s, 1);
    return;
  }
  if (s->k)
    kbd_reset(s->k);
  s->mode = PG_WAITING;
  set_msg(a, s, "progress.searching", 0);
  e = net_host_query_start(app_net(a), ref, check, &s->ticket);
  session_wipe_bytes(ref, sizeof ref);
  if (e && e != KERR_BUSY) {
    s->mode = PG_FORM;
    set_msg(a, s, "progress.network", 1);
  }
}

/* The answer arrived: show it, or say why not. */
static void answered(app *a, pg_state *s, kerr outcome) {
  s->mode = PG_FORM;
  switch (outcome) {
  case KERR_OK:
    s->mode = PG_RESULT;
    pageview_top(&s->page);
    set_msg(a, s, NULL, 0);
    field_clear(&s->f[1]);
    build_result(a, s);
    break;
  case KERR_NOTFOUND:
    snprintf(s->msg, sizeof s->msg, "%s%s", app_str(a, "progress.not_found"),
             app_str(a, "progress.not_found_hint"));
    s->msg_key = "progress.not_found";
    s->msg_is_error = 1;
    break;
  case KERR_BUSY: {
    char mins[16];
    int m = (s->res.retry_after_s + 59) / 60;
    snprintf(mins, sizeof mins, "%d", m < 1 ? 1 : m);
    chrome_format(s->msg, sizeof s->msg, app_str(a, "progress.busy_minutes"),
                  "minutes", mins);
    s->msg_key = "progress.busy_minutes";
    s->msg_is_error = 1;
    break;
  }
  case KERR_INVALID:
    set_msg(a, s, "progress.bad_reference", 1);
    break;
  default:
    set_msg(a, s, "progress.network", 1);
    break;
  }
  if (outcome != KERR_OK)
    session_wipe_bytes(&s->res, sizeof s->res);
}

/* The ID field kind takes X only as the 18th character; here the four
 * characters are the end of the number, so X may be the fourth. */
static void insert_check(field *f, const char *text) {
  for (const char *p = text; *p; p++) {
    if ((*p == 'X' || *p == 'x') && field_chars(f) == PG_CHECK_CHARS - 1 &&
        f->caret == f->len) {
      f->text[f->len++] = 'X';
      f->text[f->len] = '\0';
      f->caret = f->len;
    } else {
      char one[2] = {*p, '\0'};
      field_insert(f, one);
    }
  }
}

/* Inserts typed text; the reference is shown in capitals, as printed. */
static void insert(pg_state *s, const char *text) {
  char up[64];
  snprintf(up, sizeof up, "%s", text);
  if (s->active == 1) {
    insert_check(&s->f[1], up);
  } else {
    for (char *p = up; *p; p++)
      if (*p >= 'a' && *p <= 'z')
        *p = (char)(*p - 'a' + 'A');
    field_insert(&s->f[0], up);
  }
  session_wipe_bytes(up, sizeof up);
}

static void apply(pg_state *s, const kbd_out *o) {
  field *f = &s->f[s->active];
  for (int i = 0; i < o->backspace; i++)
    field_backspace(f);
  if (o->text[0])
    insert(s, o->text);
}

static void again(app *a, pg_state *s) {
  s->mode = PG_FORM;
  field_clear(&s->f[0]);
  field_clear(&s->f[1]);
  doc_clear(s->d);
  session_wipe_bytes(&s->res, sizeof s->res);
  set_msg(a, s, NULL, 0);
  focus(s, 0);
}

/* ---- barcode scans ---- */

static void scan_reset(pg_state *s) {
  session_wipe_bytes(s->scan, sizeof s->scan);
  session_wipe_bytes(s->before, sizeof s->before);
  s->scan_len = 0;
  s->scan_keys = 0;
}

/* Typed text: part of the current burst, or the start of a new one. */
static void scan_note(app *a, pg_state *s, const char *text) {
  uint64_t now = app_now(a);
  if (!s->scan_keys || now - s->scan_last > PG_SCAN_GAP_MS) {
    scan_reset(s);
    for (int i = 0; i < 2; i++)
      snprintf(s->before[i], sizeof s->before[i], "%s", field_text(&s->f[i]));
  }
  size_t n = strlen(text);
  if (s->scan_len + n < sizeof s->scan) {
    memcpy(s->scan + s->scan_len, text, n + 1);
    s->scan_len += n;
  } else {
    s->scan_len = sizeof s->scan; /* too long for a receipt's code */
  }
  s->scan_keys++;
  s->scan_last = now;
}

/* 1 when Enter now ends a scanner's burst. */
static int scan_pending(app *a, const pg_state *s) {
  return s->scan_keys >= PG_SCAN_MIN_KEYS &&
         app_now(a) - s->scan_last <= PG_SCAN_GAP_MS;
}

/* The reference in a receipt address made from tmpl: literal parts match
 * (letters in any case), {ref} is the reference, {token} is skipped; each
 * runs up to the template's next character. Copies the reference into
 * ref (size bytes). 0 if text is not made from tmpl. */
static int scan_match(const char *tmpl, const char *text, char *ref,
                      size_t size) {
  const char *t = tmpl, *p = text;
  int found = 0;
  ref[0] = '\0';
  while (*t) {
    size_t tag = 0;
    int is_ref = 0;
    if (strncmp(t, PRINTER_QR_REF_TAG, strlen(PRINTER_QR_REF_TAG)) == 0) {
      tag = strlen(PRINTER_QR_REF_TAG);
      is_ref = 1;
    } else if (strncmp(t, PRINTER_QR_TOKEN_TAG,
                       strlen(PRINTER_QR_TOKEN_TAG)) == 0) {
      tag = strlen(PRINTER_QR_TOKEN_TAG);
    }
    if (tag) {
      char stop = t[tag];
      size_t n = stop ? strcspn(p, (char[]){stop, '\0'}) : strlen(p);
      if (n == 0)
        return 0;
      if (is_ref) {
        if (n >= size)
          return 0;
        memcpy(ref, p, n);
        ref[n] = '\0';
        found = 1;
      }
      p += n;
      t += tag;
      continue;
    }
    char x = *t, y = *p;
    if (x >= 'A' && x <= 'Z')
      x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = (char)(y - 'A' + 'a');
    if (!*p || x != y)
      return 0;
    t++;
    p++;
  }
  return !*p && found;
}

/* The value of r, ref or reference in an address's query, into ref. */
static int scan_query_ref(const char *text, char *ref, size_t size) {
  const char *q = strchr(text, '?');
  if (!q || !strstr(text, "://"))
    return 0;
  for (q++; *q;) {
    size_t n = strcspn(q, "&#");
    const char *eq = memchr(q, '=', n);
    if (eq) {
      size_t kl = (size_t)(eq - q), vl = n - kl - 1;
      if (((kl == 1 && q[0] == 'r') || (kl == 3 && !strncmp(q, "ref", 3)) ||
           (kl == 9 && !strncmp(q, "reference", 9))) &&
          vl > 0 && vl < size) {
        memcpy(ref, eq + 1, vl);
        ref[vl] = '\0';
        return 1;
      }
    }
    q += n;
    if (*q != '&')
      break;
    q++;
  }
  return 0;
}

/* What a scanned code says: KERR_OK with the canonical reference in ref;
 * KERR_PARSE when it is no receipt's code; KERR_INVALID when it names a
 * reference whose check character is wrong. */
static kerr scan_reference(const char *tmpl, const char *text,
                           char ref[REFNO_BUF]) {
  char raw[PRINTER_QR_TEXT_MAX + 1];
  kerr e = refno_normalize(text, ref);
  if (e != KERR_PARSE)
    return e; /* a bare reference, right or with a wrong check character */
  if ((tmpl && tmpl[0] && scan_match(tmpl, text, raw, sizeof raw)) ||
      scan_query_ref(text, raw, sizeof raw))
    e = refno_normalize(raw, ref) == KERR_OK ? KERR_OK : KERR_INVALID;
  session_wipe_bytes(raw, sizeof raw);
  return e;
}

/* A scan ended with Enter: the reference from it, then the query. */
static void scanned(app *a, pg_state *s) {
  char text[sizeof s->scan], ref[REFNO_BUF], typed[REFNO_BUF];
  size_t n = s->scan_len < sizeof s->scan ? s->scan_len : 0;
  memcpy(text, s->scan, n);
  text[n] = '\0';
  /* Scanners may add spaces or line ends of their own. */
  while (n && (text[n - 1] == ' ' || text[n - 1] == '\r' ||
               text[n - 1] == '\n' || text[n - 1] == '\t'))
    text[--n] = '\0';
  const char *start = text + strspn(text, " \t\r\n");
  if (s->mode == PG_FORM) {
    /* What the burst typed into a field is not the applicant's. */
    field_clear(&s->f[0]);
    field_insert(&s->f[0], s->before[0]);
    field_clear(&s->f[1]);
    insert_check(&s->f[1], s->before[1]);
  }
  kerr e = scan_reference(app_receipt_status_url(a), start, ref);
  LOG_I("progress", "scan: %s", e ? "not a receipt code" : "reference read");
  scan_reset(s);
  session_wipe_bytes(text, sizeof text);
  if (e) {
    set_msg(a, s, e == KERR_INVALID ? "progress.bad_reference"
                                    : "progress.scan_unknown", 1);
    return;
  }
  if (s->mode == PG_RESULT)
    again(a, s);
  /* Into the field as one would type it: letters and digits. */
  size_t k = 0;
  for (const char *p = ref; *p && k + 1 < sizeof typed; p++)
    if (*p != '-')
      typed[k++] = *p;
  typed[k] = '\0';
  field_clear(&s->f[0]);
  field_insert(&s->f[0], typed);
  session_wipe_bytes(ref, sizeof ref);
  session_wipe_bytes(typed, sizeof typed);
  if (field_chars(&s->f[1]) == PG_CHECK_CHARS) {
    search(a, s);
  } else {
    focus(s, 1);
    set_msg(a, s, "progress.scan_read", 0);
  }
}

static void pg_event(app *a, void *state, const ui_event *ev) {
  pg_state *s = state;
  app_dirty(a);
  if (s->mode != PG_WAITING) {
    /* A scanner's burst, on the form or over a result. */
    if (ev->type == UI_EV_TEXT && ev->text)
      scan_note(a, s, ev->text);
    else if (ev->type == UI_EV_KEY &&
             (ev->key == SDLK_RETURN || ev->key == SDLK_KP_ENTER) &&
             scan_pending(a, s)) {
      scanned(a, s);
      return;
    } else if (ev->type != UI_EV_KEY || ev->key == SDLK_BACKSPACE ||
               ev->key == SDLK_TAB || ev->key == SDLK_RETURN ||
               ev->key == SDLK_KP_ENTER) {
      scan_reset(s); /* a tap, a deletion or a slow Enter */
    }
  }
  if (s->mode == PG_RESULT) {
    if (!pageview_event(&s->page, ev, app_now(a)) && ev->type == UI_EV_TAP &&
        ev->action == PG_AGAIN)
      again(a, s);
    return;
  }
  if (s->mode == PG_WAITING)
    return;
  kbd_out o;
  if (s->k && kbd_event(s->k, ev, &o)) {
    apply(s, &o);
    if (o.done) {
      if (s->active == 0)
        focus(s, 1);
      else
        search(a, s);
    }
    session_wipe_bytes(&o, sizeof o);
    return;
  }
  switch (ev->type) {
  case UI_EV_TAP:
    if (ev->action == PG_FIELD && (ev->arg == 0 || ev->arg == 1)) {
      int i = ev->arg;
      if (s->active != i)
        focus(s, i);
      field_caret_set(&s->f[i], field_index_at(&s->lay[i], ev->x, ev->y));
    }
    if (ev->action == PG_SEARCH)
      search(a, s);
    break;
  case UI_EV_TEXT:
    /* A physical keyboard (staff, scripts): straight into the field. */
    insert(s, ev->text);
    break;
  case UI_EV_KEY:
    if (ev->key == SDLK_BACKSPACE)
      field_backspace(&s->f[s->active]);
    else if (ev->key == SDLK_TAB)
      focus(s, 1 - s->active);
    else if (ev->key == SDLK_RETURN)
      search(a, s);
    break;
  default:
    break;
  }
}

static void draw_result(app *a, pg_state *s, ui *u, SDL_Rect area) {
  const theme *th = &u->th;
  int footer = screen_footer(a, u);
  int m = th->margin;
  int w = th->w - 2 * m;
  if (!th->portrait && w > theme_px(th, 1500))
    w = theme_px(th, 1500);
  int x = (th->w - w) / 2;
  int y = area.y + th->gap / 2;
  const char *label = app_str(a, "progress.reference_label");
  int lh = ui_text_height(u, w, th->px_body, TEXT_REGULAR, label);
  ui_text_box(u, (SDL_Rect){x, y, w, lh}, th->px_body, TEXT_REGULAR,
              th->text_muted, UI_LEFT, 0, label);
  y += lh;
  int rh = ui_text_height(u, w, th->px_title, TEXT_BOLD, s->res.reference);
  ui_text_box(u, (SDL_Rect){x, y, w, rh}, th->px_title, TEXT_BOLD,
              th->primary, UI_LEFT, 0, s->res.reference);
  y += rh + th->gap / 2;
  int bar_top = footer - th->button_h - th->gap;
  SDL_Rect view = {x, y, w, bar_top - th->gap / 2 - y};
  int h = doc_layout(s->d, u, view.w);
  pageview_update(&s->page, h, view.h, app_now(a));
  doc_draw(s->d, u, view, pageview_offset(&s->page));
  ui_fill(u, (SDL_Rect){0, bar_top, th->w, theme_px(th, 2)}, th->border);
  int by = bar_top + th->gap / 2;
  int bw = (th->w - 2 * m - 2 * th->gap) / 3;
  pageview_draw_bar(&s->page, u, (SDL_Rect){m, by, bw, th->button_h},
                    (SDL_Rect){m + bw + th->gap, by, bw, th->button_h});
  ui_button(u, "progress.again",
            (SDL_Rect){th->w - m - bw, by, bw, th->button_h}, UI_BTN_PRIMARY,
            app_str(a, "progress.again"));
  ui_tag(u, PG_AGAIN, 0);
}

static void pg_draw(app *a, void *state, ui *u) {
  pg_state *s = state;
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "progress.title"), 1);
  if (s->mode == PG_RESULT) {
    draw_result(a, s, u, area);
    return;
  }
  int m = th->margin;
  int w = th->w - 2 * m;
  if (!th->portrait && w > theme_px(th, 1500))
    w = theme_px(th, 1500);
  int x = (th->w - w) / 2;
  int y = area.y + th->gap / 2;
  /* What to type, or the answer to the last try. */
  const char *msg = s->msg_key ? s->msg : app_str(a, "progress.intro");
  int mh = ui_text_height(u, w - 2 * th->pad, th->px_body,
                          s->msg_key ? TEXT_BOLD : TEXT_REGULAR, msg);
  if (s->msg_key) {
    ui_card(u, (SDL_Rect){x, y, w, mh + 2 * th->pad},
            s->msg_is_error ? th->warn_bg : th->surface, th->border);
    ui_text_box(u, (SDL_Rect){x + th->pad, y + th->pad, w - 2 * th->pad, mh},
                th->px_body, TEXT_BOLD, s->msg_is_error ? th->accent : th->text,
                UI_LEFT, 0, msg);
    y += mh + 2 * th->pad + th->gap / 2;
  } else {
    ui_text_box(u, (SDL_Rect){x, y, w, mh}, th->px_body, TEXT_REGULAR,
                th->text_muted, UI_LEFT, 0, msg);
    y += mh + th->gap / 2;
  }
  /* The two fields and 查询: one row on landscape screens, stacked on
   * portrait ones. */
  field_view v[2];
  char counter[2][16];
  const char *labels[2] = {"progress.reference_label", "progress.check_label"};
  const char *hints[2] = {"progress.reference_hint", "progress.check_hint"};
  for (int i = 0; i < 2; i++) {
    snprintf(counter[i], sizeof counter[i], "%zu/%d", field_chars(&s->f[i]),
             i ? PG_CHECK_CHARS : 7);
    v[i] = (field_view){.id = field_ids[i],
                        .label = app_str(a, labels[i]),
                        .placeholder = app_str(a, hints[i]),
                        .composition = "",
                        .error = "",
                        .counter = i ? counter[i] : NULL,
                        .focused = s->active == i && s->mode == PG_FORM};
  }
  int bw = th->portrait ? w : w / 5;
  int fw1 = th->portrait ? w : w * 3 / 10;
  int fw0 = th->portrait ? w : w - bw - fw1 - 2 * th->gap;
  int fh = field_height(u, fw0, &v[0]);
  int fh1 = field_height(u, fw1, &v[1]);
  if (fh1 > fh)
    fh = fh1;
  int form_h = th->portrait ? 2 * fh + th->gap / 2 + th->button_h + th->gap / 2
                            : fh;
  int kb_max = th->h - y - form_h - th->gap;
  int kh = s->k && s->mode == PG_FORM ? kbd_height(s->k, u, th->w, kb_max) : 0;
  if (kh)
    kbd_draw(s->k, u, (SDL_Rect){0, th->h - kh, th->w, kh});
  else
    screen_footer(a, u);
  if (th->portrait) {
    field_draw(u, (SDL_Rect){x, y, w, fh}, &s->f[0], &v[0], &s->lay[0]);
    ui_tag(u, PG_FIELD, 0);
    y += fh + th->gap / 2;
    field_draw(u, (SDL_Rect){x, y, w, fh}, &s->f[1], &v[1], &s->lay[1]);
    ui_tag(u, PG_FIELD, 1);
    y += fh + th->gap / 2;
    ui_button(u, "progress.search", (SDL_Rect){x, y, w, th->button_h},
              UI_BTN_PRIMARY, app_str(a, "progress.search"));
    ui_tag(u, PG_SEARCH, 0);
  } else {
    field_draw(u, (SDL_Rect){x, y, fw0, fh}, &s->f[0], &v[0], &s->lay[0]);
    ui_tag(u, PG_FIELD, 0);
    field_draw(u, (SDL_Rect){x + fw0 + th->gap, y, fw1, fh}, &s->f[1], &v[1],
               &s->lay[1]);
    ui_tag(u, PG_FIELD, 1);
    /* The button lines up with the boxes, under the labels. */
    int by = y + fh - th->button_h;
    SDL_Rect box = s->lay[1].box;
    if (box.h > 0)
      by = box.y + (box.h - th->button_h) / 2;
    ui_button(u, "progress.search",
              (SDL_Rect){x + w - bw, by, bw, th->button_h}, UI_BTN_PRIMARY,
              app_str(a, "progress.search"));
    ui_tag(u, PG_SEARCH, 0);
  }
}

static uint64_t pg_tick(app *a, void *state, uint64_t now) {
  (void)now;
  pg_state *s = state;
  if (s->mode == PG_WAITING) {
    kerr outcome = KERR_INTERNAL;
    kerr e = net_host_query_take(app_net(a), s->ticket, &outcome, &s->res);
    if (e == KERR_BUSY)
      return 250; /* the answer's event wakes the loop sooner */
    answered(a, s, e ? KERR_NET : outcome);
    LOG_I("progress", "query answered: %s", kerr_str(e ? KERR_NET : outcome));
    return 0;
  }
  if (s->mode == PG_RESULT)
    return pageview_deadline(&s->page);
  return s->k ? kbd_tick(s->k) : UINT64_MAX;
}

const screen_class screen_progress = {
    .name = "progress",
    .state_size = sizeof(pg_state),
    .enter = pg_enter,
    .leave = pg_leave,
    .event = pg_event,
    .draw = pg_draw,
    .tick = pg_tick,
    .raw_pointer = 1,
};
