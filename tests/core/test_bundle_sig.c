/* Tests of bundle_sig: key files, signing a copy of the default bundle, and
 * every way verification must refuse (other key, changed manifest, unsigned,
 * malformed or linked signature, no trusted keys). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "core/bundle_sig.h"
#include "core/content.h"
#include "core/log.h"
#include "test_content_util.h"

static void test_keys(void) {
  char dir[] = "/tmp/kiosk-sigkeys-XXXXXX";
  char p[256];
  struct stat st;
  bundle_sig_key pub, loaded;
  unsigned char sk[BUNDLE_SIG_SECRET_BYTES];

  CHECK(mkdtemp(dir) != NULL);
  CHECK_INT(bundle_sig_keygen(dir, &pub), KERR_OK);
  CHECK(stat(tb_path(p, sizeof p, dir, "admin.key"), &st) == 0);
  CHECK_INT(st.st_mode & 0777, 0600);
  CHECK(stat(tb_path(p, sizeof p, dir, "admin.pub"), &st) == 0);
  CHECK_INT(st.st_mode & 0777, 0644);
  /* Never overwrites an existing key. */
  CHECK_INT(bundle_sig_keygen(dir, NULL), KERR_STATE);

  CHECK_INT(bundle_sig_key_load(tb_path(p, sizeof p, dir, "admin.pub"), &loaded),
            KERR_OK);
  CHECK(memcmp(loaded.pk, pub.pk, sizeof pub.pk) == 0);
  CHECK_INT(bundle_sig_secret_load(tb_path(p, sizeof p, dir, "admin.key"), sk),
            KERR_OK);
  /* The secret's public half is the public key (libsodium layout). */
  CHECK(memcmp(sk + 32, pub.pk, 32) == 0);

  /* A sign/verify round trip with libsodium itself. */
  unsigned char sig[BUNDLE_SIG_BYTES];
  const unsigned char msg[] = "{\"version\":\"1\"}";
  CHECK_INT(bundle_sig_sign(msg, sizeof msg - 1, sk, sig), KERR_OK);
  CHECK(crypto_sign_verify_detached(sig, msg, sizeof msg - 1, pub.pk) == 0);
  size_t which = 99;
  bundle_sig_key two[2];
  memset(&two[0], 7, sizeof two[0]);
  two[1] = pub;
  CHECK_INT(bundle_sig_verify(msg, sizeof msg - 1, sig, two, 2, &which), KERR_OK);
  CHECK_INT(which, 1);
  CHECK_INT(bundle_sig_verify(msg, sizeof msg - 1, sig, two, 1, NULL), KERR_CRYPTO);
  CHECK_INT(bundle_sig_verify(msg, sizeof msg - 1, sig, two, 0, NULL), KERR_INVALID);
  CHECK_INT(bundle_sig_verify(msg, sizeof msg - 2, sig, &pub, 1, NULL), KERR_CRYPTO);

  /* An inconsistent secret (public half changed) is refused. */
  sk[40] ^= 1;
  char b64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, sk, 64, sodium_base64_VARIANT_ORIGINAL);
  tb_write(dir, "bad.key", b64, strlen(b64));
  CHECK_INT(bundle_sig_secret_load(tb_path(p, sizeof p, dir, "bad.key"), sk),
            KERR_INVALID);
  tb_write(dir, "short.key", "AAAA\n", 5);
  CHECK_INT(bundle_sig_secret_load(tb_path(p, sizeof p, dir, "short.key"), sk),
            KERR_INVALID);
  CHECK_INT(bundle_sig_key_load(tb_path(p, sizeof p, dir, "short.key"), &loaded),
            KERR_INVALID);
  CHECK_INT(bundle_sig_key_load(tb_path(p, sizeof p, dir, "none.pub"), &loaded),
            KERR_NOTFOUND);
  /* A huge key file is refused before it is read. */
  char *big = malloc(BUNDLE_SIG_KEY_FILE_MAX + 10);
  memset(big, 'A', BUNDLE_SIG_KEY_FILE_MAX + 10);
  tb_write(dir, "big.pub", big, BUNDLE_SIG_KEY_FILE_MAX + 10);
  free(big);
  CHECK_INT(bundle_sig_key_load(tb_path(p, sizeof p, dir, "big.pub"), &loaded),
            KERR_LIMIT);
  sodium_memzero(sk, sizeof sk);
  tb_remove(dir);
}

static void test_key_lists(void) {
  bundle_sig_key keys[4];
  size_t n = 0;
  unsigned char raw[32];
  char a[64], b[64], list[200];
  memset(raw, 1, sizeof raw);
  sodium_bin2base64(a, sizeof a, raw, 32, sodium_base64_VARIANT_ORIGINAL);
  memset(raw, 2, sizeof raw);
  sodium_bin2base64(b, sizeof b, raw, 32, sodium_base64_VARIANT_ORIGINAL);
  snprintf(list, sizeof list, " %s, %s ", a, b);
  CHECK_INT(bundle_sig_keys_parse(list, keys, 4, &n), KERR_OK);
  CHECK_INT(n, 2);
  CHECK_INT(keys[1].pk[0], 2);
  CHECK_INT(bundle_sig_keys_parse(list, keys, 1, &n), KERR_LIMIT);
  CHECK_INT(bundle_sig_keys_parse("", keys, 4, &n), KERR_INVALID);
  CHECK_INT(bundle_sig_keys_parse(" , ", keys, 4, &n), KERR_INVALID);
  CHECK_INT(bundle_sig_keys_parse("AAAA", keys, 4, &n), KERR_INVALID);
  CHECK_INT(bundle_sig_keys_parse("not base64!", keys, 4, &n), KERR_INVALID);
  CHECK_INT(bundle_sig_key_parse(a, &keys[0]), KERR_OK);
  CHECK_INT(keys[0].pk[31], 1);
}

static void test_bundle(void) {
  char keys[] = "/tmp/kiosk-sigk-XXXXXX", other[] = "/tmp/kiosk-sigo-XXXXXX";
  char dir[80], p[256], sig[256];
  bundle_sig_key pub, wrong;
  unsigned char sk[BUNDLE_SIG_SECRET_BYTES];
  content_problems pr;

  content_problems_init(&pr);
  CHECK(mkdtemp(keys) && mkdtemp(other));
  CHECK_INT(bundle_sig_keygen(keys, &pub), KERR_OK);
  CHECK_INT(bundle_sig_keygen(other, &wrong), KERR_OK);
  CHECK_INT(bundle_sig_secret_load(tb_path(p, sizeof p, keys, "admin.key"), sk),
            KERR_OK);
  CHECK_INT(tb_copy(dir), 0);
  tb_path(sig, sizeof sig, dir, "manifest.sig");

  /* Unsigned: refused, and said so. */
  CHECK_INT(bundle_sig_verify_dir(dir, &pub, 1, &pr), KERR_NOTFOUND);
  CHECK(tb_has(&pr, CONTENT_P_MISSING, "manifest.sig", NULL, "没有签名"));
  content_problems_free(&pr);

  CHECK_INT(bundle_sig_sign_dir(dir, sk), KERR_OK);
  struct stat st;
  CHECK(stat(sig, &st) == 0 && st.st_size == BUNDLE_SIG_BYTES);
  CHECK_INT(bundle_sig_verify_dir(dir, &pub, 1, &pr), KERR_OK);
  CHECK_INT(content_problems_count(&pr), 0);
  /* The signature is over the exact manifest bytes. */
  size_t mlen = 0, slen = 0;
  char *m = tb_slurp(tb_path(p, sizeof p, dir, "manifest.json"), &mlen);
  char *s = tb_slurp(sig, &slen);
  CHECK(m && s && slen == 64 &&
        crypto_sign_verify_detached((unsigned char *)s, (unsigned char *)m,
                                    mlen, pub.pk) == 0);
  free(s);
  /* Any of several trusted keys will do. */
  bundle_sig_key both[2] = {wrong, pub};
  CHECK_INT(bundle_sig_verify_dir(dir, both, 2, &pr), KERR_OK);
  /* Signed with a key this kiosk does not trust. */
  CHECK_INT(bundle_sig_verify_dir(dir, &wrong, 1, &pr), KERR_CRYPTO);
  CHECK(tb_has(&pr, CONTENT_P_HASH, "manifest.sig", NULL, "核对不上"));
  content_problems_free(&pr);
  /* No trusted key configured: nothing is accepted. */
  CHECK_INT(bundle_sig_verify_dir(dir, &pub, 0, &pr), KERR_INVALID);
  content_problems_free(&pr);

  /* One byte of the manifest changed after signing (the version). */
  char *at = m ? strstr(m, "\"version\"") : NULL;
  CHECK(at != NULL);
  if (at) {
    char *digit = strpbrk(at + 10, "0123456789");
    *digit = *digit == '9' ? '8' : (char)(*digit + 1);
    tb_write(dir, "manifest.json", m, mlen);
    CHECK_INT(bundle_sig_verify_dir(dir, &pub, 1, &pr), KERR_CRYPTO);
    content_problems_free(&pr);
    /* Re-signing makes it good again. */
    CHECK_INT(bundle_sig_sign_dir(dir, sk), KERR_OK);
    CHECK_INT(bundle_sig_verify_dir(dir, &pub, 1, &pr), KERR_OK);
  }
  free(m);

  /* A signature of the wrong length. */
  tb_write(dir, "manifest.sig", "short", 5);
  CHECK_INT(bundle_sig_verify_dir(dir, &pub, 1, &pr), KERR_INVALID);
  CHECK(tb_has(&pr, CONTENT_P_SIZE, "manifest.sig", NULL, NULL));
  content_problems_free(&pr);
  char longer[65];
  memset(longer, 1, sizeof longer);
  tb_write(dir, "manifest.sig", longer, sizeof longer);
  CHECK_INT(bundle_sig_verify_dir(dir, &pub, 1, &pr), KERR_INVALID);
  content_problems_free(&pr);

  /* A signature that is a symbolic link to a valid one is not followed. */
  char real[256];
  CHECK_INT(bundle_sig_sign_dir(dir, sk), KERR_OK);
  tb_path(real, sizeof real, dir, "real.sig");
  CHECK(rename(sig, real) == 0);
  CHECK(symlink("real.sig", sig) == 0);
  CHECK_INT(bundle_sig_verify_dir(dir, &pub, 1, &pr), KERR_IO);
  content_problems_free(&pr);

  /* No manifest at all. */
  unlink(tb_path(p, sizeof p, dir, "manifest.json"));
  CHECK_INT(bundle_sig_verify_dir(dir, &pub, 1, &pr), KERR_NOTFOUND);
  CHECK(tb_has(&pr, CONTENT_P_MISSING, "manifest.json", NULL, NULL));
  CHECK_INT(bundle_sig_sign_dir(dir, sk), KERR_NOTFOUND);
  content_problems_free(&pr);

  sodium_memzero(sk, sizeof sk);
  tb_remove(dir);
  tb_remove(keys);
  tb_remove(other);
}

int main(void) {
  log_set_level(LOG_ERROR);
  test_keys();
  test_key_lists();
  test_bundle();
  return TEST_DONE();
}
