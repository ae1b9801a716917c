/* deliver: the worker thread that empties the outbox into the backend.
 *
 * It claims the oldest due row, POSTs its envelope, and records the outcome:
 *   201/200                    -> delivered
 *   409 duplicate_reference    -> next reference, envelope rewritten, sent
 *                                 again at once (outbox_rereference)
 *   other 409                  -> quarantined ("conflict"), never re-sent
 *   other 4xx that cannot pass -> quarantined with the reason
 *   5xx, 429, timeouts, TLS and network errors, odd answers
 *                              -> queued again, due after an exponential
 *                                 backoff with jitter; the worker also pauses
 *                                 as a whole so a dead link is not hammered.
 * Resending is safe: the uuid is the backend's idempotency key.
 *
 * Rows are delivered in batches (deliver_config.batch): one claim for the
 * batch, one POST per row, one durable transaction recording every outcome,
 * so a long queue costs a fraction of an fdatasync per application. The
 * first row of a batch goes alone; once it is through, the others go over
 * up to deliver_config.parallel connections at once (each its own TLS
 * session), so a long queue does not wait for one round trip at a time. After
 * a temporary failure or a stop, the rows of the batch not yet sent go back
 * to the queue untouched; a crash mid-batch re-sends those already sent.
 *
 * Progress is reported through a callback on the worker thread (the UI turns
 * it into events of its own). deliver_stop() returns within a second even in
 * the middle of a transfer. Time and randomness can be injected for tests. */
#ifndef KIOSK_NET_DELIVER_H
#define KIOSK_NET_DELIVER_H

#include <stdint.h>

#include "api.h"
#include "core/kerr.h"
#include "outbox.h"

typedef struct deliver deliver;

typedef enum deliver_event_kind {
  DELIVER_EV_DELIVERED,    /* one application reached the backend */
  DELIVER_EV_QUARANTINED,  /* one application set aside for staff */
  DELIVER_EV_RETRY,        /* a temporary failure; will try again */
  DELIVER_EV_IDLE,         /* nothing is due any more */
  DELIVER_EV_STORAGE       /* the outbox itself failed (err says how);
                              the worker reports it once, when the failures
                              start, then retries after a pause doubling
                              from storage_base_ms to storage_max_ms */
} deliver_event_kind;

typedef struct deliver_event {
  deliver_event_kind kind;
  char reference[REFNO_BUF];  /* empty for IDLE and STORAGE */
  int http_status;            /* 0 if there was no HTTP answer */
  kerr err;                   /* KERR_OK for DELIVERED/IDLE */
  const char *detail;         /* short English reason; borrowed for the call */
  uint32_t depth;             /* rows still waiting after this event */
  uint32_t retry_in_ms;       /* RETRY: pause before the next attempt */
  int64_t next_due_ms;        /* IDLE: when a waiting row is due, or
                                 INT64_MAX if none is waiting */
} deliver_event;

typedef struct deliver_config {
  outbox *ob;                 /* borrowed; must outlive the worker */
  api_config api;             /* the worker makes its own client from it */
  void (*on_event)(const deliver_event *ev, void *ud); /* may be NULL */
  void *ud;
  int64_t (*now_ms)(void *ud);   /* wall clock, unix ms; NULL: the system's */
  uint32_t (*random)(void *ud);  /* NULL: libsodium randombytes_random */
  void *hook_ud;
  uint32_t backoff_base_ms;   /* first retry delay; 0 -> 2000 */
  uint32_t backoff_max_ms;    /* cap; 0 -> 300000 (5 minutes) */
  uint32_t idle_poll_ms;      /* re-check an idle queue; 0 -> 30000 */
  int64_t keep_delivered_ms;  /* delivered rows are pruned after this, when
                                 idle, at most hourly; 0 -> 30 days */
  uint32_t storage_base_ms;   /* first pause after an outbox failure (full
                                 disk, I/O error); 0 -> 1000 */
  uint32_t storage_max_ms;    /* cap of that pause; 0 -> 300000 */
  size_t batch;               /* rows per batch; 0 -> 32, at most
                                 DELIVER_BATCH_MAX */
  size_t parallel;            /* connections sending a batch at once; 0 -> 4,
                                 at most DELIVER_PARALLEL_MAX; 1 sends one
                                 row at a time */
} deliver_config;

#define DELIVER_BATCH_MAX 64
#define DELIVER_PARALLEL_MAX 8

/* Creates a worker (not started). Copies cfg; creates the api client.
 * KERR_INVALID without an outbox, or the errors of api_create(). */
kerr deliver_create(const deliver_config *cfg, deliver **out);

/* Starts the worker thread. KERR_STATE if already started or stopped. */
kerr deliver_start(deliver *d);

/* Wakes the worker now (call after outbox_enqueue()). Any thread. */
void deliver_kick(deliver *d);

/* Stops the worker: the transfer in progress is abandoned (its row goes back
 * to the queue) and the thread is joined, within about a second. */
void deliver_stop(deliver *d);

/* Stops if needed and frees the worker. NULL is accepted. */
void deliver_destroy(deliver *d);

/* Delivers at most one due row on the calling thread (for tools, tests and
 * benchmarks; not while the thread runs). *ev (may be NULL) gets what
 * happened. KERR_NOTFOUND when nothing is due; otherwise the outbox's error,
 * or KERR_OK whatever the delivery outcome was (see ev->kind). */
kerr deliver_step(deliver *d, deliver_event *ev);

/* deliver_step() for a batch of up to max (<= DELIVER_BATCH_MAX) due rows:
 * evs[0..*n) gets one event per row sent, in order (the last may be the
 * failure or stop that ended the batch early), or the one IDLE or STORAGE event with KERR_NOTFOUND or
 * the outbox's error. The events' details are valid until the next step.
 * KERR_INVALID for max == 0. */
kerr deliver_step_batch(deliver *d, size_t max, deliver_event *evs,
                        size_t *n);

/* 1 while the outbox fails (from the first failure to the next success),
 * else 0. Any thread; for the staff menu's 存储已满. */
int deliver_storage_failing(const deliver *d);

/* Delay before attempt number `attempt` (1 = first retry): base * 2^(n-1)
 * capped at max, with "equal jitter": half fixed, half from rnd. */
uint32_t deliver_backoff_ms(uint32_t attempt, uint32_t base, uint32_t max,
                            uint32_t rnd);

#endif
