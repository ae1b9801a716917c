/* api_device: the endpoints kiosks call (docs/protocol.md).
 *
 * Every handler here runs after srv.c has verified the client certificate;
 * r->peer->cn is the calling device's id (the administrator's id for the
 * publishing endpoints, which srv.c opens to administrator certificates
 * only). A device may only submit and
 * report as itself (device_id must equal the certificate CN: 403 otherwise).
 * Progress queries are rate-limited per device and per client address, with
 * a separate, much smaller allowance for wrong checks, and an unknown
 * reference is answered exactly like a wrong check. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "content.h"
#include "flow.h"
#include "intake.h"
#include "keys.h"
#include "reqjson.h"
#include "kiosk/core/log.h"
#include "kiosk/core/session.h"
#include "search.h"
#include "srv_private.h"

static enum MHD_Result reply_parse_error(srv_req *r, kerr err,
                                         const char *msg) {
  (void)err;
  return srv_reply_error(r, 400, "bad_request", msg);
}

static enum MHD_Result reply_store_error(srv_req *r, kerr err) {
  LOG_E("api", "store failed: %s", kerr_str(err));
  if (err == KERR_FULL)
    return srv_reply_error(r, 507, "storage_full", "server storage is full");
  return srv_reply_error(r, 500, "internal", "storage error");
}

/* ---- check key ---- */

typedef struct rekey_ctx {
  const srv *s;
  int lost;
} rekey_ctx;

static int rekey_one(void *ud, store_app *a) {
  rekey_ctx *c = ud;
  kerr err = intake_app_rekey(c->s->check_key, a);
  if (err == KERR_NOTFOUND) {
    LOG_W("api", "application %s: stored check digest matches no ending; "
                 "its progress query will not answer", a->uuid);
    c->lost++;
    return 0;
  }
  return err != KERR_OK;
}

/* Opens a stored application and computes its search digests into the
 * context's buffer (an application that does not open is indexed with
 * none, and logged by uuid only). */
typedef struct index_ctx {
  const srv *s;
  unsigned char d[STORE_SEARCH_MAX][STORE_SEARCH_BYTES];
  int unopenable;
} index_ctx;

static int search_digests(const srv *s, const store_app *a,
                          unsigned char d[][STORE_SEARCH_BYTES], size_t *n,
                          char hints[INTAKE_HINTS_MAX][5], size_t *n_hints,
                          char *why, size_t whycap);

static int index_one(void *ud, store_app *a) {
  index_ctx *c = ud;
  size_t n = 0;
  int opens = search_digests(c->s, a, c->d, &n, NULL, NULL, NULL, 0);
  if (opens < 0)
    return 1;
  if (!opens) {
    LOG_W("api", "application %s does not open; not searchable by name",
          a->uuid);
    c->unopenable++;
  }
  a->search = &c->d[0][0];
  a->n_search = n;
  a->searchable = 1;
  return 0;
}

kerr api_check_setup(srv *s) {
  int created = 0, narrowed = 0, n = 0;
  rekey_ctx ctx = {.s = s};
  kerr err =
      keys_check_key(s->cfg.pki_dir, s->check_key, &created, &narrowed);
  if (err) {
    LOG_E("srv", "cannot read or make %s/check.key: %s%s", s->cfg.pki_dir,
          kerr_str(err),
          err == KERR_DENIED ? " (readable by everyone)"
                             : "; make it with: kiosk-server keygen --check "
                               "DIR");
    return err;
  }
  if (created)
    LOG_I("srv", "made %s/check.key (mode 0600)", s->cfg.pki_dir);
  if (narrowed)
    LOG_W("srv", "%s/check.key was readable by everyone; no longer",
          s->cfg.pki_dir);
  if ((err = store_app_rekey(s->st, rekey_one, &ctx, &n))) {
    LOG_E("srv", "rekeying stored check digests failed: %s", kerr_str(err));
    return err;
  }
  if (n)
    LOG_I("srv", "rekeyed the check digests of %d stored applications "
                 "(%d unrecoverable)", n, ctx.lost);
  search_key_derive(s->check_key, s->search_key);
  index_ctx ix = {.s = s};
  err = store_app_index(s->st, index_one, &ix, &n);
  sodium_memzero(ix.d, sizeof ix.d);
  if (err) {
    LOG_E("srv", "indexing stored applications for search failed: %s",
          kerr_str(err));
    return err;
  }
  if (n)
    LOG_I("srv", "indexed %d stored applications for search (%d do not "
                 "open)", n, ix.unopenable);
  return KERR_OK;
}

/* ---- POST /v1/applications ---- */

/* The opened plaintext goes into a buffer of the calling thread's own:
 * from sodium_malloc (guard page after it, locked so it is never swapped
 * out) once per thread and kept, wiped after every use. A sodium_malloc
 * per application (mmap, mlock, mprotect, munmap, and the TLB shootdowns
 * that reach the other cores) cost about a tenth of the server's time.
 * A payload larger than PLAIN_KEEP (photographed pages) gets a buffer of
 * its own, freed after use, so a thread does not keep megabytes locked.
 * The key and its destructor (sodium_free at the thread's exit) are made
 * once per process. */
enum { PLAIN_KEEP = 64 * 1024 };
static pthread_once_t plain_once = PTHREAD_ONCE_INIT;
static pthread_key_t plain_key;
static int plain_key_ok;

static void plain_drop(void *p) { sodium_free(p); }

static void plain_init(void) {
  plain_key_ok = pthread_key_create(&plain_key, plain_drop) == 0;
}

/* A buffer of at least n bytes for a plaintext; NULL when out of memory.
 * Give it back with plain_give. */
static unsigned char *plain_take(size_t n) {
  pthread_once(&plain_once, plain_init);
  if (n > PLAIN_KEEP || !plain_key_ok)
    return sodium_malloc(n);
  unsigned char *b = pthread_getspecific(plain_key);
  if (!b) {
    if (!(b = sodium_malloc(PLAIN_KEEP)))
      return NULL;
    if (pthread_setspecific(plain_key, b) != 0) {
      sodium_free(b);
      return sodium_malloc(n);
    }
  }
  return b;
}

/* Wipes the n bytes used of b and gives it back (frees one of its own). */
static void plain_give(unsigned char *b, size_t n) {
  if (!b)
    return;
  sodium_memzero(b, n);
  if (!plain_key_ok || b != pthread_getspecific(plain_key))
    sodium_free(b);
}

/* 1 if the sealed box opens with the server's key, -1 if out of memory.
 * The plaintext is only looked at for the search digests (d, *n: the
 * applicant's name and ID number, keyed) and, when why is not NULL, its
 * photographed pages (intake_payload_pages: 2 and why when they are
 * refused), and wiped at once. */
static int search_digests(const srv *s, const store_app *a,
                          unsigned char d[][STORE_SEARCH_BYTES], size_t *n,
                          char hints[INTAKE_HINTS_MAX][5], size_t *n_hints,
                          char *why, size_t whycap) {
  *n = 0;
  if (n_hints)
    *n_hints = 0;
  if (a->sealed_len <= crypto_box_SEALBYTES)
    return 0;
  size_t len = a->sealed_len - crypto_box_SEALBYTES;
  unsigned char *m = plain_take(len + 1);
  if (!m)
    return -1;
  int ok = crypto_box_seal_open(m, a->sealed, a->sealed_len, s->seal_pk,
                                s->seal_sk) == 0;
  if (ok) {
    /* Parsed once for both: the search digests and the check's hints. */
    cJSON *pt = cJSON_ParseWithLength((const char *)m, len);
    search_digests_json(s->search_key, pt, d, n);
    if (hints && n_hints)
      *n_hints = intake_payload_hints_json(pt, hints);
    kerr pages = why ? intake_payload_pages(pt, why, whycap) : KERR_OK;
    if (pages)
      ok = pages == KERR_NOMEM ? -1 : 2;
    session_wipe_json(pt);
    cJSON_Delete(pt);
  }
  plain_give(m, len + 1);
  return ok;
}

enum MHD_Result api_app_submit(srv_req *r) {
  unsigned char digests[STORE_SEARCH_MAX][STORE_SEARCH_BYTES];
  size_t n_digests = 0, n_hints = 0;
  char hints[INTAKE_HINTS_MAX][5];
  intake_app in;
  char msg[REQJSON_MSG_MAX];
  int created = 0;
  enum MHD_Result ret;
  /* Parsed once; the check is keyed after the seal is opened, the
   * payload's own endings tried first: a few hashes instead of a search
   * through all 14 641. */
  kerr err = intake_app_begin(r->body, r->len, &in, msg, sizeof msg);
  if (err)
    return reply_parse_error(r, err, msg);
  if (strcmp(in.app.device_id, r->peer->cn) != 0) {
    ret = srv_reply_error(r, 403, "forbidden",
                          "device_id differs from the client certificate");
    goto out;
  }
  char why[REQJSON_MSG_MAX];
  int opens = search_digests(r->s, &in.app, digests, &n_digests, hints,
                             &n_hints, why, sizeof why);
  if (opens < 0) {
    ret = MHD_NO;
    goto out;
  }
  if (opens == 2) {
    sodium_memzero(hints, sizeof hints);
    LOG_W("api", "application %s from %s refused: %s", in.app.uuid,
          in.app.device_id, why);
    ret = srv_reply_error(r, 422, "bad_attachment", why);
    goto out;
  }
  if (opens) {
    err = intake_app_finish(&in, r->s->check_key, (const char(*)[5])hints,
                            n_hints, msg, sizeof msg);
    sodium_memzero(hints, sizeof hints);
    if (err) {
      sodium_memzero(digests, sizeof digests);
      return reply_parse_error(r, err, msg);
    }
  }
  if (!opens) {
    unsigned long k = atomic_fetch_add(&r->s->unopenable, 1) + 1;
    LOG_W("api", "application %s ref %s from %s refused: sealed payload "
                 "does not open with seal.key (%lu refused since start)",
          in.app.uuid, in.app.reference, in.app.device_id, k);
    ret = srv_reply_error(r, 422, "unopenable",
                          "sealed does not open with the server's seal key; "
                          "check the kiosk's seal.pub");
    goto out;
  }
  in.app.search = &digests[0][0];
  in.app.n_search = n_digests;
  in.app.searchable = 1;
  in.app.received_at = srv_now(r->s);
  srv_time_text(in.app.received_at, in.app.received_at_text);
  err = store_app_put(r->s->st, &in.app, &created);
  if (err == KERR_CONFLICT) {
    LOG_W("api", "application %s resent with a different body", in.app.uuid);
    ret = srv_reply_error(r, 409, "conflict",
                          "this uuid was stored with a different body");
    goto out;
  }
  if (err == KERR_STATE) {
    LOG_W("api", "application %s from %s reuses reference %s", in.app.uuid,
          in.app.device_id, in.app.reference);
    ret = srv_reply_error(r, 409, "duplicate_reference",
                          "this device already sent another application "
                          "with this reference");
    goto out;
  }
  if (err) {
    ret = reply_store_error(r, err);
    goto out;
  }
  if (created)
    LOG_I("api", "application %s ref %s from %s stored", in.app.uuid,
          in.app.reference, in.app.device_id);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "uuid", in.app.uuid);
  cJSON_AddStringToObject(j, "reference", in.app.reference);
  cJSON_AddStringToObject(j, "received_at", in.app.received_at_text);
  cJSON_AddStringToObject(j, "status", "submitted");
  ret = srv_reply_json(r, created ? 201 : 200, j, NULL);
out:
  sodium_memzero(digests, sizeof digests);
  intake_app_free(&in);
  return ret;
}

/* ---- GET /v1/status/{reference}?check=LAST4 ---- */

/* The answer is built for the first candidate whose check digest matches;
 * every candidate is compared, in constant time each. */
typedef struct status_scan {
  char want[65];
  int found;
  cJSON *answer;
} status_scan;

/* The application's own timeline: its summary status over time, as old
 * kiosks show it (item events are in item_states). Each item's state for
 * the applicant: id, status code and label, when. Nothing personal, no
 * staff id, no item note. */
static cJSON *status_answer(const store_progress *p) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "reference", p->app->reference);
  cJSON *items = cJSON_Parse(p->app->items_json);
  cJSON_AddItemToObject(j, "items", items ? items : cJSON_CreateArray());
  cJSON *tl = cJSON_AddArrayToObject(j, "timeline");
  for (size_t i = 0; i < p->n_events; i++) {
    const store_event *ev = &p->events[i];
    if (ev->item)
      continue;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "status", ev->status);
    cJSON_AddStringToObject(e, "at", ev->at_text);
    cJSON_AddStringToObject(e, "note", ev->note);
    cJSON_AddItemToArray(tl, e);
  }
  cJSON *st = cJSON_AddArrayToObject(j, "item_states");
  for (size_t i = 0; i < p->n_items; i++) {
    const store_item *it = &p->items[i];
    const char *label = flow_status_label(it->status);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "id", it->item);
    cJSON_AddStringToObject(e, "status", it->status);
    cJSON_AddStringToObject(e, "label", label ? label : it->status);
    cJSON_AddStringToObject(e, "updated_at", it->updated_at_text);
    cJSON_AddItemToArray(st, e);
  }
  return j;
}

static int status_each(void *ud, const store_progress *p) {
  status_scan *sc = ud;
  if (sodium_memcmp(sc->want, p->app->check_digest, 64) == 0 && !sc->found) {
    sc->found = 1;
    sc->answer = status_answer(p);
  }
  return 0;
}

static enum MHD_Result reply_limited(srv_req *r, int retry) {
  char ra[16];
  snprintf(ra, sizeof ra, "%d", retry);
  const char *const h[] = {"Retry-After", ra, NULL};
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "error", "rate_limited");
  cJSON_AddStringToObject(j, "message", "too many requests; try again later");
  return srv_reply_json(r, 429, j, h);
}

enum MHD_Result api_status(srv_req *r) {
  srv *s = r->s;
  char kdev[80], kaddr[80];
  int retry = 0, retry2 = 0;
  double now = (double)srv_now(s);
  status_scan *sc = NULL;
  enum MHD_Result ret;
  snprintf(kdev, sizeof kdev, "d:%s", r->peer->cn);
  snprintf(kaddr, sizeof kaddr, "a:%s", r->addr);
  /* A caller who has failed too often is refused before anything else. */
  if (!ratelimit_take(s->rl_fail, kdev, now, 0, &retry) ||
      !ratelimit_take(s->rl_fail, kaddr, now, 0, &retry2))
    return reply_limited(r, retry > retry2 ? retry : retry2);
  if (!ratelimit_take(s->rl_status, kdev, now, 1, &retry) ||
      !ratelimit_take(s->rl_status, kaddr, now, 1, &retry2))
    return reply_limited(r, retry > retry2 ? retry : retry2);
  const char *check = srv_query(r, "check");
  if (!check)
    return srv_reply_error(r, 400, "bad_request",
                           "query parameter check is required");
  /* A malformed check is a bad request, said as such; a well-formed wrong
   * one is the same 404 as an unknown reference. */
  if (!intake_check_ok(check))
    return srv_reply_error(r, 400, "bad_request",
                           "query parameter check must be 4 letters or "
                           "digits");
  sc = calloc(1, sizeof *sc);
  if (!sc)
    return MHD_NO;
  int shape_ok = intake_reference_ok(r->param) &&
                 intake_check_mac(s->check_key, r->param, check, sc->want) ==
                     KERR_OK;
  if (shape_ok) {
    kerr err = store_app_progress(s->st, r->param, status_each, sc);
    if (err) {
      ret = reply_store_error(r, err);
      goto out;
    }
  }
  if (!sc->found) {
    ratelimit_take(s->rl_fail, kdev, now, 1, NULL);
    ratelimit_take(s->rl_fail, kaddr, now, 1, NULL);
    ret = srv_reply_error(r, 404, "not_found",
                          "no application with this reference and check");
    goto out;
  }
  ret = srv_reply_json(r, 200, sc->answer, NULL);
  sc->answer = NULL;
out:
  cJSON_Delete(sc->answer);
  free(sc);
  return ret;
}

/* ---- content ---- */

/* 1 if an If-None-Match header lists etag (quoted hex) or is "*". */
static int etag_matches(const char *inm, const char *etag) {
  if (!inm)
    return 0;
  size_t el = strlen(etag);
  const char *p = inm;
  while (*p) {
    p += strspn(p, " \t,");
    if (*p == '*')
      return 1;
    if (strncmp(p, "W/", 2) == 0)
      p += 2;
    size_t n = strcspn(p, ",");
    const char *tok = p;
    size_t tl = n;
    while (tl > 0 && (tok[tl - 1] == ' ' || tok[tl - 1] == '\t'))
      tl--;
    if (tl == el + 2 && tok[0] == '"' && tok[tl - 1] == '"' &&
        strncmp(tok + 1, etag, el) == 0)
      return 1;
    p += n;
  }
  return 0;
}

enum MHD_Result api_manifest(srv_req *r) {
  store_manifest m;
  unsigned char *buf = NULL;
  char etag[70];
  enum MHD_Result ret;
  if (strlen(r->param) != 6 || strspn(r->param, "0123456789") != 6)
    return srv_reply_error(r, 404, "not_found", "no such region");
  kerr err = store_content_manifest(r->s->st, r->param, &m, &buf);
  if (err == KERR_NOTFOUND)
    return srv_reply_error(r, 404, "not_found",
                           "no content published for this region");
  if (err)
    return reply_store_error(r, err);
  snprintf(etag, sizeof etag, "\"%s\"", m.etag);
  const char *const h[] = {"ETag", etag, "Cache-Control", "no-cache", NULL};
  if (etag_matches(srv_header(r, "If-None-Match"), m.etag)) {
    ret = srv_reply(r, 304, NULL, "", 0, h);
    goto out;
  }
  /* The manifest goes out as the exact bytes that were signed. */
  char sig[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(sig, sizeof sig, m.signature, 64,
                    sodium_base64_VARIANT_ORIGINAL);
  size_t cap = m.manifest_len + strlen(sig) + 64;
  char *body = malloc(cap);
  if (!body) {
    ret = MHD_NO;
    goto out;
  }
  size_t n = 0;
  n += (size_t)snprintf(body, cap, "{\"manifest\":");
  memcpy(body + n, m.manifest, m.manifest_len);
  n += m.manifest_len;
  n += (size_t)snprintf(body + n, cap - n, ",\"signature\":\"%s\"}", sig);
  ret = srv_reply(r, 200, "application/json; charset=utf-8", body, n, h);
  free(body);
out:
  free(buf);
  return ret;
}

enum MHD_Result api_file(srv_req *r) {
  char etag[70];
  unsigned char *data = NULL;
  size_t size = 0;
  int present = 0;
  if (!content_sha256_ok(r->param))
    return srv_reply_error(r, 404, "not_found", "no such file");
  snprintf(etag, sizeof etag, "\"%s\"", r->param);
  const char *const h[] = {"ETag", etag, "Cache-Control",
                           "public, max-age=31536000, immutable", NULL};
  if (etag_matches(srv_header(r, "If-None-Match"), r->param)) {
    kerr err = store_file_has(r->s->st, r->param, &present);
    if (err)
      return reply_store_error(r, err);
    if (present)
      return srv_reply(r, 304, NULL, "", 0, h);
  }
  kerr err = store_file_get(r->s->st, r->param, &data, &size);
  if (err == KERR_NOTFOUND)
    return srv_reply_error(r, 404, "not_found", "no such file");
  if (err)
    return reply_store_error(r, err);
  enum MHD_Result ret =
      srv_reply(r, 200, "application/octet-stream", data, size, h);
  free(data);
  return ret;
}

/* Only for administrator certificates (srv.c refuses others with 403
 * before the body is read); r->peer->cn is the administrator's id. */
enum MHD_Result api_publish(srv_req *r) {
  content_publish p;
  char msg[REQJSON_MSG_MAX], current[STORE_VERSION_MAX + 1] = "";
  unsigned char keys[SRV_ADMIN_KEYS_MAX][32];
  int created = 0;
  enum MHD_Result ret;
  size_t n_keys = srv_admin_keys(r->s, keys);
  kerr err = content_publish_parse(r->body, r->len, &keys[0][0], n_keys, &p,
                                   msg, sizeof msg);
  if (err == KERR_CRYPTO) {
    LOG_W("api", "publication by %s refused: signed with no administrator "
                 "key of admin.pub", r->peer->cn);
    return srv_reply_error(r, 403, "bad_signature", msg);
  }
  if (err)
    return reply_parse_error(r, err, msg);
  /* Every file the manifest lists must be sent now or stored already. */
  size_t missing = 0;
  for (size_t i = 0; i < p.n_listed; i++) {
    int have = 0;
    for (size_t k = 0; k < p.n_files && !have; k++)
      have = strcmp(p.files[k].sha256, p.listed[i].sha256) == 0;
    if (!have) {
      if ((err = store_file_has(r->s->st, p.listed[i].sha256, &have))) {
        ret = reply_store_error(r, err);
        goto out;
      }
    }
    missing += !have;
  }
  if (missing) {
    snprintf(msg, sizeof msg, "%zu file(s) listed in the manifest were "
                              "neither sent nor stored before", missing);
    ret = srv_reply_error(r, 400, "missing_files", msg);
    goto out;
  }
  p.m.published_at = srv_now(r->s);
  snprintf(p.m.published_by, sizeof p.m.published_by, "%s", r->peer->cn);
  err = store_content_publish(r->s->st, &p.m, p.files, p.n_files, &created,
                              current);
  if (err == KERR_CONFLICT) {
    /* The refusal names the backend's version, not the one sent. */
    cJSON *j = cJSON_CreateObject();
    snprintf(msg, sizeof msg, "region %s already has version %s; only a "
                              "newer version can be published",
             p.m.region, current);
    cJSON_AddStringToObject(j, "error", "conflict");
    cJSON_AddStringToObject(j, "message", msg);
    cJSON_AddStringToObject(j, "current_version", current);
    ret = srv_reply_json(r, 409, j, NULL);
    goto out;
  }
  if (err) {
    ret = reply_store_error(r, err);
    goto out;
  }
  LOG_I("api", "content %s for region %s %s by administrator %s",
        p.m.version, p.m.region, created ? "published" : "republished",
        r->peer->cn);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "region", p.m.region);
  cJSON_AddStringToObject(j, "version", p.m.version);
  cJSON_AddStringToObject(j, "etag", p.m.etag);
  ret = srv_reply_json(r, created ? 201 : 200, j, NULL);
out:
  content_publish_free(&p);
  return ret;
}

/* ---- GET /v1/content[?region=R] ---- */

enum { PUBLISHED_LIST_MAX = 500 };

static int published_each(void *ud, const store_manifest *m) {
  char at[SRV_TIME_BUF];
  cJSON *o = cJSON_CreateObject();
  srv_time_text(m->published_at, at);
  cJSON_AddStringToObject(o, "region", m->region);
  cJSON_AddStringToObject(o, "version", m->version);
  cJSON_AddStringToObject(o, "etag", m->etag);
  cJSON_AddStringToObject(o, "published_at", at);
  if (m->published_by[0])
    cJSON_AddStringToObject(o, "published_by", m->published_by);
  else
    cJSON_AddNullToObject(o, "published_by");
  cJSON_AddItemToArray(ud, o);
  return 0;
}

/* Every published version with who published it (administrators only). */
enum MHD_Result api_published(srv_req *r) {
  const char *region = srv_query(r, "region");
  if (region && (strlen(region) != 6 || strspn(region, "0123456789") != 6))
    return srv_reply_error(r, 400, "bad_request",
                           "query parameter region must be 6 digits");
  cJSON *j = cJSON_CreateObject();
  cJSON *a = cJSON_AddArrayToObject(j, "published");
  kerr err = store_content_list(r->s->st, region, PUBLISHED_LIST_MAX,
                                published_each, a);
  if (err) {
    cJSON_Delete(j);
    return reply_store_error(r, err);
  }
  return srv_reply_json(r, 200, j, NULL);
}

/* ---- POST /v1/devices/heartbeat ---- */

enum MHD_Result api_heartbeat(srv_req *r) {
  intake_heartbeat hb;
  char msg[REQJSON_MSG_MAX];
  enum MHD_Result ret;
  kerr err = intake_heartbeat_parse(r->body, r->len, &hb, msg, sizeof msg);
  if (err)
    return reply_parse_error(r, err, msg);
  if (strcmp(hb.dev.device_id, r->peer->cn) != 0) {
    ret = srv_reply_error(r, 403, "forbidden",
                          "device_id differs from the client certificate");
    goto out;
  }
  hb.dev.last_seen = srv_now(r->s);
  srv_time_text(hb.dev.last_seen, hb.dev.last_seen_text);
  if ((err = store_device_seen(r->s->st, &hb.dev))) {
    ret = reply_store_error(r, err);
    goto out;
  }
  ret = srv_reply(r, 204, NULL, "", 0, NULL);
out:
  intake_heartbeat_free(&hb);
  return ret;
}
