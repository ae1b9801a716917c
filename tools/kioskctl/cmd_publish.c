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
 * the region. Kiosks pick it up at their next content check.
 *
 *   kioskctl content fetch REGION DIR --server URL --ca CA --cert CERT --key KEY
 *       downloads the region's current bundle into the new folder DIR (the
 *       copy an administrator changes for the next version).
 *   kioskctl content published --server ... [--region REGION]
 *       lists the published versions with who published them.
 * Both need the administrator's certificate, as publish does. */
#include "cmd_publish.h"

#include <stdio.h>
#include <stdlib.h>
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

/* Says what publish_bundle() did, in plain words; the exit status. */
static int print_publish_result(kerr err, const publish_result *r,
                                const char *server) {
  switch (err) {
  case KERR_OK:
    printf("%s：版本 %s（上传 %zu 个文件，后台已有 %zu 个）。"
           "自助机下次检查更新时会换上新内容，可在工作人员后台的“自助机状态”页查看各台的版本。\n",
           r->http_status == 201 ? "已发布" : "后台已有这个版本，内容相同",
           r->version, r->files_sent, r->files_present);
    return 0;
  case KERR_CONFLICT:
    if (!r->current_version[0])
      printf("后台拒绝：这个地区在后台已经有同样或更新的版本，要发布的是 %s。"
             "请把 manifest.json 里的 version 改大，重新 rehash、check、sign "
             "后再发布。\n",
             r->version);
    else if (strcmp(r->current_version, r->version) == 0)
      printf("后台拒绝：后台已经有版本 %s，但内容和这次的不一样。改过内容就要把 "
             "manifest.json 里的 version 改大，重新 rehash、check、sign 后再发布。\n",
             r->version);
    else
      printf("后台拒绝：这个地区在后台已经有版本 %s，要发布的 %s 不比它新。请把 "
             "manifest.json 里的 version 改得比 %s 大，重新 rehash、check、sign "
             "后再发布。\n",
             r->current_version, r->version, r->current_version);
    break;
  case KERR_CRYPTO:
    if (r->http_status == 403 && strcmp(r->error_code, "not_administrator") == 0)
      printf("后台拒绝：发布内容要用管理员证书，--cert 给的不是管理员证书"
             "（可能是自助机的证书）。请用后台维护人员发给你的管理员证书和它的私钥"
             "（--cert、--key）。\n");
    else if (r->http_status == 403)
      printf("后台拒绝：签名不是用后台认可的管理员密钥做的。请用正确的私钥重新签名，"
             "或请维护人员把你的公钥放进后台的 admin.pub。\n");
    else
      printf("内容包在签名后被改过：%s。请重新 rehash、check、sign。\n", r->message);
    break;
  case KERR_NOTFOUND:
    printf("找不到清单或签名文件。\n");
    break;
  case KERR_DENIED:
    printf("后台不认这张客户端证书，或者后台的证书不是这个根证书签发的。\n");
    break;
  case KERR_NET:
    printf("连不上后台 %s，请检查网络和地址。\n", server);
    break;
  case KERR_BUSY:
    printf("后台暂时忙（HTTP %d），请稍后再试。\n", r->http_status);
    break;
  default:
    printf("后台拒绝（HTTP %d %s）：%s\n", r->http_status, r->error_code,
           r->message[0] ? r->message : kerr_str(err));
    break;
  }
  return 1;
}

/* ---- connection options (publish, fetch, published) ---- */

/* Parses --server/--ca/--cert/--key (and --region when region is not NULL)
 * into cfg; the words left are argv[*first..argc). Returns -1 to go on,
 * else the exit status (0 after --help, 2 on a usage error). */
static int conn_options(int argc, char **argv, publish_config *cfg,
                        const char **region, void (*use)(FILE *),
                        int *first) {
  static const struct option opts[] = {
      {"server", required_argument, NULL, 's'},
      {"ca", required_argument, NULL, 'a'},
      {"cert", required_argument, NULL, 'c'},
      {"key", required_argument, NULL, 'k'},
      {"region", required_argument, NULL, 'r'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  int ch;
  memset(cfg, 0, sizeof *cfg);
  cli_begin();
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 's':
      cfg->base_url = optarg;
      break;
    case 'a':
      cfg->http.ca_file = optarg;
      break;
    case 'c':
      cfg->http.cert_file = optarg;
      break;
    case 'k':
      cfg->http.key_file = optarg;
      break;
    case 'r':
      if (!region) {
        fprintf(stderr, "不认识的选项：--region\n");
        use(stderr);
        return 2;
      }
      *region = optarg;
      break;
    case 'h':
      use(stdout);
      return 0;
    default:
      cli_bad_option(stderr, ch, argv);
      use(stderr);
      return 2;
    }
  }
  if (!cfg->base_url || !cfg->http.ca_file || !cfg->http.cert_file ||
      !cfg->http.key_file) {
    use(stderr);
    return 2;
  }
  if (strncmp(cfg->base_url, "https://", 8) != 0) {
    fprintf(stderr, "后台地址必须以 https:// 开头。\n");
    return 2;
  }
  *first = optind;
  return -1;
}

int cmd_publish(int argc, char **argv) {
  publish_config cfg;
  int first = 0;
  int rc = conn_options(argc, argv, &cfg, NULL, usage, &first);
  if (rc >= 0)
    return rc;
  /* Left: "publish" and the folder. */
  if (argc - first != 2) {
    usage(stderr);
    return 2;
  }
  const char *dir = argv[first + 1];
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
  return print_publish_result(err, &r, cfg.base_url);
}

/* ---- content fetch / content published ---- */

static int region_ok(const char *r) {
  return r && strlen(r) == 6 && strspn(r, "0123456789") == 6;
}

/* The common refusals of fetch and published, in plain words. */
static void print_failure(kerr err, const publish_result *r,
                          const char *server) {
  if (err == KERR_CRYPTO && strcmp(r->error_code, "not_administrator") == 0)
    printf("后台拒绝：这件事要用管理员证书，--cert 给的不是管理员证书"
           "（可能是自助机的证书）。请用后台维护人员发给你的管理员证书和它的私钥。\n");
  else if (err == KERR_DENIED)
    printf("后台不认这张客户端证书，或者后台的证书不是这个根证书签发的。\n");
  else if (err == KERR_NET)
    printf("连不上后台 %s，请检查网络和地址。\n", server);
  else if (err == KERR_BUSY)
    printf("后台暂时忙（HTTP %d），请稍后再试。\n", r->http_status);
  else
    printf("没有做成（%s%s%s）。\n", kerr_str(err), r->message[0] ? "：" : "",
           r->message);
}

static void usage_fetch(FILE *f) {
  fputs("用法：kioskctl content fetch 地区代码 目录 --server https://主机:端口 "
        "--ca 根证书 --cert 管理员证书 --key 管理员证书的私钥\n"
        "      从后台取回这个地区现在发布的内容包，放进一个新文件夹，"
        "在它上面改下一版\n",
        f);
}

int cmd_fetch(int argc, char **argv) {
  publish_config cfg;
  int first = 0;
  int rc = conn_options(argc, argv, &cfg, NULL, usage_fetch, &first);
  if (rc >= 0)
    return rc;
  /* Left: "fetch", the region and the folder. */
  if (argc - first != 3) {
    usage_fetch(stderr);
    return 2;
  }
  const char *region = argv[first + 1], *dir = argv[first + 2];
  if (!region_ok(region)) {
    fprintf(stderr, "地区代码是 6 位数字，例如 140500。\n");
    return 2;
  }
  log_set_level(LOG_ERROR);
  publish *s = NULL;
  publish_result r;
  kerr err = publish_create(&cfg, &s);
  if (err) {
    printf("无法准备连接（%s）。\n", kerr_str(err));
    return 1;
  }
  err = publish_fetch(s, region, dir, &r);
  publish_destroy(s);
  if (!err) {
    printf("已取回：地区 %s 的内容包，版本 %s（%zu 个文件），放在 %s。\n"
           "改下一版前先复制一份；改完要改大版本号，再 rehash、check、sign、publish。\n",
           region, r.version, r.files_sent, dir);
    return 0;
  }
  if (err == KERR_NOTFOUND && r.http_status == 404)
    printf("后台还没有地区 %s 的内容包。可以从自助机自带的内容包"
           "（/usr/share/kiosk/bundle）开始。\n", region);
  else if (err == KERR_STATE)
    printf("文件夹 %s 已经存在。请换一个新名字，免得覆盖里面的文件。\n", dir);
  else if (err == KERR_CRYPTO && r.message[0] && !r.error_code[0])
    printf("后台给的文件和清单对不上（%s），没有保存。请联系维护人员。\n",
           r.message);
  else
    print_failure(err, &r, cfg.base_url);
  return 1;
}

static void usage_published(FILE *f) {
  fputs("用法：kioskctl content published --server https://主机:端口 --ca 根证书 "
        "--cert 管理员证书 --key 管理员证书的私钥 [--region 地区代码]\n"
        "      列出后台已经发布的内容包版本：什么时候、哪位管理员发布的\n",
        f);
}

int cmd_published(int argc, char **argv) {
  publish_config cfg;
  const char *region = NULL;
  int first = 0;
  int rc = conn_options(argc, argv, &cfg, &region, usage_published, &first);
  if (rc >= 0)
    return rc;
  if (argc - first != 1) {
    usage_published(stderr);
    return 2;
  }
  if (region && !region_ok(region)) {
    fprintf(stderr, "地区代码是 6 位数字，例如 140500。\n");
    return 2;
  }
  log_set_level(LOG_ERROR);
  publish *s = NULL;
  publish_result r;
  publish_version *v = calloc(PUBLISH_LIST_MAX, sizeof *v);
  size_t n = 0;
  kerr err = v ? publish_create(&cfg, &s) : KERR_NOMEM;
  if (!err)
    err = publish_list(s, region, v, &n, &r);
  publish_destroy(s);
  if (err) {
    print_failure(err, &r, cfg.base_url);
    free(v);
    return 1;
  }
  if (n == 0)
    printf("后台还没有发布过内容包。\n");
  else
    printf("%-8s %-14s %-27s %s\n", "地区", "版本", "发布时间", "发布的管理员");
  for (size_t i = 0; i < n; i++)
    printf("%-8s %-14s %-27s %s\n", v[i].region, v[i].version,
           v[i].published_at,
           v[i].published_by[0] ? v[i].published_by : "（没有记录）");
  free(v);
  return 0;
}
