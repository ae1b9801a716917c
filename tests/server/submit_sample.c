/* server_submit_sample PORT DEVICE N [URGENT]: submits one synthetic
 * application to a running kiosk-server (PKI from SRVTEST_PKI); URGENT is
 * "true" or "false" (left out: no "urgent" field, as older kiosks). Prints
 * {"uuid":…,"reference":…,"last4":…,"id_number":…,"status":<HTTP status>}
 * on stdout (the invented applicant is 测试申请人N).
 * Used by the browser test, which cannot seal with libsodium itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "srvtest.h"

int main(int argc, char **argv) {
  srvtest t = {0};
  srvtest_app a;
  srvtest_resp r;
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: %s PORT DEVICE N [true|false]\n", argv[0]);
    return 2;
  }
  int urgent = argc == 5 ? strcmp(argv[4], "true") == 0 : -1;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  t.port = atoi(argv[1]);
  snprintf(t.pki, sizeof t.pki, "%s", srvtest_pki());
  if (srvtest_app_make_urgent(&a, argv[2], atoi(argv[3]), urgent) != 0)
    return 1;
  srvtest_req rq = {.method = "POST", .path = "/v1/applications",
                    .cert = argv[2], .body = a.json,
                    .content_type = "application/json"};
  if (srvtest_do(&t, &rq, &r) != 0)
    return 1;
  printf("{\"uuid\":\"%s\",\"reference\":\"%s\",\"last4\":\"%s\","
         "\"id_number\":\"%s\",\"status\":%ld}\n",
         a.uuid, a.reference, a.last4, a.id_number, r.status);
  srvtest_resp_free(&r);
  srvtest_app_free(&a);
  curl_global_cleanup();
  return 0;
}
