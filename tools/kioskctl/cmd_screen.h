/* cmd_screen: `kioskctl screen --content DIR --household FILE.json`. */
#ifndef KIOSKCTL_CMD_SCREEN_H
#define KIOSKCTL_CMD_SCREEN_H

/* argv[0] is "screen". Runs the bundle's screener on one household file
 * (format in docs/screener.md) and prints the outcome as JSON on stdout.
 * Returns 0 (printed), 1 (bundle, screener or household refused; problems
 * on stderr) or 2 (usage). */
int cmd_screen(int argc, char **argv);

#endif
