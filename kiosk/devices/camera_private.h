/* camera_private: what camera.c shares with the V4L2 adapter
 * (camera_v4l2.c). Worker thread only. */
#ifndef KIOSK_DEVICES_CAMERA_PRIVATE_H
#define KIOSK_DEVICES_CAMERA_PRIVATE_H

#include "devices/camera.h"

typedef struct camera_v4l2 camera_v4l2;

/* Loads libv4l2 (first use) and opens device for capture in RGB24 at the
 * largest size it offers up to 2592x1944. Returns the state: CONNECTED
 * with *out set; ABSENT (no such device, or libv4l2 cannot be loaded)
 * or ERROR (a device that is not a capture device or gives no RGB) with
 * *out NULL. Logs why once per state change (the caller passes quiet to
 * keep a probe every 2 s out of the log). */
camera_state camera_v4l2_open(const char *device, int quiet,
                              camera_v4l2 **out);

/* The next frame, into *out (RGB; the caller wipes it). 1: a frame; 0: none
 * within timeout_ms; -1: the device failed or went away (close it). */
int camera_v4l2_grab(camera_v4l2 *v, camera_image *out, int timeout_ms);

/* Closes the device. NULL is fine. */
void camera_v4l2_close(camera_v4l2 *v);

#endif
