/* format: see format.h. */
#include "widgets/format.h"

#include <stdio.h>
#include <string.h>

void format_money_fen(int64_t fen, char *out, size_t size) {
  int neg = fen < 0;
  uint64_t v = neg ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
  uint64_t yuan = v / 100, cents = v % 100;
  char digits[32], grouped[48];
  snprintf(digits, sizeof digits, "%llu", (unsigned long long)yuan);
  size_t n = strlen(digits), j = 0;
  for (size_t i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0)
      grouped[j++] = ',';
    grouped[j++] = digits[i];
  }
  grouped[j] = '\0';
  if (cents)
    snprintf(out, size, "%s%s.%02llu", neg ? "-" : "", grouped,
             (unsigned long long)cents);
  else
    snprintf(out, size, "%s%s", neg ? "-" : "", grouped);
}

void format_date(const char *iso, char *out, size_t size) {
  int y, m, d;
  char extra;
  if (sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3)
    snprintf(out, size, "%d年%d月%d日", y, m, d);
  else if (sscanf(iso, "%4d-%2d%c", &y, &m, &extra) == 2)
    snprintf(out, size, "%d年%d月", y, m);
  else if (sscanf(iso, "%4d%c", &y, &extra) == 1 && strlen(iso) == 4)
    snprintf(out, size, "%d年", y);
  else
    snprintf(out, size, "%s", iso);
}
