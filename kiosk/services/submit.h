/* submit: sealing and committing one confirmed application.
 *
 * Two steps, because the sealed plaintext (built by the form engine,
 * docs/protocol.md "The sealed plaintext") carries its own uuid and
 * reference:
 *
 *   submit_reserve()  takes the next reference number from the outbox (the
 *                     sequence is committed first: never handed out twice)
 *                     and a fresh UUID v4, and stamps the time;
 *   (caller)          builds the plaintext JSON with that uuid and reference;
 *   submit_commit()   checks the plaintext carries them, seals it to the
 *                     backend's key (net/seal.h), wipes the plaintext at
 *                     once, commits the envelope to the outbox in one
 *                     transaction and wakes the delivery worker.
 *
 * When submit_commit() returns KERR_OK the application is on disk and will
 * reach the backend whenever it can; the receipt may be shown. Nothing
 * personal ever reaches the disk in clear: the outbox holds only the sealed
 * envelope, whose digest covers the ID number's last four characters, never
 * the characters themselves. A reservation that is never committed leaves a
 * harmless gap in the reference sequence.
 *
 * Runs on the UI thread: sealing and the fsync'd commit take a few
 * milliseconds (docs/submission.md) and the receipt must not be shown before
 * the commit. */
#ifndef KIOSK_APP_SUBMIT_H
#define KIOSK_APP_SUBMIT_H

#include <stddef.h>
#include <stdint.h>

#include "services/net_host.h"
#include "core/kerr.h"
#include "net/refno.h"
#include "net/seal.h"

/* What one reservation hands out; no personal data. */
typedef struct submit_ticket {
  char uuid[SEAL_UUID_BUF];
  char reference[REFNO_BUF];
  char created_at[SEAL_TIME_BUF]; /* local time with offset */
  int64_t created_ms;             /* unix ms */
} submit_ticket;

/* One confirmed application. */
typedef struct submit_request {
  char *plain;   /* the plaintext JSON (caller's buffer); wiped by commit */
  size_t len;    /* its bytes */
  const char *const *items; /* chosen item ids, [a-z0-9_]+ */
  size_t n_items;
  int urgent;               /* form_urgent() of the form it was built from */
  /* Last 4 characters of the applicant's ID number (or, without one, of
   * their own phone number); NULL when there is neither: the envelope's
   * check digest is then null. */
  const char *last4;
  const char *assisted_by;  /* staff id, or NULL */
  const char *kind;         /* NULL / FORM_KIND_APPLICATION, or
                               FORM_KIND_REFERRAL (no items) */
} submit_request;

/* What the progress query will ask for (the receipt says it). */
typedef enum submit_check {
  SUBMIT_CHECK_ID = 0, /* the ID number's last 4 characters */
  SUBMIT_CHECK_PHONE,  /* no ID number: the phone number's last 4 digits */
  SUBMIT_CHECK_NONE    /* neither: not at the kiosk; ask the office */
} submit_check;

/* What the receipt screen shows (the arg of screen_receipt, borrowed
 * during its enter): the outcome of submit_commit() and, when it is
 * KERR_OK, the ticket and the items chosen. No personal data. */
typedef struct submit_receipt {
  kerr result;
  submit_ticket ticket;
  const char *const *items;
  size_t n_items;
  int referral;       /* 1: a 帮别人求助 referral, not an application */
  submit_check check; /* what a progress query will ask for */
} submit_receipt;

/* Reserves a reference and a UUID in *t. KERR_CRYPTO without a seal key and
 * KERR_IO without an outbox (both logged for staff at start-up), KERR_STATE
 * without a host, KERR_RANGE when the device's sequence is exhausted,
 * KERR_FULL / KERR_IO on storage errors. */
kerr submit_reserve(net_host *h, submit_ticket *t);

/* Seals rq->plain for ticket t, wipes rq->plain (always, whatever the
 * result), commits the envelope and wakes delivery. KERR_INVALID if the
 * plaintext does not carry t's uuid and reference, an item id or last4 is
 * malformed (nothing is stored); KERR_LIMIT for a too large plaintext;
 * KERR_FULL when the outbox or disk is full; KERR_IO; the reserve errors. */
kerr submit_commit(net_host *h, const submit_ticket *t, submit_request *rq);

#endif
