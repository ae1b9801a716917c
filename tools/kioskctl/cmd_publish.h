/* cmd_publish: `kioskctl content publish DIR --server URL --ca CA --cert CERT
 * --key KEY`. */
#ifndef KIOSKCTL_CMD_PUBLISH_H
#define KIOSKCTL_CMD_PUBLISH_H

/* argv[0] is "content", argv[1] "publish". Returns 0 (published, or the
 * identical bundle was already there), 1 (refused locally or by the server,
 * reason printed) or 2 (usage). */
int cmd_publish(int argc, char **argv);

#endif
