/* serveconf: the settings of `kiosk-server serve`, from one table of keys.
 *
 * Every key is both a long option of serve (--port 8443) and a line of the
 * configuration file (port = 8443), so the two can never drift apart. The
 * command line (main.c) applies the file first and its own options after,
 * so options override the file. Values are checked here, the same way for
 * both: a bad value in the file is reported with its file and line. */
#ifndef SERVER_SERVECONF_H
#define SERVER_SERVECONF_H

#include <stddef.h>

#include "kiosk/core/kerr.h"
#include "kiosk/core/log.h"
#include "srv.h"

/* Where a packaged server keeps its things unless told otherwise. */
#ifndef SERVECONF_DEFAULT_FILE
#define SERVECONF_DEFAULT_FILE "/etc/kiosk-server/kiosk-server.conf"
#endif
#define SERVECONF_DEFAULT_DB "/var/lib/kiosk-server/server.db"
#define SERVECONF_DEFAULT_PKI "/etc/kiosk-server/pki"

/* Longest configuration file read, and longest line in it. */
#define SERVECONF_MAX_BYTES (64 * 1024)
#define SERVECONF_MAX_LINE 1024

/* One key: its name (option and file key), the placeholder for its value in
 * --help, and a one-line description with the default. */
typedef struct serveconf_key {
  const char *name;
  const char *arg;
  const char *help;
} serveconf_key;

/* The settings. Caller-provided: serveconf_init, serveconf_free. The
 * strings in c point into the command line or into text (owned). */
typedef struct serveconf {
  srv_config c;
  const char *port_file; /* NULL = none */
  log_level level;
  int has_level;         /* level was given */
  char *text;            /* the configuration file's text, split in place */
} serveconf;

/* Fills sc with the defaults: srv_config_defaults() plus the default
 * database and PKI paths above. */
void serveconf_init(serveconf *sc);

/* Releases the file text (the strings taken from it go with it). */
void serveconf_free(serveconf *sc);

/* The table of keys, in --help order. */
size_t serveconf_key_count(void);
const serveconf_key *serveconf_key_at(size_t i);

/* Index of the key called name, or -1. */
int serveconf_key_find(const char *name);

/* Sets key i to value (borrowed: it must outlive sc). KERR_INVALID with a
 * message such as "port: '70000' is not a number from 0 to 65535" in msg
 * if the value is not acceptable; sc is then unchanged. */
kerr serveconf_set(serveconf *sc, size_t i, const char *value, char *msg,
                   size_t cap);

/* Reads the configuration file at path: "key = value" lines, blank lines
 * and lines starting with '#' ignored, each key one of the table. The
 * values are applied in order. KERR_NOTFOUND/KERR_IO if it cannot be read,
 * KERR_LIMIT if it is too big, KERR_INVALID on the first bad line; msg then
 * says "path:line: what is wrong". The text is kept in sc. */
kerr serveconf_load(serveconf *sc, const char *path, char *msg, size_t cap);

#endif
