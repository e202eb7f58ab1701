/* modu.Db: modu.open, queries into frames with bound parameters, transactional
 * writes, transactions, schema listing, and trigram full-text search. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lmodu.h"
#include "sqlfn.h"

#define LSQ_DB "modu.Db"
#define LSQ_STMT "modu.Stmt"

typedef struct lsq_db {
  sqlite3 *db; /* NULL once closed */
} lsq_db;

typedef struct lsq_stmt {
  sqlite3_stmt *st; /* finalized by __gc when an error leaves it behind */
} lsq_stmt;

static lsq_db *lsq_box(lua_State *L, int idx, const char *fn) {
  lsq_db *d = luaL_testudata(L, idx, LSQ_DB);
  if (!d) lm_error(L, fn, "self must be a %s, got %s (call it with ':')", LSQ_DB, lm_typename(L, idx));
  return d;
}

/* the open connection of the Db at idx; a closed one raises */
static sqlite3 *lsq_check(lua_State *L, int idx, const char *fn) {
  lsq_db *d = lsq_box(L, idx, fn);
  if (!d->db) lm_error(L, fn, "the database is closed");
  return d->db;
}

static int lsq_close(lua_State *L) {
  lsq_db *d = lsq_box(L, 1, "close");
  /* close_v2: a statement still waiting for its finaliser keeps the
   * connection alive until then, instead of making the close fail */
  if (d->db) sqlite3_close_v2(d->db);
  d->db = NULL;
  return 0;
}

static int lsq_tostring(lua_State *L) {
  lsq_db *d = lsq_box(L, 1, "tostring");
  const char *file = d->db ? sqlite3_db_filename(d->db, "main") : NULL;
  if (!d->db) lua_pushliteral(L, "modu.Db (closed)");
  else lua_pushfstring(L, "modu.Db (%s)", file && *file ? file : ":memory:");
  return 1;
}

/* Up to about 200 bytes of the SQL text for a message, cut at a character
 * boundary; a message that quotes a whole script helps nobody. */
static const char *lsq_excerpt(const char *sql, char *buf, size_t cap) {
  size_t len = strlen(sql), max = cap - sizeof "…";
  if (len <= max) return sql;
  while (max > 0 && ((unsigned char)sql[max] & 0xC0) == 0x80) max--;
  memcpy(buf, sql, max);
  memcpy(buf + max, "…", sizeof "…");
  return buf;
}

/* a table or column name: non-empty UTF-8 text without NUL */
static const char *lsq_name_arg(lua_State *L, int idx, const char *what, const char *fn) {
  if (lua_type(L, idx) != LUA_TSTRING) lm_error(L, fn, "%s must be a string, got %s", what, lm_typename(L, idx));
  size_t len, bad;
  const char *s = lua_tolstring(L, idx, &len);
  if (len == 0) lm_error(L, fn, "%s must not be empty", what);
  if (strlen(s) != len) lm_error(L, fn, "%s must not contain NUL bytes", what);
  if (!modu_utf8_valid(s, len, &bad)) lm_error(L, fn, "%s is not valid UTF-8 (byte %zu)", what, bad + 1);
  return s;
}

/* ---- statements ---- */

static int lsq_stmt_gc(lua_State *L) {
  lsq_stmt *b = lua_touserdata(L, 1);
  sqlite3_finalize(b->st);
  b->st = NULL;
  return 0;
}

/* A new statement box, pushed; its __gc finalizes whatever it holds. */
static lsq_stmt *lsq_new_stmt(lua_State *L) {
  lsq_stmt *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->st = NULL;
  if (luaL_newmetatable(L, LSQ_STMT)) {
    lua_pushcfunction(L, lsq_stmt_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return b;
}

static void lsq_finalize(lsq_stmt *b) {
  sqlite3_finalize(b->st);
  b->st = NULL;
}

/* Prepares the one statement in sql (pushing its box). Text after it that
 * holds another statement is an error: query returns one frame. */
static sqlite3_stmt *lsq_prepare(lua_State *L, int dbidx, const char *sql, size_t len, const char *fn) {
  lsq_stmt *b = lsq_new_stmt(L);
  sqlite3 *db = lsq_check(L, dbidx, fn); /* again: the allocation above may have run a finaliser */
  char ex[256];
  const char *tail = NULL;
  if (sqlite3_prepare_v2(db, sql, (int)len, &b->st, &tail) != SQLITE_OK)
    lm_error(L, fn, "%s (in: %s)", sqlite3_errmsg(db), lsq_excerpt(sql, ex, sizeof ex));
  if (!b->st) lm_error(L, fn, "no SQL statement in '%s'", lsq_excerpt(sql, ex, sizeof ex));
  sqlite3_stmt *more = NULL;
  size_t rest = len - (size_t)(tail - sql);
  int rc = rest ? sqlite3_prepare_v2(db, tail, (int)rest, &more, NULL) : SQLITE_OK;
  sqlite3_finalize(more);
  if (rc != SQLITE_OK || more) {
    while (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == '\r') tail++;
    lm_error(L, fn, "runs one statement, but the text has more (use db:exec for several): %s",
             lsq_excerpt(tail, ex, sizeof ex));
  }
  return b->st;
}

/* binds the Lua value at idx to parameter i */
static void lsq_bind_value(lua_State *L, sqlite3_stmt *st, int i, int idx, const char *fn) {
  int rc = SQLITE_OK;
  int32_t days;
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) rc = sqlite3_bind_int64(st, i, lua_tointeger(L, idx));
      else rc = sqlite3_bind_double(st, i, lua_tonumber(L, idx));
      break;
    case LUA_TSTRING: {
      size_t len;
      const char *s = lua_tolstring(L, idx, &len);
      rc = sqlite3_bind_text64(st, i, s, len, SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    }
    case LUA_TBOOLEAN: rc = sqlite3_bind_int(st, i, lua_toboolean(L, idx)); break;
    default:
      if (lm_is_na(L, idx)) {
        rc = sqlite3_bind_null(st, i);
      } else if (lm_is_date(L, idx, &days)) {
        char buf[16];
        int len = modu_date_format(days, buf, sizeof buf);
        rc = sqlite3_bind_text(st, i, buf, len, SQLITE_TRANSIENT);
      } else {
        const char *name = sqlite3_bind_parameter_name(st, i);
        char what[96];
        if (name) snprintf(what, sizeof what, "%.80s (%d)", name, i);
        else snprintf(what, sizeof what, "?%d", i);
        lm_error(L, fn, "parameter %s must be a number, string, boolean, date or modu.NA, got %s", what,
                 lm_typename(L, idx));
      }
  }
  if (rc != SQLITE_OK) lm_error(L, fn, "parameter %d: %s", i, sqlite3_errstr(rc));
}

/* a parameter's name without its prefix (:name @name $name), NULL when
 * positional (? or ?NNN) */
static const char *lsq_param_key(sqlite3_stmt *st, int i) {
  const char *name = sqlite3_bind_parameter_name(st, i);
  return name && name[0] != '?' ? name + 1 : NULL;
}

/* Binds the params table at idx (or nothing when it is 0). An array alone
 * fills parameters by SQLite's numbering (?, ?NNN, and named ones too); with
 * string keys, named parameters take the key without its prefix and the
 * others take the array in order. Missing, extra and unused values are errors
 * that count both sides. */
static void lsq_bind(lua_State *L, sqlite3_stmt *st, int idx, const char *fn) {
  int n = sqlite3_bind_parameter_count(st), npos = 0;
  for (int i = 1; i <= n; i++) npos += !lsq_param_key(st, i);
  if (!idx) {
    if (n) lm_error(L, fn, "the statement has %d parameter%s, got no values", n, n == 1 ? "" : "s");
    return;
  }
  lua_Integer given = (lua_Integer)lua_rawlen(L, idx);
  int nkeys = 0;
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
    if (lua_type(L, -2) == LUA_TSTRING) nkeys++;
    else if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 || lua_tointeger(L, -2) > given)
      lm_error(L, fn, "params has key %s, which is neither a position 1..%lld nor a name",
               luaL_tolstring(L, -2, NULL), (long long)given);
  }
  bool by_position = nkeys == 0;
  int want = by_position ? n : npos;
  if (given != want)
    lm_error(L, fn, "the statement has %d %sparameter%s, got %lld value%s", want,
             by_position || npos == n ? "" : "positional ", want == 1 ? "" : "s", (long long)given,
             given == 1 ? "" : "s");
  for (int i = 1, j = 0; i <= n; i++) {
    const char *key = by_position ? NULL : lsq_param_key(st, i);
    if (key) {
      /* the key is the name without its prefix; with it ({ [":a"] = 1 }) works too */
      if (lua_getfield(L, idx, key) == LUA_TNIL) {
        lua_pop(L, 1);
        if (lua_getfield(L, idx, key - 1) == LUA_TNIL)
          lm_error(L, fn, "no value for parameter '%s' (nil; use modu.NA for NULL)", key - 1);
      }
    } else {
      j = by_position ? i : j + 1;
      if (lua_rawgeti(L, idx, j) == LUA_TNIL) lm_error(L, fn, "no value for parameter %d (nil; use modu.NA for NULL)", i);
    }
    lsq_bind_value(L, st, i, lua_gettop(L), fn);
    lua_pop(L, 1);
  }
  /* a key the statement never names is most likely a typo */
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING) continue;
    const char *k = lua_tostring(L, -2);
    bool used = false;
    for (int i = 1; i <= n && !used; i++) {
      const char *key = lsq_param_key(st, i);
      used = key && (strcmp(key, k) == 0 || strcmp(key - 1, k) == 0);
    }
    if (!used) lm_error(L, fn, "params has '%s', which the statement does not name", k);
  }
}

/* Runs the prepared statement into a frame, pushed. The frame box comes
 * first so the kernel's result is owned before anything can raise; the
 * statement is finalized before any error, so no lock outlives the call. */
static void lsq_fetch(lua_State *L, lsq_stmt *b, const modu_sql_fetch_opts *o, const char *sql, const char *fn) {
  lm_framebox *fb = lua_newuserdatauv(L, sizeof *fb, 0);
  fb->f = NULL;
  luaL_setmetatable(L, LM_FRAME);
  modu_err e;
  fb->f = modu_sql_fetch(b->st, o, &e);
  int code = sqlite3_errcode(sqlite3_db_handle(b->st));
  lsq_finalize(b);
  if (!fb->f) {
    char ex[256];
    bool from_sqlite = code != SQLITE_OK && code != SQLITE_ROW && code != SQLITE_DONE;
    if (from_sqlite) lm_error(L, fn, "%s (in: %s)", e.msg, lsq_excerpt(sql, ex, sizeof ex));
    lm_core_error(L, fn, &e);
  }
}

static const char *const lsq_query_keys[] = {"mixed", "blob", NULL};

static void lsq_fetch_opts(lua_State *L, int idx, modu_sql_fetch_opts *o, const char *fn) {
  static const char *const mixed[] = {"error", "str", NULL}, *const blob[] = {"error", "skip", NULL};
  int opts = lm_opts(L, idx, lsq_query_keys, fn);
  o->decl = NULL;
  o->mixed_str = lm_opt_choice(L, opts, "mixed", mixed, 0, fn) == 1;
  o->blob_skip = lm_opt_choice(L, opts, "blob", blob, 0, fn) == 1;
}

/* the SQL text at idx; SQLite would stop at a NUL and ignore the rest */
static const char *lsq_sql_arg(lua_State *L, int idx, size_t *len, const char *fn) {
  if (lua_type(L, idx) != LUA_TSTRING) lm_error(L, fn, "SQL must be a string, got %s", lm_typename(L, idx));
  const char *sql = lua_tolstring(L, idx, len);
  if (strlen(sql) != *len) lm_error(L, fn, "SQL must not contain NUL bytes (byte %zu)", strlen(sql) + 1);
  return sql;
}

/* db:query(sql [, params [, opts]]) -> frame */
static int lsq_query(lua_State *L) {
  const char *fn = "query";
  lsq_check(L, 1, fn);
  size_t len;
  const char *sql = lsq_sql_arg(L, 2, &len, fn);
  if (!lua_isnoneornil(L, 3) && !lua_istable(L, 3))
    return lm_error(L, fn, "params must be a table (an array for ?, keys for :name), got %s", lm_typename(L, 3));
  lua_settop(L, 4);
  modu_sql_fetch_opts o;
  lsq_fetch_opts(L, 4, &o, fn);
  lsq_prepare(L, 1, sql, len, fn); /* 5 */
  lsq_stmt *b = lua_touserdata(L, 5);
  lsq_bind(L, b->st, lua_istable(L, 3) ? 3 : 0, fn);
  lsq_fetch(L, b, &o, sql, fn);
  return 1;
}

/* db:exec(sql): any number of statements; returns the rows they changed */
static int lsq_exec(lua_State *L) {
  const char *fn = "exec";
  sqlite3 *db = lsq_check(L, 1, fn);
  size_t len;
  const char *sql = lsq_sql_arg(L, 2, &len, fn);
  sqlite3_int64 before = sqlite3_total_changes64(db);
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
    char ex[256];
    return lm_error(L, fn, "%s (in: %s)", sqlite3_errmsg(db), lsq_excerpt(sql, ex, sizeof ex));
  }
  lua_pushinteger(L, sqlite3_total_changes64(db) - before);
  return 1;
}

/* Table names, sorted in byte order: tables, views and virtual tables of the
 * main and temp schemas, without SQLite's own or FTS5's shadow tables. */
static const char lsq_tables_sql[] =
    "SELECT name FROM pragma_table_list WHERE schema IN ('main', 'temp') AND type IN ('table', 'view', 'virtual')"
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '" MODU_FTS_TYPES "' ORDER BY name";

static int lsq_tables(lua_State *L) {
  const char *fn = "tables";
  lsq_check(L, 1, fn);
  lua_settop(L, 1);
  lsq_stmt *b = lsq_new_stmt(L);
  sqlite3 *db = lsq_check(L, 1, fn);
  if (sqlite3_prepare_v2(db, lsq_tables_sql, -1, &b->st, NULL) != SQLITE_OK)
    return lm_error(L, fn, "%s", sqlite3_errmsg(db));
  lua_newtable(L);
  int rc, n = 0;
  while ((rc = sqlite3_step(b->st)) == SQLITE_ROW) {
    lua_pushlstring(L, (const char *)sqlite3_column_text(b->st, 0), (size_t)sqlite3_column_bytes(b->st, 0));
    lua_rawseti(L, -2, ++n);
  }
  if (rc != SQLITE_DONE) return lm_error(L, fn, "%s", sqlite3_errmsg(db));
  lsq_finalize(b);
  return 1;
}

/* "tables: a, b" (or "the database has no tables") for messages, pushed */
static const char *lsq_push_table_list(lua_State *L, int dbidx) {
  lua_pushcfunction(L, lsq_tables);
  lua_pushvalue(L, dbidx);
  lua_call(L, 1, 1);
  int list = lua_gettop(L);
  int n = (int)lua_rawlen(L, list);
  luaL_Buffer buf;
  luaL_buffinit(L, &buf);
  luaL_addstring(&buf, n ? "tables: " : "the database has no tables");
  for (int i = 1; i <= n && i <= 30; i++) {
    if (i > 1) luaL_addstring(&buf, ", ");
    lua_rawgeti(L, list, i);
    luaL_addvalue(&buf);
  }
  if (n > 30) luaL_addstring(&buf, ", …");
  luaL_pushresult(&buf);
  lua_remove(L, list);
  return lua_tostring(L, -1);
}

/* 1 when the table exists (SQLite's name rules: ASCII case does not matter) */
static int lsq_has_table(lua_State *L, int dbidx, const char *name, const char *fn) {
  lsq_stmt *b = lsq_new_stmt(L);
  sqlite3 *db = lsq_check(L, dbidx, fn);
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_list(?1)", -1, &b->st, NULL) != SQLITE_OK)
    lm_error(L, fn, "%s", sqlite3_errmsg(db));
  sqlite3_bind_text(b->st, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(b->st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) lm_error(L, fn, "%s", sqlite3_errmsg(db));
  lsq_finalize(b);
  lua_pop(L, 1);
  return rc == SQLITE_ROW;
}

static void lsq_no_table(lua_State *L, int dbidx, const char *name, const char *fn) {
  lm_error(L, fn, "no table '%s' (%s)", name, lsq_push_table_list(L, dbidx));
}

/* The declared types create_fts recorded for the table's columns, one per
 * result column of query (NULL: SQLite's), for the columns SQLite knows no
 * declared type of (an FTS5 table's), leaving out the last `computed`. The
 * strings live in a table left on the stack with the array. A table made
 * otherwise has no record: its values give the types, as in db:query. */
static const char *const *lsq_fts_decl(lua_State *L, int dbidx, const char *name, sqlite3_stmt *query,
                                       int computed, const char *fn) {
  lua_newtable(L);
  int types = lua_gettop(L);
  lsq_stmt *b = lsq_new_stmt(L);
  sqlite3 *db = lsq_check(L, dbidx, fn);
  /* only while the name is still a full-text table: one dropped and made
   * again by other means keeps no types from the record */
  static const char sql[] = "SELECT col, type FROM " MODU_FTS_TYPES " WHERE fts = ?1 AND EXISTS (SELECT 1 FROM "
                            "sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE "
                            "AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%')";
  if (sqlite3_prepare_v2(db, sql, -1, &b->st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(b->st, 1, name, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(b->st)) == SQLITE_ROW) {
      lua_pushstring(L, (const char *)sqlite3_column_text(b->st, 1));
      lua_setfield(L, types, (const char *)sqlite3_column_text(b->st, 0));
    }
    if (rc != SQLITE_DONE) lm_error(L, fn, "%s", sqlite3_errmsg(db));
  }
  lsq_finalize(b);
  lua_pop(L, 1);
  int n = sqlite3_column_count(query);
  const char **decl = lm_scratch(L, (size_t)(n ? n : 1) * sizeof *decl);
  for (int k = 0; k < n; k++) {
    const char *col = sqlite3_column_name(query, k);
    decl[k] = NULL;
    if (k >= n - computed || !col || sqlite3_column_decltype(query, k)) continue;
    if (lua_getfield(L, types, col) == LUA_TSTRING) decl[k] = lua_tostring(L, -1);
    lua_pop(L, 1); /* the string stays alive in types */
  }
  return decl;
}

/* db:read(table [, opts]) -> frame of the whole table */
static int lsq_read(lua_State *L) {
  const char *fn = "read";
  lsq_check(L, 1, fn);
  const char *name = lsq_name_arg(L, 2, "the table name", fn);
  lua_settop(L, 3);
  modu_sql_fetch_opts o;
  lsq_fetch_opts(L, 3, &o, fn);
  if (!lsq_has_table(L, 1, name, fn)) lsq_no_table(L, 1, name, fn);
  char *q = modu_sql_quote_ident(name);
  if (!q) return lm_error(L, fn, "out of memory");
  lua_pushfstring(L, "SELECT * FROM %s", q); /* 4 */
  free(q);
  size_t len;
  const char *sql = lua_tolstring(L, 4, &len);
  lsq_prepare(L, 1, sql, len, fn); /* 5 */
  lsq_stmt *st = lua_touserdata(L, 5);
  o.decl = lsq_fts_decl(L, 1, name, st->st, 0, fn); /* a full-text table's types, if create_fts made it */
  lsq_fetch(L, st, &o, sql, fn);
  return 1;
}

/* replaces column k of the frame at idx with its cast to t */
static void lsq_recast(lua_State *L, int idx, int k, modu_type t, const char *fn) {
  modu_frame *f = lm_check_frame(L, idx, fn);
  modu_err e;
  modu_column *c = modu_col_cast(f->cols[k], t, &e);
  lm_push_result(L, c, fn, &e);
  f = lm_check_frame(L, idx, fn);
  if (modu_frame_set(f, k, c, f->names[k])) lm_error(L, fn, "out of memory");
  lua_pop(L, 1);
}

/* db:schema(table) -> frame of name, type, notnull, default, pk */
static int lsq_schema(lua_State *L) {
  const char *fn = "schema";
  lsq_check(L, 1, fn);
  const char *name = lsq_name_arg(L, 2, "the table name", fn);
  lua_settop(L, 2);
  static const char sql[] = "SELECT name, type, \"notnull\", dflt_value AS \"default\", pk FROM pragma_table_info(?1)";
  lsq_prepare(L, 1, sql, sizeof sql - 1, fn); /* 3 */
  lsq_stmt *b = lua_touserdata(L, 3);
  sqlite3_bind_text(b->st, 1, name, -1, SQLITE_STATIC);
  modu_sql_fetch_opts o = {false, false, NULL};
  lsq_fetch(L, b, &o, sql, fn); /* 4 */
  if (lm_check_frame(L, 4, fn)->nrow == 0) lsq_no_table(L, 1, name, fn);
  /* the pragma's columns carry no declared types to read these from */
  lsq_recast(L, 4, 2, MODU_BOOL, fn);
  lsq_recast(L, 4, 3, MODU_STR, fn);
  lsq_recast(L, 4, 4, MODU_INT, fn);
  return 1;
}

static const char *const lsq_write_keys[] = {"if_exists", NULL};
static const char *const lsq_fts_keys[] = {"columns", "if_exists", NULL};
static const char *const lsq_if_exists[] = {"fail", "replace", "append", NULL};

static int lsq_do_write(lua_State *L, const char *name, const modu_frame *f, const modu_sql_write_opts *o,
                        const char *fn) {
  sqlite3 *db = lsq_check(L, 1, fn); /* last look: from here on no Lua code runs */
  modu_err e;
  if (modu_sql_write(db, name, f, o, &e)) return lm_error(L, fn, "table '%s': %s", name, e.msg);
  lua_pushinteger(L, f->nrow);
  return 1;
}

/* the arguments db:write and db:create_fts share: (db, name, df [, opts]),
 * the frame pinned; returns the options' index (0: none) */
static int lsq_write_args(lua_State *L, const char *const *keys, const char **name,
                          modu_frame **f, modu_sql_write_opts *o, const char *fn) {
  lsq_check(L, 1, fn);
  *name = lsq_name_arg(L, 2, "the table name", fn);
  lua_settop(L, 4);
  *f = lm_pin_arg(L, 3, fn);
  int opts = lm_opts(L, 4, keys, fn);
  o->if_exists = (modu_sql_if_exists)lm_opt_choice(L, opts, "if_exists", lsq_if_exists, 0, fn);
  o->fts_indexed = NULL;
  return opts;
}

/* db:write(table, df [, { if_exists }]) -> rows written */
static int lsq_write(lua_State *L) {
  const char *fn = "write", *name;
  modu_frame *f;
  modu_sql_write_opts o;
  lsq_write_args(L, lsq_write_keys, &name, &f, &o, fn);
  return lsq_do_write(L, name, f, &o, fn);
}

/* db:create_fts(name, df [, { columns, if_exists }]): an FTS5 table with the
 * trigram tokenizer, so any substring of 3 or more characters matches,
 * Chinese included (the unicode61 tokenizer sees a run of Han characters as
 * one word). Columns not listed are stored UNINDEXED. */
static int lsq_create_fts(lua_State *L) {
  const char *fn = "create_fts", *name;
  modu_frame *f;
  modu_sql_write_opts o;
  int opts = lsq_write_args(L, lsq_fts_keys, &name, &f, &o, fn);
  bool *indexed = lm_scratch(L, (size_t)(f->ncol ? f->ncol : 1)); /* 5 */
  int any = 0;
  if (opts && lua_getfield(L, opts, "columns") != LUA_TNIL) {
    if (!lua_istable(L, -1)) return lm_error(L, fn, "columns must be an array of column names, got %s", lm_typename(L, -1));
    memset(indexed, 0, (size_t)f->ncol);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      const char *col = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
      int k = col ? modu_frame_find(f, col) : -1;
      if (k < 0) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (int j = 0; j < f->ncol; j++) {
          if (j) luaL_addstring(&b, ", ");
          luaL_addstring(&b, f->names[j]);
        }
        luaL_pushresult(&b);
        return lm_error(L, fn, "columns[%lld]: no column %s%s%s (columns: %s)", (long long)i, col ? "'" : "",
                        col ? col : lm_typename(L, -2), col ? "'" : "", lua_tostring(L, -1));
      }
      any += !indexed[k];
      indexed[k] = true;
      lua_pop(L, 1);
    }
  } else {
    for (int k = 0; k < f->ncol; k++) any += (indexed[k] = f->cols[k]->type == MODU_STR);
    if (!any) return lm_error(L, fn, "the frame has no str column to index (name them with columns = {...})");
  }
  if (!any) return lm_error(L, fn, "columns must name at least one column to index");
  o.fts_indexed = indexed;
  return lsq_do_write(L, name, f, &o, fn);
}

/* characters (code points) of UTF-8 text */
static size_t lsq_nchars(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
  return n;
}

typedef struct lsq_cbuf {
  char *p; /* malloc'd by the core, freed by __gc */
} lsq_cbuf;

static int lsq_cbuf_gc(lua_State *L) {
  lsq_cbuf *b = lua_touserdata(L, 1);
  free(b->p);
  b->p = NULL;
  return 0;
}

/* the indexed columns of FTS5 table `name`, as an array (pushed) */
static void lsq_fts_indexed(lua_State *L, int dbidx, const char *name, const char *fn) {
  lsq_cbuf *cols = lua_newuserdatauv(L, sizeof *cols, 0);
  cols->p = NULL;
  if (luaL_newmetatable(L, "modu.CBuf")) {
    lua_pushcfunction(L, lsq_cbuf_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lsq_stmt *b = lsq_new_stmt(L);
  sqlite3 *db = lsq_check(L, dbidx, fn);
  static const char sql[] = "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE "
                            "UNION ALL SELECT sql FROM sqlite_temp_schema WHERE type = 'table' AND name = ?1 "
                            "COLLATE NOCASE";
  if (sqlite3_prepare_v2(db, sql, -1, &b->st, NULL) != SQLITE_OK)
    lm_error(L, fn, "%s", sqlite3_errmsg(db));
  sqlite3_bind_text(b->st, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(b->st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) lm_error(L, fn, "%s", sqlite3_errmsg(db));
  if (rc == SQLITE_DONE) lsq_no_table(L, dbidx, name, fn);
  const char *create = (const char *)sqlite3_column_text(b->st, 0);
  cols->p = create ? modu_sql_fts_columns(create) : NULL;
  lsq_finalize(b);
  lua_pop(L, 1);
  if (!cols->p) {
    lm_error(L, fn, "'%s' is not a full-text table (make one with db:create_fts)", name);
    return;
  }
  lua_newtable(L);
  int n = 0;
  for (const char *c = cols->p; *c; c += strlen(c) + 1)
    if (*c == '+') {
      lua_pushstring(L, c + 1);
      lua_rawseti(L, -2, ++n);
    }
  lua_remove(L, -2);
}


/* db:search(name, query [, { limit, raw }]) -> frame of the table's columns,
 * rank and snippet (matches in [brackets]); a second value explains a query
 * too short for the trigram index */
static int lsq_search(lua_State *L) {
  static const char *const keys[] = {"limit", "raw", NULL};
  const char *fn = "search";
  lsq_check(L, 1, fn);
  const char *name = lsq_name_arg(L, 2, "the table name", fn);
  if (lua_type(L, 3) != LUA_TSTRING) return lm_error(L, fn, "query must be a string, got %s", lm_typename(L, 3));
  size_t qlen;
  const char *query = lua_tolstring(L, 3, &qlen);
  if (qlen == 0) return lm_error(L, fn, "query must not be empty");
  lua_settop(L, 4);
  int opts = lm_opts(L, 4, keys, fn);
  lua_Integer limit = lm_opt_int(L, opts, "limit", -1, 0, LUA_MAXINTEGER, fn);
  bool raw = lm_opt_bool(L, opts, "raw", false, fn);
  lsq_fts_indexed(L, 1, name, fn); /* 5 */
  if (lua_rawlen(L, 5) == 0) return lm_error(L, fn, "'%s' has no indexed column to search", name);
  char *qn = modu_sql_quote_ident(name);
  if (!qn) return lm_error(L, fn, "out of memory");
  lua_pushstring(L, qn); /* 6 */
  free(qn);
  const char *q = lua_tostring(L, 6);
  bool short_query = !raw && lsq_nchars(query, qlen) < 3;
  luaL_Buffer b;
  luaL_buffinit(L, &b); /* 7 */
  if (!short_query) {
    lua_pushfstring(L, "SELECT *, rank, snippet(%s, -1, '[', ']', '…', 16) AS snippet FROM %s WHERE %s MATCH ?1 "
                    "ORDER BY rank LIMIT ?2", q, q, q);
    luaL_addvalue(&b);
  } else {
    /* Trigrams need 3 characters: scan instead. The unary + keeps SQLite
     * 3.40's FTS5 from taking LIKE to its index, which finds nothing for a
     * pattern of one or two multibyte characters. lower() folds ASCII only,
     * so positions in lower(c) are positions in c. */
    int n = (int)lua_rawlen(L, 5);
    luaL_addstring(&b, "SELECT *, CAST(NULL AS REAL) AS rank, coalesce(");
    for (int k = 1; k <= n; k++) {
      lua_rawgeti(L, 5, k);
      char *c = modu_sql_quote_ident(lua_tostring(L, -1));
      lua_pop(L, 1);
      if (!c) return lm_error(L, fn, "out of memory");
      lua_pushfstring(L,
                      "%sCASE WHEN instr(lower(%s), lower(?3)) > 0 THEN (SELECT "
                      "CASE WHEN i > 11 THEN '…' ELSE '' END || substr(c, max(1, i - 10), i - max(1, i - 10)) || "
                      "'[' || substr(c, i, length(?3)) || ']' || substr(c, i + length(?3), 10) || "
                      "CASE WHEN length(c) >= i + length(?3) + 10 THEN '…' ELSE '' END "
                      "FROM (SELECT %s AS c, instr(lower(%s), lower(?3)) AS i)) END",
                      k > 1 ? ", " : "", c, c, c);
      free(c);
      luaL_addvalue(&b);
    }
    luaL_addstring(&b, n == 1 ? ", NULL) AS snippet FROM " : ") AS snippet FROM ");
    luaL_addstring(&b, q);
    luaL_addstring(&b, " WHERE ");
    for (int k = 1; k <= n; k++) {
      lua_rawgeti(L, 5, k);
      char *c = modu_sql_quote_ident(lua_tostring(L, -1));
      lua_pop(L, 1);
      if (!c) return lm_error(L, fn, "out of memory");
      lua_pushfstring(L, "%s+%s LIKE ?1 ESCAPE '\\'", k > 1 ? " OR " : "", c);
      free(c);
      luaL_addvalue(&b);
    }
    luaL_addstring(&b, " ORDER BY rowid LIMIT ?2");
  }
  luaL_pushresult(&b); /* 7 */
  size_t len;
  const char *sql = lua_tolstring(L, 7, &len);
  lsq_prepare(L, 1, sql, len, fn); /* 8 */
  lsq_stmt *st = lua_touserdata(L, 8);
  if (short_query) {
    luaL_Buffer pat;
    luaL_buffinit(L, &pat);
    luaL_addchar(&pat, '%');
    for (size_t i = 0; i < qlen; i++) {
      if (query[i] == '%' || query[i] == '_' || query[i] == '\\') luaL_addchar(&pat, '\\');
      luaL_addchar(&pat, query[i]);
    }
    luaL_addchar(&pat, '%');
    luaL_pushresult(&pat);
    lsq_bind_value(L, st->st, 1, lua_gettop(L), fn);
    lsq_bind_value(L, st->st, 3, 3, fn);
  } else if (raw) {
    lsq_bind_value(L, st->st, 1, 3, fn);
  } else {
    /* one phrase: the text as typed, never FTS5 query syntax */
    luaL_gsub(L, query, "\"", "\"\"");
    lua_pushfstring(L, "\"%s\"", lua_tostring(L, -1));
    lsq_bind_value(L, st->st, 1, lua_gettop(L), fn);
  }
  sqlite3_bind_int64(st->st, 2, limit);
  modu_sql_fetch_opts o = {false, false, lsq_fts_decl(L, 1, name, st->st, 2, fn)}; /* rank, snippet */
  lsq_fetch(L, st, &o, sql, fn);
  if (!short_query) return 1;
  lua_pushliteral(L, "a query of fewer than 3 characters cannot use the trigram index: "
                     "rows were matched by a substring scan and are not ranked");
  return 2;
}

/* db:transaction(fn): fn(db) runs inside BEGIN ... COMMIT (a SAVEPOINT when
 * a transaction is already open); an error rolls back and is raised again */
static int lsq_transaction(lua_State *L) {
  const char *fn = "transaction";
  sqlite3 *db = lsq_check(L, 1, fn);
  if (lua_type(L, 2) != LUA_TFUNCTION) return lm_error(L, fn, "expected a function, got %s", lm_typename(L, 2));
  lua_settop(L, 2);
  bool outer = sqlite3_get_autocommit(db);
  if (sqlite3_exec(db, outer ? "BEGIN" : "SAVEPOINT modu_tx", NULL, NULL, NULL) != SQLITE_OK)
    return lm_error(L, fn, "%s", sqlite3_errmsg(db));
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 1);
  int status = lua_pcall(L, 1, LUA_MULTRET, 0);
  lsq_db *d = lua_touserdata(L, 1);
  if (!d->db) {
    /* closing a connection rolls back what it had open */
    if (status != LUA_OK) return lua_error(L);
    return lm_error(L, fn, "the database was closed inside the transaction, which rolled it back");
  }
  db = d->db;
  if (status == LUA_OK) {
    if (sqlite3_exec(db, outer ? "COMMIT" : "RELEASE modu_tx", NULL, NULL, NULL) == SQLITE_OK)
      return lua_gettop(L) - 2;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db));
    if (!sqlite3_get_autocommit(db))
      sqlite3_exec(db, outer ? "ROLLBACK" : "ROLLBACK TO modu_tx; RELEASE modu_tx", NULL, NULL, NULL);
    return lm_error(L, fn, "commit failed, the transaction was rolled back: %s", msg);
  }
  /* fn may have ended the transaction itself; then there is nothing to undo */
  if (!sqlite3_get_autocommit(db))
    sqlite3_exec(db, outer ? "ROLLBACK" : "ROLLBACK TO modu_tx; RELEASE modu_tx", NULL, NULL, NULL);
  return lua_error(L);
}

static const char *const lsq_open_keys[] = {"readonly", "create", NULL};

/* modu.open([path [, { readonly, create }]]) -> modu.Db; no path: in memory */
static int lsq_open(lua_State *L) {
  const char *fn = "open";
  const char *path = ":memory:";
  if (!lua_isnoneornil(L, 1)) {
    if (lua_type(L, 1) != LUA_TSTRING) return lm_error(L, fn, "path must be a string, got %s", lm_typename(L, 1));
    size_t len;
    path = lua_tolstring(L, 1, &len);
    if (strlen(path) != len) return lm_error(L, fn, "path must not contain NUL bytes");
  }
  lua_settop(L, 2);
  int opts = lm_opts(L, 2, lsq_open_keys, fn);
  bool readonly = lm_opt_bool(L, opts, "readonly", false, fn);
  bool create = lm_opt_bool(L, opts, "create", !readonly, fn);
  if (readonly && create) return lm_error(L, fn, "create = true needs write access (readonly = true)");
  lsq_db *d = lua_newuserdatauv(L, sizeof *d, 0);
  d->db = NULL;
  luaL_setmetatable(L, LSQ_DB);
  /* NOMUTEX: a connection belongs to one Lua state, which one thread runs at
   * a time; the per-call mutex of the default mode halves the fetch speed */
  int flags = SQLITE_OPEN_NOMUTEX |
              (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
  int rc = sqlite3_open_v2(path, &d->db, flags, NULL); /* d owns the handle even when this fails */
  if (rc == SQLITE_OK) rc = modu_sql_register_functions(d->db);
  /* a file that is no database only shows on first read: read now */
  if (rc == SQLITE_OK) rc = sqlite3_exec(d->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    char msg[512];
    snprintf(msg, sizeof msg, "%s", d->db ? sqlite3_errmsg(d->db) : sqlite3_errstr(rc));
    sqlite3_close_v2(d->db);
    d->db = NULL;
    return lm_error(L, fn, "cannot open '%s': %s", path, msg);
  }
  /* another connection holding the write lock is waited for, not failed at once */
  sqlite3_busy_timeout(d->db, 5000);
  return 1;
}

static const luaL_Reg lsq_methods[] = {{"query", lsq_query},       {"exec", lsq_exec},
                                       {"read", lsq_read},         {"tables", lsq_tables},
                                       {"schema", lsq_schema},     {"write", lsq_write},
                                       {"transaction", lsq_transaction}, {"create_fts", lsq_create_fts},
                                       {"search", lsq_search},     {"close", lsq_close},
                                       {NULL, NULL}};

static const luaL_Reg lsq_meta[] = {
    {"__gc", lsq_close}, {"__close", lsq_close}, {"__tostring", lsq_tostring}, {NULL, NULL}};

/* modu.open and modu.Db (the method table, for Lua-side additions) */
void lm_open_sqlite(lua_State *L, int mod) {
  luaL_newmetatable(L, LSQ_DB);
  luaL_setfuncs(L, lsq_meta, 0);
  luaL_newlib(L, lsq_methods);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "__index");
  lua_setfield(L, mod, "Db");
  lua_pop(L, 1);
  lua_pushcfunction(L, lsq_open);
  lua_setfield(L, mod, "open");
}
