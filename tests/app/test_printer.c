/* printer and printer_qr: the raster, its ESC/POS bytes band by band and
 * byte for byte on a known bitmap, the DLE EOT 4 answers, the simulated
 * printer's .bin (exactly those bytes) and .png (read back with libpng, dot
 * for dot), the device printer against a pseudo-terminal (paper, paper out,
 * near end, no answer, no device), CUPS without a server, refused job
 * names, and QR codes with their finder patterns. */
#define _GNU_SOURCE /* ptsname_r, cfmakeraw (fake_lp.h) */
#include <cups/cups.h>
#include <png.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "devices/printer.h"
#include "devices/printer_qr.h"
#include "fake_lp.h"
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
  printer_fault why = PRINTER_FAULT_NONE;
  char dir[256], path[300];
  snprintf(dir, sizeof dir, "%s/out/receipts", work);
  CHECK_INT(printer_create(&(printer_config){.kind = CONFIG_PRINTER_SIM,
                                             .target = dir},
                           &pr),
            KERR_OK);
  CHECK_INT(printer_print(pr, "JC-333C-E", &r, &why), KERR_OK);
  CHECK_INT(why, PRINTER_FAULT_NONE);
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
  CHECK_INT(printer_print(pr, "../evil", &r, &why), KERR_INVALID);
  CHECK_INT(printer_print(pr, "a/b", &r, &why), KERR_INVALID);
  CHECK_INT(printer_print(pr, "", &r, &why), KERR_INVALID);
  CHECK_INT(printer_print(pr, "JC-333C-E-WITH-A-NAME-FAR-TOO-LONG", &r, &why),
            KERR_INVALID);
  printer_raster empty = {0};
  CHECK_INT(printer_print(pr, "JC-333C-E", &empty, &why), KERR_INVALID);
  printer_destroy(pr);

  /* A folder that cannot be made fails the job, saying so. */
  CHECK_INT(printer_create(&(printer_config){.kind = CONFIG_PRINTER_SIM,
                                             .target = "/proc/no/such/folder"},
                           &pr),
            KERR_OK);
  CHECK(printer_print(pr, "JC-333C-E", &r, &why) != KERR_OK);
  CHECK_INT(why, PRINTER_FAULT_FILE);
  printer_destroy(pr);
  CHECK_INT(printer_create(&(printer_config){.kind = CONFIG_PRINTER_SIM,
                                             .target = ""},
                           &pr),
            KERR_INVALID);
  free(b);
  printer_raster_free(&r);
}

/* The encoder on a known 16 x 3 bitmap: every byte of the output. */
static void test_escpos_exact(void) {
  printer_raster r;
  CHECK_INT(printer_raster_init(&r, 16, 3), KERR_OK);
  for (int x = 0; x < 16; x++)
    printer_raster_set(&r, x, 0);    /* row 0: all black */
  printer_raster_set(&r, 0, 1);      /* row 1: first and last dot */
  printer_raster_set(&r, 15, 1);
  for (int x = 0; x < 16; x += 2)
    printer_raster_set(&r, x, 2);    /* row 2: every other dot */
  static const unsigned char want[] = {
      0x1B, 0x40,                         /* ESC @ */
      0x1D, 0x76, 0x30, 0x00,             /* GS v 0, m = 0 */
      0x02, 0x00,                         /* xL xH: 2 bytes per row */
      0x03, 0x00,                         /* yL yH: 3 rows */
      0xFF, 0xFF, 0x80, 0x01, 0xAA, 0xAA, /* the rows, MSB first */
      0x1B, 0x64, 0x04,                   /* ESC d 4: feed */
      0x1D, 0x56, 0x42, 0x00};            /* GS V 66 0: cut */
  unsigned char *b = NULL;
  size_t n = 0;
  CHECK_INT(printer_escpos(&r, &b, &n), KERR_OK);
  CHECK_INT(n, sizeof want);
  CHECK(b && n == sizeof want && memcmp(b, want, n) == 0);
  free(b);
  printer_raster_free(&r);
  CHECK(r.bits == NULL);

  /* A 384-dot (58 mm) raster: 48 bytes per row in the header. */
  CHECK_INT(printer_raster_init(&r, 384, 2), KERR_OK);
  CHECK_INT(printer_escpos(&r, &b, &n), KERR_OK);
  CHECK(b[6] == 48 && b[7] == 0 && b[8] == 2 && b[9] == 0);
  CHECK_INT(n, 2 + 8 + 2 * 48 + 3 + 4);
  free(b);
  printer_raster_free(&r);
}

/* DLE EOT 4 answers, as the Epson ESC/POS reference defines them. */
static void test_status(void) {
  CHECK_INT(printer_status_fault(0x12), PRINTER_FAULT_NONE);
  CHECK_INT(printer_status_fault(0x1E), PRINTER_FAULT_PAPER_LOW);
  CHECK_INT(printer_status_fault(0x72), PRINTER_FAULT_PAPER_OUT);
  CHECK_INT(printer_status_fault(0x7E), PRINTER_FAULT_PAPER_OUT);
  CHECK_INT(printer_status_fault(0x00), PRINTER_FAULT_BAD_ANSWER);
  CHECK_INT(printer_status_fault(0xFF), PRINTER_FAULT_BAD_ANSWER);
  CHECK_INT(printer_status_fault(0x13), PRINTER_FAULT_BAD_ANSWER);
  CHECK(strcmp(printer_fault_str(PRINTER_FAULT_PAPER_OUT), "paper out") == 0);
}

/* The device printer against a pseudo-terminal that records what it gets
 * and answers DLE EOT 4 with a chosen status byte (or not at all). */
static void test_device(void) {
  printer_raster r;
  unsigned char *want = NULL;
  size_t wn = 0;
  printer_fault why = PRINTER_FAULT_NONE;
  printer *pr = NULL;
  CHECK_INT(printer_raster_init(&r, PRINTER_DOTS, 200), KERR_OK);
  for (int y = 0; y < 200; y++)
    printer_raster_set(&r, y, y);
  CHECK_INT(printer_escpos(&r, &want, &wn), KERR_OK);

  /* Paper: the query, then exactly the job's ESC/POS bytes. */
  fake_lp lp;
  CHECK_INT(fake_lp_start(&lp, 0x12), 0);
  CHECK_INT(printer_create(&(printer_config){.kind = CONFIG_PRINTER_DEVICE,
                                             .target = lp.path,
                                             .status_timeout_ms = 2000},
                           &pr),
            KERR_OK);
  CHECK_INT(printer_print(pr, "JC-333C-E", &r, &why), KERR_OK);
  CHECK_INT(why, PRINTER_FAULT_NONE);
  fake_lp_stop(&lp, wn + 3);
  CHECK_INT(lp.n, 3 + wn);
  CHECK(lp.n == 3 + wn && memcmp(lp.got, PRINTER_STATUS_QUERY, 3) == 0 &&
        memcmp(lp.got + 3, want, wn) == 0);
  fake_lp_free(&lp);
  printer_destroy(pr);

  /* Paper out (and near end): nothing but the query is sent. */
  unsigned char answers[] = {0x72, 0x1E, 0x00};
  printer_fault faults[] = {PRINTER_FAULT_PAPER_OUT, PRINTER_FAULT_PAPER_LOW,
                            PRINTER_FAULT_BAD_ANSWER};
  for (int i = 0; i < 3; i++) {
    CHECK_INT(fake_lp_start(&lp, answers[i]), 0);
    CHECK_INT(printer_create(&(printer_config){.kind = CONFIG_PRINTER_DEVICE,
                                               .target = lp.path,
                                               .status_timeout_ms = 2000},
                             &pr),
              KERR_OK);
    CHECK(printer_print(pr, "JC-333C-E", &r, &why) != KERR_OK);
    CHECK_INT(why, faults[i]);
    fake_lp_stop(&lp, 3);
    CHECK_INT(lp.n, 3);
    fake_lp_free(&lp);
    printer_destroy(pr);
  }

  /* No answer: fails after the status timeout, not later. */
  CHECK_INT(fake_lp_start(&lp, -1), 0);
  CHECK_INT(printer_create(&(printer_config){.kind = CONFIG_PRINTER_DEVICE,
                                             .target = lp.path,
                                             .status_timeout_ms = 300},
                           &pr),
            KERR_OK);
  int64_t t0 = nh_now_ms();
  CHECK(printer_print(pr, "JC-333C-E", &r, &why) != KERR_OK);
  int64_t took = nh_now_ms() - t0;
  CHECK_INT(why, PRINTER_FAULT_NO_ANSWER);
  CHECK(took >= 250 && took < 3000);
  fake_lp_stop(&lp, 3);
  CHECK_INT(lp.n, 3);
  fake_lp_free(&lp);
  printer_destroy(pr);

  /* A device that is not there. */
  char path[300];
  snprintf(path, sizeof path, "%s/no-such-device", work);
  CHECK_INT(printer_create(&(printer_config){.kind = CONFIG_PRINTER_DEVICE,
                                             .target = path},
                           &pr),
            KERR_OK);
  CHECK_INT(printer_print(pr, "JC-333C-E", &r, &why), KERR_IO);
  CHECK_INT(why, PRINTER_FAULT_NO_DEVICE);
  printer_destroy(pr);
  free(want);
  printer_raster_free(&r);
}

/* CUPS without a server: a clean failure with a reason, quickly. The
 * server is pointed at a socket that does not exist, so a cupsd that
 * happens to run on the machine is not asked. */
static void test_cups(void) {
  printer_raster r;
  printer *pr = NULL;
  printer_fault why = PRINTER_FAULT_NONE;
  char sock[300];
  snprintf(sock, sizeof sock, "%s/no-cupsd.sock", work);
  setenv("CUPS_SERVER", sock, 1);
  cupsSetServer(NULL); /* libcups reads the variable again */
  CHECK_INT(printer_raster_init(&r, PRINTER_DOTS, 50), KERR_OK);
  CHECK_INT(printer_create(&(printer_config){.kind = CONFIG_PRINTER_CUPS,
                                             .target = "NoSuchQueue",
                                             .write_timeout_ms = 3000},
                           &pr),
            KERR_OK);
  int64_t t0 = nh_now_ms();
  kerr e = printer_print(pr, "JC-333C-E", &r, &why);
  int64_t took = nh_now_ms() - t0;
  CHECK(e != KERR_OK);
  CHECK(why == PRINTER_FAULT_NO_SERVER || why == PRINTER_FAULT_NO_QUEUE);
  CHECK(took < 6000);
  printer_destroy(pr);
  /* A TCP server that refuses the connection: the same. */
  setenv("CUPS_SERVER", "127.0.0.1:1", 1);
  cupsSetServer(NULL);
  CHECK_INT(printer_create(&(printer_config){.kind = CONFIG_PRINTER_CUPS,
                                             .target = "receipt",
                                             .write_timeout_ms = 3000},
                           &pr),
            KERR_OK);
  t0 = nh_now_ms();
  CHECK(printer_print(pr, "JC-333C-E", &r, &why) != KERR_OK);
  CHECK(why == PRINTER_FAULT_NO_SERVER || why == PRINTER_FAULT_NO_QUEUE);
  CHECK(nh_now_ms() - t0 < 6000);
  printer_destroy(pr);
  unsetenv("CUPS_SERVER");
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
  test_escpos_exact();
  test_status();
  test_device();
  test_cups();
  test_qr();
  nh_rm_rf(work);
  return TEST_DONE();
}
