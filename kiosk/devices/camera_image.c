/* camera_image: JPEG in and out (libjpeg-turbo), the page's box, scaling.
 * See camera.h. Pure: no device, no thread, no log of what is pictured.
 *
 * Every buffer of ours that holds pixels or JPEG bytes is wiped before it
 * is freed. The encoder writes into a destination of our own (not
 * jpeg_mem_dest, whose growing buffer is freed unwiped); the decoder reads
 * the caller's buffer in place (jpeg_mem_src copies nothing). libjpeg's own
 * working memory (rows of samples, coefficients) comes from its
 * system-dependent memory manager (jmemsys.h), which libjpeg lets a
 * program replace: the four calls below are the kiosk's (exported from the
 * executable so libjpeg's calls reach them, see kiosk/CMakeLists.txt),
 * the same malloc and free with every block wiped before it is freed. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <sodium.h>

#include "devices/camera.h"

/* ---- libjpeg's memory, wiped (jmemsys.h; as jmemnobs.c otherwise) ------ */

void *jpeg_get_small(j_common_ptr cinfo, size_t sizeofobject);
void jpeg_free_small(j_common_ptr cinfo, void *object, size_t sizeofobject);
void *jpeg_get_large(j_common_ptr cinfo, size_t sizeofobject);
void jpeg_free_large(j_common_ptr cinfo, void *object, size_t sizeofobject);

static _Atomic unsigned long long jmem_wiped;

void *jpeg_get_small(j_common_ptr cinfo, size_t sizeofobject) {
  (void)cinfo;
  return malloc(sizeofobject);
}

void jpeg_free_small(j_common_ptr cinfo, void *object, size_t sizeofobject) {
  (void)cinfo;
  if (!object)
    return;
  sodium_memzero(object, sizeofobject);
  jmem_wiped += sizeofobject;
  free(object);
}

void *jpeg_get_large(j_common_ptr cinfo, size_t sizeofobject) {
  return jpeg_get_small(cinfo, sizeofobject);
}

void jpeg_free_large(j_common_ptr cinfo, void *object, size_t sizeofobject) {
  jpeg_free_small(cinfo, object, sizeofobject);
}

unsigned long long camera_jpeg_wiped(void) { return jmem_wiped; }

void camera_image_wipe(camera_image *im) {
  if (!im)
    return;
  if (im->rgb) {
    sodium_memzero(im->rgb, (size_t)im->w * (size_t)im->h * 3u);
    free(im->rgb);
  }
  memset(im, 0, sizeof *im);
}

void camera_still_wipe(camera_still *s) {
  if (!s)
    return;
  if (s->jpeg) {
    sodium_memzero(s->jpeg, s->len);
    free(s->jpeg);
  }
  memset(s, 0, sizeof *s);
}

/* ---- errors: longjmp out of libjpeg, never a message on stderr ---------- */

typedef struct jerr {
  struct jpeg_error_mgr pub;
  jmp_buf jb;
} jerr;

static void jerr_exit(j_common_ptr ci) {
  jerr *e = (jerr *)ci->err;
  longjmp(e->jb, 1);
}

static void jerr_quiet(j_common_ptr ci) { (void)ci; }

/* ---- decoding ---------------------------------------------------------- */

kerr camera_jpeg_decode(const unsigned char *jpeg, size_t len,
                        camera_image *out) {
  struct jpeg_decompress_struct ci;
  jerr e;
  /* volatile: kept across the longjmp */
  unsigned char *volatile px = NULL;
  volatile size_t px_len = 0;
  volatile kerr r = KERR_PARSE;
  memset(out, 0, sizeof *out);
  if (!jpeg || len < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
    return KERR_PARSE;
  ci.err = jpeg_std_error(&e.pub);
  e.pub.error_exit = jerr_exit;
  e.pub.output_message = jerr_quiet;
  if (setjmp(e.jb)) {
    jpeg_destroy_decompress(&ci);
    if (px) {
      sodium_memzero(px, px_len);
      free(px);
    }
    return r;
  }
  jpeg_create_decompress(&ci);
  jpeg_mem_src(&ci, jpeg, (unsigned long)len);
  jpeg_read_header(&ci, TRUE);
  ci.out_color_space = JCS_RGB;
  jpeg_start_decompress(&ci);
  if (ci.output_components != 3 || ci.output_width == 0 ||
      ci.output_height == 0 ||
      (size_t)ci.output_width * ci.output_height > CAMERA_MAX_PIXELS) {
    r = KERR_LIMIT;
    longjmp(e.jb, 1);
  }
  px_len = (size_t)ci.output_width * ci.output_height * 3u;
  px = malloc(px_len);
  if (!px) {
    r = KERR_NOMEM;
    longjmp(e.jb, 1);
  }
  while (ci.output_scanline < ci.output_height) {
    JSAMPROW row = px + (size_t)ci.output_scanline * ci.output_width * 3u;
    jpeg_read_scanlines(&ci, &row, 1);
  }
  jpeg_finish_decompress(&ci);
  out->rgb = px;
  out->w = (int)ci.output_width;
  out->h = (int)ci.output_height;
  jpeg_destroy_decompress(&ci);
  return KERR_OK;
}

/* ---- encoding ---------------------------------------------------------- */

typedef struct dest {
  struct jpeg_destination_mgr pub;
  unsigned char *buf;
  size_t cap;
  int nomem;
} dest;

static void dest_init(j_compress_ptr ci) {
  dest *d = (dest *)ci->dest;
  d->pub.next_output_byte = d->buf;
  d->pub.free_in_buffer = d->cap;
}

/* The buffer is full: a bigger one, the old one wiped. */
static boolean dest_empty(j_compress_ptr ci) {
  dest *d = (dest *)ci->dest;
  size_t ncap = d->cap * 2;
  unsigned char *nb = malloc(ncap);
  if (!nb) {
    d->nomem = 1;
    ci->err->error_exit((j_common_ptr)ci); /* longjmps */
  }
  memcpy(nb, d->buf, d->cap);
  sodium_memzero(d->buf, d->cap);
  free(d->buf);
  d->pub.next_output_byte = nb + d->cap;
  d->pub.free_in_buffer = ncap - d->cap;
  d->buf = nb;
  d->cap = ncap;
  return TRUE;
}

static void dest_term(j_compress_ptr ci) { (void)ci; }

kerr camera_jpeg_encode(const camera_image *im, int quality_in,
                        camera_still *out) {
  struct jpeg_compress_struct ci;
  /* volatile: read after the setjmp below */
  volatile int quality = quality_in >= 1 && quality_in <= 100 ? quality_in : 70;
  jerr e;
  dest d;
  memset(out, 0, sizeof *out);
  if (!im || !im->rgb || im->w <= 0 || im->h <= 0 || im->w > 65500 ||
      im->h > 65500)
    return KERR_INVALID;
  memset(&d, 0, sizeof d);
  /* A page at quality 70 is some 0.2 bytes a pixel; start near that. */
  d.cap = (size_t)im->w * (size_t)im->h / 4u + 4096u;
  d.buf = malloc(d.cap);
  if (!d.buf)
    return KERR_NOMEM;
  ci.err = jpeg_std_error(&e.pub);
  e.pub.error_exit = jerr_exit;
  e.pub.output_message = jerr_quiet;
  if (setjmp(e.jb)) {
    jpeg_destroy_compress(&ci);
    sodium_memzero(d.buf, d.cap);
    free(d.buf);
    return d.nomem ? KERR_NOMEM : KERR_INTERNAL;
  }
  jpeg_create_compress(&ci);
  d.pub.init_destination = dest_init;
  d.pub.empty_output_buffer = dest_empty;
  d.pub.term_destination = dest_term;
  ci.dest = &d.pub;
  ci.image_width = (JDIMENSION)im->w;
  ci.image_height = (JDIMENSION)im->h;
  ci.input_components = 3;
  ci.in_color_space = JCS_RGB;
  jpeg_set_defaults(&ci);
  jpeg_set_quality(&ci, quality, TRUE);
  ci.optimize_coding = TRUE; /* smaller, the same picture */
  jpeg_start_compress(&ci, TRUE);
  while (ci.next_scanline < ci.image_height) {
    JSAMPROW row = im->rgb + (size_t)ci.next_scanline * (size_t)im->w * 3u;
    jpeg_write_scanlines(&ci, &row, 1);
  }
  jpeg_finish_compress(&ci);
  size_t used = d.cap - d.pub.free_in_buffer;
  jpeg_destroy_compress(&ci);
  out->jpeg = d.buf;
  out->len = used;
  out->w = im->w;
  out->h = im->h;
  /* the tail past `used` held nothing yet; the caller wipes out->len */
  sodium_memzero(d.buf + used, d.cap - used);
  return KERR_OK;
}

/* ---- the page's box ---------------------------------------------------- */

static int luma(const unsigned char *p) {
  return (p[0] * 77 + p[1] * 150 + p[2] * 29) >> 8;
}

/* Otsu's threshold of a 256-bin histogram; -1 when the two classes'
 * means are closer than min_gap (no clear page). */
static int otsu(const unsigned long long *hist, unsigned long long n,
                int min_gap) {
  double sum = 0;
  for (int i = 0; i < 256; i++)
    sum += (double)i * (double)hist[i];
  double sum_b = 0, best = -1;
  unsigned long long w_b = 0;
  int t = -1;
  double mb = 0, mf = 0;
  for (int i = 0; i < 256; i++) {
    w_b += hist[i];
    if (!w_b)
      continue;
    unsigned long long w_f = n - w_b;
    if (!w_f)
      break;
    sum_b += (double)i * (double)hist[i];
    double m_b = sum_b / (double)w_b, m_f = (sum - sum_b) / (double)w_f;
    double between = (double)w_b * (double)w_f * (m_b - m_f) * (m_b - m_f);
    if (between > best) {
      best = between;
      t = i;
      mb = m_b;
      mf = m_f;
    }
  }
  return t >= 0 && mf - mb >= min_gap ? t : -1;
}

/* The longest run of entries >= need in v[0..n), bridging gaps of at most
 * gap entries (a dark line of text across the page). */
static void longest_run(const int *v, int n, int need, int gap, int *from,
                        int *len) {
  int best_a = 0, best_n = 0;
  int a = -1, last = -1;
  for (int i = 0; i <= n; i++) {
    int on = i < n && v[i] >= need;
    if (on) {
      if (a < 0 || i - last > gap + 1)
        a = i;
      last = i;
    }
    if (a >= 0 && (i == n || (!on && i - last > gap))) {
      if (last - a + 1 > best_n) {
        best_a = a;
        best_n = last - a + 1;
      }
      a = -1;
    }
  }
  *from = best_a;
  *len = best_n;
}

camera_box camera_crop(const camera_image *im) {
  camera_box whole = {0, 0, im ? im->w : 0, im ? im->h : 0};
  if (!im || !im->rgb || im->w < 16 || im->h < 16)
    return whole;
  /* Work on every step-th pixel: a page is big, the box need not be
   * exact to the pixel. */
  int step = (im->w > im->h ? im->w : im->h) / 400;
  if (step < 1)
    step = 1;
  int gw = (im->w + step - 1) / step, gh = (im->h + step - 1) / step;
  unsigned long long hist[256] = {0}, n = 0;
  for (int y = 0; y < im->h; y += step)
    for (int x = 0; x < im->w; x += step) {
      hist[luma(im->rgb + ((size_t)y * (size_t)im->w + (size_t)x) * 3u)]++;
      n++;
    }
  int t = otsu(hist, n, 40);
  if (t < 0)
    return whole;
  int *rows = calloc((size_t)gh, sizeof *rows);
  int *cols = calloc((size_t)gw, sizeof *cols);
  camera_box b = whole;
  if (!rows || !cols)
    goto out;
  for (int gy = 0; gy < gh; gy++)
    for (int gx = 0; gx < gw; gx++) {
      const unsigned char *p =
          im->rgb + ((size_t)(gy * step) * (size_t)im->w + (size_t)(gx * step)) *
                        3u;
      rows[gy] += luma(p) > t;
    }
  /* Rows where at least a quarter of the frame is bright. */
  int ry, rn;
  longest_run(rows, gh, gw / 4, gh / 25, &ry, &rn);
  if (rn < gh / 8)
    goto out;
  for (int gy = ry; gy < ry + rn; gy++)
    for (int gx = 0; gx < gw; gx++) {
      const unsigned char *p =
          im->rgb + ((size_t)(gy * step) * (size_t)im->w + (size_t)(gx * step)) *
                        3u;
      cols[gx] += luma(p) > t;
    }
  int cx, cn;
  longest_run(cols, gw, rn / 2, gw / 25, &cx, &cn);
  if (cn < gw / 8 || (long long)cn * rn < (long long)gw * gh / 8)
    goto out;
  /* A margin of one sample step and a little more, inside the frame. */
  int m = step + (im->w > im->h ? im->w : im->h) / 200;
  int x0 = cx * step - m, y0 = ry * step - m;
  int x1 = (cx + cn) * step + m, y1 = (ry + rn) * step + m;
  if (x0 < 0)
    x0 = 0;
  if (y0 < 0)
    y0 = 0;
  if (x1 > im->w)
    x1 = im->w;
  if (y1 > im->h)
    y1 = im->h;
  b = (camera_box){x0, y0, x1 - x0, y1 - y0};
out:
  free(rows);
  free(cols);
  return b;
}

/* ---- scaling ----------------------------------------------------------- */

kerr camera_scale(const camera_image *im, camera_box b, int side,
                  camera_image *out) {
  memset(out, 0, sizeof *out);
  if (!im || !im->rgb || b.w <= 0 || b.h <= 0 || b.x < 0 || b.y < 0 ||
      b.x + b.w > im->w || b.y + b.h > im->h || side <= 0)
    return KERR_INVALID;
  int lng = b.w > b.h ? b.w : b.h;
  int ow = b.w, oh = b.h;
  if (lng > side) {
    ow = (int)((long long)b.w * side / lng);
    oh = (int)((long long)b.h * side / lng);
    if (ow < 1)
      ow = 1;
    if (oh < 1)
      oh = 1;
  }
  size_t len = (size_t)ow * (size_t)oh * 3u;
  unsigned char *px = malloc(len);
  if (!px)
    return KERR_NOMEM;
  for (int oy = 0; oy < oh; oy++) {
    int sy0 = b.y + (int)((long long)oy * b.h / oh);
    int sy1 = b.y + (int)((long long)(oy + 1) * b.h / oh);
    if (sy1 <= sy0)
      sy1 = sy0 + 1;
    for (int ox = 0; ox < ow; ox++) {
      int sx0 = b.x + (int)((long long)ox * b.w / ow);
      int sx1 = b.x + (int)((long long)(ox + 1) * b.w / ow);
      if (sx1 <= sx0)
        sx1 = sx0 + 1;
      unsigned acc[3] = {0, 0, 0}, cnt = 0;
      for (int sy = sy0; sy < sy1; sy++) {
        const unsigned char *p =
            im->rgb + ((size_t)sy * (size_t)im->w + (size_t)sx0) * 3u;
        for (int sx = sx0; sx < sx1; sx++, p += 3) {
          acc[0] += p[0];
          acc[1] += p[1];
          acc[2] += p[2];
          cnt++;
        }
      }
      unsigned char *q = px + ((size_t)oy * (size_t)ow + (size_t)ox) * 3u;
      q[0] = (unsigned char)(acc[0] / cnt);
      q[1] = (unsigned char)(acc[1] / cnt);
      q[2] = (unsigned char)(acc[2] / cnt);
    }
  }
  out->rgb = px;
  out->w = ow;
  out->h = oh;
  return KERR_OK;
}
