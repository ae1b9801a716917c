/* The XLSX writer (server/xlsx.c): a workbook read back by Python's
 * zipfile and ElementTree (tests/server/xlsx_read.py, which checks the
 * CRCs, the parts and the relationships): the header bold, Chinese text,
 * `<&"` round-tripping, characters XML 1.0 forbids and invalid UTF-8 left
 * out, empty cells, column widths, and the size cap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "xlsx.h"

/* Writes the workbook to a file, reads it with xlsx_read.py; the parsed
 * JSON, or NULL when the reader refused it. */
static cJSON *read_back(const unsigned char *zip, size_t len) {
  char path[] = "/tmp/test_xlsx_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    return NULL;
  int ok = write(fd, zip, len) == (ssize_t)len;
  close(fd);
  char cmd[600], out[65536];
  snprintf(cmd, sizeof cmd, "python3 " KIOSK_SOURCE_DIR
           "/tests/server/xlsx_read.py %s", path);
  FILE *p = ok ? popen(cmd, "r") : NULL;
  size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
  int rc = p ? pclose(p) : -1;
  unlink(path);
  out[n] = '\0';
  return rc == 0 ? cJSON_Parse(out) : NULL;
}

static const char *cell(const cJSON *j, int row, int col) {
  const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), row);
  const char *v = cJSON_GetStringValue(cJSON_GetArrayItem(r, col));
  return v ? v : "(none)";
}

int main(void) {
  const double w[3] = {20, 40, 10};
  const char *head[3] = {"受理编号", "申请事项", "备注"};
  const char *row1[3] = {"A-0001", "最低生活保障、医疗救助", "张<&\"三>"};
  /* \x01 and \x1f are not XML 1.0 characters; \xff\xfe and a lone
   * continuation byte are not UTF-8; tab and newline stay. */
  const char *row2[3] = {"B\x01-0002\x1f", NULL, "a\tb\nc\xff\xfe\x80" "d"};

  xlsx *x = xlsx_create(3, w, 1 << 20);
  CHECK(x != NULL);
  CHECK_INT(xlsx_row(x, head, 1), KERR_OK);
  CHECK_INT(xlsx_row(x, row1, 0), KERR_OK);
  CHECK_INT(xlsx_row(x, row2, 0), KERR_OK);
  size_t len = 0;
  unsigned char *zip = xlsx_take(x, &len);
  CHECK(zip != NULL && len > 22);
  CHECK(zip && memcmp(zip, "PK\x03\x04", 4) == 0);
  cJSON *j = zip ? read_back(zip, len) : NULL;
  CHECK(j != NULL);
  CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 3);
  CHECK_STR(cell(j, 0, 0), "受理编号");
  CHECK_STR(cell(j, 0, 2), "备注");
  CHECK_STR(cell(j, 1, 1), "最低生活保障、医疗救助");
  CHECK_STR(cell(j, 1, 2), "张<&\"三>");
  CHECK_STR(cell(j, 2, 0), "B-0002");
  CHECK_STR(cell(j, 2, 1), "");
  CHECK_STR(cell(j, 2, 2), "a\tb\ncd");
  const cJSON *bold = cJSON_GetObjectItem(j, "bold_rows");
  CHECK_INT(cJSON_GetArraySize(bold), 1);
  CHECK_INT(cJSON_GetNumberValue(cJSON_GetArrayItem(bold, 0)), 1);
  const cJSON *ws = cJSON_GetObjectItem(j, "widths");
  CHECK_INT(cJSON_GetArraySize(ws), 3);
  CHECK_INT(cJSON_GetNumberValue(cJSON_GetArrayItem(ws, 1)), 40);
  const cJSON *parts = cJSON_GetObjectItem(j, "parts");
  int found = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, parts) {
    const char *nm = cJSON_GetStringValue(e);
    found += strcmp(nm, "[Content_Types].xml") == 0 ||
             strcmp(nm, "_rels/.rels") == 0 ||
             strcmp(nm, "xl/workbook.xml") == 0 ||
             strcmp(nm, "xl/_rels/workbook.xml.rels") == 0 ||
             strcmp(nm, "xl/worksheets/sheet1.xml") == 0;
  }
  CHECK_INT(found, 5);
  cJSON_Delete(j);

  /* `unzip -t` agrees the archive is sound. */
  char path[] = "/tmp/test_xlsx_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0 && zip && write(fd, zip, len) == (ssize_t)len);
  if (fd >= 0)
    close(fd);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "unzip -tq %s >/dev/null", path);
  CHECK_INT(system(cmd), 0);
  unlink(path);
  free(zip);

  /* The cap: a row past it is refused, and nothing is handed out after. */
  x = xlsx_create(3, w, 1000);
  CHECK(x != NULL);
  CHECK_INT(xlsx_row(x, head, 1), KERR_OK);
  kerr err = KERR_OK;
  for (int i = 0; i < 10 && !err; i++)
    err = xlsx_row(x, row1, 0);
  CHECK_INT(err, KERR_LIMIT);
  xlsx_destroy(x);

  /* A bad column count. */
  CHECK(xlsx_create(0, NULL, 1000) == NULL);
  CHECK(xlsx_create(27, NULL, 1000) == NULL);
  return TEST_DONE();
}
