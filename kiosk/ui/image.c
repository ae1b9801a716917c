/* image: see image.h. */
#include "ui/image.h"

#include <string.h>

#include <sodium.h>

static void wipe_texture(SDL_Texture *t, int h) {
  void *px;
  int pitch;
  if (SDL_LockTexture(t, NULL, &px, &pitch) == 0) {
    sodium_memzero(px, (size_t)pitch * (size_t)h);
    SDL_UnlockTexture(t);
  }
}

void ui_image_free(ui_image *im) {
  if (!im)
    return;
  if (im->tex) {
    wipe_texture(im->tex, im->h);
    SDL_DestroyTexture(im->tex);
  }
  memset(im, 0, sizeof *im);
}

kerr ui_image_set(ui *u, ui_image *im, const unsigned char *rgb, int w,
                  int h) {
  if (!rgb || w <= 0 || h <= 0)
    return KERR_INVALID;
  if (im->tex && (im->w != w || im->h != h))
    ui_image_free(im);
  if (!im->tex) {
    im->tex = SDL_CreateTexture(u->ren, SDL_PIXELFORMAT_RGB24,
                                SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!im->tex)
      return KERR_INTERNAL;
    im->w = w;
    im->h = h;
  }
  void *px;
  int pitch;
  if (SDL_LockTexture(im->tex, NULL, &px, &pitch) != 0)
    return KERR_INTERNAL;
  for (int y = 0; y < h; y++)
    memcpy((unsigned char *)px + (size_t)y * (size_t)pitch,
           rgb + (size_t)y * (size_t)w * 3u, (size_t)w * 3u);
  SDL_UnlockTexture(im->tex);
  return KERR_OK;
}

SDL_Rect ui_image_fit(const ui_image *im, SDL_Rect box) {
  if (!im || im->w <= 0 || im->h <= 0 || box.w <= 0 || box.h <= 0)
    return (SDL_Rect){box.x, box.y, 0, 0};
  int w = box.w, h = (int)((long long)box.w * im->h / im->w);
  if (h > box.h) {
    h = box.h;
    w = (int)((long long)box.h * im->w / im->h);
  }
  return (SDL_Rect){box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h};
}

SDL_Rect ui_image_draw(ui *u, const ui_image *im, SDL_Rect box) {
  SDL_Rect r = ui_image_fit(im, box);
  if (im && im->tex && r.w > 0 && r.h > 0)
    SDL_RenderCopy(u->ren, im->tex, NULL, &r);
  return r;
}
