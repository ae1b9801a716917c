/* ime_hand: handwriting recognition by zinnia, see ime.h.
 *
 * Strokes are kept here in fixed arrays (no allocation per point, hard
 * limits from ime.h) and handed to zinnia only when recognising, so the pad
 * works while the model is still loading. Zinnia scales points by the pad
 * size given at creation; its model was trained on characters filling the
 * box, so the pad should be roughly square and the writer fills it.
 *
 * One worker thread per object: it loads the model (zinnia maps the 26 MB
 * file and indexes every character: milliseconds to tens of them), then
 * serves recognition requests from ime_hand_recognize_start() until
 * destroy. Recognition cost grows with the number of strokes (about 10 ms
 * for a simple character, ~30 ms for twenty strokes on the development
 * machine), which is why the UI thread can hand it off.
 *
 * Invariants: `ink` holds strokes [0, n_strokes) stored one after another
 * in pts; every closed stroke has >= 1 point; when `open` is true the last
 * stroke is being drawn and may still have 0 points. Points lie inside the
 * pad. `ink`, `open`, `req_seq`, `req_active` and `chr` belong to the UI
 * thread; `work`, `wchr` to the worker; everything under "shared" is guarded
 * by `mu`; zinnia's recogniser is used under `zmu` (once `state` is READY).
 * Every copy of the strokes is wiped as soon as it has been used. */
#include "core/ime.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <zinnia.h>
#pragma GCC diagnostic pop

#include "core/log.h"
#include "devices/dynload.h"
#include "devices/ime_thread.h"

/* zinnia is opened when handwriting is first wanted (devices/dynload.h),
 * not linked: its functions are called through these. */
static __typeof__(zinnia_character_new) *p_zinnia_character_new;
static __typeof__(zinnia_character_destroy) *p_zinnia_character_destroy;
static __typeof__(zinnia_character_clear) *p_zinnia_character_clear;
static __typeof__(zinnia_character_set_width) *p_zinnia_character_set_width;
static __typeof__(zinnia_character_set_height) *p_zinnia_character_set_height;
static __typeof__(zinnia_character_add) *p_zinnia_character_add;
static __typeof__(zinnia_recognizer_new) *p_zinnia_recognizer_new;
static __typeof__(zinnia_recognizer_destroy) *p_zinnia_recognizer_destroy;
static __typeof__(zinnia_recognizer_open) *p_zinnia_recognizer_open;
static __typeof__(zinnia_recognizer_strerror) *p_zinnia_recognizer_strerror;
static __typeof__(zinnia_recognizer_classify) *p_zinnia_recognizer_classify;
static __typeof__(zinnia_result_destroy) *p_zinnia_result_destroy;
static __typeof__(zinnia_result_size) *p_zinnia_result_size;
static __typeof__(zinnia_result_value) *p_zinnia_result_value;
static __typeof__(zinnia_result_score) *p_zinnia_result_score;
static const dynload_sym zinnia_syms[] = {
    {"zinnia_character_new", (void **)&p_zinnia_character_new},
    {"zinnia_character_destroy", (void **)&p_zinnia_character_destroy},
    {"zinnia_character_clear", (void **)&p_zinnia_character_clear},
    {"zinnia_character_set_width", (void **)&p_zinnia_character_set_width},
    {"zinnia_character_set_height", (void **)&p_zinnia_character_set_height},
    {"zinnia_character_add", (void **)&p_zinnia_character_add},
    {"zinnia_recognizer_new", (void **)&p_zinnia_recognizer_new},
    {"zinnia_recognizer_destroy", (void **)&p_zinnia_recognizer_destroy},
    {"zinnia_recognizer_open", (void **)&p_zinnia_recognizer_open},
    {"zinnia_recognizer_strerror", (void **)&p_zinnia_recognizer_strerror},
    {"zinnia_recognizer_classify", (void **)&p_zinnia_recognizer_classify},
    {"zinnia_result_destroy", (void **)&p_zinnia_result_destroy},
    {"zinnia_result_size", (void **)&p_zinnia_result_size},
    {"zinnia_result_value", (void **)&p_zinnia_result_value},
    {"zinnia_result_score", (void **)&p_zinnia_result_score},
};
#define zinnia_character_new (*p_zinnia_character_new)
#define zinnia_character_destroy (*p_zinnia_character_destroy)
#define zinnia_character_clear (*p_zinnia_character_clear)
#define zinnia_character_set_width (*p_zinnia_character_set_width)
#define zinnia_character_set_height (*p_zinnia_character_set_height)
#define zinnia_character_add (*p_zinnia_character_add)
#define zinnia_recognizer_new (*p_zinnia_recognizer_new)
#define zinnia_recognizer_destroy (*p_zinnia_recognizer_destroy)
#define zinnia_recognizer_open (*p_zinnia_recognizer_open)
#define zinnia_recognizer_strerror (*p_zinnia_recognizer_strerror)
#define zinnia_recognizer_classify (*p_zinnia_recognizer_classify)
#define zinnia_result_destroy (*p_zinnia_result_destroy)
#define zinnia_result_size (*p_zinnia_result_size)
#define zinnia_result_value (*p_zinnia_result_value)
#define zinnia_result_score (*p_zinnia_result_score)

#define MOD "ime_hand"
#define PATH_CAP 512

enum { ST_LOADING, ST_READY, ST_FAILED };

typedef struct hand_point {
  int x, y;
} hand_point;

typedef struct stroke_set {
  hand_point pts[IME_HAND_MAX_POINTS];
  int len[IME_HAND_MAX_STROKES];
  int n_pts, n_strokes;
} stroke_set;

struct ime_hand {
  char model_path[PATH_CAP];
  int pad_w, pad_h;
  zinnia_recognizer_t *rec;
  pthread_t worker;
  atomic_int state;
  kerr load_err;
  pthread_mutex_t zmu; /* zinnia's recogniser */

  /* UI thread. */
  stroke_set ink;
  bool open;
  zinnia_character_t *chr;
  unsigned req_seq;  /* number of the latest request */
  bool req_active;   /* a request was made since the last change of ink */

  /* Worker thread. */
  stroke_set work;
  zinnia_character_t *wchr;

  /* Shared, under mu. */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool quit;
  bool job_waiting;
  unsigned job_seq;
  int job_cap;
  stroke_set job;
  unsigned res_seq; /* request the results below answer; 0: none */
  void (*notify)(void *ud); /* set at create, read-only after */
  void *notify_ud;
  int res_n;
  ime_hand_candidate res[IME_HAND_CAND_MAX];
};

const char *ime_hand_default_model(void) { return KIOSK_ZINNIA_MODEL_PATH; }

static void set_copy(stroke_set *dst, const stroke_set *src) {
  memcpy(dst->pts, src->pts, (size_t)src->n_pts * sizeof src->pts[0]);
  memcpy(dst->len, src->len, (size_t)src->n_strokes * sizeof src->len[0]);
  dst->n_pts = src->n_pts;
  dst->n_strokes = src->n_strokes;
}

static void set_wipe(stroke_set *s) {
  sodium_memzero(s->pts, (size_t)s->n_pts * sizeof s->pts[0]);
  sodium_memzero(s->len, sizeof s->len);
  s->n_pts = 0;
  s->n_strokes = 0;
}

/* Recognises `s` into out[cap] using the scratch character `chr`; returns
 * the number of candidates, -1 on an engine failure. Needs state READY. */
static int classify(ime_hand *h, zinnia_character_t *chr, const stroke_set *s,
                    ime_hand_candidate *out, int cap) {
  zinnia_character_clear(chr);
  zinnia_character_set_width(chr, (size_t)h->pad_w);
  zinnia_character_set_height(chr, (size_t)h->pad_h);
  size_t id = 0;
  int at = 0;
  for (int k = 0; k < s->n_strokes; k++) {
    for (int i = 0; i < s->len[k]; i++, at++)
      zinnia_character_add(chr, id, s->pts[at].x, s->pts[at].y);
    if (s->len[k] > 0) id++;
  }
  if (id == 0 || cap <= 0) return 0;

  pthread_mutex_lock(&h->zmu);
  zinnia_result_t *res = zinnia_recognizer_classify(h->rec, chr, (size_t)cap);
  pthread_mutex_unlock(&h->zmu);
  zinnia_character_clear(chr); /* zinnia's copy of the strokes */
  if (!res) return -1;
  int n = 0;
  size_t m = zinnia_result_size(res);
  for (size_t i = 0; i < m && n < cap; i++) {
    const char *v = zinnia_result_value(res, i);
    size_t len = v ? strlen(v) : 0;
    if (len == 0 || len >= IME_HAND_TEXT_MAX) continue;
    memcpy(out[n].text, v, len + 1);
    out[n].score = zinnia_result_score(res, i);
    n++;
  }
  zinnia_result_destroy(res);
  return n;
}

static kerr model_load(ime_hand *h) {
  h->rec = zinnia_recognizer_new();
  h->wchr = zinnia_character_new();
  if (!h->rec || !h->wchr) return KERR_NOMEM;
  if (!zinnia_recognizer_open(h->rec, h->model_path)) {
    LOG_E(MOD, "cannot open model: %s", zinnia_recognizer_strerror(h->rec));
    return KERR_IO;
  }
  return KERR_OK;
}

/* Worker (SCHED_BATCH, see ime_thread.h): load, publish the state, then
 * serve requests until quit. */
static void *worker_main(void *arg) {
  ime_hand *h = arg;
  kerr err = model_load(h);
  pthread_mutex_lock(&h->mu);
  h->load_err = err;
  atomic_store_explicit(&h->state, err ? ST_FAILED : ST_READY,
                        memory_order_release);
  pthread_cond_broadcast(&h->cv);
  if (h->notify)
    h->notify(h->notify_ud);
  while (!err && !h->quit) {
    if (!h->job_waiting) {
      pthread_cond_wait(&h->cv, &h->mu);
      continue;
    }
    set_copy(&h->work, &h->job);
    set_wipe(&h->job);
    unsigned seq = h->job_seq;
    int cap = h->job_cap;
    h->job_waiting = false;
    pthread_mutex_unlock(&h->mu);

    ime_hand_candidate out[IME_HAND_CAND_MAX];
    int n = classify(h, h->wchr, &h->work, out, cap);
    set_wipe(&h->work);

    pthread_mutex_lock(&h->mu);
    h->res_seq = seq;
    h->res_n = n < 0 ? 0 : n;
    if (h->res_n) memcpy(h->res, out, (size_t)h->res_n * sizeof out[0]);
    sodium_memzero(out, sizeof out);
    pthread_cond_broadcast(&h->cv);
    if (h->notify)
      h->notify(h->notify_ud);
  }
  pthread_mutex_unlock(&h->mu);
  return NULL;
}

kerr ime_hand_create(const ime_hand_config *cfg, ime_hand **out) {
  ime_hand *h = NULL;
  const char *model = NULL;
  bool mu = false, zmu = false, cv = false;

  *out = NULL;
  if (!cfg) return KERR_INVALID;
  if (cfg->pad_w <= 0 || cfg->pad_h <= 0 || cfg->pad_w > 100000 ||
      cfg->pad_h > 100000)
    return KERR_RANGE;
  model = cfg->model_path ? cfg->model_path : ime_hand_default_model();
  if (strlen(model) >= PATH_CAP) return KERR_LIMIT;
  if (access(model, R_OK) != 0) {
    LOG_E(MOD, "model file not readable: %s", model);
    return KERR_NOTFOUND;
  }
  if (dynload(KIOSK_ZINNIA_SONAME, zinnia_syms,
              sizeof zinnia_syms / sizeof zinnia_syms[0]) != KERR_OK)
    return KERR_NOTFOUND;
  h = calloc(1, sizeof *h);
  if (!h) return KERR_NOMEM;
  memcpy(h->model_path, model, strlen(model) + 1);
  h->pad_w = cfg->pad_w;
  h->pad_h = cfg->pad_h;
  h->notify = cfg->notify;
  h->notify_ud = cfg->notify_ud;
  atomic_init(&h->state, ST_LOADING);
  h->chr = zinnia_character_new();
  if (!h->chr) goto nomem;
  if (pthread_mutex_init(&h->mu, NULL) != 0) goto nomem;
  mu = true;
  if (pthread_mutex_init(&h->zmu, NULL) != 0) goto nomem;
  zmu = true;
  if (pthread_cond_init(&h->cv, NULL) != 0) goto nomem;
  cv = true;
  if (ime_thread_start_batch(&h->worker, worker_main, h) != 0) goto nomem;
  *out = h;
  return KERR_OK;
nomem:
  if (cv) pthread_cond_destroy(&h->cv);
  if (zmu) pthread_mutex_destroy(&h->zmu);
  if (mu) pthread_mutex_destroy(&h->mu);
  if (h->chr) zinnia_character_destroy(h->chr);
  free(h);
  return KERR_NOMEM;
}

bool ime_hand_ready(ime_hand *h) {
  return atomic_load_explicit(&h->state, memory_order_acquire) == ST_READY;
}

kerr ime_hand_wait(ime_hand *h) {
  pthread_mutex_lock(&h->mu);
  while (atomic_load_explicit(&h->state, memory_order_acquire) == ST_LOADING)
    pthread_cond_wait(&h->cv, &h->mu);
  kerr err = h->load_err;
  pthread_mutex_unlock(&h->mu);
  return err;
}

void ime_hand_destroy(ime_hand *h) {
  if (!h) return;
  pthread_mutex_lock(&h->mu);
  h->quit = true;
  pthread_cond_broadcast(&h->cv);
  pthread_mutex_unlock(&h->mu);
  pthread_join(h->worker, NULL);
  if (h->chr) zinnia_character_destroy(h->chr);
  if (h->wchr) zinnia_character_destroy(h->wchr);
  if (h->rec) zinnia_recognizer_destroy(h->rec);
  pthread_cond_destroy(&h->cv);
  pthread_mutex_destroy(&h->zmu);
  pthread_mutex_destroy(&h->mu);
  sodium_memzero(h, sizeof *h);
  free(h);
}

/* The ink changed: an earlier request no longer describes it. */
static void ink_changed(ime_hand *h) { h->req_active = false; }

kerr ime_hand_stroke_begin(ime_hand *h) {
  if (h->open) (void)ime_hand_stroke_end(h);
  if (h->ink.n_strokes >= IME_HAND_MAX_STROKES) return KERR_LIMIT;
  h->ink.len[h->ink.n_strokes++] = 0;
  h->open = true;
  ink_changed(h);
  return KERR_OK;
}

static int clamp(int v, int lo, int hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

kerr ime_hand_stroke_point(ime_hand *h, int x, int y) {
  if (!h->open) return KERR_STATE;
  stroke_set *s = &h->ink;
  int k = s->n_strokes - 1;
  hand_point pt = {clamp(x, 0, h->pad_w - 1), clamp(y, 0, h->pad_h - 1)};
  if (s->len[k] > 0) {
    hand_point *last = &s->pts[s->n_pts - 1];
    if (last->x == pt.x && last->y == pt.y) return KERR_OK;
    if (s->len[k] >= IME_HAND_STROKE_POINTS) {
      *last = pt; /* keep the stroke's end where the finger is */
      ink_changed(h);
      return KERR_OK;
    }
  }
  if (s->n_pts >= IME_HAND_MAX_POINTS) return KERR_LIMIT;
  s->pts[s->n_pts++] = pt;
  s->len[k]++;
  ink_changed(h);
  return KERR_OK;
}

kerr ime_hand_stroke_end(ime_hand *h) {
  if (!h->open) return KERR_STATE;
  h->open = false;
  if (h->ink.len[h->ink.n_strokes - 1] == 0) h->ink.n_strokes--;
  return KERR_OK;
}

int ime_hand_stroke_count(const ime_hand *h) { return h->ink.n_strokes; }

kerr ime_hand_undo(ime_hand *h) {
  stroke_set *s = &h->ink;
  if (s->n_strokes == 0) return KERR_STATE;
  int len = s->len[--s->n_strokes];
  s->len[s->n_strokes] = 0;
  s->n_pts -= len;
  sodium_memzero(&s->pts[s->n_pts], (size_t)len * sizeof s->pts[0]);
  h->open = false;
  ink_changed(h);
  return KERR_OK;
}

void ime_hand_clear(ime_hand *h) {
  sodium_memzero(&h->ink, sizeof h->ink);
  h->open = false;
  ink_changed(h);
  pthread_mutex_lock(&h->mu);
  set_wipe(&h->job);
  h->job_waiting = false;
  sodium_memzero(h->res, sizeof h->res);
  h->res_n = 0;
  pthread_mutex_unlock(&h->mu);
}

/* KERR_OK once the model is usable, KERR_BUSY while loading, else
 * KERR_STATE. */
static kerr usable(ime_hand *h) {
  int st = atomic_load_explicit(&h->state, memory_order_acquire);
  return st == ST_READY ? KERR_OK : st == ST_LOADING ? KERR_BUSY : KERR_STATE;
}

kerr ime_hand_recognize(ime_hand *h, ime_hand_candidate *out, int cap,
                        int *n) {
  kerr err;
  *n = 0;
  if ((err = usable(h))) return err;
  if (cap < 0) return KERR_RANGE;
  if (cap > IME_HAND_CAND_MAX) cap = IME_HAND_CAND_MAX;
  int m = classify(h, h->chr, &h->ink, out, cap);
  if (m < 0) return KERR_INTERNAL;
  *n = m;
  return KERR_OK;
}

kerr ime_hand_recognize_start(ime_hand *h, int cap) {
  if (usable(h) == KERR_STATE) return KERR_STATE;
  if (cap < 0) return KERR_RANGE;
  if (cap > IME_HAND_CAND_MAX) cap = IME_HAND_CAND_MAX;
  pthread_mutex_lock(&h->mu);
  set_wipe(&h->job);
  set_copy(&h->job, &h->ink);
  h->job_cap = cap;
  h->job_seq = ++h->req_seq;
  if (h->job_seq == 0) h->job_seq = h->req_seq = 1; /* 0 means "none" */
  h->job_waiting = true;
  pthread_cond_broadcast(&h->cv);
  pthread_mutex_unlock(&h->mu);
  h->req_active = true;
  return KERR_OK;
}

bool ime_hand_busy(ime_hand *h) {
  if (!h || usable(h) == KERR_STATE)
    return false;
  if (!ime_hand_ready(h))
    return true;
  pthread_mutex_lock(&h->mu);
  bool busy = h->req_active && h->res_seq != h->req_seq;
  pthread_mutex_unlock(&h->mu);
  return busy;
}

kerr ime_hand_recognize_poll(ime_hand *h, ime_hand_candidate *out, int cap,
                             int *n) {
  kerr err = KERR_OK;
  *n = 0;
  if (usable(h) == KERR_STATE) return KERR_STATE;
  if (!h->req_active) return KERR_STATE;
  if (cap < 0) return KERR_RANGE;
  pthread_mutex_lock(&h->mu);
  if (h->res_seq != h->req_seq) {
    err = KERR_BUSY;
  } else {
    int m = h->res_n < cap ? h->res_n : cap;
    if (m > 0) memcpy(out, h->res, (size_t)m * sizeof out[0]);
    *n = m;
  }
  pthread_mutex_unlock(&h->mu);
  return err;
}
