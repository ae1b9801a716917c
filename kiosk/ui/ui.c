/* ui: see ui.h. */
#include "ui/ui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/linebreak.h"
#include "core/utf8.h"

#define MAX_LINES 64

/* Records a flat area of colour c (r already shrunk to where it is flat). */
static void note_fill(ui *u, SDL_Rect r, SDL_Color c) {
  if (u->n_fills >= UI_MAX_FILLS) {
    /* Forget the oldest; an unknown background only costs speed. */
    memmove(&u->fills[0], &u->fills[1],
            (UI_MAX_FILLS - 1) * sizeof u->fills[0]);
    u->n_fills--;
  }
  u->fills[u->n_fills].r = r;
  u->fills[u->n_fills].c = c;
  u->n_fills++;
}

/* The colour under r if it is one opaque flat colour, else transparent. */
static SDL_Color bg_under(const ui *u, SDL_Rect r) {
  SDL_Color none = {0, 0, 0, 0};
  for (int i = u->n_fills - 1; i >= 0; i--) {
    const SDL_Rect *f = &u->fills[i].r;
    if (r.x >= f->x && r.y >= f->y && r.x + r.w <= f->x + f->w &&
        r.y + r.h <= f->y + f->h)
      return u->fills[i].c.a == 255 ? u->fills[i].c : none;
    if (SDL_HasIntersection(&r, f))
      return none; /* straddles an edge: blend */
  }
  return none;
}

void ui_begin(ui *u) {
  u->n_targets = 0;
  u->last_target = -1;
  u->n_fills = 0;
  u->n_texts = 0;
  u->registry_full = 0;
  u->private_depth = 0;
  u->button_id = NULL;
  u->modal_from = 0;
  u->pages = 0;
  ui_clip_end(u);
  SDL_SetRenderDrawBlendMode(u->ren, SDL_BLENDMODE_BLEND);
  SDL_Color bg = u->th.bg;
  SDL_SetRenderDrawColor(u->ren, bg.r, bg.g, bg.b, 255);
  SDL_RenderClear(u->ren);
  note_fill(u, (SDL_Rect){0, 0, u->th.w, u->th.h}, bg);
}

void ui_begin_modal(ui *u) { u->modal_from = u->n_targets; }

const char *ui_str(const ui *u, const char *key) {
  const char *s = u && u->str ? u->str(u->str_ud, key) : NULL;
  return s ? s : key;
}

void ui_clip_begin(ui *u, SDL_Rect r) {
  u->has_clip = 1;
  u->clip = r;
  SDL_RenderSetClipRect(u->ren, &r);
}

void ui_clip_end(ui *u) {
  u->has_clip = 0;
  SDL_RenderSetClipRect(u->ren, NULL);
}

/* Intersects r with the clip; returns 0 when nothing is visible. */
static int visible_part(const ui *u, SDL_Rect r, SDL_Rect *out) {
  if (!u->has_clip) {
    *out = r;
    return 1;
  }
  return SDL_IntersectRect(&r, &u->clip, out) == SDL_TRUE;
}

/* Opaque fills skip per-pixel blending (much cheaper in software). */
static void set_color(ui *u, SDL_Color c) {
  SDL_SetRenderDrawBlendMode(u->ren, c.a == 255 ? SDL_BLENDMODE_NONE
                                                : SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(u->ren, c.r, c.g, c.b, c.a);
}

void ui_fill(ui *u, SDL_Rect r, SDL_Color c) {
  set_color(u, c);
  SDL_RenderFillRect(u->ren, &r);
  note_fill(u, r, c);
}

/* How far row dy (0 = the outermost) of a rounded corner of this radius
 * reaches in from the straight edge: the pixel rows of a quarter disc,
 * sampled at their centres. */
static int corner_inset(int radius, int dy) {
  float y = (float)radius - (float)dy - 0.5f;
  float x = sqrtf((float)radius * (float)radius - y * y);
  return radius - (int)lroundf(x);
}

void ui_fill_round(ui *u, SDL_Rect r, int radius, SDL_Color c) {
  if (radius * 2 > r.w)
    radius = r.w / 2;
  if (radius * 2 > r.h)
    radius = r.h / 2;
  if (radius <= 1) {
    ui_fill(u, r, c);
    return;
  }
  /* Flat where the corners cannot reach (a circle keeps its inner
   * square). */
  int inset = radius * 3 / 10 + 1;
  note_fill(
      u, (SDL_Rect){r.x + inset, r.y + inset, r.w - 2 * inset, r.h - 2 * inset},
      c);
  set_color(u, c);
  /* The middle band, then each corner row as one span across the top and
   * one across the bottom: a handful of rectangle fills in one call,
   * which the software renderer does far cheaper than triangles. */
  enum { MAX_R = 256 };
  if (radius > MAX_R)
    radius = MAX_R;
  SDL_Rect spans[2 * MAX_R + 1];
  int n = 0;
  spans[n++] = (SDL_Rect){r.x, r.y + radius, r.w, r.h - 2 * radius};
  for (int dy = 0; dy < radius; dy++) {
    int in = corner_inset(radius, dy);
    spans[n++] = (SDL_Rect){r.x + in, r.y + dy, r.w - 2 * in, 1};
    spans[n++] = (SDL_Rect){r.x + in, r.y + r.h - 1 - dy, r.w - 2 * in, 1};
  }
  SDL_RenderFillRects(u->ren, spans, n);
}

void ui_card(ui *u, SDL_Rect r, SDL_Color fill, SDL_Color border) {
  int bw = theme_px(&u->th, 2);
  ui_fill_round(u, r, u->th.radius, border);
  SDL_Rect in = {r.x + bw, r.y + bw, r.w - 2 * bw, r.h - 2 * bw};
  ui_fill_round(u, in, u->th.radius - bw, fill);
}

void ui_circle(ui *u, int cx, int cy, int radius, SDL_Color c) {
  SDL_Rect r = {cx - radius, cy - radius, radius * 2, radius * 2};
  ui_fill_round(u, r, radius, c);
}

int ui_text_line(ui *u, int px, text_weight w, SDL_Color c, const char *s,
                 int x, int y) {
  size_t n = strlen(s);
  int width = text_width(u->text, px, w, s, n);
  SDL_Rect box = {x, y, width, text_line_height(u->text, px, w)};
  text_draw(u->text, px, w, c, bg_under(u, box), s, n, x, y);
  return width;
}

int ui_text_height(ui *u, int wd, int px, text_weight w, const char *s) {
  linebreak_line lines[1];
  size_t n = text_wrap(u->text, px, w, wd, s, strlen(s), lines, 1);
  return (int)n * text_line_height(u->text, px, w);
}

int ui_fit_px(ui *u, int wd, int ht, text_weight w, const char *s, int px_max) {
  const theme *th = &u->th;
  const int steps[] = {th->px_huge, th->px_title, th->px_large, th->px_body,
                       th->px_small};
  int last = px_max;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    if (steps[i] > px_max)
      continue;
    last = steps[i];
    linebreak_line lines[MAX_LINES];
    size_t n = text_wrap(u->text, last, w, wd, s, strlen(s), lines, MAX_LINES);
    int wide = 0;
    for (size_t j = 0; j < n && j < MAX_LINES; j++)
      wide |= lines[j].width > wd;
    if (!wide && (int)n * text_line_height(u->text, last, w) <= ht)
      return last;
  }
  return last;
}

void ui_private(ui *u, int on) {
  u->private_depth += on ? 1 : -1;
  if (u->private_depth < 0)
    u->private_depth = 0;
}

void ui_speak_begin(ui *u, char *buf, size_t cap) {
  u->speak_buf = cap ? buf : NULL;
  u->speak_len = 0;
  u->speak_cap = cap;
  if (cap)
    buf[0] = '\0';
}

size_t ui_speak_end(ui *u) {
  size_t n = u->speak_len;
  u->speak_buf = NULL;
  u->speak_len = u->speak_cap = 0;
  return n;
}

int ui_speak_skips(const char *id) {
  static const char *const skip[] = {
      "nav.",          "kbd.",         "page.",    "form.prev", "form.next",
      "form.confirm",  "listen",       "chg.",     "sig.",      "review.",
      "receipt.print", "entry.staff",  "timeout.", "date.",     "member.edit",
      "member.remove", "resume.staff", "menu."};
  for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
    if (strncmp(id, skip[i], strlen(skip[i])) == 0)
      return 1;
  return 0;
}

/* Appends s to the words being collected, one sentence each. */
void ui_speak_add(ui *u, const char *s) {
  if (!u->speak_buf || u->private_depth ||
      (u->button_id && ui_speak_skips(u->button_id)))
    return;
  size_t n = strlen(s);
  if (!n || u->speak_len + n + 4 >= u->speak_cap)
    return;
  /* The same words twice in a row (a label drawn again) once. */
  if (u->speak_len >= n + 3 &&
      memcmp(u->speak_buf + u->speak_len - n - 3, s, n) == 0)
    return;
  memcpy(u->speak_buf + u->speak_len, s, n);
  u->speak_len += n;
  /* A pause after each piece, unless it ends in punctuation already. */
  static const char *const ends[] = {"。", "？", "！", "：", "，"};
  int ended = 0;
  for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
    ended |= n >= 3 && memcmp(s + n - 3, ends[i], 3) == 0;
  if (!ended) {
    memcpy(u->speak_buf + u->speak_len, "。", 3);
    u->speak_len += 3;
  }
  u->speak_buf[u->speak_len] = '\0';
}

static void register_text(ui *u, SDL_Rect r, const char *s, int overflow) {
  SDL_Rect vis;
  if (!visible_part(u, r, &vis))
    return;
  ui_speak_add(u, s);
  r = vis;
  if (u->n_texts >= UI_MAX_TEXTS) {
    u->registry_full = 1;
    return;
  }
  ui_textbox *tb = &u->texts[u->n_texts++];
  size_t n = strlen(s);
  if (n >= sizeof tb->text) {
    n = sizeof tb->text - 1;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--; /* do not cut a character in half */
  }
  memcpy(tb->text, s, n);
  tb->text[n] = '\0';
  tb->r = r;
  tb->overflow = overflow;
}

int ui_text_box(ui *u, SDL_Rect r, int px, text_weight w, SDL_Color c,
                ui_align align, int valign, const char *s) {
  linebreak_line lines[MAX_LINES];
  size_t len = strlen(s);
  size_t n = text_wrap(u->text, px, w, r.w, s, len, lines, MAX_LINES);
  int lh = text_line_height(u->text, px, w);
  int need = (int)n * lh;
  size_t fit = r.h >= lh ? (size_t)(r.h / lh) : 0;
  int overflow = 0;
  if (n > fit || n > MAX_LINES)
    overflow = 1;
  size_t show = n < fit ? n : fit;
  if (show > MAX_LINES)
    show = MAX_LINES;
  for (size_t i = 0; i < n && i < MAX_LINES; i++)
    if (lines[i].width > r.w)
      overflow = 1; /* a single unbreakable glyph wider than the box */
  int y = r.y;
  if (valign && need < r.h)
    y += (r.h - need) / 2;
  /* The glyph box is taller than the em; centre it in the line. */
  for (size_t i = 0; i < show; i++) {
    int ly = y + (int)i * lh;
    if (u->has_clip && (ly + lh < u->clip.y || ly > u->clip.y + u->clip.h))
      continue; /* scrolled out of view */
    int x = r.x;
    if (align == UI_CENTER)
      x += (r.w - lines[i].width) / 2;
    else if (align == UI_RIGHT)
      x += r.w - lines[i].width;
    SDL_Rect box = {x, ly, lines[i].width, lh};
    text_draw(u->text, px, w, c, bg_under(u, box), s + lines[i].start,
              lines[i].len, x, ly);
  }
  register_text(u, r, s, overflow);
  return need;
}

void ui_target_add(ui *u, const char *id, SDL_Rect r, const char *label) {
  SDL_Rect vis;
  u->last_target = -1;
  if (!visible_part(u, r, &vis))
    return;
  if (u->n_targets >= UI_MAX_TARGETS) {
    u->registry_full = 1;
    return;
  }
  ui_target *t = &u->targets[u->n_targets++];
  snprintf(t->id, sizeof t->id, "%s", id);
  snprintf(t->label, sizeof t->label, "%s", label ? label : "");
  t->say[0] = '\0';
  t->r = vis;
  t->full = r;
  t->enabled = 1;
  t->priv = u->private_depth > 0;
  t->action = t->arg = 0;
  u->last_target = u->n_targets - 1;
}

void ui_target_say(ui *u, const char *words) {
  if (u->last_target < 0 || u->last_target >= u->n_targets)
    return;
  ui_target *t = &u->targets[u->last_target];
  snprintf(t->say, sizeof t->say, "%s", words ? words : "");
}

void ui_tag(ui *u, int action, int arg) {
  if (u->last_target < 0 || u->last_target >= u->n_targets)
    return;
  u->targets[u->last_target].action = action;
  u->targets[u->last_target].arg = arg;
  u->last_target = -1;
}

static int is_pressed(const ui *u, const char *id) {
  return u->pressed[0] && strcmp(u->pressed, id) == 0;
}

void ui_button(ui *u, const char *id, SDL_Rect r, ui_button_style style,
               const char *label) {
  const theme *th = &u->th;
  int pressed = is_pressed(u, id);
  SDL_Color fill, fg, border;
  switch (style) {
  case UI_BTN_PRIMARY:
    fill = pressed ? th->primary_pressed : th->primary;
    fg = th->on_primary;
    border = fill;
    break;
  case UI_BTN_ACCENT:
    fill = pressed ? th->primary_pressed : th->accent;
    fg = th->on_accent;
    border = fill;
    break;
  case UI_BTN_SECONDARY:
    fill = pressed ? th->surface_alt : th->surface;
    fg = th->primary;
    border = th->primary;
    break;
  default:
    fill = pressed ? th->surface_alt : th->bg;
    fg = th->text_muted;
    border = fill;
    break;
  }
  if (style == UI_BTN_QUIET)
    ui_fill_round(u, r, th->radius, fill);
  else
    ui_card(u, r, fill, border);
  text_weight w = style == UI_BTN_QUIET ? TEXT_REGULAR : TEXT_BOLD;
  SDL_Rect in = {r.x + th->pad / 2, r.y, r.w - th->pad, r.h};
  /* The largest text that fits: in the large sizes a small key or a
   * narrow screen's button takes a step down rather than spill over. */
  int px = ui_fit_px(u, in.w, in.h, w, label,
                     style == UI_BTN_QUIET ? th->px_small : th->px_large);
  u->button_id = id;
  ui_text_box(u, in, px, w, fg, UI_CENTER, 1, label);
  u->button_id = NULL;
  ui_target_add(u, id, r, label);
}

int ui_tile_badge_fit(ui *u, SDL_Rect r, const char *title, const char *desc) {
  const theme *th = &u->th;
  int pad = th->pad;
  int badge_d = theme_px(th, th->elder ? 150 : 140);
  if (r.w > r.h * 2)
    return badge_d; /* wide tiles put the badge beside the words */
  int title_h = text_line_height(u->text, th->px_title, TEXT_BOLD);
  int desc_h =
      ui_text_height(u, r.w - 2 * pad, th->px_body, TEXT_REGULAR, desc);
  (void)title;
  int room = r.h - 2 * pad - (pad + title_h + th->gap / 2 + desc_h);
  if (room >= badge_d)
    return badge_d;
  return room >= th->px_huge ? room : 0;
}

void ui_tile(ui *u, const char *id, SDL_Rect r, const char *badge,
             SDL_Color badge_color, const char *title, const char *desc) {
  ui_tile_sized(u, id, r, badge, badge_color, title, desc,
                ui_tile_badge_fit(u, r, title, desc));
}

void ui_tile_sized(ui *u, const char *id, SDL_Rect r, const char *badge,
                   SDL_Color badge_color, const char *title, const char *desc,
                   int badge_size) {
  const theme *th = &u->th;
  int pressed = is_pressed(u, id);
  ui_card(u, r, pressed ? th->surface_alt : th->surface,
          pressed ? th->primary : th->border);
  int pad = th->pad;
  int badge_d = theme_px(th, th->elder ? 150 : 140);
  int horizontal = r.w > r.h * 2; /* wide tile: badge left, text right */
  SDL_Rect text_r;
  int title_h = text_line_height(u->text, th->px_title, TEXT_BOLD);
  if (horizontal) {
    /* The words first: in the large sizes a narrow tile gives up its
     * badge rather than its description. */
    if (ui_text_height(u, r.w - pad * 3 - badge_d, th->px_body, TEXT_REGULAR,
                       desc) +
            title_h >
        r.h - 2 * pad)
      badge_d = 0;
    if (badge_d) {
      int cx = r.x + pad + badge_d / 2, cy = r.y + r.h / 2;
      ui_circle(u, cx, cy, badge_d / 2, badge_color);
      int bw =
          text_width(u->text, th->px_huge, TEXT_BOLD, badge, strlen(badge));
      int bh = text_line_height(u->text, th->px_huge, TEXT_BOLD);
      ui_text_line(u, th->px_huge, TEXT_BOLD, th->on_primary, badge,
                   cx - bw / 2, cy - bh / 2);
    }
    int bspace = badge_d ? pad + badge_d : 0;
    text_r = (SDL_Rect){r.x + pad + bspace, r.y + pad, r.w - pad * 2 - bspace,
                        r.h - 2 * pad};
    int desc_h = ui_text_height(u, text_r.w, th->px_body, TEXT_REGULAR, desc);
    if (title_h + desc_h > text_r.h &&
        title_h +
                ui_text_height(u, text_r.w, th->px_small, TEXT_REGULAR, desc) >
            text_r.h)
      desc_h = 0; /* not shown, see below: the title is centred */
    int block = title_h + desc_h;
    int y = text_r.y + (text_r.h - block) / 2;
    if (y < text_r.y)
      y = text_r.y;
    ui_text_box(u, (SDL_Rect){text_r.x, y, text_r.w, title_h}, th->px_title,
                TEXT_BOLD, th->text, UI_LEFT, 0, title);
    int dh = text_r.y + text_r.h - y - title_h;
    int dpx = ui_fit_px(u, text_r.w, dh, TEXT_REGULAR, desc, th->px_body);
    /* Where even the smallest size cannot hold the description (特大 on a
     * small screen) the title stands alone: it names the tile. */
    if (ui_text_height(u, text_r.w, dpx, TEXT_REGULAR, desc) <= dh)
      ui_text_box(u, (SDL_Rect){text_r.x, y + title_h, text_r.w, dh}, dpx,
                  TEXT_REGULAR, th->text_muted, UI_LEFT, 0, desc);
  } else {
    /* Tall tile: badge, title and description centred as one block. */
    int tw = r.w - 2 * pad;
    int desc_h = ui_text_height(u, tw, th->px_body, TEXT_REGULAR, desc);
    /* A short tile (e.g. under the staff band): the badge gives way
     * first, the words never. */
    badge_d = badge_size;
    int block = (badge_d ? badge_d + pad : 0) + title_h + th->gap / 2 + desc_h;
    int y = r.y + (r.h - block) / 2;
    if (y < r.y + pad)
      y = r.y + pad;
    if (badge_d) {
      int cx = r.x + r.w / 2, cy = y + badge_d / 2;
      int gpx =
          badge_d * 55 / 100 < th->px_huge ? badge_d * 55 / 100 : th->px_huge;
      ui_circle(u, cx, cy, badge_d / 2, badge_color);
      int bw = text_width(u->text, gpx, TEXT_BOLD, badge, strlen(badge));
      int bh = text_line_height(u->text, gpx, TEXT_BOLD);
      ui_text_line(u, gpx, TEXT_BOLD, th->on_primary, badge, cx - bw / 2,
                   cy - bh / 2);
      y += badge_d + pad;
    }
    ui_text_box(u, (SDL_Rect){r.x + pad, y, tw, title_h}, th->px_title,
                TEXT_BOLD, th->text, UI_CENTER, 0, title);
    y += title_h + th->gap / 2;
    int dh = r.y + r.h - pad - y;
    ui_text_box(u, (SDL_Rect){r.x + pad, y, tw, dh},
                ui_fit_px(u, tw, dh, TEXT_REGULAR, desc, th->px_body),
                TEXT_REGULAR, th->text_muted, UI_CENTER, 0, desc);
  }
  ui_target_add(u, id, r, title);
}

const ui_target *ui_hit(const ui *u, int x, int y) {
  SDL_Point p = {x, y};
  /* Later targets are drawn on top: search from the end, and stop at the
   * modal layer's start. */
  for (int i = u->n_targets - 1; i >= u->modal_from; i--)
    if (u->targets[i].enabled && SDL_PointInRect(&p, &u->targets[i].r))
      return &u->targets[i];
  return NULL;
}

const ui_target *ui_find_target(const ui *u, const char *key) {
  for (int i = u->n_targets - 1; i >= u->modal_from; i--)
    if (strcmp(u->targets[i].id, key) == 0)
      return &u->targets[i];
  for (int i = u->n_targets - 1; i >= u->modal_from; i--)
    if (strcmp(u->targets[i].label, key) == 0)
      return &u->targets[i];
  return NULL;
}

int ui_has_text(const ui *u, const char *needle) {
  for (int i = 0; i < u->n_texts; i++)
    if (strstr(u->texts[i].text, needle))
      return 1;
  return 0;
}

int ui_translate(const SDL_Event *ev, int w, int h, ui_input *out) {
  memset(out, 0, sizeof *out);
  switch (ev->type) {
  case SDL_QUIT:
    out->type = UI_IN_QUIT;
    return 1;
  case SDL_FINGERDOWN:
  case SDL_FINGERMOTION:
  case SDL_FINGERUP:
    out->type = ev->type == SDL_FINGERDOWN     ? UI_IN_PRESS
                : ev->type == SDL_FINGERMOTION ? UI_IN_MOVE
                                               : UI_IN_RELEASE;
    out->x = (int)lroundf(ev->tfinger.x * (float)w);
    out->y = (int)lroundf(ev->tfinger.y * (float)h);
    return 1;
  case SDL_MOUSEBUTTONDOWN:
  case SDL_MOUSEBUTTONUP:
    if (ev->button.which == SDL_TOUCH_MOUSEID ||
        ev->button.button != SDL_BUTTON_LEFT)
      return 0;
    out->type = ev->type == SDL_MOUSEBUTTONDOWN ? UI_IN_PRESS : UI_IN_RELEASE;
    out->x = ev->button.x;
    out->y = ev->button.y;
    return 1;
  case SDL_MOUSEMOTION:
    if (ev->motion.which == SDL_TOUCH_MOUSEID ||
        !(ev->motion.state & SDL_BUTTON_LMASK))
      return 0;
    out->type = UI_IN_MOVE;
    out->x = ev->motion.x;
    out->y = ev->motion.y;
    return 1;
  case SDL_KEYDOWN:
    out->type = UI_IN_KEY;
    out->key = ev->key.keysym.sym;
    return 1;
  case SDL_TEXTINPUT:
    out->type = UI_IN_TEXT;
    snprintf(out->text, sizeof out->text, "%s", ev->text.text);
    return 1;
  case SDL_WINDOWEVENT:
    if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
      out->type = UI_IN_RESIZE;
      out->x = ev->window.data1;
      out->y = ev->window.data2;
      return 1;
    }
    if (ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
      out->type = UI_IN_EXPOSE;
      return 1;
    }
    return 0;
  default:
    return 0;
  }
}
