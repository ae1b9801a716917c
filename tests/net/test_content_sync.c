/* Tests of content_sync without a network: cutting the manifest out of the
 * backend's answer (including every truncation of it and hostile shapes),
 * and installing signed bundles from a folder with the same checks, staging
 * and switch as the network path — newer accepted, same ignored, rollback,
 * other key, changed file, truncated file, expired, other region, a bundle
 * the loader refuses, a version floor, reuse by hash from the bundle in use
 * and from a file store. After every refusal `current` is unchanged and
 * loads, and no staging folder is left. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "core/bundle_sig.h"
#include "core/log.h"
#include "net/content_sync.h"
#include "publish/pub_bundle.h"

static time_t fixed_now(void *ud) { return *(time_t *)ud; }

static time_t day(int y, int m, int d) {
  struct tm tm = {0};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  return mktime(&tm);
}

static void test_split(void) {
  unsigned char sig[64], raw[64];
  char b64[100], body[600];
  const char *m = NULL;
  size_t len = 0;
  memset(raw, 0xA5, sizeof raw);
  sodium_bin2base64(b64, sizeof b64, raw, 64, sodium_base64_VARIANT_ORIGINAL);
  const char *man = "{\"a\":\"x}\\\"{\",\"b\":[1,{\"c\":null}],\"d\":-1.5e3}";
  snprintf(body, sizeof body, "{\"manifest\":%s,\"signature\":\"%s\"}", man, b64);
  size_t n = strlen(body);
  CHECK_INT(content_sync_split(body, n, &m, &len, sig), KERR_OK);
  CHECK_INT(len, strlen(man));
  CHECK(m && memcmp(m, man, len) == 0);
  CHECK(memcmp(sig, raw, 64) == 0);
  /* Order and white space do not matter. */
  snprintf(body, sizeof body, " {\n \"signature\" : \"%s\" ,\"manifest\": %s }\n",
           b64, man);
  CHECK_INT(content_sync_split(body, strlen(body), &m, &len, sig), KERR_OK);
  /* White space around the object belongs to the signed bytes (the server
   * embeds the file verbatim, final newline included). */
  CHECK(len == strlen(man) + 2 && m[0] == ' ' && memcmp(m + 1, man, len - 2) == 0 &&
        m[len - 1] == ' ');
  /* Every truncation is refused. */
  snprintf(body, sizeof body, "{\"manifest\":%s,\"signature\":\"%s\"}", man, b64);
  int all_refused = 1;
  for (size_t k = 0; k < n; k++) {
    char *cut = malloc(k + 1); /* exact size: ASan sees any overread */
    memcpy(cut, body, k);
    if (content_sync_split(cut, k, &m, &len, sig) == KERR_OK)
      all_refused = 0;
    free(cut);
  }
  CHECK(all_refused);
  static const char *const bad[] = {
      "", "[]", "{}", "{\"manifest\":{}}", "{\"signature\":\"AAAA\"}",
      "{\"manifest\":[],\"signature\":\"%s\"}",
      "{\"manifest\":{},\"signature\":\"%s\",\"x\":1}",
      "{\"manifest\":{},\"manifest\":{},\"signature\":\"%s\"}",
      "{\"manifest\":{},\"signature\":\"AAAA\"}",
      "{\"manifest\":{\"a\":},\"signature\":\"%s\"}",
      "{\"manifest\":{\"a\":\"\x01\"},\"signature\":\"%s\"}",
      "{\"manifest\":{\"a\":\"\\q\"},\"signature\":\"%s\"}",
      "{\"manifest\":{},\"signature\":\"%s\"} x",
      "{\"manifest\":{} \"signature\":\"%s\"}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(body, sizeof body, bad[i], b64);
    kerr e = content_sync_split(body, strlen(body), &m, &len, sig);
    if (e != KERR_PARSE)
      fprintf(stderr, "accepted: %s\n", bad[i]);
    CHECK_INT(e, KERR_PARSE);
  }
  /* Nesting deeper than 32 is refused without recursion trouble. */
  char *deep = malloc(20000);
  size_t k = (size_t)sprintf(deep, "{\"manifest\":");
  for (int i = 0; i < 5000; i++)
    deep[k++] = '[';
  k += (size_t)sprintf(deep + k, "],\"signature\":\"%s\"}", b64);
  CHECK_INT(content_sync_split(deep, k, &m, &len, sig), KERR_PARSE);
  free(deep);
}

typedef struct fixture {
  char keys[32], other[32];
  unsigned char sk[64], sk_other[64];
  bundle_sig_key pub;
  char data[40];
  time_t now;
} fixture;

static content_sync *make_sync(fixture *fx, const char *region,
                               const char *store, const char *floor) {
  content_sync_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.region = region;
  cfg.data_dir = fx->data;
  cfg.store_dir = store;
  cfg.keys = &fx->pub;
  cfg.n_keys = 1;
  cfg.running_version = floor;
  cfg.now = fixed_now;
  cfg.now_ud = &fx->now;
  content_sync *s = NULL;
  CHECK_INT(content_sync_create(&cfg, &s), KERR_OK);
  return s;
}

/* current names `version`, its bundle loads with `figure`, no staging. */
static void expect_current(fixture *fx, const char *version, long figure) {
  char cur[80], dir[200];
  CHECK_STR(pb_current(fx->data, cur, sizeof cur), version);
  snprintf(dir, sizeof dir, "%s/content/current", fx->data);
  CHECK_INT(pb_dibao_urban(dir), figure);
  CHECK_INT(pb_staging_left(fx->data), 0);
}

static void test_install(void) {
  fixture fx;
  char a[80], b[80], c[80], d[80];
  content_sync_result r;
  memset(&fx, 0, sizeof fx);
  strcpy(fx.keys, "/tmp/kiosk-csk-XXXXXX");
  strcpy(fx.other, "/tmp/kiosk-cso-XXXXXX");
  strcpy(fx.data, "/tmp/kiosk-csd-XXXXXX");
  CHECK(mkdtemp(fx.keys) && mkdtemp(fx.other) && mkdtemp(fx.data));
  bundle_sig_key other_pub;
  CHECK_INT(bundle_sig_keygen(fx.keys, &fx.pub), KERR_OK);
  CHECK_INT(bundle_sig_keygen(fx.other, &other_pub), KERR_OK);
  char p[200];
  CHECK_INT(bundle_sig_secret_load(tb_path(p, sizeof p, fx.keys, "admin.key"), fx.sk),
            KERR_OK);
  CHECK_INT(bundle_sig_secret_load(tb_path(p, sizeof p, fx.other, "admin.key"),
                                   fx.sk_other),
            KERR_OK);
  fx.now = day(2026, 11, 22);

  content_sync *s = make_sync(&fx, "140500", NULL, NULL);
  char cur_dir[300], cur_ver[64];
  CHECK_INT(content_sync_current(fx.data, cur_dir, sizeof cur_dir, cur_ver,
                                 sizeof cur_ver),
            KERR_NOTFOUND);

  /* First bundle. */
  CHECK_INT(pb_make(a, "2030.1.1", 9600, NULL, fx.sk), 0);
  CHECK_INT(content_sync_install_dir(s, a, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UPDATED);
  CHECK_STR(r.version, "2030.1.1");
  CHECK(r.files_downloaded >= 5 && r.files_reused == 0);
  expect_current(&fx, "2030.1.1", 9600);
  CHECK_INT(content_sync_current(fx.data, cur_dir, sizeof cur_dir, cur_ver,
                                 sizeof cur_ver),
            KERR_OK);
  CHECK_STR(cur_ver, "2030.1.1");
  CHECK_STR(cur_dir, r.bundle_dir);
  /* The installed folder is signed and passes the app's own check. */
  content_problems pr;
  content_problems_init(&pr);
  CHECK_INT(bundle_sig_verify_dir(r.bundle_dir, &fx.pub, 1, &pr), KERR_OK);
  content_problems_free(&pr);

  /* The same version again: nothing to do. */
  CHECK_INT(content_sync_install_dir(s, a, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UNCHANGED);
  CHECK_INT(r.reason, CONTENT_SYNC_R_SAME);

  /* A newer one changing one file: the other files are reused. */
  CHECK_INT(pb_make(b, "2030.1.2", 9700, NULL, fx.sk), 0);
  size_t listed = r.files_downloaded;
  CHECK_INT(content_sync_install_dir(s, b, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UPDATED);
  CHECK_INT(r.files_downloaded, 1);
  CHECK(r.files_reused >= 4);
  (void)listed;
  expect_current(&fx, "2030.1.2", 9700);
  CHECK(pb_has(fx.data, "2030.1.1")); /* the previous one is kept */

  /* A third: the oldest goes, the previous stays. */
  CHECK_INT(pb_make(c, "2030.1.10", 9800, NULL, fx.sk), 0);
  CHECK_INT(content_sync_install_dir(s, c, &r), KERR_OK);
  expect_current(&fx, "2030.1.10", 9800);
  CHECK(!pb_has(fx.data, "2030.1.1"));
  CHECK(pb_has(fx.data, "2030.1.2"));

  /* Rollback to an older signed bundle. */
  CHECK_INT(content_sync_install_dir(s, b, &r), KERR_STATE);
  CHECK_INT(r.outcome, CONTENT_SYNC_REFUSED);
  CHECK_INT(r.reason, CONTENT_SYNC_R_OLDER);
  expect_current(&fx, "2030.1.10", 9800);

  /* Signed with a key this kiosk does not trust. */
  CHECK_INT(pb_make(d, "2030.2.1", 9900, NULL, fx.sk_other), 0);
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_CRYPTO);
  CHECK_INT(r.reason, CONTENT_SYNC_R_SIGNATURE);
  expect_current(&fx, "2030.1.10", 9800);
  /* Unsigned. */
  unlink(tb_path(p, sizeof p, d, "manifest.sig"));
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_CRYPTO);
  CHECK_INT(r.reason, CONTENT_SYNC_R_SIGNATURE);

  /* Signed by the right key, then a file changed (same length). */
  CHECK_INT(bundle_sig_sign_dir(d, fx.sk), KERR_OK);
  CHECK_INT(tb_replace(d, "regions.json", "9900", "9990"), 0);
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_CRYPTO);
  CHECK_INT(r.reason, CONTENT_SYNC_R_FILE);
  expect_current(&fx, "2030.1.10", 9800);
  CHECK(pb_has(fx.data, "2030.1.2")); /* a failed update keeps the previous */
  /* A truncated file. */
  size_t len = 0;
  char *txt = tb_slurp(tb_path(p, sizeof p, d, "regions.json"), &len);
  CHECK_INT(tb_replace(d, "regions.json", "9990", "9900"), 0);
  tb_write(d, "regions.json", txt, len / 2);
  free(txt);
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_CRYPTO);
  CHECK_INT(r.reason, CONTENT_SYNC_R_FILE);
  expect_current(&fx, "2030.1.10", 9800);
  tb_remove(d);

  /* Expired by the kiosk's clock. */
  CHECK_INT(pb_make(d, "2030.3.1", 9900, "2027-01-31", fx.sk), 0);
  fx.now = day(2027, 2, 1);
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_INVALID);
  CHECK_INT(r.reason, CONTENT_SYNC_R_EXPIRED);
  expect_current(&fx, "2030.1.10", 9800);
  fx.now = day(2027, 1, 31); /* the last day is still good */
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_OK);
  expect_current(&fx, "2030.3.1", 9900);
  tb_remove(d);

  /* Signed and hashed, but the loader refuses it (a required text gone). */
  CHECK_INT(pb_make(d, "2030.4.1", 9900, NULL, NULL), 0);
  cJSON *st = tb_json(d, "strings.json");
  cJSON_DeleteItemFromObject(cJSON_GetObjectItem(st, "strings"), "home.welcome");
  CHECK_INT(tb_save(d, "strings.json", st), 0);
  CHECK_INT(tb_rehash(d), 0);
  CHECK_INT(bundle_sig_sign_dir(d, fx.sk), KERR_OK);
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_INVALID);
  CHECK_INT(r.reason, CONTENT_SYNC_R_BUNDLE);
  expect_current(&fx, "2030.3.1", 9900);
  tb_remove(d);
  content_sync_destroy(s);

  /* Another region's kiosk. */
  s = make_sync(&fx, "410600", NULL, NULL);
  CHECK_INT(pb_make(d, "2030.5.1", 9900, NULL, fx.sk), 0);
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_INVALID);
  CHECK_INT(r.reason, CONTENT_SYNC_R_REGION);
  content_sync_destroy(s);
  expect_current(&fx, "2030.3.1", 9900);

  /* A fresh kiosk running a shipped bundle newer than the offer. */
  char fresh[40] = "/tmp/kiosk-csf-XXXXXX";
  CHECK(mkdtemp(fresh) != NULL);
  fixture fy = fx;
  strcpy(fy.data, fresh);
  s = make_sync(&fy, "140500", NULL, "2031.1");
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_STATE);
  CHECK_INT(r.reason, CONTENT_SYNC_R_OLDER);
  CHECK(!pb_has(fy.data, "current"));
  content_sync_destroy(s);

  /* Files found by hash in a store (one of them spoiled: fetched instead). */
  char store[40] = "/tmp/kiosk-css-XXXXXX";
  CHECK(mkdtemp(store) != NULL);
  cJSON *man = tb_json(d, "manifest.json");
  cJSON *f;
  int first = 1;
  cJSON_ArrayForEach(f, cJSON_GetObjectItem(man, "files")) {
    char from[300], to[300];
    size_t n = 0;
    snprintf(from, sizeof from, "%s/%s", d,
             cJSON_GetStringValue(cJSON_GetObjectItem(f, "path")));
    snprintf(to, sizeof to, "%s/%s", store,
             cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256")));
    char *bytes = tb_slurp(from, &n);
    if (first && n > 0)
      bytes[0] ^= 1; /* spoiled copy in the store */
    first = 0;
    tb_spill(to, bytes, n);
    free(bytes);
  }
  cJSON_Delete(man);
  s = make_sync(&fy, "140500", store, NULL);
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_OK);
  CHECK_INT(r.files_downloaded, 1);
  CHECK(r.files_reused >= 4);
  expect_current(&fy, "2030.5.1", 9900);
  content_sync_destroy(s);

  /* A kiosk configured without trusted keys installs nothing. */
  content_sync_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.data_dir = fy.data;
  CHECK_INT(content_sync_create(&cfg, &s), KERR_OK);
  CHECK_INT(content_sync_install_dir(s, d, &r), KERR_INVALID);
  content_sync_destroy(s);
  /* Bad configurations. */
  cfg.base_url = "http://example.org";
  CHECK_INT(content_sync_create(&cfg, &s), KERR_INVALID);
  cfg.base_url = NULL;
  cfg.region = "14050";
  CHECK_INT(content_sync_create(&cfg, &s), KERR_INVALID);

  sodium_memzero(fx.sk, sizeof fx.sk);
  sodium_memzero(fx.sk_other, sizeof fx.sk_other);
  sodium_memzero(fy.sk, sizeof fy.sk);
  sodium_memzero(fy.sk_other, sizeof fy.sk_other);
  tb_remove(a);
  tb_remove(b);
  tb_remove(c);
  tb_remove(d);
  tb_remove(store);
  tb_remove(fresh);
  tb_remove(fx.data);
  tb_remove(fx.keys);
  tb_remove(fx.other);
}

int main(void) {
  log_set_level(LOG_ERROR);
  test_split();
  test_install();
  return TEST_DONE();
}
