/* log: see log.h. Lines are formatted into a fixed buffer and written with a
 * single call so concurrent threads do not interleave within a line. */
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static log_level g_level = LOG_INFO;
static void (*g_sink)(void *, const char *);
static void *g_sink_ud;

static const char *const level_names[] = {"error", "warn", "info", "debug"};
/* syslog priorities: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG */
static const char *const journal_prefixes[] = {"<3>", "<4>", "<6>", "<7>"};

void log_set_level(log_level level) { g_level = level; }

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

int log_stderr_is_journal(void) {
  const char *e = getenv("JOURNAL_STREAM");
  unsigned long long dev, ino;
  char extra;
  struct stat st;
  if (!e || sscanf(e, "%llu:%llu%c", &dev, &ino, &extra) != 2)
    return 0;
  if (fstat(STDERR_FILENO, &st) != 0)
    return 0;
  return (unsigned long long)st.st_dev == dev &&
         (unsigned long long)st.st_ino == ino;
}

void log_msg(log_level level, const char *module, const char *fmt, ...) {
  if (level > g_level)
    return;
  char line[1024];
  /* Checked per line (a getenv and an fstat): logging is rare, and the
   * answer stays right if stderr is redirected later. */
  const char *prefix =
      !g_sink && log_stderr_is_journal() ? journal_prefixes[level] : "";
  int n = snprintf(line, sizeof line, "%s%s %s: ", prefix, level_names[level],
                   module);
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
