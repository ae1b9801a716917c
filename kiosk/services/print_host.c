/* print_host: see print_host.h.
 *
 * Threads: the UI thread queues jobs and reads results and status; the
 * worker renders and prints. Everything shared — the queue, the results,
 * the kept receipt, the status — is guarded by one mutex, never held while
 * rendering or talking to the printer. The worker alone uses the printer,
 * and the renderer it was given. */
#include "services/print_host.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define PRINT_RESULTS 8
#define PRINT_WAIT_MS 120000 /* wait_jobs: longest wait for one job */

typedef struct print_job {
  uint32_t ticket;
  int reprint;
  receipt_paper *paper; /* new receipts: owned by the queue */
  char name[PRINTER_JOB_MAX + 1];
} print_job;

typedef struct print_result {
  uint32_t ticket;
  kerr e;
  printer_fault why;
} print_result;

struct print_host {
  pthread_mutex_t mu;
  pthread_cond_t work; /* the worker: a job or stop */
  pthread_cond_t done; /* a waiting submitter: a result */
  pthread_t thread;
  int started;
  int stopping;
  int wait_jobs;
  svc_wake wake;
  /* queue */
  print_job q[PRINT_HOST_QUEUE];
  int q_head, q_n;
  int running;
  uint32_t running_ticket;
  uint32_t next_ticket;
  /* results, newest last (ring) */
  print_result res[PRINT_RESULTS];
  unsigned n_res;
  /* the kept receipt, for reprinting */
  printer_raster last;
  char last_job[PRINTER_JOB_MAX + 1];
  int last_copies;
  /* status */
  config_printer kind;
  char target[CONFIG_STR_MAX];
  int printed, failed, last_ok;
  printer_fault last_fault;
  time_t last_fault_at;
  /* the worker's own */
  printer *pr;
  kerr (*render)(void *ud, receipt_paper *p, int width, printer_raster *out);
  void *render_ud;
  int width;
};


const char *print_host_fault_key(printer_fault f) {
  static const char *const keys[PRINTER_FAULT_COUNT] = {
      "printer.fault.none",      "printer.fault.no_device",
      "printer.fault.paper_out", "printer.fault.paper_low",
      "printer.fault.no_answer", "printer.fault.bad_answer",
      "printer.fault.write",     "printer.fault.no_server",
      "printer.fault.no_queue",  "printer.fault.stopped",
      "printer.fault.job_failed", "printer.fault.file",
      "printer.fault.layout"};
  return (int)f >= 0 && f < PRINTER_FAULT_COUNT ? keys[f]
                                                : "printer.fault.write";
}

/* ------------------------------------------------------------------ */
/* the worker */

static void paper_free(receipt_paper *p) {
  if (!p)
    return;
  sodium_memzero(p, sizeof *p);
  free(p);
}

static void post(print_host *h, uint32_t ticket) {
  svc_post(&h->wake, SVC_PRINT, 1, (intptr_t)ticket, 0);
}

static void *worker(void *arg) {
  print_host *h = arg;
  pthread_mutex_lock(&h->mu);
  for (;;) {
    while (!h->stopping && h->q_n == 0)
      pthread_cond_wait(&h->work, &h->mu);
    if (h->stopping)
      break;
    print_job j = h->q[h->q_head];
    memset(&h->q[h->q_head], 0, sizeof h->q[h->q_head]);
    h->q_head = (h->q_head + 1) % PRINT_HOST_QUEUE;
    h->q_n--;
    h->running = 1;
    h->running_ticket = j.ticket;
    printer_raster r = {0};
    printer_fault why = PRINTER_FAULT_NONE;
    kerr e = KERR_OK;
    if (j.reprint) {
      if (!h->last.bits) {
        e = KERR_NOTFOUND;
      } else {
        e = printer_raster_init(&r, h->last.w, h->last.h);
        if (!e)
          memcpy(r.bits, h->last.bits,
                 (size_t)r.stride * (size_t)r.h);
        snprintf(j.name, sizeof j.name, "%.16s-C%d", h->last_job,
                 h->last_copies + 1);
      }
    }
    pthread_mutex_unlock(&h->mu);

    if (!j.reprint) {
      e = h->render ? h->render(h->render_ud, j.paper, h->width, &r)
                    : KERR_STATE;
      paper_free(j.paper);
      j.paper = NULL;
    }
    if (e) {
      LOG_E("print", "job %s not rendered: %s", j.name, kerr_str(e));
      why = PRINTER_FAULT_LAYOUT;
    } else {
      e = printer_print(h->pr, j.name, &r, &why);
    }

    pthread_mutex_lock(&h->mu);
    if (!j.reprint && r.bits) {
      /* Kept even when printing failed: that is when staff reprint. */
      printer_raster_free(&h->last);
      h->last = r;
      memset(&r, 0, sizeof r);
      snprintf(h->last_job, sizeof h->last_job, "%s", j.name);
      h->last_copies = 0;
    } else if (j.reprint && !e) {
      h->last_copies++;
    }
    printer_raster_free(&r);
    print_result *res = &h->res[h->n_res++ % PRINT_RESULTS];
    res->ticket = j.ticket;
    res->e = e ? KERR_IO : KERR_OK;
    res->why = e ? why : PRINTER_FAULT_NONE;
    if (e) {
      h->failed++;
      h->last_ok = 0;
      h->last_fault = res->why;
      h->last_fault_at = time(NULL);
    } else {
      h->printed++;
      h->last_ok = 1;
    }
    h->running = 0;
    /* Post before waking a waiting submitter, so the event is queued by
     * the time print_host_submit returns. */
    post(h, j.ticket);
    pthread_cond_broadcast(&h->done);
  }
  /* Stopping: what is still queued is dropped. */
  while (h->q_n) {
    paper_free(h->q[h->q_head].paper);
    h->q[h->q_head].paper = NULL;
    h->q_head = (h->q_head + 1) % PRINT_HOST_QUEUE;
    h->q_n--;
  }
  pthread_mutex_unlock(&h->mu);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* the UI thread's side */

kerr print_host_create(const print_host_config *c, print_host **out) {
  *out = NULL;
  if (!c || !c->cfg)
    return KERR_INVALID;
  const config *cfg = c->cfg;
  print_host *h = calloc(1, sizeof *h);
  if (!h)
    return KERR_NOMEM;
  pthread_mutex_init(&h->mu, NULL);
  pthread_cond_init(&h->work, NULL);
  pthread_cond_init(&h->done, NULL);
  h->wait_jobs = c->wait_jobs;
  h->width = cfg->printer_width_dots ? cfg->printer_width_dots : PRINTER_DOTS;
  h->kind = (config_printer)cfg->printer_kind;
  h->last_ok = -1;
  h->next_ticket = 1;
  snprintf(h->target, sizeof h->target, "%s",
           h->kind == CONFIG_PRINTER_SIM ? config_printer_dir(cfg)
                                         : cfg->printer_target);
  h->wake = c->wake;
  h->render = c->render;
  h->render_ud = c->render_ud;
  kerr e = printer_create(
      &(printer_config){.kind = h->kind,
                        .target = h->target,
                        .status_timeout_ms = c->status_timeout_ms,
                        .write_timeout_ms = c->write_timeout_ms},
      &h->pr);
  if (e) {
    LOG_E("print", "printer %s unusable: %s", cfg->printer_uri, kerr_str(e));
    goto fail;
  }
  if (!h->render)
    LOG_E("print", "no receipt renderer: every job will fail");
  if (pthread_create(&h->thread, NULL, worker, h) != 0) {
    e = KERR_NOMEM;
    goto fail;
  }
  h->started = 1;
  LOG_I("print", "receipt printer %s, %d dots", cfg->printer_uri, h->width);
  *out = h;
  return KERR_OK;
fail:
  print_host_destroy(h);
  return e;
}

void print_host_destroy(print_host *h) {
  if (!h)
    return;
  if (h->started) {
    pthread_mutex_lock(&h->mu);
    h->stopping = 1;
    pthread_cond_broadcast(&h->work);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->thread, NULL);
  }
  for (int i = 0; i < PRINT_HOST_QUEUE; i++)
    paper_free(h->q[i].paper);
  printer_raster_free(&h->last);
  printer_destroy(h->pr);
  pthread_cond_destroy(&h->work);
  pthread_cond_destroy(&h->done);
  pthread_mutex_destroy(&h->mu);
  free(h);
}

static int has_result(const print_host *h, uint32_t ticket) {
  unsigned n = h->n_res < PRINT_RESULTS ? h->n_res : PRINT_RESULTS;
  for (unsigned i = 0; i < n; i++)
    if (h->res[i].ticket == ticket)
      return 1;
  return 0;
}

/* Queues j (mu held); with wait_jobs waits for its result. */
static kerr enqueue(print_host *h, print_job *j, uint32_t *ticket) {
  if (h->q_n == PRINT_HOST_QUEUE)
    return KERR_BUSY;
  j->ticket = h->next_ticket++;
  if (!h->next_ticket)
    h->next_ticket = 1;
  h->q[(h->q_head + h->q_n) % PRINT_HOST_QUEUE] = *j;
  h->q_n++;
  *ticket = j->ticket;
  pthread_cond_signal(&h->work);
  if (h->wait_jobs) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += PRINT_WAIT_MS / 1000;
    while (!has_result(h, *ticket))
      if (pthread_cond_timedwait(&h->done, &h->mu, &ts) != 0)
        break;
  }
  return KERR_OK;
}

kerr print_host_submit(print_host *h, const receipt_paper *paper,
                       const char *job, uint32_t *ticket) {
  *ticket = 0;
  if (!h)
    return KERR_STATE;
  print_job j = {0};
  j.paper = malloc(sizeof *j.paper);
  if (!j.paper)
    return KERR_NOMEM;
  memcpy(j.paper, paper, sizeof *paper);
  snprintf(j.name, sizeof j.name, "%s", job);
  pthread_mutex_lock(&h->mu);
  kerr e = enqueue(h, &j, ticket);
  pthread_mutex_unlock(&h->mu);
  if (e)
    paper_free(j.paper);
  return e;
}

kerr print_host_reprint(print_host *h, uint32_t *ticket) {
  *ticket = 0;
  if (!h)
    return KERR_STATE;
  print_job j = {.reprint = 1};
  pthread_mutex_lock(&h->mu);
  kerr e = h->last.bits ? enqueue(h, &j, ticket) : KERR_NOTFOUND;
  pthread_mutex_unlock(&h->mu);
  return e;
}

kerr print_host_result(print_host *h, uint32_t ticket, printer_fault *why) {
  if (why)
    *why = PRINTER_FAULT_NONE;
  if (!h || !ticket)
    return KERR_NOTFOUND;
  kerr e = KERR_NOTFOUND;
  pthread_mutex_lock(&h->mu);
  unsigned n = h->n_res < PRINT_RESULTS ? h->n_res : PRINT_RESULTS;
  for (unsigned i = 0; i < n; i++)
    if (h->res[i].ticket == ticket) {
      e = h->res[i].e;
      if (why)
        *why = h->res[i].why;
    }
  if (e == KERR_NOTFOUND) {
    for (int i = 0; i < h->q_n; i++)
      if (h->q[(h->q_head + i) % PRINT_HOST_QUEUE].ticket == ticket)
        e = KERR_BUSY;
    if (h->running && h->running_ticket == ticket)
      e = KERR_BUSY;
  }
  pthread_mutex_unlock(&h->mu);
  return e;
}

void print_host_status_get(print_host *h, print_host_status *st) {
  memset(st, 0, sizeof *st);
  st->last_ok = -1;
  if (!h)
    return;
  pthread_mutex_lock(&h->mu);
  st->kind = h->kind;
  snprintf(st->target, sizeof st->target, "%s", h->target);
  st->busy = h->running || h->q_n > 0;
  st->printed = h->printed;
  st->failed = h->failed;
  st->last_ok = h->last_ok;
  st->last_fault = h->last_fault;
  st->last_fault_at = h->last_fault_at;
  st->has_last = h->last.bits != NULL;
  pthread_mutex_unlock(&h->mu);
}
