/* reqjson: see reqjson.h. The depth pre-scan runs before cJSON so a deeply
 * nested body costs one linear pass, never deep recursion. */
#include "reqjson.h"

#include <stdio.h>
#include <string.h>

#include "kiosk/core/utf8.h"

int reqjson_utf8_ok(const char *s, size_t n) {
  return (n == 0 || memchr(s, '\0', n) == NULL) && utf8_valid(s, n);
}

kerr reqjson_parse(const char *buf, size_t n, int max_depth, cJSON **out,
                   char *msg, size_t msgcap) {
  int depth = 0, in_str = 0, esc = 0;
  *out = NULL;
  if (!reqjson_utf8_ok(buf, n)) {
    snprintf(msg, msgcap, "body is not valid UTF-8 text");
    return KERR_PARSE;
  }
  for (size_t i = 0; i < n; i++) {
    char c = buf[i];
    if (in_str) {
      if (esc)
        esc = 0;
      else if (c == '\\')
        esc = 1;
      else if (c == '"')
        in_str = 0;
    } else if (c == '"') {
      in_str = 1;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) {
        snprintf(msg, msgcap, "JSON nested deeper than %d", max_depth);
        return KERR_LIMIT;
      }
    } else if (c == '}' || c == ']') {
      depth--;
    }
  }
  const char *end = NULL;
  cJSON *j = cJSON_ParseWithLengthOpts(buf, n, &end, 0);
  if (!j) {
    snprintf(msg, msgcap, "body is not well-formed JSON");
    return KERR_PARSE;
  }
  /* Only whitespace may follow the value. */
  while (end && (size_t)(end - buf) < n && strchr(" \t\r\n", *end))
    end++;
  if (!end || (size_t)(end - buf) != n) {
    cJSON_Delete(j);
    snprintf(msg, msgcap, "trailing data after the JSON value");
    return KERR_PARSE;
  }
  *out = j;
  return KERR_OK;
}

kerr reqjson_keys(const cJSON *obj, const char *const *allowed, char *msg,
                  size_t msgcap) {
  if (!cJSON_IsObject(obj)) {
    snprintf(msg, msgcap, "expected a JSON object");
    return KERR_INVALID;
  }
  for (const cJSON *c = obj->child; c; c = c->next) {
    int known = 0;
    for (const char *const *a = allowed; *a; a++)
      if (strcmp(*a, c->string) == 0)
        known = 1;
    if (!known) {
      /* Key names are echoed only when they are short and printable. */
      size_t kl = strlen(c->string);
      int printable = kl <= 40;
      for (size_t i = 0; printable && i < kl; i++)
        printable = c->string[i] > 0x20 && c->string[i] < 0x7F;
      if (printable)
        snprintf(msg, msgcap, "unknown field \"%s\"", c->string);
      else
        snprintf(msg, msgcap, "unknown field");
      return KERR_INVALID;
    }
    for (const cJSON *d = obj->child; d != c; d = d->next) {
      if (strcmp(d->string, c->string) == 0) {
        snprintf(msg, msgcap, "field \"%s\" appears twice", c->string);
        return KERR_INVALID;
      }
    }
  }
  return KERR_OK;
}

const char *reqjson_str(const cJSON *obj, const char *key, size_t max,
                        const char *charset, char *msg, size_t msgcap) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v) {
    snprintf(msg, msgcap, "missing field \"%s\"", key);
    return NULL;
  }
  if (!cJSON_IsString(v) || !v->valuestring) {
    snprintf(msg, msgcap, "field \"%s\" must be a string", key);
    return NULL;
  }
  size_t n = strlen(v->valuestring);
  if (n > max) {
    snprintf(msg, msgcap, "field \"%s\" is longer than %zu bytes", key, max);
    return NULL;
  }
  if (charset && strspn(v->valuestring, charset) != n) {
    snprintf(msg, msgcap, "field \"%s\" has characters it may not contain",
             key);
    return NULL;
  }
  return v->valuestring;
}

const char *reqjson_text(const cJSON *obj, const char *key, size_t max_chars,
                         char *msg, size_t msgcap) {
  const char *v = reqjson_str(obj, key, REQJSON_UTF8_MAX * max_chars, NULL,
                              msg, msgcap);
  if (v && utf8_count(v, strlen(v)) > max_chars) {
    snprintf(msg, msgcap, "field \"%s\" is longer than %zu characters", key,
             max_chars);
    return NULL;
  }
  return v;
}
