/* capture: 「拍材料」 — photographing the pages of one material with the
 * document camera (services/camera_host.h). The arg is a pointer to the
 * material's index in the checklist (copied on enter).
 *
 * The material's words, a hint, and the camera's live preview as large as
 * the screen allows; 拍这一页 (cap.snap) asks the camera for a still (the
 * camera's worker crops it to the page, scales and encodes it); the page
 * is then shown as it will be kept, with 重拍 (cap.retake: dropped, the
 * preview again) and 好了 (cap.keep: kept, back to the checklist). A limit
 * reached, a camera that fails or goes away, a still with nothing under
 * the camera: one plain line, and nothing is lost.
 *
 * Frames and the still are pictures of personal papers: held only in this
 * screen's state and the textures, wiped when replaced and on leave (the
 * camera's preview is stopped then, which wipes its own). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/services.h"
#include "core/log.h"
#include "screens/screens.h"
#include "ui/image.h"

enum cap_action { CAP_SNAP = 1, CAP_RETAKE, CAP_KEEP };

typedef enum cap_mode {
  CAP_PREVIEW = 0, /* the live picture, 拍这一页 */
  CAP_SNAPPING,    /* waiting for the still */
  CAP_CHECK        /* the still shown: 重拍 / 好了 */
} cap_mode;

typedef struct capture_state {
  int material;
  cap_mode mode;
  unsigned seq;          /* the camera's frame sequence shown */
  camera_image pending;  /* a frame taken in tick, shown in draw */
  int have_pending;
  ui_image preview;
  camera_still still;    /* the page taken, until 好了 or 重拍 */
  int still_shown;       /* its picture is in `shot` */
  ui_image shot;
  char msg[200];
} capture_state;

static void drop_still(capture_state *s) {
  camera_still_wipe(&s->still);
  ui_image_free(&s->shot);
  s->still_shown = 0;
}

static void capture_enter(app *a, void *state, const void *arg) {
  capture_state *s = state;
  s->material = arg ? *(const int *)arg : 0;
  if (camera_host_start(app_camera(a)) != KERR_OK)
    snprintf(s->msg, sizeof s->msg, "%s", app_str(a, "capture.broken"));
}

static void capture_leave(app *a, void *state) {
  capture_state *s = state;
  camera_host_stop(app_camera(a));
  camera_image_wipe(&s->pending);
  s->have_pending = 0;
  ui_image_free(&s->preview);
  drop_still(s);
}

static void snap(app *a, capture_state *s) {
  camera_host *h = app_camera(a);
  s->msg[0] = '\0';
  if (materials_limit_message(a, camera_host_room(h, (size_t)s->material),
                              s->msg, sizeof s->msg))
    return;
  kerr e = camera_host_snap(h);
  if (e == KERR_OK)
    s->mode = CAP_SNAPPING;
  else if (e != KERR_BUSY)
    snprintf(s->msg, sizeof s->msg, "%s", app_str(a, "capture.broken"));
}

static void keep(app *a, capture_state *s) {
  camera_pages_verdict v =
      camera_host_keep(app_camera(a), (size_t)s->material, &s->still);
  if (v == CAMERA_PAGES_OK) {
    drop_still(s);
    app_pop(a);
    return;
  }
  /* Refused by a limit: say so; the page is not kept. */
  materials_limit_message(a, v, s->msg, sizeof s->msg);
  drop_still(s);
  s->mode = CAP_PREVIEW;
}

static void capture_event(app *a, void *state, const ui_event *ev) {
  capture_state *s = state;
  if (ev->type != UI_EV_TAP)
    return;
  if (ev->action == CAP_SNAP && s->mode == CAP_PREVIEW)
    snap(a, s);
  else if (ev->action == CAP_RETAKE && s->mode == CAP_CHECK) {
    drop_still(s);
    s->msg[0] = '\0';
    s->mode = CAP_PREVIEW;
  } else if (ev->action == CAP_KEEP && s->mode == CAP_CHECK)
    keep(a, s);
  app_dirty(a);
}

static uint64_t capture_tick(app *a, void *state, uint64_t now) {
  (void)now;
  capture_state *s = state;
  camera_host *h = app_camera(a);
  camera_image f;
  if (camera_host_frame(h, &f, &s->seq)) {
    /* a page is there now: 「没看到材料」 no longer holds */
    if (f.rgb && strcmp(s->msg, app_str(a, "capture.nothing")) == 0)
      s->msg[0] = '\0';
    camera_image_wipe(&s->pending);
    s->pending = f;
    s->have_pending = 1;
    app_dirty(a);
  }
  camera_snap_outcome oc;
  camera_still st;
  if (s->mode == CAP_SNAPPING && camera_host_take(h, &st, &oc)) {
    if (oc == CAMERA_SNAP_OK) {
      drop_still(s);
      s->still = st;
      s->mode = CAP_CHECK;
      s->msg[0] = '\0';
    } else {
      camera_still_wipe(&st);
      s->mode = CAP_PREVIEW;
      snprintf(s->msg, sizeof s->msg, "%s",
               app_str(a, oc == CAMERA_SNAP_NOTHING ? "capture.nothing"
                                                    : "capture.failed"));
    }
    app_dirty(a);
  }
  if (s->mode == CAP_SNAPPING && !camera_host_usable(h)) {
    s->mode = CAP_PREVIEW;
    snprintf(s->msg, sizeof s->msg, "%s", app_str(a, "capture.broken"));
    app_dirty(a);
  }
  return UINT64_MAX; /* the camera wakes the loop (SVC_CAMERA) */
}

/* The still's picture, made once from its JPEG. */
static void show_still(capture_state *s, ui *u) {
  if (s->still_shown || !s->still.jpeg)
    return;
  camera_image im = {0};
  if (camera_jpeg_decode(s->still.jpeg, s->still.len, &im) == KERR_OK)
    ui_image_set(u, &s->shot, im.rgb, im.w, im.h);
  camera_image_wipe(&im);
  s->still_shown = 1;
}

static int btn_w(ui *u, const char *label) {
  const theme *th = &u->th;
  int w = text_width(u->text, th->px_large, TEXT_BOLD, label, strlen(label)) +
          2 * th->pad;
  return w < th->target_min * 2 ? th->target_min * 2 : w;
}

static void capture_draw(app *a, void *state, ui *u) {
  capture_state *s = state;
  const theme *th = &u->th;
  camera_host *h = app_camera(a);
  if (s->have_pending) {
    if (s->pending.rgb)
      ui_image_set(u, &s->preview, s->pending.rgb, s->pending.w,
                   s->pending.h);
    else
      ui_image_free(&s->preview); /* nothing under the camera now */
    camera_image_wipe(&s->pending);
    s->have_pending = 0;
  }
  if (s->mode == CAP_CHECK)
    show_still(s, u);
  SDL_Rect area = screen_top_bar(a, u, app_str(a, "capture.title"), 1);
  int footer = screen_footer(a, u);
  int m = th->margin, w = th->w - 2 * m;
  int y = area.y + th->gap / 2;
  const char *text = camera_host_material_text(h, (size_t)s->material);
  int h1 = ui_text_height(u, w, th->px_body, TEXT_BOLD, text);
  ui_text_box(u, (SDL_Rect){m, y, w, h1}, th->px_body, TEXT_BOLD, th->text,
              UI_LEFT, 0, text);
  y += h1 + th->gap / 4;
  const char *hint = app_str(a, s->mode == CAP_CHECK      ? "capture.check"
                                : s->mode == CAP_SNAPPING ? "capture.busy"
                                                          : "capture.hint");
  int h2 = ui_text_height(u, w, th->px_body, TEXT_REGULAR, hint);
  ui_text_box(u, (SDL_Rect){m, y, w, h2}, th->px_body, TEXT_REGULAR,
              th->text_muted, UI_LEFT, 0, hint);
  y += h2 + th->gap / 2;
  /* the buttons at the bottom, the message above them */
  int bh = th->button_h * 5 / 4;
  int by = footer - th->gap / 2 - bh;
  int msg_h = 0;
  if (s->msg[0])
    msg_h = ui_text_height(u, w - 2 * th->pad, th->px_body, TEXT_BOLD,
                           s->msg) +
            th->pad;
  int my = by - th->gap / 2 - msg_h;
  int pic_bottom = (msg_h ? my : by) - th->gap / 2;
  SDL_Rect pic = {m, y, w, pic_bottom - y};
  if (pic.h > 0) {
    ui_fill(u, pic, (SDL_Color){0x3a, 0x3f, 0x47, 0xff});
    const ui_image *im = s->mode == CAP_CHECK ? &s->shot : &s->preview;
    if (im->tex) {
      ui_image_draw(u, im, (SDL_Rect){pic.x + th->pad / 2, pic.y + th->pad / 2,
                                      pic.w - th->pad, pic.h - th->pad});
    } else {
      const char *t = app_str(a, "capture.no_frame");
      ui_text_box(u, (SDL_Rect){pic.x + th->pad, pic.y, pic.w - 2 * th->pad,
                                pic.h},
                  th->px_body, TEXT_BOLD,
                  (SDL_Color){0xff, 0xff, 0xff, 0xff}, UI_CENTER, 1, t);
    }
  }
  if (msg_h) {
    ui_fill_round(u, (SDL_Rect){m, my, w, msg_h}, th->radius, th->warn_bg);
    ui_text_box(u, (SDL_Rect){m + th->pad, my + th->pad / 2, w - 2 * th->pad,
                              msg_h - th->pad},
                th->px_body, TEXT_BOLD, th->accent, UI_LEFT, 0, s->msg);
  }
  if (s->mode == CAP_CHECK) {
    const char *re = app_str(a, "capture.retake");
    const char *ok = app_str(a, "capture.keep");
    int half = (w - th->gap) / 2;
    ui_button(u, "cap.retake", (SDL_Rect){m, by, half, bh}, UI_BTN_SECONDARY,
              re);
    ui_tag(u, CAP_RETAKE, 0);
    ui_button(u, "cap.keep", (SDL_Rect){m + half + th->gap, by, half, bh},
              UI_BTN_ACCENT, ok);
    ui_tag(u, CAP_KEEP, 0);
  } else {
    int bw = btn_w(u, app_str(a, "capture.snap"));
    if (bw < w / 2)
      bw = w / 2;
    if (bw > w)
      bw = w;
    ui_button(u, "cap.snap", (SDL_Rect){m + (w - bw) / 2, by, bw, bh},
              UI_BTN_PRIMARY, app_str(a, "capture.snap"));
    ui_tag(u, CAP_SNAP, 0);
  }
}

const screen_class screen_capture = {
    .name = "capture",
    .state_size = sizeof(capture_state),
    .enter = capture_enter,
    .leave = capture_leave,
    .event = capture_event,
    .draw = capture_draw,
    .tick = capture_tick,
    .unsaved = form_flow_unsaved,
    .discard = form_flow_discard,
};
