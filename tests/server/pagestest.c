/* pagestest: see pagestest.h. */
#include "pagestest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <sodium.h>

int pagestest_jpeg(int w, int h, int seed, unsigned char **out, size_t *len) {
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr e;
  unsigned char *mem = NULL;
  unsigned long n = 0;
  unsigned char *row = malloc((size_t)w * 3);
  if (!row)
    return -1;
  c.err = jpeg_std_error(&e);
  jpeg_create_compress(&c);
  jpeg_mem_dest(&c, &mem, &n);
  c.image_width = (JDIMENSION)w;
  c.image_height = (JDIMENSION)h;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 80, TRUE);
  jpeg_start_compress(&c, TRUE);
  int band = (seed * 37) % (h > 8 ? h - 8 : 1);
  while (c.next_scanline < c.image_height) {
    int y = (int)c.next_scanline;
    for (int x = 0; x < w; x++) {
      unsigned char v = (unsigned char)(200 + (x * 40) / (w > 1 ? w : 1));
      if (y >= band && y < band + 8)
        v = (unsigned char)(40 + seed * 20);
      row[x * 3] = v;
      row[x * 3 + 1] = v;
      row[x * 3 + 2] = (unsigned char)(v - (seed & 1 ? 30 : 0));
    }
    JSAMPROW rp = row;
    jpeg_write_scanlines(&c, &rp, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  free(row);
  *out = malloc(n);
  if (!*out) {
    free(mem);
    return -1;
  }
  memcpy(*out, mem, n);
  *len = n;
  free(mem);
  return 0;
}

static char *b64(const void *p, size_t n) {
  size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
  char *out = malloc(cap);
  if (out)
    sodium_bin2base64(out, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
  return out;
}

cJSON *pagestest_page(const char *const *items, const char *material,
                      int page, int w, int h, const void *data, size_t len) {
  cJSON *o = cJSON_CreateObject();
  cJSON *it = cJSON_AddArrayToObject(o, "items");
  for (size_t i = 0; items && items[i]; i++)
    cJSON_AddItemToArray(it, cJSON_CreateString(items[i]));
  cJSON_AddStringToObject(o, "material", material);
  cJSON_AddNumberToObject(o, "page", page);
  cJSON_AddStringToObject(o, "type", "image/jpeg");
  cJSON_AddNumberToObject(o, "width", w);
  cJSON_AddNumberToObject(o, "height", h);
  char *d = b64(data, len);
  cJSON_AddStringToObject(o, "data", d ? d : "");
  free(d);
  return o;
}

static int read_seal_pub(unsigned char pk[32]) {
  char path[700], buf[256];
  size_t got = 0;
  snprintf(path, sizeof path, "%s/seal.pub", srvtest_pki());
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  buf[strcspn(buf, "\r\n")] = '\0';
  if (sodium_base642bin(pk, 32, buf, strlen(buf), NULL, &got, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      got != 32)
    return -1;
  return 0;
}

int pagestest_app_make(srvtest_app *a, const char *device, int n,
                       const cJSON *attachments, size_t pad) {
  static const char alpha[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  unsigned char pk[32], hash[32], rb[16];
  char digest[65], name[64], region[7], pre[128];
  memset(a, 0, sizeof *a);
  if (sodium_init() < 0 || read_seal_pub(pk) != 0)
    return -1;
  randombytes_buf(rb, sizeof rb);
  rb[6] = (unsigned char)((rb[6] & 0x0F) | 0x40);
  rb[8] = (unsigned char)((rb[8] & 0x3F) | 0x80);
  snprintf(a->uuid, sizeof a->uuid,
           "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x"
           "%02x",
           rb[0], rb[1], rb[2], rb[3], rb[4], rb[5], rb[6], rb[7], rb[8],
           rb[9], rb[10], rb[11], rb[12], rb[13], rb[14], rb[15]);
  randombytes_buf(rb, sizeof rb);
  for (int i = 0, k = 0; i < 11; i++)
    a->reference[i] = (i == 4 || i == 9) ? '-' : alpha[rb[k++] % 32];
  a->reference[11] = '\0';
  snprintf(region, sizeof region, "%.6s", device + 6);
  srvtest_id_number(region, "19580314", 100 + n % 900, a->id_number);
  memcpy(a->last4, a->id_number + 14, 5);
  snprintf(name, sizeof name, "测试申请人%d", n);

  cJSON *pt = cJSON_CreateObject();
  cJSON_AddNumberToObject(pt, "schema_version", 1);
  cJSON_AddStringToObject(pt, "uuid", a->uuid);
  cJSON_AddStringToObject(pt, "reference", a->reference);
  cJSON_AddStringToObject(pt, "region", region);
  cJSON *items = cJSON_AddArrayToObject(pt, "items");
  cJSON_AddItemToArray(items, cJSON_CreateString("dibao"));
  cJSON_AddItemToArray(items, cJSON_CreateString("medical"));
  cJSON *names = cJSON_AddArrayToObject(pt, "item_names");
  cJSON_AddItemToArray(names, cJSON_CreateString("最低生活保障"));
  cJSON_AddItemToArray(names, cJSON_CreateString("医疗救助"));
  cJSON *ans = cJSON_AddObjectToObject(pt, "answers");
  cJSON_AddStringToObject(ans, "applicant_name", name);
  cJSON_AddStringToObject(ans, "applicant_id", a->id_number);
  cJSON *display = cJSON_AddArrayToObject(pt, "display");
  cJSON *sec = cJSON_CreateObject();
  cJSON_AddStringToObject(sec, "section", "申请人");
  cJSON *rows = cJSON_AddArrayToObject(sec, "rows");
  const char *pairs[][2] = {{"姓名", name}, {"公民身份号码", a->id_number}};
  for (size_t i = 0; i < 2; i++) {
    cJSON *row = cJSON_CreateObject();
    cJSON_AddStringToObject(row, "label", pairs[i][0]);
    cJSON_AddStringToObject(row, "value", pairs[i][1]);
    cJSON_AddItemToArray(rows, row);
  }
  if (pad) {
    char *fill = malloc(pad + 1);
    if (!fill) {
      cJSON_Delete(pt);
      return -1;
    }
    memset(fill, 'x', pad);
    fill[pad] = '\0';
    cJSON *row = cJSON_CreateObject();
    cJSON_AddStringToObject(row, "label", "备注");
    cJSON_AddStringToObject(row, "value", fill);
    cJSON_AddItemToArray(rows, row);
    free(fill);
  }
  cJSON_AddItemToArray(display, sec);
  cJSON_AddNullToObject(pt, "assisted_by");
  cJSON_AddObjectToObject(pt, "signatures");
  if (attachments)
    cJSON_AddItemToObject(pt, "attachments", cJSON_Duplicate(attachments, 1));
  char *plain = cJSON_PrintUnformatted(pt);
  cJSON_Delete(pt);
  if (!plain)
    return -1;
  size_t pl = strlen(plain);
  size_t sl = pl + crypto_box_SEALBYTES;
  unsigned char *sealed = malloc(sl);
  if (!sealed) {
    free(plain);
    return -1;
  }
  crypto_box_seal(sealed, (unsigned char *)plain, pl, pk);
  free(plain);
  char *s64 = b64(sealed, sl);
  free(sealed);
  if (!s64)
    return -1;

  snprintf(pre, sizeof pre, "kiosk-status-v1|%s|%s", a->reference, a->last4);
  crypto_generichash(hash, sizeof hash, (unsigned char *)pre, strlen(pre),
                     NULL, 0);
  sodium_bin2hex(digest, sizeof digest, hash, sizeof hash);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "uuid", a->uuid);
  cJSON_AddStringToObject(j, "reference", a->reference);
  cJSON_AddStringToObject(j, "device_id", device);
  cJSON_AddStringToObject(j, "created_at", "2026-11-22T09:30:00+08:00");
  cJSON_AddStringToObject(j, "region", region);
  cJSON *it = cJSON_AddArrayToObject(j, "items");
  cJSON_AddItemToArray(it, cJSON_CreateString("dibao"));
  cJSON_AddItemToArray(it, cJSON_CreateString("medical"));
  cJSON_AddStringToObject(j, "content_version", "2025.07.1");
  cJSON_AddNullToObject(j, "assisted_by");
  cJSON_AddStringToObject(j, "check_digest", digest);
  cJSON_AddStringToObject(j, "sealed", s64);
  free(s64);
  a->json = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  return a->json ? 0 : -1;
}
