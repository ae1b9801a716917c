/* png: see png.h. libpng with setjmp error handling confined here. */
#include "ui/png.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>

static kerr write_png(const unsigned char *px, int w, int h, int stride,
                      int color_type, const char *path) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return KERR_IO;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
                                            NULL, NULL);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    fclose(f);
    return KERR_NOMEM;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    fclose(f);
    return KERR_IO;
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, color_type,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, 3);
  png_write_info(png, info);
  for (int y = 0; y < h; y++)
    png_write_row(png, (png_const_bytep)(px + (size_t)y * (size_t)stride));
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  return fclose(f) == 0 ? KERR_OK : KERR_IO;
}

kerr png_write_rgba(const unsigned char *rgba, int w, int h, int stride,
                    const char *path) {
  return write_png(rgba, w, h, stride, PNG_COLOR_TYPE_RGBA, path);
}

kerr png_write_renderer(SDL_Renderer *r, int w, int h, const char *path) {
  size_t stride = (size_t)w * 3;
  unsigned char *px = malloc(stride * (size_t)h);
  if (!px)
    return KERR_NOMEM;
  if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGB24, px, (int)stride)) {
    free(px);
    return KERR_INTERNAL;
  }
  kerr e = write_png(px, w, h, (int)stride, PNG_COLOR_TYPE_RGB, path);
  free(px);
  return e;
}
