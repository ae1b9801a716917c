/* ime_pinyin: pinyin input by librime, see ime.h.
 *
 * Data: the schema is deployed at build time (devices.cmake) into a folder
 * laid out for librime as
 *   <data>/           shared data (schema sources, opencc -> t2s tables)
 *   <data>/staging/   compiled schema and prism            (staging_dir)
 *   <data>/build/     Debian's prebuilt luna_pinyin table   (prebuilt_data_dir)
 * and is only read here: no maintenance/deployment is ever started at run
 * time. The user-data folder, where librime keeps what it learns from
 * commits, is a fresh mkdtemp() folder per applicant; reset and destroy shut
 * librime down (dropping every in-memory cache) and then overwrite and delete
 * that folder. A live folder is flock()ed; each load first sweeps unlocked
 * left-overs of a crashed kiosk from tmp_dir.
 *
 * Invariants: `state` is LOADING while the worker owns the librime calls,
 * READY/FAILED afterwards (release store by the worker, acquire load here);
 * only the owning thread touches librime otherwise. `view` and `commit`
 * always hold NUL-terminated UTF-8 that fits their buffers.
 *
 * librime is a process-wide singleton (one service, one set of paths,
 * logging set up once). The two statics below mirror that and are the only
 * process-wide state of this module: a once-flag for librime's setup() and a claim
 * flag that keeps a second ime_pinyin from fighting over the service. */
#include "core/ime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rime_api.h>
#include <sodium.h>

#include "core/log.h"
#include "devices/dynload.h"
#include "devices/ime_thread.h"

#define MOD "ime_pinyin"
#define SCHEMA_ID "kiosk_pinyin"
#define PATH_CAP 512
#define WIPE_DEPTH_MAX 4
#define USER_PREFIX "kiosk-ime-"
#define USER_TEMPLATE USER_PREFIX "XXXXXX"
#define STALE_AFTER_S 10 /* a folder this old and unlocked is left over */
#define SWEEP_MAX 256    /* entries of tmp_dir looked at per sweep */

/* X11 keysyms librime understands. */
#define XK_BACKSPACE 0xff08
#define XK_RETURN 0xff0d
#define XK_ESCAPE 0xff1b
#define XK_PRIOR 0xff55
#define XK_NEXT 0xff56

enum { ST_LOADING, ST_READY, ST_FAILED };

struct ime_pinyin {
  char shared_dir[PATH_CAP];
  char staging_dir[PATH_CAP];
  char prebuilt_dir[PATH_CAP];
  char tmp_dir[PATH_CAP];
  char user_dir[PATH_CAP]; /* "" when no learning folder exists */
  int user_fd; /* user_dir, flock()ed while in use; -1 when none */
  RimeApi *api;
  RimeSessionId session; /* 0 when none */
  bool rime_up;          /* RimeInitialize done, RimeFinalize pending */
  pthread_t worker;
  bool worker_live; /* started and not yet joined */
  atomic_int state;
  kerr load_err; /* written by the worker before it publishes state */
  void (*notify)(void *ud); /* set at create, read-only after */
  void *notify_ud;
  ime_pinyin_view view;
  char commit[IME_PINYIN_COMMIT_MAX];
  size_t commit_len;
};

static pthread_once_t rime_setup_once = PTHREAD_ONCE_INIT;
static RimeApi *rime_api; /* set once librime is open (rime_api_open) */
static atomic_flag rime_claimed = ATOMIC_FLAG_INIT;

const char *ime_pinyin_default_data_dir(void) { return KIOSK_RIME_DATA_DIR; }

/* Logging once per process: errors only, to stderr (never log files, and
 * nothing at INFO level where librime could echo input). */
static void rime_setup_logging(void) {
  RIME_STRUCT(RimeTraits, traits);
  traits.app_name = "rime.kiosk";
  traits.min_log_level = 2;
  traits.log_dir = "";
  rime_api->setup(&traits);
}

/* Copies src into dst[cap] cutting at a UTF-8 character boundary. */
static void copy_utf8(char *dst, size_t cap, const char *src) {
  size_t n = src ? strlen(src) : 0;
  if (n >= cap) {
    n = cap - 1;
    while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80) n--;
  }
  if (n) memcpy(dst, src, n);
  dst[n] = '\0';
}

/* dst[PATH_CAP] = a "/" b (just a if b is ""); "" and KERR_LIMIT if too
 * long, so a cut path can never name some other folder. */
static kerr path_join(char *dst, const char *a, const char *b) {
  int n = snprintf(dst, PATH_CAP, "%s%s%s", a, b[0] ? "/" : "", b);
  if (n < 0 || n >= PATH_CAP) {
    dst[0] = '\0';
    return KERR_LIMIT;
  }
  return KERR_OK;
}

/* Overwrites a regular file with zeros before it is unlinked, so learned
 * words do not linger in freed blocks of a disk-backed tmp folder. */
static void wipe_file(int dirfd, const char *name) {
  int fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    static const char zeros[4096];
    off_t left = st.st_size;
    while (left > 0) {
      size_t chunk = left > (off_t)sizeof zeros ? sizeof zeros : (size_t)left;
      ssize_t w = write(fd, zeros, chunk);
      if (w <= 0) break;
      left -= w;
    }
    (void)fdatasync(fd);
  }
  close(fd);
}

/* Empties directory fd `dirfd` (consumed), depth-limited, no symlink
 * following. Returns false if something could not be removed. */
static bool wipe_dir_fd(int dirfd, int depth) {
  bool ok = true;
  DIR *d = fdopendir(dirfd);
  if (!d) {
    close(dirfd);
    return false;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    struct stat st;
    if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      ok = false;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      int sub = depth < WIPE_DEPTH_MAX
                    ? openat(dirfd, e->d_name,
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    : -1;
      if (sub < 0 || !wipe_dir_fd(sub, depth + 1)) ok = false;
      if (unlinkat(dirfd, e->d_name, AT_REMOVEDIR) != 0) ok = false;
    } else {
      if (S_ISREG(st.st_mode)) wipe_file(dirfd, e->d_name);
      if (unlinkat(dirfd, e->d_name, 0) != 0) ok = false;
    }
  }
  closedir(d);
  return ok;
}

/* Wipes and removes the learning folder, if any, and drops its lock. */
static void user_dir_remove(ime_pinyin *p) {
  if (p->user_fd >= 0) {
    close(p->user_fd);
    p->user_fd = -1;
  }
  if (!p->user_dir[0]) return;
  int fd = open(p->user_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  bool ok = fd >= 0 && wipe_dir_fd(fd, 0);
  if (rmdir(p->user_dir) != 0) ok = false;
  if (!ok) LOG_W(MOD, "learning folder not fully removed (errno %d)", errno);
  sodium_memzero(p->user_dir, sizeof p->user_dir);
}

/* Makes this applicant's learning folder and locks it (flock on the folder)
 * for as long as it is in use, so a sweep never takes a live one. */
static kerr user_dir_make(ime_pinyin *p) {
  kerr err = path_join(p->user_dir, p->tmp_dir, USER_TEMPLATE);
  if (err) return err;
  if (!mkdtemp(p->user_dir)) {
    LOG_E(MOD, "cannot make learning folder (errno %d)", errno);
    p->user_dir[0] = '\0';
    return KERR_IO;
  }
  p->user_fd =
      open(p->user_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (p->user_fd < 0 || flock(p->user_fd, LOCK_EX | LOCK_NB) != 0) {
    LOG_E(MOD, "cannot lock learning folder (errno %d)", errno);
    return KERR_IO;
  }
  return KERR_OK;
}

/* Wipes and removes learning folders a crashed or killed kiosk left in
 * tmp_dir: named like ours, a real folder, unlocked and not touched for
 * STALE_AFTER_S seconds. Best effort; bounded by SWEEP_MAX entries. */
static void user_dir_sweep(ime_pinyin *p) {
  DIR *d = opendir(p->tmp_dir);
  if (!d) return;
  int dfd = dirfd(d);
  time_t now = time(NULL);
  int seen = 0, removed = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && seen++ < SWEEP_MAX) {
    if (strncmp(e->d_name, USER_PREFIX, strlen(USER_PREFIX)) != 0 ||
        strlen(e->d_name) != strlen(USER_TEMPLATE))
      continue;
    struct stat st;
    if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
        now - st.st_mtime < STALE_AFTER_S)
      continue;
    int fd = openat(dfd, e->d_name,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) { /* in use by a live engine */
      close(fd);
      continue;
    }
    int wfd = dup(fd);
    if (wfd >= 0 && wipe_dir_fd(wfd, 0) &&
        unlinkat(dfd, e->d_name, AT_REMOVEDIR) == 0)
      removed++;
    close(fd);
  }
  closedir(d);
  if (removed) LOG_W(MOD, "removed %d left-over learning folder(s)", removed);
}

/* Shuts librime down: session, service, modules and their caches. */
static void engine_stop(ime_pinyin *p) {
  if (p->session) {
    p->api->destroy_session(p->session);
    p->session = 0;
  }
  if (p->rime_up) {
    p->api->finalize();
    p->rime_up = false;
  }
  user_dir_remove(p);
}

/* Worker: shuts down the previous applicant's engine if there is one (after
 * a reset), then a fresh learning folder, librime up, one session on the
 * kiosk schema with simplified output. Publishes READY or FAILED. Runs as
 * SCHED_BATCH (ime_thread.h): it never preempts the UI thread drawing
 * meanwhile. */
static void *engine_load(void *arg) {
  ime_pinyin *p = arg;
  kerr err = KERR_OK;

  engine_stop(p);
  user_dir_sweep(p);
  pthread_once(&rime_setup_once, rime_setup_logging);
  if ((err = user_dir_make(p))) goto out;
  RIME_STRUCT(RimeTraits, traits);
  traits.shared_data_dir = p->shared_dir;
  traits.user_data_dir = p->user_dir;
  traits.prebuilt_data_dir = p->prebuilt_dir;
  traits.staging_dir = p->staging_dir;
  traits.distribution_name = "kiosk";
  traits.distribution_code_name = "kiosk";
  traits.distribution_version = "1";
  traits.app_name = "rime.kiosk";
  p->api->initialize(&traits);
  p->rime_up = true;

  p->session = p->api->create_session();
  if (!p->session) {
    err = KERR_NOMEM;
    goto out;
  }
  if (!p->api->select_schema(p->session, SCHEMA_ID)) {
    err = KERR_INVALID;
    goto out;
  }
  RIME_STRUCT(RimeStatus, status);
  if (!p->api->get_status(p->session, &status)) {
    err = KERR_INVALID;
    goto out;
  }
  bool ok = status.schema_id && strcmp(status.schema_id, SCHEMA_ID) == 0;
  p->api->free_status(&status);
  if (!ok) {
    LOG_E(MOD, "schema %s not deployed in %s", SCHEMA_ID, p->staging_dir);
    err = KERR_INVALID;
    goto out;
  }
  p->api->set_option(p->session, "zh_simp", True);
  p->api->set_option(p->session, "ascii_mode", False);
out:
  if (err) {
    engine_stop(p);
    LOG_E(MOD, "engine load failed: %s", kerr_str(err));
  }
  p->load_err = err;
  atomic_store_explicit(&p->state, err ? ST_FAILED : ST_READY,
                        memory_order_release);
  if (p->notify)
    p->notify(p->notify_ud);
  return NULL;
}

static kerr worker_start(ime_pinyin *p) {
  atomic_store_explicit(&p->state, ST_LOADING, memory_order_relaxed);
  p->load_err = KERR_OK;
  if (ime_thread_start_batch(&p->worker, engine_load, p) != 0) {
    engine_stop(p); /* nothing of the old applicant may survive */
    p->load_err = KERR_NOMEM;
    atomic_store(&p->state, ST_FAILED);
    return KERR_NOMEM;
  }
  p->worker_live = true;
  return KERR_OK;
}

static void worker_join(ime_pinyin *p) {
  if (p->worker_live) {
    pthread_join(p->worker, NULL);
    p->worker_live = false;
  }
}

/* librime's one entry point, from the library opened on first use
 * (devices/dynload.h). NULL when it cannot be opened. */
static RimeApi *rime_api_open(void) {
  static RimeApi *(*get_api)(void);
  const dynload_sym sym = {"rime_get_api", (void **)&get_api};
  if (dynload(KIOSK_RIME_SONAME, &sym, 1) != KERR_OK)
    return NULL;
  rime_api = get_api();
  return rime_api;
}

kerr ime_pinyin_create(const ime_pinyin_config *cfg, ime_pinyin **out) {
  kerr err = KERR_OK;
  ime_pinyin *p = NULL;
  bool claimed = false;
  char probe[PATH_CAP];
  const char *data = cfg && cfg->data_dir ? cfg->data_dir
                                          : ime_pinyin_default_data_dir();
  const char *tmp = cfg && cfg->tmp_dir ? cfg->tmp_dir : "/tmp";

  *out = NULL;
  if (atomic_flag_test_and_set(&rime_claimed)) return KERR_BUSY;
  claimed = true;
  p = calloc(1, sizeof *p);
  if (!p) {
    err = KERR_NOMEM;
    goto out;
  }
  p->user_fd = -1;
  if (cfg) {
    p->notify = cfg->notify;
    p->notify_ud = cfg->notify_ud;
  }
  if ((err = path_join(p->shared_dir, data, ""))) goto out;
  if ((err = path_join(p->staging_dir, data, "staging"))) goto out;
  if ((err = path_join(p->prebuilt_dir, data, "build"))) goto out;
  if ((err = path_join(p->tmp_dir, tmp, ""))) goto out;
  if ((err = path_join(probe, p->staging_dir, SCHEMA_ID ".schema.yaml")))
    goto out;
  if (access(probe, R_OK) != 0) {
    LOG_E(MOD, "no deployed schema in %s", p->staging_dir);
    err = KERR_NOTFOUND;
    goto out;
  }
  p->api = rime_api_open();
  if (!p->api) {
    err = KERR_INTERNAL;
    goto out;
  }
  if ((err = worker_start(p))) goto out;
  *out = p;
  p = NULL;
  claimed = false;
out:
  free(p);
  if (claimed) atomic_flag_clear(&rime_claimed);
  return err;
}

bool ime_pinyin_ready(ime_pinyin *p) {
  int st = atomic_load_explicit(&p->state, memory_order_acquire);
  if (st != ST_LOADING) worker_join(p);
  return st == ST_READY;
}

bool ime_pinyin_loading(ime_pinyin *p) {
  return atomic_load_explicit(&p->state, memory_order_acquire) == ST_LOADING;
}

kerr ime_pinyin_wait(ime_pinyin *p) {
  worker_join(p);
  return atomic_load_explicit(&p->state, memory_order_acquire) == ST_READY
             ? KERR_OK
             : p->load_err;
}

static void wipe_text(ime_pinyin *p) {
  sodium_memzero(&p->view, sizeof p->view);
  sodium_memzero(p->commit, sizeof p->commit);
  p->commit_len = 0;
}

void ime_pinyin_destroy(ime_pinyin *p) {
  if (!p) return;
  worker_join(p);
  engine_stop(p);
  sodium_memzero(p, sizeof *p);
  free(p);
  atomic_flag_clear(&rime_claimed);
}

/* KERR_OK when keys may go to librime. */
static kerr usable(ime_pinyin *p) {
  int st = atomic_load_explicit(&p->state, memory_order_acquire);
  if (st == ST_LOADING) return KERR_BUSY;
  worker_join(p);
  return st == ST_READY ? KERR_OK : KERR_STATE;
}

/* Appends what librime committed to our buffer. On overflow the excess is
 * dropped at a character boundary (the field it goes to is far smaller). */
static void commit_collect(ime_pinyin *p) {
  RIME_STRUCT(RimeCommit, c);
  if (!p->api->get_commit(p->session, &c)) return;
  if (c.text) {
    size_t room = sizeof p->commit - p->commit_len;
    copy_utf8(p->commit + p->commit_len, room, c.text);
    size_t added = strlen(p->commit + p->commit_len);
    if (added < strlen(c.text)) LOG_W(MOD, "committed text over limit, cut");
    p->commit_len += added;
  }
  p->api->free_commit(&c);
}

/* Rebuilds the view from librime's context. */
static void view_refresh(ime_pinyin *p) {
  ime_pinyin_view *v = &p->view;
  sodium_memzero(v, sizeof *v);
  RIME_STRUCT(RimeContext, ctx);
  if (!p->api->get_context(p->session, &ctx)) return;
  copy_utf8(v->preedit, sizeof v->preedit, ctx.composition.preedit);
  int n = ctx.menu.num_candidates;
  if (n > IME_PINYIN_PAGE_MAX) n = IME_PINYIN_PAGE_MAX;
  if (n < 0 || !ctx.menu.candidates) n = 0;
  for (int i = 0; i < n; i++) {
    copy_utf8(v->cand[i].text, sizeof v->cand[i].text,
              ctx.menu.candidates[i].text);
    copy_utf8(v->cand[i].comment, sizeof v->cand[i].comment,
              ctx.menu.candidates[i].comment);
  }
  v->n = n;
  v->page = ctx.menu.page_no;
  v->has_more = n > 0 && !ctx.menu.is_last_page;
  v->highlighted = ctx.menu.highlighted_candidate_index;
  p->api->free_context(&ctx);
}

static void after_change(ime_pinyin *p) {
  commit_collect(p);
  view_refresh(p);
}

/* Maps a kiosk key to a librime keycode; 0 for keys not ours. */
static int key_code(int key) {
  if (key >= 'a' && key <= 'z') return key;
  if (key >= 'A' && key <= 'Z') return key - 'A' + 'a';
  if (key >= '1' && key <= '9') return key;
  switch (key) {
  case '\'': return '\'';
  case IME_KEY_SPACE: return ' ';
  case IME_KEY_BACKSPACE: return XK_BACKSPACE;
  case IME_KEY_ENTER: return XK_RETURN;
  case IME_KEY_ESCAPE: return XK_ESCAPE;
  case IME_KEY_PAGE_UP: return XK_PRIOR;
  case IME_KEY_PAGE_DOWN: return XK_NEXT;
  default: return 0;
  }
}

kerr ime_pinyin_feed(ime_pinyin *p, int key, bool *handled) {
  kerr err;
  *handled = false;
  if ((err = usable(p))) return err;
  int code = key_code(key);
  if (!code) return KERR_OK;
  bool composing = p->view.preedit[0] != '\0';
  /* Digits and editing keys belong to the text field unless composing. */
  if (!composing && !(code >= 'a' && code <= 'z') && code != '\'')
    return KERR_OK;
  if ((code >= 'a' && code <= 'z') || code == '\'') {
    const char *in = p->api->get_input(p->session);
    if (in && strlen(in) >= IME_PINYIN_INPUT_MAX) {
      *handled = true;
      return KERR_LIMIT;
    }
  }
  *handled = p->api->process_key(p->session, code, 0) ? true : composing;
  after_change(p);
  return KERR_OK;
}

kerr ime_pinyin_select(ime_pinyin *p, int i) {
  kerr err;
  if ((err = usable(p))) return err;
  if (i < 0 || i >= p->view.n) return KERR_RANGE;
  if (!p->api->select_candidate_on_current_page(p->session, (size_t)i))
    return KERR_RANGE;
  after_change(p);
  return KERR_OK;
}

const ime_pinyin_view *ime_pinyin_view_get(const ime_pinyin *p) {
  return &p->view;
}

kerr ime_pinyin_take_commit(ime_pinyin *p, char *buf, size_t cap) {
  if (!cap || p->commit_len >= cap) return KERR_LIMIT;
  memcpy(buf, p->commit, p->commit_len);
  buf[p->commit_len] = '\0';
  sodium_memzero(p->commit, sizeof p->commit);
  p->commit_len = 0;
  return KERR_OK;
}

void ime_pinyin_clear(ime_pinyin *p) {
  if (usable(p) == KERR_OK) p->api->clear_composition(p->session);
  wipe_text(p);
}

kerr ime_pinyin_reset(ime_pinyin *p) {
  worker_join(p);
  wipe_text(p);
  /* The worker stops the old engine and wipes its folder before it loads
   * the new one; keys are refused (KERR_BUSY) all that time. */
  return worker_start(p);
}
