/* Helpers for tests that run the built programs as an administrator would:
 * a shell command with stderr merged into the captured output, and a
 * "does the output say this" check that prints the output when it does not.
 * Everything is static. */
#ifndef TESTS_TOOLS_TOOL_RUN_H
#define TESTS_TOOLS_TOOL_RUN_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Runs the shell command made from fmt (stderr merged); returns its exit
 * status (-1 if it did not exit) and the output in *out (caller frees). */
static __attribute__((unused, format(printf, 2, 3))) int
tr_run(char **out, const char *fmt, ...) {
  char cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd - 8, fmt, ap);
  va_end(ap);
  strcat(cmd, " 2>&1");
  FILE *f = popen(cmd, "r");
  size_t cap = 1 << 16, len = 0, r;
  char *buf = malloc(cap);
  if (!f || !buf) {
    free(buf);
    if (f)
      pclose(f);
    *out = NULL;
    return -1;
  }
  while ((r = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += r;
    if (len + 1 == cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb)
        break;
      buf = nb;
      cap *= 2;
    }
  }
  buf[len] = '\0';
  int st = pclose(f);
  *out = buf;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* 1 if out contains s; otherwise prints both and returns 0. */
static __attribute__((unused)) int tr_has(const char *out, const char *s) {
  int ok = out && strstr(out, s) != NULL;
  if (!ok)
    fprintf(stderr, "output lacks \"%s\":\n%s\n", s, out ? out : "(none)");
  return ok;
}

/* Writes text to path; 0 on success. */
static __attribute__((unused)) int tr_write(const char *path,
                                            const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  fputs(text, f);
  return fclose(f);
}

#endif
