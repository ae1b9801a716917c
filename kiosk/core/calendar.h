/* calendar: the proleptic Gregorian calendar, the one place that knows leap
 * years and month lengths (form dates, content dates, the server's
 * timestamps). Pure functions on plain integers; year ranges are the
 * caller's policy. */
#ifndef KIOSK_CORE_CALENDAR_H
#define KIOSK_CORE_CALENDAR_H

/* 1 if year is a leap year (divisible by 4, centuries only by 400). */
int calendar_is_leap(int year);

/* Days in month (1..12) of year; 0 for a month outside 1..12. */
int calendar_days_in_month(int year, int month);

/* 1 if month is 1..12 and day is 1..the days of that month, else 0. Any
 * year is accepted. */
int calendar_date_valid(int year, int month, int day);

#endif
