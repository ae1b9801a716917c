/* Crash safety of the whole kiosk program: the real `kiosk` binary runs
 * headless with a script that fills in and submits one application after
 * another (the 临时救助 flow of tests/scripts/form_temporary.txt, receipt,
 * 完成, again), against the reference backend on a free loopback port over
 * mTLS, and is killed with SIGKILL at a random instant, then started again,
 * round after round. At the end the kiosk is started once more and left
 * idle until its outbox has drained; then, on the backend:
 *   - every application the outbox ever committed is there exactly once;
 *   - every application whose receipt was shown ("receipt REF" in the
 *     kiosk's log) is there exactly once;
 *   - nothing is there that the outbox does not know;
 * and the outbox file passes SQLite's integrity check with nothing
 * quarantined. 0 lost, 0 duplicated.
 *
 * The kill instant is uniform over three times the length of one
 * application (measured by a first, unkilled run), so kills land during
 * start-up, form filling, sealing, the outbox commit, delivery and the
 * receipt. Default 10 rounds; KIOSK_TEST_LONG=1 runs 200. */
#include <sodium.h>

#include "check.h"
#include "net/outbox.h"
#include "net_helpers.h"

#ifndef KIOSK_BIN
#define KIOSK_BIN ""
#endif

#define ROUNDS_SHORT 10
#define ROUNDS_LONG 200
#define APPS_PER_RUN 20

/* One application, from home back to home. The steps are those of
 * form_temporary.txt without its negative checks and screenshots. */
static const char APP_STEPS[] =
    "expect screen home\n"
    "tap entry.apply\n"
    "tap start.pick\n"
    "seek pick.temporary\n"
    "tap pick.temporary\n"
    "tap results.apply\n"
    "expect screen form\n"
    "tap choice.fire\n"
    "type \"20261115\"\n"
    "tap form.next\n"
    "type \"晋城市城区北石店镇12号\"\n"
    "tap form.next\n"
    "type \"家里厨房着火，烧坏了灶台和家具\"\n"
    "tap form.next\n"
    "type \"8000\"\n"
    "tap form.next\n"
    "type \"周丽华\"\n"
    "tap form.next\n"
    "tap ans.yes\n"
    "type \"140502198511092021\"\n"
    "tap form.next\n"
    "tap ans.yes\n"
    "type \"13912345678\"\n"
    "tap form.next\n"
    "type \"晋城市城区西街街道凤台社区8号\"\n"
    "tap form.next\n"
    "tap ans.no\n"
    "type \"晋城市城区北石店镇12号\"\n"
    "tap form.next\n"
    "expect text \"和您一起生活的家里人\"\n"
    "tap form.next\n"
    "tap ans.yes\n"
    "tap choice.abc\n"
    "type \"6228480012345678903\"\n"
    "tap form.next\n"
    "tap ans.yes\n"
    "tap form.next\n"
    "tap ans.yes\n"
    "expect screen form_review\n"
    "page-to-end\n"
    "tap sig.applicant_signature\n"
    "expect screen sign\n"
    "drag 500 540 900 580\n"
    "drag 560 620 880 600\n"
    "tap sign.done\n"
    "expect screen form_review\n"
    "seek form.submit\n"
    "tap form.submit\n"
    "expect screen receipt\n"
    "tap receipt.done\n";

static char work[128], data_dir[200];
static nh_backend be;

static int write_script(const char *path, int apps) {
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  for (int i = 0; i < apps; i++)
    fputs(APP_STEPS, f);
  fputs("expect screen home\n", f);
  return fclose(f) == 0 ? 0 : -1;
}

/* Starts the kiosk with script, its output appended to log. */
static pid_t kiosk_start(const char *script, const char *log) {
  char s_data[260], s_printer[260], s_url[120], s_ca[260], s_cert[280],
      s_key[280];
  snprintf(s_data, sizeof s_data, "paths.data=%s", data_dir);
  snprintf(s_printer, sizeof s_printer, "paths.printer=%s/printer", work);
  snprintf(s_url, sizeof s_url, "backend.url=%s", be.url);
  snprintf(s_ca, sizeof s_ca, "backend.ca_file=%s", be.ca);
  snprintf(s_cert, sizeof s_cert, "backend.client_cert=%s", be.dev_cert);
  snprintf(s_key, sizeof s_key, "backend.client_key=%s", be.dev_key);
  char *argv[] = {KIOSK_BIN, "--headless", "--window", "1280x800",
                  "--script", (char *)script,
                  "--set", s_data, "--set", s_printer, "--set", s_url,
                  "--set", s_ca, "--set", s_cert, "--set", s_key,
                  "--set", "device.id=KIOSK-140500-001",
                  "--set", "device.region=140500",
                  "--set", "backend.connect_timeout_s=2",
                  "--set", "backend.request_timeout_s=5",
                  NULL};
  return nh_spawn(argv, log);
}

/* Waits for pid; its wait status, or -1 if it is still running after
 * timeout_ms (then it is killed). */
static int wait_for(pid_t pid, int timeout_ms) {
  int64_t end = nh_now_ms() + timeout_ms;
  int status;
  while (nh_now_ms() < end) {
    if (waitpid(pid, &status, WNOHANG) == pid)
      return status;
    nh_sleep_ms(10);
  }
  nh_kill(pid);
  return -1;
}

static void dump_log(const char *log) {
  char cmd[400];
  snprintf(cmd, sizeof cmd, "tail -n 30 '%s' >&2", log);
  if (system(cmd) != 0)
    fprintf(stderr, "(no log %s)\n", log);
}

/* Rows of the kiosk's outbox in a state, or all rows (state < 0). */
static long outbox_count(const char *path, int state) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  long v = -1;
  const char *sql = state < 0 ? "SELECT count(*) FROM outbox"
                              : "SELECT count(*) FROM outbox WHERE state = ?1";
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    if (state >= 0)
      sqlite3_bind_int(st, 1, state);
    if (sqlite3_step(st) == SQLITE_ROW)
      v = (long)sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

/* Checks every "receipt REF" line of log on the backend; adds to *shown,
 * *missing and *dup. */
static void check_receipts(const char *log, long *shown, long *missing,
                           long *dup) {
  FILE *f = fopen(log, "r");
  char line[1024];
  if (!f)
    return;
  while (fgets(line, sizeof line, f)) {
    const char *p = strstr(line, "receipt: receipt ");
    char ref[64];
    if (!p || sscanf(p + strlen("receipt: receipt "), "%63s", ref) != 1)
      continue;
    long c = nh_backend_query(&be, "SELECT count(*) FROM applications "
                              "WHERE reference = ?1", ref);
    (*shown)++;
    if (c == 0) {
      fprintf(stderr, "receipt %s was shown but is not at the backend\n",
              ref);
      (*missing)++;
    } else if (c != 1) {
      (*dup)++;
    }
  }
  fclose(f);
}

int main(void) {
  char script[200], one[200], idle[200], log[260], obpath[260];
  const char *long_env = getenv("KIOSK_TEST_LONG");
  int rounds = long_env && *long_env && strcmp(long_env, "0") != 0
                   ? ROUNDS_LONG : ROUNDS_SHORT;
  long killed = 0, finished = 0, mid_send = 0, rows = 0;
  long shown = 0, missing = 0, dup = 0;
  int64_t t0 = nh_now_ms(), one_ms;

  CHECK(sodium_init() >= 0);
  if (!nh_exists(KIOSK_BIN)) {
    fprintf(stderr, "the kiosk binary is not built (\"%s\")\n", KIOSK_BIN);
    CHECK(!"kiosk binary");
    return TEST_DONE();
  }
  CHECK_INT(nh_tmpdir(work, sizeof work, "kiosk-crash-kiosk"), 0);
  if (nh_backend_init(&be, NET_SERVER_BIN, KIOSK_SOURCE_DIR, work) != 0 ||
      nh_backend_start(&be, NET_SERVER_BIN, 0) != 0) {
    CHECK(!"reference backend could not be started");
    return TEST_DONE();
  }
  snprintf(data_dir, sizeof data_dir, "%s/data", work);
  snprintf(obpath, sizeof obpath, "%s/outbox.db", data_dir);
  snprintf(script, sizeof script, "%s/apply.txt", work);
  snprintf(one, sizeof one, "%s/apply1.txt", work);
  snprintf(idle, sizeof idle, "%s/idle.txt", work);
  CHECK_INT(write_script(script, APPS_PER_RUN), 0);
  CHECK_INT(write_script(one, 1), 0);
  CHECK_INT(nh_write_file(idle, "expect screen home\nhold 1s\n"), 0);

  /* Calibration: one application, not killed; it must succeed. */
  snprintf(log, sizeof log, "%s/kiosk-first.log", work);
  {
    int64_t s = nh_now_ms();
    int st = wait_for(kiosk_start(one, log), 120000);
    one_ms = nh_now_ms() - s;
    if (!(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
      dump_log(log);
      CHECK(!"the unkilled kiosk run must succeed");
      goto out;
    }
  }

  for (int round = 0; round < rounds; round++) {
    snprintf(log, sizeof log, "%s/kiosk-%03d.log", work, round);
    pid_t pid = kiosk_start(script, log);
    int status = 0;
    nh_sleep_ms((int)randombytes_uniform((uint32_t)(3 * one_ms)));
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
      ;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
      killed++;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      finished++; /* the whole script ran before the kill: still fine */
    } else {
      fprintf(stderr, "round %d: the kiosk failed by itself (status %d)\n",
              round, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
      dump_log(log);
      CHECK(!"the kiosk must not fail before it is killed");
      break;
    }
    if (outbox_count(obpath, 1) > 0)
      mid_send++;
  }

  /* Restarted and left idle, the kiosk delivers whatever is left. */
  for (int i = 0; i < 30; i++) {
    snprintf(log, sizeof log, "%s/kiosk-idle.log", work);
    int st = wait_for(kiosk_start(idle, log), 60000);
    CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    if (outbox_count(obpath, 0) == 0 && outbox_count(obpath, 1) == 0)
      break;
  }

  /* The outbox is sound and fully delivered, nothing quarantined. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    long lost = 0, twice = 0;
    CHECK_INT(outbox_count(obpath, 0), 0);
    CHECK_INT(outbox_count(obpath, 1), 0);
    CHECK_INT(outbox_count(obpath, 3), 0);
    rows = outbox_count(obpath, -1);
    CHECK(sqlite3_open_v2(obpath, &db, SQLITE_OPEN_READONLY, NULL) ==
          SQLITE_OK);
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
        lost++;
      else if (c != 1)
        twice++;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    CHECK_INT(lost, 0);
    CHECK_INT(twice, 0);
    CHECK_INT(nh_backend_query(&be, "SELECT count(*) FROM applications",
                               NULL),
              rows);
  }

  /* Every receipt shown, in any run, is at the backend exactly once. */
  snprintf(log, sizeof log, "%s/kiosk-first.log", work);
  check_receipts(log, &shown, &missing, &dup);
  for (int round = 0; round < rounds; round++) {
    snprintf(log, sizeof log, "%s/kiosk-%03d.log", work, round);
    check_receipts(log, &shown, &missing, &dup);
  }
  CHECK_INT(missing, 0);
  CHECK_INT(dup, 0);
  CHECK(shown >= 1);
  CHECK(shown <= rows);
  CHECK(killed > 0);
  printf("%d rounds (%ld killed, %ld ran to the end), one application "
         "%lld ms; %ld applications committed, %ld receipts shown, %ld kills "
         "left one mid-delivery; 0 lost, 0 duplicated; %lld ms\n",
         rounds, killed, finished, (long long)one_ms, rows, shown, mid_send,
         (long long)(nh_now_ms() - t0));
out:
  nh_backend_stop(&be);
  if (check_failed_)
    fprintf(stderr, "files kept in %s\n", work);
  else
    nh_rm_rf(work);
  return TEST_DONE();
}
