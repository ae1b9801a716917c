/* server_submit_sample PORT DEVICE N [URGENT]: submits one synthetic
 * application to a running kiosk-server (PKI from SRVTEST_PKI); URGENT is
 * "true" or "false" (left out: no "urgent" field, as older kiosks). Prints
 * {"uuid":…,"reference":…,"last4":…,"id_number":…,"status":<HTTP status>}
 * on stdout (the invented applicant is 测试申请人N).
 * Used by the browser test, which cannot seal with libsodium itself.
 * With --publish VERSION PATH=FILE... it publishes content instead
 * (below). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "srvtest.h"

/* server_submit_sample PORT --publish VERSION PATH=FILE...: publishes the
 * files as content VERSION of region 140500 with the development PKI's
 * administrator (certificate and signing key); prints the HTTP status. */
static int publish(srvtest *t, int argc, char **argv) {
  unsigned char sk[64];
  const char *paths[16], *datas[16];
  size_t lens[16], n = 0;
  if (argc < 5 || argc - 4 > 16 || srvtest_admin_key(sk) != 0)
    return 2;
  for (int i = 4; i < argc; i++, n++) {
    char *eq = strchr(argv[i], '=');
    if (!eq)
      return 2;
    *eq = '\0';
    FILE *f = fopen(eq + 1, "rb");
    char *buf = f ? malloc(8 << 20) : NULL;
    lens[n] = buf ? fread(buf, 1, 8 << 20, f) : 0;
    if (f)
      fclose(f);
    if (!buf)
      return 1;
    paths[n] = argv[i];
    datas[n] = buf;
  }
  char *body = srvtest_publish_files(argv[3], n, paths, datas, lens, sk);
  srvtest_req rq = {.method = "POST", .path = "/v1/content",
                    .cert = "admin-140500", .body = body,
                    .content_type = "application/json"};
  srvtest_resp r;
  int rc = srvtest_do(t, &rq, &r) != 0;
  if (!rc) {
    printf("{\"status\":%ld}\n", r.status);
    srvtest_resp_free(&r);
  }
  free(body);
  for (size_t i = 0; i < n; i++)
    free((void *)datas[i]);
  return rc;
}

int main(int argc, char **argv) {
  srvtest t = {0};
  srvtest_app a;
  srvtest_resp r;
  if (argc >= 3 && strcmp(argv[2], "--publish") == 0) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    t.port = atoi(argv[1]);
    snprintf(t.pki, sizeof t.pki, "%s", srvtest_pki());
    int rc = publish(&t, argc, argv);
    curl_global_cleanup();
    return rc;
  }
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
