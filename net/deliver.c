/* deliver: outbox worker thread; see deliver.h for the outcome table.
 *
 * Invariants: a row is "sending" only between outbox_claim() and the
 * matching outbox_mark_*(); if recording the outcome fails, outbox_recover()
 * puts it back in the queue so it can never be stranded. The mutex guards
 * only the stop/kick flags; the outbox has its own lock and network I/O runs
 * with no lock held. */
#include "deliver.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/log.h"

struct deliver {
  deliver_config cfg;
  api *client;
  pthread_t thread;
  int started;
  int stopped;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stop;
  int kicked;
  uint32_t failures;        /* consecutive temporary failures */
  uint32_t storage_failures; /* consecutive outbox failures */
  atomic_int storage_failing; /* 1 while the outbox fails; any thread reads */
  int64_t last_prune_ms;
  char detail[API_DETAIL_MAX + 32];
};

static int64_t deliver_now(deliver *d) {
  struct timespec ts;

  if (d->cfg.now_ms)
    return d->cfg.now_ms(d->cfg.hook_ud);
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t deliver_random(deliver *d) {
  return d->cfg.random ? d->cfg.random(d->cfg.hook_ud) : randombytes_random();
}

uint32_t deliver_backoff_ms(uint32_t attempt, uint32_t base, uint32_t max,
                            uint32_t rnd) {
  uint64_t t = base;
  uint32_t half;

  if (attempt == 0)
    attempt = 1;
  for (uint32_t i = 1; i < attempt && t < max; i++)
    t *= 2;
  if (t > max)
    t = max;
  half = (uint32_t)(t / 2);
  return half + (uint32_t)(rnd % ((uint64_t)(t - half) + 1));
}

kerr deliver_create(const deliver_config *cfg, deliver **out) {
  deliver *d;
  pthread_condattr_t ca;
  kerr err;

  *out = NULL;
  if (!cfg || !cfg->ob)
    return KERR_INVALID;
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  d = calloc(1, sizeof *d);
  if (!d)
    return KERR_NOMEM;
  d->cfg = *cfg;
  if (!d->cfg.backoff_base_ms)
    d->cfg.backoff_base_ms = 2000;
  if (!d->cfg.backoff_max_ms)
    d->cfg.backoff_max_ms = 300000;
  if (d->cfg.backoff_max_ms < d->cfg.backoff_base_ms)
    d->cfg.backoff_max_ms = d->cfg.backoff_base_ms;
  if (!d->cfg.storage_base_ms)
    d->cfg.storage_base_ms = 1000;
  if (!d->cfg.storage_max_ms)
    d->cfg.storage_max_ms = 300000;
  if (d->cfg.storage_max_ms < d->cfg.storage_base_ms)
    d->cfg.storage_max_ms = d->cfg.storage_base_ms;
  if (!d->cfg.idle_poll_ms)
    d->cfg.idle_poll_ms = 30000;
  if (d->cfg.keep_delivered_ms <= 0)
    d->cfg.keep_delivered_ms = 30LL * 24 * 3600 * 1000;
  err = api_create(&cfg->api, &d->client);
  if (err) {
    free(d);
    return err;
  }
  /* The api copied its strings; ours must not dangle. */
  memset(&d->cfg.api, 0, sizeof d->cfg.api);
  pthread_mutex_init(&d->mu, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&d->cv, &ca);
  pthread_condattr_destroy(&ca);
  *out = d;
  return KERR_OK;
}

static void deliver_emit(deliver *d, const deliver_event *ev) {
  if (d->cfg.on_event)
    d->cfg.on_event(ev, d->cfg.ud);
}

static uint32_t deliver_depth(deliver *d) {
  uint32_t n = 0;
  (void)outbox_depth(d->cfg.ob, &n);
  return n;
}

/* The outbox failed (a full disk, an I/O error): the pause before the next
 * attempt doubles from storage_base_ms up to storage_max_ms, without jitter
 * (nothing else competes for a local disk). Logged once, on entering. */
static uint32_t storage_failed(deliver *d, kerr err) {
  uint64_t t = d->cfg.storage_base_ms;
  if (d->storage_failures < UINT32_MAX)
    d->storage_failures++;
  for (uint32_t i = 1; i < d->storage_failures && t < d->cfg.storage_max_ms;
       i++)
    t *= 2;
  if (t > d->cfg.storage_max_ms)
    t = d->cfg.storage_max_ms;
  if (!atomic_exchange(&d->storage_failing, 1))
    LOG_E("deliver", "outbox storage failing (%s); retrying from %u ms up "
          "to every %u ms", kerr_str(err), (unsigned)d->cfg.storage_base_ms,
          (unsigned)d->cfg.storage_max_ms);
  return (uint32_t)t;
}

static void storage_ok(deliver *d) {
  if (atomic_exchange(&d->storage_failing, 0))
    LOG_I("deliver", "outbox storage works again after %u failed attempts",
          (unsigned)d->storage_failures);
  d->storage_failures = 0;
}

int deliver_storage_failing(const deliver *d) {
  return d ? atomic_load(&((deliver *)d)->storage_failing) : 0;
}

/* The backend already holds another application of this device under this
 * reference (a replaced outbox file, a cloned card): give this one the next
 * reference of the sequence and send it again at once. Never loses the
 * application: on any failure the caller quarantines it, envelope kept. */
enum { DELIVER_RENUMBER_MAX = 200 };

static kerr deliver_rereference(deliver *d, const outbox_item *it,
                                deliver_event *ev, int64_t now) {
  char ref[REFNO_BUF];
  char *env = NULL;
  kerr err = KERR_LIMIT;
  /* A backend that refuses every number would otherwise burn the whole
   * sequence: past this many attempts the row waits for staff instead. */
  if (it->attempts > DELIVER_RENUMBER_MAX)
    goto out;
  err = outbox_next_reference(d->cfg.ob, ref);
  if (!err)
    err = seal_envelope_rereference(it->envelope, ref, &env);
  if (!err) {
    snprintf(d->detail, sizeof d->detail,
             "reference %s already used at the backend; sent again as %s",
             it->reference, ref);
    err = outbox_rereference(d->cfg.ob, it->id, ref, env, strlen(env),
                             d->detail, now);
  }
out:
  free(env);
  if (err) {
    LOG_E("deliver", "%s: cannot give a new reference: %s", it->reference,
          kerr_str(err));
    return err;
  }
  LOG_W("deliver", "%s", d->detail);
  ev->kind = DELIVER_EV_RETRY;
  ev->detail = d->detail;
  ev->retry_in_ms = 0;
  memcpy(ev->reference, ref, sizeof ev->reference);
  d->failures = 0;
  return KERR_OK;
}

kerr deliver_step(deliver *d, deliver_event *ev_out) {
  deliver_event ev;
  outbox_item it;
  api_submit_result res;
  int64_t now = deliver_now(d);
  kerr err, sent;

  memset(&ev, 0, sizeof ev);
  ev.next_due_ms = INT64_MAX;
  err = outbox_claim(d->cfg.ob, now, &it, &ev.next_due_ms);
  if (err) {
    if (err == KERR_NOTFOUND)
      storage_ok(d);
    else
      ev.retry_in_ms = storage_failed(d, err);
    if (ev_out) {
      ev.kind = err == KERR_NOTFOUND ? DELIVER_EV_IDLE : DELIVER_EV_STORAGE;
      ev.err = err == KERR_NOTFOUND ? KERR_OK : err;
      ev.detail = kerr_str(err);
      ev.depth = deliver_depth(d);
      *ev_out = ev;
    }
    return err;
  }
  memcpy(ev.reference, it.reference, sizeof ev.reference);
  sent = api_submit(d->client, it.uuid, it.envelope, it.envelope_len, &res);
  now = deliver_now(d);
  ev.http_status = res.http_status;
  ev.err = sent;
  switch (sent) {
  case KERR_OK:
    ev.kind = DELIVER_EV_DELIVERED;
    ev.detail = "delivered";
    d->failures = 0;
    err = outbox_mark_delivered(d->cfg.ob, it.id, res.http_status, now);
    if (!err)
      LOG_I("deliver", "%s delivered (HTTP %d)", it.reference,
            res.http_status);
    break;
  case KERR_CONFLICT:
    /* A reference the backend already has from this device is renumbered;
     * any other conflict is quarantined. */
    if (strcmp(res.error_code, "duplicate_reference") == 0 &&
        deliver_rereference(d, &it, &ev, now) == KERR_OK) {
      err = KERR_OK;
      break;
    }
    /* fall through */
  case KERR_INVALID:
    ev.kind = DELIVER_EV_QUARANTINED;
    snprintf(d->detail, sizeof d->detail, "%s%s",
             sent == KERR_CONFLICT ? "conflict: uuid known with a different "
                                     "body; " : "refused: ",
             api_last_error(d->client));
    ev.detail = d->detail;
    d->failures = 0; /* the backend answered; the link is fine */
    err = outbox_mark_quarantined(d->cfg.ob, it.id, res.http_status,
                                  d->detail, now);
    LOG_W("deliver", "%s quarantined: %s", it.reference, d->detail);
    break;
  case KERR_STATE:
    /* Stopped mid-transfer: back in the queue, due at once. */
    ev.kind = DELIVER_EV_RETRY;
    ev.detail = "stopped";
    err = outbox_mark_retry(d->cfg.ob, it.id, now, "stopped", now);
    break;
  default: {
    uint32_t row_wait, pause;
    d->failures++;
    row_wait = deliver_backoff_ms(it.attempts, d->cfg.backoff_base_ms,
                                  d->cfg.backoff_max_ms, deliver_random(d));
    pause = deliver_backoff_ms(d->failures, d->cfg.backoff_base_ms,
                               d->cfg.backoff_max_ms, deliver_random(d));
    snprintf(d->detail, sizeof d->detail, "%s", api_last_error(d->client));
    ev.kind = DELIVER_EV_RETRY;
    ev.detail = d->detail;
    ev.retry_in_ms = pause;
    err = outbox_mark_retry(d->cfg.ob, it.id, now + row_wait, d->detail, now);
    LOG_I("deliver", "%s not delivered (%s); retry in %u ms", it.reference,
          d->detail, (unsigned)row_wait);
    break;
  }
  }
  if (err) {
    /* Could not record the outcome: never leave the row stranded. */
    (void)outbox_recover(d->cfg.ob);
    ev.kind = DELIVER_EV_STORAGE;
    ev.err = err;
    ev.detail = kerr_str(err);
    ev.retry_in_ms = storage_failed(d, err);
  } else {
    storage_ok(d);
  }
  ev.depth = deliver_depth(d);
  outbox_item_free(&it);
  if (ev_out)
    *ev_out = ev;
  return err;
}

/* Sleeps up to ms unless kicked or stopped. Returns 1 if stopping. */
static int deliver_wait(deliver *d, uint32_t ms) {
  struct timespec ts;
  int stop;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&d->mu);
  while (!d->stop && !d->kicked) {
    if (pthread_cond_timedwait(&d->cv, &d->mu, &ts) != 0)
      break;
  }
  d->kicked = 0;
  stop = d->stop;
  pthread_mutex_unlock(&d->mu);
  return stop;
}

static int deliver_stopping(deliver *d) {
  int s;
  pthread_mutex_lock(&d->mu);
  s = d->stop;
  pthread_mutex_unlock(&d->mu);
  return s;
}

static void *deliver_main(void *arg) {
  deliver *d = arg;
  int was_idle = 0;

  (void)outbox_recover(d->cfg.ob);
  while (!deliver_stopping(d)) {
    deliver_event ev;
    kerr err = deliver_step(d, &ev);
    uint32_t wait = 0;

    if (err == KERR_NOTFOUND) {
      int64_t due = ev.next_due_ms, now = deliver_now(d);
      if (now - d->last_prune_ms >= 3600 * 1000) {
        (void)outbox_prune(d->cfg.ob, now - d->cfg.keep_delivered_ms, NULL);
        d->last_prune_ms = now;
      }

      wait = d->cfg.idle_poll_ms;
      if (due != INT64_MAX && due - now < (int64_t)wait)
        wait = due > now ? (uint32_t)(due - now) : 0;
      if (!was_idle && ev.depth == 0) {
        deliver_emit(d, &ev);
        was_idle = 1;
      }
      if (wait == 0)
        continue;
    } else {
      /* A failing outbox is reported once, when it starts failing. */
      if ((ev.kind != DELIVER_EV_RETRY || ev.err != KERR_STATE) &&
          (ev.kind != DELIVER_EV_STORAGE || d->storage_failures == 1))
        deliver_emit(d, &ev);
      was_idle = 0;
      if (ev.kind == DELIVER_EV_RETRY || ev.kind == DELIVER_EV_STORAGE)
        wait = ev.retry_in_ms;
    }
    if (wait && deliver_wait(d, wait))
      break;
  }
  return NULL;
}

kerr deliver_start(deliver *d) {
  if (!d || d->started || d->stopped)
    return KERR_STATE;
  if (pthread_create(&d->thread, NULL, deliver_main, d) != 0)
    return KERR_NOMEM;
  d->started = 1;
  return KERR_OK;
}

void deliver_kick(deliver *d) {
  if (!d)
    return;
  pthread_mutex_lock(&d->mu);
  d->kicked = 1;
  pthread_cond_signal(&d->cv);
  pthread_mutex_unlock(&d->mu);
}

void deliver_stop(deliver *d) {
  if (!d || d->stopped)
    return;
  pthread_mutex_lock(&d->mu);
  d->stop = 1;
  pthread_cond_signal(&d->cv);
  pthread_mutex_unlock(&d->mu);
  api_abort(d->client);
  if (d->started)
    pthread_join(d->thread, NULL);
  d->stopped = 1;
}

void deliver_destroy(deliver *d) {
  if (!d)
    return;
  deliver_stop(d);
  api_destroy(d->client);
  pthread_cond_destroy(&d->cv);
  pthread_mutex_destroy(&d->mu);
  free(d);
}
