/* modu.Column: construction from Lua arrays, element access, casts, NA handling,
 * operators and comparisons, and the reductions exposed as methods. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "lmodu.h"

void *lm_scratch(lua_State *L, size_t bytes) { return lua_newuserdatauv(L, bytes ? bytes : 1, 0); }

/* ---- building columns from Lua values ---- */

enum { K_NA, K_INT, K_FLOAT, K_STR, K_BOOL, K_DATE, K_OTHER };

static int col_kind(lua_State *L, int idx) {
  int32_t d;
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER: return lua_isinteger(L, idx) ? K_INT : K_FLOAT;
    case LUA_TSTRING: return K_STR;
    case LUA_TBOOLEAN: return K_BOOL;
    case LUA_TUSERDATA:
      if (lm_is_na(L, idx)) return K_NA;
      if (lm_is_date(L, idx, &d)) return K_DATE;
      return K_OTHER;
    default: return K_OTHER;
  }
}

static const char *const col_kind_name[] = {"NA", "an integer", "a float", "a string",
                                            "a boolean", "a date", "other"};

/* whether a value of kind k can be stored in a column of type t as it is */
static bool col_kind_fits(modu_type t, int k) {
  switch (k) {
    case K_NA: return true;
    case K_INT: return t == MODU_INT || t == MODU_FLOAT;
    case K_FLOAT: return t == MODU_FLOAT;
    case K_STR: return t == MODU_STR;
    case K_BOOL: return t == MODU_BOOL;
    case K_DATE: return t == MODU_DATE;
    default: return false;
  }
}

/* stores Lua value at stack top (of the column's type or NA) in row i */
static void col_store(lua_State *L, modu_column *c, int64_t i, int kind, const char *fn) {
  if (kind == K_NA) {
    memset((char *)c->data + (size_t)i * modu_type_width(c->type), 0, modu_type_width(c->type));
    if (modu_col_set_na(c, i)) lm_error(L, fn, "out of memory");
    return;
  }
  switch (c->type) {
    case MODU_INT: MODU_I64(c)[i] = lua_tointeger(L, -1); break;
    case MODU_FLOAT: MODU_F64(c)[i] = lua_tonumber(L, -1); break;
    case MODU_BOOL: MODU_U8(c)[i] = (uint8_t)lua_toboolean(L, -1); break;
    case MODU_DATE: lm_is_date(L, -1, &MODU_I32(c)[i]); break;
    case MODU_STR: {
      size_t len, bad;
      const char *s = lua_tolstring(L, -1, &len);
      if (!modu_utf8_valid(s, len, &bad))
        lm_error(L, fn, "invalid UTF-8 in row %lld at byte %zu (strings must be valid UTF-8)",
                 (long long)i + 1, bad + 1);
      int32_t code = modu_dict_intern(c->dict, s, len);
      if (code < 0) lm_error(L, fn, "out of memory");
      MODU_I32(c)[i] = code;
    }
  }
}

modu_column *lm_column_from_table(lua_State *L, int idx, int want, const char *fn) {
  idx = lua_absindex(L, idx);
  lua_Integer n = luaL_len(L, idx);
  if (n < 0) lm_error(L, fn, "the array's length is negative (%lld)", (long long)n); /* a __len can say so */
  int seen[K_OTHER] = {0};
  lua_Integer first[K_OTHER] = {0};
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, idx, i);
    int k = col_kind(L, -1);
    if (k == K_OTHER) {
      if (lua_isnil(L, -1))
        lm_error(L, fn, "value %lld is nil (use modu.NA for a missing value)", (long long)i);
      lm_error(L, fn, "value %lld is a %s (columns hold numbers, strings, booleans, dates or modu.NA)",
               (long long)i, lm_typename(L, -1));
      return NULL; /* not reached: lm_error raises */
    }
    if (!seen[k]++) first[k] = i;
    lua_pop(L, 1);
  }
  /* the kind every value shares, with integers and floats counted as one */
  int kinds = (seen[K_INT] || seen[K_FLOAT]) + !!seen[K_STR] + !!seen[K_BOOL] + !!seen[K_DATE];
  modu_type t = seen[K_FLOAT] ? MODU_FLOAT : seen[K_INT] ? MODU_INT : seen[K_STR] ? MODU_STR
                : seen[K_DATE] ? MODU_DATE : MODU_BOOL;
  bool stringify = false;
  if (kinds > 1) {
    if (want != MODU_STR) {
      int a = -1, b = -1;
      for (int k = K_INT; k < K_OTHER; k++) {
        /* integers and floats are one kind here: name whichever came first */
        if (!seen[k] || (k == K_FLOAT && seen[K_INT] && first[K_INT] < first[K_FLOAT]) ||
            (k == K_INT && seen[K_FLOAT] && first[K_FLOAT] < first[K_INT]))
          continue;
        if (a < 0 || first[k] < first[a]) b = a, a = k;
        else if (b < 0 || first[k] < first[b]) b = k;
      }
      lm_error(L, fn, "value %lld is %s but value %lld is %s (one column holds one type; pass a type "
               "such as \"str\" to convert)", (long long)first[b], col_kind_name[b],
               (long long)first[a], col_kind_name[a]);
    }
    stringify = true;
    t = MODU_STR;
  }
  if (kinds == 0 && want >= 0) t = (modu_type)want;
  modu_column *c = modu_col_new(t, n, NULL);
  if (!c) lm_error(L, fn, "out of memory");
  lm_push_column(L, c);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, idx, i);
    int k = col_kind(L, -1);
    /* an __index metamethod may answer differently the second time round;
     * storing such a value would read the wrong Lua type */
    if (k == K_OTHER || (!stringify && !col_kind_fits(t, k)))
      lm_error(L, fn, "value %lld changed while the array was read (now %s)", (long long)i,
               lm_typename(L, -1));
    if (stringify && k != K_NA && k != K_STR) {
      char buf[64];
      int len;
      int32_t d;
      if (k == K_INT || k == K_FLOAT) len = lua_isinteger(L, -1)
          ? snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, -1))
          : modu_format_double(lua_tonumber(L, -1), buf, sizeof buf);
      else if (k == K_BOOL) len = snprintf(buf, sizeof buf, "%s", lua_toboolean(L, -1) ? "true" : "false");
      else len = (lm_is_date(L, -1, &d), modu_date_format(d, buf, sizeof buf));
      lua_pop(L, 1);
      lua_pushlstring(L, buf, (size_t)len);
      k = K_STR;
    }
    col_store(L, c, i - 1, k, fn);
    lua_pop(L, 1);
  }
  if (want >= 0 && (modu_type)want != c->type) {
    modu_err e;
    modu_column *r = modu_col_cast(c, (modu_type)want, &e);
    if (!r) lm_core_error(L, fn, &e);
    lua_pop(L, 1);
    lm_push_column(L, r);
    return r;
  }
  return c;
}

modu_column *lm_as_column(lua_State *L, int idx, int64_t n, const char *fn, const char *what) {
  idx = lua_absindex(L, idx);
  modu_column *c = lm_test_column(L, idx);
  if (c) {
    lua_pushvalue(L, idx);
  } else if (luaL_testudata(L, idx, LM_COLUMN)) {
    lm_error(L, fn, "%s: the column is closed", what);
  } else if (lua_istable(L, idx)) {
    c = lm_column_from_table(L, idx, -1, fn);
  } else {
    modu_scalar s;
    modu_err e;
    if (lm_to_scalar(L, idx, MODU_BOOL, &s))
      lm_error(L, fn, "%s must be a column, an array or a single value, got %s", what, lm_typename(L, idx));
    if (s.type == MODU_STR) {
      size_t bad;
      if (!modu_utf8_valid(s.v.s.p, s.v.s.len, &bad))
        lm_error(L, fn, "%s: invalid UTF-8 at byte %zu", what, bad + 1);
    }
    c = modu_col_rep(&s, n < 0 ? 1 : n, &e);
    if (!c) lm_core_error(L, fn, &e);
    lm_push_column(L, c);
  }
  if (n >= 0 && c->len != n)
    lm_error(L, fn, "%s has %lld values but the frame has %lld rows", what, (long long)c->len,
             (long long)n);
  return c;
}

/* ---- methods ---- */

static int col_len(lua_State *L) {
  lua_pushinteger(L, lm_check_column(L, 1, "len")->len);
  return 1;
}

static int col_type(lua_State *L) {
  lua_pushstring(L, modu_type_name(lm_check_column(L, 1, "type")->type));
  return 1;
}

static int col_to_table(lua_State *L) {
  modu_column *c = lm_check_column(L, 1, "to_table");
  lua_createtable(L, (int)(c->len < INT32_MAX ? c->len : INT32_MAX), 0);
  for (int64_t i = 0; i < c->len; i++) {
    lm_push_value(L, c, i);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

static int col_cast(lua_State *L) {
  modu_column *c = lm_check_column(L, 1, "cast");
  int t = lm_check_type_name(L, 2, "cast");
  modu_err e;
  lm_push_result(L, modu_col_cast(c, (modu_type)t, &e), "cast", &e);
  return 1;
}

static int col_fill_na(lua_State *L) {
  modu_column *c = lm_check_column(L, 1, "fill_na");
  modu_scalar s;
  if (lm_to_scalar(L, 2, c->type, &s))
    return lm_error(L, "fill_na", "the fill value must be a single value, got %s", lm_typename(L, 2));
  if (c->type == MODU_DATE && s.type == MODU_STR) {
    modu_err de;
    if (modu_date_parse(s.v.s.p, s.v.s.len, &s.v.d, &de)) return lm_core_error(L, "fill_na", &de);
    s.type = MODU_DATE;
  }
  if (s.type == MODU_STR) {
    size_t bad;
    if (!modu_utf8_valid(s.v.s.p, s.v.s.len, &bad))
      return lm_error(L, "fill_na", "invalid UTF-8 at byte %zu", bad + 1);
  }
  modu_err e;
  lm_push_result(L, modu_col_fill_na(c, &s, &e), "fill_na", &e);
  return 1;
}

static int col_is_na(lua_State *L) {
  modu_err e;
  lm_push_result(L, modu_col_is_na(lm_check_column(L, 1, "is_na"), &e), "is_na", &e);
  return 1;
}

static int col_count_na(lua_State *L) {
  lua_pushinteger(L, modu_col_count_na(lm_check_column(L, 1, "count_na")));
  return 1;
}

/* an operand at idx: a column, or a scalar typed to fit the other side (a
 * string against a date column is read as an ISO date) */
static void col_operand(lua_State *L, int idx, const modu_column *other, modu_operand *o,
                        const char *fn) {
  o->col = lm_test_column(L, idx);
  if (o->col) return;
  if (luaL_testudata(L, idx, LM_COLUMN)) lm_error(L, fn, "the column is closed");
  modu_type na_type = other ? other->type : MODU_BOOL;
  if (lm_to_scalar(L, idx, na_type, &o->sc))
    lm_error(L, fn, "operand must be a column or a single value, got %s", lm_typename(L, idx));
  if (o->sc.type == MODU_STR && other && other->type == MODU_DATE) {
    modu_err e;
    if (modu_date_parse(o->sc.v.s.p, o->sc.v.s.len, &o->sc.v.d, &e)) lm_core_error(L, fn, &e);
    o->sc.type = MODU_DATE;
  }
}

static void col_same_len(lua_State *L, const modu_operand *a, const modu_operand *b, const char *fn) {
  if (a->col && b->col && a->col->len != b->col->len)
    lm_error(L, fn, "length mismatch: %lld vs %lld values", (long long)a->col->len,
             (long long)b->col->len);
}

static const char *const col_cmp_names[] = {"eq", "ne", "lt", "le", "gt", "ge"};

static int col_compare(lua_State *L, modu_cmp_op op) {
  const char *fn = col_cmp_names[op];
  modu_column *c = lm_check_column(L, 1, fn);
  if (lua_isnone(L, 2)) return lm_error(L, fn, "missing the value to compare with");
  modu_operand a = {c, {0}}, b;
  col_operand(L, 2, c, &b, fn);
  col_same_len(L, &a, &b, fn);
  modu_err e;
  lm_push_result(L, modu_compare(op, &a, &b, &e), fn, &e);
  return 1;
}
static int col_eq(lua_State *L) { return col_compare(L, MODU_EQ); }
static int col_ne(lua_State *L) { return col_compare(L, MODU_NE); }
static int col_lt(lua_State *L) { return col_compare(L, MODU_LT); }
static int col_le(lua_State *L) { return col_compare(L, MODU_LE); }
static int col_gt(lua_State *L) { return col_compare(L, MODU_GT); }
static int col_ge(lua_State *L) { return col_compare(L, MODU_GE); }

static int col_between(lua_State *L) {
  modu_column *c = lm_check_column(L, 1, "between");
  modu_operand x = {c, {0}}, lo, hi;
  col_operand(L, 2, c, &lo, "between");
  col_operand(L, 3, c, &hi, "between");
  col_same_len(L, &x, &lo, "between");
  col_same_len(L, &x, &hi, "between");
  modu_err e;
  modu_column *ge = modu_compare(MODU_GE, &x, &lo, &e);
  lm_push_result(L, ge, "between", &e);
  modu_column *le = modu_compare(MODU_LE, &x, &hi, &e);
  lm_push_result(L, le, "between", &e);
  modu_operand a = {ge, {0}}, b = {le, {0}};
  lm_push_result(L, modu_bool_and(&a, &b, &e), "between", &e);
  return 1;
}

static int col_logic(lua_State *L, bool is_and) {
  const char *fn = is_and ? "band" : "bor";
  modu_column *c = lm_check_column(L, 1, fn);
  modu_operand a = {c, {0}}, b;
  col_operand(L, 2, c, &b, fn);
  col_same_len(L, &a, &b, fn);
  modu_err e;
  lm_push_result(L, is_and ? modu_bool_and(&a, &b, &e) : modu_bool_or(&a, &b, &e), fn, &e);
  return 1;
}
static int col_band(lua_State *L) { return col_logic(L, true); }
static int col_bor(lua_State *L) { return col_logic(L, false); }

static int col_bnot(lua_State *L) {
  modu_err e;
  lm_push_result(L, modu_bool_not(lm_check_column(L, 1, "bnot"), &e), "bnot", &e);
  return 1;
}

static int col_isin(lua_State *L) {
  modu_column *c = lm_check_column(L, 1, "isin");
  lua_settop(L, 2);
  /* The set's __len and __index may run Lua code, which could close self:
   * hold a reference of our own (3). The values are copied into a table of
   * our own (4), so the strings the scalars point into stay alive. */
  lm_push_column(L, modu_col_ref(c));
  lua_Integer n;
  if (lm_test_column(L, 2)) {
    lua_pushcfunction(L, col_to_table); /* not the method: a user may have replaced it */
    lua_pushvalue(L, 2);
    lua_call(L, 1, 1);
    n = (lua_Integer)lua_rawlen(L, 4);
  } else if (luaL_testudata(L, 2, LM_COLUMN)) {
    return lm_error(L, "isin", "the column is closed");
  } else if (!lua_istable(L, 2)) {
    return lm_error(L, "isin", "expected an array of values or a column, got %s", lm_typename(L, 2));
  } else {
    n = luaL_len(L, 2);
    lua_newtable(L);
    for (lua_Integer k = 1; k <= n; k++) {
      lua_geti(L, 2, k);
      /* checked as it is read: a __len claiming too much fails at its first hole */
      if (lua_isnil(L, -1))
        return lm_error(L, "isin", "value %lld is nil (use modu.NA for a missing value)", (long long)k);
      lua_rawseti(L, 4, k);
    }
  }
  modu_scalar *s = lm_scratch(L, (size_t)n * sizeof *s);
  for (lua_Integer k = 1; k <= n; k++) {
    lua_rawgeti(L, 4, k);
    if (lm_to_scalar(L, -1, c->type, &s[k - 1]))
      return lm_error(L, "isin", "value %lld is a %s, not a single value", (long long)k, lm_typename(L, -1));
    if (s[k - 1].type == MODU_STR && c->type == MODU_DATE) {
      modu_err de;
      if (modu_date_parse(s[k - 1].v.s.p, s[k - 1].v.s.len, &s[k - 1].v.d, &de))
        return lm_core_error(L, "isin", &de);
      s[k - 1].type = MODU_DATE;
    }
    lua_pop(L, 1); /* the string stays alive in table 4 */
  }
  modu_err e;
  lm_push_result(L, modu_col_isin(c, s, n, &e), "isin", &e);
  return 1;
}

static void col_push_scalar(lua_State *L, const modu_scalar *s) {
  if (s->na) {
    lm_push_na(L);
    return;
  }
  switch (s->type) {
    case MODU_INT: lua_pushinteger(L, s->v.i); break;
    case MODU_FLOAT: lua_pushnumber(L, s->v.f); break;
    case MODU_BOOL: lua_pushboolean(L, s->v.b); break;
    case MODU_DATE: lm_push_date(L, s->v.d); break;
    case MODU_STR: lua_pushlstring(L, s->v.s.p, s->v.s.len); break;
  }
}

static int col_sum(lua_State *L) {
  modu_scalar s;
  modu_err e;
  if (modu_col_sum(lm_check_column(L, 1, "sum"), &s, &e)) return lm_core_error(L, "sum", &e);
  col_push_scalar(L, &s);
  return 1;
}

static int col_mean(lua_State *L) {
  modu_scalar s;
  modu_err e;
  if (modu_col_mean(lm_check_column(L, 1, "mean"), &s, &e)) return lm_core_error(L, "mean", &e);
  col_push_scalar(L, &s);
  return 1;
}

static int col_minmax(lua_State *L, bool want_max) {
  const char *fn = want_max ? "max" : "min";
  modu_scalar s;
  modu_err e;
  if (modu_col_minmax(lm_check_column(L, 1, fn), want_max, &s, &e)) return lm_core_error(L, fn, &e);
  col_push_scalar(L, &s);
  return 1;
}
static int col_min(lua_State *L) { return col_minmax(L, false); }
static int col_max(lua_State *L) { return col_minmax(L, true); }

static int col_anyall(lua_State *L, bool want_all) {
  const char *fn = want_all ? "all" : "any";
  bool r;
  modu_err e;
  if (modu_col_anyall(lm_check_column(L, 1, fn), want_all, &r, &e)) return lm_core_error(L, fn, &e);
  lua_pushboolean(L, r);
  return 1;
}
static int col_any(lua_State *L) { return col_anyall(L, false); }
static int col_all(lua_State *L) { return col_anyall(L, true); }

static int col_date_part(lua_State *L, int which) {
  const char *fn = which == 0 ? "year" : which == 1 ? "month" : "day";
  modu_column *c = lm_check_column(L, 1, fn);
  if (c->type != MODU_DATE)
    return lm_error(L, fn, "needs a date column, got %s (convert text with :cast(\"date\"))",
                    modu_type_name(c->type));
  modu_column *r = modu_col_new(MODU_INT, c->len, NULL);
  if (!r) return lm_error(L, fn, "out of memory");
  lm_push_column(L, r);
  modu_err e;
  if (c->valid && (modu_col_ensure_valid(r) || !memcpy(r->valid, c->valid, modu_bitmap_words(c->len) * 8)))
    return lm_core_error(L, fn, (modu_errf(&e, "out of memory"), &e));
  for (int64_t i = 0; i < c->len; i++) {
    int64_t y;
    int m, d;
    modu_date_to_ymd(MODU_I32(c)[i], &y, &m, &d);
    MODU_I64(r)[i] = which == 0 ? y : which == 1 ? m : d;
  }
  return 1;
}
static int col_year(lua_State *L) { return col_date_part(L, 0); }
static int col_month(lua_State *L) { return col_date_part(L, 1); }
static int col_day(lua_State *L) { return col_date_part(L, 2); }

/* ---- windows over the whole column (per group: the expression language) ---- */

/* optional whole-number argument 2, for the offsets of lag, lead and diff */
static int64_t col_rows_arg(lua_State *L, int64_t dflt, const char *fn, const char *what) {
  if (lua_isnoneornil(L, 2)) return dflt;
  int exact = 0;
  lua_Integer k = lua_type(L, 2) == LUA_TNUMBER ? lua_tointegerx(L, 2, &exact) : 0;
  if (!exact) {
    if (lua_type(L, 2) == LUA_TNUMBER)
      lm_error(L, fn, "%s must be a whole number of rows, got %s", what, lua_tostring(L, 2));
    lm_error(L, fn, "%s must be a whole number of rows, got %s", what, lm_typename(L, 2));
  }
  return k;
}

static int col_window(lua_State *L, modu_win_kind kind, const char *fn) {
  modu_column *c = lm_check_column(L, 1, fn);
  int64_t k = 0;
  switch (kind) {
    case MODU_WIN_LAG:
    case MODU_WIN_LEAD:
    case MODU_WIN_DIFF: k = col_rows_arg(L, 1, fn, "the offset"); break;
    case MODU_WIN_ROLLING_MEAN:
    case MODU_WIN_ROLLING_SUM:
      if (lua_isnoneornil(L, 2)) return lm_error(L, fn, "missing the window size n (rows)");
      k = col_rows_arg(L, 0, fn, "the window size n");
      if (k < 1) return lm_error(L, fn, "the window size n must be at least 1 row, got %lld", (long long)k);
      break;
    case MODU_WIN_RANK:
      k = MODU_RANK_AVERAGE;
      if (!lua_isnoneornil(L, 2)) {
        if (lua_type(L, 2) != LUA_TSTRING)
          return lm_error(L, fn, "method must be a string, got %s (methods: " MODU_RANK_METHODS ")",
                          lm_typename(L, 2));
        k = modu_rank_method_from_name(lua_tostring(L, 2));
        if (k < 0)
          return lm_error(L, fn, "unknown method '%s' (methods: " MODU_RANK_METHODS ")", lua_tostring(L, 2));
      }
      break;
    default:
      if (!lua_isnone(L, 2)) return lm_error(L, fn, "takes no argument, got %s", lm_typename(L, 2));
  }
  modu_err e;
  lm_push_result(L, modu_window(kind, c, NULL, k, &e), fn, &e);
  return 1;
}
static int col_lag(lua_State *L) { return col_window(L, MODU_WIN_LAG, "lag"); }
static int col_lead(lua_State *L) { return col_window(L, MODU_WIN_LEAD, "lead"); }
static int col_diff(lua_State *L) { return col_window(L, MODU_WIN_DIFF, "diff"); }
static int col_pct_change(lua_State *L) { return col_window(L, MODU_WIN_PCT_CHANGE, "pct_change"); }
static int col_cumsum(lua_State *L) { return col_window(L, MODU_WIN_CUMSUM, "cumsum"); }
static int col_cumprod(lua_State *L) { return col_window(L, MODU_WIN_CUMPROD, "cumprod"); }
static int col_cummin(lua_State *L) { return col_window(L, MODU_WIN_CUMMIN, "cummin"); }
static int col_cummax(lua_State *L) { return col_window(L, MODU_WIN_CUMMAX, "cummax"); }
static int col_rank(lua_State *L) { return col_window(L, MODU_WIN_RANK, "rank"); }
static int col_row_number(lua_State *L) { return col_window(L, MODU_WIN_ROW_NUMBER, "row_number"); }
static int col_rolling_mean(lua_State *L) { return col_window(L, MODU_WIN_ROLLING_MEAN, "rolling_mean"); }
static int col_rolling_sum(lua_State *L) { return col_window(L, MODU_WIN_ROLLING_SUM, "rolling_sum"); }

static int col_close(lua_State *L) {
  lm_colbox *b = luaL_testudata(L, 1, LM_COLUMN);
  if (!b)
    return lm_error(L, "close", "self must be a " LM_COLUMN ", got %s (call it with ':')", lm_typename(L, 1));
  modu_col_unref(b->c);
  b->c = NULL;
  return 0;
}

static int col_tostring(lua_State *L) {
  modu_column *c = lm_check_column(L, 1, "tostring");
  modu_frame *f = modu_frame_new(1, c->len);
  if (!f) return lm_error(L, "tostring", "out of memory");
  lm_push_frame(L, f); /* owned by Lua from here */
  if (modu_frame_set(f, 0, c, "")) return lm_error(L, "tostring", "out of memory");
  modu_print_opts o;
  lm_print_opts(&o);
  char *s = modu_format_frame(f, &o);
  if (!s) return lm_error(L, "tostring", "out of memory");
  /* a column has no name: leave out the empty name line */
  const char *body = strchr(s, '\n');
  lua_pushstring(L, body ? body + 1 : s);
  free(s);
  return 1;
}

/* ---- operators ---- */

static int col_arith(lua_State *L, modu_arith_op op) {
  modu_column *ca = lm_test_column(L, 1), *cb = lm_test_column(L, 2);
  modu_operand a, b;
  col_operand(L, 1, cb, &a, "arith");
  if (op == MODU_UNM) {
    b = a;
  } else {
    col_operand(L, 2, ca, &b, "arith");
    col_same_len(L, &a, &b, "arith");
    /* NA beside a date column is an unknown number of days, not an unknown
     * date: date +/- NA is then a date, as date +/- int is */
    if (!a.col && a.sc.na && b.col && b.col->type == MODU_DATE) a.sc.type = MODU_INT;
    if (!b.col && b.sc.na && a.col && a.col->type == MODU_DATE) b.sc.type = MODU_INT;
  }
  modu_err e;
  lm_push_result(L, modu_arith(op, &a, &b, &e), "arith", &e);
  return 1;
}
static int col_add(lua_State *L) { return col_arith(L, MODU_ADD); }
static int col_sub(lua_State *L) { return col_arith(L, MODU_SUB); }
static int col_mul(lua_State *L) { return col_arith(L, MODU_MUL); }
static int col_div(lua_State *L) { return col_arith(L, MODU_DIV); }
static int col_idiv(lua_State *L) { return col_arith(L, MODU_IDIV); }
static int col_mod(lua_State *L) { return col_arith(L, MODU_MOD); }
static int col_pow(lua_State *L) { return col_arith(L, MODU_POW); }
static int col_unm(lua_State *L) { return col_arith(L, MODU_UNM); }

/* col[i] gives row i (1-based; nil outside), any other key a method */
static int col_index(lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) {
    modu_column *c = lm_check_column(L, 1, "index");
    lua_Integer i;
    if (!lua_isinteger(L, 2)) {
      /* lua_numbertointeger truncates, so test wholeness first: c[1.5] is no row */
      lua_Number x = lua_tonumber(L, 2);
      if (floor(x) != x || !lua_numbertointeger(x, &i))
        return lm_error(L, "index", "row index %g is not an integer", x);
    } else {
      i = lua_tointeger(L, 2);
    }
    if (i < 1 || i > c->len) return 0;
    lm_push_value(L, c, i - 1);
    return 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

/* modu.column(values [, type]) */
static int col_new(lua_State *L) {
  int want = lua_isnoneornil(L, 2) ? -1 : lm_check_type_name(L, 2, "column");
  modu_column *c = lm_test_column(L, 1);
  if (c) {
    modu_err e;
    if (want < 0) {
      lua_pushvalue(L, 1);
      return 1;
    }
    lm_push_result(L, modu_col_cast(c, (modu_type)want, &e), "column", &e);
    return 1;
  }
  if (luaL_testudata(L, 1, LM_COLUMN)) return lm_error(L, "column", "the column is closed");
  if (!lua_istable(L, 1))
    return lm_error(L, "column", "expected an array of values, got %s", lm_typename(L, 1));
  lm_column_from_table(L, 1, want, "column");
  return 1;
}

static const luaL_Reg col_methods[] = {
    {"type", col_type},     {"to_table", col_to_table}, {"cast", col_cast},
    {"fill_na", col_fill_na}, {"is_na", col_is_na},     {"count_na", col_count_na},
    {"eq", col_eq},         {"ne", col_ne},             {"lt", col_lt},
    {"le", col_le},         {"gt", col_gt},             {"ge", col_ge},
    {"between", col_between}, {"isin", col_isin},       {"band", col_band},
    {"bor", col_bor},       {"bnot", col_bnot},         {"sum", col_sum},
    {"mean", col_mean},     {"min", col_min},           {"max", col_max},
    {"any", col_any},       {"all", col_all},           {"year", col_year},
    {"month", col_month},   {"day", col_day},           {"len", col_len},
    {"close", col_close},
    {"lag", col_lag}, {"lead", col_lead}, {"diff", col_diff}, {"pct_change", col_pct_change},
    {"cumsum", col_cumsum}, {"cumprod", col_cumprod}, {"cummin", col_cummin}, {"cummax", col_cummax},
    {"rank", col_rank}, {"row_number", col_row_number}, {"rolling_mean", col_rolling_mean},
    {"rolling_sum", col_rolling_sum},
    {NULL, NULL}};

static const luaL_Reg col_meta[] = {
    {"__len", col_len},   {"__tostring", col_tostring}, {"__gc", col_close}, {"__close", col_close},
    {"__add", col_add},   {"__sub", col_sub},           {"__mul", col_mul},  {"__div", col_div},
    {"__idiv", col_idiv}, {"__mod", col_mod},           {"__pow", col_pow},  {"__unm", col_unm},
    {NULL, NULL}};

int lm_open_column(lua_State *L) {
  luaL_newmetatable(L, LM_COLUMN);
  luaL_setfuncs(L, col_meta, 0);
  luaL_newlib(L, col_methods);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, col_index, 1);
  lua_setfield(L, -3, "__index");
  lua_remove(L, -2); /* leave the method table for modu.Column */
  return 1;
}

int lm_column_constructor(lua_State *L) { return col_new(L); }
