/* Fuzz target: what the staff console sends kiosk-server, checked without a
 * connection (server/console_req.c, srv_day_range): the first byte picks the
 * input — a sign-in body, a status-change body, the reference filter or the
 * date filter of the application list — and the rest is that input. */
#include <stdlib.h>
#include <string.h>

#include "console_req.h"
#include "flow.h"
#include "fuzz/fuzz_target.h"
#include "reqjson.h"
#include "srv_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char msg[REQJSON_MSG_MAX];
  cJSON *j = NULL;
  if (size < 1)
    return 0;
  const char *body = (const char *)data + 1;
  size_t n = size - 1;
  msg[0] = '\0';
  switch (data[0] % 4) {
  case 0: {
    const char *id, *pw;
    kerr err = console_req_login(body, n, &j, &id, &pw, msg, sizeof msg);
    if (err == KERR_OK ? !id || !pw || strlen(id) > STORE_STAFF_MAX ||
                             strlen(pw) > 256
                       : id || pw || !msg[0])
      __builtin_trap();
    break;
  }
  case 1: {
    const char *status, *note;
    kerr err = console_req_status(body, n, &j, &status, &note, msg,
                                  sizeof msg);
    if (err == KERR_OK ? !status || !note ||
                             strlen(status) > STORE_STATUS_MAX ||
                             strlen(note) > STORE_NOTE_MAX
                       : status || note || !msg[0])
      __builtin_trap();
    if (err == KERR_OK)
      (void)flow_status_settable(status);
    break;
  }
  default: {
    /* Query values arrive NUL-terminated from libmicrohttpd. */
    char *q = malloc(n + 1);
    if (!q)
      return 0;
    memcpy(q, body, n);
    q[n] = '\0';
    if (data[0] % 4 == 2) {
      char up[STORE_REF_MAX + 1];
      int valid = 0;
      if (console_req_reference(q, up, &valid) == KERR_OK) {
        if (strlen(up) != strlen(q))
          __builtin_trap();
      } else if (valid || strlen(q) <= STORE_REF_MAX) {
        __builtin_trap();
      }
    } else {
      int64_t from = 0, to = 0;
      if (srv_day_range(q, &from, &to) && to <= from)
        __builtin_trap();
    }
    free(q);
    break;
  }
  }
  cJSON_Delete(j);
  return 0;
}
