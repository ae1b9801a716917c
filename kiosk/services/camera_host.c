/* camera_host: see camera_host.h. */
#include "services/camera_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

typedef struct mat_entry {
  char text[CAMERA_HOST_TEXT];
  char kind[32];
  char items[FORM_MAX_ITEMS][FORM_MAX_ID + 1];
  char names[FORM_MAX_ITEMS][64]; /* short names, for the checklist */
  const char *item_ptrs[FORM_MAX_ITEMS];
  size_t n_items;
} mat_entry;

typedef struct sealed_count {
  char text[CAMERA_HOST_TEXT];
  int pages;
} sealed_count;

struct camera_host {
  camera *cam;
  svc_wake wake;
  int configured;
  mat_entry m[CAMERA_HOST_MATERIALS];
  size_t n_m;
  camera_pages pages;
  sealed_count sealed[CAMERA_HOST_MATERIALS];
  size_t n_sealed;
  unsigned version;
};

static void on_camera(void *ud, int code) {
  camera_host *h = ud;
  svc_post(&h->wake, SVC_CAMERA, code, 0, 0);
}

static void host_wipe(void *ud) {
  camera_host *h = ud;
  camera_stop(h->cam);
  camera_pages_clear(&h->pages);
  memset(h->sealed, 0, sizeof h->sealed);
  h->n_sealed = 0;
  h->version++;
}

static camera_driver driver_of(const char *d) {
  if (strcmp(d, "sim") == 0)
    return CAMERA_DRIVER_SIM;
  if (strcmp(d, "v4l2") == 0)
    return CAMERA_DRIVER_V4L2;
  return CAMERA_DRIVER_NONE;
}

kerr camera_host_create(const camera_host_config *c, session *s,
                        camera_host **out) {
  *out = NULL;
  camera_host *h = calloc(1, sizeof *h);
  if (!h)
    return KERR_NOMEM;
  h->wake = c->wake;
  camera_config cc = {.driver = driver_of(c->cfg->camera_driver),
                      .device = c->cfg->camera_device,
                      .sim_dir = c->cfg->camera_sim_dir,
                      .quality = c->cfg->camera_quality,
                      .notify = on_camera,
                      .notify_ud = h};
  camera_pages_limits lim = {.per_material = c->cfg->camera_max_pages,
                             .max_pages = CAMERA_PAGES_MAX,
                             .max_bytes = c->cfg->camera_max_bytes > 0
                                              ? (size_t)c->cfg->camera_max_bytes
                                              : 0};
  camera_pages_init(&h->pages, &lim);
  h->configured = cc.driver != CAMERA_DRIVER_NONE;
  kerr e = camera_open(&cc, &h->cam);
  if (e == KERR_OK && s)
    e = session_add_wiper(s, host_wipe, h);
  if (e) {
    camera_close(h->cam);
    free(h);
    return e;
  }
  if (h->configured)
    LOG_I("camera", "document camera: %s", c->cfg->camera_driver);
  *out = h;
  return KERR_OK;
}

void camera_host_destroy(camera_host *h) {
  if (!h)
    return;
  camera_close(h->cam);
  camera_pages_clear(&h->pages);
  free(h);
}

camera_state camera_host_state(camera_host *h) {
  return h ? camera_get_state(h->cam) : CAMERA_ABSENT;
}

int camera_host_configured(const camera_host *h) {
  return h && h->configured;
}

int camera_host_usable(camera_host *h) {
  return camera_host_state(h) == CAMERA_CONNECTED;
}

/* ---- the checklist ----------------------------------------------------- */

static int chosen(const char *const *items, size_t n, const char *id) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(items[i], id) == 0)
      return 1;
  return 0;
}

static void add_item(mat_entry *m, const content_item *it) {
  for (size_t k = 0; k < m->n_items; k++)
    if (strcmp(m->items[k], it->id) == 0)
      return;
  if (m->n_items >= FORM_MAX_ITEMS)
    return;
  snprintf(m->items[m->n_items], sizeof m->items[0], "%s", it->id);
  snprintf(m->names[m->n_items], sizeof m->names[0], "%s",
           it->short_name && it->short_name[0] ? it->short_name : it->name);
  m->n_items++;
}

size_t camera_host_materials(camera_host *h, const content *c,
                             const char *const *items, size_t n) {
  if (!h)
    return 0;
  static char old[CAMERA_HOST_MATERIALS][CAMERA_HOST_TEXT]; /* UI thread */
  size_t n_old = h->n_m;
  for (size_t x = 0; x < n_old; x++)
    memcpy(old[x], h->m[x].text, sizeof old[x]);
  memset(h->m, 0, sizeof h->m);
  h->n_m = 0;
  /* Catalogue order, as the receipt (core/receipt_facts.c): the broadest
   * wording of a kind comes first. */
  for (size_t i = 0; c && i < content_item_count(c); i++) {
    const content_item *it = content_item_at(c, i);
    if (!chosen(items, n, it->id))
      continue;
    for (size_t j = 0; j < it->n_materials; j++) {
      const char *t = it->materials[j];
      const char *k = it->material_kinds ? it->material_kinds[j] : "";
      mat_entry *m = NULL;
      for (size_t x = 0; x < h->n_m && !m; x++)
        if (strcmp(h->m[x].text, t) == 0 || (k[0] && strcmp(h->m[x].kind, k) == 0))
          m = &h->m[x];
      if (!m) {
        if (h->n_m == CAMERA_HOST_MATERIALS)
          continue;
        m = &h->m[h->n_m++];
        snprintf(m->text, sizeof m->text, "%s", t);
        snprintf(m->kind, sizeof m->kind, "%s", k);
      }
      add_item(m, it);
    }
  }
  for (size_t x = 0; x < h->n_m; x++)
    for (size_t k = 0; k < h->m[x].n_items; k++)
      h->m[x].item_ptrs[k] = h->m[x].items[k];
  /* Pages follow their material to its new place; the others are wiped. */
  camera_pages moved;
  camera_pages_init(&moved, &h->pages.lim);
  for (size_t i = 0; i < h->pages.n; i++) {
    camera_page *p = &h->pages.p[i];
    int to = -1;
    if (p->material >= 0 && (size_t)p->material < n_old)
      for (size_t x = 0; x < h->n_m && to < 0; x++)
        if (strcmp(h->m[x].text, old[p->material]) == 0)
          to = (int)x;
    if (to >= 0 && camera_pages_add(&moved, to, &p->still) == CAMERA_PAGES_OK)
      continue;
    camera_still_wipe(&p->still);
  }
  h->pages = moved;
  memset(&moved, 0, sizeof moved);
  h->version++;
  return h->n_m;
}

size_t camera_host_material_count(const camera_host *h) {
  return h ? h->n_m : 0;
}

const char *camera_host_material_text(const camera_host *h, size_t i) {
  return h && i < h->n_m ? h->m[i].text : "";
}

void camera_host_material_for(const camera_host *h, size_t i, char *out,
                              size_t cap) {
  size_t l = 0;
  out[0] = '\0';
  for (size_t k = 0; h && i < h->n_m && k < h->m[i].n_items && l < cap; k++)
    l += (size_t)snprintf(out + l, cap - l, "%s%s", k ? "、" : "",
                          h->m[i].names[k]);
}

/* ---- pages ------------------------------------------------------------- */

unsigned camera_host_version(const camera_host *h) {
  return h ? h->version : 0;
}

int camera_host_pages(const camera_host *h, size_t material) {
  return h ? camera_pages_count(&h->pages, (int)material) : 0;
}

size_t camera_host_pages_total(const camera_host *h) {
  return h ? h->pages.n : 0;
}

const camera_still *camera_host_page(const camera_host *h, size_t material,
                                     int k) {
  const camera_page *p = h ? camera_pages_at(&h->pages, (int)material, k)
                           : NULL;
  return p ? &p->still : NULL;
}

camera_pages_verdict camera_host_room(const camera_host *h, size_t material) {
  return h ? camera_pages_room(&h->pages, (int)material)
           : CAMERA_PAGES_TOO_MANY;
}

camera_pages_verdict camera_host_keep(camera_host *h, size_t material,
                                      camera_still *s) {
  if (!h || material >= h->n_m)
    return CAMERA_PAGES_TOO_MANY;
  camera_pages_verdict v = camera_pages_add(&h->pages, (int)material, s);
  h->version++;
  if (v == CAMERA_PAGES_OK)
    LOG_I("camera", "page kept (%zu in all, %zu bytes)", h->pages.n,
          h->pages.bytes);
  return v;
}

kerr camera_host_delete(camera_host *h, size_t material, int k) {
  if (!h)
    return KERR_NOTFOUND;
  h->version++;
  return camera_pages_remove(&h->pages, (int)material, k);
}

int camera_host_max_per_material(const camera_host *h) {
  return h ? h->pages.lim.per_material : CAMERA_PAGES_PER_MATERIAL;
}

size_t camera_host_attachments(camera_host *h, form_attachment *out,
                               size_t cap) {
  size_t n = 0;
  for (size_t x = 0; h && x < h->n_m; x++) {
    int np = camera_pages_count(&h->pages, (int)x);
    for (int k = 0; k < np && n < cap; k++) {
      const camera_page *p = camera_pages_at(&h->pages, (int)x, k);
      out[n++] = (form_attachment){.items = h->m[x].item_ptrs,
                                   .n_items = h->m[x].n_items,
                                   .material = h->m[x].text,
                                   .page = k + 1,
                                   .width = p->still.w,
                                   .height = p->still.h,
                                   .jpeg = p->still.jpeg,
                                   .len = p->still.len};
    }
  }
  return n;
}

void camera_host_sealed(camera_host *h) {
  if (!h)
    return;
  memset(h->sealed, 0, sizeof h->sealed);
  h->n_sealed = 0;
  for (size_t x = 0; x < h->n_m; x++) {
    int np = camera_pages_count(&h->pages, (int)x);
    if (!np)
      continue;
    snprintf(h->sealed[h->n_sealed].text, sizeof h->sealed[0].text, "%s",
             h->m[x].text);
    h->sealed[h->n_sealed++].pages = np;
  }
  camera_pages_clear(&h->pages);
  camera_stop(h->cam);
  h->version++;
}

void camera_host_clear(camera_host *h) {
  if (!h)
    return;
  camera_pages_clear(&h->pages);
  camera_stop(h->cam);
  memset(h->sealed, 0, sizeof h->sealed);
  h->n_sealed = 0;
  h->version++;
}

int camera_host_sealed_pages(const camera_host *h, const char *text) {
  for (size_t i = 0; h && text && i < h->n_sealed; i++)
    if (strcmp(h->sealed[i].text, text) == 0)
      return h->sealed[i].pages;
  return 0;
}

/* ---- the camera -------------------------------------------------------- */

kerr camera_host_start(camera_host *h) {
  return h ? camera_start(h->cam) : KERR_STATE;
}

void camera_host_stop(camera_host *h) {
  if (h)
    camera_stop(h->cam);
}

int camera_host_frame(camera_host *h, camera_image *out, unsigned *seq) {
  if (!h) {
    memset(out, 0, sizeof *out);
    return 0;
  }
  return camera_frame(h->cam, out, seq);
}

kerr camera_host_snap(camera_host *h) {
  return h ? camera_snap(h->cam) : KERR_STATE;
}

int camera_host_snapping(camera_host *h) {
  return h && camera_snapping(h->cam);
}

int camera_host_take(camera_host *h, camera_still *out,
                     camera_snap_outcome *outcome) {
  if (!h) {
    memset(out, 0, sizeof *out);
    return 0;
  }
  return camera_take_still(h->cam, out, outcome);
}

kerr camera_host_sim_show(camera_host *h, const char *path) {
  return h ? camera_sim_show(h->cam, path) : KERR_STATE;
}

kerr camera_host_wait(camera_host *h, int timeout_ms) {
  return h ? camera_wait(h->cam, timeout_ms) : KERR_OK;
}
