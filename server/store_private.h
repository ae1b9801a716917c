/* store_private: what the store implementations (store_sqlite.c,
 * store_pg.c) share with the dispatch in store.c.
 *
 * A store handle is an implementation's own struct whose first member is a
 * pointer to its store_ops: store.c reads that pointer (a pointer to a
 * struct, converted, points to its first member) and calls through it.
 * Every function of store.h but store_open and store_destroy is listed once
 * in STORE_OPS; a function added to store.h is added here and to each
 * implementation's table. */
#ifndef SERVER_STORE_PRIVATE_H
#define SERVER_STORE_PRIVATE_H

/* store_sqlite.c defines STORE_SQLITE_NAMES before including this: its
 * functions keep their store.h names in the source and are compiled as
 * store_sqlite_*, the public names being store.c's. */
#ifdef STORE_SQLITE_NAMES
#define store_destroy store_sqlite_destroy
#define store_schema_version store_sqlite_schema_version
#define store_ping store_sqlite_ping
#define store_app_put store_sqlite_app_put
#define store_app_rekey store_sqlite_app_rekey
#define store_app_by_reference store_sqlite_app_by_reference
#define store_app_list store_sqlite_app_list
#define store_app_list_urgent store_sqlite_app_list_urgent
#define store_app_count_urgent store_sqlite_app_count_urgent
#define store_app_find store_sqlite_app_find
#define store_app_index store_sqlite_app_index
#define store_app_get store_sqlite_app_get
#define store_app_events store_sqlite_app_events
#define store_app_progress store_sqlite_app_progress
#define store_app_set_status store_sqlite_app_set_status
#define store_app_items store_sqlite_app_items
#define store_status_change store_sqlite_status_change
#define store_queue store_sqlite_queue
#define store_audit_add store_sqlite_audit_add
#define store_audit_list store_sqlite_audit_list
#define store_content_publish store_sqlite_content_publish
#define store_content_list store_sqlite_content_list
#define store_content_manifest store_sqlite_content_manifest
#define store_file_get store_sqlite_file_get
#define store_file_has store_sqlite_file_has
#define store_device_seen store_sqlite_device_seen
#define store_device_list store_sqlite_device_list
#define store_staff_put store_sqlite_staff_put
#define store_staff_list store_sqlite_staff_list
#define store_staff_set_pin store_sqlite_staff_set_pin
#define store_staff_get store_sqlite_staff_get
#define store_staff_attempt store_sqlite_staff_attempt
#define store_staff_create store_sqlite_staff_create
#define store_staff_set_disabled store_sqlite_staff_set_disabled
#define store_session_put store_sqlite_session_put
#define store_session_get store_sqlite_session_get
#define store_session_delete store_sqlite_session_delete
#define store_open store_sqlite_open
#endif

#include "store.h"

/* X(return type, name without "store_", (parameters), (arguments)) */
#define STORE_OPS(X)                                                          \
  X(int, schema_version, (store *s), (s))                                     \
  X(kerr, ping, (store *s), (s))                                              \
  X(kerr, app_put, (store *s, store_app *app, int *created), (s, app,         \
    created))                                                                 \
  X(kerr, app_rekey, (store *s, store_rekey_fn fn, void *ud, int *n_rows),    \
    (s, fn, ud, n_rows))                                                      \
  X(kerr, app_by_reference, (store *s, const char *reference,                 \
    store_app_fn fn, void *ud), (s, reference, fn, ud))                       \
  X(kerr, app_list, (store *s, int64_t from, int64_t to, int limit,           \
    store_app_fn fn, void *ud), (s, from, to, limit, fn, ud))                 \
  X(kerr, app_list_urgent, (store *s, int limit, store_app_fn fn, void *ud),  \
    (s, limit, fn, ud))                                                       \
  X(kerr, app_count_urgent, (store *s, int64_t *n), (s, n))                   \
  X(kerr, app_find, (store *s, const store_app_filter *f, store_app_fn fn,    \
    void *ud, int64_t *total), (s, f, fn, ud, total))                         \
  X(kerr, app_index, (store *s, store_rekey_fn fn, void *ud, int *n_rows),    \
    (s, fn, ud, n_rows))                                                      \
  X(kerr, app_get, (store *s, const char *uuid, store_app_fn fn, void *ud),   \
    (s, uuid, fn, ud))                                                        \
  X(kerr, app_events, (store *s, const char *uuid, store_event_fn fn,         \
    void *ud), (s, uuid, fn, ud))                                             \
  X(kerr, app_progress, (store *s, const char *reference,                    \
    store_progress_fn fn, void *ud), (s, reference, fn, ud))                  \
  X(kerr, app_set_status, (store *s, const char *uuid,                        \
    const store_event *ev), (s, uuid, ev))                                    \
  X(kerr, app_items, (store *s, const char *uuid, store_item_fn fn,           \
    void *ud), (s, uuid, fn, ud))                                             \
  X(kerr, status_change, (store *s, const store_change *c), (s, c))           \
  X(kerr, queue, (store *s, const char *items_json, int limit,                \
    store_item_fn fn, void *ud), (s, items_json, limit, fn, ud))              \
  X(kerr, audit_add, (store *s, const store_audit *a), (s, a))                \
  X(kerr, audit_list, (store *s, int64_t from, int64_t to, int limit,         \
    store_audit_fn fn, void *ud), (s, from, to, limit, fn, ud))               \
  X(kerr, content_publish, (store *s, const store_manifest *m,                \
    const store_file *files, size_t n_files, int *created, char *current),    \
    (s, m, files, n_files, created, current))                                 \
  X(kerr, content_list, (store *s, const char *region, int limit,             \
    store_manifest_fn fn, void *ud), (s, region, limit, fn, ud))              \
  X(kerr, content_manifest, (store *s, const char *region,                    \
    store_manifest *out, unsigned char **buf), (s, region, out, buf))         \
  X(kerr, file_get, (store *s, const char *sha256, unsigned char **data,      \
    size_t *size), (s, sha256, data, size))                                   \
  X(kerr, file_has, (store *s, const char *sha256, int *present), (s,         \
    sha256, present))                                                         \
  X(kerr, device_seen, (store *s, const store_device *dev), (s, dev))         \
  X(kerr, device_list, (store *s, store_device_fn fn, void *ud), (s, fn,      \
    ud))                                                                      \
  X(kerr, staff_put, (store *s, const char *id, const char *name,             \
    const char *pwhash, const char *dept_id, const char *role,                \
    int supervisor), (s, id, name, pwhash, dept_id, role, supervisor))        \
  X(kerr, staff_list, (store *s, store_staff_fn fn, void *ud), (s, fn, ud))   \
  X(kerr, staff_set_pin, (store *s, const char *id, const char *pin_hash),    \
    (s, id, pin_hash))                                                        \
  X(kerr, staff_get, (store *s, const char *id, store_staff *out), (s, id,    \
    out))                                                                     \
  X(kerr, staff_attempt, (store *s, const char *id, int ok, int64_t now,      \
    int max_failures, int64_t lock_seconds), (s, id, ok, now, max_failures,   \
    lock_seconds))                                                            \
  X(kerr, staff_create, (store *s, const char *id, const char *name,          \
    const char *pwhash, const char *dept_id, const char *role,                \
    int supervisor), (s, id, name, pwhash, dept_id, role, supervisor))        \
  X(kerr, staff_set_disabled, (store *s, const char *id, int disabled), (s,   \
    id, disabled))                                                            \
  X(kerr, session_put, (store *s, const unsigned char token_hash[32],         \
    const char *staff_id, int64_t expires_at), (s, token_hash, staff_id,      \
    expires_at))                                                              \
  X(kerr, session_get, (store *s, const unsigned char token_hash[32],         \
    int64_t now, char *staff_id), (s, token_hash, now, staff_id))             \
  X(kerr, session_delete, (store *s, const unsigned char token_hash[32],      \
    int64_t now), (s, token_hash, now))

typedef struct store_ops {
  const char *name; /* "sqlite", "postgresql" */
  void (*destroy)(store *s);
#define STORE_OP_FIELD(ret, name, params, args) ret(*name) params;
  STORE_OPS(STORE_OP_FIELD)
#undef STORE_OP_FIELD
} store_ops;

/* The implementations' store_open: a file path, and a libpq connection
 * URI (postgresql:// or postgres://). */
#ifndef STORE_SQLITE_NAMES
kerr store_sqlite_open(const char *path, int readers, store **out);
#endif
kerr store_pg_open(const char *conninfo, int readers, store **out);

#endif
