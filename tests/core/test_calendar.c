/* calendar: leap years, month lengths and date validity. */
#include "check.h"
#include "core/calendar.h"

int main(void) {
  CHECK(calendar_is_leap(2024));
  CHECK(calendar_is_leap(2000));
  CHECK(calendar_is_leap(0));
  CHECK(!calendar_is_leap(1900));
  CHECK(!calendar_is_leap(2100));
  CHECK(!calendar_is_leap(2023));

  CHECK_INT(calendar_days_in_month(2023, 2), 28);
  CHECK_INT(calendar_days_in_month(2024, 2), 29);
  CHECK_INT(calendar_days_in_month(2024, 1), 31);
  CHECK_INT(calendar_days_in_month(2024, 4), 30);
  CHECK_INT(calendar_days_in_month(2024, 12), 31);
  CHECK_INT(calendar_days_in_month(2024, 0), 0);
  CHECK_INT(calendar_days_in_month(2024, 13), 0);
  CHECK_INT(calendar_days_in_month(2024, -1), 0);

  CHECK(calendar_date_valid(2024, 2, 29));
  CHECK(!calendar_date_valid(2023, 2, 29));
  CHECK(!calendar_date_valid(1900, 2, 29));
  CHECK(calendar_date_valid(2000, 2, 29));
  CHECK(calendar_date_valid(2024, 12, 31));
  CHECK(!calendar_date_valid(2024, 4, 31));
  CHECK(!calendar_date_valid(2024, 1, 0));
  CHECK(!calendar_date_valid(2024, 0, 1));
  CHECK(!calendar_date_valid(2024, 13, 1));
  CHECK(!calendar_date_valid(2024, 1, -1));
  return TEST_DONE();
}
