/* staff: parsing staff.json (good, every kind of bad, hostile shapes),
 * PIN checks, the per-id and per-device lockouts with their timing, the
 * same answer for unknown ids, PIN buffers wiped, the bundle's accounts. */
#include <stdlib.h>

#include <sodium.h>

#include "check.h"
#include "core/log.h"
#include "core/staff.h"

#define MIN_ 60000ULL

/* A fast hash (the list accepts any cost within its caps). */
static void fast_hash(const char *pin, char out[STAFF_HASH_BUF]) {
  if (crypto_pwhash_str(out, pin, strlen(pin), crypto_pwhash_OPSLIMIT_MIN,
                        crypto_pwhash_MEMLIMIT_MIN) != 0)
    abort();
}

static staff_list *make_list(void) {
  char h1[STAFF_HASH_BUF], h2[STAFF_HASH_BUF], json[1024];
  fast_hash("246810", h1);
  fast_hash("135790", h2);
  snprintf(json, sizeof json,
           "{\"format\": 1, \"staff\": ["
           "{\"id\": \"S0001\", \"name\": \"王芳\", \"role\": \"staff\", "
           "\"pin_hash\": \"%s\"},"
           "{\"id\": \"A0001\", \"name\": \"李强\", \"role\": \"admin\", "
           "\"pin_hash\": \"%s\"}]}",
           h1, h2);
  staff_list *l = NULL;
  char err[200];
  if (staff_list_parse(json, strlen(json), &l, err, sizeof err) != KERR_OK) {
    fprintf(stderr, "%s\n", err);
    abort();
  }
  return l;
}

/* staff_check with a PIN copied into a buffer that must come back wiped. */
static kerr try_pin(staff_guard *g, const staff_list *l, const char *id,
                    const char *pin, uint64_t now, staff_who *who,
                    staff_refusal *why) {
  char buf[32];
  snprintf(buf, sizeof buf, "%s", pin);
  size_t n = strlen(buf);
  kerr e = staff_check(g, l, id, buf, now, who, why);
  for (size_t i = 0; i < n; i++)
    CHECK(buf[i] == 0);
  return e;
}

static kerr parse(const char *json, char *err, size_t n) {
  staff_list *l = NULL;
  kerr e = staff_list_parse(json, strlen(json), &l, err, n);
  CHECK((e == KERR_OK) == (l != NULL));
  staff_list_destroy(l);
  return e;
}

static void test_parse_bad(void) {
  char h[STAFF_HASH_BUF], json[2048], err[300];
  fast_hash("246810", h);
  const char *tmpl[] = {
      /* wrong format, missing list */
      "{\"format\": 2, \"staff\": []}",
      "{\"format\": 1}",
      "{\"format\": 1, \"staff\": {}}",
      "[1, 2]",
      /* bad ids */
      "{\"format\":1,\"staff\":[{\"id\":\"s0001\",\"name\":\"王芳\","
      "\"role\":\"staff\",\"pin_hash\":\"%s\"}]}",
      "{\"format\":1,\"staff\":[{\"id\":\"\",\"name\":\"王芳\","
      "\"role\":\"staff\",\"pin_hash\":\"%s\"}]}",
      "{\"format\":1,\"staff\":[{\"id\":\"S00000000000000001\",\"name\":"
      "\"王芳\",\"role\":\"staff\",\"pin_hash\":\"%s\"}]}",
      "{\"format\":1,\"staff\":[{\"id\":\"S-1\",\"name\":\"王芳\","
      "\"role\":\"staff\",\"pin_hash\":\"%s\"}]}",
      /* names, roles */
      "{\"format\":1,\"staff\":[{\"id\":\"S1\",\"name\":\"\","
      "\"role\":\"staff\",\"pin_hash\":\"%s\"}]}",
      "{\"format\":1,\"staff\":[{\"id\":\"S1\",\"name\":\"王\\n芳\","
      "\"role\":\"staff\",\"pin_hash\":\"%s\"}]}",
      "{\"format\":1,\"staff\":[{\"id\":\"S1\",\"name\":\"王芳\","
      "\"role\":\"root\",\"pin_hash\":\"%s\"}]}",
      "{\"format\":1,\"staff\":[{\"id\":\"S1\",\"name\":\"王芳\","
      "\"pin_hash\":\"%s\"}]}",
      /* an unknown field (a PIN in clear must not slip in) */
      "{\"format\":1,\"staff\":[{\"id\":\"S1\",\"name\":\"王芳\","
      "\"role\":\"staff\",\"pin_hash\":\"%s\",\"pin\":\"246810\"}]}",
      /* duplicate ids */
      "{\"format\":1,\"staff\":[{\"id\":\"S1\",\"name\":\"王芳\","
      "\"role\":\"staff\",\"pin_hash\":\"%s\"},{\"id\":\"S1\",\"name\":"
      "\"李强\",\"role\":\"admin\",\"pin_hash\":\"%s\"}]}",
      /* duplicate key inside one account */
      "{\"format\":1,\"staff\":[{\"id\":\"S1\",\"id\":\"S2\",\"name\":"
      "\"王芳\",\"role\":\"staff\",\"pin_hash\":\"%s\"}]}",
  };
  for (size_t i = 0; i < sizeof tmpl / sizeof tmpl[0]; i++) {
    snprintf(json, sizeof json, tmpl[i], h, h);
    kerr e = parse(json, err, sizeof err);
    CHECK(e != KERR_OK);
    CHECK(err[0] != '\0');
    if (e == KERR_OK)
      fprintf(stderr, "accepted: %s\n", tmpl[i]);
  }
  /* Hashes: a PIN in clear, other algorithms, costs beyond the caps. */
  const char *hashes[] = {
      "246810",
      "$2y$10$abcdefghijklmnopqrstuv",
      "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo",
      "$argon2id$v=19$m=65536,t=99,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo",
      "$argon2id$v=19$m=65536,t=2,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo",
      "$argon2id$v=19$m=65536,t=2,p=1$",
  };
  for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
    snprintf(json, sizeof json,
             "{\"format\":1,\"staff\":[{\"id\":\"S1\",\"name\":\"王芳\","
             "\"role\":\"staff\",\"pin_hash\":\"%s\"}]}",
             hashes[i]);
    CHECK_INT(parse(json, err, sizeof err), KERR_INVALID);
    CHECK(strstr(err, "pin_hash") != NULL);
  }
  /* Hostile shapes: deep nesting, too many accounts, not JSON, huge. */
  char *deep = malloc(20001);
  memset(deep, '[', 20000);
  deep[20000] = '\0';
  CHECK(parse(deep, err, sizeof err) != KERR_OK);
  free(deep);
  size_t cap = 600 * 20 + 64;
  char *many = malloc(cap);
  size_t n = (size_t)snprintf(many, cap, "{\"format\":1,\"staff\":[");
  for (int i = 0; i < 600; i++)
    n += (size_t)snprintf(many + n, cap - n, "%s{}", i ? "," : "");
  snprintf(many + n, cap - n, "]}");
  CHECK_INT(parse(many, err, sizeof err), KERR_LIMIT);
  free(many);
  CHECK(parse("{\"format\":1,\"staff\":[", err, sizeof err) != KERR_OK);
  CHECK(parse("", err, sizeof err) != KERR_OK);
  char *big = malloc(STAFF_FILE_MAX + 100);
  memset(big, ' ', STAFF_FILE_MAX + 99);
  big[STAFF_FILE_MAX + 99] = '\0';
  CHECK_INT(parse(big, err, sizeof err), KERR_LIMIT);
  free(big);
  /* Every truncation of a good document is refused without harm. */
  snprintf(json, sizeof json,
           "{\"format\":1,\"staff\":[{\"id\":\"S1\",\"name\":\"王芳\","
           "\"role\":\"staff\",\"pin_hash\":\"%s\"}]}",
           h);
  size_t full = strlen(json);
  for (size_t cut = 0; cut < full; cut++) {
    staff_list *l = NULL;
    char *part = malloc(cut ? cut : 1);
    memcpy(part, json, cut);
    CHECK(staff_list_parse(part, cut, &l, NULL, 0) != KERR_OK);
    CHECK(l == NULL);
    free(part);
  }
}

static void test_check(void) {
  staff_list *l = make_list();
  CHECK_INT(staff_list_count(l), 2);
  CHECK_STR(staff_list_id(l, 1), "A0001");
  CHECK_STR(staff_list_name(l, 1), "李强");
  CHECK_INT(staff_list_role(l, 1), STAFF_ROLE_ADMIN);
  staff_guard *g;
  CHECK_INT(staff_guard_create(&g), KERR_OK);
  staff_who who;
  staff_refusal why;
  uint64_t t = 1000;

  CHECK_INT(try_pin(g, l, "S0001", "246810", t, &who, &why), KERR_OK);
  CHECK_STR(who.id, "S0001");
  CHECK_STR(who.name, "王芳");
  CHECK_INT(who.role, STAFF_ROLE_STAFF);
  /* Letters typed in lower case are the same id. */
  CHECK_INT(try_pin(g, l, "a0001", "135790", t, &who, &why), KERR_OK);
  CHECK_INT(who.role, STAFF_ROLE_ADMIN);
  /* Malformed input is not an attempt. */
  CHECK_INT(try_pin(g, l, "S0001", "12345", t, &who, &why), KERR_INVALID);
  CHECK_INT(try_pin(g, l, "S0001", "12345a", t, &who, &why), KERR_INVALID);
  CHECK_INT(try_pin(g, l, "S0001", "1234567890123", t, &who, &why),
            KERR_INVALID);
  CHECK_INT(try_pin(g, l, "", "246810", t, &who, &why), KERR_INVALID);
  CHECK_INT(try_pin(g, l, "S 1", "246810", t, &who, &why), KERR_INVALID);
  CHECK_INT(try_pin(g, NULL, "S0001", "246810", t, &who, &why),
            KERR_NOTFOUND);
  CHECK_INT(staff_guard_locked_ms(g, "S0001", t), 0);

  /* Five wrong PINs lock the id for five minutes, counting down. */
  for (int i = 0; i < 5; i++) {
    CHECK_INT(try_pin(g, l, "S0001", "111111", t + (uint64_t)i, &who, &why),
              KERR_DENIED);
    CHECK_INT(why.tries_left, 4 - i);
    CHECK(who.id[0] == '\0');
  }
  t += 4;
  CHECK_INT(staff_guard_locked_ms(g, "S0001", t), STAFF_LOCK_MS);
  /* Locked: even the right PIN is refused, without verifying. */
  CHECK_INT(try_pin(g, l, "S0001", "246810", t + MIN_, &who, &why), KERR_BUSY);
  CHECK_INT(why.wait_ms, STAFF_LOCK_MS - MIN_);
  CHECK_INT(why.device, 0);
  /* Another id is not locked. */
  CHECK_INT(try_pin(g, l, "A0001", "135790", t + MIN_, &who, &why), KERR_OK);
  CHECK_INT(try_pin(g, l, "S0001", "246810", t + STAFF_LOCK_MS - 1, &who,
                    &why),
            KERR_BUSY);
  CHECK_INT(why.wait_ms, 1);
  /* After five minutes the id is open, with a fresh count. */
  t += STAFF_LOCK_MS;
  CHECK_INT(try_pin(g, l, "S0001", "111111", t, &who, &why), KERR_DENIED);
  CHECK_INT(why.tries_left, 4);
  CHECK_INT(try_pin(g, l, "S0001", "246810", t, &who, &why), KERR_OK);
  /* Success cleared the count. */
  CHECK_INT(try_pin(g, l, "S0001", "111111", t, &who, &why), KERR_DENIED);
  CHECK_INT(why.tries_left, 4);
  CHECK_INT(try_pin(g, l, "S0001", "246810", t, &who, &why), KERR_OK);

  /* Failures are forgotten 15 minutes after the last one. */
  for (int i = 0; i < 4; i++)
    CHECK_INT(try_pin(g, l, "S0001", "111111", t, &who, &why), KERR_DENIED);
  t += STAFF_FORGET_MS;
  CHECK_INT(try_pin(g, l, "S0001", "111111", t, &who, &why), KERR_DENIED);
  CHECK_INT(why.tries_left, 4);
  t += STAFF_FORGET_MS;

  /* Unknown ids: the same answer as a wrong PIN, and they count. */
  CHECK_INT(try_pin(g, l, "S9999", "246810", t, &who, &why), KERR_DENIED);
  CHECK_INT(why.tries_left, 4);
  /* Ten wrong attempts over many ids lock the whole device. */
  char id[16];
  for (int i = 1; i < 10; i++) {
    snprintf(id, sizeof id, "X%d", i);
    kerr e = try_pin(g, l, id, "222222", t, &who, &why);
    CHECK_INT(e, KERR_DENIED);
    CHECK_INT(why.tries_left, i == 9 ? 0 : (10 - 1 - i < 4 ? 10 - 1 - i : 4));
  }
  CHECK_INT(staff_guard_locked_ms(g, NULL, t), STAFF_LOCK_MS);
  CHECK_INT(try_pin(g, l, "A0001", "135790", t + 1000, &who, &why),
            KERR_BUSY);
  CHECK_INT(why.device, 1);
  CHECK_INT(why.wait_ms, STAFF_LOCK_MS - 1000);
  t += STAFF_LOCK_MS;
  CHECK_INT(staff_guard_locked_ms(g, NULL, t), 0);
  CHECK_INT(try_pin(g, l, "A0001", "135790", t, &who, &why), KERR_OK);

  /* More distinct failing ids than the guard has slots: no crash, and the
   * newest ones still count. */
  for (int i = 0; i < 200; i++) {
    snprintf(id, sizeof id, "Y%d", i);
    t += STAFF_LOCK_MS; /* past any device lock */
    kerr e = try_pin(g, l, id, "333333", t, &who, &why);
    CHECK(e == KERR_DENIED || e == KERR_BUSY);
  }
  staff_guard_destroy(g);
  staff_list_destroy(l);
}

static void test_hash(void) {
  char pin[] = "246810", hash[STAFF_HASH_BUF];
  CHECK_INT(staff_pin_hash(pin, hash), KERR_OK);
  CHECK(pin[0] == 0 && pin[5] == 0);
  CHECK(strncmp(hash, "$argon2id$v=19$m=7168,t=5,p=1$", 30) == 0);
  CHECK(crypto_pwhash_str_verify(hash, "246810", 6) == 0);
  /* A hash made with the former cost (64 MiB, 2 passes) still passes:
   * the string carries its parameters. */
  char old[STAFF_HASH_BUF] =
      "$argon2id$v=19$m=65536,t=2,p=1$LOu8F7qTQIaccaetf4ceYQ$uq5/3M/"
      "XkyinIwUSLbLA7krFxqbLZXht5gOvofLoC8o";
  CHECK(crypto_pwhash_str_verify(old, "246810", 6) == 0);
  CHECK(crypto_pwhash_str_verify(hash, "246811", 6) != 0);
  char bad[] = "24681";
  CHECK_INT(staff_pin_hash(bad, hash), KERR_INVALID);
  CHECK(bad[0] == 0);
  CHECK_INT(staff_pin_valid("123456789012"), 1);
  CHECK_INT(staff_pin_valid("１２３４５６"), 0); /* full-width digits */
}

/* The development accounts shipped in the default bundle. */
static void test_bundle(void) {
  content *c = NULL;
  char dir[512], err[300];
  snprintf(dir, sizeof dir, "%s/assets/bundle", KIOSK_SOURCE_DIR);
  CHECK_INT(content_load(dir, &c, NULL), KERR_OK);
  staff_list *l = NULL;
  CHECK_INT(staff_list_from_content(c, &l, err, sizeof err), KERR_OK);
  CHECK(staff_list_count(l) >= 2);
  staff_guard *g;
  CHECK_INT(staff_guard_create(&g), KERR_OK);
  staff_who who;
  CHECK_INT(try_pin(g, l, "S0001", "246810", 1, &who, NULL), KERR_OK);
  CHECK_INT(who.role, STAFF_ROLE_STAFF);
  CHECK_INT(try_pin(g, l, "A0001", "135790", 1, &who, NULL), KERR_OK);
  CHECK_INT(who.role, STAFF_ROLE_ADMIN);
  CHECK_INT(try_pin(g, l, "A0001", "246810", 1, &who, NULL), KERR_DENIED);
  staff_guard_destroy(g);
  staff_list_destroy(l);
  content_destroy(c);
  CHECK_INT(staff_list_from_content(NULL, &l, err, sizeof err), KERR_NOTFOUND);
}

int main(void) {
  log_set_level(LOG_ERROR);
  if (sodium_init() < 0)
    return 1;
  test_parse_bad();
  test_check();
  test_hash();
  test_bundle();
  return TEST_DONE();
}
