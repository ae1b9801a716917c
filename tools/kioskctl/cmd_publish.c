/* cmd_publish: uploads a signed content bundle to the backend.
 *
 *   kioskctl content publish DIR --server URL --ca CA --cert CERT --key KEY
 *       checks DIR as `content check` does and that it is signed, then
 *       sends manifest.json (exact bytes), manifest.sig and the files the
 *       backend does not have yet to POST /v1/content over HTTPS with the
 *       administrator's client certificate CERT/KEY (OU=kiosk-administrator;
 *       the backend refuses a device's), trusting only the CA file CA.
 * The backend accepts it only if the signature verifies against its
 * administrator key, and only a version newer than the one it holds for
 * the region. Kiosks pick it up at their next content check. */
#include "cmd_publish.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/bundle_sig.h"
#include "core/content.h"
#include "core/log.h"
#include "net/publish.h"

static void usage(FILE *f) {
  fputs("用法：kioskctl content publish 目录 --server https://主机:端口 --ca 根证书 "
        "--cert 管理员证书 --key 管理员证书的私钥\n"
        "      把签好名的内容包上传到后台；后台核对签名后发给各台自助机。\n"
        "      --cert、--key 是维护人员发给管理员的证书（不是自助机的证书，"
        "也不是签名私钥 admin.key）\n",
        f);
}

/* The bundle must load and not be expired; prints why not. */
static int bundle_ok(const char *dir) {
  content_problems p;
  content *c = NULL;
  char today[11], line[700];
  content_problems_init(&p);
  cli_today(today);
  content_load(dir, &c, &p);
  if (c && content_expired(c, today))
    content_problems_add(&p, CONTENT_P_EXPIRED, "manifest.json", "$.expires",
                         "内容包已于 %s 过期", content_expires(c));
  for (size_t i = 0; i < p.n; i++)
    printf("%s\n", content_problems_format(&p, i, line, sizeof line));
  int ok = content_problems_count(&p) == 0;
  if (ok)
    printf("内容包：版本 %s，地区 %s（%s），有效期至 %s。\n", content_version(c),
           content_region_name(c), content_region_code(c), content_expires(c));
  content_destroy(c);
  content_problems_free(&p);
  return ok;
}

int cmd_publish(int argc, char **argv) {
  const char *dir = NULL;
  publish_config cfg;
  memset(&cfg, 0, sizeof cfg);
  static const struct option opts[] = {
      {"server", required_argument, NULL, 's'},
      {"ca", required_argument, NULL, 'a'},
      {"cert", required_argument, NULL, 'c'},
      {"key", required_argument, NULL, 'k'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  int ch;
  cli_begin();
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 's':
      cfg.base_url = optarg;
      break;
    case 'a':
      cfg.http.ca_file = optarg;
      break;
    case 'c':
      cfg.http.cert_file = optarg;
      break;
    case 'k':
      cfg.http.key_file = optarg;
      break;
    case 'h':
      usage(stdout);
      return 0;
    default:
      cli_bad_option(stderr, ch, argv);
      usage(stderr);
      return 2;
    }
  }
  /* Left: "publish" and the folder. */
  if (argc - optind == 2)
    dir = argv[optind + 1];
  if (!dir || !cfg.base_url || !cfg.http.ca_file || !cfg.http.cert_file ||
      !cfg.http.key_file) {
    usage(stderr);
    return 2;
  }
  if (strncmp(cfg.base_url, "https://", 8) != 0) {
    fprintf(stderr, "后台地址必须以 https:// 开头。\n");
    return 2;
  }
  log_set_level(LOG_ERROR);
  printf("检查内容包：%s\n", dir);
  if (!bundle_ok(dir)) {
    printf("内容包有问题，没有上传。\n");
    return 1;
  }
  char sig[4200];
  snprintf(sig, sizeof sig, "%s/manifest.sig", dir);
  FILE *f = fopen(sig, "rb");
  if (!f) {
    printf("内容包还没有签名，请先运行 kioskctl content sign %s --key 私钥文件。\n",
           dir);
    return 1;
  }
  fclose(f);

  publish *s = NULL;
  publish_result r;
  kerr err = publish_create(&cfg, &s);
  if (err) {
    printf("无法准备连接（%s）。\n", kerr_str(err));
    return 1;
  }
  err = publish_bundle(s, dir, &r);
  publish_destroy(s);
  switch (err) {
  case KERR_OK:
    printf("%s：版本 %s（上传 %zu 个文件，后台已有 %zu 个）。"
           "自助机下次检查更新时会换上新内容，可在工作人员后台的“自助机状态”页查看各台的版本。\n",
           r.http_status == 201 ? "已发布" : "后台已有这个版本，内容相同",
           r.version, r.files_sent, r.files_present);
    return 0;
  case KERR_CONFLICT:
    if (!r.current_version[0])
      printf("后台拒绝：这个地区在后台已经有同样或更新的版本，要发布的是 %s。"
             "请把 manifest.json 里的 version 改大，重新 rehash、check、sign "
             "后再发布。\n",
             r.version);
    else if (strcmp(r.current_version, r.version) == 0)
      printf("后台拒绝：后台已经有版本 %s，但内容和这次的不一样。改过内容就要把 "
             "manifest.json 里的 version 改大，重新 rehash、check、sign 后再发布。\n",
             r.version);
    else
      printf("后台拒绝：这个地区在后台已经有版本 %s，要发布的 %s 不比它新。请把 "
             "manifest.json 里的 version 改得比 %s 大，重新 rehash、check、sign "
             "后再发布。\n",
             r.current_version, r.version, r.current_version);
    break;
  case KERR_CRYPTO:
    if (r.http_status == 403 && strcmp(r.error_code, "not_administrator") == 0)
      printf("后台拒绝：发布内容要用管理员证书，--cert 给的不是管理员证书"
             "（可能是自助机的证书）。请用后台维护人员发给你的管理员证书和它的私钥"
             "（--cert、--key）。\n");
    else if (r.http_status == 403)
      printf("后台拒绝：签名不是用后台认可的管理员密钥做的。请用正确的私钥重新签名，"
             "或请维护人员把你的公钥放进后台的 admin.pub。\n");
    else
      printf("内容包在签名后被改过：%s。请重新 rehash、check、sign。\n", r.message);
    break;
  case KERR_NOTFOUND:
    printf("找不到清单或签名文件。\n");
    break;
  case KERR_DENIED:
    printf("后台不认这张客户端证书，或者后台的证书不是这个根证书签发的。\n");
    break;
  case KERR_NET:
    printf("连不上后台 %s，请检查网络和地址。\n", cfg.base_url);
    break;
  case KERR_BUSY:
    printf("后台暂时忙（HTTP %d），请稍后再试。\n", r.http_status);
    break;
  default:
    printf("后台拒绝（HTTP %d %s）：%s\n", r.http_status, r.error_code,
           r.message[0] ? r.message : kerr_str(err));
    break;
  }
  return 1;
}
