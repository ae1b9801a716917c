/* form: the application form, one question per screen, and the household
 * members' list.
 *
 * The form itself belongs to the app (app/form_host.h); this screen shows
 * the engine's cursor (core/form.h) and never decides what is asked:
 *   - a question: the progress by section (「第3步，共8步」), the question big
 *     and plain, its help line, then an input suited to its type — a text
 *     field with the right keyboard docked (pinyin or handwriting for names
 *     and text, the ID keypad, the numeric keypad for phone numbers, money,
 *     numbers and dates), big buttons for yes/no and choices (a tap answers
 *     and moves on), large check boxes for several choices — and the
 *     engine's message in plain words right under the input, 上一步 and
 *     下一步. An unusual amount is kept but must be confirmed (「没错」).
 *   - the members' list (a repeat group): one row per person with name and
 *     relation, 修改 and 删除 (删除 turns the row into an inline 「确定删除」,
 *     never a pop-up), 添加家庭成员; each member's questions are then asked
 *     one per screen like the others.
 * When the cursor reaches the review or a signature, form_flow_follow()
 * puts the review or the signature screen in this one's place.
 *
 * What the applicant types lives in this screen's field until 下一步 hands
 * it to the engine; going back shows the kept answer again. The field and
 * the keyboard are wiped in leave(), which every session end runs.
 *
 * On an identity question (a person's name, ID number, registered
 * address) with an ID card reader connected, 刷身份证 arms the reader; the
 * card's result comes back through the reader service's wake and is taken
 * in tick(): the person's answers are filled (services/form_host.h), the
 * field shows the card's value, and 「这些是从身份证上读出来的，请核对」
 * stays under each filled question until the applicant changes it. A card
 * not read, taken away too soon, or already given for another person of
 * the household says so plainly; typing always works. Nothing read is kept
 * here: the card is wiped right after filling.
 *
 * Invariants: `bound`/`bound_member` name the question the field, the
 * picks and the message belong to; they are re-bound whenever the cursor
 * moves, so a message never shows under another question. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "screens/screens.h"
#include "services/services.h"
#include "widgets/choice.h"
#include "widgets/field.h"
#include "widgets/kbd.h"
#include "widgets/pageview.h"

/* What a tap on the question screen means (ui_tag). */
enum fq_action {
  FQ_PREV = 1,
  FQ_NEXT,
  FQ_CONFIRM,
  FQ_FIELD, /* the text box: places the caret */
  FQ_YES,
  FQ_NO,
  FQ_CHOICE, /* arg: index in the field's choices */
  FQ_MULTI,  /* arg: index in the field's choices */
  FQ_MEMBER_ADD,
  FQ_MEMBER_EDIT,       /* arg: the member's index */
  FQ_MEMBER_REMOVE,     /* arg: the member's index */
  FQ_MEMBER_REMOVE_YES, /* arg: the member's index */
  FQ_MEMBER_REMOVE_NO,
  FQ_PAGE_UP, /* the members' list */
  FQ_PAGE_DOWN,
  FQ_DATE_STEP,      /* arg: unit * 2 + up (unit 0 year, 1 month, 2 day) */
  FQ_DATE_QUICK,     /* arg: days before today (0 今天, 1 昨天) */
  FQ_CARD,           /* 刷身份证 */
  FQ_CARD_CANCEL,    /* 不刷了，自己填 */
  FQ_CHOICE_PAGE_UP, /* a long list of choices */
  FQ_CHOICE_PAGE_DOWN
};

typedef struct form_state {
  kbd *k;
  field fld;
  field_layout lay;
  const form_field *bound; /* the question on show (NULL: none yet) */
  int bound_member;
  int bound_step;
  int texty;                  /* the question is typed into fld */
  int date;                   /* fld holds 8 digits of a date */
  char msg[FORM_MAX_MESSAGE]; /* under the input; "" when none */
  int confirm;                /* the value is unusual: offer 「没错」 */
  unsigned char picked[FORM_MAX_CHOICES]; /* multi-choice ticks */
  int removing;    /* member whose 确定删除 shows, or -1 */
  int page;        /* members' list page */
  int show_member; /* turn to this member's page, or -1 */
  int pages;
  int card_wait; /* 刷身份证 tapped: waiting for a card */
  int cpage;     /* choices' page (a list too long for one) */
  int cpages;
  uint32_t msg_said; /* hash of the message last read aloud, 0 none */
} form_state;

/* ------------------------------------------------------------------ */
/* binding the cursor's question to the inputs */

static field_kind kind_of(const form_field *fd, int *max_chars, int *date) {
  *date = 0;
  switch (fd->type) {
  case FORM_T_CHINESE_TEXT:
    *max_chars = (int)fd->max_chars;
    return FIELD_NAME;
  case FORM_T_TEXT:
    *max_chars = (int)fd->max_chars;
    return fd->digits ? FIELD_NUMBER : FIELD_TEXT;
  case FORM_T_ADDRESS:
    *max_chars = (int)fd->max_chars;
    return FIELD_TEXT;
  case FORM_T_NUMBER:
    *max_chars = 12;
    return fd->decimals ? FIELD_MONEY : FIELD_NUMBER;
  case FORM_T_MONEY:
    *max_chars = 12;
    return FIELD_MONEY;
  case FORM_T_DATE:
    *max_chars = 8;
    *date = 1;
    return FIELD_NUMBER;
  case FORM_T_ID_NUMBER:
    *max_chars = 18;
    return FIELD_ID_NUMBER;
  case FORM_T_PHONE:
    *max_chars = 11;
    return FIELD_PHONE;
  default:
    *max_chars = 0;
    return FIELD_TEXT;
  }
}

/* Puts the kept answer back into the field, in the form it is typed. */
static void prefill(form_state *s, const form *f, const form_field *fd,
                    int member) {
  char shown[FIELD_BYTES_MAX];
  if (!form_value_display(f, fd, member, shown, sizeof shown))
    return;
  char typed[FIELD_BYTES_MAX] = "";
  if (fd->type == FORM_T_MONEY || fd->type == FORM_T_NUMBER) {
    int64_t v; /* money: fen, number: EXPR_SCALE units */
    int money = fd->type == FORM_T_MONEY;
    if (form_value_number(f, fd, member, &v))
      expr_num_format(money ? v * 100 : v, money ? 2 : 4, typed, sizeof typed);
    session_wipe_bytes(&v, sizeof v);
  } else if (fd->type == FORM_T_DATE) {
    validate_date d;
    if (form_value_date(f, fd, member, &d))
      snprintf(typed, sizeof typed, "%04d%02d%02d", d.year % 10000,
               d.month % 100, d.day % 100);
    session_wipe_bytes(&d, sizeof d);
  } else {
    snprintf(typed, sizeof typed, "%s", shown);
  }
  field_insert(&s->fld, typed);
  session_wipe_bytes(shown, sizeof shown);
  session_wipe_bytes(typed, sizeof typed);
}

/* Ticks of a multi-choice answer, from its values. */
static void load_picks(form_state *s, const form *f, const form_field *fd,
                       int member) {
  memset(s->picked, 0, sizeof s->picked);
  for (size_t i = 0; i < fd->n_choices && i < FORM_MAX_CHOICES; i++)
    s->picked[i] = (unsigned char)form_value_picked(f, fd, member, i);
}

/* Re-binds the inputs when the cursor shows another question. */
static void sync(app *a, form_state *s, const form *f, const form_question *q) {
  if (q->field == s->bound && q->member == s->bound_member &&
      (int)q->step == s->bound_step)
    return;
  /* Back on the list from a member's questions: that member's page. */
  if (q->step == FORM_STEP_GROUP && s->bound_member >= 0)
    s->show_member = s->bound_member;
  s->bound = q->field;
  s->bound_member = q->member;
  s->bound_step = (int)q->step;
  app_announce(a); /* a new question: read it in elder mode */
  if (s->card_wait)
    idcard_host_cancel(app_idcard(a));
  s->card_wait = 0;
  s->msg[0] = '\0';
  s->confirm = 0;
  s->removing = -1;
  s->texty = 0;
  s->cpage = 0;
  s->cpages = 1;
  field_free(&s->fld);
  if (s->k)
    kbd_reset(s->k);
  if (q->step != FORM_STEP_FIELD || !q->field)
    return;
  int max_chars = 0;
  field_kind kind = kind_of(q->field, &max_chars, &s->date);
  if (max_chars > 0) {
    if (max_chars > FIELD_CHARS_MAX)
      max_chars = FIELD_CHARS_MAX;
    s->texty = 1;
    field_init(&s->fld, kind, max_chars);
    prefill(s, f, q->field, q->member);
    field_caret_end(&s->fld);
    if (s->k)
      kbd_bind(s->k, kind);
  }
  if (q->field->type == FORM_T_MULTI_CHOICE)
    load_picks(s, f, q->field, q->member);
}

/* ------------------------------------------------------------------ */
/* moving */

/* After any change: the recovery point, then the screen for the cursor. */
static void moved(app *a) {
  form_host_saved(app_form(a));
  form_flow_follow(a, &screen_form);
}

static void set_msg(form_state *s, const form_result *r) {
  snprintf(s->msg, sizeof s->msg, "%s", r->message);
  s->confirm = r->status == FORM_CONFIRM;
}

static void go_next(app *a, form_state *s, form *f) {
  form_result r;
  form_question q;
  form_current(f, &q);
  form_next(f, &r);
  if (r.status != FORM_OK) {
    set_msg(s, &r);
    /* On the list: show the first member with something missing. */
    for (size_t m = 0;
         q.step == FORM_STEP_GROUP && m < form_member_count(f, q.field->id);
         m++)
      if (!form_member_complete(f, q.field->id, m)) {
        s->show_member = (int)m;
        break;
      }
    form_host_saved(app_form(a));
    return;
  }
  moved(a);
}

/* 8 typed digits of a date as YYYY-MM-DD; 0 when they are not 8 digits. */
static int date_text(const char *digits, char *out, size_t size) {
  if (strlen(digits) != 8 || strspn(digits, "0123456789") != 8)
    return 0;
  snprintf(out, size, "%.4s-%.2s-%.2s", digits, digits + 4, digits + 6);
  return 1;
}

/* The 8 typed digits YYYYMMDD as a date value (not checked to be a real
 * date: the engine does that on 下一步); 0 until 8 digits are typed. */
static int date_typed(const char *digits, validate_date *d) {
  if (strlen(digits) != 8 || strspn(digits, "0123456789") != 8)
    return 0;
  int v[8];
  for (int i = 0; i < 8; i++)
    v[i] = digits[i] - '0';
  *d = (validate_date){v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3],
                       v[4] * 10 + v[5], v[6] * 10 + v[7]};
  return 1;
}

/* ---- date steppers: year, month and day by taps (typing still works) ---- */

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[(m - 1) % 12];
}

static int date_cmp(const validate_date *a, const validate_date *b) {
  if (a->year != b->year)
    return a->year < b->year ? -1 : 1;
  if (a->month != b->month)
    return a->month < b->month ? -1 : 1;
  return a->day < b->day ? -1 : a->day > b->day;
}

static validate_date today_of(const app *a) {
  char t[11];
  app_today(a, t);
  validate_date d = {2026, 1, 1};
  if (strlen(t) == 10)
    d = (validate_date){atoi(t), atoi(t + 5), atoi(t + 8)};
  return d;
}

/* The date the steppers start from: what is typed (8 digits), else today. */
static validate_date date_shown(const app *a, const form_state *s) {
  validate_date d;
  if (date_typed(field_text(&s->fld), &d) && d.month >= 1 && d.month <= 12 &&
      d.day >= 1 && d.year >= 1900 && d.year <= 2200)
    return d;
  return today_of(a);
}

/* One step of a unit (or a quick day), kept a real date, never after today
 * for a no_future field; written into the field as 8 digits. */
static void date_step(app *a, form_state *s, const form_field *fd, int action,
                      int arg) {
  validate_date d = date_shown(a, s), now = today_of(a);
  if (action == FQ_DATE_QUICK) {
    d = now;
    for (int i = 0; i < arg && i < 31; i++)
      if (--d.day < 1) {
        if (--d.month < 1) {
          d.month = 12;
          d.year--;
        }
        d.day = month_days(d.year, d.month);
      }
  } else {
    int up = arg % 2 ? 1 : -1;
    switch (arg / 2) {
    case 0:
      d.year += up;
      break;
    case 1:
      d.month += up;
      if (d.month < 1)
        d.month = 12;
      else if (d.month > 12)
        d.month = 1;
      break;
    default:
      d.day += up;
      if (d.day < 1)
        d.day = month_days(d.year, d.month);
      else if (d.day > month_days(d.year, d.month))
        d.day = 1;
      break;
    }
    if (d.year < 1900)
      d.year = 1900;
    if (d.day > month_days(d.year, d.month))
      d.day = month_days(d.year, d.month);
  }
  if (fd->no_future && date_cmp(&d, &now) > 0)
    d = now;
  char digits[16];
  snprintf(digits, sizeof digits, "%04d%02d%02d", d.year, d.month, d.day);
  field_clear(&s->fld);
  field_insert(&s->fld, digits);
  field_caret_end(&s->fld);
  if (s->k)
    kbd_reset(s->k);
  s->msg[0] = '\0';
  s->confirm = 0;
  session_wipe_bytes(digits, sizeof digits);
  (void)a;
}

/* The steppers in r (three columns: + above the value, − below) and, when
 * there is room, 今天 and 昨天; nothing when r is too low for them.
 * Returns the height used. */
static int draw_date_steps(app *a, ui *u, const form_state *s, SDL_Rect r) {
  const theme *th = &u->th;
  int g = th->gap / 2;
  int vh = text_line_height(u->text, th->px_large, TEXT_BOLD);
  /* As large as a key where there is room, never below a target. */
  int t = th->button_h * 3 / 4;
  if (2 * t + vh + g > r.h)
    t = (r.h - vh - g) / 2;
  if (t < th->target_min)
    t = th->target_min;
  int need = 2 * t + vh + g;
  if (r.h < need || r.w < 3 * t + 2 * th->gap)
    return 0;
  validate_date d = date_shown(a, s);
  static const char *const unit[] = {"year", "month", "day"};
  char val[3][24];
  snprintf(val[0], sizeof val[0], "%d年", d.year);
  snprintf(val[1], sizeof val[1], "%d月", d.month);
  snprintf(val[2], sizeof val[2], "%d日", d.day);
  int cw = (r.w - 2 * th->gap) / 3;
  for (int i = 0; i < 3; i++) {
    int x = r.x + i * (cw + th->gap);
    char id[UI_ID_MAX];
    snprintf(id, sizeof id, "date.%s.plus", unit[i]);
    ui_button(u, id, (SDL_Rect){x, r.y, cw, t}, UI_BTN_SECONDARY, "＋");
    ui_tag(u, FQ_DATE_STEP, i * 2 + 1);
    ui_text_box(u, (SDL_Rect){x, r.y + t + g / 2, cw, vh}, th->px_large,
                TEXT_BOLD, th->text, UI_CENTER, 1, val[i]);
    snprintf(id, sizeof id, "date.%s.minus", unit[i]);
    ui_button(u, id, (SDL_Rect){x, r.y + t + vh + g, cw, t}, UI_BTN_SECONDARY,
              "－");
    ui_tag(u, FQ_DATE_STEP, i * 2);
  }
  int h = need;
  if (r.h >= need + g + t) {
    int bw = (r.w - th->gap) / 2;
    ui_button(u, "date.today", (SDL_Rect){r.x, r.y + need + g, bw, t},
              UI_BTN_SECONDARY, app_str(a, "formui.date.today"));
    ui_tag(u, FQ_DATE_QUICK, 0);
    ui_button(u, "date.yesterday",
              (SDL_Rect){r.x + r.w - bw, r.y + need + g, bw, t},
              UI_BTN_SECONDARY, app_str(a, "formui.date.yesterday"));
    ui_tag(u, FQ_DATE_QUICK, 1);
    h += g + t;
  }
  return h;
}

/* 下一步 on a typed question: the text goes to the engine, then on. */
static void commit_text(app *a, form_state *s, form *f,
                        const form_question *q) {
  const char *t = field_text(&s->fld);
  form_result r = {0};
  if (!*t && !q->field->required) {
    form_clear(f);
    go_next(a, s, f);
    return;
  }
  char date[16];
  if (s->date && *t) {
    if (!date_text(t, date, sizeof date)) {
      snprintf(s->msg, sizeof s->msg, "%s", app_str(a, "formui.date.bad"));
      s->confirm = 0;
      return;
    }
    t = date;
  }
  /* Changed by hand: no longer what the card said. */
  char was[FIELD_BYTES_MAX];
  if (!form_value_display(f, q->field, q->member, was, sizeof was) ||
      strcmp(was, t) != 0)
    form_host_card_forget(app_form(a), q->field->id, q->member);
  session_wipe_bytes(was, sizeof was);
  form_answer_text(f, t, strlen(t), &r);
  session_wipe_bytes(date, sizeof date);
  if (r.status != FORM_OK) {
    set_msg(s, &r);
    form_host_saved(app_form(a));
    return;
  }
  go_next(a, s, f);
}

static void commit_multi(app *a, form_state *s, form *f,
                         const form_question *q) {
  const char *vals[FORM_MAX_CHOICES];
  size_t n = 0;
  for (size_t i = 0; i < q->field->n_choices && i < FORM_MAX_CHOICES; i++)
    if (s->picked[i])
      vals[n++] = q->field->choices[i].value;
  form_result r = {0};
  if (n == 0) {
    if (!q->field->required) {
      form_clear(f);
      go_next(a, s, f);
      return;
    }
    form_clear(f);
    form_next(f, &r);
    set_msg(s, &r);
    return;
  }
  form_answer_choices(f, vals, n, &r);
  if (r.status != FORM_OK) {
    set_msg(s, &r);
    return;
  }
  go_next(a, s, f);
}

/* The question's 下一步 (or 完成 on the keyboard). */
static void next_tapped(app *a, form_state *s, form *f,
                        const form_question *q) {
  if (q->step == FORM_STEP_GROUP) {
    go_next(a, s, f);
    return;
  }
  if (s->texty)
    commit_text(a, s, f, q);
  else if (q->field->type == FORM_T_MULTI_CHOICE)
    commit_multi(a, s, f, q);
  else
    go_next(a, s, f);
}

static void group_event(app *a, form_state *s, form *f, const form_question *q,
                        const ui_event *ev) {
  int m = ev->arg; /* the member's index, for the member actions */
  switch (ev->action) {
  case FQ_MEMBER_ADD: {
    form_result r = {0};
    size_t idx;
    if (form_member_add(f, q->field->id, &idx, &r) == KERR_OK)
      moved(a);
    else
      set_msg(s, &r);
    break;
  }
  case FQ_MEMBER_EDIT:
    if (m >= 0 && form_member_edit(f, q->field->id, (size_t)m) == KERR_OK)
      moved(a);
    break;
  case FQ_MEMBER_REMOVE:
    if (m >= 0) {
      s->removing = m;
      s->msg[0] = '\0';
    }
    break;
  case FQ_MEMBER_REMOVE_YES:
    if (m >= 0 && m == s->removing &&
        form_member_remove(f, q->field->id, (size_t)m) == KERR_OK) {
      LOG_I("form", "a member removed");
      s->removing = -1;
      s->bound = NULL; /* the list changed: bind again */
      moved(a);
    }
    break;
  case FQ_MEMBER_REMOVE_NO:
    s->removing = -1;
    break;
  case FQ_PAGE_UP:
    if (s->page > 0)
      s->page--;
    break;
  case FQ_PAGE_DOWN:
    if (s->page + 1 < s->pages)
      s->page++;
    break;
  }
}

static void field_event(app *a, form_state *s, form *f, const form_question *q,
                        const ui_event *ev) {
  const form_field *fd = q->field;
  form_result r = {0};
  /* the choice's index, for FQ_CHOICE and FQ_MULTI */
  int ci = ev->arg >= 0 && (size_t)ev->arg < fd->n_choices ? ev->arg : -1;
  switch (ev->action) {
  case FQ_YES:
  case FQ_NO:
    form_answer_bool(f, ev->action == FQ_YES, &r);
    if (r.status == FORM_OK)
      go_next(a, s, f);
    else
      set_msg(s, &r);
    break;
  case FQ_CHOICE:
    if (ci < 0)
      break;
    form_answer_choice(f, fd->choices[ci].value, &r);
    if (r.status == FORM_OK)
      go_next(a, s, f);
    else
      set_msg(s, &r);
    break;
  case FQ_CHOICE_PAGE_UP:
    if (s->cpage > 0)
      s->cpage--;
    break;
  case FQ_CHOICE_PAGE_DOWN:
    if (s->cpage + 1 < s->cpages)
      s->cpage++;
    break;
  case FQ_MULTI:
    if (ci >= 0 && ci < FORM_MAX_CHOICES)
      s->picked[ci] = !s->picked[ci];
    s->msg[0] = '\0';
    break;
  case FQ_CONFIRM:
    if (form_confirm(f) == KERR_OK) {
      s->confirm = 0;
      go_next(a, s, f);
    }
    break;
  case FQ_DATE_STEP:
  case FQ_DATE_QUICK:
    if (s->texty && s->date)
      date_step(a, s, fd, ev->action, ev->arg);
    break;
  case FQ_CARD:
    s->confirm = 0;
    if (idcard_host_start(app_idcard(a)) == KERR_OK) {
      s->card_wait = 1;
      snprintf(s->msg, sizeof s->msg, "%s", app_str(a, "formui.card.wait"));
      LOG_I("form", "waiting for an ID card");
    } else {
      snprintf(s->msg, sizeof s->msg, "%s",
               app_str(a, "formui.card.no_reader"));
    }
    break;
  case FQ_CARD_CANCEL:
    idcard_host_cancel(app_idcard(a));
    s->card_wait = 0;
    s->msg[0] = '\0';
    break;
  case FQ_FIELD:
    if (!s->texty)
      break;
    if (s->k)
      kbd_reset(s->k);
    field_caret_set(&s->fld, field_index_at(&s->lay, ev->x, ev->y));
    break;
  }
}

/* Edits from the keyboard (or a physical keyboard) into the field. */
static void apply_keys(app *a, form_state *s, form *f, const form_question *q,
                       const kbd_out *o) {
  if (o->text[0] || o->backspace) {
    s->msg[0] = '\0';
    s->confirm = 0;
  }
  for (int i = 0; i < o->backspace; i++)
    field_backspace(&s->fld);
  if (o->text[0]) {
    kerr e = field_insert(&s->fld, o->text);
    if (e == KERR_LIMIT) {
      char max[16];
      snprintf(max, sizeof max, "%d", s->fld.max_chars);
      chrome_format(s->msg, sizeof s->msg, app_str(a, "kbd.err.too_long"),
                    "max", max);
    } else if (e == KERR_INVALID) {
      snprintf(s->msg, sizeof s->msg, "%s",
               app_str(a, s->fld.kind == FIELD_TEXT || s->fld.kind == FIELD_NAME
                              ? "kbd.err.char"
                              : "kbd.err.digits"));
    }
  }
  if (o->done)
    next_tapped(a, s, f, q);
}

static void form_enter(app *a, void *state, const void *arg) {
  (void)arg;
  form_state *s = state;
  s->removing = -1;
  s->show_member = -1;
  s->bound_member = -2;
  /* Warm the applicant's input method now, in the background: by the
   * first text field it is usually ready. */
  ime_set *ih = app_ime(a);
  if (ih)
    ime_set_want(ih, ih->chinese);
  if (kbd_create(app_ime(a), &s->k))
    s->k = NULL;
}

static void form_leave(app *a, void *state) {
  form_state *s = state;
  if (s->card_wait)
    idcard_host_cancel(app_idcard(a));
  s->card_wait = 0;
  kbd_destroy(s->k);
  s->k = NULL;
  field_free(&s->fld);
  session_wipe_bytes(s->msg, sizeof s->msg);
}

/* A message under the answer (「填写的内容太短了…」) is read aloud when it
 * appears, for whoever listens (听一听 used, the keypad, elder mode): it
 * says why 下一步 did not move on. Messages never hold what was typed. */
static void say_msg(app *a, form_state *s) {
  uint32_t h = 0;
  if (s->msg[0]) {
    h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)s->msg; *p; p++)
      h = (h ^ *p) * 16777619u;
    h |= 1;
  }
  if (h == s->msg_said)
    return;
  s->msg_said = h;
  if (h && app_listening(a))
    app_say(a, s->msg);
}

static void event_inner(app *a, form_state *s, const ui_event *ev) {
  form *f = form_host_form(app_form(a));
  if (!f)
    return;
  form_question q;
  form_current(f, &q);
  sync(a, s, f, &q);
  if (q.step == FORM_STEP_REVIEW || !q.field)
    return;
  kbd_out o;
  if (s->texty && s->k && kbd_event(s->k, ev, &o)) {
    apply_keys(a, s, f, &q, &o);
    session_wipe_bytes(&o, sizeof o);
    app_dirty(a);
    return;
  }
  switch (ev->type) {
  case UI_EV_TAP:
    if (ev->action == FQ_PREV) {
      if (form_back(f) == KERR_OK)
        moved(a);
    } else if (ev->action == FQ_NEXT) {
      s->msg_said = 0; /* the same message again is read again */
      next_tapped(a, s, f, &q);
    } else if (q.step == FORM_STEP_GROUP) {
      group_event(a, s, f, &q, ev);
    } else {
      field_event(a, s, f, &q, ev);
    }
    break;
  case UI_EV_TEXT:
    /* A physical keyboard (staff helping): its text goes straight in. */
    if (s->texty && ev->text) {
      kbd_out t = {.text = ""};
      snprintf(t.text, sizeof t.text, "%s", ev->text);
      apply_keys(a, s, f, &q, &t);
      session_wipe_bytes(&t, sizeof t);
    }
    break;
  case UI_EV_KEY:
    if (s->texty && ev->key == SDLK_LEFT)
      field_caret_move(&s->fld, -1);
    else if (s->texty && ev->key == SDLK_RIGHT)
      field_caret_move(&s->fld, 1);
    else if (ev->key == SDLK_RETURN || ev->key == SDLK_KP_ENTER)
      next_tapped(a, s, f, &q);
    break;
  default:
    break;
  }
  app_dirty(a);
}

static void form_event(app *a, void *state, const ui_event *ev) {
  form_state *s = state;
  event_inner(a, s, ev);
  say_msg(a, s);
}

/* ------------------------------------------------------------------ */
/* drawing */

/* A row with a large check box and the choice's label. */
static int check_row(ui *u, const char *id, SDL_Rect r, int ticked, int px,
                     const char *label, int draw) {
  const theme *th = &u->th;
  int box = th->target_min * 3 / 4;
  int tw = r.w - 3 * th->pad - box;
  int h = ui_text_height(u, tw, px, TEXT_BOLD, label) + 2 * th->pad;
  if (h < th->button_h)
    h = th->button_h;
  if (!draw)
    return h;
  int pressed = strcmp(u->pressed, id) == 0;
  ui_card(u, r, pressed ? th->surface_alt : th->surface,
          ticked ? th->primary : th->border);
  SDL_Rect b = {r.x + th->pad, r.y + (r.h - box) / 2, box, box};
  if (ticked) {
    ui_fill_round(u, b, th->radius / 2, th->primary);
    /* A tick drawn as two bars. */
    int t = box / 8 > 2 ? box / 8 : 2;
    for (int i = 0; i < box / 4; i++)
      ui_fill(u, (SDL_Rect){b.x + box / 5 + i, b.y + box / 2 + i - t / 2, t, t},
              th->on_primary);
    for (int i = 0; i < box / 2; i++)
      ui_fill(u,
              (SDL_Rect){b.x + box / 5 + box / 4 + i,
                         b.y + box / 2 + box / 4 - i - t / 2, t, t},
              th->on_primary);
  } else {
    ui_fill_round(u, b, th->radius / 2, th->text_muted);
    int bw = theme_px(th, 4);
    ui_fill_round(u, (SDL_Rect){b.x + bw, b.y + bw, b.w - 2 * bw, b.h - 2 * bw},
                  th->radius / 2, th->surface);
  }
  ui_text_box(u, (SDL_Rect){b.x + box + th->pad, r.y, tw, r.h}, px, TEXT_BOLD,
              th->text, UI_LEFT, 1, label);
  ui_target_add(u, id, r, label);
  return h;
}

/* The message under the input: plain words on a warm background.
 * Returns the height used (0 when there is none). */
/* The message line: a problem to put right in the warning colours, or
 * (info: 请把身份证平放在读卡器上) what to do now in the plain ones. */
static int draw_msg(ui *u, SDL_Rect r, const char *msg, int draw, int info) {
  const theme *th = &u->th;
  if (!msg[0])
    return 0;
  int mh = ui_text_height(u, r.w - 2 * th->pad, th->px_body, TEXT_BOLD, msg);
  if (draw) {
    ui_fill_round(u, (SDL_Rect){r.x, r.y, r.w, mh + th->pad}, th->radius,
                  info ? th->surface_alt : th->warn_bg);
    ui_text_box(
        u, (SDL_Rect){r.x + th->pad, r.y + th->pad / 2, r.w - 2 * th->pad, mh},
        th->px_body, TEXT_BOLD, info ? th->primary : th->accent, UI_LEFT, 0,
        msg);
  }
  return mh + th->pad;
}

/* 「第3步，共8步 · 申请人」, a thin bar, and for a member whose questions
 * these are, 「第1位家里人：李秀英」. Returns the y below. */
static int progress_block(app *a, ui *u, const form *f, const form_question *q,
                          SDL_Rect r, int draw, int steps) {
  const theme *th = &u->th;
  int y = r.y;
  char tmp[200];
  if (steps) {
    char n1[24], n2[24], line[320];
    snprintf(n1, sizeof n1, "%zu", q->section + 1);
    snprintf(n2, sizeof n2, "%zu", q->n_sections);
    chrome_format(tmp, sizeof tmp, app_str(a, "formui.progress"), "n", n1);
    chrome_format(line, sizeof line, tmp, "total", n2);
    int one = text_line_height(u->text, th->px_body, TEXT_BOLD);
    if (q->section_title && *q->section_title) {
      /* The step's name, when it keeps the line to one (a narrow column
       * keeps only 第2步，共5步). */
      size_t l = strlen(line);
      snprintf(line + l, sizeof line - l, " · %s", q->section_title);
      if (ui_text_height(u, r.w, th->px_body, TEXT_BOLD, line) > one)
        line[l] = '\0';
    }
    int ph = ui_text_height(u, r.w, th->px_body, TEXT_BOLD, line);
    if (draw)
      ui_text_box(u, (SDL_Rect){r.x, y, r.w, ph}, th->px_body, TEXT_BOLD,
                  th->text_muted, UI_LEFT, 0, line);
    y += ph + th->gap / 3;
    int barh = theme_px(th, 8);
    if (draw)
      ui_fill_round(u, (SDL_Rect){r.x, y, r.w, barh}, barh / 2,
                    th->surface_alt);
    if (draw && q->n_sections)
      ui_fill_round(
          u,
          (SDL_Rect){r.x, y,
                     (int)((size_t)r.w * (q->section + 1) / q->n_sections),
                     barh},
          barh / 2, th->primary);
    y += barh + th->gap / 2;
  }
  if (q->member >= 0 && q->field && q->field->group) {
    const form_field *g = q->field->group;
    char who[400], num[16], name[200] = "";
    snprintf(num, sizeof num, "%d", q->member + 1);
    chrome_format(tmp, sizeof tmp, app_str(a, "formui.member.who"), "n", num);
    chrome_format(who, sizeof who, tmp, "label", g->item_label);
    for (size_t i = 0; i < g->n_fields; i++)
      if (g->fields[i].type == FORM_T_CHINESE_TEXT) {
        form_value_display(f, &g->fields[i], q->member, name, sizeof name);
        break;
      }
    if (name[0]) {
      size_t l = strlen(who);
      snprintf(who + l, sizeof who - l, "：%s", name);
    }
    int wh = ui_text_height(u, r.w, th->px_body, TEXT_BOLD, who);
    if (draw) {
      ui_private(u, 1); /* the member's name: not read aloud */
      ui_text_box(u, (SDL_Rect){r.x, y, r.w, wh}, th->px_body, TEXT_BOLD,
                  th->primary, UI_LEFT, 0, who);
      ui_private(u, 0);
    }
    y += wh + th->gap / 2;
    session_wipe_bytes(who, sizeof who);
    session_wipe_bytes(name, sizeof name);
  }
  return y;
}

/* The step line, the bar and, for a member's question, whose answers
 * these are (「第1位家里人：孙桂兰」); returns the y below. draw 0:
 * measure only. */
static int draw_progress(app *a, ui *u, const form *f, const form_question *q,
                         SDL_Rect r, int draw) {
  return progress_block(a, u, f, q, r, draw, 1);
}

/* Only whose answers these are, where the step line gave way. */
static int draw_member_line(app *a, ui *u, const form *f,
                            const form_question *q, SDL_Rect r, int draw) {
  return progress_block(a, u, f, q, r, draw, 0);
}

/* The question and its help line; returns the y below. lean: without the
 * help line (a message must fit under the field on a small screen); draw
 * 0: measure only. */
static int draw_question(app *a, ui *u, const form_question *q, SDL_Rect r,
                         int lean, int draw) {
  const theme *th = &u->th;
  int y = r.y;
  const char *label = q->field->label;
  int qh = ui_text_height(u, r.w, th->px_title, TEXT_BOLD, label);
  if (draw)
    ui_text_box(u, (SDL_Rect){r.x, y, r.w, qh}, th->px_title, TEXT_BOLD,
                th->text, UI_LEFT, 0, label);
  y += qh + th->gap / 2;
  char help[FORM_MAX_LABEL + 200] = "";
  form *f = form_host_form(app_form(a));
  /* Filled from a card: 「…请核对」 takes the help line's place (the help
   * says where to copy it from, which the card just did). */
  int carded = f && form_host_card_filled(app_form(a), q->field->id, q->member);
  if (carded) {
    const char *t = app_str(a, "formui.card.filled");
    int ph = ui_text_height(u, r.w, th->px_body, TEXT_BOLD, t);
    if (draw)
      ui_text_box(u, (SDL_Rect){r.x, y, r.w, ph}, th->px_body, TEXT_BOLD,
                  th->primary, UI_LEFT, 0, t);
    return y + ph + th->gap / 2;
  }
  if (q->field->help && *q->field->help)
    snprintf(help, sizeof help, "%s", q->field->help);
  if (!q->field->required && q->field->type != FORM_T_REPEAT) {
    size_t l = strlen(help);
    snprintf(help + l, sizeof help - l, "%s%s", l ? " " : "",
             app_str(a, "formui.optional"));
  }
  if (help[0] && !lean) {
    int hh = ui_text_height(u, r.w, th->px_body, TEXT_REGULAR, help);
    if (draw)
      ui_text_box(u, (SDL_Rect){r.x, y, r.w, hh}, th->px_body, TEXT_REGULAR,
                  th->text_muted, UI_LEFT, 0, help);
    y += hh + th->gap / 2;
  }
  /* An answer carried from the screener: say so, so it is checked rather
   * than taken for something typed before. */
  if (f && q->member < 0 && form_prefilled(f, q->field)) {
    const char *t = app_str(a, "formui.prefilled");
    int ph = ui_text_height(u, r.w, th->px_body, TEXT_BOLD, t);
    if (draw)
      ui_text_box(u, (SDL_Rect){r.x, y, r.w, ph}, th->px_body, TEXT_BOLD,
                  th->primary, UI_LEFT, 0, t);
    y += ph + th->gap / 2;
  }
  return y;
}

/* The i-th of n buttons of a row of navigation r: side by side, gap
 * apart, the last at the right end. In a narrow column beside the keys
 * (column), the first and the last share the bottom row of r, and a
 * third (刷身份证) takes a row of its own above them. */
static SDL_Rect nav_slot(const theme *th, SDL_Rect r, int column, int i, int n,
                         int gap) {
  if (!column) {
    int bw = (r.w - (n - 1) * gap) / n;
    int x = i == n - 1 ? r.x + r.w - bw : r.x + i * (bw + gap);
    return (SDL_Rect){x, r.y, bw, th->button_h};
  }
  int h = th->target_min, bottom = r.y + r.h - h;
  if (n == 1)
    return (SDL_Rect){r.x, bottom, r.w, h};
  int bw = (r.w - th->gap) / 2;
  if (i == 0)
    return (SDL_Rect){r.x, bottom, bw, h};
  if (i == n - 1)
    return (SDL_Rect){r.x + r.w - bw, bottom, bw, h};
  return (SDL_Rect){r.x, bottom - (n - 1 - i) * (h + th->gap / 2), r.w, h};
}

/* 上一步 on the left and 下一步 on the right of r (one button row, or the
 * foot of a narrow column). */
static void draw_nav(app *a, ui *u, SDL_Rect r, int column, int has_prev,
                     const char *next_label) {
  const theme *th = &u->th;
  /* Side by side 下一步 keeps the right half; in a column it takes the
   * whole row when alone. */
  int n = !has_prev && column ? 1 : 2;
  if (has_prev) {
    ui_button(u, "form.prev", nav_slot(th, r, column, 0, n, th->gap),
              UI_BTN_SECONDARY, app_str(a, "formui.prev"));
    ui_tag(u, FQ_PREV, 0);
  }
  ui_button(u, "form.next", nav_slot(th, r, column, n - 1, n, th->gap),
            UI_BTN_PRIMARY,
            next_label ? next_label : app_str(a, "formui.next"));
  ui_tag(u, FQ_NEXT, 0);
}

/* 刷身份证, or while it waits 不刷了，自己填. */
static void draw_card_button(app *a, ui *u, const form_state *s, SDL_Rect r) {
  if (s->card_wait) {
    ui_button(u, "form.card.cancel", r, UI_BTN_SECONDARY,
              app_str(a, "formui.card.cancel"));
    ui_tag(u, FQ_CARD_CANCEL, 0);
  } else {
    ui_button(u, "form.card", r, UI_BTN_SECONDARY,
              app_str(a, "formui.card.read"));
    ui_tag(u, FQ_CARD, 0);
  }
}

/* 上一步, 刷身份证 (while it waits: 不刷了，自己填) and 下一步 in one row:
 * on an identity question with a reader connected. */
static void draw_nav_card(app *a, ui *u, const form_state *s, SDL_Rect r,
                          int column, int has_prev) {
  const theme *th = &u->th;
  /* In a column the three keep their places (刷身份证 above, 下一步 at the
   * right), 上一步 or not. */
  int n = has_prev || column ? 3 : 2, i = column && !has_prev ? 1 : 0;
  if (has_prev) {
    ui_button(u, "form.prev", nav_slot(th, r, column, i++, n, th->gap / 2),
              UI_BTN_SECONDARY, app_str(a, "formui.prev"));
    ui_tag(u, FQ_PREV, 0);
  }
  draw_card_button(a, u, s, nav_slot(th, r, column, i++, n, th->gap / 2));
  ui_button(u, "form.next", nav_slot(th, r, column, i, n, th->gap / 2),
            UI_BTN_PRIMARY, app_str(a, "formui.next"));
  ui_tag(u, FQ_NEXT, 0);
}

/* Whether there is a question before this one (the first has no 上一步). */
static int has_prev(const form *f) {
  form_question q;
  form_current(f, &q);
  if (q.member >= 0 || !q.field)
    return 1;
  const form_schema *sc = form_get_schema(f);
  for (size_t i = 0; i < form_schema_field_count(sc); i++) {
    const form_field *fd = form_schema_field_at(sc, i);
    if (form_is_asked(f, fd, -1))
      return fd != q.field;
  }
  return 1;
}

/* A typed question: the field, the message, the buttons; the keyboard on
 * the right of a landscape screen, at the bottom of a portrait one. */
static void draw_typed(app *a, ui *u, form_state *s, const form *f,
                       const form_question *q, SDL_Rect area, int footer) {
  const theme *th = &u->th;
  int m = th->margin;
  SDL_Rect col, kr;
  /* A date's steppers need room beside the keys: two rows of targets and
   * the values between them, which the keys give up first. */
  int steps = s->date ? 2 * th->target_min + th->gap +
                            text_line_height(u->text, th->px_large, TEXT_BOLD)
                      : 0;
  int steps_in_col = th->portrait; /* else by the keys */
  if (th->portrait) {
    col = (SDL_Rect){m, area.y + th->gap / 2, th->w - 2 * m, 0};
    int max_kh = footer - area.y - th->h / 3;
    /* The keys leave the question, the field, its message (a long one
     * takes more than the line kept for it), a date's steppers and
     * 上一步 / 下一步 their room, down to the keys' minimum size. */
    field_view none = {0};
    int need = draw_progress(a, u, f, q, col, 0);
    need = draw_question(a, u, q, (SDL_Rect){col.x, need, col.w, 0}, 0, 0);
    need += field_height(u, col.w, &none) + th->gap + th->button_h + th->gap;
    if (s->msg[0]) {
      int mh =
          draw_msg(u, (SDL_Rect){col.x, 0, col.w, 0}, s->msg, 0, s->card_wait) +
          th->gap / 2;
      int line = text_line_height(u->text, th->px_body, TEXT_BOLD);
      if (mh > line)
        need += mh - line;
    }
    if (s->date)
      need += th->gap / 2 + steps;
    if (footer - need < max_kh)
      max_kh = footer - need;
    int kh = s->k ? kbd_height(s->k, u, th->w, max_kh) : 0;
    kr = (SDL_Rect){0, footer - kh, th->w, kh};
    col.h = kr.y - col.y - th->gap / 2;
  } else {
    int cw = (th->w - 2 * m - th->gap) * 44 / 100;
    /* The keys need their room (elder mode more); the question wraps. */
    int kw_min = theme_px(th, th->elder ? 1040 : 860);
    /* Never keys under the minimum target: on a small screen in a large
     * size the question's column gives way, down to a fifth. */
    int floor_w = th->w * 3 / 10;
    int keys_w = kbd_min_width(s->k, u);
    if (kw_min < keys_w) {
      kw_min = keys_w;
      if (th->w - m - th->gap - kw_min < floor_w)
        floor_w = th->w - m - th->gap - kw_min;
      if (floor_w < th->w / 5)
        floor_w = th->w / 5;
    }
    if (th->w - (m + cw + th->gap) < kw_min)
      cw = th->w - m - th->gap - kw_min;
    if (cw < floor_w)
      cw = floor_w;
    col = (SDL_Rect){m, area.y + th->gap / 2, cw, footer - area.y - th->gap};
    int kx = m + cw + th->gap;
    int kw = th->w - kx;
    int max_kh = footer - area.y - 2 * th->gap - th->button_h;
    int kh =
        s->k ? kbd_height(s->k, u, kw, max_kh - (steps ? steps + th->gap : 0))
             : 0;
    if (steps &&
        footer - kh - th->gap - th->button_h - (area.y + th->gap / 2) < steps) {
      /* No room by the keys (a small screen in a large size): the
       * steppers go under the field, as on a portrait screen, and the
       * digits' keypad gives the question's column the width it needs
       * for them under the date in words. */
      steps_in_col = 1;
      int pad_w = kbd_min_width(s->k, u);
      if (kw > pad_w) {
        cw += kw - pad_w;
        col.w = cw;
        kx = m + cw + th->gap;
        kw = th->w - kx;
      }
      kh = s->k ? kbd_height(s->k, u, kw, max_kh) : 0;
    }
    kr = (SDL_Rect){kx, footer - kh, kw, kh};
  }
  /* 上一步 and 下一步 (and 刷身份证) go above the keys; when the keys leave
   * no room there (letters on a small screen in a large size), to the
   * foot of the question's column. */
  int card = !s->confirm && form_host_card_question(app_form(a)) &&
             idcard_host_state(app_idcard(a)) == IDCARD_READER_CONNECTED;
  int nav_col_h = 0, card_above = 0;
  if (!th->portrait &&
      kr.y - th->gap / 2 - th->button_h < area.y + th->gap / 2) {
    /* 刷身份证 stays above the keys if a touch target's height is left
     * there. */
    card_above =
        card && kr.y - th->gap / 2 - th->target_min >= area.y + th->gap / 2;
    nav_col_h =
        card && !card_above ? 2 * th->target_min + th->gap / 2 : th->target_min;
  }
  if (s->k)
    kbd_draw(s->k, u, kr);
  char counter[32] = "";
  if (s->fld.kind != FIELD_TEXT && s->fld.kind != FIELD_NAME)
    snprintf(counter, sizeof counter, "%zu/%d", field_chars(&s->fld),
             s->fld.max_chars);
  const char *ph =
      app_str(a, s->date ? "formui.date.placeholder" : "formui.placeholder");
  field_view v = {.id = "form.field",
                  .label = q->field->review_label,
                  .placeholder = ph,
                  .composition = s->k ? kbd_composition(s->k) : "",
                  .error = NULL,
                  .counter = counter,
                  .focused = true};
  /* Free text (an address) in a narrow column: a box of two lines, so the
   * whole of what was typed shows, laid out the same as it grows. */
  if (s->fld.kind == FIELD_TEXT && s->fld.max_chars > 16 &&
      col.w - th->pad < 16 * th->px_large)
    v.lines = 2;
  int fh = field_height(u, col.w, &v);
  /* The field and a message must show whole: on a small screen in a
   * large size the progress line goes first, then the help line. */
  int prog = 1, lean = 0;
  if (!th->portrait) {
    int bottom =
        footer - th->gap / 2 - (nav_col_h ? nav_col_h + th->gap / 2 : 0);
    int line = text_line_height(u->text, th->px_body, TEXT_BOLD);
    int rest = fh - line +
               (s->msg[0] ? draw_msg(u, (SDL_Rect){col.x, 0, col.w, 0}, s->msg,
                                     0, s->card_wait)
                          : line);
    if (steps && steps_in_col)
      rest += th->gap / 2 + steps;
    int qy = draw_progress(a, u, f, q, col, 0);
    qy = draw_question(a, u, q, (SDL_Rect){col.x, qy, col.w, 0}, 0, 0);
    if (qy + rest > bottom) {
      prog = 0;
      qy = draw_member_line(a, u, f, q, col, 0);
      qy = draw_question(a, u, q, (SDL_Rect){col.x, qy, col.w, 0}, 0, 0);
      lean = qy + rest > bottom;
      if (lean) {
        /* Without the help line the progress line may fit again. */
        qy = draw_progress(a, u, f, q, col, 0);
        qy = draw_question(a, u, q, (SDL_Rect){col.x, qy, col.w, 0}, 1, 0);
        prog = qy + rest <= bottom;
      }
    }
  }
  int y = prog ? draw_progress(a, u, f, q, col, 1)
               : draw_member_line(a, u, f, q, col, 1);
  y = draw_question(a, u, q, (SDL_Rect){col.x, y, col.w, 0}, lean, 1);
  field_draw(u, (SDL_Rect){col.x, y, col.w, fh}, &s->fld, &v, &s->lay);
  ui_tag(u, FQ_FIELD, 0);
  /* field_height reserves a line under the box for a message; ours may
   * wrap, so it is drawn here from the top of that line. */
  y += fh - text_line_height(u->text, th->px_body, TEXT_BOLD);
  char echo[200] = "";
  validate_date typed;
  if (s->date && !s->msg[0] && date_typed(field_text(&s->fld), &typed)) {
    char val[64];
    form_date_format(&typed, val, sizeof val);
    chrome_format(echo, sizeof echo, app_str(a, "formui.date.echo"), "date",
                  val);
    session_wipe_bytes(val, sizeof val);
    session_wipe_bytes(&typed, sizeof typed);
  }
  if (s->msg[0]) {
    y += draw_msg(u, (SDL_Rect){col.x, y, col.w, 0}, s->msg, 1, s->card_wait) +
         th->gap / 2;
  } else if (echo[0]) {
    int eh = ui_text_height(u, col.w, th->px_body, TEXT_BOLD, echo);
    ui_text_box(u, (SDL_Rect){col.x, y, col.w, eh}, th->px_body, TEXT_BOLD,
                th->text, UI_LEFT, 0, echo);
    y += eh + th->gap / 2;
  } else {
    y += text_line_height(u->text, th->px_body, TEXT_BOLD) + th->gap / 2;
  }
  /* 上一步 and 下一步 just above the keyboard, where the hands are (on a
   * landscape screen, above the keyboard's column). */
  SDL_Rect nav = {col.x, kr.y - th->gap / 2 - th->button_h, col.w,
                  th->button_h};
  /* A date: steppers under the field on a portrait screen; on a landscape
   * one above 上一步 / 下一步, by the keys (the question's column may be
   * full), unless the keys leave them no room there. */
  if (s->date && th->portrait) {
    y += draw_date_steps(a, u, s,
                         (SDL_Rect){col.x, y, col.w, nav.y - th->gap / 2 - y});
  } else if (s->date && steps_in_col) {
    draw_date_steps(a, u, s,
                    (SDL_Rect){col.x, y, col.w, footer - th->gap / 2 - y});
  } else if (s->date) {
    int top = area.y + th->gap / 2;
    int bottom = kr.y - th->gap - th->button_h;
    draw_date_steps(
        a, u, s,
        (SDL_Rect){kr.x + th->pad, top, kr.w - 2 * th->pad, bottom - top});
  }
  if (nav.y < y)
    nav.y = y;
  if (nav_col_h)
    nav = (SDL_Rect){col.x, footer - th->gap / 2 - nav_col_h, col.w, nav_col_h};
  else if (!th->portrait)
    nav = (SDL_Rect){kr.x + th->pad, kr.y - th->gap / 2 - th->button_h,
                     kr.w - 2 * th->pad, th->button_h};
  if (s->confirm) {
    /* An unusual value: 确认 (as the message says) takes 下一步's place. */
    int n = !has_prev(f) && nav_col_h ? 1 : 2;
    if (has_prev(f)) {
      ui_button(u, "form.prev", nav_slot(th, nav, nav_col_h > 0, 0, n, th->gap),
                UI_BTN_SECONDARY, app_str(a, "formui.prev"));
      ui_tag(u, FQ_PREV, 0);
    }
    ui_button(u, "form.confirm",
              nav_slot(th, nav, nav_col_h > 0, n - 1, n, th->gap),
              UI_BTN_PRIMARY, app_str(a, "formui.confirm"));
    ui_tag(u, FQ_CONFIRM, 0);
    return;
  }
  if (card_above) {
    draw_card_button(a, u, s,
                     (SDL_Rect){kr.x + th->pad,
                                kr.y - th->gap / 2 - th->target_min,
                                kr.w - 2 * th->pad, th->target_min});
  } else if (card) {
    draw_nav_card(a, u, s, nav, nav_col_h > 0, has_prev(f));
    return;
  }
  draw_nav(a, u, nav, nav_col_h > 0, has_prev(f), NULL);
}

/* The height of the row of choices starting at i: as the widgets want it
 * (at least a button's height), or compact (half the padding, at least a
 * touch target's). */
static int choice_row_h(ui *u, const form_field *fd, size_t i, int cw, int cols,
                        int px, int compact) {
  const theme *th = &u->th;
  int multi = fd->type == FORM_T_MULTI_CHOICE;
  int row_h = 0;
  for (int k = 0; k < cols && i + (size_t)k < fd->n_choices; k++) {
    const char *lab = fd->choices[i + (size_t)k].label;
    int h;
    if (compact) {
      /* The words' room as check_row and choice_button lay them out. */
      int tw =
          multi ? cw - 3 * th->pad - th->target_min * 3 / 4 : cw - 2 * th->pad;
      h = ui_text_height(u, tw, px, TEXT_BOLD, lab) + th->pad;
      if (h < th->target_min)
        h = th->target_min;
    } else {
      h = multi ? check_row(u, "", (SDL_Rect){0, 0, cw, 0}, 0, px, lab, 0)
                : choice_height(u, cw, px, lab);
    }
    if (h > row_h)
      row_h = h;
  }
  return row_h;
}

/* The choices from..to (whole rows) in `cols` columns at text size px
 * from the top of r; returns the height they take (draws only if draw). */
static int choice_grid(ui *u, const form_state *s, const form_field *fd,
                       const char *shown, SDL_Rect r, int cols, int px,
                       int compact, size_t from, size_t to, int draw) {
  const theme *th = &u->th;
  int multi = fd->type == FORM_T_MULTI_CHOICE;
  int cw = (r.w - th->gap * (cols - 1)) / cols;
  int y = r.y;
  if (to > fd->n_choices)
    to = fd->n_choices;
  for (size_t i = from; i < to; i += (size_t)cols) {
    int row_h = choice_row_h(u, fd, i, cw, cols, px, compact);
    for (int k = 0; draw && k < cols && i + (size_t)k < to; k++) {
      size_t ci = i + (size_t)k;
      const form_choice *c = &fd->choices[ci];
      char id[UI_ID_MAX];
      SDL_Rect br = {r.x + k * (cw + th->gap), y, cw, row_h};
      if (multi) {
        snprintf(id, sizeof id, "multi.%s", c->value);
        check_row(u, id, br, ci < FORM_MAX_CHOICES && s->picked[ci], px,
                  c->label, 1);
        ui_tag(u, FQ_MULTI, (int)ci);
      } else {
        snprintf(id, sizeof id, "choice.%s", c->value);
        choice_button(u, id, br, strcmp(shown, c->label) == 0, px, c->label);
        ui_tag(u, FQ_CHOICE, (int)ci);
      }
    }
    y += row_h + th->gap / 2;
  }
  return y - r.y - th->gap / 2;
}

/* Choices that do not fit in r even two to a row in smaller words: pages
 * of whole rows, with 上一页 / 下一页 (and 「1 / 2」) at the bottom of r. */
static void choice_pages(app *a, ui *u, form_state *s, const form_field *fd,
                         const char *shown, SDL_Rect r, int cols, int px,
                         int compact) {
  const theme *th = &u->th;
  int pager_h = th->target_min;
  int room = r.h - pager_h - th->gap / 2;
  int cw = (r.w - th->gap * (cols - 1)) / cols;
  size_t first_of[FORM_MAX_CHOICES + 2];
  int pages = 0, used = 0;
  for (size_t i = 0; i < fd->n_choices && pages <= FORM_MAX_CHOICES;
       i += (size_t)cols) {
    int h = choice_row_h(u, fd, i, cw, cols, px, compact) + th->gap / 2;
    if (pages == 0 || (used + h > room && used > 0)) {
      first_of[pages++] = i;
      used = 0;
    }
    used += h;
  }
  first_of[pages] = fd->n_choices;
  s->cpages = pages;
  if (s->cpage >= s->cpages)
    s->cpage = s->cpages - 1;
  if (s->cpage < 0)
    s->cpage = 0;
  choice_grid(u, s, fd, shown, r, cols, px, compact, first_of[s->cpage],
              first_of[s->cpage + 1], 1);
  pageview_pager(u, (SDL_Rect){r.x, r.y + r.h - pager_h, r.w, pager_h},
                 s->cpage, s->cpages, FQ_CHOICE_PAGE_UP, FQ_CHOICE_PAGE_DOWN);
}

/* Yes/no and choices: big buttons; several choices: check boxes. */
static void draw_buttons(app *a, ui *u, form_state *s, const form *f,
                         const form_question *q, SDL_Rect area, int footer) {
  const theme *th = &u->th;
  int m = th->margin;
  int nav_y = footer - th->gap / 2 - th->button_h;
  draw_nav(a, u, (SDL_Rect){m, nav_y, th->w - 2 * m, th->button_h}, 0,
           has_prev(f), NULL);
  int top = area.y + th->gap / 2, bottom = nav_y - th->gap;
  SDL_Rect qr, ar = {0, 0, 0, 0};
  if (th->portrait) {
    qr = (SDL_Rect){m, top, th->w - 2 * m, 0};
  } else {
    int qw = (th->w - 2 * m - 2 * th->gap) * 45 / 100;
    qr = (SDL_Rect){m, top, qw, bottom - top};
    ar = (SDL_Rect){m + qw + 2 * th->gap, top, th->w - 2 * m - qw - 2 * th->gap,
                    bottom - top};
  }
  /* On a small screen in a large size the question's column sheds the
   * progress line, then the help line, then takes some of the answers'
   * room, so that the question and its message show whole. */
  int prog = 1, lean = 0;
  if (!th->portrait) {
    for (int step = 0; step < 4; step++) {
      prog = step == 0;
      lean = step >= 2;
      if (step == 3) {
        int qw = (th->w - 2 * m - 2 * th->gap) * 58 / 100;
        qr.w = qw;
        ar = (SDL_Rect){m + qw + 2 * th->gap, top,
                        th->w - 2 * m - qw - 2 * th->gap, bottom - top};
      }
      int qy = prog ? draw_progress(a, u, f, q, qr, 0)
                    : draw_member_line(a, u, f, q, qr, 0);
      qy = draw_question(a, u, q, (SDL_Rect){qr.x, qy, qr.w, 0}, lean, 0);
      qy += draw_msg(u, (SDL_Rect){qr.x, qy, qr.w, 0}, s->msg, 0, s->card_wait);
      if (qy <= bottom)
        break;
    }
  }
  int y = prog ? draw_progress(a, u, f, q, qr, 1)
               : draw_member_line(a, u, f, q, qr, 1);
  y = draw_question(a, u, q, (SDL_Rect){qr.x, y, qr.w, 0}, lean, 1);
  y += draw_msg(u, (SDL_Rect){qr.x, y, qr.w, 0}, s->msg, 1, s->card_wait);
  if (th->portrait)
    ar =
        (SDL_Rect){m, y + th->gap / 2, th->w - 2 * m, bottom - y - th->gap / 2};
  char shown[1024] = "";
  form_value_display(f, q->field, q->member, shown, sizeof shown);
  const form_field *fd = q->field;
  if (fd->type == FORM_T_BOOLEAN) {
    const char *yes = app_str(a, "form.yes"), *no = app_str(a, "form.no");
    int yes_on = strcmp(shown, yes) == 0, no_on = strcmp(shown, no) == 0;
    int bh = th->button_h * 3 / 2;
    if (th->portrait) {
      int bw = (ar.w - th->gap) / 2;
      int by = ar.y + (ar.h - bh) / 3;
      choice_button(u, "ans.yes", (SDL_Rect){ar.x, by, bw, bh}, yes_on,
                    th->px_title, yes);
      ui_tag(u, FQ_YES, 0);
      choice_button(u, "ans.no", (SDL_Rect){ar.x + bw + th->gap, by, bw, bh},
                    no_on, th->px_title, no);
      ui_tag(u, FQ_NO, 0);
    } else {
      int by = ar.y + (ar.h - 2 * bh - th->gap * 2) / 3;
      choice_button(u, "ans.yes", (SDL_Rect){ar.x, by, ar.w, bh}, yes_on,
                    th->px_title, yes);
      ui_tag(u, FQ_YES, 0);
      choice_button(u, "ans.no",
                    (SDL_Rect){ar.x, by + bh + th->gap * 2, ar.w, bh}, no_on,
                    th->px_title, no);
      ui_tag(u, FQ_NO, 0);
    }
    return;
  }
  /* One column; two when one does not fit; smaller words when the
   * labels would still wrap too much. */
  size_t n = fd->n_choices;
  int cols = 1, px = th->px_large, compact = 0;
  if (choice_grid(u, s, fd, shown, ar, cols, px, 0, 0, n, 0) > ar.h)
    cols = 2;
  if (cols == 2 &&
      choice_grid(u, s, fd, shown, ar, cols, px, 0, 0, n, 0) > ar.h)
    px = th->px_body;
  /* Then rows no taller than their words (never under a touch target);
   * then pages. */
  if (choice_grid(u, s, fd, shown, ar, cols, px, 0, 0, n, 0) > ar.h)
    compact = 1;
  if (choice_grid(u, s, fd, shown, ar, cols, px, compact, 0, n, 0) > ar.h)
    choice_pages(a, u, s, fd, shown, ar, cols, px, compact);
  else
    choice_grid(u, s, fd, shown, ar, cols, px, compact, 0, n, 1);
  session_wipe_bytes(shown, sizeof shown);
}

/* One person on the members' list: name and relation, 第几位 and whether
 * something is missing, with 修改 and 删除 — or, while 删除 is asked, the
 * question with 确定删除 and 不删了. The buttons go beside the words, or
 * under them when the row is narrow. Returns the height (draws if draw). */
static int member_row(app *a, ui *u, const form_state *s, const form *f,
                      const form_field *g, size_t i, SDL_Rect box, int draw) {
  const theme *th = &u->th;
  const form_field *name_f = NULL, *rel_f = NULL;
  for (size_t k = 0; k < g->n_fields; k++) {
    if (!name_f && g->fields[k].type == FORM_T_CHINESE_TEXT)
      name_f = &g->fields[k];
    if (!rel_f && g->fields[k].type == FORM_T_CHOICE)
      rel_f = &g->fields[k];
  }
  int removing = s->removing == (int)i;
  char name[200] = "", rel[200] = "", line[480], num[24], tmp[200], who[300];
  char sub[400], ask[480];
  if (name_f)
    form_value_display(f, name_f, (int)i, name, sizeof name);
  if (rel_f)
    form_value_display(f, rel_f, (int)i, rel, sizeof rel);
  snprintf(num, sizeof num, "%zu", i + 1);
  chrome_format(tmp, sizeof tmp, app_str(a, "formui.member.who"), "n", num);
  chrome_format(who, sizeof who, tmp, "label", g->item_label);
  snprintf(line, sizeof line, "%s%s%s",
           name[0] ? name : app_str(a, "formui.members.unnamed"),
           rel[0] ? " · " : "", rel);
  int complete = form_member_complete(f, g->id, i);
  snprintf(sub, sizeof sub, "%s%s%s", who, complete ? "" : " · ",
           complete ? "" : app_str(a, "formui.members.incomplete"));
  chrome_format(ask, sizeof ask, app_str(a, "formui.members.remove_ask"),
                "name", name[0] ? name : who);
  const char *b1 = app_str(a, removing ? "formui.members.remove_yes"
                                       : "formui.members.edit");
  const char *b2 = app_str(a, removing ? "formui.members.remove_no"
                                       : "formui.members.remove");
  int bw1 = text_width(u->text, th->px_large, TEXT_BOLD, b1, strlen(b1)) +
            2 * th->pad;
  int bw2 = text_width(u->text, th->px_large, TEXT_BOLD, b2, strlen(b2)) +
            2 * th->pad;
  if (bw1 < th->target_min * 2)
    bw1 = th->target_min * 2;
  if (bw2 < th->target_min * 2)
    bw2 = th->target_min * 2;
  int inner = box.w - 2 * th->pad;
  int beside = inner - bw1 - bw2 - th->gap >= inner / 2;
  int tw = beside ? inner - bw1 - bw2 - th->gap : inner;
  int th1 = removing ? ui_text_height(u, tw, th->px_body, TEXT_BOLD, ask)
                     : ui_text_height(u, tw, th->px_large, TEXT_BOLD, line);
  int th2 =
      removing ? 0 : ui_text_height(u, tw, th->px_small, TEXT_REGULAR, sub);
  int text_h = th1 + th2;
  int h = beside ? (text_h > th->button_h ? text_h : th->button_h)
                 : text_h + th->gap / 2 + th->button_h;
  h += th->pad;
  if (draw) {
    SDL_Rect row = {box.x, box.y, box.w, h};
    ui_card(u, row, removing ? th->warn_bg : th->surface, th->border);
    int tx = row.x + th->pad;
    int ty = beside ? row.y + (h - text_h) / 2 : row.y + th->pad / 2;
    if (removing) {
      ui_text_box(u, (SDL_Rect){tx, ty, tw, th1}, th->px_body, TEXT_BOLD,
                  th->accent, UI_LEFT, 0, ask);
    } else {
      ui_text_box(u, (SDL_Rect){tx, ty, tw, th1}, th->px_large, TEXT_BOLD,
                  th->text, UI_LEFT, 0, line);
      ui_text_box(u, (SDL_Rect){tx, ty + th1, tw, th2}, th->px_small,
                  complete ? TEXT_REGULAR : TEXT_BOLD,
                  complete ? th->text_muted : th->accent, UI_LEFT, 0, sub);
    }
    int by =
        beside ? row.y + (h - th->button_h) / 2 : ty + text_h + th->gap / 2;
    int bx2 = row.x + row.w - th->pad - bw2;
    int bx1 = bx2 - th->gap / 2 - bw1;
    char id1[UI_ID_MAX], id2[UI_ID_MAX];
    if (removing) {
      snprintf(id1, sizeof id1, "member.remove_yes.%zu", i);
      snprintf(id2, sizeof id2, "member.remove_no");
    } else {
      snprintf(id1, sizeof id1, "member.edit.%zu", i);
      snprintf(id2, sizeof id2, "member.remove.%zu", i);
    }
    ui_button(u, id1, (SDL_Rect){bx1, by, bw1, th->button_h},
              removing ? UI_BTN_ACCENT : UI_BTN_SECONDARY, b1);
    ui_tag(u, removing ? FQ_MEMBER_REMOVE_YES : FQ_MEMBER_EDIT, (int)i);
    ui_button(u, id2, (SDL_Rect){bx2, by, bw2, th->button_h}, UI_BTN_SECONDARY,
              b2);
    ui_tag(u, removing ? FQ_MEMBER_REMOVE_NO : FQ_MEMBER_REMOVE, (int)i);
  }
  session_wipe_bytes(name, sizeof name);
  session_wipe_bytes(line, sizeof line);
  session_wipe_bytes(ask, sizeof ask);
  return h;
}

/* The members' list: rows of name and relation with 修改 and 删除, the
 * inline 「确定删除」, 添加家庭成员, 上一步 and 下一步. */
static void draw_group(app *a, ui *u, form_state *s, const form *f,
                       const form_question *q, SDL_Rect area, int footer) {
  const theme *th = &u->th;
  const form_field *g = q->field;
  int m = th->margin;
  int w = th->w - 2 * m;
  if (!th->portrait && w > theme_px(th, 1500))
    w = theme_px(th, 1500);
  int x = (th->w - w) / 2;
  int nav_y = footer - th->gap / 2 - th->button_h;
  size_t n = form_member_count(f, g->id);
  /* 添加一位家里人 between 上一步 and 下一步 when the three fit in a row,
   * else just above them. */
  char add[160];
  chrome_format(add, sizeof add, app_str(a, "formui.members.add"), "label",
                g->item_label);
  int third = (w - 2 * th->gap / 2) / 3;
  int one_row = text_width(u->text, th->px_large, TEXT_BOLD, add, strlen(add)) +
                    2 * th->pad <=
                third;
  int add_y = nav_y;
  if (one_row) {
    if (has_prev(f)) {
      ui_button(u, "form.prev", (SDL_Rect){x, nav_y, third, th->button_h},
                UI_BTN_SECONDARY, app_str(a, "formui.prev"));
      ui_tag(u, FQ_PREV, 0);
    }
    ui_button(u, "form.next",
              (SDL_Rect){x + w - third, nav_y, third, th->button_h},
              UI_BTN_PRIMARY, app_str(a, "formui.next"));
    ui_tag(u, FQ_NEXT, 0);
    if (n < g->max_entries) {
      ui_button(u, "member.add",
                (SDL_Rect){x + third + th->gap / 2, nav_y, third, th->button_h},
                UI_BTN_SECONDARY, add);
      ui_tag(u, FQ_MEMBER_ADD, 0);
    }
  } else {
    draw_nav(a, u, (SDL_Rect){x, nav_y, w, th->button_h}, 0, has_prev(f), NULL);
    if (n < g->max_entries) {
      add_y = nav_y - th->gap / 2 - th->button_h;
      ui_button(u, "member.add", (SDL_Rect){x, add_y, w, th->button_h},
                UI_BTN_SECONDARY, add);
      ui_tag(u, FQ_MEMBER_ADD, 0);
    }
  }
  int y =
      draw_progress(a, u, f, q, (SDL_Rect){x, area.y + th->gap / 2, w, 0}, 1);
  y = draw_question(a, u, q, (SDL_Rect){x, y, w, 0}, 0, 1);
  y += draw_msg(u, (SDL_Rect){x, y, w, 0}, s->msg, 1, s->card_wait);
  if (s->msg[0])
    y += th->gap / 2;
  int list_bottom = add_y - th->gap / 2;
  if (n == 0) {
    char t[200];
    chrome_format(t, sizeof t, app_str(a, "formui.members.empty"), "label",
                  g->item_label);
    int h = ui_text_height(u, w, th->px_body, TEXT_REGULAR, t);
    ui_text_box(u, (SDL_Rect){x, y, w, h}, th->px_body, TEXT_REGULAR, th->text,
                UI_LEFT, 0, t);
    s->pages = 1;
    s->page = 0;
    return;
  }
  /* Rows as high as their words need; pages when they do not all fit
   * (a page holds at least one row). */
  int pager_h = th->target_min;
  int room = list_bottom - y;
  int total = 0;
  for (size_t i = 0; i < n; i++)
    total +=
        member_row(a, u, s, f, g, i, (SDL_Rect){x, 0, w, 0}, 0) + th->gap / 2;
  int page_room = total > room ? room - pager_h - th->gap / 2 : room;
  int first_of[FORM_MAX_MEMBERS + 1];
  int pages = 0, used = 0;
  for (size_t i = 0; i < n && i < FORM_MAX_MEMBERS; i++) {
    int h =
        member_row(a, u, s, f, g, i, (SDL_Rect){x, 0, w, 0}, 0) + th->gap / 2;
    if (pages == 0 || (used + h > page_room && used > 0)) {
      first_of[pages++] = (int)i;
      used = 0;
    }
    used += h;
    if (s->show_member == (int)i) {
      /* The page with the member a message is about. */
      s->page = pages - 1;
      s->show_member = -1;
    }
  }
  first_of[pages] = (int)n;
  s->pages = pages;
  if (s->page >= s->pages)
    s->page = s->pages - 1;
  ui_private(u, 1); /* names on the list: not read aloud */
  for (int i = first_of[s->page]; i < first_of[s->page + 1]; i++)
    y += member_row(a, u, s, f, g, (size_t)i, (SDL_Rect){x, y, w, 0}, 1) +
         th->gap / 2;
  ui_private(u, 0);
  if (s->pages > 1)
    pageview_pager(u, (SDL_Rect){x, list_bottom - pager_h, w, pager_h},
                   s->page, s->pages, FQ_PAGE_UP, FQ_PAGE_DOWN);
}

static void draw_unavailable(app *a, ui *u, SDL_Rect area) {
  const theme *th = &u->th;
  int w = th->w - 2 * th->margin;
  const char *t = app_str(a, "formui.unavailable");
  int h = ui_text_height(u, w, th->px_body, TEXT_REGULAR, t);
  ui_text_box(u, (SDL_Rect){th->margin, area.y + th->margin, w, h}, th->px_body,
              TEXT_REGULAR, th->text, UI_LEFT, 0, t);
}

static void form_draw(app *a, void *state, ui *u) {
  form_state *s = state;
  form *f = form_host_form(app_form(a));
  const char *title =
      f ? form_schema_title(form_get_schema(f)) : app_str(a, "formui.title");
  SDL_Rect area = screen_top_bar(a, u, title, 1);
  int footer = screen_footer(a, u);
  if (!f) {
    draw_unavailable(a, u, area);
    return;
  }
  form_question q;
  form_current(f, &q);
  sync(a, s, f, &q);
  if (q.step == FORM_STEP_GROUP)
    draw_group(a, u, s, f, &q, area, footer);
  else if (q.step == FORM_STEP_FIELD && s->texty)
    draw_typed(a, u, s, f, &q, area, footer);
  else if (q.step == FORM_STEP_FIELD)
    draw_buttons(a, u, s, f, &q, area, footer);
}

/* A card's result (the reader service woke the loop): fill the person's
 * answers or say why not; the card is wiped here. */
static void take_card(app *a, form_state *s) {
  idcard_card c;
  idcard_reader_outcome o;
  memset(&c, 0, sizeof c);
  if (!idcard_host_take(app_idcard(a), &c, &o))
    return;
  s->card_wait = 0;
  const char *key = NULL;
  if (o == IDCARD_READ_OK) {
    form_host_card res = FORM_HOST_CARD_NOTHING;
    form_host_fill_card(app_form(a), &c, &res);
    key = res == FORM_HOST_CARD_DUPLICATE ? "formui.card.duplicate"
          : res == FORM_HOST_CARD_NOTHING ? "formui.card.nothing"
                                          : NULL;
    if (res == FORM_HOST_CARD_FILLED)
      s->bound = NULL; /* show the filled value: bind the question again */
  } else {
    key = o == IDCARD_READ_REMOVED     ? "formui.card.removed"
          : o == IDCARD_READ_NO_READER ? "formui.card.no_reader"
                                       : "formui.card.unreadable";
  }
  idcard_card_wipe(&c);
  s->confirm = 0;
  snprintf(s->msg, sizeof s->msg, "%s", key ? app_str(a, key) : "");
  LOG_I("form", "ID card: %s", o == IDCARD_READ_OK ? "read" : "not read");
  app_dirty(a);
}

static uint64_t form_tick(app *a, void *state, uint64_t now) {
  (void)now;
  form_state *s = state;
  if (s->card_wait)
    take_card(a, s);
  return s->texty && s->k ? kbd_tick(s->k) : UINT64_MAX;
}

/* Leaving asks first while the form holds answers (form_flow_unsaved), or
 * while something is typed for a question not yet answered: a name typed
 * but not yet taken with 下一步 would be lost too. */
static int form_unsaved(app *a, void *state) {
  form_state *s = state;
  if (form_flow_unsaved(a, state))
    return 1;
  form *f = form_host_form(app_form(a));
  if (!f || !s->texty || field_chars(&s->fld) == 0)
    return 0;
  form_question q;
  form_current(f, &q);
  return q.step == FORM_STEP_FIELD && !q.answered;
}

const screen_class screen_form = {
    .name = "form",
    .state_size = sizeof(form_state),
    .enter = form_enter,
    .leave = form_leave,
    .event = form_event,
    .draw = form_draw,
    .tick = form_tick,
    .raw_pointer = 1,
    .unsaved = form_unsaved,
    .discard = form_flow_discard,
};
