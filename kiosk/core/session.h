/* session: one applicant's visit, from the first touch to the wipe.
 *
 * Owns the inactivity timer and the single wipe path. Every module that holds
 * personal data registers a wipe callback once; session_end() calls them all
 * (most recent first), so ending by timeout, by the 结束 button or by a
 * staff sign-out all forget the same things. Time is passed in (milliseconds
 * from any monotonic origin) so tests control it. */
#ifndef KIOSK_CORE_SESSION_H
#define KIOSK_CORE_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "core/kerr.h"

#define SESSION_MAX_WIPERS 32

typedef enum session_state {
  SESSION_IDLE = 0, /* nobody is using the kiosk (home or attract screen) */
  SESSION_ACTIVE,   /* someone is using it */
  SESSION_WARNING   /* inactive too long: the countdown is showing */
} session_state;

typedef void (*session_wipe_fn)(void *ud);

typedef struct session {
  session_state state;
  uint64_t last_input_ms;
  uint64_t inactivity_ms;
  uint64_t warning_ms;
  unsigned generation; /* increases with every session_end() */
  struct {
    session_wipe_fn fn;
    void *ud;
  } wipers[SESSION_MAX_WIPERS];
  size_t n_wipers;
} session;

/* Initialises an idle session with the given timeouts (seconds). */
void session_init(session *s, int inactivity_s, int warning_s);

/* Registers fn(ud) to be called by every session_end(). KERR_LIMIT when
 * SESSION_MAX_WIPERS are already registered. */
kerr session_add_wiper(session *s, session_wipe_fn fn, void *ud);

/* Records input at now_ms: starts a session if idle, cancels a warning. */
void session_touch(session *s, uint64_t now_ms);

typedef enum session_event {
  SESSION_EV_NONE = 0,
  SESSION_EV_WARN,   /* the warning has just started */
  SESSION_EV_EXPIRE  /* the countdown ran out: call session_end() */
} session_event;

/* Advances the timer to now_ms and says what happened. */
session_event session_poll(session *s, uint64_t now_ms);

/* Milliseconds until the next session_poll() event, or UINT64_MAX if none
 * (idle). The main loop sleeps at most this long. */
uint64_t session_next_deadline(const session *s, uint64_t now_ms);

/* Whole seconds left on the warning countdown (rounded up); 0 outside it. */
int session_warning_left_s(const session *s, uint64_t now_ms);

/* Ends the session: calls every wiper, returns to SESSION_IDLE. */
void session_end(session *s);

/* Overwrites n bytes at p with zeros in a way the compiler cannot elide. */
void session_wipe_bytes(void *p, size_t n);

/* Overwrites every string, key and number of the JSON tree at root (root
 * and everything below it) the same way, before it is freed. NULL ok. */
struct cJSON;
void session_wipe_json(struct cJSON *root);

#endif
