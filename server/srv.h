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
  const char *pki_dir;  /* ca.crt, server.crt, server.key, seal.key, admin.pub */
  const char *db_path;  /* SQLite file */
  const char *bind;     /* address to listen on; default "127.0.0.1" */
  int port;             /* 0 = any free port (see srv_port) */
  int threads;          /* worker threads; default 8 */
  double status_rate;   /* progress queries per second per device/address */
  double status_burst;  /* ... allowed in a burst */
  double fail_rate;     /* wrong checks forgiven per second per device/address */
  double fail_burst;    /* wrong checks allowed before 429 */
  int login_max_failures; /* wrong passwords before an account is locked */
  int login_lock_s;       /* how long it stays locked */
  int session_s;          /* console session lifetime */
  int64_t (*now)(void *ud); /* clock (unix seconds); NULL = time() */
  void *now_ud;
} srv_config;

/* Fills c with the defaults (everything above; strings NULL). */
void srv_config_defaults(srv_config *c);

/* Loads the keys, opens the store and starts listening. The caller owns
 * *out (srv_destroy). KERR_NOTFOUND/KERR_INVALID for missing or bad key
 * files, KERR_IO if the database cannot be opened, KERR_NET if the address
 * cannot be bound. */
kerr srv_create(const srv_config *c, srv **out);

/* The TCP port actually listened on. */
int srv_port(const srv *s);

/* Cheap liveness check for the service watchdog: the store still answers
 * (store_ping). KERR_OK when healthy. */
kerr srv_check(srv *s);

/* Stops listening, finishes running requests, closes the store. */
void srv_destroy(srv *s);

#endif
