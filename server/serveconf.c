/* serveconf: see serveconf.h.
 *
 * The key table and serveconf_set() are the one place where a setting's
 * name, its range and its field in srv_config meet; main.c builds its
 * getopt_long() table from the key table. */
#include "serveconf.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In the order of keys[] below. */
enum {
  K_PKI,
  K_DB,
  K_PORT,
  K_BIND,
  K_PORT_FILE,
  K_THREADS,
  K_STATUS_RATE,
  K_STATUS_BURST,
  K_FAIL_BURST,
  K_FAIL_RATE,
  K_LOGIN_FAILURES,
  K_LOGIN_DELAY,
  K_LOGIN_LOCK,
  K_DEVICE_OFFLINE,
  K_TLS_PRIORITIES,
  K_MAX_CONNECTIONS,
  K_MAX_PER_IP,
  K_MAX_PENDING,
  K_IDLE_TIMEOUT,
  K_HEAD_TIMEOUT,
  K_DEPARTMENTS,
  K_CALENDAR,
  K_PUBLIC_HOTLINE,
  K_LOG_LEVEL,
  K_COUNT
};

static const serveconf_key keys[K_COUNT] = {
    [K_PKI] = {"pki", "DIR",
               "keys and certificates (default " SERVECONF_DEFAULT_PKI ")"},
    [K_DB] = {"db", "DB", "SQLite file or postgresql:// URI (default " SERVECONF_DEFAULT_DB ")"},
    [K_PORT] = {"port", "N", "TCP port (default 8443; 0 = any free port)"},
    [K_BIND] = {"bind", "ADDR", "address to listen on (default 127.0.0.1)"},
    [K_PORT_FILE] = {"port-file", "FILE", "write the port listened on to FILE"},
    [K_THREADS] = {"threads", "N", "worker threads, 1 to 16 (default 8)"},
    [K_STATUS_RATE] = {"status-rate", "R",
                       "progress queries/s per device (default 0.5)"},
    [K_STATUS_BURST] = {"status-burst", "N",
                        "progress queries in a burst (default 30)"},
    [K_FAIL_BURST] = {"fail-burst", "N", "wrong checks before 429 (default 5)"},
    [K_FAIL_RATE] = {"fail-rate", "R",
                     "wrong checks forgiven per second (default 0.0167)"},
    [K_LOGIN_FAILURES] = {"login-failures", "N",
                          "wrong passwords per id and address before "
                          "delays (default 5)"},
    [K_LOGIN_DELAY] = {"login-delay", "S",
                       "first sign-in delay in seconds, doubled per further "
                       "failure (default 2)"},
    [K_LOGIN_LOCK] = {"login-lock", "S",
                      "longest sign-in delay in seconds (default 900)"},
    [K_DEVICE_OFFLINE] = {"device-offline-minutes", "N",
                          "a kiosk without a heartbeat this long is shown "
                          "offline (default 15)"},
    [K_TLS_PRIORITIES] = {"tls-priorities", "STRING",
                          "GnuTLS priority string (default: TLS 1.2/1.3, "
                          "AEAD, ECDHE only)"},
    [K_MAX_CONNECTIONS] = {"max-connections", "N",
                           "open connections in all (default 512)"},
    [K_MAX_PER_IP] = {"max-per-ip", "N",
                      "open connections per client address (default 16)"},
    [K_MAX_PENDING] = {"max-pending", "N",
                       "connections still in their handshake or first "
                       "request head (default 64)"},
    [K_IDLE_TIMEOUT] = {"idle-timeout", "S",
                        "seconds of silence before a connection is closed "
                        "(default 15)"},
    [K_HEAD_TIMEOUT] = {"head-timeout", "S",
                        "seconds for the handshake and a whole request head "
                        "(default 10)"},
    [K_DEPARTMENTS] = {"departments", "FILE",
                       "departments and the items each handles, JSON "
                       "(default: the shipped table)"},
    [K_CALENDAR] = {"calendar", "FILE",
                    "holidays and adjusted working days, JSON (default: "
                    "Monday to Friday)"},
    [K_PUBLIC_HOTLINE] = {"public-hotline", "TEXT",
                          "a line for the foot of the public progress page, "
                          "e.g. the county's hotline (default: none)"},
    [K_LOG_LEVEL] = {"log-level", "L", "error, warn, info or debug (default info)"},
};

void serveconf_init(serveconf *sc) {
  memset(sc, 0, sizeof *sc);
  srv_config_defaults(&sc->c);
  sc->c.db_path = SERVECONF_DEFAULT_DB;
  sc->c.pki_dir = SERVECONF_DEFAULT_PKI;
  sc->level = LOG_INFO;
}

void serveconf_free(serveconf *sc) {
  free(sc->text);
  sc->text = NULL;
}

size_t serveconf_key_count(void) { return K_COUNT; }

const serveconf_key *serveconf_key_at(size_t i) {
  return i < K_COUNT ? &keys[i] : NULL;
}

int serveconf_key_find(const char *name) {
  for (size_t i = 0; i < K_COUNT; i++)
    if (strcmp(keys[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* Whole-string integer in [min, max]. */
static int parse_int(const char *v, long min, long max, int *out) {
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || end == v || *end || n < min || n > max)
    return -1;
  *out = (int)n;
  return 0;
}

/* Whole-string finite number >= min. */
static int parse_real(const char *v, double min, double *out) {
  char *end;
  errno = 0;
  double d = strtod(v, &end);
  if (errno || end == v || *end || !isfinite(d) || d < min)
    return -1;
  *out = d;
  return 0;
}

kerr serveconf_set(serveconf *sc, size_t i, const char *v, char *msg,
                   size_t cap) {
  srv_config *c = &sc->c;
  const char *want = NULL;
  switch (i) {
  case K_PKI:
  case K_DB:
  case K_BIND:
  case K_PORT_FILE:
  case K_DEPARTMENTS:
  case K_CALENDAR:
    if (!v[0]) {
      want = "a non-empty value";
      break;
    }
    *(i == K_PKI           ? &c->pki_dir
      : i == K_DB          ? &c->db_path
      : i == K_BIND        ? &c->bind
      : i == K_DEPARTMENTS ? &c->departments_path
      : i == K_CALENDAR    ? &c->calendar_path
                           : &sc->port_file) = v;
    break;
  case K_PUBLIC_HOTLINE:
    if (!v[0] || strlen(v) > 300)
      want = "a text of 1 to 300 bytes";
    else
      c->public_hotline = v;
    break;
  case K_PORT:
    if (parse_int(v, 0, 65535, &c->port))
      want = "a number from 0 to 65535";
    break;
  case K_THREADS:
    if (parse_int(v, 1, 16, &c->threads))
      want = "a number from 1 to 16";
    break;
  case K_LOGIN_FAILURES:
    if (parse_int(v, 1, 1000, &c->login_max_failures))
      want = "a number from 1 to 1000";
    break;
  case K_LOGIN_DELAY:
  case K_LOGIN_LOCK:
    if (parse_int(v, 1, 7 * 86400,
                  i == K_LOGIN_DELAY ? &c->login_delay_s : &c->login_lock_s))
      want = "a number of seconds from 1 to 604800";
    break;
  case K_DEVICE_OFFLINE: {
    int m;
    if (parse_int(v, 1, 7 * 24 * 60, &m))
      want = "a number of minutes from 1 to 10080";
    else
      c->device_offline_s = m * 60;
    break;
  }
  case K_TLS_PRIORITIES: {
    gnutls_priority_t prio;
    const char *at = NULL;
    if (!v[0] || gnutls_priority_init(&prio, v, &at) < 0) {
      snprintf(msg, cap, "%s: not a GnuTLS priority string (bad at '%.60s')",
               keys[i].name, at ? at : v);
      return KERR_INVALID;
    }
    gnutls_priority_deinit(prio);
    c->tls_priorities = v;
    break;
  }
  case K_MAX_CONNECTIONS:
    if (parse_int(v, 8, 60000, &c->max_connections))
      want = "a number from 8 to 60000";
    break;
  case K_MAX_PER_IP:
  case K_MAX_PENDING:
    if (parse_int(v, 1, 60000,
                  i == K_MAX_PER_IP ? &c->max_per_ip : &c->max_pending))
      want = "a number from 1 to 60000";
    break;
  case K_IDLE_TIMEOUT:
  case K_HEAD_TIMEOUT:
    if (parse_int(v, 1, 3600,
                  i == K_IDLE_TIMEOUT ? &c->idle_timeout_s
                                      : &c->head_timeout_s))
      want = "a number of seconds from 1 to 3600";
    break;
  case K_STATUS_RATE:
  case K_FAIL_RATE:
    if (parse_real(v, 1e-9, i == K_STATUS_RATE ? &c->status_rate : &c->fail_rate))
      want = "a positive number such as 0.5";
    break;
  case K_STATUS_BURST:
  case K_FAIL_BURST:
    if (parse_real(v, 1, i == K_STATUS_BURST ? &c->status_burst : &c->fail_burst))
      want = "a number of at least 1";
    break;
  case K_LOG_LEVEL:
    if (log_level_parse(v, &sc->level))
      want = "one of error, warn, info, debug";
    else
      sc->has_level = 1;
    break;
  default:
    snprintf(msg, cap, "no such setting");
    return KERR_INTERNAL;
  }
  if (want) {
    snprintf(msg, cap, "%s: '%.200s' is not %s", keys[i].name, v, want);
    return KERR_INVALID;
  }
  return KERR_OK;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
    s[--n] = '\0';
  return s;
}

/* Reads the whole file (at most SERVECONF_MAX_BYTES) into a new string. */
static kerr read_text(const char *path, char **out) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return errno == ENOENT ? KERR_NOTFOUND : KERR_IO;
  char *buf = malloc(SERVECONF_MAX_BYTES + 1);
  size_t n = buf ? fread(buf, 1, SERVECONF_MAX_BYTES + 1, f) : 0;
  kerr err = !buf ? KERR_NOMEM
             : ferror(f) ? KERR_IO
             : n > SERVECONF_MAX_BYTES ? KERR_LIMIT
                                       : KERR_OK;
  fclose(f);
  if (err) {
    free(buf);
    return err;
  }
  buf[n] = '\0';
  if (memchr(buf, '\0', n)) { /* not a text file */
    free(buf);
    return KERR_PARSE;
  }
  *out = buf;
  return KERR_OK;
}

kerr serveconf_load(serveconf *sc, const char *path, char *msg, size_t cap) {
  char *text = NULL, why[300];
  kerr err = read_text(path, &text);
  if (err) {
    snprintf(msg, cap, "%s: %s", path,
             err == KERR_NOTFOUND ? "no such file"
             : err == KERR_LIMIT  ? "larger than 64 KiB"
             : err == KERR_PARSE  ? "not a text file (contains a NUL byte)"
                                  : kerr_str(err));
    return err;
  }
  free(sc->text);
  sc->text = text;
  int line = 0;
  for (char *p = text; p && *p;) {
    char *next = strchr(p, '\n');
    if (next)
      *next++ = '\0';
    line++;
    if (strlen(p) > SERVECONF_MAX_LINE) {
      snprintf(msg, cap, "%s:%d: line longer than %d bytes", path, line,
               SERVECONF_MAX_LINE);
      return KERR_INVALID;
    }
    char *s = trim(p);
    p = next;
    if (!*s || *s == '#')
      continue;
    char *eq = strchr(s, '=');
    if (!eq) {
      snprintf(msg, cap, "%s:%d: expected 'key = value', got '%.100s'", path,
               line, s);
      return KERR_INVALID;
    }
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    int k = serveconf_key_find(key);
    if (k < 0) {
      snprintf(msg, cap, "%s:%d: unknown key '%.100s'", path, line, key);
      return KERR_INVALID;
    }
    if ((err = serveconf_set(sc, (size_t)k, value, why, sizeof why))) {
      snprintf(msg, cap, "%s:%d: %s", path, line, why);
      return err;
    }
  }
  return KERR_OK;
}
