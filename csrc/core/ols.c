/* Least squares: Householder QR on power-of-two scaled columns, a rank check
 * that names the first collinear column, and Bjorck's iterative refinement
 * of the augmented system with residuals accumulated in doubled precision. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* a column whose distance from the span of the columns before it is below
 * this share of its own length is collinear with them to working precision */
#define OLS_RANK_TOL 1e-13

/* the largest n p^2 for which the standard errors are refined (see
 * ols_variances): a few tenths of a second */
#define OLS_SE_WORK 4e6

/* ---- doubled precision: exact products and sums (Dekker, Knuth), and the
 * dot product of Ogita, Rump and Oishi (Dot2): as if computed in twice the
 * working precision, then rounded ---- */

static double ols_two_sum(double a, double b, double *err) {
  double s = a + b, z = s - a;
  *err = (a - (s - z)) + (b - z);
  return s;
}

static void ols_split(double a, double *hi, double *lo) {
  double c = 134217729.0 * a;
  *hi = c - (c - a);
  *lo = a - *hi;
}

static double ols_two_prod(double a, double b, double *err) {
  double p = a * b, ah, al, bh, bl;
  ols_split(a, &ah, &al);
  ols_split(b, &bh, &bl);
  *err = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

typedef struct ols_dot {
  double s, c;
} ols_dot;

static void ols_dot_add_prod(ols_dot *d, double a, double b) {
  double pe, se, p = ols_two_prod(a, b, &pe);
  d->s = ols_two_sum(d->s, p, &se);
  d->c += pe + se;
}

static void ols_dot_add(ols_dot *d, double a) {
  double se;
  d->s = ols_two_sum(d->s, a, &se);
  d->c += se;
}

static double ols_dot_value(const ols_dot *d) { return d->s + d->c; }

/* ---- the factorisation ---- */

typedef struct ols_qr {
  int64_t n;
  int p;
  double *a;     /* n x p: Householder vectors below and on the diagonal */
  double *rdiag; /* p: diagonal of R */
  double *tau;   /* p */
} ols_qr;

/* Euclidean norm without overflow or underflow in the squares */
static double ols_norm(const double *v, int64_t n) {
  double big = 0;
  for (int64_t i = 0; i < n; i++)
    if (fabs(v[i]) > big) big = fabs(v[i]);
  if (big == 0 || !isfinite(big)) return big;
  double s = 0;
  for (int64_t i = 0; i < n; i++) {
    double t = v[i] / big;
    s += t * t;
  }
  return big * sqrt(s);
}

/* factors qr->a in place; -1 with *bad = the collinear column */
static int ols_factor(ols_qr *qr, int *bad) {
  int64_t n = qr->n;
  int p = qr->p;
  for (int k = 0; k < p; k++) {
    double *col = qr->a + (size_t)k * (size_t)n;
    double full = ols_norm(col, n);       /* the column as it came, after earlier reflections */
    double sigma = ols_norm(col + k, n - k); /* the part outside the span of columns 0..k-1 */
    if (!(sigma > OLS_RANK_TOL * full)) {
      *bad = k;
      return -1;
    }
    double akk = col[k], alpha = akk > 0 ? -sigma : sigma;
    col[k] = akk - alpha;
    qr->tau[k] = 1 / (sigma * (sigma + fabs(akk)));
    qr->rdiag[k] = alpha;
    for (int j = k + 1; j < p; j++) {
      double *cj = qr->a + (size_t)j * (size_t)n, s = 0;
      for (int64_t i = k; i < n; i++) s += col[i] * cj[i];
      s *= qr->tau[k];
      for (int64_t i = k; i < n; i++) cj[i] -= s * col[i];
    }
  }
  return 0;
}

/* v <- Q^T v (n values) */
static void ols_apply_qt(const ols_qr *qr, double *v) {
  for (int k = 0; k < qr->p; k++) {
    const double *col = qr->a + (size_t)k * (size_t)qr->n;
    double s = 0;
    for (int64_t i = k; i < qr->n; i++) s += col[i] * v[i];
    s *= qr->tau[k];
    for (int64_t i = k; i < qr->n; i++) v[i] -= s * col[i];
  }
}

/* v <- Q v */
static void ols_apply_q(const ols_qr *qr, double *v) {
  for (int k = qr->p - 1; k >= 0; k--) {
    const double *col = qr->a + (size_t)k * (size_t)qr->n;
    double s = 0;
    for (int64_t i = k; i < qr->n; i++) s += col[i] * v[i];
    s *= qr->tau[k];
    for (int64_t i = k; i < qr->n; i++) v[i] -= s * col[i];
  }
}

static double ols_r(const ols_qr *qr, int i, int j) { /* R[i][j], i <= j */
  return i == j ? qr->rdiag[i] : qr->a[(size_t)j * (size_t)qr->n + (size_t)i];
}

/* solves R x = b in place */
static void ols_solve_r(const ols_qr *qr, double *b) {
  for (int i = qr->p - 1; i >= 0; i--) {
    double s = b[i];
    for (int j = i + 1; j < qr->p; j++) s -= ols_r(qr, i, j) * b[j];
    b[i] = s / qr->rdiag[i];
  }
}

/* solves R^T x = b in place */
static void ols_solve_rt(const ols_qr *qr, double *b) {
  for (int i = 0; i < qr->p; i++) {
    double s = b[i];
    for (int j = 0; j < i; j++) s -= ols_r(qr, j, i) * b[j];
    b[i] = s / qr->rdiag[i];
  }
}

static double ols_max_abs(const double *v, int n) {
  double m = 0;
  for (int i = 0; i < n; i++)
    if (fabs(v[i]) > m) m = fabs(v[i]);
  return m;
}

/* the design, scaled: hi holds the doubles QR factored, lo (may be NULL)
 * what they lack of the exact design (polynomial powers carry it) */
typedef struct ols_design {
  const double *hi, *lo;
} ols_design;

/* acc += -(hi + lo)[i][j] * v, in doubled precision */
static void ols_dot_sub_x(ols_dot *acc, const ols_design *X, int64_t n, int64_t i, int j, double v) {
  size_t at = (size_t)j * (size_t)n + (size_t)i;
  ols_dot_add_prod(acc, -X->hi[at], v);
  if (X->lo) ols_dot_add_prod(acc, -X->lo[at], v);
}

/* Bjorck's refinement of [I X; X^T 0] [r; x] = [b; c] (b NULL: 0; c NULL:
 * 0). With the residuals f = b - r - X x and g = c - X^T r formed in
 * doubled precision, each step gains the digits the factorisation lost to
 * conditioning, for x and r alike (plain refinement of x alone cannot
 * repair the part of the error carried by a large residual). b = y, c = 0
 * is least squares; b = 0, c = e_j gives x = -(X^T X)^-1 e_j, the column
 * of the covariance matrix behind the j-th standard error. */
static int ols_refine(const ols_qr *qr, const ols_design *X, const double *b, const double *c, double *x, double *r,
                      double *work) {
  int64_t n = qr->n;
  int p = qr->p, steps = 0;
  double *f = work, *g = work + n, *d = g + p;
  double prev = INFINITY;
  for (int it = 0; it < 12; it++) {
    for (int64_t i = 0; i < n; i++) {
      ols_dot acc = {b ? b[i] : 0, 0};
      ols_dot_add(&acc, -r[i]);
      for (int j = 0; j < p; j++) ols_dot_sub_x(&acc, X, n, i, j, x[j]);
      f[i] = ols_dot_value(&acc);
    }
    for (int j = 0; j < p; j++) {
      ols_dot acc = {c ? c[j] : 0, 0};
      for (int64_t i = 0; i < n; i++) ols_dot_sub_x(&acc, X, n, i, j, r[i]);
      g[j] = ols_dot_value(&acc);
    }
    /* Q^T f = [f1; f2]; d1 = R^-T g; dx = R^-1 (f1 - d1); dr = Q [d1; f2] */
    ols_apply_qt(qr, f);
    memcpy(d, g, (size_t)p * sizeof *d);
    ols_solve_rt(qr, d);
    for (int j = 0; j < p; j++) g[j] = f[j] - d[j];
    ols_solve_r(qr, g);
    for (int j = 0; j < p; j++) f[j] = d[j];
    ols_apply_q(qr, f);
    double dx = ols_max_abs(g, p), xm = ols_max_abs(x, p);
    if (!(dx < prev)) break; /* no longer converging: keep what we have */
    for (int j = 0; j < p; j++) x[j] += g[j];
    for (int64_t i = 0; i < n; i++) r[i] += f[i];
    steps++;
    prev = dx;
    if (dx <= DBL_EPSILON * xm) break;
  }
  return steps;
}

/* 2^-k nearest 1 / |column|: scaling by it is exact */
static double ols_scale(const double *v, int64_t n) {
  double nv = ols_norm(v, n);
  if (!(nv > 0) || !isfinite(nv)) return 1;
  int e;
  frexp(nv, &e);
  return ldexp(1, -e);
}

/* the standard errors' variances, diag (Xs^T Xs)^-1, into v: first as the
 * squared row norms of R^-1; then, when R's condition number says those
 * may have lost digits, each refined on the augmented system with
 * c = e_j (doubled-precision residuals, the exact design as for the
 * coefficients). aux: n + 2p doubles; work as for ols_refine */
static void ols_variances(const ols_qr *qr, const ols_design *X, double *rinv, double *v, double *aux,
                          double *work) {
  int64_t n = qr->n;
  int p = qr->p;
  memset(rinv, 0, (size_t)p * (size_t)p * sizeof *rinv);
  double rnorm = 0, inorm = 0;
  for (int j = 0; j < p; j++) {
    double *colj = rinv + (size_t)j * (size_t)p; /* column j of R^-1 */
    colj[j] = 1;
    for (int i = j; i >= 0; i--) {
      double s = colj[i];
      for (int k = i + 1; k <= j; k++) s -= ols_r(qr, i, k) * colj[k];
      colj[i] = s / qr->rdiag[i];
      inorm += colj[i] * colj[i];
      rnorm += ols_r(qr, i, j) * ols_r(qr, i, j);
    }
  }
  for (int i = 0; i < p; i++) {
    double m = 0;
    for (int j = i; j < p; j++) m = fmax(m, fabs(rinv[(size_t)j * (size_t)p + (size_t)i]));
    double s = 0;
    for (int j = i; j < p && m > 0; j++) {
      double t = rinv[(size_t)j * (size_t)p + (size_t)i] / m;
      s += t * t;
    }
    v[i] = m * m * s;
  }
  /* kappa eps bounds the relative error of the plain variances: below
   * 1e-13 they are as good as refinement would make them. Refinement costs
   * a few passes over the n x p design per coefficient: past OLS_SE_WORK
   * (n p^2) the plain values stay, as good as QR gives (about 16 digits
   * less log10 kappa) */
  if (!(sqrt(rnorm * inorm) * DBL_EPSILON > 1e-13) || (double)n * p * p > OLS_SE_WORK) return;
  double *r = aux, *x = aux + n, *c = x + p;
  for (int j = 0; j < p; j++) {
    /* r = Q [R^-T e_j; 0], x = -R^-1 R^-T e_j */
    memset(c, 0, (size_t)p * sizeof *c);
    c[j] = 1;
    ols_solve_rt(qr, c);
    memset(r, 0, (size_t)n * sizeof *r);
    memcpy(r, c, (size_t)p * sizeof *r);
    ols_apply_q(qr, r);
    for (int k = 0; k < p; k++) x[k] = -c[k];
    ols_solve_r(qr, x);
    memset(c, 0, (size_t)p * sizeof *c);
    c[j] = 1;
    ols_refine(qr, X, NULL, c, x, r, work);
    if (-x[j] > 0) v[j] = -x[j];
  }
}

int modu_ols(const double *X, const double *y, int64_t n, int p, bool intercept, modu_ols_fit *fit, modu_err *e) {
  return modu_ols_dd(X, NULL, y, n, p, intercept, fit, e);
}

int modu_ols_dd(const double *X, const double *Xlo, const double *y, int64_t n, int p, bool intercept,
                modu_ols_fit *fit, modu_err *e) {
  fit->bad_column = -1;
  fit->refinements = 0;
  if (p < 1 || n < p) return modu_errf(e, "%lld rows cannot determine %d coefficients", (long long)n, p);
  for (int64_t i = 0; i < n; i++) {
    if (!isfinite(y[i])) return modu_errf(e, "the response is not finite in row %lld", (long long)i + 1);
    for (int j = 0; j < p; j++)
      if (!isfinite(X[(size_t)j * (size_t)n + (size_t)i]))
        return modu_errf(e, "column %d is not finite in row %lld", j + 1, (long long)i + 1);
  }
  size_t np = (size_t)n * (size_t)p;
  double *xs = malloc(np * sizeof *xs), *a = malloc(np * sizeof *a), *xl = Xlo ? malloc(np * sizeof *xl) : NULL;
  double *small = malloc(((size_t)p * (5 + (size_t)p)) * sizeof *small);
  double *work = malloc(((size_t)n * 2 + (size_t)p * 4) * sizeof *work);
  double *aux = malloc(((size_t)n + (size_t)p * 2) * sizeof *aux);
  int rc = -1;
  if (!xs || !a || !small || !work || !aux || (Xlo && !xl)) {
    modu_errf(e, "out of memory");
    goto done;
  }
  double *scale = small, *rdiag = small + p, *tau = rdiag + p, *x = tau + p, *var = x + p, *rinv = var + p;
  for (int j = 0; j < p; j++) {
    const double *src = X + (size_t)j * (size_t)n;
    scale[j] = ols_scale(src, n);
    for (int64_t i = 0; i < n; i++) xs[(size_t)j * (size_t)n + (size_t)i] = src[i] * scale[j];
    for (int64_t i = 0; xl && i < n; i++) {
      size_t at = (size_t)j * (size_t)n + (size_t)i;
      xl[at] = Xlo[at] * scale[j];
    }
  }
  memcpy(a, xs, np * sizeof *a);
  ols_qr qr = {n, p, a, rdiag, tau};
  ols_design des = {xs, xl};
  if (ols_factor(&qr, &fit->bad_column)) {
    modu_errf(e, "column %d is a linear combination of the columns before it", fit->bad_column + 1);
    goto done;
  }
  /* first solution, then refinement; r starts as y - X x in doubled precision */
  double *r = fit->resid, *c = work;
  memcpy(c, y, (size_t)n * sizeof *c);
  ols_apply_qt(&qr, c);
  memcpy(x, c, (size_t)p * sizeof *x);
  ols_solve_r(&qr, x);
  for (int64_t i = 0; i < n; i++) {
    ols_dot acc = {y[i], 0};
    for (int j = 0; j < p; j++) ols_dot_sub_x(&acc, &des, n, i, j, x[j]);
    r[i] = ols_dot_value(&acc);
  }
  fit->refinements = ols_refine(&qr, &des, y, NULL, x, r, work);
  /* coefficients that reproduce y exactly leave residuals of exactly 0
   * (the refined r can keep a trace far below y's last digit) */
  bool exact = true;
  for (int64_t i = 0; i < n && exact; i++) {
    ols_dot acc = {y[i], 0};
    for (int j = 0; j < p; j++) ols_dot_sub_x(&acc, &des, n, i, j, x[j]);
    exact = acc.s == 0 && acc.c == 0;
  }
  if (exact) memset(r, 0, (size_t)n * sizeof *r);

  /* statistics */
  ols_dot rss = {0, 0}, tss = {0, 0}, reg = {0, 0};
  for (int64_t i = 0; i < n; i++) {
    ols_dot_add_prod(&rss, r[i], r[i]);
    fit->fitted[i] = y[i] - r[i];
  }
  double ybar = 0;
  if (intercept) ybar = modu_stats_mean(y, n);
  for (int64_t i = 0; i < n; i++) {
    double dy = y[i] - ybar, df = fit->fitted[i] - ybar;
    ols_dot_add_prod(&tss, dy, dy);
    ols_dot_add_prod(&reg, df, df);
  }
  fit->rss = ols_dot_value(&rss);
  fit->tss = ols_dot_value(&tss);
  double ssreg = ols_dot_value(&reg);
  fit->df_resid = (double)(n - p);
  fit->df_model = intercept ? p - 1 : p;
  fit->r2 = fit->tss > 0 ? 1 - fit->rss / fit->tss : NAN;
  fit->adj_r2 = fit->df_resid > 0 ? 1 - (1 - fit->r2) * ((double)n - (intercept ? 1 : 0)) / fit->df_resid : NAN;
  fit->sigma = fit->df_resid > 0 ? sqrt(fit->rss / fit->df_resid) : NAN;
  fit->fstat = fit->df_model > 0 && fit->df_resid > 0
                   ? (ssreg / fit->df_model) / (fit->rss / fit->df_resid) : NAN;
  /* (X^T X)^-1 = D (Xs^T Xs)^-1 D */
  if (fit->sigma > 0) ols_variances(&qr, &des, rinv, var, aux, work);
  for (int i = 0; i < p; i++) {
    fit->coef[i] = x[i] * scale[i];
    fit->se[i] = fit->sigma > 0 ? fit->sigma * scale[i] * sqrt(var[i]) : fit->sigma;
  }
  rc = 0;
done:
  free(xs);
  free(a);
  free(xl);
  free(small);
  free(work);
  free(aux);
  return rc;
}

/* the design of a polynomial of degree p - 1 in x: X[i][j] = x_i^j as the
 * double nearest (hi) and the rest (lo), the powers formed in doubled
 * precision */
void modu_ols_poly_design(const double *t, int64_t n, int p, double *hi, double *lo) {
  for (int64_t i = 0; i < n; i++) {
    double h = 1, l = 0;
    for (int j = 0; j < p; j++) {
      hi[(size_t)j * (size_t)n + (size_t)i] = h;
      lo[(size_t)j * (size_t)n + (size_t)i] = l;
      double err, ph = ols_two_prod(h, t[i], &err), pl = l * t[i] + err;
      h = ph + pl; /* renormalise: h the nearest double, l the rest */
      l = pl - (h - ph);
    }
  }
}

int modu_stats_trend(const double *t, const double *y, int64_t n, bool log_scale, modu_trend *tr, modu_err *e) {
  if (n < 2) return modu_errf(e, "a trend needs at least 2 observations, got %lld", (long long)n);
  size_t sz = (size_t)n;
  double *X = malloc(sz * 2 * sizeof *X), *ly = malloc(sz * sizeof *ly), *out = malloc(sz * 2 * sizeof *out);
  if (!X || !ly || !out) {
    free(X);
    free(ly);
    free(out);
    return modu_errf(e, "out of memory");
  }
  int rc = 0;
  for (int64_t i = 0; i < n && rc == 0; i++) {
    X[i] = 1;
    X[n + i] = t[i];
    if (log_scale && !(y[i] > 0)) rc = modu_errf(e, "a log trend needs positive values, got %g in row %lld", y[i], (long long)i + 1);
    ly[i] = log_scale ? log(y[i]) : y[i];
  }
  double coef[2], se[2];
  modu_ols_fit fit = {coef, se, out, out + n, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0};
  if (rc == 0 && modu_ols(X, ly, n, 2, true, &fit, e)) {
    rc = fit.bad_column >= 0 ? modu_errf(e, "the times are all equal: no trend can be fitted") : -1;
  }
  if (rc == 0) {
    tr->a = coef[0];
    tr->b = coef[1];
    tr->se_b = se[1];
    tr->r2 = fit.r2;
    tr->n = n;
  }
  free(X);
  free(ly);
  free(out);
  return rc;
}
