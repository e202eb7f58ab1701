/* Normalisation (min-max, z-score, rank, distance to leader, winsorising) and
 * the composite index: scores, ranks, contributions, and the Monte Carlo
 * sensitivity of the ranks to weights, normalisation and aggregation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static const char *const ix_norm_names[] = {"minmax", "zscore", "rank", "distance_to_leader"};

int modu_norm_from_name(const char *s) {
  for (int i = 0; i < 4; i++)
    if (strcmp(s, ix_norm_names[i]) == 0) return i;
  return -1;
}

const char *modu_norm_name(modu_norm_kind k) { return ix_norm_names[k]; }

/* ---- normalisation: NaN marks a missing value and stays NaN ---- */

int modu_normalize(modu_norm_kind kind, const double *x, int64_t n, double direction, bool lo_one, double *out,
                   modu_err *e) {
  size_t sz = n ? (size_t)n : 1;
  double lo = INFINITY, hi = -INFINITY;
  int64_t m = 0;
  for (int64_t i = 0; i < n; i++) {
    if (isnan(x[i])) continue;
    if (isinf(x[i])) return modu_errf(e, "%s: value %lld is infinite", ix_norm_names[kind], (long long)i + 1);
    lo = fmin(lo, x[i]);
    hi = fmax(hi, x[i]);
    m++;
  }
  if (m == 0) {
    for (int64_t i = 0; i < n; i++) out[i] = NAN;
    return 0;
  }
  switch (kind) {
    case MODU_NORM_MINMAX: {
      /* direction -1: the smallest value scores best */
      double base = lo_one ? 1 : 0, span = lo_one ? 99 : 100;
      for (int64_t i = 0; i < n; i++) {
        if (isnan(x[i])) out[i] = NAN;
        else if (hi == lo) out[i] = base + span / 2; /* no spread: every unit in the middle */
        else out[i] = base + span * (direction > 0 ? (x[i] - lo) / (hi - lo) : (hi - x[i]) / (hi - lo));
      }
      return 0;
    }
    case MODU_NORM_ZSCORE: {
      double *v = malloc(sz * sizeof *v);
      if (!v) return modu_errf(e, "out of memory");
      int64_t k = 0;
      for (int64_t i = 0; i < n; i++)
        if (!isnan(x[i])) v[k++] = x[i];
      double mean = modu_stats_mean(v, k), sd = k > 1 ? modu_stats_sd(v, k, 1) : 0;
      free(v);
      for (int64_t i = 0; i < n; i++)
        out[i] = isnan(x[i]) ? NAN : sd > 0 ? direction * (x[i] - mean) / sd : 0;
      return 0;
    }
    case MODU_NORM_RANK: {
      /* average ranks of direction * x: the best unit gets the largest rank */
      double *v = malloc(sz * sizeof *v), *r = malloc(sz * sizeof *r);
      int64_t *pos = malloc(sz * sizeof *pos);
      if (!v || !r || !pos) {
        free(v);
        free(r);
        free(pos);
        return modu_errf(e, "out of memory");
      }
      int64_t k = 0;
      for (int64_t i = 0; i < n; i++)
        if (!isnan(x[i])) pos[k] = i, v[k++] = direction * x[i];
      int rc = modu_stats_rank(v, k, r, e);
      if (rc == 0) {
        for (int64_t i = 0; i < n; i++) out[i] = NAN;
        for (int64_t j = 0; j < k; j++) out[pos[j]] = r[j];
      }
      free(v);
      free(r);
      free(pos);
      return rc;
    }
    default: {
      if (direction > 0 && lo < 0)
        return modu_errf(e, "distance_to_leader needs values >= 0, got %g", lo);
      if (direction > 0 && hi == 0) return modu_errf(e, "distance_to_leader: every value is 0, so no unit leads");
      if (direction < 0 && !(lo > 0))
        return modu_errf(e, "distance_to_leader with direction -1 needs values > 0, got %g", lo);
      for (int64_t i = 0; i < n; i++)
        out[i] = isnan(x[i]) ? NAN : direction > 0 ? 100 * x[i] / hi : 100 * lo / x[i];
      return 0;
    }
  }
}

int modu_winsorize(const double *x, int64_t n, double p, double *out, modu_err *e) {
  double *v = malloc((n ? (size_t)n : 1) * sizeof *v);
  if (!v) return modu_errf(e, "out of memory");
  int64_t k = 0;
  for (int64_t i = 0; i < n; i++)
    if (!isnan(x[i])) v[k++] = x[i];
  double q[2] = {0, 0}, pr[2] = {p, 1 - p};
  if (k > 0) modu_stats_quantiles(v, k, pr, 2, 7, q);
  free(v);
  for (int64_t i = 0; i < n; i++) out[i] = isnan(x[i]) ? NAN : fmin(fmax(x[i], q[0]), q[1]);
  return 0;
}

/* ---- the index ---- */

/* per indicator, normalised values of the ranked units with the missing
 * ones imputed as the rule says (exclude leaves them NaN): nunit x nind */
static int ix_normalised(const modu_index_spec *s, const uint8_t *ranked, modu_norm_kind norm, bool lo_one,
                         double *out, modu_err *e) {
  size_t nu = s->nunit ? (size_t)s->nunit : 1;
  double *tmp = malloc(nu * sizeof *tmp);
  if (!tmp) return modu_errf(e, "out of memory");
  for (int k = 0; k < s->nind; k++) {
    const double *col = s->x + (size_t)k * (size_t)s->nunit;
    double *o = out + (size_t)k * (size_t)s->nunit;
    for (int64_t u = 0; u < s->nunit; u++) tmp[u] = ranked[u] ? col[u] : NAN;
    if (s->winsor > 0 && modu_winsorize(tmp, s->nunit, s->winsor, tmp, e)) goto fail;
    if (modu_normalize(norm, tmp, s->nunit, s->direction[k], lo_one, o, e)) goto fail;
    if (s->missing == MODU_MISSING_EXCLUDE) continue;
    double fill = s->missing == MODU_MISSING_MIN ? INFINITY : 0;
    int64_t m = 0;
    for (int64_t u = 0; u < s->nunit; u++) {
      if (isnan(o[u])) continue;
      if (s->missing == MODU_MISSING_MIN) fill = fmin(fill, o[u]);
      else fill += o[u];
      m++;
    }
    if (m == 0) continue; /* nothing to impute from: the indicator stays absent */
    if (s->missing == MODU_MISSING_MEAN) fill /= (double)m;
    for (int64_t u = 0; u < s->nunit; u++)
      if (ranked[u] && isnan(o[u])) o[u] = fill;
  }
  free(tmp);
  return 0;
fail:
  free(tmp);
  return -1;
}

/* score of unit u from normalised values nv under weights w; contrib
 * (optional) receives each indicator's part */
static double ix_score(const modu_index_spec *s, const double *nv, const double *w, int64_t u, modu_index_agg agg,
                       double *contrib) {
  double wsum = 0, acc = 0;
  for (int k = 0; k < s->nind; k++) {
    double v = nv[(size_t)k * (size_t)s->nunit + (size_t)u];
    if (!isnan(v)) wsum += w[k];
  }
  if (!(wsum > 0)) return NAN;
  bool zero = false;
  for (int k = 0; k < s->nind; k++) {
    double v = nv[(size_t)k * (size_t)s->nunit + (size_t)u], c = NAN;
    if (!isnan(v)) {
      if (agg == MODU_AGG_ARITHMETIC) {
        c = w[k] * v / wsum;
        acc += c;
      } else {
        if (v == 0) zero = true;
        else acc += w[k] * log(v) / wsum;
        if (contrib) c = pow(v, w[k] / wsum);
      }
    }
    if (contrib) contrib[(size_t)k * (size_t)s->nunit + (size_t)u] = c;
  }
  if (agg == MODU_AGG_ARITHMETIC) return acc;
  return zero ? 0 : exp(acc);
}

/* competition ranks by score, largest first (ties share the best rank);
 * units with a NaN score get 0. O(n^2) below 64 units, else by sorting. */
static int ix_cmp_desc(const void *a, const void *b, const double *score) {
  double x = score[*(const int64_t *)a], y = score[*(const int64_t *)b];
  return (x < y) - (x > y);
}

static void ix_rank(const double *score, int64_t n, int64_t *rank, int64_t *order) {
  if (n <= 64) {
    for (int64_t u = 0; u < n; u++) {
      if (isnan(score[u])) {
        rank[u] = 0;
        continue;
      }
      int64_t r = 1;
      for (int64_t v = 0; v < n; v++)
        if (score[v] > score[u]) r++;
      rank[u] = r;
    }
    return;
  }
  /* insertion-merge free path: a simple bottom-up merge sort of unit numbers */
  int64_t m = 0;
  for (int64_t u = 0; u < n; u++) {
    rank[u] = 0;
    if (!isnan(score[u])) order[m++] = u;
  }
  int64_t *tmp = order + n; /* order has room for 2n */
  int64_t *src = order, *dst = tmp;
  for (int64_t w = 1; w < m; w *= 2) {
    for (int64_t lo = 0; lo < m; lo += 2 * w) {
      int64_t mid = lo + w < m ? lo + w : m, hi = lo + 2 * w < m ? lo + 2 * w : m, i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = ix_cmp_desc(&src[j], &src[i], score) < 0 ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    int64_t *t = src;
    src = dst;
    dst = t;
  }
  for (int64_t i = 0; i < m; i++)
    rank[src[i]] = i > 0 && score[src[i]] == score[src[i - 1]] ? rank[src[i - 1]] : i + 1;
}

static int ix_check(const modu_index_spec *s, modu_norm_kind norm, modu_index_agg agg, modu_err *e) {
  if (norm == MODU_NORM_ZSCORE && agg == MODU_AGG_GEOMETRIC)
    return modu_errf(e, "geometric aggregation needs positive normalised values, and zscore gives negative "
                        "ones (use minmax, rank or distance_to_leader)");
  (void)s;
  return 0;
}

static void ix_coverage(const modu_index_spec *s, double *coverage, uint8_t *ranked) {
  for (int64_t u = 0; u < s->nunit; u++) {
    int present = 0;
    for (int k = 0; k < s->nind; k++)
      if (!isnan(s->x[(size_t)k * (size_t)s->nunit + (size_t)u])) present++;
    coverage[u] = s->nind ? (double)present / s->nind : 0;
    /* a small allowance: 2/3 coverage of 3 indicators must count as 2/3 */
    ranked[u] = present > 0 && coverage[u] >= s->min_coverage - 1e-12;
  }
}

int modu_index_compute(const modu_index_spec *s, modu_norm_kind norm, modu_index_agg agg, modu_index_result *r,
                       modu_err *e) {
  if (ix_check(s, norm, agg, e)) return -1;
  size_t nu = s->nunit ? (size_t)s->nunit : 1;
  uint8_t *ranked = malloc(nu);
  double *nv = malloc(nu * (size_t)(s->nind ? s->nind : 1) * sizeof *nv);
  int64_t *order = malloc(nu * 2 * sizeof *order);
  int rc = -1;
  if (!ranked || !nv || !order) {
    modu_errf(e, "out of memory");
    goto done;
  }
  ix_coverage(s, r->coverage, ranked);
  if (ix_normalised(s, ranked, norm, agg == MODU_AGG_GEOMETRIC && norm == MODU_NORM_MINMAX, nv, e)) goto done;
  for (int64_t u = 0; u < s->nunit; u++) {
    if (ranked[u]) {
      r->score[u] = ix_score(s, nv, s->weight, u, agg, r->contrib);
    } else {
      r->score[u] = NAN;
      for (int k = 0; k < s->nind; k++) r->contrib[(size_t)k * (size_t)s->nunit + (size_t)u] = NAN;
    }
  }
  ix_rank(r->score, s->nunit, r->rank, order);
  rc = 0;
done:
  free(ranked);
  free(nv);
  free(order);
  return rc;
}

/* ---- sensitivity ---- */

/* Gamma(alpha) variate: Marsaglia and Tsang's squeeze for alpha >= 1; for
 * alpha < 1 a Gamma(alpha + 1) variate times U^(1/alpha) */
static double ix_gamma(modu_rng *rng, double alpha) {
  if (alpha < 1) {
    double u = modu_rng_uniform01(rng);
    return ix_gamma(rng, alpha + 1) * pow(1 - u, 1 / alpha);
  }
  double d = alpha - 1.0 / 3, c = 1 / sqrt(9 * d);
  for (;;) {
    double x = modu_rng_normal(rng), v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    double u = 1 - modu_rng_uniform01(rng); /* (0, 1] */
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (log(u) < 0.5 * x * x + d * (1 - v + log(v))) return d * v;
  }
}

static void ix_draw_weights(modu_rng *rng, const modu_sensitivity_opts *o, const double *base, int k, double *w) {
  double total = 0;
  for (int i = 0; i < k; i++) total += base[i];
  for (int i = 0; i < k; i++) {
    switch (o->weights) {
      case MODU_WEIGHTS_FIXED: w[i] = base[i]; break;
      case MODU_WEIGHTS_JITTER: w[i] = base[i] * (1 + o->param * (2 * modu_rng_uniform01(rng) - 1)); break;
      default:
        /* flat Dirichlet: normalised exponentials; else concentration c
         * around the base weights: alpha_i = c k w_i / sum w */
        if (o->param > 0) w[i] = ix_gamma(rng, o->param * k * base[i] / total);
        else w[i] = -log(1 - modu_rng_uniform01(rng));
    }
    /* a weight that underflowed to 0 would turn a geometric 0 * log(0) into NaN */
    if (!(w[i] > 1e-300)) w[i] = 1e-300;
  }
}

/* one normalised table laid out for the draws: unit-major values (logs for
 * geometric means, where a 0 is -inf), and which units lack an indicator */
typedef struct ix_table {
  double *v;
  uint8_t *gap;
} ix_table;

static void ix_prepare(const modu_index_spec *s, const double *nv, bool logs, ix_table *t) {
  for (int64_t u = 0; u < s->nunit; u++) {
    t->gap[u] = 0;
    for (int k = 0; k < s->nind; k++) {
      double v = nv[(size_t)k * (size_t)s->nunit + (size_t)u];
      if (isnan(v)) t->gap[u] = 1;
      t->v[(size_t)u * (size_t)s->nind + (size_t)k] = logs && !isnan(v) ? (v > 0 ? log(v) : -INFINITY) : v;
    }
  }
}

/* the score of unit u under weights w that sum to 1 (a unit with gaps
 * renormalises over what it has). Geometric means stay logs: a log ranks
 * the units as the mean itself would, so the draws skip the exp. */
static double ix_draw_score(const ix_table *t, int nind, int64_t u, const double *w) {
  const double *v = t->v + (size_t)u * (size_t)nind;
  double acc = 0, ws = 1;
  if (t->gap[u]) {
    ws = 0;
    for (int k = 0; k < nind; k++)
      if (!isnan(v[k])) ws += w[k], acc += w[k] * v[k];
    if (!(ws > 0)) return NAN;
  } else {
    for (int k = 0; k < nind; k++) acc += w[k] * v[k];
  }
  return acc / ws;
}

int modu_index_sensitivity(const modu_index_spec *s, const modu_sensitivity_opts *o, int64_t *counts, modu_err *e) {
  for (int a = 0; a < o->nnorm; a++)
    for (int b = 0; b < o->naggs; b++)
      if (ix_check(s, o->norms[a], o->aggs[b], e)) return -1;
  size_t nu = s->nunit ? (size_t)s->nunit : 1, nk = (size_t)(s->nind ? s->nind : 1);
  /* per normalisation: a table for arithmetic means, and one of logs (with
   * min-max on [1, 100]) for geometric ones */
  int ntab = o->nnorm * 2;
  uint8_t *ranked = malloc(nu), *gaps = malloc(nu * (size_t)ntab);
  double *cov = malloc(nu * sizeof *cov), *score = malloc(nu * sizeof *score), *w = malloc(nk * sizeof *w);
  double *nv = malloc(nu * nk * sizeof *nv), *vals = malloc(nu * nk * (size_t)ntab * sizeof *vals);
  int64_t *rank = malloc(nu * sizeof *rank), *order = malloc(nu * 2 * sizeof *order);
  ix_table tabs[16];
  int rc = -1;
  if (!ranked || !gaps || !cov || !score || !w || !nv || !vals || !rank || !order) {
    modu_errf(e, "out of memory");
    goto done;
  }
  ix_coverage(s, cov, ranked);
  /* the normalised tables do not depend on the draw: build each once */
  for (int a = 0; a < o->nnorm; a++)
    for (int geo = 0; geo < 2; geo++) {
      ix_table *t = &tabs[2 * a + geo];
      t->v = vals + (size_t)(2 * a + geo) * nu * nk;
      t->gap = gaps + (size_t)(2 * a + geo) * nu;
      if (ix_normalised(s, ranked, o->norms[a], geo && o->norms[a] == MODU_NORM_MINMAX, nv, e)) goto done;
      ix_prepare(s, nv, geo, t);
    }
  memset(counts, 0, nu * nu * sizeof *counts);
  modu_rng rng;
  modu_rng_seed(&rng, o->seed);
  for (int64_t d = 0; d < o->draws; d++) {
    /* every draw takes the same random numbers whatever is varied, so one
     * seed gives one sequence of weights */
    int a = (int)modu_rng_between(&rng, 0, o->nnorm - 1), b = (int)modu_rng_between(&rng, 0, o->naggs - 1);
    ix_draw_weights(&rng, o, s->weight, s->nind, w);
    double ws = 0;
    for (int k = 0; k < s->nind; k++) ws += w[k];
    for (int k = 0; k < s->nind; k++) w[k] /= ws;
    bool geo = o->aggs[b] == MODU_AGG_GEOMETRIC;
    const ix_table *t = &tabs[2 * a + geo];
    for (int64_t u = 0; u < s->nunit; u++) score[u] = ranked[u] ? ix_draw_score(t, s->nind, u, w) : NAN;
    ix_rank(score, s->nunit, rank, order);
    for (int64_t u = 0; u < s->nunit; u++)
      if (rank[u] > 0) counts[(size_t)u * nu + (size_t)(rank[u] - 1)]++;
  }
  rc = 0;
done:
  free(ranked);
  free(gaps);
  free(cov);
  free(score);
  free(w);
  free(nv);
  free(vals);
  free(rank);
  free(order);
  return rc;
}
