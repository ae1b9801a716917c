/* Runs a fuzz target over every file of the corpus folders given on the
 * command line, without libFuzzer: the seed corpus stays a regression test
 * with any compiler. Exit status 0 when every input was run. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_target.h"

#define REPLAY_MAX_INPUT (1u << 20)

int main(int argc, char **argv) {
  static unsigned char buf[REPLAY_MAX_INPUT];
  size_t runs = 0;
  for (int a = 1; a < argc; a++) {
    DIR *d = opendir(argv[a]);
    if (!d) {
      fprintf(stderr, "cannot open corpus %s\n", argv[a]);
      return 1;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.')
        continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", argv[a], e->d_name);
      FILE *f = fopen(path, "rb");
      if (!f)
        continue;
      size_t n = fread(buf, 1, sizeof buf, f);
      fclose(f);
      LLVMFuzzerTestOneInput(buf, n);
      /* Every prefix too: truncated inputs are the commonest bad input. */
      for (size_t k = 0; k < n; k += 1 + n / 64)
        LLVMFuzzerTestOneInput(buf, k);
      runs++;
    }
    closedir(d);
  }
  printf("%zu corpus files run\n", runs);
  return runs ? 0 : 1;
}
