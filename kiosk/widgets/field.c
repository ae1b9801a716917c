/* field: see field.h. Invariants: text[len] == '\0'; text is valid UTF-8 of
 * at most max_chars characters accepted by the kind; caret <= len and on a
 * character boundary. */
#include "widgets/field.h"

#include <stdlib.h>
#include <string.h>

#include "core/session.h"
#include "core/utf8.h"
#include "ui/text.h"

/* Bytes for the text on show: the field's text with room for a composition. */
#define SHOWN_MAX (FIELD_BYTES_MAX + 260)

void field_init(field *f, field_kind kind, int max_chars) {
  session_wipe_bytes(f, sizeof *f);
  f->kind = kind;
  if (max_chars < 1)
    max_chars = 1;
  if (max_chars > FIELD_CHARS_MAX)
    max_chars = FIELD_CHARS_MAX;
  f->max_chars = max_chars;
}

void field_free(field *f) {
  field_kind k = f->kind;
  int m = f->max_chars;
  session_wipe_bytes(f, sizeof *f);
  f->kind = k;
  f->max_chars = m;
}

void field_clear(field *f) {
  session_wipe_bytes(f->text, sizeof f->text);
  f->len = f->caret = 0;
}

const char *field_text(const field *f) { return f->text; }

size_t field_chars(const field *f) { return utf8_count(f->text, f->len); }

size_t field_caret_index(const field *f) {
  return utf8_count(f->text, f->caret);
}

static bool is_digit(unsigned cp) { return cp >= '0' && cp <= '9'; }

/* Whether one character (code point) is accepted by the kind at all. */
static bool field_accepts(field_kind kind, unsigned cp) {
  switch (kind) {
  case FIELD_ID_NUMBER:
    return is_digit(cp) || cp == 'X' || cp == 'x';
  case FIELD_PHONE:
    return is_digit(cp) || cp == '-';
  case FIELD_MONEY:
    return is_digit(cp) || cp == '.';
  case FIELD_NUMBER:
    return is_digit(cp);
  case FIELD_LATIN:
    return is_digit(cp) || (cp >= 'a' && cp <= 'z') ||
           (cp >= 'A' && cp <= 'Z') || cp == ' ';
  case FIELD_NAME:
  case FIELD_TEXT:
    /* No control characters (C0, DEL, C1), no line or paragraph breaks. */
    return cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
           cp != 0x2028 && cp != 0x2029;
  }
  return false;
}

/* Whether cp may go at the caret given what is already there. */
static bool fits_here(const field *f, unsigned cp) {
  /* The check character X goes last only: the 18th of a whole number, or
   * the last of a field for its end (the last 4 or 6 characters). */
  if (f->kind == FIELD_ID_NUMBER && (cp == 'X' || cp == 'x'))
    return field_caret_index(f) == (size_t)(f->max_chars - 1);
  if (f->kind == FIELD_MONEY) {
    const char *dot = memchr(f->text, '.', f->len);
    if (cp == '.')
      return !dot;
    if (dot && (size_t)(dot - f->text) < f->caret)
      return f->len - (size_t)(dot - f->text) - 1 < 2; /* two decimals */
  }
  return true;
}

kerr field_insert(field *f, const char *s) {
  size_t n = strlen(s);
  if (!utf8_valid(s, n))
    return KERR_INVALID;
  kerr e = KERR_OK;
  size_t chars = field_chars(f);
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t k = utf8_decode(s + i, n - i, &cp);
    if (k == 0)
      return KERR_INVALID; /* cannot happen after utf8_valid */
    char buf[4];
    memcpy(buf, s + i, k);
    i += k;
    if (!field_accepts(f->kind, cp) || !fits_here(f, cp)) {
      e = KERR_INVALID;
      continue;
    }
    if (f->kind == FIELD_ID_NUMBER && cp == 'x')
      buf[0] = 'X';
    if ((int)chars >= f->max_chars || f->len + k >= sizeof f->text)
      return KERR_LIMIT;
    memmove(f->text + f->caret + k, f->text + f->caret, f->len - f->caret);
    memcpy(f->text + f->caret, buf, k);
    f->len += k;
    f->caret += k;
    f->text[f->len] = '\0';
    chars++;
  }
  return e;
}

bool field_backspace(field *f) {
  if (f->caret == 0)
    return false;
  size_t k = utf8_last_len(f->text, f->caret);
  if (k == 0 || k > f->caret)
    k = 1;
  memmove(f->text + f->caret - k, f->text + f->caret, f->len - f->caret);
  f->len -= k;
  f->caret -= k;
  session_wipe_bytes(f->text + f->len, k);
  return true;
}

void field_caret_move(field *f, int dir) {
  if (dir < 0 && f->caret > 0) {
    size_t k = utf8_last_len(f->text, f->caret);
    f->caret -= k ? k : 1;
  } else if (dir > 0 && f->caret < f->len) {
    uint32_t cp;
    size_t k = utf8_decode(f->text + f->caret, f->len - f->caret, &cp);
    f->caret += k ? k : 1;
  }
}

void field_caret_home(field *f) { f->caret = 0; }
void field_caret_end(field *f) { f->caret = f->len; }

void field_caret_set(field *f, size_t i) {
  f->caret = 0;
  while (i-- > 0 && f->caret < f->len)
    field_caret_move(f, 1);
}

/* ------------------------------------------------------------------ */
/* drawing */

static int label_h(ui *u) {
  return text_line_height(u->text, u->th.px_body, TEXT_REGULAR);
}

static int box_h(ui *u, int lines) {
  int line = text_line_height(u->text, u->th.px_large, TEXT_REGULAR);
  int h = (lines > 1 ? 2 * line : line) + u->th.pad;
  return h < u->th.target_min ? u->th.target_min : h;
}

int field_height(ui *u, int w, const field_view *v) {
  (void)w;
  /* The error line is always reserved so a message does not move the
   * keyboard. */
  return label_h(u) + u->th.gap / 3 + box_h(u, v ? v->lines : 1) + label_h(u);
}

/* The end of the longest prefix of s[b0, b1) no wider than wd (bytes). */
static size_t fit_prefix(ui *u, int px, const char *s, size_t b0, size_t b1,
                         int wd) {
  size_t end = b0;
  while (end < b1) {
    uint32_t cp;
    size_t k = utf8_decode(s + end, b1 - end, &cp);
    k = k ? k : 1;
    if (text_width(u->text, px, TEXT_REGULAR, s + b0, end + k - b0) > wd)
      break;
    end += k;
  }
  return end;
}

/* Chooses the visible window [*b0, *b1) (bytes) of s so that the caret
 * byte offset c is inside and the window fits width wd at size px. */
static void window(ui *u, int px, const char *s, size_t n, size_t c, int wd,
                   size_t *b0, size_t *b1) {
  size_t start = 0;
  while (start < c &&
         text_width(u->text, px, TEXT_REGULAR, s + start, c - start) > wd) {
    uint32_t cp;
    size_t k = utf8_decode(s + start, n - start, &cp);
    start += k ? k : 1;
  }
  /* [start, c) fits: the window runs on from there as far as it fits. */
  *b0 = start;
  *b1 = fit_prefix(u, px, s, start, n, wd);
}

/* The label on the left and the counter on the right, in one row of height
 * lh at the top of r. */
static void draw_label_row(ui *u, SDL_Rect r, int lh, const field_view *v) {
  const theme *th = &u->th;
  int counter_w = 0;
  if (v->counter && v->counter[0]) {
    counter_w = text_width(u->text, th->px_body, TEXT_REGULAR, v->counter,
                           strlen(v->counter)) + th->pad / 2;
    ui_text_box(u, (SDL_Rect){r.x + r.w - counter_w, r.y, counter_w, lh},
                th->px_body, TEXT_REGULAR, th->text_muted, UI_RIGHT, 0,
                v->counter);
  }
  if (v->label && v->label[0])
    ui_text_box(u, (SDL_Rect){r.x, r.y, r.w - counter_w, lh},
                ui_fit_px(u, r.w - counter_w, lh, TEXT_BOLD, v->label,
                          th->px_body),
                TEXT_BOLD, th->text, UI_LEFT, 0, v->label);
}

/* The text as shown in disp (size bytes): before the caret, the composition
 * (cut to what fits), after the caret. Returns its length; *cl is the
 * composition's. */
static size_t compose(const field *f, const char *comp, char *disp,
                      size_t size, size_t *cl) {
  size_t n = strlen(comp);
  size_t room = size - 1;
  size_t before = f->caret, after = f->len - f->caret;
  if (n > room - f->len)
    n = room - f->len;
  memcpy(disp, f->text, before);
  memcpy(disp + before, comp, n);
  memcpy(disp + before + n, f->text + f->caret, after);
  disp[before + n + after] = '\0';
  *cl = n;
  return before + n + after;
}

/* What is on show of disp: the line(s) [b0, split) and [split, b1) at size
 * px, the first line at y[0], the second (if any) at y[1]. */
typedef struct shown {
  int px, tx, tw, tlh, lines;
  int whole; /* two lines holding all of disp, wrapped as a text box does */
  int y[2];
  size_t b0, split, b1;
} shown;

/* Lays disp (dn bytes, the caret at byte c) out in the box's text area:
 * one line at the field's size if it fits; else, in a one-line box, the
 * whole text at a smaller size down to the body size (an 18-digit ID
 * number in a narrow column); else two lines where the box has them;
 * else the part around the caret. */
static void lay_out(ui *u, SDL_Rect box, int lines, const char *disp,
                    size_t dn, size_t c, shown *sh) {
  const theme *th = &u->th;
  sh->tx = box.x + th->pad / 2;
  sh->tw = box.w - th->pad - theme_px(th, 6);
  sh->px = th->px_large;
  sh->lines = 1;
  sh->whole = 0;
  int full = dn ? text_width(u->text, sh->px, TEXT_REGULAR, disp, dn) : 0;
  if (full > sh->tw && lines < 2) {
    int px = th->px_large * sh->tw / full;
    if (px >= th->px_body)
      sh->px = px;
    else
      sh->px = th->px_body;
  }
  sh->tlh = text_line_height(u->text, sh->px, TEXT_REGULAR);
  if (lines > 1 && full > sh->tw) {
    /* Two lines: a window twice as wide, less a character so the second
     * line's part always fits, broken where the first line is full. */
    sh->lines = 2;
    linebreak_line ll[3];
    if (text_wrap(u->text, sh->px, TEXT_REGULAR, sh->tw, disp, dn, ll, 3) <=
        2) {
      /* All of it, broken where a text box breaks it (one box, so what
       * is on show reads as one text). */
      sh->whole = 1;
      sh->b0 = 0;
      sh->b1 = dn;
      sh->split = ll[1].start;
    } else {
      window(u, sh->px, disp, dn, c, 2 * sh->tw - th->px_large, &sh->b0,
             &sh->b1);
      sh->split = fit_prefix(u, sh->px, disp, sh->b0, sh->b1, sh->tw);
    }
  } else {
    if (dn)
      window(u, sh->px, disp, dn, c, sh->tw, &sh->b0, &sh->b1);
    else
      sh->b0 = sh->b1 = 0;
    sh->split = sh->b1;
  }
  int block = sh->lines * sh->tlh;
  sh->y[0] = box.y + (box.h - block) / 2;
  sh->y[1] = sh->y[0] + sh->tlh;
}

/* Line i of what is shown: its byte range. */
static void line_range(const shown *sh, int i, size_t *a, size_t *b) {
  *a = i ? sh->split : sh->b0;
  *b = i ? sh->b1 : sh->split;
}

/* The line the caret (byte c) is drawn on. */
static int caret_line(const shown *sh, size_t c) {
  return sh->lines > 1 && c >= sh->split && sh->split < sh->b1 ? 1 : 0;
}

/* The text of sh (the composition from before to before + cl, underlined);
 * the placeholder when empty. */
static void draw_shown(ui *u, const shown *sh, const char *disp, size_t dn,
                       size_t before, size_t cl, const char *placeholder) {
  const theme *th = &u->th;
  if (dn == 0) {
    /* A long hint in a narrow box takes a smaller size, never two
     * lines. */
    if (placeholder && placeholder[0])
      ui_text_box(u, (SDL_Rect){sh->tx, sh->y[0], sh->tw, sh->tlh},
                  ui_fit_px(u, sh->tw, sh->tlh, TEXT_REGULAR, placeholder,
                            th->px_large),
                  TEXT_REGULAR, th->text_muted, UI_LEFT, 0, placeholder);
    return;
  }
  size_t caret = before + cl;
  ui_private(u, 1); /* what was typed is never read aloud unasked */
  if (sh->whole)
    ui_text_box(u, (SDL_Rect){sh->tx, sh->y[0], sh->tw, 2 * sh->tlh}, sh->px,
                TEXT_REGULAR, th->text, UI_LEFT, 0, disp);
  for (int i = 0; i < sh->lines; i++) {
    size_t a, b;
    line_range(sh, i, &a, &b);
    if (!sh->whole) {
      char vis[SHOWN_MAX];
      memcpy(vis, disp + a, b - a);
      vis[b - a] = '\0';
      ui_text_box(u, (SDL_Rect){sh->tx, sh->y[i], sh->tw + theme_px(th, 6),
                                sh->tlh},
                  sh->px, TEXT_REGULAR, th->text, UI_LEFT, 0, vis);
      session_wipe_bytes(vis, b - a + 1);
    }
    /* Underline the composition's part on this line. */
    size_t c0 = before > a ? before : a;
    size_t c1 = caret < b ? caret : b;
    if (cl && c1 > c0) {
      int x0 = sh->tx + text_width(u->text, sh->px, TEXT_REGULAR, disp + a,
                                   c0 - a);
      int x1 = sh->tx + text_width(u->text, sh->px, TEXT_REGULAR, disp + a,
                                   c1 - a);
      ui_fill(u, (SDL_Rect){x0, sh->y[i] + sh->tlh - theme_px(th, 8), x1 - x0,
                            theme_px(th, 3)},
              th->primary);
    }
  }
  ui_private(u, 0);
}

/* Where each visible character starts (for taps); no positions while a
 * composition is on show (cl > 0). On two lines x[] runs on through the
 * second line, whose first boundary is also the first line's end
 * (x_end1). */
static void record_layout(ui *u, field_layout *lay, SDL_Rect box,
                          const shown *sh, const char *disp, size_t cl) {
  lay->box = box;
  lay->first = utf8_count(disp, sh->b0);
  lay->n = 0;
  lay->split = 0; /* one line */
  lay->y_split = sh->y[1];
  lay->x_end1 = sh->tx;
  if (cl)
    return;
  for (int i = 0; i < sh->lines; i++) {
    size_t a, b;
    line_range(sh, i, &a, &b);
    if (i)
      lay->split = lay->n;
    for (size_t p = a;;) {
      int x = sh->tx + text_width(u->text, sh->px, TEXT_REGULAR, disp + a,
                                  p - a);
      if (p >= b && i == 0 && sh->lines > 1) {
        lay->x_end1 = x; /* the second line starts here */
        break;
      }
      if (lay->n > FIELD_VISIBLE_MAX)
        return;
      lay->x[lay->n++] = x;
      if (p >= b)
        break;
      uint32_t cp;
      size_t k = utf8_decode(disp + p, b - p, &cp);
      p += k ? k : 1;
    }
  }
}

SDL_Rect field_draw(ui *u, SDL_Rect r, const field *f, const field_view *v,
                    field_layout *lay) {
  const theme *th = &u->th;
  int lh = label_h(u);
  int y = r.y;
  draw_label_row(u, r, lh, v);
  y += lh + th->gap / 3;
  int bh = box_h(u, v->lines);
  SDL_Rect box = {r.x, y, r.w, bh};
  int bw = theme_px(th, v->focused ? 4 : 2);
  ui_fill_round(u, box, th->radius, v->focused ? th->primary : th->border);
  ui_fill_round(u, (SDL_Rect){box.x + bw, box.y + bw, box.w - 2 * bw,
                              box.h - 2 * bw},
                th->radius - bw, th->surface);

  char disp[SHOWN_MAX];
  size_t cl;
  size_t dn = compose(f, v->composition ? v->composition : "", disp,
                      sizeof disp, &cl);
  size_t caret = f->caret + cl;
  shown sh;
  lay_out(u, box, v->lines, disp, dn, caret, &sh);
  draw_shown(u, &sh, disp, dn, f->caret, cl, v->placeholder);
  if (lay)
    record_layout(u, lay, box, &sh, disp, cl);
  if (v->focused) {
    int ln = caret_line(&sh, caret);
    size_t a, b;
    line_range(&sh, ln, &a, &b);
    int cx = sh.tx + (dn ? text_width(u->text, sh.px, TEXT_REGULAR, disp + a,
                                      caret - a)
                         : 0);
    ui_fill(u, (SDL_Rect){cx, sh.y[ln] + theme_px(th, 4), theme_px(th, 3),
                          sh.tlh - theme_px(th, 8)},
            th->primary);
  }
  session_wipe_bytes(disp, sizeof disp);
  if (v->id && v->id[0])
    ui_target_add(u, v->id, box, v->label);
  y += bh;
  if (v->error && v->error[0])
    ui_text_box(u, (SDL_Rect){r.x, y, r.w, lh}, th->px_body, TEXT_BOLD,
                th->accent, UI_LEFT, 0, v->error);
  return box;
}

size_t field_index_at(const field_layout *lay, int x, int y) {
  if (lay->n <= 0)
    return lay->first;
  int from = 0, to = lay->n;
  if (lay->split > 0 && lay->split < lay->n) {
    /* Two lines: the boundaries of the line tapped; the first line's end
     * is the second line's start. */
    if (y >= lay->y_split) {
      from = lay->split;
    } else {
      to = lay->split;
      int best = 0;
      for (int i = 1; i < to; i++)
        if (abs(x - lay->x[i]) < abs(x - lay->x[best]))
          best = i;
      if (abs(x - lay->x_end1) < abs(x - lay->x[best]))
        best = lay->split;
      return lay->first + (size_t)best;
    }
  }
  int best = from;
  for (int i = from + 1; i < to; i++)
    if (abs(x - lay->x[i]) < abs(x - lay->x[best]))
      best = i;
  return lay->first + (size_t)best;
}
