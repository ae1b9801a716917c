/* bench_kbd: how fast the on-screen keyboards answer a finger, on the
 * software renderer (docs/text-entry.md).
 *
 *   key_to_frame   pinyin: from the release of a letter key (the tap) to
 *                  the end of drawing the frame that shows the new
 *                  composition and candidates; also backspace through it
 *   press_to_frame the press feedback frame of the same keys
 *   stroke_to_cands handwriting: from lifting the finger after a stroke to
 *                  the end of the first frame showing candidates (the
 *                  recognition runs off the UI thread; the frame loop polls)
 *
 * usage: bench_kbd [--size WxH] [--elder] [--rounds N]
 * Prints one "name: value" line per figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shell/shell.h"
#include "services/ime_host.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n) {
  if (n == 0) {
    printf("%s: no samples\n", name);
    return;
  }
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  printf("%s: median %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)\n", name,
         v[n / 2], v[(int)(0.99 * (n - 1) + 0.5)], v[n - 1], n);
}

static void step(app *a) {
  app_apply_pending(a);
  if (a->dirty)
    app_draw(a);
}

static void pointer(app *a, ui_input_type type, int x, int y) {
  ui_input in = {.type = type, .x = x, .y = y};
  app_input(a, &in);
}

/* Taps a target; returns the release-to-frame time (ms), or -1. */
static double tap(app *a, const char *id, double *press_ms) {
  const ui_target *t = ui_find_target(&a->ui, id);
  if (!t) {
    fprintf(stderr, "bench_kbd: no target %s on %s\n", id,
            app_screen_name(a));
    return -1;
  }
  int x = t->r.x + t->r.w / 2, y = t->r.y + t->r.h / 2;
  double t0 = now_ms();
  pointer(a, UI_IN_PRESS, x, y);
  step(a);
  double t1 = now_ms();
  pointer(a, UI_IN_RELEASE, x, y);
  step(a);
  double t2 = now_ms();
  if (press_ms)
    *press_ms = t1 - t0;
  return t2 - t1;
}

/* Text as a physical keyboard would send it. */
static void type_text(app *a, const char *text) {
  ui_input in = {.type = UI_IN_TEXT};
  snprintf(in.text, sizeof in.text, "%s", text);
  app_input(a, &in);
  step(a);
}

static uint64_t screen_tick(app *a) {
  screen_inst *s = &a->stack[a->depth - 1];
  uint64_t d = s->cls->tick ? s->cls->tick(a, s->state, app_now(a))
                            : UINT64_MAX;
  if (d != UINT64_MAX)
    a->dirty = 1;
  return d;
}

static const char *const words[] = {
    "zhangsan", "lixiaoming", "wangfang", "liuyang", "chenjianguo",
    "zhaoguilan", "lv", "kun", "yangshuzhen", "huangdeming",
    "shanxisheng", "jinchengshi", "chengqu", "dibao", "yiliao",
    "jiaoyu", "zhufang", "linshijiuzhu", "canjiren", "laonianren"};

int main(int argc, char **argv) {
  int w = 1920, h = 1080, elder = 0, rounds = 3;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
      sscanf(argv[++i], "%dx%d", &w, &h);
    else if (strcmp(argv[i], "--elder") == 0)
      elder = 1;
    else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
      rounds = atoi(argv[++i]);
  }
  if (rounds < 1)
    rounds = 1;
  app_options o = {.headless = 1, .width = w, .height = h, .elder = elder};
  app *a;
  if (app_create(&o, &a)) {
    fprintf(stderr, "bench_kbd: cannot start the kiosk\n");
    return 1;
  }
  a->virtual_clock = 0;
  app_draw(a);
  /* The practice screen is in the staff menu: sign in with the
   * development account (docs/staff.md). */
  if (tap(a, "entry.staff", NULL) < 0)
    return 1;
  type_text(a, "S0001");
  if (tap(a, "staff.pin", NULL) < 0)
    return 1;
  type_text(a, "246810");
  if (tap(a, "staff.login", NULL) < 0 || tap(a, "staff.textentry", NULL) < 0)
    return 1;
  ime_set *ih = app_ime(a);
  ime_set_want(ih, IME_CHINESE_PINYIN); /* as the practice screen's */
  ime_set_want(ih, IME_CHINESE_HAND);   /* fields and tabs would */
  if (!ih || !ih->pinyin || !ih->hand || ime_pinyin_wait(ih->pinyin) ||
      ime_hand_wait(ih->hand)) {
    fprintf(stderr, "bench_kbd: input methods unavailable\n");
    return 1;
  }
  tap(a, "te.tab.address", NULL);
  {
    double rd[200];
    for (int i = 0; i < 200; i++) {
      double t0 = now_ms();
      app_draw(a);
      rd[i] = now_ms() - t0;
    }
    report("redraw textentry (pinyin keyboard), warm", rd, 200);
  }

  size_t nw = sizeof words / sizeof words[0];
  int cap = rounds * 400;
  double *key = calloc((size_t)cap, sizeof *key);
  double *press = calloc((size_t)cap, sizeof *press);
  double *bs = calloc((size_t)cap, sizeof *bs);
  int nk = 0, nb = 0;
  for (int r = 0; r < rounds; r++) {
    for (size_t i = 0; i < nw; i++) {
      char id[16];
      for (const char *p = words[i]; *p; p++) {
        snprintf(id, sizeof id, "kbd.key.%c", *p);
        double pm = 0, km = tap(a, id, &pm);
        if (km >= 0 && nk < cap) {
          press[nk] = pm;
          key[nk++] = km;
        }
      }
      if (!ui_find_target(&a->ui, "kbd.cand.0"))
        fprintf(stderr, "bench_kbd: no candidates for %s\n", words[i]);
      for (size_t j = 0; j < strlen(words[i]); j++) {
        double bm = tap(a, "kbd.backspace", NULL);
        if (bm >= 0 && nb < cap)
          bs[nb++] = bm;
      }
    }
  }
  printf("screen: %dx%d%s, software renderer\n", w, h, elder ? " elder" : "");
  report("pinyin key_to_frame", key, nk);
  report("pinyin press_to_frame", press, nk);
  report("pinyin backspace_to_frame", bs, nb);

  /* Handwriting: 十 and 口 stroke by stroke, as a finger would. */
  tap(a, "kbd.switch.hand", NULL);
  const ui_target *pad = ui_find_target(&a->ui, "kbd.pad");
  if (!pad) {
    fprintf(stderr, "bench_kbd: no pad\n");
    return 1;
  }
  SDL_Rect p = pad->r;
  /* strokes as fractions of the pad: {x1, y1, x2, y2} */
  static const float strokes[][4] = {
      {0.15f, 0.5f, 0.85f, 0.5f}, {0.5f, 0.1f, 0.5f, 0.9f},   /* 十 */
      {0.2f, 0.2f, 0.2f, 0.8f},   {0.2f, 0.2f, 0.8f, 0.2f},   /* 口 */
      {0.8f, 0.2f, 0.8f, 0.8f},   {0.2f, 0.8f, 0.8f, 0.8f}};
  double *st = calloc((size_t)rounds * 20, sizeof *st);
  int ns = 0, ok_first = 0, chars = 0;
  for (int r = 0; r < rounds * 3; r++) {
    for (int c = 0; c < 2; c++) {
      int from = c == 0 ? 0 : 2, to = c == 0 ? 2 : 6;
      for (int s = from; s < to; s++) {
        int x1 = p.x + (int)(strokes[s][0] * (float)p.w);
        int y1 = p.y + (int)(strokes[s][1] * (float)p.h);
        int x2 = p.x + (int)(strokes[s][2] * (float)p.w);
        int y2 = p.y + (int)(strokes[s][3] * (float)p.h);
        pointer(a, UI_IN_PRESS, x1, y1);
        step(a);
        for (int k = 1; k <= 10; k++) {
          pointer(a, UI_IN_MOVE, x1 + (x2 - x1) * k / 10,
                  y1 + (y2 - y1) * k / 10);
          step(a);
        }
        double t0 = now_ms();
        pointer(a, UI_IN_RELEASE, x2, y2);
        step(a);
        /* the frame loop: tick, draw, until the candidates are shown */
        int got = 0;
        for (int guard = 0; guard < 100000 && !got; guard++) {
          uint64_t d = screen_tick(a);
          step(a);
          got = ui_find_target(&a->ui, "kbd.cand.0") != NULL;
          if (!got && d == UINT64_MAX)
            break;
        }
        if (got && ns < rounds * 20)
          st[ns++] = now_ms() - t0;
      }
      const ui_target *first = ui_find_target(&a->ui, "kbd.cand.0");
      chars++;
      if (first && strcmp(first->label, c == 0 ? "十" : "口") == 0)
        ok_first++;
      tap(a, "kbd.hand.clear", NULL);
    }
  }
  report("hand stroke_to_cands", st, ns);
  printf("hand first candidate right: %d of %d (十, 口)\n", ok_first, chars);
  free(key);
  free(press);
  free(bs);
  free(st);
  app_destroy(a);
  return 0;
}
