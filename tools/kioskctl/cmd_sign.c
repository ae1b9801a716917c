/* cmd_sign: signs a content bundle with the administrator's key.
 *
 *   kioskctl content sign DIR --key KEY [--today YYYY-MM-DD]
 *       first checks DIR exactly as `kioskctl content check` does (and as
 *       the kiosk will); a bundle with any problem, an expired one included,
 *       is not signed. Then writes DIR/manifest.sig, the Ed25519 signature
 *       of the exact bytes of DIR/manifest.json, and verifies it.
 * The manifest must not change after signing: edit, rehash, check, then
 * sign last. */
#include "cmd_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli.h"
#include "core/bundle_sig.h"
#include "core/content.h"
#include "core/log.h"

static void usage(FILE *f) {
  fputs("用法：kioskctl content sign 目录 --key 私钥文件 [--today 年-月-日]\n"
        "      先检查内容包，没有问题才签名，写出 目录/manifest.sig；\n"
        "      --today 代替系统日期判断是否过期\n",
        f);
}

/* The checks of `content check`, plus what the backend needs of the exact
 * manifest bytes. Prints every problem; returns the number found. */
static size_t check_bundle(const char *dir, const char *today, content **out) {
  content_problems p;
  content_problems_init(&p);
  content *c = NULL;
  char line[700];
  content_load(dir, &c, &p);
  if (c && content_expired(c, today))
    content_problems_add(&p, CONTENT_P_EXPIRED, "manifest.json", "$.expires",
                         "内容包已于 %s 过期（今天是 %s），请改 expires 后再签名",
                         content_expires(c), today);
  char mpath[4200];
  unsigned char *m = NULL;
  size_t mlen = 0;
  snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
  if (c && bundle_sig_read_file(mpath, CONTENT_MAX_MANIFEST_BYTES, &m, &mlen) ==
               KERR_OK &&
      mlen >= 3 && memcmp(m, "\xEF\xBB\xBF", 3) == 0)
    /* The backend hands the manifest bytes out inside a JSON answer, where
     * a byte-order mark is not allowed. */
    content_problems_add(&p, CONTENT_P_UTF8, "manifest.json", "",
                         "清单开头有字节顺序标记（BOM），发布后自助机无法读取；"
                         "请运行 kioskctl content rehash 重写清单");
  free(m);
  for (size_t i = 0; i < p.n; i++)
    printf("%s\n", content_problems_format(&p, i, line, sizeof line));
  if (p.dropped)
    printf("（另有 %zu 个问题没有列出）\n", p.dropped);
  size_t n = content_problems_count(&p);
  content_problems_free(&p);
  if (n) {
    content_destroy(c);
    c = NULL;
  }
  *out = c;
  return n;
}

int cmd_sign(int argc, char **argv) {
  const char *dir = NULL, *key = NULL, *today = NULL;
  char date[11];
  unsigned char sk[BUNDLE_SIG_SECRET_BYTES];
  int status = 1;
  content *c = NULL;

  static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
                                       {"today", required_argument, NULL, 't'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0}};
  int ch;
  cli_begin();
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    if (ch == 'k')
      key = optarg;
    else if (ch == 't')
      today = optarg;
    else if (ch == 'h') {
      usage(stdout);
      return 0;
    } else {
      cli_bad_option(stderr, ch, argv);
      usage(stderr);
      return 2;
    }
  }
  /* Left: "sign" and the folder. */
  if (argc - optind == 2)
    dir = argv[optind + 1];
  if (!dir || !key) {
    usage(stderr);
    return 2;
  }
  if (today && !content_date_valid(today)) {
    fprintf(stderr, "日期“%s”不对，应写成“2026-11-22”这样。\n", today);
    return 2;
  }
  if (!today) {
    cli_today(date);
    today = date;
  }
  log_set_level(LOG_ERROR);
  printf("检查内容包：%s\n", dir);
  size_t n = check_bundle(dir, today, &c);
  if (n) {
    printf("共发现 %zu 个问题，没有签名。请改好后重新运行 kioskctl content rehash 和 check。\n",
           n);
    return 1;
  }
  kerr err = bundle_sig_secret_load(key, sk);
  if (err) {
    printf("私钥文件 %s %s。\n", key,
           err == KERR_NOTFOUND  ? "不存在"
           : err == KERR_INVALID ? "不是 kioskctl keygen 生成的签名私钥"
                                 : "读不出来");
    goto out;
  }
  if ((err = bundle_sig_sign_dir(dir, sk))) {
    printf("无法写入 %s/manifest.sig（%s）。\n", dir, kerr_str(err));
    goto out;
  }
  bundle_sig_key pub;
  memcpy(pub.pk, sk + 32, sizeof pub.pk);
  content_problems p;
  content_problems_init(&p);
  err = bundle_sig_verify_dir(dir, &pub, 1, &p);
  content_problems_free(&p);
  if (err) {
    printf("签名后核对失败（%s），清单可能在签名时被改动，请重新签名。\n",
           kerr_str(err));
    goto out;
  }
  char b64[sodium_base64_ENCODED_LEN(BUNDLE_SIG_PUBLIC_BYTES,
                                     sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, pub.pk, sizeof pub.pk,
                    sodium_base64_VARIANT_ORIGINAL);
  printf("已签名：版本 %s，地区 %s（%s），有效期至 %s。\n"
         "签名公钥：%s\n"
         "签名之后不要再改这个文件夹里的任何文件；要改就重新 rehash、check、sign。\n",
         content_version(c), content_region_name(c), content_region_code(c),
         content_expires(c), b64);
  status = 0;
out:
  sodium_memzero(sk, sizeof sk);
  content_destroy(c);
  return status;
}
