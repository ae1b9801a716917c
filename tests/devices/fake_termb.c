/* A fake vendor ID card reader library for tests/devices/test_idcard_sdk.c:
 * the exported functions of the reader SDK's usual convention (InitComm,
 * Authenticate, Read_Content, GetPeopleName … GetEndDate, GetBMPData,
 * CloseComm), answering with a synthetic card in GBK, as a real reader's
 * library does. The test steers it through fake_termb_set() (found with
 * dlsym on the same handle the adapter loads) and reads its counters.
 * Built with FAKE_TERMB_BROKEN it lacks GetDepartment: a library of another
 * convention. Nothing here is a real person's data. */
#include <string.h>

/* What the reader does; see fake_termb_set. */
static int port_ok = 1001;   /* the port where the reader answers */
static int card_on = 1;      /* a card lies on the reader */
static int read_ok = 1;      /* Read_Content succeeds */
static int remove_on_read = 0; /* the card is taken away during Read_Content */
static int bad_text = 0;     /* GetPeopleName answers bytes that are not GBK */
static int opened = 0, closes = 0, reads = 0;

void fake_termb_set(int port, int card, int read, int remove, int bad);
int fake_termb_count(int which);
int InitComm(int port);
int CloseComm(void);
int Authenticate(void);
int Read_Content(int active);
int GetPeopleName(char *buf, int *len);
int GetPeopleSex(char *buf, int *len);
int GetPeopleNation(char *buf, int *len);
int GetPeopleBirthday(char *buf, int *len);
int GetPeopleAddress(char *buf, int *len);
int GetPeopleIDCode(char *buf, int *len);
#ifndef FAKE_TERMB_BROKEN
int GetDepartment(char *buf, int *len);
#endif
int GetStartDate(char *buf, int *len);
int GetEndDate(char *buf, int *len);
int GetBMPData(unsigned char *buf, int *len);

void fake_termb_set(int port, int card, int read, int remove, int bad) {
  port_ok = port;
  card_on = card;
  read_ok = read;
  remove_on_read = remove;
  bad_text = bad;
}

/* 0: InitComm successes, 1: CloseComm calls, 2: Read_Content calls. */
int fake_termb_count(int which) {
  return which == 0 ? opened : which == 1 ? closes : reads;
}

int InitComm(int port) {
  if (port != port_ok)
    return 0;
  opened++;
  return 1;
}

int CloseComm(void) {
  closes++;
  return 1;
}

int Authenticate(void) { return card_on ? 1 : 0; }

int Read_Content(int active) {
  reads++;
  if (active != 1)
    return 0;
  if (remove_on_read) {
    card_on = 0;
    return 0;
  }
  return read_ok ? 1 : 0;
}

/* Copies s (GBK bytes) padded with spaces, as vendors do. */
static int put(char *buf, int *len, const char *s) {
  size_t n = strlen(s);
  if (!buf || !len || *len < (int)n + 4)
    return 0;
  memcpy(buf, s, n);
  memcpy(buf + n, "   ", 3);
  buf[n + 3] = '\0';
  *len = (int)n + 3;
  return 1;
}

int GetPeopleName(char *buf, int *len) {
  /* 赵德明 in GBK; \xff\xff is no GBK character */
  return put(buf, len, bad_text ? "\xff\xff\xff" : "\xd5\xd4\xb5\xc2\xc3\xf7");
}
int GetPeopleSex(char *buf, int *len) { return put(buf, len, "\xc4\xd0"); }
int GetPeopleNation(char *buf, int *len) { return put(buf, len, "\xba\xba"); }
int GetPeopleBirthday(char *buf, int *len) { return put(buf, len, "19650308"); }
int GetPeopleAddress(char *buf, int *len) {
  /* 山西省晋城市城区钟家庄街道东王台村5号 */
  return put(buf, len,
             "\xc9\xbd\xce\xf7\xca\xa1\xbd\xfa\xb3\xc7\xca\xd0\xb3\xc7\xc7\xf8"
             "\xd6\xd3\xbc\xd2\xd7\xaf\xbd\xd6\xb5\xc0\xb6\xab\xcd\xf5\xcc\xa8"
             "\xb4\xe5" "5" "\xba\xc5");
}
int GetPeopleIDCode(char *buf, int *len) {
  return put(buf, len, "140502196503081235");
}
#ifndef FAKE_TERMB_BROKEN
int GetDepartment(char *buf, int *len) {
  /* 晋城市公安局城区分局 */
  return put(buf, len,
             "\xbd\xfa\xb3\xc7\xca\xd0\xb9\xab\xb0\xb2\xbe\xd6\xb3\xc7\xc7\xf8"
             "\xb7\xd6\xbe\xd6");
}
#endif
int GetStartDate(char *buf, int *len) { return put(buf, len, "20150601"); }
int GetEndDate(char *buf, int *len) { return put(buf, len, "\xb3\xa4\xc6\xda"); }

int GetBMPData(unsigned char *buf, int *len) {
  static const unsigned char bmp[] = {'B', 'M', 1, 2, 3, 4};
  if (!buf || !len || *len < (int)sizeof bmp)
    return 0;
  memcpy(buf, bmp, sizeof bmp);
  *len = (int)sizeof bmp;
  return 1;
}
