/* Fuzz target: the device API's request bodies as kiosk-server checks them
 * (server/intake.c over server/reqjson.c): every input is parsed as an
 * application envelope and as a heartbeat. What is accepted must satisfy
 * the field rules the store relies on (lengths, shapes, a sealed box of
 * more than the seal overhead); a broken invariant traps. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz/fuzz_target.h"
#include "intake.h"
#include "reqjson.h"

static int app_ok(const intake_app *a) {
  const store_app *p = &a->app;
  return intake_uuid_ok(p->uuid) && intake_reference_ok(p->reference) &&
         intake_device_ok(p->device_id) && strlen(p->region) == 6 &&
         p->content_version[0] && strlen(p->check_digest) == 64 &&
         p->items_json && p->items_json[0] == '[' && p->sealed &&
         p->sealed_len > crypto_box_SEALBYTES &&
         p->sealed_len <= INTAKE_SEALED_MAX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int init;
  char msg[REQJSON_MSG_MAX];
  if (!init) {
    if (sodium_init() < 0)
      abort();
    init = 1;
  }
  const char *body = (const char *)data;
  /* The server's check key (check.key); any fixed value will do here. */
  static const unsigned char check_key[32] = {1, 2, 3, 4, 5, 6, 7, 8};

  intake_app a;
  msg[0] = '\0';
  kerr err = intake_app_parse(body, size, check_key, &a, msg, sizeof msg);
  if (err == KERR_OK) {
    if (!app_ok(&a))
      __builtin_trap();
    /* The same body hashes the same (what makes a resend recognisable). */
    intake_app b;
    if (intake_app_parse(body, size, check_key, &b, msg, sizeof msg) != KERR_OK ||
        memcmp(a.app.body_hash, b.app.body_hash, sizeof a.app.body_hash))
      __builtin_trap();
    intake_app_free(&b);
  } else if ((err != KERR_PARSE && err != KERR_LIMIT && err != KERR_INVALID &&
              err != KERR_NOMEM) ||
             !msg[0] || a.items_json || a.sealed) {
    __builtin_trap();
  }
  intake_app_free(&a);

  intake_heartbeat h;
  msg[0] = '\0';
  err = intake_heartbeat_parse(body, size, &h, msg, sizeof msg);
  if (err == KERR_OK) {
    if (!intake_device_ok(h.dev.device_id) || !h.errors_json ||
        h.dev.last_errors_json != h.errors_json || h.dev.outbox_depth < 0 ||
        h.dev.quarantined < 0 || h.dev.uptime_s < 0)
      __builtin_trap();
  } else if (!msg[0] || h.errors_json) {
    __builtin_trap();
  }
  intake_heartbeat_free(&h);
  return 0;
}
