/* staff_host: who of the staff is signed in at this kiosk.
 *
 * A sign-in belongs to the session in which it happened: session_end()
 * (the 结束 button, the inactivity timeout, 退出登录) signs out, through a
 * wiper registered at creation. While someone is signed in every
 * application submitted carries their staff id as assisted_by (代办), the
 * top bar of every screen says so, and the staff menu is open to them.
 *
 * Accounts come from the active bundle's staff.json (core/staff.h), read
 * at each attempt, so a bundle update brings new accounts without a
 * restart; the lockout guard lives as long as the host. PIN buffers are
 * wiped by staff_check. Runs on the UI thread only. Logs name staff ids
 * (they are work identifiers, not applicants' data), never PINs. */
#ifndef KIOSK_APP_STAFF_HOST_H
#define KIOSK_APP_STAFF_HOST_H

#include <stdint.h>

#include "core/session.h"
#include "core/staff.h"

typedef struct staff_host staff_host;

/* A host with nobody signed in; registers its sign-out wiper on s, which
 * must outlive it. *out is the caller's. KERR_NOMEM, KERR_LIMIT (the
 * session's wiper table is full). */
kerr staff_host_create(session *s, staff_host **out);

/* Frees the host (the signed-in record wiped). NULL is accepted. */
void staff_host_destroy(staff_host *h);

/* Tries to sign in with the accounts of bundle c at now_ms (monotonic).
 * pin is wiped whatever happens. Results and *why as staff_check(); on
 * KERR_OK the person is signed in until the session ends. KERR_STATE if h
 * is NULL. */
kerr staff_host_sign_in(staff_host *h, const content *c, const char *id,
                        char *pin, uint64_t now_ms, staff_refusal *why);

/* The signed-in person, or NULL. Borrowed until the sign-out. */
const staff_who *staff_host_who(const staff_host *h);

/* 1 if an administrator is signed in. */
int staff_host_is_admin(const staff_host *h);

#endif
