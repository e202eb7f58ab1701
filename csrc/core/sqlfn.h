/* SQLite and modu columns: statement rows into typed columns, frames into one
 * transactional INSERT, and modu's statistics as SQL aggregate functions. */
#ifndef MODU_SQLFN_H
#define MODU_SQLFN_H

#include <sqlite3.h>

#include "modu_core.h"

/* median(x), quantile(x, p), stddev(x), variance(x), corr(x, y) on db;
 * an SQLite result code */
int modu_sql_register_functions(sqlite3 *db);

typedef struct modu_sql_fetch_opts {
  bool mixed_str; /* a column mixing text and numbers becomes str (else an error) */
  bool blob_skip; /* a column holding a BLOB is left out (else an error) */
  /* NULL, or for each result column a declared type that stands in for
   * SQLite's (a NULL entry keeps SQLite's) */
  const char *const *decl;
} modu_sql_fetch_opts;

/* Steps st to the end, building one column per result column: INTEGER -> int,
 * REAL -> float (int promoted when both appear), TEXT -> str, NULL -> NA; a
 * column declared DATE holding ISO dates -> date, one declared BOOLEAN holding
 * 0/1 -> bool. Names are made unique (a, a_2). NULL + e on failure, where e
 * holds SQLite's message or the column at fault. */
modu_frame *modu_sql_fetch(sqlite3_stmt *st, const modu_sql_fetch_opts *o, modu_err *e);

typedef enum { MODU_SQL_FAIL, MODU_SQL_REPLACE, MODU_SQL_APPEND } modu_sql_if_exists;

typedef struct modu_sql_write_opts {
  modu_sql_if_exists if_exists;
  /* NULL: a table with typed columns; else an FTS5 trigram table in which
   * column k is indexed when fts_indexed[k] (the others are UNINDEXED) */
  const bool *fts_indexed;
} modu_sql_write_opts;

/* Writes f to table `name` inside one savepoint with one prepared INSERT: on
 * any failure the savepoint is rolled back, so the database is unchanged.
 * Returns 0, or -1 + e. */
int modu_sql_write(sqlite3 *db, const char *name, const modu_frame *f, const modu_sql_write_opts *o,
                   modu_err *e);

/* Where create_fts keeps the frame's column types, which an FTS5 table cannot
 * declare: rows (fts, col, type) with type as a typed table would declare it. */
#define MODU_FTS_TYPES "modu_fts_types"

/* `name` quoted as an SQL identifier ("a""b"), malloc'd; NULL on OOM */
char *modu_sql_quote_ident(const char *name);

/* The columns of an FTS5 table from its CREATE VIRTUAL TABLE text, as one
 * malloc'd block of entries "+name\0" (indexed) or "-name\0" (UNINDEXED),
 * ended by an empty entry. NULL when the text is no fts5 declaration, or on OOM. */
char *modu_sql_fts_columns(const char *create_sql);

#endif
