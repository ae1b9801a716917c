/* sdnotify: see sdnotify.h. A thin layer over libsystemd's sd_notify(): the
 * one thing it adds is the parent-process case of the watchdog. */
#include "core/sdnotify.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

static int notify_socket_set(void) {
  const char *e = getenv("NOTIFY_SOCKET");
  return e && *e;
}

/* Parses a positive decimal number; 0 if absent or malformed. */
static uint64_t env_u64(const char *name) {
  const char *e = getenv(name);
  if (!e || *e < '0' || *e > '9')
    return 0;
  char *end;
  unsigned long long v = strtoull(e, &end, 10);
  return *end ? 0 : (uint64_t)v;
}

uint64_t sdnotify_watchdog_ms(int child_of_main) {
  if (!notify_socket_set())
    return 0;
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0) {
    /* sd_watchdog_enabled() refuses when WATCHDOG_PID is not us; accept our
     * parent when asked to (the unit's main process starts us). */
    uint64_t pid = env_u64("WATCHDOG_PID");
    if (!child_of_main || pid == 0 || pid != (uint64_t)getppid())
      return 0;
    usec = env_u64("WATCHDOG_USEC");
  }
  if (usec == 0)
    return 0;
  uint64_t ms = usec / 2000u;
  return ms ? ms : 1;
}

void sdnotify_ready(const char *status) {
  if (!notify_socket_set())
    return;
  if (status)
    sd_notifyf(0, "READY=1\nSTATUS=%s", status);
  else
    sd_notify(0, "READY=1");
}

void sdnotify_stopping(void) {
  if (notify_socket_set())
    sd_notify(0, "STOPPING=1");
}

void sdnotify_watchdog(void) {
  if (notify_socket_set())
    sd_notify(0, "WATCHDOG=1");
}
