/* Pages photographed with the document camera go sealed with the
 * application (services/camera_host.h, core/form.h "attachments"):
 *   - the simulated camera takes pages of tests/data/devices/camera/; the
 *     checklist of 低保 + 医疗救助 merges 身份证 into one material serving
 *     both; the per-material limit refuses a third page; a deleted page is
 *     gone and the rest renumbered;
 *   - submitted through form_host_submit() as the review page does, the
 *     sealed plaintext (opened here with the test's own key) validates
 *     against docs/submission.schema.json and carries each page: items,
 *     material, page number, size and exactly the JPEG bytes kept; the
 *     envelope in the clear carries none of them; once sealed the pages
 *     are gone and only their counts are kept for the receipt;
 *   - an application without pages has no "attachments";
 *   - malformed attachments (not a JPEG, an item not chosen, 25 of them)
 *     are refused; 24 pages of 4 MiB of JPEG in all fit the seal and the
 *     outbox.
 * Synthetic people and synthetic pages only; no backend. */
#include <SDL.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "check.h"
#include "schema_check.h"
#include "core/config.h"
#include "core/content.h"
#include "core/form.h"
#include "core/session.h"
#include "net/seal.h"
#include "net_helpers.h"
#include "services/camera_host.h"
#include "services/form_host.h"
#include "services/net_host.h"
#include "services/submit.h"

#define PAGES KIOSK_TEST_DATA "/devices/camera/"
#define ID_TEXT "全家人的身份证、户口本"

static char work[128], shm[64];
static unsigned char pk[32], sk[32];
static cJSON *schema;

static int64_t test_now(void *ud) {
  (void)ud;
  return 1795311000; /* 2026-11-22 09:30 Asia/Shanghai */
}

static cJSON *item_answers(const char *item) {
  char path[512], *text = malloc(1 << 16);
  snprintf(path, sizeof path, "%s/tests/data/form/items/%s.json",
           KIOSK_SOURCE_DIR, item);
  int n = text ? nh_read_file(path, text, 1 << 16) : 0;
  cJSON *doc = n > 0 ? cJSON_Parse(text) : NULL;
  free(text);
  return doc;
}

/* A form of 低保 and 医疗救助 filled with both minimal applications. */
static void fill(form_host *h, const content *c) {
  const char *items[] = {"dibao", "medical"};
  CHECK_INT(form_host_start(h, c, items, 2), KERR_OK);
  form *f = form_host_form(h);
  CHECK(f != NULL);
  for (int i = 0; f && i < 2; i++) {
    cJSON *doc = item_answers(items[i]);
    CHECK(doc != NULL);
    size_t ignored = 0;
    CHECK_INT(form_answers_load(f, cJSON_GetObjectItem(doc, "answers"), NULL,
                                &ignored),
              KERR_OK);
    cJSON_Delete(doc);
  }
  CHECK(f && form_complete(f));
}

static void nap(int ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

/* Shows file under the simulated camera and takes a page of it. */
static int take(camera_host *cam, const char *file, camera_still *out) {
  camera_snap_outcome oc = CAMERA_SNAP_FAILED;
  CHECK_INT(camera_host_sim_show(cam, file), KERR_OK);
  CHECK_INT(camera_host_wait(cam, 5000), KERR_OK);
  CHECK_INT(camera_host_snap(cam), KERR_OK);
  for (int i = 0; i < 500 && !camera_host_take(cam, out, &oc); i++)
    nap(10);
  CHECK_INT(oc, CAMERA_SNAP_OK);
  return oc == CAMERA_SNAP_OK && out->jpeg;
}

/* The sealed plaintext of uuid's envelope, opened (malloc'ed), or NULL;
 * *env_out gets the envelope. */
static char *open_sealed(const char *uuid, char **env_out) {
  char path[256];
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  char *env = NULL, *pt = NULL;
  snprintf(path, sizeof path, "%s/data/outbox.db", work);
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT envelope FROM outbox WHERE uuid = ?1",
                         -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      env = strdup((const char *)sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  cJSON *o = env ? cJSON_Parse(env) : NULL;
  const char *b64 = cJSON_GetStringValue(cJSON_GetObjectItem(o, "sealed"));
  if (b64) {
    size_t slen = strlen(b64), n = 0;
    unsigned char *ct = malloc(slen);
    pt = malloc(slen + 1);
    if (ct && pt &&
        sodium_base642bin(ct, slen, b64, slen, NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) == 0 &&
        n > crypto_box_SEALBYTES &&
        crypto_box_seal_open((unsigned char *)pt, ct, n, pk, sk) == 0) {
      pt[n - crypto_box_SEALBYTES] = '\0';
    } else {
      free(pt);
      pt = NULL;
    }
    free(ct);
  }
  cJSON_Delete(o);
  *env_out = env;
  return pt;
}

/* Entry i of the attachments says material, page and the JPEG of want. */
static void check_page(const cJSON *arr, int i, const char *const *items,
                       size_t n_items, const char *material, int page,
                       const camera_still *want) {
  const cJSON *a = cJSON_GetArrayItem(arr, i);
  CHECK(cJSON_IsObject(a));
  const cJSON *it = cJSON_GetObjectItem(a, "items");
  CHECK_INT(cJSON_GetArraySize(it), (int)n_items);
  for (size_t k = 0; k < n_items; k++)
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(it, (int)k)), items[k]);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(a, "material")),
            material);
  CHECK_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(a, "page")), page);
  CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(a, "type")),
            "image/jpeg");
  CHECK_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(a, "width")),
            want->w);
  CHECK_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(a, "height")),
            want->h);
  const char *d = cJSON_GetStringValue(cJSON_GetObjectItem(a, "data"));
  CHECK(d && strncmp(d, "/9j/", 4) == 0 && !strchr(d, '\n'));
  size_t n = 0, cap = d ? strlen(d) : 0;
  unsigned char *bin = malloc(cap + 1);
  CHECK(d && bin &&
        sodium_base642bin(bin, cap, d, cap, NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) == 0);
  CHECK(n == want->len && memcmp(bin, want->jpeg, n) == 0);
  free(bin);
}

static camera_still copy_still(const camera_still *s) {
  camera_still c = *s;
  c.jpeg = malloc(s->len);
  memcpy(c.jpeg, s->jpeg, s->len);
  return c;
}

/* 提交 as the review page does it, with the camera's pages. */
static kerr submit(form_host *h, net_host *net, camera_host *cam,
                   char uuid[SEAL_UUID_BUF]) {
  form_attachment att[FORM_MAX_ATTACHMENTS];
  size_t n = camera_host_attachments(cam, att, FORM_MAX_ATTACHMENTS);
  form_host_set_attachments(h, att, n);
  const submit_receipt *rc = NULL;
  kerr e = form_host_submit(h, net, &rc);
  if (!e)
    camera_host_sealed(cam);
  snprintf(uuid, SEAL_UUID_BUF, "%s", rc ? rc->ticket.uuid : "");
  return e;
}

static unsigned char *fake_jpeg(size_t len) {
  unsigned char *p = malloc(len);
  randombytes_buf(p, len);
  p[0] = 0xFF;
  p[1] = 0xD8;
  p[2] = 0xFF;
  return p;
}

int main(void) {
  setenv("TZ", "Asia/Shanghai", 1);
  tzset();
  CHECK(sodium_init() >= 0);
  if (nh_tmpdir(work, sizeof work, "kiosk-app-attach") != 0)
    return 1;
  snprintf(shm, sizeof shm, "/dev/shm/kiosk-attach-XXXXXX");
  if (!mkdtemp(shm) || SDL_Init(SDL_INIT_EVENTS) != 0)
    return 1;
  crypto_box_keypair(pk, sk);
  {
    char *text = malloc(1 << 17);
    int n = nh_read_file(KIOSK_SOURCE_DIR "/docs/submission.schema.json",
                         text, 1 << 17);
    schema = n > 0 ? cJSON_Parse(text) : NULL;
    free(text);
    CHECK(schema != NULL);
  }
  content *c = NULL;
  CHECK_INT(content_load(KIOSK_SOURCE_DIR "/assets/bundle", &c, NULL),
            KERR_OK);
  config cfg;
  config_defaults(&cfg, KIOSK_SOURCE_DIR);
  snprintf(cfg.backend_url, sizeof cfg.backend_url, "https://127.0.0.1:1");
  snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s/data", work);
  sodium_bin2base64(cfg.seal_public_key, sizeof cfg.seal_public_key, pk,
                    sizeof pk, sodium_base64_VARIANT_ORIGINAL);
  snprintf(cfg.camera_driver, sizeof cfg.camera_driver, "sim");
  cfg.camera_max_pages = 2;
  net_host *net = NULL;
  net_host_config nc = {.cfg = &cfg, .content_version = "2026.11.1"};
  CHECK_INT(net_host_create(&nc, &net), KERR_OK);
  session s;
  session_init(&s, 90, 30);
  form_host_config fc = {.runtime_dir = shm, .recovery_name = "attach.rec",
                         .now_s = test_now};
  form_host *h = NULL;
  CHECK_INT(form_host_create(&fc, &s, &h), KERR_OK);
  camera_host *cam = NULL;
  CHECK_INT(camera_host_create(&(camera_host_config){.cfg = &cfg}, &s, &cam),
            KERR_OK);
  if (!c || !net || !h || !cam)
    return 1;
  for (int i = 0; i < 200 && !camera_host_usable(cam); i++)
    nap(10);
  CHECK(camera_host_usable(cam));

  /* The checklist of 低保 + 医疗救助: 身份证 once, for both. */
  fill(h, c);
  const char *both[] = {"dibao", "medical"};
  CHECK(camera_host_materials(cam, c, both, 2) >= 6);
  CHECK_STR(camera_host_material_text(cam, 0), ID_TEXT);
  char for_[200];
  camera_host_material_for(cam, 0, for_, sizeof for_);
  CHECK_STR(for_, "低保、医疗救助");
  size_t med = 0; /* 医院的发票… : 医疗救助's own */
  for (size_t i = 0; i < camera_host_material_count(cam); i++)
    if (strstr(camera_host_material_text(cam, i), "医院的发票"))
      med = i;
  CHECK(med > 0);
  camera_host_material_for(cam, med, for_, sizeof for_);
  CHECK_STR(for_, "医疗救助");

  /* Two pages of 身份证, a third refused; two of the invoices, the first
   * deleted. */
  CHECK_INT(camera_host_start(cam), KERR_OK);
  camera_still p1 = {0}, p2 = {0}, p3 = {0}, p4 = {0};
  CHECK(take(cam, PAGES "page1.jpg", &p1));
  CHECK(take(cam, PAGES "page2.jpg", &p2));
  camera_still k1 = copy_still(&p1), k2 = copy_still(&p2);
  CHECK_INT(camera_host_keep(cam, 0, &p1), CAMERA_PAGES_OK);
  CHECK_INT(camera_host_keep(cam, 0, &p2), CAMERA_PAGES_OK);
  CHECK(p1.jpeg == NULL && p2.jpeg == NULL);
  CHECK_INT(camera_host_room(cam, 0), CAMERA_PAGES_MATERIAL_FULL);
  CHECK(take(cam, PAGES "page1.jpg", &p3));
  CHECK_INT(camera_host_keep(cam, 0, &p3), CAMERA_PAGES_MATERIAL_FULL);
  CHECK_INT(camera_host_keep(cam, med, &p3), CAMERA_PAGES_OK);
  CHECK(take(cam, PAGES "empty.jpg", &p4));
  camera_still k4 = copy_still(&p4);
  CHECK_INT(camera_host_keep(cam, med, &p4), CAMERA_PAGES_OK);
  CHECK_INT(camera_host_delete(cam, med, 0), KERR_OK);
  CHECK_INT(camera_host_pages(cam, med), 1);
  CHECK_INT((int)camera_host_pages_total(cam), 3);
  /* Items changed and back: the pages stay with their material. */
  const char *only[] = {"dibao"};
  camera_host_materials(cam, c, only, 1);
  CHECK_INT((int)camera_host_pages_total(cam), 2); /* 医疗救助's page gone */
  camera_host_materials(cam, c, both, 2);
  CHECK_INT(camera_host_pages(cam, 0), 2);
  CHECK(take(cam, PAGES "empty.jpg", &p4));
  k4 = (camera_still_wipe(&k4), copy_still(&p4));
  for (size_t i = 0; i < camera_host_material_count(cam); i++)
    if (strstr(camera_host_material_text(cam, i), "医院的发票"))
      med = i;
  CHECK_INT(camera_host_keep(cam, med, &p4), CAMERA_PAGES_OK);

  /* Malformed attachments are refused (the form stays). */
  form_attachment bad[FORM_MAX_ATTACHMENTS + 1];
  unsigned char notjpeg[] = {0x89, 'P', 'N', 'G'};
  const char *other[] = {"tekun"};
  const submit_receipt *rc = NULL;
  bad[0] = (form_attachment){.items = both, .n_items = 2, .material = "x",
                             .page = 1, .width = 10, .height = 10,
                             .jpeg = notjpeg, .len = sizeof notjpeg};
  form_host_set_attachments(h, bad, 1);
  CHECK_INT(form_host_submit(h, net, &rc), KERR_INVALID);
  CHECK(form_host_form(h) != NULL);
  bad[0].jpeg = k1.jpeg;
  bad[0].len = k1.len;
  bad[0].items = other;
  bad[0].n_items = 1;
  form_host_set_attachments(h, bad, 1);
  CHECK_INT(form_host_submit(h, net, &rc), KERR_INVALID);
  bad[0].items = both;
  for (int i = 1; i <= FORM_MAX_ATTACHMENTS; i++)
    bad[i] = bad[0];
  form_host_set_attachments(h, bad, FORM_MAX_ATTACHMENTS + 1);
  CHECK_INT(form_host_submit(h, net, &rc), KERR_INVALID);
  CHECK(form_host_form(h) != NULL);

  /* Submitted: the pages sealed, in order, byte for byte. */
  char uuid[SEAL_UUID_BUF];
  CHECK_INT(submit(h, net, cam, uuid), KERR_OK);
  CHECK(form_host_form(h) == NULL);
  CHECK_INT((int)camera_host_pages_total(cam), 0);
  CHECK_INT(camera_host_sealed_pages(cam, ID_TEXT), 2);
  char *env = NULL, *pt = open_sealed(uuid, &env);
  CHECK(pt != NULL);
  CHECK(env && !strstr(env, "/9j/") && !strstr(env, "attachments"));
  if (pt) {
    CHECK(schema_check_valid(schema, pt, 0));
    cJSON *doc = cJSON_Parse(pt);
    const cJSON *arr = cJSON_GetObjectItem(doc, "attachments");
    CHECK_INT(cJSON_GetArraySize(arr), 3);
    check_page(arr, 0, both, 2, ID_TEXT, 1, &k1);
    check_page(arr, 1, both, 2, ID_TEXT, 2, &k2);
    const char *med_only[] = {"medical"};
    check_page(arr, 2, med_only, 1, camera_host_material_text(cam, med), 1,
               &k4);
    cJSON_Delete(doc);
    sodium_memzero(pt, strlen(pt));
  }
  free(pt);
  free(env);

  /* Without pages: no "attachments" at all. */
  fill(h, c);
  CHECK_INT(submit(h, net, cam, uuid), KERR_OK);
  pt = open_sealed(uuid, &env);
  CHECK(pt && !strstr(pt, "\"attachments\""));
  if (pt)
    CHECK(schema_check_valid(schema, pt, 0));
  free(pt);
  free(env);

  /* 24 pages, 4 MiB of JPEG in all, fit the seal and the outbox. */
  fill(h, c);
  form_attachment big[FORM_MAX_ATTACHMENTS];
  unsigned char *data[FORM_MAX_ATTACHMENTS];
  size_t each = CAMERA_PAGES_BYTES / FORM_MAX_ATTACHMENTS;
  for (int i = 0; i < FORM_MAX_ATTACHMENTS; i++) {
    data[i] = fake_jpeg(each);
    big[i] = (form_attachment){.items = both, .n_items = 2,
                               .material = ID_TEXT, .page = i + 1,
                               .width = 1200, .height = 1600,
                               .jpeg = data[i], .len = each};
  }
  form_host_set_attachments(h, big, FORM_MAX_ATTACHMENTS);
  CHECK_INT(form_host_submit(h, net, &rc), KERR_OK);
  CHECK(rc && rc->result == KERR_OK);
  if (rc && !rc->result) {
    pt = open_sealed(rc->ticket.uuid, &env);
    CHECK(pt != NULL);
    CHECK(pt && strlen(pt) > CAMERA_PAGES_BYTES * 4 / 3);
    if (pt)
      CHECK(schema_check_valid(schema, pt, 0));
    free(pt);
    free(env);
  }
  for (int i = 0; i < FORM_MAX_ATTACHMENTS; i++)
    free(data[i]);

  /* A session end forgets the counts too. */
  session_end(&s);
  CHECK_INT(camera_host_sealed_pages(cam, ID_TEXT), 0);
  camera_still_wipe(&k1);
  camera_still_wipe(&k2);
  camera_still_wipe(&k4);
  camera_host_destroy(cam);
  form_host_destroy(h);
  net_host_destroy(net);
  content_destroy(c);
  cJSON_Delete(schema);
  nh_rm_rf(work);
  nh_rm_rf(shm);
  SDL_Quit();
  return TEST_DONE();
}
