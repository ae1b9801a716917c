/* `kioskctl form check`: the command function itself (its source is
 * compiled into this test, which links only the core, as kioskctl does) on
 * the default bundle and the answers files in tests/data/form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../tools/kioskctl/cmd_form.c"

#define BUNDLE KIOSK_SOURCE_DIR "/assets/bundle"
#define DATA KIOSK_TEST_DATA "/form"

static char out_text[1 << 18];
static char err_text[1 << 14];

static int run(int argc, char **argv) {
  FILE *out = tmpfile(), *err = tmpfile();
  int rc = form_check_main(argc, argv, out, err);
  rewind(out);
  rewind(err);
  size_t n = fread(out_text, 1, sizeof out_text - 1, out);
  out_text[n] = '\0';
  n = fread(err_text, 1, sizeof err_text - 1, err);
  err_text[n] = '\0';
  fclose(out);
  fclose(err);
  return rc;
}

/* Status of field `id` (member m, or -1) in the printed result. */
static const char *status_of(const cJSON *doc, const char *id, int m) {
  const cJSON *fields = cJSON_GetObjectItem(doc, "fields");
  for (const cJSON *f = fields ? fields->child : NULL; f; f = f->next) {
    const cJSON *mem = cJSON_GetObjectItem(f, "member");
    int fm = mem ? (int)mem->valuedouble : -1;
    if (fm == m && strcmp(cJSON_GetObjectItem(f, "field")->valuestring, id) == 0)
      return cJSON_GetObjectItem(f, "status")->valuestring;
  }
  return "absent";
}

int main(void) {
  char *good[] = {"form", "check", "--content", BUNDLE, "--answers",
                  DATA "/dibao_medical.json"};
  CHECK_INT(run(6, good), 0);
  cJSON *d = cJSON_Parse(out_text);
  CHECK(d != NULL);
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(d, "complete")));
  CHECK_INT(cJSON_GetObjectItem(d, "problems")->valuedouble, 0);
  CHECK_INT(cJSON_GetObjectItem(d, "ignored")->valuedouble, 0);
  CHECK_STR(status_of(d, "applicant_id", -1), "ok");
  CHECK_STR(status_of(d, "signature", 0), "ok");
  CHECK_STR(status_of(d, "signature", 1), "absent"); /* a minor */
  CHECK_STR(status_of(d, "crisis_kind", -1), "absent");
  const cJSON *comp = cJSON_GetObjectItem(d, "computed");
  CHECK_STR(cJSON_GetObjectItem(comp, "income_per_capita")->valuestring,
            "433.33元");
  CHECK_STR(cJSON_GetObjectItem(comp, "applicant_age")->valuestring, "58岁");
  /* Answers are never echoed. */
  CHECK(strstr(out_text, "张建国") == NULL);
  CHECK(strstr(out_text, "13912345678") == NULL);
  cJSON_Delete(d);

  char *bad[] = {"form", "check", "--content", BUNDLE, "--answers",
                 DATA "/dibao_medical_bad.json"};
  CHECK_INT(run(6, bad), 1);
  d = cJSON_Parse(out_text);
  CHECK(d != NULL);
  CHECK(cJSON_IsFalse(cJSON_GetObjectItem(d, "complete")));
  CHECK_INT(cJSON_GetObjectItem(d, "problems")->valuedouble, 5);
  CHECK_INT(cJSON_GetObjectItem(d, "ignored")->valuedouble, 3);
  CHECK_STR(status_of(d, "applicant_id", -1), "invalid");
  CHECK_STR(status_of(d, "applicant_phone", -1), "missing");
  CHECK_STR(status_of(d, "relation", 0), "constraint");
  CHECK_STR(status_of(d, "relation", 1), "constraint");
  CHECK_STR(status_of(d, "savings", -1), "confirm");
  CHECK_STR(status_of(d, "home_address", -1), "absent");
  CHECK(strstr(out_text, "身份证号码有一位填错了") != NULL);
  /* Without the ID number there is no age, so nothing computed from it. */
  CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "computed"),
                            "applicant_age") == NULL);
  cJSON_Delete(d);

  /* --items overrides the file: 临时救助 asks about the crisis instead. */
  char *tmp[] = {"form", "check", "--content", BUNDLE, "--answers",
                 DATA "/dibao_medical.json", "--items", "temporary"};
  CHECK_INT(run(8, tmp), 1);
  d = cJSON_Parse(out_text);
  CHECK_STR(status_of(d, "crisis_kind", -1), "missing");
  CHECK_STR(status_of(d, "income_farming", -1), "absent");
  CHECK(cJSON_GetObjectItem(d, "ignored")->valuedouble > 10);
  cJSON_Delete(d);

  /* Usage and refusals. */
  char *u1[] = {"form", "check", "--content", BUNDLE};
  CHECK_INT(run(4, u1), 2);
  CHECK(strstr(err_text, "用法") != NULL);
  char *u2[] = {"form", "check", "--content", BUNDLE, "--answers"};
  CHECK_INT(run(5, u2), 2);
  char *u3[] = {"form", "check", "--content", BUNDLE, "--answers", DATA "/none.json"};
  CHECK_INT(run(6, u3), 1);
  CHECK(strstr(err_text, "读不出来") != NULL);
  char *u4[] = {"form", "check", "--content", BUNDLE, "--answers",
                DATA "/dibao_medical.json", "--items", "dibao,nosuch"};
  CHECK_INT(run(8, u4), 1);
  CHECK(strstr(err_text, "事项不对") != NULL);
  char *u5[] = {"form", "check", "--content", KIOSK_TEST_DATA "/nosuchbundle",
                "--answers", DATA "/dibao_medical.json"};
  CHECK_INT(run(6, u5), 1);
  char *u6[] = {"form", "check", "--content", BUNDLE, "--answers",
                KIOSK_SOURCE_DIR "/docs/form.md"};
  CHECK_INT(run(6, u6), 1);
  CHECK(strstr(err_text, "答案文件") != NULL);
  return TEST_DONE();
}
