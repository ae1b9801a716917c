/* text: fonts, measuring, and a bounded cache of rendered lines.
 *
 * Rasterizing a line of Chinese with SDL_ttf costs milliseconds and SDL_ttf's
 * own glyph cache is too small for CJK, so every rendered line is kept as a
 * texture keyed by (size, weight, colour, text) in an LRU cache whose total
 * pixel memory never exceeds the bound given at creation. Advance widths are
 * cached per code point, and whole widths and wrapped lines per string, so
 * wrapping long paragraphs stays cheap and a redraw does not measure again.
 *
 * The cache may hold personal data (a typed name is drawn like any text):
 * the app calls text_forget() from its session wiper. */
#ifndef KIOSK_UI_TEXT_H
#define KIOSK_UI_TEXT_H

#include <SDL.h>
#include <stddef.h>

#include "core/kerr.h"
#include "core/linebreak.h"

typedef struct text_sys text_sys;

typedef enum text_weight { TEXT_REGULAR = 0, TEXT_BOLD = 1 } text_weight;

/* At most this many faces of one font file are open at a time, whatever the
 * number of sizes drawn with it (docs/performance.md says why two). */
#define TEXT_FACES_PER_FILE 2

/* Reads the font list (fonts/fonts.conf format). Faces are opened lazily,
 * at most TEXT_FACES_PER_FILE per font file. cache_bytes bounds the
 * rendered-line cache (pixel bytes).
 * Errors: KERR_IO / KERR_NOTFOUND when no usable regular face exists; err
 * receives a message. */
kerr text_create(const char *fonts_conf, size_t cache_bytes, text_sys **out,
                 char *err, size_t errlen);
void text_destroy(text_sys *t);

/* Lowers the number of faces of one font file open at a time to n (1 up to
 * TEXT_FACES_PER_FILE; the default is the maximum). One face per file costs
 * every change of size its glyph cache but halves the faces' memory: for a
 * renderer that draws once (receipts), not for the screen. Call before the
 * first draw. */
void text_set_faces_per_file(text_sys *t, int n);

/* Textures belong to one renderer; setting a new one clears the cache. */
void text_set_renderer(text_sys *t, SDL_Renderer *r);

/* Width in pixels of s[0..n) on one line. Widths are remembered (by a hash
 * of the text, never the text) until text_forget(). */
int text_width(text_sys *t, int px, text_weight w, const char *s, size_t n);

/* 1 if every character of s[0..n) is drawn by the main face or one of its
 * fallbacks, 0 if some character would show the missing-glyph box (or the
 * text is not UTF-8). For offering only what can be seen: an input method's
 * rare characters. */
int text_covers(text_sys *t, text_weight w, const char *s, size_t n);

/* Wraps s[0..n) into lines at most max_width wide (core/linebreak.h rules),
 * measured at px and w: fills at most max_lines entries of lines and returns
 * the number of lines the text needs, as linebreak_wrap() does. The result
 * is remembered like a width (hash, never the text) until text_forget(). */
size_t text_wrap(text_sys *t, int px, text_weight w, int max_width,
                 const char *s, size_t n, linebreak_line *lines,
                 size_t max_lines);

/* Recommended distance between baselines for px-sized text. */
int text_line_height(text_sys *t, int px, text_weight w);

/* Draws s[0..n) in colour c with its top-left at (x, y). Uses the cache.
 * When bg is opaque (bg.a == 255) the text is known to sit on a flat area
 * of that colour: the line is rendered anti-aliased against bg and copied
 * without blending, several times cheaper on the software renderer (the
 * glyph box, about 1.45 em tall, is overwritten with bg). With bg.a < 255
 * the line is alpha-blended over whatever is there. */
void text_draw(text_sys *t, int px, text_weight w, SDL_Color c, SDL_Color bg,
               const char *s, size_t n, int x, int y);

/* Forgets every cached line (and frees its texture), wiping key, pixels
 * and texture first. */
void text_cache_clear(text_sys *t);

/* text_cache_clear(), then closes and forgets every opened font (FreeType
 * keeps rendered glyph bitmaps per face), the advance cache and the
 * remembered widths (wiped); fonts are opened again on the next draw.
 * Called when a session ends. */
void text_forget(text_sys *t);

typedef struct text_stats {
  size_t entries, bytes, bound;      /* rendered-line cache */
  unsigned long hits, misses, evictions;
  size_t faces;                      /* faces open now */
  size_t sizes;                      /* (size, weight) pairs in use */
  unsigned long opens;               /* faces ever opened, probes included */
  unsigned long measure_hits, measure_misses; /* text_width() */
  unsigned long wrap_hits, wrap_misses;       /* text_wrap() */
} text_stats;
void text_get_stats(const text_sys *t, text_stats *s);

#endif
