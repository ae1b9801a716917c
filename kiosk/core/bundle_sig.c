/* bundle_sig: see bundle_sig.h.
 *
 * Invariants: every file is opened with O_NOFOLLOW, must be a regular file
 * and is read up to a fixed cap; secret key material lives only in buffers
 * that are wiped before they are freed; manifest.sig is replaced by rename,
 * never rewritten in place. */
#include "core/bundle_sig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/content.h"
#include "core/log.h"

#define PATH_CAP 4096

kerr bundle_sig_read_file(const char *path, size_t max, unsigned char **data,
                          size_t *len) {
  kerr err = KERR_OK;
  unsigned char *buf = NULL;
  size_t n = 0;
  struct stat st;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

  *data = NULL;
  *len = 0;
  if (fd < 0)
    return errno == ENOENT ? KERR_NOTFOUND : KERR_IO;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    err = KERR_IO;
    goto out;
  }
  if ((unsigned long long)st.st_size > max) {
    err = KERR_LIMIT;
    goto out;
  }
  buf = malloc(max + 1);
  if (!buf) {
    err = KERR_NOMEM;
    goto out;
  }
  for (;;) { /* read to EOF: the file may have grown since fstat */
    ssize_t r = read(fd, buf + n, max + 1 - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      err = KERR_IO;
      goto out;
    }
    if (r == 0)
      break;
    n += (size_t)r;
    if (n > max) {
      err = KERR_LIMIT;
      goto out;
    }
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  buf = NULL;
out:
  if (buf) {
    sodium_memzero(buf, max + 1);
    free(buf);
  }
  close(fd);
  return err;
}

/* Decodes base64 text (white space around it ignored) into exactly want
 * bytes. */
static kerr b64_exact(const char *txt, size_t n, unsigned char *out,
                      size_t want) {
  size_t got = 0;
  while (n > 0 && strchr(" \t\r\n", txt[n - 1]))
    n--;
  while (n > 0 && strchr(" \t\r\n", txt[0])) {
    txt++;
    n--;
  }
  if (n == 0 || sodium_base642bin(out, want, txt, n, NULL, &got, NULL,
                                  sodium_base64_VARIANT_ORIGINAL) != 0 ||
      got != want)
    return KERR_INVALID;
  return KERR_OK;
}

kerr bundle_sig_key_parse(const char *b64, bundle_sig_key *out) {
  if (!b64 || !out)
    return KERR_INVALID;
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  return b64_exact(b64, strlen(b64), out->pk, sizeof out->pk);
}

kerr bundle_sig_keys_parse(const char *list, bundle_sig_key *keys, size_t cap,
                           size_t *n) {
  char one[128];
  size_t count = 0;

  *n = 0;
  if (!list)
    return KERR_INVALID;
  if (cap > BUNDLE_SIG_MAX_KEYS)
    cap = BUNDLE_SIG_MAX_KEYS;
  const char *p = list;
  for (;;) {
    p += strspn(p, ", \t\r\n");
    if (!*p)
      break;
    size_t len = strcspn(p, ", \t\r\n");
    if (len >= sizeof one)
      return KERR_INVALID;
    if (count == cap)
      return KERR_LIMIT;
    memcpy(one, p, len);
    one[len] = '\0';
    kerr err = bundle_sig_key_parse(one, &keys[count]);
    if (err)
      return err;
    count++;
    p += len;
  }
  if (count == 0)
    return KERR_INVALID;
  *n = count;
  return KERR_OK;
}

kerr bundle_sig_key_load(const char *path, bundle_sig_key *out) {
  unsigned char *txt = NULL;
  size_t n = 0;
  kerr err = bundle_sig_read_file(path, BUNDLE_SIG_KEY_FILE_MAX, &txt, &n);
  if (err)
    return err;
  if (sodium_init() < 0)
    err = KERR_CRYPTO;
  else
    err = b64_exact((const char *)txt, n, out->pk, sizeof out->pk);
  free(txt);
  return err;
}

kerr bundle_sig_secret_load(const char *path,
                            unsigned char sk[BUNDLE_SIG_SECRET_BYTES]) {
  unsigned char *txt = NULL;
  size_t n = 0;
  unsigned char seed[crypto_sign_SEEDBYTES];
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char check[crypto_sign_SECRETKEYBYTES];
  kerr err = bundle_sig_read_file(path, BUNDLE_SIG_KEY_FILE_MAX, &txt, &n);
  if (err)
    return err;
  if (sodium_init() < 0) {
    err = KERR_CRYPTO;
    goto out;
  }
  if ((err = b64_exact((const char *)txt, n, sk, BUNDLE_SIG_SECRET_BYTES)))
    goto out;
  /* The public half must belong to the seed, or every signature made with
   * it would be refused by the kiosks. */
  crypto_sign_ed25519_sk_to_seed(seed, sk);
  crypto_sign_seed_keypair(pk, check, seed);
  if (sodium_memcmp(check, sk, sizeof check) != 0)
    err = KERR_INVALID;
out:
  sodium_memzero(seed, sizeof seed);
  sodium_memzero(check, sizeof check);
  if (err)
    sodium_memzero(sk, BUNDLE_SIG_SECRET_BYTES);
  if (txt) {
    sodium_memzero(txt, n);
    free(txt);
  }
  return err;
}

/* fsyncs the folder holding path (after a create or rename in it). */
static kerr sync_parent(const char *path) {
  char dir[PATH_CAP];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash == dir)
    slash[1] = '\0';
  else if (slash)
    *slash = '\0';
  else
    snprintf(dir, sizeof dir, ".");
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return KERR_IO;
  int rc = fsync(fd);
  close(fd);
  return rc == 0 ? KERR_OK : KERR_IO;
}

/* Writes all of buf to a new file (O_EXCL) with mode and fsyncs it. */
static kerr write_new(const char *path, const void *buf, size_t n, int mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                mode);
  if (fd < 0)
    return errno == EEXIST ? KERR_STATE : KERR_IO;
  kerr err = KERR_OK;
  const unsigned char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      err = KERR_IO;
      break;
    }
    p += w;
    n -= (size_t)w;
  }
  if (!err && fsync(fd) != 0)
    err = KERR_IO;
  if (close(fd) != 0 && !err)
    err = KERR_IO;
  if (err)
    unlink(path);
  return err;
}

/* Base64 of key plus a newline, written as a new file. */
static kerr write_key(const char *path, const unsigned char *key, size_t n,
                      int mode) {
  char b64[sodium_base64_ENCODED_LEN(BUNDLE_SIG_SECRET_BYTES,
                                     sodium_base64_VARIANT_ORIGINAL) + 1];
  sodium_bin2base64(b64, sizeof b64 - 1, key, n,
                    sodium_base64_VARIANT_ORIGINAL);
  size_t len = strlen(b64);
  b64[len++] = '\n';
  kerr err = write_new(path, b64, len, mode);
  sodium_memzero(b64, sizeof b64);
  return err;
}

kerr bundle_sig_keygen(const char *dir, bundle_sig_key *pub) {
  char pub_path[PATH_CAP], sec_path[PATH_CAP];
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  struct stat st;
  kerr err;

  if (snprintf(pub_path, sizeof pub_path, "%s/admin.pub", dir) >=
          (int)sizeof pub_path ||
      snprintf(sec_path, sizeof sec_path, "%s/admin.key", dir) >=
          (int)sizeof sec_path)
    return KERR_LIMIT;
  if (lstat(pub_path, &st) == 0 || lstat(sec_path, &st) == 0)
    return KERR_STATE;
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  crypto_sign_keypair(pk, sk);
  /* The secret first: a public key without its secret is useless, and a
   * failure leaves nothing behind. */
  if ((err = write_key(sec_path, sk, sizeof sk, 0600)))
    goto out;
  if (chmod(sec_path, 0600) != 0) { /* whatever the umask was */
    err = KERR_IO;
    unlink(sec_path);
    goto out;
  }
  if ((err = write_key(pub_path, pk, sizeof pk, 0644))) {
    unlink(sec_path);
    goto out;
  }
  err = sync_parent(pub_path);
  if (!err && pub)
    memcpy(pub->pk, pk, sizeof pk);
out:
  sodium_memzero(sk, sizeof sk);
  return err;
}

kerr bundle_sig_sign(const unsigned char *manifest, size_t len,
                     const unsigned char sk[BUNDLE_SIG_SECRET_BYTES],
                     unsigned char sig[BUNDLE_SIG_BYTES]) {
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  if (crypto_sign_detached(sig, NULL, manifest, len, sk) != 0)
    return KERR_CRYPTO;
  return KERR_OK;
}

kerr bundle_sig_verify(const unsigned char *manifest, size_t len,
                       const unsigned char sig[BUNDLE_SIG_BYTES],
                       const bundle_sig_key *keys, size_t n, size_t *which) {
  if (n == 0 || !keys)
    return KERR_INVALID;
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  for (size_t i = 0; i < n; i++) {
    if (crypto_sign_verify_detached(sig, manifest, len, keys[i].pk) == 0) {
      if (which)
        *which = i;
      return KERR_OK;
    }
  }
  return KERR_CRYPTO;
}

kerr bundle_sig_sign_dir(const char *dir,
                         const unsigned char sk[BUNDLE_SIG_SECRET_BYTES]) {
  char mpath[PATH_CAP], spath[PATH_CAP], tpath[PATH_CAP];
  unsigned char *m = NULL;
  size_t mlen = 0;
  unsigned char sig[BUNDLE_SIG_BYTES];
  kerr err;

  if (snprintf(mpath, sizeof mpath, "%s/manifest.json", dir) >=
          (int)sizeof mpath ||
      snprintf(spath, sizeof spath, "%s/manifest.sig", dir) >=
          (int)sizeof spath ||
      snprintf(tpath, sizeof tpath, "%s/.manifest.sig.%ld", dir,
               (long)getpid()) >= (int)sizeof tpath)
    return KERR_LIMIT;
  if ((err = bundle_sig_read_file(mpath, CONTENT_MAX_MANIFEST_BYTES, &m,
                                  &mlen)))
    goto out;
  if ((err = bundle_sig_sign(m, mlen, sk, sig)))
    goto out;
  unlink(tpath);
  if ((err = write_new(tpath, sig, sizeof sig, 0644)))
    goto out;
  if (rename(tpath, spath) != 0) {
    unlink(tpath);
    err = KERR_IO;
    goto out;
  }
  err = sync_parent(spath);
out:
  free(m);
  return err;
}

kerr bundle_sig_verify_dir(const char *dir, const bundle_sig_key *keys,
                           size_t n, content_problems *problems) {
  char mpath[PATH_CAP], spath[PATH_CAP];
  unsigned char *m = NULL, *sig = NULL;
  size_t mlen = 0, slen = 0;
  kerr err;

  if (snprintf(mpath, sizeof mpath, "%s/manifest.json", dir) >=
          (int)sizeof mpath ||
      snprintf(spath, sizeof spath, "%s/manifest.sig", dir) >=
          (int)sizeof spath) {
    content_problems_add(problems, CONTENT_P_PATH, "", "",
                         "内容包文件夹的路径太长");
    return KERR_LIMIT;
  }
  if (n == 0) {
    content_problems_add(problems, CONTENT_P_VALUE, "manifest.sig", "",
                         "本机没有设置可信的管理员公钥，无法核对签名");
    return KERR_INVALID;
  }
  err = bundle_sig_read_file(mpath, CONTENT_MAX_MANIFEST_BYTES, &m, &mlen);
  if (err) {
    content_problems_add(problems,
                         err == KERR_NOTFOUND ? CONTENT_P_MISSING
                         : err == KERR_LIMIT  ? CONTENT_P_LIMIT
                                              : CONTENT_P_IO,
                         "manifest.json", "", "清单文件没有、太大或读不出来");
    goto out;
  }
  /* Read one byte more than a signature so a longer file is noticed. */
  err = bundle_sig_read_file(spath, BUNDLE_SIG_BYTES + 1, &sig, &slen);
  if (err == KERR_NOTFOUND) {
    content_problems_add(problems, CONTENT_P_MISSING, "manifest.sig", "",
                         "内容包没有签名（缺少 manifest.sig）；"
                         "请用 kioskctl content sign 签名后再发布");
    goto out;
  }
  if (err == KERR_LIMIT || (!err && slen != BUNDLE_SIG_BYTES)) {
    content_problems_add(problems, CONTENT_P_SIZE, "manifest.sig", "",
                         "签名文件应为 %d 字节，实际不是",
                         BUNDLE_SIG_BYTES);
    err = KERR_INVALID;
    goto out;
  }
  if (err) {
    content_problems_add(problems, CONTENT_P_IO, "manifest.sig", "",
                         "签名文件读不出来（或是符号链接）");
    goto out;
  }
  size_t which = 0;
  err = bundle_sig_verify(m, mlen, sig, keys, n, &which);
  if (err) {
    content_problems_add(problems, CONTENT_P_HASH, "manifest.sig", "",
                         "签名核对不上：不是用本机信任的管理员密钥签的，"
                         "或者签名后清单又被改过");
    LOG_W("bundle_sig", "%s: no trusted key (of %zu) verifies manifest.sig",
          dir, n);
    goto out;
  }
  LOG_D("bundle_sig", "%s: signature verified with trusted key %zu", dir,
        which);
out:
  free(m);
  free(sig);
  return err;
}
