/* cmd_install: installs a signed content bundle on this kiosk, from a
 * folder (a USB stick, a copy of /usr/share/kiosk/bundle signed with the
 * county's key), without the backend.
 *
 *   kioskctl content install DIR [--data DATA_DIR] [--config KIOSK_CONF]
 *                                [--today YYYY-MM-DD]
 *       reads content.trusted_keys, device.region, paths.data and
 *       paths.content from the kiosk's configuration (default
 *       /etc/kiosk/kiosk.conf; --data replaces paths.data), then checks, in
 *       the kiosk's own order: the signature against the trusted keys, every
 *       file's size and SHA-256 and the content check, the expiry date, the
 *       region, and that the version is not older than the bundle installed
 *       (or, with none installed, the one shipped with the program).
 *
 * The install itself is content_sync_install_dir(): the same staging
 * (<version>.staging, every file fsynced), rename and `current` link switch
 * as the kiosk's updater, into DATA_DIR/content/, so the kiosk starts with
 * it next time and a power cut at any instant leaves the old or the new
 * bundle. The same version already installed is accepted only when it is
 * byte for byte the same manifest and signature (nothing to do); a changed
 * bundle needs a new version.
 *
 * Run as root for a kiosk that runs under its own account: the installed
 * folders are given to the owner of DATA_DIR, so the kiosk's own updater
 * can still replace them. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "cmd_install.h"

#include "cli.h"

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/bundle_sig.h"
#include "core/config.h"
#include "core/content.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "net/content_sync.h"

#define INSTALL_DEFAULT_CONFIG CONFIG_SYSTEM_FILE

static void usage(FILE *f) {
  fputs("用法：kioskctl content install 目录 [--data 数据目录] [--config 设置文件] "
        "[--today 年-月-日]\n"
        "  核对签名（必须是这台自助机信任的密钥）、文件、有效期和版本号，"
        "然后把内容包装到自助机的数据目录里；自助机下次启动时使用。\n"
        "  设置文件默认是 " INSTALL_DEFAULT_CONFIG "。\n",
        f);
}

static void print_problems(const content_problems *p) {
  char line[700];
  for (size_t i = 0; i < p->n; i++)
    printf("%s\n", content_problems_format(p, i, line, sizeof line));
  if (p->dropped)
    printf("（另有 %zu 个问题没有列出）\n", p->dropped);
}

/* The local calendar day `date` at noon, for content_sync's clock. */
static time_t noon_of(const char *date) {
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = atoi(date) - 1900;
  tm.tm_mon = atoi(date + 5) - 1;
  tm.tm_mday = atoi(date + 8);
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  return mktime(&tm);
}

static time_t fixed_now(void *ud) { return *(const time_t *)ud; }

/* 1 if a and b hold the same bytes (both readable, at most max). */
static int same_file(const char *a, const char *b, size_t max) {
  unsigned char *da = NULL, *db = NULL;
  size_t la = 0, lb = 0;
  int same = bundle_sig_read_file(a, max, &da, &la) == KERR_OK &&
             bundle_sig_read_file(b, max, &db, &lb) == KERR_OK && la == lb &&
             memcmp(da, db, la) == 0;
  free(da);
  free(db);
  return same;
}

static int same_bundle(const char *x, const char *y) {
  char a[CONTENT_SYNC_PATH_MAX + 20], b[CONTENT_SYNC_PATH_MAX + 20];
  snprintf(a, sizeof a, "%s/manifest.json", x);
  snprintf(b, sizeof b, "%s/manifest.json", y);
  if (!same_file(a, b, CONTENT_MAX_MANIFEST_BYTES))
    return 0;
  snprintf(a, sizeof a, "%s/manifest.sig", x);
  snprintf(b, sizeof b, "%s/manifest.sig", y);
  return same_file(a, b, BUNDLE_SIG_BYTES);
}

/* Gives everything under DATA_DIR/content to the owner of DATA_DIR (root
 * installing for a kiosk account). nftw has no user argument. */
static uid_t chown_uid;
static gid_t chown_gid;

static int chown_one(const char *path, const struct stat *st, int flag,
                     struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  if (lchown(path, chown_uid, chown_gid) != 0)
    printf("提醒：无法把 %s 交给运行自助机的账号。\n", path);
  return 0;
}

static void give_to_owner(const char *data_dir) {
  struct stat st;
  char content_dir[CONTENT_SYNC_PATH_MAX + 16];
  if (geteuid() != 0 || stat(data_dir, &st) != 0 || st.st_uid == 0)
    return;
  chown_uid = st.st_uid;
  chown_gid = st.st_gid;
  snprintf(content_dir, sizeof content_dir, "%s/content", data_dir);
  nftw(content_dir, chown_one, 16, FTW_PHYS);
}

/* Why the signature check failed, in plain words. */
static void say_signature(kerr e, const char *dir) {
  char path[CONTENT_SYNC_PATH_MAX + 16];
  struct stat st;
  switch (e) {
  case KERR_NOTFOUND:
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    if (lstat(path, &st) != 0)
      printf("%s 不是内容包（里面没有 manifest.json），没有安装。\n", dir);
    else
      printf("内容包没有签名（%s 里没有 manifest.sig），没有安装。\n"
             "请先用 kioskctl content sign 签名。\n", dir);
    break;
  case KERR_CRYPTO:
    printf("签名核对不上：这个内容包不是用这台自助机信任的密钥签的，"
           "或者签名以后又被改过，没有安装。\n"
           "请用登记在这台自助机上的私钥重新签名（信任的公钥在设置文件的 "
           "content.trusted_keys 里）。\n");
    break;
  default:
    printf("签名文件不对或读不出来，没有安装。请重新签名。\n");
    break;
  }
}

/* What content_sync_install_dir() refused or could not finish. */
static void say_sync(const content_sync_result *r, const char *data_dir) {
  switch (r->reason) {
  case CONTENT_SYNC_R_SIGNATURE:
    say_signature(KERR_CRYPTO, "");
    return;
  case CONTENT_SYNC_R_OLDER:
    printf("要安装的版本 %s 比这台自助机已经装的旧，没有安装。\n", r->version);
    return;
  case CONTENT_SYNC_R_EXPIRED:
    printf("内容包 %s 已过有效期，没有安装。\n", r->version);
    return;
  case CONTENT_SYNC_R_REGION:
    printf("内容包 %s 不是给这台自助机所在地区的，没有安装。\n", r->version);
    return;
  case CONTENT_SYNC_R_FORMAT:
    printf("内容包 %s 的格式太新，这台自助机的程序读不了；请先升级程序。\n",
           r->version);
    return;
  case CONTENT_SYNC_R_FILE:
  case CONTENT_SYNC_R_BUNDLE:
  case CONTENT_SYNC_R_MANIFEST:
    printf("内容包里的文件和清单对不上，或者检查不通过，没有安装。"
           "请重新复制内容包再试。\n");
    break;
  case CONTENT_SYNC_R_BUSY:
    printf("自助机正在更新内容，请过一会儿再试。\n");
    return;
  case CONTENT_SYNC_R_DISK:
    printf("无法写入数据目录 %s，没有安装。请检查磁盘空间和权限"
           "（可能需要用 root 运行）。\n", data_dir);
    break;
  default:
    printf("没有安装。\n");
    break;
  }
  if (r->detail[0])
    printf("（详细原因：%s）\n", r->detail);
}

int cmd_install(int argc, char **argv) {
  const char *dir = NULL, *data = NULL, *conf = NULL, *today = NULL;
  char date[11], err[600];
  int status = 1;
  config cfg;
  content *c = NULL, *shipped = NULL;
  content_sync *sync = NULL;
  content_problems p;

  static const struct option opts[] = {
      {"data", required_argument, NULL, 'd'},
      {"config", required_argument, NULL, 'c'},
      {"today", required_argument, NULL, 't'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  int ch;
  cli_begin();
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    if (ch == 'd')
      data = optarg;
    else if (ch == 'c')
      conf = optarg;
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
  /* Left: "install" and the folder. */
  if (argc - optind == 2)
    dir = argv[optind + 1];
  if (!dir || (data && !data[0])) {
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
  time_t now = noon_of(today);
  log_set_level(LOG_ERROR);
  content_problems_init(&p);

  /* The kiosk's own configuration, read the way the kiosk reads it. */
  char exe[PATH_MAX];
  ssize_t exe_n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[exe_n > 0 ? exe_n : 0] = '\0';
  config_defaults_for(&cfg, exe, getenv("KIOSK_HOME"));
  if (!conf)
    conf = INSTALL_DEFAULT_CONFIG;
  if (config_load(&cfg, conf, err, sizeof err) != KERR_OK) {
    printf("读不了自助机的设置文件 %s，没有安装。\n（%s）\n"
           "如果设置文件在别处，请用 --config 指明。\n", conf, err);
    goto out;
  }
  if (data)
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
  bundle_sig_key keys[BUNDLE_SIG_MAX_KEYS];
  size_t n_keys = 0;
  if (!cfg.trusted_keys[0] ||
      bundle_sig_keys_parse(cfg.trusted_keys, keys, BUNDLE_SIG_MAX_KEYS,
                            &n_keys) != KERR_OK) {
    printf("设置文件 %s 里没有信任的公钥（content.trusted_keys），"
           "这台自助机不认任何签名，没有安装。\n"
           "请先把厂家的 release.pub 或本县的 admin.pub 里的公钥加进 "
           "content.trusted_keys。\n", conf);
    goto out;
  }
  printf("检查内容包：%s\n", dir);

  /* 1. Signature, before anything of the bundle is interpreted. */
  kerr e = bundle_sig_verify_dir(dir, keys, n_keys, &p);
  if (e) {
    say_signature(e, dir);
    goto out;
  }
  /* 2. Every file against the signed manifest, and the content check. */
  if (content_load(dir, &c, &p) != KERR_OK) {
    print_problems(&p);
    printf("共发现 %zu 个问题：内容包在签名以后被改过，或者本身有问题，没有安装。\n"
           "请重新复制签过名的内容包；如果是自己改的，改好后重新 rehash、check、sign。\n",
           content_problems_count(&p));
    goto out;
  }
  /* 3. Expiry, region. */
  if (content_expired(c, today)) {
    printf("内容包已于 %s 过期（今天是 %s），没有安装。请改 expires 后重新签名。\n",
           content_expires(c), today);
    goto out;
  }
  if (strcmp(content_region_code(c), cfg.region) != 0) {
    printf("内容包是给 %s（%s）的，这台自助机设置的地区是 %s，没有安装。\n",
           content_region_name(c), content_region_code(c), cfg.region);
    goto out;
  }
  /* 4. Version: never older than what the kiosk has. */
  char cur_dir[CONTENT_SYNC_PATH_MAX], cur_ver[CONTENT_SYNC_VERSION_MAX];
  const char *ver = content_version(c);
  if (content_sync_current(cfg.data_dir, cur_dir, sizeof cur_dir, cur_ver,
                           sizeof cur_ver) == KERR_OK) {
    int cmp = content_version_compare(ver, cur_ver);
    if (cmp < 0) {
      printf("这台自助机已经装了版本 %s，要安装的版本 %s 更旧，没有安装。\n"
             "请把 manifest.json 里的 version 改大，重新 rehash、check、sign 后再安装。\n",
             cur_ver, ver);
      goto out;
    }
    if (cmp == 0) {
      if (same_bundle(dir, cur_dir)) {
        printf("这台自助机已经装了这个内容包（版本 %s），不用再装。\n", ver);
        status = 0;
      } else {
        printf("这台自助机已经装了版本 %s 的另一个内容包，没有安装。\n"
               "内容或签名改过的话，请把版本号改大，重新 rehash、check、sign 后再安装。\n",
               ver);
      }
      goto out;
    }
  } else if (content_load(cfg.content_dir, &shipped, NULL) == KERR_OK &&
             content_version_compare(ver, content_version(shipped)) < 0) {
    /* Equal is allowed: the shipped bundle signed with the county's key. */
    printf("自助机自带的内容包是版本 %s，要安装的版本 %s 更旧，没有安装。\n",
           content_version(shipped), ver);
    goto out;
  }

  /* 5. The kiosk updater's own staging and switch (which checks again). */
  if (fs_make_dirs(cfg.data_dir, 0755) != 0) {
    printf("无法建立数据目录 %s，没有安装。\n", cfg.data_dir);
    goto out;
  }
  content_sync_config sc;
  memset(&sc, 0, sizeof sc);
  sc.region = cfg.region;
  sc.data_dir = cfg.data_dir;
  sc.keys = keys;
  sc.n_keys = n_keys;
  sc.now = fixed_now;
  sc.now_ud = &now;
  if ((e = content_sync_create(&sc, &sync))) {
    printf("无法开始安装（%s）。\n", kerr_str(e));
    goto out;
  }
  content_sync_result r;
  content_sync_install_dir(sync, dir, &r);
  give_to_owner(cfg.data_dir);
  if (r.outcome == CONTENT_SYNC_UNCHANGED) {
    printf("这台自助机已经装了版本 %s，不用再装。\n", ver);
    status = 0;
  } else if (r.outcome != CONTENT_SYNC_UPDATED) {
    say_sync(&r, cfg.data_dir);
  } else {
    printf("已安装：版本 %s，地区 %s（%s），有效期至 %s。\n"
           "放在 %s；自助机下次启动时开始使用。\n",
           ver, content_region_name(c), content_region_code(c),
           content_expires(c), r.bundle_dir);
    status = 0;
  }
out:
  content_sync_destroy(sync);
  content_destroy(c);
  content_destroy(shipped);
  content_problems_free(&p);
  return status;
}
