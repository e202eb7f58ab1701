/* Frames: an ordered list of uniquely named, equally long column references,
 * and the row kernels that look across columns (stable sort, distinct rows). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "modu_core.h"

modu_frame *modu_frame_new(int ncol, int64_t nrow) {
  modu_frame *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->nrow = nrow;
  f->ncol = ncol;
  f->cols = calloc(ncol ? (size_t)ncol : 1, sizeof *f->cols);
  f->names = calloc(ncol ? (size_t)ncol : 1, sizeof *f->names);
  if (!f->cols || !f->names) {
    modu_frame_free(f);
    return NULL;
  }
  return f;
}

int modu_frame_set(modu_frame *f, int k, modu_column *c, const char *name) {
  size_t len = strlen(name);
  char *copy = malloc(len + 1);
  if (!copy) return -1;
  memcpy(copy, name, len + 1);
  free(f->names[k]);
  modu_col_unref(f->cols[k]);
  f->names[k] = copy;
  f->cols[k] = modu_col_ref(c);
  return 0;
}

void modu_frame_free(modu_frame *f) {
  if (!f) return;
  for (int k = 0; f->cols && k < f->ncol; k++) modu_col_unref(f->cols[k]);
  for (int k = 0; f->names && k < f->ncol; k++) free(f->names[k]);
  free(f->cols);
  free(f->names);
  free(f);
}

int modu_frame_find(const modu_frame *f, const char *name) {
  for (int k = 0; k < f->ncol; k++)
    if (f->names[k] && strcmp(f->names[k], name) == 0) return k;
  return -1;
}

/* ---- sorting ---- */

typedef struct frame_key {
  const modu_column *c;
  const int32_t *rank; /* str: byte-order rank per code */
  bool desc;
} frame_key;

/* NA sorts after everything in either direction, NaN after numbers but before NA */
static int frame_cmp_key(const frame_key *k, int64_t i, int64_t j) {
  const modu_column *c = k->c;
  bool ni = modu_col_isna(c, i), nj = modu_col_isna(c, j);
  if (ni || nj) return ni - nj;
  int r;
  switch (c->type) {
    case MODU_INT: {
      int64_t x = MODU_I64(c)[i], y = MODU_I64(c)[j];
      r = (x > y) - (x < y);
      break;
    }
    case MODU_FLOAT: {
      double x = MODU_F64(c)[i], y = MODU_F64(c)[j];
      bool xn = isnan(x), yn = isnan(y);
      if (xn || yn) return xn - yn;
      r = (x > y) - (x < y);
      break;
    }
    case MODU_STR: {
      int32_t x = k->rank[MODU_I32(c)[i]], y = k->rank[MODU_I32(c)[j]];
      r = (x > y) - (x < y);
      break;
    }
    case MODU_DATE: {
      int32_t x = MODU_I32(c)[i], y = MODU_I32(c)[j];
      r = (x > y) - (x < y);
      break;
    }
    default: r = (int)MODU_U8(c)[i] - (int)MODU_U8(c)[j];
  }
  return k->desc ? -r : r;
}

static int frame_cmp(const frame_key *keys, int nkeys, int64_t i, int64_t j) {
  for (int k = 0; k < nkeys; k++) {
    int r = frame_cmp_key(&keys[k], i, j);
    if (r) return r;
  }
  return 0;
}

/* merge sort of row numbers; equal rows keep their order, so the sort is stable */
static void frame_msort(const frame_key *keys, int nkeys, int64_t *a, int64_t *tmp, int64_t n) {
  if (n <= 16) {
    for (int64_t i = 1; i < n; i++) {
      int64_t v = a[i], j = i;
      while (j > 0 && frame_cmp(keys, nkeys, a[j - 1], v) > 0) {
        a[j] = a[j - 1];
        j--;
      }
      a[j] = v;
    }
    return;
  }
  int64_t h = n / 2;
  frame_msort(keys, nkeys, a, tmp, h);
  frame_msort(keys, nkeys, a + h, tmp, n - h);
  if (frame_cmp(keys, nkeys, a[h - 1], a[h]) <= 0) return; /* already in order */
  int64_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = frame_cmp(keys, nkeys, a[j], a[i]) < 0 ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  memcpy(a, tmp, (size_t)k * sizeof *a);
}

int modu_sort_perm(modu_column *const *cols, const bool *desc, int nkeys, int64_t nrow,
                   int64_t *perm, modu_err *e) {
  frame_key *keys = malloc((nkeys ? (size_t)nkeys : 1) * sizeof *keys);
  int64_t *tmp = malloc((nrow ? (size_t)nrow : 1) * sizeof *tmp);
  if (!keys || !tmp) goto oom;
  for (int k = 0; k < nkeys; k++) {
    keys[k].c = cols[k];
    keys[k].desc = desc[k];
    keys[k].rank = cols[k]->type == MODU_STR ? modu_dict_ranks(cols[k]->dict) : NULL;
    if (cols[k]->type == MODU_STR && !keys[k].rank) goto oom;
  }
  for (int64_t i = 0; i < nrow; i++) perm[i] = i;
  frame_msort(keys, nkeys, perm, tmp, nrow);
  free(keys);
  free(tmp);
  return 0;
oom:
  free(keys);
  free(tmp);
  return modu_errf(e, "out of memory");
}

/* ---- distinct rows ---- */

static uint64_t frame_mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

/* a value's identity for grouping: -0.0 joins 0.0 and every NaN is one value */
static uint64_t frame_bits(const modu_column *c, int64_t i) {
  if (modu_col_isna(c, i)) return 0x5bd1e9955bd1e995ULL;
  switch (c->type) {
    case MODU_INT: return (uint64_t)MODU_I64(c)[i];
    case MODU_FLOAT: {
      double x = MODU_F64(c)[i];
      uint64_t b;
      if (x == 0) x = 0;
      if (isnan(x)) return 0x7ff8000000000000ULL;
      memcpy(&b, &x, sizeof b);
      return b;
    }
    case MODU_BOOL: return MODU_U8(c)[i];
    default: return (uint64_t)(uint32_t)MODU_I32(c)[i];
  }
}

static bool frame_same_row(modu_column *const *keys, int nkeys, int64_t i, int64_t j) {
  for (int k = 0; k < nkeys; k++) {
    if (modu_col_isna(keys[k], i) != modu_col_isna(keys[k], j)) return false;
    if (frame_bits(keys[k], i) != frame_bits(keys[k], j)) return false;
  }
  return true;
}

int modu_distinct_rows(modu_column *const *keys, int nkeys, int64_t nrow, int64_t *out,
                       int64_t *nout, modu_err *e) {
  size_t nslots = 16;
  while (nslots < (size_t)nrow * 2) nslots *= 2;
  int64_t *slots = malloc(nslots * sizeof *slots);
  if (!slots) return modu_errf(e, "out of memory");
  memset(slots, 0xff, nslots * sizeof *slots);
  int64_t m = 0;
  for (int64_t i = 0; i < nrow; i++) {
    uint64_t h = 0;
    for (int k = 0; k < nkeys; k++) h = frame_mix(h, frame_bits(keys[k], i));
    size_t s = (size_t)(h ^ (h >> 31)) & (nslots - 1);
    for (; slots[s] >= 0; s = (s + 1) & (nslots - 1))
      if (frame_same_row(keys, nkeys, slots[s], i)) break;
    if (slots[s] < 0) {
      slots[s] = i;
      out[m++] = i;
    }
  }
  free(slots);
  *nout = m;
  return 0;
}
