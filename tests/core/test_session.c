/* session: inactivity warning, countdown, expiry and the one wipe path. */
#include "check.h"
#include "core/session.h"

static int wipe_order[4];
static int n_wiped;

static void wipe_buf(void *ud) {
  char *p = ud;
  session_wipe_bytes(p, 32);
  wipe_order[n_wiped++] = 1;
}
static void wipe_second(void *ud) {
  *(int *)ud = 0;
  wipe_order[n_wiped++] = 2;
}

int main(void) {
  session s;
  session_init(&s, 90, 30);
  char secret[32];
  int counter = 7;
  memcpy(secret, "110101199003071234 张三", sizeof "110101199003071234 张三");
  CHECK_INT(session_add_wiper(&s, wipe_buf, secret), KERR_OK);
  CHECK_INT(session_add_wiper(&s, wipe_second, &counter), KERR_OK);

  /* Idle: no deadline, nothing happens. */
  CHECK(session_next_deadline(&s, 0) == UINT64_MAX);
  CHECK_INT(session_poll(&s, 1000000), SESSION_EV_NONE);

  /* A touch starts the session; the first deadline is 90 s later. */
  session_touch(&s, 1000);
  CHECK_INT(s.state, SESSION_ACTIVE);
  CHECK_INT(session_next_deadline(&s, 1000), 90000);
  CHECK_INT(session_poll(&s, 90999), SESSION_EV_NONE);
  CHECK_INT(session_poll(&s, 91000), SESSION_EV_WARN);
  CHECK_INT(s.state, SESSION_WARNING);
  CHECK_INT(session_warning_left_s(&s, 91000), 30);
  CHECK_INT(session_warning_left_s(&s, 91001), 30);
  CHECK_INT(session_warning_left_s(&s, 92000), 29);
  /* During the countdown the loop wakes every second. */
  CHECK_INT(session_next_deadline(&s, 91000), 1000);
  CHECK_INT(session_next_deadline(&s, 91400), 600);
  CHECK_INT(session_poll(&s, 95000), SESSION_EV_NONE);

  /* "我还需要时间": a touch cancels the warning and restarts the timer. */
  session_touch(&s, 100000);
  CHECK_INT(s.state, SESSION_ACTIVE);
  CHECK_INT(session_warning_left_s(&s, 100000), 0);
  CHECK_INT(session_poll(&s, 189999), SESSION_EV_NONE);
  CHECK_INT(session_poll(&s, 190000), SESSION_EV_WARN);
  CHECK_INT(session_poll(&s, 219999), SESSION_EV_NONE);
  CHECK_INT(session_poll(&s, 220000), SESSION_EV_EXPIRE);

  /* Expiry: every wiper runs, newest first, and the session is idle. */
  unsigned gen = s.generation;
  session_end(&s);
  CHECK_INT(n_wiped, 2);
  CHECK_INT(wipe_order[0], 2);
  CHECK_INT(wipe_order[1], 1);
  CHECK_INT(counter, 0);
  int all_zero = 1;
  for (size_t i = 0; i < sizeof secret; i++)
    all_zero &= secret[i] == 0;
  CHECK(all_zero);
  CHECK_INT(s.state, SESSION_IDLE);
  CHECK_INT(s.generation, gen + 1);
  CHECK(session_next_deadline(&s, 300000) == UINT64_MAX);

  /* A long sleep past both deadlines expires directly. */
  session_touch(&s, 0);
  CHECK_INT(session_poll(&s, 500000), SESSION_EV_EXPIRE);

  /* The wiper table is bounded. */
  session_init(&s, 90, 30);
  for (int i = 0; i < SESSION_MAX_WIPERS; i++)
    CHECK_INT(session_add_wiper(&s, wipe_second, &counter), KERR_OK);
  CHECK_INT(session_add_wiper(&s, wipe_second, &counter), KERR_LIMIT);
  return TEST_DONE();
}
