/* pgtest: the tests' side of the throwaway PostgreSQL that pgtest.sh
 * starts (a CTest fixture). A test registered for PostgreSQL runs with
 * KIOSK_TEST_PG_STATE set to the fixture's state directory; each case gets
 * a database of its own, dropped and made anew. */
#ifndef TESTS_SERVER_PGTEST_H
#define TESTS_SERVER_PGTEST_H

#include <stddef.h>

/* 1 when this run is against PostgreSQL (KIOSK_TEST_PG_STATE is set). */
int pgtest_enabled(void);

/* Drops and creates database name, and writes its postgresql:// URI to
 * uri. 0 on success; -1 with the reason on stderr (the fixture is not
 * running, the server does not answer). */
int pgtest_fresh(const char *name, char *uri, size_t cap);

/* Runs sql (one or more statements, no parameters) on the database uri
 * names. 0 when it succeeded. */
int pgtest_exec(const char *uri, const char *sql);

/* The first column of the first row of sql (with ?1 or $1 bound to
 * param) into out; 1 when there was a row, 0 when none or on error. */
int pgtest_text(const char *uri, const char *sql, const char *param,
                char *out, size_t cap);

#endif
