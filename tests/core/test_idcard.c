/* idcard: GB 11643-1999 numbers, good and bad. All numbers are synthetic:
 * built here from a region, a birth date and a sequence, with the check
 * character computed. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/idcard.h"

static const validate_date today = {2025, 7, 1};

/* Builds a synthetic number: region (6 digits) + birth (8) + seq (3) + check. */
static void make_id(char out[19], const char *region, const char *birth,
                    const char *seq) {
  /* Exactly 6 + 8 + 3 characters, copied by length so the compiler can
   * see nothing is cut. */
  memcpy(out, region, 6);
  memcpy(out + 6, birth, 8);
  memcpy(out + 14, seq, 3);
  out[17] = '\0';
  out[17] = idcard_check_char(out);
  out[18] = '\0';
}

static validate_code code_of(const char *s) {
  validate_note note = {VALIDATE_OK, ""};
  idcard_info info;
  kerr e = idcard_parse(s, strlen(s), &today, &info, &note);
  if (e == KERR_OK)
    CHECK_INT(note.code, VALIDATE_OK);
  else
    CHECK(note.message[0] != '\0');
  return note.code;
}

int main(void) {
  char id[19], bad[40];
  idcard_info info;
  validate_note note;

  /* The published example number of the standard: check character X. */
  CHECK_INT(idcard_check_char("11010519491231002"), 'X');

  /* A good number: parsed fields. */
  make_id(id, "140522", "19580312", "041");
  CHECK_INT(idcard_parse(id, strlen(id), &today, &info, &note), KERR_OK);
  CHECK_STR(info.number, id);
  CHECK_INT(info.birth.year, 1958);
  CHECK_INT(info.birth.month, 3);
  CHECK_INT(info.birth.day, 12);
  CHECK_INT(info.male, 1);
  CHECK_INT(info.region, 140522);
  CHECK_INT(idcard_age(&info, &today), 67);
  validate_date before_birthday = {2025, 3, 11};
  CHECK_INT(idcard_age(&info, &before_birthday), 66);
  validate_date on_birthday = {2025, 3, 12};
  CHECK_INT(idcard_age(&info, &on_birthday), 67);

  /* Even sequence digit: female. */
  make_id(id, "410602", "19850707", "128");
  CHECK_INT(idcard_parse(id, strlen(id), &today, &info, &note), KERR_OK);
  CHECK_INT(info.male, 0);

  /* Every wrong check character is caught. */
  make_id(id, "140502", "19900101", "123");
  for (const char *c = "0123456789X"; *c; c++) {
    strcpy(bad, id);
    bad[17] = *c;
    CHECK_INT(code_of(bad), *c == id[17] ? VALIDATE_OK : VALIDATE_ID_CHECK);
  }
  /* A single changed digit in the body is caught. */
  strcpy(bad, id);
  bad[15] = bad[15] == '9' ? '0' : (char)(bad[15] + 1);
  CHECK_INT(code_of(bad), VALIDATE_ID_CHECK);

  /* Birth dates: 19900230 is not a date; 20000229 is (2000 is a leap year);
   * 19000229 is not (1900 is not); 20230229 is not. */
  make_id(id, "140502", "19900230", "123");
  CHECK_INT(code_of(id), VALIDATE_ID_BIRTH);
  make_id(id, "140502", "20000229", "123");
  CHECK_INT(code_of(id), VALIDATE_OK);
  make_id(id, "140502", "19000229", "123");
  CHECK_INT(code_of(id), VALIDATE_ID_BIRTH);
  make_id(id, "140502", "20230229", "123");
  CHECK_INT(code_of(id), VALIDATE_ID_BIRTH);
  make_id(id, "140502", "19901301", "123");
  CHECK_INT(code_of(id), VALIDATE_ID_BIRTH);
  make_id(id, "140502", "18991231", "123");
  CHECK_INT(code_of(id), VALIDATE_ID_BIRTH);
  /* Born after "today". */
  make_id(id, "140502", "20250702", "123");
  CHECK_INT(code_of(id), VALIDATE_ID_FUTURE);
  make_id(id, "140502", "20250701", "123");
  CHECK_INT(code_of(id), VALIDATE_OK);

  /* Region prefix. */
  make_id(id, "940502", "19900101", "123");
  CHECK_INT(code_of(id), VALIDATE_ID_REGION);
  make_id(id, "040502", "19900101", "123");
  CHECK_INT(code_of(id), VALIDATE_ID_REGION);
  make_id(id, "190502", "19900101", "123");
  CHECK_INT(code_of(id), VALIDATE_ID_REGION);

  /* X only at the end; lower-case x at the end is fine. */
  for (int seq = 0; seq < 1000; seq++) {
    char s[16];
    snprintf(s, sizeof s, "%03d", seq);
    make_id(id, "410611", "19760815", s);
    if (id[17] == 'X')
      break;
  }
  CHECK_INT(id[17], 'X');
  strcpy(bad, id);
  bad[17] = 'x';
  CHECK_INT(idcard_parse(bad, strlen(bad), &today, &info, &note), KERR_OK);
  CHECK_STR(info.number, id);
  strcpy(bad, id);
  bad[5] = 'X';
  CHECK_INT(code_of(bad), VALIDATE_ID_X_POSITION);

  /* Length and characters. */
  make_id(id, "140502", "19900101", "123");
  strcpy(bad, id);
  bad[17] = '\0';
  CHECK_INT(code_of(bad), VALIDATE_ID_LENGTH);
  snprintf(bad, sizeof bad, "%s1", id);
  CHECK_INT(code_of(bad), VALIDATE_ID_LENGTH);
  CHECK_INT(code_of("14050219900101A23X"), VALIDATE_ID_CHARS);
  CHECK_INT(code_of("abcdefghijklmnopqr"), VALIDATE_ID_CHARS);
  CHECK_INT(code_of(""), VALIDATE_EMPTY);
  CHECK_INT(code_of("   "), VALIDATE_EMPTY);
  CHECK_INT(code_of("\xff\xfe"), VALIDATE_BAD_UTF8);

  /* Full-width digits and spaces are folded. */
  {
    char wide[128] = "";
    make_id(id, "140502", "19900101", "123");
    for (int i = 0; i < 18; i++) {
      char ch[4] = {(char)0xEF, (char)0xBC, (char)(0x90 + (id[i] - '0')), 0};
      if (id[i] == 'X') {
        ch[2] = (char)0xB8;
      }
      strcat(wide, ch);
      if (i == 5 || i == 13)
        strcat(wide, " ");
    }
    CHECK_INT(idcard_parse(wide, strlen(wide), &today, &info, &note), KERR_OK);
    CHECK_STR(info.number, id);
  }

  /* Long input is refused without reading it all. */
  {
    char big[1000];
    memset(big, '1', sizeof big);
    CHECK_INT(idcard_parse(big, sizeof big, &today, &info, &note),
              KERR_INVALID);
    CHECK_INT(note.code, VALIDATE_ID_LENGTH);
  }
  return TEST_DONE();
}
