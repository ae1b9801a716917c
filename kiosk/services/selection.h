/* selection: the assistance items the applicant has chosen in this session.
 *
 * The results and pick-list screens set it (「用这几项申请」, 「申请这一项」);
 * the application form reads it to know which items to ask about. Which
 * items a household applies for says something about its hardship, so the
 * selection is personal data: selection_init() registers a session wiper
 * and every session_end() empties it and overwrites the ids.
 *
 * Invariants: ids are copies (no pointers into the content bundle), each
 * matches [a-z0-9_]+ and is shorter than SELECTION_ID_MAX, none repeats, at
 * most SELECTION_MAX of them, in the order they were chosen. A
 * caller-provided value: the app holds one for the whole run. */
#ifndef KIOSK_APP_SELECTION_H
#define KIOSK_APP_SELECTION_H

#include <stddef.h>

#include "core/kerr.h"
#include "core/session.h"

#define SELECTION_MAX 32
#define SELECTION_ID_MAX 40 /* bytes of one item id, NUL included */

typedef struct selection {
  char ids[SELECTION_MAX][SELECTION_ID_MAX];
  size_t n;
} selection;

/* Empties *s and registers a wiper with sess so that every session_end()
 * empties it again. *s must stay at the same address while sess lives.
 * KERR_LIMIT when sess has no room for another wiper (*s is still empty
 * and usable, but would not be wiped). */
kerr selection_init(selection *s, session *sess);

/* Removes every item and overwrites the ids. */
void selection_clear(selection *s);

/* Adds one item id (copied) at the end. KERR_OK when it was already there;
 * KERR_INVALID for an empty, too long or non-[a-z0-9_] id; KERR_LIMIT when
 * SELECTION_MAX items are chosen. The selection is unchanged on failure. */
kerr selection_add(selection *s, const char *id);

/* Removes one item id; returns 1 if it was there, 0 if not. */
int selection_remove(selection *s, const char *id);

/* Replaces the whole selection with ids[0..n) (duplicates kept once), all
 * or nothing: on KERR_INVALID or KERR_LIMIT the old selection stays. */
kerr selection_set(selection *s, const char *const *ids, size_t n);

/* 1 if id is chosen, else 0. */
int selection_has(const selection *s, const char *id);

/* Number of chosen items, and the id of item i (borrowed until the
 * selection next changes; NULL when i is out of range). */
size_t selection_count(const selection *s);
const char *selection_at(const selection *s, size_t i);


#endif
