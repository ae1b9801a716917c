/* notifytest: see notifytest.h. */
#include "notifytest.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int notifytest_open(notifytest *n, const char *tag) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(n->name, sizeof n->name, "@kiosk-notifytest-%s-%d", tag,
           (int)getpid());
  size_t len = strlen(n->name);
  memcpy(sa.sun_path, n->name, len);
  sa.sun_path[0] = '\0'; /* abstract namespace */
  n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (n->fd < 0)
    return -1;
  if (bind(n->fd, (struct sockaddr *)&sa,
           (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) != 0) {
    close(n->fd);
    n->fd = -1;
    return -1;
  }
  return 0;
}

void notifytest_close(notifytest *n) {
  if (n->fd >= 0)
    close(n->fd);
  n->fd = -1;
}

int notifytest_recv(notifytest *n, char *buf, size_t cap, int timeout_ms) {
  struct pollfd p = {.fd = n->fd, .events = POLLIN};
  int r;
  while ((r = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
  }
  if (r <= 0)
    return -1;
  ssize_t got = recv(n->fd, buf, cap - 1, 0);
  if (got < 0)
    return -1;
  buf[got] = '\0';
  return (int)got;
}

static int has_line(const char *msg, const char *line) {
  size_t len = strlen(line);
  for (const char *p = msg; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1
                                                         : NULL) {
    if (strncmp(p, line, len) == 0 && (p[len] == '\n' || p[len] == '\0'))
      return 1;
  }
  return 0;
}

int notifytest_wait_for(notifytest *n, const char *line, int timeout_ms,
                        int *watchdogs) {
  long long end = now_ms() + timeout_ms;
  char buf[4096];
  for (;;) {
    long long left = end - now_ms();
    if (left <= 0)
      return 0;
    if (notifytest_recv(n, buf, sizeof buf, (int)left) < 0)
      return 0;
    if (watchdogs && has_line(buf, "WATCHDOG=1"))
      (*watchdogs)++;
    if (has_line(buf, line))
      return 1;
  }
}

int notifytest_count_watchdogs(notifytest *n, int ms) {
  long long end = now_ms() + ms;
  char buf[4096];
  int count = 0;
  for (;;) {
    long long left = end - now_ms();
    if (left <= 0 || notifytest_recv(n, buf, sizeof buf, (int)left) < 0)
      return count;
    if (has_line(buf, "WATCHDOG=1"))
      count++;
  }
}

pid_t notifytest_spawn(notifytest *n, char *const argv[], notifytest_wd wd,
                       unsigned long usec) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  char v[32];
  setenv("NOTIFY_SOCKET", n->name, 1);
  unsetenv("WATCHDOG_PID");
  unsetenv("WATCHDOG_USEC");
  if (wd != NOTIFYTEST_WD_NONE) {
    snprintf(v, sizeof v, "%lu", usec);
    setenv("WATCHDOG_USEC", v, 1);
    pid_t owner = wd == NOTIFYTEST_WD_SELF     ? getpid()
                  : wd == NOTIFYTEST_WD_PARENT ? parent
                                               : 1;
    snprintf(v, sizeof v, "%d", (int)owner);
    setenv("WATCHDOG_PID", v, 1);
  }
  execv(argv[0], argv);
  _exit(127);
}

int notifytest_wait_exit(pid_t pid) {
  int st = 0;
  for (int i = 0; i < 2000; i++) {
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);
  return 128 + SIGKILL;
}
