/* sdnotify_watchdog_ms() decides from the environment whether this process
 * must feed a watchdog, and how often: half of WATCHDOG_USEC, only with a
 * NOTIFY_SOCKET, only if WATCHDOG_PID is us (or our parent, when the caller
 * runs under cage). The messages themselves are tested end to end with the
 * real programs (test_notify_server, test_notify_kiosk). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "core/sdnotify.h"

static void set_pid(pid_t pid) {
  char v[32];
  snprintf(v, sizeof v, "%d", (int)pid);
  setenv("WATCHDOG_PID", v, 1);
}

int main(void) {
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_PID");
  setenv("WATCHDOG_USEC", "400000", 1);
  /* No socket: no watchdog, and the messages are no-ops. */
  CHECK_INT(sdnotify_watchdog_ms(0), 0);
  CHECK_INT(sdnotify_watchdog_ms(1), 0);
  sdnotify_ready("test");
  sdnotify_watchdog();
  sdnotify_stopping();

  /* An abstract socket nobody listens on: sending fails quietly. */
  setenv("NOTIFY_SOCKET", "@kiosk-sdnotify-test-nobody", 1);
  CHECK_INT(sdnotify_watchdog_ms(0), 200); /* no WATCHDOG_PID: any process */
  set_pid(getpid());
  CHECK_INT(sdnotify_watchdog_ms(0), 200);
  CHECK_INT(sdnotify_watchdog_ms(1), 200);
  sdnotify_watchdog();

  /* The parent's watchdog counts only for a child of the main process. */
  set_pid(getppid());
  CHECK_INT(sdnotify_watchdog_ms(0), 0);
  CHECK_INT(sdnotify_watchdog_ms(1), 200);
  set_pid(1 == getppid() ? 2 : 1);
  CHECK_INT(sdnotify_watchdog_ms(1), 0);

  /* Rounding: never 0 ms for a tiny interval; no usec, no watchdog. */
  set_pid(getpid());
  setenv("WATCHDOG_USEC", "1", 1);
  CHECK_INT(sdnotify_watchdog_ms(0), 1);
  setenv("WATCHDOG_USEC", "30000000", 1);
  CHECK_INT(sdnotify_watchdog_ms(0), 15000);
  setenv("WATCHDOG_USEC", "0", 1);
  CHECK_INT(sdnotify_watchdog_ms(0), 0);
  unsetenv("WATCHDOG_USEC");
  CHECK_INT(sdnotify_watchdog_ms(0), 0);
  set_pid(getppid());
  CHECK_INT(sdnotify_watchdog_ms(1), 0);
  setenv("WATCHDOG_USEC", "junk", 1);
  CHECK_INT(sdnotify_watchdog_ms(1), 0);
  return TEST_DONE();
}
