/* results: the one list (看一张清单) after the screener questions, and the
 * pick-list of 「我知道要申请什么」 / 「申请这一项」.
 *
 * screen_results runs the bundle's screener on the answers it is given and
 * lists 「可能适用」 — each item with its reasons in numbers, chosen to begin
 * with — then 「也可以了解」: every other item, with its one-line summary.
 * There is no "not eligible": the note at the top says the department
 * decides, and a household with no match gets a kind word and every item
 * to read about. 临时救助 is listed under 可能适用 whenever a crisis was
 * reported, even if a content edit drops the rule that says so.
 * screen_results_pick lists every item by layer of the "3+N" system.
 *
 * 「用这几项申请」 from the one list also hands the screener's answers to
 * the form (form_host_set_screener), which fills what they already say.
 *
 * On both, each item has a 选上/不选 pair, its name opens its full policy
 * page, and 「用这几项申请」 stores the chosen items in the session selection
 * (app/selection.h) and opens the application form for them
 * (form_flow_open).
 *
 * The reasons describe the household (income per person, spending): they
 * are copied into this screen's state and wiped in leave(). Item pointers
 * are borrowed from the content bundle, which does not change while the
 * kiosk runs. Invariant: n_likely <= n_rows <= RESULTS_MAX_ROWS, and the
 * first n_likely rows are the 可能适用 ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/services.h"
#include "core/log.h"
#include "core/screener.h"
#include "screens/screens.h"
#include "widgets/pageview.h"

#define RESULTS_MAX_ROWS 64

/* The crisis question of the default screener, its "nothing happened"
 * answer, and the item every crisis may bring. */
#define CRISIS_QUESTION "crisis"
#define CRISIS_NONE "none"
#define CRISIS_ITEM "temporary"

/* What a tap on the results screen means (ui_tag). */
enum results_action {
  RESULTS_APPLY = 1,
  RESULTS_ITEM, /* arg: index in rows[] */
  RESULTS_PICK, /* arg: index in rows[] */
  RESULTS_DROP  /* arg: index in rows[] */
};

typedef struct results_row {
  const content_item *item;
  int chosen;
  char *reasons[SCREENER_MAX_REASONS]; /* owned, wiped on leave */
  size_t n_reasons;
} results_row;

typedef struct results_state {
  int pick; /* the pick-list: every item by layer, no reasons */
  int ran;  /* the screener ran (else the list falls back to pick) */
  results_row rows[RESULTS_MAX_ROWS];
  size_t n_rows, n_likely;
  size_t skipped; /* questions that applied but were not answered */
  int none_chosen; /* 用这几项申请 was tapped with nothing chosen */
  /* The screener's answers (borrowed from screen_screener, which stays
   * below this one on the stack); NULL on the pick-list. */
  const cJSON *answers;
  pageview page;
} results_state;

static char *dup_text(const char *t) {
  size_t n = strlen(t);
  char *p = malloc(n + 1);
  if (p)
    memcpy(p, t, n + 1);
  return p;
}

static void wipe_rows(results_state *s) {
  for (size_t i = 0; i < s->n_rows; i++) {
    results_row *r = &s->rows[i];
    for (size_t k = 0; k < r->n_reasons; k++) {
      session_wipe_bytes(r->reasons[k], strlen(r->reasons[k]));
      free(r->reasons[k]);
      r->reasons[k] = NULL;
    }
    r->n_reasons = 0;
  }
  s->n_rows = s->n_likely = 0;
}

static results_row *find_row(results_state *s, const char *id) {
  for (size_t i = 0; i < s->n_rows; i++)
    if (strcmp(s->rows[i].item->id, id) == 0)
      return &s->rows[i];
  return NULL;
}

/* Appends a row for item id (skipped when the catalogue lacks it or it is
 * already listed); returns it or NULL. */
static results_row *add_row(app *a, results_state *s, const char *id) {
  const content_item *it = content_item_find(app_content(a), id);
  if (!it || find_row(s, id) || s->n_rows >= RESULTS_MAX_ROWS)
    return NULL;
  results_row *r = &s->rows[s->n_rows++];
  memset(r, 0, sizeof *r);
  r->item = it;
  r->chosen = selection_has(app_selection(a), id);
  return r;
}

static void add_reason(results_row *r, const char *text) {
  if (r->n_reasons >= SCREENER_MAX_REASONS)
    return;
  char *p = dup_text(text);
  if (p)
    r->reasons[r->n_reasons++] = p;
}

/* Every catalogue item, by layer then catalogue order. */
static void fill_pick(app *a, results_state *s) {
  const content *c = app_content(a);
  for (int layer = 0; layer < CONTENT_LAYER_COUNT; layer++)
    for (size_t i = 0; i < content_item_count(c); i++)
      if ((int)content_item_at(c, i)->layer == layer)
        add_row(a, s, content_item_at(c, i)->id);
}

/* Counts the questions that applied and have no answer. */
static size_t count_skipped(const screener *scr, const cJSON *answers,
                            const screener_standards *std) {
  size_t n = 0;
  for (size_t i = 0; i < screener_question_count(scr); i++) {
    int ask = 1;
    if (screener_question_relevant(scr, i, answers, std, NULL, &ask) ||
        !ask)
      continue;
    const screener_question *q = screener_question_at(scr, i);
    if (!cJSON_GetObjectItemCaseSensitive(answers, q->id))
      n++;
  }
  return n;
}

/* Runs the screener on answers and fills the rows. 0 if it could not run. */
static int fill_from_answers(app *a, results_state *s, const cJSON *answers) {
  const char *text = NULL;
  size_t len = 0;
  screener *scr = NULL;
  screener_results res = {0};
  int ok = 0;
  kerr e = content_file(app_content(a), "screener.json", &text, &len);
  if (!e)
    e = screener_load(text, len, &scr, NULL);
  if (e)
    goto out;
  screener_standards std;
  screener_standards_init(&std);
  char today[11];
  app_today(a, today);
  if (app_region(a))
    screener_standards_from_region(&std, app_region(a), today);
  e = screener_run(scr, answers, &std, NULL, &res);
  if (e)
    goto out;
  for (size_t i = 0; i < res.n_likely; i++) {
    const screener_match *m = &res.likely[i];
    results_row *r = add_row(a, s, m->item);
    if (!r)
      continue;
    /* Of items that exclude each other, only the one to apply for first
     * is chosen; the others say why in one sentence. */
    r->chosen = m->defer_to == NULL;
    if (m->defer_to) {
      const content_item *first = content_item_find(app_content(a), m->defer_to);
      char why[SCREENER_MAX_REASON];
      screener_defer_text(m, first ? first->name : m->defer_to, why,
                          sizeof why);
      add_reason(r, why);
      session_wipe_bytes(why, sizeof why);
    }
    for (size_t k = 0; k < m->n_reasons; k++)
      add_reason(r, m->reasons[k]);
  }
  /* A reported crisis always brings 临时救助 under 可能适用. */
  const cJSON *crisis =
      cJSON_GetObjectItemCaseSensitive(answers, CRISIS_QUESTION);
  if (cJSON_IsString(crisis) && strcmp(crisis->valuestring, CRISIS_NONE) != 0 &&
      !find_row(s, CRISIS_ITEM)) {
    results_row *r = add_row(a, s, CRISIS_ITEM);
    if (r) {
      r->chosen = 1;
      add_reason(r, app_str(a, "results.crisis_reason"));
    }
  }
  s->n_likely = s->n_rows;
  for (size_t i = 0; i < res.n_also; i++)
    add_row(a, s, res.also[i].item);
  /* Items of the catalogue the screener does not know are also there. */
  const content *c = app_content(a);
  for (size_t i = 0; i < content_item_count(c); i++)
    add_row(a, s, content_item_at(c, i)->id);
  s->skipped = count_skipped(scr, answers, &std);
  LOG_I("results", "%zu may apply, %zu more, %zu undecided rules",
        s->n_likely, s->n_rows - s->n_likely, res.undecided);
  ok = 1;
out:
  if (e)
    LOG_W("results", "screener not run: %s", kerr_str(e));
  screener_results_free(&res);
  screener_destroy(scr);
  return ok;
}

static void results_enter(app *a, void *state, const void *arg) {
  results_state *s = state;
  if (arg && fill_from_answers(a, s, arg)) {
    s->ran = 1;
    s->answers = arg;
    return;
  }
  wipe_rows(s);
  s->pick = 1;
  fill_pick(a, s);
}

static void pick_enter(app *a, void *state, const void *arg) {
  results_state *s = state;
  /* 申请这一项: the item is chosen at once, the list confirms it. */
  if (arg)
    selection_add(app_selection(a), arg);
  s->pick = 1;
  fill_pick(a, s);
}

static void results_leave(app *a, void *state) {
  (void)a;
  wipe_rows(state);
}

/* ------------------------------------------------------------------ */
/* layout */

/* The width of one button of the 选上/不选 pair. */
static int toggle_w(ui *u, app *a) {
  const theme *th = &u->th;
  const char *labels[2] = {app_str(a, "results.choose"),
                           app_str(a, "results.drop")};
  int w = th->target_min * 2;
  for (int i = 0; i < 2; i++) {
    int t = text_width(u->text, th->px_large, TEXT_BOLD, labels[i],
                       strlen(labels[i])) + th->pad * 2;
    if (t > w)
      w = t;
  }
  return w;
}

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

/* One half of the 选上/不选 pair. The half that holds is filled: deep blue
 * for 选上, quiet grey for 不选, so the two states never look alike. */
static void toggle(ui *u, const char *id, SDL_Rect r, int active, int is_pick,
                   const char *label, const char *say) {
  const theme *th = &u->th;
  int pressed = strcmp(u->pressed, id) == 0;
  SDL_Color fill = th->surface, border = th->primary, fg = th->primary;
  if (active && is_pick) {
    fill = pressed ? th->primary_pressed : th->primary;
    fg = th->on_primary;
  } else if (active) {
    fill = th->surface_alt;
    border = th->text_muted;
    fg = th->text;
  } else if (pressed) {
    fill = th->surface_alt;
  }
  ui_card(u, r, fill, border);
  ui_text_box(u, (SDL_Rect){r.x + th->pad / 2, r.y, r.w - th->pad, r.h},
              th->px_large, TEXT_BOLD, fg, UI_CENTER, 1, label);
  ui_target_add(u, id, r, label);
  ui_target_say(u, say);
}

/* One item card, rows[row], at (x, y) of width w; returns its height. On
 * top the icon and the name (a link to the policy page); under them the reasons,
 * or the summary; the 选上/不选 pair closes the card at the bottom right —
 * beside the text on a landscape screen, under it on a portrait one — so
 * when the pair is in view, what it is about is too. */
static int row_card(app *a, ui *u, const results_row *r, int row, int x,
                    int y, int w, int draw) {
  const theme *th = &u->th;
  int pad = th->pad;
  int icon = theme_px(th, th->elder ? 88 : 72);
  int tw = toggle_w(u, a);
  int pair = 2 * tw + th->gap / 3;
  int side = !th->portrait; /* the pair beside the text */
  int name_x = x + pad + icon + pad;
  int name_w = x + w - pad - name_x;
  int nh = ui_text_height(u, name_w, th->px_large, TEXT_BOLD, r->item->name);
  int head = nh > icon ? nh : icon;
  int body_x = side ? name_x : x + pad;
  int body_w = side ? x + w - pad - pair - pad - body_x : w - 2 * pad;
  int body_h = 0;
  char bullets[SCREENER_MAX_REASONS][SCREENER_MAX_REASON + 8];
  size_t nb = 0;
  if (r->n_reasons) {
    for (size_t k = 0; k < r->n_reasons; k++) {
      snprintf(bullets[nb], sizeof bullets[nb], "· %s", r->reasons[k]);
      body_h += ui_text_height(u, body_w, th->px_body, TEXT_REGULAR,
                               bullets[nb]);
      nb++;
    }
  } else {
    body_h = ui_text_height(u, body_w, th->px_body, TEXT_REGULAR,
                            r->item->summary);
  }
  int area_h = side ? (body_h > th->button_h ? body_h : th->button_h)
                    : body_h + th->gap / 2 + th->button_h;
  int h = pad + head + th->gap / 2 + area_h + pad;
  if (!draw)
    goto out;
  SDL_Rect card = {x, y, w, h};
  ui_card(u, card, th->surface, r->chosen ? th->primary : th->border);
  if (r->chosen)
    ui_fill(u, (SDL_Rect){x + theme_px(th, 2), y + th->radius,
                          theme_px(th, 8), h - 2 * th->radius},
            th->primary);
  int hy = y + pad;
  char id[UI_ID_MAX];
  snprintf(id, sizeof id, "item.%s", r->item->id);
  int pressed = strcmp(u->pressed, id) == 0;
  int name_tw = text_width(u->text, th->px_large, TEXT_BOLD, r->item->name,
                           strlen(r->item->name));
  if (name_tw > name_w)
    name_tw = name_w;
  SDL_Rect link = {x + pad / 2, hy - pad / 2, name_x + name_tw + pad / 2 - x,
                   head + pad};
  if (pressed)
    ui_fill_round(u, link, th->radius, th->surface_alt);
  draw_icon(a, u, r->item->icon, (SDL_Rect){x + pad, hy + (head - icon) / 2,
                                            icon, icon});
  ui_text_box(u, (SDL_Rect){name_x, hy + (head - nh) / 2, name_w, nh},
              th->px_large, TEXT_BOLD, th->primary, UI_LEFT, 0, r->item->name);
  ui_target_add(u, id, link, r->item->name);
  ui_tag(u, RESULTS_ITEM, row);
  int by = hy + head + th->gap / 2;
  int tx = x + w - pad - pair;
  int ty = by + area_h - th->button_h;
  /* Heard alone, 「选上」 does not say which item, nor whether it is
   * already chosen: the keypad's focus says both. */
  char say[UI_LABEL_MAX];
  snprintf(id, sizeof id, "pick.%s", r->item->id);
  chrome_format(say, sizeof say,
                app_str(a, r->chosen ? "keys.picked" : "keys.pick"), "item",
                r->item->name);
  toggle(u, id, (SDL_Rect){tx, ty, tw, th->button_h}, r->chosen, 1,
         app_str(a, "results.choose"), say);
  ui_tag(u, RESULTS_PICK, row);
  snprintf(id, sizeof id, "drop.%s", r->item->id);
  chrome_format(say, sizeof say,
                app_str(a, r->chosen ? "keys.drop" : "keys.dropped"), "item",
                r->item->name);
  toggle(u, id, (SDL_Rect){tx + tw + th->gap / 3, ty, tw, th->button_h},
         !r->chosen, 0, app_str(a, "results.drop"), say);
  ui_tag(u, RESULTS_DROP, row);
  if (nb) {
    for (size_t k = 0; k < nb; k++) {
      int bh = ui_text_height(u, body_w, th->px_body, TEXT_REGULAR,
                              bullets[k]);
      ui_text_box(u, (SDL_Rect){body_x, by, body_w, bh}, th->px_body,
                  TEXT_REGULAR, th->text, UI_LEFT, 0, bullets[k]);
      by += bh;
    }
  } else {
    ui_text_box(u, (SDL_Rect){body_x, by, body_w, body_h}, th->px_body,
                TEXT_REGULAR, th->text_muted, UI_LEFT, 0, r->item->summary);
  }
out:
  session_wipe_bytes(bullets, nb * sizeof bullets[0]);
  return h;
}

/* A paragraph of width w at y; returns its height (+ gap). */
static int para(ui *u, int x, int y, int w, int px, text_weight wt,
                SDL_Color c, const char *t, int draw) {
  int h = ui_text_height(u, w, px, wt, t);
  if (draw)
    ui_text_box(u, (SDL_Rect){x, y, w, h}, px, wt, c, UI_LEFT, 0, t);
  return h + u->th.gap / 2;
}

/* A highlighted box (the department decides; a kind word). */
static int callout(ui *u, int x, int y, int w, const char *t, int draw) {
  const theme *th = &u->th;
  int h = ui_text_height(u, w - 2 * th->pad, th->px_body, TEXT_BOLD, t) +
          th->pad;
  if (draw) {
    ui_fill_round(u, (SDL_Rect){x, y, w, h}, th->radius, th->warn_bg);
    ui_text_box(u, (SDL_Rect){x + th->pad, y + th->pad / 2, w - 2 * th->pad,
                              h - th->pad},
                th->px_body, TEXT_BOLD, th->text, UI_LEFT, 0, t);
  }
  return h + th->gap;
}

/* A section heading with a red bar and a line under it. */
static int heading(ui *u, int x, int y, int w, const char *title,
                   const char *sub, int draw) {
  const theme *th = &u->th;
  int nh = text_line_height(u->text, th->px_title, TEXT_BOLD);
  if (draw) {
    ui_fill(u, (SDL_Rect){x, y, theme_px(th, 8), nh}, th->accent);
    ui_text_box(u, (SDL_Rect){x + theme_px(th, 20), y, w - theme_px(th, 20),
                              nh},
                th->px_title, TEXT_BOLD, th->text, UI_LEFT, 0, title);
  }
  int h = nh + th->gap / 3;
  if (sub && *sub)
    h += para(u, x, y + h, w, th->px_body, TEXT_REGULAR, th->text_muted, sub,
              draw);
  return h + th->gap / 2;
}

static void counted(app *a, const char *key, size_t n, char *out,
                    size_t size) {
  char num[24];
  snprintf(num, sizeof num, "%zu", n);
  chrome_format(out, size, app_str(a, key), "n", num);
}

static int layout(app *a, ui *u, results_state *s, SDL_Rect view, int offset,
                  int draw) {
  const theme *th = &u->th;
  int x = view.x, w = view.w;
  int y0 = view.y - offset;
  int y = 0;
  char buf[400];
  if (s->pick) {
    y += para(u, x, y0 + y, w, th->px_body, TEXT_REGULAR, th->text,
              app_str(a, "results.pick.intro"), draw);
    y += th->gap / 2;
    int last_layer = -1;
    for (size_t i = 0; i < s->n_rows; i++) {
      const results_row *r = &s->rows[i];
      if ((int)r->item->layer != last_layer) {
        last_layer = (int)r->item->layer;
        char key[64];
        snprintf(key, sizeof key, "layer.%s.hint", r->item->layer_key);
        y += heading(u, x, y0 + y, w,
                     content_layer_label(app_content(a), r->item->layer),
                     app_str(a, key), draw);
      }
      int visible = draw && y0 + y <= view.y + view.h;
      int h = row_card(a, u, r, (int)(r - s->rows), x, y0 + y, w, 0);
      if (visible && y0 + y + h >= view.y)
        row_card(a, u, r, (int)(r - s->rows), x, y0 + y, w, 1);
      y += h + th->gap;
    }
    return y;
  }
  y += callout(u, x, y0 + y, w, app_str(a, "screen.may_qualify.hint"), draw);
  if (s->skipped) {
    counted(a, "results.skipped", s->skipped, buf, sizeof buf);
    y += para(u, x, y0 + y, w, th->px_body, TEXT_REGULAR, th->text, buf,
              draw);
  }
  y += para(u, x, y0 + y, w, th->px_body, TEXT_REGULAR, th->text_muted,
            app_str(a, "results.open_hint"), draw);
  y += th->gap / 2;
  if (s->n_likely) {
    counted(a, "results.likely.count", s->n_likely, buf, sizeof buf);
    y += heading(u, x, y0 + y, w, app_str(a, "results.likely"), buf, draw);
  } else {
    y += heading(u, x, y0 + y, w, app_str(a, "results.likely"), NULL, draw);
    y += callout(u, x, y0 + y, w, app_str(a, "screen.none_found"), draw);
  }
  for (size_t i = 0; i < s->n_rows; i++) {
    if (i == s->n_likely) {
      y += th->gap;
      counted(a, "results.also.count", s->n_rows - s->n_likely, buf,
              sizeof buf);
      y += heading(u, x, y0 + y, w, app_str(a, "results.also"), buf, draw);
    }
    const results_row *r = &s->rows[i];
    int h = row_card(a, u, r, (int)(r - s->rows), x, y0 + y, w, 0);
    if (draw && y0 + y <= view.y + view.h && y0 + y + h >= view.y)
      row_card(a, u, r, (int)(r - s->rows), x, y0 + y, w, 1);
    y += h + th->gap;
  }
  return y;
}

/* ------------------------------------------------------------------ */
/* the bottom bar: pages, the count, 用这几项申请 */

static size_t chosen_count(const results_state *s) {
  size_t n = 0;
  for (size_t i = 0; i < s->n_rows; i++)
    n += s->rows[i].chosen != 0;
  return n;
}

/* Returns the top of the bar; draws it when draw is set. Portrait screens
 * use two rows: the count and the big button, then the page buttons. */
static int bottom_bar(app *a, ui *u, results_state *s, int footer, int draw) {
  const theme *th = &u->th;
  int m = th->margin;
  const char *apply = app_str(a, "results.apply");
  int aw = text_width(u->text, th->px_large, TEXT_BOLD, apply, strlen(apply)) +
           th->pad * 4;
  int pw = th->w / 6;
  const char *prev = app_str(a, "nav.prev_page");
  int pt = text_width(u->text, th->px_large, TEXT_BOLD, prev, strlen(prev)) +
           th->pad * 2;
  if (pw < pt)
    pw = pt;
  if (pw < th->target_min * 2)
    pw = th->target_min * 2;
  int rows = th->portrait ? 2 : 1;
  char count[200];
  size_t n = chosen_count(s);
  if (s->none_chosen && !n)
    snprintf(count, sizeof count, "%s", app_str(a, "results.none_chosen"));
  else if (n)
    counted(a, "results.count", n, count, sizeof count);
  else
    snprintf(count, sizeof count, "%s", app_str(a, "results.count_none"));
  int count_x = th->portrait ? m : m + 2 * (pw + th->gap);
  int count_w = th->w - m - aw - th->gap - count_x;
  int ch = ui_text_height(u, count_w, th->px_body, TEXT_BOLD, count);
  int row_h = th->button_h > ch ? th->button_h : ch;
  int h = rows * row_h + (rows - 1) * (th->gap / 2) + th->gap;
  int top = footer - h;
  if (!draw)
    return top;
  ui_fill(u, (SDL_Rect){0, top, th->w, footer - top}, th->bg);
  ui_fill(u, (SDL_Rect){0, top, th->w, theme_px(th, 2)}, th->border);
  int y = top + th->gap / 2;
  int apply_y = y + (row_h - th->button_h) / 2;
  ui_button(u, "results.apply",
            (SDL_Rect){th->w - m - aw, apply_y, aw, th->button_h},
            UI_BTN_PRIMARY, apply);
  ui_tag(u, RESULTS_APPLY, 0);
  ui_text_box(u, (SDL_Rect){count_x, y, count_w, row_h}, th->px_body,
              TEXT_BOLD, s->none_chosen && !n ? th->accent : th->text,
              UI_LEFT, 1, count);
  int py = th->portrait ? y + row_h + th->gap / 2 : apply_y;
  int down_x = th->portrait ? th->w - m - pw : m + pw + th->gap;
  pageview_draw_bar(&s->page, u, (SDL_Rect){m, py, pw, th->button_h},
                    (SDL_Rect){down_x, py, pw, th->button_h});
  return top;
}

static void results_draw(app *a, void *state, ui *u) {
  results_state *s = state;
  const theme *th = &u->th;
  SDL_Rect area = screen_top_bar(
      a, u, app_str(a, s->pick ? "results.pick.title" : "results.title"), 1);
  int footer = screen_footer(a, u);
  int bottom = bottom_bar(a, u, s, footer, 0);
  int w = th->w - 2 * th->margin;
  if (!th->portrait && w > theme_px(th, 1600))
    w = theme_px(th, 1600);
  SDL_Rect view = {(th->w - w) / 2, area.y + th->gap / 2, w,
                   bottom - area.y - th->gap / 2};
  int content_h = layout(a, u, s, view, 0, 0);
  pageview_update(&s->page, content_h, view.h, app_now(a));
  ui_clip_begin(u, view);
  layout(a, u, s, view, pageview_offset(&s->page), 1);
  ui_clip_end(u);
  bottom_bar(a, u, s, footer, 1);
}

/* 用这几项申请: stores the chosen items, in list order, and moves on. */
static void apply_chosen(app *a, results_state *s) {
  const char *ids[RESULTS_MAX_ROWS];
  size_t n = 0;
  for (size_t i = 0; i < s->n_rows; i++)
    if (s->rows[i].chosen)
      ids[n++] = s->rows[i].item->id;
  if (!n) {
    s->none_chosen = 1;
    return;
  }
  kerr e = selection_set(app_selection(a), ids, n);
  if (e) {
    LOG_E("results", "selection not stored: %s", kerr_str(e));
    return;
  }
  LOG_I("results", "%zu items chosen", n);
  /* The form is filled with what the screener already knows (form.json
   * from_screener); the host keeps a wiped copy for the session. */
  if (form_host_set_screener(app_form(a), s->answers))
    LOG_W("results", "screener answers not handed to the form");
  form_flow_open(a);
}

static void results_event(app *a, void *state, const ui_event *ev) {
  results_state *s = state;
  if (!pageview_event(&s->page, ev, app_now(a)) && ev->type == UI_EV_TAP) {
    results_row *r = ev->arg >= 0 && (size_t)ev->arg < s->n_rows
                         ? &s->rows[ev->arg]
                         : NULL;
    switch (ev->action) {
    case RESULTS_APPLY:
      apply_chosen(a, s);
      break;
    case RESULTS_ITEM:
      if (r)
        app_push(a, &screen_policy_item, r->item->id);
      break;
    case RESULTS_PICK:
    case RESULTS_DROP:
      if (r) {
        r->chosen = ev->action == RESULTS_PICK;
        if (r->chosen)
          s->none_chosen = 0;
      }
      break;
    }
  }
  app_dirty(a);
}

static uint64_t results_tick(app *a, void *state, uint64_t now) {
  (void)a;
  (void)now;
  results_state *s = state;
  return pageview_deadline(&s->page);
}

const screen_class screen_results = {
    .name = "results",
    .state_size = sizeof(results_state),
    .enter = results_enter,
    .leave = results_leave,
    .event = results_event,
    .draw = results_draw,
    .tick = results_tick,
};

const screen_class screen_results_pick = {
    .name = "results_pick",
    .state_size = sizeof(results_state),
    .enter = pick_enter,
    .leave = results_leave,
    .event = results_event,
    .draw = results_draw,
    .tick = results_tick,
};
