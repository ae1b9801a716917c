/* png: see png.h. libpng with setjmp error handling confined here.
 *
 * What is encoded may be personal (a signature, a receipt, a screenshot of
 * a form): every buffer libpng and zlib allocate goes through wipe_malloc /
 * wipe_free and is cleared with sodium_memzero before it is freed, and so
 * are this file's own buffers. */
#include "ui/png.h"

#include <png.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Allocations remember their size in a header so they can be wiped. */
typedef union wipe_hdr {
  size_t n;
  max_align_t align;
} wipe_hdr;

static png_voidp wipe_malloc(png_structp png, png_alloc_size_t n) {
  (void)png;
  wipe_hdr *h = malloc(sizeof *h + n);
  if (!h)
    return NULL;
  h->n = n;
  return h + 1;
}

static void wipe_free(png_structp png, png_voidp p) {
  (void)png;
  if (!p)
    return;
  wipe_hdr *h = (wipe_hdr *)p - 1;
  sodium_memzero(h, sizeof *h + h->n);
  free(h);
}

static png_structp create_write(void) {
  return png_create_write_struct_2(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL,
                                   NULL, wipe_malloc, wipe_free);
}

static kerr write_png(const unsigned char *px, int w, int h, int stride,
                      int color_type, const char *path) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return KERR_IO;
  /* Our own stdio buffer, wiped after fclose. */
  static _Thread_local char fbuf[BUFSIZ];
  setvbuf(f, fbuf, _IOFBF, sizeof fbuf);
  png_structp png = create_write();
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    fclose(f);
    sodium_memzero(fbuf, sizeof fbuf);
    return KERR_NOMEM;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    fclose(f);
    sodium_memzero(fbuf, sizeof fbuf);
    return KERR_IO;
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, color_type,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  /* Screens are large flat areas: the fastest deflate with the "up"
   * filter is about as small as level 3 with adaptive filtering, and
   * several times quicker to write. */
  png_set_compression_level(png, 1);
  png_set_filter(png, 0, PNG_FILTER_UP);
  png_write_info(png, info);
  for (int y = 0; y < h; y++)
    png_write_row(png, (png_const_bytep)(px + (size_t)y * (size_t)stride));
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  int rc = fclose(f);
  sodium_memzero(fbuf, sizeof fbuf);
  return rc == 0 ? KERR_OK : KERR_IO;
}

kerr png_write_renderer(SDL_Renderer *r, int w, int h, const char *path) {
  size_t stride = (size_t)w * 3;
  unsigned char *px = malloc(stride * (size_t)h);
  if (!px)
    return KERR_NOMEM;
  kerr e = KERR_INTERNAL;
  if (!SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGB24, px, (int)stride))
    e = write_png(px, w, h, (int)stride, PNG_COLOR_TYPE_RGB, path);
  sodium_memzero(px, stride * (size_t)h);
  free(px);
  return e;
}

/* A growing output buffer for png_encode_rgba_mem. */
typedef struct png_membuf {
  unsigned char *p;
  size_t len, cap;
  int failed;
} png_membuf;

static void mem_write(png_structp png, png_bytep data, png_size_t n) {
  png_membuf *b = png_get_io_ptr(png);
  if (b->failed)
    return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n)
      cap *= 2;
    unsigned char *q = malloc(cap);
    if (!q) {
      b->failed = 1;
      return;
    }
    if (b->len)
      memcpy(q, b->p, b->len);
    /* The old buffer may hold a signature: cleared before it is freed. */
    if (b->p)
      sodium_memzero(b->p, b->cap);
    free(b->p);
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->len, data, n);
  b->len += n;
}

static void mem_flush(png_structp png) { (void)png; }

kerr png_encode_rgba_mem(const unsigned char *rgba, int w, int h, int stride,
                         unsigned char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (!rgba || w <= 0 || h <= 0 || w > 16384 || h > 16384 || stride < w * 4)
    return KERR_INVALID;
  /* On the heap: the pointer is not changed after setjmp. */
  png_membuf *b = calloc(1, sizeof *b);
  png_structp png = b ? create_write() : NULL;
  png_infop info = png ? png_create_info_struct(png) : NULL;
  kerr e = KERR_NOMEM;
  if (!png || !info)
    goto out;
  if (setjmp(png_jmpbuf(png))) {
    e = KERR_INTERNAL;
    goto out;
  }
  png_set_write_fn(png, b, mem_write, mem_flush);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
               PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  /* Fast: a signature (800x400) encodes in ~10 ms to ~11 KiB, so 签好了
   * answers in the next frame. */
  png_set_compression_level(png, 1);
  png_set_filter(png, 0, PNG_FILTER_UP);
  png_write_info(png, info);
  for (int y = 0; y < h; y++)
    png_write_row(png, (png_const_bytep)(rgba + (size_t)y * (size_t)stride));
  png_write_end(png, NULL);
  e = b->failed ? KERR_NOMEM : KERR_OK;
out:
  if (png || info)
    png_destroy_write_struct(&png, &info);
  if (b && e == KERR_OK) {
    *out = b->p;
    *len = b->len;
  } else if (b && b->p) {
    sodium_memzero(b->p, b->cap);
    free(b->p);
  }
  free(b);
  return e;
}
