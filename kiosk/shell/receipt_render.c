/* receipt_render: see receipt_render.h. */
#include "shell/receipt_render.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"

/* A receipt is drawn once, in bands: the line cache only has to carry a
 * line across the edge of a band. */
#define RECEIPT_TEXT_CACHE (512u * 1024u)
/* Rows drawn at a time. The whole receipt (576 x ~2,600 dots, 4 bytes a
 * dot) would be a 6 MiB surface on top of the screen's memory; a band is
 * 0.6 MiB and the raster is built band by band. */
#define RECEIPT_BAND 256

struct receipt_renderer {
  text_sys *text;
  ui *pu;
};

kerr receipt_renderer_create(const char *fonts_file, receipt_renderer **out,
                             char *err, size_t errlen) {
  *out = NULL;
  receipt_renderer *r = calloc(1, sizeof *r);
  if (!r)
    return KERR_NOMEM;
  r->pu = calloc(1, sizeof *r->pu);
  if (!r->pu) {
    free(r);
    return KERR_NOMEM;
  }
  kerr e = text_create(fonts_file, RECEIPT_TEXT_CACHE, &r->text, err, errlen);
  if (e) {
    receipt_renderer_destroy(r);
    return e;
  }
  /* The faces are opened while the screen's are open too (the peak of an
   * application is its receipt): one per file is enough for drawing once. */
  text_set_faces_per_file(r->text, 1);
  *out = r;
  return KERR_OK;
}

void receipt_renderer_destroy(receipt_renderer *r) {
  if (!r)
    return;
  text_destroy(r->text);
  if (r->pu)
    sodium_memzero(r->pu, sizeof *r->pu);
  free(r->pu);
  free(r);
}

static int m_height(void *ud, int w, int px, int bold, const char *s) {
  return ui_text_height(ud, w, px, bold ? TEXT_BOLD : TEXT_REGULAR, s);
}

static int m_width(void *ud, int px, int bold, const char *s) {
  ui *u = ud;
  return text_width(u->text, px, bold ? TEXT_BOLD : TEXT_REGULAR, s,
                    strlen(s));
}

/* Draws the blocks that reach into rows [top, top + rows) of the paper, at
 * y - top (what lies outside the band is clipped by the renderer). */
static void draw_blocks(ui *u, const receipt_paper *p, int top, int rows) {
  SDL_Color ink = u->th.text;
  int inner = p->width - 2 * RECEIPT_PAPER_MARGIN;
  for (size_t i = 0; i < p->n; i++) {
    receipt_block blk = p->blocks[i];
    const receipt_block *b = &blk;
    if (b->y + b->h <= top || b->y >= top + rows)
      continue;
    blk.y -= top;
    switch (b->kind) {
    case RECEIPT_BLOCK_TEXT:
    case RECEIPT_BLOCK_FIT:
      ui_text_box(u, (SDL_Rect){RECEIPT_PAPER_MARGIN, b->y, inner, b->h},
                  b->px_used, b->bold ? TEXT_BOLD : TEXT_REGULAR, ink,
                  b->center ? UI_CENTER : UI_LEFT, 0,
                  receipt_paper_text(p, &p->blocks[i]));
      break;
    case RECEIPT_BLOCK_RULE:
      for (int x = RECEIPT_PAPER_MARGIN; x < p->width - RECEIPT_PAPER_MARGIN;
           x += 12)
        ui_fill(u, (SDL_Rect){x, b->y, 6, b->h}, ink);
      break;
    case RECEIPT_BLOCK_QR: {
      int mod = b->px_used, side = b->h;
      int x0 = (p->width - side) / 2 + 4 * mod, y0 = b->y + 4 * mod;
      for (int y = 0; y < p->qr.size; y++)
        for (int x = 0; x < p->qr.size; x++)
          if (printer_qr_dark(&p->qr, x, y))
            ui_fill(u, (SDL_Rect){x0 + x * mod, y0 + y * mod, mod, mod}, ink);
      break;
    }
    case RECEIPT_BLOCK_GAP:
      break;
    }
  }
}

/* Lays out and renders p into *out (a new raster). */
kerr receipt_render(void *ud, receipt_paper *p, int width, printer_raster *out) {
  receipt_renderer *h = ud;
  kerr e = KERR_NOMEM;
  SDL_Surface *surf = NULL;
  SDL_Renderer *ren = NULL;
  ui *u = h->pu;
  memset(out, 0, sizeof *out);
  if (!h->text || !u)
    return KERR_STATE;
  theme_compute(&u->th, width, PRINTER_MAX_H, 0);
  u->th.bg = (SDL_Color){255, 255, 255, 255};
  u->th.text = (SDL_Color){0, 0, 0, 255};
  u->text = h->text;
  receipt_measure m = {.height = m_height, .width = m_width, .ud = u};
  int height = receipt_paper_layout(p, width, &m);
  if (height > PRINTER_MAX_H)
    height = PRINTER_MAX_H;
  int band = height < RECEIPT_BAND ? height : RECEIPT_BAND;
  if (band < 1)
    band = 1;
  surf = SDL_CreateRGBSurfaceWithFormat(0, width, band, 32,
                                        SDL_PIXELFORMAT_ARGB8888);
  if (surf)
    ren = SDL_CreateSoftwareRenderer(surf);
  if (!ren)
    goto out;
  u->ren = ren;
  text_set_renderer(h->text, ren);
  u->th.w = width;
  u->th.h = band;
  e = printer_raster_init(out, width, height);
  if (e)
    goto out;
  for (int y0 = 0; y0 < height; y0 += band) {
    int rows = height - y0 < band ? height - y0 : band;
    ui_begin(u);
    draw_blocks(u, p, y0, rows);
    SDL_RenderPresent(ren);
    if (SDL_LockSurface(surf) != 0) {
      e = KERR_INTERNAL;
      goto out;
    }
    for (int y = 0; y < rows; y++) {
      const Uint32 *row = (const Uint32 *)((const Uint8 *)surf->pixels +
                                           (size_t)y * (size_t)surf->pitch);
      for (int x = 0; x < width; x++) {
        Uint32 px = row[x];
        int lum = (int)(((px >> 16) & 0xFF) * 3 + ((px >> 8) & 0xFF) * 6 +
                        (px & 0xFF)) / 10;
        if (lum < 140)
          printer_raster_set(out, x, y0 + y);
      }
    }
    SDL_UnlockSurface(surf);
  }
out:
  if (e)
    printer_raster_free(out);
  /* A receipt shows the applicant's answers: forget the cached lines (and
   * their textures), the fonts' glyphs and the width and wrap tables (hashes
   * of the receipt's strings) now, not when the kiosk stops. */
  text_forget(h->text);
  text_set_renderer(h->text, NULL);
  u->ren = NULL;
  if (ren)
    SDL_DestroyRenderer(ren);
  if (surf) {
    sodium_memzero(surf->pixels, (size_t)surf->pitch * (size_t)surf->h);
    SDL_FreeSurface(surf);
  }
  return e;
}

