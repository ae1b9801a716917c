/* store: the contract every storage backend must meet, run against SQLite
 * and (registered again with KIOSK_TEST_PG_STATE, pgtest.h) against
 * PostgreSQL. Idempotent puts, conflicts, concurrent duplicates, timelines,
 * content versions, devices, staff lockout, sessions, reopening, concurrent
 * writers, and urgent applications listed first while they wait. The
 * checks of SQLite's files (modes) and of its older schemas run on SQLite
 * only. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "pgtest.h"
#include "server/store.h"

static char db_path[600];
static int pg; /* against PostgreSQL */

/* A fresh database for one case: a removed SQLite file under the work
 * folder, or a PostgreSQL database made anew. */
static void target(char *out, size_t cap, const char *name) {
  char n[128];
  snprintf(n, sizeof n, "%s-%d", name, (int)getpid());
  if (pg) {
    for (char *q = n; *q; q++)
      if (*q == '-')
        *q = '_';
    if (pgtest_fresh(n, out, cap) != 0) {
      fprintf(stderr, "test_store: no PostgreSQL database for %s\n", name);
      exit(1);
    }
    return;
  }
  snprintf(out, cap, "%s/%s.db", SRVTEST_WORK, n);
  unlink(out);
}

/* SQL straight to the database, past the store. */
static int raw_exec(const char *t, const char *sql) {
  if (pg)
    return pgtest_exec(t, sql);
  sqlite3 *raw = NULL;
  int rc = sqlite3_open(t, &raw) == SQLITE_OK &&
                   sqlite3_exec(raw, sql, NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
  sqlite3_close(raw);
  return rc;
}

static void app_fill(store_app *a, int n, const char *ref) {
  static const unsigned char sealed[64] = {1, 2, 3};
  memset(a, 0, sizeof *a);
  snprintf(a->uuid, sizeof a->uuid, "00000000-0000-4000-8000-%012d", n);
  snprintf(a->reference, sizeof a->reference, "%s", ref);
  snprintf(a->device_id, sizeof a->device_id, "KIOSK-140500-001");
  snprintf(a->region, sizeof a->region, "140500");
  snprintf(a->created_at, sizeof a->created_at, "2026-11-22T09:30:00+08:00");
  snprintf(a->content_version, sizeof a->content_version, "2025.07.1");
  memset(a->check_digest, 'a', 64);
  a->items_json = "[\"dibao\"]";
  a->body_hash[0] = (unsigned char)n;
  a->sealed = sealed;
  a->sealed_len = sizeof sealed;
  a->received_at = 1000 + n;
  snprintf(a->received_at_text, sizeof a->received_at_text, "t%d", n);
}

static int count_app(void *ud, const store_app *a) {
  (void)a;
  (*(int *)ud)++;
  return 0;
}

static int count_ev(void *ud, const store_event *e) {
  (void)e;
  (*(int *)ud)++;
  return 0;
}

static int last_status(void *ud, const store_event *e) {
  snprintf(ud, 32, "%s|%s|%s", e->status, e->note,
           e->staff_id ? e->staff_id : "-");
  return 0;
}

static int grab_sealed(void *ud, const store_app *a) {
  *(size_t *)ud = a->sealed_len;
  return 0;
}

/* Migration 12 undone (disabled accounts). */
#define UNDO_12 "ALTER TABLE staff DROP COLUMN disabled;"
/* Migration 11 undone (the search index and the list's indexes), after
 * 12. */
#define UNDO_11                                                                \
  UNDO_12 "DROP TABLE search_keys; DROP TABLE search_indexed;"                         \
  "DROP INDEX applications_list; DROP INDEX applications_refkey;"              \
  "DROP INDEX applications_urgent_waiting;"
/* Migration 10 undone (kiosk PINs), after 11. */
#define UNDO_10 UNDO_11 "ALTER TABLE staff DROP COLUMN pin_hash;"
/* Takes a database back from migrations 11, 10 and 9 (joint processing)
 * to 8. */
#define UNDO_TO_8 UNDO_9
/* Takes a database back from migration 9 (joint processing) to 8, the
 * later ones first. */
#define UNDO_9                                                                 \
  UNDO_10 "DROP TABLE item_status; DROP TABLE audit;"                          \
  "ALTER TABLE events DROP COLUMN item;"                                       \
  "ALTER TABLE staff DROP COLUMN dept;"                                        \
  "ALTER TABLE staff DROP COLUMN role;"                                        \
  "ALTER TABLE staff DROP COLUMN supervisor;"

/* Appends "ID," of each disabled account. */
static int list_disabled(void *ud, const store_staff *x) {
  if (x->disabled)
    strcat(ud, x->id), strcat(ud, ",");
  return 0;
}

/* References of the listed applications, "A,B,C". */
static int join_ref(void *ud, const store_app *a) {
  char *s = ud;
  size_t n = strlen(s);
  snprintf(s + n, 256 - n, "%s%s%s", n ? "," : "", a->reference,
           a->urgent ? "!" : "");
  return 0;
}

/* "kind:REF,..." of the listed rows. */
static int join_kind(void *ud, const store_app *a) {
  char *s = ud;
  size_t n = strlen(s);
  snprintf(s + n, 256 - n, "%s%s:%s", n ? "," : "", a->kind, a->reference);
  return 0;
}

/* A referral (帮别人求助) is stored with its kind, no items and no check
 * digest; an application put with no kind reads back as one. */
static void test_kind(void) {
  char path[700], got[256] = "";
  store *st = NULL;
  store_app a;
  int created = 0;
  target(path, sizeof path, "store-kind");
  CHECK(store_open(path, 1, &st) == KERR_OK);
  app_fill(&a, 601, "REFE-RRAL-A");
  snprintf(a.kind, sizeof a.kind, "referral");
  a.items_json = "[]";
  memset(a.check_digest, 0, sizeof a.check_digest);
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  app_fill(&a, 602, "APPL-ICAT-B");
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  CHECK(store_app_list(st, 0, 2000, 10, join_kind, got) == KERR_OK);
  CHECK_STR(got, "application:APPL-ICAT-B,referral:REFE-RRAL-A");
  store_destroy(st);
  if (!pg)
    unlink(path);
}

/* Urgent applications not yet 发放 or 退回补正 come first, then the
 * list's own time order; the count and the urgent list agree; a database
 * from before migration 7 opens with its rows not urgent. */
static void test_urgent(void) {
  char path[700], got[256];
  store *st = NULL;
  store_app a;
  int created = 0;
  int64_t n = -1;
  target(path, sizeof path, "store-urgent");
  CHECK(store_open(path, 1, &st) == KERR_OK);
  /* received_at 1000 + n: U1 oldest ... N5 newest. */
  const char *refs[] = {"", "URGE-NT01-A", "NORM-AL02-B", "URGE-NT03-C",
                        "URGE-NT04-D", "NORM-AL05-E"};
  for (int i = 1; i <= 5; i++) {
    app_fill(&a, 500 + i, refs[i]);
    a.received_at = 1000 + i;
    a.urgent = refs[i][0] == 'U';
    CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  }
  got[0] = '\0';
  CHECK(store_app_list(st, 0, 2000, 10, join_ref, got) == KERR_OK);
  CHECK_STR(got, "URGE-NT04-D!,URGE-NT03-C!,URGE-NT01-A!,NORM-AL05-E,"
                 "NORM-AL02-B");
  CHECK(store_app_count_urgent(st, &n) == KERR_OK);
  CHECK_INT(n, 3);
  /* Paid (done) and returned (with the applicant): back among the rest. */
  store_event ev = {.status = "paid", .note = "", .staff_id = "S1",
                    .at_text = "t", .at = 1};
  CHECK(store_app_set_status(st, "00000000-0000-4000-8000-000000000504",
                             &ev) == KERR_OK);
  ev.status = "returned";
  CHECK(store_app_set_status(st, "00000000-0000-4000-8000-000000000501",
                             &ev) == KERR_OK);
  ev.status = "accepted"; /* accepted is still waiting */
  CHECK(store_app_set_status(st, "00000000-0000-4000-8000-000000000503",
                             &ev) == KERR_OK);
  got[0] = '\0';
  CHECK(store_app_list(st, 0, 2000, 10, join_ref, got) == KERR_OK);
  CHECK_STR(got, "URGE-NT03-C!,NORM-AL05-E,URGE-NT04-D!,NORM-AL02-B,"
                 "URGE-NT01-A!");
  CHECK(store_app_count_urgent(st, &n) == KERR_OK);
  CHECK_INT(n, 1);
  got[0] = '\0';
  CHECK(store_app_list_urgent(st, 10, join_ref, got) == KERR_OK);
  CHECK_STR(got, "URGE-NT03-C!");
  /* By reference: the waiting urgent one first, then oldest first. */
  app_fill(&a, 506, "NORM-AL02-B");
  snprintf(a.device_id, sizeof a.device_id, "KIOSK-140500-002");
  a.urgent = 1;
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  got[0] = '\0';
  CHECK(store_app_by_reference(st, "NORM-AL02-B", join_ref, got) == KERR_OK);
  CHECK_STR(got, "NORM-AL02-B!,NORM-AL02-B");
  store_destroy(st);
  if (pg)
    return;

  /* Back to schema 6 (no urgent column), then reopened: migrated, the
   * rows kept and not urgent. */
  sqlite3 *raw = NULL;
  CHECK(sqlite3_open(path, &raw) == SQLITE_OK);
  CHECK(sqlite3_exec(raw,
                     UNDO_TO_8
                     "DROP INDEX applications_urgent;"
                     "ALTER TABLE applications DROP COLUMN kind;"
                     "ALTER TABLE applications DROP COLUMN urgent;"
                     "PRAGMA user_version=6;",
                     NULL, NULL, NULL) == SQLITE_OK);
  sqlite3_close(raw);
  CHECK(store_open(path, 1, &st) == KERR_OK);
  CHECK_INT(store_schema_version(st), 12);
  got[0] = '\0';
  CHECK(store_app_list(st, 0, 2000, 10, join_ref, got) == KERR_OK);
  CHECK_STR(got, "NORM-AL02-B,NORM-AL05-E,URGE-NT04-D,URGE-NT03-C,"
                 "NORM-AL02-B,URGE-NT01-A");
  CHECK(store_app_count_urgent(st, &n) == KERR_OK);
  CHECK_INT(n, 0);
  store_destroy(st);
  unlink(path);
}

typedef struct worker {
  store *st;
  int base;
  int ok;
} worker;

static void *writer(void *arg) {
  worker *w = arg;
  for (int i = 0; i < 50; i++) {
    store_app a;
    int created = 0;
    app_fill(&a, w->base + i, "CONC-URRE-NT");
    /* (device, reference) is unique: one device per application here. */
    snprintf(a.device_id, sizeof a.device_id, "KIOSK-140500-%03d",
             w->base + i);
    if (store_app_put(w->st, &a, &created) == KERR_OK && created)
      w->ok++;
  }
  return NULL;
}

static int mode_of(const char *path, const char *suffix) {
  char p[700];
  struct stat st;
  snprintf(p, sizeof p, "%s%s", path, suffix);
  return stat(p, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

/* The database and its -wal and -shm are the server's alone, whatever the
 * umask; a file left open to others is narrowed on open. */
/* "item=status,item=status" of an application. */
static int join_items(void *ud, const store_item *it) {
  char *s = ud;
  size_t n = strlen(s);
  snprintf(s + n, 256 - n, "%s%s=%s", n ? "," : "", it->item, it->status);
  return 0;
}

static int join_queue(void *ud, const store_item *it) {
  char *s = ud;
  size_t n = strlen(s);
  snprintf(s + n, 256 - n, "%s%s/%s", n ? "," : "", it->reference, it->item);
  return 0;
}

static int count_audit(void *ud, const store_audit *a) {
  char *s = ud;
  size_t n = strlen(s);
  snprintf(s + n, 256 - n, "%s%s:%s:%s", n ? "," : "", a->action,
           a->item ? a->item : "-", a->detail);
  return 0;
}

static int app_level_events(void *ud, const store_event *e) {
  char *s = ud;
  size_t n = strlen(s);
  if (!e->item)
    snprintf(s + n, 256 - n, "%s%s", n ? "," : "", e->status);
  return 0;
}

/* "REF status|ev:item@at/staff,...|item=status@at,..." of each candidate a
 * progress query hands over, ";" between them: the one call must say what
 * store_app_by_reference, store_app_events and store_app_items say. */
static int join_progress(void *ud, const store_progress *p) {
  char *s = ud;
  size_t n = strlen(s);
  n += (size_t)snprintf(s + n, 512 - n, "%s%s %s|", n ? ";" : "",
                        p->app->reference, p->app->status);
  for (size_t i = 0; i < p->n_events && n < 512; i++) {
    const store_event *e = &p->events[i];
    n += (size_t)snprintf(s + n, 512 - n, "%s%s:%s@%s/%s%s", i ? "," : "",
                          e->status, e->item ? e->item : "-", e->at_text,
                          e->staff_id ? e->staff_id : "-",
                          e->at == 0 ? "!" : "");
  }
  if (n < 512)
    n += (size_t)snprintf(s + n, 512 - n, "|");
  for (size_t i = 0; i < p->n_items && n < 512; i++)
    n += (size_t)snprintf(s + n, 512 - n, "%s%s=%s@%s", i ? "," : "",
                          p->items[i].item, p->items[i].status,
                          p->items[i].updated_at_text);
  return 0;
}

static int status_into(void *ud, const store_app *a) {
  snprintf(ud, STORE_STATUS_MAX + 1, "%s", a->status);
  return 0;
}

/* Item statuses: rows made on put (none without items), a change moves
 * only the items named and only from the status they were seen in, the
 * application's summary follows the least advanced open item with an
 * event of its own, audit records per item that cannot be changed or
 * deleted, the queue oldest first without closed items; and a database
 * from before migration 9 gets each item in the application's status. */
static void test_items(void) {
  char path[700], got[256], sum[STORE_STATUS_MAX + 1];
  store *st = NULL;
  store_app a;
  int created = 0;
  target(path, sizeof path, "store-items");
  CHECK(store_open(path, 1, &st) == KERR_OK);
  app_fill(&a, 601, "ITEM-S001-A");
  a.items_json = "[\"dibao\",\"medical\"]";
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  app_fill(&a, 602, "ITEM-S002-B");
  a.items_json = "[]"; /* a referral lead: no items */
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  app_fill(&a, 600, "ITEM-S000-C"); /* the oldest */
  a.items_json = "[\"medical\"]";
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);

  const char *u1 = "00000000-0000-4000-8000-000000000601";
  const char *u2 = "00000000-0000-4000-8000-000000000602";
  got[0] = '\0';
  CHECK(store_app_items(st, u1, join_items, got) == KERR_OK);
  CHECK_STR(got, "dibao=submitted,medical=submitted");
  got[0] = '\0';
  CHECK(store_app_items(st, u2, join_items, got) == KERR_OK);
  CHECK_STR(got, "");

  /* Both items accepted: the summary follows, one application event. */
  const char *both[] = {"dibao", "medical"};
  const char *sub2[] = {"submitted", "submitted"};
  store_change c = {.uuid = u1, .items = both, .from = sub2, .n = 2,
                    .action = "status",
                    .ev = {.status = "accepted", .note = "齐全",
                           .staff_id = "S1", .at_text = "t2", .at = 2000}};
  CHECK(store_status_change(st, &c) == KERR_OK);
  /* The same change again: the items are no longer submitted. */
  CHECK(store_status_change(st, &c) == KERR_CONFLICT);
  /* Only medical moves on; the summary stays at the least advanced. */
  const char *med[] = {"medical"}, *acc[] = {"accepted"};
  store_change m = {.uuid = u1, .items = med, .from = acc, .n = 1,
                    .action = "status",
                    .ev = {.status = "reviewing", .note = "",
                           .staff_id = "S2", .at_text = "t3", .at = 3000}};
  CHECK(store_status_change(st, &m) == KERR_OK);
  got[0] = '\0';
  CHECK(store_app_items(st, u1, join_items, got) == KERR_OK);
  CHECK_STR(got, "dibao=accepted,medical=reviewing");
  CHECK(store_app_get(st, u1, status_into, sum) == KERR_OK);
  CHECK_STR(sum, "accepted");
  got[0] = '\0';
  CHECK(store_app_events(st, u1, app_level_events, got) == KERR_OK);
  CHECK_STR(got, "submitted,accepted");
  /* The progress query's one call: the application, every event oldest
   * first, the items in order; an application without items has none;
   * an unknown reference calls nothing. */
  char pr[512] = "";
  CHECK(store_app_progress(st, "ITEM-S001-A", join_progress, pr) == KERR_OK);
  CHECK_STR(pr, "ITEM-S001-A accepted|submitted:-@t601/-,"
                "accepted:dibao@t2/S1,accepted:medical@t2/S1,"
                "accepted:-@t2/S1,reviewing:medical@t3/S2|"
                "dibao=accepted@t2,medical=reviewing@t3");
  pr[0] = '\0';
  CHECK(store_app_progress(st, "ITEM-S002-B", join_progress, pr) == KERR_OK);
  CHECK_STR(pr, "ITEM-S002-B submitted|submitted:-@t602/-|");
  pr[0] = '\0';
  CHECK(store_app_progress(st, "NONE-XXXX-Y", join_progress, pr) == KERR_OK);
  CHECK_STR(pr, "");
  /* An unknown item or application. */
  const char *nope[] = {"housing"};
  m.items = nope;
  CHECK(store_status_change(st, &m) == KERR_CONFLICT);
  m.items = med;
  m.uuid = "00000000-0000-4000-8000-999999999999";
  CHECK(store_status_change(st, &m) == KERR_NOTFOUND);

  /* The application without items moves itself. */
  store_change r = {.uuid = u2, .n = 0, .app_from = "submitted",
                    .action = "status",
                    .ev = {.status = "accepted", .note = "",
                           .staff_id = "S1", .at_text = "t4", .at = 4000}};
  CHECK(store_status_change(st, &r) == KERR_OK);
  CHECK(store_status_change(st, &r) == KERR_CONFLICT);
  CHECK(store_app_get(st, u2, status_into, sum) == KERR_OK);
  CHECK_STR(sum, "accepted");

  /* Audit: one record per item moved, and one for the application. */
  got[0] = '\0';
  CHECK(store_audit_list(st, 0, 10000, 100, count_audit, got) == KERR_OK);
  CHECK_STR(got, "status:-:submitted->accepted,"
                 "status:medical:accepted->reviewing,"
                 "status:medical:submitted->accepted,"
                 "status:dibao:submitted->accepted");
  store_audit ra = {.at = 5000, .at_text = "t5", .staff_id = "S1",
                    .action = "open", .uuid = u1};
  CHECK(store_audit_add(st, &ra) == KERR_OK);
  got[0] = '\0';
  CHECK(store_audit_list(st, 5000, 5001, 100, count_audit, got) == KERR_OK);
  CHECK_STR(got, "open:-:");

  /* Queue: medical items, oldest application first; paid ones leave. */
  got[0] = '\0';
  CHECK(store_queue(st, "[\"medical\"]", 10, join_queue, got) == KERR_OK);
  CHECK_STR(got, "ITEM-S000-C/medical,ITEM-S001-A/medical");
  const char *rev[] = {"reviewing"};
  store_change p = {.uuid = u1, .items = med, .from = rev, .n = 1,
                    .action = "correct",
                    .ev = {.status = "paid", .note = "", .staff_id = "S2",
                           .at_text = "t6", .at = 6000}};
  CHECK(store_status_change(st, &p) == KERR_OK);
  got[0] = '\0';
  CHECK(store_queue(st, "[\"medical\"]", 10, join_queue, got) == KERR_OK);
  CHECK_STR(got, "ITEM-S000-C/medical");
  got[0] = '\0';
  CHECK(store_queue(st, NULL, 10, join_queue, got) == KERR_OK);
  CHECK_STR(got, "ITEM-S000-C/medical,ITEM-S001-A/dibao");
  store_destroy(st);

  /* The audit log refuses changes, even straight through the database. */
  CHECK(raw_exec(path, "DELETE FROM audit") != 0);
  CHECK(raw_exec(path, "UPDATE audit SET staff_id = 'X'") != 0);
  if (pg)
    return;
  sqlite3 *raw = NULL;
  CHECK(sqlite3_open(path, &raw) == SQLITE_OK);
  /* Back to schema 8 with the first application "reviewing" as a whole. */
  CHECK(sqlite3_exec(raw,
                     "DROP TRIGGER audit_no_delete;" UNDO_TO_8
                     "UPDATE applications SET status = 'reviewing'"
                     " WHERE reference = 'ITEM-S001-A';"
                     "PRAGMA user_version=8;",
                     NULL, NULL, NULL) == SQLITE_OK);
  sqlite3_close(raw);
  CHECK(store_open(path, 1, &st) == KERR_OK);
  if (!st)
    return;
  CHECK_INT(store_schema_version(st), 12);
  got[0] = '\0';
  CHECK(store_app_items(st, u1, join_items, got) == KERR_OK);
  CHECK_STR(got, "dibao=reviewing,medical=reviewing");
  got[0] = '\0';
  CHECK(store_app_items(st, u2, join_items, got) == KERR_OK);
  CHECK_STR(got, "");
  CHECK(store_app_get(st, u2, status_into, sum) == KERR_OK);
  CHECK_STR(sum, "accepted");
  /* Staff from before are window staff, without a department. */
  store_destroy(st);
}

static void test_modes(void) {
  char path[700];
  store *st = NULL;
  store_app a;
  int created = 0;
  snprintf(path, sizeof path, "%s/modes-%d.db", SRVTEST_WORK, (int)getpid());
  unlink(path);
  mode_t old = umask(022);
  CHECK(store_open(path, 1, &st) == KERR_OK);
  app_fill(&a, 7, "MODE-TEST-1");
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  CHECK_INT(mode_of(path, ""), 0600);
  CHECK_INT(mode_of(path, "-wal"), 0600);
  CHECK_INT(mode_of(path, "-shm"), 0600);
  store_destroy(st);
  CHECK(chmod(path, 0644) == 0);
  CHECK(store_open(path, 1, &st) == KERR_OK);
  CHECK_INT(mode_of(path, ""), 0600);
  CHECK_INT(mode_of(path, "-wal"), 0600);
  store_destroy(st);
  umask(old);
  char p2[710];
  unlink(path);
  snprintf(p2, sizeof p2, "%s-wal", path);
  unlink(p2);
  snprintf(p2, sizeof p2, "%s-shm", path);
  unlink(p2);
}

static int rekey_b(void *ud, store_app *a) {
  (*(int *)ud)++;
  memset(a->check_digest, 'b', 64);
  memset(a->body_hash, 0xbb, 32);
  return 0;
}

static int rekey_fail(void *ud, store_app *a) {
  (void)ud;
  memset(a->check_digest, 'c', 64);
  return 1;
}

static int grab_digest(void *ud, const store_app *a) {
  snprintf(ud, 65, "%s", a->check_digest);
  return 0;
}

/* Rows from before keyed digests are handed over once, in one
 * transaction; a failure leaves them all as they were. */
typedef struct list_ctx {
  char text[256];
} list_ctx;

static int list_each(void *ud, const store_manifest *m) {
  list_ctx *c = ud;
  size_t n = strlen(c->text);
  snprintf(c->text + n, sizeof c->text - n, "%s %s %lld;", m->version,
           m->published_by, (long long)m->published_at);
  return 0;
}

static void test_rekey(void) {
  char path[700], dg[65] = "";
  store *st = NULL;
  store_app a;
  int created = 0, calls = 0, n = -1;
  target(path, sizeof path, "rekey");
  CHECK(store_open(path, 1, &st) == KERR_OK);
  app_fill(&a, 1, "REKE-YONE-1");
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  app_fill(&a, 2, "REKE-YTWO-2");
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  /* New puts are keyed already: nothing to do. */
  CHECK(store_app_rekey(st, rekey_b, &calls, &n) == KERR_OK);
  CHECK_INT(n, 0);
  CHECK_INT(calls, 0);
  store_destroy(st);
  CHECK(raw_exec(path, "UPDATE applications SET check_keyed = 0") == 0);
  CHECK(store_open(path, 1, &st) == KERR_OK);
  CHECK(store_app_rekey(st, rekey_fail, NULL, &n) == KERR_INTERNAL);
  CHECK_INT(n, 0);
  CHECK(store_app_get(st, "00000000-0000-4000-8000-000000000001", grab_digest,
                      dg) == KERR_OK);
  CHECK(dg[0] == 'a'); /* rolled back */
  CHECK(store_app_rekey(st, rekey_b, &calls, &n) == KERR_OK);
  CHECK_INT(n, 2);
  CHECK_INT(calls, 2);
  CHECK(store_app_get(st, "00000000-0000-4000-8000-000000000002", grab_digest,
                      dg) == KERR_OK);
  CHECK(dg[0] == 'b');
  /* The resend check now uses the new body hash. */
  app_fill(&a, 2, "REKE-YTWO-2");
  memset(a.body_hash, 0xbb, 32);
  CHECK(store_app_put(st, &a, &created) == KERR_OK);
  CHECK_INT(created, 0);
  CHECK(store_app_rekey(st, rekey_b, &calls, &n) == KERR_OK);
  CHECK_INT(n, 0);
  store_destroy(st);
  if (!pg)
    unlink(path);
}

typedef struct dup_worker {
  store *st;
  int differ; /* 1: each thread's body differs */
  int id;
  int n; /* which application */
  kerr err;
  int created;
} dup_worker;

static pthread_barrier_t dup_go;

static void *dup_put(void *arg) {
  dup_worker *w = arg;
  store_app a;
  char ref[STORE_REF_MAX + 1];
  snprintf(ref, sizeof ref, "DUPL-ICAT-%d", w->n);
  app_fill(&a, w->n, ref);
  if (w->differ)
    a.body_hash[1] = (unsigned char)w->id;
  pthread_barrier_wait(&dup_go);
  w->err = store_app_put(w->st, &a, &w->created);
  return NULL;
}

/* The same application sent by several threads at once (a kiosk retrying
 * while its first send is still in flight): stored exactly once, every
 * other send answered as a resend; with different bodies, one is stored
 * and the rest conflict. */
static void test_duplicates(void) {
  char path[700];
  store *st = NULL;
  enum { N = 8, ROUNDS = 6 };
  for (int differ = 0; differ <= 1; differ++) {
    target(path, sizeof path, differ ? "dup-differ" : "dup-same");
    CHECK(store_open(path, N, &st) == KERR_OK);
    if (!st)
      return;
    for (int round = 0; round < ROUNDS; round++) {
      pthread_t th[N];
      dup_worker w[N];
      pthread_barrier_init(&dup_go, NULL, N);
      for (int i = 0; i < N; i++) {
        w[i] = (dup_worker){.st = st, .differ = differ, .id = i + 1,
                            .n = 900 + round};
        pthread_create(&th[i], NULL, dup_put, &w[i]);
      }
      int made = 0, resent = 0, conflicts = 0;
      for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        if (w[i].err == KERR_OK && w[i].created)
          made++;
        else if (w[i].err == KERR_OK)
          resent++;
        else if (w[i].err == KERR_CONFLICT)
          conflicts++;
        else
          fprintf(stderr, "duplicate put: %s\n", kerr_str(w[i].err));
      }
      pthread_barrier_destroy(&dup_go);
      CHECK_INT(made, 1);
      CHECK_INT(differ ? conflicts : resent, N - 1);
      char ref[STORE_REF_MAX + 1], uuid[STORE_UUID_MAX + 1];
      int n = 0, ev = 0;
      snprintf(ref, sizeof ref, "DUPL-ICAT-%d", 900 + round);
      snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d",
               900 + round);
      CHECK(store_app_by_reference(st, ref, count_app, &n) == KERR_OK);
      CHECK_INT(n, 1);
      CHECK(store_app_events(st, uuid, count_ev, &ev) == KERR_OK);
      CHECK_INT(ev, 1);
    }
    store_destroy(st);
    if (!pg)
      unlink(path);
  }
}

/* What one intake stores with the application: its first event, a status
 * row per item, and its search digests, found again by each digest and by
 * nothing else; applications put from several threads at once (one batch
 * on SQLite) keep theirs apart. */
typedef struct search_worker {
  store *st;
  int n;
  kerr err;
  int created;
} search_worker;

static void search_digest(unsigned char d[STORE_SEARCH_BYTES], int n, int k) {
  for (int i = 0; i < STORE_SEARCH_BYTES; i++)
    d[i] = (unsigned char)(n * 31 + k * 7 + i);
}

static void *search_put_one(void *arg) {
  search_worker *w = arg;
  store_app a;
  unsigned char d[2][STORE_SEARCH_BYTES];
  char ref[STORE_REF_MAX + 1];
  snprintf(ref, sizeof ref, "SRCH-%04d-A", w->n);
  app_fill(&a, w->n, ref);
  a.items_json = "[\"dibao\",\"medical\"]";
  search_digest(d[0], w->n, 0);
  search_digest(d[1], w->n, 1);
  a.search = &d[0][0];
  a.n_search = 2;
  a.searchable = 1;
  w->err = store_app_put(w->st, &a, &w->created);
  return NULL;
}

static int count_items(void *ud, const store_item *it) {
  (void)it;
  (*(int *)ud)++;
  return 0;
}

static int grab_uuid(void *ud, const store_app *a) {
  snprintf(ud, STORE_UUID_MAX + 1, "%s", a->uuid);
  return 0;
}

static void test_search_put(void) {
  char path[700];
  store *st = NULL;
  enum { N = 6 };
  target(path, sizeof path, "search-put");
  CHECK(store_open(path, N, &st) == KERR_OK);
  if (!st)
    return;
  pthread_t th[N];
  search_worker w[N];
  for (int i = 0; i < N; i++) {
    w[i] = (search_worker){.st = st, .n = 700 + i};
    pthread_create(&th[i], NULL, search_put_one, &w[i]);
  }
  for (int i = 0; i < N; i++) {
    pthread_join(th[i], NULL);
    CHECK(w[i].err == KERR_OK && w[i].created);
  }
  for (int i = 0; i < N; i++) {
    char uuid[STORE_UUID_MAX + 1], want[STORE_UUID_MAX + 1];
    snprintf(want, sizeof want, "00000000-0000-4000-8000-%012d", 700 + i);
    for (int k = 0; k < 2; k++) {
      unsigned char d[STORE_SEARCH_BYTES];
      int64_t total = 0;
      search_digest(d, 700 + i, k);
      store_app_filter f = {.assisted = -1, .urgent = -1, .limit = 10,
                            .digests = d, .n_digests = 1};
      uuid[0] = '\0';
      CHECK(store_app_find(st, &f, grab_uuid, uuid, &total) == KERR_OK);
      CHECK_INT(total, 1);
      CHECK_STR(uuid, want);
    }
    int ev = 0, items = 0;
    CHECK(store_app_events(st, want, count_ev, &ev) == KERR_OK);
    CHECK_INT(ev, 1);
    CHECK(store_app_items(st, want, count_items, &items) == KERR_OK);
    CHECK_INT(items, 2);
  }
  unsigned char none[STORE_SEARCH_BYTES];
  int64_t total = -1;
  search_digest(none, 999, 0);
  store_app_filter f = {.assisted = -1, .urgent = -1, .limit = 10,
                        .digests = none, .n_digests = 1};
  CHECK(store_app_find(st, &f, count_app, &(int){0}, &total) == KERR_OK);
  CHECK_INT(total, 0);
  store_destroy(st);
  if (!pg)
    unlink(path);
}

/* Every connection of the database's pool cut (a restart, a failover):
 * the next call of each kind reconnects and succeeds, nothing twice. */
static void test_reconnect(void) {
  char path[700];
  store *st = NULL;
  store_app a;
  int created = 0, n = 0;
  static const char cut[] =
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname ="
    " current_database() AND pid <> pg_backend_pid()";
  target(path, sizeof path, "reconnect");
  CHECK(store_open(path, 2, &st) == KERR_OK);
  if (!st)
    return;
  app_fill(&a, 1, "RECO-NNEC-T");
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  CHECK(pgtest_exec(path, cut) == 0);
  usleep(100 * 1000);
  app_fill(&a, 2, "RECO-NNEC-U");
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  CHECK(pgtest_exec(path, cut) == 0);
  usleep(100 * 1000);
  app_fill(&a, 2, "RECO-NNEC-U");
  CHECK(store_app_put(st, &a, &created) == KERR_OK && !created);
  CHECK(pgtest_exec(path, cut) == 0);
  usleep(100 * 1000);
  CHECK(store_ping(st) == KERR_OK);
  CHECK(store_app_list(st, 0, 5000, 10, count_app, &n) == KERR_OK);
  CHECK_INT(n, 2);
  CHECK(pgtest_exec(path, cut) == 0);
  usleep(100 * 1000);
  store_event ev = {.status = "accepted", .note = "", .staff_id = "S1",
                    .at_text = "t", .at = 1};
  CHECK(store_app_set_status(st, a.uuid, &ev) == KERR_OK);
  store_app_filter f = {.assisted = -1, .urgent = -1, .limit = 10};
  int64_t total = 0;
  CHECK(pgtest_exec(path, cut) == 0);
  usleep(100 * 1000);
  CHECK(store_app_find(st, &f, count_app, &(int){0}, &total) == KERR_OK);
  CHECK_INT(total, 2);
  store_destroy(st);
}

int main(void) {
  store *st = NULL;
  store_app a;
  int created = -1, n = 0;
  mkdir(SRVTEST_WORK, 0700);
  pg = pgtest_enabled();
  target(db_path, sizeof db_path, "store");
  CHECK(store_open(db_path, 2, &st) == KERR_OK);
  CHECK_INT(store_schema_version(st), 12);
  CHECK(store_ping(st) == KERR_OK); /* the watchdog's liveness check */

  /* New, resend, conflict. */
  app_fill(&a, 1, "JC7K-M4PX-Q");
  CHECK(store_app_put(st, &a, &created) == KERR_OK);
  CHECK_INT(created, 1);
  app_fill(&a, 1, "JC7K-M4PX-Q");
  a.received_at = 99999;
  snprintf(a.received_at_text, sizeof a.received_at_text, "later");
  CHECK(store_app_put(st, &a, &created) == KERR_OK);
  CHECK_INT(created, 0);
  CHECK_STR(a.received_at_text, "t1"); /* the stored answer */
  a.body_hash[5] = 9;
  CHECK(store_app_put(st, &a, &created) == KERR_CONFLICT);

  /* Same device, same reference, another uuid: refused, nothing stored. */
  app_fill(&a, 2, "JC7K-M4PX-Q");
  CHECK(store_app_put(st, &a, &created) == KERR_STATE);
  CHECK_INT(created, 0);
  CHECK(store_app_get(st, a.uuid, grab_sealed, &(size_t){0}) ==
        KERR_NOTFOUND);
  /* Reference shared by two devices' applications: both come back. */
  snprintf(a.device_id, sizeof a.device_id, "KIOSK-140500-002");
  CHECK(store_app_put(st, &a, &created) == KERR_OK && created);
  CHECK(store_app_by_reference(st, "JC7K-M4PX-Q", count_app, &n) == KERR_OK);
  CHECK_INT(n, 2);
  char pr[512] = "";
  CHECK(store_app_progress(st, "JC7K-M4PX-Q", join_progress, pr) == KERR_OK);
  CHECK_STR(pr, "JC7K-M4PX-Q submitted|submitted:-@t1/-|dibao=submitted@t1;"
                "JC7K-M4PX-Q submitted|submitted:-@t2/-|dibao=submitted@t2");
  n = 0;
  CHECK(store_app_list(st, 1000, 1002, 10, count_app, &n) == KERR_OK);
  CHECK_INT(n, 1);
  size_t sl = 0;
  CHECK(store_app_get(st, a.uuid, grab_sealed, &sl) == KERR_OK);
  CHECK_INT(sl, 64);
  CHECK(store_app_get(st, "00000000-0000-4000-8000-999999999999", grab_sealed,
                      &sl) == KERR_NOTFOUND);

  /* Timeline. */
  store_event ev = {.status = "accepted", .note = "材料齐全", .staff_id = "S1",
                    .at_text = "t", .at = 5000};
  CHECK(store_app_set_status(st, a.uuid, &ev) == KERR_OK);
  CHECK(store_app_set_status(st, "00000000-0000-4000-8000-999999999999",
                             &ev) == KERR_NOTFOUND);
  n = 0;
  CHECK(store_app_events(st, a.uuid, count_ev, &n) == KERR_OK);
  CHECK_INT(n, 2);
  char last[32];
  store_app_events(st, a.uuid, last_status, last);
  CHECK_STR(last, "accepted|材料齐全|S1");

  /* Content: versions only move forward; identical republish is fine. */
  const unsigned char man1[] = "{\"version\":\"1.9\"}";
  const unsigned char man2[] = "{\"version\":\"1.10\"}";
  const unsigned char data[] = "file";
  store_file f = {.data = data, .size = 4};
  memset(f.sha256, 'b', 64);
  store_manifest m = {.region = "140500", .version = "1.9",
                      .manifest = man1, .manifest_len = sizeof man1 - 1,
                      .published_at = 1, .published_by = "admin-zhao"};
  char cur[STORE_VERSION_MAX + 1];
  memset(m.etag, 'e', 64);
  CHECK(store_content_publish(st, &m, &f, 1, &created, cur) == KERR_OK &&
        created);
  CHECK_STR(cur, "");
  CHECK(store_content_publish(st, &m, &f, 1, &created, NULL) == KERR_OK &&
        !created);
  m.signature[0] = 1; /* same version, other bytes */
  CHECK(store_content_publish(st, &m, NULL, 0, &created, cur) ==
        KERR_CONFLICT);
  CHECK_STR(cur, "1.9");
  store_manifest m2 = m;
  snprintf(m2.version, sizeof m2.version, "1.10");
  snprintf(m2.published_by, sizeof m2.published_by, "admin-qian");
  m2.published_at = 2;
  m2.manifest = man2;
  m2.manifest_len = sizeof man2 - 1;
  CHECK(store_content_publish(st, &m2, NULL, 0, &created, cur) == KERR_OK &&
        created);
  /* An older version: refused, naming the newest one stored. */
  snprintf(m.version, sizeof m.version, "1.2");
  CHECK(store_content_publish(st, &m, NULL, 0, &created, cur) ==
        KERR_CONFLICT);
  CHECK_STR(cur, "1.10");
  store_manifest got;
  unsigned char *buf = NULL;
  CHECK(store_content_manifest(st, "140500", &got, &buf) == KERR_OK);
  CHECK_STR(got.version, "1.10");
  CHECK_STR(got.published_by, "admin-qian");
  CHECK(got.manifest_len == sizeof man2 - 1 &&
        memcmp(got.manifest, man2, got.manifest_len) == 0);
  free(buf);
  CHECK(store_content_manifest(st, "410600", &got, &buf) == KERR_NOTFOUND);
  /* The list of published versions: newest first, with who published. */
  list_ctx lc = {0};
  CHECK(store_content_list(st, "140500", 10, list_each, &lc) == KERR_OK);
  CHECK_STR(lc.text, "1.10 admin-qian 2;1.9 admin-zhao 1;");
  lc.text[0] = '\0';
  CHECK(store_content_list(st, "410600", 10, list_each, &lc) == KERR_OK);
  CHECK_STR(lc.text, "");
  CHECK(store_content_list(st, NULL, 1, list_each, &lc) == KERR_OK);
  CHECK_STR(lc.text, "1.10 admin-qian 2;");
  unsigned char *fd = NULL;
  size_t fs = 0;
  int present = 0;
  CHECK(store_file_get(st, f.sha256, &fd, &fs) == KERR_OK && fs == 4 &&
        memcmp(fd, "file", 4) == 0);
  free(fd);
  CHECK(store_file_has(st, f.sha256, &present) == KERR_OK && present);

  /* Devices. */
  store_device d = {.device_id = "KIOSK-140500-001",
                    .content_version = "1.10", .outbox_depth = 2,
                    .last_errors_json = "[]", .last_seen = 7};
  CHECK(store_device_seen(st, &d) == KERR_OK);
  d.outbox_depth = 0;
  CHECK(store_device_seen(st, &d) == KERR_OK);
  n = 0;
  CHECK(store_device_list(st, (store_device_fn)count_app, &n) == KERR_OK);
  CHECK_INT(n, 1);

  /* Staff lockout: 3 failures lock for 60 s; success resets. */
  store_staff sf;
  CHECK(store_staff_put(st, "S1", "王测试", "$hash", "", STORE_ROLE_WINDOW, 0) == KERR_OK);
  CHECK(store_staff_get(st, "S1", &sf) == KERR_OK);
  CHECK_STR(sf.name, "王测试");
  CHECK(store_staff_attempt(st, "S1", 0, 100, 3, 60) == KERR_OK);
  CHECK(store_staff_attempt(st, "S1", 0, 100, 3, 60) == KERR_OK);
  store_staff_get(st, "S1", &sf);
  CHECK_INT(sf.failed, 2);
  CHECK_INT(sf.locked_until, 0);
  CHECK(store_staff_attempt(st, "S1", 0, 100, 3, 60) == KERR_OK);
  store_staff_get(st, "S1", &sf);
  CHECK_INT(sf.locked_until, 160);
  CHECK(store_staff_attempt(st, "S1", 1, 200, 3, 60) == KERR_OK);
  store_staff_get(st, "S1", &sf);
  CHECK_INT(sf.failed, 0);
  CHECK_INT(sf.locked_until, 0);
  CHECK(store_staff_get(st, "nobody", &sf) == KERR_NOTFOUND);

  /* Sessions expire. */
  unsigned char h[32] = {1};
  char who[STORE_STAFF_MAX + 1];
  CHECK(store_session_put(st, h, "S1", 500) == KERR_OK);
  CHECK(store_session_get(st, h, 499, who) == KERR_OK);
  CHECK_STR(who, "S1");
  CHECK(store_session_get(st, h, 500, who) == KERR_NOTFOUND);
  CHECK(store_session_delete(st, h, 0) == KERR_OK);
  CHECK(store_session_get(st, h, 0, who) == KERR_NOTFOUND);

  /* Accounts made in the console: never replacing one; disabling ends
   * the account's sessions (not another's) and shows in get and list;
   * staff add (put) leaves the flag as it was. */
  CHECK(store_staff_create(st, "S2", "李测试", "$h2", "yibao",
                           STORE_ROLE_REVIEWER, 0) == KERR_OK);
  CHECK(store_staff_create(st, "S2", "别人", "$h3", "", STORE_ROLE_ADMIN,
                           0) == KERR_CONFLICT);
  CHECK(store_staff_get(st, "S2", &sf) == KERR_OK);
  CHECK_STR(sf.name, "李测试");
  CHECK_STR(sf.dept, "yibao");
  CHECK_INT(sf.disabled, 0);
  unsigned char h2[32] = {2}, h3[32] = {3};
  CHECK(store_session_put(st, h2, "S2", 1000) == KERR_OK);
  CHECK(store_session_put(st, h3, "S1", 1000) == KERR_OK);
  CHECK(store_staff_set_disabled(st, "S2", 1) == KERR_OK);
  CHECK(store_session_get(st, h2, 0, who) == KERR_NOTFOUND);
  CHECK(store_session_get(st, h3, 0, who) == KERR_OK);
  CHECK(store_staff_get(st, "S2", &sf) == KERR_OK);
  CHECK_INT(sf.disabled, 1);
  char dis[64] = "";
  CHECK(store_staff_list(st, list_disabled, dis) == KERR_OK);
  CHECK_STR(dis, "S2,");
  CHECK(store_staff_put(st, "S2", "李测试", "$h4", "yibao",
                        STORE_ROLE_REVIEWER, 0) == KERR_OK);
  CHECK(store_staff_get(st, "S2", &sf) == KERR_OK);
  CHECK_INT(sf.disabled, 1);
  CHECK(store_staff_set_disabled(st, "S2", 0) == KERR_OK);
  CHECK(store_staff_get(st, "S2", &sf) == KERR_OK);
  CHECK_INT(sf.disabled, 0);
  CHECK(store_staff_set_disabled(st, "nobody", 1) == KERR_NOTFOUND);
  CHECK(store_session_delete(st, h3, 0) == KERR_OK);

  /* Concurrent writers: every put lands exactly once. */
  pthread_t th[4];
  worker w[4];
  for (int i = 0; i < 4; i++) {
    w[i] = (worker){.st = st, .base = 100 + i * 50};
    pthread_create(&th[i], NULL, writer, &w[i]);
  }
  int total = 0;
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    total += w[i].ok;
  }
  CHECK_INT(total, 200);
  store_destroy(st);

  /* Reopen: data and schema version kept, migrations not re-run. */
  CHECK(store_open(db_path, 1, &st) == KERR_OK);
  CHECK_INT(store_schema_version(st), 12);
  n = 0;
  CHECK(store_app_by_reference(st, "CONC-URRE-NT", count_app, &n) == KERR_OK);
  CHECK_INT(n, 16); /* capped per reference */
  store_destroy(st);

  /* A schema-11 database (no disabled column): migrated, every account
   * enabled (SQLite: going back a schema is done on the file itself). */
  if (!pg) {
    sqlite3 *raw11 = NULL;
    CHECK(sqlite3_open(db_path, &raw11) == SQLITE_OK);
    CHECK(sqlite3_exec(raw11, UNDO_12 "PRAGMA user_version=11;", NULL, NULL,
                       NULL) == SQLITE_OK);
    sqlite3_close(raw11);
    CHECK(store_open(db_path, 1, &st) == KERR_OK);
    CHECK_INT(store_schema_version(st), 12);
    CHECK(store_staff_get(st, "S2", &sf) == KERR_OK);
    CHECK_INT(sf.disabled, 0);
    CHECK_STR(sf.dept, "yibao");
    store_destroy(st);
  }

  /* A database from a newer program is refused. */
  CHECK(raw_exec(db_path, pg ? "UPDATE schema_version SET version = 99"
                             : "PRAGMA user_version=99") == 0);
  CHECK(store_open(db_path, 1, &st) == KERR_STATE);
  CHECK(store_open(pg ? "postgresql:///x?host=/nonexistent-dir"
                      : "/nonexistent-dir/x.db",
                   1, &st) == KERR_IO);
  if (!pg) {
    unlink(db_path);
    test_modes();
  }
  test_duplicates();
  test_search_put();
  if (pg)
    test_reconnect();
  test_rekey();
  test_urgent();
  test_kind();
  test_items();
  return TEST_DONE();
}
