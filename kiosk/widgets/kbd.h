/* kbd: the on-screen keyboards, a component that a screen draws (docked at
 * the bottom, under the field being typed in) and feeds its events to.
 *
 *   KBD_PINYIN   QWERTY; the composition ("zhang san") above a candidate
 *                bar; tap a candidate to choose it; 〈 〉 page through every
 *                candidate of the reading, so rare name characters are
 *                reachable; backspace works through the composition first.
 *   KBD_HAND     a large square writing pad; strokes drawn as written;
 *                candidates after each stroke (recognised off the UI thread,
 *                collected by kbd_tick); undo a stroke, clear the pad.
 *   KBD_NUMERIC  a keypad of digits (with a decimal point for money).
 *   KBD_ID       a keypad of digits and X for an ID number.
 *   KBD_LATIN    letters (and digits through the 123 switch).
 *
 * Every key is a tap target with an id starting "kbd.": kbd.key.a …
 * kbd.key.z, kbd.key.0 … kbd.key.9, kbd.key.X, kbd.key.dot, kbd.space,
 * kbd.backspace, kbd.done, kbd.cand.0 … (the candidates shown, left to
 * right), kbd.cand.prev, kbd.cand.next, kbd.switch.pinyin, kbd.switch.hand,
 * kbd.switch.num, kbd.switch.latin, kbd.switch.chinese, kbd.hand.undo,
 * kbd.hand.clear, kbd.pad. Scripts tap them like a finger.
 *
 * The keyboard produces edits (kbd_out) that the host applies to its field;
 * it never holds the field. The engines belong to the input-method service (an ime_set); the
 * keyboard keeps only what it draws — the candidates on show and a copy of
 * the strokes — and wipes it on reset and destroy. The host screen must set
 * raw_pointer in its screen_class for the writing pad. */
#ifndef KIOSK_WIDGETS_KBD_H
#define KIOSK_WIDGETS_KBD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ime.h"
#include "ui/ui.h"
#include "widgets/field.h"

typedef enum kbd_type {
  KBD_PINYIN = 0,
  KBD_HAND,
  KBD_NUMERIC,
  KBD_ID,
  KBD_LATIN
} kbd_type;

typedef struct kbd kbd;

/* What one event asks of the field. */
typedef struct kbd_out {
  char text[IME_PINYIN_COMMIT_MAX]; /* insert at the caret ("" for none) */
  int backspace; /* then delete this many characters before the caret */
  bool done;     /* 完成 was tapped (or Return pressed) */
} kbd_out;

/* A keyboard using the app's engines (ih may be NULL: the Chinese keyboards
 * then say the input method is unavailable). Starts as for FIELD_TEXT. *out
 * is the caller's (kbd_destroy). KERR_NOMEM. */
kerr kbd_create(ime_set *ih, kbd **out);

/* Wipes what it shows (candidates, strokes, queued keys) and frees. NULL ok.
 * Drops the engines' composition and strokes too. */
void kbd_destroy(kbd *k);

/* Sets up the keyboard for a field of this kind: the type it opens with
 * (ID number → ID keypad; phone, number, money → keypad; Latin → letters;
 * name and text → the applicant's choice of pinyin or handwriting for this
 * session) and which switches it offers. Drops any composition. */
void kbd_bind(kbd *k, field_kind kind);

/* The type on show (the switch keys change it). */
kbd_type kbd_get_type(const kbd *k);

/* Drops the composition, candidates and strokes (e.g. another field). */
void kbd_reset(kbd *k);

/* The pinyin being composed ("" when none); borrowed until the next event.
 * A field shows it at its caret. */
const char *kbd_composition(const kbd *k);

/* The height the keyboard wants for width w, at most max_h (the keys shrink
 * down to the theme's minimum target size, never below). */
int kbd_height(kbd *k, ui *u, int w, int max_h);
/* The narrowest k may be drawn with its keys at least the theme's
 * minimum target: ten letter keys across, or for the keypad of digits
 * (KBD_NUMERIC, KBD_ID) four keys twice a target wide, so a screen short
 * of room gives the rest to the question. k NULL: the letters. */
int kbd_min_width(const kbd *k, const ui *u);

/* Draws the keyboard into r and registers its keys. */
void kbd_draw(kbd *k, ui *u, SDL_Rect r);

/* Handles one event. Returns true if it was the keyboard's (the host then
 * ignores it); *out (cleared first) holds the edits for the field. Physical
 * keys: Backspace and Return and Escape act on the composition first;
 * text from a physical keyboard (UI_EV_TEXT) is not the keyboard's. */
bool kbd_event(kbd *k, const ui_event *ev, kbd_out *out);

/* Advances background work (an engine becoming ready, a handwriting answer
 * arriving). Returns milliseconds until it wants to run again, or
 * UINT64_MAX when idle; call it from the host screen's tick. */
uint64_t kbd_tick(kbd *k);

#endif
