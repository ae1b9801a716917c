/* cmd_staff: `kioskctl staff hash|list`, the staff accounts of a bundle. */
#ifndef KIOSKCTL_CMD_STAFF_H
#define KIOSKCTL_CMD_STAFF_H

/* argv[0] is "staff". Returns 0 (done), 1 (refused: a PIN that is not
 * 6 to 12 digits, a staff.json with a problem) or 2 (usage). */
int cmd_staff(int argc, char **argv);

#endif
