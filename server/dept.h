/* dept: which department handles each assistance item, and the names of
 * the progress statuses.
 *
 * The one window receives every application; each item is then handled by
 * its department (民政, 医保, 教育, 住建, 人社, 残联, 应急管理). The table is
 * small and changes rarely; an item the table does not know goes to 民政,
 * which runs the window and passes it on. */
#ifndef SERVER_DEPT_H
#define SERVER_DEPT_H

/* The department (Simplified Chinese) for an item id; never NULL. */
const char *dept_for_item(const char *item_id);

/* The Chinese label of a status code ("accepted" -> "受理"), or NULL if the
 * code is not one of the protocol's statuses. */
const char *dept_status_label(const char *status);

/* 1 if staff may set this status (every status except "submitted"). */
int dept_status_settable(const char *status);

#endif
