/* Shortest round-trip decimal digits of a double, by exact interval tests on
 * a 128-bit scaled product (Giulietti's Schubfach method), and the text CSV
 * writes for a float or an integer. */
#include "dtoa.h"

#include <stdbool.h>
#include <string.h>

#include "pow10_table.h"

/* floor(log10(2^q)), floor(log10(3/4 2^q)), floor(log2(10^e)) for the
 * exponents of doubles; gen_pow10.py checks them over that whole range */
static int dtoa_flog10pow2(int q) { return (int)(((int64_t)q * 1292913987) >> 32); }
static int dtoa_flog10threequarterspow2(int q) { return (int)(((int64_t)q * 1292913987 - 536607788) >> 32); }
static int dtoa_flog2pow10(int e) { return (int)(((int64_t)e * 3566893131) >> 30); }

/* the 128-bit product of a and b as { high, low } */
static void dtoa_mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo) {
#if defined(__SIZEOF_INT128__) && !defined(MODU_DTOA_NO_INT128)
  unsigned __int128 p = (unsigned __int128)a * b;
  *hi = (uint64_t)(p >> 64);
  *lo = (uint64_t)p;
#else /* four 32-bit products */
  uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
  *lo = (mid << 32) | (p00 & 0xffffffffu);
  *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/* g * cp / 2^128 rounded to odd: truncated, with the lowest bit set when
 * the 64 bits below the cut are not all zero, so comparisons against it stay
 * exact. The bits below those are left out: g is 10^-k rounded up, and what
 * that adds to the product never reaches them (Schubfach's analysis). */
static uint64_t dtoa_rop(const uint64_t g[2], uint64_t cp) {
  uint64_t lo_hi, lo_lo, hi_hi, hi_lo;
  dtoa_mul64(g[1], cp, &lo_hi, &lo_lo);
  dtoa_mul64(g[0], cp, &hi_hi, &hi_lo);
  (void)lo_lo;
  /* (g cp) >> 64 = hi + lo_hi, as { hi_hi, mid }; no overflow: g[0] cp < 2^124 */
  uint64_t mid = hi_lo + lo_hi;
  uint64_t top = hi_hi + (mid < hi_lo);
  return top | (mid != 0);
}

static int dtoa_count(uint64_t d) {
  int n = 1;
  while (d >= 10) {
    d /= 10;
    n++;
  }
  return n;
}

int modu_dtoa_shortest(double x, uint64_t *digits, int *exp10) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  uint64_t frac = bits & ((UINT64_C(1) << 52) - 1);
  int bexp = (int)((bits >> 52) & 0x7ff);
  uint64_t c;
  int q;
  if (bexp) {
    c = frac | UINT64_C(1) << 52;
    q = bexp - 1075;
    /* a whole number below 2^53 is its own shortest form */
    if (q <= 0 && q > -53 && (c & ((UINT64_C(1) << -q) - 1)) == 0) {
      uint64_t d = c >> -q;
      int e = 0;
      while (d % 10 == 0) {
        d /= 10;
        e++;
      }
      *digits = d;
      *exp10 = e;
      return dtoa_count(d);
    }
  } else {
    c = frac;
    q = -1074;
  }
  /* x = c 2^q. The doubles that read back to x are those in the interval
   * between the midpoints to its neighbours, both ends included when c is
   * even (ties round to even). Below, everything is in units of 2^q / 4:
   * cb = x, cbl and cbr the ends. The gap below is half as wide when x is a
   * power of two above the smallest normal. */
  bool out = c & 1;
  uint64_t cb = c << 2, cbr = cb + 2, cbl;
  int k;
  if (frac != 0 || bexp <= 1) {
    cbl = cb - 2;
    k = dtoa_flog10pow2(q);
  } else {
    cbl = cb - 1;
    k = dtoa_flog10threequarterspow2(q);
  }
  /* scaled by 10^-k: s = floor(x / 10^k) has 16 or 17 digits for a normal x,
   * and 10^k is no wider than the interval */
  int h = q + dtoa_flog2pow10(-k) + 1; /* 1..4 */
  const uint64_t *g = dtoa_pow10[k - DTOA_K_MIN];
  uint64_t vb = dtoa_rop(g, cb << h), vbl = dtoa_rop(g, cbl << h), vbr = dtoa_rop(g, cbr << h);
  uint64_t s = vb >> 2, d;
  int e = k;
  /* one digit fewer: the interval is narrower than 10^(k+1), so at most one
   * multiple of it lies inside, and if so, that is the shortest form */
  uint64_t sp10 = s / 10 * 10, tp10 = sp10 + 10;
  bool upin = vbl + out <= sp10 << 2, wpin = (tp10 << 2) + out <= vbr;
  if (s >= 10 && upin != wpin) {
    d = upin ? sp10 : tp10;
  } else {
    uint64_t t = s + 1;
    bool uin = vbl + out <= s << 2, win = (t << 2) + out <= vbr;
    if (uin != win) {
      d = uin ? s : t;
    } else { /* both read back (or, for subnormals, neither is closer): the nearer one, ties to even */
      int64_t cmp = (int64_t)(vb - ((s + t) << 1));
      d = cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t;
    }
  }
  while (d % 10 == 0) {
    d /= 10;
    e++;
  }
  *digits = d;
  *exp10 = e;
  return dtoa_count(d);
}

static const char dtoa_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* d's n digits into p */
static void dtoa_digits(uint64_t d, int n, char *p) {
  char *q = p + n;
  while (d >= 100) {
    unsigned r = (unsigned)(d % 100);
    d /= 100;
    q -= 2;
    memcpy(q, dtoa_pairs + 2 * r, 2);
  }
  if (d >= 10) {
    q -= 2;
    memcpy(q, dtoa_pairs + 2 * d, 2);
  } else {
    *--q = (char)('0' + d);
  }
}

int modu_itoa(int64_t v, char *buf) {
  uint64_t u = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
  int n = 0;
  if (v < 0) buf[n++] = '-';
  int nd = dtoa_count(u);
  dtoa_digits(u, nd, buf + n);
  return n + nd;
}

int modu_dtoa_format(double x, char *buf) {
  if (x != x) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    if (bits >> 63) { /* x86's 0/0 is -nan */
      memcpy(buf, "-nan", 4);
      return 4;
    }
    memcpy(buf, "nan", 3);
    return 3;
  }
  int n = 0;
  if (x < 0 || (x == 0 && 1 / x < 0)) {
    buf[n++] = '-';
    x = -x;
  }
  if (x == 0) {
    memcpy(buf + n, "0.0", 3);
    return n + 3;
  }
  if (x > 1.7976931348623157e308) {
    memcpy(buf + n, "inf", 3);
    return n + 3;
  }
  uint64_t d;
  int e;
  int nd = modu_dtoa_shortest(x, &d, &e);
  int x10 = e + nd - 1; /* the exponent of the first digit */
  int limit = nd > 15 ? nd : 15;
  char *p = buf + n;
  if (x10 < -4 || x10 >= limit) { /* d.ddde+XX */
    dtoa_digits(d, nd, p + 1);
    p[0] = p[1];
    int len = 1;
    if (nd > 1) {
      p[1] = '.';
      len = nd + 1;
    }
    p[len++] = 'e';
    p[len++] = x10 < 0 ? '-' : '+';
    unsigned ax = (unsigned)(x10 < 0 ? -x10 : x10);
    if (ax >= 100) {
      p[len++] = (char)('0' + ax / 100);
      ax %= 100;
    }
    memcpy(p + len, dtoa_pairs + 2 * ax, 2);
    return n + len + 2;
  }
  if (x10 >= nd - 1) { /* whole: digits, zeros, ".0" */
    dtoa_digits(d, nd, p);
    memset(p + nd, '0', (size_t)(x10 + 1 - nd));
    memcpy(p + x10 + 1, ".0", 2);
    return n + x10 + 3;
  }
  if (x10 >= 0) { /* ddd.ddd */
    dtoa_digits(d, nd, p + 1);
    memmove(p, p + 1, (size_t)x10 + 1);
    p[x10 + 1] = '.';
    return n + nd + 1;
  }
  /* 0.000ddd */
  int z = -x10 - 1;
  p[0] = '0';
  p[1] = '.';
  memset(p + 2, '0', (size_t)z);
  dtoa_digits(d, nd, p + 2 + z);
  return n + 2 + z + nd;
}
