/* srv: the reference backend's HTTPS server (libmicrohttpd over GnuTLS).
 *
 * One srv owns the daemon, the store, the keys and the rate limiters. Device
 * endpoints (/v1/...) need a client certificate issued by the deployment CA,
 * verified per connection; the staff console (/console/, /api/console/)
 * uses password sign-in and a session cookie instead. See docs/server.md and
 * docs/protocol.md. No global state: everything lives in the srv. */
#ifndef SERVER_SRV_H
#define SERVER_SRV_H

#include <stdint.h>

#include "kiosk/core/kerr.h"

typedef struct srv srv;

typedef struct srv_config {
  const char *pki_dir;  /* ca.crt, server.crt, server.key, seal.key, admin.pub
                           (administrator keys, one per line, re-read when
                           the file changes) */
  const char *db_path;  /* SQLite file */
  const char *bind;     /* address to listen on; default "127.0.0.1" */
  int port;             /* 0 = any free port (see srv_port) */
  int threads;          /* worker threads; default 8 */
  double status_rate;   /* progress queries per second per device/address */
  double status_burst;  /* ... allowed in a burst */
  double fail_rate;     /* wrong checks forgiven per second per device/address */
  double fail_burst;    /* wrong checks allowed before 429 */
  int login_max_failures; /* wrong passwords per (id, address) before delays */
  int login_delay_s;      /* first delay after that; doubles per failure */
  int login_lock_s;       /* longest delay */
  int device_offline_s;   /* a kiosk silent this long is offline */
  int session_s;          /* console session lifetime */
  const char *tls_priorities; /* GnuTLS priority string; NULL = default */
  int max_connections;    /* open connections in all */
  int max_per_ip;         /* open connections per client address */
  int max_pending;        /* connections still in the TLS handshake or
                             their first request head */
  int idle_timeout_s;     /* silence before a connection is closed */
  int head_timeout_s;     /* handshake + request head must be complete
                             within this, however busy the client is */
  const char *departments_path; /* departments file (JSON); NULL = the
                                   shipped table (dept.h) */
  const char *calendar_path;    /* holidays and adjusted working days
                                   (JSON, workcal.h); NULL = none */
  const char *public_hotline;   /* foot line of the public progress page
                                   (public_status.h); NULL = none */
  int64_t (*now)(void *ud); /* clock (unix seconds); NULL = time() */
  void *now_ud;
} srv_config;

/* The default GnuTLS priority string: TLS 1.2 and 1.3, AEAD ciphers and
 * ECDHE key exchange only (no CBC, no static RSA, no SHA-1 MACs). */
#define SRV_TLS_PRIORITIES                                                     \
  "SECURE256:+SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:"      \
  "+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-GCM:-KX-ALL:+ECDHE-ECDSA:"         \
  "+ECDHE-RSA:%SERVER_PRECEDENCE"

/* Fills c with the defaults (everything above; strings NULL). */
void srv_config_defaults(srv_config *c);

/* Loads the keys, opens the store and starts listening. The caller owns
 * *out (srv_destroy). KERR_NOTFOUND/KERR_INVALID for missing or bad key
 * files, KERR_IO if the database cannot be opened, KERR_NET if the address
 * cannot be bound. */
kerr srv_create(const srv_config *c, srv **out);

/* Re-reads the administrator keys (pki_dir/admin.pub) now, for SIGHUP;
 * publishing also notices a changed file by itself. The keys are replaced
 * only if the whole file parses; otherwise the ones in use stay. Returns
 * the file's error (KERR_OK when replaced). Logged either way. */
kerr srv_reload_admin(srv *s);

/* The TCP port actually listened on. */
int srv_port(const srv *s);

/* Cheap liveness check for the service watchdog: the store still answers
 * (store_ping). KERR_OK when healthy. */
kerr srv_check(srv *s);

/* Stops listening, finishes running requests, closes the store. */
void srv_destroy(srv *s);

#endif
