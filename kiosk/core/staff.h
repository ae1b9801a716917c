/* staff: the window staff and administrators who may sign in at a kiosk,
 * and the checking of their PINs.
 *
 * The accounts come from staff.json in the content bundle, so they are
 * covered by the bundle's signature and reach every kiosk with it:
 *
 *   {"format": 1,
 *    "staff": [{"id": "S0001", "name": "王芳", "role": "staff",
 *               "pin_hash": "$argon2id$v=19$m=7168,t=5,p=1$..."}]}
 *
 * id is 1..STAFF_ID_MAX upper-case letters and digits, unique; name 1..32
 * characters of plain text; role "staff" or "admin"; pin_hash a libsodium
 * crypto_pwhash_str() string (Argon2), never the PIN itself, whose cost
 * parameters must stay within STAFF_HASH_MAX_MEM / STAFF_HASH_MAX_OPS so a
 * bad file cannot stall the kiosk. `kioskctl staff hash` makes the hashes.
 *
 * Checking a PIN (staff_check) is rate limited by a staff_guard:
 *   - 5 wrong PINs for one staff id lock that id for 5 minutes;
 *   - 10 wrong attempts on the device, whatever the ids, lock every sign-in
 *     for 5 minutes;
 *   - a failure count is forgotten STAFF_FORGET_MS after its last failure,
 *     and a successful sign-in clears the id's count and the device's.
 * An unknown id costs the same Argon2 verification as a known one and is
 * refused with the same answer, so the kiosk does not tell which ids exist.
 * PINs are compared only through crypto_pwhash_str_verify (constant time)
 * and every PIN buffer handed in is wiped before returning.
 *
 * The guard lives in memory: restarting the program clears it (which needs
 * an administrator or the power switch). Time is passed in (monotonic ms).
 * Nothing here logs a PIN, and names only as the caller shows them. */
#ifndef KIOSK_CORE_STAFF_H
#define KIOSK_CORE_STAFF_H

#include <stddef.h>
#include <stdint.h>

#include "core/content.h"
#include "core/kerr.h"

#define STAFF_FORMAT 1
#define STAFF_ID_MAX 16          /* characters of a staff id */
#define STAFF_ID_BUF (STAFF_ID_MAX + 1)
#define STAFF_NAME_MAX 32        /* characters of a name */
#define STAFF_NAME_BUF (STAFF_NAME_MAX * 4 + 1)
#define STAFF_HASH_BUF 128       /* crypto_pwhash_STRBYTES */
#define STAFF_PIN_MIN 6          /* digits */
#define STAFF_PIN_MAX 12
#define STAFF_MAX_ACCOUNTS 500
#define STAFF_FILE_MAX (256u * 1024u)
#define STAFF_HASH_MAX_MEM (256u * 1024u * 1024u) /* bytes */
#define STAFF_HASH_MAX_OPS 10u
/* What staff_pin_hash() uses: Argon2id with 7 MiB and 5 passes (OWASP's
 * smallest recommended setting). A PIN of six digits is a million guesses,
 * cheap offline whatever the cost; it is protected by the lockout, not by
 * the hash (docs/staff.md). 7 MiB instead of libsodium's "interactive"
 * 64 MiB keeps a sign-in inside the kiosk's memory budget. Verification
 * takes the parameters from the hash string, so older hashes still pass. */
#define STAFF_HASH_MEM (7u * 1024u * 1024u) /* bytes */
#define STAFF_HASH_OPS 5u

#define STAFF_ID_TRIES 5         /* wrong PINs before an id is locked */
#define STAFF_DEVICE_TRIES 10    /* wrong attempts before the device is */
#define STAFF_LOCK_MS (5u * 60u * 1000u)
#define STAFF_FORGET_MS (15u * 60u * 1000u)

typedef enum staff_role {
  STAFF_ROLE_STAFF = 0, /* window staff: the menu, assisted filing */
  STAFF_ROLE_ADMIN      /* also may leave the kiosk program */
} staff_role;

/* Who signed in: a copy, independent of the list it came from. */
typedef struct staff_who {
  char id[STAFF_ID_BUF];
  char name[STAFF_NAME_BUF];
  staff_role role;
} staff_who;

/* Why a sign-in was refused (filled by staff_check). */
typedef struct staff_refusal {
  int tries_left;   /* KERR_DENIED: wrong attempts left before a lock */
  uint64_t wait_ms; /* KERR_BUSY: until the lock ends */
  int device;       /* KERR_BUSY: 1 if the whole device is locked */
} staff_refusal;

typedef struct staff_list staff_list;
typedef struct staff_guard staff_guard;

/* Parses a staff.json document of len bytes (need not be NUL-terminated).
 * On success *out is the caller's (staff_list_destroy). On failure *out is
 * NULL, err (errlen bytes, may be NULL) gets an English message naming the
 * account and field, and the result is KERR_LIMIT, KERR_PARSE,
 * KERR_INVALID or KERR_NOMEM. */
kerr staff_list_parse(const char *json, size_t len, staff_list **out,
                      char *err, size_t errlen);

/* Parses the staff.json the bundle lists. KERR_NOTFOUND when c is NULL or
 * lists no staff.json; otherwise as staff_list_parse. */
kerr staff_list_from_content(const content *c, staff_list **out, char *err,
                             size_t errlen);

/* Frees the list (hashes wiped). NULL is accepted. */
void staff_list_destroy(staff_list *l);

/* Accounts in file order; i < count. The pointers are borrowed. */
size_t staff_list_count(const staff_list *l);
const char *staff_list_id(const staff_list *l, size_t i);
const char *staff_list_name(const staff_list *l, size_t i);
staff_role staff_list_role(const staff_list *l, size_t i);

/* A new guard with no failures. KERR_NOMEM. */
kerr staff_guard_create(staff_guard **out);
/* Frees it. NULL is accepted. */
void staff_guard_destroy(staff_guard *g);

/* Checks a sign-in at now_ms. id is what was typed (letters are compared
 * upper-cased); pin is the PIN's buffer, NUL-terminated, which is wiped
 * (its strlen bytes) before returning, whatever the result. Returns
 *   KERR_OK       *who is filled; the id's and the device's counts cleared
 *   KERR_DENIED   unknown id or wrong PIN (one answer for both);
 *                 why->tries_left says how many more tries before a lock
 *                 (0: this attempt locked the id or the device; why->device
 *                 and why->wait_ms then say which and how long)
 *   KERR_BUSY     the id or the device is locked; why->wait_ms, why->device
 *   KERR_INVALID  the PIN is not STAFF_PIN_MIN..STAFF_PIN_MAX digits or the
 *                 id is empty or malformed (not counted: nothing verified)
 *   KERR_NOTFOUND l is NULL (no accounts on this kiosk)
 *   KERR_CRYPTO   libsodium could not start.
 * who and why may be NULL. */
kerr staff_check(staff_guard *g, const staff_list *l, const char *id,
                 char *pin, uint64_t now_ms, staff_who *who,
                 staff_refusal *why);

/* Milliseconds the device (id NULL) or that id stays locked at now_ms;
 * 0 when sign-in is open. */
uint64_t staff_guard_locked_ms(const staff_guard *g, const char *id,
                               uint64_t now_ms);

/* 1 if pin is STAFF_PIN_MIN..STAFF_PIN_MAX ASCII digits, else 0. */
int staff_pin_valid(const char *pin);

/* Hashes a PIN for staff.json (Argon2id, libsodium's interactive limits)
 * into out. The PIN buffer is wiped before returning. KERR_INVALID for a
 * PIN that is not STAFF_PIN_MIN..STAFF_PIN_MAX digits, KERR_NOMEM (the
 * hash needs 64 MiB), KERR_CRYPTO. */
kerr staff_pin_hash(char *pin, char out[STAFF_HASH_BUF]);

#endif
