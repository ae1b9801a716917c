/* cmd_staff: staff accounts for staff.json (docs/staff.md).
 *
 *   kioskctl staff hash
 *       reads one PIN (6 to 12 digits) from the first line of standard
 *       input and prints its Argon2id hash for the "pin_hash" field. The PIN
 *       is never an argument (it would show in the process list and the
 *       shell history) and is wiped from memory once hashed.
 *   kioskctl staff list 目录
 *       checks 目录/staff.json and lists id, role and name of each account
 *       (never a hash). */
#include "cmd_staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "core/bundle_sig.h"
#include "core/log.h"
#include "core/staff.h"

static void usage(FILE *f) {
  fputs("用法：\n"
        "  kioskctl staff hash\n"
        "      从标准输入读一行密码（6到12位数字），输出写进 staff.json 的 pin_hash\n"
        "  kioskctl staff list 目录\n"
        "      检查 目录/staff.json，列出工作人员账号\n",
        f);
}

static int cmd_hash(void) {
  char line[64];
  char hash[STAFF_HASH_BUF];
  int rc = 1;
  if (!fgets(line, sizeof line, stdin)) {
    fputs("没有读到密码：请从标准输入给一行数字密码。\n", stderr);
    goto out;
  }
  line[strcspn(line, "\r\n")] = '\0';
  kerr e = staff_pin_hash(line, hash);
  if (e == KERR_INVALID) {
    fprintf(stderr, "密码要是%d到%d位数字。\n", STAFF_PIN_MIN, STAFF_PIN_MAX);
    goto out;
  }
  if (e) {
    fprintf(stderr, "无法计算密码摘要（%s）。\n", kerr_str(e));
    goto out;
  }
  puts(hash);
  rc = 0;
out:
  sodium_memzero(line, sizeof line);
  return rc;
}

static int cmd_list(const char *dir) {
  char path[1024], err[300];
  unsigned char *data = NULL;
  size_t len = 0;
  staff_list *l = NULL;
  int rc = 1;
  if ((size_t)snprintf(path, sizeof path, "%s/staff.json", dir) >=
      sizeof path) {
    fputs("目录名太长。\n", stderr);
    return 2;
  }
  kerr e = bundle_sig_read_file(path, STAFF_FILE_MAX, &data, &len);
  if (e) {
    printf("无法读取 %s（%s）。\n", path, kerr_str(e));
    goto out;
  }
  e = staff_list_parse((const char *)data, len, &l, err, sizeof err);
  if (e) {
    printf("%s 有问题：%s\n", path, err);
    goto out;
  }
  printf("%zu 个账号：\n", staff_list_count(l));
  for (size_t i = 0; i < staff_list_count(l); i++)
    printf("  %-8s %s  %s\n", staff_list_id(l, i),
           staff_list_role(l, i) == STAFF_ROLE_ADMIN ? "管理员" : "工作人员",
           staff_list_name(l, i));
  rc = 0;
out:
  staff_list_destroy(l);
  free(data);
  return rc;
}

int cmd_staff(int argc, char **argv) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {0}};
  int ch;
  cli_begin();
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    if (ch == 'h') {
      usage(stdout);
      return 0;
    }
    cli_bad_option(stderr, ch, argv);
    usage(stderr);
    return 2;
  }
  /* Left: the subcommand and its folder, if any. */
  int n = argc - optind;
  const char *sub = n > 0 ? argv[optind] : "";
  log_set_level(LOG_ERROR);
  if (n == 1 && strcmp(sub, "hash") == 0)
    return cmd_hash();
  if (n == 2 && strcmp(sub, "list") == 0)
    return cmd_list(argv[optind + 1]);
  usage(stderr);
  return 2;
}
