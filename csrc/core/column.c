/* Column lifetime, NA bitmaps, and the derived columns that move or convert
 * values without arithmetic: take, slice, cast, fill_na, rep, concat, equals. */
#define _DEFAULT_SOURCE /* madvise and MADV_HUGEPAGE next to -D_POSIX_C_SOURCE */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dtoa.h"
#include "modu_core.h"

void modu_advise_big(void *p, size_t bytes) {
#if defined(MADV_HUGEPAGE)
  /* page-aligned inside the block: the advice never reaches a neighbour's pages */
  if (p && bytes >= ((size_t)4 << 20)) {
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, end = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
    if (end > a) (void)madvise((void *)a, end - a, MADV_HUGEPAGE);
  }
#else
  (void)p;
  (void)bytes;
#endif
}

void *modu_alloc_big(size_t bytes, bool zero) {
  /* calloc of a fresh mapping touches nothing, so the advice still applies */
  void *p = zero ? calloc(bytes ? bytes : 1, 1) : malloc(bytes ? bytes : 1);
  modu_advise_big(p, bytes);
  return p;
}

size_t modu_type_width(modu_type t) {
  switch (t) {
    case MODU_INT: return sizeof(int64_t);
    case MODU_FLOAT: return sizeof(double);
    case MODU_BOOL: return 1;
    default: return sizeof(int32_t);
  }
}

modu_column *modu_col_new(modu_type t, int64_t len, modu_dict *dict) {
  if (len < 0 || (uint64_t)len > SIZE_MAX / 16) return NULL;
  modu_column *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->refs = 1;
  c->type = t;
  c->len = len;
  c->data = modu_alloc_big(len ? (size_t)len * modu_type_width(t) : 1, false);
  if (t == MODU_STR) c->dict = dict ? modu_dict_ref(dict) : modu_dict_new();
  if (!c->data || (t == MODU_STR && !c->dict)) {
    modu_dict_unref(c->dict);
    free(c->data);
    free(c);
    return NULL;
  }
  return c;
}

void modu_col_unref(modu_column *c) {
  if (!c || --c->refs > 0) return;
  free(c->data);
  free(c->valid);
  modu_dict_unref(c->dict);
  free(c);
}

int modu_col_ensure_valid(modu_column *c) {
  if (c->valid) return 0;
  size_t w = modu_bitmap_words(c->len);
  c->valid = malloc(w ? w * 8 : 8);
  if (!c->valid) return -1;
  memset(c->valid, 0xff, w * 8);
  return 0;
}

int modu_col_set_na(modu_column *c, int64_t i) {
  if (modu_col_ensure_valid(c)) return -1;
  c->valid[i >> 6] &= ~(UINT64_C(1) << (i & 63));
  return 0;
}

int64_t modu_col_count_na(const modu_column *c) {
  if (!c->valid) return 0;
  int64_t n = 0, full = c->len >> 6;
  for (int64_t w = 0; w < full; w++) n += 64 - __builtin_popcountll(c->valid[w]);
  for (int64_t i = full << 6; i < c->len; i++) n += modu_col_isna(c, i);
  return n;
}

void modu_col_drop_full_bitmap(modu_column *c) {
  if (c->valid && modu_col_count_na(c) == 0) {
    free(c->valid);
    c->valid = NULL;
  }
}

/* copies the bitmap bits [start, start+n) of src into a fresh bitmap of dst */
static int col_copy_bits(modu_column *dst, const modu_column *src, int64_t start, int64_t n) {
  if (!src->valid) return 0;
  if (modu_col_ensure_valid(dst)) return -1;
  if ((start & 63) == 0) {
    memcpy(dst->valid, src->valid + (start >> 6), modu_bitmap_words(n) * 8);
  } else {
    for (int64_t i = 0; i < n; i++)
      if (modu_col_isna(src, start + i)) dst->valid[i >> 6] &= ~(UINT64_C(1) << (i & 63));
  }
  modu_col_drop_full_bitmap(dst);
  return 0;
}

static modu_column *col_oom(modu_column *c, modu_err *e) {
  modu_col_unref(c);
  modu_errf(e, "out of memory");
  return NULL;
}

modu_column *modu_col_take(const modu_column *c, const int64_t *idx, int64_t n, modu_err *e) {
  modu_column *r = modu_col_new(c->type, n, c->dict);
  if (!r) return col_oom(NULL, e);
  size_t w = modu_type_width(c->type);
  bool any_na = false;
  switch (w) {
#define TAKE(T)                                                      \
  for (int64_t k = 0; k < n; k++) {                                  \
    int64_t i = idx[k];                                              \
    if (i < 0) { ((T *)r->data)[k] = 0; any_na = true; }             \
    else ((T *)r->data)[k] = ((const T *)c->data)[i];                \
  }                                                                  \
  break;
    case 8: TAKE(int64_t)
    case 4: TAKE(int32_t)
    default: TAKE(uint8_t)
#undef TAKE
  }
  if (c->valid || any_na) {
    if (modu_col_ensure_valid(r)) return col_oom(r, e);
    for (int64_t k = 0; k < n; k++)
      if (idx[k] < 0 || modu_col_isna(c, idx[k])) r->valid[k >> 6] &= ~(UINT64_C(1) << (k & 63));
    modu_col_drop_full_bitmap(r);
  }
  return r;
}

modu_column *modu_col_slice(const modu_column *c, int64_t start, int64_t n, modu_err *e) {
  modu_column *r = modu_col_new(c->type, n, c->dict);
  if (!r) return col_oom(NULL, e);
  size_t w = modu_type_width(c->type);
  if (n) memcpy(r->data, (const char *)c->data + (size_t)start * w, (size_t)n * w);
  if (col_copy_bits(r, c, start, n)) return col_oom(r, e);
  return r;
}

/* x as the shortest "%.*g" that reads back to the same double: the
 * shortest digits (dtoa.c), laid out as %g lays out that many digits */
int modu_format_double(double x, char *buf, size_t cap) {
  if (isnan(x)) return snprintf(buf, cap, "nan");
  if (isinf(x)) return snprintf(buf, cap, x > 0 ? "inf" : "-inf");
  if (x == 0) return snprintf(buf, cap, signbit(x) ? "-0" : "0");
  uint64_t d;
  int e, nd = modu_dtoa_shortest(fabs(x), &d, &e);
  char digits[24];
  for (int i = nd - 1; i >= 0; i--, d /= 10) digits[i] = (char)('0' + d % 10);
  int lead = nd - 1 + e; /* the decimal exponent of the first digit */
  const char *sign = x < 0 ? "-" : "";
  if (lead < -4 || lead >= nd)
    return snprintf(buf, cap, "%s%c%s%.*se%c%02d", sign, digits[0], nd > 1 ? "." : "", nd - 1, digits + 1,
                    lead < 0 ? '-' : '+', abs(lead));
  if (lead < 0) return snprintf(buf, cap, "%s0.%.*s%.*s", sign, -lead - 1, "000", nd, digits);
  return snprintf(buf, cap, "%s%.*s%s%.*s", sign, lead + 1, digits, lead + 1 < nd ? "." : "", nd - lead - 1,
                  digits + lead + 1);
}

static int col_parse_int(const char *s, size_t len, int64_t *out) {
  char buf[32];
  if (len == 0 || len >= sizeof buf) return -1;
  memcpy(buf, s, len);
  buf[len] = 0;
  size_t i = (buf[0] == '-' || buf[0] == '+');
  if (i == len) return -1;
  for (size_t k = i; k < len; k++)
    if (buf[k] < '0' || buf[k] > '9') return -1;
  errno = 0;
  long long v = strtoll(buf, NULL, 10);
  if (errno) return -1;
  *out = v;
  return 0;
}

static int col_parse_float(const char *s, size_t len, double *out) {
  char buf[64];
  /* strtod skips any leading white space (newlines too), which the text must
   * not have: the number has to be the whole string */
  if (len == 0 || len >= sizeof buf || strchr(" \t\n\v\f\r", s[0])) return -1;
  memcpy(buf, s, len);
  buf[len] = 0;
  char *end;
  *out = strtod(buf, &end);
  /* end short of len: trailing text, or a NUL inside the string */
  return end == buf + len ? 0 : -1;
}

static bool col_ascii_ieq(const char *s, size_t len, const char *lit) {
  size_t i = 0;
  for (; i < len && lit[i]; i++) {
    char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
    if (c != lit[i]) return false;
  }
  return i == len && !lit[i];
}

static int col_parse_bool(const char *s, size_t len, uint8_t *out) {
  if (col_ascii_ieq(s, len, "true")) *out = 1;
  else if (col_ascii_ieq(s, len, "false")) *out = 0;
  else return -1;
  return 0;
}

/* writes the text of row i into buf (non-str types) and returns its length */
static int col_value_text(const modu_column *c, int64_t i, char *buf, size_t cap) {
  switch (c->type) {
    case MODU_INT: return snprintf(buf, cap, "%" PRId64, MODU_I64(c)[i]);
    case MODU_FLOAT: return modu_format_double(MODU_F64(c)[i], buf, cap);
    case MODU_BOOL: return snprintf(buf, cap, "%s", MODU_U8(c)[i] ? "true" : "false");
    case MODU_DATE: return modu_date_format(MODU_I32(c)[i], buf, cap);
    default: return 0;
  }
}

/* Quotes a value for an error message: control bytes escaped, and cut after
 * about 40 bytes at a character boundary (the text is valid UTF-8 and the
 * message must stay so). */
static void col_quote(const char *s, size_t len, char *out, size_t cap) {
  size_t k = 0, i = 0;
  for (; i < len && k + 8 < cap; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (i >= 40 && (ch & 0xC0) != 0x80) break;
    if (ch < 0x20 || ch == 0x7f) k += (size_t)snprintf(out + k, cap - k, "\\x%02x", ch);
    else out[k++] = (char)ch;
  }
  if (i < len && k + 4 <= cap) {
    memcpy(out + k, "...", 3);
    k += 3;
  }
  out[k] = 0;
}

static modu_column *col_cast_fail(modu_column *r, modu_err *e, const modu_column *c, int64_t i,
                                  modu_type to, const char *why) {
  char text[64], q[200];
  if (c->type == MODU_STR) {
    size_t len;
    const char *s = modu_dict_str(c->dict, MODU_I32(c)[i], &len);
    col_quote(s, len, q, sizeof q);
  } else {
    col_value_text(c, i, text, sizeof text);
    col_quote(text, strlen(text), q, sizeof q);
  }
  modu_errf(e, "cannot convert %s '%s' at row %" PRId64 " to %s%s%s", modu_type_name(c->type), q,
            i + 1, modu_type_name(to), why ? " " : "", why ? why : "");
  modu_col_unref(r);
  return NULL;
}

modu_column *modu_col_cast(const modu_column *c, modu_type to, modu_err *e) {
  if (c->type == to) return modu_col_ref((modu_column *)c);
  modu_column *r = modu_col_new(to, c->len, NULL);
  if (!r) return col_oom(NULL, e);
  if (col_copy_bits(r, c, 0, c->len)) return col_oom(r, e);
  char buf[64];
  for (int64_t i = 0; i < c->len; i++) {
    if (modu_col_isna(c, i)) {
      memset((char *)r->data + (size_t)i * modu_type_width(to), 0, modu_type_width(to));
      continue;
    }
    if (to == MODU_STR) {
      int len = col_value_text(c, i, buf, sizeof buf);
      int32_t code = modu_dict_intern(r->dict, buf, (size_t)len);
      if (code < 0) return col_oom(r, e);
      MODU_I32(r)[i] = code;
      continue;
    }
    if (c->type == MODU_STR) {
      size_t len;
      const char *s = modu_dict_str(c->dict, MODU_I32(c)[i], &len);
      int bad = 0;
      switch (to) {
        case MODU_INT: bad = col_parse_int(s, len, &MODU_I64(r)[i]); break;
        case MODU_FLOAT: bad = col_parse_float(s, len, &MODU_F64(r)[i]); break;
        case MODU_BOOL: bad = col_parse_bool(s, len, &MODU_U8(r)[i]); break;
        default: {
          modu_err de;
          bad = modu_date_parse(s, len, &MODU_I32(r)[i], &de);
          if (bad) {
            modu_errf(e, "cannot convert str at row %" PRId64 " to date: %s", i + 1, de.msg);
            modu_col_unref(r);
            return NULL;
          }
        }
      }
      if (bad) return col_cast_fail(r, e, c, i, to, NULL);
      continue;
    }
    /* numeric-ish to numeric-ish: go through int64 or double */
    bool isf = c->type == MODU_FLOAT;
    double f = isf ? MODU_F64(c)[i] : 0;
    int64_t v = c->type == MODU_INT ? MODU_I64(c)[i]
                : c->type == MODU_BOOL ? MODU_U8(c)[i]
                : c->type == MODU_DATE ? MODU_I32(c)[i] : 0;
    /* a day is no truth value, nor a truth value a day */
    if ((c->type == MODU_DATE && to == MODU_BOOL) || (c->type == MODU_BOOL && to == MODU_DATE))
      return col_cast_fail(r, e, c, i, to, "(no conversion between bool and date)");
    switch (to) {
      case MODU_FLOAT: MODU_F64(r)[i] = isf ? f : (double)v; break;
      case MODU_BOOL:
        if (isf && isnan(f)) return col_cast_fail(r, e, c, i, to, "(NaN is not a truth value)");
        MODU_U8(r)[i] = isf ? f != 0 : v != 0;
        break;
      case MODU_INT:
      case MODU_DATE:
        if (isf) {
          if (!(f >= -MODU_TWO63 && f < MODU_TWO63) || floor(f) != f)
            return col_cast_fail(r, e, c, i, to, "(not a whole number in range)");
          v = (int64_t)f;
        }
        if (to == MODU_INT) {
          MODU_I64(r)[i] = v;
        } else {
          if (v < INT32_MIN || v > INT32_MAX)
            return col_cast_fail(r, e, c, i, to, "(days since 1970-01-01 out of range)");
          MODU_I32(r)[i] = (int32_t)v;
        }
        break;
      default: break;
    }
  }
  return r;
}

modu_column *modu_col_is_na(const modu_column *c, modu_err *e) {
  modu_column *r = modu_col_new(MODU_BOOL, c->len, NULL);
  if (!r) return col_oom(NULL, e);
  for (int64_t i = 0; i < c->len; i++) MODU_U8(r)[i] = modu_col_isna(c, i);
  return r;
}

/* stores scalar v (not NA, already of c's type) at row i */
static int col_store(modu_column *c, int64_t i, const modu_scalar *v) {
  switch (c->type) {
    case MODU_INT: MODU_I64(c)[i] = v->v.i; break;
    case MODU_FLOAT: MODU_F64(c)[i] = v->v.f; break;
    case MODU_BOOL: MODU_U8(c)[i] = v->v.b; break;
    case MODU_DATE: MODU_I32(c)[i] = v->v.d; break;
    case MODU_STR: {
      int32_t code = modu_dict_intern(c->dict, v->v.s.p, v->v.s.len);
      if (code < 0) return -1;
      MODU_I32(c)[i] = code;
    }
  }
  return 0;
}

/* "an int", "a float": messages read as English */
static const char *col_article(modu_type t) { return t == MODU_INT ? "an" : "a"; }

/* converts scalar v to type t when the conversion loses nothing */
static int col_scalar_as(const modu_scalar *v, modu_type t, modu_scalar *out) {
  *out = *v;
  out->type = t;
  if (v->na || v->type == t) return 0;
  if (v->type == MODU_INT && t == MODU_FLOAT) {
    out->v.f = (double)v->v.i;
    return 0;
  }
  if (v->type == MODU_FLOAT && t == MODU_INT && floor(v->v.f) == v->v.f && v->v.f >= -MODU_TWO63 &&
      v->v.f < MODU_TWO63) {
    out->v.i = (int64_t)v->v.f;
    return 0;
  }
  return -1;
}

modu_column *modu_col_fill_na(const modu_column *c, const modu_scalar *v, modu_err *e) {
  modu_scalar fv;
  if (col_scalar_as(v, c->type, &fv)) {
    modu_errf(e, "%s %s value cannot fill %s %s column", col_article(v->type),
              modu_type_name(v->type), col_article(c->type), modu_type_name(c->type));
    return NULL;
  }
  if (!c->valid || fv.na) return modu_col_ref((modu_column *)c);
  modu_column *r = modu_col_slice(c, 0, c->len, e);
  if (!r) return NULL;
  if (r->type == MODU_STR && modu_dict_intern(r->dict, fv.v.s.p, fv.v.s.len) < 0)
    return col_oom(r, e);
  for (int64_t i = 0; i < c->len; i++)
    if (modu_col_isna(c, i) && col_store(r, i, &fv)) return col_oom(r, e);
  free(r->valid);
  r->valid = NULL;
  return r;
}

modu_column *modu_col_rep(const modu_scalar *v, int64_t n, modu_err *e) {
  modu_column *r = modu_col_new(v->type, n, NULL);
  if (!r) return col_oom(NULL, e);
  if (v->na) {
    memset(r->data, 0, (size_t)n * modu_type_width(v->type));
    if (modu_col_ensure_valid(r)) return col_oom(r, e);
    memset(r->valid, 0, modu_bitmap_words(n) * 8);
    return r;
  }
  if (n == 0) return r;
  if (col_store(r, 0, v)) return col_oom(r, e);
  size_t w = modu_type_width(v->type);
  /* doubling copy: each memcpy duplicates what is already filled */
  int64_t filled = 1;
  while (filled < n) {
    int64_t k = filled < n - filled ? filled : n - filled;
    memcpy((char *)r->data + (size_t)filled * w, r->data, (size_t)k * w);
    filled += k;
  }
  return r;
}

modu_column *modu_col_concat(modu_column *const *cols, const int64_t *lens, int n,
                             const char *what, modu_err *e) {
  int t = -1;
  int64_t total = 0;
  bool same_dict = true;
  modu_dict *dict = NULL;
  for (int k = 0; k < n; k++) {
    const modu_column *c = cols[k];
    total += c ? c->len : lens[k];
    if (!c) continue;
    if (t < 0) t = (int)c->type;
    else if ((modu_type)t != c->type) {
      bool num = (t == MODU_INT || t == MODU_FLOAT) && (c->type == MODU_INT || c->type == MODU_FLOAT);
      if (!num) {
        modu_errf(e, "%s: cannot combine %s with %s (only int and float mix)", what,
                  modu_type_name((modu_type)t), modu_type_name(c->type));
        return NULL;
      }
      t = MODU_FLOAT;
    }
    if (c->type == MODU_STR) {
      if (dict && dict != c->dict) same_dict = false;
      dict = c->dict;
    }
  }
  if (t < 0) t = MODU_BOOL; /* all parts missing: an all-NA column */
  modu_column *r = modu_col_new((modu_type)t, total, same_dict ? dict : NULL);
  if (!r) return col_oom(NULL, e);
  size_t w = modu_type_width((modu_type)t);
  int64_t at = 0;
  for (int k = 0; k < n; k++) {
    const modu_column *c = cols[k];
    int64_t len = c ? c->len : lens[k];
    if (!c || c->valid) {
      if (modu_col_ensure_valid(r)) return col_oom(r, e);
      for (int64_t i = 0; i < len; i++)
        if (!c || modu_col_isna(c, i)) r->valid[(at + i) >> 6] &= ~(UINT64_C(1) << ((at + i) & 63));
    }
    void *dst = (char *)r->data + (size_t)at * w;
    if (!c) {
      memset(dst, 0, (size_t)len * w);
    } else if (c->type == (modu_type)t && (t != MODU_STR || same_dict)) {
      memcpy(dst, c->data, (size_t)len * w);
    } else if (t == MODU_FLOAT) {
      for (int64_t i = 0; i < len; i++) ((double *)dst)[i] = (double)MODU_I64(c)[i];
    } else { /* str from another dict: re-intern each distinct code once */
      int32_t *map = malloc((c->dict->n ? (size_t)c->dict->n : 1) * sizeof *map);
      if (!map) return col_oom(r, e);
      for (int32_t j = 0; j < c->dict->n; j++) map[j] = -1;
      for (int64_t i = 0; i < len; i++) {
        int32_t code = MODU_I32(c)[i];
        if (modu_col_isna(c, i)) {
          ((int32_t *)dst)[i] = 0;
          continue;
        }
        if (map[code] < 0) {
          size_t sl;
          const char *s = modu_dict_str(c->dict, code, &sl);
          map[code] = modu_dict_intern(r->dict, s, sl);
          if (map[code] < 0) {
            free(map);
            return col_oom(r, e);
          }
        }
        ((int32_t *)dst)[i] = map[code];
      }
      free(map);
    }
    at += len;
  }
  return r;
}

bool modu_col_equals(const modu_column *a, const modu_column *b) {
  if (a->type != b->type || a->len != b->len) return false;
  for (int64_t i = 0; i < a->len; i++) {
    bool na = modu_col_isna(a, i);
    if (na != modu_col_isna(b, i)) return false;
    if (na) continue;
    switch (a->type) {
      case MODU_INT:
        if (MODU_I64(a)[i] != MODU_I64(b)[i]) return false;
        break;
      case MODU_FLOAT: {
        double x = MODU_F64(a)[i], y = MODU_F64(b)[i];
        if (!(x == y || (isnan(x) && isnan(y)))) return false;
        break;
      }
      case MODU_BOOL:
        if (MODU_U8(a)[i] != MODU_U8(b)[i]) return false;
        break;
      case MODU_DATE:
        if (MODU_I32(a)[i] != MODU_I32(b)[i]) return false;
        break;
      case MODU_STR: {
        if (a->dict == b->dict) {
          if (MODU_I32(a)[i] != MODU_I32(b)[i]) return false;
          break;
        }
        size_t la, lb;
        const char *pa = modu_dict_str(a->dict, MODU_I32(a)[i], &la);
        const char *pb = modu_dict_str(b->dict, MODU_I32(b)[i], &lb);
        if (la != lb || (la && memcmp(pa, pb, la))) return false;
      }
    }
  }
  return true;
}
