/* theme: see theme.h. The palette is a warm paper background with deep
 * blue actions and a restrained red accent, chosen for >= 7:1 contrast of
 * every text colour on every background it is drawn on. */
#include "ui/theme.h"

#include <math.h>

static SDL_Color rgb(unsigned v) {
  return (SDL_Color){(Uint8)(v >> 16), (Uint8)(v >> 8), (Uint8)v, 255};
}

int theme_px(const theme *t, float units) {
  int v = (int)lroundf(units * t->scale);
  return v < 1 ? 1 : v;
}

void theme_compute(theme *t, int w, int h, int size) {
  if (size < THEME_SIZE_STANDARD)
    size = THEME_SIZE_STANDARD;
  if (size > THEME_SIZE_XL)
    size = THEME_SIZE_XL;
  /* Per size: small, body, large, title, huge, button, pad, gap, bar. */
  static const float u[THEME_SIZES][9] = {
      {28, 30, 38, 46, 60, 88, 24, 22, 100},
      {36, 42, 50, 60, 76, 112, 30, 26, 120},
      {44, 50, 58, 68, 84, 128, 32, 28, 136},
  };
  const float *v = u[size];
  t->w = w;
  t->h = h;
  t->portrait = h > w;
  t->size = size;
  t->elder = size >= THEME_SIZE_LARGE;
  int short_side = w < h ? w : h;
  t->scale = (float)short_side / 1080.0f;
  /* A portrait screen is narrow: its width, not its height, limits text.
   * 1080 units still span its width, so the same scale works. */
  t->px_small = theme_px(t, v[0]);
  t->px_body = theme_px(t, v[1]);
  t->px_large = theme_px(t, v[2]);
  t->px_title = theme_px(t, v[3]);
  t->px_huge = theme_px(t, v[4]);
  /* Touch targets: the scaled size, and never under the rule's pixels
   * (60, 80 in the large sizes) on a small screen. Rounded up so they
   * hold at every scale. */
  t->target_min = (int)ceilf((t->elder ? 80.0f : 60.0f) * t->scale);
  if (t->target_min < (t->elder ? 80 : 60))
    t->target_min = t->elder ? 80 : 60;
  t->button_h = theme_px(t, v[5]);
  if (t->button_h < t->target_min)
    t->button_h = t->target_min;
  t->pad = theme_px(t, v[6]);
  t->gap = theme_px(t, v[7]);
  t->margin = theme_px(t, 40);
  t->radius = theme_px(t, 18);
  t->bar_h = theme_px(t, v[8]);

  t->bg = rgb(0xF6F2EA);
  t->surface = rgb(0xFFFFFF);
  t->surface_alt = rgb(0xEDE6D8);
  t->text = rgb(0x1B1B1B);
  t->text_muted = rgb(0x3F3F3F);
  t->primary = rgb(0x0B4A85);
  t->primary_pressed = rgb(0x06325C);
  t->on_primary = rgb(0xFFFFFF);
  t->accent = rgb(0x9E1B1B);
  t->on_accent = rgb(0xFFFFFF);
  t->border = rgb(0xB9AE99);
  t->focus = rgb(0xE0A100);
  t->warn_bg = rgb(0xFFF4D6);
  t->scrim = (SDL_Color){0, 0, 0, 150};
  t->success = rgb(0x1E6B35);
}

static double channel(Uint8 v) {
  double c = v / 255.0;
  return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(SDL_Color c) {
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double theme_contrast(SDL_Color a, SDL_Color b) {
  double la = luminance(a), lb = luminance(b);
  if (la < lb) {
    double x = la;
    la = lb;
    lb = x;
  }
  return (la + 0.05) / (lb + 0.05);
}
