/* cmd_form: `kioskctl form check --content DIR --answers FILE.json`. */
#ifndef KIOSKCTL_CMD_FORM_H
#define KIOSKCTL_CMD_FORM_H

/* argv[0] is "form". `form check` loads the bundle's form.json, fills a form
 * with the answers file (format in docs/form.md) and prints the status of
 * every field that would be asked, as JSON on stdout. Returns 0 (every
 * field acceptable), 1 (some field is not, or the bundle, schema or
 * answers file is refused; reasons on stderr) or 2 (usage). */
int cmd_form(int argc, char **argv);

#endif
