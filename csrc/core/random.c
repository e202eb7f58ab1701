/* random.c: the deterministic random streams behind sampling and shuffling
 * (xoshiro256** seeded by splitmix64), identical bit for bit on every platform. */
#include "modu_core.h"

#include <math.h>

/* Reproducibility is the point of seeding, so every double produced here
 * must come out the same on every machine. That rules out libm's log (not
 * correctly rounded, and different between libms), hence rnd_log below; it
 * also requires IEEE double evaluation (FLT_EVAL_METHOD 0, as on SSE2 and
 * every 64-bit target) and no fused multiply-add: a contracted a*b+c rounds
 * once instead of twice, so the build passes -ffp-contract=off. */

double modu_rng_det_log(double x); /* exported only so the tests can reach it */

static uint64_t rnd_splitmix64(uint64_t *x) {
  uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static uint64_t rnd_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void modu_rng_seed(modu_rng *r, uint64_t seed) {
  /* splitmix64 is a bijection of its counter, so four consecutive outputs
   * can never all be zero, the one state xoshiro must avoid */
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) r->s[i] = rnd_splitmix64(&x);
}

uint64_t modu_rng_next(modu_rng *r) {
  uint64_t *s = r->s;
  uint64_t out = rnd_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rnd_rotl(s[3], 45);
  return out;
}

double modu_rng_uniform01(modu_rng *r) {
  /* the top 53 bits, the best mixed ones, fill a double's mantissa exactly */
  return (double)(modu_rng_next(r) >> 11) * 0x1.0p-53;
}

/* high and low 64 bits of a 64x64-bit product */
static uint64_t rnd_mul128(uint64_t a, uint64_t b, uint64_t *lo) {
#if defined(__SIZEOF_INT128__)
  __extension__ typedef unsigned __int128 rnd_u128;
  rnd_u128 p = (rnd_u128)a * b;
  *lo = (uint64_t)p;
  return (uint64_t)(p >> 64);
#else
  uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  /* cannot overflow: each part is below 2^32 after the shifts and masks */
  uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
  *lo = (mid << 32) | (p00 & 0xFFFFFFFFu);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/* lo + off in two's complement, without relying on implementation-defined
 * unsigned-to-signed conversion */
static int64_t rnd_offset(int64_t lo, uint64_t off) {
  uint64_t u = (uint64_t)lo + off;
  if (u <= (uint64_t)INT64_MAX) return (int64_t)u;
  return -(int64_t)(UINT64_MAX - u) - 1;
}

int64_t modu_rng_between(modu_rng *r, int64_t lo, int64_t hi) {
  if (lo > hi) {
    int64_t t = lo;
    lo = hi;
    hi = t;
  }
  uint64_t span = (uint64_t)hi - (uint64_t)lo + 1; /* wraps to 0 for the full int64 range */
  if (span == 0) return rnd_offset(lo, modu_rng_next(r));
  /* Lemire: the high word of x*span is uniform on [0, span) once the
   * products whose low word falls below 2^64 mod span are rejected */
  uint64_t low;
  uint64_t high = rnd_mul128(modu_rng_next(r), span, &low);
  if (low < span) {
    uint64_t threshold = (0 - span) % span;
    while (low < threshold) high = rnd_mul128(modu_rng_next(r), span, &low);
  }
  return rnd_offset(lo, high);
}

/* Natural log from +, -, *, / and frexp only, so that it rounds the same
 * everywhere. Write x = 2^k * (1+f) with 1+f in [sqrt(1/2), sqrt(2)); then
 * log(1+f) = 2 atanh(s) with s = f/(2+f), |s| <= 0.1716. Keeping the exact f
 * as the leading term and summing only the small correction from the series
 * keeps the error near 1 ulp: log(1+f) = f - (h - s*(h + R)), h = f*f/2,
 * R = sum 2 s^(2j) / (2j+1). Ten terms put the truncation (s^22/23 relative)
 * below 2^-60. */
static double rnd_log(double x) {
  if (!(x > 0)) return x == 0 ? -HUGE_VAL : NAN;
  if (isinf(x)) return x;
  /* ln 2 split so that k * hi is exact for every binary exponent k */
  const double ln2_hi = 0x1.62e42fee00000p-1, ln2_lo = 0x1.a39ef35793c76p-33;
  int k;
  double m = frexp(x, &k);
  if (m < 0x1.6a09e667f3bcdp-1) { /* sqrt(1/2) */
    m *= 2;
    k--;
  }
  double f = m - 1; /* exact: m is within a factor of 2 of 1 */
  double s = f / (2 + f), z = s * s;
  double R = z * (2.0 / 3 + z * (2.0 / 5 + z * (2.0 / 7 + z * (2.0 / 9 + z * (2.0 / 11 +
             z * (2.0 / 13 + z * (2.0 / 15 + z * (2.0 / 17 + z * (2.0 / 19 + z * (2.0 / 21))))))))));
  double h = 0.5 * f * f;
  double dk = (double)k;
  return dk * ln2_hi - ((h - (s * (h + R) + dk * ln2_lo)) - f);
}

double modu_rng_det_log(double x) { return rnd_log(x); }

double modu_rng_normal(modu_rng *r) {
  /* Marsaglia's polar method yields two normals per accepted pair; the
   * second is discarded rather than cached so that the generator stays its
   * four state words and every draw, normal or not, is a function of those
   * alone: mixing normal and uniform draws cannot reorder a stream. */
  double u, v, s;
  do {
    u = 2 * modu_rng_uniform01(r) - 1;
    v = 2 * modu_rng_uniform01(r) - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  return u * sqrt(-2 * rnd_log(s) / s);
}
