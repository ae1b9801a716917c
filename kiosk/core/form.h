/* form: the one combined application form ("填一张表格"), headless.
 *
 * The schema (form.json in the content bundle, docs/form.md) lists sections
 * of fields; every field says which assistance items need it (needed_by).
 * Given the items the applicant chose, the engine asks the union of those
 * fields, each once, in schema order, skipping fields whose `relevant`
 * condition does not hold. A screen drives it with a cursor:
 *
 *   form_current()  what is the current question (and 第几步，共几步)
 *   form_answer_*() answer it (typed: text, money, date, choice, yes/no,
 *                   signature PNG), with a per-field result and message
 *   form_next() / form_back() / form_jump()   move, skipping what is not asked
 *   form_member_add/edit/remove()             the household repeat group
 *   form_review_build()                       the check-your-answers list
 *   form_submission_build()                   the sealed plaintext JSON
 *
 * Invariants of a form:
 *   - an answer is only kept for a field that is asked (needed by a chosen
 *     item and relevant); when a change makes a field irrelevant its answer
 *     is wiped at once, so it can never be submitted;
 *   - answers are typed and normalised: money is integer fen, numbers fixed
 *     point (EXPR_SCALE), dates YYYY-MM-DD, ID numbers normalised, choices
 *     their values; values that fail their type's validation are not kept;
 *   - a repeat group never has more entries than its schema max (<= 20);
 *   - every byte of personal data is wiped (session_wipe_bytes) before it is
 *     freed, on any change, on form_reset() and on form_destroy().
 * A form_schema is immutable after loading; a form is used by one thread.
 * Nothing here logs answers. */
#ifndef KIOSK_CORE_FORM_H
#define KIOSK_CORE_FORM_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/content.h"
#include "core/content_problems.h"
#include "core/expr.h"
#include "core/kerr.h"
#include "core/validate.h"

#define FORM_FORMAT 1
#define FORM_MAX_BYTES (512u * 1024u)   /* form.json */
#define FORM_MAX_SECTIONS 16
#define FORM_MAX_FIELDS 160             /* top-level fields */
#define FORM_MAX_GROUP_FIELDS 32        /* fields of one repeat group */
#define FORM_MAX_COMPUTED 32            /* computed values per scope */
#define FORM_MAX_CHOICES 32
#define FORM_MAX_NEEDED_BY 32
#define FORM_MAX_MEMBERS 20             /* hard ceiling of any repeat group */
#define FORM_MAX_CHARS 1000             /* ceiling of a text field's max_chars */
#define FORM_MAX_LABEL 400              /* bytes of a label or help text */
#define FORM_MAX_ID 40
#define FORM_MAX_ITEMS 32               /* chosen items */
#define FORM_MAX_SIGNATURE (256u * 1024u) /* bytes of one signature PNG */
#define FORM_MAX_ANSWERS_BYTES (8u * 1024u * 1024u) /* an answers document */
#define FORM_MAX_MESSAGE 320

typedef struct form_schema form_schema;
typedef struct form form;

typedef enum form_type {
  FORM_T_TEXT = 0,      /* any text on one line (or several: multiline) */
  FORM_T_CHINESE_TEXT,  /* Chinese characters only (names): 汉字 and · */
  FORM_T_NUMBER,        /* decimal number within min..max */
  FORM_T_MONEY,         /* yuan, at most 2 decimals; kept as fen */
  FORM_T_DATE,          /* YYYY-MM-DD */
  FORM_T_CHOICE,        /* one of `choices` */
  FORM_T_MULTI_CHOICE,  /* any number of `choices` */
  FORM_T_ID_NUMBER,     /* 18-character resident ID number */
  FORM_T_PHONE,         /* 11-digit mobile number */
  FORM_T_ADDRESS,       /* an address, free text */
  FORM_T_BOOLEAN,       /* yes / no */
  FORM_T_SIGNATURE,     /* a PNG drawn on the screen */
  FORM_T_REPEAT,        /* a repeat group (household members) */
  FORM_T_COUNT
} form_type;

typedef struct form_choice {
  const char *value; /* "urban" */
  const char *label; /* 城里（城镇） */
} form_choice;

/* A field of the schema. Borrowed from the schema; read-only. */
typedef struct form_field {
  const char *id;
  form_type type;
  const char *label;        /* the question, plain words */
  const char *review_label; /* short label for the review page */
  const char *help;         /* one line under the question; may be "" */
  const char *unit;         /* 元 / 套 / "" */
  int required;
  const form_choice *choices;
  size_t n_choices;
  size_t min_chars, max_chars; /* text kinds */
  int multiline;               /* text: newlines allowed */
  int digits;                  /* text: ASCII digits only (card numbers) */
  int luhn;                    /* digits: a failed check digit asks to confirm */
  int has_min, has_max;
  int64_t min, max;            /* number: EXPR_SCALE units; money: fen */
  int64_t confirm_above;       /* same unit; 0: never ask to confirm */
  int decimals;                /* number: decimals allowed (0..4) */
  int no_future;               /* date: not after today */
  const expr *relevant;        /* NULL: always */
  const expr *constraint;      /* NULL: none */
  const char *constraint_message;
  const char *const *needed_by; /* item ids; "*" = every item */
  size_t n_needed_by;
  /* repeat groups */
  const struct form_field *fields; /* the member fields */
  size_t n_fields;
  size_t max_entries;           /* <= FORM_MAX_MEMBERS */
  size_t min_entries;
  const char *item_label;       /* 家里人: "第1位家里人" */
  /* position */
  size_t index;                 /* in its section list or in its group */
  size_t section;               /* index of its section */
  const struct form_field *group; /* the repeat group of a member field */
} form_field;

/* A computed value: an expression over answers, or a fact read from an ID
 * number (birth date, sex, age). Shown in the review, sent in answers. */
typedef enum form_id_part {
  FORM_ID_NONE = 0,
  FORM_ID_AGE,
  FORM_ID_BIRTH_DATE,
  FORM_ID_SEX
} form_id_part;

typedef struct form_computed {
  const char *id;
  const char *label;
  const char *unit;
  int decimals;
  const expr *e;          /* NULL for an ID fact */
  const expr *relevant;   /* NULL: whenever it can be computed */
  const form_field *from; /* the id_number field of an ID fact */
  form_id_part part;
  size_t section;
  const form_field *group; /* member computed value: its group */
} form_computed;

typedef struct form_section {
  const char *id;
  const char *title; /* 申请人 */
  size_t first;      /* index of its first top-level field */
  size_t n_fields;
} form_section;

/* ---- schema ------------------------------------------------------------- */

/* Parses form.json text (len bytes) within the limits above. On success
 * *out owns a new schema (form_schema_destroy). On failure *out is NULL,
 * each problem is appended to `problems` (may be NULL; Chinese for the
 * administrator, with the JSON path) and the result is KERR_PARSE,
 * KERR_LIMIT, KERR_INVALID or KERR_NOMEM. */
kerr form_schema_load(const char *text, size_t len, form_schema **out,
                      content_problems *problems);

/* Loads form.json from a verified bundle (content_file) and checks it
 * against the bundle (form_schema_check_content). KERR_NOTFOUND when the
 * manifest does not list form.json. */
kerr form_schema_from_content(const content *c, form_schema **out,
                              content_problems *problems);

/* The same for another form file of the bundle (FORM_REFERRAL_FILE). */
#define FORM_REFERRAL_FILE "referral.json"
kerr form_schema_from_content_file(const content *c, const char *name,
                                   form_schema **out,
                                   content_problems *problems);

/* Every item a needed_by names must be in the catalogue. KERR_INVALID (with
 * problems) otherwise. */
kerr form_schema_check_content(const form_schema *s, const content *c,
                               content_problems *problems);

void form_schema_destroy(form_schema *s);

const char *form_schema_title(const form_schema *s);

/* What a form's submission is: form.json is an application (the default);
 * referral.json, 「帮别人求助」, is a referral about someone else, with no
 * items and no signature (docs/form.md, "Referral"). */
#define FORM_KIND_APPLICATION "application"
#define FORM_KIND_REFERRAL "referral"
const char *form_schema_kind(const form_schema *s);
size_t form_schema_section_count(const form_schema *s);
size_t form_schema_field_count(const form_schema *s); /* top level */
const form_field *form_schema_field_at(const form_schema *s, size_t i);
/* A field (top level or member field) by id; NULL if none. */
const form_field *form_schema_field_find(const form_schema *s,
                                         const char *id);
/* Top-level computed values; member computed values via the group. */
size_t form_schema_computed_count(const form_schema *s,
                                  const form_field *group);
const form_computed *form_schema_computed_at(const form_schema *s,
                                             const form_field *group,
                                             size_t i);
/* Short English name of a type ("money"); "" if out of range. */
const char *form_type_name(form_type t);

/* ---- a form being filled ------------------------------------------------ */

/* Creates an empty form for the chosen items (ids; duplicates ignored).
 * `c` (may be NULL) supplies item names and the messages' words
 * (strings "form.*"); with c, every item must be in its catalogue.
 * `today` bounds dates and gives ages. The cursor is on the first question.
 * KERR_INVALID for an unknown or malformed item id, KERR_LIMIT for more
 * than FORM_MAX_ITEMS, KERR_NOMEM. The schema and content must outlive the
 * form. */
kerr form_create(const form_schema *s, const content *c,
                 const char *const *items, size_t n_items,
                 const validate_date *today, form **out);

/* Wipes every answer and frees the form; NULL is fine. */
void form_destroy(form *f);

/* Wipes every answer and puts the cursor on the first question; the items
 * stay chosen. */
void form_reset(form *f);

/* A session_wipe_fn: form_reset(ud). Register with session_add_wiper. */
void form_wipe_cb(void *ud);

size_t form_item_count(const form *f);
const char *form_item_at(const form *f, size_t i);
const form_schema *form_get_schema(const form *f);

/* The outcome of answering or checking one field. */
typedef enum form_status {
  FORM_OK = 0,     /* answered and acceptable, or optional and empty */
  FORM_MISSING,    /* required, not answered */
  FORM_INVALID,    /* the last value given was refused by its type */
  FORM_CONSTRAINT, /* answered, but the constraint does not hold */
  FORM_CONFIRM,    /* accepted, but unusual: the citizen must confirm */
  FORM_STATUS_COUNT
} form_status;

typedef struct form_result {
  form_status status;
  char message[FORM_MAX_MESSAGE]; /* plain Chinese; "" when FORM_OK */
} form_result;

/* Short English name of a status: "ok", "missing", "invalid",
 * "constraint", "confirm". */
const char *form_status_name(form_status s);

/* Where the cursor is. */
typedef enum form_step {
  FORM_STEP_FIELD = 1, /* a question (top level or of one member) */
  FORM_STEP_GROUP,     /* a repeat group's list: add / edit / remove */
  FORM_STEP_REVIEW     /* everything asked: the check-your-answers page */
} form_step;

typedef struct form_question {
  form_step step;
  const form_field *field; /* the question or group; NULL at review */
  int member;              /* entry of a member field, else -1 */
  size_t section;          /* 0-based among sections with questions */
  size_t n_sections;       /* 「第 section+1 步，共 n_sections 步」 */
  const char *section_title;
  size_t n_members;        /* FORM_STEP_GROUP: entries so far */
  int answered;            /* the field has an answer */
  form_result result;      /* the field's current status */
} form_question;

/* Fills *q with the current question. */
void form_current(const form *f, form_question *q);

/* Answer the current question (field steps only; KERR_STATE elsewhere or
 * for a type that does not fit the call). KERR_OK means the call was
 * understood; *res says whether the value was accepted (FORM_OK, or
 * FORM_CONFIRM: kept, confirm with form_confirm; FORM_CONSTRAINT: kept, but
 * next() will not move on) or refused (FORM_INVALID: the previous answer is
 * removed). res may be NULL.
 *  _text: text, chinese_text, address, number, money, date, id_number,
 *         phone (the raw typed UTF-8; validators normalise it);
 *  _choice: a choice value; _choices: multi-choice values;
 *  _bool: boolean; _signature: PNG bytes (copied). */
kerr form_answer_text(form *f, const char *s, size_t len, form_result *res);
kerr form_answer_choice(form *f, const char *value, form_result *res);
kerr form_answer_choices(form *f, const char *const *values, size_t n,
                         form_result *res);
kerr form_answer_bool(form *f, int yes, form_result *res);
kerr form_answer_signature(form *f, const unsigned char *png, size_t len,
                           form_result *res);
/* Answers field `id` (member: its entry, else -1) wherever the cursor is,
 * as form_answer_text / form_answer_bool would at that question; the
 * cursor does not move. For answers that come from a device (an ID card
 * read by the applicant's action). KERR_NOTFOUND for an unknown field,
 * KERR_STATE when it is not asked now or its type does not fit. */
kerr form_fill_text(form *f, const char *id, int member, const char *s,
                    size_t len, form_result *res);
kerr form_fill_bool(form *f, const char *id, int member, int yes,
                    form_result *res);
/* Removes the current field's answer. */
kerr form_clear(form *f);
/* Confirms the current field's unusual value (FORM_CONFIRM -> FORM_OK). */
kerr form_confirm(form *f);

/* Moves to the next question if the current one is acceptable. *res (may
 * be NULL) gets the current field's status; when it is not FORM_OK the
 * cursor stays and KERR_OK is still returned. From a group's list, the next
 * question after the group; its entries must be complete (otherwise *res is
 * FORM_MISSING, naming the first incomplete entry, and the cursor stays on
 * the list so the screen can offer 修改 for it).
 * After a form_jump() the cursor returns to the review when nothing asked
 * after the changed field is missing. */
kerr form_next(form *f, form_result *res);

/* Moves to the previous question (KERR_STATE at the first). Never checks. */
kerr form_back(form *f);

/* Puts the cursor on field `id` (member: its entry, else -1), e.g. from a
 * review row's change link. KERR_NOTFOUND for an unknown field or entry,
 * KERR_STATE when the field is not asked. */
kerr form_jump(form *f, const char *id, int member);

/* Goes straight to the review page (e.g. the screen's 检查 button). */
void form_goto_review(form *f);

/* Repeat groups, by group id ("members"). add: a new empty entry, cursor on
 * its first question, index in *index (KERR_LIMIT at the group's max, with
 * a message in *res); edit: cursor on entry m's first question; remove:
 * wipes entry m, later entries move up, cursor on the group's list. */
kerr form_member_add(form *f, const char *group, size_t *index,
                     form_result *res);
kerr form_member_edit(form *f, const char *group, size_t m);
kerr form_member_remove(form *f, const char *group, size_t m);
size_t form_member_count(const form *f, const char *group);
/* 1 if every asked field of entry m is FORM_OK. */
int form_member_complete(const form *f, const char *group, size_t m);

/* Whether a field (member: entry or -1) is asked now. */
int form_is_asked(const form *f, const form_field *field, int member);
/* Status of one field (as on the review page). */
void form_field_check(const form *f, const form_field *field, int member,
                      form_result *res);
/* The answer shown as text (label of a choice, 是/否, 1200.5元, 1965年3月8日),
 * into buf. Returns 1 if the field has an answer, 0 if not (buf ""). */
int form_value_display(const form *f, const form_field *field, int member,
                       char *buf, size_t cap);

/* The answer of a date field as a value (member: entry, else -1) into
 * *out. Returns 1 if the field is a date and has an answer, 0 if not
 * (*out zeroed). Screens use this, never the display text, to show a kept
 * date again in another form. */
int form_value_date(const form *f, const form_field *field, int member,
                    validate_date *out);

/* The answer of a number field (EXPR_SCALE units) or a money field (fen)
 * into *out. Returns 1 if the field is one of those and has an answer,
 * 0 if not (*out 0). */
int form_value_number(const form *f, const form_field *field, int member,
                      int64_t *out);

/* 1 if choice `choice` (index into field->choices) of a choice or
 * multi-choice field is in its answer, else 0 (no answer, other type, or
 * index out of range). */
int form_value_picked(const form *f, const form_field *field, int member,
                      size_t choice);

/* Writes a date as the form shows it (1965年3月8日) into buf. */
void form_date_format(const validate_date *d, char *buf, size_t cap);

/* A computed value shown as text (58岁, 男, 1968年5月12日, 790.5元) into
 * buf (member: entry for a group's computed value, else -1). Returns 1 if
 * it can be computed now, 0 if not (buf ""). */
int form_computed_display(const form *f, const form_computed *cv, int member,
                          char *buf, size_t cap);

/* Every asked field (and member field) in order, with its status. */
typedef struct form_check_entry {
  const form_field *field;
  int member;
  form_result result;
} form_check_entry;

typedef struct form_check_list {
  form_check_entry *a;
  size_t n;
  size_t problems; /* entries whose status is not FORM_OK */
} form_check_list;

/* Fills *out (form_check_list_free). KERR_NOMEM only. */
kerr form_check_all(const form *f, form_check_list *out);
void form_check_list_free(form_check_list *l);

/* 1 if every asked field is FORM_OK: the form may be submitted. */
int form_complete(const form *f);

/* The check-your-answers list, grouped by section in order. */
typedef struct form_review_row {
  size_t section;             /* index among sections with questions */
  const char *section_title;
  const form_field *field;    /* NULL for a computed value */
  const form_computed *computed;
  int member;                 /* entry, else -1 */
  char *label;                /* 姓名 / 第1位家里人：姓名 */
  char *value;                /* display text; "" when not answered */
  form_status status;
  /* What a chosen item still needs here (form.json "requirements"): a
   * schema text, no personal data; NULL when nothing. */
  const char *note;
} form_review_row;

typedef struct form_review {
  form_review_row *rows;
  size_t n;
  size_t n_sections;
} form_review;

/* Builds the review list (form_review_free wipes it). KERR_NOMEM only. */
kerr form_review_build(const form *f, form_review *out);
void form_review_free(form_review *r);

/* 1 if a chosen item is one of form.json's "urgent_items" (an emergency),
 * or the schema's "urgent_when" holds for the answers (a referral says the
 * person is in danger now): the submission says "urgent": true and the
 * office sees it first. */
int form_urgent(const form *f);

/* A page of a material the applicant brought, photographed at the kiosk
 * (the document camera): the submission's "attachments" (docs/protocol.md,
 * docs/submission.schema.json). Borrowed; the JPEG is personal data. */
#define FORM_MAX_ATTACHMENTS 24
typedef struct form_attachment {
  const char *const *items; /* chosen item ids this material serves (>= 1) */
  size_t n_items;
  const char *material;     /* the catalogue's material text */
  int page;                 /* 1-based page within that material */
  int width, height;        /* pixels */
  const unsigned char *jpeg;
  size_t len;
} form_attachment;

/* Facts of the submission that the form does not own. */
typedef struct form_submission_meta {
  const char *uuid;
  const char *reference;
  const char *region;      /* six-digit region code */
  const char *assisted_by; /* staff id, NULL when nobody assisted */
} form_submission_meta;

/* Serialises the finished form to the sealed plaintext of docs/protocol.md
 * (schema: docs/submission.schema.json): schema_version, uuid, reference,
 * region, items, item_names, urgent, answers (asked fields only, typed; members as
 * an array of objects; computed values), display (review rows by section),
 * signatures (base64 PNG by field path), assisted_by and — through
 * form_submission_build_with, when pages were photographed — attachments
 * (each page's items, material, page number, size and base64 JPEG). *out
 * is a new
 * NUL-terminated buffer of *len bytes: release it with form_json_free().
 * KERR_STATE when the form is not complete, KERR_INVALID for a missing uuid,
 * reference or region, or an attachment that is not a JPEG, names no item
 * or an item not chosen, has no material, page or size, or more than
 * FORM_MAX_ATTACHMENTS of them; KERR_NOMEM. */
kerr form_submission_build(const form *f, const form_submission_meta *meta,
                           char **out, size_t *len);
/* The same with the pages photographed: att[0..n) (at most
 * FORM_MAX_ATTACHMENTS; n 0: no "attachments" key at all). */
kerr form_submission_build_with(const form *f,
                                const form_submission_meta *meta,
                                const form_attachment *att, size_t n,
                                char **out, size_t *len);

/* The answers alone as a JSON object in the answers-file format
 * (docs/form.md): field id -> value, groups as arrays of objects,
 * signatures as base64 strings; plus "items", "confirmed" and the cursor.
 * For the recovery point. Release with form_json_free(). */
kerr form_snapshot(const form *f, char **out, size_t *len);

/* Wipes and frees a buffer from form_submission_build / form_snapshot. */
void form_json_free(char *json, size_t len);

/* Loads answers (a JSON object in the answers-file format: field id ->
 * value) into the form, as if each were answered; the cursor does not
 * move. Values refused by their type show as FORM_INVALID in
 * form_field_check; keys that are not fields, and answers to fields that
 * are not asked, are ignored (count in *ignored, may be NULL). KERR_INVALID
 * if `answers` is not an object, KERR_NOMEM. */
kerr form_answers_load(form *f, const cJSON *answers, const cJSON *confirmed,
                       size_t *ignored);

/* ---- answers carried from the screener ---------------------------------
 *
 * form.json's "from_screener" says which screener question answers which
 * form field (docs/form.md). The screener's answers (the object screens/
 * screener.c builds: question id -> value) are copied into the form; a
 * mapped field that is asked and still empty gets the screener's answer
 * (once: an answer the applicant removes is not filled again). A rule on a
 * computed value (全家人口, 全家每月收入) is never filled, only compared.
 * When the form's value differs from the screener's the review lists a
 * conflict that the applicant resolves before submitting. */
#define FORM_MAX_PREFILL 32

typedef enum form_convert {
  FORM_CONV_NONE = 0,
  FORM_CONV_NOT,          /* yes/no turned round (住在外地 -> 住在户口所在地) */
  FORM_CONV_YEAR_TO_MONTH /* a yearly amount ÷ 12, to the fen */
} form_convert;

typedef struct form_prefill_rule {
  const char *question;          /* screener question id */
  const form_field *field;       /* a top-level field, or NULL and ... */
  const form_computed *computed; /* ... a top-level computed value */
  form_convert convert;
  const cJSON *values; /* screener choice value -> form choice value ("" =
                          leave empty); NULL: the same value */
  const form_field *change; /* computed: the field to change (form_jump) */
} form_prefill_rule;

size_t form_schema_prefill_count(const form_schema *s);
const form_prefill_rule *form_schema_prefill_at(const form_schema *s,
                                                size_t i);

/* Copies the screener's answers into the form (NULL forgets them) and fills
 * the mapped fields that are asked and empty. KERR_NOMEM. */
kerr form_set_screener(form *f, const cJSON *answers);

/* The form's copy of the screener's answers (borrowed), NULL if none. */
const cJSON *form_screener(const form *f);

/* Fills mapped fields that became asked since (call after each change);
 * each rule fills at most once. Returns how many fields were filled. */
size_t form_prefill_pending(form *f);

/* 1 if fd's answer came from the screener and still equals it. */
int form_prefilled(const form *f, const form_field *fd);

/* One difference between the screener's answer and the form's. */
typedef struct form_conflict {
  size_t rule;        /* index in form_schema_prefill_at() */
  const char *label;  /* the field's review label or the computed label */
  char earlier[128];  /* the screener's answer as the form shows it: 6人 */
  char now[128];      /* the form's */
  int can_restore;    /* a field: "use the earlier one" puts it back */
} form_conflict;

/* The unresolved conflicts, in rule order: at most cap written to out (may
 * be NULL with cap 0); returns how many there are. */
size_t form_conflicts(const form *f, form_conflict *out, size_t cap);

/* The differences the applicant settled in favour of the form (「表里的对」),
 * in rule order, as form_conflicts: the office sees both answers. */
size_t form_kept_differences(const form *f, form_conflict *out, size_t cap);

/* "The form is right": the conflict stays resolved while the form's value
 * does not change again. KERR_NOTFOUND for a rule without a conflict. */
kerr form_conflict_keep(form *f, size_t rule);

/* "The earlier answer is right": a field gets the screener's answer back;
 * for a computed value the cursor goes to the rule's `change` field
 * (form_jump) so the applicant corrects it. KERR_NOTFOUND, KERR_STATE. */
kerr form_conflict_restore(form *f, size_t rule);

/* Re-creates a form from a form_snapshot() text: items, answers,
 * confirmations and cursor. Same errors as form_create, plus KERR_PARSE /
 * KERR_LIMIT for a malformed snapshot. */
kerr form_restore(const form_schema *s, const content *c, const char *json,
                  size_t len, const validate_date *today, form **out);

#endif
