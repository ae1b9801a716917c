/* camera_v4l2: a UVC document camera through libv4l2 (see camera.h and
 * camera_private.h). Worker thread only.
 *
 * libv4l2 is opened on first use (devices/dynload.h), so a kiosk without a
 * camera never maps it. It converts whatever the camera sends (MJPEG,
 * YUYV, …) to RGB24 and emulates read() over the camera's streaming
 * buffers, so the adapter needs neither a decoder of its own nor mmap: one
 * format (the largest RGB24 size the device offers up to 2592x1944), read
 * frame by frame. The file is opened non-blocking: a read with no frame
 * ready says EAGAIN and the worker waits a little, so a camera that stops
 * sending never hangs the worker; a camera pulled out answers ENODEV (or
 * EIO) and the caller closes it and looks for it again. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/videodev2.h>
#include <sodium.h>

#include "core/log.h"
#include "devices/camera_private.h"
#include "devices/dynload.h"

#ifndef KIOSK_V4L2_SONAME
#define KIOSK_V4L2_SONAME "libv4l2.so.0"
#endif

#define WANT_W 2592
#define WANT_H 1944

/* libv4l2's calls (libv4l2.h), resolved by dynload. */
static int (*p_open)(const char *file, int oflag, ...);
static int (*p_close)(int fd);
static int (*p_ioctl)(int fd, unsigned long request, ...);
static ssize_t (*p_read)(int fd, void *buffer, size_t n);

struct camera_v4l2 {
  int fd;
  int w, h;
  size_t stride;    /* bytes per row as the library gives them */
  size_t frame_len; /* bytes of one frame (sizeimage) */
  unsigned char *buf;
};

/* Loaded once per process (a missing library is logged once, not at every
 * probe). */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;

static void load(void) {
  const dynload_sym syms[] = {
      {"v4l2_open", (void **)&p_open},
      {"v4l2_close", (void **)&p_close},
      {"v4l2_ioctl", (void **)&p_ioctl},
      {"v4l2_read", (void **)&p_read},
  };
  loaded = dynload(KIOSK_V4L2_SONAME, syms, sizeof syms / sizeof syms[0]) ==
           KERR_OK;
}

static int xioctl(int fd, unsigned long req, void *arg) {
  int r;
  do
    r = p_ioctl(fd, req, arg);
  while (r < 0 && errno == EINTR);
  return r;
}

void camera_v4l2_close(camera_v4l2 *v) {
  if (!v)
    return;
  if (v->fd >= 0 && p_close)
    p_close(v->fd);
  if (v->buf) {
    sodium_memzero(v->buf, v->frame_len);
    free(v->buf);
  }
  free(v);
}

camera_state camera_v4l2_open(const char *device, int quiet,
                              camera_v4l2 **out) {
  *out = NULL;
  pthread_once(&load_once, load);
  if (!loaded) {
    if (!quiet)
      LOG_E("camera", "libv4l2 (%s) cannot be loaded: no camera",
            KIOSK_V4L2_SONAME);
    return CAMERA_ABSENT;
  }
  int fd = p_open(device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (!quiet)
      LOG_W("camera", "no camera at %s: %s", device, strerror(err));
    /* Not allowed to open it is a setup fault (udev rule, group), not a
     * missing camera. */
    return err == EACCES || err == EPERM ? CAMERA_ERROR : CAMERA_ABSENT;
  }
  camera_v4l2 *v = calloc(1, sizeof *v);
  camera_state st = CAMERA_ERROR;
  if (!v) {
    p_close(fd);
    return CAMERA_ERROR;
  }
  v->fd = fd;
  struct v4l2_capability cap;
  memset(&cap, 0, sizeof cap);
  if (xioctl(fd, VIDIOC_QUERYCAP, &cap) < 0) {
    LOG_E("camera", "%s answers no VIDIOC_QUERYCAP: %s", device,
          strerror(errno));
    goto fail;
  }
  unsigned caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps
                                                           : cap.capabilities;
  if (!(caps & V4L2_CAP_VIDEO_CAPTURE) ||
      !(caps & (V4L2_CAP_READWRITE | V4L2_CAP_STREAMING))) {
    LOG_E("camera", "%s is not a video capture device", device);
    goto fail;
  }
  struct v4l2_format fmt;
  memset(&fmt, 0, sizeof fmt);
  fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  fmt.fmt.pix.width = WANT_W;
  fmt.fmt.pix.height = WANT_H;
  fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
  fmt.fmt.pix.field = V4L2_FIELD_ANY;
  if (xioctl(fd, VIDIOC_S_FMT, &fmt) < 0) {
    LOG_E("camera", "%s takes no RGB format: %s", device, strerror(errno));
    goto fail;
  }
  if (fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_RGB24 ||
      fmt.fmt.pix.width == 0 || fmt.fmt.pix.height == 0 ||
      (size_t)fmt.fmt.pix.width * fmt.fmt.pix.height > CAMERA_MAX_PIXELS) {
    LOG_E("camera", "%s gives no usable RGB picture", device);
    goto fail;
  }
  v->w = (int)fmt.fmt.pix.width;
  v->h = (int)fmt.fmt.pix.height;
  v->stride = fmt.fmt.pix.bytesperline >= fmt.fmt.pix.width * 3u
                  ? fmt.fmt.pix.bytesperline
                  : fmt.fmt.pix.width * 3u;
  v->frame_len = v->stride * (size_t)v->h;
  if (fmt.fmt.pix.sizeimage > v->frame_len)
    v->frame_len = fmt.fmt.pix.sizeimage;
  v->buf = malloc(v->frame_len);
  if (!v->buf)
    goto fail;
  LOG_I("camera", "camera at %s: %dx%d", device, v->w, v->h);
  *out = v;
  return CAMERA_CONNECTED;
fail:
  camera_v4l2_close(v);
  return st;
}

static void nap_ms(int ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
}

int camera_v4l2_grab(camera_v4l2 *v, camera_image *out, int timeout_ms) {
  memset(out, 0, sizeof *out);
  if (!v)
    return -1;
  int waited = 0;
  for (;;) {
    ssize_t n = p_read(v->fd, v->buf, v->frame_len);
    if (n >= (ssize_t)(v->stride * (size_t)(v->h - 1) + (size_t)v->w * 3u))
      break;
    if (n >= 0 || errno == EAGAIN || errno == EINTR) {
      /* no frame yet (or a short one): wait a little */
      if (waited >= timeout_ms)
        return 0;
      nap_ms(20);
      waited += 20;
      continue;
    }
    /* ENODEV, EIO …: the camera went away or broke */
    return -1;
  }
  size_t row = (size_t)v->w * 3u;
  out->rgb = malloc(row * (size_t)v->h);
  if (!out->rgb) {
    sodium_memzero(v->buf, v->frame_len);
    return 0;
  }
  for (int y = 0; y < v->h; y++)
    memcpy(out->rgb + row * (size_t)y, v->buf + v->stride * (size_t)y, row);
  sodium_memzero(v->buf, v->frame_len);
  out->w = v->w;
  out->h = v->h;
  return 1;
}
