/* console_req: checking the staff console's request bodies and filters.
 *
 * Pure functions over bytes, no store and no connection, so the rules can be
 * tested and fuzzed on their own; api_console.c calls them and answers. */
#ifndef SERVER_CONSOLE_REQ_H
#define SERVER_CONSOLE_REQ_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "kiosk/core/kerr.h"
#include "store.h"

/* Parses a sign-in body {"id","password"} (password: at most 256
 * characters). On KERR_OK *id and *pw point
 * into *j, which the caller frees (cJSON_Delete) in every case. On failure
 * msg holds an English reason (never the client's values). */
kerr console_req_login(const char *body, size_t n, cJSON **j, const char **id,
                       const char **pw, char *msg, size_t msgcap);

/* Parses a status-change body {"status", "note"?, "item"?}; the note may have at
 * most STORE_NOTE_MAX characters (code points, so at most 4 bytes each).
 * On KERR_OK *status and
 * *note point into *j ("" when the note is missing or null); the caller
 * frees *j in every case. Whether the status may be set is not checked. */
kerr console_req_status(const char *body, size_t n, cJSON **j,
                        const char **status, const char **note, char *msg,
                        size_t msgcap);

/* The optional "item" of a status-change body parsed by
 * console_req_status: *item = NULL when absent or null, else the item id
 * (a-z 0-9 _ -, at most STORE_ITEM_MAX) pointing into j. KERR_INVALID
 * with msg when present but not such an id. */
kerr console_req_item(const cJSON *j, const char **item, char *msg,
                      size_t msgcap);

/* The upper-cased reference filter of GET /api/console/applications.
 * KERR_LIMIT if ref is longer than STORE_REF_MAX; otherwise KERR_OK and
 * *valid says whether up holds a well-formed reference worth looking up. */
kerr console_req_reference(const char *ref, char up[STORE_REF_MAX + 1],
                           int *valid);

#endif
