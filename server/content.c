/* content: see content.h. The manifest is kept as the exact signed bytes;
 * it is parsed here only to learn its region, version and file list. */
#include "content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "reqjson.h"

int content_sha256_ok(const char *s) {
  return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static kerr b64_decode(const char *in, size_t max, unsigned char **out,
                       size_t *n) {
  size_t len = strlen(in);
  size_t cap = len / 4 * 3 + 3;
  if (len / 4 * 3 > max + 2) /* up to 2 bytes of padding */
    return KERR_LIMIT;
  *out = malloc(cap ? cap : 1);
  if (!*out)
    return KERR_NOMEM;
  if (sodium_base642bin(*out, cap, in, len, NULL, n, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      *n > max) {
    free(*out);
    *out = NULL;
    return KERR_INVALID;
  }
  return KERR_OK;
}

static kerr manifest_check(content_publish *p, char *msg, size_t msgcap) {
  cJSON *j = NULL;
  kerr err = reqjson_parse((const char *)p->manifest_buf, p->m.manifest_len, 8,
                           &j, msg, msgcap);
  if (err)
    return err;
  err = KERR_INVALID;
  if (!cJSON_IsObject(j)) {
    snprintf(msg, msgcap, "manifest must be a JSON object");
    goto out;
  }
  const char *v = reqjson_str(j, "version", STORE_VERSION_MAX,
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                              "vwxyz0123456789.-_+",
                              msg, msgcap);
  /* The bundle format (docs/content.md) gives the region as an object
   * {"code": "140500", "name": "晋城市"}; a bare code string is accepted
   * too. */
  const cJSON *ro = cJSON_GetObjectItemCaseSensitive(j, "region");
  const cJSON *rc = cJSON_IsObject(ro) ? ro : j;
  const char *r = v ? reqjson_str(rc, cJSON_IsObject(ro) ? "code" : "region",
                                  STORE_REGION_MAX, "0123456789", msg, msgcap)
                    : NULL;
  if (!v || !r)
    goto out;
  if (!*v || strlen(r) != 6) {
    snprintf(msg, msgcap, "manifest needs a version and a 6-digit region");
    goto out;
  }
  snprintf(p->m.version, sizeof p->m.version, "%s", v);
  snprintf(p->m.region, sizeof p->m.region, "%s", r);
  const cJSON *files = cJSON_GetObjectItemCaseSensitive(j, "files");
  int nf = cJSON_GetArraySize(files);
  if (!cJSON_IsArray(files) || nf > CONTENT_FILES_MAX) {
    snprintf(msg, msgcap, "manifest files must be an array of at most %d",
             CONTENT_FILES_MAX);
    goto out;
  }
  p->listed = calloc(nf ? (size_t)nf : 1, sizeof *p->listed);
  if (!p->listed) {
    err = KERR_NOMEM;
    goto out;
  }
  const cJSON *f;
  cJSON_ArrayForEach(f, files) {
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(f, "path");
    const cJSON *sha = cJSON_GetObjectItemCaseSensitive(f, "sha256");
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(f, "size");
    if (!cJSON_IsObject(f) || !cJSON_IsString(path) || !cJSON_IsString(sha) ||
        !cJSON_IsNumber(size) || strlen(path->valuestring) == 0 ||
        strlen(path->valuestring) > CONTENT_PATH_MAX ||
        !content_sha256_ok(sha->valuestring) || size->valuedouble < 0) {
      snprintf(msg, msgcap,
               "each manifest file needs a path, a hex sha256 and a size");
      goto out;
    }
    memcpy(p->listed[p->n_listed].sha256, sha->valuestring, 65);
    p->listed[p->n_listed++].size = size->valuedouble;
  }
  err = KERR_OK;
out:
  cJSON_Delete(j);
  return err;
}

/* The size the manifest gives for sha, or -1 if it does not list it. */
static double manifest_size(const content_publish *p, const char *sha) {
  for (size_t i = 0; i < p->n_listed; i++)
    if (strcmp(p->listed[i].sha256, sha) == 0)
      return p->listed[i].size;
  return -1;
}

kerr content_publish_parse(const char *body, size_t n,
                           const unsigned char *admin_pub, size_t n_keys,
                           content_publish *out, char *msg, size_t msgcap) {
  static const char *const keys[] = {"manifest", "signature", "files", NULL};
  cJSON *j = NULL;
  unsigned char *sig = NULL;
  size_t sig_len = 0;
  kerr err;
  memset(out, 0, sizeof *out);
  if ((err = reqjson_parse(body, n, 4, &j, msg, msgcap)))
    goto out;
  if ((err = reqjson_keys(j, keys, msg, msgcap)))
    goto out;
  err = KERR_INVALID;
  const cJSON *mv = cJSON_GetObjectItemCaseSensitive(j, "manifest");
  const cJSON *sv = cJSON_GetObjectItemCaseSensitive(j, "signature");
  const cJSON *fv = cJSON_GetObjectItemCaseSensitive(j, "files");
  if (!cJSON_IsString(mv) || !cJSON_IsString(sv)) {
    snprintf(msg, msgcap, "manifest and signature must be base64 strings");
    goto out;
  }
  if (fv && !cJSON_IsArray(fv)) {
    snprintf(msg, msgcap, "files must be an array");
    goto out;
  }
  if ((err = b64_decode(mv->valuestring, CONTENT_MANIFEST_MAX,
                        &out->manifest_buf, &out->m.manifest_len))) {
    snprintf(msg, msgcap, "manifest is not base64 or is too large");
    goto out;
  }
  out->m.manifest = out->manifest_buf;
  if ((err = b64_decode(sv->valuestring, 64, &sig, &sig_len)) ||
      sig_len != 64) {
    snprintf(msg, msgcap, "signature must be base64 of 64 bytes");
    err = KERR_INVALID;
    goto out;
  }
  memcpy(out->m.signature, sig, 64);
  size_t k = 0;
  while (k < n_keys &&
         crypto_sign_verify_detached(sig, out->manifest_buf,
                                     out->m.manifest_len,
                                     admin_pub + 32 * k) != 0)
    k++;
  if (k == n_keys) {
    snprintf(msg, msgcap, "the manifest signature does not verify against "
                          "the administrator key");
    err = KERR_CRYPTO;
    goto out;
  }
  if ((err = manifest_check(out, msg, msgcap)))
    goto out;
  {
    unsigned char md[32];
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, out->manifest_buf, out->m.manifest_len);
    crypto_hash_sha256_update(&h, out->m.signature, 64);
    crypto_hash_sha256_final(&h, md);
    sodium_bin2hex(out->m.etag, sizeof out->m.etag, md, sizeof md);
  }
  int nf = cJSON_GetArraySize(fv);
  if (nf > CONTENT_FILES_MAX) {
    snprintf(msg, msgcap, "too many files");
    err = KERR_LIMIT;
    goto out;
  }
  out->files = calloc(nf ? (size_t)nf : 1, sizeof *out->files);
  out->file_bufs = calloc(nf ? (size_t)nf : 1, sizeof *out->file_bufs);
  if (!out->files || !out->file_bufs) {
    err = KERR_NOMEM;
    goto out;
  }
  const cJSON *f;
  err = KERR_INVALID;
  cJSON_ArrayForEach(f, fv) {
    static const char *const fkeys[] = {"sha256", "data", NULL};
    store_file *sf = &out->files[out->n_files];
    if (reqjson_keys(f, fkeys, msg, msgcap))
      goto out;
    const char *sha = reqjson_str(f, "sha256", 64, "0123456789abcdef", msg,
                                  msgcap);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(f, "data");
    if (!sha || !content_sha256_ok(sha) || !cJSON_IsString(data)) {
      snprintf(msg, msgcap, "each file needs a hex sha256 and base64 data");
      goto out;
    }
    unsigned char *buf = NULL;
    size_t len = 0;
    if (b64_decode(data->valuestring, 64u * 1024 * 1024, &buf, &len)) {
      snprintf(msg, msgcap, "file data is not base64");
      goto out;
    }
    out->file_bufs[out->n_files++] = buf;
    unsigned char md[32];
    char hex[65];
    crypto_hash_sha256(md, buf, len);
    sodium_bin2hex(hex, sizeof hex, md, sizeof md);
    if (strcmp(hex, sha) != 0) {
      snprintf(msg, msgcap, "a file's bytes do not match its sha256");
      goto out;
    }
    double want = manifest_size(out, sha);
    if (want < 0) {
      snprintf(msg, msgcap, "a file sent is not listed in the manifest");
      goto out;
    }
    if (want != (double)len) {
      snprintf(msg, msgcap, "a file's size differs from the manifest");
      goto out;
    }
    memcpy(sf->sha256, hex, 65);
    sf->data = buf;
    sf->size = len;
  }
  err = KERR_OK;
out:
  free(sig);
  cJSON_Delete(j);
  if (err)
    content_publish_free(out);
  return err;
}

void content_publish_free(content_publish *p) {
  if (!p)
    return;
  for (size_t i = 0; p->file_bufs && i < p->n_files; i++)
    free(p->file_bufs[i]);
  free(p->file_bufs);
  free(p->files);
  free(p->listed);
  free(p->manifest_buf);
  memset(p, 0, sizeof *p);
}

kerr content_region_file(store *st, const char *region, const char *path,
                         size_t max, unsigned char **data, size_t *len) {
  store_manifest m;
  unsigned char *mbuf = NULL;
  cJSON *j = NULL;
  *data = NULL;
  *len = 0;
  kerr err = store_content_manifest(st, region, &m, &mbuf);
  if (err)
    return err;
  j = cJSON_ParseWithLength((const char *)m.manifest, m.manifest_len);
  const cJSON *f, *sha = NULL;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(j, "files")) {
    const char *p =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "path"));
    if (p && strcmp(p, path) == 0) {
      sha = cJSON_GetObjectItemCaseSensitive(f, "sha256");
      break;
    }
  }
  if (!cJSON_IsString(sha) || !content_sha256_ok(sha->valuestring)) {
    err = KERR_NOTFOUND;
    goto out;
  }
  err = store_file_get(st, sha->valuestring, data, len);
  if (!err && *len > max) {
    free(*data);
    *data = NULL;
    *len = 0;
    err = KERR_LIMIT;
  }
out:
  cJSON_Delete(j);
  free(mbuf);
  return err;
}
