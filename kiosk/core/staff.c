/* staff: see staff.h. The list is parsed once under json_limits and kept
 * as plain arrays; the guard is a small fixed table of recently failed ids
 * (the device lock bounds how many there can be), so memory never grows
 * with what is typed at the kiosk. */
#include "core/staff.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "core/json_limits.h"
#include "core/log.h"
#include "core/utf8.h"

typedef struct staff_account {
  char id[STAFF_ID_BUF];
  char name[STAFF_NAME_BUF];
  staff_role role;
  char hash[STAFF_HASH_BUF];
} staff_account;

_Static_assert(STAFF_HASH_BUF == crypto_pwhash_STRBYTES,
               "STAFF_HASH_BUF is libsodium's hash string size");

struct staff_list {
  staff_account *a;
  size_t n;
};

/* Ids with failures; more than the device lock lets through in one lock
 * period, so an entry is only reused once it no longer matters. */
#define GUARD_SLOTS 64

typedef struct guard_slot {
  char id[STAFF_ID_BUF]; /* "" = free */
  unsigned fails;
  uint64_t last_ms;
  uint64_t locked_until;
} guard_slot;

struct staff_guard {
  guard_slot slot[GUARD_SLOTS];
  unsigned device_fails;
  uint64_t device_last_ms;
  uint64_t device_locked_until;
};

/* ------------------------------------------------------------------ */
/* the list */

static int id_valid(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > STAFF_ID_MAX)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
      return 0;
  return 1;
}

/* Copies the id typed into out, upper-cased; 0 if it cannot be an id. */
static int id_normalise(const char *in, char out[STAFF_ID_BUF]) {
  size_t n = in ? strlen(in) : 0;
  if (n == 0 || n > STAFF_ID_MAX)
    return 0;
  for (size_t i = 0; i < n; i++)
    out[i] = (char)toupper((unsigned char)in[i]);
  out[n] = '\0';
  return id_valid(out);
}

/* Argon2 parameters of a crypto_pwhash_str string within the caps. */
static int hash_acceptable(const char *h) {
  const char *p;
  if (strncmp(h, "$argon2id$", 10) == 0)
    p = h + 10;
  else if (strncmp(h, "$argon2i$", 9) == 0)
    p = h + 9;
  else
    return 0;
  unsigned v, m, t, par;
  int used = 0;
  if (sscanf(p, "v=%u$m=%u,t=%u,p=%u$%n", &v, &m, &t, &par, &used) != 4 ||
      used == 0)
    return 0;
  if (m == 0 || m > STAFF_HASH_MAX_MEM / 1024u || t == 0 ||
      t > STAFF_HASH_MAX_OPS || par != 1)
    return 0;
  return strlen(p + used) > 10; /* salt and hash follow */
}

static const char *str_member(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static kerr parse_account(const cJSON *o, size_t i, staff_account *acc,
                          char *err, size_t errlen) {
  if (!cJSON_IsObject(o)) {
    snprintf(err, errlen, "staff[%zu]: not an object", i);
    return KERR_INVALID;
  }
  const cJSON *m;
  cJSON_ArrayForEach(m, o) {
    if (strcmp(m->string, "id") && strcmp(m->string, "name") &&
        strcmp(m->string, "role") && strcmp(m->string, "pin_hash")) {
      snprintf(err, errlen, "staff[%zu]: unknown field \"%.40s\"", i,
               m->string);
      return KERR_INVALID;
    }
  }
  const char *id = str_member(o, "id");
  const char *name = str_member(o, "name");
  const char *role = str_member(o, "role");
  const char *hash = str_member(o, "pin_hash");
  if (!id || !id_valid(id)) {
    snprintf(err, errlen,
             "staff[%zu].id: 1 to %d upper-case letters and digits", i,
             STAFF_ID_MAX);
    return KERR_INVALID;
  }
  size_t nl = name ? strlen(name) : 0;
  size_t nc = name ? utf8_count(name, nl) : 0;
  int plain = 1;
  for (size_t k = 0; k < nl; k++)
    if ((unsigned char)name[k] < 0x20 || name[k] == 0x7f)
      plain = 0;
  if (!name || nc == 0 || nc > STAFF_NAME_MAX || nl >= STAFF_NAME_BUF ||
      !plain) {
    snprintf(err, errlen, "staff[%zu].name: 1 to %d characters of plain text",
             i, STAFF_NAME_MAX);
    return KERR_INVALID;
  }
  if (!role || (strcmp(role, "staff") && strcmp(role, "admin"))) {
    snprintf(err, errlen, "staff[%zu].role: \"staff\" or \"admin\"", i);
    return KERR_INVALID;
  }
  if (!hash || strlen(hash) >= STAFF_HASH_BUF || !hash_acceptable(hash)) {
    snprintf(err, errlen,
             "staff[%zu].pin_hash: not an Argon2 hash from kioskctl staff "
             "hash (or its cost is above the limits)",
             i);
    return KERR_INVALID;
  }
  memcpy(acc->id, id, strlen(id) + 1);
  memcpy(acc->name, name, nl + 1);
  acc->role = strcmp(role, "admin") == 0 ? STAFF_ROLE_ADMIN : STAFF_ROLE_STAFF;
  memcpy(acc->hash, hash, strlen(hash) + 1);
  return KERR_OK;
}

kerr staff_list_parse(const char *json, size_t len, staff_list **out,
                      char *err, size_t errlen) {
  char dummy[8];
  if (!err || !errlen) {
    err = dummy;
    errlen = sizeof dummy;
  }
  err[0] = '\0';
  *out = NULL;
  cJSON *root = NULL;
  staff_list *l = NULL;
  kerr e;
  json_limits lim = {.max_bytes = STAFF_FILE_MAX, .max_depth = 4,
                     .max_string = 512, .max_items = STAFF_MAX_ACCOUNTS};
  json_limits_error je;
  e = json_limits_parse(json, len, &lim, &root, &je);
  if (e) {
    snprintf(err, errlen, "staff.json line %zu: %s", je.line,
             e == KERR_LIMIT ? "over the limits" : "not valid JSON");
    goto out;
  }
  e = KERR_INVALID;
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
  if (!cJSON_IsObject(root) || !cJSON_IsNumber(fmt) ||
      fmt->valuedouble != STAFF_FORMAT) {
    snprintf(err, errlen, "staff.json: \"format\" must be %d", STAFF_FORMAT);
    goto out;
  }
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "staff");
  if (!cJSON_IsArray(arr)) {
    snprintf(err, errlen, "staff.json: \"staff\" must be a list");
    goto out;
  }
  size_t n = (size_t)cJSON_GetArraySize(arr);
  l = calloc(1, sizeof *l);
  if (!l || (n && !(l->a = calloc(n, sizeof *l->a)))) {
    e = KERR_NOMEM;
    goto out;
  }
  const cJSON *o;
  cJSON_ArrayForEach(o, arr) {
    e = parse_account(o, l->n, &l->a[l->n], err, errlen);
    if (e)
      goto out;
    for (size_t k = 0; k < l->n; k++)
      if (strcmp(l->a[k].id, l->a[l->n].id) == 0) {
        snprintf(err, errlen, "staff[%zu].id: \"%s\" appears twice", l->n,
                 l->a[k].id);
        e = KERR_INVALID;
        goto out;
      }
    l->n++;
  }
  e = KERR_OK;
  *out = l;
  l = NULL;
out:
  cJSON_Delete(root);
  staff_list_destroy(l);
  return e;
}

kerr staff_list_from_content(const content *c, staff_list **out, char *err,
                             size_t errlen) {
  const char *data;
  size_t len;
  *out = NULL;
  if (!c || content_file(c, "staff.json", &data, &len) != KERR_OK) {
    if (err && errlen)
      snprintf(err, errlen, "the bundle lists no staff.json");
    return KERR_NOTFOUND;
  }
  return staff_list_parse(data, len, out, err, errlen);
}

void staff_list_destroy(staff_list *l) {
  if (!l)
    return;
  if (l->a) {
    sodium_memzero(l->a, l->n * sizeof *l->a);
    free(l->a);
  }
  free(l);
}

size_t staff_list_count(const staff_list *l) { return l ? l->n : 0; }
const char *staff_list_id(const staff_list *l, size_t i) {
  return l->a[i].id;
}
const char *staff_list_name(const staff_list *l, size_t i) {
  return l->a[i].name;
}
staff_role staff_list_role(const staff_list *l, size_t i) {
  return l->a[i].role;
}

/* ------------------------------------------------------------------ */
/* the guard */

kerr staff_guard_create(staff_guard **out) {
  *out = calloc(1, sizeof **out);
  return *out ? KERR_OK : KERR_NOMEM;
}

void staff_guard_destroy(staff_guard *g) { free(g); }

static guard_slot *slot_find(staff_guard *g, const char *id) {
  for (size_t i = 0; i < GUARD_SLOTS; i++)
    if (g->slot[i].id[0] && strcmp(g->slot[i].id, id) == 0)
      return &g->slot[i];
  return NULL;
}

/* Forgets what no longer counts: ended locks, stale failure counts. */
static void guard_expire(staff_guard *g, uint64_t now) {
  for (size_t i = 0; i < GUARD_SLOTS; i++) {
    guard_slot *s = &g->slot[i];
    if (!s->id[0])
      continue;
    int locked = s->locked_until > now;
    int stale = now - s->last_ms >= STAFF_FORGET_MS || now < s->last_ms;
    if (!locked && (s->locked_until || stale))
      memset(s, 0, sizeof *s);
  }
  if (g->device_locked_until && g->device_locked_until <= now) {
    g->device_locked_until = 0;
    g->device_fails = 0;
  }
  if (g->device_fails && now - g->device_last_ms >= STAFF_FORGET_MS)
    g->device_fails = 0;
}

/* A slot for id: its own, a free one, or the one failed longest ago. */
static guard_slot *slot_take(staff_guard *g, const char *id) {
  guard_slot *s = slot_find(g, id);
  if (s)
    return s;
  guard_slot *oldest = NULL;
  for (size_t i = 0; i < GUARD_SLOTS; i++) {
    if (!g->slot[i].id[0]) {
      oldest = &g->slot[i];
      break;
    }
    if (!oldest || g->slot[i].last_ms < oldest->last_ms)
      oldest = &g->slot[i];
  }
  memset(oldest, 0, sizeof *oldest);
  snprintf(oldest->id, sizeof oldest->id, "%s", id);
  return oldest;
}

uint64_t staff_guard_locked_ms(const staff_guard *g, const char *id,
                               uint64_t now_ms) {
  uint64_t w = g->device_locked_until > now_ms
                   ? g->device_locked_until - now_ms
                   : 0;
  if (id) {
    char norm[STAFF_ID_BUF];
    if (id_normalise(id, norm)) {
      const guard_slot *s = slot_find((staff_guard *)g, norm);
      if (s && s->locked_until > now_ms && s->locked_until - now_ms > w)
        w = s->locked_until - now_ms;
    }
  }
  return w;
}

int staff_pin_valid(const char *pin) {
  size_t n = pin ? strlen(pin) : 0;
  if (n < STAFF_PIN_MIN || n > STAFF_PIN_MAX)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (pin[i] < '0' || pin[i] > '9')
      return 0;
  return 1;
}

kerr staff_check(staff_guard *g, const staff_list *l, const char *id,
                 char *pin, uint64_t now_ms, staff_who *who,
                 staff_refusal *why) {
  staff_refusal dummy;
  char norm[STAFF_ID_BUF];
  kerr e;
  if (!why)
    why = &dummy;
  memset(why, 0, sizeof *why);
  if (who)
    memset(who, 0, sizeof *who);
  if (!l) {
    e = KERR_NOTFOUND;
    goto out;
  }
  if (!id_normalise(id, norm) || !staff_pin_valid(pin)) {
    e = KERR_INVALID;
    goto out;
  }
  if (sodium_init() < 0) {
    e = KERR_CRYPTO;
    goto out;
  }
  guard_expire(g, now_ms);
  guard_slot *held = slot_find(g, norm);
  if (g->device_locked_until > now_ms ||
      (held && held->locked_until > now_ms)) {
    why->device = g->device_locked_until > now_ms;
    why->wait_ms = staff_guard_locked_ms(g, norm, now_ms);
    e = KERR_BUSY;
    goto out;
  }
  const staff_account *acc = NULL;
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->a[i].id, norm) == 0)
      acc = &l->a[i];
  /* An unknown id pays for a verification too (against any hash). */
  int ok = 0;
  if (acc) {
    ok = crypto_pwhash_str_verify(acc->hash, pin, strlen(pin)) == 0;
  } else if (l->n) {
    volatile int sink = crypto_pwhash_str_verify(l->a[0].hash, pin,
                                                 strlen(pin));
    (void)sink;
  }
  if (ok) {
    guard_slot *s = slot_find(g, norm);
    if (s)
      memset(s, 0, sizeof *s);
    g->device_fails = 0;
    if (who) {
      memcpy(who->id, acc->id, sizeof who->id);
      memcpy(who->name, acc->name, sizeof who->name);
      who->role = acc->role;
    }
    e = KERR_OK;
    goto out;
  }
  guard_slot *s = slot_take(g, norm);
  s->fails++;
  s->last_ms = now_ms;
  g->device_fails++;
  g->device_last_ms = now_ms;
  int id_left = (int)STAFF_ID_TRIES - (int)s->fails;
  int dev_left = (int)STAFF_DEVICE_TRIES - (int)g->device_fails;
  if (id_left <= 0) {
    s->locked_until = now_ms + STAFF_LOCK_MS;
    LOG_W("staff", "sign-in locked for one id after %d wrong PINs",
          STAFF_ID_TRIES);
  }
  if (dev_left <= 0) {
    g->device_locked_until = now_ms + STAFF_LOCK_MS;
    LOG_W("staff", "sign-in locked on this device after %d wrong attempts",
          STAFF_DEVICE_TRIES);
  }
  why->tries_left = id_left < dev_left ? id_left : dev_left;
  if (why->tries_left <= 0) {
    why->tries_left = 0;
    why->device = dev_left <= 0;
    why->wait_ms = STAFF_LOCK_MS;
  }
  e = KERR_DENIED;
out:
  if (pin)
    sodium_memzero(pin, strlen(pin));
  sodium_memzero(norm, sizeof norm);
  return e;
}

kerr staff_pin_hash(char *pin, char out[STAFF_HASH_BUF]) {
  kerr e = KERR_OK;
  out[0] = '\0';
  if (!staff_pin_valid(pin)) {
    e = KERR_INVALID;
    goto out;
  }
  if (sodium_init() < 0) {
    e = KERR_CRYPTO;
    goto out;
  }
  if (crypto_pwhash_str(out, pin, strlen(pin), STAFF_HASH_OPS,
                        STAFF_HASH_MEM) != 0)
    e = KERR_NOMEM;
out:
  if (pin)
    sodium_memzero(pin, strlen(pin));
  return e;
}
