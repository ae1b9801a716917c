/* printer: the receipt printer behind a small interface.
 *
 * The app renders a receipt into a 1-bit raster the width of the paper
 * (printer_raster: 576 dots for 80 mm paper at 203 dpi) and hands it to a
 * printer. Two printers implement the interface:
 *   - the simulated printer writes, into a folder, <job>.bin — the exact
 *     ESC/POS bytes a thermal printer would receive (ESC @, GS v 0 raster
 *     bands, feed, cut) — and <job>.png, what the paper would show;
 *   - the device printer writes the same bytes to a character device
 *     (/dev/usb/lp0 and the like).
 * Rendering in the app and sending a raster keeps Chinese text, the QR code
 * and the layout identical on every printer, whatever fonts it has.
 *
 * A receipt carries only the reference number, the items chosen, what to
 * bring and what happens next — never personal data — so keeping the files
 * of the simulated printer is harmless. Job names become file names: they
 * are limited to letters, digits and '-'. */
#ifndef KIOSK_DEVICES_PRINTER_H
#define KIOSK_DEVICES_PRINTER_H

#include <stddef.h>

#include "core/kerr.h"

#define PRINTER_DOTS 576        /* dots per line, 80 mm paper */
#define PRINTER_MAX_H 8000      /* longest raster accepted (about 1 m) */
#define PRINTER_BAND_H 128      /* rows per GS v 0 band */
#define PRINTER_JOB_MAX 32

/* A 1-bit raster, MSB first, 1 = black dot. */
typedef struct printer_raster {
  int w, h;       /* dots */
  int stride;     /* bytes per row: w / 8 */
  unsigned char *bits;
} printer_raster;

/* Allocates a white raster of w x h dots (w a multiple of 8, 8..2048;
 * h 1..PRINTER_MAX_H). KERR_RANGE, KERR_NOMEM. Free with
 * printer_raster_free(). */
kerr printer_raster_init(printer_raster *r, int w, int h);
void printer_raster_free(printer_raster *r);
/* Sets one dot black; outside the raster is ignored. */
void printer_raster_set(printer_raster *r, int x, int y);
/* 1 if the dot is black (0 outside). */
int printer_raster_get(const printer_raster *r, int x, int y);

/* The ESC/POS bytes for r: ESC @ (initialise), the raster as GS v 0 bands
 * of at most PRINTER_BAND_H rows, ESC d 4 (feed), GS V 66 0 (cut). *out is
 * heap (free()). KERR_INVALID for an empty raster, KERR_NOMEM. */
kerr printer_escpos(const printer_raster *r, unsigned char **out, size_t *len);

typedef struct printer printer;

/* The simulated printer writing into dir (created if missing, mode 0755).
 * KERR_IO if dir cannot be made, KERR_NOMEM. */
kerr printer_sim_create(const char *dir, printer **out);

/* A printer on a character device (path kept, opened for each job). */
kerr printer_device_create(const char *path, printer **out);

/* Prints r as job `job` (letters, digits, '-'; at most PRINTER_JOB_MAX).
 * KERR_INVALID for a bad job name or raster, KERR_IO when the output cannot
 * be written (the printer is then unusable for that job; nothing half-
 * written is left under the final names). */
kerr printer_print(printer *p, const char *job, const printer_raster *r);

/* Frees the printer. NULL is accepted. */
void printer_destroy(printer *p);

#endif
