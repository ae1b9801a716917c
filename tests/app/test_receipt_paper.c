/* receipt_paper: composing the paper from the receipt's texts and laying
 * it out with a fake text measure — order of the blocks, texts copied, the
 * reference shrunk to fit narrow paper, positions that never overlap,
 * deterministic heights, refusal without a reference and of too much text. */
#include <stdlib.h>

#include "services/receipt_paper.h"
#include "check.h"

/* Every byte is px/2 wide; lines are px * 3/2 high. */
static int fake_width(void *ud, int px, int bold, const char *s) {
  (void)ud;
  return (int)strlen(s) * px / 2 + (bold ? 2 : 0);
}

static int fake_height(void *ud, int w, int px, int bold, const char *s) {
  int width = fake_width(ud, px, bold, s);
  int lines = width <= w ? 1 : (width + w - 1) / w;
  return lines * px * 3 / 2;
}

int main(void) {
  receipt_paper *p = malloc(sizeof *p);
  receipt_paper_input in = {0};
  receipt_measure m = {.height = fake_height, .width = fake_width};
  in.title = "社会救助申请回执";
  in.reference = "JC-3E3H-3";
  in.spoken = "JC - 3E3H - 3";
  in.items_heading = "您申请的救助";
  in.items[0] = "最低生活保障";
  in.items[1] = "医疗救助";
  in.n_items = 2;
  in.materials_heading = "请带上这些材料";
  in.materials_none = "不用另外带材料";
  in.keep = "请收好这张回执。";
  CHECK_INT(receipt_paper_compose(&in, p), KERR_OK);
  CHECK_INT(p->qr.size, 21);
  /* title, rule, reference, QR, rule, heading, 2 items, gap, heading,
   * none, gap, rule, keep */
  CHECK_INT(p->n, 14);
  CHECK_INT(p->blocks[0].kind, RECEIPT_BLOCK_TEXT);
  CHECK_STR(receipt_paper_text(p, &p->blocks[0]), "社会救助申请回执");
  CHECK_INT(p->blocks[2].kind, RECEIPT_BLOCK_FIT);
  CHECK_STR(receipt_paper_text(p, &p->blocks[2]), "JC - 3E3H - 3");
  CHECK_INT(p->blocks[3].kind, RECEIPT_BLOCK_QR);
  CHECK_STR(receipt_paper_text(p, &p->blocks[6]), "· 最低生活保障");
  CHECK_STR(receipt_paper_text(p, &p->blocks[10]), "不用另外带材料");

  /* 80 mm: the reference at full size; blocks in order, never overlapping. */
  int h576 = receipt_paper_layout(p, 576, &m);
  CHECK_INT(p->width, 576);
  CHECK_INT(p->blocks[2].px_used, 64);
  CHECK_INT(p->blocks[3].px_used, 6);
  CHECK_INT(p->blocks[3].h, (21 + 8) * 6);
  for (size_t i = 1; i < p->n; i++)
    CHECK(p->blocks[i].y >= p->blocks[i - 1].y + p->blocks[i - 1].h);
  CHECK_INT(h576, p->blocks[p->n - 1].y + p->blocks[p->n - 1].h + 6 +
                      RECEIPT_PAPER_MARGIN);
  CHECK_INT(receipt_paper_layout(p, 576, &m), h576); /* deterministic */

  /* 58 mm: the reference shrinks until it fits one line of 352 dots. */
  int h384 = receipt_paper_layout(p, 384, &m);
  CHECK(p->blocks[2].px_used < 64);
  CHECK(fake_width(NULL, p->blocks[2].px_used, 1, "JC - 3E3H - 3") <=
        384 - 2 * RECEIPT_PAPER_MARGIN);
  CHECK(fake_width(NULL, p->blocks[2].px_used + 2, 1, "JC - 3E3H - 3") >
        384 - 2 * RECEIPT_PAPER_MARGIN);
  CHECK(h384 > 0);

  /* No reference, or more text than a receipt holds: refused. */
  receipt_paper_input none = in;
  none.reference = "";
  CHECK_INT(receipt_paper_compose(&none, p), KERR_INVALID);
  static char big[2000];
  memset(big, 'x', sizeof big - 1);
  receipt_paper_input many = in;
  many.n_materials = RECEIPT_PAPER_LIST_MAX;
  for (size_t i = 0; i < RECEIPT_PAPER_LIST_MAX; i++)
    many.materials[i] = big;
  CHECK_INT(receipt_paper_compose(&many, p), KERR_LIMIT);
  free(p);
  return TEST_DONE();
}
