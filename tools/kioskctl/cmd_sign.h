/* cmd_sign: `kioskctl content sign DIR --key KEY`. */
#ifndef KIOSKCTL_CMD_SIGN_H
#define KIOSKCTL_CMD_SIGN_H

/* argv[0] is "content", argv[1] "sign". Returns 0 (signed), 1 (bundle or
 * key refused, every reason printed) or 2 (usage). */
int cmd_sign(int argc, char **argv);

#endif
