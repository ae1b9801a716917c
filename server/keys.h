/* keys: the server's key files.
 *
 * Raw keys are stored as one line of standard base64 (seal.pub, seal.key,
 * admin.pub, admin.key); PEM files (certificates, TLS keys) are read whole.
 * Secret key files are created 0600 and never overwritten unless asked. */
#ifndef SERVER_KEYS_H
#define SERVER_KEYS_H

#include <stddef.h>
#include <sys/stat.h>

#include "kiosk/core/kerr.h"

/* Reads a whole file of at most max bytes and NUL-terminates it. The caller
 * owns *out (free). KERR_NOTFOUND if missing, KERR_LIMIT if larger. */
kerr keys_read_file(const char *path, size_t max, char **out, size_t *n);

/* Reads a base64 key file that must decode to exactly len bytes.
 * KERR_INVALID if it does not. */
kerr keys_read_b64(const char *path, unsigned char *out, size_t len);

/* Reads a list of base64 keys, one per line, each decoding to exactly len
 * bytes, into out[0..max*len); blank lines and lines starting with '#' are
 * skipped. The file is read through one descriptor, and *st (may be NULL)
 * gets that descriptor's fstat, so it names exactly the file that was
 * parsed. On any error nothing is promised about out: KERR_INVALID for a
 * line that is not such a key or a file with none, KERR_LIMIT for more than
 * max keys or a file over 8 KiB. *n = keys read. */
kerr keys_read_b64_list(const char *path, unsigned char *out, size_t len,
                        size_t max, size_t *n, struct stat *st);

/* Writes key as one base64 line; mode 0600 when secret, else 0644.
 * KERR_STATE if the file exists and force is 0. */
kerr keys_write_b64(const char *path, const unsigned char *key, size_t len,
                    int secret, int force);

/* Generates the X25519 sealing pair dir/seal.pub (32 bytes) and
 * dir/seal.key (32 bytes) for crypto_box_seal. */
kerr keys_gen_seal(const char *dir, int force);

/* Generates the Ed25519 administrator pair dir/admin.pub (32 bytes) and
 * dir/admin.key (64-byte libsodium secret key: seed || public key). */
kerr keys_gen_sign(const char *dir, int force);

/* Writes dir/check.key: 32 random bytes (base64, mode 0600) that key the
 * stored progress-query digests. KERR_STATE if it exists and force is 0. */
kerr keys_gen_check(const char *dir, int force);

/* Reads the check key dir/check.key, or makes it (0600, *created = 1) when
 * missing. A key file anyone may read has those bits removed (*narrowed =
 * 1; KERR_DENIED if that is not allowed); group access is left as the
 * deployment set it. Kept apart from the database on purpose: a copy of the
 * database alone does not give away the ID-number endings. */
kerr keys_check_key(const char *dir, unsigned char key[32], int *created,
                    int *narrowed);

#endif
