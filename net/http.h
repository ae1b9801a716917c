/* http: the kiosk's one HTTPS client (docs/protocol.md, "Trust").
 *
 * Every request the kiosk and kioskctl make to the backend goes through an
 * http object, so the TLS policy lives in one place (http.c):
 *   - https:// only, also for redirects, which are never followed;
 *   - TLS 1.2 or newer; peer and host verified against the configured CA
 *     file alone (never the system store); the server's leaf certificate
 *     must carry a subjectAltName (a host named only in the CN is refused);
 *   - optional SPKI pin; client certificate and key (mTLS);
 *   - no proxy from the environment: a proxy is used only if configured;
 *   - connect, total and low-speed timeouts;
 *   - response headers capped at 16 KiB, the body at a hard limit (the
 *     client's max_response, or less per request) like curl's dynbuf.
 * libcurl must use OpenSSL (the subjectAltName check is an OpenSSL verify
 * callback); with any other TLS backend http_create() fails closed.
 *
 * Memory: the response body lives in a buffer owned by the client; it is
 * wiped (sodium_memzero) before the next request reuses it, before it is
 * grown or freed, and on http_wipe(): answers may carry personal data.
 *
 * Threads: an http object is used by one thread at a time; http_abort() is
 * the one call that may come from another thread. One object keeps one
 * connection for reuse between requests.
 *
 * Process-wide state: the first http_create() runs curl_global_init() once
 * (pthread_once). http_global_cleanup() undoes it at process exit; a program
 * that never calls it leaves the state to the end of the process, which is
 * harmless (libcurl and OpenSSL hold no resources the kernel does not
 * reclaim).
 *
 * Results of a request: KERR_OK (any HTTP status: the caller interprets it),
 *   KERR_DENIED    TLS verification, pin, subjectAltName or client
 *                  certificate failure
 *   KERR_NET       no connection, timeout, TLS handshake or transfer error
 *   KERR_LIMIT     the response body or headers exceeded their cap
 *   KERR_PROTOCOL  the transfer ended without an HTTP status
 *   KERR_STATE     http_abort() was called (now or before)
 *   KERR_INVALID   the URL is not https:// or too long
 *   KERR_NOMEM, KERR_INTERNAL
 * http_last_error() says more, in short printable ASCII. */
#ifndef KIOSK_NET_HTTP_H
#define KIOSK_NET_HTTP_H

#include <stddef.h>

#include "core/kerr.h"

typedef struct http http;

typedef struct http_config {
  const char *ca_file;        /* deployment CA (PEM); required */
  const char *cert_file;      /* client certificate (PEM); required */
  const char *key_file;       /* its key (PEM); required */
  const char *pinned_pubkey;  /* "sha256//<base64>[;sha256//...]" or NULL */
  const char *proxy;          /* proxy URL, or NULL: none (environment
                                 variables are ignored) */
  long connect_timeout_ms;    /* 0 -> 5000 */
  long total_timeout_ms;      /* 0 -> 30000 (per request) */
  long low_speed_bytes;       /* abort below this rate ... 0 -> 32 B/s */
  long low_speed_time_s;      /* ... for this long; 0 -> 10 s */
  size_t max_response;        /* hard body limit; 0 -> 64 KiB */
} http_config;

#define HTTP_MAX_RESPONSE_DEFAULT (64u * 1024u)
#define HTTP_ETAG_MAX 80
#define HTTP_URL_MAX 600
/* As a request's max: the client's max_response. */
#define HTTP_MAX_CLIENT ((size_t)-1)

/* What a finished request answered. body is borrowed from the client until
 * its next request, http_wipe() or http_destroy(); it is NUL-terminated
 * (body[len] == '\0') and never NULL. */
typedef struct http_response {
  long status;                /* HTTP status, 0 if none */
  const char *body;
  size_t len;
  int retry_after_s;          /* Retry-After in seconds (capped at 3600) */
  char etag[HTTP_ETAG_MAX];   /* ETag as sent (quotes kept), or "" */
} http_response;

/* Creates a client. Strings are copied; the files are read when a
 * connection is made. KERR_INVALID if a required file name is missing,
 * KERR_NOMEM, KERR_INTERNAL if libcurl cannot be initialised or does not
 * use OpenSSL, KERR_STATE after http_global_cleanup(). */
kerr http_create(const http_config *cfg, http **out);

/* Wipes the response buffer, frees the client and closes its connection.
 * NULL is accepted. */
void http_destroy(http *h);

/* Makes the transfer in progress (and every later one) end promptly with
 * KERR_STATE. Safe to call from any thread. NULL is accepted. */
void http_abort(http *h);

/* GET url. headers: "Name: value" lines, NULL-terminated, or NULL. max: the
 * body limit of this request in bytes (0 allows none); values above the
 * client's max_response, HTTP_MAX_CLIENT say, are the client's.
 * r gets the answer (see http_response). */
kerr http_get(http *h, const char *url, const char *const *headers,
              size_t max, http_response *r);

/* POST len bytes of body to url; otherwise as http_get(). */
kerr http_post(http *h, const char *url, const char *const *headers,
               const void *body, size_t len, size_t max, http_response *r);

/* A JSON request to base_url followed by path: with body NULL a GET
 * (Accept: application/json, and If-None-Match: inm when inm is not NULL),
 * else a POST of len bytes of body (Content-Type: application/json).
 * As http_get()/http_post(), except: KERR_LIMIT when the URL would exceed
 * HTTP_URL_MAX - 1 bytes, and a malformed answer (KERR_PROTOCOL) is
 * reported as KERR_NET. Failures are logged (without the answer). */
kerr http_json(http *h, const char *base_url, const char *path,
               const char *inm, const char *body, size_t len, size_t max,
               http_response *r);

/* Zeroes the last response now (its bytes and r's view of it are gone). */
void http_wipe(http *h);

/* A short description of the last failure ("timeout: ...", "TLS
 * verification: ..."); borrowed until the next request; never NULL, never
 * personal data. */
const char *http_last_error(const http *h);

/* Undoes the process-wide initialisation (curl_global_cleanup()). Call at
 * most once, at exit, after every client is destroyed and when no thread
 * will create another; http_create() fails with KERR_STATE afterwards. */
void http_global_cleanup(void);

#endif
