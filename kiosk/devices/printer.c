/* printer: see printer.h. The simulated printer writes each file under a
 * temporary name and renames it, so a reader never sees half a receipt.
 * The device printer opens its device non-blocking and bounds every wait
 * with poll(), so an unplugged or jammed printer fails in seconds instead
 * of hanging the print thread. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* cfmakeraw */
#endif
#include "devices/printer.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "devices/printer_cups.h"

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
  if (r->bits)
    sodium_memzero(r->bits, (size_t)r->h * (size_t)r->stride);
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

const char *printer_fault_str(printer_fault f) {
  static const char *const names[PRINTER_FAULT_COUNT] = {
      "no fault",          "device cannot be opened", "paper out",
      "paper near end",    "no status answer",        "bad status answer",
      "write failed or stalled", "CUPS unreachable",  "no such CUPS queue",
      "CUPS queue stopped", "CUPS job did not complete",
      "folder cannot be written", "receipt not rendered"};
  return (int)f >= 0 && f < PRINTER_FAULT_COUNT ? names[f] : "unknown fault";
}

printer_fault printer_status_fault(unsigned char b) {
  if ((b & 0x93) != 0x12)
    return PRINTER_FAULT_BAD_ANSWER;
  if (b & 0x60)
    return PRINTER_FAULT_PAPER_OUT;
  if (b & 0x0C)
    return PRINTER_FAULT_PAPER_LOW;
  return PRINTER_FAULT_NONE;
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

struct printer {
  config_printer kind;
  char target[PATH_MAX_BYTES]; /* folder, device or queue */
  int status_timeout_ms;
  int write_timeout_ms;
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

kerr printer_create(const printer_config *c, printer **out) {
  *out = NULL;
  if (!c || !c->target || !c->target[0] ||
      strlen(c->target) >= PATH_MAX_BYTES - PRINTER_JOB_MAX - 16)
    return KERR_INVALID;
  if (c->kind != CONFIG_PRINTER_SIM && c->kind != CONFIG_PRINTER_DEVICE &&
      c->kind != CONFIG_PRINTER_CUPS)
    return KERR_INVALID;
  printer *p = calloc(1, sizeof *p);
  if (!p)
    return KERR_NOMEM;
  p->kind = c->kind;
  snprintf(p->target, sizeof p->target, "%s", c->target);
  p->status_timeout_ms =
      c->status_timeout_ms > 0 ? c->status_timeout_ms
                               : PRINTER_STATUS_TIMEOUT_MS;
  p->write_timeout_ms =
      c->write_timeout_ms > 0 ? c->write_timeout_ms
      : c->kind == CONFIG_PRINTER_CUPS ? PRINTER_CUPS_TIMEOUT_MS
                                       : PRINTER_WRITE_TIMEOUT_MS;
  *out = p;
  return KERR_OK;
}

void printer_destroy(printer *p) { free(p); }

/* ------------------------------------------------------------------ */
/* the simulated printer */

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

typedef struct membuf {
  unsigned char *b;
  size_t n, cap;
  int failed;
} membuf;

static void png_mem_write(png_structp png, png_bytep data, size_t n) {
  membuf *m = png_get_io_ptr(png);
  if (m->failed)
    return;
  if (m->n + n > m->cap) {
    size_t cap = m->cap ? m->cap : 4096;
    while (cap < m->n + n)
      cap *= 2;
    unsigned char *nb = realloc(m->b, cap);
    if (!nb) {
      m->failed = 1;
      return;
    }
    m->b = nb;
    m->cap = cap;
  }
  memcpy(m->b + m->n, data, n);
  m->n += n;
}

static void png_mem_flush(png_structp png) { (void)png; }

/* r as a 1-bit greyscale PNG (what the paper shows). *out is heap (free()).
 * KERR_INVALID for an empty raster, KERR_NOMEM, KERR_INTERNAL. */
static kerr printer_png(const printer_raster *r, unsigned char **out,
                        size_t *len) {
  *out = NULL;
  *len = 0;
  if (!raster_ok(r))
    return KERR_INVALID;
  volatile kerr e = KERR_INTERNAL; /* survives png's longjmp */
  membuf m = {0};
  png_structp png = NULL;
  png_infop info = NULL;
  unsigned char *row = malloc((size_t)r->stride);
  png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  if (png)
    info = png_create_info_struct(png);
  if (!row || !png || !info) {
    e = KERR_NOMEM;
    goto out;
  }
  if (setjmp(png_jmpbuf(png)))
    goto out;
  png_set_write_fn(png, &m, png_mem_write, png_mem_flush);
  /* PNG grey 1 is white: the dots are inverted. */
  png_set_IHDR(png, info, (png_uint_32)r->w, (png_uint_32)r->h, 1,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_pHYs(png, info, 8000, 8000, PNG_RESOLUTION_METER); /* 203 dpi */
  png_write_info(png, info);
  for (int y = 0; y < r->h; y++) {
    const unsigned char *src = r->bits + (size_t)y * (size_t)r->stride;
    for (int i = 0; i < r->stride; i++)
      row[i] = (unsigned char)~src[i];
    png_write_row(png, row);
  }
  png_write_end(png, NULL);
  e = m.failed ? KERR_NOMEM : KERR_OK;
out:
  png_destroy_write_struct(&png, &info);
  free(row);
  if (e) {
    free(m.b);
    return e;
  }
  *out = m.b;
  *len = m.n;
  return KERR_OK;
}

static kerr sim_print(printer *p, const char *job, const printer_raster *r,
                      const unsigned char *bytes, size_t len,
                      printer_fault *why) {
  char path[PATH_MAX_BYTES + PRINTER_JOB_MAX + 8];
  unsigned char *png = NULL;
  size_t png_len = 0;
  kerr e = printer_png(r, &png, &png_len);
  if (e) {
    *why = PRINTER_FAULT_LAYOUT;
    return e;
  }
  *why = PRINTER_FAULT_FILE;
  if (fs_make_dirs(p->target, 0755) != 0) {
    e = KERR_IO;
    goto out;
  }
  snprintf(path, sizeof path, "%s/%s.bin", p->target, job);
  e = write_file(path, bytes, len);
  if (e)
    goto out;
  snprintf(path, sizeof path, "%s/%s.png", p->target, job);
  e = write_file(path, png, png_len);
out:
  if (!e)
    *why = PRINTER_FAULT_NONE;
  free(png);
  return e;
}

/* ------------------------------------------------------------------ */
/* the device printer */

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll() for events on fd until the monotonic deadline: 1 ready, 0 timed
 * out, -1 error or hang-up. */
static int wait_fd(int fd, short events, int64_t deadline) {
  for (;;) {
    int64_t left = deadline - mono_ms();
    if (left <= 0)
      return 0;
    struct pollfd pfd = {.fd = fd, .events = events};
    int n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0)
      continue;
    if (pfd.revents & events)
      return 1;
    return -1; /* POLLERR, POLLHUP, POLLNVAL */
  }
}

/* Writes all of b; each wait for the device to take more is at most
 * stall_ms. KERR_IO on an error, KERR_BUSY when it stalled. */
static kerr write_bounded(int fd, const unsigned char *b, size_t n,
                          int stall_ms) {
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w > 0) {
      b += w;
      n -= (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      int r = wait_fd(fd, POLLOUT, mono_ms() + stall_ms);
      if (r == 0)
        return KERR_BUSY;
      if (r < 0)
        return KERR_IO;
      continue;
    }
    return KERR_IO;
  }
  return KERR_OK;
}

/* Throws away whatever the device sent before we asked (a late answer to
 * an earlier request must not be read as this one's). */
static void drain_input(int fd, int tty) {
  if (tty) {
    tcflush(fd, TCIFLUSH);
    return;
  }
  unsigned char junk[64];
  for (int i = 0; i < 64; i++)
    if (read(fd, junk, sizeof junk) <= 0)
      break;
}

/* DLE EOT 4, then one status byte within the timeout. */
static printer_fault ask_paper(int fd, int tty, int timeout_ms) {
  drain_input(fd, tty);
  kerr e = write_bounded(fd, (const unsigned char *)PRINTER_STATUS_QUERY,
                         PRINTER_STATUS_QUERY_LEN, timeout_ms);
  if (e == KERR_BUSY)
    return PRINTER_FAULT_NO_ANSWER;
  if (e)
    return PRINTER_FAULT_WRITE;
  int64_t deadline = mono_ms() + timeout_ms;
  for (;;) {
    int r = wait_fd(fd, POLLIN, deadline);
    if (r == 0)
      return PRINTER_FAULT_NO_ANSWER;
    if (r < 0)
      return PRINTER_FAULT_NO_ANSWER;
    unsigned char b;
    ssize_t n = read(fd, &b, 1);
    if (n == 1)
      return printer_status_fault(b);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    /* 0 (end of file) or an error: a device that cannot answer. */
    return PRINTER_FAULT_NO_ANSWER;
  }
}

static kerr device_print(printer *p, const unsigned char *bytes, size_t len,
                         printer_fault *why) {
  int fd = open(p->target, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    LOG_W("printer", "cannot open %s: %s", p->target, strerror(errno));
    *why = PRINTER_FAULT_NO_DEVICE;
    return KERR_IO;
  }
  int tty = isatty(fd);
  if (tty) {
    /* A serial printer (or a pseudo-terminal): raw bytes both ways, no
     * line editing, no translation of 0x0A, 0x0D or 0x10. */
    struct termios tio;
    if (tcgetattr(fd, &tio) == 0) {
      cfmakeraw(&tio);
      tcsetattr(fd, TCSANOW, &tio);
    }
  }
  kerr e = KERR_OK;
  *why = ask_paper(fd, tty, p->status_timeout_ms);
  if (*why != PRINTER_FAULT_NONE) {
    e = *why == PRINTER_FAULT_WRITE ? KERR_IO : KERR_STATE;
    goto out;
  }
  e = write_bounded(fd, bytes, len, p->write_timeout_ms);
  if (e) {
    *why = PRINTER_FAULT_WRITE;
    e = KERR_IO;
  }
out:
  if (close(fd) != 0 && !e) {
    *why = PRINTER_FAULT_WRITE;
    e = KERR_IO;
  }
  return e;
}

kerr printer_print(printer *p, const char *job, const printer_raster *r,
                   printer_fault *why) {
  unsigned char *bytes = NULL;
  size_t len = 0;
  printer_fault f = PRINTER_FAULT_LAYOUT;
  kerr e = KERR_INVALID;
  if (!p || !job || !job_ok(job) || !raster_ok(r))
    goto out;
  if (p->kind == CONFIG_PRINTER_CUPS) {
    unsigned char *png = NULL;
    e = printer_png(r, &png, &len);
    if (!e)
      e = printer_cups_send(p->target, job, png, len, p->write_timeout_ms,
                            &f);
    free(png);
    goto out;
  }
  e = printer_escpos(r, &bytes, &len);
  if (e)
    goto out;
  if (p->kind == CONFIG_PRINTER_DEVICE)
    e = device_print(p, bytes, len, &f);
  else
    e = sim_print(p, job, r, bytes, len, &f);
out:
  if (e)
    LOG_W("printer", "job %s not printed: %s", job ? job : "-",
          printer_fault_str(f));
  else
    LOG_I("printer", "job %s printed (%d x %d dots, %zu bytes)", job, r->w,
          r->h, len);
  if (why)
    *why = e ? f : PRINTER_FAULT_NONE;
  free(bytes);
  return e;
}
