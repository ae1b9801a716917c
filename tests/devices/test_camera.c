/* Tests for the document camera (devices/camera.h, camera_pages.h): the
 * page's box on synthetic frames, the JPEG round trip, scaling, the pages'
 * limits, the simulator (a page shown, a still taken, cropped and
 * encoded; nothing shown), and a V4L2 camera that is not there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "core/config.h"
#include "devices/camera.h"
#include "devices/camera_pages.h"
#include "synth_page.h"

#define PAGES KIOSK_TEST_DATA "/devices/camera/"

static int near(int a, int b, int tol) { return abs(a - b) <= tol; }

/* The box found for a sheet at `box` in a w x h frame contains the sheet
 * and is at most a small margin larger. */
static void crop_case(int w, int h, camera_box box, int lines) {
  camera_image im = {0};
  CHECK(synth_frame(&im, w, h, box, 7, lines));
  camera_box b = camera_crop(&im);
  int tol = (w > h ? w : h) / 50 + 4;
  if (!near(b.x, box.x, tol) || !near(b.y, box.y, tol) ||
      !near(b.w, box.w, 2 * tol) || !near(b.h, box.h, 2 * tol))
    fprintf(stderr, "crop %dx%d: want %d,%d %dx%d got %d,%d %dx%d\n", w, h,
            box.x, box.y, box.w, box.h, b.x, b.y, b.w, b.h);
  CHECK(near(b.x, box.x, tol) && near(b.y, box.y, tol));
  CHECK(near(b.w, box.w, 2 * tol) && near(b.h, box.h, 2 * tol));
  CHECK(b.x <= box.x && b.y <= box.y);
  CHECK(b.x + b.w >= box.x + box.w - 1 && b.y + b.h >= box.y + box.h - 1);
  camera_image_wipe(&im);
}

static void test_crop(void) {
  crop_case(1280, 960, (camera_box){330, 70, 620, 830}, 22); /* portrait */
  crop_case(1280, 960, (camera_box){180, 140, 900, 640}, 16); /* landscape */
  crop_case(2592, 1944, (camera_box){700, 100, 1300, 1750}, 30);
  crop_case(640, 480, (camera_box){20, 30, 300, 420}, 12); /* off-centre */
  crop_case(800, 1000, (camera_box){100, 100, 600, 800}, 0); /* blank sheet */

  /* No page: the table alone, a white frame, a sheet too small. */
  camera_image im = {0};
  CHECK(synth_frame(&im, 640, 480, (camera_box){0, 0, 0, 0}, 1, 0));
  camera_box b = camera_crop(&im);
  CHECK(b.x == 0 && b.y == 0 && b.w == 640 && b.h == 480);
  memset(im.rgb, 250, (size_t)640 * 480 * 3);
  b = camera_crop(&im);
  CHECK(b.x == 0 && b.y == 0 && b.w == 640 && b.h == 480);
  camera_image_wipe(&im);
  CHECK(synth_frame(&im, 640, 480, (camera_box){300, 200, 60, 60}, 1, 0));
  b = camera_crop(&im);
  CHECK(b.w == 640 && b.h == 480);
  camera_image_wipe(&im);
  CHECK(im.rgb == NULL && im.w == 0);
}

static void test_jpeg(void) {
  camera_image im = {0}, back = {0};
  camera_still st = {0};
  CHECK(synth_frame(&im, 1280, 960, (camera_box){330, 70, 620, 830}, 1, 22));
  CHECK_INT(camera_jpeg_encode(&im, 70, &st), KERR_OK);
  CHECK(st.len > 1000 && st.len < 400000);
  CHECK(st.jpeg[0] == 0xFF && st.jpeg[1] == 0xD8 && st.jpeg[2] == 0xFF);
  CHECK(st.jpeg[st.len - 2] == 0xFF && st.jpeg[st.len - 1] == 0xD9);
  CHECK(st.w == 1280 && st.h == 960);
  unsigned long long wiped = camera_jpeg_wiped();
  CHECK(wiped > 0); /* libjpeg's working memory of the encode was wiped */
  CHECK_INT(camera_jpeg_decode(st.jpeg, st.len, &back), KERR_OK);
  CHECK(camera_jpeg_wiped() > wiped); /* and the decode's */
  CHECK(back.w == 1280 && back.h == 960);
  unsigned long long err = 0;
  for (size_t i = 0; i < (size_t)1280 * 960 * 3; i++)
    err += (unsigned long long)abs(im.rgb[i] - back.rgb[i]);
  double mae = (double)err / (1280.0 * 960.0 * 3.0);
  CHECK(mae < 4.0);
  /* The page is still found after the round trip. */
  camera_box b = camera_crop(&back);
  CHECK(near(b.x, 330, 30) && near(b.w, 620, 60));
  /* Lower quality, smaller file. */
  camera_still low = {0};
  CHECK_INT(camera_jpeg_encode(&im, 30, &low), KERR_OK);
  CHECK(low.len < st.len);
  camera_still_wipe(&low);
  /* Not a JPEG, a cut one, nothing. */
  unsigned char junk[64];
  memset(junk, 0x55, sizeof junk);
  camera_image bad = {0};
  CHECK_INT(camera_jpeg_decode(junk, sizeof junk, &bad), KERR_PARSE);
  CHECK(bad.rgb == NULL);
  CHECK_INT(camera_jpeg_decode(NULL, 0, &bad), KERR_PARSE);
  junk[0] = 0xFF;
  junk[1] = 0xD8;
  CHECK(camera_jpeg_decode(junk, sizeof junk, &bad) != KERR_OK);
  CHECK(bad.rgb == NULL);
  kerr e = camera_jpeg_decode(st.jpeg, 300, &bad); /* the header only */
  if (e == KERR_OK)
    CHECK(bad.w == 1280 && bad.h == 960); /* libjpeg fills what is missing */
  camera_image_wipe(&bad);
  camera_image empty = {0};
  camera_still none = {0};
  CHECK_INT(camera_jpeg_encode(&empty, 70, &none), KERR_INVALID);
  camera_image_wipe(&im);
  camera_image_wipe(&back);
  camera_still_wipe(&st);
  CHECK(st.jpeg == NULL && st.len == 0);
}

static void test_scale(void) {
  camera_image im = {0}, out = {0};
  CHECK(synth_frame(&im, 2592, 1944, (camera_box){700, 100, 1300, 1750}, 2,
                    10));
  CHECK_INT(camera_scale(&im, (camera_box){700, 100, 1300, 1750}, 1600, &out),
            KERR_OK);
  CHECK(out.h == 1600 && near(out.w, 1300 * 1600 / 1750, 1));
  /* the sheet's corner is white, the table is not in it */
  CHECK(out.rgb[0] == SYNTH_SHEET && out.rgb[1] == SYNTH_SHEET);
  camera_image_wipe(&out);
  /* smaller than the side: copied as it is */
  CHECK_INT(camera_scale(&im, (camera_box){0, 0, 100, 50}, 1600, &out),
            KERR_OK);
  CHECK(out.w == 100 && out.h == 50);
  CHECK(out.rgb[0] == SYNTH_TABLE - 4);
  camera_image_wipe(&out);
  CHECK_INT(camera_scale(&im, (camera_box){2500, 0, 200, 10}, 1600, &out),
            KERR_INVALID);
  CHECK_INT(camera_scale(&im, (camera_box){0, 0, 0, 10}, 1600, &out),
            KERR_INVALID);
  camera_image_wipe(&im);
}

static camera_still fake_still(size_t len) {
  camera_still s = {0};
  s.jpeg = malloc(len);
  CHECK(s.jpeg != NULL);
  memset(s.jpeg, 0xAB, len);
  s.jpeg[0] = 0xFF;
  s.jpeg[1] = 0xD8;
  s.len = len;
  s.w = 1200;
  s.h = 1600;
  return s;
}

static void test_limits(void) {
  camera_pages ps;
  camera_pages_init(&ps, NULL);
  CHECK_INT(ps.lim.per_material, 6);
  CHECK_INT(ps.lim.max_pages, 24);
  CHECK(ps.lim.max_bytes == 4u * 1024u * 1024u);
  /* six pages of one material, the seventh refused and left with us */
  for (int i = 0; i < 6; i++) {
    camera_still s = fake_still(1000 + (size_t)i);
    CHECK_INT(camera_pages_add(&ps, 0, &s), CAMERA_PAGES_OK);
    CHECK(s.jpeg == NULL);
  }
  CHECK_INT(camera_pages_room(&ps, 0), CAMERA_PAGES_MATERIAL_FULL);
  camera_still s7 = fake_still(10);
  CHECK_INT(camera_pages_add(&ps, 0, &s7), CAMERA_PAGES_MATERIAL_FULL);
  CHECK(s7.jpeg != NULL);
  camera_still_wipe(&s7);
  CHECK_INT(camera_pages_count(&ps, 0), 6);
  CHECK_INT(camera_pages_room(&ps, 1), CAMERA_PAGES_OK);
  /* removing page 2 renumbers the rest */
  CHECK_INT(camera_pages_remove(&ps, 0, 1), KERR_OK);
  CHECK_INT(camera_pages_count(&ps, 0), 5);
  CHECK(camera_pages_at(&ps, 0, 1)->still.len == 1002);
  CHECK(ps.bytes == 1000 + 1002 + 1003 + 1004 + 1005);
  CHECK_INT(camera_pages_remove(&ps, 0, 5), KERR_NOTFOUND);
  CHECK_INT(camera_pages_remove(&ps, 3, 0), KERR_NOTFOUND);
  CHECK(camera_pages_at(&ps, 0, 7) == NULL);
  /* 24 pages in all */
  for (int m = 1; ps.n < 24; m++)
    for (int k = 0; k < 6 && ps.n < 24; k++) {
      camera_still s = fake_still(100);
      CHECK_INT(camera_pages_add(&ps, m, &s), CAMERA_PAGES_OK);
    }
  CHECK_INT(camera_pages_room(&ps, 20), CAMERA_PAGES_TOO_MANY);
  camera_still s25 = fake_still(100);
  CHECK_INT(camera_pages_add(&ps, 20, &s25), CAMERA_PAGES_TOO_MANY);
  camera_still_wipe(&s25);
  camera_pages_clear(&ps);
  CHECK(ps.n == 0 && ps.bytes == 0 && ps.p[0].still.jpeg == NULL);

  /* the bytes: 4 MiB of JPEG in all */
  camera_pages_limits lim = {.per_material = 2, .max_bytes = 10000};
  camera_pages_init(&ps, &lim);
  camera_still a = fake_still(6000), b = fake_still(5000), c = fake_still(4000);
  CHECK_INT(camera_pages_add(&ps, 0, &a), CAMERA_PAGES_OK);
  CHECK_INT(camera_pages_add(&ps, 1, &b), CAMERA_PAGES_TOO_BIG);
  CHECK(b.jpeg != NULL);
  CHECK_INT(camera_pages_add(&ps, 1, &c), CAMERA_PAGES_OK);
  CHECK_INT(camera_pages_room(&ps, 2), CAMERA_PAGES_TOO_BIG);
  CHECK_INT(camera_pages_add(&ps, 0, &b), CAMERA_PAGES_TOO_BIG);
  camera_still_wipe(&b);
  CHECK_INT(camera_pages_remove(&ps, 0, 0), KERR_OK);
  CHECK_INT(camera_pages_room(&ps, 2), CAMERA_PAGES_OK);
  camera_pages_clear(&ps);
}

static int wait_state(camera *c, camera_state want, int ms) {
  for (int i = 0; i < ms / 10; i++) {
    if (camera_get_state(c) == want)
      return 1;
    struct timespec t = {0, 10 * 1000000L};
    nanosleep(&t, NULL);
  }
  return camera_get_state(c) == want;
}

static int wait_still(camera *c, camera_still *st, camera_snap_outcome *oc) {
  for (int i = 0; i < 500; i++) {
    if (camera_take_still(c, st, oc))
      return 1;
    struct timespec t = {0, 10 * 1000000L};
    nanosleep(&t, NULL);
  }
  return 0;
}

static int copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  char buf[4096];
  size_t n;
  int ok = in && out;
  while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
    ok = fwrite(buf, 1, n, out) == n;
  if (in)
    fclose(in);
  if (out)
    ok = fclose(out) == 0 && ok;
  return ok;
}

/* A frame with a picture, within 5 s. */
static int wait_frame(camera *c, camera_image *f, unsigned *seq) {
  for (int i = 0; i < 500; i++) {
    if (camera_frame(c, f, seq) && f->rgb)
      return 1;
    camera_image_wipe(f);
    struct timespec t = {0, 10 * 1000000L};
    nanosleep(&t, NULL);
  }
  return 0;
}

static void test_sim(void) {
  camera_config cfg = {.driver = CAMERA_DRIVER_SIM, .frame_ms = 20};
  camera *c = NULL;
  CHECK_INT(camera_open(&cfg, &c), KERR_OK);
  CHECK(wait_state(c, CAMERA_CONNECTED, 2000));
  CHECK_INT(camera_snap(c), KERR_STATE); /* no preview yet */
  CHECK_INT(camera_start(c), KERR_OK);
  CHECK_INT(camera_wait(c, 3000), KERR_OK);
  camera_image f = {0};
  unsigned seq = 0;
  /* nothing under the camera: a frame that is empty */
  CHECK(camera_frame(c, &f, &seq) == 1 && f.rgb == NULL);
  CHECK_INT(camera_snap(c), KERR_OK);
  camera_still st = {0};
  camera_snap_outcome oc = CAMERA_SNAP_OK;
  CHECK(wait_still(c, &st, &oc));
  CHECK_INT(oc, CAMERA_SNAP_NOTHING);
  CHECK(st.jpeg == NULL);
  /* a page shown: the preview is scaled for the screen */
  CHECK_INT(camera_sim_show(c, PAGES "page1.jpg"), KERR_OK);
  CHECK_INT(camera_wait(c, 3000), KERR_OK);
  CHECK(camera_frame(c, &f, &seq) == 1 && f.rgb != NULL);
  CHECK(f.w == CAMERA_PREVIEW_SIDE && f.h == 600);
  camera_image_wipe(&f);
  CHECK(camera_frame(c, &f, &seq) == 0); /* nothing newer */
  /* a still: the sheet cropped from the table, a JPEG */
  CHECK_INT(camera_snap(c), KERR_OK);
  CHECK(wait_still(c, &st, &oc));
  CHECK_INT(oc, CAMERA_SNAP_OK);
  CHECK(st.jpeg && st.len > 1000 && st.jpeg[0] == 0xFF && st.jpeg[1] == 0xD8);
  CHECK(near(st.w, 620, 40) && near(st.h, 830, 40));
  camera_image dec = {0};
  CHECK_INT(camera_jpeg_decode(st.jpeg, st.len, &dec), KERR_OK);
  CHECK(dec.w == st.w && dec.h == st.h);
  camera_image_wipe(&dec);
  camera_still_wipe(&st);
  /* another page, then the empty table (the whole frame is kept) */
  CHECK_INT(camera_sim_show(c, PAGES "page2.jpg"), KERR_OK);
  CHECK_INT(camera_snap(c), KERR_OK);
  CHECK(wait_still(c, &st, &oc));
  CHECK_INT(oc, CAMERA_SNAP_OK);
  CHECK(near(st.w, 900, 40) && near(st.h, 640, 40));
  camera_still_wipe(&st);
  CHECK_INT(camera_sim_show(c, PAGES "empty.jpg"), KERR_OK);
  CHECK_INT(camera_snap(c), KERR_OK);
  CHECK(wait_still(c, &st, &oc));
  CHECK_INT(oc, CAMERA_SNAP_OK);
  CHECK(st.w == 1280 && st.h == 960);
  camera_still_wipe(&st);
  /* a file that is not a JPEG: nothing there */
  CHECK_INT(camera_sim_show(c, KIOSK_TEST_DATA "/devices/strokes.txt"),
            KERR_OK);
  CHECK_INT(camera_snap(c), KERR_OK);
  CHECK(wait_still(c, &st, &oc));
  CHECK_INT(oc, CAMERA_SNAP_NOTHING);
  /* stop wipes the frame; a snap needs the preview */
  camera_stop(c);
  CHECK_INT(camera_snap(c), KERR_STATE);
  CHECK(camera_frame(c, &f, &seq) == 1 && f.rgb == NULL);
  camera_close(c);

  /* The watched folder: its newest JPEG is the page under the camera. */
  char dir[] = "/tmp/kiosk-camera-sim-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char sim_dir[128], dst[256];
  snprintf(sim_dir, sizeof sim_dir, "%s/pages", dir);
  camera_config dc = {.driver = CAMERA_DRIVER_SIM, .sim_dir = sim_dir,
                      .frame_ms = 20};
  CHECK_INT(camera_open(&dc, &c), KERR_OK);
  CHECK(wait_state(c, CAMERA_CONNECTED, 2000));
  CHECK_INT(access(sim_dir, F_OK), 0); /* the folder is made */
  CHECK_INT(camera_start(c), KERR_OK);
  snprintf(dst, sizeof dst, "%s/a.jpg", sim_dir);
  CHECK(copy_file(PAGES "page1.jpg", dst));
  CHECK(wait_frame(c, &f, &seq));
  CHECK(f.w == CAMERA_PREVIEW_SIDE);
  camera_image_wipe(&f);
  CHECK_INT(camera_snap(c), KERR_OK);
  CHECK(wait_still(c, &st, &oc));
  CHECK(oc == CAMERA_SNAP_OK && near(st.w, 620, 40));
  camera_still_wipe(&st);
  /* a newer file is the next page */
  struct timespec later = {0, 20 * 1000000L};
  nanosleep(&later, NULL);
  snprintf(dst, sizeof dst, "%s/b.jpg", sim_dir);
  CHECK(copy_file(PAGES "page2.jpg", dst));
  CHECK(wait_frame(c, &f, &seq));
  camera_image_wipe(&f);
  CHECK_INT(camera_snap(c), KERR_OK);
  CHECK(wait_still(c, &st, &oc));
  CHECK(oc == CAMERA_SNAP_OK && near(st.w, 900, 40));
  camera_still_wipe(&st);
  camera_close(c);
  unlink(dst);
  snprintf(dst, sizeof dst, "%s/a.jpg", sim_dir);
  unlink(dst);
  rmdir(sim_dir);
  rmdir(dir);

  /* A V4L2 camera that is not there: absent, nothing else. */
  camera_config vc = {.driver = CAMERA_DRIVER_V4L2,
                      .device = "/nonexistent/video9",
                      .probe_ms = 50};
  CHECK_INT(camera_open(&vc, &c), KERR_OK);
  struct timespec t = {0, 300 * 1000000L};
  nanosleep(&t, NULL);
  CHECK_INT(camera_get_state(c), CAMERA_ABSENT);
  CHECK_INT(camera_start(c), KERR_STATE);
  CHECK_INT(camera_get_driver(c), CAMERA_DRIVER_V4L2);
  camera_close(c);
  camera_config bad = {.driver = CAMERA_DRIVER_V4L2};
  CHECK_INT(camera_open(&bad, &c), KERR_INVALID);
  /* none: always absent */
  camera_config none = {.driver = CAMERA_DRIVER_NONE};
  CHECK_INT(camera_open(&none, &c), KERR_OK);
  CHECK_INT(camera_get_state(c), CAMERA_ABSENT);
  CHECK_INT(camera_sim_show(c, PAGES "page1.jpg"), KERR_STATE);
  camera_close(c);
}

/* camera.* in the configuration: defaults, values, refusals. */
static void test_config(void) {
  config c;
  char err[256];
  config_defaults(&c, KIOSK_SOURCE_DIR);
  CHECK_STR(c.camera_driver, "none");
  CHECK_STR(c.camera_device, "/dev/video0");
  CHECK_INT(c.camera_max_pages, 6);
  CHECK_INT(c.camera_max_bytes, 4 * 1024 * 1024);
  CHECK_INT(c.camera_quality, 70);
  CHECK_INT(config_set(&c, "camera.driver", "v4l2", err, sizeof err), KERR_OK);
  CHECK_STR(c.camera_driver, "v4l2");
  CHECK_INT(config_set(&c, "camera.driver", "sim", err, sizeof err), KERR_OK);
  CHECK_INT(config_set(&c, "camera.driver", "usb", err, sizeof err),
            KERR_INVALID);
  CHECK(strstr(err, "camera.driver") != NULL);
  CHECK_STR(c.camera_driver, "sim");
  CHECK(config_set(&c, "camera.max_pages_per_item", "25", err, sizeof err) !=
        KERR_OK);
  CHECK_INT(c.camera_max_pages, 6);
  CHECK_INT(config_set(&c, "camera.max_pages_per_item", "3", err, sizeof err),
            KERR_OK);
  CHECK_INT(c.camera_max_pages, 3);
  CHECK(config_set(&c, "camera.max_bytes", "5242880", err, sizeof err) !=
        KERR_OK);
  CHECK(config_set(&c, "camera.jpeg_quality", "100", err, sizeof err) !=
        KERR_OK);
  CHECK_INT(config_set(&c, "camera.device", "/dev/video2", err, sizeof err),
            KERR_OK);
  CHECK_STR(c.camera_device, "/dev/video2");
}

int main(void) {
  CHECK(sodium_init() >= 0);
  test_config();
  test_crop();
  test_jpeg();
  test_scale();
  test_limits();
  test_sim();
  return TEST_DONE();
}
