/* What a department's reviewer is sent of an opened application (scope.h):
 * with the region's form published, a 医保 reviewer gets the applicant's
 * and household's sections, 医疗救助's answers and the contact person, but
 * not 低保's housing and savings, the school costs, the bank card or
 * 民政's item and its events; a 民政 reviewer the reverse; the window and
 * an administrator everything. Before any form is published a reviewer
 * gets the applicant's and household's sections only. What to bring
 * (materials, from the published catalogue) is likewise its items' only,
 * and null before a catalogue is published. Each opening is audited as
 * before. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "srvtest.h"

#define DEV1 "KIOSK-140500-001"
#define ADMIN "admin-140500"
#define PW "correct horse 1"

static srvtest t;

static srvtest_resp call(const char *method, const char *path,
                         const char *body, const char *cookie,
                         const char *cert) {
  srvtest_req rq = {.method = method, .path = path, .body = body,
                    .content_type = body ? "application/json" : NULL,
                    .cookie = cookie, .cert = cert};
  srvtest_resp r;
  if (srvtest_do(&t, &rq, &r) != 0) {
    memset(&r, 0, sizeof r);
    r.status = -1;
  }
  return r;
}

static int login(const char *id, char cookie[200]) {
  char body[200];
  snprintf(body, sizeof body, "{\"id\":\"%s\",\"password\":\"" PW "\"}", id);
  srvtest_resp r = call("POST", "/api/console/login", body, NULL, NULL);
  int ok = r.status == 200;
  cookie[0] = '\0';
  if (ok) {
    char *semi = strchr(r.set_cookie, ';');
    snprintf(cookie, 200, "%.*s",
             (int)(semi ? semi - r.set_cookie : (long)strlen(r.set_cookie)),
             r.set_cookie);
  }
  srvtest_resp_free(&r);
  return ok;
}

/* The raw body of GET /api/console/applications/{uuid} (malloc'ed), and
 * its parsed JSON in *j; NULL unless 200. */
static char *open_app(const char *cookie, const char *uuid, cJSON **j) {
  char path[200];
  snprintf(path, sizeof path, "/api/console/applications/%s", uuid);
  srvtest_resp r = call("GET", path, NULL, cookie, NULL);
  char *body = r.status == 200 && r.body ? strdup(r.body) : NULL;
  *j = body ? cJSON_Parse(body) : NULL;
  srvtest_resp_free(&r);
  return body;
}

/* The rows of section title as "label=value;..." ("-" if absent). */
static void section(const cJSON *j, const char *title, char *out,
                    size_t cap) {
  const cJSON *s, *r;
  snprintf(out, cap, "-");
  cJSON_ArrayForEach(s, cJSON_GetObjectItem(j, "display")) {
    if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(s, "section")),
               title) != 0)
      continue;
    out[0] = '\0';
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(s, "rows")) {
      size_t n = strlen(out);
      snprintf(out + n, cap - n, "%s=%s;",
               cJSON_GetStringValue(cJSON_GetObjectItem(r, "label")),
               cJSON_GetStringValue(cJSON_GetObjectItem(r, "value")));
    }
  }
}

/* The item ids of the answer, "a,b". */
static void items(const cJSON *j, char *out, size_t cap) {
  const cJSON *e;
  out[0] = '\0';
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "items")) {
    size_t n = strlen(out);
    snprintf(out + n, cap - n, "%s%s", n ? "," : "",
             cJSON_GetStringValue(cJSON_GetObjectItem(e, "id")));
  }
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *p = malloc(1 << 20);
  *len = p ? fread(p, 1, (1 << 20) - 1, f) : 0;
  fclose(f);
  if (p)
    p[*len] = '\0';
  return p;
}

static const char EXTRA[] =
    "[{\"section\":\"看病和上学的花费\",\"rows\":["
    "{\"label\":\"都参加了医保\",\"value\":\"参加了医保甲\"},"
    "{\"label\":\"近12个月看病自付\",\"value\":\"8123元\"},"
    "{\"label\":\"一年上学花费\",\"value\":\"上学花费乙3000元\"}]},"
    "{\"section\":\"住房和财产\",\"rows\":["
    "{\"label\":\"住房情况\",\"value\":\"住房丙\"},"
    "{\"label\":\"存款和现金\",\"value\":\"存款丁5000元\"}]},"
    "{\"section\":\"银行卡和联系人\",\"rows\":["
    "{\"label\":\"银行卡号\",\"value\":\"6222020000000000123\"},"
    "{\"label\":\"其他联系人\",\"value\":\"联系人戊\"}]},"
    "{\"section\":\"同意和签名\",\"rows\":["
    "{\"label\":\"同意核对收入和财产\",\"value\":\"同意核对己\"},"
    "{\"label\":\"保证填写属实\",\"value\":\"保证庚\"}]}]";

int main(void) {
  char w1[200], ryb[200], rmz[200], adm[200], buf[2000], ids[200];
  srvtest_app a;
  CHECK(srvtest_start(&t, "scope", NULL) == 0);
  CHECK(srvtest_staff_add(&t, "W1", "窗口甲", PW, "window", "window", 0) == 0);
  CHECK(srvtest_staff_add(&t, "RYB", "医保丙", PW, "reviewer", "yibao", 0) ==
        0);
  CHECK(srvtest_staff_add(&t, "RMZ", "民政乙", PW, "reviewer", "mzj", 0) == 0);
  CHECK(srvtest_staff_add(&t, "ADM", "管理戊", PW, "admin", NULL, 0) == 0);
  CHECK(login("W1", w1) && login("RYB", ryb) && login("RMZ", rmz) &&
        login("ADM", adm));

  /* 低保 + 医疗救助, with answers for both and for items not asked. */
  CHECK(srvtest_app_make_display(&a, DEV1, 1, 0, EXTRA) == 0);
  srvtest_resp r = call("POST", "/v1/applications", a.json, NULL, DEV1);
  CHECK_INT(r.status, 201);
  srvtest_resp_free(&r);
  /* The window accepts both; 民政 moves 低保 on with a note. */
  char path[200];
  snprintf(path, sizeof path, "/api/console/applications/%s/status", a.uuid);
  r = call("POST", path, "{\"status\":\"accepted\",\"note\":\"\"}", w1, NULL);
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);
  r = call("POST", path,
           "{\"item\":\"dibao\",\"status\":\"reviewing\",\"note\":"
           "\"入户调查安排在周三辛\"}",
           rmz, NULL);
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);

  /* No form published yet: the reviewer gets the applicant only (and
   * the household, which this payload has not). */
  cJSON *j;
  char *body = open_app(ryb, a.uuid, &j);
  CHECK(body != NULL);
  section(j, "申请人", buf, sizeof buf);
  CHECK(strstr(buf, "姓名=测试申请人1;") != NULL);
  CHECK(strstr(buf, "联系电话=13800000000;") != NULL);
  CHECK(body && !strstr(body, "参加了医保甲") && !strstr(body, "存款丁") &&
        !strstr(body, "12000"));
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "scoped")));
  CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "scope_form")));
  CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "materials"))); /* no catalogue */
  items(j, ids, sizeof ids);
  CHECK_STR(ids, "medical");
  free(body);
  cJSON_Delete(j);

  /* The region's form (the shipped one) published. */
  unsigned char sk[64];
  CHECK(srvtest_admin_key(sk) == 0);
  size_t flen = 0;
  char *form = slurp(KIOSK_SOURCE_DIR "/assets/bundle/form.json", &flen);
  CHECK(form != NULL);
  size_t clen = 0;
  char *cat = slurp(KIOSK_SOURCE_DIR "/assets/bundle/catalogue.json", &clen);
  CHECK(cat != NULL);
  const char *paths[] = {"form.json", "catalogue.json"};
  const char *datas[] = {form, cat};
  size_t lens[] = {flen, clen};
  char *pub = srvtest_publish_files("2026.12.1", 2, paths, datas, lens, sk);
  r = call("POST", "/v1/content", pub, NULL, ADMIN);
  CHECK_INT(r.status, 201);
  srvtest_resp_free(&r);
  free(pub);
  free(form);
  free(cat);

  /* 医保: identity whole, 医疗救助's rows and what every item asks. */
  body = open_app(ryb, a.uuid, &j);
  CHECK(body != NULL);
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "scope_form")));
  section(j, "申请人", buf, sizeof buf);
  CHECK(strstr(buf, "姓名=测试申请人1;") != NULL);
  CHECK(strstr(buf, "居住地址=") != NULL);
  section(j, "看病和上学的花费", buf, sizeof buf);
  CHECK_STR(buf, "都参加了医保=参加了医保甲;近12个月看病自付=8123元;");
  section(j, "住房和财产", buf, sizeof buf);
  CHECK_STR(buf, "-");
  section(j, "银行卡和联系人", buf, sizeof buf);
  CHECK_STR(buf, "其他联系人=联系人戊;");
  section(j, "同意和签名", buf, sizeof buf);
  CHECK_STR(buf, "保证填写属实=保证庚;");
  section(j, "家庭经济状况", buf, sizeof buf); /* not a section of the form */
  CHECK_STR(buf, "-");
  items(j, ids, sizeof ids);
  CHECK_STR(ids, "medical");
  /* Nothing of 低保's anywhere in what was sent. */
  CHECK(body && !strstr(body, "上学花费乙") && !strstr(body, "存款丁") &&
        !strstr(body, "住房丙") && !strstr(body, "6222020000000000123") &&
        !strstr(body, "同意核对己") && !strstr(body, "入户调查安排在周三辛") &&
        !strstr(body, "\"dibao\""));
  CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "signatures")) >= 1);
  CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "other_items")), 1);
  /* What to bring: its own item's, from the published catalogue. */
  const cJSON *mats = cJSON_GetObjectItem(j, "materials");
  CHECK_INT(cJSON_GetArraySize(mats), 1);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(
                cJSON_GetArrayItem(mats, 0), "item")), "medical");
  CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(
                cJSON_GetArrayItem(mats, 0), "materials"), 1)), "医保卡或社保卡");
  free(body);
  cJSON_Delete(j);
  /* Nor in the timeline a status change of its own answers with. */
  r = call("POST", path,
           "{\"item\":\"medical\",\"status\":\"reviewing\",\"note\":\"\"}",
           ryb, NULL);
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, "\"timeline\"") &&
        !strstr(r.body, "入户调查安排在周三辛"));
  srvtest_resp_free(&r);

  /* 民政: 低保's rows, not 医疗救助's own. */
  body = open_app(rmz, a.uuid, &j);
  CHECK(body != NULL);
  section(j, "住房和财产", buf, sizeof buf);
  CHECK_STR(buf, "住房情况=住房丙;存款和现金=存款丁5000元;");
  section(j, "银行卡和联系人", buf, sizeof buf);
  CHECK_STR(buf, "银行卡号=6222020000000000123;其他联系人=联系人戊;");
  section(j, "看病和上学的花费", buf, sizeof buf);
  CHECK_STR(buf, "-");
  section(j, "同意和签名", buf, sizeof buf);
  CHECK_STR(buf, "同意核对收入和财产=同意核对己;保证填写属实=保证庚;");
  items(j, ids, sizeof ids);
  CHECK_STR(ids, "dibao");
  CHECK(body && strstr(body, "入户调查安排在周三辛") != NULL);
  free(body);
  cJSON_Delete(j);

  /* The window and the administrator: everything. */
  const char *all[] = {w1, adm};
  for (int k = 0; k < 2; k++) {
    body = open_app(all[k], a.uuid, &j);
    CHECK(body != NULL);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "scoped")));
    CHECK(body && strstr(body, "上学花费乙") && strstr(body, "存款丁") &&
          strstr(body, "参加了医保甲") && strstr(body, "6222020000000000123") &&
          strstr(body, "12000") && strstr(body, "入户调查安排在周三辛"));
    items(j, ids, sizeof ids);
    CHECK_STR(ids, "dibao,medical");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "materials")), 2);
    free(body);
    cJSON_Delete(j);
  }

  /* Every opening audited, as before: 2 by the 医保 reviewer. */
  r = call("GET", "/api/console/audit", NULL, adm, NULL);
  CHECK_INT(r.status, 200);
  int opens_ryb = 0;
  cJSON *au = cJSON_Parse(r.body ? r.body : "");
  const cJSON *e;
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(au, "entries")) {
    opens_ryb +=
        strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "action")),
               "open") == 0 &&
        strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "staff_id")),
               "RYB") == 0;
  }
  CHECK_INT(opens_ryb, 2);
  cJSON_Delete(au);
  srvtest_resp_free(&r);

  srvtest_app_free(&a);
  CHECK_INT(srvtest_stop(&t), 0);
  return TEST_DONE();
}
