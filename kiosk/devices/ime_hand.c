/* ime_hand: handwriting recognition by zinnia, see ime.h.
 *
 * Strokes are kept here in fixed arrays (no allocation per point, hard
 * limits from ime.h) and handed to zinnia only when recognising, so the pad
 * works while the model is still loading. Zinnia scales points by the pad
 * size given at creation; its model was trained on characters filling the
 * box, so the pad should be roughly square and the writer fills it.
 *
 * Invariants: strokes [0, n_strokes) are closed, each with >= 1 point,
 * stroke i using points [start[i], start[i] + len[i]); when `open` is true
 * the last stroke is being drawn (it may still have 0 points). Points lie
 * inside the pad. `state` is LOADING while the worker owns `rec`.
 *
 * The recogniser is loaded by a worker thread (zinnia maps the 26 MB model
 * and indexes every character in it: tens of milliseconds). */
#include "devices/ime.h"

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

#define MOD "ime_hand"
#define PATH_CAP 512

enum { ST_LOADING, ST_READY, ST_FAILED };

typedef struct hand_point {
  int x, y;
} hand_point;

struct ime_hand {
  char model_path[PATH_CAP];
  int pad_w, pad_h;
  zinnia_recognizer_t *rec;
  zinnia_character_t *chr;
  pthread_t worker;
  bool worker_live;
  atomic_int state;
  kerr load_err;
  /* Strokes (personal data: wiped on clear and destroy). */
  hand_point pts[IME_HAND_MAX_POINTS];
  int n_pts;
  int start[IME_HAND_MAX_STROKES];
  int len[IME_HAND_MAX_STROKES];
  int n_strokes; /* including an open stroke */
  bool open;
};

const char *ime_hand_default_model(void) { return KIOSK_ZINNIA_MODEL_PATH; }

static void *model_load(void *arg) {
  ime_hand *h = arg;
  kerr err = KERR_OK;
  h->rec = zinnia_recognizer_new();
  h->chr = zinnia_character_new();
  if (!h->rec || !h->chr) {
    err = KERR_NOMEM;
    goto out;
  }
  if (!zinnia_recognizer_open(h->rec, h->model_path)) {
    LOG_E(MOD, "cannot open model: %s", zinnia_recognizer_strerror(h->rec));
    err = KERR_IO;
    goto out;
  }
out:
  h->load_err = err;
  atomic_store_explicit(&h->state, err ? ST_FAILED : ST_READY,
                        memory_order_release);
  return NULL;
}

kerr ime_hand_create(const ime_hand_config *cfg, ime_hand **out) {
  kerr err = KERR_OK;
  ime_hand *h = NULL;
  const char *model = NULL;
  *out = NULL;
  if (!cfg) return KERR_INVALID;
  model = cfg->model_path ? cfg->model_path : ime_hand_default_model();
  if (cfg->pad_w <= 0 || cfg->pad_h <= 0 || cfg->pad_w > 100000 ||
      cfg->pad_h > 100000)
    return KERR_RANGE;
  if (strlen(model) >= PATH_CAP) return KERR_LIMIT;
  if (access(model, R_OK) != 0) {
    LOG_E(MOD, "model file not readable: %s", model);
    return KERR_NOTFOUND;
  }
  h = calloc(1, sizeof *h);
  if (!h) return KERR_NOMEM;
  memcpy(h->model_path, model, strlen(model) + 1);
  h->pad_w = cfg->pad_w;
  h->pad_h = cfg->pad_h;
  atomic_init(&h->state, ST_LOADING);
  if (pthread_create(&h->worker, NULL, model_load, h) != 0) {
    err = KERR_NOMEM;
    goto out;
  }
  h->worker_live = true;
  *out = h;
  h = NULL;
out:
  free(h);
  return err;
}

static void worker_join(ime_hand *h) {
  if (h->worker_live) {
    pthread_join(h->worker, NULL);
    h->worker_live = false;
  }
}

bool ime_hand_ready(ime_hand *h) {
  int st = atomic_load_explicit(&h->state, memory_order_acquire);
  if (st != ST_LOADING) worker_join(h);
  return st == ST_READY;
}

kerr ime_hand_wait(ime_hand *h) {
  worker_join(h);
  return atomic_load_explicit(&h->state, memory_order_acquire) == ST_READY
             ? KERR_OK
             : h->load_err;
}

void ime_hand_destroy(ime_hand *h) {
  if (!h) return;
  worker_join(h);
  if (h->chr) zinnia_character_destroy(h->chr);
  if (h->rec) zinnia_recognizer_destroy(h->rec);
  sodium_memzero(h, sizeof *h);
  free(h);
}

kerr ime_hand_stroke_begin(ime_hand *h) {
  if (h->open) (void)ime_hand_stroke_end(h);
  if (h->n_strokes >= IME_HAND_MAX_STROKES) return KERR_LIMIT;
  h->start[h->n_strokes] = h->n_pts;
  h->len[h->n_strokes] = 0;
  h->n_strokes++;
  h->open = true;
  return KERR_OK;
}

static int clamp(int v, int lo, int hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

kerr ime_hand_stroke_point(ime_hand *h, int x, int y) {
  if (!h->open) return KERR_STATE;
  int s = h->n_strokes - 1;
  hand_point pt = {clamp(x, 0, h->pad_w - 1), clamp(y, 0, h->pad_h - 1)};
  if (h->len[s] > 0) {
    hand_point *last = &h->pts[h->n_pts - 1];
    if (last->x == pt.x && last->y == pt.y) return KERR_OK;
    if (h->len[s] >= IME_HAND_STROKE_POINTS) {
      *last = pt; /* keep the stroke's end where the finger is */
      return KERR_OK;
    }
  }
  if (h->n_pts >= IME_HAND_MAX_POINTS) return KERR_LIMIT;
  h->pts[h->n_pts++] = pt;
  h->len[s]++;
  return KERR_OK;
}

kerr ime_hand_stroke_end(ime_hand *h) {
  if (!h->open) return KERR_STATE;
  h->open = false;
  if (h->len[h->n_strokes - 1] == 0) h->n_strokes--;
  return KERR_OK;
}

int ime_hand_stroke_count(const ime_hand *h) { return h->n_strokes; }

kerr ime_hand_undo(ime_hand *h) {
  if (h->n_strokes == 0) return KERR_STATE;
  int s = h->n_strokes - 1;
  sodium_memzero(&h->pts[h->start[s]], (size_t)h->len[s] * sizeof h->pts[0]);
  h->n_pts = h->start[s];
  h->n_strokes--;
  h->open = false;
  return KERR_OK;
}

void ime_hand_clear(ime_hand *h) {
  sodium_memzero(h->pts, sizeof h->pts);
  sodium_memzero(h->start, sizeof h->start);
  sodium_memzero(h->len, sizeof h->len);
  h->n_pts = 0;
  h->n_strokes = 0;
  h->open = false;
}

kerr ime_hand_recognize(ime_hand *h, ime_hand_candidate *out, int cap,
                        int *n) {
  *n = 0;
  int st = atomic_load_explicit(&h->state, memory_order_acquire);
  if (st == ST_LOADING) return KERR_BUSY;
  worker_join(h);
  if (st != ST_READY) return KERR_STATE;
  if (cap < 0) return KERR_RANGE;
  if (cap > IME_HAND_CAND_MAX) cap = IME_HAND_CAND_MAX;

  zinnia_character_clear(h->chr);
  zinnia_character_set_width(h->chr, (size_t)h->pad_w);
  zinnia_character_set_height(h->chr, (size_t)h->pad_h);
  size_t id = 0;
  for (int s = 0; s < h->n_strokes; s++) {
    if (h->len[s] == 0) continue;
    for (int i = 0; i < h->len[s]; i++) {
      const hand_point *pt = &h->pts[h->start[s] + i];
      zinnia_character_add(h->chr, id, pt->x, pt->y);
    }
    id++;
  }
  if (id == 0 || cap == 0) return KERR_OK;

  zinnia_result_t *res = zinnia_recognizer_classify(h->rec, h->chr,
                                                    (size_t)cap);
  if (!res) return KERR_INTERNAL;
  size_t m = zinnia_result_size(res);
  for (size_t i = 0; i < m && (int)i < cap; i++) {
    const char *v = zinnia_result_value(res, i);
    size_t len = v ? strlen(v) : 0;
    if (len == 0 || len >= IME_HAND_TEXT_MAX) continue;
    memcpy(out[*n].text, v, len + 1);
    out[*n].score = zinnia_result_score(res, i);
    (*n)++;
  }
  zinnia_result_destroy(res);
  zinnia_character_clear(h->chr); /* zinnia's copy of the strokes */
  return KERR_OK;
}
