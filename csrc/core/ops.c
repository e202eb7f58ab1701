/* Element-wise kernels: arithmetic with Lua's integer/float rules, comparisons
 * (exact across int and float), Kleene boolean logic and set membership. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "modu_core.h"

static const char *const ops_arith_sym[] = {"+", "-", "*", "/", "//", "%", "^", "-"};

static modu_type ops_type(const modu_operand *o) { return o->col ? o->col->type : o->sc.type; }

static int64_t ops_len(const modu_operand *a, const modu_operand *b) {
  if (a->col) return a->col->len;
  return b && b->col ? b->col->len : 1;
}

static bool ops_na(const modu_operand *o, int64_t i) {
  return o->col ? modu_col_isna(o->col, i) : o->sc.na;
}

static int64_t ops_i64(const modu_operand *o, int64_t i) {
  if (!o->col) return o->sc.type == MODU_DATE ? o->sc.v.d : o->sc.type == MODU_BOOL ? o->sc.v.b : o->sc.v.i;
  switch (o->col->type) {
    case MODU_INT: return MODU_I64(o->col)[i];
    case MODU_BOOL: return MODU_U8(o->col)[i];
    default: return MODU_I32(o->col)[i];
  }
}

static double ops_f64(const modu_operand *o, int64_t i) {
  modu_type t = ops_type(o);
  if (t == MODU_FLOAT) return o->col ? MODU_F64(o->col)[i] : o->sc.v.f;
  return (double)ops_i64(o, i);
}

/* result bitmap = rows where both operands are present */
static int ops_validity(modu_column *r, const modu_operand *a, const modu_operand *b) {
  bool a_all_na = !a->col && a->sc.na, b_all_na = b && !b->col && b->sc.na;
  const uint64_t *va = a->col ? a->col->valid : NULL, *vb = b && b->col ? b->col->valid : NULL;
  if (!a_all_na && !b_all_na && !va && !vb) return 0;
  if (modu_col_ensure_valid(r)) return -1;
  size_t w = modu_bitmap_words(r->len);
  if (a_all_na || b_all_na) {
    memset(r->valid, 0, w * 8);
    return 0;
  }
  for (size_t k = 0; k < w; k++) r->valid[k] = (va ? va[k] : ~UINT64_C(0)) & (vb ? vb[k] : ~UINT64_C(0));
  modu_col_drop_full_bitmap(r);
  return 0;
}

static modu_column *ops_fail(modu_column *r) {
  modu_col_unref(r);
  return NULL;
}

static bool ops_numeric(modu_type t) { return t == MODU_INT || t == MODU_FLOAT; }

static int64_t ops_int_arith(modu_arith_op op, int64_t x, int64_t y) {
  uint64_t ux = (uint64_t)x, uy = (uint64_t)y; /* wrap around as Lua does */
  switch (op) {
    case MODU_ADD: return (int64_t)(ux + uy);
    case MODU_SUB: return (int64_t)(ux - uy);
    case MODU_MUL: return (int64_t)(ux * uy);
    case MODU_UNM: return (int64_t)(0u - ux);
    case MODU_IDIV: {
      if (y == -1) return (int64_t)(0u - ux);
      int64_t q = x / y;
      if ((x % y != 0) && ((x ^ y) < 0)) q -= 1;
      return q;
    }
    case MODU_MOD: {
      if (y == -1) return 0;
      int64_t m = x % y;
      if (m != 0 && (m ^ y) < 0) m += y;
      return m;
    }
    default: return 0;
  }
}

static double ops_float_arith(modu_arith_op op, double x, double y) {
  switch (op) {
    case MODU_ADD: return x + y;
    case MODU_SUB: return x - y;
    case MODU_MUL: return x * y;
    case MODU_DIV: return x / y;
    case MODU_IDIV: return floor(x / y);
    case MODU_MOD: {
      /* Lua's luai_nummod: fmod truncates, so a remainder whose sign differs
       * from the divisor's is moved to the divisor's side (floor semantics) */
      double m = fmod(x, y);
      if ((m > 0) ? y < 0 : (m < 0 && y > 0)) m += y;
      return m;
    }
    case MODU_POW: return y == 2 ? x * x : pow(x, y);
    case MODU_UNM: return -x;
  }
  return 0;
}

/* date arithmetic: date-date -> int days; date+-int and int+date -> date */
static int ops_date_result(modu_arith_op op, modu_type ta, modu_type tb, modu_type *out) {
  if (op == MODU_SUB && ta == MODU_DATE && tb == MODU_DATE) *out = MODU_INT;
  else if ((op == MODU_ADD || op == MODU_SUB) && ta == MODU_DATE && tb == MODU_INT) *out = MODU_DATE;
  else if (op == MODU_ADD && ta == MODU_INT && tb == MODU_DATE) *out = MODU_DATE;
  else return -1;
  return 0;
}

modu_column *modu_arith(modu_arith_op op, const modu_operand *a, const modu_operand *b,
                        modu_err *e) {
  modu_type ta = ops_type(a), tb = op == MODU_UNM ? ta : ops_type(b);
  modu_type rt;
  bool dates = ta == MODU_DATE || tb == MODU_DATE;
  if (dates) {
    if (op == MODU_UNM || ops_date_result(op, ta, tb, &rt)) {
      modu_errf(e, "cannot apply '%s' to %s and %s (dates allow date - date, date +/- int)",
                ops_arith_sym[op], modu_type_name(ta), modu_type_name(tb));
      return NULL;
    }
  } else if (!ops_numeric(ta) || !ops_numeric(tb)) {
    modu_type bad = ops_numeric(ta) ? tb : ta;
    modu_errf(e, "cannot apply '%s' to a %s operand (arithmetic needs int or float%s)",
              ops_arith_sym[op], modu_type_name(bad),
              bad == MODU_BOOL ? "; cast bool with :cast(\"int\")" : "");
    return NULL;
  } else {
    rt = (op == MODU_DIV || op == MODU_POW || ta == MODU_FLOAT || tb == MODU_FLOAT) ? MODU_FLOAT
                                                                                  : MODU_INT;
  }
  const modu_operand *bb = op == MODU_UNM ? a : b;
  int64_t n = ops_len(a, op == MODU_UNM ? NULL : b);
  modu_column *r = modu_col_new(rt, n, NULL);
  if (!r || ops_validity(r, a, op == MODU_UNM ? NULL : b)) {
    modu_errf(e, "out of memory");
    return ops_fail(r);
  }
  if (rt == MODU_FLOAT) {
    double *out = MODU_F64(r);
    if (a->col && ta == MODU_FLOAT && (op == MODU_UNM || (bb->col && tb == MODU_FLOAT))) {
      const double *x = MODU_F64(a->col), *y = MODU_F64(bb->col);
      switch (op) { /* the common all-float paths, kept branch-free for the compiler */
        case MODU_ADD: for (int64_t i = 0; i < n; i++) out[i] = x[i] + y[i]; return r;
        case MODU_SUB: for (int64_t i = 0; i < n; i++) out[i] = x[i] - y[i]; return r;
        case MODU_MUL: for (int64_t i = 0; i < n; i++) out[i] = x[i] * y[i]; return r;
        case MODU_DIV: for (int64_t i = 0; i < n; i++) out[i] = x[i] / y[i]; return r;
        case MODU_UNM: for (int64_t i = 0; i < n; i++) out[i] = -x[i]; return r;
        default: break;
      }
    }
    for (int64_t i = 0; i < n; i++)
      out[i] = ops_float_arith(op, ops_f64(a, a->col ? i : 0), ops_f64(bb, bb->col ? i : 0));
    return r;
  }
  /* integer and date results: check for division by zero on present rows first */
  if (op == MODU_IDIV || op == MODU_MOD) {
    for (int64_t i = 0; i < n; i++) {
      if (ops_na(a, a->col ? i : 0) || ops_na(b, b->col ? i : 0)) continue;
      if (ops_i64(b, b->col ? i : 0) == 0) {
        /* Lua's own words: "attempt to divide by zero" for //, "attempt to perform 'n%%0'" for %;
         * the %s argument is not a format, so its '%' stands for itself */
        modu_errf(e, "attempt to %s (row %" PRId64 ")", op == MODU_IDIV ? "divide by zero" : "perform 'n%0'",
                  i + 1);
        return ops_fail(r);
      }
    }
  }
  for (int64_t i = 0; i < n; i++) {
    int64_t ia = a->col ? i : 0, ib = bb->col ? i : 0;
    if ((op == MODU_IDIV || op == MODU_MOD) && (ops_na(a, ia) || ops_na(bb, ib))) {
      MODU_I64(r)[i] = 0;
      continue;
    }
    int64_t v = ops_int_arith(op, ops_i64(a, ia), ops_i64(bb, ib));
    if (rt == MODU_INT) {
      MODU_I64(r)[i] = v;
    } else if (v < INT32_MIN || v > INT32_MAX) {
      if (ops_na(a, ia) || ops_na(bb, ib)) {
        MODU_I32(r)[i] = 0;
        continue;
      }
      modu_errf(e, "date out of range at row %" PRId64, i + 1);
      return ops_fail(r);
    } else {
      MODU_I32(r)[i] = (int32_t)v;
    }
  }
  return r;
}

/* -1, 0, 1, or 2 when unordered (NaN) */
static int ops_cmp_if(int64_t i, double f) {
  if (isnan(f)) return 2;
  if (f >= MODU_TWO63) return -1;
  if (f < -MODU_TWO63) return 1;
  double fl = floor(f);
  int64_t fi = (int64_t)fl;
  if (i != fi) return i < fi ? -1 : 1;
  return f > fl ? -1 : 0;
}

static int ops_cmp_num(const modu_operand *a, int64_t ia, const modu_operand *b, int64_t ib) {
  modu_type ta = ops_type(a), tb = ops_type(b);
  if (ta != MODU_FLOAT && tb != MODU_FLOAT) {
    int64_t x = ops_i64(a, ia), y = ops_i64(b, ib);
    return (x > y) - (x < y);
  }
  if (ta == MODU_FLOAT && tb == MODU_FLOAT) {
    double x = ops_f64(a, ia), y = ops_f64(b, ib);
    if (isnan(x) || isnan(y)) return 2;
    return (x > y) - (x < y);
  }
  if (ta == MODU_FLOAT) {
    int c = ops_cmp_if(ops_i64(b, ib), ops_f64(a, ia));
    return c == 2 ? 2 : -c;
  }
  return ops_cmp_if(ops_i64(a, ia), ops_f64(b, ib));
}

static int ops_memcmp(const char *p, size_t lp, const char *q, size_t lq) {
  size_t m = lp < lq ? lp : lq;
  int r = m ? memcmp(p, q, m) : 0;
  if (r) return r < 0 ? -1 : 1;
  return (lp > lq) - (lp < lq);
}

static const char *ops_str(const modu_operand *o, int64_t i, size_t *len) {
  if (!o->col) {
    *len = o->sc.v.s.len;
    return o->sc.v.s.p;
  }
  return modu_dict_str(o->col->dict, MODU_I32(o->col)[i], len);
}

static bool ops_truth(modu_cmp_op op, int c) {
  if (c == 2) return op == MODU_NE;
  switch (op) {
    case MODU_EQ: return c == 0;
    case MODU_NE: return c != 0;
    case MODU_LT: return c < 0;
    case MODU_LE: return c <= 0;
    case MODU_GT: return c > 0;
    default: return c >= 0;
  }
}

static bool ops_comparable(modu_type a, modu_type b) {
  if (ops_numeric(a) && ops_numeric(b)) return true;
  return a == b;
}

modu_column *modu_compare(modu_cmp_op op, const modu_operand *a, const modu_operand *b,
                          modu_err *e) {
  modu_type ta = ops_type(a), tb = ops_type(b);
  if (!ops_comparable(ta, tb)) {
    modu_errf(e, "cannot compare %s with %s", modu_type_name(ta), modu_type_name(tb));
    return NULL;
  }
  int64_t n = ops_len(a, b);
  modu_column *r = modu_col_new(MODU_BOOL, n, NULL);
  if (!r || ops_validity(r, a, b)) {
    modu_errf(e, "out of memory");
    return ops_fail(r);
  }
  uint8_t *out = MODU_U8(r);
  if (ta != MODU_STR) {
    for (int64_t i = 0; i < n; i++)
      out[i] = ops_truth(op, ops_cmp_num(a, a->col ? i : 0, b, b->col ? i : 0));
    return r;
  }
  /* strings: work per dictionary code where one side is a scalar or both share a dict */
  const modu_operand *c = a->col ? a : b, *s = a->col ? b : a;
  if (c->col && !s->col) { /* two scalars fall through to the row loop */
    modu_dict *d = c->col->dict;
    int8_t *truth = malloc(d->n ? (size_t)d->n : 1);
    if (!truth) {
      modu_errf(e, "out of memory");
      return ops_fail(r);
    }
    for (int32_t k = 0; k < d->n; k++) {
      size_t l;
      const char *p = modu_dict_str(d, k, &l);
      int cmp = ops_memcmp(p, l, s->sc.v.s.p, s->sc.v.s.len);
      truth[k] = (int8_t)ops_truth(op, c == a ? cmp : -cmp);
    }
    const int32_t *codes = MODU_I32(c->col);
    for (int64_t i = 0; i < n; i++) out[i] = modu_col_isna(c->col, i) ? 0 : (uint8_t)truth[codes[i]];
    free(truth);
    return r;
  }
  if (a->col && b->col && a->col->dict == b->col->dict) {
    const int32_t *rank = modu_dict_ranks(a->col->dict);
    if (!rank) {
      modu_errf(e, "out of memory");
      return ops_fail(r);
    }
    const int32_t *x = MODU_I32(a->col), *y = MODU_I32(b->col);
    for (int64_t i = 0; i < n; i++) {
      int32_t rx = rank[x[i]], ry = rank[y[i]];
      out[i] = ops_truth(op, (rx > ry) - (rx < ry));
    }
    return r;
  }
  for (int64_t i = 0; i < n; i++) {
    if (ops_na(a, i) || ops_na(b, i)) {
      out[i] = 0;
      continue;
    }
    size_t lx, ly;
    const char *px = ops_str(a, i, &lx), *py = ops_str(b, i, &ly);
    out[i] = ops_truth(op, ops_memcmp(px, lx, py, ly));
  }
  return r;
}

static int ops_check_bool(const modu_operand *o, const char *what, modu_err *e) {
  if (ops_type(o) == MODU_BOOL) return 0;
  return modu_errf(e, "%s needs bool operands, got %s", what, modu_type_name(ops_type(o)));
}

static modu_column *ops_logic(bool is_and, const modu_operand *a, const modu_operand *b,
                              modu_err *e) {
  const char *what = is_and ? "band" : "bor";
  if (ops_check_bool(a, what, e) || ops_check_bool(b, what, e)) return NULL;
  int64_t n = ops_len(a, b);
  modu_column *r = modu_col_new(MODU_BOOL, n, NULL);
  if (!r) {
    modu_errf(e, "out of memory");
    return NULL;
  }
  uint8_t *out = MODU_U8(r);
  for (int64_t i = 0; i < n; i++) {
    int64_t ia = a->col ? i : 0, ib = b->col ? i : 0;
    bool na_a = ops_na(a, ia), na_b = ops_na(b, ib);
    bool x = !na_a && ops_i64(a, ia), y = !na_b && ops_i64(b, ib);
    if (is_and) {
      /* a known false decides an 'and' whatever the other side is */
      bool known_false = (!na_a && !x) || (!na_b && !y);
      out[i] = x && y;
      if (!known_false && (na_a || na_b)) goto na;
    } else {
      out[i] = x || y;
      if (!out[i] && (na_a || na_b)) goto na;
    }
    continue;
  na:
    out[i] = 0;
    if (modu_col_set_na(r, i)) {
      modu_errf(e, "out of memory");
      return ops_fail(r);
    }
  }
  return r;
}

modu_column *modu_bool_and(const modu_operand *a, const modu_operand *b, modu_err *e) {
  return ops_logic(true, a, b, e);
}

modu_column *modu_bool_or(const modu_operand *a, const modu_operand *b, modu_err *e) {
  return ops_logic(false, a, b, e);
}

modu_column *modu_bool_not(const modu_column *a, modu_err *e) {
  if (a->type != MODU_BOOL) {
    modu_errf(e, "bnot needs a bool column, got %s", modu_type_name(a->type));
    return NULL;
  }
  modu_column *r = modu_col_slice(a, 0, a->len, e);
  if (!r) return NULL;
  for (int64_t i = 0; i < a->len; i++) MODU_U8(r)[i] = !MODU_U8(a)[i];
  return r;
}

static int ops_cmp_i64(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

static int ops_cmp_f64(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static bool ops_find_i64(const int64_t *v, int64_t n, int64_t x) {
  return n && bsearch(&x, v, (size_t)n, sizeof x, ops_cmp_i64);
}

modu_column *modu_col_isin(const modu_column *c, const modu_scalar *vals, int64_t n, modu_err *e) {
  bool na_in = false;
  for (int64_t k = 0; k < n; k++) {
    if (vals[k].na) {
      na_in = true;
      continue;
    }
    if (!ops_comparable(c->type, vals[k].type)) {
      modu_errf(e, "value %" PRId64 " is %s but the column is %s", k + 1,
                modu_type_name(vals[k].type), modu_type_name(c->type));
      return NULL;
    }
  }
  modu_column *r = modu_col_new(MODU_BOOL, c->len, NULL);
  int64_t *ints = malloc((n ? (size_t)n : 1) * sizeof *ints);
  double *flts = malloc((n ? (size_t)n : 1) * sizeof *flts);
  uint8_t *codes = NULL;
  if (c->type == MODU_STR) codes = calloc(c->dict->n ? (size_t)c->dict->n : 1, 1);
  if (!r || !ints || !flts || (c->type == MODU_STR && !codes)) goto oom;
  int64_t ni = 0, nf = 0;
  bool nan_in = false;
  for (int64_t k = 0; k < n; k++) {
    const modu_scalar *v = &vals[k];
    if (v->na) continue;
    switch (v->type) {
      case MODU_STR: {
        int32_t code = modu_dict_find(c->dict, v->v.s.p, v->v.s.len);
        if (code >= 0) codes[code] = 1;
        break;
      }
      case MODU_FLOAT:
        if (isnan(v->v.f)) nan_in = true;
        else flts[nf++] = v->v.f;
        if (floor(v->v.f) == v->v.f && v->v.f >= -MODU_TWO63 && v->v.f < MODU_TWO63) ints[ni++] = (int64_t)v->v.f;
        break;
      case MODU_DATE: ints[ni++] = v->v.d; break;
      case MODU_BOOL: ints[ni++] = v->v.b; break;
      default:
        /* only the exact int64 list: (double)v->v.i may round, and 2^53 + 1
         * must not match a float row holding 2^53 */
        ints[ni++] = v->v.i;
    }
  }
  qsort(ints, (size_t)ni, sizeof *ints, ops_cmp_i64);
  qsort(flts, (size_t)nf, sizeof *flts, ops_cmp_f64);
  for (int64_t i = 0; i < c->len; i++) {
    bool hit;
    if (modu_col_isna(c, i)) hit = na_in;
    else if (c->type == MODU_STR) hit = codes[MODU_I32(c)[i]];
    else if (c->type == MODU_FLOAT) {
      double x = MODU_F64(c)[i];
      /* ints were converted exactly above; a float equal to an int64 value matches it */
      hit = isnan(x) ? nan_in
                     : (nf && bsearch(&x, flts, (size_t)nf, sizeof x, ops_cmp_f64)) ||
                           (floor(x) == x && x >= -MODU_TWO63 && x < MODU_TWO63 && ops_find_i64(ints, ni, (int64_t)x));
    } else {
      modu_operand o = {c, {0}};
      hit = ops_find_i64(ints, ni, ops_i64(&o, i));
    }
    MODU_U8(r)[i] = hit;
  }
  free(ints);
  free(flts);
  free(codes);
  return r;
oom:
  free(ints);
  free(flts);
  free(codes);
  modu_errf(e, "out of memory");
  return ops_fail(r);
}
