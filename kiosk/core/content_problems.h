/* content_problems: the list of everything wrong with a content bundle.
 *
 * The loader does not stop at the first fault: it records each one with the
 * file, the JSON path inside it ("$.items[3].steps[0].time_limit") and a
 * reason in plain Chinese for the administrator, so that `kioskctl content
 * check` can show them all at once. A problem also carries a machine kind so
 * tests and programs need not match on text.
 *
 * Invariants: at most CONTENT_PROBLEMS_MAX entries are stored; further ones
 * are only counted in `dropped`. Strings are truncated to their buffers on a
 * UTF-8 character boundary, never left half a character. */
#ifndef KIOSK_CORE_CONTENT_PROBLEMS_H
#define KIOSK_CORE_CONTENT_PROBLEMS_H

#include <stddef.h>

#include "core/kerr.h"

#define CONTENT_PROBLEMS_MAX 500

typedef enum content_problem_kind {
  CONTENT_P_IO = 1,      /* a file or the folder cannot be read */
  CONTENT_P_MISSING,     /* a listed or required file is not there */
  CONTENT_P_PATH,        /* a path that leaves the bundle or is malformed */
  CONTENT_P_SYMLINK,     /* a symbolic link where a file or folder should be */
  CONTENT_P_SIZE,        /* a file's size differs from the manifest */
  CONTENT_P_HASH,        /* a file's SHA-256 differs from the manifest */
  CONTENT_P_LIMIT,       /* a size, length, count or depth limit exceeded */
  CONTENT_P_UTF8,        /* bytes that are not UTF-8, or control characters */
  CONTENT_P_SYNTAX,      /* not well-formed JSON */
  CONTENT_P_FIELD,       /* a required field is missing */
  CONTENT_P_TYPE,        /* a field has the wrong JSON type */
  CONTENT_P_VALUE,       /* a field has the right type but a wrong value */
  CONTENT_P_DUPLICATE,   /* an id, key, path or JSON key appears twice */
  CONTENT_P_REFERENCE,   /* a reference to something that does not exist */
  CONTENT_P_FORMAT,      /* a bundle format this program does not know */
  CONTENT_P_EXPIRED,     /* the bundle is past its expiry date */
  CONTENT_P_VERSION      /* not newer than the bundle already in use */
} content_problem_kind;

typedef struct content_problem {
  content_problem_kind kind;
  char file[128];   /* path inside the bundle, "" for the bundle itself */
  char path[160];   /* JSON path, "" when the problem is about a whole file */
  char reason[256]; /* plain Chinese for the administrator */
} content_problem;

/* Caller-provided list; content_problems_init/free. */
typedef struct content_problems {
  content_problem *a;
  size_t n;
  size_t cap;
  size_t dropped; /* problems found but not stored (beyond the maximum) */
} content_problems;

/* Empties a caller-provided list. Never fails. */
void content_problems_init(content_problems *p);

/* Releases the entries; the list is empty and reusable afterwards. */
void content_problems_free(content_problems *p);

/* Appends one problem (file and path may be NULL or ""). A NULL list is
 * allowed and ignored. If memory runs out the problem is counted as
 * dropped. */
void content_problems_add(content_problems *p, content_problem_kind kind,
                          const char *file, const char *path,
                          const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Total number of problems found, stored or dropped. */
size_t content_problems_count(const content_problems *p);

/* 1 if some stored problem has this kind. */
int content_problems_has(const content_problems *p, content_problem_kind kind);

/* Formats problem i as "file: path: reason" into buf (always terminated).
 * Returns buf. */
const char *content_problems_format(const content_problems *p, size_t i,
                                    char *buf, size_t size);

/* Short English name of a kind, for logs ("hash", "field", ...). */
const char *content_problems_kind_str(content_problem_kind kind);

#endif
