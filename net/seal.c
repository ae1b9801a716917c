/* seal: envelope construction, sealing, UUIDs and the status check digest.
 *
 * Invariants: nothing here writes to disk or logs payloads; every
 * intermediate copy of sealed input is owned by libsodium's output buffer
 * (ciphertext), so there is no plaintext copy to wipe besides the caller's. */
#include "seal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "refno.h"

static kerr seal_sodium_ready(void) {
  return sodium_init() < 0 ? KERR_CRYPTO : KERR_OK;
}

kerr seal_key_parse(const char *b64, unsigned char pk[SEAL_PUBLICKEY_BYTES]) {
  unsigned char buf[SEAL_PUBLICKEY_BYTES + 8];
  size_t n = 0;
  const char *end = NULL;

  if (!b64 || strlen(b64) > 128)
    return KERR_PARSE;
  if (seal_sodium_ready())
    return KERR_CRYPTO;
  if (sodium_base642bin(buf, sizeof buf, b64, strlen(b64), " \t\r\n", &n,
                        &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      (end && *end != '\0'))
    return KERR_PARSE;
  if (n != SEAL_PUBLICKEY_BYTES)
    return KERR_INVALID;
  memcpy(pk, buf, SEAL_PUBLICKEY_BYTES);
  return KERR_OK;
}

void seal_uuid_v4(char out[SEAL_UUID_BUF]) {
  /* 8-4-4-4-12 hex digits: the 16 bytes in groups of 4, 2, 2, 2, 6. */
  static const size_t group[] = {4, 2, 2, 2, 6};
  unsigned char b[16];
  size_t at = 0, o = 0;

  (void)seal_sodium_ready();  /* randombytes works without it, too */
  randombytes_buf(b, sizeof b);
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);  /* version 4 */
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);  /* RFC 4122 variant */
  for (size_t g = 0; g < sizeof group / sizeof group[0]; g++) {
    if (g)
      out[o++] = '-';
    sodium_bin2hex(out + o, SEAL_UUID_BUF - o, b + at, group[g]);
    o += 2 * group[g];
    at += group[g];
  }
}

int seal_uuid_valid(const char *s) {
  if (!s || strlen(s) != 36)
    return 0;
  for (int i = 0; i < 36; i++) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-')
        return 0;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return 0;
    }
  }
  return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

kerr seal_check_digest(const char *reference, const char *last4,
                       char out[SEAL_DIGEST_BUF]) {
  char canon[REFNO_BUF];
  char msg[64];
  unsigned char h[32];
  char up[5];
  int n;

  if (!reference || !last4 || refno_normalize(reference, canon) != KERR_OK ||
      strcmp(canon, reference) != 0 || strlen(last4) != 4)
    return KERR_INVALID;
  for (int i = 0; i < 4; i++) {
    char c = (char)toupper((unsigned char)last4[i]);
    if (!((c >= '0' && c <= '9') || c == 'X'))
      return KERR_INVALID;
    up[i] = c;
  }
  up[4] = '\0';
  if (seal_sodium_ready())
    return KERR_CRYPTO;
  n = snprintf(msg, sizeof msg, "kiosk-status-v1|%s|%s", reference, up);
  if (n < 0 || (size_t)n >= sizeof msg)
    return KERR_INTERNAL;
  crypto_generichash(h, sizeof h, (const unsigned char *)msg, (size_t)n,
                     NULL, 0);
  sodium_bin2hex(out, SEAL_DIGEST_BUF, h, sizeof h);
  sodium_memzero(msg, sizeof msg);
  sodium_memzero(up, sizeof up);
  return KERR_OK;
}

kerr seal_time_format(time_t t, char out[SEAL_TIME_BUF]) {
  struct tm tm;
  char z[8];

  if (!localtime_r(&t, &tm))
    return KERR_RANGE;
  if (strftime(out, SEAL_TIME_BUF, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
      strftime(z, sizeof z, "%z", &tm) != 5)
    return KERR_RANGE;
  /* "+0800" -> "+08:00" (RFC 3339 wants the colon). */
  snprintf(out + strlen(out), SEAL_TIME_BUF - strlen(out), "%c%c%c:%c%c",
           z[0], z[1], z[2], z[3], z[4]);
  return KERR_OK;
}

kerr seal_box_b64(const unsigned char pk[SEAL_PUBLICKEY_BYTES],
                  const void *plain, size_t len, char **b64_out) {
  unsigned char *ct = NULL;
  char *b64 = NULL;
  size_t ct_len = len + crypto_box_SEALBYTES, b64_len;
  kerr err = KERR_OK;

  *b64_out = NULL;
  if (len > SEAL_PLAINTEXT_MAX)
    return KERR_LIMIT;
  if (seal_sodium_ready())
    return KERR_CRYPTO;
  ct = malloc(ct_len);
  b64_len = sodium_base64_ENCODED_LEN(ct_len, sodium_base64_VARIANT_ORIGINAL);
  b64 = malloc(b64_len);
  if (!ct || !b64) {
    err = KERR_NOMEM;
    goto out;
  }
  if (crypto_box_seal(ct, plain, len, pk) != 0) {
    err = KERR_CRYPTO;
    goto out;
  }
  sodium_bin2base64(b64, b64_len, ct, ct_len, sodium_base64_VARIANT_ORIGINAL);
  *b64_out = b64;
  b64 = NULL;
out:
  free(ct);
  free(b64);
  return err;
}

/* A short printable identifier: 1..SEAL_FIELD_MAX of [A-Za-z0-9._:+-]. */
static int seal_ident_ok(const char *s, const char *extra) {
  size_t n;

  if (!s)
    return 0;
  n = strlen(s);
  if (n == 0 || n > SEAL_FIELD_MAX)
    return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!isalnum(c) && !strchr(extra, c))
      return 0;
  }
  return 1;
}

static kerr seal_meta_check(const seal_meta *m) {
  char canon[REFNO_BUF];

  if (!m || !seal_uuid_valid(m->uuid) || !m->reference ||
      refno_normalize(m->reference, canon) != KERR_OK ||
      strcmp(canon, m->reference) != 0 ||
      !seal_ident_ok(m->device_id, "-_") ||
      !seal_ident_ok(m->created_at, "-:+T") ||
      !seal_ident_ok(m->region, "") ||
      !seal_ident_ok(m->content_version, ".-_") ||
      (m->assisted_by && !seal_ident_ok(m->assisted_by, "-_")) ||
      m->n_items > SEAL_ITEMS_MAX || (m->n_items && !m->items))
    return KERR_INVALID;
  /* An application names its items; a referral has none. */
  int referral = m->kind && strcmp(m->kind, "referral") == 0;
  if ((m->kind && !referral && strcmp(m->kind, "application") != 0) ||
      (referral ? m->n_items != 0 : m->n_items == 0))
    return KERR_INVALID;
  for (size_t i = 0; i < m->n_items; i++) {
    const char *it = m->items[i];
    if (!seal_ident_ok(it, "_"))
      return KERR_INVALID;
    for (const char *p = it; *p; p++)
      if (isupper((unsigned char)*p))
        return KERR_INVALID;
  }
  return KERR_OK;
}

kerr seal_envelope(const seal_meta *m,
                   const unsigned char pk[SEAL_PUBLICKEY_BYTES],
                   const void *plain, size_t len, char **envelope_out) {
  char digest[SEAL_DIGEST_BUF];
  char *sealed = NULL, *json = NULL;
  cJSON *o = NULL, *items;
  kerr err;

  *envelope_out = NULL;
  err = seal_meta_check(m);
  if (err)
    return err;
  if (m->last4) {
    err = seal_check_digest(m->reference, m->last4, digest);
    if (err)
      return err;
  }
  err = seal_box_b64(pk, plain, len, &sealed);
  if (err)
    goto out;
  o = cJSON_CreateObject();
  if (!o) {
    err = KERR_NOMEM;
    goto out;
  }
  /* Field order follows docs/protocol.md for readability of captures. */
  if (!cJSON_AddStringToObject(o, "uuid", m->uuid) ||
      !cJSON_AddStringToObject(o, "reference", m->reference) ||
      !cJSON_AddStringToObject(o, "device_id", m->device_id) ||
      !cJSON_AddStringToObject(o, "created_at", m->created_at) ||
      !cJSON_AddStringToObject(o, "region", m->region) ||
      !(items = cJSON_AddArrayToObject(o, "items"))) {
    err = KERR_NOMEM;
    goto out;
  }
  for (size_t i = 0; i < m->n_items; i++) {
    cJSON *s = cJSON_CreateString(m->items[i]);
    if (!s || !cJSON_AddItemToArray(items, s)) {
      cJSON_Delete(s);
      err = KERR_NOMEM;
      goto out;
    }
  }
  if (!cJSON_AddBoolToObject(o, "urgent", m->urgent != 0) ||
      (m->kind && strcmp(m->kind, "application") != 0 &&
       !cJSON_AddStringToObject(o, "kind", m->kind)) ||
      !cJSON_AddStringToObject(o, "content_version", m->content_version) ||
      !(m->assisted_by ? cJSON_AddStringToObject(o, "assisted_by", m->assisted_by)
                       : cJSON_AddNullToObject(o, "assisted_by")) ||
      !(m->last4 ? cJSON_AddStringToObject(o, "check_digest", digest)
                 : cJSON_AddNullToObject(o, "check_digest")) ||
      !cJSON_AddStringToObject(o, "sealed", sealed)) {
    err = KERR_NOMEM;
    goto out;
  }
  json = cJSON_PrintUnformatted(o);
  if (!json) {
    err = KERR_NOMEM;
    goto out;
  }
  *envelope_out = json;
out:
  sodium_memzero(digest, sizeof digest);
  cJSON_Delete(o);
  free(sealed);
  return err;
}

kerr seal_envelope_rereference(const char *env, const char *new_ref,
                               char **out) {
  static const char set[] = "0123456789X";
  char canon[REFNO_BUF], cand[5] = {0}, hex[SEAL_DIGEST_BUF],
       found[5] = {0};
  cJSON *o = NULL;
  kerr err = KERR_INVALID;
  int hit = 0;

  *out = NULL;
  if (!env || !new_ref || refno_normalize(new_ref, canon) != KERR_OK ||
      strcmp(canon, new_ref) != 0)
    return KERR_INVALID;
  o = cJSON_Parse(env);
  const char *ref = cJSON_GetStringValue(cJSON_GetObjectItem(o, "reference"));
  const cJSON *dgj = cJSON_GetObjectItem(o, "check_digest");
  const char *dg = cJSON_GetStringValue(dgj);
  if (!cJSON_IsObject(o) || !ref || (!cJSON_IsNull(dgj) && (!dg || strlen(dg) != 64))) {
    err = KERR_PARSE;
    goto out;
  }
  if (cJSON_IsNull(dgj)) { /* nothing to find again: only the reference */
    if (!cJSON_ReplaceItemInObject(o, "reference", cJSON_CreateString(new_ref))) {
      err = KERR_NOMEM;
      goto out;
    }
    *out = cJSON_PrintUnformatted(o);
    err = *out ? KERR_OK : KERR_NOMEM;
    goto out;
  }
  for (int i = 0; i < 11 * 11 * 11 * 11 && !hit; i++) {
    int v = i;
    for (int k = 3; k >= 0; k--, v /= 11)
      cand[k] = set[v % 11];
    if (seal_check_digest(ref, cand, hex) == KERR_OK &&
        sodium_memcmp(hex, dg, 64) == 0) {
      hit = 1;
      memcpy(found, cand, sizeof found);
    }
  }
  if (!hit || seal_check_digest(new_ref, found, hex) != KERR_OK)
    goto out;
  if (!cJSON_ReplaceItemInObject(o, "reference", cJSON_CreateString(new_ref)) ||
      !cJSON_ReplaceItemInObject(o, "check_digest", cJSON_CreateString(hex))) {
    err = KERR_NOMEM;
    goto out;
  }
  *out = cJSON_PrintUnformatted(o);
  err = *out ? KERR_OK : KERR_NOMEM;
out:
  sodium_memzero(found, sizeof found);
  sodium_memzero(cand, sizeof cand);
  cJSON_Delete(o);
  return err;
}
