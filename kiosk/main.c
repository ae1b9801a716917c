/* kiosk: entry point. Everything lives in the shell (kiosk/shell). */
#include "shell/shell.h"

int main(int argc, char **argv) { return app_main(argc, argv); }
