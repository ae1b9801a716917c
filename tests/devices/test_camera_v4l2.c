/* The V4L2 adapter (kiosk/devices/camera_v4l2.c) against a fake libv4l2
 * (tests/devices/fake_v4l2.c, found first through LD_LIBRARY_PATH): a
 * camera there at start, its preview scaled for the screen and a still
 * cropped to the sheet (rows padded by the driver read right), the device
 * closed while the preview is off, pulled out while idle (absent) and
 * plugged in again (connected), pulled out while in use (a snap fails,
 * absent), a device that cannot capture and one without RGB (error), and
 * no device at all. Not a real camera: the fake gives what libv4l2's
 * documentation says it gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "devices/camera.h"

static void nap(int ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

static int wait_state(camera *c, camera_state want, int ms) {
  for (int i = 0; i < ms / 10 && camera_get_state(c) != want; i++)
    nap(10);
  return camera_get_state(c) == want;
}

static int wait_still(camera *c, camera_still *st, camera_snap_outcome *oc) {
  for (int i = 0; i < 500; i++) {
    if (camera_take_still(c, st, oc))
      return 1;
    nap(10);
  }
  return 0;
}

static void write_dev(const char *path, const char *kind) {
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) {
    fprintf(f, "%s\n", kind);
    fclose(f);
  }
}

static camera *open_cam(const char *dev) {
  camera_config cfg = {.driver = CAMERA_DRIVER_V4L2, .device = dev,
                       .frame_ms = 20, .probe_ms = 50};
  camera *c = NULL;
  CHECK_INT(camera_open(&cfg, &c), KERR_OK);
  return c;
}

int main(int argc, char **argv) {
  (void)argc;
  /* The loader reads LD_LIBRARY_PATH at start: run again with the fake's
   * folder first in it. */
  const char *lp = getenv("LD_LIBRARY_PATH");
  if (!lp || strncmp(lp, FAKE_V4L2_DIR, strlen(FAKE_V4L2_DIR)) != 0) {
    setenv("LD_LIBRARY_PATH", FAKE_V4L2_DIR, 1);
    execv("/proc/self/exe", argv);
    perror("execv");
    return 1;
  }
  CHECK(sodium_init() >= 0);
  char dir[] = "/tmp/kiosk-v4l2-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char dev[128];
  snprintf(dev, sizeof dev, "%s/video0", dir);

  /* There at start: frames, a still of the sheet. */
  write_dev(dev, "ok");
  camera *c = open_cam(dev);
  CHECK(wait_state(c, CAMERA_CONNECTED, 2000));
  CHECK_INT(camera_start(c), KERR_OK);
  camera_image f = {0};
  unsigned seq = 0;
  int got = 0;
  for (int i = 0; i < 300 && !got; i++) {
    got = camera_frame(c, &f, &seq) && f.rgb;
    if (!got)
      nap(10);
  }
  CHECK(got);
  CHECK(f.w == CAMERA_PREVIEW_SIDE && f.h == 600);
  /* no padding byte (0x77) made it into the picture */
  size_t pad = 0;
  for (size_t i = 0; f.rgb && i < (size_t)f.w * f.h * 3; i++)
    pad += f.rgb[i] == 0x77;
  CHECK(pad == 0);
  camera_image_wipe(&f);
  CHECK_INT(camera_snap(c), KERR_OK);
  camera_still st = {0};
  camera_snap_outcome oc = CAMERA_SNAP_FAILED;
  CHECK(wait_still(c, &st, &oc));
  CHECK_INT(oc, CAMERA_SNAP_OK);
  /* the sheet: 640x768 of the 1280x960 frame, plus a small margin */
  CHECK(st.w >= 640 && st.w <= 700 && st.h >= 768 && st.h <= 830);
  CHECK(st.jpeg && st.jpeg[0] == 0xFF && st.jpeg[1] == 0xD8);
  camera_still_wipe(&st);

  /* Preview off, then pulled out: absent; plugged in again: connected. */
  camera_stop(c);
  CHECK_INT(unlink(dev), 0);
  CHECK(wait_state(c, CAMERA_ABSENT, 2000));
  CHECK_INT(camera_start(c), KERR_STATE);
  write_dev(dev, "ok");
  CHECK(wait_state(c, CAMERA_CONNECTED, 2000));

  /* Pulled out while in use: absent, and a snap then fails. */
  CHECK_INT(camera_start(c), KERR_OK);
  nap(100);
  CHECK_INT(unlink(dev), 0);
  CHECK(wait_state(c, CAMERA_ABSENT, 3000));
  kerr e = camera_snap(c);
  CHECK(e == KERR_STATE || e == KERR_OK);
  if (e == KERR_OK) {
    CHECK(wait_still(c, &st, &oc));
    CHECK_INT(oc, CAMERA_SNAP_FAILED);
  }
  /* back while the preview is still on: frames again */
  write_dev(dev, "ok");
  CHECK(wait_state(c, CAMERA_CONNECTED, 3000));
  got = 0;
  for (int i = 0; i < 300 && !got; i++) {
    got = camera_frame(c, &f, &seq) && f.rgb;
    if (!got)
      nap(10);
  }
  CHECK(got);
  camera_image_wipe(&f);
  camera_close(c);

  /* Not a capture device; no RGB: error. No device: absent. */
  write_dev(dev, "nocapture");
  c = open_cam(dev);
  CHECK(wait_state(c, CAMERA_ERROR, 2000));
  camera_close(c);
  write_dev(dev, "yuyv");
  c = open_cam(dev);
  CHECK(wait_state(c, CAMERA_ERROR, 2000));
  camera_close(c);
  unlink(dev);
  c = open_cam(dev);
  nap(200);
  CHECK_INT(camera_get_state(c), CAMERA_ABSENT);
  camera_close(c);
  rmdir(dir);
  return TEST_DONE();
}
