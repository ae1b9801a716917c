/* sync_manifest: see sync_manifest.h. */
#include "sync_manifest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "core/json_limits.h"

#define PATH_LEVELS 4


static int path_ok(const char *path) {
  size_t n = strlen(path), levels = 1, part = 0;
  if (n == 0 || n > CONTENT_MAX_PATH || path[0] == '/' ||
      strcmp(path, "manifest.json") == 0 || strcmp(path, "manifest.sig") == 0)
    return 0;
  for (size_t i = 0; i <= n; i++) {
    char ch = path[i];
    if (ch == '/' || ch == '\0') {
      if (part == 0)
        return 0;
      if (ch == '/' && ++levels > PATH_LEVELS)
        return 0;
      part = 0;
      continue;
    }
    if (part == 0 && ch == '.')
      return 0;
    if (!(isalnum((unsigned char)ch) || ch == '.' || ch == '_' || ch == '-'))
      return 0;
    part++;
  }
  return 1;
}

static int sha_ok(const char *s) {
  return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

void sync_manifest_free(sync_manifest *m) {
  free(m->files);
  memset(m, 0, sizeof *m);
}

kerr sync_manifest_parse(const char *bytes, size_t n, sync_manifest *m,
                         char *why, size_t why_cap) {
  const json_limits lim = {CONTENT_MAX_MANIFEST_BYTES, CONTENT_MAX_DEPTH,
                           CONTENT_MAX_TEXT, 5000};
  cJSON *j = NULL;
  kerr err = KERR_INVALID;
  size_t total = 0;

  memset(m, 0, sizeof *m);
  if (json_limits_parse(bytes, n, &lim, &j, NULL) != KERR_OK) {
    snprintf(why, why_cap, "manifest is not valid JSON within limits");
    return KERR_INVALID;
  }
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(j, "format");
  const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "version");
  const cJSON *reg = cJSON_GetObjectItemCaseSensitive(j, "region");
  const cJSON *code = cJSON_GetObjectItemCaseSensitive(reg, "code");
  const cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "expires");
  const cJSON *files = cJSON_GetObjectItemCaseSensitive(j, "files");
  if (!cJSON_IsNumber(fmt) || fmt->valuedouble < 1 || fmt->valuedouble > 1e6) {
    snprintf(why, why_cap, "manifest has no valid format");
    goto out;
  }
  m->format = (long)fmt->valuedouble;
  if (!cJSON_IsString(ver) || strlen(ver->valuestring) >= sizeof m->version ||
      !content_version_valid(ver->valuestring)) {
    snprintf(why, why_cap, "manifest has no valid version");
    goto out;
  }
  snprintf(m->version, sizeof m->version, "%s", ver->valuestring);
  if (!cJSON_IsString(code) || strlen(code->valuestring) != 6 ||
      strspn(code->valuestring, "0123456789") != 6) {
    snprintf(why, why_cap, "manifest has no valid region.code");
    goto out;
  }
  snprintf(m->region, sizeof m->region, "%s", code->valuestring);
  if (!cJSON_IsString(exp) || !content_date_valid(exp->valuestring)) {
    snprintf(why, why_cap, "manifest has no valid expires date");
    goto out;
  }
  snprintf(m->expires, sizeof m->expires, "%s", exp->valuestring);
  int nf = cJSON_GetArraySize(files);
  if (!cJSON_IsArray(files) || nf < 1 || nf > CONTENT_MAX_FILES) {
    snprintf(why, why_cap, "manifest files must be 1 to %d entries",
             CONTENT_MAX_FILES);
    goto out;
  }
  m->files = calloc((size_t)nf, sizeof *m->files);
  if (!m->files) {
    err = KERR_NOMEM;
    goto out;
  }
  const cJSON *f;
  cJSON_ArrayForEach(f, files) {
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(f, "path");
    const cJSON *sha = cJSON_GetObjectItemCaseSensitive(f, "sha256");
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(f, "size");
    if (!cJSON_IsString(path) || !path_ok(path->valuestring) ||
        !cJSON_IsString(sha) || !sha_ok(sha->valuestring) ||
        !cJSON_IsNumber(size) || size->valuedouble < 0 ||
        size->valuedouble > CONTENT_MAX_FILE_BYTES ||
        size->valuedouble != (double)(size_t)size->valuedouble) {
      snprintf(why, why_cap, "manifest file entry %zu is malformed",
               m->n_files);
      goto out;
    }
    for (size_t i = 0; i < m->n_files; i++)
      if (strcmp(m->files[i].path, path->valuestring) == 0) {
        snprintf(why, why_cap, "manifest lists a path twice");
        goto out;
      }
    sync_manifest_file *sf = &m->files[m->n_files++];
    snprintf(sf->path, sizeof sf->path, "%s", path->valuestring);
    memcpy(sf->sha, sha->valuestring, 65);
    sf->size = (size_t)size->valuedouble;
    total += sf->size;
  }
  if (total > CONTENT_MAX_TOTAL_BYTES) {
    snprintf(why, why_cap, "bundle larger than %u bytes",
             CONTENT_MAX_TOTAL_BYTES);
    err = KERR_LIMIT;
    goto out;
  }
  err = KERR_OK;
out:
  cJSON_Delete(j);
  if (err)
    sync_manifest_free(m);
  return err;
}

void sync_manifest_sha_hex(const unsigned char *data, size_t n, char hex[65]) {
  unsigned char md[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(md, data, n);
  sodium_bin2hex(hex, 65, md, sizeof md);
}

unsigned char *sync_manifest_read_file(const char *path,
                                       const sync_manifest_file *f) {
  unsigned char *data = NULL;
  size_t n = 0;
  char hex[65];
  if (bundle_sig_read_file(path, f->size, &data, &n) != KERR_OK)
    return NULL;
  sync_manifest_sha_hex(data, n, hex);
  if (n != f->size || strcmp(hex, f->sha) != 0) {
    free(data);
    return NULL;
  }
  return data;
}
