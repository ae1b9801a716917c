/* tls_stub: a tiny single-threaded HTTPS server for the net tests, with
 * canned good and hostile answers.
 *
 * usage: net_tls_stub --cert F --key F [--ca F] --port-file F --mode-file F
 *
 * Listens on 127.0.0.1 (port chosen by the kernel, written to --port-file).
 * With --ca, a client certificate signed by that CA is required. Before
 * answering each request it reads the first word of --mode-file, so a test
 * switches behaviour without restarting it:
 *   ok          201 for a new uuid, 200 for a known one; status timeline;
 *               204 for heartbeats
 *   garbage     200 with a body that is not JSON
 *   wrongtypes  201 / 200 with fields of the wrong JSON types
 *   deep        200 with 60 000 nested arrays
 *   bigtimeline 200 status with 100 timeline entries
 *   huge        200 announcing and sending 10 MiB
 *   hugechunked 200, chunked, 10 MiB without a length
 *   400 401 404 409 413 429 500 503
 *               that status (429 with "Retry-After: 7")
 *   stall       reads the request, never answers
 *   drip        sends headers, then one body byte every 1.5 seconds
 *   notls       (checked at accept) never starts the TLS handshake
 * After every request it rewrites <port-file>.stats with "connections
 * requests" so a test can check connection reuse. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAX_HEAD (64 * 1024)
#define MAX_BODY (8 * 1024 * 1024)
#define MAX_UUIDS 20000

static char uuids[MAX_UUIDS][37];
static int n_uuids;
static long n_conn, n_req;
static const char *stats_file;

static void write_stats(void) {
  char tmp[600];
  FILE *f;
  snprintf(tmp, sizeof tmp, "%s.tmp", stats_file);
  f = fopen(tmp, "w");
  if (!f)
    return;
  fprintf(f, "%ld %ld\n", n_conn, n_req);
  fclose(f);
  rename(tmp, stats_file);
}

static void read_mode(const char *path, char *mode, size_t cap) {
  FILE *f = fopen(path, "r");
  snprintf(mode, cap, "ok");
  if (f) {
    if (fscanf(f, "%31s", mode) != 1)
      snprintf(mode, cap, "ok");
    fclose(f);
  }
}

/* Waits until the peer closes (or 60 s). */
static void hold(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  char buf[256];
  time_t end = time(NULL) + 60;
  while (time(NULL) < end) {
    int r = poll(&p, 1, 500);
    if (r > 0) {
      ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN))
        return;
    }
  }
}

static int ssl_write_all(SSL *s, const char *p, size_t n) {
  while (n > 0) {
    int w = SSL_write(s, p, (int)(n > 16384 ? 16384 : n));
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int respond(SSL *s, int status, const char *extra, const char *body) {
  char head[512];
  const char *reason = status == 200 ? "OK" : status == 201 ? "Created"
                     : status == 204 ? "No Content" : "Status";
  size_t blen = body ? strlen(body) : 0;
  snprintf(head, sizeof head,
           "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
           "Content-Length: %zu\r\n%s\r\n",
           status, reason, blen, extra ? extra : "");
  if (ssl_write_all(s, head, strlen(head)))
    return -1;
  return blen ? ssl_write_all(s, body, blen) : 0;
}

/* Extracts "key":"value" from a JSON text, naively; value up to cap-1. */
static int find_str(const char *json, const char *key, char *out, size_t cap) {
  char pat[64];
  const char *p, *e;
  snprintf(pat, sizeof pat, "\"%s\":\"", key);
  p = strstr(json, pat);
  if (!p)
    return 0;
  p += strlen(pat);
  e = strchr(p, '"');
  if (!e || (size_t)(e - p) >= cap)
    return 0;
  memcpy(out, p, (size_t)(e - p));
  out[e - p] = '\0';
  return 1;
}

static int answer(SSL *s, int fd, const char *mode, const char *method,
                  const char *path, const char *body) {
  char buf[1024];
  n_req++;
  write_stats();
  if (strcmp(mode, "stall") == 0) {
    hold(fd);
    return -1;
  }
  if (strcmp(mode, "drip") == 0) {
    const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{";
    if (ssl_write_all(s, h, strlen(h)))
      return -1;
    for (int i = 0; i < 99; i++) {
      struct timespec ts = {1, 500000000L};
      nanosleep(&ts, NULL);
      if (ssl_write_all(s, " ", 1))
        return -1; /* client gave up */
    }
    return -1;
  }
  if (strcmp(mode, "huge") == 0 || strcmp(mode, "hugechunked") == 0) {
    int chunked = mode[4] == 'c';
    static char blob[65536];
    memset(blob, 'x', sizeof blob);
    if (chunked)
      snprintf(buf, sizeof buf,
               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    else
      snprintf(buf, sizeof buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n",
               10 * 1024 * 1024);
    if (ssl_write_all(s, buf, strlen(buf)))
      return -1;
    for (int i = 0; i < 160; i++) {
      if (chunked) {
        snprintf(buf, sizeof buf, "%zx\r\n", sizeof blob);
        if (ssl_write_all(s, buf, strlen(buf)))
          return -1;
      }
      if (ssl_write_all(s, blob, sizeof blob))
        return -1;
      if (chunked && ssl_write_all(s, "\r\n", 2))
        return -1;
    }
    if (chunked)
      ssl_write_all(s, "0\r\n\r\n", 5);
    return -1;
  }
  if (strcmp(mode, "garbage") == 0)
    return respond(s, 200, NULL, "{\"uuid\": [[[ <html>garbage");
  if (strcmp(mode, "wrongtypes") == 0)
    return respond(s, 201, NULL,
                   "{\"uuid\":12,\"reference\":[],\"received_at\":true,"
                   "\"timeline\":\"no\",\"items\":{}}");
  if (strcmp(mode, "deep") == 0) {
    static char deep[60002];
    memset(deep, '[', 60000);
    deep[60000] = '\0';
    return respond(s, 200, NULL, deep);
  }
  if (strcmp(mode, "bigtimeline") == 0) {
    static char big[16384];
    size_t o = (size_t)snprintf(big, sizeof big,
                                "{\"reference\":\"JC-3333-3\",\"items\":[],"
                                "\"timeline\":[");
    for (int i = 0; i < 100; i++)
      o += (size_t)snprintf(big + o, sizeof big - o,
                            "%s{\"status\":\"accepted\",\"at\":\"x\","
                            "\"note\":\"\"}", i ? "," : "");
    snprintf(big + o, sizeof big - o, "]}");
    return respond(s, 200, NULL, big);
  }
  if (mode[0] >= '1' && mode[0] <= '5') {
    int st = atoi(mode);
    snprintf(buf, sizeof buf, "{\"error\":\"e%d\",\"message\":\"canned\"}", st);
    return respond(s, st, st == 429 ? "Retry-After: 7\r\n" : NULL, buf);
  }
  /* ok */
  if (strcmp(method, "POST") == 0 && strcmp(path, "/v1/applications") == 0) {
    char uuid[37] = "", ref[32] = "";
    int known = 0;
    find_str(body, "uuid", uuid, sizeof uuid);
    find_str(body, "reference", ref, sizeof ref);
    for (int i = 0; i < n_uuids; i++)
      if (strcmp(uuids[i], uuid) == 0)
        known = 1;
    if (!known && n_uuids < MAX_UUIDS)
      memcpy(uuids[n_uuids++], uuid, sizeof uuid);
    snprintf(buf, sizeof buf,
             "{\"uuid\":\"%s\",\"reference\":\"%s\",\"received_at\":"
             "\"2026-11-22T09:30:01+08:00\",\"status\":\"submitted\"}",
             uuid, ref);
    return respond(s, known ? 200 : 201, NULL, buf);
  }
  if (strcmp(method, "GET") == 0 && strncmp(path, "/v1/status/", 11) == 0) {
    char ref[32];
    const char *q = strchr(path + 11, '?');
    size_t n = q ? (size_t)(q - path - 11) : strlen(path + 11);
    if (n >= sizeof ref || !q || strcmp(q, "?check=123X") != 0)
      return respond(s, 404, NULL, "{\"error\":\"not_found\"}");
    memcpy(ref, path + 11, n);
    ref[n] = '\0';
    snprintf(buf, sizeof buf,
             "{\"reference\":\"%s\",\"items\":[\"dibao\",\"medical\"],"
             "\"timeline\":[{\"status\":\"submitted\",\"at\":"
             "\"2026-11-22T09:30:01+08:00\",\"note\":\"\"},"
             "{\"status\":\"accepted\",\"at\":\"2026-11-23T10:00:00+08:00\","
             "\"note\":\"\xe8\xaf\xb7\xe5\xb8\xa6\xe6\x88\xb7\xe5\x8f\xa3\xe6"
             "\x9c\xac\"},{\"status\":\"moved\",\"at\":\"x\",\"note\":null}],"
             "\"item_states\":[{\"id\":\"dibao\",\"status\":\"refused\","
             "\"label\":\"x\",\"updated_at\":\"2026-11-24T09:00:00+08:00\"},"
             "{\"id\":\"medical\",\"status\":\"reviewing\",\"label\":\"x\","
             "\"updated_at\":\"2026-11-23T10:00:00+08:00\"}]}",
             ref);
    return respond(s, 200, NULL, buf);
  }
  if (strcmp(path, "/v1/devices/heartbeat") == 0)
    return respond(s, 204, NULL, NULL);
  return respond(s, 404, NULL, "{\"error\":\"not_found\"}");
}

/* Serves requests on one TLS connection until it closes. */
static void serve(SSL *s, int fd, const char *mode_file) {
  static char head[MAX_HEAD + 1];
  char *body = NULL;
  size_t have = 0;

  for (;;) {
    char method[16] = "", path[512] = "", mode[32];
    char *end, *cl;
    size_t hlen, blen = 0;
    while (!(head[have] = '\0', end = strstr(head, "\r\n\r\n"))) {
      int r;
      if (have >= MAX_HEAD)
        goto out;
      r = SSL_read(s, head + have, (int)(MAX_HEAD - have));
      if (r <= 0)
        goto out;
      have += (size_t)r;
    }
    hlen = (size_t)(end - head) + 4;
    if (sscanf(head, "%15s %511s", method, path) != 2)
      goto out;
    cl = strcasestr(head, "\r\nContent-Length:");
    if (cl && cl < end)
      blen = strtoul(cl + 17, NULL, 10);
    if (blen > MAX_BODY)
      goto out;
    body = malloc(blen + 1);
    if (!body)
      goto out;
    {
      size_t got = have - hlen < blen ? have - hlen : blen;
      memcpy(body, head + hlen, got);
      while (got < blen) {
        int r = SSL_read(s, body + got, (int)(blen - got));
        if (r <= 0)
          goto out;
        got += (size_t)r;
      }
      body[blen] = '\0';
      /* Keep bytes of a pipelined next request, if any. */
      if (have - hlen > blen) {
        size_t rest = have - hlen - blen;
        memmove(head, head + hlen + blen, rest);
        have = rest;
      } else {
        have = 0;
      }
    }
    read_mode(mode_file, mode, sizeof mode);
    if (answer(s, fd, mode, method, path, body) != 0)
      goto out;
    free(body);
    body = NULL;
  }
out:
  free(body);
}

int main(int argc, char **argv) {
  const char *cert = NULL, *key = NULL, *ca = NULL, *port_file = NULL,
             *mode_file = NULL;
  struct sockaddr_in sa;
  socklen_t sl = sizeof sa;
  SSL_CTX *ctx;
  int lfd, one = 1;

  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--cert")) cert = argv[i + 1];
    else if (!strcmp(argv[i], "--key")) key = argv[i + 1];
    else if (!strcmp(argv[i], "--ca")) ca = argv[i + 1];
    else if (!strcmp(argv[i], "--port-file")) port_file = argv[i + 1];
    else if (!strcmp(argv[i], "--mode-file")) mode_file = argv[i + 1];
  }
  if (!cert || !key || !port_file || !mode_file) {
    fprintf(stderr, "usage: %s --cert F --key F [--ca F] --port-file F "
            "--mode-file F\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  if (ca) {
    if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
      ERR_print_errors_fp(stderr);
      return 1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       NULL);
    /* Needed for session resumption with client certificates. */
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"stub", 4);
  }
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 16) != 0 ||
      getsockname(lfd, (struct sockaddr *)&sa, &sl) != 0) {
    perror("listen");
    return 1;
  }
  {
    char tmp[600];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
    f = fopen(tmp, "w");
    if (!f)
      return 1;
    fprintf(f, "%d\n", ntohs(sa.sin_port));
    fclose(f);
    rename(tmp, port_file);
  }
  {
    static char sf[600];
    snprintf(sf, sizeof sf, "%s.stats", port_file);
    stats_file = sf;
  }
  for (;;) {
    char mode[32];
    struct timeval tv = {10, 0};
    int fd = accept(lfd, NULL, NULL);
    SSL *s;
    if (fd < 0)
      continue;
    n_conn++;
    write_stats();
    read_mode(mode_file, mode, sizeof mode);
    if (strcmp(mode, "notls") == 0) {
      hold(fd);
      close(fd);
      continue;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ERR_clear_error(); /* stale errors of the last connection confuse OpenSSL */
    s = SSL_new(ctx);
    SSL_set_fd(s, fd);
    if (SSL_accept(s) == 1)
      serve(s, fd, mode_file);
    else
      ERR_print_errors_fp(stderr);
    ERR_clear_error();
    SSL_shutdown(s);
    SSL_free(s);
    close(fd);
  }
}
