/* Whole-column reductions: sum, mean, min, max, any, all. NA is skipped; the
 * statistics issue adds the rest (variance, quantiles) beside these. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "modu_core.h"
#include "stats.h"

/* Neumaier's variant of Kahan summation: also exact when a term dwarfs the sum */
static double red_fsum(const modu_column *c, int64_t *count) {
  double s = 0, comp = 0;
  int64_t n = 0;
  const double *x = MODU_F64(c);
  for (int64_t i = 0; i < c->len; i++) {
    if (modu_col_isna(c, i)) continue;
    double v = x[i], t = s + v;
    if (fabs(s) >= fabs(v)) comp += (s - t) + v;
    else comp += (v - t) + s;
    s = t;
    n++;
  }
  *count = n;
  /* Once the running sum is inf or NaN it stays so, and the correction term
   * (inf - inf) is NaN: give what plain IEEE summation gives (1 + inf = inf,
   * not NaN) */
  return isfinite(s) ? s + comp : s;
}

static int red_need_numeric(const modu_column *c, const char *what, modu_err *e) {
  if (c->type == MODU_INT || c->type == MODU_FLOAT || c->type == MODU_BOOL) return 0;
  return modu_errf(e, "%s needs an int, float or bool column, got %s", what, modu_type_name(c->type));
}

int modu_col_sum(const modu_column *c, modu_scalar *out, modu_err *e) {
  if (red_need_numeric(c, "sum", e)) return -1;
  memset(out, 0, sizeof *out);
  if (c->type == MODU_FLOAT) {
    int64_t n;
    out->type = MODU_FLOAT;
    out->v.f = red_fsum(c, &n);
    return 0;
  }
  int64_t s = 0;
  out->type = MODU_INT;
  for (int64_t i = 0; i < c->len; i++) {
    if (modu_col_isna(c, i)) continue;
    int64_t v = c->type == MODU_INT ? MODU_I64(c)[i] : MODU_U8(c)[i];
    if (__builtin_add_overflow(s, v, &s))
      return modu_errf(e, "sum overflows int64 at row %lld (cast the column to float)", (long long)i + 1);
  }
  out->v.i = s;
  return 0;
}

int modu_col_mean(const modu_column *c, modu_scalar *out, modu_err *e) {
  if (red_need_numeric(c, "mean", e)) return -1;
  memset(out, 0, sizeof *out);
  out->type = MODU_FLOAT;
  int64_t n = 0;
  double s;
  if (c->type == MODU_FLOAT) {
    /* the statistics kernel: a corrected mean, safe near the ends of the
     * double range; the present values are copied only when NA is there */
    n = c->len - modu_col_count_na(c);
    if (n == 0) {
      out->na = true;
      return 0;
    }
    const double *x = MODU_F64(c);
    double *tmp = NULL;
    if (n < c->len) {
      if (!(tmp = malloc((size_t)n * sizeof *tmp))) return modu_errf(e, "out of memory");
      for (int64_t i = 0, m = 0; i < c->len; i++)
        if (!modu_col_isna(c, i)) tmp[m++] = x[i];
      x = tmp;
    }
    out->v.f = modu_stats_mean(x, n);
    free(tmp);
    return 0;
  } else {
    /* integers: sum in long double pieces is not portable, so use compensated doubles */
    double comp = 0;
    s = 0;
    for (int64_t i = 0; i < c->len; i++) {
      if (modu_col_isna(c, i)) continue;
      double v = c->type == MODU_INT ? (double)MODU_I64(c)[i] : MODU_U8(c)[i], t = s + v;
      comp += fabs(s) >= fabs(v) ? (s - t) + v : (v - t) + s;
      s = t;
      n++;
    }
    s += comp;
  }
  if (n == 0) out->na = true;
  else out->v.f = s / (double)n;
  return 0;
}

int modu_col_minmax(const modu_column *c, bool want_max, modu_scalar *out, modu_err *e) {
  memset(out, 0, sizeof *out);
  out->type = c->type;
  int64_t best = -1;
  const int32_t *rank = NULL;
  if (c->type == MODU_STR && !(rank = modu_dict_ranks(c->dict))) return modu_errf(e, "out of memory");
  for (int64_t i = 0; i < c->len; i++) {
    if (modu_col_isna(c, i)) continue;
    if (best < 0) {
      best = i;
      continue;
    }
    int cmp;
    switch (c->type) {
      case MODU_INT: cmp = (MODU_I64(c)[i] > MODU_I64(c)[best]) - (MODU_I64(c)[i] < MODU_I64(c)[best]); break;
      case MODU_FLOAT: {
        double x = MODU_F64(c)[i], y = MODU_F64(c)[best];
        if (isnan(y)) continue;
        if (isnan(x)) {
          best = i;
          continue;
        }
        cmp = (x > y) - (x < y);
        break;
      }
      case MODU_STR: cmp = rank[MODU_I32(c)[i]] - rank[MODU_I32(c)[best]]; break;
      case MODU_DATE: cmp = (MODU_I32(c)[i] > MODU_I32(c)[best]) - (MODU_I32(c)[i] < MODU_I32(c)[best]); break;
      default: cmp = (int)MODU_U8(c)[i] - (int)MODU_U8(c)[best];
    }
    if (want_max ? cmp > 0 : cmp < 0) best = i;
  }
  if (best < 0) {
    out->na = true;
    return 0;
  }
  switch (c->type) {
    case MODU_INT: out->v.i = MODU_I64(c)[best]; break;
    case MODU_FLOAT: out->v.f = MODU_F64(c)[best]; break;
    case MODU_BOOL: out->v.b = MODU_U8(c)[best]; break;
    case MODU_DATE: out->v.d = MODU_I32(c)[best]; break;
    case MODU_STR: out->v.s.p = modu_dict_str(c->dict, MODU_I32(c)[best], &out->v.s.len);
  }
  return 0;
}

int modu_col_anyall(const modu_column *c, bool want_all, bool *out, modu_err *e) {
  if (c->type != MODU_BOOL)
    return modu_errf(e, "%s needs a bool column, got %s", want_all ? "all" : "any", modu_type_name(c->type));
  for (int64_t i = 0; i < c->len; i++) {
    if (modu_col_isna(c, i)) continue;
    if (want_all && !MODU_U8(c)[i]) return *out = false, 0;
    if (!want_all && MODU_U8(c)[i]) return *out = true, 0;
  }
  *out = want_all;
  return 0;
}
