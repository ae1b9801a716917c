/* outbox: the durable queue of sealed applications waiting for the backend.
 *
 * One SQLite file (WAL, synchronous=FULL). An application is committed in
 * one transaction with its UUID, reference and envelope (which carries only
 * the sealed payload and non-personal metadata); once outbox_enqueue()
 * returns KERR_OK it survives kill -9 and power loss. Row states:
 *
 *   queued -> sending -> delivered
 *      ^         |  \--> quarantined (with reason; never retried by itself)
 *      +---------+  (retry later; a "sending" row found on open is queued)
 *
 * Delivery works in batches: outbox_claim_batch() moves up to n due rows to
 * "sending" in one transaction, outbox_mark_batch() records all their
 * outcomes in one durable transaction. A claim alone is not made durable
 * (it is committed without fdatasync): lost in a power cut, its rows are
 * simply queued, as after a crash. Re-sending a row whose delivery was not
 * yet recorded is safe: the uuid is the backend's idempotency key.
 *
 * The outbox is bounded: at most `capacity` undelivered rows (queued,
 * sending, quarantined) and, optionally, at most max_db_bytes on disk. A
 * warning flag is raised at warn_percent of capacity. A full outbox or a
 * full disk gives KERR_FULL, an I/O error KERR_IO; a failed write never
 * touches rows committed before it.
 *
 * The per-device reference sequence lives here too, so that references stay
 * unique for as long as the outbox file does.
 *
 * Thread safety: every function may be called from any thread; calls are
 * serialised by an internal mutex and each holds it only for one short
 * transaction (never during network I/O). */
#ifndef KIOSK_NET_OUTBOX_H
#define KIOSK_NET_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "core/kerr.h"
#include "refno.h"
#include "seal.h"

typedef struct outbox outbox;

typedef enum outbox_state {
  OUTBOX_QUEUED = 0,
  OUTBOX_SENDING = 1,
  OUTBOX_DELIVERED = 2,
  OUTBOX_QUARANTINED = 3
} outbox_state;

#define OUTBOX_REASON_MAX 200       /* bytes kept of a quarantine reason */
/* an envelope: the base64 of at most SEAL_PLAINTEXT_MAX sealed, and its
 * few fields */
#define OUTBOX_ENVELOPE_MAX (12u * 1024u * 1024u)

typedef struct outbox_config {
  const char *path;           /* SQLite file; ":memory:" only for unit tests */
  uint32_t capacity;          /* max undelivered rows; 0 -> 1000 */
  uint32_t warn_percent;      /* warning threshold; 0 -> 80 */
  uint64_t max_db_bytes;      /* 0 -> no limit besides the disk */
  const char *ref_prefix;     /* 2-character device prefix (refno.h) */
} outbox_config;

/* Counts for staff and heartbeat. No personal data. */
typedef struct outbox_stats {
  uint32_t queued;
  uint32_t sending;
  uint32_t delivered;
  uint32_t quarantined;
  uint32_t capacity;
  uint32_t depth;             /* queued + sending */
  int warn;                   /* undelivered >= warn_percent of capacity */
  int full;                   /* undelivered >= capacity */
} outbox_stats;

/* A row claimed for delivery. Owned by the caller; release with
 * outbox_item_free(). */
typedef struct outbox_item {
  int64_t id;
  char uuid[SEAL_UUID_BUF];
  char reference[REFNO_BUF];
  char *envelope;             /* NUL-terminated JSON */
  size_t envelope_len;
  uint32_t attempts;          /* including this one */
} outbox_item;

/* One quarantined row as shown to staff. */
typedef struct outbox_quarantine {
  char reference[REFNO_BUF];
  char uuid[SEAL_UUID_BUF];
  char reason[OUTBOX_REASON_MAX + 1];
  int http_status;            /* 0 if none */
  int64_t created_ms;         /* unix ms, enqueued */
  int64_t quarantined_ms;     /* unix ms */
  uint32_t attempts;
} outbox_quarantine;

/* A row the backend made the kiosk renumber: the reference on the
 * applicant's receipt and the one the backend knows it by. */
typedef struct outbox_renamed {
  char printed[REFNO_BUF];    /* on the receipt */
  char reference[REFNO_BUF];  /* sent, and what a progress query needs */
  char uuid[SEAL_UUID_BUF];
  outbox_state state;
} outbox_renamed;

/* Opens (creating if needed) the outbox. Rows left in "sending" by a crash
 * go back to "queued". KERR_INVALID for a bad config, KERR_IO if the file
 * cannot be opened or is not an outbox, KERR_FULL if the disk is full. */
kerr outbox_open(const outbox_config *cfg, outbox **out);

/* What outbox_open_salvage() did with a damaged file. No personal data:
 * counts and a path. */
#define OUTBOX_PATH_MAX 1024
typedef struct outbox_salvage {
  int moved;               /* 1: the file was damaged and has been moved */
  char moved_to[OUTBOX_PATH_MAX]; /* where it is now ("" when not moved) */
  uint32_t recovered;      /* rows copied from it into the fresh outbox */
  int seq_unknown;         /* its reference sequence could not be read:
                              the new one was moved on by OUTBOX_SEQ_MARGIN */
} outbox_salvage;

/* How far the reference sequence of a fresh outbox is moved past the last
 * reference seen when the damaged file's own sequence is unreadable, so
 * that references handed out in rows that were lost are not reused. */
#define OUTBOX_SEQ_MARGIN 1000

/* outbox_open(), but a file that SQLite finds damaged (not a database, or
 * PRAGMA integrity_check fails) is not given up: it is renamed, intact,
 * to "<path>.damaged-YYYYMMDD-HHMMSS" (local time of now_s; its -wal and
 * -shm files with it; never deleted), a fresh outbox is created at path,
 * and every row that can still be read from the old file is copied into it
 * as it was (sealed envelopes byte for byte; "sending" becomes "queued"),
 * in one transaction. Its reference sequence is carried over (see
 * OUTBOX_SEQ_MARGIN). *rep (may be NULL) says what happened. A file that is
 * readable but foreign, or a folder that cannot be written, is not moved:
 * the errors are outbox_open()'s. */
kerr outbox_open_salvage(const outbox_config *cfg, int64_t now_s,
                         outbox **out, outbox_salvage *rep);

/* Puts every "sending" row back to "queued" (what outbox_open() does after
 * a crash). For a delivery worker that could not record an outcome. */
kerr outbox_recover(outbox *ob);

/* Number of rows waiting for delivery (queued + sending); cheap. */
kerr outbox_depth(outbox *ob, uint32_t *depth);

/* Closes the database and frees ob. NULL is accepted. */
void outbox_close(outbox *ob);

/* Takes the next reference number of this device and commits the new
 * sequence before returning, so it is never handed out twice even across a
 * crash (an abandoned reference leaves a harmless gap). KERR_RANGE when the
 * sequence space is exhausted, KERR_FULL / KERR_IO on storage errors. */
kerr outbox_next_reference(outbox *ob, char out[REFNO_BUF]);

/* Commits one application in one transaction. The envelope is stored as is
 * and re-sent byte for byte. now_ms is the caller's clock. KERR_FULL if the
 * outbox is at capacity or the disk is full, KERR_CONFLICT if the uuid or the
 * reference is already stored, KERR_INVALID for bad arguments, KERR_IO. */
kerr outbox_enqueue(outbox *ob, const char *uuid, const char *reference,
                    const char *envelope, size_t envelope_len,
                    int64_t now_ms);

/* Claims the oldest queued row due at now_ms, marks it "sending" and copies
 * it into *it. KERR_NOTFOUND if none is due; *next_due_ms (may be NULL) then
 * gets the earliest due time of a queued row or INT64_MAX if none. */
kerr outbox_claim(outbox *ob, int64_t now_ms, outbox_item *it,
                  int64_t *next_due_ms);

/* A batch claimed at once stops adding rows once their envelopes reach this
 * many bytes (the first row is always taken), so memory stays bounded. */
#define OUTBOX_CLAIM_BYTES (1024u * 1024u)

/* outbox_claim() for up to max rows (oldest due first) in one transaction,
 * not synced to disk (see the top of this file). items[0..max) is zeroed,
 * the first *n filled; free each with outbox_item_free(). KERR_NOTFOUND
 * (and *n == 0) if none is due, KERR_INVALID for max == 0. */
kerr outbox_claim_batch(outbox *ob, int64_t now_ms, outbox_item *items,
                        size_t max, size_t *n, int64_t *next_due_ms);

typedef enum outbox_outcome {
  OUTBOX_MARK_DELIVERED = 0,  /* as outbox_mark_delivered() */
  OUTBOX_MARK_RETRY,          /* as outbox_mark_retry() */
  OUTBOX_MARK_QUARANTINED,    /* as outbox_mark_quarantined() */
  OUTBOX_MARK_RELEASED        /* "sending" -> "queued", due as it was, the
                                 attempt not counted: claimed but not sent */
} outbox_outcome;

/* The outcome of one claimed row. reason is borrowed for the call. */
typedef struct outbox_mark {
  int64_t id;
  outbox_outcome outcome;
  int http_status;            /* DELIVERED, QUARANTINED */
  int64_t due_ms;             /* RETRY */
  const char *reason;         /* RETRY (may be NULL), QUARANTINED */
} outbox_mark;

/* Records the outcomes of n claimed rows in one durable transaction, all or
 * none: KERR_STATE (nothing recorded) if one of them is not "sending",
 * KERR_FULL / KERR_IO on storage errors. n == 0 does nothing. */
kerr outbox_mark_batch(outbox *ob, const outbox_mark *marks, size_t n,
                       int64_t now_ms);

/* Frees what outbox_claim() put in *it. */
void outbox_item_free(outbox_item *it);

/* "sending" -> "delivered"; the sealed envelope is dropped, the row kept for
 * counts until outbox_prune(). KERR_STATE if the row is not "sending". */
kerr outbox_mark_delivered(outbox *ob, int64_t id, int http_status,
                           int64_t now_ms);

/* "sending" -> "queued", due again at due_ms; reason is kept as the last
 * error (short English, no personal data). */
kerr outbox_mark_retry(outbox *ob, int64_t id, int64_t due_ms,
                       const char *reason, int64_t now_ms);

/* "sending" -> "quarantined" with reason and HTTP status. The envelope is
 * kept untouched for staff to inspect or re-queue. */
kerr outbox_mark_quarantined(outbox *ob, int64_t id, int http_status,
                             const char *reason, int64_t now_ms);

/* "sending" -> "queued" (due at now_ms) under a new reference with the
 * envelope rewritten for it (seal_envelope_rereference), for a backend that
 * already holds another application of this device under the old one. The
 * first reference (the one printed) is kept for staff (outbox_renamed_list);
 * the uuid stays. KERR_STATE if the row is not "sending", KERR_CONFLICT if
 * the reference is taken, KERR_INVALID for bad arguments. */
kerr outbox_rereference(outbox *ob, int64_t id, const char *reference,
                        const char *envelope, size_t envelope_len,
                        const char *reason, int64_t now_ms);

/* Copies up to max renumbered rows, newest first, into list (delivered ones
 * too, until outbox_prune() removes them); *n gets the number copied. */
kerr outbox_renamed_list(outbox *ob, outbox_renamed *list, size_t max,
                         size_t *n);

/* Staff action: puts a quarantined row (by reference) back in the queue.
 * KERR_NOTFOUND if no quarantined row has that reference. */
kerr outbox_requeue(outbox *ob, const char *reference, int64_t now_ms);

/* Fills *st. KERR_IO on a database error. */
kerr outbox_stats_get(outbox *ob, outbox_stats *st);

/* Copies up to max quarantined rows, oldest first, into list; *n gets the
 * number copied. */
kerr outbox_quarantine_list(outbox *ob, outbox_quarantine *list, size_t max,
                            size_t *n);

/* Deletes delivered rows delivered before before_ms; *n (may be NULL) gets
 * the number removed. */
kerr outbox_prune(outbox *ob, int64_t before_ms, uint32_t *n);

/* State of the row with this uuid (tests and diagnostics). KERR_NOTFOUND. */
kerr outbox_state_of(outbox *ob, const char *uuid, outbox_state *state);

#endif
