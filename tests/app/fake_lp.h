/* fake_lp: a pretend ESC/POS printer on a pseudo-terminal, for tests.
 *
 * fake_lp_start() opens a pty pair; lp.path is the slave, which the device
 * printer opens as it would /dev/usb/lp0. A thread reads everything from
 * the master, records it, and parses it as ESC/POS: each DLE EOT 4 is
 * answered with lp.answer (or not at all when it is -1), ESC @, GS v 0
 * bands, ESC d and GS V are counted, anything else marks the stream bad.
 * The test keeps a slave descriptor open itself, so the pty never hangs up
 * between jobs and nothing written is lost. */
#ifndef TESTS_APP_FAKE_LP_H
#define TESTS_APP_FAKE_LP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ptsname_r, cfmakeraw */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

typedef struct fake_lp {
  int master, slave;
  char path[128];
  volatile int answer;  /* status byte for DLE EOT 4, -1: stay silent */
  pthread_t thread;
  pthread_mutex_t mu;
  int stop;
  unsigned char *got;   /* everything received */
  size_t n, cap;
  size_t parsed;        /* parser position in got */
  /* what the parser saw */
  int queries, inits, bands, feeds, cuts, bad;
  int band_xbytes, band_rows; /* of the last band; rows summed per job */
  int rows_total;
} fake_lp;

/* Parses complete commands from lp->parsed on (mu held). */
static void fake_lp_parse(fake_lp *lp) {
  for (;;) {
    const unsigned char *p = lp->got + lp->parsed;
    size_t left = lp->n - lp->parsed;
    if (left == 0)
      return;
    if (p[0] == 0x10) {
      if (left < 3)
        return;
      if (p[1] == 0x04 && p[2] == 0x04) {
        lp->queries++;
        if (lp->answer >= 0) {
          unsigned char b = (unsigned char)lp->answer;
          if (write(lp->master, &b, 1) != 1)
            lp->bad++;
        }
      } else {
        lp->bad++;
      }
      lp->parsed += 3;
    } else if (p[0] == 0x1B) {
      if (left < 2)
        return;
      if (p[1] == '@') {
        lp->inits++;
        lp->rows_total = 0;
        lp->parsed += 2;
      } else if (p[1] == 'd') {
        if (left < 3)
          return;
        lp->feeds++;
        lp->parsed += 3;
      } else {
        lp->bad++;
        lp->parsed += 1;
      }
    } else if (p[0] == 0x1D) {
      if (left < 2)
        return;
      if (p[1] == 'v') {
        if (left < 8)
          return;
        size_t xb = (size_t)(p[4] | p[5] << 8), rows = (size_t)(p[6] | p[7] << 8);
        if (p[2] != '0' || p[3] != 0)
          lp->bad++;
        if (left < 8 + xb * rows)
          return;
        lp->bands++;
        lp->band_xbytes = (int)xb;
        lp->band_rows = (int)rows;
        lp->rows_total += (int)rows;
        lp->parsed += 8 + xb * rows;
      } else if (p[1] == 'V') {
        if (left < 4)
          return;
        if (p[2] != 66)
          lp->bad++;
        lp->cuts++;
        lp->parsed += 4;
      } else {
        lp->bad++;
        lp->parsed += 1;
      }
    } else {
      lp->bad++;
      lp->parsed += 1;
    }
  }
}

static void *fake_lp_main(void *arg) {
  fake_lp *lp = arg;
  unsigned char buf[4096];
  for (;;) {
    pthread_mutex_lock(&lp->mu);
    int stop = lp->stop;
    pthread_mutex_unlock(&lp->mu);
    if (stop)
      break;
    struct pollfd pfd = {.fd = lp->master, .events = POLLIN};
    if (poll(&pfd, 1, 20) <= 0)
      continue;
    ssize_t r = read(lp->master, buf, sizeof buf);
    if (r <= 0) {
      struct timespec ts = {0, 10000000L};
      nanosleep(&ts, NULL);
      continue;
    }
    pthread_mutex_lock(&lp->mu);
    if (lp->n + (size_t)r > lp->cap) {
      size_t cap = lp->cap ? lp->cap : 65536;
      while (cap < lp->n + (size_t)r)
        cap *= 2;
      unsigned char *nb = realloc(lp->got, cap);
      if (nb) {
        lp->got = nb;
        lp->cap = cap;
      }
    }
    if (lp->n + (size_t)r <= lp->cap) {
      memcpy(lp->got + lp->n, buf, (size_t)r);
      lp->n += (size_t)r;
    }
    fake_lp_parse(lp);
    pthread_mutex_unlock(&lp->mu);
  }
  return NULL;
}

/* 0 on success. */
static int fake_lp_start(fake_lp *lp, int answer) {
  memset(lp, 0, sizeof *lp);
  lp->answer = answer;
  lp->master = posix_openpt(O_RDWR | O_NOCTTY);
  if (lp->master < 0 || grantpt(lp->master) != 0 ||
      unlockpt(lp->master) != 0 ||
      ptsname_r(lp->master, lp->path, sizeof lp->path) != 0)
    return -1;
  lp->slave = open(lp->path, O_RDWR | O_NOCTTY);
  if (lp->slave < 0)
    return -1;
  struct termios tio;
  if (tcgetattr(lp->slave, &tio) == 0) {
    cfmakeraw(&tio);
    tcsetattr(lp->slave, TCSANOW, &tio);
  }
  pthread_mutex_init(&lp->mu, NULL);
  return pthread_create(&lp->thread, NULL, fake_lp_main, lp) == 0 ? 0 : -1;
}

/* Bytes received so far (thread-safe). */
static size_t fake_lp_count(fake_lp *lp) {
  pthread_mutex_lock(&lp->mu);
  size_t n = lp->n;
  pthread_mutex_unlock(&lp->mu);
  return n;
}

/* Waits (at most 5 s) until `expect` bytes arrived, then a little longer
 * for any extra, and stops the thread. */
static void fake_lp_stop(fake_lp *lp, size_t expect) {
  for (int i = 0; i < 250 && fake_lp_count(lp) < expect; i++) {
    struct timespec ts = {0, 20000000L};
    nanosleep(&ts, NULL);
  }
  struct timespec ts = {0, 100000000L};
  nanosleep(&ts, NULL);
  pthread_mutex_lock(&lp->mu);
  lp->stop = 1;
  pthread_mutex_unlock(&lp->mu);
  pthread_join(lp->thread, NULL);
}

static void fake_lp_free(fake_lp *lp) {
  if (lp->slave >= 0)
    close(lp->slave);
  if (lp->master >= 0)
    close(lp->master);
  pthread_mutex_destroy(&lp->mu);
  free(lp->got);
  lp->got = NULL;
}

#endif
