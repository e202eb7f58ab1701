/* CSV for Lua: modu.read_csv, modu.parse_csv, df:write_csv and df:to_csv, with
 * options checked by name and a write that replaces the file atomically. */
#if !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700 /* realpath, beside -D_POSIX_C_SOURCE */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "lmodu.h"

static const char *const csv_read_opts[] = {"sep",     "quote",   "comment", "skip",    "n_max",   "header",
                                            "trim",    "decimal", "thousands", "ragged", "invalid", "na",
                                            "columns", "types",   NULL};
static const char *const csv_write_opts[] = {"sep", "quote", "na", "header", NULL};

/* a one-character option; false gives 0 where allowed */
static char lc_char(lua_State *L, int opts, const char *key, char dflt, bool allow_false, const char *fn) {
  if (!opts) return dflt;
  lua_getfield(L, opts, key);
  char c = dflt;
  if (allow_false && lua_isboolean(L, -1) && !lua_toboolean(L, -1)) {
    c = 0;
  } else if (!lua_isnil(L, -1)) {
    size_t len;
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    if (!s || len != 1 || s[0] == '\n' || s[0] == '\r') {
      lm_error(L, fn, "%s must be one character%s, got %s", key, allow_false ? " (or false)" : "",
               luaL_tolstring(L, -1, NULL));
      return 0;
    }
    c = s[0];
  }
  lua_pop(L, 1);
  return c;
}

/* "columns: a, b, c" of the file, pushed onto the Lua stack (it is only used
 * right before raising) */
static const char *lc_name_list(lua_State *L, const modu_csv *r) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, modu_csv_ncol(r) ? "columns: " : "the file has no columns");
  for (int k = 0; k < modu_csv_ncol(r); k++) {
    if (k) luaL_addstring(&b, ", ");
    if (k == 20) {
      luaL_addstring(&b, "…");
      break;
    }
    luaL_addstring(&b, modu_csv_name(r, k));
  }
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

typedef struct lc_readerbox {
  modu_csv *r;
} lc_readerbox;

static int lc_reader_gc(lua_State *L) {
  lc_readerbox *b = lua_touserdata(L, 1);
  modu_csv_close(b->r);
  b->r = NULL;
  return 0;
}

/* shared by read_csv (from_file) and parse_csv; the source is argument 1 */
static int lc_read(lua_State *L, bool from_file) {
  const char *fn = from_file ? "read_csv" : "parse_csv";
  size_t srclen;
  const char *src = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &srclen) : NULL;
  if (!src) return lm_error(L, fn, "expected %s, got %s", from_file ? "a file path" : "CSV text", lm_typename(L, 1));
  lua_settop(L, 2);
  lm_opts(L, 2, csv_read_opts, fn);
  if (lua_isnil(L, 2)) {
    lua_newtable(L);
    lua_replace(L, 2);
  }
  modu_csv_opts o;
  modu_csv_opts_default(&o);
  o.sep = lc_char(L, 2, "sep", 0, false, fn);
  o.quote = lc_char(L, 2, "quote", '"', true, fn);
  o.comment = lc_char(L, 2, "comment", 0, true, fn);
  o.decimal = lc_char(L, 2, "decimal", '.', false, fn);
  o.thousands = lc_char(L, 2, "thousands", 0, true, fn);
  if (o.decimal == o.thousands) return lm_error(L, fn, "decimal and thousands must differ");
  o.skip = lm_opt_int(L, 2, "skip", 0, 0, LUA_MAXINTEGER, fn);
  o.n_max = lm_opt_int(L, 2, "n_max", -1, 0, LUA_MAXINTEGER, fn);
  o.header = lm_opt_bool(L, 2, "header", true, fn);
  o.trim = lm_opt_bool(L, 2, "trim", false, fn);
  static const char *const ragged[] = {"error", "pad", NULL}, *const invalid[] = {"error", "replace", NULL};
  o.ragged_pad = lm_opt_choice(L, 2, "ragged", ragged, 0, fn) == 1;
  o.invalid_replace = lm_opt_choice(L, 2, "invalid", invalid, 0, fn) == 1;
  lua_getfield(L, 2, "na"); /* 3: the NA tokens stay alive here while reading */
  if (!lua_isnil(L, 3)) {
    if (!lua_istable(L, 3)) return lm_error(L, fn, "na must be an array of strings, got %s", lm_typename(L, 3));
    int n = (int)luaL_len(L, 3);
    const char **na = lm_scratch(L, (size_t)(n ? n : 1) * sizeof *na);
    for (int i = 1; i <= n; i++) {
      if (lua_geti(L, 3, i) != LUA_TSTRING) return lm_error(L, fn, "na[%d] must be a string", i);
      na[i - 1] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    o.na = na;
    o.nna = n;
  }
  lc_readerbox *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->r = NULL;
  if (luaL_newmetatable(L, "modu.CsvReader")) {
    lua_pushcfunction(L, lc_reader_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, lc_reader_gc);
    lua_setfield(L, -2, "__close");
  }
  lua_setmetatable(L, -2);
  /* closed as this call ends, by return or by error: a failed read gives its
   * file and memory back at once, not at the next garbage collection */
  lua_toclose(L, -1);
  modu_err e;
  box->r = from_file ? modu_csv_open_file(src, &o, &e) : modu_csv_open_mem(src, srclen, "<string>", &o, &e);
  if (!box->r) return lm_core_error(L, fn, &e);
  modu_csv *r = box->r;
  int ncol = modu_csv_ncol(r);
  /* order[i]: the file column that becomes column i (the order `columns` gives) */
  int *order = NULL, norder = 0;
  lua_getfield(L, 2, "columns"); /* it and the order buffer stay on the stack */
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
  } else {
    if (!lua_istable(L, -1)) return lm_error(L, fn, "columns must be an array of names or positions, got %s",
                                             lm_typename(L, -1));
    for (int k = 0; k < ncol; k++) modu_csv_keep(r, k, false);
    lua_Integer n = luaL_len(L, -1);
    norder = n < 0 ? 0 : n > ncol ? ncol + 1 : (int)n; /* more than ncol must repeat one */
    order = lm_scratch(L, (size_t)(norder ? norder : 1) * sizeof *order);
    for (int i = 1; i <= norder; i++) {
      lua_geti(L, -2, i);
      int k = -1;
      if (lua_isinteger(L, -1)) {
        lua_Integer p = lua_tointeger(L, -1);
        if (p < 1 || p > ncol) return lm_error(L, fn, "columns[%d] = %lld is out of range 1..%d", i, (long long)p, ncol);
        k = (int)p - 1;
      } else if (lua_type(L, -1) == LUA_TSTRING) {
        for (int j = 0; j < ncol && k < 0; j++)
          if (strcmp(modu_csv_name(r, j), lua_tostring(L, -1)) == 0) k = j;
        if (k < 0) {
          const char *list = lc_name_list(L, r); /* pushed: the name is at -2 now */
          return lm_error(L, fn, "columns[%d]: the file has no column '%s' (%s)", i, lua_tostring(L, -2), list);
        }
      } else {
        return lm_error(L, fn, "columns[%d] must be a name or a position, got %s", i, lm_typename(L, -1));
      }
      for (int j = 0; j < i - 1; j++)
        if (order[j] == k) return lm_error(L, fn, "columns[%d]: column '%s' is asked for twice", i, modu_csv_name(r, k));
      order[i - 1] = k;
      modu_csv_keep(r, k, true);
      lua_pop(L, 1);
    }
  }
  lua_getfield(L, 2, "types");
  if (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1)) return lm_error(L, fn, "types must be a table { column = \"type\" }");
    for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) {
      int k = -1;
      if (lua_type(L, -2) == LUA_TSTRING) {
        for (int j = 0; j < ncol && k < 0; j++)
          if (strcmp(modu_csv_name(r, j), lua_tostring(L, -2)) == 0) k = j;
      } else if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= ncol) {
        k = (int)lua_tointeger(L, -2) - 1;
      }
      if (k < 0) {
        const char *key = luaL_tolstring(L, -2, NULL);
        return lm_error(L, fn, "types: the file has no column %s (%s)", key, lc_name_list(L, r));
      }
      modu_csv_force(r, k, (modu_type)lm_check_type_name(L, -1, fn));
    }
  }
  lua_pop(L, 1);
  modu_frame *f = modu_csv_read(r, &e);
  if (!f) return lm_core_error(L, fn, &e);
  lm_push_frame(L, f);
  modu_csv_close(r);
  box->r = NULL;
  if (order) { /* the reader keeps file order; put the columns in the order asked for */
    int *rank = lm_scratch(L, (size_t)(ncol ? ncol : 1) * sizeof *rank); /* file column -> column of f */
    int at = 0;
    for (int k = 0; k < ncol; k++) {
      rank[k] = -1;
      for (int i = 0; i < norder; i++)
        if (order[i] == k) rank[k] = at++;
    }
    modu_frame *g = modu_frame_new(norder, f->nrow);
    if (!g) return lm_error(L, fn, "out of memory");
    lm_push_frame(L, g);
    for (int i = 0; i < norder; i++) {
      int from = rank[order[i]];
      if (modu_frame_set(g, i, f->cols[from], f->names[from])) return lm_error(L, fn, "out of memory");
    }
  }
  return 1;
}

static int lc_read_csv(lua_State *L) { return lc_read(L, true); }
static int lc_parse_csv(lua_State *L) { return lc_read(L, false); }

static void lc_write_opts(lua_State *L, int idx, modu_csv_wopts *w, const char *fn) {
  int opts = lm_opts(L, idx, csv_write_opts, fn);
  w->sep = lc_char(L, opts, "sep", ',', false, fn);
  w->quote = lc_char(L, opts, "quote", '"', false, fn);
  w->header = lm_opt_bool(L, opts, "header", true, fn);
  w->na = lm_opt_str(L, opts, "na", "", fn); /* alive in the options table */
  w->sync_fd = -1;
  if (w->sep == w->quote) lm_error(L, fn, "sep and quote must differ");
}

typedef struct lc_filebox {
  FILE *fp;
  char *tmp;    /* removed by lc_discard unless the rename happened */
  char *target; /* the file a symbolic link points to, when it is one */
} lc_filebox;

static void lc_discard(lc_filebox *b) {
  if (b->fp) fclose(b->fp);
  if (b->tmp) remove(b->tmp);
  free(b->tmp);
  free(b->target);
  b->fp = NULL;
  b->tmp = b->target = NULL;
}

static int lc_file_gc(lua_State *L) {
  lc_discard(lua_touserdata(L, 1));
  return 0;
}

/* raises "write_csv: path: ..." after removing the temporary file, so that a
 * failed write leaves nothing behind */
static int lc_write_fail(lua_State *L, lc_filebox *b, const char *path, const char *fmt, const char *detail) {
  char what[600], msg[900];
  snprintf(what, sizeof what, fmt, detail);
  snprintf(msg, sizeof msg, "%s: %s", path, what); /* before lc_discard: path may be b->target */
  lc_discard(b);
  return lm_error(L, "write_csv", "%s", msg);
}

/* the new file keeps the old one's permissions, or gets what a plain
 * fopen would give it (mkstemp makes it private to the owner) */
static mode_t lc_new_mode(const struct stat *old) {
  if (old) return old->st_mode & 07777;
  mode_t mask = umask(022);
  umask(mask);
  return 0666 & ~mask;
}

/* flushes the directory entry of path's folder; best effort, as some file
 * systems refuse fsync on a directory */
static void lc_sync_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  if (!slash) snprintf(dir, sizeof dir, ".");
  else if (slash == path) snprintf(dir, sizeof dir, "/");
  else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  int fd = open(dir, O_RDONLY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

/* df:write_csv(path [, opts]) -> df. Written to a temporary file beside the
 * target, flushed to disk, then renamed over it, so the old file survives any
 * failure. A target that exists and is no regular file (a device, a pipe) is
 * written in place: there is nothing to replace. */
static int lc_write_csv(lua_State *L) {
  const char *fn = "write_csv";
  lua_settop(L, 3);
  lua_pushvalue(L, 1); /* 4: the frame given, returned (the pin replaces 1) */
  modu_frame *f = lm_pin_arg(L, 1, fn);
  const char *path = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
  if (!path) return lm_error(L, fn, "expected a file path, got %s", lm_typename(L, 2));
  if (!*path) return lm_error(L, fn, "the file path is empty");
  modu_csv_wopts w;
  lc_write_opts(L, 3, &w, fn);
  lc_filebox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->fp = NULL;
  b->tmp = b->target = NULL;
  if (luaL_newmetatable(L, "modu.CsvFile")) {
    lua_pushcfunction(L, lc_file_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  struct stat st;
  if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) { /* replace the file the link points to, not the link */
    b->target = realpath(path, NULL);
    if (b->target) path = b->target;
  }
  bool exists = stat(path, &st) == 0;
  modu_err e;
  if (exists && S_ISDIR(st.st_mode)) return lc_write_fail(L, b, path, "%s", "it is a directory");
  if (exists && !S_ISREG(st.st_mode)) {
    b->fp = fopen(path, "w");
    if (!b->fp) return lc_write_fail(L, b, path, "cannot open: %s", strerror(errno));
    if (modu_csv_write(f, b->fp, &w, &e)) return lc_write_fail(L, b, path, "%s", e.msg);
    int closed = fclose(b->fp);
    b->fp = NULL;
    if (closed) return lc_write_fail(L, b, path, "write failed: %s", strerror(errno));
    lc_discard(b);
    lua_pushvalue(L, 4);
    return 1;
  }
  size_t plen = strlen(path);
  b->tmp = malloc(plen + 16);
  if (!b->tmp) return lc_write_fail(L, b, path, "%s", "out of memory");
  memcpy(b->tmp, path, plen);
  memcpy(b->tmp + plen, ".tmp-XXXXXX", 12);
  int fd = mkstemp(b->tmp);
  if (fd < 0) {
    int err = errno;
    free(b->tmp);
    b->tmp = NULL; /* nothing was created */
    return lc_write_fail(L, b, path, "cannot create a temporary file beside it: %s", strerror(err));
  }
  if (fchmod(fd, lc_new_mode(exists ? &st : NULL)) != 0) {
    int err = errno;
    close(fd);
    return lc_write_fail(L, b, path, "cannot set the permissions of the temporary file: %s", strerror(err));
  }
  b->fp = fdopen(fd, "w");
  if (!b->fp) {
    int err = errno;
    close(fd);
    return lc_write_fail(L, b, path, "%s", strerror(err));
  }
  w.sync_fd = fd;
  if (modu_csv_write(f, b->fp, &w, &e)) return lc_write_fail(L, b, path, "%s", e.msg);
  int rc = fflush(b->fp);
  if (rc == 0) rc = fsync(fileno(b->fp));
  int err = errno;
  int closed = fclose(b->fp);
  b->fp = NULL;
  if (rc != 0 || closed != 0) return lc_write_fail(L, b, path, "write failed: %s", strerror(rc ? err : errno));
  if (rename(b->tmp, path) != 0) return lc_write_fail(L, b, path, "cannot replace the file: %s", strerror(errno));
  free(b->tmp);
  b->tmp = NULL;
  lc_sync_dir(path);
  lc_discard(b);
  lua_pushvalue(L, 4);
  return 1;
}

typedef struct lc_membox {
  char *buf; /* the text, freed by the finaliser if an error comes first */
} lc_membox;

static int lc_mem_gc(lua_State *L) {
  lc_membox *b = lua_touserdata(L, 1);
  free(b->buf);
  b->buf = NULL;
  return 0;
}

/* df:to_csv([opts]) -> string */
static int lc_to_csv(lua_State *L) {
  const char *fn = "to_csv";
  modu_frame *f = lm_pin_arg(L, 1, fn);
  modu_csv_wopts w;
  lc_write_opts(L, 2, &w, fn);
  lc_membox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->buf = NULL;
  if (luaL_newmetatable(L, "modu.CsvText")) {
    lua_pushcfunction(L, lc_mem_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  size_t len = 0;
  modu_err e;
  if (modu_csv_write_mem(f, &w, &b->buf, &len, &e)) return lm_core_error(L, fn, &e);
  lua_pushlstring(L, b->buf, len);
  free(b->buf);
  b->buf = NULL;
  return 1;
}

void lm_open_csv(lua_State *L, int mod, int frame_methods) {
  lua_pushcfunction(L, lc_read_csv);
  lua_setfield(L, mod, "read_csv");
  lua_pushcfunction(L, lc_parse_csv);
  lua_setfield(L, mod, "parse_csv");
  lua_pushcfunction(L, lc_write_csv);
  lua_setfield(L, frame_methods, "write_csv");
  lua_pushcfunction(L, lc_to_csv);
  lua_setfield(L, frame_methods, "to_csv");
}
