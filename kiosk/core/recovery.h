/* recovery: the crash-recovery point of a half-filled form.
 *
 * If the kiosk program crashes or is restarted while someone is filling the
 * form, they should not have to start again. After each answer the app
 * writes the form's snapshot (form_snapshot) here; on start it offers the
 * point back if it is younger than max_age_s; when the session ends the
 * point is wiped.
 *
 * Invariants:
 *   - the point only ever lives in RAM-backed storage: the directory must be
 *     on tmpfs or ramfs (checked with statfs when created and before every
 *     write; anything else is refused with KERR_DENIED), so a power cut
 *     forgets it and nothing personal reaches a disk;
 *   - it is written atomically (a temporary file in the same directory,
 *     then rename), mode 0600, never through a symbolic link, so a reader
 *     sees either the old or the new point, never half of one;
 *   - each point carries its time and a BLAKE2b check over time, length and
 *     data; a point that is too old, from the future, damaged or too large
 *     is wiped instead of being offered;
 *   - wiping overwrites the bytes with zeros before unlinking.
 * Time is passed in (seconds of the wall clock, which survives a restart),
 * so tests control it. No global state; nothing here logs the contents. */
#ifndef KIOSK_CORE_RECOVERY_H
#define KIOSK_CORE_RECOVERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/kerr.h"

#define RECOVERY_DEFAULT_DIR "/dev/shm"
#define RECOVERY_DEFAULT_NAME "kiosk-form.rec"
#define RECOVERY_DEFAULT_MAX_AGE_S 300
#define RECOVERY_MAX_BYTES (8u * 1024u * 1024u)
#define RECOVERY_MAX_PATH 512

typedef struct recovery recovery;

typedef struct recovery_config {
  const char *dir;   /* runtime directory on tmpfs/ramfs; NULL: /dev/shm */
  const char *name;  /* file name (no '/'); NULL: RECOVERY_DEFAULT_NAME */
  int64_t max_age_s; /* offered back for this long; <= 0: the default */
} recovery_config;

/* Checks the directory (exists, is a directory, is RAM-backed) and makes a
 * handle. KERR_DENIED when it is not on tmpfs/ramfs, KERR_IO when it cannot
 * be examined, KERR_INVALID for a bad name or a path too long, KERR_NOMEM.
 * *out owns the handle (recovery_destroy). */
kerr recovery_create(const recovery_config *cfg, recovery **out);

/* Frees the handle; the point itself is left alone (see recovery_wipe). */
void recovery_destroy(recovery *r);

/* Path of the point (borrowed). */
const char *recovery_path(const recovery *r);

/* Replaces the point with len bytes of data stamped now_s. KERR_DENIED if
 * the directory is no longer RAM-backed, KERR_LIMIT above
 * RECOVERY_MAX_BYTES, KERR_IO (nothing half-written is left) or KERR_FULL
 * when the tmpfs is full. */
kerr recovery_save(recovery *r, const void *data, size_t len, int64_t now_s);

/* Reads the point if there is one younger than max_age_s at now_s. On
 * KERR_OK *data is a new NUL-terminated buffer of *len bytes (release with
 * recovery_data_free) and *saved_s (may be NULL) its time. KERR_NOTFOUND: no
 * point. KERR_STATE: too old or stamped in the future; KERR_CRYPTO: damaged
 * or not a point. In both of these the point has been wiped. */
kerr recovery_load(recovery *r, int64_t now_s, char **data, size_t *len,
                   int64_t *saved_s);

/* Wipes and frees a buffer from recovery_load. */
void recovery_data_free(char *data, size_t len);

/* Overwrites the point (and any temporary file) with zeros and unlinks it.
 * KERR_OK also when there is none; KERR_IO if it cannot be removed. */
kerr recovery_wipe(recovery *r);

/* A session_wipe_fn: recovery_wipe(ud). */
void recovery_wipe_cb(void *ud);

#endif
