/* receipt_paper: what the printed receipt says, and where each part goes.
 *
 * Two pure steps, so the paper is decided once and can be tested without
 * fonts or a printer:
 *   receipt_paper_compose()  the receipt's facts and texts -> a list of
 *                            blocks (text lines, rules, the QR code, gaps),
 *                            every string copied into the paper;
 *   receipt_paper_layout()   the blocks -> their y and height on paper of a
 *                            given width, measuring text through callbacks.
 * Drawing the laid-out blocks into a raster is the print host's job
 * (print_host.c), on its own thread: a receipt_paper owns everything it
 * points to and can be handed over.
 *
 * A receipt holds the reference number, items, materials and what happens
 * next — no name, no ID number. */
#ifndef KIOSK_APP_RECEIPT_PAPER_H
#define KIOSK_APP_RECEIPT_PAPER_H

#include <stddef.h>

#include "core/kerr.h"
#include "devices/printer_qr.h"

#define RECEIPT_PAPER_BLOCKS 128
#define RECEIPT_PAPER_TEXT (16u * 1024u) /* bytes of text on one receipt */
#define RECEIPT_PAPER_MARGIN 16
#define RECEIPT_PAPER_LIST_MAX 64

typedef enum receipt_block_kind {
  RECEIPT_BLOCK_TEXT = 0, /* wrapped text */
  RECEIPT_BLOCK_FIT,      /* one line, made smaller (to half) to fit */
  RECEIPT_BLOCK_RULE,     /* a dashed rule */
  RECEIPT_BLOCK_QR,       /* the reference's QR code, centred */
  RECEIPT_BLOCK_GAP       /* blank space of px dots */
} receipt_block_kind;

typedef struct receipt_block {
  receipt_block_kind kind;
  int px;       /* text size (FIT: the largest), or GAP height */
  int bold;
  int center;
  size_t text;  /* offset of the text in the paper's arena */
  /* set by receipt_paper_layout() */
  int y, h;
  int px_used;  /* FIT: the size that fits; QR: dots per module */
} receipt_block;

typedef struct receipt_paper {
  receipt_block blocks[RECEIPT_PAPER_BLOCKS];
  size_t n;
  char arena[RECEIPT_PAPER_TEXT];
  size_t used;
  int overflow;   /* texts or blocks did not fit: compose fails */
  printer_qr qr;  /* qr_text as a QR code (size 0: none) */
  int width;      /* set by layout: dots per line */
  int height;     /* set by layout: dots of paper */
} receipt_paper;

/* The facts and texts of one receipt (all borrowed during compose). */
typedef struct receipt_paper_input {
  const char *title;           /* 社会救助申请回执 */
  const char *subtitle;        /* region · kiosk name */
  const char *reference_label; /* 您的查询编号 */
  const char *reference;       /* JC-3E3H-3 */
  const char *qr_text;         /* the QR code's text (printer_qr_receipt_
                                  text); NULL: the reference */
  const char *spoken;          /* JC - 3E3H - 3 (printed large) */
  const char *time_line;       /* 提交时间：… */
  const char *items_heading;
  const char *items[RECEIPT_PAPER_LIST_MAX];
  size_t n_items;
  const char *materials_heading;
  const char *materials[RECEIPT_PAPER_LIST_MAX];
  size_t n_materials;
  const char *materials_none;  /* when there are no materials */
  const char *next_heading;
  /* What happens next: per item a bold heading line, then its steps. */
  const char *next[RECEIPT_PAPER_LIST_MAX];
  int next_bold[RECEIPT_PAPER_LIST_MAX];
  size_t n_next;
  const char *where_heading, *where; /* where to apply (the region's) */
  const char *saved, *decision, *query, *hotline, *keep;
} receipt_paper_input;

/* Text measurement for layout; ud is the caller's. */
typedef struct receipt_measure {
  /* Height of s wrapped to width w at px. */
  int (*height)(void *ud, int w, int px, int bold, const char *s);
  /* Width of s on one line at px. */
  int (*width)(void *ud, int px, int bold, const char *s);
  void *ud;
} receipt_measure;

/* Fills p from in (p is overwritten; NULL texts are left out). KERR_LIMIT
 * when the texts do not fit the paper's arena or block list, KERR_INVALID
 * without a reference. */
kerr receipt_paper_compose(const receipt_paper_input *in, receipt_paper *p);

/* Places the blocks on paper `width` dots wide (RECEIPT_PAPER_MARGIN each
 * side); sets every block's y and h, p->width and p->height, and returns
 * the height. Deterministic for the same measure. */
int receipt_paper_layout(receipt_paper *p, int width, const receipt_measure *m);

/* The text of block b. */
const char *receipt_paper_text(const receipt_paper *p, const receipt_block *b);

#endif
