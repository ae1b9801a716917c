/* png: writing screenshots. */
#ifndef KIOSK_UI_PNG_H
#define KIOSK_UI_PNG_H

#include <SDL.h>
#include <stddef.h>

#include "core/kerr.h"

/* Reads the renderer's current target and writes it as an RGB PNG to path.
 * KERR_IO if the file cannot be written, KERR_NOMEM, KERR_INTERNAL if the
 * pixels cannot be read. */
kerr png_write_renderer(SDL_Renderer *r, int w, int h, const char *path);

/* Encodes an RGBA buffer (stride bytes per row) as an RGBA PNG in memory
 * (a drawn signature). On KERR_OK *out is a new buffer of *len bytes that
 * the caller frees (wiping it first if it is personal). KERR_INVALID for a
 * bad size, KERR_NOMEM, KERR_INTERNAL if libpng fails. */
kerr png_encode_rgba_mem(const unsigned char *rgba, int w, int h, int stride,
                         unsigned char **out, size_t *len);

#endif
