/* reqjson: safe parsing of JSON request bodies.
 *
 * Everything a client sends goes through here before cJSON sees it: hard
 * limits on size and nesting depth, UTF-8 checked, no NUL bytes; then the
 * helpers below check that an object holds only known keys, each once, with
 * the right type. Messages written into `msg` are English, for the
 * {"error","message"} body, and never echo the client's values. */
#ifndef SERVER_REQJSON_H
#define SERVER_REQJSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "kiosk/core/kerr.h"

enum {
  REQJSON_MSG_MAX = 160,
  REQJSON_UTF8_MAX = 4 /* bytes of one UTF-8 code point, at most */
};

/* Parses buf[0..n) as one JSON value nested at most max_depth deep.
 * KERR_LIMIT if too deep, KERR_PARSE if not JSON or not valid UTF-8.
 * The caller owns *out (cJSON_Delete). */
kerr reqjson_parse(const char *buf, size_t n, int max_depth, cJSON **out,
                   char *msg, size_t msgcap);

/* Checks that obj is an object whose keys are all in the NULL-terminated
 * list `allowed`, none repeated. KERR_INVALID with a message otherwise. */
kerr reqjson_keys(const cJSON *obj, const char *const *allowed, char *msg,
                  size_t msgcap);

/* The string member `key`, or NULL (with msg) if missing, not a string,
 * longer than max bytes, or (when charset is not NULL) containing a byte not
 * in charset. */
const char *reqjson_str(const cJSON *obj, const char *key, size_t max,
                        const char *charset, char *msg, size_t msgcap);

/* Like reqjson_str for free text, whose limit is in characters as the API
 * description's maxLength is: NULL (with msg) if the string has more than
 * max_chars UTF-8 code points. The body was checked to be strict UTF-8 by
 * reqjson_parse, so the string is at most 4 * max_chars bytes. */
const char *reqjson_text(const cJSON *obj, const char *key, size_t max_chars,
                         char *msg, size_t msgcap);

/* 1 if s[0..n) is text: strict UTF-8 (core/utf8.h) without a NUL byte. */
int reqjson_utf8_ok(const char *s, size_t n);

#endif
