/* synth_page: synthetic pages under a document camera, for the camera
 * tests and their fixtures (tests/data/devices/camera/, made by
 * devices_make_camera_pages). A grey table with a white sheet on it
 * carrying dark bars for lines of text: nothing real is written. */
#ifndef TESTS_DEVICES_SYNTH_PAGE_H
#define TESTS_DEVICES_SYNTH_PAGE_H

#include <stdlib.h>
#include <string.h>

#include "devices/camera.h"

#define SYNTH_TABLE 96
#define SYNTH_SHEET 246
#define SYNTH_INK 40

/* A w x h frame into *im (camera_image_wipe it); with a sheet at box
 * (w 0: none), `lines` bars of text whose lengths follow seed. 0 on
 * failure. */
static inline int synth_frame(camera_image *im, int w, int h, camera_box box,
                              unsigned seed, int lines) {
  im->rgb = malloc((size_t)w * (size_t)h * 3u);
  if (!im->rgb)
    return 0;
  im->w = w;
  im->h = h;
  for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
    im->rgb[3 * i] = SYNTH_TABLE - 4;
    im->rgb[3 * i + 1] = SYNTH_TABLE;
    im->rgb[3 * i + 2] = SYNTH_TABLE + 8;
  }
  if (box.w <= 0)
    return 1;
  for (int y = box.y; y < box.y + box.h; y++)
    memset(im->rgb + ((size_t)y * (size_t)w + (size_t)box.x) * 3u,
           SYNTH_SHEET, (size_t)box.w * 3u);
  unsigned r = seed * 2654435761u + 1u;
  int y = box.y + box.h / 14;
  for (int i = 0; i < lines && y < box.y + box.h - box.h / 10; i++) {
    r = r * 1103515245u + 12345u;
    int len = box.w / 2 + (int)((r >> 8) % (unsigned)(box.w / 2 - box.w / 8));
    for (int yy = y; yy < y + box.h / 60 + 1; yy++)
      memset(im->rgb + ((size_t)yy * (size_t)w + (size_t)(box.x + box.w / 12)) *
                           3u,
             SYNTH_INK, (size_t)(len - box.w / 12) * 3u);
    y += box.h / 26 + 2;
  }
  return 1;
}

#endif
