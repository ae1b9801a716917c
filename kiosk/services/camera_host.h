/* camera_host: the kiosk's document camera service (devices/camera.h) and
 * the pages photographed for the session's application.
 *
 * Created by the shell from camera.* (docs/configuration.md). The camera's
 * worker reports through the wake function (SVC_CAMERA, codes
 * CAMERA_EV_FRAME / _STILL / _STATE); the screen on top then takes the
 * frame or the still on the UI thread.
 *
 * The checklist: the materials of the chosen items (the catalogue's
 * "materials"), merged as the receipt merges them — identical lines once,
 * and a line that names a kind of paper ("id_card") once, in the words of
 * the first item in catalogue order — each with the items it serves. Pages
 * are kept per material (devices/camera_pages.h, with the configured
 * limits) and go into the sealed application as its "attachments".
 *
 * Invariants:
 *   - pages and frames live in memory only and are wiped (sodium_memzero)
 *     when deleted, on 放弃 (camera_host_clear), once sealed
 *     (camera_host_sealed) and at every session end (a session wiper);
 *   - after sealing only the count of pages per material is kept, for the
 *     receipt, until the session ends;
 *   - a camera that is absent or fails never blocks anything: the
 *     materials step is not offered and the receipt lists what to bring.
 * UI thread only, except the worker inside the device. */
#ifndef KIOSK_SERVICES_CAMERA_HOST_H
#define KIOSK_SERVICES_CAMERA_HOST_H

#include <stddef.h>

#include "core/config.h"
#include "core/content.h"
#include "core/form.h"
#include "core/kerr.h"
#include "core/session.h"
#include "devices/camera.h"
#include "devices/camera_pages.h"
#include "services/svc.h"

#define CAMERA_HOST_MATERIALS 32
#define CAMERA_HOST_TEXT 400

typedef struct camera_host camera_host;

typedef struct camera_host_config {
  const config *cfg; /* camera.* keys */
  svc_wake wake;
} camera_host_config;

/* Opens the configured camera (driver none: one always absent) and
 * registers the wiper on s. KERR_NOMEM, KERR_LIMIT, the camera_open
 * errors. */
kerr camera_host_create(const camera_host_config *c, session *s,
                        camera_host **out);
void camera_host_destroy(camera_host *h);

/* CONNECTED (已连接), ABSENT (没有接), ERROR (出了故障). */
camera_state camera_host_state(camera_host *h);
/* 1 when a camera is configured (camera.driver is not none). */
int camera_host_configured(const camera_host *h);
/* 1 when the materials step is offered: a camera is connected. */
int camera_host_usable(camera_host *h);

/* ---- the checklist ----------------------------------------------------- */

/* Builds the checklist for items[0..n) of content c (ids not in it are
 * skipped). Pages of a material still on the list stay with it; pages of
 * one no longer on it are wiped. Returns the number of materials. */
size_t camera_host_materials(camera_host *h, const content *c,
                             const char *const *items, size_t n);
size_t camera_host_material_count(const camera_host *h);
/* Material i's text ("" out of range). */
const char *camera_host_material_text(const camera_host *h, size_t i);
/* The short names of the items material i serves, joined with 、 into out
 * (「低保、医疗救助」). */
void camera_host_material_for(const camera_host *h, size_t i, char *out,
                              size_t cap);

/* ---- pages ------------------------------------------------------------- */

int camera_host_pages(const camera_host *h, size_t material);
/* Changes whenever the pages or the checklist change (a screen showing
 * thumbnails rebuilds them then). */
unsigned camera_host_version(const camera_host *h);
size_t camera_host_pages_total(const camera_host *h);
/* The k-th page of material (borrowed until the pages change), or NULL. */
const camera_still *camera_host_page(const camera_host *h, size_t material,
                                     int k);
/* Whether one more page of material may be taken now. */
camera_pages_verdict camera_host_room(const camera_host *h, size_t material);
/* Keeps still s as the next page of material: OK (the host owns it, *s
 * emptied) or the limit that refused it (*s still the caller's). */
camera_pages_verdict camera_host_keep(camera_host *h, size_t material,
                                      camera_still *s);
/* Wipes the k-th page of material. KERR_NOTFOUND. */
kerr camera_host_delete(camera_host *h, size_t material, int k);
/* The per-material limit (camera.max_pages_per_item). */
int camera_host_max_per_material(const camera_host *h);

/* The pages as the submission's attachments, materials in checklist order,
 * pages in the order taken (page 1, 2, …), into out (at most cap). Every
 * pointer is borrowed from the host until the pages change. Returns the
 * count. */
size_t camera_host_attachments(camera_host *h, form_attachment *out,
                               size_t cap);

/* The application with the pages was sealed: the pages are wiped; the
 * count of pages per material is kept for the receipt. */
void camera_host_sealed(camera_host *h);
/* 放弃: every page wiped, nothing kept. */
void camera_host_clear(camera_host *h);
/* Pages sealed with the last application for the material whose text is
 * text (the receipt's lines); 0 when none. */
int camera_host_sealed_pages(const camera_host *h, const char *text);

/* ---- the camera -------------------------------------------------------- */

/* Preview on / off (off also wipes a frame and a still not taken). */
kerr camera_host_start(camera_host *h);
void camera_host_stop(camera_host *h);
/* See camera_frame / camera_snap / camera_take_still. */
int camera_host_frame(camera_host *h, camera_image *out, unsigned *seq);
kerr camera_host_snap(camera_host *h);
int camera_host_snapping(camera_host *h);
int camera_host_take(camera_host *h, camera_still *out,
                     camera_snap_outcome *outcome);

/* Scripts (the simulator): the page under the camera (NULL: none), and
 * waiting until the camera has caught up. */
kerr camera_host_sim_show(camera_host *h, const char *path);
kerr camera_host_wait(camera_host *h, int timeout_ms);

#endif
