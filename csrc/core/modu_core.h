/* modu core: typed, refcounted columns with NA bitmaps, string dictionaries and
 * frames, plus the kernels that work on them. Pure C11: nothing here knows Lua. */
#ifndef MODU_CORE_H
#define MODU_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- errors: kernels that can fail fill a buffer and return -1 / NULL ---- */
typedef struct modu_err {
  char msg[512];
} modu_err;
#if defined(__GNUC__)
#define MODU_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MODU_PRINTF(a, b)
#endif
int modu_errf(modu_err *e, const char *fmt, ...) MODU_PRINTF(2, 3);

/* 2^63 as a double: the bound of the doubles that convert to int64 */
#define MODU_TWO63 9223372036854775808.0

/* ---- types ---- */
typedef enum { MODU_INT = 0, MODU_FLOAT, MODU_STR, MODU_BOOL, MODU_DATE } modu_type;
#define MODU_NTYPES 5
const char *modu_type_name(modu_type t);
int modu_type_from_name(const char *s); /* -1 when unknown */
#define MODU_TYPE_NAMES "int, float, str, bool, date"

/* ---- string dictionary: the distinct strings of str columns, shared by
 * every column derived from one another (filter/take/slice keep the dict) ---- */
typedef struct modu_dict {
  int refs;
  int32_t n, cap;
  int64_t *off; /* n+1 offsets into bytes */
  char *bytes;
  size_t nbytes, bcap;
  uint32_t *slots; /* open-addressing index: code+1, 0 = empty */
  size_t nslots;
  int32_t *rank; /* byte-order rank of each code; built on first use */
} modu_dict;

modu_dict *modu_dict_new(void);
void modu_dict_unref(modu_dict *d);
static inline modu_dict *modu_dict_ref(modu_dict *d) { d->refs++; return d; }
/* code of s (added when absent); -1 when out of memory */
int32_t modu_dict_intern(modu_dict *d, const char *s, size_t len);
int32_t modu_dict_find(const modu_dict *d, const char *s, size_t len); /* -1 absent */
static inline const char *modu_dict_str(const modu_dict *d, int32_t code, size_t *len) {
  *len = (size_t)(d->off[code + 1] - d->off[code]);
  return d->bytes + d->off[code];
}
const int32_t *modu_dict_ranks(modu_dict *d); /* NULL when out of memory */

/* ---- columns ---- */
typedef struct modu_column {
  int refs;
  modu_type type;
  int64_t len;
  void *data;      /* int64_t (int) | double (float) | int32_t (str code, date days) | uint8_t (bool) */
  uint64_t *valid; /* NULL: no NA at all; else bit i set = row i present */
  modu_dict *dict; /* str columns only */
} modu_column;

size_t modu_type_width(modu_type t); /* bytes per value */
/* new column with uninitialised values and no bitmap; NULL on out of memory.
 * A str column gets `dict` (a new one when NULL) */
modu_column *modu_col_new(modu_type t, int64_t len, modu_dict *dict);
/* malloc for big arrays: from 4 MiB on Linux is asked to back it with huge
 * pages, so filling it takes a page fault per 2 MiB rather than per 4 KiB
 * (first touches of fresh memory are much of a pass's cost on a virtual
 * machine) and random access misses the TLB less. zero: zero-filled, as
 * calloc. free() releases it. */
void *modu_alloc_big(size_t bytes, bool zero);
/* asks for transparent huge pages on a big block (no-op where not offered) */
void modu_advise_big(void *p, size_t bytes);
static inline modu_column *modu_col_ref(modu_column *c) { c->refs++; return c; }
void modu_col_unref(modu_column *c);

static inline bool modu_col_isna(const modu_column *c, int64_t i) {
  return c->valid && !((c->valid[i >> 6] >> (i & 63)) & 1);
}
/* marks row i NA, creating the bitmap (all valid) on first use; -1 on OOM */
int modu_col_set_na(modu_column *c, int64_t i);
int modu_col_ensure_valid(modu_column *c);
void modu_col_drop_full_bitmap(modu_column *c); /* frees a bitmap with no NA in it */
int64_t modu_col_count_na(const modu_column *c);
static inline size_t modu_bitmap_words(int64_t n) { return (size_t)((n + 63) >> 6); }

#define MODU_I64(c) ((int64_t *)(c)->data)
#define MODU_F64(c) ((double *)(c)->data)
#define MODU_I32(c) ((int32_t *)(c)->data)
#define MODU_U8(c) ((uint8_t *)(c)->data)

/* scalars, for broadcasting and fill values */
typedef struct modu_scalar {
  modu_type type;
  bool na;
  union {
    int64_t i;
    double f;
    int32_t d; /* date days */
    bool b;
    struct { const char *p; size_t len; } s;
  } v;
} modu_scalar;

/* derived columns (all new references; NULL + err on failure) */
/* idx[k] < 0 gives NA at row k */
modu_column *modu_col_take(const modu_column *c, const int64_t *idx, int64_t n, modu_err *e);
modu_column *modu_col_slice(const modu_column *c, int64_t start, int64_t n, modu_err *e);
modu_column *modu_col_cast(const modu_column *c, modu_type to, modu_err *e);
modu_column *modu_col_fill_na(const modu_column *c, const modu_scalar *v, modu_err *e);
modu_column *modu_col_is_na(const modu_column *c, modu_err *e);
modu_column *modu_col_rep(const modu_scalar *v, int64_t n, modu_err *e);
/* concatenate; int+float unify to float, str dicts merge; other mixes fail.
 * A NULL entry stands for `lens[k]` NA rows of the result type. */
modu_column *modu_col_concat(modu_column *const *cols, const int64_t *lens, int n,
                             const char *what, modu_err *e);
bool modu_col_equals(const modu_column *a, const modu_column *b);

/* shortest text that reads back to the same double ("%.17g" at most) */
int modu_format_double(double x, char *buf, size_t cap);

/* ---- element-wise operations ---- */
typedef enum {
  MODU_ADD, MODU_SUB, MODU_MUL, MODU_DIV, MODU_IDIV, MODU_MOD, MODU_POW, MODU_UNM
} modu_arith_op;
typedef enum { MODU_EQ, MODU_NE, MODU_LT, MODU_LE, MODU_GT, MODU_GE } modu_cmp_op;

/* an operand is a column, or a scalar broadcast to the other side's length */
typedef struct modu_operand {
  const modu_column *col; /* NULL: use sc */
  modu_scalar sc;
} modu_operand;

modu_column *modu_arith(modu_arith_op op, const modu_operand *a, const modu_operand *b,
                        modu_err *e);
modu_column *modu_compare(modu_cmp_op op, const modu_operand *a, const modu_operand *b,
                          modu_err *e);
/* Kleene logic: NA and false = false, NA or true = true */
modu_column *modu_bool_and(const modu_operand *a, const modu_operand *b, modu_err *e);
modu_column *modu_bool_or(const modu_operand *a, const modu_operand *b, modu_err *e);
modu_column *modu_bool_not(const modu_column *a, modu_err *e);
modu_column *modu_col_isin(const modu_column *c, const modu_scalar *vals, int64_t n,
                           modu_err *e);

/* ---- reductions: NA skipped. mean/min/max of nothing (empty or all NA) give NA
 * (na=true); sum of nothing is 0, as in R and pandas ---- */
/* sum: int stays int (error on overflow), float is compensated (Neumaier), bool counts true */
int modu_col_sum(const modu_column *c, modu_scalar *out, modu_err *e);
int modu_col_mean(const modu_column *c, modu_scalar *out, modu_err *e);
/* min/max: numbers (NaN wins, as in R), dates, strings by byte order, bools */
int modu_col_minmax(const modu_column *c, bool want_max, modu_scalar *out, modu_err *e);
/* any/all on bool: NA skipped, so all() of nothing is true and any() false */
int modu_col_anyall(const modu_column *c, bool want_all, bool *out, modu_err *e);

/* ---- frames ---- */
typedef struct modu_frame {
  int64_t nrow;
  int ncol;
  modu_column **cols; /* owned references */
  char **names;       /* owned, NUL-terminated UTF-8 */
} modu_frame;

modu_frame *modu_frame_new(int ncol, int64_t nrow); /* empty slots, NULL on OOM */
/* sets slot k (takes a new reference to c, copies name); -1 on OOM */
int modu_frame_set(modu_frame *f, int k, modu_column *c, const char *name);
void modu_frame_free(modu_frame *f);
int modu_frame_find(const modu_frame *f, const char *name); /* -1 absent */

/* ---- row kernels ---- */
/* stable sort permutation over key columns; desc[k] reverses key k; NA last
 * in both directions; strings by UTF-8 byte order. perm has nrow entries. */
int modu_sort_perm(modu_column *const *keys, const bool *desc, int nkeys, int64_t nrow,
                   int64_t *perm, modu_err *e);
/* rows whose key tuple is seen for the first time, in row order */
int modu_distinct_rows(modu_column *const *keys, int nkeys, int64_t nrow, int64_t *out,
                       int64_t *nout, modu_err *e);

/* ---- dates: int32 days since 1970-01-01 (proleptic Gregorian) ---- */
bool modu_date_from_ymd(int64_t y, int m, int d, int32_t *days); /* false when invalid */
void modu_date_to_ymd(int32_t days, int64_t *y, int *m, int *d);
/* parses YYYY-MM-DD exactly; on failure writes why into e (without a prefix) */
int modu_date_parse(const char *s, size_t len, int32_t *days, modu_err *e);
int modu_date_format(int32_t days, char *buf, size_t cap); /* returns length */

/* ---- UTF-8 ---- */
/* true when valid; else *bad = byte offset (0-based) of the first bad sequence */
bool modu_utf8_valid(const char *s, size_t len, size_t *bad);

/* ---- deterministic random numbers (xoshiro256**, seeded by splitmix64) ---- */
typedef struct modu_rng {
  uint64_t s[4];
} modu_rng;
void modu_rng_seed(modu_rng *r, uint64_t seed);
uint64_t modu_rng_next(modu_rng *r);
double modu_rng_uniform01(modu_rng *r);           /* [0, 1), 53 bits */
double modu_rng_normal(modu_rng *r);              /* standard normal */
int64_t modu_rng_between(modu_rng *r, int64_t lo, int64_t hi); /* [lo, hi], unbiased */

/* ---- printing ---- */
typedef struct modu_print_opts {
  int width;      /* terminal columns available (COLUMNS, default 100) */
  int max_rows;   /* show all rows up to this many (20) */
  int head, tail; /* otherwise this many from each end (10, 5) */
  int max_cell;   /* display width at which a cell is cut (32) */
} modu_print_opts;
void modu_print_opts_default(modu_print_opts *o);
/* renders a frame as text; malloc'd string the caller frees; NULL on OOM */
char *modu_format_frame(const modu_frame *f, const modu_print_opts *o);
/* display width in terminal columns of UTF-8, one grapheme cluster at a time
 * (text.c: modu_text_width_amb with ambiguous characters 1 column wide) */
int64_t modu_text_width(const char *s, size_t len);

#endif
