/* `kioskctl screen`: the command function itself (its source is compiled
 * into this test, which links only the core, as kioskctl does) on a copy of
 * the default bundle with screener.json listed in its manifest. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "../tools/kioskctl/cmd_screen.c"

static char dir[256];

static int copy_file(const char *from, const char *to) {
  size_t n;
  char *buf = read_file(from, 8u << 20, &n);
  FILE *f = buf ? fopen(to, "wb") : NULL;
  int ok = f && fwrite(buf, 1, n, f) == n;
  if (f)
    ok &= fclose(f) == 0;
  free(buf);
  return ok;
}

/* Copies assets/bundle into dir; lists screener.json in the manifest when
 * `list_screener`; rehashes. */
static int make_bundle(int list_screener) {
  DIR *d = opendir(KIOSK_SOURCE_DIR "/assets/bundle");
  struct dirent *e;
  if (!d)
    return 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/assets/bundle/%s", KIOSK_SOURCE_DIR, e->d_name);
    snprintf(b, sizeof b, "%s/%s", dir, e->d_name);
    CHECK(copy_file(a, b));
  }
  closedir(d);
  char mpath[512];
  size_t n;
  snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
  char *text = read_file(mpath, 1 << 20, &n);
  cJSON *m = text ? cJSON_Parse(text) : NULL;
  free(text);
  if (!m)
    return 0;
  cJSON *files = cJSON_GetObjectItem(m, "files");
  int listed = 0;
  for (cJSON *f = files ? files->child : NULL; f; f = f->next) {
    cJSON *p = cJSON_GetObjectItem(f, "path");
    if (cJSON_IsString(p) && strcmp(p->valuestring, "screener.json") == 0)
      listed = 1;
  }
  if (list_screener && !listed) {
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "path", "screener.json");
    cJSON_AddItemToArray(files, f);
  }
  if (!list_screener && listed) {
    int i = 0;
    for (cJSON *f = files->child; f; f = f->next, i++)
      if (strcmp(cJSON_GetObjectItem(f, "path")->valuestring, "screener.json") == 0)
        break;
    cJSON_DeleteItemFromArray(files, i);
  }
  char *out = cJSON_Print(m);
  FILE *f = fopen(mpath, "wb");
  fputs(out, f);
  fclose(f);
  free(out);
  cJSON_Delete(m);
  content_problems p;
  content_problems_init(&p);
  kerr r = content_rehash(dir, &p);
  print_problems(stderr, &p);
  content_problems_free(&p);
  return r == KERR_OK;
}

/* Runs the command; returns its status; *json gets stdout parsed. */
static int run(const char *household, const char *extra1, const char *extra2,
               cJSON **json, char *errbuf, size_t errcap) {
  char hpath[512];
  snprintf(hpath, sizeof hpath, "%s/screener/%s", KIOSK_TEST_DATA, household);
  char *argv[8] = {"screen", "--content", dir, "--household", hpath};
  int argc = 5;
  if (extra1)
    argv[argc++] = (char *)extra1;
  if (extra2)
    argv[argc++] = (char *)extra2;
  FILE *out = tmpfile(), *err = tmpfile();
  int rc = screen_main(argc, argv, out, err);
  size_t n;
  rewind(out);
  char *buf = calloc(1, 1 << 16);
  n = fread(buf, 1, (1 << 16) - 1, out);
  buf[n] = '\0';
  *json = cJSON_Parse(buf);
  rewind(err);
  n = fread(errbuf, 1, errcap - 1, err);
  errbuf[n] = '\0';
  if (n)
    fprintf(stderr, "  [%s] %s", household, errbuf);
  free(buf);
  fclose(out);
  fclose(err);
  return rc;
}

static const cJSON *find_item(const cJSON *doc, const char *list,
                              const char *id) {
  const cJSON *a = cJSON_GetObjectItem(doc, list);
  for (const cJSON *o = a ? a->child : NULL; o; o = o->next)
    if (strcmp(cJSON_GetObjectItem(o, "id")->valuestring, id) == 0)
      return o;
  return NULL;
}

int main(void) {
  char errs[4096];
  cJSON *doc = NULL;
  snprintf(dir, sizeof dir, "%s", "/tmp/kiosk-screen-XXXXXX");
  CHECK(mkdtemp(dir) != NULL);
  CHECK(make_bundle(1));

  /* Jincheng illness family: the names come from the catalogue. */
  CHECK_INT(run("jincheng_illness.json", NULL, NULL, &doc, errs, sizeof errs), 0);
  CHECK(doc != NULL);
  if (doc) {
    CHECK_STR(cJSON_GetObjectItem(doc, "likely_title")->valuestring, "可能适用");
    CHECK_STR(cJSON_GetObjectItem(doc, "also_title")->valuestring, "也可以了解");
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "region"), "name")->valuestring,
              "晋城市");
    const cJSON *dibao = find_item(doc, "likely", "dibao");
    CHECK(dibao != NULL);
    if (dibao) {
      CHECK_STR(cJSON_GetObjectItem(dibao, "name")->valuestring, "最低生活保障");
      const cJSON *r = cJSON_GetObjectItem(dibao, "reasons");
      CHECK(cJSON_GetArraySize(r) >= 1);
      CHECK(strstr(cJSON_GetArrayItem(r, 0)->valuestring, "655元") != NULL);
    }
    CHECK(find_item(doc, "also", "charity") != NULL);
    char *all = cJSON_PrintUnformatted(doc);
    CHECK(all && strstr(all, "不符合") == NULL);
    free(all);
  }
  cJSON_Delete(doc);

  /* The car family is in Hebi: its region is taken from the file. The ill
   * father may apply for dibao alone; the marginal-family status is listed
   * but not pre-selected, and says to apply for dibao first. */
  CHECK_INT(run("hebi_car_ill.json", NULL, NULL, &doc, errs, sizeof errs), 0);
  if (doc) {
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "region"), "code")->valuestring,
              "410600");
    const cJSON *dibao = find_item(doc, "likely", "dibao");
    const cJSON *dibian = find_item(doc, "likely", "dibian");
    CHECK(dibao && cJSON_IsTrue(cJSON_GetObjectItem(dibao, "preselected")));
    CHECK(dibian && cJSON_IsFalse(cJSON_GetObjectItem(dibian, "preselected")));
    const cJSON *first = dibian ? cJSON_GetObjectItem(dibian, "apply_first") : NULL;
    CHECK(cJSON_IsString(first) && strcmp(first->valuestring, "dibao") == 0);
    const cJSON *why =
        dibian ? cJSON_GetObjectItem(dibian, "apply_first_reason") : NULL;
    CHECK(cJSON_IsString(why) && strstr(why->valuestring, "先申请最低生活保障"));
  }
  cJSON_Delete(doc);

  /* --region overrides: the illness family under Hebi's rural standard
   * (500): 425 a head after medical costs is still below it. */
  CHECK_INT(run("jincheng_illness.json", "--region", "410600", &doc, errs,
                sizeof errs), 0);
  if (doc) {
    const cJSON *dibao = find_item(doc, "likely", "dibao");
    char *txt = dibao ? cJSON_PrintUnformatted(dibao) : NULL;
    CHECK(txt && strstr(txt, "500元"));
    free(txt);
  }
  cJSON_Delete(doc);

  /* Errors. */
  CHECK_INT(run("jincheng_illness.json", "--region", "999999", &doc, errs,
                sizeof errs), 1);
  CHECK(strstr(errs, "999999") != NULL);
  cJSON_Delete(doc);
  CHECK_INT(run("no_such_file.json", NULL, NULL, &doc, errs, sizeof errs), 1);
  cJSON_Delete(doc);
  CHECK_INT(run("jincheng_illness.json", "--today", "2025-02-30", &doc, errs,
                sizeof errs), 1);
  cJSON_Delete(doc);
  CHECK_INT(run("jincheng_illness.json", "--bogus", NULL, &doc, errs,
                sizeof errs), 2);
  cJSON_Delete(doc);

  /* A manifest that does not list screener.json: read directly, warned. */
  CHECK(make_bundle(0));
  CHECK_INT(run("jincheng_fire.json", NULL, NULL, &doc, errs, sizeof errs), 0);
  CHECK(strstr(errs, "manifest.json") != NULL);
  CHECK(doc && find_item(doc, "likely", "temporary") != NULL);
  cJSON_Delete(doc);

  /* Clean up the bundle copy. */
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  if (d)
    closedir(d);
  rmdir(dir);
  return TEST_DONE();
}
