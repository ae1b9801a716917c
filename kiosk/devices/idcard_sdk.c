/* idcard_sdk: the vendor SDK adapter of idcard_reader (idcard.kind = sdk).
 *
 * Most GA 450 readers sold in China ship a Linux library (libtermb.so and
 * its relatives) with the same C calling convention, every call returning
 * 1 on success:
 *   int InitComm(int port)        1-16 serial, 1001-1016 USB
 *   int Authenticate(void)        1 when a card lies on the reader
 *   int Read_Content(int active)  reads the card (active 1: text + photo)
 *   int GetPeopleName(char *buf, int *len), GetPeopleSex, GetPeopleNation,
 *       GetPeopleBirthday, GetPeopleAddress, GetPeopleIDCode,
 *       GetDepartment, GetStartDate, GetEndDate   GBK text
 *   int GetBMPData(unsigned char *buf, int *len)  the photo (optional)
 *   int CloseComm(void)
 * The library is loaded with dlopen at run time, so the kiosk builds and
 * runs without it; a missing library or a reader that does not answer
 * leaves the reader ABSENT. Only the worker thread calls in here. */
#include <dlfcn.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "devices/idcard_reader_private.h"

#define SDK_TEXT_MAX 512 /* a vendor buffer for one field (GBK) */

typedef int (*sdk_int_fn)(int);
typedef int (*sdk_void_fn)(void);
typedef int (*sdk_text_fn)(char *, int *);
typedef int (*sdk_bytes_fn)(unsigned char *, int *);

enum {
  F_NAME, F_SEX, F_NATION, F_BIRTH, F_ADDRESS, F_ID, F_DEPT, F_START, F_END,
  F_COUNT
};

static const char *const TEXT_FN[F_COUNT] = {
    "GetPeopleName",     "GetPeopleSex",    "GetPeopleNation",
    "GetPeopleBirthday", "GetPeopleAddress", "GetPeopleIDCode",
    "GetDepartment",     "GetStartDate",     "GetEndDate"};

struct idcard_sdk {
  void *lib;
  int port;
  int open;     /* InitComm succeeded */
  int broken;   /* a function of the convention is missing */
  int told;     /* the "no reader" line was logged */
  sdk_int_fn init_comm, read_content;
  sdk_void_fn close_comm, authenticate;
  sdk_text_fn text[F_COUNT];
  sdk_bytes_fn bmp; /* may be NULL */
};

/* dlsym into a function pointer without the object/function cast warning. */
static void *sym(void *lib, const char *name) {
  dlerror();
  return dlsym(lib, name);
}

#define LOAD(dst, name)                                                     \
  do {                                                                      \
    void *p_ = sym(s->lib, name);                                           \
    if (!p_) {                                                              \
      LOG_E("idcard", "vendor library %s has no %s: not a reader SDK of "  \
            "the usual convention", library, name);                         \
      s->broken = 1;                                                        \
    } else {                                                                \
      memcpy(&(dst), &p_, sizeof p_);                                       \
    }                                                                       \
  } while (0)

/* InitComm on the port; logs the first failure only. */
static int try_open(idcard_sdk *s) {
  if (s->open)
    return 1;
  if (s->init_comm(s->port) == 1) {
    s->open = 1;
    s->told = 0;
    LOG_I("idcard", "reader open on port %d", s->port);
    return 1;
  }
  if (!s->told)
    LOG_W("idcard", "no ID card reader answers on port %d (USB readers are "
          "1001-1016, serial ones 1-16)", s->port);
  s->told = 1;
  return 0;
}

idcard_reader_state idcard_sdk_open(const char *library, int port,
                                    idcard_sdk **out) {
  idcard_sdk *s = calloc(1, sizeof *s);
  *out = s;
  if (!s)
    return IDCARD_READER_ERROR;
  s->port = port;
  s->lib = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!s->lib) {
    const char *why = dlerror();
    LOG_W("idcard", "ID card reader library %s cannot be loaded (%s): no "
          "reader; applicants type their details",
          library, why ? why : "unknown");
    return IDCARD_READER_ABSENT;
  }
  LOAD(s->init_comm, "InitComm");
  LOAD(s->close_comm, "CloseComm");
  LOAD(s->authenticate, "Authenticate");
  LOAD(s->read_content, "Read_Content");
  for (int i = 0; i < F_COUNT; i++)
    LOAD(s->text[i], TEXT_FN[i]);
  void *b = sym(s->lib, "GetBMPData");
  if (b)
    memcpy(&s->bmp, &b, sizeof b);
  if (s->broken)
    return IDCARD_READER_ERROR;
  return try_open(s) ? IDCARD_READER_CONNECTED : IDCARD_READER_ABSENT;
}

/* GBK (as the vendor gives it) to UTF-8, trailing spaces dropped. 0 when
 * the text is not GBK or does not fit. */
static int gbk_to_utf8(const char *in, size_t n, char *out, size_t cap) {
  while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\0'))
    n--;
  iconv_t cd = iconv_open("UTF-8", "GBK");
  if (cd == (iconv_t)-1)
    return 0;
  char *ip = (char *)in, *op = out;
  size_t il = n, ol = cap - 1;
  size_t rc = iconv(cd, &ip, &il, &op, &ol);
  iconv_close(cd);
  if (rc == (size_t)-1 || il != 0) {
    sodium_memzero(out, cap);
    return 0;
  }
  *op = '\0';
  return 1;
}

/* One field through a GetXxx(char *, int *) call into out (UTF-8). */
static int get_text(sdk_text_fn fn, char *out, size_t cap) {
  char raw[SDK_TEXT_MAX];
  int len = (int)sizeof raw - 1;
  memset(raw, 0, sizeof raw);
  int ok = fn(raw, &len) == 1 && len >= 0 && len < (int)sizeof raw &&
           gbk_to_utf8(raw, (size_t)len, out, cap);
  sodium_memzero(raw, sizeof raw);
  return ok;
}

/* A dead port (the reader unplugged): close it, to be opened again. */
static void lost(idcard_sdk *s) {
  if (s->open)
    s->close_comm();
  s->open = 0;
}

int idcard_sdk_poll(idcard_sdk *s, idcard_card *c, idcard_reader_outcome *o,
                    idcard_reader_state *state) {
  *state = IDCARD_READER_ABSENT;
  if (!s || !s->lib)
    return 0;
  if (s->broken) {
    *state = IDCARD_READER_ERROR;
    return 0;
  }
  if (!try_open(s))
    return 0;
  *state = IDCARD_READER_CONNECTED;
  if (s->authenticate() != 1)
    return 0; /* no card yet */
  if (s->read_content(1) != 1) {
    /* Taken away while reading, or a card that does not answer. */
    *o = s->authenticate() == 1 ? IDCARD_READ_UNREADABLE : IDCARD_READ_REMOVED;
    LOG_I("idcard", "a card could not be read (%s)",
          *o == IDCARD_READ_REMOVED ? "removed" : "unreadable");
    return 1;
  }
  char birth[64] = "", start[64] = "", end[64] = "";
  int ok = get_text(s->text[F_NAME], c->name, sizeof c->name) &&
           get_text(s->text[F_SEX], c->sex, sizeof c->sex) &&
           get_text(s->text[F_NATION], c->nation, sizeof c->nation) &&
           get_text(s->text[F_BIRTH], birth, sizeof birth) &&
           get_text(s->text[F_ADDRESS], c->address, sizeof c->address) &&
           get_text(s->text[F_ID], c->id_number, sizeof c->id_number) &&
           get_text(s->text[F_DEPT], c->authority, sizeof c->authority) &&
           get_text(s->text[F_START], start, sizeof start) &&
           get_text(s->text[F_END], end, sizeof end);
  if (ok) {
    idcard_reader_date(birth, c->birth);
    idcard_reader_date(start, c->valid_from);
    /* Not a date: 长期 as the card says it, if it fits (else nothing). */
    if (!idcard_reader_date(end, c->valid_to) &&
        strlen(end) < sizeof c->valid_to)
      memcpy(c->valid_to, end, strlen(end) + 1);
  }
  sodium_memzero(birth, sizeof birth);
  sodium_memzero(start, sizeof start);
  sodium_memzero(end, sizeof end);
  if (ok && s->bmp) {
    c->photo = malloc(IDCARD_READER_PHOTO_MAX);
    int len = (int)IDCARD_READER_PHOTO_MAX;
    if (c->photo && s->bmp(c->photo, &len) == 1 && len > 0 &&
        (size_t)len <= IDCARD_READER_PHOTO_MAX) {
      c->photo_len = (size_t)len;
    } else if (c->photo) {
      sodium_memzero(c->photo, IDCARD_READER_PHOTO_MAX);
      free(c->photo);
      c->photo = NULL;
    }
  }
  if (!ok || !c->name[0] || !c->id_number[0]) {
    idcard_card_wipe(c);
    LOG_I("idcard", "a card was read but its text is unusable");
    *o = IDCARD_READ_UNREADABLE;
    return 1;
  }
  *o = IDCARD_READ_OK;
  return 1;
}

int idcard_sdk_usable(const idcard_sdk *s) {
  return s && s->lib && !s->broken;
}

idcard_reader_state idcard_sdk_probe(idcard_sdk *s) {
  if (!s || !s->lib)
    return IDCARD_READER_ABSENT;
  if (s->broken)
    return IDCARD_READER_ERROR;
  return try_open(s) ? IDCARD_READER_CONNECTED : IDCARD_READER_ABSENT;
}

void idcard_sdk_close(idcard_sdk *s) {
  if (!s)
    return;
  if (s->lib && !s->broken)
    lost(s);
  if (s->lib)
    dlclose(s->lib);
  free(s);
}
