/* kioskctl content install, run as an administrator runs it, against a
 * kiosk configuration written here (trusted key, data folder, shipped
 * bundle): a newer signed bundle is installed where the kiosk's updater
 * puts it; the same one again is nothing to do; an unsigned one, a
 * tampered one, one signed by an untrusted key, an older one, an expired
 * one and one older than the shipped bundle are refused, each with its
 * message, leaving `current` as it was. Synthetic bundles only. */
#include "check.h"
#include "pub_bundle.h"
#include "tool_run.h"

static char work[] = "/tmp/kioskctl-install-XXXXXX";
static char conf[300], data[300];

/* kioskctl content install DIR [extra] with the test configuration. */
static int install(const char *dir, const char *extra, char **out) {
  return tr_run(out, "'%s' content install '%s' --config '%s' %s", KIOSKCTL,
                dir, conf, extra ? extra : "");
}

/* The 140500 dibao figure of what `current` names under d. */
static long current_dibao(const char *d) {
  char link[64], dir[600];
  snprintf(dir, sizeof dir, "%s/content/%s", d, pb_current(d, link, sizeof link));
  return pb_dibao_urban(dir);
}

int main(void) {
  unsigned char sk[64], other_sk[64];
  bundle_sig_key pk, other_pk;
  char b64[64], link[64], *out = NULL;
  char v1[64], v2[64], unsigned_dir[64], tampered[64], foreign[64],
      older[64], expired[64], ancient[64];
  const char *far = "2099-12-31";

  if (sodium_init() < 0 || !mkdtemp(work))
    return 1;
  crypto_sign_keypair(pk.pk, sk);
  crypto_sign_keypair(other_pk.pk, other_sk);
  sodium_bin2base64(b64, sizeof b64, pk.pk, sizeof pk.pk,
                    sodium_base64_VARIANT_ORIGINAL);
  snprintf(conf, sizeof conf, "%s/kiosk.conf", work);
  snprintf(data, sizeof data, "%s/data", work);
  char text[1200];
  snprintf(text, sizeof text,
           "# a kiosk that trusts one county key\n"
           "device.region = 140500\n"
           "content.trusted_keys = %s\n"
           "paths.data = %s/conf-data\n"
           "paths.content = %s/bundle\n",
           b64, work, SHARE_DIR);
  CHECK_INT(tr_write(conf, text), 0);

  CHECK_INT(pb_make(v1, "2030.1.1", 11111, far, sk), 0);
  CHECK_INT(pb_make(v2, "2030.2.1", 22222, far, sk), 0);
  CHECK_INT(pb_make(unsigned_dir, "2030.3.1", 33333, far, NULL), 0);
  CHECK_INT(pb_make(tampered, "2030.3.1", 33333, far, sk), 0);
  CHECK_INT(tb_replace(tampered, "strings.json", "返回", "回去"), 0);
  CHECK_INT(pb_make(foreign, "2030.3.1", 33333, far, other_sk), 0);
  CHECK_INT(pb_make(older, "2030.1.2", 0, far, sk), 0); /* < 2030.2.1 */
  CHECK_INT(pb_make(expired, "2030.4.1", 0, "2030-01-31", sk), 0);
  CHECK_INT(pb_make(ancient, "2020.1.1", 0, far, sk), 0);

  /* Usage. */
  CHECK_INT(tr_run(&out, "'%s' content install", KIOSKCTL), 2);
  CHECK(tr_has(out, "kioskctl content install"));
  free(out);
  CHECK_INT(install(v1, "--bogus", &out), 2);
  free(out);

  /* The kiosk's configuration decides: no trusted key, nothing installs. */
  char bare[300];
  snprintf(bare, sizeof bare, "%s/bare.conf", work);
  CHECK_INT(tr_write(bare, "device.region = 140500\n"), 0);
  CHECK_INT(tr_run(&out, "'%s' content install '%s' --config '%s' --data '%s'",
                   KIOSKCTL, v1, bare, data), 1);
  CHECK(tr_has(out, "没有信任的公钥（content.trusted_keys）"));
  free(out);
  CHECK_INT(tr_run(&out, "'%s' content install '%s' --config '%s/none.conf'",
                   KIOSKCTL, v1, work), 1);
  CHECK(tr_has(out, "读不了自助机的设置文件"));
  free(out);

  /* Older than the shipped bundle (2026.11.1), nothing installed yet. */
  char arg[400];
  snprintf(arg, sizeof arg, "--data '%s'", data);
  CHECK_INT(install(ancient, arg, &out), 1);
  CHECK(tr_has(out, "自助机自带的内容包是版本 2026.11.1，要安装的版本 2020.1.1 更旧"));
  free(out);
  CHECK_STR(pb_current(data, link, sizeof link), "");

  /* A newer signed bundle: installed as the updater installs. */
  CHECK_INT(install(v1, arg, &out), 0);
  CHECK(tr_has(out, "已安装：版本 2030.1.1，地区 晋城市（140500）"));
  CHECK(tr_has(out, "自助机下次启动时开始使用"));
  free(out);
  CHECK_STR(pb_current(data, link, sizeof link), "2030.1.1");
  CHECK_INT(current_dibao(data), 11111);
  CHECK_INT(pb_staging_left(data), 0);
  char cur[600];
  snprintf(cur, sizeof cur, "%s/content/2030.1.1", data);
  CHECK_INT(bundle_sig_verify_dir(cur, &pk, 1, NULL), KERR_OK);

  /* The same bundle again: nothing to do. */
  CHECK_INT(install(v1, arg, &out), 0);
  CHECK(tr_has(out, "已经装了这个内容包（版本 2030.1.1），不用再装"));
  free(out);

  /* paths.data from the configuration when --data is not given. */
  CHECK_INT(install(v1, NULL, &out), 0);
  CHECK(tr_has(out, "已安装：版本 2030.1.1"));
  free(out);
  char conf_data[400];
  snprintf(conf_data, sizeof conf_data, "%s/conf-data", work);
  CHECK_STR(pb_current(conf_data, link, sizeof link), "2030.1.1");

  /* Each refusal leaves the installed bundle as it was. */
  CHECK_INT(install(unsigned_dir, arg, &out), 1);
  CHECK(tr_has(out, "内容包没有签名"));
  CHECK(tr_has(out, "kioskctl content sign"));
  free(out);

  CHECK_INT(install(tampered, arg, &out), 1);
  CHECK(tr_has(out, "strings.json: SHA-256 与清单不符"));
  CHECK(tr_has(out, "内容包在签名以后被改过"));
  free(out);

  CHECK_INT(install(foreign, arg, &out), 1);
  CHECK(tr_has(out, "签名核对不上：这个内容包不是用这台自助机信任的密钥签的"));
  free(out);

  CHECK_INT(install(expired, "--today 2030-02-01", &out), 1);
  CHECK(tr_has(out, "内容包已于 2030-01-31 过期（今天是 2030-02-01）"));
  free(out);

  CHECK_STR(pb_current(data, link, sizeof link), "2030.1.1");
  CHECK_INT(current_dibao(data), 11111);
  CHECK_INT(pb_staging_left(data), 0);

  /* A newer one replaces it; the previous stays beside it. */
  CHECK_INT(install(v2, arg, &out), 0);
  CHECK(tr_has(out, "已安装：版本 2030.2.1"));
  free(out);
  CHECK_STR(pb_current(data, link, sizeof link), "2030.2.1");
  CHECK_INT(current_dibao(data), 22222);
  CHECK(pb_has(data, "2030.1.1"));

  /* Older than the installed one: a rollback, refused. */
  CHECK_INT(install(older, arg, &out), 1);
  CHECK(tr_has(out, "已经装了版本 2030.2.1，要安装的版本 2030.1.2 更旧"));
  free(out);
  CHECK_STR(pb_current(data, link, sizeof link), "2030.2.1");

  const char *dirs[] = {v1, v2, unsigned_dir, tampered, foreign, older,
                        expired, ancient};
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    tb_remove(dirs[i]);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
  CHECK_INT(system(cmd), 0);
  sodium_memzero(sk, sizeof sk);
  sodium_memzero(other_sk, sizeof other_sk);
  return TEST_DONE();
}
