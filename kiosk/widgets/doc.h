/* doc: a scrollable document of blocks — headings, paragraphs, checklists,
 * table rows, process steps — laid out once per width and theme, drawn only
 * where visible.
 *
 * Used for the policy detail page and any long page. The doc copies every
 * string it is given; doc_clear() wipes them (a page may show answers). */
#ifndef KIOSK_UI_DOC_H
#define KIOSK_UI_DOC_H

#include "core/kerr.h"
#include "ui/ui.h"

typedef struct doc doc;

doc *doc_create(void);
void doc_destroy(doc *d);
/* Removes (and wipes) every block. */
void doc_clear(doc *d);

/* Adders return KERR_NOMEM or KERR_LIMIT (more than DOC_MAX_BLOCKS). */
#define DOC_MAX_BLOCKS 400
kerr doc_heading(doc *d, const char *text);
kerr doc_para(doc *d, const char *text);
kerr doc_note(doc *d, const char *text);  /* smaller, muted */
kerr doc_bullet(doc *d, const char *text);
kerr doc_check(doc *d, const char *text); /* a materials checklist line */
/* A row of a two-column table: label on the left, value (bold) and a muted
 * note under it on the right. note may be NULL. */
kerr doc_row(doc *d, const char *label, const char *value, const char *note);
/* A numbered process step with its time limit and detail (either may be
 * NULL or ""). */
kerr doc_step(doc *d, int number, const char *name, const char *limit,
              const char *detail);
/* A highlighted box (e.g. "以当地最新公布为准"). */
kerr doc_callout(doc *d, const char *text);

/* Lays the blocks out for width w with u's theme (cached: repeated calls
 * with the same width and theme are free). Returns the total height. */
int doc_layout(doc *d, ui *u, int w);
/* Draws the part of the document that falls inside view, with the
 * document's top at view.y - offset. */
void doc_draw(doc *d, ui *u, SDL_Rect view, int offset);

#endif
