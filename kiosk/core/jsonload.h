/* jsonload: reading members of an administrator's JSON file (form.json,
 * screener.json) into a loader that records every problem it finds with
 * the file, the JSON path and a Chinese reason, instead of stopping at the
 * first (see content_problems.h).
 *
 * Each reader takes the path of the object o ("$.fields[3]") and appends
 * ".key" for its problems; paths longer than 200 bytes are truncated,
 * which is harmless. */
#ifndef KIOSK_CORE_JSONLOAD_H
#define KIOSK_CORE_JSONLOAD_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/content_problems.h"
#include "core/kerr.h"

typedef struct jsonload {
  content_problems *p; /* where problems go (borrowed) */
  const char *file;    /* the file named in each problem (borrowed) */
  kerr err;            /* the kind of the first problem; KERR_OK if none */
} jsonload;

/* A loader that has found nothing wrong yet. */
void jsonload_init(jsonload *L, content_problems *p, const char *file);

/* Records a problem at path; the first one's kind becomes L->err. */
void jsonload_problem(jsonload *L, kerr kind, content_problem_kind pk,
                      const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* A string member of at most max bytes. Missing: NULL with a problem, or ""
 * when optional. Not a string, too long, or (unless optional) empty: NULL
 * with a problem. The string is borrowed from o. */
const char *jsonload_str(jsonload *L, const cJSON *o, const char *key,
                         const char *path, size_t max, int optional);

/* A true/false member; dflt when missing or (with a problem) not a bool. */
int jsonload_bool(jsonload *L, const cJSON *o, const char *key,
                  const char *path, int dflt);

/* A number member as fixed point (EXPR_SCALE); dflt when missing or (with a
 * problem) not a representable number. *has, if not NULL, says whether a
 * good number was there. */
int64_t jsonload_num(jsonload *L, const cJSON *o, const char *key,
                     const char *path, int64_t dflt, int *has);

/* A whole-number member within lo..hi; dflt when missing or (with a
 * problem) anything else. */
long jsonload_int(jsonload *L, const cJSON *o, const char *key,
                  const char *path, long lo, long hi, long dflt);

/* 1 if s is 1..max characters of [a-z0-9_]. */
int jsonload_name_ok(const char *s, size_t max);

/* 1 if s is an identifier: jsonload_name_ok() and not starting with a
 * digit. */
int jsonload_id_ok(const char *s, size_t max);

#endif
