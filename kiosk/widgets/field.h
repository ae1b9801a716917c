/* field: a one-line text field — the text an applicant types, a caret, the
 * pinyin composition being typed, a placeholder, a label above and an error
 * message below.
 *
 * The editing logic (field_insert, field_backspace, caret moves) works on
 * whole UTF-8 characters and never lets the text exceed the field's limit,
 * counted in characters (a name of 20 characters, an ID number of 18). Each
 * kind filters what it accepts: an ID number takes digits and X, a phone
 * number digits, an amount of money digits and one decimal point with at
 * most two decimals; text kinds take any printable character but no control
 * characters or line breaks. Text from outside (a physical keyboard) that is
 * not valid UTF-8 is refused whole.
 *
 * The struct is the caller's (usually inside a screen's state, which the app
 * wipes on leaving); field_free() wipes the text all the same. */
#ifndef KIOSK_SCREENS_FIELD_H
#define KIOSK_SCREENS_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/kerr.h"
#include "ui/ui.h"

/* Most characters any field holds, and its bytes (4 per character). */
#define FIELD_CHARS_MAX 200
#define FIELD_BYTES_MAX (FIELD_CHARS_MAX * 4 + 1)

typedef enum field_kind {
  FIELD_TEXT = 0,  /* free Chinese text: an address, a reason */
  FIELD_NAME,      /* a person's name (Chinese, sometimes with ·) */
  FIELD_ID_NUMBER, /* 18-character resident ID: digits and X */
  FIELD_PHONE,     /* digits */
  FIELD_MONEY,     /* digits and one '.', at most two decimals */
  FIELD_NUMBER,    /* digits */
  FIELD_LATIN      /* letters and digits (e.g. a bank card holder's pinyin) */
} field_kind;

typedef struct field {
  field_kind kind;
  int max_chars;  /* 1..FIELD_CHARS_MAX */
  size_t len;     /* bytes in text */
  size_t caret;   /* byte offset, always on a character boundary */
  char text[FIELD_BYTES_MAX];
} field;

/* Empties f and sets its kind and limit (clamped to 1..FIELD_CHARS_MAX). */
void field_init(field *f, field_kind kind, int max_chars);

/* Wipes the text (session_wipe_bytes). */
void field_free(field *f);

/* Inserts s (UTF-8) at the caret, character by character, skipping the
 * characters the kind does not accept; the caret moves past what was
 * inserted. Stops at the limit. KERR_OK if everything was inserted,
 * KERR_LIMIT if the limit cut it, KERR_INVALID if s is not valid UTF-8 or
 * some character was refused (nothing is inserted for invalid UTF-8). */
kerr field_insert(field *f, const char *s);

/* Deletes the character before the caret; false if there was none. */
bool field_backspace(field *f);

/* Moves the caret by one character (dir < 0 left, > 0 right), to the start
 * (field_caret_home) or the end (field_caret_end). */
void field_caret_move(field *f, int dir);
void field_caret_home(field *f);
void field_caret_end(field *f);

/* Puts the caret before character index i (clamped to the text). */
void field_caret_set(field *f, size_t i);

/* Empties the text (wiped). */
void field_clear(field *f);

/* The text, NUL-terminated; borrowed until the next change. */
const char *field_text(const field *f);

/* Characters in the text, and the caret's index in characters. */
size_t field_chars(const field *f);
size_t field_caret_index(const field *f);

/* What field_draw shows besides the text. Strings are borrowed. */
typedef struct field_view {
  const char *id;          /* tap target id (tapping places the caret) */
  const char *label;       /* above the box */
  const char *placeholder; /* shown, muted, while empty */
  const char *composition; /* pinyin being typed, shown at the caret */
  const char *error;       /* below the box, or NULL/"" */
  const char *counter;     /* e.g. "3/18" at the right of the label, or NULL */
  bool focused;            /* draws the caret and a focus border */
  int lines;               /* 2: a box of two lines, for long text in a
                            * narrow column; else one line */
} field_view;

/* Height field_draw needs at width w (label, box, error line). A one-line
 * box shows a text too long for it at a smaller size (down to the body
 * size), then the part around the caret; a two-line box breaks it where
 * the first line is full. */
int field_height(ui *u, int w, const field_view *v);

/* Where the characters of the box were drawn, for placing the caret where
 * the box is tapped (filled by field_draw; empty while composing). */
#define FIELD_VISIBLE_MAX 128
typedef struct field_layout {
  SDL_Rect box;
  size_t first; /* index of the first visible character */
  int n;        /* boundaries recorded: x[i] is before character first+i */
  int split;    /* two lines: x[split] starts the second line; 0: one */
  int y_split;  /* and taps at y >= y_split are on it */
  int x_end1;   /* where the first line ends (character first+split) */
  int x[FIELD_VISIBLE_MAX + 1];
} field_layout;

/* Draws the label, the box with the text (the part around the caret when it
 * is longer than the box), the caret and the composition, and the error
 * line; registers the box as target v->id. Fills *lay when not NULL.
 * Returns the box rectangle. */
SDL_Rect field_draw(ui *u, SDL_Rect r, const field *f, const field_view *v,
                    field_layout *lay);

/* The character index nearest to (x, y) in a box drawn with lay. */
size_t field_index_at(const field_layout *lay, int x, int y);

#endif
