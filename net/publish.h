/* publish: uploads a signed content bundle to the backend, for kioskctl
 * (the kiosk itself never publishes; this module is not in its link line).
 *
 * publish_bundle() reads the bundle folder, checks every listed file
 * against the manifest's size and SHA-256, asks which files the backend
 * already has (GET /v1/content/files/{sha256} with If-None-Match; 304 =
 * stored) and sends the manifest, its signature and only the missing files
 * in one POST /v1/content.
 *
 * Requests go through net/http, the one HTTPS client, with its TLS policy
 * (see content_sync.h); answers are capped at 64 KiB. */
#ifndef KIOSK_NET_PUBLISH_H
#define KIOSK_NET_PUBLISH_H

#include <stddef.h>

#include "content_sync.h"
#include "core/kerr.h"
#include "http.h"

typedef struct publish publish;

typedef struct publish_config {
  const char *base_url; /* "https://host[:port]", no trailing slash */
  http_config http;     /* CA, certificate, key, pin, timeouts (total 0 ->
                           60000 ms here); max_response is publish's own */
} publish_config;

/* What publish_bundle() did. Strings are ASCII (from the server's English
 * error body) and may be empty. */
typedef struct publish_result {
  int http_status;       /* of the POST; 0 if none */
  size_t files_sent;     /* files uploaded */
  size_t files_present;  /* files the backend already had */
  char version[CONTENT_SYNC_VERSION_MAX]; /* of the bundle sent */
  char current_version[CONTENT_SYNC_VERSION_MAX]; /* the backend's newest
                           for the region, from a 409 answer; "" if none */
  char error_code[32];   /* "bad_signature", "not_administrator",
                            "conflict", ... */
  char message[256];
} publish_result;

/* A publisher for one backend (strings copied). KERR_INVALID for a missing
 * or non-https base URL (or one over 200 bytes) or a missing CA file,
 * certificate or key; KERR_CRYPTO, KERR_NOMEM, or http_create()'s errors. */
kerr publish_create(const publish_config *cfg, publish **out);

/* NULL is fine. */
void publish_destroy(publish *p);

/* Uploads the signed bundle in dir (manifest.json exactly as signed,
 * manifest.sig and every listed file). Returns KERR_OK on 201 (published)
 * or 200 (identical already published); KERR_NOTFOUND no manifest.sig
 * (unsigned); KERR_CRYPTO a file differs from the manifest locally, or the
 * backend says 403 (error_code "bad_signature": signature not by its
 * administrator key; "not_administrator": the client certificate is not an
 * administrator's); KERR_CONFLICT 409 (that version or a newer one is
 * already published; current_version names the backend's); KERR_INVALID
 * other 4xx; KERR_DENIED 401; KERR_BUSY 5xx/429; KERR_NET; KERR_LIMIT the
 * bundle exceeds the content limits. r (required) gets the details. */
kerr publish_bundle(publish *p, const char *dir, publish_result *r);

/* One published version as GET /v1/content lists it. */
typedef struct publish_version {
  char region[8];
  char version[CONTENT_SYNC_VERSION_MAX];
  char published_at[48]; /* RFC 3339, the backend's local time */
  char published_by[65]; /* administrator id; "" = not recorded */
} publish_version;

enum { PUBLISH_LIST_MAX = 500 };

/* Lists the versions published for region (every region when NULL), newest
 * first, into out[0..PUBLISH_LIST_MAX) (*n of them). Needs the
 * administrator's certificate. KERR_OK on 200; otherwise as
 * publish_bundle() (KERR_CRYPTO for 403 not_administrator), with r's
 * http_status, error_code and message. */
kerr publish_list(publish *p, const char *region, publish_version *out,
                  size_t *n, publish_result *r);

/* Downloads the region's current bundle from the backend into the new
 * folder dir (which must not exist: KERR_STATE) exactly as published:
 * manifest.json (the signed bytes), manifest.sig and every listed file,
 * each checked against its size and SHA-256 (KERR_CRYPTO if one differs).
 * The signature is kept, not checked: it is the copy an administrator
 * edits and signs again. Any client certificate of the deployment will do
 * (these are the kiosks' own download endpoints). KERR_NOTFOUND if
 * nothing is published for the region; r->version gets the version. On
 * failure dir is removed again if this call made it. */
kerr publish_fetch(publish *p, const char *region, const char *dir,
                   publish_result *r);

#endif
