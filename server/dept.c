/* dept: see dept.h. Tables are small (tens of departments and items), so
 * lookups are linear. */
#include "dept.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kiosk/core/fsutil.h"

/* server/departments.json, embedded by embed_text.cmake. */
extern const unsigned char dept_default_json[];

enum { DEPT_FILE_MAX = 256 * 1024, DEPT_NAME_MAX = 64 };

typedef struct dept_item {
  char id[DEPT_ID_MAX + 1];
  char name[128];
  int limit;
  int notice;
  char handlers[DEPT_NAME_MAX * 4]; /* department names joined by 、 */
} dept_item;

typedef struct dept {
  char id[DEPT_ID_MAX + 1];
  char name[DEPT_NAME_MAX + 1];
  char (*items)[DEPT_ID_MAX + 1];
  size_t n_items;
} dept;

struct dept_table {
  dept depts[DEPT_MAX];
  size_t n;
  dept_item items[DEPT_ITEMS_MAX];
  size_t n_items;
  size_t def; /* index of the default department */
};

static int id_ok(const char *s) {
  size_t n = strlen(s);
  return n > 0 && n <= DEPT_ID_MAX &&
         strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

void dept_table_destroy(dept_table *t) {
  if (!t)
    return;
  for (size_t i = 0; i < t->n; i++)
    free(t->depts[i].items);
  free(t);
}

static const dept *find_dept(const dept_table *t, const char *id) {
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->depts[i].id, id) == 0)
      return &t->depts[i];
  return NULL;
}

static const dept_item *find_item(const dept_table *t, const char *id) {
  for (size_t i = 0; i < t->n_items; i++)
    if (strcmp(t->items[i].id, id) == 0)
      return &t->items[i];
  return NULL;
}

static int lists(const dept *d, const char *item) {
  for (size_t i = 0; i < d->n_items; i++)
    if (strcmp(d->items[i], item) == 0)
      return 1;
  return 0;
}

#define FAIL(...)                                                              \
  do {                                                                         \
    snprintf(msg, cap, __VA_ARGS__);                                           \
    goto bad;                                                                  \
  } while (0)

kerr dept_table_parse(const char *text, size_t n, dept_table **out, char *msg,
                      size_t cap) {
  cJSON *j = cJSON_ParseWithLength(text, n);
  dept_table *t = calloc(1, sizeof *t);
  const cJSON *e;
  if (!t) {
    cJSON_Delete(j);
    return KERR_NOMEM;
  }
  if (!cJSON_IsObject(j))
    FAIL("not a JSON object");
  const cJSON *ds = cJSON_GetObjectItemCaseSensitive(j, "departments");
  if (!cJSON_IsArray(ds) || cJSON_GetArraySize(ds) < 1 ||
      cJSON_GetArraySize(ds) > DEPT_MAX)
    FAIL("departments must be an array of 1 to %d departments", DEPT_MAX);
  cJSON_ArrayForEach(e, ds) {
    dept *d = &t->depts[t->n];
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(e, "id"));
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(e, "name"));
    const cJSON *its = cJSON_GetObjectItemCaseSensitive(e, "items");
    if (!id || !id_ok(id))
      FAIL("department %zu: id must be 1-%d of a-z 0-9 _ -", t->n + 1,
           DEPT_ID_MAX);
    if (find_dept(t, id))
      FAIL("department %s is listed twice", id);
    if (!name || !name[0] || strlen(name) > DEPT_NAME_MAX)
      FAIL("department %s: name must be 1-%d bytes", id, DEPT_NAME_MAX);
    if (!cJSON_IsArray(its) || cJSON_GetArraySize(its) > DEPT_ITEMS_MAX)
      FAIL("department %s: items must be an array of item ids", id);
    snprintf(d->id, sizeof d->id, "%s", id);
    snprintf(d->name, sizeof d->name, "%s", name);
    d->items = calloc((size_t)cJSON_GetArraySize(its) + 1, sizeof *d->items);
    if (!d->items)
      FAIL("out of memory");
    t->n++;
    const cJSON *it;
    cJSON_ArrayForEach(it, its) {
      if (!cJSON_IsString(it) || !id_ok(it->valuestring))
        FAIL("department %s: item ids must be 1-%d of a-z 0-9 _ -", id,
             DEPT_ID_MAX);
      snprintf(d->items[d->n_items++], DEPT_ID_MAX + 1, "%s",
               it->valuestring);
    }
  }
  const char *def =
      cJSON_GetStringValue(cJSON_GetObjectItem(j, "default_department"));
  const dept *dd = def ? find_dept(t, def) : NULL;
  if (!dd)
    FAIL("default_department must name one of the departments");
  t->def = (size_t)(dd - t->depts);
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
  if (items && !cJSON_IsObject(items))
    FAIL("items must be an object of item id -> settings");
  cJSON_ArrayForEach(e, items) {
    if (t->n_items >= DEPT_ITEMS_MAX)
      FAIL("more than %d items", DEPT_ITEMS_MAX);
    if (!id_ok(e->string))
      FAIL("item ids must be 1-%d of a-z 0-9 _ -", DEPT_ID_MAX);
    dept_item *di = &t->items[t->n_items++];
    snprintf(di->id, sizeof di->id, "%s", e->string);
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(e, "name"));
    const cJSON *lim = cJSON_GetObjectItemCaseSensitive(e, "time_limit_days");
    const cJSON *notice = cJSON_GetObjectItemCaseSensitive(e, "notice");
    if (name)
      snprintf(di->name, sizeof di->name, "%s", name);
    if (lim && (!cJSON_IsNumber(lim) || lim->valuedouble < 0 ||
                lim->valuedouble > 365 ||
                lim->valuedouble != (double)(int)lim->valuedouble))
      FAIL("item %s: time_limit_days must be a whole number 0-365",
           di->id);
    di->limit = lim ? lim->valueint : 0;
    if (notice && !cJSON_IsBool(notice))
      FAIL("item %s: notice must be true or false", di->id);
    di->notice = cJSON_IsTrue(notice);
  }
  /* Items a department lists without settings get an entry of their own,
   * so every listed item has its handler names. */
  for (size_t k = 0; k < t->n; k++)
    for (size_t i = 0; i < t->depts[k].n_items; i++) {
      if (find_item(t, t->depts[k].items[i]))
        continue;
      if (t->n_items >= DEPT_ITEMS_MAX)
        FAIL("more than %d items", DEPT_ITEMS_MAX);
      snprintf(t->items[t->n_items++].id, DEPT_ID_MAX + 1, "%s",
               t->depts[k].items[i]);
    }
  /* Each item's handler names, in department order. */
  for (size_t i = 0; i < t->n_items; i++) {
    dept_item *di = &t->items[i];
    for (size_t k = 0; k < t->n; k++) {
      if (!lists(&t->depts[k], di->id))
        continue;
      size_t used = strlen(di->handlers);
      snprintf(di->handlers + used, sizeof di->handlers - used, "%s%s",
               used ? "、" : "", t->depts[k].name);
    }
    if (!di->handlers[0])
      snprintf(di->handlers, sizeof di->handlers, "%s", t->depts[t->def].name);
  }
  cJSON_Delete(j);
  *out = t;
  return KERR_OK;
bad:
  cJSON_Delete(j);
  dept_table_destroy(t);
  return KERR_INVALID;
}

kerr dept_table_load(const char *path, dept_table **out, char *msg,
                     size_t cap) {
  char m[200];
  if (!path)
    return dept_table_parse((const char *)dept_default_json,
                            strlen((const char *)dept_default_json), out, msg,
                            cap);
  char *buf = NULL;
  size_t n = 0;
  kerr rerr = fs_read_file(path, DEPT_FILE_MAX, &buf, &n);
  if (rerr) {
    snprintf(msg, cap, "%s: %s", path,
             rerr == KERR_LIMIT ? "too big"
             : rerr == KERR_NOTFOUND || rerr == KERR_IO ? strerror(errno)
                                                        : kerr_str(rerr));
    return rerr;
  }
  kerr err = dept_table_parse(buf, n, out, m, sizeof m);
  free(buf);
  if (err)
    snprintf(msg, cap, "%s: %s", path, m);
  return err;
}

const char *dept_for_item(const dept_table *t, const char *item_id) {
  const dept_item *di = find_item(t, item_id);
  if (di)
    return di->handlers;
  for (size_t k = 0; k < t->n; k++)
    if (lists(&t->depts[k], item_id))
      return t->depts[k].name;
  return t->depts[t->def].name;
}

int dept_handles(const dept_table *t, const char *dept_id,
                 const char *item_id) {
  const dept *d = find_dept(t, dept_id);
  if (!d)
    return 0;
  if (lists(d, item_id))
    return 1;
  for (size_t k = 0; k < t->n; k++)
    if (lists(&t->depts[k], item_id))
      return 0;
  return d == &t->depts[t->def];
}

const char *dept_name(const dept_table *t, const char *dept_id) {
  const dept *d = find_dept(t, dept_id);
  return d ? d->name : NULL;
}

size_t dept_count(const dept_table *t) { return t->n; }

void dept_at(const dept_table *t, size_t i, const char **id,
             const char **name) {
  *id = t->depts[i].id;
  *name = t->depts[i].name;
}

const char *dept_item_name(const dept_table *t, const char *item_id) {
  const dept_item *di = find_item(t, item_id);
  return di && di->name[0] ? di->name : NULL;
}

int dept_item_limit(const dept_table *t, const char *item_id) {
  const dept_item *di = find_item(t, item_id);
  return di ? di->limit : 0;
}

int dept_item_notice(const dept_table *t, const char *item_id) {
  const dept_item *di = find_item(t, item_id);
  return di ? di->notice : 0;
}

size_t dept_item_count(const dept_table *t) { return t->n_items; }

void dept_item_at(const dept_table *t, size_t i, const char **id,
                  const char **name) {
  *id = t->items[i].id;
  *name = t->items[i].name[0] ? t->items[i].name : NULL;
}
