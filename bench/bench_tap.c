/* bench_tap: tap-to-frame latency measured from outside the kiosk
 * (docs/performance.md, "Tap to frame, from outside").
 *
 * A windowed kiosk runs on an X server (Xvfb: started here when DISPLAY is
 * unset, else the one DISPLAY names, e.g. under xvfb-run). This program
 * injects real X input with XTest and watches the kiosk's window with
 * XDamage (raw rectangles): the latency of an interaction is the time from
 * the injected event (flushed to the server) to the first damage of the
 * window after it, CLOCK_MONOTONIC. The kiosk presents whole frames, so a
 * damage is a frame; what the frame shows is read back with XGetImage.
 *
 *   tap         press on the name tab of the text-entry screen: the frame
 *               with the button shown pressed
 *   pinyin_key  release of the on-screen key "a" (pressed before): the
 *               frame with the composition and the candidates
 *   stroke      a handwritten stroke on the pad (press, 15 motions over
 *               about 100 ms, release), from the release: the first frame
 *               whose candidate bar shows a candidate (`stroke_candidates`:
 *               a primary-coloured button where the first one goes), and
 *               the first frame whose bar shows the release was taken
 *               (`stroke_release_shown`: 正在认字 instead of the hint, or
 *               already the candidates). The frames between are counted.
 *   screen      release on 返回 (text entry -> staff menu) and on the staff
 *               menu's text-entry button (-> text entry): the first frame
 *
 * Where the time goes: `*_logged` is when the kiosk's log line for the tap
 * (written when it handles the tap, before it draws) was read here, and
 * for the key and the stroke, the CPU time and the run-queue time (ready
 * to run, another task on the CPU) from the release to the frame of the
 * kiosk's UI thread, its other threads (the handwriting worker) and of
 * Xvfb when it was started here (/proc/PID/task/TID/schedstat).
 *
 * Before each interaction the window must be quiet (no damage for
 * --quiet-ms, default 300). Where to tap is taken from the kiosk itself:
 * a headless kiosk in a child process of this program runs the scripts
 * bench/scripts/tap_*.txt at the same 1920x1080 and text size and reports
 * the rectangles of the targets it drew. Every interaction is checked:
 * the kiosk (at log level debug) must log the tap on the expected target,
 * and the frame must change what it should (the pressed button, the
 * candidate bar, the keys); any failure ends the run with a message and
 * exit status 1, so a broken bench reports no figures.
 *
 * usage: bench_tap [--runs N] [--quiet-ms MS] [--only tap,key,stroke,screen]
 * BENCH_TAP_DEBUG=1 prints each frame after a stroke's release, =2 also
 * every damage event. On a failure the window is written to
 * bench_tap-failed.png. The kiosk run is build/kiosk/kiosk next to this
 * program, or KIOSK_BIN (a copy elsewhere must sit in a build tree's
 * kiosk/ folder to find its configuration). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>
#include <X11/extensions/Xdamage.h>
#include <X11/keysym.h>

#include "shell/shell.h"
#include "core/log.h"
#include "ui/png.h"

#define TAP_W 1920
#define TAP_H 1080
#define TAP_LOG_MAX (256 * 1024)
#define TAP_STROKE_MOVES 15

/* ---- small helpers -------------------------------------------------- */

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms) {
  time_t sec = (time_t)(ms / 1000);
  struct timespec ts = {sec, (long)((ms - (double)sec * 1000) * 1e6)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The p-quantile (nearest rank) of v[0..n-1]; sorts v. */
static double pct(double *v, int n, double p) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  int i = (int)(p * (n - 1) + 0.5);
  return v[i];
}

static pid_t g_xvfb = -1, g_kiosk = -1;
static char g_work[64];

static void cleanup(void) {
  if (g_kiosk > 0) {
    kill(g_kiosk, SIGTERM);
    waitpid(g_kiosk, NULL, 0);
    g_kiosk = -1;
  }
  if (g_xvfb > 0) {
    kill(g_xvfb, SIGTERM);
    waitpid(g_xvfb, NULL, 0);
    g_xvfb = -1;
  }
  if (g_work[0]) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_work);
    if (system(cmd) != 0)
      fprintf(stderr, "bench_tap: could not remove %s\n", g_work);
    g_work[0] = '\0';
  }
}

static void dump_window(void);

/* Interrupted: the kiosk and Xvfb go too (async-signal-safe calls only;
 * the temporary folder stays). */
static void on_signal(int sig) {
  if (g_kiosk > 0)
    kill(g_kiosk, SIGTERM);
  if (g_xvfb > 0)
    kill(g_xvfb, SIGTERM);
  _exit(128 + sig);
}

/* A failure: the message, what the window showed, no figures, exit
 * status 1. */
static void die(const char *fmt, ...) {
  va_list ap;
  dump_window();
  va_start(ap, fmt);
  fputs("bench_tap: FAILED: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs("\n", stderr);
  va_end(ap);
  cleanup();
  exit(1);
}

static const char *kiosk_path(void) {
  const char *e = getenv("KIOSK_BIN");
  if (e)
    return e;
  static char path[1024];
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

/* ---- where to tap: from a headless kiosk ----------------------------- */

typedef struct tap_target {
  const char *stage; /* bench/scripts/tap_<stage>.txt */
  const char *id;
  SDL_Rect r;
} tap_target;

enum {
  T_STAFF, T_PIN, T_LOGIN, T_TEXTENTRY, T_TAB, T_BACK, T_SW_HAND, T_BKSP,
  T_DONE, T_KEY_A, T_CAND0, T_PAD, T_CLEAR, T_SW_PINYIN, T_HCAND0, N_TARGETS
};

static tap_target g_t[N_TARGETS] = {
    [T_STAFF] = {"home", "entry.staff", {0}},
    [T_PIN] = {"signin", "staff.pin", {0}},
    [T_LOGIN] = {"signin", "staff.login", {0}},
    [T_TEXTENTRY] = {"staff_menu", "staff.textentry", {0}},
    [T_TAB] = {"textentry", "te.tab.name", {0}},
    [T_BACK] = {"textentry", "nav.back", {0}},
    [T_SW_HAND] = {"textentry", "kbd.switch.hand", {0}},
    [T_BKSP] = {"textentry", "kbd.backspace", {0}},
    [T_DONE] = {"textentry", "kbd.done", {0}},
    [T_KEY_A] = {"textentry", "kbd.key.a", {0}},
    [T_CAND0] = {"textentry", "kbd.cand.0", {0}},
    [T_PAD] = {"hand", "kbd.pad", {0}},
    [T_CLEAR] = {"hand", "kbd.hand.clear", {0}},
    [T_SW_PINYIN] = {"hand", "kbd.switch.pinyin", {0}},
    [T_HCAND0] = {"hand", "kbd.cand.0", {0}},
};

/* Runs bench/scripts/tap_<stage>.txt in a headless kiosk in a child
 * process (this program holds no SDL state) and fills the rectangles of
 * that stage's targets from the frame the script ended on. */
static void layout_stage(const char *stage) {
  char script[700], data[96], printer[96];
  snprintf(script, sizeof script, "%s/bench/scripts/tap_%s.txt",
           KIOSK_SOURCE_DIR, stage);
  snprintf(data, sizeof data, "paths.data=%s/layout-%s/data", g_work, stage);
  snprintf(printer, sizeof printer, "paths.printer=%s/layout-%s/printer",
           g_work, stage);
  int fd[2];
  if (pipe(fd) != 0)
    die("pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    log_set_level(LOG_ERROR);
    app_options o = {.headless = 1, .width = TAP_W, .height = TAP_H,
                     .elder = 0, .script_path = script,
                     .sets = {data, printer,
                              "backend.url=https://127.0.0.1:1",
                              /* any 32 bytes: nothing is sealed here, the
                               * key only keeps the log quiet */
                              "backend.seal_public_key="
                              "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
                              "log.level=error"},
                     .n_sets = 5};
    app *a;
    if (app_create(&o, &a))
      _exit(2);
    if (app_run(a) != 0)
      _exit(3);
    FILE *f = fdopen(fd[1], "w");
    for (int i = 0; i < N_TARGETS; i++) {
      if (strcmp(g_t[i].stage, stage) != 0)
        continue;
      const ui_target *t = ui_find_target(&a->ui, g_t[i].id);
      if (t)
        fprintf(f, "%d %d %d %d %d\n", i, t->r.x, t->r.y, t->r.w, t->r.h);
    }
    fclose(f);
    app_destroy(a);
    _exit(0);
  }
  close(fd[1]);
  FILE *f = fdopen(fd[0], "r");
  int i, x, y, w, h;
  while (f && fscanf(f, "%d %d %d %d %d", &i, &x, &y, &w, &h) == 5)
    if (i >= 0 && i < N_TARGETS)
      g_t[i].r = (SDL_Rect){x, y, w, h};
  if (f)
    fclose(f);
  int st;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    die("the headless kiosk failed %s (status %d): the screens changed?",
        script, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  for (int k = 0; k < N_TARGETS; k++)
    if (strcmp(g_t[k].stage, stage) == 0 && g_t[k].r.w <= 0)
      die("no target %s after %s", g_t[k].id, script);
}

/* ---- the X side ------------------------------------------------------ */

static Display *g_dpy;
static Window g_win;
static int g_dmg_base, g_ox, g_oy; /* window origin on the root */

/* Starts Xvfb on a free display (it writes the number to a pipe). */
static void start_xvfb(void) {
  int fd[2];
  if (pipe(fd) != 0)
    die("pipe: %s", strerror(errno));
  g_xvfb = fork();
  if (g_xvfb == 0) {
    char fds[16];
    snprintf(fds, sizeof fds, "%d", fd[1]);
    close(fd[0]);
    char logp[96];
    snprintf(logp, sizeof logp, "%s/xvfb.log", g_work);
    int lf = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(lf, 1);
    dup2(lf, 2);
    execlp("Xvfb", "Xvfb", "-displayfd", fds, "-screen", "0", "1920x1080x24",
           "-nolisten", "tcp", (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  /* Xvfb writes the number, then a newline: read both before closing,
   * or its second write fails and it exits. */
  char buf[32] = "";
  size_t got = 0;
  while (got < sizeof buf - 1 && !strchr(buf, '\n')) {
    ssize_t n = read(fd[0], buf + got, sizeof buf - 1 - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += (size_t)n;
    buf[got] = '\0';
  }
  close(fd[0]);
  if (!strchr(buf, '\n'))
    die("could not start Xvfb (is the xvfb package installed?)");
  char disp[40];
  snprintf(disp, sizeof disp, ":%d", atoi(buf));
  setenv("DISPLAY", disp, 1);
}

/* The kiosk's stderr (log level debug): read between interactions. */
static int g_logfd = -1;
static char g_log[TAP_LOG_MAX];
static size_t g_log_len;

/* A line being waited for, and when it was first read (0: not yet). */
static const char *g_watch;
static double g_watch_t;

static void log_drain(void) {
  for (;;) {
    if (g_log_len + 4096 >= sizeof g_log) { /* keep the last half */
      size_t keep = sizeof g_log / 2;
      memmove(g_log, g_log + g_log_len - keep, keep);
      g_log_len = keep;
    }
    ssize_t n = read(g_logfd, g_log + g_log_len, 4096);
    if (n <= 0)
      break;
    g_log_len += (size_t)n;
  }
  g_log[g_log_len] = '\0';
  if (g_watch && !g_watch_t && strstr(g_log, g_watch))
    g_watch_t = now_ms();
}

static void log_forget(void) {
  log_drain();
  g_log_len = 0;
  g_log[0] = '\0';
  g_watch = NULL;
  g_watch_t = 0;
}

/* From now on, notes when the kiosk logs needle (log_forget first). */
static void log_watch(const char *needle) {
  g_watch = needle;
  g_watch_t = 0;
}

/* Whether the kiosk logged needle since log_forget, waiting up to ms. */
static int log_wait(const char *needle, double ms) {
  double end = now_ms() + ms;
  do {
    log_drain();
    if (strstr(g_log, needle))
      return 1;
    sleep_ms(5);
  } while (now_ms() < end);
  return 0;
}

static void start_kiosk(void) {
  char data[96], printer[96];
  snprintf(data, sizeof data, "paths.data=%s/kiosk/data", g_work);
  snprintf(printer, sizeof printer, "paths.printer=%s/kiosk/printer", g_work);
  int fd[2];
  if (pipe(fd) != 0)
    die("pipe: %s", strerror(errno));
  g_kiosk = fork();
  if (g_kiosk == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(fd[1], 2);
    close(fd[0]);
    close(fd[1]);
    execl(kiosk_path(), "kiosk", "--window", "1920x1080", "--text-size", "0",
          "--set", data, "--set", printer,
          "--set", "backend.url=https://127.0.0.1:1",
          "--set", "session.inactivity_s=3600",
          "--set", "log.level=debug", (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  g_logfd = fd[0];
  fcntl(g_logfd, F_SETFL, O_NONBLOCK);
}

/* The kiosk's top-level window: the mapped child of the root whose
 * _NET_WM_PID is the kiosk's (SDL sets it). */
static Window find_window(pid_t pid) {
  Atom pid_atom = XInternAtom(g_dpy, "_NET_WM_PID", False);
  Window root = DefaultRootWindow(g_dpy), r, p, *kids = NULL, found = 0;
  unsigned n = 0;
  if (!XQueryTree(g_dpy, root, &r, &p, &kids, &n))
    return 0;
  for (unsigned i = 0; i < n && !found; i++) {
    Atom type;
    int format;
    unsigned long items, after;
    unsigned char *prop = NULL;
    if (XGetWindowProperty(g_dpy, kids[i], pid_atom, 0, 1, False,
                           XA_CARDINAL, &type, &format, &items, &after,
                           &prop) == Success && prop && items == 1 &&
        (pid_t)*(unsigned long *)(void *)prop == pid) {
      XWindowAttributes wa;
      if (XGetWindowAttributes(g_dpy, kids[i], &wa) &&
          wa.map_state == IsViewable)
        found = kids[i];
    }
    if (prop)
      XFree(prop);
  }
  if (kids)
    XFree(kids);
  return found;
}

/* The next damage of the kiosk's window within ms: 1 and its arrival
 * time in *t, or 0. */
static int next_damage(double ms, double *t) {
  double end = now_ms() + ms;
  for (;;) {
    while (XPending(g_dpy)) {
      XEvent ev;
      XNextEvent(g_dpy, &ev);
      if (ev.type == g_dmg_base + XDamageNotify) {
        *t = now_ms();
        if (getenv("BENCH_TAP_DEBUG") && getenv("BENCH_TAP_DEBUG")[0] == '2') {
          const XDamageNotifyEvent *d = (const XDamageNotifyEvent *)&ev;
          fprintf(stderr, "damage %d,%d %dx%d more %d at %.3f\n", d->area.x,
                  d->area.y, d->area.width, d->area.height, d->more, *t);
        }
        return 1;
      }
    }
    double left = end - now_ms();
    if (left <= 0)
      return 0;
    struct pollfd pfd[2] = {{ConnectionNumber(g_dpy), POLLIN, 0},
                            {g_logfd, POLLIN, 0}};
    poll(pfd, g_logfd >= 0 ? 2 : 1, left < 1 ? 1 : (int)left);
    if (g_logfd >= 0 && (pfd[1].revents & POLLIN))
      log_drain();
  }
}

/* Waits until no frame came for quiet ms (at most 10 s: then fails). */
static int g_quiet_ms = 300;
static void wait_quiet(const char *what) {
  double end = now_ms() + 10000, t;
  while (next_damage(g_quiet_ms, &t))
    if (t > end)
      die("the kiosk never became quiet (%s): something redraws all the "
          "time", what);
}

/* A hash of what the window shows in r (window coordinates). */
static uint64_t probe(SDL_Rect r) {
  XImage *im = XGetImage(g_dpy, g_win, r.x, r.y, (unsigned)r.w,
                         (unsigned)r.h, AllPlanes, ZPixmap);
  if (!im)
    die("XGetImage failed");
  uint64_t h = 1469598103934665603ULL;
  for (int y = 0; y < r.h; y++)
    for (int x = 0; x < r.w; x++) {
      h ^= XGetPixel(im, x, y);
      h *= 1099511628211ULL;
    }
  XDestroyImage(im);
  return h;
}

/* The most frequent pixel value in r (a button's fill). */
static unsigned long fill_colour(SDL_Rect r) {
  XImage *im = XGetImage(g_dpy, g_win, r.x, r.y, (unsigned)r.w,
                         (unsigned)r.h, AllPlanes, ZPixmap);
  if (!im)
    die("XGetImage failed");
  size_t n = (size_t)r.w * (size_t)r.h, best_n = 0, run = 0;
  double *v = malloc(n * sizeof *v);
  if (!v)
    die("out of memory");
  for (int y = 0; y < r.h; y++)
    for (int x = 0; x < r.w; x++)
      v[(size_t)y * (size_t)r.w + (size_t)x] = (double)XGetPixel(im, x, y);
  XDestroyImage(im);
  qsort(v, n, sizeof *v, cmp_double);
  unsigned long best = 0;
  for (size_t i = 0; i < n; i++) {
    run = i > 0 && v[i] == v[i - 1] ? run + 1 : 1;
    if (run > best_n) {
      best_n = run;
      best = (unsigned long)v[i];
    }
  }
  free(v);
  return best;
}

/* The share of r's pixels that are colour c. */
static double share_of(SDL_Rect r, unsigned long c) {
  XImage *im = XGetImage(g_dpy, g_win, r.x, r.y, (unsigned)r.w,
                         (unsigned)r.h, AllPlanes, ZPixmap);
  if (!im)
    die("XGetImage failed");
  long hit = 0;
  for (int y = 0; y < r.h; y++)
    for (int x = 0; x < r.w; x++)
      hit += XGetPixel(im, x, y) == c;
  XDestroyImage(im);
  return (double)hit / ((double)r.w * (double)r.h);
}

/* On a failure: the window as it is, to bench_tap-failed.png in the
 * current folder, to see what the kiosk showed. */
static void dump_window(void) {
  if (!g_dpy || !g_win)
    return;
  Display *d = g_dpy;
  g_dpy = NULL; /* no second dump should this fail */
  XImage *im = XGetImage(d, g_win, 0, 0, TAP_W, TAP_H, AllPlanes, ZPixmap);
  unsigned char *rgba = im ? malloc((size_t)TAP_W * TAP_H * 4) : NULL;
  if (!rgba) {
    if (im)
      XDestroyImage(im);
    return;
  }
  for (int y = 0; y < TAP_H; y++)
    for (int x = 0; x < TAP_W; x++) {
      unsigned long p = XGetPixel(im, x, y);
      unsigned char *o = rgba + ((size_t)y * TAP_W + (size_t)x) * 4;
      o[0] = (unsigned char)((p & im->red_mask) >> 16);
      o[1] = (unsigned char)((p & im->green_mask) >> 8);
      o[2] = (unsigned char)(p & im->blue_mask);
      o[3] = 255;
    }
  XDestroyImage(im);
  unsigned char *png = NULL;
  size_t len = 0;
  if (png_encode_rgba_mem(rgba, TAP_W, TAP_H, TAP_W * 4, &png, &len) ==
      KERR_OK) {
    FILE *f = fopen("bench_tap-failed.png", "wb");
    if (f && fwrite(png, 1, len, f) == len)
      fprintf(stderr, "bench_tap: the window is in bench_tap-failed.png\n");
    if (f)
      fclose(f);
    free(png);
  }
  free(rgba);
}

static void x_move(int x, int y) {
  XTestFakeMotionEvent(g_dpy, DefaultScreen(g_dpy), g_ox + x, g_oy + y,
                       CurrentTime);
  XFlush(g_dpy);
}

static void x_button(int down) {
  XTestFakeButtonEvent(g_dpy, 1, down ? True : False, CurrentTime);
  XFlush(g_dpy);
}

static int cx(SDL_Rect r) { return r.x + r.w / 2; }
static int cy(SDL_Rect r) { return r.y + r.h / 2; }

/* A tap on target i, not measured: the kiosk must log it. */
static void tap(int i, const char *on) {
  char want[160];
  snprintf(want, sizeof want, "tap %s on %s", g_t[i].id, on);
  log_forget();
  x_move(cx(g_t[i].r), cy(g_t[i].r));
  x_button(1);
  sleep_ms(30);
  x_button(0);
  if (!log_wait(want, 3000))
    die("tapped (%d,%d) for %s on %s: the kiosk did not log '%s'",
        cx(g_t[i].r), cy(g_t[i].r), g_t[i].id, on, want);
  wait_quiet(g_t[i].id);
}

/* Types text with X key events, as a physical keyboard would. */
static void type_text(const char *s) {
  KeyCode shift = XKeysymToKeycode(g_dpy, XK_Shift_L);
  for (; *s; s++) {
    int upper = *s >= 'A' && *s <= 'Z';
    KeyCode k = XKeysymToKeycode(g_dpy, (KeySym)(upper ? *s - 'A' + 'a' : *s));
    if (!k)
      die("no key code for '%c'", *s);
    if (upper)
      XTestFakeKeyEvent(g_dpy, shift, True, CurrentTime);
    XTestFakeKeyEvent(g_dpy, k, True, CurrentTime);
    XTestFakeKeyEvent(g_dpy, k, False, CurrentTime);
    if (upper)
      XTestFakeKeyEvent(g_dpy, shift, False, CurrentTime);
    XFlush(g_dpy);
    sleep_ms(20);
  }
  wait_quiet("typing");
}

/* ---- where the time went: the scheduler's own counts ----------------- */

/* Sums /proc/PID/task/TID/schedstat: nanoseconds run on a CPU and waited
 * on a run queue (runnable while another task had the CPU), of the main
 * thread (TID = PID: the kiosk's UI thread) and of all the others. */
static void sched_ns(pid_t pid, double *main_run, double *main_wait,
                     double *run, double *wait) {
  char path[64];
  *main_run = *main_wait = *run = *wait = 0;
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  DIR *d = opendir(path);
  if (!d)
    return;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] < '0' || de->d_name[0] > '9')
      continue;
    char f[320];
    snprintf(f, sizeof f, "/proc/%d/task/%s/schedstat", (int)pid, de->d_name);
    FILE *fp = fopen(f, "r");
    double r = 0, w = 0;
    if (fp && fscanf(fp, "%lf %lf", &r, &w) == 2) {
      int is_main = atoi(de->d_name) == (int)pid;
      *(is_main ? main_run : run) += r;
      *(is_main ? main_wait : wait) += w;
    }
    if (fp)
      fclose(fp);
  }
  closedir(d);
}

/* CPU and run-queue time over one interaction: the kiosk's UI thread, its
 * other threads (the handwriting worker among them) and, when started
 * here, Xvfb. */
enum { SC_UI_RUN, SC_UI_WAIT, SC_WK_RUN, SC_WK_WAIT, SC_X_RUN, SC_X_WAIT,
       SC_N };
static const char *const sched_names[SC_N] = {
    "kiosk_ui_cpu", "kiosk_ui_runqueue", "kiosk_workers_cpu",
    "kiosk_workers_runqueue", "xvfb_cpu", "xvfb_runqueue"};

typedef struct sched_snap {
  double v[SC_N];
} sched_snap;

static void sched_take(sched_snap *s) {
  double x;
  sched_ns(g_kiosk, &s->v[SC_UI_RUN], &s->v[SC_UI_WAIT], &s->v[SC_WK_RUN],
           &s->v[SC_WK_WAIT]);
  s->v[SC_X_RUN] = s->v[SC_X_WAIT] = 0;
  if (g_xvfb > 0) /* Xvfb is one thread (and maybe helpers) */
    sched_ns(g_xvfb, &s->v[SC_X_RUN], &s->v[SC_X_WAIT], &x, &x);
}

/* ---- figures --------------------------------------------------------- */

typedef struct series {
  const char *name;
  double *v;
  int n;
} series;

static void series_print(series *s) {
  double *c = malloc((size_t)s->n * sizeof *c);
  if (!c)
    die("out of memory");
  memcpy(c, s->v, (size_t)s->n * sizeof *c);
  double med = pct(c, s->n, 0.5), p90 = pct(c, s->n, 0.9);
  printf("%s_ms: median %.2f p90 %.2f max %.2f (n=%d)\n", s->name, med, p90,
         c[s->n - 1], s->n);
  free(c);
}

static void load_print(const char *when) {
  double l[3];
  if (getloadavg(l, 3) == 3)
    printf("load_average_%s: %.2f %.2f %.2f\n", when, l[0], l[1], l[2]);
}

/* Press (or release) where the pointer is at t0 and the first frame after it:
 * returns t1 - t0 in ms; fails when no frame comes within 2 s. */
static double g_t0; /* when the last measured button event was sent */

static double measure_button(int down, const char *what) {
  double t0, t1;
  t0 = g_t0 = now_ms();
  x_button(down);
  if (!next_damage(2000, &t1))
    die("%s: no frame within 2 s of the %s", what, down ? "press" : "release");
  return t1 - t0;
}

int main(int argc, char **argv) {
  int runs = 50;
  const char *only = "tap,key,stroke,screen";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--runs") == 0)
      runs = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--only") == 0)
      only = argv[i + 1];
    else if (strcmp(argv[i], "--quiet-ms") == 0)
      g_quiet_ms = atoi(argv[i + 1]);
    else {
      fprintf(stderr, "usage: bench_tap [--runs N] [--quiet-ms MS] "
                      "[--only tap,key,stroke,screen]\n");
      return 2;
    }
  }
  if (runs < 1 || g_quiet_ms < 50) {
    fprintf(stderr, "bench_tap: --runs >= 1, --quiet-ms >= 50\n");
    return 2;
  }
  snprintf(g_work, sizeof g_work, "/tmp/bench-tap-XXXXXX");
  if (!mkdtemp(g_work))
    return 1;
  signal(SIGPIPE, SIG_IGN);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);

  /* Where to tap, from the kiosk itself. */
  const char *stages[] = {"home", "signin", "staff_menu", "textentry", "hand"};
  for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
    layout_stage(stages[i]);
  for (int i = 0; i < N_TARGETS; i++)
    printf("target %-18s %4d,%4d %4dx%d\n", g_t[i].id, g_t[i].r.x, g_t[i].r.y,
           g_t[i].r.w, g_t[i].r.h);

  int own_x = getenv("DISPLAY") == NULL;
  if (own_x)
    start_xvfb();
  for (int i = 0; i < 100 && !(g_dpy = XOpenDisplay(NULL)); i++)
    sleep_ms(50);
  if (!g_dpy) {
    if (own_x) { /* why: what Xvfb said */
      char cmd[128];
      snprintf(cmd, sizeof cmd, "cat '%s/xvfb.log' >&2", g_work);
      if (system(cmd) != 0)
        fprintf(stderr, "bench_tap: no Xvfb log\n");
    }
    die("cannot open display %s", getenv("DISPLAY"));
  }
  int ev, er, maj, min;
  if (!XTestQueryExtension(g_dpy, &ev, &er, &maj, &min))
    die("the X server has no XTEST extension");
  if (!XDamageQueryExtension(g_dpy, &g_dmg_base, &er))
    die("the X server has no DAMAGE extension");
  if (DisplayWidth(g_dpy, DefaultScreen(g_dpy)) < TAP_W ||
      DisplayHeight(g_dpy, DefaultScreen(g_dpy)) < TAP_H)
    die("the screen of %s is smaller than %dx%d (xvfb-run -s \"-screen 0 "
        "1920x1080x24\")", getenv("DISPLAY"), TAP_W, TAP_H);
  printf("display: %s (%s)\n", getenv("DISPLAY"),
         own_x ? "Xvfb started by bench_tap" : "given");

  start_kiosk();
  double give_up = now_ms() + 20000;
  while (!(g_win = find_window(g_kiosk))) {
    if (now_ms() > give_up || waitpid(g_kiosk, NULL, WNOHANG) == g_kiosk)
      die("no kiosk window appeared (%s)", kiosk_path());
    sleep_ms(50);
  }
  XWindowAttributes wa;
  Window child;
  XGetWindowAttributes(g_dpy, g_win, &wa);
  XTranslateCoordinates(g_dpy, g_win, DefaultRootWindow(g_dpy), 0, 0, &g_ox,
                        &g_oy, &child);
  if (wa.width != TAP_W || wa.height != TAP_H)
    die("the kiosk window is %dx%d, not %dx%d (a smaller screen?)", wa.width,
        wa.height, TAP_W, TAP_H);
  XDamageCreate(g_dpy, g_win, XDamageReportRawRectangles);
  XSync(g_dpy, False);
  if (!log_wait("screen home", 20000))
    die("the kiosk did not show its home screen");
  sleep_ms(500);
  wait_quiet("start-up");

  /* To the text-entry screen through the staff sign-in. */
  tap(T_STAFF, "home");
  type_text("S0001");
  tap(T_PIN, "staff_signin");
  type_text("246810");
  log_forget();
  tap(T_LOGIN, "staff_signin");
  if (!log_wait("screen staff_menu", 5000))
    die("the staff sign-in did not reach the staff menu");
  wait_quiet("staff menu");
  tap(T_TEXTENTRY, "staff_menu");
  sleep_ms(2000); /* the pinyin engine loads */
  wait_quiet("text entry");
  load_print("before");

  double *buf = calloc((size_t)runs * (9 + 2 * SC_N), sizeof *buf);
  if (!buf)
    die("out of memory");
  series s_tap = {"tap_press_feedback", buf, 0};
  series s_key = {"pinyin_key", buf + runs, 0};
  series s_sf = {"stroke_release_shown", buf + 2 * runs, 0};
  series s_sc = {"stroke_candidates", buf + 3 * runs, 0};
  series s_back = {"screen_back", buf + 4 * runs, 0};
  series s_fwd = {"screen_forward", buf + 5 * runs, 0};
  /* when the kiosk logged the tap (its event handling, before the draw) */
  series s_key_in = {"pinyin_key_logged", buf + 6 * runs, 0};
  series s_back_in = {"screen_back_logged", buf + 7 * runs, 0};
  series s_fwd_in = {"screen_forward_logged", buf + 8 * runs, 0};
  /* from the release to the frame: CPU and run-queue time (schedstat) */
  series s_key_sc[SC_N], s_st_sc[SC_N];
  char sc_names[2][SC_N][64];
  for (int k = 0; k < SC_N; k++) {
    snprintf(sc_names[0][k], sizeof sc_names[0][k], "pinyin_key_%s",
             sched_names[k]);
    snprintf(sc_names[1][k], sizeof sc_names[1][k], "stroke_%s",
             sched_names[k]);
    s_key_sc[k] = (series){sc_names[0][k], buf + (9 + k) * runs, 0};
    s_st_sc[k] = (series){sc_names[1][k], buf + (9 + SC_N + k) * runs, 0};
  }
  sched_snap a, b;

  /* 1. A press on the name tab: the frame showing it pressed. */
  SDL_Rect tab = g_t[T_TAB].r;
  for (int i = 0; i < runs && strstr(only, "tap"); i++) {
    x_move(cx(tab), cy(tab));
    wait_quiet("tap");
    uint64_t before = probe(tab);
    log_forget();
    s_tap.v[s_tap.n++] = measure_button(1, "tap");
    if (probe(tab) == before)
      die("tap: the press on %s (%d,%d) did not change the button",
          g_t[T_TAB].id, cx(tab), cy(tab));
    x_button(0);
    if (!log_wait("tap te.tab.name on textentry", 3000))
      die("tap: the kiosk did not log the tap on te.tab.name");
    wait_quiet("tap release");
  }

  /* 2. The key "a": its release, the frame with the candidates. */
  SDL_Rect key = g_t[T_KEY_A].r, bar = g_t[T_CAND0].r;
  bar.w = TAP_W - 2 * bar.x; /* the whole bar (it is centred) */
  for (int i = 0; i < runs && strstr(only, "key"); i++) {
    x_move(cx(key), cy(key));
    wait_quiet("key");
    x_button(1);
    wait_quiet("key press");
    uint64_t before = probe(bar);
    log_forget();
    log_watch("tap kbd.key.a on textentry");
    sched_take(&a);
    s_key.v[s_key.n++] = measure_button(0, "pinyin key");
    sched_take(&b);
    for (int k = 0; k < SC_N; k++)
      s_key_sc[k].v[s_key_sc[k].n++] = (b.v[k] - a.v[k]) / 1e6;
    if (!log_wait("tap kbd.key.a on textentry", 3000))
      die("pinyin key: the kiosk did not log the tap on kbd.key.a");
    s_key_in.v[s_key_in.n++] = g_watch_t - g_t0;
    wait_quiet("key release");
    if (probe(bar) == before)
      die("pinyin key: the candidate bar did not change");
    tap(T_BKSP, "textentry");
  }

  /* 3. A stroke on the pad: from the release to the first frame, and to
   * the frame whose bar shows a candidate (the first one is a primary
   * button: the fill of 完成, kbd.done). */
  unsigned long primary = fill_colour(g_t[T_DONE].r);
  tap(T_SW_HAND, "textentry");
  sleep_ms(1000); /* the handwriting model loads */
  wait_quiet("handwriting pad");
  SDL_Rect pad = g_t[T_PAD].r, c0 = g_t[T_HCAND0].r;
  int side = c0.w < c0.h ? c0.w : c0.h;
  SDL_Rect cand = {c0.x + 4, c0.y + 4, side - 8, c0.h - 8};
  int max_frames = 0, bounded = 0;
  for (int i = 0; i < runs && strstr(only, "stroke"); i++) {
    int x0 = pad.x + pad.w / 6, x1 = pad.x + pad.w * 5 / 6, y = cy(pad);
    x_move(x0, y);
    wait_quiet("stroke");
    if (share_of(cand, primary) > 0.1)
      die("stroke: the candidate bar shows a candidate before the stroke");
    uint64_t hint = probe(cand); /* the bar's hint, no candidate */
    log_forget();
    x_button(1);
    for (int m = 1; m <= TAP_STROKE_MOVES; m++) {
      sleep_ms(100.0 / TAP_STROKE_MOVES);
      x_move(x0 + (x1 - x0) * m / TAP_STROKE_MOVES, y + (m % 3) - 1);
    }
    /* The ink's frames during the stroke were not read yet: drop them,
     * or they would count as frames after the release. */
    XSync(g_dpy, False);
    while (XPending(g_dpy)) {
      XEvent skip;
      XNextEvent(g_dpy, &skip);
    }
    sched_take(&a);
    double t0 = now_ms(), t = 0, t1 = 0, seen = 0;
    x_button(0);
    int was_bounded = 0;
    int frames = 0;
    while (!t1 && next_damage(2000, &t)) {
      frames++;
      double sh = share_of(cand, primary);
      if (getenv("BENCH_TAP_DEBUG"))
        fprintf(stderr, "stroke frame %d at %.2f ms: %.2f of the first "
                "candidate's place is %06lx\n", frames, t - t0, sh, primary);
      int changed = sh > 0.3 || probe(cand) != hint;
      /* A frame that came while the image was read may be the one it
       * shows: then the time the read returned is taken (an upper
       * bound). */
      double at = t;
      if (changed && XEventsQueued(g_dpy, QueuedAlready)) {
        at = now_ms();
        was_bounded = 1;
      }
      if (!seen && changed)
        seen = at; /* 正在认字 (or already the candidates) */
      if (sh > 0.3)
        t1 = at;
    }
    if (!t1)
      die("stroke: no frame with a candidate within 2 s of the release "
          "(pad %d,%d %dx%d)", pad.x, pad.y, pad.w, pad.h);
    if (getenv("BENCH_TAP_DEBUG")) { /* what the kiosk logged meanwhile */
      log_drain();
      fprintf(stderr, "%s", g_log);
    }
    sched_take(&b);
    for (int k = 0; k < SC_N; k++)
      s_st_sc[k].v[s_st_sc[k].n++] = (b.v[k] - a.v[k]) / 1e6;
    bounded += was_bounded;
    s_sf.v[s_sf.n++] = seen - t0;
    s_sc.v[s_sc.n++] = t1 - t0;
    if (frames > max_frames)
      max_frames = frames;
    wait_quiet("stroke candidates");
    tap(T_CLEAR, "textentry");
  }
  tap(T_SW_PINYIN, "textentry");

  /* 4. 返回 to the staff menu and the menu's button back: the first frame
   * of the other screen, from the release. */
  SDL_Rect back = g_t[T_BACK].r, fwd = g_t[T_TEXTENTRY].r;
  for (int i = 0; i < runs && strstr(only, "screen"); i++) {
    x_move(cx(back), cy(back));
    wait_quiet("back");
    x_button(1);
    wait_quiet("back press");
    uint64_t keys = probe(key);
    log_forget();
    log_watch("tap nav.back on textentry");
    s_back.v[s_back.n++] = measure_button(0, "screen back");
    if (!log_wait("tap nav.back on textentry", 3000))
      die("screen: the kiosk did not log the tap on nav.back");
    s_back_in.v[s_back_in.n++] = g_watch_t - g_t0;
    wait_quiet("staff menu");
    if (probe(key) == keys)
      die("screen: the keyboard is still there after 返回");
    x_move(cx(fwd), cy(fwd));
    wait_quiet("forward");
    x_button(1);
    wait_quiet("forward press");
    log_forget();
    log_watch("tap staff.textentry on staff_menu");
    s_fwd.v[s_fwd.n++] = measure_button(0, "screen forward");
    if (!log_wait("screen textentry", 3000))
      die("screen: the staff menu's button did not open the text entry");
    s_fwd_in.v[s_fwd_in.n++] = g_watch_t - g_t0;
    wait_quiet("text entry");
    if (probe(key) != keys)
      die("screen: the text entry came back different");
  }

  load_print("after");
  if (s_sc.n) {
    printf("stroke_frames_release_to_candidates_max: %d\n", max_frames);
    printf("stroke_runs_timed_at_the_read: %d\n", bounded);
  }
  series *all[] = {&s_tap, &s_key, &s_key_in, &s_sf, &s_sc, &s_back,
                   &s_back_in, &s_fwd, &s_fwd_in};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (all[i]->n)
      series_print(all[i]);
  for (int k = 0; k < SC_N; k++)
    if (s_key_sc[k].n && (k < SC_X_RUN || g_xvfb > 0))
      series_print(&s_key_sc[k]);
  for (int k = 0; k < SC_N; k++)
    if (s_st_sc[k].n && (k < SC_X_RUN || g_xvfb > 0))
      series_print(&s_st_sc[k]);
  free(buf);
  XCloseDisplay(g_dpy);
  cleanup();
  return 0;
}
