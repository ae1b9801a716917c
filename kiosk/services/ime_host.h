/* ime_host: the input-method service, owner of the two engines (pinyin and
 * handwriting, core/ime.h) and of the applicant's choice between them, as
 * one ime_set that keyboards borrow.
 *
 * Created once with the app: both engines start loading in their own worker
 * threads, so creation costs well under a millisecond and launch never
 * waits; keyboards poll ime_pinyin_ready()/ime_hand_ready() and show
 * "输入法准备中" until then. Registered as a session wiper: when a session
 * ends the pinyin engine is reset (composition and everything it learned
 * dropped, its learning folder deleted), the handwriting strokes are cleared
 * and the remembered choice of pinyin or handwriting is forgotten.
 *
 * An engine that cannot be started (missing data) is NULL: keyboards then
 * offer what remains. Everything here runs on the UI thread. */
#ifndef KIOSK_SERVICES_IME_HOST_H
#define KIOSK_SERVICES_IME_HOST_H

#include <stdbool.h>

#include "core/ime.h"
#include "core/session.h"
#include "services/svc.h"

typedef struct ime_host ime_host;

typedef struct ime_host_config {
  const char *rime_dir; /* NULL: the installed rime folder */
  const char *tmp_dir;  /* learning folders (tmpfs); NULL: /tmp */
  const char *hand_model; /* NULL: ime_hand_default_model() */
  /* Woken (source SVC_IME) when the handwriting engine has an answer or
   * has loaded, so the keyboard shows candidates in the next frame
   * without polling; may be empty. */
  svc_wake wake;
} ime_host_config;

/* Starts both engines (non-blocking) and registers the session wiper on s,
 * which must outlive the host. *out is owned by the caller
 * (ime_host_destroy). An engine that fails to start is logged and left
 * NULL; only KERR_NOMEM or a full wiper table fail the call. */
kerr ime_host_create(const ime_host_config *cfg, session *s, ime_host **out);

/* Stops and frees both engines (waits for a load in progress). NULL ok. */
void ime_host_destroy(ime_host *h);

/* The engines and the choice, borrowed for the host's life; NULL for a
 * NULL host. */
ime_set *ime_host_set(ime_host *h);

/* True while an engine is still loading or owes an answer (a handwriting
 * recognition in flight). Scripted runs with a virtual clock wait for it
 * in real time after a `wait` (shell/script.c). */
bool ime_host_busy(ime_host *h);

#endif
