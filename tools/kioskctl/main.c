/* kioskctl: the administrator's command line.
 *
 * main() only dispatches: each command lives in its own cmd_<name>.c with a
 * cmd_<name>.h declaring its entry point, and has one line in the table
 * below. An entry point gets argv starting at its own name and returns the
 * process exit status: 0 success, 1 the checked thing is not acceptable,
 * 2 usage error. Everything an administrator reads is plain Chinese. */
#include <stdio.h>
#include <string.h>

#include "cmd_content.h"
#include "cmd_form.h"
#include "cmd_keygen.h"
#include "cmd_screen.h"
#include "cmd_staff.h"

typedef struct kioskctl_cmd {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *help; /* one line: arguments and what it does */
} kioskctl_cmd;

static int cmd_version(int argc, char **argv) {
  (void)argc;
  (void)argv;
  puts("kioskctl " KIOSK_VERSION);
  return 0;
}

static const kioskctl_cmd commands[] = {
    {"version", cmd_version, "version                      显示版本"},
    {"content", cmd_content, "content check|show|rehash|sign|publish|install 目录  检查、查看、重算清单、签名、发布内容包，或装到这台自助机上"},
    {"keygen", cmd_keygen, "keygen 目录                  生成管理员签名密钥对（admin.key、admin.pub）"},
    {"form", cmd_form, "form check --content 目录 --answers 文件 [--items 事项]  用内容包的申请表检查一份答案"},
    {"staff", cmd_staff, "staff hash | staff list 目录     计算工作人员密码摘要（密码从标准输入读），或列出账号"},
    {"screen", cmd_screen, "screen --content 目录 --household 文件  用内容包的筛查规则试算一户"},
};

static int usage(void) {
  fputs("用法：kioskctl <命令> [参数]\n命令：\n", stderr);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(stderr, "  %s\n", commands[i].help);
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return usage();
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  return usage();
}
