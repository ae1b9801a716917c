/* srvtest: see srvtest.h. */
#include "srvtest.h"
#include "pgtest.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <sodium.h>

const char *srvtest_pki(void) { return SRVTEST_PKI; }

static int file_read_b64(const char *path, unsigned char *out, size_t len) {
  char buf[256];
  size_t got = 0;
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  buf[strcspn(buf, "\r\n")] = '\0';
  if (sodium_base642bin(out, len, buf, strlen(buf), NULL, &got, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      got != len)
    return -1;
  return 0;
}

static int launch(srvtest *t, const char *const *extra) {
  const char *portfile = t->port_file;
  unlink(portfile);
  const char *argv[64];
  int n = 0;
  argv[n++] = SRVTEST_BIN;
  argv[n++] = "serve";
  argv[n++] = "--config"; /* none: not the host's /etc/kiosk-server */
  argv[n++] = "/dev/null";
  argv[n++] = "--pki";
  argv[n++] = t->pki;
  argv[n++] = "--db";
  argv[n++] = t->db;
  argv[n++] = "--port";
  argv[n++] = "0";
  argv[n++] = "--port-file";
  argv[n++] = portfile;
  argv[n++] = "--log-level";
  argv[n++] = "warn";
  for (int i = 0; extra && extra[i] && n < 62; i++)
    argv[n++] = extra[i];
  argv[n] = NULL;
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    execv(SRVTEST_BIN, (char *const *)argv);
    _exit(127);
  }
  t->pid = pid;
  for (int i = 0; i < 1000; i++) { /* up to 10 s (slow under ASan) */
    FILE *f = fopen(portfile, "r");
    if (f) {
      int ok = fscanf(f, "%d", &t->port) == 1;
      fclose(f);
      if (ok && t->port > 0)
        return 0;
    }
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) {
      t->pid = 0;
      fprintf(stderr, "srvtest: server exited during start\n");
      return -1;
    }
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  fprintf(stderr, "srvtest: server did not start\n");
  srvtest_stop(t);
  return -1;
}


int srvtest_start(srvtest *t, const char *tag, const char *const *extra) {
  memset(t, 0, sizeof *t);
  snprintf(t->pki, sizeof t->pki, "%s", SRVTEST_PKI);
  mkdir(SRVTEST_WORK, 0700);
  if (pgtest_enabled()) {
    char name[128];
    snprintf(name, sizeof name, "%s_%d", tag, (int)getpid());
    for (char *q = name; *q; q++)
      if (*q == '-')
        *q = '_';
    snprintf(t->port_file, sizeof t->port_file, "%s/%s.port", SRVTEST_WORK,
             name);
    if (pgtest_fresh(name, t->db, sizeof t->db) != 0) {
      fprintf(stderr, "srvtest: no PostgreSQL database for %s\n", tag);
      return -1;
    }
    return launch(t, extra);
  }
  snprintf(t->db, sizeof t->db, "%s/%s-%d.db", SRVTEST_WORK, tag,
           (int)getpid());
  snprintf(t->port_file, sizeof t->port_file, "%s.port", t->db);
  const char *sfx[] = {"", "-wal", "-shm", ".port"};
  for (int i = 0; i < 4; i++) {
    char p[640];
    snprintf(p, sizeof p, "%s%s", t->db, sfx[i]);
    unlink(p);
  }
  return launch(t, extra);
}

int srvtest_restart(srvtest *t, const char *const *extra) {
  return launch(t, extra);
}

int srvtest_stop(srvtest *t) {
  int st = 0;
  if (t->pid <= 0)
    return -1;
  kill(t->pid, SIGTERM);
  while (waitpid(t->pid, &st, 0) < 0 && errno == EINTR) {
  }
  t->pid = 0;
  if (WIFEXITED(st))
    return WEXITSTATUS(st);
  return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int srvtest_adduser(srvtest *t, const char *id, const char *name,
                    const char *password) {
  return srvtest_staff_add(t, id, name, password, NULL, NULL, 0);
}

int srvtest_staff_add(srvtest *t, const char *id, const char *name,
                      const char *password, const char *role,
                      const char *dept, int supervisor) {
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    dup2(fds[0], 0);
    close(fds[0]);
    close(fds[1]);
    const char *argv[16];
    int n = 0;
    argv[n++] = SRVTEST_BIN;
    argv[n++] = "staff";
    argv[n++] = "add";
    argv[n++] = "--db";
    argv[n++] = t->db;
    if (role) {
      argv[n++] = "--role";
      argv[n++] = role;
    }
    if (dept) {
      argv[n++] = "--dept";
      argv[n++] = dept;
    }
    if (supervisor)
      argv[n++] = "--supervisor";
    argv[n++] = id;
    argv[n++] = name;
    argv[n] = NULL;
    execv(SRVTEST_BIN, (char *const *)argv);
    _exit(127);
  }
  close(fds[0]);
  if (write(fds[1], password, strlen(password)) < 0 ||
      write(fds[1], "\n", 1) < 0) {
    close(fds[1]);
    return -1;
  }
  close(fds[1]);
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud) {
  srvtest_resp *r = ud;
  size_t add = sz * n;
  char *nb = realloc(r->body, r->len + add + 1);
  if (!nb)
    return 0;
  memcpy(nb + r->len, p, add);
  r->body = nb;
  r->len += add;
  r->body[r->len] = '\0';
  return add;
}

static void header_value(const char *line, size_t n, const char *name,
                         char *out, size_t cap) {
  size_t nl = strlen(name);
  if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
    return;
  const char *v = line + nl + 1;
  size_t vl = n - nl - 1;
  while (vl && (*v == ' '))
    v++, vl--;
  while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
    vl--;
  if (vl >= cap)
    vl = cap - 1;
  memcpy(out, v, vl);
  out[vl] = '\0';
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud) {
  srvtest_resp *r = ud;
  size_t len = sz * n;
  header_value(p, len, "ETag", r->etag, sizeof r->etag);
  header_value(p, len, "Retry-After", r->retry_after, sizeof r->retry_after);
  header_value(p, len, "Set-Cookie", r->set_cookie, sizeof r->set_cookie);
  header_value(p, len, "Content-Type", r->content_type,
               sizeof r->content_type);
  return len;
}

typedef struct upload {
  const char *p;
  size_t left;
} upload;

static size_t on_read(char *buf, size_t sz, size_t n, void *ud) {
  upload *u = ud;
  size_t k = sz * n < u->left ? sz * n : u->left;
  memcpy(buf, u->p, k);
  u->p += k;
  u->left -= k;
  return k;
}

int srvtest_do(srvtest *t, const srvtest_req *rq, srvtest_resp *out) {
  char url[1024], cert[700], key[700], ca[700], hdr[600];
  struct curl_slist *hl = NULL;
  upload up = {0};
  memset(out, 0, sizeof *out);
  CURL *c = curl_easy_init();
  if (!c)
    return -1;
  snprintf(url, sizeof url, "https://localhost:%d%s", t->port, rq->path);
  snprintf(ca, sizeof ca, "%s/ca.crt", t->pki);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CAINFO, ca);
  curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, rq->timeout ? rq->timeout : 20L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (rq->cert) {
    const char *dir = strcmp(rq->cert, "foreign") == 0       ? "foreign"
                      : strncmp(rq->cert, "admin-", 6) == 0 ? "admins"
                                                            : "devices";
    const char *id =
        strcmp(rq->cert, "foreign") == 0 ? "KIOSK-140500-001" : rq->cert;
    snprintf(cert, sizeof cert, "%s/%s/%s.crt", t->pki, dir, id);
    snprintf(key, sizeof key, "%s/%s/%s.key", t->pki, dir, id);
    curl_easy_setopt(c, CURLOPT_SSLCERT, cert);
    curl_easy_setopt(c, CURLOPT_SSLKEY, key);
  }
  if (rq->source)
    curl_easy_setopt(c, CURLOPT_INTERFACE, rq->source);
  if (rq->ciphers)
    curl_easy_setopt(c, CURLOPT_SSL_CIPHER_LIST, rq->ciphers);
  if (rq->sslversion)
    curl_easy_setopt(c, CURLOPT_SSLVERSION, rq->sslversion);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
  if (rq->body) {
    size_t len = rq->len ? rq->len : strlen(rq->body);
    if (rq->chunked) {
      up.p = rq->body;
      up.left = len;
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(c, CURLOPT_READDATA, &up);
      hl = curl_slist_append(hl, "Transfer-Encoding: chunked");
    } else {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
  }
  if (rq->content_type) {
    snprintf(hdr, sizeof hdr, "Content-Type: %s", rq->content_type);
    hl = curl_slist_append(hl, hdr);
  } else if (rq->body) {
    hl = curl_slist_append(hl, "Content-Type:");
  }
  if (rq->if_none_match) {
    snprintf(hdr, sizeof hdr, "If-None-Match: %s", rq->if_none_match);
    hl = curl_slist_append(hl, hdr);
  }
  if (rq->origin) {
    snprintf(hdr, sizeof hdr, "Origin: %s", rq->origin);
    hl = curl_slist_append(hl, hdr);
  }
  hl = curl_slist_append(hl, rq->expect100 ? "Expect: 100-continue"
                                           : "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
  if (rq->cookie)
    curl_easy_setopt(c, CURLOPT_COOKIE, rq->cookie);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
  curl_slist_free_all(hl);
  curl_easy_cleanup(c);
  if (!out->body) {
    out->body = calloc(1, 1);
  }
  if (rc != CURLE_OK && out->status == 0) {
    fprintf(stderr, "srvtest: %s %s: %s\n", rq->method, rq->path,
            curl_easy_strerror(rc));
    free(out->body); /* a failed request hands nothing to the caller */
    out->body = NULL;
    return -1;
  }
  return 0;
}

void srvtest_resp_free(srvtest_resp *r) {
  free(r->body);
  memset(r, 0, sizeof *r);
}

void srvtest_id_number(const char *area6, const char *birth8, int seq,
                       char out[19]) {
  static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char check[] = "10X98765432";
  int sum = 0;
  snprintf(out, 19, "%.6s%.8s%03d", area6, birth8, seq % 1000);
  for (int i = 0; i < 17; i++)
    sum += (out[i] - '0') * w[i];
  out[17] = check[sum % 11];
  out[18] = '\0';
}

static void random_uuid(char out[37]) {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
  b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
  snprintf(out, 37,
           "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x"
           "%02x",
           b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
           b[11], b[12], b[13], b[14], b[15]);
}

int srvtest_app_make(srvtest_app *a, const char *device, int n) {
  return srvtest_app_make_urgent(a, device, n, -1);
}

int srvtest_app_make_urgent(srvtest_app *a, const char *device, int n,
                            int urgent) {
  return srvtest_app_make_display(a, device, n, urgent, NULL);
}

int srvtest_app_make_display(srvtest_app *a, const char *device, int n,
                             int urgent, const char *extra_display) {
  static const char alpha[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  unsigned char pk[32], hash[32];
  char digest[65], name[64], region[7];
  memset(a, 0, sizeof *a);
  if (sodium_init() < 0)
    return -1;
  char path[700];
  snprintf(path, sizeof path, "%s/seal.pub", SRVTEST_PKI);
  if (file_read_b64(path, pk, sizeof pk) != 0)
    return -1;
  random_uuid(a->uuid);
  unsigned char rb[9];
  randombytes_buf(rb, sizeof rb);
  for (int i = 0, k = 0; i < 11; i++) {
    if (i == 4 || i == 9)
      a->reference[i] = '-';
    else
      a->reference[i] = alpha[rb[k++] % 32];
  }
  a->reference[11] = '\0';
  snprintf(region, sizeof region, "%.6s", device + 6);
  srvtest_id_number(region, "19580314", 100 + n % 900, a->id_number);
  memcpy(a->last4, a->id_number + 14, 5);
  snprintf(name, sizeof name, "测试申请人%d", n);

  cJSON *pt = cJSON_CreateObject();
  cJSON_AddNumberToObject(pt, "schema_version", 1);
  cJSON_AddStringToObject(pt, "uuid", a->uuid);
  cJSON_AddStringToObject(pt, "reference", a->reference);
  cJSON_AddStringToObject(pt, "region", region);
  /* Urgent ones ask for 临时救助, as the kiosk's form_urgent() marks. */
  const char *item2 = urgent == 1 ? "temporary" : "medical";
  cJSON *items = cJSON_AddArrayToObject(pt, "items");
  cJSON_AddItemToArray(items, cJSON_CreateString("dibao"));
  cJSON_AddItemToArray(items, cJSON_CreateString(item2));
  cJSON *names = cJSON_AddArrayToObject(pt, "item_names");
  cJSON_AddItemToArray(names, cJSON_CreateString("最低生活保障"));
  cJSON_AddItemToArray(names, cJSON_CreateString(urgent == 1 ? "临时救助"
                                                             : "医疗救助"));
  if (urgent >= 0)
    cJSON_AddBoolToObject(pt, "urgent", urgent);
  cJSON *ans = cJSON_AddObjectToObject(pt, "answers");
  cJSON_AddStringToObject(ans, "applicant_name", name);
  cJSON_AddStringToObject(ans, "applicant_id", a->id_number);
  cJSON *display = cJSON_AddArrayToObject(pt, "display");
  cJSON *sec = cJSON_CreateObject();
  cJSON_AddStringToObject(sec, "section", "申请人");
  cJSON *rows = cJSON_AddArrayToObject(sec, "rows");
  const char *pairs[][2] = {{"姓名", name},
                            {"公民身份号码", a->id_number},
                            {"联系电话", "13800000000"},
                            {"居住地址", "测试市测试县幸福路1号"}};
  for (size_t i = 0; i < 4; i++) {
    cJSON *row = cJSON_CreateObject();
    cJSON_AddStringToObject(row, "label", pairs[i][0]);
    cJSON_AddStringToObject(row, "value", pairs[i][1]);
    cJSON_AddItemToArray(rows, row);
  }
  cJSON_AddItemToArray(display, sec);
  cJSON *sec2 = cJSON_CreateObject();
  cJSON_AddStringToObject(sec2, "section", "家庭经济状况");
  cJSON *rows2 = cJSON_AddArrayToObject(sec2, "rows");
  cJSON *row = cJSON_CreateObject();
  cJSON_AddStringToObject(row, "label", "家庭年收入（元）");
  cJSON_AddStringToObject(row, "value", "12000");
  cJSON_AddItemToArray(rows2, row);
  cJSON_AddItemToArray(display, sec2);
  cJSON *extra = extra_display ? cJSON_Parse(extra_display) : NULL;
  while (cJSON_IsArray(extra) && extra->child)
    cJSON_AddItemToArray(display,
                         cJSON_DetachItemViaPointer(extra, extra->child));
  cJSON_Delete(extra);
  cJSON_AddNullToObject(pt, "assisted_by");
  /* The applicant's signature: a small grey-scale PNG (a wavy stroke). */
  static const char sig_png[] =
      "iVBORw0KGgoAAAANSUhEUgAAAHgAAAAoCAAAAAAQgWH5AAAAzUlEQVR42u2X"
      "Sw6DMAwF5/6XpptuKPHnPYMqtWGH4vEAMYnD8aWLLd7i/xbzvkzVCccAPfMH"
      "jsE56guOB6rmK44Cnu5kb5BMAGWzjS/iFPMa90DFHOAm2DdHeItUMjajsL3N"
      "iQof2/e2zGFIhea58fECpR43h/PMZf34OMNJxH0psuFO2ZKUT/o1koDButao"
      "y3RpOiZLU1F3Dy3GdVkGYcy2n5pmHWhsuCLOKpRZi9HCeaipEvrqWRcp46zR"
      "Wd/c+v3vOylo+D60bfHviV+lv9EQqkwMJwAAAABJRU5ErkJggg==";
  cJSON *sigs = cJSON_AddObjectToObject(pt, "signatures");
  cJSON_AddStringToObject(sigs, "applicant_signature", sig_png);
  char *plain = cJSON_PrintUnformatted(pt);
  cJSON_Delete(pt);
  size_t pl = strlen(plain);
  size_t sl = pl + crypto_box_SEALBYTES;
  unsigned char *sealed = malloc(sl);
  crypto_box_seal(sealed, (unsigned char *)plain, pl, pk);
  free(plain);
  size_t bl = sodium_base64_ENCODED_LEN(sl, sodium_base64_VARIANT_ORIGINAL);
  char *b64 = malloc(bl);
  sodium_bin2base64(b64, bl, sealed, sl, sodium_base64_VARIANT_ORIGINAL);
  free(sealed);

  char pre[128];
  snprintf(pre, sizeof pre, "kiosk-status-v1|%s|%s", a->reference, a->last4);
  crypto_generichash(hash, sizeof hash, (unsigned char *)pre, strlen(pre),
                     NULL, 0);
  sodium_bin2hex(digest, sizeof digest, hash, sizeof hash);

  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "uuid", a->uuid);
  cJSON_AddStringToObject(j, "reference", a->reference);
  cJSON_AddStringToObject(j, "device_id", device);
  cJSON_AddStringToObject(j, "created_at", "2026-11-22T09:30:00+08:00");
  cJSON_AddStringToObject(j, "region", region);
  cJSON *it = cJSON_AddArrayToObject(j, "items");
  cJSON_AddItemToArray(it, cJSON_CreateString("dibao"));
  cJSON_AddItemToArray(it, cJSON_CreateString(item2));
  if (urgent >= 0)
    cJSON_AddBoolToObject(j, "urgent", urgent);
  cJSON_AddStringToObject(j, "content_version", "2025.07.1");
  cJSON_AddNullToObject(j, "assisted_by");
  cJSON_AddStringToObject(j, "check_digest", digest);
  cJSON_AddStringToObject(j, "sealed", b64);
  free(b64);
  a->json = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  return a->json ? 0 : -1;
}

void srvtest_app_free(srvtest_app *a) {
  free(a->json);
  a->json = NULL;
}

/* ---- content publications ---- */

int srvtest_admin_key(unsigned char sk[64]) {
  char path[700];
  snprintf(path, sizeof path, "%s/admin.key", SRVTEST_PKI);
  return file_read_b64(path, sk, 64);
}

static char *b64(const void *p, size_t n) {
  size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
  char *out = malloc(cap);
  if (out)
    sodium_bin2base64(out, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
  return out;
}

void srvtest_sha256_hex(const void *p, size_t n, char out[65]) {
  unsigned char md[32];
  crypto_hash_sha256(md, p, n);
  sodium_bin2hex(out, 65, md, 32);
}

char *srvtest_publish_body(const char *version, const char *file,
                           int send_file, const unsigned char sk[64],
                           char **manifest_out) {
  char sha[65], manifest[512];
  unsigned char sig[64];
  srvtest_sha256_hex(file, strlen(file), sha);
  snprintf(manifest, sizeof manifest,
           "{\"version\":\"%s\",\"region\":\"140500\",\"expires\":"
           "\"2026-12-31\",\"files\":[{\"path\":\"policies/dibao.json\","
           "\"sha256\":\"%s\",\"size\":%zu}]}",
           version, sha, strlen(file));
  crypto_sign_detached(sig, NULL, (unsigned char *)manifest, strlen(manifest),
                       sk);
  cJSON *j = cJSON_CreateObject();
  char *m64 = b64(manifest, strlen(manifest));
  char *s64 = b64(sig, 64);
  cJSON_AddStringToObject(j, "manifest", m64);
  cJSON_AddStringToObject(j, "signature", s64);
  cJSON *files = cJSON_AddArrayToObject(j, "files");
  if (send_file) {
    char *f64 = b64(file, strlen(file));
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "sha256", sha);
    cJSON_AddStringToObject(f, "data", f64);
    cJSON_AddItemToArray(files, f);
    free(f64);
  }
  free(m64);
  free(s64);
  char *out = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  if (manifest_out)
    *manifest_out = strdup(manifest);
  return out;
}

char *srvtest_publish_files(const char *version, size_t n,
                            const char *const *paths,
                            const char *const *datas, const size_t *lens,
                            const unsigned char sk[64]) {
  cJSON *m = cJSON_CreateObject();
  cJSON_AddStringToObject(m, "version", version);
  cJSON_AddStringToObject(m, "region", "140500");
  cJSON_AddStringToObject(m, "expires", "2027-12-31");
  cJSON *mf = cJSON_AddArrayToObject(m, "files");
  cJSON *j = cJSON_CreateObject();
  cJSON *files = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++) {
    char sha[65];
    srvtest_sha256_hex(datas[i], lens[i], sha);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "path", paths[i]);
    cJSON_AddStringToObject(e, "sha256", sha);
    cJSON_AddNumberToObject(e, "size", (double)lens[i]);
    cJSON_AddItemToArray(mf, e);
    char *d64 = b64(datas[i], lens[i]);
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "sha256", sha);
    cJSON_AddStringToObject(f, "data", d64);
    cJSON_AddItemToArray(files, f);
    free(d64);
  }
  char *manifest = cJSON_PrintUnformatted(m);
  cJSON_Delete(m);
  unsigned char sig[64];
  crypto_sign_detached(sig, NULL, (unsigned char *)manifest,
                       strlen(manifest), sk);
  char *m64 = b64(manifest, strlen(manifest));
  char *s64 = b64(sig, 64);
  cJSON_AddStringToObject(j, "manifest", m64);
  cJSON_AddStringToObject(j, "signature", s64);
  cJSON_AddItemToObject(j, "files", files);
  free(m64);
  free(s64);
  free(manifest);
  char *out = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  return out;
}
