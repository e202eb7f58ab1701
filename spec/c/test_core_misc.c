/* test_core_misc.c: standalone checks for the core's leaf files, date.c,
 * random.c and utf8.c; links nothing else, prints failures and a tally. */
#include "modu_core.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* not in the header: random.c exports it only for this test */
extern double modu_rng_det_log(double x);

typedef struct tm_counts {
  int passed, failed;
} tm_counts;

static void tm_check(tm_counts *t, bool ok, const char *what, const char *detail) {
  if (ok) {
    t->passed++;
  } else {
    t->failed++;
    printf("FAIL %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  }
}

/* ---- dates ---- */

/* a second, deliberately naive calendar to check date.c against */
static int tm_month_len(int64_t y, int m) {
  static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : len[m - 1];
}

static void tm_dates_walk(tm_counts *t) {
  int32_t first;
  tm_check(t, modu_date_from_ymd(1600, 1, 1, &first), "from_ymd 1600-01-01", NULL);
  int32_t expect = first;
  int bad = 0;
  char msg[128];
  for (int64_t y = 1600; y <= 2400 && bad < 5; y++)
    for (int m = 1; m <= 12; m++)
      for (int d = 1; d <= tm_month_len(y, m); d++) {
        int32_t days = 0;
        int64_t yy;
        int mm, dd;
        bool ok = modu_date_from_ymd(y, m, d, &days);
        modu_date_to_ymd(days, &yy, &mm, &dd);
        if (!ok || days != expect || yy != y || mm != m || dd != d) {
          snprintf(msg, sizeof msg, "%" PRId64 "-%02d-%02d -> %d (want %d) -> %" PRId64 "-%02d-%02d",
                   y, m, d, (int)days, (int)expect, yy, mm, dd);
          tm_check(t, false, "date walk", msg);
          bad++;
        }
        expect++;
      }
  tm_check(t, bad == 0, "date walk 1600-01-01..2400-12-31 consecutive and invertible", NULL);
  int32_t last;
  modu_date_from_ymd(2400, 12, 31, &last);
  tm_check(t, last - first + 1 == 292560, "date walk length 801 years", NULL);
}

static void tm_date_known(tm_counts *t, int64_t y, int m, int d, int32_t want) {
  char msg[96];
  int32_t days = -12345;
  bool ok = modu_date_from_ymd(y, m, d, &days);
  snprintf(msg, sizeof msg, "%" PRId64 "-%02d-%02d = %d, want %d", y, m, d, (int)days, (int)want);
  tm_check(t, ok && days == want, "date known value", msg);
}

static void tm_date_invalid(tm_counts *t, int64_t y, int m, int d) {
  char msg[64];
  int32_t days;
  snprintf(msg, sizeof msg, "%" PRId64 "-%d-%d", y, m, d);
  tm_check(t, !modu_date_from_ymd(y, m, d, &days), "from_ymd rejects", msg);
}

static void tm_dates_known(tm_counts *t) {
  tm_date_known(t, 1970, 1, 1, 0);
  tm_date_known(t, 1969, 12, 31, -1);
  tm_date_known(t, 2000, 1, 1, 10957);
  tm_date_known(t, 2000, 3, 1, 11017);
  tm_date_known(t, 2017, 12, 29, 17529);
  tm_date_known(t, 1600, 1, 1, -135140);
  tm_date_known(t, 0, 3, 1, -719468);
  tm_date_known(t, 0, 1, 1, -719528);
  tm_date_known(t, -1, 1, 1, -719893); /* year 0 is a leap year: 366 days */
  tm_date_known(t, 2000, 2, 29, 11016);
  tm_date_known(t, 1900, 3, 1, -25508);
  tm_date_known(t, 1900, 2, 28, -25509); /* 1900 not leap: no Feb 29 in between */
  tm_date_invalid(t, 1900, 2, 29);
  tm_date_invalid(t, 2100, 2, 29);
  tm_date_invalid(t, 2017, 2, 29);
  tm_date_invalid(t, 2017, 4, 31);
  tm_date_invalid(t, 2017, 0, 1);
  tm_date_invalid(t, 2017, 13, 1);
  tm_date_invalid(t, 2017, 1, 0);
  tm_date_invalid(t, 2017, 1, 32);
  tm_date_invalid(t, 6000000, 1, 1);    /* past int32 days */
  tm_date_invalid(t, -6000000, 1, 1);
  tm_date_invalid(t, INT64_MAX, 1, 1);  /* must not overflow */
  tm_date_invalid(t, INT64_MIN, 1, 1);
  int32_t days;
  tm_check(t, modu_date_from_ymd(2000, 2, 29, &days), "2000-02-29 exists (leap)", NULL);
  tm_check(t, modu_date_from_ymd(2024, 2, 29, &days), "2024-02-29 exists (leap)", NULL);

  /* the extremes of int32 must convert both ways */
  const int32_t edge[] = {INT32_MIN, INT32_MIN + 1, INT32_MAX - 1, INT32_MAX, -719469, -719468};
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
    int64_t y;
    int m, d;
    int32_t back = 0;
    modu_date_to_ymd(edge[i], &y, &m, &d);
    bool ok = modu_date_from_ymd(y, m, d, &back) && back == edge[i];
    char msg[96];
    snprintf(msg, sizeof msg, "%d -> %" PRId64 "-%d-%d -> %d", (int)edge[i], y, m, d, (int)back);
    tm_check(t, ok, "date int32 edge round trip", msg);
  }
  /* one day past either end is out of range */
  int64_t y;
  int m, d;
  modu_date_to_ymd(INT32_MAX, &y, &m, &d);
  tm_check(t, y == 5881580 && m == 7 && d == 11, "INT32_MAX is 5881580-07-11", NULL);
  tm_check(t, !modu_date_from_ymd(5881580, 7, 12, &days), "5881580-07-12 out of int32", NULL);
  modu_date_to_ymd(INT32_MIN, &y, &m, &d);
  tm_check(t, y == -5877641 && m == 6 && d == 23, "INT32_MIN is -5877641-06-23", NULL);
  tm_check(t, !modu_date_from_ymd(-5877641, 6, 22, &days), "-5877641-06-22 out of int32", NULL);

  /* sparse sweep of the whole int32 range */
  int bad = 0;
  for (int64_t v = INT32_MIN; v <= INT32_MAX && bad < 5; v += 9973) {
    int32_t back = 0;
    modu_date_to_ymd((int32_t)v, &y, &m, &d);
    if (!modu_date_from_ymd(y, m, d, &back) || back != v) bad++;
  }
  tm_check(t, bad == 0, "date round trip across int32 range", NULL);
}

static void tm_parse_ok(tm_counts *t, const char *s, int32_t want) {
  modu_err e = {{0}};
  int32_t days = -1;
  int rc = modu_date_parse(s, strlen(s), &days, &e);
  tm_check(t, rc == 0 && days == want, "parse ok", s);
}

static void tm_parse_bad(tm_counts *t, const char *s, size_t len, const char *want_msg) {
  modu_err e = {{0}};
  int32_t days = 77;
  int rc = modu_date_parse(s, len, &days, &e);
  char msg[700];
  snprintf(msg, sizeof msg, "rc=%d msg=[%s] want [%s]", rc, e.msg, want_msg);
  tm_check(t, rc == -1 && strcmp(e.msg, want_msg) == 0, "parse error", msg);
}

static void tm_dates_parse(tm_counts *t) {
  tm_parse_ok(t, "1970-01-01", 0);
  tm_parse_ok(t, "2017-12-29", 17529);
  tm_parse_ok(t, "2000-02-29", 11016);
  tm_parse_ok(t, "0000-01-01", -719528);
  tm_parse_ok(t, "9999-12-31", 2932896);
  tm_parse_bad(t, "2017-02-30", 10,
               "bad date '2017-02-30' (day 30 out of range for 2017-02; expected YYYY-MM-DD)");
  tm_parse_bad(t, "1900-02-29", 10,
               "bad date '1900-02-29' (day 29 out of range for 1900-02; expected YYYY-MM-DD)");
  tm_parse_bad(t, "2017-01-00", 10,
               "bad date '2017-01-00' (day 0 out of range for 2017-01; expected YYYY-MM-DD)");
  tm_parse_bad(t, "2017-13-01", 10,
               "bad date '2017-13-01' (month 13 out of range; expected YYYY-MM-DD)");
  tm_parse_bad(t, "2017-00-01", 10,
               "bad date '2017-00-01' (month 0 out of range; expected YYYY-MM-DD)");
  tm_parse_bad(t, "2017/02/01", 10, "bad date '2017/02/01' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "2017-1-01", 9, "bad date '2017-1-01' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "", 0, "bad date '' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "abc", 3, "bad date 'abc' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "2017-02-01x", 11, "bad date '2017-02-01x' (expected YYYY-MM-DD)");
  tm_parse_bad(t, " 2017-02-01", 11, "bad date ' 2017-02-01' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "-017-02-01", 10, "bad date '-017-02-01' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "+2017-02-01", 11, "bad date '+2017-02-01' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "2017-02-01\0", 11, "bad date '2017-02-01\\x00' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "2017-0\0-01", 10, "bad date '2017-0\\x00-01' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "2017\xff-01\t", 9, "bad date '2017\\xFF-01\\x09' (expected YYYY-MM-DD)");
  /* valid UTF-8 stays readable; a C1 control and a cut sequence do not */
  tm_parse_bad(t, "d\xc3\xa9j\xc3", 5, "bad date 'd\xc3\xa9j\\xC3' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "\xc2\x85", 2, "bad date '\\xC2\\x85' (expected YYYY-MM-DD)");
  tm_parse_bad(t, "\xed\xa0\x80", 3, "bad date '\\xED\\xA0\\x80' (expected YYYY-MM-DD)");
  /* only the first 40 bytes are quoted */
  char longin[100];
  memset(longin, 'a', sizeof longin);
  tm_parse_bad(t, longin, sizeof longin,
               "bad date 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (expected YYYY-MM-DD)");
  char zeros[64] = {0};
  char want[512];
  char *w = want;
  w += sprintf(w, "bad date '");
  for (int i = 0; i < 40; i++) w += sprintf(w, "\\x00");
  sprintf(w, "...' (expected YYYY-MM-DD)");
  tm_parse_bad(t, zeros, sizeof zeros, want);
  /* the message must stay within the buffer whatever the input */
  char high[200];
  memset(high, 0xff, sizeof high);
  modu_err e = {{0}};
  int32_t days;
  tm_check(t, modu_date_parse(high, sizeof high, &days, &e) == -1 && strlen(e.msg) < 200,
           "parse error message bounded", NULL);
  tm_check(t, modu_date_parse(high, sizeof high, &days, NULL) == -1, "parse with NULL err", NULL);
}

static void tm_format_is(tm_counts *t, int64_t y, int m, int d, const char *want) {
  int32_t days;
  char buf[32], msg[96];
  bool ok = modu_date_from_ymd(y, m, d, &days);
  int n = ok ? modu_date_format(days, buf, sizeof buf) : -1;
  snprintf(msg, sizeof msg, "%" PRId64 "-%d-%d -> [%s] want [%s]", y, m, d, ok ? buf : "?", want);
  tm_check(t, ok && n == (int)strlen(want) && strcmp(buf, want) == 0, "date format", msg);
}

static void tm_dates_format(tm_counts *t) {
  tm_format_is(t, 1970, 1, 1, "1970-01-01");
  tm_format_is(t, 2017, 12, 29, "2017-12-29");
  tm_format_is(t, 0, 1, 1, "0000-01-01");
  tm_format_is(t, 33, 7, 4, "0033-07-04");
  tm_format_is(t, 9999, 12, 31, "9999-12-31");
  tm_format_is(t, -1, 1, 1, "-0001-01-01");
  tm_format_is(t, -44, 3, 15, "-0044-03-15");
  tm_format_is(t, -12345, 6, 7, "-12345-06-07");
  tm_format_is(t, 10000, 1, 1, "10000-01-01");
  tm_format_is(t, 12000, 1, 1, "12000-01-01");
  char buf[32];
  int n = modu_date_format(INT32_MIN, buf, sizeof buf);
  tm_check(t, n == 14 && strcmp(buf, "-5877641-06-23") == 0, "format INT32_MIN", buf);
  n = modu_date_format(INT32_MAX, buf, sizeof buf);
  tm_check(t, n == 13 && strcmp(buf, "5881580-07-11") == 0, "format INT32_MAX", buf);
  /* format then parse is the identity over the parseable years */
  int bad = 0;
  int32_t lo, hi;
  modu_date_from_ymd(0, 1, 1, &lo);
  modu_date_from_ymd(9999, 12, 31, &hi);
  for (int32_t v = lo; v <= hi && bad < 5; v++) {
    int32_t back = 0;
    n = modu_date_format(v, buf, sizeof buf);
    if (n != 10 || modu_date_parse(buf, (size_t)n, &back, NULL) != 0 || back != v) {
      tm_check(t, false, "format/parse round trip", buf);
      bad++;
    }
  }
  tm_check(t, bad == 0, "format/parse round trip 0000..9999", NULL);
}

/* ---- random numbers ---- */

static void tm_rng_known(tm_counts *t) {
  /* seed 1, cross-checked against an independent arbitrary-precision
   * Python implementation of splitmix64 + xoshiro256** */
  static const uint64_t want[8] = {
      UINT64_C(0xB3F2AF6D0FC710C5), UINT64_C(0x853B559647364CEA),
      UINT64_C(0x92F89756082A4514), UINT64_C(0x642E1C7BC266A3A7),
      UINT64_C(0xB27A48E29A233673), UINT64_C(0x24C123126FFDA722),
      UINT64_C(0x123004EF8DF510E6), UINT64_C(0x61954DCC47B1E89D)};
  modu_rng r;
  modu_rng_seed(&r, 1);
  for (int i = 0; i < 8; i++) {
    uint64_t v = modu_rng_next(&r);
    char msg[96];
    snprintf(msg, sizeof msg, "#%d = 0x%016" PRIX64 ", want 0x%016" PRIX64, i, v, want[i]);
    tm_check(t, v == want[i], "rng seed 1 output", msg);
  }
  static const uint64_t want0[4] = {UINT64_C(0x99EC5F36CB75F2B4), UINT64_C(0xBF6E1F784956452A),
                                    UINT64_C(0x1A5F849D4933E6E0), UINT64_C(0x6AA594F1262D2D2C)};
  modu_rng_seed(&r, 0);
  for (int i = 0; i < 4; i++) tm_check(t, modu_rng_next(&r) == want0[i], "rng seed 0 output", NULL);

  static const double wantu[4] = {0x1.67e55eda1f8e2p-1, 0x1.0a76ab2c8e6c9p-1,
                                  0x1.25f12eac10548p-1, 0x1.90b871ef099a8p-2};
  modu_rng_seed(&r, 1);
  for (int i = 0; i < 4; i++) tm_check(t, modu_rng_uniform01(&r) == wantu[i], "uniform01 seed 1", NULL);

  /* bit-exact normals: the same polar method and log evaluated by the
   * Python reference, whose floats are IEEE doubles without contraction */
  static const double wantn[6] = {0x1.e267c87ac62ebp+0,  0x1.4d55c9633557cp+0,
                                  0x1.c0d732ae4b3ddp-2,  -0x1.5088df52fd8fdp-1,
                                  0x1.153c160bd1468p+0,  0x1.0252c47c3a351p-1};
  modu_rng_seed(&r, 1);
  for (int i = 0; i < 6; i++) {
    double v = modu_rng_normal(&r);
    char msg[96];
    snprintf(msg, sizeof msg, "#%d = %a, want %a", i, v, wantn[i]);
    tm_check(t, v == wantn[i], "normal seed 1 bit-exact", msg);
  }

  static const int64_t wantb[10] = {5, 4, 4, 3, 5, 1, 1, 3, 6, 4};
  modu_rng_seed(&r, 1);
  for (int i = 0; i < 10; i++) tm_check(t, modu_rng_between(&r, 1, 6) == wantb[i], "between(1,6) seed 1", NULL);
  static const int64_t wantw[4] = {INT64_C(405843666317700995), INT64_C(40873239877713992),
                                   INT64_C(148211400039445141), INT64_C(394356833119923162)};
  modu_rng_seed(&r, 1);
  for (int i = 0; i < 4; i++)
    tm_check(t, modu_rng_between(&r, INT64_C(-1000000000000000000), INT64_C(1000000000000000007)) == wantw[i],
             "between(-1e18, 1e18+7) seed 1", NULL);
  static const int64_t wantf[3] = {INT64_C(3743247123249303749), INT64_C(376989097743764714),
                                   INT64_C(1367008882666915092)};
  modu_rng_seed(&r, 1);
  for (int i = 0; i < 3; i++)
    tm_check(t, modu_rng_between(&r, INT64_MIN, INT64_MAX) == wantf[i], "between(full) seed 1", NULL);

  modu_rng a, b;
  modu_rng_seed(&a, 42);
  modu_rng_seed(&b, 42);
  bool same = true;
  for (int i = 0; i < 1000; i++) same = same && modu_rng_next(&a) == modu_rng_next(&b);
  tm_check(t, same, "same seed, same stream", NULL);
  modu_rng_seed(&b, 43);
  tm_check(t, modu_rng_next(&a) != modu_rng_next(&b), "different seed, different stream", NULL);
}

static void tm_rng_ranges(tm_counts *t) {
  modu_rng r;
  modu_rng_seed(&r, 7);
  bool ok = true;
  double lo = 1, hi = 0;
  for (int i = 0; i < 1000000; i++) {
    double u = modu_rng_uniform01(&r);
    ok = ok && u >= 0 && u < 1;
    if (u < lo) lo = u;
    if (u > hi) hi = u;
  }
  tm_check(t, ok, "uniform01 in [0,1)", NULL);
  tm_check(t, lo < 1e-5 && hi > 1 - 1e-5, "uniform01 covers [0,1)", NULL);

  struct { int64_t lo, hi; } cases[] = {
      {5, 5}, {-3, 3}, {0, 1}, {INT64_MIN, INT64_MIN + 1}, {INT64_MAX - 1, INT64_MAX},
      {INT64_MIN, INT64_MIN + 2}, {INT64_MAX - 2, INT64_MAX}, {INT64_MIN, -1}, {0, INT64_MAX},
      {INT64_MIN + 1, INT64_MAX}, {INT64_MIN, INT64_MAX - 1}, {-1000000007, 1000000007}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    bool in = true, hit_lo = false, hit_hi = false;
    for (int i = 0; i < 20000; i++) {
      int64_t v = modu_rng_between(&r, cases[c].lo, cases[c].hi);
      in = in && v >= cases[c].lo && v <= cases[c].hi;
      hit_lo = hit_lo || v == cases[c].lo;
      hit_hi = hit_hi || v == cases[c].hi;
    }
    char msg[96];
    snprintf(msg, sizeof msg, "[%" PRId64 ", %" PRId64 "]", cases[c].lo, cases[c].hi);
    tm_check(t, in, "between in bounds", msg);
    /* spans of at most 15 values should show both ends in 20000 draws */
    if ((uint64_t)cases[c].hi - (uint64_t)cases[c].lo < 15)
      tm_check(t, hit_lo && hit_hi, "between reaches both ends", msg);
  }
  tm_check(t, modu_rng_between(&r, 9, 9) == 9, "between(9,9)", NULL);

  /* full range: every bit pattern allowed; the sign should be a coin flip */
  int neg = 0, n = 100000;
  for (int i = 0; i < n; i++) neg += modu_rng_between(&r, INT64_MIN, INT64_MAX) < 0;
  tm_check(t, neg > n / 2 - 1000 && neg < n / 2 + 1000, "between full range sign balance", NULL);

  /* roughly uniform die: chi-square with 5 degrees of freedom; 30 is far
   * beyond the 0.01% tail (20.5) */
  int64_t count[7] = {0};
  bool in = true;
  for (int i = 0; i < 60000; i++) {
    int64_t v = modu_rng_between(&r, 1, 6);
    if (v < 1 || v > 6) in = false;
    else count[v]++;
  }
  double chi = 0;
  for (int k = 1; k <= 6; k++) chi += (count[k] - 10000.0) * (count[k] - 10000.0) / 10000.0;
  char msg[64];
  snprintf(msg, sizeof msg, "chi2 = %.2f", chi);
  tm_check(t, in && chi < 30, "between(1,6) roughly uniform", msg);

  /* a span just above 2^63 rejects nearly half the draws; the result must
   * still be uniform over the halves */
  int64_t upper = 0;
  for (int i = 0; i < n; i++) upper += modu_rng_between(&r, 0, INT64_MAX) > INT64_MAX / 2;
  tm_check(t, upper > n / 2 - 1000 && upper < n / 2 + 1000, "between(0, INT64_MAX) halves", NULL);
}

static void tm_rng_normal(tm_counts *t) {
  modu_rng r;
  modu_rng_seed(&r, 2024);
  double sum = 0, sum2 = 0;
  int n = 1000000, tail = 0;
  bool finite = true;
  for (int i = 0; i < n; i++) {
    double x = modu_rng_normal(&r);
    finite = finite && isfinite(x);
    sum += x;
    sum2 += x * x;
    tail += fabs(x) > 1.959963984540054;
  }
  double mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
  char msg[96];
  snprintf(msg, sizeof msg, "mean %.5f sd %.5f tail %.4f", mean, sd, (double)tail / n);
  tm_check(t, finite, "normal finite", NULL);
  tm_check(t, fabs(mean) < 0.01, "normal mean ~ 0", msg);
  tm_check(t, fabs(sd - 1) < 0.01, "normal sd ~ 1", msg);
  tm_check(t, fabs((double)tail / n - 0.05) < 0.003, "normal 5% beyond 1.96", msg);
}

/* distance in units in the last place of want */
static double tm_ulps(double got, double want) {
  double ulp = fabs(nextafter(want, INFINITY) - want);
  return fabs(got - want) / ulp;
}

static void tm_rng_log(tm_counts *t) {
  modu_rng r;
  modu_rng_seed(&r, 99);
  double worst = 0, worst_x = 1;
  int n = 1000000;
  for (int i = 0; i < n; i++) {
    double x;
    switch (i % 4) {
      case 0: x = 1 - modu_rng_uniform01(&r); break; /* (0, 1] */
      case 1: x = 1 - 0x1.0p-20 * modu_rng_uniform01(&r); break; /* near 1 */
      case 2: x = ldexp(1 - modu_rng_uniform01(&r), -(int)modu_rng_between(&r, 1, 1074)); break;
      default: x = 0.7 + 0.02 * modu_rng_uniform01(&r); break; /* around sqrt(1/2) */
    }
    if (!(x > 0)) continue;
    double e = tm_ulps(modu_rng_det_log(x), log(x));
    if (e > worst) {
      worst = e;
      worst_x = x;
    }
  }
  char msg[96];
  snprintf(msg, sizeof msg, "worst %.3f ulp at %a", worst, worst_x);
  tm_check(t, worst <= 2, "det log within 2 ulp of libm", msg);
  tm_check(t, modu_rng_det_log(1) == 0, "det log(1) == 0", NULL);
  tm_check(t, modu_rng_det_log(0.5) == -0x1.62e42fefa39efp-1, "det log(0.5) == -ln 2", NULL);
  tm_check(t, modu_rng_det_log(0x1p-1074) == log(0x1p-1074), "det log(min subnormal)", NULL);
  tm_check(t, isinf(modu_rng_det_log(0)) && modu_rng_det_log(0) < 0, "det log(0) = -inf", NULL);
  tm_check(t, isnan(modu_rng_det_log(-1)), "det log(-1) = nan", NULL);
}

/* ---- UTF-8 ---- */

static void tm_utf8_case(tm_counts *t, const char *s, size_t len, bool want_ok, size_t want_bad) {
  size_t bad = 12345;
  bool ok = modu_utf8_valid(s, len, &bad);
  char msg[160];
  int o = snprintf(msg, sizeof msg, "bytes");
  for (size_t i = 0; i < len && i < 24 && o < 100; i++)
    o += snprintf(msg + o, sizeof msg - (size_t)o, " %02X", (unsigned char)s[i]);
  snprintf(msg + o, sizeof msg - (size_t)o, " -> ok=%d bad=%zu", ok, ok ? (size_t)0 : bad);
  tm_check(t, ok == want_ok && (ok || bad == want_bad), want_ok ? "utf8 valid" : "utf8 invalid", msg);
}

#define TM_OK(s) tm_utf8_case(t, s, sizeof(s) - 1, true, 0)
#define TM_BAD(s, at) tm_utf8_case(t, s, sizeof(s) - 1, false, at)

/* straightforward decoder for cross-checking: returns sequence length or 0 */
static int tm_ref_decode(const unsigned char *p, size_t n) {
  if (p[0] < 0x80) return 1;
  int need = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
  if (need == 0 || p[0] >= 0xF8 || (size_t)need > n) return 0;
  uint32_t cp = p[0] & (0x7F >> need);
  for (int k = 1; k < need; k++) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[k] & 0x3F);
  }
  static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_cp[need] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return need;
}

static void tm_utf8(tm_counts *t) {
  TM_OK("");
  TM_OK("plain ascii, longer than eight bytes for the word path");
  TM_OK("a\0b");
  TM_OK("h\xc3\xa9llo");                                   /* héllo */
  TM_OK("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");           /* 日本語 */
  TM_OK("\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4");           /* 한국어 */
  TM_OK("\xf0\x9f\x98\x80 \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"); /* emoji, skin tone */
  TM_OK("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
  TM_OK("\xed\x9f\xbf\xee\x80\x80"); /* U+D7FF, U+E000 around the surrogates */
  TM_OK("12345678\xe4\xb8\xad" "12345678"); /* multibyte between word-sized runs */

  TM_BAD("\x80", 0);                 /* lone continuation */
  TM_BAD("abc\xbf", 3);
  TM_BAD("\xc0\x80", 0);             /* overlong NUL */
  TM_BAD("x\xc1\xbf", 1);            /* overlong U+007F */
  TM_BAD("\xe0\x80\x80", 0);         /* overlong 3-byte */
  TM_BAD("ab\xe0\x9f\xbf", 2);       /* overlong U+07FF */
  TM_BAD("\xf0\x80\x80\x80", 0);     /* overlong 4-byte */
  TM_BAD("\xf0\x8f\xbf\xbf", 0);     /* overlong U+FFFF */
  TM_BAD("\xed\xa0\x80", 0);         /* U+D800 */
  TM_BAD("ok\xed\xbf\xbf", 2);       /* U+DFFF */
  TM_BAD("\xed\xa0\xbd\xed\xb8\x80", 0); /* CESU-style surrogate pair */
  TM_BAD("\xf4\x90\x80\x80", 0);     /* U+110000 */
  TM_BAD("\xf5\x80\x80\x80", 0);
  TM_BAD("\xf7\xbf\xbf\xbf", 0);
  TM_BAD("\xf8\x88\x80\x80\x80", 0); /* old 5-byte form */
  TM_BAD("\xfe", 0);
  TM_BAD("\xff", 0);
  TM_BAD("\xc3", 0);                 /* truncated at end */
  TM_BAD("\xe6\x97", 0);
  TM_BAD("abc\xf0\x9f\x98", 3);
  TM_BAD("\xc3" "A", 0);             /* continuation replaced by ASCII */
  TM_BAD("\xe6\x97" "A", 0);
  TM_BAD("\xf0\x9f\x98" "A", 0);
  TM_BAD("\xe6\x97\xa5\xc3\x28", 3);
  TM_BAD("0123456789abcdef\xc3\xa9" "0123456789\xff" "abcdefgh", 28);
  TM_BAD("0123456789abcdefghij\x80", 20);

  size_t bad = 0;
  tm_check(t, !modu_utf8_valid("\xff", 1, NULL), "utf8 with NULL bad", NULL);
  tm_check(t, modu_utf8_valid("\xff", 0, &bad), "utf8 respects len", NULL);

  /* every 1-, 2- and 3-byte string against the reference decoder, and the
   * 4-byte ones over the lead bytes that matter */
  int mism = 0;
  unsigned char b[4];
  for (uint32_t v = 0; v < (1u << 24) && mism < 5; v++) {
    b[0] = (unsigned char)(v >> 16);
    b[1] = (unsigned char)(v >> 8);
    b[2] = (unsigned char)v;
    for (size_t n = 1; n <= 3; n++) {
      if ((n == 1 && (v & 0xFFFF)) || (n == 2 && (v & 0xFF))) continue; /* shorter inputs once */
      size_t want_bad = 0, at = 0;
      bool want = true;
      while (at < n) {
        int k = tm_ref_decode(b + at, n - at);
        if (k == 0) {
          want = false;
          want_bad = at;
          break;
        }
        at += (size_t)k;
      }
      size_t got_bad = 99;
      bool got = modu_utf8_valid((const char *)b, n, &got_bad);
      if (got != want || (!got && got_bad != want_bad)) {
        char msg[64];
        snprintf(msg, sizeof msg, "%zu bytes %02X %02X %02X", n, b[0], b[1], b[2]);
        tm_check(t, false, "utf8 vs reference", msg);
        mism++;
      }
    }
  }
  for (uint32_t lead = 0xF0; lead <= 0xFF && mism < 10; lead++)
    for (uint32_t v = 0; v < (1u << 18); v++) {
      /* continuation-shaped tails plus a few non-continuation values */
      static const unsigned char extra[4] = {0x00, 0x41, 0xC0, 0xFF};
      b[0] = (unsigned char)lead;
      for (int k = 1; k < 4; k++) {
        uint32_t sel = (v >> (6 * (k - 1))) & 0x3F;
        b[k] = (unsigned char)(0x80 | sel);
      }
      if ((v & 0xFFF) == 0) b[1 + (v >> 12) % 3] = extra[(v >> 14) % 4];
      int k = tm_ref_decode(b, 4);
      size_t got_bad = 99;
      bool got = modu_utf8_valid((const char *)b, 4, &got_bad);
      if (got != (k == 4) || (!got && got_bad != 0)) {
        char msg[64];
        snprintf(msg, sizeof msg, "4 bytes %02X %02X %02X %02X", b[0], b[1], b[2], b[3]);
        tm_check(t, false, "utf8 vs reference", msg);
        mism++;
        break;
      }
    }
  tm_check(t, mism == 0, "utf8 agrees with reference decoder", NULL);
}

/* ---- errors and type names ---- */

static void tm_misc(tm_counts *t) {
  modu_err e;
  tm_check(t, modu_errf(&e, "x=%d %s", 42, "y") == -1 && strcmp(e.msg, "x=42 y") == 0, "errf", e.msg);
  char big[1000];
  memset(big, 'z', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  tm_check(t, modu_errf(&e, "%s", big) == -1 && strlen(e.msg) == sizeof e.msg - 1, "errf truncates", NULL);
  tm_check(t, modu_errf(NULL, "ignored %d", 1) == -1, "errf NULL", NULL);

  static const char *names[MODU_NTYPES] = {"int", "float", "str", "bool", "date"};
  for (int i = 0; i < MODU_NTYPES; i++) {
    tm_check(t, strcmp(modu_type_name((modu_type)i), names[i]) == 0, "type name", names[i]);
    tm_check(t, modu_type_from_name(names[i]) == i, "type from name", names[i]);
  }
  tm_check(t, modu_type_from_name("integer") == -1, "unknown type name", NULL);
  tm_check(t, modu_type_from_name("") == -1, "empty type name", NULL);
  tm_check(t, modu_type_from_name("Int") == -1, "type names are case-sensitive", NULL);
  tm_check(t, modu_type_from_name(NULL) == -1, "NULL type name", NULL);
}

int main(void) {
  tm_counts t = {0, 0};
  tm_dates_walk(&t);
  tm_dates_known(&t);
  tm_dates_parse(&t);
  tm_dates_format(&t);
  tm_rng_known(&t);
  tm_rng_ranges(&t);
  tm_rng_normal(&t);
  tm_rng_log(&t);
  tm_utf8(&t);
  tm_misc(&t);
  printf("%d passed, %d failed\n", t.passed, t.failed);
  return t.failed ? 1 : 0;
}
