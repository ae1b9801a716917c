/* pgtest: see pgtest.h. */
#include "pgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

int pgtest_enabled(void) {
  const char *s = getenv("KIOSK_TEST_PG_STATE");
  return s && s[0];
}

/* The socket directory the fixture wrote. */
static int pg_host(char *host, size_t cap) {
  char path[600];
  const char *state = getenv("KIOSK_TEST_PG_STATE");
  if (!state || !state[0]) {
    fprintf(stderr, "pgtest: KIOSK_TEST_PG_STATE is not set\n");
    return -1;
  }
  snprintf(path, sizeof path, "%s/host", state);
  FILE *f = fopen(path, "r");
  if (!f || !fgets(host, (int)cap, f)) {
    fprintf(stderr, "pgtest: %s missing: the PostgreSQL fixture "
                    "(pgtest.sh start) did not run or failed\n", path);
    if (f)
      fclose(f);
    return -1;
  }
  fclose(f);
  host[strcspn(host, "\r\n")] = '\0';
  return 0;
}

static void notice_drop(void *ud, const char *msg) {
  (void)ud;
  (void)msg;
}

int pgtest_exec(const char *uri, const char *sql) {
  PGconn *db = PQconnectdb(uri);
  int rc = -1;
  PQsetNoticeProcessor(db, notice_drop, NULL);
  if (PQstatus(db) != CONNECTION_OK) {
    fprintf(stderr, "pgtest: cannot connect: %s", PQerrorMessage(db));
  } else {
    PGresult *r = PQexec(db, sql);
    rc = PQresultStatus(r) == PGRES_COMMAND_OK ||
                 PQresultStatus(r) == PGRES_TUPLES_OK
             ? 0
             : -1;
    PQclear(r);
  }
  PQfinish(db);
  return rc;
}

int pgtest_fresh(const char *name, char *uri, size_t cap) {
  char host[400], admin[600], sql[256];
  if (pg_host(host, sizeof host))
    return -1;
  snprintf(admin, sizeof admin, "postgresql:///postgres?host=%s&user=kiosk",
           host);
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)",
           name);
  if (pgtest_exec(admin, sql) != 0) {
    fprintf(stderr, "pgtest: PostgreSQL at %s does not answer\n", host);
    return -1;
  }
  snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", name);
  if (pgtest_exec(admin, sql) != 0)
    return -1;
  if (snprintf(uri, cap, "postgresql:///%s?host=%s&user=kiosk", name, host) >=
      (int)cap)
    return -1;
  return 0;
}

int pgtest_text(const char *uri, const char *sql, const char *param,
                char *out, size_t cap) {
  char q[1024];
  size_t j = 0;
  int found = 0;
  /* SQLite's ?1 is PostgreSQL's $1. */
  for (size_t i = 0; sql[i] && j + 1 < sizeof q; i++)
    q[j++] = sql[i] == '?' ? '$' : sql[i];
  q[j] = '\0';
  out[0] = '\0';
  PGconn *db = PQconnectdb(uri);
  if (PQstatus(db) == CONNECTION_OK) {
    const char *v[1] = {param};
    PGresult *r = PQexecParams(db, q, param ? 1 : 0, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
      snprintf(out, cap, "%s", PQgetvalue(r, 0, 0));
      found = 1;
    }
    PQclear(r);
  } else {
    fprintf(stderr, "pgtest: cannot connect: %s", PQerrorMessage(db));
  }
  PQfinish(db);
  return found;
}
