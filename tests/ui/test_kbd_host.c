/* kbd + ime_host with the real engines: keys become a composition and
 * committed text, backspace works through the composition first, the field
 * kind picks the keyboard, the Chinese choice lasts one session, and a
 * session end resets the engines (keys typed meanwhile wait, then count). */
#include <SDL.h>
#include <stdatomic.h>
#include <unistd.h>

#include "services/ime_host.h"
#include "check.h"
#include "widgets/kbd.h"

static void tap(kbd *k, const char *id, kbd_out *o) {
  ui_event ev = {.type = UI_EV_TAP, .id = id};
  CHECK(kbd_event(k, &ev, o));
}

static void type(kbd *k, const char *letters, kbd_out *o) {
  char id[16];
  for (const char *p = letters; *p; p++) {
    snprintf(id, sizeof id, "kbd.key.%c", *p);
    tap(k, id, o);
    CHECK_STR(o->text, "");
  }
}

static atomic_int wakes;
static void count_wake(void *ud, svc_source src, int code, intptr_t d1,
                       intptr_t d2) {
  (void)ud, (void)code, (void)d1, (void)d2;
  if (src == SVC_IME)
    atomic_fetch_add(&wakes, 1);
}

int main(void) {
  session s;
  session_init(&s, 90, 30);
  ime_host *h = NULL;
  CHECK_INT(ime_host_create(&(ime_host_config){.tmp_dir = "/tmp",
                                           .rime_dir = KIOSK_TEST_RIME_DIR,
                                           .wake = {count_wake, NULL},
                                           .release_after_s = 60}, &s, &h),
            KERR_OK);
  /* Nothing is loaded until a keyboard is bound to a Chinese field. */
  CHECK(h && !ime_host_set(h)->pinyin && !ime_host_set(h)->hand);
  CHECK(ime_host_tick(h, 0) == UINT64_MAX);
  kbd *k = NULL;
  CHECK_INT(kbd_create(ime_host_set(h), &k), KERR_OK);
  kbd_bind(k, FIELD_ID_NUMBER);
  CHECK(!ime_host_set(h)->pinyin && !ime_host_set(h)->hand);
  kbd_out o;

  /* A name opens pinyin (and loads that engine only); zhangsan + space
   * commits 张三. */
  kbd_bind(k, FIELD_NAME);
  CHECK(ime_host_set(h)->pinyin && !ime_host_set(h)->hand);
  CHECK_INT(ime_pinyin_wait(ime_host_set(h)->pinyin), KERR_OK);
  CHECK_INT(kbd_get_type(k), KBD_PINYIN);
  type(k, "zhangsan", &o);
  CHECK_STR(kbd_composition(k), "zhang san");
  tap(k, "kbd.backspace", &o);
  CHECK_STR(kbd_composition(k), "zhang sa");
  CHECK_INT(o.backspace, 0);
  tap(k, "kbd.key.n", &o);
  tap(k, "kbd.space", &o);
  CHECK_STR(o.text, "张三");
  CHECK_STR(kbd_composition(k), "");
  /* Nothing composed: backspace and space are the field's. */
  tap(k, "kbd.backspace", &o);
  CHECK_INT(o.backspace, 1);
  tap(k, "kbd.space", &o);
  CHECK_STR(o.text, " ");
  /* A physical Backspace works the same; Return is 完成. */
  type(k, "lv", &o);
  ui_event key = {.type = UI_EV_KEY, .key = SDLK_BACKSPACE};
  CHECK(kbd_event(k, &key, &o));
  CHECK_STR(kbd_composition(k), "l");
  key.key = SDLK_RETURN;
  CHECK(kbd_event(k, &key, &o));
  CHECK(o.done);
  CHECK_STR(kbd_composition(k), "");
  /* Physical text is not the keyboard's: the field takes it directly. */
  ui_event text = {.type = UI_EV_TEXT, .text = "王"};
  CHECK(!kbd_event(k, &text, &o));
  /* Taps on other screens' targets are not the keyboard's either. */
  ui_event other = {.type = UI_EV_TAP, .id = "nav.back"};
  CHECK(!kbd_event(k, &other, &o));

  /* The field kind picks the keyboard. */
  kbd_bind(k, FIELD_ID_NUMBER);
  CHECK_INT(kbd_get_type(k), KBD_ID);
  tap(k, "kbd.key.X", &o);
  CHECK_STR(o.text, "X");
  tap(k, "kbd.switch.hand", &o); /* not offered for an ID number */
  CHECK_INT(kbd_get_type(k), KBD_ID);
  kbd_bind(k, FIELD_PHONE);
  CHECK_INT(kbd_get_type(k), KBD_NUMERIC);
  kbd_bind(k, FIELD_MONEY);
  tap(k, "kbd.key.dot", &o);
  CHECK_STR(o.text, ".");
  kbd_bind(k, FIELD_LATIN);
  CHECK_INT(kbd_get_type(k), KBD_LATIN);
  tap(k, "kbd.key.q", &o);
  CHECK_STR(o.text, "q");

  /* The applicant's choice of handwriting holds for the session… */
  kbd_bind(k, FIELD_NAME);
  CHECK(!ime_host_set(h)->hand);
  tap(k, "kbd.switch.hand", &o);
  CHECK_INT(kbd_get_type(k), KBD_HAND);
  CHECK(ime_host_set(h)->hand != NULL); /* loaded when first chosen */
  CHECK_INT(ime_hand_wait(ime_host_set(h)->hand), KERR_OK);
  kbd_bind(k, FIELD_TEXT);
  CHECK_INT(kbd_get_type(k), KBD_HAND);
  tap(k, "kbd.switch.num", &o);
  tap(k, "kbd.switch.chinese", &o);
  CHECK_INT(kbd_get_type(k), KBD_HAND);
  /* …and is forgotten when it ends, with the engines reset. */
  unsigned gen = ime_host_set(h)->generation;
  tap(k, "kbd.switch.pinyin", &o);
  type(k, "kun", &o);
  session_end(&s);
  CHECK_INT(ime_host_set(h)->generation, gen + 1);
  CHECK_INT(ime_host_set(h)->chinese, IME_CHINESE_PINYIN);
  CHECK_INT(ime_hand_stroke_count(ime_host_set(h)->hand), 0);
  CHECK(!ime_pinyin_ready(ime_host_set(h)->pinyin));
  kbd_bind(k, FIELD_NAME);
  CHECK_INT(kbd_get_type(k), KBD_PINYIN);
  CHECK_STR(kbd_composition(k), "");

  /* Letters typed while the engine reloads wait and are fed once ready. */
  type(k, "kun", &o);
  CHECK_STR(kbd_composition(k), "kun");
  CHECK(ime_host_busy(h) || ime_pinyin_ready(ime_host_set(h)->pinyin));
  atomic_store(&wakes, 0);
  CHECK_INT(ime_pinyin_wait(ime_host_set(h)->pinyin), KERR_OK);
  /* The load woke the loop (SVC_IME); nothing polls in the meantime. */
  CHECK(atomic_load(&wakes) >= 1);
  kbd_tick(k);
  CHECK_STR(kbd_composition(k), "kun");
  CHECK(ime_pinyin_view_get(ime_host_set(h)->pinyin)->n > 0);
  tap(k, "kbd.space", &o);
  CHECK_STR(o.text, "困");
  kbd_destroy(k);

  /* Released only once nobody has used the kiosk for release_after_s. */
  CHECK(ime_host_tick(h, 1000) != UINT64_MAX); /* the session is on */
  session_end(&s);
  CHECK(ime_host_tick(h, 5000) == 60000); /* idle from now on */
  CHECK_INT(ime_pinyin_wait(ime_host_set(h)->pinyin), KERR_OK);
  CHECK(ime_host_tick(h, 64999) == 1);
  CHECK(ime_host_set(h)->pinyin != NULL);
  CHECK(ime_host_tick(h, 65000) == UINT64_MAX);
  CHECK(!ime_host_set(h)->pinyin && !ime_host_set(h)->hand);
  /* …and come back on demand, each when asked for. */
  ime_set_want(ime_host_set(h), IME_CHINESE_PINYIN);
  CHECK(ime_host_set(h)->pinyin && !ime_host_set(h)->hand);
  ime_set_want(ime_host_set(h), IME_CHINESE_HAND);
  CHECK(ime_host_set(h)->hand != NULL);
  CHECK_INT(ime_pinyin_wait(ime_host_set(h)->pinyin), KERR_OK);
  /* At shutdown the session end does not load a fresh engine. */
  ime_host_close(h);
  CHECK(!ime_host_set(h)->pinyin);
  session_end(&s);
  CHECK(!ime_host_set(h)->pinyin && !ime_host_set(h)->hand);
  ime_set_want(ime_host_set(h), IME_CHINESE_PINYIN);
  CHECK(!ime_host_set(h)->pinyin);
  ime_host_destroy(h);

  /* release_after_s 0: released at every session end. A session of its
   * own: the one above still lists the destroyed host's wiper. */
  session s2;
  session_init(&s2, 90, 30);
  CHECK_INT(ime_host_create(&(ime_host_config){.tmp_dir = "/tmp",
                                           .rime_dir = KIOSK_TEST_RIME_DIR}, &s2, &h),
            KERR_OK);
  ime_set_want(ime_host_set(h), IME_CHINESE_PINYIN);
  CHECK(ime_host_set(h)->pinyin != NULL);
  session_end(&s2);
  CHECK(!ime_host_set(h)->pinyin && !ime_host_set(h)->hand);
  ime_host_destroy(h);
  return TEST_DONE();
}
