/* log: see log.h. Lines are formatted into a fixed buffer and written with a
 * single call so concurrent threads do not interleave within a line. */
#include "core/log.h"

#include <stdio.h>
#include <string.h>

static log_level g_level = LOG_INFO;
static void (*g_sink)(void *, const char *);
static void *g_sink_ud;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(log_level level) { g_level = level; }
log_level log_get_level(void) { return g_level; }

int log_level_parse(const char *name, log_level *level) {
  for (int i = 0; i < 4; i++) {
    if (strcmp(name, level_names[i]) == 0) {
      *level = (log_level)i;
      return 0;
    }
  }
  return -1;
}

void log_set_sink(void (*sink)(void *ud, const char *line), void *ud) {
  g_sink = sink;
  g_sink_ud = ud;
}

void log_msg(log_level level, const char *module, const char *fmt, ...) {
  if (level > g_level)
    return;
  char line[1024];
  int n = snprintf(line, sizeof line, "%s %s: ", level_names[level], module);
  if (n < 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
  va_end(ap);
  if (g_sink) {
    g_sink(g_sink_ud, line);
    return;
  }
  size_t len = strlen(line);
  if (len < sizeof line - 1) {
    line[len++] = '\n';
    line[len] = '\0';
  }
  fputs(line, stderr);
}
