/* deliver: outbox worker thread; see deliver.h for the outcome table.
 *
 * Invariants: a row is "sending" only between outbox_claim_batch() and the
 * outbox_mark_batch() of its batch; if recording the outcomes fails,
 * outbox_recover() puts them back in the queue so none is ever stranded. The mutex guards
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

#define DELIVER_DETAIL_MAX (API_DETAIL_MAX + 32)

struct deliver {
  deliver_config cfg;
  api *client[DELIVER_PARALLEL_MAX]; /* one connection each; [0] always */
  pthread_mutex_t out_mu;   /* outcome decisions of rows sent in parallel */
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
  char detail[DELIVER_BATCH_MAX][DELIVER_DETAIL_MAX]; /* one per row */
};

static int deliver_stopping(deliver *d) {
  int s;
  pthread_mutex_lock(&d->mu);
  s = d->stop;
  pthread_mutex_unlock(&d->mu);
  return s;
}

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
  if (!d->cfg.batch)
    d->cfg.batch = 32;
  if (d->cfg.batch > DELIVER_BATCH_MAX)
    d->cfg.batch = DELIVER_BATCH_MAX;
  if (!d->cfg.idle_poll_ms)
    d->cfg.idle_poll_ms = 30000;
  if (d->cfg.keep_delivered_ms <= 0)
    d->cfg.keep_delivered_ms = 30LL * 24 * 3600 * 1000;
  if (!d->cfg.parallel)
    d->cfg.parallel = 4;
  if (d->cfg.parallel > DELIVER_PARALLEL_MAX)
    d->cfg.parallel = DELIVER_PARALLEL_MAX;
  for (size_t i = 0; i < d->cfg.parallel; i++) {
    err = api_create(&cfg->api, &d->client[i]);
    if (err) {
      while (i-- > 0)
        api_destroy(d->client[i]);
      free(d);
      return err;
    }
  }
  /* The api copied its strings; ours must not dangle. */
  memset(&d->cfg.api, 0, sizeof d->cfg.api);
  pthread_mutex_init(&d->mu, NULL);
  pthread_mutex_init(&d->out_mu, NULL);
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
                                deliver_event *ev, char *detail, int64_t now) {
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
    snprintf(detail, DELIVER_DETAIL_MAX,
             "reference %s already used at the backend; sent again as %s",
             it->reference, ref);
    err = outbox_rereference(d->cfg.ob, it->id, ref, env, strlen(env),
                             detail, now);
  }
out:
  free(env);
  if (err) {
    LOG_E("deliver", "%s: cannot give a new reference: %s", it->reference,
          kerr_str(err));
    return err;
  }
  LOG_W("deliver", "%s", detail);
  ev->kind = DELIVER_EV_RETRY;
  ev->detail = detail;
  ev->retry_in_ms = 0;
  memcpy(ev->reference, ref, sizeof ev->reference);
  d->failures = 0;
  return KERR_OK;
}

/* Sends one claimed row and decides its outcome (*m, *ev; detail is the
 * row's own buffer). *has_mark is 0 when the row's state was already
 * changed (renumbered). Returns 1 when the rest of the batch should wait:
 * the link failed or the worker is stopping. */
static int deliver_decide(deliver *d, api *client, const outbox_item *it,
                          kerr sent, const api_submit_result *r,
                          outbox_mark *m, int *has_mark, deliver_event *ev,
                          char *detail);

static int deliver_one(deliver *d, api *client, const outbox_item *it,
                       outbox_mark *m, int *has_mark, deliver_event *ev,
                       char *detail) {
  api_submit_result res;
  kerr sent;
  int wait;

  memset(ev, 0, sizeof *ev);
  ev->next_due_ms = INT64_MAX;
  memset(m, 0, sizeof *m);
  m->id = it->id;
  *has_mark = 1;
  memcpy(ev->reference, it->reference, sizeof ev->reference);
  sent = api_submit(client, it->uuid, it->envelope, it->envelope_len, &res);
  /* The failure count, the hooks and renumbering are shared by the rows
   * in flight: decided one at a time. */
  pthread_mutex_lock(&d->out_mu);
  wait = deliver_decide(d, client, it, sent, &res, m, has_mark, ev, detail);
  pthread_mutex_unlock(&d->out_mu);
  return wait;
}

static int deliver_decide(deliver *d, api *client, const outbox_item *it,
                          kerr sent, const api_submit_result *r,
                          outbox_mark *m, int *has_mark, deliver_event *ev,
                          char *detail) {
  const api_submit_result res = *r;
  int64_t now = deliver_now(d);

  ev->http_status = m->http_status = res.http_status;
  ev->err = sent;
  switch (sent) {
  case KERR_OK:
    ev->kind = DELIVER_EV_DELIVERED;
    ev->detail = "delivered";
    d->failures = 0;
    m->outcome = OUTBOX_MARK_DELIVERED;
    return 0;
  case KERR_CONFLICT:
    /* A reference the backend already has from this device is renumbered;
     * any other conflict is quarantined. */
    if (strcmp(res.error_code, "duplicate_reference") == 0 &&
        deliver_rereference(d, it, ev, detail, now) == KERR_OK) {
      *has_mark = 0;
      return 0;
    }
    /* fall through */
  case KERR_INVALID:
    ev->kind = DELIVER_EV_QUARANTINED;
    snprintf(detail, DELIVER_DETAIL_MAX, "%s%s",
             sent == KERR_CONFLICT ? "conflict: uuid known with a different "
                                     "body; " : "refused: ",
             api_last_error(client));
    ev->detail = m->reason = detail;
    d->failures = 0; /* the backend answered; the link is fine */
    m->outcome = OUTBOX_MARK_QUARANTINED;
    LOG_W("deliver", "%s quarantined: %s", it->reference, detail);
    return 0;
  case KERR_STATE:
    /* Stopped mid-transfer: back in the queue, due at once. */
    ev->kind = DELIVER_EV_RETRY;
    ev->detail = m->reason = "stopped";
    m->outcome = OUTBOX_MARK_RETRY;
    m->due_ms = now;
    return 1;
  default: {
    uint32_t row_wait, pause;
    d->failures++;
    row_wait = deliver_backoff_ms(it->attempts, d->cfg.backoff_base_ms,
                                  d->cfg.backoff_max_ms, deliver_random(d));
    pause = deliver_backoff_ms(d->failures, d->cfg.backoff_base_ms,
                               d->cfg.backoff_max_ms, deliver_random(d));
    snprintf(detail, DELIVER_DETAIL_MAX, "%s", api_last_error(client));
    ev->kind = DELIVER_EV_RETRY;
    ev->detail = m->reason = detail;
    ev->retry_in_ms = pause;
    m->outcome = OUTBOX_MARK_RETRY;
    m->due_ms = now + row_wait;
    LOG_I("deliver", "%s not delivered (%s); retry in %u ms", it->reference,
          detail, (unsigned)row_wait);
    return 1;
  }
  }
}

/* The rows of one batch being sent. */
typedef struct send_job {
  deliver *d;
  const outbox_item *it;
  size_t got;
  atomic_size_t next;  /* the next row to take */
  atomic_int halt;     /* a row failed or the worker stops: take no more */
  unsigned char tried[DELIVER_BATCH_MAX];
  int has_mark[DELIVER_BATCH_MAX];
  outbox_mark mark[DELIVER_BATCH_MAX];
  deliver_event ev[DELIVER_BATCH_MAX];
} send_job;

typedef struct send_worker {
  send_job *job;
  api *client;
  pthread_t thread;
} send_worker;

/* Takes rows of the batch until none is left or one says to wait. */
static void send_rows(send_job *j, api *client) {
  for (;;) {
    size_t i;
    if (atomic_load(&j->halt))
      return;
    i = atomic_fetch_add(&j->next, 1);
    if (i >= j->got)
      return;
    if (i > 0 && deliver_stopping(j->d)) {
      atomic_store(&j->halt, 1);
      return;
    }
    if (deliver_one(j->d, client, &j->it[i], &j->mark[i], &j->has_mark[i],
                    &j->ev[i], j->d->detail[i]))
      atomic_store(&j->halt, 1);
    j->tried[i] = 1;
  }
}

static void *send_thread(void *arg) {
  send_worker *w = arg;
  send_rows(w->job, w->client);
  return NULL;
}

/* Sends the batch: the first row alone (a dead link costs one attempt, not
 * one per connection), then the rest over up to cfg.parallel connections at
 * once. Each row's outcome lands in its own slot of the job. */
static void deliver_send(send_job *j) {
  deliver *d = j->d;
  send_worker w[DELIVER_PARALLEL_MAX];
  size_t extra = 0;

  atomic_init(&j->next, 1);
  atomic_init(&j->halt, 0);
  if (j->got == 0)
    return;
  if (deliver_one(d, d->client[0], &j->it[0], &j->mark[0], &j->has_mark[0],
                  &j->ev[0], d->detail[0]))
    atomic_store(&j->halt, 1);
  j->tried[0] = 1;
  if (atomic_load(&j->halt) || j->got == 1)
    return;
  for (size_t k = 1; k < d->cfg.parallel && k < j->got - 1; k++) {
    w[extra] = (send_worker){.job = j, .client = d->client[k]};
    if (pthread_create(&w[extra].thread, NULL, send_thread, &w[extra]) != 0)
      break; /* fewer connections; this thread still sends */
    extra++;
  }
  send_rows(j, d->client[0]);
  for (size_t k = 0; k < extra; k++)
    pthread_join(w[k].thread, NULL);
}

/* One batch: claim up to max due rows (one transaction, not synced), send
 * them (deliver_send), record every outcome in one durable transaction. Rows
 * left unsent after a failure or a stop are released (queued again, the
 * attempt not counted). evs[0..*n) gets one event per row, or the one IDLE
 * or STORAGE event. Returns as deliver_step(). */
static kerr deliver_batch(deliver *d, size_t max, deliver_event *evs,
                          size_t *n) {
  outbox_item it[DELIVER_BATCH_MAX];
  outbox_mark m[DELIVER_BATCH_MAX];
  size_t got = 0, nm = 0, nev = 0;
  int64_t due = INT64_MAX;
  uint32_t depth;
  kerr err;

  if (max > DELIVER_BATCH_MAX)
    max = DELIVER_BATCH_MAX;
  memset(&evs[0], 0, sizeof evs[0]);
  err = outbox_claim_batch(d->cfg.ob, deliver_now(d), it, max, &got, &due);
  if (err) {
    evs[0].next_due_ms = due;
    if (err == KERR_NOTFOUND)
      storage_ok(d);
    else
      evs[0].retry_in_ms = storage_failed(d, err);
    evs[0].kind = err == KERR_NOTFOUND ? DELIVER_EV_IDLE : DELIVER_EV_STORAGE;
    evs[0].err = err == KERR_NOTFOUND ? KERR_OK : err;
    evs[0].detail = kerr_str(err);
    evs[0].depth = deliver_depth(d);
    *n = 1;
    return err;
  }
  {
    send_job job = {.d = d, .it = it, .got = got};
    deliver_send(&job);
    for (size_t i = 0; i < got; i++) {
      if (!job.tried[i]) {
        m[nm++] = (outbox_mark){.id = it[i].id,
                                .outcome = OUTBOX_MARK_RELEASED};
        continue;
      }
      if (job.has_mark[i])
        m[nm++] = job.mark[i];
      evs[nev++] = job.ev[i];
    }
  }
  err = outbox_mark_batch(d->cfg.ob, m, nm, deliver_now(d));
  if (!err) {
    for (size_t i = 0; i < nev; i++)
      if (evs[i].kind == DELIVER_EV_DELIVERED)
        LOG_I("deliver", "%s delivered (HTTP %d)", evs[i].reference,
              evs[i].http_status);
    storage_ok(d);
  }
  for (size_t i = 0; i < got; i++)
    outbox_item_free(&it[i]);
  if (err) {
    /* Could not record the outcomes: never leave the rows stranded. */
    (void)outbox_recover(d->cfg.ob);
    memset(&evs[0], 0, sizeof evs[0]);
    evs[0].kind = DELIVER_EV_STORAGE;
    evs[0].err = err;
    evs[0].detail = kerr_str(err);
    evs[0].next_due_ms = INT64_MAX;
    evs[0].retry_in_ms = storage_failed(d, err);
    evs[0].depth = deliver_depth(d);
    *n = 1;
    return err;
  }
  /* Each event tells the depth after its own row. */
  depth = deliver_depth(d);
  for (size_t i = nev; i-- > 0;) {
    evs[i].depth = depth;
    if (evs[i].kind == DELIVER_EV_DELIVERED ||
        evs[i].kind == DELIVER_EV_QUARANTINED)
      depth++;
  }
  *n = nev;
  return KERR_OK;
}

kerr deliver_step(deliver *d, deliver_event *ev_out) {
  deliver_event evs[1];
  size_t n = 0;
  kerr err = deliver_batch(d, 1, evs, &n);
  if (ev_out)
    *ev_out = evs[0];
  return err;
}

kerr deliver_step_batch(deliver *d, size_t max, deliver_event *evs,
                        size_t *n) {
  size_t k = 0;
  kerr err;
  if (!d || !evs || max == 0)
    return KERR_INVALID;
  err = deliver_batch(d, max, evs, &k);
  if (n)
    *n = k;
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

static void *deliver_main(void *arg) {
  deliver *d = arg;
  int was_idle = 0;
  deliver_event evs[DELIVER_BATCH_MAX];

  (void)outbox_recover(d->cfg.ob);
  while (!deliver_stopping(d)) {
    size_t n = 0;
    kerr err = deliver_batch(d, d->cfg.batch, evs, &n);
    const deliver_event *ev = &evs[n ? n - 1 : 0];
    uint32_t wait = 0;

    if (err == KERR_NOTFOUND) {
      int64_t due = ev->next_due_ms, now = deliver_now(d);
      if (now - d->last_prune_ms >= 3600 * 1000) {
        (void)outbox_prune(d->cfg.ob, now - d->cfg.keep_delivered_ms, NULL);
        d->last_prune_ms = now;
      }

      wait = d->cfg.idle_poll_ms;
      if (due != INT64_MAX && due - now < (int64_t)wait)
        wait = due > now ? (uint32_t)(due - now) : 0;
      if (!was_idle && ev->depth == 0) {
        deliver_emit(d, ev);
        was_idle = 1;
      }
      if (wait == 0)
        continue;
    } else {
      /* A failing outbox is reported once, when it starts failing. */
      for (size_t i = 0; i < n; i++)
        if ((evs[i].kind != DELIVER_EV_RETRY || evs[i].err != KERR_STATE) &&
            (evs[i].kind != DELIVER_EV_STORAGE || d->storage_failures == 1))
          deliver_emit(d, &evs[i]);
      was_idle = 0;
      if (ev->kind == DELIVER_EV_RETRY || ev->kind == DELIVER_EV_STORAGE)
        wait = ev->retry_in_ms;
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
  for (size_t i = 0; i < d->cfg.parallel; i++)
    api_abort(d->client[i]);
  if (d->started)
    pthread_join(d->thread, NULL);
  d->stopped = 1;
}

void deliver_destroy(deliver *d) {
  if (!d)
    return;
  deliver_stop(d);
  for (size_t i = 0; i < d->cfg.parallel; i++)
    api_destroy(d->client[i]);
  pthread_mutex_destroy(&d->out_mu);
  pthread_cond_destroy(&d->cv);
  pthread_mutex_destroy(&d->mu);
  free(d);
}
