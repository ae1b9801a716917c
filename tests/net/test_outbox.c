/* outbox: enqueue, reopen, state machine, capacity and warning, simulated
 * full disk, refusal of foreign files, quarantine list. Real SQLite files in
 * a fresh temporary directory. */
#include <fcntl.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "net/outbox.h"

static char dir[64];
static char path[128];

static outbox *open_ob(uint32_t capacity, uint64_t max_bytes) {
  outbox_config cfg = {0};
  outbox *ob = NULL;
  cfg.path = path;
  cfg.capacity = capacity;
  cfg.max_db_bytes = max_bytes;
  cfg.ref_prefix = "JC";
  CHECK_INT(outbox_open(&cfg, &ob), KERR_OK);
  return ob;
}

/* Enqueues one synthetic envelope of about size bytes; returns the result. */
static kerr put(outbox *ob, size_t size, char uuid[SEAL_UUID_BUF],
                char ref[REFNO_BUF], int64_t now) {
  char *env = malloc(size + 64);
  kerr err;
  seal_uuid_v4(uuid);
  err = outbox_next_reference(ob, ref);
  if (err) {
    free(env);
    return err;
  }
  /* Random-looking content so SQLite cannot compress pages. */
  snprintf(env, 64, "{\"uuid\":\"%s\",\"sealed\":\"", uuid);
  for (size_t i = strlen(env); i < size; i++)
    env[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[rand() % 52];
  strcpy(env + size, "\"}");
  err = outbox_enqueue(ob, uuid, ref, env, strlen(env), now);
  free(env);
  return err;
}

static void test_basic(void) {
  char uuid[3][SEAL_UUID_BUF], ref[3][REFNO_BUF], ref_before[REFNO_BUF];
  outbox_item it;
  outbox_stats st;
  outbox_state s;
  int64_t due = 0;
  outbox *ob = open_ob(10, 0);

  /* References are consecutive and survive reopen. */
  for (int i = 0; i < 3; i++)
    CHECK_INT(put(ob, 100, uuid[i], ref[i], 1000 + i), KERR_OK);
  CHECK(strcmp(ref[0], ref[1]) != 0 && strcmp(ref[1], ref[2]) != 0);
  {
    uint32_t s0 = 0, s2 = 0;
    CHECK_INT(refno_parse(ref[0], NULL, &s0), KERR_OK);
    CHECK_INT(refno_parse(ref[2], NULL, &s2), KERR_OK);
    CHECK_INT(s2, s0 + 2);
  }
  /* Same uuid or reference again: conflict, nothing changes. */
  CHECK_INT(outbox_enqueue(ob, uuid[0], ref[0], "{}", 2, 5), KERR_CONFLICT);
  {
    char u[SEAL_UUID_BUF];
    seal_uuid_v4(u);
    CHECK_INT(outbox_enqueue(ob, u, ref[1], "{}", 2, 5), KERR_CONFLICT);
    CHECK_INT(outbox_enqueue(ob, "nope", ref[1], "{}", 2, 5), KERR_INVALID);
    CHECK_INT(outbox_enqueue(ob, u, "JC-3333-4", "{}", 2, 5), KERR_INVALID);
    CHECK_INT(outbox_enqueue(ob, u, ref[1], "", 0, 5), KERR_INVALID);
  }
  CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
  CHECK_INT(st.queued, 3);
  CHECK_INT(st.depth, 3);
  CHECK_INT(st.warn, 0);

  /* Claim: oldest first, only when due. */
  CHECK_INT(outbox_claim(ob, 999, &it, &due), KERR_NOTFOUND);
  CHECK_INT(due, 1000);
  CHECK_INT(outbox_claim(ob, 5000, &it, NULL), KERR_OK);
  CHECK_STR(it.uuid, uuid[0]);
  CHECK_STR(it.reference, ref[0]);
  CHECK_INT(it.attempts, 1);
  CHECK(it.envelope && strstr(it.envelope, uuid[0]) != NULL);
  CHECK_INT(outbox_state_of(ob, uuid[0], &s), KERR_OK);
  CHECK_INT(s, OUTBOX_SENDING);
  /* Retry pushes it back with a due time; the next claim takes row 2. */
  CHECK_INT(outbox_mark_retry(ob, it.id, 9000, "HTTP 503", 5000), KERR_OK);
  CHECK_INT(outbox_mark_retry(ob, it.id, 9000, "again", 5000), KERR_STATE);
  outbox_item_free(&it);
  CHECK_INT(outbox_claim(ob, 5000, &it, NULL), KERR_OK);
  CHECK_STR(it.uuid, uuid[1]);
  CHECK_INT(outbox_mark_delivered(ob, it.id, 201, 5001), KERR_OK);
  CHECK_INT(outbox_mark_delivered(ob, it.id, 201, 5001), KERR_STATE);
  outbox_item_free(&it);
  CHECK_INT(outbox_claim(ob, 5000, &it, NULL), KERR_OK);
  CHECK_STR(it.uuid, uuid[2]);
  CHECK_INT(outbox_mark_quarantined(ob, it.id, 409, "conflict: uuid known "
                                    "with a different body", 5002), KERR_OK);
  outbox_item_free(&it);
  CHECK_INT(outbox_claim(ob, 5000, &it, &due), KERR_NOTFOUND);
  CHECK_INT(due, 9000);
  CHECK_INT(outbox_claim(ob, 9000, &it, NULL), KERR_OK);
  CHECK_STR(it.uuid, uuid[0]);
  CHECK_INT(it.attempts, 2);
  /* Leave it "sending" and close, as a crash would. */
  outbox_item_free(&it);
  CHECK_INT(outbox_next_reference(ob, ref_before), KERR_OK);
  outbox_close(ob);

  ob = open_ob(10, 0);
  CHECK_INT(outbox_state_of(ob, uuid[0], &s), KERR_OK);
  CHECK_INT(s, OUTBOX_QUEUED);
  CHECK_INT(outbox_state_of(ob, uuid[1], &s), KERR_OK);
  CHECK_INT(s, OUTBOX_DELIVERED);
  CHECK_INT(outbox_state_of(ob, uuid[2], &s), KERR_OK);
  CHECK_INT(s, OUTBOX_QUARANTINED);
  CHECK_INT(outbox_state_of(ob, "x", &s), KERR_NOTFOUND);
  CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
  CHECK_INT(st.queued, 1);
  CHECK_INT(st.sending, 0);
  CHECK_INT(st.delivered, 1);
  CHECK_INT(st.quarantined, 1);
  {
    char next[REFNO_BUF];
    uint32_t a = 0, b = 0;
    CHECK_INT(outbox_next_reference(ob, next), KERR_OK);
    CHECK_INT(refno_parse(ref_before, NULL, &a), KERR_OK);
    CHECK_INT(refno_parse(next, NULL, &b), KERR_OK);
    CHECK_INT(b, a + 1);
  }
  /* Quarantine list for staff, then re-queue by reference. */
  {
    outbox_quarantine q[4];
    size_t n = 0;
    CHECK_INT(outbox_quarantine_list(ob, q, 4, &n), KERR_OK);
    CHECK_INT(n, 1);
    CHECK_STR(q[0].reference, ref[2]);
    CHECK_INT(q[0].http_status, 409);
    CHECK(strncmp(q[0].reason, "conflict", 8) == 0);
    CHECK_INT(q[0].created_ms, 1002);
    CHECK_INT(q[0].quarantined_ms, 5002);
    CHECK_INT(q[0].attempts, 1);
    CHECK_INT(outbox_requeue(ob, ref[0], 6000), KERR_NOTFOUND);
    CHECK_INT(outbox_requeue(ob, ref[2], 6000), KERR_OK);
    CHECK_INT(outbox_quarantine_list(ob, q, 4, &n), KERR_OK);
    CHECK_INT(n, 0);
  }
  /* Prune removes delivered rows only. */
  {
    uint32_t n = 9;
    CHECK_INT(outbox_prune(ob, 5001, &n), KERR_OK);
    CHECK_INT(n, 0);
    CHECK_INT(outbox_prune(ob, 5002, &n), KERR_OK);
    CHECK_INT(n, 1);
    CHECK_INT(outbox_state_of(ob, uuid[1], &s), KERR_NOTFOUND);
  }
  outbox_close(ob);
}

static void test_capacity(void) {
  char uuid[SEAL_UUID_BUF], ref[REFNO_BUF];
  outbox_stats st;
  outbox_item it;
  outbox *ob;

  unlink(path);
  ob = open_ob(5, 0);
  for (int i = 0; i < 3; i++)
    CHECK_INT(put(ob, 50, uuid, ref, i), KERR_OK);
  CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
  CHECK_INT(st.warn, 0);
  CHECK_INT(put(ob, 50, uuid, ref, 3), KERR_OK);
  CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
  CHECK_INT(st.warn, 1);  /* 4 of 5 = 80 % */
  CHECK_INT(st.full, 0);
  CHECK_INT(put(ob, 50, uuid, ref, 4), KERR_OK);
  CHECK_INT(put(ob, 50, uuid, ref, 5), KERR_FULL);
  CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
  CHECK_INT(st.full, 1);
  CHECK_INT(st.queued, 5);
  /* Quarantined rows still count; a delivered row frees a place. */
  CHECK_INT(outbox_claim(ob, 100, &it, NULL), KERR_OK);
  CHECK_INT(outbox_mark_quarantined(ob, it.id, 400, "bad request", 100), KERR_OK);
  outbox_item_free(&it);
  CHECK_INT(put(ob, 50, uuid, ref, 6), KERR_FULL);
  CHECK_INT(outbox_claim(ob, 100, &it, NULL), KERR_OK);
  CHECK_INT(outbox_mark_delivered(ob, it.id, 201, 100), KERR_OK);
  outbox_item_free(&it);
  CHECK_INT(put(ob, 50, uuid, ref, 7), KERR_OK);
  outbox_close(ob);
}

static void test_disk_full(void) {
  char uuid[SEAL_UUID_BUF], ref[REFNO_BUF];
  char uuids[64][SEAL_UUID_BUF];
  int committed = 0, full_seen = 0;
  outbox *ob;
  outbox_stats st;
  outbox_state s;

  unlink(path);
  /* 96 KiB of pages: a handful of 8 KiB envelopes fit, then the "disk" is
   * full. */
  ob = open_ob(1000, 96 * 1024);
  for (int i = 0; i < 64; i++) {
    kerr err = put(ob, 8000, uuid, ref, i);
    if (err == KERR_OK) {
      memcpy(uuids[committed++], uuid, sizeof uuid);
    } else {
      CHECK_INT(err, KERR_FULL);
      full_seen++;
    }
  }
  CHECK(committed >= 3);
  CHECK(full_seen > 0);
  /* The handle is still usable; nothing committed was lost. */
  CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
  CHECK_INT(st.queued, committed);
  /* Delivering frees the sealed payloads, so room comes back. */
  for (int i = 0; i < committed; i++) {
    outbox_item it;
    CHECK_INT(outbox_claim(ob, 1000, &it, NULL), KERR_OK);
    CHECK_INT(outbox_mark_delivered(ob, it.id, 201, 1000), KERR_OK);
    outbox_item_free(&it);
  }
  CHECK_INT(put(ob, 8000, uuid, ref, 2000), KERR_OK);
  outbox_close(ob);

  ob = open_ob(1000, 0);
  for (int i = 0; i < committed; i++) {
    CHECK_INT(outbox_state_of(ob, uuids[i], &s), KERR_OK);
    CHECK_INT(s, OUTBOX_DELIVERED);
  }
  CHECK_INT(outbox_state_of(ob, uuid, &s), KERR_OK);
  CHECK_INT(s, OUTBOX_QUEUED);
  outbox_close(ob);
}

/* Renumbering a row the backend refused as a duplicate reference: only a
 * row being sent, the printed reference kept once, and an outbox of schema 1
 * gains the column on open. */
static void test_rereference(void) {
  char uuid[SEAL_UUID_BUF], ref[REFNO_BUF], r2[REFNO_BUF], r3[REFNO_BUF];
  char p[160];
  outbox_item it;
  outbox_renamed rn[4];
  size_t n = 0;
  outbox_config cfg = {0};
  outbox *ob = NULL;
  snprintf(p, sizeof p, "%s/renamed.db", dir);
  cfg.path = p;
  cfg.ref_prefix = "JC";
  CHECK_INT(outbox_open(&cfg, &ob), KERR_OK);
  if (!ob)
    return;
  /* Back to schema 1, as a kiosk from before this change left it. */
  outbox_close(ob);
  {
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(p, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "ALTER TABLE outbox DROP COLUMN printed_reference;"
                           "UPDATE meta SET value = 1 WHERE key = 'schema'",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
  }
  CHECK_INT(outbox_open(&cfg, &ob), KERR_OK);
  if (!ob)
    return;
  CHECK_INT(put(ob, 100, uuid, ref, 1000), KERR_OK);
  CHECK_INT(outbox_next_reference(ob, r2), KERR_OK);
  CHECK_INT(outbox_rereference(ob, 1, r2, "{}", 2, "dup", 1000), KERR_STATE);
  CHECK_INT(outbox_claim(ob, 1000, &it, NULL), KERR_OK);
  CHECK_INT(outbox_rereference(ob, it.id, r2, "{\"x\":1}", 7, "dup", 1001),
            KERR_OK);
  outbox_item_free(&it);
  CHECK_INT(outbox_claim(ob, 1001, &it, NULL), KERR_OK);
  CHECK_STR(it.reference, r2);
  CHECK_STR(it.uuid, uuid);
  CHECK_STR(it.envelope, "{\"x\":1}");
  CHECK_INT(outbox_next_reference(ob, r3), KERR_OK);
  CHECK_INT(outbox_rereference(ob, it.id, r3, "{}", 2, "dup", 1002), KERR_OK);
  outbox_item_free(&it);
  CHECK_INT(outbox_renamed_list(ob, rn, 4, &n), KERR_OK);
  CHECK_INT(n, 1);
  CHECK_STR(rn[0].printed, ref); /* the receipt's, not the middle one */
  CHECK_STR(rn[0].reference, r3);
  CHECK_INT(rn[0].state, OUTBOX_QUEUED);
  outbox_close(ob);
  unlink(p);
}

static void test_bad_files(void) {
  outbox_config cfg = {0};
  outbox *ob = NULL;
  char p[160];
  int fd;

  cfg.ref_prefix = "JC";
  /* A directory, a garbage file, another application's database. */
  cfg.path = dir;
  CHECK_INT(outbox_open(&cfg, &ob), KERR_IO);
  CHECK(ob == NULL);
  snprintf(p, sizeof p, "%s/garbage.db", dir);
  fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0600);
  CHECK(fd >= 0);
  CHECK(write(fd, "this is not a database, not at all; just text\n", 47) == 47);
  for (int i = 0; i < 200; i++)
    CHECK(write(fd, "0123456789abcdef0123456789abcdef", 32) == 32);
  close(fd);
  cfg.path = p;
  CHECK_INT(outbox_open(&cfg, &ob), KERR_IO);
  unlink(p);
  snprintf(p, sizeof p, "%s/missing/dir/outbox.db", dir);
  cfg.path = p;
  CHECK_INT(outbox_open(&cfg, &ob), KERR_IO);
  /* Bad configuration. */
  cfg.path = path;
  cfg.ref_prefix = "J0";
  CHECK_INT(outbox_open(&cfg, &ob), KERR_INVALID);
  cfg.ref_prefix = NULL;
  CHECK_INT(outbox_open(&cfg, &ob), KERR_INVALID);
  /* In-memory outbox for unit tests. */
  cfg.path = ":memory:";
  cfg.ref_prefix = "AA";
  CHECK_INT(outbox_open(&cfg, &ob), KERR_OK);
  {
    char ref[REFNO_BUF];
    CHECK_INT(outbox_next_reference(ob, ref), KERR_OK);
    CHECK(strncmp(ref, "AA-", 3) == 0);
  }
  outbox_close(ob);
}

/* Batches: one claim for several rows, one transaction for their outcomes
 * (all or none), released rows keep their attempt count, and a crash with
 * a batch claimed leaves every row of it queued. */
static void test_batch(void) {
  char uuid[6][SEAL_UUID_BUF], ref[6][REFNO_BUF];
  outbox_item it[8];
  outbox_mark m[4];
  outbox_state s;
  size_t n = 0;
  int64_t due = 0;
  outbox *ob;
  pid_t pid;
  int status = 0;

  unlink(path);
  ob = open_ob(20, 0);
  for (int i = 0; i < 6; i++)
    CHECK_INT(put(ob, 80, uuid[i], ref[i], 1000 + i), KERR_OK);
  CHECK_INT(outbox_claim_batch(ob, 1000, it, 8, &n, NULL), KERR_OK);
  CHECK_INT((int)n, 1); /* only the first is due at 1000 */
  outbox_item_free(&it[0]);
  CHECK_INT(outbox_mark_batch(ob, &(outbox_mark){.id = it[0].id,
            .outcome = OUTBOX_MARK_RELEASED}, 1, 1000), KERR_STATE);
  /* (it[0] was zeroed by outbox_item_free: id 0 matches no row.) */
  CHECK_INT(outbox_recover(ob), KERR_OK);
  CHECK_INT(outbox_claim_batch(ob, 9000, it, 4, &n, NULL), KERR_OK);
  CHECK_INT((int)n, 4);
  for (int i = 0; i < 4; i++) {
    CHECK_STR(it[i].uuid, uuid[i]); /* oldest first */
    CHECK_INT(outbox_state_of(ob, uuid[i], &s), KERR_OK);
    CHECK_INT(s, OUTBOX_SENDING);
  }
  CHECK_INT(outbox_state_of(ob, uuid[4], &s), KERR_OK);
  CHECK_INT(s, OUTBOX_QUEUED);
  /* One row in the batch not "sending": nothing of the batch recorded. */
  m[0] = (outbox_mark){.id = it[0].id, .outcome = OUTBOX_MARK_DELIVERED,
                       .http_status = 201};
  m[1] = (outbox_mark){.id = 999999, .outcome = OUTBOX_MARK_DELIVERED};
  CHECK_INT(outbox_mark_batch(ob, m, 2, 9001), KERR_STATE);
  CHECK_INT(outbox_state_of(ob, uuid[0], &s), KERR_OK);
  CHECK_INT(s, OUTBOX_SENDING);
  /* Delivered, quarantined, retried, released in one transaction. */
  m[1] = (outbox_mark){.id = it[1].id, .outcome = OUTBOX_MARK_QUARANTINED,
                       .http_status = 400, .reason = "refused: bad_request"};
  m[2] = (outbox_mark){.id = it[2].id, .outcome = OUTBOX_MARK_RETRY,
                       .due_ms = 20000, .reason = "HTTP 503"};
  m[3] = (outbox_mark){.id = it[3].id, .outcome = OUTBOX_MARK_RELEASED};
  CHECK_INT(outbox_mark_batch(ob, m, 4, 9002), KERR_OK);
  {
    const outbox_state want[4] = {OUTBOX_DELIVERED, OUTBOX_QUARANTINED,
                                  OUTBOX_QUEUED, OUTBOX_QUEUED};
    for (int i = 0; i < 4; i++) {
      CHECK_INT(outbox_state_of(ob, uuid[i], &s), KERR_OK);
      CHECK_INT(s, want[i]);
      outbox_item_free(&it[i]);
    }
  }
  /* The released row is due as before and its attempt was not counted; the
   * retried one waits. */
  CHECK_INT(outbox_claim_batch(ob, 9003, it, 8, &n, &due), KERR_OK);
  CHECK_INT((int)n, 3);
  CHECK_STR(it[0].uuid, uuid[3]);
  CHECK_INT((int)it[0].attempts, 1);
  CHECK_STR(it[1].uuid, uuid[4]);
  for (size_t i = 0; i < n; i++)
    m[i] = (outbox_mark){.id = it[i].id, .outcome = OUTBOX_MARK_DELIVERED,
                         .http_status = 201};
  CHECK_INT(outbox_mark_batch(ob, m, n, 9004), KERR_OK);
  for (size_t i = 0; i < n; i++)
    outbox_item_free(&it[i]);
  CHECK_INT(outbox_claim_batch(ob, 9005, it, 8, &n, &due), KERR_NOTFOUND);
  CHECK_INT((int)n, 0);
  CHECK(due == 20000);
  CHECK_INT(outbox_claim_batch(ob, 9005, it, 0, &n, &due), KERR_INVALID);
  outbox_close(ob);

  /* Crash mid-batch: a child claims a batch, records nothing and dies
   * without closing; on reopen every row of the batch is queued again. */
  ob = open_ob(20, 0);
  for (int i = 0; i < 3; i++)
    CHECK_INT(put(ob, 80, uuid[i], ref[i], 30000), KERR_OK);
  outbox_close(ob);
  pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    outbox *c = open_ob(20, 0);
    size_t k = 0;
    if (outbox_claim_batch(c, 40000, it, 8, &k, NULL) != KERR_OK || k != 4)
      _exit(2);
    _exit(0); /* no mark, no close */
  }
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ob = open_ob(20, 0);
  {
    outbox_stats st;
    CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
    CHECK_INT((int)st.sending, 0);
    CHECK_INT((int)st.queued, 4); /* uuid[2] retried earlier + the 3 new */
  }
  CHECK_INT(outbox_claim_batch(ob, 40000, it, 8, &n, NULL), KERR_OK);
  CHECK_INT((int)n, 4);
  for (size_t i = 0; i < n; i++)
    outbox_item_free(&it[i]);
  outbox_close(ob);
}

int main(void) {
  char cmd[128];
  snprintf(dir, sizeof dir, "/tmp/kiosk-outbox-XXXXXX");
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/outbox.db", dir);
  srand(7);
  test_basic();
  test_capacity();
  test_disk_full();
  test_rereference();
  test_batch();
  test_bad_files();
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return TEST_DONE();
}
