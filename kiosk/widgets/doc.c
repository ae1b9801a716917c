/* doc: see doc.h. Layout computes each block's height for the current
 * width and theme and caches it; drawing walks the blocks and skips those
 * outside the view, so long pages cost only what is visible. */
#include "widgets/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/session.h"

typedef enum kind {
  B_HEADING, B_PARA, B_NOTE, B_BULLET, B_CHECK, B_ROW, B_STEP, B_CALLOUT
} kind;

typedef struct block {
  kind k;
  char *a, *b, *c; /* texts; meaning by kind */
  int number;
  int y, h;        /* layout */
} block;

struct doc {
  block *blocks;
  int n, cap;
  /* layout cache key */
  int lw, lpx, lh_total;
};

doc *doc_create(void) { return calloc(1, sizeof(doc)); }

static void free_text(char *s) {
  if (s) {
    session_wipe_bytes(s, strlen(s));
    free(s);
  }
}

void doc_clear(doc *d) {
  for (int i = 0; i < d->n; i++) {
    free_text(d->blocks[i].a);
    free_text(d->blocks[i].b);
    free_text(d->blocks[i].c);
  }
  d->n = 0;
  d->lw = 0;
}

void doc_destroy(doc *d) {
  if (!d)
    return;
  doc_clear(d);
  free(d->blocks);
  free(d);
}

static char *dup(const char *s) {
  if (!s || !*s)
    return NULL;
  size_t n = strlen(s);
  char *p = malloc(n + 1);
  if (p)
    memcpy(p, s, n + 1);
  return p;
}

static kerr add(doc *d, kind k, const char *a, const char *b, const char *c,
                int number) {
  if (d->n >= DOC_MAX_BLOCKS)
    return KERR_LIMIT;
  if (d->n == d->cap) {
    int cap = d->cap ? d->cap * 2 : 32;
    block *nb = realloc(d->blocks, (size_t)cap * sizeof *nb);
    if (!nb)
      return KERR_NOMEM;
    d->blocks = nb;
    d->cap = cap;
  }
  block *bl = &d->blocks[d->n];
  *bl = (block){.k = k, .a = dup(a), .b = dup(b), .c = dup(c),
                .number = number};
  if ((a && *a && !bl->a) || (b && *b && !bl->b) || (c && *c && !bl->c)) {
    free_text(bl->a);
    free_text(bl->b);
    free_text(bl->c);
    return KERR_NOMEM;
  }
  d->n++;
  d->lw = 0;
  return KERR_OK;
}

kerr doc_heading(doc *d, const char *t) { return add(d, B_HEADING, t, 0, 0, 0); }
kerr doc_para(doc *d, const char *t) { return add(d, B_PARA, t, 0, 0, 0); }
kerr doc_note(doc *d, const char *t) { return add(d, B_NOTE, t, 0, 0, 0); }
kerr doc_bullet(doc *d, const char *t) { return add(d, B_BULLET, t, 0, 0, 0); }
kerr doc_check(doc *d, const char *t) { return add(d, B_CHECK, t, 0, 0, 0); }
kerr doc_callout(doc *d, const char *t) { return add(d, B_CALLOUT, t, 0, 0, 0); }
kerr doc_row(doc *d, const char *label, const char *value, const char *note) {
  return add(d, B_ROW, label, value, note, 0);
}
kerr doc_step(doc *d, int number, const char *name, const char *limit,
              const char *detail) {
  return add(d, B_STEP, name, limit, detail, number);
}

static const char *txt(const char *s) { return s ? s : ""; }

/* Geometry shared by layout and draw. */
typedef struct geo {
  int indent;   /* bullets, checks, steps: text starts here */
  int label_w;  /* table rows: label column */
  int pad;
} geo;

static geo geometry(const ui *u, int w) {
  const theme *th = &u->th;
  geo g;
  g.pad = th->pad;
  g.indent = th->px_body * 2;
  g.label_w = w * (th->portrait ? 36 : 30) / 100;
  return g;
}

static int block_height(ui *u, const block *b, int w, const geo *g) {
  const theme *th = &u->th;
  int gap = th->gap;
  switch (b->k) {
  case B_HEADING:
    return gap + ui_text_height(u, w, th->px_large, TEXT_BOLD, txt(b->a)) +
           gap / 2;
  case B_PARA:
    return ui_text_height(u, w, th->px_body, TEXT_REGULAR, txt(b->a)) + gap / 2;
  case B_NOTE:
    return ui_text_height(u, w, th->px_small, TEXT_REGULAR, txt(b->a)) +
           gap / 2;
  case B_BULLET:
  case B_CHECK:
    return ui_text_height(u, w - g->indent, th->px_body, TEXT_REGULAR,
                          txt(b->a)) + gap / 3;
  case B_CALLOUT:
    return ui_text_height(u, w - 2 * g->pad, th->px_body, TEXT_REGULAR,
                          txt(b->a)) + 2 * g->pad + gap / 2;
  case B_ROW: {
    int lh = ui_text_height(u, g->label_w - g->pad, th->px_body, TEXT_REGULAR,
                            txt(b->a));
    int vw = w - g->label_w - g->pad;
    int vh = ui_text_height(u, vw, th->px_body, TEXT_BOLD, txt(b->b));
    if (b->c)
      vh += ui_text_height(u, vw, th->px_small, TEXT_REGULAR, b->c);
    return (lh > vh ? lh : vh) + g->pad;
  }
  case B_STEP: {
    int tw = w - g->indent - g->pad;
    int h = ui_text_height(u, tw, th->px_body, TEXT_BOLD, txt(b->a));
    if (b->b)
      h += ui_text_height(u, tw, th->px_small, TEXT_REGULAR, b->b);
    if (b->c)
      h += ui_text_height(u, tw, th->px_body, TEXT_REGULAR, b->c);
    int min = g->indent;
    return (h > min ? h : min) + gap;
  }
  }
  return 0;
}

int doc_layout(doc *d, ui *u, int w) {
  if (d->lw == w && d->lpx == u->th.px_body)
    return d->lh_total;
  geo g = geometry(u, w);
  int y = 0;
  for (int i = 0; i < d->n; i++) {
    d->blocks[i].y = y;
    d->blocks[i].h = block_height(u, &d->blocks[i], w, &g);
    y += d->blocks[i].h;
  }
  d->lw = w;
  d->lpx = u->th.px_body;
  d->lh_total = y + u->th.gap;
  return d->lh_total;
}

/* A bullet (a dot) or check-list item (a box) and its text. */
static void draw_item(ui *u, const block *b, int x, int y, int w,
                      const geo *g) {
  const theme *th = &u->th;
  int gap = th->gap;
  int lh = text_line_height(u->text, th->px_body, TEXT_REGULAR);
  int s = th->px_body * 6 / 10;
  int bx = x + (g->indent - s) / 2 - th->px_body / 4, by = y + (lh - s) / 2;
  if (b->k == B_CHECK) {
    ui_fill(u, (SDL_Rect){bx, by, s, s}, th->primary);
    int bw = theme_px(th, 3);
    ui_fill(u, (SDL_Rect){bx + bw, by + bw, s - 2 * bw, s - 2 * bw},
            th->surface);
  } else {
    ui_circle(u, bx + s / 2, by + s / 2, s / 4, th->text);
  }
  ui_text_box(u, (SDL_Rect){x + g->indent, y, w - g->indent, b->h - gap / 3},
              th->px_body, TEXT_REGULAR, th->text, UI_LEFT, 0, txt(b->a));
}

/* A label on the left, the value (and its note) on the right, a rule below. */
static void draw_row(ui *u, const block *b, int x, int y, int w,
                     const geo *g) {
  const theme *th = &u->th;
  ui_fill(u, (SDL_Rect){x, y + b->h - theme_px(th, 2), w, theme_px(th, 2)},
          th->surface_alt);
  int top = y + g->pad / 2;
  ui_text_box(u, (SDL_Rect){x, top, g->label_w - g->pad, b->h - g->pad},
              th->px_body, TEXT_REGULAR, th->text_muted, UI_LEFT, 0,
              txt(b->a));
  int vx = x + g->label_w, vw = w - g->label_w - g->pad;
  int vh = ui_text_height(u, vw, th->px_body, TEXT_BOLD, txt(b->b));
  ui_text_box(u, (SDL_Rect){vx, top, vw, vh}, th->px_body, TEXT_BOLD,
              th->text, UI_LEFT, 0, txt(b->b));
  if (b->c) {
    int nh = ui_text_height(u, vw, th->px_small, TEXT_REGULAR, b->c);
    ui_text_box(u, (SDL_Rect){vx, top + vh, vw, nh}, th->px_small,
                TEXT_REGULAR, th->text_muted, UI_LEFT, 0, b->c);
  }
}

/* A numbered step on the timeline: its name, time limit and detail. */
static void draw_step(ui *u, const block *b, int x, int y, int w,
                      const geo *g) {
  const theme *th = &u->th;
  int d = g->indent - theme_px(th, 10);
  int cx = x + d / 2, cy = y + d / 2;
  ui_circle(u, cx, cy, d / 2, th->primary);
  char num[16];
  snprintf(num, sizeof num, "%d", b->number);
  int nw = text_width(u->text, th->px_body, TEXT_BOLD, num, strlen(num));
  int nh = text_line_height(u->text, th->px_body, TEXT_BOLD);
  ui_text_line(u, th->px_body, TEXT_BOLD, th->on_primary, num, cx - nw / 2,
               cy - nh / 2);
  /* The timeline: a line down to the next step. */
  ui_fill(u, (SDL_Rect){cx - theme_px(th, 2), y + d, theme_px(th, 4),
                        b->h - d},
          th->border);
  int tx = x + g->indent + g->pad / 2, tw = w - g->indent - g->pad;
  int ty = y;
  int h = ui_text_height(u, tw, th->px_body, TEXT_BOLD, txt(b->a));
  ui_text_box(u, (SDL_Rect){tx, ty, tw, h}, th->px_body, TEXT_BOLD,
              th->text, UI_LEFT, 0, txt(b->a));
  ty += h;
  if (b->b) {
    h = ui_text_height(u, tw, th->px_small, TEXT_REGULAR, b->b);
    ui_text_box(u, (SDL_Rect){tx, ty, tw, h}, th->px_small, TEXT_REGULAR,
                th->accent, UI_LEFT, 0, b->b);
    ty += h;
  }
  if (b->c) {
    h = ui_text_height(u, tw, th->px_body, TEXT_REGULAR, b->c);
    ui_text_box(u, (SDL_Rect){tx, ty, tw, h}, th->px_body, TEXT_REGULAR,
                th->text, UI_LEFT, 0, b->c);
  }
}

static void draw_block(ui *u, const block *b, int x, int y, int w,
                       const geo *g) {
  const theme *th = &u->th;
  int gap = th->gap;
  switch (b->k) {
  case B_HEADING: {
    int h = b->h - gap - gap / 2;
    ui_fill(u, (SDL_Rect){x, y + gap - theme_px(th, 4), theme_px(th, 8), h},
            th->accent);
    ui_text_box(u, (SDL_Rect){x + theme_px(th, 20), y + gap - theme_px(th, 4),
                              w - theme_px(th, 20), h},
                th->px_large, TEXT_BOLD, th->text, UI_LEFT, 0, txt(b->a));
    break;
  }
  case B_PARA:
    ui_text_box(u, (SDL_Rect){x, y, w, b->h - gap / 2}, th->px_body,
                TEXT_REGULAR, th->text, UI_LEFT, 0, txt(b->a));
    break;
  case B_NOTE:
    ui_text_box(u, (SDL_Rect){x, y, w, b->h - gap / 2}, th->px_small,
                TEXT_REGULAR, th->text_muted, UI_LEFT, 0, txt(b->a));
    break;
  case B_BULLET:
  case B_CHECK:
    draw_item(u, b, x, y, w, g);
    break;
  case B_CALLOUT: {
    SDL_Rect box = {x, y, w, b->h - gap / 2};
    ui_fill_round(u, box, th->radius / 2, th->warn_bg);
    ui_fill(u, (SDL_Rect){x, y, theme_px(th, 6), box.h}, th->focus);
    ui_text_box(u, (SDL_Rect){x + g->pad, y + g->pad, w - 2 * g->pad,
                              box.h - 2 * g->pad},
                th->px_body, TEXT_REGULAR, th->text, UI_LEFT, 0, txt(b->a));
    break;
  }
  case B_ROW:
    draw_row(u, b, x, y, w, g);
    break;
  case B_STEP:
    draw_step(u, b, x, y, w, g);
    break;
  }
}

void doc_draw(doc *d, ui *u, SDL_Rect view, int offset) {
  doc_layout(d, u, view.w);
  geo g = geometry(u, view.w);
  ui_clip_begin(u, view);
  for (int i = 0; i < d->n; i++) {
    const block *b = &d->blocks[i];
    int y = view.y - offset + b->y;
    if (y + b->h < view.y || y > view.y + view.h)
      continue;
    draw_block(u, b, view.x, y, view.w, &g);
  }
  ui_clip_end(u);
}
