/* fsutil: mkdir -p creates parents, accepts what exists, refuses a file in
 * the way and over-long paths. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "core/fsutil.h"

int main(void) {
  char root[] = "/tmp/kiosk-fsutil-XXXXXX";
  if (!mkdtemp(root))
    return 1;
  char p[256], f[256];
  snprintf(p, sizeof p, "%s/a/b/c", root);
  CHECK_INT(fs_make_dirs(p, 0700), 0);
  struct stat st;
  CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
  CHECK_INT(st.st_mode & 0777, 0700);
  CHECK_INT(fs_make_dirs(p, 0700), 0); /* already there */
  snprintf(f, sizeof f, "%s/a/file", root);
  FILE *fp = fopen(f, "w");
  fclose(fp);
  CHECK_INT(fs_make_dirs(f, 0755), -1); /* a file is in the way */
  char sub[300];
  snprintf(sub, sizeof sub, "%s/x", f);
  CHECK_INT(fs_make_dirs(sub, 0755), -1);
  CHECK_INT(fs_make_dirs("", 0755), -1);
  char *huge = malloc(5000);
  memset(huge, 'a', 4999);
  huge[0] = '/';
  huge[4999] = '\0';
  CHECK_INT(fs_make_dirs(huge, 0755), -1);
  free(huge);
  rmdir(p);
  snprintf(p, sizeof p, "%s/a/b", root);
  rmdir(p);
  unlink(f);
  snprintf(p, sizeof p, "%s/a", root);
  rmdir(p);
  rmdir(root);
  return TEST_DONE();
}
