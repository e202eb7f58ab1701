/* Expressions over a frame's columns ("firms / lag(firms) - 1"): parsed once
 * into a tree, then evaluated a whole column at a time by the core kernels. */
#ifndef MODU_EXPR_H
#define MODU_EXPR_H

#include "group.h"

typedef struct modu_expr modu_expr;

/* NULL + e (and *errpos, a byte offset into src) on a syntax error */
modu_expr *modu_expr_parse(const char *src, size_t len, int64_t *errpos, modu_err *e);
void modu_expr_free(modu_expr *x);

typedef struct modu_expr_ctx {
  const modu_frame *frame;
  modu_groups *groups; /* NULL: ungrouped (aggregates see one group of all rows) */
  bool agg;            /* true: the result has one value per group */
} modu_expr_ctx;

/* a column of frame->nrow values (or groups->ngroups with agg); NULL + e and
 * *errpos on failure. When *unknown_col is set, the error names a column. */
modu_column *modu_expr_eval(modu_expr *x, modu_expr_ctx *ctx, int64_t *errpos, bool *unknown_col, modu_err *e);

#endif
