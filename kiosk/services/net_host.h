/* net_host: the app-level owner of everything that reaches the backend —
 * the outbox, the delivery worker, the heartbeat and the progress queries.
 *
 * Created once with the app from its configuration:
 *   - the outbox is <paths.data>/outbox.db (the folder is made if missing);
 *   - applications are sealed to backend.seal_public_key, or, when that is
 *     empty, to the key in the file seal.pub next to backend.ca_file (the
 *     layout of scripts/dev-pki.sh: var/pki/seal.pub by default). Without a
 *     usable key, or without an outbox, submission is refused (submit.h):
 *     the kiosk still runs, drains what is queued and answers queries;
 *   - the delivery worker (net/deliver.h) starts at once and empties the
 *     outbox in its own thread;
 *   - a heartbeat thread reports every backend.heartbeat_s seconds: content
 *     version, outbox depth and quarantined count, uptime and the last few
 *     delivery errors (short English, never personal data);
 *   - a query thread answers progress queries one at a time.
 * None of these threads touches the UI. What they report goes to the
 * config's wake function (services/svc.h, source SVC_NET), which wakes the
 * shell's loop. The events carry only kinds and counts; query results wait
 * inside net_host until the screen takes them.
 *
 * A progress query's reference, check characters and answer are wiped as
 * soon as they are used. Scripted headless runs set wait_queries so a query
 * is answered before the script's next step (deterministic tests). */
#ifndef KIOSK_SERVICES_NET_HOST_H
#define KIOSK_SERVICES_NET_HOST_H

#include <stdint.h>

#include "core/config.h"
#include "core/kerr.h"
#include "net/api.h"
#include "net/outbox.h"
#include "net/seal.h"
#include "services/svc.h"

typedef struct net_host net_host;

/* The codes net_host posts to its wake function. */
typedef enum net_host_event {
  NET_HOST_EV_DELIVERY = 1, /* data1: deliver_event_kind, data2: depth */
  NET_HOST_EV_QUERY = 2     /* data1: the query ticket that was answered */
} net_host_event;

typedef struct net_host_config {
  const config *cfg;           /* read during create only */
  const char *content_version; /* for envelopes and heartbeats; may be NULL */
  int wait_queries;            /* 1: net_host_query_start waits for the answer */
  /* Wall clock, unix ms (created_at, outbox times); NULL: the system's. */
  int64_t (*now_ms)(void *ud);
  void *clock_ud;
  /* Delivery backoff (0: net/deliver.h defaults); for tests. */
  uint32_t backoff_base_ms, backoff_max_ms;
  svc_wake wake; /* how the workers report (services/svc.h); may be empty */
} net_host_config;

/* Creates the host, opens the outbox and starts the worker threads. Only
 * KERR_NOMEM (or KERR_INVALID without cfg) fails: a missing key, outbox or
 * backend leaves a host that refuses submission (net_host_submit_ready) and
 * says why in the log. *out is the caller's (net_host_destroy). */
kerr net_host_create(const net_host_config *c, net_host **out);

/* Stops the threads (within about a second each), closes the outbox and
 * frees. NULL is accepted. */
void net_host_destroy(net_host *h);

/* --- submission (used by submit.c) --- */

/* KERR_OK when applications can be taken; KERR_CRYPTO without a usable seal
 * key, KERR_IO without an outbox. NULL h gives KERR_STATE. */
kerr net_host_submit_ready(const net_host *h);
/* The outbox, or NULL. Borrowed for the host's life. */
outbox *net_host_outbox(net_host *h);
/* The backend's sealing key, or NULL without one. */
const unsigned char *net_host_seal_key(const net_host *h);
const char *net_host_device_id(const net_host *h);
const char *net_host_region(const net_host *h);
const char *net_host_content_version(const net_host *h);
/* Records the bundle now in use (after an update was swapped in), for
 * heartbeats and envelopes. UI thread; the heartbeat thread copies it under
 * the host's lock. */
void net_host_set_content_version(net_host *h, const char *version);
/* Wall clock in unix ms (injected or the system's). */
int64_t net_host_now_ms(const net_host *h);
/* Wakes the delivery worker (after an enqueue). */
void net_host_kick(net_host *h);

/* Whether the outbox can take an application now: KERR_OK; KERR_IO when
 * there is none (it could not be opened or created: a read-only or missing
 * data folder, a foreign file, a damaged file that could not be moved);
 * KERR_FULL when it is at capacity or the delivery worker finds the disk
 * full or failing. The 申请救助 entry asks this before any form starts. */
kerr net_host_outbox_health(net_host *h);

/* 1 when the application with this uuid has reached the backend, 0 while
 * it waits (or the host, outbox or row is missing). The receipt screen asks
 * after each delivery event, so it says 「已经送到」 only when it is true. */
int net_host_delivered(net_host *h, const char *uuid);

/* --- staff view --- */

/* When the outbox file was found damaged at start and moved aside (see
 * outbox_open_salvage): where it is and how many rows were recovered.
 * NULL otherwise. Borrowed for the host's life. */
const outbox_salvage *net_host_salvage(const net_host *h);

/* 1 while the delivery worker finds the outbox failing (a full disk, an
 * I/O error): the staff menu shows 存储已满. 0 otherwise. */
int net_host_storage_failing(const net_host *h);

/* Counts of the outbox (no personal data). KERR_IO without an outbox. */
kerr net_host_stats(net_host *h, outbox_stats *st);
/* Copies up to max quarantined rows, oldest first. */
kerr net_host_quarantined(net_host *h, outbox_quarantine *list, size_t max,
                          size_t *n);
/* Puts a quarantined row back in the queue and wakes the worker.
 * KERR_NOTFOUND if no quarantined row has this reference. */
kerr net_host_requeue(net_host *h, const char *reference);
/* The last exchange of any kind with the backend (delivery, heartbeat,
 * progress query): 1 it answered, 0 it could not be reached, -1 none yet;
 * *at_ms its wall-clock time (0 when none). */
int net_host_last_exchange(net_host *h, int64_t *at_ms);
/* Copies the last delivery error ("" if none) into buf. */
void net_host_last_error(net_host *h, char *buf, size_t size);

/* --- progress queries --- */

/* Starts a query on the query thread. reference and last4 are copied and
 * wiped after use. *ticket identifies the answer. KERR_BUSY while another
 * query is in flight, KERR_STATE without a host. With wait_queries the
 * answer is ready (and its event posted) when this returns. */
kerr net_host_query_start(net_host *h, const char *reference,
                          const char *last4, uint32_t *ticket);

/* Takes the answer of query `ticket`: KERR_BUSY while it is still running,
 * KERR_NOTFOUND if there is no such query (taken or cancelled); otherwise
 * KERR_OK with *outcome = api_status()'s result and *r filled (wiped inside
 * the host). r may be NULL. */
kerr net_host_query_take(net_host *h, uint32_t ticket, kerr *outcome,
                         api_status_result *r);

/* Forgets query `ticket` (its answer is wiped when it arrives). */
void net_host_query_cancel(net_host *h, uint32_t ticket);

#endif
