/* printer_qr: see printer_qr.h. */
#include "devices/printer_qr.h"

#include <errno.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

kerr printer_qr_encode(const char *text, printer_qr *q) {
  memset(q, 0, sizeof *q);
  size_t n = strlen(text);
  if (n == 0)
    return KERR_INVALID;
  if (n > PRINTER_QR_TEXT_MAX)
    return KERR_LIMIT;
  QRcode *c = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
  if (!c)
    return errno == ERANGE ? KERR_LIMIT : KERR_NOMEM;
  kerr e = KERR_OK;
  if (c->width <= 0 || c->width > PRINTER_QR_MAX) {
    e = KERR_LIMIT;
    goto out;
  }
  q->size = c->width;
  for (int i = 0; i < c->width * c->width; i++)
    q->m[i] = c->data[i] & 1;
out:
  QRcode_free(c);
  return e;
}

int printer_qr_dark(const printer_qr *q, int x, int y) {
  if (x < 0 || y < 0 || x >= q->size || y >= q->size)
    return 0;
  return q->m[y * q->size + x];
}

kerr printer_qr_token(const char *uuid,
                      char out[PRINTER_QR_TOKEN_CHARS + 1]) {
  static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
  static const char tag[] = "kiosk-receipt-v1|";
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash_state st;
  out[0] = '\0';
  if (!uuid || !uuid[0])
    return KERR_INVALID;
  crypto_generichash_init(&st, NULL, 0, sizeof h);
  crypto_generichash_update(&st, (const unsigned char *)tag, sizeof tag - 1);
  crypto_generichash_update(&st, (const unsigned char *)uuid, strlen(uuid));
  crypto_generichash_final(&st, h, sizeof h);
  /* 10 bytes = 80 bits = 16 groups of 5. */
  for (int i = 0; i < PRINTER_QR_TOKEN_CHARS; i++) {
    int bit = i * 5, v = 0;
    for (int b = 0; b < 5; b++, bit++)
      v = (v << 1) | ((h[bit / 8] >> (7 - bit % 8)) & 1);
    out[i] = b32[v];
  }
  out[PRINTER_QR_TOKEN_CHARS] = '\0';
  sodium_memzero(h, sizeof h);
  return KERR_OK;
}

kerr printer_qr_receipt_text(const char *tmpl, const char *reference,
                             const char *uuid, char *out, size_t size) {
  char token[PRINTER_QR_TOKEN_CHARS + 1] = "";
  size_t n = 0;
  if (size)
    out[0] = '\0';
  if (!reference || !reference[0] || !size)
    return KERR_INVALID;
  if (!tmpl || !tmpl[0]) {
    if (strlen(reference) >= size)
      return KERR_LIMIT;
    snprintf(out, size, "%s", reference);
    return KERR_OK;
  }
  if (strstr(tmpl, PRINTER_QR_TOKEN_TAG) &&
      printer_qr_token(uuid, token) != KERR_OK)
    return KERR_INVALID;
  for (const char *p = tmpl; *p;) {
    const char *put = NULL;
    size_t skip = 1, len = 1;
    if (strncmp(p, PRINTER_QR_REF_TAG, sizeof PRINTER_QR_REF_TAG - 1) == 0) {
      put = reference;
      skip = sizeof PRINTER_QR_REF_TAG - 1;
    } else if (strncmp(p, PRINTER_QR_TOKEN_TAG,
                       sizeof PRINTER_QR_TOKEN_TAG - 1) == 0) {
      put = token;
      skip = sizeof PRINTER_QR_TOKEN_TAG - 1;
    }
    if (put)
      len = strlen(put);
    if (n + len >= size || n + len > PRINTER_QR_TEXT_MAX) {
      out[0] = '\0';
      return KERR_LIMIT;
    }
    memcpy(out + n, put ? put : p, len);
    n += len;
    p += skip;
  }
  out[n] = '\0';
  return KERR_OK;
}
