/* Content sync against the real kiosk-server over real TLS on loopback.
 *
 * Bundles signed with the development administrator key are put into the
 * server's store (publish_seed: what POST /v1/content stores), then a kiosk
 * checks for updates: a newer bundle is installed and loads with its new
 * 低保 figure; the next round is a 304; a second update downloads only the
 * changed file; a spoiled file, a truncated file, another key's signature,
 * an expired manifest and a rollback are refused while `current` keeps
 * pointing at the old bundle, which still loads; then a good bundle is
 * installed again. Also: a foreign CA is refused, nothing published is
 * "unchanged". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/log.h"
#include "pub_bundle.h"
#include "pub_server.h"

static time_t clock_fn(void *ud) { return *(time_t *)ud; }

static time_t day(int y, int m, int d) {
  struct tm tm = {0};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  return mktime(&tm);
}

static char data_dir[40] = "/tmp/kiosk-pubd-XXXXXX";

static void expect_current(const char *version, long figure) {
  char cur[80], dir[200];
  CHECK_STR(pb_current(data_dir, cur, sizeof cur), version);
  snprintf(dir, sizeof dir, "%s/content/current", data_dir);
  CHECK_INT(pb_dibao_urban(dir), figure);
  CHECK_INT(pb_staging_left(data_dir), 0);
}

int main(void) {
  pub_server srv;
  unsigned char sk[64], sk_other[64];
  bundle_sig_key pub, other;
  char keys_other[40] = "/tmp/kiosk-pubk-XXXXXX";
  char b[8][80];
  content_sync_result r;
  time_t now = day(2026, 11, 22);

  log_set_level(LOG_ERROR);
  if (ps_admin_keys(sk, &pub) != 0 || ps_start(&srv, "sync") != 0) {
    fprintf(stderr, "cannot start: PKI at %s and kiosk-server needed\n", PUB_PKI);
    return 1;
  }
  CHECK(mkdtemp(data_dir) != NULL);
  CHECK(mkdtemp(keys_other) != NULL);
  CHECK_INT(bundle_sig_keygen(keys_other, &other), KERR_OK);
  char p[200];
  snprintf(p, sizeof p, "%s/admin.key", keys_other);
  CHECK_INT(bundle_sig_secret_load(p, sk_other), KERR_OK);

  content_sync *k = ps_kiosk(&srv, data_dir, &pub, 1, clock_fn, &now);
  CHECK(k != NULL);

  /* Nothing published yet. */
  CHECK_INT(content_sync_check(k, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UNCHANGED);
  CHECK_INT(r.reason, CONTENT_SYNC_R_NOTHING);

  /* The administrator changes the 低保 urban standard of 140500. */
  CHECK_INT(pb_make(b[0], "2030.1.1", 9600, NULL, sk), 0);
  CHECK_INT(ps_seed(&srv, b[0], NULL, NULL), 0);
  CHECK_INT(content_sync_check(k, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UPDATED);
  CHECK_STR(r.version, "2030.1.1");
  CHECK(r.files_downloaded >= 5 && r.files_reused == 0);
  printf("first sync: %zu files, %zu bytes downloaded\n", r.files_downloaded,
         r.bytes_downloaded);
  expect_current("2030.1.1", 9600);
  CHECK_INT(pb_dibao_urban(r.bundle_dir), 9600);

  /* Next round: ETag, 304. */
  CHECK_INT(content_sync_check(k, &r), KERR_OK);
  CHECK_INT(r.reason, CONTENT_SYNC_R_NOT_MODIFIED);

  /* A second update: only the changed file travels. */
  CHECK_INT(pb_make(b[1], "2030.1.2", 9700, NULL, sk), 0);
  CHECK_INT(ps_seed(&srv, b[1], NULL, NULL), 0);
  CHECK_INT(content_sync_check(k, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UPDATED);
  CHECK_INT(r.files_downloaded, 1);
  CHECK(r.files_reused >= 4);
  expect_current("2030.1.2", 9700);
  CHECK(pb_has(data_dir, "2030.1.1"));

  /* A spoiled file on the server. */
  CHECK_INT(pb_make(b[2], "2030.1.3", 9801, NULL, sk), 0);
  CHECK_INT(ps_seed(&srv, b[2], "--tamper", "regions.json"), 0);
  CHECK_INT(content_sync_check(k, &r), KERR_CRYPTO);
  CHECK_INT(r.outcome, CONTENT_SYNC_REFUSED);
  CHECK_INT(r.reason, CONTENT_SYNC_R_FILE);
  expect_current("2030.1.2", 9700);
  /* It is retried (no ETag kept for a file fault), and refused again. */
  CHECK_INT(content_sync_check(k, &r), KERR_CRYPTO);
  CHECK_INT(r.reason, CONTENT_SYNC_R_FILE);

  /* A truncated file. */
  CHECK_INT(pb_make(b[3], "2030.1.4", 9802, NULL, sk), 0);
  CHECK_INT(ps_seed(&srv, b[3], "--truncate", "regions.json"), 0);
  CHECK_INT(content_sync_check(k, &r), KERR_CRYPTO);
  CHECK_INT(r.reason, CONTENT_SYNC_R_FILE);
  CHECK(strstr(r.detail, "truncated") != NULL);
  expect_current("2030.1.2", 9700);

  /* Signed with a key the kiosk does not trust. */
  CHECK_INT(pb_make(b[4], "2030.1.5", 9803, NULL, sk_other), 0);
  CHECK_INT(ps_seed(&srv, b[4], NULL, NULL), 0);
  CHECK_INT(content_sync_check(k, &r), KERR_CRYPTO);
  CHECK_INT(r.reason, CONTENT_SYNC_R_SIGNATURE);
  expect_current("2030.1.2", 9700);
  /* Refused for good: the next round is a 304, nothing is fetched. */
  CHECK_INT(content_sync_check(k, &r), KERR_OK);
  CHECK_INT(r.reason, CONTENT_SYNC_R_NOT_MODIFIED);

  /* Expired by the kiosk's date. */
  CHECK_INT(pb_make(b[5], "2030.1.6", 9804, "2026-12-01", sk), 0);
  CHECK_INT(ps_seed(&srv, b[5], NULL, NULL), 0);
  now = day(2026, 12, 2);
  CHECK_INT(content_sync_check(k, &r), KERR_INVALID);
  CHECK_INT(r.reason, CONTENT_SYNC_R_EXPIRED);
  expect_current("2030.1.2", 9700);
  now = day(2026, 11, 22);
  content_sync_destroy(k);

  /* Rollback: a kiosk already running a newer bundle (installed from a
   * folder) is offered 2030.1.6 by the server. */
  char ahead[40] = "/tmp/kiosk-puba-XXXXXX";
  CHECK(mkdtemp(ahead) != NULL);
  CHECK_INT(pb_make(b[6], "2031.1.1", 9999, NULL, sk), 0);
  k = ps_kiosk(&srv, ahead, &pub, 1, clock_fn, &now);
  CHECK_INT(content_sync_install_dir(k, b[6], &r), KERR_OK);
  CHECK_INT(content_sync_check(k, &r), KERR_STATE);
  CHECK_INT(r.reason, CONTENT_SYNC_R_OLDER);
  char cur[80];
  CHECK_STR(pb_current(ahead, cur, sizeof cur), "2031.1.1");
  content_sync_destroy(k);

  /* Equal: a kiosk that installed 2030.1.6 itself gets "same version". */
  char same[40] = "/tmp/kiosk-pubs-XXXXXX";
  CHECK(mkdtemp(same) != NULL);
  k = ps_kiosk(&srv, same, &pub, 1, clock_fn, &now);
  CHECK_INT(content_sync_install_dir(k, b[5], &r), KERR_OK);
  CHECK_INT(content_sync_check(k, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UNCHANGED);
  CHECK_INT(r.reason, CONTENT_SYNC_R_SAME);
  CHECK_STR(pb_current(same, cur, sizeof cur), "2030.1.6");
  content_sync_destroy(k);

  /* After all that, a good bundle goes in. */
  k = ps_kiosk(&srv, data_dir, &pub, 1, clock_fn, &now);
  CHECK_INT(pb_make(b[7], "2030.2.1", 9900, NULL, sk), 0);
  CHECK_INT(ps_seed(&srv, b[7], NULL, NULL), 0);
  CHECK_INT(content_sync_check(k, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UPDATED);
  expect_current("2030.2.1", 9900);
  CHECK(pb_has(data_dir, "2030.1.2"));
  CHECK(!pb_has(data_dir, "2030.1.1"));
  content_sync_destroy(k);

  /* A server certificate from another CA is refused. */
  content_sync_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.base_url = srv.url;
  cfg.ca_file = PUB_PKI "/foreign/ca.crt";
  cfg.cert_file = PUB_PKI "/devices/KIOSK-140500-001.crt";
  cfg.key_file = PUB_PKI "/devices/KIOSK-140500-001.key";
  cfg.region = "140500";
  cfg.data_dir = data_dir;
  cfg.keys = &pub;
  cfg.n_keys = 1;
  CHECK_INT(content_sync_create(&cfg, &k), KERR_OK);
  kerr e = content_sync_check(k, &r);
  CHECK(e == KERR_NET || e == KERR_DENIED);
  CHECK_INT(r.outcome, CONTENT_SYNC_FAILED);
  content_sync_destroy(k);
  expect_current("2030.2.1", 9900);

  ps_stop(&srv);
  for (int i = 0; i < 8; i++)
    tb_remove(b[i]);
  tb_remove(data_dir);
  tb_remove(ahead);
  tb_remove(same);
  tb_remove(keys_other);
  sodium_memzero(sk, sizeof sk);
  sodium_memzero(sk_other, sizeof sk_other);
  return TEST_DONE();
}
