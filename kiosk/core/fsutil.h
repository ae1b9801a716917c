/* fsutil: small file-system helpers shared by the kiosk's modules. */
#ifndef KIOSK_CORE_FSUTIL_H
#define KIOSK_CORE_FSUTIL_H

#include <sys/types.h>

/* mkdir -p: creates path and its missing parents with mode (folders that
 * already exist are left as they are). Returns 0 when path is a directory
 * afterwards, -1 otherwise (too long, not creatable, or a file is in the
 * way). */
int fs_make_dirs(const char *path, mode_t mode);

#endif
