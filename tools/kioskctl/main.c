/* kioskctl: the administrator's command line.
 *
 * main() only dispatches: each command lives in its own cmd_<name>.c with a
 * cmd_<name>.h declaring its entry point, and has one line per subcommand
 * in the table below, which is also the list `kioskctl --help` prints. An
 * entry point gets argv starting at its own name (argv[1] is the
 * subcommand, if the table has one) and returns the process exit status:
 * 0 success, 1 the checked thing is not acceptable, 2 usage error. Every
 * command takes --help (usage on stdout, exit 0); see cli.h. Everything an
 * administrator reads is plain Chinese. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_content.h"
#include "cmd_form.h"
#include "cmd_install.h"
#include "cmd_keygen.h"
#include "cmd_publish.h"
#include "cmd_screen.h"
#include "cmd_sign.h"
#include "cmd_staff.h"
#include "net/http.h"

typedef struct kioskctl_cmd {
  const char *name; /* first word */
  const char *sub;  /* second word, or NULL */
  int (*run)(int argc, char **argv);
  const char *args; /* what follows the command words */
  const char *help; /* one line: what it does */
} kioskctl_cmd;

static int cmd_version(int argc, char **argv);

static const kioskctl_cmd commands[] = {
    {"content", "check", cmd_content, "目录 [--today 年-月-日]",
     "检查内容包，列出所有问题"},
    {"content", "show", cmd_content, "目录 [--region 地区代码] [--item 编号]",
     "显示内容包摘要，或一项救助的全文"},
    {"content", "rehash", cmd_content, "目录",
     "改完数据文件后，重算清单里每个文件的大小和 SHA-256"},
    {"content", "sign", cmd_sign, "目录 --key 私钥文件 [--today 年-月-日]",
     "先检查内容包，没有问题才用管理员私钥签名（写出 manifest.sig）"},
    {"content", "publish", cmd_publish,
     "目录 --server https://主机:端口 --ca 根证书 --cert 管理员证书 --key 管理员证书的私钥",
     "把签好名的内容包上传到后台，由后台发给各台自助机"},
    {"content", "fetch", cmd_fetch,
     "地区代码 目录 --server https://主机:端口 --ca 根证书 --cert 管理员证书 "
     "--key 管理员证书的私钥",
     "从后台取回这个地区现在发布的内容包，在它上面改下一版"},
    {"content", "published", cmd_published,
     "--server https://主机:端口 --ca 根证书 --cert 管理员证书 --key 管理员证书的私钥 "
     "[--region 地区代码]",
     "列出后台发布过的版本，以及哪位管理员发布的"},
    {"content", "install", cmd_install,
     "目录 [--data 目录] [--config 文件]",
     "核对签名后装到这台自助机上，下次启动时用上"},
    {"keygen", NULL, cmd_keygen, "目录",
     "生成管理员签名密钥对（admin.key、admin.pub）"},
    {"form", "check", cmd_form,
     "--content 目录 --answers 文件 [--items 事项1,事项2] [--today 年-月-日]",
     "用内容包的申请表检查一份答案"},
    {"screen", NULL, cmd_screen,
     "--content 目录 --household 文件 [--region 地区代码] [--today 年-月-日]",
     "用内容包的筛查规则试算一户"},
    {"staff", "hash", cmd_staff, "", "计算工作人员密码摘要（密码从标准输入读）"},
    {"staff", "list", cmd_staff, "目录", "检查 目录/staff.json，列出工作人员账号"},
    {"version", NULL, cmd_version, "", "显示版本"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_command(FILE *f, const kioskctl_cmd *c) {
  fprintf(f, "  kioskctl %s%s%s%s%s\n      %s\n", c->name, c->sub ? " " : "",
          c->sub ? c->sub : "", c->args[0] ? " " : "", c->args, c->help);
}

/* The commands whose first word is group (all if NULL). */
static void usage(FILE *f, const char *group) {
  fputs("用法：kioskctl 命令 [参数]\n"
        "\n"
        "社会救助自助服务终端的管理员工具：检查、签名和发布内容包，\n"
        "生成密钥，试算申请表和筛查规则，管理工作人员账号。\n"
        "\n"
        "命令：\n",
        f);
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (!group || strcmp(group, commands[i].name) == 0)
      print_command(f, &commands[i]);
  fputs("\n"
        "选项：\n"
        "  --help       显示用法后退出（放在命令后面时显示这个命令的用法）\n"
        "  --version    显示版本后退出\n"
        "\n"
        "退出状态：0 成功；1 检查出问题或操作被拒绝；2 命令或参数写错。\n",
        f);
}

static int cmd_version(int argc, char **argv) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {0}};
  int ch;
  cli_begin();
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    if (ch == 'h') {
      fputs("用法：kioskctl version\n      显示版本\n", stdout);
      return 0;
    }
    cli_bad_option(stderr, ch, argv);
    fputs("用法：kioskctl version\n", stderr);
    return 2;
  }
  if (optind < argc) {
    fputs("用法：kioskctl version\n", stderr);
    return 2;
  }
  puts("kioskctl " KIOSK_VERSION);
  return 0;
}

int main(int argc, char **argv) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {"version", no_argument, NULL, 'V'},
                                       {0}};
  int ch;
  cli_begin();
  /* '+': only the options before the command; the command parses the rest. */
  while ((ch = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
    if (ch == 'h') {
      usage(stdout, NULL);
      return 0;
    }
    if (ch == 'V') {
      puts("kioskctl " KIOSK_VERSION);
      return 0;
    }
    cli_bad_option(stderr, ch, argv);
    usage(stderr, NULL);
    return 2;
  }
  if (optind >= argc) {
    usage(stderr, NULL);
    return 2;
  }
  int n = argc - optind;
  char **v = argv + optind;
  int group = 0;
  for (size_t i = 0; i < N_COMMANDS; i++) {
    const kioskctl_cmd *c = &commands[i];
    if (strcmp(v[0], c->name) != 0)
      continue;
    group = 1;
    if (!c->sub || (n > 1 && strcmp(v[1], c->sub) == 0)) {
      int rc = c->run(n, v);
      /* Every command has destroyed its clients by now. */
      http_global_cleanup();
      return rc;
    }
  }
  if (!group) {
    fprintf(stderr, "没有“%s”这个命令。\n", v[0]);
    usage(stderr, NULL);
    return 2;
  }
  /* A first word without a known second: list that group's commands. */
  if (n == 2 && strcmp(v[1], "--help") == 0) {
    usage(stdout, v[0]);
    return 0;
  }
  if (n > 1 && v[1][0] != '-')
    fprintf(stderr, "没有“%s %s”这个命令。\n", v[0], v[1]);
  usage(stderr, v[0]);
  return 2;
}
