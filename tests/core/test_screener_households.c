/* screener households: every file of tests/data/screener/ run through the
 * shipped bundle (assets/bundle: screener.json, the region's standards,
 * the catalogue's names), and its "expect" checked:
 *
 *   "likely":          items that must be under 可能适用
 *   "not_likely":      items that must not be (they are under 也可以了解)
 *   "preselected":     likely items chosen on the list at once
 *   "not_preselected": likely items listed but not chosen (an alternative
 *                      comes first; they say which in one sentence)
 *   "reasons":         {"item": ["text the item's reasons must contain"]}
 *
 * A household's "standards" are what-if figures for what the region has
 * not published (screener_standards_what_if). The file format is in
 * docs/screener.md. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/content.h"
#include "core/screener.h"

#define BUNDLE KIOSK_SOURCE_DIR "/assets/bundle"
#define HOUSEHOLDS KIOSK_TEST_DATA "/screener"

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = calloc(1, 1 << 20);
  size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
  (void)n;
  fclose(f);
  return buf;
}

static const screener_match *find(const screener_results *r, const char *id) {
  for (size_t i = 0; i < r->n_likely; i++)
    if (strcmp(r->likely[i].item, id) == 0)
      return &r->likely[i];
  return NULL;
}

/* All reasons of m as the list shows them: the defer sentence first. */
static int says(const content *c, const screener_match *m, const char *text) {
  if (!m)
    return 0;
  if (m->defer_to) {
    char why[SCREENER_MAX_REASON];
    const content_item *f = content_item_find(c, m->defer_to);
    screener_defer_text(m, f ? f->name : m->defer_to, why, sizeof why);
    if (strstr(why, text))
      return 1;
  }
  for (size_t k = 0; k < m->n_reasons; k++)
    if (strstr(m->reasons[k], text))
      return 1;
  return 0;
}

static void fail(const char *file, const char *what, const char *item) {
  fprintf(stderr, "  %s: %s %s\n", file, what, item);
}

static void check_items(const char *file, const cJSON *list,
                        const screener_results *r, int want_likely,
                        int preselect) {
  const cJSON *it;
  cJSON_ArrayForEach(it, list) {
    const char *id = cJSON_IsString(it) ? it->valuestring : "?";
    const screener_match *m = find(r, id);
    int ok = preselect < 0 ? (m != NULL) == want_likely
                           : m && (m->defer_to == NULL) == preselect;
    CHECK(ok);
    if (!ok)
      fail(file,
           preselect < 0 ? (want_likely ? "not likely:" : "likely:")
                         : (preselect ? "not pre-selected:" : "pre-selected:"),
           id);
  }
}

static void run_one(const content *c, const screener *s, const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", HOUSEHOLDS, name);
  char *text = slurp(path);
  cJSON *doc = text ? cJSON_Parse(text) : NULL;
  CHECK(doc != NULL);
  if (!doc) {
    fail(name, "unreadable", "");
    free(text);
    return;
  }
  const cJSON *code = cJSON_GetObjectItemCaseSensitive(doc, "region");
  const content_region *reg =
      content_region_find(c, cJSON_IsString(code) ? code->valuestring : "");
  CHECK(reg != NULL);
  screener_standards std;
  screener_standards_init(&std);
  const char *bad = NULL;
  CHECK_INT(reg ? screener_standards_from_region(&std, reg, "2025-07-01") : KERR_NOTFOUND,
            KERR_OK);
  CHECK_INT(screener_standards_what_if(
                &std, reg, cJSON_GetObjectItemCaseSensitive(doc, "standards"),
                &bad),
            KERR_OK);
  validate_date today = {2025, 7, 1};
  screener_results r;
  CHECK_INT(screener_run(s, cJSON_GetObjectItemCaseSensitive(doc, "answers"),
                         &std, &today, &r),
            KERR_OK);
  printf("%s:", name);
  for (size_t i = 0; i < r.n_likely; i++)
    printf(" %s%s", r.likely[i].item, r.likely[i].defer_to ? "(-)" : "");
  printf("\n");

  const cJSON *ex = cJSON_GetObjectItemCaseSensitive(doc, "expect");
  CHECK(cJSON_IsObject(ex)); /* a household without expectations tests nothing */
  check_items(name, cJSON_GetObjectItemCaseSensitive(ex, "likely"), &r, 1, -1);
  check_items(name, cJSON_GetObjectItemCaseSensitive(ex, "not_likely"), &r, 0,
              -1);
  check_items(name, cJSON_GetObjectItemCaseSensitive(ex, "preselected"), &r, 1,
              1);
  check_items(name, cJSON_GetObjectItemCaseSensitive(ex, "not_preselected"),
              &r, 1, 0);
  const cJSON *reasons = cJSON_GetObjectItemCaseSensitive(ex, "reasons");
  const cJSON *item;
  cJSON_ArrayForEach(item, reasons) {
    const cJSON *t;
    cJSON_ArrayForEach(t, item) {
      int ok = cJSON_IsString(t) && says(c, find(&r, item->string),
                                         t->valuestring);
      CHECK(ok);
      if (!ok)
        fail(name, item->string, cJSON_IsString(t) ? t->valuestring : "?");
    }
  }
  /* Two items that exclude each other are never both pre-selected, and a
   * deferred item names one that is. */
  for (size_t i = 0; i < r.n_likely; i++)
    if (r.likely[i].defer_to) {
      const screener_match *f = find(&r, r.likely[i].defer_to);
      CHECK(f && f->defer_to == NULL);
    }
  screener_results_free(&r);
  cJSON_Delete(doc);
  free(text);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
  content *c = NULL;
  content_problems p;
  content_problems_init(&p);
  CHECK_INT(content_load(BUNDLE, &c, &p), KERR_OK);
  screener *s = NULL;
  CHECK_INT(screener_load_file(BUNDLE "/screener.json", &s, &p), KERR_OK);
  if (!c || !s) {
    for (size_t i = 0; i < p.n; i++) {
      char buf[512];
      content_problems_format(&p, i, buf, sizeof buf);
      fprintf(stderr, "%s\n", buf);
    }
    return TEST_DONE();
  }
  CHECK_INT(screener_check_content(s, c, &p), KERR_OK);

  DIR *d = opendir(HOUSEHOLDS);
  CHECK(d != NULL);
  char *names[256];
  size_t n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) && n < 256) {
    size_t l = strlen(e->d_name);
    if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0)
      names[n++] = strdup(e->d_name);
  }
  if (d)
    closedir(d);
  qsort(names, n, sizeof *names, by_name);
  CHECK(n >= 19);
  for (size_t i = 0; i < n; i++) {
    run_one(c, s, names[i]);
    free(names[i]);
  }
  screener_destroy(s);
  content_destroy(c);
  content_problems_free(&p);
  return TEST_DONE();
}
