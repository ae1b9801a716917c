/* Space (and 完成) commit the first candidate shown on the bar, the one
 * drawn highlighted: on the first page that is the engine's first; after
 * 下一页 it is the first of the page shown, never a candidate the applicant
 * cannot see. The real pinyin engine, the real fonts, a drawn bar. */
#include <SDL.h>
#include <string.h>

#include "check.h"
#include "services/ime_host.h"
#include "ui/text.h"
#include "ui/ui.h"
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
  }
}

/* Draws the keyboard and returns the label of the first candidate shown
 * (copied into buf). */
static const char *draw_first(kbd *k, ui *u, char *buf, size_t cap) {
  ui_begin(u);
  /* Narrow: the bar holds fewer candidates than an engine page, so
   * 下一页 first moves within the page the engine has. */
  kbd_draw(k, u, (SDL_Rect){0, 500, 640, 580});
  const ui_target *t = ui_find_target(u, "kbd.cand.0");
  snprintf(buf, cap, "%s", t ? t->label : "");
  return buf;
}

int main(void) {
  session s;
  session_init(&s, 90, 30);
  ime_host *h = NULL;
  CHECK_INT(ime_host_create(&(ime_host_config){.tmp_dir = "/tmp",
                                               .rime_dir = KIOSK_TEST_RIME_DIR},
                            &s, &h),
            KERR_OK);
  SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32,
                                                     SDL_PIXELFORMAT_ARGB8888);
  SDL_Renderer *ren = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
  char err[256];
  text_sys *t = NULL;
  CHECK_INT(text_create(KIOSK_SOURCE_DIR "/fonts/fonts.conf", 1 << 22, &t,
                        err, sizeof err),
            KERR_OK);
  kbd *k = NULL;
  CHECK_INT(kbd_create(ime_host_set(h), &k), KERR_OK);
  if (!h || !ren || !t || !k)
    return TEST_DONE();
  text_set_renderer(t, ren);
  ui u;
  memset(&u, 0, sizeof u);
  u.ren = ren;
  u.text = t;
  theme_compute(&u.th, 1920, 1080, 0);

  kbd_bind(k, FIELD_NAME);
  CHECK_INT(ime_pinyin_wait(ime_host_set(h)->pinyin), KERR_OK);
  kbd_out o;
  char first[UI_LABEL_MAX], paged[UI_LABEL_MAX];

  /* First page: space takes the first shown, the engine's first. */
  type(k, "kun", &o);
  draw_first(k, &u, first, sizeof first);
  CHECK(first[0] != '\0');
  tap(k, "kbd.space", &o);
  CHECK_STR(o.text, first);

  /* After 下一页 the bar shows other candidates: space takes the first of
   * those, not the engine's first (which is no longer on screen). */
  type(k, "kun", &o);
  draw_first(k, &u, first, sizeof first);
  tap(k, "kbd.cand.next", &o);
  draw_first(k, &u, paged, sizeof paged);
  CHECK(paged[0] != '\0' && strcmp(paged, first) != 0);
  tap(k, "kbd.space", &o);
  CHECK_STR(o.text, paged);

  /* 完成 the same. */
  type(k, "kun", &o);
  draw_first(k, &u, first, sizeof first);
  tap(k, "kbd.cand.next", &o);
  draw_first(k, &u, paged, sizeof paged);
  tap(k, "kbd.done", &o);
  CHECK_STR(o.text, paged);
  CHECK(o.done);

  /* Typed but not drawn yet: the engine's first, as before. */
  type(k, "kun", &o);
  tap(k, "kbd.space", &o);
  CHECK(o.text[0] != '\0');

  kbd_destroy(k);
  text_set_renderer(t, NULL);
  text_destroy(t);
  SDL_DestroyRenderer(ren);
  SDL_FreeSurface(surf);
  session_end(&s);
  ime_host_destroy(h);
  return TEST_DONE();
}
