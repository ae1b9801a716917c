/* server_bench_load: a bounded load test of kiosk-server on loopback.
 *
 *   server_bench_load --server PATH/kiosk-server --pki DIR
 *                     [--apps N] [--queries M] [--conns C] [--threads T]
 *
 * Starts the server itself (fresh database in a temporary folder, rate
 * limits raised out of the way), then:
 *  1. submits N sealed synthetic applications over C keep-alive TLS
 *     connections (one per client thread, device client certificate);
 *  2. asks M progress queries (right check) over C connections.
 * Prints requests per second for each phase and the latency percentiles.
 * Sealing is done before the clock starts: the figure is the server's
 * ingest rate, not the client's crypto. Exits non-zero if any answer was
 * not the expected 201 / 200. */
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
#include <sodium.h>

#define DEVICE "KIOSK-140500-001"

typedef struct bapp {
  char reference[16];
  char last4[5];
  char *json;
} bapp;

typedef struct job {
  int port;
  const char *pki;
  bapp *apps;
  size_t n_apps;
  size_t from, to; /* this worker's share */
  int phase;       /* 1 submit, 2 status */
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
  /* A plaintext of realistic size (a few KiB: display rows, no picture). */
  char plain[4096];
  int pl = snprintf(plain, sizeof plain,
                    "{\"schema_version\":1,\"uuid\":\"%s\",\"reference\":"
                    "\"%s\",\"display\":[{\"section\":\"申请人\",\"rows\":["
                    "{\"label\":\"姓名\",\"value\":\"压测申请人%zu\"}]}],"
                    "\"pad\":\"",
                    uuid, a->reference, i);
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
  cJSON_AddStringToObject(j, "created_at", "2026-11-22T09:30:00+08:00");
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
  char url[256], ca[600], cert[600], key[600];
  struct curl_slist *hl = NULL;
  CURL *c = curl_easy_init();
  snprintf(ca, sizeof ca, "%s/ca.crt", jb->pki);
  snprintf(cert, sizeof cert, "%s/devices/%s.crt", jb->pki, DEVICE);
  snprintf(key, sizeof key, "%s/devices/%s.key", jb->pki, DEVICE);
  curl_easy_setopt(c, CURLOPT_CAINFO, ca);
  curl_easy_setopt(c, CURLOPT_SSLCERT, cert);
  curl_easy_setopt(c, CURLOPT_SSLKEY, key);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  hl = curl_slist_append(hl, "Content-Type: application/json");
  hl = curl_slist_append(hl, "Expect:");
  for (size_t i = jb->from; i < jb->to; i++) {
    long code = 0, want;
    double t0 = now_s();
    if (jb->phase == 1) {
      bapp *a = &jb->apps[i];
      snprintf(url, sizeof url, "https://localhost:%d/v1/applications",
               jb->port);
      curl_easy_setopt(c, CURLOPT_URL, url);
      curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, a->json);
      want = 201;
    } else {
      bapp *a = &jb->apps[(i * 7919) % jb->n_apps];
      snprintf(url, sizeof url,
               "https://localhost:%d/v1/status/%s?check=%s", jb->port,
               a->reference, a->last4);
      curl_easy_setopt(c, CURLOPT_URL, url);
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
      want = 200;
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

static size_t run_phase(int phase, int port, const char *pki, bapp *apps,
                        size_t n_apps, size_t total, int conns,
                        const char *name) {
  pthread_t th[64];
  job jobs[64];
  double *lat = calloc(total ? total : 1, sizeof *lat);
  size_t bad = 0;
  double t0 = now_s();
  for (int i = 0; i < conns; i++) {
    jobs[i] = (job){.port = port, .pki = pki, .apps = apps, .n_apps = n_apps,
                    .from = total * (size_t)i / (size_t)conns,
                    .to = total * (size_t)(i + 1) / (size_t)conns,
                    .phase = phase, .lat = lat};
    pthread_create(&th[i], NULL, worker, &jobs[i]);
  }
  for (int i = 0; i < conns; i++) {
    pthread_join(th[i], NULL);
    bad += jobs[i].bad;
  }
  double dt = now_s() - t0;
  qsort(lat, total, sizeof *lat, cmp_double);
  printf("%-22s %7zu requests in %6.2f s = %8.0f /s  (p50 %.2f ms, p99 "
         "%.2f ms, %zu unexpected)\n",
         name, total, dt, (double)total / dt, lat[total / 2] * 1e3,
         lat[total * 99 / 100] * 1e3, bad);
  free(lat);
  return bad;
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

int main(int argc, char **argv) {
  const char *server = NULL, *pki = NULL, *threads = "4";
  size_t n_apps = 5000, n_queries = 20000;
  int conns = 4, rc = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--server") == 0)
      server = argv[i + 1];
    else if (strcmp(argv[i], "--pki") == 0)
      pki = argv[i + 1];
    else if (strcmp(argv[i], "--apps") == 0)
      n_apps = strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--queries") == 0)
      n_queries = strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--conns") == 0)
      conns = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--threads") == 0)
      threads = argv[i + 1];
  }
  if (!server || !pki || n_apps == 0 || n_apps > 1000000 ||
      n_queries > 10000000 || conns < 1 || conns > 64) {
    fprintf(stderr, "usage: %s --server PATH --pki DIR [--apps N] "
                    "[--queries M] [--conns C] [--threads T]\n",
            argv[0]);
    return 2;
  }
  if (sodium_init() < 0)
    return 1;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  unsigned char pk[32];
  char path[600], dir[] = "/tmp/kiosk-bench-XXXXXX", db[600], portfile[600];
  snprintf(path, sizeof path, "%s/seal.pub", pki);
  if (read_b64_key(path, pk) != 0) {
    fprintf(stderr, "cannot read %s\n", path);
    return 1;
  }
  if (!mkdtemp(dir))
    return 1;
  snprintf(db, sizeof db, "%s/bench.db", dir);
  snprintf(portfile, sizeof portfile, "%s/port", dir);

  bapp *apps = calloc(n_apps, sizeof *apps);
  for (size_t i = 0; i < n_apps; i++)
    make_app(&apps[i], pk, i);

  pid_t pid = fork();
  if (pid == 0) {
    execl(server, server, "serve", "--pki", pki, "--db", db, "--port", "0",
          "--port-file", portfile, "--threads", threads, "--status-burst",
          "1e12", "--status-rate", "1e9", "--fail-burst", "1e12",
          "--max-per-ip", "1000",
          "--log-level", "warn", (char *)NULL);
    _exit(127);
  }
  int port = 0;
  for (int i = 0; i < 1000 && port == 0; i++) {
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
    printf("kiosk-server: %s worker threads; client: %d keep-alive TLS "
           "connections; loopback\n",
           threads, conns);
    size_t bad = run_phase(1, port, pki, apps, n_apps, n_apps, conns,
                           "applications (201)");
    bad += run_phase(2, port, pki, apps, n_apps, n_queries, conns,
                     "status queries (200)");
    rc = bad ? 1 : 0;
  } else {
    fprintf(stderr, "server did not start\n");
  }
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  for (size_t i = 0; i < n_apps; i++)
    free(apps[i].json);
  free(apps);
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
