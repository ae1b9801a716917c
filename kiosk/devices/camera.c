/* camera: see camera.h. The common worker and the simulator; the V4L2
 * adapter is camera_v4l2.c, the pictures camera_image.c. */
#include "devices/camera.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "devices/camera_private.h"
#include "devices/devthread.h"

#define CAM_PATH_MAX 1024

struct camera {
  camera_driver driver;
  char device[CAM_PATH_MAX];
  char sim_dir[CAM_PATH_MAX];
  int quality, frame_ms, probe_ms;
  camera_notify notify;
  void *notify_ud;
  devthread dt; /* cv: start, snap, show or quit; idle: a pass of the
                 * worker finished */
  int running; /* the preview is on */
  int restart; /* the preview was started: show what lies there now */
  camera_state state;
  /* the latest preview frame (rgb NULL: nothing under the camera) */
  camera_image frame;
  unsigned frame_seq;
  /* a snap asked for, and its result waiting to be taken */
  int snap_pending;
  int have_still;
  camera_snap_outcome outcome;
  camera_still still;
  /* sim: the file shown (camera_sim_show), its generation, and the
   * generation whose frame is out */
  char shown[CAM_PATH_MAX];
  unsigned shown_gen, frame_gen;
  /* worker only */
  camera_v4l2 *v4l2;
  camera_image sim_img; /* the shown file decoded, kept while it is shown */
  char sim_key[CAM_PATH_MAX + 64]; /* path, size and change time of it */
  int sim_fresh; /* sim_img changed since the last preview frame */
};

/* ---- the simulator ----------------------------------------------------- */

/* Reads a whole file into a buffer of ours (no stdio buffer left behind).
 * The caller wipes it. */
static kerr read_jpeg_file(const char *path, unsigned char **out,
                           size_t *len) {
  *out = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? KERR_NOTFOUND : KERR_IO;
  struct stat st;
  kerr e = KERR_IO;
  unsigned char *buf = NULL;
  size_t n = 0;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    goto out;
  if (st.st_size <= 0 || (unsigned long long)st.st_size > CAMERA_SIM_FILE_MAX) {
    e = KERR_LIMIT;
    goto out;
  }
  buf = malloc((size_t)st.st_size);
  if (!buf) {
    e = KERR_NOMEM;
    goto out;
  }
  while (n < (size_t)st.st_size) {
    ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    n += (size_t)r;
  }
  if (n != (size_t)st.st_size)
    goto out;
  *out = buf;
  *len = n;
  buf = NULL;
  e = KERR_OK;
out:
  if (buf) {
    sodium_memzero(buf, (size_t)st.st_size);
    free(buf);
  }
  close(fd);
  return e;
}

/* The newest *.jpg / *.jpeg in the watched folder into path; 0 if none. */
static int sim_dir_newest(const camera *c, char *path, size_t cap) {
  DIR *d = opendir(c->sim_dir);
  if (!d)
    return 0;
  struct dirent *e;
  struct timespec best = {0, 0};
  int found = 0;
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (e->d_name[0] == '.' ||
        !((n > 4 && strcmp(e->d_name + n - 4, ".jpg") == 0) ||
          (n > 5 && strcmp(e->d_name + n - 5, ".jpeg") == 0)))
      continue;
    char full[CAM_PATH_MAX + 260];
    struct stat st;
    if (snprintf(full, sizeof full, "%s/%s", c->sim_dir, e->d_name) >=
            (int)sizeof full ||
        stat(full, &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (!found || st.st_mtim.tv_sec > best.tv_sec ||
        (st.st_mtim.tv_sec == best.tv_sec &&
         st.st_mtim.tv_nsec > best.tv_nsec)) {
      best = st.st_mtim;
      found = snprintf(path, cap, "%s", full) < (int)cap;
    }
  }
  closedir(d);
  return found;
}

/* Brings sim_img up to date with the page shown now. Returns 1 when a
 * page is there (sim_img set), 0 when nothing is. */
static int sim_update(camera *c) {
  char path[CAM_PATH_MAX + 260];
  int have = 0;
  pthread_mutex_lock(&c->dt.mu);
  if (c->shown[0]) {
    snprintf(path, sizeof path, "%s", c->shown);
    have = 1;
  }
  pthread_mutex_unlock(&c->dt.mu);
  if (!have && c->sim_dir[0])
    have = sim_dir_newest(c, path, sizeof path);
  struct stat st;
  char key[sizeof c->sim_key];
  if (!have || stat(path, &st) != 0) {
    if (c->sim_img.rgb || c->sim_key[0])
      c->sim_fresh = 1;
    camera_image_wipe(&c->sim_img);
    c->sim_key[0] = '\0';
    return 0;
  }
  snprintf(key, sizeof key, "%.*s|%lld|%lld.%09ld", CAM_PATH_MAX, path,
           (long long)st.st_size, (long long)st.st_mtim.tv_sec,
           st.st_mtim.tv_nsec);
  if (strcmp(key, c->sim_key) == 0)
    return c->sim_img.rgb != NULL;
  camera_image_wipe(&c->sim_img);
  snprintf(c->sim_key, sizeof c->sim_key, "%s", key);
  c->sim_fresh = 1;
  unsigned char *buf = NULL;
  size_t len = 0;
  kerr e = read_jpeg_file(path, &buf, &len);
  if (!e) {
    e = camera_jpeg_decode(buf, len, &c->sim_img);
    sodium_memzero(buf, len);
    free(buf);
  }
  if (e)
    LOG_W("camera", "simulated page cannot be shown: %s", kerr_str(e));
  return c->sim_img.rgb != NULL;
}

/* ---- the worker -------------------------------------------------------- */

static void set_state(camera *c, camera_state st) {
  pthread_mutex_lock(&c->dt.mu);
  int changed = c->state != st;
  c->state = st;
  pthread_mutex_unlock(&c->dt.mu);
  if (changed && c->notify)
    c->notify(c->notify_ud, CAMERA_EV_STATE);
}

static void deadline_in(struct timespec *t, int ms) {
  clock_gettime(CLOCK_REALTIME, t);
  t->tv_sec += ms / 1000;
  t->tv_nsec += (long)(ms % 1000) * 1000000L;
  if (t->tv_nsec >= 1000000000L) {
    t->tv_sec++;
    t->tv_nsec -= 1000000000L;
  }
}

/* A still from a full frame: the page cropped, scaled, encoded. */
static camera_snap_outcome make_still(const camera *c, const camera_image *full,
                                      camera_still *out) {
  camera_image page = {0};
  camera_box b = camera_crop(full);
  kerr e = camera_scale(full, b, CAMERA_STILL_SIDE, &page);
  if (!e)
    e = camera_jpeg_encode(&page, c->quality, out);
  camera_image_wipe(&page);
  if (e) {
    LOG_W("camera", "a page could not be kept: %s", kerr_str(e));
    return CAMERA_SNAP_FAILED;
  }
  LOG_I("camera", "page taken: %dx%d, %zu bytes", out->w, out->h, out->len);
  return CAMERA_SNAP_OK;
}

/* One pass while the preview is on or a snap is asked for. */
static void worker_pass(camera *c) {
  camera_image full = {0}, prev = {0};
  const camera_image *src = NULL;
  int gone = 0, fresh = 0;
  unsigned gen;
  pthread_mutex_lock(&c->dt.mu);
  gen = c->shown_gen;
  int snap = c->snap_pending;
  int restart = c->restart; /* cleared once its frame is out */
  pthread_mutex_unlock(&c->dt.mu);
  if (c->driver == CAMERA_DRIVER_SIM) {
    if (sim_update(c))
      src = &c->sim_img;
    fresh = c->sim_fresh || restart;
    c->sim_fresh = 0;
  } else if (c->v4l2) {
    int r = camera_v4l2_grab(c->v4l2, &full, 2000);
    if (r > 0) {
      src = &full;
      fresh = 1;
    } else if (r < 0) {
      gone = 1;
    }
  }
  camera_still still = {0};
  camera_snap_outcome oc = CAMERA_SNAP_NOTHING;
  if (snap && src)
    oc = make_still(c, src, &still);
  else if (snap && gone)
    oc = CAMERA_SNAP_FAILED;
  if (fresh && src) {
    camera_box all = {0, 0, src->w, src->h};
    if (camera_scale(src, all, CAMERA_PREVIEW_SIDE, &prev) != KERR_OK)
      fresh = 0;
  }
  camera_image_wipe(&full);
  pthread_mutex_lock(&c->dt.mu);
  int frame_out = 0, still_out = 0;
  if (fresh && c->running) {
    camera_image_wipe(&c->frame);
    c->frame = prev; /* ownership moves; rgb NULL: nothing there */
    memset(&prev, 0, sizeof prev);
    c->frame_seq++;
    frame_out = 1;
  }
  if (snap && c->snap_pending) {
    camera_still_wipe(&c->still);
    c->still = still;
    memset(&still, 0, sizeof still);
    c->outcome = oc;
    c->have_still = 1;
    c->snap_pending = 0;
    still_out = 1;
  }
  c->frame_gen = gen;
  if (restart)
    c->restart = 0;
  pthread_mutex_unlock(&c->dt.mu);
  camera_image_wipe(&prev);
  camera_still_wipe(&still);
  if (gone) {
    LOG_W("camera", "the camera went away");
    camera_v4l2_close(c->v4l2);
    c->v4l2 = NULL;
    set_state(c, CAMERA_ABSENT);
  }
  if (c->notify && frame_out)
    c->notify(c->notify_ud, CAMERA_EV_FRAME);
  if (c->notify && still_out)
    c->notify(c->notify_ud, CAMERA_EV_STILL);
}

/* A snap asked for while no camera is open fails at once. Called and
 * returns with c->dt.mu held. */
static void fail_snap(camera *c) {
  if (!c->snap_pending)
    return;
  c->snap_pending = 0;
  camera_still_wipe(&c->still);
  c->have_still = 1;
  c->outcome = CAMERA_SNAP_FAILED;
  pthread_mutex_unlock(&c->dt.mu);
  if (c->notify)
    c->notify(c->notify_ud, CAMERA_EV_STILL);
  pthread_mutex_lock(&c->dt.mu);
}

/* V4L2 while the preview is off: the device is closed (no streaming, the
 * camera's light off) and looked at every probe_ms: gone from /dev is
 * ABSENT at once; back (or not yet right) is opened once to check it and
 * closed again. Called and returns with c->dt.mu held. */
static void v4l2_idle(camera *c) {
  pthread_cond_broadcast(&c->dt.idle);
  struct timespec t;
  deadline_in(&t, c->probe_ms);
  if (pthread_cond_timedwait(&c->dt.cv, &c->dt.mu, &t) == 0 || c->dt.quit ||
      c->running || c->snap_pending)
    return;
  camera_state was = c->state;
  pthread_mutex_unlock(&c->dt.mu);
  struct stat st;
  if (stat(c->device, &st) != 0) {
    set_state(c, CAMERA_ABSENT);
  } else if (was != CAMERA_CONNECTED) {
    camera_v4l2 *v = NULL;
    camera_state now = camera_v4l2_open(c->device, 1, &v);
    camera_v4l2_close(v);
    if (now == CAMERA_CONNECTED)
      LOG_I("camera", "a camera was plugged in at %s", c->device);
    set_state(c, now);
  }
  pthread_mutex_lock(&c->dt.mu);
}

static void *worker(void *arg) {
  camera *c = arg;
  if (c->driver == CAMERA_DRIVER_V4L2) {
    /* Opened once to say whether it is there, then closed until used;
     * with no device file libv4l2 is not even loaded (first use). */
    struct stat sb;
    if (stat(c->device, &sb) != 0) {
      LOG_W("camera", "no camera at %s: %s", c->device, strerror(errno));
      set_state(c, CAMERA_ABSENT);
    } else {
      camera_v4l2 *v = NULL;
      set_state(c, camera_v4l2_open(c->device, 0, &v));
      camera_v4l2_close(v);
    }
  } else if (c->driver == CAMERA_DRIVER_SIM) {
    if (c->sim_dir[0] && fs_make_dirs(c->sim_dir, 0700) != 0) {
      LOG_E("camera", "simulated camera: cannot make its folder %s: %s",
            c->sim_dir, strerror(errno));
      set_state(c, CAMERA_ERROR);
    } else {
      set_state(c, CAMERA_CONNECTED);
    }
  }
  pthread_mutex_lock(&c->dt.mu);
  while (!c->dt.quit) {
    int active = c->running || c->snap_pending;
    if (c->driver == CAMERA_DRIVER_V4L2 && !active) {
      if (c->v4l2) { /* the preview stopped: stop streaming */
        pthread_mutex_unlock(&c->dt.mu);
        camera_v4l2_close(c->v4l2);
        c->v4l2 = NULL;
        pthread_mutex_lock(&c->dt.mu);
        continue;
      }
      v4l2_idle(c);
      continue;
    }
    if (c->driver == CAMERA_DRIVER_V4L2 && !c->v4l2) {
      /* In use and not open (just started, or it went away): open it;
       * while that fails, a snap fails and it is tried every probe_ms. */
      int quiet = c->state != CAMERA_CONNECTED;
      pthread_mutex_unlock(&c->dt.mu);
      camera_v4l2 *v = NULL;
      camera_state st = camera_v4l2_open(c->device, quiet, &v);
      c->v4l2 = v;
      set_state(c, st);
      pthread_mutex_lock(&c->dt.mu);
      if (!c->v4l2) {
        fail_snap(c);
        pthread_cond_broadcast(&c->dt.idle);
        struct timespec t;
        deadline_in(&t, c->probe_ms);
        if (!c->dt.quit)
          pthread_cond_timedwait(&c->dt.cv, &c->dt.mu, &t);
      }
      continue;
    }
    if (!active) {
      pthread_cond_broadcast(&c->dt.idle);
      pthread_cond_wait(&c->dt.cv, &c->dt.mu);
      continue;
    }
    pthread_mutex_unlock(&c->dt.mu);
    worker_pass(c);
    pthread_mutex_lock(&c->dt.mu);
    pthread_cond_broadcast(&c->dt.idle);
    if (!c->dt.quit && !c->snap_pending && c->running && !c->restart &&
        c->frame_gen == c->shown_gen) {
      struct timespec t;
      deadline_in(&t, c->frame_ms);
      pthread_cond_timedwait(&c->dt.cv, &c->dt.mu, &t);
    }
  }
  pthread_mutex_unlock(&c->dt.mu);
  camera_image_wipe(&c->sim_img);
  camera_v4l2_close(c->v4l2);
  c->v4l2 = NULL;
  return NULL;
}

/* ---- the interface ----------------------------------------------------- */

kerr camera_open(const camera_config *cfg, camera **out) {
  *out = NULL;
  if (!cfg || (cfg->driver == CAMERA_DRIVER_V4L2 &&
               (!cfg->device || !*cfg->device)))
    return KERR_INVALID;
  camera *c = calloc(1, sizeof *c);
  if (!c)
    return KERR_NOMEM;
  c->driver = cfg->driver;
  snprintf(c->device, sizeof c->device, "%s", cfg->device ? cfg->device : "");
  snprintf(c->sim_dir, sizeof c->sim_dir, "%s",
           cfg->sim_dir ? cfg->sim_dir : "");
  c->quality = cfg->quality > 0 && cfg->quality <= 100 ? cfg->quality : 70;
  c->frame_ms = cfg->frame_ms > 0 ? cfg->frame_ms : 200;
  c->probe_ms = cfg->probe_ms > 0 ? cfg->probe_ms : 2000;
  c->notify = cfg->notify;
  c->notify_ud = cfg->notify_ud;
  c->state = CAMERA_ABSENT;
  if (devthread_start(&c->dt, c->driver != CAMERA_DRIVER_NONE, worker, c) !=
      KERR_OK) {
    free(c);
    return KERR_INTERNAL;
  }
  *out = c;
  return KERR_OK;
}

void camera_close(camera *c) {
  if (!c)
    return;
  devthread_stop(&c->dt);
  camera_image_wipe(&c->frame);
  camera_still_wipe(&c->still);
  sodium_memzero(c->shown, sizeof c->shown);
  free(c);
}

camera_state camera_get_state(camera *c) {
  if (!c)
    return CAMERA_ABSENT;
  pthread_mutex_lock(&c->dt.mu);
  camera_state st = c->state;
  pthread_mutex_unlock(&c->dt.mu);
  return st;
}

camera_driver camera_get_driver(const camera *c) {
  return c ? c->driver : CAMERA_DRIVER_NONE;
}

kerr camera_start(camera *c) {
  if (!c)
    return KERR_STATE;
  kerr e = KERR_STATE;
  pthread_mutex_lock(&c->dt.mu);
  if (c->state == CAMERA_CONNECTED && !c->dt.quit) {
    if (!c->running) {
      c->running = 1;
      c->restart = 1; /* the first pass shows what lies there */
    }
    pthread_cond_broadcast(&c->dt.cv);
    e = KERR_OK;
  }
  pthread_mutex_unlock(&c->dt.mu);
  return e;
}

void camera_stop(camera *c) {
  if (!c)
    return;
  pthread_mutex_lock(&c->dt.mu);
  c->running = 0;
  c->snap_pending = 0;
  c->have_still = 0;
  camera_image_wipe(&c->frame);
  camera_still_wipe(&c->still);
  c->frame_seq++;
  pthread_mutex_unlock(&c->dt.mu);
}

int camera_frame(camera *c, camera_image *out, unsigned *seq) {
  memset(out, 0, sizeof *out);
  if (!c)
    return 0;
  int got = 0;
  pthread_mutex_lock(&c->dt.mu);
  if (c->frame_seq != *seq) {
    *seq = c->frame_seq;
    got = 1;
    if (c->frame.rgb) {
      size_t n = (size_t)c->frame.w * (size_t)c->frame.h * 3u;
      out->rgb = malloc(n);
      if (out->rgb) {
        memcpy(out->rgb, c->frame.rgb, n);
        out->w = c->frame.w;
        out->h = c->frame.h;
      }
    }
  }
  pthread_mutex_unlock(&c->dt.mu);
  return got;
}

kerr camera_snap(camera *c) {
  if (!c)
    return KERR_STATE;
  kerr e = KERR_OK;
  pthread_mutex_lock(&c->dt.mu);
  if (!c->running || c->state != CAMERA_CONNECTED)
    e = KERR_STATE;
  else if (c->snap_pending)
    e = KERR_BUSY;
  else {
    camera_still_wipe(&c->still);
    c->have_still = 0;
    c->snap_pending = 1;
    pthread_cond_broadcast(&c->dt.cv);
  }
  pthread_mutex_unlock(&c->dt.mu);
  return e;
}

int camera_snapping(camera *c) {
  if (!c)
    return 0;
  pthread_mutex_lock(&c->dt.mu);
  int p = c->snap_pending;
  pthread_mutex_unlock(&c->dt.mu);
  return p;
}

int camera_take_still(camera *c, camera_still *out,
                      camera_snap_outcome *outcome) {
  memset(out, 0, sizeof *out);
  if (!c)
    return 0;
  pthread_mutex_lock(&c->dt.mu);
  int have = c->have_still;
  if (have) {
    *outcome = c->outcome;
    *out = c->still; /* the JPEG moves to the caller */
    memset(&c->still, 0, sizeof c->still);
    c->have_still = 0;
  }
  pthread_mutex_unlock(&c->dt.mu);
  return have;
}

kerr camera_wait(camera *c, int timeout_ms) {
  if (!c || !c->dt.started)
    return KERR_OK;
  struct timespec t;
  deadline_in(&t, timeout_ms);
  pthread_mutex_lock(&c->dt.mu);
  int rc = 0;
#define PENDING (c->snap_pending || \
                 (c->running && (c->restart || c->frame_gen != c->shown_gen)))
  while (rc == 0 && PENDING && c->state == CAMERA_CONNECTED)
    rc = pthread_cond_timedwait(&c->dt.idle, &c->dt.mu, &t);
  int busy = PENDING && c->state == CAMERA_CONNECTED;
#undef PENDING
  pthread_mutex_unlock(&c->dt.mu);
  return busy ? KERR_BUSY : KERR_OK;
}

kerr camera_sim_show(camera *c, const char *path) {
  if (!c || c->driver != CAMERA_DRIVER_SIM)
    return KERR_STATE;
  pthread_mutex_lock(&c->dt.mu);
  snprintf(c->shown, sizeof c->shown, "%s", path ? path : "");
  c->shown_gen++;
  pthread_cond_broadcast(&c->dt.cv);
  pthread_mutex_unlock(&c->dt.mu);
  return KERR_OK;
}
