/* keynav_check, the keypad part of every script's `check layout`: on a
 * frame registry built by hand, down visits every target once and goes
 * round; two targets with one id, and a target whose centre another one
 * covers (enter would not do what a tap does), are found. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "shell/shell.h"

static void add(app *a, const char *id, int x, int y, int w, int h,
                int action) {
  ui_target *t = &a->ui.targets[a->ui.n_targets++];
  memset(t, 0, sizeof *t);
  snprintf(t->id, sizeof t->id, "%s", id);
  snprintf(t->label, sizeof t->label, "%s", id);
  t->r = t->full = (SDL_Rect){x, y, w, h};
  t->enabled = 1;
  t->action = action;
}

int main(void) {
  app *a = calloc(1, sizeof *a);
  CHECK(a != NULL);
  if (!a)
    return TEST_DONE();
  char why[256];

  /* The top bar, three answers and 下一步: fine. */
  add(a, "nav.home", 0, 0, 200, 100, 1);
  add(a, "choice.a", 0, 200, 400, 100, 2);
  add(a, "choice.b", 0, 320, 400, 100, 3);
  add(a, "choice.c", 0, 440, 400, 100, 4);
  add(a, "form.next", 600, 600, 300, 100, 5);
  CHECK_INT(keynav_check(a, why, sizeof why), 1);
  CHECK_STR(why, "");

  /* A greyed target is not in the round and cannot break it. */
  a->ui.targets[2].enabled = 0;
  CHECK_INT(keynav_check(a, why, sizeof why), 1);
  a->ui.targets[2].enabled = 1;

  /* Two targets with one id: the focus cannot tell them apart. */
  add(a, "choice.a", 0, 700, 400, 100, 6);
  CHECK_INT(keynav_check(a, why, sizeof why), 0);
  CHECK(strstr(why, "two targets 'choice.a'") != NULL);
  a->ui.n_targets--;

  /* A panel drawn over choice.c's centre: a finger there reaches the
   * panel, so enter on choice.c would not do what a tap does. */
  add(a, "panel.close", 100, 460, 300, 60, 7);
  CHECK_INT(keynav_check(a, why, sizeof why), 0);
  CHECK(strstr(why, "enter on 'choice.c'") != NULL);
  CHECK(strstr(why, "'panel.close'") != NULL);
  a->ui.n_targets--;

  /* Only the top layer counts: a modal question over the screen. */
  a->ui.modal_from = a->ui.n_targets;
  add(a, "confirm.stay", 100, 300, 400, 100, 8);
  add(a, "confirm.go", 600, 300, 400, 100, 9);
  CHECK_INT(keynav_check(a, why, sizeof why), 1);

  /* Nothing to focus at all is fine too. */
  a->ui.n_targets = a->ui.modal_from = 0;
  CHECK_INT(keynav_check(a, why, sizeof why), 1);
  free(a);
  return TEST_DONE();
}
