/* Tests for ime_hand against the real zinnia engine and Debian's Simplified
 * Chinese model: synthetic strokes (tests/data/devices/strokes.txt) written
 * in the usual order are recognised among the top five candidates; undo,
 * clear, limits and bad input behave. */
#include <string.h>
#include <time.h>

#include "check.h"
#include "core/ime.h"
#include "stroke_file.h"

#define PAD 300
#define TOP 5

static sf_char chars[SF_MAX_CHARS];
static int n_chars;

static const sf_char *find_char(const char *ch) {
  for (int i = 0; i < n_chars; i++)
    if (strcmp(chars[i].ch, ch) == 0) return &chars[i];
  return NULL;
}

/* Rank of ch among the top candidates, -1 if absent (reported when
 * `report`, to show what was recognised instead). */
static int rank_in(ime_hand *h, const char *ch, bool report) {
  ime_hand_candidate cand[IME_HAND_CAND_MAX];
  int n = 0;
  CHECK_INT(ime_hand_recognize(h, cand, TOP, &n), KERR_OK);
  CHECK(n <= TOP);
  for (int i = 0; i < n; i++) {
    if (i > 0) CHECK(cand[i - 1].score >= cand[i].score); /* best first */
    if (strcmp(cand[i].text, ch) == 0) return i;
  }
  if (!report) return -1;
  fprintf(stderr, "%s not in top %d:", ch, TOP);
  for (int i = 0; i < n; i++) fprintf(stderr, " %s", cand[i].text);
  fprintf(stderr, "\n");
  return -1;
}

static int rank_of(ime_hand *h, const char *ch) { return rank_in(h, ch, true); }

static ime_hand *open_pad(int size) {
  ime_hand_config cfg = {.model_path = NULL, .pad_w = size, .pad_h = size};
  ime_hand *h = NULL;
  CHECK_INT(ime_hand_create(&cfg, &h), KERR_OK);
  if (!h) return NULL;
  /* Strokes are taken while the model loads; recognition waits. */
  CHECK_INT(ime_hand_stroke_begin(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_point(h, 10, 10), KERR_OK);
  CHECK_INT(ime_hand_stroke_end(h), KERR_OK);
  if (!ime_hand_ready(h)) {
    ime_hand_candidate c[1];
    int n = 7;
    kerr e = ime_hand_recognize(h, c, 1, &n);
    CHECK(e == KERR_BUSY || e == KERR_OK);
    if (e == KERR_BUSY) CHECK_INT(n, 0);
  }
  CHECK_INT(ime_hand_wait(h), KERR_OK);
  CHECK(ime_hand_ready(h));
  ime_hand_clear(h);
  return h;
}

static void test_characters(ime_hand *h) {
  static const char *want[] = {"十", "王", "口", "人", "大",
                               "中", "三", "国", "明"};
  for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
    const sf_char *c = find_char(want[k]);
    CHECK(c != NULL);
    if (!c) continue;
    ime_hand_clear(h);
    CHECK_INT(sf_draw(h, c, c->n_strokes, 1.0), KERR_OK);
    CHECK_INT(ime_hand_stroke_count(h), c->n_strokes);
    CHECK(rank_of(h, c->ch) >= 0);
  }
  ime_hand_clear(h);
}

/* Real hands wobble and write smaller than the pad: every character again
 * at 80–100 % size, centred, each vertex moved by up to 7 px (fixed seed).
 * Nearly all must still be among the top five. */
static int wobble(unsigned *x) {
  *x = *x * 1103515245u + 12345u;
  return (int)((*x >> 16) % 15) - 7;
}

static void test_wobbly_characters(ime_hand *h) {
  unsigned x = 7;
  int found = 0, total = 0;
  for (int i = 0; i < n_chars; i++) {
    for (int v = 0; v < 10; v++) {
      sf_char c = chars[i];
      double scale = 0.8 + 0.04 * (v % 6);
      int off = (int)(PAD / 2 - PAD / 2 * scale);
      for (int s = 0; s < c.n_strokes; s++) {
        for (int k = 0; k < c.n_verts[s]; k++) {
          c.x[s][k] = off + (int)(c.x[s][k] * scale) + wobble(&x);
          c.y[s][k] = off + (int)(c.y[s][k] * scale) + wobble(&x);
        }
      }
      ime_hand_clear(h);
      CHECK_INT(sf_draw(h, &c, c.n_strokes, 1.0), KERR_OK);
      found += rank_in(h, c.ch, false) >= 0;
      total++;
    }
  }
  ime_hand_clear(h);
  if (found * 10 < total * 9)
    fprintf(stderr, "wobbly characters: %d of %d in the top %d\n", found,
            total, TOP);
  CHECK(total >= 90);
  CHECK(found * 10 >= total * 9);
}

static void test_undo_clear(ime_hand *h) {
  const sf_char *shi = find_char("十"), *wang = find_char("王");
  if (!shi || !wang) return;
  ime_hand_candidate a[TOP], b[TOP];
  int na = 0, nb = 0;

  /* One horizontal stroke is 一; the second makes 十; undo goes back. */
  CHECK_INT(sf_draw(h, shi, 1, 1.0), KERR_OK);
  CHECK_INT(rank_of(h, "一"), 0);
  CHECK_INT(sf_draw_stroke(h, shi, 1, 1.0), KERR_OK);
  CHECK(rank_of(h, "十") >= 0);
  CHECK_INT(ime_hand_undo(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_count(h), 1);
  CHECK_INT(rank_of(h, "一"), 0);

  /* 王 with its last stroke redrawn after an undo recognises the same. */
  ime_hand_clear(h);
  CHECK_INT(sf_draw(h, wang, 4, 1.0), KERR_OK);
  CHECK_INT(ime_hand_recognize(h, a, TOP, &na), KERR_OK);
  CHECK_INT(ime_hand_undo(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_count(h), 3);
  CHECK(rank_in(h, "王", false) != 0);
  CHECK_INT(sf_draw_stroke(h, wang, 3, 1.0), KERR_OK);
  CHECK_INT(ime_hand_recognize(h, b, TOP, &nb), KERR_OK);
  CHECK_INT(na, nb);
  for (int i = 0; i < na && i < nb; i++) CHECK_STR(a[i].text, b[i].text);

  ime_hand_clear(h);
  CHECK_INT(ime_hand_stroke_count(h), 0);
  CHECK_INT(ime_hand_undo(h), KERR_STATE);
  CHECK_INT(ime_hand_recognize(h, a, TOP, &na), KERR_OK);
  CHECK_INT(na, 0);
}

/* An open stroke (finger still down) is part of what is recognised, so the
 * candidates can follow the finger. */
static void test_open_stroke(ime_hand *h) {
  const sf_char *shi = find_char("十");
  if (!shi) return;
  ime_hand_clear(h);
  CHECK_INT(sf_draw(h, shi, 1, 1.0), KERR_OK);
  CHECK_INT(ime_hand_stroke_begin(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_count(h), 2);
  for (int y = 30; y <= 275; y += 5)
    CHECK_INT(ime_hand_stroke_point(h, 150, y), KERR_OK);
  CHECK(rank_of(h, "十") >= 0);
  CHECK_INT(ime_hand_stroke_end(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_end(h), KERR_STATE);
  /* A tap without movement is a stroke of one point; begin/end without
   * any point leaves nothing. */
  CHECK_INT(ime_hand_stroke_begin(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_end(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_count(h), 2);
  CHECK_INT(ime_hand_stroke_begin(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_point(h, 200, 60), KERR_OK);
  CHECK_INT(ime_hand_stroke_point(h, 200, 60), KERR_OK); /* skipped */
  CHECK_INT(ime_hand_stroke_end(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_count(h), 3);
  ime_hand_candidate c[TOP];
  int n = 0;
  CHECK_INT(ime_hand_recognize(h, c, TOP, &n), KERR_OK);
  CHECK(n > 0);
  ime_hand_clear(h);
}

static void test_limits(ime_hand *h) {
  ime_hand_candidate c[IME_HAND_CAND_MAX];
  int n = 0;
  CHECK_INT(ime_hand_stroke_point(h, 1, 1), KERR_STATE); /* no stroke */
  CHECK_INT(ime_hand_stroke_end(h), KERR_STATE);
  /* Points far outside the pad are clamped, not refused. */
  CHECK_INT(ime_hand_stroke_begin(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_point(h, -1000000, 5), KERR_OK);
  CHECK_INT(ime_hand_stroke_point(h, 2000000000, -2000000000), KERR_OK);
  CHECK_INT(ime_hand_stroke_end(h), KERR_OK);
  CHECK_INT(ime_hand_recognize(h, c, IME_HAND_CAND_MAX, &n), KERR_OK);
  ime_hand_clear(h);

  /* A scribble far longer than any stroke keeps going without error. */
  CHECK_INT(ime_hand_stroke_begin(h), KERR_OK);
  for (int i = 0; i < 5000; i++)
    CHECK_INT(ime_hand_stroke_point(h, i % PAD, (i / PAD) * 10), KERR_OK);
  CHECK_INT(ime_hand_stroke_end(h), KERR_OK);
  CHECK_INT(ime_hand_recognize(h, c, 3, &n), KERR_OK);
  CHECK(n <= 3);
  ime_hand_clear(h);

  /* Stroke count and total point limits. */
  kerr err = KERR_OK;
  int strokes = 0;
  while (!err && strokes < 1000) {
    err = ime_hand_stroke_begin(h);
    if (!err) {
      CHECK_INT(ime_hand_stroke_point(h, strokes, 0), KERR_OK);
      CHECK_INT(ime_hand_stroke_end(h), KERR_OK);
      strokes++;
    }
  }
  CHECK_INT(err, KERR_LIMIT);
  CHECK_INT(strokes, IME_HAND_MAX_STROKES);
  ime_hand_clear(h);
  err = KERR_OK;
  int points = 0;
  for (int s = 0; s < 20 && !err; s++) {
    CHECK_INT(ime_hand_stroke_begin(h), KERR_OK);
    for (int i = 0; i < IME_HAND_STROKE_POINTS && !err; i++) {
      err = ime_hand_stroke_point(h, i % 2 ? i % PAD : 0, s);
      if (!err) points++;
    }
    ime_hand_stroke_end(h);
  }
  CHECK_INT(err, KERR_LIMIT);
  CHECK_INT(points, IME_HAND_MAX_POINTS);
  CHECK_INT(ime_hand_recognize(h, c, IME_HAND_CAND_MAX + 10, &n), KERR_OK);
  CHECK(n <= IME_HAND_CAND_MAX);
  CHECK_INT(ime_hand_recognize(h, c, 0, &n), KERR_OK);
  CHECK_INT(n, 0);
  CHECK_INT(ime_hand_recognize(h, c, -1, &n), KERR_RANGE);
  ime_hand_clear(h);
}

/* Random scribbles (fixed seed) with undo and clear mixed in: never an
 * error the caller did not ask for, counts stay within limits. */
static void test_random_strokes(ime_hand *h) {
  unsigned long long x = 0x2545f4914f6cdd1dULL;
  ime_hand_candidate c[IME_HAND_CAND_MAX];
  int n;
  for (int k = 0; k < 400; k++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int r = (int)(x % 10);
    if (r < 7) {
      kerr err = ime_hand_stroke_begin(h);
      CHECK(err == KERR_OK || err == KERR_LIMIT);
      if (err) continue;
      int pts = 1 + (int)((x >> 8) % 40);
      for (int i = 0; i < pts; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        err = ime_hand_stroke_point(h, (int)(x % 400) - 50,
                                    (int)((x >> 16) % 400) - 50);
        CHECK(err == KERR_OK || err == KERR_LIMIT);
      }
      CHECK_INT(ime_hand_stroke_end(h), KERR_OK);
      if (k % 16 == 0) { /* recognising a 60-stroke scribble is slow */
        CHECK_INT(ime_hand_recognize(h, c, 10, &n), KERR_OK);
        CHECK(n >= 0 && n <= 10);
      }
    } else if (r < 9) {
      kerr err = ime_hand_undo(h);
      CHECK(err == KERR_OK || (err == KERR_STATE &&
                               ime_hand_stroke_count(h) == 0));
    } else {
      ime_hand_clear(h);
    }
    CHECK(ime_hand_stroke_count(h) <= IME_HAND_MAX_STROKES);
  }
  ime_hand_clear(h);
}

/* Polls until the worker answers (or 10 s pass); returns the poll result. */
static kerr poll_wait(ime_hand *h, ime_hand_candidate *out, int cap, int *n) {
  kerr err = KERR_BUSY;
  for (int i = 0; i < 10000 && err == KERR_BUSY; i++) {
    err = ime_hand_recognize_poll(h, out, cap, n);
    if (err == KERR_BUSY) {
      struct timespec nap = {0, 1000000};
      nanosleep(&nap, NULL);
    }
  }
  return err;
}

/* Recognition off the UI thread gives what the synchronous call gives, for
 * the latest strokes only. */
static void test_async(ime_hand *h) {
  const sf_char *wang = find_char("王"), *guo = find_char("国");
  if (!wang || !guo) return;
  ime_hand_candidate a[TOP], b[TOP];
  int na = 0, nb = 0;
  ime_hand_clear(h);
  CHECK_INT(ime_hand_recognize_poll(h, b, TOP, &nb), KERR_STATE);

  CHECK_INT(sf_draw(h, wang, wang->n_strokes, 1.0), KERR_OK);
  CHECK_INT(ime_hand_recognize(h, a, TOP, &na), KERR_OK);
  CHECK_INT(ime_hand_recognize_start(h, TOP), KERR_OK);
  CHECK_INT(poll_wait(h, b, TOP, &nb), KERR_OK);
  CHECK_INT(nb, na);
  for (int i = 0; i < na && i < nb; i++) {
    CHECK_STR(b[i].text, a[i].text);
    CHECK(b[i].score == a[i].score);
  }
  CHECK_STR(b[0].text, "王");
  /* The answer stays available until the strokes change. */
  CHECK_INT(ime_hand_recognize_poll(h, b, 2, &nb), KERR_OK);
  CHECK_INT(nb, 2);
  CHECK_INT(ime_hand_undo(h), KERR_OK);
  CHECK_INT(ime_hand_recognize_poll(h, b, TOP, &nb), KERR_STATE);
  CHECK_INT(nb, 0);

  /* Requests in quick succession: the answer is for the latest strokes. */
  ime_hand_clear(h);
  for (int s = 0; s < guo->n_strokes; s++) {
    CHECK_INT(sf_draw_stroke(h, guo, s, 1.0), KERR_OK);
    CHECK_INT(ime_hand_recognize_start(h, TOP), KERR_OK);
  }
  CHECK_INT(poll_wait(h, b, TOP, &nb), KERR_OK);
  CHECK_INT(ime_hand_recognize(h, a, TOP, &na), KERR_OK);
  CHECK_INT(nb, na);
  if (nb > 0 && na > 0) CHECK_STR(b[0].text, a[0].text);
  CHECK(rank_of(h, "国") >= 0);
  CHECK_INT(ime_hand_recognize_start(h, -1), KERR_RANGE);
  CHECK_INT(ime_hand_recognize_start(h, TOP), KERR_OK);
  ime_hand_clear(h); /* drops the request and any answer */
  CHECK_INT(ime_hand_recognize_poll(h, b, TOP, &nb), KERR_STATE);
  CHECK_INT(ime_hand_recognize_start(h, TOP), KERR_OK);
  CHECK_INT(poll_wait(h, b, TOP, &nb), KERR_OK);
  CHECK_INT(nb, 0); /* no strokes, no candidates */
}

/* A request made while the model is still loading is answered once it is
 * loaded; destroy with a request in flight is clean. */
static void test_async_during_load(void) {
  const sf_char *shi = find_char("十");
  ime_hand_config cfg = {.model_path = NULL, .pad_w = PAD, .pad_h = PAD};
  ime_hand *h = NULL;
  CHECK_INT(ime_hand_create(&cfg, &h), KERR_OK);
  if (!h || !shi) {
    ime_hand_destroy(h);
    return;
  }
  CHECK_INT(sf_draw(h, shi, shi->n_strokes, 1.0), KERR_OK);
  CHECK_INT(ime_hand_recognize_start(h, TOP), KERR_OK);
  ime_hand_candidate c[TOP];
  int n = 0;
  CHECK_INT(poll_wait(h, c, TOP, &n), KERR_OK);
  CHECK(n > 0);
  bool found = false;
  for (int i = 0; i < n; i++) found = found || !strcmp(c[i].text, "十");
  CHECK(found);
  CHECK_INT(ime_hand_recognize_start(h, TOP), KERR_OK);
  ime_hand_destroy(h);
}

/* The pad size given at creation is what points are scaled by. */
static void test_pad_size(void) {
  ime_hand *h = open_pad(2 * PAD);
  const sf_char *wang = find_char("王");
  if (!h || !wang) return;
  CHECK_INT(sf_draw(h, wang, wang->n_strokes, 2.0), KERR_OK);
  CHECK(rank_of(h, "王") >= 0);
  ime_hand_destroy(h);
}

static void test_errors(void) {
  ime_hand *h = NULL;
  ime_hand_config cfg = {.model_path = "/nonexistent/model", .pad_w = PAD,
                         .pad_h = PAD};
  CHECK_INT(ime_hand_create(&cfg, &h), KERR_NOTFOUND);
  CHECK(h == NULL);
  CHECK_INT(ime_hand_create(NULL, &h), KERR_INVALID);
  cfg.model_path = NULL;
  cfg.pad_w = 0;
  CHECK_INT(ime_hand_create(&cfg, &h), KERR_RANGE);
  cfg.pad_w = PAD;
  cfg.pad_h = -3;
  CHECK_INT(ime_hand_create(&cfg, &h), KERR_RANGE);
  /* A readable file that is no model fails the load, not the caller. */
  cfg.pad_h = PAD;
  cfg.model_path = KIOSK_TEST_DATA "/devices/strokes.txt";
  CHECK_INT(ime_hand_create(&cfg, &h), KERR_OK);
  CHECK_INT(ime_hand_wait(h), KERR_IO);
  CHECK(!ime_hand_ready(h));
  ime_hand_candidate c[2];
  int n = 5;
  CHECK_INT(ime_hand_stroke_begin(h), KERR_OK);
  CHECK_INT(ime_hand_stroke_point(h, 1, 2), KERR_OK);
  CHECK_INT(ime_hand_recognize(h, c, 2, &n), KERR_STATE);
  CHECK_INT(n, 0);
  CHECK_INT(ime_hand_recognize_start(h, 2), KERR_STATE);
  CHECK_INT(ime_hand_recognize_poll(h, c, 2, &n), KERR_STATE);
  ime_hand_destroy(h);
  ime_hand_destroy(NULL);
}

int main(void) {
  n_chars = sf_load(KIOSK_TEST_DATA "/devices/strokes.txt", chars,
                    SF_MAX_CHARS);
  CHECK(n_chars >= 9);
  /* The fixture reader skips malformed lines instead of misreading them. */
  sf_char junk;
  char bad1[] = "十 1,2 | | 3,4", bad2[] = "十 1,2x", bad3[] = "# 十 1,2";
  CHECK_INT(sf_parse_line(bad1, &junk), -1);
  CHECK_INT(sf_parse_line(bad2, &junk), -1);
  CHECK_INT(sf_parse_line(bad3, &junk), -1);

  test_errors();
  ime_hand *h = open_pad(PAD);
  if (h) {
    test_characters(h);
    test_wobbly_characters(h);
    test_undo_clear(h);
    test_open_stroke(h);
    test_limits(h);
    test_random_strokes(h);
    test_async(h);
    ime_hand_destroy(h);
  }
  test_pad_size();
  test_async_during_load();
  return TEST_DONE();
}
