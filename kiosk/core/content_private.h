/* content_private: what the content module's files share — the struct
 * behind the opaque `content`, the safe file reader and the validation
 * context that records problems with their JSON path. Not for other
 * modules. */
#ifndef KIOSK_CORE_CONTENT_PRIVATE_H
#define KIOSK_CORE_CONTENT_PRIVATE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/content.h"

/* One file listed in the manifest. */
typedef struct content_entry {
  const char *path;      /* borrowed from the manifest tree */
  unsigned char sha256[32];
  size_t size;
  char *data;            /* verified bytes + NUL, owned; NULL until read */
  size_t len;
} content_entry;

typedef struct content_kv {
  const char *key;
  const char *value;
} content_kv;

struct content_block; /* arena block */

struct content {
  struct content_block *arena; /* every array below lives here */
  cJSON *manifest, *catalogue, *regions_doc, *strings_doc, *icons_doc;
  const char *version, *region_code, *region_name, *issued, *expires;
  content_entry *files;
  size_t n_files;
  content_item *items;
  size_t n_items;
  content_region *regions;
  size_t n_regions;
  content_kv *strings; /* sorted by key */
  size_t n_strings;
  content_kv *speak; /* strings.json "speak": key = written, value = said */
  size_t n_speak;
  content_icon *icons;
  size_t n_icons;
};

/* Zeroed memory owned by c, freed by content_destroy. NULL when out of
 * memory or n is 0. */
void *content_alloc(content *c, size_t n);

/* --- files (content_fs.c) --- */

/* 1 if `path` is an acceptable path inside a bundle: relative, at most
 * CONTENT_MAX_PATH bytes, '/'-separated components of [A-Za-z0-9._-] that
 * are not empty, do not start with '.', and no more than 4 levels deep.
 * Otherwise 0 with a Chinese reason in why. */
int content_fs_path_ok(const char *path, char *why, size_t why_size);

/* Reads dirfd/path without following any symbolic link, refusing anything
 * but a regular file and anything larger than `max` bytes. *data gets a
 * malloc'd copy plus a terminating NUL. On failure a problem (file = path)
 * is recorded and KERR_NOTFOUND, KERR_IO, KERR_INVALID (symlink or not a
 * regular file) or KERR_LIMIT is returned. */
kerr content_fs_read(int dirfd, const char *path, size_t max, char **data,
                     size_t *len, content_problems *p);

/* --- validation (content_schema.c) --- */

typedef struct content_cv {
  content_problems *p;
  const char *file;
  char path[160];
  size_t len;
  size_t errors;
} content_cv;

void content_cv_init(content_cv *v, content_problems *p, const char *file);
/* Push ".key" or "[i]" on the JSON path; return the length to pop back to. */
size_t content_cv_key(content_cv *v, const char *key);
size_t content_cv_idx(content_cv *v, size_t i);
void content_cv_pop(content_cv *v, size_t len);
/* Records a problem at the current path. */
void content_cv_fail(content_cv *v, content_problem_kind kind,
                     const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses a whole JSON file within the content limits, recording a problem
 * (with line and column) if it cannot. NULL on failure. */
cJSON *content_cv_parse(content_cv *v, const char *data, size_t len,
                        size_t max_bytes);

/* Validators for each known file. Each records every problem it finds and
 * fills c's arrays; the return value is the number of problems. */
size_t content_schema_manifest(content *c, content_problems *p);
size_t content_schema_icons(content *c, content_problems *p);
size_t content_schema_strings(content *c, content_problems *p);
size_t content_schema_regions(content *c, content_problems *p);
size_t content_schema_catalogue(content *c, content_problems *p);

/* 1 if s is a real calendar date YYYY-MM-DD (years 2000..2099 are not
 * required; any four-digit year from 1900 to 2199). */
int content_schema_date_ok(const char *s);

/* Keys every bundle's strings.json must define. NULL-terminated. */
extern const char *const content_required_strings[];

#endif
