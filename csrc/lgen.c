/* Column generators that never build a Lua table: range, rep, and the seeded
 * random streams (xoshiro256**, identical on every platform). */
#include <math.h>
#include <stdint.h>

#include "lmodu.h"

#define GEN_DEFAULT_SEED 20171229
/* The longest column a generator makes. Far beyond any memory, it is there so
 * that a count can never overflow the byte sizes computed from it. */
#define GEN_MAX_N ((int64_t)1 << 40)

static int64_t gen_count(lua_State *L, int idx, const char *fn) {
  lua_Integer n = 0;
  int ok = 0;
  /* numbers only: strings are never silently turned into numbers */
  if (lua_type(L, idx) == LUA_TNUMBER) n = lua_tointegerx(L, idx, &ok);
  if (!ok || n < 0)
    lm_error(L, fn, "n must be a non-negative integer, got %s", ok ? "a negative number" : lm_typename(L, idx));
  if (n > GEN_MAX_N)
    lm_error(L, fn, "n = %lld is too many values (at most %lld)", (long long)n, (long long)GEN_MAX_N);
  return n;
}

static modu_column *gen_new(lua_State *L, modu_type t, int64_t n, const char *fn) {
  modu_column *c = modu_col_new(t, n, NULL);
  if (!c) lm_error(L, fn, "out of memory for %lld values", (long long)n);
  lm_push_column(L, c);
  return c;
}

/* The integer limit of a for loop whose limit is the float at idx, as Lua's
 * forlimit does it: floor (ceil for a negative step) when it fits, else clipped
 * to the integers. False when the loop runs zero times because of it. */
static bool gen_int_limit(lua_State *L, int idx, lua_Integer step, lua_Integer *lim) {
  if (lua_isinteger(L, idx)) {
    *lim = lua_tointeger(L, idx);
    return true;
  }
  double f = lua_tonumber(L, idx), r = step < 0 ? ceil(f) : floor(f);
  if (r >= -MODU_TWO63 && r < MODU_TWO63) { /* false for NaN */
    *lim = (lua_Integer)r;
    return true;
  }
  if (f > 0) { /* too large */
    *lim = LUA_MAXINTEGER;
    return step > 0;
  }
  *lim = LUA_MININTEGER; /* too small, or NaN */
  return step < 0;
}

/* modu.range(a, b [, step]): the values of `for v = a, b, step`, with the for
 * loop's rules: integers when a and step are integers (b may be a float),
 * floats otherwise. Float values are a + k * step, not a running sum, with a
 * few ulps of tolerance at the end so that range(0, 1, 0.1) has 11 values. */
static int gen_range(lua_State *L) {
  if (lua_type(L, 1) != LUA_TNUMBER || lua_type(L, 2) != LUA_TNUMBER)
    return lm_error(L, "range", "a and b must be numbers, got %s and %s", lm_typename(L, 1), lm_typename(L, 2));
  if (!lua_isnoneornil(L, 3) && lua_type(L, 3) != LUA_TNUMBER)
    return lm_error(L, "range", "step must be a number, got %s", lm_typename(L, 3));
  bool ints = lua_isinteger(L, 1) && (lua_isnoneornil(L, 3) || lua_isinteger(L, 3));
  if (ints) {
    lua_Integer a = lua_tointeger(L, 1), b, s = luaL_optinteger(L, 3, 1);
    if (s == 0) return lm_error(L, "range", "step must not be 0");
    uint64_t n = 0;
    if (gen_int_limit(L, 2, s, &b) && (s > 0 ? a <= b : a >= b)) {
      uint64_t span = s > 0 ? (uint64_t)b - (uint64_t)a : (uint64_t)a - (uint64_t)b;
      uint64_t step = (uint64_t)s; /* |s|, never 0: s == 0 was refused above */
      if (s < 0) step = 0u - step;
      /* span / step + 1 would wrap to 0 for the whole int64 range by 1 */
      uint64_t q = span / step;
      if (q >= (uint64_t)GEN_MAX_N)
        return lm_error(L, "range", "%llu values are too many (at most %lld)",
                        (unsigned long long)q + (q < UINT64_MAX), (long long)GEN_MAX_N);
      n = q + 1;
    }
    modu_column *c = gen_new(L, MODU_INT, (int64_t)n, "range");
    for (uint64_t k = 0; k < n; k++) MODU_I64(c)[k] = (int64_t)((uint64_t)a + k * (uint64_t)s);
    return 1;
  }
  double a = lua_tonumber(L, 1), b = lua_tonumber(L, 2), s = luaL_optnumber(L, 3, 1);
  if (s == 0) return lm_error(L, "range", "step must not be 0");
  if (!isfinite(a) || !isfinite(b) || !isfinite(s))
    return lm_error(L, "range", "a, b and step must be finite");
  double q = (b - a) / s;
  double n = q < 0 ? 0 : floor(q * (1 + 4 * 0x1p-52)) + 1;
  if (!(n <= (double)GEN_MAX_N))
    return lm_error(L, "range", "%.0f values are too many (at most %lld)", n, (long long)GEN_MAX_N);
  modu_column *c = gen_new(L, MODU_FLOAT, (int64_t)n, "range");
  for (int64_t k = 0; k < (int64_t)n; k++) MODU_F64(c)[k] = a + (double)k * s;
  return 1;
}

/* modu.rep(value, n) */
static int gen_rep(lua_State *L) {
  int64_t n = gen_count(L, 2, "rep");
  modu_scalar s;
  if (lm_to_scalar(L, 1, MODU_BOOL, &s))
    return lm_error(L, "rep", "value must be a number, string, boolean, date or modu.NA, got %s", lm_typename(L, 1));
  if (s.type == MODU_STR) {
    size_t bad;
    if (!modu_utf8_valid(s.v.s.p, s.v.s.len, &bad)) return lm_error(L, "rep", "invalid UTF-8 at byte %zu", bad + 1);
  }
  modu_err e;
  lm_push_result(L, modu_col_rep(&s, n, &e), "rep", &e);
  return 1;
}

static void gen_seed(lua_State *L, int idx, modu_rng *r, const char *fn) {
  if (lua_isnoneornil(L, idx)) {
    modu_rng_seed(r, GEN_DEFAULT_SEED);
    return;
  }
  if (!lua_isinteger(L, idx)) lm_error(L, fn, "seed must be an integer, got %s", lm_typename(L, idx));
  modu_rng_seed(r, (uint64_t)lua_tointeger(L, idx));
}

static double gen_num(lua_State *L, int idx, double dflt, const char *fn, const char *what) {
  if (lua_isnoneornil(L, idx)) return dflt;
  return lm_check_num(L, idx, true, what, fn);
}

/* uniform(n, lo = 0, hi = 1, seed): lo + (hi - lo) * u, u in [0, 1) */
static int gen_uniform(lua_State *L) {
  int64_t n = gen_count(L, 1, "random.uniform");
  double lo = gen_num(L, 2, 0, "random.uniform", "lo"), hi = gen_num(L, 3, 1, "random.uniform", "hi");
  if (!(lo <= hi)) return lm_error(L, "random.uniform", "lo (%g) must not exceed hi (%g)", lo, hi);
  /* an infinite width would turn draws into inf and NaN (inf * 0) */
  if (!isfinite(hi - lo))
    return lm_error(L, "random.uniform", "hi - lo must be finite, got %g - %g", hi, lo);
  modu_rng r;
  gen_seed(L, 4, &r, "random.uniform");
  modu_column *c = gen_new(L, MODU_FLOAT, n, "random.uniform");
  for (int64_t i = 0; i < n; i++) MODU_F64(c)[i] = lo + (hi - lo) * modu_rng_uniform01(&r);
  return 1;
}

/* normal(n, mean = 0, sd = 1, seed) */
static int gen_normal(lua_State *L) {
  int64_t n = gen_count(L, 1, "random.normal");
  double mu = gen_num(L, 2, 0, "random.normal", "mean"), sd = gen_num(L, 3, 1, "random.normal", "sd");
  if (sd < 0) return lm_error(L, "random.normal", "sd must not be negative, got %g", sd);
  modu_rng r;
  gen_seed(L, 4, &r, "random.normal");
  modu_column *c = gen_new(L, MODU_FLOAT, n, "random.normal");
  for (int64_t i = 0; i < n; i++) MODU_F64(c)[i] = mu + sd * modu_rng_normal(&r);
  return 1;
}

/* integers(n, lo, hi, seed): uniform on [lo, hi], both included */
static int gen_integers(lua_State *L) {
  int64_t n = gen_count(L, 1, "random.integers");
  if (!lua_isinteger(L, 2) || !lua_isinteger(L, 3))
    return lm_error(L, "random.integers", "lo and hi must be integers, got %s and %s", lm_typename(L, 2),
                    lm_typename(L, 3));
  lua_Integer lo = lua_tointeger(L, 2), hi = lua_tointeger(L, 3);
  if (lo > hi) return lm_error(L, "random.integers", "lo (%lld) must not exceed hi (%lld)", (long long)lo, (long long)hi);
  modu_rng r;
  gen_seed(L, 4, &r, "random.integers");
  modu_column *c = gen_new(L, MODU_INT, n, "random.integers");
  for (int64_t i = 0; i < n; i++) MODU_I64(c)[i] = modu_rng_between(&r, lo, hi);
  return 1;
}

/* choice(values, n, seed): n draws with replacement from a column or an array */
static int gen_choice(lua_State *L) {
  modu_column *v = lm_test_column(L, 1);
  if (!v) {
    if (luaL_testudata(L, 1, LM_COLUMN)) return lm_error(L, "random.choice", "the column is closed");
    if (!lua_istable(L, 1))
      return lm_error(L, "random.choice", "values must be a column or an array, got %s", lm_typename(L, 1));
    v = lm_column_from_table(L, 1, -1, "random.choice");
    lua_replace(L, 1);
  }
  int64_t n = gen_count(L, 2, "random.choice");
  if (v->len == 0 && n > 0) return lm_error(L, "random.choice", "cannot draw from no values");
  modu_rng r;
  gen_seed(L, 3, &r, "random.choice");
  if ((uint64_t)n > SIZE_MAX / sizeof(int64_t))
    return lm_error(L, "random.choice", "out of memory for %lld values", (long long)n);
  int64_t *idx = lm_scratch(L, (size_t)n * sizeof *idx);
  for (int64_t i = 0; i < n; i++) idx[i] = modu_rng_between(&r, 0, v->len - 1);
  modu_err e;
  lm_push_result(L, modu_col_take(v, idx, n, &e), "random.choice", &e);
  return 1;
}

static const luaL_Reg gen_random[] = {{"uniform", gen_uniform},
                                      {"normal", gen_normal},
                                      {"integers", gen_integers},
                                      {"choice", gen_choice},
                                      {NULL, NULL}};

void lm_register_generators(lua_State *L, int mod) {
  lua_pushcfunction(L, gen_range);
  lua_setfield(L, mod, "range");
  lua_pushcfunction(L, gen_rep);
  lua_setfield(L, mod, "rep");
  lua_pushcfunction(L, lm_column_constructor);
  lua_setfield(L, mod, "column");
  lua_pushcfunction(L, lm_date_constructor);
  lua_setfield(L, mod, "date");
  lua_pushcfunction(L, lm_frame_constructor);
  lua_setfield(L, mod, "frame");
  lua_pushcfunction(L, lm_bind_rows);
  lua_setfield(L, mod, "bind_rows");
  luaL_newlib(L, gen_random);
  lua_pushinteger(L, GEN_DEFAULT_SEED);
  lua_setfield(L, -2, "default_seed");
  lua_setfield(L, mod, "random");
}
