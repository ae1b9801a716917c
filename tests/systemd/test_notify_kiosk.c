/* The real kiosk (headless, software renderer) under a pretend systemd.
 *
 * As in kiosk.service, the kiosk is not the unit's main process — cage is —
 * so WATCHDOG_PID names the kiosk's parent (this test). Idle on the home
 * screen, it sends READY=1 after the first frame and WATCHDOG=1 about every
 * 200 ms with a 400 ms watchdog (the ping is one of the main loop's
 * deadlines), and STOPPING=1 when SIGTERM ends the loop. A watchdog that
 * belongs to some other process is not fed; a scripted run reports READY
 * too. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "notifytest.h"

static pid_t start(notifytest *n, const char *tag, const char *script,
                   notifytest_wd wd) {
  static char data[600], printer[600];
  mkdir(SD_WORK, 0700);
  snprintf(data, sizeof data, "paths.data=%s/kiosk-%s-%d/data", SD_WORK, tag,
           (int)getpid());
  snprintf(printer, sizeof printer, "paths.printer=%s/kiosk-%s-%d/printer",
           SD_WORK, tag, (int)getpid());
  char *argv[20];
  int i = 0;
  argv[i++] = KIOSK_BIN;
  argv[i++] = "--headless";
  argv[i++] = "--window";
  argv[i++] = "1280x800";
  argv[i++] = "--set";
  argv[i++] = data;
  argv[i++] = "--set";
  argv[i++] = printer;
  /* Nothing listens there: no heartbeat reaches another test's server. */
  argv[i++] = "--set";
  argv[i++] = "backend.url=https://127.0.0.1:1";
  if (script) {
    argv[i++] = "--script";
    argv[i++] = (char *)script;
  }
  argv[i] = NULL;
  return notifytest_spawn(n, argv, wd, 400000);
}

int main(void) {
  notifytest n;
  setenv("KIOSK_HOME", KIOSK_SOURCE_DIR, 1);
  CHECK(notifytest_open(&n, "kiosk") == 0);

  /* Idle on the home screen, watchdog owned by the parent (cage). */
  pid_t pid = start(&n, "idle", NULL, NOTIFYTEST_WD_PARENT);
  CHECK(pid > 0);
  CHECK(notifytest_wait_for(&n, "READY=1", 60000, NULL));
  int pings = notifytest_count_watchdogs(&n, 2000);
  printf("kiosk: %d watchdog pings in 2 s\n", pings);
  CHECK(pings >= 3);
  CHECK(pings <= 20);
  int watchdogs = 0;
  kill(pid, SIGTERM);
  CHECK(notifytest_wait_for(&n, "STOPPING=1", 20000, &watchdogs));
  CHECK_INT(notifytest_wait_exit(pid), 0);

  /* Someone else's watchdog: READY, but no pings. */
  pid = start(&n, "other", NULL, NOTIFYTEST_WD_OTHER);
  CHECK(pid > 0);
  watchdogs = 0;
  CHECK(notifytest_wait_for(&n, "READY=1", 60000, &watchdogs));
  CHECK_INT(notifytest_count_watchdogs(&n, 1000), 0);
  kill(pid, SIGTERM);
  CHECK(notifytest_wait_for(&n, "STOPPING=1", 20000, &watchdogs));
  CHECK_INT(watchdogs, 0);
  CHECK_INT(notifytest_wait_exit(pid), 0);

  /* A scripted run: READY with the first frame, STOPPING at its end. */
  char script[600];
  snprintf(script, sizeof script, "%s/tests/systemd/wait.txt",
           KIOSK_SOURCE_DIR);
  pid = start(&n, "script", script, NOTIFYTEST_WD_PARENT);
  CHECK(pid > 0);
  CHECK(notifytest_wait_for(&n, "READY=1", 60000, NULL));
  CHECK(notifytest_wait_for(&n, "STOPPING=1", 60000, NULL));
  CHECK_INT(notifytest_wait_exit(pid), 0);

  notifytest_close(&n);
  return TEST_DONE();
}
