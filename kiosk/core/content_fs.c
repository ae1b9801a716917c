/* content_fs: reading bundle files without ever leaving the bundle folder.
 *
 * A manifest path is first checked as text (relative, no "..", a small
 * character set), then opened one component at a time with openat() and
 * O_NOFOLLOW, so no symbolic link — pointing out of the folder or not — is
 * followed, and only regular files are read. The size is checked before
 * reading and the read must deliver exactly that many bytes. */
#include "core/content_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LEVELS 4

int content_fs_path_ok(const char *path, char *why, size_t why_size) {
  size_t n = strlen(path);
  if (n == 0) {
    snprintf(why, why_size, "路径为空");
    return 0;
  }
  if (n > CONTENT_MAX_PATH) {
    snprintf(why, why_size, "路径太长（最多 %u 个字符）", CONTENT_MAX_PATH);
    return 0;
  }
  if (path[0] == '/') {
    snprintf(why, why_size, "不能使用绝对路径，只能写内容包文件夹里的相对路径");
    return 0;
  }
  size_t levels = 1;
  const char *comp = path;
  for (const char *s = path;; s++) {
    if (*s == '/' || *s == '\0') {
      size_t len = (size_t)(s - comp);
      if (len == 0) {
        snprintf(why, why_size, "路径里有空的一段（“//”或以“/”结尾）");
        return 0;
      }
      if (comp[0] == '.') {
        if ((len == 2 && comp[1] == '.') || len == 1)
          snprintf(why, why_size, "路径不能含“.”或“..”，文件必须在内容包文件夹里");
        else
          snprintf(why, why_size, "文件名不能以“.”开头");
        return 0;
      }
      if (*s == '\0')
        break;
      if (++levels > MAX_LEVELS) {
        snprintf(why, why_size, "文件夹层数太多（最多 %d 层）", MAX_LEVELS);
        return 0;
      }
      comp = s + 1;
      continue;
    }
    char ch = *s;
    int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
             (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    if (!ok) {
      snprintf(why, why_size,
               "路径只能用英文字母、数字、“.”、“_”、“-”和“/”");
      return 0;
    }
  }
  return 1;
}

/* Records why opening `path` failed; returns the kerr for it. */
static kerr open_fail(int dirfd, const char *comp, const char *path, int err,
                      content_problems *p) {
  struct stat st;
  if (fstatat(dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    content_problems_add(p, CONTENT_P_SYMLINK, path, "",
                         "是符号链接；内容包里不允许符号链接");
    return KERR_INVALID;
  }
  if (err == ENOENT) {
    content_problems_add(p, CONTENT_P_MISSING, path, "", "文件不存在");
    return KERR_NOTFOUND;
  }
  if (err == ENOTDIR) {
    content_problems_add(p, CONTENT_P_PATH, path, "", "路径中的一段不是文件夹");
    return KERR_INVALID;
  }
  content_problems_add(p, CONTENT_P_IO, path, "", "无法打开：%s", strerror(err));
  return KERR_IO;
}

kerr content_fs_read(int dirfd, const char *path, size_t max, char **data,
                     size_t *len, content_problems *p) {
  kerr err = KERR_OK;
  char buf[CONTENT_MAX_PATH + 1];
  int cur = -1, fd = -1;
  char *mem = NULL;
  *data = NULL;
  *len = 0;
  snprintf(buf, sizeof buf, "%s", path);

  int at = dirfd;
  char *comp = buf;
  for (char *slash; (slash = strchr(comp, '/')) != NULL; comp = slash + 1) {
    *slash = '\0';
    int next = openat(at, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) {
      err = open_fail(at, comp, path, errno, p);
      goto out;
    }
    if (cur >= 0)
      close(cur);
    cur = at = next;
  }
  fd = openat(at, comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    err = open_fail(at, comp, path, errno, p);
    goto out;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    content_problems_add(p, CONTENT_P_IO, path, "", "无法读取：%s", strerror(errno));
    err = KERR_IO;
    goto out;
  }
  if (!S_ISREG(st.st_mode)) {
    content_problems_add(p, CONTENT_P_PATH, path, "", "不是普通文件");
    err = KERR_INVALID;
    goto out;
  }
  if ((unsigned long long)st.st_size > max) {
    content_problems_add(p, CONTENT_P_LIMIT, path, "",
                         "文件太大：%lld 字节，最多允许 %zu 字节",
                         (long long)st.st_size, max);
    err = KERR_LIMIT;
    goto out;
  }
  size_t want = (size_t)st.st_size;
  mem = malloc(want + 1);
  if (!mem) {
    err = KERR_NOMEM;
    content_problems_add(p, CONTENT_P_IO, path, "", "内存不足");
    goto out;
  }
  size_t got = 0;
  while (got <= want) {
    /* Ask for one byte more than expected to notice a file that grew. */
    ssize_t r = read(fd, mem + got, want + 1 - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      content_problems_add(p, CONTENT_P_IO, path, "", "读取失败：%s", strerror(errno));
      err = KERR_IO;
      goto out;
    }
    if (r == 0)
      break;
    got += (size_t)r;
  }
  if (got != want) {
    content_problems_add(p, CONTENT_P_IO, path, "", "读取时文件发生了变化");
    err = KERR_IO;
    goto out;
  }
  mem[want] = '\0';
  *data = mem;
  *len = want;
  mem = NULL;
out:
  free(mem);
  if (fd >= 0)
    close(fd);
  if (cur >= 0)
    close(cur);
  return err;
}
