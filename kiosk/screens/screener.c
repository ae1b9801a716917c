/* screener: the questions of 「先问几个问题」, one per screen — big plain
 * words, the question's icon, large answer buttons (yes/no, choices) or a
 * number typed on an on-screen keypad (digits, 删除, 确定), the progress
 * (「第3题，共10题」), 上一题 and 跳过. After the last question that applies,
 * the one list (screen_results) opens with the answers.
 *
 * The questions come from the bundle's screener.json (core/screener.h);
 * which ones are asked follows their `relevant` conditions as the answers
 * come in. Answers are personal data: they live only in this screen's
 * state and in a JSON object built from it for the screener, both wiped in
 * leave() — which runs for every pop, including the end of a session.
 *
 * Invariants: cur is a question index below n_q; hist holds the questions
 * shown before cur (for 上一题), at most one entry per question; digits holds
 * only ASCII digits, at most DIGITS_MAX of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/screener.h"
#include "screens/screens.h"
#include "widgets/choice.h"
#include "widgets/pageview.h"

#define DIGITS_MAX 7 /* 9,999,999 yuan: more than any bound in use */
#define TYPED_MAX (DIGITS_MAX + 3) /* money: a point and two decimals (角, 分) */
#define ANS_NONE 0
#define ANS_GIVEN 1
#define ANS_SKIPPED 2

/* What a tap on the screener means (ui_tag). */
enum screener_action {
  SCR_PICK = 1,  /* no questions: choose from the list instead */
  SCR_PREV,
  SCR_SKIP,
  SCR_YES,
  SCR_NO,
  SCR_CHOICE,    /* arg: index in the question's choices */
  SCR_KEY_DIGIT, /* arg: the digit */
  SCR_KEY_DEL,
  SCR_KEY_OK,
  SCR_KEY_DOT, /* money only: the decimal point */
  SCR_PAGE_UP, /* a long list of choices */
  SCR_PAGE_DOWN
};

typedef struct answer {
  int state;     /* ANS_NONE, ANS_GIVEN, ANS_SKIPPED */
  long long num; /* number/money: in hundredths (fen for money) */
  int yes;       /* yesno */
  size_t choice; /* choice: index into the question's choices */
} answer;

typedef enum msg_kind { MSG_NONE = 0, MSG_EMPTY, MSG_RANGE } msg_kind;

typedef struct screener_state {
  screener *scr; /* NULL: the questions could not be loaded */
  screener_standards std;
  size_t n_q;
  size_t cur;
  size_t hist[SCREENER_MAX_QUESTIONS];
  size_t n_hist;
  answer ans[SCREENER_MAX_QUESTIONS];
  cJSON *answers; /* built from ans[]; what the screener reads */
  char digits[TYPED_MAX + 1]; /* digits, and for money one '.' */
  size_t n_digits;
  msg_kind msg;
  size_t cpage_q; /* the question cpage is of */
  int cpage;      /* choices' page (a list too long for one) */
  int cpages;
} screener_state;

static void drop_answers(screener_state *s) {
  if (s->answers) {
    session_wipe_json(s->answers);
    cJSON_Delete(s->answers);
    s->answers = NULL;
  }
}

/* Rebuilds the answers object from ans[]. On memory failure the object is
 * empty or NULL and every question counts as unanswered. */
static void build_answers(screener_state *s) {
  drop_answers(s);
  s->answers = cJSON_CreateObject();
  if (!s->answers)
    return;
  for (size_t i = 0; i < s->n_q; i++) {
    const answer *an = &s->ans[i];
    if (an->state != ANS_GIVEN)
      continue;
    const screener_question *q = screener_question_at(s->scr, i);
    switch (q->type) {
    case SCREENER_Q_YESNO:
      cJSON_AddBoolToObject(s->answers, q->id, an->yes);
      break;
    case SCREENER_Q_CHOICE:
      if (an->choice < q->n_choices)
        cJSON_AddStringToObject(s->answers, q->id,
                                q->choices[an->choice].value);
      break;
    case SCREENER_Q_NUMBER:
    case SCREENER_Q_MONEY:
      cJSON_AddNumberToObject(s->answers, q->id, (double)an->num / 100.0);
      break;
    }
  }
}

/* 1 if question i is to be asked given the answers so far. */
static int relevant(app *a, screener_state *s, size_t i) {
  (void)a;
  int ask = 1;
  if (!s->answers || screener_question_relevant(s->scr, i, s->answers, &s->std,
                                                NULL, &ask) != KERR_OK)
    return 1;
  return ask;
}

/* Loads the keypad with the stored answer of the current question. */
static void show_question(screener_state *s) {
  session_wipe_bytes(s->digits, sizeof s->digits);
  s->n_digits = 0;
  s->msg = MSG_NONE;
  const answer *an = &s->ans[s->cur];
  if (an->state == ANS_GIVEN) {
    const screener_question *q = screener_question_at(s->scr, s->cur);
    if (q->type == SCREENER_Q_NUMBER || q->type == SCREENER_Q_MONEY) {
      long long whole = an->num / 100, part = an->num % 100;
      int n = part == 0 ? snprintf(s->digits, sizeof s->digits, "%lld", whole)
              : part % 10 == 0
                  ? snprintf(s->digits, sizeof s->digits, "%lld.%lld", whole,
                             part / 10)
                  : snprintf(s->digits, sizeof s->digits, "%lld.%02lld", whole,
                             part);
      s->n_digits = n > 0 && (size_t)n < sizeof s->digits ? (size_t)n : 0;
      if (!s->n_digits)
        s->digits[0] = '\0';
    }
  }
}

static void screener_enter(app *a, void *state, const void *arg) {
  (void)arg;
  screener_state *s = state;
  const char *text = NULL;
  size_t len = 0;
  kerr e = content_file(app_content(a), "screener.json", &text, &len);
  if (!e)
    e = screener_load(text, len, &s->scr, NULL);
  if (e) {
    LOG_W("screener", "questions not available: %s", kerr_str(e));
    s->scr = NULL;
    return;
  }
  screener_standards_init(&s->std);
  char today[11];
  app_today(a, today);
  if (app_region(a))
    screener_standards_from_region(&s->std, app_region(a), today);
  s->n_q = screener_question_count(s->scr);
  if (s->n_q > SCREENER_MAX_QUESTIONS)
    s->n_q = SCREENER_MAX_QUESTIONS;
  build_answers(s);
  s->cur = 0;
  while (s->cur + 1 < s->n_q && !relevant(a, s, s->cur))
    s->cur++;
  show_question(s);
  LOG_I("screener", "%zu questions", s->n_q);
}

static void screener_leave(app *a, void *state) {
  (void)a;
  screener_state *s = state;
  drop_answers(s);
  screener_destroy(s->scr);
  s->scr = NULL;
  /* The rest of the state (answers, digits) is wiped by the stack. */
}

/* Moves to the next question that applies, or opens the list. */
static void advance(app *a, screener_state *s) {
  build_answers(s);
  for (size_t i = s->cur + 1; i < s->n_q; i++) {
    if (relevant(a, s, i)) {
      if (s->n_hist < SCREENER_MAX_QUESTIONS)
        s->hist[s->n_hist++] = s->cur;
      s->cur = i;
      show_question(s);
      return;
    }
  }
  /* The last question: the answers stay here (上一题 and 返回 from the list
   * come back to them); the list reads them before this event ends. */
  show_question(s);
  if (s->answers)
    app_push(a, &screen_results, s->answers);
}

static void go_back(screener_state *s) {
  if (!s->n_hist)
    return;
  s->cur = s->hist[--s->n_hist];
  show_question(s);
}

/* 确定 on the keypad: checks the number against the question's bounds. */
static void keypad_ok(app *a, screener_state *s) {
  const screener_question *q = screener_question_at(s->scr, s->cur);
  if (!s->n_digits) {
    s->msg = MSG_EMPTY;
    return;
  }
  /* Hundredths: "2917.5" is 291750. */
  char *point = NULL;
  long long v = strtoll(s->digits, &point, 10) * 100;
  if (point && *point == '.' && point[1]) {
    v += (point[1] - '0') * 10;
    if (point[2])
      v += point[2] - '0';
  }
  int64_t fixed = (int64_t)v * (EXPR_SCALE / 100); /* < 10^DIGITS_MAX yuan */
  if (fixed < q->min || fixed > q->max) {
    s->msg = MSG_RANGE;
    return;
  }
  s->ans[s->cur] = (answer){.state = ANS_GIVEN, .num = v};
  advance(a, s);
}

/* Digits the largest allowed answer has (at most DIGITS_MAX). */
static size_t max_digits(const screener_question *q) {
  int64_t hi = q->max / EXPR_SCALE;
  size_t n = 1;
  while (hi >= 10 && n < DIGITS_MAX) {
    hi /= 10;
    n++;
  }
  return n;
}

static void keypad_digit(screener_state *s, char d) {
  s->msg = MSG_NONE;
  const char *point = memchr(s->digits, '.', s->n_digits);
  if (point) {
    if (s->n_digits - (size_t)(point - s->digits) > 2)
      return; /* two decimals at most: 角 and 分 */
  } else {
    if (s->n_digits == 1 && s->digits[0] == '0')
      s->n_digits = 0; /* no leading zeros: "05" is 5 */
    if (s->n_digits >= max_digits(screener_question_at(s->scr, s->cur)))
      return;
  }
  s->digits[s->n_digits++] = d;
  s->digits[s->n_digits] = '\0';
}

/* The decimal point, for money: once; "." alone starts as "0.". */
static void keypad_dot(screener_state *s) {
  s->msg = MSG_NONE;
  if (memchr(s->digits, '.', s->n_digits) || s->n_digits + 2 > TYPED_MAX)
    return;
  if (!s->n_digits)
    s->digits[s->n_digits++] = '0';
  s->digits[s->n_digits++] = '.';
  s->digits[s->n_digits] = '\0';
}

static void keypad_delete(screener_state *s) {
  s->msg = MSG_NONE;
  if (s->n_digits)
    s->digits[--s->n_digits] = '\0';
}

static int is_number(const screener_question *q) {
  return q->type == SCREENER_Q_NUMBER || q->type == SCREENER_Q_MONEY;
}

static void screener_event(app *a, void *state, const ui_event *ev) {
  screener_state *s = state;
  if (!s->scr) {
    if (ev->type == UI_EV_TAP && ev->action == SCR_PICK)
      app_replace(a, &screen_results_pick, NULL);
    return;
  }
  const screener_question *q = screener_question_at(s->scr, s->cur);
  switch (ev->type) {
  case UI_EV_TAP:
    switch (ev->action) {
    case SCR_PREV:
      go_back(s);
      break;
    case SCR_SKIP:
      s->ans[s->cur] = (answer){.state = ANS_SKIPPED};
      advance(a, s);
      break;
    case SCR_YES:
    case SCR_NO:
      s->ans[s->cur] =
          (answer){.state = ANS_GIVEN, .yes = ev->action == SCR_YES};
      advance(a, s);
      break;
    case SCR_CHOICE:
      if (ev->arg >= 0 && (size_t)ev->arg < q->n_choices) {
        s->ans[s->cur] =
            (answer){.state = ANS_GIVEN, .choice = (size_t)ev->arg};
        advance(a, s);
      }
      break;
    case SCR_KEY_DEL:
      keypad_delete(s);
      break;
    case SCR_KEY_OK:
      keypad_ok(a, s);
      break;
    case SCR_KEY_DIGIT:
      if (ev->arg >= 0 && ev->arg <= 9)
        keypad_digit(s, (char)('0' + ev->arg));
      break;
    case SCR_KEY_DOT:
      if (q->type == SCREENER_Q_MONEY)
        keypad_dot(s);
      break;
    case SCR_PAGE_UP:
      if (s->cpage > 0)
        s->cpage--;
      break;
    case SCR_PAGE_DOWN:
      if (s->cpage + 1 < s->cpages)
        s->cpage++;
      break;
    }
    break;
  case UI_EV_TEXT:
    /* A physical keyboard works like the keypad. */
    if (is_number(q) && ev->text)
      for (const char *p = ev->text; *p; p++) {
        if (*p >= '0' && *p <= '9')
          keypad_digit(s, *p);
        else if (*p == '.' && q->type == SCREENER_Q_MONEY)
          keypad_dot(s);
      }
    break;
  case UI_EV_KEY:
    if (is_number(q) && ev->key == SDLK_BACKSPACE)
      keypad_delete(s);
    else if (is_number(q) &&
             (ev->key == SDLK_RETURN || ev->key == SDLK_KP_ENTER))
      keypad_ok(a, s);
    break;
  default:
    break;
  }
  app_dirty(a);
}

/* ------------------------------------------------------------------ */
/* drawing */

/* A rounded square in the icon's colour with its glyph in white. */
static void draw_icon(app *a, ui *u, const char *name, SDL_Rect r) {
  const theme *th = &u->th;
  const content_icon *ic = content_icon_find(app_content(a), name);
  unsigned rgb = ic ? ic->color : 0x0B4A85;
  SDL_Color col = {(Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255};
  ui_fill_round(u, r, th->radius, col);
  if (!ic)
    return;
  int gpx = r.w * 55 / 100;
  int gw = text_width(u->text, gpx, TEXT_BOLD, ic->glyph, strlen(ic->glyph));
  int gh = text_line_height(u->text, gpx, TEXT_BOLD);
  ui_text_line(u, gpx, TEXT_BOLD, th->on_primary, ic->glyph,
               r.x + (r.w - gw) / 2, r.y + (r.h - gh) / 2);
}

/* Yes/no labels: 有/没有 for a question about having something (its text
 * contains 有), 是/不是 otherwise. */
static void yesno_labels(app *a, const screener_question *q, const char **yes,
                         const char **no) {
  int have = strstr(q->text, "有") != NULL;
  *yes = app_str(a, have ? "screen.yes_have" : "nav.yes");
  *no = app_str(a, have ? "screen.no_have" : "nav.no");
}

/* The height of the row of choices starting at i. */
static int choice_row_h(ui *u, const screener_question *q, size_t i, int cw,
                        int cols, int px) {
  int row_h = 0;
  for (int k = 0; k < cols && i + (size_t)k < q->n_choices; k++) {
    int h = choice_height(u, cw, px, q->choices[i + (size_t)k].label);
    if (h > row_h)
      row_h = h;
  }
  return row_h;
}

/* The height of all the choices in cols columns at px. */
static int choices_h(ui *u, const screener_question *q, int w, int cols,
                     int px) {
  const theme *th = &u->th;
  int cw = (w - th->gap * (cols - 1)) / cols;
  int y = 0;
  for (size_t i = 0; i < q->n_choices; i += (size_t)cols)
    y += choice_row_h(u, q, i, cw, cols, px) + th->gap;
  return y - th->gap;
}

/* Choices in one column, or two when one does not fit in r, in smaller
 * words when two do not either; pages of whole rows with 上一页 /
 * 下一页 when even those do not fit. */
static void draw_choices(app *a, ui *u, screener_state *s,
                         const screener_question *q, SDL_Rect r) {
  const theme *th = &u->th;
  const answer *an = &s->ans[s->cur];
  int cols = 1, px = th->px_large;
  if (choices_h(u, q, r.w, cols, px) > r.h)
    cols = 2;
  if (cols == 2 && choices_h(u, q, r.w, cols, px) > r.h)
    px = th->px_body;
  int cw = (r.w - th->gap * (cols - 1)) / cols;
  if (s->cpage_q != s->cur) {
    s->cpage_q = s->cur;
    s->cpage = 0;
  }
  size_t first_of[SCREENER_MAX_CHOICES + 2];
  int pages = 0;
  int pager_h = th->target_min;
  if (choices_h(u, q, r.w, cols, px) > r.h) {
    int room = r.h - pager_h - th->gap;
    int used = 0;
    for (size_t i = 0; i < q->n_choices && pages <= SCREENER_MAX_CHOICES;
         i += (size_t)cols) {
      int h = choice_row_h(u, q, i, cw, cols, px) + th->gap;
      if (pages == 0 || (used + h > room && used > 0)) {
        first_of[pages++] = i;
        used = 0;
      }
      used += h;
    }
  } else {
    first_of[pages++] = 0;
  }
  first_of[pages] = q->n_choices;
  s->cpages = pages;
  if (s->cpage >= s->cpages)
    s->cpage = s->cpages - 1;
  if (s->cpage < 0)
    s->cpage = 0;
  int y = r.y;
  size_t to = first_of[s->cpage + 1];
  for (size_t i = first_of[s->cpage]; i < to; i += (size_t)cols) {
    int row_h = choice_row_h(u, q, i, cw, cols, px);
    for (int k = 0; k < cols && i + (size_t)k < to; k++) {
      size_t ci = i + (size_t)k;
      char id[UI_ID_MAX];
      snprintf(id, sizeof id, "choice.%s", q->choices[ci].value);
      choice_button(u, id, (SDL_Rect){r.x + k * (cw + th->gap), y, cw, row_h},
                    an->state == ANS_GIVEN && an->choice == ci, px,
                    q->choices[ci].label);
      ui_tag(u, SCR_CHOICE, (int)ci);
    }
    y += row_h + th->gap;
  }
  if (s->cpages > 1)
    pageview_pager(u, (SDL_Rect){r.x, r.y + r.h - pager_h, r.w, pager_h},
                   s->cpage, s->cpages, SCR_PAGE_UP, SCR_PAGE_DOWN);
}

/* The number field's text size: the huge one, unless the keys would go
 * under the minimum target in a keypad of height h. */
static int keypad_field_px(ui *u, const screener_question *q, int h) {
  const theme *th = &u->th;
  int rows = q->type == SCREENER_Q_MONEY ? 5 : 4;
  int keys = rows * th->target_min + (rows - 1) * (th->gap / 2) + th->gap;
  int huge = text_line_height(u->text, th->px_huge, TEXT_BOLD) + th->pad;
  return huge + keys > h ? th->px_title : th->px_huge;
}

/* Height of the keypad with its keys at the minimum target and the field
 * at the smaller size. */
static int keypad_min_height(ui *u, const screener_question *q) {
  const theme *th = &u->th;
  int rows = q->type == SCREENER_Q_MONEY ? 5 : 4;
  return text_line_height(u->text, th->px_title, TEXT_BOLD) + th->pad +
         th->gap + rows * th->target_min + (rows - 1) * (th->gap / 2);
}

/* The number field and the keypad: 1–9 in three rows, then 删除 0 确定;
 * for money 1–9, then . 0 删除, then 确定 across. */
static void draw_keypad(app *a, ui *u, screener_state *s,
                        const screener_question *q, SDL_Rect r) {
  const theme *th = &u->th;
  /* The field: the digits with the unit, or a prompt while empty. */
  int field_px = keypad_field_px(u, q, r.h);
  int field_h = text_line_height(u->text, field_px, TEXT_BOLD) + th->pad;
  int kw = r.w;
  int max_kw = theme_px(th, th->elder ? 720 : 600);
  if (kw > max_kw)
    kw = max_kw;
  int kx = r.x + (r.w - kw) / 2;
  SDL_Rect field = {kx, r.y, kw, field_h};
  ui_card(u, field, th->surface, th->primary);
  SDL_Rect ft = {field.x + th->pad, field.y, field.w - 2 * th->pad, field.h};
  if (s->n_digits) {
    char shown[64];
    snprintf(shown, sizeof shown, "%s %s", s->digits, q->unit ? q->unit : "");
    ui_text_box(u, ft, field_px, TEXT_BOLD, th->text, UI_CENTER, 1, shown);
  } else {
    ui_text_box(u, ft, th->px_body, TEXT_REGULAR, th->text_muted, UI_CENTER,
                1, app_str(a, "screen.number.prompt"));
  }
  int top = r.y + field_h + th->gap;
  int gap = th->gap / 2;
  int money = q->type == SCREENER_Q_MONEY;
  int rows = money ? 5 : 4;
  int kh = (r.y + r.h - top - (rows - 1) * gap) / rows;
  int max_kh = th->button_h * 5 / 4;
  if (kh > max_kh)
    kh = max_kh;
  if (kh < th->target_min)
    kh = th->target_min;
  int bw = (kw - 2 * gap) / 3;
  static const char *const number_keys[12] = {
      "1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"};
  static const char *const money_keys[13] = {
      "1", "2", "3", "4", "5", "6", "7", "8", "9", "dot", "0", "del", "ok"};
  const char *const *keys = money ? money_keys : number_keys;
  int n = money ? 13 : 12;
  for (int i = 0; i < n; i++) {
    SDL_Rect kr = {kx + (i % 3) * (bw + gap), top + (i / 3) * (kh + gap), bw,
                   kh};
    if (i == 12) /* money's 确定: a row of its own */
      kr.w = kw;
    char id[16];
    snprintf(id, sizeof id, "key.%s", keys[i]);
    if (strcmp(keys[i], "dot") == 0) {
      ui_button(u, id, kr, UI_BTN_SECONDARY, app_str(a, "screen.key.dot"));
      ui_tag(u, SCR_KEY_DOT, 0);
    } else if (strcmp(keys[i], "del") == 0) {
      ui_button(u, id, kr, UI_BTN_SECONDARY, app_str(a, "screen.key.delete"));
      ui_tag(u, SCR_KEY_DEL, 0);
    } else if (strcmp(keys[i], "ok") == 0) {
      ui_button(u, id, kr, UI_BTN_PRIMARY, app_str(a, "screen.key.ok"));
      ui_tag(u, SCR_KEY_OK, 0);
    } else {
      ui_button(u, id, kr, UI_BTN_SECONDARY, keys[i]);
      ui_tag(u, SCR_KEY_DIGIT, keys[i][0] - '0');
    }
  }
}

/* Height of the keypad (the field and its rows of keys at their
 * preferred height: five for money, four otherwise). */
static int keypad_height(ui *u, const screener_question *q) {
  const theme *th = &u->th;
  int rows = q->type == SCREENER_Q_MONEY ? 5 : 4;
  return text_line_height(u->text, th->px_huge, TEXT_BOLD) + th->pad +
         th->gap + rows * (th->button_h * 5 / 4) + (rows - 1) * (th->gap / 2);
}

/* The message under the question when the number was not accepted. */
static void message(app *a, const screener_question *q, msg_kind m, char *out,
                    size_t size) {
  out[0] = '\0';
  if (m == MSG_EMPTY) {
    snprintf(out, size, "%s", app_str(a, "screen.number.empty"));
  } else if (m == MSG_RANGE) {
    char lo[32], hi[32], tmp[300];
    snprintf(lo, sizeof lo, "%lld", (long long)(q->min / EXPR_SCALE));
    snprintf(hi, sizeof hi, "%lld", (long long)(q->max / EXPR_SCALE));
    chrome_format(tmp, sizeof tmp, app_str(a, "screen.number.range"), "min",
                  lo);
    chrome_format(out, size, tmp, "max", hi);
  }
}

static void draw_unavailable(app *a, ui *u, SDL_Rect area, int footer) {
  const theme *th = &u->th;
  int w = th->w - 2 * th->margin;
  const char *t = app_str(a, "screen.unavailable");
  int h = ui_text_height(u, w, th->px_body, TEXT_REGULAR, t);
  int y = area.y + th->margin;
  ui_text_box(u, (SDL_Rect){th->margin, y, w, h}, th->px_body, TEXT_REGULAR,
              th->text, UI_LEFT, 0, t);
  int bw = th->w / 2;
  int by = y + h + th->gap * 2;
  if (by + th->button_h > footer)
    by = footer - th->button_h - th->gap;
  ui_button(u, "start.pick", (SDL_Rect){(th->w - bw) / 2, by, bw, th->button_h},
            UI_BTN_PRIMARY, app_str(a, "screen.start.pick"));
  ui_tag(u, SCR_PICK, 0);
}

/* 上一题 at the left of r, 跳过 at its right, and the hint between them
 * when there is room for it. */
static void draw_nav_row(app *a, ui *u, const screener_state *s, SDL_Rect r) {
  const theme *th = &u->th;
  int nbw = th->w / 4;
  if (nbw < th->target_min * 2)
    nbw = th->target_min * 2;
  if (2 * nbw + th->gap > r.w)
    nbw = (r.w - th->gap) / 2;
  if (s->n_hist) {
    ui_button(u, "q.prev", (SDL_Rect){r.x, r.y, nbw, r.h}, UI_BTN_SECONDARY,
              app_str(a, "screen.prev"));
    ui_tag(u, SCR_PREV, 0);
  }
  ui_button(u, "q.skip", (SDL_Rect){r.x + r.w - nbw, r.y, nbw, r.h},
            UI_BTN_SECONDARY, app_str(a, "nav.skip"));
  ui_tag(u, SCR_SKIP, 0);
  int mid_x = r.x + nbw + th->gap, mid_w = r.w - 2 * (nbw + th->gap);
  if (mid_w > th->target_min * 2)
    ui_text_box(u, (SDL_Rect){mid_x, r.y, mid_w, r.h}, th->px_small,
                TEXT_REGULAR, th->text_muted, UI_CENTER, 1,
                app_str(a, "screen.skip.hint"));
}

static void screener_draw(app *a, void *state, ui *u) {
  screener_state *s = state;
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "screen.title"), 1);
  int footer = screen_footer(a, u);
  if (!s->scr) {
    draw_unavailable(a, u, area, footer);
    return;
  }
  const screener_question *q = screener_question_at(s->scr, s->cur);
  int m = th->margin;

  /* Bottom row: 上一题 on the left, 跳过 on the right. A keypad that
   * would not fit above it (a small landscape screen in a large size)
   * runs down to the footer instead, and the two buttons share the foot
   * of the question's column. */
  int nav_y = footer - th->gap / 2 - th->button_h;
  int top = area.y + th->gap;
  int bottom = nav_y - th->gap;
  int keys_low = !th->portrait && is_number(q) &&
                 keypad_min_height(u, q) > bottom - top;
  if (!keys_low)
    draw_nav_row(a, u, s, (SDL_Rect){m, nav_y, th->w - 2 * m, th->button_h});

  /* The question: on the left of a landscape screen, on top of a portrait
   * one; the answers take the rest. */
  int ar_bottom = keys_low ? footer - th->gap / 2 : bottom;
  SDL_Rect qr, ar;
  if (th->portrait) {
    qr = (SDL_Rect){m, top, th->w - 2 * m, 0};
  } else {
    int qw = (th->w - 2 * m - 2 * th->gap) * 45 / 100;
    qr = (SDL_Rect){m, top, qw, bottom - top};
    ar = (SDL_Rect){m + qw + 2 * th->gap, top, th->w - 2 * m - qw - 2 * th->gap,
                    ar_bottom - top};
  }

  /* Progress: the questions that apply so far, and this one's place. */
  size_t total = 0, pos = 0;
  for (size_t i = 0; i < s->n_q; i++) {
    if (i == s->cur || relevant(a, s, i)) {
      total++;
      if (i <= s->cur)
        pos++;
    }
  }
  char n1[24], n2[24], tmp[200], progress[200];
  snprintf(n1, sizeof n1, "%zu", pos);
  snprintf(n2, sizeof n2, "%zu", total);
  chrome_format(tmp, sizeof tmp, app_str(a, "screen.progress"), "n", n1);
  chrome_format(progress, sizeof progress, tmp, "total", n2);
  int y = qr.y;
  int ph = text_line_height(u->text, th->px_body, TEXT_BOLD);
  ui_text_box(u, (SDL_Rect){qr.x, y, qr.w, ph}, th->px_body, TEXT_BOLD,
              th->text_muted, UI_LEFT, 0, progress);
  /* A thin bar under it shows the same. */
  int barh = theme_px(th, 8);
  y += ph + th->gap / 3;
  ui_fill_round(u, (SDL_Rect){qr.x, y, qr.w, barh}, barh / 2, th->surface_alt);
  if (total)
    ui_fill_round(u, (SDL_Rect){qr.x, y, (int)((size_t)qr.w * pos / total), barh},
                  barh / 2, th->primary);
  y += barh + th->gap;

  char msg[400];
  message(a, q, s->msg, msg, sizeof msg);
  int icon = theme_px(th, th->elder ? 120 : 104);
  if (!th->portrait) {
    /* A long question, help or message on a small screen in a large
     * size: the picture gives its room first, then the answers give the
     * question's column some of theirs. */
    for (int step = 0; step < 3; step++) {
      int ic = step ? 0 : icon;
      int tw0 = qr.w - (ic ? ic + th->pad : 0);
      int qh0 = ui_text_height(u, tw0, th->px_title, TEXT_BOLD, q->text);
      int need = (qh0 > ic ? qh0 : ic) + th->gap;
      if (q->help && *q->help)
        need += ui_text_height(u, qr.w, th->px_body, TEXT_REGULAR, q->help) +
                th->gap;
      if (msg[0])
        need += ui_text_height(u, qr.w - 2 * th->pad, th->px_body, TEXT_BOLD,
                               msg) +
                th->pad + th->gap;
      icon = ic;
      if (y + need <= bottom || step == 2)
        break;
      if (step == 1) {
        int qw = (th->w - 2 * m - 2 * th->gap) * 58 / 100;
        qr.w = qw;
        ar = (SDL_Rect){m + qw + 2 * th->gap, top,
                        th->w - 2 * m - qw - 2 * th->gap, ar_bottom - top};
      }
    }
  }
  int tx = qr.x + (icon ? icon + th->pad : 0);
  int tw = qr.w - (icon ? icon + th->pad : 0);
  int qh = ui_text_height(u, tw, th->px_title, TEXT_BOLD, q->text);
  if (icon)
    draw_icon(a, u, q->icon, (SDL_Rect){qr.x, y, icon, icon});
  ui_text_box(u, (SDL_Rect){tx, y, tw, qh}, th->px_title, TEXT_BOLD, th->text,
              UI_LEFT, 0, q->text);
  y += (qh > icon ? qh : icon) + th->gap;
  if (q->help && *q->help) {
    int hh = ui_text_height(u, qr.w, th->px_body, TEXT_REGULAR, q->help);
    ui_text_box(u, (SDL_Rect){qr.x, y, qr.w, hh}, th->px_body, TEXT_REGULAR,
                th->text_muted, UI_LEFT, 0, q->help);
    y += hh + th->gap;
  }
  if (msg[0]) {
    int mh = ui_text_height(u, qr.w - 2 * th->pad, th->px_body, TEXT_BOLD, msg);
    ui_fill_round(u, (SDL_Rect){qr.x, y, qr.w, mh + th->pad}, th->radius,
                  th->warn_bg);
    ui_text_box(u, (SDL_Rect){qr.x + th->pad, y + th->pad / 2,
                              qr.w - 2 * th->pad, mh},
                th->px_body, TEXT_BOLD, th->accent, UI_LEFT, 0, msg);
    y += mh + th->pad + th->gap;
  }
  if (keys_low)
    draw_nav_row(a, u, s, (SDL_Rect){qr.x, nav_y, qr.w, th->button_h});
  if (th->portrait) {
    ar = (SDL_Rect){m, y + th->gap, th->w - 2 * m, bottom - y - th->gap};
    /* A keypad or a few buttons sit low, near the hands. */
    int want = 0;
    if (is_number(q))
      want = keypad_height(u, q);
    if (want && want < ar.h) {
      ar.y += ar.h - want;
      ar.h = want;
    }
  }

  const answer *an = &s->ans[s->cur];
  switch (q->type) {
  case SCREENER_Q_YESNO: {
    /* Two big buttons: side by side in the lower part of a portrait
     * screen, near the hands; stacked on the right of a landscape one. */
    const char *yes, *no;
    yesno_labels(a, q, &yes, &no);
    int yes_on = an->state == ANS_GIVEN && an->yes;
    int no_on = an->state == ANS_GIVEN && !an->yes;
    if (th->portrait) {
      int bh = th->button_h * 2;
      if (bh > ar.h)
        bh = ar.h;
      int bw = (ar.w - th->gap) / 2;
      int by = ar.y + (ar.h - bh) * 2 / 3;
      choice_button(u, "ans.yes", (SDL_Rect){ar.x, by, bw, bh}, yes_on,
                    th->px_title, yes);
      ui_tag(u, SCR_YES, 0);
      choice_button(u, "ans.no", (SDL_Rect){ar.x + bw + th->gap, by, bw, bh},
                    no_on, th->px_title, no);
      ui_tag(u, SCR_NO, 0);
    } else {
      int bh = th->button_h * 3 / 2;
      int by = ar.y + (ar.h - 2 * bh - th->gap * 2) / 2;
      choice_button(u, "ans.yes", (SDL_Rect){ar.x, by, ar.w, bh}, yes_on,
                    th->px_title, yes);
      ui_tag(u, SCR_YES, 0);
      choice_button(u, "ans.no",
                    (SDL_Rect){ar.x, by + bh + th->gap * 2, ar.w, bh}, no_on,
                    th->px_title, no);
      ui_tag(u, SCR_NO, 0);
    }
    break;
  }
  case SCREENER_Q_CHOICE:
    draw_choices(a, u, s, q, ar);
    break;
  case SCREENER_Q_NUMBER:
  case SCREENER_Q_MONEY:
    draw_keypad(a, u, s, q, ar);
    break;
  }
}

const screen_class screen_screener = {
    .name = "screener",
    .state_size = sizeof(screener_state),
    .enter = screener_enter,
    .leave = screener_leave,
    .event = screener_event,
    .draw = screener_draw,
};
