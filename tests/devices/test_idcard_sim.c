/* Tests for the simulated ID card reader (idcard.kind = sim): cards placed
 * by idcard_reader_sim_place (the script verb `card`) or by a file that
 * appears in the watched folder; a card is read only while armed, once per
 * placing; unreadable cards, cards taken away mid-read and files that are
 * not cards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "devices/idcard_wait.h"

#define CARDS KIOSK_TEST_DATA "/devices/idcard/"

static void copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  CHECK(in && out);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    CHECK(fwrite(buf, 1, n, out) == n);
  fclose(in);
  CHECK(fclose(out) == 0);
}

int main(void) {
  char dir[] = "/tmp/kiosk-idcard-sim-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char sim_dir[128];
  snprintf(sim_dir, sizeof sim_dir, "%s/cards", dir);
  idcard_reader_config cfg = {.kind = IDCARD_READER_SIM,
                              .sim_dir = sim_dir,
                              .poll_ms = 10};
  idcard_reader *r = NULL;
  CHECK_INT(idcard_reader_open(&cfg, &r), KERR_OK);
  CHECK(wait_state(r, IDCARD_READER_CONNECTED, 2000));
  CHECK_INT(access(sim_dir, F_OK), 0); /* the folder is made */
  CHECK_INT(idcard_reader_get_kind(r), IDCARD_READER_SIM);

  idcard_card c;
  idcard_reader_outcome o;
  memset(&c, 0, sizeof c);

  /* Placed while nobody asked: not read. */
  CHECK_INT(idcard_reader_sim_place(r, CARDS "applicant.json"), KERR_OK);
  CHECK_INT(idcard_reader_wait(r, 1000), KERR_OK);
  CHECK(!wait_result(r, &c, &o, 100));

  /* Armed: the card lying there is read. */
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  CHECK_INT(idcard_reader_wait(r, 2000), KERR_OK);
  CHECK(wait_result(r, &c, &o, 2000));
  CHECK_INT(o, IDCARD_READ_OK);
  CHECK_STR(c.name, "赵德明");
  CHECK_STR(c.sex, "男");
  CHECK_STR(c.nation, "汉");
  CHECK_STR(c.birth, "19650308");
  CHECK_STR(c.id_number, "140502196503081235");
  CHECK_STR(c.address, "山西省晋城市城区钟家庄街道东王台村5号");
  CHECK_STR(c.authority, "晋城市公安局城区分局");
  CHECK_STR(c.valid_from, "20150601");
  CHECK_STR(c.valid_to, "长期");
  CHECK(c.photo != NULL && c.photo_len == 10 && c.photo[0] == 'W');
  idcard_card_wipe(&c);
  CHECK(c.photo == NULL && c.id_number[0] == '\0');

  /* The same card, not placed again, is not read again. */
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  CHECK(!wait_result(r, &c, &o, 150));
  /* Placed again: read again. */
  CHECK_INT(idcard_reader_sim_place(r, CARDS "member.json"), KERR_OK);
  CHECK(wait_result(r, &c, &o, 2000));
  CHECK_INT(o, IDCARD_READ_OK);
  CHECK_STR(c.name, "孙桂兰");
  CHECK_STR(c.nation, "回");
  CHECK(c.photo == NULL);
  idcard_card_wipe(&c);

  /* An unreadable card, one taken away mid-read, a file that is no card,
   * a card without a number, a file that is not there. */
  static const struct {
    const char *file;
    idcard_reader_outcome want;
  } faults[] = {{CARDS "unreadable.json", IDCARD_READ_UNREADABLE},
                {CARDS "removed.json", IDCARD_READ_REMOVED},
                {CARDS "../strokes.txt", IDCARD_READ_UNREADABLE},
                {CARDS "../../form/dibao_medical.json", IDCARD_READ_UNREADABLE},
                {CARDS "nothing-here.json", IDCARD_READ_UNREADABLE}};
  for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
    CHECK_INT(idcard_reader_arm(r), KERR_OK);
    CHECK_INT(idcard_reader_sim_place(r, faults[i].file), KERR_OK);
    CHECK(wait_result(r, &c, &o, 2000));
    CHECK_INT(o, faults[i].want);
    CHECK(c.name[0] == '\0' && c.photo == NULL);
  }

  /* Taken away before arming: nothing to read. */
  CHECK_INT(idcard_reader_sim_place(r, CARDS "applicant.json"), KERR_OK);
  CHECK_INT(idcard_reader_sim_remove(r), KERR_OK);
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  CHECK(!wait_result(r, &c, &o, 150));
  idcard_reader_cancel(r);

  /* The watched folder: a card file appearing is a card placed. */
  char card[256];
  snprintf(card, sizeof card, "%s/card.json", sim_dir);
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  copy_file(CARDS "member.json", card);
  CHECK(wait_result(r, &c, &o, 2000));
  CHECK_INT(o, IDCARD_READ_OK);
  CHECK_STR(c.name, "孙桂兰");
  idcard_card_wipe(&c);
  /* Still there: not read twice. */
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  CHECK(!wait_result(r, &c, &o, 150));
  /* Taken away and put back: read again. */
  CHECK_INT(unlink(card), 0);
  nap_ms(60);
  copy_file(CARDS "applicant.json", card);
  CHECK(wait_result(r, &c, &o, 2000));
  CHECK_INT(o, IDCARD_READ_OK);
  CHECK_STR(c.name, "赵德明");
  idcard_card_wipe(&c);
  CHECK_INT(unlink(card), 0);

  /* A result not taken is wiped by cancel. */
  CHECK_INT(idcard_reader_arm(r), KERR_OK);
  CHECK_INT(idcard_reader_sim_place(r, CARDS "applicant.json"), KERR_OK);
  CHECK_INT(idcard_reader_wait(r, 2000), KERR_OK);
  idcard_reader_cancel(r);
  CHECK(!idcard_reader_take(r, &c, &o));

  idcard_reader_close(r);
  CHECK_INT(rmdir(sim_dir), 0);
  CHECK_INT(rmdir(dir), 0);

  /* No reader configured: always absent, nothing to arm. */
  idcard_reader_config none = {.kind = IDCARD_READER_NONE};
  CHECK_INT(idcard_reader_open(&none, &r), KERR_OK);
  CHECK_INT(idcard_reader_get_state(r), IDCARD_READER_ABSENT);
  CHECK_INT(idcard_reader_arm(r), KERR_STATE);
  CHECK_INT(idcard_reader_sim_place(r, CARDS "applicant.json"), KERR_STATE);
  idcard_reader_close(r);
  return TEST_DONE();
}
