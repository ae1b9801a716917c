/* publish: see publish.h.
 *
 * Invariants: nothing is sent before every listed file has been read and
 * matched against the manifest; each answer is capped at SMALL_MAX; the
 * request body is built in a buf capped at its exact computed size. */
#include "publish.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "core/buf.h"
#include "core/json_limits.h"
#include "core/log.h"
#include "http.h"
#include "sync_manifest.h"

#define MOD "publish"
#define SMALL_MAX (64u * 1024u)

struct publish {
  char *base_url;
  http *http;
  http_response resp; /* the last answer, borrowed from http */
};

kerr publish_create(const publish_config *cfg, publish **out) {
  publish *p;
  http_config hc;
  size_t n;
  kerr err;

  *out = NULL;
  if (!cfg || !cfg->base_url || strncmp(cfg->base_url, "https://", 8) != 0 ||
      strlen(cfg->base_url) > 200 || !cfg->http.ca_file ||
      !cfg->http.cert_file || !cfg->http.key_file)
    return KERR_INVALID;
  if (sodium_init() < 0)
    return KERR_CRYPTO;
  p = calloc(1, sizeof *p);
  if (!p)
    return KERR_NOMEM;
  p->resp.body = "";
  n = strlen(cfg->base_url) + 1;
  p->base_url = malloc(n);
  if (!p->base_url) {
    publish_destroy(p);
    return KERR_NOMEM;
  }
  memcpy(p->base_url, cfg->base_url, n);
  hc = cfg->http;
  if (!hc.total_timeout_ms)
    hc.total_timeout_ms = 60000;
  hc.max_response = CONTENT_MAX_FILE_BYTES; /* each request asks for less */
  if ((err = http_create(&hc, &p->http))) {
    publish_destroy(p);
    return err;
  }
  *out = p;
  return KERR_OK;
}

void publish_destroy(publish *p) {
  if (!p)
    return;
  http_destroy(p->http);
  free(p->base_url);
  free(p);
}

/* One request (see http_json()). On KERR_OK *status is the HTTP status
 * and p->resp the answer. */
static kerr request(publish *p, const char *path, const char *inm,
                    const char *body, size_t body_len, size_t max,
                    long *status) {
  kerr err = http_json(p->http, p->base_url, path, inm, body, body_len, max,
                       &p->resp);
  *status = err ? 0 : p->resp.status;
  return err;
}


/* Copies the "error" and "message" of a JSON error body (ASCII only). */
static void publish_error_body(const publish *s, publish_result *r) {
  const json_limits lim = {SMALL_MAX, 4, 1024, 32};
  cJSON *j = NULL;
  if (json_limits_parse(s->resp.body, s->resp.len, &lim, &j, NULL) != KERR_OK)
    return;
  const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "error");
  const cJSON *msg = cJSON_GetObjectItemCaseSensitive(j, "message");
  const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "current_version");
  if (cJSON_IsString(code))
    snprintf(r->error_code, sizeof r->error_code, "%s", code->valuestring);
  if (cJSON_IsString(msg))
    snprintf(r->message, sizeof r->message, "%s", msg->valuestring);
  /* A version name is shown to the administrator: only if it is one. */
  if (cJSON_IsString(ver) && content_version_valid(ver->valuestring))
    snprintf(r->current_version, sizeof r->current_version, "%s",
             ver->valuestring);
  for (char *p = r->message; *p; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
      *p = '?';
  for (char *p = r->error_code; *p; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
      *p = '?';
  cJSON_Delete(j);
}

/* Appends base64 of data to b. */
static kerr put_b64(struct buf *b, const unsigned char *data, size_t n) {
  size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
  char *t = malloc(cap);
  kerr err;
  if (!t)
    return KERR_NOMEM;
  sodium_bin2base64(t, cap, data, n, sodium_base64_VARIANT_ORIGINAL);
  err = buf_add(b, t, cap - 1);
  free(t);
  return err;
}

kerr publish_bundle(publish *s, const char *dir, publish_result *r) {
  char mp[CONTENT_SYNC_PATH_MAX], sp[CONTENT_SYNC_PATH_MAX], why[160];
  unsigned char *mbytes = NULL, *sig = NULL;
  unsigned char **data = NULL;
  int *send = NULL;
  size_t mlen = 0, slen = 0;
  struct buf body;
  sync_manifest m;
  kerr err;
  long status = 0;

  memset(r, 0, sizeof *r);
  memset(&m, 0, sizeof m);
  buf_init(&body, 0);
  if (snprintf(mp, sizeof mp, "%s/manifest.json", dir) >= (int)sizeof mp ||
      snprintf(sp, sizeof sp, "%s/manifest.sig", dir) >= (int)sizeof sp)
    return KERR_LIMIT;
  if ((err = bundle_sig_read_file(mp, CONTENT_MAX_MANIFEST_BYTES, &mbytes,
                                  &mlen)))
    goto out;
  err = bundle_sig_read_file(sp, BUNDLE_SIG_BYTES, &sig, &slen);
  if (err == KERR_LIMIT || (!err && slen != BUNDLE_SIG_BYTES))
    err = KERR_INVALID;
  if (err)
    goto out;
  if ((err = sync_manifest_parse((const char *)mbytes, mlen, &m, why, sizeof why))) {
    snprintf(r->message, sizeof r->message, "%s", why);
    goto out;
  }
  snprintf(r->version, sizeof r->version, "%s", m.version);
  data = calloc(m.n_files, sizeof *data);
  send = calloc(m.n_files, sizeof *send);
  if (!data || !send) {
    err = KERR_NOMEM;
    goto out;
  }
  /* Every file as listed, read before anything is sent. */
  size_t total = 0;
  for (size_t i = 0; i < m.n_files; i++) {
    char p[CONTENT_SYNC_PATH_MAX + CONTENT_MAX_PATH + 2];
    snprintf(p, sizeof p, "%s/%s", dir, m.files[i].path);
    data[i] = sync_manifest_read_file(p, &m.files[i]);
    if (!data[i]) {
      snprintf(r->message, sizeof r->message,
               "%s differs from its size or SHA-256 in the manifest",
               m.files[i].path);
      err = KERR_CRYPTO;
      goto out;
    }
  }
  /* Ask which files the backend already has (304 = stored). */
  for (size_t i = 0; i < m.n_files; i++) {
    char p[120], inm[70];
    snprintf(p, sizeof p, "/v1/content/files/%s", m.files[i].sha);
    snprintf(inm, sizeof inm, "\"%s\"", m.files[i].sha);
    send[i] = 1;
    for (size_t k = 0; k < i; k++)
      if (strcmp(m.files[k].sha, m.files[i].sha) == 0)
        send[i] = 0; /* the same bytes under two paths: once is enough */
    if (!send[i])
      continue;
    err = request(s, p, inm, NULL, 0, SMALL_MAX, &status);
    if (err == KERR_DENIED || err == KERR_NET || err == KERR_STATE)
      goto out;
    if (!err && status == 304) {
      send[i] = 0;
      r->files_present++;
    }
  }
  /* {"manifest":"<b64>","signature":"<b64>","files":[{"sha256":"..",
   *  "data":"<b64>"},...]} */
  size_t cap = 64 + sodium_base64_ENCODED_LEN(mlen, sodium_base64_VARIANT_ORIGINAL) +
               sodium_base64_ENCODED_LEN(BUNDLE_SIG_BYTES,
                                         sodium_base64_VARIANT_ORIGINAL);
  for (size_t i = 0; i < m.n_files; i++)
    if (send[i])
      cap += 40 + 64 + sodium_base64_ENCODED_LEN(m.files[i].size,
                                                 sodium_base64_VARIANT_ORIGINAL);
  buf_init(&body, cap);
  err = buf_add_str(&body, "{\"manifest\":\"");
  if (!err)
    err = put_b64(&body, mbytes, mlen);
  if (!err)
    err = buf_add_str(&body, "\",\"signature\":\"");
  if (!err)
    err = put_b64(&body, sig, BUNDLE_SIG_BYTES);
  if (!err)
    err = buf_add_str(&body, "\",\"files\":[");
  for (size_t i = 0, sent = 0; !err && i < m.n_files; i++) {
    if (!send[i])
      continue;
    err = buf_printf(&body, "%s{\"sha256\":\"%s\",\"data\":\"",
                     sent++ ? "," : "", m.files[i].sha);
    if (!err)
      err = put_b64(&body, data[i], m.files[i].size);
    if (!err)
      err = buf_add_str(&body, "\"}");
    r->files_sent++;
    total += m.files[i].size;
  }
  if (!err)
    err = buf_add_str(&body, "]}");
  if (err)
    goto out;
  err = request(s, "/v1/content", NULL, buf_ptr(&body), buf_len(&body),
                SMALL_MAX, &status);
  if (err)
    goto out;
  r->http_status = (int)status;
  publish_error_body(s, r);
  switch (status) {
  case 200:
  case 201:
    err = KERR_OK;
    LOG_I(MOD, "published bundle %s for region %s: %zu files sent (%zu bytes), "
               "%zu already stored",
          m.version, m.region, r->files_sent, total, r->files_present);
    break;
  case 401:
    err = KERR_DENIED;
    break;
  case 403:
    err = KERR_CRYPTO;
    break;
  case 409:
    err = KERR_CONFLICT;
    break;
  case 413:
    err = KERR_LIMIT;
    break;
  case 429:
    err = KERR_BUSY;
    break;
  default:
    err = status >= 400 && status < 500 ? KERR_INVALID : KERR_BUSY;
    break;
  }
out:
  for (size_t i = 0; data && i < m.n_files; i++)
    free(data[i]);
  free(data);
  free(send);
  buf_free(&body);
  free(mbytes);
  free(sig);
  sync_manifest_free(&m);
  return err;
}

/* Maps a non-2xx answer of a request made here to publish_bundle()'s
 * errors, with r's details. */
static kerr answer_error(const publish *s, long status, publish_result *r) {
  r->http_status = (int)status;
  publish_error_body(s, r);
  switch (status) {
  case 401:
    return KERR_DENIED;
  case 403:
    return KERR_CRYPTO;
  case 404:
    return KERR_NOTFOUND;
  case 429:
    return KERR_BUSY;
  default:
    return status >= 400 && status < 500 ? KERR_INVALID : KERR_BUSY;
  }
}

kerr publish_list(publish *s, const char *region, publish_version *out,
                  size_t *n, publish_result *r) {
  /* 500 entries of about 200 bytes each. */
  const json_limits lim = {SMALL_MAX * 4, 4, 256, PUBLISH_LIST_MAX};
  char path[64];
  long status = 0;
  cJSON *j = NULL;
  kerr err;
  memset(r, 0, sizeof *r);
  *n = 0;
  if (region && (strlen(region) != 6 || strspn(region, "0123456789") != 6))
    return KERR_INVALID;
  snprintf(path, sizeof path, "/v1/content%s%s", region ? "?region=" : "",
           region ? region : "");
  if ((err = request(s, path, NULL, NULL, 0, SMALL_MAX * 4, &status)))
    return err;
  if (status != 200)
    return answer_error(s, status, r);
  r->http_status = 200;
  if (json_limits_parse(s->resp.body, s->resp.len, &lim, &j, NULL) != KERR_OK)
    return KERR_NET;
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "published"), *e;
  cJSON_ArrayForEach(e, a) {
    if (*n >= PUBLISH_LIST_MAX)
      break;
    publish_version *v = &out[*n];
    const char *region_s = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(e, "region"));
    const char *ver = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(e, "version"));
    const char *at = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(e, "published_at"));
    const char *by = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(e, "published_by"));
    if (!region_s || !ver || !at || !content_version_valid(ver))
      continue;
    memset(v, 0, sizeof *v);
    snprintf(v->region, sizeof v->region, "%s", region_s);
    snprintf(v->version, sizeof v->version, "%s", ver);
    snprintf(v->published_at, sizeof v->published_at, "%s", at);
    snprintf(v->published_by, sizeof v->published_by, "%s", by ? by : "");
    /* Shown on a terminal: no control characters. */
    for (char *c = v->published_by; *c; c++)
      if ((unsigned char)*c < 0x20 || *c == 0x7f)
        *c = '?';
    for (char *c = v->published_at; *c; c++)
      if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
        *c = '?';
    (*n)++;
  }
  cJSON_Delete(j);
  return KERR_OK;
}

/* Writes n bytes to dir/rel, making the folders between (rel was checked
 * by sync_manifest_parse: relative, no "..", at most 4 levels). */
static kerr write_rel(const char *dir, const char *rel, const void *data,
                      size_t n) {
  char p[CONTENT_SYNC_PATH_MAX + CONTENT_MAX_PATH + 2];
  if (snprintf(p, sizeof p, "%s/%s", dir, rel) >= (int)sizeof p)
    return KERR_LIMIT;
  for (char *c = p + strlen(dir) + 1; *c; c++) {
    if (*c != '/')
      continue;
    *c = '\0';
    int bad = mkdir(p, 0755) != 0 && errno != EEXIST;
    *c = '/';
    if (bad)
      return KERR_IO;
  }
  int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return KERR_IO;
  const unsigned char *b = data;
  size_t off = 0;
  while (off < n) {
    ssize_t w = write(fd, b + off, n - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      break;
    off += (size_t)w;
  }
  int ok = off == n && fsync(fd) == 0;
  return close(fd) == 0 && ok ? KERR_OK : KERR_IO;
}

/* Removes what publish_fetch wrote into dir (files of m, their folders,
 * the manifest and signature) and dir itself; best effort. */
static void fetch_undo(const char *dir, const sync_manifest *m) {
  char p[CONTENT_SYNC_PATH_MAX + CONTENT_MAX_PATH + 2];
  for (size_t i = 0; m && i < m->n_files; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, m->files[i].path);
    unlink(p);
    for (char *c = strrchr(p, '/'); c && c > p + strlen(dir);
         c = strrchr(p, '/')) {
      *c = '\0';
      rmdir(p); /* fails while not empty: fine */
    }
  }
  snprintf(p, sizeof p, "%s/manifest.json", dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/manifest.sig", dir);
  unlink(p);
  rmdir(dir);
}

kerr publish_fetch(publish *s, const char *region, const char *dir,
                   publish_result *r) {
  char path[160], why[160];
  unsigned char sig[BUNDLE_SIG_BYTES];
  unsigned char *mbytes = NULL;
  const char *mp = NULL;
  size_t mlen = 0;
  sync_manifest m;
  long status = 0;
  int made = 0;
  kerr err;

  memset(r, 0, sizeof *r);
  memset(&m, 0, sizeof m);
  if (strlen(region) != 6 || strspn(region, "0123456789") != 6)
    return KERR_INVALID;
  snprintf(path, sizeof path, "/v1/content/%s/manifest", region);
  if ((err = request(s, path, NULL, NULL, 0, CONTENT_MAX_MANIFEST_BYTES + 1024,
                     &status)))
    return err;
  if (status != 200)
    return answer_error(s, status, r);
  /* The answer is overwritten by the next request: keep the bytes. */
  if ((err = content_sync_split(s->resp.body, s->resp.len, &mp, &mlen, sig)))
    return KERR_NET;
  mbytes = malloc(mlen ? mlen : 1);
  if (!mbytes)
    return KERR_NOMEM;
  memcpy(mbytes, mp, mlen);
  if ((err = sync_manifest_parse((const char *)mbytes, mlen, &m, why,
                                 sizeof why))) {
    snprintf(r->message, sizeof r->message, "%s", why);
    goto out;
  }
  snprintf(r->version, sizeof r->version, "%s", m.version);
  if (strcmp(m.region, region) != 0) {
    snprintf(r->message, sizeof r->message, "the manifest is for region %s",
             m.region);
    err = KERR_INVALID;
    goto out;
  }
  if (mkdir(dir, 0755) != 0) {
    err = errno == EEXIST ? KERR_STATE : KERR_IO;
    goto out;
  }
  made = 1;
  for (size_t i = 0; i < m.n_files; i++) {
    unsigned char *data = NULL;
    char hex[65];
    snprintf(path, sizeof path, "/v1/content/files/%s", m.files[i].sha);
    if ((err = request(s, path, NULL, NULL, 0, m.files[i].size, &status)))
      goto out;
    if (status != 200) {
      err = answer_error(s, status, r);
      goto out;
    }
    sync_manifest_sha_hex((const unsigned char *)s->resp.body, s->resp.len,
                          hex);
    if (s->resp.len != m.files[i].size || strcmp(hex, m.files[i].sha) != 0) {
      snprintf(r->message, sizeof r->message,
               "%s differs from its size or SHA-256 in the manifest",
               m.files[i].path);
      err = KERR_CRYPTO;
      goto out;
    }
    data = (unsigned char *)s->resp.body;
    if ((err = write_rel(dir, m.files[i].path, data, s->resp.len)))
      goto out;
    r->files_sent++; /* here: files fetched */
  }
  if ((err = write_rel(dir, "manifest.json", mbytes, mlen)) ||
      (err = write_rel(dir, "manifest.sig", sig, sizeof sig)))
    goto out;
  r->http_status = 200;
  LOG_I(MOD, "fetched bundle %s of region %s: %zu files", m.version, region,
        m.n_files);
out:
  if (err && made)
    fetch_undo(dir, &m);
  free(mbytes);
  sync_manifest_free(&m);
  return err;
}
