/* printer_qr: QR codes for receipts, from Debian's libqrencode. Used for
 * the printed receipt and for the one on screen, so both carry the same
 * code: the county's progress-query address for this application
 * (receipt.status_url, with the reference and a token filled in), or the
 * bare reference number when none is configured (staff scan it at the
 * window).
 *
 * The token is what lets a public page show the statuses without the
 * applicant's ID characters: BLAKE2b of the application's uuid (random,
 * 122 bits, never printed or shown), cut to 80 bits. It cannot be guessed
 * from the reference, and it reveals nothing of the uuid or of the
 * applicant. The backend computes the same from the uuid it stored
 * (server/public_status.c); both follow docs/server.md "Public progress
 * page". */
#ifndef KIOSK_DEVICES_PRINTER_QR_H
#define KIOSK_DEVICES_PRINTER_QR_H

#include <stddef.h>

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

#define PRINTER_QR_TOKEN_CHARS 16 /* base32 (a-z, 2-7) of 10 bytes */
#define PRINTER_QR_REF_TAG "{ref}"
#define PRINTER_QR_TOKEN_TAG "{token}"

/* The receipt token of the application with this uuid (lower-case
 * RFC 4122 text): base32 of the first 10 bytes of BLAKE2b-256 over
 * "kiosk-receipt-v1|" + uuid, into out (PRINTER_QR_TOKEN_CHARS + 1).
 * KERR_INVALID for an empty uuid. */
kerr printer_qr_token(const char *uuid,
                      char out[PRINTER_QR_TOKEN_CHARS + 1]);

/* The text of a receipt's QR code into out (size bytes): tmpl with every
 * "{ref}" replaced by reference and every "{token}" by the uuid's token;
 * an empty or NULL tmpl gives the reference alone. KERR_LIMIT when it does
 * not fit in size or in PRINTER_QR_TEXT_MAX; KERR_INVALID for an empty
 * reference, or a uuid missing where tmpl needs a token. */
kerr printer_qr_receipt_text(const char *tmpl, const char *reference,
                             const char *uuid, char *out, size_t size);

/* 1 if module (x, y) is dark (0 outside). */
int printer_qr_dark(const printer_qr *q, int x, int y);

#endif
