/* server_bench_list: how the console's day list scales with what is
 * stored.
 *
 *   server_bench_list --server PATH/kiosk-server --pki DIR --stored N
 *                     [--today T] [--requests M] [--conns C] [--threads W]
 *                     [--sealed BYTES]
 *
 * Makes a database of N applications (schema by store_open, rows written
 * straight with SQLite in one transaction, so filling 500k takes a minute
 * rather than a day): T received today, the rest before at 685 a day
 * (500k is two years' worth), each with two items and a sealed blob of BYTES random bytes
 * (default 3000, a payload without pictures; the list must never read
 * it). Then starts kiosk-server on it with the clock fixed at today 10:00
 * (TZ CST-8), signs a member of staff in and asks, over C keep-alive TLS
 * connections, M times each: today's first page (limit 100, with the
 * total) and the last seven days' first page. Prints requests per second
 * and latency percentiles. Exits non-zero on any answer but 200. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>
#include <sqlite3.h>

#include "store.h"

#define NOW 1793671200LL /* 2026-11-03 10:00 in CST-8 */
#define DAY0 (NOW - 10 * 3600) /* its midnight */
#define PW "bench list password 1"

typedef struct job {
  int port;
  const char *pki, *path, *cookie;
  size_t n, bad;
  double *lat;
} job;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t discard(char *p, size_t sz, size_t n, void *ud) {
  (void)p;
  (void)ud;
  return sz * n;
}

static size_t take_cookie(char *p, size_t sz, size_t n, void *ud) {
  char *out = ud;
  size_t len = sz * n;
  if (len > 12 && strncasecmp(p, "Set-Cookie: ", 12) == 0) {
    size_t k = strcspn(p + 12, ";\r\n");
    if (k < 200) {
      memcpy(out, p + 12, k);
      out[k] = '\0';
    }
  }
  return len;
}

static void tls(CURL *c, const char *pki) {
  char ca[600];
  snprintf(ca, sizeof ca, "%s/ca.crt", pki);
  curl_easy_setopt(c, CURLOPT_CAINFO, ca);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
}

static void *worker(void *arg) {
  job *jb = arg;
  char url[512];
  CURL *c = curl_easy_init();
  tls(c, jb->pki);
  snprintf(url, sizeof url, "https://localhost:%d%s", jb->port, jb->path);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_COOKIE, jb->cookie);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  for (size_t i = 0; i < jb->n; i++) {
    long code = 0;
    double t0 = now_s();
    if (curl_easy_perform(c) != CURLE_OK ||
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK ||
        code != 200)
      jb->bad++;
    jb->lat[i] = now_s() - t0;
  }
  curl_easy_cleanup(c);
  return NULL;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static size_t run(int port, const char *pki, const char *cookie,
                  const char *path, size_t total, int conns,
                  const char *name) {
  pthread_t th[64];
  job jobs[64];
  double *lat = calloc(total, sizeof *lat);
  size_t bad = 0, per = total / (size_t)conns;
  double t0 = now_s();
  for (int i = 0; i < conns; i++) {
    jobs[i] = (job){.port = port, .pki = pki, .path = path, .cookie = cookie,
                    .n = per, .lat = lat + per * (size_t)i};
    pthread_create(&th[i], NULL, worker, &jobs[i]);
  }
  for (int i = 0; i < conns; i++) {
    pthread_join(th[i], NULL);
    bad += jobs[i].bad;
  }
  double dt = now_s() - t0;
  total = per * (size_t)conns;
  qsort(lat, total, sizeof *lat, cmp_double);
  printf("%-24s %7zu requests in %6.2f s = %8.0f /s  (p50 %.2f ms, p99 "
         "%.2f ms, %zu unexpected)\n",
         name, total, dt, (double)total / dt, lat[total / 2] * 1e3,
         lat[total * 99 / 100] * 1e3, bad);
  free(lat);
  return bad;
}

/* N rows straight into the schema store_open made. */
static int fill(const char *db, size_t n, size_t today, size_t sealed_len) {
  sqlite3 *h = NULL;
  sqlite3_stmt *app = NULL, *item = NULL, *idx = NULL;
  unsigned char *blob = malloc(sealed_len);
  int rc = -1;
  if (!blob || sqlite3_open(db, &h) != SQLITE_OK)
    goto out;
  sqlite3_exec(h, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
  if (sqlite3_prepare_v2(h,
                         "INSERT INTO applications (uuid, reference, "
                         "device_id, region, created_at, items, "
                         "content_version, assisted_by, check_digest, "
                         "body_hash, sealed, received_at, received_at_text,"
                         " status, urgent, kind, check_keyed) VALUES (?,?,"
                         "'KIOSK-140500-001','140500',?,'[\"dibao\","
                         "\"medical\"]','2025.07.1',?,?,?,?,?,?,?,?,"
                         "'application',1)",
                         -1, &app, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(h,
                         "INSERT INTO item_status (uuid, item, pos, status,"
                         " updated_at, updated_at_text) VALUES (?,?,?,?,?,?)",
                         -1, &item, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(h, "INSERT INTO search_indexed (uuid) VALUES (?)",
                         -1, &idx, NULL) != SQLITE_OK) {
    fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(h));
    goto out;
  }
  /* History at a constant 685 a day (500k over two years), so a day or a
   * week holds as many whatever N is: only the history grows. */
  const int64_t span = (int64_t)((n - today) * 86400 / 685) + 1;
  for (size_t i = 0; i < n; i++) {
    char uuid[37], ref[12], when[40], hash[32];
    unsigned char r[16];
    randombytes_buf(r, sizeof r);
    snprintf(uuid, sizeof uuid,
             "%02x%02x%02x%02x-%02x%02x-4%01x%02x-8%01x%02x-%02x%02x%02x%02x"
             "%02x%02x",
             r[0], r[1], r[2], r[3], r[4], r[5], r[6] & 15, r[7], r[8] & 15,
             r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
    static const char alpha[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    randombytes_buf(r, sizeof r);
    for (int k = 0, j = 0; k < 11; k++)
      ref[k] = (k == 4 || k == 9) ? '-' : alpha[r[j++] % 32];
    ref[11] = '\0';
    int64_t at = i < today
                     ? DAY0 + (int64_t)(i * 36000 / (today ? today : 1))
                     : DAY0 - 1 - (int64_t)((i - today) * (uint64_t)span /
                                            (n - today));
    time_t tt = (time_t)at;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    const char *status = NOW - at > 60 * 86400 ? "paid" : "accepted";
    randombytes_buf(blob, sealed_len);
    randombytes_buf(hash, sizeof hash);
    sqlite3_reset(app);
    sqlite3_bind_text(app, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(app, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(app, 3, when, -1, SQLITE_STATIC);
    if (i % 5 == 0)
      sqlite3_bind_text(app, 4, "W0001", -1, SQLITE_STATIC);
    else
      sqlite3_bind_null(app, 4);
    sqlite3_bind_text(app, 5, "0000000000000000000000000000000000000000"
                              "000000000000000000000000", -1, SQLITE_STATIC);
    sqlite3_bind_blob(app, 6, hash, 32, SQLITE_STATIC);
    sqlite3_bind_blob(app, 7, blob, (int)sealed_len, SQLITE_STATIC);
    sqlite3_bind_int64(app, 8, at);
    sqlite3_bind_text(app, 9, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(app, 10, status, -1, SQLITE_STATIC);
    sqlite3_bind_int(app, 11, i % 100 == 0);
    if (sqlite3_step(app) != SQLITE_DONE)
      goto out;
    for (int k = 0; k < 2; k++) {
      sqlite3_reset(item);
      sqlite3_bind_text(item, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text(item, 2, k ? "medical" : "dibao", -1, SQLITE_STATIC);
      sqlite3_bind_int(item, 3, k);
      sqlite3_bind_text(item, 4, status, -1, SQLITE_STATIC);
      sqlite3_bind_int64(item, 5, at);
      sqlite3_bind_text(item, 6, when, -1, SQLITE_STATIC);
      if (sqlite3_step(item) != SQLITE_DONE)
        goto out;
    }
    sqlite3_reset(idx);
    sqlite3_bind_text(idx, 1, uuid, -1, SQLITE_STATIC);
    if (sqlite3_step(idx) != SQLITE_DONE)
      goto out;
  }
  if (sqlite3_exec(h, "COMMIT; ANALYZE", NULL, NULL, NULL) == SQLITE_OK)
    rc = 0;
out:
  if (rc)
    fprintf(stderr, "fill: %s\n", h ? sqlite3_errmsg(h) : "no memory");
  sqlite3_finalize(app);
  sqlite3_finalize(item);
  sqlite3_finalize(idx);
  sqlite3_close(h);
  free(blob);
  return rc;
}

int main(int argc, char **argv) {
  const char *server = NULL, *pki = NULL, *threads = "4";
  size_t n = 10000, today = 200, reqs = 2000, sealed_len = 3000;
  int conns = 4, rc = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--server") == 0)
      server = argv[i + 1];
    else if (strcmp(argv[i], "--pki") == 0)
      pki = argv[i + 1];
    else if (strcmp(argv[i], "--stored") == 0)
      n = strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--today") == 0)
      today = strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--requests") == 0)
      reqs = strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--conns") == 0)
      conns = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--threads") == 0)
      threads = argv[i + 1];
    else if (strcmp(argv[i], "--sealed") == 0)
      sealed_len = strtoul(argv[i + 1], NULL, 10);
  }
  if (!server || !pki || n < 1 || n > 5000000 || today > n || reqs < 1 ||
      conns < 1 || conns > 64 || sealed_len < 64 || sealed_len > 1 << 20) {
    fprintf(stderr, "usage: %s --server PATH --pki DIR [--stored N] "
                    "[--today T] [--requests M] [--conns C] [--threads W] "
                    "[--sealed BYTES]\n",
            argv[0]);
    return 2;
  }
  if (sodium_init() < 0)
    return 1;
  setenv("TZ", "CST-8", 1);
  tzset();
  char dir[] = "/tmp/kiosk-benchlist-XXXXXX", db[600], portfile[600],
       cmd[2048], cookie[256] = "", path[600];
  if (!mkdtemp(dir))
    return 1;
  snprintf(db, sizeof db, "%s/bench.db", dir);
  snprintf(portfile, sizeof portfile, "%s/port", dir);
  store *st = NULL;
  if (store_open(db, 1, &st) != KERR_OK)
    return 1;
  store_destroy(st);
  double t0 = now_s();
  if (fill(db, n, today, sealed_len) != 0)
    return 1;
  printf("stored %zu applications (%zu today, sealed %zu bytes each) in "
         "%.1f s\n", n, today, sealed_len, now_s() - t0);
  snprintf(cmd, sizeof cmd, "'%s' staff add --db '%s' BENCH bench >/dev/null",
           server, db);
  FILE *p = popen(cmd, "w");
  if (!p)
    return 1;
  fputs(PW "\n", p);
  if (pclose(p) != 0)
    return 1;
  char now_env[32];
  snprintf(now_env, sizeof now_env, "%lld", NOW);
  setenv("KIOSK_SERVER_FAKE_NOW", now_env, 1);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  pid_t pid = fork();
  if (pid == 0) {
    execl(server, server, "serve", "--config", "/dev/null", "--pki", pki,
          "--db", db, "--port", "0", "--port-file", portfile, "--threads",
          threads, "--max-per-ip", "1000", "--log-level", "warn",
          (char *)NULL);
    _exit(127);
  }
  int port = 0;
  for (int i = 0; i < 6000 && port == 0; i++) {
    FILE *f = fopen(portfile, "r");
    if (f) {
      if (fscanf(f, "%d", &port) != 1)
        port = 0;
      fclose(f);
    }
    if (!port)
      usleep(10000);
  }
  if (port) {
    CURL *c = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "https://localhost:%d/api/console/login", port);
    tls(c, pki);
    struct curl_slist *hl =
        curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS,
                     "{\"id\":\"BENCH\",\"password\":\"" PW "\"}");
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, take_cookie);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, cookie);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_perform(c);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    if (!cookie[0]) {
      fprintf(stderr, "sign-in failed\n");
    } else {
      printf("kiosk-server: %s worker threads; client: %d keep-alive TLS "
             "connections; loopback\n", threads, conns);
      size_t bad = run(port, pki, cookie, "/api/console/applications",
                       reqs, conns, "today, page 1 (100)");
      snprintf(path, sizeof path,
               "/api/console/applications?from=2026-10-28&to=2026-11-03");
      bad += run(port, pki, cookie, path, reqs, conns,
                 "7 days, page 1 (100)");
      rc = bad ? 1 : 0;
    }
  } else {
    fprintf(stderr, "server did not start\n");
  }
  if (pid > 0) {
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
  }
  const char *sfx[] = {"", "-wal", "-shm"};
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s%s", db, sfx[i]);
    unlink(path);
  }
  unlink(portfile);
  rmdir(dir);
  curl_global_cleanup();
  return rc;
}
