/* content_sync: the kiosk keeps its content bundle up to date, safely.
 *
 * content_sync_check() asks the backend for the newest signed manifest of
 * the kiosk's region (GET /v1/content/{region}/manifest, If-None-Match with
 * the last ETag), and installs it only if
 *   - one of the trusted administrator keys verifies manifest.sig over the
 *     exact manifest bytes,
 *   - it is format 1, for this region, not expired, and its version is newer
 *     than the one in use (an older version is a rollback and is refused;
 *     the same version is simply "nothing new"),
 *   - every file has the listed size and SHA-256, and the finished folder
 *     passes bundle_sig_verify_dir() and content_load().
 * Files whose SHA-256 the kiosk already has (in the bundle in use, or in an
 * optional local store of files named by their hash) are copied, not
 * downloaded (GET /v1/content/files/{sha256}); every byte is re-hashed
 * whatever its source.
 *
 * On disk, under data_dir/content/:
 *   <version>/          complete bundles (the one in use and the previous)
 *   <version>.staging/  a bundle being assembled; removed if a sync dies
 *   current             symbolic link -> "<version>" (relative)
 *   .lock               flock()ed while a sync runs (one at a time)
 * Switching: every file and folder of the new bundle is written and fsynced
 * in <version>.staging, which is renamed to <version> (folder fsynced);
 * then a new link current.new -> <version> is renamed over current (folder
 * fsynced). rename() is atomic, so after a crash or power cut at any
 * instant `current` names either the complete old or the complete new
 * bundle, never a mix. Older bundles beyond the previous one are removed.
 *
 * How the app uses it (the UI thread never waits on the network):
 *   start-up: content_sync_current() gives data_dir/content/<version>;
 *     verify it with bundle_sig_verify_dir() and content_load() it; if there
 *     is none or it is refused, use the bundle shipped with the program.
 *   worker thread, every few hours: content_sync_check(); on
 *     CONTENT_SYNC_UPDATED post result.bundle_dir to the UI thread, which,
 *     between two citizens' sessions, calls content_replace(&current,
 *     result.bundle_dir, ...) — never in the middle of a session.
 *   shutdown: content_sync_abort() from the UI thread ends a transfer in
 *     progress within a fraction of a second.
 *
 * The other direction, uploading a bundle for kioskctl, is net/publish.
 *
 * Requests go through net/http, the one HTTPS client, and follow its TLS
 * policy (https only, TLS 1.2+, the deployment CA file alone, a
 * subjectAltName required, client certificate, optional SPKI pin, no
 * redirects), with connect/total/low-speed timeouts and capped headers and
 * bodies (the manifest answer at 256 KiB + 1 KiB, a file at its listed
 * size).
 * Logs name versions, regions, hashes and reasons, never personal data.
 * An object is used by one thread at a time (content_sync_abort() excepted).
 */
#ifndef KIOSK_NET_CONTENT_SYNC_H
#define KIOSK_NET_CONTENT_SYNC_H

#include <stddef.h>
#include <time.h>

#include "core/bundle_sig.h"
#include "core/kerr.h"

typedef struct content_sync content_sync;

typedef struct content_sync_config {
  /* Backend. Needed by content_sync_check(). */
  const char *base_url;      /* "https://host[:port]", no trailing slash */
  const char *ca_file;       /* deployment CA (PEM) */
  const char *cert_file;     /* client certificate (PEM) */
  const char *key_file;      /* its key (PEM) */
  const char *pinned_pubkey; /* "sha256//<base64>" or NULL */
  long connect_timeout_ms;   /* 0 -> 5000 */
  long total_timeout_ms;     /* 0 -> 60000 (per request) */
  /* Kiosk side. Needed by content_sync_check() and _install_dir(). */
  const char *region;        /* six digits: the manifest to ask for */
  const char *data_dir;      /* bundles go to data_dir/content/ */
  const char *store_dir;     /* optional: files named by lower-case hex
                                SHA-256, reused instead of downloading */
  const bundle_sig_key *keys; /* trusted administrator keys (copied) */
  size_t n_keys;
  /* Version in use when data_dir has no bundle yet (the bundle shipped
   * with the program); nothing older or equal is installed. May be NULL. */
  const char *running_version;
  /* Clock for the expiry check (local date); NULL -> time(). */
  time_t (*now)(void *ud);
  void *now_ud;
} content_sync_config;

typedef enum content_sync_outcome {
  CONTENT_SYNC_UNCHANGED = 0, /* nothing newer to install */
  CONTENT_SYNC_UPDATED,       /* a new bundle is in place, `current` moved */
  CONTENT_SYNC_REFUSED,       /* the offered bundle must not be used */
  CONTENT_SYNC_FAILED         /* could not finish now (network, disk): retry */
} content_sync_outcome;

typedef enum content_sync_reason {
  CONTENT_SYNC_R_NONE = 0,
  CONTENT_SYNC_R_NOT_MODIFIED, /* 304: same manifest as last time */
  CONTENT_SYNC_R_NOTHING,      /* 404: nothing published for the region */
  CONTENT_SYNC_R_SAME,         /* the version in use */
  CONTENT_SYNC_R_OLDER,        /* older than the version in use: rollback */
  CONTENT_SYNC_R_EXPIRED,      /* past its expiry date */
  CONTENT_SYNC_R_SIGNATURE,    /* no trusted key verifies it */
  CONTENT_SYNC_R_REGION,       /* made for another region */
  CONTENT_SYNC_R_FORMAT,       /* a newer bundle format: upgrade the kiosk */
  CONTENT_SYNC_R_MANIFEST,     /* malformed answer or manifest */
  CONTENT_SYNC_R_FILE,         /* a file of the wrong size or SHA-256,
                                  including a truncated download */
  CONTENT_SYNC_R_BUNDLE,       /* the assembled bundle fails content_load */
  CONTENT_SYNC_R_NETWORK,      /* no connection, TLS failure, timeout */
  CONTENT_SYNC_R_SERVER,       /* busy or unexpected HTTP status */
  CONTENT_SYNC_R_DISK,         /* cannot write data_dir */
  CONTENT_SYNC_R_BUSY,         /* another sync holds the lock */
  CONTENT_SYNC_R_ABORTED       /* content_sync_abort() */
} content_sync_reason;

#define CONTENT_SYNC_VERSION_MAX 64
#define CONTENT_SYNC_PATH_MAX 1024

typedef struct content_sync_result {
  content_sync_outcome outcome;
  content_sync_reason reason;
  char version[CONTENT_SYNC_VERSION_MAX];  /* offered version, if known */
  char bundle_dir[CONTENT_SYNC_PATH_MAX];  /* UPDATED: data_dir/content/<v> */
  size_t files_downloaded;
  size_t files_reused;
  size_t bytes_downloaded;
  char detail[256]; /* English, for logs and the staff device page */
} content_sync_result;

/* Creates a syncer; the configuration (strings, keys) is copied.
 * KERR_INVALID if base_url is given but not https://, or a region is not
 * six digits, or more than BUNDLE_SIG_MAX_KEYS keys; KERR_NOMEM;
 * KERR_INTERNAL if libcurl cannot be initialised. */
kerr content_sync_create(const content_sync_config *cfg, content_sync **out);

/* Frees it. NULL is accepted. */
void content_sync_destroy(content_sync *s);

/* Makes the check in progress (and every later one) end promptly with
 * KERR_STATE / CONTENT_SYNC_R_ABORTED. Safe from any thread. */
void content_sync_abort(content_sync *s);

/* One round: see the top of this file. r (required) says what happened.
 * Returns KERR_OK for UNCHANGED and UPDATED; for REFUSED KERR_CRYPTO
 * (signature, file), KERR_STATE (older version), KERR_INVALID (expired,
 * region, format, manifest, bundle); for FAILED KERR_NET, KERR_BUSY,
 * KERR_IO, KERR_NOMEM or KERR_STATE (aborted). KERR_INVALID without
 * trying if the configuration lacks base_url, region, data_dir or keys. In
 * every case other than UPDATED `current` is exactly as it was. */
kerr content_sync_check(content_sync *s, content_sync_result *r);

/* Installs a signed bundle from a local folder (a USB stick, a test
 * fixture) with the same checks and the same staging and switch as
 * content_sync_check(); files are taken from src_dir. */
kerr content_sync_install_dir(content_sync *s, const char *src_dir,
                              content_sync_result *r);

/* The bundle in use under data_dir: dir gets data_dir/content/<version>
 * (cap bytes) and version (vcap bytes, may be NULL) its version.
 * KERR_NOTFOUND if there is no `current` link or it does not name a
 * version folder; KERR_LIMIT if a buffer is too small. */
kerr content_sync_current(const char *data_dir, char *dir, size_t cap,
                          char *version, size_t vcap);

/* Cuts the answer of GET /v1/content/{region}/manifest into the exact
 * manifest bytes (*manifest points into body, *len bytes) and the decoded
 * signature. The answer must be one JSON object with exactly the members
 * "manifest" (an object) and "signature" (base64 of 64 bytes), nested at
 * most 32 deep. KERR_PARSE otherwise. Exposed for tests. */
kerr content_sync_split(const char *body, size_t n, const char **manifest,
                        size_t *len, unsigned char sig[BUNDLE_SIG_BYTES]);

/* Short English name of a reason ("older", "signature", ...). */
const char *content_sync_reason_str(content_sync_reason reason);

#endif
