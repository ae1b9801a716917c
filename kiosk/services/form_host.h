/* form_host: the app-level owner of the one application form of a session.
 *
 * The form screens (kiosk/screens/form*.c, sign.c) never own the form: it
 * lives here, from the moment the applicant starts the form with the items
 * of the session's selection until the session ends or the application is
 * submitted, so that 返回 to the list and back again keeps every answer.
 *
 *   form_host_start()   a form for these items (an existing form is kept;
 *                       when the items changed its answers carry over and
 *                       whatever the new items do not ask is dropped)
 *   form_host_saved()   after each answer: the recovery point on tmpfs
 *                       (core/recovery.h) is replaced by a fresh snapshot
 *   form_host_offer()   after a restart, whether a recent point may be
 *                       offered back (「继续填写上次没填完的表？」)
 *   form_host_resume()  rebuilds the form from it, at the same question,
 *                       once the end of its ID number was typed again (or
 *                       staff vouch for the applicant)
 *   form_host_finish()  after submission: the form and the point are wiped
 *
 * Invariants:
 *   - at most one form at a time; it, the schema and the point belong to the
 *     host; the form is wiped (form_destroy) when dropped;
 *   - a session wiper is registered at creation: every way a session ends
 *     drops the form and wipes the recovery point, and any offer with it;
 *   - the recovery point is only written on tmpfs (recovery.h refuses
 *     anything else); a host whose directory is refused still runs the form,
 *     it simply cannot offer it back after a crash;
 *   - while an offer waits nothing personal is held in memory: only the
 *     point's time and the tries left; the point is read again for each
 *     check and wiped from memory right after it;
 *   - nothing of the previous form is shown before the check passes.
 * The wall clock (seconds) is injected so tests control expiry; "today"
 * for the form's dates and ages is the local date of that clock. Nothing
 * here logs answers. UI thread only. */
#ifndef KIOSK_APP_FORM_HOST_H
#define KIOSK_APP_FORM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "services/net_host.h"
#include "services/submit.h"
#include "core/content.h"
#include "core/form.h"
#include "core/kerr.h"
#include "core/session.h"
#include "devices/idcard_reader.h"

typedef struct form_host form_host;

typedef struct form_host_config {
  const char *runtime_dir;   /* tmpfs directory; NULL: /dev/shm */
  const char *recovery_name; /* file name; NULL: the recovery default */
  int64_t max_age_s;         /* how long a point is offered; <= 0: 300 s */
  /* Scripted test runs: without recovery_name, a point private to this
   * process (kiosk-form-<pid>.rec), so runs side by side never see each
   * other's half-filled forms. */
  int private_point;
  /* Wall clock in unix seconds; NULL: time(). */
  int64_t (*now_s)(void *ud);
  void *clock_ud;
} form_host_config;

/* Creates the host and registers its wiper on s (which must outlive it).
 * Looks for a recovery point left by a previous run (one younger than
 * max_age_s becomes the offer; an older or damaged one is wiped). A runtime
 * directory that is not tmpfs is logged and leaves a host without
 * recovery. *out is the caller's (form_host_destroy). KERR_NOMEM, or
 * KERR_LIMIT when s has no room for the wiper. */
kerr form_host_create(const form_host_config *cfg, session *s,
                      form_host **out);

/* Wipes the form and frees the host; the recovery point is left alone (a
 * session end wipes it). NULL is fine. */
void form_host_destroy(form_host *h);

/* The screener's answers of this session (question id -> value, as
 * screens/screener.c builds them; NULL forgets them), copied and wiped
 * with the session. Every form started after this is filled from them
 * (form.json "from_screener", form_set_screener). KERR_NOMEM. */
kerr form_host_set_screener(form_host *h, const cJSON *answers);

/* Starts (or keeps) the form for items[0..n) of content c. An existing form
 * with the same items is kept as it is; with other items its answers are
 * carried into a new form. KERR_NOTFOUND when the bundle has no form,
 * KERR_INVALID for an item the form does not know, the form_create errors.
 * Any waiting offer is withdrawn and its point wiped. */
kerr form_host_start(form_host *h, const content *c, const char *const *items,
                     size_t n);

/* Starts the 帮别人求助 referral form (referral.json of c: no items, no
 * signature) in place of any form of the session. A referral is not kept
 * for crash recovery (there is no ID number to offer it back with); it is
 * wiped like any form. KERR_NOTFOUND when the bundle has no referral
 * form, the form_create errors. */
kerr form_host_start_referral(form_host *h, const content *c);

/* 1 when the session's form is a referral. */
int form_host_is_referral(const form_host *h);

/* The form of this session, or NULL. Borrowed until the next start,
 * resume, finish or session end. */
form *form_host_form(form_host *h);

/* Writes the recovery point from the current form (call after each answer
 * and move). KERR_STATE without a form or without recovery; the recovery
 * errors (the form itself is untouched by a failure). */
kerr form_host_saved(form_host *h);

/* 1 when a recovery point from before a restart may be offered now; 0
 * otherwise (an offer past its time is withdrawn and its point wiped). */
int form_host_offer(form_host *h);

/* Seconds until the offer expires (0 when there is none). */
int64_t form_host_offer_left_s(form_host *h);

/* The offer is taken up only by the person whose form it was: they type
 * the last FORM_HOST_CHECK_CHARS characters of the ID number already
 * entered in the form (field FORM_HOST_ID_FIELD), or signed-in staff vouch
 * for them. FORM_HOST_CHECK_TRIES wrong entries wipe the point. A point
 * whose form has no ID number yet is wiped when found, never offered. */
#define FORM_HOST_ID_FIELD "applicant_id"
#define FORM_HOST_CHECK_CHARS 6
#define FORM_HOST_CHECK_TRIES 3

/* Wrong entries still allowed for the waiting offer (0 without one). */
int form_host_offer_tries(const form_host *h);

/* Accepts the offer: reads the point back, checks last6 (six characters,
 * digits with a possible final X, compared in constant time with the end of
 * the form's ID number) and rebuilds the form at the question where it was
 * left. last6 NULL skips the check: only for staff who signed in (use
 * form_host_offer_resume, which makes sure of that). Everything read from
 * the point is wiped before returning. KERR_INVALID when last6 is not six
 * such characters (not counted as a try, nothing read); KERR_DENIED when it
 * does not match (one try used; after the last one the point is wiped and
 * the offer gone); KERR_NOTFOUND when there is no offer (or the point
 * vanished), KERR_STATE when it expired meanwhile, the form_restore errors
 * (the point is then wiped). */
kerr form_host_resume(form_host *h, const content *c, const char *last6);

/* Declines the offer: the point is wiped. */
void form_host_decline(form_host *h);

/* From the review page: puts the cursor on signature `field` (member:
 * entry, else -1) to be signed now. KERR_NOTFOUND / KERR_STATE as
 * form_jump; KERR_STATE without a form. */
kerr form_host_sign(form_host *h, const char *field, int member);

/* Drops the form and wipes the recovery point: after a submission, or
 * when the applicant gives the form up (放弃). */
void form_host_finish(form_host *h);

/* Where the review page was when a row was opened from it (修改, 签名):
 * the row's field id and member (-1 for none) and how far below the top
 * of the page's view its top was (dy, pixels). The review page takes it
 * when it opens again, so the applicant comes back to where they left
 * it. Ids only, nothing personal; forgotten with the form. */
void form_host_set_review_spot(form_host *h, const char *field, int member,
                               int dy);
/* Takes the spot set above (it is then forgotten): 1 with field (size
 * bytes), *member and *dy filled, 0 when there is none. */
int form_host_take_review_spot(form_host *h, char *field, size_t size,
                               int *member, int *dy);

/* Staff filing on an applicant's behalf: the staff sign-in (when it
 * exists) calls this with the signed-in staff id; it goes into the
 * submission's assisted_by and the envelope. NULL or "" clears it; a
 * session end clears it too. Ids longer than 63 bytes are refused
 * (KERR_INVALID). */
kerr form_host_set_assisted_by(form_host *h, const char *staff_id);
/* The staff id set above, or NULL. */
const char *form_host_assisted_by(const form_host *h);

/* The pages photographed (services/camera_host.h) to seal with the next
 * submit, as the submission's attachments; borrowed until then (the
 * caller keeps them alive and unchanged). NULL / 0: none. Forgotten by
 * form_host_submit whatever its result. */
void form_host_set_attachments(form_host *h, const form_attachment *a,
                               size_t n);

/* 提交: seals and commits the complete form through submit.h (reserve a
 * reference, build the plaintext with it, commit). *out (always set) is
 * what the receipt screen shows, owned by the host until the next submit or
 * the session end. On KERR_OK the form and its recovery point are gone.
 * KERR_STATE without a form or when it is not complete (nothing is
 * reserved); the submit_reserve / submit_commit errors (the form is kept).
 * */
kerr form_host_submit(form_host *h, net_host *net, const submit_receipt **out);

/* Which view shows the form's cursor: the review, a signature pad, or a
 * question; FORM_VIEW_NONE without a form. A top-level signature the cursor
 * reaches other than through form_host_sign() is deferred to the review
 * page (the applicant signs after checking the answers): the cursor is then
 * moved to the review. The screens map views to screens
 * (screens/form_flow.c). */
typedef enum form_host_view {
  FORM_VIEW_NONE = 0,
  FORM_VIEW_QUESTION,
  FORM_VIEW_SIGN,
  FORM_VIEW_REVIEW
} form_host_view;
form_host_view form_host_where(form_host *h);

/* ---- an ID card read by the applicant (services/idcard_host.h) ----
 *
 * A card fills the answers the form has for one person: the applicant
 * (member -1: applicant_name, applicant_id, hukou_address, and has_id =
 * yes) or entry `member` of the group of the question on show (members:
 * name, id_number; obligors: ob_name, ob_id). Sex, birth date and 民族
 * go to <prefix>sex / <prefix>birth_date / <prefix>ethnicity when the form
 * has such fields. Only fields asked now are filled. */
typedef enum form_host_card {
  FORM_HOST_CARD_FILLED = 0, /* at least one answer was filled */
  FORM_HOST_CARD_DUPLICATE,  /* the number is already another person's */
  FORM_HOST_CARD_NOTHING     /* the form asks nothing the card holds here */
} form_host_card;

/* Fills the answers of the person being asked about (the question on show
 * decides: a member's question fills that member) from card c. Nothing is
 * filled when the card's ID number is already the answer for another
 * person of the household (the applicant or another member): *res is then
 * FORM_HOST_CARD_DUPLICATE. The fields filled are remembered (ids only) for
 * form_host_card_filled until they are answered again by hand or the form
 * ends. KERR_STATE without a form or off a question. */
kerr form_host_fill_card(form_host *h, const idcard_card *c,
                         form_host_card *res);

/* 1 when the question on show is one a card answers (a person's name, ID
 * number or registered address): the screen offers 刷身份证 there. */
int form_host_card_question(form_host *h);

/* 1 when field `id` (member: entry, else -1) was filled from a card and
 * has not been changed since: the screen says 「这些是从身份证上读出来的，
 * 请核对」. */
int form_host_card_filled(form_host *h, const char *id, int member);

/* The applicant changed field `id` by hand: it no longer counts as read
 * from the card. */
void form_host_card_forget(form_host *h, const char *id, int member);

#endif
