/* bench_ui: the kiosk's own speed and size figures (docs/performance.md).
 *
 *   launch      fork+exec of `kiosk --headless` to its first drawn frame and
 *               exit, N runs: median and p99 wall time; then alternately
 *               with the floor (bench/floor/sdl_floor.c), as a ratio
 *   redraw      full redraw of a screen at 1920x1080 on the software
 *               renderer with a warm text cache: median and p99
 *   cold        the same redraw with the text cache cleared each time
 *   idle        CPU seconds used by a windowed kiosk over 10 idle seconds
 *               (needs a display: run under xvfb-run)
 *   rss         peak resident memory (VmHWM) of the windowed kiosk and of
 *               this headless process; heap in use (mallinfo2) and the
 *               faces the text system has open after the redraws
 *   compare     with --compare-browser: the 最低生活保障 page rendered to a
 *               1920x1080 PNG by headless Chromium (bench/pages/dibao.html)
 *               and by the kiosk (bench/scripts/dibao_shot.txt), alternately,
 *               N runs each: median wall time and peak memory summed over
 *               each run's whole process group; then the warm
 *               variant: one Chromium kept running that only navigates
 *               (bench/browser_warm.mjs: goto + PNG, goto + two animation
 *               frames, PSS summed over its processes) beside a running
 *               kiosk that opens the same page from the policy list (tap,
 *               screen built, frame drawn; and with the PNG written) and
 *               the kiosk's PSS while it shows the page
 *
 *   memory      with --memory N, only this: N runs each of a headless
 *               kiosk (1) held on the home screen: its PSS (and of that the
 *               anonymous part, which no other process shares) and RSS then
 *               (bench/scripts/home_hold.txt); (2) through one whole
 *               application (tests/scripts/form_dibao_medical.txt) and
 *               (3) through a staff sign-in (bench/scripts/staff_signin.txt):
 *               peak RSS (VmHWM, from wait4). With KIOSK_BIN_BASE set, the
 *               same with that kiosk binary, alternately run for run
 *               (KIOSK_BASE_CONTENT: its content bundle, e.g. one with the
 *               staff hashes it shipped with). Medians, min and max.
 *
 * usage: bench_ui [--runs N] [--idle-seconds S] [--screen SCRIPT]
 *        bench_ui --memory N
 * SCRIPT is a kiosk script that navigates to the screen to redraw (default:
 * the home screen). Prints one "name: value" line per figure. The kiosk
 * run is build/kiosk/kiosk next to this program, or KIOSK_BIN. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <dirent.h>
#include <malloc.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell/shell.h"
#include "core/log.h"
#include "ui/png.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  int i = (int)(p * (n - 1) + 0.5);
  return v[i];
}

static long status_kib(pid_t pid, const char *key) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  long v = -1;
  size_t kl = strlen(key);
  while (fgets(line, sizeof line, f))
    if (strncmp(line, key, kl) == 0 && line[kl] == ':')
      v = atol(line + kl + 1);
  fclose(f);
  return v;
}

/* Sum of one "Key:  N kB" line of /proc/PID/smaps_rollup; -1 if absent. */
static long rollup_kib(pid_t pid, const char *key) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  long v = -1;
  size_t kl = strlen(key);
  while (fgets(line, sizeof line, f))
    if (strncmp(line, key, kl) == 0 && line[kl] == ':')
      v = atol(line + kl + 1);
  fclose(f);
  return v;
}

static double cpu_seconds(pid_t pid) {
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char *p = strrchr(buf, ')');
  if (!p)
    return -1;
  unsigned long ut = 0, st = 0;
  /* fields after ')': state(3) ... utime(14) stime(15) */
  int field = 2;
  for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
    field++;
    if (field == 14)
      ut = strtoul(tok, NULL, 10);
    if (field == 15) {
      st = strtoul(tok, NULL, 10);
      break;
    }
  }
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static const char *kiosk_path(void);

/* Sum of the resident memory (KiB) of every process in process group pg. */
static long group_rss_kib(pid_t pg) {
  DIR *d = opendir("/proc");
  if (!d)
    return 0;
  long total = 0, page_kib = sysconf(_SC_PAGESIZE) / 1024;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] < '0' || de->d_name[0] > '9')
      continue;
    char path[300], buf[1024];
    snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
    FILE *f = fopen(path, "r");
    if (!f)
      continue;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
      continue;
    /* after ')': state ppid pgrp ... rss is field 24 overall */
    long field[24] = {0};
    int k = 3;
    for (char *tok = strtok(p + 2, " "); tok && k <= 24; tok = strtok(NULL, " "))
      field[k++ - 1] = atol(tok);
    if (field[4] == pg)
      total += field[23] * page_kib;
  }
  closedir(d);
  return total;
}

/* Runs argv in its own process group; returns wall ms, stores the peak
 * summed RSS in *peak_kib. -1 if it failed. */
static double run_measured(char *const argv[], long *peak_kib) {
  double t0 = now_s();
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  setpgid(pid, pid);
  *peak_kib = 0;
  int st;
  for (;;) {
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid)
      break;
    long rss = group_rss_kib(pid);
    if (rss > *peak_kib)
      *peak_kib = rss;
    usleep(2000);
  }
  double ms = (now_s() - t0) * 1000;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? ms : -1;
}

static void bench_compare(int runs) {
  char page[700], url[800], shot[800], script[700], shots[64], profile[800];
  snprintf(page, sizeof page, "%s/bench/pages/dibao.html", KIOSK_SOURCE_DIR);
  snprintf(url, sizeof url, "file://%s", page);
  snprintf(script, sizeof script, "%s/bench/scripts/dibao_shot.txt",
           KIOSK_SOURCE_DIR);
  snprintf(shots, sizeof shots, "/tmp/bench-ui-shots-%d", (int)getpid());
  snprintf(shot, sizeof shot, "--screenshot=%s/browser.png", shots);
  mkdir(shots, 0755);
  double *tb = calloc((size_t)runs, sizeof *tb), *tk = calloc((size_t)runs, sizeof *tk);
  double *mb = calloc((size_t)runs, sizeof *mb), *mk = calloc((size_t)runs, sizeof *mk);
  int nb = 0, nk = 0;
  for (int i = 0; i < runs; i++) {
    snprintf(profile, sizeof profile, "--user-data-dir=%s/profile%d", shots, i);
    char *browser[] = {"/usr/bin/chromium", "--headless", "--no-sandbox",
                       "--disable-gpu", "--disable-quic", "--no-first-run",
                       "--disable-background-networking",
                       "--disable-component-update", "--disable-sync",
                       "--hide-scrollbars", "--window-size=1920,1080",
                       profile, shot, url, NULL};
    char *kiosk[] = {(char *)kiosk_path(), "--headless", "--window",
                     "1920x1080", "--script", script, "--shots", shots, NULL};
    long peak;
    double ms = run_measured(browser, &peak);
    if (ms >= 0) {
      tb[nb] = ms;
      mb[nb++] = peak / 1024.0;
    }
    ms = run_measured(kiosk, &peak);
    if (ms >= 0) {
      tk[nk] = ms;
      mk[nk++] = peak / 1024.0;
    }
  }
  if (!nb || !nk) {
    printf("compare_browser: FAILED (browser runs %d, kiosk runs %d)\n", nb, nk);
  } else {
    double b_t = pct(tb, nb, 0.5), k_t = pct(tk, nk, 0.5);
    double b_m = pct(mb, nb, 0.5), k_m = pct(mk, nk, 0.5);
    printf("compare_browser_ms: chromium median %.0f, kiosk median %.0f "
           "(%.1fx faster; n=%d/%d)\n", b_t, k_t, b_t / k_t, nb, nk);
    printf("compare_browser_peak_mib: chromium median %.0f, kiosk median %.0f "
           "(%.1fx smaller)\n", b_m, k_m, b_m / k_m);
  }
  free(tb);
  free(tk);
  free(mb);
  free(mk);
}

static int mem_run(const char *bin, const char *bundle, const char *script,
                   int hold, long *pss_kib, long *rss_kib, long *anon_kib,
                   long *peak_kib);

/* Median of "NAME: median X" in the browser's output, or -1. */
static double line_median(const char *out, const char *name) {
  const char *p = strstr(out, name);
  if (!p || !(p = strstr(p, "median ")))
    return -1;
  return atof(p + 7);
}

/* The kiosk opening the 最低生活保障 page from the policy list, runs
 * times: tap, the screen built, one frame drawn (and with png, written as
 * a PNG), then back to the list (not timed). Median ms, or -1. */
static double kiosk_warm_nav(app *a, int runs, int png) {
  char path[96];
  double *t = calloc((size_t)runs, sizeof *t), med = -1;
  int n = 0;
  snprintf(path, sizeof path, "/tmp/bench-ui-warm-%d.png", (int)getpid());
  for (int i = -2; t && i < runs; i++) { /* two warm-up rounds */
    const ui_target *it = ui_find_target(&a->ui, "item.dibao");
    if (!it)
      break;
    double t0 = now_s();
    app_tap_target(a, it);
    app_apply_pending(a);
    app_draw(a);
    if (png && png_write_renderer(a->ren, a->w, a->h, path))
      break;
    double ms = (now_s() - t0) * 1000;
    if (strcmp(app_screen_name(a), "policy_item") != 0)
      break;
    if (i >= 0)
      t[n++] = ms;
    const ui_target *back = ui_find_target(&a->ui, "nav.back");
    if (!back)
      break;
    app_tap_target(a, back);
    app_apply_pending(a);
    app_draw(a);
  }
  if (n == runs)
    med = pct(t, n, 0.5);
  unlink(path);
  free(t);
  return med;
}

static void bench_compare_warm(int runs) {
  char list[600], hold[600], cmd[2000], out[4096] = "";
  snprintf(list, sizeof list, "%s/bench/scripts/policy_list.txt",
           KIOSK_SOURCE_DIR);
  snprintf(hold, sizeof hold, "%s/bench/scripts/dibao_hold.txt",
           KIOSK_SOURCE_DIR);
  snprintf(cmd, sizeof cmd, "node '%s/bench/browser_warm.mjs' %d "
           "'file://%s/bench/pages/dibao.html' 2>&1", KIOSK_SOURCE_DIR, runs,
           KIOSK_SOURCE_DIR);
  FILE *f = popen(cmd, "r");
  size_t len = 0;
  char line[512];
  while (f && fgets(line, sizeof line, f)) {
    fputs(line, stdout);
    if (len + strlen(line) < sizeof out) {
      memcpy(out + len, line, strlen(line) + 1);
      len += strlen(line);
    }
  }
  if (f)
    pclose(f);

  app_options o = {.headless = 1, .width = 1920, .height = 1080,
                   .elder = -1, .script_path = list};
  app *a;
  double k_png = -1, k_frame = -1;
  if (app_create(&o, &a) == KERR_OK) {
    app_run(a);
    app_draw(a);
    k_png = kiosk_warm_nav(a, runs, 1);
    k_frame = kiosk_warm_nav(a, runs, 0);
    app_destroy(a);
  }
  double *pss = calloc(3, sizeof *pss);
  int np = 0;
  for (int i = 0; pss && i < 3; i++) {
    long p, r, an, pk;
    if (mem_run(kiosk_path(), NULL, hold, 1, &p, &r, &an, &pk) == 0)
      pss[np++] = (double)p;
  }
  if (k_png < 0 || k_frame < 0 || !np) {
    printf("warm_kiosk: FAILED (png %.1f, frame %.1f, pss runs %d)\n", k_png,
           k_frame, np);
    free(pss);
    return;
  }
  double kp = pct(pss, np, 0.5) / 1024.0;
  printf("warm_kiosk_open_page_png_ms: median %.2f (n=%d)\n", k_png, runs);
  printf("warm_kiosk_open_page_frame_ms: median %.2f (n=%d)\n", k_frame,
         runs);
  printf("warm_kiosk_pss_mib: %.1f (page shown, median of %d)\n", kp, np);
  double b_png = line_median(out, "warm_browser_goto_png_ms");
  double b_frame = line_median(out, "warm_browser_goto_frames_ms");
  const char *bp = strstr(out, "warm_browser_pss_mib: ");
  double b_pss = bp ? atof(bp + 22) : -1;
  if (b_png > 0 && b_frame > 0 && b_pss > 0)
    printf("warm_compare: with PNG %.1fx faster, to a frame %.1fx faster, "
           "PSS %.1fx smaller\n", b_png / k_png, b_frame / k_frame,
           b_pss / kp);
  free(pss);
}

static const char *kiosk_path(void) {
  static char path[1024];
  const char *env = getenv("KIOSK_BIN");
  if (env)
    return env;
  /* bench_ui lives in build/bench; the kiosk in build/kiosk. */
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 32);
  if (n <= 0)
    return "kiosk";
  path[n] = '\0';
  char *slash = strrchr(path, '/');
  if (slash)
    *slash = '\0';
  strcat(path, "/../kiosk/kiosk");
  return path;
}

static void bench_launch(int runs) {
  char script[600];
  snprintf(script, sizeof script, "%s/bench/scripts/first_frame.txt",
           KIOSK_SOURCE_DIR);
  double *t = calloc((size_t)runs, sizeof *t);
  int ok = 0;
  for (int i = 0; i < runs; i++) {
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
      int devnull = open("/dev/null", 1);
      dup2(devnull, 2);
      execl(kiosk_path(), "kiosk", "--headless", "--window", "1920x1080",
            "--script", script, (char *)NULL);
      _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
      t[ok++] = (now_s() - t0) * 1000;
  }
  if (ok)
    printf("launch_to_first_frame_ms: median %.1f p99 %.1f (n=%d)\n",
           pct(t, ok, 0.5), pct(t, ok, 0.99), ok);
  else
    printf("launch_to_first_frame_ms: FAILED (%s)\n", kiosk_path());
  free(t);
}

/* The launch against its floor (bench/floor/sdl_floor.c: SDL2 + SDL2_ttf
 * opening the kiosk's regular font and drawing one glyph), alternately run
 * for run so both see the same machine. */
static void bench_launch_floor(int runs) {
  char script[600], floor_bin[1100];
  const char *k = kiosk_path();
  snprintf(script, sizeof script, "%s/bench/scripts/first_frame.txt",
           KIOSK_SOURCE_DIR);
  snprintf(floor_bin, sizeof floor_bin, "%s", k);
  char *slash = strrchr(floor_bin, '/');
  if (slash)
    snprintf(slash, sizeof floor_bin - (size_t)(slash - floor_bin),
             "/../bench/sdl_floor");
  double *tk = calloc((size_t)runs, sizeof *tk);
  double *tf = calloc((size_t)runs, sizeof *tf);
  int nk = 0, nf = 0;
  for (int i = 0; tk && tf && i < runs; i++) {
    char *kargv[] = {(char *)k, "--headless", "--window", "1920x1080",
                     "--script", script, NULL};
    char *fargv[] = {floor_bin,
                     "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                     "2", NULL};
    for (int w = 0; w < 2; w++) {
      char *const *argv = w ? fargv : kargv;
      double t0 = now_s();
      pid_t pid = fork();
      if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execv(argv[0], argv);
        _exit(127);
      }
      int st;
      waitpid(pid, &st, 0);
      if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        if (w)
          tf[nf++] = (now_s() - t0) * 1000;
        else
          tk[nk++] = (now_s() - t0) * 1000;
      }
    }
  }
  if (nk && nf) {
    double mk = pct(tk, nk, 0.5), mf = pct(tf, nf, 0.5);
    printf("launch_floor_ms: median %.1f (SDL2 + SDL2_ttf, one glyph; n=%d)\n",
           mf, nf);
    printf("launch_vs_floor: kiosk median %.1f ms = %.2fx the floor (n=%d)\n",
           mk, mk / mf, nk);
  } else {
    printf("launch_vs_floor: FAILED (kiosk runs %d, floor runs %d: %s)\n", nk,
           nf, floor_bin);
  }
  free(tk);
  free(tf);
}

static void bench_redraw(const char *screen_script, int runs) {
  app_options o = {.headless = 1, .width = 1920, .height = 1080,
                   .elder = -1, .script_path = screen_script};
  app *a;
  if (app_create(&o, &a)) {
    printf("redraw: FAILED to start\n");
    return;
  }
  app_run(a); /* navigates to the screen */
  const char *name = app_screen_name(a);
  double *t = calloc((size_t)runs, sizeof *t);
  for (int i = 0; i < runs; i++) {
    double t0 = now_s();
    app_draw(a);
    t[i] = (now_s() - t0) * 1000;
  }
  printf("redraw_warm_ms[%s 1920x1080 software]: median %.2f p99 %.2f "
         "(n=%d)\n", name, pct(t, runs, 0.5), pct(t, runs, 0.99), runs);
  int cold_runs = runs / 4 ? runs / 4 : 1;
  for (int i = 0; i < cold_runs; i++) {
    text_cache_clear(a->text);
    double t0 = now_s();
    app_draw(a);
    t[i] = (now_s() - t0) * 1000;
  }
  printf("redraw_cold_ms[%s]: median %.2f p99 %.2f (n=%d)\n", name,
         pct(t, cold_runs, 0.5), pct(t, cold_runs, 0.99), cold_runs);
  text_stats st;
  text_get_stats(a->text, &st);
  printf("text_cache: %zu entries, %.1f MiB of %.1f MiB bound\n", st.entries,
         (double)st.bytes / 1048576.0, (double)st.bound / 1048576.0);
  printf("text_faces: %zu open for %zu sizes (%lu opened, probes included)\n",
         st.faces, st.sizes, st.opens);
  printf("heap_in_use_mib: %.1f\n", (double)mallinfo2().uordblks / 1048576.0);
  free(t);
  app_destroy(a);
  printf("rss_peak_headless_mib: %.1f\n", status_kib(getpid(), "VmHWM") / 1024.0);
}

static void bench_idle(int seconds) {
  if (!getenv("DISPLAY")) {
    printf("idle_cpu: skipped (no DISPLAY; run under xvfb-run)\n");
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", 1);
    dup2(devnull, 2);
    execl(kiosk_path(), "kiosk", "--window", "1920x1080", "--set",
          "security.dumpable=true", (char *)NULL);
    _exit(127);
  }
  sleep(2); /* start-up and first frame */
  double c0 = cpu_seconds(pid);
  sleep((unsigned)seconds);
  double c1 = cpu_seconds(pid);
  long hwm = status_kib(pid, "VmHWM");
  long pss = rollup_kib(pid, "Pss");
  kill(pid, SIGTERM);
  int st;
  waitpid(pid, &st, 0);
  if (c0 < 0 || c1 < 0) {
    printf("idle_cpu: FAILED (kiosk exited)\n");
    return;
  }
  printf("idle_cpu_s_over_%ds: %.3f (%.2f%% of one core)\n", seconds, c1 - c0,
         (c1 - c0) * 100.0 / seconds);
  printf("rss_peak_windowed_mib: %.1f\n", hwm / 1024.0);
  if (pss >= 0) /* the home screen after the idle period */
    printf("pss_windowed_home_mib: %.1f\n", pss / 1024.0);
}

/* ---- memory (--memory N) ------------------------------------------- */

/* Runs bin headless through script in a fresh data folder. With hold, its
 * PSS and RSS are read once it logs "script: hold" (it then sits on a
 * screen). *peak_kib gets VmHWM at exit. 0 if it ran and passed. */
static int mem_run(const char *bin, const char *bundle, const char *script,
                   int hold, long *pss_kib, long *rss_kib, long *anon_kib,
                   long *peak_kib) {
  char work[] = "/tmp/bench-mem-XXXXXX", data[96], printer[96], cont[700];
  char cmd[128];
  int fd[2];
  if (!mkdtemp(work) || pipe(fd) != 0)
    return -1;
  snprintf(data, sizeof data, "paths.data=%s/data", work);
  snprintf(printer, sizeof printer, "paths.printer=%s/printer", work);
  snprintf(cont, sizeof cont, "paths.content=%s", bundle ? bundle : "");
  *pss_kib = *rss_kib = *anon_kib = *peak_kib = -1;
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(fd[1], 2);
    close(fd[0]);
    close(fd[1]);
    char *argv[] = {"kiosk", "--headless", "--window", "1920x1080",
                    "--script", (char *)script,
                    "--set", "backend.url=https://127.0.0.1:1",
                    /* any 32 bytes: applications are sealed and queued
                     * (nothing reaches a backend) and the receipt printed */
                    "--set", "backend.seal_public_key="
                             "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
                    "--set", data, "--set", printer,
                    "--set", "security.dumpable=true",
                    bundle ? "--set" : NULL, cont, NULL};
    execv(bin, argv);
    _exit(127);
  }
  close(fd[1]);
  FILE *f = fdopen(fd[0], "r");
  char line[1024];
  while (f && fgets(line, sizeof line, f)) {
    if (hold && *pss_kib < 0 && strstr(line, "script: hold")) {
      usleep(500 * 1000); /* the hold has begun: let the frame settle */
      *pss_kib = rollup_kib(pid, "Pss");
      *rss_kib = rollup_kib(pid, "Rss");
      *anon_kib = rollup_kib(pid, "Pss_Anon");
    }
  }
  if (f)
    fclose(f);
  int st = 0;
  struct rusage ru;
  if (wait4(pid, &st, 0, &ru) == pid)
    *peak_kib = ru.ru_maxrss;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
  if (system(cmd) != 0)
    fprintf(stderr, "bench_ui: could not remove %s\n", work);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || (hold && *pss_kib < 0))
    return -1;
  return 0;
}

static void mem_print(const char *name, const char *who, double *v, int n) {
  double lo = 1e18, hi = -1;
  for (int i = 0; i < n; i++) {
    if (v[i] < lo)
      lo = v[i];
    if (v[i] > hi)
      hi = v[i];
  }
  printf("%s[%s]_mib: %.1f (%.1f-%.1f, n=%d)\n", name, who,
         pct(v, n, 0.5) / 1024.0, lo / 1024.0, hi / 1024.0, n);
}

static int bench_memory(int runs) {
  enum { HOME_PSS, HOME_ANON, HOME_RSS, SESSION, STAFF, N_FIG };
  static const char *const fig[N_FIG] = {"home_pss", "home_pss_anon",
                                         "home_rss",
                                         "session_peak_rss",
                                         "staff_signin_peak_rss"};
  const char *base = getenv("KIOSK_BIN_BASE");
  const char *bins[2] = {kiosk_path(), base};
  const char *conts[2] = {NULL, getenv("KIOSK_BASE_CONTENT")};
  const char *who[2] = {"new", "base"};
  char home[600], apply[600], staff[600];
  snprintf(home, sizeof home, "%s/bench/scripts/home_hold.txt",
           KIOSK_SOURCE_DIR);
  snprintf(apply, sizeof apply, "%s/tests/scripts/form_dibao_medical.txt",
           KIOSK_SOURCE_DIR);
  snprintf(staff, sizeof staff, "%s/bench/scripts/staff_signin.txt",
           KIOSK_SOURCE_DIR);
  int nb = base ? 2 : 1;
  double *v = calloc((size_t)(2 * N_FIG * runs), sizeof *v);
  if (!v)
    return 1;
  for (int r = 0; r < runs; r++) {
    for (int b = 0; b < nb; b++) {
      /* Alternate which goes first, so neither always runs warm. */
      int k = (r % 2) ? nb - 1 - b : b;
      double *w = v + (size_t)k * N_FIG * runs;
      long pss, rss, anon, peak, x1, x2, x3;
      if (mem_run(bins[k], conts[k], home, 1, &pss, &rss, &anon, &peak) ||
          mem_run(bins[k], conts[k], apply, 0, &x1, &x2, &x3, &peak)) {
        fprintf(stderr, "bench_ui: %s kiosk failed (%s)\n", who[k], bins[k]);
        free(v);
        return 1;
      }
      w[HOME_PSS * runs + r] = (double)pss;
      w[HOME_RSS * runs + r] = (double)rss;
      w[HOME_ANON * runs + r] = (double)anon;
      w[SESSION * runs + r] = (double)peak;
      if (mem_run(bins[k], conts[k], staff, 0, &x1, &x2, &x3, &peak)) {
        fprintf(stderr, "bench_ui: %s kiosk failed the sign-in\n", who[k]);
        free(v);
        return 1;
      }
      w[STAFF * runs + r] = (double)peak;
    }
  }
  for (int i = 0; i < N_FIG; i++)
    for (int k = nb - 1; k >= 0; k--)
      mem_print(fig[i], who[k], v + (size_t)k * N_FIG * runs + i * runs, runs);
  free(v);
  return 0;
}

int main(int argc, char **argv) {
  int runs = 200, idle = 10, compare = 0, memory = 0;
  const char *screen_script = NULL;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--compare-browser") == 0)
      compare = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--compare-browser") == 0) {
      i--;
      continue;
    }
    if (strcmp(argv[i], "--runs") == 0)
      runs = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--idle-seconds") == 0)
      idle = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--screen") == 0)
      screen_script = argv[i + 1];
    else if (strcmp(argv[i], "--memory") == 0)
      memory = atoi(argv[i + 1]);
  }
  if (memory > 0)
    return bench_memory(memory);
  if (runs < 4)
    runs = 4;
  log_set_level(LOG_ERROR);
  char def[600];
  snprintf(def, sizeof def, "%s/bench/scripts/first_frame.txt",
           KIOSK_SOURCE_DIR);
  bench_launch(runs / 10 > 10 ? runs / 10 : 10);
  bench_launch_floor(runs / 10 > 10 ? runs / 10 : 10);
  bench_redraw(screen_script ? screen_script : def, runs);
  bench_idle(idle);
  if (compare) {
    bench_compare(7);
    bench_compare_warm(20);
  }
  return 0;
}
