/* Expressions and grouping for Lua: string expressions in filter/mutate/agg,
 * modu.GroupedFrame (group_by ... agg / mutate / filter), count, value_counts. */
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "lmodu.h"

#define LM_GROUPED "modu.GroupedFrame"

typedef struct lm_groupbox {
  modu_frame *f; /* its own frame, sharing the columns */
  modu_groups *g;
  int nkeys;
  int *keys;   /* key column positions in f */
  bool closed; /* close only marks: memory goes at __gc, when no call can be using it */
} lm_groupbox;

static void grp_box_free(lm_groupbox *b) {
  modu_frame_free(b->f);
  modu_groups_free(b->g);
  free(b->keys);
  b->f = NULL;
  b->g = NULL;
  b->keys = NULL;
}

static int grp_gc(lua_State *L) {
  grp_box_free(luaL_checkudata(L, 1, LM_GROUPED));
  return 0;
}

static int grp_close(lua_State *L) {
  ((lm_groupbox *)luaL_checkudata(L, 1, LM_GROUPED))->closed = true;
  return 0;
}

static lm_groupbox *grp_check(lua_State *L, int idx, const char *fn) {
  lm_groupbox *b = luaL_testudata(L, idx, LM_GROUPED);
  if (!b) {
    lm_error(L, fn, "self must be a %s, got %s (call it with ':')", LM_GROUPED, lm_typename(L, idx));
    return NULL;
  }
  if (b->closed || !b->f) lm_error(L, fn, "the grouped frame is closed");
  return b;
}

/* "columns: a, b" for messages */
static const char *grp_columns(lua_State *L, const modu_frame *f) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "columns: ");
  for (int k = 0; k < f->ncol && k < 40; k++) {
    if (k) luaL_addstring(&b, ", ");
    luaL_addstring(&b, f->names[k]);
  }
  if (f->ncol == 0) luaL_addstring(&b, "none");
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

/* raises "fn: message\n  <src>\n  <caret>" (+ the columns when a name was wrong) */
static int grp_expr_error(lua_State *L, const char *fn, const char *src, size_t len, int64_t pos, bool unknown,
                          const modu_frame *f, const modu_err *e) {
  if (pos < 0) pos = 0;
  if ((size_t)pos > len) pos = (int64_t)len;
  /* the expression is echoed on one line: line breaks and tabs become spaces,
   * so the caret under it still lines up */
  char *line = lm_scratch(L, len + 1);
  for (size_t i = 0; i < len; i++) line[i] = (unsigned char)src[i] < 0x20 ? ' ' : src[i];
  src = line;
  int64_t w = modu_text_width(src, (size_t)pos);
  /* made before the buffer: nothing may be pushed above a luaL_Buffer in use */
  const char *cols = unknown ? grp_columns(L, f) : NULL;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, fn);
  luaL_addstring(&b, ": ");
  luaL_addstring(&b, e->msg);
  luaL_addstring(&b, "\n  ");
  luaL_addlstring(&b, src, len);
  luaL_addstring(&b, "\n  ");
  for (int64_t i = 0; i < w; i++) luaL_addchar(&b, ' ');
  luaL_addchar(&b, '^');
  if (cols) {
    luaL_addstring(&b, "\n(");
    luaL_addstring(&b, cols);
    luaL_addchar(&b, ')');
  }
  luaL_pushresult(&b);
  return lua_error(L);
}

typedef struct grp_exprbox {
  modu_expr *x;
} grp_exprbox;

static int grp_expr_gc(lua_State *L) {
  grp_exprbox *b = lua_touserdata(L, 1);
  modu_expr_free(b->x);
  b->x = NULL;
  return 0;
}

/* evaluates the expression string at idx; pushes and returns the column */
static modu_column *grp_eval(lua_State *L, int idx, const modu_frame *f, modu_groups *g, bool agg, const char *fn) {
  size_t len;
  const char *src = lua_tolstring(L, idx, &len);
  modu_err e;
  int64_t pos = 0;
  bool unknown = false;
  /* the parsed tree lives in a userdata so an error below cannot leak it */
  grp_exprbox *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->x = NULL;
  if (luaL_newmetatable(L, "modu.Expr")) {
    lua_pushcfunction(L, grp_expr_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  box->x = modu_expr_parse(src, len, &pos, &e);
  if (!box->x) grp_expr_error(L, fn, src, len, pos, false, f, &e);
  modu_expr_ctx ctx = {f, g, agg};
  modu_column *c = modu_expr_eval(box->x, &ctx, &pos, &unknown, &e);
  if (!c) grp_expr_error(L, fn, src, len, pos, unknown, f, &e);
  lua_pop(L, 1);
  lm_push_column(L, c);
  return c;
}

/* a filter's expression: as grp_eval, but the result must be a bool mask */
static void grp_eval_mask(lua_State *L, int idx, const modu_frame *f, modu_groups *g) {
  modu_column *c = grp_eval(L, idx, f, g, false, "filter");
  if (c->type == MODU_BOOL) return;
  size_t len;
  const char *src = lua_tolstring(L, idx, &len);
  modu_err e;
  modu_errf(&e, "the expression gives %s values, not bool (filter keeps the rows where it is true)",
            modu_type_name(c->type));
  grp_expr_error(L, "filter", src, len, 0, false, f, &e);
}

static int grp_cmp_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* names and values of a spec table, as two arrays at the top of the stack:
 * an array of {name, value} pairs keeps its order, a keyed table is sorted by
 * byte order (as mutate and modu.frame sort theirs; table.sort would follow
 * the locale). A table mixing the two forms is refused: half would be lost. */
static void grp_spec(lua_State *L, int spec, const char *fn) {
  lua_newtable(L);
  lua_newtable(L);
  int names = lua_gettop(L) - 1, vals = names + 1, n = 0;
  lua_rawgeti(L, spec, 1);
  bool pairs_form = !lua_isnil(L, -1);
  lua_pop(L, 1);
  if (pairs_form) {
    lua_Integer m = luaL_len(L, spec);
    for (lua_pushnil(L); lua_next(L, spec); lua_pop(L, 1))
      if (lua_type(L, -2) == LUA_TSTRING)
        lm_error(L, fn, "'%s = ...' mixed with {name, expression} pairs: use one form", lua_tostring(L, -2));
    for (lua_Integer i = 1; i <= m; i++) {
      lua_geti(L, spec, i);
      lm_check_pair(L, -1, i, "expression", fn);
      lua_geti(L, -1, 1);
      if (lua_type(L, -1) != LUA_TSTRING) lm_error(L, fn, "entry %lld has no name", (long long)i);
      lua_rawseti(L, names, ++n);
      lua_geti(L, -1, 2);
      lua_rawseti(L, vals, n);
      lua_pop(L, 1);
    }
    return;
  }
  for (lua_pushnil(L); lua_next(L, spec); lua_pop(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING) lm_error(L, fn, "names must be strings, got %s", lm_typename(L, -2));
    n++;
  }
  /* the key strings stay alive in spec while their pointers are sorted */
  const char **v = lm_scratch(L, (size_t)(n ? n : 1) * sizeof *v);
  int i = 0;
  for (lua_pushnil(L); lua_next(L, spec); lua_pop(L, 1)) v[i++] = lua_tostring(L, -2);
  qsort(v, (size_t)n, sizeof *v, grp_cmp_name);
  for (i = 0; i < n; i++) {
    lua_pushstring(L, v[i]);
    lua_rawseti(L, names, i + 1);
    lua_getfield(L, spec, v[i]);
    lua_rawseti(L, vals, i + 1);
  }
  lua_pop(L, 1); /* the scratch buffer */
}

/* a frame of the group keys (first row of each group) and the agg columns */
static int grp_agg_frame(lua_State *L, const modu_frame *f, modu_groups *g, const int *keys, int nkeys, int spec,
                         const char *fn) {
  if (!lua_istable(L, spec)) return lm_error(L, fn, "expected a table { name = \"expression\" }, got %s", lm_typename(L, spec));
  grp_spec(L, spec, fn);
  int names = lua_gettop(L) - 1, vals = names + 1;
  lua_Integer n = luaL_len(L, names);
  modu_frame *r = modu_frame_new(nkeys + (int)n, g->ngroups);
  if (!r) return lm_error(L, fn, "out of memory");
  lm_push_frame(L, r);
  for (int k = 0; k < nkeys; k++) {
    modu_err e;
    modu_column *c = modu_col_take(f->cols[keys[k]], g->first, g->ngroups, &e);
    lm_push_result(L, c, fn, &e);
    if (modu_frame_set(r, k, c, f->names[keys[k]])) lm_error(L, fn, "out of memory");
    lua_pop(L, 1);
  }
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, names, i);
    const char *name = lua_tostring(L, -1);
    if (modu_frame_find(r, name) >= 0) lm_error(L, fn, "column '%s' is named twice", name);
    lua_rawgeti(L, vals, i);
    if (lua_type(L, -1) != LUA_TSTRING)
      lm_error(L, fn, "'%s' must be an expression string such as \"sum(x)\", got %s", name, lm_typename(L, -1));
    modu_column *c = grp_eval(L, -1, f, g, true, fn);
    if (modu_frame_set(r, nkeys + (int)i - 1, c, name)) lm_error(L, fn, "out of memory");
    lua_pop(L, 3);
  }
  return 1;
}

/* ---- frames: filter/mutate with strings, agg, count, value_counts, group_by ---- */

/* frame-level wrappers: strings are evaluated here, the rest goes to the verb */
static int grp_frame_filter(lua_State *L) {
  if (lua_type(L, 2) == LUA_TSTRING) {
    lua_settop(L, 2);
    modu_frame *f = lm_pin_frame(L, 1, "filter");
    grp_eval_mask(L, 2, f, NULL);
    lua_replace(L, 2);
    lua_settop(L, 2);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* evaluates the string values of a mutate spec at idx into columns (a copy) */
static void grp_mutate_values(lua_State *L, int spec, const modu_frame *f, modu_groups *g, const char *fn) {
  lua_newtable(L);
  int copy = lua_gettop(L);
  for (lua_pushnil(L); lua_next(L, spec); lua_pop(L, 1)) {
    lua_pushvalue(L, -2);
    if (lua_type(L, -2) == LUA_TSTRING) {
      grp_eval(L, -2, f, g, false, fn);
    } else if (lua_istable(L, -2) && !lm_test_column(L, -2) && lua_type(L, -3) == LUA_TNUMBER) {
      /* a {name, value} pair: evaluate its value */
      lua_createtable(L, 2, 0);
      lua_geti(L, -3, 1);
      lua_rawseti(L, -2, 1);
      lua_geti(L, -3, 2);
      if (lua_type(L, -1) == LUA_TSTRING) {
        grp_eval(L, -1, f, g, false, fn);
        lua_remove(L, -2);
      }
      lua_rawseti(L, -2, 2);
    } else {
      lua_pushvalue(L, -2);
    }
    lua_rawset(L, copy);
  }
}

/* The ordered form of mutate, an array of {name, value} pairs, is evaluated
 * pair after pair, as dplyr's mutate and pandas' assign do: each value sees
 * the columns the pairs before it made or replaced, so
 * { {"share", "firms / sum(firms)"}, {"pct", "share * 100"} } works. A keyed
 * table has no order: every value there sees the frame as it was. Each step
 * calls the plain mutate (the upvalue at orig) with one pair; columns are
 * shared, so a step costs only its own column. Leaves the result on top. */
static void grp_mutate_in_order(lua_State *L, int orig, int spec, modu_groups *g) {
  int cur = lua_gettop(L); /* the frame so far */
  lua_Integer m = luaL_len(L, spec);
  for (lua_pushnil(L); lua_next(L, spec); lua_pop(L, 1)) {
    if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= m) continue;
    const char *q = lua_type(L, -2) == LUA_TSTRING ? "'" : "";
    lm_error(L, "mutate", "key %s%s%s mixes the two forms (use an array of {name, values} pairs, or a table keyed "
             "by name)", q, luaL_tolstring(L, -2, NULL), q);
  }
  lua_newtable(L); /* names seen */
  int seen = lua_gettop(L);
  for (lua_Integer i = 1; i <= m; i++) {
    lua_geti(L, spec, i);
    lm_check_pair(L, -1, i, "value", "mutate");
    lua_geti(L, -1, 1);
    if (lua_type(L, -1) == LUA_TSTRING) {
      lua_pushvalue(L, -1);
      if (lua_rawget(L, seen) != LUA_TNIL) lm_error(L, "mutate", "column '%s' is given twice", lua_tostring(L, -2));
      lua_pop(L, 1);
      lua_pushboolean(L, 1);
      lua_rawset(L, seen);
    } else {
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  for (lua_Integer i = 1; i <= m; i++) {
    lua_pushvalue(L, orig);
    lua_pushvalue(L, cur);
    lua_createtable(L, 1, 0);
    lua_createtable(L, 2, 0);
    lua_geti(L, spec, i);
    lua_geti(L, -1, 1);
    lua_rawseti(L, -3, 1);
    lua_geti(L, -1, 2);
    lua_remove(L, -2);
    if (lua_type(L, -1) == LUA_TSTRING) {
      grp_eval(L, lua_gettop(L), lm_check_frame(L, cur, "mutate"), g, false, "mutate");
      lua_remove(L, -2);
    }
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, 1);
    lua_call(L, 2, 1);
    lua_replace(L, cur);
  }
  lua_settop(L, cur);
}

static bool grp_is_pairs(lua_State *L, int spec) {
  bool pairs_form = lua_rawgeti(L, spec, 1) != LUA_TNIL;
  lua_pop(L, 1);
  return pairs_form;
}

static int grp_frame_mutate(lua_State *L) {
  if (lua_istable(L, 2) && grp_is_pairs(L, 2)) {
    lua_settop(L, 2);
    lm_pin_frame(L, 1, "mutate");
    grp_mutate_in_order(L, lua_upvalueindex(1), 2, NULL);
    return 1;
  }
  if (lua_istable(L, 2)) {
    lua_settop(L, 2);
    modu_frame *f = lm_pin_frame(L, 1, "mutate");
    grp_mutate_values(L, 2, f, NULL, "mutate");
    lua_replace(L, 2);
    lua_settop(L, 2);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* key positions from names at args [from, to] */
static int *grp_key_positions(lua_State *L, const modu_frame *f, int from, int to, const char *fn) {
  int n = to - from + 1;
  int *keys = lm_scratch(L, (size_t)(n > 0 ? n : 1) * sizeof *keys);
  for (int i = 0; i < n; i++) {
    if (lua_type(L, from + i) != LUA_TSTRING)
      lm_error(L, fn, "key %d must be a column name, got %s", i + 1, lm_typename(L, from + i));
    keys[i] = modu_frame_find(f, lua_tostring(L, from + i));
    if (keys[i] < 0) lm_error(L, fn, "no column '%s' (%s)", lua_tostring(L, from + i), grp_columns(L, f));
    for (int j = 0; j < i; j++)
      if (keys[j] == keys[i]) lm_error(L, fn, "key '%s' is named twice", lua_tostring(L, from + i));
  }
  return keys;
}

static modu_groups *grp_make(lua_State *L, const modu_frame *f, const int *keys, int nkeys, bool sort, const char *fn) {
  modu_column **cols = lm_scratch(L, (size_t)(nkeys ? nkeys : 1) * sizeof *cols);
  for (int k = 0; k < nkeys; k++) cols[k] = f->cols[keys[k]];
  modu_err e;
  modu_groups *g = modu_group_by_lazy(cols, nkeys, f->nrow, &e);
  if (!g) lm_core_error(L, fn, &e);
  if (sort && modu_groups_sort(g, cols, nkeys, &e)) {
    modu_groups_free(g);
    lm_core_error(L, fn, &e);
  }
  lua_pop(L, 1);
  return g;
}

/* group_by(k1, k2, ... [, { sort = true }]) */
static int grp_group_by(lua_State *L) {
  modu_frame *f = lm_pin_arg(L, 1, "group_by");
  int top = lua_gettop(L);
  bool sort = false;
  if (top >= 2 && lua_istable(L, top)) {
    lua_getfield(L, top, "sort");
    sort = lua_toboolean(L, -1);
    lua_pop(L, 1);
    top--;
  }
  if (top < 2) return lm_error(L, "group_by", "name at least one key column (%s)", grp_columns(L, f));
  int nkeys = top - 1;
  int *keys = grp_key_positions(L, f, 2, top, "group_by");
  lm_groupbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  luaL_setmetatable(L, LM_GROUPED);
  b->keys = malloc((size_t)nkeys * sizeof *b->keys);
  b->f = modu_frame_new(f->ncol, f->nrow);
  if (!b->keys || !b->f) return lm_error(L, "group_by", "out of memory");
  memcpy(b->keys, keys, (size_t)nkeys * sizeof *keys);
  b->nkeys = nkeys;
  for (int k = 0; k < f->ncol; k++)
    if (modu_frame_set(b->f, k, f->cols[k], f->names[k])) return lm_error(L, "group_by", "out of memory");
  b->g = grp_make(L, f, keys, nkeys, sort, "group_by");
  return 1;
}

/* df:agg{...}: aggregates over the whole frame, one row */
static int grp_frame_agg(lua_State *L) {
  modu_frame *f = lm_pin_arg(L, 1, "agg");
  lm_groupbox *b = lua_newuserdatauv(L, sizeof *b, 0); /* owns the groups */
  memset(b, 0, sizeof *b);
  luaL_setmetatable(L, LM_GROUPED);
  b->g = grp_make(L, f, NULL, 0, false, "agg");
  /* one row even for an empty frame, as SQL's aggregate without GROUP BY */
  if (b->g->ngroups == 0) b->g->ngroups = 1, b->g->first[0] = -1;
  return grp_agg_frame(L, f, b->g, NULL, 0, 2, "agg");
}

/* count(k1, ...): rows per key combination, column n; sorted by key like dplyr */
static int grp_count(lua_State *L) {
  modu_frame *f = lm_pin_arg(L, 1, "count");
  int top = lua_gettop(L);
  int nkeys = top - 1;
  int *keys = grp_key_positions(L, f, 2, top, "count");
  lm_groupbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  luaL_setmetatable(L, LM_GROUPED);
  b->g = grp_make(L, f, keys, nkeys, true, "count");
  if (nkeys == 0 && b->g->ngroups == 0) b->g->ngroups = 1, b->g->first[0] = -1; /* n = 0, as agg */
  lua_newtable(L);
  lua_pushliteral(L, "count()");
  lua_setfield(L, -2, "n");
  return grp_agg_frame(L, f, b->g, keys, nkeys, lua_gettop(L), "count");
}

/* value_counts(col): values with their counts, most frequent first (ties in
 * order of first appearance) */
static int grp_value_counts(lua_State *L) {
  modu_frame *f = lm_pin_arg(L, 1, "value_counts");
  lua_settop(L, 2);
  int *keys = grp_key_positions(L, f, 2, 2, "value_counts");
  lm_groupbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  luaL_setmetatable(L, LM_GROUPED);
  b->g = grp_make(L, f, keys, 1, false, "value_counts");
  lua_newtable(L);
  lua_pushliteral(L, "count()");
  lua_setfield(L, -2, "n");
  grp_agg_frame(L, f, b->g, keys, 1, lua_gettop(L), "value_counts");
  lua_getfield(L, -1, "sort");
  lua_insert(L, -2);
  lua_createtable(L, 1, 1);
  lua_pushliteral(L, "n");
  lua_rawseti(L, -2, 1);
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "desc");
  lua_call(L, 2, 1);
  return 1;
}

/* ---- GroupedFrame methods ---- */

static int grp_agg(lua_State *L) {
  lm_groupbox *b = grp_check(L, 1, "agg");
  return grp_agg_frame(L, b->f, b->g, b->keys, b->nkeys, 2, "agg");
}

static int grp_filter(lua_State *L) {
  lm_groupbox *b = grp_check(L, 1, "filter");
  if (lua_type(L, 2) != LUA_TSTRING)
    return lm_error(L, "filter", "a grouped filter takes an expression string, got %s", lm_typename(L, 2));
  modu_frame *copy = modu_frame_new(b->f->ncol, b->f->nrow);
  if (!copy) return lm_error(L, "filter", "out of memory");
  lm_push_frame(L, copy);
  for (int k = 0; k < b->f->ncol; k++)
    if (modu_frame_set(copy, k, b->f->cols[k], b->f->names[k])) return lm_error(L, "filter", "out of memory");
  int fr = lua_gettop(L);
  lua_getfield(L, fr, "filter");
  lua_pushvalue(L, fr);
  grp_eval_mask(L, 2, b->f, b->g);
  lua_call(L, 2, 1);
  return 1;
}

static int grp_mutate(lua_State *L) {
  lm_groupbox *b = grp_check(L, 1, "mutate");
  if (!lua_istable(L, 2)) return lm_error(L, "mutate", "expected a table { name = \"expression\" }, got %s", lm_typename(L, 2));
  lua_settop(L, 2);
  modu_frame *copy = modu_frame_new(b->f->ncol, b->f->nrow);
  if (!copy) return lm_error(L, "mutate", "out of memory");
  lm_push_frame(L, copy);
  for (int k = 0; k < b->f->ncol; k++)
    if (modu_frame_set(copy, k, b->f->cols[k], b->f->names[k])) return lm_error(L, "mutate", "out of memory");
  if (grp_is_pairs(L, 2)) {
    grp_mutate_in_order(L, lua_upvalueindex(1), 2, b->g);
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 3);
  grp_mutate_values(L, 2, b->f, b->g, "mutate");
  lua_call(L, 2, 1);
  return 1;
}

/* slice_max(col, n [, { with_ties = true }]) and slice_min: each group's n
 * rows with the largest (smallest) values of col, best first, groups in their
 * order; as dplyr, rows tied with the n-th value are kept unless with_ties is
 * false, and NA (or NaN) only fills a group with fewer than n values */
static int grp_slice_top(lua_State *L, const modu_frame *f, modu_groups *g, bool smallest, const char *fn) {
  if (lua_type(L, 2) != LUA_TSTRING) return lm_error(L, fn, "col must be a column name, got %s", lm_typename(L, 2));
  const char *col = lua_tostring(L, 2);
  int k = modu_frame_find(f, col);
  if (k < 0) return lm_error(L, fn, "no column '%s' (%s)", col, grp_columns(L, f));
  if (!lua_isnoneornil(L, 3) && !lua_isinteger(L, 3))
    return lm_error(L, fn, "n must be an integer, got %s", lua_type(L, 3) == LUA_TNUMBER ? "a float" : lm_typename(L, 3));
  lua_Integer n = luaL_optinteger(L, 3, 1);
  if (n < 0) return lm_error(L, fn, "n must be 0 or more, got %lld", (long long)n);
  bool ties = true;
  if (!lua_isnoneornil(L, 4)) {
    if (!lua_istable(L, 4)) return lm_error(L, fn, "options must be a table { with_ties = bool }, got %s", lm_typename(L, 4));
    for (lua_pushnil(L); lua_next(L, 4); lua_pop(L, 1))
      if (lua_type(L, -2) != LUA_TSTRING || strcmp(lua_tostring(L, -2), "with_ties") != 0)
        return lm_error(L, fn, "unknown option '%s' (options: with_ties)", lua_tostring(L, -2) ? lua_tostring(L, -2) : "?");
    lua_getfield(L, 4, "with_ties");
    if (!lua_isnil(L, -1) && !lua_isboolean(L, -1)) return lm_error(L, fn, "with_ties must be a boolean, got %s", lm_typename(L, -1));
    ties = lua_isnil(L, -1) || lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  modu_err e;
  int64_t *idx, nrows;
  lm_owner *own = lm_new_owner(L); /* the row list is Lua's: an error below cannot leak it */
  if (modu_groups_top(g, f->cols[k], (int64_t)n, smallest, ties, &idx, &nrows, &e)) return lm_core_error(L, fn, &e);
  own->p[0] = idx;
  modu_frame *r = modu_frame_new(f->ncol, nrows);
  if (!r) return lm_error(L, fn, "out of memory");
  lm_push_frame(L, r);
  for (int c = 0; c < f->ncol; c++) {
    modu_column *t = modu_col_take(f->cols[c], idx, nrows, &e);
    if (!t) return lm_core_error(L, fn, &e);
    int bad = modu_frame_set(r, c, t, f->names[c]);
    modu_col_unref(t);
    if (bad) return lm_error(L, fn, "out of memory");
  }
  return 1;
}

static int grp_slice_max(lua_State *L) {
  lm_groupbox *b = grp_check(L, 1, "slice_max");
  return grp_slice_top(L, b->f, b->g, false, "slice_max");
}

static int grp_slice_min(lua_State *L) {
  lm_groupbox *b = grp_check(L, 1, "slice_min");
  return grp_slice_top(L, b->f, b->g, true, "slice_min");
}

/* df:slice_max / df:slice_min: the whole frame as one group */
static int grp_frame_slice(lua_State *L, bool smallest, const char *fn) {
  lua_settop(L, 4);
  modu_frame *f = lm_pin_arg(L, 1, fn);
  lua_settop(L, 4);
  lm_groupbox *b = lua_newuserdatauv(L, sizeof *b, 0); /* owns the groups */
  memset(b, 0, sizeof *b);
  luaL_setmetatable(L, LM_GROUPED);
  b->g = grp_make(L, f, NULL, 0, false, fn);
  return grp_slice_top(L, f, b->g, smallest, fn);
}

static int grp_frame_slice_max(lua_State *L) { return grp_frame_slice(L, false, "slice_max"); }
static int grp_frame_slice_min(lua_State *L) { return grp_frame_slice(L, true, "slice_min"); }

static int grp_ungroup(lua_State *L) {
  lm_groupbox *b = grp_check(L, 1, "ungroup");
  modu_frame *copy = modu_frame_new(b->f->ncol, b->f->nrow);
  if (!copy) return lm_error(L, "ungroup", "out of memory");
  lm_push_frame(L, copy);
  for (int k = 0; k < b->f->ncol; k++)
    if (modu_frame_set(copy, k, b->f->cols[k], b->f->names[k])) return lm_error(L, "ungroup", "out of memory");
  return 1;
}

static int grp_ngroups(lua_State *L) {
  lua_pushinteger(L, grp_check(L, 1, "ngroups")->g->ngroups);
  return 1;
}

static int grp_tostring(lua_State *L) {
  lm_groupbox *b = grp_check(L, 1, "tostring");
  modu_print_opts o;
  lm_print_opts(&o);
  char *s = modu_format_frame(b->f, &o);
  if (!s) return lm_error(L, "tostring", "out of memory");
  luaL_Buffer buf;
  luaL_buffinit(L, &buf);
  luaL_addstring(&buf, "groups: ");
  for (int k = 0; k < b->nkeys; k++) {
    if (k) luaL_addstring(&buf, ", ");
    luaL_addstring(&buf, b->f->names[b->keys[k]]);
  }
  lua_pushfstring(L, " [%I]\n", (lua_Integer)b->g->ngroups);
  luaL_addvalue(&buf);
  luaL_addstring(&buf, s);
  free(s);
  luaL_pushresult(&buf);
  return 1;
}

static const luaL_Reg grp_methods[] = {{"close", grp_close}, {"agg", grp_agg},         {"filter", grp_filter},
                                       {"ungroup", grp_ungroup}, {"ngroups", grp_ngroups},
                                       {"slice_max", grp_slice_max}, {"slice_min", grp_slice_min}, {NULL, NULL}};

/* installs group_by & co. into the Frame method table at idx, wrapping filter
 * and mutate so that they take expression strings */
void lm_open_group(lua_State *L, int frame_methods) {
  luaL_newmetatable(L, LM_GROUPED);
  lua_pushcfunction(L, grp_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, grp_close);
  lua_setfield(L, -2, "__close");
  lua_pushcfunction(L, grp_tostring);
  lua_setfield(L, -2, "__tostring");
  luaL_newlib(L, grp_methods);
  lua_getfield(L, frame_methods, "mutate"); /* the plain mutate, before it is wrapped below */
  lua_pushcclosure(L, grp_mutate, 1);
  lua_setfield(L, -2, "mutate");
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  lua_getfield(L, frame_methods, "filter");
  lua_pushcclosure(L, grp_frame_filter, 1);
  lua_setfield(L, frame_methods, "filter");
  lua_getfield(L, frame_methods, "mutate");
  lua_pushcclosure(L, grp_frame_mutate, 1);
  lua_setfield(L, frame_methods, "mutate");
  static const luaL_Reg extra[] = {{"group_by", grp_group_by}, {"agg", grp_frame_agg}, {"count", grp_count},
                                   {"value_counts", grp_value_counts}, {"slice_max", grp_frame_slice_max},
                                   {"slice_min", grp_frame_slice_min}, {NULL, NULL}};
  lua_pushvalue(L, frame_methods);
  luaL_setfuncs(L, extra, 0);
  lua_pop(L, 1);
}
