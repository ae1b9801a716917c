/* format: money with thousands separators, Chinese dates. */
#include "check.h"
#include "widgets/format.h"

int main(void) {
  char b[64];
  format_money_fen(948000, b, sizeof b);
  CHECK_STR(b, "9,480");
  format_money_fen(65000, b, sizeof b);
  CHECK_STR(b, "650");
  format_money_fen(12345, b, sizeof b);
  CHECK_STR(b, "123.45");
  format_money_fen(0, b, sizeof b);
  CHECK_STR(b, "0");
  format_money_fen(123456789012, b, sizeof b);
  CHECK_STR(b, "1,234,567,890.12");
  format_money_fen(-100005, b, sizeof b);
  CHECK_STR(b, "-1,000.05");
  format_money_fen(INT64_MIN, b, sizeof b);
  CHECK(b[0] == '-');
  format_date("2025-01-01", b, sizeof b);
  CHECK_STR(b, "2025年1月1日");
  format_date("2024-07", b, sizeof b);
  CHECK_STR(b, "2024年7月");
  format_date("2021", b, sizeof b);
  CHECK_STR(b, "2021年");
  format_date("soon", b, sizeof b);
  CHECK_STR(b, "soon");
  return TEST_DONE();
}
