/* printer_qr: see printer_qr.h. */
#include "devices/printer_qr.h"

#include <errno.h>
#include <qrencode.h>
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
