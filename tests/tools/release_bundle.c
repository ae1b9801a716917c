/* The shipped bundle the build signs (cmake/release_bundle.cmake):
 * share/bundle verifies against share/keys/release.pub and loads, it is
 * the source bundle byte for byte plus manifest.sig, it does not verify
 * against any other key, and the source tree's bundle stays unsigned. */
#include <sodium.h>

#include "check.h"
#include "core/bundle_sig.h"
#include "core/test_content_util.h"

static int same_bytes(const char *a, const char *b) {
  size_t la = 0, lb = 0;
  char *da = tb_slurp(a, &la), *db = tb_slurp(b, &lb);
  int same = da && db && la == lb && memcmp(da, db, la) == 0;
  free(da);
  free(db);
  return same;
}

int main(void) {
  const char *bundle = SHARE_DIR "/bundle", *src = TB_SOURCE;
  char p[512], q[512];
  bundle_sig_key release, other;
  content_problems probs;
  content *c = NULL;

  if (sodium_init() < 0)
    return 1;
  CHECK_INT(bundle_sig_key_load(SHARE_DIR "/keys/release.pub", &release),
            KERR_OK);

  /* Signed by the release key, and a bundle the kiosk loads. */
  content_problems_init(&probs);
  CHECK_INT(bundle_sig_verify_dir(bundle, &release, 1, &probs), KERR_OK);
  CHECK_INT(content_load(bundle, &c, &probs), KERR_OK);
  tb_dump(&probs);
  content_problems_free(&probs);

  /* The same manifest (so the same files) as the source bundle. */
  CHECK(same_bytes(tb_path(p, sizeof p, bundle, "manifest.json"),
                   tb_path(q, sizeof q, src, "manifest.json")));
  CHECK(same_bytes(tb_path(p, sizeof p, bundle, "strings.json"),
                   tb_path(q, sizeof q, src, "strings.json")));

  /* Another key does not verify it. */
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(other.pk, sk);
  sodium_memzero(sk, sizeof sk);
  content_problems_init(&probs);
  CHECK_INT(bundle_sig_verify_dir(bundle, &other, 1, &probs), KERR_CRYPTO);
  content_problems_free(&probs);
  /* ... and with both keys trusted, the release key still does. */
  bundle_sig_key both[2] = {other, release};
  CHECK_INT(bundle_sig_verify_dir(bundle, both, 2, NULL), KERR_OK);

  /* The source tree's bundle is left unsigned (development). */
  struct stat st;
  CHECK(lstat(tb_path(p, sizeof p, src, "manifest.sig"), &st) != 0);
  CHECK_INT(bundle_sig_verify_dir(src, &release, 1, NULL), KERR_NOTFOUND);

  content_destroy(c);
  return TEST_DONE();
}
