/* srv: daemon lifecycle, routing, request bodies, client certificates.
 *
 * Request flow (libmicrohttpd calls on_request several times per request):
 *  1. first call: route the path; for /v1/ check the client certificate
 *     (401), then method (405), content type (415) and declared length (413)
 *     so a bad request is refused before its body is read;
 *  2. body chunks: appended up to the route's limit, the rest discarded;
 *  3. last call: the route's handler runs with the whole body.
 * The client certificate is verified once per TLS connection and the answer
 * kept in the connection's socket context. */
#include "srv_private.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>

#include "intake.h"
#include "keys.h"
#include "kiosk/core/log.h"

void srv_config_defaults(srv_config *c) {
  memset(c, 0, sizeof *c);
  c->bind = "127.0.0.1";
  c->port = 8443;
  c->threads = 8;
  c->status_rate = 0.5;
  c->status_burst = 30;
  c->fail_rate = 1.0 / 60;
  c->fail_burst = 5;
  c->login_max_failures = 5;
  c->login_delay_s = 2;
  c->login_lock_s = 900;
  c->device_offline_s = 15 * 60;
  c->session_s = 8 * 3600;
  c->tls_priorities = SRV_TLS_PRIORITIES;
  c->max_connections = 512;
  c->max_per_ip = 16;
  c->max_pending = 64;
  c->idle_timeout_s = 15;
  c->head_timeout_s = 10;
}

int64_t srv_now(const srv *s) {
  return s->cfg.now ? s->cfg.now(s->cfg.now_ud) : (int64_t)time(NULL);
}

void srv_time_text(int64_t t, char out[SRV_TIME_BUF]) {
  time_t tt = (time_t)t;
  struct tm tm;
  char z[8];
  /* The system time zone (TZ), as the kiosk's seal_time_format() does, so a
   * receipt, the console and a progress timeline show the same clock. */
  if (!localtime_r(&tt, &tm) ||
      strftime(out, SRV_TIME_BUF, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
      strftime(z, sizeof z, "%z", &tm) != 5) {
    snprintf(out, SRV_TIME_BUF, "1970-01-01T00:00:00+00:00");
    return;
  }
  /* "+0800" -> "+08:00" (RFC 3339 wants the colon). */
  snprintf(out + 19, SRV_TIME_BUF - 19, "%c%c%c:%c%c", z[0], z[1], z[2], z[3],
           z[4]);
}

int srv_day_range(const char *date, int64_t *from, int64_t *to) {
  struct tm tm;
  int y, mo, d;
  if (strlen(date) != 10 || date[4] != '-' || date[7] != '-')
    return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
      return 0;
  y = atoi(date);
  mo = atoi(date + 5);
  d = atoi(date + 8);
  if (mo < 1 || mo > 12 || d < 1 || d > 31)
    return 0;
  /* mktime() in the system time zone; the next midnight is asked for
   * separately because a day is not always 86400 s where DST applies. */
  for (int k = 0; k < 2; k++) {
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d + k;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
      return 0;
    /* mktime() normalises 2026-02-30 to March 2: such a day does not
     * exist. */
    if (k == 0 && (tm.tm_mday != d || tm.tm_mon != mo - 1))
      return 0;
    *(k ? to : from) = (int64_t)t;
  }
  return 1;
}

/* ---- replies ---- */

enum MHD_Result srv_reply(srv_req *r, unsigned status, const char *ctype,
                          const void *data, size_t n,
                          const char *const *headers) {
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      n, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);
  if (!resp)
    return MHD_NO;
  if (ctype)
    MHD_add_response_header(resp, "Content-Type", ctype);
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(resp, "Strict-Transport-Security",
                          "max-age=31536000");
  int has_cache = 0;
  for (const char *const *h = headers; h && h[0]; h += 2) {
    MHD_add_response_header(resp, h[0], h[1]);
    if (strcasecmp(h[0], "Cache-Control") == 0)
      has_cache = 1;
  }
  if (!has_cache)
    MHD_add_response_header(resp, "Cache-Control", "no-store");
  enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
  MHD_destroy_response(resp);
  r->replied = 1;
  return ret;
}

enum MHD_Result srv_reply_json(srv_req *r, unsigned status, cJSON *j,
                               const char *const *headers) {
  char *txt = j ? cJSON_PrintUnformatted(j) : NULL;
  cJSON_Delete(j);
  if (!txt)
    return srv_reply(r, 500, "application/json; charset=utf-8",
                     "{\"error\":\"internal\",\"message\":\"out of memory\"}",
                     47, NULL);
  enum MHD_Result ret = srv_reply(r, status, "application/json; charset=utf-8",
                                  txt, strlen(txt), headers);
  free(txt);
  return ret;
}

enum MHD_Result srv_reply_error(srv_req *r, unsigned status, const char *code,
                                const char *message) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "error", code);
  cJSON_AddStringToObject(j, "message", message);
  return srv_reply_json(r, status, j, NULL);
}

const char *srv_header(srv_req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *srv_query(srv_req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* ---- client certificates ---- */

static void peer_check(struct MHD_Connection *c, srv_peer *p) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
  gnutls_x509_crt_t crt = NULL;
  unsigned status = 0, n = 0;
  p->checked = 1;
  p->ok = 0;
  if (!ci || !ci->tls_session)
    return;
  gnutls_session_t sess = (gnutls_session_t)ci->tls_session;
  gnutls_typed_vdata_st purpose = {
    .type = GNUTLS_DT_KEY_PURPOSE_OID,
    .data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT,
  };
  if (gnutls_certificate_verify_peers(sess, &purpose, 1, &status) < 0 ||
      status != 0)
    return;
  const gnutls_datum_t *certs = gnutls_certificate_get_peers(sess, &n);
  if (!certs || n == 0)
    return;
  if (gnutls_x509_crt_init(&crt) < 0)
    return;
  size_t cn_len = sizeof p->cn;
  if (gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) >= 0 &&
      gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
                                    p->cn, &cn_len) >= 0 &&
      cn_len > 0 && cn_len < sizeof p->cn && strlen(p->cn) == cn_len)
    p->ok = 1;
  else
    p->cn[0] = '\0';
  /* The administrator's role is an OU of the subject (any of them). */
  for (unsigned i = 0; p->ok && !p->admin && i < 8; i++) {
    char ou[65];
    size_t ou_len = sizeof ou;
    if (gnutls_x509_crt_get_dn_by_oid(
            crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, i, 0, ou,
            &ou_len) < 0)
      break;
    p->admin = ou_len == strlen(SRV_ADMIN_OU) && strcmp(ou, SRV_ADMIN_OU) == 0;
  }
  gnutls_x509_crt_deinit(crt);
}

/* ---- connection deadlines ----
 *
 * libmicrohttpd's connection timeout is an idle timeout: a client that sends
 * one byte every few seconds keeps a connection forever, and enough of them
 * fill every slot (slowloris). So every connection is also on a list here,
 * with an absolute deadline:
 *  - from accept, the TLS handshake and the first request head must be
 *    complete within head_timeout_s;
 *  - a request without a verified device certificate must also have its
 *    body within that time (console bodies are small); a device's upload
 *    is bounded by the idle timeout only;
 *  - after a response, the next request head must be complete within
 *    idle_timeout_s + head_timeout_s.
 * A watchdog thread shuts down (shutdown(2), never close(2): the socket
 * stays libmicrohttpd's) the connections past their deadline; libmicrohttpd
 * then sees the end of the stream and closes them itself. At most
 * max_pending connections may be before their first request head (that is,
 * in the TLS handshake, which has no client identity yet); a new one beyond
 * that pushes out the oldest, so a legitimate client that completes its
 * handshake in milliseconds always gets through, while held-open
 * handshakes cannot queue everyone else out. */

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Shuts the connection's socket down if it is still the socket we recorded
 * (the peer address must match, so a descriptor already reused by another
 * connection is never touched). Caller holds conn_lock. */
static void conn_cut(srv *s, srv_peer *p) {
  struct sockaddr_storage now;
  socklen_t n = sizeof now;
  if (p->pending) {
    p->pending = 0;
    s->n_pending--;
  }
  p->deadline_ms = 0;
  p->cut = 1;
  if (p->fd < 0 || getpeername(p->fd, (struct sockaddr *)&now, &n) != 0 ||
      n != p->sa_len || memcmp(&now, &p->sa, n) != 0)
    return;
  shutdown(p->fd, SHUT_RDWR);
  s->n_cut++;
}

static void conn_unlink(srv *s, srv_peer *p) {
  if (p->prev)
    p->prev->next = p->next;
  else if (s->conn_head == p)
    s->conn_head = p->next;
  if (p->next)
    p->next->prev = p->prev;
  else if (s->conn_tail == p)
    s->conn_tail = p->prev;
  p->prev = p->next = NULL;
  if (p->pending) {
    p->pending = 0;
    s->n_pending--;
  }
}

static void *watchdog_main(void *arg) {
  srv *s = arg;
  int64_t last_log = mono_ms();
  pthread_mutex_lock(&s->conn_lock);
  while (!s->stopping) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 250 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&s->watchdog_cond, &s->conn_lock, &ts);
    int64_t now = mono_ms();
    for (srv_peer *p = s->conn_head; p; p = p->next)
      if (p->deadline_ms && now >= p->deadline_ms)
        conn_cut(s, p);
    if (s->n_cut && now - last_log >= 60000) {
      LOG_W("srv", "closed %lu slow or excess connections in the last minute",
            s->n_cut);
      s->n_cut = 0;
      last_log = now;
    }
  }
  pthread_mutex_unlock(&s->conn_lock);
  return NULL;
}

/* Same client address (not port). */
static int same_host(const srv_peer *a, const srv_peer *b) {
  if (a->sa.ss_family != b->sa.ss_family)
    return 0;
  if (a->sa.ss_family == AF_INET)
    return memcmp(&((const struct sockaddr_in *)&a->sa)->sin_addr,
                  &((const struct sockaddr_in *)&b->sa)->sin_addr,
                  sizeof(struct in_addr)) == 0;
  if (a->sa.ss_family == AF_INET6)
    return memcmp(&((const struct sockaddr_in6 *)&a->sa)->sin6_addr,
                  &((const struct sockaddr_in6 *)&b->sa)->sin6_addr,
                  sizeof(struct in6_addr)) == 0;
  return 0;
}

/* Too many pending connections: cuts the oldest pending one of the client
 * address with the most pending connections (the newcomer p counts too),
 * so one kiosk's handshake is not pushed out by a crowd of slow clients
 * from elsewhere. At most max_pending entries are looked at, twice. Caller
 * holds conn_lock. */
static void conn_evict(srv *s, const srv_peer *p) {
  srv_peer *victim = NULL;
  int most = 0;
  for (srv_peer *q = s->conn_head; q; q = q->next) {
    if (!q->pending)
      continue;
    int n = same_host(q, p);
    for (srv_peer *o = s->conn_head; o; o = o->next)
      n += o->pending && same_host(o, q);
    if (n > most) {
      most = n;
      victim = q;
    }
  }
  if (victim)
    conn_cut(s, victim);
}

static void on_connection(void *cls, struct MHD_Connection *c,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
  srv *s = cls;
  srv_peer *p = *socket_context;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    p = calloc(1, sizeof *p);
    *socket_context = p;
    if (!p)
      return;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    p->fd = ci ? ci->connect_fd : -1;
    p->sa_len = sizeof p->sa;
    if (p->fd < 0 ||
        getpeername(p->fd, (struct sockaddr *)&p->sa, &p->sa_len) != 0)
      p->fd = -1;
    pthread_mutex_lock(&s->conn_lock);
    if (s->n_pending >= s->cfg.max_pending)
      conn_evict(s, p);
    p->pending = 1;
    s->n_pending++;
    p->deadline_ms = mono_ms() + (int64_t)s->cfg.head_timeout_s * 1000;
    p->prev = s->conn_tail;
    if (s->conn_tail)
      s->conn_tail->next = p;
    else
      s->conn_head = p;
    s->conn_tail = p;
    pthread_mutex_unlock(&s->conn_lock);
  } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
    if (p) {
      pthread_mutex_lock(&s->conn_lock);
      conn_unlink(s, p);
      pthread_mutex_unlock(&s->conn_lock);
    }
    free(p);
    *socket_context = NULL;
  }
}

static srv_peer *conn_peer(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return ci ? ci->socket_context : NULL;
}

/* The request head is complete (first call of on_request): the connection
 * is no longer pending. Its deadline stays until the body is in, or is
 * lifted when the client turns out to be a verified device. */
static void conn_head_done(srv *s, srv_peer *p) {
  if (!p)
    return;
  pthread_mutex_lock(&s->conn_lock);
  if (p->pending) {
    p->pending = 0;
    s->n_pending--;
  }
  pthread_mutex_unlock(&s->conn_lock);
}

/* deadline_ms = 0 (the whole request is in) or now + ms. */
static void conn_deadline(srv *s, srv_peer *p, int64_t ms) {
  if (!p)
    return;
  pthread_mutex_lock(&s->conn_lock);
  if (!p->cut)
    p->deadline_ms = ms ? mono_ms() + ms : 0;
  pthread_mutex_unlock(&s->conn_lock);
}

/* ---- routing ---- */

enum { EXACT, PARAM, PARAM_SUFFIX, PARAM_ANY };

typedef struct route {
  const char *method;
  const char *prefix;
  int kind;
  const char *suffix;
  srv_handler handler;
  int json;   /* body must be application/json */
  size_t max; /* body limit */
  int admin;  /* only for an administrator's certificate (403 otherwise) */
} route;

/* An application's body holds its sealed box as base64, with room for the
 * envelope's other fields. */
_Static_assert(SRV_BODY_APP >= (INTAKE_SEALED_MAX + 2) / 3 * 4 + 64 * 1024,
               "SRV_BODY_APP must hold the largest sealed application");

static const route ROUTES[] = {
  {"POST", "/v1/applications", EXACT, NULL, api_app_submit, 1, SRV_BODY_APP,
   0},
  {"GET", "/v1/status/", PARAM, NULL, api_status, 0, 0, 0},
  {"GET", "/cx", EXACT, NULL, public_status, 0, 0, 0}, /* public_status.c */
  {"GET", "/v1/content/files/", PARAM, NULL, api_file, 0, 0, 0},
  {"GET", "/v1/content/", PARAM_SUFFIX, "/manifest", api_manifest, 0, 0, 0},
  {"POST", "/v1/content", EXACT, NULL, api_publish, 1, SRV_BODY_CONTENT, 1},
  {"GET", "/v1/content", EXACT, NULL, api_published, 0, 0, 1},
  {"POST", "/v1/devices/heartbeat", EXACT, NULL, api_heartbeat, 1,
   SRV_BODY_SMALL, 0},
  {"GET", "/console/", PARAM_ANY, NULL, console_static, 0, 0, 0},
  {"POST", "/api/console/login", EXACT, NULL, console_login, 1,
   SRV_BODY_SMALL, 0},
  {"POST", "/api/console/logout", EXACT, NULL, console_logout, 0,
   SRV_BODY_SMALL, 0},
  {"GET", "/api/console/me", EXACT, NULL, console_me, 0, 0, 0},
  {"GET", "/api/console/applications", EXACT, NULL, console_apps, 0, 0, 0},
  {"GET", "/api/console/applications.csv", EXACT, NULL, console_apps_csv, 0,
   0, 0},
  {"GET", "/api/console/applications.xlsx", EXACT, NULL, console_apps_xlsx,
   0, 0, 0},
  {"GET", "/api/console/applications/", PARAM, NULL, console_app, 0, 0, 0},
  {"POST", "/api/console/applications/", PARAM_SUFFIX, "/status",
   console_app_status, 1, SRV_BODY_SMALL, 0},
  {"GET", "/api/console/applications/", PARAM_SUFFIX, "/page", console_app_page,
   0, 0, 0},
  {"GET", "/api/console/devices", EXACT, NULL, console_devices, 0, 0, 0},
  {"GET", "/api/console/queue", EXACT, NULL, console_queue, 0, 0, 0},
  {"GET", "/api/console/audit", EXACT, NULL, console_audit, 0, 0, 0},
  {"GET", "/api/console/staff", EXACT, NULL, console_staff, 0, 0, 0},
  {"POST", "/api/console/staff", EXACT, NULL, console_staff_create, 1,
   SRV_BODY_SMALL, 0},
  {"POST", "/api/console/staff/", PARAM_SUFFIX, "/disabled",
   console_staff_disabled, 1, SRV_BODY_SMALL, 0},
  {"GET", "/api/console/departments", EXACT, NULL, console_departments, 0, 0,
   0},
};

/* Matches path against rt; on a match with a parameter, cuts it out of
 * path in place (NUL at its end) and sets *param. */
static int route_match(const route *rt, char *path, const char **param) {
  size_t pl = strlen(rt->prefix);
  *param = NULL;
  if (rt->kind == EXACT)
    return strcmp(path, rt->prefix) == 0;
  if (strncmp(path, rt->prefix, pl) != 0)
    return 0;
  char *p = path + pl;
  if (rt->kind == PARAM_ANY) {
    *param = p;
    return 1;
  }
  size_t n = strcspn(p, "/");
  if (n == 0)
    return 0;
  if (rt->kind == PARAM) {
    if (p[n] != '\0')
      return 0;
  } else if (strcmp(p + n, rt->suffix) != 0) {
    return 0;
  }
  *param = p;
  return 1;
}

/* The route for r's path and method. When only the path matches, returns
 * one of its routes with *method_ok = 0 and allow (cap >= 16) naming every
 * method the path takes ("GET, POST"). NULL for an unknown path. */
static const route *route_find(srv_req *r, int *method_ok, char *allow,
                               size_t cap) {
  char tmp[sizeof r->path];
  const route *path_hit = NULL;
  *method_ok = 0;
  allow[0] = '\0';
  for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
    const char *param;
    memcpy(tmp, r->path, sizeof tmp);
    if (!route_match(&ROUTES[i], tmp, &param))
      continue;
    if (strcmp(ROUTES[i].method, r->method) == 0) {
      route_match(&ROUTES[i], r->path, &r->param);
      if (r->param && ROUTES[i].kind == PARAM_SUFFIX)
        r->path[(size_t)(r->param - r->path) + strcspn(r->param, "/")] = '\0';
      *method_ok = 1;
      return &ROUTES[i];
    }
    if (!path_hit)
      path_hit = &ROUTES[i];
    if (!strstr(allow, ROUTES[i].method))
      snprintf(allow + strlen(allow), cap - strlen(allow), "%s%s",
               allow[0] ? ", " : "", ROUTES[i].method);
  }
  return path_hit;
}

static int content_type_json(const char *ct) {
  if (!ct)
    return 0;
  size_t n = strcspn(ct, ";");
  while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
    n--;
  return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

static void client_addr(struct MHD_Connection *c, char *out, size_t cap) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(out, cap, "?");
  if (!ci || !ci->client_addr)
    return;
  if (ci->client_addr->sa_family == AF_INET) {
    const struct sockaddr_in *a = (const void *)ci->client_addr;
    inet_ntop(AF_INET, &a->sin_addr, out, (socklen_t)cap);
  } else if (ci->client_addr->sa_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const void *)ci->client_addr;
    inet_ntop(AF_INET6, &a->sin6_addr, out, (socklen_t)cap);
  }
}

/* First call of a request: everything that can be refused before the body
 * is read. Returns with r->replied set if it answered. */
static enum MHD_Result request_begin(srv_req *r, const char *url) {
  srv_peer *p = conn_peer(r->conn);
  conn_head_done(r->s, p);
  size_t ul = strcspn(url, "?");
  if (ul >= sizeof r->path)
    return srv_reply_error(r, 414, "uri_too_long", "request path too long");
  memcpy(r->path, url, ul);
  r->path[ul] = '\0';
  client_addr(r->conn, r->addr, sizeof r->addr);
  if (strcmp(r->path, "/") == 0 || strcmp(r->path, "/console") == 0) {
    static const char *const loc[] = {"Location", "/console/", NULL};
    return srv_reply(r, 302, "text/plain; charset=utf-8", "", 0, loc);
  }
  if (strncmp(r->path, "/v1/", 4) == 0) {
    if (p && !p->checked)
      peer_check(r->conn, p);
    if (p && p->ok)
      conn_deadline(r->s, p, 0);
    if (!p || !p->ok)
      return srv_reply_error(r, 401, "unauthorized",
                             "a client certificate issued by the deployment "
                             "CA is required");
    r->peer = p;
  }
  int method_ok;
  char methods[16];
  const route *rt = route_find(r, &method_ok, methods, sizeof methods);
  if (!rt)
    return srv_reply_error(r, 404, "not_found", "no such resource");
  if (!method_ok) {
    const char *const allow[] = {"Allow", methods, NULL};
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "error", "method_not_allowed");
    cJSON_AddStringToObject(j, "message", "method not allowed here");
    return srv_reply_json(r, 405, j, allow);
  }
  if (rt->admin && (!r->peer || !r->peer->admin)) {
    /* Refused before a (possibly 64 MiB) body is read. Said in Chinese:
     * kioskctl's user is a county administrator. */
    LOG_W("srv", "%s %s refused: %s has no administrator certificate",
          r->method, r->path, r->peer ? r->peer->cn : "?");
    return srv_reply_error(r, 403, "not_administrator",
                           "发布和查看已发布的内容要用管理员证书。这次连接用的"
                           "不是管理员证书（可能是自助机的证书），后台不接受。"
                           "请用后台维护人员发给你的管理员证书和私钥。");
  }
  r->handler = rt->handler;
  buf_init(&r->in, rt->max ? rt->max : SRV_BODY_SMALL);
  if (rt->json && !content_type_json(srv_header(r, "Content-Type")))
    return srv_reply_error(r, 415, "unsupported_media_type",
                           "Content-Type must be application/json");
  const char *cl = srv_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (cl) {
    char *end = NULL;
    unsigned long long v = strtoull(cl, &end, 10);
    if (end == cl || *end != '\0' || v > r->in.max)
      return srv_reply_error(r, 413, "payload_too_large",
                             "request body too large");
  }
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  srv *s = cls;
  srv_req *r = *con_cls;
  (void)version;
  if (!r) {
    r = calloc(1, sizeof *r);
    if (!r)
      return MHD_NO;
    *con_cls = r;
    r->s = s;
    r->conn = c;
    r->method = method;
    return request_begin(r, url);
  }
  if (r->replied) {
    *upload_size = 0;
    return MHD_YES;
  }
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    kerr err = r->too_big ? KERR_LIMIT : buf_add(&r->in, upload, n);
    if (err == KERR_LIMIT) {
      r->too_big = 1;
      return MHD_YES;
    }
    return err ? MHD_NO : MHD_YES;
  }
  if (r->too_big)
    return srv_reply_error(r, 413, "payload_too_large",
                           "request body too large");
  r->body = buf_ptr(&r->in);
  r->len = buf_len(&r->in);
  conn_deadline(s, conn_peer(c), 0); /* the whole request is in */
  return r->handler(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  srv *s = cls;
  srv_req *r = *con_cls;
  (void)toe;
  /* The next request head on this keep-alive connection: the idle time
   * allowed before it plus the time for the head itself. */
  conn_deadline(s, conn_peer(c),
                ((int64_t)s->cfg.idle_timeout_s + s->cfg.head_timeout_s) *
                    1000);
  if (!r)
    return;
  buf_free(&r->in);
  free(r);
  *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
  char line[256];
  (void)cls;
  vsnprintf(line, sizeof line, fmt, ap);
  line[strcspn(line, "\n")] = '\0';
  LOG_D("mhd", "%s", line);
}

/* ---- lifecycle ---- */

static kerr load_pem(const char *dir, const char *name, char **out) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
    return KERR_LIMIT;
  kerr err = keys_read_file(path, 1024 * 1024, out, NULL);
  if (err)
    LOG_E("srv", "cannot read %s: %s", name, kerr_str(err));
  return err;
}

static kerr load_raw(const char *dir, const char *name, unsigned char *out,
                     size_t len) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
    return KERR_LIMIT;
  kerr err = keys_read_b64(path, out, len);
  if (err)
    LOG_E("srv", "cannot read %s: %s", name, kerr_str(err));
  return err;
}

/* ---- administrator keys ---- */

static int same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
         a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
         a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
         a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
         a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Reads admin.pub completely into a scratch list and only then swaps it in.
 * Caller holds admin_lock. why is for the log ("read on SIGHUP"). */
static kerr admin_load(srv *s, const char *why) {
  char path[4096];
  unsigned char keys[SRV_ADMIN_KEYS_MAX][32];
  struct stat st;
  size_t n = 0;
  if (snprintf(path, sizeof path, "%s/admin.pub", s->cfg.pki_dir) >=
      (int)sizeof path)
    return KERR_LIMIT;
  memset(&st, 0, sizeof st);
  kerr err = keys_read_b64_list(path, &keys[0][0], 32, SRV_ADMIN_KEYS_MAX, &n,
                                &st);
  if (err) {
    /* Remembered, so the same bad file is not re-read on every publish;
     * its next change (e.g. the rest of it being written) is. */
    if (st.st_ino || stat(path, &st) == 0)
      s->admin_file = st;
    if (s->n_admin)
      LOG_W("srv", "admin.pub, %s, cannot be used: %s; keeping the %zu "
                   "administrator key(s) loaded before", why, kerr_str(err),
            s->n_admin);
    else
      LOG_E("srv", "cannot read admin.pub: %s (one base64 Ed25519 public "
                   "key per line, at most %d)", kerr_str(err),
            SRV_ADMIN_KEYS_MAX);
    return err;
  }
  int first = s->n_admin == 0;
  memcpy(s->admin_pk, keys, sizeof keys);
  s->n_admin = n;
  s->admin_file = st;
  /* Key ids for the log: the first 8 base64 characters of each key. */
  char ids[SRV_ADMIN_KEYS_MAX * 10 + 1] = "", b64[45];
  for (size_t i = 0; i < n; i++) {
    sodium_bin2base64(b64, sizeof b64, keys[i], 32,
                      sodium_base64_VARIANT_ORIGINAL);
    snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%.8s",
             i ? " " : "", b64);
  }
  if (first)
    LOG_I("srv", "administrator keys from admin.pub: %zu (%s)", n, ids);
  else
    LOG_I("srv", "administrator keys reloaded (%s): %zu (%s)", why, n, ids);
  return KERR_OK;
}

size_t srv_admin_keys(srv *s, unsigned char (*keys)[32]) {
  char path[4096];
  struct stat st;
  pthread_mutex_lock(&s->admin_lock);
  snprintf(path, sizeof path, "%s/admin.pub", s->cfg.pki_dir);
  if (stat(path, &st) != 0 || !same_file(&st, &s->admin_file))
    admin_load(s, "read after it changed");
  size_t n = s->n_admin;
  memcpy(keys, s->admin_pk, n * sizeof keys[0]);
  pthread_mutex_unlock(&s->admin_lock);
  return n;
}

kerr srv_reload_admin(srv *s) {
  pthread_mutex_lock(&s->admin_lock);
  kerr err = admin_load(s, "read on SIGHUP");
  pthread_mutex_unlock(&s->admin_lock);
  return err;
}

kerr srv_create(const srv_config *c, srv **out) {
  kerr err = KERR_OK;
  srv *s = calloc(1, sizeof *s);
  if (!s)
    return KERR_NOMEM;
  s->cfg = *c;
  pthread_mutex_init(&s->conn_lock, NULL);
  pthread_mutex_init(&s->admin_lock, NULL);
  pthread_cond_init(&s->watchdog_cond, NULL);
  if (!s->cfg.bind)
    s->cfg.bind = "127.0.0.1";
  if (!s->cfg.tls_priorities)
    s->cfg.tls_priorities = SRV_TLS_PRIORITIES;
  if (s->cfg.max_connections < 8)
    s->cfg.max_connections = 8;
  if (s->cfg.max_per_ip < 1)
    s->cfg.max_per_ip = 1;
  if (s->cfg.max_pending < 1)
    s->cfg.max_pending = 1;
  if (s->cfg.idle_timeout_s < 1)
    s->cfg.idle_timeout_s = 1;
  if (s->cfg.head_timeout_s < 1)
    s->cfg.head_timeout_s = 1;
  if (s->cfg.login_delay_s < 1)
    s->cfg.login_delay_s = 1;
  if (s->cfg.threads < 1)
    s->cfg.threads = 1;
  if (s->cfg.threads > 16)
    s->cfg.threads = 16;
  if (sodium_init() < 0) {
    err = KERR_CRYPTO;
    goto out;
  }
  if (!c->pki_dir || !c->db_path) {
    err = KERR_INVALID;
    goto out;
  }
  if ((err = load_pem(c->pki_dir, "ca.crt", &s->ca_pem)) ||
      (err = load_pem(c->pki_dir, "server.crt", &s->cert_pem)) ||
      (err = load_pem(c->pki_dir, "server.key", &s->key_pem)) ||
      (err = load_raw(c->pki_dir, "seal.key", s->seal_sk, 32)) ||
      (err = admin_load(s, "start")))
    goto out;
  crypto_scalarmult_base(s->seal_pk, s->seal_sk);
  if ((err = ratelimit_create(c->status_rate, c->status_burst, 8192,
                              &s->rl_status)) ||
      (err = ratelimit_create(c->fail_rate, c->fail_burst, 8192,
                              &s->rl_fail)) ||
      (err = ratelimit_create(0.2, 10, 4096, &s->rl_login)) ||
      (err = ratelimit_backoff_create(
           s->cfg.login_max_failures, s->cfg.login_delay_s,
           s->cfg.login_lock_s, 8192, &s->login_backoff)))
    goto out;
  {
    /* Unknown staff ids are checked against this, at the same cost as a
     * real account's hash (the same limits as `adduser`). */
    char pw[33];
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
    if (crypto_pwhash_str(s->dummy_pwhash, pw, strlen(pw),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      err = KERR_NOMEM;
      goto out;
    }
  }
  {
    char msg[300];
    if ((err = dept_table_load(c->departments_path, &s->depts, msg,
                               sizeof msg)) ||
        (err = workcal_load(c->calendar_path, &s->cal, msg, sizeof msg))) {
      LOG_E("srv", "%s", msg);
      goto out;
    }
  }
  if ((err = store_open(c->db_path, s->cfg.threads, &s->st)) ||
      (err = api_check_setup(s)))
    goto out;

  struct sockaddr_in a4;
  struct sockaddr_in6 a6;
  struct sockaddr *sa;
  unsigned flags = MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD |
                   MHD_USE_AUTO | MHD_USE_ERROR_LOG;
  memset(&a4, 0, sizeof a4);
  memset(&a6, 0, sizeof a6);
  if (inet_pton(AF_INET, s->cfg.bind, &a4.sin_addr) == 1) {
    a4.sin_family = AF_INET;
    a4.sin_port = htons((uint16_t)c->port);
    sa = (struct sockaddr *)&a4;
  } else if (inet_pton(AF_INET6, s->cfg.bind, &a6.sin6_addr) == 1) {
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((uint16_t)c->port);
    sa = (struct sockaddr *)&a6;
    flags |= MHD_USE_IPv6;
  } else {
    LOG_E("srv", "bind address is not an IP address");
    err = KERR_INVALID;
    goto out;
  }
  if (pthread_create(&s->watchdog, NULL, watchdog_main, s) != 0) {
    err = KERR_NOMEM;
    goto out;
  }
  s->watchdog_started = 1;
  /* Worker threads each run their own event loop over many connections
   * (epoll), so a slow client never holds a thread; the pool is bounded by
   * `threads`. The connection limit is split among the workers. */
  s->daemon = MHD_start_daemon(
      flags, (uint16_t)c->port, NULL, NULL, on_request, s,
      MHD_OPTION_SOCK_ADDR, sa,
      MHD_OPTION_HTTPS_MEM_KEY, s->key_pem,
      MHD_OPTION_HTTPS_MEM_CERT, s->cert_pem,
      MHD_OPTION_HTTPS_MEM_TRUST, s->ca_pem,
      MHD_OPTION_HTTPS_PRIORITIES, s->cfg.tls_priorities,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->cfg.max_connections,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)s->cfg.max_per_ip,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->cfg.idle_timeout_s,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
      MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
      MHD_OPTION_END);
  if (!s->daemon) {
    LOG_E("srv", "cannot listen on %s port %d", s->cfg.bind, c->port);
    err = KERR_NET;
    goto out;
  }
  const union MHD_DaemonInfo *di =
      MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : c->port;
  LOG_I("srv", "listening on %s port %d", s->cfg.bind, s->port);
  *out = s;
  s = NULL;
out:
  srv_destroy(s);
  return err;
}

int srv_port(const srv *s) { return s->port; }

kerr srv_check(srv *s) { return store_ping(s->st); }

void srv_destroy(srv *s) {
  if (!s)
    return;
  if (s->daemon)
    MHD_stop_daemon(s->daemon);
  if (s->watchdog_started) {
    pthread_mutex_lock(&s->conn_lock);
    s->stopping = 1;
    pthread_cond_signal(&s->watchdog_cond);
    pthread_mutex_unlock(&s->conn_lock);
    pthread_join(s->watchdog, NULL);
  }
  pthread_cond_destroy(&s->watchdog_cond);
  pthread_mutex_destroy(&s->conn_lock);
  pthread_mutex_destroy(&s->admin_lock);
  store_destroy(s->st);
  dept_table_destroy(s->depts);
  workcal_destroy(s->cal);
  ratelimit_backoff_destroy(s->login_backoff);
  ratelimit_destroy(s->rl_status);
  ratelimit_destroy(s->rl_fail);
  ratelimit_destroy(s->rl_login);
  if (s->key_pem) {
    sodium_memzero(s->key_pem, strlen(s->key_pem));
    free(s->key_pem);
  }
  free(s->cert_pem);
  free(s->ca_pem);
  sodium_memzero(s->seal_sk, sizeof s->seal_sk);
  sodium_memzero(s->check_key, sizeof s->check_key);
  sodium_memzero(s->search_key, sizeof s->search_key);
  free(s);
}
