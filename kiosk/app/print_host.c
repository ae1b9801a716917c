/* print_host: see print_host.h. The kept copy lives in struct app. */
#include "app/print_host.h"

#include <stdio.h>
#include <string.h>

#include "app/app_private.h"
#include "core/log.h"

kerr print_host_remember(app *a, const char *job, const printer_raster *r) {
  printer_raster copy = {0};
  kerr e = printer_raster_init(&copy, r->w, r->h);
  if (e)
    return e;
  memcpy(copy.bits, r->bits, (size_t)r->stride * (size_t)r->h);
  printer_raster_free(&a->last_receipt);
  a->last_receipt = copy;
  snprintf(a->last_receipt_job, sizeof a->last_receipt_job, "%s", job);
  a->last_receipt_copies = 0;
  return KERR_OK;
}

kerr print_host_reprint(app *a) {
  if (!a->last_receipt.bits)
    return KERR_NOTFOUND;
  char job[PRINTER_JOB_MAX + 1];
  int n = snprintf(job, sizeof job, "%s-C%d", a->last_receipt_job,
                   a->last_receipt_copies + 1);
  if (n < 0 || (size_t)n >= sizeof job)
    return KERR_INVALID;
  printer *pr = NULL;
  kerr e = printer_sim_create(a->cfg.printer_dir, &pr);
  if (!e)
    e = printer_print(pr, job, &a->last_receipt);
  printer_destroy(pr);
  if (!e) {
    a->last_receipt_copies++;
    LOG_I("print", "reprinted %s", job);
  } else {
    LOG_W("print", "reprint of %s failed: %s", a->last_receipt_job,
          kerr_str(e));
  }
  return e;
}

void print_host_free(app *a) {
  printer_raster_free(&a->last_receipt);
  a->last_receipt_job[0] = '\0';
}
