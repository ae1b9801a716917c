/* content_host: the app-level owner of the content bundle's life — which
 * bundle the kiosk starts with, and keeping it up to date while it runs.
 *
 * Start-up (content_host_create, on the UI thread):
 *   1. data_dir/content/current (content_sync_current), if there is one:
 *      with content.trusted_keys set it must carry a valid signature
 *      (bundle_sig_verify_dir), then it must load (content_load);
 *   2. otherwise, or if it is refused, the bundle shipped with the program
 *      (paths.content), under the same signature rule;
 *   3. if neither is usable the app has no content (out of service) until
 *      an update arrives; status.refusal says why the shipped bundle was
 *      refused (unsigned, signed by no trusted key, missing, invalid), for
 *      the log and the out-of-service screen.
 * Every refusal is logged with its reason and problems; never personal
 * data. An empty content.trusted_keys (development) accepts unsigned
 * bundles.
 *
 * Updates (net/content_sync.h): a worker thread runs content_sync_check()
 * once shortly after start-up, then every content.sync_interval_s, and at
 * once when staff ask (content_host_sync_now). It needs trusted keys: a
 * development kiosk (no keys) never syncs. The worker never touches the
 * UI; it wakes the shell (services/svc.h, source SVC_CONTENT) after each
 * round. On the UI thread, content_host_take() holds a new bundle until
 * nobody is using the kiosk: if no session is in progress the shell ends the
 * (idle) session at once;
 * otherwise the update waits for the session to end — timeout, 结束, staff
 * sign-out. The swap itself runs in a session wiper, when every screen has
 * been popped and before the home screen is pushed again, so no screen
 * ever holds a pointer into the bundle that is replaced. content_replace()
 * re-verifies and loads the new folder and swaps only if it is good and
 * newer; otherwise the bundle in use stays.
 *
 * Scripted headless runs set wait_sync so a sync asked for by staff is
 * finished (and its event posted) before the script's next step. */
#ifndef KIOSK_SERVICES_CONTENT_HOST_H
#define KIOSK_SERVICES_CONTENT_HOST_H

#include <stdint.h>
#include <time.h>

#include "core/config.h"
#include "core/content.h"
#include "core/kerr.h"
#include "core/session.h"
#include "services/svc.h"

typedef struct content_host content_host;

/* The codes content_host posts to its wake function. */
typedef enum content_host_event {
  CONTENT_HOST_EV_ROUND = 1,  /* a check ended with nothing to install */
  CONTENT_HOST_EV_UPDATED = 2 /* a new bundle is installed, to be used */
} content_host_event;

typedef struct content_host_config {
  const config *cfg;  /* read during create only */
  int wait_sync;      /* 1: content_host_sync_now waits for the round */
  svc_wake wake;      /* how the worker reports; may be empty */
  /* 0: the defaults (first check 60 s after start, then
   * cfg->sync_interval_s); tests set shorter ones. */
  uint32_t first_delay_ms;
  uint32_t interval_ms;
  /* Wall clock for the expiry check and "last checked"; NULL: time(). */
  time_t (*now)(void *ud);
  void *now_ud;
} content_host_config;

/* Where the bundle in use came from. */
typedef enum content_host_source {
  CONTENT_HOST_NONE = 0, /* nothing usable: out of service */
  CONTENT_HOST_SHIPPED,  /* paths.content */
  CONTENT_HOST_SYNCED    /* data_dir/content/current */
} content_host_source;

/* Why the bundle shipped with the program (paths.content) was not used at
 * start-up; the out-of-service screen tells staff. */
typedef enum content_host_refusal {
  CONTENT_HOST_REFUSED_NONE = 0, /* used, or an installed update was used */
  CONTENT_HOST_REFUSED_UNSIGNED, /* trusted keys set, no manifest.sig */
  CONTENT_HOST_REFUSED_UNTRUSTED, /* no trusted key verifies manifest.sig
                                     (another key, or altered after signing) */
  CONTENT_HOST_REFUSED_MISSING,  /* no manifest.json at paths.content */
  CONTENT_HOST_REFUSED_INVALID,  /* fails the content check */
  CONTENT_HOST_REFUSED_KEYS      /* content.trusted_keys unusable */
} content_host_refusal;

/* What the staff menu shows. Strings are copies. */
typedef struct content_host_status {
  int enabled;           /* 1 when updates are configured (trusted keys) */
  int syncing;           /* a check is running now */
  content_host_source source;
  content_host_refusal refusal; /* source NONE: why the shipped bundle was
                                   refused at start-up */
  time_t last_check;     /* 0: no check finished yet */
  int last_outcome;      /* a content_sync_outcome of the last check */
  int last_reason;       /* a content_sync_reason */
  int reachable;         /* backend at the last check: 1 yes, 0 no, -1 ? */
  char held_version[64]; /* "" or the version waiting for the session end */
  char detail[256];      /* English detail of the last check */
} content_host_status;

/* Chooses and loads the start-up bundle into *current (NULL when nothing is
 * usable), registers the swap wiper on s (which, like current, must outlive
 * the host) and, when updates are configured, starts the worker. Only
 * KERR_NOMEM, KERR_LIMIT (wiper table full) and KERR_INVALID (no cfg) fail;
 * a missing bundle or backend is logged and leaves a working host. *out is
 * the caller's (content_host_destroy). */
kerr content_host_create(const content_host_config *c, session *s,
                         content **current, content_host **out);

/* Aborts a transfer in progress, stops the worker (within about a second)
 * and frees. A held update stays installed on disk for the next start.
 * The session's wiper still points here: end the session (or stop using
 * it) first, as app_destroy does. NULL is accepted. */
void content_host_destroy(content_host *h);

/* Asks the worker for a check now. KERR_STATE when updates are not
 * configured (or h is NULL), KERR_BUSY when a check is already running.
 * With wait_sync, returns when the round is over (its event posted). */
kerr content_host_sync_now(content_host *h);

/* Copies the current state into *st. */
void content_host_status_get(content_host *h, content_host_status *st);

/* UI thread, after the worker woke the shell: takes the round's result.
 * An installed update is then held until the next session_end(); returns 1
 * while one is held (the shell ends an idle session at once), else 0. */
int content_host_take(content_host *h);

#endif
