/* Helpers shared by the net integration tests: temporary folders, child
 * processes (the TLS stub, the reference backend, crash victims), and small
 * file utilities. Header-only so each test stays one program. */
#ifndef TESTS_NET_HELPERS_H
#define TESTS_NET_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <sodium.h>
#include <unistd.h>

static inline int64_t nh_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void nh_sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* Creates a fresh folder /tmp/<tag>-XXXXXX into buf. */
static inline int nh_tmpdir(char *buf, size_t cap, const char *tag) {
  snprintf(buf, cap, "/tmp/%s-XXXXXX", tag);
  return mkdtemp(buf) ? 0 : -1;
}

static inline void nh_rm_rf(const char *dir) {
  char cmd[512];
  if (!dir || strncmp(dir, "/tmp/", 5) != 0)
    return;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
}

static inline int nh_write_file(const char *path, const char *text) {
  char tmp[600];
  FILE *f;
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  f = fopen(tmp, "w");
  if (!f)
    return -1;
  fputs(text, f);
  if (fclose(f) != 0)
    return -1;
  return rename(tmp, path);
}

/* Reads a whole small file into buf (NUL-terminated). -1 if missing. */
static inline int nh_read_file(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "r");
  size_t n;
  if (!f)
    return -1;
  n = fread(buf, 1, cap - 1, f);
  buf[n] = '\0';
  fclose(f);
  return (int)n;
}

/* A 32-byte key written in base64 in dir/name (the development PKI's
 * seal.pub, seal.key) into out. 0 on success. */
static inline int nh_read_key(const char *dir, const char *name,
                              unsigned char out[32]) {
  char path[256], b64[128];
  size_t n = 0;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (nh_read_file(path, b64, sizeof b64) <= 0)
    return -1;
  if (sodium_base642bin(out, 32, b64, strlen(b64), " \r\n", &n, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0 || n != 32)
    return -1;
  return 0;
}

static inline int nh_exists(const char *path) {
  struct stat st;
  return path && path[0] && stat(path, &st) == 0;
}

/* Starts argv[0] with stdout and stderr appended to log (may be NULL). */
static inline pid_t nh_spawn(char *const argv[], const char *log) {
  pid_t pid = fork();
  if (pid == 0) {
    if (log) {
      int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
      }
    }
    execv(argv[0], argv);
    _exit(127);
  }
  return pid;
}

/* SIGKILL and reap. */
static inline void nh_kill(pid_t pid) {
  if (pid <= 0)
    return;
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* Waits for a file holding a port number; returns it, or -1 on timeout or
 * if pid died first. */
static inline int nh_wait_port(const char *port_file, pid_t pid,
                               int timeout_ms) {
  int64_t end = nh_now_ms() + timeout_ms;
  char buf[32];
  while (nh_now_ms() < end) {
    int status;
    if (nh_read_file(port_file, buf, sizeof buf) > 0 && atoi(buf) > 0)
      return atoi(buf);
    if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid)
      return -1;
    nh_sleep_ms(20);
  }
  return -1;
}

/* A running net_tls_stub. */
typedef struct nh_stub {
  pid_t pid;
  int port;
  char dir[128];
  char mode_file[200];
  char port_file[200];
  char url[64];
} nh_stub;

/* Starts the stub with PKI files <pki>/<cert>.pem/.key; require_client asks
 * for a device certificate signed by <pki>/ca.pem. 0 on success. */
static inline int nh_stub_start(nh_stub *s, const char *bin, const char *pki,
                                const char *cert, int require_client,
                                const char *workdir) {
  char certf[256], keyf[256], caf[256], log[256];
  char *argv[12];
  int n = 0;
  static int serial;
  memset(s, 0, sizeof *s);
  serial++;
  snprintf(s->dir, sizeof s->dir, "%s", workdir);
  snprintf(s->mode_file, sizeof s->mode_file, "%s/%s-%d.mode", workdir, cert,
           serial);
  snprintf(s->port_file, sizeof s->port_file, "%s/%s-%d.port", workdir, cert,
           serial);
  snprintf(certf, sizeof certf, "%s/%s.pem", pki, cert);
  snprintf(keyf, sizeof keyf, "%s/%s.key", pki, cert);
  snprintf(caf, sizeof caf, "%s/ca.pem", pki);
  snprintf(log, sizeof log, "%s/%s-%d.log", workdir, cert, serial);
  nh_write_file(s->mode_file, "ok\n");
  argv[n++] = (char *)bin;
  argv[n++] = "--cert"; argv[n++] = certf;
  argv[n++] = "--key"; argv[n++] = keyf;
  if (require_client) {
    argv[n++] = "--ca"; argv[n++] = caf;
  }
  argv[n++] = "--port-file"; argv[n++] = s->port_file;
  argv[n++] = "--mode-file"; argv[n++] = s->mode_file;
  argv[n] = NULL;
  s->pid = nh_spawn(argv, log);
  s->port = nh_wait_port(s->port_file, s->pid, 5000);
  if (s->port <= 0)
    return -1;
  snprintf(s->url, sizeof s->url, "https://localhost:%d", s->port);
  return 0;
}

static inline void nh_stub_mode(nh_stub *s, const char *mode) {
  nh_write_file(s->mode_file, mode);
}

/* Connections and requests the stub has seen. */
static inline void nh_stub_stats(nh_stub *s, long *conns, long *reqs) {
  char path[256], buf[64];
  *conns = *reqs = -1;
  snprintf(path, sizeof path, "%s.stats", s->port_file);
  if (nh_read_file(path, buf, sizeof buf) > 0)
    sscanf(buf, "%ld %ld", conns, reqs);
}

static inline void nh_stub_stop(nh_stub *s) {
  nh_kill(s->pid);
  s->pid = 0;
}

#endif

/* ---- the reference backend (kiosk-server) ---- */

#include <sqlite3.h>

typedef struct nh_backend {
  pid_t pid;
  int port;
  char pki[160];
  char db[160];
  char port_file[200];
  char log[200];
  char url[64];
  char ca[200];
  char dev_cert[220];
  char dev_key[220];
} nh_backend;

/* Prepares <dir>/pki with scripts/dev-pki.sh and the file names; 0 on
 * success. Fails (never skips) if the server binary is missing. */
static inline int nh_backend_init(nh_backend *b, const char *bin,
                                  const char *srcdir, const char *dir) {
  char cmd[1024];
  memset(b, 0, sizeof *b);
  if (!nh_exists(bin)) {
    fprintf(stderr, "kiosk-server is not built (\"%s\"): these tests need "
            "the reference backend\n", bin);
    return -1;
  }
  snprintf(b->pki, sizeof b->pki, "%s/pki", dir);
  snprintf(b->db, sizeof b->db, "%s/server.db", dir);
  snprintf(b->port_file, sizeof b->port_file, "%s/server.port", dir);
  snprintf(b->log, sizeof b->log, "%s/server.log", dir);
  snprintf(b->ca, sizeof b->ca, "%s/ca.crt", b->pki);
  snprintf(b->dev_cert, sizeof b->dev_cert, "%s/devices/KIOSK-140500-001.crt",
           b->pki);
  snprintf(b->dev_key, sizeof b->dev_key, "%s/devices/KIOSK-140500-001.key",
           b->pki);
  snprintf(cmd, sizeof cmd,
           "KIOSK_SERVER='%s' bash '%s/scripts/dev-pki.sh' '%s' >/dev/null",
           bin, srcdir, b->pki);
  return system(cmd) == 0 ? 0 : -1;
}

/* Starts the server on port (0 = any; the port used is kept in b->port so
 * a restart can take the same one). 0 on success. */
static inline int nh_backend_start(nh_backend *b, const char *bin, int port) {
  char portbuf[16];
  char *argv[16];
  int n = 0;
  unlink(b->port_file);
  snprintf(portbuf, sizeof portbuf, "%d", port);
  argv[n++] = (char *)bin;
  argv[n++] = "serve";
  argv[n++] = "--config"; argv[n++] = "/dev/null"; /* not the host's file */
  argv[n++] = "--pki"; argv[n++] = b->pki;
  argv[n++] = "--db"; argv[n++] = b->db;
  argv[n++] = "--port"; argv[n++] = portbuf;
  argv[n++] = "--port-file"; argv[n++] = b->port_file;
  argv[n++] = "--log-level"; argv[n++] = "warn";
  argv[n] = NULL;
  b->pid = nh_spawn(argv, b->log);
  b->port = nh_wait_port(b->port_file, b->pid, 10000);
  if (b->port <= 0) {
    b->pid = 0;
    return -1;
  }
  snprintf(b->url, sizeof b->url, "https://localhost:%d", b->port);
  return 0;
}

/* SIGTERM (clean stop), SIGKILL after 5 s. */
static inline void nh_backend_stop(nh_backend *b) {
  int64_t end = nh_now_ms() + 5000;
  if (b->pid <= 0)
    return;
  kill(b->pid, SIGTERM);
  while (nh_now_ms() < end) {
    if (waitpid(b->pid, NULL, WNOHANG) == b->pid) {
      b->pid = 0;
      return;
    }
    nh_sleep_ms(10);
  }
  nh_kill(b->pid);
  b->pid = 0;
}

/* Runs a one-integer query on the backend's database; -1 on error. */
static inline long nh_backend_query(nh_backend *b, const char *sql,
                                    const char *arg) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  long v = -1;
  if (sqlite3_open_v2(b->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    if (arg)
      sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
      v = (long)sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}
