/* Fuzz target: the progress query of the device API,
 * GET /v1/applications/{reference}/status?check=LAST4, as kiosk-server
 * checks it before it touches the store (intake_reference_ok,
 * intake_check_digest), plus the other identifier checks of server/intake.c.
 * The input is "REFERENCE\nCHECK" (no newline: all reference, empty check).
 * A digest is 64 lower-case hex digits and depends only on the reference
 * and the upper-cased check. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz/fuzz_target.h"
#include "intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int init;
  if (!init) {
    if (sodium_init() < 0)
      abort();
    init = 1;
  }
  /* libmicrohttpd hands the handler NUL-terminated strings. */
  char *buf = malloc(size + 1);
  if (!buf)
    return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *check = strchr(buf, '\n');
  if (check)
    *check++ = '\0';
  else
    check = buf + strlen(buf);
  const char *ref = buf;

  (void)intake_uuid_ok(ref);
  (void)intake_device_ok(ref);
  int ref_ok = intake_reference_ok(ref);
  if (ref_ok && (strlen(ref) < 4 || strlen(ref) > STORE_REF_MAX))
    __builtin_trap();
  char hex[65], hex2[65], up[5];
  if (intake_check_digest(ref, check, hex) == KERR_OK) {
    if (strlen(check) != 4 || strlen(hex) != 64 ||
        strspn(hex, "0123456789abcdef") != 64)
      __builtin_trap();
    for (int i = 0; i < 4; i++)
      up[i] = (char)toupper((unsigned char)check[i]);
    up[4] = '\0';
    if (intake_check_digest(ref, up, hex2) != KERR_OK || strcmp(hex, hex2))
      __builtin_trap();
  }
  free(buf);
  return 0;
}
