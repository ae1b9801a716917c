/* camera_pages: the pages photographed for one application, held in
 * memory only, with the limits that keep a sealed application small.
 *
 * Each page belongs to one material of the checklist (an index the caller
 * gives). Limits: at most per_material pages of one material, at most
 * max_pages in all (<= CAMERA_PAGES_MAX, the sealed plaintext's
 * "attachments" limit), at most max_bytes of JPEG in all. A page refused
 * by a limit is left with the caller.
 *
 * Invariant: every JPEG is wiped (sodium_memzero) when removed, when the
 * store is cleared and when it is freed. Pure: no thread, no I/O, no log. */
#ifndef KIOSK_DEVICES_CAMERA_PAGES_H
#define KIOSK_DEVICES_CAMERA_PAGES_H

#include <stddef.h>

#include "devices/camera.h"

#define CAMERA_PAGES_MAX 24
#define CAMERA_PAGES_PER_MATERIAL 6              /* default */
#define CAMERA_PAGES_BYTES (4u * 1024u * 1024u)  /* default: 4 MiB */

typedef struct camera_pages_limits {
  int per_material; /* 1..CAMERA_PAGES_MAX; 0: the default */
  int max_pages;    /* 1..CAMERA_PAGES_MAX; 0: CAMERA_PAGES_MAX */
  size_t max_bytes; /* 0: the default */
} camera_pages_limits;

typedef enum camera_pages_verdict {
  CAMERA_PAGES_OK = 0,
  CAMERA_PAGES_MATERIAL_FULL, /* this material has per_material pages */
  CAMERA_PAGES_TOO_MANY,      /* max_pages in all */
  CAMERA_PAGES_TOO_BIG        /* the bytes would pass max_bytes */
} camera_pages_verdict;

typedef struct camera_page {
  int material;
  camera_still still;
} camera_page;

typedef struct camera_pages {
  camera_pages_limits lim;
  camera_page p[CAMERA_PAGES_MAX]; /* in the order taken */
  size_t n;
  size_t bytes; /* JPEG bytes held */
} camera_pages;

/* An empty store with limits lim (NULL: the defaults). */
void camera_pages_init(camera_pages *ps, const camera_pages_limits *lim);

/* Whether one more page of material may be taken now (before snapping):
 * OK, MATERIAL_FULL, TOO_MANY, or TOO_BIG when the bytes are used up. */
camera_pages_verdict camera_pages_room(const camera_pages *ps, int material);

/* Adds still s as the next page of material. OK: the store owns the JPEG
 * (*s is emptied). Otherwise the verdict, and *s is the caller's still. */
camera_pages_verdict camera_pages_add(camera_pages *ps, int material,
                                      camera_still *s);

/* Pages of material. */
int camera_pages_count(const camera_pages *ps, int material);
/* The k-th (0-based) page of material, or NULL. Borrowed until the store
 * changes. */
const camera_page *camera_pages_at(const camera_pages *ps, int material,
                                   int k);
/* Wipes and removes the k-th page of material. KERR_NOTFOUND. */
kerr camera_pages_remove(camera_pages *ps, int material, int k);
/* Wipes every page; the limits stay. */
void camera_pages_clear(camera_pages *ps);

#endif
