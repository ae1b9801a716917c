/* kioskctl: the administrator's command line. Dispatches sub-commands. */
#include <stdio.h>
#include <string.h>

static int usage(void) {
  fputs("usage: kioskctl <command> [args]\n"
        "commands:\n"
        "  version            print the version\n",
        stderr);
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return usage();
  if (strcmp(argv[1], "version") == 0) {
    puts("kioskctl 0.1");
    return 0;
  }
  return usage();
}
