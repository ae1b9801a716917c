/* print_host: the last printed receipt, kept so staff can reprint it
 * (重打上一张回执) when the paper jammed or ran out.
 *
 * A receipt carries the reference number, the chosen items and the
 * materials to bring — no name, no ID number — so keeping it in memory
 * after the session is not keeping personal data. Only the newest one is
 * kept. */
#ifndef KIOSK_APP_PRINT_HOST_H
#define KIOSK_APP_PRINT_HOST_H

#include "app/app.h"
#include "devices/printer.h"

/* Keeps a copy of raster r printed as job (the reference). KERR_NOMEM. */
kerr print_host_remember(app *a, const char *job, const printer_raster *r);

/* Prints the kept receipt again on the configured printer as job
 * "<reference>-C<n>". KERR_NOTFOUND when nothing was printed since start,
 * else printer errors (KERR_IO). */
kerr print_host_reprint(app *a);

/* Frees what is kept (at exit). */
void print_host_free(app *a);

#endif
