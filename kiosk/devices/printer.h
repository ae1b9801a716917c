/* printer: the receipt printer behind a small interface (no SDL here).
 *
 * The app renders a receipt into a 1-bit raster the width of the print
 * head (printer.width_dots: 576 dots for 80 mm paper, 384 for 58 mm, at
 * 203 dpi) and hands it to a printer. Sending a raster rather than text
 * keeps Chinese, the QR code and the layout identical on every printer,
 * whatever fonts or character set it has. Three printers implement the
 * interface (docs/printer.md):
 *   - sim: writes, into a folder, <job>.bin — the exact ESC/POS bytes a
 *     thermal printer would receive — and <job>.png, what the paper shows;
 *   - device: asks a character device (/dev/usb/lp0, a serial port) for its
 *     paper status (DLE EOT 4) and, when it has paper, writes the ESC/POS
 *     bytes to it; every wait is bounded;
 *   - cups: sends the raster as a PNG to a CUPS queue and waits, bounded,
 *     until CUPS says the job completed.
 * A failure always comes with a printer_fault saying why, so the screen
 * never claims a receipt that did not come out and staff see the reason.
 *
 * A receipt carries only the reference number, the items chosen, what to
 * bring and what happens next — never personal data. Job names become file
 * names: they are limited to letters, digits and '-'. printer_print() may
 * block for seconds: call it from a worker thread, never the UI thread. */
#ifndef KIOSK_DEVICES_PRINTER_H
#define KIOSK_DEVICES_PRINTER_H

#include <stddef.h>

#include "core/config.h"
#include "core/kerr.h"

#define PRINTER_DOTS 576        /* default dots per line, 80 mm paper */
#define PRINTER_MAX_H 8000      /* longest raster accepted (about 1 m) */
#define PRINTER_BAND_H 128      /* rows per GS v 0 band */
#define PRINTER_JOB_MAX 32
#define PRINTER_STATUS_TIMEOUT_MS 1500 /* default wait for DLE EOT 4 */
#define PRINTER_WRITE_TIMEOUT_MS 10000 /* default wait for write progress */
#define PRINTER_CUPS_TIMEOUT_MS 30000  /* default wait for a CUPS job */

/* ESC/POS real-time status request for the roll paper sensor. */
#define PRINTER_STATUS_QUERY "\x10\x04\x04" /* DLE EOT 4 */
#define PRINTER_STATUS_QUERY_LEN 3

/* A 1-bit raster, MSB first, 1 = black dot. */
typedef struct printer_raster {
  int w, h;       /* dots */
  int stride;     /* bytes per row: w / 8 */
  unsigned char *bits;
} printer_raster;

/* Why a job did not print. The English names (printer_fault_str) are for
 * logs; what staff read comes from the bundle's strings. */
typedef enum printer_fault {
  PRINTER_FAULT_NONE = 0,
  PRINTER_FAULT_NO_DEVICE,  /* the device cannot be opened */
  PRINTER_FAULT_PAPER_OUT,  /* the roll is empty */
  PRINTER_FAULT_PAPER_LOW,  /* the roll is nearly empty */
  PRINTER_FAULT_NO_ANSWER,  /* no status answer (or job end) in time */
  PRINTER_FAULT_BAD_ANSWER, /* the answer is not an ESC/POS status byte */
  PRINTER_FAULT_WRITE,      /* writing failed or stalled */
  PRINTER_FAULT_NO_SERVER,  /* CUPS cannot be reached */
  PRINTER_FAULT_NO_QUEUE,   /* CUPS has no such queue */
  PRINTER_FAULT_STOPPED,    /* the CUPS queue is stopped or refuses jobs */
  PRINTER_FAULT_JOB_FAILED, /* CUPS took the job but it did not complete */
  PRINTER_FAULT_FILE,       /* the simulated printer's folder is unusable */
  PRINTER_FAULT_LAYOUT,     /* the receipt could not be rendered (app) */
  PRINTER_FAULT_COUNT
} printer_fault;

/* Static English name of f, for logs; never NULL. */
const char *printer_fault_str(printer_fault f);

/* Allocates a white raster of w x h dots (w a multiple of 8, 8..2048;
 * h 1..PRINTER_MAX_H). KERR_RANGE, KERR_NOMEM. Free with
 * printer_raster_free(). */
kerr printer_raster_init(printer_raster *r, int w, int h);
/* Wipes (sodium_memzero) and frees the dots; r is zeroed. */
void printer_raster_free(printer_raster *r);
/* Sets one dot black; outside the raster is ignored. */
void printer_raster_set(printer_raster *r, int x, int y);
/* 1 if the dot is black (0 outside). */
int printer_raster_get(const printer_raster *r, int x, int y);

/* The ESC/POS bytes for r, a pure function: ESC @ (initialise), the raster
 * as GS v 0 bands of at most PRINTER_BAND_H rows (m = 0, xL xH = bytes per
 * row, yL yH = rows, then the rows MSB first), ESC d 4 (feed four lines),
 * GS V 66 0 (feed to the cutter and cut). *out is heap (free()).
 * KERR_INVALID for an empty raster, KERR_NOMEM. */
kerr printer_escpos(const printer_raster *r, unsigned char **out, size_t *len);

/* What the answer b to DLE EOT 4 says, a pure function: NONE with paper,
 * PAPER_OUT when the paper-end sensor fires (bits 5-6), PAPER_LOW when only
 * the near-end sensor does (bits 2-3), BAD_ANSWER when the fixed bits
 * (0 and 7 clear, 1 and 4 set) are wrong. */
printer_fault printer_status_fault(unsigned char b);

typedef struct printer_config {
  config_printer kind;
  const char *target;    /* folder (sim), device path or CUPS queue */
  int status_timeout_ms; /* device: wait for the status; 0: default */
  int write_timeout_ms;  /* device: wait for progress; cups: for the job */
} printer_config;

typedef struct printer printer;

/* A printer of c->kind (target copied; nothing is opened yet: a printer
 * plugged in later works). KERR_INVALID for an empty or too long target,
 * KERR_NOMEM. */
kerr printer_create(const printer_config *c, printer **out);

/* Prints r as job `job` (letters, digits, '-'; at most PRINTER_JOB_MAX).
 * KERR_OK only when the printer took the whole job (sim: both files are
 * in place; device: it reported paper and took every byte; cups: the job
 * completed). KERR_INVALID for a bad job name or raster (why = LAYOUT);
 * otherwise KERR_IO, KERR_NET or KERR_STATE with *why set. Nothing
 * half-written is left under the simulated printer's final names. Blocks
 * for at most the configured timeouts. */
kerr printer_print(printer *p, const char *job, const printer_raster *r,
                   printer_fault *why);

/* Frees the printer. NULL is accepted. */
void printer_destroy(printer *p);

#endif
