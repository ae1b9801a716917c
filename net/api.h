/* api: the backend's device endpoints (docs/protocol.md): submit, progress
 * query, heartbeat.
 *
 * Requests go through net/http, the one HTTPS client, which holds the TLS
 * policy: HTTPS only, TLS 1.2+, peer and host verified against the
 * deployment CA file alone (no system store), a subjectAltName required,
 * device client certificate (mTLS), optional SPKI pin, connect / total /
 * low-speed timeouts, capped response and header sizes, no redirects. One
 * api object owns one http client, so the TLS connection is reused between
 * requests.
 *
 * Threads: an api object is used by one thread at a time; api_abort() is the
 * one call that may come from another thread (it wakes a transfer in progress
 * so it ends within a fraction of a second). Use one api per thread that
 * talks to the backend (the delivery worker has its own).
 *
 * Results: every call returns a kerr that says what the caller should do:
 *   KERR_OK        done
 *   KERR_CONFLICT  409: the uuid is known with a different body (never retry),
 *                  or (error_code "duplicate_reference") the reference is
 *                  taken: resend under a new one
 *   KERR_INVALID   a 4xx that can never succeed for this request
 *   KERR_NOTFOUND  404 where the protocol defines it (progress query)
 *   KERR_BUSY      429 or 5xx or another temporary answer: retry later
 *   KERR_DENIED    the TLS peer failed verification or pin, or 401/403
 *   KERR_NET       no connection, timeout, TLS handshake or transfer error
 *   KERR_LIMIT     the response exceeded the size cap
 *   KERR_PROTOCOL  the answer is not what the protocol promises
 *   KERR_STATE     api_abort() was called */
#ifndef KIOSK_NET_API_H
#define KIOSK_NET_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/kerr.h"
#include "refno.h"

typedef struct api api;

typedef struct api_config {
  const char *base_url;       /* "https://host[:port]", no trailing slash */
  const char *ca_file;        /* deployment CA (PEM); required */
  const char *cert_file;      /* device certificate (PEM); required */
  const char *key_file;       /* device key (PEM); required */
  const char *pinned_pubkey;  /* "sha256//<base64>[;sha256//...]" or NULL */
  long connect_timeout_ms;    /* 0 -> 5000 */
  long total_timeout_ms;      /* 0 -> 30000 */
  long low_speed_bytes;       /* abort below this rate ... 0 -> 32 B/s */
  long low_speed_time_s;      /* ... for this long; 0 -> 10 s */
  size_t max_response;        /* body cap; 0 -> 64 KiB */
} api_config;

#define API_MAX_RESPONSE_DEFAULT (64u * 1024u)
#define API_TIME_MAX 40
#define API_NOTE_MAX 512
#define API_CODE_MAX 32
#define API_ITEMS_MAX 32
#define API_TIMELINE_MAX 32
#define API_DETAIL_MAX 160

/* Result of a submit. */
typedef struct api_submit_result {
  int http_status;                 /* 0 if no HTTP answer */
  char received_at[API_TIME_MAX];  /* from a 200/201 body */
  char error_code[API_CODE_MAX];   /* "error" of an error body, if any */
} api_submit_result;

/* Progress codes of docs/protocol.md, in process order. */
typedef enum api_progress {
  API_PROGRESS_SUBMITTED = 0, /* 已提交 */
  API_PROGRESS_ACCEPTED,      /* 受理 */
  API_PROGRESS_REVIEWING,     /* 审核 */
  API_PROGRESS_PUBLICIZED,    /* 公示 */
  API_PROGRESS_APPROVED,      /* 审批 */
  API_PROGRESS_PAID,          /* 发放 */
  API_PROGRESS_RETURNED,      /* 退回补正 */
  API_PROGRESS_REFUSED,       /* 不予 */
  API_PROGRESS_UNKNOWN        /* a code this kiosk does not know yet */
} api_progress;

typedef struct api_timeline_entry {
  api_progress status;
  char code[API_CODE_MAX];
  char at[API_TIME_MAX];
  char note[API_NOTE_MAX];    /* UTF-8, may be empty */
} api_timeline_entry;

/* Where one item of the application stands (joint processing: each item
 * has its own status). No personal data. */
typedef struct api_item_state {
  char id[API_CODE_MAX];      /* catalogue item id ("dibao") */
  api_progress status;
  char code[API_CODE_MAX];
  char at[API_TIME_MAX];      /* when it last changed */
} api_item_state;

typedef struct api_status_result {
  int http_status;
  int retry_after_s;          /* from Retry-After on 429, else 0 */
  char reference[REFNO_BUF];
  size_t n_items;
  char items[API_ITEMS_MAX][API_CODE_MAX];
  size_t n_timeline;
  api_timeline_entry timeline[API_TIMELINE_MAX];
  size_t n_item_states;       /* 0 from servers before joint processing */
  api_item_state item_states[API_ITEMS_MAX];
} api_status_result;

/* What the heartbeat reports. Strings borrowed; no personal data. */
typedef struct api_heartbeat_info {
  const char *device_id;
  const char *content_version;
  uint32_t outbox_depth;
  uint32_t quarantined;
  uint64_t uptime_s;
  const char *const *last_errors;
  size_t n_errors;            /* at most 8 are sent */
} api_heartbeat_info;

/* Creates a client. The config strings are copied. KERR_INVALID if the URL
 * is not https:// or a required file name is missing, KERR_NOMEM,
 * KERR_INTERNAL if libcurl cannot be initialised. */
kerr api_create(const api_config *cfg, api **out);

/* Frees the client and closes its connection. NULL is accepted. */
void api_destroy(api *a);

/* Makes the transfer in progress (and every later one) end promptly with
 * KERR_STATE. Safe to call from any thread. */
void api_abort(api *a);

/* POSTs an envelope to /v1/applications. uuid is the envelope's uuid; a
 * 200/201 body must echo it. r (may be NULL) gets details. */
kerr api_submit(api *a, const char *uuid, const char *body, size_t len,
                api_submit_result *r);

/* GET /v1/status/{reference}?check=LAST4. The reference is normalised first
 * (KERR_INVALID if it is not a valid reference or last4 is malformed).
 * KERR_OK fills r's timeline and item states; KERR_NOTFOUND unknown reference or wrong
 * check; KERR_BUSY rate limited (r->retry_after_s); KERR_NET network down. */
kerr api_status(api *a, const char *reference, const char *last4,
                api_status_result *r);

/* POST /v1/devices/heartbeat; KERR_OK on 204 (or 200). */
kerr api_heartbeat(api *a, const api_heartbeat_info *h);

/* A short English description of the last failure (e.g. "HTTP 503",
 * "timeout"), for logs and quarantine reasons. Borrowed until the next call;
 * never NULL, never personal data. */
const char *api_last_error(const api *a);

/* Name of a progress code ("accepted") -> enum; unknown names give
 * API_PROGRESS_UNKNOWN. */
api_progress api_progress_parse(const char *code);

#endif
