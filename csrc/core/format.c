/* format.c: renders frames as aligned text tables for print() and the REPL,
 * measuring cells with text.c's grapheme-cluster width. */
#include "modu_core.h"
#include "text.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define FMT_ELLIPSIS "\xE2\x80\xA6"   /* U+2026, width 1 */
#define FMT_VDOTS "\xE2\x8B\xAE"      /* U+22EE, width 1 */
#define FMT_TIMES "\xC3\x97"          /* U+00D7 */

void modu_print_opts_default(modu_print_opts *o) {
  o->width = 100;
  o->max_rows = 20;
  o->head = 10;
  o->tail = 5;
  o->max_cell = 32;
}

/* ---- growable byte buffer; the first failed allocation sticks so callers
 * can check once at the end instead of after every append ---- */
typedef struct fmt_buf {
  char *p;
  size_t len, cap;
  bool oom;
} fmt_buf;

static bool fmt_reserve(fmt_buf *b, size_t extra) {
  if (b->oom) return false;
  if (b->len + extra + 1 <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) {
    if (cap > SIZE_MAX / 2) {
      b->oom = true;
      return false;
    }
    cap *= 2;
  }
  char *p = realloc(b->p, cap);
  if (!p) {
    b->oom = true;
    return false;
  }
  b->p = p;
  b->cap = cap;
  return true;
}

static void fmt_put(fmt_buf *b, const char *s, size_t n) {
  if (!fmt_reserve(b, n)) return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void fmt_puts(fmt_buf *b, const char *s) { fmt_put(b, s, strlen(s)); }

static void fmt_spaces(fmt_buf *b, int64_t n) {
  if (n <= 0 || !fmt_reserve(b, (size_t)n)) return;
  memset(b->p + b->len, ' ', (size_t)n);
  b->len += (size_t)n;
  b->p[b->len] = '\0';
}

/* Writes the visible form of cp into out (at least 12 bytes) and returns its
 * length, or 0 when cp can be shown as itself. Anything that would move the
 * cursor or reorder the line is spelled out, so a cell stays one line whose
 * width we can compute. Lua literal syntax: \xHH for bytes, \u{...} above. */
static int fmt_escape_cp(utf8proc_int32_t cp, char *out) {
  switch (cp) {
  case '\n': memcpy(out, "\\n", 2); return 2;
  case '\t': memcpy(out, "\\t", 2); return 2;
  case '\r': memcpy(out, "\\r", 2); return 2;
  default: break;
  }
  if (cp < 0x20 || cp == 0x7F) return snprintf(out, 12, "\\x%02x", (unsigned)cp);
  if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0x061C ||
      cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
      (cp >= 0x2066 && cp <= 0x2069))
    return snprintf(out, 12, "\\u{%x}", (unsigned)cp);
  return 0;
}

/* Appends the grapheme cluster s[at, end) in its visible form and returns
 * the width appended. A cluster is measured whole (modu_text_cluster_width),
 * so an emoji ZWJ sequence, a flag or a letter with its marks is as wide as
 * a terminal draws it. Control and bidi characters are clusters of their own
 * (CR LF excepted), and so is a stray byte: those are spelled out, each
 * escape as wide as its text. */
static int64_t fmt_put_cluster(fmt_buf *out, const char *s, size_t at, size_t end) {
  const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
  char esc[16];
  bool plain = true;
  for (size_t i = at; i < end && plain;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(u + i, (utf8proc_ssize_t)(end - i), &cp);
    plain = n > 0 && fmt_escape_cp(cp, esc) == 0;
    i += n > 0 ? (size_t)n : 1;
  }
  if (plain) {
    fmt_put(out, s + at, end - at);
    return modu_text_cluster_width(s + at, end - at, 1);
  }
  int64_t w = 0;
  for (size_t i = at; i < end;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(u + i, (utf8proc_ssize_t)(end - i), &cp);
    int k;
    if (n <= 0) {
      k = snprintf(esc, sizeof esc, "\\x%02x", (unsigned)u[i]);
      n = 1;
    } else {
      k = fmt_escape_cp(cp, esc);
    }
    if (k > 0) {
      fmt_put(out, esc, (size_t)k);
      w += k;
    } else {
      fmt_put(out, s + i, (size_t)n);
      w += modu_text_cluster_width(s + i, (size_t)n, 1);
    }
    i += (size_t)n;
  }
  return w;
}

/* Appends the visible form of s to out, cut so its width is <= maxw: when the
 * whole does not fit, whole grapheme clusters are kept while they leave room
 * for the ellipsis. Returns the display width appended. Stops reading once the
 * text is known to be too wide, so a huge string costs only what is shown. */
static int64_t fmt_clip(fmt_buf *out, const char *s, size_t len, int64_t maxw) {
  if (maxw < 1) maxw = 1;
  size_t cut = out->len;
  int64_t w = 0, cutw = 0;
  for (size_t at = 0; at < len && w <= maxw;) {
    if (w <= maxw - 1) {
      cut = out->len;
      cutw = w;
    }
    size_t end = modu_text_next_grapheme(s, len, at);
    w += fmt_put_cluster(out, s, at, end);
    at = end;
  }
  if (w <= maxw) return w;
  if (out->len > cut) {
    out->len = cut;
    if (out->p) out->p[cut] = '\0';
  }
  fmt_put(out, FMT_ELLIPSIS, sizeof FMT_ELLIPSIS - 1);
  return cutw + 1;
}

/* ---- cells ---- */

static const char *fmt_type_label(modu_type t) {
  switch (t) {
  case MODU_INT: return "<int>";
  case MODU_FLOAT: return "<float>";
  case MODU_STR: return "<str>";
  case MODU_BOOL: return "<bool>";
  case MODU_DATE: return "<date>";
  }
  return "<?>";
}

/* %g at prec, or at the fewest digits (>= 6) that read back as x when there
 * are such: once a column needs more digits, 0.3 still prints "0.3" rather
 * than 0.29999999999999999 */
static int fmt_float(double x, int prec, bool shorten, char *buf, size_t cap) {
  if (isnan(x)) return snprintf(buf, cap, "NaN");
  if (isinf(x)) return snprintf(buf, cap, x > 0 ? "Inf" : "-Inf");
  /* whole numbers below 1e15 are exact in a double: all their digits read
   * better than an exponent (382100000000, not 3.821e+11) */
  if (x == floor(x) && fabs(x) < 1e15) return snprintf(buf, cap, "%.0f", x);
  int n = 0;
  for (int p = shorten ? 6 : prec; p <= prec; p++) {
    n = snprintf(buf, cap, "%.*g", p, x);
    /* snprintf and strtod share LC_NUMERIC, so the round trip holds in any
     * locale */
    if (p < prec && strtod(buf, NULL) == x) break;
  }
  /* a host that called setlocale() may have switched the decimal point;
   * %g never groups digits, so any comma is that decimal point */
  for (char *p = buf; *p; p++)
    if (*p == ',') *p = '.';
  return n;
}

static int fmt_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* true when neighbours in sorted v[0..m) print differently; formatting is
 * monotonic, so only neighbours can collide */
static bool fmt_floats_distinct(const double *v, int64_t m, int prec, bool shorten) {
  for (int64_t k = 1; k < m; k++) {
    if (v[k] == v[k - 1]) continue;
    char a[40], b[40];
    fmt_float(v[k - 1], prec, shorten, a, sizeof a);
    fmt_float(v[k], prec, shorten, b, sizeof b);
    if (strcmp(a, b) == 0) return false;
  }
  return true;
}

/* Smallest precision (6..17) at which the distinct finite values among the
 * shown rows all print differently, and whether values may then use fewer
 * digits when exact; -1 on out of memory. */
static int fmt_float_prec(const modu_column *c, const int64_t *rows, int64_t n, bool *shorten) {
  double *v = malloc(n > 0 ? (size_t)n * sizeof *v : 1);
  if (!v) return -1;
  int64_t m = 0;
  for (int64_t k = 0; k < n; k++) {
    double x = MODU_F64(c)[rows[k]];
    if (!modu_col_isna(c, rows[k]) && isfinite(x)) v[m++] = x;
  }
  qsort(v, (size_t)m, sizeof *v, fmt_cmp_double);
  int prec = 6;
  while (prec < 17 && !fmt_floats_distinct(v, m, prec, false)) prec++;
  /* a shortened value reads back as itself, so it cannot equal another's
   * text in principle; checked anyway because that argument leans on
   * correctly rounded printf and strtod */
  *shorten = prec > 6 && fmt_floats_distinct(v, m, prec, true);
  free(v);
  return prec;
}

/* one column's rendered header and shown cells, kept back to back in one
 * buffer so a column costs three allocations however many rows it shows */
typedef struct fmt_col {
  fmt_buf text;
  size_t *off;  /* n + 2 entries: header is [off[0], off[1]), cell k follows */
  int64_t *w;   /* n + 1 entries: header width, then each cell's */
  int64_t width;
  bool right;
} fmt_col;

static void fmt_col_free(fmt_col *fc) {
  free(fc->text.p);
  free(fc->off);
  free(fc->w);
  memset(fc, 0, sizeof *fc);
}

static bool fmt_col_build(fmt_col *fc, const modu_column *c, const char *name,
                          const int64_t *rows, int64_t n, int64_t max_cell) {
  memset(fc, 0, sizeof *fc);
  fc->off = malloc((size_t)(n + 2) * sizeof *fc->off);
  fc->w = malloc((size_t)(n + 1) * sizeof *fc->w);
  if (!fc->off || !fc->w) goto fail;
  int prec = 6;
  bool shorten = false;
  if (c->type == MODU_FLOAT) {
    prec = fmt_float_prec(c, rows, n, &shorten);
    if (prec < 0) goto fail;
  }
  fc->right = c->type == MODU_INT || c->type == MODU_FLOAT;
  if (!name) name = "";
  fc->off[0] = 0;
  fc->w[0] = fmt_clip(&fc->text, name, strlen(name), max_cell);
  fc->off[1] = fc->text.len;
  fc->width = (int64_t)strlen(fmt_type_label(c->type));
  if (fc->w[0] > fc->width) fc->width = fc->w[0];
  for (int64_t k = 0; k < n; k++) {
    int64_t r = rows[k];
    char buf[64];
    const char *s = buf;
    size_t len = 0;
    if (modu_col_isna(c, r)) {
      /* text shows <NA>, as tibble does, so that the string "NA" stays distinguishable */
      s = c->type == MODU_STR ? "<NA>" : "NA";
      len = strlen(s);
    } else {
      int m = 0;
      switch (c->type) {
      case MODU_INT: m = snprintf(buf, sizeof buf, "%" PRId64, MODU_I64(c)[r]); break;
      case MODU_FLOAT: m = fmt_float(MODU_F64(c)[r], prec, shorten, buf, sizeof buf); break;
      case MODU_BOOL: m = snprintf(buf, sizeof buf, "%s", MODU_U8(c)[r] ? "true" : "false"); break;
      case MODU_DATE: m = modu_date_format(MODU_I32(c)[r], buf, sizeof buf); break;
      case MODU_STR: s = modu_dict_str(c->dict, MODU_I32(c)[r], &len); break;
      }
      if (c->type != MODU_STR) {
        if (m < 0) m = 0;
        len = (size_t)m < sizeof buf ? (size_t)m : sizeof buf - 1;
      }
    }
    fc->w[k + 1] = fmt_clip(&fc->text, s, len, max_cell);
    fc->off[k + 2] = fc->text.len;
    if (fc->w[k + 1] > fc->width) fc->width = fc->w[k + 1];
  }
  if (fc->text.oom) goto fail;
  return true;
fail:
  fmt_col_free(fc);
  return false;
}

/* cell k (-1: header) padded to the column's width on the side away from
 * its alignment */
static void fmt_put_cell(fmt_buf *out, const fmt_col *fc, int64_t k) {
  const char *s = fc->text.p ? fc->text.p + fc->off[k + 1] : "";
  size_t len = fc->off[k + 2] - fc->off[k + 1];
  int64_t pad = fc->width - fc->w[k + 1];
  fmt_spaces(out, 2);
  if (fc->right) fmt_spaces(out, pad);
  fmt_put(out, s, len);
  if (!fc->right) fmt_spaces(out, pad);
}

static void fmt_put_aligned(fmt_buf *out, const char *s, int64_t width, bool right,
                            int64_t to) {
  if (right) fmt_spaces(out, to - width);
  fmt_puts(out, s);
  if (!right) fmt_spaces(out, to - width);
}

/* ---- the table ---- */

char *modu_format_frame(const modu_frame *f, const modu_print_opts *o) {
  modu_print_opts def;
  if (!o) {
    modu_print_opts_default(&def);
    o = &def;
  }
  int64_t nrow = f->nrow > 0 ? f->nrow : 0;
  int ncol = f->ncol > 0 ? f->ncol : 0;
  int64_t head = o->head > 0 ? o->head : 0, tail = o->tail > 0 ? o->tail : 0;
  int64_t max_cell = o->max_cell > 1 ? o->max_cell : 1;
  int64_t width = o->width > 1 ? o->width : 1;

  fmt_buf out = {0};
  int64_t *rows = NULL;
  fmt_col *cols = NULL;
  int ninc = 0;

  /* rows[] holds the row indices shown; gap is where the ⋮ line goes */
  int64_t nshow = nrow, gap = -1;
  if (ncol > 0 && nrow > o->max_rows && head + tail < nrow) {
    nshow = head + tail;
    gap = head;
  }
  if (ncol == 0) nshow = 0;
  rows = malloc(nshow > 0 ? (size_t)nshow * sizeof *rows : 1);
  cols = malloc(ncol > 0 ? (size_t)ncol * sizeof *cols : 1);
  if (!rows || !cols) goto fail;
  for (int64_t k = 0; k < nshow; k++)
    rows[k] = gap >= 0 && k >= gap ? nrow - tail + (k - gap) : k;

  if (ncol > 0) {
    char lab[24];
    int64_t rn_w = nshow > 0 ? snprintf(lab, sizeof lab, "%" PRId64, rows[nshow - 1] + 1) : 0;
    if (gap >= 0 && rn_w < 1) rn_w = 1;
    int64_t total = rn_w;
    for (int k = 0; k < ncol; k++) {
      if (!fmt_col_build(&cols[k], f->cols[k], f->names ? f->names[k] : NULL, rows, nshow,
                         max_cell))
        goto fail;
      if (ninc > 0 && total + 2 + cols[k].width > width) {
        fmt_col_free(&cols[k]);
        break;
      }
      total += 2 + cols[k].width;
      ninc++;
    }

    fmt_spaces(&out, rn_w);
    for (int k = 0; k < ninc; k++) fmt_put_cell(&out, &cols[k], -1);
    fmt_puts(&out, "\n");
    fmt_spaces(&out, rn_w);
    for (int k = 0; k < ninc; k++) {
      const char *t = fmt_type_label(f->cols[k]->type);
      fmt_spaces(&out, 2);
      fmt_put_aligned(&out, t, (int64_t)strlen(t), cols[k].right, cols[k].width);
    }
    for (int64_t r = 0; r <= nshow; r++) {
      if (r == gap) {
        fmt_puts(&out, "\n");
        fmt_put_aligned(&out, FMT_VDOTS, 1, true, rn_w);
        fmt_spaces(&out, total - rn_w);
      }
      if (r == nshow) break;
      int m = snprintf(lab, sizeof lab, "%" PRId64, rows[r] + 1);
      fmt_puts(&out, "\n");
      fmt_put_aligned(&out, lab, m, true, rn_w);
      for (int k = 0; k < ninc; k++) fmt_put_cell(&out, &cols[k], r);
    }
    fmt_puts(&out, "\n");
  }

  char foot[96];
  snprintf(foot, sizeof foot, "[%" PRId64 " row%s " FMT_TIMES " %d column%s]", nrow, nrow == 1 ? "" : "s",
           ncol, ncol == 1 ? "" : "s");
  fmt_puts(&out, foot);

  if (ninc < ncol) {
    /* names are escaped like headers; building stops once the line is known
     * to overflow, so thousands of hidden columns cost O(width) */
    fmt_buf line = {0};
    char pre[64];
    snprintf(pre, sizeof pre, FMT_ELLIPSIS " and %d more column%s: ", ncol - ninc, ncol - ninc == 1 ? "" : "s");
    fmt_puts(&line, pre);
    int64_t lw = modu_text_width(line.p ? line.p : "", line.len);
    for (int k = ninc; k < ncol && lw <= width; k++) {
      const char *nm = f->names && f->names[k] ? f->names[k] : "";
      if (k > ninc) {
        fmt_puts(&line, ", ");
        lw += 2;
      }
      lw += fmt_clip(&line, nm, strlen(nm), width + 1);
    }
    fmt_puts(&out, "\n");
    if (!line.oom) fmt_clip(&out, line.p, line.len, width);
    bool bad = line.oom;
    free(line.p);
    if (bad) goto fail;
  }
  if (out.oom) goto fail;

  for (int k = 0; k < ninc; k++) fmt_col_free(&cols[k]);
  free(cols);
  free(rows);
  return out.p;

fail:
  if (cols)
    for (int k = 0; k < ninc; k++) fmt_col_free(&cols[k]);
  free(cols);
  free(rows);
  free(out.p);
  return NULL;
}
