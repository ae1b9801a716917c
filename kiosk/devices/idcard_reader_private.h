/* idcard_reader_private: what idcard_reader.c shares with the vendor SDK
 * adapter (idcard_sdk.c). Worker thread only. */
#ifndef KIOSK_DEVICES_IDCARD_READER_PRIVATE_H
#define KIOSK_DEVICES_IDCARD_READER_PRIVATE_H

#include "devices/idcard_reader.h"

typedef struct idcard_sdk idcard_sdk;

/* Loads the library and opens the port. Always sets *out (freed by
 * idcard_sdk_close) and returns the state: ABSENT when the library cannot
 * be loaded or no reader answers on the port, ERROR when the library lacks
 * a function of the convention, CONNECTED otherwise. */
idcard_reader_state idcard_sdk_open(const char *library, int port,
                                    idcard_sdk **out);

/* One look: 0 when no card is there (or the reader is not open: the port
 * is tried again); 1 with *o set (and *c filled for IDCARD_READ_OK).
 * *state gets the reader's state now. */
int idcard_sdk_poll(idcard_sdk *s, idcard_card *c, idcard_reader_outcome *o,
                    idcard_reader_state *state);

/* While idle and ABSENT: tries the port again (a reader plugged in
 * later). Returns the state now. */
idcard_reader_state idcard_sdk_probe(idcard_sdk *s);
/* 1 when the library is loaded with every function of the convention (a
 * probe can find a reader); 0 otherwise. */
int idcard_sdk_usable(const idcard_sdk *s);

/* Closes the port and the library. NULL is fine. */
void idcard_sdk_close(idcard_sdk *s);

/* Copies a date "YYYYMMDD" or "YYYY-MM-DD" (or "YYYY.MM.DD") as 8 digits
 * into out[9]; 0 (out "") when it is not one. */
int idcard_reader_date(const char *in, char out[9]);

#endif
