/* Crash safety: a child process seals, enqueues and delivers applications in
 * a loop against the reference backend and is killed with SIGKILL at random
 * instants, over 120 rounds. Afterwards the outbox must be intact and, once
 * drained, every application it ever committed must be at the backend
 * exactly once: nothing lost, nothing duplicated. (Resends after a kill
 * between "stored" and "marked delivered" are answered 200 by the backend's
 * idempotency.) */
#include <sodium.h>

#include "check.h"
#include "net/deliver.h"
#include "net/outbox.h"
#include "net/seal.h"
#include "net_helpers.h"

#define ROUNDS 120

static const char *items1[] = {"linshi"};

/* The victim: loops until killed. argv: child OUTBOX URL CA CERT KEY PUB */
static int child_main(char **argv) {
  outbox_config oc = {0};
  deliver_config dc = {0};
  outbox *ob = NULL;
  deliver *d = NULL;
  unsigned char pk[32];
  char pub[128];

  oc.path = argv[2];
  oc.ref_prefix = "KC";
  oc.capacity = 100000;
  if (nh_read_file(argv[7], pub, sizeof pub) <= 0 ||
      seal_key_parse(pub, pk) != KERR_OK || outbox_open(&oc, &ob) != KERR_OK)
    return 3;
  dc.ob = ob;
  dc.api.base_url = argv[3];
  dc.api.ca_file = argv[4];
  dc.api.cert_file = argv[5];
  dc.api.key_file = argv[6];
  dc.backoff_base_ms = 10;
  if (deliver_create(&dc, &d) != KERR_OK)
    return 4;
  for (unsigned i = 0;; i++) {
    char uuid[SEAL_UUID_BUF], ref[REFNO_BUF], plain[256], *env = NULL;
    seal_meta m = {0};
    deliver_event ev;
    if (outbox_next_reference(ob, ref) != KERR_OK)
      return 5;
    seal_uuid_v4(uuid);
    snprintf(plain, sizeof plain, "{\"schema_version\":1,\"uuid\":\"%s\","
             "\"answers\":{\"n\":%u}}", uuid, i);
    m.uuid = uuid;
    m.reference = ref;
    m.device_id = "KIOSK-140500-001";
    m.created_at = "2026-11-22T09:30:00+08:00";
    m.region = "140500";
    m.items = items1;
    m.n_items = 1;
    m.content_version = "2025.07.1";
    m.last4 = "0017";
    if (seal_envelope(&m, pk, plain, strlen(plain), &env) != KERR_OK ||
        outbox_enqueue(ob, uuid, ref, env, strlen(env), 1000) != KERR_OK)
      return 6;
    free(env);
    /* Deliver about two of every three at once, so that a backlog and
     * deliveries both exist when the kill comes. */
    if (i % 3 != 2)
      (void)deliver_step(d, &ev);
  }
}

static long count_sending(const char *path) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  long v = -1;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT count(*) FROM outbox WHERE state = 1",
                         -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    v = (long)sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

int main(int argc, char **argv) {
  char work[128], obpath[200], pub[220];
  nh_backend be;
  long mid_send = 0, rows = 0;
  int64_t t0 = nh_now_ms();

  if (argc == 8 && strcmp(argv[1], "child") == 0)
    return child_main(argv);
  CHECK(sodium_init() >= 0);
  CHECK_INT(nh_tmpdir(work, sizeof work, "kiosk-crash"), 0);
  if (nh_backend_init(&be, NET_SERVER_BIN, KIOSK_SOURCE_DIR, work) != 0 ||
      nh_backend_start(&be, NET_SERVER_BIN, 0) != 0) {
    CHECK(!"reference backend could not be started");
    return TEST_DONE();
  }
  snprintf(obpath, sizeof obpath, "%s/outbox.db", work);
  snprintf(pub, sizeof pub, "%s/seal.pub", be.pki);

  for (int round = 0; round < ROUNDS; round++) {
    char *cargv[] = {"/proc/self/exe", "child", obpath, be.url, be.ca,
                     be.dev_cert, be.dev_key, pub, NULL};
    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    int status = 0;
    pid_t pid;
    if (n <= 0)
      break;
    exe[n] = '\0';
    cargv[0] = exe;
    pid = nh_spawn(cargv, NULL);
    /* Kill at a random instant, 15..134 ms after the start. */
    nh_sleep_ms(15 + (int)(randombytes_uniform(120)));
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
      fprintf(stderr, "round %d: child ended by itself (status %d)\n", round,
              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
      CHECK(!"child must still be running when killed");
      break;
    }
    if (count_sending(obpath) > 0)
      mid_send++;
  }

  /* Recovery: open (puts "sending" back), drain, compare with the backend. */
  {
    outbox_config oc = {0};
    deliver_config dc = {0};
    outbox *ob = NULL;
    deliver *d = NULL;
    deliver_event ev;
    outbox_stats st;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    long missing = 0, dup = 0;
    int steps = 0;

    oc.path = obpath;
    oc.ref_prefix = "KC";
    oc.capacity = 100000;
    CHECK_INT(outbox_open(&oc, &ob), KERR_OK);
    if (!ob)
      return TEST_DONE();
    dc.ob = ob;
    dc.api.base_url = be.url;
    dc.api.ca_file = be.ca;
    dc.api.cert_file = be.dev_cert;
    dc.api.key_file = be.dev_key;
    CHECK_INT(deliver_create(&dc, &d), KERR_OK);
    while (d && deliver_step(d, &ev) == KERR_OK && steps++ < 100000)
      CHECK_INT(ev.kind, DELIVER_EV_DELIVERED);
    deliver_destroy(d);
    CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
    CHECK_INT(st.depth, 0);
    CHECK_INT(st.quarantined, 0);
    rows = st.delivered;
    outbox_close(ob);

    /* The file is sound, and each committed uuid is at the backend once. */
    CHECK(sqlite3_open_v2(obpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) ==
          SQLITE_OK);
    CHECK(sqlite3_step(q) == SQLITE_ROW &&
          strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0);
    sqlite3_finalize(q);
    CHECK(sqlite3_prepare_v2(db, "SELECT uuid FROM outbox", -1, &q, NULL) ==
          SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW) {
      long c = nh_backend_query(&be, "SELECT count(*) FROM applications "
                                "WHERE uuid = ?1",
                                (const char *)sqlite3_column_text(q, 0));
      if (c == 0)
        missing++;
      else if (c != 1)
        dup++;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    CHECK_INT(missing, 0);
    CHECK_INT(dup, 0);
    /* Nothing at the backend that the outbox does not know. */
    CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications", NULL),
              rows);
  }
  printf("%d kill rounds, %ld applications committed, %ld kills landed "
         "mid-delivery, all delivered exactly once; %lld ms\n",
         ROUNDS, rows, mid_send, (long long)(nh_now_ms() - t0));
  CHECK(rows > 0);
  CHECK(mid_send > 0);
  nh_backend_stop(&be);
  if (check_failed_)
    fprintf(stderr, "files kept in %s\n", work);
  else
    nh_rm_rf(work);
  return TEST_DONE();
}
