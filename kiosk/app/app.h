/* app: the application context and main loop. */
#ifndef KIOSK_APP_APP_H
#define KIOSK_APP_APP_H

/* Runs the kiosk with command-line arguments; returns the exit status. */
int app_main(int argc, char **argv);

#endif
