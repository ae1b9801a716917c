/* fsutil: see fsutil.h. */
#include "core/fsutil.h"

#include <errno.h>
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
