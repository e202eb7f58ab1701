/* SQLite and modu columns: statement rows into typed columns, frames into one
 * transactional INSERT, and modu's statistics as SQL aggregate functions. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlfn.h"
#include "stats.h"

/* ---- a growable string for the SQL we generate ---- */

typedef struct sql_str {
  char *p;
  size_t len, cap;
  bool oom;
} sql_str;

static void ss_add(sql_str *s, const char *t, size_t n) {
  if (s->oom) return;
  if (s->len + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 128;
    while (cap < s->len + n + 1) cap *= 2;
    char *p = realloc(s->p, cap);
    if (!p) {
      s->oom = true;
      return;
    }
    s->p = p;
    s->cap = cap;
  }
  memcpy(s->p + s->len, t, n);
  s->len += n;
  s->p[s->len] = 0;
}

static void ss_adds(sql_str *s, const char *t) { ss_add(s, t, strlen(t)); }

/* identifiers are always quoted, so names with spaces, quotes, keywords or
 * Chinese characters need no special case */
static void ss_ident(sql_str *s, const char *name) {
  ss_add(s, "\"", 1);
  for (const char *q; (q = strchr(name, '"')); name = q + 1) {
    ss_add(s, name, (size_t)(q - name) + 1);
    ss_add(s, "\"", 1);
  }
  ss_adds(s, name);
  ss_add(s, "\"", 1);
}

/* the finished string, or NULL (freeing it) when an append ran out of memory */
static char *ss_done(sql_str *s) {
  if (s->oom || !s->p) {
    free(s->p);
    return NULL;
  }
  return s->p;
}

char *modu_sql_quote_ident(const char *name) {
  sql_str s = {0};
  ss_ident(&s, name);
  return ss_done(&s);
}

static int sql_fail(modu_err *e, sqlite3 *db) {
  modu_errf(e, "%s", sqlite3_errmsg(db));
  return -1;
}

/* ---- rows into columns ---- */

typedef enum { SB_NULL, SB_INT, SB_FLOAT, SB_TEXT } sb_kind;
typedef union sb_slot {
  int64_t i;
  double f;
} sb_slot;

/* One result column while it is read. Every value takes an 8-byte slot (an
 * int, a double or a string code), so a promotion (int -> float, numbers ->
 * text) rewrites the slots in place; the final width is chosen at the end. */
typedef struct sql_builder {
  sb_kind kind;
  bool skip;      /* held a BLOB under blob = skip: left out */
  bool only01;    /* every integer so far was 0 or 1 */
  char decl;      /* declared type: 'd' DATE, 'b' BOOLEAN, 'i', 'f', 's', 0 none */
  int64_t first;  /* row where the kind was set, for messages */
  sb_slot *v;
  uint64_t *valid; /* NULL until the first NULL */
  modu_dict *dict;
} sql_builder;

typedef struct sql_fetch {
  sqlite3_stmt *st;
  const modu_sql_fetch_opts *o;
  int ncol;
  int64_t cap;
  sql_builder *b;
} sql_fetch;

/* The declared type, as SQLite's affinity rules read it, plus the two names
 * modu writes for types SQLite lacks (DATE, BOOLEAN). It decides the type of
 * a column with no values, and lets ISO text become dates and 0/1 bools. */
static char sql_decl_kind(const char *decl) {
  if (!decl || !*decl) return 0;
  if (sqlite3_stricmp(decl, "DATE") == 0) return 'd';
  if (sqlite3_stricmp(decl, "BOOLEAN") == 0 || sqlite3_stricmp(decl, "BOOL") == 0) return 'b';
  if (sqlite3_strlike("%INT%", decl, 0) == 0) return 'i';
  if (sqlite3_strlike("%CHAR%", decl, 0) == 0 || sqlite3_strlike("%CLOB%", decl, 0) == 0 ||
      sqlite3_strlike("%TEXT%", decl, 0) == 0)
    return 's';
  if (sqlite3_strlike("%BLOB%", decl, 0) == 0) return 0;
  return 'f';
}

static const char *sb_kind_name(sb_kind k) {
  static const char *const names[] = {"NULL", "integer", "real", "text"};
  return names[k];
}

static void sb_free(sql_builder *b) {
  free(b->v);
  free(b->valid);
  modu_dict_unref(b->dict);
  b->v = NULL;
  b->valid = NULL;
  b->dict = NULL;
}

static int sb_oom(modu_err *e) {
  modu_errf(e, "out of memory");
  return -1;
}

static int sf_grow(sql_fetch *f, modu_err *e) {
  int64_t cap = f->cap ? f->cap * 2 : 1024;
  if ((uint64_t)cap > SIZE_MAX / sizeof(sb_slot)) return sb_oom(e);
  for (int k = 0; k < f->ncol; k++) {
    sql_builder *b = &f->b[k];
    if (b->skip) continue;
    sb_slot *v = realloc(b->v, (size_t)cap * sizeof *v);
    if (!v) return sb_oom(e);
    b->v = v;
    if (b->valid) {
      size_t old = modu_bitmap_words(f->cap), w = modu_bitmap_words(cap);
      uint64_t *valid = realloc(b->valid, w * 8);
      if (!valid) return sb_oom(e);
      memset(valid + old, 0xff, (w - old) * 8);
      b->valid = valid;
    }
  }
  f->cap = cap;
  return 0;
}

static int sb_set_na(sql_fetch *f, sql_builder *b, int64_t row, modu_err *e) {
  b->v[row].i = 0;
  if (!b->valid) {
    size_t w = modu_bitmap_words(f->cap);
    if (!(b->valid = malloc(w ? w * 8 : 8))) return sb_oom(e);
    memset(b->valid, 0xff, w * 8);
  }
  b->valid[row >> 6] &= ~(UINT64_C(1) << (row & 63));
  return 0;
}

static bool sb_isna(const sql_builder *b, int64_t i) {
  return b->valid && !((b->valid[i >> 6] >> (i & 63)) & 1);
}

/* a result column's name for messages (NULL only when SQLite ran out of memory) */
static const char *sf_name(const sql_fetch *f, int k) {
  const char *name = sqlite3_column_name(f->st, k);
  return name ? name : "?";
}

static int sb_intern(sql_fetch *f, int k, sql_builder *b, int64_t row, const char *s, size_t len, modu_err *e) {
  int32_t before = b->dict->n;
  int32_t code = modu_dict_intern(b->dict, s, len);
  if (code < 0) return sb_oom(e);
  size_t bad;
  /* each distinct string is checked once, when it first enters the dictionary */
  if (code == before && !modu_utf8_valid(s, len, &bad)) {
    modu_errf(e, "column '%s' row %" PRId64 ": the text is not valid UTF-8 (byte %zu)",
              sf_name(f, k), row + 1, bad + 1);
    return -1;
  }
  b->v[row].i = code;
  return 0;
}

/* the text a number takes in a column read with mixed = "str" */
static size_t sb_number_text(sb_kind kind, sb_slot v, char *buf, size_t cap) {
  if (kind == SB_INT) return (size_t)snprintf(buf, cap, "%" PRId64, v.i);
  return (size_t)modu_format_double(v.f, buf, cap);
}

static int sb_mixed(sql_fetch *f, int k, sql_builder *b, int64_t row, sb_kind now, modu_err *e) {
  if (f->o->mixed_str) return 0;
  if (b->kind == SB_TEXT)
    modu_errf(e, "column '%s' mixes text and numbers (row %" PRId64 " is text, row %" PRId64
              " is %s); pass { mixed = \"str\" } to read it as text",
              sf_name(f, k), b->first + 1, row + 1, sb_kind_name(now));
  else
    modu_errf(e, "column '%s' mixes text and numbers (row %" PRId64 " is %s, row %" PRId64
              " is text); pass { mixed = \"str\" } to read it as text",
              sf_name(f, k), b->first + 1, sb_kind_name(b->kind), row + 1);
  return -1;
}

/* rows [0, row) of a numeric column become the text of their numbers */
static int sb_to_text(sql_fetch *f, int k, sql_builder *b, int64_t row, modu_err *e) {
  sb_kind was = b->kind;
  if (!(b->dict = modu_dict_new())) return sb_oom(e);
  b->kind = SB_TEXT;
  char buf[32];
  for (int64_t i = 0; i < row; i++) {
    if (sb_isna(b, i)) continue;
    size_t len = sb_number_text(was, b->v[i], buf, sizeof buf);
    if (sb_intern(f, k, b, i, buf, len, e)) return -1;
  }
  return 0;
}

static int sf_cell(sql_fetch *f, int k, int64_t row, modu_err *e) {
  sql_builder *b = &f->b[k];
  if (b->skip) return 0;
  /* one sqlite3_value per cell: the sqlite3_column_* calls each redo the
   * column lookup and error bookkeeping, a quarter of the stepping cost */
  sqlite3_value *val = sqlite3_column_value(f->st, k);
  char buf[32];
  switch (sqlite3_value_type(val)) {
    case SQLITE_NULL: return sb_set_na(f, b, row, e);
    case SQLITE_INTEGER: {
      sb_slot v = {.i = sqlite3_value_int64(val)};
      switch (b->kind) {
        case SB_NULL:
          b->kind = SB_INT;
          b->first = row;
          /* fall through */
        case SB_INT:
          b->v[row] = v;
          b->only01 &= v.i == 0 || v.i == 1;
          return 0;
        case SB_FLOAT: b->v[row].f = (double)v.i; return 0;
        case SB_TEXT:
          if (sb_mixed(f, k, b, row, SB_INT, e)) return -1;
          return sb_intern(f, k, b, row, buf, sb_number_text(SB_INT, v, buf, sizeof buf), e);
      }
      return 0;
    }
    case SQLITE_FLOAT: {
      sb_slot v = {.f = sqlite3_value_double(val)};
      switch (b->kind) {
        case SB_INT:
          for (int64_t i = 0; i < row; i++) b->v[i].f = (double)b->v[i].i;
          b->kind = SB_FLOAT;
          b->v[row] = v;
          return 0;
        case SB_NULL:
          b->kind = SB_FLOAT;
          b->first = row;
          /* fall through */
        case SB_FLOAT: b->v[row] = v; return 0;
        case SB_TEXT:
          if (sb_mixed(f, k, b, row, SB_FLOAT, e)) return -1;
          return sb_intern(f, k, b, row, buf, sb_number_text(SB_FLOAT, v, buf, sizeof buf), e);
      }
      return 0;
    }
    case SQLITE_TEXT: {
      const char *s = (const char *)sqlite3_value_text(val);
      size_t len = (size_t)sqlite3_value_bytes(val);
      if (!s) return sb_oom(e);
      if (b->kind == SB_INT || b->kind == SB_FLOAT) {
        if (sb_mixed(f, k, b, row, b->kind, e) || sb_to_text(f, k, b, row, e)) return -1;
      } else if (b->kind == SB_NULL) {
        if (!(b->dict = modu_dict_new())) return sb_oom(e);
        b->kind = SB_TEXT;
        b->first = row;
      }
      return sb_intern(f, k, b, row, s, len, e);
    }
    default: /* SQLITE_BLOB */
      if (!f->o->blob_skip) {
        modu_errf(e, "column '%s' holds a BLOB (row %" PRId64 "); pass { blob = \"skip\" } to leave it out",
                  sf_name(f, k), row + 1);
        return -1;
      }
      b->skip = true;
      sb_free(b);
      return 0;
  }
}

/* the dictionary's strings as dates, or NULL when one is not an ISO date */
static int32_t *sb_dict_dates(const modu_dict *d) {
  int32_t *days = malloc((d->n ? (size_t)d->n : 1) * sizeof *days);
  if (!days) return NULL;
  modu_err ignored;
  for (int32_t c = 0; c < d->n; c++) {
    size_t len;
    const char *s = modu_dict_str(d, c, &len);
    if (modu_date_parse(s, len, &days[c], &ignored)) {
      free(days);
      return NULL;
    }
  }
  return days;
}

/* The finished column of n rows: picks the type, narrows the slots in place
 * (slot i is read before byte 4i or i is written, and 4i <= 8i) and hands the
 * buffers over. NULL only on out of memory. */
static modu_column *sb_finish(sql_builder *b, int64_t n) {
  modu_type t;
  int32_t *days = NULL;
  switch (b->kind) {
    case SB_INT: t = b->decl == 'b' && b->only01 ? MODU_BOOL : MODU_INT; break;
    case SB_FLOAT: t = MODU_FLOAT; break;
    case SB_TEXT:
      t = MODU_STR;
      if (b->decl == 'd' && (days = sb_dict_dates(b->dict))) t = MODU_DATE;
      break;
    default:
      t = b->decl == 'd' ? MODU_DATE : b->decl == 'b' ? MODU_BOOL : b->decl == 'i' ? MODU_INT
          : b->decl == 's' ? MODU_STR : MODU_FLOAT;
      for (int64_t i = 0; i < n; i++) b->v[i].i = 0;
  }
  void *data = b->v;
  if (t == MODU_STR || t == MODU_DATE) {
    int32_t *o = data;
    for (int64_t i = 0; i < n; i++) {
      int32_t code = (int32_t)b->v[i].i;
      o[i] = days ? (sb_isna(b, i) ? 0 : days[code]) : code;
    }
  } else if (t == MODU_BOOL) {
    uint8_t *o = data;
    for (int64_t i = 0; i < n; i++) o[i] = (uint8_t)b->v[i].i;
  }
  free(days);
  size_t bytes = (size_t)n * modu_type_width(t);
  void *shrunk = realloc(data, bytes ? bytes : 1);
  if (shrunk) b->v = shrunk;
  /* a str column with no strings gets one, so that code 0 of its NA rows
   * names an entry as it does in every other str column */
  if (t == MODU_STR && !b->dict && !(b->dict = modu_dict_new())) return NULL;
  if (t == MODU_STR && b->dict->n == 0 && modu_dict_intern(b->dict, "", 0) < 0) return NULL;
  modu_column *c = modu_col_new(t, 0, t == MODU_STR ? b->dict : NULL);
  if (!c) return NULL;
  free(c->data);
  c->data = b->v;
  c->valid = b->valid;
  c->len = n;
  b->v = NULL;
  b->valid = NULL;
  return c;
}

/* name, or name_2, name_3... when an earlier column has it */
static int sf_set(modu_frame *fr, int slot, modu_column *c, const char *name, modu_err *e) {
  size_t len = strlen(name);
  char *buf = malloc(len + 24);
  if (!buf) return sb_oom(e);
  memcpy(buf, name, len + 1);
  for (int j = 2; modu_frame_find(fr, buf) >= 0; j++) snprintf(buf + len, 24, "_%d", j);
  int rc = modu_frame_set(fr, slot, c, buf);
  free(buf);
  return rc ? sb_oom(e) : 0;
}

static modu_frame *sf_frame(sql_fetch *f, int64_t n, modu_err *e) {
  int kept = 0;
  for (int k = 0; k < f->ncol; k++) kept += !f->b[k].skip;
  modu_frame *fr = modu_frame_new(kept, n);
  if (!fr) return sb_oom(e), NULL;
  int slot = 0;
  for (int k = 0; k < f->ncol; k++) {
    sql_builder *b = &f->b[k];
    if (b->skip) continue;
    const char *name = sqlite3_column_name(f->st, k);
    char fallback[24];
    size_t bad;
    if (!name || !*name) {
      snprintf(fallback, sizeof fallback, "V%d", k + 1);
      name = fallback;
    } else if (!modu_utf8_valid(name, strlen(name), &bad)) {
      modu_errf(e, "the name of result column %d is not valid UTF-8 (byte %zu)", k + 1, bad + 1);
      modu_frame_free(fr);
      return NULL;
    }
    modu_column *c = sb_finish(b, n);
    int rc = c ? sf_set(fr, slot++, c, name, e) : sb_oom(e);
    modu_col_unref(c);
    if (rc) {
      modu_frame_free(fr);
      return NULL;
    }
  }
  return fr;
}

modu_frame *modu_sql_fetch(sqlite3_stmt *st, const modu_sql_fetch_opts *o, modu_err *e) {
  sql_fetch f = {.st = st, .o = o, .ncol = sqlite3_column_count(st)};
  f.b = calloc(f.ncol ? (size_t)f.ncol : 1, sizeof *f.b);
  if (!f.b) return sb_oom(e), NULL;
  for (int k = 0; k < f.ncol; k++) {
    f.b[k].only01 = true;
    f.b[k].decl = sql_decl_kind(o->decl && o->decl[k] ? o->decl[k] : sqlite3_column_decltype(st, k));
  }
  modu_frame *fr = NULL;
  int64_t n = 0;
  int rc = SQLITE_OK;
  if (sf_grow(&f, e)) goto done;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == f.cap && sf_grow(&f, e)) goto done;
    for (int k = 0; k < f.ncol; k++)
      if (sf_cell(&f, k, n, e)) goto done;
    n++;
  }
  if (rc != SQLITE_DONE) {
    sql_fail(e, sqlite3_db_handle(st));
    goto done;
  }
  fr = sf_frame(&f, n, e);
done:
  for (int k = 0; k < f.ncol; k++) sb_free(&f.b[k]);
  free(f.b);
  return fr;
}

/* ---- frames into tables ---- */

static const char *sw_decl(modu_type t) {
  switch (t) {
    case MODU_INT: return "INTEGER";
    case MODU_FLOAT: return "REAL";
    case MODU_STR: return "TEXT";
    case MODU_BOOL: return "BOOLEAN"; /* 0/1, NUMERIC affinity keeps them integers */
    default: return "DATE";           /* ISO text: NUMERIC affinity leaves it text */
  }
}

static int sw_exec(sqlite3 *db, const char *sql, modu_err *e) {
  return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : sql_fail(e, db);
}

/* 1 when a table or view of that name (SQLite's case rules) exists */
static int sw_exists(sqlite3 *db, const char *name, modu_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_list(?1)", -1, &st, NULL) != SQLITE_OK)
    return sql_fail(e, db);
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) sql_fail(e, db);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static char *sw_create_sql(const char *name, const modu_frame *f, const bool *fts) {
  sql_str s = {0};
  ss_adds(&s, fts ? "CREATE VIRTUAL TABLE " : "CREATE TABLE ");
  ss_ident(&s, name);
  ss_adds(&s, fts ? " USING fts5(" : " (");
  for (int k = 0; k < f->ncol; k++) {
    if (k) ss_adds(&s, ", ");
    ss_ident(&s, f->names[k]);
    if (!fts) {
      ss_adds(&s, " ");
      ss_adds(&s, sw_decl(f->cols[k]->type));
    } else if (!fts[k]) {
      ss_adds(&s, " UNINDEXED");
    }
  }
  ss_adds(&s, fts ? ", tokenize = 'trigram')" : ")");
  return ss_done(&s);
}

static char *sw_insert_sql(const char *name, const modu_frame *f) {
  sql_str s = {0};
  ss_adds(&s, "INSERT INTO ");
  ss_ident(&s, name);
  ss_adds(&s, " (");
  for (int k = 0; k < f->ncol; k++) {
    if (k) ss_adds(&s, ", ");
    ss_ident(&s, f->names[k]);
  }
  ss_adds(&s, ") VALUES (");
  char num[16];
  for (int k = 0; k < f->ncol; k++) {
    snprintf(num, sizeof num, "%s?%d", k ? ", " : "", k + 1);
    ss_adds(&s, num);
  }
  ss_adds(&s, ")");
  return ss_done(&s);
}

/* binds row i of every column; date text goes into datebuf (16 bytes a
 * column), which stays put until the row has been stepped */
static int sw_bind_row(sqlite3_stmt *st, const modu_frame *f, int64_t i, char *datebuf) {
  for (int k = 0; k < f->ncol; k++) {
    const modu_column *c = f->cols[k];
    int rc;
    if (modu_col_isna(c, i)) {
      rc = sqlite3_bind_null(st, k + 1);
    } else {
      switch (c->type) {
        case MODU_INT: rc = sqlite3_bind_int64(st, k + 1, MODU_I64(c)[i]); break;
        case MODU_FLOAT: rc = sqlite3_bind_double(st, k + 1, MODU_F64(c)[i]); break; /* NaN binds NULL */
        case MODU_BOOL: rc = sqlite3_bind_int(st, k + 1, MODU_U8(c)[i] != 0); break;
        case MODU_STR: {
          size_t len;
          const char *s = modu_dict_str(c->dict, MODU_I32(c)[i], &len);
          rc = sqlite3_bind_text64(st, k + 1, s, len, SQLITE_STATIC, SQLITE_UTF8);
          break;
        }
        default: {
          char *d = datebuf + 16 * k;
          int len = modu_date_format(MODU_I32(c)[i], d, 16);
          rc = sqlite3_bind_text(st, k + 1, d, len, SQLITE_STATIC);
        }
      }
    }
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

static int sw_insert(sqlite3 *db, const char *name, const modu_frame *f, modu_err *e) {
  char *sql = sw_insert_sql(name, f);
  char *datebuf = malloc((size_t)f->ncol * 16);
  if (!sql || !datebuf) {
    free(sql);
    free(datebuf);
    return sb_oom(e);
  }
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  free(sql);
  if (rc != SQLITE_OK) {
    free(datebuf);
    return sql_fail(e, db);
  }
  for (int64_t i = 0; i < f->nrow && rc == SQLITE_OK; i++) {
    rc = sw_bind_row(st, f, i, datebuf);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_DONE) rc = sqlite3_reset(st);
    if (rc != SQLITE_OK) modu_errf(e, "row %" PRId64 ": %s", i + 1, sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  free(datebuf);
  return rc == SQLITE_OK ? 0 : -1;
}

/* drops what MODU_FTS_TYPES says of table `name`, if it says anything */
static int sw_forget_fts_types(sqlite3 *db, const char *name, modu_err *e) {
  int has = sw_exists(db, MODU_FTS_TYPES, e);
  if (has <= 0) return has;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "DELETE FROM " MODU_FTS_TYPES " WHERE fts = ?1", -1, &st, NULL) != SQLITE_OK)
    return sql_fail(e, db);
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : sql_fail(e, db);
}

/* An FTS5 table's columns have no declared types, so the frame's types go
 * to MODU_FTS_TYPES (in the same savepoint), for db:search and db:read. */
static int sw_fts_types(sqlite3 *db, const char *name, const modu_frame *f, modu_err *e) {
  if (sw_exec(db, "CREATE TABLE IF NOT EXISTS " MODU_FTS_TYPES " (fts TEXT NOT NULL COLLATE NOCASE, "
              "col TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (fts, col)) WITHOUT ROWID", e) ||
      sw_forget_fts_types(db, name, e))
    return -1;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "INSERT INTO " MODU_FTS_TYPES " VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK)
    return sql_fail(e, db);
  int rc = SQLITE_DONE;
  for (int k = 0; k < f->ncol && rc == SQLITE_DONE; k++) {
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, f->names[k], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, sw_decl(f->cols[k]->type), -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : sql_fail(e, db);
}

static int sw_body(sqlite3 *db, const char *name, const modu_frame *f, const modu_sql_write_opts *o, int exists,
                   modu_err *e) {
  char *qname = modu_sql_quote_ident(name);
  if (!qname) return sb_oom(e);
  int rc = 0;
  if (exists && o->if_exists == MODU_SQL_REPLACE) {
    sql_str s = {0};
    ss_adds(&s, "DROP TABLE ");
    ss_adds(&s, qname);
    char *drop = ss_done(&s);
    rc = drop ? sw_exec(db, drop, e) : sb_oom(e);
    free(drop);
  }
  free(qname);
  if (rc == 0 && (!exists || o->if_exists == MODU_SQL_REPLACE)) {
    char *create = sw_create_sql(name, f, o->fts_indexed);
    rc = create ? sw_exec(db, create, e) : sb_oom(e);
    free(create);
    /* a plain table in place of a full-text one keeps no record of it */
    if (rc == 0) rc = o->fts_indexed ? sw_fts_types(db, name, f, e) : sw_forget_fts_types(db, name, e);
  }
  return rc ? rc : sw_insert(db, name, f, e);
}

int modu_sql_write(sqlite3 *db, const char *name, const modu_frame *f, const modu_sql_write_opts *o,
                   modu_err *e) {
  if (f->ncol == 0) {
    modu_errf(e, "the frame has no columns (a table needs at least one)");
    return -1;
  }
  int exists = sw_exists(db, name, e);
  if (exists < 0) return -1;
  if (exists && o->if_exists == MODU_SQL_FAIL) {
    modu_errf(e, "it already exists (if_exists = \"replace\" or \"append\" to overwrite it or add rows)");
    return -1;
  }
  /* A savepoint is a transaction of its own outside one, and nests inside
   * db:transaction. SQLite's rollback journal makes it all or nothing, even
   * when the process dies in the middle. */
  if (sw_exec(db, "SAVEPOINT modu_write", e)) return -1;
  if (sw_body(db, name, f, o, exists, e) == 0 && sw_exec(db, "RELEASE modu_write", e) == 0) return 0;
  /* after some errors (a full disk, I/O) SQLite has rolled back already and
   * the savepoint is gone; either way the database is as it was */
  if (!sqlite3_get_autocommit(db) &&
      sqlite3_exec(db, "ROLLBACK TO modu_write", NULL, NULL, NULL) == SQLITE_OK)
    sqlite3_exec(db, "RELEASE modu_write", NULL, NULL, NULL);
  return -1;
}

/* ---- FTS5 declarations ---- */

static const char *fts_skip_space(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  return p;
}

/* end of a quoted token starting at p ('...', "...", `...`, [...]), doubled
 * quotes included; NULL when unterminated */
static const char *fts_quoted_end(const char *p) {
  char close = *p == '[' ? ']' : *p;
  for (p++; *p; p++)
    if (*p == close) {
      if (close != ']' && p[1] == close) p++;
      else return p + 1;
    }
  return NULL;
}

static bool fts_is_quote(char c) { return c == '\'' || c == '"' || c == '`' || c == '['; }

/* one argument of fts5(...): *end is where it stops (',' or ')'); eq tells
 * whether it is an option (a top-level '=') */
static const char *fts_arg_end(const char *p, bool *eq) {
  *eq = false;
  while (*p && *p != ',' && *p != ')') {
    if (fts_is_quote(*p)) {
      if (!(p = fts_quoted_end(p))) return NULL;
      continue;
    }
    if (*p == '=') *eq = true;
    p++;
  }
  return *p ? p : NULL;
}

/* appends the token [p, end) unquoted to out */
static void fts_add_unquoted(sql_str *out, const char *p, const char *end) {
  if (!fts_is_quote(*p)) {
    ss_add(out, p, (size_t)(end - p));
    return;
  }
  char close = *p == '[' ? ']' : *p;
  for (p++, end--; p < end; p++) {
    ss_add(out, p, 1);
    if (*p == close && close != ']') p++;
  }
}

char *modu_sql_fts_columns(const char *sql) {
  const char *p = sql;
  while (*p && sqlite3_strnicmp(p, "fts5", 4) != 0) {
    if (fts_is_quote(*p)) {
      if (!(p = fts_quoted_end(p))) return NULL;
    } else {
      p++;
    }
  }
  p = *p ? fts_skip_space(p + 4) : p;
  if (*p != '(') return NULL;
  sql_str out = {0};
  for (p++;;) {
    p = fts_skip_space(p);
    if (*p == ')') break;
    bool eq;
    const char *end = fts_arg_end(p, &eq);
    if (!end) goto fail;
    if (!eq) { /* a column: its name, then perhaps UNINDEXED */
      const char *tend = p;
      if (fts_is_quote(*p)) tend = fts_quoted_end(p);
      else
        while (tend < end && *tend != ' ' && *tend != '\t' && *tend != '\n' && *tend != '\r') tend++;
      if (!tend || tend == p || tend > end) goto fail;
      bool indexed = true;
      for (const char *q = tend; q + 9 <= end; q++)
        if (sqlite3_strnicmp(q, "UNINDEXED", 9) == 0) indexed = false;
      ss_add(&out, indexed ? "+" : "-", 1);
      fts_add_unquoted(&out, p, tend);
      ss_add(&out, "", 1);
    }
    p = *end == ',' ? end + 1 : end;
  }
  ss_add(&out, "", 1);
  return ss_done(&out);
fail:
  free(out.p);
  return NULL;
}

/* ---- statistics as SQL aggregates ---- */

enum { SQLFN_MEDIAN, SQLFN_QUANTILE, SQLFN_STDDEV, SQLFN_VARIANCE, SQLFN_CORR };

/* the values of one group, collected by xStep and reduced by xFinal; the
 * context memory is SQLite's, the buffers are ours and xFinal frees them */
typedef struct sqlfn_acc {
  double *x, *y; /* y only for corr */
  int64_t n, cap;
  double p;
  bool have_p, failed;
} sqlfn_acc;

static void sqlfn_release(sqlfn_acc *a) {
  free(a->x);
  free(a->y);
  a->x = a->y = NULL;
  a->n = a->cap = 0;
}

static void sqlfn_error(sqlite3_context *ctx, sqlfn_acc *a, const char *msg) {
  sqlfn_release(a);
  a->failed = true;
  sqlite3_result_error(ctx, msg, -1);
}

static const char *sqlfn_name(int kind) {
  static const char *const names[] = {"median", "quantile", "stddev", "variance", "corr"};
  return names[kind];
}

/* false (with the error set) for text and blobs: a string is never turned
 * into a number silently, as SQLite's own sum() would do */
static bool sqlfn_number(sqlite3_context *ctx, sqlfn_acc *a, int kind, sqlite3_value *v, const char *arg) {
  int t = sqlite3_value_type(v);
  if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) return true;
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s must be a number, got a %s value (CAST it, or filter those rows)",
           sqlfn_name(kind), arg, t == SQLITE_TEXT ? "text" : t == SQLITE_BLOB ? "blob" : "NULL");
  sqlfn_error(ctx, a, msg);
  return false;
}

static void sqlfn_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  sqlfn_acc *a = sqlite3_aggregate_context(ctx, sizeof *a);
  if (!a) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (a->failed) return;
  int kind = (int)(intptr_t)sqlite3_user_data(ctx);
  if (kind == SQLFN_QUANTILE) {
    if (!sqlfn_number(ctx, a, kind, argv[1], "p")) return;
    double p = sqlite3_value_double(argv[1]);
    const char *bad = !(p >= 0 && p <= 1) ? "quantile: p must be between 0 and 1"
                      : a->have_p && p != a->p ? "quantile: p must be the same on every row" : NULL;
    if (bad) {
      sqlfn_error(ctx, a, bad);
      return;
    }
    a->p = p;
    a->have_p = true;
  }
  bool pair = kind == SQLFN_CORR;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || (pair && sqlite3_value_type(argv[1]) == SQLITE_NULL)) return;
  if (!sqlfn_number(ctx, a, kind, argv[0], "x") || (pair && !sqlfn_number(ctx, a, kind, argv[1], "y"))) return;
  (void)argc;
  if (a->n == a->cap) {
    int64_t cap = a->cap ? a->cap * 2 : 64;
    double *x = realloc(a->x, (size_t)cap * sizeof *x);
    if (x) a->x = x;
    double *y = pair ? realloc(a->y, (size_t)cap * sizeof *y) : NULL;
    if (y) a->y = y;
    if (!x || (pair && !y)) {
      sqlfn_release(a);
      a->failed = true;
      sqlite3_result_error_nomem(ctx);
      return;
    }
    a->cap = cap;
  }
  a->x[a->n] = sqlite3_value_double(argv[0]);
  if (pair) a->y[a->n] = sqlite3_value_double(argv[1]);
  a->n++;
}

/* The same kernels as modu's Lua statistics (stats.h): type-7 quantiles by
 * selection, the corrected two-pass variance with n - 1, Pearson's r. */
static void sqlfn_final(sqlite3_context *ctx) {
  sqlfn_acc *a = sqlite3_aggregate_context(ctx, 0);
  if (a && a->failed) { /* xStep reported the error; only the memory is left */
    sqlfn_release(a);
    return;
  }
  if (!a || a->n == 0) {
    if (a) sqlfn_release(a);
    sqlite3_result_null(ctx);
    return;
  }
  double r;
  switch ((int)(intptr_t)sqlite3_user_data(ctx)) {
    case SQLFN_MEDIAN: r = modu_stats_quantile(a->x, a->n, 0.5, 7); break;
    case SQLFN_QUANTILE: r = modu_stats_quantile(a->x, a->n, a->p, 7); break;
    case SQLFN_STDDEV: r = sqrt(modu_stats_var(a->x, a->n, 1)); break;
    case SQLFN_VARIANCE: r = modu_stats_var(a->x, a->n, 1); break;
    default: r = modu_stats_pearson(a->x, a->y, a->n);
  }
  sqlfn_release(a);
  /* NaN: fewer than 2 values, or no spread for corr; SQL says NULL */
  if (isnan(r)) sqlite3_result_null(ctx);
  else sqlite3_result_double(ctx, r);
}

int modu_sql_register_functions(sqlite3 *db) {
  static const struct {
    const char *name;
    int nargs, kind;
  } fns[] = {{"median", 1, SQLFN_MEDIAN},
             {"quantile", 2, SQLFN_QUANTILE},
             {"stddev", 1, SQLFN_STDDEV},
             {"variance", 1, SQLFN_VARIANCE},
             {"corr", 2, SQLFN_CORR}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    int rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                        (void *)(intptr_t)fns[i].kind, NULL, sqlfn_step, sqlfn_final, NULL);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}
