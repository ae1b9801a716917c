/* Helpers for the publishing tests: run the real kiosk-server on a free
 * loopback port with a fresh database and the development PKI (made by
 * scripts/dev-pki.sh in the test fixture), run a program and capture its
 * output, and configure a kiosk-side content_sync against the server.
 * Paths come from the build: PUB_SERVER_BIN, PUB_PKI, PUB_WORK, PUB_SEED,
 * KIOSKCTL. Everything is static. */
#ifndef TESTS_PUBLISH_PUB_SERVER_H
#define TESTS_PUBLISH_PUB_SERVER_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/bundle_sig.h"
#include "net/content_sync.h"

#define PS_FN static __attribute__((unused))

typedef struct pub_server {
  pid_t pid;
  int port;
  char db[512];
  char url[64];
} pub_server;

PS_FN void ps_sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* Starts kiosk-server with a new database named after tag and the server
 * files (admin.pub, ...) of pki. 0 on success. */
PS_FN int ps_start_pki(pub_server *s, const char *tag, const char *pki) {
  char portfile[600];
  memset(s, 0, sizeof *s);
  mkdir(PUB_WORK, 0700);
  snprintf(s->db, sizeof s->db, "%s/%s-%d.db", PUB_WORK, tag, (int)getpid());
  snprintf(portfile, sizeof portfile, "%s.port", s->db);
  const char *sfx[] = {"", "-wal", "-shm", ".port"};
  for (int i = 0; i < 4; i++) {
    char p[640];
    snprintf(p, sizeof p, "%s%s", s->db, sfx[i]);
    unlink(p);
  }
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    execl(PUB_SERVER_BIN, PUB_SERVER_BIN, "serve", "--config", "/dev/null",
          "--pki", pki, "--db",
          s->db, "--port", "0", "--port-file", portfile, "--threads", "2",
          "--log-level", "warn", (char *)NULL);
    _exit(127);
  }
  s->pid = pid;
  for (int i = 0; i < 1500; i++) { /* up to 15 s under ASan */
    FILE *f = fopen(portfile, "r");
    if (f) {
      int ok = fscanf(f, "%d", &s->port) == 1;
      fclose(f);
      if (ok && s->port > 0) {
        snprintf(s->url, sizeof s->url, "https://localhost:%d", s->port);
        return 0;
      }
    }
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) {
      s->pid = 0;
      fprintf(stderr, "kiosk-server exited during start\n");
      return -1;
    }
    ps_sleep_ms(10);
  }
  return -1;
}

/* Starts kiosk-server with the development PKI (see ps_start_pki). */
PS_FN int ps_start(pub_server *s, const char *tag) {
  return ps_start_pki(s, tag, PUB_PKI);
}

PS_FN void ps_stop(pub_server *s) {
  int st;
  if (s->pid <= 0)
    return;
  kill(s->pid, SIGTERM);
  while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR) {
  }
  s->pid = 0;
  char p[640];
  const char *sfx[] = {"", "-wal", "-shm", ".port"};
  for (int i = 0; i < 4; i++) {
    snprintf(p, sizeof p, "%s%s", s->db, sfx[i]);
    unlink(p);
  }
}

/* Runs argv (NULL-terminated), output into out (cap bytes, may be NULL).
 * Returns the exit status, or -1. */
PS_FN int ps_run(const char *const *argv, char *out, size_t cap) {
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(fds[1]);
  size_t n = 0;
  char sink[4096];
  for (;;) {
    char *dst = out && n + 1 < cap ? out + n : sink;
    size_t room = out && n + 1 < cap ? cap - 1 - n : sizeof sink;
    ssize_t r = read(fds[0], dst, room);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    if (dst != sink)
      n += (size_t)r;
  }
  if (out && cap)
    out[n] = '\0';
  close(fds[0]);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Puts a signed bundle into the server's database (see publish_seed.c);
 * mode is NULL, "--tamper" or "--truncate" with file. */
PS_FN int ps_seed(const pub_server *s, const char *dir, const char *mode,
                  const char *file) {
  const char *argv[] = {PUB_SEED, s->db, dir, mode, file, NULL};
  char out[1024];
  int rc = ps_run(argv, out, sizeof out);
  if (rc != 0)
    fprintf(stderr, "publish_seed: %s", out);
  return rc;
}

/* The development PKI's administrator secret and public keys. */
PS_FN int ps_admin_keys(unsigned char sk[64], bundle_sig_key *pub) {
  return bundle_sig_secret_load(PUB_PKI "/admin.key", sk) == KERR_OK &&
                 bundle_sig_key_load(PUB_PKI "/admin.pub", pub) == KERR_OK
             ? 0
             : -1;
}

/* A kiosk of region 140500 (device KIOSK-140500-001) syncing from s into
 * data_dir, trusting keys[0..n), with the clock *now. */
PS_FN content_sync *ps_kiosk(const pub_server *s, const char *data_dir,
                             const bundle_sig_key *keys, size_t n,
                             time_t (*clock)(void *), time_t *now) {
  content_sync_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.base_url = s->url;
  cfg.ca_file = PUB_PKI "/ca.crt";
  cfg.cert_file = PUB_PKI "/devices/KIOSK-140500-001.crt";
  cfg.key_file = PUB_PKI "/devices/KIOSK-140500-001.key";
  cfg.total_timeout_ms = 20000;
  cfg.region = "140500";
  cfg.data_dir = data_dir;
  cfg.keys = keys;
  cfg.n_keys = n;
  cfg.now = clock;
  cfg.now_ud = now;
  content_sync *cs = NULL;
  if (content_sync_create(&cfg, &cs) != KERR_OK)
    return NULL;
  return cs;
}

#endif
