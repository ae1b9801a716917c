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
 * built; it is never stored or logged. Every opening and every status
 * change is written to the audit table (who, when, which application and
 * item; never personal data).
 *
 * Roles (store.h): window staff see and move every item; reviewers see
 * applications with an item of their department and move only those items
 * (flow.c judges the move, dept.c says who handles what); administrators
 * see everything and the audit log, and move nothing. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "console_assets.h"
#include "console_req.h"
#include "content.h"
#include "dept.h"
#include "flow.h"
#include "intake.h"
#include "kiosk/core/session.h"
#include "kiosk/core/log.h"
#include "reqjson.h"
#include "scope.h"
#include "search.h"
#include "srv_private.h"
#include "xlsx.h"

#define COOKIE "ks_session"

static const char CSP[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'";

static void add_account(cJSON *o, const srv *s, const store_staff *st) {
  const char *dn = st->dept[0] ? dept_name(s->depts, st->dept) : NULL;
  cJSON_AddStringToObject(o, "id", st->id);
  cJSON_AddStringToObject(o, "name", st->name);
  cJSON_AddStringToObject(o, "role", st->role);
  cJSON_AddBoolToObject(o, "supervisor", st->supervisor);
  cJSON_AddBoolToObject(o, "disabled", st->disabled);
  if (st->dept[0])
    cJSON_AddStringToObject(o, "department", st->dept);
  else
    cJSON_AddNullToObject(o, "department");
  if (dn)
    cJSON_AddStringToObject(o, "department_name", dn);
  else
    cJSON_AddNullToObject(o, "department_name");
}

static enum MHD_Result reply_refusal(srv_req *r, unsigned status,
                                     const char *code, const char *message);

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

/* Fills st with the signed-in member of staff; 0 if there is none (no
 * valid session, or the account is gone). */
static int session_account(srv_req *r, store_staff *st) {
  char staff[STORE_STAFF_MAX + 1];
  return session_staff(r, staff) &&
         store_staff_get(r->s->st, staff, st) == KERR_OK && !st->disabled;
}

static int is_role(const store_staff *st, const char *role) {
  return strcmp(st->role, role) == 0;
}

/* Whether st may see (and, not being an administrator, change) the item:
 * window staff and administrators see every item, reviewers their
 * department's. */
static int sees_item(const srv *s, const store_staff *st, const char *item) {
  if (!is_role(st, STORE_ROLE_REVIEWER))
    return 1;
  return dept_handles(s->depts, st->dept, item);
}

/* Whether st sees an application with these items (a JSON array): a
 * reviewer one with at least one of its department's items. */
static int sees_app(const srv *s, const store_staff *st,
                    const char *items_json) {
  if (!is_role(st, STORE_ROLE_REVIEWER))
    return 1;
  cJSON *ids = cJSON_Parse(items_json);
  const cJSON *it;
  int yes = 0;
  cJSON_ArrayForEach(it, ids) {
    if (cJSON_IsString(it) && sees_item(s, st, it->valuestring)) {
      yes = 1;
      break;
    }
  }
  cJSON_Delete(ids);
  return yes;
}

/* Writes an audit record now; a failure is logged (the action itself has
 * already been answered or is a read). */
static void audit(srv_req *r, const char *staff, const char *action,
                  const char *uuid, const char *item, const char *detail) {
  char at[SRV_TIME_BUF];
  int64_t now = srv_now(r->s);
  srv_time_text(now, at);
  store_audit a = {.at = now, .at_text = at, .staff_id = staff,
                   .action = action, .uuid = uuid, .item = item,
                   .detail = detail ? detail : ""};
  if (store_audit_add(r->s->st, &a))
    LOG_E("audit", "could not record %s by staff %s", action, staff);
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
  if (st.disabled) {
    /* Said only after the right password, so it tells a guesser nothing. */
    LOG_W("audit", "sign-in refused for disabled staff %s from %s", st.id,
          r->addr);
    ret = reply_refusal(r, 403, "account_disabled",
                        "这个账号已停用，请找管理员。");
    goto out;
  }
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
  add_account(o, r->s, &st);
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
  store_staff st;
  if (!session_account(r, &st))
    return reply_signin(r);
  cJSON *o = cJSON_CreateObject();
  add_account(o, r->s, &st);
  return srv_reply_json(r, 200, o, NULL);
}

enum MHD_Result console_departments(srv_req *r) {
  store_staff st;
  if (!session_account(r, &st))
    return reply_signin(r);
  cJSON *o = cJSON_CreateObject();
  cJSON *a = cJSON_AddArrayToObject(o, "departments");
  for (size_t i = 0; i < dept_count(r->s->depts); i++) {
    const char *id, *name;
    dept_at(r->s->depts, i, &id, &name);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "id", id);
    cJSON_AddStringToObject(d, "name", name);
    cJSON_AddItemToArray(a, d);
  }
  cJSON *items = cJSON_AddObjectToObject(o, "items");
  for (size_t i = 0; i < dept_item_count(r->s->depts); i++) {
    const char *id, *name;
    dept_item_at(r->s->depts, i, &id, &name);
    if (name)
      cJSON_AddStringToObject(items, id, name);
  }
  return srv_reply_json(r, 200, o, NULL);
}

/* ---- applications ---- */

static cJSON *items_with_depts(const srv *s, const char *items_json,
                               const cJSON *names) {
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
    const char *tn = dept_item_name(s->depts, it->valuestring);
    if (cJSON_IsString(nm))
      cJSON_AddStringToObject(o, "name", nm->valuestring);
    else if (tn)
      cJSON_AddStringToObject(o, "name", tn);
    cJSON_AddStringToObject(o, "department",
                            dept_for_item(s->depts, it->valuestring));
    cJSON_AddItemToArray(out, o);
    i++;
  }
  cJSON_Delete(ids);
  return out;
}

static cJSON *app_summary(const srv *s, const store_app *a) {
  cJSON *o = cJSON_CreateObject();
  const char *label = flow_status_label(a->status);
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
  cJSON_AddItemToObject(o, "items",
                        items_with_depts(s, a->items_json, NULL));
  return o;
}

typedef struct list_ctx {
  const srv *s;
  const store_staff *st;
  cJSON *list;
} list_ctx;

/* Reviewers are listed only applications with an item of theirs. */
static int list_each(void *ud, const store_app *a) {
  list_ctx *c = ud;
  if (sees_app(c->s, c->st, a->items_json))
    cJSON_AddItemToArray(c->list, app_summary(c->s, a));
  return 0;
}

/* The JSON array of the item ids department dept handles (of the items
 * the departments file knows), malloc'ed; NULL when out of memory. */
static char *dept_items_json(const srv *s, const char *dept) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; a && i < dept_item_count(s->depts); i++) {
    const char *id, *name;
    dept_item_at(s->depts, i, &id, &name);
    if (dept_handles(s->depts, dept, id))
      cJSON_AddItemToArray(a, cJSON_CreateString(id));
  }
  char *out = a ? cJSON_PrintUnformatted(a) : NULL;
  cJSON_Delete(a);
  return out;
}

/* A list request's filter, with the buffers it points into. */
typedef struct list_query {
  store_app_filter f;
  char *items;   /* malloc'ed JSON */
  char *visible; /* malloc'ed JSON */
  char one_item[STORE_ITEM_MAX + 16];
  char ref_key[STORE_REF_MAX + 1];
  unsigned char digests[STORE_SEARCH_MAX][STORE_SEARCH_BYTES];
  char date[11], from[11], to[11]; /* "" when not given */
} list_query;

static void list_query_free(list_query *q) {
  free(q->items);
  free(q->visible);
  sodium_memzero(q->digests, sizeof q->digests);
}

static int id_ok(const char *v, size_t max) {
  size_t n = strlen(v);
  return n > 0 && n <= max &&
         strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static int yes_no(const char *v, int *out) {
  if (!v)
    return 1;
  if (strcmp(v, "yes") == 0)
    *out = 1;
  else if (strcmp(v, "no") == 0)
    *out = 0;
  else
    return 0;
  return 1;
}

/* Reads the list filters of GET /api/console/applications (and its CSV)
 * into q. Returns NULL, or an English reason for a 400. The search (q,
 * or the older reference) looks at every day unless a day or range is
 * given; without any, the list is today's. Reviewers only ever get
 * applications with an item of their department. */
static const char *list_query_parse(srv_req *r, const store_staff *st,
                                    list_query *q, int max_limit) {
  const srv *s = r->s;
  memset(q, 0, sizeof *q);
  q->f.assisted = -1;
  q->f.urgent = -1;
  q->f.limit = max_limit < 100 ? max_limit : 100;
  const char *date = srv_query(r, "date"), *from = srv_query(r, "from"),
             *to = srv_query(r, "to"), *backlog = srv_query(r, "backlog"),
             *text = srv_query(r, "q"), *ref = srv_query(r, "reference"),
             *v;
  int64_t a, b, c, d;
  if (text && !text[0])
    text = NULL;
  if (ref && !ref[0])
    ref = NULL;
  if (text && ref)
    return "give q or reference, not both";
  if (ref && strlen(ref) > STORE_REF_MAX)
    return "reference too long";
  if (ref)
    text = ref;
  if (backlog && strcmp(backlog, "1") != 0 && strcmp(backlog, "yes") != 0)
    return "backlog takes the value 1";
  if (date && (from || to))
    return "give date, or from and to, not both";
  if (backlog && (date || from || to))
    return "backlog is every day: no date with it";
  if (date) {
    if (!srv_day_range(date, &a, &b))
      return "date must be YYYY-MM-DD";
    q->f.from = a;
    q->f.to = b;
    snprintf(q->date, sizeof q->date, "%.10s", date);
  } else if (from || to) {
    if (!from || !to || !srv_day_range(from, &a, &b) ||
        !srv_day_range(to, &c, &d) || c < a)
      return "from and to must both be YYYY-MM-DD, from not after to";
    q->f.from = a;
    q->f.to = d;
    snprintf(q->from, sizeof q->from, "%.10s", from);
    snprintf(q->to, sizeof q->to, "%.10s", to);
  } else if (backlog) {
    q->f.backlog = 1;
  } else if (!text) {
    char today[SRV_TIME_BUF];
    srv_time_text(srv_now(s), today);
    today[10] = '\0';
    if (!srv_day_range(today, &a, &b))
      return "no today";
    q->f.from = a;
    q->f.to = b;
    memcpy(q->date, today, 11);
  }
  if (text) {
    if (strlen(text) > 200)
      return "search text too long";
    if (search_ref_key(text, q->ref_key))
      q->f.ref_key = q->ref_key;
    if (!ref) { /* a reference is looked up as one, never as a name */
      size_t n = 0;
      search_digests_query(s->search_key, text, q->digests, &n);
      q->f.digests = &q->digests[0][0];
      q->f.n_digests = n;
    }
    if (!q->f.ref_key && !q->f.n_digests)
      q->f.ref_key = "-"; /* matches nothing */
  }
  if ((v = srv_query(r, "status"))) {
    if (!flow_status_label(v))
      return "status is not a known status";
    q->f.status = v;
  }
  if ((v = srv_query(r, "item"))) {
    if (!id_ok(v, STORE_ITEM_MAX))
      return "item is not an item id";
    snprintf(q->one_item, sizeof q->one_item, "[\"%s\"]", v);
    q->f.items_json = q->one_item;
  }
  if ((v = srv_query(r, "department"))) {
    if (q->f.items_json)
      return "give item or department, not both";
    if (!id_ok(v, STORE_DEPT_MAX) || !dept_name(s->depts, v))
      return "no such department";
    if (!(q->items = dept_items_json(s, v)))
      return "out of memory";
    q->f.items_json = q->items;
  }
  if (!yes_no(srv_query(r, "assisted"), &q->f.assisted))
    return "assisted takes yes or no";
  if (!yes_no(srv_query(r, "urgent"), &q->f.urgent))
    return "urgent takes yes or no (or waiting, alone)";
  if ((v = srv_query(r, "kind"))) {
    if (strcmp(v, "application") != 0 && strcmp(v, "referral") != 0)
      return "kind takes application or referral";
    q->f.kind = v;
  }
  if ((v = srv_query(r, "sort"))) {
    if (strcmp(v, "newest") == 0)
      q->f.sort = STORE_SORT_NEWEST;
    else if (strcmp(v, "oldest") == 0)
      q->f.sort = STORE_SORT_OLDEST;
    else if (strcmp(v, "reference") == 0)
      q->f.sort = STORE_SORT_REFERENCE;
    else
      return "sort takes newest, oldest or reference";
  }
  if ((v = srv_query(r, "limit"))) {
    char *e;
    long n = strtol(v, &e, 10);
    if (!v[0] || *e || n < 1 || n > max_limit)
      return "limit must be a number from 1 to 500";
    q->f.limit = (int)n;
  }
  if ((v = srv_query(r, "offset"))) {
    char *e;
    long n = strtol(v, &e, 10);
    if (!v[0] || *e || n < 0 || n > 100000000)
      return "offset must be a number from 0";
    q->f.offset = (int)n;
  }
  if (is_role(st, STORE_ROLE_REVIEWER)) {
    if (!(q->visible = dept_items_json(s, st->dept)))
      return "out of memory";
    q->f.visible_json = q->visible;
  }
  return NULL;
}

static int find_each(void *ud, const store_app *a) {
  list_ctx *c = ud;
  cJSON_AddItemToArray(c->list, app_summary(c->s, a));
  return 0;
}

/* Lists: one page of the applications a filter picks (list_query_parse:
 * today's by default), with how many match in all; or every urgent one
 * still waiting (?urgent=waiting, alone). Each answer says how many
 * urgent ones wait in all, so the console can say so whatever it shows. */
enum MHD_Result console_apps(srv_req *r) {
  store_staff staff;
  if (!session_account(r, &staff))
    return reply_signin(r);
  const char *urgent = srv_query(r, "urgent");
  cJSON *list = cJSON_CreateArray();
  list_ctx lc = {.s = r->s, .st = &staff, .list = list};
  int64_t waiting = 0, total = 0;
  list_query q;
  kerr err;
  int legacy = urgent && strcmp(urgent, "waiting") == 0;
  memset(&q, 0, sizeof q);
  if (legacy) {
    if (srv_query(r, "reference") || srv_query(r, "date") ||
        srv_query(r, "q") || srv_query(r, "from") || srv_query(r, "to") ||
        srv_query(r, "backlog")) {
      cJSON_Delete(list);
      return srv_reply_error(r, 400, "bad_request",
                             "urgent takes the value waiting, alone");
    }
    err = store_app_list_urgent(r->s->st, 500, list_each, &lc);
    total = cJSON_GetArraySize(list);
  } else {
    const char *why = list_query_parse(r, &staff, &q, 500);
    if (why) {
      list_query_free(&q);
      cJSON_Delete(list);
      return srv_reply_error(r, 400, "bad_request", why);
    }
    err = store_app_find(r->s->st, &q.f, find_each, &lc, &total);
  }
  if (!err)
    err = store_app_count_urgent(r->s->st, &waiting);
  if (err) {
    list_query_free(&q);
    cJSON_Delete(list);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  cJSON *o = cJSON_CreateObject();
  if (q.date[0])
    cJSON_AddStringToObject(o, "date", q.date);
  if (q.from[0]) {
    cJSON_AddStringToObject(o, "from", q.from);
    cJSON_AddStringToObject(o, "to", q.to);
  }
  cJSON_AddNumberToObject(o, "urgent_waiting", (double)waiting);
  cJSON_AddNumberToObject(o, "total", (double)total);
  if (!legacy) {
    int next = q.f.offset + cJSON_GetArraySize(list);
    cJSON_AddNumberToObject(o, "offset", q.f.offset);
    cJSON_AddNumberToObject(o, "limit", q.f.limit);
    if (next < total && cJSON_GetArraySize(list) > 0)
      cJSON_AddNumberToObject(o, "next_offset", next);
    else
      cJSON_AddNullToObject(o, "next_offset");
  }
  cJSON_AddItemToObject(o, "applications", list);
  list_query_free(&q);
  return srv_reply_json(r, 200, o, NULL);
}

/* ---- export: CSV and XLSX ---- */

enum { CSV_MAX_ROWS = 100000, CSV_PAGE = 1000, EXPORT_COLS = 8 };

static const char *const EXPORT_HEAD[EXPORT_COLS] = {
    "受理编号", "提交时间", "申请事项", "办理部门",
    "状态",     "紧急",     "类型",     "代办工号"};

/* Column widths of the workbook, in characters (a Chinese one is about
 * two): the item names of a household can be long. */
static const double XLSX_WIDTHS[EXPORT_COLS] = {22, 21, 40, 24,
                                                14, 8,  12, 12};

typedef struct csv_ctx {
  const srv *s;
  struct buf out;
  xlsx *book; /* the workbook when exporting XLSX, else NULL */
  int rows;
  int failed;
} csv_ctx;

/* One CSV field: quoted, quotes doubled; a leading = + - @ gets a '
 * so a spreadsheet never takes it for a formula. */
static void csv_field(csv_ctx *c, const char *v, int last) {
  int bad = buf_add(&c->out, "\"", 1) != KERR_OK;
  if (v[0] && strchr("=+-@", v[0]))
    bad |= buf_add(&c->out, "'", 1) != KERR_OK;
  for (const char *p = v; *p; p++)
    bad |= (*p == '"' ? buf_add(&c->out, "\"\"", 2)
                      : buf_add(&c->out, p, 1)) != KERR_OK;
  bad |= buf_add(&c->out, last ? "\"\r\n" : "\",", last ? 3 : 2) != KERR_OK;
  c->failed |= bad;
}

/* One exported row: what the list shows, nothing personal. The strings
 * point into items, depts and when or are constants. */
typedef struct export_row {
  char items[1024], depts[512], when[STORE_TIME_MAX + 1];
  const char *f[EXPORT_COLS];
} export_row;

static void export_fields(const srv *s, const store_app *a, export_row *x) {
  int referral = strcmp(a->kind, "referral") == 0;
  cJSON *ids = cJSON_Parse(a->items_json);
  const cJSON *it;
  x->items[0] = x->depts[0] = '\0';
  cJSON_ArrayForEach(it, ids) {
    if (!cJSON_IsString(it))
      continue;
    const char *nm = dept_item_name(s->depts, it->valuestring);
    const char *dp = dept_for_item(s->depts, it->valuestring);
    size_t n = strlen(x->items);
    snprintf(x->items + n, sizeof x->items - n, "%s%s", n ? "、" : "",
             nm ? nm : it->valuestring);
    if (dp && !strstr(x->depts, dp)) {
      n = strlen(x->depts);
      snprintf(x->depts + n, sizeof x->depts - n, "%s%s", n ? "、" : "", dp);
    }
  }
  cJSON_Delete(ids);
  const char *label = flow_status_label(a->status);
  snprintf(x->when, sizeof x->when, "%s", a->received_at_text);
  if (strlen(x->when) >= 19) { /* "2026-11-22 09:30:00", local time */
    x->when[10] = ' ';
    x->when[19] = '\0';
  }
  x->f[0] = a->reference;
  x->f[1] = x->when;
  x->f[2] = referral ? "帮别人求助（线索）" : x->items;
  x->f[3] = referral ? "民政" : x->depts;
  x->f[4] = label ? label : a->status;
  x->f[5] = a->urgent ? "是" : "否";
  x->f[6] = referral ? "线索" : "申请";
  x->f[7] = a->assisted_by;
}

static int csv_each(void *ud, const store_app *a) {
  csv_ctx *c = ud;
  export_row x;
  export_fields(c->s, a, &x);
  if (c->book) {
    c->failed |= xlsx_row(c->book, x.f, 0) != KERR_OK;
  } else {
    for (int i = 0; i < EXPORT_COLS; i++)
      csv_field(c, x.f[i], i == EXPORT_COLS - 1);
  }
  c->rows++;
  return c->failed;
}

/* The CSV and the XLSX: every application the list's filters pick (not
 * one page: limit and offset are ignored), the list's columns only. Each
 * export is written to the audit log ("csv N rows", "xlsx N rows"). */
static enum MHD_Result console_export(srv_req *r, int as_xlsx) {
  store_staff staff;
  if (!session_account(r, &staff))
    return reply_signin(r);
  list_query q;
  const char *why = list_query_parse(r, &staff, &q, 500);
  if (why) {
    list_query_free(&q);
    return srv_reply_error(r, 400, "bad_request", why);
  }
  csv_ctx c = {.s = r->s};
  buf_init(&c.out, 64 * 1024 * 1024);
  if (as_xlsx) {
    c.book = xlsx_create(EXPORT_COLS, XLSX_WIDTHS, 96 * 1024 * 1024);
    c.failed = !c.book || xlsx_row(c.book, EXPORT_HEAD, 1) != KERR_OK;
  } else {
    c.failed = buf_add(&c.out, "\xEF\xBB\xBF", 3) != KERR_OK;
    for (int i = 0; i < EXPORT_COLS; i++)
      csv_field(&c, EXPORT_HEAD[i], i == EXPORT_COLS - 1);
  }
  int64_t total = 0;
  kerr err = KERR_OK;
  q.f.offset = 0;
  q.f.limit = CSV_PAGE;
  for (;;) {
    int before = c.rows;
    err = store_app_find(r->s->st, &q.f, csv_each, &c, &total);
    if (err || c.failed || c.rows - before < CSV_PAGE || c.rows >= total)
      break;
    if (total > CSV_MAX_ROWS)
      break;
    q.f.offset += CSV_PAGE;
  }
  list_query_free(&q);
  unsigned char *zip = NULL;
  size_t zlen = 0;
  if (!err && total > CSV_MAX_ROWS) {
    xlsx_destroy(c.book);
    buf_free(&c.out);
    return srv_reply_error(r, 413, "too_many",
                           "导出的申请太多，请缩小日期范围或加筛选条件。");
  }
  if (!err && !c.failed && c.book) {
    zip = xlsx_take(c.book, &zlen);
    c.book = NULL;
    c.failed = zip == NULL;
  }
  if (err || c.failed) {
    xlsx_destroy(c.book);
    free(zip);
    buf_free(&c.out);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  char detail[64];
  snprintf(detail, sizeof detail, "%s %d rows", as_xlsx ? "xlsx" : "csv",
           c.rows);
  audit(r, staff.id, "export", NULL, NULL, detail);
  LOG_I("console", "staff %s exported %d applications (%s)", staff.id,
        c.rows, as_xlsx ? "xlsx" : "csv");
  static const char *const csv_hdr[] = {
      "Content-Disposition", "attachment; filename=\"applications.csv\"",
      "Cache-Control", "no-store", NULL};
  static const char *const xlsx_hdr[] = {
      "Content-Disposition", "attachment; filename=\"applications.xlsx\"",
      "Cache-Control", "no-store", NULL};
  enum MHD_Result ret;
  if (as_xlsx)
    ret = srv_reply(r, 200,
                    "application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet",
                    (const char *)zip, zlen, xlsx_hdr);
  else
    ret = srv_reply(r, 200, "text/csv; charset=utf-8", buf_ptr(&c.out),
                    buf_len(&c.out), csv_hdr);
  free(zip);
  buf_free(&c.out);
  return ret;
}

/* GET /api/console/applications.csv: UTF-8 with a byte order mark (so
 * Excel reads the Chinese), CRLF, every field quoted. */
enum MHD_Result console_apps_csv(srv_req *r) { return console_export(r, 0); }

/* GET /api/console/applications.xlsx: the same rows as a workbook, the
 * header bold (xlsx.c). */
enum MHD_Result console_apps_xlsx(srv_req *r) { return console_export(r, 1); }

typedef struct app_copy {
  const srv *s;
  cJSON *summary;
  unsigned char *sealed;
  size_t sealed_len;
  char items[2048];
} app_copy;

static int copy_each(void *ud, const store_app *a) {
  app_copy *c = ud;
  c->summary = app_summary(c->s, a);
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
  const char *label = flow_status_label(ev->status);
  if (ev->item)
    cJSON_AddStringToObject(e, "item", ev->item);
  else
    cJSON_AddNullToObject(e, "item");
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

/* Opens the sealed application and parses it into *pt, which the caller
 * wipes (session_wipe_json) and deletes; the buffer that held the whole
 * plaintext is wiped by sodium_free here. */
static kerr payload_open(const srv *s, const app_copy *c, cJSON **pt) {
  kerr err = KERR_OK;
  char msg[REQJSON_MSG_MAX];
  *pt = NULL;
  if (c->sealed_len <= crypto_box_SEALBYTES)
    return KERR_CRYPTO;
  size_t n = c->sealed_len - crypto_box_SEALBYTES;
  unsigned char *buf = sodium_malloc(n + 1);
  if (!buf)
    return KERR_NOMEM;
  if (crypto_box_seal_open(buf, c->sealed, c->sealed_len, s->seal_pk,
                           s->seal_sk) != 0)
    err = KERR_CRYPTO;
  else
    buf[n] = '\0';
  if (!err)
    err = reqjson_parse((const char *)buf, n, 32, pt, msg, sizeof msg);
  sodium_free(buf);
  return err;
}

/* "pages": the photographed pages (the payload's "attachments", checked
 * at intake) without their bytes, each with its place among them
 * ("index", for GET .../page?index=N). */
static void add_pages(const cJSON *pt, cJSON *o) {
  cJSON *pages = cJSON_AddArrayToObject(o, "pages");
  const cJSON *att = cJSON_GetObjectItemCaseSensitive(pt, "attachments");
  int i = 0;
  for (const cJSON *a = cJSON_IsArray(att) ? att->child : NULL; a && pages;
       a = a->next, i++) {
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(a, "items");
    const char *mat =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "material"));
    const cJSON *pg = cJSON_GetObjectItemCaseSensitive(a, "page");
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(a, "width");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(a, "height");
    if (!cJSON_IsArray(items) || !mat || !cJSON_IsNumber(pg) ||
        !cJSON_IsNumber(w) || !cJSON_IsNumber(h))
      continue;
    cJSON *one = cJSON_CreateObject();
    cJSON_AddNumberToObject(one, "index", i);
    cJSON_AddStringToObject(one, "material", mat);
    cJSON_AddItemToObject(one, "items", cJSON_Duplicate(items, 1));
    cJSON_AddNumberToObject(one, "page", pg->valuedouble);
    cJSON_AddNumberToObject(one, "width", w->valuedouble);
    cJSON_AddNumberToObject(one, "height", h->valuedouble);
    cJSON_AddItemToArray(pages, one);
  }
}

/* Opens the sealed application and moves the parts the console shows into
 * o: "display", "item names" (into items), the signatures and the list of
 * photographed pages. */
static kerr unseal_into(srv *s, const app_copy *c, cJSON *o) {
  cJSON *pt = NULL;
  kerr err = payload_open(s, c, &pt);
  if (err)
    goto out;
  cJSON *display = cJSON_DetachItemFromObjectCaseSensitive(pt, "display");
  if (!cJSON_IsArray(display)) {
    cJSON_Delete(display);
    display = cJSON_CreateArray();
  }
  cJSON_AddItemToObject(o, "display", display);
  const cJSON *names = cJSON_GetObjectItemCaseSensitive(pt, "item_names");
  cJSON_ReplaceItemInObjectCaseSensitive(o, "items",
                                         items_with_depts(s, c->items, names));
  /* Every signature the kiosk sent, under the key the submission schema
   * gives it (the field's path: "applicant_signature",
   * "members[0].signature", "obligors[0].ob_signature"), the applicant's
   * first; anything that is not plain base64 is left out. */
  cJSON *sigs = cJSON_AddArrayToObject(o, "signatures");
  const cJSON *sent = cJSON_GetObjectItemCaseSensitive(pt, "signatures");
  for (int pass = 0; sigs && pass < 2; pass++)
    for (const cJSON *g = cJSON_IsObject(sent) ? sent->child : NULL; g;
         g = g->next) {
      int applicant = strcmp(g->string, "applicant_signature") == 0;
      if (applicant != (pass == 0) || !cJSON_IsString(g) ||
          strlen(g->valuestring) >= 2 * 1024 * 1024 ||
          strlen(g->string) > 80 ||
          strspn(g->valuestring,
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                 "0123456789+/=") != strlen(g->valuestring))
        continue;
      cJSON *one = cJSON_CreateObject();
      cJSON_AddStringToObject(one, "key", g->string);
      cJSON_AddStringToObject(one, "png", g->valuestring);
      cJSON_AddItemToArray(sigs, one);
    }
  add_pages(pt, o);
out:
  /* cJSON's copies of the plaintext are wiped before they are freed (what
   * went into the answer is the answer's). */
  session_wipe_json(pt);
  cJSON_Delete(pt);
  return err;
}

/* The statuses an item could be moved to next (legal forward steps), for
 * the console's buttons. */
static const char *const SETTABLE[] = {"accepted", "reviewing", "publicized",
                                       "approved", "paid", "returned",
                                       "refused"};

typedef struct item_states {
  const srv *s;
  const store_staff *st;
  cJSON *items; /* the answer's items array, annotated in place */
  int n;
} item_states;

static int item_state_each(void *ud, const store_item *it) {
  item_states *c = ud;
  const cJSON *e;
  cJSON *o = NULL;
  cJSON_ArrayForEach(e, c->items) {
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(e, "id"));
    if (id && strcmp(id, it->item) == 0 &&
        !cJSON_GetObjectItem(e, "status")) {
      o = (cJSON *)e;
      break;
    }
  }
  if (!o)
    return 0;
  c->n++;
  const char *label = flow_status_label(it->status);
  int notice = dept_item_notice(c->s->depts, it->item);
  int may = !is_role(c->st, STORE_ROLE_ADMIN) &&
            sees_item(c->s, c->st, it->item);
  cJSON_AddStringToObject(o, "status", it->status);
  cJSON_AddStringToObject(o, "status_label", label ? label : it->status);
  cJSON_AddStringToObject(o, "updated_at", it->updated_at_text);
  cJSON_AddBoolToObject(o, "notice", notice);
  cJSON_AddBoolToObject(o, "may_change", may);
  cJSON *next = cJSON_AddArrayToObject(o, "next");
  for (size_t i = 0; may && i < sizeof SETTABLE / sizeof SETTABLE[0]; i++) {
    flow_verdict v = flow_check(it->status, SETTABLE[i], notice, 1);
    if (v == FLOW_OK || (v == FLOW_CORRECTION && c->st->supervisor))
      cJSON_AddItemToArray(next, cJSON_CreateString(SETTABLE[i]));
  }
  return 0;
}

/* Adds each item's status to o's items; reviewers are told which items
 * are not theirs (may_change false). */
static kerr add_item_states(srv_req *r, const store_staff *st,
                            const char *uuid, cJSON *o) {
  item_states c = {.s = r->s, .st = st,
                   .items = cJSON_GetObjectItem(o, "items")};
  return store_app_items(r->s->st, uuid, item_state_each, &c);
}

typedef struct mine_ctx {
  const srv *s;
  const store_staff *st;
  const cJSON *items; /* the application's items [{"id", ...}] */
} mine_ctx;

/* An item of this application that the reviewer's department handles
 * (not any item the department could handle: 民政 handles 刚性支出, but
 * an application without it has nothing of it for 民政 to see). */
static int mine_item(void *ud, const char *item) {
  const mine_ctx *m = ud;
  const cJSON *e;
  if (!sees_item(m->s, m->st, item))
    return 0;
  cJSON_ArrayForEach(e, m->items) {
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(e, "id"));
    if (id && strcmp(id, item) == 0)
      return 1;
  }
  return 0;
}

/* Removes from an array of objects those whose key names an item the
 * reviewer does not see (an object without the key, or with null, stays). */
static void drop_foreign(const srv *s, const store_staff *st, cJSON *arr,
                         const char *key) {
  cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL;
  while (e) {
    cJSON *next = e->next;
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(e, key));
    if (id && !sees_item(s, st, id)) {
      cJSON_DetachItemViaPointer(arr, e);
      session_wipe_json(e);
      cJSON_Delete(e);
    }
    e = next;
  }
}

enum { FORM_JSON_MAX = 4 * 1024 * 1024 };

/* A reviewer is sent only what its department's items need (scope.h): the
 * applicant's and household's sections, the rows of the other sections
 * the department's items ask for, its own items and their events. The
 * rule comes from the form the application's region publishes. */
static void scope_for_reviewer(srv_req *r, const store_staff *st, cJSON *o) {
  const char *region = cJSON_GetStringValue(cJSON_GetObjectItem(o, "region"));
  unsigned char *data = NULL;
  size_t len = 0;
  cJSON *form = NULL;
  if (region && content_region_file(r->s->st, region, "form.json",
                                    FORM_JSON_MAX, &data, &len) == KERR_OK)
    form = cJSON_ParseWithLength((const char *)data, len);
  free(data);
  mine_ctx m = {.s = r->s, .st = st, .items = cJSON_GetObjectItem(o, "items")};
  int have_form = form != NULL;
  scope_display(cJSON_GetObjectItem(o, "display"), form, mine_item, &m);
  cJSON_Delete(form);
  int all = cJSON_GetArraySize(cJSON_GetObjectItem(o, "items"));
  drop_foreign(r->s, st, cJSON_GetObjectItem(o, "items"), "id");
  cJSON_AddNumberToObject(
      o, "other_items", all - cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")));
  drop_foreign(r->s, st, cJSON_GetObjectItem(o, "timeline"), "item");
  /* Photographed pages: those serving one of the reviewer's items, each
   * naming only those (not which other items the household asked for). */
  cJSON *pages = cJSON_GetObjectItem(o, "pages");
  for (cJSON *p = cJSON_IsArray(pages) ? pages->child : NULL, *next; p;
       p = next) {
    next = p->next;
    cJSON *its = cJSON_GetObjectItem(p, "items");
    if (!scope_page(its, mine_item, &m)) {
      cJSON_DetachItemViaPointer(pages, p);
      session_wipe_json(p);
      cJSON_Delete(p);
      continue;
    }
    for (cJSON *i = its->child, *inext; i; i = inext) {
      inext = i->next;
      if (!cJSON_IsString(i) || !mine_item(&m, i->valuestring))
        cJSON_Delete(cJSON_DetachItemViaPointer(its, i));
    }
  }
  cJSON_AddBoolToObject(o, "scoped", 1);
  cJSON_AddBoolToObject(o, "scope_form", have_form);
}

enum { CATALOGUE_JSON_MAX = 4 * 1024 * 1024, MATERIALS_MAX = 40 };

/* "materials": per item of the answer (for a reviewer, its own), what to
 * bring, from the catalogue the application's region publishes to its
 * kiosks (catalogue.json: items[].materials, each a string or {"text"});
 * null when no catalogue is published for the region — the console then
 * says 「材料清单以窗口告知为准」. */
static void add_materials(srv_req *r, cJSON *o) {
  const char *region = cJSON_GetStringValue(cJSON_GetObjectItem(o, "region"));
  unsigned char *data = NULL;
  size_t len = 0;
  cJSON *cat = NULL;
  if (region && content_region_file(r->s->st, region, "catalogue.json",
                                    CATALOGUE_JSON_MAX, &data,
                                    &len) == KERR_OK)
    cat = cJSON_ParseWithLength((const char *)data, len);
  free(data);
  const cJSON *citems = cJSON_GetObjectItem(cat, "items");
  if (!cJSON_IsArray(citems)) {
    cJSON_Delete(cat);
    cJSON_AddNullToObject(o, "materials");
    return;
  }
  cJSON *out = cJSON_AddArrayToObject(o, "materials");
  const cJSON *it;
  cJSON_ArrayForEach(it, cJSON_GetObjectItem(o, "items")) {
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(it, "id"));
    const char *nm = cJSON_GetStringValue(cJSON_GetObjectItem(it, "name"));
    if (!id)
      continue;
    cJSON *one = cJSON_CreateObject();
    cJSON_AddStringToObject(one, "item", id);
    cJSON_AddStringToObject(one, "name", nm ? nm : id);
    cJSON *list = cJSON_AddArrayToObject(one, "materials");
    const cJSON *c;
    cJSON_ArrayForEach(c, citems) {
      const char *cid = cJSON_GetStringValue(cJSON_GetObjectItem(c, "id"));
      if (!cid || strcmp(cid, id) != 0)
        continue;
      const cJSON *m;
      cJSON_ArrayForEach(m, cJSON_GetObjectItem(c, "materials")) {
        const char *t = cJSON_IsString(m)
                            ? m->valuestring
                            : cJSON_GetStringValue(cJSON_GetObjectItem(m, "text"));
        if (t && t[0] && cJSON_GetArraySize(list) < MATERIALS_MAX &&
            strlen(t) <= 1000)
          cJSON_AddItemToArray(list, cJSON_CreateString(t));
      }
      break;
    }
    cJSON_AddItemToArray(out, one);
  }
  cJSON_Delete(cat);
}

enum MHD_Result console_app(srv_req *r) {
  store_staff staff;
  app_copy c;
  memset(&c, 0, sizeof c);
  c.s = r->s;
  if (!session_account(r, &staff))
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
  if (!sees_app(r->s, &staff, c.items)) {
    cJSON_Delete(c.summary);
    free(c.sealed);
    return srv_reply_error(r, 403, "forbidden",
                           "这份申请没有本部门办理的事项。");
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
    LOG_I("console", "staff %s opened application %s", staff.id, r->param);
    audit(r, staff.id, "open", r->param, NULL, "");
  }
  if (add_item_states(r, &staff, r->param, o)) {
    session_wipe_json(o);
    cJSON_Delete(o);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  if (is_role(&staff, STORE_ROLE_REVIEWER))
    scope_for_reviewer(r, &staff, o);
  else
    cJSON_AddBoolToObject(o, "scoped", 0);
  add_materials(r, o);
  return srv_reply_json(r, 200, o, NULL);
}

/* GET /api/console/applications/{uuid}/page?index=N: the JPEG of one
 * photographed page (N: its "index" in the application's "pages"). The
 * same sign-in, opening and audit as the application itself (audited as
 * "open" with "page N"); a reviewer gets only a page serving one of its
 * department's items of the application. A page that is not there, or
 * not the reviewer's, is 404 alike. The bytes are never stored or logged
 * here; the buffers that held them are wiped. */
enum MHD_Result console_app_page(srv_req *r) {
  store_staff staff;
  app_copy c;
  memset(&c, 0, sizeof c);
  c.s = r->s;
  if (!session_account(r, &staff))
    return reply_signin(r);
  if (!intake_uuid_ok(r->param))
    return srv_reply_error(r, 404, "not_found", "no such application");
  const char *iv = srv_query(r, "index");
  size_t il = iv ? strlen(iv) : 0;
  if (il == 0 || il > 2 || strspn(iv, "0123456789") != il)
    return srv_reply_error(r, 400, "bad_request",
                           "index must be a page's number from 0");
  int index = atoi(iv);
  kerr err = store_app_get(r->s->st, r->param, copy_each, &c);
  if (err == KERR_NOTFOUND)
    return srv_reply_error(r, 404, "not_found", "no such application");
  if (err || !c.summary || !c.sealed) {
    cJSON_Delete(c.summary);
    free(c.sealed);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  enum MHD_Result ret;
  cJSON *pt = NULL;
  unsigned char *jpeg = NULL;
  size_t len = 0;
  if (!sees_app(r->s, &staff, c.items)) {
    ret = srv_reply_error(r, 404, "not_found", "no such page");
    goto out;
  }
  err = payload_open(r->s, &c, &pt);
  if (err) {
    LOG_W("console", "application %s could not be opened: %s", r->param,
          kerr_str(err));
    ret = srv_reply_error(r, 500, "internal", "the application does not open");
    goto out;
  }
  const cJSON *att = cJSON_GetArrayItem(
      cJSON_GetObjectItemCaseSensitive(pt, "attachments"), index);
  mine_ctx m = {.s = r->s, .st = &staff,
                .items = cJSON_GetObjectItem(c.summary, "items")};
  if (!att || (is_role(&staff, STORE_ROLE_REVIEWER) &&
               !scope_page(cJSON_GetObjectItemCaseSensitive(att, "items"),
                           mine_item, &m))) {
    ret = srv_reply_error(r, 404, "not_found", "no such page");
    goto out;
  }
  err = intake_page_decode(att, &jpeg, &len);
  if (err) {
    LOG_W("console", "page %d of application %s is not a JPEG", index,
          r->param);
    ret = srv_reply_error(r, 500, "internal", "the page does not decode");
    goto out;
  }
  char detail[32];
  snprintf(detail, sizeof detail, "page %d", index);
  LOG_I("console", "staff %s opened page %d of application %s", staff.id,
        index, r->param);
  audit(r, staff.id, "open", r->param, NULL, detail);
  const char *const h[] = {"Cache-Control", "no-store",
                           "Content-Disposition", "inline", NULL};
  ret = srv_reply(r, 200, "image/jpeg", jpeg, len, h);
out:
  if (jpeg) {
    sodium_memzero(jpeg, len);
    free(jpeg);
  }
  session_wipe_json(pt);
  cJSON_Delete(pt);
  session_wipe_json(c.summary);
  cJSON_Delete(c.summary);
  free(c.sealed);
  return ret;
}

typedef struct item_list {
  char id[64][STORE_ITEM_MAX + 1];
  char status[64][STORE_STATUS_MAX + 1];
  size_t n;
} item_list;

static int item_list_each(void *ud, const store_item *it) {
  item_list *l = ud;
  if (l->n < sizeof l->id / sizeof l->id[0]) {
    snprintf(l->id[l->n], sizeof l->id[l->n], "%s", it->item);
    snprintf(l->status[l->n], sizeof l->status[l->n], "%s", it->status);
    l->n++;
  }
  return 0;
}

static int status_of_app(void *ud, const store_app *a) {
  snprintf(ud, STORE_STATUS_MAX + 1, "%s", a->status);
  return 1;
}

/* {"error": code, "message": a plain Chinese sentence for the console}. */
static enum MHD_Result reply_refusal(srv_req *r, unsigned status,
                                     const char *code, const char *message) {
  return srv_reply_error(r, status, code, message);
}

/* POST .../status {"status", "note"?, "item"?}: one item moves, or without
 * "item" every item the member of staff may move for which the move is a
 * legal next step (an application without items moves itself). Refusals:
 * 409 for a move the rules do not allow or one already made, 403 for an
 * item of another department or a correction by someone not a
 * supervisor. */
enum MHD_Result console_app_status(srv_req *r) {
  char msg[REQJSON_MSG_MAX], at[41], why[300];
  char app_status[STORE_STATUS_MAX + 1] = "";
  cJSON *j = NULL;
  store_staff staff;
  item_list *items = NULL;
  enum MHD_Result ret;
  if (!same_origin(r))
    return srv_reply_error(r, 403, "forbidden", "cross-site request");
  if (!session_account(r, &staff))
    return reply_signin(r);
  if (!intake_uuid_ok(r->param))
    return srv_reply_error(r, 404, "not_found", "no such application");
  const char *status, *note, *item;
  kerr err = console_req_status(r->body, r->len, &j, &status, &note, msg,
                                sizeof msg);
  if (!err)
    err = console_req_item(j, &item, msg, sizeof msg);
  if (err) {
    ret = srv_reply_error(r, 400, "bad_request", msg);
    goto out;
  }
  if (!flow_status_settable(status)) {
    ret = srv_reply_error(r, 400, "bad_request", "unknown status");
    goto out;
  }
  if (is_role(&staff, STORE_ROLE_ADMIN)) {
    ret = reply_refusal(r, 403, "forbidden", "管理员账号不办理事项。");
    goto out;
  }
  items = calloc(1, sizeof *items);
  if (!items) {
    ret = MHD_NO;
    goto out;
  }
  err = store_app_get(r->s->st, r->param, status_of_app, app_status);
  if (!err)
    err = store_app_items(r->s->st, r->param, item_list_each, items);
  if (err == KERR_NOTFOUND) {
    ret = srv_reply_error(r, 404, "not_found", "no such application");
    goto out;
  }
  if (err) {
    ret = srv_reply_error(r, 500, "internal", "storage error");
    goto out;
  }
  int has_reason = note[0] != '\0';
  const char *ids[64], *from[64];
  size_t n = 0;
  int correction = 0;
  flow_verdict first = FLOW_OK;
  const char *first_from = NULL;
  if (item) {
    size_t k = 0;
    while (k < items->n && strcmp(items->id[k], item) != 0)
      k++;
    if (k == items->n) {
      ret = srv_reply_error(r, 404, "not_found",
                            "the application has no such item");
      goto out;
    }
    if (!sees_item(r->s, &staff, item)) {
      snprintf(why, sizeof why, "「%s」不由本部门办理，请交%s办理。",
               dept_item_name(r->s->depts, item)
                   ? dept_item_name(r->s->depts, item)
                   : item,
               dept_for_item(r->s->depts, item));
      ret = reply_refusal(r, 403, "forbidden", why);
      goto out;
    }
    first = flow_check(items->status[k], status,
                       dept_item_notice(r->s->depts, item), has_reason);
    first_from = items->status[k];
    if (first == FLOW_CORRECTION && staff.supervisor && has_reason)
      correction = 1;
    else if (first == FLOW_CORRECTION) {
      flow_message(first, first_from, status, why, sizeof why);
      ret = reply_refusal(r, staff.supervisor ? 400 : 403,
                          staff.supervisor ? "bad_request" : "forbidden",
                          why);
      goto out;
    } else if (first != FLOW_OK) {
      flow_message(first, first_from, status, why, sizeof why);
      ret = reply_refusal(r, first == FLOW_NEED_REASON ? 400 : 409,
                          first == FLOW_NEED_REASON ? "bad_request"
                                                    : "conflict",
                          why);
      goto out;
    }
    ids[n] = items->id[k];
    from[n] = items->status[k];
    n++;
  } else if (items->n) {
    /* Every item this member of staff may move and for which this is the
     * legal next step; the first refusal explains when none qualifies. */
    for (size_t k = 0; k < items->n; k++) {
      if (!sees_item(r->s, &staff, items->id[k]))
        continue;
      flow_verdict v = flow_check(items->status[k], status,
                                  dept_item_notice(r->s->depts, items->id[k]),
                                  has_reason);
      if (v == FLOW_OK) {
        ids[n] = items->id[k];
        from[n] = items->status[k];
        n++;
      } else if (!first_from || first == FLOW_SAME) {
        first = v;
        first_from = items->status[k];
      }
    }
    if (n == 0) {
      if (!first_from) {
        ret = reply_refusal(r, 403, "forbidden",
                            "这份申请没有本部门办理的事项。");
        goto out;
      }
      flow_message(first, first_from, status, why, sizeof why);
      ret = reply_refusal(
          r, first == FLOW_NEED_REASON ? 400
             : first == FLOW_CORRECTION ? 403 : 409,
          first == FLOW_NEED_REASON ? "bad_request"
          : first == FLOW_CORRECTION ? "forbidden" : "conflict",
          why);
      goto out;
    }
  } else {
    /* No items (a referral): the application moves itself. */
    first = flow_check(app_status, status, 0, has_reason);
    if (first == FLOW_CORRECTION && staff.supervisor && has_reason) {
      correction = 1;
    } else if (first != FLOW_OK) {
      flow_message(first, app_status, status, why, sizeof why);
      ret = reply_refusal(
          r, first == FLOW_NEED_REASON ? 400
             : first == FLOW_CORRECTION ? 403 : 409,
          first == FLOW_NEED_REASON ? "bad_request"
          : first == FLOW_CORRECTION ? "forbidden" : "conflict",
          why);
      goto out;
    }
  }
  int64_t now = srv_now(r->s);
  srv_time_text(now, at);
  store_change ch = {.uuid = r->param, .items = ids, .from = from, .n = n,
                     .app_from = app_status,
                     .action = correction ? "correct" : "status",
                     .ev = {.status = status, .note = note,
                            .staff_id = staff.id, .at_text = at,
                            .at = now}};
  err = store_status_change(r->s->st, &ch);
  if (err == KERR_CONFLICT) {
    ret = reply_refusal(r, 409, "conflict",
                        "状态刚被他人更改，请刷新后再办理。");
    goto out;
  }
  if (err == KERR_NOTFOUND) {
    ret = srv_reply_error(r, 404, "not_found", "no such application");
    goto out;
  }
  if (err) {
    ret = srv_reply_error(r, 500, "internal", "storage error");
    goto out;
  }
  LOG_I("console", "staff %s set %zu item(s) of application %s to %s%s",
        staff.id, n, r->param, status, correction ? " (correction)" : "");
  cJSON *o = cJSON_CreateObject();
  app_status[0] = '\0';
  store_app_get(r->s->st, r->param, status_of_app, app_status);
  cJSON_AddStringToObject(o, "status", app_status);
  cJSON *moved = cJSON_AddArrayToObject(o, "items_changed");
  for (size_t k = 0; k < n; k++)
    cJSON_AddItemToArray(moved, cJSON_CreateString(ids[k]));
  cJSON *tl = cJSON_AddArrayToObject(o, "timeline");
  store_app_events(r->s->st, r->param, events_each, tl);
  if (is_role(&staff, STORE_ROLE_REVIEWER)) /* as in console_app */
    drop_foreign(r->s, &staff, tl, "item");
  ret = srv_reply_json(r, 200, o, NULL);
out:
  free(items);
  cJSON_Delete(j);
  return ret;
}

/* ---- a department's queue ---- */

typedef struct queue_ctx {
  srv_req *r;
  const char *dept;
  int64_t now;
  cJSON *list;
} queue_ctx;

static int queue_each(void *ud, const store_item *it) {
  queue_ctx *c = ud;
  const srv *s = c->r->s;
  if (!dept_handles(s->depts, c->dept, it->item))
    return 0;
  cJSON *o = cJSON_CreateObject();
  const char *label = flow_status_label(it->status);
  const char *name = dept_item_name(s->depts, it->item);
  int limit = dept_item_limit(s->depts, it->item);
  cJSON_AddStringToObject(o, "uuid", it->uuid);
  cJSON_AddStringToObject(o, "reference", it->reference);
  cJSON_AddStringToObject(o, "item", it->item);
  cJSON_AddStringToObject(o, "item_name", name ? name : it->item);
  cJSON_AddStringToObject(o, "status", it->status);
  cJSON_AddStringToObject(o, "status_label", label ? label : it->status);
  cJSON_AddStringToObject(o, "received_at", it->received_at_text);
  cJSON_AddStringToObject(o, "updated_at", it->updated_at_text);
  cJSON_AddBoolToObject(o, "urgent", it->urgent);
  int used = workcal_days_between(s->cal, it->received_at, c->now);
  cJSON_AddNumberToObject(o, "working_days_used", used);
  if (limit > 0) {
    cJSON_AddNumberToObject(o, "time_limit_days", limit);
    cJSON_AddNumberToObject(o, "working_days_left", limit - used);
    cJSON_AddBoolToObject(o, "overdue", used > limit);
  } else {
    cJSON_AddNullToObject(o, "time_limit_days");
    cJSON_AddNullToObject(o, "working_days_left");
    cJSON_AddBoolToObject(o, "overdue", 0);
  }
  cJSON_AddItemToArray(c->list, o);
  return 0;
}

/* GET /api/console/queue?department=ID: a department's open items, oldest
 * first, with working days left. Reviewers see their own department's
 * only; the others choose (their own by default). */
enum MHD_Result console_queue(srv_req *r) {
  store_staff staff;
  if (!session_account(r, &staff))
    return reply_signin(r);
  const char *dept = srv_query(r, "department");
  if (!dept || !dept[0])
    dept = staff.dept;
  if (!dept[0])
    return srv_reply_error(r, 400, "bad_request",
                           "query parameter department is required");
  if (!dept_name(r->s->depts, dept))
    return srv_reply_error(r, 404, "not_found", "no such department");
  if (is_role(&staff, STORE_ROLE_REVIEWER) && strcmp(dept, staff.dept) != 0)
    return reply_refusal(r, 403, "forbidden", "只能查看本部门的待办。");
  queue_ctx c = {.r = r, .dept = dept, .now = srv_now(r->s),
                 .list = cJSON_CreateArray()};
  if (store_queue(r->s->st, NULL, 2000, queue_each, &c)) {
    cJSON_Delete(c.list);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  char today[SRV_TIME_BUF];
  srv_time_text(c.now, today);
  today[10] = '\0';
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "department", dept);
  cJSON_AddStringToObject(o, "department_name", dept_name(r->s->depts, dept));
  cJSON_AddStringToObject(o, "today", today);
  cJSON_AddItemToObject(o, "items", c.list);
  return srv_reply_json(r, 200, o, NULL);
}

/* ---- staff accounts (administrators) ---- */

static int staff_each(void *ud, const store_staff *st) {
  srv_req *r = ((void **)ud)[0];
  cJSON *o = cJSON_CreateObject();
  add_account(o, r->s, st);
  cJSON_AddItemToArray(((void **)ud)[1], o);
  return 0;
}

/* GET /api/console/staff: every account with its role and department, no
 * password hashes; administrators only. Accounts are created and changed
 * with `kiosk-server staff add` on the server. */
enum MHD_Result console_staff(srv_req *r) {
  store_staff staff;
  if (!session_account(r, &staff))
    return reply_signin(r);
  if (!is_role(&staff, STORE_ROLE_ADMIN))
    return reply_refusal(r, 403, "forbidden", "只有管理员可以查看工作人员账号。");
  cJSON *list = cJSON_CreateArray();
  void *ud[2] = {r, list};
  if (store_staff_list(r->s->st, staff_each, ud)) {
    cJSON_Delete(list);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "staff", list);
  return srv_reply_json(r, 200, o, NULL);
}

/* The letters of a generated password: no 0/O, 1/l/I look-alikes. */
static const char PW_ALPHABET[] = "abcdefghijkmnpqrstuvwxyz23456789";

/* POST /api/console/staff {"id", "name", "role", "department"?,
 * "supervisor"?, "password"?}: an administrator creates an account, never
 * replacing one (409). Without a password one of 12 letters and digits is
 * made and returned once ("password" in the answer; never stored or
 * logged in clear). Audited as "staff" with "create ID role[ dept]". */
enum MHD_Result console_staff_create(srv_req *r) {
  static const char *const keys[] = {"id", "name", "role", "department",
                                     "supervisor", "password", NULL};
  char msg[REQJSON_MSG_MAX], pw[257] = "", detail[128];
  char hash[crypto_pwhash_STRBYTES];
  store_staff me;
  cJSON *j = NULL;
  enum MHD_Result ret;
  if (!same_origin(r))
    return srv_reply_error(r, 403, "forbidden", "cross-site request");
  if (!session_account(r, &me))
    return reply_signin(r);
  if (!is_role(&me, STORE_ROLE_ADMIN))
    return reply_refusal(r, 403, "forbidden", "只有管理员可以添加工作人员账号。");
  kerr err = reqjson_parse(r->body, r->len, 2, &j, msg, sizeof msg);
  if (!err)
    err = reqjson_keys(j, keys, msg, sizeof msg);
  if (err) {
    ret = srv_reply_error(r, 400, "bad_request", msg);
    goto out;
  }
  const char *id = reqjson_str(j, "id", STORE_STAFF_MAX,
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
                               "tuvwxyz0123456789-_",
                               msg, sizeof msg);
  const char *name = id ? reqjson_text(j, "name", 32, msg, sizeof msg) : NULL;
  const char *role = name ? reqjson_str(j, "role", STORE_ROLE_MAX, NULL, msg,
                                        sizeof msg)
                          : NULL;
  const cJSON *dv = cJSON_GetObjectItemCaseSensitive(j, "department");
  const cJSON *sv = cJSON_GetObjectItemCaseSensitive(j, "supervisor");
  const cJSON *pv = cJSON_GetObjectItemCaseSensitive(j, "password");
  const char *dept = "";
  if (role && dv && !cJSON_IsNull(dv) &&
      !(dept = reqjson_str(j, "department", STORE_DEPT_MAX, NULL, msg,
                           sizeof msg)))
    role = NULL;
  if (role && pv && !cJSON_IsNull(pv)) {
    const char *p = reqjson_text(j, "password", 256, msg, sizeof msg);
    if (!p)
      role = NULL;
    else
      snprintf(pw, sizeof pw, "%s", p);
  }
  if (role && sv && !cJSON_IsBool(sv)) {
    snprintf(msg, sizeof msg, "supervisor must be true or false");
    role = NULL;
  }
  if (!role) {
    ret = srv_reply_error(r, 400, "bad_request", msg);
    goto out;
  }
  if (!id[0] || !name[0]) {
    ret = reply_refusal(r, 400, "bad_request", "请填写工号和姓名。");
    goto out;
  }
  if (strcmp(role, STORE_ROLE_WINDOW) != 0 &&
      strcmp(role, STORE_ROLE_REVIEWER) != 0 &&
      strcmp(role, STORE_ROLE_ADMIN) != 0) {
    ret = reply_refusal(r, 400, "bad_request", "请选择岗位：窗口受理、部门审核或管理员。");
    goto out;
  }
  if ((dept[0] && !dept_name(r->s->depts, dept)) ||
      (!dept[0] && strcmp(role, STORE_ROLE_REVIEWER) == 0)) {
    ret = reply_refusal(r, 400, "bad_request",
                        dept[0] ? "没有这个部门。" : "部门审核的账号要选一个部门。");
    goto out;
  }
  int made = !pw[0];
  if (made) {
    unsigned char rb[12];
    randombytes_buf(rb, sizeof rb);
    for (size_t i = 0; i < sizeof rb; i++)
      pw[i] = PW_ALPHABET[rb[i] % (sizeof PW_ALPHABET - 1)];
    pw[sizeof rb] = '\0';
    sodium_memzero(rb, sizeof rb);
  } else if (strlen(pw) < 8) {
    ret = reply_refusal(r, 400, "bad_request", "密码至少要 8 个字。");
    goto out;
  }
  if (crypto_pwhash_str(hash, pw, strlen(pw),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    ret = srv_reply_error(r, 500, "internal", "out of memory");
    goto out;
  }
  int sup = cJSON_IsTrue(sv);
  err = store_staff_create(r->s->st, id, name, hash, dept, role, sup);
  if (err == KERR_CONFLICT) {
    ret = reply_refusal(r, 409, "conflict", "这个工号已经有账号了。");
    goto out;
  }
  if (err) {
    ret = srv_reply_error(r, 500, "internal", "storage error");
    goto out;
  }
  snprintf(detail, sizeof detail, "create %s %s%s%s%s", id, role,
           dept[0] ? " " : "", dept, sup ? " supervisor" : "");
  audit(r, me.id, "staff", NULL, NULL, detail);
  LOG_I("audit", "staff %s created account %s (%s)", me.id, id, role);
  store_staff made_st;
  cJSON *o = cJSON_CreateObject();
  if (store_staff_get(r->s->st, id, &made_st) == KERR_OK)
    add_account(o, r->s, &made_st);
  if (made)
    cJSON_AddStringToObject(o, "password", pw);
  else
    cJSON_AddNullToObject(o, "password");
  const char *const h[] = {"Cache-Control", "no-store", NULL};
  ret = srv_reply_json(r, 201, o, h);
  sodium_memzero(made_st.pwhash, sizeof made_st.pwhash);
out:
  sodium_memzero(pw, sizeof pw);
  sodium_memzero(hash, sizeof hash);
  if (j)
    session_wipe_json(j);
  cJSON_Delete(j);
  return ret;
}

/* POST /api/console/staff/{id}/disabled {"disabled": true|false}: an
 * administrator disables an account (its sessions end at once; it cannot
 * sign in and is left out of the kiosks' staff.json) or enables it again.
 * Not one's own account. Audited as "staff" with "disable ID" or "enable
 * ID". */
enum MHD_Result console_staff_disabled(srv_req *r) {
  static const char *const keys[] = {"disabled", NULL};
  char msg[REQJSON_MSG_MAX], detail[96];
  store_staff me, who;
  cJSON *j = NULL;
  enum MHD_Result ret;
  if (!same_origin(r))
    return srv_reply_error(r, 403, "forbidden", "cross-site request");
  if (!session_account(r, &me))
    return reply_signin(r);
  if (!is_role(&me, STORE_ROLE_ADMIN))
    return reply_refusal(r, 403, "forbidden", "只有管理员可以停用或启用账号。");
  const char *id = r->param;
  size_t idn = id ? strlen(id) : 0;
  if (idn == 0 || idn > STORE_STAFF_MAX ||
      strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                 "0123456789-_") != idn)
    return srv_reply_error(r, 404, "not_found", "no such account");
  kerr err = reqjson_parse(r->body, r->len, 2, &j, msg, sizeof msg);
  if (!err)
    err = reqjson_keys(j, keys, msg, sizeof msg);
  const cJSON *dv = err ? NULL : cJSON_GetObjectItemCaseSensitive(j, "disabled");
  if (!err && !cJSON_IsBool(dv)) {
    snprintf(msg, sizeof msg, "disabled must be true or false");
    err = KERR_INVALID;
  }
  if (err) {
    ret = srv_reply_error(r, 400, "bad_request", msg);
    goto out;
  }
  int off = cJSON_IsTrue(dv);
  if (off && strcmp(id, me.id) == 0) {
    ret = reply_refusal(r, 409, "conflict", "不能停用自己正在使用的账号。");
    goto out;
  }
  err = store_staff_set_disabled(r->s->st, id, off);
  if (err == KERR_NOTFOUND) {
    ret = reply_refusal(r, 404, "not_found", "没有这个工号的账号。");
    goto out;
  }
  if (err || store_staff_get(r->s->st, id, &who) != KERR_OK) {
    ret = srv_reply_error(r, 500, "internal", "storage error");
    goto out;
  }
  snprintf(detail, sizeof detail, "%s %s", off ? "disable" : "enable", id);
  audit(r, me.id, "staff", NULL, NULL, detail);
  LOG_I("audit", "staff %s %s account %s", me.id,
        off ? "disabled" : "enabled", id);
  sodium_memzero(who.pwhash, sizeof who.pwhash);
  cJSON *o = cJSON_CreateObject();
  add_account(o, r->s, &who);
  ret = srv_reply_json(r, 200, o, NULL);
out:
  cJSON_Delete(j);
  return ret;
}

/* ---- the audit log ---- */

static int audit_each(void *ud, const store_audit *a) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "id", (double)a->id);
  cJSON_AddStringToObject(o, "at", a->at_text);
  cJSON_AddStringToObject(o, "staff_id", a->staff_id);
  cJSON_AddStringToObject(o, "action", a->action);
  if (a->uuid)
    cJSON_AddStringToObject(o, "uuid", a->uuid);
  else
    cJSON_AddNullToObject(o, "uuid");
  if (a->item)
    cJSON_AddStringToObject(o, "item", a->item);
  else
    cJSON_AddNullToObject(o, "item");
  cJSON_AddStringToObject(o, "detail", a->detail);
  cJSON_AddItemToArray(ud, o);
  return 0;
}

/* GET /api/console/audit?date=YYYY-MM-DD (default today): administrators
 * only, newest first. */
enum MHD_Result console_audit(srv_req *r) {
  store_staff staff;
  char today[SRV_TIME_BUF];
  int64_t from, to;
  if (!session_account(r, &staff))
    return reply_signin(r);
  if (!is_role(&staff, STORE_ROLE_ADMIN))
    return reply_refusal(r, 403, "forbidden", "只有管理员可以查看操作记录。");
  const char *date = srv_query(r, "date");
  if (!date) {
    srv_time_text(srv_now(r->s), today);
    today[10] = '\0';
    date = today;
  }
  if (!srv_day_range(date, &from, &to))
    return srv_reply_error(r, 400, "bad_request", "date must be YYYY-MM-DD");
  cJSON *list = cJSON_CreateArray();
  if (store_audit_list(r->s->st, from, to, 2000, audit_each, list)) {
    cJSON_Delete(list);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "date", date);
  cJSON_AddItemToObject(o, "entries", list);
  return srv_reply_json(r, 200, o, NULL);
}

/* ---- devices ---- */

typedef struct device_ctx {
  cJSON *list;
  int64_t now;
  int offline_s;
} device_ctx;

/* A kiosk whose last heartbeat is older than device_offline_s is shown
 * as offline (离线), with how long ago it was seen. */
static int device_each(void *ud, const store_device *d) {
  device_ctx *c = ud;
  int64_t ago = c->now - d->last_seen;
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "device_id", d->device_id);
  cJSON_AddStringToObject(o, "content_version", d->content_version);
  cJSON_AddNumberToObject(o, "outbox_depth", (double)d->outbox_depth);
  cJSON_AddNumberToObject(o, "quarantined", (double)d->quarantined);
  cJSON_AddNumberToObject(o, "uptime_s", (double)d->uptime_s);
  cJSON_AddStringToObject(o, "last_seen", d->last_seen_text);
  cJSON *errs = cJSON_Parse(d->last_errors_json);
  cJSON_AddItemToObject(o, "last_errors", errs ? errs : cJSON_CreateArray());
  cJSON_AddNumberToObject(o, "seen_ago_s", (double)(ago > 0 ? ago : 0));
  cJSON_AddBoolToObject(o, "offline", ago > c->offline_s);
  cJSON_AddItemToArray(c->list, o);
  return 0;
}

enum MHD_Result console_devices(srv_req *r) {
  store_staff staff;
  if (!session_account(r, &staff))
    return reply_signin(r);
  cJSON *list = cJSON_CreateArray();
  device_ctx c = {.list = list, .now = srv_now(r->s),
                  .offline_s = r->s->cfg.device_offline_s};
  if (store_device_list(r->s->st, device_each, &c)) {
    cJSON_Delete(list);
    return srv_reply_error(r, 500, "internal", "storage error");
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "offline_after_s", c.offline_s);
  cJSON_AddItemToObject(o, "devices", list);
  return srv_reply_json(r, 200, o, NULL);
}
