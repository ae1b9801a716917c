/* log: one line per event, "LEVEL module: message", to stderr.
 *
 * journald-friendly (no timestamps of our own; the journal adds them). When
 * stderr is a journal stream (systemd sets JOURNAL_STREAM to its device and
 * inode), each line starts with its syslog priority, "<3>" error, "<4>"
 * warn, "<6>" info, "<7>" debug, so `journalctl -p err` can filter; on a
 * terminal or in a file the lines are plain.
 * NEVER pass personal data (names, ID numbers, phone numbers, answers):
 * log identifiers the kiosk made up itself (reference numbers, UUIDs,
 * screen and widget ids), counts and error codes only. */
#ifndef KIOSK_CORE_LOG_H
#define KIOSK_CORE_LOG_H

#include <stdarg.h>

typedef enum log_level {
  LOG_ERROR = 0,
  LOG_WARN,
  LOG_INFO,
  LOG_DEBUG
} log_level;

/* Sets the most verbose level printed (default LOG_INFO). Process-wide: the
 * one piece of global state, because stderr itself is process-wide. */
void log_set_level(log_level level);

/* Parses "error", "warn", "info" or "debug". Returns 0 on success, -1 if the
 * name is unknown (level untouched). */
int log_level_parse(const char *name, log_level *level);

/* Redirects output (tests capture it); NULL restores stderr. */
void log_set_sink(void (*sink)(void *ud, const char *line), void *ud);

/* 1 if stderr is the journal stream named by JOURNAL_STREAM, else 0. */
int log_stderr_is_journal(void);

void log_msg(log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define LOG_E(mod, ...) log_msg(LOG_ERROR, mod, __VA_ARGS__)
#define LOG_W(mod, ...) log_msg(LOG_WARN, mod, __VA_ARGS__)
#define LOG_I(mod, ...) log_msg(LOG_INFO, mod, __VA_ARGS__)
#define LOG_D(mod, ...) log_msg(LOG_DEBUG, mod, __VA_ARGS__)

#endif
