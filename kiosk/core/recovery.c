/* recovery: see recovery.h.
 *
 * File layout (all integers little-endian):
 *   "KREC1\n"            6 bytes magic
 *   saved_s              8 bytes, signed seconds
 *   len                  4 bytes
 *   check               32 bytes BLAKE2b-256 over saved_s, len and data
 *   data               len bytes
 * The temporary file is "<name>.tmp" in the same directory, so rename()
 * is atomic on the same file system. */
#include "core/recovery.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <sodium.h>

#include "core/log.h"
#include "core/session.h"

#define MAGIC "KREC1\n"
#define MAGIC_LEN 6
#define HEADER_LEN (MAGIC_LEN + 8 + 4 + 32)
#define FS_TMPFS 0x01021994L
#define FS_RAMFS 0x858458f6L

struct recovery {
  char dir[RECOVERY_MAX_PATH];
  char path[RECOVERY_MAX_PATH];
  char tmp[RECOVERY_MAX_PATH];
  int64_t max_age_s;
};

/* KERR_OK if dir is on tmpfs/ramfs. */
static kerr ram_backed(const char *dir) {
  struct statfs st;
  struct stat sb;
  if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || statfs(dir, &st) != 0)
    return KERR_IO;
  if ((long)st.f_type != FS_TMPFS && (long)st.f_type != FS_RAMFS)
    return KERR_DENIED;
  return KERR_OK;
}

kerr recovery_create(const recovery_config *cfg, recovery **out) {
  *out = NULL;
  const char *dir = cfg && cfg->dir ? cfg->dir : RECOVERY_DEFAULT_DIR;
  const char *name = cfg && cfg->name ? cfg->name : RECOVERY_DEFAULT_NAME;
  if (!*name || strchr(name, '/') || name[0] == '.' || strlen(name) > 100)
    return KERR_INVALID;
  if (sodium_init() < 0)
    return KERR_INTERNAL;
  recovery *r = calloc(1, sizeof *r);
  if (!r)
    return KERR_NOMEM;
  int a = snprintf(r->dir, sizeof r->dir, "%s", dir);
  int b = snprintf(r->path, sizeof r->path, "%s/%s", dir, name);
  int c = snprintf(r->tmp, sizeof r->tmp, "%s/%s.tmp", dir, name);
  if (a < 0 || b < 0 || c < 0 || (size_t)c >= sizeof r->tmp) {
    free(r);
    return KERR_INVALID;
  }
  r->max_age_s = cfg && cfg->max_age_s > 0 ? cfg->max_age_s
                                           : RECOVERY_DEFAULT_MAX_AGE_S;
  kerr e = ram_backed(r->dir);
  if (e) {
    LOG_W("recovery", "refusing %s: %s", r->dir,
          e == KERR_DENIED ? "not on tmpfs or ramfs" : "cannot examine it");
    free(r);
    return e;
  }
  *out = r;
  return KERR_OK;
}

void recovery_destroy(recovery *r) { free(r); }

const char *recovery_path(const recovery *r) { return r->path; }

static void put64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static void put32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++)
    v |= (uint32_t)p[i] << (8 * i);
  return v;
}

static void check_of(const unsigned char *stamp12, const void *data,
                     size_t len, unsigned char out[32]) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, NULL, 0, 32);
  crypto_generichash_update(&st, stamp12, 12);
  crypto_generichash_update(&st, data, len);
  crypto_generichash_final(&st, out, 32);
}

static int write_all(int fd, const void *p, size_t n) {
  const unsigned char *b = p;
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    b += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Overwrites a regular file with zeros and unlinks it. */
static kerr wipe_file(const char *path) {
  int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? KERR_OK
           : unlink(path) == 0 || errno == ENOENT ? KERR_OK
                                                  : KERR_IO;
  struct stat sb;
  if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
    static const unsigned char zeros[4096];
    off_t left = sb.st_size;
    while (left > 0) {
      size_t n = left > (off_t)sizeof zeros ? sizeof zeros : (size_t)left;
      if (write_all(fd, zeros, n))
        break;
      left -= (off_t)n;
    }
    fdatasync(fd);
  }
  close(fd);
  return unlink(path) == 0 || errno == ENOENT ? KERR_OK : KERR_IO;
}

kerr recovery_save(recovery *r, const void *data, size_t len, int64_t now_s) {
  if (len > RECOVERY_MAX_BYTES)
    return KERR_LIMIT;
  kerr e = ram_backed(r->dir);
  if (e)
    return e == KERR_DENIED ? KERR_DENIED : KERR_IO;
  unsigned char head[HEADER_LEN];
  memcpy(head, MAGIC, MAGIC_LEN);
  put64(head + MAGIC_LEN, (uint64_t)now_s);
  put32(head + MAGIC_LEN + 8, (uint32_t)len);
  check_of(head + MAGIC_LEN, data, len, head + MAGIC_LEN + 12);
  int fd = open(r->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                0600);
  if (fd < 0)
    return KERR_IO;
  int bad = write_all(fd, head, HEADER_LEN) || write_all(fd, data, len);
  int full = bad && errno == ENOSPC;
  bad |= close(fd) != 0;
  if (bad || rename(r->tmp, r->path) != 0) {
    wipe_file(r->tmp);
    return full ? KERR_FULL : KERR_IO;
  }
  return KERR_OK;
}

kerr recovery_load(recovery *r, int64_t now_s, char **data, size_t *len,
                   int64_t *saved_s) {
  *data = NULL;
  *len = 0;
  int fd = open(r->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? KERR_NOTFOUND : KERR_IO;
  struct stat sb;
  unsigned char head[HEADER_LEN];
  char *buf = NULL;
  size_t n = 0;
  kerr e = KERR_CRYPTO;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < HEADER_LEN ||
      (uint64_t)sb.st_size > RECOVERY_MAX_BYTES + HEADER_LEN ||
      read(fd, head, HEADER_LEN) != HEADER_LEN ||
      memcmp(head, MAGIC, MAGIC_LEN) != 0)
    goto out;
  int64_t at = (int64_t)get64(head + MAGIC_LEN);
  uint64_t want = get32(head + MAGIC_LEN + 8);
  if (want != (uint64_t)sb.st_size - HEADER_LEN)
    goto out;
  n = (size_t)want;
  buf = malloc(n + 1);
  if (!buf) {
    e = KERR_NOMEM;
    goto out;
  }
  size_t got = 0;
  while (got < n) {
    ssize_t k = read(fd, buf + got, n - got);
    if (k <= 0)
      break;
    got += (size_t)k;
  }
  unsigned char check[32];
  check_of(head + MAGIC_LEN, buf, got, check);
  if (got != n || sodium_memcmp(check, head + MAGIC_LEN + 12, 32) != 0)
    goto out;
  if (at > now_s + 60 || now_s - at > r->max_age_s) {
    e = KERR_STATE;
    goto out;
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  if (saved_s)
    *saved_s = at;
  buf = NULL;
  e = KERR_OK;
out:
  close(fd);
  if (buf) {
    session_wipe_bytes(buf, n + 1);
    free(buf);
  }
  if (e == KERR_CRYPTO || e == KERR_STATE) {
    LOG_I("recovery", "discarding the recovery point (%s)",
          e == KERR_STATE ? "expired" : "damaged");
    wipe_file(r->path);
  }
  return e;
}

void recovery_data_free(char *data, size_t len) {
  if (!data)
    return;
  session_wipe_bytes(data, len + 1);
  free(data);
}

kerr recovery_wipe(recovery *r) {
  kerr a = wipe_file(r->tmp);
  kerr b = wipe_file(r->path);
  return a ? a : b;
}

void recovery_wipe_cb(void *ud) {
  if (ud && recovery_wipe(ud))
    LOG_W("recovery", "could not remove the recovery point");
}
