/* ime_host: the app-level owner of the two input-method engines (pinyin and
 * handwriting, kiosk/devices/ime.h) and of the applicant's choice between
 * them.
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
#ifndef KIOSK_APP_IME_HOST_H
#define KIOSK_APP_IME_HOST_H

#include "app/app.h"
#include "core/session.h"
#include "devices/ime.h"

typedef struct ime_host ime_host;

/* Side of the square pad the handwriting engine is created with; keyboards
 * map their on-screen pad onto it whatever the screen size. */
#define IME_HOST_PAD 1000

/* The Chinese input method an applicant prefers for names and text. */
typedef enum ime_host_chinese {
  IME_HOST_PINYIN = 0, /* the default for every new session */
  IME_HOST_HAND
} ime_host_chinese;

typedef struct ime_host_config {
  const char *rime_dir; /* NULL: the installed rime folder */
  const char *tmp_dir;  /* learning folders (tmpfs); NULL: /tmp */
  const char *hand_model; /* NULL: ime_hand_default_model() */
} ime_host_config;

/* Starts both engines (non-blocking) and registers the session wiper on s,
 * which must outlive the host. *out is owned by the caller
 * (ime_host_destroy). An engine that fails to start is logged and left
 * NULL; only KERR_NOMEM or a full wiper table fail the call. */
kerr ime_host_create(const ime_host_config *cfg, session *s, ime_host **out);

/* Stops and frees both engines (waits for a load in progress). NULL ok. */
void ime_host_destroy(ime_host *h);

/* The engines, borrowed; NULL if unavailable. */
ime_pinyin *ime_host_pinyin(ime_host *h);
ime_hand *ime_host_hand(ime_host *h);

/* The applicant's choice for this session (pinyin until they switch). */
ime_host_chinese ime_host_chinese_get(const ime_host *h);
void ime_host_chinese_set(ime_host *h, ime_host_chinese c);

/* Counts session ends; a keyboard that saw another value holds stale
 * engine state. */
unsigned ime_host_generation(const ime_host *h);

/* The app's input-method host (NULL if it could not be created). */
ime_host *app_ime(app *a);

/* True while an engine is still loading or owes an answer (a handwriting
 * recognition in flight). Scripted runs with a virtual clock wait for it
 * in real time after a `wait` (app/script.c). */
bool ime_host_busy(ime_host *h);

#endif
