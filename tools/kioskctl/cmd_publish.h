/* cmd_publish: `kioskctl content publish DIR --server URL --ca CA --cert CERT
 * --key KEY`, and the two other commands that talk to the backend as the
 * administrator: `content fetch` and `content published`. */
#ifndef KIOSKCTL_CMD_PUBLISH_H
#define KIOSKCTL_CMD_PUBLISH_H

/* argv[0] is "content", argv[1] "publish". Returns 0 (published, or the
 * identical bundle was already there), 1 (refused locally or by the server,
 * reason printed) or 2 (usage). */
int cmd_publish(int argc, char **argv);

/* `kioskctl content fetch REGION DIR --server ... --cert ... --key ...`:
 * the region's current bundle from the backend into the new folder DIR.
 * 0 fetched, 1 refused or failed (reason printed), 2 usage. */
int cmd_fetch(int argc, char **argv);

/* `kioskctl content published --server ... [--region R]`: the published
 * versions with date and administrator. 0, 1 or 2 as above. */
int cmd_published(int argc, char **argv);

#endif
