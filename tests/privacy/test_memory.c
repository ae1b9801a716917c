/* The kiosk forgets an applicant: after a whole application and 办完了, and
 * after an application and a referral given up half-way with 放弃 (the
 * session going on), no value typed is anywhere in the process's memory.
 *
 * Runs the real kiosk binary headless with privacy_form.txt (its own data
 * and printer folders, no backend, security.dumpable=true so its parent may
 * read its memory), waits for the script's `hold` marker on stderr (the
 * session has ended and the home screen is back), stops the process with
 * SIGSTOP and reads every readable mapping through /proc/PID/mem. Each
 * value is searched as UTF-8, UTF-16LE and UTF-32LE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* What privacy_form.txt types (synthetic). */
static const char *const values[] = {
    "欧阳翠萍",                         /* name */
    "140502197706234152",               /* ID number */
    "140502197706234153",               /* the mistyped ID number */
    "13722334455",                      /* phone */
    "6228480076543210983",              /* bank card */
    "晋城市城区钟家庄街道白马社区27号", /* address */
    /* given up half-way (放弃), the session going on */
    "司马秀英",                         /* name */
    "140502196212253121",               /* ID number */
    "13811112222",                      /* phone, typed, not yet taken */
    "诸葛铁柱",                         /* a referral's person */
    "晋城市城区西上庄街道东谢匠村18号", /* and where */
};
#define N_VALUES (sizeof values / sizeof values[0])

typedef struct needle {
  unsigned char b[512];
  size_t n;
  const char *what;
  const char *enc;
  int hits;
} needle;

static size_t decode(const unsigned char *s, uint32_t *cp) {
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  if ((s[0] & 0xE0) == 0xC0) {
    *cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    return 2;
  }
  if ((s[0] & 0xF0) == 0xE0) {
    *cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
          (s[2] & 0x3F);
    return 3;
  }
  *cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
        (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
  return 4;
}

static void make(needle *nd, const char *v, int width) {
  const unsigned char *s = (const unsigned char *)v;
  nd->n = 0;
  nd->what = v;
  nd->enc = width == 1 ? "UTF-8" : width == 2 ? "UTF-16LE" : "UTF-32LE";
  if (width == 1) {
    nd->n = strlen(v);
    memcpy(nd->b, v, nd->n);
    return;
  }
  while (*s) {
    uint32_t cp;
    s += decode(s, &cp);
    for (int i = 0; i < width; i++)
      nd->b[nd->n++] = (unsigned char)(cp >> (8 * i));
  }
}

static needle needles[N_VALUES * 3];

/* Reads stderr of the child until the hold marker; echoes what it reads. */
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
    if (have > sizeof buf / 2) { /* keep the tail only */
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
  CHECK(maps != NULL);
  CHECK(mem >= 0);
  if (!maps || mem < 0) {
    fprintf(stderr, "cannot read the kiosk's memory: %s\n", strerror(errno));
    if (maps)
      fclose(maps);
    return;
  }
  const size_t chunk = 1 << 20, overlap = 512;
  unsigned char *buf = malloc(chunk + overlap);
  char line[1024];
  size_t total = 0;
  while (fgets(line, sizeof line, maps)) {
    unsigned long lo, hi;
    char perms[8] = "", name[512] = "";
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %511[^\n]", &lo, &hi, perms,
               name) < 3)
      continue;
    if (perms[0] != 'r' || strstr(name, "[vvar") || strstr(name, "[vsyscall"))
      continue;
    /* Terabytes of reserved address space (a sanitizer build's shadow
     * memory) hold no data of ours; the kiosk's own mappings are far
     * smaller than this. */
    if (hi - lo > (1ul << 32)) {
      fprintf(stderr, "note: skipped a %lu GiB reservation at %lx\n",
              (hi - lo) >> 30, lo);
      continue;
    }
    size_t keep = 0;
    for (unsigned long at = lo; at < hi;) {
      size_t want = hi - at < chunk ? hi - at : chunk;
      ssize_t r = pread(mem, buf + keep, want, (off_t)at);
      if (r <= 0)
        break;
      size_t n = keep + (size_t)r;
      total += (size_t)r;
      for (size_t i = 0; i < N_VALUES * 3; i++) {
        needle *nd = &needles[i];
        const unsigned char *p = buf;
        size_t left = n;
        unsigned char *q;
        while ((q = memmem(p, left, nd->b, nd->n)) != NULL) {
          /* A hit entirely inside the kept overlap was counted before. */
          if ((size_t)(q - buf) + nd->n > keep) {
            if (nd->hits++ < 3)
              fprintf(stderr, "found %s (%s) at 0x%lx in %s\n", nd->what,
                      nd->enc,
                      (unsigned long)(at - keep + (size_t)(q - buf)),
                      name[0] ? name : "[anonymous]");
          }
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
  for (size_t i = 0; i < N_VALUES; i++)
    for (int w = 1; w <= 4; w *= 2) {
      int k = w == 1 ? 0 : w == 2 ? 1 : 2;
      make(&needles[i * 3 + (size_t)k], values[i], w);
    }
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
          "--script", PRIVACY_SCRIPT,
          "--set", "backend.url=https://127.0.0.1:1",
          "--set", "paths.data=" PRIVACY_RUN_DIR "/data",
          "--set", "paths.printer=" PRIVACY_RUN_DIR "/printer",
          /* any 32 bytes: nobody opens what is sealed here */
          "--set", "backend.seal_public_key="
                   "4qMVFXrwsKo9GgszRuGJKGiIkUJ+xDZjF0ZmqFaA/YY=",
          "--set", "security.dumpable=true", (char *)NULL);
    _exit(127);
  }
  close(pfd[1]);
  int marked = wait_marker(pfd[0], 180);
  CHECK(marked == 0);
  if (marked == 0) {
    /* Let the loop settle into the hold, then freeze it. */
    usleep(500 * 1000);
    kill(pid, SIGSTOP);
    int st;
    waitpid(pid, &st, WUNTRACED);
    CHECK(WIFSTOPPED(st));
    scan(pid);
    for (size_t i = 0; i < N_VALUES * 3; i++) {
      if (needles[i].hits)
        fprintf(stderr, "%s (%s): %d copies left\n", needles[i].what,
                needles[i].enc, needles[i].hits);
      CHECK_INT(needles[i].hits, 0);
    }
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  close(pfd[0]);
  return TEST_DONE();
}
