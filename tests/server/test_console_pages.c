/* Photographed pages (the sealed payload's "attachments") end to end on the
 * real server over TLS: an application with two synthetic JPEG pages is
 * sealed, submitted and opened in the console; its view lists the pages
 * without their bytes; each page's JPEG comes back byte for byte with
 * Content-Type image/jpeg and Cache-Control no-store, and is audited like
 * the opening. A reviewer gets only the pages serving its department's
 * items (another item's page is 404, like a missing one). Malformed pages
 * (bad base64, not a JPEG, 25 pages, wrong fields) and a sealed box over
 * 8 MiB are refused with a clear error and nothing is stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "pagestest.h"
#include "srvtest.h"

#define DEV1 "KIOSK-140500-001"
#define PW "correct horse 1"
#define ID_MAT "全家人的身份证、户口本"
#define MED_MAT "病历、医疗费用票据"

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
  if (ok)
    snprintf(cookie, 200, "%.*s", (int)strcspn(r.set_cookie, ";"),
             r.set_cookie);
  srvtest_resp_free(&r);
  return ok;
}

static cJSON *open_app(const char *cookie, const char *uuid, long *status) {
  char path[200];
  snprintf(path, sizeof path, "/api/console/applications/%s", uuid);
  srvtest_resp r = call("GET", path, NULL, cookie, NULL);
  *status = r.status;
  cJSON *j = r.status == 200 ? cJSON_Parse(r.body) : NULL;
  srvtest_resp_free(&r);
  return j;
}

/* One page's answer, with its Cache-Control (srvtest_do does not keep
 * that header). */
typedef struct page_resp {
  long status;
  unsigned char *body;
  size_t len;
  char ctype[128], cache[128];
} page_resp;

static size_t page_body(char *p, size_t sz, size_t n, void *ud) {
  page_resp *r = ud;
  unsigned char *nb = realloc(r->body, r->len + sz * n + 1);
  if (!nb)
    return 0;
  memcpy(nb + r->len, p, sz * n);
  r->body = nb;
  r->len += sz * n;
  return sz * n;
}

static void hdr(const char *line, size_t n, const char *name, char *out,
                size_t cap) {
  size_t nl = strlen(name);
  if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
    return;
  const char *v = line + nl + 1;
  size_t vl = n - nl - 1;
  while (vl && *v == ' ')
    v++, vl--;
  while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
    vl--;
  snprintf(out, cap, "%.*s", (int)vl, v);
}

static size_t page_hdr(char *p, size_t sz, size_t n, void *ud) {
  page_resp *r = ud;
  hdr(p, sz * n, "Content-Type", r->ctype, sizeof r->ctype);
  hdr(p, sz * n, "Cache-Control", r->cache, sizeof r->cache);
  return sz * n;
}

static page_resp get_page(const char *cookie, const char *uuid,
                          const char *index) {
  char url[400], ca[700];
  page_resp r;
  memset(&r, 0, sizeof r);
  CURL *c = curl_easy_init();
  snprintf(url, sizeof url,
           "https://localhost:%d/api/console/applications/%s/page%s%s",
           t.port, uuid, index ? "?index=" : "", index ? index : "");
  snprintf(ca, sizeof ca, "%s/ca.crt", t.pki);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CAINFO, ca);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (cookie)
    curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, page_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, page_hdr);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
  if (curl_easy_perform(c) == CURLE_OK)
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_cleanup(c);
  return r;
}

/* The page's status; 1 more CHECK that its bytes are want[0..n) when 200
 * is expected. */
static long page_is(const char *cookie, const char *uuid, const char *index,
                    const unsigned char *want, size_t n) {
  page_resp r = get_page(cookie, uuid, index);
  if (want && r.status == 200) {
    CHECK(r.len == n && memcmp(r.body, want, n) == 0);
    CHECK_STR(r.ctype, "image/jpeg");
    CHECK(strstr(r.cache, "no-store") != NULL);
  }
  free(r.body);
  return r.status;
}

/* How many applications a search for the reference finds. */
static int found(const char *cookie, const char *reference) {
  char path[200];
  snprintf(path, sizeof path, "/api/console/applications?reference=%s",
           reference);
  srvtest_resp r = call("GET", path, NULL, cookie, NULL);
  cJSON *j = r.status == 200 ? cJSON_Parse(r.body) : NULL;
  int n = j ? cJSON_GetArraySize(cJSON_GetObjectItem(j, "applications")) : -1;
  cJSON_Delete(j);
  srvtest_resp_free(&r);
  return n;
}

/* The pages of an opened application as "index:material:page;..." */
static void pages_text(const cJSON *j, char *out, size_t cap) {
  const cJSON *p;
  out[0] = '\0';
  cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "pages")) {
    size_t n = strlen(out);
    snprintf(out + n, cap - n, "%d:%s:%d;",
             (int)cJSON_GetNumberValue(cJSON_GetObjectItem(p, "index")),
             cJSON_GetStringValue(cJSON_GetObjectItem(p, "material")),
             (int)cJSON_GetNumberValue(cJSON_GetObjectItem(p, "page")));
  }
}

/* Submits attachments (as the payload's field) and expects a refusal with
 * want_status and, for a 422, a message naming the attachments; then that
 * nothing was stored. */
static void refused(const char *what, const cJSON *att, size_t pad,
                    long want_status, const char *cookie) {
  srvtest_app a;
  CHECK(pagestest_app_make(&a, DEV1, 60, att, pad) == 0);
  srvtest_req sub = {.method = "POST", .path = "/v1/applications",
                     .cert = DEV1, .body = a.json,
                     .content_type = "application/json", .timeout = 60,
                     .expect100 = want_status == 413};
  srvtest_resp r;
  CHECK(srvtest_do(&t, &sub, &r) == 0);
  if (r.status != want_status)
    fprintf(stderr, "  %s: got %ld (%s)\n", what, r.status,
            r.body ? r.body : "");
  CHECK_INT(r.status, want_status);
  cJSON *j = r.body ? cJSON_Parse(r.body) : NULL;
  const char *err = cJSON_GetStringValue(cJSON_GetObjectItem(j, "error"));
  const char *msg = cJSON_GetStringValue(cJSON_GetObjectItem(j, "message"));
  CHECK(err && msg && msg[0]);
  if (want_status == 422) {
    CHECK_STR(err, "bad_attachment");
    CHECK(msg && strstr(msg, "attachments") != NULL);
  }
  cJSON_Delete(j);
  srvtest_resp_free(&r);
  CHECK_INT(found(cookie, a.reference), 0);
  long st;
  cJSON *o = open_app(cookie, a.uuid, &st);
  CHECK_INT(st, 404);
  cJSON_Delete(o);
  srvtest_app_free(&a);
}

int main(void) {
  char win[200], ryb[200], rmz[200], adm[200];
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CHECK(srvtest_start(&t, "pages", NULL) == 0);
  if (t.pid <= 0)
    return TEST_DONE();
  CHECK(srvtest_staff_add(&t, "W1", "窗口甲", PW, "window", "window", 0) == 0);
  CHECK(srvtest_staff_add(&t, "RYB", "医保丙", PW, "reviewer", "yibao", 0) ==
        0);
  CHECK(srvtest_staff_add(&t, "RMZ", "民政乙", PW, "reviewer", "mzj", 0) == 0);
  CHECK(srvtest_staff_add(&t, "ADM", "管理戊", PW, "admin", NULL, 0) == 0);
  CHECK(login("W1", win) && login("RYB", ryb) && login("RMZ", rmz) &&
        login("ADM", adm));

  /* Two pages: the household's ID cards for 低保 and 医疗救助, the
   * hospital papers for 医疗救助 only. */
  unsigned char *j1 = NULL, *j2 = NULL;
  size_t n1 = 0, n2 = 0;
  CHECK(pagestest_jpeg(120, 160, 1, &j1, &n1) == 0);
  CHECK(pagestest_jpeg(160, 120, 2, &j2, &n2) == 0);
  CHECK(n1 > 100 && j1[0] == 0xFF && j1[1] == 0xD8 && j1[2] == 0xFF);
  static const char *const both[] = {"dibao", "medical", NULL};
  static const char *const med[] = {"medical", NULL};
  static const char *const dibao[] = {"dibao", NULL};
  cJSON *att = cJSON_CreateArray();
  cJSON_AddItemToArray(att, pagestest_page(both, ID_MAT, 1, 120, 160, j1, n1));
  cJSON_AddItemToArray(att, pagestest_page(med, MED_MAT, 1, 160, 120, j2, n2));
  srvtest_app a;
  CHECK(pagestest_app_make(&a, DEV1, 51, att, 0) == 0);
  srvtest_req sub = {.method = "POST", .path = "/v1/applications",
                     .cert = DEV1, .body = a.json,
                     .content_type = "application/json"};
  srvtest_resp r;
  CHECK(srvtest_do(&t, &sub, &r) == 0);
  CHECK_INT(r.status, 201);
  srvtest_resp_free(&r);
  CHECK(srvtest_do(&t, &sub, &r) == 0); /* a resend: the same answer */
  CHECK_INT(r.status, 200);
  srvtest_resp_free(&r);

  /* The window sees both pages listed, without their bytes. */
  long st;
  char txt[600];
  cJSON *o = open_app(win, a.uuid, &st);
  CHECK_INT(st, 200);
  pages_text(o, txt, sizeof txt);
  CHECK_STR(txt, "0:" ID_MAT ":1;1:" MED_MAT ":1;");
  const cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "pages"), 0);
  CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(p0, "width")), 120);
  CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(p0, "height")), 160);
  CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(p0, "items")), 2);
  CHECK(cJSON_GetObjectItem(p0, "data") == NULL);
  char *whole = cJSON_PrintUnformatted(o);
  CHECK(whole && strstr(whole, "/9j/") == NULL); /* no JPEG in the view */
  free(whole);
  cJSON_Delete(o);

  /* Each page byte for byte; a missing one 404; a bad index 400. */
  CHECK_INT(page_is(win, a.uuid, "0", j1, n1), 200);
  CHECK_INT(page_is(win, a.uuid, "1", j2, n2), 200);
  CHECK_INT(page_is(win, a.uuid, "2", NULL, 0), 404);
  CHECK_INT(page_is(win, a.uuid, "23", NULL, 0), 404);
  CHECK_INT(page_is(win, a.uuid, "x", NULL, 0), 400);
  CHECK_INT(page_is(win, a.uuid, "-1", NULL, 0), 400);
  CHECK_INT(page_is(win, a.uuid, NULL, NULL, 0), 400);
  CHECK_INT(page_is(NULL, a.uuid, "0", NULL, 0), 401);
  CHECK_INT(page_is(win, "00000000-0000-4000-8000-000000000000", "0", NULL,
                    0),
            404);
  CHECK_INT(page_is(win, "not-a-uuid", "0", NULL, 0), 404);

  /* 医保 (medical): both pages serve 医疗救助. 民政 (dibao): only the ID
   * cards; the hospital papers are 404 like a missing page. */
  o = open_app(ryb, a.uuid, &st);
  CHECK_INT(st, 200);
  pages_text(o, txt, sizeof txt);
  CHECK_STR(txt, "0:" ID_MAT ":1;1:" MED_MAT ":1;");
  cJSON_Delete(o);
  CHECK_INT(page_is(ryb, a.uuid, "1", j2, n2), 200);
  o = open_app(rmz, a.uuid, &st);
  CHECK_INT(st, 200);
  pages_text(o, txt, sizeof txt);
  CHECK_STR(txt, "0:" ID_MAT ":1;");
  /* The page names only the reviewer's item, not the household's other
   * one (医疗救助). */
  const cJSON *mine =
      cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "pages"),
                                             0),
                          "items");
  CHECK_INT(cJSON_GetArraySize(mine), 1);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(mine, 0)), "dibao");
  cJSON_Delete(o);
  CHECK_INT(page_is(rmz, a.uuid, "0", j1, n1), 200);
  CHECK_INT(page_is(rmz, a.uuid, "1", NULL, 0), 404);

  /* A page of 民政's item only: the 医保 reviewer does not get it. */
  cJSON *att2 = cJSON_CreateArray();
  cJSON_AddItemToArray(att2,
                       pagestest_page(dibao, "户口本", 1, 120, 160, j1, n1));
  cJSON_AddItemToArray(att2, pagestest_page(med, MED_MAT, 2, 160, 120, j2,
                                            n2));
  srvtest_app b;
  CHECK(pagestest_app_make(&b, DEV1, 52, att2, 0) == 0);
  sub.body = b.json;
  CHECK(srvtest_do(&t, &sub, &r) == 0);
  CHECK_INT(r.status, 201);
  srvtest_resp_free(&r);
  o = open_app(ryb, b.uuid, &st);
  pages_text(o, txt, sizeof txt);
  CHECK_STR(txt, "1:" MED_MAT ":2;");
  cJSON_Delete(o);
  CHECK_INT(page_is(ryb, b.uuid, "0", NULL, 0), 404);
  CHECK_INT(page_is(ryb, b.uuid, "1", j2, n2), 200);
  CHECK_INT(page_is(adm, b.uuid, "0", j1, n1), 200);

  /* Without attachments: an empty list. */
  srvtest_app c;
  CHECK(pagestest_app_make(&c, DEV1, 53, NULL, 0) == 0);
  sub.body = c.json;
  CHECK(srvtest_do(&t, &sub, &r) == 0);
  CHECK_INT(r.status, 201);
  srvtest_resp_free(&r);
  o = open_app(win, c.uuid, &st);
  CHECK(cJSON_IsArray(cJSON_GetObjectItem(o, "pages")) &&
        cJSON_GetArraySize(cJSON_GetObjectItem(o, "pages")) == 0);
  cJSON_Delete(o);
  CHECK_INT(page_is(win, c.uuid, "0", NULL, 0), 404);

  /* Every page fetched is in the audit log, as an opening. */
  r = call("GET", "/api/console/audit", NULL, adm, NULL);
  CHECK_INT(r.status, 200);
  cJSON *aj = cJSON_Parse(r.body);
  int pages_by_w1 = 0, pages_by_rmz = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(aj, "entries")) {
    const char *who = cJSON_GetStringValue(cJSON_GetObjectItem(e, "staff_id"));
    const char *act = cJSON_GetStringValue(cJSON_GetObjectItem(e, "action"));
    const char *det = cJSON_GetStringValue(cJSON_GetObjectItem(e, "detail"));
    const char *u = cJSON_GetStringValue(cJSON_GetObjectItem(e, "uuid"));
    if (!who || !act || !det || !u || strcmp(act, "open") != 0 ||
        strncmp(det, "page ", 5) != 0)
      continue;
    pages_by_w1 += strcmp(who, "W1") == 0 && strcmp(u, a.uuid) == 0;
    pages_by_rmz += strcmp(who, "RMZ") == 0;
  }
  CHECK_INT(pages_by_w1, 2);  /* pages 0 and 1; not the 404s */
  CHECK_INT(pages_by_rmz, 1); /* the page it was given */
  cJSON_Delete(aj);
  srvtest_resp_free(&r);

  /* Malformed pages: refused (422 bad_attachment), nothing stored. */
  cJSON *bad = cJSON_CreateArray();
  cJSON *pg = pagestest_page(both, ID_MAT, 1, 120, 160, j1, n1);
  cJSON_ReplaceItemInObject(pg, "data", cJSON_CreateString("/9j/4AAQ$$$$"));
  cJSON_AddItemToArray(bad, pg);
  refused("bad base64", bad, 0, 422, win);
  cJSON_ReplaceItemInObject(pg, "data", cJSON_CreateString("/9j/\n4AAQ"));
  refused("base64 with a line break", bad, 0, 422, win);
  static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
  cJSON_ReplaceItemInArray(bad, 0, pagestest_page(both, ID_MAT, 1, 1, 1, gif,
                                                  sizeof gif - 1));
  refused("not a JPEG", bad, 0, 422, win);
  cJSON_Delete(bad);
  bad = cJSON_CreateArray();
  for (int i = 0; i < 25; i++)
    cJSON_AddItemToArray(bad, pagestest_page(both, ID_MAT, i % 24 + 1, 120,
                                             160, j1, n1));
  refused("25 pages", bad, 0, 422, win);
  cJSON_DeleteItemFromArray(bad, 24); /* 24 pages are fine */
  srvtest_app d;
  CHECK(pagestest_app_make(&d, DEV1, 54, bad, 0) == 0);
  sub.body = d.json;
  CHECK(srvtest_do(&t, &sub, &r) == 0);
  CHECK_INT(r.status, 201);
  srvtest_resp_free(&r);
  srvtest_app_free(&d);
  cJSON_Delete(bad);
  /* Shapes against the contract. */
  static const char *const nohyph[] = {"di-bao", NULL};
  static const char *const none[] = {NULL};
  struct {
    const char *what, *key;
    cJSON *value; /* NULL: the key removed */
  } muts[] = {
      {"no items", "items", NULL},
      {"no material", "material", NULL},
      {"page 0", "page", cJSON_CreateNumber(0)},
      {"page 25", "page", cJSON_CreateNumber(25)},
      {"page 1.5", "page", cJSON_CreateNumber(1.5)},
      {"type image/png", "type", cJSON_CreateString("image/png")},
      {"width 0", "width", cJSON_CreateNumber(0)},
      {"height 10001", "height", cJSON_CreateNumber(10001)},
      {"material empty", "material", cJSON_CreateString("")},
      {"material of 401 characters", "material", NULL},
      {"an extra field", "sha256", cJSON_CreateString("x")},
      {"data a number", "data", cJSON_CreateNumber(1)},
  };
  for (size_t i = 0; i < sizeof muts / sizeof muts[0]; i++) {
    bad = cJSON_CreateArray();
    pg = pagestest_page(both, ID_MAT, 1, 120, 160, j1, n1);
    cJSON_AddItemToArray(bad, pg);
    if (strcmp(muts[i].what, "material of 401 characters") == 0) {
      char m[401 * 3 + 1] = "";
      for (int k = 0; k < 401; k++)
        strcat(m, "材");
      cJSON_ReplaceItemInObject(pg, "material", cJSON_CreateString(m));
    } else if (!muts[i].value) {
      cJSON_DeleteItemFromObject(pg, muts[i].key);
    } else if (cJSON_GetObjectItem(pg, muts[i].key)) {
      cJSON_ReplaceItemInObject(pg, muts[i].key, muts[i].value);
    } else {
      cJSON_AddItemToObject(pg, muts[i].key, muts[i].value);
    }
    refused(muts[i].what, bad, 0, 422, win);
    cJSON_Delete(bad);
  }
  bad = cJSON_CreateArray();
  cJSON_AddItemToArray(bad, pagestest_page(nohyph, ID_MAT, 1, 1, 1, j1, n1));
  refused("an item id with '-'", bad, 0, 422, win);
  cJSON_ReplaceItemInArray(bad, 0, pagestest_page(none, ID_MAT, 1, 1, 1, j1,
                                                  n1));
  refused("no item ids", bad, 0, 422, win);
  cJSON_Delete(bad);
  bad = cJSON_CreateString("pages");
  refused("attachments not an array", bad, 0, 422, win);
  cJSON_Delete(bad);
  bad = cJSON_CreateArray();
  cJSON_AddItemToArray(bad, cJSON_CreateString("/9j/"));
  refused("an attachment not an object", bad, 0, 422, win);
  cJSON_Delete(bad);

  /* Over 8 MiB sealed: refused as too large (400) while the body is under
   * the route's limit, 413 beyond it. */
  refused("a sealed box over 8 MiB", NULL, 8 * 1024 * 1024 + 4096, 400, win);
  refused("a body over 11 MiB", NULL, 8 * 1024 * 1024 + 400 * 1024, 413, win);
  /* Just under 8 MiB sealed (7.9 MiB): accepted. */
  srvtest_app big;
  CHECK(pagestest_app_make(&big, DEV1, 55, att, 8 * 1024 * 1024 - 100 * 1024)
        == 0);
  sub.body = big.json;
  sub.timeout = 60;
  CHECK(srvtest_do(&t, &sub, &r) == 0);
  CHECK_INT(r.status, 201);
  srvtest_resp_free(&r);
  CHECK_INT(page_is(win, big.uuid, "1", j2, n2), 200);
  srvtest_app_free(&big);

  cJSON_Delete(att);
  cJSON_Delete(att2);
  free(j1);
  free(j2);
  srvtest_app_free(&a);
  srvtest_app_free(&b);
  srvtest_app_free(&c);
  CHECK_INT(srvtest_stop(&t), 0);
  curl_global_cleanup();
  return TEST_DONE();
}
