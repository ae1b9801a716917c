/* store_copy: moves a SQLite store into a PostgreSQL one
 * (kiosk-server copy --from FILE --to postgresql://...).
 *
 * Re-runnable: an application already in the target (same uuid) is left
 * as it is and nothing of it is copied again, so an interrupted copy is
 * finished by running it again and no application is lost or doubled.
 * Changes made in the SQLite file to an application after it was copied
 * are not carried over: stop the server for the last run. */
#ifndef SERVER_STORE_COPY_H
#define SERVER_STORE_COPY_H

#include <stdint.h>

#include "kiosk/core/kerr.h"

typedef struct store_copy_stats {
  int schema;            /* the schema version both are at */
  int64_t apps_seen;     /* applications in the file */
  int64_t apps_copied;   /* copied now */
  int64_t apps_present;  /* already in the target, the same body */
  int64_t apps_differ;   /* already there under the uuid, another body */
  int64_t apps_refused;  /* (device, reference) taken in the target */
  int64_t staff, files, manifests, devices, audit; /* rows taken now */
} store_copy_stats;

/* Copies the SQLite file from into the PostgreSQL database to (a
 * postgresql:// URI; its schema is brought up to date first). Both must
 * be at the same schema version (KERR_STATE otherwise: migrate the file).
 * KERR_INVALID if from is not a file or to not a PostgreSQL URI, KERR_IO
 * if either cannot be read or written. *out says what was done. */
kerr store_copy(const char *from, const char *to, store_copy_stats *out);

#endif
