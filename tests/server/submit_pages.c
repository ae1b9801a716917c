/* server_submit_pages PORT DEVICE N: submits one synthetic application
 * (测试申请人N, 低保 and 医疗救助) with three photographed pages — the
 * household's ID cards and 户口本 (pages 1 and 2, for both items) and the
 * hospital papers (page 1, 医疗救助 only) — over real TLS with the device's
 * certificate. Prints {"uuid":…,"reference":…,"pages":3,"status":<HTTP
 * status>}. Used by the browser test, which cannot seal with libsodium
 * itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "pagestest.h"
#include "srvtest.h"

int main(int argc, char **argv) {
  static const char *const both[] = {"dibao", "medical", NULL};
  static const char *const med[] = {"medical", NULL};
  static const struct {
    const char *const *items;
    const char *material;
    int page, w, h;
  } pages[] = {
      {both, "全家人的身份证、户口本", 1, 600, 800},
      {both, "全家人的身份证、户口本", 2, 800, 600},
      {med, "病历、住院费用清单和发票", 1, 600, 800},
  };
  srvtest t = {0};
  srvtest_app a;
  srvtest_resp r;
  if (argc != 4) {
    fprintf(stderr, "usage: %s PORT DEVICE N\n", argv[0]);
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  t.port = atoi(argv[1]);
  snprintf(t.pki, sizeof t.pki, "%s", srvtest_pki());
  cJSON *att = cJSON_CreateArray();
  for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
    unsigned char *jpeg;
    size_t len;
    if (pagestest_jpeg(pages[i].w, pages[i].h, (int)i + 1, &jpeg, &len) != 0)
      return 1;
    cJSON_AddItemToArray(att, pagestest_page(pages[i].items,
                                             pages[i].material, pages[i].page,
                                             pages[i].w, pages[i].h, jpeg,
                                             len));
    free(jpeg);
  }
  int rc = pagestest_app_make(&a, argv[2], atoi(argv[3]), att, 0);
  cJSON_Delete(att);
  if (rc != 0)
    return 1;
  srvtest_req rq = {.method = "POST", .path = "/v1/applications",
                    .cert = argv[2], .body = a.json,
                    .content_type = "application/json"};
  if (srvtest_do(&t, &rq, &r) != 0)
    return 1;
  printf("{\"uuid\":\"%s\",\"reference\":\"%s\",\"pages\":3,\"status\":%ld}\n",
         a.uuid, a.reference, r.status);
  srvtest_resp_free(&r);
  srvtest_app_free(&a);
  curl_global_cleanup();
  return 0;
}
