/* Grouping: rows mapped to dense group ids in order of first appearance, the
 * per-group row lists, and the aggregate kernels that reduce each group. */
#ifndef MODU_GROUP_H
#define MODU_GROUP_H

#include "modu_core.h"

typedef struct modu_groups {
  int64_t nrow, ngroups;
  int32_t *gid;   /* group of each row; NULL while lazy (see modu_groups_gid) */
  int64_t *first; /* first row of each group */
  int64_t *off;   /* CSR, built on demand: rows of group g are rows[off[g] .. off[g+1]) */
  int64_t *rows;  /*   in row order within each group */
  /* lazy groups of one text key without NA: the key's dictionary codes are
   * the group ids, renamed by code_gid (-1: a code no row has); sum, mean and
   * count read the codes directly, anything else first makes gid */
  modu_column *lazy_key;
  int32_t *code_gid;
  int64_t ncode;
} modu_groups;

/* groups of rows by the key columns (NA keys form their own group); nkeys = 0
 * puts every row in one group. NULL + e on failure. */
modu_groups *modu_group_by(modu_column *const *keys, int nkeys, int64_t nrow, modu_err *e);
/* the same, but may return lazy groups (gid NULL): for code that reads gid
 * only after modu_groups_gid (the aggregates, windows and top-k do) */
modu_groups *modu_group_by_lazy(modu_column *const *keys, int nkeys, int64_t nrow, modu_err *e);
int modu_groups_gid(modu_groups *g, modu_err *e); /* makes gid of lazy groups; -1 on OOM */
void modu_groups_free(modu_groups *g);
/* renumbers groups in the order of their keys (NA last); -1 on OOM */
int modu_groups_sort(modu_groups *g, modu_column *const *keys, int nkeys, modu_err *e);
int modu_groups_csr(modu_groups *g, modu_err *e); /* builds off/rows once */

typedef enum {
  MODU_AGG_COUNT, MODU_AGG_N_DISTINCT, MODU_AGG_SUM, MODU_AGG_MEAN, MODU_AGG_MIN, MODU_AGG_MAX,
  MODU_AGG_MEDIAN, MODU_AGG_VAR, MODU_AGG_SD, MODU_AGG_FIRST, MODU_AGG_LAST, MODU_AGG_ANY,
  MODU_AGG_ALL, MODU_AGG_QUANTILE, MODU_AGG_COR
} modu_agg_kind;

/* one value per group; x may be NULL for count; y only for cor; p for quantile */
modu_column *modu_agg(modu_agg_kind kind, modu_groups *g, const modu_column *x, const modu_column *y,
                      double p, modu_err *e);

/* ---- windows: computed within each group (g NULL: the whole column is one
 * group), rows in their frame order ---- */
typedef enum {
  MODU_WIN_LAG, MODU_WIN_LEAD, MODU_WIN_DIFF, MODU_WIN_PCT_CHANGE, MODU_WIN_CUMSUM, MODU_WIN_CUMPROD,
  MODU_WIN_CUMMIN, MODU_WIN_CUMMAX, MODU_WIN_RANK, MODU_WIN_ROW_NUMBER, MODU_WIN_ROLLING_MEAN,
  MODU_WIN_ROLLING_SUM
} modu_win_kind;
typedef enum { MODU_RANK_AVERAGE, MODU_RANK_MIN, MODU_RANK_MAX, MODU_RANK_DENSE, MODU_RANK_ORDINAL } modu_rank_method;
#define MODU_RANK_METHODS "average, min, max, dense, ordinal"
int modu_rank_method_from_name(const char *s); /* -1 when unknown */

/* k: offset for lag/lead/diff, window size for rolling_*, method for rank;
 * x is ignored by row_number (pass any column of the frame's length) */
modu_column *modu_window(modu_win_kind kind, const modu_column *x, modu_groups *g, int64_t k, modu_err *e);

/* ---- joins ---- */
typedef enum { MODU_JOIN_INNER, MODU_JOIN_LEFT, MODU_JOIN_RIGHT, MODU_JOIN_FULL, MODU_JOIN_SEMI, MODU_JOIN_ANTI } modu_join_how;
#define MODU_JOIN_UNIQUE_LEFT 1
#define MODU_JOIN_UNIQUE_RIGHT 2
/* matches rows of two frames on key columns (NA never matches). Result: pairs
 * (li[k], ri[k]) of row numbers, -1 where a side has no row; semi/anti give
 * only li. Rows come in left order, each with its matches in right order; right
 * joins in right order; full joins append the unmatched right rows. A failed
 * uniqueness check returns -1 with *dup_side (1 left, 2 right) and *dup_row. */
int modu_join(modu_column *const *lk, modu_column *const *rk, int nkeys, int64_t nl, int64_t nr,
              modu_join_how how, int unique, int64_t **li, int64_t **ri, int64_t *n, int *dup_side,
              int64_t *dup_row, modu_err *e);

/* the k largest rows of each group by x (smallest: the k smallest); with
 * ties, rows tied with the k-th value too. NA and NaN count as missing and
 * only fill a group with fewer than k values. *rows (malloc'd, *nrows long):
 * group after group in group order, each best first, ties in row order. */
int modu_groups_top(modu_groups *g, const modu_column *x, int64_t k, bool smallest, bool with_ties, int64_t **rows,
                    int64_t *nrows, modu_err *e);

/* selection of the k-th smallest of v[0..n) (0-based), reordering v; the
 * statistics kernels share it */
double modu_select_kth(double *v, int64_t n, int64_t k);
/* type-7 quantile of v[0..n) (reorders v) */
double modu_quantile7(double *v, int64_t n, double p);

#endif
