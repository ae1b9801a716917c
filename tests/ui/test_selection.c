/* selection: the items chosen in a session — set, get, all-or-nothing
 * replacement, limits, and the wipe when the session ends (alone, and inside
 * a real headless app, where app_create registers the wiper). */
#include <stdlib.h>

#include "shell/shell.h"
#include "services/selection.h"
#include "check.h"

/* 1 if every byte of the id table is zero (nothing left behind). */
static int all_zero(const selection *s) {
  const unsigned char *p = (const unsigned char *)s->ids;
  for (size_t i = 0; i < sizeof s->ids; i++)
    if (p[i])
      return 0;
  return 1;
}

static void test_basic(void) {
  session sess;
  session_init(&sess, 90, 30);
  selection sel;
  memset(&sel, 0x5A, sizeof sel); /* init must not trust the memory */
  CHECK_INT(selection_init(&sel, &sess), KERR_OK);
  CHECK_INT(selection_count(&sel), 0);
  CHECK(selection_at(&sel, 0) == NULL);

  CHECK_INT(selection_add(&sel, "dibao"), KERR_OK);
  CHECK_INT(selection_add(&sel, "medical"), KERR_OK);
  CHECK_INT(selection_add(&sel, "dibao"), KERR_OK); /* kept once */
  CHECK_INT(selection_count(&sel), 2);
  CHECK_STR(selection_at(&sel, 0), "dibao");
  CHECK_STR(selection_at(&sel, 1), "medical");
  CHECK(selection_has(&sel, "medical"));
  CHECK(!selection_has(&sel, "temporary"));
  CHECK(!selection_has(&sel, NULL));

  /* Bad ids are refused and change nothing. */
  CHECK_INT(selection_add(&sel, ""), KERR_INVALID);
  CHECK_INT(selection_add(&sel, NULL), KERR_INVALID);
  CHECK_INT(selection_add(&sel, "Dibao"), KERR_INVALID);
  CHECK_INT(selection_add(&sel, "低保"), KERR_INVALID);
  CHECK_INT(selection_add(&sel, "a-b"), KERR_INVALID);
  char longid[SELECTION_ID_MAX + 1];
  memset(longid, 'a', sizeof longid - 1);
  longid[sizeof longid - 1] = '\0';
  CHECK_INT(selection_add(&sel, longid), KERR_INVALID);
  longid[SELECTION_ID_MAX - 1] = '\0'; /* exactly the longest allowed */
  CHECK_INT(selection_add(&sel, longid), KERR_OK);
  CHECK(selection_remove(&sel, longid));
  CHECK_INT(selection_count(&sel), 2);

  /* Removing keeps the order of the rest. */
  CHECK_INT(selection_add(&sel, "temporary"), KERR_OK);
  CHECK(selection_remove(&sel, "dibao"));
  CHECK(!selection_remove(&sel, "dibao"));
  CHECK(!selection_remove(&sel, NULL));
  CHECK_INT(selection_count(&sel), 2);
  CHECK_STR(selection_at(&sel, 0), "medical");
  CHECK_STR(selection_at(&sel, 1), "temporary");

  /* set: all or nothing. */
  const char *good[] = {"temporary", "disaster", "housing", "disaster"};
  CHECK_INT(selection_set(&sel, good, 4), KERR_OK);
  CHECK_INT(selection_count(&sel), 3);
  CHECK_STR(selection_at(&sel, 0), "temporary");
  CHECK_STR(selection_at(&sel, 2), "housing");
  const char *bad[] = {"dibao", "no such id!"};
  CHECK_INT(selection_set(&sel, bad, 2), KERR_INVALID);
  CHECK_INT(selection_count(&sel), 3);
  CHECK_STR(selection_at(&sel, 1), "disaster");

  /* The limit. */
  char ids[SELECTION_MAX + 1][16];
  const char *many[SELECTION_MAX + 1];
  for (int i = 0; i <= SELECTION_MAX; i++) {
    snprintf(ids[i], sizeof ids[i], "item_%d", i);
    many[i] = ids[i];
  }
  CHECK_INT(selection_set(&sel, many, SELECTION_MAX + 1), KERR_LIMIT);
  CHECK_INT(selection_count(&sel), 3);
  CHECK_INT(selection_set(&sel, many, SELECTION_MAX), KERR_OK);
  CHECK_INT(selection_count(&sel), SELECTION_MAX);
  CHECK_INT(selection_add(&sel, "one_more"), KERR_LIMIT);
  CHECK_INT(selection_add(&sel, "item_0"), KERR_OK); /* already there */

  /* The session ends: nothing is left, not even in the unused bytes. */
  session_touch(&sess, 1000);
  session_end(&sess);
  CHECK_INT(selection_count(&sel), 0);
  CHECK(selection_at(&sel, 0) == NULL);
  CHECK(all_zero(&sel));

  /* Usable again in the next session. */
  CHECK_INT(selection_add(&sel, "dibao"), KERR_OK);
  CHECK_INT(selection_count(&sel), 1);
  selection_clear(&sel);
  CHECK_INT(selection_count(&sel), 0);
  CHECK(all_zero(&sel));
}

/* A session whose wiper table is full: init says so. */
static void test_no_room(void) {
  session sess;
  session_init(&sess, 90, 30);
  selection other[SESSION_MAX_WIPERS];
  for (int i = 0; i < SESSION_MAX_WIPERS; i++)
    CHECK_INT(selection_init(&other[i], &sess), KERR_OK);
  selection sel;
  CHECK_INT(selection_init(&sel, &sess), KERR_LIMIT);
  CHECK_INT(selection_count(&sel), 0);
}

/* The app's own selection is wiped when the app ends the session. */
static void test_app(void) {
  setenv("SDL_VIDEODRIVER", "dummy", 0);
  app_options o = {.elder = -1, .headless = 1, .width = 1280, .height = 800};
  app *a = NULL;
  kerr e = app_create(&o, &a);
  CHECK_INT(e, KERR_OK);
  if (e)
    return;
  selection *sel = app_selection(a);
  CHECK(sel != NULL);
  CHECK(sel == app_selection(a));
  CHECK_INT(selection_count(sel), 0);
  CHECK_INT(selection_add(sel, "dibao"), KERR_OK);
  CHECK_INT(selection_add(sel, "temporary"), KERR_OK);
  session_touch(app_session(a), app_now(a));
  /* Going home keeps the session and the selection. */
  app_home(a);
  app_apply_pending(a);
  CHECK_INT(selection_count(sel), 2);
  app_end_session(a);
  app_apply_pending(a);
  CHECK_INT(selection_count(sel), 0);
  CHECK(all_zero(sel));
  app_destroy(a);
}

int main(void) {
  test_basic();
  test_no_room();
  test_app();
  return TEST_DONE();
}
