/* A fake libv4l2 for devices_test_camera_v4l2: the four calls the kiosk's
 * V4L2 adapter (kiosk/devices/camera_v4l2.c) opens with dlopen, built as
 * libv4l2.so.0 in a folder of its own and found through LD_LIBRARY_PATH
 * before the real one. The "device" is a regular file whose first word
 * says what camera it is:
 *   ok         a capture device giving RGB24 (1280x960 at most, rows
 *              padded by 16 bytes), a white sheet on a grey plate; every
 *              other read has no frame yet (EAGAIN);
 *   nocapture  a device that cannot capture;
 *   yuyv       one that will not give RGB24.
 * Removing the file is pulling the camera out: reads fail with ENODEV. */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define W_MAX 1280
#define H_MAX 960
#define PAD 16

static char path[1024];
static char kind[16];
static unsigned w = W_MAX, h = H_MAX;
static int reads;

int v4l2_open(const char *file, int oflag, ...);
int v4l2_close(int fd);
int v4l2_ioctl(int fd, unsigned long request, ...);
ssize_t v4l2_read(int fd, void *buffer, size_t n);

int v4l2_open(const char *file, int oflag, ...) {
  (void)oflag;
  FILE *f = fopen(file, "r");
  if (!f) {
    errno = ENOENT;
    return -1;
  }
  if (fscanf(f, "%15s", kind) != 1)
    kind[0] = '\0';
  fclose(f);
  snprintf(path, sizeof path, "%s", file);
  reads = 0;
  return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int v4l2_close(int fd) { return close(fd); }

int v4l2_ioctl(int fd, unsigned long request, ...) {
  (void)fd;
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  if (request == VIDIOC_QUERYCAP) {
    struct v4l2_capability *c = arg;
    memset(c, 0, sizeof *c);
    c->device_caps = strcmp(kind, "nocapture") == 0
                         ? V4L2_CAP_VIDEO_OUTPUT
                         : V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
    c->capabilities = c->device_caps | V4L2_CAP_DEVICE_CAPS;
    return 0;
  }
  if (request == VIDIOC_S_FMT) {
    struct v4l2_format *f = arg;
    if (f->fmt.pix.width > W_MAX)
      f->fmt.pix.width = W_MAX;
    if (f->fmt.pix.height > H_MAX)
      f->fmt.pix.height = H_MAX;
    w = f->fmt.pix.width;
    h = f->fmt.pix.height;
    f->fmt.pix.pixelformat =
        strcmp(kind, "yuyv") == 0 ? V4L2_PIX_FMT_YUYV : V4L2_PIX_FMT_RGB24;
    f->fmt.pix.bytesperline = w * 3 + PAD;
    f->fmt.pix.sizeimage = (w * 3 + PAD) * h;
    return 0;
  }
  errno = EINVAL;
  return -1;
}

ssize_t v4l2_read(int fd, void *buffer, size_t n) {
  (void)fd;
  if (access(path, F_OK) != 0) {
    errno = ENODEV;
    return -1;
  }
  if (reads++ % 2 == 0) {
    errno = EAGAIN;
    return -1;
  }
  size_t bpl = w * 3 + PAD;
  if (n < bpl * h) {
    errno = EINVAL;
    return -1;
  }
  unsigned char *p = buffer;
  for (unsigned y = 0; y < h; y++) {
    unsigned char *row = p + bpl * y;
    for (unsigned x = 0; x < w; x++) {
      int sheet = x >= w / 4 && x < w / 4 + w / 2 && y >= h / 10 &&
                  y < h / 10 + h * 8 / 10;
      int ink = sheet && (y / 12) % 3 == 0 && x > w / 4 + 40 &&
                x < w / 4 + w / 2 - 60;
      unsigned char v = ink ? 40 : sheet ? 246 : 96;
      row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = v;
    }
    memset(row + w * 3, 0x77, PAD); /* padding: never part of a picture */
  }
  return (ssize_t)(bpl * h);
}
