/* cmd_screen: try the screener on a household without a kiosk.
 *
 *   kioskctl screen --content DIR --household FILE.json
 *                   [--region CODE] [--today YYYY-MM-DD]
 *
 * Loads and checks the bundle in DIR (content_load), its screener.json (from
 * the verified bundle; if the manifest does not list it, from DIR directly,
 * with a warning), the region's standards (the household's "region", else
 * --region, else the bundle's own region) and prints which items may apply
 * with their reasons, as JSON. "Today" comes from --today, the household's
 * "today", or the clock, in that order. The household file is synthetic test
 * data or a case an administrator types in; nothing of it is logged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd_screen.h"
#include "core/content.h"
#include "core/json_limits.h"
#include "core/screener.h"
#include "core/validate.h"

#define HOUSEHOLD_MAX_BYTES (64u * 1024u)

static void print_problems(FILE *err, const content_problems *p) {
  char line[640];
  for (size_t i = 0; i < p->n; i++)
    fprintf(err, "%s\n", content_problems_format(p, i, line, sizeof line));
  if (p->dropped)
    fprintf(err, "……另有 %zu 个问题没有列出\n", p->dropped);
}

/* Reads a whole file of at most max bytes; NULL on failure. */
static char *read_file(const char *path, size_t max, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = malloc(max + 1);
  size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
  int bad = !buf || ferror(f) || n > max;
  fclose(f);
  if (bad) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static int parse_day(const char *s, validate_date *d) {
  validate_note note;
  return validate_date_text(s, strlen(s), VALIDATE_DATE_PAST_OK, NULL, d,
                            &note) == KERR_OK;
}

static cJSON *match_array(const screener_match *m, size_t n, const content *c,
                          int with_reasons) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; a && i < n; i++) {
    cJSON *o = cJSON_CreateObject();
    const content_item *it = content_item_find(c, m[i].item);
    cJSON_AddStringToObject(o, "id", m[i].item);
    cJSON_AddStringToObject(o, "name", it ? it->name : m[i].item);
    if (with_reasons) {
      /* Pre-selected on the kiosk's list unless another item of its
       * group of alternatives comes first ("apply_first" says which). */
      cJSON_AddBoolToObject(o, "preselected", m[i].defer_to == NULL);
      if (m[i].defer_to) {
        const content_item *f = content_item_find(c, m[i].defer_to);
        char why[SCREENER_MAX_REASON];
        screener_defer_text(&m[i], f ? f->name : m[i].defer_to, why,
                            sizeof why);
        cJSON_AddStringToObject(o, "apply_first", m[i].defer_to);
        cJSON_AddStringToObject(o, "apply_first_reason", why);
      }
      cJSON *r = cJSON_AddArrayToObject(o, "reasons");
      for (size_t k = 0; r && k < m[i].n_reasons; k++)
        cJSON_AddItemToArray(r, cJSON_CreateString(m[i].reasons[k]));
    }
    cJSON_AddItemToArray(a, o);
  }
  return a;
}

#define SCREEN_USAGE                                                           \
  "用法：kioskctl screen --content 内容包目录 --household 家庭文件.json "       \
  "[--region 地区代码] [--today 年-月-日]\n"                                   \
  "      用内容包的筛查规则试算一户，把结果以 JSON 输出；\n"                    \
  "      --region 代替家庭文件里的地区，--today 代替系统日期\n"

/* The command with its streams injected (tests capture them). */
static int screen_main(int argc, char **argv, FILE *out, FILE *err) {
  const char *dir = NULL, *household = NULL, *region_arg = NULL,
             *today_arg = NULL;
  static const struct option opts[] = {
      {"content", required_argument, NULL, 'c'},
      {"household", required_argument, NULL, 'o'},
      {"region", required_argument, NULL, 'r'},
      {"today", required_argument, NULL, 't'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  int ch;
  cli_begin();
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 'c':
      dir = optarg;
      break;
    case 'o':
      household = optarg;
      break;
    case 'r':
      region_arg = optarg;
      break;
    case 't':
      today_arg = optarg;
      break;
    case 'h':
      fputs(SCREEN_USAGE, out);
      return 0;
    default:
      cli_bad_option(err, ch, argv);
      fputs(SCREEN_USAGE, err);
      return 2;
    }
  }
  if (optind < argc || !dir || !household) {
    fputs(SCREEN_USAGE, err);
    return 2;
  }

  int rc = 1;
  content *c = NULL;
  screener *s = NULL;
  cJSON *hh = NULL, *doc = NULL;
  char *hh_text = NULL;
  screener_results res = {0};
  content_problems p;
  content_problems_init(&p);

  if (content_load(dir, &c, &p)) {
    fprintf(err, "内容包“%s”没有通过检查：\n", dir);
    print_problems(err, &p);
    goto out;
  }
  const char *data;
  size_t len;
  if (content_file(c, "screener.json", &data, &len) == KERR_OK) {
    screener_load(data, len, &s, &p);
  } else {
    char path[4096];
    snprintf(path, sizeof path, "%s/screener.json", dir);
    fprintf(err, "提醒：manifest.json 没有列出 screener.json，直接读取了 %s"
                 "（没有核对哈希）。\n", path);
    screener_load_file(path, &s, &p);
  }
  if (!s) {
    fputs("screener.json 没有通过检查：\n", err);
    print_problems(err, &p);
    goto out;
  }
  if (screener_check_content(s, c, &p)) {
    fputs("提醒：screener.json 和内容包对不上：\n", err);
    print_problems(err, &p);
  }

  size_t hl = 0;
  static const json_limits lim = {HOUSEHOLD_MAX_BYTES, 8, 1024, 256};
  json_limits_error jerr;
  hh_text = read_file(household, HOUSEHOLD_MAX_BYTES, &hl);
  if (!hh_text) {
    fprintf(err, "家庭文件“%s”读不出来，或者超过 %u 字节。\n", household,
            HOUSEHOLD_MAX_BYTES);
    goto out;
  }
  if (json_limits_parse(hh_text, hl, &lim, &hh, &jerr)) {
    fprintf(err, "家庭文件第 %zu 行第 %zu 列：%s\n", jerr.line, jerr.column,
            json_limits_fault_str(jerr.fault));
    goto out;
  }
  const cJSON *answers = cJSON_GetObjectItemCaseSensitive(hh, "answers");
  if (!cJSON_IsObject(answers)) {
    fputs("家庭文件里要有“answers”：问题编号对应的回答。\n", err);
    goto out;
  }

  const cJSON *hr = cJSON_GetObjectItemCaseSensitive(hh, "region");
  const char *code = region_arg                ? region_arg
                     : cJSON_IsString(hr)      ? hr->valuestring
                                               : content_region_code(c);
  const content_region *reg = content_region_find(c, code);
  if (!reg) {
    fprintf(err, "内容包里没有地区“%s”。\n", code);
    goto out;
  }
  validate_date today;
  const cJSON *ht = cJSON_GetObjectItemCaseSensitive(hh, "today");
  const char *day = today_arg ? today_arg
                    : cJSON_IsString(ht) ? ht->valuestring
                                         : NULL;
  if (day) {
    if (!parse_day(day, &today)) {
      fprintf(err, "日期“%s”不对，应写成“2025-07-01”这样。\n", day);
      goto out;
    }
  } else {
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    today = (validate_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
  }
  /* The standards in force that day (an announced one only from its date). */
  char day_text[16];
  snprintf(day_text, sizeof day_text, "%04d-%02d-%02d", today.year,
           today.month, today.day);
  screener_standards std;
  screener_standards_init(&std);
  if (screener_standards_from_region(&std, reg, day_text)) {
    fprintf(err, "地区“%s”的标准太多或写法不对。\n", code);
    goto out;
  }
  /* "standards": figures to try that the region has not published. */
  const char *bad = NULL;
  if (screener_standards_what_if(
          &std, reg, cJSON_GetObjectItemCaseSensitive(hh, "standards"),
          &bad)) {
    fprintf(err, "家庭文件的“standards”里“%s”不对：应为不小于0、最多两位小数的数字。\n",
            bad ? bad : "");
    goto out;
  }

  if (screener_run(s, answers, &std, &today, &res)) {
    fputs("内存不足。\n", err);
    goto out;
  }
  doc = cJSON_CreateObject();
  cJSON *ro = cJSON_AddObjectToObject(doc, "region");
  cJSON_AddStringToObject(ro, "code", reg->code);
  cJSON_AddStringToObject(ro, "name", reg->name);
  cJSON_AddStringToObject(doc, "content_version", content_version(c));
  cJSON_AddStringToObject(doc, "likely_title", "可能适用");
  cJSON_AddItemToObject(doc, "likely",
                        match_array(res.likely, res.n_likely, c, 1));
  cJSON_AddStringToObject(doc, "also_title", "也可以了解");
  cJSON_AddItemToObject(doc, "also", match_array(res.also, res.n_also, c, 0));
  cJSON_AddNumberToObject(doc, "undecided_rules", (double)res.undecided);
  char *printed = cJSON_Print(doc);
  if (!printed) {
    fputs("内存不足。\n", err);
    goto out;
  }
  fprintf(out, "%s\n", printed);
  free(printed);
  rc = 0;
out:
  screener_results_free(&res);
  cJSON_Delete(doc);
  cJSON_Delete(hh);
  free(hh_text);
  screener_destroy(s);
  content_destroy(c);
  content_problems_free(&p);
  return rc;
}

int cmd_screen(int argc, char **argv) {
  return screen_main(argc, argv, stdout, stderr);
}
