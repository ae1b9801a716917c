/* kiosk-server copy: a SQLite store moved into PostgreSQL keeps every
 * application with its sealed bytes, statuses, timeline and items, the
 * staff accounts, content, devices and audit log; run again it adds
 * nothing; an application added to the file afterwards is copied by the
 * next run; a different body under a known uuid is reported, not
 * overwritten. kiosk-server migrate on both kinds of database. Runs against the pgtest.sh fixture. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "pgtest.h"
#include "server/store.h"

static void app_fill(store_app *a, int n) {
  static unsigned char sealed[300];
  memset(a, 0, sizeof *a);
  for (size_t i = 0; i < sizeof sealed; i++)
    sealed[i] = (unsigned char)(i * 7 + n);
  snprintf(a->uuid, sizeof a->uuid, "00000000-0000-4000-8000-%012d", n);
  snprintf(a->reference, sizeof a->reference, "COPY-%04d-A", n);
  snprintf(a->device_id, sizeof a->device_id, "KIOSK-140500-%03d", n % 3);
  snprintf(a->region, sizeof a->region, "140500");
  snprintf(a->created_at, sizeof a->created_at, "2026-11-22T09:30:00+08:00");
  snprintf(a->content_version, sizeof a->content_version, "2025.07.1");
  memset(a->check_digest, 'a' + n % 6, 64);
  a->items_json = n % 4 == 0 ? "[]" : "[\"dibao\",\"medical\"]";
  a->urgent = n % 5 == 0;
  if (n % 3 == 0)
    snprintf(a->assisted_by, sizeof a->assisted_by, "S1");
  a->body_hash[0] = (unsigned char)n;
  a->body_hash[1] = (unsigned char)(n >> 8);
  a->sealed = sealed;
  a->sealed_len = sizeof sealed - (size_t)(n % 50);
  a->received_at = 10000 + n;
  snprintf(a->received_at_text, sizeof a->received_at_text, "t%d", n);
  unsigned char dg[STORE_SEARCH_BYTES];
  memset(dg, n, sizeof dg);
  static unsigned char keep[STORE_SEARCH_BYTES];
  memcpy(keep, dg, sizeof keep);
  a->search = keep;
  a->n_search = 1;
  a->searchable = 1;
}

/* A digest of everything a store says about its applications. */
typedef struct dig {
  store *st;
  crypto_generichash_state h;
  int64_t apps, events, items;
} dig;

static void add(dig *d, const char *s) {
  crypto_generichash_update(&d->h, (const unsigned char *)(s ? s : "(null)"),
                            strlen(s ? s : "(null)") + 1);
}

static int on_sealed(void *ud, const store_app *a) {
  dig *d = ud;
  char n[64];
  add(d, a->check_digest);
  snprintf(n, sizeof n, "%zu", a->sealed_len);
  add(d, n);
  crypto_generichash_update(&d->h, a->sealed, a->sealed_len);
  return 0;
}

static int on_event(void *ud, const store_event *e) {
  dig *d = ud;
  char n[32];
  add(d, e->item);
  add(d, e->status);
  add(d, e->note);
  add(d, e->staff_id);
  add(d, e->at_text);
  snprintf(n, sizeof n, "%lld", (long long)e->at);
  add(d, n);
  d->events++;
  return 0;
}

static int on_item(void *ud, const store_item *it) {
  dig *d = ud;
  add(d, it->item);
  add(d, it->status);
  add(d, it->updated_at_text);
  d->items++;
  return 0;
}

static int on_app(void *ud, const store_app *a) {
  dig *d = ud;
  char n[64];
  add(d, a->uuid);
  add(d, a->reference);
  add(d, a->device_id);
  add(d, a->region);
  add(d, a->items_json);
  add(d, a->assisted_by);
  add(d, a->status);
  add(d, a->kind);
  add(d, a->received_at_text);
  snprintf(n, sizeof n, "%lld/%d", (long long)a->received_at, a->urgent);
  add(d, n);
  d->apps++;
  CHECK(store_app_get(d->st, a->uuid, on_sealed, d) == KERR_OK);
  CHECK(store_app_events(d->st, a->uuid, on_event, d) == KERR_OK);
  CHECK(store_app_items(d->st, a->uuid, on_item, d) == KERR_OK);
  return 0;
}

static int on_audit(void *ud, const store_audit *a) {
  dig *d = ud;
  add(d, a->action);
  add(d, a->uuid);
  add(d, a->item);
  add(d, a->detail);
  return 0;
}

static int on_staff(void *ud, const store_staff *s) {
  dig *d = ud;
  add(d, s->id);
  add(d, s->role);
  add(d, s->pin_hash);
  return 0;
}

static int count_one(void *ud, const store_app *a) {
  (void)ud;
  (void)a;
  return 0;
}

static void digest_of(const char *target, char hex[65], int64_t counts[3]) {
  store *st = NULL;
  dig d = {0};
  unsigned char out[32];
  int64_t total = 0;
  CHECK(store_open(target, 2, &st) == KERR_OK);
  if (!st)
    return;
  d.st = st;
  crypto_generichash_init(&d.h, NULL, 0, sizeof out);
  store_app_filter f = {.assisted = -1, .urgent = -1,
                        .sort = STORE_SORT_REFERENCE, .limit = 1000};
  CHECK(store_app_find(st, &f, on_app, &d, &total) == KERR_OK);
  CHECK(store_audit_list(st, 0, 1LL << 40, 1000, on_audit, &d) == KERR_OK);
  CHECK(store_staff_list(st, on_staff, &d) == KERR_OK);
  store_manifest m;
  unsigned char *buf = NULL;
  CHECK(store_content_manifest(st, "140500", &m, &buf) == KERR_OK);
  if (buf)
    crypto_generichash_update(&d.h, buf, m.manifest_len);
  free(buf);
  /* Search digests came along: the application is found by one. */
  unsigned char probe[STORE_SEARCH_BYTES];
  memset(probe, 7, sizeof probe);
  int64_t found = 0;
  store_app_filter sf = {.assisted = -1, .urgent = -1, .digests = probe,
                         .n_digests = 1, .limit = 10};
  CHECK(store_app_find(st, &sf, count_one, NULL, &found) == KERR_OK);
  CHECK_INT(found, 1);
  crypto_generichash_final(&d.h, out, sizeof out);
  sodium_bin2hex(hex, 65, out, sizeof out);
  counts[0] = d.apps;
  counts[1] = d.events;
  counts[2] = d.items;
  store_destroy(st);
}

static int run_copy(const char *from, const char *to) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "'%s' copy --from '%s' --to '%s'", SRVTEST_BIN,
           from, to);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* kiosk-server migrate --db target: its exit status, and its output line
 * into out. */
static int run_migrate(const char *target, char *out, size_t cap) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "'%s' migrate --config /dev/null --db '%s' 2>/dev/null",
           SRVTEST_BIN, target);
  FILE *f = popen(cmd, "r");
  out[0] = '\0';
  if (!f)
    return -1;
  if (!fgets(out, (int)cap, f))
    out[0] = '\0';
  out[strcspn(out, "\n")] = '\0';
  int rc = pclose(f);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int main(void) {
  char file[600], uri[600], a_hex[65], b_hex[65];
  int64_t a_n[3], b_n[3];
  store *st = NULL;
  store_app a;
  int created = 0;
  if (sodium_init() < 0)
    return 1;
  mkdir(SRVTEST_WORK, 0700);
  snprintf(file, sizeof file, "%s/copy-%d.db", SRVTEST_WORK, (int)getpid());
  unlink(file);
  char name[64];
  snprintf(name, sizeof name, "copy_%d", (int)getpid());
  if (pgtest_fresh(name, uri, sizeof uri) != 0) {
    fprintf(stderr, "test_store_copy: no PostgreSQL (pgtest.sh fixture)\n");
    return 1;
  }

  /* migrate makes and migrates either kind of database, and says so. */
  char line[128];
  CHECK_INT(run_migrate(uri, line, sizeof line), 0);
  CHECK_STR(line, "schema version 12");
  CHECK_INT(run_migrate(file, line, sizeof line), 0);
  CHECK_STR(line, "schema version 12");
  CHECK_INT(run_migrate("postgresql:///x?host=/nonexistent-dir", line,
                        sizeof line),
            2);
  unlink(file);

  /* A SQLite store with some history. */
  CHECK(store_open(file, 1, &st) == KERR_OK);
  if (!st)
    return TEST_DONE();
  for (int i = 1; i <= 60; i++) {
    app_fill(&a, i);
    CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  }
  const char *items[] = {"dibao"}, *from[] = {"submitted"};
  for (int i = 1; i <= 60; i += 7) {
    char uuid[STORE_UUID_MAX + 1];
    snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d", i);
    if (i % 4 == 0)
      continue;
    store_change c = {.uuid = uuid, .items = items, .from = from, .n = 1,
                      .action = "status",
                      .ev = {.status = "accepted", .note = "材料齐全",
                             .staff_id = "S1", .at_text = "t", .at = 20000}};
    CHECK(store_status_change(st, &c) == KERR_OK);
  }
  CHECK(store_staff_put(st, "S1", "王测试", "$hash", "", STORE_ROLE_WINDOW,
                        1) == KERR_OK);
  CHECK(store_staff_set_pin(st, "S1", "$pin") == KERR_OK);
  store_device dev = {.device_id = "KIOSK-140500-001",
                      .content_version = "1.1", .last_errors_json = "[]",
                      .last_seen = 5};
  CHECK(store_device_seen(st, &dev) == KERR_OK);
  const unsigned char man[] = "{\"version\":\"1.1\"}";
  store_file fl = {.data = (const unsigned char *)"file", .size = 4};
  memset(fl.sha256, 'b', 64);
  store_manifest m = {.region = "140500", .version = "1.1", .manifest = man,
                      .manifest_len = sizeof man - 1, .published_at = 1,
                      .published_by = "admin-zhao"};
  memset(m.etag, 'e', 64);
  CHECK(store_content_publish(st, &m, &fl, 1, &created, NULL) == KERR_OK);
  store_destroy(st);

  /* Copied; everything the stores say about it is the same. */
  CHECK_INT(run_copy(file, uri), 0);
  digest_of(file, a_hex, a_n);
  digest_of(uri, b_hex, b_n);
  CHECK_INT(a_n[0], 60);
  CHECK_INT(b_n[0], 60);
  CHECK_INT(b_n[1], a_n[1]);
  CHECK_INT(b_n[2], a_n[2]);
  CHECK_STR(b_hex, a_hex);

  /* Again: nothing doubled. */
  CHECK_INT(run_copy(file, uri), 0);
  digest_of(uri, b_hex, b_n);
  CHECK_INT(b_n[0], 60);
  CHECK_INT(b_n[1], a_n[1]);
  CHECK_STR(b_hex, a_hex);

  /* One more in the file: the next run takes just that one. */
  CHECK(store_open(file, 1, &st) == KERR_OK);
  app_fill(&a, 61);
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  store_destroy(st);
  CHECK_INT(run_copy(file, uri), 0);
  digest_of(file, a_hex, a_n);
  digest_of(uri, b_hex, b_n);
  CHECK_INT(b_n[0], 61);
  CHECK_INT(b_n[1], a_n[1]);
  CHECK_STR(b_hex, a_hex);

  /* The PostgreSQL copy changed meanwhile under a known uuid: reported
   * (exit 1), left as it is, nothing else touched. */
  CHECK(pgtest_exec(uri, "UPDATE applications SET body_hash ="
                         " decode(repeat('11', 32), 'hex') WHERE uuid ="
                         " '00000000-0000-4000-8000-000000000002'") == 0);
  CHECK_INT(run_copy(file, uri), 1);
  digest_of(uri, b_hex, b_n);
  CHECK_INT(b_n[0], 61);

  /* Bad arguments: a usage error, nothing done. */
  CHECK_INT(run_copy(uri, file), 2);
  CHECK_INT(run_copy("/nonexistent-dir/x.db", uri), 2);
  unlink(file);
  return TEST_DONE();
}
