/* content_host: see content_host.h.
 *
 * Threads: the UI thread (create, destroy, sync_now, status, handle_sdl and
 * the swap wiper) and one worker running content_sync_check(). They share
 * the request flags, the status and the path of a freshly installed bundle,
 * all under one mutex that is never held during network or disk work. The
 * bundle swap happens only on the UI thread. */
#include "services/content_host.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/bundle_sig.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "net/content_sync.h"

#define CH_FIRST_DELAY_MS 60000u
#define CH_WAIT_SYNC_MS 120000

struct content_host {
  content **current;
  bundle_sig_key keys[BUNDLE_SIG_MAX_KEYS];
  size_t n_keys;
  content_sync *sync; /* NULL: updates off */
  svc_wake notify; /* the shell, after each round */
  int wait_sync;
  uint32_t first_delay_ms, interval_ms;
  time_t (*now)(void *ud);
  void *now_ud;

  pthread_t thread;
  int started;
  pthread_mutex_t mu;
  pthread_cond_t wake; /* worker: a request or stop */
  pthread_cond_t done; /* a waiting sync_now: the round ended */
  int stopping;
  int request;
  unsigned rounds;
  content_host_status st;                /* under mu */
  char ready_dir[CONTENT_SYNC_PATH_MAX]; /* installed, not yet taken (mu) */
  char ready_version[CONTENT_SYNC_VERSION_MAX];

  /* UI thread only */
  char held_dir[CONTENT_SYNC_PATH_MAX];
  int held;
};

static time_t wall_now(const content_host *h) {
  return h->now ? h->now(h->now_ud) : time(NULL);
}

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_problems(const content_problems *p) {
  for (size_t i = 0; i < content_problems_count(p) && i < 20; i++) {
    char buf[600];
    LOG_W("content", "%s", content_problems_format(p, i, buf, sizeof buf));
  }
}

/* What went wrong with a bundle folder, from the failing step. */
static content_host_refusal refusal_of(const char *dir, int sig_step,
                                       kerr e) {
  char p[CONTENT_SYNC_PATH_MAX + 16];
  struct stat st;
  snprintf(p, sizeof p, "%s/manifest.json", dir);
  if (e == KERR_NOTFOUND && lstat(p, &st) != 0)
    return CONTENT_HOST_REFUSED_MISSING;
  if (!sig_step)
    return CONTENT_HOST_REFUSED_INVALID;
  if (e == KERR_NOTFOUND)
    return CONTENT_HOST_REFUSED_UNSIGNED;
  if (e == KERR_CRYPTO)
    return CONTENT_HOST_REFUSED_UNTRUSTED;
  return CONTENT_HOST_REFUSED_INVALID;
}

/* One line saying why `what` ("shipped", "installed") at dir is refused. */
static void log_refusal(const char *what, const char *dir,
                        content_host_refusal why, kerr e, size_t n_problems) {
  switch (why) {
  case CONTENT_HOST_REFUSED_UNSIGNED:
    LOG_E("content", "%s content bundle at %s is not signed by a trusted key "
          "(it has no manifest.sig); install a signed bundle with `kioskctl "
          "content install`", what, dir);
    break;
  case CONTENT_HOST_REFUSED_UNTRUSTED:
    LOG_E("content", "%s content bundle at %s is not signed by a trusted key "
          "(signed with another key, or changed after signing); check "
          "content.trusted_keys or install a signed bundle with `kioskctl "
          "content install`", what, dir);
    break;
  case CONTENT_HOST_REFUSED_MISSING:
    LOG_E("content", "%s content bundle at %s is missing (no manifest.json)",
          what, dir);
    break;
  default:
    LOG_E("content", "%s content bundle at %s refused: %s (%zu problems)",
          what, dir, kerr_str(e), n_problems);
    break;
  }
}

/* Verifies (when keys are configured) and loads dir; on failure logs why
 * and, if why is not NULL, says it there. */
static kerr load_checked(const content_host *h, const char *what,
                         const char *dir, content **out,
                         content_host_refusal *why) {
  content_problems probs;
  content_problems_init(&probs);
  kerr e = KERR_OK;
  int sig_step = 0;
  *out = NULL;
  if (h->n_keys) {
    e = bundle_sig_verify_dir(dir, h->keys, h->n_keys, &probs);
    sig_step = e != KERR_OK;
  }
  if (!e)
    e = content_load(dir, out, &probs);
  if (e) {
    content_host_refusal r = refusal_of(dir, sig_step, e);
    log_refusal(what, dir, r, e, content_problems_count(&probs));
    log_problems(&probs);
    if (why)
      *why = r;
  }
  content_problems_free(&probs);
  return e;
}

/* ------------------------------------------------------------------ */
/* the worker */

static void post(content_host *h, content_host_event code) {
  svc_post(&h->notify, SVC_CONTENT, code, 0, 0);
}

static void record(content_host *h, const content_sync_result *r) {
  content_host_status *st = &h->st;
  st->last_check = wall_now(h);
  st->last_outcome = (int)r->outcome;
  st->last_reason = (int)r->reason;
  snprintf(st->detail, sizeof st->detail, "%s", r->detail);
  if (r->reason == CONTENT_SYNC_R_NETWORK)
    st->reachable = 0;
  else if (r->reason != CONTENT_SYNC_R_DISK &&
           r->reason != CONTENT_SYNC_R_BUSY &&
           r->reason != CONTENT_SYNC_R_ABORTED)
    st->reachable = 1;
  if (r->outcome == CONTENT_SYNC_UPDATED) {
    snprintf(h->ready_dir, sizeof h->ready_dir, "%s", r->bundle_dir);
    snprintf(h->ready_version, sizeof h->ready_version, "%s", r->version);
  }
}

static void one_round(content_host *h) {
  content_sync_result r;
  memset(&r, 0, sizeof r);
  int64_t t0 = mono_ms();
  kerr e = content_sync_check(h->sync, &r);
  int64_t ms = mono_ms() - t0;
  if (r.outcome == CONTENT_SYNC_UPDATED)
    LOG_I("content", "update %s installed (%zu files downloaded, %zu reused, "
          "%lld ms)", r.version, r.files_downloaded, r.files_reused,
          (long long)ms);
  else if (r.outcome == CONTENT_SYNC_UNCHANGED)
    LOG_D("content", "no update (%s)", content_sync_reason_str(r.reason));
  else
    LOG_W("content", "update check %s: %s (%s) %s",
          r.outcome == CONTENT_SYNC_REFUSED ? "refused" : "failed",
          content_sync_reason_str(r.reason), kerr_str(e), r.detail);
  /* The handler takes the mutex, so it sees what was recorded. */
  pthread_mutex_lock(&h->mu);
  record(h, &r);
  h->st.syncing = 0;
  h->rounds++;
  post(h, r.outcome == CONTENT_SYNC_UPDATED ? CONTENT_HOST_EV_UPDATED
                                            : CONTENT_HOST_EV_ROUND);
  pthread_cond_broadcast(&h->done);
  pthread_mutex_unlock(&h->mu);
}

static void *worker_main(void *arg) {
  content_host *h = arg;
  int64_t next = mono_ms() + h->first_delay_ms;
  pthread_mutex_lock(&h->mu);
  while (!h->stopping) {
    int64_t now = mono_ms();
    if (!h->request && now < next) {
      /* Sleep in slices of at most a second: simple and stop-responsive
       * without a monotonic condition clock. */
      int64_t slice = next - now < 1000 ? next - now : 1000;
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += (time_t)(slice / 1000);
      ts.tv_nsec += (long)(slice % 1000) * 1000000L;
      if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&h->wake, &h->mu, &ts);
      continue;
    }
    h->request = 0;
    h->st.syncing = 1;
    pthread_mutex_unlock(&h->mu);
    one_round(h);
    pthread_mutex_lock(&h->mu);
    next = mono_ms() + h->interval_ms;
  }
  pthread_mutex_unlock(&h->mu);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* the swap, between sessions */

/* UI thread, mu held: an installed bundle becomes the held one. */
static void take_ready_locked(content_host *h) {
  if (!h->ready_dir[0])
    return;
  snprintf(h->held_dir, sizeof h->held_dir, "%s", h->ready_dir);
  snprintf(h->st.held_version, sizeof h->st.held_version, "%s",
           h->ready_version);
  h->ready_dir[0] = '\0';
  h->held = 1;
}

static void apply_held(void *ud) {
  content_host *h = ud;
  if (!h->held)
    return;
  h->held = 0;
  content_problems probs;
  content_problems_init(&probs);
  kerr e = KERR_OK;
  if (h->n_keys)
    e = bundle_sig_verify_dir(h->held_dir, h->keys, h->n_keys, &probs);
  if (!e)
    e = content_replace(h->current, h->held_dir, &probs);
  if (e) {
    LOG_W("content", "updated bundle %s refused: %s", h->held_dir,
          kerr_str(e));
    log_problems(&probs);
  } else {
    LOG_I("content", "now using bundle %s", content_version(*h->current));
    pthread_mutex_lock(&h->mu);
    h->st.source = CONTENT_HOST_SYNCED;
    h->st.refusal = CONTENT_HOST_REFUSED_NONE;
    pthread_mutex_unlock(&h->mu);
  }
  pthread_mutex_lock(&h->mu);
  h->st.held_version[0] = '\0';
  pthread_mutex_unlock(&h->mu);
  content_problems_free(&probs);
}

/* ------------------------------------------------------------------ */
/* life */

static void start_sync(content_host *h, const config *cfg) {
  if (!cfg->trusted_keys[0]) {
    LOG_I("content", "updates off: no content.trusted_keys (development)");
    return;
  }
  if (fs_make_dirs(cfg->data_dir, 0755) != 0) {
    LOG_E("content", "updates off: cannot make %s", cfg->data_dir);
    return;
  }
  char pin[CONFIG_STR_MAX + 16];
  snprintf(pin, sizeof pin, "sha256//%s", cfg->pin_sha256);
  content_sync_config sc;
  memset(&sc, 0, sizeof sc);
  sc.base_url = cfg->backend_url;
  sc.ca_file = cfg->ca_file;
  sc.cert_file = cfg->client_cert;
  sc.key_file = cfg->client_key;
  sc.pinned_pubkey = cfg->pin_sha256[0] ? pin : NULL;
  sc.connect_timeout_ms = cfg->connect_timeout_s * 1000L;
  sc.region = cfg->region;
  sc.data_dir = cfg->data_dir;
  sc.keys = h->keys;
  sc.n_keys = h->n_keys;
  sc.running_version = *h->current ? content_version(*h->current) : NULL;
  sc.now = h->now;
  sc.now_ud = h->now_ud;
  kerr e = content_sync_create(&sc, &h->sync);
  if (e) {
    LOG_E("content", "updates off: %s", kerr_str(e));
    h->sync = NULL;
    return;
  }
  if (pthread_create(&h->thread, NULL, worker_main, h) != 0) {
    LOG_E("content", "updates off: no worker thread");
    content_sync_destroy(h->sync);
    h->sync = NULL;
    return;
  }
  h->started = 1;
  h->st.enabled = 1;
  LOG_I("content", "updates every %u s from %s", h->interval_ms / 1000,
        cfg->backend_url);
}

kerr content_host_create(const content_host_config *c, session *s,
                         content **current, content_host **out) {
  *out = NULL;
  if (!c || !c->cfg)
    return KERR_INVALID;
  const config *cfg = c->cfg;
  content_host *h = calloc(1, sizeof *h);
  if (!h)
    return KERR_NOMEM;
  pthread_mutex_init(&h->mu, NULL);
  pthread_cond_init(&h->wake, NULL);
  pthread_cond_init(&h->done, NULL);
  h->current = current;
  h->wait_sync = c->wait_sync;
  h->first_delay_ms = c->first_delay_ms ? c->first_delay_ms
                                        : CH_FIRST_DELAY_MS;
  h->interval_ms = c->interval_ms ? c->interval_ms
                                  : (uint32_t)cfg->sync_interval_s * 1000u;
  h->now = c->now;
  h->now_ud = c->now_ud;
  h->st.reachable = -1;
  if (cfg->trusted_keys[0] &&
      bundle_sig_keys_parse(cfg->trusted_keys, h->keys, BUNDLE_SIG_MAX_KEYS,
                            &h->n_keys) != KERR_OK) {
    /* config_set checks the list; this cannot happen with a loaded one. */
    LOG_E("content", "content.trusted_keys unreadable: nothing is trusted");
    h->n_keys = 0;
  }
  kerr e = session_add_wiper(s, apply_held, h);
  if (e) {
    free(h);
    return e;
  }
  h->notify = c->wake;

  /* The start-up bundle: the last installed one, else the shipped one. */
  char dir[CONTENT_SYNC_PATH_MAX];
  content *got = NULL;
  if (cfg->trusted_keys[0] && !h->n_keys) {
    /* Keys were asked for but none is usable: trust nothing. */
    h->st.refusal = CONTENT_HOST_REFUSED_KEYS;
  } else if (content_sync_current(cfg->data_dir, dir, sizeof dir, NULL, 0) ==
                 KERR_OK &&
             load_checked(h, "installed", dir, &got, NULL) == KERR_OK) {
    h->st.source = CONTENT_HOST_SYNCED;
  } else if (load_checked(h, "shipped", cfg->content_dir, &got,
                          &h->st.refusal) == KERR_OK) {
    h->st.source = CONTENT_HOST_SHIPPED;
  }
  content_destroy(*current);
  *current = got;
  if (got)
    LOG_I("content", "bundle %s region %s (%s)", content_version(got),
          content_region_code(got),
          h->st.source == CONTENT_HOST_SYNCED ? "installed update"
                                              : "shipped");
  else
    LOG_E("content", "no usable bundle: out of service until an update");
  start_sync(h, cfg);
  *out = h;
  return KERR_OK;
}

void content_host_destroy(content_host *h) {
  if (!h)
    return;
  if (h->started) {
    content_sync_abort(h->sync);
    pthread_mutex_lock(&h->mu);
    h->stopping = 1;
    pthread_cond_broadcast(&h->wake);
    pthread_cond_broadcast(&h->done);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->thread, NULL);
  }
  content_sync_destroy(h->sync);
  pthread_cond_destroy(&h->wake);
  pthread_cond_destroy(&h->done);
  pthread_mutex_destroy(&h->mu);
  free(h);
}

kerr content_host_sync_now(content_host *h) {
  if (!h || !h->started)
    return KERR_STATE;
  pthread_mutex_lock(&h->mu);
  if (h->st.syncing || h->request) {
    pthread_mutex_unlock(&h->mu);
    return KERR_BUSY;
  }
  unsigned before = h->rounds;
  h->request = 1;
  h->st.syncing = 1; /* shown at once, before the worker wakes */
  pthread_cond_broadcast(&h->wake);
  if (h->wait_sync) {
    int64_t end = mono_ms() + CH_WAIT_SYNC_MS;
    while (h->rounds == before && !h->stopping && mono_ms() < end) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += 1;
      pthread_cond_timedwait(&h->done, &h->mu, &ts);
    }
    /* The round's event reaches the UI thread only at its next look at
     * the queue (after the frame): take the result now, so what staff
     * (and a script) see next is already the outcome. */
    take_ready_locked(h);
  }
  pthread_mutex_unlock(&h->mu);
  return KERR_OK;
}

void content_host_status_get(content_host *h, content_host_status *st) {
  memset(st, 0, sizeof *st);
  st->reachable = -1;
  if (!h)
    return;
  pthread_mutex_lock(&h->mu);
  *st = h->st;
  pthread_mutex_unlock(&h->mu);
}

int content_host_take(content_host *h) {
  if (!h)
    return 0;
  pthread_mutex_lock(&h->mu);
  take_ready_locked(h);
  int held = h->held;
  pthread_mutex_unlock(&h->mu);
  return held;
}
