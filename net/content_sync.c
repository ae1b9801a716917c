/* content_sync: see content_sync.h for the contract and the on-disk layout.
 *
 * Invariants:
 *   - nothing offered by the network is interpreted before its size is
 *     capped; the manifest is not parsed before its signature verifies;
 *   - every file path from a manifest is checked as text (relative, at most
 *     4 levels of [A-Za-z0-9._-] parts not starting with '.') and created
 *     with openat(O_NOFOLLOW | O_EXCL) inside the staging folder only;
 *   - `current` is only ever replaced by rename() of a complete link to a
 *     complete, fsynced folder; folders are only removed when they are
 *     neither `current`'s target nor the previous bundle;
 *   - the response buffer (net/http's) never holds more than the cap of
 *     the request. */
#include "content_sync.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "core/content.h"
#include "core/json_limits.h"
#include "core/log.h"
#include "http.h"
#include "sync_manifest.h"

#define MOD "content_sync"
#define ANSWER_MAX (CONTENT_MAX_MANIFEST_BYTES + 1024u)
#define SPLIT_DEPTH 32
#define TREE_DEPTH 8

struct content_sync {
  char *base_url;
  http *http;          /* NULL without CA file, certificate and key */
  char *region, *data_dir, *store_dir, *running_version;
  bundle_sig_key keys[BUNDLE_SIG_MAX_KEYS];
  size_t n_keys;
  time_t (*now)(void *ud);
  void *now_ud;
  char etag[HTTP_ETAG_MAX]; /* ETag of the last manifest fully dealt with */
  http_response resp;  /* the last answer, borrowed from http */
};

static char *dup_or_null(const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

static void set_result(content_sync_result *r, content_sync_outcome o,
                       content_sync_reason why, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_result(content_sync_result *r, content_sync_outcome o,
                       content_sync_reason why, const char *fmt, ...) {
  va_list ap;
  r->outcome = o;
  r->reason = why;
  va_start(ap, fmt);
  vsnprintf(r->detail, sizeof r->detail, fmt, ap);
  va_end(ap);
  /* printable ASCII only: parts of it may come from the peer */
  for (char *p = r->detail; *p; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
      *p = '?';
}

const char *content_sync_reason_str(content_sync_reason reason) {
  static const char *const names[] = {
      "none",      "not-modified", "nothing-published", "same-version",
      "older",     "expired",      "signature",         "region",
      "format",    "manifest",     "file",              "bundle",
      "network",   "server",       "disk",              "busy",
      "aborted"};
  if ((size_t)reason < sizeof names / sizeof names[0])
    return names[reason];
  return "unknown";
}

/* ------------------------------------------------------------------ */
/* HTTPS                                                               */
/* ------------------------------------------------------------------ */

/* One request (see http_json()). On KERR_OK *status is the HTTP status
 * and s->resp the answer. KERR_LIMIT the body or headers exceeded max;
 * KERR_DENIED TLS verification or pin failed; KERR_NET transport;
 * KERR_STATE aborted (see net/http.h). */
static kerr request(content_sync *s, const char *path, const char *inm,
                    const char *body, size_t body_len, size_t max,
                    long *status) {
  kerr err = http_json(s->http, s->base_url, path, inm, body, body_len, max,
                       &s->resp);
  *status = err ? 0 : s->resp.status;
  return err;
}

/* ------------------------------------------------------------------ */
/* Cutting the manifest out of the answer                              */
/* ------------------------------------------------------------------ */

static const char *skip_ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
    p++;
  return p;
}

/* p at '"': returns the byte after the closing quote, or NULL. */
static const char *skip_string(const char *p, const char *end) {
  if (p >= end || *p != '"')
    return NULL;
  for (p++; p < end; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch == '"')
      return p + 1;
    if (ch < 0x20)
      return NULL;
    if (ch == '\\') {
      if (++p >= end)
        return NULL;
      if (*p == 'u') {
        for (int i = 0; i < 4; i++)
          if (++p >= end || !isxdigit((unsigned char)*p))
            return NULL;
      } else if (!strchr("\"\\/bfnrt", *p)) {
        return NULL;
      }
    }
  }
  return NULL;
}

static const char *skip_value(const char *p, const char *end, int depth);

static const char *skip_container(const char *p, const char *end, int depth) {
  char close = *p == '{' ? '}' : ']';
  int object = *p == '{';
  if (depth >= SPLIT_DEPTH)
    return NULL;
  p = skip_ws(p + 1, end);
  if (p < end && *p == close)
    return p + 1;
  for (;;) {
    if (object) {
      if (!(p = skip_string(p, end)))
        return NULL;
      p = skip_ws(p, end);
      if (p >= end || *p != ':')
        return NULL;
      p = skip_ws(p + 1, end);
    }
    if (!(p = skip_value(p, end, depth + 1)))
      return NULL;
    p = skip_ws(p, end);
    if (p >= end)
      return NULL;
    if (*p == close)
      return p + 1;
    if (*p != ',')
      return NULL;
    p = skip_ws(p + 1, end);
  }
}

static const char *skip_value(const char *p, const char *end, int depth) {
  if (p >= end)
    return NULL;
  if (*p == '{' || *p == '[')
    return skip_container(p, end, depth);
  if (*p == '"')
    return skip_string(p, end);
  const char *q = p;
  while (q < end && (isalnum((unsigned char)*q) || *q == '-' || *q == '+' ||
                     *q == '.'))
    q++;
  return q > p ? q : NULL; /* literal or number; cJSON checks it later */
}

kerr content_sync_split(const char *body, size_t n, const char **manifest,
                        size_t *len, unsigned char sig[BUNDLE_SIG_BYTES]) {
  const char *p = body, *end = body + n;
  const char *m = NULL, *m_end = NULL, *s = NULL, *s_end = NULL;

  *manifest = NULL;
  *len = 0;
  p = skip_ws(p, end);
  if (p >= end || *p != '{')
    return KERR_PARSE;
  p = skip_ws(p + 1, end);
  for (;;) {
    const char *k = p;
    if (!(p = skip_string(p, end)))
      return KERR_PARSE;
    size_t klen = (size_t)(p - k);
    p = skip_ws(p, end);
    if (p >= end || *p != ':')
      return KERR_PARSE;
    /* The manifest's bytes are everything between the colon and the next
     * separator: the server embeds the signed file verbatim, white space
     * (a final newline, say) included. */
    const char *raw = p + 1;
    const char *v = skip_ws(raw, end);
    if (!(p = skip_value(v, end, 1)))
      return KERR_PARSE;
    const char *v_end = p;
    p = skip_ws(p, end);
    if (klen == 10 && memcmp(k, "\"manifest\"", 10) == 0 && !m) {
      if (v >= end || *v != '{')
        return KERR_PARSE;
      m = raw;
      m_end = p;
    } else if (klen == 11 && memcmp(k, "\"signature\"", 11) == 0 && !s) {
      s = v;
      s_end = v_end;
    } else {
      return KERR_PARSE; /* unknown or repeated member */
    }
    if (p < end && *p == ',') {
      p = skip_ws(p + 1, end);
      continue;
    }
    if (p < end && *p == '}')
      break;
    return KERR_PARSE;
  }
  if (skip_ws(p + 1, end) != end || !m || !s || *s != '"')
    return KERR_PARSE;
  size_t got = 0;
  if (sodium_base642bin(sig, BUNDLE_SIG_BYTES, s + 1, (size_t)(s_end - s - 2),
                        NULL, &got, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      got != BUNDLE_SIG_BYTES)
    return KERR_PARSE;
  *manifest = m;
  *len = (size_t)(m_end - m);
  return KERR_OK;
}

/* ------------------------------------------------------------------ */
/* Files and folders                                                   */
/* ------------------------------------------------------------------ */

/* Removes name (a file, link or folder tree) under folder `at` without
 * following symbolic links. Depth-limited; best effort. */
static void rm_at(int at, const char *name, int depth) {
  struct stat st;
  if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return;
  if (!S_ISDIR(st.st_mode)) {
    unlinkat(at, name, 0);
    return;
  }
  if (depth < TREE_DEPTH) {
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d && fd >= 0)
      close(fd);
    if (d) {
      struct dirent *e;
      /* Removing while reading may skip entries: read up to three times. */
      for (int pass = 0; pass < 3; pass++) {
        rewinddir(d);
        while ((e = readdir(d)) != NULL)
          if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            rm_at(dirfd(d), e->d_name, depth + 1);
        if (unlinkat(at, name, AT_REMOVEDIR) == 0 || errno != ENOTEMPTY)
          break;
      }
      closedir(d);
    }
  }
  unlinkat(at, name, AT_REMOVEDIR);
}

/* fsyncs every folder under fd (deepest first), then fd itself. */
static kerr fsync_tree(int fd, int depth) {
  kerr err = KERR_OK;
  int dup_fd = dup(fd);
  DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  if (!d) {
    if (dup_fd >= 0)
      close(dup_fd);
    return KERR_IO;
  }
  rewinddir(d); /* a dup shares the offset of an earlier read */
  struct dirent *e;
  while (!err && (e = readdir(d)) != NULL) {
    struct stat st;
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISDIR(st.st_mode))
      continue;
    if (depth >= TREE_DEPTH) {
      err = KERR_LIMIT;
      break;
    }
    int sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                        O_CLOEXEC);
    if (sub < 0) {
      err = KERR_IO;
      break;
    }
    err = fsync_tree(sub, depth + 1);
    close(sub);
  }
  closedir(d);
  if (!err && fsync(fd) != 0)
    err = KERR_IO;
  return err;
}

/* Writes data as the new file `path` (manifest-checked) under folder fd,
 * making its parent folders; the file is fsynced. */
static kerr write_at(int fd, const char *path, const void *data, size_t n) {
  char part[CONTENT_MAX_PATH + 1];
  int dir = dup(fd);
  kerr err = KERR_OK;
  const char *p = path;

  if (dir < 0)
    return KERR_IO;
  for (;;) {
    const char *slash = strchr(p, '/');
    if (!slash)
      break;
    size_t len = (size_t)(slash - p);
    memcpy(part, p, len);
    part[len] = '\0';
    if (mkdirat(dir, part, 0755) != 0 && errno != EEXIST) {
      err = KERR_IO;
      goto out;
    }
    int next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                     O_CLOEXEC);
    if (next < 0) {
      err = KERR_IO;
      goto out;
    }
    close(dir);
    dir = next;
    p = slash + 1;
  }
  int out_fd = openat(dir, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                  O_CLOEXEC, 0644);
  if (out_fd < 0) {
    err = KERR_IO;
    goto out;
  }
  const unsigned char *b = data;
  while (n > 0) {
    ssize_t w = write(out_fd, b, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      err = errno == ENOSPC ? KERR_FULL : KERR_IO;
      break;
    }
    b += w;
    n -= (size_t)w;
  }
  if (!err && fsync(out_fd) != 0)
    err = KERR_IO;
  if (close(out_fd) != 0 && !err)
    err = KERR_IO;
out:
  close(dir);
  return err;
}

/* ------------------------------------------------------------------ */
/* The bundle in use                                                   */
/* ------------------------------------------------------------------ */

kerr content_sync_current(const char *data_dir, char *dir, size_t cap,
                          char *version, size_t vcap) {
  char link[CONTENT_SYNC_PATH_MAX], target[CONTENT_SYNC_VERSION_MAX + 1];
  struct stat st;
  if (snprintf(link, sizeof link, "%s/content/current", data_dir) >=
      (int)sizeof link)
    return KERR_LIMIT;
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n <= 0 || (size_t)n >= sizeof target - 1)
    return KERR_NOTFOUND;
  target[n] = '\0';
  if (strchr(target, '/') || !content_version_valid(target))
    return KERR_NOTFOUND;
  if (snprintf(dir, cap, "%s/content/%s", data_dir, target) >= (int)cap)
    return KERR_LIMIT;
  if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return KERR_NOTFOUND;
  if (version && snprintf(version, vcap, "%s", target) >= (int)vcap)
    return KERR_LIMIT;
  return KERR_OK;
}

/* ------------------------------------------------------------------ */
/* Create / destroy                                                    */
/* ------------------------------------------------------------------ */

kerr content_sync_create(const content_sync_config *cfg, content_sync **out) {
  content_sync *s = NULL;
  *out = NULL;
  if (!cfg || (cfg->base_url && (strncmp(cfg->base_url, "https://", 8) != 0 ||
                                 strlen(cfg->base_url) > 200)) ||
      (cfg->region && (strlen(cfg->region) != 6 ||
                       strspn(cfg->region, "0123456789") != 6)) ||
      cfg->n_keys > BUNDLE_SIG_MAX_KEYS || (cfg->n_keys && !cfg->keys) ||
      (cfg->running_version && !content_version_valid(cfg->running_version)))
    return KERR_INVALID;
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  s = calloc(1, sizeof *s);
  if (!s)
    return KERR_NOMEM;
  s->resp.body = "";
  if (cfg->ca_file && cfg->cert_file && cfg->key_file) {
    /* The client's hard limit is the largest answer of any request: a
     * bundle file; each request asks for less where it can. */
    http_config hc;
    memset(&hc, 0, sizeof hc);
    hc.ca_file = cfg->ca_file;
    hc.cert_file = cfg->cert_file;
    hc.key_file = cfg->key_file;
    hc.pinned_pubkey = cfg->pinned_pubkey;
    hc.connect_timeout_ms = cfg->connect_timeout_ms;
    hc.total_timeout_ms =
        cfg->total_timeout_ms ? cfg->total_timeout_ms : 60000;
    hc.max_response = CONTENT_MAX_FILE_BYTES > ANSWER_MAX
                          ? CONTENT_MAX_FILE_BYTES
                          : ANSWER_MAX;
    kerr err = http_create(&hc, &s->http);
    if (err) {
      content_sync_destroy(s);
      return err;
    }
  }
  s->base_url = dup_or_null(cfg->base_url);
  s->region = dup_or_null(cfg->region);
  s->data_dir = dup_or_null(cfg->data_dir);
  s->store_dir = dup_or_null(cfg->store_dir);
  s->running_version = dup_or_null(cfg->running_version);
  s->n_keys = cfg->n_keys;
  if (cfg->n_keys)
    memcpy(s->keys, cfg->keys, cfg->n_keys * sizeof *cfg->keys);
  s->now = cfg->now;
  s->now_ud = cfg->now_ud;
  if ((cfg->base_url && !s->base_url) || (cfg->region && !s->region) || (cfg->data_dir && !s->data_dir) ||
      (cfg->store_dir && !s->store_dir) ||
      (cfg->running_version && !s->running_version)) {
    content_sync_destroy(s);
    return KERR_NOMEM;
  }
  *out = s;
  return KERR_OK;
}

void content_sync_destroy(content_sync *s) {
  if (!s)
    return;
  http_destroy(s->http);
  free(s->base_url);
  free(s->region);
  free(s->data_dir);
  free(s->store_dir);
  free(s->running_version);
  free(s);
}

void content_sync_abort(content_sync *s) {
  if (s)
    http_abort(s->http);
}

/* ------------------------------------------------------------------ */
/* Installing                                                          */
/* ------------------------------------------------------------------ */

/* Where the files of a new bundle come from when the kiosk lacks them. */
typedef kerr (*fetch_fn)(content_sync *s, void *ud, const sync_manifest_file *f,
                         unsigned char **data, content_sync_result *r);

static void today_str(const content_sync *s, char out[11]) {
  time_t t = s->now ? s->now(s->now_ud) : time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Finds f in the bundle in use (by hash, under any path) or the store. */
static unsigned char *find_local(const content_sync *s, const char *cur_dir,
                                 const sync_manifest *cur, const sync_manifest_file *f) {
  char path[CONTENT_SYNC_PATH_MAX + CONTENT_MAX_PATH + 2];
  unsigned char *data = NULL;
  for (size_t i = 0; cur && i < cur->n_files && !data; i++) {
    if (strcmp(cur->files[i].sha, f->sha) != 0 || cur->files[i].size != f->size)
      continue;
    if (snprintf(path, sizeof path, "%s/%s", cur_dir, cur->files[i].path) <
        (int)sizeof path)
      data = sync_manifest_read_file(path, f);
  }
  if (!data && s->store_dir &&
      snprintf(path, sizeof path, "%s/%s", s->store_dir, f->sha) <
          (int)sizeof path)
    data = sync_manifest_read_file(path, f);
  return data;
}

/* Removes any leftover staging folder or temporary link under the content
 * folder fd and, if keep_a is not NULL, every version folder other than
 * keep_a and keep_b (the bundle in use and the previous one). */
static void prune(int fd, const char *keep_a, const char *keep_b) {
  int dup_fd = dup(fd);
  DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  char names[64][CONTENT_SYNC_VERSION_MAX + 16];
  size_t n = 0;
  if (!d) {
    if (dup_fd >= 0)
      close(dup_fd);
    return;
  }
  rewinddir(d); /* a dup shares the offset of an earlier read */
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64) {
    char base[CONTENT_SYNC_VERSION_MAX + 16];
    size_t len = strlen(e->d_name);
    if (len >= sizeof base)
      continue;
    memcpy(base, e->d_name, len + 1);
    int staging = len > 8 && strcmp(base + len - 8, ".staging") == 0;
    if (staging)
      base[len - 8] = '\0';
    if (strcmp(e->d_name, "current.new") == 0 ||
        (content_version_valid(base) &&
         (staging || (keep_a && strcmp(base, keep_a) != 0 &&
                      strcmp(base, keep_b) != 0))))
      memcpy(names[n++], e->d_name, len + 1);
  }
  closedir(d);
  for (size_t i = 0; i < n; i++)
    rm_at(fd, names[i], 0);
}

/* Everything after the signature has verified: checks, staging, switch. */
static kerr apply(content_sync *s, const char *mbytes, size_t mlen,
                  const unsigned char sig[BUNDLE_SIG_BYTES], fetch_fn fetch,
                  void *fetch_ud, content_sync_result *r) {
  char why[160], today[11];
  char content_dir[CONTENT_SYNC_PATH_MAX], staging[CONTENT_SYNC_PATH_MAX];
  char cur_dir[CONTENT_SYNC_PATH_MAX], cur_ver[CONTENT_SYNC_VERSION_MAX] = "";
  char final_name[CONTENT_SYNC_VERSION_MAX + 16], stage_name[CONTENT_SYNC_VERSION_MAX + 16];
  sync_manifest m, cur;
  int have_cur = 0, cfd = -1, sfd = -1, lock_fd = -1;
  kerr err;
  content *loaded = NULL;
  content_problems problems;

  content_problems_init(&problems);
  memset(&cur, 0, sizeof cur);
  if ((err = sync_manifest_parse(mbytes, mlen, &m, why, sizeof why))) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_MANIFEST, "%s", why);
    return err == KERR_NOMEM ? err : KERR_INVALID;
  }
  snprintf(r->version, sizeof r->version, "%s", m.version);
  if (m.format != CONTENT_FORMAT) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_FORMAT,
               "bundle %s is format %ld; this kiosk reads format %d",
               m.version, m.format, CONTENT_FORMAT);
    err = KERR_INVALID;
    goto out;
  }
  if (s->region && strcmp(m.region, s->region) != 0) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_REGION,
               "bundle %s is for region %s, this kiosk serves %s", m.version,
               m.region, s->region);
    err = KERR_INVALID;
    goto out;
  }

  /* The version in use: the current link, else the shipped bundle's. */
  if (content_sync_current(s->data_dir, cur_dir, sizeof cur_dir, cur_ver,
                           sizeof cur_ver) == KERR_OK) {
    char mp[CONTENT_SYNC_PATH_MAX + 16];
    unsigned char *cb = NULL;
    size_t cl = 0;
    snprintf(mp, sizeof mp, "%s/manifest.json", cur_dir);
    if (bundle_sig_read_file(mp, CONTENT_MAX_MANIFEST_BYTES, &cb, &cl) ==
            KERR_OK &&
        sync_manifest_parse((const char *)cb, cl, &cur, why, sizeof why) == KERR_OK)
      have_cur = 1;
    free(cb);
  } else if (s->running_version) {
    snprintf(cur_ver, sizeof cur_ver, "%s", s->running_version);
  }
  if (cur_ver[0]) {
    int cmp = content_version_compare(m.version, cur_ver);
    if (cmp == 0) {
      set_result(r, CONTENT_SYNC_UNCHANGED, CONTENT_SYNC_R_SAME,
                 "bundle %s is the version in use", m.version);
      err = KERR_OK;
      goto out;
    }
    if (cmp < 0) {
      set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_OLDER,
                 "bundle %s is older than %s in use: rollback refused",
                 m.version, cur_ver);
      err = KERR_STATE;
      goto out;
    }
  }
  today_str(s, today);
  if (strcmp(today, m.expires) > 0) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_EXPIRED,
               "bundle %s expired on %s (today %s)", m.version, m.expires,
               today);
    err = KERR_INVALID;
    goto out;
  }

  /* Staging. */
  if (snprintf(content_dir, sizeof content_dir, "%s/content", s->data_dir) >=
          (int)sizeof content_dir ||
      snprintf(staging, sizeof staging, "%s/%s.staging", content_dir,
               m.version) >= (int)sizeof staging) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_DISK, "data_dir too long");
    err = KERR_LIMIT;
    goto out;
  }
  snprintf(final_name, sizeof final_name, "%s", m.version);
  snprintf(stage_name, sizeof stage_name, "%s.staging", m.version);
  if (mkdir(content_dir, 0755) != 0 && errno != EEXIST) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_DISK,
               "cannot make %s: %s", content_dir, strerror(errno));
    err = KERR_IO;
    goto out;
  }
  cfd = open(content_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  lock_fd = cfd >= 0 ? openat(cfd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW |
                                                 O_CLOEXEC, 0644)
                     : -1;
  if (lock_fd < 0) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_DISK,
               "cannot open %s", content_dir);
    err = KERR_IO;
    goto out;
  }
  if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_BUSY,
               "another content sync is running");
    err = KERR_BUSY;
    goto out;
  }
  /* What a sync that died left behind; bundles stay until the switch. */
  prune(cfd, NULL, NULL);
  if (mkdirat(cfd, stage_name, 0755) != 0 ||
      (sfd = openat(cfd, stage_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                          O_CLOEXEC)) < 0) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_DISK,
               "cannot make %s: %s", staging, strerror(errno));
    err = KERR_IO;
    goto out;
  }
  for (size_t i = 0; i < m.n_files; i++) {
    const sync_manifest_file *f = &m.files[i];
    unsigned char *data = find_local(s, cur_dir, have_cur ? &cur : NULL, f);
    if (data) {
      r->files_reused++;
    } else {
      if ((err = fetch(s, fetch_ud, f, &data, r)))
        goto out; /* fetch filled r */
      char hex[65];
      sync_manifest_sha_hex(data, f->size, hex);
      if (strcmp(hex, f->sha) != 0) {
        free(data);
        set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_FILE,
                   "%s: SHA-256 %.16s... differs from the manifest's %.16s...",
                   f->path, hex, f->sha);
        err = KERR_CRYPTO;
        goto out;
      }
      r->files_downloaded++;
      r->bytes_downloaded += f->size;
    }
    err = write_at(sfd, f->path, data, f->size);
    free(data);
    if (err) {
      set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_DISK,
                 "cannot write %s: %s", f->path, kerr_str(err));
      goto out;
    }
  }
  if ((err = write_at(sfd, "manifest.json", mbytes, mlen)) ||
      (err = write_at(sfd, "manifest.sig", sig, BUNDLE_SIG_BYTES)) ||
      (err = fsync_tree(sfd, 0))) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_DISK,
               "cannot write the manifest: %s", kerr_str(err));
    goto out;
  }

  /* The assembled folder must pass exactly what the app will check. */
  if ((err = bundle_sig_verify_dir(staging, s->keys, s->n_keys, &problems)) ||
      (err = content_load(staging, &loaded, &problems))) {
    char line[700] = "";
    if (problems.n)
      content_problems_format(&problems, 0, line, sizeof line);
    LOG_W(MOD, "bundle %s refused by the loader: %zu problem(s); first: %s",
          m.version, content_problems_count(&problems), line);
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_BUNDLE,
               "bundle %s fails the content check (%zu problems)", m.version,
               content_problems_count(&problems));
    err = err == KERR_NOMEM ? err : KERR_INVALID;
    goto out;
  }
  content_destroy(loaded);
  loaded = NULL;

  /* Switch: staging -> <version>, then current.new -> current. */
  rm_at(cfd, final_name, 0); /* left by a sync that died before switching */
  if (renameat(cfd, stage_name, cfd, final_name) != 0 || fsync(cfd) != 0 ||
      symlinkat(final_name, cfd, "current.new") != 0 ||
      renameat(cfd, "current.new", cfd, "current") != 0 || fsync(cfd) != 0) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_DISK,
               "cannot switch to %s: %s", m.version, strerror(errno));
    err = KERR_IO;
    goto out;
  }
  prune(cfd, final_name, cur_ver);
  if (snprintf(r->bundle_dir, sizeof r->bundle_dir, "%s/%s", content_dir,
               final_name) >= (int)sizeof r->bundle_dir)
    r->bundle_dir[0] = '\0'; /* cannot happen: staging fitted */
  set_result(r, CONTENT_SYNC_UPDATED, CONTENT_SYNC_R_NONE,
             "bundle %s installed (%zu files downloaded, %zu reused)",
             m.version, r->files_downloaded, r->files_reused);
  err = KERR_OK;
out:
  if (err && sfd >= 0)
    rm_at(cfd, stage_name, 0);
  if (sfd >= 0)
    close(sfd);
  if (lock_fd >= 0)
    close(lock_fd); /* releases the lock */
  if (cfd >= 0)
    close(cfd);
  content_destroy(loaded);
  content_problems_free(&problems);
  sync_manifest_free(&cur);
  sync_manifest_free(&m);
  return err;
}

static void log_result(const content_sync_result *r) {
  switch (r->outcome) {
  case CONTENT_SYNC_UPDATED:
    LOG_I(MOD, "%s", r->detail);
    break;
  case CONTENT_SYNC_UNCHANGED:
    LOG_D(MOD, "nothing new (%s): %s", content_sync_reason_str(r->reason),
          r->detail);
    break;
  case CONTENT_SYNC_REFUSED:
    LOG_W(MOD, "refused (%s): %s; the bundle in use stays",
          content_sync_reason_str(r->reason), r->detail);
    break;
  default:
    LOG_W(MOD, "not finished (%s): %s; will retry",
          content_sync_reason_str(r->reason), r->detail);
    break;
  }
}

/* Verifies the signature, then applies. */
static kerr verify_apply(content_sync *s, const char *mbytes, size_t mlen,
                         const unsigned char sig[BUNDLE_SIG_BYTES],
                         fetch_fn fetch, void *ud, content_sync_result *r) {
  size_t which = 0;
  if (bundle_sig_verify((const unsigned char *)mbytes, mlen, sig, s->keys,
                        s->n_keys, &which) != KERR_OK) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_SIGNATURE,
               "manifest signature verifies with none of the %zu trusted "
               "administrator keys (signed with another key, or altered)",
               s->n_keys);
    return KERR_CRYPTO;
  }
  LOG_D(MOD, "manifest signed by trusted key %zu", which);
  return apply(s, mbytes, mlen, sig, fetch, ud, r);
}

static kerr fetch_http(content_sync *s, void *ud, const sync_manifest_file *f,
                       unsigned char **data, content_sync_result *r) {
  char path[120];
  long status = 0;
  (void)ud;
  snprintf(path, sizeof path, "/v1/content/files/%s", f->sha);
  kerr err = request(s, path, NULL, NULL, 0, f->size, &status);
  if (err == KERR_LIMIT) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_FILE,
               "%s: the server sent more than the %zu bytes listed", f->path,
               f->size);
    return KERR_CRYPTO;
  }
  if (err == KERR_STATE) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_ABORTED, "aborted");
    return err;
  }
  if (err) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_NETWORK,
               "downloading %s: %s (%s)", f->path, kerr_str(err),
               http_last_error(s->http));
    return err == KERR_NOMEM ? err : KERR_NET;
  }
  if (status != 200) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_SERVER,
               "downloading %s: HTTP %ld", f->path, status);
    return KERR_BUSY;
  }
  if (s->resp.len != f->size) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_FILE,
               "%s: received %zu bytes, the manifest lists %zu (truncated)",
               f->path, s->resp.len, f->size);
    return KERR_CRYPTO;
  }
  *data = malloc(f->size ? f->size : 1);
  if (!*data)
    return KERR_NOMEM;
  memcpy(*data, s->resp.body, f->size);
  return KERR_OK;
}

static kerr need_kiosk_config(content_sync *s, content_sync_result *r) {
  if (!s->data_dir || !s->n_keys) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_NONE,
               "content sync needs data_dir and trusted keys");
    return KERR_INVALID;
  }
  return KERR_OK;
}

kerr content_sync_check(content_sync *s, content_sync_result *r) {
  char path[64];
  long status = 0;
  const char *m = NULL;
  size_t mlen = 0;
  unsigned char sig[BUNDLE_SIG_BYTES];
  char *body = NULL;
  kerr err;

  memset(r, 0, sizeof *r);
  if ((err = need_kiosk_config(s, r)))
    return err;
  if (!s->base_url || !s->region || !s->http) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_NONE,
               "content sync needs the backend and the region");
    return KERR_INVALID;
  }
  snprintf(path, sizeof path, "/v1/content/%s/manifest", s->region);
  err = request(s, path, s->etag[0] ? s->etag : NULL, NULL, 0, ANSWER_MAX,
             &status);
  if (err == KERR_STATE) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_ABORTED, "aborted");
    goto out;
  }
  if (err == KERR_LIMIT) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_MANIFEST,
               "manifest answer larger than %u bytes", ANSWER_MAX);
    err = KERR_INVALID;
    goto out;
  }
  if (err) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_NETWORK,
               "manifest: %s (%s)", kerr_str(err),
               http_last_error(s->http));
    goto out;
  }
  if (status == 304) {
    set_result(r, CONTENT_SYNC_UNCHANGED, CONTENT_SYNC_R_NOT_MODIFIED,
               "manifest not modified");
    goto out;
  }
  if (status == 404) {
    set_result(r, CONTENT_SYNC_UNCHANGED, CONTENT_SYNC_R_NOTHING,
               "nothing published for region %s", s->region);
    goto out;
  }
  if (status == 401 || status == 403) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_SERVER,
               "manifest: HTTP %ld (client certificate refused)", status);
    err = KERR_DENIED;
    goto out;
  }
  if (status != 200) {
    set_result(r, CONTENT_SYNC_FAILED, CONTENT_SYNC_R_SERVER,
               "manifest: HTTP %ld", status);
    err = KERR_BUSY;
    goto out;
  }
  /* Keep the answer: downloading files reuses the buffer. */
  body = malloc(s->resp.len + 1);
  if (!body) {
    err = KERR_NOMEM;
    goto out;
  }
  memcpy(body, s->resp.body, s->resp.len + 1);
  size_t body_len = s->resp.len;
  char etag[sizeof s->etag];
  snprintf(etag, sizeof etag, "%s", s->resp.etag);
  if (content_sync_split(body, body_len, &m, &mlen, sig) != KERR_OK) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_MANIFEST,
               "manifest answer is not {manifest, signature}");
    err = KERR_INVALID;
    goto out;
  }
  err = verify_apply(s, m, mlen, sig, fetch_http, NULL, r);
  /* Remember the ETag once this manifest has been dealt with for good, so
   * the next round is a 304; a file or network fault is retried. */
  if (r->outcome == CONTENT_SYNC_UPDATED || r->outcome == CONTENT_SYNC_UNCHANGED ||
      (r->outcome == CONTENT_SYNC_REFUSED && r->reason != CONTENT_SYNC_R_FILE &&
       r->reason != CONTENT_SYNC_R_BUNDLE))
    snprintf(s->etag, sizeof s->etag, "%s", etag);
out:
  free(body);
  log_result(r);
  return err;
}

static kerr fetch_dir(content_sync *s, void *ud, const sync_manifest_file *f,
                      unsigned char **data, content_sync_result *r) {
  char path[CONTENT_SYNC_PATH_MAX + CONTENT_MAX_PATH + 2];
  size_t n = 0;
  (void)s;
  snprintf(path, sizeof path, "%s/%s", (const char *)ud, f->path);
  kerr err = bundle_sig_read_file(path, f->size, data, &n);
  if (err == KERR_LIMIT || (!err && n != f->size)) {
    free(*data);
    *data = NULL;
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_FILE,
               "%s: size differs from the manifest's %zu bytes", f->path,
               f->size);
    return KERR_CRYPTO;
  }
  if (err) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_FILE,
               "%s: cannot be read (%s)", f->path, kerr_str(err));
    return err == KERR_NOMEM ? err : KERR_CRYPTO;
  }
  return KERR_OK;
}

kerr content_sync_install_dir(content_sync *s, const char *src_dir,
                              content_sync_result *r) {
  char mp[CONTENT_SYNC_PATH_MAX], sp[CONTENT_SYNC_PATH_MAX];
  unsigned char *m = NULL, *sig = NULL;
  size_t mlen = 0, slen = 0;
  kerr err;

  memset(r, 0, sizeof *r);
  if ((err = need_kiosk_config(s, r)))
    return err;
  snprintf(mp, sizeof mp, "%s/manifest.json", src_dir);
  snprintf(sp, sizeof sp, "%s/manifest.sig", src_dir);
  if ((err = bundle_sig_read_file(mp, CONTENT_MAX_MANIFEST_BYTES, &m, &mlen)) ||
      (err = bundle_sig_read_file(sp, BUNDLE_SIG_BYTES, &sig, &slen)) ||
      slen != BUNDLE_SIG_BYTES) {
    set_result(r, CONTENT_SYNC_REFUSED, CONTENT_SYNC_R_SIGNATURE,
               "%s has no readable manifest.json and 64-byte manifest.sig",
               src_dir);
    err = KERR_CRYPTO;
    goto out;
  }
  err = verify_apply(s, (const char *)m, mlen, sig, fetch_dir, (void *)src_dir,
                     r);
out:
  free(m);
  free(sig);
  log_result(r);
  return err;
}
