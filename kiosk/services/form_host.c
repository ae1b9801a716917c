/* form_host: see form_host.h. */
#include "services/form_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "services/staff_host.h"
#include "core/json_limits.h"
#include "core/log.h"
#include "core/recovery.h"

#define FORM_HOST_CARD_FIELDS 16

struct form_host {
  int64_t (*now_s)(void *ud);
  void *clock_ud;
  recovery *rec;        /* NULL: no crash recovery (not on tmpfs) */
  int64_t max_age_s;
  const content *schema_of; /* the bundle the schema was loaded from */
  form_schema *schema;
  /* referral.json (帮别人求助), loaded the first time it is asked for */
  const content *referral_of;
  form_schema *referral;
  form *f;              /* an application (schema) or a referral */
  int signing;          /* the cursor was put on a signature to sign now */
  int offer;            /* a point from before a restart may be offered */
  int64_t offer_saved_s;
  int offer_tries;      /* wrong ID entries left before the point is wiped */
  char assisted_by[64]; /* staff id, "" when nobody assists */
  /* the last submission, for the receipt screen */
  submit_receipt receipt;
  char item_ids[FORM_MAX_ITEMS][FORM_MAX_ID + 1];
  const char *item_ptrs[FORM_MAX_ITEMS];
  /* The screener's answers for this session (a wiped copy), handed to
   * every form started: form.json's from_screener fills from them. */
  cJSON *screener;
  /* answers filled from an ID card and not changed since (ids only) */
  struct {
    char id[FORM_MAX_ID + 1];
    int member;
  } card[FORM_HOST_CARD_FIELDS];
  int n_card;
  /* where the review page was left (form_host_set_review_spot) */
  int spot;
  char spot_field[FORM_MAX_ID + 1];
  int spot_member, spot_dy;
  /* pages to seal with the next submit (form_host_set_attachments) */
  const form_attachment *att;
  size_t n_att;
};

static int64_t host_now(const form_host *h) {
  return h->now_s ? h->now_s(h->clock_ud) : (int64_t)time(NULL);
}

/* The local date of the host's clock: "today" for dates and ages. */
static validate_date host_today(const form_host *h) {
  time_t t = (time_t)host_now(h);
  struct tm tm;
  validate_date d = {2026, 1, 1};
  if (localtime_r(&t, &tm))
    d = (validate_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
  return d;
}

static void drop_form(form_host *h) {
  form_destroy(h->f);
  h->f = NULL;
  memset(h->card, 0, sizeof h->card);
  h->n_card = 0;
  h->signing = 0;
  h->spot = 0;
}

static void wipe_point(form_host *h) {
  h->offer = 0;
  h->offer_saved_s = 0;
  h->offer_tries = 0;
  if (h->rec && recovery_wipe(h->rec))
    LOG_W("form_host", "recovery point not removed");
}


static void drop_screener(form_host *h) {
  if (h->screener) {
    session_wipe_json(h->screener);
    cJSON_Delete(h->screener);
    h->screener = NULL;
  }
}

/* Session wiper: whatever way the session ended, the form and its point
 * are gone. */
static void host_wipe(void *ud) {
  form_host *h = ud;
  drop_form(h);
  drop_screener(h);
  wipe_point(h);
  session_wipe_bytes(h->assisted_by, sizeof h->assisted_by);
  session_wipe_bytes(&h->receipt, sizeof h->receipt);
  session_wipe_bytes(h->item_ids, sizeof h->item_ids);
  memset(h->item_ptrs, 0, sizeof h->item_ptrs);
}

/* The last FORM_HOST_CHECK_CHARS characters of the applicant's ID number
 * in a snapshot (upper-case X), into tail[7]. KERR_NOTFOUND when the form
 * has no ID number yet (or one too short to check). Everything parsed is
 * wiped before it is freed. */
static kerr snapshot_id_tail(const char *data, size_t len, char tail[7]) {
  cJSON *doc = NULL;
  memset(tail, 0, 7);
  json_limits lim = {FORM_MAX_ANSWERS_BYTES, 8, 2u * FORM_MAX_SIGNATURE, 400};
  kerr e = json_limits_parse(data, len, &lim, &doc, NULL);
  if (e)
    return e;
  const cJSON *ans = cJSON_GetObjectItemCaseSensitive(doc, "answers");
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(ans, FORM_HOST_ID_FIELD);
  e = KERR_NOTFOUND;
  if (cJSON_IsString(id) && id->valuestring) {
    size_t n = strlen(id->valuestring);
    if (n >= FORM_HOST_CHECK_CHARS) {
      for (size_t i = 0; i < FORM_HOST_CHECK_CHARS; i++) {
        char ch = id->valuestring[n - FORM_HOST_CHECK_CHARS + i];
        tail[i] = ch == 'x' ? 'X' : ch;
      }
      e = KERR_OK;
    }
  }
  session_wipe_json(doc);
  cJSON_Delete(doc);
  return e;
}

/* Looks for a point left by a previous run; keeps only its time. A point
 * whose form has no ID number yet cannot be checked against its applicant,
 * so it is wiped instead of being offered. */
static void look_for_point(form_host *h) {
  char *data = NULL;
  size_t len = 0;
  int64_t saved = 0;
  kerr e = recovery_load(h->rec, host_now(h), &data, &len, &saved);
  if (e == KERR_OK) {
    char tail[7];
    kerr t = snapshot_id_tail(data, len, tail);
    session_wipe_bytes(tail, sizeof tail);
    recovery_data_free(data, len);
    if (t) {
      LOG_I("form_host", "recovery point without an ID number dropped");
      wipe_point(h);
      return;
    }
    h->offer = 1;
    h->offer_saved_s = saved;
    h->offer_tries = FORM_HOST_CHECK_TRIES;
    LOG_I("form_host", "a half-filled form can be offered back");
  } else if (e != KERR_NOTFOUND) {
    LOG_I("form_host", "old recovery point dropped: %s", kerr_str(e));
  }
}

kerr form_host_create(const form_host_config *cfg, session *s,
                      form_host **out) {
  *out = NULL;
  form_host *h = calloc(1, sizeof *h);
  if (!h)
    return KERR_NOMEM;
  h->now_s = cfg ? cfg->now_s : NULL;
  h->clock_ud = cfg ? cfg->clock_ud : NULL;
  h->max_age_s = cfg && cfg->max_age_s > 0 ? cfg->max_age_s
                                           : RECOVERY_DEFAULT_MAX_AGE_S;
  char name[64];
  snprintf(name, sizeof name, "kiosk-form-%ld.rec", (long)getpid());
  recovery_config rc = {.dir = cfg ? cfg->runtime_dir : NULL,
                        .name = cfg ? cfg->recovery_name : NULL,
                        .max_age_s = h->max_age_s};
  if (cfg && !cfg->recovery_name && cfg->private_point)
    rc.name = name;
  kerr e = recovery_create(&rc, &h->rec);
  if (e) {
    LOG_E("form_host", "no crash recovery for the form: %s", kerr_str(e));
    h->rec = NULL;
  }
  e = session_add_wiper(s, host_wipe, h);
  if (e) {
    recovery_destroy(h->rec);
    free(h);
    return e;
  }
  if (h->rec)
    look_for_point(h);
  *out = h;
  return KERR_OK;
}

void form_host_destroy(form_host *h) {
  if (!h)
    return;
  drop_form(h);
  drop_screener(h);
  form_schema_destroy(h->schema);
  form_schema_destroy(h->referral);
  recovery_destroy(h->rec);
  free(h);
}

static kerr load_schema(form_host *h, const content *c) {
  if (!c)
    return KERR_NOTFOUND;
  if (h->schema && h->schema_of == c)
    return KERR_OK;
  if (h->f)
    return KERR_STATE; /* the form still uses the old schema */
  form_schema_destroy(h->schema);
  h->schema = NULL;
  h->schema_of = NULL;
  kerr e = form_schema_from_content(c, &h->schema, NULL);
  if (e) {
    LOG_E("form_host", "the bundle's form is not usable: %s", kerr_str(e));
    return e;
  }
  h->schema_of = c;
  return KERR_OK;
}

/* Copies the answers of `from` into `to` (a form for other items). */
static kerr carry_answers(const form *from, form *to) {
  char *snap = NULL;
  size_t len = 0;
  cJSON *doc = NULL;
  kerr e = form_snapshot(from, &snap, &len);
  if (e)
    goto out;
  json_limits lim = {FORM_MAX_ANSWERS_BYTES, 8, 2u * FORM_MAX_SIGNATURE, 400};
  e = json_limits_parse(snap, len, &lim, &doc, NULL);
  if (e)
    goto out;
  e = form_answers_load(to, cJSON_GetObjectItemCaseSensitive(doc, "answers"),
                        cJSON_GetObjectItemCaseSensitive(doc, "confirmed"),
                        NULL);
out:
  if (doc) {
    session_wipe_json(doc);
    cJSON_Delete(doc);
  }
  if (snap)
    form_json_free(snap, len);
  return e;
}

static int same_items(const form *f, const char *const *items, size_t n) {
  if (form_item_count(f) != n)
    return 0;
  for (size_t i = 0; i < n; i++) {
    int found = 0;
    for (size_t j = 0; j < n && !found; j++)
      found = strcmp(form_item_at(f, j), items[i]) == 0;
    if (!found)
      return 0;
  }
  return 1;
}

kerr form_host_start(form_host *h, const content *c, const char *const *items,
                     size_t n) {
  if (h->offer)
    wipe_point(h);
  if (h->f && same_items(h->f, items, n)) {
    if (h->screener)
      form_set_screener(h->f, h->screener); /* fills only what is empty */
    return KERR_OK;
  }
  form *old = h->f;
  h->f = NULL;
  kerr e;
  if (old && (h->schema_of != c || form_get_schema(old) != h->schema)) {
    /* A new bundle, or a referral: nothing of the old form can be trusted
     * to fit. */
    form_destroy(old);
    old = NULL;
  }
  e = load_schema(h, c);
  if (e)
    goto out;
  validate_date today = host_today(h);
  form *f = NULL;
  e = form_create(h->schema, c, items, n, &today, &f);
  if (e) {
    LOG_E("form_host", "form not started: %s", kerr_str(e));
    goto out;
  }
  if (old && carry_answers(old, f))
    LOG_W("form_host", "answers not carried to the new items");
  if (h->screener && form_set_screener(f, h->screener))
    LOG_W("form_host", "screener answers not carried");
  h->f = f;
  h->signing = 0;
  LOG_I("form_host", "form started (%zu items)", n);
  form_host_saved(h);
out:
  if (e && old) {
    h->f = old; /* keep what was there */
    old = NULL;
  }
  form_destroy(old);
  return e;
}

kerr form_host_start_referral(form_host *h, const content *c) {
  if (!c)
    return KERR_NOTFOUND;
  if (h->offer)
    wipe_point(h);
  if (h->f && form_get_schema(h->f) == h->referral && h->referral_of == c)
    return KERR_OK;
  drop_form(h);
  if (!h->referral || h->referral_of != c) {
    form_schema_destroy(h->referral);
    h->referral = NULL;
    h->referral_of = NULL;
    kerr e = form_schema_from_content_file(c, FORM_REFERRAL_FILE,
                                           &h->referral, NULL);
    if (e) {
      LOG_E("form_host", "the bundle's referral form is not usable: %s",
            kerr_str(e));
      return e;
    }
    h->referral_of = c;
  }
  validate_date today = host_today(h);
  kerr e = form_create(h->referral, c, NULL, 0, &today, &h->f);
  if (e) {
    LOG_E("form_host", "referral not started: %s", kerr_str(e));
    return e;
  }
  h->signing = 0;
  LOG_I("form_host", "referral started");
  return KERR_OK;
}

int form_host_is_referral(const form_host *h) {
  return h && h->f && h->referral && form_get_schema(h->f) == h->referral;
}

form *form_host_form(form_host *h) { return h ? h->f : NULL; }

kerr form_host_set_screener(form_host *h, const cJSON *answers) {
  if (!h)
    return KERR_STATE;
  drop_screener(h);
  if (answers && !(h->screener = cJSON_Duplicate(answers, 1)))
    return KERR_NOMEM;
  return KERR_OK;
}

kerr form_host_saved(form_host *h) {
  if (h->f)
    form_prefill_pending(h->f); /* a question just brought in */
  if (!h->f || !h->rec || form_host_is_referral(h))
    return KERR_STATE;
  char *snap = NULL;
  size_t len = 0;
  kerr e = form_snapshot(h->f, &snap, &len);
  if (!e)
    e = recovery_save(h->rec, snap, len, host_now(h));
  if (snap)
    form_json_free(snap, len);
  if (e)
    LOG_W("form_host", "recovery point not written: %s", kerr_str(e));
  return e;
}

int form_host_offer(form_host *h) {
  if (!h || !h->offer)
    return 0;
  int64_t now = host_now(h);
  if (now - h->offer_saved_s > h->max_age_s ||
      h->offer_saved_s - now > 60) {
    LOG_I("form_host", "recovery offer expired");
    wipe_point(h);
    return 0;
  }
  return 1;
}

int64_t form_host_offer_left_s(form_host *h) {
  if (!form_host_offer(h))
    return 0;
  int64_t left = h->offer_saved_s + h->max_age_s - host_now(h);
  return left > 0 ? left : 0;
}

int form_host_offer_tries(const form_host *h) {
  return h && h->offer ? h->offer_tries : 0;
}

/* 1 if s is FORM_HOST_CHECK_CHARS digits, the last one possibly X. */
static int check_well_formed(const char *s) {
  if (strlen(s) != FORM_HOST_CHECK_CHARS)
    return 0;
  for (size_t i = 0; i < FORM_HOST_CHECK_CHARS; i++) {
    int last = i + 1 == FORM_HOST_CHECK_CHARS;
    if (!(s[i] >= '0' && s[i] <= '9') &&
        !(last && (s[i] == 'X' || s[i] == 'x')))
      return 0;
  }
  return 1;
}

kerr form_host_resume(form_host *h, const content *c, const char *last6) {
  if (!h->offer || !h->rec)
    return KERR_NOTFOUND;
  if (!form_host_offer(h))
    return KERR_STATE;
  if (last6 && !check_well_formed(last6))
    return KERR_INVALID; /* not an attempt: nothing is read */
  char *data = NULL;
  size_t len = 0;
  form *f = NULL;
  char tail[7] = "";
  char typed[7] = "";
  kerr e = recovery_load(h->rec, host_now(h), &data, &len, NULL);
  if (e) {
    h->offer = 0;
    goto out;
  }
  if (last6) {
    for (size_t i = 0; i < FORM_HOST_CHECK_CHARS; i++)
      typed[i] = last6[i] == 'x' ? 'X' : last6[i];
    e = snapshot_id_tail(data, len, tail);
    if (e || sodium_memcmp(tail, typed, FORM_HOST_CHECK_CHARS) != 0) {
      e = KERR_DENIED;
      if (--h->offer_tries <= 0) {
        LOG_I("form_host", "recovery check failed %d times: point wiped",
              FORM_HOST_CHECK_TRIES);
        wipe_point(h);
      } else {
        LOG_I("form_host", "recovery check failed (%d tries left)",
              h->offer_tries);
      }
      goto out_keep;
    }
  }
  h->offer = 0;
  drop_form(h);
  e = load_schema(h, c);
  if (e)
    goto out;
  validate_date today = host_today(h);
  e = form_restore(h->schema, c, data, len, &today, &f);
  if (e) {
    LOG_W("form_host", "recovery point not usable: %s", kerr_str(e));
    goto out;
  }
  h->f = f;
  /* The screener's answers come back with the form: a change of items
   * later still fills from them. */
  if (form_host_set_screener(h, form_screener(f)))
    LOG_W("form_host", "screener answers not carried");
  LOG_I("form_host", "half-filled form taken up again (%s)",
        last6 ? "ID checked" : "staff");
out:
  if (e)
    wipe_point(h);
out_keep:
  if (data)
    recovery_data_free(data, len);
  session_wipe_bytes(tail, sizeof tail);
  session_wipe_bytes(typed, sizeof typed);
  return e;
}

void form_host_decline(form_host *h) {
  if (h->offer)
    LOG_I("form_host", "recovery offer declined");
  wipe_point(h);
}

kerr form_host_sign(form_host *h, const char *field, int member) {
  if (!h->f)
    return KERR_STATE;
  kerr e = form_jump(h->f, field, member);
  if (!e)
    h->signing = 1;
  return e;
}

void form_host_finish(form_host *h) {
  drop_form(h);
  wipe_point(h);
}

void form_host_set_review_spot(form_host *h, const char *field, int member,
                               int dy) {
  if (!h || !field || strlen(field) >= sizeof h->spot_field)
    return;
  snprintf(h->spot_field, sizeof h->spot_field, "%s", field);
  h->spot_member = member;
  h->spot_dy = dy;
  h->spot = 1;
}

int form_host_take_review_spot(form_host *h, char *field, size_t size,
                               int *member, int *dy) {
  if (!h || !h->spot || !h->f)
    return 0;
  h->spot = 0;
  snprintf(field, size, "%s", h->spot_field);
  *member = h->spot_member;
  *dy = h->spot_dy;
  return 1;
}

kerr form_host_set_assisted_by(form_host *h, const char *staff_id) {
  if (staff_id && strlen(staff_id) >= sizeof h->assisted_by)
    return KERR_INVALID;
  snprintf(h->assisted_by, sizeof h->assisted_by, "%s",
           staff_id ? staff_id : "");
  return KERR_OK;
}

const char *form_host_assisted_by(const form_host *h) {
  return h->assisted_by[0] ? h->assisted_by : NULL;
}

/* What a progress query will ask for, into last4: the last four characters
 * of the applicant's ID number; without one, of their own phone number (an
 * emergency without papers, or a referral's reporter); without either,
 * nothing (SUBMIT_CHECK_NONE, last4 ""). */
static submit_check check_ending(const form *f, char last4[5]) {
  static const struct {
    const char *field;
    submit_check check;
  } from[] = {{"applicant_id", SUBMIT_CHECK_ID},
              {"applicant_phone", SUBMIT_CHECK_PHONE},
              {"reporter_phone", SUBMIT_CHECK_PHONE}};
  const form_schema *s = form_get_schema(f);
  char v[64];
  submit_check got = SUBMIT_CHECK_NONE;
  last4[0] = '\0';
  for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
    const form_field *fd = form_schema_field_find(s, from[i].field);
    if (fd && form_is_asked(f, fd, -1) &&
        form_value_display(f, fd, -1, v, sizeof v) && strlen(v) >= 4) {
      memcpy(last4, v + strlen(v) - 4, 5);
      got = from[i].check;
      break;
    }
  }
  session_wipe_bytes(v, sizeof v);
  return got;
}

void form_host_set_attachments(form_host *h, const form_attachment *a,
                               size_t n) {
  if (!h)
    return;
  h->att = n ? a : NULL;
  h->n_att = a ? n : 0;
}

kerr form_host_submit(form_host *h, net_host *net,
                      const submit_receipt **out) {
  submit_receipt *rc = &h->receipt;
  memset(rc, 0, sizeof *rc);
  *out = rc;
  char *plain = NULL;
  size_t len = 0;
  char last4[5] = "";
  kerr e = KERR_STATE;
  if (!h->f || !form_complete(h->f) || form_conflicts(h->f, NULL, 0))
    goto out;
  rc->check = check_ending(h->f, last4);
  const char *kind = form_schema_kind(form_get_schema(h->f));
  rc->referral = strcmp(kind, FORM_KIND_REFERRAL) == 0;
  size_t n = form_item_count(h->f);
  for (size_t i = 0; i < n && i < FORM_MAX_ITEMS; i++) {
    snprintf(h->item_ids[i], sizeof h->item_ids[i], "%s",
             form_item_at(h->f, i));
    h->item_ptrs[i] = h->item_ids[i];
  }
  rc->items = h->item_ptrs;
  rc->n_items = n;
  e = submit_reserve(net, &rc->ticket);
  if (e)
    goto out;
  form_submission_meta meta = {.uuid = rc->ticket.uuid,
                               .reference = rc->ticket.reference,
                               .region = net_host_region(net),
                               .assisted_by = form_host_assisted_by(h)};
  e = form_submission_build_with(h->f, &meta, h->att, h->n_att, &plain, &len);
  if (e) {
    LOG_E("form_host", "%s: submission not built: %s", rc->ticket.reference,
          kerr_str(e));
    goto out;
  }
  submit_request rq = {.plain = plain,
                       .len = len,
                       .items = h->item_ptrs,
                       .n_items = n,
                       .urgent = form_urgent(h->f),
                       .last4 = last4[0] ? last4 : NULL,
                       .assisted_by = form_host_assisted_by(h),
                       .kind = kind};
  e = submit_commit(net, &rc->ticket, &rq);
  if (!e) {
    LOG_I("form_host", "%s: application submitted", rc->ticket.reference);
    form_host_finish(h);
  }
out:
  if (plain)
    form_json_free(plain, len);
  session_wipe_bytes(last4, sizeof last4);
  h->att = NULL;
  h->n_att = 0;
  rc->result = e;
  return e;
}

form_host_view form_host_where(form_host *h) {
  if (!h || !h->f)
    return FORM_VIEW_NONE;
  form_question q;
  form_current(h->f, &q);
  if (q.step == FORM_STEP_FIELD && q.field->type == FORM_T_SIGNATURE &&
      q.member < 0 && !h->signing) {
    form_goto_review(h->f);
    form_current(h->f, &q);
  }
  if (q.step == FORM_STEP_REVIEW) {
    h->signing = 0;
    return FORM_VIEW_REVIEW;
  }
  if (q.step == FORM_STEP_FIELD && q.field->type == FORM_T_SIGNATURE)
    return FORM_VIEW_SIGN;
  return FORM_VIEW_QUESTION;
}

/* ---- an ID card ---------------------------------------------------------- */

/* Where each thing a card holds goes, for one person. NULL: not here. */
typedef struct card_map {
  const char *group; /* NULL: the applicant (top level) */
  const char *name, *id, *address, *sex, *birth, *nation, *has_id;
} card_map;

static const card_map CARD_MAPS[] = {
    {NULL, "applicant_name", FORM_HOST_ID_FIELD, "hukou_address",
     "applicant_sex", "applicant_birth_date", "applicant_ethnicity",
     "has_id"},
    {"members", "name", "id_number", "hukou_address", "sex", "birth_date",
     "ethnicity", NULL},
    {"obligors", "ob_name", "ob_id", NULL, NULL, NULL, NULL, NULL},
};

static void card_remember(form_host *h, const char *id, int member) {
  if (form_host_card_filled(h, id, member) || h->n_card >= FORM_HOST_CARD_FIELDS)
    return;
  snprintf(h->card[h->n_card].id, sizeof h->card[h->n_card].id, "%s", id);
  h->card[h->n_card].member = member;
  h->n_card++;
}

int form_host_card_filled(form_host *h, const char *id, int member) {
  for (int i = 0; h && id && i < h->n_card; i++)
    if (h->card[i].member == member && strcmp(h->card[i].id, id) == 0)
      return 1;
  return 0;
}

void form_host_card_forget(form_host *h, const char *id, int member) {
  for (int i = 0; h && id && i < h->n_card; i++)
    if (h->card[i].member == member && strcmp(h->card[i].id, id) == 0) {
      h->card[i] = h->card[--h->n_card];
      memset(&h->card[h->n_card], 0, sizeof h->card[h->n_card]);
      return;
    }
}

/* 1 when the ID answer of field `id` (member) equals number (case of the
 * final X ignored). */
static int same_id(const form *f, const char *id, int member,
                   const char *number) {
  const form_field *fd = form_schema_field_find(form_get_schema(f), id);
  char v[64];
  if (!fd || !form_value_display(f, fd, member, v, sizeof v))
    return 0;
  int same = strcasecmp(v, number) == 0;
  session_wipe_bytes(v, sizeof v);
  return same;
}

/* 1 when number is already the ID of a household person other than
 * (group, member). */
static int id_taken(const form *f, const char *group, int member,
                    const char *number) {
  if (group && same_id(f, FORM_HOST_ID_FIELD, -1, number))
    return 1;
  size_t n = form_member_count(f, "members");
  for (size_t m = 0; m < n; m++) {
    if (group && strcmp(group, "members") == 0 && (int)m == member)
      continue;
    if (same_id(f, "id_number", (int)m, number))
      return 1;
  }
  return 0;
}

/* Fills one field when the form has it and asks it now. */
static int fill_one(form_host *h, const char *id, int member, const char *v) {
  if (!id || !v || !*v)
    return 0;
  form_result r;
  if (form_fill_text(h->f, id, member, v, strlen(v), &r) != KERR_OK ||
      r.status == FORM_INVALID) {
    session_wipe_bytes(&r, sizeof r);
    return 0;
  }
  card_remember(h, id, member);
  return 1;
}

/* The map for the person the question on show is about, or NULL. */
static const card_map *map_of(const form_question *q) {
  const char *group = q->field->group ? q->field->group->id : NULL;
  for (size_t i = 0; i < sizeof CARD_MAPS / sizeof CARD_MAPS[0]; i++)
    if ((!group && !CARD_MAPS[i].group) ||
        (group && CARD_MAPS[i].group && strcmp(group, CARD_MAPS[i].group) == 0))
      return &CARD_MAPS[i];
  return NULL;
}

int form_host_card_question(form_host *h) {
  if (!h || !h->f)
    return 0;
  form_question q;
  form_current(h->f, &q);
  if (q.step != FORM_STEP_FIELD || !q.field)
    return 0;
  const card_map *m = map_of(&q);
  const char *id = q.field->id;
  return m && ((m->name && strcmp(id, m->name) == 0) ||
               (m->id && strcmp(id, m->id) == 0) ||
               (m->address && strcmp(id, m->address) == 0));
}

kerr form_host_fill_card(form_host *h, const idcard_card *c,
                         form_host_card *res) {
  *res = FORM_HOST_CARD_NOTHING;
  if (!h || !h->f)
    return KERR_STATE;
  form_question q;
  form_current(h->f, &q);
  if (q.step != FORM_STEP_FIELD || !q.field)
    return KERR_STATE;
  const char *group = q.field->group ? q.field->group->id : NULL;
  int member = group ? q.member : -1;
  const card_map *map = map_of(&q);
  if (!map)
    return KERR_OK;
  if ((!group || strcmp(group, "members") == 0) &&
      id_taken(h->f, group, member, c->id_number)) {
    *res = FORM_HOST_CARD_DUPLICATE;
    return KERR_OK;
  }
  int n = 0;
  if (map->has_id) {
    form_result r;
    if (form_fill_bool(h->f, map->has_id, member, 1, &r) == KERR_OK)
      card_remember(h, map->has_id, member);
  }
  char birth[16] = "";
  if (strlen(c->birth) == 8)
    snprintf(birth, sizeof birth, "%.4s-%.2s-%.2s", c->birth, c->birth + 4,
             c->birth + 6);
  n += fill_one(h, map->name, member, c->name);
  n += fill_one(h, map->id, member, c->id_number);
  n += fill_one(h, map->address, member, c->address);
  n += fill_one(h, map->sex, member, c->sex);
  n += fill_one(h, map->birth, member, birth);
  n += fill_one(h, map->nation, member, c->nation);
  session_wipe_bytes(birth, sizeof birth);
  if (n > 0) {
    *res = FORM_HOST_CARD_FILLED;
    LOG_I("form_host", "%d answers filled from an ID card", n);
    (void)form_host_saved(h);
  }
  return KERR_OK;
}
