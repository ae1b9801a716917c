/* fsutil: see fsutil.h. */
#include "core/fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FS_PATH_MAX 4096

int fs_make_dirs(const char *path, mode_t mode) {
  char buf[FS_PATH_MAX];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf)
    return -1;
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != '\0')
      continue;
    char c = buf[i];
    buf[i] = '\0';
    if (mkdir(buf, mode) != 0 && errno != EEXIST)
      return -1;
    buf[i] = c;
  }
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

kerr fs_read_file(const char *path, size_t max, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return errno == ENOENT ? KERR_NOTFOUND : KERR_IO;
  char *buf = malloc(max + 1);
  size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
  int rerr = ferror(f);
  fclose(f);
  if (!buf)
    return KERR_NOMEM;
  if (rerr || n > max) {
    free(buf);
    return rerr ? KERR_IO : KERR_LIMIT;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return KERR_OK;
}
