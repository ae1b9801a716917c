/* The recovery point: write, read, expiry, damage, wipe, refusal of
 * directories that are not RAM-backed, and a half-filled form surviving a
 * "restart" through it. Uses a private folder under /dev/shm. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "check.h"
#include "core/form.h"
#include "core/idcard.h"
#include "core/recovery.h"
#include "core/session.h"

static char dir[64];

static int exists(const char *p) {
  struct stat sb;
  return lstat(p, &sb) == 0;
}

static void test_refuse_disk(void) {
  /* The source tree is on a disk (not tmpfs) on any sane build machine. */
  struct statfs st;
  if (statfs(KIOSK_SOURCE_DIR, &st) == 0 && (long)st.f_type != 0x01021994L &&
      (long)st.f_type != 0x858458f6L) {
    recovery_config cfg = {KIOSK_SOURCE_DIR, "x.rec", 0};
    recovery *r = (recovery *)1;
    CHECK_INT(recovery_create(&cfg, &r), KERR_DENIED);
    CHECK(r == NULL);
    CHECK(!exists(KIOSK_SOURCE_DIR "/x.rec"));
  } else {
    fprintf(stderr, "note: source tree on tmpfs; disk refusal not tested\n");
  }
  recovery_config none = {"/nonexistent-kiosk-dir", NULL, 0};
  recovery *r = NULL;
  CHECK_INT(recovery_create(&none, &r), KERR_IO);
  recovery_config bad = {dir, "../escape", 0};
  CHECK_INT(recovery_create(&bad, &r), KERR_INVALID);
  recovery_config bad2 = {dir, "", 0};
  CHECK_INT(recovery_create(&bad2, &r), KERR_INVALID);
}

static void test_round_trip(void) {
  recovery_config cfg = {dir, "form.rec", 300};
  recovery *r = NULL;
  CHECK_INT(recovery_create(&cfg, &r), KERR_OK);
  if (!r)
    return;
  char *data = NULL;
  size_t len = 0;
  int64_t at = 0;
  CHECK_INT(recovery_load(r, 1000, &data, &len, &at), KERR_NOTFOUND);
  const char msg[] = "{\"answers\":{\"applicant_name\":\"张三\"}}";
  CHECK_INT(recovery_save(r, msg, strlen(msg), 1000), KERR_OK);
  struct stat sb;
  CHECK(stat(recovery_path(r), &sb) == 0 && (sb.st_mode & 0777) == 0600);
  char tmp[128];
  snprintf(tmp, sizeof tmp, "%s/form.rec.tmp", dir);
  CHECK(!exists(tmp));
  CHECK_INT(recovery_load(r, 1100, &data, &len, &at), KERR_OK);
  CHECK(data && len == strlen(msg) && memcmp(data, msg, len) == 0);
  CHECK_INT(at, 1000);
  recovery_data_free(data, len);
  /* A second save replaces the first. */
  CHECK_INT(recovery_save(r, "B", 1, 1200), KERR_OK);
  CHECK_INT(recovery_load(r, 1200, &data, &len, &at), KERR_OK);
  CHECK(len == 1 && data && data[0] == 'B');
  recovery_data_free(data, len);
  /* Exactly max age is still offered; one second later it is gone. */
  CHECK_INT(recovery_load(r, 1500, &data, &len, NULL), KERR_OK);
  recovery_data_free(data, len);
  CHECK_INT(recovery_load(r, 1501, &data, &len, NULL), KERR_STATE);
  CHECK(data == NULL);
  CHECK(!exists(recovery_path(r)));
  CHECK_INT(recovery_load(r, 1501, &data, &len, NULL), KERR_NOTFOUND);
  /* Stamped in the future (the clock went back): not offered. */
  CHECK_INT(recovery_save(r, "C", 1, 5000), KERR_OK);
  CHECK_INT(recovery_load(r, 1000, &data, &len, NULL), KERR_STATE);
  CHECK(!exists(recovery_path(r)));
  /* Damage: one flipped byte, a truncated file, a foreign file. */
  CHECK_INT(recovery_save(r, msg, strlen(msg), 1000), KERR_OK);
  FILE *f = fopen(recovery_path(r), "r+b");
  fseek(f, -3, SEEK_END);
  fputc('X', f);
  fclose(f);
  CHECK_INT(recovery_load(r, 1000, &data, &len, NULL), KERR_CRYPTO);
  CHECK(!exists(recovery_path(r)));
  CHECK_INT(recovery_save(r, msg, strlen(msg), 1000), KERR_OK);
  CHECK(truncate(recovery_path(r), 20) == 0);
  CHECK_INT(recovery_load(r, 1000, &data, &len, NULL), KERR_CRYPTO);
  f = fopen(recovery_path(r), "wb");
  fputs("not a recovery point at all, but long enough to have a header....", f);
  fclose(f);
  CHECK_INT(recovery_load(r, 1000, &data, &len, NULL), KERR_CRYPTO);
  CHECK(!exists(recovery_path(r)));
  /* A symbolic link in its place is never followed. */
  CHECK(symlink("/etc/hostname", recovery_path(r)) == 0);
  CHECK(recovery_load(r, 1000, &data, &len, NULL) != KERR_OK);
  CHECK(data == NULL);
  unlink(recovery_path(r));
  /* Too large. */
  CHECK_INT(recovery_save(r, msg, RECOVERY_MAX_BYTES + 1, 1000), KERR_LIMIT);
  /* Wipe, also through the session's wipe path. */
  CHECK_INT(recovery_save(r, msg, strlen(msg), 1000), KERR_OK);
  CHECK_INT(recovery_wipe(r), KERR_OK);
  CHECK(!exists(recovery_path(r)));
  CHECK_INT(recovery_wipe(r), KERR_OK); /* nothing there: fine */
  session s;
  session_init(&s, 120, 30);
  CHECK_INT(session_add_wiper(&s, recovery_wipe_cb, r), KERR_OK);
  CHECK_INT(recovery_save(r, msg, strlen(msg), 1000), KERR_OK);
  session_touch(&s, 0);
  session_end(&s);
  CHECK(!exists(recovery_path(r)));
  recovery_destroy(r);
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  if (b) {
    b[n] = '\0';
    *len = (size_t)n;
  }
  return b;
}

/* A half-filled form written after each answer, "crash", restore. */
static void test_form_restart(void) {
  static const validate_date today = {2026, 11, 22};
  size_t n;
  char *t = slurp(KIOSK_SOURCE_DIR "/assets/bundle/form.json", &n);
  form_schema *s = NULL;
  CHECK(t && form_schema_load(t, n, &s, NULL) == KERR_OK);
  free(t);
  if (!s)
    return;
  recovery_config cfg = {dir, NULL, 0};
  recovery *r = NULL;
  CHECK_INT(recovery_create(&cfg, &r), KERR_OK);
  const char *items[] = {"temporary"};
  form *f = NULL;
  CHECK_INT(form_create(s, NULL, items, 1, &today, &f), KERR_OK);
  char id[19], id2[19];
  snprintf(id, sizeof id, "14052519810707015");
  id[17] = idcard_check_char(id);
  id[18] = '\0';
  snprintf(id2, sizeof id2, "14052519830808026");
  id2[17] = idcard_check_char(id2);
  id2[18] = '\0';
  form_result res;
  /* An emergency: what happened first (all but the loss, answered last). */
  CHECK_INT(form_answer_choice(f, "fire", &res), KERR_OK);
  CHECK_INT(form_next(f, &res), KERR_OK);
  CHECK_INT(form_answer_text(f, "2026-11-15", 10, &res), KERR_OK);
  CHECK_INT(form_next(f, &res), KERR_OK);
  CHECK_INT(form_answer_text(f, "晋城市城区东街1号", strlen("晋城市城区东街1号"),
                             &res), KERR_OK);
  CHECK_INT(form_next(f, &res), KERR_OK);
  CHECK_INT(form_answer_text(f, "着火了", strlen("着火了"), &res), KERR_OK);
  CHECK_INT(form_next(f, &res), KERR_OK);
  CHECK_INT(form_answer_text(f, "100", 3, &res), KERR_OK);
  CHECK_INT(form_next(f, &res), KERR_OK);
  const char *texts[] = {"王秀兰", id, "15812340000", "晋城市城区东街1号"};
  int64_t now = 50000;
  for (int i = 0; i < 4; i++) {
    if (i == 1 || i == 2) { /* an emergency asks whether there is an ID
                               number, and a phone */
      CHECK_INT(form_answer_bool(f, 1, &res), KERR_OK);
      CHECK_INT(form_next(f, &res), KERR_OK);
    }
    CHECK_INT(form_answer_text(f, texts[i], strlen(texts[i]), &res), KERR_OK);
    CHECK_INT(form_next(f, &res), KERR_OK);
    char *snap;
    size_t sl;
    CHECK_INT(form_snapshot(f, &snap, &sl), KERR_OK);
    CHECK_INT(recovery_save(r, snap, sl, now++), KERR_OK);
    form_json_free(snap, sl);
  }
  CHECK_INT(form_answer_bool(f, 1, &res), KERR_OK);
  CHECK_INT(form_next(f, &res), KERR_OK);
  size_t m;
  CHECK_INT(form_member_add(f, "members", &m, &res), KERR_OK);
  CHECK_INT(form_answer_text(f, "赵强", strlen("赵强"), &res), KERR_OK);
  CHECK_INT(form_next(f, &res), KERR_OK);
  CHECK_INT(form_answer_text(f, id2, 18, &res), KERR_OK);
  CHECK_INT(form_next(f, &res), KERR_OK);
  CHECK_INT(form_answer_choice(f, "spouse", &res), KERR_OK);
  CHECK_INT(form_next(f, &res), KERR_OK);
  CHECK_INT(form_next(f, &res), KERR_OK); /* leave the group's list */
  /* Back to the loss, to a figure that needs confirming. */
  CHECK_INT(form_jump(f, "crisis_loss", -1), KERR_OK);
  CHECK_INT(form_answer_text(f, "300000", 6, &res), KERR_OK);
  CHECK_INT(res.status, FORM_CONFIRM);
  CHECK_INT(form_confirm(f), KERR_OK);
  char *snap;
  size_t sl;
  CHECK_INT(form_snapshot(f, &snap, &sl), KERR_OK);
  CHECK_INT(recovery_save(r, snap, sl, now), KERR_OK);
  form_json_free(snap, sl);
  form_question before;
  form_current(f, &before);
  form_destroy(f); /* the "crash" */
  recovery_destroy(r);

  /* After the restart. */
  r = NULL;
  CHECK_INT(recovery_create(&cfg, &r), KERR_OK);
  char *data = NULL;
  size_t len = 0;
  CHECK_INT(recovery_load(r, now + 60, &data, &len, NULL), KERR_OK);
  form *g = NULL;
  CHECK_INT(form_restore(s, NULL, data, len, &today, &g), KERR_OK);
  recovery_data_free(data, len);
  if (g) {
    form_question q;
    form_current(g, &q);
    CHECK(q.field && before.field && q.field == before.field);
    CHECK_STR(q.field ? q.field->id : "", "crisis_loss");
    CHECK_INT(q.result.status, FORM_OK); /* still confirmed */
    CHECK_INT(form_member_count(g, "members"), 1);
    char buf[64];
    CHECK(form_value_display(g, form_schema_field_find(s, "name"), 0, buf,
                             sizeof buf));
    CHECK_STR(buf, "赵强");
    CHECK(form_value_display(g, form_schema_field_find(s, "crisis_date"), -1,
                             buf, sizeof buf));
    CHECK_STR(buf, "2026年11月15日");
    form_destroy(g);
  }
  /* A damaged snapshot is refused, not half-loaded. */
  CHECK(form_restore(s, NULL, "{\"format\":1", 11, &today, &g) != KERR_OK);
  CHECK(form_restore(s, NULL, "{\"format\":9,\"items\":[],\"answers\":{}}", 36,
                     &today, &g) != KERR_OK);
  CHECK(g == NULL);
  CHECK_INT(recovery_wipe(r), KERR_OK);
  recovery_destroy(r);
  form_schema_destroy(s);
}

int main(void) {
  struct statfs st;
  if (statfs("/dev/shm", &st) != 0 || (long)st.f_type != 0x01021994L) {
    fprintf(stderr, "/dev/shm is not a tmpfs here: recovery cannot be tested\n");
    CHECK(0);
    return TEST_DONE();
  }
  snprintf(dir, sizeof dir, "/dev/shm/kiosk-rec-test-XXXXXX");
  CHECK(mkdtemp(dir) != NULL);
  test_refuse_disk();
  test_round_trip();
  test_form_restart();
  CHECK(rmdir(dir) == 0);
  return TEST_DONE();
}
