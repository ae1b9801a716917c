/* scope: what of an opened application a department's reviewer is sent.
 *
 * The sealed payload's "display" is a list of sections {"section": title,
 * "rows": [{"label", "value"}]} built by the kiosk from the form
 * (form.json): each row is one field, labelled with its review_label (or
 * label), and every field says which items need it ("needed_by", "*" =
 * every item). The rule, applied by the server so a reviewer's browser
 * never receives the rest:
 *
 * - the applicant's and the household's sections (form sections
 *   "applicant" and "household": identity, address, phone, the people the
 *   office must know about) are sent whole;
 * - in every other section a row is sent when its field is needed by one
 *   of the reviewer's items (the application's items its department
 *   handles) or by every item ("*": the contact person, the
 *   declaration); a row that is no field of the section (a computed value
 *   such as 平均每人每月收入, a kiosk's note) when the section holds a field
 *   one of the reviewer's items needs;
 * - a section the form does not have is not sent; nor is one left empty.
 *
 * Without the region's form (no content published to this server) only
 * the applicant's and household's sections are sent, by their default
 * titles 申请人 and 家里的人: less is shown rather than another
 * department's answers. */
#ifndef SERVER_SCOPE_H
#define SERVER_SCOPE_H

#include <cjson/cJSON.h>

/* Whether item is one of the application's items that the reviewer's
 * department handles (1) or not (0). */
typedef int (*scope_mine_fn)(void *ud, const char *item);

/* Removes from display (the payload's array, changed in place) what the
 * rule above keeps from a reviewer; form is the parsed form.json of the
 * application's region, or NULL. Removed rows are wiped before they are
 * freed. Returns how many rows were removed. */
int scope_display(cJSON *display, const cJSON *form, scope_mine_fn mine,
                  void *ud);

/* Whether a photographed page (an entry of the payload's "attachments")
 * serving items (its JSON array of item ids) is sent to the reviewer: one
 * of them is one of the reviewer's items. 0 for anything not an array. */
int scope_page(const cJSON *items, scope_mine_fn mine, void *ud);

#endif
