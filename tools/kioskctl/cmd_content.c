/* cmd_content: the administrator's view of a content bundle.
 *
 *   kioskctl content check DIR [--today YYYY-MM-DD]
 *       loads DIR exactly as the kiosk would, prints every problem as
 *       "file: JSON path: reason" and exits 1 if there is any (an expired
 *       bundle counts as a problem; --today replaces the system date).
 *   kioskctl content show DIR [--region CODE] [--item ID] [--today DATE]
 *       prints a readable summary: items by layer, each region's standards
 *       with unit, date and source, marking those still to come or already
 *       replaced on that day; with --item, every word of one item, to
 *       proofread it.
 *   kioskctl content rehash DIR
 *       after editing data files: recomputes every listed file's size and
 *       SHA-256 in manifest.json.
 * Labels come from the bundle's own strings where it has them. */
#include "cmd_content.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/content.h"
#include "core/log.h"

/* The usage of subcommand sub (all three if it is none of them). */
static void usage(FILE *f, const char *sub) {
  static const char *const lines[][2] = {
      {"check", "  kioskctl content check 目录 [--today 年-月-日]\n"
                "      检查内容包，列出所有问题；--today 代替系统日期判断是否过期\n"},
      {"show", "  kioskctl content show 目录 [--region 地区代码] [--item 编号] [--today 年-月-日]\n"
               "      显示内容包摘要；--region 只显示一个地区的标准，--item 显示一项救助的全文；\n"
               "      --today 代替系统日期，标出哪些标准以后执行、哪些已被取代\n"},
      {"rehash", "  kioskctl content rehash 目录\n"
                 "      改完数据文件后，重新计算清单里每个文件的大小和 SHA-256\n"},
  };
  int known = 0;
  for (size_t i = 0; i < 3; i++)
    known |= strcmp(sub, lines[i][0]) == 0;
  fputs("用法：\n", f);
  for (size_t i = 0; i < 3; i++)
    if (!known || strcmp(sub, lines[i][0]) == 0)
      fputs(lines[i][1], f);
}

static void print_problems(const content_problems *p) {
  char line[700];
  for (size_t i = 0; i < p->n; i++)
    printf("%s\n", content_problems_format(p, i, line, sizeof line));
  if (p->dropped)
    printf("（另有 %zu 个问题没有列出）\n", p->dropped);
}

/* Writes s with "{name}" replaced by value into buf. */
static const char *fill(const char *s, const char *name, const char *value,
                        char *buf, size_t size) {
  char pat[40];
  snprintf(pat, sizeof pat, "{%s}", name);
  const char *at = strstr(s, pat);
  if (!at)
    snprintf(buf, size, "%s", s);
  else
    snprintf(buf, size, "%.*s%s%s", (int)(at - s), s, value, at + strlen(pat));
  return buf;
}

static const char *money(int64_t fen, char *buf, size_t size) {
  if (fen % 100 == 0)
    snprintf(buf, size, "%" PRId64, fen / 100);
  else
    snprintf(buf, size, "%" PRId64 ".%02" PRId64, fen / 100, fen % 100);
  return buf;
}

static int do_check(const char *dir, const char *today) {
  content_problems p;
  content_problems_init(&p);
  content *c = NULL;
  char date[11];
  if (!today) {
    cli_today(date);
    today = date;
  }
  printf("检查内容包：%s\n", dir);
  content_load(dir, &c, &p);
  if (c && content_expired(c, today))
    content_problems_add(&p, CONTENT_P_EXPIRED, "manifest.json", "$.expires",
                         "内容包已于 %s 过期（今天是 %s），请发布新的内容包",
                         content_expires(c), today);
  /* A source cannot have reported a standard as current on a day still to
   * come: a later date must be announced (the day it takes effect). */
  for (size_t i = 0; c && i < content_region_count(c); i++) {
    const content_region *r = content_region_at(c, i);
    for (size_t j = 0; j < r->n_standards; j++) {
      const content_standard *st = &r->standards[j];
      if (!st->effective_announced && strcmp(st->effective, today) > 0) {
        char path[96];
        snprintf(path, sizeof path, "$.regions[%zu].standards[%zu].effective",
                 i, j);
        content_problems_add(&p, CONTENT_P_VALUE, "regions.json", path,
                             "“%s”的日期 %s 还没到（今天是 %s）：资料报道的日期"
                             "不会在今天以后；如果这是以后执行的新标准，"
                             "effective_basis 请写“announced”",
                             st->key, st->effective, today);
      }
    }
  }
  /* Warnings, not problems: an amount in force that was reported more than
   * a year ago is probably out of date (standards rise most years). Ratios
   * and yes/no rules (the 1.5 of the marginal line) do not age that way;
   * an entry already replaced by a newer one, or still to come, is not the
   * one people see. */
  for (size_t i = 0; c && i < content_region_count(c); i++) {
    const content_region *r = content_region_at(c, i);
    for (size_t j = 0; j < r->n_standards; j++) {
      const content_standard *st = &r->standards[j];
      if (!content_standard_in_force(r, st, today))
        continue;
      char year_later[32];
      int y = atoi(st->effective);
      snprintf(year_later, sizeof year_later, "%04d%s", y + 1,
               st->effective + 4);
      int amount = st->unit != CONTENT_UNIT_RATIO &&
                   st->unit != CONTENT_UNIT_YES_NO;
      if (st->has_value && amount && strcmp(year_later, today) < 0)
        printf("提醒：%s（%s）的“%s”（%s）是 %s 的，已经超过一年，"
               "请核对有没有新标准。\n",
               r->name, r->code, st->label, st->key, st->effective);
    }
  }
  int status = 0;
  if (content_problems_count(&p) > 0) {
    print_problems(&p);
    printf("共发现 %zu 个问题，这个内容包不能使用。\n", content_problems_count(&p));
    status = 1;
  } else {
    printf("内容包完好：版本 %s，地区 %s（%s），有效期至 %s；"
           "%zu 个文件，%zu 项救助，%zu 个地区，%zu 条界面文字，%zu 个图标。\n",
           content_version(c), content_region_name(c), content_region_code(c),
           content_expires(c), content_file_count(c), content_item_count(c),
           content_region_count(c), content_string_count(c), content_icon_count(c));
  }
  content_destroy(c);
  content_problems_free(&p);
  return status;
}

static void show_region(const content *c, const content_region *r,
                        const char *today) {
  char a[32], b[32], range[80], line[400];
  printf("\n地区：%s（%s，%s）  咨询电话：%s（%s）\n", r->name, r->code, r->province,
         r->hotline, r->hotline_name);
  printf("  到哪里办：%s\n", r->where_to_apply);
  for (size_t i = 0; i < r->n_standards; i++) {
    const content_standard *s = &r->standards[i];
    const char *when = content_standard_in_force(r, s, today) ? ""
                       : strcmp(s->effective, today) > 0 ? "（以后执行）"
                                                         : "（已被新标准取代）";
    printf("  · %s%s：", s->label, when);
    if (!s->has_value) {
      printf("暂无数字\n");
    } else {
      money(s->value_fen, a, sizeof a);
      if (s->has_max) {
        money(s->max_fen, b, sizeof b);
        fill(content_string(c, "policy.range"), "min", a, line, sizeof line);
        fill(line, "max", b, range, sizeof range);
      } else {
        snprintf(range, sizeof range, "%s", a);
      }
      int64_t m;
      if (content_standard_monthly_yuan(s, &m) == KERR_OK) {
        char yuan[32];
        snprintf(yuan, sizeof yuan, "%lld", (long long)m);
        printf("%s %s%s\n", range, content_unit_label(c, s->unit),
               fill(content_string(c, "policy.monthly"), "amount", yuan, line,
                    sizeof line));
      } else {
        printf("%s %s\n", range, content_unit_label(c, s->unit));
      }
    }
    const char *key = s->effective_announced ? "policy.effective_announced"
                                             : "policy.effective_reported";
    printf("      %s；", fill(content_string(c, key), "date", s->effective, line,
                              sizeof line));
    printf("%s\n", fill(content_string(c, "policy.source"), "source", s->source, line,
                        sizeof line));
    if (s->note[0])
      printf("      %s\n", s->note);
  }
  printf("  %s\n", r->notice);
}

static void show_item(const content *c, const content_item *it) {
  printf("%s（%s，编号 %s）\n", it->name, it->short_name, it->id);
  printf("%s：%s\n", content_string(c, "policy.summary"), it->summary);
  printf("层级：%s  图标：%s\n", content_layer_label(c, it->layer), it->icon);
  printf("%s：%s\n", content_string(c, "policy.for_whom"), it->for_whom);
  printf("%s：%s\n", content_string(c, "policy.gives"), it->gives);
  printf("%s：\n", content_string(c, "policy.conditions"));
  for (size_t i = 0; i < it->n_conditions; i++)
    printf("  %zu. %s\n", i + 1, it->conditions[i]);
  printf("%s：\n", content_string(c, "policy.materials"));
  for (size_t i = 0; i < it->n_materials; i++)
    printf("  %zu. %s\n", i + 1, it->materials[i]);
  printf("%s：\n", content_string(c, "policy.process"));
  for (size_t i = 0; i < it->n_steps; i++)
    printf("  %zu. %s（%s）%s\n", i + 1, it->steps[i].name, it->steps[i].time_limit,
           it->steps[i].detail);
  printf("%s：%s\n", content_string(c, "policy.where"), it->where_to_apply);
  printf("%s：%s\n", content_string(c, "policy.hotline"), it->hotline);
  printf("%s：\n", content_string(c, "policy.legal_basis"));
  for (size_t i = 0; i < it->n_laws; i++)
    printf("  %s（%s）\n", it->laws[i].title, it->laws[i].date);
  if (it->n_standard_keys) {
    printf("%s：", content_string(c, "policy.standards"));
    for (size_t i = 0; i < it->n_standard_keys; i++)
      printf("%s%s", i ? "、" : "", it->standard_keys[i]);
    printf("\n");
  }
}

static int do_show(const char *dir, const char *region, const char *item,
                   const char *today) {
  content_problems p;
  content_problems_init(&p);
  content *c = NULL;
  int status = 0;
  char date[11];
  if (!today) {
    cli_today(date);
    today = date;
  }
  if (content_load(dir, &c, &p) != KERR_OK) {
    print_problems(&p);
    printf("共发现 %zu 个问题，这个内容包不能使用。\n", content_problems_count(&p));
    status = 1;
    goto out;
  }
  if (item) {
    const content_item *it = content_item_find(c, item);
    if (!it) {
      printf("内容包里没有编号为 %s 的救助项目。\n", item);
      status = 1;
    } else {
      show_item(c, it);
    }
    goto out;
  }
  if (region && !content_region_find(c, region)) {
    printf("内容包里没有地区 %s。\n", region);
    status = 1;
    goto out;
  }
  printf("内容包 %s  版本 %s  地区 %s（%s）  发布 %s  有效期至 %s\n", dir,
         content_version(c), content_region_name(c), content_region_code(c),
         content_issued(c), content_expires(c));
  printf("%zu 个文件，%zu 项救助，%zu 个地区，%zu 条界面文字，%zu 个图标\n",
         content_file_count(c), content_item_count(c), content_region_count(c),
         content_string_count(c), content_icon_count(c));
  for (int l = 0; l < CONTENT_LAYER_COUNT; l++) {
    printf("\n【%s】\n", content_layer_label(c, (content_layer)l));
    for (size_t i = 0; i < content_item_count(c); i++) {
      const content_item *it = content_item_at(c, i);
      if (it->layer != (content_layer)l)
        continue;
      printf("  %s（%s，%s）：%s\n", it->name, it->short_name, it->id, it->summary);
      printf("      条件 %zu 条，材料 %zu 项，步骤 %zu 步，依据 %zu 条\n",
             it->n_conditions, it->n_materials, it->n_steps, it->n_laws);
    }
  }
  for (size_t i = 0; i < content_region_count(c); i++) {
    const content_region *r = content_region_at(c, i);
    if (!region || strcmp(region, r->code) == 0)
      show_region(c, r, today);
  }
out:
  content_destroy(c);
  content_problems_free(&p);
  return status;
}

static int do_rehash(const char *dir) {
  content_problems p;
  content_problems_init(&p);
  int status = 0;
  if (content_rehash(dir, &p) != KERR_OK) {
    print_problems(&p);
    printf("清单没有修改。\n");
    status = 1;
  } else {
    printf("已更新 %s/manifest.json 里每个文件的大小和 SHA-256。\n", dir);
  }
  content_problems_free(&p);
  return status;
}

int cmd_content(int argc, char **argv) {
  static const struct option opts[] = {
      {"today", required_argument, NULL, 't'},
      {"region", required_argument, NULL, 'r'},
      {"item", required_argument, NULL, 'i'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  const char *sub = argc > 1 ? argv[1] : "";
  const char *today = NULL, *region = NULL, *item = NULL;
  int ch;
  cli_begin();
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 't':
      today = optarg;
      break;
    case 'r':
      region = optarg;
      break;
    case 'i':
      item = optarg;
      break;
    case 'h':
      usage(stdout, sub);
      return 0;
    default:
      cli_bad_option(stderr, ch, argv);
      usage(stderr, sub);
      return 2;
    }
  }
  /* Left: the subcommand and the folder. */
  int is_check = strcmp(sub, "check") == 0, is_show = strcmp(sub, "show") == 0;
  if (today && !is_check && !is_show)
    fputs("--today 只能用在 content check 和 content show。\n", stderr);
  if ((region || item) && !is_show)
    fputs("--region 和 --item 只能用在 content show。\n", stderr);
  if (argc - optind != 2 || (today && !is_check && !is_show) ||
      ((region || item) && !is_show)) {
    usage(stderr, sub);
    return 2;
  }
  const char *dir = argv[optind + 1];
  log_set_level(LOG_ERROR); /* this command prints every problem itself */
  if (today && !content_date_valid(today)) {
    fprintf(stderr, "日期“%s”不对，应写成“2026-11-22”这样。\n", today);
    return 2;
  }
  if (is_check)
    return do_check(dir, today);
  if (is_show)
    return do_show(dir, region, item, today);
  if (strcmp(sub, "rehash") == 0)
    return do_rehash(dir);
  usage(stderr, sub);
  return 2;
}
