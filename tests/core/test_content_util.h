/* Helpers for content tests: copy the default bundle into a fresh
 * temporary folder, edit its files (as bytes or as JSON), re-hash the
 * manifest, and remove the folder afterwards. Shared by the core loader
 * tests and the kioskctl tests; everything is static. */
#ifndef TESTS_CORE_TEST_CONTENT_UTIL_H
#define TESTS_CORE_TEST_CONTENT_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/content.h"

#define TB_SOURCE KIOSK_SOURCE_DIR "/assets/bundle"
#define TB_FN static __attribute__((unused))

/* Reads a whole file; NULL if it cannot. Caller frees. */
TB_FN char *tb_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    if (len)
      *len = (size_t)n;
  }
  return buf;
}

TB_FN int tb_spill(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  int ok = fwrite(data, 1, len, f) == len;
  return fclose(f) == 0 && ok ? 0 : -1;
}

/* dir/name into buf. */
TB_FN const char *tb_path(char *buf, size_t size, const char *dir, const char *name) {
  snprintf(buf, size, "%s/%s", dir, name);
  return buf;
}

/* Makes a fresh copy of the default bundle; dir receives its path
 * (at least 64 bytes). Returns 0 on success. */
TB_FN int tb_copy(char *dir) {
  strcpy(dir, "/tmp/kiosk-content-XXXXXX");
  if (!mkdtemp(dir))
    return -1;
  DIR *d = opendir(TB_SOURCE);
  if (!d)
    return -1;
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    char src[512], dst[512];
    size_t len = 0;
    char *data = tb_slurp(tb_path(src, sizeof src, TB_SOURCE, e->d_name), &len);
    if (!data || tb_spill(tb_path(dst, sizeof dst, dir, e->d_name), data, len) != 0)
      rc = -1;
    free(data);
  }
  closedir(d);
  return rc;
}

/* Removes a folder tree without following symbolic links. */
TB_FN void tb_remove(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      char p[512];
      struct stat st;
      tb_path(p, sizeof p, dir, e->d_name);
      if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
        tb_remove(p);
      else
        unlink(p);
    }
    closedir(d);
  }
  rmdir(dir);
}

/* Writes bytes to dir/name. */
TB_FN int tb_write(const char *dir, const char *name, const char *data, size_t len) {
  char p[512];
  return tb_spill(tb_path(p, sizeof p, dir, name), data, len);
}

/* Replaces the first occurrence of `from` in dir/name with `to`. Returns 0
 * if it was found and written. */
TB_FN int tb_replace(const char *dir, const char *name, const char *from,
                      const char *to) {
  char p[512];
  size_t len = 0;
  char *data = tb_slurp(tb_path(p, sizeof p, dir, name), &len);
  if (!data)
    return -1;
  char *at = strstr(data, from);
  int rc = -1;
  if (at) {
    size_t fl = strlen(from), tl = strlen(to);
    char *out = malloc(len - fl + tl + 1);
    size_t head = (size_t)(at - data);
    memcpy(out, data, head);
    memcpy(out + head, to, tl);
    memcpy(out + head + tl, at + fl, len - head - fl);
    rc = tb_spill(p, out, len - fl + tl);
    free(out);
  }
  free(data);
  return rc;
}

/* Parses dir/name as JSON (caller deletes). */
TB_FN cJSON *tb_json(const char *dir, const char *name) {
  char p[512];
  char *data = tb_slurp(tb_path(p, sizeof p, dir, name), NULL);
  cJSON *j = data ? cJSON_Parse(data) : NULL;
  free(data);
  return j;
}

/* Writes j to dir/name and deletes j. */
TB_FN int tb_save(const char *dir, const char *name, cJSON *j) {
  char *text = cJSON_Print(j);
  int rc = text ? tb_write(dir, name, text, strlen(text)) : -1;
  free(text);
  cJSON_Delete(j);
  return rc;
}

/* Re-hashes the manifest so that only the edit under test is wrong. */
TB_FN int tb_rehash(const char *dir) {
  content_problems p;
  content_problems_init(&p);
  kerr e = content_rehash(dir, &p);
  content_problems_free(&p);
  return e == KERR_OK ? 0 : -1;
}

/* 1 if some problem has this kind, file, and (when not NULL) a path and a
 * reason containing the given texts. */
TB_FN int tb_has(const content_problems *p, content_problem_kind kind, const char *file,
                  const char *path, const char *reason) {
  for (size_t i = 0; i < p->n; i++) {
    const content_problem *e = &p->a[i];
    if (e->kind != kind || strcmp(e->file, file) != 0)
      continue;
    if (path && strcmp(e->path, path) != 0)
      continue;
    if (reason && !strstr(e->reason, reason))
      continue;
    return 1;
  }
  return 0;
}

/* Prints the problems (to help when a test fails). */
TB_FN void tb_dump(const content_problems *p) {
  char line[700];
  for (size_t i = 0; i < p->n; i++)
    fprintf(stderr, "  [%s] %s\n", content_problems_kind_str(p->a[i].kind),
            content_problems_format(p, i, line, sizeof line));
}

#endif
