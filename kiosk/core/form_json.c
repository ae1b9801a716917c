/* form_json: answers in and out of the form as JSON.
 *
 *   form_answers_load()     an answers object (kioskctl form check, restore)
 *   form_snapshot()         the recovery point's plaintext
 *   form_restore()          ... and back
 *   form_submission_build() the sealed plaintext of docs/protocol.md
 *
 * Everything printed holds personal data: trees are wiped string by string
 * before they are freed, and the text is printed into a buffer we own
 * (cJSON_PrintPreallocated), so no unwiped copy is left on the heap by the
 * printer's own reallocations. Numbers are written as exact decimal text
 * (cJSON raw values), never through binary floating point. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/form_private.h"
#include "core/json_limits.h"
#include "core/session.h"

#define SNAPSHOT_FORMAT 1
#define PRINT_MAX (16u * 1024u * 1024u)

/* ---- wiping and printing -------------------------------------------------- */

static void tree_delete(cJSON *j) {
  if (!j)
    return;
  session_wipe_json(j);
  cJSON_Delete(j);
}

static kerr print_owned(cJSON *doc, char **out, size_t *len) {
  for (size_t cap = 64u * 1024u; cap <= PRINT_MAX; cap *= 2) {
    char *buf = malloc(cap);
    if (!buf)
      return KERR_NOMEM;
    if (cJSON_PrintPreallocated(doc, buf, (int)cap, 0)) {
      *out = buf;
      *len = strlen(buf);
      return KERR_OK;
    }
    session_wipe_bytes(buf, cap);
    free(buf);
  }
  return KERR_LIMIT;
}

void form_json_free(char *json, size_t len) {
  if (!json)
    return;
  session_wipe_bytes(json, len);
  free(json);
}

/* ---- values out --------------------------------------------------------- */

static cJSON *raw_num(int64_t scaled, int decimals) {
  char buf[48];
  expr_num_format(scaled, decimals, buf, sizeof buf);
  return cJSON_CreateRaw(buf);
}

static cJSON *b64(const unsigned char *p, size_t n) {
  size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
  char *buf = malloc(cap);
  if (!buf)
    return NULL;
  sodium_bin2base64(buf, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
  cJSON *s = cJSON_CreateString(buf);
  session_wipe_bytes(buf, cap);
  free(buf);
  return s;
}

/* The JSON value of one answer; signatures only when with_sig. */
static cJSON *answer_json(const form_field *fd, const form_answer *a,
                          int with_sig) {
  switch (fd->type) {
  case FORM_T_NUMBER:
    return raw_num(a->num, 4);
  case FORM_T_MONEY:
    return raw_num(a->num * 100, 2);
  case FORM_T_BOOLEAN:
    return cJSON_CreateBool(a->num != 0);
  case FORM_T_SIGNATURE:
    return with_sig ? b64(a->blob, a->blob_len) : NULL;
  case FORM_T_MULTI_CHOICE: {
    cJSON *arr = cJSON_CreateArray();
    for (const char *p = a->text; arr && *p;) {
      const char *e = strchr(p, ' ');
      size_t l = e ? (size_t)(e - p) : strlen(p);
      char v[FORM_MAX_ID + 1];
      snprintf(v, sizeof v, "%.*s", (int)l, p);
      cJSON_AddItemToArray(arr, cJSON_CreateString(v));
      p += l;
      while (*p == ' ')
        p++;
    }
    return arr;
  }
  default:
    return cJSON_CreateString(a->text);
  }
}

static cJSON *computed_json(const form *f, const form_computed *cv,
                            int member) {
  expr_value v;
  char sbuf[256];
  if (form_computed_value(f, cv, member, &v, sbuf, sizeof sbuf))
    return NULL;
  switch (v.type) {
  case EXPR_NUM:
    return raw_num(v.num, cv->decimals);
  case EXPR_BOOL:
    return cJSON_CreateBool(v.b);
  default:
    return cJSON_CreateString(sbuf);
  }
}

static int add(cJSON *o, const char *key, cJSON *v) {
  if (!v)
    return 0;
  return cJSON_AddItemToObject(o, key, v) ? 0 : -1;
}

/* The answers object. mode 0: snapshot (signatures inline, no computed
 * values); mode 1: submission (computed values; signatures to `sigs`). */
static cJSON *answers_json(const form *f, int mode, cJSON *sigs) {
  cJSON *o = cJSON_CreateObject();
  if (!o)
    return NULL;
  for (size_t i = 0; i < f->s->n_top; i++) {
    const form_field *t = &f->s->top[i];
    if (!f->asked[i])
      continue;
    if (t->type != FORM_T_REPEAT) {
      const form_answer *a = &f->top[i];
      if (!a->set)
        continue;
      if (mode == 1 && t->type == FORM_T_SIGNATURE) {
        add(sigs, t->id, b64(a->blob, a->blob_len));
        continue;
      }
      add(o, t->id, answer_json(t, a, 1));
      continue;
    }
    const form_group_info *gi = form_group_of(f->s, t);
    const form_group_state *gs = &f->groups[form_group_index(f->s, t)];
    cJSON *arr = cJSON_CreateArray();
    if (!arr)
      break;
    add(o, t->id, arr);
    for (size_t m = 0; m < gs->n; m++) {
      cJSON *e = cJSON_CreateObject();
      if (!e)
        break;
      cJSON_AddItemToArray(arr, e);
      for (size_t k = 0; k < t->n_fields; k++) {
        const form_field *mf = &t->fields[k];
        const form_answer *a = &gs->e[m].a[k];
        if (!gs->e[m].asked[k] || !a->set)
          continue;
        if (mode == 1 && mf->type == FORM_T_SIGNATURE) {
          char key[FORM_MAX_ID * 2 + 24];
          snprintf(key, sizeof key, "%s[%zu].%s", t->id, m, mf->id);
          add(sigs, key, b64(a->blob, a->blob_len));
          continue;
        }
        add(e, mf->id, answer_json(mf, a, 1));
      }
      if (mode == 1)
        for (size_t k = 0; k < gi->n_comp; k++)
          add(e, gi->comp[k].id, computed_json(f, &gi->comp[k], (int)m));
    }
  }
  if (mode == 1)
    for (size_t k = 0; k < f->s->n_comp; k++)
      add(o, f->s->comp[k].id, computed_json(f, &f->s->comp[k], -1));
  return o;
}

/* ---- submission ------------------------------------------------------------ */

/* What the applicant said differently in the screener and kept as the form
 * says (「表里的对」): a display section, so the office sees both answers
 * and knows the applicant confirmed the form's. Nothing when none. */
static int kept_section(const form *f, cJSON *disp) {
  form_conflict kc[FORM_MAX_PREFILL];
  size_t n = form_kept_differences(f, kc, FORM_MAX_PREFILL);
  int r = 0;
  if (n) {
    cJSON *sec = cJSON_CreateObject();
    cJSON *rows = sec ? cJSON_AddArrayToObject(sec, "rows") : NULL;
    if (!rows || !cJSON_AddStringToObject(sec, "section",
                                          form_text(f, "kept_section",
                                                    "和前面回答的问题不一样的地方")))
      r = -1;
    for (size_t i = 0; !r && i < n; i++) {
      char value[320];
      snprintf(value, sizeof value, "%s%s%s%s%s",
               form_text(f, "kept_earlier", "问题时说："), kc[i].earlier,
               form_text(f, "kept_now", "；表上填："), kc[i].now,
               form_text(f, "kept_end", "（申请人确认以表上为准）"));
      cJSON *ro = cJSON_CreateObject();
      if (!ro || !cJSON_AddItemToArray(rows, ro) ||
          !cJSON_AddStringToObject(ro, "label", kc[i].label) ||
          !cJSON_AddStringToObject(ro, "value", value))
        r = -1;
      session_wipe_bytes(value, sizeof value);
    }
    if (sec)
      cJSON_AddItemToArray(disp, sec);
  }
  session_wipe_bytes(kc, sizeof kc);
  return r;
}

/* 1 when item id is one of the form's chosen items. */
static int item_chosen(const form *f, const char *id) {
  for (size_t i = 0; id && i < f->n_items; i++)
    if (strcmp(f->items[i], id) == 0)
      return 1;
  return 0;
}

/* Every attachment well-formed (see form_submission_build). */
static int attachments_ok(const form *f, const form_attachment *att,
                          size_t n) {
  if (n > FORM_MAX_ATTACHMENTS || (n && !att))
    return 0;
  for (size_t i = 0; i < n; i++) {
    const form_attachment *a = &att[i];
    if (!a->items || a->n_items == 0 || a->n_items > FORM_MAX_ITEMS ||
        !a->material || !a->material[0] || a->page < 1 || a->width < 1 ||
        a->height < 1 || !a->jpeg || a->len < 3 || a->jpeg[0] != 0xFF ||
        a->jpeg[1] != 0xD8 || a->jpeg[2] != 0xFF)
      return 0;
    for (size_t k = 0; k < a->n_items; k++)
      if (!item_chosen(f, a->items[k]))
        return 0;
  }
  return 1;
}

/* "attachments": the pages photographed, in the order given. */
static int attachments_json(const form_attachment *att, size_t n,
                            cJSON *doc) {
  cJSON *arr = cJSON_AddArrayToObject(doc, "attachments");
  if (!arr)
    return -1;
  for (size_t i = 0; i < n; i++) {
    const form_attachment *a = &att[i];
    cJSON *o = cJSON_CreateObject();
    cJSON *items = o ? cJSON_AddArrayToObject(o, "items") : NULL;
    if (!o || !cJSON_AddItemToArray(arr, o) || !items)
      return -1;
    for (size_t k = 0; k < a->n_items; k++)
      if (!cJSON_AddItemToArray(items, cJSON_CreateString(a->items[k])))
        return -1;
    cJSON *data = b64(a->jpeg, a->len);
    if (!cJSON_AddStringToObject(o, "material", a->material) ||
        !cJSON_AddNumberToObject(o, "page", a->page) ||
        !cJSON_AddStringToObject(o, "type", "image/jpeg") ||
        !cJSON_AddNumberToObject(o, "width", a->width) ||
        !cJSON_AddNumberToObject(o, "height", a->height) || !data ||
        !cJSON_AddItemToObject(o, "data", data)) {
      tree_delete(data);
      return -1;
    }
  }
  return 0;
}

kerr form_submission_build(const form *f, const form_submission_meta *meta,
                           char **out, size_t *len) {
  return form_submission_build_with(f, meta, NULL, 0, out, len);
}

kerr form_submission_build_with(const form *f,
                                const form_submission_meta *meta,
                                const form_attachment *att, size_t n_att,
                                char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (!meta || !meta->uuid || !*meta->uuid || !meta->reference ||
      !*meta->reference || !meta->region || !*meta->region)
    return KERR_INVALID;
  if (!form_complete(f))
    return KERR_STATE;
  if (!attachments_ok(f, att, n_att))
    return KERR_INVALID;
  if (sodium_init() < 0)
    return KERR_INTERNAL;
  kerr r = KERR_NOMEM;
  form_review rv = {0};
  cJSON *doc = cJSON_CreateObject();
  if (!doc)
    return KERR_NOMEM;
  cJSON_AddNumberToObject(doc, "schema_version", 1);
  cJSON_AddStringToObject(doc, "uuid", meta->uuid);
  cJSON_AddStringToObject(doc, "reference", meta->reference);
  cJSON_AddStringToObject(doc, "region", meta->region);
  /* Only a referral says what it is: an application without "kind" is
   * what every kiosk before referrals sent. */
  if (strcmp(f->s->kind, FORM_KIND_APPLICATION) != 0)
    cJSON_AddStringToObject(doc, "kind", f->s->kind);
  cJSON *items = cJSON_AddArrayToObject(doc, "items");
  cJSON *names = cJSON_AddArrayToObject(doc, "item_names");
  if (!items || !names)
    goto out;
  for (size_t i = 0; i < f->n_items; i++) {
    const content_item *it = f->c ? content_item_find(f->c, f->items[i]) : NULL;
    cJSON_AddItemToArray(items, cJSON_CreateString(f->items[i]));
    cJSON_AddItemToArray(names, cJSON_CreateString(it ? it->name : f->items[i]));
  }
  if (!cJSON_AddBoolToObject(doc, "urgent", form_urgent(f)))
    goto out;
  cJSON *sigs = cJSON_CreateObject();
  cJSON *ans = sigs ? answers_json(f, 1, sigs) : NULL;
  if (!ans) {
    cJSON_Delete(sigs);
    goto out;
  }
  cJSON_AddItemToObject(doc, "answers", ans);
  cJSON *disp = cJSON_AddArrayToObject(doc, "display");
  if (!disp || form_review_build(f, &rv)) {
    cJSON_Delete(sigs);
    goto out;
  }
  cJSON *sec = NULL, *srows = NULL;
  const char *cur = NULL;
  for (size_t i = 0; i < rv.n; i++) {
    const form_review_row *row = &rv.rows[i];
    if (row->field && row->field->type == FORM_T_REPEAT)
      continue; /* the count row; members follow */
    if (!sec || row->section_title != cur) {
      sec = cJSON_CreateObject();
      cJSON_AddItemToArray(disp, sec);
      cJSON_AddStringToObject(sec, "section", row->section_title);
      srows = cJSON_AddArrayToObject(sec, "rows");
      cur = row->section_title;
    }
    cJSON *ro = cJSON_CreateObject();
    cJSON_AddItemToArray(srows, ro);
    cJSON_AddStringToObject(ro, "label", row->label);
    cJSON_AddStringToObject(ro, "value", row->value);
  }
  if (kept_section(f, disp))
    goto out_sigs;
  cJSON_AddItemToObject(doc, "signatures", sigs);
  if (meta->assisted_by)
    cJSON_AddStringToObject(doc, "assisted_by", meta->assisted_by);
  else
    cJSON_AddNullToObject(doc, "assisted_by");
  if (n_att && attachments_json(att, n_att, doc))
    goto out;
  r = print_owned(doc, out, len);
  goto out;
out_sigs:
  tree_delete(sigs);
out:
  form_review_free(&rv);
  tree_delete(doc);
  return r;
}

/* ---- snapshot and restore ------------------------------------------------- */

static void confirmed_list(const form *f, cJSON *arr) {
  char key[FORM_MAX_ID * 2 + 24];
  for (size_t i = 0; i < f->s->n_top; i++) {
    const form_field *t = &f->s->top[i];
    if (!f->asked[i])
      continue;
    if (t->type != FORM_T_REPEAT) {
      if (f->top[i].set && f->top[i].confirmed)
        cJSON_AddItemToArray(arr, cJSON_CreateString(t->id));
      continue;
    }
    const form_group_state *gs = &f->groups[form_group_index(f->s, t)];
    for (size_t m = 0; m < gs->n; m++)
      for (size_t k = 0; k < t->n_fields; k++)
        if (gs->e[m].a[k].set && gs->e[m].a[k].confirmed) {
          snprintf(key, sizeof key, "%s[%zu].%s", t->id, m, t->fields[k].id);
          cJSON_AddItemToArray(arr, cJSON_CreateString(key));
        }
  }
}

kerr form_snapshot(const form *f, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (sodium_init() < 0)
    return KERR_INTERNAL;
  kerr r = KERR_NOMEM;
  cJSON *doc = cJSON_CreateObject();
  if (!doc)
    return KERR_NOMEM;
  cJSON_AddNumberToObject(doc, "format", SNAPSHOT_FORMAT);
  cJSON *items = cJSON_AddArrayToObject(doc, "items");
  for (size_t i = 0; items && i < f->n_items; i++)
    cJSON_AddItemToArray(items, cJSON_CreateString(f->items[i]));
  cJSON *ans = answers_json(f, 0, NULL);
  if (!ans)
    goto out;
  cJSON_AddItemToObject(doc, "answers", ans);
  cJSON *conf = cJSON_AddArrayToObject(doc, "confirmed");
  if (!conf)
    goto out;
  confirmed_list(f, conf);
  if (form_prefill_save(f, doc))
    goto out;
  cJSON *cur = cJSON_AddObjectToObject(doc, "cursor");
  if (!cur)
    goto out;
  if (f->cur.review) {
    cJSON_AddBoolToObject(cur, "review", 1);
  } else {
    const form_field *t = &f->s->top[f->cur.top];
    const form_field *fd =
        t->type == FORM_T_REPEAT && f->cur.member >= 0 ? &t->fields[f->cur.sub] : t;
    cJSON_AddStringToObject(cur, "field", fd->id);
    cJSON_AddNumberToObject(cur, "member", f->cur.member);
  }
  r = print_owned(doc, out, len);
out:
  tree_delete(doc);
  return r;
}

/* ---- loading answers -------------------------------------------------------- */

/* Stores one JSON value into a field (f->loading: no settling). */
static kerr load_value(form *f, const form_field *fd, int member,
                       const cJSON *v) {
  form_answer *a = form_slot(f, fd, member);
  form_result res;
  const char *bad = form_text(f, "type", "这一项填写的内容类型不对。");
  kerr r = KERR_OK;
  if (!a)
    return KERR_OK;
  if (cJSON_IsNull(v)) {
    form_answer_wipe(a);
    return KERR_OK;
  }
  switch (fd->type) {
  case FORM_T_BOOLEAN:
    if (!cJSON_IsBool(v))
      break;
    return form_set_bool(f, fd, member, cJSON_IsTrue(v), &res);
  case FORM_T_SIGNATURE: {
    if (!cJSON_IsString(v))
      break;
    size_t n = strlen(v->valuestring), cap = n / 4 * 3 + 3, got = 0;
    if (n > 2 * FORM_MAX_SIGNATURE) {
      form_set_invalid(f, fd, member, bad);
      return KERR_OK;
    }
    unsigned char *bin = malloc(cap);
    if (!bin)
      return KERR_NOMEM;
    if (sodium_base642bin(bin, cap, v->valuestring, n, " \n\r", &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
      got = 0;
    r = form_set_signature(f, fd, member, bin, got, &res);
    session_wipe_bytes(bin, cap);
    free(bin);
    return r;
  }
  case FORM_T_MULTI_CHOICE:
    if (cJSON_IsArray(v)) {
      const char *vals[FORM_MAX_CHOICES];
      size_t n = 0;
      for (const cJSON *j = v->child; j; j = j->next) {
        if (!cJSON_IsString(j) || n == FORM_MAX_CHOICES) {
          form_set_invalid(f, fd, member, bad);
          return KERR_OK;
        }
        vals[n++] = j->valuestring;
      }
      return form_set_choices(f, fd, member, vals, n, &res);
    }
    break;
  case FORM_T_NUMBER:
  case FORM_T_MONEY:
    if (cJSON_IsNumber(v)) {
      int64_t scaled;
      if (expr_num_from_double(v->valuedouble, &scaled)) {
        form_set_invalid(f, fd, member, bad);
        return KERR_OK;
      }
      return form_set_scaled(f, fd, member, scaled, &res);
    }
    break;
  default:
    break;
  }
  if (!cJSON_IsString(v) || fd->type == FORM_T_BOOLEAN ||
      fd->type == FORM_T_SIGNATURE) {
    form_set_invalid(f, fd, member, bad);
    return KERR_OK;
  }
  return form_set_text(f, fd, member, v->valuestring, strlen(v->valuestring),
                       &res);
}

static size_t count_set(const form *f) {
  size_t n = 0;
  for (size_t i = 0; i < f->s->n_top; i++)
    n += f->top[i].set != 0;
  for (size_t g = 0; g < f->s->n_grp; g++)
    for (size_t m = 0; m < f->groups[g].n; m++)
      for (size_t k = 0; k < f->s->grp[g].n_fields; k++)
        n += f->groups[g].e[m].a[k].set != 0;
  return n;
}

/* Marks an answer confirmed from a key "field" or "group[m].field". */
static void confirm_key(form *f, const char *key) {
  char id[FORM_MAX_ID + 1], sub[FORM_MAX_ID + 1];
  unsigned m;
  form_answer *a = NULL;
  if (sscanf(key, "%40[a-z0-9_][%u].%40[a-z0-9_]", id, &m, sub) == 3) {
    const form_field *fd = form_schema_field_find(f->s, sub);
    if (fd && fd->group && strcmp(fd->group->id, id) == 0 && m < FORM_MAX_MEMBERS)
      a = form_slot(f, fd, (int)m);
  } else {
    const form_field *fd = form_schema_field_find(f->s, key);
    if (fd && !fd->group)
      a = form_slot(f, fd, -1);
  }
  if (a && a->set)
    a->confirmed = 1;
}

kerr form_answers_load(form *f, const cJSON *answers, const cJSON *confirmed,
                       size_t *ignored) {
  size_t unknown = 0, stored;
  kerr r = KERR_OK;
  if (ignored)
    *ignored = 0;
  if (!cJSON_IsObject(answers))
    return KERR_INVALID;
  /* Values are stored whatever is asked at the moment (a condition may read
   * a value further down the document); relevance is settled once, at the
   * end, and drops what is not asked. */
  f->loading = 1;
  for (const cJSON *j = answers->child; j && !r; j = j->next) {
    const form_field *fd = form_schema_field_find(f->s, j->string);
    if (!fd || fd->group) {
      unknown++;
      continue;
    }
    if (fd->type != FORM_T_REPEAT) {
      r = load_value(f, fd, -1, j);
      continue;
    }
    if (!cJSON_IsArray(j)) {
      unknown++;
      continue;
    }
    form_group_state *gs = &f->groups[form_group_index(f->s, fd)];
    for (size_t m = 0; m < gs->n; m++)
      form_entry_wipe(&gs->e[m], fd->n_fields);
    gs->n = 0;
    for (const cJSON *e = j->child; e && !r; e = e->next) {
      size_t m;
      if (!cJSON_IsObject(e) || gs->n >= fd->max_entries) {
        unknown++;
        continue;
      }
      r = form_group_add(f, fd, &m);
      for (const cJSON *v = e->child; v && !r; v = v->next) {
        const form_field *mf = NULL;
        for (size_t k = 0; k < fd->n_fields; k++)
          if (strcmp(fd->fields[k].id, v->string) == 0)
            mf = &fd->fields[k];
        if (!mf) {
          unknown++;
          continue;
        }
        r = load_value(f, mf, (int)m, v);
      }
    }
  }
  f->loading = 0;
  stored = count_set(f);
  form_settle(f);
  if (ignored)
    *ignored = unknown + (stored - count_set(f));
  for (const cJSON *c = cJSON_IsArray(confirmed) ? confirmed->child : NULL; c;
       c = c->next)
    if (cJSON_IsString(c))
      confirm_key(f, c->valuestring);
  return r == KERR_STATE ? KERR_OK : r;
}

kerr form_restore(const form_schema *s, const content *c, const char *json,
                  size_t len, const validate_date *today, form **out) {
  *out = NULL;
  json_limits lim = {FORM_MAX_ANSWERS_BYTES, 8, 2u * FORM_MAX_SIGNATURE, 400};
  cJSON *doc = NULL;
  kerr r = json_limits_parse(json, len, &lim, &doc, NULL);
  if (r)
    return r;
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");
  const cJSON *ans = cJSON_GetObjectItemCaseSensitive(doc, "answers");
  const char *ids[FORM_MAX_ITEMS];
  size_t n = 0;
  form *f = NULL;
  r = KERR_PARSE;
  if (!cJSON_IsNumber(fmt) || fmt->valuedouble != SNAPSHOT_FORMAT ||
      !cJSON_IsArray(items) || !cJSON_IsObject(ans))
    goto out;
  for (const cJSON *j = items->child; j; j = j->next) {
    if (!cJSON_IsString(j))
      goto out;
    if (n == FORM_MAX_ITEMS) {
      r = KERR_LIMIT;
      goto out;
    }
    ids[n++] = j->valuestring;
  }
  r = form_create(s, c, ids, n, today, &f);
  if (r)
    goto out;
  r = form_answers_load(f, ans, cJSON_GetObjectItemCaseSensitive(doc, "confirmed"),
                        NULL);
  if (!r)
    r = form_prefill_load(f, doc);
  if (r)
    goto out;
  const cJSON *cur = cJSON_GetObjectItemCaseSensitive(doc, "cursor");
  const cJSON *field = cJSON_GetObjectItemCaseSensitive(cur, "field");
  const cJSON *member = cJSON_GetObjectItemCaseSensitive(cur, "member");
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cur, "review"))) {
    form_goto_review(f);
  } else if (cJSON_IsString(field)) {
    const form_field *fd = form_schema_field_find(s, field->valuestring);
    int m = cJSON_IsNumber(member) ? (int)member->valuedouble : -1;
    if (fd && fd->type == FORM_T_REPEAT)
      m = -1;
    if (fd && form_jump(f, fd->id, m) == KERR_OK)
      f->cur.return_to_review = 0;
  }
  *out = f;
  f = NULL;
  r = KERR_OK;
out:
  form_destroy(f);
  tree_delete(doc);
  return r;
}
