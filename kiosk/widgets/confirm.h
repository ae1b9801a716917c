/* confirm: a question on top of the screen with two large buttons, one to
 * stay and one to go ahead — 「您填的内容还没有交，要放弃吗？」 with
 * 「不放弃，接着填」 and 「放弃，不交了」 — for an act that would lose what the
 * applicant did. Never a small dialog: a card across most of the screen,
 * the question in title size, a line saying what going ahead means, and
 * two buttons of the big size, the one that keeps everything first and
 * filled.
 *
 * Drawn by whoever owns the question (the shell, for leaving a screen
 * that holds unsent answers) after the screen, after ui_begin_modal(), so
 * only its two buttons take taps. The targets are CONFIRM_STAY and
 * CONFIRM_GO, tagged with the actions the caller gives. The words come
 * in; nothing is kept. */
#ifndef KIOSK_WIDGETS_CONFIRM_H
#define KIOSK_WIDGETS_CONFIRM_H

#include "ui/ui.h"

#define CONFIRM_STAY "confirm.stay"
#define CONFIRM_GO "confirm.discard"

typedef struct confirm_words {
  const char *question; /* 您填的内容还没有交，要放弃吗？ */
  const char *body;     /* what going ahead means; may be "" */
  const char *stay;     /* 不放弃，接着填 */
  const char *go;       /* 放弃，不交了 */
} confirm_words;

/* Draws the question over the whole screen: a scrim, the card, the words
 * and the two buttons (tagged stay_action and go_action, see ui_tag). */
void confirm_draw(ui *u, const confirm_words *w, int stay_action,
                  int go_action);

#endif
