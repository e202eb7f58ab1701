/* Statistics kernels: descriptive statistics, association, least squares,
 * growth, regional-economics measures, normalisation and the composite index. */
#ifndef MODU_STATS_H
#define MODU_STATS_H

#include "group.h"

/* ---- values ---- */
bool modu_stats_numeric(const modu_column *c); /* int, float or bool */
/* the non-NA values of a numeric column into out (room for c->len); count */
int64_t modu_stats_gather(const modu_column *c, double *out);
/* rows where both columns are present (pairwise complete), into x and y */
int64_t modu_stats_gather2(const modu_column *a, const modu_column *b, double *x, double *y);

/* ---- descriptive (NaN in the input gives NaN unless stated) ---- */
double modu_stats_sum(const double *x, int64_t n); /* compensated */
/* mean with one correction pass: exact to a few ulps even with a large offset */
double modu_stats_mean(const double *x, int64_t n);
/* sum of squared deviations from the mean, by the corrected two-pass formula */
double modu_stats_ssd(const double *x, int64_t n, double mean);
/* variance with denominator n - ddof; NaN when n - ddof <= 0 */
double modu_stats_var(const double *x, int64_t n, double ddof);
/* its square root, finite whenever the standard deviation is (the variance
 * of values beyond 1e154 overflows, that of values below 1e-154 underflows) */
double modu_stats_sd(const double *x, int64_t n, double ddof);
/* skewness and excess kurtosis; adjusted: the bias-corrected G1 and G2 (as
 * SAS, Excel and pandas), else the moment estimators g1 and g2. NaN when n is
 * too small (G1 needs 3 values, G2 4) or the values are all equal. */
void modu_stats_shape(const double *x, int64_t n, bool adjusted, double *skew, double *kurt);
/* Hyndman-Fan quantile of type 1..9 by selection; reorders x; n >= 1 */
double modu_stats_quantile(double *x, int64_t n, double p, int type);
/* several quantiles at once (any order of p); reorders x */
void modu_stats_quantiles(double *x, int64_t n, const double *p, int np, int type, double *out);
/* the same straight from a numeric column (NA skipped), of x or, with
 * absdev, of |x - center|; copies only the values near the wanted ranks.
 * *present: the count of non-NA values (0: every out is NaN) */
int modu_stats_quantiles_col(const modu_column *c, bool absdev, double center, const double *p, int np, int type,
                             double *out, int64_t *present, modu_err *e);
/* median absolute deviation from the median, times constant; overwrites x */
double modu_stats_mad(double *x, int64_t n, double constant);
/* autocorrelation at lag k, NIST's definition (mean and denominator over
 * all values); ok (NULL: all present) marks the present rows of x */
double modu_stats_acf(const double *x, const uint8_t *ok, int64_t n, int64_t lag);
/* covariance (denominator n - ddof) and Pearson correlation of pairs */
double modu_stats_cov(const double *x, const double *y, int64_t n, double ddof);
double modu_stats_pearson(const double *x, const double *y, int64_t n);
/* average ranks (ties share the mean of their positions), 1-based */
int modu_stats_rank(const double *x, int64_t n, double *rank, modu_err *e);
int modu_stats_spearman(const double *x, const double *y, int64_t n, double *r, modu_err *e);
/* Kendall's tau-b by merge-sort counting (Knight), O(n log n) */
int modu_stats_kendall(const double *x, const double *y, int64_t n, double *tau, modu_err *e);

/* the most frequent value of a column (ties: the smallest, strings in byte
 * order; NA when every value is NA), its frequency and the number of
 * distinct values. A string value points into the column's dictionary. */
int modu_stats_mode(const modu_column *c, modu_scalar *value, int64_t *count, int64_t *distinct, modu_err *e);

/* ---- per-group statistics that group.h's aggregates do not have ---- */
typedef enum {
  MODU_STAT_VAR, MODU_STAT_SD, MODU_STAT_QUANTILE, MODU_STAT_MEDIAN, MODU_STAT_IQR, MODU_STAT_MAD,
  MODU_STAT_SKEWNESS, MODU_STAT_KURTOSIS, MODU_STAT_RANGE, MODU_STAT_MEAN, MODU_STAT_MIN, MODU_STAT_MAX,
  MODU_STAT_COUNT, MODU_STAT_ACF
} modu_stat_kind;
#define MODU_STAT_NAMES "var, sd, quantile, median, iqr, mad, skewness, kurtosis, range, mean, min, max, count, acf"
int modu_stat_kind_from_name(const char *s); /* -1 when unknown */
/* one value of the statistic on v[0..n) (reordered); param: ddof, p, the mad
 * constant or the lag; type: the quantile type or 1 for adjusted shape */
double modu_stats_reduce(modu_stat_kind kind, double *v, int64_t n, double param, int type);
/* the statistic per group (g NULL: one group), a float column */
modu_column *modu_stats_by(modu_stat_kind kind, modu_groups *g, const modu_column *x, double param, int type,
                           modu_err *e);

/* ---- least squares (ols.c) ---- */
typedef struct modu_ols_fit {
  double *coef, *se;      /* p values each, filled by modu_ols (caller's memory) */
  double *fitted, *resid; /* n values each (caller's memory) */
  double rss, tss, r2, adj_r2, sigma, fstat, df_model, df_resid;
  int bad_column;  /* on a rank failure: the first column in the span of those before it */
  int refinements; /* iterative refinement steps taken */
} modu_ols_fit;
/* X: n rows by p columns, column-major; intercept: column 0 is the constant
 * (R^2 then centered, else uncentered as NIST certifies). Householder QR on
 * power-of-two scaled columns, refined on the augmented system with residuals
 * in doubled precision. -1 + e on failure (bad_column >= 0 when collinear). */
int modu_ols(const double *X, const double *y, int64_t n, int p, bool intercept, modu_ols_fit *fit, modu_err *e);
/* the same for a design known beyond doubles: X + Xlo (Xlo NULL: 0). QR
 * factors X; the refinement of the coefficients and of the standard errors
 * uses X + Xlo, so they converge to the solution for the exact design */
int modu_ols_dd(const double *X, const double *Xlo, const double *y, int64_t n, int p, bool intercept,
                modu_ols_fit *fit, modu_err *e);
/* a polynomial design x^0 .. x^(p-1), column-major: hi + lo = the powers to
 * doubled precision */
void modu_ols_poly_design(const double *t, int64_t n, int p, double *hi, double *lo);

/* ---- growth ---- */
/* a trend y = a + b t (log: ln y = a + b t) over the pairs of t and y */
typedef struct modu_trend {
  double a, b, se_b, r2;
  int64_t n;
} modu_trend;
int modu_stats_trend(const double *t, const double *y, int64_t n, bool log_scale, modu_trend *tr, modu_err *e);
/* where d (the gap a - b, or log a - log b) changes sign between consecutive
 * t: up when a goes from behind to level or ahead; out needs n - 1 entries */
typedef struct modu_crossing {
  int64_t i; /* the observation after the crossing */
  bool up;
  double time; /* d interpolated linearly in t */
} modu_crossing;
int64_t modu_stats_crossings(const double *t, const double *d, int64_t n, modu_crossing *out);

/* ---- regional economics ---- */
/* HHI of the shares of x (sum of squared shares, 1/n .. 1), normalised
 * (0 .. 1), and the share of the k largest (crk may be NULL) */
int modu_stats_concentration(const double *x, int64_t n, int64_t k, double *hhi, double *hhi_norm, double *crk,
                             modu_err *e);
/* per row (region, industry, value): the location quotient; NaN skipped */
int modu_stats_location_quotient(const double *v, const int32_t *region, int64_t nreg, const int32_t *industry,
                                 int64_t nind, int64_t n, double *lq, modu_err *e);
/* per row: the national-growth, industry-mix and competitive parts of
 * f - s, with the rows as the nation */
int modu_stats_shift_share(const double *s, const double *f, const int32_t *industry, int64_t nind, int64_t n,
                           double *national, double *mix, double *competitive, modu_err *e);

/* ---- normalisation (index.c): each maps x[0..n) (NaN = missing, kept) so
 * that larger is better for direction +1 ---- */
typedef enum { MODU_NORM_MINMAX, MODU_NORM_ZSCORE, MODU_NORM_RANK, MODU_NORM_DTL } modu_norm_kind;
#define MODU_NORM_NAMES "minmax, zscore, rank, distance_to_leader"
int modu_norm_from_name(const char *s); /* -1 when unknown */
const char *modu_norm_name(modu_norm_kind k);
/* lo_one: min-max onto [1, 100] instead of [0, 100] (for geometric means) */
int modu_normalize(modu_norm_kind kind, const double *x, int64_t n, double direction, bool lo_one, double *out,
                   modu_err *e);
/* clamps to the p and 1-p quantiles (type 7) of the present values */
int modu_winsorize(const double *x, int64_t n, double p, double *out, modu_err *e);

/* ---- composite index (index.c) ---- */
typedef enum { MODU_AGG_ARITHMETIC, MODU_AGG_GEOMETRIC } modu_index_agg;
typedef enum { MODU_MISSING_EXCLUDE, MODU_MISSING_MEAN, MODU_MISSING_MIN } modu_index_missing;
typedef enum { MODU_WEIGHTS_FIXED, MODU_WEIGHTS_DIRICHLET, MODU_WEIGHTS_JITTER } modu_weights_kind;

typedef struct modu_index_spec {
  int64_t nunit;
  int nind;
  const double *x;         /* nunit x nind column-major; NaN = missing */
  const double *direction; /* nind, +1 or -1 */
  const double *weight;    /* nind, > 0 */
  modu_index_missing missing;
  double min_coverage; /* share of indicators a unit needs to be ranked */
  double winsor;       /* 0: none, else the tail share clamped before normalising */
} modu_index_spec;

typedef struct modu_index_result {
  double *score;    /* nunit; NaN when not ranked */
  double *coverage; /* nunit: share of indicators present */
  int64_t *rank;    /* nunit; 0 when not ranked; ties share the best rank */
  double *contrib;  /* nunit x nind: arithmetic, points that add to the score;
                       geometric, factors whose product is the score; NaN when absent */
} modu_index_result;

int modu_index_compute(const modu_index_spec *s, modu_norm_kind norm, modu_index_agg agg, modu_index_result *r,
                       modu_err *e);

typedef struct modu_sensitivity_opts {
  int64_t draws;
  uint64_t seed;
  modu_weights_kind weights;
  double param; /* jitter half-width, or Dirichlet concentration (0: flat) */
  const modu_norm_kind *norms;
  int nnorm;
  const modu_index_agg *aggs;
  int naggs;
} modu_sensitivity_opts;

/* counts[u * nunit + (r - 1)] = draws in which unit u ranked r (ranked units
 * only; others stay 0) */
int modu_index_sensitivity(const modu_index_spec *s, const modu_sensitivity_opts *o, int64_t *counts, modu_err *e);

#endif
