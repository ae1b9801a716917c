/* keys: see keys.h. Secrets are wiped from memory once written or used. */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

kerr keys_read_file(const char *path, size_t max, char **out, size_t *n) {
  kerr err = KERR_OK;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return errno == ENOENT ? KERR_NOTFOUND : KERR_IO;
  buf = malloc(max + 1);
  if (!buf) {
    err = KERR_NOMEM;
    goto out;
  }
  len = fread(buf, 1, max + 1, f);
  if (ferror(f)) {
    err = KERR_IO;
    goto out;
  }
  if (len > max) {
    err = KERR_LIMIT;
    goto out;
  }
  buf[len] = '\0';
  *out = buf;
  buf = NULL;
  if (n)
    *n = len;
out:
  free(buf);
  fclose(f);
  return err;
}

kerr keys_read_b64(const char *path, unsigned char *out, size_t len) {
  char *txt = NULL;
  size_t n = 0, got = 0;
  kerr err = keys_read_file(path, 4096, &txt, &n);
  if (err)
    return err;
  while (n > 0 && strchr(" \t\r\n", txt[n - 1]))
    txt[--n] = '\0';
  if (sodium_base642bin(out, len, txt, n, NULL, &got, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      got != len)
    err = KERR_INVALID;
  sodium_memzero(txt, n);
  free(txt);
  return err;
}

kerr keys_read_b64_list(const char *path, unsigned char *out, size_t len,
                        size_t max, size_t *n, struct stat *st) {
  enum { CAP = 8192 };
  char *txt = malloc(CAP + 1);
  size_t got = 0;
  kerr err = KERR_OK;
  *n = 0;
  if (!txt)
    return KERR_NOMEM;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    free(txt);
    return errno == ENOENT ? KERR_NOTFOUND : KERR_IO;
  }
  if (st && fstat(fd, st) != 0) {
    err = KERR_IO;
    goto out;
  }
  for (;;) {
    ssize_t r = read(fd, txt + got, CAP + 1 - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      err = KERR_IO;
      goto out;
    }
    if (r == 0 || (got += (size_t)r) > CAP)
      break;
  }
  if (got > CAP) {
    err = KERR_LIMIT;
    goto out;
  }
  txt[got] = '\0';
  for (char *line = txt, *next; line && !err; line = next) {
    size_t ll = strcspn(line, "\n"), k = 0;
    next = line[ll] ? line + ll + 1 : NULL;
    line[ll] = '\0';
    while (ll > 0 && strchr(" \t\r", line[ll - 1]))
      line[--ll] = '\0';
    line += strspn(line, " \t");
    if (!*line || *line == '#')
      continue;
    if (*n >= max)
      err = KERR_LIMIT;
    else if (sodium_base642bin(out + *n * len, len, line, strlen(line), NULL,
                               &k, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
             k != len)
      err = KERR_INVALID;
    else
      (*n)++;
  }
  if (!err && *n == 0)
    err = KERR_INVALID;
out:
  close(fd);
  free(txt);
  return err;
}

kerr keys_write_b64(const char *path, const unsigned char *key, size_t len,
                    int secret, int force) {
  size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
  char *b64 = malloc(cap + 1);
  kerr err = KERR_OK;
  int fd = -1;
  if (!b64)
    return KERR_NOMEM;
  sodium_bin2base64(b64, cap, key, len, sodium_base64_VARIANT_ORIGINAL);
  size_t bn = strlen(b64);
  b64[bn++] = '\n';
  int flags = O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL);
  fd = open(path, flags, secret ? 0600 : 0644);
  if (fd < 0) {
    err = errno == EEXIST ? KERR_STATE : KERR_IO;
    goto out;
  }
  if (write(fd, b64, bn) != (ssize_t)bn || fsync(fd) != 0)
    err = KERR_IO;
out:
  if (fd >= 0)
    close(fd);
  sodium_memzero(b64, cap + 1);
  free(b64);
  return err;
}

static kerr write_pair(const char *dir, const char *pub_name,
                       const unsigned char *pk, size_t pk_len,
                       const char *sec_name, const unsigned char *sk,
                       size_t sk_len, int force) {
  char pub[4096], sec[4096];
  struct stat st;
  if (snprintf(pub, sizeof pub, "%s/%s", dir, pub_name) >= (int)sizeof pub ||
      snprintf(sec, sizeof sec, "%s/%s", dir, sec_name) >= (int)sizeof sec)
    return KERR_LIMIT;
  /* Refuse before writing anything, so a half pair is never left behind. */
  if (!force && (stat(pub, &st) == 0 || stat(sec, &st) == 0))
    return KERR_STATE;
  kerr err = keys_write_b64(sec, sk, sk_len, 1, force);
  if (!err)
    err = keys_write_b64(pub, pk, pk_len, 0, force);
  return err;
}

kerr keys_gen_seal(const char *dir, int force) {
  unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  crypto_box_keypair(pk, sk);
  kerr err = write_pair(dir, "seal.pub", pk, sizeof pk, "seal.key", sk,
                        sizeof sk, force);
  sodium_memzero(sk, sizeof sk);
  return err;
}

kerr keys_gen_sign(const char *dir, int force) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  crypto_sign_keypair(pk, sk);
  kerr err = write_pair(dir, "admin.pub", pk, sizeof pk, "admin.key", sk,
                        sizeof sk, force);
  sodium_memzero(sk, sizeof sk);
  return err;
}

kerr keys_gen_check(const char *dir, int force) {
  char path[4096];
  unsigned char key[32];
  if (snprintf(path, sizeof path, "%s/check.key", dir) >= (int)sizeof path)
    return KERR_LIMIT;
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  randombytes_buf(key, sizeof key);
  kerr err = keys_write_b64(path, key, sizeof key, 1, force);
  sodium_memzero(key, sizeof key);
  return err;
}

kerr keys_check_key(const char *dir, unsigned char key[32], int *created,
                    int *narrowed) {
  char path[4096];
  struct stat st;
  *created = *narrowed = 0;
  if (snprintf(path, sizeof path, "%s/check.key", dir) >= (int)sizeof path)
    return KERR_LIMIT;
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  if (stat(path, &st) != 0) {
    if (errno != ENOENT)
      return KERR_IO;
    randombytes_buf(key, 32);
    kerr err = keys_write_b64(path, key, 32, 1, 0);
    if (err == KERR_STATE) /* made meanwhile: read that one */
      return keys_read_b64(path, key, 32);
    if (err)
      sodium_memzero(key, 32);
    else
      *created = 1;
    return err;
  }
  /* Group access is the deployment's choice (tmpfiles.d gives the
   * service's group read access to *.key); access for everyone is not. */
  if (st.st_mode & 007) {
    if (chmod(path, st.st_mode & 0750) != 0)
      return KERR_DENIED;
    *narrowed = 1;
  }
  return keys_read_b64(path, key, 32);
}
