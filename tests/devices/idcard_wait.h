/* Shared by the ID card reader tests: waiting (bounded, real time) for a
 * result or a state of a reader whose worker runs in the background. */
#ifndef TESTS_DEVICES_IDCARD_WAIT_H
#define TESTS_DEVICES_IDCARD_WAIT_H

#include <time.h>

#include "devices/idcard_reader.h"

static void nap_ms(int ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

/* 1 when a result came within ms. */
static int wait_result(idcard_reader *r, idcard_card *c,
                       idcard_reader_outcome *o, int ms) {
  for (int i = 0; i < ms / 5; i++) {
    if (idcard_reader_take(r, c, o))
      return 1;
    nap_ms(5);
  }
  return idcard_reader_take(r, c, o);
}

/* 1 when the reader reached state st within ms. */
static int wait_state(idcard_reader *r, idcard_reader_state st, int ms) {
  for (int i = 0; i < ms / 5; i++) {
    if (idcard_reader_get_state(r) == st)
      return 1;
    nap_ms(5);
  }
  return idcard_reader_get_state(r) == st;
}

#endif
