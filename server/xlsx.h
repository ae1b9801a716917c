/* xlsx: a minimal Office Open XML workbook (one sheet of text cells), for
 * the console's table export.
 *
 * The workbook is a ZIP of stored (uncompressed) entries: [Content_Types].xml,
 * _rels/.rels, xl/workbook.xml, xl/_rels/workbook.xml.rels, xl/styles.xml
 * (one bold font for the header row) and xl/worksheets/sheet1.xml, whose
 * cells are inline strings (t="inlineStr"), so no shared-string table is
 * needed. Text is XML-escaped and characters XML 1.0 forbids (control
 * characters other than tab, newline and carriage return; invalid UTF-8)
 * are left out. Every buffer is bounded by the caller's cap. */
#ifndef SERVER_XLSX_H
#define SERVER_XLSX_H

#include <stddef.h>

#include "kiosk/core/kerr.h"

typedef struct xlsx xlsx;

/* A new workbook of ncols columns (at most 26), with column widths in
 * characters (Excel's unit; a Chinese character counts about 2), of at
 * most max_bytes in all. NULL when out of memory. */
xlsx *xlsx_create(size_t ncols, const double *widths, size_t max_bytes);

/* Adds one row of ncols cells (NULL = empty); bold for a header row.
 * KERR_LIMIT past max_bytes, KERR_NOMEM. */
kerr xlsx_row(xlsx *x, const char *const *cells, int bold);

/* Finishes the workbook and hands out the ZIP (malloc'ed, *len bytes);
 * the workbook is destroyed either way. NULL on error. */
unsigned char *xlsx_take(xlsx *x, size_t *len);

/* Frees a workbook not taken. */
void xlsx_destroy(xlsx *x);

#endif
