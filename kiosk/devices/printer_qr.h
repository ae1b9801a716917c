/* printer_qr: QR codes for receipts (the reference number, so staff can scan
 * it at the window), from Debian's libqrencode. Used for the printed receipt
 * and for the one on screen, so both carry the same code. */
#ifndef KIOSK_DEVICES_PRINTER_QR_H
#define KIOSK_DEVICES_PRINTER_QR_H

#include "core/kerr.h"

#define PRINTER_QR_MAX 177 /* modules per side of the largest QR version */
#define PRINTER_QR_TEXT_MAX 256

typedef struct printer_qr {
  int size; /* modules per side */
  unsigned char m[PRINTER_QR_MAX * PRINTER_QR_MAX]; /* 1 = dark, row-major */
} printer_qr;

/* Encodes text (at most PRINTER_QR_TEXT_MAX bytes) with error correction
 * level M in the smallest version that holds it. KERR_LIMIT for longer
 * text, KERR_INVALID for empty text, KERR_NOMEM. */
kerr printer_qr_encode(const char *text, printer_qr *q);

/* 1 if module (x, y) is dark (0 outside). */
int printer_qr_dark(const printer_qr *q, int x, int y);

#endif
