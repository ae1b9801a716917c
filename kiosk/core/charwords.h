/* charwords: a common word for each Chinese character, so that a character
 * read aloud alone can be told from the others that sound the same: 「李，
 * 行李的李」 and 「里，这里的里」 instead of "li" twice.
 *
 * The table is a text file of "character<TAB>word" lines sorted by the
 * character's bytes, written at build time by tools/charwords from rime's
 * pinyin table (rime/charwords.tsv next to the deployed schema). Loading
 * checks every line: one character, a word of at most CHARWORDS_WORD_MAX
 * bytes that holds it, valid UTF-8, in order; a file that breaks any of
 * these is refused whole (KERR_PARSE), never half used. */
#ifndef KIOSK_CORE_CHARWORDS_H
#define KIOSK_CORE_CHARWORDS_H

#include <stddef.h>

#include "core/kerr.h"

#define CHARWORDS_WORD_MAX 16 /* bytes of a word, with its NUL */
#define CHARWORDS_MAX 65536   /* lines a table may have */

typedef struct charwords charwords;

/* Loads the table at path into *out (owned by the caller, charwords_free).
 * KERR_NOTFOUND without the file, KERR_PARSE for a broken one,
 * KERR_LIMIT past CHARWORDS_MAX lines or 4 MiB. */
kerr charwords_load(const char *path, charwords **out);

void charwords_free(charwords *t);

/* The word for the one character ch (a NUL-terminated UTF-8 character), or
 * NULL: no table, not one character, or not in it. */
const char *charwords_find(const charwords *t, const char *ch);

/* The number of characters in the table (0 for NULL). */
size_t charwords_count(const charwords *t);

#endif
