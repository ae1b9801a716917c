/* cmd_form: check a set of answers against the bundle's form, without a
 * kiosk.
 *
 *   kioskctl form check --content DIR --answers FILE.json
 *                       [--items a,b] [--today YYYY-MM-DD]
 *                       [--form referral.json]
 *
 * Loads and checks the bundle in DIR, its form.json (or --form's file: the
 * referral form, referral.json, which has no items) (from the verified
 * bundle; if the manifest does not list it, from DIR directly, with a
 * warning), creates a form for the items (--items, else the file's
 * "items"), loads the file's "answers" (and "confirmed") as if typed on the
 * kiosk, and prints every asked field with its status and message, the
 * computed values, and what was ignored. "Today" comes from --today, the
 * file's "today", or the clock. Answers files are synthetic test data or a
 * case an administrator types in; nothing of them is logged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd_form.h"
#include "core/content.h"
#include "core/form.h"
#include "core/json_limits.h"
#include "core/session.h"
#include "core/validate.h"

#define USAGE                                                                  \
  "用法：kioskctl form check --content 内容包目录 --answers 答案文件.json "     \
  "[--items 事项1,事项2] [--today 年-月-日] [--form 表文件]\n"               \
  "      用内容包的申请表检查一份答案，把每个字段的结果以 JSON 输出；\n"         \
  "      --items 代替答案文件里的事项，--today 代替系统日期，\n"                 \
  "      --form 检查另一张表（如 referral.json，帮别人求助），不写就是 form.json\n"

static void form_print_problems(FILE *err, const content_problems *p) {
  char line[640];
  for (size_t i = 0; i < p->n; i++)
    fprintf(err, "%s\n", content_problems_format(p, i, line, sizeof line));
  if (p->dropped)
    fprintf(err, "……另有 %zu 个问题没有列出\n", p->dropped);
}

/* Reads a whole file of at most max bytes; NULL on failure. */
static char *form_read_file(const char *path, size_t max, size_t *len) {
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

static cJSON *check_json(const form *f, const form_check_list *l,
                         size_t ignored) {
  const form_schema *s = form_get_schema(f);
  cJSON *doc = cJSON_CreateObject();
  cJSON *items = cJSON_AddArrayToObject(doc, "items");
  for (size_t i = 0; i < form_item_count(f); i++)
    cJSON_AddItemToArray(items, cJSON_CreateString(form_item_at(f, i)));
  cJSON_AddBoolToObject(doc, "complete", l->problems == 0);
  cJSON_AddStringToObject(doc, "kind", form_schema_kind(s));
  cJSON_AddBoolToObject(doc, "urgent", form_urgent(f));
  cJSON_AddNumberToObject(doc, "problems", (double)l->problems);
  cJSON_AddNumberToObject(doc, "ignored", (double)ignored);
  cJSON *fields = cJSON_AddArrayToObject(doc, "fields");
  for (size_t i = 0; i < l->n; i++) {
    const form_check_entry *e = &l->a[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "field", e->field->id);
    if (e->member >= 0)
      cJSON_AddNumberToObject(o, "member", e->member);
    cJSON_AddStringToObject(o, "type", form_type_name(e->field->type));
    cJSON_AddStringToObject(o, "status", form_status_name(e->result.status));
    if (e->result.message[0])
      cJSON_AddStringToObject(o, "message", e->result.message);
    cJSON_AddItemToArray(fields, o);
  }
  cJSON *comp = cJSON_AddObjectToObject(doc, "computed");
  char buf[256];
  for (size_t i = 0; i < form_schema_computed_count(s, NULL); i++) {
    const form_computed *cv = form_schema_computed_at(s, NULL, i);
    if (form_computed_display(f, cv, -1, buf, sizeof buf))
      cJSON_AddStringToObject(comp, cv->id, buf);
  }
  return doc;
}

static int parse_day(const char *s, validate_date *d) {
  validate_note note;
  return validate_date_text(s, strlen(s), VALIDATE_DATE_PAST_OK, NULL, d,
                            &note) == KERR_OK;
}

/* The command with its streams injected (tests capture them). */
static int form_check_main(int argc, char **argv, FILE *out, FILE *err) {
  const char *dir = NULL, *answers_path = NULL, *items_arg = NULL,
             *today_arg = NULL, *form_name = "form.json";
  static const struct option opts[] = {
      {"content", required_argument, NULL, 'c'},
      {"answers", required_argument, NULL, 'a'},
      {"items", required_argument, NULL, 'i'},
      {"today", required_argument, NULL, 't'},
      {"form", required_argument, NULL, 'f'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  int ch;
  cli_begin();
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 'c':
      dir = optarg;
      break;
    case 'a':
      answers_path = optarg;
      break;
    case 'i':
      items_arg = optarg;
      break;
    case 't':
      today_arg = optarg;
      break;
    case 'f':
      form_name = optarg;
      break;
    case 'h':
      fputs(USAGE, out);
      return 0;
    default:
      cli_bad_option(err, ch, argv);
      fputs(USAGE, err);
      return 2;
    }
  }
  /* Left: "check" only. */
  if (argc - optind != 1 || strcmp(argv[optind], "check") != 0) {
    fputs(USAGE, err);
    return 2;
  }
  if (!dir || !answers_path) {
    fputs(USAGE, err);
    return 2;
  }

  int rc = 1;
  content *c = NULL;
  form_schema *s = NULL;
  form *f = NULL;
  cJSON *doc = NULL, *outdoc = NULL;
  char *text = NULL, *items_buf = NULL;
  size_t text_len = 0;
  form_check_list list = {0};
  content_problems p;
  content_problems_init(&p);

  if (content_load(dir, &c, &p)) {
    fprintf(err, "内容包“%s”没有通过检查：\n", dir);
    form_print_problems(err, &p);
    goto out;
  }
  const char *data;
  size_t len;
  if (content_file(c, form_name, &data, &len) == KERR_OK) {
    if (form_schema_load(data, len, &s, &p) == KERR_OK &&
        form_schema_check_content(s, c, &p)) {
      form_schema_destroy(s);
      s = NULL;
    }
  } else {
    char path[4096];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/%s", dir, form_name);
    fprintf(err, "提醒：manifest.json 没有列出 %s，直接读取了 %s"
                 "（没有核对哈希）。\n", form_name, path);
    char *t = form_read_file(path, FORM_MAX_BYTES, &n);
    if (t && form_schema_load(t, n, &s, &p) == KERR_OK &&
        form_schema_check_content(s, c, &p)) {
      form_schema_destroy(s);
      s = NULL;
    }
    if (!t)
      fprintf(err, "读不出 %s。\n", path);
    free(t);
  }
  if (!s) {
    fprintf(err, "%s 没有通过检查：\n", form_name);
    form_print_problems(err, &p);
    goto out;
  }

  text = form_read_file(answers_path, FORM_MAX_ANSWERS_BYTES, &text_len);
  if (!text) {
    fprintf(err, "答案文件“%s”读不出来，或者超过 %u 字节。\n", answers_path,
            FORM_MAX_ANSWERS_BYTES);
    goto out;
  }
  static const json_limits lim = {FORM_MAX_ANSWERS_BYTES, 8,
                                   2u * FORM_MAX_SIGNATURE, 400};
  json_limits_error jerr;
  if (json_limits_parse(text, text_len, &lim, &doc, &jerr)) {
    fprintf(err, "答案文件第 %zu 行第 %zu 列：%s\n", jerr.line, jerr.column,
            json_limits_fault_str(jerr.fault));
    goto out;
  }
  const cJSON *answers = cJSON_GetObjectItemCaseSensitive(doc, "answers");
  if (!cJSON_IsObject(answers)) {
    fputs("答案文件里要有“answers”：字段编号对应的回答。\n", err);
    goto out;
  }

  const char *ids[FORM_MAX_ITEMS];
  size_t n_ids = 0;
  if (items_arg) {
    items_buf = strdup(items_arg);
    for (char *q = items_buf ? strtok(items_buf, ",") : NULL; q;
         q = strtok(NULL, ","))
      if (n_ids < FORM_MAX_ITEMS)
        ids[n_ids++] = q;
  } else {
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(doc, "items");
    for (const cJSON *j = cJSON_IsArray(it) ? it->child : NULL; j; j = j->next)
      if (cJSON_IsString(j) && n_ids < FORM_MAX_ITEMS)
        ids[n_ids++] = j->valuestring;
  }
  /* A referral has no items: every field of it is asked. */
  if (n_ids == 0 && strcmp(form_schema_kind(s), FORM_KIND_APPLICATION) == 0) {
    fputs("要说明申请哪些事项：--items dibao,medical，或答案文件里的“items”。\n",
          err);
    goto out;
  }

  validate_date today;
  const cJSON *ht = cJSON_GetObjectItemCaseSensitive(doc, "today");
  const char *day = today_arg ? today_arg
                    : cJSON_IsString(ht) ? ht->valuestring
                                         : NULL;
  if (day) {
    if (!parse_day(day, &today)) {
      fprintf(err, "日期“%s”不对，应写成“2026-11-22”这样。\n", day);
      goto out;
    }
  } else {
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    today = (validate_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
  }

  kerr r = form_create(s, c, ids, n_ids, &today, &f);
  if (r) {
    fprintf(err, "事项不对：每一项都要是内容包目录里的事项编号（%s）。\n",
            kerr_str(r));
    goto out;
  }
  size_t ignored = 0;
  if (form_answers_load(f, answers,
                        cJSON_GetObjectItemCaseSensitive(doc, "confirmed"),
                        &ignored)) {
    fputs("内存不足。\n", err);
    goto out;
  }
  if (form_check_all(f, &list)) {
    fputs("内存不足。\n", err);
    goto out;
  }
  outdoc = check_json(f, &list, ignored);
  char *printed = outdoc ? cJSON_Print(outdoc) : NULL;
  if (!printed) {
    fputs("内存不足。\n", err);
    goto out;
  }
  fprintf(out, "%s\n", printed);
  free(printed);
  rc = list.problems ? 1 : 0;
out:
  form_check_list_free(&list);
  cJSON_Delete(outdoc);
  cJSON_Delete(doc);
  form_destroy(f);
  form_schema_destroy(s);
  content_destroy(c);
  content_problems_free(&p);
  if (text) {
    session_wipe_bytes(text, text_len);
    free(text);
  }
  free(items_buf);
  return rc;
}

int cmd_form(int argc, char **argv) {
  return form_check_main(argc, argv, stdout, stderr);
}
