/* calendar: see calendar.h. */
#include "core/calendar.h"

int calendar_is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int calendar_days_in_month(int year, int month) {
  static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12)
    return 0;
  return mdays[month - 1] + (month == 2 && calendar_is_leap(year));
}

int calendar_date_valid(int year, int month, int day) {
  return day >= 1 && day <= calendar_days_in_month(year, month);
}
