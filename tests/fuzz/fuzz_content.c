/* Fuzz target: a content bundle upload, POST /v1/content, as kiosk-server
 * checks it (content_publish_parse in server/content.c) against a fixed
 * administrator key. The first byte picks the mode:
 *   even  the rest is the request body as sent (the signature will rarely
 *         verify, so this reaches the envelope checks);
 *   odd   the rest is "MANIFEST\xffFILE\xffFILE...": the target signs the
 *         manifest with the administrator key and builds the body with each
 *         file's sha256 and base64 data, so the manifest and file checks
 *         behind the signature are reached too. (0xff never occurs in UTF-8,
 *         so it cannot be part of a valid manifest.)
 * An accepted publication must list each file it carries with its size. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "content.h"
#include "fuzz/fuzz_target.h"
#include "reqjson.h"

static unsigned char admin_pk[32], admin_sk[64];

static char *b64(const unsigned char *p, size_t n) {
  size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
  char *s = malloc(cap);
  if (s)
    sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
  return s;
}

/* Appends to a growing string; returns 0 on failure (s freed). */
static int cat(char **s, size_t *len, size_t *cap, const char *add) {
  size_t n = strlen(add);
  if (*len + n + 1 > *cap) {
    size_t c = (*len + n + 1) * 2;
    char *p = realloc(*s, c);
    if (!p) {
      free(*s);
      *s = NULL;
      return 0;
    }
    *s = p;
    *cap = c;
  }
  memcpy(*s + *len, add, n + 1);
  *len += n;
  return 1;
}

/* Builds a signed request body from "MANIFEST\xffFILE\xff...". */
static char *signed_body(const unsigned char *d, size_t n) {
  const unsigned char *end = d + n;
  const unsigned char *sep = memchr(d, 0xff, n);
  size_t mlen = sep ? (size_t)(sep - d) : n;
  unsigned char sig[64];
  crypto_sign_detached(sig, NULL, d, mlen, admin_sk);
  char *mb = b64(d, mlen), *sb = b64(sig, sizeof sig);
  char *s = NULL;
  size_t len = 0, cap = 0;
  int ok = mb && sb && cat(&s, &len, &cap, "{\"manifest\":\"") &&
           cat(&s, &len, &cap, mb) &&
           cat(&s, &len, &cap, "\",\"signature\":\"") &&
           cat(&s, &len, &cap, sb) && cat(&s, &len, &cap, "\"");
  free(mb);
  free(sb);
  if (ok && sep) {
    ok = cat(&s, &len, &cap, ",\"files\":[");
    const unsigned char *p = sep + 1;
    for (int first = 1; ok && p <= end; first = 0) {
      const unsigned char *q = memchr(p, 0xff, (size_t)(end - p));
      size_t flen = q ? (size_t)(q - p) : (size_t)(end - p);
      unsigned char md[32];
      char hex[65];
      crypto_hash_sha256(md, p, flen);
      sodium_bin2hex(hex, sizeof hex, md, sizeof md);
      char *fb = b64(p, flen);
      ok = fb && cat(&s, &len, &cap, first ? "{\"sha256\":\"" :
                                              ",{\"sha256\":\"") &&
           cat(&s, &len, &cap, hex) &&
           cat(&s, &len, &cap, "\",\"data\":\"") &&
           cat(&s, &len, &cap, fb) && cat(&s, &len, &cap, "\"}");
      free(fb);
      if (!q)
        break;
      p = q + 1;
    }
    ok = ok && cat(&s, &len, &cap, "]");
  }
  ok = ok && cat(&s, &len, &cap, "}");
  if (!ok) {
    free(s);
    return NULL;
  }
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int init;
  char msg[REQJSON_MSG_MAX];
  if (!init) {
    unsigned char seed[32] = {0};
    if (sodium_init() < 0)
      abort();
    memcpy(seed, "kiosk content fuzz admin key", 28);
    crypto_sign_seed_keypair(admin_pk, admin_sk, seed);
    init = 1;
  }
  if (size < 1)
    return 0;
  char *built = NULL;
  const char *body = (const char *)data + 1;
  size_t n = size - 1;
  if (data[0] & 1) {
    built = signed_body(data + 1, size - 1);
    if (!built)
      return 0;
    body = built;
    n = strlen(built);
  }
  content_publish p;
  msg[0] = '\0';
  kerr err = content_publish_parse(body, n, admin_pk, 1, &p, msg, sizeof msg);
  if (err == KERR_OK) {
    if (!p.m.manifest || strlen(p.m.region) != 6 || !p.m.version[0] ||
        strlen(p.m.etag) != 64)
      __builtin_trap();
    for (size_t i = 0; i < p.n_files; i++) {
      int listed = 0;
      for (size_t k = 0; k < p.n_listed; k++)
        listed |= strcmp(p.listed[k].sha256, p.files[i].sha256) == 0 &&
                  p.listed[k].size == (double)p.files[i].size;
      if (!listed || !content_sha256_ok(p.files[i].sha256))
        __builtin_trap();
    }
  } else if (!msg[0] || p.manifest_buf || p.files || p.listed) {
    __builtin_trap();
  }
  content_publish_free(&p);
  free(built);
  return 0;
}
