/* CSV in and out: a streaming reader that infers each column's type from all
 * rows, and a writer whose output reads back to the same frame. */
#ifndef MODU_CSV_H
#define MODU_CSV_H

#include <stdio.h>

#include "modu_core.h"

typedef struct modu_csv_opts {
  char sep;        /* 0: sniffed from the first lines among , ; \t | */
  char quote;      /* 0: no quoting */
  char comment;    /* 0: none; lines starting with it are skipped */
  char decimal;    /* '.' or ',' */
  char thousands;  /* 0: none */
  bool header;     /* first line names the columns */
  bool trim;       /* strip spaces around unquoted fields */
  bool ragged_pad; /* short rows are padded with NA, extra fields dropped */
  bool invalid_replace; /* invalid UTF-8 becomes U+FFFD instead of an error */
  int64_t skip;    /* lines skipped before the header */
  int64_t n_max;   /* data rows to read at most; < 0: all */
  const char *const *na; /* NA tokens (unquoted fields only) */
  int nna;
} modu_csv_opts;

void modu_csv_opts_default(modu_csv_opts *o);

typedef struct modu_csv modu_csv;

/* name is used in messages ("file.csv:12:3: ..."); data must outlive the reader */
modu_csv *modu_csv_open_file(const char *path, const modu_csv_opts *o, modu_err *e);
modu_csv *modu_csv_open_mem(const char *data, size_t len, const char *name, const modu_csv_opts *o, modu_err *e);
void modu_csv_close(modu_csv *r);
/* after open: the header (or V1..Vn) */
int modu_csv_ncol(const modu_csv *r);
const char *modu_csv_name(const modu_csv *r, int k);
char modu_csv_sep(const modu_csv *r);
void modu_csv_keep(modu_csv *r, int k, bool keep); /* all kept by default */
void modu_csv_force(modu_csv *r, int k, modu_type t);
/* reads the rows into a frame of the kept columns; NULL + e on failure */
modu_frame *modu_csv_read(modu_csv *r, modu_err *e);

typedef struct modu_csv_wopts {
  char sep, quote;
  const char *na; /* text for NA ("" by default) */
  bool header;
  /* >= 0: the output's file descriptor. Every few MiB the written part is
   * handed to the disk (asynchronously), so that the caller's final fsync
   * has little left to wait for. -1: no such hint. */
  int sync_fd;
} modu_csv_wopts;
/* writes f; -1 + e on a write error */
int modu_csv_write(const modu_frame *f, FILE *out, const modu_csv_wopts *o, modu_err *e);
/* f as CSV text in memory: *text (malloc'd, not terminated) and *len; -1 + e
 * when memory runs out, and then *text is NULL */
int modu_csv_write_mem(const modu_frame *f, const modu_csv_wopts *o, char **text, size_t *len, modu_err *e);

#endif
