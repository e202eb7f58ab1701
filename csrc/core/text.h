/* Text kernels on UTF-8: normalization, case, display width, graphemes and
 * match keys (text.c), numbers and dates in prose (numparse.c), similarity (fuzzy.c). */
#ifndef MODU_TEXT_H
#define MODU_TEXT_H

#include "modu_core.h"

/* ---- string maps: each returns a malloc'd, NUL-terminated result and its
 * length, or NULL + e (invalid UTF-8 names the byte, 1-based; or OOM) ---- */
typedef enum {
  MODU_TX_NFC = 0,
  MODU_TX_NFD,
  MODU_TX_NFKC,
  MODU_TX_NFKD,
  MODU_TX_NFKC_CF, /* NFKC_Casefold */
  MODU_TX_CASEFOLD,
  MODU_TX_LOWER,
  MODU_TX_UPPER,
  MODU_TX_STRIP_MARKS,
  MODU_TX_KEY,
  MODU_TX_SANITIZE /* the one map that accepts invalid UTF-8 */
} modu_text_op;

#define MODU_TX_FORM_NAMES "NFC, NFD, NFKC, NFKD, NFKC_Casefold"
/* MODU_TX_NFC..MODU_TX_NFKC_CF for a form name (case-insensitive), -1 if unknown */
int modu_text_form_from_name(const char *s);

char *modu_text_map(modu_text_op op, const char *s, size_t len, size_t *outlen, modu_err *e);

/* ---- measuring ---- */
/* display width in terminal columns, one grapheme cluster at a time (an emoji
 * ZWJ sequence or a flag is 2, a combining mark 0); ambiguous is 1 or 2: the
 * width of East Asian Ambiguous characters. Stray bytes count 1 each. */
int64_t modu_text_width_amb(const char *s, size_t len, int ambiguous);
/* width of the one grapheme cluster s[0, len) (see modu_text_next_grapheme);
 * the printer (format.c) and modu_text_width_amb both measure with it */
int64_t modu_text_cluster_width(const char *s, size_t len, int ambiguous);
/* byte length of the longest prefix made of whole grapheme clusters whose
 * width is <= maxw */
size_t modu_text_fit(const char *s, size_t len, int64_t maxw, int ambiguous, int64_t *width);
/* end (byte offset) of the grapheme cluster that starts at `at` (< len) */
size_t modu_text_next_grapheme(const char *s, size_t len, size_t at);
int64_t modu_text_graphemes(const char *s, size_t len); /* count */
int64_t modu_text_len(const char *s, size_t len);       /* code points */
/* two-letter general category of code point cp ("Lu", "Nd", ...) */
const char *modu_text_category(int32_t cp);

/* ---- str columns: one map per dictionary entry, rows re-coded; NA stays NA ---- */
modu_column *modu_text_col_map(modu_text_op op, const modu_column *c, modu_err *e);
modu_column *modu_text_col_width(const modu_column *c, int ambiguous, modu_err *e);
typedef enum { MODU_TX_CONTAINS, MODU_TX_STARTS, MODU_TX_ENDS } modu_text_match;
/* fold: compare match keys (modu_text_map MODU_TX_KEY) instead of bytes */
modu_column *modu_text_col_match(const modu_column *c, modu_text_match how, const char *pat,
                                 size_t plen, bool fold, modu_err *e);
/* every non-overlapping occurrence of pat (non-empty) replaced by rep */
modu_column *modu_text_col_replace(const modu_column *c, const char *pat, size_t plen,
                                   const char *rep, size_t rlen, modu_err *e);

/* ---- numbers in prose (numparse.c) ---- */
typedef enum { MODU_LOC_AUTO = 0, MODU_LOC_EN, MODU_LOC_ID, MODU_LOC_ZH } modu_locale;
#define MODU_LOC_NAMES "auto, en, id, zh"
int modu_locale_from_name(const char *s); /* -1 if unknown */

typedef struct modu_num {
  double value;
  int64_t ival;     /* the value, when is_int */
  bool is_int;      /* an exact integer within +-2^53 */
  const char *unit; /* "CNY", "USD", "firms", "items", "PFLOPS", "%", or NULL */
  size_t start, end; /* byte span in the input, 0-based, end exclusive */
} modu_num;

/* Every number in s, in order, into out (at most cap; *n says how many were
 * found, which may exceed cap). A number that does not read in the locale is
 * an error naming it and its byte, unless skip_invalid, when it is left out.
 * auto decides from the passage: numbers that read only one way, and scale
 * words (miliar, billion, 亿) settle the decimal mark for the rest. */
int modu_parse_numbers(const char *s, size_t len, modu_locale loc, bool skip_invalid, modu_num *out,
                       size_t cap, size_t *n, modu_err *e);

/* ---- dates in prose (numparse.c) ---- */
typedef enum { MODU_PREC_DAY = 0, MODU_PREC_MONTH, MODU_PREC_YEAR } modu_precision;

typedef struct modu_date_match {
  int64_t year;      /* 0 with has_year false */
  bool has_year;
  int month, day;    /* day 0: month precision; month 0: year precision */
  int month2, day2;  /* a range's end ("Juli dan Agustus"): month2 > 0 */
  int64_t year2;     /* the range's end year */
  modu_precision precision;
  size_t start, end; /* byte span, 0-based, end exclusive */
} modu_date_match;

/* the first date in s; -1 + e when there is none or it is no real day */
int modu_parse_date(const char *s, size_t len, modu_locale loc, modu_date_match *out, modu_err *e);
/* all of them (like modu_parse_numbers, minus skip) */
int modu_parse_dates(const char *s, size_t len, modu_locale loc, modu_date_match *out, size_t cap,
                     size_t *n, modu_err *e);

/* ---- similarity of two valid UTF-8 strings, in [0, 1] (fuzzy.c) ---- */
/* 1 - d / max(len) with d the optimal-string-alignment Damerau-Levenshtein
 * distance over code points; -1 when out of memory */
double modu_text_dl_similarity(const char *a, size_t alen, const char *b, size_t blen);
int64_t modu_text_dl_distance(const char *a, size_t alen, const char *b, size_t blen);
/* Jaccard index of the code-point trigram sets of " a " and " b "; -1 on OOM */
double modu_text_trigram_similarity(const char *a, size_t alen, const char *b, size_t blen);

#endif
