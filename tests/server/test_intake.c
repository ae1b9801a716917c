/* intake and content: request checking, canonical hashes, status digests,
 * publish verification. Pure functions, no server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "server/content.h"
#include "server/dept.h"
#include "server/intake.h"
#include "server/keys.h"
#include "server/reqjson.h"

static const char *APP =
    "{\"uuid\":\"6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c3\","
    "\"reference\":\"JC7K-M4PX-Q\",\"device_id\":\"KIOSK-140500-001\","
    "\"created_at\":\"2026-11-22T09:30:00+08:00\",\"region\":\"140500\","
    "\"items\":[\"dibao\",\"medical\"],\"content_version\":\"2025.07.1\","
    "\"assisted_by\":null,\"check_digest\":"
    "\"%s\",\"sealed\":\"%s\"}";

static char *app_json(const char *digest, const char *sealed) {
  size_t n = strlen(APP) + strlen(digest) + strlen(sealed) + 1;
  char *out = malloc(n);
  snprintf(out, n, APP, digest, sealed);
  return out;
}

/* The canonical hash as the server computed it before "urgent" existed
 * (fields framed by name, NUL, 8-byte little-endian length, value; null
 * as length all-ones). Hashes stored then must still match a resend. */
static void frame(crypto_generichash_state *h, const char *name,
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

static void hash_v1(const char *digest, const char *sealed,
                    unsigned char out[32]) {
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, 32);
  frame(&h, "uuid", "6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c3");
  frame(&h, "reference", "JC7K-M4PX-Q");
  frame(&h, "device_id", "KIOSK-140500-001");
  frame(&h, "created_at", "2026-11-22T09:30:00+08:00");
  frame(&h, "region", "140500");
  frame(&h, "items", "[\"dibao\",\"medical\"]");
  frame(&h, "content_version", "2025.07.1");
  frame(&h, "assisted_by", NULL);
  frame(&h, "check_digest", digest);
  frame(&h, "sealed", sealed);
  crypto_generichash_final(&h, out, 32);
}

/* body with s inserted right after the items array. */
static char *with_after_items(const char *body, const char *s) {
  const char *at = strstr(body, "\"medical\"],") + strlen("\"medical\"],");
  size_t n = strlen(body) + strlen(s) + 1;
  char *out = malloc(n);
  snprintf(out, n, "%.*s%s%s", (int)(at - body), body, s, at);
  return out;
}

/* "urgent": true, false or absent (old kiosks); absent and false are the
 * same application, true is another; anything but a boolean is refused. */
static void test_urgent(void) {
  char digest[65], msg[REQJSON_MSG_MAX], sealed[200];
  unsigned char box[80], v1[32];
  memset(box, 7, sizeof box);
  sodium_bin2base64(sealed, sizeof sealed, box, sizeof box,
                    sodium_base64_VARIANT_ORIGINAL);
  CHECK(intake_check_digest("JC7K-M4PX-Q", "123X", digest) == KERR_OK);
  char *old = app_json(digest, sealed);
  char *no = with_after_items(old, "\"urgent\":false,");
  char *yes = with_after_items(old, "\"urgent\":true,");
  intake_app a, b, c;
  CHECK(intake_app_parse(old, strlen(old), NULL, &a, msg, sizeof msg) ==
        KERR_OK);
  CHECK(intake_app_parse(no, strlen(no), NULL, &b, msg, sizeof msg) ==
        KERR_OK);
  CHECK(intake_app_parse(yes, strlen(yes), NULL, &c, msg, sizeof msg) ==
        KERR_OK);
  CHECK_INT(a.app.urgent, 0);
  CHECK_INT(b.app.urgent, 0);
  CHECK_INT(c.app.urgent, 1);
  hash_v1(digest, sealed, v1);
  CHECK(memcmp(a.app.body_hash, v1, 32) == 0);
  CHECK(memcmp(b.app.body_hash, v1, 32) == 0);
  CHECK(memcmp(c.app.body_hash, v1, 32) != 0);
  intake_app_free(&a);
  intake_app_free(&b);
  intake_app_free(&c);
  free(no);
  free(yes);

  const char *bad[] = {"\"urgent\":null,", "\"urgent\":1,",
                       "\"urgent\":\"true\",", "\"urgent\":[true],"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *body = with_after_items(old, bad[i]);
    msg[0] = '\0';
    CHECK(intake_app_parse(body, strlen(body), NULL, &a, msg, sizeof msg) ==
          KERR_INVALID);
    CHECK(strstr(msg, "urgent") != NULL);
    free(body);
  }
  free(old);
}

/* body with every occurrence of from replaced by to (one at most here). */
static char *replaced(const char *body, const char *from, const char *to) {
  const char *at = strstr(body, from);
  size_t n = strlen(body) + strlen(to) + 1;
  char *out = malloc(n);
  if (!at)
    snprintf(out, n, "%s", body);
  else
    snprintf(out, n, "%.*s%s%s", (int)(at - body), body, to,
             at + strlen(from));
  return out;
}

/* "kind": absent or "application" is the same application (the hash of
 * before); "referral" has no items and another hash; check_digest may be
 * null (nothing to check a progress query with), stored as "", and an
 * application so sent hashes as null. */
static void test_kind(void) {
  char digest[65], msg[REQJSON_MSG_MAX], sealed[200];
  unsigned char box[80], v1[32];
  memset(box, 7, sizeof box);
  sodium_bin2base64(sealed, sizeof sealed, box, sizeof box,
                    sodium_base64_VARIANT_ORIGINAL);
  CHECK(intake_check_digest("JC7K-M4PX-Q", "123X", digest) == KERR_OK);
  char *old = app_json(digest, sealed);
  char *appl = with_after_items(old, "\"kind\":\"application\",");
  intake_app a, b;
  CHECK(intake_app_parse(appl, strlen(appl), NULL, &a, msg, sizeof msg) ==
        KERR_OK);
  CHECK_STR(a.app.kind, "application");
  hash_v1(digest, sealed, v1);
  CHECK(memcmp(a.app.body_hash, v1, 32) == 0);
  intake_app_free(&a);
  /* A referral with items is refused; with [] it is taken. */
  char *ref_items = with_after_items(old, "\"kind\":\"referral\",");
  msg[0] = '\0';
  CHECK(intake_app_parse(ref_items, strlen(ref_items), NULL, &a, msg,
                         sizeof msg) == KERR_INVALID);
  CHECK(strstr(msg, "referral") != NULL);
  char *ref = replaced(ref_items, "[\"dibao\",\"medical\"]", "[]");
  CHECK(intake_app_parse(ref, strlen(ref), NULL, &a, msg, sizeof msg) ==
        KERR_OK);
  CHECK_STR(a.app.kind, "referral");
  CHECK_STR(a.app.items_json, "[]");
  CHECK(memcmp(a.app.body_hash, v1, 32) != 0);
  /* An application needs items still. */
  char *no_items = replaced(old, "[\"dibao\",\"medical\"]", "[]");
  CHECK(intake_app_parse(no_items, strlen(no_items), NULL, &b, msg,
                         sizeof msg) == KERR_INVALID);
  /* Another kind is refused. */
  char *lead = with_after_items(old, "\"kind\":\"lead\",");
  msg[0] = '\0';
  CHECK(intake_app_parse(lead, strlen(lead), NULL, &b, msg, sizeof msg) ==
        KERR_INVALID);
  CHECK(strstr(msg, "kind") != NULL);
  /* A null check digest: taken, stored empty, even with a check key. */
  char quoted[70];
  snprintf(quoted, sizeof quoted, "\"%s\"", digest);
  char *nul = replaced(ref, quoted, "null");
  unsigned char key[32] = {9};
  CHECK(intake_app_parse(nul, strlen(nul), key, &b, msg, sizeof msg) ==
        KERR_OK);
  CHECK_STR(b.app.check_digest, "");
  CHECK(memcmp(b.app.body_hash, a.app.body_hash, 32) != 0);
  intake_app_free(&a);
  intake_app_free(&b);
  free(old);
  free(appl);
  free(ref_items);
  free(ref);
  free(no_items);
  free(lead);
  free(nul);
}

/* The payload's own endings are tried first; a wrong or malformed hint
 * falls back to the full search; both give the same keyed digest. */
static void test_hints(void) {
  unsigned char key[32] = {3};
  char d[65], a[65], b[65], c[65];
  CHECK(intake_check_digest("JC7K-M4PX-Q", "123X", d) == KERR_OK);
  CHECK(intake_check_rekey(key, "JC7K-M4PX-Q", d, a) == KERR_OK);
  const char good[2][5] = {"9999", "123x"};
  CHECK(intake_check_rekey_hinted(key, "JC7K-M4PX-Q", d, good, 2, b) ==
        KERR_OK);
  CHECK_STR(b, a);
  const char bad[2][5] = {"12?X", "0000"};
  CHECK(intake_check_rekey_hinted(key, "JC7K-M4PX-Q", d, bad, 2, c) ==
        KERR_OK);
  CHECK_STR(c, a);
  char other[65];
  CHECK(intake_check_digest("JC7K-M4PX-Q", "0001", other) == KERR_OK);
  other[0] = other[0] == 'a' ? 'b' : 'a'; /* no ending gives this */
  CHECK(intake_check_rekey_hinted(key, "JC7K-M4PX-Q", other, good, 2, c) ==
        KERR_NOTFOUND);
  /* What a payload offers: ID number, then the phones. */
  const char *pl = "{\"answers\":{\"applicant_id\":\"14050219700101123X\","
                   "\"applicant_phone\":\"13900000001\"}}";
  char h[INTAKE_HINTS_MAX][5];
  CHECK_INT((int)intake_payload_hints(pl, strlen(pl), h), 2);
  CHECK_STR(h[0], "123X");
  CHECK_STR(h[1], "0001");
  const char *ref = "{\"kind\":\"referral\",\"answers\":{\"reporter_phone\":"
                    "\"13811112222\"}}";
  CHECK_INT((int)intake_payload_hints(ref, strlen(ref), h), 1);
  CHECK_STR(h[0], "2222");
  CHECK_INT((int)intake_payload_hints("[]", 2, h), 0);
}

static void test_app(void) {
  char digest[65], msg[REQJSON_MSG_MAX];
  unsigned char box[80];
  char sealed[200];
  memset(box, 7, sizeof box);
  sodium_bin2base64(sealed, sizeof sealed, box, sizeof box,
                    sodium_base64_VARIANT_ORIGINAL);
  CHECK(intake_check_digest("JC7K-M4PX-Q", "123x", digest) == KERR_OK);
  char up[65];
  CHECK(intake_check_digest("JC7K-M4PX-Q", "123X", up) == KERR_OK);
  CHECK_STR(digest, up); /* LAST4 is upper-cased */
  CHECK(intake_check_digest("JC7K-M4PX-Q", "12345", up) == KERR_INVALID);
  CHECK(intake_check_digest("JC7K-M4PX-Q", "12 4", up) == KERR_INVALID);
  /* Known answer: BLAKE2b-256("kiosk-status-v1|JC7K-M4PX-Q|123X"). */
  unsigned char md[32];
  const char *pre = "kiosk-status-v1|JC7K-M4PX-Q|123X";
  crypto_generichash(md, 32, (const unsigned char *)pre, strlen(pre), NULL, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, md, 32);
  CHECK_STR(digest, hex);

  char *body = app_json(digest, sealed);
  intake_app a, b;
  CHECK(intake_app_parse(body, strlen(body), NULL, &a, msg, sizeof msg) == KERR_OK);
  CHECK_STR(a.app.reference, "JC7K-M4PX-Q");
  CHECK_STR(a.app.items_json, "[\"dibao\",\"medical\"]");
  CHECK_INT(a.app.sealed_len, sizeof box);
  CHECK_STR(a.app.assisted_by, "");

  /* Same fields in another order and spacing: same canonical hash. */
  const char *reordered_fmt =
      "{ \"sealed\" : \"%s\", \"check_digest\":\"%s\", \"assisted_by\":null,"
      "\"content_version\":\"2025.07.1\",\"items\":[ \"dibao\", \"medical\" ],"
      "\"region\":\"140500\",\"created_at\":\"2026-11-22T09:30:00+08:00\","
      "\"device_id\":\"KIOSK-140500-001\",\"reference\":\"JC7K-M4PX-Q\","
      "\"uuid\":\"6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c3\" }\n";
  char re[1024];
  snprintf(re, sizeof re, reordered_fmt, sealed, digest);
  CHECK(intake_app_parse(re, strlen(re), NULL, &b, msg, sizeof msg) == KERR_OK);
  CHECK(memcmp(a.app.body_hash, b.app.body_hash, 32) == 0);
  intake_app_free(&b);

  /* Absent assisted_by means the same as null; a value changes the hash. */
  char *noassist = strdup(body);
  char *p = strstr(noassist, "\"assisted_by\":null,");
  memmove(p, p + strlen("\"assisted_by\":null,"),
          strlen(p + strlen("\"assisted_by\":null,")) + 1);
  CHECK(intake_app_parse(noassist, strlen(noassist), NULL, &b, msg, sizeof msg) ==
        KERR_OK);
  CHECK(memcmp(a.app.body_hash, b.app.body_hash, 32) == 0);
  intake_app_free(&b);
  free(noassist);
  char *assisted = strdup(body);
  p = strstr(assisted, "null");
  memcpy(p, "\"S1\"", 4);
  CHECK(intake_app_parse(assisted, strlen(assisted), NULL, &b, msg, sizeof msg) ==
        KERR_OK);
  CHECK_STR(b.app.assisted_by, "S1");
  CHECK(memcmp(a.app.body_hash, b.app.body_hash, 32) != 0);
  intake_app_free(&b);
  free(assisted);

  /* Items order matters (it is part of the application). */
  char *swapped = strdup(body);
  p = strstr(swapped, "[\"dibao\",\"medical\"]");
  memcpy(p, "[\"medical\",\"dibao\"]", 19);
  CHECK(intake_app_parse(swapped, strlen(swapped), NULL, &b, msg, sizeof msg) ==
        KERR_OK);
  CHECK(memcmp(a.app.body_hash, b.app.body_hash, 32) != 0);
  intake_app_free(&b);
  free(swapped);
  intake_app_free(&a);

  /* Rejections never crash and say why. */
  const char *bad[] = {"", "{", "[1,2]", "{\"uuid\":1}", "\"x\"",
                       "{\"a\":\"\\u0000\"}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    msg[0] = '\0';
    CHECK(intake_app_parse(bad[i], strlen(bad[i]), NULL, &b, msg, sizeof msg) !=
          KERR_OK);
    CHECK(msg[0] != '\0');
  }
  /* Truncations of a good body at every length are all refused. */
  size_t n = strlen(body);
  int refused = 0;
  for (size_t k = 0; k < n; k++)
    refused += intake_app_parse(body, k, NULL, &b, msg, sizeof msg) != KERR_OK;
  CHECK_INT(refused, n);
  free(body);

  CHECK(intake_uuid_ok("6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c3"));
  CHECK(!intake_uuid_ok("6f1c2a9e-3b7d-4c1e-7a55-0d2f8e41b7c3"));
  CHECK(!intake_uuid_ok("6f1c2a9e-3b7d-4c1e-9a55-0d2f8e41b7c"));
  CHECK(intake_device_ok("KIOSK-410600-001"));
  CHECK(!intake_device_ok("KIOSK-41060-0001"));
  CHECK(intake_reference_ok("JC7K-M4PX-Q"));
  CHECK(!intake_reference_ok("jc7k"));
}

/* RFC 3339 is checked for real: the date must exist, the offset is required,
 * nothing may follow it. */
static void test_time(void) {
  const char *good[] = {"2026-11-22T09:30:00+08:00", "2026-11-22T01:30:00Z",
                        "2028-02-29T23:59:59-05:30",
                        "2026-11-22T09:30:00.123+08:00"};
  const char *bad[] = {"2026-02-30T09:30:00+08:00", "2027-02-29T09:30:00Z",
                       "2026-13-01T09:30:00Z", "2026-04-31T09:30:00Z",
                       "2026-11-22T24:00:00Z", "2026-11-22T09:60:00Z",
                       "2026-11-22T09:30:00", "2026-11-22T09:30:00+08:00x",
                       "2026-11-22T09:30:00+0800", "2026-11-22T09:30:00+08",
                       "2026-11-22T09:30:00Z+08:00", "2026-11-22 09:30:00Z",
                       "2026-11-22T09:30:00.Z", "2026-11-22T09:30:00+24:00",
                       "2026-00-10T09:30:00Z", "2026-11-22T09:30:00--8:00"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    CHECK(intake_time_ok(good[i]));
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (intake_time_ok(bad[i]))
      fprintf(stderr, "accepted bad time %s\n", bad[i]);
    CHECK(!intake_time_ok(bad[i]));
  }
}

/* The keyed digest: what is stored cannot be found by trying every ending
 * without the key, and neither can the canonical hash. */
static void test_keyed(void) {
  unsigned char key[INTAKE_CHECK_KEY], key2[INTAKE_CHECK_KEY];
  char dev[65], keyed[65], want[65], hex[65], msg[REQJSON_MSG_MAX];
  randombytes_buf(key, sizeof key);
  randombytes_buf(key2, sizeof key2);
  CHECK(intake_check_digest("JC7K-M4PX-Q", "4821", dev) == KERR_OK);
  CHECK(intake_check_rekey(key, "JC7K-M4PX-Q", dev, keyed) == KERR_OK);
  CHECK(intake_check_mac(key, "JC7K-M4PX-Q", "4821", want) == KERR_OK);
  CHECK_STR(keyed, want);
  CHECK(intake_check_mac(key2, "JC7K-M4PX-Q", "4821", hex) == KERR_OK);
  CHECK(strcmp(keyed, hex) != 0); /* another key, another digest */
  CHECK(intake_check_rekey(key, "JC7K-M4PX-Q", "00000000000000000000000000"
                           "00000000000000000000000000000000000000",
                           hex) == KERR_NOTFOUND);
  /* The attack the unkeyed digest allowed: every ending, no key. */
  int found = 0;
  for (int i = 0; i < 10000; i++) {
    char cand[5];
    snprintf(cand, sizeof cand, "%04d", i);
    intake_check_digest("JC7K-M4PX-Q", cand, hex);
    found += strcmp(hex, keyed) == 0;
  }
  CHECK_INT(found, 0);

  unsigned char box[80];
  char sealed[200];
  memset(box, 7, sizeof box);
  sodium_bin2base64(sealed, sizeof sealed, box, sizeof box,
                    sodium_base64_VARIANT_ORIGINAL);
  char *body = app_json(dev, sealed);
  intake_app a, b;
  CHECK(intake_app_parse(body, strlen(body), key, &a, msg, sizeof msg) ==
        KERR_OK);
  CHECK_STR(a.app.check_digest, want);
  /* The canonical hash covers the keyed digest, so it is no oracle either. */
  CHECK(intake_app_parse(body, strlen(body), NULL, &b, msg, sizeof msg) ==
        KERR_OK);
  CHECK(memcmp(a.app.body_hash, b.app.body_hash, 32) != 0);
  /* Migration of a stored row gives what a fresh intake gives. */
  CHECK(intake_app_rekey(key, &b.app) == KERR_OK);
  CHECK_STR(b.app.check_digest, want);
  CHECK(memcmp(a.app.body_hash, b.app.body_hash, 32) == 0);
  /* A stored digest of no ending: rewritten to one no query matches. */
  memset(b.app.check_digest, 'f', 64);
  CHECK(intake_app_rekey(key, &b.app) == KERR_NOTFOUND);
  CHECK_INT(strspn(b.app.check_digest, "-"), 64);
  intake_app_free(&a);
  intake_app_free(&b);
  free(body);
  /* A digest of no possible ending is refused at intake. */
  body = app_json("0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
                  "abcdef", sealed);
  CHECK(intake_app_parse(body, strlen(body), key, &a, msg, sizeof msg) ==
        KERR_INVALID);
  CHECK(strstr(msg, "check_digest") != NULL);
  free(body);
}

/* check.key: made 0600 when missing, the same key read back, world access
 * removed, group access left as the deployment set it. */
static void test_check_key(void) {
  char dir[600], path[700];
  unsigned char k1[32], k2[32];
  int created = -1, narrowed = -1;
  struct stat st;
  mkdir(SRVTEST_WORK, 0700);
  snprintf(dir, sizeof dir, "%s/ckey-%d", SRVTEST_WORK, (int)getpid());
  mkdir(dir, 0700);
  snprintf(path, sizeof path, "%s/check.key", dir);
  unlink(path);
  mode_t old = umask(0);
  CHECK(keys_check_key(dir, k1, &created, &narrowed) == KERR_OK);
  CHECK_INT(created, 1);
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
  CHECK(keys_check_key(dir, k2, &created, &narrowed) == KERR_OK);
  CHECK_INT(created, 0);
  CHECK_INT(narrowed, 0);
  CHECK(memcmp(k1, k2, 32) == 0);
  CHECK(chmod(path, 0644) == 0);
  CHECK(keys_check_key(dir, k2, &created, &narrowed) == KERR_OK);
  CHECK_INT(narrowed, 1);
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
  CHECK(keys_check_key(dir, k2, &created, &narrowed) == KERR_OK);
  CHECK_INT(narrowed, 0); /* group read is the deployment's choice */
  CHECK(keys_gen_check(dir, 0) == KERR_STATE);
  CHECK(keys_gen_check(dir, 1) == KERR_OK);
  CHECK(keys_check_key(dir, k2, &created, &narrowed) == KERR_OK);
  CHECK(memcmp(k1, k2, 32) != 0);
  umask(old);
  unlink(path);
  rmdir(dir);
}

static void test_heartbeat(void) {
  intake_heartbeat h;
  char msg[REQJSON_MSG_MAX];
  const char *ok = "{\"device_id\":\"KIOSK-140500-001\",\"content_version\":"
                   "\"2025.07.1\",\"outbox_depth\":3,\"quarantined\":1,"
                   "\"uptime_s\":123,\"last_errors\":[\"超时\"]}";
  CHECK(intake_heartbeat_parse(ok, strlen(ok), &h, msg, sizeof msg) ==
        KERR_OK);
  CHECK_INT(h.dev.outbox_depth, 3);
  CHECK_INT(h.dev.quarantined, 1);
  CHECK_STR(h.dev.last_errors_json, "[\"超时\"]");
  intake_heartbeat_free(&h);
  const char *bad[] = {
    "{\"device_id\":\"KIOSK-140500-001\",\"outbox_depth\":1.5,"
    "\"quarantined\":0,\"uptime_s\":1}",
    "{\"device_id\":\"KIOSK-140500-001\",\"outbox_depth\":0,"
    "\"quarantined\":0,\"uptime_s\":1,\"last_errors\":[1]}",
    "{\"device_id\":\"someone\",\"outbox_depth\":0,\"quarantined\":0,"
    "\"uptime_s\":1}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK(intake_heartbeat_parse(bad[i], strlen(bad[i]), &h, msg,
                                 sizeof msg) == KERR_INVALID);
}

static void test_reqjson(void) {
  cJSON *j = NULL;
  char msg[REQJSON_MSG_MAX];
  char deep[200];
  memset(deep, '[', 100);
  memset(deep + 100, ']', 100);
  CHECK(reqjson_parse(deep, 200, 8, &j, msg, sizeof msg) == KERR_LIMIT);
  CHECK(reqjson_parse(deep + 96, 8, 8, &j, msg, sizeof msg) == KERR_OK);
  cJSON_Delete(j);
  /* Brackets inside strings do not count. */
  const char *s = "{\"a\":\"[[[[[[[[[[[[\"}";
  CHECK(reqjson_parse(s, strlen(s), 2, &j, msg, sizeof msg) == KERR_OK);
  cJSON_Delete(j);
  CHECK(!reqjson_utf8_ok("\xc0\xaf", 2));       /* overlong */
  CHECK(!reqjson_utf8_ok("\xed\xa0\x80", 3));   /* surrogate */
  CHECK(reqjson_utf8_ok("最低生活保障", strlen("最低生活保障")));
}

static void test_content(void) {
  unsigned char pk[32], sk[64], sig[64];
  char msg[REQJSON_MSG_MAX], body[4096], sha[65];
  content_publish p;
  crypto_sign_keypair(pk, sk);
  const char *file = "hello";
  unsigned char md[32];
  crypto_hash_sha256(md, (const unsigned char *)file, 5);
  sodium_bin2hex(sha, sizeof sha, md, 32);
  char manifest[512];
  snprintf(manifest, sizeof manifest,
           "{\"version\":\"1.2\",\"region\":\"140500\",\"files\":[{\"path\":"
           "\"a.txt\",\"sha256\":\"%s\",\"size\":5}]}",
           sha);
  crypto_sign_detached(sig, NULL, (unsigned char *)manifest, strlen(manifest),
                       sk);
  char m64[1024], s64[128], f64[16];
  sodium_bin2base64(m64, sizeof m64, (unsigned char *)manifest,
                    strlen(manifest), sodium_base64_VARIANT_ORIGINAL);
  sodium_bin2base64(s64, sizeof s64, sig, 64, sodium_base64_VARIANT_ORIGINAL);
  sodium_bin2base64(f64, sizeof f64, (const unsigned char *)file, 5,
                    sodium_base64_VARIANT_ORIGINAL);
  snprintf(body, sizeof body,
           "{\"manifest\":\"%s\",\"signature\":\"%s\",\"files\":[{\"sha256\":"
           "\"%s\",\"data\":\"%s\"}]}",
           m64, s64, sha, f64);
  CHECK(content_publish_parse(body, strlen(body), pk, 1, &p, msg, sizeof msg) ==
        KERR_OK);
  CHECK_STR(p.m.region, "140500");
  CHECK_STR(p.m.version, "1.2");
  CHECK_INT(p.n_files, 1);
  CHECK_INT(p.n_listed, 1);
  CHECK_INT(p.m.manifest_len, strlen(manifest));
  content_publish_free(&p);
  /* Another key: KERR_CRYPTO. */
  unsigned char pk2[32], sk2[64];
  crypto_sign_keypair(pk2, sk2);
  CHECK(content_publish_parse(body, strlen(body), pk2, 1, &p, msg,
                              sizeof msg) == KERR_CRYPTO);
  /* Several trusted keys (admin.pub during a rotation): any one will do. */
  unsigned char two[2][32];
  memcpy(two[0], pk2, 32);
  memcpy(two[1], pk, 32);
  CHECK(content_publish_parse(body, strlen(body), &two[0][0], 2, &p, msg,
                              sizeof msg) == KERR_OK);
  content_publish_free(&p);
  CHECK(content_publish_parse(body, strlen(body), &two[0][0], 1, &p, msg,
                              sizeof msg) == KERR_CRYPTO);
  /* A file whose bytes do not match its hash. */
  char body2[4096];
  snprintf(body2, sizeof body2,
           "{\"manifest\":\"%s\",\"signature\":\"%s\",\"files\":[{\"sha256\":"
           "\"%s\",\"data\":\"aGVsbG8h\"}]}",
           m64, s64, sha);
  CHECK(content_publish_parse(body2, strlen(body2), pk, 1, &p, msg,
                              sizeof msg) == KERR_INVALID);
}

/* The built-in departments (the shipped server/departments.json). */
static void test_dept(void) {
  dept_table *t = NULL;
  char msg[200];
  CHECK(dept_table_load(NULL, &t, msg, sizeof msg) == KERR_OK);
  if (!t)
    return;
  CHECK_STR(dept_for_item(t, "dibao"), "县民政局");
  CHECK_STR(dept_for_item(t, "medical"), "医保");
  CHECK_STR(dept_for_item(t, "education"), "教育");
  CHECK_STR(dept_for_item(t, "housing"), "住建");
  CHECK_STR(dept_for_item(t, "employment"), "人社");
  CHECK_STR(dept_for_item(t, "disability"), "县民政局、残联");
  CHECK_STR(dept_for_item(t, "unknown-item"), "县民政局");
  dept_table_destroy(t);
}

int main(void) {
  if (sodium_init() < 0)
    return 1;
  test_app();
  test_urgent();
  test_hints();
  test_kind();
  test_time();
  test_keyed();
  test_check_key();
  test_heartbeat();
  test_reqjson();
  test_content();
  test_dept();
  return TEST_DONE();
}
