/* intake: checking what devices send (applications, heartbeats, progress
 * queries) before anything is stored.
 *
 * Pure functions over bytes: no I/O, no clock, so the rules are tested
 * directly. An application is accepted only if every field is present with
 * the right type and shape and no other field is there; its canonical hash
 * (BLAKE2b over the fields in a fixed order) is what makes a resend
 * recognisable whatever the key order or whitespace. */
#ifndef SERVER_INTAKE_H
#define SERVER_INTAKE_H

#include <stddef.h>

#include "kiosk/core/kerr.h"
#include "store.h"

enum {
  INTAKE_MAX_ITEMS = 32,
  INTAKE_ITEM_MAX = 40,
  INTAKE_SEALED_MAX = 3 * 1024 * 1024, /* decoded bytes */
  INTAKE_ERRORS_MAX = 16,
  INTAKE_ERROR_LEN = 200
};

/* A checked application: app's borrowed pointers point into this struct. */
typedef struct intake_app {
  store_app app;
  char *items_json;
  unsigned char *sealed;
} intake_app;

/* Parses and checks an application body. On KERR_OK *out is filled (free
 * with intake_app_free). On failure msg holds an English reason and the
 * error is KERR_PARSE (not JSON), KERR_LIMIT or KERR_INVALID. */
kerr intake_app_parse(const char *body, size_t n, intake_app *out, char *msg,
                      size_t msgcap);

/* Frees what intake_app_parse allocated; safe on a zeroed struct. */
void intake_app_free(intake_app *a);

/* A checked heartbeat; dev's last_errors_json points into errors_json. */
typedef struct intake_heartbeat {
  store_device dev;
  char *errors_json;
} intake_heartbeat;

/* Parses and checks a heartbeat body (see docs/protocol.md). */
kerr intake_heartbeat_parse(const char *body, size_t n, intake_heartbeat *out,
                            char *msg, size_t msgcap);

/* Frees what intake_heartbeat_parse allocated. */
void intake_heartbeat_free(intake_heartbeat *h);

/* The status check digest: lower-case hex BLAKE2b-256 of
 * "kiosk-status-v1|" reference "|" LAST4 (upper-cased here). hex must hold
 * 65 bytes. KERR_INVALID if last4 is not 4 characters [0-9A-Za-z]. */
kerr intake_check_digest(const char *reference, const char *last4,
                         char hex[65]);

/* 1 if s is a lower-case RFC 4122 version 4 UUID. */
int intake_uuid_ok(const char *s);

/* 1 if s looks like a reference number: 4..32 of [0-9A-Z-]. */
int intake_reference_ok(const char *s);

/* 1 if s is a device id: KIOSK-<6 digits>-<3 digits>. */
int intake_device_ok(const char *s);

#endif
