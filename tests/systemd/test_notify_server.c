/* The real kiosk-server under a pretend systemd: with NOTIFY_SOCKET and a
 * 400 ms watchdog it sends READY=1 once listening (the port file is written
 * by then), WATCHDOG=1 about every 200 ms while idle, and STOPPING=1 on
 * SIGTERM before a clean exit. Without WATCHDOG_USEC it sends no pings. */
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "notifytest.h"

static void paths(const char *tag, char *db, char *portfile, size_t cap) {
  mkdir(SD_WORK, 0700);
  snprintf(db, cap, "%s/%s-%d.db", SD_WORK, tag, (int)getpid());
  snprintf(portfile, cap, "%s/%s-%d.db.port", SD_WORK, tag, (int)getpid());
  const char *sfx[] = {"", "-wal", "-shm", ".port"};
  for (int i = 0; i < 4; i++) {
    char p[700];
    snprintf(p, sizeof p, "%s%s", db, sfx[i]);
    unlink(p);
  }
}

static pid_t start(notifytest *n, const char *tag, notifytest_wd wd,
                   char *portfile) {
  char db[600];
  paths(tag, db, portfile, 600);
  char *argv[] = {SERVER_BIN, "serve", "--pki", SERVER_PKI, "--db", db,
                  "--port", "0", "--port-file", portfile, "--log-level",
                  "warn", NULL};
  return notifytest_spawn(n, argv, wd, 400000);
}

int main(void) {
  notifytest n;
  char portfile[600];
  CHECK(notifytest_open(&n, "server") == 0);

  /* With the watchdog, WATCHDOG_PID = the server (as systemd sets it). */
  pid_t pid = start(&n, "wd", NOTIFYTEST_WD_SELF, portfile);
  CHECK(pid > 0);
  CHECK(notifytest_wait_for(&n, "READY=1", 20000, NULL));
  CHECK(access(portfile, R_OK) == 0); /* listening before READY */
  /* 200 ms period: 10 in 2 s on a quiet machine; allow a loaded one. */
  int pings = notifytest_count_watchdogs(&n, 2000);
  printf("server: %d watchdog pings in 2 s\n", pings);
  CHECK(pings >= 3);
  CHECK(pings <= 20);
  int watchdogs = 0;
  kill(pid, SIGTERM);
  CHECK(notifytest_wait_for(&n, "STOPPING=1", 20000, &watchdogs));
  CHECK_INT(notifytest_wait_exit(pid), 0);

  /* Without WATCHDOG_USEC: READY and STOPPING, no pings. */
  pid = start(&n, "nowd", NOTIFYTEST_WD_NONE, portfile);
  CHECK(pid > 0);
  watchdogs = 0;
  CHECK(notifytest_wait_for(&n, "READY=1", 20000, &watchdogs));
  CHECK_INT(notifytest_count_watchdogs(&n, 1000), 0);
  kill(pid, SIGTERM);
  CHECK(notifytest_wait_for(&n, "STOPPING=1", 20000, &watchdogs));
  CHECK_INT(watchdogs, 0);
  CHECK_INT(notifytest_wait_exit(pid), 0);

  notifytest_close(&n);
  return TEST_DONE();
}
