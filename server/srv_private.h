/* srv_private: what srv.c shares with its handler files (api_device.c,
 * api_console.c). Not for use outside server/. */
#ifndef SERVER_SRV_PRIVATE_H
#define SERVER_SRV_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "dept.h"
#include "kiosk/core/buf.h"
#include "ratelimit.h"
#include "srv.h"
#include "store.h"
#include "workcal.h"

enum {
  SRV_ADMIN_KEYS_MAX = 16,             /* keys in admin.pub */
  /* POST /v1/applications: base64 of the largest sealed box
   * (INTAKE_SEALED_MAX, 8 MiB: 10.67 MiB) and the envelope's fields. */
  SRV_BODY_APP = 11 * 1024 * 1024,
  SRV_BODY_CONTENT = 64 * 1024 * 1024, /* POST /v1/content */
  SRV_BODY_SMALL = 64 * 1024           /* everything else */
};

struct srv {
  srv_config cfg;
  struct MHD_Daemon *daemon;
  store *st;
  dept_table *depts; /* departments (cfg.departments_path or built in) */
  workcal *cal;      /* working-day calendar (cfg.calendar_path) */
  char *ca_pem, *cert_pem, *key_pem;
  unsigned char seal_pk[32], seal_sk[32];
  /* Trusted administrator keys (pki_dir/admin.pub), replaced as a whole
   * under admin_lock when the file changes (srv_admin_keys) or on SIGHUP
   * (srv_reload_admin). admin_file names the file they were last read
   * from, or last failed to be read from, so a change is noticed with one
   * stat() and a bad file is reported once. */
  pthread_mutex_t admin_lock;
  unsigned char admin_pk[SRV_ADMIN_KEYS_MAX][32];
  size_t n_admin;
  struct stat admin_file;
  unsigned char check_key[32]; /* keys stored check digests (check.key) */
  unsigned char search_key[32]; /* keys search digests (from check_key) */
  atomic_ulong unopenable;     /* applications refused: seal did not open */
  ratelimit *rl_status; /* progress queries */
  ratelimit *rl_fail;   /* wrong checks */
  ratelimit *rl_login;  /* sign-in attempts per client address */
  ratelimit_backoff *login_backoff; /* failed sign-ins per (id, address) */
  char dummy_pwhash[128]; /* checked for unknown staff ids (same cost) */
  int port;
  /* Connection deadlines (srv.c): every open connection, oldest first. */
  pthread_mutex_t conn_lock;
  struct srv_peer *conn_head, *conn_tail;
  int n_pending;        /* connections before their first request head */
  unsigned long n_cut;  /* cut since the last log line */
  pthread_t watchdog;
  pthread_cond_t watchdog_cond;
  int watchdog_started, stopping;
};

/* One connection: what we learnt about the client certificate (once per
 * connection) and its deadline. The deadline fields belong to srv.c and
 * are only touched under srv.conn_lock. */
typedef struct srv_peer {
  int checked;
  int ok;       /* chain verified against the deployment CA, client purpose */
  int admin;    /* ok, and the certificate has OU = SRV_ADMIN_OU */
  char cn[65];  /* certificate CN when ok: device id or administrator id */
  struct srv_peer *prev, *next;
  int fd;
  struct sockaddr_storage sa; /* peer address, to recognise the socket */
  socklen_t sa_len;
  int64_t deadline_ms; /* monotonic; 0 = none */
  int pending;         /* handshake or first request head not complete */
  int cut;             /* shut down by the server */
} srv_peer;

typedef struct srv_req srv_req;
typedef enum MHD_Result (*srv_handler)(srv_req *r);

struct srv_req {
  srv *s;
  struct MHD_Connection *conn;
  const char *method;
  char path[256];      /* URL path, without the query */
  srv_handler handler;
  const char *param;   /* path parameter (into path) or NULL */
  struct buf in;       /* the body as it arrives, capped at the route's max */
  const char *body;    /* the whole body (in's bytes), NUL-terminated */
  size_t len;
  int too_big;
  int replied;
  const srv_peer *peer;
  char addr[64];       /* client address, for rate limits */
};

/* The organizational unit (OU) that marks an administrator's client
 * certificate; a device's certificate must never carry it. */
#define SRV_ADMIN_OU "kiosk-administrator"

/* Copies the trusted administrator keys into keys (SRV_ADMIN_KEYS_MAX) and
 * returns how many. First re-reads admin.pub if it is not the file the
 * keys came from (device, inode, size, mtime or ctime differ): a file that
 * parses completely replaces the keys, one that does not (half written,
 * empty, bad line) leaves them and is logged. Thread-safe. */
size_t srv_admin_keys(srv *s, unsigned char (*keys)[32]);

/* Clock. */
int64_t srv_now(const srv *s);

/* "2026-11-22T09:30:00+08:00": unix seconds as RFC 3339 local time in the
 * system time zone (TZ), with its offset. */
#define SRV_TIME_BUF 41
void srv_time_text(int64_t t, char out[SRV_TIME_BUF]);

/* The local day "YYYY-MM-DD" in the system time zone as unix seconds
 * [*from, *to) (midnight to the next midnight). Returns 0 if date is not a
 * valid date of that form. */
int srv_day_range(const char *date, int64_t *from, int64_t *to);

/* Replies with a copy of data; headers is NULL or a NULL-terminated list of
 * name, value pairs. Always adds nosniff and (for JSON) no-store. */
enum MHD_Result srv_reply(srv_req *r, unsigned status, const char *ctype,
                          const void *data, size_t n,
                          const char *const *headers);

/* {"error": code, "message": message}. */
enum MHD_Result srv_reply_error(srv_req *r, unsigned status, const char *code,
                                const char *message);

/* Serialises j (takes ownership) and replies with it. */
enum MHD_Result srv_reply_json(srv_req *r, unsigned status, cJSON *j,
                               const char *const *headers);

/* A request header or NULL. */
const char *srv_header(srv_req *r, const char *name);

/* A query argument or NULL. */
const char *srv_query(srv_req *r, const char *name);

/* Loads or makes check.key, rekeys applications stored before digests
 * were keyed and indexes for search those stored before the search index
 * (api_device.c). Called once by srv_create after store_open. */
kerr api_check_setup(srv *s);

/* Device handlers (api_device.c). */
enum MHD_Result api_app_submit(srv_req *r);
enum MHD_Result api_status(srv_req *r);
enum MHD_Result public_status(srv_req *r); /* public_status.c */
enum MHD_Result api_manifest(srv_req *r);
enum MHD_Result api_file(srv_req *r);
enum MHD_Result api_publish(srv_req *r);
enum MHD_Result api_published(srv_req *r);
enum MHD_Result api_heartbeat(srv_req *r);

/* Console handlers (api_console.c). */
enum MHD_Result console_static(srv_req *r);
enum MHD_Result console_login(srv_req *r);
enum MHD_Result console_logout(srv_req *r);
enum MHD_Result console_me(srv_req *r);
enum MHD_Result console_apps(srv_req *r);
enum MHD_Result console_apps_csv(srv_req *r);
enum MHD_Result console_apps_xlsx(srv_req *r);
enum MHD_Result console_app(srv_req *r);
enum MHD_Result console_app_status(srv_req *r);
enum MHD_Result console_app_page(srv_req *r);
enum MHD_Result console_devices(srv_req *r);
enum MHD_Result console_queue(srv_req *r);
enum MHD_Result console_audit(srv_req *r);
enum MHD_Result console_departments(srv_req *r);
enum MHD_Result console_staff(srv_req *r);
enum MHD_Result console_staff_create(srv_req *r);
enum MHD_Result console_staff_disabled(srv_req *r);

#endif
