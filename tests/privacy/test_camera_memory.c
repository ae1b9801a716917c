/* The kiosk forgets the pages an applicant photographed: after an
 * application with pages sealed (one page deleted, one retaken) and 办完了,
 * and a second form with a page given up with 放弃, no part of a page is
 * anywhere in the process's memory — neither the simulator's JPEG files as
 * read, nor the pages as kept (the JPEG the camera's worker encoded), nor
 * their base64 in the sealed plaintext.
 *
 * Runs the real kiosk headless with privacy_camera.txt (the simulated
 * camera, its own data and printer folders, no backend,
 * security.dumpable=true), waits for the script's `hold`, stops the
 * process and reads every readable mapping through /proc/PID/mem. The
 * pages as kept are made here exactly as the kiosk makes them (the same
 * decode, crop, scale and encode of devices/camera.h), and slices from the
 * middle of each — raw and as base64 — are searched for. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "devices/camera.h"

#define PAGES KIOSK_TEST_DATA "/devices/camera/"
#define MAX_NEEDLES 32

typedef struct needle {
  unsigned char b[96];
  size_t n;
  char what[96];
  int hits;
} needle;

static needle needles[MAX_NEEDLES];
static int n_needles;

/* A slice worth searching for: varied enough never to occur by chance
 * (the coded data of a blank area repeats a few bytes). */
static void add(const char *what, const unsigned char *p, size_t n) {
  int seen[256] = {0}, distinct = 0;
  for (size_t i = 0; i < n; i++)
    distinct += !seen[p[i]]++;
  CHECK(distinct >= 20);
  if (n_needles == MAX_NEEDLES || n > sizeof needles[0].b || distinct < 20)
    return;
  needle *nd = &needles[n_needles++];
  memcpy(nd->b, p, n);
  nd->n = n;
  snprintf(nd->what, sizeof nd->what, "%s", what);
}

static int distinct(const unsigned char *p, size_t n) {
  int seen[256] = {0}, d = 0;
  for (size_t i = 0; i < n; i++)
    d += !seen[p[i]]++;
  return d;
}

/* The first 48-byte slice from a third of the way in, at a multiple of 3,
 * varied enough (see add()). */
static size_t pick(const unsigned char *p, size_t len) {
  for (size_t at = len / 3 / 3 * 3; at + 48 < len; at += 3)
    if (distinct(p + at, 48) >= 20)
      return at;
  return len / 2 / 3 * 3;
}

static unsigned char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = malloc(1 << 20);
  *len = f && buf ? fread(buf, 1, 1 << 20, f) : 0;
  if (f)
    fclose(f);
  return buf;
}

/* Needles for one fixture: its file bytes, and the page the kiosk keeps
 * of it (raw JPEG and base64), from the middle. */
static void needles_for(const char *name) {
  char path[512], what[96];
  size_t len = 0;
  snprintf(path, sizeof path, "%s%s", PAGES, name);
  unsigned char *file = read_all(path, &len);
  CHECK(len > 4096);
  snprintf(what, sizeof what, "%s as read", name);
  add(what, file + pick(file, len), 48);
  camera_image full = {0}, page = {0};
  camera_still st = {0};
  CHECK_INT(camera_jpeg_decode(file, len, &full), KERR_OK);
  CHECK_INT(camera_scale(&full, camera_crop(&full), CAMERA_STILL_SIDE, &page),
            KERR_OK);
  CHECK_INT(camera_jpeg_encode(&page, 70, &st), KERR_OK);
  CHECK(st.len > 4096);
  if (st.len > 4096) {
    size_t at = pick(st.jpeg, st.len); /* base64 of it on a boundary */
    snprintf(what, sizeof what, "%s as kept (JPEG)", name);
    add(what, st.jpeg + at, 48);
    char b64[80];
    sodium_bin2base64(b64, sizeof b64, st.jpeg + at, 48,
                      sodium_base64_VARIANT_ORIGINAL);
    snprintf(what, sizeof what, "%s as kept (base64)", name);
    add(what, (unsigned char *)b64, 64);
    snprintf(what, sizeof what, "%s as kept (JPEG, start)", name);
    add(what, st.jpeg + pick(st.jpeg, st.len / 2), 48);
  }
  camera_image_wipe(&full);
  camera_image_wipe(&page);
  camera_still_wipe(&st);
  free(file);
}

static int wait_marker(int fd, int timeout_s) {
  char buf[8192];
  size_t have = 0;
  time_t end = time(NULL) + timeout_s;
  for (;;) {
    int left = (int)(end - time(NULL));
    if (left <= 0)
      return -1;
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, left * 1000) <= 0)
      return -1;
    ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
    if (r <= 0)
      return -1;
    fwrite(buf + have, 1, (size_t)r, stderr);
    have += (size_t)r;
    buf[have] = '\0';
    if (strstr(buf, "hold 60s"))
      return 0;
    if (have > sizeof buf / 2) {
      memmove(buf, buf + have - 256, 256);
      have = 256;
    }
  }
}

static void scan(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
  FILE *maps = fopen(path, "r");
  snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
  int mem = open(path, O_RDONLY);
  CHECK(maps != NULL && mem >= 0);
  if (!maps || mem < 0) {
    if (maps)
      fclose(maps);
    return;
  }
  const size_t chunk = 1 << 20, overlap = 256;
  unsigned char *buf = malloc(chunk + overlap);
  char line[1024];
  size_t total = 0;
  while (fgets(line, sizeof line, maps)) {
    unsigned long lo, hi;
    char perms[8] = "", name[512] = "";
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %511[^\n]", &lo, &hi, perms,
               name) < 3)
      continue;
    if (perms[0] != 'r' || strstr(name, "[vvar") ||
        strstr(name, "[vsyscall") || hi - lo > (1ul << 32))
      continue;
    /* The fixtures mapped as files would be the files themselves; the
     * kiosk reads them with read(), never mmap. */
    size_t keep = 0;
    for (unsigned long at = lo; at < hi;) {
      size_t want = hi - at < chunk ? hi - at : chunk;
      ssize_t r = pread(mem, buf + keep, want, (off_t)at);
      if (r <= 0)
        break;
      size_t n = keep + (size_t)r;
      total += (size_t)r;
      for (int i = 0; i < n_needles; i++) {
        needle *nd = &needles[i];
        const unsigned char *p = buf;
        size_t left = n;
        unsigned char *q;
        while ((q = memmem(p, left, nd->b, nd->n)) != NULL) {
          if ((size_t)(q - buf) + nd->n > keep && nd->hits++ < 3)
            fprintf(stderr, "found %s at 0x%lx in %s\n", nd->what,
                    (unsigned long)(at - keep + (size_t)(q - buf)),
                    name[0] ? name : "[anonymous]");
          left -= (size_t)(q - p) + 1;
          p = q + 1;
        }
      }
      at += (unsigned long)r;
      keep = n < overlap ? n : overlap;
      memmove(buf, buf + n - keep, keep);
    }
  }
  fprintf(stderr, "read %zu bytes of the kiosk's memory\n", total);
  CHECK(total > 1000000);
  free(buf);
  close(mem);
  fclose(maps);
}

int main(void) {
  CHECK(sodium_init() >= 0);
  /* empty.jpg (the plate alone) has no varied slice: it is photographed
   * too, but not searched for. */
  needles_for("page1.jpg");
  needles_for("page2.jpg");
  CHECK(n_needles == 8);
  mkdir(PRIVACY_RUN_DIR, 0700);
  int pfd[2];
  if (pipe(pfd) != 0)
    return 1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pfd[1], 2);
    close(pfd[0]);
    close(pfd[1]);
    execl(KIOSK_BIN, "kiosk", "--headless", "--window", "1280x800",
          "--script", PRIVACY_CAMERA_SCRIPT,
          "--set", "backend.url=https://127.0.0.1:1",
          "--set", "paths.data=" PRIVACY_RUN_DIR "/camera-data",
          "--set", "paths.printer=" PRIVACY_RUN_DIR "/camera-printer",
          "--set", "backend.seal_public_key="
                   "4qMVFXrwsKo9GgszRuGJKGiIkUJ+xDZjF0ZmqFaA/YY=",
          "--set", "camera.driver=sim",
          "--set", "security.dumpable=true", (char *)NULL);
    _exit(127);
  }
  close(pfd[1]);
  int marked = wait_marker(pfd[0], 180);
  CHECK(marked == 0);
  if (marked == 0) {
    usleep(500 * 1000);
    kill(pid, SIGSTOP);
    int st;
    waitpid(pid, &st, WUNTRACED);
    CHECK(WIFSTOPPED(st));
    scan(pid);
    for (int i = 0; i < n_needles; i++) {
      if (needles[i].hits)
        fprintf(stderr, "%s: %d copies left\n", needles[i].what,
                needles[i].hits);
      CHECK_INT(needles[i].hits, 0);
    }
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  close(pfd[0]);
  return TEST_DONE();
}
