/* intake: see intake.h. Field rules mirror docs/protocol.md; each limit is
 * named in intake.h or store.h so the OpenAPI document can state it. */
#include "intake.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "kiosk/core/session.h"
#include "kiosk/core/calendar.h"
#include "kiosk/core/utf8.h"
#include "reqjson.h"

#define DIGITS "0123456789"
#define HEXLOW "0123456789abcdef"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER "abcdefghijklmnopqrstuvwxyz"

static int all_in(const char *s, const char *set) {
  return strspn(s, set) == strlen(s);
}

int intake_uuid_ok(const char *s) {
  if (strlen(s) != 36)
    return 0;
  for (int i = 0; i < 36; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-')
        return 0;
    } else if (!strchr(HEXLOW, s[i]) || s[i] == '\0') {
      return 0;
    }
  }
  return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

int intake_reference_ok(const char *s) {
  size_t n = strlen(s);
  return n >= 4 && n <= STORE_REF_MAX && all_in(s, UPPER DIGITS "-");
}

int intake_device_ok(const char *s) {
  if (strlen(s) != 16 || strncmp(s, "KIOSK-", 6) != 0 || s[12] != '-')
    return 0;
  for (int i = 6; i < 16; i++)
    if (i != 12 && !isdigit((unsigned char)s[i]))
      return 0;
  return 1;
}

static int num(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

int intake_time_ok(const char *s) {
  size_t n = strlen(s);
  if (n < 20 || n > STORE_TIME_MAX)
    return 0;
  int y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2);
  int h = num(s + 11, 2), mi = num(s + 14, 2), se = num(s + 17, 2);
  if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || y < 0 || !calendar_date_valid(y, mo, d) || h < 0 ||
      h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
    return 0;
  const char *p = s + 19;
  if (*p == '.') {
    size_t f = strspn(p + 1, DIGITS);
    if (f < 1 || f > 9)
      return 0;
    p += 1 + f;
  }
  if (strcmp(p, "Z") == 0)
    return 1;
  if ((*p != '+' && *p != '-') || strlen(p) != 6 || p[3] != ':')
    return 0;
  int oh = num(p + 1, 2), om = num(p + 4, 2);
  return oh >= 0 && oh <= 23 && om >= 0 && om <= 59;
}

static void hash_field(crypto_generichash_state *h, const char *name,
                       const char *value) {
  unsigned char len[8];
  size_t n = value ? strlen(value) : 0;
  crypto_generichash_update(h, (const unsigned char *)name, strlen(name) + 1);
  for (int i = 0; i < 8; i++)
    len[i] = (unsigned char)(value ? (n >> (8 * i)) & 0xFF : 0xFF);
  crypto_generichash_update(h, len, sizeof len);
  if (value)
    crypto_generichash_update(h, (const unsigned char *)value, n);
}

static kerr copy_field(char *dst, size_t cap, const cJSON *obj,
                       const char *key, const char *charset, char *msg,
                       size_t msgcap) {
  const char *v = reqjson_str(obj, key, cap - 1, charset, msg, msgcap);
  if (!v)
    return KERR_INVALID;
  memcpy(dst, v, strlen(v) + 1);
  return KERR_OK;
}

void intake_app_hash(const store_app *a, const char *sealed_b64,
                     unsigned char out[32]) {
  /* Fixed field order, lengths framed, null != "". */
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, 32);
  hash_field(&h, "uuid", a->uuid);
  hash_field(&h, "reference", a->reference);
  hash_field(&h, "device_id", a->device_id);
  hash_field(&h, "created_at", a->created_at);
  hash_field(&h, "region", a->region);
  hash_field(&h, "items", a->items_json);
  /* Only when true: "urgent": false and no "urgent" (a kiosk from before
   * it was sent) are the same application, and every hash stored before
   * the field existed stays valid. */
  if (a->urgent)
    hash_field(&h, "urgent", "true");
  /* Likewise only for a referral: an application hashes as before. */
  if (strcmp(a->kind, "referral") == 0)
    hash_field(&h, "kind", "referral");
  hash_field(&h, "content_version", a->content_version);
  hash_field(&h, "assisted_by", a->assisted_by[0] ? a->assisted_by : NULL);
  hash_field(&h, "check_digest", a->check_digest[0] ? a->check_digest : NULL);
  hash_field(&h, "sealed", sealed_b64);
  crypto_generichash_final(&h, out, 32);
}

kerr intake_app_parse(const char *body, size_t n,
                      const unsigned char *check_key, intake_app *out,
                      char *msg, size_t msgcap) {
  return intake_app_parse_hinted(body, n, check_key, NULL, 0, out, msg,
                                 msgcap);
}

kerr intake_app_parse_hinted(const char *body, size_t n,
                             const unsigned char *check_key,
                             const char (*hints)[5], size_t n_hints,
                             intake_app *out, char *msg, size_t msgcap) {
  kerr err = intake_app_begin(body, n, out, msg, msgcap);
  if (!err)
    err = intake_app_finish(out, check_key, hints, n_hints, msg, msgcap);
  return err;
}

kerr intake_app_begin(const char *body, size_t n, intake_app *out, char *msg,
                      size_t msgcap) {
  static const char *const keys[] = {
    "uuid",   "reference",       "device_id",   "created_at",   "region",
    "items",  "urgent",          "content_version", "assisted_by",
    "check_digest", "sealed",    "kind",            NULL};
  cJSON *j = NULL;
  kerr err;
  store_app *a = &out->app;
  memset(out, 0, sizeof *out);
  if ((err = reqjson_parse(body, n, 4, &j, msg, msgcap)))
    goto out;
  if ((err = reqjson_keys(j, keys, msg, msgcap)))
    goto out;
  err = KERR_INVALID;
  if (copy_field(a->uuid, sizeof a->uuid, j, "uuid", NULL, msg, msgcap) ||
      copy_field(a->reference, sizeof a->reference, j, "reference", NULL, msg,
                 msgcap) ||
      copy_field(a->device_id, sizeof a->device_id, j, "device_id", NULL, msg,
                 msgcap) ||
      copy_field(a->created_at, sizeof a->created_at, j, "created_at", NULL,
                 msg, msgcap) ||
      copy_field(a->region, sizeof a->region, j, "region", DIGITS, msg,
                 msgcap) ||
      copy_field(a->content_version, sizeof a->content_version, j,
                 "content_version", UPPER LOWER DIGITS ".-_+", msg, msgcap))
    goto out;
  /* null: the applicant left nothing to check a progress query with (no ID
   * number, no phone of their own); such an application is never found by
   * one. */
  int no_check =
      cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "check_digest"));
  if (!no_check && copy_field(a->check_digest, sizeof a->check_digest, j,
                              "check_digest", HEXLOW, msg, msgcap))
    goto out;
  if (!intake_uuid_ok(a->uuid)) {
    snprintf(msg, msgcap, "uuid must be a lower-case version 4 UUID");
    goto out;
  }
  if (!intake_reference_ok(a->reference)) {
    snprintf(msg, msgcap, "reference must be 4 to 32 of A-Z, 0-9 and '-'");
    goto out;
  }
  if (!intake_device_ok(a->device_id)) {
    snprintf(msg, msgcap, "device_id must look like KIOSK-140500-001");
    goto out;
  }
  if (!intake_time_ok(a->created_at)) {
    snprintf(msg, msgcap, "created_at must be an RFC 3339 date-time with "
                          "seconds and an offset, such as "
                          "2026-11-22T09:30:00+08:00");
    goto out;
  }
  if (strlen(a->region) != 6) {
    snprintf(msg, msgcap, "region must be a 6-digit division code");
    goto out;
  }
  if (a->content_version[0] == '\0') {
    snprintf(msg, msgcap, "content_version must not be empty");
    goto out;
  }
  if (!no_check && strlen(a->check_digest) != STORE_DIGEST_HEX) {
    snprintf(msg, msgcap, "check_digest must be 64 lower-case hex digits or "
                          "null");
    goto out;
  }
  const cJSON *kind = cJSON_GetObjectItemCaseSensitive(j, "kind");
  if (kind && (!cJSON_IsString(kind) ||
               (strcmp(kind->valuestring, "application") != 0 &&
                strcmp(kind->valuestring, "referral") != 0))) {
    snprintf(msg, msgcap, "kind must be \"application\" or \"referral\" "
                          "(or left out)");
    goto out;
  }
  snprintf(a->kind, sizeof a->kind, "%s", kind ? kind->valuestring
                                               : "application");
  int referral = strcmp(a->kind, "referral") == 0;
  const cJSON *ab = cJSON_GetObjectItemCaseSensitive(j, "assisted_by");
  if (ab && !cJSON_IsNull(ab)) {
    if (copy_field(a->assisted_by, sizeof a->assisted_by, j, "assisted_by",
                   UPPER LOWER DIGITS "-_", msg, msgcap))
      goto out;
    if (a->assisted_by[0] == '\0') {
      snprintf(msg, msgcap, "assisted_by must be null or a staff id");
      goto out;
    }
  }
  const cJSON *urgent = cJSON_GetObjectItemCaseSensitive(j, "urgent");
  if (urgent && !cJSON_IsBool(urgent)) {
    snprintf(msg, msgcap, "urgent must be true or false (or left out)");
    goto out;
  }
  a->urgent = cJSON_IsTrue(urgent);
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
  int n_items = cJSON_GetArraySize(items);
  if (referral && (!cJSON_IsArray(items) || n_items != 0)) {
    snprintf(msg, msgcap, "a referral has no items: items must be []");
    goto out;
  }
  if (!referral &&
      (!cJSON_IsArray(items) || n_items < 1 || n_items > INTAKE_MAX_ITEMS)) {
    snprintf(msg, msgcap, "items must be an array of 1 to %d item ids",
             INTAKE_MAX_ITEMS);
    goto out;
  }
  const cJSON *it;
  cJSON_ArrayForEach(it, items) {
    if (!cJSON_IsString(it) || strlen(it->valuestring) == 0 ||
        strlen(it->valuestring) > INTAKE_ITEM_MAX ||
        !all_in(it->valuestring, LOWER DIGITS "_-")) {
      snprintf(msg, msgcap, "each item must be an id of a-z, 0-9, '_', '-'");
      goto out;
    }
  }
  out->items_json = cJSON_PrintUnformatted(items);
  if (!out->items_json) {
    err = KERR_NOMEM;
    goto out;
  }
  a->items_json = out->items_json;
  const cJSON *sv = cJSON_GetObjectItemCaseSensitive(j, "sealed");
  if (!cJSON_IsString(sv)) {
    snprintf(msg, msgcap, "field \"sealed\" must be a base64 string");
    goto out;
  }
  size_t b64n = strlen(sv->valuestring);
  size_t cap = b64n / 4 * 3 + 3;
  if (cap > INTAKE_SEALED_MAX + 3) {
    snprintf(msg, msgcap, "sealed application is too large");
    err = KERR_LIMIT;
    goto out;
  }
  out->sealed = malloc(cap);
  if (!out->sealed) {
    err = KERR_NOMEM;
    goto out;
  }
  size_t bin_len = 0;
  if (sodium_base642bin(out->sealed, cap, sv->valuestring, b64n, NULL,
                        &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      bin_len <= crypto_box_SEALBYTES) {
    snprintf(msg, msgcap, "sealed must be base64 of a crypto_box_seal box");
    goto out;
  }
  a->sealed = out->sealed;
  a->sealed_len = bin_len;
  /* Kept for intake_app_finish: the canonical hash takes "sealed" as
   * sent (its base64 text). */
  out->doc = j;
  out->sealed_b64 = sv->valuestring;
  out->no_check = no_check;
  j = NULL;
  err = KERR_OK;
out:
  cJSON_Delete(j);
  if (err)
    intake_app_free(out);
  return err;
}

kerr intake_app_finish(intake_app *out, const unsigned char *check_key,
                       const char (*hints)[5], size_t n_hints, char *msg,
                       size_t msgcap) {
  store_app *a = &out->app;
  kerr err = KERR_INVALID;
  if (!out->doc) {
    snprintf(msg, msgcap, "application not parsed");
    goto out;
  }
  if (check_key && !out->no_check) {
    char keyed[STORE_DIGEST_HEX + 1];
    if (intake_check_rekey_hinted(check_key, a->reference, a->check_digest,
                                  hints, n_hints, keyed)) {
      snprintf(msg, msgcap, "check_digest matches no ID-number ending for "
                            "this reference");
      goto out;
    }
    memcpy(a->check_digest, keyed, sizeof keyed);
  }
  intake_app_hash(a, out->sealed_b64, a->body_hash);
  err = KERR_OK;
out:
  cJSON_Delete(out->doc);
  out->doc = NULL;
  out->sealed_b64 = NULL;
  if (err)
    intake_app_free(out);
  return err;
}

void intake_app_free(intake_app *a) {
  if (!a)
    return;
  free(a->items_json);
  free(a->sealed);
  cJSON_Delete(a->doc);
  memset(a, 0, sizeof *a);
}

static kerr count_field(const cJSON *j, const char *key, int64_t *out,
                        char *msg, size_t msgcap) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
  if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
      v->valuedouble > 9007199254740991.0 ||
      v->valuedouble != (double)(int64_t)v->valuedouble) {
    snprintf(msg, msgcap, "field \"%s\" must be a whole number >= 0", key);
    return KERR_INVALID;
  }
  *out = (int64_t)v->valuedouble;
  return KERR_OK;
}

kerr intake_heartbeat_parse(const char *body, size_t n, intake_heartbeat *out,
                            char *msg, size_t msgcap) {
  static const char *const keys[] = {"device_id",   "content_version",
                                     "outbox_depth", "quarantined",
                                     "uptime_s",    "last_errors", NULL};
  cJSON *j = NULL;
  kerr err;
  store_device *d = &out->dev;
  memset(out, 0, sizeof *out);
  if ((err = reqjson_parse(body, n, 4, &j, msg, msgcap)))
    goto out;
  if ((err = reqjson_keys(j, keys, msg, msgcap)))
    goto out;
  err = KERR_INVALID;
  if (copy_field(d->device_id, sizeof d->device_id, j, "device_id", NULL, msg,
                 msgcap))
    goto out;
  if (!intake_device_ok(d->device_id)) {
    snprintf(msg, msgcap, "device_id must look like KIOSK-140500-001");
    goto out;
  }
  const cJSON *cv = cJSON_GetObjectItemCaseSensitive(j, "content_version");
  if (cv && !cJSON_IsNull(cv) &&
      copy_field(d->content_version, sizeof d->content_version, j,
                 "content_version", UPPER LOWER DIGITS ".-_+", msg, msgcap))
    goto out;
  if (count_field(j, "outbox_depth", &d->outbox_depth, msg, msgcap) ||
      count_field(j, "quarantined", &d->quarantined, msg, msgcap) ||
      count_field(j, "uptime_s", &d->uptime_s, msg, msgcap))
    goto out;
  const cJSON *le = cJSON_GetObjectItemCaseSensitive(j, "last_errors");
  if (le && !cJSON_IsNull(le)) {
    if (!cJSON_IsArray(le) || cJSON_GetArraySize(le) > INTAKE_ERRORS_MAX) {
      snprintf(msg, msgcap, "last_errors must be an array of at most %d",
               INTAKE_ERRORS_MAX);
      goto out;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, le) {
      /* Characters, as the API description's maxLength counts. */
      if (!cJSON_IsString(e) ||
          strlen(e->valuestring) > REQJSON_UTF8_MAX * INTAKE_ERROR_LEN ||
          utf8_count(e->valuestring, strlen(e->valuestring)) >
              INTAKE_ERROR_LEN) {
        snprintf(msg, msgcap, "each of last_errors must be a string of at "
                              "most %d characters", INTAKE_ERROR_LEN);
        goto out;
      }
    }
    out->errors_json = cJSON_PrintUnformatted(le);
  } else {
    out->errors_json = malloc(3);
    if (out->errors_json)
      memcpy(out->errors_json, "[]", 3);
  }
  if (!out->errors_json) {
    err = KERR_NOMEM;
    goto out;
  }
  d->last_errors_json = out->errors_json;
  err = KERR_OK;
out:
  cJSON_Delete(j);
  if (err)
    intake_heartbeat_free(out);
  return err;
}

void intake_heartbeat_free(intake_heartbeat *h) {
  if (!h)
    return;
  free(h->errors_json);
  memset(h, 0, sizeof *h);
}

int intake_check_ok(const char *s) {
  return strlen(s) == 4 && all_in(s, UPPER LOWER DIGITS);
}

/* BLAKE2b-256 of tag reference "|" LAST4, keyed when key is not NULL. */
static kerr digest(const unsigned char *key, const char *tag,
                   const char *reference, const char *last4, char hex[65]) {
  char up[5];
  unsigned char md[32];
  crypto_generichash_state h;
  if (!intake_check_ok(last4))
    return KERR_INVALID;
  for (int i = 0; i < 4; i++)
    up[i] = (char)toupper((unsigned char)last4[i]);
  up[4] = '\0';
  crypto_generichash_init(&h, key, key ? INTAKE_CHECK_KEY : 0, sizeof md);
  crypto_generichash_update(&h, (const unsigned char *)tag, strlen(tag));
  crypto_generichash_update(&h, (const unsigned char *)reference,
                            strlen(reference));
  crypto_generichash_update(&h, (const unsigned char *)"|", 1);
  crypto_generichash_update(&h, (const unsigned char *)up, 4);
  crypto_generichash_final(&h, md, sizeof md);
  sodium_bin2hex(hex, 65, md, sizeof md);
  return KERR_OK;
}

kerr intake_check_digest(const char *reference, const char *last4,
                         char hex[65]) {
  return digest(NULL, "kiosk-status-v1|", reference, last4, hex);
}

kerr intake_check_mac(const unsigned char key[INTAKE_CHECK_KEY],
                      const char *reference, const char *last4, char hex[65]) {
  return digest(key, "kiosk-status-v2|", reference, last4, hex);
}

kerr intake_check_rekey(const unsigned char key[INTAKE_CHECK_KEY],
                        const char *reference, const char *old_hex,
                        char out[65]) {
  /* The kiosk only sends endings of [0-9X]{4} (net/seal.c): 14 641 tries.
   * The hash of the common prefix is computed once and copied for each
   * candidate, and digests are compared as bytes, not hex: about a third
   * of the time. Every candidate is tried so the time does not depend on
   * the answer. */
  static const char set[] = DIGITS "X";
  char cand[5] = {0}, found[5] = {0};
  unsigned char want[32], md[32];
  crypto_generichash_state prefix, h;
  int hit = 0;
  if (!reference || !old_hex || strlen(old_hex) != 64 ||
      sodium_hex2bin(want, sizeof want, old_hex, 64, NULL, NULL, NULL) != 0)
    return KERR_INVALID;
  crypto_generichash_init(&prefix, NULL, 0, sizeof md);
  crypto_generichash_update(&prefix, (const unsigned char *)"kiosk-status-v1|",
                            strlen("kiosk-status-v1|"));
  crypto_generichash_update(&prefix, (const unsigned char *)reference,
                            strlen(reference));
  crypto_generichash_update(&prefix, (const unsigned char *)"|", 1);
  for (int i = 0; i < 11 * 11 * 11 * 11; i++) {
    int v = i;
    for (int k = 3; k >= 0; k--, v /= 11)
      cand[k] = set[v % 11];
    memcpy(&h, &prefix, sizeof h);
    crypto_generichash_update(&h, (const unsigned char *)cand, 4);
    crypto_generichash_final(&h, md, sizeof md);
    if (!hit && sodium_memcmp(md, want, sizeof md) == 0) {
      hit = 1;
      memcpy(found, cand, sizeof found);
    }
  }
  kerr err = hit ? intake_check_mac(key, reference, found, out) : KERR_NOTFOUND;
  sodium_memzero(found, sizeof found);
  sodium_memzero(cand, sizeof cand);
  sodium_memzero(&h, sizeof h);
  return err;
}

size_t intake_payload_hints(const char *plain, size_t n,
                            char hints[INTAKE_HINTS_MAX][5]) {
  cJSON *pt = cJSON_ParseWithLength(plain, n);
  size_t k = intake_payload_hints_json(pt, hints);
  /* cJSON's copies of the whole payload: wiped before they are freed. */
  session_wipe_json(pt);
  cJSON_Delete(pt);
  return k;
}

size_t intake_payload_hints_json(const cJSON *pt,
                                 char hints[INTAKE_HINTS_MAX][5]) {
  static const char *const from[] = {"applicant_id", "applicant_phone",
                                     "reporter_phone"};
  size_t k = 0;
  const cJSON *ans = cJSON_GetObjectItemCaseSensitive(pt, "answers");
  for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(ans, from[i]);
    const char *t = cJSON_GetStringValue(v);
    size_t len = t ? strlen(t) : 0;
    if (len >= 4 && k < INTAKE_HINTS_MAX) {
      memcpy(hints[k], t + len - 4, 4);
      hints[k][4] = '\0';
      k++;
    }
  }
  return k;
}

kerr intake_check_rekey_hinted(const unsigned char key[INTAKE_CHECK_KEY],
                               const char *reference, const char *old_hex,
                               const char (*hints)[5], size_t n,
                               char out[65]) {
  char hex[65];
  for (size_t i = 0; hints && i < n; i++) {
    if (intake_check_digest(reference, hints[i], hex) == KERR_OK &&
        old_hex && strlen(old_hex) == 64 &&
        sodium_memcmp(hex, old_hex, 64) == 0)
      return intake_check_mac(key, reference, hints[i], out);
  }
  return intake_check_rekey(key, reference, old_hex, out);
}

kerr intake_app_rekey(const unsigned char key[INTAKE_CHECK_KEY], store_app *a) {
  char keyed[65];
  kerr err = intake_check_rekey(key, a->reference, a->check_digest, keyed);
  if (err == KERR_NOTFOUND) {
    memset(keyed, '-', 64); /* not hex: matches no query */
    keyed[64] = '\0';
  } else if (err) {
    return err;
  }
  size_t cap =
      sodium_base64_ENCODED_LEN(a->sealed_len, sodium_base64_VARIANT_ORIGINAL);
  char *b64 = malloc(cap);
  if (!b64)
    return KERR_NOMEM;
  sodium_bin2base64(b64, cap, a->sealed, a->sealed_len,
                    sodium_base64_VARIANT_ORIGINAL);
  memcpy(a->check_digest, keyed, sizeof keyed);
  intake_app_hash(a, b64, a->body_hash);
  free(b64);
  return err;
}

/* ---- photographed pages (the payload's "attachments") ---- */

static int whole_in(const cJSON *v, int lo, int hi) {
  return cJSON_IsNumber(v) && v->valuedouble >= lo && v->valuedouble <= hi &&
         v->valuedouble == (double)(int)v->valuedouble;
}

kerr intake_page_decode(const cJSON *att, unsigned char **jpeg, size_t *len) {
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(att, "data");
  *jpeg = NULL;
  *len = 0;
  if (!cJSON_IsString(d))
    return KERR_INVALID;
  size_t b64n = strlen(d->valuestring);
  size_t cap = b64n / 4 * 3 + 3;
  unsigned char *buf = malloc(cap);
  size_t n = 0;
  if (!buf)
    return KERR_NOMEM;
  /* No characters ignored: a line break is an error, as is a missing
   * pad. */
  if (sodium_base642bin(buf, cap, d->valuestring, b64n, NULL, &n, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      n < 3 || buf[0] != 0xFF || buf[1] != 0xD8 || buf[2] != 0xFF) {
    sodium_memzero(buf, cap);
    free(buf);
    return KERR_INVALID;
  }
  *jpeg = buf;
  *len = n;
  return KERR_OK;
}

/* A base64 character's value, -1 for any other byte. */
static int b64_val(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* 1 if s[0..n) is what sodium_base642bin (VARIANT_ORIGINAL, nothing
 * ignored) decodes, and its first bytes are a JPEG's FF D8 FF. Checked,
 * not decoded: sodium's constant-time decoder takes ten times as long, and
 * a page's bytes are not secret from this check. */
static int b64_jpeg_ok(const char *s, size_t n) {
  if (n < 4 || n % 4)
    return 0;
  size_t pad = s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
  /* Without branches (the loop vectorises; random bytes would mispredict
   * a branch per character). */
  unsigned bad = 0;
  for (size_t i = 0; i < n - pad; i++) {
    unsigned char c = (unsigned char)s[i];
    bad |= !(((unsigned)(c - 'A') < 26u) | ((unsigned)(c - 'a') < 26u) |
             ((unsigned)(c - '0') < 10u) | (c == '+') | (c == '/'));
  }
  if (bad)
    return 0;
  /* The unused low bits of the last character before the padding must be
   * zero (sodium refuses them otherwise). */
  int last = b64_val((unsigned char)s[n - pad - 1]);
  if ((pad == 2 && (last & 0x0F)) || (pad == 1 && (last & 0x03)))
    return 0;
  /* FF D8 FF is "/9j/" (the fourth character's low bits are the next
   * byte's). */
  return strncmp(s, "/9j/", 4) == 0;
}

/* One attachment (the i-th) against the contract; msg names what is
 * wrong, never the value. */
static kerr page_check(const cJSON *a, int i, char *msg, size_t msgcap) {
  static const char *const keys[] = {"items", "material", "page", "type",
                                     "width", "height", "data", NULL};
  char why[REQJSON_MSG_MAX];
  if (!cJSON_IsObject(a)) {
    snprintf(msg, msgcap, "attachments[%d] must be an object", i);
    return KERR_INVALID;
  }
  if (reqjson_keys(a, keys, why, sizeof why)) {
    snprintf(msg, msgcap, "attachments[%d]: %s", i, why);
    return KERR_INVALID;
  }
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(a, "items"), *it;
  int n_items = cJSON_GetArraySize(items);
  if (!cJSON_IsArray(items) || n_items < 1 || n_items > INTAKE_MAX_ITEMS) {
    snprintf(msg, msgcap, "attachments[%d].items must be an array of 1 to "
                          "%d item ids", i, INTAKE_MAX_ITEMS);
    return KERR_INVALID;
  }
  cJSON_ArrayForEach(it, items) {
    if (!cJSON_IsString(it) || strlen(it->valuestring) == 0 ||
        strlen(it->valuestring) > INTAKE_ITEM_MAX ||
        !all_in(it->valuestring, LOWER DIGITS "_")) {
      snprintf(msg, msgcap, "attachments[%d].items: each must be an id of "
                            "a-z, 0-9 and '_'", i);
      return KERR_INVALID;
    }
  }
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(a, "material");
  size_t ml = cJSON_IsString(m) ? strlen(m->valuestring) : 0;
  if (ml == 0 || ml > REQJSON_UTF8_MAX * INTAKE_MATERIAL_MAX ||
      utf8_count(m->valuestring, ml) > INTAKE_MATERIAL_MAX) {
    snprintf(msg, msgcap, "attachments[%d].material must be text of 1 to "
                          "%d characters", i, INTAKE_MATERIAL_MAX);
    return KERR_INVALID;
  }
  if (!whole_in(cJSON_GetObjectItemCaseSensitive(a, "page"), 1,
                INTAKE_PAGE_NO_MAX)) {
    snprintf(msg, msgcap, "attachments[%d].page must be a whole number "
                          "from 1 to %d", i, INTAKE_PAGE_NO_MAX);
    return KERR_INVALID;
  }
  const char *type =
      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "type"));
  if (!type || strcmp(type, "image/jpeg") != 0) {
    snprintf(msg, msgcap, "attachments[%d].type must be \"image/jpeg\"", i);
    return KERR_INVALID;
  }
  if (!whole_in(cJSON_GetObjectItemCaseSensitive(a, "width"), 1,
                INTAKE_PAGE_DIM_MAX) ||
      !whole_in(cJSON_GetObjectItemCaseSensitive(a, "height"), 1,
                INTAKE_PAGE_DIM_MAX)) {
    snprintf(msg, msgcap, "attachments[%d]: width and height must be whole "
                          "numbers from 1 to %d", i, INTAKE_PAGE_DIM_MAX);
    return KERR_INVALID;
  }
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(a, "data");
  if (!cJSON_IsString(d) ||
      !b64_jpeg_ok(d->valuestring, strlen(d->valuestring))) {
    snprintf(msg, msgcap, "attachments[%d].data must be standard base64 "
                          "(no line breaks) of a JPEG, which begins with "
                          "FF D8 FF", i);
    return KERR_INVALID;
  }
  return KERR_OK;
}

kerr intake_payload_pages(const cJSON *pt, char *msg, size_t msgcap) {
  const cJSON *att = cJSON_GetObjectItemCaseSensitive(pt, "attachments"), *a;
  int i = 0;
  if (!att)
    return KERR_OK;
  if (!cJSON_IsArray(att) || cJSON_GetArraySize(att) > INTAKE_PAGES_MAX) {
    snprintf(msg, msgcap, "attachments must be an array of at most %d "
                          "photographed pages", INTAKE_PAGES_MAX);
    return KERR_INVALID;
  }
  cJSON_ArrayForEach(a, att) {
    kerr err = page_check(a, i++, msg, msgcap);
    if (err)
      return err;
  }
  return KERR_OK;
}
