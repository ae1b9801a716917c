/* devices_make_camera_pages: writes the camera fixtures of
 * tests/data/devices/camera/ (synthetic pages, synth_page.h) as JPEGs
 * with the kiosk's own encoder. Run by hand when they need remaking:
 *   build/release/tests/devices_make_camera_pages tests/data/devices/camera
 */
#include <stdio.h>

#include <sodium.h>

#include "devices/camera.h"
#include "synth_page.h"

static int write_one(const char *dir, const char *name, camera_box box,
                     unsigned seed, int lines) {
  camera_image im = {0};
  camera_still st = {0};
  char path[1024];
  int ok = synth_frame(&im, 1280, 960, box, seed, lines) &&
           camera_jpeg_encode(&im, 80, &st) == KERR_OK;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = ok ? fopen(path, "wb") : NULL;
  ok = f && fwrite(st.jpeg, 1, st.len, f) == st.len;
  if (f)
    ok = fclose(f) == 0 && ok;
  camera_image_wipe(&im);
  camera_still_wipe(&st);
  if (!ok)
    fprintf(stderr, "cannot write %s\n", path);
  return ok;
}

int main(int argc, char **argv) {
  if (argc != 2 || sodium_init() < 0) {
    fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
    return 2;
  }
  int ok = write_one(argv[1], "page1.jpg", (camera_box){330, 70, 620, 830}, 1,
                     22) &&
           write_one(argv[1], "page2.jpg", (camera_box){180, 140, 900, 640}, 2,
                     16) &&
           write_one(argv[1], "empty.jpg", (camera_box){0, 0, 0, 0}, 3, 0);
  return ok ? 0 : 1;
}
