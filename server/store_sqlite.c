/* store_sqlite: the SQLite implementation of store.h.
 *
 * One write connection (serialised by a mutex: SQLite has one writer at a
 * time anyway, and waiting on our own mutex is cheaper than SQLITE_BUSY
 * retries) and a small pool of read connections, which WAL lets run next to
 * the writer. journal_mode=WAL, synchronous=FULL: a 201 is only sent after
 * the application is on disk.
 *
 * Schema changes are numbered migrations applied in order inside one
 * transaction each; PRAGMA user_version records how many have been applied.
 * Never edit a migration that has shipped: add the next one. */
#define STORE_SQLITE_NAMES
#include "store_private.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>
#include <sqlite3.h>

#include "flow.h"
#include "kiosk/core/log.h"

static const char *const MIGRATIONS[] = {
  /* 1: applications and their timeline */
  "CREATE TABLE applications ("
  " uuid TEXT PRIMARY KEY,"
  " reference TEXT NOT NULL,"
  " device_id TEXT NOT NULL,"
  " region TEXT NOT NULL,"
  " created_at TEXT NOT NULL,"
  " items TEXT NOT NULL,"
  " content_version TEXT NOT NULL,"
  " assisted_by TEXT,"
  " check_digest TEXT NOT NULL,"
  " body_hash BLOB NOT NULL,"
  " sealed BLOB NOT NULL,"
  " received_at INTEGER NOT NULL,"
  " received_at_text TEXT NOT NULL,"
  " status TEXT NOT NULL DEFAULT 'submitted');"
  "CREATE INDEX applications_reference ON applications(reference);"
  "CREATE INDEX applications_received ON applications(received_at);"
  "CREATE TABLE events ("
  " id INTEGER PRIMARY KEY,"
  " uuid TEXT NOT NULL REFERENCES applications(uuid),"
  " status TEXT NOT NULL,"
  " note TEXT NOT NULL DEFAULT '',"
  " staff_id TEXT,"
  " at INTEGER NOT NULL,"
  " at_text TEXT NOT NULL);"
  "CREATE INDEX events_uuid ON events(uuid, id);",
  /* 2: content distribution */
  "CREATE TABLE manifests ("
  " id INTEGER PRIMARY KEY,"
  " region TEXT NOT NULL,"
  " version TEXT NOT NULL,"
  " manifest BLOB NOT NULL,"
  " signature BLOB NOT NULL,"
  " etag TEXT NOT NULL,"
  " published_at INTEGER NOT NULL,"
  " UNIQUE(region, version));"
  "CREATE TABLE files ("
  " sha256 TEXT PRIMARY KEY,"
  " size INTEGER NOT NULL,"
  " data BLOB NOT NULL);",
  /* 3: devices */
  "CREATE TABLE devices ("
  " device_id TEXT PRIMARY KEY,"
  " content_version TEXT NOT NULL,"
  " outbox_depth INTEGER NOT NULL,"
  " quarantined INTEGER NOT NULL,"
  " uptime_s INTEGER NOT NULL,"
  " last_errors TEXT NOT NULL,"
  " last_seen INTEGER NOT NULL,"
  " last_seen_text TEXT NOT NULL);",
  /* 4: staff accounts and console sessions */
  "CREATE TABLE staff ("
  " id TEXT PRIMARY KEY,"
  " name TEXT NOT NULL,"
  " pwhash TEXT NOT NULL,"
  " failed INTEGER NOT NULL DEFAULT 0,"
  " locked_until INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE sessions ("
  " token_hash BLOB PRIMARY KEY,"
  " staff_id TEXT NOT NULL REFERENCES staff(id),"
  " expires_at INTEGER NOT NULL);",
  /* 5: keyed check digests; rows from before are rekeyed by
   * store_app_rekey (the server does it once at start) */
  "ALTER TABLE applications ADD COLUMN check_keyed INTEGER NOT NULL "
  "DEFAULT 0;"
  "CREATE INDEX applications_device_ref ON applications(device_id, "
  "reference);",
  /* 6: who published each content version (the administrator
   * certificate's CN); '' for versions published before */
  "ALTER TABLE manifests ADD COLUMN published_by TEXT NOT NULL DEFAULT '';",
  /* 7: the kiosk's "urgent" (an emergency item chosen); 0 for everything
   * stored before, which no kiosk could mark */
  "ALTER TABLE applications ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX applications_urgent ON applications(urgent, status, "
  "received_at);",
  /* 8: what was sent: an application, or a referral (帮别人求助: a lead
   * about someone else, no items); everything before was an application */
  "ALTER TABLE applications ADD COLUMN kind TEXT NOT NULL DEFAULT "
  "'application';",
  /* 9: joint processing: one status per item, events per item (item NULL
   * = the application's own), staff departments and roles, and the audit
   * log. Every item of an application stored before starts in the
   * application's status, as of its last event. Existing staff become
   * window staff (they saw everything before). */
  "CREATE TABLE item_status ("
  " uuid TEXT NOT NULL REFERENCES applications(uuid),"
  " item TEXT NOT NULL,"
  " pos INTEGER NOT NULL,"
  " status TEXT NOT NULL,"
  " updated_at INTEGER NOT NULL,"
  " updated_at_text TEXT NOT NULL,"
  " PRIMARY KEY (uuid, item));"
  "CREATE INDEX item_status_open ON item_status(item, status);"
  "INSERT OR IGNORE INTO item_status (uuid, item, pos, status, updated_at,"
  " updated_at_text)"
  " SELECT a.uuid, j.value, j.key, a.status,"
  "  COALESCE((SELECT e.at FROM events e WHERE e.uuid = a.uuid"
  "   ORDER BY e.id DESC LIMIT 1), a.received_at),"
  "  COALESCE((SELECT e.at_text FROM events e WHERE e.uuid = a.uuid"
  "   ORDER BY e.id DESC LIMIT 1), a.received_at_text)"
  " FROM applications a, json_each(CASE WHEN json_valid(a.items)"
  "  THEN a.items ELSE '[]' END) j"
  " WHERE j.type = 'text';"
  "ALTER TABLE events ADD COLUMN item TEXT;"
  "ALTER TABLE staff ADD COLUMN dept TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE staff ADD COLUMN role TEXT NOT NULL DEFAULT 'window';"
  "ALTER TABLE staff ADD COLUMN supervisor INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE audit ("
  " id INTEGER PRIMARY KEY,"
  " at INTEGER NOT NULL,"
  " at_text TEXT NOT NULL,"
  " staff_id TEXT NOT NULL,"
  " action TEXT NOT NULL,"
  " uuid TEXT,"
  " item TEXT,"
  " detail TEXT NOT NULL DEFAULT '');"
  "CREATE INDEX audit_at ON audit(at);"
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
  /* 10: the kiosk PIN of a staff account (its Argon2id hash; '' = none):
   * the server's accounts are the one staff directory, and the kiosks'
   * staff.json is made from them (kiosk-server staff export-kiosk) */
  "ALTER TABLE staff ADD COLUMN pin_hash TEXT NOT NULL DEFAULT '';",
  /* 11: daily work. Keyed search digests (never clear text) of each
   * application's applicant name and ID number; search_indexed marks the
   * applications whose digests are in (those stored before get indexed
   * once at start, store_app_index). applications_list covers every
   * column the lists read, so a list never reads a row itself (the sealed
   * blob sits in the middle of it); applications_refkey finds a reference
   * typed without its dashes; applications_urgent_waiting holds only the
 * urgent ones still waiting (every list counts them: the count must not
 * grow with the history). */
  "CREATE TABLE search_keys ("
  " digest BLOB NOT NULL,"
  " uuid TEXT NOT NULL REFERENCES applications(uuid),"
  " PRIMARY KEY (digest, uuid)) WITHOUT ROWID;"
  "CREATE TABLE search_indexed ("
  " uuid TEXT PRIMARY KEY REFERENCES applications(uuid)) WITHOUT ROWID;"
  "CREATE INDEX applications_list ON applications(received_at, uuid,"
  " reference, device_id, region, created_at, items, content_version,"
  " assisted_by, received_at_text, status, urgent, kind);"
  "CREATE INDEX applications_refkey ON applications("
  "replace(reference, '-', ''));"
  "CREATE INDEX applications_urgent_waiting ON applications(received_at)"
  " WHERE urgent = 1 AND status NOT IN ('paid', 'returned', 'refused');",
  /* 12: a staff account an administrator disabled (1) cannot sign in, has
   * no sessions and is left out of the kiosks' staff.json; every account
   * from before is enabled */
  "ALTER TABLE staff ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;",
};
#define N_MIGRATIONS ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

enum { MAX_READERS = 16 };

/* A queued application put, waiting for a group commit. */
typedef struct app_req {
  store_app *app;
  int *created;
  kerr err;
  int done;
  struct app_req *next;
} app_req;

static const store_ops sqlite_ops;

/* The statements of one intake (app_put_one), in the order it runs them. */
enum {
  PUT_SAVEPOINT,
  PUT_RELEASE,
  PUT_ROLLBACK_TO,
  PUT_HASH,
  PUT_DEVREF,
  PUT_APP,
  PUT_EVENT,
  PUT_ITEMS,
  PUT_SEARCH_KEY,
  PUT_SEARCH_INDEXED,
  PUT_N
};

static const char *const PUT_SQL[PUT_N] = {
  [PUT_SAVEPOINT] = "SAVEPOINT app",
  [PUT_RELEASE] = "RELEASE app",
  [PUT_ROLLBACK_TO] = "ROLLBACK TO app",
  [PUT_HASH] = "SELECT body_hash, received_at, received_at_text FROM "
               "applications WHERE uuid = ?",
  /* (device, reference) is unique. Checked here rather than by a UNIQUE
   * index so that a database which already holds such a pair still opens;
   * the single writer makes check-then-insert safe. */
  [PUT_DEVREF] = "SELECT 1 FROM applications WHERE device_id = ? AND "
                 "reference = ?",
  [PUT_APP] = "INSERT INTO applications (uuid, reference, device_id, "
              "region, created_at, items, content_version, assisted_by, "
              "check_digest, body_hash, sealed, received_at, "
              "received_at_text, urgent, check_keyed, kind) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)",
  [PUT_EVENT] = "INSERT INTO events (uuid, status, note, at, at_text) "
                "VALUES (?, 'submitted', '', ?, ?)",
  /* One status row per item (none for an application without items). */
  [PUT_ITEMS] = "INSERT OR IGNORE INTO item_status (uuid, item, pos, status,"
                " updated_at, updated_at_text) SELECT ?, value, key,"
                " 'submitted', ?, ? FROM json_each(CASE WHEN json_valid(?)"
                " THEN ? ELSE '[]' END) WHERE type = 'text'",
  [PUT_SEARCH_KEY] = "INSERT OR IGNORE INTO search_keys (digest, uuid) "
                     "VALUES (?, ?)",
  [PUT_SEARCH_INDEXED] = "INSERT OR IGNORE INTO search_indexed (uuid) "
                         "VALUES (?)",
};

/* The progress query's reads (by reference, timeline, items), kept
 * prepared on each read connection. */
enum { READ_BY_REF, READ_EVENTS, READ_ITEMS, READ_N };

struct store {
  const store_ops *ops; /* first (store.c) */
  sqlite3 *writer;
  pthread_mutex_t wlock;
  sqlite3 *readers[MAX_READERS];
  int busy[MAX_READERS];
  int n_readers;
  pthread_mutex_t rlock;
  pthread_cond_t rcond;
  pthread_mutex_t qlock; /* the group-commit queue */
  pthread_cond_t qcond;
  app_req *qhead, *qtail;
  int leader;
  int version;
  /* The intake's statements on the writer, prepared on first use and kept
   * (used only under wlock). */
  sqlite3_stmt *put[PUT_N];
  sqlite3_stmt *read[MAX_READERS][READ_N]; /* under the slot's reader */
};

static kerr db_exec(sqlite3 *db, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    LOG_E("store", "sql failed: %s", msg ? msg : "?");
    sqlite3_free(msg);
    return KERR_IO;
  }
  return KERR_OK;
}

static kerr db_open(const char *path, int readonly, sqlite3 **out) {
  sqlite3 *db = NULL;
  int flags = readonly ? SQLITE_OPEN_READONLY
                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
    LOG_E("store", "cannot open database: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return KERR_IO;
  }
  sqlite3_busy_timeout(db, 5000);
  kerr err = KERR_OK;
  if (!readonly) {
    err = db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                      "PRAGMA foreign_keys=ON;");
  } else {
    err = db_exec(db, "PRAGMA foreign_keys=ON;");
  }
  if (err) {
    sqlite3_close(db);
    return err;
  }
  *out = db;
  return KERR_OK;
}

static kerr db_migrate(sqlite3 *db, int *version) {
  sqlite3_stmt *st = NULL;
  kerr err = KERR_OK;
  int v = 0;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
          SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW) {
    err = KERR_IO;
    goto out;
  }
  v = sqlite3_column_int(st, 0);
  if (v > N_MIGRATIONS) {
    LOG_E("store", "database schema %d is newer than this program (%d)", v,
          N_MIGRATIONS);
    err = KERR_STATE;
    goto out;
  }
  for (; v < N_MIGRATIONS; v++) {
    char pragma[64];
    if ((err = db_exec(db, "BEGIN IMMEDIATE")))
      goto out;
    snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
    if ((err = db_exec(db, MIGRATIONS[v])) || (err = db_exec(db, pragma))) {
      db_exec(db, "ROLLBACK");
      goto out;
    }
    if ((err = db_exec(db, "COMMIT")))
      goto out;
    LOG_I("store", "applied migration %d", v + 1);
  }
  *version = v;
out:
  sqlite3_finalize(st);
  return err;
}

/* The database holds personal data: the file and its -wal and -shm
 * companions are the server's alone. One that is readable by others (made
 * by an older version, or copied in) is narrowed, and that is logged. */
static kerr narrow_mode(const char *path, const char *suffix) {
  char p[4096];
  struct stat st;
  if (snprintf(p, sizeof p, "%s%s", path, suffix) >= (int)sizeof p)
    return KERR_LIMIT;
  if (stat(p, &st) != 0)
    return errno == ENOENT ? KERR_OK : KERR_IO;
  if (!S_ISREG(st.st_mode) || (st.st_mode & 077) == 0)
    return KERR_OK;
  if (chmod(p, st.st_mode & 0600) != 0) {
    LOG_E("store", "%s is mode %03o and cannot be narrowed", p,
          (unsigned)(st.st_mode & 0777));
    return KERR_IO;
  }
  LOG_W("store", "%s was mode %03o; now %03o", p,
        (unsigned)(st.st_mode & 0777), (unsigned)(st.st_mode & 0600));
  return KERR_OK;
}

kerr store_open(const char *path, int readers, store **out) {
  kerr err = KERR_OK;
  static const char *const files[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    if ((err = narrow_mode(path, files[i])))
      return err;
  store *s = calloc(1, sizeof *s);
  if (!s)
    return KERR_NOMEM;
  s->ops = &sqlite_ops;
  /* SQLite creates the file 0644 less the umask, and its -wal and -shm with
   * the database's mode; opening runs before any worker thread exists. */
  mode_t old_mask = umask(077);
  if (readers < 1)
    readers = 1;
  if (readers > MAX_READERS)
    readers = MAX_READERS;
  pthread_mutex_init(&s->wlock, NULL);
  pthread_mutex_init(&s->rlock, NULL);
  pthread_cond_init(&s->rcond, NULL);
  pthread_mutex_init(&s->qlock, NULL);
  pthread_cond_init(&s->qcond, NULL);
  if ((err = db_open(path, 0, &s->writer)))
    goto out;
  if ((err = db_migrate(s->writer, &s->version)))
    goto out;
  for (int i = 0; i < readers; i++) {
    if ((err = db_open(path, 1, &s->readers[i])))
      goto out;
    s->n_readers++;
  }
  *out = s;
  s = NULL;
out:
  umask(old_mask);
  store_destroy(s);
  return err;
}

void store_destroy(store *s) {
  if (!s)
    return;
  for (int i = 0; i < s->n_readers; i++) {
    for (int k = 0; k < READ_N; k++)
      sqlite3_finalize(s->read[i][k]);
    sqlite3_close(s->readers[i]);
  }
  for (int k = 0; k < PUT_N; k++)
    sqlite3_finalize(s->put[k]);
  if (s->writer) {
    sqlite3_exec(s->writer, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
                 NULL);
    sqlite3_close(s->writer);
  }
  pthread_mutex_destroy(&s->wlock);
  pthread_mutex_destroy(&s->rlock);
  pthread_cond_destroy(&s->rcond);
  pthread_mutex_destroy(&s->qlock);
  pthread_cond_destroy(&s->qcond);
  free(s);
}

int store_schema_version(store *s) { return s->version; }

/* ---- connection checkout ---- */

static sqlite3 *reader_take(store *s, int *slot) {
  pthread_mutex_lock(&s->rlock);
  for (;;) {
    for (int i = 0; i < s->n_readers; i++) {
      if (!s->busy[i]) {
        s->busy[i] = 1;
        *slot = i;
        pthread_mutex_unlock(&s->rlock);
        return s->readers[i];
      }
    }
    pthread_cond_wait(&s->rcond, &s->rlock);
  }
}

static void reader_give(store *s, int slot) {
  pthread_mutex_lock(&s->rlock);
  s->busy[slot] = 0;
  pthread_cond_signal(&s->rcond);
  pthread_mutex_unlock(&s->rlock);
}

static sqlite3 *writer_take(store *s) {
  pthread_mutex_lock(&s->wlock);
  return s->writer;
}

static void writer_give(store *s) { pthread_mutex_unlock(&s->wlock); }

static kerr prep(sqlite3 *db, const char *sql, sqlite3_stmt **st) {
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) !=
      SQLITE_OK) {
    LOG_E("store", "prepare failed: %s", sqlite3_errmsg(db));
    return KERR_INTERNAL;
  }
  return KERR_OK;
}

/* Read connection slot's kept statement k (sql), prepared on first use;
 * NULL when it does not prepare. The caller resets it after use, so that
 * it holds no read transaction open. */
static sqlite3_stmt *read_stmt(store *s, int slot, int k, const char *sql) {
  sqlite3_stmt **st = &s->read[slot][k];
  if (!*st && prep(s->readers[slot], sql, st))
    return NULL;
  sqlite3_clear_bindings(*st);
  return *st;
}

/* One row from the database file itself (its header's user_version). */
static kerr ping_one(sqlite3 *db) {
  sqlite3_stmt *st = NULL;
  kerr err = prep(db, "PRAGMA user_version", &st);
  if (!err && sqlite3_step(st) != SQLITE_ROW) {
    LOG_E("store", "ping failed: %s", sqlite3_errmsg(db));
    err = KERR_IO;
  }
  sqlite3_finalize(st);
  return err;
}

kerr store_ping(store *s) {
  int slot;
  sqlite3 *db = reader_take(s, &slot);
  kerr err = ping_one(db);
  reader_give(s, slot);
  if (err)
    return err;
  db = writer_take(s);
  err = ping_one(db);
  writer_give(s);
  return err;
}

static void text_copy(char *dst, size_t cap, sqlite3_stmt *st, int col) {
  const unsigned char *t = sqlite3_column_text(st, col);
  size_t n = t ? strlen((const char *)t) : 0;
  if (n >= cap)
    n = cap - 1;
  if (n)
    memcpy(dst, t, n);
  dst[n] = '\0';
}

static const char *text_or_empty(sqlite3_stmt *st, int col) {
  const unsigned char *t = sqlite3_column_text(st, col);
  return t ? (const char *)t : "";
}

/* ---- applications ---- */

/* The writer's cached statement k, reset and unbound; NULL (logged) when
 * it does not prepare. Under wlock only. */
static sqlite3_stmt *put_stmt(store *s, int k) {
  sqlite3_stmt *st = s->put[k];
  if (st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
  }
  if (prep(s->writer, PUT_SQL[k], &s->put[k]))
    return NULL;
  return s->put[k];
}

/* Runs cached statement k, which takes no arguments, to its end. */
static kerr put_run(store *s, int k) {
  sqlite3_stmt *st = put_stmt(s, k);
  if (!st)
    return KERR_INTERNAL;
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    LOG_E("store", "%s: %s", PUT_SQL[k], sqlite3_errmsg(s->writer));
    return sqlite3_errcode(s->writer) == SQLITE_FULL ? KERR_FULL : KERR_IO;
  }
  return KERR_OK;
}

/* Runs cached statement k with the arguments bound since put_stmt. */
static kerr put_step(store *s, int k) {
  int rc = sqlite3_step(s->put[k]);
  sqlite3_reset(s->put[k]);
  if (rc != SQLITE_DONE) {
    LOG_E("store", "%s: %s", PUT_SQL[k], sqlite3_errmsg(s->writer));
    return sqlite3_errcode(s->writer) == SQLITE_FULL ? KERR_FULL : KERR_IO;
  }
  return KERR_OK;
}

/* Stores app's search digests and marks it indexed (inside the writer's
 * open transaction). */
static kerr search_put(store *s, const store_app *app) {
  kerr err = KERR_OK;
  for (size_t i = 0; !err && i < app->n_search; i++) {
    sqlite3_stmt *st = put_stmt(s, PUT_SEARCH_KEY);
    if (!st)
      return KERR_INTERNAL;
    sqlite3_bind_blob(st, 1, app->search + i * STORE_SEARCH_BYTES,
                      STORE_SEARCH_BYTES, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, app->uuid, -1, SQLITE_STATIC);
    err = put_step(s, PUT_SEARCH_KEY);
  }
  if (!err) {
    sqlite3_stmt *st = put_stmt(s, PUT_SEARCH_INDEXED);
    if (!st)
      return KERR_INTERNAL;
    sqlite3_bind_text(st, 1, app->uuid, -1, SQLITE_STATIC);
    err = put_step(s, PUT_SEARCH_INDEXED);
  }
  return err;
}

/* One application inside the open write transaction, under a savepoint so
 * a failed insert leaves the rest of the batch intact. */
static kerr app_put_one(store *s, store_app *app, int *created) {
  sqlite3_stmt *st;
  kerr err = KERR_OK;
  *created = 0;
  if ((err = put_run(s, PUT_SAVEPOINT)))
    return err;
  if (!(st = put_stmt(s, PUT_HASH))) {
    err = KERR_INTERNAL;
    goto out;
  }
  sqlite3_bind_text(st, 1, app->uuid, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const void *h = sqlite3_column_blob(st, 0);
    int hn = sqlite3_column_bytes(st, 0);
    if (hn != 32 || memcmp(h, app->body_hash, 32) != 0) {
      err = KERR_CONFLICT;
    } else {
      app->received_at = sqlite3_column_int64(st, 1);
      text_copy(app->received_at_text, sizeof app->received_at_text, st, 2);
    }
    sqlite3_reset(st);
    goto out; /* resend: nothing to write */
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    err = KERR_IO;
    goto out;
  }
  if (!(st = put_stmt(s, PUT_DEVREF))) {
    err = KERR_INTERNAL;
    goto out;
  }
  sqlite3_bind_text(st, 1, app->device_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, app->reference, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_ROW) {
    err = KERR_STATE;
    goto out;
  }
  if (rc != SQLITE_DONE) {
    err = KERR_IO;
    goto out;
  }
  if (!(st = put_stmt(s, PUT_APP))) {
    err = KERR_INTERNAL;
    goto out;
  }
  sqlite3_bind_text(st, 1, app->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, app->reference, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, app->device_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, app->region, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, app->created_at, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, app->items_json, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, app->content_version, -1, SQLITE_STATIC);
  if (app->assisted_by[0])
    sqlite3_bind_text(st, 8, app->assisted_by, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 8);
  sqlite3_bind_text(st, 9, app->check_digest, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 10, app->body_hash, 32, SQLITE_STATIC);
  sqlite3_bind_blob64(st, 11, app->sealed, app->sealed_len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 12, app->received_at);
  sqlite3_bind_text(st, 13, app->received_at_text, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 14, app->urgent ? 1 : 0);
  sqlite3_bind_text(st, 15, app->kind[0] ? app->kind : "application", -1,
                    SQLITE_STATIC);
  if ((err = put_step(s, PUT_APP)))
    goto out;
  if (!(st = put_stmt(s, PUT_EVENT))) {
    err = KERR_INTERNAL;
    goto out;
  }
  sqlite3_bind_text(st, 1, app->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, app->received_at);
  sqlite3_bind_text(st, 3, app->received_at_text, -1, SQLITE_STATIC);
  if ((err = put_step(s, PUT_EVENT)))
    goto out;
  if (!(st = put_stmt(s, PUT_ITEMS))) {
    err = KERR_INTERNAL;
    goto out;
  }
  sqlite3_bind_text(st, 1, app->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, app->received_at);
  sqlite3_bind_text(st, 3, app->received_at_text, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, app->items_json, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, app->items_json, -1, SQLITE_STATIC);
  if ((err = put_step(s, PUT_ITEMS)))
    goto out;
  if (app->searchable && (err = search_put(s, app)))
    goto out;
  *created = 1;
out:
  if (err)
    put_run(s, PUT_ROLLBACK_TO);
  put_run(s, PUT_RELEASE);
  return err;
}

/* Group commit. With synchronous=FULL every commit waits for the disk
 * (milliseconds on a small board), so applications arriving together share
 * one transaction: the first caller to find no batch running becomes the
 * leader, takes everything queued (up to BATCH_MAX), writes it in one
 * transaction and wakes the others with their results. No answer is given
 * before its transaction has committed. */
enum { BATCH_MAX = 128 };

static void app_batch_run(store *s, app_req *const *batch, int n) {
  sqlite3 *db = writer_take(s);
  kerr err = db_exec(db, "BEGIN IMMEDIATE");
  if (!err) {
    for (int i = 0; i < n; i++)
      batch[i]->err = app_put_one(s, batch[i]->app, batch[i]->created);
    if ((err = db_exec(db, "COMMIT"))) {
      db_exec(db, "ROLLBACK");
    }
  }
  if (err) {
    for (int i = 0; i < n; i++) {
      batch[i]->err = err;
      *batch[i]->created = 0;
    }
  }
  writer_give(s);
}

kerr store_app_put(store *s, store_app *app, int *created) {
  app_req me = {.app = app, .created = created};
  *created = 0;
  pthread_mutex_lock(&s->qlock);
  if (s->qtail)
    s->qtail->next = &me;
  else
    s->qhead = &me;
  s->qtail = &me;
  while (!me.done) {
    if (s->leader) {
      pthread_cond_wait(&s->qcond, &s->qlock);
      continue;
    }
    app_req *batch[BATCH_MAX];
    int n = 0;
    s->leader = 1;
    while (s->qhead && n < BATCH_MAX) {
      batch[n++] = s->qhead;
      s->qhead = s->qhead->next;
    }
    if (!s->qhead)
      s->qtail = NULL;
    pthread_mutex_unlock(&s->qlock);
    app_batch_run(s, batch, n);
    pthread_mutex_lock(&s->qlock);
    for (int i = 0; i < n; i++)
      batch[i]->done = 1;
    s->leader = 0;
    pthread_cond_broadcast(&s->qcond);
  }
  pthread_mutex_unlock(&s->qlock);
  return me.err;
}

#define APP_COLS                                                            \
  "uuid, reference, device_id, region, created_at, items, content_version, " \
  "assisted_by, check_digest, received_at, received_at_text, status, "       \
  "urgent, kind"
/* Columns selected after APP_COLS start here. */
#define APP_NCOLS 14

/* The list's columns, in APP_COLS order, all in applications_list (a
 * covering index): check_digest is left empty. */
#define LIST_COLS                                                           \
  "uuid, reference, device_id, region, created_at, items, content_version, " \
  "assisted_by, '', received_at, received_at_text, status, urgent, kind"

/* 1 for an urgent application still waiting for the office (store.h). */
#define URGENT_WAITING \
  "(urgent = 1 AND status NOT IN ('paid', 'returned', 'refused'))"

/* The progress query's kept reads (READ_*): by reference, timeline,
 * items. */
#define SQL_BY_REF                                                          \
  "SELECT " APP_COLS " FROM applications WHERE reference = ? ORDER BY "     \
  URGENT_WAITING " DESC, received_at, uuid LIMIT 16"
#define SQL_EVENTS                                                          \
  "SELECT status, note, staff_id, at_text, at, item FROM events WHERE"      \
  " uuid = ? ORDER BY id LIMIT 500"
#define SQL_ITEMS                                                           \
  "SELECT uuid, item, status, updated_at, updated_at_text FROM item_status" \
  " WHERE uuid = ? ORDER BY pos, item"

static void app_from_row(sqlite3_stmt *st, store_app *a) {
  memset(a, 0, sizeof *a);
  text_copy(a->uuid, sizeof a->uuid, st, 0);
  text_copy(a->reference, sizeof a->reference, st, 1);
  text_copy(a->device_id, sizeof a->device_id, st, 2);
  text_copy(a->region, sizeof a->region, st, 3);
  text_copy(a->created_at, sizeof a->created_at, st, 4);
  a->items_json = text_or_empty(st, 5);
  text_copy(a->content_version, sizeof a->content_version, st, 6);
  text_copy(a->assisted_by, sizeof a->assisted_by, st, 7);
  text_copy(a->check_digest, sizeof a->check_digest, st, 8);
  a->received_at = sqlite3_column_int64(st, 9);
  text_copy(a->received_at_text, sizeof a->received_at_text, st, 10);
  text_copy(a->status, sizeof a->status, st, 11);
  a->urgent = sqlite3_column_int(st, 12) != 0;
  text_copy(a->kind, sizeof a->kind, st, 13);
}

kerr store_app_rekey(store *s, store_rekey_fn fn, void *ud, int *n_rows) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *sel = NULL, *upd = NULL;
  sqlite3_int64 last = 0;
  int n = 0;
  kerr err = db_exec(db, "BEGIN IMMEDIATE");
  if (err)
    goto out;
  /* One row at a time by rowid, so no statement reads a row another has
   * just changed. */
  if ((err = prep(db,
                  "SELECT " APP_COLS ", sealed, rowid FROM applications "
                  "WHERE check_keyed = 0 AND rowid > ? ORDER BY rowid "
                  "LIMIT 1",
                  &sel)) ||
      (err = prep(db,
                  "UPDATE applications SET check_digest = ?, body_hash = ?, "
                  "check_keyed = 1 WHERE rowid = ?",
                  &upd)))
    goto out;
  for (;;) {
    sqlite3_reset(sel);
    sqlite3_bind_int64(sel, 1, last);
    int rc = sqlite3_step(sel);
    if (rc == SQLITE_DONE)
      break;
    if (rc != SQLITE_ROW) {
      err = KERR_IO;
      goto out;
    }
    store_app a;
    app_from_row(sel, &a);
    a.sealed = sqlite3_column_blob(sel, APP_NCOLS);
    a.sealed_len = (size_t)sqlite3_column_bytes(sel, APP_NCOLS);
    last = sqlite3_column_int64(sel, APP_NCOLS + 1);
    if (fn(ud, &a)) {
      err = KERR_INTERNAL;
      goto out;
    }
    sqlite3_reset(upd);
    sqlite3_bind_text(upd, 1, a.check_digest, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(upd, 2, a.body_hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(upd, 3, last);
    if (sqlite3_step(upd) != SQLITE_DONE) {
      err = KERR_IO;
      goto out;
    }
    n++;
  }
  err = db_exec(db, "COMMIT");
out:
  sqlite3_finalize(sel);
  sqlite3_finalize(upd);
  if (err) {
    db_exec(db, "ROLLBACK");
    n = 0;
  }
  writer_give(s);
  if (n_rows)
    *n_rows = n;
  return err;
}

static kerr app_query(store *s, sqlite3_stmt *st, int with_sealed,
                      store_app_fn fn, void *ud, int *rows) {
  int rc;
  int n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    store_app a;
    app_from_row(st, &a);
    if (with_sealed) {
      a.sealed = sqlite3_column_blob(st, APP_NCOLS);
      a.sealed_len = (size_t)sqlite3_column_bytes(st, APP_NCOLS);
    }
    n++;
    if (fn(ud, &a))
      break;
  }
  (void)s;
  if (rows)
    *rows = n;
  return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? KERR_OK : KERR_IO;
}

kerr store_app_by_reference(store *s, const char *reference, store_app_fn fn,
                            void *ud) {
  int slot;
  reader_take(s, &slot);
  sqlite3_stmt *st = read_stmt(s, slot, READ_BY_REF, SQL_BY_REF);
  kerr err = st ? KERR_OK : KERR_INTERNAL;
  if (!err) {
    sqlite3_bind_text(st, 1, reference, -1, SQLITE_STATIC);
    err = app_query(s, st, 0, fn, ud, NULL);
    sqlite3_reset(st);
  }
  reader_give(s, slot);
  return err;
}

kerr store_app_list(store *s, int64_t from, int64_t to, int limit,
                    store_app_fn fn, void *ud) {
  int slot;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT " LIST_COLS " FROM applications WHERE received_at >= ?"
                  " AND received_at < ? ORDER BY " URGENT_WAITING " DESC,"
                  " received_at DESC, uuid LIMIT ?",
                  &st);
  if (!err) {
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    sqlite3_bind_int(st, 3, limit);
    err = app_query(s, st, 0, fn, ud, NULL);
  }
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_app_list_urgent(store *s, int limit, store_app_fn fn, void *ud) {
  int slot;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT " LIST_COLS " FROM applications INDEXED BY "
                  "applications_urgent_waiting WHERE " URGENT_WAITING
                  " ORDER BY received_at, uuid LIMIT ?",
                  &st);
  if (!err) {
    sqlite3_bind_int(st, 1, limit);
    err = app_query(s, st, 0, fn, ud, NULL);
  }
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_app_count_urgent(store *s, int64_t *n) {
  int slot;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  *n = 0;
  kerr err = prep(db,
                  "SELECT count(*) FROM applications INDEXED BY "
                  "applications_urgent_waiting WHERE " URGENT_WAITING,
                  &st);
  if (!err) {
    if (sqlite3_step(st) == SQLITE_ROW)
      *n = sqlite3_column_int64(st, 0);
    else
      err = KERR_IO;
  }
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

/* Appends text to a bounded SQL buffer; 0 if it does not fit. */
static int sql_add(char *sql, size_t cap, const char *text) {
  size_t n = strlen(sql), m = strlen(text);
  if (n + m + 1 > cap)
    return 0;
  memcpy(sql + n, text, m + 1);
  return 1;
}

/* The WHERE clause of store_app_find (parameters bound by find_bind in
 * the same order). */
static int find_where(const store_app_filter *f, char *sql, size_t cap) {
  int ok = sql_add(sql, cap, " WHERE 1");
  if (f->to)
    ok &= sql_add(sql, cap, " AND received_at >= ? AND received_at < ?");
  if (f->backlog)
    ok &= sql_add(sql, cap, " AND status NOT IN ('paid', 'refused')");
  if (f->status)
    ok &= sql_add(sql, cap, " AND status = ?");
  if (f->assisted >= 0)
    ok &= sql_add(sql, cap, f->assisted ? " AND assisted_by IS NOT NULL"
                                        : " AND assisted_by IS NULL");
  if (f->urgent >= 0)
    ok &= sql_add(sql, cap, f->urgent ? " AND urgent = 1" : " AND urgent = 0");
  if (f->kind)
    ok &= sql_add(sql, cap, " AND kind = ?");
  if (f->items_json)
    ok &= sql_add(sql, cap,
                  " AND EXISTS (SELECT 1 FROM item_status i WHERE i.uuid ="
                  " applications.uuid AND i.item IN (SELECT value FROM"
                  " json_each(?)))");
  if (f->visible_json)
    ok &= sql_add(sql, cap,
                  " AND EXISTS (SELECT 1 FROM item_status v WHERE v.uuid ="
                  " applications.uuid AND v.item IN (SELECT value FROM"
                  " json_each(?)))");
  /* A search is a set of uuids found through indexes (an OR of the
   * conditions would scan every row). */
  if (f->ref_key || f->n_digests) {
    ok &= sql_add(sql, cap, " AND uuid IN (");
    if (f->ref_key)
      ok &= sql_add(sql, cap,
                    "SELECT uuid FROM applications WHERE replace(reference,"
                    " '-', '') = ?");
    for (size_t i = 0; i < f->n_digests; i++) {
      if (f->ref_key || i > 0)
        ok &= sql_add(sql, cap, " UNION ALL ");
      ok &= sql_add(sql, cap, "SELECT uuid FROM search_keys WHERE digest = ?");
    }
    ok &= sql_add(sql, cap, ")");
  }
  return ok;
}

static int find_bind(const store_app_filter *f, sqlite3_stmt *st) {
  int k = 1;
  if (f->to) {
    sqlite3_bind_int64(st, k++, f->from);
    sqlite3_bind_int64(st, k++, f->to);
  }
  if (f->status)
    sqlite3_bind_text(st, k++, f->status, -1, SQLITE_STATIC);
  if (f->kind)
    sqlite3_bind_text(st, k++, f->kind, -1, SQLITE_STATIC);
  if (f->items_json)
    sqlite3_bind_text(st, k++, f->items_json, -1, SQLITE_STATIC);
  if (f->visible_json)
    sqlite3_bind_text(st, k++, f->visible_json, -1, SQLITE_STATIC);
  if (f->ref_key)
    sqlite3_bind_text(st, k++, f->ref_key, -1, SQLITE_STATIC);
  for (size_t i = 0; i < f->n_digests; i++)
    sqlite3_bind_blob(st, k++, f->digests + i * STORE_SEARCH_BYTES,
                      STORE_SEARCH_BYTES, SQLITE_STATIC);
  return k;
}

/* count(*) of applications<where><extra> into *n. */
static kerr find_count(sqlite3 *db, const store_app_filter *f,
                       const char *where, const char *extra, int64_t *n) {
  char sql[3200];
  sqlite3_stmt *st = NULL;
  kerr err = KERR_OK;
  snprintf(sql, sizeof sql, "SELECT count(*) FROM applications%s%s", where,
           extra);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    LOG_E("store", "prepare failed: %s", sqlite3_errmsg(db));
    err = KERR_INTERNAL;
  } else {
    find_bind(f, st);
    if (sqlite3_step(st) == SQLITE_ROW)
      *n = sqlite3_column_int64(st, 0);
    else
      err = KERR_IO;
  }
  sqlite3_finalize(st);
  return err;
}

/* Rows of applications<where><extra><order> LIMIT limit OFFSET offset to
 * fn; *rows = how many. */
static kerr find_rows(store *s, sqlite3 *db, const store_app_filter *f,
                      const char *where, const char *extra,
                      const char *order, int limit, int64_t offset,
                      store_app_fn fn, void *ud, int *rows) {
  char sql[3400];
  sqlite3_stmt *st = NULL;
  kerr err;
  snprintf(sql, sizeof sql,
           "SELECT " LIST_COLS " FROM applications%s%s%s LIMIT ? OFFSET ?",
           where, extra, order);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    LOG_E("store", "prepare failed: %s", sqlite3_errmsg(db));
    return KERR_INTERNAL;
  }
  int k = find_bind(f, st);
  sqlite3_bind_int(st, k, limit);
  sqlite3_bind_int64(st, k + 1, offset);
  err = app_query(s, st, 0, fn, ud, rows);
  sqlite3_finalize(st);
  return err;
}

/* The time orders put waiting urgent applications first. Sorting by that
 * expression would sort every matching row for each page; instead the
 * page is cut from two runs in index order: the waiting urgent ones (few,
 * counted through their partial index), then the rest. */
kerr store_app_find(store *s, const store_app_filter *f, store_app_fn fn,
                    void *ud, int64_t *total) {
  char where[2048] = "";
  kerr err = KERR_OK;
  *total = 0;
  if (f->limit < 1 || f->limit > 1000 || f->offset < 0 ||
      f->n_digests > STORE_SEARCH_MAX || !find_where(f, where, sizeof where))
    return KERR_INVALID;
  int slot, rows = 0;
  int64_t uw = 0;
  sqlite3 *db = reader_take(s, &slot);
  if ((err = find_count(db, f, where, "", total)) || *total <= f->offset)
    goto out;
  if (f->sort == STORE_SORT_REFERENCE) {
    err = find_rows(s, db, f, where, "", " ORDER BY reference, received_at,"
                    " uuid", f->limit, f->offset, fn, ud, NULL);
    goto out;
  }
  const char *dir = f->sort == STORE_SORT_OLDEST
                        ? " ORDER BY received_at, uuid"
                        : " ORDER BY received_at DESC, uuid DESC";
  if ((err = find_count(db, f, where, " AND " URGENT_WAITING, &uw)))
    goto out;
  if (f->offset < uw &&
      (err = find_rows(s, db, f, where, " AND " URGENT_WAITING, dir, f->limit,
                       f->offset, fn, ud, &rows)))
    goto out;
  if (rows < f->limit)
    err = find_rows(s, db, f, where, " AND NOT " URGENT_WAITING, dir,
                    f->limit - rows, f->offset > uw ? f->offset - uw : 0, fn,
                    ud, NULL);
out:
  reader_give(s, slot);
  return err;
}

kerr store_app_index(store *s, store_rekey_fn fn, void *ud, int *n_rows) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *sel = NULL;
  sqlite3_int64 last = 0;
  int n = 0;
  kerr err = db_exec(db, "BEGIN IMMEDIATE");
  if (err)
    goto out;
  if ((err = prep(db,
                  "SELECT " APP_COLS ", sealed, rowid FROM applications a "
                  "WHERE rowid > ? AND NOT EXISTS (SELECT 1 FROM "
                  "search_indexed x WHERE x.uuid = a.uuid) ORDER BY rowid "
                  "LIMIT 1",
                  &sel)))
    goto out;
  for (;;) {
    sqlite3_reset(sel);
    sqlite3_bind_int64(sel, 1, last);
    int rc = sqlite3_step(sel);
    if (rc == SQLITE_DONE)
      break;
    if (rc != SQLITE_ROW) {
      err = KERR_IO;
      goto out;
    }
    store_app a;
    app_from_row(sel, &a);
    a.sealed = sqlite3_column_blob(sel, APP_NCOLS);
    a.sealed_len = (size_t)sqlite3_column_bytes(sel, APP_NCOLS);
    last = sqlite3_column_int64(sel, APP_NCOLS + 1);
    if (fn(ud, &a)) {
      err = KERR_INTERNAL;
      goto out;
    }
    if ((err = search_put(s, &a)))
      goto out;
    n++;
  }
  err = db_exec(db, "COMMIT");
out:
  sqlite3_finalize(sel);
  if (err) {
    db_exec(db, "ROLLBACK");
    n = 0;
  }
  writer_give(s);
  if (n_rows)
    *n_rows = n;
  return err;
}

kerr store_app_get(store *s, const char *uuid, store_app_fn fn, void *ud) {
  int slot, rows = 0;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT " APP_COLS ", sealed FROM applications WHERE uuid = ?",
                  &st);
  if (!err) {
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    err = app_query(s, st, 1, fn, ud, &rows);
    if (!err && rows == 0)
      err = KERR_NOTFOUND;
  }
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_app_events(store *s, const char *uuid, store_event_fn fn,
                      void *ud) {
  int slot, rc;
  reader_take(s, &slot);
  sqlite3_stmt *st = read_stmt(s, slot, READ_EVENTS, SQL_EVENTS);
  kerr err = st ? KERR_OK : KERR_INTERNAL;
  if (err)
    goto out;
  sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    store_event ev = {
      .status = text_or_empty(st, 0),
      .note = text_or_empty(st, 1),
      .staff_id = (const char *)sqlite3_column_text(st, 2),
      .at_text = text_or_empty(st, 3),
      .at = sqlite3_column_int64(st, 4),
      .item = (const char *)sqlite3_column_text(st, 5),
    };
    if (fn(ud, &ev))
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = KERR_IO;
out:
  if (st)
    sqlite3_reset(st);
  reader_give(s, slot);
  return err;
}

kerr store_app_set_status(store *s, const char *uuid, const store_event *ev) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *st = NULL;
  kerr err;
  int began = 0;
  if ((err = db_exec(db, "BEGIN IMMEDIATE")))
    goto out;
  began = 1;
  if ((err = prep(db, "UPDATE applications SET status = ? WHERE uuid = ?",
                  &st)))
    goto out;
  sqlite3_bind_text(st, 1, ev->status, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE) {
    err = KERR_IO;
    goto out;
  }
  if (sqlite3_changes(db) == 0) {
    err = KERR_NOTFOUND;
    goto out;
  }
  sqlite3_finalize(st);
  st = NULL;
  if ((err = prep(db,
                  "INSERT INTO events (uuid, status, note, staff_id, at, "
                  "at_text) VALUES (?,?,?,?,?,?)",
                  &st)))
    goto out;
  sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, ev->status, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, ev->note ? ev->note : "", -1, SQLITE_STATIC);
  if (ev->staff_id)
    sqlite3_bind_text(st, 4, ev->staff_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 4);
  sqlite3_bind_int64(st, 5, ev->at);
  sqlite3_bind_text(st, 6, ev->at_text, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE) {
    err = KERR_IO;
    goto out;
  }
  sqlite3_finalize(st);
  st = NULL;
  if ((err = prep(db,
                  "UPDATE item_status SET status = ?, updated_at = ?,"
                  " updated_at_text = ? WHERE uuid = ?",
                  &st)))
    goto out;
  sqlite3_bind_text(st, 1, ev->status, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, ev->at);
  sqlite3_bind_text(st, 3, ev->at_text, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE)
    err = KERR_IO;
out:
  sqlite3_finalize(st);
  if (began) {
    if (err)
      db_exec(db, "ROLLBACK");
    else if ((err = db_exec(db, "COMMIT")))
      db_exec(db, "ROLLBACK");
  }
  writer_give(s);
  return err;
}

/* ---- content ---- */

/* Compares dotted versions numerically part by part ("2025.07.10" >
 * "2025.07.9"); non-numeric parts compare as strings. */
static int version_cmp(const char *a, const char *b) {
  while (*a || *b) {
    size_t la = strcspn(a, "."), lb = strcspn(b, ".");
    int na = la > 0 && strspn(a, "0123456789") >= la;
    int nb = lb > 0 && strspn(b, "0123456789") >= lb;
    int c;
    if (na && nb) {
      while (la > 1 && *a == '0')
        a++, la--;
      while (lb > 1 && *b == '0')
        b++, lb--;
      c = la != lb ? (la < lb ? -1 : 1) : strncmp(a, b, la);
    } else {
      size_t m = la < lb ? la : lb;
      c = strncmp(a, b, m);
      if (c == 0 && la != lb)
        c = la < lb ? -1 : 1;
    }
    if (c)
      return c < 0 ? -1 : 1;
    a += la;
    b += lb;
    if (*a == '.')
      a++;
    if (*b == '.')
      b++;
  }
  return 0;
}

kerr store_content_publish(store *s, const store_manifest *m,
                           const store_file *files, size_t n_files,
                           int *created, char *current) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *st = NULL;
  char newest[STORE_VERSION_MAX + 1] = "";
  kerr err;
  int began = 0, rc, equal = 0, same = 0;
  *created = 0;
  if (current)
    current[0] = '\0';
  if ((err = db_exec(db, "BEGIN IMMEDIATE")))
    goto out;
  began = 1;
  if ((err = prep(db,
                  "SELECT version, manifest, signature FROM manifests WHERE "
                  "region = ?",
                  &st)))
    goto out;
  sqlite3_bind_text(st, 1, m->region, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *v = text_or_empty(st, 0);
    if (!newest[0] || version_cmp(v, newest) > 0)
      snprintf(newest, sizeof newest, "%s", v);
    if (version_cmp(v, m->version) == 0) {
      equal = 1;
      same = (size_t)sqlite3_column_bytes(st, 1) == m->manifest_len &&
             memcmp(sqlite3_column_blob(st, 1), m->manifest,
                    m->manifest_len) == 0 &&
             sqlite3_column_bytes(st, 2) == 64 &&
             memcmp(sqlite3_column_blob(st, 2), m->signature, 64) == 0;
    }
  }
  if (rc != SQLITE_DONE) {
    err = KERR_IO;
    goto out;
  }
  if (current)
    snprintf(current, STORE_VERSION_MAX + 1, "%s", newest);
  if (equal) {
    err = same ? KERR_OK : KERR_CONFLICT; /* identical: nothing to do */
    goto out;
  }
  if (newest[0] && version_cmp(newest, m->version) > 0) {
    err = KERR_CONFLICT; /* a newer version is already published */
    goto out;
  }
  sqlite3_finalize(st);
  st = NULL;
  if ((err = prep(db,
                  "INSERT OR IGNORE INTO files (sha256, size, data) VALUES "
                  "(?,?,?)",
                  &st)))
    goto out;
  for (size_t i = 0; i < n_files; i++) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, files[i].sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)files[i].size);
    sqlite3_bind_blob64(st, 3, files[i].data, files[i].size, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
      err = KERR_IO;
      goto out;
    }
  }
  sqlite3_finalize(st);
  st = NULL;
  if ((err = prep(db,
                  "INSERT INTO manifests (region, version, manifest, "
                  "signature, etag, published_at, published_by) VALUES "
                  "(?,?,?,?,?,?,?)",
                  &st)))
    goto out;
  sqlite3_bind_text(st, 1, m->region, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, m->version, -1, SQLITE_STATIC);
  sqlite3_bind_blob64(st, 3, m->manifest, m->manifest_len, SQLITE_STATIC);
  sqlite3_bind_blob(st, 4, m->signature, 64, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, m->etag, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, m->published_at);
  sqlite3_bind_text(st, 7, m->published_by, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE) {
    err = KERR_IO;
    goto out;
  }
  *created = 1;
out:
  sqlite3_finalize(st);
  if (began) {
    if (err || !*created)
      db_exec(db, "ROLLBACK");
    else if ((err = db_exec(db, "COMMIT")))
      db_exec(db, "ROLLBACK"), *created = 0;
  }
  writer_give(s);
  return err;
}

kerr store_content_manifest(store *s, const char *region, store_manifest *out,
                            unsigned char **buf) {
  int slot;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT version, manifest, signature, etag, published_at, "
                  "published_by FROM manifests WHERE region = ? ORDER BY id "
                  "DESC LIMIT 1",
                  &st);
  *buf = NULL;
  if (err)
    goto out;
  sqlite3_bind_text(st, 1, region, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    err = KERR_NOTFOUND;
    goto out;
  }
  if (rc != SQLITE_ROW) {
    err = KERR_IO;
    goto out;
  }
  memset(out, 0, sizeof *out);
  snprintf(out->region, sizeof out->region, "%s", region);
  text_copy(out->version, sizeof out->version, st, 0);
  size_t n = (size_t)sqlite3_column_bytes(st, 1);
  *buf = malloc(n ? n : 1);
  if (!*buf) {
    err = KERR_NOMEM;
    goto out;
  }
  memcpy(*buf, sqlite3_column_blob(st, 1), n);
  out->manifest = *buf;
  out->manifest_len = n;
  if (sqlite3_column_bytes(st, 2) == 64)
    memcpy(out->signature, sqlite3_column_blob(st, 2), 64);
  text_copy(out->etag, sizeof out->etag, st, 3);
  out->published_at = sqlite3_column_int64(st, 4);
  text_copy(out->published_by, sizeof out->published_by, st, 5);
out:
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_content_list(store *s, const char *region, int limit,
                        store_manifest_fn fn, void *ud) {
  int slot, rc;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT region, version, etag, published_at, published_by "
                  "FROM manifests WHERE ?1 IS NULL OR region = ?1 "
                  "ORDER BY region, id DESC LIMIT ?2",
                  &st);
  if (err)
    goto out;
  if (region)
    sqlite3_bind_text(st, 1, region, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, limit);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    store_manifest m;
    memset(&m, 0, sizeof m);
    text_copy(m.region, sizeof m.region, st, 0);
    text_copy(m.version, sizeof m.version, st, 1);
    text_copy(m.etag, sizeof m.etag, st, 2);
    m.published_at = sqlite3_column_int64(st, 3);
    text_copy(m.published_by, sizeof m.published_by, st, 4);
    if (fn(ud, &m))
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = KERR_IO;
out:
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_file_get(store *s, const char *sha256, unsigned char **data,
                    size_t *size) {
  int slot;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db, "SELECT data FROM files WHERE sha256 = ?", &st);
  *data = NULL;
  if (err)
    goto out;
  sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    err = KERR_NOTFOUND;
    goto out;
  }
  if (rc != SQLITE_ROW) {
    err = KERR_IO;
    goto out;
  }
  size_t n = (size_t)sqlite3_column_bytes(st, 0);
  *data = malloc(n ? n : 1);
  if (!*data) {
    err = KERR_NOMEM;
    goto out;
  }
  if (n)
    memcpy(*data, sqlite3_column_blob(st, 0), n);
  *size = n;
out:
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_file_has(store *s, const char *sha256, int *present) {
  int slot;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db, "SELECT 1 FROM files WHERE sha256 = ?", &st);
  if (!err) {
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
      *present = rc == SQLITE_ROW;
    else
      err = KERR_IO;
  }
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

/* ---- devices ---- */

kerr store_device_seen(store *s, const store_device *d) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "INSERT OR REPLACE INTO devices (device_id, "
                  "content_version, outbox_depth, quarantined, uptime_s, "
                  "last_errors, last_seen, last_seen_text) VALUES "
                  "(?,?,?,?,?,?,?,?)",
                  &st);
  if (!err) {
    sqlite3_bind_text(st, 1, d->device_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, d->content_version, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, d->outbox_depth);
    sqlite3_bind_int64(st, 4, d->quarantined);
    sqlite3_bind_int64(st, 5, d->uptime_s);
    sqlite3_bind_text(st, 6, d->last_errors_json ? d->last_errors_json : "[]",
                      -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, d->last_seen);
    sqlite3_bind_text(st, 8, d->last_seen_text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
      err = KERR_IO;
  }
  sqlite3_finalize(st);
  writer_give(s);
  return err;
}

kerr store_device_list(store *s, store_device_fn fn, void *ud) {
  int slot, rc;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT device_id, content_version, outbox_depth, "
                  "quarantined, uptime_s, last_errors, last_seen, "
                  "last_seen_text FROM devices ORDER BY device_id LIMIT 10000",
                  &st);
  if (err)
    goto out;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    store_device d;
    memset(&d, 0, sizeof d);
    text_copy(d.device_id, sizeof d.device_id, st, 0);
    text_copy(d.content_version, sizeof d.content_version, st, 1);
    d.outbox_depth = sqlite3_column_int64(st, 2);
    d.quarantined = sqlite3_column_int64(st, 3);
    d.uptime_s = sqlite3_column_int64(st, 4);
    d.last_errors_json = text_or_empty(st, 5);
    d.last_seen = sqlite3_column_int64(st, 6);
    text_copy(d.last_seen_text, sizeof d.last_seen_text, st, 7);
    if (fn(ud, &d))
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = KERR_IO;
out:
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

/* ---- staff and sessions ---- */

kerr store_staff_put(store *s, const char *id, const char *name,
                     const char *pwhash, const char *dept_id,
                     const char *role, int supervisor) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "INSERT INTO staff (id, name, pwhash, dept, role, "
                  "supervisor) VALUES (?,?,?,?,?,?) ON "
                  "CONFLICT(id) DO UPDATE SET name = excluded.name, pwhash = "
                  "excluded.pwhash, dept = excluded.dept, role = "
                  "excluded.role, supervisor = excluded.supervisor, "
                  "failed = 0, locked_until = 0",
                  &st);
  if (!err) {
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pwhash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, dept_id ? dept_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, role ? role : STORE_ROLE_WINDOW, -1,
                      SQLITE_STATIC);
    sqlite3_bind_int(st, 6, supervisor ? 1 : 0);
    if (sqlite3_step(st) != SQLITE_DONE)
      err = KERR_IO;
  }
  sqlite3_finalize(st);
  writer_give(s);
  return err;
}

kerr store_staff_get(store *s, const char *id, store_staff *out) {
  int slot;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT id, name, pwhash, failed, locked_until, dept, role,"
                  " supervisor, disabled FROM staff WHERE id = ?",
                  &st);
  if (err)
    goto out;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    err = KERR_NOTFOUND;
    goto out;
  }
  if (rc != SQLITE_ROW) {
    err = KERR_IO;
    goto out;
  }
  memset(out, 0, sizeof *out);
  text_copy(out->id, sizeof out->id, st, 0);
  text_copy(out->name, sizeof out->name, st, 1);
  text_copy(out->pwhash, sizeof out->pwhash, st, 2);
  out->failed = sqlite3_column_int64(st, 3);
  out->locked_until = sqlite3_column_int64(st, 4);
  text_copy(out->dept, sizeof out->dept, st, 5);
  text_copy(out->role, sizeof out->role, st, 6);
  out->supervisor = sqlite3_column_int(st, 7) != 0;
  out->disabled = sqlite3_column_int(st, 8) != 0;
out:
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_staff_attempt(store *s, const char *id, int ok, int64_t now,
                         int max_failures, int64_t lock_seconds) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *st = NULL;
  kerr err;
  if (ok) {
    err = prep(db, "UPDATE staff SET failed = 0, locked_until = 0 WHERE id = ?",
               &st);
    if (!err)
      sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  } else {
    err = prep(db,
               "UPDATE staff SET "
               " locked_until = CASE WHEN failed + 1 >= ?2 THEN ?3 ELSE"
               "   locked_until END,"
               " failed = CASE WHEN failed + 1 >= ?2 THEN 0 ELSE failed + 1"
               "   END"
               " WHERE id = ?1",
               &st);
    if (!err) {
      sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_int(st, 2, max_failures);
      sqlite3_bind_int64(st, 3, now + lock_seconds);
    }
  }
  if (!err && sqlite3_step(st) != SQLITE_DONE)
    err = KERR_IO;
  sqlite3_finalize(st);
  writer_give(s);
  return err;
}

kerr store_session_put(store *s, const unsigned char token_hash[32],
                       const char *staff_id, int64_t expires_at) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "INSERT INTO sessions (token_hash, staff_id, expires_at) "
                  "VALUES (?,?,?)",
                  &st);
  if (!err) {
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, expires_at);
    if (sqlite3_step(st) != SQLITE_DONE)
      err = KERR_IO;
  }
  sqlite3_finalize(st);
  writer_give(s);
  return err;
}

kerr store_session_get(store *s, const unsigned char token_hash[32],
                       int64_t now, char *staff_id) {
  int slot;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT staff_id FROM sessions WHERE token_hash = ? AND "
                  "expires_at > ?",
                  &st);
  if (!err) {
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
      text_copy(staff_id, STORE_STAFF_MAX + 1, st, 0);
    else
      err = rc == SQLITE_DONE ? KERR_NOTFOUND : KERR_IO;
  }
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_session_delete(store *s, const unsigned char token_hash[32],
                          int64_t now) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "DELETE FROM sessions WHERE token_hash = ? OR expires_at <= ?",
                  &st);
  if (!err) {
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    if (sqlite3_step(st) != SQLITE_DONE)
      err = KERR_IO;
  }
  sqlite3_finalize(st);
  writer_give(s);
  return err;
}

/* ---- joint processing: item statuses, queues, audit ---- */

static void item_from_row(sqlite3_stmt *st, store_item *it, int full) {
  memset(it, 0, sizeof *it);
  text_copy(it->uuid, sizeof it->uuid, st, 0);
  text_copy(it->item, sizeof it->item, st, 1);
  text_copy(it->status, sizeof it->status, st, 2);
  it->updated_at = sqlite3_column_int64(st, 3);
  text_copy(it->updated_at_text, sizeof it->updated_at_text, st, 4);
  if (!full)
    return;
  text_copy(it->reference, sizeof it->reference, st, 5);
  it->received_at = sqlite3_column_int64(st, 6);
  text_copy(it->received_at_text, sizeof it->received_at_text, st, 7);
  it->urgent = sqlite3_column_int(st, 8) != 0;
}

kerr store_app_items(store *s, const char *uuid, store_item_fn fn, void *ud) {
  int slot, rc;
  reader_take(s, &slot);
  sqlite3_stmt *st = read_stmt(s, slot, READ_ITEMS, SQL_ITEMS);
  kerr err = st ? KERR_OK : KERR_INTERNAL;
  if (err)
    goto out;
  sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    store_item it;
    item_from_row(st, &it, 0);
    if (fn(ud, &it))
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = KERR_IO;
out:
  if (st)
    sqlite3_reset(st);
  reader_give(s, slot);
  return err;
}

/* One application's events copied out of their statement (whose text
 * is gone at the next step): the strings in one arena, the events pointed
 * into it once it has stopped growing. Kept across the candidates of one
 * progress query. */
typedef struct ev_copy {
  store_event *ev;
  size_t (*off)[5]; /* status, note, staff_id, at_text, item; -1 = NULL */
  size_t n, cap;
  char *arena;
  size_t used, size;
} ev_copy;

#define EV_NULL ((size_t)-1)

static size_t ev_text(ev_copy *c, const unsigned char *t, int *nomem) {
  if (!t)
    return EV_NULL;
  size_t len = strlen((const char *)t) + 1, at = c->used;
  if (c->used + len > c->size) {
    size_t size = c->size ? c->size : 1024;
    while (c->used + len > size)
      size *= 2;
    char *a = realloc(c->arena, size);
    if (!a) {
      *nomem = 1;
      return EV_NULL;
    }
    c->arena = a;
    c->size = size;
  }
  memcpy(c->arena + at, t, len);
  c->used += len;
  return at;
}

static const char *ev_at(const ev_copy *c, size_t off) {
  return off == EV_NULL ? NULL : c->arena + off;
}

static void ev_copy_free(ev_copy *c) {
  if (c->arena)
    sodium_memzero(c->arena, c->size); /* notes are the office's words */
  free(c->arena);
  free(c->ev);
  free(c->off);
}

/* The events of uuid into c (from empty), oldest first. */
static kerr progress_events(sqlite3_stmt *st, const char *uuid, ev_copy *c) {
  int rc = SQLITE_DONE, nomem = 0;
  c->n = c->used = 0;
  sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
  while (!nomem && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (c->n == c->cap) {
      size_t cap = c->cap ? c->cap * 2 : 8;
      store_event *ev = realloc(c->ev, cap * sizeof *ev);
      if (ev)
        c->ev = ev;
      size_t(*off)[5] = ev ? realloc(c->off, cap * sizeof *off) : NULL;
      if (!off) {
        nomem = 1;
        break;
      }
      c->off = off;
      c->cap = cap;
    }
    static const int cols[5] = {0, 1, 2, 3, 5};
    for (int k = 0; k < 5; k++)
      c->off[c->n][k] = ev_text(c, sqlite3_column_text(st, cols[k]), &nomem);
    c->ev[c->n].at = sqlite3_column_int64(st, 4);
    c->n++;
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (nomem)
    return KERR_NOMEM;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return KERR_IO;
  for (size_t i = 0; i < c->n; i++) {
    const char *status = ev_at(c, c->off[i][0]), *note = ev_at(c, c->off[i][1]),
               *at_text = ev_at(c, c->off[i][3]);
    c->ev[i].status = status ? status : "";
    c->ev[i].note = note ? note : "";
    c->ev[i].staff_id = ev_at(c, c->off[i][2]);
    c->ev[i].at_text = at_text ? at_text : "";
    c->ev[i].item = ev_at(c, c->off[i][4]);
  }
  return KERR_OK;
}

/* The items of uuid into *items (grown as needed), in order, at most
 * STORE_PROGRESS_MAX. */
static kerr progress_items(sqlite3_stmt *st, const char *uuid,
                           store_item **items, size_t *n, size_t *cap) {
  int rc = SQLITE_DONE;
  kerr err = KERR_OK;
  *n = 0;
  sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
  while (*n < STORE_PROGRESS_MAX && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == *cap) {
      size_t c = *cap ? *cap * 2 : 8;
      store_item *it = realloc(*items, c * sizeof *it);
      if (!it) {
        err = KERR_NOMEM;
        break;
      }
      *items = it;
      *cap = c;
    }
    item_from_row(st, &(*items)[(*n)++], 0);
  }
  if (!err && *n < STORE_PROGRESS_MAX && rc != SQLITE_DONE)
    err = KERR_IO;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return err;
}

/* The three kept reads of a progress query on one read connection; the
 * reference's statement stays open while the others run, so all three
 * read in its one read transaction. */
kerr store_app_progress(store *s, const char *reference, store_progress_fn fn,
                        void *ud) {
  int slot, rc = SQLITE_DONE;
  ev_copy ev = {0};
  store_item *items = NULL;
  size_t n_items = 0, cap_items = 0;
  reader_take(s, &slot);
  sqlite3_stmt *ref = read_stmt(s, slot, READ_BY_REF, SQL_BY_REF);
  sqlite3_stmt *evs = read_stmt(s, slot, READ_EVENTS, SQL_EVENTS);
  sqlite3_stmt *its = read_stmt(s, slot, READ_ITEMS, SQL_ITEMS);
  kerr err = ref && evs && its ? KERR_OK : KERR_INTERNAL;
  if (err)
    goto out;
  sqlite3_bind_text(ref, 1, reference, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(ref)) == SQLITE_ROW) {
    store_app a;
    app_from_row(ref, &a);
    if ((err = progress_events(evs, a.uuid, &ev)) ||
        (err = progress_items(its, a.uuid, &items, &n_items, &cap_items)))
      break;
    store_progress p = {.app = &a, .events = ev.ev, .n_events = ev.n,
                        .items = items, .n_items = n_items};
    if (fn(ud, &p))
      break;
  }
  if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = KERR_IO;
out:
  if (ref)
    sqlite3_reset(ref);
  reader_give(s, slot);
  ev_copy_free(&ev);
  free(items);
  return err;
}

static kerr event_insert(sqlite3 *db, const char *uuid, const char *item,
                         const store_event *ev, const char *status) {
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "INSERT INTO events (uuid, item, status, note, staff_id, at,"
                  " at_text) VALUES (?,?,?,?,?,?,?)",
                  &st);
  if (err)
    return err;
  sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
  if (item)
    sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 2);
  sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, ev->note ? ev->note : "", -1, SQLITE_STATIC);
  if (ev->staff_id)
    sqlite3_bind_text(st, 5, ev->staff_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 5);
  sqlite3_bind_int64(st, 6, ev->at);
  sqlite3_bind_text(st, 7, ev->at_text, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE)
    err = KERR_IO;
  sqlite3_finalize(st);
  return err;
}

static kerr audit_insert(sqlite3 *db, const store_audit *a) {
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "INSERT INTO audit (at, at_text, staff_id, action, uuid,"
                  " item, detail) VALUES (?,?,?,?,?,?,?)",
                  &st);
  if (err)
    return err;
  sqlite3_bind_int64(st, 1, a->at);
  sqlite3_bind_text(st, 2, a->at_text, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, a->staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, a->action, -1, SQLITE_STATIC);
  if (a->uuid)
    sqlite3_bind_text(st, 5, a->uuid, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 5);
  if (a->item)
    sqlite3_bind_text(st, 6, a->item, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 6);
  sqlite3_bind_text(st, 7, a->detail ? a->detail : "", -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE)
    err = KERR_IO;
  sqlite3_finalize(st);
  return err;
}

/* The application's status and its items' statuses, inside the open write
 * transaction: *summary = flow_summary of the items (cap bytes), or ""
 * when it has none. */
static kerr summary_of(sqlite3 *db, const char *uuid, char *summary,
                       size_t cap) {
  sqlite3_stmt *st = NULL;
  enum { MAX = 64 };
  char buf[MAX][STORE_STATUS_MAX + 1];
  const char *p[MAX];
  size_t n = 0;
  int rc;
  kerr err = prep(db, "SELECT status FROM item_status WHERE uuid = ?", &st);
  if (err)
    return err;
  sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < MAX) {
    text_copy(buf[n], sizeof buf[n], st, 0);
    p[n] = buf[n];
    n++;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = KERR_IO;
  sqlite3_finalize(st);
  const char *sum = n ? flow_summary(p, n) : "";
  snprintf(summary, cap, "%s", sum ? sum : "");
  return err;
}

kerr store_status_change(store *s, const store_change *c) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *st = NULL;
  kerr err;
  int began = 0;
  char app_status[STORE_STATUS_MAX + 1], sum[STORE_STATUS_MAX + 1];
  char detail[STORE_DETAIL_MAX];
  if ((err = db_exec(db, "BEGIN IMMEDIATE")))
    goto out;
  began = 1;
  if ((err = prep(db, "SELECT status FROM applications WHERE uuid = ?", &st)))
    goto out;
  sqlite3_bind_text(st, 1, c->uuid, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_ROW) {
    err = KERR_NOTFOUND;
    goto out;
  }
  text_copy(app_status, sizeof app_status, st, 0);
  sqlite3_finalize(st);
  st = NULL;
  store_audit au = {.at = c->ev.at, .at_text = c->ev.at_text,
                    .staff_id = c->ev.staff_id ? c->ev.staff_id : "",
                    .action = c->action ? c->action : "status",
                    .uuid = c->uuid, .detail = detail};
  for (size_t i = 0; i < c->n; i++) {
    if ((err = prep(db,
                    "UPDATE item_status SET status = ?, updated_at = ?,"
                    " updated_at_text = ? WHERE uuid = ? AND item = ? AND"
                    " status = ?",
                    &st)))
      goto out;
    sqlite3_bind_text(st, 1, c->ev.status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->ev.at);
    sqlite3_bind_text(st, 3, c->ev.at_text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->items[i], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, c->from[i], -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
      err = KERR_IO;
      goto out;
    }
    if (sqlite3_changes(db) == 0) {
      err = KERR_CONFLICT;
      goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((err = event_insert(db, c->uuid, c->items[i], &c->ev, c->ev.status)))
      goto out;
    snprintf(detail, sizeof detail, "%s->%s", c->from[i], c->ev.status);
    au.item = c->items[i];
    if ((err = audit_insert(db, &au)))
      goto out;
  }
  if (c->n == 0) {
    if (!c->app_from || strcmp(c->app_from, app_status) != 0) {
      err = KERR_CONFLICT;
      goto out;
    }
    snprintf(sum, sizeof sum, "%s", c->ev.status);
    snprintf(detail, sizeof detail, "%s->%s", app_status, c->ev.status);
    au.item = NULL;
    if ((err = audit_insert(db, &au)))
      goto out;
  } else if ((err = summary_of(db, c->uuid, sum, sizeof sum))) {
    goto out;
  }
  if (sum[0] && strcmp(sum, app_status) != 0) {
    if ((err = prep(db, "UPDATE applications SET status = ? WHERE uuid = ?",
                    &st)))
      goto out;
    sqlite3_bind_text(st, 1, sum, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->uuid, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
      err = KERR_IO;
      goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((err = event_insert(db, c->uuid, NULL, &c->ev, sum)))
      goto out;
  }
out:
  sqlite3_finalize(st);
  if (began) {
    if (err)
      db_exec(db, "ROLLBACK");
    else if ((err = db_exec(db, "COMMIT")))
      db_exec(db, "ROLLBACK");
  }
  writer_give(s);
  return err;
}

kerr store_queue(store *s, const char *items_json, int limit, store_item_fn fn,
                 void *ud) {
  int slot, rc;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT i.uuid, i.item, i.status, i.updated_at,"
                  " i.updated_at_text, a.reference, a.received_at,"
                  " a.received_at_text, a.urgent"
                  " FROM item_status i JOIN applications a ON a.uuid = i.uuid"
                  " WHERE i.status NOT IN ('paid', 'refused')"
                  " AND (?1 IS NULL OR i.item IN"
                  " (SELECT value FROM json_each(?1)))"
                  " ORDER BY a.received_at, a.uuid, i.pos LIMIT ?2",
                  &st);
  if (err)
    goto out;
  if (items_json)
    sqlite3_bind_text(st, 1, items_json, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 1);
  sqlite3_bind_int(st, 2, limit);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    store_item it;
    item_from_row(st, &it, 1);
    if (fn(ud, &it))
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = KERR_IO;
out:
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_audit_add(store *s, const store_audit *a) {
  sqlite3 *db = writer_take(s);
  kerr err = audit_insert(db, a);
  writer_give(s);
  return err;
}

kerr store_audit_list(store *s, int64_t from, int64_t to, int limit,
                      store_audit_fn fn, void *ud) {
  int slot, rc;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT id, at, at_text, staff_id, action, uuid, item,"
                  " detail FROM audit WHERE at >= ? AND at < ?"
                  " ORDER BY id DESC LIMIT ?",
                  &st);
  if (err)
    goto out;
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  sqlite3_bind_int(st, 3, limit);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    store_audit a = {
      .id = sqlite3_column_int64(st, 0),
      .at = sqlite3_column_int64(st, 1),
      .at_text = text_or_empty(st, 2),
      .staff_id = text_or_empty(st, 3),
      .action = text_or_empty(st, 4),
      .uuid = (const char *)sqlite3_column_text(st, 5),
      .item = (const char *)sqlite3_column_text(st, 6),
      .detail = text_or_empty(st, 7),
    };
    if (fn(ud, &a))
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = KERR_IO;
out:
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_staff_set_pin(store *s, const char *id, const char *pin_hash) {
  sqlite3_stmt *st = NULL;
  sqlite3 *db = writer_take(s);
  kerr err = prep(db, "UPDATE staff SET pin_hash = ? WHERE id = ?", &st);
  if (!err) {
    sqlite3_bind_text(st, 1, pin_hash ? pin_hash : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
      err = KERR_IO;
    else if (sqlite3_changes(db) == 0)
      err = KERR_NOTFOUND;
  }
  sqlite3_finalize(st);
  writer_give(s);
  return err;
}

kerr store_staff_list(store *s, store_staff_fn fn, void *ud) {
  int slot, rc;
  sqlite3 *db = reader_take(s, &slot);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "SELECT id, name, dept, role, supervisor, pin_hash, disabled"
                  " FROM staff ORDER BY id LIMIT 1000",
                  &st);
  if (err)
    goto out;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    store_staff x;
    memset(&x, 0, sizeof x);
    text_copy(x.id, sizeof x.id, st, 0);
    text_copy(x.name, sizeof x.name, st, 1);
    text_copy(x.dept, sizeof x.dept, st, 2);
    text_copy(x.role, sizeof x.role, st, 3);
    x.supervisor = sqlite3_column_int(st, 4) != 0;
    text_copy(x.pin_hash, sizeof x.pin_hash, st, 5);
    x.disabled = sqlite3_column_int(st, 6) != 0;
    int stop = fn(ud, &x);
    sodium_memzero(x.pin_hash, sizeof x.pin_hash);
    if (stop)
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = KERR_IO;
out:
  sqlite3_finalize(st);
  reader_give(s, slot);
  return err;
}

kerr store_staff_create(store *s, const char *id, const char *name,
                        const char *pwhash, const char *dept_id,
                        const char *role, int supervisor) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *st = NULL;
  kerr err = prep(db,
                  "INSERT INTO staff (id, name, pwhash, dept, role, "
                  "supervisor) VALUES (?,?,?,?,?,?) ON CONFLICT(id) DO "
                  "NOTHING",
                  &st);
  if (!err) {
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pwhash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, dept_id ? dept_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, role ? role : STORE_ROLE_WINDOW, -1,
                      SQLITE_STATIC);
    sqlite3_bind_int(st, 6, supervisor ? 1 : 0);
    if (sqlite3_step(st) != SQLITE_DONE)
      err = KERR_IO;
    else if (sqlite3_changes(db) == 0)
      err = KERR_CONFLICT;
  }
  sqlite3_finalize(st);
  writer_give(s);
  return err;
}

kerr store_staff_set_disabled(store *s, const char *id, int disabled) {
  sqlite3 *db = writer_take(s);
  sqlite3_stmt *st = NULL;
  kerr err = db_exec(db, "BEGIN IMMEDIATE");
  if (err)
    goto out;
  err = prep(db, "UPDATE staff SET disabled = ? WHERE id = ?", &st);
  if (!err) {
    sqlite3_bind_int(st, 1, disabled ? 1 : 0);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
      err = KERR_IO;
    else if (sqlite3_changes(db) == 0)
      err = KERR_NOTFOUND;
  }
  sqlite3_finalize(st);
  st = NULL;
  if (!err && disabled) {
    err = prep(db, "DELETE FROM sessions WHERE staff_id = ?", &st);
    if (!err) {
      sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_DONE)
        err = KERR_IO;
    }
    sqlite3_finalize(st);
  }
  if (!err)
    err = db_exec(db, "COMMIT");
  if (err)
    db_exec(db, "ROLLBACK");
out:
  writer_give(s);
  return err;
}

static const store_ops sqlite_ops = {
  .name = "sqlite",
  .destroy = store_destroy,
#define STORE_OP_INIT(ret, name, params, args) .name = store_##name,
  STORE_OPS(STORE_OP_INIT)
#undef STORE_OP_INIT
};
