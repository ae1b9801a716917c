/* xlsx: see xlsx.h. The sheet's XML is built in one bounded buffer as
 * rows come; xlsx_take wraps the parts in a ZIP of stored entries (CRC-32
 * from zlib), which every spreadsheet program reads. Dates in the ZIP
 * headers are a fixed 1980-01-01: the export's time is in its audit
 * record, not in the file. */
#include "xlsx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "kiosk/core/buf.h"

enum { XLSX_MAX_COLS = 26 };

struct xlsx {
  struct buf sheet; /* <row> elements so far */
  size_t ncols;
  double widths[XLSX_MAX_COLS];
  size_t max;
  int rows;
};

xlsx *xlsx_create(size_t ncols, const double *widths, size_t max_bytes) {
  if (ncols == 0 || ncols > XLSX_MAX_COLS)
    return NULL;
  xlsx *x = calloc(1, sizeof *x);
  if (!x)
    return NULL;
  x->ncols = ncols;
  x->max = max_bytes;
  for (size_t i = 0; i < ncols; i++)
    x->widths[i] = widths ? widths[i] : 12;
  buf_init(&x->sheet, max_bytes);
  return x;
}

void xlsx_destroy(xlsx *x) {
  if (!x)
    return;
  buf_free(&x->sheet);
  free(x);
}

/* Length of the valid UTF-8 sequence at p (1-4), 0 if invalid. */
static size_t utf8_len(const unsigned char *p) {
  unsigned c = p[0];
  size_t n;
  uint32_t cp;
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) ||
                  cp == 0xFFFE || cp == 0xFFFF)) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

/* Appends v as XML character data: & < > " escaped, characters XML 1.0
 * forbids and invalid UTF-8 left out. */
static kerr add_text(struct buf *b, const char *v) {
  kerr err = KERR_OK;
  const unsigned char *p = (const unsigned char *)v;
  while (*p && !err) {
    size_t n = utf8_len(p);
    if (n == 0) {
      p++;
      continue;
    }
    if (n == 1) {
      unsigned c = *p;
      if (c == '&')
        err = buf_add_str(b, "&amp;");
      else if (c == '<')
        err = buf_add_str(b, "&lt;");
      else if (c == '>')
        err = buf_add_str(b, "&gt;");
      else if (c == '"')
        err = buf_add_str(b, "&quot;");
      else if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
        err = buf_add(b, p, 1);
    } else {
      err = buf_add(b, p, n);
    }
    p += n;
  }
  return err;
}

kerr xlsx_row(xlsx *x, const char *const *cells, int bold) {
  struct buf *b = &x->sheet;
  kerr err = buf_printf(b, "<row r=\"%d\">", x->rows + 1);
  for (size_t i = 0; i < x->ncols && !err; i++) {
    const char *v = cells[i];
    if (!v || !v[0])
      continue;
    err = buf_printf(b, "<c r=\"%c%d\" t=\"inlineStr\"%s><is><t "
                     "xml:space=\"preserve\">",
                     'A' + (int)i, x->rows + 1, bold ? " s=\"1\"" : "");
    if (!err)
      err = add_text(b, v);
    if (!err)
      err = buf_add_str(b, "</t></is></c>");
  }
  if (!err)
    err = buf_add_str(b, "</row>");
  if (err)
    return err; /* the caller gives the workbook up */
  x->rows++;
  return KERR_OK;
}

/* ---- the ZIP ---- */

typedef struct zip_entry {
  const char *name;
  uint32_t crc;
  uint32_t size;
  uint32_t offset;
} zip_entry;

static kerr put16(struct buf *b, unsigned v) {
  unsigned char c[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
  return buf_add(b, c, 2);
}

static kerr put32(struct buf *b, uint32_t v) {
  unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                        (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
  return buf_add(b, c, 4);
}

/* DOS time 00:00, date 1980-01-01. */
enum { ZIP_TIME = 0, ZIP_DATE = (0 << 9) | (1 << 5) | 1 };

static kerr zip_add(struct buf *z, zip_entry *e, const char *name,
                    const char *data, size_t len) {
  if (len > UINT32_MAX || buf_len(z) > UINT32_MAX)
    return KERR_LIMIT;
  e->name = name;
  e->size = (uint32_t)len;
  e->offset = (uint32_t)buf_len(z);
  uLong crc = crc32(0L, Z_NULL, 0);
  const unsigned char *p = (const unsigned char *)data;
  for (size_t left = len; left;) {
    uInt n = left > 1u << 30 ? 1u << 30 : (uInt)left;
    crc = crc32(crc, p, n);
    p += n;
    left -= n;
  }
  e->crc = (uint32_t)crc;
  kerr err = put32(z, 0x04034b50);
  if (!err) err = put16(z, 20);       /* version needed: 2.0 */
  if (!err) err = put16(z, 1u << 11); /* names are UTF-8 */
  if (!err) err = put16(z, 0);        /* stored */
  if (!err) err = put16(z, ZIP_TIME);
  if (!err) err = put16(z, ZIP_DATE);
  if (!err) err = put32(z, e->crc);
  if (!err) err = put32(z, e->size);
  if (!err) err = put32(z, e->size);
  if (!err) err = put16(z, (unsigned)strlen(name));
  if (!err) err = put16(z, 0);
  if (!err) err = buf_add_str(z, name);
  if (!err) err = buf_add(z, data, len);
  return err;
}

static kerr zip_finish(struct buf *z, const zip_entry *e, size_t n) {
  uint32_t start = (uint32_t)buf_len(z);
  kerr err = KERR_OK;
  for (size_t i = 0; i < n && !err; i++) {
    err = put32(z, 0x02014b50);
    if (!err) err = put16(z, 20); /* made by: 2.0, MS-DOS */
    if (!err) err = put16(z, 20);
    if (!err) err = put16(z, 1u << 11);
    if (!err) err = put16(z, 0);
    if (!err) err = put16(z, ZIP_TIME);
    if (!err) err = put16(z, ZIP_DATE);
    if (!err) err = put32(z, e[i].crc);
    if (!err) err = put32(z, e[i].size);
    if (!err) err = put32(z, e[i].size);
    if (!err) err = put16(z, (unsigned)strlen(e[i].name));
    if (!err) err = put16(z, 0); /* extra */
    if (!err) err = put16(z, 0); /* comment */
    if (!err) err = put16(z, 0); /* disk */
    if (!err) err = put16(z, 0); /* internal attributes */
    if (!err) err = put32(z, 0); /* external attributes */
    if (!err) err = put32(z, e[i].offset);
    if (!err) err = buf_add_str(z, e[i].name);
  }
  uint32_t size = (uint32_t)buf_len(z) - start;
  if (!err) err = put32(z, 0x06054b50);
  if (!err) err = put16(z, 0);
  if (!err) err = put16(z, 0);
  if (!err) err = put16(z, (unsigned)n);
  if (!err) err = put16(z, (unsigned)n);
  if (!err) err = put32(z, size);
  if (!err) err = put32(z, start);
  if (!err) err = put16(z, 0);
  return err;
}

static const char CONTENT_TYPES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/"
    "vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType="
    "\"application/vnd.openxmlformats-officedocument.spreadsheetml."
    "worksheet+xml\"/>"
    "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
    "</Types>";

static const char RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships/officeDocument\" "
    "Target=\"xl/workbook.xml\"/>"
    "</Relationships>";

static const char WORKBOOK[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
    "main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships\">"
    "<sheets><sheet name=\"申请\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
    "</workbook>";

static const char WORKBOOK_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    "</Relationships>";

/* Style 0: normal; style 1: bold (the header row). */
static const char STYLES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\">"
    "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"宋体\"/></font>"
    "<font><b/><sz val=\"11\"/><name val=\"宋体\"/></font></fonts>"
    "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
    "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/>"
    "</border></borders>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
    "borderId=\"0\"/></cellStyleXfs>"
    "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
    "borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" "
    "borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>"
    "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" "
    "builtinId=\"0\"/></cellStyles>"
    "</styleSheet>";

unsigned char *xlsx_take(xlsx *x, size_t *len) {
  struct buf sheet, z;
  unsigned char *out = NULL;
  zip_entry e[6];
  buf_init(&sheet, x->max + 4096);
  buf_init(&z, x->max + 16384);
  kerr err = buf_add_str(
      &sheet,
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
      "2006/main\"><sheetViews><sheetView workbookViewId=\"0\"><pane "
      "ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
      "state=\"frozen\"/></sheetView></sheetViews><cols>");
  for (size_t i = 0; i < x->ncols && !err; i++)
    err = buf_printf(&sheet,
                     "<col min=\"%zu\" max=\"%zu\" width=\"%.1f\" "
                     "customWidth=\"1\"/>",
                     i + 1, i + 1, x->widths[i]);
  if (!err)
    err = buf_add_str(&sheet, "</cols><sheetData>");
  if (!err)
    err = buf_add(&sheet, buf_ptr(&x->sheet), buf_len(&x->sheet));
  if (!err)
    err = buf_add_str(&sheet, "</sheetData></worksheet>");
  buf_free(&x->sheet);
  if (!err)
    err = zip_add(&z, &e[0], "[Content_Types].xml", CONTENT_TYPES,
                  sizeof CONTENT_TYPES - 1);
  if (!err)
    err = zip_add(&z, &e[1], "_rels/.rels", RELS, sizeof RELS - 1);
  if (!err)
    err = zip_add(&z, &e[2], "xl/workbook.xml", WORKBOOK,
                  sizeof WORKBOOK - 1);
  if (!err)
    err = zip_add(&z, &e[3], "xl/_rels/workbook.xml.rels", WORKBOOK_RELS,
                  sizeof WORKBOOK_RELS - 1);
  if (!err)
    err = zip_add(&z, &e[4], "xl/styles.xml", STYLES, sizeof STYLES - 1);
  if (!err)
    err = zip_add(&z, &e[5], "xl/worksheets/sheet1.xml", buf_ptr(&sheet),
                  buf_len(&sheet));
  buf_free(&sheet);
  if (!err)
    err = zip_finish(&z, e, 6);
  if (!err)
    out = (unsigned char *)buf_take(&z, len);
  buf_free(&z);
  xlsx_destroy(x);
  return out;
}
