/* print_host: the receipt printer service.
 *
 * One worker thread with a small queue owns the printer chosen by
 * printer.uri (devices/printer.h). For each job it has the receipt laid out
 * (receipt_paper_layout) and rendered into a 1-bit raster the width of the
 * print head (printer.width_dots) by the renderer it was given (the shell's,
 * shell/receipt_render.h, with a text system of its own), sends it to the
 * printer and records the outcome. Printing never runs on the UI thread: a device that does not
 * answer costs the worker a few seconds, not the screen.
 *
 * Results come back like net_host's: the worker calls the wake function
 * (services/svc.h, source SVC_PRINT); the shell redraws, and screens take
 * their job's outcome with
 * print_host_result() by ticket. Scripted headless runs set wait_jobs so a
 * job is finished before the script's next step (deterministic tests).
 *
 * The newest rendered receipt is kept for 重打上一张回执, even when its
 * printing failed (that is when staff need it). A receipt carries the
 * reference number, the chosen items and the materials to bring — no name,
 * no ID number — so keeping it is not keeping personal data; every raster
 * and render surface is still wiped before it is freed. */
#ifndef KIOSK_SERVICES_PRINT_HOST_H
#define KIOSK_SERVICES_PRINT_HOST_H

#include <stdint.h>
#include <time.h>

#include "services/receipt_paper.h"
#include "core/config.h"
#include "devices/printer.h"
#include "services/svc.h"

typedef struct print_host print_host;

#define PRINT_HOST_QUEUE 4

typedef struct print_host_config {
  const config *cfg;     /* printer.*, paths.printer, paths.fonts; read
                            during create only */
  int wait_jobs;         /* 1: submit/reprint return once the job is done */
  int status_timeout_ms; /* 0: the printer's default (tests shorten it) */
  int write_timeout_ms;  /* 0: the printer's default */
  svc_wake wake;         /* how the worker reports; may be empty */
  /* Lays out and rasterises p on the worker thread into *out (a new
   * raster `width` dots wide); render_ud is the caller's and outlives the
   * host. NULL: every job fails with PRINTER_FAULT_LAYOUT. */
  kerr (*render)(void *render_ud, receipt_paper *p, int width,
                 printer_raster *out);
  void *render_ud;
} print_host_config;

/* What staff see (no personal data). */
typedef struct print_host_status {
  config_printer kind;
  char target[CONFIG_STR_MAX]; /* folder, device or queue */
  int busy;                    /* a job is queued or printing */
  int printed;                 /* jobs printed since start */
  int failed;                  /* jobs failed since start */
  int last_ok;                 /* -1 nothing yet, 0 failed, 1 printed */
  printer_fault last_fault;    /* of the newest failure */
  time_t last_fault_at;        /* wall clock of the newest failure, or 0 */
  int has_last;                /* a receipt is kept for reprinting */
} print_host_status;

/* Creates the host and starts its thread. KERR_NOMEM, or the printer's
 * error. Without a renderer the app runs and every job fails with
 * PRINTER_FAULT_LAYOUT. *out is the caller's. */
kerr print_host_create(const print_host_config *c, print_host **out);

/* Finishes the job in progress (bounded by the printer's timeouts), drops
 * queued ones, stops the thread, wipes and frees. NULL is accepted. */
void print_host_destroy(print_host *h);

/* Queues the receipt *paper (copied) as job `job` (the reference).
 * *ticket names the outcome. KERR_BUSY when the queue is full, KERR_STATE
 * without a host, KERR_NOMEM. */
kerr print_host_submit(print_host *h, const receipt_paper *paper,
                       const char *job, uint32_t *ticket);

/* Queues the kept receipt again as job "<reference>-C<n>". KERR_NOTFOUND
 * when nothing was rendered since start, KERR_BUSY, KERR_STATE. */
kerr print_host_reprint(print_host *h, uint32_t *ticket);

/* The outcome of job `ticket`: KERR_BUSY while queued or printing, KERR_OK
 * when the printer took the whole receipt, KERR_IO when it failed (*why
 * says why; why may be NULL), KERR_NOTFOUND for an unknown or long
 * forgotten ticket. */
kerr print_host_result(print_host *h, uint32_t ticket, printer_fault *why);

/* Copies the printer's state for the staff menu. */
void print_host_status_get(print_host *h, print_host_status *st);

/* The bundle string key that says f to staff in plain Chinese
 * ("printer.fault.paper_out", …). */
const char *print_host_fault_key(printer_fault f);

#endif
