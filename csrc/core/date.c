/* date.c: calendar arithmetic for date columns (int32 days since 1970-01-01,
 * proleptic Gregorian) and the one textual form they parse from and print as. */
#include "modu_core.h"

#include <inttypes.h>
#include <stdio.h>

/* A 400-year Gregorian cycle always has the same length, so working in
 * "March years" (the leap day falls last) inside such cycles turns the
 * calendar into plain division. */
#define DATE_CYCLE_DAYS 146097
/* days from 0000-03-01 (start of a cycle) to 1970-01-01 */
#define DATE_EPOCH_SHIFT 719468
/* |year| beyond this cannot be an int32 day count; rejecting early also keeps
 * every intermediate product far from int64 overflow */
#define DATE_YEAR_LIMIT 6000000
/* the parser's error message quotes this much of the input, no more */
#define DATE_QUOTE_MAX 40

/* cumulative days before each month, counting from March */
static const int date_march_start[12] = {0, 31, 61, 92, 122, 153, 184, 214, 245, 275, 306, 337};

static int64_t date_floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

static bool date_is_leap(int64_t y) {
  /* y % k == 0 is sign-safe in C, so negative years need no floor here */
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int date_month_days(int64_t y, int m) {
  static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && date_is_leap(y) ? 29 : len[m - 1];
}

bool modu_date_from_ymd(int64_t y, int m, int d, int32_t *days) {
  if (m < 1 || m > 12 || y < -DATE_YEAR_LIMIT || y > DATE_YEAR_LIMIT) return false;
  if (d < 1 || d > date_month_days(y, m)) return false;
  int64_t my = m <= 2 ? y - 1 : y; /* Jan and Feb belong to the previous March year */
  int64_t cycle = date_floor_div(my, 400);
  int64_t yc = my - cycle * 400; /* 0..399 */
  int64_t in_cycle = yc * 365 + yc / 4 - yc / 100 + date_march_start[(m + 9) % 12] + (d - 1);
  int64_t t = cycle * DATE_CYCLE_DAYS + in_cycle - DATE_EPOCH_SHIFT;
  if (t < INT32_MIN || t > INT32_MAX) return false;
  *days = (int32_t)t;
  return true;
}

void modu_date_to_ymd(int32_t days, int64_t *y, int *m, int *d) {
  int64_t z = (int64_t)days + DATE_EPOCH_SHIFT;
  int64_t cycle = date_floor_div(z, DATE_CYCLE_DAYS);
  int64_t r = z - cycle * DATE_CYCLE_DAYS; /* 0..146096 */
  /* The centuries of a cycle are 36524 days long except the last, which ends
   * with the 400-year leap day; likewise the fourth year of a 4-year block. */
  int64_t century = r / 36524;
  if (century > 3) century = 3;
  r -= century * 36524;
  int64_t quad = r / 1461;
  r -= quad * 1461;
  int64_t yq = r / 365;
  if (yq > 3) yq = 3;
  int doy = (int)(r - yq * 365); /* 0..365, counted from March 1 */
  int64_t my = cycle * 400 + century * 100 + quad * 4 + yq;
  int mi = 11;
  while (date_march_start[mi] > doy) mi--;
  *d = doy - date_march_start[mi] + 1;
  *m = mi < 10 ? mi + 3 : mi - 9;
  *y = *m <= 2 ? my + 1 : my;
}

/* Quotes untrusted input for an error message: bounded, and with control
 * and invalid bytes escaped so the message stays one line of valid UTF-8. */
static void date_quote(const char *s, size_t len, char *out, size_t cap) {
  size_t n = len > DATE_QUOTE_MAX ? DATE_QUOTE_MAX : len;
  size_t o = 0, i = 0;
  while (i < n && o + 8 < cap) {
    unsigned char c = (unsigned char)s[i];
    size_t seq = 1, bad;
    if (c >= 0x80) {
      seq = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      /* C1 controls (U+0080..U+009F) are as unprintable as ASCII ones */
      if (i + seq > n || !modu_utf8_valid(s + i, seq, &bad) || (c == 0xC2 && (unsigned char)s[i + 1] < 0xA0))
        seq = 0;
    } else if (c < 0x20 || c == 0x7F) {
      seq = 0;
    }
    if (seq == 0) {
      o += (size_t)snprintf(out + o, cap - o, "\\x%02X", c);
      i++;
    } else {
      for (size_t k = 0; k < seq; k++) out[o++] = s[i + k];
      i += seq;
    }
  }
  if (len > n && o + 4 < cap) {
    out[o++] = '.';
    out[o++] = '.';
    out[o++] = '.';
  }
  out[o] = '\0';
}

static int date_two(const char *p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

int modu_date_parse(const char *s, size_t len, int32_t *days, modu_err *e) {
  static const char shape[] = "dddd-dd-dd";
  bool ok = len == sizeof shape - 1;
  for (size_t i = 0; ok && i < len; i++)
    ok = shape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == shape[i];
  char q[DATE_QUOTE_MAX * 4 + 8];
  if (!ok) {
    date_quote(s, len, q, sizeof q);
    return modu_errf(e, "bad date '%s' (expected YYYY-MM-DD)", q);
  }
  int y = date_two(s) * 100 + date_two(s + 2), m = date_two(s + 5), d = date_two(s + 8);
  if (m < 1 || m > 12) {
    date_quote(s, len, q, sizeof q);
    return modu_errf(e, "bad date '%s' (month %d out of range; expected YYYY-MM-DD)", q, m);
  }
  if (!modu_date_from_ymd(y, m, d, days)) {
    date_quote(s, len, q, sizeof q);
    return modu_errf(e, "bad date '%s' (day %d out of range for %04d-%02d; expected YYYY-MM-DD)",
                     q, d, y, m);
  }
  return 0;
}

int modu_date_format(int32_t days, char *buf, size_t cap) {
  int64_t y;
  int m, d;
  modu_date_to_ymd(days, &y, &m, &d);
  /* y >= -6e6 here, so negating cannot overflow */
  int n = snprintf(buf, cap, "%s%04" PRId64 "-%02d-%02d", y < 0 ? "-" : "", y < 0 ? -y : y, m, d);
  return n;
}
