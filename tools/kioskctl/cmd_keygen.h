/* cmd_keygen: `kioskctl keygen DIR`, the administrator's signing key pair. */
#ifndef KIOSKCTL_CMD_KEYGEN_H
#define KIOSKCTL_CMD_KEYGEN_H

/* argv[0] is "keygen". Returns 0 (pair made), 1 (refused: a key is already
 * there, or the folder cannot be written) or 2 (usage). */
int cmd_keygen(int argc, char **argv);

#endif
