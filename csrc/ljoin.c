/* Joins and reshaping for Lua: df:join(other, opts), df:pivot_wider{...} and
 * df:pivot_longer{...}, built on the core's join and grouping kernels. */
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "lmodu.h"

static const char *jn_columns(lua_State *L, const modu_frame *f) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "columns: ");
  for (int k = 0; k < f->ncol && k < 40; k++) {
    if (k) luaL_addstring(&b, ", ");
    luaL_addstring(&b, f->names[k]);
  }
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

static int jn_find(lua_State *L, const modu_frame *f, const char *name, const char *side, const char *fn) {
  int k = modu_frame_find(f, name);
  if (k < 0) lm_error(L, fn, "no column '%s' in the %s frame (%s)", name, side, jn_columns(L, f));
  return k;
}

/* the text of row i of c, for messages */
static const char *jn_value_text(lua_State *L, const modu_column *c, int64_t i) {
  lm_push_value(L, c, i);
  const char *s = luaL_tolstring(L, -1, NULL);
  lua_remove(L, -2);
  return s;
}

static void jn_set(lua_State *L, modu_frame *r, int *k, modu_column *c, const char *name, const char *fn,
                   const modu_err *e) {
  lm_push_result(L, c, fn, e);
  if (modu_frame_find(r, name) >= 0) lm_error(L, fn, "two result columns would be named '%s' (set suffix)", name);
  if (modu_frame_set(r, (*k)++, c, name)) lm_error(L, fn, "out of memory");
  lua_pop(L, 1);
}

/* df:join(other, { on = "k" | {"k1","k2"} | { left = "a", right = "b" }, how, suffix, validate }) */
static int jn_join(lua_State *L) {
  const char *fn = "join";
  modu_frame *a = lm_pin_arg(L, 1, fn), *b = lm_pin_arg(L, 2, fn);
  if (!lua_isnoneornil(L, 3) && !lua_istable(L, 3))
    return lm_error(L, fn, "options must be a table { on = ..., how = ... }, got %s", lm_typename(L, 3));
  lua_settop(L, 3);
  if (lua_isnil(L, 3)) {
    lua_newtable(L);
    lua_replace(L, 3);
  }
  static const char *const hows[] = {"inner", "left", "right", "full", "semi", "anti", NULL};
  lua_getfield(L, 3, "how");
  int how = 0;
  if (!lua_isnil(L, -1)) {
    const char *h = lua_tostring(L, -1);
    how = -1;
    for (int i = 0; h && hows[i]; i++)
      if (strcmp(h, hows[i]) == 0) how = i;
    if (how < 0 || lua_type(L, -1) != LUA_TSTRING)
      return lm_error(L, fn, "how must be one of inner, left, right, full, semi, anti, got %s",
                      luaL_tolstring(L, -1, NULL));
  }
  lua_pop(L, 1);
  int unique = 0;
  lua_getfield(L, 3, "validate");
  if (!lua_isnil(L, -1)) {
    const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    if (strcmp(v, "1:1") == 0) unique = MODU_JOIN_UNIQUE_LEFT | MODU_JOIN_UNIQUE_RIGHT;
    else if (strcmp(v, "m:1") == 0) unique = MODU_JOIN_UNIQUE_RIGHT;
    else if (strcmp(v, "1:m") == 0) unique = MODU_JOIN_UNIQUE_LEFT;
    else if (strcmp(v, "m:m") != 0)
      return lm_error(L, fn, "validate must be \"1:1\", \"m:1\", \"1:m\" or \"m:m\", got %s", luaL_tolstring(L, -1, NULL));
  }
  lua_pop(L, 1);
  const char *suffix[2] = {"", "_r"};
  lua_getfield(L, 3, "suffix"); /* 4 */
  if (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1)) return lm_error(L, fn, "suffix must be a pair of strings such as {\"\", \"_r\"}");
    for (int s = 0; s < 2; s++) {
      lua_rawgeti(L, 4, s + 1);
      if (lua_type(L, -1) != LUA_TSTRING) return lm_error(L, fn, "suffix must be a pair of strings such as {\"\", \"_r\"}");
      suffix[s] = lua_tostring(L, -1);
      lua_pop(L, 1); /* the strings stay alive in the suffix table */
    }
  }
  /* keys: names on each side (5: left names, 6: right names) */
  lua_newtable(L);
  lua_newtable(L);
  int nkeys = 0;
  lua_getfield(L, 3, "on");
  if (lua_type(L, -1) == LUA_TSTRING) {
    lua_pushvalue(L, -1);
    lua_rawseti(L, 5, ++nkeys);
    lua_rawseti(L, 6, nkeys);
  } else if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "left");
    lua_getfield(L, -2, "right");
    if (!lua_isnil(L, -2) || !lua_isnil(L, -1)) {
      if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
        return lm_error(L, fn, "on = { left = \"a\", right = \"b\" } needs both names as strings");
      lua_rawseti(L, 6, ++nkeys);
      lua_rawseti(L, 5, nkeys);
    } else {
      lua_pop(L, 2);
      lua_Integer m = luaL_len(L, -1);
      for (lua_Integer i = 1; i <= m; i++) {
        if (lua_geti(L, -1, i) != LUA_TSTRING) return lm_error(L, fn, "on[%lld] must be a column name", (long long)i);
        lua_pushvalue(L, -1);
        lua_rawseti(L, 5, ++nkeys);
        lua_rawseti(L, 6, nkeys);
      }
      lua_pop(L, 1);
    }
  } else if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    for (int k = 0; k < a->ncol; k++) /* a natural join on the shared names, as dplyr */
      if (modu_frame_find(b, a->names[k]) >= 0) {
        lua_pushstring(L, a->names[k]);
        lua_pushvalue(L, -1);
        lua_rawseti(L, 5, ++nkeys);
        lua_rawseti(L, 6, nkeys);
      }
    if (nkeys == 0) return lm_error(L, fn, "the frames share no column name: say on = ...");
  } else {
    return lm_error(L, fn, "on must be a name, an array of names or { left = ..., right = ... }, got %s",
                    lm_typename(L, -1));
  }
  lua_settop(L, 6);
  if (nkeys == 0) return lm_error(L, fn, "on names no key column");
  int *lpos = lm_scratch(L, (size_t)nkeys * sizeof *lpos), *rpos = lm_scratch(L, (size_t)nkeys * sizeof *rpos);
  modu_column **lk = lm_scratch(L, (size_t)nkeys * sizeof *lk), **rk = lm_scratch(L, (size_t)nkeys * sizeof *rk);
  for (int k = 0; k < nkeys; k++) {
    lua_rawgeti(L, 5, k + 1);
    lpos[k] = jn_find(L, a, lua_tostring(L, -1), "left", fn);
    lua_rawgeti(L, 6, k + 1);
    rpos[k] = jn_find(L, b, lua_tostring(L, -1), "right", fn);
    lua_pop(L, 2);
    lk[k] = a->cols[lpos[k]];
    rk[k] = b->cols[rpos[k]];
    bool num_l = lk[k]->type == MODU_INT || lk[k]->type == MODU_FLOAT;
    bool num_r = rk[k]->type == MODU_INT || rk[k]->type == MODU_FLOAT;
    if (lk[k]->type != rk[k]->type && !(num_l && num_r))
      return lm_error(L, fn, "key '%s' is %s on the left but %s on the right", a->names[lpos[k]],
                      modu_type_name(lk[k]->type), modu_type_name(rk[k]->type));
  }
  int64_t *li = NULL, *ri = NULL, n = 0, dup_row = 0;
  int dup_side = 0;
  modu_err e;
  if (modu_join(lk, rk, nkeys, a->nrow, b->nrow, (modu_join_how)how, unique, &li, &ri, &n, &dup_side, &dup_row, &e)) {
    if (!dup_side) return lm_core_error(L, fn, &e);
    const modu_frame *f = dup_side == 1 ? a : b;
    const int *pos = dup_side == 1 ? lpos : rpos;
    luaL_Buffer buf;
    luaL_buffinit(L, &buf);
    for (int k = 0; k < nkeys; k++) {
      if (k) luaL_addstring(&buf, ", ");
      lua_pushfstring(L, "%s = %s", f->names[pos[k]], jn_value_text(L, f->cols[pos[k]], dup_row));
      lua_remove(L, -2);
      luaL_addvalue(&buf);
    }
    luaL_pushresult(&buf);
    lua_getfield(L, 3, "validate");
    return lm_error(L, fn, "validate \"%s\" fails: the key (%s) appears more than once in the %s frame",
                    lua_tostring(L, -1), lua_tostring(L, -2), dup_side == 1 ? "left" : "right");
  }
  /* the index arrays move into Lua-owned buffers before anything else can fail */
  int64_t *lidx = lm_scratch(L, (size_t)n * sizeof *lidx), *ridx = lm_scratch(L, (size_t)n * sizeof *ridx);
  memcpy(lidx, li, (size_t)n * sizeof *li);
  memcpy(ridx, ri, (size_t)n * sizeof *ri);
  free(li);
  free(ri);
  bool filter_only = how == MODU_JOIN_SEMI || how == MODU_JOIN_ANTI;
  int ncol = filter_only ? a->ncol : a->ncol + b->ncol - nkeys;
  modu_frame *r = modu_frame_new(ncol, n);
  if (!r) return lm_error(L, fn, "out of memory");
  lm_push_frame(L, r);
  int result = lua_gettop(L), at = 0;
  /* left columns in order; a key takes the right side's value where the left has no row */
  for (int k = 0; k < a->ncol; k++) {
    int key = -1;
    for (int q = 0; q < nkeys; q++)
      if (lpos[q] == k) key = q;
    modu_column *c;
    if (key >= 0 && (how == MODU_JOIN_RIGHT || how == MODU_JOIN_FULL)) {
      modu_column *lc = modu_col_take(a->cols[k], lidx, n, &e);
      lm_push_result(L, lc, fn, &e);
      modu_column *rc = modu_col_take(b->cols[rpos[key]], ridx, n, &e);
      lm_push_result(L, rc, fn, &e);
      int64_t lens[2] = {n, n};
      modu_column *parts[2] = {lc, rc};
      modu_column *both = modu_col_concat(parts, lens, 2, "join key", &e);
      lm_push_result(L, both, fn, &e);
      int64_t *pick = lm_scratch(L, (size_t)n * sizeof *pick);
      for (int64_t i = 0; i < n; i++) pick[i] = lidx[i] >= 0 ? i : n + i;
      c = modu_col_take(both, pick, n, &e);
      lua_pop(L, 4);
    } else {
      c = modu_col_take(a->cols[k], lidx, n, &e);
    }
    const char *name = a->names[k];
    if (key < 0 && !filter_only && modu_frame_find(b, name) >= 0) {
      bool rkey = false;
      for (int q = 0; q < nkeys; q++) rkey |= strcmp(b->names[rpos[q]], name) == 0;
      if (!rkey) name = lua_pushfstring(L, "%s%s", name, suffix[0]);
    }
    jn_set(L, r, &at, c, name, fn, &e);
  }
  if (!filter_only)
    for (int k = 0; k < b->ncol; k++) {
      bool key = false;
      for (int q = 0; q < nkeys; q++) key |= rpos[q] == k;
      if (key) continue;
      const char *name = b->names[k];
      if (modu_frame_find(a, name) >= 0) name = lua_pushfstring(L, "%s%s", name, suffix[1]);
      jn_set(L, r, &at, modu_col_take(b->cols[k], ridx, n, &e), name, fn, &e);
    }
  lua_pushvalue(L, result);
  return 1;
}

/* pivot_wider{ names_from = "year", values_from = "firms", values_fill = 0, id_cols = {...} } */
static int jn_pivot_wider(lua_State *L) {
  const char *fn = "pivot_wider";
  modu_frame *f = lm_pin_arg(L, 1, fn);
  if (!lua_istable(L, 2)) return lm_error(L, fn, "expected a table { names_from = ..., values_from = ... }");
  lua_settop(L, 2);
  lua_getfield(L, 2, "names_from");
  lua_getfield(L, 2, "values_from");
  if (lua_type(L, 3) != LUA_TSTRING || lua_type(L, 4) != LUA_TSTRING)
    return lm_error(L, fn, "names_from and values_from must be column names");
  int kn = jn_find(L, f, lua_tostring(L, 3), "", fn), kv = jn_find(L, f, lua_tostring(L, 4), "", fn);
  if (kn == kv) return lm_error(L, fn, "names_from and values_from must be different columns");
  /* id columns: given, or every other column */
  int *ids = lm_scratch(L, (size_t)(f->ncol ? f->ncol : 1) * sizeof *ids); /* 5 */
  int nid = 0;
  lua_getfield(L, 2, "id_cols");
  if (lua_istable(L, -1)) {
    lua_Integer m = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= m; i++) {
      if (lua_geti(L, -1, i) != LUA_TSTRING) return lm_error(L, fn, "id_cols[%lld] must be a column name", (long long)i);
      ids[nid++] = jn_find(L, f, lua_tostring(L, -1), "", fn);
      lua_pop(L, 1);
    }
  } else {
    for (int k = 0; k < f->ncol; k++)
      if (k != kn && k != kv) ids[nid++] = k;
  }
  lua_pop(L, 1);
  modu_column **idc = lm_scratch(L, (size_t)(nid ? nid : 1) * sizeof *idc); /* 6 */
  for (int k = 0; k < nid; k++) idc[k] = f->cols[ids[k]];
  modu_err e;
  modu_groups *rows = modu_group_by(idc, nid, f->nrow, &e);
  if (!rows) return lm_core_error(L, fn, &e);
  modu_column *namec = f->cols[kn];
  modu_groups *names = modu_group_by(&namec, 1, f->nrow, &e);
  int64_t *idx = names ? malloc(((size_t)rows->ngroups * (size_t)names->ngroups + 1) * sizeof *idx) : NULL;
  if (!names || !idx) {
    modu_groups_free(rows);
    modu_groups_free(names);
    free(idx);
    return names ? lm_error(L, fn, "out of memory") : lm_core_error(L, fn, &e);
  }
  int64_t nr = rows->ngroups, nn = names->ngroups;
  for (int64_t i = 0; i < nr * nn; i++) idx[i] = -1;
  int64_t dup = -1;
  for (int64_t i = 0; i < f->nrow && dup < 0; i++) {
    int64_t *slot = &idx[(int64_t)names->gid[i] * nr + rows->gid[i]];
    if (*slot >= 0) dup = i;
    *slot = i;
  }
  /* copy what Lua needs into Lua-owned memory, then free the C side */
  int64_t *cells = lm_scratch(L, (size_t)(nr * nn) * sizeof *cells); /* 7 */
  memcpy(cells, idx, (size_t)(nr * nn) * sizeof *cells);
  int64_t *rowfirst = lm_scratch(L, (size_t)nr * sizeof *rowfirst);   /* 8 */
  int64_t *namefirst = lm_scratch(L, (size_t)nn * sizeof *namefirst); /* 9 */
  memcpy(rowfirst, rows->first, (size_t)nr * sizeof *rowfirst);
  memcpy(namefirst, names->first, (size_t)nn * sizeof *namefirst);
  free(idx);
  modu_groups_free(rows);
  modu_groups_free(names);
  if (dup >= 0)
    return lm_error(L, fn, "row %lld repeats an id and '%s' = %s pair seen before (aggregate first, e.g. with group_by():agg{})",
                    (long long)dup + 1, f->names[kn], jn_value_text(L, namec, dup));
  modu_frame *r = modu_frame_new(nid + (int)nn, nr);
  if (!r) return lm_error(L, fn, "out of memory");
  lm_push_frame(L, r); /* 10 */
  int at = 0;
  for (int k = 0; k < nid; k++) jn_set(L, r, &at, modu_col_take(idc[k], rowfirst, nr, &e), f->names[ids[k]], fn, &e);
  lua_getfield(L, 2, "values_fill"); /* 11 */
  modu_scalar fill;
  bool has_fill = !lua_isnil(L, 11);
  if (has_fill && lm_to_scalar(L, 11, f->cols[kv]->type, &fill))
    return lm_error(L, fn, "values_fill must be a single value, got %s", lm_typename(L, 11));
  for (int64_t c = 0; c < nn; c++) {
    modu_column *col = modu_col_take(f->cols[kv], cells + c * nr, nr, &e);
    lm_push_result(L, col, fn, &e);
    if (has_fill) {
      modu_column *filled = modu_col_fill_na(col, &fill, &e);
      lua_pop(L, 1);
      lm_push_result(L, filled, fn, &e);
      col = filled;
    }
    const char *name = jn_value_text(L, namec, namefirst[c]);
    if (modu_col_isna(namec, namefirst[c])) name = "NA";
    modu_col_ref(col);
    lua_remove(L, -2);
    jn_set(L, r, &at, col, name, fn, &e);
    lua_pop(L, 1);
  }
  lua_pushvalue(L, 10);
  return 1;
}

/* pivot_longer{ cols = {...}, names_to = "name", values_to = "value" } */
static int jn_pivot_longer(lua_State *L) {
  const char *fn = "pivot_longer";
  modu_frame *f = lm_pin_arg(L, 1, fn);
  if (!lua_istable(L, 2)) return lm_error(L, fn, "expected a table { cols = {...}, names_to = ..., values_to = ... }");
  lua_settop(L, 2);
  lua_getfield(L, 2, "cols"); /* 3 */
  if (!lua_istable(L, 3)) return lm_error(L, fn, "cols must be an array of column names");
  lua_getfield(L, 2, "names_to");  /* 4 */
  lua_getfield(L, 2, "values_to"); /* 5 */
  const char *names_to = lua_isnil(L, 4) ? "name" : lua_tostring(L, 4);
  const char *values_to = lua_isnil(L, 5) ? "value" : lua_tostring(L, 5);
  if (!names_to || !values_to) return lm_error(L, fn, "names_to and values_to must be strings");
  int m = (int)luaL_len(L, 3);
  if (m == 0) return lm_error(L, fn, "cols names no column");
  bool *is_val = lm_scratch(L, (size_t)(f->ncol ? f->ncol : 1)); /* 6 */
  memset(is_val, 0, (size_t)f->ncol);
  modu_column **vals = lm_scratch(L, (size_t)m * sizeof *vals); /* 7 */
  lua_newtable(L);                                              /* 8: the names, as a str column below */
  for (int i = 1; i <= m; i++) {
    if (lua_geti(L, 3, i) != LUA_TSTRING) return lm_error(L, fn, "cols[%d] must be a column name", i);
    int k = jn_find(L, f, lua_tostring(L, -1), "", fn);
    if (is_val[k]) return lm_error(L, fn, "column '%s' is listed twice in cols", f->names[k]);
    is_val[k] = true;
    vals[i - 1] = f->cols[k];
    lua_rawseti(L, 8, i);
  }
  int64_t n = f->nrow * m;
  int64_t *rowidx = lm_scratch(L, (size_t)n * sizeof *rowidx);   /* 9 */
  int64_t *validx = lm_scratch(L, (size_t)n * sizeof *validx);   /* 10 */
  int64_t *nameidx = lm_scratch(L, (size_t)n * sizeof *nameidx); /* 11 */
  for (int64_t i = 0; i < f->nrow; i++)
    for (int j = 0; j < m; j++) {
      rowidx[i * m + j] = i;
      validx[i * m + j] = (int64_t)j * f->nrow + i;
      nameidx[i * m + j] = j;
    }
  int64_t *lens = lm_scratch(L, (size_t)m * sizeof *lens); /* 12 */
  for (int j = 0; j < m; j++) lens[j] = f->nrow;
  modu_err e;
  modu_column *all = modu_col_concat(vals, lens, m, "the value columns", &e);
  lm_push_result(L, all, fn, &e);                                   /* 13 */
  modu_column *namecol = lm_column_from_table(L, 8, MODU_STR, fn); /* 14 */
  int nid = f->ncol - m;
  modu_frame *r = modu_frame_new(nid + 2, n);
  if (!r) return lm_error(L, fn, "out of memory");
  lm_push_frame(L, r); /* 15 */
  int at = 0;
  for (int k = 0; k < f->ncol; k++)
    if (!is_val[k]) jn_set(L, r, &at, modu_col_take(f->cols[k], rowidx, n, &e), f->names[k], fn, &e);
  jn_set(L, r, &at, modu_col_take(namecol, nameidx, n, &e), names_to, fn, &e);
  jn_set(L, r, &at, modu_col_take(all, validx, n, &e), values_to, fn, &e);
  return 1;
}

void lm_open_join(lua_State *L, int frame_methods) {
  static const luaL_Reg fns[] = {
      {"join", jn_join}, {"pivot_wider", jn_pivot_wider}, {"pivot_longer", jn_pivot_longer}, {NULL, NULL}};
  lua_pushvalue(L, frame_methods);
  luaL_setfuncs(L, fns, 0);
  lua_pop(L, 1);
}
