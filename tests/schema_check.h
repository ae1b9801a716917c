/* schema_check: a JSON-Schema subset validator for tests, header only.
 *
 * Implements the keywords docs/submission.schema.json uses and refuses any
 * other keyword, so that schema cannot silently rely on one nothing checks.
 * schema_check_valid(schema, text, quiet): 1 if the JSON text validates
 * against the parsed schema; prints why not (unless quiet) otherwise. */
#ifndef TESTS_SCHEMA_CHECK_H
#define TESTS_SCHEMA_CHECK_H

#include <regex.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/utf8.h"

typedef struct vctx {
  const cJSON *root;
  char err[512];
} vctx;

static int fail(vctx *v, const char *path, const char *what) {
  if (!v->err[0])
    snprintf(v->err, sizeof v->err, "%s: %s", path, what);
  return 0;
}

static int type_is(const cJSON *j, const char *t) {
  if (strcmp(t, "object") == 0)
    return cJSON_IsObject(j);
  if (strcmp(t, "array") == 0)
    return cJSON_IsArray(j);
  if (strcmp(t, "string") == 0)
    return cJSON_IsString(j);
  if (strcmp(t, "number") == 0)
    return cJSON_IsNumber(j);
  if (strcmp(t, "integer") == 0)
    return cJSON_IsNumber(j) && j->valuedouble == (double)(long long)j->valuedouble;
  if (strcmp(t, "boolean") == 0)
    return cJSON_IsBool(j);
  if (strcmp(t, "null") == 0)
    return cJSON_IsNull(j);
  return 0;
}

static int validate(vctx *v, const cJSON *s, const cJSON *j, const char *path);

static int match(const char *pattern, const char *s) {
  regex_t re;
  if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
    return -1;
  int ok = regexec(&re, s, 0, NULL, 0) == 0;
  regfree(&re);
  return ok;
}

static int validate(vctx *v, const cJSON *s, const cJSON *j, const char *path) {
  char sub[400];
  if (cJSON_IsBool(s))
    return cJSON_IsTrue(s) ? 1 : fail(v, path, "false schema");
  for (const cJSON *k = s->child; k; k = k->next) {
    const char *kw = k->string;
    if (!strcmp(kw, "$schema") || !strcmp(kw, "title") ||
        !strcmp(kw, "description") || !strcmp(kw, "$defs"))
      continue;
    if (!strcmp(kw, "$ref")) {
      const char *ref = k->valuestring;
      if (strncmp(ref, "#/$defs/", 8) != 0)
        return fail(v, path, "unsupported $ref");
      const cJSON *d = cJSON_GetObjectItemCaseSensitive(
          cJSON_GetObjectItemCaseSensitive(v->root, "$defs"), ref + 8);
      if (!d)
        return fail(v, path, "dangling $ref");
      if (!validate(v, d, j, path))
        return 0;
    } else if (!strcmp(kw, "type")) {
      int ok = 0;
      if (cJSON_IsString(k))
        ok = type_is(j, k->valuestring);
      else
        for (const cJSON *t = k->child; t; t = t->next)
          ok |= type_is(j, t->valuestring);
      if (!ok)
        return fail(v, path, "wrong type");
    } else if (!strcmp(kw, "const")) {
      if (!cJSON_Compare(k, j, 1))
        return fail(v, path, "not the constant");
    } else if (!strcmp(kw, "enum")) {
      int ok = 0;
      for (const cJSON *e = k->child; e; e = e->next)
        ok |= cJSON_Compare(e, j, 1);
      if (!ok)
        return fail(v, path, "not in enum");
    } else if (!strcmp(kw, "pattern")) {
      if (cJSON_IsString(j)) {
        int m = match(k->valuestring, j->valuestring);
        if (m < 0)
          return fail(v, path, "bad pattern");
        if (!m)
          return fail(v, path, "pattern does not match");
      }
    } else if (!strcmp(kw, "minLength") || !strcmp(kw, "maxLength")) {
      if (cJSON_IsString(j)) {
        size_t n = utf8_count(j->valuestring, strlen(j->valuestring));
        if (kw[1] == 'i' ? n < (size_t)k->valuedouble : n > (size_t)k->valuedouble)
          return fail(v, path, kw);
      }
    } else if (!strcmp(kw, "minItems") || !strcmp(kw, "maxItems")) {
      if (cJSON_IsArray(j)) {
        size_t n = (size_t)cJSON_GetArraySize(j);
        if (kw[1] == 'i' ? n < (size_t)k->valuedouble : n > (size_t)k->valuedouble)
          return fail(v, path, kw);
      }
    } else if (!strcmp(kw, "minimum") || !strcmp(kw, "maximum")) {
      if (cJSON_IsNumber(j) && (kw[1] == 'i' ? j->valuedouble < k->valuedouble
                                             : j->valuedouble > k->valuedouble))
        return fail(v, path, kw);
    } else if (!strcmp(kw, "items")) {
      if (cJSON_IsArray(j)) {
        int i = 0;
        for (const cJSON *e = j->child; e; e = e->next, i++) {
          snprintf(sub, sizeof sub, "%s[%d]", path, i);
          if (!validate(v, k, e, sub))
            return 0;
        }
      }
    } else if (!strcmp(kw, "required")) {
      if (cJSON_IsObject(j))
        for (const cJSON *r = k->child; r; r = r->next)
          if (!cJSON_GetObjectItemCaseSensitive(j, r->valuestring)) {
            snprintf(sub, sizeof sub, "missing \"%s\"", r->valuestring);
            return fail(v, path, sub);
          }
    } else if (!strcmp(kw, "properties") || !strcmp(kw, "additionalProperties") ||
               !strcmp(kw, "propertyNames")) {
      if (!cJSON_IsObject(j))
        continue;
      const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
      for (const cJSON *m = j->child; m; m = m->next) {
        snprintf(sub, sizeof sub, "%s.%s", path, m->string);
        const cJSON *ps = cJSON_GetObjectItemCaseSensitive(props, m->string);
        if (!strcmp(kw, "properties") && ps && !validate(v, ps, m, sub))
          return 0;
        if (!strcmp(kw, "additionalProperties") && !ps &&
            !validate(v, k, m, sub))
          return 0;
        if (!strcmp(kw, "propertyNames")) {
          cJSON *name = cJSON_CreateString(m->string);
          int ok = validate(v, k, name, sub);
          cJSON_Delete(name);
          if (!ok)
            return 0;
        }
      }
    } else if (!strcmp(kw, "anyOf")) {
      int ok = 0;
      for (const cJSON *a = k->child; a && !ok; a = a->next) {
        vctx tmp = {v->root, ""};
        ok = validate(&tmp, a, j, path);
      }
      if (!ok)
        return fail(v, path, "matches none of anyOf");
    } else {
      return fail(v, path, "keyword this validator does not know");
    }
  }
  return 1;
}

static inline int schema_check_valid(const cJSON *schema, const char *json,
                                     int quiet) {
  cJSON *j = cJSON_Parse(json);
  if (!j)
    return 0;
  vctx v = {schema, ""};
  int ok = validate(&v, schema, j, "$");
  if (!ok && !quiet)
    fprintf(stderr, "schema: %s\n", v.err);
  cJSON_Delete(j);
  return ok;
}

#endif
