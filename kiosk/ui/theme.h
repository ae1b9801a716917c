/* theme: sizes and colours, derived from the screen and the elder mode.
 *
 * All sizes are given at "1080p-equivalent" (the short side of the screen
 * is 1080 units) and scaled to the real screen, so 1920x1080, 1080x1920 and
 * 1280x800 keep the same proportions. Three text sizes: 标准 (0), 大 (1,
 * the old elder mode) and 特大 (2). Minimums (elderly-friendly rules): body
 * text >= 28 px standard / >= 40 px in the large sizes at 1080p-equivalent;
 * touch targets >= 60 px standard / >= 80 px large at 1080p-equivalent, and
 * never under 60 (80 in the large sizes) real pixels on any screen (a
 * finger does not shrink with the screen); body-text contrast >= 7:1. tests/ui/test_theme.c checks
 * them. */
#ifndef KIOSK_UI_THEME_H
#define KIOSK_UI_THEME_H

#include <SDL.h>

typedef struct theme {
  int w, h;        /* screen size in pixels */
  int portrait;    /* h > w */
  int size;        /* text size: THEME_SIZE_STANDARD .. THEME_SIZE_XL */
  int elder;       /* size >= THEME_SIZE_LARGE (the large sizes) */
  float scale;     /* pixels per 1080p-equivalent unit */
  /* font sizes in pixels */
  int px_small, px_body, px_large, px_title, px_huge;
  /* geometry in pixels */
  int target_min;  /* smallest tap target side */
  int button_h;    /* standard button height */
  int pad;         /* inner padding of cards and buttons */
  int gap;         /* space between elements */
  int margin;      /* screen edge margin */
  int radius;      /* corner radius */
  int bar_h;       /* top bar height */
  /* colours */
  SDL_Color bg, surface, surface_alt, text, text_muted, primary,
      primary_pressed, on_primary, accent, on_accent, border, focus, warn_bg,
      scrim, success;
} theme;

enum {
  THEME_SIZE_STANDARD = 0, /* 标准 */
  THEME_SIZE_LARGE = 1,    /* 大 (screen.elder_default, --elder) */
  THEME_SIZE_XL = 2,       /* 特大 */
  THEME_SIZES = 3
};

/* Computes the theme for a w x h screen at a text size (clamped to
 * 0..THEME_SIZES-1). */
void theme_compute(theme *t, int w, int h, int size);

/* Converts 1080p-equivalent units to pixels (rounded, at least 1). */
int theme_px(const theme *t, float units);

/* WCAG 2 contrast ratio between two colours (1..21). */
double theme_contrast(SDL_Color a, SDL_Color b);

#endif
