/* json_limits: a bounded front end for cJSON, for JSON that comes from
 * outside the program (content bundles, later server answers).
 *
 * cJSON parses recursively and accepts anything it can represent. Before
 * handing a buffer to it, json_limits_parse() makes one linear pass that
 * refuses, with the byte offset and line of the first fault:
 *   - a buffer larger than max_bytes,
 *   - bytes that are not strict UTF-8 (no overlong forms, no surrogates,
 *     nothing above U+10FFFF),
 *   - nesting deeper than max_depth (so cJSON's recursion stays shallow),
 *   - a string longer than max_string bytes (raw, before unescaping),
 *   - an array or object with more than max_items members.
 * After cJSON has parsed the text, a walk over the tree refuses duplicate
 * object keys, decoded strings with control characters (other than tab and
 * newline) or invalid UTF-8 produced by \u escapes, and embedded NULs.
 * A leading UTF-8 byte-order mark is skipped. No global state. */
#ifndef KIOSK_CORE_JSON_LIMITS_H
#define KIOSK_CORE_JSON_LIMITS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/kerr.h"

typedef struct json_limits {
  size_t max_bytes;  /* whole document */
  size_t max_depth;  /* arrays and objects nested; at most 64 */
  size_t max_string; /* one string or key, raw bytes between the quotes */
  size_t max_items;  /* members of one array or object */
} json_limits;

typedef enum json_limits_fault {
  JSON_LIMITS_OK = 0,
  JSON_LIMITS_TOO_BIG,
  JSON_LIMITS_BAD_UTF8,
  JSON_LIMITS_TOO_DEEP,
  JSON_LIMITS_STRING_TOO_LONG,
  JSON_LIMITS_TOO_MANY_ITEMS,
  JSON_LIMITS_SYNTAX,
  JSON_LIMITS_DUPLICATE_KEY,
  JSON_LIMITS_BAD_CHAR
} json_limits_fault;

/* Where and why a document was refused. `line` and `column` are 1-based
 * (column counts bytes); `key` names the duplicate key when there is one. */
typedef struct json_limits_error {
  json_limits_fault fault;
  size_t offset;
  size_t line;
  size_t column;
  char key[64];
} json_limits_error;

/* Limits for the deepest hard ceiling the pre-scan supports. */
#define JSON_LIMITS_MAX_DEPTH 64

/* Parses buf[0..len) within `lim`. On success *out owns a new tree (free
 * with cJSON_Delete). On failure *out is NULL, err (if not NULL) says what
 * and where, and the result is KERR_LIMIT (size, depth, string, items),
 * KERR_PARSE (UTF-8, syntax, duplicate key, bad character) or KERR_NOMEM.
 * buf need not be NUL-terminated. */
kerr json_limits_parse(const char *buf, size_t len, const json_limits *lim,
                       cJSON **out, json_limits_error *err);

/* Plain-Chinese description of a fault, for administrators. Never NULL. */
const char *json_limits_fault_str(json_limits_fault f);

#endif
