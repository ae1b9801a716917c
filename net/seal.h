/* seal: turning a finished application into the envelope the backend takes.
 *
 * The plaintext application JSON is sealed with crypto_box_seal to the
 * backend's X25519 public key before anything touches disk; the kiosk holds
 * no secret key and cannot open it again. The envelope (docs/protocol.md,
 * "Submit an application") carries only what the backend needs without
 * opening the seal: uuid, reference, device, time, region, item codes,
 * whether it is urgent, content version, who assisted, and the check_digest
 * for progress queries.
 * The applicant's ID number never enters the envelope, only the BLAKE2b
 * digest over the reference and its last four characters. */
#ifndef KIOSK_NET_SEAL_H
#define KIOSK_NET_SEAL_H

#include <stddef.h>
#include <time.h>

#include "core/kerr.h"

#define SEAL_PUBLICKEY_BYTES 32
#define SEAL_UUID_BUF 37      /* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" + NUL */
#define SEAL_DIGEST_BUF 65    /* 64 hex digits + NUL */
#define SEAL_TIME_BUF 32      /* "2026-11-22T09:30:00+08:00" + NUL */
/* Largest plaintext accepted: the sealed bytes (plaintext +
 * crypto_box_SEALBYTES) stay under the backend's 8 MiB, with room to spare,
 * so an application with 4 MiB of photographed pages (5.4 MiB as base64)
 * and its answers fits; the envelope's base64 is under
 * OUTBOX_ENVELOPE_MAX. */
#define SEAL_PLAINTEXT_MAX (8u * 1024u * 1024u - 64u * 1024u)
#define SEAL_ITEMS_MAX 32
#define SEAL_FIELD_MAX 64     /* longest identifier field (device id, ...) */

/* What goes into the envelope besides the sealed payload. All strings are
 * borrowed. assisted_by may be NULL (sent as null). last4 is the last four
 * characters of the applicant's ID number; it only feeds check_digest. */
typedef struct seal_meta {
  const char *uuid;
  const char *reference;      /* canonical, see refno.h */
  const char *device_id;
  const char *created_at;     /* see seal_time_format() */
  const char *region;
  const char *const *items;   /* assistance item codes, [a-z0-9_]+ */
  size_t n_items;
  /* 1 when the form says the application is urgent (form_urgent(): an
   * emergency item was chosen); sent as "urgent": true / false so the
   * backend can list it first without opening the seal. */
  int urgent;
  const char *content_version;
  const char *assisted_by;
  /* NULL when there is nothing the applicant could type back later (no ID
   * number and no phone of their own): "check_digest" is then null and
   * the progress query cannot find it; the office still has it. */
  const char *last4;
  /* NULL or "application": an application (at least one item; "kind" is
   * not sent). "referral": 帮别人求助, a lead about someone else, with no
   * items; sent as "kind": "referral". */
  const char *kind;
} seal_meta;

/* Decodes the backend's public key from base64 (32 bytes). KERR_PARSE for
 * bad base64, KERR_INVALID for the wrong length. */
kerr seal_key_parse(const char *b64, unsigned char pk[SEAL_PUBLICKEY_BYTES]);

/* Writes a fresh RFC 4122 version 4 UUID (lower case) from libsodium's
 * randombytes. Cannot fail. */
void seal_uuid_v4(char out[SEAL_UUID_BUF]);

/* 1 if s is a lower-case RFC 4122 v4 UUID, else 0. */
int seal_uuid_valid(const char *s);

/* Writes hex BLAKE2b-256 of "kiosk-status-v1|" + reference + "|" + LAST4
 * (LAST4 upper-cased). KERR_INVALID if reference is not a canonical
 * reference or last4 is not 4 characters of [0-9Xx]. */
kerr seal_check_digest(const char *reference, const char *last4,
                       char out[SEAL_DIGEST_BUF]);

/* Formats t as local time with its UTC offset, "2026-11-22T09:30:00+08:00".
 * KERR_RANGE if the time cannot be represented. */
kerr seal_time_format(time_t t, char out[SEAL_TIME_BUF]);

/* Seals len bytes of plain to pk and returns the base64 (original variant,
 * padded) in *b64_out, heap-allocated, caller frees with free().
 * KERR_LIMIT if len > SEAL_PLAINTEXT_MAX, KERR_NOMEM, KERR_CRYPTO. */
kerr seal_box_b64(const unsigned char pk[SEAL_PUBLICKEY_BYTES],
                  const void *plain, size_t len, char **b64_out);

/* Builds the submit body: validates meta, seals plain, computes the
 * check_digest, and returns compact JSON in *envelope_out (heap, caller
 * frees with free()). The plaintext is not modified or kept; the caller
 * wipes it. KERR_INVALID for a bad meta field (nothing is sealed),
 * KERR_LIMIT for a too large plaintext, KERR_NOMEM, KERR_CRYPTO. */
kerr seal_envelope(const seal_meta *m,
                   const unsigned char pk[SEAL_PUBLICKEY_BYTES],
                   const void *plain, size_t len, char **envelope_out);

/* Gives a built envelope a new reference: "reference" becomes new_ref and
 * "check_digest" is recomputed for it. The kiosk does not keep the ID
 * number's last four characters, so they are found again by trying the
 * 14 641 possible endings against the old digest (in memory, wiped); the
 * sealed payload is untouched (it cannot be reopened here, and keeps the
 * reference it was sealed with). New envelope in *out (heap, free()).
 * An envelope whose check_digest is null keeps it null.
 * KERR_PARSE if env is not an envelope, KERR_INVALID if new_ref is not
 * canonical or no ending matches, KERR_NOMEM. */
kerr seal_envelope_rereference(const char *env, const char *new_ref,
                               char **out);

#endif
