/* modu.Date: a calendar day as a Lua value (what date columns hand out), with
 * ISO text, comparison, and day arithmetic. */
#include <string.h>

#include "lmodu.h"

typedef struct lm_datebox {
  int32_t days;
} lm_datebox;

void lm_push_date(lua_State *L, int32_t days) {
  lm_datebox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->days = days;
  luaL_setmetatable(L, LM_DATE);
}

int lm_is_date(lua_State *L, int idx, int32_t *days) {
  lm_datebox *b = luaL_testudata(L, idx, LM_DATE);
  if (b) *days = b->days;
  return b != NULL;
}

static int32_t date_check(lua_State *L, int idx, const char *fn) {
  int32_t d;
  if (!lm_is_date(L, idx, &d))
    lm_error(L, fn, "argument %d must be a modu.Date, got %s", idx, lm_typename(L, idx));
  return d;
}

/* modu.date("2017-12-29") or modu.date(2017, 12, 29) */
static int date_new(lua_State *L) {
  int32_t days;
  if (lua_type(L, 1) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    modu_err e;
    if (modu_date_parse(s, len, &days, &e)) return lm_core_error(L, "date", &e);
  } else if (lua_isinteger(L, 1) && lua_isinteger(L, 2) && lua_isinteger(L, 3)) {
    lua_Integer y = lua_tointeger(L, 1), m = lua_tointeger(L, 2), d = lua_tointeger(L, 3);
    if (m < 1 || m > 12 || d < 1 || d > 31 || !modu_date_from_ymd(y, (int)m, (int)d, &days))
      return lm_error(L, "date", "no such day: year %lld, month %lld, day %lld", (long long)y,
                      (long long)m, (long long)d);
  } else if (lm_is_date(L, 1, &days)) {
    /* already a date */
  } else {
    return lm_error(L, "date", "expected an ISO string 'YYYY-MM-DD' or year, month, day integers, got %s",
                    lm_typename(L, 1));
  }
  lm_push_date(L, days);
  return 1;
}

static int date_tostring(lua_State *L) {
  char buf[32];
  int n = modu_date_format(date_check(L, 1, "tostring"), buf, sizeof buf);
  lua_pushlstring(L, buf, (size_t)n);
  return 1;
}

static int date_part(lua_State *L, int which) {
  int64_t y;
  int m, d;
  modu_date_to_ymd(date_check(L, 1, which == 0 ? "year" : which == 1 ? "month" : "day"), &y, &m, &d);
  lua_pushinteger(L, which == 0 ? y : which == 1 ? m : d);
  return 1;
}
static int date_year(lua_State *L) { return date_part(L, 0); }
static int date_month(lua_State *L) { return date_part(L, 1); }
static int date_day(lua_State *L) { return date_part(L, 2); }

static int date_days(lua_State *L) {
  lua_pushinteger(L, date_check(L, 1, "days"));
  return 1;
}

static int date_eq(lua_State *L) {
  int32_t a, b;
  lua_pushboolean(L, lm_is_date(L, 1, &a) && lm_is_date(L, 2, &b) && a == b);
  return 1;
}
static int date_lt(lua_State *L) {
  lua_pushboolean(L, date_check(L, 1, "<") < date_check(L, 2, "<"));
  return 1;
}
static int date_le(lua_State *L) {
  lua_pushboolean(L, date_check(L, 1, "<=") <= date_check(L, 2, "<="));
  return 1;
}

/* days + k (k negated when `minus`), raising when the result is no int32 day.
 * k is tested before any arithmetic: days + k or -k could overflow int64. */
static void date_push_shifted(lua_State *L, int32_t days, lua_Integer k, bool minus, const char *fn) {
  if (k > (lua_Integer)UINT32_MAX || k < -(lua_Integer)UINT32_MAX) lm_error(L, fn, "date out of range");
  lua_Integer r = minus ? (lua_Integer)days - k : (lua_Integer)days + k;
  if (r > INT32_MAX || r < INT32_MIN) lm_error(L, fn, "date out of range");
  lm_push_date(L, (int32_t)r);
}

/* A column on either side: Lua asked the date first (it is the left operand),
 * but the answer is a column, so hand both operands to the column's operator. */
static bool date_defer_to_column(lua_State *L, const char *event) {
  int ci = luaL_testudata(L, 1, LM_COLUMN) ? 1 : luaL_testudata(L, 2, LM_COLUMN) ? 2 : 0;
  if (!ci) return false;
  if (luaL_getmetafield(L, ci, event) != LUA_TFUNCTION) { /* a user removed it: say what a date takes */
    lua_settop(L, 2);
    return false;
  }
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_call(L, 2, 1);
  return true;
}

static int date_add(lua_State *L) {
  if (date_defer_to_column(L, "__add")) return 1;
  int32_t d;
  int di = lm_is_date(L, 1, &d) ? 1 : 2, ki = 3 - di;
  d = date_check(L, di, "+");
  if (!lua_isinteger(L, ki))
    return lm_error(L, "+", "a date adds whole days (an integer), got %s", lm_typename(L, ki));
  date_push_shifted(L, d, lua_tointeger(L, ki), false, "+");
  return 1;
}

static int date_sub(lua_State *L) {
  if (date_defer_to_column(L, "__sub")) return 1;
  int32_t a = date_check(L, 1, "-"), b;
  if (lm_is_date(L, 2, &b)) {
    lua_pushinteger(L, (lua_Integer)a - b);
    return 1;
  }
  if (!lua_isinteger(L, 2))
    return lm_error(L, "-", "a date subtracts a date or whole days, got %s", lm_typename(L, 2));
  date_push_shifted(L, a, lua_tointeger(L, 2), true, "-");
  return 1;
}

static const luaL_Reg date_methods[] = {
    {"year", date_year}, {"month", date_month}, {"day", date_day}, {"days", date_days}, {NULL, NULL}};

static const luaL_Reg date_meta[] = {{"__tostring", date_tostring}, {"__eq", date_eq},
                                     {"__lt", date_lt},             {"__le", date_le},
                                     {"__add", date_add},           {"__sub", date_sub},
                                     {NULL, NULL}};

int lm_open_date(lua_State *L) {
  luaL_newmetatable(L, LM_DATE);
  luaL_setfuncs(L, date_meta, 0);
  luaL_newlib(L, date_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  return 0;
}

int lm_date_constructor(lua_State *L) { return date_new(L); }
