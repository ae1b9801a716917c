/* notifytest: plays the service manager's side of sd_notify for tests.
 *
 * Listens on an abstract unix datagram socket (the kind NOTIFY_SOCKET names
 * with a leading '@'), starts a program with NOTIFY_SOCKET and the watchdog
 * variables set as systemd would, and reads the messages it sends. */
#ifndef TESTS_SYSTEMD_NOTIFYTEST_H
#define TESTS_SYSTEMD_NOTIFYTEST_H

#include <stddef.h>
#include <sys/types.h>

typedef struct notifytest {
  int fd;
  char name[108]; /* NOTIFY_SOCKET value, "@..." */
} notifytest;

/* Opens the socket. Returns 0 on success. */
int notifytest_open(notifytest *n, const char *tag);
void notifytest_close(notifytest *n);

/* Receives one message into buf (NUL-terminated). Returns its length, or -1
 * when nothing arrived within timeout_ms. */
int notifytest_recv(notifytest *n, char *buf, size_t cap, int timeout_ms);

/* Waits up to timeout_ms for a message with the line `line` (for example
 * "READY=1"), skipping others; counts WATCHDOG=1 messages seen on the way
 * into *watchdogs when not NULL. Returns 1 if found, 0 otherwise. */
int notifytest_wait_for(notifytest *n, const char *line, int timeout_ms,
                        int *watchdogs);

/* Counts WATCHDOG=1 messages arriving within ms milliseconds. */
int notifytest_count_watchdogs(notifytest *n, int ms);

/* How the started program sees the watchdog. */
typedef enum notifytest_wd {
  NOTIFYTEST_WD_NONE,   /* no WATCHDOG_USEC */
  NOTIFYTEST_WD_SELF,   /* WATCHDOG_PID = the program (systemd, main PID) */
  NOTIFYTEST_WD_PARENT, /* WATCHDOG_PID = this test (cage's child) */
  NOTIFYTEST_WD_OTHER   /* WATCHDOG_PID = some other process (PID 1) */
} notifytest_wd;

/* Starts argv[0] with NOTIFY_SOCKET = n's socket, and with
 * WATCHDOG_USEC = usec and WATCHDOG_PID as wd says. Returns the pid, or -1. */
pid_t notifytest_spawn(notifytest *n, char *const argv[], notifytest_wd wd,
                       unsigned long usec);

/* Waits for the program to end; returns its exit status (128 + signal if
 * killed). One that is still running after 20 s is SIGKILLed. */
int notifytest_wait_exit(pid_t pid);

#endif
