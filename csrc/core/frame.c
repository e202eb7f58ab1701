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

/* ---- sorting ----
 * A stable LSD radix sort: keys from the last to the first, each key's bytes
 * from the lowest, then one pass on the key's class (value, NaN, NA) so that NaN
 * follows the numbers and NA comes last in either direction. Keys travel with
 * the row numbers, so every pass reads and writes sequentially; a pass whose
 * byte is the same for every row is skipped. */

enum { SORT_VALUE = 0, SORT_NAN = 1, SORT_NA = 2 };

/* an order-preserving unsigned image of row i's value; *cls says NaN or NA */
static uint64_t frame_sort_key(const modu_column *c, const int32_t *rank, int64_t i, uint8_t *cls) {
  *cls = SORT_VALUE;
  if (modu_col_isna(c, i)) {
    *cls = SORT_NA;
    return 0;
  }
  switch (c->type) {
    case MODU_INT: return (uint64_t)MODU_I64(c)[i] ^ (UINT64_C(1) << 63);
    case MODU_FLOAT: {
      double x = MODU_F64(c)[i];
      if (isnan(x)) {
        *cls = SORT_NAN;
        return 0;
      }
      if (x == 0) x = 0; /* -0.0 and 0.0 are equal, so they keep their order */
      uint64_t b;
      memcpy(&b, &x, sizeof b);
      return b >> 63 ? ~b : b | (UINT64_C(1) << 63);
    }
    case MODU_STR: return (uint64_t)rank[MODU_I32(c)[i]];
    case MODU_DATE: return (uint64_t)((int64_t)MODU_I32(c)[i] + INT32_MAX + 1);
    default: return MODU_U8(c)[i];
  }
}

/* a row number with its current key; moving them together keeps passes sequential */
typedef struct frame_item {
  uint64_t key;
  int64_t row;
} frame_item;

#define SORT_BITS 11
#define SORT_BUCKETS (1 << SORT_BITS)
#define SORT_DIGITS 6 /* ceil(64 / 11) */

/* one stable counting pass on digit d (d == SORT_DIGITS: the class) */
static void frame_radix_pass(int64_t n, int d, const frame_item *in, const uint8_t *cls, frame_item *out,
                             uint8_t *cls_out, const int64_t *count) {
  int64_t pos[SORT_BUCKETS];
  int64_t at = 0;
  for (int b = 0; b < SORT_BUCKETS; b++) {
    pos[b] = at;
    at += count[b];
  }
  int shift = d * SORT_BITS;
  if (d == SORT_DIGITS) {
    for (int64_t i = 0; i < n; i++) {
      int64_t t = pos[cls[i]]++;
      out[t] = in[i];
      cls_out[t] = cls[i];
    }
  } else if (cls) {
    for (int64_t i = 0; i < n; i++) {
      int64_t t = pos[(in[i].key >> shift) & (SORT_BUCKETS - 1)]++;
      out[t] = in[i];
      cls_out[t] = cls[i];
    }
  } else {
    for (int64_t i = 0; i < n; i++) out[pos[(in[i].key >> shift) & (SORT_BUCKETS - 1)]++] = in[i];
  }
}

int modu_sort_perm(modu_column *const *cols, const bool *desc, int nkeys, int64_t nrow, int64_t *perm,
                   modu_err *e) {
  size_t n = nrow ? (size_t)nrow : 1;
  frame_item *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  uint8_t *cls = malloc(n), *cls2 = malloc(n);
  int64_t(*count)[SORT_BUCKETS] = malloc((SORT_DIGITS + 1) * sizeof *count);
  if (!a || !b || !cls || !cls2 || !count) goto oom;
  for (int64_t i = 0; i < nrow; i++) a[i].row = i;
  for (int k = nkeys - 1; k >= 0; k--) {
    const modu_column *c = cols[k];
    const int32_t *rank = NULL;
    if (c->type == MODU_STR && !(rank = modu_dict_ranks(c->dict))) goto oom;
    memset(count, 0, (SORT_DIGITS + 1) * sizeof *count);
    bool any_cls = false;
    for (int64_t i = 0; i < nrow; i++) {
      uint64_t v = frame_sort_key(c, rank, a[i].row, &cls[i]);
      if (desc[k] && cls[i] == SORT_VALUE) v = ~v;
      a[i].key = v;
      any_cls |= cls[i] != SORT_VALUE;
      for (int d = 0; d < SORT_DIGITS; d++) count[d][(v >> (d * SORT_BITS)) & (SORT_BUCKETS - 1)]++;
      count[SORT_DIGITS][cls[i]]++;
    }
    for (int d = 0; d <= SORT_DIGITS; d++) {
      if (d == SORT_DIGITS && !any_cls) break;
      bool trivial = false; /* every row in one bucket: the pass would change nothing */
      for (int v = 0; v < SORT_BUCKETS && !trivial; v++) trivial = count[d][v] == nrow;
      if (trivial) continue;
      frame_radix_pass(nrow, d, a, any_cls ? cls : NULL, b, cls2, count[d]);
      frame_item *t = a;
      a = b, b = t;
      uint8_t *tc = cls;
      cls = cls2, cls2 = tc;
    }
  }
  for (int64_t i = 0; i < nrow; i++) perm[i] = a[i].row;
  free(a);
  free(b);
  free(cls);
  free(cls2);
  free(count);
  return 0;
oom:
  free(a);
  free(b);
  free(cls);
  free(cls2);
  free(count);
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
