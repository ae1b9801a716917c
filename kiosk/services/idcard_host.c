/* idcard_host: see idcard_host.h. */
#include "services/idcard_host.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

struct idcard_host {
  idcard_reader *r;
  svc_wake wake;
  int configured;
};

/* The reader's worker: wake the loop (thread-safe, never blocks). */
static void on_reader(void *ud, int code) {
  idcard_host *h = ud;
  svc_post(&h->wake, SVC_IDCARD, code, 0, 0);
}

static void host_wipe(void *ud) {
  idcard_host *h = ud;
  idcard_reader_cancel(h->r);
}

static idcard_reader_kind kind_of(const char *k) {
  if (strcmp(k, "sim") == 0)
    return IDCARD_READER_SIM;
  if (strcmp(k, "sdk") == 0)
    return IDCARD_READER_SDK;
  return IDCARD_READER_NONE;
}

kerr idcard_host_create(const idcard_host_config *c, session *s,
                        idcard_host **out) {
  *out = NULL;
  idcard_host *h = calloc(1, sizeof *h);
  if (!h)
    return KERR_NOMEM;
  h->wake = c->wake;
  idcard_reader_config rc = {.kind = kind_of(c->cfg->idcard_kind),
                             .sim_dir = c->cfg->idcard_sim_dir,
                             .library = c->cfg->idcard_library,
                             .port = c->cfg->idcard_port,
                             .notify = on_reader,
                             .notify_ud = h};
  h->configured = rc.kind != IDCARD_READER_NONE;
  kerr e = idcard_reader_open(&rc, &h->r);
  if (e == KERR_OK && s)
    e = session_add_wiper(s, host_wipe, h);
  if (e) {
    idcard_reader_close(h->r);
    free(h);
    return e;
  }
  if (h->configured)
    LOG_I("idcard", "ID card reader: %s", c->cfg->idcard_kind);
  *out = h;
  return KERR_OK;
}

void idcard_host_destroy(idcard_host *h) {
  if (!h)
    return;
  idcard_reader_close(h->r);
  free(h);
}

idcard_reader_state idcard_host_state(idcard_host *h) {
  return h ? idcard_reader_get_state(h->r) : IDCARD_READER_ABSENT;
}

int idcard_host_configured(const idcard_host *h) {
  return h && h->configured;
}

kerr idcard_host_start(idcard_host *h) {
  return h ? idcard_reader_arm(h->r) : KERR_STATE;
}

void idcard_host_cancel(idcard_host *h) {
  if (h)
    idcard_reader_cancel(h->r);
}

int idcard_host_waiting(idcard_host *h) {
  return h && idcard_reader_armed(h->r);
}

int idcard_host_take(idcard_host *h, idcard_card *out,
                     idcard_reader_outcome *outcome) {
  return h && idcard_reader_take(h->r, out, outcome);
}

kerr idcard_host_sim_place(idcard_host *h, const char *path) {
  return h ? idcard_reader_sim_place(h->r, path) : KERR_STATE;
}

kerr idcard_host_sim_remove(idcard_host *h) {
  return h ? idcard_reader_sim_remove(h->r) : KERR_STATE;
}

kerr idcard_host_wait(idcard_host *h, int timeout_ms) {
  return h ? idcard_reader_wait(h->r, timeout_ms) : KERR_OK;
}
