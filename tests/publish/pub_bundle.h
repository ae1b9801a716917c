/* Helpers for publishing and content-sync tests: make a signed copy of the
 * default bundle with a chosen version, 低保 urban standard for 140500 and
 * expiry date, and look at what a data folder's `current` names. Built on
 * tests/core/test_content_util.h; everything is static. */
#ifndef TESTS_PUBLISH_PUB_BUNDLE_H
#define TESTS_PUBLISH_PUB_BUNDLE_H

#include <limits.h>
#include <stdint.h>

#include <sodium.h>

#include "core/bundle_sig.h"
#include "core/content.h"
#include "core/test_content_util.h"

/* Copies the default bundle to a new temporary folder (dir, >= 64 bytes),
 * sets its version, the 140500 dibao_urban value (yuan per year, 0 = keep)
 * and expiry (NULL = keep), rehashes and, if sk is not NULL, signs it.
 * Returns 0 on success. */
static __attribute__((unused)) int pb_make(char *dir, const char *version,
                                           int dibao_urban,
                                           const char *expires,
                                           const unsigned char *sk) {
  if (tb_copy(dir) != 0)
    return -1;
  /* A signature left in the source tree must not come along. */
  char p[512];
  unlink(tb_path(p, sizeof p, dir, "manifest.sig"));
  cJSON *m = tb_json(dir, "manifest.json");
  if (!m)
    return -1;
  cJSON_ReplaceItemInObjectCaseSensitive(m, "version",
                                         cJSON_CreateString(version));
  if (expires)
    cJSON_ReplaceItemInObjectCaseSensitive(m, "expires",
                                           cJSON_CreateString(expires));
  if (tb_save(dir, "manifest.json", m) != 0)
    return -1;
  if (dibao_urban) {
    cJSON *r = tb_json(dir, "regions.json");
    cJSON *reg, *st;
    int done = 0;
    cJSON_ArrayForEach(reg, cJSON_GetObjectItem(r, "regions")) {
      if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(reg, "code")),
                 "140500") != 0)
        continue;
      cJSON_ArrayForEach(st, cJSON_GetObjectItem(reg, "standards")) {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(st, "key")),
                   "dibao_urban") == 0) {
          cJSON_ReplaceItemInObjectCaseSensitive(
              st, "value", cJSON_CreateNumber(dibao_urban));
          done = 1;
        }
      }
    }
    if (!done || tb_save(dir, "regions.json", r) != 0)
      return -1;
  }
  if (tb_rehash(dir) != 0)
    return -1;
  if (sk && bundle_sig_sign_dir(dir, sk) != KERR_OK)
    return -1;
  return 0;
}

/* The 140500 dibao_urban figure (yuan) of the bundle in dir, or -1 if the
 * bundle does not load. */
static __attribute__((unused)) long pb_dibao_urban(const char *dir) {
  content *c = NULL;
  long v = -1;
  if (content_load(dir, &c, NULL) != KERR_OK)
    return -1;
  const content_region *r = content_region_find(c, "140500");
  const content_standard *s = r ? content_standard_find(r, "dibao_urban", "2026-12-01") : NULL;
  if (s && s->has_value)
    v = (long)(s->value_fen / 100);
  content_destroy(c);
  return v;
}

/* What data_dir/content/current points to ("" if nothing). */
static __attribute__((unused)) const char *pb_current(const char *data_dir,
                                                      char *buf, size_t cap) {
  char link[512];
  snprintf(link, sizeof link, "%s/content/current", data_dir);
  ssize_t n = readlink(link, buf, cap - 1);
  buf[n > 0 ? n : 0] = '\0';
  return buf;
}

/* Number of entries in data_dir/content whose name ends in ".staging". */
static __attribute__((unused)) int pb_staging_left(const char *data_dir) {
  char p[512];
  int n = 0;
  snprintf(p, sizeof p, "%s/content", data_dir);
  DIR *d = opendir(p);
  if (!d)
    return 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    n += len > 8 && strcmp(e->d_name + len - 8, ".staging") == 0;
  }
  closedir(d);
  return n;
}

/* 1 if data_dir/content/<name> exists. */
static __attribute__((unused)) int pb_has(const char *data_dir,
                                          const char *name) {
  char p[512];
  struct stat st;
  snprintf(p, sizeof p, "%s/content/%s", data_dir, name);
  return lstat(p, &st) == 0;
}

#endif
