/* ime_host: the input-method service, owner of the two engines (pinyin and
 * handwriting, core/ime.h) and of the applicant's choice between them, as
 * one ime_set that keyboards borrow.
 *
 * The engines are loaded on demand, each on its own: nothing at start, so
 * a kiosk that only shows policies, runs the screener or answers progress
 * queries never pays for them (librime and its table ~10 MiB, the zinnia
 * model 25 MiB, mapped). ime_set_want() creates one — pinyin when a form
 * screen opens or a keyboard is bound to a name or text field, handwriting
 * only when an applicant picks it — in its own worker thread, so that costs
 * well under a millisecond, and keyboards show "输入法准备中" until it is
 * ready (the engines wake the shell through svc_wake when a load or an
 * answer is done; nothing polls). They stay while the kiosk is in use and
 * are released once it has been idle (no session) for release_after_s
 * seconds after the last want or session end.
 *
 * Registered as a session wiper: when a session ends the pinyin engine is
 * reset (composition and everything it learned dropped, its learning folder
 * deleted) — or, with release_after_s 0, both engines are released at once
 * — the handwriting strokes are cleared and the remembered choice of
 * pinyin or handwriting is forgotten.
 *
 * The table of a word per character that candidates are said with
 * (core/charwords.h) is read with the first engine asked for and kept.
 *
 * An engine that cannot be started (missing data) is NULL: keyboards then
 * offer what remains. Everything here runs on the UI thread. */
#ifndef KIOSK_SERVICES_IME_HOST_H
#define KIOSK_SERVICES_IME_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ime.h"
#include "core/session.h"
#include "services/svc.h"

typedef struct ime_host ime_host;

typedef struct ime_host_config {
  /* The strings are borrowed: they must outlive the host. */
  const char *rime_dir; /* NULL: the installed rime folder */
  const char *tmp_dir;  /* learning folders (tmpfs); NULL: /tmp */
  const char *hand_model; /* NULL: ime_hand_default_model() */
  /* Woken (source SVC_IME) when an engine has loaded or the handwriting
   * engine has an answer, so the keyboard shows it in the next frame
   * without polling; may be empty. */
  svc_wake wake;
  /* Seconds without a session before loaded engines are released;
   * 0: at every session end. */
  int release_after_s;
} ime_host_config;

/* Makes the service (no engine is loaded yet) and registers the session
 * wiper on s, which must outlive the host. *out is owned by the caller
 * (ime_host_destroy). Only KERR_NOMEM or a full wiper table fail. */
kerr ime_host_create(const ime_host_config *cfg, session *s, ime_host **out);

/* Stops and frees both engines (waits for a load in progress). NULL ok. */
void ime_host_destroy(ime_host *h);

/* The engines and the choice, borrowed for the host's life; NULL for a
 * NULL host. The engine pointers change when they are loaded or released:
 * read them from the set, never keep them. */
ime_set *ime_host_set(ime_host *h);

/* Releases loaded engines whose idle time is up (now_ms: the session's
 * clock). Returns the milliseconds until it wants to be called again, or
 * UINT64_MAX when nothing is loaded. NULL ok. */
uint64_t ime_host_tick(ime_host *h, uint64_t now_ms);

/* For shutdown: releases the engines at once and loads none any more, so
 * the session end that follows does not rebuild an engine about to be
 * destroyed. NULL ok. */
void ime_host_close(ime_host *h);

/* True while an engine is still loading or owes an answer (a handwriting
 * recognition in flight). Scripted runs with a virtual clock wait for it
 * in real time after a `wait` (shell/script.c). */
bool ime_host_busy(ime_host *h);

#endif
