/* scope: see scope.h. */
#include "scope.h"

#include <string.h>

#include "kiosk/core/session.h"

/* The section of form whose title is title, or NULL. */
static const cJSON *form_section(const cJSON *form, const char *title) {
  const cJSON *s;
  cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(form, "sections")) {
    const char *t =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "title"));
    if (t && strcmp(t, title) == 0)
      return s;
  }
  return NULL;
}

/* 1 if the section is sent whole: the applicant's or the household's. */
static int whole(const cJSON *sec, const char *title) {
  if (sec) {
    const char *id =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(sec, "id"));
    return id && (strcmp(id, "applicant") == 0 ||
                  strcmp(id, "household") == 0);
  }
  return strcmp(title, "申请人") == 0 || strcmp(title, "家里的人") == 0;
}

/* 1 if needed_by (an array of item ids) names one of the reviewer's
 * items, or "*" when star counts. */
static int needed(const cJSON *needed_by, int star, scope_mine_fn mine,
                  void *ud) {
  const cJSON *it;
  cJSON_ArrayForEach(it, needed_by) {
    const char *v = cJSON_GetStringValue(it);
    if (!v)
      continue;
    if (strcmp(v, "*") == 0 ? star : mine(ud, v))
      return 1;
  }
  return 0;
}

/* The field of sec whose review label (or label) is label, or NULL. */
static const cJSON *field_by_label(const cJSON *sec, const char *label) {
  const cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(sec, "fields")) {
    const char *rl = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(f, "review_label"));
    const char *l =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "label"));
    if ((rl && rl[0] && strcmp(rl, label) == 0) ||
        ((!rl || !rl[0]) && l && strcmp(l, label) == 0))
      return f;
  }
  return NULL;
}

/* 1 if a field of sec is needed by one of the reviewer's items. */
static int section_mine(const cJSON *sec, scope_mine_fn mine, void *ud) {
  const cJSON *f;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(sec, "fields")) {
    if (needed(cJSON_GetObjectItemCaseSensitive(f, "needed_by"), 0, mine, ud))
      return 1;
  }
  return 0;
}

static void drop(cJSON *array, cJSON *item) {
  cJSON_DetachItemViaPointer(array, item);
  session_wipe_json(item);
  cJSON_Delete(item);
}

int scope_display(cJSON *display, const cJSON *form, scope_mine_fn mine,
                  void *ud) {
  int removed = 0;
  cJSON *s = display ? display->child : NULL;
  while (s) {
    cJSON *next_s = s->next;
    const char *title =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "section"));
    cJSON *rows = cJSON_GetObjectItemCaseSensitive(s, "rows");
    const cJSON *fs = title && form ? form_section(form, title) : NULL;
    if (title && whole(fs, title)) {
      s = next_s;
      continue;
    }
    int any_mine = fs && section_mine(fs, mine, ud);
    cJSON *r = cJSON_IsArray(rows) ? rows->child : NULL;
    while (r) {
      cJSON *next_r = r->next;
      const char *label =
          cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "label"));
      const cJSON *f = fs && label ? field_by_label(fs, label) : NULL;
      int keep = f ? needed(cJSON_GetObjectItemCaseSensitive(f, "needed_by"),
                            1, mine, ud)
                   : any_mine;
      if (!keep) {
        drop(rows, r);
        removed++;
      }
      r = next_r;
    }
    if (!cJSON_IsArray(rows) || cJSON_GetArraySize(rows) == 0) {
      removed += cJSON_IsArray(rows) ? 0 : 1;
      drop(display, s);
    }
    s = next_s;
  }
  return removed;
}

int scope_page(const cJSON *items, scope_mine_fn mine, void *ud) {
  return cJSON_IsArray(items) && needed(items, 0, mine, ud);
}
