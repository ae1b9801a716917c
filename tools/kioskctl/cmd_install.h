/* cmd_install: `kioskctl content install DIR [--data D] [--config F]`. */
#ifndef KIOSKCTL_CMD_INSTALL_H
#define KIOSKCTL_CMD_INSTALL_H

/* argv[0] is "content", argv[1] "install". Returns 0 (installed, or the
 * same bundle already installed), 1 (refused, the reason printed in
 * Chinese) or 2 (usage). */
int cmd_install(int argc, char **argv);

#endif
