/* The distribution functions: error-function based normal, incomplete gamma
 * (series / continued fraction) and beta (continued fraction) for t, chi-square
 * and F, and quantiles by safeguarded Newton steps on the tail that is small. */
#include <float.h>
#include <math.h>
#include <stddef.h>

#include "dist.h"

#define DI_EPS DBL_EPSILON
#define DI_TINY 1e-300
#define DI_PI 3.14159265358979323846264338327950288
#define DI_SQRT1_2_HI 0.70710678118654757     /* sqrt(1/2) rounded */
#define DI_SQRT1_2_LO (-4.8336466567264565e-17) /* sqrt(1/2) minus the above */
#define DI_INV_SQRT_2PI 0.398942280401432677939946059934
#define DI_LN_SQRT_2PI 0.918938533204672741780329736406

/* ---- exact products (Dekker): a * b = p + err with no rounding lost ---- */

static void di_split(double a, double *hi, double *lo) {
  double c = 134217729.0 * a; /* 2^27 + 1 */
  *hi = c - (c - a);
  *lo = a - *hi;
}

static double di_two_prod(double a, double b, double *err) {
  double p = a * b, ah, al, bh, bl;
  di_split(a, &ah, &al);
  di_split(b, &bh, &bl);
  *err = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

/* ---- logs and Gamma ---- */

/* log(1 + u) - u without the cancellation near u = 0 */
static double di_log1pmx(double u) {
  if (fabs(u) >= 0.5) return log1p(u) - u;
  /* log(1+u) = 2 atanh(s), s = u / (2 + u); and u - 2s = s u */
  double s = u / (2 + u), s2 = s * s, term = s * s2, sum = 0;
  for (int k = 3; k < 80; k += 2) {
    double t = term / k;
    sum += t;
    if (fabs(t) <= 1e-18 * fabs(sum)) break;
    term *= s2;
  }
  return 2 * sum - s * u;
}

/* log of Gamma*(z) = Gamma(z) / (sqrt(2 pi / z) (z / e)^z): near 0 for large
 * z, so the large parts of log Gamma can be cancelled analytically */
static double di_lgstar(double z) {
  if (z >= 10) {
    /* Stirling's series: B_2k / (2k (2k - 1) z^(2k - 1)) */
    double r = 1 / z, r2 = r * r;
    return r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 + r2 * (1.0 / 1188 +
           r2 * (-691.0 / 360360 + r2 * (1.0 / 156 + r2 * (-3617.0 / 122400))))))));
  }
  return log(tgamma(z)) - (0.5 * log(2 * DI_PI / z) + z * log(z) - z);
}

double modu_lgamma(double x) {
  if (!(x > 0)) return x == 0 ? INFINITY : NAN;
  if (x < 10) return log(tgamma(x));
  return (x - 0.5) * log(x) - x + DI_LN_SQRT_2PI + di_lgstar(x);
}

/* log(1 + u) - u where 1 + u = x k: the series near u = 0, else the log
 * of the product (one rounding, where two logs would each add theirs), or
 * of the factors when the product would leave the range of doubles */
static double di_lpx(double x, double u, double k) {
  if (fabs(u) < 0.5) return di_log1pmx(u);
  double v = x * k;
  return (v >= DBL_MIN && v <= DBL_MAX ? log(v) : log(x) + log(k)) - u;
}

/* x^a e^-x / Gamma(a): the factor in front of both gamma expansions */
static double di_gamma_power(double a, double x) {
  if (x <= 0) return 0;
  if (a < 10) {
    /* three correctly rounded factors while e^-x is a normal number; the
     * exponent a log x - x, once formed, would carry an absolute rounding
     * of about x eps into the result */
    if (x < 700 && a > 1e-10) return exp(-x) * pow(x, a) / tgamma(a);
    return exp(a * log(x) - x - modu_lgamma(a));
  }
  /* = exp(a (log(x/a) + 1 - x/a)) sqrt(a / 2 pi) / Gamma*(a), with the
   * exponent formed from u = x/a - 1 so that near x = a nothing cancels */
  double u = (x - a) / a;
  double l = di_lpx(x, u, 1 / a);
  return exp(a * l - di_lgstar(a)) * sqrt(a / (2 * DI_PI));
}

double modu_gamma_inc(double a, double x, bool upper) {
  if (isnan(a) || isnan(x)) return NAN;
  if (x <= 0) return upper ? 1 : 0;
  if (isinf(x)) return upper ? 0 : 1;
  double pw = di_gamma_power(a, x);
  long cap = 2000000 + (long)(50 * sqrt(a));
  if (x < a + 1) {
    /* P = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a+1) ... (a+n)) */
    double sum = 1, term = 1, ap = a;
    for (long n = 1; n < cap; n++) {
      ap += 1;
      term *= x / ap;
      sum += term;
      if (term <= sum * 1e-17) break;
    }
    double p = pw / a * sum;
    if (p > 1) p = 1;
    return upper ? 1 - p : p;
  }
  /* Q = x^a e^-x / Gamma(a) * 1/(x+1-a - 1(1-a)/(x+3-a - 2(2-a)/(x+5-a - ...))),
   * evaluated by the modified Lentz method */
  double b = x + 1 - a, c = 1 / DI_TINY, d = 1 / b, h = d;
  for (long i = 1; i < cap; i++) {
    double an = -(double)i * ((double)i - a);
    b += 2;
    d = an * d + b;
    if (fabs(d) < DI_TINY) d = DI_TINY;
    c = b + an / c;
    if (fabs(c) < DI_TINY) c = DI_TINY;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) <= DI_EPS) break;
  }
  double q = pw * h;
  if (q > 1) q = 1;
  return upper ? q : 1 - q;
}


/* x^a y^b / B(a, b), written as (xc/a)^a (yc/b)^b sqrt(ab / 2 pi c)
 * Gamma*(c) / (Gamma*(a) Gamma*(b)) with c = a + b: the powers are formed
 * around their maximum (x = a/c), so large a and b lose nothing to
 * cancelling logarithms */
static double di_beta_power(double a, double b, double x, double y) {
  if (x <= 0 || y <= 0) return 0;
  double c = a + b, d = x * b - a * y; /* x c - a, without forming x c */
  double l = a * di_lpx(x, d / a, c / a) + b * di_lpx(y, -d / b, c / b);
  return exp(l + di_lgstar(c) - di_lgstar(a) - di_lgstar(b)) * sqrt(a * b / (2 * DI_PI * c));
}

/* I_x(a, b) by its continued fraction (Abramowitz & Stegun 26.5.8), which
 * converges fast for x < (a + 1) / (a + b + 2) */
static double di_beta_cf(double a, double b, double x, double y) {
  double pw = di_beta_power(a, b, x, y);
  if (pw == 0) return 0;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (fabs(d) < DI_TINY) d = DI_TINY;
  d = 1 / d;
  double h = d;
  long cap = 2000000 + (long)(50 * sqrt(a + b));
  for (long m = 1; m < cap; m++) {
    double dm = (double)m, m2 = 2 * dm;
    double aa = dm * (b - dm) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (fabs(d) < DI_TINY) d = DI_TINY;
    c = 1 + aa / c;
    if (fabs(c) < DI_TINY) c = DI_TINY;
    d = 1 / d;
    h *= d * c;
    aa = -(a + dm) * (qab + dm) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (fabs(d) < DI_TINY) d = DI_TINY;
    c = 1 + aa / c;
    if (fabs(c) < DI_TINY) c = DI_TINY;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) <= DI_EPS) break;
  }
  double r = pw * h / a;
  return r > 1 ? 1 : r;
}

/* The smaller tail I_x(a, b), x below the mode (x b < a y), by quadrature.
 * In z = log(t / (1 - t)) the integrand t^a (1-t)^b / B(a, b) is a smooth
 * log-concave bell; with z = z_x - l s its ratio to the value at x is
 *   exp(-a log1p(y expm1(l s)) - b log1p(x expm1(-l s))),
 * exact in y and x (no 1 - x is ever formed; beyond l s = 700, where expm1
 * overflows, the same as exp(-a l s - (a + b) log(y + x e^-ls))), and the
 * integral over s in
 * (0, inf) goes by the double-exponential trapezoid s = exp(u - exp(-u)).
 * l is the length over which the integrand falls by e: 1 / |slope| at x, or
 * the width of the bell when x is near its top. Unlike the continued
 * fraction this loses nothing when a is large and x is near 1, where every
 * step of the fraction cancels. */
static double di_beta_quad(double a, double b, double x, double y) {
  double pw = di_beta_power(a, b, x, y);
  if (pw == 0) return 0;
  double d = fabs(x * b - a * y), w = sqrt(x * y * (a + b));
  double len = 1 / fmax(d, w), h = 1.0 / 32, sum = 0;
  for (int dir = 0; dir < 2; dir++) {
    /* from u = 0 outwards in each direction, until the terms vanish */
    for (int k = dir; k < 1000; k++) {
      double u = dir ? k * h : -k * h, eu = exp(-u), sv = exp(u - eu);
      double ls = len * sv;
      double e = ls < 700 ? -a * log1p(y * expm1(ls)) - b * log1p(x * expm1(-ls))
                          : -a * ls - (a + b) * log(y + x * exp(-ls));
      double term = exp(e) * sv * (1 + eu);
      sum += term;
      if (term <= 1e-18 * sum && k > 8) break;
    }
  }
  double r = pw * len * h * sum;
  return r > 1 ? 1 : r;
}

/* the continued fraction serves while both parameters are moderate; beyond,
 * the quadrature */
#define DI_BETA_CF_MAX 100

double modu_beta_inc(double a, double b, double x, double y, bool upper) {
  if (isnan(a) || isnan(b) || isnan(x) || isnan(y)) return NAN;
  if (x <= 0) return upper ? 1 : 0;
  if (y <= 0) return upper ? 0 : 1;
  if (a > DI_BETA_CF_MAX || b > DI_BETA_CF_MAX) {
    /* integrate the tail on the far side of the mode: it is the smaller */
    if (x * b - a * y < 0) {
      double v = di_beta_quad(a, b, x, y);
      return upper ? 1 - v : v;
    }
    double v = di_beta_quad(b, a, y, x);
    return upper ? v : 1 - v;
  }
  /* the side the fraction reaches fast is also the smaller one, so the
   * other, as 1 minus it, keeps its relative accuracy */
  if (x < (a + 1) / (a + b + 2)) {
    double v = di_beta_cf(a, b, x, y);
    return upper ? 1 - v : v;
  }
  double v = di_beta_cf(b, a, y, x);
  return upper ? v : 1 - v;
}

/* ---- normal ---- */

static double di_norm_cdf(double x, bool upper) {
  if (isnan(x)) return x;
  if (upper) x = -x;
  if (x > 40) return 1;
  /* Phi(x) = erfc(-x / sqrt 2) / 2, with the rounding of x / sqrt 2 put back
   * by the first-order term: in the far tail a relative error d in the
   * argument would otherwise grow to x^2 d in the result */
  double e, p = di_two_prod(x, DI_SQRT1_2_HI, &e);
  double d = e + x * DI_SQRT1_2_LO;
  return 0.5 * (erfc(-p) + d * (2 / sqrt(DI_PI)) * exp(-p * p));
}

static double di_norm_pdf(double x) {
  if (isnan(x)) return x;
  if (fabs(x) > 40) return 0;
  double lo, hi = di_two_prod(x, x, &lo); /* x^2 exactly, so exp sees no rounding */
  return DI_INV_SQRT_2PI * exp(-0.5 * hi) * (1 - 0.5 * lo);
}

/* the z <= 0 with Phi(z) = q, for 0 < q <= 0.5, by Halley's method */
static double di_norm_lower(double q) {
  if (q == 0.5) return 0;
  double z;
  if (q > 0.1) {
    z = -sqrt(2 * DI_PI) * (0.5 - q);
  } else {
    double l = -2 * log(q); /* Mills' ratio: q ~ phi(z) / |z| */
    z = -sqrt(l - log(l) - log(2 * DI_PI));
  }
  for (int it = 0; it < 60; it++) {
    double f = di_norm_pdf(z);
    if (f == 0) break;
    double u = (di_norm_cdf(z, false) - q) / f;
    double dz = u / (1 + 0.5 * z * u);
    if (!isfinite(dz)) break;
    z -= dz;
    if (fabs(dz) <= 2 * DI_EPS * fabs(z)) break;
  }
  return z;
}

static double di_norm_quantile(double p, bool upper) {
  /* lower tail p at z is the upper tail p at -z */
  double s = upper ? -1 : 1;
  if (p <= 0.5) return p == 0 ? -s * INFINITY : s * di_norm_lower(p);
  return p == 1 ? s * INFINITY : -s * di_norm_lower(1 - p); /* 1 - p is exact here */
}

/* ---- Student t ---- */

static double di_t_cdf(double t, double nu, bool upper) {
  if (isnan(t)) return t;
  if (isinf(nu)) return di_norm_cdf(t, upper);
  if (upper) t = -t;
  if (isinf(t)) return t < 0 ? 0 : 1;
  /* P(T < -|t|) = I_x(nu/2, 1/2) / 2 with x = nu / (nu + t^2); x and
   * y = 1 - x each formed from their own ratio */
  double t2 = t * t, x, y;
  if (t2 < nu) {
    double r = t2 / nu;
    x = 1 / (1 + r);
    y = r / (1 + r);
  } else {
    double r = nu / t2;
    x = r / (1 + r);
    y = 1 / (1 + r);
  }
  double tail = 0.5 * modu_beta_inc(0.5 * nu, 0.5, x, y, false);
  return t < 0 ? tail : 1 - tail;
}

/* Gamma(a + b) / Gamma(a) by the same Gamma* split as the beta power */
static double di_gamma_ratio(double a, double b) {
  double c = a + b;
  /* = sqrt(a/c) c^b (c/a)^a e^-b Gamma*(c) / Gamma*(a), and (c/a)^a e^-b
   * = exp(a (log(1 + b/a) - b/a)) */
  double l = a * di_log1pmx(b / a) + b * log(c) - 0.5 * log(c / a);
  return exp(l + di_lgstar(c) - di_lgstar(a));
}

static double di_t_pdf(double t, double nu) {
  if (isnan(t)) return t;
  if (isinf(nu)) return di_norm_pdf(t);
  /* Gamma((nu+1)/2) / (sqrt(nu pi) Gamma(nu/2)) (1 + t^2/nu)^(-(nu+1)/2) */
  double t2 = t * t, l;
  if (t2 <= nu) l = log1p(t2 / nu);
  else l = 2 * log(fabs(t)) - log(nu) + log1p(nu / t2); /* t^2 may overflow */
  return di_gamma_ratio(0.5 * nu, 0.5) / sqrt(nu * DI_PI) * exp(-0.5 * (nu + 1) * l);
}

/* ---- chi-square and F ---- */

static double di_chisq_cdf(double x, double k, bool upper) {
  if (isnan(x)) return x;
  return modu_gamma_inc(0.5 * k, 0.5 * x, upper);
}

static double di_chisq_pdf(double x, double k) {
  if (isnan(x)) return x;
  if (x < 0 || isinf(x)) return 0;
  if (x == 0) return k < 2 ? INFINITY : k == 2 ? 0.5 : 0;
  return di_gamma_power(0.5 * k, 0.5 * x) / x;
}

/* x = d1 f / (d1 f + d2) and y = d2 / (d1 f + d2), each from its own ratio */
static void di_f_xy(double f, double d1, double d2, double *x, double *y) {
  double r = d1 * f / d2;
  if (r < 1) {
    *x = r / (1 + r);
    *y = 1 / (1 + r);
  } else {
    double s = d2 / (d1 * f);
    *x = 1 / (1 + s);
    *y = s / (1 + s);
  }
}

static double di_f_cdf(double f, double d1, double d2, bool upper) {
  if (isnan(f)) return f;
  if (f <= 0) return upper ? 1 : 0;
  if (isinf(f)) return upper ? 0 : 1;
  double x, y;
  di_f_xy(f, d1, d2, &x, &y);
  return modu_beta_inc(0.5 * d1, 0.5 * d2, x, y, upper);
}

static double di_f_pdf(double f, double d1, double d2) {
  if (isnan(f)) return f;
  if (f < 0 || isinf(f)) return 0;
  if (f == 0) return d1 < 2 ? INFINITY : d1 == 2 ? 1 : 0;
  double x, y;
  di_f_xy(f, d1, d2, &x, &y);
  return di_beta_power(0.5 * d1, 0.5 * d2, x, y) / f;
}

/* ---- quantiles of the positive variables ---- */

typedef struct di_pos {
  modu_dist_kind k;
  const double *par;
} di_pos;

/* the tail of |X| for t (which is what its quantiles solve for), else of X */
static double di_pos_tail(const di_pos *d, double x, bool upper) {
  switch (d->k) {
    case MODU_DIST_T: return di_t_cdf(x, d->par[0], true); /* always the upper tail */
    case MODU_DIST_CHISQ: return di_chisq_cdf(x, d->par[0], upper);
    default: return di_f_cdf(x, d->par[0], d->par[1], upper);
  }
}

static double di_pos_dens(const di_pos *d, double x) {
  switch (d->k) {
    case MODU_DIST_T: return di_t_pdf(x, d->par[0]);
    case MODU_DIST_CHISQ: return di_chisq_pdf(x, d->par[0]);
    default: return di_f_pdf(x, d->par[0], d->par[1]);
  }
}

/* The x > 0 whose tail is q (0 < q < 1, the smaller tail). Newton steps on
 * log tail against log x -- nearly straight lines for both power-law and
 * exponential tails -- kept inside a bracket that bisects when a step
 * strays; then a Newton step in x itself, since exp(w) rounds with an error
 * that grows with |w|. */
static double di_pos_solve(const di_pos *d, bool upper, double q, double x0) {
  /* a lower tail already past q at the smallest normal double: the
   * quantile is below the range of full-precision doubles, so 0 */
  if (!upper && di_pos_tail(d, DBL_MIN, false) >= q) return 0;
  double w = log(x0), lo = -INFINITY, hi = INFINITY, lq = log(q), step = 2;
  for (int it = 0; it < 400; it++) {
    double x = exp(w), g = di_pos_tail(d, x, upper);
    double h = log(g) - lq;
    if (h == 0) return x;
    /* the lower tail grows with x, the upper one falls */
    bool too_big = upper ? h < 0 : h > 0;
    if (too_big) hi = w;
    else lo = w;
    double slope = x * di_pos_dens(d, x) / g * (upper ? -1 : 1), wn = NAN;
    if (isfinite(h) && isfinite(slope) && slope != 0) wn = w - h / slope;
    if (!(wn > lo && wn < hi)) {
      if (isfinite(lo) && isfinite(hi)) wn = 0.5 * (lo + hi);
      else wn = isfinite(lo) ? lo + step : hi - step, step *= 2;
    }
    double dw = wn - w;
    w = wn;
    if (fabs(dw) <= 1e-14 * fmax(1, fabs(w)) || hi - lo <= 4 * DI_EPS * fmax(1, fabs(w))) break;
  }
  double x = exp(w);
  for (int it = 0; it < 3; it++) {
    double f = di_pos_dens(d, x);
    if (!(f > 0) || !isfinite(f)) break;
    double dx = (di_pos_tail(d, x, upper) - q) / (upper ? -f : f), xn = x - dx;
    if (!(xn > 0) || !isfinite(xn) || fabs(dx) > 1e-6 * x) break;
    x = xn;
    if (fabs(dx) <= DI_EPS * x) break;
  }
  return x;
}

static double di_t_quantile(double p, double nu, bool upper) {
  if (isinf(nu)) return di_norm_quantile(p, upper);
  /* solve for s = |t| with upper tail q <= 1/2, then give the sign */
  bool positive = upper ? p < 0.5 : p > 0.5;
  double q = p <= 0.5 ? p : 1 - p, s;
  if (q == 0.5) return 0;
  if (q == 0) return positive ? INFINITY : -INFINITY;
  if (nu == 1) {
    s = 1 / tan(DI_PI * q); /* Cauchy */
  } else if (nu == 2) {
    s = (1 - 2 * q) / sqrt(2 * q * (1 - q));
  } else {
    double z = -di_norm_lower(q);
    double x0 = z * (1 + (z * z + 1) / (4 * nu));
    di_pos d = {MODU_DIST_T, &nu};
    s = di_pos_solve(&d, true, q, x0 > 0 ? x0 : 1);
  }
  return positive ? s : -s;
}

static double di_chisq_quantile(double p, double k, bool upper) {
  if (p == (upper ? 1 : 0)) return 0;
  if (p == (upper ? 0 : 1)) return INFINITY;
  /* work on the smaller tail; 1 - p is exact for p >= 1/2 */
  bool up = p <= 0.5 ? upper : !upper;
  double q = p <= 0.5 ? p : 1 - p, lower_p = up ? 1 - q : q;
  /* Wilson-Hilferty start, or the small-x limit P ~ (x/2)^(k/2) / Gamma(k/2 + 1) */
  double z = lower_p <= 0.5 ? di_norm_lower(lower_p) : -di_norm_lower(1 - lower_p);
  double c = 2 / (9 * k), x0 = k * pow(1 - c + z * sqrt(c), 3);
  if (!up && (!(x0 > 0) || q < 1e-3))
    x0 = fmin(x0 > 0 ? x0 : INFINITY, 2 * exp((log(q) + modu_lgamma(0.5 * k + 1)) * 2 / k));
  if (!(x0 > 0) || !isfinite(x0)) x0 = k;
  di_pos d = {MODU_DIST_CHISQ, &k};
  return di_pos_solve(&d, up, q, x0);
}

static double di_f_quantile(double p, const double *par, bool upper) {
  if (p == (upper ? 1 : 0)) return 0;
  if (p == (upper ? 0 : 1)) return INFINITY;
  bool up = p <= 0.5 ? upper : !upper;
  double q = p <= 0.5 ? p : 1 - p;
  /* log F is roughly normal with variance 2/d1 + 2/d2 */
  double z = di_norm_lower(q);
  double x0 = exp((up ? -z : z) * sqrt(2 / par[0] + 2 / par[1]));
  di_pos d = {MODU_DIST_F, par};
  return di_pos_solve(&d, up, q, x0);
}

/* ---- the public dispatch ---- */

int modu_dist_npar(modu_dist_kind k) { return k == MODU_DIST_NORMAL || k == MODU_DIST_F ? 2 : 1; }

const char *modu_dist_check(modu_dist_kind k, const double *par) {
  switch (k) {
    case MODU_DIST_NORMAL:
      if (!isfinite(par[0])) return "mean must be a finite number";
      if (!(par[1] > 0) || !isfinite(par[1])) return "sd must be a positive finite number";
      return NULL;
    case MODU_DIST_T:
      return par[0] > 0 ? NULL : "df must be positive (math.huge for the normal limit)";
    case MODU_DIST_CHISQ:
      return par[0] > 0 && isfinite(par[0]) ? NULL : "df must be a positive finite number";
    default:
      if (!(par[0] > 0) || !isfinite(par[0])) return "df1 must be a positive finite number";
      if (!(par[1] > 0) || !isfinite(par[1])) return "df2 must be a positive finite number";
      return NULL;
  }
}

double modu_dist_cdf(modu_dist_kind k, double x, const double *par, bool upper) {
  switch (k) {
    case MODU_DIST_NORMAL: return di_norm_cdf((x - par[0]) / par[1], upper);
    case MODU_DIST_T: return di_t_cdf(x, par[0], upper);
    case MODU_DIST_CHISQ: return di_chisq_cdf(x, par[0], upper);
    default: return di_f_cdf(x, par[0], par[1], upper);
  }
}

double modu_dist_pdf(modu_dist_kind k, double x, const double *par) {
  switch (k) {
    case MODU_DIST_NORMAL: return di_norm_pdf((x - par[0]) / par[1]) / par[1];
    case MODU_DIST_T: return di_t_pdf(x, par[0]);
    case MODU_DIST_CHISQ: return di_chisq_pdf(x, par[0]);
    default: return di_f_pdf(x, par[0], par[1]);
  }
}

double modu_dist_quantile(modu_dist_kind k, double p, const double *par, bool upper) {
  if (!(p >= 0 && p <= 1)) return NAN;
  switch (k) {
    case MODU_DIST_NORMAL: return par[0] + par[1] * di_norm_quantile(p, upper);
    case MODU_DIST_T: return di_t_quantile(p, par[0], upper);
    case MODU_DIST_CHISQ: return di_chisq_quantile(p, par[0], upper);
    default: return di_f_quantile(p, par, upper);
  }
}
