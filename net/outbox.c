/* outbox: SQLite-backed durable queue (see outbox.h for the state machine).
 *
 * Durability: journal_mode=WAL with synchronous=FULL, so a COMMIT returns
 * only after the WAL is fsync'd. Every state change is one short
 * BEGIN IMMEDIATE ... COMMIT; on any error the transaction is rolled back,
 * which leaves earlier commits untouched. The one exception is a claim
 * (queued -> sending), committed with synchronous=NORMAL: losing it to a
 * power cut leaves the rows queued, which is what outbox_open() makes of a
 * "sending" row anyway, and the next durable commit (the outcomes) syncs
 * the WAL frames of the claim with its own. So a batch of deliveries costs
 * one fdatasync, not two per application. The file is tagged with
 * application_id so a wrong path is refused instead of written to.
 * The mutex makes the handle usable from the UI and the delivery worker. */
#include "outbox.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/log.h"
#include "core/utf8.h"

#define OUTBOX_APP_ID 0x4B4F4258 /* "KOBX" */
#define OUTBOX_SCHEMA 2

enum {
  ST_BEGIN,
  ST_COMMIT,
  ST_ROLLBACK,
  ST_NEXT_SEQ,
  ST_UNDELIVERED,
  ST_INSERT,
  ST_CLAIM_PICK,
  ST_CLAIM_MARK,
  ST_NEXT_DUE,
  ST_DELIVERED,
  ST_RETRY,
  ST_QUARANTINE,
  ST_RELEASE,
  ST_SYNC_NORMAL,
  ST_SYNC_FULL,
  ST_COUNT
};

static const char *const outbox_sql[ST_COUNT] = {
  [ST_BEGIN] = "BEGIN IMMEDIATE",
  [ST_COMMIT] = "COMMIT",
  [ST_ROLLBACK] = "ROLLBACK",
  [ST_NEXT_SEQ] = "UPDATE meta SET value = value + 1 WHERE key = 'ref_seq' "
                  "RETURNING value",
  [ST_UNDELIVERED] = "SELECT count(*) FROM outbox WHERE state <> 2",
  [ST_INSERT] = "INSERT INTO outbox(uuid, reference, envelope, state, "
                "attempts, created_ms, due_ms) VALUES(?1, ?2, ?3, 0, 0, ?4, ?4)",
  [ST_CLAIM_PICK] = "SELECT id, uuid, reference, envelope, attempts FROM outbox "
                    "WHERE state = 0 AND due_ms <= ?1 ORDER BY due_ms, id LIMIT ?2",
  [ST_CLAIM_MARK] = "UPDATE outbox SET state = 1, attempts = attempts + 1, "
                    "last_attempt_ms = ?2 WHERE id = ?1 AND state = 0",
  [ST_NEXT_DUE] = "SELECT min(due_ms) FROM outbox WHERE state = 0",
  [ST_DELIVERED] = "UPDATE outbox SET state = 2, envelope = NULL, "
                   "http_status = ?2, done_ms = ?3, reason = NULL "
                   "WHERE id = ?1 AND state = 1",
  [ST_RETRY] = "UPDATE outbox SET state = 0, due_ms = ?2, reason = ?3 "
               "WHERE id = ?1 AND state = 1",
  [ST_QUARANTINE] = "UPDATE outbox SET state = 3, http_status = ?2, "
                    "reason = ?3, done_ms = ?4 WHERE id = ?1 AND state = 1",
  [ST_RELEASE] = "UPDATE outbox SET state = 0, attempts = max(attempts - 1, 0) "
                 "WHERE id = ?1 AND state = 1",
  [ST_SYNC_NORMAL] = "PRAGMA synchronous=NORMAL",
  [ST_SYNC_FULL] = "PRAGMA synchronous=FULL",
};

struct outbox {
  sqlite3 *db;
  sqlite3_stmt *st[ST_COUNT];
  pthread_mutex_t mu;
  uint32_t capacity;
  uint32_t warn_percent;
  char prefix[REFNO_PREFIX_LEN + 1];
};

/* Maps a SQLite result code to the project's error type. */
static kerr outbox_err(int rc) {
  switch (rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_ROW:
  case SQLITE_DONE:
    return KERR_OK;
  case SQLITE_FULL:
    return KERR_FULL;
  case SQLITE_NOMEM:
    return KERR_NOMEM;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return KERR_BUSY;
  case SQLITE_CONSTRAINT:
    return KERR_CONFLICT;
  default:
    return KERR_IO;
  }
}

static kerr outbox_exec(sqlite3 *db, const char *sql) {
  int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    LOG_W("outbox", "%s: %s", sql, sqlite3_errmsg(db));
  return outbox_err(rc);
}

/* Runs a prepared statement that returns no rows (or ignores them). */
static kerr outbox_step_done(outbox *ob, int which) {
  sqlite3_stmt *s = ob->st[which];
  int rc;

  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    ;
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return outbox_err(rc);
}

static kerr outbox_begin(outbox *ob) {
  return outbox_step_done(ob, ST_BEGIN);
}

/* Commits; on failure rolls back so the handle is clean again. */
static kerr outbox_commit(outbox *ob) {
  kerr err = outbox_step_done(ob, ST_COMMIT);
  if (err && !sqlite3_get_autocommit(ob->db))
    (void)outbox_step_done(ob, ST_ROLLBACK);
  return err;
}

static void outbox_rollback(outbox *ob) {
  if (!sqlite3_get_autocommit(ob->db))
    (void)outbox_step_done(ob, ST_ROLLBACK);
}

/* Reads one integer pragma or query result. */
static kerr outbox_query_int(sqlite3 *db, const char *sql, int64_t *v) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);

  if (rc == SQLITE_OK) {
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      *v = sqlite3_column_int64(s, 0);
      rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
      rc = SQLITE_NOTFOUND;
    }
  }
  sqlite3_finalize(s);
  return rc == SQLITE_OK ? KERR_OK : outbox_err(rc == SQLITE_NOTFOUND ? SQLITE_ERROR : rc);
}

static kerr outbox_schema(outbox *ob, const outbox_config *cfg) {
  sqlite3 *db = ob->db;
  int64_t app_id = 0, tables = 0, page_size = 4096;
  kerr err;
  char sql[128];

  err = outbox_query_int(db, "PRAGMA application_id", &app_id);
  if (!err)
    err = outbox_query_int(db, "SELECT count(*) FROM sqlite_schema", &tables);
  if (err)
    return err;
  if (tables > 0 && app_id != OUTBOX_APP_ID) {
    LOG_E("outbox", "database file is not an outbox");
    return KERR_IO;
  }
  if (strcmp(cfg->path, ":memory:") != 0) {
    sqlite3_stmt *s = NULL;
    const char *mode = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &s, NULL);
    if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      mode = (const char *)sqlite3_column_text(s, 0);
    if (!mode || strcmp(mode, "wal") != 0) {
      rc = sqlite3_errcode(db);
      sqlite3_finalize(s);
      LOG_E("outbox", "cannot enable WAL: %s", sqlite3_errmsg(db));
      return rc == SQLITE_OK ? KERR_IO : outbox_err(rc);
    }
    sqlite3_finalize(s);
  }
  err = outbox_exec(db, "PRAGMA synchronous=FULL");
  if (!err)
    err = outbox_query_int(db, "PRAGMA page_size", &page_size);
  if (err)
    return err;
  if (cfg->max_db_bytes > 0) {
    int64_t pages = (int64_t)(cfg->max_db_bytes / (uint64_t)page_size);
    snprintf(sql, sizeof sql, "PRAGMA max_page_count=%lld",
             (long long)(pages > 0 ? pages : 1));
    err = outbox_exec(db, sql);
    if (err)
      return err;
  }
  err = outbox_exec(db,
      "BEGIN IMMEDIATE;"
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY,"
      " value INTEGER NOT NULL) WITHOUT ROWID;"
      "INSERT OR IGNORE INTO meta VALUES('schema', 1), ('ref_seq', 0);"
      "CREATE TABLE IF NOT EXISTS outbox("
      " id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " uuid TEXT NOT NULL UNIQUE,"
      " reference TEXT NOT NULL UNIQUE,"
      " envelope TEXT,"
      " state INTEGER NOT NULL CHECK(state BETWEEN 0 AND 3),"
      " attempts INTEGER NOT NULL DEFAULT 0,"
      " created_ms INTEGER NOT NULL,"
      " due_ms INTEGER NOT NULL,"
      " last_attempt_ms INTEGER,"
      " done_ms INTEGER,"
      " http_status INTEGER,"
      " reason TEXT);"
      "CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, due_ms, id);"
      "PRAGMA application_id=1263485528;"
      "UPDATE outbox SET state = 0 WHERE state = 1;"
      "COMMIT;");
  if (err) {
    if (!sqlite3_get_autocommit(db))
      sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return err;
  }
  {
    int64_t schema = 0;
    err = outbox_query_int(db, "SELECT value FROM meta WHERE key='schema'",
                           &schema);
    /* 2: the reference printed on the receipt, when the backend made the
     * kiosk give the application another one. */
    if (!err && schema == 1) {
      err = outbox_exec(db, "BEGIN IMMEDIATE;"
                            "ALTER TABLE outbox ADD COLUMN printed_reference "
                            "TEXT;"
                            "UPDATE meta SET value = 2 WHERE key = 'schema';"
                            "COMMIT;");
      if (err) {
        if (!sqlite3_get_autocommit(db))
          sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return err;
      }
      schema = 2;
    }
    if (!err && schema != OUTBOX_SCHEMA) {
      LOG_E("outbox", "unknown outbox schema %lld", (long long)schema);
      return KERR_IO;
    }
  }
  return err;
}

kerr outbox_open(const outbox_config *cfg, outbox **out) {
  outbox *ob = NULL;
  kerr err = KERR_OK;
  int rc;

  *out = NULL;
  if (!cfg || !cfg->path || !cfg->path[0] ||
      refno_check_prefix(cfg->ref_prefix) != KERR_OK ||
      cfg->warn_percent > 100)
    return KERR_INVALID;
  ob = calloc(1, sizeof *ob);
  if (!ob)
    return KERR_NOMEM;
  pthread_mutex_init(&ob->mu, NULL);
  ob->capacity = cfg->capacity ? cfg->capacity : 1000;
  ob->warn_percent = cfg->warn_percent ? cfg->warn_percent : 80;
  memcpy(ob->prefix, cfg->ref_prefix, REFNO_PREFIX_LEN + 1);

  rc = sqlite3_open_v2(cfg->path, &ob->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                           SQLITE_OPEN_NOMUTEX,
                       NULL);
  if (rc != SQLITE_OK) {
    LOG_E("outbox", "cannot open outbox: %s",
          ob->db ? sqlite3_errmsg(ob->db) : "out of memory");
    err = rc == SQLITE_NOMEM ? KERR_NOMEM : KERR_IO;
    goto out;
  }
  sqlite3_extended_result_codes(ob->db, 1);
  sqlite3_busy_timeout(ob->db, 5000);
  err = outbox_schema(ob, cfg);
  if (err)
    goto out;
  for (int i = 0; i < ST_COUNT; i++) {
    rc = sqlite3_prepare_v3(ob->db, outbox_sql[i], -1,
                            SQLITE_PREPARE_PERSISTENT, &ob->st[i], NULL);
    if (rc != SQLITE_OK) {
      LOG_E("outbox", "prepare: %s", sqlite3_errmsg(ob->db));
      err = outbox_err(rc);
      goto out;
    }
  }
  *out = ob;
  ob = NULL;
out:
  outbox_close(ob);
  return err;
}

void outbox_close(outbox *ob) {
  if (!ob)
    return;
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(ob->st[i]);
  if (ob->db)
    sqlite3_close_v2(ob->db);
  pthread_mutex_destroy(&ob->mu);
  free(ob);
}

kerr outbox_next_reference(outbox *ob, char out[REFNO_BUF]) {
  sqlite3_stmt *s = ob->st[ST_NEXT_SEQ];
  int64_t seq = -1;
  kerr err;
  int rc;

  pthread_mutex_lock(&ob->mu);
  err = outbox_begin(ob);
  if (err)
    goto out;
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW)
    seq = sqlite3_column_int64(s, 0);
  while (rc == SQLITE_ROW)
    rc = sqlite3_step(s);
  sqlite3_reset(s);
  err = outbox_err(rc);
  if (!err && (seq < 0 || seq >= (int64_t)REFNO_SEQ_COUNT))
    err = seq < 0 ? KERR_IO : KERR_RANGE;
  if (!err)
    err = refno_format(ob->prefix, (uint32_t)seq, out);
  if (err) {
    outbox_rollback(ob);
    goto out;
  }
  err = outbox_commit(ob);
out:
  pthread_mutex_unlock(&ob->mu);
  if (err)
    LOG_W("outbox", "next reference: %s", kerr_str(err));
  return err;
}

/* Number of rows not yet delivered (inside a transaction). */
static kerr outbox_undelivered(outbox *ob, int64_t *n) {
  sqlite3_stmt *s = ob->st[ST_UNDELIVERED];
  int rc = sqlite3_step(s);

  if (rc == SQLITE_ROW) {
    *n = sqlite3_column_int64(s, 0);
    rc = SQLITE_OK;
  }
  sqlite3_reset(s);
  return outbox_err(rc);
}

kerr outbox_enqueue(outbox *ob, const char *uuid, const char *reference,
                    const char *envelope, size_t envelope_len,
                    int64_t now_ms) {
  sqlite3_stmt *s = ob->st[ST_INSERT];
  char canon[REFNO_BUF];
  int64_t n = 0;
  kerr err;

  if (!seal_uuid_valid(uuid) || !reference ||
      refno_normalize(reference, canon) != KERR_OK ||
      strcmp(canon, reference) != 0 || !envelope || envelope_len == 0 ||
      envelope_len > OUTBOX_ENVELOPE_MAX)
    return KERR_INVALID;
  pthread_mutex_lock(&ob->mu);
  err = outbox_begin(ob);
  if (err)
    goto out;
  err = outbox_undelivered(ob, &n);
  if (!err && n >= (int64_t)ob->capacity)
    err = KERR_FULL;
  if (!err) {
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, reference, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, envelope, (int)envelope_len, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now_ms);
    err = outbox_step_done(ob, ST_INSERT);
  }
  if (err) {
    outbox_rollback(ob);
    goto out;
  }
  err = outbox_commit(ob);
out:
  pthread_mutex_unlock(&ob->mu);
  if (err)
    LOG_W("outbox", "enqueue %s: %s", reference, kerr_str(err));
  else
    LOG_I("outbox", "queued %s", reference);
  return err;
}

static kerr outbox_next_due_locked(outbox *ob, int64_t *next_due_ms) {
  sqlite3_stmt *s = ob->st[ST_NEXT_DUE];
  int rc = sqlite3_step(s);

  *next_due_ms = INT64_MAX;
  if (rc == SQLITE_ROW) {
    if (sqlite3_column_type(s, 0) != SQLITE_NULL)
      *next_due_ms = sqlite3_column_int64(s, 0);
    rc = SQLITE_OK;
  }
  sqlite3_reset(s);
  return outbox_err(rc);
}

/* Copies the current row of ST_CLAIM_PICK into *it. */
static kerr outbox_copy_item(sqlite3_stmt *s, outbox_item *it) {
  const char *u = (const char *)sqlite3_column_text(s, 1);
  const char *r = (const char *)sqlite3_column_text(s, 2);
  const void *e = sqlite3_column_text(s, 3);
  int elen = sqlite3_column_bytes(s, 3);

  it->id = sqlite3_column_int64(s, 0);
  it->attempts = (uint32_t)sqlite3_column_int64(s, 4) + 1;
  if (!u || !r || !e || strlen(u) >= sizeof it->uuid ||
      strlen(r) >= sizeof it->reference)
    return KERR_IO; /* a row we did not write: refuse rather than guess */
  memcpy(it->uuid, u, strlen(u) + 1);
  memcpy(it->reference, r, strlen(r) + 1);
  it->envelope = malloc((size_t)elen + 1);
  if (!it->envelope)
    return KERR_NOMEM;
  memcpy(it->envelope, e, (size_t)elen);
  it->envelope[elen] = '\0';
  it->envelope_len = (size_t)elen;
  return KERR_OK;
}

kerr outbox_claim_batch(outbox *ob, int64_t now_ms, outbox_item *items,
                        size_t max, size_t *n, int64_t *next_due_ms) {
  sqlite3_stmt *s = ob->st[ST_CLAIM_PICK];
  int64_t due = INT64_MAX;
  size_t got = 0, bytes = 0;
  kerr err;
  int rc = SQLITE_DONE;

  *n = 0;
  if (!items || max == 0)
    return KERR_INVALID;
  memset(items, 0, max * sizeof *items);
  pthread_mutex_lock(&ob->mu);
  /* Not durable on purpose (see the top of this file). */
  err = outbox_step_done(ob, ST_SYNC_NORMAL);
  if (!err)
    err = outbox_begin(ob);
  if (err)
    goto out;
  sqlite3_bind_int64(s, 1, now_ms);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
  while (got < max && bytes < OUTBOX_CLAIM_BYTES &&
         (rc = sqlite3_step(s)) == SQLITE_ROW) {
    err = outbox_copy_item(s, &items[got]);
    if (err)
      break;
    bytes += items[got++].envelope_len;
  }
  if (!err && got == 0)
    err = rc == SQLITE_DONE ? KERR_NOTFOUND : outbox_err(rc);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  for (size_t i = 0; !err && i < got; i++) {
    sqlite3_stmt *m = ob->st[ST_CLAIM_MARK];
    sqlite3_bind_int64(m, 1, items[i].id);
    sqlite3_bind_int64(m, 2, now_ms);
    err = outbox_step_done(ob, ST_CLAIM_MARK);
  }
  if (err == KERR_NOTFOUND) {
    kerr e2 = outbox_next_due_locked(ob, &due);
    if (e2)
      err = e2;
  }
  if (err) {
    outbox_rollback(ob);
    goto out;
  }
  err = outbox_commit(ob);
out:
  (void)outbox_step_done(ob, ST_SYNC_FULL);
  pthread_mutex_unlock(&ob->mu);
  if (err) {
    for (size_t i = 0; i < max; i++)
      outbox_item_free(&items[i]);
  } else {
    *n = got;
  }
  if (next_due_ms)
    *next_due_ms = due;
  return err;
}

kerr outbox_claim(outbox *ob, int64_t now_ms, outbox_item *it,
                  int64_t *next_due_ms) {
  size_t n;
  return outbox_claim_batch(ob, now_ms, it, 1, &n, next_due_ms);
}

void outbox_item_free(outbox_item *it) {
  if (!it)
    return;
  free(it->envelope);
  memset(it, 0, sizeof *it);
}

/* Bound text for reasons: short, truncated on a UTF-8 boundary. */
static int outbox_reason_len(const char *reason) {
  return reason ? (int)utf8_cut(reason, strlen(reason), OUTBOX_REASON_MAX)
                : 0;
}

/* Binds and runs the UPDATE of one outcome (in the caller's transaction);
 * KERR_STATE if the row is not "sending". */
static kerr outbox_mark_one(outbox *ob, const outbox_mark *m, int64_t now_ms) {
  static const int which[] = {
    [OUTBOX_MARK_DELIVERED] = ST_DELIVERED, [OUTBOX_MARK_RETRY] = ST_RETRY,
    [OUTBOX_MARK_QUARANTINED] = ST_QUARANTINE,
    [OUTBOX_MARK_RELEASED] = ST_RELEASE};
  sqlite3_stmt *s;
  const char *reason = m->reason;
  kerr err;

  if ((unsigned)m->outcome > OUTBOX_MARK_RELEASED)
    return KERR_INVALID;
  s = ob->st[which[m->outcome]];
  sqlite3_bind_int64(s, 1, m->id);
  switch (m->outcome) {
  case OUTBOX_MARK_DELIVERED:
    sqlite3_bind_int(s, 2, m->http_status);
    sqlite3_bind_int64(s, 3, now_ms);
    break;
  case OUTBOX_MARK_RETRY:
    sqlite3_bind_int64(s, 2, m->due_ms);
    if (reason)
      sqlite3_bind_text(s, 3, reason, outbox_reason_len(reason),
                        SQLITE_STATIC);
    break;
  case OUTBOX_MARK_QUARANTINED:
    sqlite3_bind_int(s, 2, m->http_status);
    sqlite3_bind_text(s, 3, reason ? reason : "", outbox_reason_len(reason),
                      SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now_ms);
    break;
  case OUTBOX_MARK_RELEASED:
    break;
  }
  err = outbox_step_done(ob, which[m->outcome]);
  if (!err && sqlite3_changes(ob->db) != 1)
    err = KERR_STATE;
  return err;
}

kerr outbox_mark_batch(outbox *ob, const outbox_mark *marks, size_t n,
                       int64_t now_ms) {
  kerr err;

  if (n == 0)
    return KERR_OK;
  if (!marks)
    return KERR_INVALID;
  pthread_mutex_lock(&ob->mu);
  err = outbox_begin(ob);
  for (size_t i = 0; !err && i < n; i++)
    err = outbox_mark_one(ob, &marks[i], now_ms);
  if (err)
    outbox_rollback(ob);
  else
    err = outbox_commit(ob);
  pthread_mutex_unlock(&ob->mu);
  for (size_t i = 0; !err && i < n; i++)
    if (marks[i].outcome == OUTBOX_MARK_QUARANTINED)
      LOG_W("outbox", "quarantined row %lld (HTTP %d)",
            (long long)marks[i].id, marks[i].http_status);
  return err;
}

kerr outbox_mark_delivered(outbox *ob, int64_t id, int http_status,
                           int64_t now_ms) {
  outbox_mark m = {.id = id, .outcome = OUTBOX_MARK_DELIVERED,
                   .http_status = http_status};
  return outbox_mark_batch(ob, &m, 1, now_ms);
}

kerr outbox_mark_retry(outbox *ob, int64_t id, int64_t due_ms,
                       const char *reason, int64_t now_ms) {
  outbox_mark m = {.id = id, .outcome = OUTBOX_MARK_RETRY, .due_ms = due_ms,
                   .reason = reason};
  return outbox_mark_batch(ob, &m, 1, now_ms);
}

kerr outbox_mark_quarantined(outbox *ob, int64_t id, int http_status,
                             const char *reason, int64_t now_ms) {
  outbox_mark m = {.id = id, .outcome = OUTBOX_MARK_QUARANTINED,
                   .http_status = http_status, .reason = reason};
  return outbox_mark_batch(ob, &m, 1, now_ms);
}

/* Runs an ad-hoc statement with up to two text and one integer binding in a
 * transaction; *changes gets sqlite3_changes(). Used by rare staff actions. */
static kerr outbox_run(outbox *ob, const char *sql, const char *t1,
                       int64_t i2, int *changes) {
  sqlite3_stmt *s = NULL;
  kerr err;
  int rc;

  err = outbox_begin(ob);
  if (err)
    return err;
  rc = sqlite3_prepare_v2(ob->db, sql, -1, &s, NULL);
  if (rc == SQLITE_OK) {
    if (t1)
      sqlite3_bind_text(s, 1, t1, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, i2);
    rc = sqlite3_step(s);
  }
  sqlite3_finalize(s);
  err = outbox_err(rc);
  if (err) {
    outbox_rollback(ob);
    return err;
  }
  if (changes)
    *changes = sqlite3_changes(ob->db);
  return outbox_commit(ob);
}

kerr outbox_requeue(outbox *ob, const char *reference, int64_t now_ms) {
  char canon[REFNO_BUF];
  int changes = 0;
  kerr err;

  if (!reference || refno_normalize(reference, canon) != KERR_OK)
    return KERR_NOTFOUND;
  pthread_mutex_lock(&ob->mu);
  err = outbox_run(ob,
                   "UPDATE outbox SET state = 0, due_ms = ?2, done_ms = NULL "
                   "WHERE reference = ?1 AND state = 3",
                   canon, now_ms, &changes);
  pthread_mutex_unlock(&ob->mu);
  if (!err && changes == 0)
    err = KERR_NOTFOUND;
  if (!err)
    LOG_I("outbox", "re-queued %s", canon);
  return err;
}

kerr outbox_prune(outbox *ob, int64_t before_ms, uint32_t *n) {
  int changes = 0;
  kerr err;

  pthread_mutex_lock(&ob->mu);
  err = outbox_run(ob, "DELETE FROM outbox WHERE state = 2 AND done_ms < ?2",
                   NULL, before_ms, &changes);
  pthread_mutex_unlock(&ob->mu);
  if (n)
    *n = err ? 0 : (uint32_t)changes;
  return err;
}

kerr outbox_stats_get(outbox *ob, outbox_stats *st) {
  sqlite3_stmt *s = NULL;
  uint64_t undelivered;
  int rc;

  memset(st, 0, sizeof *st);
  pthread_mutex_lock(&ob->mu);
  rc = sqlite3_prepare_v2(ob->db,
                          "SELECT state, count(*) FROM outbox GROUP BY state",
                          -1, &s, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    uint32_t c = (uint32_t)sqlite3_column_int64(s, 1);
    switch (sqlite3_column_int(s, 0)) {
    case OUTBOX_QUEUED: st->queued = c; break;
    case OUTBOX_SENDING: st->sending = c; break;
    case OUTBOX_DELIVERED: st->delivered = c; break;
    case OUTBOX_QUARANTINED: st->quarantined = c; break;
    default: break;
    }
    rc = SQLITE_OK;
  }
  sqlite3_finalize(s);
  st->capacity = ob->capacity;
  pthread_mutex_unlock(&ob->mu);
  st->depth = st->queued + st->sending;
  undelivered = (uint64_t)st->depth + st->quarantined;
  st->warn = undelivered * 100 >= (uint64_t)st->capacity * ob->warn_percent;
  st->full = undelivered >= st->capacity;
  return outbox_err(rc);
}

static void outbox_copy_text(char *dst, size_t cap, const unsigned char *src) {
  size_t n = src ? strlen((const char *)src) : 0;

  if (n >= cap)
    n = cap - 1;
  if (n)
    memcpy(dst, src, n);
  dst[n] = '\0';
}

kerr outbox_quarantine_list(outbox *ob, outbox_quarantine *list, size_t max,
                            size_t *n) {
  sqlite3_stmt *s = NULL;
  size_t k = 0;
  int rc;

  *n = 0;
  pthread_mutex_lock(&ob->mu);
  rc = sqlite3_prepare_v2(ob->db,
                          "SELECT reference, uuid, reason, http_status, "
                          "created_ms, done_ms, attempts FROM outbox "
                          "WHERE state = 3 ORDER BY id LIMIT ?1",
                          -1, &s, NULL);
  if (rc == SQLITE_OK)
    sqlite3_bind_int64(s, 1, (int64_t)(max > INT32_MAX ? INT32_MAX : max));
  while (rc == SQLITE_OK && k < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    outbox_quarantine *q = &list[k++];
    outbox_copy_text(q->reference, sizeof q->reference, sqlite3_column_text(s, 0));
    outbox_copy_text(q->uuid, sizeof q->uuid, sqlite3_column_text(s, 1));
    outbox_copy_text(q->reason, sizeof q->reason, sqlite3_column_text(s, 2));
    q->http_status = sqlite3_column_int(s, 3);
    q->created_ms = sqlite3_column_int64(s, 4);
    q->quarantined_ms = sqlite3_column_int64(s, 5);
    q->attempts = (uint32_t)sqlite3_column_int64(s, 6);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(s);
  pthread_mutex_unlock(&ob->mu);
  *n = k;
  return outbox_err(rc);
}

kerr outbox_rereference(outbox *ob, int64_t id, const char *reference,
                        const char *envelope, size_t envelope_len,
                        const char *reason, int64_t now_ms) {
  sqlite3_stmt *s = NULL;
  char canon[REFNO_BUF];
  kerr err;
  int rc;

  if (!reference || refno_normalize(reference, canon) != KERR_OK ||
      strcmp(canon, reference) != 0 || !envelope || envelope_len == 0 ||
      envelope_len > OUTBOX_ENVELOPE_MAX)
    return KERR_INVALID;
  pthread_mutex_lock(&ob->mu);
  rc = sqlite3_prepare_v2(ob->db,
                          "UPDATE outbox SET printed_reference = "
                          "coalesce(printed_reference, reference), "
                          "reference = ?2, envelope = ?3, state = 0, "
                          "due_ms = ?4, reason = ?5 "
                          "WHERE id = ?1 AND state = 1",
                          -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, reference, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, envelope, (int)envelope_len, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now_ms);
    sqlite3_bind_text(s, 5, reason, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
  }
  err = outbox_err(rc);
  if (!err && sqlite3_changes(ob->db) != 1)
    err = KERR_STATE;
  else if ((rc & 0xff) == SQLITE_CONSTRAINT)
    err = KERR_CONFLICT;
  sqlite3_finalize(s);
  pthread_mutex_unlock(&ob->mu);
  if (err)
    LOG_W("outbox", "new reference %s: %s", reference, kerr_str(err));
  return err;
}

kerr outbox_renamed_list(outbox *ob, outbox_renamed *list, size_t max,
                         size_t *n) {
  sqlite3_stmt *s = NULL;
  size_t k = 0;
  int rc;

  *n = 0;
  pthread_mutex_lock(&ob->mu);
  rc = sqlite3_prepare_v2(ob->db,
                          "SELECT printed_reference, reference, uuid, state "
                          "FROM outbox WHERE printed_reference IS NOT NULL "
                          "ORDER BY id DESC LIMIT ?1",
                          -1, &s, NULL);
  if (rc == SQLITE_OK)
    sqlite3_bind_int64(s, 1, (int64_t)(max > INT32_MAX ? INT32_MAX : max));
  while (rc == SQLITE_OK && k < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    outbox_renamed *r = &list[k++];
    outbox_copy_text(r->printed, sizeof r->printed, sqlite3_column_text(s, 0));
    outbox_copy_text(r->reference, sizeof r->reference,
                     sqlite3_column_text(s, 1));
    outbox_copy_text(r->uuid, sizeof r->uuid, sqlite3_column_text(s, 2));
    r->state = (outbox_state)sqlite3_column_int(s, 3);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(s);
  pthread_mutex_unlock(&ob->mu);
  *n = k;
  return outbox_err(rc);
}

kerr outbox_recover(outbox *ob) {
  int changes = 0;
  kerr err;

  pthread_mutex_lock(&ob->mu);
  err = outbox_run(ob, "UPDATE outbox SET state = 0 WHERE state = 1 "
                   "AND ?2 = ?2", NULL, 0, &changes);
  pthread_mutex_unlock(&ob->mu);
  if (!err && changes)
    LOG_I("outbox", "%d interrupted deliveries queued again", changes);
  return err;
}

kerr outbox_depth(outbox *ob, uint32_t *depth) {
  int64_t n = 0;
  kerr err;

  pthread_mutex_lock(&ob->mu);
  err = outbox_query_int(ob->db,
                         "SELECT count(*) FROM outbox WHERE state IN (0, 1)",
                         &n);
  pthread_mutex_unlock(&ob->mu);
  *depth = err ? 0 : (uint32_t)n;
  return err;
}

kerr outbox_state_of(outbox *ob, const char *uuid, outbox_state *state) {
  sqlite3_stmt *s = NULL;
  kerr err = KERR_NOTFOUND;
  int rc;

  pthread_mutex_lock(&ob->mu);
  rc = sqlite3_prepare_v2(ob->db, "SELECT state FROM outbox WHERE uuid = ?1",
                          -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(s, 1, uuid ? uuid : "", -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      *state = (outbox_state)sqlite3_column_int(s, 0);
      err = KERR_OK;
    } else if (rc != SQLITE_DONE) {
      err = outbox_err(rc);
    }
  } else {
    err = outbox_err(rc);
  }
  sqlite3_finalize(s);
  pthread_mutex_unlock(&ob->mu);
  return err;
}

/* ---- a damaged file: moved aside, its readable rows salvaged ------------ */

/* 1 if SQLite says the file at path is damaged: not a database, or
 * integrity_check does not answer "ok". Opened read-only, so the file (and
 * a WAL next to it) is left exactly as it is. 0 for a missing file or one
 * that cannot be opened for another reason (permissions: not damage). */
static int outbox_damaged(const char *path) {
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int damaged = 0;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &s, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      const unsigned char *t = sqlite3_column_text(s, 0);
      damaged = !t || strcmp((const char *)t, "ok") != 0;
      rc = SQLITE_OK;
    }
  }
  if (rc != SQLITE_OK && rc != SQLITE_DONE) {
    int code = (db ? sqlite3_errcode(db) : rc) & 0xff;
    damaged = code == SQLITE_NOTADB || code == SQLITE_CORRUPT ||
              (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT;
  }
  sqlite3_finalize(s);
  sqlite3_close_v2(db);
  return damaged;
}

/* Renames path (and its -wal, -shm) to path.damaged-<stamp>. */
static kerr outbox_move_aside(const char *path, int64_t now_s, char *to,
                              size_t size) {
  time_t t = (time_t)now_s;
  struct tm tm;
  char stamp[32] = "unknown";
  if (localtime_r(&t, &tm))
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  int n = snprintf(to, size, "%s.damaged-%s", path, stamp);
  if (n < 0 || (size_t)n + 5 >= size)
    return KERR_INVALID;
  /* Never over an earlier one: add a counter when the name is taken. */
  for (int i = 2; access(to, F_OK) == 0 && i < 100; i++)
    snprintf(to, size, "%s.damaged-%s-%d", path, stamp, i);
  /* The WAL first: without its database it is never replayed into the
   * fresh file. */
  static const char *const side[] = {"-wal", "-shm"};
  for (size_t i = 0; i < 2; i++) {
    char a[OUTBOX_PATH_MAX + 8], b[OUTBOX_PATH_MAX + 8];
    snprintf(a, sizeof a, "%s%s", path, side[i]);
    snprintf(b, sizeof b, "%s%s", to, side[i]);
    if (rename(a, b) != 0 && errno != ENOENT)
      return KERR_IO;
  }
  if (rename(path, to) != 0)
    return KERR_IO;
  return KERR_OK;
}

/* Copies the rows of the damaged file `from` into ob. A scan stops at the
 * first unreadable page; it is then started again after the last row read,
 * one id further each time (then doubling after 1024 misses), so the rows
 * of pages after a damaged one are still found. */
static kerr outbox_salvage_rows(outbox *ob, const char *from,
                                outbox_salvage *rep, int64_t *max_seq) {
  sqlite3 *old = NULL;
  sqlite3_stmt *rd = NULL, *wr = NULL;
  kerr err = KERR_OK;
  char uri[OUTBOX_PATH_MAX + 32];
  snprintf(uri, sizeof uri, "%s", from);
  int rc = sqlite3_open_v2(uri, &old, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(old);
    return KERR_OK; /* nothing readable: a fresh outbox all the same */
  }
  int64_t seq = -1;
  if (outbox_query_int(old, "SELECT value FROM meta WHERE key='ref_seq'",
                       &seq) != KERR_OK)
    seq = -1;
  rep->seq_unknown = seq < 0;
  *max_seq = seq;
  rc = sqlite3_prepare_v2(ob->db,
      "INSERT OR IGNORE INTO outbox(uuid, reference, envelope, state, "
      "attempts, created_ms, due_ms, last_attempt_ms, done_ms, http_status, "
      "reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      -1, &wr, NULL);
  if (rc != SQLITE_OK) {
    err = outbox_err(rc);
    goto out;
  }
  err = outbox_begin(ob);
  if (err)
    goto out;
  int64_t after = 0, skip = 1;
  uint32_t misses = 0;
  for (;;) {
    sqlite3_finalize(rd);
    rd = NULL;
    rc = sqlite3_prepare_v2(old,
        "SELECT uuid, reference, envelope, state, attempts, created_ms, "
        "due_ms, last_attempt_ms, done_ms, http_status, reason, id "
        "FROM outbox WHERE id > ?1 ORDER BY id", -1, &rd, NULL);
    if (rc != SQLITE_OK)
      break; /* the schema itself is unreadable */
    sqlite3_bind_int64(rd, 1, after);
    while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
      int64_t id = sqlite3_column_int64(rd, 11);
      int state = sqlite3_column_int(rd, 3);
      const char *ref = (const char *)sqlite3_column_text(rd, 1);
      after = id;
      misses = 0;
      skip = 1;
      if (sqlite3_column_type(rd, 0) != SQLITE_TEXT || !ref ||
          state < 0 || state > 3)
        continue;
      char prefix[3];
      uint32_t n = 0;
      if (refno_parse(ref, prefix, &n) == KERR_OK && (int64_t)n > *max_seq &&
          rep->seq_unknown)
        *max_seq = n;
      for (int c = 0; c < 11; c++)
        sqlite3_bind_value(wr, c + 1, sqlite3_column_value(rd, c));
      if (state == OUTBOX_SENDING)
        sqlite3_bind_int(wr, 4, OUTBOX_QUEUED);
      rc = sqlite3_step(wr);
      if (sqlite3_changes(ob->db) > 0 && rc == SQLITE_DONE)
        rep->recovered++;
      sqlite3_reset(wr);
      sqlite3_clear_bindings(wr);
      if (rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CONSTRAINT) {
        err = outbox_err(rc);
        goto out;
      }
    }
    if (rc == SQLITE_DONE)
      break;
    /* An unreadable page: go on past it. */
    if (++misses > 1024)
      skip *= 2;
    after += skip;
    if (skip > ((int64_t)1 << 40))
      break;
  }
  if (rep->seq_unknown && *max_seq >= 0)
    *max_seq += OUTBOX_SEQ_MARGIN;
  err = outbox_commit(ob);
out:
  if (err)
    outbox_rollback(ob);
  sqlite3_finalize(rd);
  sqlite3_finalize(wr);
  sqlite3_close_v2(old);
  return err;
}

kerr outbox_open_salvage(const outbox_config *cfg, int64_t now_s,
                         outbox **out, outbox_salvage *rep) {
  outbox_salvage local;
  if (!rep)
    rep = &local;
  memset(rep, 0, sizeof *rep);
  *out = NULL;
  if (!cfg || !cfg->path)
    return KERR_INVALID;
  if (strcmp(cfg->path, ":memory:") == 0 || access(cfg->path, F_OK) != 0 ||
      !outbox_damaged(cfg->path))
    return outbox_open(cfg, out);
  LOG_E("outbox", "the outbox file is damaged: moving it aside");
  kerr err = outbox_move_aside(cfg->path, now_s, rep->moved_to,
                               sizeof rep->moved_to);
  if (err) {
    LOG_E("outbox", "cannot move the damaged outbox aside: %s",
          kerr_str(err));
    rep->moved_to[0] = '\0';
    return err;
  }
  rep->moved = 1;
  LOG_W("outbox", "damaged outbox moved to %s", rep->moved_to);
  err = outbox_open(cfg, out);
  if (err)
    return err;
  int64_t seq = -1;
  pthread_mutex_lock(&(*out)->mu);
  err = outbox_salvage_rows(*out, rep->moved_to, rep, &seq);
  if (!err && seq > 0) {
    char sql[96];
    snprintf(sql, sizeof sql,
             "UPDATE meta SET value = max(value, %lld) WHERE key = 'ref_seq'",
             (long long)seq);
    err = outbox_exec((*out)->db, sql);
  }
  pthread_mutex_unlock(&(*out)->mu);
  if (err) {
    LOG_E("outbox", "salvaging the damaged outbox failed: %s", kerr_str(err));
    outbox_close(*out);
    *out = NULL;
    return err;
  }
  LOG_W("outbox", "%u rows recovered from the damaged outbox%s",
        rep->recovered,
        rep->seq_unknown ? " (its reference sequence was unreadable)" : "");
  return KERR_OK;
}
