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
  if (k < 0 && *side) lm_error(L, fn, "no column '%s' in the %s frame (%s)", name, side, jn_columns(L, f));
  if (k < 0) lm_error(L, fn, "no column '%s' (%s)", name, jn_columns(L, f));
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
  if (modu_frame_find(r, name) >= 0)
    lm_error(L, fn, "two result columns would be named '%s' (%s)", name,
             strcmp(fn, "join") == 0 ? "set suffix" : "rename a column first");
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
    if (lua_istable(L, -2) && lua_istable(L, -1)) { /* { left = {"a", "b"}, right = {"c", "d"} } */
      lua_Integer m = luaL_len(L, -2);
      if (m != luaL_len(L, -1) || m == 0)
        return lm_error(L, fn, "on = { left = {...}, right = {...} } needs as many right names as left, at least one");
      for (lua_Integer i = 1; i <= m; i++) {
        if (lua_geti(L, -2, i) != LUA_TSTRING) return lm_error(L, fn, "on.left[%lld] must be a column name", (long long)i);
        if (lua_geti(L, -2, i) != LUA_TSTRING) return lm_error(L, fn, "on.right[%lld] must be a column name", (long long)i);
        lua_rawseti(L, 6, ++nkeys);
        lua_rawseti(L, 5, nkeys);
      }
      lua_pop(L, 2);
    } else if (!lua_isnil(L, -2) || !lua_isnil(L, -1)) {
      if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
        return lm_error(L, fn, "on = { left = \"a\", right = \"b\" } needs both names as strings (or both arrays)");
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
  lm_owner *own = lm_new_owner(L);
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
  own->p[0] = li;
  own->p[1] = ri;
  const int64_t *lidx = li, *ridx = ri;
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

/* pivot_wider{ names_from = "year", values_from = "firms", values_fill = 0, id_cols = {...} }:
 * one row per id combination, one column per name, both in first appearance */
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
  int *ids = lm_scratch(L, (size_t)(f->ncol ? f->ncol : 1) * sizeof *ids);
  int nid = 0;
  lua_getfield(L, 2, "id_cols");
  if (lua_istable(L, -1)) {
    lua_Integer m = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= m; i++) {
      if (lua_geti(L, -1, i) != LUA_TSTRING) return lm_error(L, fn, "id_cols[%lld] must be a column name", (long long)i);
      int k = jn_find(L, f, lua_tostring(L, -1), "", fn);
      if (k == kn || k == kv) return lm_error(L, fn, "id_cols[%lld] names '%s', the names_from or values_from column",
                                              (long long)i, f->names[k]);
      for (int j = 0; j < nid; j++)
        if (ids[j] == k) return lm_error(L, fn, "id_cols names '%s' twice", f->names[k]);
      ids[nid++] = k;
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    return lm_error(L, fn, "id_cols must be an array of column names, got %s", lm_typename(L, -1));
  } else {
    for (int k = 0; k < f->ncol; k++)
      if (k != kn && k != kv) ids[nid++] = k;
  }
  lua_pop(L, 1);
  /* the fill value, typed like the values (an ISO string fills a date column) */
  lua_getfield(L, 2, "values_fill");
  int fill_at = lua_gettop(L);
  modu_scalar fill;
  bool has_fill = !lua_isnil(L, fill_at);
  const modu_column *vals = f->cols[kv];
  if (has_fill) {
    if (lm_to_scalar(L, fill_at, vals->type, &fill))
      return lm_error(L, fn, "values_fill must be a single value, got %s", lm_typename(L, fill_at));
    modu_err de;
    if (fill.type == MODU_STR && vals->type == MODU_DATE) {
      if (modu_date_parse(fill.v.s.p, fill.v.s.len, &fill.v.d, &de)) return lm_core_error(L, fn, &de);
      fill.type = MODU_DATE;
    }
    size_t bad;
    if (fill.type == MODU_STR && !modu_utf8_valid(fill.v.s.p, fill.v.s.len, &bad))
      return lm_error(L, fn, "values_fill: invalid UTF-8 at byte %zu", bad + 1);
  }
  modu_column **idc = lm_scratch(L, (size_t)(nid ? nid : 1) * sizeof *idc);
  for (int k = 0; k < nid; k++) idc[k] = f->cols[ids[k]];
  modu_column *namec = f->cols[kn];
  modu_err e;
  lm_owner *own = lm_new_owner(L);
  if (!(own->g[0] = modu_group_by(idc, nid, f->nrow, &e))) return lm_core_error(L, fn, &e);
  if (!(own->g[1] = modu_group_by(&namec, 1, f->nrow, &e))) return lm_core_error(L, fn, &e);
  const modu_groups *rows = own->g[0], *names = own->g[1];
  int64_t nr = rows->ngroups, nn = names->ngroups;
  if (nn && nr > INT64_MAX / 8 / nn) return lm_error(L, fn, "%lld rows by %lld names is too many cells", (long long)nr,
                                                     (long long)nn);
  /* cells[c * nr + r]: the row holding name c of id r, -1 when none does */
  int64_t *cells = own->p[0] = malloc((size_t)(nr * nn + 1) * sizeof *cells);
  int64_t *pick = own->p[1] = malloc((size_t)(nr + 1) * sizeof *pick);
  if (!cells || !pick) return lm_error(L, fn, "out of memory");
  for (int64_t i = 0; i < nr * nn; i++) cells[i] = -1;
  for (int64_t i = 0; i < f->nrow; i++) {
    int64_t *slot = &cells[(int64_t)names->gid[i] * nr + rows->gid[i]];
    if (*slot >= 0)
      return lm_error(L, fn, "row %lld repeats an id and '%s' = %s pair seen before (aggregate first, e.g. with "
                      "group_by():agg{})", (long long)i + 1, f->names[kn], jn_value_text(L, namec, i));
    *slot = i;
  }
  modu_frame *r = modu_frame_new(nid + (int)nn, nr);
  if (!r) return lm_error(L, fn, "out of memory");
  lm_push_frame(L, r);
  int result = lua_gettop(L), at = 0;
  for (int k = 0; k < nid; k++) jn_set(L, r, &at, modu_col_take(idc[k], rows->first, nr, &e), f->names[ids[k]], fn, &e);
  /* values_fill fills the cells no row gives, not the NA values rows do give
   * (as tidyr): the fill sits one past the values, where empty cells point */
  const modu_column *src = vals;
  if (has_fill) {
    int64_t none = -1;
    modu_column *na1 = modu_col_take(vals, &none, 1, &e);
    lm_push_result(L, na1, fn, &e);
    modu_column *fill1 = modu_col_fill_na(na1, &fill, &e);
    lm_push_result(L, fill1, fn, &e);
    modu_column *parts[2] = {(modu_column *)vals, fill1};
    int64_t lens[2] = {f->nrow, 1};
    modu_column *ext = modu_col_concat(parts, lens, 2, "values_fill", &e);
    lm_push_result(L, ext, fn, &e);
    src = ext;
  }
  for (int64_t c = 0; c < nn; c++) {
    for (int64_t i = 0; i < nr; i++) pick[i] = cells[c * nr + i] >= 0 ? cells[c * nr + i] : has_fill ? f->nrow : -1;
    const char *name = modu_col_isna(namec, names->first[c]) ? "NA" : jn_value_text(L, namec, names->first[c]);
    jn_set(L, r, &at, modu_col_take(src, pick, nr, &e), name, fn, &e);
  }
  lua_pushvalue(L, result);
  return 1;
}

/* pivot_longer{ cols = {...}, names_to = "name", values_to = "value", values_drop_na = false }:
 * each row becomes one row per listed column, in row order */
static int jn_pivot_longer(lua_State *L) {
  const char *fn = "pivot_longer";
  modu_frame *f = lm_pin_arg(L, 1, fn);
  if (!lua_istable(L, 2)) return lm_error(L, fn, "expected a table { cols = {...}, names_to = ..., values_to = ... }");
  lua_settop(L, 2);
  lua_getfield(L, 2, "cols"); /* 3 */
  if (!lua_istable(L, 3)) return lm_error(L, fn, "cols must be an array of column names");
  lua_getfield(L, 2, "names_to");  /* 4 */
  lua_getfield(L, 2, "values_to"); /* 5 */
  if ((!lua_isnil(L, 4) && lua_type(L, 4) != LUA_TSTRING) || (!lua_isnil(L, 5) && lua_type(L, 5) != LUA_TSTRING))
    return lm_error(L, fn, "names_to and values_to must be strings (column names)");
  const char *names_to = lua_isnil(L, 4) ? "name" : lua_tostring(L, 4);
  const char *values_to = lua_isnil(L, 5) ? "value" : lua_tostring(L, 5);
  lua_getfield(L, 2, "values_drop_na");
  bool drop_na = lua_toboolean(L, -1);
  lua_pop(L, 1);
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
  if (drop_na && all->valid) { /* keep the pairs whose value is present */
    int64_t kept = 0;
    for (int64_t i = 0; i < n; i++)
      if (!modu_col_isna(all, validx[i])) {
        rowidx[kept] = rowidx[i];
        validx[kept] = validx[i];
        nameidx[kept++] = nameidx[i];
      }
    n = kept;
  }
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
