/* srvtest: helpers for tests that run the real kiosk-server.
 *
 * Starts the binary on a free loopback port with a fresh database and the
 * development PKI made by scripts/dev-pki.sh, talks real TLS to it with
 * libcurl (device client certificates or none), and builds synthetic
 * applications sealed to the server's key. Test people are invented; their
 * ID numbers have valid GB 11643 check digits. */
#ifndef TESTS_SERVER_SRVTEST_H
#define TESTS_SERVER_SRVTEST_H

#include <stddef.h>
#include <sys/types.h>

typedef struct srvtest {
  pid_t pid;
  int port;
  char db[512];     /* a SQLite file, or a postgresql:// URI (pgtest.h) */
  char port_file[600];
  char pki[512];
} srvtest;

typedef struct srvtest_resp {
  long status;
  char *body; /* NUL-terminated, malloc'ed */
  size_t len;
  char etag[128];
  char retry_after[32];
  char set_cookie[256];
  char content_type[128];
} srvtest_resp;

/* Request options. cert: NULL = no client certificate, "foreign" = the
 * foreign CA's device certificate, "admin-..." an administrator id under
 * admins/, otherwise a device id under devices/. */
typedef struct srvtest_req {
  const char *method;
  const char *path;
  const char *cert;
  const char *content_type; /* NULL = none sent */
  const char *body;
  size_t len;               /* 0 = strlen(body) */
  const char *cookie;       /* "name=value" or NULL */
  const char *if_none_match;
  const char *origin;
  int chunked;              /* send the body with chunked encoding */
  int expect100;            /* send Expect: 100-continue (curl's default for
                               large bodies) instead of suppressing it */
  const char *source;       /* local address to connect from ("127.0.0.2"),
                               NULL = any */
  const char *ciphers;      /* OpenSSL cipher list for TLS 1.2, NULL = curl's */
  long sslversion;          /* CURLOPT_SSLVERSION, 0 = curl's default */
  long timeout;             /* whole request, seconds; 0 = 20 */
} srvtest_req;

/* The PKI directory made by the fixture. */
const char *srvtest_pki(void);

/* Starts kiosk-server with a database named after tag and extra arguments
 * (NULL-terminated list, may be NULL). Returns 0 on success. The database
 * is a fresh SQLite file, or with KIOSK_TEST_PG_STATE set a fresh
 * PostgreSQL database (pgtest.h). */
int srvtest_start(srvtest *t, const char *tag, const char *const *extra);

/* Starts the server again on t's database as it is (after srvtest_stop),
 * with these extra arguments. */
int srvtest_restart(srvtest *t, const char *const *extra);

/* Sends SIGTERM and waits; returns the exit status (0 = clean). */
int srvtest_stop(srvtest *t);

/* Creates a staff account in t's database with `kiosk-server adduser`. */
int srvtest_adduser(srvtest *t, const char *id, const char *name,
                    const char *password);

/* The same with `kiosk-server staff add`: role and dept may be NULL (the
 * defaults), supervisor adds --supervisor. Returns the exit status. */
int srvtest_staff_add(srvtest *t, const char *id, const char *name,
                      const char *password, const char *role,
                      const char *dept, int supervisor);

/* Performs one request on a fresh connection; returns 0 if a response came
 * back. Free the response with srvtest_resp_free. */
int srvtest_do(srvtest *t, const srvtest_req *rq, srvtest_resp *out);
void srvtest_resp_free(srvtest_resp *r);

/* A synthetic application. */
typedef struct srvtest_app {
  char uuid[37];
  char reference[16];
  char id_number[19];
  char last4[5];
  char *json; /* request body, malloc'ed */
} srvtest_app;

/* Builds an application from device with random uuid and reference; the
 * plaintext is sealed to the PKI's seal.pub. n is a distinguishing number
 * that goes into the invented applicant's name and ID number. */
int srvtest_app_make(srvtest_app *a, const char *device, int n);
/* The same with "urgent": -1 leaves it out (a kiosk from before it was
 * sent), 0 sends false, 1 sends true and asks for 临时救助 (temporary)
 * instead of 医疗救助. */
int srvtest_app_make_urgent(srvtest_app *a, const char *device, int n,
                            int urgent);
/* The same with extra display sections: extra_display is a JSON array of
 * {"section", "rows": [{"label", "value"}]} appended to the payload's
 * display (NULL = none). */
int srvtest_app_make_display(srvtest_app *a, const char *device, int n,
                             int urgent, const char *extra_display);
void srvtest_app_free(srvtest_app *a);

/* The 18-character ID number for a birth date and sequence, with its check
 * digit. */
void srvtest_id_number(const char *area6, const char *birth8, int seq,
                       char out[19]);

/* The development PKI's administrator signing key (admin.key). 0 = ok. */
int srvtest_admin_key(unsigned char sk[64]);

/* Lower-case hex SHA-256 of p[0..n). */
void srvtest_sha256_hex(const void *p, size_t n, char out[65]);

/* A POST /v1/content body for region 140500: a manifest of version listing
 * one file (policies/dibao.json with the text file), signed with sk (which
 * may be a wrong key); send_file = whether the file's bytes go with it.
 * Returns a malloc'ed body; *manifest_out (if not NULL) gets a malloc'ed
 * copy of the manifest text. */
char *srvtest_publish_body(const char *version, const char *file,
                           int send_file, const unsigned char sk[64],
                           char **manifest_out);

/* A POST /v1/content body for region 140500 publishing n files (their
 * paths and bytes) as version, signed with sk. Malloc'ed. */
char *srvtest_publish_files(const char *version, size_t n,
                            const char *const *paths,
                            const char *const *datas, const size_t *lens,
                            const unsigned char sk[64]);

#endif
