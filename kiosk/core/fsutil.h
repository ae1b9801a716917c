/* fsutil: small file-system helpers shared by the kiosk's modules. */
#ifndef KIOSK_CORE_FSUTIL_H
#define KIOSK_CORE_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "core/kerr.h"

/* mkdir -p: creates path and its missing parents with mode (folders that
 * already exist are left as they are). Returns 0 when path is a directory
 * afterwards, -1 otherwise (too long, not creatable, or a file is in the
 * way). */
int fs_make_dirs(const char *path, mode_t mode);

/* Reads the whole file at path, at most max bytes, into a new
 * NUL-terminated buffer (*out, free(); *len its bytes). KERR_NOTFOUND for
 * no such file, KERR_IO, KERR_LIMIT when it is larger than max, KERR_NOMEM.
 * For small configuration files, not personal data. */
kerr fs_read_file(const char *path, size_t max, char **out, size_t *len);

#endif
