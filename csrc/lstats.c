/* Lua bindings of the statistics: modu.core.stats (descriptive, association,
 * regression, distributions, growth, regional economics, normalisation, the
 * composite index), the Column statistics methods, df:describe and df:cor. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "lmodu.h"
#include "stats.h"

/* ---- arguments ---- */

/* A numeric column from a column, a Lua array or a number, pushed; the
 * pushed box holds a reference of its own, so a finaliser that closes the
 * caller's column cannot free it under us. */
static modu_column *ls_column(lua_State *L, int idx, const char *fn, const char *what, bool numeric) {
  idx = lua_absindex(L, idx);
  if (lua_isnoneornil(L, idx)) {
    lm_error(L, fn, "%s is missing (a column or an array of numbers)", what);
    return NULL;
  }
  modu_column *c = lm_as_column(L, idx, -1, fn, what);
  if (numeric && !modu_stats_numeric(c))
    lm_error(L, fn, "%s must be numeric (int, float or bool), got a %s column", what, modu_type_name(c->type));
  lm_push_column(L, modu_col_ref(c));
  lua_remove(L, -2);
  return c;
}

/* the present values of c in a buffer owned by Lua (pushed) */
static double *ls_values(lua_State *L, const modu_column *c, int64_t *n) {
  double *v = lm_scratch(L, (size_t)c->len * sizeof *v);
  *n = modu_stats_gather(c, v);
  return v;
}

/* field key of the options table at idx as a number (def when absent) */
static double ls_opt_number(lua_State *L, int idx, const char *key, double def, const char *fn) {
  if (!lua_istable(L, idx)) return def;
  lua_getfield(L, idx, key);
  double v = def;
  if (lua_type(L, -1) == LUA_TNUMBER) v = lua_tonumber(L, -1);
  else if (!lua_isnil(L, -1))
    lm_error(L, fn, "option %s must be a number, got %s", key, lm_typename(L, -1));
  lua_pop(L, 1);
  return v;
}

static bool ls_opt_bool(lua_State *L, int idx, const char *key, bool def, const char *fn) {
  if (!lua_istable(L, idx)) return def;
  lua_getfield(L, idx, key);
  bool v = def;
  if (lua_isboolean(L, -1)) v = lua_toboolean(L, -1);
  else if (!lua_isnil(L, -1)) lm_error(L, fn, "option %s must be a boolean, got %s", key, lm_typename(L, -1));
  lua_pop(L, 1);
  return v;
}

/* option key as a string (def when absent); the string stays alive in the table */
static const char *ls_opt_string(lua_State *L, int idx, const char *key, const char *def, const char *fn) {
  if (!lua_istable(L, idx)) return def;
  lua_getfield(L, idx, key);
  const char *v = def;
  if (lua_type(L, -1) == LUA_TSTRING) v = lua_tostring(L, -1);
  else if (!lua_isnil(L, -1)) lm_error(L, fn, "option %s must be a string, got %s", key, lm_typename(L, -1));
  lua_pop(L, 1);
  return v;
}

static void ls_check_opts(lua_State *L, int idx, const char *fn) {
  if (!lua_isnoneornil(L, idx) && !lua_istable(L, idx))
    lm_error(L, fn, "options must be a table, got %s", lm_typename(L, idx));
}

static void ls_push_number(lua_State *L, double v, bool na) {
  if (na) lm_push_na(L);
  else lua_pushnumber(L, v);
}

/* a number argument, or the named field of an options table, or def */
static double ls_num_or_field(lua_State *L, int idx, const char *key, double def, const char *fn) {
  if (lua_isnoneornil(L, idx)) return def;
  if (lua_type(L, idx) == LUA_TNUMBER) return lua_tonumber(L, idx);
  if (lua_istable(L, idx)) return ls_opt_number(L, idx, key, def, fn);
  lm_error(L, fn, "%s must be a number (or { %s = ... }), got %s", key, key, lm_typename(L, idx));
  return def;
}

static double ls_ddof(lua_State *L, int idx, const char *fn) {
  double d = ls_num_or_field(L, idx, "ddof", 1, fn);
  if (!(d >= 0) || !isfinite(d)) lm_error(L, fn, "ddof must be a number >= 0, got %g", d);
  return d;
}

static int ls_qtype(lua_State *L, int idx, const char *fn) {
  double t = ls_num_or_field(L, idx, "type", 7, fn);
  if (!(t >= 1 && t <= 9) || t != floor(t))
    lm_error(L, fn, "type must be an integer from 1 to 9 (Hyndman & Fan; 7 is R's and numpy's default), got %g", t);
  return (int)t;
}

static double ls_prob(lua_State *L, double p, const char *fn) {
  if (!(p >= 0 && p <= 1)) lm_error(L, fn, "p must be between 0 and 1, got %g", p);
  return p;
}

/* a new float column of n values owned by Lua (pushed), no NA yet */
static modu_column *ls_new_float(lua_State *L, int64_t n, const char *fn) {
  modu_column *c = modu_col_new(MODU_FLOAT, n, NULL);
  if (!c) lm_error(L, fn, "out of memory");
  lm_push_column(L, c);
  return c;
}

/* marks NaN rows of a fresh float column as NA where na[i] (or NaN when na NULL) */
static void ls_nan_to_na(lua_State *L, modu_column *c, const char *fn) {
  for (int64_t i = 0; i < c->len; i++)
    if (isnan(MODU_F64(c)[i]) && modu_col_set_na(c, i)) lm_error(L, fn, "out of memory");
}

/* values of a numeric column as doubles with NaN for NA, in a Lua buffer (pushed) */
static double *ls_with_nan(lua_State *L, const modu_column *c) {
  double *v = lm_scratch(L, (size_t)c->len * sizeof *v);
  for (int64_t i = 0; i < c->len; i++) {
    if (modu_col_isna(c, i)) v[i] = NAN;
    else if (c->type == MODU_FLOAT) v[i] = MODU_F64(c)[i];
    else if (c->type == MODU_INT) v[i] = (double)MODU_I64(c)[i];
    else v[i] = MODU_U8(c)[i];
  }
  return v;
}

static void ls_same_len(lua_State *L, const modu_column *a, const modu_column *b, const char *fn, const char *na,
                        const char *nb) {
  if (a->len != b->len)
    lm_error(L, fn, "%s has %lld values but %s has %lld", na, (long long)a->len, nb, (long long)b->len);
}

/* ---- descriptive ---- */

static int ls_mean(lua_State *L) {
  lua_settop(L, 1);
  modu_column *c = ls_column(L, 1, "mean", "x", true);
  int64_t n;
  double *v = ls_values(L, c, &n);
  ls_push_number(L, modu_stats_mean(v, n), n == 0);
  return 1;
}

static int ls_var_sd(lua_State *L, bool sd) {
  const char *fn = sd ? "sd" : "var";
  lua_settop(L, 2);
  modu_column *c = ls_column(L, 1, fn, "x", true);
  double ddof = ls_ddof(L, 2, fn);
  int64_t n;
  double *v = ls_values(L, c, &n);
  double r = sd ? modu_stats_sd(v, n, ddof) : modu_stats_var(v, n, ddof);
  ls_push_number(L, r, !((double)n - ddof > 0));
  return 1;
}
static int ls_var(lua_State *L) { return ls_var_sd(L, false); }
static int ls_sd(lua_State *L) { return ls_var_sd(L, true); }

static int ls_quantile(lua_State *L) {
  const char *fn = "quantile";
  lua_settop(L, 3);
  modu_column *c = ls_column(L, 1, fn, "x", true);
  int type = ls_qtype(L, 3, fn);
  int np;
  double pbuf[64], *p = pbuf, out[64], *o = out;
  if (lua_type(L, 2) == LUA_TNUMBER) {
    np = 1;
    p[0] = ls_prob(L, lua_tonumber(L, 2), fn);
  } else if (lua_istable(L, 2)) {
    lua_Integer m = luaL_len(L, 2);
    if (m < 1 || m > 100000) return lm_error(L, fn, "p must list 1 to 100000 probabilities, got %lld", (long long)m);
    np = (int)m;
    if (np > 64) {
      p = lm_scratch(L, (size_t)np * sizeof *p);
      o = lm_scratch(L, (size_t)np * sizeof *o);
    }
    for (int k = 0; k < np; k++) {
      lua_geti(L, 2, k + 1);
      if (lua_type(L, -1) != LUA_TNUMBER)
        lm_error(L, fn, "p[%d] must be a number, got %s", k + 1, lm_typename(L, -1));
      p[k] = ls_prob(L, lua_tonumber(L, -1), fn);
      lua_pop(L, 1);
    }
  } else {
    return lm_error(L, fn, "p must be a probability or an array of them, got %s", lm_typename(L, 2));
  }
  int64_t n;
  modu_err e;
  if (modu_stats_quantiles_col(c, false, 0, p, np, type, o, &n, &e)) return lm_core_error(L, fn, &e);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    ls_push_number(L, o[0], n == 0);
    return 1;
  }
  lua_createtable(L, np, 0);
  for (int k = 0; k < np; k++) {
    ls_push_number(L, o[k], n == 0);
    lua_rawseti(L, -2, k + 1);
  }
  return 1;
}

static int ls_reduce(lua_State *L, modu_stat_kind kind, const char *fn, double param, int type, int64_t need) {
  modu_column *c = ls_column(L, 1, fn, "x", true);
  int64_t n;
  double *v = ls_values(L, c, &n);
  bool na = n < need || n == 0;
  ls_push_number(L, na ? 0 : modu_stats_reduce(kind, v, n, param, type), na);
  return 1;
}

/* quantiles of the column at 1 (of |x - center| with absdev) by sampling
 * selection, straight from the column; false when it has no values */
static bool ls_col_quantiles(lua_State *L, const modu_column *c, bool absdev, double center, const double *p, int np,
                             int type, double *out, const char *fn) {
  int64_t n;
  modu_err e;
  if (modu_stats_quantiles_col(c, absdev, center, p, np, type, out, &n, &e)) lm_core_error(L, fn, &e);
  return n > 0;
}

static int ls_median(lua_State *L) {
  lua_settop(L, 1);
  modu_column *c = ls_column(L, 1, "median", "x", true);
  double p = 0.5, q;
  bool ok = ls_col_quantiles(L, c, false, 0, &p, 1, 7, &q, "median");
  ls_push_number(L, q, !ok);
  return 1;
}

static int ls_iqr(lua_State *L) {
  lua_settop(L, 2);
  int type = ls_qtype(L, 2, "iqr");
  modu_column *c = ls_column(L, 1, "iqr", "x", true);
  double p[2] = {0.25, 0.75}, q[2];
  bool ok = ls_col_quantiles(L, c, false, 0, p, 2, type, q, "iqr");
  ls_push_number(L, q[1] - q[0], !ok);
  return 1;
}
static int ls_range(lua_State *L) {
  lua_settop(L, 1);
  return ls_reduce(L, MODU_STAT_RANGE, "range", 0, 0, 1);
}

static int ls_mad(lua_State *L) {
  lua_settop(L, 2);
  /* R's default constant: 1 / qnorm(3/4), rounded as R rounds it */
  double k = ls_num_or_field(L, 2, "constant", 1.4826, "mad");
  if (!isfinite(k)) return lm_error(L, "mad", "constant must be a finite number, got %g", k);
  modu_column *c = ls_column(L, 1, "mad", "x", true);
  double p = 0.5, med, d;
  bool ok = ls_col_quantiles(L, c, false, 0, &p, 1, 7, &med, "mad");
  if (ok && !isnan(med)) ls_col_quantiles(L, c, true, med, &p, 1, 7, &d, "mad");
  else d = med;
  ls_push_number(L, k * d, !ok);
  return 1;
}

static int ls_shape(lua_State *L, bool kurt) {
  const char *fn = kurt ? "kurtosis" : "skewness";
  lua_settop(L, 2);
  ls_check_opts(L, 2, fn);
  bool adj = ls_opt_bool(L, 2, "adjusted", true, fn);
  return ls_reduce(L, kurt ? MODU_STAT_KURTOSIS : MODU_STAT_SKEWNESS, fn, 0, adj, adj ? (kurt ? 4 : 3) : 1);
}
static int ls_skewness(lua_State *L) { return ls_shape(L, false); }
static int ls_kurtosis(lua_State *L) { return ls_shape(L, true); }

static int ls_acf(lua_State *L) {
  const char *fn = "acf";
  lua_settop(L, 2);
  modu_column *c = ls_column(L, 1, fn, "x", true);
  double lag = ls_num_or_field(L, 2, "lag", 1, fn);
  if (!(lag >= 0) || lag != floor(lag)) return lm_error(L, fn, "lag must be an integer >= 0, got %g", lag);
  double *v = ls_with_nan(L, c);
  uint8_t *ok = NULL;
  if (c->valid) {
    ok = lm_scratch(L, (size_t)c->len);
    for (int64_t i = 0; i < c->len; i++) ok[i] = !modu_col_isna(c, i);
  }
  int64_t present = c->len - modu_col_count_na(c);
  if (lag >= (double)c->len || present == 0) {
    lm_push_na(L);
    return 1;
  }
  lua_pushnumber(L, modu_stats_acf(v, ok, c->len, (int64_t)lag));
  return 1;
}

/* mode: any column type; returns the value and its count */
static int ls_mode(lua_State *L) {
  lua_settop(L, 1);
  modu_column *c = ls_column(L, 1, "mode", "x", false);
  modu_scalar s;
  int64_t count, distinct;
  modu_err e;
  if (modu_stats_mode(c, &s, &count, &distinct, &e)) return lm_core_error(L, "mode", &e);
  if (s.na) lm_push_na(L);
  else {
    switch (s.type) {
      case MODU_INT: lua_pushinteger(L, s.v.i); break;
      case MODU_FLOAT: lua_pushnumber(L, s.v.f); break;
      case MODU_BOOL: lua_pushboolean(L, s.v.b); break;
      case MODU_DATE: lm_push_date(L, s.v.d); break;
      case MODU_STR: lua_pushlstring(L, s.v.s.p, s.v.s.len); break;
    }
  }
  lua_pushinteger(L, count);
  return 2;
}

/* ---- association ---- */

static const char *const ls_cor_methods[] = {"pearson", "spearman", "kendall", NULL};

static int ls_cor_method(lua_State *L, int idx, const char *fn) {
  const char *m = "pearson";
  if (lua_type(L, idx) == LUA_TSTRING) m = lua_tostring(L, idx);
  else if (lua_istable(L, idx)) m = ls_opt_string(L, idx, "method", "pearson", fn);
  else if (!lua_isnoneornil(L, idx))
    lm_error(L, fn, "method must be a string (pearson, spearman, kendall), got %s", lm_typename(L, idx));
  for (int i = 0; ls_cor_methods[i]; i++)
    if (strcmp(m, ls_cor_methods[i]) == 0) return i;
  lm_error(L, fn, "unknown method '%s' (methods: pearson, spearman, kendall)", m);
  return 0;
}

/* correlation of the pairwise-complete rows of a and b */
static double ls_cor_cols(lua_State *L, const modu_column *a, const modu_column *b, int method, const char *fn,
                          int64_t *npairs) {
  double *x = lm_scratch(L, (size_t)a->len * sizeof *x), *y = lm_scratch(L, (size_t)a->len * sizeof *y);
  int64_t n = modu_stats_gather2(a, b, x, y);
  *npairs = n;
  double r = NAN;
  modu_err e;
  if (n >= 2 && method == 0) r = modu_stats_pearson(x, y, n);
  else if (n >= 2 && method == 1 && modu_stats_spearman(x, y, n, &r, &e)) lm_core_error(L, fn, &e);
  else if (n >= 2 && method == 2 && modu_stats_kendall(x, y, n, &r, &e)) lm_core_error(L, fn, &e);
  lua_pop(L, 2); /* the buffers, no longer read */
  return r;
}

static int ls_cor(lua_State *L) {
  const char *fn = "cor";
  lua_settop(L, 3);
  modu_column *a = ls_column(L, 1, fn, "x", true);
  modu_column *b = ls_column(L, 2, fn, "y", true);
  ls_same_len(L, a, b, fn, "x", "y");
  int method = ls_cor_method(L, 3, fn);
  int64_t n;
  double r;
  /* the common case needs no copies: float columns without NA */
  if (method == 0 && a->type == MODU_FLOAT && b->type == MODU_FLOAT && !a->valid && !b->valid) {
    n = a->len;
    r = modu_stats_pearson(MODU_F64(a), MODU_F64(b), n);
  } else {
    r = ls_cor_cols(L, a, b, method, fn, &n);
  }
  ls_push_number(L, r, n < 2);
  return 1;
}

static int ls_cov(lua_State *L) {
  const char *fn = "cov";
  lua_settop(L, 3);
  modu_column *a = ls_column(L, 1, fn, "x", true);
  modu_column *b = ls_column(L, 2, fn, "y", true);
  ls_same_len(L, a, b, fn, "x", "y");
  double ddof = ls_ddof(L, 3, fn);
  double *x = lm_scratch(L, (size_t)a->len * sizeof *x), *y = lm_scratch(L, (size_t)a->len * sizeof *y);
  int64_t n = modu_stats_gather2(a, b, x, y);
  ls_push_number(L, modu_stats_cov(x, y, n, ddof), !((double)n - ddof > 0));
  return 1;
}

/* ---- frames built here ---- */

static modu_frame *ls_frame(lua_State *L, int ncol, int64_t nrow, const char *fn) {
  modu_frame *f = modu_frame_new(ncol, nrow);
  if (!f) lm_error(L, fn, "out of memory");
  lm_push_frame(L, f);
  return f;
}

/* puts the column on top of the stack into slot k, and pops it */
static void ls_frame_put(lua_State *L, modu_frame *f, int k, const char *name, const char *fn) {
  modu_column *c = lm_test_column(L, -1);
  if (!c || modu_frame_set(f, k, c, name)) lm_error(L, fn, "out of memory");
  lua_pop(L, 1);
}

/* "columns: a, b, c" into buf, for messages (no Lua allocation: a finaliser
 * could run and close the frame being listed) */
static const char *ls_list(char *buf, size_t cap, const modu_frame *f) {
  size_t len = (size_t)snprintf(buf, cap, "%s", f->ncol ? "columns: " : "the frame has no columns");
  for (int k = 0; k < f->ncol && len < cap; k++) {
    size_t need = strlen(f->names[k]) + 2;
    if (len + need + 8 > cap) {
      snprintf(buf + len, cap - len, "%s...", k ? ", " : "");
      break;
    }
    len += (size_t)snprintf(buf + len, cap - len, "%s%s", k ? ", " : "", f->names[k]);
  }
  return buf;
}

/* the column named by the string at idx (what says which argument it is) */
static int ls_find(lua_State *L, const modu_frame *f, int idx, const char *fn, const char *what) {
  char list[600];
  if (lua_type(L, idx) != LUA_TSTRING) {
    lm_error(L, fn, "%s must be a column name, got %s (%s)", what, lm_typename(L, idx), ls_list(list, sizeof list, f));
    return -1;
  }
  const char *name = lua_tostring(L, idx);
  int k = modu_frame_find(f, name);
  if (k < 0) lm_error(L, fn, "%s: no column '%s' (%s)", what, name, ls_list(list, sizeof list, f));
  return k;
}

static int ls_find_numeric(lua_State *L, const modu_frame *f, int idx, const char *fn, const char *what) {
  int k = ls_find(L, f, idx, fn, what);
  if (!modu_stats_numeric(f->cols[k]))
    lm_error(L, fn, "%s: column '%s' is %s; it must be numeric (int, float or bool)", what, f->names[k],
             modu_type_name(f->cols[k]->type));
  return k;
}

/* option key of the table at idx naming a column of f */
static int ls_opt_column(lua_State *L, const modu_frame *f, int idx, const char *key, const char *fn, bool numeric) {
  lua_getfield(L, idx, key);
  if (lua_isnil(L, -1)) lm_error(L, fn, "option %s (a column name) is missing", key);
  int k = numeric ? ls_find_numeric(L, f, -1, fn, key) : ls_find(L, f, -1, fn, key);
  lua_pop(L, 1);
  return k;
}

/* groups of rows by one column, held by a userdata that frees them (pushed) */
static int ls_groups_gc(lua_State *L) {
  modu_groups **b = lua_touserdata(L, 1);
  modu_groups_free(*b);
  *b = NULL;
  return 0;
}

static modu_groups *ls_group_by(lua_State *L, modu_column *const *keys, int nkeys, int64_t nrow, bool sorted,
                                const char *fn) {
  modu_groups **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  if (luaL_newmetatable(L, "modu.StatsGroups")) {
    lua_pushcfunction(L, ls_groups_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  modu_err e;
  *box = modu_group_by(keys, nkeys, nrow, &e);
  if (!*box) lm_core_error(L, fn, &e);
  if (sorted && modu_groups_sort(*box, keys, nkeys, &e)) lm_core_error(L, fn, &e);
  return *box;
}

/* ---- per group ---- */

/* by(df, keys, names, stats, cols, params, types): the key columns (one row
 * per group, groups in key order) and one float column per statistic */
static int ls_by(lua_State *L) {
  const char *fn = "by";
  lm_check_frame(L, 1, fn);
  lua_settop(L, 7);
  modu_frame *f = lm_pin_arg(L, 1, fn);
  for (int i = 2; i <= 7; i++)
    if (!lua_istable(L, i)) return lm_error(L, fn, "argument %d must be a table, got %s", i, lm_typename(L, i));
  int nkeys = (int)luaL_len(L, 2), nst = (int)luaL_len(L, 3);
  modu_column **keys = lm_scratch(L, (size_t)(nkeys ? nkeys : 1) * sizeof *keys);
  int *kpos = lm_scratch(L, (size_t)(nkeys ? nkeys : 1) * sizeof *kpos);
  for (int k = 0; k < nkeys; k++) {
    lua_geti(L, 2, k + 1);
    kpos[k] = ls_find(L, f, -1, fn, "by");
    keys[k] = f->cols[kpos[k]];
    lua_pop(L, 1);
  }
  modu_groups *g = ls_group_by(L, keys, nkeys, f->nrow, true, fn);
  modu_frame *r = ls_frame(L, nkeys + nst, g->ngroups, fn);
  modu_err e;
  for (int k = 0; k < nkeys; k++) {
    lm_push_result(L, modu_col_take(keys[k], g->first, g->ngroups, &e), fn, &e);
    ls_frame_put(L, r, k, f->names[kpos[k]], fn);
  }
  for (int s = 0; s < nst; s++) {
    lua_geti(L, 4, s + 1);
    const char *stat = lua_tostring(L, -1);
    int kind = stat ? modu_stat_kind_from_name(stat) : -1;
    if (kind < 0) lm_error(L, fn, "unknown statistic '%s' (statistics: " MODU_STAT_NAMES ")", stat ? stat : "?");
    lua_geti(L, 5, s + 1);
    int col = ls_find_numeric(L, f, -1, fn, stat);
    lua_geti(L, 6, s + 1);
    double param = lua_tonumber(L, -1);
    lua_geti(L, 7, s + 1);
    int type = (int)lua_tointeger(L, -1);
    lua_pop(L, 4);
    if (kind == MODU_STAT_QUANTILE) ls_prob(L, param, fn);
    lm_push_result(L, modu_stats_by((modu_stat_kind)kind, g, f->cols[col], param, type, &e), fn, &e);
    lua_geti(L, 3, s + 1);
    const char *name = lua_tostring(L, -1);
    if (!name || modu_frame_find(r, name) >= 0) {
      lm_error(L, fn, "result name '%s' is missing or used twice", name ? name : "?");
      return 0;
    }
    lua_pushvalue(L, -2);
    ls_frame_put(L, r, nkeys + s, name, fn);
    lua_pop(L, 2);
  }
  return 1;
}

/* ---- regression ---- */

static void ls_push_strings(lua_State *L, const char *const *s, int n) {
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushstring(L, s[i]);
    lua_rawseti(L, -2, i + 1);
  }
}

static void ls_set_number(lua_State *L, const char *key, double v) {
  if (isnan(v)) lm_push_na(L);
  else lua_pushnumber(L, v);
  lua_setfield(L, -2, key);
}

static void ls_set_array(lua_State *L, const char *key, const double *v, int n) {
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    if (isnan(v[i])) lm_push_na(L);
    else lua_pushnumber(L, v[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, key);
}

/* the fit as a table; rows[i] is the frame row of observation i, nrow the
 * frame's length (fitted and residuals come back aligned with it, NA on the
 * rows left out) */
static void ls_fit_table(lua_State *L, const modu_ols_fit *fit, const char *const *terms, int p, int64_t n,
                         bool intercept, const int64_t *rows, int64_t nrow, const char *fn) {
  lua_createtable(L, 0, 24);
  int t = lua_gettop(L);
  ls_push_strings(L, terms, p);
  lua_setfield(L, t, "terms");
  double tv[64], pv[64], *tp = tv, *pp = pv;
  if (p > 64) {
    tp = lm_scratch(L, (size_t)p * 2 * sizeof *tp); /* stays below t until the end */
    pp = tp + p;
    lua_insert(L, t);
    t++;
  }
  for (int j = 0; j < p; j++) {
    tp[j] = fit->se[j] > 0 ? fit->coef[j] / fit->se[j] : fit->coef[j] == 0 ? NAN : copysign(INFINITY, fit->coef[j]);
    double par[1] = {fit->df_resid};
    pp[j] = isnan(tp[j]) || !(fit->df_resid > 0) ? NAN : 2 * modu_dist_cdf(MODU_DIST_T, fabs(tp[j]), par, true);
  }
  ls_set_array(L, "coef", fit->coef, p);
  ls_set_array(L, "se", fit->se, p);
  ls_set_array(L, "t", tp, p);
  ls_set_array(L, "p", pp, p);
  lua_pushinteger(L, n);
  lua_setfield(L, t, "n");
  lua_pushinteger(L, nrow - n);
  lua_setfield(L, t, "dropped");
  lua_pushinteger(L, p);
  lua_setfield(L, t, "k");
  lua_pushboolean(L, intercept);
  lua_setfield(L, t, "intercept");
  lua_pushinteger(L, fit->refinements);
  lua_setfield(L, t, "refinements");
  ls_set_number(L, "df_resid", fit->df_resid);
  ls_set_number(L, "df_model", fit->df_model);
  ls_set_number(L, "r2", fit->r2);
  ls_set_number(L, "adj_r2", fit->adj_r2);
  ls_set_number(L, "sigma", fit->sigma);
  ls_set_number(L, "rss", fit->rss);
  ls_set_number(L, "tss", fit->tss);
  ls_set_number(L, "f", fit->fstat);
  double fpar[2] = {fit->df_model, fit->df_resid};
  ls_set_number(L, "f_p", isnan(fit->fstat) ? NAN : modu_dist_cdf(MODU_DIST_F, fit->fstat, fpar, true));
  const double *src[2] = {fit->fitted, fit->resid};
  const char *names[2] = {"fitted", "residuals"};
  for (int w = 0; w < 2; w++) {
    modu_column *c = ls_new_float(L, nrow, fn);
    for (int64_t i = 0; i < nrow; i++) MODU_F64(c)[i] = NAN;
    for (int64_t i = 0; i < n; i++) MODU_F64(c)[rows[i]] = src[w][i];
    if (n < nrow) ls_nan_to_na(L, c, fn);
    lua_setfield(L, t, names[w]);
  }
}

static int ls_fit(lua_State *L, const double *X, const double *Xlo, const double *y, int64_t n, int p, bool intercept,
                  const char *const *terms, const int64_t *rows, int64_t nrow, const char *fn) {
  if (n <= p)
    return lm_error(L, fn, "%lld complete rows for %d coefficients: need more rows than coefficients", (long long)n, p);
  double *small = lm_scratch(L, (size_t)p * 2 * sizeof *small);
  double *big = lm_scratch(L, (size_t)n * 2 * sizeof *big);
  modu_ols_fit fit = {small, small + p, big, big + n, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0};
  modu_err e;
  if (modu_ols_dd(X, Xlo, y, n, p, intercept, &fit, &e)) {
    if (fit.bad_column < 0) return lm_core_error(L, fn, &e);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int j = 0; j < fit.bad_column; j++) {
      if (j) luaL_addstring(&b, ", ");
      luaL_addstring(&b, terms[j]);
    }
    luaL_pushresult(&b);
    return lm_error(L, fn, "'%s' is collinear with %s (a linear combination of them, to working precision): drop it",
                    terms[fit.bad_column], fit.bad_column ? lua_tostring(L, -1) : "nothing: it is all zeros");
  }
  ls_fit_table(L, &fit, terms, p, n, intercept, rows, nrow, fn);
  return 1;
}

/* ols(df, y, xs [, { intercept = true }]) */
static int ls_ols(lua_State *L) {
  const char *fn = "ols";
  lm_check_frame(L, 1, fn);
  lua_settop(L, 4);
  ls_check_opts(L, 4, fn);
  modu_frame *f = lm_pin_arg(L, 1, fn);
  bool intercept = ls_opt_bool(L, 4, "intercept", true, fn);
  int ky = ls_find_numeric(L, f, 2, fn, "y");
  if (lua_type(L, 3) == LUA_TSTRING) {
    lua_createtable(L, 1, 0);
    lua_pushvalue(L, 3);
    lua_rawseti(L, -2, 1);
    lua_replace(L, 3);
  }
  if (!lua_istable(L, 3)) return lm_error(L, fn, "xs must be a column name or an array of them, got %s", lm_typename(L, 3));
  int nx = (int)luaL_len(L, 3), p = nx + (intercept ? 1 : 0);
  if (p == 0) return lm_error(L, fn, "no terms: give xs or keep the intercept");
  int *kx = lm_scratch(L, (size_t)(nx ? nx : 1) * sizeof *kx);
  const char **terms = lm_scratch(L, (size_t)p * sizeof *terms);
  if (intercept) terms[0] = "(Intercept)";
  for (int j = 0; j < nx; j++) {
    lua_geti(L, 3, j + 1);
    kx[j] = ls_find_numeric(L, f, -1, fn, "xs");
    terms[j + (intercept ? 1 : 0)] = f->names[kx[j]];
    lua_pop(L, 1);
  }
  /* rows with NA anywhere in y or xs are left out (listwise) */
  int64_t *rows = lm_scratch(L, (size_t)f->nrow * sizeof *rows), n = 0;
  for (int64_t i = 0; i < f->nrow; i++) {
    bool ok = !modu_col_isna(f->cols[ky], i);
    for (int j = 0; j < nx && ok; j++) ok = !modu_col_isna(f->cols[kx[j]], i);
    if (ok) rows[n++] = i;
  }
  double *X = lm_scratch(L, (size_t)n * (size_t)p * sizeof *X), *y = lm_scratch(L, (size_t)n * sizeof *y);
  for (int64_t i = 0; i < n; i++) {
    const modu_column *cy = f->cols[ky];
    y[i] = cy->type == MODU_FLOAT ? MODU_F64(cy)[rows[i]] : cy->type == MODU_INT ? (double)MODU_I64(cy)[rows[i]]
                                                                                   : MODU_U8(cy)[rows[i]];
    if (intercept) X[i] = 1;
    for (int j = 0; j < nx; j++) {
      const modu_column *c = f->cols[kx[j]];
      int64_t r = rows[i];
      X[(size_t)(j + (intercept ? 1 : 0)) * (size_t)n + (size_t)i] =
          c->type == MODU_FLOAT ? MODU_F64(c)[r] : c->type == MODU_INT ? (double)MODU_I64(c)[r] : MODU_U8(c)[r];
    }
  }
  return ls_fit(L, X, NULL, y, n, p, intercept, terms, rows, f->nrow, fn);
}

/* polyfit(x, y, degree): y on 1, x, ..., x^degree */
static int ls_polyfit(lua_State *L) {
  const char *fn = "polyfit";
  lua_settop(L, 3);
  modu_column *cx = ls_column(L, 1, fn, "x", true);
  modu_column *cy = ls_column(L, 2, fn, "y", true);
  ls_same_len(L, cx, cy, fn, "x", "y");
  if (!lua_isinteger(L, 3) || lua_tointeger(L, 3) < 0 || lua_tointeger(L, 3) > 30)
    return lm_error(L, fn, "degree must be an integer from 0 to 30, got %s", luaL_tolstring(L, 3, NULL));
  int deg = (int)lua_tointeger(L, 3), p = deg + 1;
  double *xv = ls_with_nan(L, cx), *yv = ls_with_nan(L, cy);
  int64_t *rows = lm_scratch(L, (size_t)cx->len * sizeof *rows), n = 0;
  for (int64_t i = 0; i < cx->len; i++)
    if (!modu_col_isna(cx, i) && !modu_col_isna(cy, i)) rows[n++] = i;
  double *X = lm_scratch(L, (size_t)n * (size_t)p * 2 * sizeof *X), *y = lm_scratch(L, (size_t)n * 2 * sizeof *y);
  double *t = y + n;
  for (int64_t i = 0; i < n; i++) {
    t[i] = xv[rows[i]];
    y[i] = yv[rows[i]];
  }
  /* the powers to doubled precision: the fit is that of the exact
   * polynomial design, not of its powers rounded to doubles */
  modu_ols_poly_design(t, n, p, X, X + (size_t)n * (size_t)p);
  const char **terms = lm_scratch(L, (size_t)p * sizeof *terms);
  terms[0] = "(Intercept)";
  for (int j = 1; j < p; j++) {
    lua_pushfstring(L, j == 1 ? "x" : "x^%d", j);
    terms[j] = lua_tostring(L, -1); /* kept alive on the stack */
  }
  if (n <= p)
    return lm_error(L, fn, "degree %d needs at least %d points, got %lld complete pairs", deg, p + 1, (long long)n);
  return ls_fit(L, X, X + (size_t)n * (size_t)p, y, n, p, true, terms, rows, cx->len, fn);
}

/* ---- distributions ---- */

enum { LS_CDF, LS_SF, LS_PDF, LS_QUANTILE, LS_ISF };

static double ls_dist_one(int op, modu_dist_kind k, double x, const double *par, lua_State *L, const char *fn) {
  switch (op) {
    case LS_CDF: return modu_dist_cdf(k, x, par, false);
    case LS_SF: return modu_dist_cdf(k, x, par, true);
    case LS_PDF: return modu_dist_pdf(k, x, par);
    default: return modu_dist_quantile(k, ls_prob(L, x, fn), par, op == LS_ISF);
  }
}

static int ls_dist(lua_State *L) {
  modu_dist_kind kind = (modu_dist_kind)lua_tointeger(L, lua_upvalueindex(1));
  int op = (int)lua_tointeger(L, lua_upvalueindex(2));
  const char *fn = lua_tostring(L, lua_upvalueindex(3));
  int npar = modu_dist_npar(kind);
  lua_settop(L, 1 + npar);
  double par[2] = {0, 1};
  static const char *const pname[4][2] = {{"mean", "sd"}, {"df", ""}, {"df", ""}, {"df1", "df2"}};
  for (int i = 0; i < npar; i++) {
    if (lua_isnoneornil(L, 2 + i)) {
      if (kind == MODU_DIST_NORMAL) continue;
      return lm_error(L, fn, "%s is missing", pname[kind][i]);
    }
    if (lua_type(L, 2 + i) != LUA_TNUMBER)
      return lm_error(L, fn, "%s must be a number, got %s", pname[kind][i], lm_typename(L, 2 + i));
    par[i] = lua_tonumber(L, 2 + i);
  }
  const char *bad = modu_dist_check(kind, par);
  if (bad) return lm_error(L, fn, "%s", bad);
  if (lua_type(L, 1) == LUA_TNUMBER) {
    lua_pushnumber(L, ls_dist_one(op, kind, lua_tonumber(L, 1), par, L, fn));
    return 1;
  }
  modu_column *c = ls_column(L, 1, fn, op >= LS_QUANTILE ? "p" : "x", true);
  double *v = ls_with_nan(L, c);
  modu_column *r = ls_new_float(L, c->len, fn);
  for (int64_t i = 0; i < c->len; i++)
    MODU_F64(r)[i] = modu_col_isna(c, i) ? 0 : ls_dist_one(op, kind, v[i], par, L, fn);
  if (c->valid) {
    if (modu_col_ensure_valid(r)) return lm_error(L, fn, "out of memory");
    memcpy(r->valid, c->valid, modu_bitmap_words(c->len) * 8);
  }
  return 1;
}

static void ls_open_dist(lua_State *L) {
  static const char *const dists[] = {"normal", "t", "chisq", "f"};
  static const char *const ops[] = {"cdf", "sf", "pdf", "quantile", "isf"};
  lua_createtable(L, 0, 4);
  for (int d = 0; d < 4; d++) {
    lua_createtable(L, 0, 5);
    for (int o = 0; o < 5; o++) {
      lua_pushinteger(L, d);
      lua_pushinteger(L, o);
      lua_pushfstring(L, "dist.%s.%s", dists[d], ops[o]);
      lua_pushcclosure(L, ls_dist, 3);
      lua_setfield(L, -2, ops[o]);
    }
    lua_setfield(L, -2, dists[d]);
  }
}

/* ---- growth ---- */

static int ls_growth(lua_State *L) {
  const char *fn = "growth";
  lua_settop(L, 2);
  modu_column *c = ls_column(L, 1, fn, "x", true);
  double lag = ls_num_or_field(L, 2, "lag", 1, fn);
  if (!(lag >= 1) || lag != floor(lag)) return lm_error(L, fn, "lag must be an integer >= 1, got %g", lag);
  int64_t *idx = lm_scratch(L, (size_t)c->len * sizeof *idx);
  for (int64_t i = 0; i < c->len; i++) idx[i] = (double)i >= lag ? i - (int64_t)lag : -1;
  modu_err e;
  modu_column *prev = modu_col_take(c, idx, c->len, &e);
  lm_push_result(L, prev, fn, &e);
  /* computed in float: x / prev - 1, with NA where either is missing */
  modu_column *r = ls_new_float(L, c->len, fn);
  int top = lua_gettop(L);
  double *a = ls_with_nan(L, c), *b = ls_with_nan(L, prev);
  for (int64_t i = 0; i < c->len; i++) MODU_F64(r)[i] = isnan(a[i]) || isnan(b[i]) ? NAN : a[i] / b[i] - 1;
  for (int64_t i = 0; i < c->len; i++)
    if ((modu_col_isna(c, i) || modu_col_isna(prev, i)) && modu_col_set_na(r, i)) lm_error(L, fn, "out of memory");
  lua_settop(L, top);
  return 1;
}

static double ls_number(lua_State *L, int idx, const char *fn, const char *what) {
  if (lua_type(L, idx) != LUA_TNUMBER)
    lm_error(L, fn, "%s must be a number, got %s", what, lm_typename(L, idx));
  return lua_tonumber(L, idx);
}

static int ls_cagr(lua_State *L) {
  const char *fn = "cagr";
  double v0 = ls_number(L, 1, fn, "v0"), v1 = ls_number(L, 2, fn, "v1"), years = ls_number(L, 3, fn, "years");
  if (!(v0 > 0) || isinf(v0)) return lm_error(L, fn, "v0 must be a positive finite number, got %g", v0);
  if (!(v1 >= 0) || isinf(v1)) return lm_error(L, fn, "v1 must be a finite number >= 0, got %g", v1);
  if (!(years > 0) || isinf(years)) return lm_error(L, fn, "years must be a positive finite number, got %g", years);
  lua_pushnumber(L, v1 == 0 ? -1 : expm1(log(v1 / v0) / years));
  return 1;
}

static void ls_trend_xy(lua_State *L, int it, int iy, const char *fn, double **t, double **y, int64_t *n) {
  modu_column *ct = ls_column(L, it, fn, "t", true);
  modu_column *cy = ls_column(L, iy, fn, "y", true);
  ls_same_len(L, ct, cy, fn, "t", "y");
  *t = lm_scratch(L, (size_t)ct->len * sizeof **t);
  *y = lm_scratch(L, (size_t)ct->len * sizeof **y);
  *n = modu_stats_gather2(ct, cy, *t, *y);
}

static bool ls_trend_method(lua_State *L, int idx, const char *fn) {
  const char *m = "linear";
  if (lua_type(L, idx) == LUA_TSTRING) m = lua_tostring(L, idx);
  else if (lua_istable(L, idx)) m = ls_opt_string(L, idx, "method", "linear", fn);
  else if (!lua_isnoneornil(L, idx)) lm_error(L, fn, "method must be \"linear\" or \"log\", got %s", lm_typename(L, idx));
  if (strcmp(m, "linear") == 0) return false;
  if (strcmp(m, "log") == 0) return true;
  lm_error(L, fn, "unknown method '%s' (methods: linear, log)", m);
  return false;
}

static void ls_push_trend(lua_State *L, const modu_trend *tr, bool lg) {
  lua_createtable(L, 0, 8);
  lua_pushstring(L, lg ? "log" : "linear");
  lua_setfield(L, -2, "method");
  ls_set_number(L, "intercept", tr->a);
  ls_set_number(L, "slope", tr->b);
  ls_set_number(L, "se_slope", tr->se_b);
  ls_set_number(L, "r2", tr->r2);
  lua_pushinteger(L, tr->n);
  lua_setfield(L, -2, "n");
  if (lg) {
    ls_set_number(L, "rate", expm1(tr->b));
    ls_set_number(L, "doubling_time", tr->b > 0 ? log(2) / tr->b : INFINITY);
  }
}

static int ls_trend(lua_State *L) {
  const char *fn = "trend";
  lua_settop(L, 3);
  bool lg = ls_trend_method(L, 3, fn);
  double *t, *y;
  int64_t n;
  ls_trend_xy(L, 1, 2, fn, &t, &y, &n);
  modu_trend tr;
  modu_err e;
  if (modu_stats_trend(t, y, n, lg, &tr, &e)) return lm_core_error(L, fn, &e);
  ls_push_trend(L, &tr, lg);
  return 1;
}

static int ls_doubling_time(lua_State *L) {
  const char *fn = "doubling_time";
  lua_settop(L, 2);
  if (lua_type(L, 1) == LUA_TNUMBER && lua_isnoneornil(L, 2)) {
    double r = lua_tonumber(L, 1);
    if (!(r > -1)) return lm_error(L, fn, "the growth rate must be greater than -1, got %g", r);
    lua_pushnumber(L, r > 0 ? log(2) / log1p(r) : INFINITY);
    return 1;
  }
  lua_settop(L, 2);
  double *t, *y;
  int64_t n;
  ls_trend_xy(L, 1, 2, fn, &t, &y, &n);
  modu_trend tr;
  modu_err e;
  if (modu_stats_trend(t, y, n, true, &tr, &e)) return lm_core_error(L, fn, &e);
  lua_pushnumber(L, tr.b > 0 ? log(2) / tr.b : INFINITY);
  return 1;
}

static int ls_cmp_index(const void *a, const void *b) {
  const double *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

static void ls_push_obs(lua_State *L, const char *key, const double *row) {
  lua_createtable(L, 0, 3);
  lua_pushnumber(L, row[0]);
  lua_setfield(L, -2, "t");
  lua_pushnumber(L, row[1]);
  lua_setfield(L, -2, "a");
  lua_pushnumber(L, row[2]);
  lua_setfield(L, -2, "b");
  lua_setfield(L, -2, key);
}

/* crossing(t, a, b [, { method = "linear" | "log", window = k }]): the raw
 * facts; modu.stats.crossing in Lua states the assumption */
static int ls_crossing(lua_State *L) {
  const char *fn = "crossing";
  lua_settop(L, 4);
  ls_check_opts(L, 4, fn);
  bool lg = ls_trend_method(L, 4, fn);
  modu_column *ct = ls_column(L, 1, fn, "t", true);
  modu_column *ca = ls_column(L, 2, fn, "a", true);
  modu_column *cb = ls_column(L, 3, fn, "b", true);
  ls_same_len(L, ct, ca, fn, "t", "a");
  ls_same_len(L, ct, cb, fn, "t", "b");
  double *tv = ls_with_nan(L, ct), *av = ls_with_nan(L, ca), *bv = ls_with_nan(L, cb);
  /* complete rows as (t, a, b) triples, in time order */
  double *rows = lm_scratch(L, (size_t)ct->len * 3 * sizeof *rows);
  int64_t n = 0;
  for (int64_t i = 0; i < ct->len; i++) {
    if (isnan(tv[i]) || isnan(av[i]) || isnan(bv[i])) continue;
    if (lg && !(av[i] > 0 && bv[i] > 0))
      lm_error(L, fn, "method log needs positive values, got a = %g, b = %g in row %lld", av[i], bv[i], (long long)i + 1);
    rows[3 * n] = tv[i];
    rows[3 * n + 1] = av[i];
    rows[3 * n + 2] = bv[i];
    n++;
  }
  if (n < 2) return lm_error(L, fn, "needs at least 2 complete observations, got %lld", (long long)n);
  qsort(rows, (size_t)n, 3 * sizeof *rows, ls_cmp_index);
  for (int64_t i = 1; i < n; i++)
    if (rows[3 * i] == rows[3 * (i - 1)]) lm_error(L, fn, "t has the value %g twice", rows[3 * i]);
  double *t = lm_scratch(L, (size_t)n * 4 * sizeof *t), *d = t + n, *ya = d + n, *yb = ya + n;
  for (int64_t i = 0; i < n; i++) {
    t[i] = rows[3 * i];
    ya[i] = rows[3 * i + 1];
    yb[i] = rows[3 * i + 2];
    d[i] = lg ? log(ya[i]) - log(yb[i]) : ya[i] - yb[i];
  }
  modu_crossing *cr = lm_scratch(L, (size_t)n * sizeof *cr);
  int64_t m = modu_stats_crossings(t, d, n, cr);
  lua_createtable(L, 0, 12);
  int res = lua_gettop(L);
  lua_pushstring(L, lg ? "log" : "linear");
  lua_setfield(L, res, "method");
  lua_pushinteger(L, n);
  lua_setfield(L, res, "n");
  lua_pushnumber(L, t[0]);
  lua_setfield(L, res, "first_t");
  lua_pushnumber(L, t[n - 1]);
  lua_setfield(L, res, "last_t");
  lua_createtable(L, (int)m, 0);
  for (int64_t k = 0; k < m; k++) {
    lua_createtable(L, 0, 2);
    lua_pushnumber(L, cr[k].time);
    lua_setfield(L, -2, "time");
    lua_pushboolean(L, cr[k].up);
    lua_setfield(L, -2, "up");
    lua_rawseti(L, -2, k + 1);
  }
  lua_setfield(L, res, "crossings");
  if (d[n - 1] >= 0) {
    /* a level or ahead at the end: the last time it came from behind */
    int64_t last = -1;
    for (int64_t k = 0; k < m; k++)
      if (cr[k].up) last = k;
    if (last < 0) {
      lua_pushstring(L, "none");
      lua_setfield(L, res, "kind");
      lua_pushstring(L, "a was never behind b");
      lua_setfield(L, res, "reason");
      return 1;
    }
    int64_t i = cr[last].i;
    lua_pushstring(L, "interpolated");
    lua_setfield(L, res, "kind");
    lua_pushnumber(L, cr[last].time);
    lua_setfield(L, res, "time");
    ls_push_obs(L, "before", rows + 3 * (i - 1));
    ls_push_obs(L, "after", rows + 3 * i);
    return 1;
  }
  /* a behind at the end: project both fitted trends forward */
  double window = ls_opt_number(L, 4, "window", (double)n, fn);
  if (!(window >= 2) || window != floor(window))
    return lm_error(L, fn, "window must be an integer >= 2, got %g", window);
  int64_t w = (int64_t)window < n ? (int64_t)window : n, from = n - w;
  modu_trend ta, tb;
  modu_err e;
  if (modu_stats_trend(t + from, ya + from, w, lg, &ta, &e) || modu_stats_trend(t + from, yb + from, w, lg, &tb, &e))
    return lm_core_error(L, fn, &e);
  ls_push_trend(L, &ta, lg);
  lua_setfield(L, res, "trend_a");
  ls_push_trend(L, &tb, lg);
  lua_setfield(L, res, "trend_b");
  lua_pushnumber(L, t[from]);
  lua_setfield(L, res, "fit_from");
  ls_push_obs(L, "before", rows + 3 * (n - 1));
  if (!(ta.b > tb.b)) {
    lua_pushstring(L, "none");
    lua_setfield(L, res, "kind");
    lua_pushstring(L, "b's fitted trend rises at least as fast as a's, so the trends do not meet ahead");
    lua_setfield(L, res, "reason");
    return 1;
  }
  lua_pushstring(L, "projected");
  lua_setfield(L, res, "kind");
  lua_pushnumber(L, -(ta.a - tb.a) / (ta.b - tb.b));
  lua_setfield(L, res, "time");
  return 1;
}

/* ---- regional economics ---- */

static int ls_shares(lua_State *L) {
  const char *fn = "shares";
  lua_settop(L, 1);
  modu_column *c = ls_column(L, 1, fn, "x", true);
  double *v = ls_with_nan(L, c), total = 0, comp = 0;
  for (int64_t i = 0; i < c->len; i++) {
    if (isnan(v[i])) continue;
    if (v[i] < 0 || isinf(v[i])) lm_error(L, fn, "value %lld is %g: shares need finite values >= 0", (long long)i + 1, v[i]);
    double s = total + v[i];
    comp += (total - s) + v[i]; /* values are >= 0, so the sum is the larger */
    total = s;
  }
  total += comp;
  if (!(total > 0)) return lm_error(L, fn, "the values sum to 0: there are no shares");
  modu_column *r = ls_new_float(L, c->len, fn);
  for (int64_t i = 0; i < c->len; i++) MODU_F64(r)[i] = v[i] / total;
  ls_nan_to_na(L, r, fn);
  return 1;
}

static int ls_concentration(lua_State *L, bool want_cr) {
  const char *fn = want_cr ? "cr" : "hhi";
  lua_settop(L, 2);
  modu_column *c = ls_column(L, 1, fn, "x", true);
  int64_t k = 0;
  if (want_cr) {
    if (!lua_isinteger(L, 2) || lua_tointeger(L, 2) < 1)
      return lm_error(L, fn, "k must be an integer >= 1, got %s", luaL_tolstring(L, 2, NULL));
    k = lua_tointeger(L, 2);
  }
  int64_t n;
  double *v = ls_values(L, c, &n), h, hn, crk;
  modu_err e;
  if (modu_stats_concentration(v, n, k, &h, &hn, want_cr ? &crk : NULL, &e)) return lm_core_error(L, fn, &e);
  if (want_cr) {
    lua_pushnumber(L, crk);
    return 1;
  }
  lua_pushnumber(L, h);
  lua_pushnumber(L, hn);
  return 2;
}
static int ls_hhi(lua_State *L) { return ls_concentration(L, false); }
static int ls_cr(lua_State *L) { return ls_concentration(L, true); }

static int ls_per_capita(lua_State *L) {
  const char *fn = "per_capita";
  lua_settop(L, 3);
  modu_column *c = ls_column(L, 1, fn, "x", true);
  modu_column *pop = ls_column(L, 2, fn, "population", true);
  ls_same_len(L, c, pop, fn, "x", "population");
  double scale = lua_isnoneornil(L, 3) ? 1 : ls_number(L, 3, fn, "scale");
  double *v = ls_with_nan(L, c), *p = ls_with_nan(L, pop);
  modu_column *r = ls_new_float(L, c->len, fn);
  /* a population of 0 or less has no per-head value: NA, not inf */
  for (int64_t i = 0; i < c->len; i++) MODU_F64(r)[i] = p[i] > 0 ? v[i] / p[i] * scale : NAN;
  ls_nan_to_na(L, r, fn);
  return 1;
}

/* dense group numbers of one column (pushed holder) */
static modu_groups *ls_codes(lua_State *L, modu_column *c, int64_t n, const char *fn) {
  return ls_group_by(L, &c, 1, n, false, fn);
}

/* location_quotient(df, { region =, industry =, value = }) or the four numbers */
static int ls_location_quotient(lua_State *L) {
  const char *fn = "location_quotient";
  if (lua_type(L, 1) == LUA_TNUMBER) {
    double a = ls_number(L, 1, fn, "local value"), b = ls_number(L, 2, fn, "local total");
    double c = ls_number(L, 3, fn, "national value"), d = ls_number(L, 4, fn, "national total");
    if (!(b > 0 && c > 0 && d > 0)) return lm_error(L, fn, "the totals and the national value must be positive");
    lua_pushnumber(L, (a / b) / (c / d));
    return 1;
  }
  lm_check_frame(L, 1, fn);
  lua_settop(L, 2);
  if (!lua_istable(L, 2)) return lm_error(L, fn, "expected options { region =, industry =, value = }, got %s", lm_typename(L, 2));
  modu_frame *f = lm_pin_arg(L, 1, fn);
  int kr = ls_opt_column(L, f, 2, "region", fn, false), ki = ls_opt_column(L, f, 2, "industry", fn, false);
  int kv = ls_opt_column(L, f, 2, "value", fn, true);
  modu_groups *gr = ls_codes(L, f->cols[kr], f->nrow, fn), *gi = ls_codes(L, f->cols[ki], f->nrow, fn);
  double *v = ls_with_nan(L, f->cols[kv]);
  for (int64_t i = 0; i < f->nrow; i++)
    if (v[i] < 0) lm_error(L, fn, "value: row %lld is %g; location quotients need values >= 0", (long long)i + 1, v[i]);
  modu_frame *r = ls_frame(L, 4, f->nrow, fn);
  int out = lua_gettop(L);
  lm_push_column(L, modu_col_ref(f->cols[kr]));
  ls_frame_put(L, r, 0, f->names[kr], fn);
  lm_push_column(L, modu_col_ref(f->cols[ki]));
  ls_frame_put(L, r, 1, f->names[ki], fn);
  lm_push_column(L, modu_col_ref(f->cols[kv]));
  ls_frame_put(L, r, 2, f->names[kv], fn);
  modu_column *lq = ls_new_float(L, f->nrow, fn);
  modu_err e;
  if (modu_stats_location_quotient(v, gr->gid, gr->ngroups, gi->gid, gi->ngroups, f->nrow, MODU_F64(lq), &e))
    return lm_core_error(L, fn, &e);
  ls_nan_to_na(L, lq, fn);
  if (modu_frame_find(r, "lq") >= 0) return lm_error(L, fn, "a key column is already named 'lq'");
  ls_frame_put(L, r, 3, "lq", fn);
  lua_settop(L, out);
  return 1;
}

/* shift_share(df, { region =, industry =, start =, finish =, detail = false }) */
static int ls_shift_share(lua_State *L) {
  const char *fn = "shift_share";
  lm_check_frame(L, 1, fn);
  lua_settop(L, 2);
  if (!lua_istable(L, 2))
    return lm_error(L, fn, "expected options { region =, industry =, start =, finish = }, got %s", lm_typename(L, 2));
  modu_frame *f = lm_pin_arg(L, 1, fn);
  int kr = ls_opt_column(L, f, 2, "region", fn, false), ki = ls_opt_column(L, f, 2, "industry", fn, false);
  int ks = ls_opt_column(L, f, 2, "start", fn, true), kf = ls_opt_column(L, f, 2, "finish", fn, true);
  bool detail = ls_opt_bool(L, 2, "detail", false, fn);
  modu_groups *gi = ls_codes(L, f->cols[ki], f->nrow, fn);
  double *s = ls_with_nan(L, f->cols[ks]), *fi = ls_with_nan(L, f->cols[kf]);
  int64_t n = f->nrow;
  double *ns = lm_scratch(L, (size_t)n * 3 * sizeof *ns), *im = ns + n, *cs = im + n;
  modu_err e;
  if (modu_stats_shift_share(s, fi, gi->gid, gi->ngroups, n, ns, im, cs, &e)) return lm_core_error(L, fn, &e);
  static const char *const names[] = {"start", "finish", "change", "national", "industry_mix", "competitive"};
  const double *src[] = {s, fi, NULL, ns, im, cs};
  if (detail) {
    modu_frame *r = ls_frame(L, 8, n, fn);
    lm_push_column(L, modu_col_ref(f->cols[kr]));
    ls_frame_put(L, r, 0, f->names[kr], fn);
    lm_push_column(L, modu_col_ref(f->cols[ki]));
    ls_frame_put(L, r, 1, f->names[ki], fn);
    for (int k = 0; k < 6; k++) {
      modu_column *c = ls_new_float(L, n, fn);
      for (int64_t i = 0; i < n; i++) MODU_F64(c)[i] = src[k] ? src[k][i] : fi[i] - s[i];
      ls_nan_to_na(L, c, fn);
      if (modu_frame_find(r, names[k]) >= 0) lm_error(L, fn, "a key column is already named '%s'", names[k]);
      ls_frame_put(L, r, 2 + k, names[k], fn);
    }
    return 1;
  }
  /* per region: sums over its rows */
  modu_groups *gr = ls_codes(L, f->cols[kr], n, fn);
  int64_t ng = gr->ngroups;
  modu_frame *r = ls_frame(L, 7, ng, fn);
  lm_push_result(L, modu_col_take(f->cols[kr], gr->first, ng, &e), fn, &e);
  ls_frame_put(L, r, 0, f->names[kr], fn);
  for (int k = 0; k < 6; k++) {
    modu_column *c = ls_new_float(L, ng, fn);
    double *acc = MODU_F64(c);
    for (int64_t g = 0; g < ng; g++) acc[g] = 0;
    for (int64_t i = 0; i < n; i++) {
      double v = src[k] ? src[k][i] : fi[i] - s[i];
      if (!isnan(v)) acc[gr->gid[i]] += v;
    }
    if (modu_frame_find(r, names[k]) >= 0) lm_error(L, fn, "the region column is already named '%s'", names[k]);
    ls_frame_put(L, r, 1 + k, names[k], fn);
  }
  return 1;
}

/* ---- normalisation ---- */

static double ls_direction(lua_State *L, int idx, const char *fn) {
  double d = ls_num_or_field(L, idx, "direction", 1, fn);
  if (d != 1 && d != -1)
    lm_error(L, fn, "direction must be 1 (more is better) or -1 (less is better), got %g", d);
  return d;
}

static int ls_normalize_with(lua_State *L, int kind, int dir_idx, const char *fn) {
  lua_settop(L, 3);
  modu_column *c = ls_column(L, 1, fn, "x", true);
  double dir = ls_direction(L, dir_idx, fn);
  double *v = ls_with_nan(L, c);
  modu_column *r = ls_new_float(L, c->len, fn);
  modu_err e;
  if (modu_normalize((modu_norm_kind)kind, v, c->len, dir, false, MODU_F64(r), &e)) return lm_core_error(L, fn, &e);
  ls_nan_to_na(L, r, fn);
  return 1;
}

static int ls_minmax(lua_State *L) { return ls_normalize_with(L, MODU_NORM_MINMAX, 2, "minmax"); }
static int ls_zscore(lua_State *L) { return ls_normalize_with(L, MODU_NORM_ZSCORE, 2, "zscore"); }
static int ls_rank(lua_State *L) { return ls_normalize_with(L, MODU_NORM_RANK, 2, "rank"); }
static int ls_dtl(lua_State *L) { return ls_normalize_with(L, MODU_NORM_DTL, 2, "distance_to_leader"); }

static int ls_winsorize(lua_State *L) {
  const char *fn = "winsorize";
  lua_settop(L, 3);
  modu_column *c = ls_column(L, 1, fn, "x", true);
  double p = lua_isnoneornil(L, 2) ? 0.05 : ls_number(L, 2, fn, "p");
  if (!(p >= 0 && p < 0.5)) return lm_error(L, fn, "p must be in [0, 0.5), got %g", p);
  double dir = ls_direction(L, 3, fn);
  double *v = ls_with_nan(L, c);
  modu_column *r = ls_new_float(L, c->len, fn);
  modu_err e;
  if (modu_winsorize(v, c->len, p, MODU_F64(r), &e)) return lm_core_error(L, fn, &e);
  for (int64_t i = 0; i < c->len; i++) MODU_F64(r)[i] *= dir;
  ls_nan_to_na(L, r, fn);
  return 1;
}

/* normalize(x, method [, { direction = 1, p = 0.05 }]) */
static int ls_normalize(lua_State *L) {
  const char *fn = "normalize";
  if (lua_type(L, 2) != LUA_TSTRING)
    return lm_error(L, fn, "method must be a string (" MODU_NORM_NAMES ", winsorize), got %s", lm_typename(L, 2));
  const char *m = lua_tostring(L, 2);
  ls_check_opts(L, 3, fn);
  if (strcmp(m, "winsorize") == 0) {
    lua_settop(L, 3);
    double p = ls_opt_number(L, 3, "p", 0.05, fn), dir = ls_opt_number(L, 3, "direction", 1, fn);
    lua_pushnumber(L, p);
    lua_pushnumber(L, dir);
    lua_replace(L, 3);
    lua_replace(L, 2);
    return ls_winsorize(L);
  }
  int kind = modu_norm_from_name(m);
  if (kind < 0) return lm_error(L, fn, "unknown method '%s' (methods: " MODU_NORM_NAMES ", winsorize)", m);
  return ls_normalize_with(L, kind, 3, fn);
}

/* ---- composite index ---- */

typedef struct ls_index {
  modu_index_spec s;
  modu_norm_kind norm;
  modu_index_agg agg;
  int unit_col;
  const modu_frame *f;
} ls_index;

static int ls_choice(lua_State *L, const char *s, const char *const *names, const char *fn, const char *what,
                     const char *list) {
  for (int i = 0; names[i]; i++)
    if (strcmp(s, names[i]) == 0) return i;
  lm_error(L, fn, "unknown %s '%s' (%s)", what, s, list);
  return -1;
}

static const char *const ls_agg_names[] = {"arithmetic", "geometric", NULL};
static const char *const ls_missing_names[] = {"exclude", "mean", "min", NULL};

/* reads the spec table at idx (leaves scratch buffers on the stack) */
static void ls_index_spec(lua_State *L, int idx, ls_index *ix, const char *fn) {
  if (!lua_istable(L, idx)) lm_error(L, fn, "expected a spec table { data =, unit =, indicators = }, got %s", lm_typename(L, idx));
  lua_getfield(L, idx, "data");
  if (!luaL_testudata(L, -1, LM_FRAME)) lm_error(L, fn, "data must be a modu.Frame, got %s", lm_typename(L, -1));
  const modu_frame *f = lm_pin_frame(L, -1, fn);
  lua_remove(L, -2);
  ix->f = f;
  lua_getfield(L, idx, "unit");
  ix->unit_col = ls_find(L, f, -1, fn, "unit");
  lua_pop(L, 1);
  /* one row per unit */
  modu_column *uc = f->cols[ix->unit_col];
  modu_groups *g = ls_codes(L, uc, f->nrow, fn);
  for (int64_t i = 0; i < f->nrow; i++)
    if (g->first[g->gid[i]] != i) {
      lm_push_value(L, uc, i);
      lm_error(L, fn, "unit '%s' appears in rows %lld and %lld (one row per unit)", luaL_tolstring(L, -1, NULL),
               (long long)g->first[g->gid[i]] + 1, (long long)i + 1);
    }
  lua_getfield(L, idx, "indicators");
  if (!lua_istable(L, -1) || luaL_len(L, -1) < 1)
    lm_error(L, fn, "indicators must be a non-empty array of { name =, direction =, weight = } (or names)");
  int ind = lua_gettop(L);
  int k = (int)luaL_len(L, ind);
  double *x = lm_scratch(L, (size_t)f->nrow * (size_t)k * sizeof *x + 1);
  double *dir = lm_scratch(L, (size_t)k * 2 * sizeof *dir), *w = dir + k;
  lua_createtable(L, k, 0); /* the names, kept for the result */
  int names = lua_gettop(L);
  for (int j = 0; j < k; j++) {
    lua_geti(L, ind, j + 1);
    int item = lua_gettop(L);
    double d = 1, wt = 1;
    if (lua_istable(L, item)) {
      lua_getfield(L, item, "name");
      d = ls_opt_number(L, item, "direction", 1, fn);
      wt = ls_opt_number(L, item, "weight", 1, fn);
    } else {
      lua_pushvalue(L, item);
    }
    if (lua_type(L, -1) != LUA_TSTRING) lm_error(L, fn, "indicator %d has no name", j + 1);
    int col = ls_find_numeric(L, f, -1, fn, "indicator");
    if (d != 1 && d != -1)
      lm_error(L, fn, "indicator '%s': direction must be 1 (more is better) or -1 (less is better), got %g",
               f->names[col], d);
    if (!(wt > 0) || isinf(wt)) lm_error(L, fn, "indicator '%s': weight must be a positive number, got %g", f->names[col], wt);
    for (int jj = 0; jj < j; jj++) {
      lua_rawgeti(L, names, jj + 1);
      if (strcmp(lua_tostring(L, -1), f->names[col]) == 0) lm_error(L, fn, "indicator '%s' is listed twice", f->names[col]);
      lua_pop(L, 1);
    }
    lua_rawseti(L, names, j + 1);
    lua_pop(L, 1);
    dir[j] = d;
    w[j] = wt;
    const modu_column *c = f->cols[col];
    for (int64_t i = 0; i < f->nrow; i++) {
      double v = modu_col_isna(c, i) ? NAN : c->type == MODU_FLOAT ? MODU_F64(c)[i]
                 : c->type == MODU_INT ? (double)MODU_I64(c)[i] : MODU_U8(c)[i];
      x[(size_t)j * (size_t)f->nrow + (size_t)i] = isinf(v) ? NAN : v;
    }
  }
  const char *norm = ls_opt_string(L, idx, "normalize", "minmax", fn);
  int nk = modu_norm_from_name(norm);
  if (nk < 0) lm_error(L, fn, "unknown normalize '%s' (" MODU_NORM_NAMES ")", norm);
  ix->norm = (modu_norm_kind)nk;
  ix->agg = (modu_index_agg)ls_choice(L, ls_opt_string(L, idx, "aggregate", "arithmetic", fn), ls_agg_names, fn,
                                      "aggregate", "arithmetic, geometric");
  ix->s.missing = (modu_index_missing)ls_choice(L, ls_opt_string(L, idx, "missing", "exclude", fn), ls_missing_names,
                                                fn, "missing", "exclude, mean, min");
  ix->s.min_coverage = ls_opt_number(L, idx, "min_coverage", 2.0 / 3, fn);
  if (!(ix->s.min_coverage >= 0 && ix->s.min_coverage <= 1))
    lm_error(L, fn, "min_coverage must be between 0 and 1, got %g", ix->s.min_coverage);
  ix->s.winsor = ls_opt_number(L, idx, "winsorize", 0, fn);
  if (!(ix->s.winsor >= 0 && ix->s.winsor < 0.5)) lm_error(L, fn, "winsorize must be in [0, 0.5), got %g", ix->s.winsor);
  ix->s.nunit = f->nrow;
  ix->s.nind = k;
  ix->s.x = x;
  ix->s.direction = dir;
  ix->s.weight = w;
  lua_setfield(L, idx, "_names"); /* the names table, for the caller */
  lua_pop(L, 1); /* indicators */
}

/* build(spec) -> { score, rank, coverage, ranked, contrib = { columns }, names } */
static int ls_index_build(lua_State *L) {
  const char *fn = "index.build";
  lua_settop(L, 1);
  ls_index ix;
  ls_index_spec(L, 1, &ix, fn);
  int64_t n = ix.s.nunit;
  int k = ix.s.nind;
  modu_column *score = ls_new_float(L, n, fn);
  modu_column *cov = ls_new_float(L, n, fn);
  modu_column *rank = modu_col_new(MODU_INT, n, NULL);
  if (!rank) return lm_error(L, fn, "out of memory");
  lm_push_column(L, rank);
  double *contrib = lm_scratch(L, (size_t)n * (size_t)k * sizeof *contrib + 1);
  int top = lua_gettop(L);
  modu_index_result r = {MODU_F64(score), MODU_F64(cov), MODU_I64(rank), contrib};
  modu_err e;
  if (modu_index_compute(&ix.s, ix.norm, ix.agg, &r, &e)) return lm_core_error(L, fn, &e);
  ls_nan_to_na(L, score, fn);
  for (int64_t i = 0; i < n; i++)
    if (MODU_I64(rank)[i] == 0 && modu_col_set_na(rank, i)) return lm_error(L, fn, "out of memory");
  lua_createtable(L, 0, 8);
  int res = lua_gettop(L);
  lua_pushvalue(L, top - 3);
  lua_setfield(L, res, "score");
  lua_pushvalue(L, top - 2);
  lua_setfield(L, res, "coverage");
  lua_pushvalue(L, top - 1);
  lua_setfield(L, res, "rank");
  lm_push_column(L, modu_col_ref(ix.f->cols[ix.unit_col]));
  lua_setfield(L, res, "unit");
  lua_createtable(L, k, 0);
  for (int j = 0; j < k; j++) {
    modu_column *c = ls_new_float(L, n, fn);
    memcpy(MODU_F64(c), contrib + (size_t)j * (size_t)n, (size_t)n * sizeof(double));
    ls_nan_to_na(L, c, fn);
    lua_rawseti(L, -2, j + 1);
  }
  lua_setfield(L, res, "contrib");
  lua_getfield(L, 1, "_names");
  lua_setfield(L, res, "names");
  lua_pushnil(L);
  lua_setfield(L, 1, "_names");
  return 1;
}

/* the list option key (a string or an array of strings) as kinds */
static int ls_kinds(lua_State *L, int opts, const char *key, int def, int *out, int cap, const char *fn,
                    int (*decode)(lua_State *, const char *, const char *)) {
  lua_getfield(L, opts, key);
  int n = 0;
  if (lua_isnil(L, -1)) {
    out[n++] = def;
  } else if (lua_type(L, -1) == LUA_TSTRING) {
    out[n++] = decode(L, lua_tostring(L, -1), fn);
  } else if (lua_istable(L, -1)) {
    int m = (int)luaL_len(L, -1);
    if (m < 1 || m > cap) lm_error(L, fn, "%s must list 1 to %d choices", key, cap);
    for (int i = 0; i < m; i++) {
      lua_geti(L, -1, i + 1);
      if (lua_type(L, -1) != LUA_TSTRING) lm_error(L, fn, "%s[%d] must be a string, got %s", key, i + 1, lm_typename(L, -1));
      out[n++] = decode(L, lua_tostring(L, -1), fn);
      lua_pop(L, 1);
    }
  } else {
    lm_error(L, fn, "%s must be a string or an array of strings, got %s", key, lm_typename(L, -1));
  }
  lua_pop(L, 1);
  return n;
}

static int ls_decode_norm(lua_State *L, const char *s, const char *fn) {
  int k = modu_norm_from_name(s);
  if (k < 0) lm_error(L, fn, "unknown normalize '%s' (" MODU_NORM_NAMES ")", s);
  return k;
}

static int ls_decode_agg(lua_State *L, const char *s, const char *fn) {
  return ls_choice(L, s, ls_agg_names, fn, "aggregate", "arithmetic, geometric");
}

/* sensitivity(spec, opts) -> { median_rank, rank_lo, rank_hi, p_first, mean_rank } columns */
static int ls_index_sensitivity(lua_State *L) {
  const char *fn = "sensitivity";
  lua_settop(L, 2);
  if (!lua_isnoneornil(L, 2) && !lua_istable(L, 2)) return lm_error(L, fn, "options must be a table, got %s", lm_typename(L, 2));
  if (lua_isnil(L, 2)) {
    lua_newtable(L);
    lua_replace(L, 2);
  }
  ls_index ix;
  ls_index_spec(L, 1, &ix, fn);
  lua_pushnil(L);
  lua_setfield(L, 1, "_names");
  modu_sensitivity_opts o;
  double draws = ls_opt_number(L, 2, "draws", 1000, fn), seed = ls_opt_number(L, 2, "seed", 1, fn);
  if (!(draws >= 1 && draws <= 1e8) || draws != floor(draws))
    return lm_error(L, fn, "draws must be an integer from 1 to 1e8, got %g", draws);
  if (!(seed >= 0 && seed < 1.8e19) || seed != floor(seed)) return lm_error(L, fn, "seed must be an integer >= 0, got %g", seed);
  o.draws = (int64_t)draws;
  o.seed = (uint64_t)seed;
  o.param = 0;
  lua_getfield(L, 2, "weights");
  if (lua_isnil(L, -1)) {
    o.weights = MODU_WEIGHTS_DIRICHLET;
  } else if (lua_type(L, -1) == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1);
    if (strcmp(s, "dirichlet") == 0) o.weights = MODU_WEIGHTS_DIRICHLET;
    else if (strcmp(s, "fixed") == 0) o.weights = MODU_WEIGHTS_FIXED;
    else return lm_error(L, fn, "unknown weights '%s' (\"dirichlet\", \"fixed\", { jitter = 0.25 } or { dirichlet = c })", s);
  } else if (lua_istable(L, -1)) {
    double j = ls_opt_number(L, -1, "jitter", NAN, fn), c = ls_opt_number(L, -1, "dirichlet", NAN, fn);
    if (!isnan(j)) {
      if (!(j >= 0 && j < 1)) return lm_error(L, fn, "jitter must be in [0, 1), got %g", j);
      o.weights = MODU_WEIGHTS_JITTER;
      o.param = j;
    } else if (!isnan(c)) {
      if (!(c > 0) || isinf(c)) return lm_error(L, fn, "the dirichlet concentration must be positive, got %g", c);
      o.weights = MODU_WEIGHTS_DIRICHLET;
      o.param = c;
    } else {
      return lm_error(L, fn, "weights table needs jitter = h or dirichlet = c");
    }
  } else {
    return lm_error(L, fn, "weights must be \"dirichlet\", \"fixed\" or a table, got %s", lm_typename(L, -1));
  }
  lua_pop(L, 1);
  int norms[8], aggs[2];
  o.nnorm = ls_kinds(L, 2, "normalize", ix.norm, norms, 8, fn, ls_decode_norm);
  o.naggs = ls_kinds(L, 2, "aggregate", ix.agg, aggs, 2, fn, ls_decode_agg);
  modu_norm_kind nk[8];
  modu_index_agg ak[2];
  for (int i = 0; i < o.nnorm; i++) nk[i] = (modu_norm_kind)norms[i];
  for (int i = 0; i < o.naggs; i++) ak[i] = (modu_index_agg)aggs[i];
  o.norms = nk;
  o.aggs = ak;
  int64_t n = ix.s.nunit;
  int64_t *counts = lm_scratch(L, (size_t)(n ? n : 1) * (size_t)(n ? n : 1) * sizeof *counts);
  modu_err e;
  if (modu_index_sensitivity(&ix.s, &o, counts, &e)) return lm_core_error(L, fn, &e);
  /* per unit: rank quantiles of the draws (type 1: the smallest rank whose
   * cumulative share reaches p), the share of draws ranked first, the mean */
  lua_createtable(L, 0, 6);
  int res = lua_gettop(L);
  static const char *const qn[] = {"median_rank", "rank_lo", "rank_hi"};
  const double qp[] = {0.5, 0.05, 0.95};
  modu_column *q[3];
  for (int j = 0; j < 3; j++) {
    q[j] = modu_col_new(MODU_INT, n, NULL);
    if (!q[j]) return lm_error(L, fn, "out of memory");
    lm_push_column(L, q[j]);
    lua_setfield(L, res, qn[j]);
  }
  modu_column *pf = ls_new_float(L, n, fn);
  lua_setfield(L, res, "p_first");
  modu_column *mr = ls_new_float(L, n, fn);
  lua_setfield(L, res, "mean_rank");
  for (int64_t u = 0; u < n; u++) {
    const int64_t *c = counts + (size_t)u * (size_t)n;
    int64_t total = 0;
    double sum = 0;
    for (int64_t r = 0; r < n; r++) total += c[r], sum += (double)c[r] * (double)(r + 1);
    if (total == 0) {
      for (int j = 0; j < 3; j++)
        if (modu_col_set_na(q[j], u)) return lm_error(L, fn, "out of memory");
      if (modu_col_set_na(pf, u) || modu_col_set_na(mr, u)) return lm_error(L, fn, "out of memory");
      continue;
    }
    for (int j = 0; j < 3; j++) {
      int64_t cum = 0, r = 0;
      while (r < n && (double)(cum + c[r]) < qp[j] * (double)total) cum += c[r++];
      MODU_I64(q[j])[u] = r + 1;
    }
    MODU_F64(pf)[u] = (double)c[0] / (double)total;
    MODU_F64(mr)[u] = sum / (double)total;
  }
  lua_pushinteger(L, o.draws);
  lua_setfield(L, res, "draws");
  return 1;
}

/* ---- frames: describe and the correlation matrix ---- */

static void ls_set_str(lua_State *L, modu_column *c, int64_t i, const char *s, size_t len, const char *fn) {
  int32_t code = modu_dict_intern(c->dict, s, len);
  if (code < 0) lm_error(L, fn, "out of memory");
  MODU_I32(c)[i] = code;
}

static int ls_describe(lua_State *L) {
  const char *fn = "describe";
  lm_check_frame(L, 1, fn);
  lua_settop(L, 1);
  modu_frame *f = lm_pin_arg(L, 1, fn);
  int k = f->ncol;
  static const char *const names[] = {"column", "type", "count", "na", "mean", "sd", "min", "q25",
                                      "median", "q75", "max", "unique", "top", "freq"};
  static const modu_type types[] = {MODU_STR, MODU_STR, MODU_INT, MODU_INT, MODU_FLOAT, MODU_FLOAT, MODU_FLOAT,
                                    MODU_FLOAT, MODU_FLOAT, MODU_FLOAT, MODU_FLOAT, MODU_INT, MODU_STR, MODU_INT};
  modu_frame *r = ls_frame(L, 14, k, fn);
  int rf = lua_gettop(L);
  modu_column *c[14];
  for (int j = 0; j < 14; j++) {
    c[j] = modu_col_new(types[j], k, NULL);
    if (!c[j]) return lm_error(L, fn, "out of memory");
    lm_push_column(L, c[j]);
    memset(c[j]->data, 0, (size_t)k * modu_type_width(types[j]));
    if (modu_frame_set(r, j, c[j], names[j])) return lm_error(L, fn, "out of memory");
    lua_pop(L, 1);
  }
  int64_t maxlen = f->nrow;
  double *buf = lm_scratch(L, (size_t)maxlen * sizeof *buf);
  for (int j = 0; j < k; j++) {
    const modu_column *x = f->cols[j];
    ls_set_str(L, c[0], j, f->names[j], strlen(f->names[j]), fn);
    const char *tn = modu_type_name(x->type);
    ls_set_str(L, c[1], j, tn, strlen(tn), fn);
    int64_t na = modu_col_count_na(x);
    MODU_I64(c[2])[j] = x->len - na;
    MODU_I64(c[3])[j] = na;
    bool num = x->type == MODU_INT || x->type == MODU_FLOAT;
    bool fail = false;
    if (num) {
      int64_t n = modu_stats_gather(x, buf);
      double p[5] = {0, 0.25, 0.5, 0.75, 1}, q[5];
      if (n > 0) {
        MODU_F64(c[4])[j] = modu_stats_mean(buf, n);
        MODU_F64(c[5])[j] = modu_stats_sd(buf, n, 1);
        modu_stats_quantiles(buf, n, p, 5, 7, q); /* selection in the copy already made */
        for (int t = 0; t < 5; t++) MODU_F64(c[6 + t])[j] = q[t];
      }
      for (int t = 4; t <= 10; t++)
        if ((n == 0 || (t == 5 && n < 2)) && modu_col_set_na(c[t], j)) fail = true;
      for (int t = 11; t <= 13; t++)
        if (modu_col_set_na(c[t], j)) fail = true;
    } else {
      modu_scalar s;
      int64_t count, distinct;
      modu_err e;
      if (modu_stats_mode(x, &s, &count, &distinct, &e)) return lm_core_error(L, fn, &e);
      for (int t = 4; t <= 10; t++)
        if (modu_col_set_na(c[t], j)) fail = true;
      MODU_I64(c[11])[j] = distinct;
      MODU_I64(c[13])[j] = count;
      if (s.na) {
        if (modu_col_set_na(c[12], j) || modu_col_set_na(c[13], j)) fail = true;
      } else {
        char tmp[32];
        switch (s.type) {
          case MODU_STR: ls_set_str(L, c[12], j, s.v.s.p, s.v.s.len, fn); break;
          case MODU_BOOL: ls_set_str(L, c[12], j, s.v.b ? "true" : "false", s.v.b ? 4 : 5, fn); break;
          case MODU_DATE: ls_set_str(L, c[12], j, tmp, (size_t)modu_date_format(s.v.d, tmp, sizeof tmp), fn); break;
          default: break;
        }
      }
    }
    if (fail) return lm_error(L, fn, "out of memory");
  }
  lua_settop(L, rf);
  return 1;
}

static int ls_frame_cor(lua_State *L) {
  const char *fn = "cor";
  lm_check_frame(L, 1, fn);
  lua_settop(L, 2);
  int method = ls_cor_method(L, 2, fn);
  modu_frame *f = lm_pin_arg(L, 1, fn);
  int *num = lm_scratch(L, (size_t)(f->ncol ? f->ncol : 1) * sizeof *num), m = 0;
  for (int j = 0; j < f->ncol; j++)
    if (f->cols[j]->type == MODU_INT || f->cols[j]->type == MODU_FLOAT) num[m++] = j;
  if (m == 0) return lm_error(L, fn, "the frame has no numeric (int or float) columns");
  modu_frame *r = ls_frame(L, m + 1, m, fn);
  int rf = lua_gettop(L);
  modu_column *names = modu_col_new(MODU_STR, m, NULL);
  if (!names) return lm_error(L, fn, "out of memory");
  lm_push_column(L, names);
  for (int i = 0; i < m; i++) ls_set_str(L, names, i, f->names[num[i]], strlen(f->names[num[i]]), fn);
  if (modu_frame_find(f, "column") >= 0 && m > 0) {
    /* the label column must not clash with a data column's name */
    for (int i = 0; i < m; i++)
      if (strcmp(f->names[num[i]], "column") == 0) return lm_error(L, fn, "a numeric column is named 'column'; rename it first");
  }
  ls_frame_put(L, r, 0, "column", fn);
  for (int j = 0; j < m; j++) {
    modu_column *c = ls_new_float(L, m, fn);
    for (int i = 0; i < m; i++) {
      int64_t n;
      MODU_F64(c)[i] = i == j ? 1 : ls_cor_cols(L, f->cols[num[i]], f->cols[num[j]], method, fn, &n);
      if (i != j && n < 2) MODU_F64(c)[i] = NAN;
    }
    ls_nan_to_na(L, c, fn);
    ls_frame_put(L, r, j + 1, f->names[num[j]], fn);
  }
  lua_settop(L, rf);
  return 1;
}

/* ---- registration ---- */

static const luaL_Reg ls_functions[] = {
    {"mean", ls_mean}, {"var", ls_var}, {"sd", ls_sd}, {"quantile", ls_quantile}, {"median", ls_median},
    {"iqr", ls_iqr}, {"mad", ls_mad}, {"skewness", ls_skewness}, {"kurtosis", ls_kurtosis}, {"mode", ls_mode},
    {"acf", ls_acf}, {"range", ls_range}, {"cov", ls_cov}, {"cor", ls_cor}, {"by", ls_by}, {"ols", ls_ols},
    {"polyfit", ls_polyfit}, {"growth", ls_growth}, {"cagr", ls_cagr}, {"doubling_time", ls_doubling_time},
    {"trend", ls_trend}, {"crossing", ls_crossing}, {"shares", ls_shares}, {"hhi", ls_hhi}, {"cr", ls_cr},
    {"location_quotient", ls_location_quotient}, {"shift_share", ls_shift_share}, {"per_capita", ls_per_capita},
    {"normalize", ls_normalize}, {"minmax", ls_minmax}, {"zscore", ls_zscore}, {"rank", ls_rank},
    {"distance_to_leader", ls_dtl}, {"winsorize", ls_winsorize}, {"index_build", ls_index_build},
    {"index_sensitivity", ls_index_sensitivity}, {NULL, NULL}};

static const luaL_Reg ls_column_methods[] = {
    {"var", ls_var}, {"sd", ls_sd}, {"quantile", ls_quantile}, {"median", ls_median}, {"iqr", ls_iqr},
    {"mad", ls_mad}, {"skewness", ls_skewness}, {"kurtosis", ls_kurtosis}, {"mode", ls_mode}, {"acf", ls_acf},
    {"range", ls_range}, {"cov", ls_cov}, {"cor", ls_cor}, {NULL, NULL}};

static const luaL_Reg ls_frame_methods[] = {{"describe", ls_describe}, {"cor", ls_frame_cor}, {NULL, NULL}};

void lm_open_stats(lua_State *L, int mod) {
  mod = lua_absindex(L, mod);
  luaL_newlib(L, ls_functions);
  ls_open_dist(L);
  lua_setfield(L, -2, "dist");
  lua_setfield(L, mod, "stats");
  lua_getfield(L, mod, "Column");
  luaL_setfuncs(L, ls_column_methods, 0);
  lua_pop(L, 1);
  lua_getfield(L, mod, "Frame");
  luaL_setfuncs(L, ls_frame_methods, 0);
  lua_pop(L, 1);
}
