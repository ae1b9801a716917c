/* theme: elderly-friendly minimums at every supported screen and scale. */
#include "check.h"
#include "ui/theme.h"

int main(void) {
  static const int sizes[][2] = {{1920, 1080}, {1080, 1920}, {1280, 800}};
  for (int i = 0; i < 3; i++) {
    for (int size = 0; size < THEME_SIZES; size++) {
      theme t;
      theme_compute(&t, sizes[i][0], sizes[i][1], size);
      int elder = size >= THEME_SIZE_LARGE;
      CHECK_INT(t.elder, elder);
      CHECK_INT(t.size, size);
      /* Sizes at 1080p-equivalent. */
      float body = (float)t.px_body / t.scale;
      float target = (float)t.target_min / t.scale;
      CHECK(body >= (elder ? 40.0f : 28.0f) - 0.5f);
      CHECK(target >= (elder ? 80.0f : 60.0f) - 0.5f);
      /* And in real pixels on every screen: a finger does not shrink
       * with the screen. */
      CHECK(t.target_min >= (elder ? 80 : 60));
      CHECK(t.button_h >= t.target_min);
      CHECK(t.bar_h >= t.target_min);
      CHECK(t.px_small / t.scale >= (elder ? 34.0f : 26.0f) - 0.5f);
      CHECK(t.px_title > t.px_body && t.px_huge > t.px_title);
      CHECK_INT(t.portrait, sizes[i][1] > sizes[i][0]);
    }
  }
  theme t, e, x;
  theme_compute(&t, 1920, 1080, 0);
  theme_compute(&e, 1920, 1080, 1);
  theme_compute(&x, 1920, 1080, 2);
  CHECK(e.px_body > t.px_body);
  CHECK(x.px_body > e.px_body);
  CHECK(e.target_min > t.target_min);

  /* Contrast of every text colour on every background it is drawn on. */
  CHECK(theme_contrast(t.text, t.bg) >= 7.0);
  CHECK(theme_contrast(t.text, t.surface) >= 7.0);
  CHECK(theme_contrast(t.text, t.surface_alt) >= 7.0);
  CHECK(theme_contrast(t.text, t.warn_bg) >= 7.0);
  CHECK(theme_contrast(t.text_muted, t.bg) >= 7.0);
  CHECK(theme_contrast(t.text_muted, t.surface) >= 7.0);
  CHECK(theme_contrast(t.text_muted, t.surface_alt) >= 7.0);
  CHECK(theme_contrast(t.on_primary, t.primary) >= 7.0);
  CHECK(theme_contrast(t.on_primary, t.primary_pressed) >= 7.0);
  CHECK(theme_contrast(t.on_accent, t.accent) >= 7.0);
  CHECK(theme_contrast(t.primary, t.surface) >= 7.0);
  CHECK(theme_contrast(t.primary, t.surface_alt) >= 7.0);
  CHECK(theme_contrast(t.primary, t.bg) >= 7.0);
  CHECK(theme_contrast(t.on_primary, t.success) >= 4.5);

  /* The contrast formula itself: black on white is 21:1, equal is 1:1. */
  SDL_Color black = {0, 0, 0, 255}, white = {255, 255, 255, 255};
  CHECK(theme_contrast(black, white) > 20.9 && theme_contrast(black, white) < 21.1);
  CHECK(theme_contrast(white, white) < 1.01);
  return TEST_DONE();
}
