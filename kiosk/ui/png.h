/* png: writing screenshots. */
#ifndef KIOSK_UI_PNG_H
#define KIOSK_UI_PNG_H

#include <SDL.h>

#include "core/kerr.h"

/* Reads the renderer's current target and writes it as an RGB PNG to path.
 * KERR_IO if the file cannot be written, KERR_NOMEM, KERR_INTERNAL if the
 * pixels cannot be read. */
kerr png_write_renderer(SDL_Renderer *r, int w, int h, const char *path);

/* Writes an RGBA buffer (stride bytes per row) as an RGBA PNG. */
kerr png_write_rgba(const unsigned char *rgba, int w, int h, int stride,
                    const char *path);

#endif
