/* publish_seed: puts a signed bundle folder into a kiosk-server database
 * through the server's own store interface (server/store.h), exactly as
 * POST /v1/content would store it — manifest bytes as signed, signature,
 * ETag = SHA-256(manifest || signature), files by SHA-256 — but without the
 * endpoint's checks, so tests can also play a server (or something in
 * between) that hands out a spoiled file:
 *
 *   publish_seed DB DIR [--tamper PATH | --truncate PATH]
 *
 * --tamper flips one bit of PATH's bytes, --truncate stores only half of
 * them; either way under the SHA-256 and size the manifest lists. Exit 0
 * stored, 1 refused by the store (e.g. 409: not newer), 2 usage or I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "store.h"

static unsigned char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc((size_t)len + 1);
  if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *n = (size_t)len;
  return b;
}

int main(int argc, char **argv) {
  const char *tamper = NULL, *truncate_path = NULL;
  if (argc == 5 && strcmp(argv[3], "--tamper") == 0)
    tamper = argv[4];
  else if (argc == 5 && strcmp(argv[3], "--truncate") == 0)
    truncate_path = argv[4];
  else if (argc != 3) {
    fprintf(stderr, "usage: publish_seed DB DIR [--tamper|--truncate PATH]\n");
    return 2;
  }
  if (sodium_init() < 0)
    return 2;
  char p[1024];
  size_t mlen = 0, slen = 0;
  snprintf(p, sizeof p, "%s/manifest.json", argv[2]);
  unsigned char *m = slurp(p, &mlen);
  snprintf(p, sizeof p, "%s/manifest.sig", argv[2]);
  unsigned char *sig = slurp(p, &slen);
  cJSON *j = m ? cJSON_ParseWithLength((const char *)m, mlen) : NULL;
  if (!m || !sig || slen != 64 || !j) {
    fprintf(stderr, "publish_seed: %s is not a signed bundle\n", argv[2]);
    return 2;
  }
  store_manifest sm;
  memset(&sm, 0, sizeof sm);
  snprintf(sm.region, sizeof sm.region, "%s",
           cJSON_GetStringValue(cJSON_GetObjectItem(
               cJSON_GetObjectItem(j, "region"), "code")));
  snprintf(sm.version, sizeof sm.version, "%s",
           cJSON_GetStringValue(cJSON_GetObjectItem(j, "version")));
  sm.manifest = m;
  sm.manifest_len = mlen;
  memcpy(sm.signature, sig, 64);
  unsigned char md[32];
  crypto_hash_sha256_state h;
  crypto_hash_sha256_init(&h);
  crypto_hash_sha256_update(&h, m, mlen);
  crypto_hash_sha256_update(&h, sig, 64);
  crypto_hash_sha256_final(&h, md);
  sodium_bin2hex(sm.etag, sizeof sm.etag, md, sizeof md);
  sm.published_at = 1795000000;

  const cJSON *files = cJSON_GetObjectItem(j, "files");
  size_t n = (size_t)cJSON_GetArraySize(files), k = 0;
  store_file *sf = calloc(n ? n : 1, sizeof *sf);
  unsigned char **bufs = calloc(n ? n : 1, sizeof *bufs);
  const cJSON *f;
  int rc = 0;
  cJSON_ArrayForEach(f, files) {
    const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(f, "path"));
    size_t len = 0;
    snprintf(p, sizeof p, "%s/%s", argv[2], path);
    bufs[k] = slurp(p, &len);
    if (!bufs[k]) {
      fprintf(stderr, "publish_seed: cannot read %s\n", p);
      return 2;
    }
    if (tamper && strcmp(path, tamper) == 0 && len > 10)
      bufs[k][len / 2] ^= 0x01;
    if (truncate_path && strcmp(path, truncate_path) == 0)
      len /= 2;
    snprintf(sf[k].sha256, sizeof sf[k].sha256, "%s",
             cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256")));
    sf[k].data = bufs[k];
    sf[k].size = len;
    k++;
  }
  store *st = NULL;
  kerr err = store_open(argv[1], 1, &st);
  int created = 0;
  if (!err)
    err = store_content_publish(st, &sm, sf, k, &created, NULL);
  if (err) {
    fprintf(stderr, "publish_seed: %s %s: %s\n", sm.region, sm.version,
            kerr_str(err));
    rc = err == KERR_CONFLICT ? 1 : 2;
  }
  store_destroy(st);
  for (size_t i = 0; i < k; i++)
    free(bufs[i]);
  free(bufs);
  free(sf);
  cJSON_Delete(j);
  free(m);
  free(sig);
  return rc;
}
