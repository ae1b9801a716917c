/* kbd: see kbd.h.
 *
 * Invariants: the candidate bar shows the candidates of the engine's
 * current page from index `off` on, as many as fit (`shown`, counted when
 * drawn, so a tap acts on what was seen); `hist` remembers where earlier
 * bar pages started so 〈 returns exactly. Letters typed before the pinyin
 * engine is ready wait in `queue` (at most IME_PINYIN_INPUT_MAX) and are
 * fed by kbd_tick once it is (the engine's load wakes the loop). The stroke copy (`pts`, pad units 0..999) is
 * only for drawing; the engine has its own. Everything an applicant typed
 * or wrote is wiped by kbd_reset and kbd_destroy. */
#include "widgets/kbd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/charwords.h"
#include "core/session.h"
#include "widgets/chrome.h"

#define KBD_BAR_MAX 32 /* candidate buttons on the bar at most */
#define KBD_HIST_MAX 64
#define KBD_HAND_CAND 10
/* Nothing here polls: an engine that has loaded or has a handwriting
 * answer wakes the loop (the notify callbacks of core/ime.h, posted by the
 * input-method service), and the host screen's tick then calls kbd_tick. */

enum { ALLOW_PINYIN = 1, ALLOW_HAND = 2, ALLOW_NUM = 4, ALLOW_ID = 8,
       ALLOW_LATIN = 16 };

struct kbd {
  ime_set *ih;
  unsigned gen;
  field_kind kind;
  kbd_type type;
  unsigned allowed; /* ALLOW_* */
  bool dot;         /* the keypad has a decimal point (money) */
  /* candidate bar */
  int off, shown;
  int span;               /* candidates from off the bar went through */
  int at[KBD_BAR_MAX];    /* shown button -> candidate index */
  struct {
    int page, off;
  } hist[KBD_HIST_MAX];
  int n_hist;
  /* pinyin letters typed before the engine was ready */
  char queue[IME_PINYIN_INPUT_MAX + 1];
  int n_queue;
  /* handwriting */
  SDL_Rect pad;      /* where the pad was last drawn */
  bool pad_gesture;  /* the current press began on the pad */
  bool stroking;
  bool hand_pending; /* a recognition was requested */
  ime_hand_candidate hand_cand[KBD_HAND_CAND];
  int hand_n;
  uint16_t pts[IME_HAND_MAX_POINTS][2];
  int n_pts;
  int stroke_start[IME_HAND_MAX_STROKES];
  int n_strokes;
};

static const char *const row0 = "qwertyuiop";
static const char *const row1 = "asdfghjkl";
static const char *const row2 = "zxcvbnm";

/* ------------------------------------------------------------------ */
/* state */

static ime_pinyin *pin(const kbd *k) { return k->ih ? k->ih->pinyin : NULL; }
static ime_hand *hand(const kbd *k) { return k->ih ? k->ih->hand : NULL; }
static unsigned generation(const kbd *k) {
  return k->ih ? k->ih->generation : 0;
}
static ime_chinese chinese(const kbd *k) {
  return k->ih ? k->ih->chinese : IME_CHINESE_PINYIN;
}

static void paging_reset(kbd *k) {
  k->off = 0;
  k->n_hist = 0;
  k->shown = 0; /* the candidates drawn last are no longer the ones */
}

static void strokes_wipe(kbd *k) {
  session_wipe_bytes(k->pts, sizeof k->pts);
  session_wipe_bytes(k->stroke_start, sizeof k->stroke_start);
  session_wipe_bytes(k->hand_cand, sizeof k->hand_cand);
  k->n_pts = k->n_strokes = k->hand_n = 0;
  k->stroking = k->hand_pending = false;
}

void kbd_reset(kbd *k) {
  if (pin(k))
    ime_pinyin_clear(pin(k));
  if (hand(k))
    ime_hand_clear(hand(k));
  strokes_wipe(k);
  session_wipe_bytes(k->queue, sizeof k->queue);
  k->n_queue = 0;
  k->pad_gesture = false;
  paging_reset(k);
}

/* A session ended under the keyboard: what it shows is stale. */
static void sync_generation(kbd *k) {
  unsigned g = generation(k);
  if (g != k->gen) {
    k->gen = g;
    strokes_wipe(k);
    session_wipe_bytes(k->queue, sizeof k->queue);
    k->n_queue = 0;
    paging_reset(k);
  }
}

static void bind_kind(kbd *k, field_kind kind);

kerr kbd_create(ime_set *ih, kbd **out) {
  *out = NULL;
  kbd *k = calloc(1, sizeof *k);
  if (!k)
    return KERR_NOMEM;
  k->ih = ih;
  k->gen = ih ? ih->generation : 0;
  bind_kind(k, FIELD_TEXT);
  *out = k;
  return KERR_OK;
}

void kbd_destroy(kbd *k) {
  if (!k)
    return;
  kbd_reset(k);
  session_wipe_bytes(k, sizeof *k);
  free(k);
}

kbd_type kbd_get_type(const kbd *k) { return k->type; }

static bool is_chinese_kind(field_kind kind) {
  return kind == FIELD_NAME || kind == FIELD_TEXT;
}

/* Switches the type on show (a Chinese choice is remembered for the
 * session). Drops any composition or strokes. */
static void kbd_set_type(kbd *k, kbd_type t) {
  kbd_reset(k);
  k->type = t;
  if (t == KBD_PINYIN || t == KBD_HAND)
    ime_set_want(k->ih, t == KBD_HAND ? IME_CHINESE_HAND : IME_CHINESE_PINYIN);
  if (k->ih && is_chinese_kind(k->kind) && (t == KBD_PINYIN || t == KBD_HAND))
    k->ih->chinese = t == KBD_HAND ? IME_CHINESE_HAND : IME_CHINESE_PINYIN;
}

/* kbd_bind() without asking for the engines (a keyboard just made is not
 * yet for any field). */
static void bind_kind(kbd *k, field_kind kind) {
  kbd_reset(k);
  k->kind = kind;
  k->dot = kind == FIELD_MONEY;
  switch (kind) {
  case FIELD_ID_NUMBER:
    k->type = KBD_ID;
    k->allowed = ALLOW_ID;
    break;
  case FIELD_PHONE:
  case FIELD_NUMBER:
  case FIELD_MONEY:
    k->type = KBD_NUMERIC;
    k->allowed = ALLOW_NUM;
    break;
  case FIELD_LATIN:
    k->type = KBD_LATIN;
    k->allowed = ALLOW_LATIN | ALLOW_NUM;
    break;
  case FIELD_NAME:
  case FIELD_TEXT:
    k->type = chinese(k) == IME_CHINESE_HAND ? KBD_HAND
                                                            : KBD_PINYIN;
    k->allowed = ALLOW_PINYIN | ALLOW_HAND | ALLOW_NUM | ALLOW_LATIN;
    break;
  }
}

void kbd_bind(kbd *k, field_kind kind) {
  bind_kind(k, kind);
  if (is_chinese_kind(kind))
    ime_set_want(k->ih, chinese(k));
}

const char *kbd_composition(const kbd *k) {
  if (k->type != KBD_PINYIN)
    return "";
  if (k->n_queue)
    return k->queue;
  ime_pinyin *p = pin(k);
  return p ? ime_pinyin_view_get(p)->preedit : "";
}

static bool composing(const kbd *k) { return kbd_composition(k)[0] != '\0'; }

/* ------------------------------------------------------------------ */
/* candidates: the pinyin engine's page or the handwriting answer */

static int cand_count(const kbd *k) {
  if (k->type == KBD_HAND)
    return k->hand_n;
  if (k->type != KBD_PINYIN || !pin(k) || !ime_pinyin_ready(pin(k)))
    return 0;
  return ime_pinyin_view_get(pin(k))->n;
}

static const char *cand_text(const kbd *k, int i) {
  if (i < 0 || i >= cand_count(k))
    return "";
  if (k->type == KBD_HAND)
    return k->hand_cand[i].text;
  return ime_pinyin_view_get(pin(k))->cand[i].text;
}

static bool cand_more(const kbd *k) {
  if (k->type != KBD_PINYIN || cand_count(k) == 0)
    return false;
  return ime_pinyin_view_get(pin(k))->has_more;
}

static int cand_page(const kbd *k) {
  if (k->type != KBD_PINYIN || !pin(k))
    return 0;
  return ime_pinyin_view_get(pin(k))->page;
}

/* ------------------------------------------------------------------ */
/* pinyin */

static void out_append(kbd_out *out, const char *s) {
  size_t n = strlen(out->text), m = strlen(s);
  if (n + m < sizeof out->text) {
    memcpy(out->text + n, s, m + 1);
  }
}

static void take_commit(kbd *k, kbd_out *out) {
  char buf[IME_PINYIN_COMMIT_MAX];
  if (ime_pinyin_take_commit(pin(k), buf, sizeof buf) == KERR_OK && buf[0]) {
    out_append(out, buf);
    paging_reset(k);
  }
  session_wipe_bytes(buf, sizeof buf);
}

static void flush_queue(kbd *k) {
  ime_pinyin *p = pin(k);
  if (!k->n_queue || !p || !ime_pinyin_ready(p))
    return;
  for (int i = 0; i < k->n_queue; i++) {
    bool handled;
    ime_pinyin_feed(p, (unsigned char)k->queue[i], &handled);
  }
  session_wipe_bytes(k->queue, sizeof k->queue);
  k->n_queue = 0;
  paging_reset(k);
}

/* Feeds one key; returns whether the input method used it. */
static bool pin_key(kbd *k, int key, kbd_out *out) {
  ime_pinyin *p = pin(k);
  if (!p)
    return false;
  if (!ime_pinyin_ready(p)) {
    bool letter = key >= 'a' && key <= 'z';
    if (letter && k->n_queue < IME_PINYIN_INPUT_MAX) {
      k->queue[k->n_queue++] = (char)key;
      k->queue[k->n_queue] = '\0';
      return true;
    }
    if (key == IME_KEY_BACKSPACE && k->n_queue) {
      k->queue[--k->n_queue] = '\0';
      return true;
    }
    if (key == IME_KEY_ESCAPE && k->n_queue) {
      session_wipe_bytes(k->queue, sizeof k->queue);
      k->n_queue = 0;
      return true;
    }
    return letter || k->n_queue; /* never act on the field mid-word */
  }
  flush_queue(k);
  bool handled = false;
  kerr e = ime_pinyin_feed(p, key, &handled);
  if (e && e != KERR_LIMIT)
    return false;
  paging_reset(k);
  take_commit(k, out);
  return handled;
}

/* ------------------------------------------------------------------ */
/* handwriting */

static void pad_map(const kbd *k, int x, int y, int *px, int *py) {
  int w = k->pad.w > 0 ? k->pad.w : 1, h = k->pad.h > 0 ? k->pad.h : 1;
  long vx = (long)(x - k->pad.x) * IME_HAND_PAD / w;
  long vy = (long)(y - k->pad.y) * IME_HAND_PAD / h;
  *px = vx < 0 ? 0 : vx >= IME_HAND_PAD ? IME_HAND_PAD - 1 : (int)vx;
  *py = vy < 0 ? 0 : vy >= IME_HAND_PAD ? IME_HAND_PAD - 1 : (int)vy;
}

static void pad_point(kbd *k, int x, int y) {
  int px, py;
  pad_map(k, x, y, &px, &py);
  if (ime_hand_stroke_point(hand(k), px, py) != KERR_OK)
    return;
  int first = k->stroke_start[k->n_strokes - 1];
  if (k->n_pts > first && k->pts[k->n_pts - 1][0] == px &&
      k->pts[k->n_pts - 1][1] == py)
    return;
  if (k->n_pts - first >= IME_HAND_STROKE_POINTS ||
      k->n_pts >= IME_HAND_MAX_POINTS) {
    k->pts[k->n_pts - 1][0] = (uint16_t)px; /* keep where the finger is */
    k->pts[k->n_pts - 1][1] = (uint16_t)py;
    return;
  }
  k->pts[k->n_pts][0] = (uint16_t)px;
  k->pts[k->n_pts][1] = (uint16_t)py;
  k->n_pts++;
}

static void pad_begin(kbd *k, int x, int y) {
  ime_hand *h = hand(k);
  if (!h || k->n_strokes >= IME_HAND_MAX_STROKES ||
      k->n_pts >= IME_HAND_MAX_POINTS)
    return;
  if (ime_hand_stroke_begin(h) != KERR_OK)
    return;
  /* Candidates for fewer strokes are stale now: never offer them. */
  session_wipe_bytes(k->hand_cand, sizeof k->hand_cand);
  k->hand_n = 0;
  k->hand_pending = false;
  k->stroke_start[k->n_strokes++] = k->n_pts;
  k->stroking = true;
  pad_point(k, x, y);
}

static void recognize(kbd *k) {
  if (k->n_strokes == 0) {
    session_wipe_bytes(k->hand_cand, sizeof k->hand_cand);
    k->hand_n = 0;
    k->hand_pending = false;
    return;
  }
  k->hand_pending = ime_hand_recognize_start(hand(k), KBD_HAND_CAND) ==
                    KERR_OK;
}

static void pad_end(kbd *k, int x, int y) {
  pad_point(k, x, y);
  ime_hand_stroke_end(hand(k));
  k->stroking = false;
  /* A stroke the engine dropped (no points) is dropped here too. */
  if (ime_hand_stroke_count(hand(k)) < k->n_strokes) {
    k->n_pts = k->stroke_start[--k->n_strokes];
  }
  paging_reset(k);
  recognize(k);
}

static void hand_undo(kbd *k) {
  if (!hand(k) || k->n_strokes == 0)
    return;
  ime_hand_undo(hand(k));
  int from = k->stroke_start[--k->n_strokes];
  session_wipe_bytes(k->pts[from], (size_t)(k->n_pts - from) * sizeof k->pts[0]);
  k->n_pts = from;
  paging_reset(k);
  recognize(k);
}

static void hand_clear(kbd *k) {
  if (hand(k))
    ime_hand_clear(hand(k));
  strokes_wipe(k);
  paging_reset(k);
}

static void hand_commit(kbd *k, int i, kbd_out *out) {
  if (i < 0 || i >= k->hand_n)
    return;
  out_append(out, k->hand_cand[i].text);
  hand_clear(k);
}

/* ------------------------------------------------------------------ */
/* events */

static void cand_next(kbd *k) {
  int n = cand_count(k);
  if (k->span <= 0)
    return;
  bool within = k->off + k->span < n;
  if (!within && !cand_more(k))
    return;
  if (k->n_hist == KBD_HIST_MAX) {
    memmove(&k->hist[0], &k->hist[1], (KBD_HIST_MAX - 1) * sizeof k->hist[0]);
    k->n_hist--;
  }
  k->hist[k->n_hist].page = cand_page(k);
  k->hist[k->n_hist].off = k->off;
  k->n_hist++;
  if (within) {
    k->off += k->span;
  } else {
    bool handled;
    ime_pinyin_feed(pin(k), IME_KEY_PAGE_DOWN, &handled);
    k->off = 0;
  }
}

static void cand_prev(kbd *k) {
  if (k->n_hist == 0)
    return;
  k->n_hist--;
  int page = k->hist[k->n_hist].page;
  for (int guard = 0; k->type == KBD_PINYIN && cand_page(k) > page &&
                      guard < 1000; guard++) {
    bool handled;
    if (ime_pinyin_feed(pin(k), IME_KEY_PAGE_UP, &handled) != KERR_OK)
      break;
  }
  k->off = k->hist[k->n_hist].off;
  if (k->off >= cand_count(k))
    k->off = 0;
}

static void choose(kbd *k, int shown_i, kbd_out *out) {
  if (shown_i < 0 || shown_i >= k->shown)
    return;
  int i = k->at[shown_i];
  if (k->type == KBD_HAND) {
    hand_commit(k, i, out);
  } else if (k->type == KBD_PINYIN && pin(k)) {
    if (ime_pinyin_select(pin(k), i) == KERR_OK) {
      paging_reset(k);
      take_commit(k, out);
    }
  }
}

static void do_backspace(kbd *k, kbd_out *out) {
  if (k->type == KBD_PINYIN && composing(k)) {
    pin_key(k, IME_KEY_BACKSPACE, out);
    return;
  }
  if (k->type == KBD_HAND && k->n_strokes) {
    hand_undo(k);
    return;
  }
  out->backspace = 1;
}

/* Space and 完成 first commit what is being composed or written: the first
 * candidate on the bar (highlighted), which after paging, or when the
 * engine's first has no glyph in the fonts, is not the engine's first.
 * Before the bar was drawn for these candidates, the engine's first. */
static bool commit_pending(kbd *k, kbd_out *out) {
  if (k->type == KBD_PINYIN && composing(k)) {
    if (k->shown > 0)
      choose(k, 0, out);
    else
      pin_key(k, IME_KEY_SPACE, out);
    return true;
  }
  if (k->type == KBD_HAND && k->hand_n) {
    if (k->shown > 0)
      choose(k, 0, out);
    else
      hand_commit(k, 0, out);
    return true;
  }
  return false;
}

static void do_switch(kbd *k, const char *what) {
  if (strcmp(what, "pinyin") == 0 && (k->allowed & ALLOW_PINYIN))
    kbd_set_type(k, KBD_PINYIN);
  else if (strcmp(what, "hand") == 0 && (k->allowed & ALLOW_HAND))
    kbd_set_type(k, KBD_HAND);
  else if (strcmp(what, "num") == 0 && (k->allowed & ALLOW_NUM))
    kbd_set_type(k, KBD_NUMERIC);
  else if (strcmp(what, "latin") == 0 && (k->allowed & ALLOW_LATIN))
    kbd_set_type(k, KBD_LATIN);
  else if (strcmp(what, "chinese") == 0 && (k->allowed & ALLOW_PINYIN))
    kbd_set_type(k, chinese(k) == IME_CHINESE_HAND
                        ? KBD_HAND
                        : KBD_PINYIN);
}

static void on_tap(kbd *k, const char *id, kbd_out *out) {
  if (strncmp(id, "kbd.key.", 8) == 0) {
    const char *c = id + 8;
    if (strcmp(c, "dot") == 0) {
      out_append(out, ".");
    } else if (c[0] && !c[1]) {
      if (c[0] >= 'a' && c[0] <= 'z' && k->type == KBD_PINYIN)
        pin_key(k, c[0], out);
      else
        out_append(out, c);
    }
  } else if (strcmp(id, "kbd.space") == 0) {
    if (!commit_pending(k, out))
      out_append(out, " ");
  } else if (strcmp(id, "kbd.backspace") == 0) {
    do_backspace(k, out);
  } else if (strcmp(id, "kbd.done") == 0) {
    commit_pending(k, out);
    out->done = true;
  } else if (strcmp(id, "kbd.cand.next") == 0) {
    cand_next(k);
  } else if (strcmp(id, "kbd.cand.prev") == 0) {
    cand_prev(k);
  } else if (strncmp(id, "kbd.cand.", 9) == 0) {
    char *end;
    long i = strtol(id + 9, &end, 10);
    if (end != id + 9 && *end == '\0')
      choose(k, (int)i, out);
  } else if (strncmp(id, "kbd.switch.", 11) == 0) {
    do_switch(k, id + 11);
  } else if (strcmp(id, "kbd.hand.undo") == 0) {
    hand_undo(k);
  } else if (strcmp(id, "kbd.hand.clear") == 0) {
    hand_clear(k);
  }
}

bool kbd_event(kbd *k, const ui_event *ev, kbd_out *out) {
  memset(out, 0, sizeof *out);
  sync_generation(k);
  switch (ev->type) {
  case UI_EV_PRESS:
    k->pad_gesture = k->type == KBD_HAND && hand(k) && ev->id &&
                     strcmp(ev->id, "kbd.pad") == 0;
    if (k->pad_gesture)
      pad_begin(k, ev->x, ev->y);
    return k->pad_gesture;
  case UI_EV_MOVE:
    if (k->stroking)
      pad_point(k, ev->x, ev->y);
    return k->pad_gesture;
  case UI_EV_RELEASE:
    if (k->stroking)
      pad_end(k, ev->x, ev->y);
    return k->pad_gesture;
  case UI_EV_DRAG:
  case UI_EV_DRAG_END:
    return k->pad_gesture;
  case UI_EV_TAP:
    if (!ev->id || strncmp(ev->id, "kbd.", 4) != 0)
      return false;
    on_tap(k, ev->id, out);
    return true;
  case UI_EV_KEY:
    if (ev->key == SDLK_BACKSPACE) {
      do_backspace(k, out);
      return true;
    }
    if (ev->key == SDLK_RETURN || ev->key == SDLK_KP_ENTER) {
      commit_pending(k, out);
      out->done = true;
      return true;
    }
    if (ev->key == SDLK_ESCAPE) {
      if (k->type == KBD_PINYIN && composing(k))
        return pin_key(k, IME_KEY_ESCAPE, out);
      if (k->type == KBD_HAND && k->n_strokes) {
        hand_clear(k);
        return true;
      }
    }
    return false;
  case UI_EV_TEXT:
    return false;
  }
  return false;
}

uint64_t kbd_tick(kbd *k) {
  sync_generation(k);
  uint64_t d = UINT64_MAX;
  if (k->type == KBD_HAND && k->hand_pending && hand(k)) {
    int n = 0;
    ime_hand_candidate c[KBD_HAND_CAND];
    kerr e = ime_hand_recognize_poll(hand(k), c, KBD_HAND_CAND, &n);
    if (e == KERR_OK) {
      memcpy(k->hand_cand, c, sizeof c);
      k->hand_n = n;
      k->hand_pending = false;
      paging_reset(k);
      d = 0; /* show them now */
    } else if (e != KERR_BUSY) { /* busy: the answer will wake us */
      k->hand_pending = false;
    }
    session_wipe_bytes(c, sizeof c);
  }
  /* Letters typed while the engine loaded: its load woke us. */
  if (k->type == KBD_PINYIN && k->n_queue && pin(k) &&
      ime_pinyin_ready(pin(k))) {
    flush_queue(k);
    d = 0;
  }
  return d;
}

/* ------------------------------------------------------------------ */
/* layout and drawing */

typedef struct metrics {
  int pad, g;      /* panel padding, gap between keys */
  int comp_h, bar_h; /* composition line and candidate bar (0: none) */
  int key_h;
  int rows_h;      /* the key area (or the writing pad's height) */
  int total;
} metrics;

static bool has_bar(const kbd *k) {
  return k->type == KBD_PINYIN || k->type == KBD_HAND;
}

/* The gap between keys. */
static int key_gap(const theme *th) {
  return theme_px(th, th->elder ? 14 : 12);
}

int kbd_min_width(const kbd *k, const ui *u) {
  const theme *th = &u->th;
  /* kbd_draw leaves half a margin each side; +2 for rounding. */
  if (k && (k->type == KBD_NUMERIC || k->type == KBD_ID))
    return 4 * 2 * th->target_min + 3 * key_gap(th) + th->margin + 2;
  return 10 * th->target_min + 9 * key_gap(th) + th->margin + 2;
}

static void measure(const kbd *k, ui *u, int max_h, metrics *m) {
  const theme *th = &u->th;
  m->pad = th->pad / 2;
  m->g = key_gap(th);
  m->comp_h = has_bar(k) ? text_line_height(u->text, th->px_body, TEXT_BOLD)
                         : 0;
  m->bar_h = 0;
  if (has_bar(k)) {
    m->bar_h = text_line_height(u->text, th->px_large, TEXT_REGULAR) +
               theme_px(th, 10);
    if (m->bar_h < th->target_min)
      m->bar_h = th->target_min;
  }
  int key_h = theme_px(th, th->portrait ? (th->elder ? 128 : 112)
                                        : (th->elder ? 100 : 92));
  int fixed = 2 * m->pad + m->comp_h + m->bar_h + (has_bar(k) ? m->g : 0) +
              3 * m->g;
  if (fixed + 4 * key_h > max_h)
    key_h = (max_h - fixed) / 4;
  if (key_h < th->target_min)
    key_h = th->target_min;
  m->key_h = key_h;
  m->rows_h = 4 * key_h + 3 * m->g;
  if (k->type == KBD_HAND) {
    /* A bigger pad when there is room: writing needs space. */
    int want = theme_px(th, th->portrait ? 620 : (th->elder ? 500 : 470));
    int room = max_h - (fixed - 3 * m->g);
    if (want > room)
      want = room;
    if (want > m->rows_h)
      m->rows_h = want;
  }
  m->total = fixed - 3 * m->g + m->rows_h;
}

int kbd_height(kbd *k, ui *u, int w, int max_h) {
  (void)w;
  metrics m;
  measure(k, u, max_h, &m);
  return m.total;
}

static void key(ui *u, const char *id, SDL_Rect r, const char *label) {
  ui_button(u, id, r, UI_BTN_SECONDARY, label);
}

/* A key that cannot be used now: drawn greyed, no target; its words fit
 * the key as a live key's do (ui_button). */
static void key_off(ui *u, SDL_Rect r, const char *label) {
  const theme *th = &u->th;
  ui_card(u, r, th->surface_alt, th->border);
  SDL_Rect in = {r.x + th->pad / 2, r.y, r.w - th->pad, r.h};
  int px = ui_fit_px(u, in.w, in.h, TEXT_BOLD, label, th->px_large);
  ui_text_box(u, in, px, TEXT_BOLD, th->text_muted, UI_CENTER, 1, label);
}

/* Grid of 10 units across width w starting at x: the rectangle of a key
 * starting at unit `at` spanning `span` units. */
static SDL_Rect unit_rect(int x, int w, int g, float at, float span, int y,
                          int h) {
  float uw = (float)(w - 9 * g) / 10.0f;
  int x0 = x + (int)lroundf(at * (uw + (float)g));
  int x1 = x + (int)lroundf((at + span) * (uw + (float)g) - (float)g);
  return (SDL_Rect){x0, y, x1 - x0, h};
}

/* A single character is said with a word that holds it (「李，行李的李」),
 * so characters that sound alike can be told apart by ear. */
static void say_candidate(const kbd *k, ui *u, const char *t) {
  const char *word = charwords_find(k->ih ? k->ih->words : NULL, t);
  if (!word)
    return;
  char a[UI_LABEL_MAX], b[UI_LABEL_MAX], say[UI_LABEL_MAX];
  chrome_format(a, sizeof a, ui_str(u, "kbd.cand.say"), "word", word);
  chrome_format(b, sizeof b, a, "char", t);
  chrome_format(say, sizeof say, b, "char", t);
  ui_target_say(u, say);
  /* What is being typed (a name): no copy left on the stack. */
  session_wipe_bytes(a, sizeof a);
  session_wipe_bytes(b, sizeof b);
  session_wipe_bytes(say, sizeof say);
}

/* Cuts s so that it fits width wd at px, adding "…" (into buf). */
static const char *fit_text(ui *u, int px, const char *s, int wd, char *buf,
                            size_t cap) {
  size_t n = strlen(s);
  if (text_width(u->text, px, TEXT_REGULAR, s, n) <= wd)
    return s;
  const char *ell = "…";
  int ew = text_width(u->text, px, TEXT_REGULAR, ell, strlen(ell));
  while (n > 0) {
    n--;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--;
    if (text_width(u->text, px, TEXT_REGULAR, s, n) + ew <= wd)
      break;
  }
  snprintf(buf, cap, "%.*s%s", (int)n, s, ell);
  return buf;
}

static void draw_bar(kbd *k, ui *u, SDL_Rect r) {
  const theme *th = &u->th;
  int aw = th->target_min > r.h ? th->target_min : r.h;
  int g = theme_px(th, 10);
  SDL_Rect prev = {r.x, r.y, aw, r.h};
  SDL_Rect next = {r.x + r.w - aw, r.y, aw, r.h};
  int x = prev.x + prev.w + g, xend = next.x - g;
  int n = cand_count(k);
  if (k->off >= n)
    k->off = 0;
  k->shown = 0;
  k->span = 0;
  char idbuf[UI_ID_MAX], cut[IME_PINYIN_TEXT_MAX + 8];
  for (int i = k->off; i < n && k->shown < KBD_BAR_MAX; i++) {
    const char *t = cand_text(k, i);
    /* A character no font has would show as a box: not offered. */
    if (!text_covers(u->text, TEXT_REGULAR, t, strlen(t))) {
      k->span = i - k->off + 1;
      continue;
    }
    int tw = text_width(u->text, th->px_large, TEXT_REGULAR, t, strlen(t));
    int w = tw + th->pad * 2;
    if (w < th->target_min)
      w = th->target_min;
    if (x + w > xend) {
      if (k->shown > 0)
        break;
      w = xend - x; /* a long phrase alone: cut it */
      t = fit_text(u, th->px_large, t, w - th->pad * 2, cut, sizeof cut);
    }
    SDL_Rect c = {x, r.y, w, r.h};
    snprintf(idbuf, sizeof idbuf, "kbd.cand.%d", k->shown);
    bool first = k->shown == 0; /* what space and 完成 take */
    ui_button(u, idbuf, c, first ? UI_BTN_PRIMARY : UI_BTN_SECONDARY, t);
    say_candidate(k, u, t);
    x += w + g;
    k->at[k->shown++] = i;
    k->span = i - k->off + 1;
  }
  if (n == 0) {
    const char *hint;
    if (k->type == KBD_HAND)
      hint = !hand(k) ? ui_str(u, "kbd.unavailable")
             : k->hand_pending || (k->n_strokes && !ime_hand_ready(hand(k)))
                 ? ui_str(u, "kbd.recognizing")
                 : ui_str(u, "kbd.hint.hand");
    else
      hint = !pin(k) ? ui_str(u, "kbd.unavailable")
             : !ime_pinyin_ready(pin(k)) ? ui_str(u, "kbd.loading")
                                         : ui_str(u, "kbd.hint.pinyin");
    ui_text_box(u, (SDL_Rect){x, r.y, xend - x, r.h},
                ui_fit_px(u, xend - x, r.h, TEXT_REGULAR, hint, th->px_body),
                TEXT_REGULAR, th->text_muted, UI_LEFT, 1, hint);
  }
  const char *lp = ui_str(u, "kbd.prev"), *ln = ui_str(u, "kbd.next");
  if (k->n_hist > 0)
    key(u, "kbd.cand.prev", prev, lp);
  else
    key_off(u, prev, lp);
  if (k->span > 0 && (k->off + k->span < n || cand_more(k)))
    key(u, "kbd.cand.next", next, ln);
  else
    key_off(u, next, ln);
}

static void draw_letters(kbd *k, ui *u, SDL_Rect r, const metrics *m) {
  int g = m->g, h = m->key_h;
  char id[UI_ID_MAX], label[4];
  const char *rows[3] = {row0, row1, row2};
  const float start[3] = {0.0f, 0.5f, 1.5f};
  for (int row = 0; row < 3; row++) {
    int y = r.y + row * (h + g);
    for (int i = 0; rows[row][i]; i++) {
      snprintf(id, sizeof id, "kbd.key.%c", rows[row][i]);
      snprintf(label, sizeof label, "%c", rows[row][i]);
      key(u, id, unit_rect(r.x, r.w, g, start[row] + (float)i, 1, y, h),
          label);
    }
  }
  key(u, "kbd.backspace",
      unit_rect(r.x, r.w, g, 8.5f, 1.5f, r.y + 2 * (h + g), h),
      ui_str(u, "kbd.backspace"));
  int y = r.y + 3 * (h + g);
  if (k->type == KBD_PINYIN) {
    ui_button(u, "kbd.switch.pinyin", unit_rect(r.x, r.w, g, 0, 1.5f, y, h),
              UI_BTN_PRIMARY, ui_str(u, "kbd.pinyin"));
    key(u, "kbd.switch.hand", unit_rect(r.x, r.w, g, 1.5f, 1.5f, y, h),
        ui_str(u, "kbd.hand"));
    key(u, "kbd.switch.num", unit_rect(r.x, r.w, g, 3, 1.5f, y, h),
        ui_str(u, "kbd.num"));
    key(u, "kbd.space", unit_rect(r.x, r.w, g, 4.5f, 3.5f, y, h),
        ui_str(u, "kbd.space"));
  } else {
    float at = 0;
    if (k->allowed & ALLOW_PINYIN) {
      key(u, "kbd.switch.chinese", unit_rect(r.x, r.w, g, at, 1.5f, y, h),
          ui_str(u, "kbd.chinese"));
      at += 1.5f;
    }
    key(u, "kbd.switch.num", unit_rect(r.x, r.w, g, at, 1.5f, y, h),
        ui_str(u, "kbd.num"));
    at += 1.5f;
    key(u, "kbd.space", unit_rect(r.x, r.w, g, at, 8 - at, y, h),
        ui_str(u, "kbd.space"));
  }
  ui_button(u, "kbd.done", unit_rect(r.x, r.w, g, 8, 2, y, h),
            UI_BTN_PRIMARY, ui_str(u, "kbd.done"));
}

static void draw_keypad(kbd *k, ui *u, SDL_Rect r, const metrics *m) {
  int g = m->g, h = m->key_h;
  int cw = (r.w - 3 * g) / 4;
  char id[UI_ID_MAX], label[4];
  for (int d = 1; d <= 9; d++) {
    int row = (d - 1) / 3, col = (d - 1) % 3;
    snprintf(id, sizeof id, "kbd.key.%d", d);
    snprintf(label, sizeof label, "%d", d);
    key(u, id, (SDL_Rect){r.x + col * (cw + g), r.y + row * (h + g), cw, h},
        label);
  }
  int y3 = r.y + 3 * (h + g);
  SDL_Rect c0 = {r.x, y3, cw, h};
  if (k->type == KBD_ID)
    key(u, "kbd.key.X", c0, "X");
  else if (k->dot)
    key(u, "kbd.key.dot", c0, ".");
  key(u, "kbd.key.0", (SDL_Rect){r.x + cw + g, y3, cw, h}, "0");
  key(u, "kbd.backspace", (SDL_Rect){r.x + 2 * (cw + g), y3, cw, h},
      ui_str(u, "kbd.backspace"));
  int x3 = r.x + 3 * (cw + g);
  int slot = 0;
  if (k->allowed & ALLOW_PINYIN) {
    key(u, "kbd.switch.chinese", (SDL_Rect){x3, r.y, cw, h},
        ui_str(u, "kbd.chinese"));
    slot++;
  }
  if (k->allowed & ALLOW_LATIN) {
    key(u, "kbd.switch.latin", (SDL_Rect){x3, r.y + slot * (h + g), cw, h},
        ui_str(u, "kbd.latin"));
  }
  ui_button(u, "kbd.done", (SDL_Rect){x3, r.y + 2 * (h + g), cw, 2 * h + g},
            UI_BTN_PRIMARY, ui_str(u, "kbd.done"));
}

/* A stroke segment (or a joint when the ends coincide) as two triangles. */
static void seg(SDL_Vertex *v, int *idx, int *nv, int *ni, float x0,
                float y0, float x1, float y1, float hw, SDL_Color c) {
  float dx = x1 - x0, dy = y1 - y0;
  float len = sqrtf(dx * dx + dy * dy);
  float nx, ny;
  if (len < 0.5f) {
    nx = hw;
    ny = 0;
    x0 -= hw;
    x1 += hw;
  } else {
    nx = -dy / len * hw;
    ny = dx / len * hw;
    /* extend by half the width so consecutive segments overlap */
    x0 -= dx / len * hw * 0.7f;
    y0 -= dy / len * hw * 0.7f;
    x1 += dx / len * hw * 0.7f;
    y1 += dy / len * hw * 0.7f;
  }
  int b = *nv;
  v[b + 0] = (SDL_Vertex){{x0 + nx, y0 + ny}, c, {0, 0}};
  v[b + 1] = (SDL_Vertex){{x0 - nx, y0 - ny}, c, {0, 0}};
  v[b + 2] = (SDL_Vertex){{x1 - nx, y1 - ny}, c, {0, 0}};
  v[b + 3] = (SDL_Vertex){{x1 + nx, y1 + ny}, c, {0, 0}};
  int *q = idx + *ni;
  q[0] = b;
  q[1] = b + 1;
  q[2] = b + 2;
  q[3] = b;
  q[4] = b + 2;
  q[5] = b + 3;
  *nv += 4;
  *ni += 6;
}

static void draw_strokes(kbd *k, ui *u) {
  enum { CHUNK = 128 };
  SDL_Vertex v[CHUNK * 4];
  int idx[CHUNK * 6];
  int nv = 0, ni = 0;
  const theme *th = &u->th;
  float hw = (float)theme_px(th, 6);
  float sx = (float)k->pad.w / IME_HAND_PAD, sy = (float)k->pad.h / IME_HAND_PAD;
  SDL_SetRenderDrawBlendMode(u->ren, SDL_BLENDMODE_NONE);
  for (int s = 0; s < k->n_strokes; s++) {
    int from = k->stroke_start[s];
    int to = s + 1 < k->n_strokes ? k->stroke_start[s + 1] : k->n_pts;
    for (int i = from; i < to; i++) {
      int j = i + 1 < to ? i + 1 : i;
      float x0 = (float)k->pad.x + k->pts[i][0] * sx;
      float y0 = (float)k->pad.y + k->pts[i][1] * sy;
      float x1 = (float)k->pad.x + k->pts[j][0] * sx;
      float y1 = (float)k->pad.y + k->pts[j][1] * sy;
      if (j == i && to - from > 1)
        continue;
      seg(v, idx, &nv, &ni, x0, y0, x1, y1, hw, th->text);
      if (nv == CHUNK * 4) {
        SDL_RenderGeometry(u->ren, NULL, v, nv, idx, ni);
        nv = ni = 0;
      }
    }
  }
  if (nv)
    SDL_RenderGeometry(u->ren, NULL, v, nv, idx, ni);
  session_wipe_bytes(v, sizeof v);
}

static void draw_hand(kbd *k, ui *u, SDL_Rect r, const metrics *m) {
  const theme *th = &u->th;
  int g = m->g;
  /* Side columns of buttons, the square pad between them. */
  float uw = (float)(r.w - 9 * g) / 10.0f;
  int sw = (int)(uw * 2 + (float)g);
  int side = r.h;
  if (side > r.w - 2 * (sw + g))
    side = r.w - 2 * (sw + g);
  int px = r.x + (r.w - side) / 2;
  k->pad = (SDL_Rect){px, r.y, side, side};
  ui_card(u, k->pad, th->surface, th->primary);
  /* 田字格: a light cross helps to write in the middle, large. */
  int lw = theme_px(th, 2);
  SDL_Color guide = th->surface_alt;
  for (int d = 0; d < side; d += theme_px(th, 24)) {
    ui_fill(u, (SDL_Rect){px + d, r.y + side / 2, theme_px(th, 12), lw},
            guide);
    ui_fill(u, (SDL_Rect){px + side / 2, r.y + d, lw, theme_px(th, 12)},
            guide);
  }
  draw_strokes(k, u);
  ui_target_add(u, "kbd.pad", k->pad, ui_str(u, "kbd.pad"));
  /* Left: input-method switches; right: pad actions. */
  int bh = (r.h - 3 * g) / 4;
  if (bh > m->key_h * 3 / 2)
    bh = m->key_h * 3 / 2;
  int lx = px - g - sw, rx = px + side + g;
  if (lx < r.x)
    lx = r.x;
  key(u, "kbd.switch.pinyin", (SDL_Rect){lx, r.y, sw, bh},
      ui_str(u, "kbd.pinyin"));
  ui_button(u, "kbd.switch.hand", (SDL_Rect){lx, r.y + bh + g, sw, bh},
            UI_BTN_PRIMARY, ui_str(u, "kbd.hand"));
  key(u, "kbd.switch.num", (SDL_Rect){lx, r.y + 2 * (bh + g), sw, bh},
      ui_str(u, "kbd.num"));
  key(u, "kbd.space", (SDL_Rect){lx, r.y + 3 * (bh + g), sw, bh},
      ui_str(u, "kbd.space"));
  if (k->n_strokes) {
    key(u, "kbd.hand.undo", (SDL_Rect){rx, r.y, sw, bh},
        ui_str(u, "kbd.undo"));
    key(u, "kbd.hand.clear", (SDL_Rect){rx, r.y + bh + g, sw, bh},
        ui_str(u, "kbd.clear"));
  } else {
    key_off(u, (SDL_Rect){rx, r.y, sw, bh}, ui_str(u, "kbd.undo"));
    key_off(u, (SDL_Rect){rx, r.y + bh + g, sw, bh}, ui_str(u, "kbd.clear"));
  }
  key(u, "kbd.backspace", (SDL_Rect){rx, r.y + 2 * (bh + g), sw, bh},
      ui_str(u, "kbd.backspace"));
  ui_button(u, "kbd.done", (SDL_Rect){rx, r.y + 3 * (bh + g), sw, bh},
            UI_BTN_PRIMARY, ui_str(u, "kbd.done"));
}

void kbd_draw(kbd *k, ui *u, SDL_Rect r) {
  const theme *th = &u->th;
  sync_generation(k);
  metrics m;
  measure(k, u, r.h, &m);
  ui_fill(u, r, th->surface_alt);
  ui_fill(u, (SDL_Rect){r.x, r.y, r.w, theme_px(th, 2)}, th->border);
  int cap = theme_px(th, th->portrait ? 1080 : 1560);
  if (k->type == KBD_NUMERIC || k->type == KBD_ID)
    cap = theme_px(th, th->portrait ? 900 : 960);
  int w = r.w - 2 * th->margin / 2;
  if (w > cap)
    w = cap;
  int x = r.x + (r.w - w) / 2;
  int y = r.y + m.pad;
  if (has_bar(k)) {
    const char *comp = kbd_composition(k);
    if (k->type == KBD_PINYIN && comp[0])
      ui_text_box(u, (SDL_Rect){x, y, w, m.comp_h}, th->px_body, TEXT_BOLD,
                  th->primary, UI_LEFT, 0, comp);
    else
      ui_text_box(u, (SDL_Rect){x, y, w, m.comp_h}, th->px_small,
                  TEXT_REGULAR, th->text_muted, UI_LEFT, 1,
                  ui_str(u, k->type == KBD_HAND ? "kbd.title.hand"
                                                 : "kbd.title.pinyin"));
    y += m.comp_h;
    draw_bar(k, u, (SDL_Rect){x, y, w, m.bar_h});
    y += m.bar_h + m.g;
  } else {
    k->shown = 0;
    k->span = 0;
  }
  SDL_Rect keys = {x, y, w, m.rows_h};
  switch (k->type) {
  case KBD_PINYIN:
  case KBD_LATIN:
    draw_letters(k, u, keys, &m);
    break;
  case KBD_HAND:
    draw_hand(k, u, keys, &m);
    break;
  case KBD_NUMERIC:
  case KBD_ID:
    draw_keypad(k, u, keys, &m);
    break;
  }
}
