/* cli: the command-line conventions every kioskctl command follows.
 *
 * A command parses its argv (argv[0] is the command's own name) with
 * getopt_long() after cli_begin(): the option string starts with ':' and
 * getopt's own messages are off, so what the administrator reads is ours
 * and in Chinese. Non-option arguments are collected at argv[optind..]
 * (GNU permutation), so options may come before or after a folder name.
 * --help prints the command's usage on stdout and exits 0; a bad option
 * prints what is wrong and the usage on stderr and exits 2.
 *
 * Header only, because the commands' sources are also compiled straight
 * into core tests that link nothing else. */
#ifndef KIOSKCTL_CLI_H
#define KIOSKCTL_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Resets getopt for a new argv (a test may run several commands). */
static inline void cli_begin(void) {
  optind = 0;
  opterr = 0;
}

/* After getopt_long() returned '?' or ':': says which option was wrong on
 * err. Returns 2, the usage exit status; the caller prints its usage. */
static inline int cli_bad_option(FILE *err, int ch, char **argv) {
  const char *arg = argv[optind - 1];
  if (ch == ':')
    fprintf(err, "选项 %s 后面缺少参数。\n", arg);
  else if (optopt == 0)
    fprintf(err, "不认识的选项：%s\n", arg);
  else if (strncmp(arg, "--", 2) == 0)
    fprintf(err, "选项 %s 不带参数。\n", arg);
  else
    fprintf(err, "不认识的选项：-%c\n", optopt);
  return 2;
}

/* Today's local date as YYYY-MM-DD (what --today stands in for). */
static inline void cli_today(char out[11]) {
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

#endif
