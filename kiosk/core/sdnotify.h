/* sdnotify: telling the service manager (systemd) that we are ready, that we
 * are stopping, and that we are still alive (the watchdog).
 *
 * Every call is a cheap no-op when NOTIFY_SOCKET is not set — a terminal, a
 * test, a unit without Type=notify — so callers need no checks of their own,
 * and sdnotify_watchdog_ms() then returns 0 so no timer is armed. */
#ifndef KIOSK_CORE_SDNOTIFY_H
#define KIOSK_CORE_SDNOTIFY_H

#include <stdint.h>

/* How often to send WATCHDOG=1, in milliseconds: half of the unit's
 * WatchdogSec= (at least 1), or 0 when no watchdog pings are expected from
 * this process (no NOTIFY_SOCKET, no WATCHDOG_USEC, or WATCHDOG_PID names
 * another process). With child_of_main set, a watchdog that belongs to our
 * parent process counts too: the kiosk runs as cage's child in a unit with
 * NotifyAccess=all, and systemd addresses the watchdog to cage. */
uint64_t sdnotify_watchdog_ms(int child_of_main);

/* READY=1, with an optional STATUS= line for "systemctl status" (NULL for
 * none; identifiers only, never personal data). */
void sdnotify_ready(const char *status);

/* STOPPING=1: shutting down on request, not crashing. */
void sdnotify_stopping(void);

/* WATCHDOG=1: still alive. Send only from a place that proves it. */
void sdnotify_watchdog(void);

#endif
