/* Tests for the vendor SDK adapter of idcard_reader (idcard.kind = sdk)
 * against a fake vendor library built here (fake_termb.c): the calling
 * convention, GBK to UTF-8, the photo, failures (no card, a card taken
 * away mid-read, an unreadable card, text that is not GBK, a port where no
 * reader answers, a library of another convention, no library at all). */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "devices/idcard_wait.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int n_result, n_state;

static void on_event(void *ud, int code) {
  (void)ud;
  pthread_mutex_lock(&mu);
  if (code == IDCARD_READER_EV_RESULT)
    n_result++;
  else if (code == IDCARD_READER_EV_STATE)
    n_state++;
  pthread_mutex_unlock(&mu);
}

static int results(void) {
  pthread_mutex_lock(&mu);
  int n = n_result;
  pthread_mutex_unlock(&mu);
  return n;
}

typedef void (*set_fn)(int, int, int, int, int);
typedef int (*count_fn)(int);

static idcard_reader *open_sdk(const char *lib, int port) {
  idcard_reader_config c = {.kind = IDCARD_READER_SDK,
                            .library = lib,
                            .port = port,
                            .poll_ms = 10,
                            .probe_ms = 20,
                            .notify = on_event};
  idcard_reader *r = NULL;
  CHECK_INT(idcard_reader_open(&c, &r), KERR_OK);
  CHECK(r != NULL);
  return r;
}

int main(void) {
  idcard_card c;
  idcard_reader_outcome o;
  memset(&c, 0, sizeof c);

  /* sdk without a library is a configuration error. */
  idcard_reader *bad = NULL;
  idcard_reader_config nolib = {.kind = IDCARD_READER_SDK};
  CHECK_INT(idcard_reader_open(&nolib, &bad), KERR_INVALID);
  CHECK(bad == NULL);

  /* A library that is not there: absent, never a crash, nothing armed. */
  idcard_reader *r = open_sdk("/nonexistent/libtermb.so", 1001);
  nap_ms(100);
  CHECK_INT(idcard_reader_get_state(r), IDCARD_READER_ABSENT);
  CHECK_INT(idcard_reader_arm(r), KERR_STATE);
  CHECK(!idcard_reader_take(r, &c, &o));
  idcard_reader_close(r);

  /* A library of another convention (no GetDepartment): in error. */
  r = open_sdk(FAKE_TERMB_BROKEN, 1001);
  CHECK(wait_state(r, IDCARD_READER_ERROR, 2000));
  CHECK_INT(idcard_reader_arm(r), KERR_STATE);
  idcard_reader_close(r);

  /* The fake reader's controls, on the same handle the adapter loads. */
  void *h = dlopen(FAKE_TERMB, RTLD_NOW | RTLD_LOCAL);
  CHECK(h != NULL);
  set_fn set;
  count_fn count;
  void *p = dlsym(h, "fake_termb_set");
  CHECK(p != NULL);
  memcpy(&set, &p, sizeof p);
  p = dlsym(h, "fake_termb_count");
  CHECK(p != NULL);
  memcpy(&count, &p, sizeof p);

  /* No reader on this port: absent; plugged in later, it is found. */
  set(1001, 1, 1, 0, 0);
  r = open_sdk(FAKE_TERMB, 3);
  nap_ms(100);
  CHECK_INT(idcard_reader_get_state(r), IDCARD_READER_ABSENT);
  CHECK_INT(idcard_reader_arm(r), KERR_STATE);
  int states = 0;
  pthread_mutex_lock(&mu);
  states = n_state;
  pthread_mutex_unlock(&mu);
  set(3, 1, 1, 0, 0);
  CHECK(wait_state(r, IDCARD_READER_CONNECTED, 2000));
  pthread_mutex_lock(&mu);
  CHECK(n_state > states); /* the change woke whoever shows it */
  pthread_mutex_unlock(&mu);
  idcard_reader_close(r);

  set(1001, 1, 1, 0, 0);
  r = open_sdk(FAKE_TERMB, 1001);
  CHECK(wait_state(r, IDCARD_READER_CONNECTED, 2000));
  CHECK(count(0) >= 1);
  /* A card lies there, but nothing is read before the reader is armed. */
  nap_ms(100);
  CHECK_INT(count(2), 0);
  CHECK(!idcard_reader_take(r, &c, &o));

  /* Armed: the card is read, its GBK text arrives as UTF-8. */
  int before = results();
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  CHECK(wait_result(r, &c, &o, 2000));
  CHECK_INT(o, IDCARD_READ_OK);
  CHECK(results() > before);
  CHECK(!idcard_reader_armed(r)); /* one card per arming */
  CHECK_STR(c.name, "赵德明");
  CHECK_STR(c.sex, "男");
  CHECK_STR(c.nation, "汉");
  CHECK_STR(c.birth, "19650308");
  CHECK_STR(c.address, "山西省晋城市城区钟家庄街道东王台村5号");
  CHECK_STR(c.id_number, "140502196503081235");
  CHECK_STR(c.authority, "晋城市公安局城区分局");
  CHECK_STR(c.valid_from, "20150601");
  CHECK_STR(c.valid_to, "长期");
  CHECK_INT((int)c.photo_len, 6);
  CHECK(c.photo && c.photo[0] == 'B' && c.photo[1] == 'M');
  idcard_card_wipe(&c);
  CHECK(c.photo == NULL && c.name[0] == '\0' && c.photo_len == 0);

  /* Taken away during Read_Content. */
  set(1001, 1, 1, 1, 0);
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  CHECK(wait_result(r, &c, &o, 2000));
  CHECK_INT(o, IDCARD_READ_REMOVED);
  CHECK(c.name[0] == '\0');

  /* The card stays but does not answer. */
  set(1001, 1, 0, 0, 0);
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  CHECK(wait_result(r, &c, &o, 2000));
  CHECK_INT(o, IDCARD_READ_UNREADABLE);

  /* Text that is not GBK: unreadable, nothing half-filled. */
  set(1001, 1, 1, 0, 1);
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  CHECK(wait_result(r, &c, &o, 2000));
  CHECK_INT(o, IDCARD_READ_UNREADABLE);
  CHECK(c.name[0] == '\0' && c.id_number[0] == '\0' && c.photo == NULL);

  /* No card: it waits, and 不刷了 stops it. */
  set(1001, 0, 1, 0, 0);
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  CHECK(!wait_result(r, &c, &o, 150));
  CHECK(idcard_reader_armed(r));
  idcard_reader_cancel(r);
  CHECK(!idcard_reader_armed(r));
  /* A card placed after the cancel is not read. */
  int reads = count(2);
  set(1001, 1, 1, 0, 0);
  nap_ms(100);
  CHECK_INT(count(2), reads);
  CHECK(!idcard_reader_take(r, &c, &o));

  /* sim verbs are refused on a real reader. */
  CHECK_INT(idcard_reader_sim_place(r, "/tmp/x.json"), KERR_STATE);

  int closes = count(1);
  idcard_reader_close(r);
  CHECK_INT(count(1), closes + 1);
  dlclose(h);
  return TEST_DONE();
}
