/* idcard_reader: the resident ID card reader (二代身份证阅读器, GA 450)
 * behind a small interface (no SDL here). docs/devices.md.
 *
 * Two implementations:
 *   - sim: a card is a JSON file (tests/data/devices/idcard/, one file a card). It is
 *     "placed" by idcard_reader_sim_place() (the script verb `card place`)
 *     or by appearing in a watched folder (idcard.sim_dir). A card file may
 *     say "fault": "unreadable" or "removed" (taken away mid-read);
 *   - sdk: the vendor's library (libtermb.so and alike), loaded with dlopen
 *     at run time, in the reader SDK's usual calling convention:
 *     InitComm(port) → Authenticate() → Read_Content(1) → GetPeopleName …
 *     GetEndDate, CloseComm(); its GBK strings are converted to UTF-8.
 *     A library that cannot be loaded, or a port where no reader answers,
 *     leaves the reader ABSENT with a log line; nothing else changes.
 *
 * Invariants:
 *   - a card is read only while the reader is armed (idcard_reader_arm:
 *     the applicant tapped 刷身份证); each arming reads at most one card,
 *     and a card placed once is read once (it must be placed again);
 *   - one worker thread owns the backend (the vendor library is not
 *     thread-safe); the caller's thread only arms, cancels and takes;
 *   - what was read (card fields, photo) is wiped with sodium_memzero when
 *     it is taken, cancelled, replaced or the reader closes, and never
 *     logged; the photo is for the screen only, never stored. */
#ifndef KIOSK_DEVICES_IDCARD_READER_H
#define KIOSK_DEVICES_IDCARD_READER_H

#include <stddef.h>

#include "core/kerr.h"

#define IDCARD_READER_PHOTO_MAX (64u * 1024u) /* bytes of a photo kept */
#define IDCARD_READER_FILE_MAX (256u * 1024u) /* a simulated card file */

typedef enum idcard_reader_kind {
  IDCARD_READER_NONE = 0, /* no reader configured */
  IDCARD_READER_SIM,
  IDCARD_READER_SDK
} idcard_reader_kind;

typedef enum idcard_reader_state {
  IDCARD_READER_ABSENT = 0, /* none configured, or none answers (没有接) */
  IDCARD_READER_CONNECTED,  /* ready to read (已连接) */
  IDCARD_READER_ERROR       /* present but failing (出了故障) */
} idcard_reader_state;

typedef enum idcard_reader_outcome {
  IDCARD_READ_OK = 0,
  IDCARD_READ_UNREADABLE, /* the card answered nothing usable */
  IDCARD_READ_REMOVED,    /* the card was taken away before the end */
  IDCARD_READ_NO_READER   /* the reader went away while armed */
} idcard_reader_outcome;

/* What a card holds, UTF-8. Caller-provided; idcard_card_wipe() it. */
typedef struct idcard_card {
  char name[96];
  char sex[16];        /* 男 / 女 */
  char nation[48];     /* 民族, e.g. 汉 */
  char birth[9];       /* YYYYMMDD */
  char address[384];
  char id_number[24];
  char authority[128]; /* 签发机关 */
  char valid_from[9];  /* YYYYMMDD */
  char valid_to[16];   /* YYYYMMDD or 长期 */
  unsigned char *photo; /* raw bytes as the reader gives them (heap) */
  size_t photo_len;
} idcard_card;

/* Wipes every field and the photo (freed); the card is empty after. */
void idcard_card_wipe(idcard_card *c);

/* Called on the worker thread when a result is waiting (code
 * IDCARD_READER_EV_RESULT) or the state changed (IDCARD_READER_EV_STATE).
 * Must be thread-safe and must not block. */
#define IDCARD_READER_EV_RESULT 1
#define IDCARD_READER_EV_STATE 2
typedef void (*idcard_reader_notify)(void *ud, int code);

typedef struct idcard_reader_config {
  idcard_reader_kind kind;
  const char *sim_dir; /* sim: watched folder; NULL or "": none */
  const char *library; /* sdk: path of the vendor's .so */
  int port;            /* sdk: 1-16 serial, 1001-1016 USB */
  int poll_ms;         /* how often an armed reader looks; 0: 300 */
  int probe_ms;        /* sdk: how often an idle reader that is not there
                          is looked for (plugged in later); 0: 5000 */
  idcard_reader_notify notify;
  void *notify_ud;
} idcard_reader_config;

typedef struct idcard_reader idcard_reader;

/* Opens the reader of c->kind and starts its worker (which loads the
 * vendor library and opens the port). IDCARD_READER_NONE gives a reader
 * that is always ABSENT. KERR_INVALID for a bad config (sdk without a
 * library), KERR_NOMEM, KERR_INTERNAL when the thread cannot start. */
kerr idcard_reader_open(const idcard_reader_config *c, idcard_reader **out);

/* Stops the worker, closes the port and the library, wipes what is held.
 * NULL is fine. */
void idcard_reader_close(idcard_reader *r);

idcard_reader_state idcard_reader_get_state(idcard_reader *r);
idcard_reader_kind idcard_reader_get_kind(const idcard_reader *r);

/* Arms the reader: the next card placed (or the one lying on it, not read
 * yet) is read and its result kept until taken. Drops a result not yet
 * taken. KERR_STATE when the reader is not CONNECTED. */
kerr idcard_reader_arm(idcard_reader *r);

/* Disarms the reader and wipes a result not yet taken. */
void idcard_reader_cancel(idcard_reader *r);

/* 1 while armed (waiting for a card or reading it). */
int idcard_reader_armed(idcard_reader *r);

/* Takes the result: 1 with *outcome set and, for IDCARD_READ_OK, *out
 * filled (the caller wipes it); 0 when there is none. */
int idcard_reader_take(idcard_reader *r, idcard_card *out,
                       idcard_reader_outcome *outcome);

/* Waits (at most timeout_ms, real time) until an armed reader has no
 * placed card left unread. For tests and scripts. KERR_BUSY on timeout. */
kerr idcard_reader_wait(idcard_reader *r, int timeout_ms);

/* sim only: places the card of a JSON file (path copied) / takes it away.
 * KERR_STATE for another kind. */
kerr idcard_reader_sim_place(idcard_reader *r, const char *path);
kerr idcard_reader_sim_remove(idcard_reader *r);

#endif
