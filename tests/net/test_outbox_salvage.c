/* outbox_open_salvage: a damaged outbox file is moved aside intact and its
 * readable rows are carried into a fresh outbox.
 *
 *   - a healthy file is opened in place (nothing moved);
 *   - garbage ("not a database"): moved aside byte for byte, a fresh outbox
 *     works, nothing recovered;
 *   - a valid outbox with 60 rows whose index pages are damaged (the rows'
 *     own pages untouched): integrity_check fails, the file is moved, all
 *     60 rows come back with their envelopes byte for byte and their
 *     states, and the next reference continues the old sequence;
 *   - a table page damaged in the middle: the rows of the other pages are
 *     recovered, those of the damaged page are not;
 *   - a foreign SQLite file is refused and left where it is.
 * Real SQLite files in a fresh temporary directory; synthetic envelopes. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "net/outbox.h"
#include "net/seal.h"

#define ROWS 60
#define NOW_S 1795000000

static char dir[64];
static char path[128];

static outbox_config cfg_of(void) {
  outbox_config c = {.path = path, .ref_prefix = "JC"};
  return c;
}

static char *read_all(const char *p, size_t *len) {
  FILE *f = fopen(p, "rb");
  *len = 0;
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) == (size_t)n)
    *len = (size_t)n;
  fclose(f);
  return b;
}

/* The envelope of row i: recognisable and 1500 bytes (size >= 1501). */
static void envelope_of(int i, char *out, size_t size) {
  (void)size;
  int n = snprintf(out, 64, "{\"row\":%d,\"sealed\":\"", i);
  for (int k = n; k < 1498; k++)
    out[k] = (char)('A' + (i * 7 + k) % 26);
  memcpy(out + 1498, "\"}", 3);
}

/* A valid outbox with ROWS rows, the WAL checkpointed into the file. */
static void make_outbox(char refs[ROWS][REFNO_BUF]) {
  unlink(path);
  outbox_config c = cfg_of();
  outbox *ob = NULL;
  CHECK_INT(outbox_open(&c, &ob), KERR_OK);
  if (!ob)
    return;
  char env[2048], uuid[SEAL_UUID_BUF];
  for (int i = 0; i < ROWS; i++) {
    seal_uuid_v4(uuid);
    CHECK_INT(outbox_next_reference(ob, refs[i]), KERR_OK);
    envelope_of(i, env, sizeof env);
    CHECK_INT(outbox_enqueue(ob, uuid, refs[i], env, strlen(env),
                             (int64_t)NOW_S * 1000 + i),
              KERR_OK);
  }
  /* One quarantined row: its state must survive. */
  outbox_item it;
  int64_t next = 0;
  memset(&it, 0, sizeof it);
  CHECK_INT(outbox_claim(ob, INT64_MAX / 2, &it, &next), KERR_OK);
  CHECK_INT(outbox_mark_quarantined(ob, it.id, 409, "conflict",
                                    (int64_t)NOW_S * 1000),
            KERR_OK);
  outbox_item_free(&it);
  outbox_close(ob);
}

/* Pages of the file whose b-tree page type is `type` (0x0A index leaf,
 * 0x02 index interior, 0x0D table leaf), page numbers from 1. */
static int pages_of_type(const char *buf, size_t len, int type, int *out,
                         int max) {
  int n = 0;
  for (size_t p = 1; p * 4096 < len + 4096 && n < max; p++) {
    size_t off = (p - 1) * 4096 + (p == 1 ? 100 : 0);
    if (off < len && (unsigned char)buf[off] == type)
      out[n++] = (int)p;
  }
  return n;
}

/* The root pages of the tables and indexes named like `like`. */
static int roots(const char *like, int *out, int max) {
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int n = 0;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db,
                         "SELECT rootpage FROM sqlite_schema WHERE name LIKE ?1",
                         -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, like, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW && n < max)
      out[n++] = sqlite3_column_int(s, 0);
  }
  sqlite3_finalize(s);
  sqlite3_close_v2(db);
  return n;
}

static void spoil_page(int page) {
  int fd = open(path, O_WRONLY);
  CHECK(fd >= 0);
  char junk[4096];
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (char)(0x5A ^ (int)(i * 31));
  off_t off = (off_t)(page - 1) * 4096 + (page == 1 ? 100 : 0);
  CHECK(pwrite(fd, junk, page == 1 ? 4096 - 100 : 4096, off) > 0);
  close(fd);
}

/* Rows of the fresh outbox: count, and whether every recovered envelope is
 * exactly one of ours. */
static int check_rows(int *quarantined) {
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int n = 0;
  *quarantined = 0;
  CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
  CHECK(sqlite3_prepare_v2(db, "SELECT envelope, state FROM outbox", -1, &s,
                           NULL) == SQLITE_OK);
  while (sqlite3_step(s) == SQLITE_ROW) {
    const char *env = (const char *)sqlite3_column_text(s, 0);
    int row = -1;
    CHECK(env && sscanf(env, "{\"row\":%d", &row) == 1);
    char want[2048];
    envelope_of(row, want, sizeof want);
    CHECK(env && strcmp(env, want) == 0);
    if (sqlite3_column_int(s, 1) == OUTBOX_QUARANTINED)
      (*quarantined)++;
    n++;
  }
  sqlite3_finalize(s);
  sqlite3_close_v2(db);
  return n;
}

int main(void) {
  snprintf(dir, sizeof dir, "/tmp/kiosk-salvage-XXXXXX");
  if (!mkdtemp(dir))
    return 1;
  snprintf(path, sizeof path, "%s/outbox.db", dir);
  outbox_config c = cfg_of();
  outbox_salvage rep;
  outbox *ob = NULL;
  char refs[ROWS][REFNO_BUF];
  char ref[REFNO_BUF];

  /* Healthy: opened in place. */
  make_outbox(refs);
  CHECK_INT(outbox_open_salvage(&c, NOW_S, &ob, &rep), KERR_OK);
  CHECK_INT(rep.moved, 0);
  CHECK_STR(rep.moved_to, "");
  outbox_close(ob);

  /* Not a database: moved aside byte for byte; a fresh outbox works. */
  unlink(path);
  static const char garbage[] = "this is not an outbox at all, just bytes";
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  for (int i = 0; f && i < 200; i++)
    fwrite(garbage, 1, sizeof garbage - 1, f);
  if (f)
    fclose(f);
  ob = NULL;
  CHECK_INT(outbox_open_salvage(&c, NOW_S, &ob, &rep), KERR_OK);
  CHECK_INT(rep.moved, 1);
  CHECK_INT(rep.recovered, 0);
  CHECK(strstr(rep.moved_to, "/outbox.db.damaged-") != NULL);
  size_t len = 0;
  char *moved = read_all(rep.moved_to, &len);
  CHECK(moved != NULL && len == 200 * (sizeof garbage - 1));
  CHECK(moved && memcmp(moved, garbage, sizeof garbage - 1) == 0);
  free(moved);
  CHECK(ob != NULL);
  if (ob) {
    CHECK_INT(outbox_next_reference(ob, ref), KERR_OK);
    CHECK_INT(outbox_enqueue(ob, "0b7f0c1e-8d7a-4a55-9f1e-2c3d4e5f6a7b", ref,
                             "{}", 2, (int64_t)NOW_S * 1000),
              KERR_OK);
    outbox_close(ob);
  }
  /* A second damaged file the same second does not overwrite the first. */
  char first[OUTBOX_PATH_MAX];
  snprintf(first, sizeof first, "%s", rep.moved_to);
  f = fopen(path, "wb");
  if (f) {
    fwrite(garbage, 1, sizeof garbage - 1, f);
    fclose(f);
  }
  ob = NULL;
  CHECK_INT(outbox_open_salvage(&c, NOW_S, &ob, &rep), KERR_OK);
  CHECK(strcmp(first, rep.moved_to) != 0);
  CHECK(access(first, F_OK) == 0);
  outbox_close(ob);

  /* Index pages damaged, the rows' pages untouched: everything back. */
  make_outbox(refs);
  int idx[64];
  int ni = roots("sqlite_autoindex_outbox_%", idx, 32);
  ni += roots("outbox_due", idx + ni, 32);
  CHECK(ni >= 3);
  len = 0;
  char *buf = read_all(path, &len);
  int leaves[256];
  int nl = buf ? pages_of_type(buf, len, 0x0A, leaves, 256) : 0;
  free(buf);
  CHECK(nl > 0);
  int meta[2];
  CHECK_INT(roots("meta", meta, 2), 1);
  /* meta is WITHOUT ROWID (an index-shaped b-tree): it holds the sequence,
   * not the rows, and is left alone here. */
  for (int i = 0; i < ni; i++)
    if (idx[i] != meta[0])
      spoil_page(idx[i]);
  for (int i = 0; i < nl; i++)
    if (leaves[i] != meta[0])
      spoil_page(leaves[i]);
  ob = NULL;
  CHECK_INT(outbox_open_salvage(&c, NOW_S, &ob, &rep), KERR_OK);
  CHECK_INT(rep.moved, 1);
  CHECK_INT(rep.recovered, ROWS);
  CHECK_INT(rep.seq_unknown, 0);
  CHECK(ob != NULL);
  if (ob) {
    outbox_stats st;
    CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
    CHECK_INT(st.queued, ROWS - 1);
    CHECK_INT(st.quarantined, 1);
    /* The sequence goes on: no reference is handed out twice. */
    CHECK_INT(outbox_next_reference(ob, ref), KERR_OK);
    for (int i = 0; i < ROWS; i++)
      CHECK(strcmp(ref, refs[i]) != 0);
    outbox_close(ob);
  }
  int q = 0;
  CHECK_INT(check_rows(&q), ROWS);
  CHECK_INT(q, 1);
  CHECK(access(rep.moved_to, F_OK) == 0);

  /* One table leaf in the middle damaged: the others' rows come back. */
  make_outbox(refs);
  buf = read_all(path, &len);
  int tl[256];
  int nt = buf ? pages_of_type(buf, len, 0x0D, tl, 256) : 0;
  free(buf);
  CHECK(nt >= 4);
  if (nt >= 4)
    spoil_page(tl[nt / 2]);
  ob = NULL;
  CHECK_INT(outbox_open_salvage(&c, NOW_S, &ob, &rep), KERR_OK);
  CHECK_INT(rep.moved, 1);
  printf("table leaf damaged: %u of %d rows recovered\n", rep.recovered,
         ROWS);
  CHECK(rep.recovered > 0 && rep.recovered < ROWS);
  outbox_close(ob);
  CHECK_INT(check_rows(&q), (int)rep.recovered);

  /* A foreign SQLite file: refused, left in place. */
  unlink(path);
  sqlite3 *db = NULL;
  CHECK(sqlite3_open(path, &db) == SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1);", NULL, NULL,
               NULL);
  sqlite3_close(db);
  ob = NULL;
  CHECK(outbox_open_salvage(&c, NOW_S, &ob, &rep) != KERR_OK);
  CHECK_INT(rep.moved, 0);
  CHECK(access(path, F_OK) == 0);

  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return TEST_DONE();
}
