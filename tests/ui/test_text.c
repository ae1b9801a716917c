/* text: the rendered-line cache stays within its memory bound, hits on
 * repeats, forgets everything on clear; measuring and fallback work; one
 * or two faces per font file serve every size, and neither widths nor
 * pixels depend on the sizes drawn before; widths and wrapped lines are
 * remembered per size and forgotten with the fonts. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "ui/text.h"

static const char *const para = "家庭人均月收入低于当地最低生活保障标准";

/* Draws s at px on a fresh 800x120 surface with t; returns the surface. */
static SDL_Surface *draw_alone(text_sys *t, int px, const char *s) {
  SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 800, 120, 32,
                                                     SDL_PIXELFORMAT_ARGB8888);
  SDL_Renderer *ren = SDL_CreateSoftwareRenderer(surf);
  SDL_SetRenderDrawColor(ren, 255, 255, 255, 255);
  SDL_RenderClear(ren);
  text_set_renderer(t, ren);
  SDL_Color black = {0, 0, 0, 255}, white = {255, 255, 255, 255};
  text_draw(t, px, TEXT_REGULAR, black, white, s, strlen(s), 0, 0);
  SDL_RenderPresent(ren);
  text_set_renderer(t, NULL);
  SDL_DestroyRenderer(ren);
  return surf;
}

static int measure_fresh(void *ud, const char *s, size_t n) {
  return text_width(ud, 30, TEXT_REGULAR, s, n);
}

static int same_pixels(const SDL_Surface *a, const SDL_Surface *b) {
  return a->h == b->h && a->pitch == b->pitch &&
         memcmp(a->pixels, b->pixels, (size_t)a->pitch * (size_t)a->h) == 0;
}

/* One face per file (receipts): every size goes through the same face, and
 * what it draws and measures is what a system with more faces draws. */
static void test_one_face_per_file(const char *conf) {
  char err[256];
  text_sys *one = NULL, *many = NULL;
  CHECK_INT(text_create(conf, 1 << 20, &one, err, sizeof err), KERR_OK);
  CHECK_INT(text_create(conf, 1 << 20, &many, err, sizeof err), KERR_OK);
  if (!one || !many) {
    text_destroy(one);
    text_destroy(many);
    return;
  }
  text_set_faces_per_file(one, 1);
  text_stats st;
  text_get_stats(one, &st);
  size_t faces0 = st.faces;
  static const int px[] = {24, 30, 46, 30, 60, 24};
  for (int i = 0; i < 6; i++) {
    CHECK_INT(text_width(one, px[i], TEXT_REGULAR, para, strlen(para)),
              text_width(many, px[i], TEXT_REGULAR, para, strlen(para)));
    SDL_Surface *a = draw_alone(one, px[i], "最低生活保障申请");
    SDL_Surface *b = draw_alone(many, px[i], "最低生活保障申请");
    CHECK(same_pixels(a, b));
    SDL_FreeSurface(a);
    SDL_FreeSurface(b);
  }
  text_get_stats(one, &st);
  CHECK_INT(st.faces, faces0); /* the regular file's one face, resized */
  text_get_stats(many, &st);
  CHECK_INT(st.faces, faces0 + TEXT_FACES_PER_FILE - 1);
  text_destroy(one);
  text_destroy(many);
}

static void test_faces_and_sizes(const char *conf) {
  char err[256];
  text_sys *t = NULL, *fresh = NULL;
  CHECK_INT(text_create(conf, 1 << 20, &t, err, sizeof err), KERR_OK);
  if (!t)
    return;
  text_stats st;
  text_get_stats(t, &st);
  size_t faces0 = st.faces;
  unsigned long opens0 = st.opens;
  CHECK(faces0 >= 1); /* the regular face (and the fallback's) */

  /* Six sizes of one weight, measured and drawn: the regular file's group
   * grows to at most TEXT_FACES_PER_FILE faces, the fallback's (no symbol
   * drawn) stays at one. */
  static const int px[] = {28, 30, 38, 46, 60, 76};
  int w_first[6];
  for (int i = 0; i < 6; i++) {
    w_first[i] = text_width(t, px[i], TEXT_REGULAR, para, strlen(para));
    SDL_FreeSurface(draw_alone(t, px[i], para));
  }
  text_get_stats(t, &st);
  CHECK_INT(st.sizes, 6);
  CHECK_INT(st.faces, faces0 + TEXT_FACES_PER_FILE - 1);
  CHECK_INT(st.opens, opens0 + TEXT_FACES_PER_FILE - 1);
  /* Bold adds its own file's faces, as many for six sizes. */
  for (int i = 0; i < 6; i++)
    text_width(t, px[i], TEXT_BOLD, para, strlen(para));
  text_get_stats(t, &st);
  CHECK(st.faces <= faces0 + 2 * TEXT_FACES_PER_FILE - 1);
  size_t faces_bold = st.faces;
  unsigned long opens_bold = st.opens;
  for (int i = 0; i < 6; i++)
    text_width(t, px[i], TEXT_BOLD, "低保", strlen("低保"));
  text_get_stats(t, &st);
  CHECK_INT(st.faces, faces_bold);
  CHECK_INT(st.opens, opens_bold);

  /* Widths and pixels at A after B are those of a fresh text system at A,
   * including characters measured for the first time after the switch (the
   * face must be set back to A). */
  CHECK_INT(text_create(conf, 1 << 20, &fresh, err, sizeof err), KERR_OK);
  if (!fresh) {
    text_destroy(t);
    return;
  }
  const char *late = "申请救助审批";
  int a = 30, b = 46;
  int wa = text_width(t, a, TEXT_REGULAR, para, strlen(para));
  SDL_FreeSurface(draw_alone(t, b, "临时救助"));
  int wa_late = text_width(t, a, TEXT_REGULAR, late, strlen(late));
  int wb_late = text_width(t, b, TEXT_REGULAR, late, strlen(late));
  int wa_again = text_width(t, a, TEXT_REGULAR, para, strlen(para));
  CHECK_INT(wa, w_first[1]);
  CHECK_INT(wa_again, wa);
  CHECK_INT(wa_late, text_width(fresh, a, TEXT_REGULAR, late, strlen(late)));
  CHECK_INT(wb_late, text_width(fresh, b, TEXT_REGULAR, late, strlen(late)));
  CHECK_INT(wa, text_width(fresh, a, TEXT_REGULAR, para, strlen(para)));
  CHECK(wb_late > wa_late);
  SDL_Surface *mine = draw_alone(t, a, "最低生活保障申请");
  SDL_Surface *theirs = draw_alone(fresh, a, "最低生活保障申请");
  CHECK(same_pixels(mine, theirs));
  SDL_FreeSurface(mine);
  SDL_FreeSurface(theirs);
  /* A symbol from the fallback face after a size switch, too. */
  SDL_FreeSurface(draw_alone(t, 60, "\xE2\x98\x8E 96110"));
  mine = draw_alone(t, a, "\xE2\x98\x8E 12345");
  theirs = draw_alone(fresh, a, "\xE2\x98\x8E 12345");
  CHECK(same_pixels(mine, theirs));
  SDL_FreeSurface(mine);
  SDL_FreeSurface(theirs);

  /* Widths are remembered per size: a repeat is a hit, another size (a
   * change of scale) is measured again, and forgetting the fonts forgets
   * them. */
  const char *name = "赵桂兰";
  text_get_stats(t, &st);
  unsigned long h0 = st.measure_hits, m0 = st.measure_misses;
  int w30 = text_width(t, 30, TEXT_REGULAR, name, strlen(name));
  int w30b = text_width(t, 30, TEXT_REGULAR, name, strlen(name));
  text_get_stats(t, &st);
  CHECK_INT(w30b, w30);
  CHECK_INT(st.measure_misses, m0 + 1);
  CHECK_INT(st.measure_hits, h0 + 1);
  int w42 = text_width(t, 42, TEXT_REGULAR, name, strlen(name));
  text_get_stats(t, &st);
  CHECK_INT(st.measure_misses, m0 + 2);
  CHECK_INT(w42, text_width(fresh, 42, TEXT_REGULAR, name, strlen(name)));
  CHECK(w42 > w30);
  /* Same bytes, other length: never the same entry. */
  CHECK_INT(text_width(t, 30, TEXT_REGULAR, name, 3) * 3, w30);
  text_forget(t);
  text_get_stats(t, &st);
  CHECK_INT(st.faces, 0);
  CHECK_INT(st.sizes, 0);
  m0 = st.measure_misses;
  CHECK_INT(text_width(t, 30, TEXT_REGULAR, name, strlen(name)), w30);
  text_get_stats(t, &st);
  CHECK_INT(st.measure_misses, m0 + 1);
  /* Reopened without probing the .ttc again: one open per face. */
  CHECK(st.faces >= 1 && st.opens == opens_bold + st.faces);

  /* Wrapping is remembered per (size, weight, width): the same lines as
   * core/linebreak.c computes, a hit on repeat, a miss at another width or
   * size, and forgotten with the fonts. */
  const char *text = "申请最低生活保障，需要提供户口簿、身份证和家庭收入证明（近6个月）。";
  linebreak_line mine_l[16], ref_l[16];
  size_t want = linebreak_wrap(text, strlen(text), 200, measure_fresh,
                               fresh, ref_l, 16);
  text_get_stats(t, &st);
  unsigned long wh = st.wrap_hits, wm = st.wrap_misses;
  size_t got = text_wrap(t, 30, TEXT_REGULAR, 200, text, strlen(text),
                         mine_l, 16);
  CHECK(want >= 3);
  CHECK_INT(got, want);
  int same = 1;
  for (size_t i = 0; i < got && i < 16; i++)
    same &= mine_l[i].start == ref_l[i].start && mine_l[i].len == ref_l[i].len &&
            mine_l[i].width == ref_l[i].width;
  CHECK(same);
  memset(mine_l, 0, sizeof mine_l);
  CHECK_INT(text_wrap(t, 30, TEXT_REGULAR, 200, text, strlen(text), mine_l, 1),
            want);
  CHECK_INT(mine_l[0].len, ref_l[0].len);
  CHECK_INT(mine_l[1].len, 0); /* only max_lines entries are written */
  text_wrap(t, 30, TEXT_REGULAR, 300, text, strlen(text), mine_l, 16);
  text_wrap(t, 42, TEXT_REGULAR, 200, text, strlen(text), mine_l, 16);
  text_get_stats(t, &st);
  CHECK_INT(st.wrap_hits, wh + 1);
  CHECK_INT(st.wrap_misses, wm + 3);
  text_forget(t);
  text_get_stats(t, &st);
  wm = st.wrap_misses;
  CHECK_INT(text_wrap(t, 30, TEXT_REGULAR, 200, text, strlen(text), mine_l, 16),
            want);
  text_get_stats(t, &st);
  CHECK_INT(st.wrap_misses, wm + 1);

  text_destroy(fresh);
  text_destroy(t);
}

int main(void) {
  char conf[512], err[256];
  snprintf(conf, sizeof conf, "%s/fonts/fonts.conf", KIOSK_SOURCE_DIR);
  SDL_Init(0);
  SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 800, 600, 32,
                                                     SDL_PIXELFORMAT_ARGB8888);
  SDL_Renderer *ren = SDL_CreateSoftwareRenderer(surf);
  CHECK(ren != NULL);

  /* A missing font list is a clear error, not a crash. */
  text_sys *bad = NULL;
  CHECK(text_create("/nonexistent/fonts.conf", 1024, &bad, err, sizeof err) !=
        KERR_OK);
  CHECK(bad == NULL && strstr(err, "/nonexistent/fonts.conf"));

  const size_t bound = 1024 * 1024;
  text_sys *t = NULL;
  CHECK_INT(text_create(conf, bound, &t, err, sizeof err), KERR_OK);
  if (!t) {
    fprintf(stderr, "%s\n", err);
    return TEST_DONE();
  }
  text_set_renderer(t, ren);
  SDL_Color black = {0, 0, 0, 255};
  SDL_Color none = {0, 0, 0, 0}, white = {255, 255, 255, 255};

  /* Measuring: CJK glyphs are about one em wide; more text is wider. */
  int w1 = text_width(t, 30, TEXT_REGULAR, "张", strlen("张"));
  int w3 = text_width(t, 30, TEXT_REGULAR, "张三丰", strlen("张三丰"));
  CHECK(w1 >= 28 && w1 <= 32);
  CHECK_INT(w3, 3 * w1);
  CHECK(text_width(t, 30, TEXT_BOLD, "9,480元", strlen("9,480元")) > w1);

  /* Coverage: CJK, Latin and the fallback's symbols are drawn; a private-use
   * character, a CJK Extension E one and broken UTF-8 would be boxes. */
  CHECK(text_covers(t, TEXT_REGULAR, "张三丰9,480元", strlen("张三丰9,480元")));
  CHECK(text_covers(t, TEXT_BOLD, "低保", strlen("低保")));
  CHECK(!text_covers(t, TEXT_REGULAR, "\xee\x80\x80", 3)); /* U+E000 */
  CHECK(!text_covers(t, TEXT_REGULAR, "\xf0\xab\xa0\xa0", 4)); /* U+2B820 */
  /* 𠊏 (U+2028F), one of the pinyin engine's candidates for xian that no
   * installed face draws: the keyboard does not offer it. */
  CHECK(!text_covers(t, TEXT_REGULAR, "\xf0\xa0\x8a\x8f", 4));
  CHECK(!text_covers(t, TEXT_REGULAR, "先\xf0\xa0\x8a\x8f", 7));
  CHECK(text_covers(t, TEXT_REGULAR, "先鲜现", strlen("先鲜现")));
  CHECK(!text_covers(t, TEXT_REGULAR, "\xff", 1));
  CHECK(text_covers(t, TEXT_REGULAR, "", 0));

  /* Repeats hit the cache. */
  text_stats st;
  text_draw(t, 30, TEXT_REGULAR, black, none, "最低生活保障", strlen("最低生活保障"), 0, 0);
  text_draw(t, 30, TEXT_REGULAR, black, none, "最低生活保障", strlen("最低生活保障"), 0, 40);
  text_get_stats(t, &st);
  CHECK_INT(st.misses, 1);
  CHECK_INT(st.hits, 1);
  CHECK_INT(st.entries, 1);
  /* A different colour is a different entry. */
  SDL_Color red = {200, 0, 0, 255};
  text_draw(t, 30, TEXT_REGULAR, red, none, "最低生活保障", strlen("最低生活保障"), 0, 80);
  text_get_stats(t, &st);
  CHECK_INT(st.entries, 2);

  /* The same text on an opaque background is another entry (rendered
   * against it); any transparent background shares one entry. */
  text_draw(t, 30, TEXT_REGULAR, black, white, "最低生活保障",
            strlen("最低生活保障"), 0, 120);
  SDL_Color none2 = {9, 9, 9, 0};
  text_draw(t, 30, TEXT_REGULAR, black, none2, "最低生活保障",
            strlen("最低生活保障"), 0, 160);
  text_get_stats(t, &st);
  CHECK_INT(st.entries, 3);
  /* An opaque line leaves no transparent pixel: the pixel at its corner is
   * the background colour. */
  SDL_Color bg = {0xF6, 0xF2, 0xEA, 255};
  text_draw(t, 30, TEXT_REGULAR, black, bg, "低保", strlen("低保"), 300, 300);
  Uint32 px;
  SDL_Rect one = {300, 300, 1, 1};
  SDL_RenderReadPixels(ren, &one, SDL_PIXELFORMAT_ARGB8888, &px, 4);
  CHECK_INT(px, 0xFFF6F2EA);

  /* Many distinct lines: the bound holds at every step, old ones go. */
  int within = 1;
  for (int i = 0; i < 300; i++) {
    char line[64];
    snprintf(line, sizeof line, "第%d行：家庭人均月收入%d元", i, i * 37);
    text_draw(t, 30, TEXT_REGULAR, black, none, line, strlen(line), 0, 0);
    text_get_stats(t, &st);
    if (st.bytes > bound)
      within = 0;
  }
  CHECK(within);
  CHECK(st.evictions > 0);
  CHECK(st.entries > 5);

  /* A line bigger than the whole bound is drawn but never kept. */
  text_cache_clear(t);
  char big[2048] = "";
  for (int i = 0; i < 60; i++)
    strcat(big, "很长的一行字");
  text_draw(t, 60, TEXT_REGULAR, black, none, big, strlen(big), 0, 0);
  text_get_stats(t, &st);
  CHECK_INT(st.entries, 0);
  CHECK_INT(st.bytes, 0);

  /* A symbol the CJK face lacks is drawn through the fallback face and
   * invalid UTF-8 does not crash. */
  text_draw(t, 30, TEXT_REGULAR, black, none, "\xE2\x98\x8E 12345", 9, 0, 0);
  text_draw(t, 30, TEXT_REGULAR, black, none, "ab\xFF\xFE" "cd", 6, 0, 0);
  text_get_stats(t, &st);
  CHECK_INT(st.entries, 2);

  /* Clear forgets everything (it runs when a session ends). */
  text_cache_clear(t);
  text_get_stats(t, &st);
  CHECK_INT(st.entries, 0);
  CHECK_INT(st.bytes, 0);

  text_destroy(t);
  SDL_DestroyRenderer(ren);
  SDL_FreeSurface(surf);

  test_faces_and_sizes(conf);
  test_one_face_per_file(conf);
  SDL_Quit();
  return TEST_DONE();
}
