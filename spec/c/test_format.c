/* test_format.c: standalone checks of the table printer in csrc/core/format.c,
 * building columns and frames by hand so no other core file is needed. */
#include "modu_core.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MODU_TEST_STUBS
/* days since 1970-01-01 to YYYY-MM-DD (Hinnant's civil_from_days) */
int modu_date_format(int32_t days, char *buf, size_t cap) {
  int64_t z = (int64_t)days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) y++;
  return snprintf(buf, cap, "%04" PRId64 "-%02d-%02d", y, (int)m, (int)d);
}
#endif

static int npass, nfail;

static void check(bool ok, const char *what, const char *out) {
  if (ok) {
    npass++;
    return;
  }
  nfail++;
  printf("FAIL: %s\n", what);
  if (out) printf("----\n%s\n----\n", out);
}

/* ---- hand-built columns; everything is leaked into one list and freed at
 * the end, so tests stay short ---- */
static void *keep[4096];
static int nkeep;
static void *xalloc(size_t n) {
  void *p = calloc(1, n ? n : 1);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  keep[nkeep++] = p;
  return p;
}

static modu_column *mkcol(modu_type t, int64_t len, size_t w) {
  modu_column *c = xalloc(sizeof *c);
  c->refs = 1;
  c->type = t;
  c->len = len;
  c->data = xalloc((size_t)len * w);
  return c;
}

static void set_na(modu_column *c, int64_t i) {
  if (!c->valid) {
    c->valid = xalloc(modu_bitmap_words(c->len) * 8);
    memset(c->valid, 0xff, modu_bitmap_words(c->len) * 8);
  }
  c->valid[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

static modu_column *int_col(int64_t n, const int64_t *v) {
  modu_column *c = mkcol(MODU_INT, n, 8);
  memcpy(c->data, v, (size_t)n * 8);
  return c;
}
static modu_column *float_col(int64_t n, const double *v) {
  modu_column *c = mkcol(MODU_FLOAT, n, 8);
  memcpy(c->data, v, (size_t)n * 8);
  return c;
}
static modu_column *bool_col(int64_t n, const uint8_t *v) {
  modu_column *c = mkcol(MODU_BOOL, n, 1);
  memcpy(c->data, v, (size_t)n);
  return c;
}
static modu_column *date_col(int64_t n, const int32_t *v) {
  modu_column *c = mkcol(MODU_DATE, n, 4);
  memcpy(c->data, v, (size_t)n * 4);
  return c;
}
/* each string gets its own code; NULL entries become NA */
static modu_column *str_col(int64_t n, const char *const *v) {
  modu_column *c = mkcol(MODU_STR, n, 4);
  modu_dict *d = xalloc(sizeof *d);
  d->refs = 1;
  d->off = xalloc((size_t)(n + 1) * sizeof *d->off);
  size_t total = 0;
  for (int64_t i = 0; i < n; i++) total += v[i] ? strlen(v[i]) : 0;
  d->bytes = xalloc(total + 1);
  for (int64_t i = 0; i < n; i++) {
    size_t l = v[i] ? strlen(v[i]) : 0;
    memcpy(d->bytes + d->off[i], v[i] ? v[i] : "", l);
    d->off[i + 1] = d->off[i] + (int64_t)l;
    MODU_I32(c)[i] = (int32_t)i;
    if (!v[i]) set_na(c, i);
  }
  d->n = (int32_t)n;
  d->nbytes = total;
  c->dict = d;
  return c;
}

static modu_frame *mkframe(int ncol, int64_t nrow, modu_column **cols, const char **names) {
  modu_frame *f = xalloc(sizeof *f);
  f->ncol = ncol;
  f->nrow = nrow;
  f->cols = xalloc((size_t)(ncol ? ncol : 1) * sizeof *f->cols);
  f->names = xalloc((size_t)(ncol ? ncol : 1) * sizeof *f->names);
  for (int k = 0; k < ncol; k++) {
    f->cols[k] = cols[k];
    f->names[k] = (char *)names[k];
  }
  return f;
}

/* ---- output inspection ---- */
static int nlines(const char *s) {
  int n = 1;
  for (; *s; s++) n += *s == '\n';
  return n;
}
/* line i (0-based) copied into a static buffer */
static const char *line_at(const char *s, int i) {
  static char buf[8192];
  for (; i > 0 && s; i--) {
    s = strchr(s, '\n');
    if (s) s++;
  }
  if (!s) return "";
  size_t n = strcspn(s, "\n");
  if (n >= sizeof buf) n = sizeof buf - 1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return buf;
}
static int64_t lw(const char *s) { return modu_text_width(s, strlen(s)); }
/* true when the first ntable lines all have the same display width */
static bool same_width(const char *s, int ntable) {
  int64_t w0 = lw(line_at(s, 0));
  for (int i = 1; i < ntable; i++)
    if (lw(line_at(s, i)) != w0) return false;
  return true;
}
static bool has_line(const char *s, const char *want) {
  for (int i = 0; i < nlines(s); i++)
    if (strcmp(line_at(s, i), want) == 0) return true;
  return false;
}
/* line i, trailing spaces dropped */
static const char *rtrim_line(const char *s, int i) {
  static char buf[8192];
  snprintf(buf, sizeof buf, "%s", line_at(s, i));
  size_t n = strlen(buf);
  while (n && buf[n - 1] == ' ') buf[--n] = '\0';
  return buf;
}

static modu_print_opts defopts(void) {
  modu_print_opts o;
  modu_print_opts_default(&o);
  return o;
}

/* ---- tests ---- */

static void test_defaults(void) {
  modu_print_opts o = defopts();
  check(o.width == 100 && o.max_rows == 20 && o.head == 10 && o.tail == 5 && o.max_cell == 32,
        "default options", NULL);
}

static void test_widths(void) {
  check(lw("abc") == 3, "ascii width", NULL);
  check(lw("北京") == 4, "CJK width 2", NULL);
  check(lw("e\xCC\x81") == 1, "combining acute has width 0", NULL);
  check(lw("\xE2\x80\xA6") == 1, "ellipsis width 1", NULL);
  check(lw("") == 0, "empty width", NULL);
  /* decomposed 한 (U+1112 U+1161 U+11AB) is one syllable: width 2 */
  check(lw("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB") == 2, "conjoining jamo width 2", NULL);
}

static void test_chinese(void) {
  const char *city[] = {"北京", "深圳"};
  int64_t year[] = {2016, 2016}, firms[] = {39800, 36100};
  double score[] = {1.5, 0.333};
  modu_column *cols[] = {str_col(2, city), int_col(2, year), int_col(2, firms),
                         float_col(2, score)};
  const char *names[] = {"city", "year", "firms", "score"};
  modu_frame *f = mkframe(4, 2, cols, names);
  modu_print_opts o = defopts();
  char *s = modu_format_frame(f, &o);
  check(s != NULL, "chinese: non-NULL", NULL);
  if (!s) return;
  const char *want = "   city    year  firms    score\n"
                     "   <str>  <int>  <int>  <float>\n"
                     "1  北京    2016  39800      1.5\n"
                     "2  深圳    2016  36100    0.333\n"
                     "[2 rows × 4 columns]";
  check(strcmp(s, want) == 0, "chinese: exact layout", s);
  check(nlines(s) == 5, "chinese: 5 lines", s);
  check(same_width(s, 4), "chinese: table lines same width", s);
  check(s[strlen(s) - 1] != '\n', "chinese: no trailing newline", s);
  free(s);
}

static void test_combining(void) {
  const char *v[] = {"cafe\xCC\x81", "x", "e\xCC\x81\xCC\x82\xCC\x83"};
  modu_column *cols[] = {str_col(3, v), int_col(3, (int64_t[]){1, 2, 3})};
  const char *names[] = {"nom\xCC\x81", "n"};
  modu_frame *f = mkframe(2, 3, cols, names);
  modu_print_opts o = defopts();
  char *s = modu_format_frame(f, &o);
  check(s && same_width(s, 5), "combining: table lines same width", s);
  /* the str column is 4 wide (café), so the n column starts at the same place */
  check(s && strcmp(rtrim_line(s, 2), "1  cafe\xCC\x81       1") == 0, "combining: row 1", s);
  free(s);
  /* cutting keeps a base and its marks together */
  const char *w[] = {"abcde\xCC\x81\xCC\x82gh"};
  modu_column *c2[] = {str_col(1, w)};
  const char *n2[] = {"s"};
  o.max_cell = 6;
  s = modu_format_frame(mkframe(1, 1, c2, n2), &o);
  check(s && strcmp(rtrim_line(s, 2), "1  abcde\xCC\x81\xCC\x82\xE2\x80\xA6") == 0,
        "combining: cut after whole cluster", s);
  o.max_cell = 5;
  free(s);
  s = modu_format_frame(mkframe(1, 1, c2, n2), &o);
  check(s && strcmp(rtrim_line(s, 2), "1  abcd\xE2\x80\xA6") == 0,
        "combining: cut before whole cluster", s);
  free(s);
}

static void test_emoji_zwj(void) {
  /* man ZWJ woman ZWJ girl: one grapheme, 2 columns as a terminal draws it
   * (utf8proc's per-code-point widths add up to 6) */
  const char *fam = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  char cell[128];
  snprintf(cell, sizeof cell, "abc%sxyz", fam);
  const char *v[] = {cell, "k"};
  modu_column *cols[] = {str_col(2, v)};
  const char *names[] = {"e"};
  modu_print_opts o = defopts();
  o.max_cell = 5;
  char *s = modu_format_frame(mkframe(1, 2, cols, names), &o);
  check(s && strcmp(rtrim_line(s, 2), "1  abc\xE2\x80\xA6") == 0, "emoji: ZWJ sequence not split", s);
  check(s && same_width(s, 4), "emoji: same width", s);
  free(s);
  o.max_cell = 8;
  s = modu_format_frame(mkframe(1, 2, cols, names), &o);
  char whole[160];
  snprintf(whole, sizeof whole, "1  %s", cell);
  check(s && strcmp(rtrim_line(s, 2), whole) == 0,
        "emoji: a sequence measured 2 wide, so the 8-column cell fits whole", s);
  check(s && same_width(s, 4), "emoji: same width uncut", s);
  free(s);
  o.max_cell = 6;
  s = modu_format_frame(mkframe(1, 2, cols, names), &o);
  char want[128];
  snprintf(want, sizeof want, "1  abc%s\xE2\x80\xA6", fam);
  check(s && strcmp(rtrim_line(s, 2), want) == 0, "emoji: whole sequence kept when it fits", s);
  free(s);
  /* a flag is two regional indicators; never cut between them */
  const char *flags[] = {"\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5zz"};
  modu_column *c2[] = {str_col(1, flags)};
  o.max_cell = 4;
  s = modu_format_frame(mkframe(1, 1, c2, names), &o);
  check(s && strcmp(rtrim_line(s, 2), "1  \xF0\x9F\x87\xA8\xF0\x9F\x87\xB3\xE2\x80\xA6") == 0,
        "emoji: flags cut between pairs", s);
  free(s);
  /* decomposed Hangul syllables */
  const char *han = "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB\xE1\x84\x80\xE1\x85\xB3\xE1\x86\xAF";
  const char *hv[] = {han};
  modu_column *c3[] = {str_col(1, hv)};
  o.max_cell = 3;
  s = modu_format_frame(mkframe(1, 1, c3, names), &o);
  check(s && strcmp(rtrim_line(s, 2), "1  \xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB\xE2\x80\xA6") == 0,
        "hangul: jamo syllable not split", s);
  free(s);
}

static void test_na(void) {
  modu_column *i = int_col(3, (int64_t[]){1, 2, 3});
  modu_column *fl = float_col(3, (double[]){0.5, 2, 3});
  const char *sv[] = {"a", NULL, "c"};
  modu_column *st = str_col(3, sv);
  modu_column *b = bool_col(3, (uint8_t[]){1, 0, 1});
  modu_column *d = date_col(3, (int32_t[]){0, 19000, -1});
  set_na(i, 1);
  set_na(fl, 0);
  set_na(b, 2);
  set_na(d, 1);
  modu_column *cols[] = {i, fl, st, b, d};
  const char *names[] = {"i", "f", "s", "b", "d"};
  modu_print_opts o = defopts();
  char *s = modu_format_frame(mkframe(5, 3, cols, names), &o);
  check(s && same_width(s, 5), "na: same width", s);
  check(s && strcmp(rtrim_line(s, 1), "   <int>  <float>  <str>  <bool>  <date>") == 0, "na: types", s);
  check(s && strcmp(rtrim_line(s, 2), "1      1       NA  a      true    1970-01-01") == 0, "na: row 1", s);
  check(s && strcmp(rtrim_line(s, 3), "2     NA        2  <NA>   false   NA") == 0, "na: row 2", s);
  check(s && strcmp(rtrim_line(s, 4), "3      3        3  c      NA      1969-12-31") == 0, "na: row 3", s);
  free(s);
}

static void test_float_precision(void) {
  modu_column *a = float_col(2, (double[]){1.0000001, 1.0000002});
  modu_column *b = float_col(2, (double[]){1.5, 0.333});
  modu_column *c = float_col(2, (double[]){NAN, INFINITY});
  modu_column *d = float_col(2, (double[]){-INFINITY, 1e20});
  modu_column *e = float_col(2, (double[]){0.1 + 0.2, 0.3});
  modu_column *cols[] = {a, b, c, d, e};
  const char *names[] = {"a", "b", "c", "d", "e"};
  modu_print_opts o = defopts();
  char *s = modu_format_frame(mkframe(5, 2, cols, names), &o);
  check(s && strstr(s, "1.0000001") && strstr(s, "1.0000002"), "float: escalated precision", s);
  check(s && strstr(s, " 1.5") && strstr(s, " 0.333") && !strstr(s, "0.333000"),
        "float: short values stay short", s);
  check(s && strstr(s, "NaN") && strstr(s, " Inf") && strstr(s, "-Inf") && strstr(s, "1e+20"),
        "float: NaN/Inf", s);
  check(s && strstr(s, "0.30000000000000004") && strstr(s, " 0.3\n") && !strstr(s, "0.29999"), "float: 17 digits when needed",
        s);
  check(s && same_width(s, 4), "float: same width", s);
  free(s);
  /* equal values do not force escalation */
  modu_column *g = float_col(3, (double[]){2.0 / 3, 2.0 / 3, 1});
  modu_column *c2[] = {g};
  s = modu_format_frame(mkframe(1, 3, c2, names), &o);
  check(s && strstr(s, "0.666667") && !strstr(s, "0.6666666"), "float: duplicates stay at 6", s);
  free(s);
}

static void test_many_rows(void) {
  int64_t n = 25;
  int64_t v[25];
  for (int i = 0; i < 25; i++) v[i] = 100 + i;
  modu_column *cols[] = {int_col(n, v)};
  const char *names[] = {"v"};
  modu_print_opts o = defopts();
  char *s = modu_format_frame(mkframe(1, n, cols, names), &o);
  /* header, types, 10 rows, ⋮, 5 rows, footer */
  check(s && nlines(s) == 19, "rows: 19 lines", s);
  check(s && same_width(s, 18), "rows: same width", s);
  check(s && strcmp(rtrim_line(s, 2), " 1    100") == 0, "rows: first row", s);
  check(s && strcmp(rtrim_line(s, 11), "10    109") == 0, "rows: row 10", s);
  check(s && strcmp(line_at(s, 12), " \xE2\x8B\xAE       ") == 0, "rows: vdots line padded", s);
  check(s && strcmp(rtrim_line(s, 13), "21    120") == 0, "rows: row 21", s);
  check(s && strcmp(rtrim_line(s, 17), "25    124") == 0, "rows: row 25", s);
  check(s && !strstr(s, "11    110"), "rows: row 11 hidden", s);
  check(s && strcmp(line_at(s, 18), "[25 rows × 1 column]") == 0, "rows: footer", s);
  free(s);
  /* exactly max_rows shows all */
  s = modu_format_frame(mkframe(1, 20, cols, names), &o);
  check(s && nlines(s) == 23 && !strstr(s, "\xE2\x8B\xAE"), "rows: 20 rows all shown", s);
  free(s);
  /* a big frame prints quickly: only shown rows are formatted */
  int64_t big = 10000000;
  modu_column *bc = mkcol(MODU_FLOAT, big, 8);
  for (int64_t i = 0; i < big; i++) MODU_F64(bc)[i] = (double)i / 3;
  modu_column *c2[] = {bc};
  s = modu_format_frame(mkframe(1, big, c2, names), &o);
  check(s && strstr(s, "10000000     3333333") && strstr(s, " 3333332.3") && strstr(s, "[10000000 rows × 1 column]"),
        "rows: 1e7 rows", s);
  check(s && same_width(s, 18), "rows: 1e7 same width", s);
  free(s);
}

static void test_more_columns(void) {
  modu_column *cols[6];
  const char *names[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta"};
  for (int k = 0; k < 6; k++) cols[k] = int_col(2, (int64_t[]){1, 22});
  modu_print_opts o = defopts();
  o.width = 20;
  char *s = modu_format_frame(mkframe(6, 2, cols, names), &o);
  /* "1  alpha  beta" is 14 wide; gamma would make it 21 */
  check(s && same_width(s, 4) && lw(line_at(s, 0)) <= 20, "more: table fits width", s);
  check(s && strcmp(rtrim_line(s, 0), "   alpha   beta") == 0, "more: header", s);
  check(s && strcmp(line_at(s, 4), "[2 rows × 6 columns]") == 0, "more: footer counts all", s);
  check(s && nlines(s) == 6, "more: 6 lines", s);
  check(s && lw(line_at(s, 5)) <= 20, "more: names line fits", s);
  check(s && strncmp(line_at(s, 5), "… and 4 more", strlen("… and 4 more")) == 0 &&
            strcmp(line_at(s, 5) + strlen(line_at(s, 5)) - 3, "…") == 0,
        "more: names line cut with ellipsis", s);
  free(s);
  o.width = 40;
  s = modu_format_frame(mkframe(6, 2, cols, names), &o);
  check(s && has_line(s, "… and 1 more column: zeta"), "more: one more", s);
  free(s);
  o.width = 25;
  s = modu_format_frame(mkframe(6, 2, cols, names), &o);
  check(s && has_line(s, "… and 3 more columns: de…") && has_line(s, "   alpha   beta  gamma"),
        "more: names cut at width 25", s);
  free(s);
  o.width = 36;
  s = modu_format_frame(mkframe(6, 2, cols, names), &o);
  check(s && has_line(s, "… and 2 more columns: epsilon, zeta"), "more: full names", s);
  free(s);
  /* the first column is shown even when it alone is too wide */
  o.width = 3;
  s = modu_format_frame(mkframe(6, 2, cols, names), &o);
  check(s && strcmp(rtrim_line(s, 0), "   alpha") == 0 && lw(line_at(s, 5)) <= 3,
        "more: first column always shown", s);
  free(s);
}

static void test_escapes(void) {
  const char *v[] = {"a\nb", "tab\there", "cr\r", "esc\x1b[31m", "c1\xC2\x85", "bad\xFF"};
  modu_column *cols[] = {str_col(6, v)};
  const char *names[] = {"x\ny"};
  modu_print_opts o = defopts();
  char *s = modu_format_frame(mkframe(1, 6, cols, names), &o);
  check(s && nlines(s) == 9, "escape: one line per row", s);
  check(s && strcmp(rtrim_line(s, 0), "   x\\ny") == 0, "escape: header", s);
  check(s && strcmp(rtrim_line(s, 2), "1  a\\nb") == 0, "escape: newline", s);
  check(s && strcmp(rtrim_line(s, 3), "2  tab\\there") == 0, "escape: tab", s);
  check(s && strcmp(rtrim_line(s, 4), "3  cr\\r") == 0, "escape: cr", s);
  check(s && strcmp(rtrim_line(s, 5), "4  esc\\x1b[31m") == 0, "escape: esc", s);
  check(s && strcmp(rtrim_line(s, 6), "5  c1\\u{85}") == 0, "escape: C1", s);
  check(s && strcmp(rtrim_line(s, 7), "6  bad\\xff") == 0, "escape: invalid byte", s);
  check(s && same_width(s, 8), "escape: same width", s);
  free(s);
  /* an escape is never cut in half */
  const char *w[] = {"ab\x1b"};
  modu_column *c2[] = {str_col(1, w)};
  o.max_cell = 5;
  s = modu_format_frame(mkframe(1, 1, c2, names), &o);
  check(s && strcmp(rtrim_line(s, 2), "1  ab…") == 0, "escape: not split by cut", s);
  free(s);
}

static void test_header_cut(void) {
  const char *v[] = {"x"};
  modu_column *cols[] = {str_col(1, v), int_col(1, (int64_t[]){7})};
  const char *names[] = {"a_very_long_column_name_indeed", "一二三四五六"};
  modu_print_opts o = defopts();
  o.max_cell = 10;
  char *s = modu_format_frame(mkframe(2, 1, cols, names), &o);
  check(s && strcmp(rtrim_line(s, 0), "   a_very_lo…  一二三四…") == 0, "header: cut", s);
  check(s && same_width(s, 3), "header: same width", s);
  free(s);
}

static void test_empty(void) {
  modu_column *cols[] = {mkcol(MODU_INT, 0, 8), mkcol(MODU_STR, 0, 4)};
  const char *names[] = {"a", "b"};
  modu_print_opts o = defopts();
  char *s = modu_format_frame(mkframe(2, 0, cols, names), &o);
  check(s && nlines(s) == 3 && strcmp(line_at(s, 2), "[0 rows × 2 columns]") == 0 &&
            same_width(s, 2),
        "empty: 0 rows", s);
  check(s && strcmp(rtrim_line(s, 1), "  <int>  <str>") == 0, "empty: types", s);
  free(s);
  s = modu_format_frame(mkframe(0, 7, NULL, NULL), &o);
  check(s && strcmp(s, "[7 rows × 0 columns]") == 0, "empty: 0 columns", s);
  free(s);
  s = modu_format_frame(mkframe(0, 0, NULL, NULL), &o);
  check(s && strcmp(s, "[0 rows × 0 columns]") == 0, "empty: 0 x 0", s);
  free(s);
}

static void test_bool_date(void) {
  modu_column *b = bool_col(2, (uint8_t[]){1, 0});
  modu_column *d = date_col(2, (int32_t[]){16801, 0});
  modu_column *cols[] = {b, d};
  const char *names[] = {"flag", "when"};
  modu_print_opts o = defopts();
  char *s = modu_format_frame(mkframe(2, 2, cols, names), &o);
  const char *want = "   flag    when      \n"
                     "   <bool>  <date>    \n"
                     "1  true    2016-01-01\n"
                     "2  false   1970-01-01\n"
                     "[2 rows × 2 columns]";
  check(s && strcmp(s, want) == 0, "bool/date: exact", s);
  free(s);
}

static void test_small_opts(void) {
  /* head/tail larger than the frame: show everything */
  int64_t v[6] = {1, 2, 3, 4, 5, 6};
  modu_column *cols[] = {int_col(6, v)};
  const char *names[] = {"v"};
  modu_print_opts o = defopts();
  o.max_rows = 3;
  o.head = 2;
  o.tail = 1;
  char *s = modu_format_frame(mkframe(1, 6, cols, names), &o);
  check(s && nlines(s) == 7 && strcmp(rtrim_line(s, 4), "\xE2\x8B\xAE") == 0 &&
            strcmp(rtrim_line(s, 5), "6      6") == 0,
        "small: head 2 tail 1", s);
  free(s);
  o.head = 4;
  o.tail = 4;
  s = modu_format_frame(mkframe(1, 6, cols, names), &o);
  check(s && nlines(s) == 9 && !strstr(s, "\xE2\x8B\xAE"), "small: head+tail cover all", s);
  free(s);
  o.head = 0;
  o.tail = 0;
  s = modu_format_frame(mkframe(1, 6, cols, names), &o);
  check(s && nlines(s) == 4 && same_width(s, 3), "small: only vdots", s);
  free(s);
  s = modu_format_frame(mkframe(1, 6, cols, names), NULL);
  check(s && nlines(s) == 9, "small: NULL opts use defaults", s);
  free(s);
}

int main(void) {
  test_defaults();
  test_widths();
  test_chinese();
  test_combining();
  test_emoji_zwj();
  test_na();
  test_float_precision();
  test_many_rows();
  test_more_columns();
  test_escapes();
  test_header_cut();
  test_empty();
  test_bool_date();
  test_small_opts();
  for (int i = 0; i < nkeep; i++) free(keep[i]);
  printf("%d passed, %d failed\n", npass, nfail);
  return nfail ? 1 : 0;
}
