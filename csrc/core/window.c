/* Window functions over the rows of each group in frame order: offsets (lag,
 * lead, diff, pct_change), running totals, ranks, row numbers, rolling sums. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"

int modu_rank_method_from_name(const char *s) {
  static const char *const names[] = {"average", "min", "max", "dense", "ordinal"};
  for (int i = 0; i < 5; i++)
    if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

/* the row lists of each group: g's CSR, or one group of every row in order */
typedef struct win_groups {
  const int64_t *off, *rows; /* rows NULL: identity */
  int64_t ngroups, n;
  int64_t one[2];
} win_groups;

static int win_init(win_groups *w, modu_groups *g, int64_t n, modu_err *e) {
  w->n = n;
  if (!g) {
    w->one[0] = 0;
    w->one[1] = n;
    w->off = w->one;
    w->rows = NULL;
    w->ngroups = 1;
    return 0;
  }
  if (modu_groups_csr(g, e)) return -1;
  w->off = g->off;
  w->rows = g->rows;
  w->ngroups = g->ngroups;
  return 0;
}

#define WIN_ROW(w, j) ((w)->rows ? (w)->rows[j] : (j))

static double win_num(const modu_column *c, int64_t i) {
  switch (c->type) {
    case MODU_FLOAT: return MODU_F64(c)[i];
    case MODU_INT: return (double)MODU_I64(c)[i];
    case MODU_BOOL: return MODU_U8(c)[i];
    default: return MODU_I32(c)[i];
  }
}

static modu_column *win_oom(modu_column *r, modu_err *e) {
  modu_col_unref(r);
  modu_errf(e, "out of memory");
  return NULL;
}

static modu_column *win_shift(const modu_column *x, const win_groups *w, int64_t k, modu_err *e) {
  int64_t *idx = malloc((w->n ? (size_t)w->n : 1) * sizeof *idx);
  if (!idx) return win_oom(NULL, e);
  for (int64_t gi = 0; gi < w->ngroups; gi++)
    for (int64_t j = w->off[gi]; j < w->off[gi + 1]; j++) {
      int64_t src = j - k;
      idx[WIN_ROW(w, j)] = src >= w->off[gi] && src < w->off[gi + 1] ? WIN_ROW(w, src) : -1;
    }
  modu_column *r = modu_col_take(x, idx, w->n, e);
  free(idx);
  return r;
}

static modu_column *win_cumulative(modu_win_kind kind, const modu_column *x, const win_groups *w, modu_err *e) {
  bool num = x->type == MODU_INT || x->type == MODU_FLOAT || x->type == MODU_BOOL;
  bool minmax = kind == MODU_WIN_CUMMIN || kind == MODU_WIN_CUMMAX;
  if (!num && !(minmax && x->type == MODU_DATE)) {
    modu_errf(e, "%s needs a numeric column, got %s", kind == MODU_WIN_CUMSUM ? "cumsum" : kind == MODU_WIN_CUMPROD ? "cumprod" : minmax ? (kind == MODU_WIN_CUMMIN ? "cummin" : "cummax") : "?", modu_type_name(x->type));
    return NULL;
  }
  /* integer sums stay integers; products go to float, where overflow is inf not wraparound */
  modu_type rt = kind == MODU_WIN_CUMPROD ? MODU_FLOAT
                 : kind == MODU_WIN_CUMSUM ? (x->type == MODU_FLOAT ? MODU_FLOAT : MODU_INT)
                 : x->type == MODU_BOOL ? MODU_INT : x->type;
  modu_column *r = modu_col_new(rt, x->len, NULL);
  if (!r) return win_oom(NULL, e);
  memset(r->data, 0, (size_t)x->len * modu_type_width(rt));
  if (x->valid) {
    if (modu_col_ensure_valid(r)) return win_oom(r, e);
    memcpy(r->valid, x->valid, modu_bitmap_words(x->len) * 8);
  }
  for (int64_t gi = 0; gi < w->ngroups; gi++) {
    int64_t isum = 0, ibest = 0;
    double fsum = kind == MODU_WIN_CUMPROD ? 1 : 0, comp = 0, fbest = 0;
    bool started = false;
    for (int64_t j = w->off[gi]; j < w->off[gi + 1]; j++) {
      int64_t i = WIN_ROW(w, j);
      if (modu_col_isna(x, i)) continue; /* NA stays NA and is skipped, as pandas does */
      if (rt == MODU_INT && kind == MODU_WIN_CUMSUM) {
        int64_t v = x->type == MODU_INT ? MODU_I64(x)[i] : MODU_U8(x)[i];
        if (__builtin_add_overflow(isum, v, &isum)) {
          modu_errf(e, "cumsum overflows int64 at row %lld (cast the column to float)", (long long)i + 1);
          modu_col_unref(r);
          return NULL;
        }
        MODU_I64(r)[i] = isum;
      } else if (kind == MODU_WIN_CUMSUM) {
        double v = MODU_F64(x)[i], t = fsum + v;
        comp += fabs(fsum) >= fabs(v) ? (fsum - t) + v : (v - t) + fsum;
        fsum = t;
        /* past inf the correction is inf - inf = NaN: keep what IEEE summation gives */
        MODU_F64(r)[i] = isfinite(fsum) ? fsum + comp : fsum;
      } else if (kind == MODU_WIN_CUMPROD) {
        fsum *= win_num(x, i);
        MODU_F64(r)[i] = fsum;
      } else if (rt == MODU_FLOAT) {
        double v = MODU_F64(x)[i];
        bool better = kind == MODU_WIN_CUMMIN ? v < fbest : v > fbest;
        if (!started || isnan(v) || (better && !isnan(fbest))) fbest = v;
        MODU_F64(r)[i] = fbest;
      } else {
        int64_t v = x->type == MODU_INT ? MODU_I64(x)[i] : x->type == MODU_BOOL ? MODU_U8(x)[i] : MODU_I32(x)[i];
        if (!started || (kind == MODU_WIN_CUMMIN ? v < ibest : v > ibest)) ibest = v;
        if (rt == MODU_INT) MODU_I64(r)[i] = ibest;
        else MODU_I32(r)[i] = (int32_t)ibest;
      }
      started = true;
    }
  }
  return r;
}

/* A compensated (Neumaier) running sum of the finite values in a window,
 * with counts of what does not add: NA, NaN, +inf and -inf. */
typedef struct win_run {
  double s, comp;
  int64_t na, nan, pinf, ninf;
} win_run;

static void win_add(double *s, double *comp, double v) {
  double t = *s + v;
  *comp += fabs(*s) >= fabs(v) ? (*s - t) + v : (v - t) + *s;
  *s = t;
}

/* row q enters (sign 1) or leaves (sign -1) the window */
static void win_move(win_run *r, const modu_column *x, int64_t q, int sign) {
  if (modu_col_isna(x, q)) {
    r->na += sign;
    return;
  }
  double v = win_num(x, q);
  if (isnan(v)) r->nan += sign;
  else if (isinf(v)) *(v > 0 ? &r->pinf : &r->ninf) += sign;
  else win_add(&r->s, &r->comp, sign > 0 ? v : -v);
}

/* the window's finite values summed afresh */
static void win_resum(win_run *r, const modu_column *x, const win_groups *w, int64_t from, int64_t to) {
  r->s = r->comp = 0;
  for (int64_t t = from; t <= to; t++) {
    int64_t q = WIN_ROW(w, t);
    if (modu_col_isna(x, q)) continue;
    double v = win_num(x, q);
    if (isfinite(v)) win_add(&r->s, &r->comp, v);
  }
}

/* Rolling sums in O(rows): the window's sum moves by one value in and one
 * out, compensated, and is summed afresh each time the window has been
 * wholly replaced (so rounding cannot build up over a long column) or when
 * finite values overflow. A window with an NA is NA (a full window of
 * present values, as pandas' default min_periods = n); NaN or inf in it give
 * what IEEE summation gives. */
static modu_column *win_rolling(bool mean, const modu_column *x, const win_groups *w, int64_t n, modu_err *e) {
  if (!(x->type == MODU_INT || x->type == MODU_FLOAT || x->type == MODU_BOOL)) {
    modu_errf(e, "rolling_%s needs a numeric column, got %s", mean ? "mean" : "sum", modu_type_name(x->type));
    return NULL;
  }
  if (n < 1) {
    modu_errf(e, "rolling_%s: the window must be at least 1 row, got %lld", mean ? "mean" : "sum", (long long)n);
    return NULL;
  }
  modu_column *r = modu_col_new(MODU_FLOAT, x->len, NULL);
  if (!r || modu_col_ensure_valid(r)) return win_oom(r, e);
  for (int64_t gi = 0; gi < w->ngroups; gi++) {
    int64_t lo = w->off[gi], hi = w->off[gi + 1];
    win_run run = {0, 0, 0, 0, 0, 0};
    for (int64_t j = lo; j < hi; j++) {
      int64_t i = WIN_ROW(w, j), t = j - lo + 1; /* t rows seen in this group */
      win_move(&run, x, i, 1);
      if (t > n) win_move(&run, x, WIN_ROW(w, j - n), -1);
      if (t >= n && (t % n == 0 || !isfinite(run.s))) win_resum(&run, x, w, j - n + 1, j);
      MODU_F64(r)[i] = 0;
      if (t < n || run.na > 0) {
        if (modu_col_set_na(r, i)) return win_oom(r, e);
        continue;
      }
      double s = run.s;
      if (run.nan > 0 || (run.pinf > 0 && run.ninf > 0)) s = NAN;
      else if (run.pinf > 0) s = INFINITY;
      else if (run.ninf > 0) s = -INFINITY;
      else if (isfinite(s)) s += run.comp; /* past inf the correction is inf - inf */
      MODU_F64(r)[i] = mean ? s / (double)n : s;
    }
  }
  modu_col_drop_full_bitmap(r);
  return r;
}

/* rows a and b hold the same value: exact for int64 beyond 2^53, and every NaN
 * is one value, as grouping and distinct see it */
static bool win_same(const modu_column *x, int64_t a, int64_t b) {
  if (modu_col_isna(x, a) || modu_col_isna(x, b)) return false;
  switch (x->type) {
    case MODU_INT: return MODU_I64(x)[a] == MODU_I64(x)[b];
    case MODU_FLOAT: {
      double u = MODU_F64(x)[a], v = MODU_F64(x)[b];
      return u == v || (isnan(u) && isnan(v));
    }
    case MODU_BOOL: return MODU_U8(x)[a] == MODU_U8(x)[b];
    default: return MODU_I32(x)[a] == MODU_I32(x)[b]; /* str codes of one dict, dates */
  }
}

static modu_column *win_rank(const modu_column *x, modu_groups *g, const win_groups *w, int method, modu_err *e) {
  if (method < 0 || method > MODU_RANK_ORDINAL) {
    modu_errf(e, "rank: unknown method (methods: " MODU_RANK_METHODS ")");
    return NULL;
  }
  int64_t n = x->len;
  modu_type rt = method == MODU_RANK_AVERAGE ? MODU_FLOAT : MODU_INT;
  modu_column *r = modu_col_new(rt, n, NULL);
  modu_column *gcol = modu_col_new(MODU_INT, n, NULL);
  int64_t *perm = malloc((n ? (size_t)n : 1) * sizeof *perm);
  if (!r || !gcol || !perm) {
    free(perm);
    modu_col_unref(gcol);
    return win_oom(r, e);
  }
  memset(r->data, 0, (size_t)n * 8);
  for (int64_t i = 0; i < n; i++) MODU_I64(gcol)[i] = g ? g->gid[i] : 0;
  modu_column *keys[2] = {gcol, (modu_column *)x};
  bool desc[2] = {false, false};
  if (modu_sort_perm(keys, desc, 2, n, perm, e)) {
    free(perm);
    modu_col_unref(gcol);
    modu_col_unref(r);
    return NULL;
  }
  if (x->valid) {
    if (modu_col_ensure_valid(r)) {
      free(perm);
      modu_col_unref(gcol);
      return win_oom(r, e);
    }
    memcpy(r->valid, x->valid, modu_bitmap_words(n) * 8);
  }
  (void)w;
  int64_t start = 0; /* first position of the current group in perm */
  int64_t dense = 0;
  for (int64_t a = 0; a < n;) {
    int64_t i = perm[a];
    if (a == 0 || MODU_I64(gcol)[perm[a - 1]] != MODU_I64(gcol)[i]) start = a, dense = 0;
    /* the run of ties: equal values within the same group */
    int64_t b = a + 1;
    while (b < n && MODU_I64(gcol)[perm[b]] == MODU_I64(gcol)[i] && win_same(x, perm[b], i)) b++;
    if (modu_col_isna(x, i)) {
      a = b;
      continue;
    }
    dense++;
    for (int64_t c = a; c < b; c++) {
      int64_t row = perm[c], lo = a - start + 1, hi = b - start;
      switch (method) {
        case MODU_RANK_AVERAGE: MODU_F64(r)[row] = ((double)lo + (double)hi) / 2; break;
        case MODU_RANK_MIN: MODU_I64(r)[row] = lo; break;
        case MODU_RANK_MAX: MODU_I64(r)[row] = hi; break;
        case MODU_RANK_DENSE: MODU_I64(r)[row] = dense; break;
        default: MODU_I64(r)[row] = c - start + 1;
      }
    }
    a = b;
  }
  free(perm);
  modu_col_unref(gcol);
  return r;
}

modu_column *modu_window(modu_win_kind kind, const modu_column *x, modu_groups *g, int64_t k, modu_err *e) {
  win_groups w;
  if (win_init(&w, g, x->len, e)) return NULL;
  /* an offset past the column moves every value out; clamping keeps j - k and
   * lead's -k clear of overflow (k may be INT64_MIN) */
  if (kind == MODU_WIN_LAG || kind == MODU_WIN_LEAD || kind == MODU_WIN_DIFF)
    k = k > x->len ? x->len : k < -x->len ? -x->len : k;
  switch (kind) {
    case MODU_WIN_LAG: return win_shift(x, &w, k, e);
    case MODU_WIN_LEAD: return win_shift(x, &w, -k, e);
    case MODU_WIN_DIFF:
    case MODU_WIN_PCT_CHANGE: {
      modu_column *prev = win_shift(x, &w, kind == MODU_WIN_DIFF ? k : 1, e);
      if (!prev) return NULL;
      modu_operand a = {x, {0}}, b = {prev, {0}};
      modu_column *r = modu_arith(kind == MODU_WIN_DIFF ? MODU_SUB : MODU_DIV, &a, &b, e);
      modu_col_unref(prev);
      if (!r || kind == MODU_WIN_DIFF) return r;
      modu_operand q = {r, {0}}, one = {NULL, {.type = MODU_INT, .v.i = 1}};
      modu_column *pc = modu_arith(MODU_SUB, &q, &one, e);
      modu_col_unref(r);
      return pc;
    }
    case MODU_WIN_ROW_NUMBER: {
      modu_column *r = modu_col_new(MODU_INT, x->len, NULL);
      if (!r) return win_oom(NULL, e);
      for (int64_t gi = 0; gi < w.ngroups; gi++)
        for (int64_t j = w.off[gi]; j < w.off[gi + 1]; j++) MODU_I64(r)[WIN_ROW(&w, j)] = j - w.off[gi] + 1;
      return r;
    }
    case MODU_WIN_RANK: return win_rank(x, g, &w, (int)k, e);
    case MODU_WIN_ROLLING_MEAN: return win_rolling(true, x, &w, k, e);
    case MODU_WIN_ROLLING_SUM: return win_rolling(false, x, &w, k, e);
    default: return win_cumulative(kind, x, &w, e);
  }
}
