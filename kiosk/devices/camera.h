/* camera: the document camera (高拍仪) that photographs the papers an
 * applicant brought, behind a small interface (no SDL here).
 * docs/devices.md, "The document camera".
 *
 * Two implementations, chosen by configuration (camera.driver):
 *   - sim: the "page under the camera" is a JPEG file: the one named by
 *     camera_sim_show() (the script verb `camera show FILE`), else the
 *     newest *.jpg in a watched folder (camera.sim_dir). Nothing shown:
 *     an empty camera, no frame;
 *   - v4l2: a UVC document camera (/dev/video0) through libv4l2, opened
 *     with dlopen on first use (devices/dynload.h), which converts
 *     whatever the camera sends (MJPEG, YUYV) to RGB24. The device is
 *     open (streaming) only while the preview runs; otherwise it is
 *     looked at every 2 s: one that is not there (or goes away, in use or
 *     not) is ABSENT, one plugged in later becomes CONNECTED (hot-plug).
 *
 * One worker thread owns the device. While the preview runs
 * (camera_start) it keeps the latest frame, scaled down for the screen;
 * camera_snap() asks it for the next full-resolution frame, which it crops
 * to the page (camera_crop), scales to CAMERA_STILL_SIDE and encodes as a
 * JPEG (camera_jpeg_encode) — all off the UI thread — and keeps it until
 * taken (camera_take_still).
 *
 * Invariants: every buffer that held pixels or JPEG bytes (frames, stills,
 * the simulator's file) is wiped with sodium_memzero before it is freed or
 * reused; nothing is written to disk; nothing about a picture is logged
 * beyond its size. camera_stop() and camera_close() wipe what is held. */
#ifndef KIOSK_DEVICES_CAMERA_H
#define KIOSK_DEVICES_CAMERA_H

#include <stddef.h>

#include "core/kerr.h"

#define CAMERA_STILL_SIDE 1600   /* long side of a kept page, pixels */
#define CAMERA_PREVIEW_SIDE 800  /* long side of a preview frame */
#define CAMERA_MAX_PIXELS (40u * 1000u * 1000u) /* a frame or JPEG decoded */
#define CAMERA_SIM_FILE_MAX (16u * 1024u * 1024u) /* a simulator's JPEG */

typedef enum camera_driver {
  CAMERA_DRIVER_NONE = 0, /* no camera configured */
  CAMERA_DRIVER_SIM,
  CAMERA_DRIVER_V4L2
} camera_driver;

typedef enum camera_state {
  CAMERA_ABSENT = 0, /* none configured, or none there (没有接) */
  CAMERA_CONNECTED,  /* ready (已连接) */
  CAMERA_ERROR       /* there but failing (出了故障) */
} camera_state;

/* An RGB picture, 3 bytes a pixel, rows packed (stride w * 3). Owned by
 * whoever holds it; camera_image_wipe() wipes and frees the pixels. */
typedef struct camera_image {
  unsigned char *rgb;
  int w, h;
} camera_image;

void camera_image_wipe(camera_image *im);

/* A page photographed: a JPEG (heap) and its size in pixels. */
typedef struct camera_still {
  unsigned char *jpeg;
  size_t len;
  int w, h;
} camera_still;

void camera_still_wipe(camera_still *s);

/* ---- pictures (pure; used by the worker and by tests) ------------------- */

/* Bytes of libjpeg's own working memory wiped so far: nonzero once a JPEG
 * was decoded or encoded, when libjpeg's memory calls reach the kiosk's
 * (camera_image.c). For tests. */
unsigned long long camera_jpeg_wiped(void);

/* Decodes a JPEG into *out (RGB). KERR_PARSE for what is not a JPEG,
 * KERR_LIMIT beyond CAMERA_MAX_PIXELS, KERR_NOMEM. */
kerr camera_jpeg_decode(const unsigned char *jpeg, size_t len,
                        camera_image *out);

/* Encodes im as a baseline JFIF JPEG at quality (1..100) into *out (a new
 * heap buffer the caller wipes; *out->w/h set). The encoder writes only
 * into buffers of ours, wiped when they grow. KERR_INVALID, KERR_NOMEM. */
kerr camera_jpeg_encode(const camera_image *im, int quality,
                        camera_still *out);

/* The page in a frame: the bounding box of the bright sheet against a
 * darker table. Rows and columns where most pixels are brighter than the
 * frame's Otsu threshold, the longest such run each way, with a small
 * margin. When the frame has no clear page (too little contrast, a box
 * smaller than an eighth of the frame) the whole frame. */
typedef struct camera_box {
  int x, y, w, h;
} camera_box;
camera_box camera_crop(const camera_image *im);

/* Copies box b of im scaled (area average) so its long side is at most
 * side, into *out. KERR_INVALID for an empty box, KERR_NOMEM. */
kerr camera_scale(const camera_image *im, camera_box b, int side,
                  camera_image *out);

/* ---- the device -------------------------------------------------------- */

/* Called on the worker thread: CAMERA_EV_FRAME a new preview frame,
 * CAMERA_EV_STILL a snap finished (taken or failed), CAMERA_EV_STATE the
 * state changed. Must be thread-safe and must not block. */
#define CAMERA_EV_FRAME 1
#define CAMERA_EV_STILL 2
#define CAMERA_EV_STATE 3
typedef void (*camera_notify)(void *ud, int code);

typedef struct camera_config {
  camera_driver driver;
  const char *device;  /* v4l2: "/dev/video0" */
  const char *sim_dir; /* sim: watched folder; NULL or "": none */
  int quality;         /* JPEG quality of a still, 1..100; 0: 70 */
  int frame_ms;        /* preview interval; 0: 200 */
  int probe_ms;        /* v4l2 absent: how often it is looked for; 0: 2000 */
  camera_notify notify;
  void *notify_ud;
} camera_config;

typedef struct camera camera;

/* Opens the camera of c->driver and starts its worker (which opens the
 * device). CAMERA_DRIVER_NONE gives a camera that is always ABSENT.
 * KERR_INVALID (v4l2 without a device), KERR_NOMEM, KERR_INTERNAL. */
kerr camera_open(const camera_config *c, camera **out);
/* Stops the worker, closes the device, wipes everything. NULL is fine. */
void camera_close(camera *c);

camera_state camera_get_state(camera *c);
camera_driver camera_get_driver(const camera *c);

/* Starts the preview (frames every frame_ms). KERR_STATE when not
 * CONNECTED. */
kerr camera_start(camera *c);
/* Stops the preview; wipes the frame, a snap pending and a still not
 * taken. */
void camera_stop(camera *c);

/* The latest preview frame, copied into *out (the caller wipes it) when
 * it is newer than *seq (which is then updated): 1; else 0. */
int camera_frame(camera *c, camera_image *out, unsigned *seq);

/* Asks for a still from the next frame. KERR_STATE when the preview is
 * not running, KERR_BUSY while one is being taken. */
kerr camera_snap(camera *c);
/* 1 while a snap is being taken. */
int camera_snapping(camera *c);

typedef enum camera_snap_outcome {
  CAMERA_SNAP_OK = 0,
  CAMERA_SNAP_NOTHING, /* no frame came (nothing under the sim, a timeout) */
  CAMERA_SNAP_FAILED   /* the device failed or went away, or no memory */
} camera_snap_outcome;

/* Takes the result of the last snap: 1 with *outcome (and, for OK, *out:
 * the caller owns and wipes it); 0 when there is none. */
int camera_take_still(camera *c, camera_still *out,
                      camera_snap_outcome *outcome);

/* Waits (real time, at most timeout_ms) until no snap is pending and, with
 * the preview on, a frame of the page shown now is out. For tests and
 * scripts. KERR_BUSY on timeout. */
kerr camera_wait(camera *c, int timeout_ms);

/* sim: the JPEG file that lies under the camera now (path copied); NULL
 * or "" takes it away. KERR_STATE for another driver. */
kerr camera_sim_show(camera *c, const char *path);

#endif
