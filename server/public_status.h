/* public_status: the public progress page a receipt's QR code leads to,
 * GET /cx?r=REFERENCE&t=TOKEN (docs/server.md "Public progress page").
 *
 * No client certificate and no sign-in: the receipt itself is the key. The
 * token is derived from the application's uuid, which only the kiosk that
 * made it and this server know; the kiosk prints it in the QR code
 * (kiosk/devices/printer_qr.h), so a reference alone, typed or guessed,
 * shows nothing. The page is Simplified Chinese HTML for a phone: the
 * reference, the date it was received, each item's name, status and date,
 * and the hotline when configured — never a name, ID number, address,
 * note or staff id. */
#ifndef SERVER_PUBLIC_STATUS_H
#define SERVER_PUBLIC_STATUS_H

#define PUBLIC_STATUS_TOKEN_CHARS 16

/* The receipt token of the application with this uuid: base32 (a-z, 2-7)
 * of the first 10 bytes of BLAKE2b-256 over "kiosk-receipt-v1|" + uuid,
 * into out. The same as the kiosk's printer_qr_token. */
void public_status_token(const char *uuid,
                         char out[PUBLIC_STATUS_TOKEN_CHARS + 1]);

/* 1 if s has the token's shape: 16 characters of a-z and 2-7. */
int public_status_token_ok(const char *s);

#endif
