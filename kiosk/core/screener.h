/* screener: "which kinds of assistance may apply to my family?"
 *
 * A handful of plain questions, one per screen, then a list of items that
 * may apply (可能适用), each with the reasons in numbers, and the rest of the
 * items to read about (也可以了解). Questions, derived values, rules and
 * reason templates are content (screener.json in the bundle, format in
 * docs/screener.md); rule conditions and reason interpolations are written
 * in the expression language (expr.h). The screener never decides
 * eligibility and has no "not eligible" outcome: an item whose rule does not
 * hold, or cannot be decided because an answer is missing, is simply listed
 * under 也可以了解. Templates that use refusing words are refused at load.
 *
 * Invariants of a loaded screener: every expression parsed; every ${name}
 * refers to a question, a derived value defined before it, or a declared
 * group; question `relevant` conditions refer only to earlier questions; ids
 * are unique. A screener is immutable after loading: screener_run() may be
 * called from several threads at once.
 *
 * Answers are personal data: the screener keeps none of them; results hold
 * rendered reasons (numbers about the household), which the caller wipes
 * with screener_results_free() when the session ends. */
#ifndef KIOSK_CORE_SCREENER_H
#define KIOSK_CORE_SCREENER_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/content.h"
#include "core/content_problems.h"
#include "core/expr.h"
#include "core/kerr.h"
#include "core/validate.h"

#define SCREENER_FORMAT 1
#define SCREENER_MAX_BYTES (256u * 1024u) /* screener.json */
#define SCREENER_MAX_QUESTIONS 32
#define SCREENER_MAX_CHOICES 12
#define SCREENER_MAX_VALUES 32
#define SCREENER_MAX_RULES 128
#define SCREENER_MAX_ITEMS 64
#define SCREENER_MAX_TEMPLATE 600  /* bytes of one reason template */
#define SCREENER_MAX_REASON 1024   /* bytes of one rendered reason */
#define SCREENER_MAX_REASONS 8     /* reasons kept per item */
#define SCREENER_MAX_STANDARDS 64
#define SCREENER_MAX_KEY 48
#define SCREENER_MAX_ALTS 8      /* groups of alternatives */
#define SCREENER_MAX_ALT_ITEMS 8 /* items in one group */

typedef struct screener screener;

typedef enum screener_qtype {
  SCREENER_Q_YESNO = 0, /* answer: JSON true/false */
  SCREENER_Q_CHOICE,    /* answer: one of the choice values (string) */
  SCREENER_Q_NUMBER,    /* answer: JSON number within min..max */
  SCREENER_Q_MONEY      /* answer: JSON number of yuan within min..max */
} screener_qtype;

typedef struct screener_choice {
  const char *value; /* "urban" */
  const char *label; /* 城里（城镇） */
  const char *icon;  /* may be "" */
} screener_choice;

/* One question, one screen. Strings are borrowed from the screener. */
typedef struct screener_question {
  const char *id;   /* "household_size" */
  screener_qtype type;
  const char *icon; /* icon name in icons.json */
  const char *text; /* the question, plain words */
  const char *help; /* one line of help, may be "" */
  const char *unit; /* 人 / 元 / "" */
  const screener_choice *choices;
  size_t n_choices;
  int64_t min, max; /* number/money bounds, fixed point (EXPR_SCALE) */
  const expr *relevant; /* ask only when this holds; NULL: always */
} screener_question;

/* Region standards as the rules see them. A standard given per person per
 * month or per year appears as std.<key>_month and std.<key>_year (the other
 * one computed exactly: /12 or *12); per-time or per-case figures appear as
 * std.<key>. Caller-provided; screener_standards_init() empties it. */
typedef enum screener_period {
  SCREENER_PER_MONTH = 0,
  SCREENER_PER_YEAR,
  SCREENER_PER_TIME /* per person-time or per case: no conversion */
} screener_period;

typedef struct screener_standards {
  struct {
    char key[SCREENER_MAX_KEY];
    int64_t fen;
    screener_period period;
  } v[SCREENER_MAX_STANDARDS];
  size_t n;
} screener_standards;

void screener_standards_init(screener_standards *s);

/* Adds or replaces one standard (amount in fen). KERR_LIMIT when full,
 * KERR_INVALID for a key that is not [a-z0-9_]+ or too long, or a negative
 * amount. */
kerr screener_standards_add(screener_standards *s, const char *key,
                            int64_t fen, screener_period period);

/* Fills *s from a region of the content bundle with the standards in force
 * on `today` (YYYY-MM-DD; content_standard_find): standards without a
 * figure are skipped, a range uses its lower value, and one announced for
 * a later date is not used before that date. */
kerr screener_standards_from_region(screener_standards *s,
                                    const content_region *r,
                                    const char *today);

/* Adds "what if" figures to *s: obj maps standard keys to numbers (yuan,
 * or the ratio), e.g. {"gangxing_share": 0.8} for a figure the region has
 * not published yet. A key the region has keeps the region's unit; a new
 * key is per time. KERR_INVALID (with the key) for a value that is not a
 * number of at most two decimals or a bad key; KERR_LIMIT when full. obj
 * may be NULL. */
kerr screener_standards_what_if(screener_standards *s, const content_region *r,
                                const cJSON *obj, const char **bad_key);

/* One item in the outcome. */
typedef struct screener_match {
  const char *item; /* item id, borrowed from the screener */
  char *reasons[SCREENER_MAX_REASONS]; /* owned, UTF-8 */
  size_t n_reasons;
  /* Alternatives (screener.json "alternatives"): when an earlier item of
   * the same group also may apply, the item to apply for first and the
   * group's sentence saying so, with "{first}" where that item's name goes
   * (screener_defer_text). Both borrowed; NULL otherwise. An item with
   * defer_to set is listed but not pre-selected. */
  const char *defer_to;
  const char *defer_reason;
} screener_match;

/* The outcome. Caller-provided; filled by screener_run(), released by
 * screener_results_free() (which wipes the reasons). */
typedef struct screener_results {
  screener_match *likely; /* 可能适用, in rule order */
  size_t n_likely;
  screener_match *also; /* 也可以了解: every other item, no reasons */
  size_t n_also;
  size_t undecided; /* rules not decided (missing answers or standards) */
} screener_results;

/* Parses screener.json text (len bytes, need not be NUL-terminated) within
 * the limits above. On success *out owns a new screener (screener_destroy).
 * On failure *out is NULL, every problem found goes to `problems` (may be
 * NULL; administrator-facing Chinese, with the JSON path) and the result is
 * KERR_PARSE, KERR_LIMIT, KERR_INVALID or KERR_NOMEM. */
kerr screener_load(const char *text, size_t len, screener **out,
                   content_problems *problems);

/* Same from an already parsed document (copied; the caller keeps `doc`). */
kerr screener_load_json(const cJSON *doc, screener **out,
                        content_problems *problems);

/* Reads and loads a file (at most SCREENER_MAX_BYTES). */
kerr screener_load_file(const char *path, screener **out,
                        content_problems *problems);

void screener_destroy(screener *s);

/* Checks the screener against a loaded bundle: every item must be in the
 * catalogue and every question and choice icon in icons.json. Records a
 * problem for each one missing; returns KERR_OK or KERR_INVALID. */
kerr screener_check_content(const screener *s, const content *c,
                            content_problems *problems);

/* Writes m's defer sentence into out (at most size bytes, NUL-terminated,
 * cut at a character boundary) with {first} replaced by first_name (the
 * catalogue's name of m->defer_to); "" when m has none. */
void screener_defer_text(const screener_match *m, const char *first_name,
                         char *out, size_t size);

size_t screener_question_count(const screener *s);
const screener_question *screener_question_at(const screener *s, size_t i);

/* Item ids the screener knows, in first-mention order. */
size_t screener_item_count(const screener *s);

/* Whether question i should be asked given the answers so far (a JSON
 * object: question id -> answer). Writes 1 or 0 to *ask. A relevance that
 * cannot be decided yet (earlier answer missing) counts as "ask". */
kerr screener_question_relevant(const screener *s, size_t i,
                                const cJSON *answers,
                                const screener_standards *std,
                                const validate_date *today, int *ask);

/* Checks one answer against its question (type, choice, min..max).
 * KERR_OK, or KERR_INVALID / KERR_NOTFOUND (no such question). */
kerr screener_answer_check(const screener *s, const char *question_id,
                           const cJSON *answer);

/* Runs every rule against `answers` (a JSON object: question id -> answer;
 * groups such as "members" are arrays of objects) and the region
 * standards. Answers that do not fit their question, and answers to
 * questions that are not relevant, are treated as not given. `today` may be
 * NULL if no expression uses age_from_id(). Fills *out (caller frees with
 * screener_results_free). Errors: KERR_NOMEM only; problems with single
 * rules are counted in out->undecided and logged without personal data. */
kerr screener_run(const screener *s, const cJSON *answers,
                  const screener_standards *std, const validate_date *today,
                  screener_results *out);

/* Wipes and frees the reasons and arrays; *r is empty afterwards. */
void screener_results_free(screener_results *r);

#endif
