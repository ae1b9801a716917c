/* materials: 「拍下带来的材料」 — the checklist of the materials the chosen
 * items ask for, opened from the review page (拍材料) when a document
 * camera is connected (services/camera_host.h).
 *
 * Each material once (merged as on the receipt), with the items it serves
 * (「用于：低保、医疗救助」), how many pages are photographed, 拍下来 (which
 * opens screen_capture for it) and, under it, the pages taken as
 * thumbnails, each with 删除. Over a limit, 拍下来 says so plainly
 * (「这一项最多拍6页。」, 「照片太多了，剩下的请带到窗口。」) and opens
 * nothing. 好了 goes back to the review page. Targets: mat.snap.<i>,
 * mat.del.<i>.<k>, materials.done.
 *
 * The thumbnails are pictures of personal papers: made from the pages'
 * JPEGs when the pages change, their pixels wiped (ui_image_free) on
 * leave and before they are made again; the decoded pixels are wiped at
 * once. The words are the bundle's strings when it has them (keys below),
 * else the defaults here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/services.h"
#include "core/log.h"
#include "screens/screens.h"
#include "ui/image.h"
#include "widgets/pageview.h"

void materials_refresh(app *a) {
  const form *f = form_host_form(app_form(a));
  const char *ids[FORM_MAX_ITEMS];
  size_t n = f ? form_item_count(f) : 0;
  for (size_t i = 0; i < n && i < FORM_MAX_ITEMS; i++)
    ids[i] = form_item_at(f, i);
  if (f)
    camera_host_materials(app_camera(a), app_content(a), ids,
                          n < FORM_MAX_ITEMS ? n : FORM_MAX_ITEMS);
}

int materials_limit_message(app *a, int v, char *out, size_t cap) {
  char num[16];
  out[0] = '\0';
  if (v == CAMERA_PAGES_OK)
    return 0;
  if (v == CAMERA_PAGES_MATERIAL_FULL) {
    snprintf(num, sizeof num, "%d",
             camera_host_max_per_material(app_camera(a)));
    chrome_format(out, cap, app_str(a, "materials.limit_item"), "n", num);
  } else {
    snprintf(out, cap, "%s", app_str(a, "materials.limit_all"));
  }
  return 1;
}

/* What a tap means (ui_tag). */
enum mat_action { MAT_SNAP = 1, MAT_DELETE, MAT_DONE };

typedef struct thumb {
  ui_image im;
  int material, k;
} thumb;

typedef struct materials_state {
  pageview page;
  char msg[200];
  int notice; /* msg says what was done (a page deleted), not a warning */
  thumb th[CAMERA_PAGES_MAX];
  int n_th;
  unsigned version; /* camera_host_version the thumbnails show */
  int built;
} materials_state;

static void thumbs_free(materials_state *s) {
  for (int i = 0; i < s->n_th; i++)
    ui_image_free(&s->th[i].im);
  s->n_th = 0;
  s->built = 0;
}

/* Thumbnails of every page, when the pages changed. */
static void thumbs_build(app *a, materials_state *s, ui *u) {
  camera_host *h = app_camera(a);
  if (s->built && s->version == camera_host_version(h))
    return;
  thumbs_free(s);
  s->version = camera_host_version(h);
  s->built = 1;
  for (size_t m = 0; m < camera_host_material_count(h); m++)
    for (int k = 0; k < camera_host_pages(h, m) && s->n_th < CAMERA_PAGES_MAX;
         k++) {
      const camera_still *p = camera_host_page(h, m, k);
      camera_image full = {0}, small = {0};
      if (p && camera_jpeg_decode(p->jpeg, p->len, &full) == KERR_OK &&
          camera_scale(&full, (camera_box){0, 0, full.w, full.h}, 320,
                       &small) == KERR_OK) {
        thumb *t = &s->th[s->n_th];
        if (ui_image_set(u, &t->im, small.rgb, small.w, small.h) == KERR_OK) {
          t->material = (int)m;
          t->k = k;
          s->n_th++;
        }
      }
      camera_image_wipe(&full);
      camera_image_wipe(&small);
    }
}

static const ui_image *thumb_of(materials_state *s, int m, int k) {
  for (int i = 0; i < s->n_th; i++)
    if (s->th[i].material == m && s->th[i].k == k)
      return &s->th[i].im;
  return NULL;
}

static void materials_enter(app *a, void *state, const void *arg) {
  (void)arg;
  (void)state;
  materials_refresh(a);
}

static void materials_leave(app *a, void *state) {
  (void)a;
  materials_state *s = state;
  thumbs_free(s);
}

static void snap_tapped(app *a, materials_state *s, int m) {
  camera_host *h = app_camera(a);
  s->msg[0] = '\0';
  s->notice = 0;
  if (materials_limit_message(a, camera_host_room(h, (size_t)m), s->msg,
                              sizeof s->msg))
    return;
  static int arg; /* the capture screen copies it on enter */
  arg = m;
  app_push(a, &screen_capture, &arg);
}

static void materials_event(app *a, void *state, const ui_event *ev) {
  materials_state *s = state;
  if (!pageview_event(&s->page, ev, app_now(a)) && ev->type == UI_EV_TAP) {
    if (ev->action == MAT_SNAP) {
      snap_tapped(a, s, ev->arg);
    } else if (ev->action == MAT_DELETE) {
      int m = ev->arg / CAMERA_PAGES_MAX, k = ev->arg % CAMERA_PAGES_MAX;
      if (camera_host_delete(app_camera(a), (size_t)m, k) == KERR_OK) {
        snprintf(s->msg, sizeof s->msg, "%s", app_str(a, "materials.deleted"));
        s->notice = 1;
        LOG_I("materials", "a page deleted");
      }
    } else if (ev->action == MAT_DONE) {
      app_pop(a);
    }
  }
  app_dirty(a);
}

static int btn_w(ui *u, const char *label) {
  const theme *th = &u->th;
  int w = text_width(u->text, th->px_body, TEXT_BOLD, label, strlen(label)) +
          2 * th->pad;
  return w < th->target_min * 2 ? th->target_min * 2 : w;
}

/* One material: its words and 拍下来, then its pages. Returns the height. */
static int material_block(app *a, ui *u, materials_state *s, int m,
                          SDL_Rect box, int draw) {
  const theme *th = &u->th;
  camera_host *h = app_camera(a);
  const char *text = camera_host_material_text(h, (size_t)m);
  char items[300], line[400], num[16];
  int pages = camera_host_pages(h, (size_t)m);
  camera_host_material_for(h, (size_t)m, items, sizeof items);
  chrome_format(line, sizeof line, app_str(a, "materials.for"), "items", items);
  size_t l = strlen(line);
  snprintf(num, sizeof num, "%d", pages);
  if (pages) {
    char cnt[80];
    chrome_format(cnt, sizeof cnt, app_str(a, "materials.count"), "n", num);
    snprintf(line + l, sizeof line - l, "　·　%s", cnt);
  } else {
    snprintf(line + l, sizeof line - l, "　·　%s",
             app_str(a, "materials.none_yet"));
  }
  const char *snap = app_str(a, "materials.snap");
  int ip = th->pad;
  int bw = btn_w(u, snap);
  int tw = box.w - 2 * ip - bw - th->gap;
  int side = tw >= theme_px(th, 300); /* 拍下来 beside the words */
  if (!side)
    tw = box.w - 2 * ip;
  int h1 = ui_text_height(u, tw, th->px_body, TEXT_BOLD, text);
  int h2 = ui_text_height(u, tw, th->px_small, TEXT_REGULAR, line);
  int words = h1 + th->gap / 4 + h2;
  int top = side ? (words > th->button_h ? words : th->button_h)
                 : words + th->gap / 2 + th->button_h;
  /* the pages: thumbnails with 删除 under each, as many a line as fit */
  const char *del = app_str(a, "materials.delete");
  int cw = theme_px(th, 150);
  if (cw < btn_w(u, del))
    cw = btn_w(u, del);
  int ch = cw * 4 / 3;
  int per_line = (box.w - 2 * ip + th->gap) / (cw + th->gap);
  if (per_line < 1)
    per_line = 1;
  int lines = pages ? (pages + per_line - 1) / per_line : 0;
  int cell_h = ch + th->gap / 4 + th->target_min;
  int hgt = ip + top + (lines ? th->gap + lines * cell_h +
                                    (lines - 1) * th->gap
                              : 0) +
            ip;
  if (!draw)
    return hgt;
  char id[UI_ID_MAX];
  ui_card(u, (SDL_Rect){box.x, box.y, box.w, hgt}, th->surface, th->border);
  int x = box.x + ip, y = box.y + ip;
  ui_text_box(u, (SDL_Rect){x, y, tw, h1}, th->px_body, TEXT_BOLD, th->text,
              UI_LEFT, 0, text);
  ui_text_box(u, (SDL_Rect){x, y + h1 + th->gap / 4, tw, h2}, th->px_small,
              TEXT_REGULAR, pages ? th->primary : th->text_muted, UI_LEFT, 0,
              line);
  SDL_Rect b = side ? (SDL_Rect){box.x + box.w - ip - bw, y, bw, th->button_h}
                    : (SDL_Rect){x, y + words + th->gap / 2, bw, th->button_h};
  snprintf(id, sizeof id, "mat.snap.%d", m);
  ui_button(u, id, b, UI_BTN_PRIMARY, snap);
  /* Spoken on the keypad's focus: which material (「拍下来：身份证」). */
  if (u->last_target >= 0)
    snprintf(u->targets[u->last_target].label,
             sizeof u->targets[u->last_target].label, "%s：%s", snap, text);
  ui_tag(u, MAT_SNAP, m);
  y += top + th->gap;
  for (int k = 0; k < pages; k++) {
    int cx = x + (k % per_line) * (cw + th->gap);
    int cy = y + (k / per_line) * (cell_h + th->gap);
    SDL_Rect pic = {cx, cy, cw, ch};
    ui_fill(u, pic, th->surface_alt);
    const ui_image *im = thumb_of(s, m, k);
    if (im)
      ui_image_draw(u, im, pic);
    char pg[32];
    snprintf(num, sizeof num, "%d", k + 1);
    chrome_format(pg, sizeof pg, app_str(a, "materials.page"), "n", num);
    /* 删除 says which page for the keypad's voice: 「删除身份证的第1页」 */
    char label[UI_LABEL_MAX];
    snprintf(label, sizeof label, "%s%s的%s", del, text, pg);
    snprintf(id, sizeof id, "mat.del.%d.%d", m, k);
    ui_button(u, id, (SDL_Rect){cx, cy + ch + th->gap / 4, cw, th->target_min},
              UI_BTN_SECONDARY, del);
    if (u->last_target >= 0)
      snprintf(u->targets[u->last_target].label,
               sizeof u->targets[u->last_target].label, "%s", label);
    ui_tag(u, MAT_DELETE, m * CAMERA_PAGES_MAX + k);
    /* the page's number on the picture's corner */
    int pw = text_width(u->text, th->px_small, TEXT_BOLD, pg, strlen(pg)) +
             th->pad;
    if (pw > cw)
      pw = cw;
    int ph = ui_text_height(u, pw, th->px_small, TEXT_BOLD, pg);
    SDL_Rect tag = {cx, cy, pw, ph};
    ui_fill(u, tag, th->primary);
    ui_text_box(u, tag, th->px_small, TEXT_BOLD, th->on_primary, UI_CENTER, 1,
                pg);
  }
  return hgt;
}

static int layout(app *a, ui *u, materials_state *s, SDL_Rect view,
                  int offset, int draw) {
  const theme *th = &u->th;
  camera_host *h = app_camera(a);
  int x = view.x, w = view.w, y = view.y - offset;
  const char *intro = app_str(a, "materials.intro");
  int ih = ui_text_height(u, w, th->px_body, TEXT_REGULAR, intro);
  if (draw)
    ui_text_box(u, (SDL_Rect){x, y, w, ih}, th->px_body, TEXT_REGULAR,
                th->text, UI_LEFT, 0, intro);
  y += ih + th->gap;
  size_t n = camera_host_material_count(h);
  if (!n) {
    const char *t = app_str(a, "materials.empty");
    int eh = ui_text_height(u, w, th->px_body, TEXT_REGULAR, t);
    if (draw)
      ui_text_box(u, (SDL_Rect){x, y, w, eh}, th->px_body, TEXT_REGULAR,
                  th->text, UI_LEFT, 0, t);
    y += eh + th->gap;
  }
  for (size_t m = 0; m < n; m++)
    y += material_block(a, u, s, (int)m, (SDL_Rect){x, y, w, 0}, draw) +
         th->gap;
  return y - (view.y - offset);
}

static void materials_draw(app *a, void *state, ui *u) {
  materials_state *s = state;
  const theme *th = &u->th;
  thumbs_build(a, s, u);
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "materials.title"), 1);
  int footer = screen_footer(a, u);
  int m = th->margin;
  int w = th->w - 2 * m;
  /* bottom: the message (if any), 好了, and 上一页 / 下一页 */
  int ph = th->target_min;
  int py = footer - th->gap / 2 - ph;
  int pw = (w - th->gap) / 2;
  int by = py - th->gap / 2 - th->button_h;
  int msg_h = 0;
  if (s->msg[0])
    msg_h = ui_text_height(u, w - 2 * th->pad, th->px_body, TEXT_BOLD,
                           s->msg) +
            th->pad;
  int my = by - th->gap / 2 - msg_h;
  SDL_Rect view = {m, area.y + th->gap / 2, w,
                   (msg_h ? my : by) - th->gap / 2 - area.y - th->gap / 2};
  int content_h = layout(a, u, s, view, 0, 0);
  pageview_update(&s->page, content_h, view.h, app_now(a));
  ui_clip_begin(u, view);
  /* The words are the catalogue's, not personal: read out and spoken by
   * the keypad like any page; the pictures are never read. */
  layout(a, u, s, view, pageview_offset(&s->page), 1);
  ui_clip_end(u);
  if (msg_h) {
    /* A page deleted is news, not a warning: plain colours. */
    ui_fill_round(u, (SDL_Rect){m, my, w, msg_h}, th->radius,
                  s->notice ? th->surface_alt : th->warn_bg);
    ui_text_box(u,
                (SDL_Rect){m + th->pad, my + th->pad / 2, w - 2 * th->pad,
                           msg_h - th->pad},
                th->px_body, TEXT_BOLD, s->notice ? th->text : th->accent,
                UI_LEFT, 0, s->msg);
  }
  ui_button(u, "materials.done", (SDL_Rect){m, by, w, th->button_h},
            UI_BTN_ACCENT, app_str(a, "materials.done"));
  ui_tag(u, MAT_DONE, 0);
  pageview_draw_bar(&s->page, u, (SDL_Rect){m, py, pw, ph},
                    (SDL_Rect){th->w - m - pw, py, pw, ph});
}

static uint64_t materials_tick(app *a, void *state, uint64_t now) {
  (void)a;
  (void)now;
  materials_state *s = state;
  return pageview_deadline(&s->page);
}

const screen_class screen_materials = {
    .name = "materials",
    .state_size = sizeof(materials_state),
    .enter = materials_enter,
    .leave = materials_leave,
    .event = materials_event,
    .draw = materials_draw,
    .tick = materials_tick,
    .unsaved = form_flow_unsaved,
    .discard = form_flow_discard,
};
