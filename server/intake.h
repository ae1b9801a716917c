/* intake: checking what devices send (applications, heartbeats, progress
 * queries) before anything is stored.
 *
 * Pure functions over bytes: no I/O, no clock, so the rules are tested
 * directly. An application is accepted only if every field is present with
 * the right type and shape and no other field is there; its canonical hash
 * (BLAKE2b over the fields in a fixed order) is what makes a resend
 * recognisable whatever the key order or whitespace. */
#ifndef SERVER_INTAKE_H
#define SERVER_INTAKE_H

#include <stddef.h>

#include "kiosk/core/kerr.h"
#include "store.h"

enum {
  INTAKE_MAX_ITEMS = 32,
  INTAKE_ITEM_MAX = 40,
  INTAKE_SEALED_MAX = 8 * 1024 * 1024, /* decoded bytes */
  INTAKE_ERRORS_MAX = 16,
  INTAKE_ERROR_LEN = 200, /* characters of one last_errors entry */
  INTAKE_CHECK_KEY = 32, /* bytes of the server's check key (check.key) */
  INTAKE_PAGES_MAX = 24,     /* photographed pages (attachments) */
  INTAKE_PAGE_NO_MAX = 24,   /* an attachment's "page" within its material */
  INTAKE_PAGE_DIM_MAX = 10000, /* width and height, pixels */
  INTAKE_MATERIAL_MAX = 400  /* characters of an attachment's material */
};

struct cJSON;

/* A checked application: app's borrowed pointers point into this struct.
 * Between intake_app_begin and intake_app_finish it also holds the parsed
 * body (doc), whose "sealed" text the canonical hash is taken over. */
typedef struct intake_app {
  store_app app;
  char *items_json;
  unsigned char *sealed;
  struct cJSON *doc;
  const char *sealed_b64; /* in doc */
  int no_check;           /* check_digest was null */
} intake_app;

/* Parses and checks an application body. When check_key is not NULL the
 * device's unkeyed check_digest is replaced by the keyed one
 * (intake_check_rekey; a digest of no possible ending is refused) before
 * the canonical hash is taken, so neither stored value can be brute-forced
 * without the key. On KERR_OK *out is filled (free with intake_app_free).
 * On failure msg holds an English reason and the error is KERR_PARSE (not
 * JSON), KERR_LIMIT or KERR_INVALID. */
kerr intake_app_parse(const char *body, size_t n,
                      const unsigned char *check_key, intake_app *out,
                      char *msg, size_t msgcap);

/* The same, trying first the endings in hints[0..n_hints) — the last four
 * characters of the ID number and phones the opened payload holds (what
 * the kiosk took the ending from) — and searching every possible ending
 * only when none of them is it: one hash each instead of 14 641. */
#define INTAKE_HINTS_MAX 4

/* intake_app_parse_hinted in two steps, so the body is parsed once while
 * the sealed payload is opened in between for the hints: begin checks
 * every field and decodes the sealed box (app is filled but for the keyed
 * check digest and body_hash); finish keys the check digest (trying hints
 * first) and takes the canonical hash. Errors as intake_app_parse; on any
 * failure *out is freed. intake_app_free also frees a begun one. */
kerr intake_app_begin(const char *body, size_t n, intake_app *out, char *msg,
                      size_t msgcap);
kerr intake_app_finish(intake_app *out, const unsigned char *check_key,
                       const char (*hints)[5], size_t n_hints, char *msg,
                       size_t msgcap);

/* The endings a kiosk may have taken the check from, read from an opened
 * payload (plain, n bytes of JSON): the last four characters of
 * answers.applicant_id, answers.applicant_phone and answers.reporter_phone,
 * each when present (net: form_host's check_ending). Returns how many
 * (at most INTAKE_HINTS_MAX); the copies are wiped. */
size_t intake_payload_hints(const char *plain, size_t n,
                            char hints[INTAKE_HINTS_MAX][5]);
/* The same from a payload already parsed (pt, may be NULL: none). */
size_t intake_payload_hints_json(const struct cJSON *pt,
                                 char hints[INTAKE_HINTS_MAX][5]);
kerr intake_app_parse_hinted(const char *body, size_t n,
                             const unsigned char *check_key,
                             const char (*hints)[5], size_t n_hints,
                             intake_app *out, char *msg, size_t msgcap);

/* Checks the photographed pages of an opened payload (pt): its
 * "attachments", when present, must be an array of at most
 * INTAKE_PAGES_MAX objects with exactly the fields of
 * docs/submission.schema.json ("items" 1..INTAKE_MAX_ITEMS ids of
 * [a-z0-9_], "material" 1..INTAKE_MATERIAL_MAX characters, "page"
 * 1..INTAKE_PAGE_NO_MAX, "type" "image/jpeg", "width" and "height"
 * 1..INTAKE_PAGE_DIM_MAX, "data" standard base64 without line breaks of
 * bytes that begin with a JPEG's FF D8 FF). KERR_OK when absent or
 * right; KERR_INVALID with an English msg naming the entry (never its
 * values). Nothing is decoded: the base64 is checked as
 * intake_page_decode would take it. */
kerr intake_payload_pages(const struct cJSON *pt, char *msg, size_t msgcap);

/* Decodes attachment att's "data" (checked by intake_payload_pages) into
 * a malloc'ed *jpeg of *len bytes, which the caller wipes and frees.
 * KERR_INVALID if it is not base64 of a JPEG, KERR_NOMEM. */
kerr intake_page_decode(const struct cJSON *att, unsigned char **jpeg,
                        size_t *len);

/* The canonical hash of an application: BLAKE2b-256 over its fields in a
 * fixed order, sealed as its base64 text. */
void intake_app_hash(const store_app *a, const char *sealed_b64,
                     unsigned char out[32]);

/* 1 if s is an RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS, optional fraction
 * of 1-9 digits, then Z or +HH:MM / -HH:MM; the date must exist. */
int intake_time_ok(const char *s);

/* Frees what intake_app_parse allocated; safe on a zeroed struct. */
void intake_app_free(intake_app *a);

/* A checked heartbeat; dev's last_errors_json points into errors_json. */
typedef struct intake_heartbeat {
  store_device dev;
  char *errors_json;
} intake_heartbeat;

/* Parses and checks a heartbeat body (see docs/protocol.md). */
kerr intake_heartbeat_parse(const char *body, size_t n, intake_heartbeat *out,
                            char *msg, size_t msgcap);

/* Frees what intake_heartbeat_parse allocated. */
void intake_heartbeat_free(intake_heartbeat *h);

/* The status check digest: lower-case hex BLAKE2b-256 of
 * "kiosk-status-v1|" reference "|" LAST4 (upper-cased here). hex must hold
 * 65 bytes. KERR_INVALID if last4 is not 4 characters [0-9A-Za-z]. */
kerr intake_check_digest(const char *reference, const char *last4,
                         char hex[65]);

/* What the server stores and compares: lower-case hex of BLAKE2b-256 keyed
 * with the server's check key over "kiosk-status-v2|" reference "|" LAST4
 * (upper-cased). Same errors as intake_check_digest. */
kerr intake_check_mac(const unsigned char key[INTAKE_CHECK_KEY],
                      const char *reference, const char *last4, char hex[65]);

/* Turns a device's unkeyed digest into the keyed one by trying every ending
 * a kiosk can send ([0-9X]{4}). KERR_NOTFOUND if none matches. */
kerr intake_check_rekey(const unsigned char key[INTAKE_CHECK_KEY],
                        const char *reference, const char *old_hex,
                        char out[65]);

/* intake_check_rekey, trying the n hints first (each a [0-9Xx]{4}
 * ending; malformed ones are skipped). */
kerr intake_check_rekey_hinted(const unsigned char key[INTAKE_CHECK_KEY],
                               const char *reference, const char *old_hex,
                               const char (*hints)[5], size_t n,
                               char out[65]);

/* Migrates one stored application to the keyed digest: rewrites
 * a->check_digest (an unrecoverable digest becomes one that matches no
 * query; KERR_NOTFOUND is returned then, after the rewrite) and recomputes
 * a->body_hash from the stored fields. */
kerr intake_app_rekey(const unsigned char key[INTAKE_CHECK_KEY], store_app *a);

/* 1 if s is a lower-case RFC 4122 version 4 UUID. */
int intake_uuid_ok(const char *s);

/* 1 if s looks like a reference number: 4..32 of [0-9A-Z-]. */
int intake_reference_ok(const char *s);

/* 1 if s is a progress-query check: 4 characters [0-9A-Za-z]. */
int intake_check_ok(const char *s);

/* 1 if s is a device id: KIOSK-<6 digits>-<3 digits>. */
int intake_device_ok(const char *s);

#endif
