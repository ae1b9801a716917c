/* api: libcurl client for the backend; see api.h for the contract.
 *
 * Invariants: the response buffer never grows beyond cfg.max_response (the
 * write callback refuses more, which aborts the transfer); headers are capped
 * at API_HEADER_MAX bytes in total; every JSON answer is parsed with
 * cJSON_ParseWithLength from that bounded buffer and then checked field by
 * field for type and length before anything is copied out. */
#include "api.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <sodium.h>

#include "core/log.h"
#include "seal.h"

#define API_HEADER_MAX (16u * 1024u)
#define API_RETRY_AFTER_MAX 3600

struct api {
  CURLM *multi;
  CURL *easy;
  struct curl_slist *headers;
  char *base_url;
  char *ca_file;
  char *cert_file;
  char *key_file;
  char *pin;
  api_config cfg;
  char *body;               /* response, max_response + 1 bytes */
  size_t body_len;
  int overflow;
  size_t header_bytes;
  int retry_after_s;
  atomic_int aborted;
  char errbuf[CURL_ERROR_SIZE];
  char last_error[API_DETAIL_MAX];
};

static pthread_once_t api_once = PTHREAD_ONCE_INIT;
static CURLcode api_global_rc = CURLE_FAILED_INIT;

static void api_global_init(void) {
  api_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void api_set_error(api *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void api_set_error(api *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->last_error, sizeof a->last_error, fmt, ap);
  va_end(ap);
  /* Keep it printable ASCII: it may come from the peer. */
  for (char *p = a->last_error; *p; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
      *p = '?';
}

const char *api_last_error(const api *a) {
  return a ? a->last_error : "no client";
}

static size_t api_on_body(char *ptr, size_t size, size_t nmemb, void *ud) {
  api *a = ud;
  size_t n = size * nmemb;

  if (n > a->cfg.max_response - a->body_len) {
    a->overflow = 1;
    return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
  }
  memcpy(a->body + a->body_len, ptr, n);
  a->body_len += n;
  return n;
}

static size_t api_on_header(char *ptr, size_t size, size_t nmemb, void *ud) {
  api *a = ud;
  size_t n = size * nmemb;
  static const char ra[] = "retry-after:";

  a->header_bytes += n;
  if (a->header_bytes > API_HEADER_MAX) {
    a->overflow = 1;
    return 0;
  }
  if (n > sizeof ra - 1 && strncasecmp(ptr, ra, sizeof ra - 1) == 0) {
    long v = 0;
    size_t i = sizeof ra - 1;
    while (i < n && (ptr[i] == ' ' || ptr[i] == '\t'))
      i++;
    while (i < n && isdigit((unsigned char)ptr[i]) && v <= API_RETRY_AFTER_MAX)
      v = v * 10 + (ptr[i++] - '0');
    a->retry_after_s = (int)(v > API_RETRY_AFTER_MAX ? API_RETRY_AFTER_MAX : v);
  }
  return n;
}

static char *api_strdup(const char *s) {
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

/* Options that stay the same for every request. */
static kerr api_setup_easy(api *a) {
  CURL *e = a->easy;
  CURLcode rc = CURLE_OK;

#define API_OPT(opt, val)                    \
  do {                                       \
    if (rc == CURLE_OK)                      \
      rc = curl_easy_setopt(e, opt, val);    \
  } while (0)
  API_OPT(CURLOPT_PROTOCOLS_STR, "https");
  API_OPT(CURLOPT_REDIR_PROTOCOLS_STR, "https");
  API_OPT(CURLOPT_FOLLOWLOCATION, 0L);
  API_OPT(CURLOPT_NOSIGNAL, 1L);
  API_OPT(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  API_OPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  API_OPT(CURLOPT_SSL_VERIFYPEER, 1L);
  API_OPT(CURLOPT_SSL_VERIFYHOST, 2L);
  API_OPT(CURLOPT_CAINFO, a->ca_file);
  API_OPT(CURLOPT_CAPATH, NULL); /* the deployment CA only, no system store */
  API_OPT(CURLOPT_SSLCERT, a->cert_file);
  API_OPT(CURLOPT_SSLCERTTYPE, "PEM");
  API_OPT(CURLOPT_SSLKEY, a->key_file);
  API_OPT(CURLOPT_SSLKEYTYPE, "PEM");
  if (a->pin)
    API_OPT(CURLOPT_PINNEDPUBLICKEY, a->pin);
  API_OPT(CURLOPT_CONNECTTIMEOUT_MS, a->cfg.connect_timeout_ms);
  API_OPT(CURLOPT_TIMEOUT_MS, a->cfg.total_timeout_ms);
  API_OPT(CURLOPT_LOW_SPEED_LIMIT, a->cfg.low_speed_bytes);
  API_OPT(CURLOPT_LOW_SPEED_TIME, a->cfg.low_speed_time_s);
  API_OPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)a->cfg.max_response);
  API_OPT(CURLOPT_TCP_KEEPALIVE, 1L);
  API_OPT(CURLOPT_USERAGENT, "township-kiosk/1");
  API_OPT(CURLOPT_HTTPHEADER, a->headers);
  API_OPT(CURLOPT_WRITEFUNCTION, api_on_body);
  API_OPT(CURLOPT_WRITEDATA, a);
  API_OPT(CURLOPT_HEADERFUNCTION, api_on_header);
  API_OPT(CURLOPT_HEADERDATA, a);
  API_OPT(CURLOPT_ERRORBUFFER, a->errbuf);
#undef API_OPT
  if (rc != CURLE_OK) {
    LOG_E("api", "libcurl option refused: %s", curl_easy_strerror(rc));
    return KERR_INTERNAL;
  }
  return KERR_OK;
}

kerr api_create(const api_config *cfg, api **out) {
  api *a = NULL;
  kerr err = KERR_OK;

  *out = NULL;
  if (!cfg || !cfg->base_url || strncmp(cfg->base_url, "https://", 8) != 0 ||
      strlen(cfg->base_url) > 200 || !cfg->ca_file || !cfg->cert_file ||
      !cfg->key_file)
    return KERR_INVALID;
  pthread_once(&api_once, api_global_init);
  if (api_global_rc != CURLE_OK)
    return KERR_INTERNAL;
  a = calloc(1, sizeof *a);
  if (!a)
    return KERR_NOMEM;
  atomic_init(&a->aborted, 0);
  a->cfg = *cfg;
  if (!a->cfg.connect_timeout_ms)
    a->cfg.connect_timeout_ms = 5000;
  if (!a->cfg.total_timeout_ms)
    a->cfg.total_timeout_ms = 30000;
  if (!a->cfg.low_speed_bytes)
    a->cfg.low_speed_bytes = 32;
  if (!a->cfg.low_speed_time_s)
    a->cfg.low_speed_time_s = 10;
  if (!a->cfg.max_response)
    a->cfg.max_response = API_MAX_RESPONSE_DEFAULT;
  a->base_url = api_strdup(cfg->base_url);
  a->ca_file = api_strdup(cfg->ca_file);
  a->cert_file = api_strdup(cfg->cert_file);
  a->key_file = api_strdup(cfg->key_file);
  a->pin = cfg->pinned_pubkey ? api_strdup(cfg->pinned_pubkey) : NULL;
  a->body = malloc(a->cfg.max_response + 1);
  a->headers = curl_slist_append(NULL, "Accept: application/json");
  if (a->headers)
    a->headers = curl_slist_append(a->headers, "Content-Type: application/json");
  if (a->headers)
    a->headers = curl_slist_append(a->headers, "Expect:");
  a->multi = curl_multi_init();
  a->easy = curl_easy_init();
  if (!a->base_url || !a->ca_file || !a->cert_file || !a->key_file ||
      (cfg->pinned_pubkey && !a->pin) || !a->body || !a->headers ||
      !a->multi || !a->easy) {
    err = KERR_NOMEM;
    goto out;
  }
  /* One connection, kept for reuse. */
  curl_multi_setopt(a->multi, CURLMOPT_MAXCONNECTS, 1L);
  err = api_setup_easy(a);
  if (err)
    goto out;
  snprintf(a->last_error, sizeof a->last_error, "none");
  *out = a;
  a = NULL;
out:
  api_destroy(a);
  return err;
}

void api_destroy(api *a) {
  if (!a)
    return;
  if (a->easy)
    curl_easy_cleanup(a->easy);
  if (a->multi)
    curl_multi_cleanup(a->multi);
  curl_slist_free_all(a->headers);
  free(a->base_url);
  free(a->ca_file);
  free(a->cert_file);
  free(a->key_file);
  free(a->pin);
  if (a->body)
    sodium_memzero(a->body, a->cfg.max_response + 1);
  free(a->body);
  free(a);
}

void api_abort(api *a) {
  if (!a)
    return;
  atomic_store(&a->aborted, 1);
  curl_multi_wakeup(a->multi);
}

/* Maps a finished transfer's CURLcode. */
static kerr api_map_curl(api *a, CURLcode rc) {
  switch (rc) {
  case CURLE_OK:
    return KERR_OK;
  case CURLE_WRITE_ERROR:
  case CURLE_FILESIZE_EXCEEDED:
    if (a->overflow || rc == CURLE_FILESIZE_EXCEEDED) {
      api_set_error(a, "response larger than %zu bytes", a->cfg.max_response);
      return KERR_LIMIT;
    }
    break;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_INVALIDCERTSTATUS:
    api_set_error(a, "TLS verification: %s",
                  a->errbuf[0] ? a->errbuf : curl_easy_strerror(rc));
    return KERR_DENIED;
  case CURLE_OPERATION_TIMEDOUT:
    api_set_error(a, "timeout: %s",
                  a->errbuf[0] ? a->errbuf : curl_easy_strerror(rc));
    return KERR_NET;
  default:
    break;
  }
  api_set_error(a, "network: %s",
                a->errbuf[0] ? a->errbuf : curl_easy_strerror(rc));
  return KERR_NET;
}

/* Performs one request on the multi handle so api_abort() can end it at
 * once. *status gets the HTTP status (0 if none). */
static kerr api_perform(api *a, const char *path, const char *body,
                        size_t len, long *status) {
  char url[512];
  CURLcode rc = CURLE_OK;
  CURLMcode mc;
  CURLMsg *msg;
  int running = 1, left = 0, n;
  kerr err = KERR_OK;

  *status = 0;
  a->body_len = 0;
  a->overflow = 0;
  a->header_bytes = 0;
  a->retry_after_s = 0;
  a->errbuf[0] = '\0';
  if (atomic_load(&a->aborted)) {
    api_set_error(a, "stopped");
    return KERR_STATE;
  }
  n = snprintf(url, sizeof url, "%s%s", a->base_url, path);
  if (n < 0 || (size_t)n >= sizeof url)
    return KERR_INVALID;
  curl_easy_setopt(a->easy, CURLOPT_URL, url);
  if (body) {
    curl_easy_setopt(a->easy, CURLOPT_POST, 1L);
    curl_easy_setopt(a->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(a->easy, CURLOPT_POSTFIELDS, body);
  } else {
    curl_easy_setopt(a->easy, CURLOPT_HTTPGET, 1L);
  }
  if (curl_multi_add_handle(a->multi, a->easy) != CURLM_OK)
    return KERR_INTERNAL;
  for (;;) {
    if (atomic_load(&a->aborted)) {
      err = KERR_STATE;
      break;
    }
    mc = curl_multi_perform(a->multi, &running);
    if (mc != CURLM_OK || !running)
      break;
    mc = curl_multi_poll(a->multi, NULL, 0, 250, NULL);
    if (mc != CURLM_OK)
      break;
  }
  if (!err) {
    rc = CURLE_FAILED_INIT;
    while ((msg = curl_multi_info_read(a->multi, &left)) != NULL)
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == a->easy)
        rc = msg->data.result;
    err = api_map_curl(a, rc);
    curl_easy_getinfo(a->easy, CURLINFO_RESPONSE_CODE, status);
  } else {
    api_set_error(a, "stopped");
  }
  curl_multi_remove_handle(a->multi, a->easy);
  if (!err && *status == 0) {
    api_set_error(a, "no HTTP status");
    err = KERR_PROTOCOL;
  }
  return err;
}

/* Copies a JSON string member into dst (cap bytes) if it is a string of at
 * most cap-1 bytes; 0 otherwise. */
static int api_json_str(const cJSON *o, const char *key, char *dst,
                        size_t cap) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  size_t n;

  if (!cJSON_IsString(v) || !v->valuestring)
    return 0;
  n = strlen(v->valuestring);
  if (n >= cap)
    return 0;
  memcpy(dst, v->valuestring, n + 1);
  return 1;
}

static cJSON *api_parse_body(api *a) {
  if (a->body_len == 0)
    return NULL;
  return cJSON_ParseWithLength(a->body, a->body_len);
}

/* Notes the "error" code of an error body (if well-formed) in dst. */
static void api_error_code(api *a, char *dst, size_t cap) {
  cJSON *o = api_parse_body(a);

  if (dst && cap)
    dst[0] = '\0';
  if (cJSON_IsObject(o) && dst)
    (void)api_json_str(o, "error", dst, cap);
  cJSON_Delete(o);
}

/* Kind of a non-success HTTP status for a request with a body of its own. */
static kerr api_classify(api *a, long status) {
  char code[API_CODE_MAX];

  api_error_code(a, code, sizeof code);
  api_set_error(a, "HTTP %ld%s%s", status, code[0] ? " " : "", code);
  if (status == 409)
    return KERR_CONFLICT;
  if (status == 401 || status == 403)
    return KERR_DENIED;
  if (status == 429 || status >= 500 || status == 408 || status == 404 ||
      status == 421 || status == 425)
    return KERR_BUSY;
  if (status >= 400 && status < 500)
    return KERR_INVALID;
  return KERR_PROTOCOL; /* 1xx, 3xx, other 2xx */
}

kerr api_submit(api *a, const char *uuid, const char *body, size_t len,
                api_submit_result *r) {
  api_submit_result tmp;
  cJSON *o = NULL;
  char got[SEAL_UUID_BUF];
  long status = 0;
  kerr err;

  if (!r)
    r = &tmp;
  memset(r, 0, sizeof *r);
  if (!a || !seal_uuid_valid(uuid) || !body || len == 0)
    return KERR_INVALID;
  err = api_perform(a, "/v1/applications", body, len, &status);
  r->http_status = (int)status;
  if (err)
    return err;
  if (status != 200 && status != 201) {
    err = api_classify(a, status);
    api_error_code(a, r->error_code, sizeof r->error_code);
    return err;
  }
  o = api_parse_body(a);
  if (!cJSON_IsObject(o) || !api_json_str(o, "uuid", got, sizeof got) ||
      strcmp(got, uuid) != 0 ||
      !api_json_str(o, "received_at", r->received_at, sizeof r->received_at)) {
    api_set_error(a, "HTTP %ld with an unexpected body", status);
    err = KERR_PROTOCOL;
  }
  cJSON_Delete(o);
  return err;
}

api_progress api_progress_parse(const char *code) {
  static const char *const names[] = {"submitted", "accepted", "reviewing",
                                      "publicized", "approved", "paid",
                                      "returned"};
  for (size_t i = 0; code && i < sizeof names / sizeof names[0]; i++)
    if (strcmp(code, names[i]) == 0)
      return (api_progress)i;
  return API_PROGRESS_UNKNOWN;
}

/* Overwrites every string of a parsed tree (a status answer's notes may be
 * about the applicant) before cJSON_Delete frees it. */
static void json_wipe(cJSON *j) {
  for (; j; j = j->next) {
    if (j->valuestring)
      sodium_memzero(j->valuestring, strlen(j->valuestring));
    if (j->string)
      sodium_memzero(j->string, strlen(j->string));
    json_wipe(j->child);
  }
}

static kerr api_parse_status(api *a, api_status_result *r) {
  cJSON *o = api_parse_body(a);
  const cJSON *items, *tl, *e;
  kerr err = KERR_PROTOCOL;
  char ref[REFNO_BUF + 8];

  if (!cJSON_IsObject(o) || !api_json_str(o, "reference", ref, sizeof ref) ||
      refno_normalize(ref, r->reference) != KERR_OK)
    goto out;
  items = cJSON_GetObjectItemCaseSensitive(o, "items");
  tl = cJSON_GetObjectItemCaseSensitive(o, "timeline");
  if ((items && !cJSON_IsArray(items)) || !cJSON_IsArray(tl))
    goto out;
  cJSON_ArrayForEach(e, items) {
    if (r->n_items == API_ITEMS_MAX || !cJSON_IsString(e) ||
        strlen(e->valuestring) >= API_CODE_MAX)
      goto out;
    memcpy(r->items[r->n_items++], e->valuestring, strlen(e->valuestring) + 1);
  }
  cJSON_ArrayForEach(e, tl) {
    api_timeline_entry *t;
    if (r->n_timeline == API_TIMELINE_MAX || !cJSON_IsObject(e))
      goto out;
    t = &r->timeline[r->n_timeline];
    if (!api_json_str(e, "status", t->code, sizeof t->code) ||
        !api_json_str(e, "at", t->at, sizeof t->at))
      goto out;
    if (cJSON_GetObjectItemCaseSensitive(e, "note") &&
        !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e, "note")) &&
        !api_json_str(e, "note", t->note, sizeof t->note))
      goto out;
    t->status = api_progress_parse(t->code);
    r->n_timeline++;
  }
  err = KERR_OK;
out:
  if (err) {
    api_set_error(a, "status answer malformed");
    r->n_items = 0;
    r->n_timeline = 0;
  }
  json_wipe(o);
  cJSON_Delete(o);
  return err;
}

kerr api_status(api *a, const char *reference, const char *last4,
                api_status_result *r) {
  char canon[REFNO_BUF], path[96];
  long status = 0;
  kerr err;

  memset(r, 0, sizeof *r);
  if (!a || !reference || refno_normalize(reference, canon) != KERR_OK ||
      !last4 || strlen(last4) != 4)
    return KERR_INVALID;
  for (int i = 0; i < 4; i++)
    if (!isdigit((unsigned char)last4[i]) && toupper((unsigned char)last4[i]) != 'X')
      return KERR_INVALID;
  snprintf(path, sizeof path, "/v1/status/%s?check=%c%c%c%c", canon,
           last4[0], last4[1], last4[2], toupper((unsigned char)last4[3]));
  err = api_perform(a, path, NULL, 0, &status);
  sodium_memzero(path, sizeof path); /* it holds LAST4 */
  r->http_status = (int)status;
  if (err)
    goto out;
  if (status == 200) {
    err = api_parse_status(a, r);
    goto out;
  }
  if (status == 404) {
    api_set_error(a, "HTTP 404");
    err = KERR_NOTFOUND;
    goto out;
  }
  if (status == 429)
    r->retry_after_s = a->retry_after_s;
  err = api_classify(a, status);
  /* A query is never "quarantined": a 4xx here is a kiosk bug or a
   * misconfiguration; report it as such. */
  if (err == KERR_CONFLICT)
    err = KERR_PROTOCOL;
out:
  /* The answer is about one applicant: nothing of it stays in the buffer. */
  sodium_memzero(a->body, a->cfg.max_response + 1);
  a->body_len = 0;
  return err;
}

kerr api_heartbeat(api *a, const api_heartbeat_info *h) {
  cJSON *o = NULL, *errs;
  char *json = NULL;
  long status = 0;
  kerr err = KERR_NOMEM;

  if (!a || !h || !h->device_id || !h->content_version)
    return KERR_INVALID;
  o = cJSON_CreateObject();
  if (!o || !cJSON_AddStringToObject(o, "device_id", h->device_id) ||
      !cJSON_AddStringToObject(o, "content_version", h->content_version) ||
      !cJSON_AddNumberToObject(o, "outbox_depth", h->outbox_depth) ||
      !cJSON_AddNumberToObject(o, "quarantined", h->quarantined) ||
      !cJSON_AddNumberToObject(o, "uptime_s", (double)h->uptime_s) ||
      !(errs = cJSON_AddArrayToObject(o, "last_errors")))
    goto out;
  for (size_t i = 0; i < h->n_errors && i < 8; i++) {
    cJSON *s = cJSON_CreateString(h->last_errors[i] ? h->last_errors[i] : "");
    if (!s || !cJSON_AddItemToArray(errs, s)) {
      cJSON_Delete(s);
      goto out;
    }
  }
  json = cJSON_PrintUnformatted(o);
  if (!json)
    goto out;
  err = api_perform(a, "/v1/devices/heartbeat", json, strlen(json), &status);
  if (!err && status != 204 && status != 200)
    err = api_classify(a, status);
out:
  cJSON_free(json);
  cJSON_Delete(o);
  return err;
}
