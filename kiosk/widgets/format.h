/* format: numbers and dates the way a Chinese reader expects them. */
#ifndef KIOSK_SCREENS_FORMAT_H
#define KIOSK_SCREENS_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* 948000 fen -> "9,480"; 12345 fen -> "123.45". Always fits in 32 bytes. */
void format_money_fen(int64_t fen, char *out, size_t size);

/* "2025-01-01" -> "2025年1月1日"; "2025-07" -> "2025年7月"; "2025" ->
 * "2025年"; anything else is copied as it is. */
void format_date(const char *iso, char *out, size_t size);

#endif
