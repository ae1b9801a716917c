/* The administrator keys of the real kiosk-server over real TLS, changed
 * while it runs: admin.pub replaced on disk (a bundle signed with the new
 * key is accepted at once, one signed with the old key refused — no
 * restart), a half-written or empty admin.pub leaving the keys in use,
 * two keys in one file during a rotation, and SIGHUP. The server gets its
 * own copy of the PKI's server files, so the shared fixture's admin.pub is
 * never touched. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <sodium.h>

#include "check.h"
#include "srvtest.h"

#define ADMIN "admin-140500"

static char pki[600];

static int copy_file(const char *name) {
  char from[700], to[700], buf[8192];
  snprintf(from, sizeof from, "%s/%s", srvtest_pki(), name);
  snprintf(to, sizeof to, "%s/%s", pki, name);
  FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
  size_t n;
  int ok = in && out;
  while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
    ok = fwrite(buf, 1, n, out) == n;
  if (in)
    fclose(in);
  if (out && fclose(out) != 0)
    ok = 0;
  chmod(to, 0600);
  return ok ? 0 : -1;
}

/* Writes text as admin.pub: whole, through a temporary file and rename
 * (as the guide says), or in place (truncate, then write) to play an
 * editor or a copy caught half-way. */
static int write_admin_pub(const char *text, int in_place) {
  char path[700], tmp[720];
  snprintf(path, sizeof path, "%s/admin.pub", pki);
  snprintf(tmp, sizeof tmp, "%s.new", path);
  const char *target = in_place ? path : tmp;
  int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return -1;
  size_t n = strlen(text);
  int ok = write(fd, text, n) == (ssize_t)n;
  close(fd);
  if (!ok)
    return -1;
  return in_place ? 0 : rename(tmp, path);
}

static void key_line(const unsigned char pk[32], char out[46]) {
  sodium_bin2base64(out, 45, pk, 32, sodium_base64_VARIANT_ORIGINAL);
  strcat(out, "\n");
}

/* POST /v1/content with the administrator's certificate; the status. */
static long publish(srvtest *t, const char *version,
                    const unsigned char sk[64]) {
  char *body = srvtest_publish_body(version, "{\"standard\":650}", 1, sk, NULL);
  srvtest_req rq = {.method = "POST", .path = "/v1/content", .cert = ADMIN,
                    .content_type = "application/json", .body = body};
  srvtest_resp r;
  long st = srvtest_do(t, &rq, &r) == 0 ? r.status : -1;
  if (st == 403)
    CHECK(strstr(r.body, "\"bad_signature\"") != NULL);
  if (st >= 0)
    srvtest_resp_free(&r);
  free(body);
  return st;
}

int main(void) {
  srvtest t;
  unsigned char old_sk[64], old_pk[32], new_pk[32], new_sk[64];
  char old_line[46], new_line[46], both[200];
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (sodium_init() < 0)
    return 1;
  snprintf(pki, sizeof pki, "%s/admin-keys-pki-%d", SRVTEST_WORK,
           (int)getpid());
  mkdir(SRVTEST_WORK, 0700);
  mkdir(pki, 0700);
  const char *files[] = {"ca.crt", "server.crt", "server.key", "seal.key",
                         "seal.pub", "check.key", "admin.pub"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    CHECK_INT(copy_file(files[i]), 0);
  CHECK_INT(srvtest_admin_key(old_sk), 0);
  crypto_sign_ed25519_sk_to_pk(old_pk, old_sk);
  crypto_sign_keypair(new_pk, new_sk);
  key_line(old_pk, old_line);
  key_line(new_pk, new_line);

  const char *extra[] = {"--pki", pki, NULL};
  CHECK(srvtest_start(&t, "adminkeys", extra) == 0);
  if (t.pid <= 0)
    goto out;

  /* The key the server started with. */
  CHECK_INT(publish(&t, "2026.1.1", old_sk), 201);
  CHECK_INT(publish(&t, "2026.1.2", new_sk), 403);

  /* admin.pub replaced on disk: the next publication uses the new key. */
  CHECK_INT(write_admin_pub(new_line, 0), 0);
  CHECK_INT(publish(&t, "2026.1.2", new_sk), 201);
  CHECK_INT(publish(&t, "2026.1.3", old_sk), 403);

  /* A half-written admin.pub (cut inside the key) and an empty one: the
   * keys in use stay; the old key is still refused. */
  char half[24];
  snprintf(half, sizeof half, "%.20s", old_line);
  CHECK_INT(write_admin_pub(half, 1), 0);
  CHECK_INT(publish(&t, "2026.1.3", new_sk), 201);
  CHECK_INT(publish(&t, "2026.1.4", old_sk), 403);
  CHECK_INT(write_admin_pub("", 1), 0);
  CHECK_INT(publish(&t, "2026.1.4", new_sk), 201);
  CHECK_INT(write_admin_pub("not a key\n", 1), 0);
  CHECK_INT(publish(&t, "2026.1.5", old_sk), 403);

  /* Two keys during a rotation, with a comment: both verify. */
  snprintf(both, sizeof both, "# county key, 2026\n%s\n%s", old_line,
           new_line);
  CHECK_INT(write_admin_pub(both, 0), 0);
  CHECK_INT(publish(&t, "2026.1.5", old_sk), 201);
  CHECK_INT(publish(&t, "2026.1.6", new_sk), 201);

  /* SIGHUP re-reads the file and the server goes on serving. */
  CHECK_INT(write_admin_pub(old_line, 0), 0);
  CHECK_INT(kill(t.pid, SIGHUP), 0);
  usleep(200 * 1000);
  CHECK_INT(publish(&t, "2026.1.7", new_sk), 403);
  CHECK_INT(publish(&t, "2026.1.7", old_sk), 201);
  CHECK_INT(srvtest_stop(&t), 0);
out:
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p[700];
    snprintf(p, sizeof p, "%s/%s", pki, files[i]);
    unlink(p);
  }
  rmdir(pki);
  sodium_memzero(old_sk, sizeof old_sk);
  sodium_memzero(new_sk, sizeof new_sk);
  curl_global_cleanup();
  return TEST_DONE();
}
