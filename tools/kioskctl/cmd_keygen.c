/* cmd_keygen: makes the administrator's Ed25519 key pair for signing content
 * bundles.
 *
 *   kioskctl keygen DIR
 *       writes DIR/admin.key (secret, mode 0600) and DIR/admin.pub (public,
 *       0644), one line of base64 each — the format of scripts/dev-pki.sh.
 *       DIR is made (0700) if it does not exist. An existing key is never
 *       overwritten. Prints the public key, which goes into the backend's
 *       admin.pub and the kiosks' list of trusted keys. */
#include "cmd_keygen.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli.h"
#include "core/bundle_sig.h"
#include "core/log.h"

#define USAGE                                                                  \
  "用法：kioskctl keygen 目录\n"                                               \
  "      生成管理员签名密钥对（目录/admin.key 与 目录/admin.pub），不覆盖已有的密钥\n"

int cmd_keygen(int argc, char **argv) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {0}};
  int ch;
  cli_begin();
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    if (ch == 'h') {
      fputs(USAGE, stdout);
      return 0;
    }
    cli_bad_option(stderr, ch, argv);
    fputs(USAGE, stderr);
    return 2;
  }
  if (argc - optind != 1) {
    fputs(USAGE, stderr);
    return 2;
  }
  log_set_level(LOG_ERROR);
  const char *dir = argv[optind];
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    printf("无法建立文件夹 %s：%s\n", dir, strerror(errno));
    return 1;
  }
  bundle_sig_key pub;
  kerr err = bundle_sig_keygen(dir, &pub);
  if (err == KERR_STATE) {
    printf("%s 里已经有 admin.key 或 admin.pub，没有覆盖。"
           "如果确实要换密钥，请换一个空文件夹。\n", dir);
    return 1;
  }
  if (err) {
    printf("无法在 %s 里写入密钥（%s）。\n", dir, kerr_str(err));
    return 1;
  }
  char b64[sodium_base64_ENCODED_LEN(BUNDLE_SIG_PUBLIC_BYTES,
                                     sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, pub.pk, sizeof pub.pk,
                    sodium_base64_VARIANT_ORIGINAL);
  printf("已生成签名密钥：\n"
         "  私钥 %s/admin.key（只有本人可读，请妥善保管，不要拷给别人）\n"
         "  公钥 %s/admin.pub\n"
         "公钥：%s\n"
         "把公钥放到后台的 admin.pub，并加进每台自助机信任的公钥里。\n",
         dir, dir, b64);
  return 0;
}
