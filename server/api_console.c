/* api_console: the staff console's JSON API and its static page.
 *
 * Staff sign in with id and password (libsodium crypto_pwhash); a session
 * is a random 32-byte token in an HttpOnly, Secure, SameSite=Strict cookie,
 * stored only as its BLAKE2b hash.
 *
 * Sign-in never tells whether a staff id exists: an unknown id is checked
 * against a dummy hash of the same cost and answers exactly like a wrong
 * password. Failures are counted per (id, client address), not per
 * account, so nobody can lock a member of staff out from elsewhere: after
 * login_max_failures, each further failure doubles a delay (login_delay_s
 * up to login_lock_s) during which that id from that address gets 429.
 * Sign-in attempts are also rate-limited per client address, and every
 * failure is logged (tag "audit"). State-changing requests must be JSON and,
 * when the browser sends an Origin, come from this server's own origin.
 *
 * Applications are opened (crypto_box_seal_open) only here, only for a
 * signed-in member of staff, and the plaintext is wiped after the answer is
 * built; it is never stored or logged. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "console_assets.h"
#include "console_req.h"
#include "dept.h"
#include "intake.h"
#include "kiosk/core/log.h"
#include "reqjson.h"
#include "srv_private.h"

#define COOKIE "ks_session"

static const char CSP[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'";

/* ---- static files ---- */

enum MHD_Result console_static(srv_req *r) {
  const char *name = r->param && *r->param ? r->param : "index.html";
  for (size_t i = 0; i < console_assets_count; i++) {
    const console_asset *a = &console_assets[i];
    if (strcmp(a->path, name) == 0) {
      const char *const h[] = {"Content-Security-Policy", CSP,
                               "X-Frame-Options", "DENY",
                               "Cache-Control", "no-cache", NULL};
      return srv_reply(r, 200, a->mime, a->data, a->size, h);
    }
  }
  return srv_reply_error(r, 404, "not_found", "no such page");
}

/* ---- sessions ---- */

static void token_hash(const char *token, unsigned char out[32]) {
  crypto_generichash(out, 32, (const unsigned char *)token, strlen(token),
                     NULL, 0);
}

/* Fills staff with the signed-in staff id; 0 if there is no valid session. */
static int session_staff(srv_req *r, char staff[STORE_STAFF_MAX + 1]) {
  const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
                                                COOKIE);
  unsigned char h[32];
  if (!tok || strlen(tok) != 64 ||
      strspn(tok, "0123456789abcdef") != 64)
    return 0;
  token_hash(tok, h);
  return store_session_get(r->s->st, h, srv_now(r->s), staff) == KERR_OK;
}

static enum MHD_Result reply_signin(srv_req *r) {
  return srv_reply_error(r, 401, "unauthorized", "sign in first");
}

/* Rejects cross-site requests: an Origin, when present, must be ours. */
static int same_origin(srv_req *r) {
  const char *origin = srv_header(r, "Origin");
  const char *host = srv_header(r, "Host");
  char want[300];
  if (!origin)
    return 1;
  if (!host)
    return 0;
  snprintf(want, sizeof want, "https://%s", host);
  return strcmp(origin, want) == 0;
}

enum MHD_Result console_login(srv_req *r) {
  char msg[REQJSON_MSG_MAX];
  cJSON *j = NULL;
  store_staff st;
  enum MHD_Result ret;
  int retry = 0;
  int64_t now = srv_now(r->s);
  char key[80];
  if (!same_origin(r))
    return srv_reply_error(r, 403, "forbidden", "cross-site request");
  snprintf(key, sizeof key, "a:%s", r->addr);
  if (!ratelimit_take(r->s->rl_login, key, (double)now, 1, &retry)) {
    char ra[16];
    snprintf(ra, sizeof ra, "%d", retry);
    const char *const h[] = {"Retry-After", ra, NULL};
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "error", "rate_limited");
    cJSON_AddStringToObject(e, "message", "too many sign-in attempts");
    return srv_reply_json(r, 429, e, h);
  }
  const char *id, *pw;
  kerr err = console_req_login(r->body, r->len, &j, &id, &pw, msg, sizeof msg);
  if (err) {
    ret = srv_reply_error(r, 400, "bad_request", msg);
    goto out;
  }
  /* (id, address) as a fixed-size key: both are bounded but together
   * longer than a limiter key. */
  unsigned char kh[16];
  crypto_generichash_state gs;
  crypto_generichash_init(&gs, NULL, 0, sizeof kh);
  crypto_generichash_update(&gs, (const unsigned char *)id, strlen(id) + 1);
  crypto_generichash_update(&gs, (const unsigned char *)r->addr,
                            strlen(r->addr));
  crypto_generichash_final(&gs, kh, sizeof kh);
  sodium_bin2hex(key, sizeof key, kh, sizeof kh);
  if (!ratelimit_backoff_check(r->s->login_backoff, key, (double)now,
                               &retry)) {
    char ra[16];
    snprintf(ra, sizeof ra, "%d", retry);
    const char *const h[] = {"Retry-After", ra, NULL};
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "error", "locked");
    cJSON_AddStringToObject(e, "message",
                            "too many failed sign-ins; try again later");
    LOG_I("audit", "sign-in refused during a failure delay from %s", r->addr);
    ret = srv_reply_json(r, 429, e, h);
    goto out;
  }
  err = store_staff_get(r->s->st, id, &st);
  if (err && err != KERR_NOTFOUND) {
    ret = srv_reply_error(r, 500, "internal", "storage error");
    goto out;
  }
  int known = err == KERR_OK;
  /* Always one verification of the same cost; an unknown id never passes. */
  int ok = crypto_pwhash_str_verify(known ? st.pwhash : r->s->dummy_pwhash,
                                    pw, strlen(pw)) == 0 &&
           known;
  if (!ok) {
    double d = ratelimit_backoff_fail(r->s->login_backoff, key, (double)now);
    /* Unknown ids are not logged verbatim: they may be a password typed
     * into the wrong field. */
    if (known)
      LOG_W("audit", "failed sign-in for staff %s from %s (delay %.0f s)",
            st.id, r->addr, d);
    else
      LOG_W("audit", "failed sign-in for an unknown staff id from %s "
            "(delay %.0f s)", r->addr, d);
    ret = srv_reply_error(r, 401, "bad_credentials",
                          "wrong staff id or password");
    goto out;
  }
  ratelimit_backoff_clear(r->s->login_backoff, key);
  unsigned char raw[32], h[32];
  char token[65], cookie[200];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(token, sizeof token, raw, sizeof raw);
  token_hash(token, h);
  if (store_session_put(r->s->st, h, st.id, now + r->s->cfg.session_s)) {
    ret = srv_reply_error(r, 500, "internal", "storage error");
    goto out;
  }
  snprintf(cookie, sizeof cookie,
           COOKIE "=%s; Path=/; Max-Age=%d; HttpOnly; Secure; SameSite=Strict",
           token, r->s->cfg.session_s);
  sodium_memzero(token, sizeof token);
  LOG_I("audit", "staff %s signed in from %s", st.id, r->addr);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "id", st.id);
  cJSON_AddStringToObject(o, "name", st.name);
  const char *const hd[] = {"Set-Cookie", cookie, NULL};
  ret = srv_reply_json(r, 200, o, hd);
out:
  cJSON_Delete(j);
  return ret;
}

enum MHD_Result console_logout(srv_req *r) {
  const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
                                                COOKIE);
  if (!same_origin(r))
    return srv_reply_error(r, 403, "forbidden", "cross-site request");
  if (tok) {
    unsigned char h[32];
    token_hash(tok, h);
    store_session_delete(r->s->st, h, srv_now(r->s));
  }
  const char *const hd[] = {
    "Set-Cookie",
    COOKIE "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict", NULL};
  return srv_reply(r, 204, NULL, "", 0, hd);
}

enum MHD_Result console_me(srv_req *r) {
  char staff[STORE_STAFF_MAX + 1];
  store_staff st;
  if (!session_staff(r, staff) || store_staff_get(r->s->st, staff, &st))
    return reply_signin(r);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "id", st.id);
  cJSON_AddStringToObject(o, "name", st.name);
  return srv_reply_json(r, 200, o, NULL);
}

/* ---- applications ---- */

static cJSON *items_with_depts(const char *items_json, const cJSON *names) {
  cJSON *out = cJSON_CreateArray();
  cJSON *ids = cJSON_Parse(items_json);
  const cJSON *it;
  int i = 0;
  cJSON_ArrayForEach(it, ids) {
    if (!cJSON_IsString(it))
      continue;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", it->valuestring);
    const cJSON *nm = cJSON_GetArrayItem(names, i);
    if (cJSON_IsString(nm))
      cJSON_AddStringToObject(o, "name", nm->valuestring);
    cJSON_AddStringToObject(o, "department", dept_for_item(it->valuestring));
    cJSON_AddItemToArray(out, o);
    i++;
  }
  cJSON_Delete(ids);
  return out;
}

static cJSON *app_summary(const store_app *a) {
  cJSON *o = cJSON_CreateObject();
  const char *label = dept_status_label(a->status);
  cJSON_AddStringToObject(o, "uuid", a->uuid);
  cJSON_AddStringToObject(o, "reference", a->reference);
  cJSON_AddStringToObject(o, "device_id", a->device_id);
  cJSON_AddStringToObject(o, "region", a->region);
  cJSON_AddStringToObject(o, "created_at", a->created_at);
  cJSON_AddStringToObject(o, "received_at", a->received_at_text);
  cJSON_AddStringToObject(o, "content_version", a->content_version);
  if (a->assisted_by[0])
    cJSON_AddStringToObject(o, "assisted_by", a->assisted_by);
  else
    cJSON_AddNullToObject(o, "assisted_by");
  cJSON_AddStringToObject(o, "status", a->status);
  cJSON_AddStringToObject(o, "status_label", label ? label : a->status);
  cJSON_AddBoolToObject(o, "urgent", a->urgent);
  cJSON_AddStringToObject(o, "kind", a->kind[0] ? a->kind : "application");
  cJSON_AddItemToObject(o, "items", items_with_depts(a->items_json, NULL));
  return o;
}

static int list_each(void *ud, const store_app *a) {
  cJSON_AddItemToArray(ud, app_summary(a));
  return 0;
}

/* Lists: a day's (default today), one reference's, or every urgent one
 * still waiting (?urgent=waiting); each answer says how many urgent ones
 * wait in all, so the console can say so whatever list it shows. */
enum MHD_Result console_apps(srv_req *r) {
  char staff[STORE_STAFF_MAX + 1], today[41];
  if (!session_staff(r, staff))
    return reply_signin(r);
  const char *ref = srv_query(r, "reference");
  const char *date = srv_query(r, "date");
  const char *urgent = srv_query(r, "urgent");
  cJSON *list = cJSON_CreateArray();
  int64_t waiting = 0;
  kerr err;
  if (urgent && (ref || date || strcmp(urgent, "waiting") != 0)) {
    cJSON_Delete(list);
    return srv_reply_error(r, 400, "bad_request",
                           "urgent takes the value waiting, alone");
  }
  if (urgent) {
    err = store_app_list_urgent(r->s->st, 500, list_each, list);
  } else if (ref) {
    char up[STORE_REF_MAX + 1];
    int valid;
    if (console_req_reference(ref, up, &valid)) {
      cJSON_Delete(list);
      return srv_reply_error(r, 400, "bad_request", "reference too long");
    }
    err = valid ? store_app_by_reference(r->s->st, up, list_each, list)
                : KERR_OK;
  } else {
    int64_t from, to;
    if (!date) {
      srv_time_text(srv_now(r->s), today);
      today[10] = '\0';
      date = today;
    }
    if (!srv_day_range(date, &from, &to)) {
      cJSON_Delete(list);
      return srv_reply_error(r, 400, "bad_request", "date must be YYYY-MM-DD");
    }
    err = store_app_list(r->s->st, from, to, 500, list_each, list);
  }
  if (!err)
    err = store_app_count_urgent(r->s->st, &waiting);
  if (err) {
    cJSON_Delete(list);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  cJSON *o = cJSON_CreateObject();
  if (!ref && !urgent)
    cJSON_AddStringToObject(o, "date", date);
  cJSON_AddNumberToObject(o, "urgent_waiting", (double)waiting);
  cJSON_AddItemToObject(o, "applications", list);
  return srv_reply_json(r, 200, o, NULL);
}

typedef struct app_copy {
  cJSON *summary;
  unsigned char *sealed;
  size_t sealed_len;
  char items[2048];
} app_copy;

static int copy_each(void *ud, const store_app *a) {
  app_copy *c = ud;
  c->summary = app_summary(a);
  snprintf(c->items, sizeof c->items, "%s", a->items_json);
  c->sealed = malloc(a->sealed_len ? a->sealed_len : 1);
  if (c->sealed) {
    memcpy(c->sealed, a->sealed, a->sealed_len);
    c->sealed_len = a->sealed_len;
  }
  return 1;
}

static int events_each(void *ud, const store_event *ev) {
  cJSON *e = cJSON_CreateObject();
  const char *label = dept_status_label(ev->status);
  cJSON_AddStringToObject(e, "status", ev->status);
  cJSON_AddStringToObject(e, "status_label", label ? label : ev->status);
  cJSON_AddStringToObject(e, "at", ev->at_text);
  cJSON_AddStringToObject(e, "note", ev->note);
  if (ev->staff_id)
    cJSON_AddStringToObject(e, "staff_id", ev->staff_id);
  else
    cJSON_AddNullToObject(e, "staff_id");
  cJSON_AddItemToArray(ud, e);
  return 0;
}

/* Opens the sealed application and moves the parts the console shows into
 * o: "display", "item names" (into items) and the applicant's signature. */
static kerr unseal_into(srv *s, const app_copy *c, cJSON *o) {
  kerr err = KERR_OK;
  char msg[REQJSON_MSG_MAX];
  cJSON *pt = NULL;
  if (c->sealed_len <= crypto_box_SEALBYTES)
    return KERR_CRYPTO;
  size_t n = c->sealed_len - crypto_box_SEALBYTES;
  unsigned char *buf = sodium_malloc(n + 1);
  if (!buf)
    return KERR_NOMEM;
  if (crypto_box_seal_open(buf, c->sealed, c->sealed_len, s->seal_pk,
                           s->seal_sk) != 0) {
    err = KERR_CRYPTO;
    goto out;
  }
  buf[n] = '\0';
  if ((err = reqjson_parse((const char *)buf, n, 32, &pt, msg, sizeof msg)))
    goto out;
  cJSON *display = cJSON_DetachItemFromObjectCaseSensitive(pt, "display");
  if (!cJSON_IsArray(display)) {
    cJSON_Delete(display);
    display = cJSON_CreateArray();
  }
  cJSON_AddItemToObject(o, "display", display);
  const cJSON *names = cJSON_GetObjectItemCaseSensitive(pt, "item_names");
  cJSON_ReplaceItemInObjectCaseSensitive(o, "items",
                                         items_with_depts(c->items, names));
  const cJSON *sig = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(pt, "signatures"), "applicant");
  if (cJSON_IsString(sig) && strlen(sig->valuestring) < 2 * 1024 * 1024 &&
      strspn(sig->valuestring, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
                               "stuvwxyz0123456789+/=") ==
          strlen(sig->valuestring))
    cJSON_AddStringToObject(o, "applicant_signature_png", sig->valuestring);
out:
  /* cJSON's copies of the plaintext are freed without wiping; the buffer
   * that held the whole plaintext is wiped by sodium_free. */
  cJSON_Delete(pt);
  sodium_free(buf);
  return err;
}

enum MHD_Result console_app(srv_req *r) {
  char staff[STORE_STAFF_MAX + 1];
  app_copy c;
  memset(&c, 0, sizeof c);
  if (!session_staff(r, staff))
    return reply_signin(r);
  if (!intake_uuid_ok(r->param))
    return srv_reply_error(r, 404, "not_found", "no such application");
  kerr err = store_app_get(r->s->st, r->param, copy_each, &c);
  if (err == KERR_NOTFOUND)
    return srv_reply_error(r, 404, "not_found", "no such application");
  if (err || !c.summary || !c.sealed) {
    cJSON_Delete(c.summary);
    free(c.sealed);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  cJSON *o = c.summary;
  cJSON *tl = cJSON_AddArrayToObject(o, "timeline");
  store_app_events(r->s->st, r->param, events_each, tl);
  err = unseal_into(r->s, &c, o);
  free(c.sealed);
  if (err) {
    LOG_W("console", "application %s could not be opened: %s", r->param,
          kerr_str(err));
    cJSON_AddBoolToObject(o, "unsealed", 0);
  } else {
    cJSON_AddBoolToObject(o, "unsealed", 1);
    LOG_I("console", "staff %s opened application %s", staff, r->param);
  }
  return srv_reply_json(r, 200, o, NULL);
}

enum MHD_Result console_app_status(srv_req *r) {
  char staff[STORE_STAFF_MAX + 1], msg[REQJSON_MSG_MAX], at[41];
  cJSON *j = NULL;
  enum MHD_Result ret;
  if (!same_origin(r))
    return srv_reply_error(r, 403, "forbidden", "cross-site request");
  if (!session_staff(r, staff))
    return reply_signin(r);
  if (!intake_uuid_ok(r->param))
    return srv_reply_error(r, 404, "not_found", "no such application");
  const char *status, *note;
  kerr err = console_req_status(r->body, r->len, &j, &status, &note, msg,
                                sizeof msg);
  if (err) {
    ret = srv_reply_error(r, 400, "bad_request", msg);
    goto out;
  }
  if (!dept_status_settable(status)) {
    ret = srv_reply_error(r, 400, "bad_request", "unknown status");
    goto out;
  }
  int64_t now = srv_now(r->s);
  srv_time_text(now, at);
  store_event ev = {.status = status, .note = note, .staff_id = staff,
                    .at_text = at, .at = now};
  err = store_app_set_status(r->s->st, r->param, &ev);
  if (err == KERR_NOTFOUND) {
    ret = srv_reply_error(r, 404, "not_found", "no such application");
    goto out;
  }
  if (err) {
    ret = srv_reply_error(r, 500, "internal", "storage error");
    goto out;
  }
  LOG_I("console", "staff %s set application %s to %s", staff, r->param,
        status);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "status", status);
  cJSON *tl = cJSON_AddArrayToObject(o, "timeline");
  store_app_events(r->s->st, r->param, events_each, tl);
  ret = srv_reply_json(r, 200, o, NULL);
out:
  cJSON_Delete(j);
  return ret;
}

/* ---- devices ---- */

static int device_each(void *ud, const store_device *d) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "device_id", d->device_id);
  cJSON_AddStringToObject(o, "content_version", d->content_version);
  cJSON_AddNumberToObject(o, "outbox_depth", (double)d->outbox_depth);
  cJSON_AddNumberToObject(o, "quarantined", (double)d->quarantined);
  cJSON_AddNumberToObject(o, "uptime_s", (double)d->uptime_s);
  cJSON_AddStringToObject(o, "last_seen", d->last_seen_text);
  cJSON *errs = cJSON_Parse(d->last_errors_json);
  cJSON_AddItemToObject(o, "last_errors", errs ? errs : cJSON_CreateArray());
  cJSON_AddItemToArray(ud, o);
  return 0;
}

enum MHD_Result console_devices(srv_req *r) {
  char staff[STORE_STAFF_MAX + 1];
  if (!session_staff(r, staff))
    return reply_signin(r);
  cJSON *list = cJSON_CreateArray();
  if (store_device_list(r->s->st, device_each, list)) {
    cJSON_Delete(list);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "devices", list);
  return srv_reply_json(r, 200, o, NULL);
}
