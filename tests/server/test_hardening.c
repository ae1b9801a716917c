/* The real server under hostile clients.
 *
 * TLS: a client that insists on a CBC suite or on TLS 1.1 is refused, while
 * a normal connection and a TLS 1.2 AEAD connection succeed; with the old
 * priority string the same CBC client got in (a control, so the refusal is
 * the server's doing and not the client library's).
 *
 * Slow clients (slowloris): raw TCP connections from other loopback
 * addresses (127.0.0.x) that send the start of a TLS record one byte a
 * second, fast enough to never hit the idle timeout. First a few alone: the
 * absolute head deadline must close each within head-timeout. Then 200 of
 * them, reconnecting a second after each close, while a device sends a
 * heartbeat every 250 ms with its certificate: at least 80% must succeed
 * within 3 s (typically all do). As a control, the same attack against the server with the
 * protections turned as far off as the settings allow leaves the device
 * almost nothing. Afterwards the server still answers and stops cleanly. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "check.h"
#include "srvtest.h"

#define DEV1 "KIOSK-140500-001"
#define HB                                                                     \
  "{\"device_id\":\"" DEV1 "\",\"content_version\":null,\"outbox_depth\":0,"   \
  "\"quarantined\":0,\"uptime_s\":60,\"last_errors\":[]}"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nap(double s) {
  struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
  nanosleep(&ts, NULL);
}

/* One TLS request with the given options; the HTTP status or 0 if the
 * handshake or the connection failed. */
static long tls_try(srvtest *t, const char *ciphers, long sslversion) {
  srvtest_req rq = {.method = "POST", .path = "/v1/devices/heartbeat",
                    .cert = DEV1, .body = HB,
                    .content_type = "application/json", .ciphers = ciphers,
                    .sslversion = sslversion, .timeout = 10};
  srvtest_resp r;
  long st = srvtest_do(t, &rq, &r) == 0 ? r.status : 0;
  srvtest_resp_free(&r);
  return st;
}

static void test_tls(void) {
  srvtest t;
  const long v12 = CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2;
  const long v11 = CURL_SSLVERSION_TLSv1_1 | CURL_SSLVERSION_MAX_TLSv1_1;
  CHECK(srvtest_start(&t, "tls", NULL) == 0);
  if (t.pid <= 0)
    return;
  CHECK_INT(tls_try(&t, NULL, 0), 204);
  CHECK_INT(tls_try(&t, "ECDHE-ECDSA-AES128-GCM-SHA256", v12), 204);
  CHECK_INT(tls_try(&t, "ECDHE-ECDSA-CHACHA20-POLY1305", v12), 204);
  CHECK_INT(tls_try(&t, "ECDHE-ECDSA-AES128-SHA", v12), 0);    /* CBC */
  CHECK_INT(tls_try(&t, "ECDHE-ECDSA-AES256-SHA", v12), 0);    /* CBC */
  CHECK_INT(tls_try(&t, "ECDHE-ECDSA-AES128-SHA256", v12), 0); /* CBC */
  CHECK_INT(tls_try(&t, "DEFAULT:@SECLEVEL=0", v11), 0);       /* TLS 1.1 */
  CHECK_INT(srvtest_stop(&t), 0);

  /* Control: the priority string the server used to have. */
  const char *old[] = {"--tls-priorities",
                       "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", NULL};
  CHECK(srvtest_start(&t, "tls-old", old) == 0);
  if (t.pid <= 0)
    return;
  CHECK_INT(tls_try(&t, "ECDHE-ECDSA-AES128-SHA", v12), 204);
  CHECK_INT(srvtest_stop(&t), 0);

  /* A bad priority string stops the server before it listens. */
  const char *bad[] = {"--tls-priorities", "NORMAL:+NO-SUCH-THING", NULL};
  CHECK(srvtest_start(&t, "tls-bad", bad) != 0);
}

/* ---- slow clients ---- */

typedef struct slow {
  int fd;
  char src[16];
  double opened;     /* connected at */
  double next_byte;  /* when to send the next byte */
  double reopen;     /* when to connect again (fd < 0) */
  size_t sent;
} slow;

typedef struct slow_stats {
  int opened, closed_by_server;
  double max_life, min_life; /* of connections the server closed */
} slow_stats;

/* A TLS handshake record header announcing 512 bytes, then padding: the
 * server waits for the rest of the ClientHello. */
static unsigned char slow_byte(size_t i) {
  static const unsigned char head[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
  return i < sizeof head ? head[i] : 0;
}

static void slow_open(slow *c, int port, double now, slow_stats *st) {
  struct sockaddr_in src = {.sin_family = AF_INET};
  struct sockaddr_in dst = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, c->src, &src.sin_addr);
  inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (c->fd < 0 || bind(c->fd, (struct sockaddr *)&src, sizeof src) != 0 ||
      connect(c->fd, (struct sockaddr *)&dst, sizeof dst) != 0) {
    if (c->fd >= 0)
      close(c->fd);
    c->fd = -1;
    c->reopen = now + 1;
    return;
  }
  c->opened = now;
  c->next_byte = now;
  c->sent = 0;
  st->opened++;
}

/* Runs n slow clients from `addrs` source addresses (127.0.0.<first>...)
 * for `secs` seconds, one byte per second each, reconnecting a second after
 * a close if `reconnect`. */
static void slow_run(int port, int n, int first, int addrs, double secs,
                     int reconnect, slow_stats *st) {
  slow *c = calloc((size_t)n, sizeof *c);
  struct pollfd *pf = calloc((size_t)n, sizeof *pf);
  double start = now_s();
  memset(st, 0, sizeof *st);
  st->min_life = 1e9;
  for (int i = 0; i < n; i++) {
    snprintf(c[i].src, sizeof c[i].src, "127.0.0.%d", first + i % addrs);
    c[i].fd = -1;
    c[i].reopen = start;
  }
  for (;;) {
    double now = now_s();
    if (now - start >= secs)
      break;
    int open = 0;
    for (int i = 0; i < n; i++) {
      if (c[i].fd < 0 && (reconnect || st->opened < n) && now >= c[i].reopen)
        slow_open(&c[i], port, now, st);
      if (c[i].fd >= 0 && now >= c[i].next_byte) {
        unsigned char b = slow_byte(c[i].sent);
        if (send(c[i].fd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
          c[i].sent++;
        c[i].next_byte = now + 1.0;
      }
      pf[i].fd = c[i].fd;
      pf[i].events = POLLIN;
      pf[i].revents = 0;
      open += c[i].fd >= 0;
    }
    if (!reconnect && open == 0 && st->opened >= n)
      break;
    poll(pf, (nfds_t)n, 100);
    now = now_s();
    for (int i = 0; i < n; i++) {
      if (c[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      char buf[256];
      ssize_t got = recv(c[i].fd, buf, sizeof buf, MSG_DONTWAIT);
      if (got > 0 || (got < 0 && errno == EAGAIN))
        continue; /* an alert or nothing: wait for the close */
      double life = now - c[i].opened;
      st->closed_by_server++;
      if (life > st->max_life)
        st->max_life = life;
      if (life < st->min_life)
        st->min_life = life;
      close(c[i].fd);
      c[i].fd = -1;
      c[i].reopen = now + 1;
    }
  }
  for (int i = 0; i < n; i++)
    if (c[i].fd >= 0) {
      double life = now_s() - c[i].opened;
      if (life > st->max_life)
        st->max_life = life;
      close(c[i].fd);
    }
  free(pf);
  free(c);
}

typedef struct legit {
  srvtest *t;
  volatile int stop;
  int tries, ok;
  double worst;
} legit;

static void *legit_main(void *arg) {
  legit *l = arg;
  nap(1.0); /* let the slow clients take their places first */
  while (!l->stop) {
    double t0 = now_s();
    srvtest_req rq = {.method = "POST", .path = "/v1/devices/heartbeat",
                      .cert = DEV1, .body = HB,
                      .content_type = "application/json", .timeout = 3};
    srvtest_resp r;
    int rc = srvtest_do(l->t, &rq, &r);
    int got = rc == 0 && r.status == 204;
    if (rc == 0)
      srvtest_resp_free(&r);
    double dt = now_s() - t0;
    l->tries++;
    if (got && dt < 3.0) {
      l->ok++;
      if (dt > l->worst)
        l->worst = dt;
    }
    nap(0.25);
  }
  return NULL;
}

/* The slowloris attack on t for secs seconds with a device alongside. */
static void attack(srvtest *t, double secs, legit *l, slow_stats *st) {
  pthread_t th;
  memset(l, 0, sizeof *l);
  l->t = t;
  pthread_create(&th, NULL, legit_main, l);
  slow_run(t->port, 200, 10, 8, secs, 1, st);
  l->stop = 1;
  pthread_join(th, NULL);
  printf("attack: %d slow connections opened, %d closed by the server "
         "(longest %.1f s); device: %d of %d heartbeats within 3 s "
         "(slowest %.2f s)\n",
         st->opened, st->closed_by_server, st->max_life, l->ok, l->tries,
         l->worst);
}

static void test_slowloris(void) {
  srvtest t;
  slow_stats st;
  legit l;
  /* Small limits so that 200 slow clients are more than the server holds. */
  const char *small[] = {"--threads", "4", "--max-connections", "100",
                         "--max-per-ip", "16", "--max-pending", "32",
                         "--idle-timeout", "10", "--head-timeout", "3", NULL};
  CHECK(srvtest_start(&t, "slow", small) == 0);
  if (t.pid <= 0)
    return;

  /* A few trickling clients alone: closed at the head deadline, although
   * each sends a byte every second (the idle timeout is 10 s). */
  slow_run(t.port, 10, 9, 1, 8, 0, &st);
  printf("deadline: %d opened, %d closed after %.1f to %.1f s\n", st.opened,
         st.closed_by_server, st.min_life, st.max_life);
  CHECK_INT(st.opened, 10);
  CHECK_INT(st.closed_by_server, 10);
  CHECK(st.min_life >= 2.5 && st.max_life <= 4.5);

  attack(&t, 10, &l, &st);
  CHECK(st.opened >= 200);
  CHECK(st.closed_by_server >= 100);
  CHECK(st.max_life <= 4.5); /* nobody outlives the head deadline */
  CHECK(l.tries >= 10);
  CHECK(l.ok * 10 >= l.tries * 8); /* at least 80% within 3 s */

  /* Still fine afterwards. */
  CHECK_INT(tls_try(&t, NULL, 0), 204);
  CHECK_INT(srvtest_stop(&t), 0);

  /* Control: the same attack with the protections as far off as the
   * settings go (what the server did before it had them) starves the
   * device. */
  const char *off[] = {"--threads", "4", "--max-connections", "100",
                       "--max-per-ip", "60000", "--max-pending", "60000",
                       "--idle-timeout", "10", "--head-timeout", "3600",
                       NULL};
  CHECK(srvtest_start(&t, "slow-off", off) == 0);
  if (t.pid <= 0)
    return;
  attack(&t, 8, &l, &st);
  CHECK(l.ok * 2 <= l.tries); /* at most half get through */
  CHECK_INT(srvtest_stop(&t), 0);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  test_tls();
  test_slowloris();
  curl_global_cleanup();
  return TEST_DONE();
}
