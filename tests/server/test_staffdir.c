/* One staff directory: the server's accounts, each with an optional kiosk
 * PIN (kiosk-server staff pin), make the kiosks' staff.json (kiosk-server
 * staff export-kiosk). The export is what the kiosk's own parser accepts;
 * the PIN set on the server signs in at the kiosk (and a wrong one does
 * not); an account without a PIN (console only) is not exported; a bad PIN
 * and an unknown account are refused; the file holds no PIN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kiosk/core/staff.h"

static char db[600], out[640];

/* Runs the server binary with stdin from `input`; its exit status. */
static int run(const char *input, const char *args) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "printf '%s' | '%s' %s >/dev/null 2>&1", input,
           SRVTEST_BIN, args);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *b = calloc(1, 65536);
  size_t n = b ? fread(b, 1, 65535, f) : 0;
  fclose(f);
  if (b)
    b[n] = '\0';
  return b;
}

int main(void) {
  char args[1400];
  snprintf(db, sizeof db, "%s/staffdir-%d.db", SRVTEST_WORK, (int)getpid());
  snprintf(out, sizeof out, "%s.staff.json", db);
  if (system("mkdir -p '" SRVTEST_WORK "'") != 0)
    return 1;
  unlink(db);
  unlink(out);

  snprintf(args, sizeof args, "staff add --db '%s' S0001 王芳", db);
  CHECK_INT(run("window pass 1\\n", args), 0);
  snprintf(args, sizeof args, "staff add --db '%s' --role admin A0001 李强", db);
  CHECK_INT(run("admin pass 01\\n", args), 0);
  snprintf(args, sizeof args,
           "staff add --db '%s' --role reviewer --dept yibao Y0001 医保审核", db);
  CHECK_INT(run("review pass 1\\n", args), 0);

  /* Nobody has a kiosk PIN yet: nothing to export. */
  snprintf(args, sizeof args, "staff export-kiosk --db '%s' --out '%s'", db,
           out);
  CHECK(run("", args) != 0);
  CHECK(access(out, F_OK) != 0);

  snprintf(args, sizeof args, "staff pin --db '%s' S0001", db);
  CHECK_INT(run("12ab\\n", args), 2);   /* not digits */
  CHECK_INT(run("12345\\n", args), 2);  /* too short */
  CHECK_INT(run("246810\\n", args), 0);
  snprintf(args, sizeof args, "staff pin --db '%s' A0001", db);
  CHECK_INT(run("135790\\n", args), 0);
  snprintf(args, sizeof args, "staff pin --db '%s' X9999", db);
  CHECK_INT(run("246810\\n", args), 1); /* no such account */

  snprintf(args, sizeof args, "staff export-kiosk --db '%s' --out '%s'", db,
           out);
  CHECK_INT(run("", args), 0);
  char *text = slurp(out);
  CHECK(text != NULL);
  if (!text)
    return TEST_DONE();
  CHECK(strstr(text, "246810") == NULL && strstr(text, "135790") == NULL);
  CHECK(strstr(text, "Y0001") == NULL); /* console only: no kiosk PIN */
  staff_list *l = NULL;
  char err[200];
  CHECK_INT(staff_list_parse(text, strlen(text), &l, err, sizeof err), KERR_OK);
  free(text);
  staff_guard *g = NULL;
  CHECK_INT(staff_guard_create(&g), KERR_OK);
  if (l && g) {
    staff_who who;
    staff_refusal why;
    char pin[16];
    strcpy(pin, "246810");
    CHECK_INT(staff_check(g, l, "S0001", pin, 1000, &who, &why), KERR_OK);
    CHECK_STR(who.name, "王芳");
    strcpy(pin, "135790");
    CHECK_INT(staff_check(g, l, "A0001", pin, 2000, &who, &why), KERR_OK);
    CHECK(who.role == STAFF_ROLE_ADMIN);
    strcpy(pin, "135791");
    CHECK_INT(staff_check(g, l, "A0001", pin, 3000, &who, &why), KERR_DENIED);
  }
  staff_guard_destroy(g);
  staff_list_destroy(l);

  /* An empty line removes the PIN: the account leaves the kiosks' list. */
  snprintf(args, sizeof args, "staff pin --db '%s' A0001", db);
  CHECK_INT(run("\\n", args), 0);
  snprintf(args, sizeof args, "staff export-kiosk --db '%s' --out '%s'", db,
           out);
  CHECK_INT(run("", args), 0);
  text = slurp(out);
  CHECK(text && strstr(text, "S0001") && !strstr(text, "A0001"));
  free(text);
  unlink(db);
  unlink(out);
  return TEST_DONE();
}
