/* form_private: what form_schema.c, form.c and form_json.c share.
 *
 * The schema keeps its own copy of the JSON document; every string it hands
 * out points into that copy. A form keeps one `form_answer` per top-level
 * field (indexed by form_field.index over all sections, see top_index) and,
 * per repeat group, an array of entries with one form_answer per member
 * field. */
#ifndef KIOSK_CORE_FORM_PRIVATE_H
#define KIOSK_CORE_FORM_PRIVATE_H

#include "core/form.h"

#define FORM_MAX_GROUPS 8

typedef struct form_group_info {
  const form_field *group;
  form_field *fields;
  size_t n_fields;
  form_computed comp[FORM_MAX_COMPUTED];
  size_t n_comp;
} form_group_info;

/* "requirements": what a chosen item needs beyond each field's own rules
 * (a children application names a child). Fixed at `field`. */
#define FORM_MAX_REQUIREMENTS 32
typedef struct form_requirement {
  const char *items[FORM_MAX_NEEDED_BY]; /* any of these chosen: it applies */
  size_t n_items;
  const form_field *field; /* top-level field where the applicant fixes it */
  expr *holds;             /* must hold (undecided counts as not) */
  const char *message;     /* plain Chinese, what is missing */
} form_requirement;

struct form_schema {
  cJSON *doc;
  const char *title;
  form_section sec[FORM_MAX_SECTIONS];
  size_t n_sec;
  form_field *top; /* FORM_MAX_FIELDS slots */
  size_t n_top;
  form_computed comp[FORM_MAX_COMPUTED];
  size_t n_comp;
  form_group_info grp[FORM_MAX_GROUPS];
  size_t n_grp;
  form_prefill_rule pre[FORM_MAX_PREFILL]; /* "from_screener" */
  size_t n_pre;
  form_requirement req[FORM_MAX_REQUIREMENTS];
  size_t n_req;
  /* "urgent_items": choosing any of them marks the submission urgent. */
  const char *urgent[FORM_MAX_NEEDED_BY];
  size_t n_urgent;
  /* "urgent_when": an answer that marks it urgent (a referral's 「有危险」). */
  expr *urgent_when;
  /* "kind": what the submission is ("application" or "referral"). */
  const char *kind;
};

/* One answer. `text` holds every textual kind (choice values, multi-choice
 * values separated by one space, dates YYYY-MM-DD, normalised ID and phone
 * numbers); `num` numbers (EXPR_SCALE), money (fen) and booleans; `blob` a
 * signature PNG. `invalid` is the message of the last refused value (no
 * value kept then). */
typedef struct form_answer {
  int set;
  int confirmed;
  int needs_confirm;
  int64_t num;
  char *text;
  size_t text_len;
  unsigned char *blob;
  size_t blob_len;
  char *invalid;
} form_answer;

typedef struct form_entry {
  form_answer *a; /* one per member field */
  int *asked;     /* one per member field */
} form_entry;

typedef struct form_group_state {
  form_entry e[FORM_MAX_MEMBERS];
  size_t n;
} form_group_state;

typedef struct form_cursor {
  int review;          /* on the review page */
  size_t top;          /* top-level field index */
  int member;          /* -1, or the entry being edited */
  size_t sub;          /* member field index when member >= 0 */
  int return_to_review;
} form_cursor;

struct form {
  const form_schema *s;
  const content *c;
  char *items[FORM_MAX_ITEMS];
  size_t n_items;
  validate_date today;
  form_answer *top;  /* n_top */
  int *asked;        /* n_top */
  form_group_state *groups; /* n_grp */
  form_cursor cur;
  int loading; /* form_answers_load: store without checks or settling */
  /* From the screener (form_prefill.c): a private copy of its answers,
   * which rules have filled, and the form's value the applicant kept
   * against the screener's (display text; "" none). All wiped. */
  cJSON *scr;
  unsigned char pre_done[FORM_MAX_PREFILL];
  char pre_kept[FORM_MAX_PREFILL][128];
};

/* Group info of a repeat field (NULL if not a group). */
const form_group_info *form_group_of(const form_schema *s,
                                     const form_field *group);
size_t form_group_index(const form_schema *s, const form_field *group);

/* The message for key "form.<key>" from the content, or `fallback`. */
const char *form_text(const form *f, const char *key, const char *fallback);

/* The answer slot of a field (member: entry), NULL if there is none. */
form_answer *form_slot(const form *f, const form_field *field, int member);

/* Sets a field's answer from typed text / a value, as form_answer_* do but
 * at any position; re-settles relevance. */
kerr form_set_text(form *f, const form_field *field, int member,
                   const char *s, size_t len, form_result *res);
kerr form_set_choices(form *f, const form_field *field, int member,
                      const char *const *values, size_t n, form_result *res);
kerr form_set_bool(form *f, const form_field *field, int member, int yes,
                   form_result *res);
kerr form_set_signature(form *f, const form_field *field, int member,
                        const unsigned char *png, size_t len,
                        form_result *res);
kerr form_set_scaled(form *f, const form_field *field, int member,
                     int64_t scaled, form_result *res);
void form_set_invalid(form *f, const form_field *field, int member,
                      const char *message);
/* Adds an entry without moving the cursor. */
kerr form_group_add(form *f, const form_field *group, size_t *index);

/* Recomputes which fields are asked and wipes answers of the others. */
void form_settle(form *f);

/* Evaluates a computed value (member: entry for member computed). KERR_OK
 * with *v, or KERR_NOTFOUND etc. when it cannot be computed now. A string
 * result is copied into sbuf (scap bytes, truncated) and points there. */
kerr form_computed_value(const form *f, const form_computed *cv, int member,
                         expr_value *v, char *sbuf, size_t scap);

/* Wipes and frees an entry's answers. */
void form_entry_wipe(form_entry *e, size_t n_fields);

/* Wipes and frees one answer; the slot is empty afterwards. */
void form_answer_wipe(form_answer *a);


/* Wipes the screener's answers and the rules' state (form_prefill.c). */
void form_prefill_wipe(form *f);

/* The screener's answers and the rules' state into a snapshot document
 * ("screener", "prefill") and back (form_restore), so a form taken up
 * after a restart still fills, compares and remembers what the applicant
 * kept. Nothing is added when the form has no screener answers. */
kerr form_prefill_save(const form *f, cJSON *doc);
kerr form_prefill_load(form *f, const cJSON *doc);

/* Formats a date "YYYY-MM-DD" as 1965年3月8日. */
void form_date_display(const char *ymd, char *buf, size_t cap);

#endif
