/* api: the backend's device endpoints over net/http; see api.h for the
 * contract.
 *
 * Invariants: every answer is read from the http client's bounded buffer
 * (cfg.max_response); every JSON answer is parsed with
 * cJSON_ParseWithLength from that buffer and then checked field by field for
 * type and length before anything is copied out. */
#include "api.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "core/log.h"
#include "http.h"
#include "seal.h"

struct api {
  http *http;
  char *base_url;
  http_response resp;       /* the last answer, borrowed from http */
  char last_error[API_DETAIL_MAX];
};

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

kerr api_create(const api_config *cfg, api **out) {
  api *a = NULL;
  http_config hc;
  size_t n;
  kerr err = KERR_OK;

  *out = NULL;
  if (!cfg || !cfg->base_url || strncmp(cfg->base_url, "https://", 8) != 0 ||
      strlen(cfg->base_url) > 200 || !cfg->ca_file || !cfg->cert_file ||
      !cfg->key_file)
    return KERR_INVALID;
  a = calloc(1, sizeof *a);
  if (!a)
    return KERR_NOMEM;
  memset(&hc, 0, sizeof hc);
  hc.ca_file = cfg->ca_file;
  hc.cert_file = cfg->cert_file;
  hc.key_file = cfg->key_file;
  hc.pinned_pubkey = cfg->pinned_pubkey;
  hc.connect_timeout_ms = cfg->connect_timeout_ms;
  hc.total_timeout_ms = cfg->total_timeout_ms;
  hc.low_speed_bytes = cfg->low_speed_bytes;
  hc.low_speed_time_s = cfg->low_speed_time_s;
  hc.max_response = cfg->max_response ? cfg->max_response
                                      : API_MAX_RESPONSE_DEFAULT;
  err = http_create(&hc, &a->http);
  if (err)
    goto out;
  n = strlen(cfg->base_url) + 1;
  a->base_url = malloc(n);
  if (!a->base_url) {
    err = KERR_NOMEM;
    goto out;
  }
  memcpy(a->base_url, cfg->base_url, n);
  a->resp.body = "";
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
  http_destroy(a->http);
  free(a->base_url);
  free(a);
}

void api_abort(api *a) {
  if (a)
    http_abort(a->http);
}

/* Performs one request (body == NULL: GET). *status gets the HTTP status
 * (0 if none); the answer is in a->resp. */
static kerr api_perform(api *a, const char *path, const char *body,
                        size_t len, long *status) {
  static const char *const headers[] = {"Accept: application/json",
                                        "Content-Type: application/json",
                                        NULL};
  char url[512];
  int n;
  kerr err;

  *status = 0;
  n = snprintf(url, sizeof url, "%s%s", a->base_url, path);
  if (n < 0 || (size_t)n >= sizeof url)
    return KERR_INVALID;
  if (body)
    err = http_post(a->http, url, headers, body, len, HTTP_MAX_CLIENT,
                    &a->resp);
  else
    err = http_get(a->http, url, headers, HTTP_MAX_CLIENT, &a->resp);
  sodium_memzero(url, sizeof url); /* a status query's URL holds LAST4 */
  *status = a->resp.status;
  if (err)
    api_set_error(a, "%s", http_last_error(a->http));
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
  if (a->resp.len == 0)
    return NULL;
  return cJSON_ParseWithLength(a->resp.body, a->resp.len);
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
                                      "returned", "refused"};
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
  const cJSON *items, *tl, *states, *e;
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
  /* Per-item states (optional: servers before joint processing have none). */
  states = cJSON_GetObjectItemCaseSensitive(o, "item_states");
  if (states && !cJSON_IsArray(states))
    goto out;
  cJSON_ArrayForEach(e, states) {
    api_item_state *is;
    if (r->n_item_states == API_ITEMS_MAX || !cJSON_IsObject(e))
      goto out;
    is = &r->item_states[r->n_item_states];
    if (!api_json_str(e, "id", is->id, sizeof is->id) ||
        !api_json_str(e, "status", is->code, sizeof is->code) ||
        !api_json_str(e, "updated_at", is->at, sizeof is->at))
      goto out;
    is->status = api_progress_parse(is->code);
    r->n_item_states++;
  }
  err = KERR_OK;
out:
  if (err) {
    api_set_error(a, "status answer malformed");
    r->n_items = 0;
    r->n_timeline = 0;
    r->n_item_states = 0;
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
    r->retry_after_s = a->resp.retry_after_s;
  err = api_classify(a, status);
  /* A query is never "quarantined": a 4xx here is a kiosk bug or a
   * misconfiguration; report it as such. */
  if (err == KERR_CONFLICT)
    err = KERR_PROTOCOL;
out:
  /* The answer is about one applicant: nothing of it stays in the buffer. */
  http_wipe(a->http);
  a->resp.body = "";
  a->resp.len = 0;
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
