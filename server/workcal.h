/* workcal: working days, for legal time limits counted in 工作日.
 *
 * Monday to Friday are working days, except the dates a calendar file
 * lists as holidays; Saturdays and Sundays are not, except the dates it
 * lists as adjusted working days (调休上班). The file is JSON:
 *   {"holidays": ["2026-10-01", ...], "workdays": ["2026-09-27", ...]}
 * Days are local days in the system time zone (TZ). A calendar is
 * immutable once loaded and safe to share between threads. */
#ifndef SERVER_WORKCAL_H
#define SERVER_WORKCAL_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/core/kerr.h"

typedef struct workcal workcal;

/* Parses a calendar's text; text NULL = no dates (plain weekdays). *out is
 * the caller's (workcal_destroy). KERR_INVALID with a reason in msg. */
kerr workcal_parse(const char *text, size_t n, workcal **out, char *msg,
                   size_t cap);

/* Reads and parses the file at path; path NULL = no dates. */
kerr workcal_load(const char *path, workcal **out, char *msg, size_t cap);

/* NULL is fine. */
void workcal_destroy(workcal *c);

/* 1 if the local day containing t is a working day. */
int workcal_is_workday(const workcal *c, int64_t t);

/* Working days after the local day of from, up to and including the local
 * day of to (0 when to's day is not after from's). A limit of N working
 * days counted from from is exceeded when this passes N. */
int workcal_days_between(const workcal *c, int64_t from, int64_t to);

#endif
