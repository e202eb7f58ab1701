/* Hash joins: both sides' keys are numbered together (so text, int/float and
 * several keys compare as one code), then right rows are bucketed by code. */
#include <stdlib.h>
#include <string.h>

#include "group.h"

/* codes of left rows [0, nl) and right rows [nl, nl+nr) in one numbering; na[i]
 * marks a row with any NA key */
static modu_groups *join_codes(modu_column *const *lk, modu_column *const *rk, int nkeys, int64_t nl, int64_t nr,
                               uint8_t **na, modu_err *e) {
  modu_column **both = calloc((size_t)nkeys, sizeof *both);
  uint8_t *isna = calloc((size_t)(nl + nr) + 1, 1);
  modu_groups *g = NULL;
  if (!both || !isna) {
    modu_errf(e, "out of memory");
    goto done;
  }
  for (int k = 0; k < nkeys; k++) {
    modu_column *pair[2] = {lk[k], rk[k]};
    int64_t lens[2] = {nl, nr};
    if (!(both[k] = modu_col_concat(pair, lens, 2, "join key", e))) goto done;
    if (both[k]->valid)
      for (int64_t i = 0; i < nl + nr; i++) isna[i] |= modu_col_isna(both[k], i);
  }
  g = modu_group_by(both, nkeys, nl + nr, e);
done:
  for (int k = 0; both && k < nkeys; k++) modu_col_unref(both[k]);
  free(both);
  if (!g) {
    free(isna);
    return NULL;
  }
  *na = isna;
  return g;
}

typedef struct join_out {
  int64_t *l, *r, n, cap;
} join_out;

static int join_push(join_out *o, int64_t l, int64_t r) {
  if (o->n == o->cap) {
    int64_t cap = o->cap ? o->cap * 2 : 1024;
    int64_t *nl = realloc(o->l, (size_t)cap * sizeof *nl);
    if (!nl) return -1;
    o->l = nl;
    int64_t *nr = realloc(o->r, (size_t)cap * sizeof *nr);
    if (!nr) return -1;
    o->r = nr;
    o->cap = cap;
  }
  o->l[o->n] = l;
  o->r[o->n++] = r;
  return 0;
}

int modu_join(modu_column *const *lk, modu_column *const *rk, int nkeys, int64_t nl, int64_t nr,
              modu_join_how how, int unique, int64_t **li, int64_t **ri, int64_t *n, int *dup_side,
              int64_t *dup_row, modu_err *e) {
  uint8_t *na = NULL;
  modu_groups *g = join_codes(lk, rk, nkeys, nl, nr, &na, e);
  if (!g) return -1;
  int64_t ng = g->ngroups;
  /* per code: the count and the first row on each side (for the checks) */
  int64_t *lcount = calloc((size_t)ng + 1, sizeof *lcount), *roff = calloc((size_t)ng + 2, sizeof *roff);
  int64_t *rrows = malloc(((size_t)nr + 1) * sizeof *rrows);
  uint8_t *rused = how == MODU_JOIN_FULL ? calloc((size_t)nr + 1, 1) : NULL;
  join_out out = {0};
  int rc = -1;
  if (!lcount || !roff || !rrows || (how == MODU_JOIN_FULL && !rused)) {
    modu_errf(e, "out of memory");
    goto done;
  }
  for (int64_t i = 0; i < nl; i++)
    if (!na[i] && ++lcount[g->gid[i]] == 2 && (unique & MODU_JOIN_UNIQUE_LEFT)) {
      *dup_side = 1;
      *dup_row = i;
      modu_errf(e, "duplicate key on the left");
      goto done;
    }
  for (int64_t j = 0; j < nr; j++)
    if (!na[nl + j]) roff[g->gid[nl + j] + 2]++;
  for (int64_t c = 0; c < ng; c++) {
    if ((unique & MODU_JOIN_UNIQUE_RIGHT) && roff[c + 2] > 1) {
      for (int64_t j = 0; j < nr; j++)
        if (!na[nl + j] && g->gid[nl + j] == c) *dup_row = j;
      *dup_side = 2;
      modu_errf(e, "duplicate key on the right");
      goto done;
    }
    roff[c + 2] += roff[c + 1];
  }
  for (int64_t j = 0; j < nr; j++) /* bucket right rows by code, in right order */
    if (!na[nl + j]) rrows[roff[g->gid[nl + j] + 1]++] = j;
  /* now roff[c] .. roff[c+1] are the right rows of code c */
  if (how == MODU_JOIN_RIGHT) {
    /* right order: each right row with its left matches, in left order */
    int64_t *loff = calloc((size_t)ng + 2, sizeof *loff), *lrows = malloc(((size_t)nl + 1) * sizeof *lrows);
    if (!loff || !lrows) {
      free(loff);
      free(lrows);
      modu_errf(e, "out of memory");
      goto done;
    }
    for (int64_t i = 0; i < nl; i++)
      if (!na[i]) loff[g->gid[i] + 2]++;
    for (int64_t c = 0; c < ng; c++) loff[c + 2] += loff[c + 1];
    for (int64_t i = 0; i < nl; i++)
      if (!na[i]) lrows[loff[g->gid[i] + 1]++] = i;
    bool oom = false;
    for (int64_t j = 0; j < nr && !oom; j++) {
      int64_t c = g->gid[nl + j];
      if (na[nl + j] || loff[c] == loff[c + 1]) {
        oom = join_push(&out, -1, j) != 0;
        continue;
      }
      for (int64_t t = loff[c]; t < loff[c + 1] && !oom; t++) oom = join_push(&out, lrows[t], j) != 0;
    }
    free(loff);
    free(lrows);
    if (oom) {
      modu_errf(e, "out of memory");
      goto done;
    }
  } else {
    for (int64_t i = 0; i < nl; i++) {
      int64_t c = g->gid[i];
      bool hit = !na[i] && roff[c] < roff[c + 1];
      int err = 0;
      switch (how) {
        case MODU_JOIN_SEMI: if (hit) err = join_push(&out, i, -1); break;
        case MODU_JOIN_ANTI: if (!hit) err = join_push(&out, i, -1); break;
        default:
          if (!hit) {
            if (how != MODU_JOIN_INNER) err = join_push(&out, i, -1);
            break;
          }
          for (int64_t t = roff[c]; t < roff[c + 1] && !err; t++) {
            err = join_push(&out, i, rrows[t]);
            if (rused) rused[rrows[t]] = 1;
          }
      }
      if (err) {
        modu_errf(e, "out of memory");
        goto done;
      }
    }
    if (how == MODU_JOIN_FULL)
      for (int64_t j = 0; j < nr; j++)
        if (!rused[j] && join_push(&out, -1, j)) {
          modu_errf(e, "out of memory");
          goto done;
        }
  }
  if (!out.l && !(out.l = malloc(sizeof *out.l))) {
    modu_errf(e, "out of memory");
    goto done;
  }
  if (!out.r && !(out.r = malloc(sizeof *out.r))) {
    modu_errf(e, "out of memory");
    goto done;
  }
  *li = out.l;
  *ri = out.r;
  *n = out.n;
  out.l = out.r = NULL;
  rc = 0;
done:
  free(out.l);
  free(out.r);
  free(lcount);
  free(roff);
  free(rrows);
  free(rused);
  free(na);
  modu_groups_free(g);
  return rc;
}
