/* net_host: see net_host.h.
 *
 * Threads: the delivery worker (net/deliver.c), the heartbeat thread and the
 * query thread each have their own api client. Shared state — the error
 * ring, the query slot — is guarded by one mutex, held only for copies,
 * never during network I/O. The UI thread reads the outbox directly (each
 * call is one short transaction inside outbox's own lock). */
#include "services/net_host.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "core/session.h"
#include "net/deliver.h"
#include "net/refno.h"

#define NH_ERRORS 8
#define NH_WAIT_QUERY_MS 60000
#define NH_KEY_FILE_MAX 256

typedef enum q_state { Q_IDLE = 0, Q_PENDING, Q_RUNNING, Q_DONE } q_state;

struct net_host {
  /* identity and settings, copied from the configuration */
  char device_id[64];
  char region[16];
  char content_version[64];
  char base_url[CONFIG_STR_MAX], ca_file[CONFIG_STR_MAX];
  char cert_file[CONFIG_STR_MAX], key_file[CONFIG_STR_MAX];
  char pin[CONFIG_STR_MAX + 16];
  api_config api_cfg;
  int heartbeat_s;
  int wait_queries;
  int64_t (*now_fn)(void *ud);
  void *clock_ud;
  int64_t started_mono_ms;

  unsigned char seal_pk[SEAL_PUBLICKEY_BYTES];
  int has_key;
  outbox *ob;
  outbox_salvage salvage; /* what start-up did with a damaged outbox file */
  deliver *dl;
  svc_wake wake;

  pthread_mutex_t mu;
  pthread_cond_t hb_cond;   /* heartbeat: stop */
  pthread_cond_t q_cond;    /* query thread: work or stop */
  pthread_cond_t done_cond; /* a waiting starter: answer ready */
  int stopping;
  /* The last exchange of any kind with the backend (delivery, heartbeat,
   * progress query): when (wall ms, 0 never) and whether it answered. */
  int64_t ex_at_ms;
  int ex_ok;
  /* recent delivery errors, newest last (ring) */
  char errors[NH_ERRORS][API_DETAIL_MAX];
  unsigned n_errors; /* total recorded; ring index = n % NH_ERRORS */
  /* heartbeat */
  pthread_t hb_thread;
  int hb_started;
  api *hb_api;
  /* the one query slot */
  pthread_t q_thread;
  int q_started;
  api *q_api;
  q_state qs;
  uint32_t q_ticket, q_last_ticket;
  int q_cancelled;
  char q_ref[64];
  char q_last4[8];
  kerr q_outcome;
  api_status_result q_result;
};

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void *ud) {
  (void)ud;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t net_host_now_ms(const net_host *h) {
  return h->now_fn(h->clock_ud);
}

static int64_t deliver_clock(void *ud) { return net_host_now_ms(ud); }

/* The sealing key: the configured one, or seal.pub beside the CA file. */
static kerr load_seal_key(net_host *h, const config *c) {
  kerr e;
  if (c->seal_public_key[0]) {
    e = seal_key_parse(c->seal_public_key, h->seal_pk);
    if (e)
      LOG_E("net_host", "backend.seal_public_key is not a 32-byte base64 "
            "key (%s): applications cannot be taken", kerr_str(e));
    return e;
  }
  char path[CONFIG_STR_MAX + 16], b64[NH_KEY_FILE_MAX];
  snprintf(path, sizeof path, "%s", c->ca_file);
  char *slash = strrchr(path, '/');
  if (slash)
    slash[1] = '\0';
  else
    path[0] = '\0';
  strncat(path, "seal.pub", sizeof path - strlen(path) - 1);
  FILE *f = fopen(path, "rb");
  if (!f) {
    LOG_E("net_host", "no seal key: backend.seal_public_key is empty and %s "
          "cannot be read; applications cannot be taken", path);
    return KERR_NOTFOUND;
  }
  size_t n = fread(b64, 1, sizeof b64 - 1, f);
  int more = fgetc(f) != EOF;
  fclose(f);
  b64[n] = '\0';
  while (n > 0 && (b64[n - 1] == '\n' || b64[n - 1] == '\r' ||
                   b64[n - 1] == ' '))
    b64[--n] = '\0';
  e = more ? KERR_LIMIT : seal_key_parse(b64, h->seal_pk);
  if (e)
    LOG_E("net_host", "%s is not a 32-byte base64 key (%s): applications "
          "cannot be taken", path, kerr_str(e));
  else
    LOG_I("net_host", "seal key read from %s", path);
  return e;
}

static void post(net_host *h, net_host_event code, intptr_t d1, intptr_t d2) {
  svc_post(&h->wake, SVC_NET, code, d1, d2);
}

static void record_error(net_host *h, const char *what) {
  pthread_mutex_lock(&h->mu);
  snprintf(h->errors[h->n_errors % NH_ERRORS], API_DETAIL_MAX, "%s", what);
  h->n_errors++;
  pthread_mutex_unlock(&h->mu);
}

/* Any thread: the backend answered (ok) or could not be reached. */
static void note_exchange(net_host *h, int ok) {
  int64_t now = net_host_now_ms(h);
  pthread_mutex_lock(&h->mu);
  h->ex_at_ms = now;
  h->ex_ok = ok;
  pthread_mutex_unlock(&h->mu);
}

/* Whether an outcome means the backend answered: anything but a network
 * failure (a refusal is an answer). */
static int answered(kerr e) { return e != KERR_NET; }

/* Delivery worker thread: keep the error, tell the UI thread. */
static void on_deliver(const deliver_event *ev, void *ud) {
  net_host *h = ud;
  char what[API_DETAIL_MAX];
  if (ev->kind == DELIVER_EV_DELIVERED || ev->kind == DELIVER_EV_QUARANTINED ||
      ev->kind == DELIVER_EV_RETRY)
    note_exchange(h, ev->http_status != 0);
  switch (ev->kind) {
  case DELIVER_EV_DELIVERED:
    LOG_I("net_host", "delivered %s (HTTP %d), %u waiting", ev->reference,
          ev->http_status, ev->depth);
    break;
  case DELIVER_EV_QUARANTINED:
    snprintf(what, sizeof what, "quarantined %s: %s", ev->reference,
             ev->detail ? ev->detail : kerr_str(ev->err));
    record_error(h, what);
    LOG_W("net_host", "%s", what);
    break;
  case DELIVER_EV_RETRY:
    snprintf(what, sizeof what, "retry: %s",
             ev->detail ? ev->detail : kerr_str(ev->err));
    record_error(h, what);
    LOG_I("net_host", "%s (%u waiting, next try in %u ms)", what, ev->depth,
          ev->retry_in_ms);
    break;
  case DELIVER_EV_STORAGE:
    /* Reported once when the failures start; deliver logs it. */
    snprintf(what, sizeof what, "outbox: %s", kerr_str(ev->err));
    record_error(h, what);
    break;
  case DELIVER_EV_IDLE:
    break;
  }
  post(h, NET_HOST_EV_DELIVERY, (intptr_t)ev->kind, (intptr_t)ev->depth);
}

/* Waits on cv for at most ms; mu held. */
static void wait_locked(net_host *h, pthread_cond_t *cv, int64_t ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += (time_t)(ms / 1000);
  ts.tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  pthread_cond_timedwait(cv, &h->mu, &ts);
}

static void *heartbeat_main(void *arg) {
  net_host *h = arg;
  kerr last = KERR_OK;
  pthread_mutex_lock(&h->mu);
  while (!h->stopping) {
    /* Gather what is sent; no personal data exists in any of it. */
    char errs[NH_ERRORS][API_DETAIL_MAX];
    const char *errp[NH_ERRORS];
    size_t n = h->n_errors < NH_ERRORS ? h->n_errors : NH_ERRORS;
    for (size_t i = 0; i < n; i++) {
      unsigned idx = (h->n_errors - (unsigned)n + (unsigned)i) % NH_ERRORS;
      memcpy(errs[i], h->errors[idx], API_DETAIL_MAX);
      errp[i] = errs[i];
    }
    char version[sizeof h->content_version];
    memcpy(version, h->content_version, sizeof version);
    pthread_mutex_unlock(&h->mu);
    outbox_stats st;
    memset(&st, 0, sizeof st);
    if (h->ob)
      outbox_stats_get(h->ob, &st);
    api_heartbeat_info hi = {
        .device_id = h->device_id,
        .content_version = version,
        .outbox_depth = st.depth,
        .quarantined = st.quarantined,
        .uptime_s = (uint64_t)((mono_ms() - h->started_mono_ms) / 1000),
        .last_errors = errp,
        .n_errors = n};
    kerr e = api_heartbeat(h->hb_api, &hi);
    if (e == KERR_STATE) { /* aborted: the host is stopping */
      pthread_mutex_lock(&h->mu);
      break;
    }
    note_exchange(h, answered(e));
    if (e != last) {
      if (e)
        LOG_W("net_host", "heartbeat failed: %s (%s)", kerr_str(e),
              api_last_error(h->hb_api));
      else
        LOG_I("net_host", "heartbeat sent (depth %u)", st.depth);
      last = e;
    }
    pthread_mutex_lock(&h->mu);
    int64_t due = mono_ms() + (int64_t)h->heartbeat_s * 1000;
    while (!h->stopping && mono_ms() < due)
      wait_locked(h, &h->hb_cond, due - mono_ms());
  }
  pthread_mutex_unlock(&h->mu);
  return NULL;
}

static void *query_main(void *arg) {
  net_host *h = arg;
  api_status_result *r = calloc(1, sizeof *r);
  pthread_mutex_lock(&h->mu);
  while (!h->stopping) {
    if (h->qs != Q_PENDING) {
      pthread_cond_wait(&h->q_cond, &h->mu);
      continue;
    }
    char ref[sizeof h->q_ref], last4[sizeof h->q_last4];
    uint32_t ticket = h->q_ticket;
    memcpy(ref, h->q_ref, sizeof ref);
    memcpy(last4, h->q_last4, sizeof last4);
    session_wipe_bytes(h->q_ref, sizeof h->q_ref);
    session_wipe_bytes(h->q_last4, sizeof h->q_last4);
    h->qs = Q_RUNNING;
    pthread_mutex_unlock(&h->mu);
    kerr e = KERR_NOMEM;
    if (r) {
      memset(r, 0, sizeof *r);
      e = api_status(h->q_api, ref, last4, r);
    }
    session_wipe_bytes(ref, sizeof ref);
    session_wipe_bytes(last4, sizeof last4);
    LOG_I("net_host", "progress query: %s", kerr_str(e));
    if (e != KERR_NOMEM && e != KERR_STATE)
      note_exchange(h, answered(e));
    pthread_mutex_lock(&h->mu);
    if (h->q_cancelled || ticket != h->q_ticket) {
      h->qs = Q_IDLE;
    } else {
      h->q_outcome = e;
      if (r)
        memcpy(&h->q_result, r, sizeof *r);
      h->qs = Q_DONE;
      /* Post before waking a waiting starter, so the event is queued by the
       * time net_host_query_start returns. */
      post(h, NET_HOST_EV_QUERY, (intptr_t)ticket, 0);
    }
    if (r)
      session_wipe_bytes(r, sizeof *r);
    pthread_cond_broadcast(&h->done_cond);
  }
  pthread_mutex_unlock(&h->mu);
  free(r);
  return NULL;
}

/* Copies the settings h keeps (its own copies: cfg may go away) and the
 * API client settings that point into them. */
static void copy_settings(net_host *h, const net_host_config *c) {
  const config *cfg = c->cfg;
  h->started_mono_ms = mono_ms();
  h->now_fn = c->now_ms ? c->now_ms : wall_ms;
  h->clock_ud = c->clock_ud;
  h->wait_queries = c->wait_queries;
  h->heartbeat_s = cfg->heartbeat_s > 0 ? cfg->heartbeat_s : 300;
  snprintf(h->device_id, sizeof h->device_id, "%s", cfg->device_id);
  snprintf(h->region, sizeof h->region, "%s", cfg->region);
  snprintf(h->content_version, sizeof h->content_version, "%s",
           c->content_version ? c->content_version : "");
  snprintf(h->base_url, sizeof h->base_url, "%s", cfg->backend_url);
  snprintf(h->ca_file, sizeof h->ca_file, "%s", cfg->ca_file);
  snprintf(h->cert_file, sizeof h->cert_file, "%s", cfg->client_cert);
  snprintf(h->key_file, sizeof h->key_file, "%s", cfg->client_key);
  if (cfg->pin_sha256[0])
    snprintf(h->pin, sizeof h->pin, "%s%s",
             strncmp(cfg->pin_sha256, "sha256//", 8) ? "sha256//" : "",
             cfg->pin_sha256);
  h->api_cfg.base_url = h->base_url;
  h->api_cfg.ca_file = h->ca_file;
  h->api_cfg.cert_file = h->cert_file;
  h->api_cfg.key_file = h->key_file;
  h->api_cfg.pinned_pubkey = h->pin[0] ? h->pin : NULL;
  h->api_cfg.connect_timeout_ms = (long)cfg->connect_timeout_s * 1000;
  h->api_cfg.total_timeout_ms = (long)cfg->request_timeout_s * 1000;

  h->wake = c->wake;
}

/* Opens the outbox under paths.data (salvaging what it can). On any fault
 * h->ob stays NULL and the reason is logged: applications cannot be taken. */
static void open_outbox(net_host *h, const config *cfg) {
  char path[CONFIG_STR_MAX + 16];
  if (refno_check_prefix(cfg->ref_prefix) != KERR_OK) {
    LOG_E("net_host", "device.ref_prefix '%s' is not a valid reference "
          "prefix: applications cannot be taken", cfg->ref_prefix);
  } else if (fs_make_dirs(cfg->data_dir, 0700) != 0) {
    LOG_E("net_host", "cannot create %s (paths.data): applications cannot "
          "be taken", cfg->data_dir);
  } else {
    snprintf(path, sizeof path, "%s/outbox.db", cfg->data_dir);
    outbox_config oc = {.path = path, .ref_prefix = cfg->ref_prefix};
    kerr e = outbox_open_salvage(&oc, net_host_now_ms(h) / 1000, &h->ob,
                                 &h->salvage);
    if (e) {
      LOG_E("net_host", "cannot open the outbox %s: %s; applications cannot "
            "be taken", path, kerr_str(e));
      h->ob = NULL;
    }
  }
}

/* Starts the delivery worker (with an outbox), the heartbeat and the
 * progress-query threads. Any that cannot start is logged and left out. */
static void start_workers(net_host *h, const net_host_config *c) {
  /* The clients: any error here is a configuration problem (a URL that is
   * not https://, missing file names); delivery then waits for staff. */
  if (h->ob) {
    deliver_config dc = {.ob = h->ob,
                         .api = h->api_cfg,
                         .on_event = on_deliver,
                         .ud = h,
                         .now_ms = deliver_clock,
                         .hook_ud = h,
                         .backoff_base_ms = c->backoff_base_ms,
                         .backoff_max_ms = c->backoff_max_ms};
    kerr de = deliver_create(&dc, &h->dl);
    if (!de)
      de = deliver_start(h->dl);
    if (de) {
      LOG_E("net_host", "delivery worker not started: %s", kerr_str(de));
      deliver_destroy(h->dl);
      h->dl = NULL;
    }
  }
  if (api_create(&h->api_cfg, &h->hb_api) == KERR_OK) {
    if (pthread_create(&h->hb_thread, NULL, heartbeat_main, h) == 0)
      h->hb_started = 1;
  } else {
    h->hb_api = NULL;
    LOG_E("net_host", "no heartbeat: the backend settings are not usable");
  }
  if (api_create(&h->api_cfg, &h->q_api) == KERR_OK) {
    if (pthread_create(&h->q_thread, NULL, query_main, h) == 0)
      h->q_started = 1;
  } else {
    h->q_api = NULL;
    LOG_E("net_host", "no progress queries: the backend settings are not "
          "usable");
  }
}

kerr net_host_create(const net_host_config *c, net_host **out) {
  *out = NULL;
  if (!c || !c->cfg)
    return KERR_INVALID;
  net_host *h = calloc(1, sizeof *h);
  if (!h)
    return KERR_NOMEM;
  if (pthread_mutex_init(&h->mu, NULL) != 0) {
    free(h);
    return KERR_NOMEM;
  }
  if (pthread_cond_init(&h->hb_cond, NULL) != 0 ||
      pthread_cond_init(&h->q_cond, NULL) != 0 ||
      pthread_cond_init(&h->done_cond, NULL) != 0) {
    /* Linux's pthread_cond_init cannot fail; nothing to undo in practice. */
    pthread_mutex_destroy(&h->mu);
    free(h);
    return KERR_NOMEM;
  }
  copy_settings(h, c);
  h->has_key = load_seal_key(h, c->cfg) == KERR_OK;
  open_outbox(h, c->cfg);
  start_workers(h, c);
  LOG_I("net_host", "outbox %s, seal key %s, backend %s",
        h->ob ? "open" : "MISSING", h->has_key ? "present" : "MISSING",
        h->base_url);
  *out = h;
  return KERR_OK;
}

void net_host_destroy(net_host *h) {
  if (!h)
    return;
  pthread_mutex_lock(&h->mu);
  h->stopping = 1;
  pthread_cond_broadcast(&h->hb_cond);
  pthread_cond_broadcast(&h->q_cond);
  pthread_cond_broadcast(&h->done_cond);
  pthread_mutex_unlock(&h->mu);
  if (h->hb_api)
    api_abort(h->hb_api);
  if (h->q_api)
    api_abort(h->q_api);
  if (h->hb_started)
    pthread_join(h->hb_thread, NULL);
  if (h->q_started)
    pthread_join(h->q_thread, NULL);
  deliver_destroy(h->dl);
  api_destroy(h->hb_api);
  api_destroy(h->q_api);
  outbox_close(h->ob);
  session_wipe_bytes(&h->q_result, sizeof h->q_result);
  session_wipe_bytes(h->q_ref, sizeof h->q_ref);
  session_wipe_bytes(h->q_last4, sizeof h->q_last4);
  pthread_cond_destroy(&h->hb_cond);
  pthread_cond_destroy(&h->q_cond);
  pthread_cond_destroy(&h->done_cond);
  pthread_mutex_destroy(&h->mu);
  free(h);
}

kerr net_host_submit_ready(const net_host *h) {
  if (!h)
    return KERR_STATE;
  if (!h->ob)
    return KERR_IO;
  if (!h->has_key)
    return KERR_CRYPTO;
  return KERR_OK;
}

outbox *net_host_outbox(net_host *h) { return h ? h->ob : NULL; }

const unsigned char *net_host_seal_key(const net_host *h) {
  return h && h->has_key ? h->seal_pk : NULL;
}

const char *net_host_device_id(const net_host *h) { return h->device_id; }
const char *net_host_region(const net_host *h) { return h->region; }
void net_host_set_content_version(net_host *h, const char *version) {
  if (!h)
    return;
  pthread_mutex_lock(&h->mu);
  snprintf(h->content_version, sizeof h->content_version, "%s",
           version ? version : "");
  pthread_mutex_unlock(&h->mu);
}

const char *net_host_content_version(const net_host *h) {
  return h->content_version;
}

void net_host_kick(net_host *h) {
  if (h && h->dl)
    deliver_kick(h->dl);
}

const outbox_salvage *net_host_salvage(const net_host *h) {
  return h && h->salvage.moved ? &h->salvage : NULL;
}

kerr net_host_outbox_health(net_host *h) {
  if (!h || !h->ob)
    return KERR_IO;
  if (deliver_storage_failing(h->dl))
    return KERR_FULL;
  outbox_stats st;
  kerr e = outbox_stats_get(h->ob, &st);
  if (e)
    return e;
  return st.full ? KERR_FULL : KERR_OK;
}

int net_host_storage_failing(const net_host *h) {
  return h ? deliver_storage_failing(h->dl) : 0;
}

int net_host_delivered(net_host *h, const char *uuid) {
  outbox_state st;
  if (!h || !h->ob || !uuid || !uuid[0])
    return 0;
  return outbox_state_of(h->ob, uuid, &st) == KERR_OK &&
         st == OUTBOX_DELIVERED;
}

kerr net_host_stats(net_host *h, outbox_stats *st) {
  memset(st, 0, sizeof *st);
  if (!h || !h->ob)
    return KERR_IO;
  return outbox_stats_get(h->ob, st);
}

kerr net_host_quarantined(net_host *h, outbox_quarantine *list, size_t max,
                          size_t *n) {
  *n = 0;
  if (!h || !h->ob)
    return KERR_IO;
  return outbox_quarantine_list(h->ob, list, max, n);
}

kerr net_host_requeue(net_host *h, const char *reference) {
  if (!h || !h->ob)
    return KERR_IO;
  kerr e = outbox_requeue(h->ob, reference, net_host_now_ms(h));
  if (!e) {
    LOG_I("net_host", "staff re-queued %s", reference);
    net_host_kick(h);
  }
  return e;
}

int net_host_last_exchange(net_host *h, int64_t *at_ms) {
  pthread_mutex_lock(&h->mu);
  int r = h->ex_at_ms ? h->ex_ok : -1;
  *at_ms = h->ex_at_ms;
  pthread_mutex_unlock(&h->mu);
  return r;
}

void net_host_last_error(net_host *h, char *buf, size_t size) {
  if (!size)
    return;
  buf[0] = '\0';
  if (!h)
    return;
  pthread_mutex_lock(&h->mu);
  if (h->n_errors)
    snprintf(buf, size, "%s", h->errors[(h->n_errors - 1) % NH_ERRORS]);
  pthread_mutex_unlock(&h->mu);
}

kerr net_host_query_start(net_host *h, const char *reference,
                          const char *last4, uint32_t *ticket) {
  if (!h || !h->q_started)
    return KERR_STATE;
  if (strlen(reference) >= sizeof h->q_ref ||
      strlen(last4) >= sizeof h->q_last4)
    return KERR_INVALID;
  pthread_mutex_lock(&h->mu);
  if (h->qs == Q_PENDING || h->qs == Q_RUNNING) {
    pthread_mutex_unlock(&h->mu);
    return KERR_BUSY;
  }
  session_wipe_bytes(&h->q_result, sizeof h->q_result);
  snprintf(h->q_ref, sizeof h->q_ref, "%s", reference);
  snprintf(h->q_last4, sizeof h->q_last4, "%s", last4);
  h->q_ticket = ++h->q_last_ticket;
  h->q_cancelled = 0;
  h->qs = Q_PENDING;
  *ticket = h->q_ticket;
  pthread_cond_signal(&h->q_cond);
  if (h->wait_queries) {
    int64_t end = mono_ms() + NH_WAIT_QUERY_MS;
    while ((h->qs == Q_PENDING || h->qs == Q_RUNNING) && !h->stopping &&
           mono_ms() < end)
      wait_locked(h, &h->done_cond, 100);
  }
  pthread_mutex_unlock(&h->mu);
  return KERR_OK;
}

kerr net_host_query_take(net_host *h, uint32_t ticket, kerr *outcome,
                         api_status_result *r) {
  kerr e;
  if (!h)
    return KERR_NOTFOUND;
  pthread_mutex_lock(&h->mu);
  if (ticket != h->q_ticket || h->q_cancelled || h->qs == Q_IDLE) {
    e = KERR_NOTFOUND;
  } else if (h->qs != Q_DONE) {
    e = KERR_BUSY;
  } else {
    *outcome = h->q_outcome;
    if (r)
      memcpy(r, &h->q_result, sizeof *r);
    session_wipe_bytes(&h->q_result, sizeof h->q_result);
    h->qs = Q_IDLE;
    e = KERR_OK;
  }
  pthread_mutex_unlock(&h->mu);
  return e;
}

void net_host_query_cancel(net_host *h, uint32_t ticket) {
  if (!h)
    return;
  pthread_mutex_lock(&h->mu);
  if (ticket == h->q_ticket) {
    h->q_cancelled = 1;
    if (h->qs == Q_DONE || h->qs == Q_PENDING) {
      session_wipe_bytes(&h->q_result, sizeof h->q_result);
      session_wipe_bytes(h->q_ref, sizeof h->q_ref);
      session_wipe_bytes(h->q_last4, sizeof h->q_last4);
      h->qs = Q_IDLE;
    }
  }
  pthread_mutex_unlock(&h->mu);
}
