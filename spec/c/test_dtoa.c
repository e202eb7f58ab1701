/* test_dtoa.c: csrc/core/dtoa.c against printf and strtod. Every double tried
 * must read back bit for bit, and have no more digits than the shortest
 * "%.{p}e" that reads back (the same digits when as many). Random bit
 * patterns over all exponents, subnormals, powers of two and ten, integers
 * around 2^53 and beyond, the extremes and signed zero. */
#include "dtoa.h"
#include "modu_core.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int td_passed, td_failed; /* single checks */
static int td_groups_passed, td_groups_failed, td_group_start;

/* a group of checks passes when none of its checks failed */
static void td_group(const char *name) {
  if (name) {
    td_group_start = td_failed;
    return;
  }
  if (td_failed == td_group_start) td_groups_passed++;
  else td_groups_failed++;
}

static uint64_t td_bits(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static double td_from_bits(uint64_t b) {
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}

static void td_fail(double x, const char *what, const char *got) {
  if (td_failed++ < 20) printf("FAIL %.17g (0x%016" PRIx64 "): %s: %s\n", x, td_bits(x), what, got);
}

/* the reference: the fewest %.{p}e digits that read back; their digit string
 * without the point, trailing zeros dropped */
static int td_reference(double x, char *digits) {
  char buf[64];
  for (int p = 0; p < 17; p++) {
    snprintf(buf, sizeof buf, "%.*e", p, x);
    if (strtod(buf, NULL) == x) {
      int n = 0;
      for (char *s = buf; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9') digits[n++] = *s;
      while (n > 1 && digits[n - 1] == '0') n--;
      digits[n] = 0;
      return n;
    }
  }
  return -1;
}

static void td_check(double x) {
  char buf[MODU_DTOA_BUF + 1];
  int n = modu_dtoa_format(x, buf);
  buf[n] = 0;
  if (n <= 0 || n > MODU_DTOA_BUF) {
    td_fail(x, "length", buf);
    return;
  }
  char *end;
  double back = strtod(buf, &end);
  if (*end || td_bits(back) != td_bits(x)) {
    td_fail(x, "does not read back", buf);
    return;
  }
  if (!strchr(buf, '.') && !strchr(buf, 'e') && !strchr(buf, 'n')) {
    td_fail(x, "reads back as an integer", buf);
    return;
  }
  if (x != 0 && isfinite(x)) {
    uint64_t d;
    int e;
    int nd = modu_dtoa_shortest(fabs(x), &d, &e);
    char mine[32], ref[32];
    snprintf(mine, sizeof mine, "%" PRIu64, d);
    int nr = td_reference(fabs(x), ref);
    if (nd != (int)strlen(mine) || d % 10 == 0) {
      td_fail(x, "digit count or trailing zero", mine);
      return;
    }
    char sci[64];
    snprintf(sci, sizeof sci, "%se%d", mine, e);
    if (strtod(sci, NULL) != fabs(x)) {
      td_fail(x, "digits do not read back", sci);
      return;
    }
    if (nr < 0 || nd > nr || (nd == nr && strcmp(mine, ref) != 0)) {
      char both[80];
      snprintf(both, sizeof both, "%s, printf's %s", mine, ref);
      td_fail(x, "not the shortest", both);
      return;
    }
  }
  td_passed++;
}

static uint64_t td_state = 0x9e3779b97f4a7c15u;
static uint64_t td_next(void) { /* splitmix64 */
  uint64_t z = (td_state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static void td_check_format(double x, const char *want) {
  char buf[MODU_DTOA_BUF + 1];
  int n = modu_dtoa_format(x, buf);
  buf[n] = 0;
  if (strcmp(buf, want) != 0) {
    char both[80];
    snprintf(both, sizeof both, "%s, want %s", buf, want);
    td_fail(x, "format", both);
  } else {
    td_passed++;
  }
}

/* modu_format_double (printing, SQL text) against the loop it replaced: the
 * fewest "%.{p}g" digits that read back */
static void td_check_g(double x) {
  char want[64], got[64];
  for (int p = 1; p <= 17; p++) {
    snprintf(want, sizeof want, "%.*g", p, x);
    if (strtod(want, NULL) == x || x != x) break;
  }
  modu_format_double(x, got, sizeof got);
  if (strcmp(want, got) == 0) td_passed++;
  else td_fail(x, "format_double", got);
}

static void td_check_itoa(int64_t v) {
  char want[32], got[32];
  snprintf(want, sizeof want, "%" PRId64, v);
  int n = modu_itoa(v, got);
  got[n] = 0;
  if (strcmp(want, got) != 0) {
    td_fail((double)v, "itoa", got);
  } else {
    td_passed++;
  }
}

int main(void) {
  td_group("format");
  /* the text, as printf's %g would space it */
  td_check_format(0.1, "0.1");
  td_check_format(1.0 / 3, "0.3333333333333333");
  td_check_format(-0.0, "-0.0");
  td_check_format(0.0, "0.0");
  td_check_format(100.0, "100.0");
  td_check_format(123.456, "123.456");
  td_check_format(1e15, "1e+15");
  td_check_format(123456789012345.0, "123456789012345.0");
  td_check_format(9007199254740992.0, "9007199254740992.0");
  td_check_format(9007199254740992.0 * 2, "18014398509481984.0");
  td_check_format(1e17, "1e+17");
  td_check_format(12345678901234567e1, "1.2345678901234566e+17");
  td_check_format(1e-5, "1e-05");
  td_check_format(0.0001234, "0.0001234");
  td_check_format(5e-324, "5e-324");
  td_check_format(1.7976931348623157e308, "1.7976931348623157e+308");
  td_check_format(2.2250738585072014e-308, "2.2250738585072014e-308");
  td_check_format(-1.5e300, "-1.5e+300");
  td_check_format(INFINITY, "inf");
  td_check_format(-INFINITY, "-inf");
  td_check_format(td_from_bits(0x7ff8000000000000u), "nan");
  td_check_format(td_from_bits(0xfff8000000000000u), "-nan");
  td_check_format(72.000716, "72.000716");
  td_check_format(5e22, "5e+22");
  td_group(NULL);
  td_group("shortest");
  /* every subnormal with a small fraction, and near the normal boundary */
  for (uint64_t b = 1; b < 20000; b++) td_check(td_from_bits(b));
  for (uint64_t b = 0x0010000000000000u - 5000; b < 0x0010000000000000u + 5000; b++) td_check(td_from_bits(b));
  /* powers of two (the narrower gap below) and their neighbours, both signs */
  for (int e = 1; e < 2047; e++)
    for (int d = -2; d <= 2; d++) {
      uint64_t b = ((uint64_t)e << 52) + (uint64_t)(int64_t)d;
      td_check(td_from_bits(b));
      td_check(-td_from_bits(b));
    }
  /* powers of ten, and integers around 2^53 .. 2^64 */
  for (int e = -323; e <= 308; e++) {
    char s[16];
    snprintf(s, sizeof s, "1e%d", e);
    double p = strtod(s, NULL);
    td_check(p);
    td_check(nextafter(p, 0));
    td_check(nextafter(p, INFINITY));
  }
  for (int sh = 50; sh < 70; sh++)
    for (int d = -3; d <= 3; d++) td_check(ldexp(1, sh) + d * ldexp(1, sh - 52));
  td_check(0.0);
  td_check(-0.0);
  td_check(1.7976931348623157e308);
  td_check(-1.7976931348623157e308);
  /* random bit patterns: every exponent alike */
  for (int i = 0; i < 150000; i++) {
    double x = td_from_bits(td_next());
    if (isfinite(x)) td_check(x);
  }
  /* random values of a few decimals, as data files hold */
  for (int i = 0; i < 50000; i++) {
    char s[40];
    snprintf(s, sizeof s, "%" PRIu64 "e-%d", td_next() % 100000000u, (int)(td_next() % 12));
    td_check(strtod(s, NULL));
  }
  /* whole floats of every size below 2^53 */
  for (int i = 0; i < 50000; i++) td_check((double)(td_next() >> (11 + td_next() % 53)));
  td_group(NULL);
  td_group("format_double");
  {
    const double fixed[] = {0.0, -0.0, 0.1, 1.0 / 3, 100.0, 123.456, 1e15, 123456789012345.0, 1e16, 1e17, 1e-4,
                            1.5e-4, 1e-5, 0.0001234, 5e-324, 1.7976931348623157e308, -2.5, 72.000716, 5e22,
                            123456.0, 1234567.0, 0.5, -0.001};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) td_check_g(fixed[i]);
    for (int i = 0; i < 50000; i++) {
      double x = td_from_bits(td_next());
      if (isfinite(x)) td_check_g(x);
      char s[40];
      snprintf(s, sizeof s, "%" PRIu64 "e-%d", td_next() % 100000000u, (int)(td_next() % 12));
      td_check_g(strtod(s, NULL));
      td_check_g((double)(td_next() >> (11 + td_next() % 53)));
    }
  }
  td_group(NULL);
  td_group("itoa");
  /* integers: the edges and random ones */
  td_check_itoa(0);
  td_check_itoa(INT64_MAX);
  td_check_itoa(INT64_MIN);
  td_check_itoa(-1);
  for (int i = 0; i < 100000; i++) td_check_itoa((int64_t)(td_next() >> (td_next() % 64)) * (i % 2 ? -1 : 1));
  td_group(NULL);
  /* one test per group; the single checks behind them for the log */
  printf("%d single checks passed, %d failed\n", td_passed, td_failed);
  printf("%d passed, %d failed\n", td_groups_passed, td_groups_failed);
  return td_failed ? 1 : 0;
}
