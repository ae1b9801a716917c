/* printer: see printer.h. The simulated printer writes each file under a
 * temporary name and renames it, so a reader never sees half a receipt. */
#include "devices/printer.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/log.h"

#define PATH_MAX_BYTES 1024

kerr printer_raster_init(printer_raster *r, int w, int h) {
  memset(r, 0, sizeof *r);
  if (w < 8 || w > 2048 || w % 8 || h < 1 || h > PRINTER_MAX_H)
    return KERR_RANGE;
  r->bits = calloc((size_t)h, (size_t)w / 8);
  if (!r->bits)
    return KERR_NOMEM;
  r->w = w;
  r->h = h;
  r->stride = w / 8;
  return KERR_OK;
}

void printer_raster_free(printer_raster *r) {
  free(r->bits);
  memset(r, 0, sizeof *r);
}

void printer_raster_set(printer_raster *r, int x, int y) {
  if (x < 0 || y < 0 || x >= r->w || y >= r->h)
    return;
  r->bits[(size_t)y * (size_t)r->stride + (size_t)(x / 8)] |=
      (unsigned char)(0x80u >> (x % 8));
}

int printer_raster_get(const printer_raster *r, int x, int y) {
  if (x < 0 || y < 0 || x >= r->w || y >= r->h)
    return 0;
  return (r->bits[(size_t)y * (size_t)r->stride + (size_t)(x / 8)] >>
          (7 - x % 8)) & 1;
}

static int raster_ok(const printer_raster *r) {
  return r && r->bits && r->w >= 8 && r->w % 8 == 0 && r->h >= 1 &&
         r->h <= PRINTER_MAX_H && r->stride == r->w / 8;
}

kerr printer_escpos(const printer_raster *r, unsigned char **out,
                    size_t *len) {
  *out = NULL;
  *len = 0;
  if (!raster_ok(r))
    return KERR_INVALID;
  size_t bands = (size_t)(r->h + PRINTER_BAND_H - 1) / PRINTER_BAND_H;
  size_t cap = 2 + bands * 8 + (size_t)r->h * (size_t)r->stride + 3 + 4;
  unsigned char *b = malloc(cap), *p = b;
  if (!b)
    return KERR_NOMEM;
  *p++ = 0x1B; /* ESC @: initialise */
  *p++ = '@';
  for (int y = 0; y < r->h; y += PRINTER_BAND_H) {
    int rows = r->h - y < PRINTER_BAND_H ? r->h - y : PRINTER_BAND_H;
    *p++ = 0x1D; /* GS v 0 m xL xH yL yH: raster bit image */
    *p++ = 'v';
    *p++ = '0';
    *p++ = 0;    /* normal density */
    *p++ = (unsigned char)(r->stride & 0xFF);
    *p++ = (unsigned char)(r->stride >> 8);
    *p++ = (unsigned char)(rows & 0xFF);
    *p++ = (unsigned char)(rows >> 8);
    size_t n = (size_t)rows * (size_t)r->stride;
    memcpy(p, r->bits + (size_t)y * (size_t)r->stride, n);
    p += n;
  }
  *p++ = 0x1B; /* ESC d 4: feed four lines */
  *p++ = 'd';
  *p++ = 4;
  *p++ = 0x1D; /* GS V 66 0: feed to the cutter and cut */
  *p++ = 'V';
  *p++ = 66;
  *p++ = 0;
  *out = b;
  *len = (size_t)(p - b);
  return KERR_OK;
}

typedef enum printer_kind { PRINTER_SIM, PRINTER_DEVICE } printer_kind;

struct printer {
  printer_kind kind;
  char path[PATH_MAX_BYTES]; /* folder (sim) or device */
};

static int job_ok(const char *job) {
  size_t n = strlen(job);
  if (n == 0 || n > PRINTER_JOB_MAX)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = job[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          (c >= '0' && c <= '9') || c == '-'))
      return 0;
  }
  return 1;
}

kerr printer_sim_create(const char *dir, printer **out) {
  *out = NULL;
  if (strlen(dir) >= PATH_MAX_BYTES - PRINTER_JOB_MAX - 16)
    return KERR_INVALID;
  if (fs_make_dirs(dir, 0755) != 0) {
    LOG_E("printer", "cannot create %s", dir);
    return KERR_IO;
  }
  printer *p = calloc(1, sizeof *p);
  if (!p)
    return KERR_NOMEM;
  p->kind = PRINTER_SIM;
  snprintf(p->path, sizeof p->path, "%s", dir);
  *out = p;
  return KERR_OK;
}

kerr printer_device_create(const char *path, printer **out) {
  *out = NULL;
  if (!path[0] || strlen(path) >= PATH_MAX_BYTES)
    return KERR_INVALID;
  printer *p = calloc(1, sizeof *p);
  if (!p)
    return KERR_NOMEM;
  p->kind = PRINTER_DEVICE;
  snprintf(p->path, sizeof p->path, "%s", path);
  *out = p;
  return KERR_OK;
}

void printer_destroy(printer *p) { free(p); }

static kerr write_all(int fd, const unsigned char *b, size_t n) {
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return KERR_IO;
    b += w;
    n -= (size_t)w;
  }
  return KERR_OK;
}

/* Writes bytes to path.tmp, then renames it to path. */
static kerr write_file(const char *path, const unsigned char *b, size_t n) {
  char tmp[PATH_MAX_BYTES + PRINTER_JOB_MAX + 16];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return KERR_IO;
  kerr e = write_all(fd, b, n);
  if (close(fd) != 0)
    e = KERR_IO;
  if (!e && rename(tmp, path) != 0)
    e = KERR_IO;
  if (e)
    unlink(tmp);
  return e;
}

/* A 1-bit greyscale PNG of the raster (PNG grey 1 = white: inverted). */
static kerr write_png(const char *path, const printer_raster *r) {
  char tmp[PATH_MAX_BYTES + PRINTER_JOB_MAX + 16];
  kerr e = KERR_IO;
  png_structp png = NULL;
  png_infop info = NULL;
  unsigned char *row = NULL;
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "wb");
  if (!f)
    return KERR_IO;
  row = malloc((size_t)r->stride);
  png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  if (png)
    info = png_create_info_struct(png);
  if (!row || !png || !info) {
    e = KERR_NOMEM;
    goto out;
  }
  if (setjmp(png_jmpbuf(png)))
    goto out;
  png_init_io(png, f);
  png_set_IHDR(png, info, (png_uint_32)r->w, (png_uint_32)r->h, 1,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < r->h; y++) {
    const unsigned char *src = r->bits + (size_t)y * (size_t)r->stride;
    for (int i = 0; i < r->stride; i++)
      row[i] = (unsigned char)~src[i];
    png_write_row(png, row);
  }
  png_write_end(png, NULL);
  e = KERR_OK;
out:
  png_destroy_write_struct(&png, &info);
  free(row);
  if (fclose(f) != 0)
    e = KERR_IO;
  if (!e && rename(tmp, path) != 0)
    e = KERR_IO;
  if (e)
    unlink(tmp);
  return e;
}

kerr printer_print(printer *p, const char *job, const printer_raster *r) {
  unsigned char *bytes = NULL;
  size_t len = 0;
  char path[PATH_MAX_BYTES + PRINTER_JOB_MAX + 8];
  kerr e;
  if (!p || !job_ok(job))
    return KERR_INVALID;
  e = printer_escpos(r, &bytes, &len);
  if (e)
    return e;
  if (p->kind == PRINTER_DEVICE) {
    int fd = open(p->path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      e = KERR_IO;
      goto out;
    }
    e = write_all(fd, bytes, len);
    if (close(fd) != 0)
      e = KERR_IO;
    goto out;
  }
  snprintf(path, sizeof path, "%s/%s.bin", p->path, job);
  e = write_file(path, bytes, len);
  if (e)
    goto out;
  snprintf(path, sizeof path, "%s/%s.png", p->path, job);
  e = write_png(path, r);
out:
  if (e)
    LOG_E("printer", "job %s not printed: %s", job, kerr_str(e));
  else
    LOG_I("printer", "job %s printed (%d x %d dots, %zu bytes)", job, r->w,
          r->h, len);
  free(bytes);
  return e;
}
