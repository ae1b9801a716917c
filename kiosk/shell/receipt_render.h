/* receipt_render: draws a laid-out receipt into a printer raster.
 *
 * The print service (services/print_host.h) calls receipt_render() on its
 * worker thread through the function pointer it was configured with; the
 * renderer owns a text system of its own (opened once, on the UI thread,
 * by receipt_renderer_create) and a private drawing context, so it never
 * shares the screen's. Every render surface is wiped before it is freed. */
#ifndef KIOSK_SHELL_RECEIPT_RENDER_H
#define KIOSK_SHELL_RECEIPT_RENDER_H

#include "core/kerr.h"
#include "devices/printer.h"
#include "services/receipt_paper.h"

typedef struct receipt_renderer receipt_renderer;

/* Opens the fonts listed in fonts_file. KERR_NOMEM, or the text system's
 * error (message in err). *out is the caller's. */
kerr receipt_renderer_create(const char *fonts_file, receipt_renderer **out,
                             char *err, size_t errlen);
void receipt_renderer_destroy(receipt_renderer *r);

/* Lays out p for `width` dots and renders it into *out (a new raster);
 * ud is a receipt_renderer. One thread at a time. */
kerr receipt_render(void *ud, receipt_paper *p, int width,
                    printer_raster *out);

#endif
