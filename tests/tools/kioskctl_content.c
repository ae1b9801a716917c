/* kioskctl content check/show/rehash, run as the administrator runs them:
 * exit status and what is printed, on the default bundle and on broken
 * copies made at run time. */
#include <sys/wait.h>

#include "check.h"
#include "core/test_content_util.h"

/* Runs kioskctl with `args` (stderr merged); returns the exit status and
 * the output in *out (caller frees). */
static int run(const char *args, char **out) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", KIOSKCTL, args);
  FILE *f = popen(cmd, "r");
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  if (!f || !buf) {
    free(buf);
    *out = NULL;
    return -1;
  }
  size_t r;
  while ((r = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += r;
    if (len + 1 == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
  }
  buf[len] = '\0';
  int st = pclose(f);
  *out = buf;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int has(const char *out, const char *s) {
  int ok = out && strstr(out, s) != NULL;
  if (!ok)
    fprintf(stderr, "output lacks \"%s\":\n%s\n", s, out ? out : "(none)");
  return ok;
}

static void test_check_good(void) {
  char *out;
  CHECK_INT(run("content check '" TB_SOURCE "' --today 2026-11-22", &out), 0);
  CHECK(has(out, "内容包完好"));
  CHECK(has(out, "14 项救助"));
  CHECK(has(out, "2 个地区"));
  free(out);

  /* Past its expiry date. */
  CHECK_INT(run("content check '" TB_SOURCE "' --today 2099-01-01", &out), 1);
  CHECK(has(out, "manifest.json: $.expires: 内容包已于 2027-06-30 过期"));
  free(out);
}

static void test_check_broken(void) {
  char dir[64], args[256], *out;
  CHECK_INT(tb_copy(dir), 0);
  cJSON *cat = tb_json(dir, "catalogue.json");
  cJSON_DeleteItemFromObject(cJSON_GetArrayItem(cJSON_GetObjectItem(cat, "items"), 0), "name");
  tb_save(dir, "catalogue.json", cat);
  CHECK_INT(tb_rehash(dir), 0);
  CHECK_INT(tb_replace(dir, "strings.json", "返回", "回去"), 0); /* after rehash */

  snprintf(args, sizeof args, "content check '%s' --today 2026-11-22", dir);
  CHECK_INT(run(args, &out), 1);
  CHECK(has(out, "catalogue.json: $.items[0].name: 缺少必填字段“name”（应为文字）"));
  CHECK(has(out, "strings.json: SHA-256 与清单不符"));
  CHECK(has(out, "共发现 2 个问题，这个内容包不能使用。"));
  free(out);

  snprintf(args, sizeof args, "content show '%s'", dir);
  CHECK_INT(run(args, &out), 1);
  CHECK(has(out, "$.items[0].name"));
  free(out);
  tb_remove(dir);
}

static void test_show(void) {
  char *out;
  CHECK_INT(run("content show '" TB_SOURCE "'", &out), 0);
  CHECK(has(out, "【基本生活救助】"));
  CHECK(has(out, "【急难救助】"));
  CHECK(has(out, "最低生活保障（低保，dibao）"));
  CHECK(has(out, "临时救助（临时救助，temporary）"));
  CHECK(has(out, "地区：晋城市（140500，山西省）"));
  CHECK(has(out, "城市低保标准：9480 元（每人每年）"));
  CHECK(has(out, "特困人员护理补贴：100至1075 元（每人每月）"));
  CHECK(has(out, "截至2025-07-09的标准"));
  CHECK(has(out, "地区：鹤壁市（410600，河南省）"));
  CHECK(has(out, "城市低保标准：650 元（每人每月）"));
  CHECK(has(out, "2024年7月31日"));
  CHECK(has(out, "特困人员基本生活标准：暂无数字"));
  CHECK(has(out, "以当地最新公布为准"));
  free(out);

  CHECK_INT(run("content show '" TB_SOURCE "' --region 410600", &out), 0);
  CHECK(has(out, "鹤壁市（410600"));
  CHECK(out && !strstr(out, "9480 元"));
  free(out);

  CHECK_INT(run("content show '" TB_SOURCE "' --region 999999", &out), 1);
  free(out);

  CHECK_INT(run("content show '" TB_SOURCE "' --item temporary", &out), 0);
  CHECK(has(out, "临时救助（临时救助，编号 temporary）"));
  CHECK(has(out, "层级：急难救助"));
  CHECK(has(out, "紧急救助（尽快）情况紧急的，先救助，后补手续。"));
  CHECK(has(out, "《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）（2014-10）"));
  free(out);
  CHECK_INT(run("content show '" TB_SOURCE "' --item nothing", &out), 1);
  CHECK(has(out, "没有编号为 nothing"));
  free(out);
}

static void test_rehash(void) {
  char dir[64], args[256], *out;
  CHECK_INT(tb_copy(dir), 0);
  CHECK_INT(tb_replace(dir, "strings.json", "返回", "回去"), 0);
  snprintf(args, sizeof args, "content check '%s' --today 2026-11-22", dir);
  CHECK_INT(run(args, &out), 1);
  free(out);
  snprintf(args, sizeof args, "content rehash '%s'", dir);
  CHECK_INT(run(args, &out), 0);
  CHECK(has(out, "已更新"));
  free(out);
  snprintf(args, sizeof args, "content check '%s' --today 2026-11-22", dir);
  CHECK_INT(run(args, &out), 0);
  free(out);

  /* A path that leaves the folder: rehash refuses and changes nothing. */
  cJSON *m = tb_json(dir, "manifest.json");
  char at[128];
  snprintf(at, sizeof at, "manifest.json: $.files[%d].path: “../outside.json”",
           cJSON_GetArraySize(cJSON_GetObjectItem(m, "files")));
  cJSON *f = cJSON_CreateObject();
  cJSON_AddStringToObject(f, "path", "../outside.json");
  cJSON_AddItemToArray(cJSON_GetObjectItem(m, "files"), f);
  tb_save(dir, "manifest.json", m);
  char p_[512];
  char *before = tb_slurp(tb_path(p_, sizeof p_, dir, "manifest.json"), NULL);
  snprintf(args, sizeof args, "content rehash '%s'", dir);
  CHECK_INT(run(args, &out), 1);
  CHECK(has(out, at));
  CHECK(has(out, "清单没有修改"));
  free(out);
  char *after = tb_slurp(p_, NULL);
  CHECK(before && after && strcmp(before, after) == 0);
  free(before);
  free(after);
  tb_remove(dir);
}

static void test_usage(void) {
  char *out;
  CHECK_INT(run("content", &out), 2);
  CHECK(has(out, "用法"));
  free(out);
  CHECK_INT(run("content check", &out), 2);
  free(out);
  CHECK_INT(run("content check '" TB_SOURCE "' --today 2026-13-01", &out), 2);
  free(out);
  CHECK_INT(run("content frobnicate '" TB_SOURCE "'", &out), 2);
  free(out);
  CHECK_INT(run("nonsense", &out), 2);
  CHECK(has(out, "kioskctl content check 目录"));
  CHECK(has(out, "kioskctl content sign 目录"));
  free(out);
  CHECK_INT(run("content rehash '" TB_SOURCE "' --today 2026-11-22", &out), 2);
  CHECK(has(out, "--today 只能用在 content check 和 content show"));
  free(out);
  CHECK_INT(run("content check /nonexistent/bundle", &out), 1);
  CHECK(has(out, "无法打开内容包文件夹"));
  free(out);
}

/* A new standard announced for a later date: shown as to come, used from
 * its date; a "reported" date in the future is refused; the year-old
 * reminder is only for the entry in force. */
static void test_dated_standards(void) {
  char dir[64], args[320], *out;
  CHECK_INT(tb_copy(dir), 0);
  cJSON *reg = tb_json(dir, "regions.json");
  cJSON *sts = cJSON_GetObjectItem(
      cJSON_GetArrayItem(cJSON_GetObjectItem(reg, "regions"), 0), "standards");
  cJSON *next = cJSON_Duplicate(cJSON_GetArrayItem(sts, 0), 1);
  cJSON_ReplaceItemInObject(next, "value", cJSON_CreateNumber(9960));
  cJSON_ReplaceItemInObject(next, "effective", cJSON_CreateString("2027-01-01"));
  cJSON_ReplaceItemInObject(next, "effective_basis",
                            cJSON_CreateString("announced"));
  cJSON_AddItemToArray(sts, next);
  tb_save(dir, "regions.json", reg);
  CHECK_INT(tb_rehash(dir), 0);

  snprintf(args, sizeof args, "content show '%s' --region 140500 --today 2026-12-05", dir);
  CHECK_INT(run(args, &out), 0);
  CHECK(has(out, "· 城市低保标准：9480 元（每人每年）"));
  CHECK(has(out, "· 城市低保标准（以后执行）：9960 元（每人每年）"));
  free(out);
  snprintf(args, sizeof args, "content show '%s' --region 140500 --today 2027-01-01", dir);
  CHECK_INT(run(args, &out), 0);
  CHECK(has(out, "· 城市低保标准（已被新标准取代）：9480"));
  CHECK(has(out, "· 城市低保标准：9960"));
  free(out);

  /* In 2027 the 2025 figure is replaced: no reminder for it, but one for
   * the rural figure still in force; in 2028 the new one is a year old. */
  snprintf(args, sizeof args, "content check '%s' --today 2027-01-02", dir);
  CHECK_INT(run(args, &out), 0);
  CHECK(!has(out, "“城市低保标准”（dibao_urban）是 2025-07-09"));
  CHECK(has(out, "“农村低保标准”（dibao_rural）是 2025-07-09"));
  free(out);
  snprintf(args, sizeof args, "content check '%s' --today 2028-01-02", dir);
  CHECK_INT(run(args, &out), 1); /* the bundle itself has expired by then */
  CHECK(has(out, "“城市低保标准”（dibao_urban）是 2027-01-01"));
  free(out);

  /* "reported" on a day still to come cannot be. */
  reg = tb_json(dir, "regions.json");
  sts = cJSON_GetObjectItem(
      cJSON_GetArrayItem(cJSON_GetObjectItem(reg, "regions"), 0), "standards");
  cJSON_ReplaceItemInObject(cJSON_GetArrayItem(sts, cJSON_GetArraySize(sts) - 1),
                            "effective_basis", cJSON_CreateString("reported"));
  tb_save(dir, "regions.json", reg);
  CHECK_INT(tb_rehash(dir), 0);
  snprintf(args, sizeof args, "content check '%s' --today 2026-12-05", dir);
  CHECK_INT(run(args, &out), 1);
  CHECK(has(out, "的日期 2027-01-01 还没到（今天是 2026-12-05）"));
  free(out);
  tb_remove(dir);
}

int main(void) {
  test_check_good();
  test_dated_standards();
  test_check_broken();
  test_show();
  test_rehash();
  test_usage();
  return TEST_DONE();
}
