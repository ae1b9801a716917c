/* sync_manifest: a content bundle's manifest.json as the network side sees
 * it: the version, region, expiry and the list of files with their size and
 * SHA-256. Shared by content_sync (installing bundles on the kiosk) and
 * publish (uploading them from kioskctl).
 *
 * Invariants of a parsed manifest: format >= 1; version passes
 * content_version_valid(); region is six digits; expires is a real date;
 * 1..CONTENT_MAX_FILES files, each path relative, at most 4 levels of
 * [A-Za-z0-9._-] parts not starting with '.', never manifest.json or
 * manifest.sig, listed once; sha is 64 lower-case hex digits; the sizes
 * add up to at most CONTENT_MAX_TOTAL_BYTES. */
#ifndef KIOSK_NET_SYNC_MANIFEST_H
#define KIOSK_NET_SYNC_MANIFEST_H

#include <stddef.h>

#include "content_sync.h"
#include "core/content.h"
#include "core/kerr.h"

typedef struct sync_manifest_file {
  char path[CONTENT_MAX_PATH + 1];
  char sha[65]; /* lower-case hex SHA-256 */
  size_t size;
} sync_manifest_file;

typedef struct sync_manifest {
  char version[CONTENT_SYNC_VERSION_MAX];
  char region[8];
  char expires[11];
  long format;
  sync_manifest_file *files; /* owned */
  size_t n_files;
} sync_manifest;

/* Parses manifest bytes (already signature-checked, or a bundle of our own)
 * into *m, which the caller frees with sync_manifest_free(). KERR_INVALID
 * with why filled for anything malformed, KERR_LIMIT for a bundle above
 * the total size limit, KERR_NOMEM; on error *m is empty. */
kerr sync_manifest_parse(const char *bytes, size_t n, sync_manifest *m,
                         char *why, size_t why_cap);

/* Frees the file list and empties *m. */
void sync_manifest_free(sync_manifest *m);

/* The SHA-256 of data as 64 lower-case hex digits and a NUL. */
void sync_manifest_sha_hex(const unsigned char *data, size_t n, char hex[65]);

/* Reads path if it is a regular file of exactly f->size bytes hashing to
 * f->sha; NULL otherwise. Caller frees. */
unsigned char *sync_manifest_read_file(const char *path,
                                       const sync_manifest_file *f);

#endif
