/* policy_item: one assistance item in full — in short; who it is for; what
 * it gives; this region's standards as a table with dates and sources;
 * conditions; the materials checklist; the process as a timeline with time
 * limits; where to apply; hotline; legal basis. The arg is the item id. */
#include <stdio.h>
#include <string.h>

#include "widgets/format.h"
#include "screens/screens.h"
#include "services/services.h"
#include "widgets/doc.h"
#include "widgets/pageview.h"

/* What a tap on a policy item means (ui_tag). */
enum item_action { ITEM_APPLY = 1 };

typedef struct item_state {
  const content_item *item;
  doc *d;
  pageview page;
} item_state;

/* The figure of a standard with its unit: "790元每人每月（约合…）". */
static void standard_value(app *a, const content_standard *st, char *value,
                           size_t cap) {
  char lo[32], hi[32], unit_key[80], buf[300];
  format_money_fen(st->value_fen, lo, sizeof lo);
  snprintf(unit_key, sizeof unit_key, "unit.%s", st->unit_key);
  if (st->has_max) {
    format_money_fen(st->max_fen, hi, sizeof hi);
    char range[96];
    chrome_format(buf, sizeof buf, app_str(a, "policy.range"), "min", lo);
    chrome_format(range, sizeof range, buf, "max", hi);
    snprintf(value, cap, "%s%s", range, app_str(a, unit_key));
  } else {
    snprintf(value, cap, "%s%s", lo, app_str(a, unit_key));
  }
  int64_t m;
  if (content_standard_monthly_yuan(st, &m) == KERR_OK) {
    char yuan[32], per[120];
    format_money_fen(m * 100, yuan, sizeof yuan);
    chrome_format(per, sizeof per, app_str(a, "policy.monthly"), "amount", yuan);
    strncat(value, per, cap - strlen(value) - 1);
  }
}

/* One standard as a row: the figure, then when it took effect, its source
 * and its note, under `label`. */
static void standard_row(app *a, doc *d, const content_standard *st,
                         const char *label) {
  char value[160], note[600], date[64];
  if (!st->has_value) {
    /* No figure in the sources: say so plainly, with no date or source
     * that might suggest one. */
    doc_row(d, label, app_str(a, "policy.no_figure"), NULL);
    return;
  }
  standard_value(a, st, value, sizeof value);
  format_date(st->effective, date, sizeof date);
  char when[160], src[400];
  chrome_format(when, sizeof when,
                app_str(a, st->effective_announced
                               ? "policy.effective_announced"
                               : "policy.effective_reported"),
                "date", date);
  chrome_format(src, sizeof src, app_str(a, "policy.source"), "source",
                st->source);
  snprintf(note, sizeof note, "%s。%s%s%s", when, src,
           st->note && *st->note ? "。" : "", st->note ? st->note : "");
  doc_row(d, label, value, note);
}

/* The standard in force today and, when one is announced, the next one:
 * "城市低保标准 … / 2027年1月1日起的新标准 …". */
static int standard_rows(app *a, doc *d, const content_region *r,
                         const char *key, const char *today) {
  const content_standard *now = content_standard_find(r, key, today);
  const content_standard *next = content_standard_upcoming(r, key, today);
  if (now)
    standard_row(a, d, now, now->label);
  if (next) {
    char date[64], label[200];
    format_date(next->effective, date, sizeof date);
    chrome_format(label, sizeof label, app_str(a, "policy.upcoming"), "date",
                  date);
    char both[260];
    snprintf(both, sizeof both, "%s：%s", next->label, label);
    standard_row(a, d, next, both);
  }
  return (now != NULL) + (next != NULL);
}

static void build(app *a, item_state *s) {
  const content_item *it = s->item;
  doc *d = s->d;
  const content_region *r = app_region(a);
  doc_clear(d);
  doc_heading(d, app_str(a, "policy.summary"));
  doc_para(d, it->summary);
  doc_heading(d, app_str(a, "policy.for_whom"));
  doc_para(d, it->for_whom);
  doc_heading(d, app_str(a, "policy.gives"));
  doc_para(d, it->gives);
  if (r && it->n_standard_keys) {
    char title[200];
    snprintf(title, sizeof title, "%s（%s）", app_str(a, "policy.standards"),
             r->name);
    doc_heading(d, title);
    char today[11];
    app_today(a, today);
    int shown = 0;
    for (size_t i = 0; i < it->n_standard_keys; i++)
      shown += standard_rows(a, d, r, it->standard_keys[i], today);
    if (!shown)
      doc_para(d, app_str(a, "policy.no_figure"));
    doc_callout(d, r->notice && *r->notice ? r->notice
                                           : app_str(a, "policy.latest_prevails"));
  }
  if (it->n_conditions) {
    doc_heading(d, app_str(a, "policy.conditions"));
    for (size_t i = 0; i < it->n_conditions; i++)
      doc_bullet(d, it->conditions[i]);
  }
  if (it->n_materials) {
    doc_heading(d, app_str(a, "policy.materials"));
    for (size_t i = 0; i < it->n_materials; i++)
      doc_check(d, it->materials[i]);
  }
  if (it->n_steps) {
    doc_heading(d, app_str(a, "policy.process"));
    for (size_t i = 0; i < it->n_steps; i++)
      doc_step(d, (int)i + 1, it->steps[i].name, it->steps[i].time_limit,
               it->steps[i].detail);
  }
  doc_heading(d, app_str(a, "policy.where"));
  doc_para(d, it->where_to_apply && *it->where_to_apply
                  ? it->where_to_apply
                  : (r ? r->where_to_apply : ""));
  doc_heading(d, app_str(a, "policy.hotline"));
  char hot[300];
  snprintf(hot, sizeof hot, "%s", it->hotline && *it->hotline
                                      ? it->hotline
                                      : app_str(a, "hotline.text"));
  doc_para(d, hot);
  if (it->n_laws) {
    doc_heading(d, app_str(a, "policy.legal_basis"));
    for (size_t i = 0; i < it->n_laws; i++) {
      char law[400], date[64];
      format_date(it->laws[i].date, date, sizeof date);
      snprintf(law, sizeof law, "%s（%s）", it->laws[i].title, date);
      doc_note(d, law);
    }
  }
}

static void item_enter(app *a, void *state, const void *arg) {
  item_state *s = state;
  s->item = content_item_find(app_content(a), arg ? (const char *)arg : "");
  s->d = doc_create();
  if (s->item && s->d)
    build(a, s);
}

static void item_leave(app *a, void *state) {
  (void)a;
  item_state *s = state;
  doc_destroy(s->d);
  s->d = NULL;
}

static void item_draw(app *a, void *state, ui *u) {
  item_state *s = state;
  const theme *th = &u->th;
  if (!s->item || !s->d) {
    screen_top_bar(a, u, app_str(a, "policy.title"), 1);
    return;
  }
  SDL_Rect area = screen_top_bar(a, u, s->item->name, 1);
  int footer = screen_footer(a, u);
  int bar_h = th->button_h + th->gap;
  int bar_top = footer - bar_h;
  int w = th->w - 2 * th->margin;
  if (!th->portrait && w > theme_px(th, 1500))
    w = theme_px(th, 1500);
  SDL_Rect view = {(th->w - w) / 2, area.y + th->gap / 2, w,
                   bar_top - area.y - th->gap / 2};
  int h = doc_layout(s->d, u, view.w);
  pageview_update(&s->page, h, view.h, app_now(a));
  doc_draw(s->d, u, view, pageview_offset(&s->page));

  /* Bottom bar: page buttons and 申请这一项. */
  ui_fill(u, (SDL_Rect){0, bar_top, th->w, theme_px(th, 2)}, th->border);
  int y = bar_top + th->gap / 2;
  int bw = (th->w - 2 * th->margin - 2 * th->gap) / 3;
  pageview_draw_bar(&s->page, u, (SDL_Rect){th->margin, y, bw, th->button_h},
                    (SDL_Rect){th->margin + bw + th->gap, y, bw, th->button_h});
  ui_button(u, "item.apply",
            (SDL_Rect){th->w - th->margin - bw, y, bw, th->button_h},
            UI_BTN_PRIMARY, app_str(a, "policy.apply_this"));
  ui_tag(u, ITEM_APPLY, 0);
}

static void item_event(app *a, void *state, const ui_event *ev) {
  item_state *s = state;
  if (!pageview_event(&s->page, ev, app_now(a)) && ev->type == UI_EV_TAP &&
      ev->action == ITEM_APPLY) {
    /* 申请这一项: the item joins what is chosen and the form opens. */
    if (selection_add(app_selection(a), s->item->id) == KERR_OK)
      form_flow_open(a);
    else
      app_push(a, &screen_results_pick, s->item->id);
  }
  app_dirty(a);
}

static uint64_t item_tick(app *a, void *state, uint64_t now) {
  (void)a;
  (void)now;
  item_state *s = state;
  return pageview_deadline(&s->page);
}

const screen_class screen_policy_item = {
    .name = "policy_item",
    .state_size = sizeof(item_state),
    .enter = item_enter,
    .leave = item_leave,
    .event = item_event,
    .draw = item_draw,
    .tick = item_tick,
};
