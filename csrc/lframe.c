/* modu.Frame: construction, access, the row/column verbs (select, drop, rename,
 * filter, mutate, sort, head/tail/slice/take, distinct), bind_rows and printing. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmodu.h"

/* a new frame owned by Lua (pushed) whose slots the caller fills */
static modu_frame *fr_build(lua_State *L, int ncol, int64_t nrow, const char *fn) {
  modu_frame *f = modu_frame_new(ncol, nrow);
  if (!f) lm_error(L, fn, "out of memory");
  lm_push_frame(L, f);
  return f;
}

static void fr_set(lua_State *L, modu_frame *f, int k, modu_column *c, const char *name, const char *fn) {
  if (modu_frame_set(f, k, c, name)) lm_error(L, fn, "out of memory");
}

/* sets slot k to a kernel's new column c (NULL: the kernel failed with e) */
static void fr_set_new(lua_State *L, modu_frame *f, int k, modu_column *c, const char *name, const char *fn,
                       const modu_err *e) {
  lm_push_result(L, c, fn, e); /* Lua owns c from here, so a failing set cannot leak it */
  fr_set(L, f, k, c, name, fn);
  lua_pop(L, 1);
}

/* "columns: a, b, c" for error messages, written into buf (cap >= 8) rather
 * than onto the Lua heap: a Lua allocation may run a finalizer that closes the
 * frame being listed */
static const char *fr_list(char *buf, size_t cap, const modu_frame *f) {
  size_t len = (size_t)snprintf(buf, cap, "%s", f->ncol ? "columns: " : "the frame has no columns");
  for (int k = 0; k < f->ncol; k++) {
    size_t need = strlen(f->names[k]) + 2;
    if (len + need + sizeof "…" > cap) { /* lm_error's message has a bound anyway */
      snprintf(buf + len, cap - len, "%s…", k ? ", " : "");
      break;
    }
    len += (size_t)snprintf(buf + len, cap - len, "%s%s", k ? ", " : "", f->names[k]);
  }
  return buf;
}

static int fr_find(lua_State *L, const modu_frame *f, int idx, const char *fn) {
  char list[800];
  if (lua_type(L, idx) != LUA_TSTRING)
    lm_error(L, fn, "a column name must be a string, got %s (%s)", lm_typename(L, idx),
             fr_list(list, sizeof list, f));
  const char *name = lua_tostring(L, idx);
  int k = modu_frame_find(f, name);
  if (k < 0) lm_error(L, fn, "no column '%s' (%s)", name, fr_list(list, sizeof list, f));
  return k;
}

/* names given as varargs from `from`, or as one array: pushed as one array */
static int fr_name_args(lua_State *L, int from) {
  if (lua_istable(L, from) && lua_gettop(L) == from) {
    lua_pushvalue(L, from);
  } else {
    int top = lua_gettop(L);
    lua_createtable(L, top - from + 1, 0);
    for (int i = from; i <= top; i++) {
      lua_pushvalue(L, i);
      lua_rawseti(L, -2, i - from + 1);
    }
  }
  return lua_gettop(L);
}

static void fr_check_name(lua_State *L, int idx, const char *fn) {
  if (lua_type(L, idx) != LUA_TSTRING)
    lm_error(L, fn, "column names must be strings, got %s", lm_typename(L, idx));
  size_t len, bad = 0;
  const char *s = lua_tolstring(L, idx, &len);
  if (len == 0) lm_error(L, fn, "column names must not be empty");
  /* the core keeps names as C strings: a NUL would silently cut the name */
  if (strlen(s) != len) lm_error(L, fn, "column names must not contain NUL bytes (byte %zu)", strlen(s) + 1);
  if (!modu_utf8_valid(s, len, &bad)) lm_error(L, fn, "column name is not valid UTF-8 text (byte %zu)", bad + 1);
}

static int fr_cmp_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts the n names in the array at idx by byte order. table.sort would
 * compare with strcoll, so the column order would follow the host's locale.
 * The sorted names go into a new table that replaces idx, so every string
 * stays anchored in the old one while the pointers are in use. */
static void fr_sort_names(lua_State *L, int idx, int n) {
  idx = lua_absindex(L, idx);
  const char **v = lm_scratch(L, (size_t)n * sizeof *v);
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, idx, i + 1);
    v[i] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  qsort(v, (size_t)n, sizeof *v, fr_cmp_name);
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushstring(L, v[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_replace(L, idx);
  lua_pop(L, 1); /* the scratch buffer */
}

/* a table that mixes {name, values} pairs with name = values keys is an
 * error: whichever form we picked, the other half would be dropped silently */
static void fr_check_pairs_only(lua_State *L, int idx, lua_Integer m, const char *fn) {
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
    if (lua_isinteger(L, -2)) {
      lua_Integer i = lua_tointeger(L, -2);
      if (i >= 1 && i <= m) continue;
    }
    const char *q = lua_type(L, -2) == LUA_TSTRING ? "'" : "";
    lm_error(L, fn, "key %s%s%s mixes the two forms (use an array of {name, values} pairs, or a table keyed "
             "by name)", q, luaL_tolstring(L, -2, NULL), q);
  }
}

/* Like lm_as_column, but a Lua array's type errors name the column too. Leaves
 * the column (owned by Lua) on top of the stack. */
static modu_column *fr_as_column(lua_State *L, int idx, int64_t nrow, const char *fn, const char *name) {
  idx = lua_absindex(L, idx);
  if (luaL_testudata(L, idx, LM_COLUMN)) lm_check_column(L, idx, fn); /* a closed column says so */
  int top = lua_gettop(L);
  lua_pushfstring(L, "column '%s'", name); /* top+1: what lm_as_column's messages call it */
  if (lua_istable(L, idx)) {
    lua_pushfstring(L, "%s: column '%s'", fn, name); /* top+2 */
    lm_column_from_table(L, idx, -1, lua_tostring(L, -1)); /* top+3 */
    idx = top + 3;
  }
  modu_column *c = lm_as_column(L, idx, nrow, fn, lua_tostring(L, top + 1));
  lua_replace(L, top + 1);
  lua_settop(L, top + 1);
  return c;
}

/* A private copy of the frame at idx (its column list, not its data), owned by
 * Lua (pushed). Lua code can run in the middle of a verb -- a filter or mutate
 * function, the metamethods of an argument table, and a finalizer (__gc) at
 * any allocation -- and that code may close the frame, freeing its column
 * list. Verbs that allocate while they read a frame read this copy instead.
 * The box is allocated before the frame is looked at, and the copy is made
 * with plain C allocations, so no Lua code can run in between. */
modu_frame *lm_pin_frame(lua_State *L, int idx, const char *fn) {
  idx = lua_absindex(L, idx);
  lm_framebox *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->f = NULL;
  luaL_setmetatable(L, LM_FRAME);
  const modu_frame *f = lm_check_frame(L, idx, fn);
  modu_frame *p = modu_frame_new(f->ncol, f->nrow);
  if (!p) lm_error(L, fn, "out of memory");
  box->f = p; /* owned from here, even half filled */
  for (int k = 0; k < f->ncol; k++)
    if (modu_frame_set(p, k, f->cols[k], f->names[k])) lm_error(L, fn, "out of memory");
  return p;
}

modu_frame *lm_pin_arg(lua_State *L, int idx, const char *fn) {
  modu_frame *f = lm_pin_frame(L, idx, fn);
  lua_replace(L, idx);
  return f;
}

/* ---- construction ---- */

/* modu.frame(columns [, names]) */
static int fr_new(lua_State *L) {
  const char *fn = "frame";
  if (!lua_istable(L, 1)) return lm_error(L, fn, "expected a table of columns, got %s", lm_typename(L, 1));
  if (!lua_isnoneornil(L, 2) && !lua_istable(L, 2))
    return lm_error(L, fn, "names must be an array of strings, got %s", lm_typename(L, 2));
  lua_settop(L, 2);
  lua_newtable(L); /* 3: names */
  lua_newtable(L); /* 4: values */
  int n = 0;
  lua_rawgeti(L, 1, 1);
  bool pairs_form = lua_istable(L, -1) && !lm_test_column(L, -1);
  lua_pop(L, 1);
  if (pairs_form) {
    if (lua_istable(L, 2))
      lm_error(L, fn, "names is for a table keyed by name; an array of {name, values} pairs is already in order");
    lua_Integer m = luaL_len(L, 1);
    fr_check_pairs_only(L, 1, m, fn);
    for (lua_Integer i = 1; i <= m; i++) {
      lua_geti(L, 1, i);
      if (!lua_istable(L, -1))
        lm_error(L, fn, "entry %lld must be a {name, values} pair, got %s", (long long)i, lm_typename(L, -1));
      lua_geti(L, -1, 1);
      fr_check_name(L, -1, fn);
      lua_rawseti(L, 3, ++n);
      lua_geti(L, -1, 2);
      if (lua_isnil(L, -1)) lm_error(L, fn, "entry %lld has no values", (long long)i);
      lua_rawseti(L, 4, n);
      lua_pop(L, 1);
    }
  } else {
    if (lua_istable(L, 2)) {
      lua_Integer m = luaL_len(L, 2);
      for (lua_Integer i = 1; i <= m; i++) {
        lua_geti(L, 2, i);
        fr_check_name(L, -1, fn);
        lua_pushvalue(L, -1);
        lua_rawseti(L, 3, ++n);
        if (lua_rawget(L, 1) == LUA_TNIL) {
          lua_rawgeti(L, 3, n); /* rawget replaced the name with the (nil) value */
          lm_error(L, fn, "names lists '%s' but the table has no such column", lua_tostring(L, -1));
        }
        lua_rawseti(L, 4, n);
      }
      for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1)) {
        bool listed = false;
        for (int i = 1; i <= n && !listed; i++) {
          lua_rawgeti(L, 3, i);
          listed = lua_rawequal(L, -1, -3);
          lua_pop(L, 1);
        }
        if (!listed)
          lm_error(L, fn, "column '%s' is not in names (list every column, or leave names out)",
                   luaL_tolstring(L, -2, NULL));
      }
    } else {
      /* keyed form without names: sorted by name, so the order is reproducible */
      for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1)) {
        fr_check_name(L, -2, fn);
        lua_pushvalue(L, -2);
        lua_rawseti(L, 3, ++n);
      }
      fr_sort_names(L, 3, n);
      for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, 3, i);
        lua_rawget(L, 1);
        lua_rawseti(L, 4, i);
      }
    }
  }
  /* the row count comes from the first column-like value; single values repeat */
  int64_t nrow = -1;
  for (int i = 1; i <= n && nrow < 0; i++) {
    lua_rawgeti(L, 4, i);
    modu_column *c = lm_test_column(L, -1);
    if (c) nrow = c->len;
    else if (lua_istable(L, -1)) nrow = (int64_t)luaL_len(L, -1);
    lua_pop(L, 1);
  }
  if (nrow < 0) nrow = n ? 1 : 0;
  modu_frame *f = fr_build(L, n, nrow, fn); /* 5 */
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, 3, i);
    const char *name = lua_tostring(L, -1);
    if (modu_frame_find(f, name) >= 0) lm_error(L, fn, "duplicate column name '%s'", name);
    lua_rawgeti(L, 4, i);
    modu_column *c = fr_as_column(L, -1, nrow, fn, name);
    fr_set(L, f, i - 1, c, name, fn);
    lua_pop(L, 3);
  }
  return 1;
}

/* ---- access ---- */

static int fr_len(lua_State *L) {
  lua_pushinteger(L, lm_check_frame(L, 1, "len")->nrow);
  return 1;
}

static int fr_ncol(lua_State *L) {
  lua_pushinteger(L, lm_check_frame(L, 1, "ncol")->ncol);
  return 1;
}

static int fr_names(lua_State *L) {
  lm_check_frame(L, 1, "names"); /* before settop, so that a missing self is "no value" */
  lua_settop(L, 1);
  modu_frame *f = lm_pin_frame(L, 1, "names");
  lua_createtable(L, f->ncol, 0);
  for (int k = 0; k < f->ncol; k++) {
    lua_pushstring(L, f->names[k]);
    lua_rawseti(L, -2, k + 1);
  }
  return 1;
}

static int fr_types(lua_State *L) {
  lm_check_frame(L, 1, "types"); /* before settop, so that a missing self is "no value" */
  lua_settop(L, 1);
  modu_frame *f = lm_pin_frame(L, 1, "types");
  lua_createtable(L, f->ncol, 0);
  for (int k = 0; k < f->ncol; k++) {
    lua_pushstring(L, modu_type_name(f->cols[k]->type));
    lua_rawseti(L, -2, k + 1);
  }
  return 1;
}

static int fr_col(lua_State *L) {
  modu_frame *f = lm_check_frame(L, 1, "col");
  int k = fr_find(L, f, 2, "col");
  lm_push_column(L, modu_col_ref(f->cols[k]));
  return 1;
}

static void fr_push_row(lua_State *L, const modu_frame *f, int64_t i) {
  lua_createtable(L, 0, f->ncol);
  for (int k = 0; k < f->ncol; k++) {
    lm_push_value(L, f->cols[k], i);
    lua_setfield(L, -2, f->names[k]);
  }
}

static int64_t fr_row_index(lua_State *L, const modu_frame *f, int idx, const char *fn) {
  int ok;
  lua_Integer i = lua_tointegerx(L, idx, &ok);
  if (!ok) lm_error(L, fn, "row index must be an integer, got %s", lm_typename(L, idx));
  if (i < 1 || i > f->nrow)
    lm_error(L, fn, "row %lld is out of range (the frame has %lld rows)", (long long)i, (long long)f->nrow);
  return i - 1;
}

static int fr_row(lua_State *L) {
  int64_t i = fr_row_index(L, lm_check_frame(L, 1, "row"), 2, "row");
  lua_settop(L, 2);
  fr_push_row(L, lm_pin_frame(L, 1, "row"), i);
  return 1;
}

static int fr_to_rows(lua_State *L) {
  lm_check_frame(L, 1, "to_rows"); /* before settop, so that a missing self is "no value" */
  lua_settop(L, 1);
  modu_frame *f = lm_pin_frame(L, 1, "to_rows");
  lua_createtable(L, (int)(f->nrow < INT32_MAX ? f->nrow : INT32_MAX), 0);
  for (int64_t i = 0; i < f->nrow; i++) {
    fr_push_row(L, f, i);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

static int fr_to_columns(lua_State *L) {
  lm_check_frame(L, 1, "to_columns"); /* before settop, so that a missing self is "no value" */
  lua_settop(L, 1);
  modu_frame *f = lm_pin_frame(L, 1, "to_columns");
  lua_createtable(L, 0, f->ncol);
  lua_getfield(L, lua_upvalueindex(1), "to_table");
  for (int k = 0; k < f->ncol; k++) {
    lua_pushvalue(L, -1);
    lm_push_column(L, modu_col_ref(f->cols[k]));
    lua_call(L, 1, 1);
    lua_setfield(L, -3, f->names[k]);
  }
  lua_pop(L, 1);
  return 1;
}

static int fr_equals(lua_State *L) {
  modu_frame *a = lm_check_frame(L, 1, "equals"), *b = lm_check_frame(L, 2, "equals");
  bool eq = a->ncol == b->ncol && a->nrow == b->nrow;
  for (int k = 0; eq && k < a->ncol; k++)
    eq = strcmp(a->names[k], b->names[k]) == 0 && modu_col_equals(a->cols[k], b->cols[k]);
  lua_pushboolean(L, eq);
  return 1;
}

/* ---- column verbs ---- */

static int fr_select(lua_State *L) {
  lm_check_frame(L, 1, "select");
  int names = fr_name_args(L, 2);
  modu_frame *f = lm_pin_frame(L, 1, "select");
  lua_Integer n = (lua_Integer)lua_rawlen(L, names);
  modu_frame *r = fr_build(L, (int)n, f->nrow, "select");
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, names, i);
    int k = fr_find(L, f, -1, "select");
    if (modu_frame_find(r, f->names[k]) >= 0) lm_error(L, "select", "column '%s' is selected twice", f->names[k]);
    fr_set(L, r, (int)i - 1, f->cols[k], f->names[k], "select");
    lua_pop(L, 1);
  }
  return 1;
}

static int fr_drop(lua_State *L) {
  lm_check_frame(L, 1, "drop");
  int names = fr_name_args(L, 2);
  modu_frame *f = lm_pin_frame(L, 1, "drop");
  lua_Integer n = (lua_Integer)lua_rawlen(L, names);
  bool *gone = lm_scratch(L, (size_t)f->ncol);
  memset(gone, 0, (size_t)f->ncol);
  int left = f->ncol;
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, names, i);
    int k = fr_find(L, f, -1, "drop");
    left -= !gone[k];
    gone[k] = true;
    lua_pop(L, 1);
  }
  modu_frame *r = fr_build(L, left, f->nrow, "drop");
  for (int k = 0, j = 0; k < f->ncol; k++)
    if (!gone[k]) fr_set(L, r, j++, f->cols[k], f->names[k], "drop");
  return 1;
}

static int fr_rename(lua_State *L) {
  lm_check_frame(L, 1, "rename");
  if (!lua_istable(L, 2)) return lm_error(L, "rename", "expected a table { old = \"new\" }, got %s", lm_typename(L, 2));
  lua_settop(L, 2);
  modu_frame *f = lm_pin_frame(L, 1, "rename"); /* 3 */
  lua_createtable(L, f->ncol, 0); /* 4: new name per position */
  for (lua_pushnil(L); lua_next(L, 2); lua_pop(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      const char *t = lm_typename(L, -2); /* read before luaL_tolstring pushes */
      lm_error(L, "rename", "keys must be old column names, as in { old = \"new\" }, got the %s key %s", t,
               luaL_tolstring(L, -2, NULL));
    }
    int k = fr_find(L, f, -2, "rename");
    fr_check_name(L, -1, "rename");
    lua_pushvalue(L, -1);
    lua_rawseti(L, 4, k + 1);
  }
  modu_frame *r = fr_build(L, f->ncol, f->nrow, "rename");
  for (int k = 0; k < f->ncol; k++) {
    const char *name = lua_rawgeti(L, 4, k + 1) == LUA_TSTRING ? lua_tostring(L, -1) : f->names[k];
    if (modu_frame_find(r, name) >= 0)
      lm_error(L, "rename", "two columns would be named '%s'", name);
    fr_set(L, r, k, f->cols[k], name, "rename");
    lua_pop(L, 1);
  }
  return 1;
}

/* ---- row verbs ---- */

/* frame of rows idx[0..n) of f (idx < 0 gives NA rows) */
static modu_frame *fr_take_rows(lua_State *L, const modu_frame *f, const int64_t *idx, int64_t n, const char *fn) {
  modu_frame *r = fr_build(L, f->ncol, n, fn);
  for (int k = 0; k < f->ncol; k++) {
    modu_err e;
    fr_set_new(L, r, k, modu_col_take(f->cols[k], idx, n, &e), f->names[k], fn, &e);
  }
  return r;
}

static modu_frame *fr_slice_rows(lua_State *L, const modu_frame *f, int64_t start, int64_t n, const char *fn) {
  if (start == 0 && n == f->nrow) { /* nothing to cut: share every column */
    modu_frame *r = fr_build(L, f->ncol, n, fn);
    for (int k = 0; k < f->ncol; k++) fr_set(L, r, k, f->cols[k], f->names[k], fn);
    return r;
  }
  /* positions past the end give no rows; the kernel must not be handed a
   * start beyond the data even for a zero-length copy */
  if (n == 0) start = 0;
  modu_frame *r = fr_build(L, f->ncol, n, fn);
  for (int k = 0; k < f->ncol; k++) {
    modu_err e;
    fr_set_new(L, r, k, modu_col_slice(f->cols[k], start, n, &e), f->names[k], fn, &e);
  }
  return r;
}

static int fr_filter(lua_State *L) {
  lm_check_frame(L, 1, "filter");
  lua_settop(L, 2);
  modu_frame *f = lm_pin_frame(L, 1, "filter"); /* the function or the mask's metamethods may close self */
  int64_t *idx = lm_scratch(L, (size_t)f->nrow * sizeof *idx);
  int64_t m = 0;
  if (lua_isfunction(L, 2)) {
    for (int64_t i = 0; i < f->nrow; i++) {
      lua_pushvalue(L, 2);
      fr_push_row(L, f, i);
      lua_call(L, 1, 1);
      if (lua_type(L, -1) == LUA_TBOOLEAN) {
        if (lua_toboolean(L, -1)) idx[m++] = i;
      } else if (!lua_isnil(L, -1) && !lm_is_na(L, -1)) {
        lm_error(L, "filter", "the function returned %s for row %lld (expected a boolean, nil or modu.NA)",
                 lm_typename(L, -1), (long long)i + 1);
      }
      lua_pop(L, 1);
    }
  } else {
    if (luaL_testudata(L, 2, LM_COLUMN)) lm_check_column(L, 2, "filter"); /* closed: say so */
    modu_column *c = lm_test_column(L, 2);
    if (!c && !lua_istable(L, 2))
      return lm_error(L, "filter", "expected a bool column or a function of the row, got %s", lm_typename(L, 2));
    c = lm_as_column(L, 2, f->nrow, "filter", "the mask");
    if (c->type != MODU_BOOL)
      return lm_error(L, "filter", "the mask must be a bool column, got %s (compare with :eq, :gt, ...)",
                      modu_type_name(c->type));
    for (int64_t i = 0; i < f->nrow; i++)
      if (MODU_U8(c)[i] && !modu_col_isna(c, i)) idx[m++] = i; /* NA drops the row, as in dplyr */
  }
  if (m == f->nrow) fr_slice_rows(L, f, 0, m, "filter");
  else fr_take_rows(L, f, idx, m, "filter");
  return 1;
}

static int fr_head_tail(lua_State *L, bool head) {
  const char *fn = head ? "head" : "tail";
  lm_check_frame(L, 1, fn);
  int ok = 1;
  lua_Integer n = lua_isnoneornil(L, 2) ? 5 : lua_tointegerx(L, 2, &ok);
  if (!ok && lua_type(L, 2) == LUA_TNUMBER)
    return lm_error(L, fn, "n must be an integer, got %s", luaL_tolstring(L, 2, NULL));
  if (!ok) return lm_error(L, fn, "n must be an integer, got %s", lm_typename(L, 2));
  lua_settop(L, 2);
  modu_frame *f = lm_pin_frame(L, 1, fn);
  /* a negative n keeps all but |n| rows, as in R */
  if (n < 0) n = f->nrow + n > 0 ? f->nrow + n : 0;
  if (n > f->nrow) n = f->nrow;
  fr_slice_rows(L, f, head ? 0 : f->nrow - n, n, fn);
  return 1;
}
static int fr_head(lua_State *L) { return fr_head_tail(L, true); }
static int fr_tail(lua_State *L) { return fr_head_tail(L, false); }

/* slice(i [, j]): rows i..j inclusive; negative positions count from the end, as string.sub */
static int fr_slice(lua_State *L) {
  lm_check_frame(L, 1, "slice");
  int ok1, ok2 = 1;
  lua_Integer i = lua_tointegerx(L, 2, &ok1);
  lua_Integer j = lua_isnoneornil(L, 3) ? -1 : lua_tointegerx(L, 3, &ok2);
  if (!ok1 || !ok2) return lm_error(L, "slice", "positions must be integers, got %s and %s", lm_typename(L, 2), lm_typename(L, 3));
  lua_settop(L, 3);
  modu_frame *f = lm_pin_frame(L, 1, "slice");
  if (i < 0) i = f->nrow + i + 1;
  if (j < 0) j = f->nrow + j + 1;
  if (i < 1) i = 1;
  if (j > f->nrow) j = f->nrow;
  fr_slice_rows(L, f, i - 1, j >= i ? j - i + 1 : 0, "slice");
  return 1;
}

static int fr_take(lua_State *L) {
  lm_check_frame(L, 1, "take");
  lua_settop(L, 2);
  modu_frame *f = lm_pin_frame(L, 1, "take"); /* an index table's metamethods may close self */
  if (luaL_testudata(L, 2, LM_COLUMN)) lm_check_column(L, 2, "take"); /* closed: say so */
  modu_column *c = lm_test_column(L, 2);
  if (!c && !lua_istable(L, 2))
    return lm_error(L, "take", "expected an array or int column of row numbers, got %s", lm_typename(L, 2));
  c = lm_as_column(L, 2, -1, "take", "indices");
  if (c->type != MODU_INT && !(c->type == MODU_BOOL && c->len == 0))
    return lm_error(L, "take", "row numbers must be integers, got a %s column", modu_type_name(c->type));
  int64_t *idx = lm_scratch(L, (size_t)c->len * sizeof *idx);
  for (int64_t k = 0; k < c->len; k++) {
    if (modu_col_isna(c, k)) {
      idx[k] = -1;
      continue;
    }
    int64_t i = MODU_I64(c)[k];
    if (i < 1 || i > f->nrow)
      return lm_error(L, "take", "row %lld (position %lld) is out of range 1..%lld", (long long)i,
                      (long long)k + 1, (long long)f->nrow);
    idx[k] = i - 1;
  }
  fr_take_rows(L, f, idx, c->len, "take");
  return 1;
}

/* sort(key, ...): key is a name or { name, desc = true } */
static int fr_sort(lua_State *L) {
  lm_check_frame(L, 1, "sort");
  int nkeys = lua_gettop(L) - 1;
  modu_frame *f = lm_pin_frame(L, 1, "sort");
  char list[800];
  if (nkeys == 0) return lm_error(L, "sort", "name at least one key column (%s)", fr_list(list, sizeof list, f));
  modu_column **keys = lm_scratch(L, (size_t)nkeys * sizeof *keys);
  bool *desc = lm_scratch(L, (size_t)nkeys * sizeof *desc);
  for (int k = 0; k < nkeys; k++) {
    int arg = k + 2;
    desc[k] = false;
    if (lua_istable(L, arg)) {
      /* { name, desc = true } is one key: a second name would be ignored */
      if (lua_rawgeti(L, arg, 2) != LUA_TNIL)
        lm_error(L, "sort", "key %d names more than one column: pass each key as its own argument, "
                 "as sort(\"a\", { \"b\", desc = true })", k + 1);
      lua_pop(L, 1);
      lua_pushliteral(L, "desc");
      if (lua_rawget(L, arg) != LUA_TNIL) {
        if (!lua_isboolean(L, -1)) lm_error(L, "sort", "desc must be a boolean, got %s", lm_typename(L, -1));
        desc[k] = lua_toboolean(L, -1);
      }
      lua_rawgeti(L, arg, 1);
      keys[k] = f->cols[fr_find(L, f, -1, "sort")];
      lua_pop(L, 2);
    } else {
      keys[k] = f->cols[fr_find(L, f, arg, "sort")];
    }
  }
  int64_t *perm = lm_scratch(L, (size_t)f->nrow * sizeof *perm);
  modu_err e;
  if (modu_sort_perm(keys, desc, nkeys, f->nrow, perm, &e)) return lm_core_error(L, "sort", &e);
  fr_take_rows(L, f, perm, f->nrow, "sort");
  return 1;
}

/* distinct(key, ... [, { keep_all = true }]): like dplyr, only the keys unless keep_all */
static int fr_distinct(lua_State *L) {
  lm_check_frame(L, 1, "distinct");
  bool keep_all = false;
  int top = lua_gettop(L);
  modu_frame *f = lm_pin_frame(L, 1, "distinct");
  if (top >= 2 && lua_istable(L, top)) {
    lua_pushliteral(L, "keep_all");
    lua_rawget(L, top);
    keep_all = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_rawgeti(L, top, 1);
    if (!lua_isnil(L, -1)) lm_error(L, "distinct", "pass key names as arguments, options as a table last");
    lua_pop(L, 1); /* the pinned copy above stays: f lives in it */
    top--;
  }
  int nkeys = top - 1;
  bool all = nkeys == 0;
  if (all) nkeys = f->ncol;
  modu_column **keys = lm_scratch(L, (size_t)nkeys * sizeof *keys);
  int *pos = lm_scratch(L, (size_t)nkeys * sizeof *pos);
  for (int k = 0; k < nkeys; k++) {
    pos[k] = all ? k : fr_find(L, f, k + 2, "distinct");
    keys[k] = f->cols[pos[k]];
  }
  int64_t *idx = lm_scratch(L, (size_t)f->nrow * sizeof *idx), m;
  modu_err e;
  if (modu_distinct_rows(keys, nkeys, f->nrow, idx, &m, &e)) return lm_core_error(L, "distinct", &e);
  modu_frame *rows = fr_take_rows(L, f, idx, m, "distinct");
  if (keep_all || all) return 1;
  modu_frame *r = fr_build(L, nkeys, m, "distinct");
  for (int k = 0; k < nkeys; k++) {
    if (modu_frame_find(r, f->names[pos[k]]) >= 0) lm_error(L, "distinct", "key '%s' is named twice", f->names[pos[k]]);
    fr_set(L, r, k, rows->cols[pos[k]], f->names[pos[k]], "distinct");
  }
  return 1;
}

/* mutate{ name = column | array | value | function(row) }: new names are
 * appended (sorted, or in the order of an array of {name, value} pairs) and
 * existing names are replaced in place; every value sees the original frame */
static int fr_mutate(lua_State *L) {
  lm_check_frame(L, 1, "mutate");
  if (!lua_istable(L, 2)) return lm_error(L, "mutate", "expected a table { name = value }, got %s", lm_typename(L, 2));
  lua_settop(L, 2);
  modu_frame *f = lm_pin_frame(L, 1, "mutate"); /* 3: a function of the row may close self */
  const int names = 4, values = 5, cols = 6;
  lua_newtable(L); /* names */
  lua_newtable(L); /* values */
  int n = 0;
  lua_rawgeti(L, 2, 1);
  bool pairs_form = !lua_isnil(L, -1);
  lua_pop(L, 1);
  if (pairs_form) {
    lua_Integer m = luaL_len(L, 2);
    fr_check_pairs_only(L, 2, m, "mutate");
    for (lua_Integer i = 1; i <= m; i++) {
      lua_geti(L, 2, i);
      lm_check_pair(L, -1, i, "value", "mutate");
      lua_geti(L, -1, 1);
      fr_check_name(L, -1, "mutate");
      lua_rawseti(L, names, ++n);
      lua_geti(L, -1, 2);
      lua_rawseti(L, values, n);
      lua_pop(L, 1);
    }
  } else {
    for (lua_pushnil(L); lua_next(L, 2); lua_pop(L, 1)) {
      fr_check_name(L, -2, "mutate");
      lua_pushvalue(L, -2);
      lua_rawseti(L, names, ++n);
    }
    fr_sort_names(L, names, n);
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, names, i);
      lua_rawget(L, 2);
      lua_rawseti(L, values, i);
    }
  }
  /* a name given twice would have one value win silently */
  lua_newtable(L);
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, names, i);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, -3) != LUA_TNIL) lm_error(L, "mutate", "column '%s' is given twice", lua_tostring(L, -2));
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
  }
  lua_pop(L, 1);
  /* evaluate every value into a column (cols: the columns, by position) */
  lua_createtable(L, n, 0);
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, names, i);
    const char *name = lua_tostring(L, -1);
    lua_rawgeti(L, values, i);
    if (lua_isfunction(L, -1)) {
      lua_createtable(L, (int)(f->nrow < INT32_MAX ? f->nrow : INT32_MAX), 0);
      for (int64_t r = 0; r < f->nrow; r++) {
        lua_pushvalue(L, -2);
        fr_push_row(L, f, r);
        lua_call(L, 1, 1);
        if (lua_isnil(L, -1)) {
          lua_pop(L, 1);
          lm_push_na(L);
        }
        lua_rawseti(L, -2, r + 1);
      }
      lua_replace(L, -2);
    }
    fr_as_column(L, -1, f->nrow, "mutate", name);
    lua_rawseti(L, cols, i);
    lua_pop(L, 2);
  }
  int added = 0;
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, names, i);
    added += modu_frame_find(f, lua_tostring(L, -1)) < 0;
    lua_pop(L, 1);
  }
  modu_frame *r = fr_build(L, f->ncol + added, f->nrow, "mutate");
  for (int k = 0; k < f->ncol; k++) fr_set(L, r, k, f->cols[k], f->names[k], "mutate");
  int next = f->ncol;
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, names, i);
    const char *name = lua_tostring(L, -1);
    lua_rawgeti(L, cols, i);
    modu_column *c = lm_test_column(L, -1);
    int k = modu_frame_find(r, name);
    fr_set(L, r, k >= 0 ? k : next++, c, name, "mutate");
    lua_pop(L, 2);
  }
  return 1;
}

/* bind_rows(a, b, ...) or bind_rows{a, b, ...}: columns matched by name, in order
 * of first appearance; a column a frame lacks is NA there, as in dplyr */
static int fr_bind_rows(lua_State *L) {
  int nf = lua_gettop(L), base = 1;
  /* every frame and its pin go on the stack, which holds only LUA_MINSTACK
   * slots unless grown */
  if (nf == 1 && lua_istable(L, 1)) {
    lua_Integer m = luaL_len(L, 1);
    if (m > INT_MAX / 2 - 64 || !lua_checkstack(L, 2 * (int)m + 16))
      return lm_error(L, "bind_rows", "too many frames (%lld)", (long long)m);
    for (lua_Integer i = 1; i <= m; i++) lua_geti(L, 1, i);
    base = 2;
    nf = (int)m;
  } else if (!lua_checkstack(L, nf + 16)) {
    return lm_error(L, "bind_rows", "too many frames (%d)", nf);
  }
  if (nf == 0) return lm_error(L, "bind_rows", "expected at least one frame");
  for (int i = 0; i < nf; i++)
    if (!luaL_testudata(L, base + i, LM_FRAME))
      lm_error(L, "bind_rows", "argument %d must be a modu.Frame, got %s", i + 1, lm_typename(L, base + i));
  modu_frame **fs = lm_scratch(L, (size_t)nf * sizeof *fs);
  int64_t total = 0;
  for (int i = 0; i < nf; i++) {
    fs[i] = lm_pin_frame(L, base + i, "bind_rows");
    total += fs[i]->nrow;
  }
  lua_newtable(L); /* names in order of first appearance */
  int names = lua_gettop(L), ncol = 0;
  lua_newtable(L);
  int seen = lua_gettop(L);
  for (int i = 0; i < nf; i++)
    for (int k = 0; k < fs[i]->ncol; k++)
      if (lua_getfield(L, seen, fs[i]->names[k]) == LUA_TNIL) {
        lua_pushboolean(L, 1);
        lua_setfield(L, seen, fs[i]->names[k]);
        lua_pushstring(L, fs[i]->names[k]);
        lua_rawseti(L, names, ++ncol);
        lua_pop(L, 1);
      } else {
        lua_pop(L, 1);
      }
  modu_column **parts = lm_scratch(L, (size_t)nf * sizeof *parts);
  int64_t *lens = lm_scratch(L, (size_t)nf * sizeof *lens);
  modu_frame *r = fr_build(L, ncol, total, "bind_rows");
  for (int k = 0; k < ncol; k++) {
    lua_rawgeti(L, names, k + 1);
    const char *name = lua_tostring(L, -1);
    for (int i = 0; i < nf; i++) {
      int j = modu_frame_find(fs[i], name);
      parts[i] = j >= 0 ? fs[i]->cols[j] : NULL;
      lens[i] = fs[i]->nrow;
    }
    char what[300];
    snprintf(what, sizeof what, "column '%s'", name);
    modu_err e;
    fr_set_new(L, r, k, modu_col_concat(parts, lens, nf, what, &e), name, "bind_rows", &e);
    lua_pop(L, 1);
  }
  return 1;
}

/* ---- metamethods ---- */

static int fr_tostring(lua_State *L) {
  modu_frame *f = lm_check_frame(L, 1, "tostring");
  modu_print_opts o;
  lm_print_opts(&o);
  char *s = modu_format_frame(f, &o);
  if (!s) return lm_error(L, "tostring", "out of memory");
  lua_pushstring(L, s);
  free(s);
  return 1;
}

static int fr_close(lua_State *L) {
  lm_framebox *b = luaL_testudata(L, 1, LM_FRAME);
  if (!b) return lm_error(L, "close", "self must be a %s, got %s (call it with ':')", LM_FRAME, lm_typename(L, 1));
  modu_frame_free(b->f);
  b->f = NULL;
  return 0;
}

/* df.name: a method when one has that name, else the column */
static int fr_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  modu_frame *f = lm_check_frame(L, 1, "index");
  if (lua_type(L, 2) != LUA_TSTRING) return 0;
  int k = fr_find(L, f, 2, "index");
  lm_push_column(L, modu_col_ref(f->cols[k]));
  return 1;
}

static int fr_newindex(lua_State *L) {
  return lm_error(L, "frame", "frames are immutable: use df:mutate{ %s = ... } to get a new frame",
                  lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "name");
}

static const luaL_Reg fr_methods[] = {
    {"ncol", fr_ncol},       {"names", fr_names},     {"types", fr_types},     {"col", fr_col},
    {"row", fr_row},         {"to_rows", fr_to_rows}, {"equals", fr_equals},   {"select", fr_select},
    {"drop", fr_drop},       {"rename", fr_rename},   {"filter", fr_filter},   {"mutate", fr_mutate},
    {"sort", fr_sort},       {"head", fr_head},       {"tail", fr_tail},       {"slice", fr_slice},
    {"take", fr_take},       {"distinct", fr_distinct}, {"nrow", fr_len},     {"close", fr_close},
    {NULL, NULL}};

static const luaL_Reg fr_meta[] = {{"__len", fr_len},     {"__tostring", fr_tostring}, {"__gc", fr_close},
                                   {"__close", fr_close}, {"__newindex", fr_newindex}, {NULL, NULL}};

int lm_open_frame(lua_State *L) {
  /* expects the Column method table on top of the stack one below: see modu.c */
  luaL_newmetatable(L, LM_FRAME);
  luaL_setfuncs(L, fr_meta, 0);
  luaL_newlib(L, fr_methods);
  luaL_getmetatable(L, LM_COLUMN);
  lua_getfield(L, -1, "__index"); /* the column __index closure: its upvalue is the method table */
  lua_getupvalue(L, -1, 1);
  lua_pushcclosure(L, fr_to_columns, 1);
  lua_setfield(L, -4, "to_columns");
  lua_pop(L, 2);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, fr_index, 1);
  lua_setfield(L, -3, "__index");
  lua_remove(L, -2);
  return 1;
}

int lm_frame_constructor(lua_State *L) { return fr_new(L); }
int lm_bind_rows(lua_State *L) { return fr_bind_rows(L); }
