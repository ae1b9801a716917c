/* One form for every item of the catalogue (docs/form.md, "What each item
 * asks"): tests/data/form/items/<item>.json is the minimal complete
 * application of each item. Each one is complete and asks nothing it does
 * not answer; taking away any single answer (top level or of the first
 * member) makes it incomplete and names that answer; the requirements of
 * form.json name what an item still needs (a child, a pupil, someone with
 * a disability certificate). Synthetic people only. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/form.h"
#include "test_content_util.h"

#define ITEMS_DIR KIOSK_SOURCE_DIR "/tests/data/form/items"

static const validate_date today = {2026, 11, 22};

/* Items of doc "items" into ids (borrowed). */
static size_t items_of(const cJSON *doc, const char **ids, size_t cap) {
  size_t n = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "items")) {
    if (n < cap && cJSON_IsString(it))
      ids[n++] = it->valuestring;
  }
  return n;
}

/* Loads answers into a new form and checks every field. */
static form *load(const form_schema *s, const content *c, const cJSON *doc,
                  const cJSON *answers, form_check_list *l, size_t *ignored) {
  const char *ids[FORM_MAX_ITEMS];
  size_t n = items_of(doc, ids, FORM_MAX_ITEMS);
  form *f = NULL;
  CHECK_INT(form_create(s, c, ids, n, &today, &f), KERR_OK);
  if (!f)
    return NULL;
  CHECK_INT(form_answers_load(f, answers, NULL, ignored), KERR_OK);
  CHECK_INT(form_check_all(f, l), KERR_OK);
  return f;
}

/* The entry of field id (member m, or -1), NULL if it is not asked. */
static const form_check_entry *entry(const form_check_list *l, const char *id,
                                     int m) {
  for (size_t i = 0; i < l->n; i++)
    if (l->a[i].member == m && strcmp(l->a[i].field->id, id) == 0)
      return &l->a[i];
  return NULL;
}

/* Without the answer at key (of obj), the form is incomplete and says
 * which. The answer goes back at the end of obj. */
static void without(const form_schema *s, const content *c, const char *item,
                    const cJSON *doc, cJSON *obj, const char *key, int m) {
  cJSON *answers = cJSON_GetObjectItem(doc, "answers");
  cJSON *taken = cJSON_DetachItemFromObjectCaseSensitive(obj, key);
  form_check_list l;
  form *f = load(s, c, doc, answers, &l, NULL);
  const form_check_entry *e = entry(&l, key, m);
  int named = e && e->result.status == FORM_MISSING;
  if (l.problems == 0 || !named)
    fprintf(stderr, "  %s without %s (member %d): %zu problems, %s\n", item,
            key, m, l.problems, e ? form_status_name(e->result.status) : "absent");
  CHECK(l.problems > 0);
  CHECK(named);
  form_check_list_free(&l);
  form_destroy(f);
  cJSON_AddItemToObject(obj, key, taken);
}

/* tests/data/form/items/<name> parsed (caller deletes), NULL if not. */
static cJSON *load_doc(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", ITEMS_DIR, name);
  char *text = tb_slurp(path, NULL);
  cJSON *doc = text ? cJSON_Parse(text) : NULL;
  free(text);
  CHECK(doc != NULL);
  return doc;
}

static void test_item(const form_schema *s, const content *c, const char *name) {
  cJSON *doc = load_doc(name);
  if (!doc)
    return;
  const char *item = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "items"), 0)
                         ->valuestring;
  cJSON *answers = cJSON_GetObjectItem(doc, "answers");

  /* Complete, and nothing answered that the item does not ask. */
  form_check_list l;
  size_t ignored = 99;
  form *f = load(s, c, doc, answers, &l, &ignored);
  if (l.problems || ignored)
    fprintf(stderr, "  %s: %zu problems, %zu ignored\n", item, l.problems,
            ignored);
  CHECK_INT(l.problems, 0);
  CHECK_INT(ignored, 0);
  CHECK(f && form_complete(f));
  form_check_list_free(&l);
  form_destroy(f);

  /* Minimal: every single answer is needed. Groups are covered by the
   * requirements below and by their members' answers. */
  char *keys[128];
  size_t nk = 0;
  for (cJSON *a = answers->child; a && nk < 128; a = a->next)
    if (!cJSON_IsArray(a) || a->child == NULL || !cJSON_IsObject(a->child))
      keys[nk++] = strdup(a->string);
  for (size_t i = 0; i < nk; i++) {
    without(s, c, item, doc, answers, keys[i], -1);
    free(keys[i]);
  }
  cJSON *m0 = cJSON_GetArrayItem(cJSON_GetObjectItem(answers, "members"), 0);
  nk = 0;
  for (cJSON *a = m0 ? m0->child : NULL; a && nk < 128; a = a->next)
    keys[nk++] = strdup(a->string);
  for (size_t i = 0; i < nk; i++) {
    without(s, c, item, doc, m0, keys[i], 0);
    free(keys[i]);
  }
  cJSON_Delete(doc);
}

/* A requirement: the members' list is named with the item's message. */
static void requirement(const form_schema *s, const content *c,
                        const char *name, void (*edit)(cJSON *answers),
                        const char *says) {
  cJSON *doc = load_doc(name);
  if (!doc)
    return;
  cJSON *answers = cJSON_GetObjectItem(doc, "answers");
  edit(answers);
  form_check_list l;
  form *f = load(s, c, doc, answers, &l, NULL);
  const form_check_entry *e = entry(&l, "members", -1);
  CHECK(e && e->result.status == FORM_CONSTRAINT);
  CHECK(e && strstr(e->result.message, says) != NULL);
  if (l.problems != 1)
    for (size_t i = 0; i < l.n; i++)
      if (l.a[i].result.status != FORM_OK)
        fprintf(stderr, "  %s: %s (member %d): %s\n", name, l.a[i].field->id,
                l.a[i].member, form_status_name(l.a[i].result.status));
  CHECK_INT(l.problems, 1);
  CHECK(f && !form_complete(f));
  /* The review shows it on the members' row, with the same words. */
  form_review rv;
  CHECK_INT(form_review_build(f, &rv), KERR_OK);
  int shown = 0;
  for (size_t i = 0; i < rv.n; i++)
    if (rv.rows[i].field && strcmp(rv.rows[i].field->id, "members") == 0)
      shown = rv.rows[i].status == FORM_CONSTRAINT && rv.rows[i].note &&
              strstr(rv.rows[i].note, says) != NULL;
  CHECK(shown);
  form_review_free(&rv);
  form_check_list_free(&l);
  form_destroy(f);
  cJSON_Delete(doc);
}

static void no_members(cJSON *a) { cJSON_DeleteItemFromObject(a, "members"); }

/* The child is 19: no longer a child, so no child is named. */
static void grown_up(cJSON *a) {
  cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "members"), 0);
  cJSON_ReplaceItemInObject(m, "id_number",
                            cJSON_CreateString("140502200701011237"));
  cJSON_DeleteItemFromObject(m, "father");
  cJSON_DeleteItemFromObject(m, "mother");
  cJSON_ReplaceItemInObject(m, "school", cJSON_CreateString("none"));
}

static void not_at_school(cJSON *a) {
  cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "members"), 0);
  cJSON_ReplaceItemInObject(m, "school", cJSON_CreateString("none"));
  cJSON_DeleteItemFromObject(a, "school_cost_year");
}

static void no_certificate(cJSON *a) {
  cJSON_ReplaceItemInObject(a, "applicant_disabled", cJSON_CreateFalse());
  cJSON_DeleteItemFromObject(a, "applicant_disability_grade");
  cJSON_DeleteItemFromObject(a, "applicant_disability_kind");
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
  content *c = NULL;
  CHECK_INT(content_load(TB_SOURCE, &c, NULL), KERR_OK);
  form_schema *s = NULL;
  CHECK_INT(c ? form_schema_from_content(c, &s, NULL) : KERR_NOTFOUND, KERR_OK);
  if (!s) {
    content_destroy(c);
    return TEST_DONE();
  }
  /* One file per catalogue item, no more, no less. */
  char *names[64];
  size_t n = 0;
  DIR *d = opendir(ITEMS_DIR);
  CHECK(d != NULL);
  for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
    size_t len = strlen(e->d_name);
    if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0 && n < 64)
      names[n++] = strdup(e->d_name);
  }
  if (d)
    closedir(d);
  qsort(names, n, sizeof *names, by_name);
  CHECK_INT(n, content_item_count(c));
  for (size_t i = 0; i < content_item_count(c); i++) {
    char want[64];
    snprintf(want, sizeof want, "%s.json", content_item_at(c, i)->id);
    int found = 0;
    for (size_t k = 0; k < n; k++)
      found |= strcmp(names[k], want) == 0;
    if (!found)
      fprintf(stderr, "  no minimal application %s\n", want);
    CHECK(found);
  }
  for (size_t i = 0; i < n; i++) {
    test_item(s, c, names[i]);
    free(names[i]);
  }

  requirement(s, c, "children.json", no_members, "加上这个孩子");
  requirement(s, c, "children.json", grown_up, "不满18岁");
  requirement(s, c, "education.json", no_members, "正在上学的孩子");
  requirement(s, c, "education.json", not_at_school, "正在上学的孩子");
  requirement(s, c, "disability.json", no_certificate, "持残疾人证的人");

  form_schema_destroy(s);
  content_destroy(c);
  return TEST_DONE();
}
