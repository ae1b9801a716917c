#include "app/app.h"
#include <stdio.h>
int app_main(int argc, char **argv) {
  (void)argc; (void)argv;
  fputs("kiosk: not yet\n", stderr);
  return 1;
}
