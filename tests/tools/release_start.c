/* The kiosk program itself, headless and scripted, starting with the
 * bundle the build signed (share/bundle) and content.trusted_keys set:
 *   - trusting the release key (share/keys/release.pub): in service with
 *     the shipped bundle;
 *   - after `kioskctl content install` of a newer bundle signed with a
 *     county key it also trusts: the new figure and version;
 *   - the unsigned source bundle as the shipped one: out of service, the
 *     staff line on screen and the exact reason in the log, never
 *     "not found";
 *   - trusting only a key that did not sign the shipped bundle: the same,
 *     saying it is signed with another key;
 *   - development (no trusted keys): the unsigned bundle is used.
 * Synthetic content only. */
#include "check.h"
#include "pub_bundle.h"
#include "tool_run.h"

static char work[] = "/tmp/kiosk-release-start-XXXXXX";

/* Runs the kiosk headless on `script` (text) with the --set options in
 * sets; returns its exit status, the log in *out. */
static int kiosk(const char *name, const char *script, const char *sets,
                 char **out) {
  char path[400];
  snprintf(path, sizeof path, "%s/%s.txt", work, name);
  if (tr_write(path, script) != 0)
    return -1;
  return tr_run(out,
                "'%s' --headless --window 1920x1080 --script '%s' "
                "--shots '%s/shots-%s' --set paths.printer='%s/printer' %s",
                KIOSK_BIN, path, work, name, work, sets);
}

static const char *policy_script =
    "expect screen home\n"
    "tap entry.policy\n"
    "tap item.dibao\n"
    "expect text \"9,480\"\n"
    "shot policy\n";

static const char *installed_script =
    "expect screen home\n"
    "tap entry.policy\n"
    "tap item.dibao\n"
    "expect text \"12,345\"\n"
    "expect no-text \"9,480\"\n"
    "tap nav.home\n"
    "tap entry.staff\n"
    "type \"S0001\"\n"
    "tap staff.pin\n"
    "type \"246810\"\n"
    "tap staff.login\n"
    "expect screen staff_menu\n"
    "expect text \"2030.1.1\"\n"
    "shot staff-menu\n";

static const char *unsigned_script =
    "expect screen out_of_service\n"
    "expect text \"暂停服务\"\n"
    "expect text \"自带的内容包没有用本机信任的密钥签名（没有签名文件）\"\n"
    "expect text \"kioskctl content install\"\n"
    "check layout\n"
    "shot out-of-service\n"
    "size 1080x1920\n"
    "check layout\n"
    "size 1280x800\n"
    "check layout\n"
    "elder on\n"
    "check layout\n"
    "expect text \"没有用本机信任的密钥签名\"\n";

static const char *foreign_script =
    "expect screen out_of_service\n"
    "expect text \"自带的内容包没有用本机信任的密钥签名（用的是别的密钥\"\n";

int main(void) {
  char release[64], county[64], *out = NULL, sets[2000], text[2000];
  unsigned char sk[64];
  bundle_sig_key pk;
  size_t n = 0;

  if (sodium_init() < 0 || !mkdtemp(work))
    return 1;
  char *pub = tb_slurp(SHARE_DIR "/keys/release.pub", &n);
  CHECK(pub != NULL && n >= 44);
  if (!pub)
    return TEST_DONE();
  snprintf(release, sizeof release, "%.44s", pub);
  free(pub);
  crypto_sign_keypair(pk.pk, sk);
  sodium_bin2base64(county, sizeof county, pk.pk, sizeof pk.pk,
                    sodium_base64_VARIANT_ORIGINAL);

  /* 1. The signed shipped bundle, the release key trusted: in service. */
  snprintf(sets, sizeof sets,
           "--set content.trusted_keys=%s --set paths.content='%s/bundle' "
           "--set paths.data='%s/data1'",
           release, SHARE_DIR, work);
  CHECK_INT(kiosk("shipped", policy_script, sets, &out), 0);
  CHECK(tr_has(out, "bundle 2026.11.1 region 140500 (shipped)"));
  free(out);

  /* 2. A newer bundle signed with the county's key, installed with
   * kioskctl on a kiosk that trusts both keys: used at the next start. */
  char v2[64], conf[400];
  CHECK_INT(pb_make(v2, "2030.1.1", 12345, "2099-12-31", sk), 0);
  snprintf(conf, sizeof conf, "%s/kiosk.conf", work);
  snprintf(text, sizeof text,
           "content.trusted_keys = %s, %s\n"
           "paths.content = %s/bundle\n"
           "paths.data = %s/data2\n"
           "screen.fullscreen = false\n",
           release, county, SHARE_DIR, work);
  CHECK_INT(tr_write(conf, text), 0);
  CHECK_INT(tr_run(&out, "'%s' content install '%s' --config '%s'", KIOSKCTL,
                   v2, conf), 0);
  CHECK(tr_has(out, "已安装：版本 2030.1.1"));
  free(out);
  snprintf(sets, sizeof sets, "--config '%s'", conf);
  CHECK_INT(kiosk("installed", installed_script, sets, &out), 0);
  CHECK(tr_has(out, "bundle 2030.1.1 region 140500 (installed update)"));
  free(out);

  /* 3. The unsigned source bundle with a trusted key: out of service,
   * and the log says exactly why. */
  snprintf(sets, sizeof sets,
           "--set content.trusted_keys=%s --set paths.content='%s' "
           "--set paths.data='%s/data3'",
           release, TB_SOURCE, work);
  CHECK_INT(kiosk("unsigned", unsigned_script, sets, &out), 0);
  char want[700];
  snprintf(want, sizeof want,
           "shipped content bundle at %s is not signed by a trusted key "
           "(it has no manifest.sig); install a signed bundle with "
           "`kioskctl content install`", TB_SOURCE);
  CHECK(tr_has(out, want));
  CHECK(out && !strstr(out, "not found"));
  free(out);

  /* 4. The signed shipped bundle, but only the county key trusted. */
  snprintf(sets, sizeof sets,
           "--set content.trusted_keys=%s --set paths.content='%s/bundle' "
           "--set paths.data='%s/data4'",
           county, SHARE_DIR, work);
  CHECK_INT(kiosk("foreign", foreign_script, sets, &out), 0);
  snprintf(want, sizeof want,
           "shipped content bundle at %s/bundle is not signed by a trusted "
           "key (signed with another key, or changed after signing)",
           SHARE_DIR);
  CHECK(tr_has(out, want));
  CHECK(out && !strstr(out, "not found"));
  free(out);

  /* 5. Development: no trusted keys, the unsigned bundle is used. */
  snprintf(sets, sizeof sets,
           "--set paths.content='%s' --set paths.data='%s/data5'", TB_SOURCE,
           work);
  CHECK_INT(kiosk("development", policy_script, sets, &out), 0);
  CHECK(tr_has(out, "updates off: no content.trusted_keys (development)"));
  free(out);

  tb_remove(v2);
  sodium_memzero(sk, sizeof sk);
  if (!getenv("KEEP_WORK")) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
    CHECK_INT(system(cmd), 0);
  }
  return TEST_DONE();
}
