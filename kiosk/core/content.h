/* content: the content bundle — every word and figure the policy screens
 * show — loaded from a folder and checked as a whole.
 *
 * A bundle is a folder with manifest.json (format, version, region, dates,
 * and every file with its size and SHA-256) and the data files it lists:
 * catalogue.json (assistance items), regions.json (regions and their
 * standards), strings.json (every UI text) and icons.json (icon glyphs).
 * docs/content.md describes the format.
 *
 * Invariants of a loaded `content`:
 *   - it passed every check: all listed files exist inside the folder (no
 *     symlinks, no "..", no absolute paths), sizes and hashes match, JSON is
 *     within limits and valid UTF-8, all required fields have the right
 *     types, ids and keys are unique, every reference resolves;
 *   - it never changes after content_load() returns: any thread may read it,
 *     and every pointer handed out is borrowed until content_destroy();
 *   - it holds the verified bytes of every listed file, so other modules
 *     (screener, form schema) read their own files through content_file()
 *     without touching the disk again.
 * A bundle with any problem is refused as a whole; the caller keeps the
 * content it already has (see content_replace()). */
#ifndef KIOSK_CORE_CONTENT_H
#define KIOSK_CORE_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/content_problems.h"
#include "core/kerr.h"

typedef struct content content;

/* The bundle format this program reads (manifest "format"). */
#define CONTENT_FORMAT 1

/* What content_string() returns for a key the bundle does not have: visible
 * on screen so a missing text is noticed, never NULL. */
#define CONTENT_STRING_MISSING "〔缺少文字〕"

/* Limits applied while loading (see docs/content.md). */
#define CONTENT_MAX_MANIFEST_BYTES (256u * 1024u)
#define CONTENT_MAX_JSON_BYTES (1024u * 1024u)
#define CONTENT_MAX_FILE_BYTES (4u * 1024u * 1024u)
#define CONTENT_MAX_TOTAL_BYTES (32u * 1024u * 1024u)
#define CONTENT_MAX_FILES 256
#define CONTENT_MAX_PATH 120
#define CONTENT_MAX_DEPTH 16
#define CONTENT_MAX_TEXT 4000 /* bytes of one string value */

/* The "3+N" layers of the assistance system. */
typedef enum content_layer {
  CONTENT_LAYER_BASIC = 0, /* 基本生活救助 */
  CONTENT_LAYER_SPECIAL,   /* 专项救助 */
  CONTENT_LAYER_EMERGENCY, /* 急难救助 */
  CONTENT_LAYER_SOCIAL,    /* 社会力量参与 (the "N") */
  CONTENT_LAYER_COUNT
} content_layer;

/* Unit of a standard's value. */
typedef enum content_unit {
  CONTENT_UNIT_PERSON_MONTH = 0, /* yuan per person per month */
  CONTENT_UNIT_PERSON_YEAR,      /* yuan per person per year */
  CONTENT_UNIT_PERSON_TIME,      /* yuan per person-time (人次) */
  CONTENT_UNIT_CASE,             /* yuan per case (每次) */
  CONTENT_UNIT_RATIO,            /* a factor or share: 1.5 (倍), 0.8 */
  CONTENT_UNIT_YES_NO,           /* a local rule that is on (1) or off (0) */
  CONTENT_UNIT_COUNT
} content_unit;

typedef struct content_step {
  const char *name;       /* 受理 */
  const char *detail;     /* one or two plain sentences; may be "" */
  const char *time_limit; /* 一般30个工作日内 / 以当地规定为准 */
  int paid_monthly;       /* 1: the step pays monthly; a region's
                             payment_day says on which day */
} content_step;

typedef struct content_law {
  const char *title; /* 《社会救助暂行办法》（国务院令第649号） */
  const char *date;  /* YYYY, YYYY-MM or YYYY-MM-DD: issued */
} content_law;

typedef struct content_item {
  const char *id;         /* stable ascii id: "dibao" */
  const char *name;       /* 最低生活保障 */
  const char *short_name; /* 低保 */
  content_layer layer;
  const char *layer_key;  /* "basic", "special", "emergency", "social" */
  const char *icon;       /* a name in icons.json */
  const char *summary;    /* one line */
  const char *for_whom;   /* who it is for, plain words */
  const char *gives;      /* what it gives */
  const char *const *conditions;
  size_t n_conditions;
  const char *const *materials;
  /* Parallel to materials: what kind of paper a line asks for ("id_card"),
   * so a receipt for several items lists it once; "" when none. */
  const char *const *material_kinds;
  size_t n_materials;
  const content_step *steps;
  size_t n_steps;
  const char *where_to_apply;
  const char *hotline;
  const content_law *laws;
  size_t n_laws;
  /* Keys of region standards worth showing with this item (may be none). */
  const char *const *standard_keys;
  size_t n_standard_keys;
} content_item;

typedef struct content_standard {
  const char *key;   /* concept, same in every region: "dibao_urban" */
  const char *label; /* 城市低保标准 */
  int has_value;     /* 0: the source gives no figure; see `note` */
  int64_t value_fen; /* value in fen (0.01 yuan) */
  int has_max;       /* 1: a range value_fen..max_fen */
  int64_t max_fen;
  content_unit unit;
  const char *unit_key; /* "yuan_per_person_month", ... */
  const char *effective; /* YYYY-MM-DD */
  int effective_announced; /* 1: date it took effect; 0: date of the source
                              that reports it as current */
  const char *source;    /* title, publisher, date of the source */
  const char *note;      /* may be "" */
} content_standard;

typedef struct content_region {
  const char *code;     /* six-digit administrative division code */
  const char *name;     /* 晋城市 */
  const char *province; /* 山西省 */
  const char *hotline;  /* 12345 */
  const char *hotline_name; /* 政务服务便民热线 */
  const char *where_to_apply;
  const char *notice;   /* 以当地最新公布为准 ... */
  const char *payment_day; /* 每月10日前; "" when the region does not say */
  const content_standard *standards;
  size_t n_standards;
} content_region;

typedef struct content_icon {
  const char *name;  /* "dibao" */
  const char *glyph; /* one character drawn large: 保 */
  uint32_t color;    /* 0xRRGGBB background */
  const char *label; /* what the icon shows, for accessibility */
} content_icon;

/* Loads and checks the bundle in folder `dir`. On success *out owns a new
 * content (free with content_destroy) and KERR_OK is returned. On any
 * problem nothing is kept: *out is NULL, every problem found is appended to
 * `problems` (may be NULL) and the result is KERR_NOTFOUND (no manifest),
 * KERR_IO, KERR_CRYPTO (size/hash mismatch), KERR_LIMIT, KERR_PARSE,
 * KERR_INVALID or KERR_NOMEM — the first kind met. */
kerr content_load(const char *dir, content **out, content_problems *problems);

/* Loads `dir` and, only if it is valid and its version is newer than
 * *current's (any version when *current is NULL), destroys *current and
 * puts the new content in its place. On failure *current is untouched —
 * the last good bundle stays in use — and problems say why (KERR_STATE
 * with a CONTENT_P_VERSION problem when the version is not newer). */
kerr content_replace(content **current, const char *dir,
                     content_problems *problems);

/* Frees everything; NULL is allowed. */
void content_destroy(content *c);

/* Manifest facts. Borrowed strings. */
const char *content_version(const content *c);       /* "2026.11.1" */
const char *content_region_code(const content *c);   /* manifest region */
const char *content_region_name(const content *c);
const char *content_issued(const content *c);        /* YYYY-MM-DD */
const char *content_expires(const content *c);       /* YYYY-MM-DD */

/* 1 if s is a real calendar date written YYYY-MM-DD, else 0. */
int content_date_valid(const char *s);

/* 1 if `today` (YYYY-MM-DD) is after the expiry date, else 0. */
int content_expired(const content *c, const char *today);

/* Compares bundle versions ("2025.07.1" < "2025.07.10" < "2026.1"):
 * negative, zero or positive like strcmp. Versions are 1 to 4 dot-separated
 * decimal numbers; content_version_valid() says whether s is one. */
int content_version_compare(const char *a, const char *b);
int content_version_valid(const char *s);

/* Assistance items in catalogue order. */
size_t content_item_count(const content *c);
const content_item *content_item_at(const content *c, size_t i);
/* NULL if there is no item with this id. */
const content_item *content_item_find(const content *c, const char *id);

/* Regions in file order; find by six-digit code (NULL if absent). */
size_t content_region_count(const content *c);
const content_region *content_region_at(const content *c, size_t i);
const content_region *content_region_find(const content *c, const char *code);

/* A region may list one key several times with different effective dates:
 * the standard in force and the next ones an administrator has announced.
 * An entry whose basis is "announced" takes effect on its date; a
 * "reported" entry's date is when a source reported it as current, so it
 * is never in the future of what it reports.
 *
 * The region's standard for `key` in force on `today` (YYYY-MM-DD): of the
 * entries not yet to come (announced and dated after today), the latest.
 * NULL if the region does not list the key or every entry is to come. */
const content_standard *content_standard_find(const content_region *r,
                                              const char *key,
                                              const char *today);

/* The next standard for `key` announced to take effect after `today`,
 * NULL if none. */
const content_standard *content_standard_upcoming(const content_region *r,
                                                  const char *key,
                                                  const char *today);

/* 1 if s is the entry of its key in force on `today`, else 0 (superseded
 * or to come). */
int content_standard_in_force(const content_region *r,
                              const content_standard *s, const char *today);

/* The standard's (lower) value converted to a monthly per-person amount
 * in fen (a yearly value divided by 12, rounded down). KERR_NOTFOUND when
 * the standard has no figure, KERR_INVALID for per-time/per-case units. */
kerr content_standard_monthly_fen(const content_standard *s, int64_t *out);

/* For a yearly per-person standard with a figure: its monthly equivalent
 * in whole yuan (value / 12, rounded half up), computed for display so no
 * administrator types it. KERR_NOTFOUND otherwise. */
kerr content_standard_monthly_yuan(const content_standard *s, int64_t *out);

/* Checks a standard's note against its figure: every "每月N元" in the note
 * of a yearly standard must be its monthly equivalent (within 1 yuan).
 * Returns 0 when the note agrees, else 1 with *said the amount in the
 * note (yuan). A figure that is not the standard's own ("由每人每月630元提
 * 高到650元" in a monthly standard) is not checked. */
int content_standard_note_conflict(const content_standard *s, int64_t *said);

/* The UI text for `key`; CONTENT_STRING_MISSING if absent (or c is NULL).
 * Never NULL. */
const char *content_string(const content *c, const char *key);
/* Like content_string() but NULL when the key is absent. */
const char *content_string_find(const content *c, const char *key);

/* How in is read aloud: every word of strings.json's "speak" list
 * ({"written", "say"}; the longest one written at each place wins) is
 * replaced by what is said. Writes at most cap bytes (NUL-terminated,
 * never half a character or half a word) to out; returns its length. A
 * NULL c or no list copies in. */
size_t content_speak_apply(const content *c, const char *in, char *out,
                           size_t cap);
size_t content_string_count(const content *c);

/* Icons; find returns NULL if absent. */
size_t content_icon_count(const content *c);
const content_icon *content_icon_find(const content *c, const char *name);

/* Text of a layer or unit from the bundle's strings ("layer.basic",
 * "unit.yuan_per_person_month"). Never NULL. */
const char *content_layer_label(const content *c, content_layer layer);
const char *content_unit_label(const content *c, content_unit unit);

/* The verified bytes of any file the manifest lists (known or not, e.g.
 * "screener.json"): *data is borrowed, NUL-terminated after *len bytes.
 * KERR_NOTFOUND if the manifest does not list `path`. */
kerr content_file(const content *c, const char *path, const char **data,
                  size_t *len);

/* Number of files the manifest lists. */
size_t content_file_count(const content *c);

/* Recomputes size and SHA-256 of every file manifest.json in `dir` lists
 * and rewrites manifest.json with them (other fields are kept; the manifest
 * is re-serialised). For administrators after editing a data file, and for
 * tests. Problems (unreadable manifest, a path outside the folder, a
 * missing file) go to `problems`; the manifest is then left untouched. */
kerr content_rehash(const char *dir, content_problems *problems);

#endif
