/* form_host: the session's form, its recovery point on tmpfs and the offer
 * after a restart.
 *
 * A "restart" is a host destroyed without its session ending (what a crash
 * leaves behind) and a new host, with a new session, created on the same
 * directory with the clock moved on. Checks: the point is offered back
 * within the time limit and the form comes back at the same question with
 * its answers; not after the limit (and the file is gone); every session
 * end wipes the form, the point and the staff hook; declining wipes;
 * changing the items carries the answers over; a top-level signature is
 * deferred to the review page unless it is being signed from there; a
 * directory that is not tmpfs leaves a host that still runs the form but
 * writes nothing. Synthetic people only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "services/form_host.h"
#include "core/content.h"
#include "core/form.h"
#include "screens/screens.h"

typedef struct clock_ud {
  int64_t now;
} clock_ud;

static int64_t test_now(void *ud) { return ((clock_ud *)ud)->now; }

static char dir[64];
static char point_path[128];

static int point_exists(void) {
  struct stat st;
  return stat(point_path, &st) == 0;
}

static form_host *make(session *s, clock_ud *c) {
  session_init(s, 90, 30);
  form_host_config cfg = {.runtime_dir = dir,
                          .recovery_name = "form-test.rec",
                          .now_s = test_now,
                          .clock_ud = c};
  form_host *h = NULL;
  CHECK_INT(form_host_create(&cfg, s, &h), KERR_OK);
  return h;
}

static void answer_text(form *f, const char *t) {
  form_result r;
  CHECK_INT(form_answer_text(f, t, strlen(t), &r), KERR_OK);
  CHECK_INT(r.status, FORM_OK);
  CHECK_INT(form_next(f, &r), KERR_OK);
  CHECK_INT(r.status, FORM_OK);
}

static const char *current_id(form *f) {
  form_question q;
  form_current(f, &q);
  return q.field ? q.field->id : "";
}

static void shown(form *f, const char *id, char *buf, size_t n) {
  const form_field *fd = form_schema_field_find(form_get_schema(f), id);
  buf[0] = '\0';
  if (fd)
    form_value_display(f, fd, -1, buf, n);
}

int main(void) {
  snprintf(dir, sizeof dir, "/dev/shm/kiosk-fh-XXXXXX");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  snprintf(point_path, sizeof point_path, "%s/form-test.rec", dir);
  content *c = NULL;
  CHECK_INT(content_load(KIOSK_SOURCE_DIR "/assets/bundle", &c, NULL),
            KERR_OK);
  if (!c)
    return 1;
  const char *dibao_medical[] = {"dibao", "medical"};
  const char *housing[] = {"housing"};
  char buf[256];
  clock_ud clk = {1795000000}; /* 2026-11 */

  /* First run: no point yet; the form is started and answered. */
  session s1;
  form_host *h = make(&s1, &clk);
  CHECK_INT(form_host_offer(h), 0);
  CHECK(form_host_form(h) == NULL);
  CHECK(form_host_where(h) == FORM_VIEW_NONE);
  CHECK_INT(form_host_start(h, c, dibao_medical, 2), KERR_OK);
  form *f = form_host_form(h);
  CHECK(f != NULL);
  CHECK_STR(current_id(f), "applicant_name");
  CHECK(form_host_where(h) == FORM_VIEW_QUESTION);
  answer_text(f, "张建国");
  answer_text(f, "140502196805121239");
  CHECK_INT(form_host_saved(h), KERR_OK);
  CHECK(point_exists());
  /* The same items again keep the same form. */
  CHECK_INT(form_host_start(h, c, dibao_medical, 2), KERR_OK);
  CHECK(form_host_form(h) == f);
  /* Crash: the host goes away without its session ending. */
  form_host_destroy(h);
  CHECK(point_exists());

  /* Restart two minutes later: offered, and taken up again. */
  clk.now += 120;
  session s2;
  h = make(&s2, &clk);
  CHECK_INT(form_host_offer(h), 1);
  CHECK_INT(form_host_offer_left_s(h), 180);
  CHECK(form_host_form(h) == NULL);
  CHECK_INT(form_host_offer_tries(h), 3);
  /* Malformed entries are not tries; a wrong one is, and keeps the point. */
  CHECK_INT(form_host_resume(h, c, "12123"), KERR_INVALID);
  CHECK_INT(form_host_resume(h, c, "12X239"), KERR_INVALID);
  CHECK_INT(form_host_offer_tries(h), 3);
  CHECK_INT(form_host_resume(h, c, "121238"), KERR_DENIED);
  CHECK_INT(form_host_offer_tries(h), 2);
  CHECK(form_host_form(h) == NULL);
  CHECK(point_exists());
  CHECK_INT(form_host_offer(h), 1);
  CHECK_INT(form_host_resume(h, c, "121239"), KERR_OK);
  f = form_host_form(h);
  CHECK(f != NULL);
  CHECK_INT(form_host_offer(h), 0);
  if (f) {
    CHECK_STR(current_id(f), "applicant_phone");
    shown(f, "applicant_name", buf, sizeof buf);
    CHECK_STR(buf, "张建国");
    shown(f, "applicant_id", buf, sizeof buf);
    CHECK_STR(buf, "140502196805121239");
    CHECK_INT(form_item_count(f), 2);
  }
  CHECK(form_host_where(h) == FORM_VIEW_QUESTION);
  CHECK_INT(form_host_saved(h), KERR_OK);
  form_host_destroy(h);

  /* Restart after the limit (300 s): not offered, and the file is gone. */
  clk.now += 301;
  session s3;
  h = make(&s3, &clk);
  CHECK_INT(form_host_offer(h), 0);
  CHECK_INT(form_host_resume(h, c, "121239"), KERR_NOTFOUND);
  CHECK(!point_exists());
  form_host_destroy(h);

  /* A point whose form has no ID number yet is wiped, never offered. */
  session s3b;
  h = make(&s3b, &clk);
  CHECK_INT(form_host_start(h, c, housing, 1), KERR_OK);
  answer_text(form_host_form(h), "王芳");
  CHECK_INT(form_host_saved(h), KERR_OK);
  form_host_destroy(h);
  CHECK(point_exists());
  clk.now += 10;
  h = make(&s3b, &clk);
  CHECK_INT(form_host_offer(h), 0);
  CHECK(!point_exists());
  form_host_destroy(h);

  /* Three wrong entries wipe the point; a lower-case x counts as X. */
  session s3c;
  h = make(&s3c, &clk);
  CHECK_INT(form_host_start(h, c, housing, 1), KERR_OK);
  answer_text(form_host_form(h), "王芳");
  answer_text(form_host_form(h), "11010519491231002X");
  CHECK_INT(form_host_saved(h), KERR_OK);
  form_host_destroy(h);
  h = make(&s3c, &clk);
  CHECK_INT(form_host_offer(h), 1);
  CHECK_INT(form_host_resume(h, c, "310021"), KERR_DENIED);
  CHECK_INT(form_host_resume(h, c, "000000"), KERR_DENIED);
  CHECK_INT(form_host_offer_tries(h), 1);
  CHECK(point_exists());
  CHECK_INT(form_host_resume(h, c, "31002Y"), KERR_INVALID);
  CHECK_INT(form_host_resume(h, c, "123456"), KERR_DENIED);
  CHECK_INT(form_host_offer(h), 0);
  CHECK_INT(form_host_offer_tries(h), 0);
  CHECK(!point_exists());
  CHECK(form_host_form(h) == NULL);
  CHECK_INT(form_host_resume(h, c, "31002X"), KERR_NOTFOUND);
  form_host_destroy(h);
  /* The right entry, with x for X, after two wrong ones. */
  h = make(&s3c, &clk);
  CHECK_INT(form_host_start(h, c, housing, 1), KERR_OK);
  answer_text(form_host_form(h), "王芳");
  answer_text(form_host_form(h), "11010519491231002X");
  CHECK_INT(form_host_saved(h), KERR_OK);
  form_host_destroy(h);
  h = make(&s3c, &clk);
  CHECK_INT(form_host_resume(h, c, "999999"), KERR_DENIED);
  CHECK_INT(form_host_resume(h, c, "888888"), KERR_DENIED);
  CHECK_INT(form_host_resume(h, c, "31002x"), KERR_OK);
  CHECK(form_host_form(h) != NULL);
  if (form_host_form(h)) {
    shown(form_host_form(h), "applicant_name", buf, sizeof buf);
    CHECK_STR(buf, "王芳");
  }
  /* Staff vouching (NULL) needs no entry. */
  CHECK_INT(form_host_saved(h), KERR_OK);
  form_host_destroy(h);
  h = make(&s3c, &clk);
  CHECK_INT(form_host_resume(h, c, NULL), KERR_OK);
  CHECK(form_host_form(h) != NULL);
  form_host_destroy(h);

  /* An offer that runs out while the home screen shows it. */
  session s4;
  h = make(&s4, &clk);
  CHECK_INT(form_host_start(h, c, housing, 1), KERR_OK);
  answer_text(form_host_form(h), "王芳");
  answer_text(form_host_form(h), "11010519491231002X");
  CHECK_INT(form_host_saved(h), KERR_OK);
  form_host_destroy(h);
  clk.now += 10;
  h = make(&s4, &clk);
  CHECK_INT(form_host_offer(h), 1);
  clk.now += 291;
  CHECK_INT(form_host_offer(h), 0);
  CHECK_INT(form_host_offer_left_s(h), 0);
  CHECK(!point_exists());
  form_host_destroy(h);

  /* Declining wipes the point. */
  session s5;
  h = make(&s5, &clk);
  CHECK_INT(form_host_start(h, c, housing, 1), KERR_OK);
  answer_text(form_host_form(h), "王芳");
  answer_text(form_host_form(h), "11010519491231002X");
  CHECK_INT(form_host_saved(h), KERR_OK);
  form_host_destroy(h);
  h = make(&s5, &clk);
  CHECK_INT(form_host_offer(h), 1);
  form_host_decline(h);
  CHECK_INT(form_host_offer(h), 0);
  CHECK(!point_exists());
  form_host_destroy(h);

  /* A session end wipes the form, the point and the staff hook. */
  session s6;
  h = make(&s6, &clk);
  CHECK_INT(form_host_start(h, c, dibao_medical, 2), KERR_OK);
  answer_text(form_host_form(h), "张建国");
  CHECK(point_exists());
  CHECK_INT(form_host_set_assisted_by(h, "STAFF-0001"), KERR_OK);
  CHECK_STR(form_host_assisted_by(h), "STAFF-0001");
  CHECK_INT(form_host_set_assisted_by(h, "0123456789012345678901234567890123"
                                         "456789012345678901234567890123"),
            KERR_INVALID);
  session_end(&s6);
  CHECK(form_host_form(h) == NULL);
  CHECK(!point_exists());
  CHECK(form_host_assisted_by(h) == NULL);
  /* ... and a new start is a new, empty form. */
  CHECK_INT(form_host_start(h, c, dibao_medical, 2), KERR_OK);
  shown(form_host_form(h), "applicant_name", buf, sizeof buf);
  CHECK_STR(buf, "");

  /* Other items: the answers they still ask are carried over. */
  answer_text(form_host_form(h), "张建国");
  CHECK_INT(form_host_start(h, c, housing, 1), KERR_OK);
  f = form_host_form(h);
  CHECK_INT(form_item_count(f), 1);
  shown(f, "applicant_name", buf, sizeof buf);
  CHECK_STR(buf, "张建国");
  /* An unknown item is refused and the form kept. */
  const char *bogus[] = {"no_such_item"};
  CHECK(form_host_start(h, c, bogus, 1) != KERR_OK);
  CHECK(form_host_form(h) == f);

  /* The applicant's signature waits for the review page ... */
  CHECK_INT(form_jump(f, "applicant_signature", -1), KERR_OK);
  CHECK(form_host_where(h) == FORM_VIEW_REVIEW);
  form_question q;
  form_current(f, &q);
  CHECK_INT(q.step, FORM_STEP_REVIEW);
  /* ... where 签名 opens the signature screen. */
  CHECK_INT(form_host_sign(h, "applicant_signature", -1), KERR_OK);
  CHECK(form_host_where(h) == FORM_VIEW_SIGN);
  CHECK_INT(form_host_sign(h, "no_such_field", -1), KERR_NOTFOUND);

  /* Submitting an incomplete form reserves nothing. */
  const submit_receipt *rc = NULL;
  CHECK_INT(form_host_submit(h, NULL, &rc), KERR_STATE);
  CHECK(rc != NULL);
  if (rc)
    CHECK_INT(rc->result, KERR_STATE);
  CHECK(form_host_form(h) == f);
  form_host_finish(h);
  CHECK(form_host_form(h) == NULL);
  CHECK(!point_exists());
  session_end(&s6);
  form_host_destroy(h);

  /* A directory on disk: no recovery, but the form works. */
  session s7;
  session_init(&s7, 90, 30);
  form_host_config disk = {.runtime_dir = KIOSK_SOURCE_DIR,
                           .recovery_name = "form-test.rec",
                           .now_s = test_now,
                           .clock_ud = &clk};
  h = NULL;
  CHECK_INT(form_host_create(&disk, &s7, &h), KERR_OK);
  if (h) {
    CHECK_INT(form_host_start(h, c, housing, 1), KERR_OK);
    answer_text(form_host_form(h), "王芳");
    CHECK_INT(form_host_saved(h), KERR_STATE);
    CHECK(access(KIOSK_SOURCE_DIR "/form-test.rec", F_OK) != 0);
    session_end(&s7);
    form_host_destroy(h);
  }

  content_destroy(c);
  rmdir(dir);
  return TEST_DONE();
}
