/* Descriptive statistics and association: compensated sums, two-pass moments,
 * Hyndman-Fan quantiles by selection, ranks, Pearson/Spearman/Kendall, modes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* ---- summation ----
 * Sums run over blocks of ST_BLOCK values with independent lanes (so the CPU
 * overlaps the additions), and the block totals go into a Neumaier
 * accumulator: the error stays near that of compensated summation while the
 * inner loop runs at the speed of a plain one. */
#define ST_BLOCK 256

typedef struct st_acc {
  double s, c;
} st_acc;

static void st_add(st_acc *a, double v) {
  double t = a->s + v;
  a->c += fabs(a->s) >= fabs(v) ? (a->s - t) + v : (v - t) + a->s;
  a->s = t;
}

/* once the sum is inf or NaN the correction is NaN: report what IEEE gives */
static double st_total(const st_acc *a) { return isfinite(a->s) ? a->s + a->c : a->s; }

bool modu_stats_numeric(const modu_column *c) {
  return c->type == MODU_INT || c->type == MODU_FLOAT || c->type == MODU_BOOL;
}

static double st_num(const modu_column *c, int64_t i) {
  switch (c->type) {
    case MODU_FLOAT: return MODU_F64(c)[i];
    case MODU_INT: return (double)MODU_I64(c)[i];
    default: return MODU_U8(c)[i];
  }
}

int64_t modu_stats_gather(const modu_column *c, double *out) {
  int64_t m = 0;
  if (c->type == MODU_FLOAT && !c->valid) {
    memcpy(out, c->data, (size_t)c->len * sizeof *out);
    return c->len;
  }
  for (int64_t i = 0; i < c->len; i++)
    if (!modu_col_isna(c, i)) out[m++] = st_num(c, i);
  return m;
}

int64_t modu_stats_gather2(const modu_column *a, const modu_column *b, double *x, double *y) {
  int64_t m = 0;
  for (int64_t i = 0; i < a->len; i++) {
    if (modu_col_isna(a, i) || modu_col_isna(b, i)) continue;
    x[m] = st_num(a, i);
    y[m++] = st_num(b, i);
  }
  return m;
}

/* plain sums in four lanes per block, compensated across blocks: fast, and
 * what a first mean needs where a second pass corrects it (cor) */
static double st_sum_fast(const double *x, int64_t n) {
  st_acc acc = {0, 0};
  for (int64_t i = 0; i < n; i += ST_BLOCK) {
    int64_t end = i + ST_BLOCK < n ? i + ST_BLOCK : n, j = i;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (; j + 4 <= end; j += 4) {
      s0 += x[j];
      s1 += x[j + 1];
      s2 += x[j + 2];
      s3 += x[j + 3];
    }
    for (; j < end; j++) s0 += x[j];
    st_add(&acc, (s0 + s1) + (s2 + s3));
  }
  return st_total(&acc);
}

/* every addition an exact TwoSum (Knuth, branch-free), in four lanes: the
 * sum as if accumulated in twice the working precision, then rounded, however
 * the values spread, so a mean from it is correctly rounded but in rare ties */
double modu_stats_sum(const double *x, int64_t n) {
  double s[4] = {0, 0, 0, 0}, c[4] = {0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 4 <= n; j += 4)
    for (int l = 0; l < 4; l++) {
      double v = x[j + l], t = s[l] + v, z = t - s[l];
      c[l] += (s[l] - (t - z)) + (v - z);
      s[l] = t;
    }
  for (; j < n; j++) {
    double v = x[j], t = s[0] + v, z = t - s[0];
    c[0] += (s[0] - (t - z)) + (v - z);
    s[0] = t;
  }
  st_acc acc = {0, 0};
  for (int l = 0; l < 4; l++) st_add(&acc, s[l]);
  if (!isfinite(acc.s)) return acc.s; /* an inf or NaN (the corrections are NaN then) */
  for (int l = 0; l < 4; l++) st_add(&acc, c[l]);
  return st_total(&acc);
}

/* ---- values out of the comfortable range ----
 * Squares of values beyond 1e154 overflow and those below 1e-154 underflow,
 * and a sum of values near DBL_MAX overflows although their mean does not.
 * The fast paths notice (a non-finite or tiny result) and redo the work on
 * the values times a power of two (exact), then undo the scaling. */
#define ST_TINY 0x1p-900

static bool st_all_finite(const double *x, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    if (!isfinite(x[i])) return false;
  return true;
}

/* 2^k that brings max |x| (present rows) into [0.5, 1); 1 for all zeros */
static double st_unit_scale(const double *x, const uint8_t *ok, int64_t n) {
  double big = 0;
  for (int64_t i = 0; i < n; i++)
    if ((!ok || ok[i]) && fabs(x[i]) > big) big = fabs(x[i]);
  if (!(big > 0) || !isfinite(big)) return 1;
  int e;
  frexp(big, &e);
  return ldexp(1, e < -1000 ? 1000 : -e);
}

/* the mean of x * s (present rows), with one correction pass; *m: count */
static double st_mean_scaled(const double *x, const uint8_t *ok, int64_t n, double s, int64_t *m) {
  st_acc a = {0, 0}, c = {0, 0};
  int64_t k = 0;
  for (int64_t i = 0; i < n; i++)
    if (!ok || ok[i]) st_add(&a, x[i] * s), k++;
  *m = k;
  if (k == 0) return NAN;
  double mean = st_total(&a) / (double)k;
  for (int64_t i = 0; i < n; i++)
    if (!ok || ok[i]) st_add(&c, x[i] * s - mean);
  return mean + st_total(&c) / (double)k;
}

/* sums of d, d^2, d^3, d^4 over d = x * s - ms (present rows) */
static void st_powers_scaled(const double *x, const uint8_t *ok, int64_t n, double s, double ms, double out[4]) {
  st_acc a[4] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
  for (int64_t i = 0; i < n; i++) {
    if (ok && !ok[i]) continue;
    double d = x[i] * s - ms, d2 = d * d;
    st_add(&a[0], d);
    st_add(&a[1], d2);
    st_add(&a[2], d2 * d);
    st_add(&a[3], d2 * d2);
  }
  for (int k = 0; k < 4; k++) out[k] = st_total(&a[k]);
}

double modu_stats_mean(const double *x, int64_t n) {
  if (n <= 0) return NAN;
  double m = modu_stats_sum(x, n) / (double)n;
  if (isfinite(m) || isnan(m) || !st_all_finite(x, n)) return m;
  /* finite values whose sum (or spread) overflows */
  int64_t k;
  double s = st_unit_scale(x, NULL, n);
  return st_mean_scaled(x, NULL, n, s, &k) / s;
}

/* sums of d = x - m, d^2 (and d^3, d^4 when want4) in one pass */
static void st_dev_powers(const double *x, int64_t n, double m, bool want4, double out[4]) {
  st_acc a[4] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
  for (int64_t i = 0; i < n; i += ST_BLOCK) {
    int64_t end = i + ST_BLOCK < n ? i + ST_BLOCK : n;
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0, t1 = 0, t2 = 0;
    int64_t j = i;
    if (want4) {
      for (; j < end; j++) {
        double d = x[j] - m, d2 = d * d;
        s1 += d;
        s2 += d2;
        s3 += d2 * d;
        s4 += d2 * d2;
      }
    } else {
      for (; j + 2 <= end; j += 2) {
        double d = x[j] - m, e = x[j + 1] - m;
        s1 += d;
        s2 += d * d;
        t1 += e;
        t2 += e * e;
      }
      for (; j < end; j++) {
        double d = x[j] - m;
        s1 += d;
        s2 += d * d;
      }
    }
    st_add(&a[0], s1 + t1);
    st_add(&a[1], s2 + t2);
    st_add(&a[2], s3);
    st_add(&a[3], s4);
  }
  for (int k = 0; k < 4; k++) out[k] = st_total(&a[k]);
}

double modu_stats_ssd(const double *x, int64_t n, double mean) {
  double s[4];
  st_dev_powers(x, n, mean, false, s);
  /* the corrected two-pass formula: the second term removes what an
   * inexact mean adds */
  return s[1] - s[0] * s[0] / (double)n;
}

/* variance (sd: its square root) of finite values whose squared deviations
 * overflow or underflow: on the scaled values */
static double st_var_scaled(const double *x, int64_t n, double ddof, bool sd) {
  int64_t k;
  double s = st_unit_scale(x, NULL, n), ms = st_mean_scaled(x, NULL, n, s, &k), p[4];
  st_powers_scaled(x, NULL, n, s, ms, p);
  double v = (p[1] - p[0] * p[0] / (double)n) / ((double)n - ddof);
  return sd ? sqrt(v) / s : v / s / s;
}

static double st_var_sd(const double *x, int64_t n, double ddof, bool sd) {
  if (!((double)n - ddof > 0)) return NAN;
  double v = modu_stats_ssd(x, n, modu_stats_mean(x, n)) / ((double)n - ddof);
  if ((v >= ST_TINY && isfinite(v)) || !st_all_finite(x, n)) return sd ? sqrt(v) : v;
  return st_var_scaled(x, n, ddof, sd);
}

double modu_stats_var(const double *x, int64_t n, double ddof) { return st_var_sd(x, n, ddof, false); }
double modu_stats_sd(const double *x, int64_t n, double ddof) { return st_var_sd(x, n, ddof, true); }

/* central moments m2, m3, m4 from the sums of d = x - m (or of the scaled
 * values): with delta = mean(d), the error of m, sum (d - delta)^k expands
 * into the sums of d^j, which removes the first mean's error from every
 * moment and not only from m2 */
static void st_central(const double p[4], double dn, double *m2, double *m3, double *m4) {
  double dl = p[0] / dn, d2 = dl * dl;
  *m2 = (p[1] - p[0] * dl) / dn;
  *m3 = (p[2] - 3 * dl * p[1] + 2 * dn * d2 * dl) / dn;
  *m4 = (p[3] - 4 * dl * p[2] + 6 * d2 * p[1] - 3 * dn * d2 * d2) / dn;
}

void modu_stats_shape(const double *x, int64_t n, bool adjusted, double *skew, double *kurt) {
  *skew = *kurt = NAN;
  if (n < 1) return;
  double m = modu_stats_mean(x, n), s[4], dn = (double)n, m2, m3, m4;
  st_dev_powers(x, n, m, true, s);
  st_central(s, dn, &m2, &m3, &m4);
  if (!(m2 >= ST_TINY && isfinite(m4) && isfinite(m3)) && st_all_finite(x, n)) {
    /* the ratios do not depend on the scale */
    int64_t k;
    double sc = st_unit_scale(x, NULL, n), ms = st_mean_scaled(x, NULL, n, sc, &k);
    st_powers_scaled(x, NULL, n, sc, ms, s);
    st_central(s, dn, &m2, &m3, &m4);
  }
  if (!(m2 > 0)) return; /* NaN, or all values equal: no shape */
  double g1 = m3 / (m2 * sqrt(m2)), g2 = m4 / (m2 * m2) - 3;
  if (!adjusted) {
    *skew = g1;
    *kurt = g2;
    return;
  }
  if (n >= 3) *skew = g1 * sqrt(dn * (dn - 1)) / (dn - 2);
  if (n >= 4) *kurt = ((dn + 1) * g2 + 6) * (dn - 1) / ((dn - 2) * (dn - 3));
}

/* ---- quantiles ---- */

/* the quantile as (1 - h) x_(j) + h x_(j+1), 1-based order statistics with
 * x_(0) = x_(1) and x_(n+1) = x_(n) (Hyndman & Fan 1996) */
static void st_quantile_pos(int64_t n, double p, int type, int64_t *jo, double *ho) {
  const double fuzz = 4 * 2.220446049250313e-16;
  double dn = (double)n, nppm, j, h;
  if (type <= 3) {
    nppm = type == 3 ? dn * p - 0.5 : dn * p;
    j = floor(nppm + fuzz * fmax(1, fabs(nppm)));
    /* within rounding of an integer, np is that integer: 10 * 0.7 is 7 */
    bool at_int = fabs(nppm - j) <= fuzz * fmax(1, fabs(nppm));
    bool above = !at_int && nppm > j;
    if (type == 1) h = above;
    else if (type == 2) h = above ? 1 : 0.5;
    else h = above || fmod(j, 2) != 0;
  } else {
    static const double ab[6][2] = {{0, 1}, {0.5, 0.5}, {0, 0}, {1, 1}, {1.0 / 3, 1.0 / 3}, {3.0 / 8, 3.0 / 8}};
    double a = ab[type - 4][0], b = ab[type - 4][1];
    nppm = a + p * (dn + 1 - a - b);
    j = floor(nppm + fuzz);
    h = nppm - j;
    if (fabs(h) < fuzz) h = 0;
  }
  if (j < 0) j = 0;
  if (j > dn) j = dn;
  *jo = (int64_t)j;
  *ho = h;
}

static double st_combine(double a, double b, double h) {
  if (h == 0) return a;
  if (h == 1 || a == b) return h == 1 ? b : a;
  return (1 - h) * a + h * b;
}

static int st_cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static void st_swap(double *a, double *b) {
  double t = *a;
  *a = *b;
  *b = t;
}

/* puts each 0-based rank of ks (sorted, distinct, within [lo, hi]) in place.
 * A rank next to one already placed is the minimum (or maximum) of the part
 * beside it: one scan, no second selection (type 7 needs x(j) and x(j+1)). */
static void st_multiselect(double *v, int64_t lo, int64_t hi, const int64_t *ks, int64_t nk) {
  while (nk > 0 && lo < hi) {
    int64_t mid = nk / 2, k = ks[mid];
    modu_select_kth(v + lo, hi - lo + 1, k - lo);
    int64_t lk = mid; /* ranks left of k: ks[0 .. lk) */
    if (lk > 0 && ks[lk - 1] == k - 1) {
      int64_t best = lo;
      for (int64_t i = lo + 1; i < k; i++)
        if (v[i] > v[best]) best = i;
      st_swap(&v[best], &v[k - 1]);
      lk--;
    }
    st_multiselect(v, lo, k - 1 - (lk < mid), ks, lk);
    ks += mid + 1;
    nk -= mid + 1;
    lo = k + 1;
    if (nk > 0 && ks[0] == k + 1 && lo < hi) {
      int64_t best = lo;
      for (int64_t i = lo + 1; i <= hi; i++)
        if (v[i] < v[best]) best = i;
      st_swap(&v[best], &v[lo]);
      ks++;
      nk--;
      lo++;
    }
  }
}

static bool st_has_nan(const double *x, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    if (isnan(x[i])) return true;
  return false;
}

/* the 0-based ranks the quantiles read (sorted, distinct); at most 2 per p */
static int64_t st_quantile_ranks(int64_t n, const double *p, int np, int type, int64_t *ks) {
  int64_t nk = 0;
  for (int k = 0; k < np; k++) {
    int64_t j;
    double h;
    st_quantile_pos(n, p[k], type, &j, &h);
    ks[nk++] = (j < 1 ? 1 : j > n ? n : j) - 1;
    if (h != 0) ks[nk++] = (j + 1 > n ? n : j + 1 < 1 ? 1 : j + 1) - 1;
  }
  qsort(ks, (size_t)nk, sizeof *ks, st_cmp_i64);
  int64_t m = 0;
  for (int64_t i = 0; i < nk; i++)
    if (m == 0 || ks[i] != ks[m - 1]) ks[m++] = ks[i];
  return m;
}

/* the quantiles from order statistics stat[r] of the 0-based ranks ks */
static void st_quantile_out(int64_t n, const double *p, int np, int type, const int64_t *ks, int64_t nk,
                            const double *stat, double *out) {
  for (int k = 0; k < np; k++) {
    int64_t j;
    double h;
    st_quantile_pos(n, p[k], type, &j, &h);
    double v[2];
    for (int t = 0; t < (h != 0 ? 2 : 1); t++) {
      int64_t r = (j + t < 1 ? 1 : j + t > n ? n : j + t) - 1, a = 0, b = nk - 1;
      while (a < b) { /* ks is sorted and holds r */
        int64_t m = (a + b) / 2;
        if (ks[m] < r) a = m + 1;
        else b = m;
      }
      v[t] = stat[a];
    }
    out[k] = st_combine(v[0], h != 0 ? v[1] : 0, h);
  }
}

void modu_stats_quantiles(double *x, int64_t n, const double *p, int np, int type, double *out) {
  if (n <= 0 || st_has_nan(x, n)) {
    for (int k = 0; k < np; k++) out[k] = NAN;
    return;
  }
  int64_t stack_ks[64], *ks = np <= 32 ? stack_ks : malloc((size_t)np * 2 * sizeof *ks);
  double stack_st[64], *st = np <= 32 ? stack_st : malloc((size_t)np * 2 * sizeof *st);
  if (!ks || !st) {
    if (ks != stack_ks) free(ks);
    if (st != stack_st) free(st);
    for (int k = 0; k < np; k++) out[k] = modu_stats_quantile(x, n, p[k], type);
    return;
  }
  int64_t nk = st_quantile_ranks(n, p, np, type, ks);
  st_multiselect(x, 0, n - 1, ks, nk);
  for (int64_t i = 0; i < nk; i++) st[i] = x[ks[i]];
  st_quantile_out(n, p, np, type, ks, nk, st, out);
  if (ks != stack_ks) free(ks);
  if (st != stack_st) free(st);
}

/* ---- quantiles straight from a column: sampling selection ----
 * Selection on a copy touches the whole column twice and, for a large one,
 * a fresh buffer of its size. Instead (after Floyd and Rivest): a random
 * sample, sorted, brackets each wanted rank between two sample values with a
 * wide margin; one pass over the column counts the values below each
 * bracket and copies only those inside it; selection then runs on those few.
 * A bracket that missed its rank (about one chance in 1e15), or that fills
 * up, sends the work to the plain copy. Results are exact either way. */

#define ST_SAMPLE 32768
#define ST_BAND_MAX 16

typedef struct st_src {
  const modu_column *c;
  bool absdev; /* read |x - center| instead of x */
  double center;
} st_src;

static double st_src_val(const st_src *s, int64_t i) {
  double v = st_num(s->c, i);
  return s->absdev ? fabs(v - s->center) : v;
}

/* all present values into a new buffer; -1 on OOM */
static int st_src_copy(const st_src *s, double **out, int64_t *n) {
  *out = malloc((s->c->len ? (size_t)s->c->len : 1) * sizeof **out);
  if (!*out) return -1;
  int64_t m = 0;
  for (int64_t i = 0; i < s->c->len; i++)
    if (!modu_col_isna(s->c, i)) (*out)[m++] = st_src_val(s, i);
  *n = m;
  return 0;
}

typedef struct st_band {
  double lo, hi;      /* values in [lo, hi] are copied */
  int64_t r0, r1;     /* the ranks it must hold: ks[r0 .. r1] */
  int64_t below, cap, m;
  double *v;
} st_band;

/* 1: the bands held every rank (stat filled); 0: use the copy; -1: OOM */
static int st_band_select(const st_src *s, int64_t n, const int64_t *ks, int64_t nk, double *stat, bool *nan) {
  if (nk == 0 || nk > ST_BAND_MAX) return 0;
  double *sample = malloc(ST_SAMPLE * sizeof *sample);
  if (!sample) return -1;
  modu_rng rng;
  modu_rng_seed(&rng, 0x5eed);
  int64_t ms = 0;
  for (int t = 0; t < ST_SAMPLE * 2 && ms < ST_SAMPLE; t++) {
    int64_t i = modu_rng_between(&rng, 0, s->c->len - 1);
    if (modu_col_isna(s->c, i)) continue;
    double v = st_src_val(s, i);
    if (isnan(v)) {
      free(sample);
      *nan = true;
      return 1;
    }
    sample[ms++] = v;
  }
  if (ms < ST_SAMPLE / 2) {
    free(sample);
    return 0;
  }
  /* a rank's place in the sample has sd sqrt(ms p (1 - p)) <= sqrt(ms) / 2:
   * a margin of 4 sqrt(ms) is 8 of those. The sample values at the band
   * edges come by selection within the sample, not by sorting it. */
  int64_t margin = (int64_t)(4 * sqrt((double)ms)) + 2, edges[2 * ST_BAND_MAX] = {0}, ne = 0;
  int64_t lo_of[ST_BAND_MAX], hi_of[ST_BAND_MAX];
  for (int64_t i = 0; i < nk; i++) {
    double pos = (double)ks[i] / (double)n * (double)ms;
    lo_of[i] = (int64_t)pos - margin;
    hi_of[i] = (int64_t)pos + margin + 1;
    if (lo_of[i] > 0) edges[ne++] = lo_of[i];
    if (hi_of[i] < ms) edges[ne++] = hi_of[i];
  }
  qsort(edges, (size_t)ne, sizeof *edges, st_cmp_i64);
  int64_t nu = 0;
  for (int64_t i = 0; i < ne; i++)
    if (nu == 0 || edges[i] != edges[nu - 1]) edges[nu++] = edges[i];
  st_multiselect(sample, 0, ms - 1, edges, nu);
  st_band b[ST_BAND_MAX];
  int nb = 0;
  for (int64_t i = 0; i < nk; i++) {
    int64_t lo = lo_of[i], hi = hi_of[i];
    double vlo = lo <= 0 ? -INFINITY : sample[lo], vhi = hi >= ms ? INFINITY : sample[hi];
    if (nb > 0 && vlo <= b[nb - 1].hi) { /* overlaps the last: widen it */
      b[nb - 1].hi = fmax(b[nb - 1].hi, vhi);
      b[nb - 1].r1 = i;
      b[nb - 1].cap += hi - lo;
      continue;
    }
    b[nb++] = (st_band){vlo, vhi, i, i, 0, hi - lo, 0, NULL};
  }
  free(sample);
  /* capacity: the expected count with a quarter to spare (its sd is about
   * 1 / sqrt(2 margin), 3 %, of it) */
  int64_t total = 0;
  for (int k = 0; k < nb; k++) {
    b[k].cap = (int64_t)((double)b[k].cap / (double)ms * (double)n * 1.25) + 1024;
    total += b[k].cap;
  }
  if ((double)total > 0.5 * (double)n) return 0; /* the bands would be most of it: copy */
  double *buf = malloc((size_t)total * sizeof *buf);
  if (!buf) return -1;
  double *at = buf;
  for (int k = 0; k < nb; k++) {
    b[k].v = at;
    at += b[k].cap;
  }
  int rc = 1;
  if (nb == 1 && s->c->type == MODU_FLOAT && !s->c->valid && !s->absdev) {
    /* the common case (one band: a median, a quantile) without branches
     * that half the values would mispredict */
    const double *x = MODU_F64(s->c), lo = b[0].lo, hi = b[0].hi;
    int64_t below = 0, m = 0, cap = b[0].cap, nans = 0;
    double *dst = b[0].v;
    for (int64_t i = 0; i < s->c->len; i++) {
      double v = x[i];
      below += v < lo;
      nans += v != v;
      /* stored whether in the band or not, kept only if it is: no branch
       * on the data (for a median, v < lo is a coin toss) */
      dst[m] = v;
      m += (v >= lo) & (v <= hi);
      if (m == cap) {
        rc = 0;
        break;
      }
    }
    b[0].below = below;
    b[0].m = m;
    if (nans) *nan = true;
  } else {
    /* the same with several bands: k = the first band whose top is not
     * below v (nb when none: a sink band whose bottom, NaN, admits nothing) */
    double lo[ST_BAND_MAX + 1], hi[ST_BAND_MAX], sink = 0;
    int64_t below[ST_BAND_MAX + 1] = {0}, m[ST_BAND_MAX + 1] = {0}, cap[ST_BAND_MAX + 1], nans = 0;
    double *dst[ST_BAND_MAX + 1];
    for (int k = 0; k < nb; k++) lo[k] = b[k].lo, hi[k] = b[k].hi, cap[k] = b[k].cap, dst[k] = b[k].v;
    lo[nb] = NAN;
    cap[nb] = INT64_MAX;
    dst[nb] = &sink;
    for (int64_t i = 0; i < s->c->len; i++) {
      if (modu_col_isna(s->c, i)) continue;
      double v = st_src_val(s, i);
      nans += v != v;
      int k = 0;
      for (int j = 0; j < nb; j++) k += v > hi[j];
      int in = v >= lo[k];
      dst[k][m[k]] = v;
      m[k] += in;
      below[k] += !in;
      if (m[k] == cap[k]) {
        rc = 0;
        break;
      }
    }
    for (int k = 0; k < nb; k++) b[k].below = below[k], b[k].m = m[k];
    if (nans) *nan = true;
  }
  /* each band's count of values below it; every rank must fall inside */
  int64_t acc = 0;
  for (int k = 0; k < nb && rc == 1; k++) {
    acc += b[k].below;
    int64_t first = acc, last = acc + b[k].m - 1;
    if (ks[b[k].r0] < first || ks[b[k].r1] > last) rc = 0;
    b[k].below = first;
    acc += b[k].m;
  }
  if (rc == 1 && !*nan) {
    for (int k = 0; k < nb; k++) {
      int64_t cnt = b[k].r1 - b[k].r0 + 1, rel[2 * 64], *r = cnt <= 128 ? rel : malloc((size_t)cnt * sizeof *r);
      if (!r) {
        rc = -1;
        break;
      }
      for (int64_t i = 0; i < cnt; i++) r[i] = ks[b[k].r0 + i] - b[k].below;
      st_multiselect(b[k].v, 0, b[k].m - 1, r, cnt);
      for (int64_t i = 0; i < cnt; i++) stat[b[k].r0 + i] = b[k].v[r[i]];
      if (r != rel) free(r);
    }
  }
  free(buf);
  return rc;
}

int modu_stats_quantiles_col(const modu_column *c, bool absdev, double center, const double *p, int np, int type,
                             double *out, int64_t *present, modu_err *e) {
  int64_t n = c->len - modu_col_count_na(c);
  *present = n;
  if (n == 0) {
    for (int k = 0; k < np; k++) out[k] = NAN;
    return 0;
  }
  int64_t *ks = malloc((size_t)np * 2 * sizeof *ks);
  double *stat = malloc((size_t)np * 2 * sizeof *stat);
  if (!ks || !stat) {
    free(ks);
    free(stat);
    return modu_errf(e, "out of memory");
  }
  int64_t nk = st_quantile_ranks(n, p, np, type, ks);
  st_src src = {c, absdev, center};
  bool nan = false;
  int rc = n >= 100000 ? st_band_select(&src, n, ks, nk, stat, &nan) : 0;
  if (rc == 0) {
    double *v;
    int64_t m;
    if (st_src_copy(&src, &v, &m)) {
      rc = -1;
    } else {
      nan = st_has_nan(v, m);
      if (!nan) {
        st_multiselect(v, 0, m - 1, ks, nk);
        for (int64_t i = 0; i < nk; i++) stat[i] = v[ks[i]];
      }
      free(v);
      rc = 1;
    }
  }
  if (rc < 0) {
    free(ks);
    free(stat);
    return modu_errf(e, "out of memory");
  }
  if (nan) {
    for (int k = 0; k < np; k++) out[k] = NAN;
  } else {
    st_quantile_out(n, p, np, type, ks, nk, stat, out);
  }
  free(ks);
  free(stat);
  return 0;
}

double modu_stats_quantile(double *x, int64_t n, double p, int type) {
  if (n <= 0 || st_has_nan(x, n)) return NAN;
  int64_t j;
  double h;
  st_quantile_pos(n, p, type, &j, &h);
  int64_t a = j < 1 ? 1 : j > n ? n : j;
  double lo = modu_select_kth(x, n, a - 1);
  if (h == 0) return lo;
  double hi = lo;
  if (a < n && j >= 1) {
    /* x_(a+1) is the smallest of the part above a */
    hi = x[a];
    for (int64_t i = a + 1; i < n; i++)
      if (x[i] < hi) hi = x[i];
  }
  return st_combine(lo, hi, h);
}

double modu_stats_mad(double *x, int64_t n, double constant) {
  if (n <= 0) return NAN;
  double med = modu_stats_quantile(x, n, 0.5, 7);
  if (isnan(med)) return NAN;
  for (int64_t i = 0; i < n; i++) x[i] = fabs(x[i] - med);
  return constant * modu_stats_quantile(x, n, 0.5, 7);
}

/* acf on the present rows of x * s, by the same correction as the moments:
 * with d = x s - m and delta = mean(d), the lagged products of d - delta
 * expand into those of d, the sums of d over each end of the pairs and
 * delta itself */
static double st_acf_general(const double *x, const uint8_t *ok, int64_t n, int64_t lag, double s) {
  int64_t m;
  double mean = st_mean_scaled(x, ok, n, s, &m);
  if (m == 0) return NAN;
  st_acc d1 = {0, 0}, d2 = {0, 0}, num = {0, 0}, ends = {0, 0};
  int64_t pairs = 0;
  for (int64_t i = 0; i < n; i++) {
    if (ok && !ok[i]) continue;
    double d = x[i] * s - mean;
    st_add(&d1, d);
    st_add(&d2, d * d);
  }
  for (int64_t i = lag; i < n; i++) {
    if (ok && !(ok[i] && ok[i - lag])) continue;
    double a = x[i] * s - mean, b = x[i - lag] * s - mean;
    st_add(&num, a * b);
    st_add(&ends, a + b);
    pairs++;
  }
  double dl = st_total(&d1) / (double)m;
  double den = st_total(&d2) - st_total(&d1) * dl;
  double nu = st_total(&num) - dl * st_total(&ends) + (double)pairs * dl * dl;
  return den > 0 ? nu / den : NAN;
}

double modu_stats_acf(const double *x, const uint8_t *ok, int64_t n, int64_t lag) {
  if (n <= 0 || lag < 0 || lag >= n) return NAN;
  if (ok) {
    /* NA rows: the mean and the denominator use the present values, the
     * numerator the pairs where both ends are present (R's na.pass) */
    double r = st_acf_general(x, ok, n, lag, 1);
    if (!isnan(r)) return r;
    bool finite = true;
    for (int64_t i = 0; i < n && finite; i++) finite = !ok[i] || isfinite(x[i]);
    return finite ? st_acf_general(x, ok, n, lag, st_unit_scale(x, ok, n)) : r;
  }
  double m = modu_stats_mean(x, n), p[4];
  st_dev_powers(x, n, m, false, p);
  st_acc acc = {0, 0}, head = {0, 0}, tail = {0, 0};
  for (int64_t i = lag; i < n; i += ST_BLOCK) {
    int64_t end = i + ST_BLOCK < n ? i + ST_BLOCK : n;
    double s0 = 0, s1 = 0;
    int64_t j = i;
    for (; j + 2 <= end; j += 2) {
      s0 += (x[j] - m) * (x[j - lag] - m);
      s1 += (x[j + 1] - m) * (x[j + 1 - lag] - m);
    }
    for (; j < end; j++) s0 += (x[j] - m) * (x[j - lag] - m);
    st_add(&acc, s0 + s1);
  }
  /* the deviations left out of each end of the pairs */
  for (int64_t i = 0; i < lag; i++) {
    st_add(&head, x[i] - m);
    st_add(&tail, x[n - 1 - i] - m);
  }
  double dl = p[0] / (double)n, den = p[1] - p[0] * dl;
  double ends = 2 * p[0] - st_total(&head) - st_total(&tail);
  double num = st_total(&acc) - dl * ends + (double)(n - lag) * dl * dl;
  if (den >= ST_TINY && isfinite(den) && isfinite(num)) return num / den;
  if (!st_all_finite(x, n)) return isnan(den) || isnan(num) ? NAN : num / den;
  return st_acf_general(x, NULL, n, lag, st_unit_scale(x, NULL, n));
}

/* centered co-moments of pairs: sxx, syy, sxy, by the corrected two-pass
 * formula (the first pass gives approximate means, whose error the
 * correction terms remove) */
static void st_comoments(const double *x, const double *y, int64_t n, double *sxx, double *syy, double *sxy) {
  double mx = st_sum_fast(x, n) / (double)n, my = st_sum_fast(y, n) / (double)n;
  st_acc a[5] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}};
  for (int64_t i = 0; i < n; i += ST_BLOCK) {
    int64_t end = i + ST_BLOCK < n ? i + ST_BLOCK : n, j = i;
    double dx0 = 0, dy0 = 0, xx0 = 0, yy0 = 0, xy0 = 0;
    double dx1 = 0, dy1 = 0, xx1 = 0, yy1 = 0, xy1 = 0;
    for (; j + 2 <= end; j += 2) {
      double u = x[j] - mx, v = y[j] - my, u1 = x[j + 1] - mx, v1 = y[j + 1] - my;
      dx0 += u;
      dy0 += v;
      xx0 += u * u;
      yy0 += v * v;
      xy0 += u * v;
      dx1 += u1;
      dy1 += v1;
      xx1 += u1 * u1;
      yy1 += v1 * v1;
      xy1 += u1 * v1;
    }
    for (; j < end; j++) {
      double u = x[j] - mx, v = y[j] - my;
      dx0 += u;
      dy0 += v;
      xx0 += u * u;
      yy0 += v * v;
      xy0 += u * v;
    }
    st_add(&a[0], dx0 + dx1);
    st_add(&a[1], dy0 + dy1);
    st_add(&a[2], xx0 + xx1);
    st_add(&a[3], yy0 + yy1);
    st_add(&a[4], xy0 + xy1);
  }
  double dn = (double)n, sx = st_total(&a[0]), sy = st_total(&a[1]);
  *sxx = st_total(&a[2]) - sx * sx / dn;
  *syy = st_total(&a[3]) - sy * sy / dn;
  *sxy = st_total(&a[4]) - sx * sy / dn;
}

/* the co-moments of x * sx and y * sy, for values whose products overflow
 * or underflow */
static void st_comoments_scaled(const double *x, const double *y, int64_t n, double sx, double sy, double *sxx,
                                double *syy, double *sxy) {
  int64_t k;
  double mx = st_mean_scaled(x, NULL, n, sx, &k), my = st_mean_scaled(y, NULL, n, sy, &k);
  st_acc a[5] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}};
  for (int64_t i = 0; i < n; i++) {
    double u = x[i] * sx - mx, v = y[i] * sy - my;
    st_add(&a[0], u);
    st_add(&a[1], v);
    st_add(&a[2], u * u);
    st_add(&a[3], v * v);
    st_add(&a[4], u * v);
  }
  double dn = (double)n, su = st_total(&a[0]), sv = st_total(&a[1]);
  *sxx = st_total(&a[2]) - su * su / dn;
  *syy = st_total(&a[3]) - sv * sv / dn;
  *sxy = st_total(&a[4]) - su * sv / dn;
}

double modu_stats_cov(const double *x, const double *y, int64_t n, double ddof) {
  if (!((double)n - ddof > 0)) return NAN;
  double sxx, syy, sxy;
  st_comoments(x, y, n, &sxx, &syy, &sxy);
  if (!((fabs(sxy) >= ST_TINY || sxy == 0) && isfinite(sxy)) && st_all_finite(x, n) && st_all_finite(y, n)) {
    double sx = st_unit_scale(x, NULL, n), sy = st_unit_scale(y, NULL, n);
    st_comoments_scaled(x, y, n, sx, sy, &sxx, &syy, &sxy);
    return sxy / ((double)n - ddof) / sx / sy;
  }
  return sxy / ((double)n - ddof);
}

double modu_stats_pearson(const double *x, const double *y, int64_t n) {
  if (n < 2) return NAN;
  double sxx, syy, sxy;
  st_comoments(x, y, n, &sxx, &syy, &sxy);
  if (!(sxx >= ST_TINY && syy >= ST_TINY && isfinite(sxx) && isfinite(syy) && isfinite(sxy)) &&
      st_all_finite(x, n) && st_all_finite(y, n)) /* the correlation does not depend on the scales */
    st_comoments_scaled(x, y, n, st_unit_scale(x, NULL, n), st_unit_scale(y, NULL, n), &sxx, &syy, &sxy);
  if (isnan(sxx) || isnan(syy) || isnan(sxy)) return NAN;
  if (sxx <= 0 || syy <= 0) return NAN; /* a constant series has no correlation */
  double r = sxy / (sqrt(sxx) * sqrt(syy));
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/* ---- sorting row numbers by key, for ranks and Kendall ---- */

/* stable: equal keys keep their order. tmp has room for n entries */
static void st_sort_index(int64_t *idx, int64_t *tmp, int64_t n, const double *key) {
  const int64_t run = 32;
  for (int64_t lo = 0; lo < n; lo += run) {
    int64_t hi = lo + run < n ? lo + run : n;
    for (int64_t i = lo + 1; i < hi; i++) {
      int64_t v = idx[i], j = i;
      while (j > lo && key[idx[j - 1]] > key[v]) {
        idx[j] = idx[j - 1];
        j--;
      }
      idx[j] = v;
    }
  }
  int64_t *src = idx, *dst = tmp;
  for (int64_t w = run; w < n; w *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * w) {
      int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      int64_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = key[src[j]] < key[src[i]] ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    int64_t *t = src;
    src = dst;
    dst = t;
  }
  if (src != idx) memcpy(idx, src, (size_t)n * sizeof *idx);
}

static int st_oom(modu_err *e) { return modu_errf(e, "out of memory"); }

int modu_stats_rank(const double *x, int64_t n, double *rank, modu_err *e) {
  int64_t *idx = malloc((n ? (size_t)n : 1) * sizeof *idx), *tmp = malloc((n ? (size_t)n : 1) * sizeof *tmp);
  if (!idx || !tmp) {
    free(idx);
    free(tmp);
    return st_oom(e);
  }
  for (int64_t i = 0; i < n; i++) idx[i] = i;
  st_sort_index(idx, tmp, n, x);
  for (int64_t i = 0; i < n;) {
    int64_t j = i + 1;
    while (j < n && x[idx[j]] == x[idx[i]]) j++;
    double r = ((double)i + 1 + (double)j) / 2; /* mean of positions i+1 .. j */
    for (int64_t k = i; k < j; k++) rank[idx[k]] = r;
    i = j;
  }
  free(idx);
  free(tmp);
  return 0;
}

int modu_stats_spearman(const double *x, const double *y, int64_t n, double *r, modu_err *e) {
  if (st_has_nan(x, n) || st_has_nan(y, n)) {
    *r = NAN;
    return 0;
  }
  double *rx = malloc((n ? (size_t)n : 1) * sizeof *rx), *ry = malloc((n ? (size_t)n : 1) * sizeof *ry);
  if (!rx || !ry || modu_stats_rank(x, n, rx, e) || modu_stats_rank(y, n, ry, e)) {
    free(rx);
    free(ry);
    return rx && ry ? -1 : st_oom(e);
  }
  *r = modu_stats_pearson(rx, ry, n);
  free(rx);
  free(ry);
  return 0;
}

/* sorts v ascending (stable merge sort), counting the pairs i < j with
 * v[i] > v[j]: Kendall's discordant pairs once the x order is fixed */
static int64_t st_inversions(double *v, double *tmp, int64_t n) {
  int64_t inv = 0;
  double *src = v, *dst = tmp;
  for (int64_t w = 1; w < n; w *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * w) {
      int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      int64_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if (src[j] < src[i]) {
          inv += mid - i;
          dst[k++] = src[j++];
        } else {
          dst[k++] = src[i++];
        }
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    double *t = src;
    src = dst;
    dst = t;
  }
  if (src != v) memcpy(v, src, (size_t)n * sizeof *v);
  return inv;
}

/* sum over runs of equal values of t(t-1)/2 */
static int64_t st_tie_pairs(const double *v, int64_t n) {
  int64_t s = 0;
  for (int64_t i = 0; i < n;) {
    int64_t j = i + 1;
    while (j < n && v[j] == v[i]) j++;
    s += (j - i) * (j - i - 1) / 2;
    i = j;
  }
  return s;
}

int modu_stats_kendall(const double *x, const double *y, int64_t n, double *tau, modu_err *e) {
  if (n < 2 || st_has_nan(x, n) || st_has_nan(y, n)) {
    *tau = NAN;
    return 0;
  }
  size_t sz = (size_t)n;
  int64_t *idx = malloc(sz * sizeof *idx), *tmp = malloc(sz * sizeof *tmp);
  double *v = malloc(sz * sizeof *v), *w = malloc(sz * sizeof *w);
  if (!idx || !tmp || !v || !w) {
    free(idx);
    free(tmp);
    free(v);
    free(w);
    return st_oom(e);
  }
  /* order by (x, y): y first, then a stable sort by x */
  for (int64_t i = 0; i < n; i++) idx[i] = i;
  st_sort_index(idx, tmp, n, y);
  st_sort_index(idx, tmp, n, x);
  int64_t n1 = 0, n3 = 0;
  for (int64_t i = 0; i < n;) {
    int64_t j = i + 1;
    while (j < n && x[idx[j]] == x[idx[i]]) j++;
    n1 += (j - i) * (j - i - 1) / 2;
    for (int64_t a = i; a < j;) { /* within an x tie, runs of equal y are joint ties */
      int64_t b = a + 1;
      while (b < j && y[idx[b]] == y[idx[a]]) b++;
      n3 += (b - a) * (b - a - 1) / 2;
      a = b;
    }
    i = j;
  }
  for (int64_t i = 0; i < n; i++) v[i] = y[idx[i]];
  int64_t swaps = st_inversions(v, w, n);
  int64_t n2 = st_tie_pairs(v, n);
  double n0 = (double)n * ((double)n - 1) / 2;
  double s = n0 - (double)n1 - (double)n2 + (double)n3 - 2 * (double)swaps;
  double den = sqrt(n0 - (double)n1) * sqrt(n0 - (double)n2);
  *tau = den > 0 ? fmax(-1, fmin(1, s / den)) : NAN; /* a perfect order can round past 1 */
  free(idx);
  free(tmp);
  free(v);
  free(w);
  return 0;
}

/* ---- mode ---- */

static int st_cmp_f64(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  if (isnan(x) || isnan(y)) return isnan(x) - isnan(y); /* NaN last, all NaN equal */
  return (x > y) - (x < y);
}

int modu_stats_mode(const modu_column *c, modu_scalar *value, int64_t *count, int64_t *distinct, modu_err *e) {
  memset(value, 0, sizeof *value);
  value->type = c->type;
  value->na = true;
  *count = *distinct = 0;
  if (c->type == MODU_STR) {
    const int32_t *rank = modu_dict_ranks(c->dict);
    int64_t *cnt = calloc((size_t)c->dict->n + 1, sizeof *cnt);
    if (!rank || !cnt) {
      free(cnt);
      return st_oom(e);
    }
    for (int64_t i = 0; i < c->len; i++)
      if (!modu_col_isna(c, i)) cnt[MODU_I32(c)[i]]++;
    int32_t best = -1;
    for (int32_t k = 0; k < c->dict->n; k++) {
      if (!cnt[k]) continue;
      ++*distinct;
      if (best < 0 || cnt[k] > cnt[best] || (cnt[k] == cnt[best] && rank[k] < rank[best])) best = k;
    }
    if (best >= 0) {
      value->na = false;
      value->v.s.p = modu_dict_str(c->dict, best, &value->v.s.len);
      *count = cnt[best];
    }
    free(cnt);
    return 0;
  }
  /* every other type as doubles: int64 beyond 2^53 would merge neighbours,
   * so ints are compared exactly through a copy of their own */
  bool is_int = c->type == MODU_INT;
  size_t sz = c->len ? (size_t)c->len : 1;
  double *v = is_int ? NULL : malloc(sz * sizeof *v);
  int64_t *iv = is_int ? malloc(sz * sizeof *iv) : NULL;
  if (!v && !iv) return st_oom(e);
  int64_t m = 0;
  for (int64_t i = 0; i < c->len; i++) {
    if (modu_col_isna(c, i)) continue;
    if (is_int) iv[m++] = MODU_I64(c)[i];
    else v[m++] = c->type == MODU_FLOAT ? MODU_F64(c)[i] : c->type == MODU_BOOL ? MODU_U8(c)[i] : MODU_I32(c)[i];
  }
  if (is_int) qsort(iv, (size_t)m, sizeof *iv, st_cmp_i64);
  else qsort(v, (size_t)m, sizeof *v, st_cmp_f64);
  int64_t best = -1, bestn = 0;
  for (int64_t i = 0; i < m;) {
    int64_t j = i + 1;
    while (j < m && (is_int ? iv[j] == iv[i] : st_cmp_f64(&v[j], &v[i]) == 0)) j++;
    ++*distinct;
    if (j - i > bestn) best = i, bestn = j - i;
    i = j;
  }
  if (best >= 0) {
    value->na = false;
    *count = bestn;
    switch (c->type) {
      case MODU_INT: value->v.i = iv[best]; break;
      case MODU_FLOAT: value->v.f = v[best]; break;
      case MODU_BOOL: value->v.b = v[best] != 0; break;
      default: value->v.d = (int32_t)v[best]; break;
    }
  }
  free(v);
  free(iv);
  return 0;
}

/* ---- per group ---- */

int modu_stat_kind_from_name(const char *s) {
  static const char *const names[] = {"var", "sd", "quantile", "median", "iqr", "mad", "skewness",
                                      "kurtosis", "range", "mean", "min", "max", "count", "acf"};
  for (int i = 0; i < (int)(sizeof names / sizeof *names); i++)
    if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

/* fewest values the statistic is defined for */
static int64_t st_min_n(modu_stat_kind kind, double param, int type) {
  switch (kind) {
    case MODU_STAT_VAR:
    case MODU_STAT_SD: return (int64_t)floor(param) + 1;
    case MODU_STAT_SKEWNESS: return type ? 3 : 1;
    case MODU_STAT_KURTOSIS: return type ? 4 : 1;
    case MODU_STAT_ACF: return (int64_t)param + 1;
    case MODU_STAT_COUNT: return 0;
    default: return 1;
  }
}

double modu_stats_reduce(modu_stat_kind kind, double *v, int64_t n, double param, int type) {
  double a, b;
  switch (kind) {
    case MODU_STAT_VAR: return modu_stats_var(v, n, param);
    case MODU_STAT_SD: return modu_stats_sd(v, n, param);
    case MODU_STAT_QUANTILE: return modu_stats_quantile(v, n, param, type);
    case MODU_STAT_MEDIAN: return modu_stats_quantile(v, n, 0.5, 7);
    case MODU_STAT_IQR: {
      double p[2] = {0.25, 0.75}, q[2];
      modu_stats_quantiles(v, n, p, 2, type, q);
      return q[1] - q[0];
    }
    case MODU_STAT_MAD: return modu_stats_mad(v, n, param);
    case MODU_STAT_SKEWNESS: modu_stats_shape(v, n, type != 0, &a, &b); return a;
    case MODU_STAT_KURTOSIS: modu_stats_shape(v, n, type != 0, &a, &b); return b;
    case MODU_STAT_MEAN: return modu_stats_mean(v, n);
    case MODU_STAT_COUNT: return (double)n;
    case MODU_STAT_ACF: return modu_stats_acf(v, NULL, n, (int64_t)param);
    default: {
      if (n <= 0) return NAN;
      double lo = v[0], hi = v[0];
      for (int64_t i = 1; i < n; i++) {
        if (isnan(v[i])) return NAN;
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
      }
      if (isnan(lo)) return NAN;
      return kind == MODU_STAT_MIN ? lo : kind == MODU_STAT_MAX ? hi : hi - lo;
    }
  }
}

modu_column *modu_stats_by(modu_stat_kind kind, modu_groups *g, const modu_column *x, double param, int type,
                           modu_err *e) {
  if (!modu_stats_numeric(x)) {
    modu_errf(e, "needs a numeric column (int, float or bool), got %s", modu_type_name(x->type));
    return NULL;
  }
  if (g && modu_groups_csr(g, e)) return NULL;
  int64_t ng = g ? g->ngroups : 1;
  modu_column *r = modu_col_new(MODU_FLOAT, ng, NULL);
  double *buf = malloc((x->len ? (size_t)x->len : 1) * sizeof *buf);
  if (!r || !buf) {
    free(buf);
    modu_col_unref(r);
    st_oom(e);
    return NULL;
  }
  int64_t need = st_min_n(kind, param, type);
  for (int64_t k = 0; k < ng; k++) {
    int64_t m = 0, from = g ? g->off[k] : 0, to = g ? g->off[k + 1] : x->len;
    for (int64_t j = from; j < to; j++) {
      int64_t i = g ? g->rows[j] : j;
      if (!modu_col_isna(x, i)) buf[m++] = st_num(x, i);
    }
    bool na = m < need || (m == 0 && kind != MODU_STAT_COUNT);
    MODU_F64(r)[k] = na ? 0 : modu_stats_reduce(kind, buf, m, param, type);
    if (na && modu_col_set_na(r, k)) {
      free(buf);
      modu_col_unref(r);
      st_oom(e);
      return NULL;
    }
  }
  free(buf);
  return r;
}

/* ---- growth: crossings ---- */

int64_t modu_stats_crossings(const double *t, const double *d, int64_t n, modu_crossing *out) {
  int64_t m = 0;
  for (int64_t i = 1; i < n; i++) {
    bool up = d[i - 1] < 0 && d[i] >= 0, down = d[i - 1] >= 0 && d[i] < 0;
    if (!up && !down) continue;
    /* d is linear in t between the two observations (the method chose the
     * scale: levels, or logs for constant growth) */
    double frac = d[i - 1] / (d[i - 1] - d[i]);
    out[m].i = i;
    out[m].up = up;
    out[m].time = d[i] == 0 ? t[i] : t[i - 1] + frac * (t[i] - t[i - 1]);
    m++;
  }
  return m;
}

/* ---- regional economics ---- */

int modu_stats_concentration(const double *x, int64_t n, int64_t k, double *hhi, double *hhi_norm, double *crk,
                             modu_err *e) {
  st_acc tot = {0, 0};
  for (int64_t i = 0; i < n; i++) {
    if (!(x[i] >= 0) || isinf(x[i]))
      return modu_errf(e, "value %lld is %g: concentration needs finite values >= 0", (long long)i + 1, x[i]);
    st_add(&tot, x[i]);
  }
  double total = st_total(&tot);
  if (!(total > 0)) return modu_errf(e, "the values sum to 0: there are no shares");
  st_acc h = {0, 0};
  for (int64_t i = 0; i < n; i++) st_add(&h, (x[i] / total) * (x[i] / total));
  *hhi = st_total(&h);
  *hhi_norm = n > 1 ? (*hhi - 1.0 / (double)n) / (1 - 1.0 / (double)n) : 1;
  if (crk) {
    /* the k largest, by selection on a copy */
    double *v = malloc((n ? (size_t)n : 1) * sizeof *v);
    if (!v) return modu_errf(e, "out of memory");
    for (int64_t i = 0; i < n; i++) v[i] = -x[i];
    int64_t kk = k < n ? k : n;
    st_acc s = {0, 0};
    if (kk > 0 && kk < n) modu_select_kth(v, n, kk - 1);
    for (int64_t i = 0; i < kk; i++) st_add(&s, -v[i]);
    free(v);
    *crk = st_total(&s) / total;
  }
  return 0;
}

/* sums of v per group (NaN skipped) */
static int st_group_sums(const double *v, const int32_t *g, int64_t n, int64_t ng, double **out) {
  st_acc *acc = calloc(ng ? (size_t)ng : 1, sizeof *acc);
  *out = malloc((ng ? (size_t)ng : 1) * sizeof **out);
  if (!acc || !*out) {
    free(acc);
    free(*out);
    *out = NULL;
    return -1;
  }
  for (int64_t i = 0; i < n; i++)
    if (!isnan(v[i])) st_add(&acc[g[i]], v[i]);
  for (int64_t k = 0; k < ng; k++) (*out)[k] = st_total(&acc[k]);
  free(acc);
  return 0;
}

int modu_stats_location_quotient(const double *v, const int32_t *region, int64_t nreg, const int32_t *industry,
                                 int64_t nind, int64_t n, double *lq, modu_err *e) {
  double *rt = NULL, *it = NULL;
  if (st_group_sums(v, region, n, nreg, &rt) || st_group_sums(v, industry, n, nind, &it)) {
    free(rt);
    return modu_errf(e, "out of memory");
  }
  double total = modu_stats_sum(rt, nreg);
  for (int64_t i = 0; i < n; i++) {
    /* (v / region total) / (industry total / grand total) */
    double r = rt[region[i]], s = it[industry[i]];
    lq[i] = isnan(v[i]) || !(r > 0) || !(s > 0) || !(total > 0) ? NAN : (v[i] / r) / (s / total);
  }
  free(rt);
  free(it);
  return 0;
}

int modu_stats_shift_share(const double *s, const double *f, const int32_t *industry, int64_t nind, int64_t n,
                           double *national, double *mix, double *competitive, modu_err *e) {
  double *s_ind = NULL, *f_ind = NULL;
  if (st_group_sums(s, industry, n, nind, &s_ind) || st_group_sums(f, industry, n, nind, &f_ind)) {
    free(s_ind);
    return modu_errf(e, "out of memory");
  }
  double s_tot = modu_stats_sum(s_ind, nind), f_tot = modu_stats_sum(f_ind, nind);
  int rc = 0;
  if (!(s_tot > 0)) rc = modu_errf(e, "the starting values sum to 0: there is no national growth rate");
  for (int64_t i = 0; i < n && rc == 0; i++) {
    double g = f_tot / s_tot - 1, gi = s_ind[industry[i]] > 0 ? f_ind[industry[i]] / s_ind[industry[i]] - 1 : NAN;
    if (isnan(s[i]) || isnan(f[i])) {
      national[i] = mix[i] = competitive[i] = NAN;
      continue;
    }
    national[i] = s[i] * g;
    mix[i] = isnan(gi) ? 0 : s[i] * (gi - g);
    /* the rest of the change: s (g_ri - g_i), written so that the three
     * parts add up to f - s exactly in real arithmetic even when s = 0 */
    competitive[i] = (f[i] - s[i]) - national[i] - mix[i];
  }
  free(s_ind);
  free(f_ind);
  return rc;
}
