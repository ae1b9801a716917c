/* image: a picture on the screen from an RGB buffer (a camera's preview,
 * a photographed page's thumbnail).
 *
 * The texture is a streaming one so that its pixels can be wiped: what a
 * camera shows may be personal, and ui_image_free() clears the texture's
 * memory before destroying it (the software renderer keeps it in RAM). The
 * caller's RGB buffer stays the caller's. */
#ifndef KIOSK_UI_IMAGE_H
#define KIOSK_UI_IMAGE_H

#include <SDL.h>

#include "core/kerr.h"
#include "ui/ui.h"

typedef struct ui_image {
  SDL_Texture *tex;
  int w, h; /* pixels of the picture; 0 when empty */
} ui_image;

/* Shows rgb (w x h, 3 bytes a pixel, rows packed) from now on: the texture
 * is made (or reused when the size is the same) and filled. KERR_INVALID
 * for an empty picture, KERR_INTERNAL when SDL refuses. */
kerr ui_image_set(ui *u, ui_image *im, const unsigned char *rgb, int w, int h);

/* The largest rectangle of the picture's proportions inside box, centred. */
SDL_Rect ui_image_fit(const ui_image *im, SDL_Rect box);

/* Draws the picture fitted into box (nothing when empty); returns the
 * rectangle drawn. Honours the clip (ui_clip_begin). Not registered: the
 * caller adds a target if the picture is to be tapped. */
SDL_Rect ui_image_draw(ui *u, const ui_image *im, SDL_Rect box);

/* Wipes the texture's pixels and destroys it; the image is empty after.
 * Safe on an empty image. */
void ui_image_free(ui_image *im);

#endif
