/* content: checking a content bundle an administrator publishes.
 *
 * POST /v1/content carries the manifest bytes exactly as signed (base64),
 * the detached Ed25519 signature over those bytes, and the files that are
 * new. Publishing is accepted only if the signature verifies against one
 * of the configured administrator public keys, the manifest is a JSON object with
 * "version", "region" and "files", and every file sent hashes to an entry of
 * the manifest with the right size. Whether files left out are already
 * stored is the caller's check (it needs the store). */
#ifndef SERVER_CONTENT_H
#define SERVER_CONTENT_H

#include <stddef.h>

#include "kiosk/core/kerr.h"
#include "store.h"

enum {
  CONTENT_MANIFEST_MAX = 1024 * 1024, /* manifest bytes */
  CONTENT_FILES_MAX = 4096,           /* entries in a manifest */
  CONTENT_PATH_MAX = 255
};

/* One file as the manifest lists it. */
typedef struct content_entry {
  char sha256[STORE_DIGEST_HEX + 1];
  double size;
} content_entry;

/* A checked publication; the pointers in m and files point into it. */
typedef struct content_publish {
  store_manifest m;
  store_file *files;    /* files sent with the request */
  size_t n_files;
  content_entry *listed; /* every file the manifest lists */
  size_t n_listed;
  unsigned char *manifest_buf;
  unsigned char **file_bufs;
} content_publish;

/* Parses and checks a publish request against the administrator public
 * keys admin_pub[0..32 * n_keys) (32 bytes each). KERR_CRYPTO if the signature
 * verifies against none of them; KERR_PARSE/KERR_INVALID/KERR_LIMIT for a
 * bad request (msg says why). On KERR_OK *out is filled (free with
 * content_publish_free); out->m.published_at and published_by are left
 * empty for the caller. */
kerr content_publish_parse(const char *body, size_t n,
                           const unsigned char *admin_pub, size_t n_keys,
                           content_publish *out, char *msg, size_t msgcap);

/* Frees what content_publish_parse allocated; safe on a zeroed struct. */
void content_publish_free(content_publish *p);

/* The bytes of the file at path (e.g. "catalogue.json") in the newest
 * content version published for region: what that region's kiosks run.
 * *data is malloc'ed (caller frees), at most max bytes. KERR_NOTFOUND when
 * the region has no published version or the version no such file,
 * KERR_LIMIT when it is larger than max. */
kerr content_region_file(store *st, const char *region, const char *path,
                         size_t max, unsigned char **data, size_t *len);

/* 1 if s is 64 lower-case hex digits. */
int content_sha256_ok(const char *s);

#endif
