/* text: see text.h.
 *
 * Invariants: cache.bytes == sum of entry bytes <= cache.bound (an entry
 * larger than the bound alone is drawn but not kept); every entry is both in
 * its hash chain and in the LRU list.
 *
 * Faces: every TTF_OpenFontIndex of a CJK face costs about half a megabyte
 * of FreeType heap plus SDL_ttf's glyph cache, and the theme draws some ten
 * (size, weight) pairs, so faces are not opened per size. The faces of one
 * (file, face index, hinting) form a group of at most FACES_PER_FILE, shared
 * by every size drawn with that file; face_at() hands out one already at
 * the wanted size, else resizes the group's least recently used one with
 * TTF_SetFontSize(). Every call whose result depends on the size (metrics,
 * rendering, height) goes through face_at(); whether a glyph exists does
 * not depend on it (face_any()). Resizing drops SDL_ttf's glyph cache of
 * that face; with one face per file a screen that alternates sizes loaded
 * every glyph again (2.2x the instructions of a cold redraw), with two it
 * costs what one face per size did (docs/performance.md). Nothing here
 * relies on SDL_ttf's cache for speed: the rendered-line cache and the
 * per-size advance cache sit in front, and a warm frame never reaches it.
 *
 * Measurements: wrapping measures every growing prefix of a line, hundreds
 * of text_width() calls per frame, the same ones every frame. A bounded
 * set-associative table remembers (size, weight, length, 64-bit hash) ->
 * width. It never holds the text. The hash is keyed with a random seed per
 * text_sys; two different strings of one length, size and weight sharing a
 * hash would get the same width (a misplaced line break, nothing worse) with
 * a probability near 2^-64 per pair, which we accept rather than keep the
 * text. A width depends only on the faces, the size and the string, so the
 * size in the key is all a change of scale needs; the table is wiped
 * (sodium_memzero: the hash of a short typed name could be confirmed by
 * guessing) whenever the faces are closed, i.e. when a session ends.
 * Wrapping itself is remembered the same way: (size, weight, width, length,
 * hash) -> the lines' offsets and widths, so a warm redraw neither measures
 * nor scans for break opportunities.
 *
 * Threads: a text_sys is used by one thread at a time, but the print host
 * renders receipts with its own text_sys on its own thread. SDL_ttf keeps
 * one FreeType library for the process, and FreeType requires opening and
 * closing faces on a shared library to be serialised; faces_mu does that.
 * Rendering with different faces on different threads needs no lock. */
#include "ui/text.h"

#include <SDL_ttf.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/utf8.h"
#include "ui/fontindex.h"

#define MAX_FILES 8
#define MAX_SIZES 24
#define FACES_PER_FILE TEXT_FACES_PER_FILE
#define MAX_FACES (MAX_FILES * FACES_PER_FILE)
#define BUCKETS 1024
#define ADV_SLOTS 4096
#define MEAS_SETS 1024 /* power of two */
#define MEAS_WAYS 4
#define WRAP_SETS 512 /* power of two */
#define WRAP_WAYS 2
#define WRAP_LINES 64 /* lines kept per wrapped text */

typedef struct face_file {
  char path[512];
  char family[128];
  int role; /* 0 regular, 1 bold, 2 fallback */
  int index; /* face index within the file, -1 unknown, -2 unusable */
} face_file;

/* One opened face. Faces of one file and hinting form a group of at most
 * FACES_PER_FILE, shared by every size drawn with that file. */
typedef struct face {
  TTF_Font *font;
  int file;            /* index into text_sys.files (the first naming it) */
  int main;            /* opened as a main face: light hinting */
  int px;              /* size currently set on font */
  unsigned long used;  /* text_sys.tick when last used */
} face;

/* Which face group draws a size: file and hinting, resolved to a face of
 * the group (and its size set) by face_at() at each use. */
typedef struct face_ref {
  int file, main;
} face_ref;

typedef struct sized_font {
  int px;
  text_weight weight;
  face_ref main;
  face_ref fallback[MAX_FILES];
  int n_fallback;
  uint32_t adv_cp[ADV_SLOTS]; /* advance cache, open addressing */
  int16_t adv_w[ADV_SLOTS];
} sized_font;

/* One remembered width; used == 0 marks a free slot. */
typedef struct meas {
  uint64_t hash;
  uint32_t len;
  int16_t px;
  uint8_t weight, used;
  int32_t width;
} meas;

/* One remembered wrap; lines == NULL marks a free slot. */
typedef struct wrap {
  uint64_t hash;
  uint32_t len;
  int16_t px;
  uint8_t weight;
  int max_width;
  size_t count;          /* lines the text needs */
  size_t stored;         /* min(count, WRAP_LINES) */
  linebreak_line *lines; /* stored entries, heap */
} wrap;

typedef struct entry {
  struct entry *hnext;
  struct entry *prev, *next; /* LRU: head = most recent */
  uint32_t hash;
  int px;
  text_weight weight;
  SDL_Color color, bg;
  SDL_Texture *tex;
  int w, h;
  size_t bytes;
  size_t len;
  char text[]; /* len bytes, not terminated */
} entry;

struct text_sys {
  face_file files[MAX_FILES];
  int n_files;
  face faces[MAX_FACES];
  int n_faces;
  int faces_per_file; /* 1..FACES_PER_FILE */
  unsigned long tick;
  unsigned long opens; /* TTF_OpenFontIndex calls, probes included */
  sized_font *sizes[MAX_SIZES];
  int n_sizes;
  SDL_Renderer *ren;
  entry *buckets[BUCKETS];
  entry *lru_head, *lru_tail;
  size_t bytes, bound, entries;
  unsigned long hits, misses, evictions;
  meas meas[MEAS_SETS][MEAS_WAYS]; /* way 0 = newest in its set */
  uint64_t meas_seed;
  unsigned long meas_hits, meas_misses;
  wrap wraps[WRAP_SETS][WRAP_WAYS]; /* way 0 = newest in its set */
  unsigned long wrap_hits, wrap_misses;
};

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
               s[n - 1] == '\r'))
    s[--n] = '\0';
  return s;
}

static kerr read_conf(text_sys *t, const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open font list", path);
    return KERR_IO;
  }
  char line[1024];
  int lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *s = trim(line);
    if (!*s || *s == '#')
      continue;
    char *eq = strchr(s, '=');
    char *bar = eq ? strchr(eq, '|') : NULL;
    if (!eq || !bar) {
      snprintf(err, errlen, "%s:%d: expected 'role = file | family'", path,
               lineno);
      fclose(f);
      return KERR_PARSE;
    }
    *eq = *bar = '\0';
    char *role = trim(s), *file = trim(eq + 1), *family = trim(bar + 1);
    int r = strcmp(role, "regular") == 0   ? 0
            : strcmp(role, "bold") == 0     ? 1
            : strcmp(role, "fallback") == 0 ? 2
                                             : -1;
    if (r < 0) {
      snprintf(err, errlen, "%s:%d: unknown role '%s'", path, lineno, role);
      fclose(f);
      return KERR_PARSE;
    }
    if (t->n_files == MAX_FILES)
      continue;
    face_file *ff = &t->files[t->n_files++];
    snprintf(ff->path, sizeof ff->path, "%s", file);
    snprintf(ff->family, sizeof ff->family, "%s", family);
    ff->role = r;
    ff->index = -1;
  }
  fclose(f);
  return KERR_OK;
}

static pthread_mutex_t faces_mu = PTHREAD_MUTEX_INITIALIZER;

static void close_font(TTF_Font *f) {
  pthread_mutex_lock(&faces_mu);
  TTF_CloseFont(f);
  pthread_mutex_unlock(&faces_mu);
}

static TTF_Font *open_face_locked(text_sys *t, face_file *ff, int px);

/* Opens the face of ff whose family name matches, at px. */
static TTF_Font *open_face(text_sys *t, face_file *ff, int px) {
  pthread_mutex_lock(&faces_mu);
  TTF_Font *f = open_face_locked(t, ff, px);
  pthread_mutex_unlock(&faces_mu);
  return f;
}

static int same_face(const face_file *a, const face_file *b) {
  return strcmp(a->path, b->path) == 0 && strcmp(a->family, b->family) == 0;
}

/* The face index of a .ttc is found once: from the file's name tables
 * (fontindex.h), else by probing faces in order for the family name; it is
 * shared with every other line naming the same file and family. */
static TTF_Font *open_face_locked(text_sys *t, face_file *ff, int px) {
  if (ff->index == -2)
    return NULL;
  if (ff->index >= 0) {
    t->opens++;
    return TTF_OpenFontIndex(ff->path, px, ff->index);
  }
  int found = -2;
  TTF_Font *font = NULL;
  /* The file's name tables say which face it is, without FreeType parsing
   * the faces before it; the face opened there is still checked, and
   * probing stays the fallback. */
  int guess = font_face_index(ff->path, ff->family);
  if (guess >= 0) {
    t->opens++;
    font = TTF_OpenFontIndex(ff->path, px, guess);
    const char *fam = font ? TTF_FontFaceFamilyName(font) : NULL;
    if (fam && strcmp(fam, ff->family) == 0) {
      found = guess;
    } else if (font) {
      TTF_CloseFont(font);
      font = NULL;
    }
  }
  for (int i = 0; i < 16 && found == -2; i++) {
    t->opens++;
    font = TTF_OpenFontIndex(ff->path, px, i);
    if (!font)
      break;
    const char *fam = TTF_FontFaceFamilyName(font);
    if (fam && strcmp(fam, ff->family) == 0) {
      found = i;
    } else {
      TTF_CloseFont(font);
      font = NULL;
    }
  }
  if (found == -2)
    LOG_W("text", "no face '%s' in %s", ff->family, ff->path);
  for (int i = 0; i < t->n_files; i++)
    if (same_face(&t->files[i], ff))
      t->files[i].index = found;
  return font;
}

/* The first line of the font list naming the same file and family as
 * files[i]: faces are grouped by it. */
static int canonical_file(const text_sys *t, int i) {
  for (int j = 0; j < i; j++)
    if (same_face(&t->files[j], &t->files[i]))
      return j;
  return i;
}

/* A face of the group r with its size set to px, or NULL when the file has
 * no usable face or the size cannot be set. Prefers a face already at px,
 * then opens another while the group has fewer than FACES_PER_FILE, then
 * resizes the group's least recently used face. */
static TTF_Font *face_at(text_sys *t, face_ref r, int px) {
  face *lru = NULL;
  int in_group = 0;
  t->tick++;
  for (int i = 0; i < t->n_faces; i++) {
    face *f = &t->faces[i];
    if (f->file != r.file || f->main != r.main)
      continue;
    in_group++;
    if (f->px == px) {
      f->used = t->tick;
      return f->font;
    }
    if (!lru || f->used < lru->used)
      lru = f;
  }
  if (in_group < t->faces_per_file && t->n_faces < MAX_FACES) {
    TTF_Font *font = open_face(t, &t->files[r.file], px);
    if (font) {
      if (r.main)
        TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
      t->faces[t->n_faces++] = (face){.font = font, .file = r.file,
                                      .main = r.main, .px = px,
                                      .used = t->tick};
      return font;
    }
  }
  if (!lru)
    return NULL;
  lru->used = t->tick;
  if (TTF_SetFontSize(lru->font, px) != 0) {
    LOG_E("text", "cannot set font size %d", px);
    lru->px = 0;
    return NULL;
  }
  lru->px = px;
  return lru->font;
}

/* Any face of the group r, for what does not depend on the size (whether a
 * glyph exists). get_font() opened one for every group it refers to. */
static TTF_Font *face_any(const text_sys *t, face_ref r) {
  for (int i = 0; i < t->n_faces; i++)
    if (t->faces[i].file == r.file && t->faces[i].main == r.main)
      return t->faces[i].font;
  return NULL;
}

/* Nonzero when the group r has a face open, opening one at px if none. */
static int group_open(text_sys *t, face_ref r, int px) {
  return face_any(t, r) || face_at(t, r, px);
}

static sized_font *get_font(text_sys *t, int px, text_weight w) {
  for (int i = 0; i < t->n_sizes; i++)
    if (t->sizes[i]->px == px && t->sizes[i]->weight == w)
      return t->sizes[i];
  if (t->n_sizes == MAX_SIZES) {
    /* Sizes come from the theme, so this is a programming error; reuse the
     * closest rather than failing to draw. */
    LOG_E("text", "too many font sizes");
    return t->sizes[t->n_sizes - 1];
  }
  face_ref main = {-1, 1};
  for (int want = (int)w; want >= 0 && main.file < 0; want--)
    for (int i = 0; i < t->n_files && main.file < 0; i++)
      if (t->files[i].role == want) {
        face_ref r = {canonical_file(t, i), 1};
        if (group_open(t, r, px))
          main = r;
      }
  if (main.file < 0)
    return NULL;
  sized_font *sf = calloc(1, sizeof *sf);
  if (!sf)
    return NULL;
  sf->px = px;
  sf->weight = w;
  sf->main = main;
  for (int i = 0; i < t->n_files; i++)
    if (t->files[i].role == 2 && sf->n_fallback < MAX_FILES) {
      face_ref r = {canonical_file(t, i), 0};
      if (group_open(t, r, px))
        sf->fallback[sf->n_fallback++] = r;
    }
  t->sizes[t->n_sizes++] = sf;
  return sf;
}

kerr text_create(const char *fonts_conf, size_t cache_bytes, text_sys **out,
                 char *err, size_t errlen) {
  *out = NULL;
  pthread_mutex_lock(&faces_mu);
  int ttf_ok = TTF_WasInit() || TTF_Init() == 0;
  pthread_mutex_unlock(&faces_mu);
  if (!ttf_ok) {
    snprintf(err, errlen, "TTF_Init: %s", TTF_GetError());
    return KERR_INTERNAL;
  }
  text_sys *t = calloc(1, sizeof *t);
  if (!t)
    return KERR_NOMEM;
  t->bound = cache_bytes;
  t->faces_per_file = FACES_PER_FILE;
  randombytes_buf(&t->meas_seed, sizeof t->meas_seed);
  kerr e = read_conf(t, fonts_conf, err, errlen);
  if (e) {
    free(t);
    return e;
  }
  /* Probe the regular face now so a broken installation fails at start. */
  if (!get_font(t, 30, TEXT_REGULAR)) {
    snprintf(err, errlen, "%s: no usable regular face (is fonts-noto-cjk "
                          "installed?)", fonts_conf);
    text_destroy(t);
    return KERR_NOTFOUND;
  }
  *out = t;
  return KERR_OK;
}

/* A rendered line shows what it says: wipe its pixels before freeing.
 * sodium_memzero, because the compiler may drop a memset before a free. */
static void free_surface(SDL_Surface *s) {
  if (!s)
    return;
  if (s->pixels && !SDL_MUSTLOCK(s))
    sodium_memzero(s->pixels, (size_t)s->pitch * (size_t)s->h);
  SDL_FreeSurface(s);
}

/* The software renderer keeps each texture as a surface in main memory (and
 * other renderers may keep a copy): overwrite with zeros, then destroy. */
static void destroy_texture(SDL_Texture *tex, int w, int h) {
  if (!tex)
    return;
  if (w > 0 && h > 0) {
    void *zero = calloc((size_t)w * (size_t)h, 4);
    if (zero) {
      SDL_UpdateTexture(tex, NULL, zero, w * 4);
      free(zero);
    }
  }
  SDL_DestroyTexture(tex);
}

static void entry_free(entry *e) {
  destroy_texture(e->tex, e->w, e->h);
  /* The text may be personal data: wipe the key before freeing. */
  sodium_memzero(e->text, e->len);
  sodium_memzero(e, sizeof *e);
  free(e);
}

void text_cache_clear(text_sys *t) {
  entry *e = t->lru_head;
  while (e) {
    entry *next = e->next;
    entry_free(e);
    e = next;
  }
  memset(t->buckets, 0, sizeof t->buckets);
  t->lru_head = t->lru_tail = NULL;
  t->bytes = 0;
  t->entries = 0;
}

/* Closes every face and forgets every size. FreeType's per-face glyph
 * cache holds the bitmaps of the glyphs drawn, and the advance cache the
 * code points: both go with the face, and get_font() opens it again when
 * next needed. The face index found in each file is kept. */
static void close_sizes(text_sys *t) {
  for (int i = 0; i < t->n_sizes; i++) {
    sodium_memzero(t->sizes[i], sizeof *t->sizes[i]);
    free(t->sizes[i]);
    t->sizes[i] = NULL;
  }
  t->n_sizes = 0;
  for (int i = 0; i < t->n_faces; i++)
    close_font(t->faces[i].font);
  memset(t->faces, 0, sizeof t->faces);
  t->n_faces = 0;
}

static void wrap_free(wrap *wr) {
  if (wr->lines) {
    sodium_memzero(wr->lines, wr->stored * sizeof *wr->lines);
    free(wr->lines);
  }
  sodium_memzero(wr, sizeof *wr);
}

static void meas_clear(text_sys *t) {
  sodium_memzero(t->meas, sizeof t->meas);
  for (int i = 0; i < WRAP_SETS; i++)
    for (int j = 0; j < WRAP_WAYS; j++)
      wrap_free(&t->wraps[i][j]);
}

void text_forget(text_sys *t) {
  text_cache_clear(t);
  close_sizes(t);
  meas_clear(t);
}

void text_destroy(text_sys *t) {
  if (!t)
    return;
  text_cache_clear(t);
  close_sizes(t);
  meas_clear(t);
  free(t);
}

void text_set_faces_per_file(text_sys *t, int n) {
  t->faces_per_file = n < 1 ? 1 : n > FACES_PER_FILE ? FACES_PER_FILE : n;
}

void text_set_renderer(text_sys *t, SDL_Renderer *r) {
  if (t->ren != r)
    text_cache_clear(t);
  t->ren = r;
}

/* The face group that has cp: the main one, else the first fallback that
 * has it; 0 when none has it (*out untouched). */
static int face_with(const text_sys *t, const sized_font *sf, uint32_t cp,
                     face_ref *out) {
  if (TTF_GlyphIsProvided32(face_any(t, sf->main), cp)) {
    *out = sf->main;
    return 1;
  }
  for (int i = 0; i < sf->n_fallback; i++)
    if (TTF_GlyphIsProvided32(face_any(t, sf->fallback[i]), cp)) {
      *out = sf->fallback[i];
      return 1;
    }
  return 0;
}

/* The face group that draws cp: the one that has it, else the main one
 * (which draws its missing-glyph box). */
static face_ref face_for(const text_sys *t, const sized_font *sf,
                         uint32_t cp) {
  face_ref f = sf->main;
  face_with(t, sf, cp, &f);
  return f;
}

static int glyph_advance(text_sys *t, sized_font *sf, uint32_t cp) {
  int adv = 0;
  TTF_Font *font = face_at(t, face_for(t, sf, cp), sf->px);
  if (!font || TTF_GlyphMetrics32(font, cp, NULL, NULL, NULL, NULL, &adv))
    adv = sf->px / 2;
  return adv;
}

static int advance(text_sys *t, sized_font *sf, uint32_t cp) {
  uint32_t slot = (cp * 2654435761u) & (ADV_SLOTS - 1);
  for (int probe = 0; probe < 8; probe++) {
    uint32_t s = (slot + (uint32_t)probe) & (ADV_SLOTS - 1);
    if (sf->adv_cp[s] == cp + 1)
      return sf->adv_w[s];
    if (sf->adv_cp[s] == 0) {
      int adv = glyph_advance(t, sf, cp);
      sf->adv_cp[s] = cp + 1;
      sf->adv_w[s] = (int16_t)adv;
      return adv;
    }
  }
  return glyph_advance(t, sf, cp);
}

static uint64_t mix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

/* Seeded 64-bit hash of (px, w, s[0..n)), eight bytes at a time. */
static uint64_t meas_hash(uint64_t seed, int px, text_weight w, const char *s,
                          size_t n) {
  const uint64_t k = 0x9e3779b97f4a7c15ull;
  uint64_t h = seed ^ ((uint64_t)(uint32_t)px << 32 | (uint64_t)w << 24 | n);
  h = mix64(h * k);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    memcpy(&v, s + i, 8);
    h = (h ^ v) * k;
    h ^= h >> 29;
  }
  if (i < n) {
    uint64_t v = 0;
    memcpy(&v, s + i, n - i);
    h = (h ^ v) * k;
  }
  return mix64(h);
}

static int measure_glyphs(text_sys *t, int px, text_weight w, const char *s,
                          size_t n) {
  sized_font *sf = get_font(t, px, w);
  if (!sf)
    return -1;
  int width = 0;
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t k = utf8_decode(s + i, n - i, &cp);
    if (!k)
      k = 1;
    if (cp != '\n')
      width += advance(t, sf, cp);
    i += k;
  }
  return width;
}

int text_covers(text_sys *t, text_weight w, const char *s, size_t n) {
  sized_font *sf = get_font(t, 30, w);
  if (!sf)
    return 0;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t k = utf8_decode(s + i, n - i, &cp);
    if (!k)
      return 0;
    i += k;
    face_ref f;
    if (!face_with(t, sf, cp, &f))
      return 0;
  }
  return 1;
}

int text_width(text_sys *t, int px, text_weight w, const char *s, size_t n) {
  if (n == 0)
    return 0;
  uint64_t h = meas_hash(t->meas_seed, px, w, s, n);
  meas *set = t->meas[h & (MEAS_SETS - 1)];
  for (int i = 0; i < MEAS_WAYS && set[i].used; i++)
    if (set[i].hash == h && set[i].len == n && set[i].px == px &&
        set[i].weight == (uint8_t)w) {
      t->meas_hits++;
      return set[i].width;
    }
  t->meas_misses++;
  int width = measure_glyphs(t, px, w, s, n);
  if (width < 0)
    return 0; /* no face: not remembered, tried again next time */
  if (n <= UINT32_MAX && px >= INT16_MIN && px <= INT16_MAX) {
    memmove(&set[1], &set[0], (MEAS_WAYS - 1) * sizeof set[0]);
    set[0] = (meas){.hash = h, .len = (uint32_t)n, .px = (int16_t)px,
                    .weight = (uint8_t)w, .used = 1, .width = width};
  }
  return width;
}

typedef struct wrap_ctx {
  text_sys *t;
  int px;
  text_weight w;
} wrap_ctx;

static int wrap_measure(void *ud, const char *s, size_t n) {
  wrap_ctx *c = ud;
  return text_width(c->t, c->px, c->w, s, n);
}

size_t text_wrap(text_sys *t, int px, text_weight w, int max_width,
                 const char *s, size_t n, linebreak_line *lines,
                 size_t max_lines) {
  wrap_ctx c = {t, px, w};
  if (max_lines > WRAP_LINES || n > UINT32_MAX || px < INT16_MIN ||
      px > INT16_MAX)
    return linebreak_wrap(s, n, max_width, wrap_measure, &c, lines,
                          max_lines);
  uint64_t h = mix64(meas_hash(t->meas_seed, px, w, s, n) ^
                     (uint64_t)(uint32_t)max_width);
  wrap *set = t->wraps[h & (WRAP_SETS - 1)];
  wrap *hit = NULL;
  for (int i = 0; i < WRAP_WAYS && set[i].lines && !hit; i++)
    if (set[i].hash == h && set[i].len == n && set[i].px == px &&
        set[i].weight == (uint8_t)w && set[i].max_width == max_width)
      hit = &set[i];
  if (hit) {
    t->wrap_hits++;
  } else {
    t->wrap_misses++;
    linebreak_line tmp[WRAP_LINES];
    size_t count =
        linebreak_wrap(s, n, max_width, wrap_measure, &c, tmp, WRAP_LINES);
    size_t stored = count < WRAP_LINES ? count : WRAP_LINES;
    linebreak_line *copy = malloc((stored ? stored : 1) * sizeof *copy);
    if (!copy) { /* answer without remembering */
      for (size_t i = 0; i < stored && i < max_lines; i++)
        lines[i] = tmp[i];
      return count;
    }
    memcpy(copy, tmp, stored * sizeof *copy);
    wrap_free(&set[WRAP_WAYS - 1]);
    memmove(&set[1], &set[0], (WRAP_WAYS - 1) * sizeof set[0]);
    set[0] = (wrap){.hash = h, .len = (uint32_t)n, .px = (int16_t)px,
                    .weight = (uint8_t)w, .max_width = max_width,
                    .count = count, .stored = stored, .lines = copy};
    hit = &set[0];
  }
  for (size_t i = 0; i < hit->stored && i < max_lines; i++)
    lines[i] = hit->lines[i];
  return hit->count;
}

int text_line_height(text_sys *t, int px, text_weight w) {
  (void)t;
  (void)w;
  /* Noto CJK's own line gap is tall; 1.45 em reads well for elderly eyes
   * without wasting space. */
  return (px * 145 + 50) / 100;
}

static uint32_t rgba(SDL_Color c) {
  return (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
}

static uint32_t hash_key(int px, text_weight w, SDL_Color c, SDL_Color bg,
                         const char *s, size_t n) {
  uint32_t h = 2166136261u;
  uint32_t pre[4] = {(uint32_t)px, (uint32_t)w, rgba(c), rgba(bg)};
  const unsigned char *p = (const unsigned char *)pre;
  for (size_t i = 0; i < sizeof pre; i++)
    h = (h ^ p[i]) * 16777619u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static void lru_unlink(text_sys *t, entry *e) {
  if (e->prev)
    e->prev->next = e->next;
  else
    t->lru_head = e->next;
  if (e->next)
    e->next->prev = e->prev;
  else
    t->lru_tail = e->prev;
  e->prev = e->next = NULL;
}

static void lru_push_front(text_sys *t, entry *e) {
  e->prev = NULL;
  e->next = t->lru_head;
  if (t->lru_head)
    t->lru_head->prev = e;
  t->lru_head = e;
  if (!t->lru_tail)
    t->lru_tail = e;
}

static void evict_one(text_sys *t) {
  entry *e = t->lru_tail;
  if (!e)
    return;
  lru_unlink(t, e);
  entry **pp = &t->buckets[e->hash % BUCKETS];
  while (*pp != e)
    pp = &(*pp)->hnext;
  *pp = e->hnext;
  t->bytes -= e->bytes;
  t->entries--;
  t->evictions++;
  entry_free(e);
}

/* Renders a line, falling back per character to other faces where the main
 * face has no glyph. Returns an ARGB surface or NULL. */
static SDL_Surface *render_run(TTF_Font *f, const char *s, SDL_Color c,
                               SDL_Color bg) {
  if (bg.a == 255) {
    SDL_Surface *pal = TTF_RenderUTF8_Shaded(f, s, c, bg);
    if (!pal)
      return NULL;
    SDL_Surface *out =
        SDL_ConvertSurfaceFormat(pal, SDL_PIXELFORMAT_ARGB8888, 0);
    free_surface(pal);
    return out;
  }
  return TTF_RenderUTF8_Blended(f, s, c);
}

static SDL_Surface *render_line(text_sys *t, sized_font *sf, SDL_Color c,
                                SDL_Color bg, const char *s, size_t n) {
  char *buf = malloc(n + 1);
  if (!buf)
    return NULL;
  memcpy(buf, s, n);
  buf[n] = '\0';
  int plain = 1;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t k = utf8_decode(buf + i, n - i, &cp);
    if (!k) {
      k = 1;
      plain = 0;
    } else if (!TTF_GlyphIsProvided32(face_any(t, sf->main), cp)) {
      plain = 0;
    }
    i += k;
  }
  SDL_Surface *out = NULL;
  TTF_Font *main = face_at(t, sf->main, sf->px);
  if (!main)
    goto done;
  if (plain) {
    out = render_run(main, buf, c, bg);
    goto done;
  }
  /* Split into runs by face and compose them side by side. The runs
   * alternate between face groups, so no face changes size within a line. */
  int total_w = 0, h = TTF_FontHeight(main);
  SDL_Surface *runs[128];
  int n_runs = 0;
  size_t i = 0;
  while (i < n && n_runs < 128) {
    size_t start = i;
    face_ref run_face = {-1, 0};
    while (i < n) {
      uint32_t cp;
      size_t k = utf8_decode(buf + i, n - i, &cp);
      if (!k) {
        /* Invalid byte: replace with U+FFFD in its own run. */
        if (i > start)
          break;
        i += 1;
        run_face = sf->main;
        break;
      }
      face_ref f = face_for(t, sf, cp);
      if (run_face.file >= 0 &&
          (f.file != run_face.file || f.main != run_face.main))
        break;
      run_face = f;
      i += k;
    }
    char saved = buf[i];
    buf[i] = '\0';
    uint32_t first;
    SDL_Surface *r = NULL;
    TTF_Font *run_font = face_at(t, run_face, sf->px);
    if (run_font)
      r = render_run(run_font,
                     utf8_decode(buf + start, i - start, &first) == 0
                         ? "\xEF\xBF\xBD"
                         : buf + start,
                     c, bg);
    buf[i] = saved;
    if (r) {
      runs[n_runs++] = r;
      total_w += r->w;
      if (r->h > h)
        h = r->h;
    }
  }
  if (total_w > 0) {
    out = SDL_CreateRGBSurfaceWithFormat(0, total_w, h, 32,
                                         SDL_PIXELFORMAT_ARGB8888);
    if (out && bg.a == 255)
      SDL_FillRect(out, NULL, SDL_MapRGBA(out->format, bg.r, bg.g, bg.b, 255));
    int x = 0;
    for (int j = 0; j < n_runs; j++) {
      if (out) {
        SDL_SetSurfaceBlendMode(runs[j], SDL_BLENDMODE_NONE);
        SDL_Rect dst = {x, (h - runs[j]->h) / 2, runs[j]->w, runs[j]->h};
        SDL_BlitSurface(runs[j], NULL, out, &dst);
      }
      x += runs[j]->w;
      free_surface(runs[j]);
    }
  } else {
    for (int j = 0; j < n_runs; j++)
      free_surface(runs[j]);
  }
done:
  sodium_memzero(buf, n + 1);
  free(buf);
  return out;
}

void text_draw(text_sys *t, int px, text_weight w, SDL_Color c, SDL_Color bg,
               const char *s, size_t n, int x, int y) {
  if (n == 0 || !t->ren)
    return;
  if (bg.a != 255)
    bg = (SDL_Color){0, 0, 0, 0}; /* one key for every blended line */
  uint32_t h = hash_key(px, w, c, bg, s, n);
  entry *e = t->buckets[h % BUCKETS];
  while (e && !(e->hash == h && e->len == n && e->px == px &&
                e->weight == w && rgba(e->color) == rgba(c) &&
                rgba(e->bg) == rgba(bg) && memcmp(e->text, s, n) == 0))
    e = e->hnext;
  if (e) {
    t->hits++;
    lru_unlink(t, e);
    lru_push_front(t, e);
  } else {
    t->misses++;
    sized_font *sf = get_font(t, px, w);
    if (!sf)
      return;
    SDL_Surface *surf = render_line(t, sf, c, bg, s, n);
    if (!surf)
      return;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(t->ren, surf);
    if (tex)
      SDL_SetTextureBlendMode(tex, bg.a == 255 ? SDL_BLENDMODE_NONE
                                               : SDL_BLENDMODE_BLEND);
    int sw = surf->w, sh = surf->h;
    free_surface(surf);
    if (!tex)
      return;
    size_t bytes = (size_t)sw * (size_t)sh * 4;
    if (bytes > t->bound) { /* draw once, never keep */
      SDL_Rect dst = {x, y, sw, sh};
      SDL_RenderCopy(t->ren, tex, NULL, &dst);
      destroy_texture(tex, sw, sh);
      return;
    }
    while (t->bytes + bytes > t->bound && t->lru_tail)
      evict_one(t);
    e = malloc(sizeof *e + n);
    if (!e) {
      destroy_texture(tex, sw, sh);
      return;
    }
    *e = (entry){.hash = h, .px = px, .weight = w, .color = c, .bg = bg,
                 .tex = tex,
                 .w = sw, .h = sh, .bytes = bytes, .len = n};
    memcpy(e->text, s, n);
    e->hnext = t->buckets[h % BUCKETS];
    t->buckets[h % BUCKETS] = e;
    lru_push_front(t, e);
    t->bytes += bytes;
    t->entries++;
  }
  SDL_Rect dst = {x, y, e->w, e->h};
  SDL_RenderCopy(t->ren, e->tex, NULL, &dst);
}

void text_get_stats(const text_sys *t, text_stats *s) {
  s->entries = t->entries;
  s->bytes = t->bytes;
  s->bound = t->bound;
  s->hits = t->hits;
  s->misses = t->misses;
  s->evictions = t->evictions;
  s->faces = (size_t)t->n_faces;
  s->sizes = (size_t)t->n_sizes;
  s->opens = t->opens;
  s->measure_hits = t->meas_hits;
  s->measure_misses = t->meas_misses;
  s->wrap_hits = t->wrap_hits;
  s->wrap_misses = t->wrap_misses;
}
