/* printer_cups: see printer_cups.h.
 *
 * One connection per job, opened with httpConnect2's own timeout and given
 * httpSetTimeout() without a callback, so every read and write on it gives
 * up when the time is over: a missing cupsd or a hung queue fails the job
 * in bounded time instead of blocking the print thread. */
#include "devices/printer_cups.h"

#include <cups/cups.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the queue's own state says before a job is sent. */
static printer_fault queue_fault(const cups_dest_t *d) {
  const char *state =
      cupsGetOption("printer-state", d->num_options, d->options);
  const char *reasons =
      cupsGetOption("printer-state-reasons", d->num_options, d->options);
  const char *accepting =
      cupsGetOption("printer-is-accepting-jobs", d->num_options, d->options);
  if (reasons && (strstr(reasons, "media-empty") ||
                  strstr(reasons, "media-needed")))
    return PRINTER_FAULT_PAPER_OUT;
  if (reasons && strstr(reasons, "media-low"))
    return PRINTER_FAULT_PAPER_LOW;
  if ((state && strcmp(state, "5") == 0) ||
      (accepting && strcmp(accepting, "false") == 0))
    return PRINTER_FAULT_STOPPED;
  return PRINTER_FAULT_NONE;
}

/* The job's state (IPP_JSTATE_*), or 0 when CUPS did not say. */
static int job_state(http_t *http, int job_id) {
  char uri[HTTP_MAX_URI];
  ipp_t *rq = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
  if (!rq)
    return 0;
  httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL,
                   "localhost", 0, "/jobs/%d", job_id);
  ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
  ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name",
               NULL, cupsUser());
  ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
               NULL, "job-state");
  ipp_t *resp = cupsDoRequest(http, rq, "/");
  int st = 0;
  ipp_attribute_t *a =
      resp ? ippFindAttribute(resp, "job-state", IPP_TAG_ENUM) : NULL;
  if (a)
    st = ippGetInteger(a, 0);
  ippDelete(resp);
  return st;
}

static void sleep_ms(int ms) {
  struct timespec ts = {.tv_sec = ms / 1000,
                        .tv_nsec = (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

kerr printer_cups_send(const char *queue, const char *title,
                       const unsigned char *png, size_t n, int timeout_ms,
                       printer_fault *why) {
  int64_t deadline = mono_ms() + timeout_ms;
  kerr e = KERR_OK;
  cups_dest_t *dest = NULL;
  *why = PRINTER_FAULT_NONE;
  http_t *http = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC,
                              cupsEncryption(), 1, timeout_ms, NULL);
  if (!http) {
    LOG_W("printer", "CUPS server %s cannot be reached", cupsServer());
    *why = PRINTER_FAULT_NO_SERVER;
    return KERR_NET;
  }
  httpSetTimeout(http, timeout_ms / 1000.0, NULL, NULL);
  dest = cupsGetNamedDest(http, queue, NULL);
  if (!dest) {
    ipp_status_t st = cupsLastError();
    LOG_W("printer", "CUPS queue %s: %s", queue, cupsLastErrorString());
    if (st == IPP_STATUS_ERROR_NOT_FOUND || st == IPP_STATUS_OK) {
      *why = PRINTER_FAULT_NO_QUEUE;
      e = KERR_NOTFOUND;
    } else {
      *why = PRINTER_FAULT_NO_SERVER;
      e = KERR_NET;
    }
    goto out;
  }
  *why = queue_fault(dest);
  if (*why) {
    e = KERR_STATE;
    goto out;
  }
  int job = cupsCreateJob(http, queue, title, 0, NULL);
  if (job <= 0) {
    LOG_W("printer", "CUPS refused a job on %s: %s", queue,
          cupsLastErrorString());
    *why = PRINTER_FAULT_STOPPED;
    e = KERR_STATE;
    goto out;
  }
  if (cupsStartDocument(http, queue, job, title, "image/png", 1) !=
          HTTP_STATUS_CONTINUE ||
      cupsWriteRequestData(http, (const char *)png, n) !=
          HTTP_STATUS_CONTINUE ||
      cupsFinishDocument(http, queue) > IPP_STATUS_OK_EVENTS_COMPLETE) {
    LOG_W("printer", "CUPS job %d on %s: %s", job, queue,
          cupsLastErrorString());
    *why = PRINTER_FAULT_WRITE;
    e = KERR_IO;
    goto out;
  }
  /* Taken is not printed: wait for CUPS to say the job completed. */
  for (;;) {
    int st = job_state(http, job);
    if (st == IPP_JSTATE_COMPLETED)
      break;
    if (st == IPP_JSTATE_STOPPED || st == IPP_JSTATE_CANCELED ||
        st == IPP_JSTATE_ABORTED) {
      *why = PRINTER_FAULT_JOB_FAILED;
      e = KERR_STATE;
      break;
    }
    if (mono_ms() >= deadline) {
      cupsCancelJob2(http, queue, job, 0);
      *why = PRINTER_FAULT_NO_ANSWER;
      e = KERR_STATE;
      break;
    }
    sleep_ms(250);
  }
out:
  if (dest)
    cupsFreeDests(1, dest);
  httpClose(http);
  return e;
}
