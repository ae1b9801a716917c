/* idcard_reader: see idcard_reader.h. The common worker and the simulated
 * reader; the vendor SDK adapter is idcard_sdk.c. */
#include "devices/idcard_reader.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cJSON.h>
#include <sodium.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "core/session.h"
#include "devices/idcard_reader_private.h"
#include "devices/devthread.h"

#define SIM_PATH_MAX 1024

struct idcard_reader {
  idcard_reader_kind kind;
  char sim_dir[SIM_PATH_MAX];
  char library[SIM_PATH_MAX];
  int port;
  int poll_ms;
  int probe_ms; /* sdk, idle and absent: how often the port is tried */
  idcard_reader_notify notify;
  void *notify_ud;
  devthread dt; /* cv: armed, placed, or quit; idle: a look finished */
  int armed;
  idcard_reader_state state;
  /* the result waiting to be taken (wiped when dropped) */
  int have;
  idcard_reader_outcome outcome;
  idcard_card card;
  /* sim: the card placed by idcard_reader_sim_place; read once per gen */
  char placed[SIM_PATH_MAX];
  unsigned placed_gen, read_gen;
  /* sim: the folder's file read last (name, inode, change time); not
   * read again while that same file is there */
  char dir_seen[256];
  ino_t seen_ino;
  struct timespec seen_mtim;
  /* sdk: worker only */
  idcard_sdk *sdk;
};

void idcard_card_wipe(idcard_card *c) {
  if (!c)
    return;
  if (c->photo) {
    sodium_memzero(c->photo, c->photo_len);
    free(c->photo);
  }
  sodium_memzero(c, sizeof *c);
}

int idcard_reader_date(const char *in, char out[9]) {
  size_t n = 0;
  out[0] = '\0';
  for (const char *p = in; p && *p && n < 9; p++) {
    if (*p >= '0' && *p <= '9')
      out[n++] = *p;
    else if (*p != '-' && *p != '.' && *p != '/')
      break;
  }
  if (n != 8) {
    sodium_memzero(out, 9);
    return 0;
  }
  out[8] = '\0';
  return 1;
}

/* ---- the simulated reader ----------------------------------------------- */

static void copy_str(char *dst, size_t cap, const cJSON *o, const char *key) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
  if (cJSON_IsString(j) && j->valuestring)
    snprintf(dst, cap, "%s", j->valuestring);
}

/* Reads one simulated card file. Always 1 (a result): OK, or UNREADABLE
 * for a file that is not a card, or the fault the file asks for. */
static int sim_read_file(const char *path, idcard_card *c,
                         idcard_reader_outcome *o) {
  char *buf = NULL;
  size_t len = 0;
  cJSON *doc = NULL;
  *o = IDCARD_READ_UNREADABLE;
  if (fs_read_file(path, IDCARD_READER_FILE_MAX, &buf, &len) != KERR_OK) {
    LOG_W("idcard", "simulated card file cannot be read");
    return 1;
  }
  doc = cJSON_ParseWithLength(buf, len);
  sodium_memzero(buf, len);
  free(buf);
  if (!cJSON_IsObject(doc)) {
    LOG_W("idcard", "simulated card file is not a JSON object");
    goto out;
  }
  const cJSON *fault = cJSON_GetObjectItemCaseSensitive(doc, "fault");
  if (cJSON_IsString(fault) && strcmp(fault->valuestring, "removed") == 0) {
    *o = IDCARD_READ_REMOVED;
    goto out;
  }
  if (cJSON_IsString(fault)) /* "unreadable", or anything else */
    goto out;
  char date[64] = "";
  copy_str(c->name, sizeof c->name, doc, "name");
  copy_str(c->sex, sizeof c->sex, doc, "sex");
  copy_str(c->nation, sizeof c->nation, doc, "nation");
  copy_str(c->address, sizeof c->address, doc, "address");
  copy_str(c->id_number, sizeof c->id_number, doc, "id_number");
  copy_str(c->authority, sizeof c->authority, doc, "authority");
  copy_str(date, sizeof date, doc, "birth");
  idcard_reader_date(date, c->birth);
  copy_str(date, sizeof date, doc, "valid_from");
  idcard_reader_date(date, c->valid_from);
  copy_str(c->valid_to, sizeof c->valid_to, doc, "valid_to");
  {
    char ymd[9]; /* a date made YYYYMMDD; 长期 and the like stay as written */
    if (idcard_reader_date(c->valid_to, ymd))
      memcpy(c->valid_to, ymd, sizeof ymd);
    sodium_memzero(ymd, sizeof ymd);
  }
  const cJSON *ph = cJSON_GetObjectItemCaseSensitive(doc, "photo");
  if (cJSON_IsString(ph) && ph->valuestring[0]) {
    size_t b64 = strlen(ph->valuestring);
    size_t cap = b64 / 4 * 3 + 3;
    if (cap > IDCARD_READER_PHOTO_MAX)
      cap = IDCARD_READER_PHOTO_MAX;
    c->photo = malloc(cap);
    if (c->photo &&
        sodium_base642bin(c->photo, cap, ph->valuestring, b64, NULL,
                          &c->photo_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
      sodium_memzero(c->photo, cap); /* a half-decoded photo */
      free(c->photo);
      c->photo = NULL;
      c->photo_len = 0;
    }
  }
  sodium_memzero(date, sizeof date);
  if (!c->name[0] || !c->id_number[0]) {
    idcard_card_wipe(c);
    goto out;
  }
  *o = IDCARD_READ_OK;
out:
  session_wipe_json(doc);
  cJSON_Delete(doc);
  return 1;
}

/* 1 when the file (st) was last changed at least SIM_SETTLE_MS ago: a
 * card file still being copied into the folder is not read half-written. */
#define SIM_SETTLE_MS 300
static int settled(const struct stat *st) {
  struct timespec now;
  if (clock_gettime(CLOCK_REALTIME, &now) != 0)
    return 0;
  long long age_ms = (long long)(now.tv_sec - st->st_mtim.tv_sec) * 1000 +
                     (now.tv_nsec - st->st_mtim.tv_nsec) / 1000000;
  return age_ms >= SIM_SETTLE_MS;
}

/* The first *.json in the watched folder other than the one read last
 * (forgotten once it is gone) and not being written, into path. 0 when
 * there is none. */
static int sim_dir_pick(idcard_reader *r, char *path, size_t cap) {
  DIR *d = opendir(r->sim_dir);
  if (!d)
    return 0;
  int seen_there = 0, found = 0;
  struct dirent *e;
  char pick[256] = "";
  struct stat pick_st;
  memset(&pick_st, 0, sizeof pick_st);
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (n < 6 || n >= sizeof pick || e->d_name[0] == '.' ||
        strcmp(e->d_name + n - 5, ".json") != 0)
      continue;
    char full[SIM_PATH_MAX + 260];
    struct stat st;
    if (snprintf(full, sizeof full, "%s/%s", r->sim_dir, e->d_name) >=
            (int)sizeof full ||
        stat(full, &st) != 0)
      continue;
    if (strcmp(e->d_name, r->dir_seen) == 0 && st.st_ino == r->seen_ino &&
        st.st_mtim.tv_sec == r->seen_mtim.tv_sec &&
        st.st_mtim.tv_nsec == r->seen_mtim.tv_nsec) {
      seen_there = 1; /* the very file read last: still lying there */
      continue;
    }
    if (!settled(&st))
      continue;
    if (!found || strcmp(e->d_name, pick) < 0) {
      snprintf(pick, sizeof pick, "%s", e->d_name);
      pick_st = st;
    }
    found = 1;
  }
  closedir(d);
  if (!seen_there)
    r->dir_seen[0] = '\0';
  if (!found)
    return 0;
  snprintf(r->dir_seen, sizeof r->dir_seen, "%s", pick);
  r->seen_ino = pick_st.st_ino;
  r->seen_mtim = pick_st.st_mtim;
  return snprintf(path, cap, "%s/%s", r->sim_dir, pick) < (int)cap;
}

/* One look of the simulated reader. A placed card read sets *gen to its
 * generation; the worker marks it read once the result is out, so
 * idcard_reader_wait returns only after the wake. */
static int sim_poll(idcard_reader *r, idcard_card *c,
                    idcard_reader_outcome *o, unsigned *gen) {
  char path[SIM_PATH_MAX + 260];
  int have = 0;
  pthread_mutex_lock(&r->dt.mu);
  if (r->placed[0] && r->placed_gen != r->read_gen) {
    snprintf(path, sizeof path, "%s", r->placed);
    *gen = r->placed_gen;
    have = 1;
  }
  pthread_mutex_unlock(&r->dt.mu);
  if (!have && r->sim_dir[0])
    have = sim_dir_pick(r, path, sizeof path);
  if (!have)
    return 0;
  return sim_read_file(path, c, o);
}

/* ---- the worker --------------------------------------------------------- */

static void set_state(idcard_reader *r, idcard_reader_state st) {
  pthread_mutex_lock(&r->dt.mu);
  int changed = r->state != st;
  r->state = st;
  pthread_mutex_unlock(&r->dt.mu);
  if (changed && r->notify)
    r->notify(r->notify_ud, IDCARD_READER_EV_STATE);
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

static void *worker(void *arg) {
  idcard_reader *r = arg;
  if (r->kind == IDCARD_READER_SDK) {
    set_state(r, idcard_sdk_open(r->library, r->port, &r->sdk));
  } else if (r->kind == IDCARD_READER_SIM) {
    if (r->sim_dir[0] && fs_make_dirs(r->sim_dir, 0700) != 0) {
      LOG_E("idcard", "simulated reader: cannot make its folder %s: %s",
            r->sim_dir, strerror(errno));
      set_state(r, IDCARD_READER_ERROR);
    } else {
      set_state(r, IDCARD_READER_CONNECTED);
    }
  }
  pthread_mutex_lock(&r->dt.mu);
  while (!r->dt.quit) {
    if (!r->armed) {
      pthread_cond_broadcast(&r->dt.idle);
      if (r->kind == IDCARD_READER_SDK && r->state == IDCARD_READER_ABSENT &&
          idcard_sdk_usable(r->sdk)) {
        /* A library loaded but no reader on the port yet: look again
         * now and then, so a reader plugged in later shows up. */
        struct timespec t;
        deadline_in(&t, r->probe_ms);
        if (pthread_cond_timedwait(&r->dt.cv, &r->dt.mu, &t) != 0 && !r->dt.quit &&
            !r->armed) {
          pthread_mutex_unlock(&r->dt.mu);
          set_state(r, idcard_sdk_probe(r->sdk));
          pthread_mutex_lock(&r->dt.mu);
        }
      } else {
        pthread_cond_wait(&r->dt.cv, &r->dt.mu);
      }
      continue;
    }
    pthread_mutex_unlock(&r->dt.mu);
    idcard_card c;
    memset(&c, 0, sizeof c);
    idcard_reader_outcome o = IDCARD_READ_OK;
    int got = 0;
    unsigned gen;
    pthread_mutex_lock(&r->dt.mu);
    gen = r->read_gen;
    pthread_mutex_unlock(&r->dt.mu);
    if (r->kind == IDCARD_READER_SIM) {
      got = sim_poll(r, &c, &o, &gen);
    } else {
      idcard_reader_state st = IDCARD_READER_ABSENT;
      got = idcard_sdk_poll(r->sdk, &c, &o, &st);
      set_state(r, st);
    }
    pthread_mutex_lock(&r->dt.mu);
    if (got && r->armed && !r->dt.quit) {
      idcard_card_wipe(&r->card);
      r->card = c; /* the photo's ownership moves with it */
      sodium_memzero(&c, sizeof c);
      r->outcome = o;
      r->have = 1;
      r->armed = 0;
      pthread_mutex_unlock(&r->dt.mu);
      if (r->notify)
        r->notify(r->notify_ud, IDCARD_READER_EV_RESULT);
      pthread_mutex_lock(&r->dt.mu);
      r->read_gen = gen;
      continue;
    }
    r->read_gen = gen;
    idcard_card_wipe(&c);
    pthread_cond_broadcast(&r->dt.idle);
    if (!r->dt.quit && r->armed) {
      struct timespec t;
      deadline_in(&t, r->poll_ms);
      pthread_cond_timedwait(&r->dt.cv, &r->dt.mu, &t);
    }
  }
  pthread_mutex_unlock(&r->dt.mu);
  idcard_sdk_close(r->sdk);
  r->sdk = NULL;
  return NULL;
}

kerr idcard_reader_open(const idcard_reader_config *c, idcard_reader **out) {
  *out = NULL;
  if (!c || (c->kind == IDCARD_READER_SDK && (!c->library || !*c->library)))
    return KERR_INVALID;
  idcard_reader *r = calloc(1, sizeof *r);
  if (!r)
    return KERR_NOMEM;
  r->kind = c->kind;
  snprintf(r->sim_dir, sizeof r->sim_dir, "%s", c->sim_dir ? c->sim_dir : "");
  snprintf(r->library, sizeof r->library, "%s", c->library ? c->library : "");
  r->port = c->port;
  r->poll_ms = c->poll_ms > 0 ? c->poll_ms : 300;
  r->probe_ms = c->probe_ms > 0 ? c->probe_ms : 5000;
  r->notify = c->notify;
  r->notify_ud = c->notify_ud;
  r->state = IDCARD_READER_ABSENT;
  if (devthread_start(&r->dt, r->kind != IDCARD_READER_NONE, worker, r) !=
      KERR_OK) {
    free(r);
    return KERR_INTERNAL;
  }
  *out = r;
  return KERR_OK;
}

void idcard_reader_close(idcard_reader *r) {
  if (!r)
    return;
  devthread_stop(&r->dt);
  idcard_card_wipe(&r->card);
  sodium_memzero(r->placed, sizeof r->placed);
  free(r);
}

idcard_reader_state idcard_reader_get_state(idcard_reader *r) {
  if (!r)
    return IDCARD_READER_ABSENT;
  pthread_mutex_lock(&r->dt.mu);
  idcard_reader_state st = r->state;
  pthread_mutex_unlock(&r->dt.mu);
  return st;
}

idcard_reader_kind idcard_reader_get_kind(const idcard_reader *r) {
  return r ? r->kind : IDCARD_READER_NONE;
}

kerr idcard_reader_arm(idcard_reader *r) {
  if (!r)
    return KERR_STATE;
  pthread_mutex_lock(&r->dt.mu);
  kerr e = KERR_STATE;
  if (r->state == IDCARD_READER_CONNECTED && !r->dt.quit) {
    idcard_card_wipe(&r->card);
    r->have = 0;
    r->armed = 1;
    pthread_cond_broadcast(&r->dt.cv);
    e = KERR_OK;
  }
  pthread_mutex_unlock(&r->dt.mu);
  return e;
}

void idcard_reader_cancel(idcard_reader *r) {
  if (!r)
    return;
  pthread_mutex_lock(&r->dt.mu);
  r->armed = 0;
  r->have = 0;
  idcard_card_wipe(&r->card);
  pthread_mutex_unlock(&r->dt.mu);
}

int idcard_reader_armed(idcard_reader *r) {
  if (!r)
    return 0;
  pthread_mutex_lock(&r->dt.mu);
  int a = r->armed;
  pthread_mutex_unlock(&r->dt.mu);
  return a;
}

int idcard_reader_take(idcard_reader *r, idcard_card *out,
                       idcard_reader_outcome *outcome) {
  if (!r)
    return 0;
  pthread_mutex_lock(&r->dt.mu);
  int have = r->have;
  if (have) {
    *outcome = r->outcome;
    *out = r->card; /* the photo moves to the caller */
    sodium_memzero(&r->card, sizeof r->card);
    r->have = 0;
  }
  pthread_mutex_unlock(&r->dt.mu);
  return have;
}

kerr idcard_reader_wait(idcard_reader *r, int timeout_ms) {
  if (!r || !r->dt.started)
    return KERR_OK;
  struct timespec t;
  deadline_in(&t, timeout_ms);
  pthread_mutex_lock(&r->dt.mu);
  int rc = 0;
  /* Pending: a placed card not yet read while the reader is armed, or one
   * read whose result is not out yet (read_gen moves after the wake). */
#define PENDING (r->placed[0] && r->placed_gen != r->read_gen && \
                 (r->armed || r->have))
  while (rc == 0 && PENDING)
    rc = pthread_cond_timedwait(&r->dt.idle, &r->dt.mu, &t);
  int busy = PENDING;
#undef PENDING
  pthread_mutex_unlock(&r->dt.mu);
  return busy ? KERR_BUSY : KERR_OK;
}

kerr idcard_reader_sim_place(idcard_reader *r, const char *path) {
  if (!r || r->kind != IDCARD_READER_SIM || !path || !*path)
    return KERR_STATE;
  pthread_mutex_lock(&r->dt.mu);
  snprintf(r->placed, sizeof r->placed, "%s", path);
  r->placed_gen++;
  pthread_cond_broadcast(&r->dt.cv);
  pthread_mutex_unlock(&r->dt.mu);
  return KERR_OK;
}

kerr idcard_reader_sim_remove(idcard_reader *r) {
  if (!r || r->kind != IDCARD_READER_SIM)
    return KERR_STATE;
  pthread_mutex_lock(&r->dt.mu);
  sodium_memzero(r->placed, sizeof r->placed);
  r->read_gen = r->placed_gen;
  pthread_mutex_unlock(&r->dt.mu);
  return KERR_OK;
}
