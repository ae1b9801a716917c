/* http: the one libcurl client; see http.h for the contract and the policy.
 *
 * Invariants:
 *   - every easy-handle option is set here and nowhere else in the program
 *     (net/ and tools/ do not include curl.h for anything but this file);
 *   - the response buffer never holds more than the request's limit: the
 *     write callback refuses the chunk that would cross it, which ends the
 *     transfer (CURLE_WRITE_ERROR), and CURLOPT_MAXFILESIZE refuses a
 *     declared length above it before any byte arrives;
 *   - buffer bytes are wiped before they are reused, moved or freed;
 *   - the verify callback installed on every TLS context refuses a leaf
 *     certificate without a subjectAltName extension; curl then checks the
 *     host against the subjectAltName (its CN fallback never applies). */
#include "http.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>

#include "core/buf.h"
#include "core/log.h"

#define MOD "http"
#define HTTP_HEADER_MAX (16u * 1024u)
#define HTTP_RETRY_AFTER_MAX 3600
#define HTTP_ERROR_MAX 200

struct http {
  CURLM *multi;
  CURL *easy;
  char *ca_file, *cert_file, *key_file, *pin, *proxy;
  http_config cfg;
  atomic_int aborted;
  /* the response; its max is the request's limit (<= cfg.max_response) */
  struct buf body;
  int overflow;
  size_t header_bytes;
  int retry_after_s;
  char etag[HTTP_ETAG_MAX];
  int no_san;               /* set by the verify callback */
  char errbuf[CURL_ERROR_SIZE];
  char last_error[HTTP_ERROR_MAX];
};

static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static kerr http_global_rc = KERR_INTERNAL;
static atomic_int http_cleaned;
static int http_ctx_index = -1; /* SSL_CTX ex_data slot: the http object */

/* libcurl must be built on the very OpenSSL this file links: the TLS
 * context it hands to the callback is that library's SSL_CTX. */
static void http_global_init(void) {
  const curl_version_info_data *v;
  const char *ours = OpenSSL_version(OPENSSL_VERSION_STRING);

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    LOG_E(MOD, "curl_global_init failed");
    return;
  }
  v = curl_version_info(CURLVERSION_NOW);
  if (!v || !v->ssl_version || strncmp(v->ssl_version, "OpenSSL/", 8) != 0 ||
      !ours || strcmp(v->ssl_version + 8, ours) != 0) {
    LOG_E(MOD, "libcurl's TLS backend is %s, not OpenSSL %s: refusing to "
          "make HTTPS requests", v && v->ssl_version ? v->ssl_version : "none",
          ours ? ours : "?");
    return;
  }
  http_ctx_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
  if (http_ctx_index < 0)
    return;
  http_global_rc = KERR_OK;
}

void http_global_cleanup(void) {
  if (atomic_exchange(&http_cleaned, 1))
    return;
  curl_global_cleanup();
}

static void http_set_error(http *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void http_set_error(http *h, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(h->last_error, sizeof h->last_error, fmt, ap);
  va_end(ap);
  /* Printable ASCII only: parts of it may come from the peer. */
  for (char *p = h->last_error; *p; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
      *p = '?';
}

const char *http_last_error(const http *h) {
  return h ? h->last_error : "no client";
}

/* ------------------------------------------------------------------ */
/* TLS: the subjectAltName requirement                                 */
/* ------------------------------------------------------------------ */

static int http_verify_cb(int ok, X509_STORE_CTX *x) {
  X509 *cert;
  SSL *ssl;
  SSL_CTX *ctx;
  http *h;

  if (!ok || X509_STORE_CTX_get_error_depth(x) != 0)
    return ok;
  cert = X509_STORE_CTX_get_current_cert(x);
  if (cert && X509_get_ext_by_NID(cert, NID_subject_alt_name, -1) >= 0)
    return 1;
  X509_STORE_CTX_set_error(x, X509_V_ERR_APPLICATION_VERIFICATION);
  ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
  ctx = ssl ? SSL_get_SSL_CTX(ssl) : NULL;
  h = ctx ? SSL_CTX_get_ex_data(ctx, http_ctx_index) : NULL;
  if (h)
    h->no_san = 1;
  return 0;
}

/* Called by libcurl for every new TLS context, before the handshake. */
static CURLcode http_on_ssl_ctx(CURL *curl, void *sslctx, void *ud) {
  SSL_CTX *ctx = sslctx;
  (void)curl;
  if (!ctx || !SSL_CTX_set_ex_data(ctx, http_ctx_index, ud))
    return CURLE_SSL_CERTPROBLEM;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, http_verify_cb);
  return CURLE_OK;
}

/* ------------------------------------------------------------------ */
/* Receiving                                                           */
/* ------------------------------------------------------------------ */

static size_t http_on_body(char *ptr, size_t size, size_t nmemb, void *ud) {
  http *h = ud;
  size_t n = size * nmemb;

  kerr err = buf_add(&h->body, ptr, n);

  if (err == KERR_LIMIT)
    h->overflow = 1;
  return err ? 0 : n; /* 0 aborts the transfer: CURLE_WRITE_ERROR */
}

static size_t http_on_header(char *ptr, size_t size, size_t nmemb, void *ud) {
  http *h = ud;
  size_t n = size * nmemb;
  static const char ra[] = "retry-after:", et[] = "etag:";

  h->header_bytes += n;
  if (h->header_bytes > HTTP_HEADER_MAX) {
    h->overflow = 1;
    return 0;
  }
  if (n > sizeof ra - 1 && strncasecmp(ptr, ra, sizeof ra - 1) == 0) {
    long v = 0;
    size_t i = sizeof ra - 1;
    while (i < n && (ptr[i] == ' ' || ptr[i] == '\t'))
      i++;
    while (i < n && isdigit((unsigned char)ptr[i]) && v <= HTTP_RETRY_AFTER_MAX)
      v = v * 10 + (ptr[i++] - '0');
    h->retry_after_s =
        (int)(v > HTTP_RETRY_AFTER_MAX ? HTTP_RETRY_AFTER_MAX : v);
  } else if (n > sizeof et - 1 && strncasecmp(ptr, et, sizeof et - 1) == 0) {
    size_t i = sizeof et - 1, k = 0;
    while (i < n && (ptr[i] == ' ' || ptr[i] == '\t'))
      i++;
    while (i < n && k + 1 < sizeof h->etag && ptr[i] > 0x20 && ptr[i] < 0x7f)
      h->etag[k++] = ptr[i++];
    h->etag[k] = '\0';
  }
  return n;
}

/* ------------------------------------------------------------------ */
/* Create / destroy                                                    */
/* ------------------------------------------------------------------ */

static char *http_strdup(const char *s) {
  char *d;
  size_t n;

  if (!s)
    return NULL;
  n = strlen(s) + 1;
  d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

/* The TLS policy and everything else that is the same for every request. */
static kerr http_setup_easy(http *h) {
  CURL *e = h->easy;
  CURLcode rc = CURLE_OK;

#define HTTP_OPT(opt, val)                   \
  do {                                       \
    if (rc == CURLE_OK)                      \
      rc = curl_easy_setopt(e, opt, val);    \
  } while (0)
  HTTP_OPT(CURLOPT_PROTOCOLS_STR, "https");
  HTTP_OPT(CURLOPT_REDIR_PROTOCOLS_STR, "https");
  HTTP_OPT(CURLOPT_FOLLOWLOCATION, 0L);
  HTTP_OPT(CURLOPT_PROXY, h->proxy ? h->proxy : ""); /* "": none, env ignored */
  HTTP_OPT(CURLOPT_NOSIGNAL, 1L);
  HTTP_OPT(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  HTTP_OPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  HTTP_OPT(CURLOPT_SSL_VERIFYPEER, 1L);
  HTTP_OPT(CURLOPT_SSL_VERIFYHOST, 2L);
  HTTP_OPT(CURLOPT_CAINFO, h->ca_file);
  HTTP_OPT(CURLOPT_CAPATH, NULL); /* the deployment CA only, no system store */
  HTTP_OPT(CURLOPT_SSL_CTX_FUNCTION, http_on_ssl_ctx);
  HTTP_OPT(CURLOPT_SSL_CTX_DATA, h);
  HTTP_OPT(CURLOPT_SSLCERT, h->cert_file);
  HTTP_OPT(CURLOPT_SSLCERTTYPE, "PEM");
  HTTP_OPT(CURLOPT_SSLKEY, h->key_file);
  HTTP_OPT(CURLOPT_SSLKEYTYPE, "PEM");
  if (h->pin)
    HTTP_OPT(CURLOPT_PINNEDPUBLICKEY, h->pin);
  HTTP_OPT(CURLOPT_CONNECTTIMEOUT_MS, h->cfg.connect_timeout_ms);
  HTTP_OPT(CURLOPT_TIMEOUT_MS, h->cfg.total_timeout_ms);
  HTTP_OPT(CURLOPT_LOW_SPEED_LIMIT, h->cfg.low_speed_bytes);
  HTTP_OPT(CURLOPT_LOW_SPEED_TIME, h->cfg.low_speed_time_s);
  HTTP_OPT(CURLOPT_TCP_KEEPALIVE, 1L);
  HTTP_OPT(CURLOPT_USERAGENT, "township-kiosk/1");
  HTTP_OPT(CURLOPT_WRITEFUNCTION, http_on_body);
  HTTP_OPT(CURLOPT_WRITEDATA, h);
  HTTP_OPT(CURLOPT_HEADERFUNCTION, http_on_header);
  HTTP_OPT(CURLOPT_HEADERDATA, h);
  HTTP_OPT(CURLOPT_ERRORBUFFER, h->errbuf);
  if (rc != CURLE_OK) {
    LOG_E(MOD, "libcurl option refused: %s", curl_easy_strerror(rc));
    return KERR_INTERNAL;
  }
  return KERR_OK;
}

kerr http_create(const http_config *cfg, http **out) {
  http *h = NULL;
  kerr err = KERR_OK;

  *out = NULL;
  if (!cfg || !cfg->ca_file || !cfg->cert_file || !cfg->key_file)
    return KERR_INVALID;
  if (atomic_load(&http_cleaned))
    return KERR_STATE;
  pthread_once(&http_once, http_global_init);
  if (http_global_rc != KERR_OK)
    return KERR_INTERNAL;
  h = calloc(1, sizeof *h);
  if (!h)
    return KERR_NOMEM;
  atomic_init(&h->aborted, 0);
  buf_init(&h->body, 0);
  h->cfg = *cfg;
  if (h->cfg.connect_timeout_ms <= 0)
    h->cfg.connect_timeout_ms = 5000;
  if (h->cfg.total_timeout_ms <= 0)
    h->cfg.total_timeout_ms = 30000;
  if (h->cfg.low_speed_bytes <= 0)
    h->cfg.low_speed_bytes = 32;
  if (h->cfg.low_speed_time_s <= 0)
    h->cfg.low_speed_time_s = 10;
  if (!h->cfg.max_response || h->cfg.max_response >= SIZE_MAX / 2)
    h->cfg.max_response = HTTP_MAX_RESPONSE_DEFAULT;
  h->ca_file = http_strdup(cfg->ca_file);
  h->cert_file = http_strdup(cfg->cert_file);
  h->key_file = http_strdup(cfg->key_file);
  h->pin = http_strdup(cfg->pinned_pubkey);
  h->proxy = http_strdup(cfg->proxy);
  h->multi = curl_multi_init();
  h->easy = curl_easy_init();
  if (!h->ca_file || !h->cert_file || !h->key_file ||
      (cfg->pinned_pubkey && !h->pin) || (cfg->proxy && !h->proxy) ||
      !h->multi || !h->easy) {
    err = KERR_NOMEM;
    goto out;
  }
  /* One connection, kept for reuse. */
  curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, 1L);
  err = http_setup_easy(h);
  if (err)
    goto out;
  snprintf(h->last_error, sizeof h->last_error, "none");
  *out = h;
  h = NULL;
out:
  http_destroy(h);
  return err;
}

void http_destroy(http *h) {
  if (!h)
    return;
  if (h->easy)
    curl_easy_cleanup(h->easy);
  if (h->multi)
    curl_multi_cleanup(h->multi);
  free(h->ca_file);
  free(h->cert_file);
  free(h->key_file);
  free(h->pin);
  free(h->proxy);
  buf_free(&h->body);
  free(h);
}

void http_abort(http *h) {
  if (!h)
    return;
  atomic_store(&h->aborted, 1);
  curl_multi_wakeup(h->multi);
}

void http_wipe(http *h) {
  if (h)
    buf_reset(&h->body);
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

static const char *http_detail(http *h, CURLcode rc) {
  return h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc);
}

/* Maps a finished transfer's CURLcode. */
static kerr http_map_curl(http *h, CURLcode rc) {
  switch (rc) {
  case CURLE_OK:
    return KERR_OK;
  case CURLE_WRITE_ERROR:
  case CURLE_FILESIZE_EXCEEDED:
    if (h->overflow || rc == CURLE_FILESIZE_EXCEEDED) {
      http_set_error(h, "response larger than %zu bytes", h->body.max);
      return KERR_LIMIT;
    }
    break;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_INVALIDCERTSTATUS:
    if (h->no_san) {
      http_set_error(h, "TLS verification: the server certificate has no "
                        "subjectAltName (its host must be named there)");
      return KERR_DENIED;
    }
    http_set_error(h, "TLS verification: %s", http_detail(h, rc));
    return KERR_DENIED;
  case CURLE_OPERATION_TIMEDOUT:
    http_set_error(h, "timeout: %s", http_detail(h, rc));
    return KERR_NET;
  default:
    break;
  }
  if (h->no_san) {
    /* The handshake failed on our verify callback with a code curl does not
     * file under verification: still a refusal of the peer. */
    http_set_error(h, "TLS verification: the server certificate has no "
                      "subjectAltName (its host must be named there)");
    return KERR_DENIED;
  }
  http_set_error(h, "network: %s", http_detail(h, rc));
  return KERR_NET;
}

static kerr http_perform(http *h, const char *url, const char *const *headers,
                         const void *body, size_t len, size_t max,
                         http_response *r) {
  struct curl_slist *hl = NULL, *t;
  CURLcode rc = CURLE_OK;
  CURLMsg *msg;
  int running = 1, left = 0;
  kerr err = KERR_OK;

  memset(r, 0, sizeof *r);
  r->body = "";
  if (!h || !url)
    return KERR_INVALID;
  /* The last answer is wiped; this one gets this request's cap. */
  buf_free(&h->body);
  buf_init(&h->body, max < h->cfg.max_response ? max : h->cfg.max_response);
  h->overflow = 0;
  h->header_bytes = 0;
  h->retry_after_s = 0;
  h->etag[0] = '\0';
  h->no_san = 0;
  h->errbuf[0] = '\0';
  if (atomic_load(&h->aborted)) {
    http_set_error(h, "stopped");
    return KERR_STATE;
  }
  if (strncmp(url, "https://", 8) != 0 || strlen(url) >= HTTP_URL_MAX) {
    http_set_error(h, "not an https:// URL of at most %d bytes",
                   HTTP_URL_MAX - 1);
    return KERR_INVALID;
  }
  /* No "Expect: 100-continue" round trip, unless the caller asks for one
   * (http_json: a body the server may refuse before reading it). */
  int expect = 0;
  for (size_t i = 0; headers && headers[i]; i++)
    if (strncasecmp(headers[i], "Expect:", 7) == 0)
      expect = 1;
  hl = expect ? NULL : curl_slist_append(NULL, "Expect:");
  int oom = !expect && !hl;
  for (size_t i = 0; !oom && headers && headers[i]; i++) {
    t = curl_slist_append(hl, headers[i]);
    if (!t) {
      curl_slist_free_all(hl);
      hl = NULL;
      oom = 1;
    } else {
      hl = t;
    }
  }
  if (oom) {
    http_set_error(h, "out of memory");
    return KERR_NOMEM;
  }
  if (curl_easy_setopt(h->easy, CURLOPT_URL, url) != CURLE_OK ||
      curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, hl) != CURLE_OK ||
      curl_easy_setopt(h->easy, CURLOPT_MAXFILESIZE_LARGE,
                       (curl_off_t)h->body.max) != CURLE_OK ||
      (body ? curl_easy_setopt(h->easy, CURLOPT_POST, 1L) != CURLE_OK ||
                  curl_easy_setopt(h->easy, CURLOPT_POSTFIELDSIZE_LARGE,
                                   (curl_off_t)len) != CURLE_OK ||
                  curl_easy_setopt(h->easy, CURLOPT_POSTFIELDS, body) !=
                      CURLE_OK
            : curl_easy_setopt(h->easy, CURLOPT_HTTPGET, 1L) != CURLE_OK)) {
    http_set_error(h, "libcurl refused a request option");
    err = KERR_INTERNAL;
    goto out;
  }
  /* On the multi handle, so http_abort() can end it at once. */
  if (curl_multi_add_handle(h->multi, h->easy) != CURLM_OK) {
    http_set_error(h, "libcurl refused the transfer");
    err = KERR_INTERNAL;
    goto out;
  }
  for (;;) {
    if (atomic_load(&h->aborted)) {
      err = KERR_STATE;
      break;
    }
    if (curl_multi_perform(h->multi, &running) != CURLM_OK || !running)
      break;
    if (curl_multi_poll(h->multi, NULL, 0, 250, NULL) != CURLM_OK)
      break;
  }
  if (!err) {
    rc = CURLE_FAILED_INIT;
    while ((msg = curl_multi_info_read(h->multi, &left)) != NULL)
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == h->easy)
        rc = msg->data.result;
    err = http_map_curl(h, rc);
    curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &r->status);
  } else {
    http_set_error(h, "stopped");
  }
  curl_multi_remove_handle(h->multi, h->easy);
  if (!err && r->status == 0) {
    http_set_error(h, "no HTTP status");
    err = KERR_PROTOCOL;
  }
out:
  /* The list must outlive the transfer only; unset it before freeing. */
  curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all(hl);
  r->body = buf_ptr(&h->body);
  r->len = buf_len(&h->body);
  r->retry_after_s = h->retry_after_s;
  memcpy(r->etag, h->etag, sizeof r->etag);
  return err;
}

kerr http_get(http *h, const char *url, const char *const *headers,
              size_t max, http_response *r) {
  return http_perform(h, url, headers, NULL, 0, max, r);
}

kerr http_post(http *h, const char *url, const char *const *headers,
               const void *body, size_t len, size_t max, http_response *r) {
  if (!body)
    body = "";
  return http_perform(h, url, headers, body, len, max, r);
}

kerr http_json(http *h, const char *base_url, const char *path,
               const char *inm, const char *body, size_t len, size_t max,
               http_response *r) {
  char url[HTTP_URL_MAX];
  char hdr_inm[120];
  const char *hl[4];
  size_t n = 0;
  kerr err;

  if (snprintf(url, sizeof url, "%s%s", base_url, path) >= (int)sizeof url) {
    memset(r, 0, sizeof *r);
    r->body = "";
    return KERR_LIMIT;
  }
  hl[n++] = body ? "Content-Type: application/json"
                 : "Accept: application/json";
  /* A body is sent only once the server has looked at the headers: one
   * that refuses the request before reading its body (a kiosk's
   * certificate publishing, 403; a body too large, 413) answers at once,
   * and the answer is read instead of lost to a reset connection. */
  if (body)
    hl[n++] = "Expect: 100-continue";
  if (inm) {
    snprintf(hdr_inm, sizeof hdr_inm, "If-None-Match: %s", inm);
    hl[n++] = hdr_inm;
  }
  hl[n] = NULL;
  if (body)
    err = http_post(h, url, hl, body, len, max, r);
  else
    err = http_get(h, url, hl, max, r);
  if (err == KERR_DENIED)
    LOG_W(MOD, "TLS peer refused: %s", http_last_error(h));
  else if (err == KERR_NET || err == KERR_PROTOCOL)
    LOG_W(MOD, "GET/POST %s: %s", path, http_last_error(h));
  return err == KERR_PROTOCOL ? KERR_NET : err;
}
