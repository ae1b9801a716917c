/* kiosk-server: the reference backend's command line.
 *
 *   kiosk-server serve --pki DIR --db FILE [--port N] [--bind ADDR] ...
 *   kiosk-server keygen [--seal | --sign] [--force] DIR
 *   kiosk-server adduser --db FILE ID NAME     (password on stdin)
 *
 * serve listens on loopback unless --bind says otherwise, and stops cleanly
 * on SIGTERM or SIGINT: the signals are blocked in every thread and taken
 * with sigwait() here, so no signal handler runs inside the server. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "keys.h"
#include "kiosk/core/log.h"
#include "srv.h"
#include "store.h"

static int usage(void) {
  fputs(
      "usage:\n"
      "  kiosk-server serve --pki DIR --db FILE [options]\n"
      "      --port N            TCP port (default 8443; 0 = any free port)\n"
      "      --bind ADDR         address to listen on (default 127.0.0.1)\n"
      "      --port-file FILE    write the port listened on to FILE\n"
      "      --threads N         worker threads (default 8)\n"
      "      --status-rate R     progress queries/s per device (default 0.5)\n"
      "      --status-burst N    progress queries in a burst (default 30)\n"
      "      --fail-burst N      wrong checks before 429 (default 5)\n"
      "      --fail-rate R       wrong checks forgiven per second (1/60)\n"
      "      --login-failures N  wrong passwords before a lock (default 5)\n"
      "      --login-lock S      lock duration in seconds (default 900)\n"
      "      --log-level L       error, warn, info or debug\n"
      "  kiosk-server keygen [--seal | --sign] [--force] DIR\n"
      "      writes DIR/seal.pub + seal.key (X25519, crypto_box_seal) and/or\n"
      "      DIR/admin.pub + admin.key (Ed25519 content signing)\n"
      "  kiosk-server adduser --db FILE ID NAME\n"
      "      creates or resets a staff account; password read from stdin\n",
      stderr);
  return 2;
}

static int write_port_file(const char *path, int port) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return -1;
  FILE *f = fopen(tmp, "w");
  if (!f)
    return -1;
  fprintf(f, "%d\n", port);
  if (fclose(f) != 0)
    return -1;
  return rename(tmp, path); /* readers never see a half-written file */
}

static int cmd_serve(int argc, char **argv) {
  srv_config c;
  const char *port_file = NULL;
  srv *s = NULL;
  srv_config_defaults(&c);
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v)
      return usage();
    i++;
    if (strcmp(a, "--pki") == 0)
      c.pki_dir = v;
    else if (strcmp(a, "--db") == 0)
      c.db_path = v;
    else if (strcmp(a, "--port") == 0)
      c.port = atoi(v);
    else if (strcmp(a, "--bind") == 0)
      c.bind = v;
    else if (strcmp(a, "--port-file") == 0)
      port_file = v;
    else if (strcmp(a, "--threads") == 0)
      c.threads = atoi(v);
    else if (strcmp(a, "--status-rate") == 0)
      c.status_rate = atof(v);
    else if (strcmp(a, "--status-burst") == 0)
      c.status_burst = atof(v);
    else if (strcmp(a, "--fail-burst") == 0)
      c.fail_burst = atof(v);
    else if (strcmp(a, "--fail-rate") == 0)
      c.fail_rate = atof(v);
    else if (strcmp(a, "--login-failures") == 0)
      c.login_max_failures = atoi(v);
    else if (strcmp(a, "--login-lock") == 0)
      c.login_lock_s = atoi(v);
    else if (strcmp(a, "--log-level") == 0) {
      log_level lv;
      if (log_level_parse(v, &lv) != 0)
        return usage();
      log_set_level(lv);
    } else
      return usage();
  }
  if (!c.pki_dir || !c.db_path || c.port < 0 || c.port > 65535)
    return usage();

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);

  kerr err = srv_create(&c, &s);
  if (err) {
    fprintf(stderr, "kiosk-server: cannot start: %s\n", kerr_str(err));
    return 1;
  }
  if (port_file && write_port_file(port_file, srv_port(s)) != 0) {
    fprintf(stderr, "kiosk-server: cannot write %s\n", port_file);
    srv_destroy(s);
    return 1;
  }
  int sig = 0;
  sigwait(&set, &sig);
  LOG_I("main", "signal %d: stopping", sig);
  srv_destroy(s);
  LOG_I("main", "stopped");
  return 0;
}

static int cmd_keygen(int argc, char **argv) {
  int seal = 0, sign = 0, force = 0;
  const char *dir = NULL;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--seal") == 0)
      seal = 1;
    else if (strcmp(argv[i], "--sign") == 0)
      sign = 1;
    else if (strcmp(argv[i], "--force") == 0)
      force = 1;
    else if (!dir && argv[i][0] != '-')
      dir = argv[i];
    else
      return usage();
  }
  if (!dir)
    return usage();
  if (!seal && !sign)
    seal = sign = 1;
  kerr err = KERR_OK;
  if (seal && (err = keys_gen_seal(dir, force))) {
    fprintf(stderr, "kiosk-server: sealing keys: %s%s\n", kerr_str(err),
            err == KERR_STATE ? " (exist; use --force)" : "");
    return 1;
  }
  if (sign && (err = keys_gen_sign(dir, force))) {
    fprintf(stderr, "kiosk-server: signing keys: %s%s\n", kerr_str(err),
            err == KERR_STATE ? " (exist; use --force)" : "");
    return 1;
  }
  return 0;
}

/* Reads one line from stdin without echo when stdin is a terminal. */
static int read_password(char *buf, size_t cap) {
  struct termios old, quiet;
  int tty = isatty(STDIN_FILENO);
  if (tty) {
    fputs("password: ", stderr);
    tcgetattr(STDIN_FILENO, &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  char *ok = fgets(buf, (int)cap, stdin);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    fputc('\n', stderr);
  }
  if (!ok)
    return -1;
  buf[strcspn(buf, "\r\n")] = '\0';
  return 0;
}

static int cmd_adduser(int argc, char **argv) {
  const char *db = NULL, *id = NULL, *name = NULL;
  char pw[257], hash[crypto_pwhash_STRBYTES];
  store *st = NULL;
  int rc = 1;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
      db = argv[++i];
    else if (!id)
      id = argv[i];
    else if (!name)
      name = argv[i];
    else
      return usage();
  }
  if (!db || !id || !name)
    return usage();
  size_t idn = strlen(id);
  if (idn == 0 || idn > STORE_STAFF_MAX ||
      strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                 "0123456789-_") != idn ||
      strlen(name) == 0 || strlen(name) > STORE_NAME_MAX) {
    fputs("kiosk-server: ID must be 1-32 of A-Z a-z 0-9 - _; NAME 1-128 "
          "bytes\n",
          stderr);
    return 2;
  }
  if (sodium_init() < 0 || read_password(pw, sizeof pw) != 0 ||
      strlen(pw) < 8) {
    fputs("kiosk-server: a password of at least 8 characters is needed on "
          "stdin\n",
          stderr);
    goto out;
  }
  if (crypto_pwhash_str(hash, pw, strlen(pw),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    fputs("kiosk-server: out of memory hashing the password\n", stderr);
    goto out;
  }
  kerr err = store_open(db, 1, &st);
  if (!err)
    err = store_staff_put(st, id, name, hash);
  if (err) {
    fprintf(stderr, "kiosk-server: %s\n", kerr_str(err));
    goto out;
  }
  LOG_I("main", "staff account %s saved", id);
  rc = 0;
out:
  sodium_memzero(pw, sizeof pw);
  store_destroy(st);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return usage();
  if (strcmp(argv[1], "serve") == 0)
    return cmd_serve(argc - 2, argv + 2);
  if (strcmp(argv[1], "keygen") == 0)
    return cmd_keygen(argc - 2, argv + 2);
  if (strcmp(argv[1], "adduser") == 0)
    return cmd_adduser(argc - 2, argv + 2);
  return usage();
}
