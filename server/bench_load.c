/* server_bench_load: a bounded load test of kiosk-server on loopback, on
 * the SQLite store, the PostgreSQL store or both in one run.
 *
 *   server_bench_load --server PATH/kiosk-server --pki DIR
 *                     [--apps N] [--queries M] [--lists L] [--bare B]
 *                     [--conns C] [--threads T] [--stored S] [--runs R]
 *                     [--pg URI] [--store sqlite|pg|both] [--sealed BYTES]
 *
 * For each store: makes a fresh database (SQLite: a file in a temporary
 * folder; PostgreSQL: a new database on the cluster URI names, dropped at
 * the end), applies the schema with `kiosk-server migrate`, pre-fills it
 * with S synthetic applications straight through SQL (200 received today,
 * the rest at 685 a day before, as server_bench_list; two items, one event,
 * two search digests and a sealed blob of BYTES random bytes each; then
 * ANALYZE, and everything written out: a PostgreSQL CHECKPOINT, sync()),
 * adds a member of staff, and starts the server on it with the clock fixed at a
 * known day (TZ CST-8) and the rate limits raised out of the way. Then R
 * rounds of:
 *  1. N sealed synthetic applications over C keep-alive TLS connections
 *     (one per client thread, the device's client certificate), as a
 *     kiosk's outbox sends them (libcurl, a reused connection each);
 *  2. M progress queries (right check) for them over C connections, and,
 *     with --bare, B with a malformed check, answered 400 before the store
 *     is asked (what TLS, HTTP and the client cost without the store);
 *  3. L requests of the console's list of yesterday (page 1 of 100, with
 *     the total) and L of the seven days before today, over C connections
 *     with a staff session (only pre-filled rows fall in these days, so the
 *     rounds do not change what they count).
 * Prints each round with the CPU it took per request (of the server, and
 * of the PostgreSQL backends serving its connections, read from /proc),
 * then the median of the rounds per figure and the load average. Sealing is done before the clock starts: the figure is the
 * server's ingest rate, not the client's crypto. The payload carries the
 * applicant's ID number as a kiosk's does (the check's ending is taken
 * from it, so the server finds it with a hash or two). Exits non-zero if
 * any answer was not the expected one (201, 200, 400 for the malformed
 * checks). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#define DEVICE "KIOSK-140500-001"
#define NOW 1793671200LL       /* 2026-11-03 10:00 in CST-8 */
#define DAY0 (NOW - 10 * 3600) /* its midnight */
#define PER_DAY 685            /* pre-filled history: 500k over two years */
#define TODAY_N 200
#define PW "bench load password 1"
#define MAX_RUNS 9

typedef struct bapp {
  char reference[16];
  char last4[5];
  char *json;
} bapp;

typedef struct job {
  int port;
  const char *pki, *cookie, *path;
  bapp *apps;
  size_t n_apps;
  size_t from, to; /* this worker's share */
  int phase;       /* 1 submit, 2 status, 3 console GET of path, 4 status
                      with a malformed check (400 before the store) */
  size_t bad;
  double *lat;     /* per request latency, seconds */
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

static void make_app(bapp *a, const unsigned char pk[32], size_t i) {
  static const char alpha[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  unsigned char rnd[16], md[32];
  char uuid[37], digest[65], pre[64];
  randombytes_buf(rnd, sizeof rnd);
  rnd[6] = (unsigned char)((rnd[6] & 0x0F) | 0x40);
  rnd[8] = (unsigned char)((rnd[8] & 0x3F) | 0x80);
  snprintf(uuid, sizeof uuid,
           "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x"
           "%02x",
           rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7],
           rnd[8], rnd[9], rnd[10], rnd[11], rnd[12], rnd[13], rnd[14],
           rnd[15]);
  randombytes_buf(rnd, sizeof rnd);
  for (int k = 0, r = 0; k < 11; k++)
    a->reference[k] = (k == 4 || k == 9) ? '-' : alpha[rnd[r++] % 32];
  a->reference[11] = '\0';
  snprintf(a->last4, sizeof a->last4, "%04zu", i % 10000);
  /* A plaintext of realistic size (a few KiB: display rows, no picture)
   * with the synthetic applicant's ID number among the answers, whose
   * last four characters are the check, as on a kiosk. */
  char plain[4096];
  int pl = snprintf(plain, sizeof plain,
                    "{\"schema_version\":1,\"uuid\":\"%s\",\"reference\":"
                    "\"%s\",\"answers\":{\"applicant_name\":\"压测申请人%zu\","
                    "\"applicant_id\":\"14050019700101%s\"},\"display\":[{"
                    "\"section\":\"申请人\",\"rows\":[{\"label\":\"姓名\","
                    "\"value\":\"压测申请人%zu\"}]}],\"pad\":\"",
                    uuid, a->reference, i, a->last4, i);
  while (pl < 3000)
    plain[pl++] = 'x';
  pl += snprintf(plain + pl, sizeof plain - (size_t)pl, "\"}");
  size_t sl = (size_t)pl + crypto_box_SEALBYTES;
  unsigned char *sealed = malloc(sl);
  crypto_box_seal(sealed, (unsigned char *)plain, (unsigned long long)pl, pk);
  size_t bl = sodium_base64_ENCODED_LEN(sl, sodium_base64_VARIANT_ORIGINAL);
  char *b64 = malloc(bl);
  sodium_bin2base64(b64, bl, sealed, sl, sodium_base64_VARIANT_ORIGINAL);
  free(sealed);
  snprintf(pre, sizeof pre, "kiosk-status-v1|%s|%s", a->reference, a->last4);
  crypto_generichash(md, 32, (unsigned char *)pre, strlen(pre), NULL, 0);
  sodium_bin2hex(digest, sizeof digest, md, 32);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "uuid", uuid);
  cJSON_AddStringToObject(j, "reference", a->reference);
  cJSON_AddStringToObject(j, "device_id", DEVICE);
  cJSON_AddStringToObject(j, "created_at", "2026-11-03T09:30:00+08:00");
  cJSON_AddStringToObject(j, "region", "140500");
  cJSON *items = cJSON_AddArrayToObject(j, "items");
  cJSON_AddItemToArray(items, cJSON_CreateString("dibao"));
  cJSON_AddStringToObject(j, "content_version", "2025.07.1");
  cJSON_AddNullToObject(j, "assisted_by");
  cJSON_AddStringToObject(j, "check_digest", digest);
  cJSON_AddStringToObject(j, "sealed", b64);
  free(b64);
  a->json = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
}

static void *worker(void *arg) {
  job *jb = arg;
  char url[512], ca[600], cert[600], key[600];
  struct curl_slist *hl = NULL;
  CURL *c = curl_easy_init();
  snprintf(ca, sizeof ca, "%s/ca.crt", jb->pki);
  snprintf(cert, sizeof cert, "%s/devices/%s.crt", jb->pki, DEVICE);
  snprintf(key, sizeof key, "%s/devices/%s.key", jb->pki, DEVICE);
  curl_easy_setopt(c, CURLOPT_CAINFO, ca);
  if (jb->phase != 3) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, cert);
    curl_easy_setopt(c, CURLOPT_SSLKEY, key);
  } else {
    curl_easy_setopt(c, CURLOPT_COOKIE, jb->cookie);
    snprintf(url, sizeof url, "https://localhost:%d%s", jb->port, jb->path);
    curl_easy_setopt(c, CURLOPT_URL, url);
  }
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  hl = curl_slist_append(hl, "Content-Type: application/json");
  hl = curl_slist_append(hl, "Expect:");
  for (size_t i = jb->from; i < jb->to; i++) {
    long code = 0, want = 200;
    double t0 = now_s();
    if (jb->phase == 1) {
      bapp *a = &jb->apps[i];
      snprintf(url, sizeof url, "https://localhost:%d/v1/applications",
               jb->port);
      curl_easy_setopt(c, CURLOPT_URL, url);
      curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, a->json);
      want = 201;
    } else if (jb->phase == 2 || jb->phase == 4) {
      bapp *a = &jb->apps[(i * 7919) % jb->n_apps];
      snprintf(url, sizeof url,
               "https://localhost:%d/v1/status/%s?check=%s", jb->port,
               a->reference, jb->phase == 2 ? a->last4 : "12-4");
      curl_easy_setopt(c, CURLOPT_URL, url);
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
      if (jb->phase == 4)
        want = 400;
    }
    if (curl_easy_perform(c) != CURLE_OK ||
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK ||
        code != want)
      jb->bad++;
    jb->lat[i] = now_s() - t0;
  }
  curl_slist_free_all(hl);
  curl_easy_cleanup(c);
  return NULL;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* One phase over conns client threads; returns requests per second, *bad
 * counts unexpected answers. */
static double run_phase(const job *proto, size_t total, int conns,
                        const char *name, size_t *bad) {
  pthread_t th[64];
  job jobs[64];
  double *lat = calloc(total ? total : 1, sizeof *lat);
  double t0 = now_s();
  for (int i = 0; i < conns; i++) {
    jobs[i] = *proto;
    jobs[i].from = total * (size_t)i / (size_t)conns;
    jobs[i].to = total * (size_t)(i + 1) / (size_t)conns;
    jobs[i].lat = lat;
    pthread_create(&th[i], NULL, worker, &jobs[i]);
  }
  size_t b = 0;
  for (int i = 0; i < conns; i++) {
    pthread_join(th[i], NULL);
    b += jobs[i].bad;
  }
  double dt = now_s() - t0, rate = (double)total / dt;
  qsort(lat, total, sizeof *lat, cmp_double);
  printf("  %-24s %7zu requests in %6.2f s = %8.0f /s  (p50 %.2f ms, p99 "
         "%.2f ms, %zu unexpected)\n",
         name, total, dt, rate, lat[total / 2] * 1e3,
         lat[total * 99 / 100] * 1e3, b);
  fflush(stdout);
  free(lat);
  *bad += b;
  return rate;
}

static int read_b64_key(const char *path, unsigned char out[32]) {
  char buf[128];
  size_t got = 0;
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  buf[strcspn(buf, "\r\n")] = '\0';
  return sodium_base642bin(out, 32, buf, strlen(buf), NULL, &got, NULL,
                           sodium_base64_VARIANT_ORIGINAL) == 0 &&
                 got == 32
             ? 0
             : -1;
}

/* ---- pre-filling a store ---- */

/* When the i-th of n pre-filled applications was received: TODAY_N today
 * (from midnight to 10:00), the rest at PER_DAY a day before. */
static int64_t fill_at(size_t i, size_t n) {
  size_t today = n < TODAY_N ? n : TODAY_N;
  if (i < today)
    return DAY0 + (int64_t)(i * 36000 / today);
  return DAY0 - 1 - (int64_t)((i - today) * 86400 / PER_DAY);
}

static void fill_text(int64_t at, char when[40]) {
  time_t tt = (time_t)at;
  struct tm tm;
  localtime_r(&tt, &tm);
  strftime(when, 40, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

static int fill_sqlite(const char *db, size_t n, size_t sealed_len) {
  sqlite3 *h = NULL;
  sqlite3_stmt *st[5] = {0};
  static const char *const sql[5] = {
    "INSERT INTO applications (uuid, reference, device_id, region,"
    " created_at, items, content_version, assisted_by, check_digest,"
    " body_hash, sealed, received_at, received_at_text, status, urgent,"
    " kind, check_keyed) VALUES (?1,?2,'KIOSK-140500-001','140500',?3,"
    "'[\"dibao\",\"medical\"]','2025.07.1',?4,?5,?6,?7,?8,?3,?9,?10,"
    "'application',1)",
    "INSERT INTO item_status (uuid, item, pos, status, updated_at,"
    " updated_at_text) VALUES (?1,?2,?3,?4,?5,?6)",
    "INSERT INTO events (uuid, status, note, at, at_text) VALUES"
    " (?1,'submitted','',?2,?3)",
    "INSERT INTO search_keys (digest, uuid) VALUES (?1,?2)",
    "INSERT INTO search_indexed (uuid) VALUES (?1)"};
  unsigned char *blob = malloc(sealed_len);
  int rc = -1;
  if (!blob || sqlite3_open(db, &h) != SQLITE_OK)
    goto out;
  sqlite3_exec(h, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; BEGIN",
               NULL, NULL, NULL);
  for (int k = 0; k < 5; k++)
    if (sqlite3_prepare_v2(h, sql[k], -1, &st[k], NULL) != SQLITE_OK)
      goto out;
  for (size_t i = 0; i < n; i++) {
    char uuid[37], ref[32], when[40];
    unsigned char r[16], hash[32], dg[32];
    randombytes_buf(r, sizeof r);
    snprintf(uuid, sizeof uuid,
             "%02x%02x%02x%02x-%02x%02x-4%01x%02x-8%01x%02x-%02x%02x%02x%02x"
             "%02x%02x",
             r[0], r[1], r[2], r[3], r[4], r[5], r[6] & 15, r[7], r[8] & 15,
             r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
    snprintf(ref, sizeof ref, "P%07zu", i);
    int64_t at = fill_at(i, n);
    fill_text(at, when);
    const char *status = NOW - at > 60 * 86400 ? "paid" : "accepted";
    randombytes_buf(blob, sealed_len);
    randombytes_buf(hash, sizeof hash);
    sqlite3_stmt *a = st[0];
    sqlite3_reset(a);
    sqlite3_bind_text(a, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(a, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(a, 3, when, -1, SQLITE_STATIC);
    if (i % 5 == 0)
      sqlite3_bind_text(a, 4, "W0001", -1, SQLITE_STATIC);
    else
      sqlite3_bind_null(a, 4);
    sqlite3_bind_text(a, 5, "0000000000000000000000000000000000000000"
                            "000000000000000000000000", -1, SQLITE_STATIC);
    sqlite3_bind_blob(a, 6, hash, 32, SQLITE_STATIC);
    sqlite3_bind_blob(a, 7, blob, (int)sealed_len, SQLITE_STATIC);
    sqlite3_bind_int64(a, 8, at);
    sqlite3_bind_text(a, 9, status, -1, SQLITE_STATIC);
    sqlite3_bind_int(a, 10, i % 100 == 0);
    if (sqlite3_step(a) != SQLITE_DONE)
      goto out;
    for (int k = 0; k < 2; k++) {
      sqlite3_stmt *it = st[1];
      sqlite3_reset(it);
      sqlite3_bind_text(it, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text(it, 2, k ? "medical" : "dibao", -1, SQLITE_STATIC);
      sqlite3_bind_int(it, 3, k);
      sqlite3_bind_text(it, 4, status, -1, SQLITE_STATIC);
      sqlite3_bind_int64(it, 5, at);
      sqlite3_bind_text(it, 6, when, -1, SQLITE_STATIC);
      if (sqlite3_step(it) != SQLITE_DONE)
        goto out;
      randombytes_buf(dg, sizeof dg);
      sqlite3_stmt *sk = st[3];
      sqlite3_reset(sk);
      sqlite3_bind_blob(sk, 1, dg, 32, SQLITE_STATIC);
      sqlite3_bind_text(sk, 2, uuid, -1, SQLITE_STATIC);
      if (sqlite3_step(sk) != SQLITE_DONE)
        goto out;
    }
    sqlite3_reset(st[2]);
    sqlite3_bind_text(st[2], 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st[2], 2, at);
    sqlite3_bind_text(st[2], 3, when, -1, SQLITE_STATIC);
    if (sqlite3_step(st[2]) != SQLITE_DONE)
      goto out;
    sqlite3_reset(st[4]);
    sqlite3_bind_text(st[4], 1, uuid, -1, SQLITE_STATIC);
    if (sqlite3_step(st[4]) != SQLITE_DONE)
      goto out;
  }
  if (sqlite3_exec(h, "COMMIT; ANALYZE", NULL, NULL, NULL) == SQLITE_OK)
    rc = 0;
out:
  if (rc)
    fprintf(stderr, "fill: %s\n", h ? sqlite3_errmsg(h) : "no memory");
  for (int k = 0; k < 5; k++)
    sqlite3_finalize(st[k]);
  sqlite3_close(h);
  free(blob);
  return rc;
}

static int pg_exec(PGconn *db, const char *sql, int np, const char *const *v,
                   const int *len, const int *fmt) {
  PGresult *r = PQexecParams(db, sql, np, NULL, v, len, fmt, 0);
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
           PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok)
    fprintf(stderr, "bench: %s\n  %s", sql, PQresultErrorMessage(r));
  PQclear(r);
  return ok ? 0 : -1;
}

/* The same rows as fill_sqlite, made by PostgreSQL itself (one sealed
 * blob for all: stored out of line and uncompressed, so as large). */
static int fill_pg(const char *uri, size_t n, size_t sealed_len) {
  PGconn *db = PQconnectdb(uri);
  unsigned char *blob = malloc(sealed_len);
  char sn[32], sl[32], sday0[32], snow[32], sper[32];
  int rc = -1;
  if (!blob || PQstatus(db) != CONNECTION_OK) {
    fprintf(stderr, "bench: %s", PQerrorMessage(db));
    goto out;
  }
  randombytes_buf(blob, sealed_len);
  snprintf(sn, sizeof sn, "%zu", n);
  snprintf(sl, sizeof sl, "%zu", n < TODAY_N ? n : TODAY_N);
  snprintf(sday0, sizeof sday0, "%lld", DAY0);
  snprintf(snow, sizeof snow, "%lld", NOW);
  snprintf(sper, sizeof sper, "%d", PER_DAY);
  const char *v[6] = {sn, sl, sday0, snow, sper, (const char *)blob};
  int len[6] = {0, 0, 0, 0, 0, (int)sealed_len}, fmt[6] = {0, 0, 0, 0, 0, 1};
  if (pg_exec(db, "BEGIN", 0, NULL, NULL, NULL) ||
      pg_exec(db,
              "INSERT INTO applications (uuid, reference, device_id, region,"
              " created_at, items, content_version, assisted_by,"
              " check_digest, body_hash, sealed, received_at,"
              " received_at_text, status, urgent, kind, check_keyed)"
              " SELECT u, 'P' || lpad((i - 1)::text, 7, '0'),"
              " 'KIOSK-140500-001', '140500', t, '[\"dibao\",\"medical\"]',"
              " '2025.07.1', CASE WHEN (i - 1) % 5 = 0 THEN 'W0001' END,"
              " repeat('0', 64), decode(h || md5(h), 'hex'), $6, at, t,"
              " CASE WHEN $4::bigint - at > 60 * 86400 THEN 'paid' ELSE"
              " 'accepted' END, ((i - 1) % 100 = 0)::int, 'application', 1"
              " FROM (SELECT i, h, substr(h, 1, 8) || '-' || substr(h, 9, 4)"
              "  || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) ||"
              "  '-' || substr(h, 21, 12) AS u, at, to_char(to_timestamp(at"
              "  + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
              "  || '+08:00' AS t"
              "  FROM (SELECT i, md5(random()::text || i) AS h,"
              "   CASE WHEN i - 1 < $2::bigint THEN $3::bigint + (i - 1) *"
              "   36000 / $2::bigint ELSE $3::bigint - 1 - (i - 1 -"
              "   $2::bigint) * 86400 / $5::bigint END AS at"
              "   FROM generate_series(1, $1::bigint) i) g) x",
              6, v, len, fmt) ||
      pg_exec(db,
              "INSERT INTO item_status (uuid, item, pos, status, updated_at,"
              " updated_at_text) SELECT uuid, it.item, it.pos, status,"
              " received_at, received_at_text FROM applications,"
              " (VALUES ('dibao', 0), ('medical', 1)) it(item, pos)",
              0, NULL, NULL, NULL) ||
      pg_exec(db,
              "INSERT INTO events (uuid, status, note, at, at_text) SELECT"
              " uuid, 'submitted', '', received_at, received_at_text FROM"
              " applications", 0, NULL, NULL, NULL) ||
      pg_exec(db,
              "INSERT INTO search_keys (digest, uuid) SELECT decode(md5(uuid"
              " || k) || md5(k || uuid), 'hex'), uuid FROM applications,"
              " generate_series(1, 2) k", 0, NULL, NULL, NULL) ||
      pg_exec(db, "INSERT INTO search_indexed (uuid) SELECT uuid FROM"
                  " applications", 0, NULL, NULL, NULL) ||
      pg_exec(db, "COMMIT", 0, NULL, NULL, NULL) ||
      pg_exec(db, "VACUUM ANALYZE", 0, NULL, NULL, NULL) ||
      pg_exec(db, "CHECKPOINT", 0, NULL, NULL, NULL))
    goto out;
  rc = 0;
out:
  PQfinish(db);
  free(blob);
  return rc;
}

/* ---- PostgreSQL databases for a run ---- */

/* The cluster's connection URI with the database replaced by name. */
static int pg_uri_for(const char *base, const char *name, char *out,
                      size_t cap) {
  PQconninfoOption *o = PQconninfoParse(base, NULL);
  if (!o)
    return -1;
  size_t k = (size_t)snprintf(out, cap, "postgresql:///%s?", name);
  for (PQconninfoOption *p = o; p->keyword; p++) {
    if (!p->val || !p->val[0] || strcmp(p->keyword, "dbname") == 0)
      continue;
    if (k < cap)
      k += (size_t)snprintf(out + k, cap - k, "%s%s=%s",
                            out[k - 1] == '?' ? "" : "&", p->keyword, p->val);
  }
  PQconninfoFree(o);
  return k < cap ? 0 : -1;
}

static int pg_admin(const char *base, const char *sql) {
  PGconn *db = PQconnectdb(base);
  int rc = PQstatus(db) == CONNECTION_OK
               ? pg_exec(db, sql, 0, NULL, NULL, NULL)
               : (fprintf(stderr, "bench: %s", PQerrorMessage(db)), -1);
  PQfinish(db);
  return rc;
}

/* ---- one store ---- */

typedef struct bench {
  const char *server, *pki, *threads;
  size_t n_apps, n_queries, n_lists, n_bare, stored, sealed_len;
  int conns, runs;
  const unsigned char *pk;
} bench;

static int run_cmd(const char *server, const char *args, const char *input) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "'%s' %s >/dev/null 2>&1", server, args);
  FILE *p = popen(cmd, "w");
  if (!p)
    return -1;
  if (input)
    fputs(input, p);
  return pclose(p) == 0 ? 0 : -1;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_load(const char *when) {
  double la[3] = {0};
  if (getloadavg(la, 3) == 3)
    printf("  load average %s: %.2f %.2f %.2f\n", when, la[0], la[1], la[2]);
}

/* ---- CPU time per request ---- */

/* The processes whose CPU a phase is charged: the server and, on
 * PostgreSQL, the backends of its connections (same machine). */
typedef struct cpu_set {
  pid_t pid[80];
  int n, n_server;
} cpu_set;

/* utime + stime of pid in seconds (0 when it is gone). */
static double proc_cpu(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *p = strrchr(buf, ')'); /* the name may hold spaces */
  unsigned long long ut = 0, st = 0;
  if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
                          "%llu", &ut, &st) != 2)
    return 0;
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The backends serving target's database, but this one. */
static void pg_backends(const char *target, cpu_set *c) {
  PGconn *db = PQconnectdb(target);
  PGresult *r = PQexec(db, "SELECT pid FROM pg_stat_activity WHERE datname ="
                           " current_database() AND pid <> pg_backend_pid()");
  for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK &&
                  i < PQntuples(r) && c->n < 80; i++)
    c->pid[c->n++] = (pid_t)atoi(PQgetvalue(r, i, 0));
  PQclear(r);
  PQfinish(db);
}

/* CPU seconds so far: [0] the server, [1] the database's backends. */
static void cpu_now(const cpu_set *c, double out[2]) {
  out[0] = out[1] = 0;
  for (int i = 0; i < c->n; i++)
    out[i >= c->n_server] += proc_cpu(c->pid[i]);
}

/* Records and prints the CPU a phase of n requests took per request. */
static void cpu_note(double cpu[2][MAX_RUNS], int run, const double c0[2],
                     const double c1[2], size_t n, int is_pg) {
  if (!n)
    return;
  cpu[0][run] = (c1[0] - c0[0]) * 1e3 / (double)n;
  cpu[1][run] = (c1[1] - c0[1]) * 1e3 / (double)n;
  printf("  %-24s CPU per request: server %.3f ms", "", cpu[0][run]);
  if (is_pg)
    printf(", PostgreSQL %.3f ms", cpu[1][run]);
  printf("\n");
}

/* Runs every round against the store at target; *bad counts unexpected
 * answers. Returns 0, or -1 when the store or the server did not start. */
static int bench_store(const bench *b, const char *name, const char *target,
                       const char *dir, size_t *bad) {
  char args[1400], portfile[600], cookie[256] = "";
  int rc = -1;
  printf("%s store, %zu applications pre-filled:\n", name, b->stored);
  snprintf(args, sizeof args, "migrate --config /dev/null --db '%s'", target);
  if (run_cmd(b->server, args, NULL)) {
    fprintf(stderr, "bench: migrate failed\n");
    return -1;
  }
  double t0 = now_s();
  if (b->stored &&
      (strncmp(target, "postgres", 8) == 0
           ? fill_pg(target, b->stored, b->sealed_len)
           : fill_sqlite(target, b->stored, b->sealed_len)))
    return -1;
  /* The fill written out before the clock starts (PostgreSQL: the
   * CHECKPOINT above; SQLite filled with synchronous=OFF): otherwise the
   * rounds share the disk with gigabytes of its writes. */
  if (b->stored) {
    sync();
    printf("  pre-filled in %.1f s\n", now_s() - t0);
  }
  snprintf(args, sizeof args,
           "staff add --config /dev/null --db '%s' BENCH bench", target);
  if (run_cmd(b->server, args, PW "\n"))
    return -1;
  snprintf(portfile, sizeof portfile, "%s/port", dir);
  unlink(portfile);
  pid_t pid = fork();
  if (pid == 0) {
    char now_env[32];
    snprintf(now_env, sizeof now_env, "%lld", NOW);
    setenv("KIOSK_SERVER_FAKE_NOW", now_env, 1);
    execl(b->server, b->server, "serve", "--config", "/dev/null", "--pki",
          b->pki, "--db", target, "--port", "0", "--port-file", portfile,
          "--threads", b->threads, "--status-burst", "1e12",
          "--status-rate", "1e9", "--fail-burst", "1e12", "--max-per-ip",
          "1000", "--log-level", "warn", (char *)NULL);
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
  if (!port) {
    fprintf(stderr, "bench: server did not start\n");
    goto out;
  }
  CURL *c = curl_easy_init();
  char url[256], ca[600];
  snprintf(url, sizeof url, "https://localhost:%d/api/console/login", port);
  snprintf(ca, sizeof ca, "%s/ca.crt", b->pki);
  struct curl_slist *hl =
      curl_slist_append(NULL, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_CAINFO, ca);
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
    fprintf(stderr, "bench: sign-in failed\n");
    goto out;
  }
  printf("  kiosk-server: %s worker threads; client: %d keep-alive TLS "
         "connections; loopback\n", b->threads, b->conns);
  print_load("at the start");
  double rate[5][MAX_RUNS] = {{0}}, cpu[5][2][MAX_RUNS] = {{{0}}};
  cpu_set cs = {.pid = {pid}, .n = 1, .n_server = 1};
  int is_pg = strncmp(target, "postgres", 8) == 0;
  if (is_pg)
    pg_backends(target, &cs);
  bapp *apps = calloc(b->n_apps, sizeof *apps);
  for (int run = 0; run < b->runs; run++) {
    for (size_t i = 0; i < b->n_apps; i++) {
      free(apps[i].json);
      make_app(&apps[i], b->pk, i);
    }
    printf("  round %d\n", run + 1);
    double c0[2], c1[2];
    job j = {.port = port, .pki = b->pki, .cookie = cookie, .apps = apps,
             .n_apps = b->n_apps};
    j.phase = 1;
    cpu_now(&cs, c0);
    rate[0][run] = run_phase(&j, b->n_apps, b->conns, "applications (201)",
                             bad);
    cpu_now(&cs, c1);
    cpu_note(cpu[0], run, c0, c1, b->n_apps, is_pg);
    j.phase = 2;
    cpu_now(&cs, c0);
    rate[1][run] = run_phase(&j, b->n_queries, b->conns,
                             "status queries (200)", bad);
    cpu_now(&cs, c1);
    cpu_note(cpu[1], run, c0, c1, b->n_queries, is_pg);
    if (b->n_bare) {
      j.phase = 4;
    cpu_now(&cs, c0);
      rate[4][run] =
          run_phase(&j, b->n_bare, b->conns, "malformed check (400)", bad);
    cpu_now(&cs, c1);
    cpu_note(cpu[4], run, c0, c1, b->n_bare, is_pg);
    }
    j.phase = 3;
    j.path = "/api/console/applications?date=2026-11-02";
    cpu_now(&cs, c0);
    rate[2][run] = run_phase(&j, b->n_lists, b->conns,
                             "console day list (200)", bad);
    cpu_now(&cs, c1);
    cpu_note(cpu[2], run, c0, c1, b->n_lists, is_pg);
    j.path = "/api/console/applications?from=2026-10-27&to=2026-11-02";
    cpu_now(&cs, c0);
    rate[3][run] = run_phase(&j, b->n_lists, b->conns,
                             "console 7 days (200)", bad);
    cpu_now(&cs, c1);
    cpu_note(cpu[3], run, c0, c1, b->n_lists, is_pg);
  }
  for (size_t i = 0; i < b->n_apps; i++)
    free(apps[i].json);
  free(apps);
  print_load("at the end");
  printf("  median of %d: applications %.0f /s, status %.0f /s, day list "
         "%.0f /s, 7 days %.0f /s",
         b->runs, median(rate[0], b->runs), median(rate[1], b->runs),
         median(rate[2], b->runs), median(rate[3], b->runs));
  if (b->n_bare)
    printf(", malformed check %.0f /s", median(rate[4], b->runs));
  printf("\n");
  static const char *const what[5] = {"application", "status query",
                                      "day list", "7 days", "malformed check"};
  printf("  median CPU per request, server%s:", is_pg ? " + PostgreSQL" : "");
  for (int k = 0; k < 5; k++) {
    if (k == 4 && !b->n_bare)
      continue;
    printf("%s %s %.3f", k ? "," : "", what[k], median(cpu[k][0], b->runs));
    if (is_pg)
      printf(" + %.3f", median(cpu[k][1], b->runs));
  }
  printf(" ms\n\n");
  rc = 0;
out:
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  unlink(portfile);
  return rc;
}

int main(int argc, char **argv) {
  bench b = {.threads = "16", .n_apps = 5000, .n_queries = 10000,
             .n_lists = 2000, .sealed_len = 3000, .conns = 16, .runs = 1};
  const char *pg = NULL, *which = NULL;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *o = argv[i], *v = argv[i + 1];
    if (strcmp(o, "--server") == 0)
      b.server = v;
    else if (strcmp(o, "--pki") == 0)
      b.pki = v;
    else if (strcmp(o, "--apps") == 0)
      b.n_apps = strtoul(v, NULL, 10);
    else if (strcmp(o, "--queries") == 0)
      b.n_queries = strtoul(v, NULL, 10);
    else if (strcmp(o, "--lists") == 0)
      b.n_lists = strtoul(v, NULL, 10);
    else if (strcmp(o, "--bare") == 0)
      b.n_bare = strtoul(v, NULL, 10);
    else if (strcmp(o, "--conns") == 0)
      b.conns = atoi(v);
    else if (strcmp(o, "--threads") == 0)
      b.threads = v;
    else if (strcmp(o, "--stored") == 0)
      b.stored = strtoul(v, NULL, 10);
    else if (strcmp(o, "--runs") == 0)
      b.runs = atoi(v);
    else if (strcmp(o, "--sealed") == 0)
      b.sealed_len = strtoul(v, NULL, 10);
    else if (strcmp(o, "--pg") == 0)
      pg = v;
    else if (strcmp(o, "--store") == 0)
      which = v;
    else
      b.server = NULL;
  }
  if (!which)
    which = pg ? "both" : "sqlite";
  int want_sqlite = strcmp(which, "sqlite") == 0 || strcmp(which, "both") == 0,
      want_pg = strcmp(which, "pg") == 0 || strcmp(which, "both") == 0;
  if (!b.server || !b.pki || b.n_apps == 0 || b.n_apps > 1000000 ||
      b.n_queries < 1 || b.n_queries > 10000000 || b.n_lists < 1 ||
      b.n_lists > 1000000 || b.conns < 1 || b.conns > 64 || b.runs < 1 ||
      b.runs > MAX_RUNS || b.stored > 5000000 || b.sealed_len < 64 ||
      b.sealed_len > 1 << 20 || (!want_sqlite && !want_pg) ||
      (want_pg && !pg)) {
    fprintf(stderr, "usage: %s --server PATH --pki DIR [--apps N] "
                    "[--queries M] [--lists L] [--bare B] [--conns C] "
                    "[--threads T] [--stored S] [--runs R] [--pg URI] "
                    "[--store sqlite|pg|both] [--sealed BYTES]\n",
            argv[0]);
    return 2;
  }
  if (sodium_init() < 0)
    return 1;
  setenv("TZ", "CST-8", 1);
  tzset();
  curl_global_init(CURL_GLOBAL_DEFAULT);
  unsigned char pk[32];
  char path[1300], dir[] = "/tmp/kiosk-bench-XXXXXX", target[1200];
  snprintf(path, sizeof path, "%s/seal.pub", b.pki);
  if (read_b64_key(path, pk) != 0) {
    fprintf(stderr, "cannot read %s\n", path);
    return 1;
  }
  b.pk = pk;
  if (!mkdtemp(dir))
    return 1;
  size_t bad = 0;
  int rc = 0;
  if (want_sqlite) {
    snprintf(target, sizeof target, "%s/bench.db", dir);
    rc |= bench_store(&b, "SQLite", target, dir, &bad);
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
      snprintf(path, sizeof path, "%s%s", target, sfx[i]);
      unlink(path);
    }
  }
  if (want_pg) {
    char name[64], sql[128];
    snprintf(name, sizeof name, "kiosk_bench_%ld", (long)getpid());
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    if (pg_uri_for(pg, name, target, sizeof target) || pg_admin(pg, sql)) {
      rc = -1;
    } else {
      rc |= bench_store(&b, "PostgreSQL", target, dir, &bad);
      snprintf(sql, sizeof sql, "DROP DATABASE %s", name);
      pg_admin(pg, sql);
    }
  }
  rmdir(dir);
  curl_global_cleanup();
  return rc || bad ? 1 : 0;
}
