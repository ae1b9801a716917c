/* receipt_paper: see receipt_paper.h. Sizes are in printer dots (203 dpi:
 * 24 dots is about 3 mm, the smallest comfortable size on thermal paper). */
#include "services/receipt_paper.h"

#include <stdio.h>
#include <string.h>

#define LINE_GAP 6
#define QR_MODULE 6 /* dots per QR module at most */

static size_t put_text(receipt_paper *p, const char *s) {
  size_t n = strlen(s);
  if (p->used + n + 1 > sizeof p->arena) {
    p->overflow = 1;
    return 0;
  }
  size_t at = p->used;
  memcpy(p->arena + at, s, n + 1);
  p->used += n + 1;
  return at;
}

static receipt_block *add(receipt_paper *p, receipt_block_kind kind, int px) {
  if (p->n == RECEIPT_PAPER_BLOCKS) {
    p->overflow = 1;
    return NULL;
  }
  receipt_block *b = &p->blocks[p->n++];
  memset(b, 0, sizeof *b);
  b->kind = kind;
  b->px = px;
  b->text = 0; /* the arena starts with "" */
  return b;
}

static void text(receipt_paper *p, receipt_block_kind kind, int px, int bold,
                 int center, const char *s) {
  if (!s || !*s)
    return;
  receipt_block *b = add(p, kind, px);
  if (!b)
    return;
  b->bold = bold;
  b->center = center;
  b->text = put_text(p, s);
}

/* "prefix" + s as one text block. */
static void textf(receipt_paper *p, int px, const char *prefix,
                  const char *s) {
  char line[1200];
  if (!s || !*s)
    return;
  snprintf(line, sizeof line, "%s%s", prefix, s);
  text(p, RECEIPT_BLOCK_TEXT, px, 0, 0, line);
}

kerr receipt_paper_compose(const receipt_paper_input *in, receipt_paper *p) {
  memset(p, 0, sizeof *p);
  p->used = 1; /* offset 0 is the empty string */
  if (!in->reference || !in->reference[0])
    return KERR_INVALID;
  if (printer_qr_encode(in->qr_text && in->qr_text[0] ? in->qr_text
                                                     : in->reference,
                        &p->qr) != KERR_OK)
    p->qr.size = 0;
  text(p, RECEIPT_BLOCK_TEXT, 40, 1, 1, in->title);
  text(p, RECEIPT_BLOCK_TEXT, 24, 0, 1, in->subtitle);
  add(p, RECEIPT_BLOCK_RULE, 0);
  text(p, RECEIPT_BLOCK_TEXT, 26, 0, 1, in->reference_label);
  text(p, RECEIPT_BLOCK_FIT, 64, 1, 1, in->spoken ? in->spoken : in->reference);
  if (p->qr.size)
    add(p, RECEIPT_BLOCK_QR, 0);
  text(p, RECEIPT_BLOCK_FIT, 24, 0, 1, in->time_line);
  add(p, RECEIPT_BLOCK_RULE, 0);
  text(p, RECEIPT_BLOCK_TEXT, 28, 1, 0, in->items_heading);
  for (size_t i = 0; i < in->n_items && i < RECEIPT_PAPER_LIST_MAX; i++)
    textf(p, 24, "· ", in->items[i]);
  add(p, RECEIPT_BLOCK_GAP, 8);
  text(p, RECEIPT_BLOCK_TEXT, 28, 1, 0, in->materials_heading);
  if (in->n_materials)
    for (size_t i = 0; i < in->n_materials && i < RECEIPT_PAPER_LIST_MAX; i++)
      textf(p, 24, "□ ", in->materials[i]);
  else
    text(p, RECEIPT_BLOCK_TEXT, 24, 0, 0, in->materials_none);
  add(p, RECEIPT_BLOCK_GAP, 8);
  text(p, RECEIPT_BLOCK_TEXT, 28, 1, 0, in->next_heading);
  for (size_t i = 0; i < in->n_next && i < RECEIPT_PAPER_LIST_MAX; i++)
    text(p, RECEIPT_BLOCK_TEXT, 24, in->next_bold[i], 0, in->next[i]);
  if (in->where && in->where[0])
    add(p, RECEIPT_BLOCK_GAP, 8);
  text(p, RECEIPT_BLOCK_TEXT, 28, 1, 0, in->where_heading);
  text(p, RECEIPT_BLOCK_TEXT, 24, 0, 0, in->where);
  add(p, RECEIPT_BLOCK_RULE, 0);
  text(p, RECEIPT_BLOCK_TEXT, 24, 1, 0, in->saved);
  text(p, RECEIPT_BLOCK_TEXT, 24, 0, 0, in->decision);
  text(p, RECEIPT_BLOCK_TEXT, 24, 0, 0, in->query);
  text(p, RECEIPT_BLOCK_TEXT, 22, 0, 0, in->hotline);
  text(p, RECEIPT_BLOCK_TEXT, 24, 1, 1, in->keep);
  return p->overflow ? KERR_LIMIT : KERR_OK;
}

const char *receipt_paper_text(const receipt_paper *p,
                               const receipt_block *b) {
  return b->text < p->used ? p->arena + b->text : "";
}

int receipt_paper_layout(receipt_paper *p, int width,
                         const receipt_measure *m) {
  int inner = width - 2 * RECEIPT_PAPER_MARGIN;
  int y = RECEIPT_PAPER_MARGIN;
  for (size_t i = 0; i < p->n; i++) {
    receipt_block *b = &p->blocks[i];
    const char *s = receipt_paper_text(p, b);
    b->px_used = b->px;
    switch (b->kind) {
    case RECEIPT_BLOCK_FIT:
      /* The reference is read aloud and copied by hand, the time is read
       * as one: as large as the paper allows (down to half size), never
       * wrapped. */
      while (b->px_used > b->px / 2 &&
             m->width(m->ud, b->px_used, b->bold, s) > inner)
        b->px_used -= 2;
      /* fall through */
    case RECEIPT_BLOCK_TEXT:
      b->y = y;
      b->h = m->height(m->ud, inner, b->px_used, b->bold, s);
      y += b->h + LINE_GAP;
      break;
    case RECEIPT_BLOCK_RULE:
      b->y = y + LINE_GAP;
      b->h = 2;
      y += LINE_GAP + 14;
      break;
    case RECEIPT_BLOCK_QR: {
      int mod = inner / (p->qr.size + 8);
      if (mod > QR_MODULE)
        mod = QR_MODULE;
      if (mod < 1)
        mod = 1;
      b->px_used = mod;
      b->y = y;
      b->h = (p->qr.size + 8) * mod; /* with the 4-module quiet zone */
      y += b->h;
      break;
    }
    case RECEIPT_BLOCK_GAP:
      b->y = y;
      b->h = b->px;
      y += b->px;
      break;
    }
  }
  p->width = width;
  p->height = y + RECEIPT_PAPER_MARGIN;
  return p->height;
}
