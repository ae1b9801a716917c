/* The progress and receipt screens in the real kiosk (headless, scripted)
 * against the reference backend over mTLS on loopback:
 *   - found: an application submitted through submit.c, with statuses the
 *     back office added, shows one row per item with its own status (低保
 *     审核, 临时救助 受理) and its timeline with dates and notes; typed in
 *     lower case without hyphens it is the same reference;
 *   - not found: a wrong ID check gives the same answer as an unknown
 *     reference, and nothing of the application is shown;
 *   - rate limited: a backend that allows one wrong check answers 429 to
 *     the second, and the screen says to wait;
 *   - network down: the kiosk pointed at a closed port says so plainly.
 * Each script runs at every size and scale the UI tests use; screenshots go
 * to <build>/shots/app-progress-<case>-<size>-<scale>/. */
#include <SDL.h>
#include <sys/wait.h>

#include "services/net_host.h"
#include "services/submit.h"
#include "check.h"
#include "net/deliver.h"
#include "net_helpers.h"

static char work[128];
static nh_backend be;
static submit_ticket t;

static const char *sizes[] = {"1920x1080", "1080x1920", "1280x800"};

/* Starts kiosk-server with extra options (rate limits). */
static int start_server(const char *fail_burst) {
  char portbuf[16];
  char *argv[20];
  int n = 0;
  unlink(be.port_file);
  snprintf(portbuf, sizeof portbuf, "%d", be.port > 0 ? be.port : 0);
  argv[n++] = APP_SERVER_BIN;
  argv[n++] = "serve";
  argv[n++] = "--pki"; argv[n++] = be.pki;
  argv[n++] = "--db"; argv[n++] = be.db;
  argv[n++] = "--port"; argv[n++] = portbuf;
  argv[n++] = "--port-file"; argv[n++] = be.port_file;
  argv[n++] = "--log-level"; argv[n++] = "warn";
  argv[n++] = "--fail-burst"; argv[n++] = (char *)fail_burst;
  argv[n++] = "--fail-rate"; argv[n++] = "0.001";
  argv[n] = NULL;
  be.pid = nh_spawn(argv, be.log);
  be.port = nh_wait_port(be.port_file, be.pid, 10000);
  if (be.port <= 0)
    return -1;
  snprintf(be.url, sizeof be.url, "https://localhost:%d", be.port);
  return 0;
}

/* Submits one application and waits until the backend has it. */
static int submit_app(void) {
  config c;
  net_host *h = NULL;
  config_defaults(&c, KIOSK_SOURCE_DIR);
  snprintf(c.backend_url, sizeof c.backend_url, "%s", be.url);
  snprintf(c.ca_file, sizeof c.ca_file, "%s", be.ca);
  snprintf(c.client_cert, sizeof c.client_cert, "%s", be.dev_cert);
  snprintf(c.client_key, sizeof c.client_key, "%s", be.dev_key);
  snprintf(c.data_dir, sizeof c.data_dir, "%s/data", work);
  net_host_config nc = {.cfg = &c, .content_version = "2026.11.1"};
  if (net_host_create(&nc, &h) || !h)
    return -1;
  const char *items[] = {"dibao", "temporary"};
  char plain[600];
  int ok = submit_reserve(h, &t) == KERR_OK;
  if (ok) {
    int n = snprintf(plain, sizeof plain,
                     "{\"schema_version\":1,\"uuid\":\"%s\",\"reference\":"
                     "\"%s\",\"region\":\"140500\",\"items\":[\"dibao\","
                     "\"temporary\"],\"answers\":{},\"display\":[]}",
                     t.uuid, t.reference);
    submit_request rq = {.plain = plain, .len = (size_t)n, .items = items,
                         .n_items = 2, .last4 = "123X"};
    ok = submit_commit(h, &t, &rq) == KERR_OK;
  }
  int64_t end = nh_now_ms() + 15000;
  while (ok && nh_now_ms() < end &&
         nh_backend_query(&be, "SELECT count(*) FROM applications WHERE "
                          "uuid = ?1", t.uuid) != 1)
    nh_sleep_ms(50);
  net_host_destroy(h);
  if (!ok)
    return -1;
  /* What the back office did since: accepted with a note, then review. */
  sqlite3 *db = NULL;
  char sql[1600];
  snprintf(sql, sizeof sql,
           "INSERT INTO events(uuid, status, note, at, at_text) VALUES "
           "('%s', 'accepted', '材料齐全，已受理', 1795000000, "
           "'2026-11-23T10:00:00+08:00'),"
           "('%s', 'reviewing', '', 1795100000, "
           "'2026-11-25T15:30:00+08:00');"
           /* Each item on its own: 低保 under review, 临时救助 accepted. */
           "UPDATE item_status SET status = 'reviewing', updated_at = "
           "1795100000, updated_at_text = '2026-11-25T15:30:00+08:00' "
           "WHERE uuid = '%s' AND item = 'dibao';"
           "UPDATE item_status SET status = 'accepted', updated_at = "
           "1795000000, updated_at_text = '2026-11-23T10:00:00+08:00' "
           "WHERE uuid = '%s' AND item = 'temporary'", t.uuid, t.uuid, t.uuid,
           t.uuid);
  if (sqlite3_open(be.db, &db) != SQLITE_OK)
    return -1;
  sqlite3_busy_timeout(db, 5000);
  int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  sqlite3_close(db);
  return rc == SQLITE_OK ? 0 : -1;
}

/* Runs the kiosk on a script at one size and scale; 0 if it passed. */
static int run_kiosk(const char *name, const char *script, const char *url,
                     const char *size, int elder) {
  char path[300], shots[400], log[300], set[8][600];
  char *argv[40];
  int n = 0;
  snprintf(path, sizeof path, "%s/%s.txt", work, name);
  if (nh_write_file(path, script) != 0)
    return -1;
  snprintf(shots, sizeof shots, "%s/app-progress-%s-%s-%s", APP_SHOTS_DIR,
           name, size, elder ? "elder" : "normal");
  snprintf(log, sizeof log, "%s/kiosk-%s.log", work, name);
  snprintf(set[0], sizeof set[0], "backend.url=%s", url);
  snprintf(set[1], sizeof set[1], "backend.ca_file=%s", be.ca);
  snprintf(set[2], sizeof set[2], "backend.client_cert=%s", be.dev_cert);
  snprintf(set[3], sizeof set[3], "backend.client_key=%s", be.dev_key);
  snprintf(set[4], sizeof set[4], "paths.data=%s/kdata", work);
  snprintf(set[5], sizeof set[5], "paths.printer=%s/printer", work);
  snprintf(set[6], sizeof set[6], "backend.connect_timeout_s=2");
  argv[n++] = KIOSK_BIN;
  argv[n++] = "--headless";
  argv[n++] = "--window";
  argv[n++] = (char *)size;
  argv[n++] = "--script";
  argv[n++] = path;
  argv[n++] = "--shots";
  argv[n++] = shots;
  for (int i = 0; i < 7; i++) {
    argv[n++] = "--set";
    argv[n++] = set[i];
  }
  if (elder)
    argv[n++] = "--elder";
  argv[n] = NULL;
  unlink(log);
  pid_t pid = nh_spawn(argv, log);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!ok) {
    char buf[8192];
    fprintf(stderr, "kiosk failed on %s at %s%s:\n", name, size,
            elder ? " elder" : "");
    if (nh_read_file(log, buf, sizeof buf) > 0)
      fputs(buf, stderr);
  }
  return ok ? 0 : -1;
}

static void run_all(const char *name, const char *script, const char *url,
                    int n_sizes, int both_scales) {
  for (int i = 0; i < n_sizes; i++)
    for (int e = 0; e <= both_scales; e++)
      CHECK_INT(run_kiosk(name, script, url, sizes[i], e), 0);
}

int main(void) {
  char script[4096], loose[16];
  if (nh_tmpdir(work, sizeof work, "kiosk-app-progress") != 0)
    return 1;
  if (SDL_Init(SDL_INIT_EVENTS) != 0)
    return 1;
  be.port = 0;
  if (nh_backend_init(&be, APP_SERVER_BIN, KIOSK_SOURCE_DIR, work) != 0 ||
      start_server("1000") != 0 || submit_app() != 0) {
    fprintf(stderr, "cannot start the backend or submit\n");
    nh_backend_stop(&be);
    nh_rm_rf(work);
    return 1;
  }
  /* Typed loosely: lower case, no hyphens. */
  snprintf(loose, sizeof loose, "%c%c%.4s%c", t.reference[0] + 32,
           t.reference[1] + 32, t.reference + 3, t.reference[8]);
  for (int i = 2; i < 6; i++)
    if (loose[i] >= 'A' && loose[i] <= 'Z')
      loose[i] = (char)(loose[i] + 32);

  /* Found, then not found with a wrong check. */
  snprintf(script, sizeof script,
           "tap entry.query\n"
           "expect screen progress\n"
           "type \"%s\"\n"
           "tap progress.check\n"
           "type \"123x\"\n"
           "tap progress.search\n"
           "wait 500ms\n"
           "expect text \"办理进度\"\n"
           "expect text \"%s\"\n"
           "expect text \"最低生活保障、临时救助\"\n"
           "expect text \"已提交\"\n"
           "expect text \"受理\"\n"
           "expect text \"材料齐全，已受理\"\n"
           "expect text \"2026年11月23日\"\n"
           "check layout\n"
           "shot found\n"
           "page-to-end\n"
           "expect text \"审核\"\n"
           "expect text \"各项救助的办理情况\"\n"
           "expect text \"最低生活保障：审核\"\n"
           "expect text \"临时救助：受理\"\n"
           "expect text \"2026年11月25日\"\n"
           "check layout\n"
           "shot found-items\n"
           "tap progress.again\n"
           "expect no-text \"办理进度\"\n"
           "type \"%s\"\n"
           "tap progress.check\n"
           "type \"9999\"\n"
           "tap progress.search\n"
           "wait 500ms\n"
           "expect text \"没有查到\"\n"
           "expect no-text \"办理进度\"\n"
           "expect no-text \"材料齐全\"\n"
           "check layout\n"
           "shot not-found\n"
           "tap nav.end\n"
           "expect screen home\n",
           loose, t.reference, loose);
  run_all("found", script, be.url, 3, 1);

  /* Network down: a closed port. */
  snprintf(script, sizeof script,
           "tap entry.query\n"
           "type \"%s\"\n"
           "tap progress.check\n"
           "type \"123X\"\n"
           "key Return\n"
           "wait 500ms\n"
           "expect text \"网络暂时不通\"\n"
           "expect no-text \"办理进度\"\n"
           "check layout\n"
           "shot network-down\n",
           t.reference);
  run_all("network", script, "https://127.0.0.1:9", 3, 1);

  /* Rate limited: one wrong check allowed, the second is refused. */
  nh_backend_stop(&be);
  CHECK_INT(start_server("1"), 0);
  snprintf(script, sizeof script,
           "tap entry.query\n"
           "type \"%s\"\n"
           "tap progress.check\n"
           "type \"0000\"\n"
           "tap progress.search\n"
           "wait 500ms\n"
           "expect text \"没有查到\"\n"
           "tap progress.search\n"
           "wait 500ms\n"
           "expect text \"查询太频繁了\"\n"
           "check layout\n"
           "shot rate-limited\n",
           t.reference);
  for (int i = 0; i < 3; i++) {
    /* A fresh server per run: its limits are per device and in memory. */
    CHECK_INT(run_kiosk("limited", script, be.url, sizes[i], i == 1), 0);
    nh_backend_stop(&be);
    CHECK_INT(start_server("1"), 0);
  }
  nh_backend_stop(&be);
  SDL_Quit();
  nh_rm_rf(work);
  return TEST_DONE();
}
