/* keynav: a physical keypad (EZ-Access style) as a second way to use every
 * screen, for people who cannot see the screen well or cannot touch it.
 *
 * A focus moves through the tap targets of the frame in drawing order,
 * which is reading order (up and left: the previous one, down and right:
 * the next); the focused target gets a thick ring and its label is said
 * aloud. Enter taps it — the same event a finger's tap makes — back is
 * 返回 (or 回首页), help says how the keys work, and the volume keys change
 * the speech volume. The focus is an id in the frame registry, so it
 * survives redraws and is dropped when its target is gone. Which keys do
 * what comes from the configuration (keys.*). */
#ifndef KIOSK_SHELL_KEYNAV_H
#define KIOSK_SHELL_KEYNAV_H

#include <stddef.h>

typedef struct app app;

typedef enum keynav_act {
  KEYNAV_UP = 0,
  KEYNAV_DOWN,
  KEYNAV_LEFT,
  KEYNAV_RIGHT,
  KEYNAV_ENTER,
  KEYNAV_BACK,
  KEYNAV_HELP,
  KEYNAV_VOLUME_UP,
  KEYNAV_VOLUME_DOWN,
  KEYNAV_ACTS
} keynav_act;

#define KEYNAV_KEYS_PER_ACT 6

/* Resolves the configured key names into a's key map; unknown names are
 * logged and ignored. */
void keynav_init(app *a);

/* A key went down: returns 1 when it was the keypad's (done here), 0 when
 * it belongs to the screen (typing, 下一步 with nothing focused). */
int keynav_key(app *a, int key);

/* Draws the focus ring over the frame just drawn (last, over everything);
 * drops the focus when its target is no longer in the frame. */
void keynav_draw(app *a);

/* Forgets the focus (a new screen, a touch, the session end). */
void keynav_clear(app *a);

/* Checks the keypad on the last frame: down from nothing visits every
 * target of the top layer exactly once and then goes round; no two share
 * an id; enter on each sends what a tap on its centre would. 0 with a
 * sentence in err when not. */
int keynav_check(const app *a, char *err, size_t errlen);

/* One step louder (dir > 0) or softer, said aloud (「音量8」): the volume
 * keys and the footer's 大声一点 / 小声一点. */
void keynav_volume(app *a, int dir);

#endif
