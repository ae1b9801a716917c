/* store_copy: see store_copy.h.
 *
 * Reads the SQLite file directly (read-only) and writes PostgreSQL over
 * libpq, table by table, at the one schema version both stores are at
 * (the columns are named, so a version this file does not know is refused
 * rather than copied in part). Applications go 200 to a transaction, each
 * under a savepoint: INSERT ... ON CONFLICT (uuid) DO NOTHING, and only an
 * application inserted now brings its events, item statuses and search
 * digests, so a second run adds nothing twice. Audit records keep their
 * ids (ON CONFLICT (id) DO NOTHING) and the id sequence is moved past
 * them. Sessions are not copied: staff sign in again. */
#include "store_copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "kiosk/core/log.h"
#include "store_private.h"

enum { COPY_BATCH = 200, COPY_MAX_PARAMS = 20 };

/* One row's parameters, read from a SQLite statement: text columns as
 * text (NULL kept), blob columns binary. */
typedef struct row_params {
  const char *v[COPY_MAX_PARAMS];
  int len[COPY_MAX_PARAMS];
  int fmt[COPY_MAX_PARAMS];
  int n;
} row_params;

/* The columns of st as parameters; blob_mask bit i = column i is a BLOB
 * (BYTEA). Valid until st next steps. */
static void row_bind(sqlite3_stmt *st, unsigned blob_mask, row_params *p) {
  p->n = sqlite3_column_count(st);
  for (int i = 0; i < p->n && i < COPY_MAX_PARAMS; i++) {
    if (blob_mask & (1u << i)) {
      p->v[i] = sqlite3_column_blob(st, i);
      p->len[i] = sqlite3_column_bytes(st, i);
      if (!p->v[i])
        p->v[i] = "";
      p->fmt[i] = 1;
    } else {
      p->v[i] = sqlite3_column_type(st, i) == SQLITE_NULL
                    ? NULL
                    : (const char *)sqlite3_column_text(st, i);
      p->len[i] = 0;
      p->fmt[i] = 0;
    }
  }
}

static kerr pg_do(PGconn *db, const char *sql) {
  PGresult *r = PQexec(db, sql);
  ExecStatusType s = PQresultStatus(r);
  kerr err = KERR_OK;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
    LOG_E("copy", "%s: %s", sql, PQresultErrorMessage(r));
    err = KERR_IO;
  }
  PQclear(r);
  return err;
}

/* Runs sql with p; *rows = rows returned or affected. 23505 (a unique
 * index other than the one ON CONFLICT names) is KERR_STATE. */
static kerr pg_row(PGconn *db, const char *sql, const row_params *p,
                   int64_t *rows) {
  PGresult *r = PQexecParams(db, sql, p->n, NULL, p->v, p->len, p->fmt, 0);
  ExecStatusType s = PQresultStatus(r);
  kerr err = KERR_OK;
  if (s == PGRES_TUPLES_OK) {
    if (rows)
      *rows = PQntuples(r);
  } else if (s == PGRES_COMMAND_OK) {
    if (rows)
      *rows = strtoll(PQcmdTuples(r), NULL, 10);
  } else {
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (state && strcmp(state, "23505") == 0) {
      err = KERR_STATE;
    } else {
      LOG_E("copy", "%s", PQresultErrorMessage(r));
      err = KERR_IO;
    }
  }
  PQclear(r);
  return err;
}

/* Copies every row of select (SQLite) with insert (PostgreSQL, $1.. in
 * the select's column order); *n = rows PostgreSQL took. */
static kerr copy_table(sqlite3 *src, PGconn *dst, const char *select,
                       const char *insert, unsigned blob_mask, int64_t *n) {
  sqlite3_stmt *st = NULL;
  kerr err = KERR_OK;
  int rc;
  *n = 0;
  if (sqlite3_prepare_v2(src, select, -1, &st, NULL) != SQLITE_OK) {
    LOG_E("copy", "%s: %s", select, sqlite3_errmsg(src));
    return KERR_IO;
  }
  if ((err = pg_do(dst, "BEGIN")))
    goto out;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    row_params p;
    int64_t k = 0;
    row_bind(st, blob_mask, &p);
    if ((err = pg_row(dst, insert, &p, &k)))
      break;
    *n += k;
  }
  if (!err && rc != SQLITE_DONE)
    err = KERR_IO;
  if (err)
    pg_do(dst, "ROLLBACK");
  else
    err = pg_do(dst, "COMMIT");
out:
  sqlite3_finalize(st);
  return err;
}

/* The rows of one application's child table (select's ?1 = uuid). */
static kerr copy_children(sqlite3 *src, PGconn *dst, const char *uuid,
                          const char *select, const char *insert,
                          unsigned blob_mask) {
  sqlite3_stmt *st = NULL;
  kerr err = KERR_OK;
  int rc;
  if (sqlite3_prepare_v2(src, select, -1, &st, NULL) != SQLITE_OK) {
    LOG_E("copy", "%s: %s", select, sqlite3_errmsg(src));
    return KERR_IO;
  }
  sqlite3_bind_text(st, 1, uuid, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    row_params p;
    row_bind(st, blob_mask, &p);
    if ((err = pg_row(dst, insert, &p, NULL)))
      break;
  }
  if (!err && rc != SQLITE_DONE)
    err = KERR_IO;
  sqlite3_finalize(st);
  return err;
}

#define APP_SELECT                                                          \
  "SELECT uuid, reference, device_id, region, created_at, items,"           \
  " content_version, assisted_by, check_digest, body_hash, sealed,"         \
  " received_at, received_at_text, status, check_keyed, urgent, kind"      \
  " FROM applications ORDER BY rowid"
/* body_hash (9) and sealed (10) are BLOBs. */
#define APP_BLOBS ((1u << 9) | (1u << 10))
#define APP_INSERT                                                          \
  "INSERT INTO applications (uuid, reference, device_id, region,"           \
  " created_at, items, content_version, assisted_by, check_digest,"         \
  " body_hash, sealed, received_at, received_at_text, status, check_keyed," \
  " urgent, kind) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,"  \
  "$15,$16,$17) ON CONFLICT (uuid) DO NOTHING RETURNING 1"

/* One application under a savepoint: *state 1 = copied now, 0 = there
 * already (same body), 2 = there with another body, 3 = refused
 * ((device, reference) taken by another application). */
static kerr copy_app(sqlite3 *src, PGconn *dst, sqlite3_stmt *st,
                     int *state) {
  row_params p;
  int64_t k = 0;
  char uuid[STORE_UUID_MAX + 1];
  row_bind(st, APP_BLOBS, &p);
  snprintf(uuid, sizeof uuid, "%s", p.v[0] ? p.v[0] : "");
  kerr err = pg_do(dst, "SAVEPOINT app");
  if (err)
    return err;
  err = pg_row(dst, APP_INSERT, &p, &k);
  if (err == KERR_STATE) {
    *state = 3;
    LOG_W("copy", "application %s not copied: its device already has "
                  "another application with its reference", uuid);
    return pg_do(dst, "ROLLBACK TO SAVEPOINT app");
  }
  if (err)
    return err;
  if (k == 0) {
    /* There already: the same one, or another body under its uuid. */
    const char *v[2] = {uuid, p.v[9]};
    int len[2] = {0, p.len[9]}, fmt[2] = {0, 1};
    PGresult *r = PQexecParams(dst,
                               "SELECT body_hash = $2 FROM applications"
                               " WHERE uuid = $1",
                               2, NULL, v, len, fmt, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
      err = KERR_IO;
    } else if (strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
      *state = 0;
    } else {
      *state = 2;
      LOG_W("copy", "application %s is in the target with another body; "
                    "left as it is there", uuid);
    }
    PQclear(r);
    return err ? err : pg_do(dst, "RELEASE SAVEPOINT app");
  }
  *state = 1;
  if ((err = copy_children(
           src, dst, uuid,
           "SELECT uuid, item, status, note, staff_id, at, at_text FROM"
           " events WHERE uuid = ?1 ORDER BY id",
           "INSERT INTO events (uuid, item, status, note, staff_id, at,"
           " at_text) VALUES ($1,$2,$3,$4,$5,$6,$7)",
           0)) ||
      (err = copy_children(
           src, dst, uuid,
           "SELECT uuid, item, pos, status, updated_at, updated_at_text FROM"
           " item_status WHERE uuid = ?1",
           "INSERT INTO item_status (uuid, item, pos, status, updated_at,"
           " updated_at_text) VALUES ($1,$2,$3,$4,$5,$6)"
           " ON CONFLICT DO NOTHING",
           0)) ||
      (err = copy_children(src, dst, uuid,
                           "SELECT digest, uuid FROM search_keys WHERE uuid"
                           " = ?1",
                           "INSERT INTO search_keys (digest, uuid) VALUES"
                           " ($1,$2) ON CONFLICT DO NOTHING",
                           1u)) ||
      (err = copy_children(src, dst, uuid,
                           "SELECT uuid FROM search_indexed WHERE uuid = ?1",
                           "INSERT INTO search_indexed (uuid) VALUES ($1)"
                           " ON CONFLICT DO NOTHING",
                           0)))
    return err;
  return pg_do(dst, "RELEASE SAVEPOINT app");
}

static kerr copy_apps(sqlite3 *src, PGconn *dst, store_copy_stats *out) {
  sqlite3_stmt *st = NULL;
  kerr err = KERR_OK;
  int rc, in_batch = 0;
  if (sqlite3_prepare_v2(src, APP_SELECT, -1, &st, NULL) != SQLITE_OK) {
    LOG_E("copy", "%s", sqlite3_errmsg(src));
    return KERR_IO;
  }
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int state = 0;
    if (!in_batch && (err = pg_do(dst, "BEGIN")))
      break;
    in_batch++;
    if ((err = copy_app(src, dst, st, &state)))
      break;
    out->apps_seen++;
    if (state == 1)
      out->apps_copied++;
    else if (state == 0)
      out->apps_present++;
    else if (state == 2)
      out->apps_differ++;
    else
      out->apps_refused++;
    if (in_batch == COPY_BATCH) {
      in_batch = 0;
      if ((err = pg_do(dst, "COMMIT")))
        break;
    }
  }
  if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = KERR_IO;
  if (in_batch) {
    if (err)
      pg_do(dst, "ROLLBACK");
    else
      err = pg_do(dst, "COMMIT");
  }
  sqlite3_finalize(st);
  return err;
}

/* The schema version of each side; both must be the same. */
static kerr versions(sqlite3 *src, const char *to, int *v) {
  sqlite3_stmt *st = NULL;
  int sv = -1;
  if (sqlite3_prepare_v2(src, "PRAGMA user_version", -1, &st, NULL) ==
          SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    sv = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (sv < 0)
    return KERR_IO;
  /* Opening the target brings it to this program's newest schema. */
  store *pg = NULL;
  kerr err = store_open(to, 1, &pg);
  if (err)
    return err;
  int pv = store_schema_version(pg);
  store_destroy(pg);
  if (sv != pv) {
    LOG_E("copy", "the SQLite file is at schema %d and PostgreSQL at %d: "
                  "run kiosk-server migrate --db on the file first (or use "
                  "the program that made it)", sv, pv);
    return KERR_STATE;
  }
  *v = sv;
  return KERR_OK;
}

kerr store_copy(const char *from, const char *to, store_copy_stats *out) {
  sqlite3 *src = NULL;
  PGconn *dst = NULL;
  kerr err;
  int v = 0;
  memset(out, 0, sizeof *out);
  if (!from || store_is_pg(from) || !store_is_pg(to))
    return KERR_INVALID;
  if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    LOG_E("copy", "cannot open %s: %s", from, sqlite3_errmsg(src));
    sqlite3_close(src);
    return KERR_IO;
  }
  sqlite3_busy_timeout(src, 5000);
  if ((err = versions(src, to, &v)))
    goto out;
  dst = PQconnectdb(to);
  if (PQstatus(dst) != CONNECTION_OK) {
    LOG_E("copy", "cannot connect to PostgreSQL: %s", PQerrorMessage(dst));
    err = KERR_IO;
    goto out;
  }
  /* One read transaction on the file: a consistent picture even if a
   * server still writes to it (stop it for the last run). */
  if (sqlite3_exec(src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
    err = KERR_IO;
    goto out;
  }
  /* Staff before the sessions' and events' references to them; accounts
   * already in the target are left as they are there. */
  if ((err = copy_table(src, dst,
                        "SELECT id, name, pwhash, failed, locked_until, dept,"
                        " role, supervisor, pin_hash, disabled FROM staff",
                        "INSERT INTO staff (id, name, pwhash, failed,"
                        " locked_until, dept, role, supervisor, pin_hash,"
                        " disabled) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)"
                        " ON CONFLICT (id) DO NOTHING",
                        0, &out->staff)) ||
      (err = copy_table(src, dst,
                        "SELECT sha256, size, data FROM files",
                        "INSERT INTO files (sha256, size, data) VALUES"
                        " ($1,$2,$3) ON CONFLICT DO NOTHING",
                        1u << 2, &out->files)) ||
      (err = copy_table(src, dst,
                        "SELECT region, version, manifest, signature, etag,"
                        " published_at, published_by FROM manifests"
                        " ORDER BY id",
                        "INSERT INTO manifests (region, version, manifest,"
                        " signature, etag, published_at, published_by)"
                        " VALUES ($1,$2,$3,$4,$5,$6,$7)"
                        " ON CONFLICT (region, version) DO NOTHING",
                        (1u << 2) | (1u << 3), &out->manifests)) ||
      (err = copy_table(src, dst,
                        "SELECT device_id, content_version, outbox_depth,"
                        " quarantined, uptime_s, last_errors, last_seen,"
                        " last_seen_text FROM devices",
                        "INSERT INTO devices (device_id, content_version,"
                        " outbox_depth, quarantined, uptime_s, last_errors,"
                        " last_seen, last_seen_text) VALUES"
                        " ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (device_id)"
                        " DO UPDATE SET content_version ="
                        " excluded.content_version, outbox_depth ="
                        " excluded.outbox_depth, quarantined ="
                        " excluded.quarantined, uptime_s = excluded.uptime_s,"
                        " last_errors = excluded.last_errors, last_seen ="
                        " excluded.last_seen, last_seen_text ="
                        " excluded.last_seen_text"
                        " WHERE devices.last_seen < excluded.last_seen",
                        0, &out->devices)))
    goto out;
  if ((err = copy_apps(src, dst, out)))
    goto out;
  if ((err = copy_table(src, dst,
                        "SELECT id, at, at_text, staff_id, action, uuid,"
                        " item, detail FROM audit ORDER BY id",
                        "INSERT INTO audit (id, at, at_text, staff_id,"
                        " action, uuid, item, detail) VALUES"
                        " ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (id)"
                        " DO NOTHING",
                        0, &out->audit)) ||
      (err = pg_do(dst, "SELECT setval(pg_get_serial_sequence('audit', 'id'),"
                        " GREATEST((SELECT max(id) FROM audit), 1))")))
    goto out;
  out->schema = v;
out:
  if (src) {
    sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(src);
  }
  PQfinish(dst);
  return err;
}
