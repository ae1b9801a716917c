/* stroke_file: reads tests/data/devices/strokes.txt (synthetic handwriting,
 * format described in that file) and draws a character on an ime_hand pad
 * the way a finger would: a point every few pixels along each segment.
 * Shared by the ime_hand test and bench_ime. Hard limits: SF_MAX_CHARS
 * lines, SF_MAX_STROKES strokes per character, SF_MAX_VERTS vertices per
 * stroke; lines breaking them or the format are skipped. */
#ifndef TESTS_DEVICES_STROKE_FILE_H
#define TESTS_DEVICES_STROKE_FILE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ime.h"

#define SF_MAX_CHARS 64
#define SF_MAX_STROKES 24
#define SF_MAX_VERTS 16
#define SF_STEP 6.0 /* pixels between finger samples on a 300 px pad */

typedef struct sf_char {
  char ch[8];
  int n_strokes;
  int n_verts[SF_MAX_STROKES];
  int x[SF_MAX_STROKES][SF_MAX_VERTS], y[SF_MAX_STROKES][SF_MAX_VERTS];
} sf_char;

/* Parses one line into *c; 0 on success, -1 if the line is not a character. */
static inline int sf_parse_line(char *line, sf_char *c) {
  memset(c, 0, sizeof *c);
  char *save = NULL;
  char *tok = strtok_r(line, " \t\r\n", &save);
  if (!tok || tok[0] == '#' || strlen(tok) >= sizeof c->ch) return -1;
  memcpy(c->ch, tok, strlen(tok) + 1);
  c->n_strokes = 1;
  while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
    int s = c->n_strokes - 1;
    if (strcmp(tok, "|") == 0) {
      if (c->n_verts[s] == 0 || c->n_strokes >= SF_MAX_STROKES) return -1;
      c->n_strokes++;
      continue;
    }
    int x, y;
    char extra;
    if (sscanf(tok, "%d,%d%c", &x, &y, &extra) != 2) return -1;
    if (c->n_verts[s] >= SF_MAX_VERTS) return -1;
    c->x[s][c->n_verts[s]] = x;
    c->y[s][c->n_verts[s]] = y;
    c->n_verts[s]++;
  }
  return c->n_verts[c->n_strokes - 1] > 0 ? 0 : -1;
}

/* Loads up to cap characters; returns how many, or -1 if unreadable. */
static inline int sf_load(const char *path, sf_char *out, int cap) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024];
  int n = 0;
  while (n < cap && fgets(line, sizeof line, f)) {
    if (sf_parse_line(line, &out[n]) == 0) n++;
  }
  fclose(f);
  return n;
}

/* Draws stroke s of c, coordinates multiplied by scale. Returns the first
 * error of the ime_hand calls, KERR_OK otherwise. */
static inline kerr sf_draw_stroke(ime_hand *h, const sf_char *c, int s,
                                  double scale) {
  kerr err = ime_hand_stroke_begin(h);
  if (err) return err;
  for (int v = 0; v < c->n_verts[s]; v++) {
    double x1 = c->x[s][v] * scale, y1 = c->y[s][v] * scale;
    if (v > 0) {
      double x0 = c->x[s][v - 1] * scale, y0 = c->y[s][v - 1] * scale;
      double len = hypot(x1 - x0, y1 - y0);
      int steps = (int)(len / (SF_STEP * scale));
      for (int k = 1; k < steps && !err; k++) {
        double t = (double)k / steps;
        err = ime_hand_stroke_point(h, (int)lround(x0 + (x1 - x0) * t),
                                    (int)lround(y0 + (y1 - y0) * t));
      }
    }
    if (!err) err = ime_hand_stroke_point(h, (int)lround(x1), (int)lround(y1));
  }
  kerr e2 = ime_hand_stroke_end(h);
  return err ? err : e2;
}

/* Draws the first n strokes of c. */
static inline kerr sf_draw(ime_hand *h, const sf_char *c, int n,
                           double scale) {
  for (int s = 0; s < n && s < c->n_strokes; s++) {
    kerr err = sf_draw_stroke(h, c, s, scale);
    if (err) return err;
  }
  return KERR_OK;
}

#endif
