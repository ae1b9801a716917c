/* ime: the kiosk's Chinese input methods, behind two small interfaces that
 * the on-screen keyboard widget drives (the widget draws; these only think).
 *
 * This header is a contract: it lives in core so that the keyboard
 * (kiosk/widgets/kbd.c) and the engines' owner (services/ime_host.c) can
 * both see it; the engines themselves are implemented in kiosk/devices/
 * (ime_pinyin.c with librime, ime_hand.c with zinnia).
 *
 *   ime_pinyin  pinyin by librime (luna pinyin, Simplified Chinese output):
 *               feed keys, show the composition and one page of candidates,
 *               page on to rarer characters, pick one, take committed text.
 *   ime_hand    handwriting by zinnia (Simplified Chinese model): collect
 *               strokes on a pad of known size, recognise the character.
 *
 * Start-up: ime_*_create() only checks its paths and starts a worker thread
 * that loads the engine, so it returns in well under a millisecond and the
 * kiosk's launch never waits for an input method. The kiosk creates them
 * only when a session needs text entry (ime_set_want()). ime_*_ready() tells
 * (without blocking) whether the engine is loaded; until then the calls that
 * need the engine return KERR_BUSY and change nothing, so the keyboard shows
 * itself as "输入法准备中" and enables itself once ready. ime_*_wait() blocks
 * until loading has ended (tests, the benchmark, shutdown).
 *
 * Threads: apart from its worker, each object is used from one thread (the
 * UI thread). The handwriting worker also recognises off the UI thread on
 * request (ime_hand_recognize_start/_poll). librime is a process-wide
 * singleton: at most one ime_pinyin exists at a time (a second create
 * returns KERR_BUSY).
 *
 * Personal data: what an applicant types — pinyin, candidates, committed
 * text, strokes — lives in these objects only, is wiped (sodium_memzero) by
 * clear/reset/destroy and is never logged. Pinyin learning (the engine
 * ranking an applicant's words higher) lives in a temporary folder that
 * ime_pinyin_reset() deletes, so the next applicant never sees it. */
#ifndef KIOSK_CORE_IME_H
#define KIOSK_CORE_IME_H

#include <stdbool.h>
#include <stddef.h>

#include "core/kerr.h"

/* ---- pinyin ---------------------------------------------------------- */

/* Most candidates on one page (the schema shows 9, picked with 1–9). */
#define IME_PINYIN_PAGE_MAX 10
/* Longest pinyin input accepted for one composition, in keys. */
#define IME_PINYIN_INPUT_MAX 48
/* Buffer sizes in bytes, NUL included. Longer texts are cut at a character
 * boundary (a sentence candidate for 48 keys fits comfortably). */
#define IME_PINYIN_PREEDIT_MAX 256
#define IME_PINYIN_TEXT_MAX 160
#define IME_PINYIN_COMMENT_MAX 64
/* Most committed text held until ime_pinyin_take_commit(). */
#define IME_PINYIN_COMMIT_MAX 512

/* Keys besides 'a'–'z' (upper case is folded), '\'' (syllable separator)
 * and '1'–'9' (pick on the current page): */
enum {
  IME_KEY_BACKSPACE = 0x08,
  IME_KEY_ENTER = 0x0d,     /* commit the letters as typed */
  IME_KEY_ESCAPE = 0x1b,    /* drop the composition */
  IME_KEY_SPACE = 0x20,     /* commit the highlighted (first) candidate */
  IME_KEY_PAGE_UP = 0x100,
  IME_KEY_PAGE_DOWN = 0x101
};

typedef struct ime_pinyin ime_pinyin;

typedef struct ime_pinyin_config {
  /* Deployed rime folder (see kiosk/devices/devices.cmake); NULL: the
   * installed one, ime_pinyin_default_data_dir() (/usr/share/kiosk/rime).
   * A build tree's own is ${CMAKE_BINARY_DIR}/rime. */
  const char *data_dir;
  /* Folder in which each applicant's temporary learning folder is made;
   * NULL: "/tmp". Point it at a tmpfs (e.g. /run/kiosk) on the kiosk. */
  const char *tmp_dir;
  /* Called on the worker thread when a load (at create or after a reset)
   * has ended, ready or failed, so the UI is woken instead of polling;
   * must not block. May be NULL. */
  void (*notify)(void *ud);
  void *notify_ud;
} ime_pinyin_config;

typedef struct ime_candidate {
  char text[IME_PINYIN_TEXT_MAX];
  char comment[IME_PINYIN_COMMENT_MAX]; /* often "" */
} ime_candidate;

/* What the keyboard shows. Borrowed from the engine: valid and unchanged
 * until the next call that feeds, selects, clears or resets. */
typedef struct ime_pinyin_view {
  /* The composition, segmented for display ("zhang san", "张san");
   * "" when nothing is being composed. */
  char preedit[IME_PINYIN_PREEDIT_MAX];
  int n;           /* candidates on this page, 0..IME_PINYIN_PAGE_MAX */
  ime_candidate cand[IME_PINYIN_PAGE_MAX];
  int page;        /* 0-based page number */
  bool has_more;   /* a later page exists (page down shows it) */
  int highlighted; /* index on this page that space would commit */
} ime_pinyin_view;

/* The installed rime folder (/usr/share/kiosk/rime). Static. */
const char *ime_pinyin_default_data_dir(void);

/* Checks the paths and starts loading in a worker thread; *out is owned by
 * the caller (ime_pinyin_destroy). Does not wait for the engine.
 * KERR_NOTFOUND if the deployed schema is missing, KERR_LIMIT if a path is
 * too long, KERR_BUSY if another ime_pinyin exists, KERR_NOMEM. */
kerr ime_pinyin_create(const ime_pinyin_config *cfg, ime_pinyin **out);

/* True once the engine is loaded and keys are accepted. Never blocks. */
bool ime_pinyin_ready(ime_pinyin *p);

/* True while a load (at create or after a reset) is in progress; false once
 * it has ended, ready or failed. Never blocks. */
bool ime_pinyin_loading(ime_pinyin *p);

/* Blocks until loading has ended; KERR_OK if the engine is usable, else the
 * loading error (KERR_IO, KERR_INVALID, KERR_NOMEM). */
kerr ime_pinyin_wait(ime_pinyin *p);

/* Ends the session, wipes and deletes its learning folder, frees. NULL ok.
 * Waits for a load still in progress. */
void ime_pinyin_destroy(ime_pinyin *p);

/* Feeds one key (see IME_KEY_*). *handled tells whether the input method
 * used it; when false (e.g. backspace or a digit with nothing composed) the
 * text field should act on the key itself. KERR_BUSY before ready,
 * KERR_LIMIT if the composition is already IME_PINYIN_INPUT_MAX keys long
 * (the key is dropped, *handled is true), KERR_STATE if loading failed. */
kerr ime_pinyin_feed(ime_pinyin *p, int key, bool *handled);

/* Picks candidate i (0-based) of the current page. KERR_RANGE if there is
 * no such candidate, KERR_BUSY before ready. */
kerr ime_pinyin_select(ime_pinyin *p, int i);

/* The current composition and candidate page (never NULL; empty before
 * ready). Borrowed, see ime_pinyin_view. */
const ime_pinyin_view *ime_pinyin_view_get(const ime_pinyin *p);

/* Copies the text committed since the last take into buf (NUL-terminated)
 * and wipes it from the engine. "" if nothing was committed. KERR_LIMIT if
 * buf is too small (nothing is taken then); cap >= IME_PINYIN_COMMIT_MAX
 * always suffices. */
kerr ime_pinyin_take_commit(ime_pinyin *p, char *buf, size_t cap);

/* Drops the composition and any untaken committed text. */
void ime_pinyin_clear(ime_pinyin *p);

/* Ends the applicant's session. At once: the composition and committed
 * text are wiped and keys are refused (KERR_BUSY, ready() false). Then, in
 * the worker, the engine is shut down (every in-memory cache dropped), the
 * learning folder is overwritten and deleted, and a fresh engine with an
 * empty folder is loaded. So no key reaches an engine that knows anything
 * typed before the reset. Waits for a load still in progress. KERR_NOMEM if
 * the worker cannot start (the old engine is stopped all the same). */
kerr ime_pinyin_reset(ime_pinyin *p);

/* ---- handwriting ----------------------------------------------------- */

#define IME_HAND_MAX_STROKES 64     /* more than any Chinese character */
#define IME_HAND_MAX_POINTS 4096    /* all strokes together */
#define IME_HAND_STROKE_POINTS 512  /* one stroke; later points replace the
                                       last one, so a stroke still ends
                                       where the finger lifted */
#define IME_HAND_CAND_MAX 20        /* most candidates one recognise gives */
#define IME_HAND_TEXT_MAX 16

typedef struct ime_hand ime_hand;

typedef struct ime_hand_config {
  /* Zinnia model; NULL: ime_hand_default_model(). */
  const char *model_path;
  int pad_w, pad_h; /* the writing pad in pixels, > 0; points are clamped */
  /* Called on the worker thread when the model has loaded (or failed) and
   * when an answer to ime_hand_recognize_start() is ready, so the UI can
   * take it at once instead of polling; must not block. May be NULL. */
  void (*notify)(void *ud);
  void *notify_ud;
} ime_hand_config;

typedef struct ime_hand_candidate {
  char text[IME_HAND_TEXT_MAX]; /* one character, UTF-8 */
  float score;                  /* higher is more likely; not a probability */
} ime_hand_candidate;

/* Debian's tegaki-zinnia-simplified-chinese model, or the path configured
 * at build time (KIOSK_ZINNIA_MODEL). Static. */
const char *ime_hand_default_model(void);

/* Checks the model file and starts loading it in a worker thread; strokes
 * can be collected at once, recognition waits for ready. *out is owned by
 * the caller (ime_hand_destroy). KERR_NOTFOUND if the model file is missing,
 * KERR_RANGE for a bad pad size, KERR_LIMIT for a too long path. */
kerr ime_hand_create(const ime_hand_config *cfg, ime_hand **out);

/* True once the model is loaded. Never blocks. */
bool ime_hand_ready(ime_hand *h);

/* Blocks until loading has ended; KERR_OK or the loading error. */
kerr ime_hand_wait(ime_hand *h);

/* Wipes the strokes, stops the worker (after a load or recognition in
 * progress), frees the model and the object. NULL ok. */
void ime_hand_destroy(ime_hand *h);

/* Starts a stroke (finger down). An unfinished stroke is ended first.
 * KERR_LIMIT if IME_HAND_MAX_STROKES strokes are already drawn. */
kerr ime_hand_stroke_begin(ime_hand *h);

/* Adds a point in pad coordinates to the current stroke (finger moves).
 * Repeated points are skipped. KERR_STATE outside a stroke, KERR_LIMIT when
 * all IME_HAND_MAX_POINTS are used (the point is dropped). */
kerr ime_hand_stroke_point(ime_hand *h, int x, int y);

/* Ends the current stroke (finger up). A stroke without points is dropped.
 * KERR_STATE if no stroke is open. */
kerr ime_hand_stroke_end(ime_hand *h);

/* Strokes drawn so far (an open stroke counts). */
int ime_hand_stroke_count(const ime_hand *h);

/* Removes the last stroke. KERR_STATE if there is none. */
kerr ime_hand_undo(ime_hand *h);

/* Wipes every stroke. */
void ime_hand_clear(ime_hand *h);

/* Recognises the strokes drawn so far (an open stroke included) into at
 * most cap (<= IME_HAND_CAND_MAX) candidates, best first; *n is how many.
 * No strokes gives *n == 0. Runs on the calling thread (see the benchmark
 * for its cost). KERR_BUSY before ready, KERR_STATE if loading failed. */
kerr ime_hand_recognize(ime_hand *h, ime_hand_candidate *out, int cap,
                        int *n);

/* The same off the calling thread: hands a copy of the strokes drawn so far
 * to the worker, replacing a request it has not begun yet, and returns at
 * once. May be called while the model loads (served once it is ready).
 * KERR_STATE if loading failed, KERR_RANGE for cap < 0. */
kerr ime_hand_recognize_start(ime_hand *h, int cap);

/* True while the model is still loading or a recognition started with
 * ime_hand_recognize_start() has not been answered yet. */
bool ime_hand_busy(ime_hand *h);

/* Collects the answer to the latest ime_hand_recognize_start(): KERR_OK
 * with up to cap candidates (best first) once it is ready, KERR_BUSY while
 * it is being computed, KERR_STATE if nothing is requested since the
 * strokes last changed (a stroke, undo or clear makes an answer stale) or
 * loading failed. Never blocks for long (one mutex, no recognition). */
kerr ime_hand_recognize_poll(ime_hand *h, ime_hand_candidate *out, int cap,
                             int *n);

/* Side of the square pad the kiosk's handwriting engine is created with;
 * keyboards map their on-screen pad onto it whatever the screen size. */
#define IME_HAND_PAD 1000

/* ---- the set a keyboard uses ----------------------------------------- */

/* The Chinese input method an applicant prefers for names and text. */
typedef enum ime_chinese {
  IME_CHINESE_PINYIN = 0, /* the default for every new session */
  IME_CHINESE_HAND
} ime_chinese;

/* The engines of one kiosk and the applicant's choice between them, owned
 * by the input-method service (services/ime_host.h), which resets the
 * choice and counts `generation` up at every session end. The engines are
 * started on demand: each NULL until someone asks for it with
 * ime_set_want() (a form screen opening, a keyboard bound to a Chinese
 * field or switched to pinyin or handwriting), NULL again after the service
 * released them, and NULL if it could not be started. */
typedef struct ime_set {
  ime_pinyin *pinyin;
  ime_hand *hand;
  /* a word for each character, said with a candidate (core/charwords.h);
   * NULL without the table */
  const struct charwords *words;
  ime_chinese chinese;
  unsigned generation; /* a keyboard that saw another value is stale */
  /* starts an engine if it is not there (see ime_set_want) */
  void (*want)(void *ud, ime_chinese which);
  void *want_ud;
} ime_set;

/* Asks for one engine: it starts loading in the background if it is not
 * loaded (s->pinyin or s->hand is non-NULL afterwards unless it cannot
 * start), and the input methods count as in use. Cheap when it is loaded.
 * Each engine is loaded only when asked for: most applicants never write
 * by hand, and the handwriting model is 25 MiB once mapped. NULL ok. */
static inline void ime_set_want(ime_set *s, ime_chinese which) {
  if (s && s->want)
    s->want(s->want_ud, which);
}

#endif
