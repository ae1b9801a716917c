/* kiosk-server: the reference backend's command line.
 *
 *   kiosk-server serve [--config FILE] [--pki DIR] [--db FILE] [options]
 *   kiosk-server keygen [--seal | --sign | --check] [--force] DIR
 *   kiosk-server adduser [--config FILE] [--db FILE] ID NAME  (password on stdin)
 *   kiosk-server staff add|pin|export-kiosk …  (the one staff directory)
 *   kiosk-server migrate [--config FILE] [--db FILE|URI]
 *   kiosk-server copy --from FILE --to postgresql://…
 *   kiosk-server --help | --version
 *
 * serve's settings come from the built-in defaults, then the configuration
 * file (--config FILE, else SERVECONF_DEFAULT_FILE if it exists), then the
 * command line, each overriding the one before; every long option of serve
 * is also a key of the file (serveconf.h). Exit status: 0 success, 1 a
 * runtime failure, 2 a usage or configuration error.
 *
 * serve listens on loopback unless --bind says otherwise, stops cleanly on
 * SIGTERM or SIGINT and re-reads the administrator keys (admin.pub) on
 * SIGHUP: the signals are blocked in every thread and taken with sigwait()
 * here, so no signal handler runs inside the server. Local
 * times (receipts, the console, progress timelines) are in the system time
 * zone, TZ. Under systemd (Type=notify) it reports READY=1 once listening
 * and STOPPING=1 on the signal, and with WatchdogSec= this thread feeds the
 * watchdog while the store still answers (wait_for_stop). */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "dept.h"
#include "keys.h"
#include "kiosk/core/log.h"
#include "kiosk/core/sdnotify.h"
#include "serveconf.h"
#include "srv.h"
#include "kiosk/core/staff.h"
#include "store.h"
#include "store_copy.h"

#define PROG "kiosk-server"

enum { OPT_HELP = 'h', OPT_VERSION = 'V', OPT_CONFIG = 1000, OPT_KEY = 1100 };

static void usage_serve(FILE *f) {
  fputs("  " PROG " serve [--config FILE] [options]\n"
        "      run the server until SIGTERM or SIGINT; SIGHUP re-reads\n"
        "      admin.pub (so does a publication, when the file changed)\n"
        "  --config FILE           settings file (default " SERVECONF_DEFAULT_FILE
        ",\n"
        "                          read only if it exists); options override it\n",
        f);
  for (size_t i = 0; i < serveconf_key_count(); i++) {
    const serveconf_key *k = serveconf_key_at(i);
    char opt[40];
    snprintf(opt, sizeof opt, "--%s %s", k->name, k->arg);
    fprintf(f, "  %-22s  %s\n", opt, k->help);
  }
}

static void usage_keygen(FILE *f) {
  fputs("  " PROG " keygen [--seal | --sign | --check] [--force] DIR\n"
        "      write DIR/seal.pub + seal.key (X25519, crypto_box_seal) and/or\n"
        "      DIR/admin.pub + admin.key (Ed25519 content signing); both if\n"
        "      no option is given\n"
        "  --seal                  only the sealing pair\n"
        "  --sign                  only the signing pair\n"
        "  --check                 only DIR/check.key, the key of stored\n"
        "                          progress checks (serve makes it if missing\n"
        "                          and DIR is writable)\n"
        "  --force                 overwrite existing keys\n",
        f);
}

static void usage_adduser(FILE *f) {
  fputs("  " PROG " staff add [--config FILE] [--db FILE] [--role ROLE]\n"
        "        [--dept ID] [--supervisor] ID NAME\n"
        "      create or reset a staff account of the console; the password\n"
        "      (8 characters or more) is read from stdin; the database is\n"
        "      --db, else the configuration file's db, else the default\n"
        "      (`" PROG " adduser` is the same command)\n"
        "  " PROG " staff pin [--config FILE] [--db FILE] ID\n"
        "      sets the account's kiosk PIN (6 to 12 digits, on stdin; an empty\n"
        "      line removes it): the account can then sign in at the kiosks\n"
        "  " PROG " staff export-kiosk [--config FILE] [--db FILE] [--out FILE]\n"
        "      writes the kiosks' staff.json (accounts with a kiosk PIN: id,\n"
        "      name, role, PIN hash) for the content bundle; the server's\n"
        "      accounts are the one staff directory\n"
        "  --role ROLE             window (窗口受理, the default: sees and\n"
        "                          moves every item), reviewer (部门审核: its\n"
        "                          department's items only) or admin (管理员:\n"
        "                          accounts and the audit log)\n"
        "  --dept ID               the department (an id of the departments\n"
        "                          file); required for a reviewer\n"
        "  --supervisor            may correct: move an item back, with a\n"
        "                          reason\n",
        f);
}

static void usage_store(FILE *f) {
  fputs("  " PROG " migrate [--config FILE] [--db FILE|URI]\n"
        "      brings the database's schema up to this program's (serve does\n"
        "      it at start too) and prints its version; --db a SQLite file\n"
        "      or postgresql://... (or postgres://), else the configuration\n"
        "      file's db, else the default\n"
        "  " PROG " copy --from FILE --to URI\n"
        "      copies a SQLite store into a PostgreSQL one (applications\n"
        "      with their timelines, staff accounts, content, devices, the\n"
        "      audit log; not sessions); run again it copies only what is\n"
        "      missing, never an application twice\n",
        f);
}

static void usage_all(FILE *f) {
  fputs("Usage: " PROG " COMMAND [options]\n"
        "The reference backend of the township social-assistance kiosk: the\n"
        "HTTPS intake API, progress status, content distribution and the staff\n"
        "console.\n"
        "\n"
        "Commands:\n",
        f);
  usage_serve(f);
  fputs("\n", f);
  usage_keygen(f);
  fputs("\n", f);
  usage_adduser(f);
  fputs("\n", f);
  usage_store(f);
  fputs("\n"
        "Options of every command:\n"
        "  --help                  print this help and exit\n"
        "  --version               print the version and exit\n"
        "\n"
        "Local times are in the system time zone (the TZ environment variable).\n",
        f);
}

/* A usage error: the reason (if any) and the usage, on stderr. */
static int bad_usage(void (*usage)(FILE *), const char *why) {
  if (why)
    fprintf(stderr, PROG ": %s\n", why);
  if (usage != usage_all)
    fputs("Usage:\n", stderr);
  usage(stderr);
  fputs("Try '" PROG " --help' for more information.\n", stderr);
  return 2;
}

/* getopt_long() returned ch, '?' or ':' (opterr is 0, optstring starts
 * with ':'): says which option was wrong, then the usage. */
static int bad_option(void (*usage)(FILE *), int ch, char **argv) {
  char why[300];
  const char *arg = argv[optind - 1];
  if (ch == ':')
    snprintf(why, sizeof why, "option '%.200s' needs a value", arg);
  else if (optopt == 0) /* an unknown long option */
    snprintf(why, sizeof why, "unknown option '%.200s'", arg);
  else if (strncmp(arg, "--", 2) == 0) /* --flag=value */
    snprintf(why, sizeof why, "option '%.200s' takes no value", arg);
  else
    snprintf(why, sizeof why, "unknown option '-%c'", optopt);
  return bad_usage(usage, why);
}

static int version(void) {
  puts(PROG " " KIOSK_VERSION);
  return 0;
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

/* Loads the configuration file: path if given (it must exist), else the
 * default file if it exists. Returns 0, or 2 after printing why. */
static int load_config(serveconf *sc, const char *path) {
  char msg[600];
  if (!path) {
    if (access(SERVECONF_DEFAULT_FILE, F_OK) != 0)
      return 0;
    path = SERVECONF_DEFAULT_FILE;
  }
  if (serveconf_load(sc, path, msg, sizeof msg)) {
    fprintf(stderr, PROG ": %s\n", msg);
    return 2;
  }
  return 0;
}

/* Waits for one of the signals in set and returns it. With a service
 * watchdog, wakes every half interval and sends WATCHDOG=1 if the server's
 * liveness check passes; without one, just sigwait()s (no wake-ups). */
static int wait_for_stop(srv *s, const sigset_t *set) {
  uint64_t wd_ms = sdnotify_watchdog_ms(0);
  int sig = 0;
  if (!wd_ms) {
    sigwait(set, &sig);
    return sig;
  }
  for (;;) {
    struct timespec ts = {.tv_sec = (time_t)(wd_ms / 1000),
                          .tv_nsec = (long)(wd_ms % 1000) * 1000000L};
    sig = sigtimedwait(set, NULL, &ts);
    if (sig > 0)
      return sig;
    if (errno != EAGAIN)
      continue; /* EINTR */
    if (srv_check(s) == KERR_OK)
      sdnotify_watchdog();
    else
      LOG_E("main", "liveness check failed: watchdog not fed");
  }
}

/* A test clock: KIOSK_SERVER_FAKE_NOW=T (unix seconds) starts the
 * server's clock at T, running on from there, so tests of working-day
 * deadlines do not depend on the day they run. Logged loudly: a
 * production server must never have it. */
typedef struct fake_clock {
  int64_t start, offset;
} fake_clock;

static int64_t fake_now(void *ud) {
  const fake_clock *fc = ud;
  return (int64_t)time(NULL) + fc->offset;
}

static int fake_clock_init(fake_clock *fc) {
  const char *v = getenv("KIOSK_SERVER_FAKE_NOW");
  char *end;
  if (!v || !v[0])
    return 0;
  errno = 0;
  long long t = strtoll(v, &end, 10);
  if (errno || *end || t <= 0)
    return 0;
  fc->start = t;
  fc->offset = t - (int64_t)time(NULL);
  LOG_W("main", "KIOSK_SERVER_FAKE_NOW is set: the clock starts at %lld "
        "(for tests only)", t);
  return 1;
}

static int cmd_serve(int argc, char **argv) {
  size_t nk = serveconf_key_count();
  struct option opts[64];
  const char *given[64] = {0}; /* command-line value of each key */
  const char *config = NULL;
  char msg[400];
  serveconf sc;
  srv *s = NULL;
  int rc = 2, n = 0, ch;

  for (size_t i = 0; i < nk && n < 60; i++)
    opts[n++] = (struct option){serveconf_key_at(i)->name, required_argument,
                                NULL, OPT_KEY + (int)i};
  opts[n++] = (struct option){"config", required_argument, NULL, OPT_CONFIG};
  opts[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
  opts[n++] = (struct option){"version", no_argument, NULL, OPT_VERSION};
  opts[n] = (struct option){0};
  optind = 0;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (ch == OPT_HELP) {
      fputs("Usage:\n", stdout);
      usage_serve(stdout);
      return 0;
    } else if (ch == OPT_VERSION) {
      return version();
    } else if (ch == OPT_CONFIG) {
      config = optarg;
    } else if (ch >= OPT_KEY && ch < OPT_KEY + (int)nk) {
      given[ch - OPT_KEY] = optarg; /* the last one wins */
    } else {
      return bad_option(usage_serve, ch, argv);
    }
  }
  if (optind < argc)
    return bad_usage(usage_serve, "serve takes no arguments");

  serveconf_init(&sc);
  if (load_config(&sc, config))
    goto out;
  for (size_t i = 0; i < nk; i++)
    if (given[i] && serveconf_set(&sc, i, given[i], msg, sizeof msg)) {
      fprintf(stderr, PROG ": --%s\n", msg);
      goto out;
    }
  if (sc.has_level)
    log_set_level(sc.level);

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);

  rc = 1;
  fake_clock fc;
  if (fake_clock_init(&fc)) {
    sc.c.now = fake_now;
    sc.c.now_ud = &fc;
  }
  kerr err = srv_create(&sc.c, &s);
  if (err) {
    /* A connection URI may hold a password: not printed. */
    fprintf(stderr, PROG ": cannot start: %s (pki %s, db %s)\n", kerr_str(err),
            sc.c.pki_dir,
            store_is_pg(sc.c.db_path) ? "PostgreSQL"
                                                      : sc.c.db_path);
    goto out;
  }
  if (sc.port_file && write_port_file(sc.port_file, srv_port(s)) != 0) {
    fprintf(stderr, PROG ": cannot write %s\n", sc.port_file);
    goto out;
  }
  char status[64];
  snprintf(status, sizeof status, "listening on port %d", srv_port(s));
  sdnotify_ready(status);
  int sig;
  while ((sig = wait_for_stop(s, &set)) == SIGHUP)
    srv_reload_admin(s); /* logs the outcome; bad keys leave the old ones */
  sdnotify_stopping();
  LOG_I("main", "signal %d: stopping", sig);
  srv_destroy(s);
  s = NULL;
  LOG_I("main", "stopped");
  rc = 0;
out:
  srv_destroy(s);
  serveconf_free(&sc);
  return rc;
}

static int cmd_keygen(int argc, char **argv) {
  static const struct option opts[] = {{"seal", no_argument, NULL, 's'},
                                       {"sign", no_argument, NULL, 'g'},
                                       {"check", no_argument, NULL, 'c'},
                                       {"force", no_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       {"version", no_argument, NULL, 'V'},
                                       {0}};
  int seal = 0, sign = 0, check = 0, force = 0, ch;
  optind = 0;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (ch) {
    case 's':
      seal = 1;
      break;
    case 'g':
      sign = 1;
      break;
    case 'c':
      check = 1;
      break;
    case 'f':
      force = 1;
      break;
    case 'h':
      fputs("Usage:\n", stdout);
      usage_keygen(stdout);
      return 0;
    case 'V':
      return version();
    default:
      return bad_option(usage_keygen, ch, argv);
    }
  }
  if (argc - optind != 1)
    return bad_usage(usage_keygen, "keygen wants one folder");
  const char *dir = argv[optind];
  if (!seal && !sign && !check)
    seal = sign = 1;
  kerr err = KERR_OK;
  if (seal && (err = keys_gen_seal(dir, force))) {
    fprintf(stderr, PROG ": sealing keys: %s%s\n", kerr_str(err),
            err == KERR_STATE ? " (exist; use --force)" : "");
    return 1;
  }
  if (sign && (err = keys_gen_sign(dir, force))) {
    fprintf(stderr, PROG ": signing keys: %s%s\n", kerr_str(err),
            err == KERR_STATE ? " (exist; use --force)" : "");
    return 1;
  }
  if (check && (err = keys_gen_check(dir, force))) {
    fprintf(stderr, PROG ": check key: %s%s\n", kerr_str(err),
            err == KERR_STATE ? " (exists; use --force, which makes every "
                                "stored progress check unanswerable)"
                              : "");
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
  const char *role = STORE_ROLE_WINDOW, *dept_id = "";
  int supervisor = 0;
  char pw[257], hash[crypto_pwhash_STRBYTES];
  store *st = NULL;
  dept_table *depts = NULL;
  int rc = 1;
  static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                       {"config", required_argument, NULL, 'c'},
                                       {"role", required_argument, NULL, 'r'},
                                       {"dept", required_argument, NULL, 'D'},
                                       {"supervisor", no_argument, NULL, 'S'},
                                       {"help", no_argument, NULL, 'h'},
                                       {"version", no_argument, NULL, 'V'},
                                       {0}};
  const char *config = NULL;
  serveconf sc;
  int ch;
  optind = 0;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (ch == 'd')
      db = optarg;
    else if (ch == 'c')
      config = optarg;
    else if (ch == 'r')
      role = optarg;
    else if (ch == 'D')
      dept_id = optarg;
    else if (ch == 'S')
      supervisor = 1;
    else if (ch == 'h') {
      fputs("Usage:\n", stdout);
      usage_adduser(stdout);
      return 0;
    } else if (ch == 'V')
      return version();
    else
      return bad_option(usage_adduser, ch, argv);
  }
  if (argc - optind != 2)
    return bad_usage(usage_adduser, "adduser wants an ID and a NAME");
  id = argv[optind];
  name = argv[optind + 1];
  /* The database the server would use: --db, else the file's, else the
   * default. */
  serveconf_init(&sc);
  if ((!db || config) && load_config(&sc, config)) {
    serveconf_free(&sc);
    return 2;
  }
  if (strcmp(role, STORE_ROLE_WINDOW) != 0 &&
      strcmp(role, STORE_ROLE_REVIEWER) != 0 &&
      strcmp(role, STORE_ROLE_ADMIN) != 0) {
    fputs(PROG ": --role must be window, reviewer or admin\n", stderr);
    serveconf_free(&sc);
    return 2;
  }
  {
    /* The department must be one of the server's departments file. */
    char msg[300];
    if (dept_table_load(sc.c.departments_path, &depts, msg, sizeof msg)) {
      fprintf(stderr, PROG ": %s\n", msg);
      serveconf_free(&sc);
      return 2;
    }
    if ((dept_id[0] && !dept_name(depts, dept_id)) ||
        (!dept_id[0] && strcmp(role, STORE_ROLE_REVIEWER) == 0)) {
      fprintf(stderr, PROG ": --dept must be one of:");
      for (size_t i = 0; i < dept_count(depts); i++) {
        const char *did, *dname;
        dept_at(depts, i, &did, &dname);
        fprintf(stderr, " %s (%s)", did, dname);
      }
      fputs(dept_id[0] ? "\n" : "; a reviewer needs one\n", stderr);
      dept_table_destroy(depts);
      serveconf_free(&sc);
      return 2;
    }
    dept_table_destroy(depts);
    depts = NULL;
  }
  size_t idn = strlen(id);
  if (idn == 0 || idn > STORE_STAFF_MAX ||
      strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                 "0123456789-_") != idn ||
      strlen(name) == 0 || strlen(name) > STORE_NAME_MAX) {
    fputs(PROG ": ID must be 1-32 of A-Z a-z 0-9 - _; NAME 1-128 "
          "bytes\n",
          stderr);
    serveconf_free(&sc);
    return 2;
  }
  if (sodium_init() < 0 || read_password(pw, sizeof pw) != 0 ||
      strlen(pw) < 8) {
    fputs(PROG ": a password of at least 8 characters is needed on "
          "stdin\n",
          stderr);
    goto out;
  }
  if (crypto_pwhash_str(hash, pw, strlen(pw),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    fputs(PROG ": out of memory hashing the password\n", stderr);
    goto out;
  }
  kerr err = store_open(db ? db : sc.c.db_path, 1, &st);
  if (!err)
    err = store_staff_put(st, id, name, hash, dept_id, role, supervisor);
  if (err) {
    fprintf(stderr, PROG ": %s\n", kerr_str(err));
    goto out;
  }
  LOG_I("main", "staff account %s saved (%s%s%s%s)", id, role,
        dept_id[0] ? ", " : "", dept_id, supervisor ? ", supervisor" : "");
  rc = 0;
out:
  sodium_memzero(pw, sizeof pw);
  store_destroy(st);
  serveconf_free(&sc);
  return rc;
}

/* The database a staff command works on: --db, else the file's, else the
 * default; opens it into *st. 0, or 2 after saying why. */
static int staff_db(const char *db, const char *config, store **st) {
  serveconf sc;
  serveconf_init(&sc);
  if ((!db || config) && load_config(&sc, config)) {
    serveconf_free(&sc);
    return 2;
  }
  kerr err = store_open(db ? db : sc.c.db_path, 1, st);
  serveconf_free(&sc);
  if (err) {
    fprintf(stderr, PROG ": %s\n", kerr_str(err));
    return 2;
  }
  return 0;
}

/* Parses [--config FILE] [--db FILE] [--out FILE] and the positional
 * arguments of a staff command; -1 on a bad option (said), 1 for --help. */
static int staff_opts(int argc, char **argv, const char **db,
                      const char **config, const char **outp) {
  static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                       {"config", required_argument, NULL, 'c'},
                                       {"out", required_argument, NULL, 'o'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0}};
  int ch;
  optind = 0;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (ch == 'd')
      *db = optarg;
    else if (ch == 'c')
      *config = optarg;
    else if (ch == 'o' && outp)
      *outp = optarg;
    else if (ch == 'h') {
      fputs("Usage:\n", stdout);
      usage_adduser(stdout);
      return 1;
    } else {
      bad_option(usage_adduser, ch, argv);
      return -1;
    }
  }
  return 0;
}

/* kiosk-server staff pin ID: the account's kiosk PIN, hashed as the
 * kiosks check it (kiosk/core/staff.h). */
static int cmd_staff_pin(int argc, char **argv) {
  const char *db = NULL, *config = NULL;
  int o = staff_opts(argc, argv, &db, &config, NULL);
  if (o)
    return o > 0 ? 0 : 2;
  if (argc - optind != 1)
    return bad_usage(usage_adduser, "staff pin wants an ID");
  const char *id = argv[optind];
  char pin[64], hash[STAFF_HASH_BUF] = "";
  store *st = NULL;
  int rc = 1;
  if (sodium_init() < 0 || read_password(pin, sizeof pin) != 0) {
    fputs(PROG ": the PIN is read from stdin\n", stderr);
    goto out;
  }
  if (pin[0] && !staff_pin_valid(pin)) {
    fputs(PROG ": a kiosk PIN is 6 to 12 digits\n", stderr);
    rc = 2;
    goto out;
  }
  if (pin[0] && staff_pin_hash(pin, hash) != KERR_OK) {
    fputs(PROG ": out of memory hashing the PIN\n", stderr);
    goto out;
  }
  if ((rc = staff_db(db, config, &st)))
    goto out;
  kerr err = store_staff_set_pin(st, id, hash);
  if (err) {
    fprintf(stderr, PROG ": %s: %s\n", id,
            err == KERR_NOTFOUND ? "no such account (staff add first)"
                                 : kerr_str(err));
    rc = 1;
    goto out;
  }
  LOG_I("main", "kiosk PIN of %s %s", id, hash[0] ? "set" : "removed");
  rc = 0;
out:
  sodium_memzero(pin, sizeof pin);
  sodium_memzero(hash, sizeof hash);
  store_destroy(st);
  return rc;
}

static int export_one(void *ud, const store_staff *x) {
  cJSON *arr = ud;
  if (!x->pin_hash[0] || x->disabled)
    return 0; /* no kiosk PIN (a console-only account), or disabled */
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "id", x->id);
  cJSON_AddStringToObject(o, "name", x->name);
  cJSON_AddStringToObject(o, "role",
                          strcmp(x->role, STORE_ROLE_ADMIN) == 0 ? "admin"
                                                                 : "staff");
  cJSON_AddStringToObject(o, "pin_hash", x->pin_hash);
  cJSON_AddItemToArray(arr, o);
  return 0;
}

/* kiosk-server staff export-kiosk: staff.json for the bundle, checked by
 * the kiosks' own parser before it is written. */
static int cmd_staff_export(int argc, char **argv) {
  const char *db = NULL, *config = NULL, *outp = NULL;
  int o = staff_opts(argc, argv, &db, &config, &outp);
  if (o)
    return o > 0 ? 0 : 2;
  if (argc - optind != 0)
    return bad_usage(usage_adduser, "staff export-kiosk takes no arguments");
  store *st = NULL;
  int rc = staff_db(db, config, &st);
  if (rc)
    return rc;
  rc = 1;
  cJSON *doc = cJSON_CreateObject();
  cJSON_AddNumberToObject(doc, "format", 1);
  cJSON *arr = cJSON_AddArrayToObject(doc, "staff");
  char *text = NULL;
  staff_list *check = NULL;
  char err[200];
  kerr e = arr ? store_staff_list(st, export_one, arr) : KERR_NOMEM;
  if (!e)
    text = cJSON_Print(doc);
  if (!text || e) {
    fprintf(stderr, PROG ": %s\n", kerr_str(e ? e : KERR_NOMEM));
    goto out;
  }
  if (cJSON_GetArraySize(arr) == 0) {
    fputs(PROG ": no account has a kiosk PIN (staff pin ID)\n", stderr);
    goto out;
  }
  if (staff_list_parse(text, strlen(text), &check, err, sizeof err)) {
    fprintf(stderr, PROG ": the kiosks would refuse it: %s\n", err);
    goto out;
  }
  if (outp) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", outp);
    FILE *f = fopen(tmp, "w");
    int ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0)
      ok = 0;
    if (!ok || rename(tmp, outp) != 0) {
      fprintf(stderr, PROG ": cannot write %s\n", outp);
      remove(tmp);
      goto out;
    }
    fprintf(stderr, PROG ": wrote %s (%d accounts); rehash, sign and "
            "publish the bundle to bring it to the kiosks\n", outp,
            cJSON_GetArraySize(arr));
  } else {
    puts(text);
  }
  rc = 0;
out:
  staff_list_destroy(check);
  if (text)
    sodium_memzero(text, strlen(text));
  free(text);
  cJSON_Delete(doc);
  store_destroy(st);
  return rc;
}

static int cmd_migrate(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                       {"config", required_argument, NULL, 'c'},
                                       {"help", no_argument, NULL, 'h'},
                                       {"version", no_argument, NULL, 'V'},
                                       {0}};
  const char *db = NULL, *config = NULL;
  int ch;
  optind = 0;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (ch == 'd')
      db = optarg;
    else if (ch == 'c')
      config = optarg;
    else if (ch == 'h') {
      fputs("Usage:\n", stdout);
      usage_store(stdout);
      return 0;
    } else if (ch == 'V')
      return version();
    else
      return bad_option(usage_store, ch, argv);
  }
  if (optind != argc)
    return bad_usage(usage_store, "migrate takes no arguments");
  store *st = NULL;
  int rc = staff_db(db, config, &st);
  if (rc)
    return rc;
  printf("schema version %d\n", store_schema_version(st));
  store_destroy(st);
  return 0;
}

static int cmd_copy(int argc, char **argv) {
  static const struct option opts[] = {{"from", required_argument, NULL, 'f'},
                                       {"to", required_argument, NULL, 't'},
                                       {"help", no_argument, NULL, 'h'},
                                       {"version", no_argument, NULL, 'V'},
                                       {0}};
  const char *from = NULL, *to = NULL;
  int ch;
  optind = 0;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (ch == 'f')
      from = optarg;
    else if (ch == 't')
      to = optarg;
    else if (ch == 'h') {
      fputs("Usage:\n", stdout);
      usage_store(stdout);
      return 0;
    } else if (ch == 'V')
      return version();
    else
      return bad_option(usage_store, ch, argv);
  }
  if (optind != argc || !from || !to)
    return bad_usage(usage_store, "copy wants --from FILE and --to URI");
  if (store_is_pg(from) || !store_is_pg(to))
    return bad_usage(usage_store, "copy goes from a SQLite file to a "
                                  "postgresql:// database");
  if (access(from, R_OK) != 0) {
    fprintf(stderr, PROG ": cannot read %s\n", from);
    return 2;
  }
  store_copy_stats cs;
  kerr err = store_copy(from, to, &cs);
  printf("applications: %lld in the file, %lld copied, %lld there already",
         (long long)cs.apps_seen, (long long)cs.apps_copied,
         (long long)cs.apps_present);
  if (cs.apps_differ || cs.apps_refused)
    printf(", %lld there with another body, %lld refused (device and "
           "reference taken)",
           (long long)cs.apps_differ, (long long)cs.apps_refused);
  printf("\nstaff %lld, files %lld, manifests %lld, devices %lld, audit "
         "records %lld copied\n",
         (long long)cs.staff, (long long)cs.files, (long long)cs.manifests,
         (long long)cs.devices, (long long)cs.audit);
  if (err) {
    fprintf(stderr, PROG ": copy stopped: %s (run it again once the cause "
                    "is fixed; nothing is copied twice)\n",
            kerr_str(err));
    return 1;
  }
  return cs.apps_differ || cs.apps_refused ? 1 : 0;
}

int main(int argc, char **argv) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {"version", no_argument, NULL, 'V'},
                                       {0}};
  int ch;
  tzset(); /* local times come from TZ */
  /* '+': options before the command only; the command parses the rest. */
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
    if (ch == 'h') {
      usage_all(stdout);
      return 0;
    }
    if (ch == 'V')
      return version();
    return bad_option(usage_all, ch, argv);
  }
  if (optind >= argc)
    return bad_usage(usage_all, "a command is needed");
  const char *cmd = argv[optind];
  int n = argc - optind;
  char **v = argv + optind;
  if (strcmp(cmd, "serve") == 0)
    return cmd_serve(n, v);
  if (strcmp(cmd, "keygen") == 0)
    return cmd_keygen(n, v);
  if (strcmp(cmd, "adduser") == 0)
    return cmd_adduser(n, v);
  if (strcmp(cmd, "staff") == 0 && n >= 2 && strcmp(v[1], "pin") == 0)
    return cmd_staff_pin(n - 1, v + 1);
  if (strcmp(cmd, "staff") == 0 && n >= 2 && strcmp(v[1], "export-kiosk") == 0)
    return cmd_staff_export(n - 1, v + 1);
  if (strcmp(cmd, "staff") == 0 && n >= 2 && strcmp(v[1], "add") == 0)
    return cmd_adduser(n - 1, v + 1);
  if (strcmp(cmd, "migrate") == 0)
    return cmd_migrate(n, v);
  if (strcmp(cmd, "copy") == 0)
    return cmd_copy(n, v);
  fprintf(stderr, PROG ": unknown command '%s'\n", cmd);
  return bad_usage(usage_all, NULL);
}
