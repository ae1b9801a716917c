/* bench_outbox: what an application costs on its way out of the kiosk.
 *
 *   1. seal + commit: reference, ~4 KiB plaintext sealed, one outbox
 *      transaction (WAL, synchronous=FULL) on a real file;
 *   2. drain: the outbox emptied into the reference backend on loopback over
 *      one reused mTLS connection (applications per second);
 *   3. submit round trip: one POST /v1/applications, as seen by the kiosk.
 * Prints medians and 99th percentiles. Needs the reference backend binary:
 * build/server/kiosk-server next to this program's folder, or
 * KIOSK_SERVER=/path/to/kiosk-server.
 *
 * The drain is the kiosk's own delivery worker (deliver_start), as in the
 * kiosk, run until it reports the queue empty. fdatasync() calls of this
 * process (SQLite's only way to make a commit durable; the backend is
 * another process) are counted by the definition below, which the dynamic
 * linker binds libsqlite3's calls to (it makes the system call
 * itself). With --sync-delay-ms D each of them
 * also sleeps D ms during the drain, as a slow disk (an SD card, eMMC)
 * would take to flush; the seal + commit part then runs at the disk's own
 * speed, to set the queue up quickly.
 *
 * The drain runs once per connection count of --parallel (default "1,4":
 * one row at a time, then the kiosk's default of four in flight), side by
 * side in one run; the queue is filled again (untimed) before each.
 *
 *   bench_outbox [N] [--sync-delay-ms D] [--parallel P[,P...]]
 *                [--no-roundtrip]
 *     N applications per part, default 1000; --no-roundtrip skips part 3 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sodium.h>

#include "../tests/net/net_helpers.h"
#include "core/log.h"
#include "net/api.h"
#include "net/deliver.h"
#include "net/outbox.h"
#include "net/seal.h"

static const char *items[] = {"dibao", "medical", "linshi"};

static atomic_long syncs;       /* fdatasync() calls of this process */
static atomic_int sync_delay_ms; /* added to each while set */

/* Counts (and with a delay, slows) every fdatasync() of this process. */
int fdatasync(int fd) {
  int ms = atomic_load(&sync_delay_ms);
  atomic_fetch_add(&syncs, 1);
  if (ms > 0) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  return (int)syscall(SYS_fdatasync, fd);
}

/* The worker's events: the drain is over at the first IDLE. */
typedef struct drain {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int delivered, other, idle;
} drain;

static void on_drain_event(const deliver_event *ev, void *ud) {
  drain *dr = ud;
  pthread_mutex_lock(&dr->mu);
  if (ev->kind == DELIVER_EV_DELIVERED)
    dr->delivered++;
  else if (ev->kind == DELIVER_EV_IDLE)
    dr->idle = 1;
  else
    dr->other++;
  pthread_cond_signal(&dr->cv);
  pthread_mutex_unlock(&dr->mu);
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_d);
  printf("%-34s median %7.2f ms   p99 %7.2f ms   (n=%d)\n", what, v[n / 2],
         v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], n);
}

static double now_ms_f(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A plausible 4 KiB application JSON, its (synthetic) ID number ending in
 * the check's 0017, as a kiosk's does. */
static void fill_plain(char *buf, size_t cap, const char *uuid,
                       const char *ref) {
  size_t o = (size_t)snprintf(buf, cap,
      "{\"schema_version\":1,\"uuid\":\"%s\",\"reference\":\"%s\","
      "\"region\":\"140500\",\"answers\":{\"applicant_id\":"
      "\"140502197001010017\",\"notes\":\"", uuid, ref);
  while (o + 64 < cap && o < 4000)
    o += (size_t)snprintf(buf + o, cap - o, "\xe5\xae\xb6\xe5\xba\xad\xe6\x88"
                          "\x90\xe5\x91\x98 ");
  snprintf(buf + o, cap - o, "\"}}");
}

static kerr make_one(outbox *ob, const unsigned char pk[32]) {
  char uuid[SEAL_UUID_BUF], ref[REFNO_BUF], plain[4200], *env = NULL;
  seal_meta m = {0};
  kerr err = outbox_next_reference(ob, ref);
  if (err)
    return err;
  seal_uuid_v4(uuid);
  fill_plain(plain, sizeof plain, uuid, ref);
  m.uuid = uuid;
  m.reference = ref;
  m.device_id = "KIOSK-140500-001";
  m.created_at = "2026-11-22T09:30:00+08:00";
  m.region = "140500";
  m.items = items;
  m.n_items = 3;
  m.content_version = "2025.07.1";
  m.last4 = "0017";
  err = seal_envelope(&m, pk, plain, strlen(plain), &env);
  sodium_memzero(plain, sizeof plain);
  if (!err)
    err = outbox_enqueue(ob, uuid, ref, env, strlen(env), 1000);
  free(env);
  return err;
}

int main(int argc, char **argv) {
  int n = 1000, delay = 0, roundtrip = 1;
  int par[8] = {1, 4}, npar = 2;
  char work[128], server[600], obpath[200], pub[256], pubtxt[128];
  const char *env_srv = getenv("KIOSK_SERVER");
  unsigned char pk[32];
  nh_backend be;
  outbox_config oc = {0};
  outbox *ob = NULL;
  double *lat;
  int rc = 1;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--sync-delay-ms") == 0 && i + 1 < argc)
      delay = atoi(argv[++i]);
    else if (strcmp(argv[i], "--no-roundtrip") == 0)
      roundtrip = 0;
    else if (strcmp(argv[i], "--parallel") == 0 && i + 1 < argc) {
      char *p = argv[++i];
      for (npar = 0; npar < 8 && *p;) {
        par[npar++] = atoi(p);
        p += strcspn(p, ",");
        p += *p == ',';
      }
    }
    else
      n = atoi(argv[i]);
  }
  if (n < 10 || n > 100000)
    n = 1000;
  lat = calloc((size_t)n, sizeof *lat);
  if (sodium_init() < 0 || !lat || nh_tmpdir(work, sizeof work, "kiosk-bench"))
    return 1;
  if (env_srv) {
    snprintf(server, sizeof server, "%s", env_srv);
  } else {
    char exe[512];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[k > 0 ? k : 0] = '\0';
    if (strrchr(exe, '/'))
      *strrchr(exe, '/') = '\0';
    snprintf(server, sizeof server, "%s/../server/kiosk-server", exe);
  }
  if (nh_backend_init(&be, server, KIOSK_SOURCE_DIR, work) ||
      nh_backend_start(&be, server, 0)) {
    fprintf(stderr, "bench_outbox: cannot start the reference backend\n");
    goto out;
  }
  snprintf(pub, sizeof pub, "%s/seal.pub", be.pki);
  if (nh_read_file(pub, pubtxt, sizeof pubtxt) <= 0 ||
      seal_key_parse(pubtxt, pk) != KERR_OK)
    goto out;
  snprintf(obpath, sizeof obpath, "%s/outbox.db", work);
  oc.path = obpath;
  oc.ref_prefix = "JC";
  oc.capacity = 200000;
  if (outbox_open(&oc, &ob) != KERR_OK)
    goto out;
  log_set_level(LOG_WARN);
  printf("bench_outbox: %d applications per part, outbox in %s\n", n, work);

  /* 1. seal + commit. */
  {
    long s0 = atomic_load(&syncs);
    for (int i = 0; i < n; i++) {
      double t = now_ms_f();
      if (make_one(ob, pk) != KERR_OK)
        goto out;
      lat[i] = now_ms_f() - t;
    }
    report("seal + commit (4 KiB, fsync)", lat, n);
    printf("%-34s %7.3f\n", "  fdatasync per application",
           (double)(atomic_load(&syncs) - s0) / n);
  }

  /* 2. drain by the kiosk's worker, once per connection count. */
  for (int pi = 0; pi < npar; pi++) {
    deliver_config dc = {0};
    deliver *d = NULL;
    drain dr = {.mu = PTHREAD_MUTEX_INITIALIZER,
                .cv = PTHREAD_COND_INITIALIZER};
    double t0, total;
    long s0;
    dc.ob = ob;
    dc.api.base_url = be.url;
    dc.api.ca_file = be.ca;
    dc.api.cert_file = be.dev_cert;
    dc.api.key_file = be.dev_key;
    dc.on_event = on_drain_event;
    dc.ud = &dr;
    dc.parallel = par[pi] > 0 ? (size_t)par[pi] : 1;
    if (pi > 0)
      for (int i = 0; i < n; i++)
        if (make_one(ob, pk) != KERR_OK)
          goto out;
    if (deliver_create(&dc, &d) != KERR_OK)
      goto out;
    atomic_store(&sync_delay_ms, delay);
    s0 = atomic_load(&syncs);
    t0 = now_ms_f();
    if (deliver_start(d) != KERR_OK) {
      deliver_destroy(d);
      goto out;
    }
    pthread_mutex_lock(&dr.mu);
    while (!dr.idle && dr.other == 0)
      pthread_cond_wait(&dr.cv, &dr.mu);
    pthread_mutex_unlock(&dr.mu);
    total = now_ms_f() - t0;
    deliver_destroy(d);
    atomic_store(&sync_delay_ms, 0);
    if (dr.other || dr.delivered != n) {
      fprintf(stderr, "drain failed: %d delivered, %d other events\n",
              dr.delivered, dr.other);
      goto out;
    }
    printf("drain, %zu connection%s %9.0f applications/s (%d in %.0f ms, "
           "fdatasync +%d ms)\n", dc.parallel, dc.parallel > 1 ? "s" : " ",
           n * 1000.0 / total, n, total, delay);
    printf("%-34s %7.3f (%ld for %d)\n", "  fdatasync per delivered app",
           (double)(atomic_load(&syncs) - s0) / n, atomic_load(&syncs) - s0,
           n);
  }

  /* 3. submit round trip alone (fresh envelopes, one connection). */
  if (roundtrip) {
    api_config c = {0};
    api *a = NULL;
    c.base_url = be.url;
    c.ca_file = be.ca;
    c.cert_file = be.dev_cert;
    c.key_file = be.dev_key;
    if (api_create(&c, &a) != KERR_OK)
      goto out;
    for (int i = 0; i < n; i++) {
      outbox_item it;
      double t;
      if (make_one(ob, pk) != KERR_OK ||
          outbox_claim(ob, 2000, &it, NULL) != KERR_OK) {
        api_destroy(a);
        goto out;
      }
      t = now_ms_f();
      if (api_submit(a, it.uuid, it.envelope, it.envelope_len, NULL) !=
          KERR_OK) {
        fprintf(stderr, "submit failed: %s\n", api_last_error(a));
        outbox_item_free(&it);
        api_destroy(a);
        goto out;
      }
      lat[i] = now_ms_f() - t;
      outbox_mark_delivered(ob, it.id, 201, 2000);
      outbox_item_free(&it);
    }
    api_destroy(a);
    report("submit round trip (POST, 201)", lat, n);
  }
  rc = 0;
out:
  outbox_close(ob);
  nh_backend_stop(&be);
  nh_rm_rf(work);
  free(lat);
  return rc;
}
