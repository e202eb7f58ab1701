/* luaopen_modu_core: builds the module table, and owns the helpers every
 * binding shares (errors, the NA sentinel, scalar conversion). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <utf8proc.h>

#include "group.h"
#include "lmodu.h"

static const char lm_na_key = 'N';

int lm_error(lua_State *L, const char *fn, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  lua_pushfstring(L, "%s: %s", fn, buf);
  lua_error(L);
  abort(); /* lua_error does not return */
}

int lm_core_error(lua_State *L, const char *fn, const modu_err *e) {
  lm_error(L, fn, "%s", e->msg);
}

const char *lm_typename(lua_State *L, int idx) {
  if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1); /* the name stays alive in the metatable */
    return s;
  }
  if (lm_is_na(L, idx)) return "modu.NA";
  return luaL_typename(L, idx);
}

static void *lm_check_box(lua_State *L, int idx, const char *tname, const char *fn) {
  void *box = luaL_testudata(L, idx, tname);
  if (!box && idx == 1)
    lm_error(L, fn, "self must be a %s, got %s (call it with ':')", tname, lm_typename(L, idx));
  if (!box) lm_error(L, fn, "argument %d must be a %s, got %s", idx - 1, tname, lm_typename(L, idx));
  return box;
}

modu_column *lm_check_column(lua_State *L, int idx, const char *fn) {
  lm_colbox *b = lm_check_box(L, idx, LM_COLUMN, fn);
  if (!b->c) lm_error(L, fn, "the column is closed");
  return b->c;
}

static int lm_owner_gc(lua_State *L) {
  lm_owner *o = lua_touserdata(L, 1);
  for (int i = 0; i < 2; i++) {
    free(o->p[i]);
    modu_groups_free(o->g[i]);
    o->p[i] = NULL;
    o->g[i] = NULL;
  }
  return 0;
}

lm_owner *lm_new_owner(lua_State *L) {
  lm_owner *o = lua_newuserdatauv(L, sizeof *o, 0);
  memset(o, 0, sizeof *o);
  if (luaL_newmetatable(L, "modu.Owner")) {
    lua_pushcfunction(L, lm_owner_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return o;
}

void lm_check_pair(lua_State *L, int idx, lua_Integer i, const char *what, const char *fn) {
  idx = lua_absindex(L, idx);
  if (!lua_istable(L, idx))
    lm_error(L, fn, "entry %lld must be a {name, %s} pair, got %s", (long long)i, what, lm_typename(L, idx));
  lua_Integer len = luaL_len(L, idx);
  if (len != 2)
    lm_error(L, fn, "entry %lld must be a {name, %s} pair, got a table of %lld entr%s", (long long)i, what,
             (long long)len, len == 1 ? "y" : "ies");
}

modu_column *lm_test_column(lua_State *L, int idx) {
  lm_colbox *b = luaL_testudata(L, idx, LM_COLUMN);
  return b ? b->c : NULL;
}

modu_frame *lm_check_frame(lua_State *L, int idx, const char *fn) {
  lm_framebox *b = lm_check_box(L, idx, LM_FRAME, fn);
  if (!b->f) lm_error(L, fn, "the frame is closed");
  return b->f;
}

void lm_push_column(lua_State *L, modu_column *c) {
  lm_colbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->c = c;
  luaL_setmetatable(L, LM_COLUMN);
}

void lm_push_frame(lua_State *L, modu_frame *f) {
  lm_framebox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->f = f;
  luaL_setmetatable(L, LM_FRAME);
}

void lm_push_result(lua_State *L, modu_column *c, const char *fn, const modu_err *e) {
  if (!c) lm_core_error(L, fn, e);
  lm_push_column(L, c);
}

void lm_push_na(lua_State *L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &lm_na_key); }

int lm_is_na(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TUSERDATA) return 0;
  idx = lua_absindex(L, idx);
  lm_push_na(L);
  int r = lua_rawequal(L, idx, -1);
  lua_pop(L, 1);
  return r;
}

void lm_push_value(lua_State *L, const modu_column *c, int64_t i) {
  if (modu_col_isna(c, i)) {
    lm_push_na(L);
    return;
  }
  switch (c->type) {
    case MODU_INT: lua_pushinteger(L, MODU_I64(c)[i]); break;
    case MODU_FLOAT: lua_pushnumber(L, MODU_F64(c)[i]); break;
    case MODU_BOOL: lua_pushboolean(L, MODU_U8(c)[i]); break;
    case MODU_DATE: lm_push_date(L, MODU_I32(c)[i]); break;
    case MODU_STR: {
      size_t len;
      const char *s = modu_dict_str(c->dict, MODU_I32(c)[i], &len);
      lua_pushlstring(L, s, len);
    }
  }
}

int lm_to_scalar(lua_State *L, int idx, modu_type na_type, modu_scalar *s) {
  memset(s, 0, sizeof *s);
  int32_t days;
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        s->type = MODU_INT;
        s->v.i = lua_tointeger(L, idx);
      } else {
        s->type = MODU_FLOAT;
        s->v.f = lua_tonumber(L, idx);
      }
      return 0;
    case LUA_TSTRING:
      s->type = MODU_STR;
      s->v.s.p = lua_tolstring(L, idx, &s->v.s.len);
      return 0;
    case LUA_TBOOLEAN:
      s->type = MODU_BOOL;
      s->v.b = lua_toboolean(L, idx);
      return 0;
    case LUA_TUSERDATA:
      if (lm_is_na(L, idx)) {
        s->type = na_type;
        s->na = true;
        return 0;
      }
      if (lm_is_date(L, idx, &days)) {
        s->type = MODU_DATE;
        s->v.d = days;
        return 0;
      }
      return -1;
    default: return -1;
  }
}

int lm_check_type_name(lua_State *L, int idx, const char *fn) {
  /* test the type first: lua_tostring would turn a number into a string in place */
  if (lua_type(L, idx) != LUA_TSTRING)
    lm_error(L, fn, "type must be a string, got %s (types: " MODU_TYPE_NAMES ")",
             lm_typename(L, idx));
  const char *s = lua_tostring(L, idx);
  int t = modu_type_from_name(s);
  if (t < 0) lm_error(L, fn, "unknown type '%s' (types: " MODU_TYPE_NAMES ")", s);
  return t;
}

/* ---- options ---- */

/* "a, b, c" of a NULL-ended list, each in fmt ("%s" or "\"%s\""), pushed */
static const char *lm_push_list(lua_State *L, const char *const *items, const char *fmt) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 0; items[i]; i++) {
    if (i) luaL_addstring(&b, ", ");
    lua_pushfstring(L, fmt, items[i]);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

/* what was given, for a message: the value of a number or boolean, a string
 * in quotes (when right_type: it had the right type but not a valid value),
 * else the type. Pushed. */
static const char *lm_given(lua_State *L, int idx, bool right_type) {
  idx = lua_absindex(L, idx);
  int t = lua_type(L, idx);
  if (right_type && t == LUA_TSTRING) return lua_pushfstring(L, "\"%s\"", lua_tostring(L, idx));
  if (right_type && (t == LUA_TNUMBER || t == LUA_TBOOLEAN)) return luaL_tolstring(L, idx, NULL);
  if (t == LUA_TNONE) return lua_pushstring(L, "no value");
  return lua_pushstring(L, lm_typename(L, idx));
}

int lm_opts(lua_State *L, int idx, const char *const *valid, const char *fn) {
  if (lua_isnoneornil(L, idx)) return 0;
  idx = lua_absindex(L, idx);
  if (!lua_istable(L, idx)) {
    lm_error(L, fn, "options must be a table, got %s", lm_typename(L, idx));
    return 0;
  }
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
    bool ok = false;
    if (lua_type(L, -2) == LUA_TSTRING)
      for (int i = 0; valid[i] && !ok; i++) ok = strcmp(valid[i], lua_tostring(L, -2)) == 0;
    if (!ok) { /* raising ends the traversal, so pushing more is harmless */
      const char *key = luaL_tolstring(L, -2, NULL);
      lm_error(L, fn, "unknown option '%s' (options: %s)", key, lm_push_list(L, valid, "%s"));
      return 0;
    }
  }
  return idx;
}

bool lm_check_bool(lua_State *L, int idx, const char *what, const char *fn) {
  if (!lua_isboolean(L, idx)) {
    lm_error(L, fn, "%s must be a boolean, got %s", what, lm_given(L, idx, false));
    return false;
  }
  return lua_toboolean(L, idx);
}

lua_Integer lm_check_int(lua_State *L, int idx, lua_Integer lo, lua_Integer hi, const char *what, const char *fn) {
  int ok = 0;
  lua_Integer v = lua_type(L, idx) == LUA_TNUMBER ? lua_tointegerx(L, idx, &ok) : 0;
  if (ok && v >= lo && v <= hi) return v;
  const char *given = lm_given(L, idx, lua_type(L, idx) == LUA_TNUMBER);
  if (lo == LUA_MININTEGER && hi == LUA_MAXINTEGER)
    lm_error(L, fn, "%s must be an integer, got %s", what, given);
  else if (lo == 0 && hi == LUA_MAXINTEGER)
    lm_error(L, fn, "%s must be a non-negative integer, got %s", what, given);
  else if (hi == LUA_MAXINTEGER)
    lm_error(L, fn, "%s must be an integer >= %lld, got %s", what, (long long)lo, given);
  else if (hi == lo + 1)
    lm_error(L, fn, "%s must be %lld or %lld, got %s", what, (long long)lo, (long long)hi, given);
  else
    lm_error(L, fn, "%s must be an integer from %lld to %lld, got %s", what, (long long)lo, (long long)hi, given);
  return 0;
}

double lm_check_num(lua_State *L, int idx, bool finite, const char *what, const char *fn) {
  if (lua_type(L, idx) != LUA_TNUMBER) {
    lm_error(L, fn, "%s must be a number, got %s", what, lm_given(L, idx, false));
    return 0;
  }
  double x = lua_tonumber(L, idx);
  if (finite && !isfinite(x)) {
    lm_error(L, fn, "%s must be finite, got %s", what, lm_given(L, idx, true));
    return 0;
  }
  return x;
}

int lm_check_choice(lua_State *L, int idx, const char *const *choices, const char *what, const char *fn) {
  if (lua_type(L, idx) == LUA_TSTRING)
    for (int i = 0; choices[i]; i++)
      if (strcmp(lua_tostring(L, idx), choices[i]) == 0) return i;
  const char *given = lm_given(L, idx, lua_type(L, idx) == LUA_TSTRING);
  lm_error(L, fn, "%s must be one of %s, got %s", what, lm_push_list(L, choices, "\"%s\""), given);
  return 0;
}

const char *lm_check_str(lua_State *L, int idx, const char *what, const char *fn) {
  if (lua_type(L, idx) != LUA_TSTRING) {
    lm_error(L, fn, "%s must be a string, got %s", what, lm_given(L, idx, false));
    return NULL;
  }
  return lua_tostring(L, idx);
}

/* pushes field key of the options at opts; false (nothing pushed) when there
 * are no options or the field is nil */
static bool lm_opt_get(lua_State *L, int opts, const char *key) {
  if (!opts) return false;
  if (lua_getfield(L, opts, key) != LUA_TNIL) return true;
  lua_pop(L, 1);
  return false;
}

bool lm_opt_bool(lua_State *L, int opts, const char *key, bool dflt, const char *fn) {
  if (!lm_opt_get(L, opts, key)) return dflt;
  bool v = lm_check_bool(L, -1, key, fn);
  lua_pop(L, 1);
  return v;
}

lua_Integer lm_opt_int(lua_State *L, int opts, const char *key, lua_Integer dflt, lua_Integer lo, lua_Integer hi,
                       const char *fn) {
  if (!lm_opt_get(L, opts, key)) return dflt;
  lua_Integer v = lm_check_int(L, -1, lo, hi, key, fn);
  lua_pop(L, 1);
  return v;
}

double lm_opt_num(lua_State *L, int opts, const char *key, double dflt, bool finite, const char *fn) {
  if (!lm_opt_get(L, opts, key)) return dflt;
  double v = lm_check_num(L, -1, finite, key, fn);
  lua_pop(L, 1);
  return v;
}

int lm_opt_choice(lua_State *L, int opts, const char *key, const char *const *choices, int dflt, const char *fn) {
  if (!lm_opt_get(L, opts, key)) return dflt;
  int v = lm_check_choice(L, -1, choices, key, fn);
  lua_pop(L, 1);
  return v;
}

const char *lm_opt_str(lua_State *L, int opts, const char *key, const char *dflt, const char *fn) {
  if (!lm_opt_get(L, opts, key)) return dflt;
  const char *v = lm_check_str(L, -1, key, fn);
  lua_pop(L, 1); /* v stays alive in the options table */
  return v;
}

void lm_print_opts(modu_print_opts *o) {
  modu_print_opts_default(o);
  const char *cols = getenv("COLUMNS");
  if (cols) {
    long w = strtol(cols, NULL, 10);
    if (w >= 20 && w <= 10000) o->width = (int)w;
  }
}

static int lm_na_tostring(lua_State *L) {
  lua_pushliteral(L, "NA");
  return 1;
}

static int lm_na_index(lua_State *L) {
  return lm_error(L, "modu.NA", "NA has no field '%s' (test with modu.is_na(v) or v == modu.NA)",
                  luaL_tolstring(L, 2, NULL));
}

static int lm_is_na_fn(lua_State *L) {
  lua_pushboolean(L, lm_is_na(L, 1));
  return 1;
}

/* creates the NA sentinel and stores it in the registry */
static void lm_new_na(lua_State *L) {
  lua_newuserdatauv(L, 0, 0);
  lua_createtable(L, 0, 4);
  lua_pushcfunction(L, lm_na_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushcfunction(L, lm_na_index);
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "modu.NA");
  lua_setfield(L, -2, "__name");
  lua_pushliteral(L, "NA is immutable");
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &lm_na_key);
}

int luaopen_modu_core(lua_State *L) {
  luaL_checkversion(L);
  /* NA: a unique userdata that prints as NA and refuses field access. A second
   * luaopen (the module reloaded after package.loaded was cleared, as busted
   * does between spec files) keeps the first one: values and columns made
   * before must still be recognized as NA. */
  int had_na = lua_rawgetp(L, LUA_REGISTRYINDEX, &lm_na_key) == LUA_TUSERDATA;
  lua_pop(L, 1);
  if (!had_na) lm_new_na(L);

  lua_newtable(L);
  int mod = lua_gettop(L);
  lm_push_na(L);
  lua_setfield(L, mod, "NA");
  lua_pushcfunction(L, lm_is_na_fn);
  lua_setfield(L, mod, "is_na");
  lm_open_date(L);
  lm_open_column(L);
  lua_setfield(L, mod, "Column");
  lm_open_frame(L);
  lm_open_group(L, lua_gettop(L));
  lm_open_join(L, lua_gettop(L));
  lm_open_csv(L, mod, lua_gettop(L));
  lua_setfield(L, mod, "Frame");
  lm_register_generators(L, mod);
  lm_open_sqlite(L, mod);
  lm_open_text(L, mod);
  lm_open_stats(L, mod);
  lua_pushstring(L, sqlite3_libversion());
  lua_setfield(L, mod, "sqlite_version");
  lua_pushstring(L, utf8proc_unicode_version());
  lua_setfield(L, mod, "unicode_version");
  lua_pushstring(L, utf8proc_version());
  lua_setfield(L, mod, "utf8proc_version");
  return 1;
}
