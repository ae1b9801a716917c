/* kiosk: entry point. Everything lives in the app layer (kiosk/app). */
#include "app/app.h"

int main(int argc, char **argv) { return app_main(argc, argv); }
