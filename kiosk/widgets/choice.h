/* choice: the large answer button of the question screens (the screener's
 * and the form's) — a card whose label may wrap over several lines, filled
 * deep blue while it is the current answer, with press feedback.
 *
 * Measuring and drawing are separate calls so that a screen can first size
 * a row of choices to the tallest label, then draw them all that height. */
#ifndef KIOSK_WIDGETS_CHOICE_H
#define KIOSK_WIDGETS_CHOICE_H

#include <stdbool.h>

#include "ui/ui.h"

/* The height a choice button of width w needs for label at px: the wrapped
 * label plus padding, never less than the theme's button height. */
int choice_height(ui *u, int w, int px, const char *label);

/* Draws a choice button in r (label bold, centred both ways; filled when
 * selected) and registers it as tap target id with the label. */
void choice_button(ui *u, const char *id, SDL_Rect r, bool selected, int px,
                   const char *label);

#endif
