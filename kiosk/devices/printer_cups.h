/* printer_cups: the CUPS side of the receipt printer (printer.h), from
 * Debian's libcups. Separate so printer.c stays about ESC/POS and files. */
#ifndef KIOSK_DEVICES_PRINTER_CUPS_H
#define KIOSK_DEVICES_PRINTER_CUPS_H

#include <stddef.h>

#include "core/kerr.h"
#include "devices/printer.h"

/* Sends png (n bytes, image/png) to CUPS queue `queue` as job `title` and
 * waits until CUPS reports the job completed. The whole exchange — connect,
 * the queue's state, the job, the wait — is bounded by timeout_ms. The
 * server is CUPS's default (cupsServer(): $CUPS_SERVER, client.conf or the
 * local socket). KERR_OK when the job completed; else KERR_NET
 * (NO_SERVER), KERR_NOTFOUND (NO_QUEUE), KERR_STATE (STOPPED, PAPER_OUT,
 * PAPER_LOW, JOB_FAILED, NO_ANSWER) or KERR_IO (WRITE) with *why set. */
kerr printer_cups_send(const char *queue, const char *title,
                       const unsigned char *png, size_t n, int timeout_ms,
                       printer_fault *why);

#endif
