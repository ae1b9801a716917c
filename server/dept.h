/* dept: a county's departments, the items each handles, and each item's
 * name, legal time limit and publicity step.
 *
 * The one window (民政所窗口) receives every application; each item is
 * then handled by the departments that list it (民政, 医保, 教育, 住建,
 * 人社, 残联, 应急管理; an item may be handled jointly by two). The table
 * comes from a departments file (JSON, `departments` in the server
 * configuration) or, without one, from the shipped server/departments.json
 * built into the binary. An item no department lists goes to the default
 * department, which passes it on.
 *
 * A table is immutable once loaded and safe to share between threads. */
#ifndef SERVER_DEPT_H
#define SERVER_DEPT_H

#include <stddef.h>

#include "kiosk/core/kerr.h"

typedef struct dept_table dept_table;

enum {
  DEPT_ID_MAX = 32,   /* department id: a-z 0-9 _ - */
  DEPT_MAX = 64,      /* departments in a table */
  DEPT_ITEMS_MAX = 64 /* items in a table */
};

/* Parses a departments file's text (n bytes). *out is the caller's
 * (dept_table_destroy). KERR_INVALID with a reason in msg when it is not a
 * valid table. */
kerr dept_table_parse(const char *text, size_t n, dept_table **out, char *msg,
                      size_t cap);

/* Reads and parses the file at path; path NULL = the built-in default.
 * KERR_IO/KERR_NOTFOUND if it cannot be read, else as dept_table_parse
 * (msg then names the file). */
kerr dept_table_load(const char *path, dept_table **out, char *msg,
                     size_t cap);

/* NULL is fine. */
void dept_table_destroy(dept_table *t);

/* The names of the departments handling item_id, joined with "、"
 * ("残联、县民政局"); the default department for an unknown item. Borrowed
 * from the table; never NULL. */
const char *dept_for_item(const dept_table *t, const char *item_id);

/* 1 if department dept_id handles item_id (an unknown item: if dept_id is
 * the default department). */
int dept_handles(const dept_table *t, const char *dept_id,
                 const char *item_id);

/* A department's name, or NULL if the id is unknown. */
const char *dept_name(const dept_table *t, const char *dept_id);

/* Number of departments, and the i-th one's id and name (borrowed). */
size_t dept_count(const dept_table *t);
void dept_at(const dept_table *t, size_t i, const char **id,
             const char **name);

/* Number of items the table knows (listed by a department or given
 * settings), and the i-th one's id and name (NULL when none). */
size_t dept_item_count(const dept_table *t);
void dept_item_at(const dept_table *t, size_t i, const char **id,
                  const char **name);

/* The item's Chinese name from the table, or NULL if unknown. */
const char *dept_item_name(const dept_table *t, const char *item_id);

/* The item's legal time limit in working days; 0 = none configured. */
int dept_item_limit(const dept_table *t, const char *item_id);

/* 1 if the item has a publicity (公示) step. */
int dept_item_notice(const dept_table *t, const char *item_id);

#endif
