/* seal: the envelope opens with the backend's secret key only, carries the
 * documented fields (urgent always, true or false, and kept by a new
 * reference), and the check digest matches an independent vector. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "check.h"
#include "net/refno.h"
#include "net/seal.h"

static const char *items2[] = {"dibao", "medical"};

static void meta_fill(seal_meta *m, const char *uuid, const char *ref) {
  memset(m, 0, sizeof *m);
  m->uuid = uuid;
  m->reference = ref;
  m->device_id = "KIOSK-140500-001";
  m->created_at = "2026-11-22T09:30:00+08:00";
  m->region = "140500";
  m->items = items2;
  m->n_items = 2;
  m->content_version = "2025.07.1";
  m->assisted_by = NULL;
  m->last4 = "123x";
}

int main(void) {
  unsigned char pk[32], sk[32], pk2[32];
  char b64[64], uuid[SEAL_UUID_BUF], ref[REFNO_BUF], digest[SEAL_DIGEST_BUF];
  const char *plain = "{\"schema_version\":1,\"answers\":{\"applicant_name\":"
                      "\"\xe5\xbc\xa0\xe4\xb8\x89\"}}";
  char *env = NULL;
  seal_meta m;

  CHECK(sodium_init() >= 0);
  crypto_box_keypair(pk, sk);
  sodium_bin2base64(b64, sizeof b64, pk, 32, sodium_base64_VARIANT_ORIGINAL);

  /* Key parsing. */
  CHECK_INT(seal_key_parse(b64, pk2), KERR_OK);
  CHECK(memcmp(pk, pk2, 32) == 0);
  CHECK_INT(seal_key_parse("not base64!!", pk2), KERR_PARSE);
  CHECK_INT(seal_key_parse("AAAA", pk2), KERR_INVALID);
  CHECK_INT(seal_key_parse(NULL, pk2), KERR_PARSE);

  /* UUIDs: v4 shape, distinct. */
  {
    char a[SEAL_UUID_BUF], b[SEAL_UUID_BUF];
    int ok = 1;
    for (int i = 0; i < 1000; i++) {
      seal_uuid_v4(a);
      seal_uuid_v4(b);
      if (!seal_uuid_valid(a) || !seal_uuid_valid(b) || strcmp(a, b) == 0)
        ok = 0;
    }
    CHECK(ok);
    CHECK(!seal_uuid_valid("6F1C2A9E-3B7D-4C1E-9A55-0D2F8E41B7C3"));
    CHECK(!seal_uuid_valid("6f1c2a9e-3b7d-3c1e-9a55-0d2f8e41b7c3"));
    CHECK(seal_uuid_valid("6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c3"));
  }

  /* Digest: vector computed with Python's hashlib.blake2b(digest_size=32). */
  CHECK_INT(refno_format("JC", 0, ref), KERR_OK);
  CHECK_STR(ref, "JC-3333-3");
  CHECK_INT(seal_check_digest(ref, "123x", digest), KERR_OK);
  CHECK_STR(digest,
            "75e04fd0091e5921c9a362dd6785a20d9ec17afdbbd3d217064dd58e8c83d0c1");
  CHECK_INT(seal_check_digest(ref, "12", digest), KERR_INVALID);
  CHECK_INT(seal_check_digest(ref, "12a4", digest), KERR_INVALID);
  CHECK_INT(seal_check_digest("jc33333", "1234", digest), KERR_INVALID);

  /* Time format with offset. */
  {
    char t[SEAL_TIME_BUF];
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    CHECK_INT(seal_time_format(1795311000, t), KERR_OK);
    CHECK_STR(t, "2026-11-22T09:30:00+08:00");
  }

  /* Envelope: fields, and the seal opens to the exact plaintext. */
  seal_uuid_v4(uuid);
  meta_fill(&m, uuid, ref);
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_OK);
  CHECK(env != NULL);
  if (env) {
    cJSON *o = cJSON_Parse(env);
    const cJSON *sealed = cJSON_GetObjectItemCaseSensitive(o, "sealed");
    CHECK(o != NULL);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "uuid")), uuid);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "reference")), ref);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "check_digest")),
              digest);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "assisted_by")));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")), 2);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(o, "urgent")));
    CHECK_INT(cJSON_GetArraySize(o), 11);
    /* No plaintext leaks into the envelope. */
    CHECK(strstr(env, "applicant_name") == NULL);
    CHECK(strstr(env, "123") == NULL || strstr(env, "123X") == NULL);
    CHECK(cJSON_IsString(sealed));
    if (cJSON_IsString(sealed)) {
      size_t n = 0, slen = strlen(sealed->valuestring);
      unsigned char *ct = malloc(slen), *pt = malloc(slen + 1);
      CHECK(sodium_base642bin(ct, slen, sealed->valuestring, slen, NULL, &n,
                              NULL, sodium_base64_VARIANT_ORIGINAL) == 0);
      CHECK_INT(n, strlen(plain) + crypto_box_SEALBYTES);
      CHECK(crypto_box_seal_open(pt, ct, n, pk, sk) == 0);
      pt[n - crypto_box_SEALBYTES] = '\0';
      CHECK_STR((char *)pt, plain);
      /* A different key pair cannot open it. */
      {
        unsigned char opk[32], osk[32];
        crypto_box_keypair(opk, osk);
        CHECK(crypto_box_seal_open(pt, ct, n, opk, osk) != 0);
      }
      /* One flipped bit and it no longer opens. */
      ct[n / 2] ^= 1;
      CHECK(crypto_box_seal_open(pt, ct, n, pk, sk) != 0);
      free(ct);
      free(pt);
    }
    cJSON_Delete(o);
    /* A new reference: digest recomputed for the same ending, sealed
     * payload and everything else untouched. */
    {
      char ref2[REFNO_BUF], want[SEAL_DIGEST_BUF], *env2 = NULL;
      CHECK_INT(refno_format("JC", 77, ref2), KERR_OK);
      CHECK_INT(seal_check_digest(ref2, "123X", want), KERR_OK);
      CHECK_INT(seal_envelope_rereference(env, ref2, &env2), KERR_OK);
      cJSON *a = cJSON_Parse(env), *b = cJSON_Parse(env2);
      CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(b, "reference")),
                ref2);
      CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(b, "check_digest")),
                want);
      CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(b, "sealed")),
                cJSON_GetStringValue(cJSON_GetObjectItem(a, "sealed")));
      CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(b, "uuid")), uuid);
      CHECK_INT(cJSON_GetArraySize(b), 11);
      cJSON_Delete(a);
      cJSON_Delete(b);
      free(env2);
      env2 = NULL;
      CHECK_INT(seal_envelope_rereference(env, "jc-bad", &env2),
                KERR_INVALID);
      CHECK_INT(seal_envelope_rereference("{\"reference\":1}", ref2, &env2),
                KERR_PARSE);
      CHECK(env2 == NULL);
    }
    free(env);
    env = NULL;
  }

  /* assisted_by present. */
  meta_fill(&m, uuid, ref);
  m.assisted_by = "S0012";
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_OK);
  CHECK(env && strstr(env, "\"assisted_by\":\"S0012\"") != NULL);
  free(env);

  /* Urgent: in the clear, next to the items, and a new reference keeps it. */
  meta_fill(&m, uuid, ref);
  m.urgent = 1;
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_OK);
  CHECK(env && strstr(env, "\"items\":[\"dibao\",\"medical\"],"
                           "\"urgent\":true,") != NULL);
  {
    char ref2[REFNO_BUF], *env2 = NULL;
    CHECK_INT(refno_format("JC", 78, ref2), KERR_OK);
    CHECK_INT(seal_envelope_rereference(env, ref2, &env2), KERR_OK);
    cJSON *b = cJSON_Parse(env2);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(b, "urgent")));
    cJSON_Delete(b);
    free(env2);
  }
  free(env);

  /* Bad meta is refused before sealing. */
  meta_fill(&m, "not-a-uuid", ref);
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_INVALID);
  CHECK(env == NULL);
  meta_fill(&m, uuid, "JC-3333-4");
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_INVALID);
  meta_fill(&m, uuid, ref);
  m.n_items = 0;
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_INVALID);
  meta_fill(&m, uuid, ref);
  m.device_id = "KIOSK\"140500";
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_INVALID);
  {
    const char *bad_items[] = {"Dibao"};
    meta_fill(&m, uuid, ref);
    m.items = bad_items;
    m.n_items = 1;
    CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_INVALID);
  }
  /* No ID number and no phone: check_digest is null. */
  meta_fill(&m, uuid, ref);
  m.last4 = NULL;
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_OK);
  {
    cJSON *o = cJSON_Parse(env);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "check_digest")));
    CHECK(cJSON_GetObjectItem(o, "kind") == NULL); /* an application */
    cJSON_Delete(o);
    /* A new reference keeps it null. */
    char *env2 = NULL, r99[REFNO_BUF];
    CHECK_INT(refno_format("JC", 99, r99), KERR_OK);
    CHECK_INT(seal_envelope_rereference(env, r99, &env2), KERR_OK);
    o = cJSON_Parse(env2);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "check_digest")));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "reference")), r99);
    cJSON_Delete(o);
    free(env2);
    free(env);
    env = NULL;
  }
  meta_fill(&m, uuid, ref);
  m.last4 = "12";
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_INVALID);
  /* A referral has no items and says what it is; an application needs
   * items, a referral none; no other kind. */
  meta_fill(&m, uuid, ref);
  m.kind = "referral";
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_INVALID);
  m.n_items = 0;
  m.items = NULL;
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_OK);
  {
    cJSON *o = cJSON_Parse(env);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "kind")),
              "referral");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")), 0);
    cJSON_Delete(o);
    free(env);
    env = NULL;
  }
  m.kind = NULL;
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_INVALID);
  meta_fill(&m, uuid, ref);
  m.kind = "lead";
  CHECK_INT(seal_envelope(&m, pk, plain, strlen(plain), &env), KERR_INVALID);

  /* Size limit. */
  {
    size_t big = SEAL_PLAINTEXT_MAX + 1;
    char *p = calloc(big, 1);
    meta_fill(&m, uuid, ref);
    CHECK_INT(seal_envelope(&m, pk, p, big, &env), KERR_LIMIT);
    CHECK(env == NULL);
    CHECK_INT(seal_envelope(&m, pk, p, big - 1, &env), KERR_OK);
    /* The backend takes up to 8 MiB of sealed bytes; the envelope fits an
     * outbox row (OUTBOX_ENVELOPE_MAX, 12 MiB). */
    CHECK(SEAL_PLAINTEXT_MAX + crypto_box_SEALBYTES <= 8u * 1024u * 1024u);
    CHECK(env && strlen(env) < 12u * 1024u * 1024u);
    free(env);
    free(p);
  }
  return TEST_DONE();
}
