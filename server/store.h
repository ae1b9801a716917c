/* store: the reference backend's persistent storage.
 *
 * The one seam between the HTTP layer and the database. Everything above it
 * speaks in the structs below; nothing above it sees SQL. Two
 * implementations: SQLite (store_sqlite.c: WAL, synchronous=FULL, numbered
 * migrations) and PostgreSQL (store_pg.c), picked by store_open from the
 * database target (store.c; see docs/server.md).
 *
 * Invariants:
 * - Every mutating call is one transaction: it either happens completely or
 *   not at all (nothing is half-stored).
 * - Sealed applications are stored exactly as received; the store never sees
 *   a plaintext application.
 * - A store is safe to use from several threads at once.
 * - Strings handed to row callbacks are borrowed for the duration of the call. */
#ifndef SERVER_STORE_H
#define SERVER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/core/kerr.h"

typedef struct store store;

/* Field size limits shared by the API layer (validation) and the store. */
enum {
  STORE_UUID_MAX = 36,
  STORE_REF_MAX = 32,
  STORE_DEVICE_MAX = 32,
  STORE_REGION_MAX = 6,
  STORE_TIME_MAX = 40,
  STORE_VERSION_MAX = 64,
  STORE_STAFF_MAX = 32,
  STORE_STATUS_MAX = 16,
  STORE_NOTE_MAX = 1000, /* characters (code points); 4 bytes each at most */
  STORE_NAME_MAX = 128,
  STORE_DIGEST_HEX = 64,
  STORE_ADMIN_MAX = 64, /* administrator id: the certificate CN */
  STORE_KIND_MAX = 16,
  STORE_ITEM_MAX = 32,  /* item id (catalogue) */
  STORE_DEPT_MAX = 32,  /* department id (departments file) */
  STORE_ROLE_MAX = 16,
  STORE_ACTION_MAX = 16,
  STORE_DETAIL_MAX = 200
};

/* One application as received (sealed). Strings are NUL-terminated. */
typedef struct store_app {
  char uuid[STORE_UUID_MAX + 1];
  char reference[STORE_REF_MAX + 1];
  char device_id[STORE_DEVICE_MAX + 1];
  char region[STORE_REGION_MAX + 1];
  char created_at[STORE_TIME_MAX + 1];
  char content_version[STORE_VERSION_MAX + 1];
  char assisted_by[STORE_STAFF_MAX + 1]; /* "" = nobody assisted */
  char check_digest[STORE_DIGEST_HEX + 1]; /* the server's keyed digest;
                                             "" when the kiosk had nothing
                                             to check with (never found by
                                             a progress query) */
  const char *items_json;       /* JSON array of item ids, borrowed */
  int urgent;                   /* 1 = the kiosk marked it urgent */
  /* "application", or "referral" (帮别人求助: a lead to visit, no items);
   * "" on a put means "application" */
  char kind[STORE_KIND_MAX + 1];
  unsigned char body_hash[32];  /* BLAKE2b of the canonical request body */
  const unsigned char *sealed;  /* borrowed */
  size_t sealed_len;
  int64_t received_at;          /* unix seconds, set by the caller */
  char received_at_text[STORE_TIME_MAX + 1];
  char status[STORE_STATUS_MAX + 1]; /* current status (read side only) */
  /* Put only: n_search keyed search digests (STORE_SEARCH_BYTES each,
   * search.h) stored with the application; searchable = 1 marks it
   * indexed (with none when the payload names nobody). */
  const unsigned char *search;
  size_t n_search;
  int searchable;
} store_app;

enum { STORE_SEARCH_BYTES = 32, STORE_SEARCH_MAX = 4 };

/* How a filtered list is ordered. Both time orders put urgent applications
 * still waiting first. */
typedef enum store_sort {
  STORE_SORT_NEWEST = 0, /* received, newest first (the default) */
  STORE_SORT_OLDEST,     /* received, oldest first */
  STORE_SORT_REFERENCE   /* by reference, then received */
} store_sort;

/* A filtered page of the application list (store_app_find). Every filter
 * left at its zero value (NULL, 0, -1 where said) does not filter. */
typedef struct store_app_filter {
  int64_t from, to;     /* received_at in [from, to); to 0 = no bound */
  int backlog;          /* 1: only applications not finished (not paid,
                           not refused), whatever day they came */
  const char *status;   /* the application's (summary) status */
  const char *items_json; /* JSON array of item ids: has one of them */
  const char *visible_json; /* the same, for what a reviewer may see */
  int assisted;         /* -1 any, 0 nobody assisted, 1 staff assisted */
  int urgent;           /* -1 any, 0 not urgent, 1 urgent */
  const char *kind;     /* "application" or "referral" */
  /* Search: a reference without dashes (upper case), and/or keyed
   * digests of a name or ID number: a row matches any of them. */
  const char *ref_key;
  const unsigned char *digests; /* n_digests * STORE_SEARCH_BYTES */
  size_t n_digests;
  store_sort sort;
  int offset, limit;
} store_app_filter;

/* One timeline entry of an application: a change of one item's status,
 * or (item NULL) of the application's own status — its summary of the
 * items, or the only status of an application without items. */
typedef struct store_event {
  const char *item; /* NULL = the application */
  const char *status;
  const char *note;
  const char *staff_id; /* NULL for events the system made */
  const char *at_text;
  int64_t at;
} store_event;

/* A device as last seen by its heartbeat. */
typedef struct store_device {
  char device_id[STORE_DEVICE_MAX + 1];
  char content_version[STORE_VERSION_MAX + 1];
  int64_t outbox_depth;
  int64_t quarantined;
  int64_t uptime_s;
  const char *last_errors_json; /* JSON array of strings, borrowed */
  int64_t last_seen;
  char last_seen_text[STORE_TIME_MAX + 1];
} store_device;

/* A published content manifest (bytes exactly as signed). */
typedef struct store_manifest {
  char region[STORE_REGION_MAX + 1];
  char version[STORE_VERSION_MAX + 1];
  const unsigned char *manifest; /* borrowed */
  size_t manifest_len;
  unsigned char signature[64];
  char etag[STORE_DIGEST_HEX + 1]; /* hex SHA-256 of manifest || signature */
  int64_t published_at;
  char published_by[STORE_ADMIN_MAX + 1]; /* administrator; "" = unknown
                                             (published before this was
                                             recorded) */
} store_manifest;

/* A content file addressed by its SHA-256. */
typedef struct store_file {
  char sha256[STORE_DIGEST_HEX + 1];
  const unsigned char *data; /* borrowed */
  size_t size;
} store_file;

/* One item of an application and where it stands; the queue fills the
 * application's fields too (reference, received_at, urgent). */
typedef struct store_item {
  char uuid[STORE_UUID_MAX + 1];
  char item[STORE_ITEM_MAX + 1];
  char status[STORE_STATUS_MAX + 1];
  int64_t updated_at;
  char updated_at_text[STORE_TIME_MAX + 1];
  char reference[STORE_REF_MAX + 1];
  int64_t received_at;
  char received_at_text[STORE_TIME_MAX + 1];
  int urgent;
} store_item;

/* A status change of some items of one application, or of the application
 * itself (n == 0: an application without items). from[] holds the status
 * each item was seen in when the change was decided (app_from for the
 * application): if another change came first, nothing is changed. */
typedef struct store_change {
  const char *uuid;
  const char *const *items;
  const char *const *from;
  size_t n;
  const char *app_from;
  const char *action; /* audit action: "status" or "correct" */
  store_event ev;     /* the new status, note, staff id and time */
} store_change;

/* One audit record: who did what to which application or item, when. No
 * personal data (never the note of a status change). */
typedef struct store_audit {
  int64_t id;
  int64_t at;
  const char *at_text;
  const char *staff_id;
  const char *action; /* "open", "status", "correct", "staff" ... */
  const char *uuid;   /* NULL when not about an application */
  const char *item;   /* NULL when not about one item */
  const char *detail; /* e.g. "accepted->reviewing"; "" if none */
} store_audit;

/* Staff roles (store_staff.role). */
#define STORE_ROLE_WINDOW "window"     /* 窗口受理: sees and moves everything */
#define STORE_ROLE_REVIEWER "reviewer" /* 部门审核: its department's items */
#define STORE_ROLE_ADMIN "admin"       /* 管理员: accounts and the audit log */

/* A staff account. */
typedef struct store_staff {
  char id[STORE_STAFF_MAX + 1];
  char name[STORE_NAME_MAX + 1];
  char dept[STORE_DEPT_MAX + 1]; /* department id; "" = none */
  char role[STORE_ROLE_MAX + 1]; /* STORE_ROLE_* */
  int supervisor;                /* may correct (move an item back) */
  int disabled; /* disabled by an administrator: no sign-in, no session */
  char pwhash[128]; /* crypto_pwhash_str() output */
  char pin_hash[128]; /* the kiosk PIN's Argon2id hash; "" = none (filled
                         by store_staff_list only) */
  int64_t failed;       /* consecutive failed sign-ins */
  int64_t locked_until; /* unix seconds; 0 = not locked */
} store_staff;

/* Row callbacks: return 0 to go on, non-zero to stop early. */
typedef int (*store_app_fn)(void *ud, const store_app *app);
typedef int (*store_event_fn)(void *ud, const store_event *ev);
typedef int (*store_item_fn)(void *ud, const store_item *it);
typedef int (*store_audit_fn)(void *ud, const store_audit *a);
typedef int (*store_device_fn)(void *ud, const store_device *dev);
/* A published version; m->manifest is NULL (the bytes are not loaded). */
typedef int (*store_manifest_fn)(void *ud, const store_manifest *m);
/* Rewrites app->check_digest and app->body_hash in place; non-zero = stop. */
typedef int (*store_rekey_fn)(void *ud, store_app *app);

/* Opens (creating if needed) the database at path and brings its schema up
 * to the newest migration. path starting with postgresql:// or postgres://
 * is a libpq connection URI (the database must exist; KERR_IO if it cannot
 * be reached), anything else a SQLite file. readers = number of read
 * connections (1..16; PostgreSQL: the pool has readers + 1, up to 64).
 * The caller owns *out (store_destroy). KERR_IO if the file cannot be opened,
 * KERR_STATE if the schema is newer than this program knows. The file and
 * its -wal and -shm companions are made 0600, and narrowed to that (with a
 * warning in the log) when they are open to others. */
kerr store_open(const char *path, int readers, store **out);

/* 1 when target names a PostgreSQL database (postgresql:// or
 * postgres://) rather than a SQLite file: the choice store_open makes. */
int store_is_pg(const char *target);

/* Closes every connection. NULL is fine. */
void store_destroy(store *s);

/* Schema version the database is at (number of applied migrations). */
int store_schema_version(store *s);

/* Liveness check for the service watchdog: a trivial read on a read
 * connection and on the write connection, so a stuck writer or an
 * exhausted reader pool shows (the call then blocks, and the watchdog goes
 * unfed). KERR_IO if the database does not answer. */
kerr store_ping(store *s);

/* Stores a new application and its first "submitted" event, or recognises a
 * resend. *created = 1 when stored now; 0 when the uuid was already there
 * with the same body_hash, in which case received_at_text is set to the
 * stored one. KERR_CONFLICT when the uuid exists with a different body;
 * KERR_STATE when the device already has another application (another
 * uuid) with this reference. */
kerr store_app_put(store *s, store_app *app, int *created);

/* Once, at start: hands every application stored before check digests were
 * keyed to fn, which rewrites its check_digest and body_hash, and stores the
 * result — all in one transaction (fn failing rolls everything back:
 * KERR_INTERNAL). *n_rows = how many were rewritten. Later puts are taken
 * as keyed already. */
kerr store_app_rekey(store *s, store_rekey_fn fn, void *ud, int *n_rows);

/* The console's lists put urgent applications still waiting for the office
 * first: urgent, and status neither "paid" (发放: done) nor "returned"
 * (退回补正: with the applicant). Then by time, as each list says. */

/* Calls fn for each application with this reference (references are unique
 * per device only), waiting urgent ones first, then oldest first. Sealed
 * bytes are not loaded. */
kerr store_app_by_reference(store *s, const char *reference, store_app_fn fn,
                            void *ud);

/* Calls fn for each application received in [from, to) (unix seconds),
 * waiting urgent ones first, then newest first, at most limit rows. Sealed
 * bytes are not loaded. */
kerr store_app_list(store *s, int64_t from, int64_t to, int limit,
                    store_app_fn fn, void *ud);

/* Calls fn for every waiting urgent application, whatever day it came,
 * oldest first (the longest wait on top), at most limit rows. Sealed bytes
 * are not loaded. */
kerr store_app_list_urgent(store *s, int limit, store_app_fn fn, void *ud);

/* How many urgent applications are waiting, whatever day they came. */
kerr store_app_count_urgent(store *s, int64_t *n);

/* Calls fn for each application of the page f asks for (sealed bytes not
 * loaded, check_digest left empty: only the list's columns are read) and
 * sets *total to how many match in all. KERR_INVALID for a bad filter
 * (limit outside 1..1000, negative offset). */
kerr store_app_find(store *s, const store_app_filter *f, store_app_fn fn,
                    void *ud, int64_t *total);

/* Hands each application not yet indexed for search to fn (sealed bytes
 * loaded), which fills app->search and app->n_search (valid until the
 * next call); the digests are stored and the application marked indexed,
 * all in one transaction (fn non-zero: KERR_INTERNAL, nothing kept).
 * *n_rows = how many were indexed. */
kerr store_app_index(store *s, store_rekey_fn fn, void *ud, int *n_rows);

/* Loads one application with its sealed bytes and calls fn once.
 * KERR_NOTFOUND if the uuid is unknown. */
kerr store_app_get(store *s, const char *uuid, store_app_fn fn, void *ud);

/* Calls fn for every event of the application (its own and its items'),
 * oldest first. */
kerr store_app_events(store *s, const char *uuid, store_event_fn fn, void *ud);

/* What a progress query shows of one application: the application (sealed
 * bytes not loaded), its events oldest first (its own and its items', at
 * most STORE_PROGRESS_MAX) and its items in order (at most
 * STORE_PROGRESS_MAX; only uuid, item, status and updated_at* filled).
 * Everything is borrowed for the duration of the callback. */
enum { STORE_PROGRESS_MAX = 500 };
typedef struct store_progress {
  const store_app *app;
  const store_event *events;
  size_t n_events;
  const store_item *items;
  size_t n_items;
} store_progress;
typedef int (*store_progress_fn)(void *ud, const store_progress *p);

/* Calls fn for each application with this reference, in
 * store_app_by_reference's order, with its events and items: the three
 * reads of a progress query in one call (one statement on PostgreSQL, one
 * read transaction on SQLite), so they agree with each other. */
kerr store_app_progress(store *s, const char *reference, store_progress_fn fn,
                        void *ud);

/* Appends a status event and makes it the status of the application and of
 * every one of its items, unchecked (the console uses store_status_change).
 * KERR_NOTFOUND if the uuid is unknown. */
kerr store_app_set_status(store *s, const char *uuid, const store_event *ev);

/* Calls fn for each item of the application, in the order of its items.
 * Only uuid, item, status and updated_at* are filled. */
kerr store_app_items(store *s, const char *uuid, store_item_fn fn, void *ud);

/* Applies c in one transaction: each item's status and an event for it (or
 * the application's own status and event when c->n == 0), the
 * application's summary status (flow_summary) with an event of its own
 * when the summary changes, and one audit record per item. KERR_NOTFOUND
 * if the application or an item is unknown; KERR_CONFLICT if an item (or
 * the application) is no longer in its from status. */
kerr store_status_change(store *s, const store_change *c);

/* A department's queue: calls fn for every open item (not paid, not
 * refused) whose id is in items_json (a JSON array of item ids; NULL =
 * every item), oldest
 * application first, at most limit rows. All fields are filled. */
kerr store_queue(store *s, const char *items_json, int limit, store_item_fn fn,
                 void *ud);

/* Appends an audit record (a->id is ignored). The table is append-only:
 * the database refuses updates and deletes of it. */
kerr store_audit_add(store *s, const store_audit *a);

/* Calls fn for each audit record with at in [from, to), newest first, at
 * most limit rows. */
kerr store_audit_list(store *s, int64_t from, int64_t to, int limit,
                      store_audit_fn fn, void *ud);

/* Publishes a manifest together with the files given (files already stored
 * may be left out), recording m->published_at and m->published_by.
 * KERR_CONFLICT if this region already has this version with different
 * bytes, or a newer version; *created = 0 when the identical manifest was
 * published before (its record is left as it was). current, when not NULL
 * (STORE_VERSION_MAX + 1 bytes), gets the region's newest version before
 * this call ("" if none), so a refusal can name it. */
kerr store_content_publish(store *s, const store_manifest *m,
                           const store_file *files, size_t n_files,
                           int *created, char *current);

/* Calls fn for every published version of region (every region when
 * region is NULL), by region, newest publication first; at most limit
 * rows. */
kerr store_content_list(store *s, const char *region, int limit,
                        store_manifest_fn fn, void *ud);

/* The newest manifest of a region; fn-style: on KERR_OK *out is filled and
 * out->manifest points into *buf, which the caller frees. KERR_NOTFOUND if
 * the region has none. */
kerr store_content_manifest(store *s, const char *region, store_manifest *out,
                            unsigned char **buf);

/* A file's bytes by hex SHA-256; *data is malloc'ed (caller frees).
 * KERR_NOTFOUND if unknown. */
kerr store_file_get(store *s, const char *sha256, unsigned char **data,
                    size_t *size);

/* Whether a file is stored (*present 0/1). */
kerr store_file_has(store *s, const char *sha256, int *present);

/* Records a heartbeat (insert or replace the device's row). */
kerr store_device_seen(store *s, const store_device *dev);

/* Calls fn for every device, by device id. */
kerr store_device_list(store *s, store_device_fn fn, void *ud);

/* Creates or replaces a staff account (failed count and lock reset) with
 * its department (dept_id, "" = none), role (STORE_ROLE_*) and supervisor
 * flag. */
kerr store_staff_put(store *s, const char *id, const char *name,
                     const char *pwhash, const char *dept_id,
                     const char *role, int supervisor);

/* Creates a staff account, never replacing one: KERR_CONFLICT when the id
 * exists (enabled or not). The console's 工作人员 page; `staff add` uses
 * store_staff_put, which leaves the disabled flag as it was. */
kerr store_staff_create(store *s, const char *id, const char *name,
                        const char *pwhash, const char *dept_id,
                        const char *role, int supervisor);

/* Disables (1) or enables (0) account id; disabling also ends every
 * session of the account, in the same transaction. KERR_NOTFOUND for an
 * unknown id. */
kerr store_staff_set_disabled(store *s, const char *id, int disabled);

/* Calls fn for each staff account by id, without the password hash (and
 * without the failure count and lock). */
typedef int (*store_staff_fn)(void *ud, const store_staff *st);
kerr store_staff_list(store *s, store_staff_fn fn, void *ud);

/* Sets (or with "" / NULL clears) the kiosk PIN hash of account id: the
 * server's accounts are the one staff directory the kiosks' staff.json is
 * made from. KERR_NOTFOUND for an unknown id, KERR_IO. */
kerr store_staff_set_pin(store *s, const char *id, const char *pin_hash);

/* Loads a staff account. KERR_NOTFOUND if unknown. */
kerr store_staff_get(store *s, const char *id, store_staff *out);

/* Records a sign-in attempt: success resets the failure count; failure
 * increments it and, when it reaches max_failures, locks the account until
 * now + lock_seconds (and resets the count). */
kerr store_staff_attempt(store *s, const char *id, int ok, int64_t now,
                         int max_failures, int64_t lock_seconds);

/* Stores a session (token_hash = BLAKE2b of the cookie value). */
kerr store_session_put(store *s, const unsigned char token_hash[32],
                       const char *staff_id, int64_t expires_at);

/* Looks a session up; KERR_NOTFOUND if unknown or expired at now. Fills
 * staff_id (STORE_STAFF_MAX + 1 bytes). */
kerr store_session_get(store *s, const unsigned char token_hash[32],
                       int64_t now, char *staff_id);

/* Ends a session (no error if it does not exist) and drops expired ones. */
kerr store_session_delete(store *s, const unsigned char token_hash[32],
                          int64_t now);

#endif
