/* idcard_host: the kiosk's ID card reader service (devices/idcard_reader.h).
 *
 * Created by the shell from idcard.kind / idcard.sim_dir / idcard.library /
 * idcard.port. The reader's worker thread reports through the wake function
 * (SVC_IDCARD, code 1: a card was read or could not be; code 2: the state
 * changed); the screen on top then takes the result on the UI thread
 * (idcard_host_take) — nothing waits on a timer.
 *
 * Invariants:
 *   - a card is read only after idcard_host_start(): the applicant tapped
 *     刷身份证 on an identity question; idcard_host_cancel() stops waiting;
 *   - a session wiper is registered: every session end disarms the reader
 *     and wipes a result not taken;
 *   - a failing or missing reader never blocks anything: start() says
 *     KERR_STATE and the applicant types as without a reader.
 * UI thread only, except the worker inside the device. */
#ifndef KIOSK_SERVICES_IDCARD_HOST_H
#define KIOSK_SERVICES_IDCARD_HOST_H

#include "core/config.h"
#include "core/kerr.h"
#include "core/session.h"
#include "devices/idcard_reader.h"
#include "services/svc.h"

typedef struct idcard_host idcard_host;

typedef struct idcard_host_config {
  const config *cfg; /* idcard.* keys */
  svc_wake wake;
} idcard_host_config;

/* Opens the configured reader (kind none: a host whose reader is always
 * absent) and registers the wiper on s. KERR_NOMEM, KERR_LIMIT (no room for
 * the wiper), the idcard_reader_open errors. */
kerr idcard_host_create(const idcard_host_config *c, session *s,
                        idcard_host **out);
void idcard_host_destroy(idcard_host *h);

/* The reader's state: CONNECTED (已连接), ABSENT (没有接), ERROR (出了故障). */
idcard_reader_state idcard_host_state(idcard_host *h);
/* 1 when a reader is configured (idcard.kind is not none). */
int idcard_host_configured(const idcard_host *h);

/* The applicant asked to read a card: arms the reader. KERR_STATE when it
 * is not connected. */
kerr idcard_host_start(idcard_host *h);
/* Stops waiting for a card; a result not taken is wiped. */
void idcard_host_cancel(idcard_host *h);
/* 1 while waiting for (or reading) a card. */
int idcard_host_waiting(idcard_host *h);
/* The result, once: see idcard_reader_take (the caller wipes *out with
 * idcard_card_wipe). */
int idcard_host_take(idcard_host *h, idcard_card *out,
                     idcard_reader_outcome *outcome);

/* Scripts (the simulated reader): place the card of a JSON file, take it
 * away, wait until a placed card has been read. KERR_STATE when the reader
 * is not simulated. */
kerr idcard_host_sim_place(idcard_host *h, const char *path);
kerr idcard_host_sim_remove(idcard_host *h);
kerr idcard_host_wait(idcard_host *h, int timeout_ms);

#endif
