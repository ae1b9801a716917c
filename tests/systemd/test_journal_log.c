/* Log lines carry syslog priority prefixes ("<3>" error, "<4>" warn, "<6>"
 * info, "<7>" debug) exactly when stderr is the journal stream named by
 * JOURNAL_STREAM ("device:inode"), and are plain otherwise: no variable,
 * another file's numbers, or garbage. stderr is pointed at a scratch file,
 * standing in for the journal's socket. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "core/log.h"

static char path[600];

/* Truncates the scratch file, logs one line per level, returns the text. */
static const char *log_all(void) {
  static char buf[2048];
  if (ftruncate(STDERR_FILENO, 0) != 0 || lseek(STDERR_FILENO, 0, SEEK_SET))
    return "";
  LOG_E("test", "e %d", 1);
  LOG_W("test", "w");
  LOG_I("test", "i");
  LOG_D("test", "d");
  int fd = open(path, O_RDONLY);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0)
    close(fd);
  buf[n > 0 ? n : 0] = '\0';
  return buf;
}

int main(void) {
  mkdir(SD_WORK, 0700);
  snprintf(path, sizeof path, "%s/journal-%d.log", SD_WORK, (int)getpid());
  int saved = dup(STDERR_FILENO);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  CHECK(fd >= 0 && saved >= 0);
  dup2(fd, STDERR_FILENO);
  close(fd);
  log_set_level(LOG_DEBUG);

  struct stat st;
  CHECK(fstat(STDERR_FILENO, &st) == 0);
  char v[64];
  const char *out;

  /* stderr is the journal stream. */
  snprintf(v, sizeof v, "%llu:%llu", (unsigned long long)st.st_dev,
           (unsigned long long)st.st_ino);
  setenv("JOURNAL_STREAM", v, 1);
  CHECK(log_stderr_is_journal());
  out = log_all();
  CHECK_STR(out, "<3>error test: e 1\n<4>warn test: w\n<6>info test: i\n"
                 "<7>debug test: d\n");

  /* Plain: no JOURNAL_STREAM (a terminal, a test log). */
  unsetenv("JOURNAL_STREAM");
  CHECK(!log_stderr_is_journal());
  out = log_all();
  CHECK_STR(out, "error test: e 1\nwarn test: w\ninfo test: i\n"
                 "debug test: d\n");

  /* Plain: the journal is on stdout's stream or another file, not ours. */
  snprintf(v, sizeof v, "%llu:%llu", (unsigned long long)st.st_dev,
           (unsigned long long)st.st_ino + 1);
  setenv("JOURNAL_STREAM", v, 1);
  CHECK(!log_stderr_is_journal());
  CHECK(strncmp(log_all(), "error test:", 11) == 0);

  /* Plain: malformed values. */
  const char *bad[] = {"", "12", "12:", ":34", "x:y", "1:2:3", "1:2 "};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    setenv("JOURNAL_STREAM", bad[i], 1);
    CHECK(!log_stderr_is_journal());
  }
  CHECK(strncmp(log_all(), "error test:", 11) == 0);

  unlink(path);
  dup2(saved, STDERR_FILENO);
  close(saved);
  return TEST_DONE();
}
