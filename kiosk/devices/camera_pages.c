/* camera_pages: see camera_pages.h. */
#include "devices/camera_pages.h"

#include <string.h>

void camera_pages_init(camera_pages *ps, const camera_pages_limits *lim) {
  memset(ps, 0, sizeof *ps);
  if (lim)
    ps->lim = *lim;
  if (ps->lim.per_material <= 0 || ps->lim.per_material > CAMERA_PAGES_MAX)
    ps->lim.per_material = CAMERA_PAGES_PER_MATERIAL;
  if (ps->lim.max_pages <= 0 || ps->lim.max_pages > CAMERA_PAGES_MAX)
    ps->lim.max_pages = CAMERA_PAGES_MAX;
  if (ps->lim.max_bytes == 0)
    ps->lim.max_bytes = CAMERA_PAGES_BYTES;
}

int camera_pages_count(const camera_pages *ps, int material) {
  int n = 0;
  for (size_t i = 0; i < ps->n; i++)
    n += ps->p[i].material == material;
  return n;
}

camera_pages_verdict camera_pages_room(const camera_pages *ps, int material) {
  if (camera_pages_count(ps, material) >= ps->lim.per_material)
    return CAMERA_PAGES_MATERIAL_FULL;
  if (ps->n >= (size_t)ps->lim.max_pages)
    return CAMERA_PAGES_TOO_MANY;
  if (ps->bytes >= ps->lim.max_bytes)
    return CAMERA_PAGES_TOO_BIG;
  return CAMERA_PAGES_OK;
}

camera_pages_verdict camera_pages_add(camera_pages *ps, int material,
                                      camera_still *s) {
  camera_pages_verdict v = camera_pages_room(ps, material);
  if (v)
    return v;
  if (!s || !s->jpeg || s->len > ps->lim.max_bytes - ps->bytes)
    return CAMERA_PAGES_TOO_BIG;
  ps->p[ps->n].material = material;
  ps->p[ps->n].still = *s;
  memset(s, 0, sizeof *s);
  ps->bytes += ps->p[ps->n].still.len;
  ps->n++;
  return CAMERA_PAGES_OK;
}

static int index_of(const camera_pages *ps, int material, int k) {
  for (size_t i = 0; i < ps->n; i++)
    if (ps->p[i].material == material && k-- == 0)
      return (int)i;
  return -1;
}

const camera_page *camera_pages_at(const camera_pages *ps, int material,
                                   int k) {
  int i = k >= 0 ? index_of(ps, material, k) : -1;
  return i < 0 ? NULL : &ps->p[i];
}

kerr camera_pages_remove(camera_pages *ps, int material, int k) {
  int i = k >= 0 ? index_of(ps, material, k) : -1;
  if (i < 0)
    return KERR_NOTFOUND;
  ps->bytes -= ps->p[i].still.len;
  camera_still_wipe(&ps->p[i].still);
  memmove(&ps->p[i], &ps->p[i + 1], (ps->n - (size_t)i - 1) * sizeof ps->p[0]);
  ps->n--;
  memset(&ps->p[ps->n], 0, sizeof ps->p[0]);
  return KERR_OK;
}

void camera_pages_clear(camera_pages *ps) {
  for (size_t i = 0; i < ps->n; i++)
    camera_still_wipe(&ps->p[i].still);
  memset(ps->p, 0, sizeof ps->p);
  ps->n = 0;
  ps->bytes = 0;
}
