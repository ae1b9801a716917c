/* bench_ime: how fast the input methods answer, and what they cost.
 *
 * Measures, with the real engines and the data deployed in the build tree:
 *   - start-up: how long ime_*_create() holds the calling (UI) thread, and
 *     how long until the engine is ready; pinyin reset likewise;
 *   - pinyin: time per keystroke (feed + the candidate page it produces)
 *     over the synthetic applicant input in tests/data/devices/
 *     pinyin_inputs.txt, typed key by key and committed with space;
 *   - handwriting: time to recognise (top 10) after each stroke of the
 *     characters in tests/data/devices/strokes.txt, on the calling thread,
 *     and off it (what recognize_start costs the caller, and how long until
 *     recognize_poll has the answer);
 *   - peak resident memory (VmHWM) with both engines loaded and used.
 * Usage: bench_ime [rounds]   (default 3 rounds of pinyin, 20 of strokes per
 * round unit). Prints one line per figure; exits non-zero if an engine
 * fails. Targets (docs/input-methods.md): keystroke median < 5 ms, stroke
 * < 30 ms, whole kiosk < 128 MiB. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/devices/stroke_file.h"
#include "core/ime.h"

#define DATA KIOSK_SOURCE_DIR "/tests/data/devices"
#define MAX_SAMPLES 20000
#define PAD 300

typedef struct samples {
  double v[MAX_SAMPLES];
  int n;
} samples;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void add(samples *s, double v) {
  if (s->n < MAX_SAMPLES) s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const char *what, samples *s) {
  if (s->n == 0) {
    printf("%-28s no samples\n", what);
    return;
  }
  qsort(s->v, (size_t)s->n, sizeof s->v[0], cmp_double);
  int p99 = (int)ceil(0.99 * s->n) - 1;
  printf("%-28s n=%d median %.3f ms  p99 %.3f ms  max %.3f ms\n", what, s->n,
         s->v[s->n / 2], s->v[p99], s->v[s->n - 1]);
}

/* VmHWM / VmRSS from /proc/self/status in KiB, -1 if unavailable. */
static long proc_kib(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kib = -1;
  size_t klen = strlen(key);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
      kib = strtol(line + klen + 1, NULL, 10);
      break;
    }
  }
  fclose(f);
  return kib;
}

static samples keys, commits, strokes, async_start, async_answer;

/* Types every line of the input file; returns the number of lines typed or
 * -1 on an engine error. */
static int bench_pinyin(ime_pinyin *p, int rounds) {
  FILE *f = fopen(DATA "/pinyin_inputs.txt", "r");
  if (!f) {
    fprintf(stderr, "bench_ime: cannot read pinyin_inputs.txt\n");
    return -1;
  }
  char line[256], out[IME_PINYIN_COMMIT_MAX];
  int lines = 0;
  for (int r = 0; r < rounds; r++) {
    rewind(f);
    while (fgets(line, sizeof line, f)) {
      if (line[0] == '#' || line[0] < 'a' || line[0] > 'z') continue;
      bool handled;
      for (const char *c = line; *c >= 'a' && *c <= 'z'; c++) {
        double t0 = now_ms();
        kerr err = ime_pinyin_feed(p, *c, &handled);
        add(&keys, now_ms() - t0);
        if (err) return -1;
      }
      /* Space commits the first candidate; repeat while input remains. */
      for (int guard = 0;
           guard < 16 && ime_pinyin_view_get(p)->preedit[0] != '\0';
           guard++) {
        double t0 = now_ms();
        kerr err = ime_pinyin_feed(p, IME_KEY_SPACE, &handled);
        add(&commits, now_ms() - t0);
        if (err) return -1;
      }
      if (ime_pinyin_take_commit(p, out, sizeof out)) return -1;
      lines++;
    }
  }
  fclose(f);
  return lines;
}

static int bench_hand(ime_hand *h, int rounds, int *top1) {
  static sf_char chars[SF_MAX_CHARS];
  int n = sf_load(DATA "/strokes.txt", chars, SF_MAX_CHARS);
  if (n <= 0) {
    fprintf(stderr, "bench_ime: cannot read strokes.txt\n");
    return -1;
  }
  *top1 = 0;
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < n; i++) {
      ime_hand_clear(h);
      ime_hand_candidate cand[10];
      int m = 0;
      for (int s = 0; s < chars[i].n_strokes; s++) {
        if (sf_draw_stroke(h, &chars[i], s, 1.0)) return -1;
        double t0 = now_ms();
        kerr err = ime_hand_recognize(h, cand, 10, &m);
        add(&strokes, now_ms() - t0);
        if (err) return -1;
        if (r % 4 == 0) { /* the same off the UI thread */
          ime_hand_candidate acand[10];
          int am = 0;
          t0 = now_ms();
          if (ime_hand_recognize_start(h, 10)) return -1;
          add(&async_start, now_ms() - t0);
          while ((err = ime_hand_recognize_poll(h, acand, 10, &am)) ==
                 KERR_BUSY) {
            struct timespec nap = {0, 50000};
            nanosleep(&nap, NULL);
          }
          add(&async_answer, now_ms() - t0);
          if (err || am != m) return -1;
        }
      }
      if (r == 0 && m > 0 && strcmp(cand[0].text, chars[i].ch) == 0)
        (*top1)++;
      else if (r == 0)
        printf("handwriting top-1 miss       %s read as %s\n", chars[i].ch,
               m > 0 ? cand[0].text : "nothing");
    }
  }
  ime_hand_clear(h);
  return n;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 3;
  if (rounds < 1 || rounds > 100) rounds = 3;
  long hwm0 = proc_kib("VmHWM");

  double t0 = now_ms();
  ime_pinyin *p = NULL;
  ime_pinyin_config pcfg = {.data_dir = KIOSK_BENCH_RIME_DIR};
  kerr err = ime_pinyin_create(&pcfg, &p);
  double p_create = now_ms() - t0;
  ime_hand *h = NULL;
  ime_hand_config hcfg = {.model_path = NULL, .pad_w = PAD, .pad_h = PAD};
  double t1 = now_ms();
  if (!err) err = ime_hand_create(&hcfg, &h);
  double h_create = now_ms() - t1;
  if (err) {
    fprintf(stderr, "bench_ime: create: %s\n", kerr_str(err));
    return 1;
  }
  /* Both load in parallel, as at kiosk launch; poll like the UI would. */
  double p_ready = 0, h_ready = 0;
  while ((p_ready == 0 || h_ready == 0) && now_ms() - t0 < 10000) {
    if (p_ready == 0 && ime_pinyin_ready(p)) p_ready = now_ms() - t0;
    if (h_ready == 0 && ime_hand_ready(h)) h_ready = now_ms() - t1;
    struct timespec nap = {0, 100000};
    nanosleep(&nap, NULL);
  }
  if (ime_pinyin_wait(p) || ime_hand_wait(h)) {
    fprintf(stderr, "bench_ime: engine failed to load\n");
    return 1;
  }
  printf("pinyin start-up              create %.3f ms on the caller, "
         "ready after %.1f ms\n", p_create, p_ready);
  printf("handwriting start-up         create %.3f ms on the caller, "
         "ready after %.1f ms\n", h_create, h_ready);

  int lines = bench_pinyin(p, rounds);
  if (lines < 0) {
    fprintf(stderr, "bench_ime: pinyin input failed\n");
    return 1;
  }
  int top1 = 0;
  int chars = bench_hand(h, rounds * 20, &top1);
  if (chars < 0) {
    fprintf(stderr, "bench_ime: handwriting failed\n");
    return 1;
  }
  long hwm = proc_kib("VmHWM"), rss = proc_kib("VmRSS");

  double r0 = now_ms();
  err = ime_pinyin_reset(p);
  double r_sync = now_ms() - r0;
  if (!err) err = ime_pinyin_wait(p);
  double r_ready = now_ms() - r0;

  printf("pinyin input                 %d compositions, %d keystrokes\n",
         lines, keys.n);
  report("pinyin keystroke", &keys);
  report("pinyin space (commit)", &commits);
  printf("handwriting                  %d characters, %d/%d top-1\n", chars,
         top1, chars);
  report("handwriting per stroke", &strokes);
  report("handwriting start (caller)", &async_start);
  report("handwriting async answer", &async_answer);
  printf("pinyin reset                 %.3f ms on the caller, ready after "
         "%.1f ms (%s)\n", r_sync, r_ready, kerr_str(err));
  printf("memory                       VmHWM %.1f MiB (%.1f MiB before the "
         "engines), VmRSS %.1f MiB\n", hwm / 1024.0, hwm0 / 1024.0,
         rss / 1024.0);
  ime_hand_destroy(h);
  ime_pinyin_destroy(p);
  return err ? 1 : 0;
}
