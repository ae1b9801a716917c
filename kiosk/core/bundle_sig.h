/* bundle_sig: Ed25519 signatures over a content bundle's manifest.
 *
 * A bundle's manifest.sig holds the 64-byte detached Ed25519 signature of the
 * exact bytes of its manifest.json. The manifest fixes the size and SHA-256
 * of every other file, so a valid signature covers the whole bundle; the
 * loader (content_load) then checks those sizes and hashes.
 *
 * A kiosk trusts a small set of administrator public keys (more than one so
 * a key can be rotated: publish with the new key once every kiosk trusts
 * both). A bundle is accepted when any one trusted key verifies it.
 * Ed25519 signatures do not name their key, so "signed with a key this kiosk
 * does not trust" and "manifest changed after signing" look the same; both
 * are refused as "no trusted key verifies the signature".
 *
 * Key files are one line of standard base64 (trailing white space ignored),
 * the format of scripts/dev-pki.sh and `kiosk-server keygen`:
 *   admin.pub  the 32-byte public key                     (mode 0644)
 *   admin.key  libsodium's 64-byte secret key, seed || pk  (mode 0600)
 * Secret keys are wiped from memory after use. No global state; every file
 * read has a size cap and symbolic links are not followed. */
#ifndef KIOSK_CORE_BUNDLE_SIG_H
#define KIOSK_CORE_BUNDLE_SIG_H

#include <stddef.h>

#include "core/content_problems.h"
#include "core/kerr.h"

#define BUNDLE_SIG_BYTES 64
#define BUNDLE_SIG_PUBLIC_BYTES 32
#define BUNDLE_SIG_SECRET_BYTES 64
#define BUNDLE_SIG_MAX_KEYS 16
#define BUNDLE_SIG_KEY_FILE_MAX 4096

/* A trusted administrator public key (a small value type). */
typedef struct bundle_sig_key {
  unsigned char pk[BUNDLE_SIG_PUBLIC_BYTES];
} bundle_sig_key;

/* Decodes one base64 public key (surrounding white space ignored) into
 * *out. KERR_INVALID if it is not base64 of exactly 32 bytes. */
kerr bundle_sig_key_parse(const char *b64, bundle_sig_key *out);

/* Decodes a comma- or space-separated list of base64 public keys (the form
 * a configuration value takes) into keys[0..*n). At most `cap` keys (and at
 * most BUNDLE_SIG_MAX_KEYS); KERR_LIMIT if there are more, KERR_INVALID if
 * one is malformed or the list is empty. */
kerr bundle_sig_keys_parse(const char *list, bundle_sig_key *keys, size_t cap,
                           size_t *n);

/* Reads a public key file (admin.pub). KERR_NOTFOUND, KERR_IO, KERR_LIMIT
 * (file larger than BUNDLE_SIG_KEY_FILE_MAX) or KERR_INVALID. */
kerr bundle_sig_key_load(const char *path, bundle_sig_key *out);

/* Reads a secret key file (admin.key) into sk and checks that its public
 * half belongs to its seed. The caller wipes sk (sodium_memzero) after use.
 * KERR_NOTFOUND, KERR_IO, KERR_LIMIT, KERR_INVALID (not base64 of 64 bytes,
 * or an inconsistent key). */
kerr bundle_sig_secret_load(const char *path,
                            unsigned char sk[BUNDLE_SIG_SECRET_BYTES]);

/* Makes a new key pair in folder dir: dir/admin.key (0600) and
 * dir/admin.pub (0644), both written and fsynced before returning. Refuses
 * (KERR_STATE) when either file already exists, so an existing key is never
 * overwritten; KERR_IO if the folder cannot be written. On success *pub (may
 * be NULL) gets the public key. */
kerr bundle_sig_keygen(const char *dir, bundle_sig_key *pub);

/* Signs manifest[0..len) with sk into sig. KERR_CRYPTO if libsodium
 * cannot be initialised. */
kerr bundle_sig_sign(const unsigned char *manifest, size_t len,
                     const unsigned char sk[BUNDLE_SIG_SECRET_BYTES],
                     unsigned char sig[BUNDLE_SIG_BYTES]);

/* Verifies sig over manifest[0..len) against keys[0..n). KERR_OK if one of
 * them verifies (its index goes to *which, may be NULL); KERR_CRYPTO if none
 * does; KERR_INVALID if n is 0 (no trusted key: nothing can be accepted). */
kerr bundle_sig_verify(const unsigned char *manifest, size_t len,
                       const unsigned char sig[BUNDLE_SIG_BYTES],
                       const bundle_sig_key *keys, size_t n, size_t *which);

/* Signs the bundle in dir: reads dir/manifest.json exactly as stored and
 * writes dir/manifest.sig (64 bytes) through a temporary file, fsync and
 * rename, so a reader never sees half a signature. Does not check the
 * bundle's contents (the caller runs content_load first). KERR_NOTFOUND no
 * manifest, KERR_LIMIT manifest over CONTENT_MAX_MANIFEST_BYTES, KERR_IO. */
kerr bundle_sig_sign_dir(const char *dir,
                         const unsigned char sk[BUNDLE_SIG_SECRET_BYTES]);

/* Checks dir/manifest.sig against dir/manifest.json and keys[0..n), for the
 * app to call before content_load() when the kiosk is configured with
 * trusted keys (production kiosks refuse unsigned bundles). Appends one
 * problem in plain Chinese to `problems` (may be NULL) on failure:
 *   KERR_NOTFOUND  no manifest.json or no manifest.sig (unsigned bundle)
 *   KERR_INVALID   manifest.sig is not 64 bytes, or n is 0
 *   KERR_CRYPTO    no trusted key verifies the signature
 *   KERR_IO / KERR_LIMIT  unreadable, a symbolic link, or too large. */
kerr bundle_sig_verify_dir(const char *dir, const bundle_sig_key *keys,
                           size_t n, content_problems *problems);

/* Reads a regular file (no symbolic link followed) of at most max bytes
 * into a new NUL-terminated buffer *data (caller frees) of *len bytes.
 * KERR_NOTFOUND, KERR_IO (also: not a regular file, a symbolic link),
 * KERR_LIMIT (larger than max), KERR_NOMEM. Shared with the publishing
 * tools, which read manifests and key files the same way. */
kerr bundle_sig_read_file(const char *path, size_t max, unsigned char **data,
                          size_t *len);

#endif
