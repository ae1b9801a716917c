/* printer and printer_qr: the raster, its ESC/POS bytes band by band, the
 * simulated printer's .bin (exactly those bytes) and .png (read back with
 * libpng, dot for dot), the device printer, refused job names, and QR codes
 * with their finder patterns. */
#include <png.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "devices/printer.h"
#include "devices/printer_qr.h"
#include "net_helpers.h"

static char work[128];

static unsigned char *read_all(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long sz = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc((size_t)sz + 1);
  *n = fread(b, 1, (size_t)sz, f);
  fclose(f);
  return b;
}

/* Reads a PNG back as 8-bit grey; 0 on success. */
static int read_png(const char *path, int *w, int *h, unsigned char **grey) {
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&img, path))
    return -1;
  img.format = PNG_FORMAT_GRAY;
  *grey = malloc(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, NULL, *grey, 0, NULL)) {
    free(*grey);
    return -1;
  }
  *w = (int)img.width;
  *h = (int)img.height;
  return 0;
}

static void test_raster(void) {
  printer_raster r;
  CHECK_INT(printer_raster_init(&r, 100, 10), KERR_RANGE); /* not /8 */
  CHECK_INT(printer_raster_init(&r, PRINTER_DOTS, 0), KERR_RANGE);
  CHECK_INT(printer_raster_init(&r, PRINTER_DOTS, PRINTER_MAX_H + 1),
            KERR_RANGE);
  CHECK_INT(printer_raster_init(&r, PRINTER_DOTS, 300), KERR_OK);
  CHECK_INT(r.stride, 72);
  printer_raster_set(&r, 0, 0);
  printer_raster_set(&r, 9, 1);
  printer_raster_set(&r, 575, 299);
  printer_raster_set(&r, -1, 5);   /* ignored */
  printer_raster_set(&r, 576, 5);  /* ignored */
  CHECK_INT(r.bits[0], 0x80);
  CHECK_INT(r.bits[72 + 1], 0x40);
  CHECK_INT(printer_raster_get(&r, 575, 299), 1);
  CHECK_INT(printer_raster_get(&r, 574, 299), 0);
  CHECK_INT(printer_raster_get(&r, 9999, 0), 0);

  /* ESC @, then bands of 128, 128 and 44 rows, feed, cut. */
  unsigned char *b = NULL;
  size_t n = 0;
  CHECK_INT(printer_escpos(&r, &b, &n), KERR_OK);
  CHECK_INT(n, 2 + 3 * 8 + 300 * 72 + 3 + 4);
  CHECK(b[0] == 0x1B && b[1] == '@');
  const unsigned char *p = b + 2;
  int rows[3] = {128, 128, 44};
  for (int i = 0; i < 3; i++) {
    CHECK(p[0] == 0x1D && p[1] == 'v' && p[2] == '0' && p[3] == 0);
    CHECK_INT(p[4] | p[5] << 8, 72);
    CHECK_INT(p[6] | p[7] << 8, rows[i]);
    p += 8 + (size_t)rows[i] * 72;
  }
  CHECK_INT(b[2 + 8], 0x80); /* the first dot is the first data byte */
  CHECK(p[0] == 0x1B && p[1] == 'd' && p[2] == 4);
  CHECK(p[3] == 0x1D && p[4] == 'V' && p[5] == 66 && p[6] == 0);

  /* The simulated printer: .bin is exactly those bytes, .png the dots. */
  printer *pr = NULL;
  char dir[256], path[300];
  snprintf(dir, sizeof dir, "%s/out/receipts", work);
  CHECK_INT(printer_sim_create(dir, &pr), KERR_OK);
  CHECK_INT(printer_print(pr, "JC-333C-E", &r), KERR_OK);
  snprintf(path, sizeof path, "%s/JC-333C-E.bin", dir);
  size_t fn = 0;
  unsigned char *fb = read_all(path, &fn);
  CHECK(fb != NULL);
  CHECK_INT(fn, n);
  CHECK(fb && memcmp(fb, b, n) == 0);
  free(fb);
  snprintf(path, sizeof path, "%s/JC-333C-E.png", dir);
  int w = 0, h = 0;
  unsigned char *grey = NULL;
  CHECK_INT(read_png(path, &w, &h, &grey), 0);
  CHECK_INT(w, PRINTER_DOTS);
  CHECK_INT(h, 300);
  if (grey) {
    int same = 1;
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        if ((grey[y * w + x] < 128) != printer_raster_get(&r, x, y))
          same = 0;
    CHECK(same);
    free(grey);
  }
  /* Job names are file names: nothing else is accepted. */
  CHECK_INT(printer_print(pr, "../evil", &r), KERR_INVALID);
  CHECK_INT(printer_print(pr, "a/b", &r), KERR_INVALID);
  CHECK_INT(printer_print(pr, "", &r), KERR_INVALID);
  CHECK_INT(printer_print(pr, "JC-333C-E-WITH-A-NAME-FAR-TOO-LONG", &r),
            KERR_INVALID);
  printer_raster empty = {0};
  CHECK_INT(printer_print(pr, "JC-333C-E", &empty), KERR_INVALID);
  printer_destroy(pr);

  /* A folder that cannot be made. */
  CHECK_INT(printer_sim_create("/proc/no/such/folder", &pr), KERR_IO);
  CHECK(pr == NULL);

  /* The device printer writes the same bytes to its device. */
  snprintf(path, sizeof path, "%s/lp0", work);
  nh_write_file(path, "");
  CHECK_INT(printer_device_create(path, &pr), KERR_OK);
  CHECK_INT(printer_print(pr, "JC-333C-E", &r), KERR_OK);
  fb = read_all(path, &fn);
  CHECK_INT(fn, n);
  CHECK(fb && memcmp(fb, b, n) == 0);
  free(fb);
  printer_destroy(pr);
  snprintf(path, sizeof path, "%s/no-such-device", work);
  CHECK_INT(printer_device_create(path, &pr), KERR_OK);
  CHECK_INT(printer_print(pr, "JC-333C-E", &r), KERR_IO);
  printer_destroy(pr);
  free(b);
  printer_raster_free(&r);
}

/* A 7x7 finder pattern with its top-left module at (x, y). */
static int finder_at(const printer_qr *q, int x, int y) {
  for (int j = 0; j < 7; j++)
    for (int i = 0; i < 7; i++) {
      int ring = i == 0 || j == 0 || i == 6 || j == 6;
      int core = i >= 2 && i <= 4 && j >= 2 && j <= 4;
      if (printer_qr_dark(q, x + i, y + j) != (ring || core))
        return 0;
    }
  return 1;
}

static void test_qr(void) {
  printer_qr *q = malloc(sizeof *q);
  CHECK_INT(printer_qr_encode("JC-333C-E", q), KERR_OK);
  CHECK_INT(q->size, 21); /* version 1 holds a reference at level M */
  CHECK(finder_at(q, 0, 0));
  CHECK(finder_at(q, q->size - 7, 0));
  CHECK(finder_at(q, 0, q->size - 7));
  CHECK(!finder_at(q, q->size - 7, q->size - 7));
  CHECK_INT(printer_qr_dark(q, -1, 0), 0);
  CHECK_INT(printer_qr_dark(q, 21, 0), 0);
  char big[PRINTER_QR_TEXT_MAX + 2];
  memset(big, 'A', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  CHECK_INT(printer_qr_encode(big, q), KERR_LIMIT);
  CHECK_INT(printer_qr_encode("", q), KERR_INVALID);
  big[PRINTER_QR_TEXT_MAX] = '\0';
  CHECK_INT(printer_qr_encode(big, q), KERR_OK);
  CHECK(q->size > 21 && q->size <= PRINTER_QR_MAX);
  free(q);
}

int main(void) {
  if (nh_tmpdir(work, sizeof work, "kiosk-app-printer") != 0)
    return 1;
  test_raster();
  test_qr();
  nh_rm_rf(work);
  return TEST_DONE();
}
