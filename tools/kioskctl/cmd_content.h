/* cmd_content: `kioskctl content check|show|rehash DIR`. */
#ifndef KIOSKCTL_CMD_CONTENT_H
#define KIOSKCTL_CMD_CONTENT_H

/* argv[0] is "content", argv[1] "check", "show" or "rehash" (sign and
 * publish have their own files). Returns 0 (bundle good / done), 1 (bundle refused,
 * every problem printed) or 2 (usage). */
int cmd_content(int argc, char **argv);

#endif
