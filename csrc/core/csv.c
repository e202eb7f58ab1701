/* CSV reader and writer. The reader streams the input through a bounded buffer,
 * parses each field straight into a typed column (promoting the type when a
 * later value needs it), and rereads only columns that turn into text late. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

enum { CT_NONE, CT_BOOL, CT_INT, CT_FLOAT, CT_DATE, CT_STR };

typedef struct csv_col {
  int type;
  bool forced, keep;
  void *data;
  uint64_t *valid;
  modu_dict *dict;
  int64_t text_upto; /* rows [0, text_upto) are reread as text in a second pass */
} csv_col;

typedef struct csv_field {
  int64_t off; /* into buf, or into scratch when quoted */
  size_t len;
  bool quoted;
} csv_field;

struct modu_csv {
  char *name;
  modu_csv_opts o;
  int fd; /* -1: reading from memory */
  char *buf; /* file mode: owned window; memory mode: the caller's data */
  size_t cap, len, pos;
  int64_t base; /* input offset of buf[0] */
  bool eof;
  int64_t line;        /* physical line at pos, 1-based */
  int64_t rec_line;    /* line where the current record starts */
  int64_t data_start;  /* input offset of the first data record */
  int64_t data_line;
  int ncol;
  char **names;
  csv_col *cols;
  int64_t cap_rows;
  csv_field *f;
  int nf, fcap;
  char *scratch;
  size_t slen, scap;
};

#define CSV_BUF (1u << 22)

void modu_csv_opts_default(modu_csv_opts *o) {
  static const char *const na[] = {"NA", "N/A", "null", "NULL"};
  memset(o, 0, sizeof *o);
  o->quote = '"';
  o->decimal = '.';
  o->header = true;
  o->n_max = -1;
  o->na = na;
  o->nna = 4;
}

static size_t csv_width(int t) {
  switch (t) {
    case CT_BOOL: return 1;
    case CT_INT: case CT_FLOAT: return 8;
    default: return 4;
  }
}

static modu_type csv_modu_type(int t) {
  switch (t) {
    case CT_INT: return MODU_INT;
    case CT_FLOAT: return MODU_FLOAT;
    case CT_DATE: return MODU_DATE;
    case CT_STR: return MODU_STR;
    default: return MODU_BOOL;
  }
}

static int csv_ct(modu_type t) {
  switch (t) {
    case MODU_INT: return CT_INT;
    case MODU_FLOAT: return CT_FLOAT;
    case MODU_DATE: return CT_DATE;
    case MODU_STR: return CT_STR;
    default: return CT_BOOL;
  }
}

/* ---- input ---- */

/* moves the unparsed tail to the front and reads more; 0 when nothing came */
static int csv_refill(modu_csv *r, modu_err *e) {
  if (r->fd < 0 || r->eof) return 0;
  if (r->pos > 0) {
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->base += (int64_t)r->pos;
    r->len -= r->pos;
    r->pos = 0;
  }
  if (r->len == r->cap) { /* one record longer than the buffer: grow it */
    char *nb = realloc(r->buf, r->cap * 2);
    if (!nb) return modu_errf(e, "%s: out of memory", r->name);
    r->buf = nb;
    r->cap *= 2;
  }
  for (;;) {
    ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return modu_errf(e, "%s: read failed: %s", r->name, strerror(errno));
    if (got == 0) r->eof = true;
    r->len += (size_t)got;
    return got > 0;
  }
}

static int csv_scratch_put(modu_csv *r, const char *s, size_t n) {
  if (r->slen + n > r->scap) {
    size_t cap = r->scap ? r->scap : 4096;
    while (cap < r->slen + n) cap *= 2;
    char *ns = realloc(r->scratch, cap);
    if (!ns) return -1;
    r->scratch = ns;
    r->scap = cap;
  }
  memcpy(r->scratch + r->slen, s, n);
  r->slen += n;
  return 0;
}

static int csv_add_field(modu_csv *r, int64_t off, size_t len, bool quoted) {
  if (r->nf == r->fcap) {
    int cap = r->fcap ? r->fcap * 2 : 64;
    csv_field *nf = realloc(r->f, (size_t)cap * sizeof *nf);
    if (!nf) return -1;
    r->f = nf;
    r->fcap = cap;
  }
  r->f[r->nf++] = (csv_field){off, len, quoted};
  return 0;
}

static const char *csv_field_ptr(const modu_csv *r, const csv_field *f) {
  return f->quoted ? r->scratch + f->off : r->buf + f->off;
}

/* Parses one record at pos into r->f. 1: a record, 0: end of input, -1: error.
 * A record cut by the end of the buffer is parsed again after a refill. */
static int csv_record(modu_csv *r, modu_err *e) {
  const char sep = r->o.sep, q = r->o.quote;
  for (;;) {
  restart:
    r->nf = 0;
    r->slen = 0;
    if (r->pos >= r->len) {
      int got = csv_refill(r, e);
      if (got < 0) return -1;
      if (r->pos >= r->len) return 0;
    }
    size_t p = r->pos, len = r->len;
    const char *b = r->buf;
    int64_t newlines = 0;
    if (r->o.comment && b[p] == r->o.comment) { /* a comment line */
      while (p < len && b[p] != '\n' && b[p] != '\r') p++;
      if (p == len && !r->eof) goto more;
      if (p < len && b[p] == '\r') {
        p++;
        if (p == len && !r->eof) goto more;
      }
      if (p < len && b[p] == '\n') p++;
      r->pos = p;
      r->line++;
      continue;
    }
    for (;;) {
      if (q && p < len && b[p] == q) {
        int64_t off = (int64_t)r->slen;
        p++;
        for (;;) {
          const char *hit = memchr(b + p, q, len - p);
          if (!hit) {
            if (!r->eof) goto more;
            return modu_errf(e, "%s:%" PRId64 ":%d: unterminated quote (the field opened here never closes)",
                             r->name, r->rec_line = r->line, r->nf + 1);
          }
          size_t h = (size_t)(hit - b);
          for (size_t t = p; t < h; t++) newlines += b[t] == '\n' || (b[t] == '\r' && (t + 1 >= len || b[t + 1] != '\n'));
          if (csv_scratch_put(r, b + p, h - p)) return modu_errf(e, "%s: out of memory", r->name);
          if (h + 1 == len && !r->eof) goto more;
          if (h + 1 < len && b[h + 1] == q) { /* a doubled quote is one quote */
            if (csv_scratch_put(r, &q, 1)) return modu_errf(e, "%s: out of memory", r->name);
            p = h + 2;
            continue;
          }
          p = h + 1;
          break;
        }
        if (csv_add_field(r, off, r->slen - (size_t)off, true)) return modu_errf(e, "%s: out of memory", r->name);
        if (p < len && b[p] != sep && b[p] != '\n' && b[p] != '\r') {
          size_t t = p;
          while (t < len && (b[t] == ' ' || b[t] == '\t') && r->o.trim) t++;
          if (t < len && b[t] != sep && b[t] != '\n' && b[t] != '\r')
            return modu_errf(e, "%s:%" PRId64 ":%d: text after a closing quote (quotes inside a quoted field are doubled: \"\")",
                             r->name, r->line + newlines, r->nf);
          p = t;
        }
      } else {
        size_t start = p;
        while (p < len) {
          char c = b[p];
          if (c == sep || c == '\n' || c == '\r') break;
          p++;
        }
        if (p == len && !r->eof) goto more;
        if (csv_add_field(r, (int64_t)start, p - start, false)) return modu_errf(e, "%s: out of memory", r->name);
      }
      if (p >= len) break;
      char c = b[p];
      if (c == sep) {
        p++;
        if (p == len && !r->eof) goto more;
        if (p == len || b[p] == '\n' || b[p] == '\r') { /* a trailing separator: one more empty field */
          if (csv_add_field(r, (int64_t)p, 0, false)) return modu_errf(e, "%s: out of memory", r->name);
        } else {
          continue;
        }
        if (p >= len) break;
        c = b[p];
      }
      if (c == '\r') {
        p++;
        if (p == len && !r->eof) goto more;
        if (p < len && b[p] == '\n') p++;
      } else if (c == '\n') {
        p++;
      }
      break;
    }
    r->rec_line = r->line;
    r->line += 1 + newlines;
    r->pos = p;
    return 1;
  more:
    if (csv_refill(r, e) < 0) return -1;
    goto restart;
  }
}

static bool csv_blank(const modu_csv *r) { return r->nf == 1 && !r->f[0].quoted && r->f[0].len == 0; }

/* ---- value parsing ---- */

static bool csv_ieq(const char *s, size_t len, const char *lit) {
  size_t i = 0;
  for (; i < len && lit[i]; i++) {
    char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
    if (c != lit[i]) return false;
  }
  return i == len && !lit[i];
}

/* digits with optional sign and thousands groups; 0 ok, 1 too big for int64, -1 not an integer */
static int csv_parse_int(const char *s, size_t len, char thousands, int64_t *out) {
  size_t i = 0;
  bool neg = false;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (i == len) return -1;
  uint64_t v = 0;
  bool over = false;
  int group = -1; /* digits since the last thousands separator; -1 before the first */
  size_t first_digits = 0;
  for (; i < len; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (v > (UINT64_MAX - 9) / 10) over = true;
      v = v * 10 + (uint64_t)(c - '0');
      if (group >= 0) group++;
      else first_digits++;
      if (group > 3) return -1;
    } else if (thousands && c == thousands) {
      if ((group >= 0 && group != 3) || (group < 0 && (first_digits == 0 || first_digits > 3))) return -1;
      group = 0;
    } else {
      return -1;
    }
  }
  if (group >= 0 && group != 3) return -1;
  if (over || v > (uint64_t)INT64_MAX + neg) return 1;
  *out = neg ? (int64_t)(0u - v) : (int64_t)v;
  return 0;
}

static const double csv_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* a decimal number; the common short forms take an exact fast path (both the
 * digits and the power of ten are exact doubles), the rest go through strtod */
static int csv_parse_float(const char *s, size_t len, char decimal, char thousands, double *out) {
  char buf[128];
  size_t n = 0;
  if (len == 0 || len >= sizeof buf) return -1;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') i = 1;
  if (len - i == 3 && (csv_ieq(s + i, 3, "inf") || csv_ieq(s + i, 3, "nan"))) {
    double v = csv_ieq(s + i, 3, "inf") ? INFINITY : NAN;
    *out = s[0] == '-' ? -v : v;
    return 0;
  }
  uint64_t mant = 0;
  int digits = 0, exp10 = 0;
  bool seen_digit = false, seen_point = false, exact = true;
  if (i) buf[n++] = s[0];
  for (; i < len; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (mant || c != '0') {
        if (digits < 19) mant = mant * 10 + (uint64_t)(c - '0'), digits++;
        else exact = false;
        if (seen_point) exp10--;
        if (digits >= 19 && !seen_point && !exact) exp10++;
      } else if (seen_point) {
        exp10--;
      }
      buf[n++] = c;
    } else if (c == decimal && !seen_point) {
      seen_point = true;
      buf[n++] = '.';
    } else if (thousands && c == thousands && !seen_point) {
      continue;
    } else if ((c == 'e' || c == 'E') && seen_digit) {
      buf[n++] = 'e';
      int64_t ev;
      if (csv_parse_int(s + i + 1, len - i - 1, 0, &ev) != 0 || ev > 400 || ev < -400) {
        if (csv_parse_int(s + i + 1, len - i - 1, 0, &ev) < 0) return -1;
        exact = false;
      } else {
        exp10 += (int)ev;
      }
      memcpy(buf + n, s + i + 1, len - i - 1);
      n += len - i - 1;
      break;
    } else {
      return -1;
    }
  }
  if (!seen_digit) return -1;
  if (exact && mant <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
    double v = (double)mant;
    v = exp10 < 0 ? v / csv_pow10[-exp10] : v * csv_pow10[exp10];
    *out = s[0] == '-' ? -v : v;
    return 0;
  }
  buf[n] = 0;
  char *end;
  *out = strtod(buf, &end);
  return *end ? -1 : 0;
}

static int csv_parse_date(const char *s, size_t len, int32_t *d) {
  if (len != 10 || s[4] != '-' || s[7] != '-') return -1;
  modu_err e;
  return modu_date_parse(s, len, d, &e);
}

/* the narrowest type that reads this text */
static int csv_classify(const modu_csv *r, const char *s, size_t len) {
  int64_t i;
  double f;
  int32_t d;
  if (csv_ieq(s, len, "true") || csv_ieq(s, len, "false")) return CT_BOOL;
  int k = csv_parse_int(s, len, r->o.thousands, &i);
  if (k == 0) return CT_INT;
  if (k == 1 || csv_parse_float(s, len, r->o.decimal, r->o.thousands, &f) == 0) return CT_FLOAT;
  if (csv_parse_date(s, len, &d) == 0) return CT_DATE;
  return CT_STR;
}

static int csv_join(int a, int b) {
  if (a == CT_NONE) return b;
  if (a == b) return a;
  bool na = a == CT_BOOL || a == CT_INT || a == CT_FLOAT, nb = b == CT_BOOL || b == CT_INT || b == CT_FLOAT;
  if (na && nb) return a > b ? a : b; /* bool < int < float */
  return CT_STR;
}

/* ---- columns ---- */

static int csv_set_na(modu_csv *r, csv_col *c, int64_t row) {
  if (!c->valid) {
    size_t w = modu_bitmap_words(r->cap_rows);
    c->valid = malloc(w * 8 + 8);
    if (!c->valid) return -1;
    memset(c->valid, 0xff, w * 8 + 8);
  }
  c->valid[row >> 6] &= ~(UINT64_C(1) << (row & 63));
  if (c->data) memset((char *)c->data + (size_t)row * csv_width(c->type), 0, csv_width(c->type));
  return 0;
}

/* moves column c to type t, converting the rows read so far */
static int csv_promote(modu_csv *r, csv_col *c, int t, int64_t row) {
  size_t cap = (size_t)r->cap_rows;
  if (c->type == CT_NONE || t == CT_STR) {
    if (t == CT_STR) {
      /* rows read as something else come back as text in the second pass */
      if (c->type != CT_NONE) c->text_upto = row;
      c->dict = modu_dict_new();
      if (!c->dict) return -1;
    }
    free(c->data);
    c->data = calloc(cap ? cap : 1, csv_width(t));
    if (!c->data) return -1;
  } else if (c->type == CT_BOOL) {
    void *nd = calloc(cap ? cap : 1, 8);
    if (!nd) return -1;
    for (int64_t i = 0; i < row; i++) {
      uint8_t v = ((uint8_t *)c->data)[i];
      if (t == CT_INT) ((int64_t *)nd)[i] = v;
      else ((double *)nd)[i] = v;
    }
    free(c->data);
    c->data = nd;
  } else if (c->type == CT_INT && t == CT_FLOAT) {
    int64_t *iv = (int64_t *)c->data;
    double *fv = (double *)c->data;
    for (int64_t i = 0; i < row; i++) fv[i] = (double)iv[i];
  }
  c->type = t;
  return 0;
}

static int csv_intern(modu_csv *r, csv_col *c, int64_t row, const char *s, size_t len, int k, modu_err *e) {
  int32_t before = c->dict->n;
  int32_t code = modu_dict_intern(c->dict, s, len);
  if (code < 0) return modu_errf(e, "%s: out of memory", r->name);
  if (code == before) { /* a new string: check its UTF-8 once */
    size_t bad;
    if (!modu_utf8_valid(s, len, &bad)) {
      if (!r->o.invalid_replace)
        return modu_errf(e, "%s:%" PRId64 ":%d: invalid UTF-8 at byte %zu of the field (column '%s'; "
                         "invalid = \"replace\" substitutes U+FFFD)", r->name, r->rec_line, k + 1, bad + 1, r->names[k]);
      /* rebuild the string with each bad byte replaced, and point the code at it */
      char *fixed = malloc(len * 3 + 1);
      if (!fixed) return modu_errf(e, "%s: out of memory", r->name);
      size_t n = 0, at = 0;
      while (at < len) {
        size_t b2;
        if (modu_utf8_valid(s + at, len - at, &b2)) {
          memcpy(fixed + n, s + at, len - at);
          n += len - at;
          break;
        }
        memcpy(fixed + n, s + at, b2);
        n += b2;
        memcpy(fixed + n, "\xEF\xBF\xBD", 3);
        n += 3;
        at += b2 + 1;
      }
      /* the invalid entry stays in the dictionary unused; rows refer to the fixed one */
      code = modu_dict_intern(c->dict, fixed, n);
      free(fixed);
      if (code < 0) return modu_errf(e, "%s: out of memory", r->name);
    }
  }
  ((int32_t *)c->data)[row] = code;
  return 0;
}

static int csv_put(modu_csv *r, int k, int64_t row, const char *s, size_t len, bool quoted, modu_err *e) {
  csv_col *c = &r->cols[k];
  if (r->o.trim && !quoted) {
    while (len && (*s == ' ' || (*s == '\t' && r->o.sep != '\t'))) s++, len--;
    while (len && (s[len - 1] == ' ' || (s[len - 1] == '\t' && r->o.sep != '\t'))) len--;
  }
  if (!quoted) {
    bool na = len == 0;
    for (int t = 0; t < r->o.nna && !na; t++) na = strlen(r->o.na[t]) == len && memcmp(r->o.na[t], s, len) == 0;
    if (na) return csv_set_na(r, c, row) ? modu_errf(e, "%s: out of memory", r->name) : 0;
  }
  if (c->type == CT_STR) return csv_intern(r, c, row, s, len, k, e);
  for (;;) {
    int64_t iv;
    double fv;
    int32_t dv;
    switch (c->type) {
      case CT_BOOL:
        if (csv_ieq(s, len, "true") || csv_ieq(s, len, "false")) {
          ((uint8_t *)c->data)[row] = s[0] == 't' || s[0] == 'T';
          return 0;
        }
        break;
      case CT_INT:
        if (csv_parse_int(s, len, r->o.thousands, &iv) == 0) {
          ((int64_t *)c->data)[row] = iv;
          return 0;
        }
        if (csv_ieq(s, len, "true") || csv_ieq(s, len, "false")) {
          ((int64_t *)c->data)[row] = s[0] == 't' || s[0] == 'T';
          return 0;
        }
        break;
      case CT_FLOAT:
        if (csv_parse_float(s, len, r->o.decimal, r->o.thousands, &fv) == 0) {
          ((double *)c->data)[row] = fv;
          return 0;
        }
        if (csv_ieq(s, len, "true") || csv_ieq(s, len, "false")) {
          ((double *)c->data)[row] = s[0] == 't' || s[0] == 'T';
          return 0;
        }
        break;
      case CT_DATE:
        if (csv_parse_date(s, len, &dv) == 0) {
          ((int32_t *)c->data)[row] = dv;
          return 0;
        }
        break;
      default: break;
    }
    if (c->forced) {
      char shown[48];
      size_t n = len < 40 ? len : 40;
      memcpy(shown, s, n);
      shown[n] = 0;
      for (size_t t = 0; t < n; t++)
        if ((unsigned char)shown[t] < 0x20) shown[t] = '?';
      return modu_errf(e, "%s:%" PRId64 ":%d: '%s%s' is not a %s (column '%s' was given that type)", r->name,
                       r->rec_line, k + 1, shown, len > 40 ? "…" : "", modu_type_name(csv_modu_type(c->type)), r->names[k]);
    }
    int t = csv_join(c->type, csv_classify(r, s, len));
    if (t == c->type) t = CT_STR; /* cannot happen for a value its own type rejected; be safe */
    if (csv_promote(r, c, t, row)) return modu_errf(e, "%s: out of memory", r->name);
    if (t == CT_STR) return csv_intern(r, c, row, s, len, k, e);
  }
}

/* ---- open ---- */

static int csv_count_lines(modu_csv *r, modu_err *e) {
  int64_t lf = 0, cr = 0;
  if (r->fd < 0) {
    for (const char *p = r->buf, *end = r->buf + r->len; (p = memchr(p, '\n', (size_t)(end - p))); p++) lf++;
    for (const char *p = r->buf, *end = r->buf + r->len; (p = memchr(p, '\r', (size_t)(end - p))); p++) cr++;
  } else {
    char *tmp = malloc(1u << 20);
    if (!tmp) return modu_errf(e, "%s: out of memory", r->name);
    for (;;) {
      ssize_t got = read(r->fd, tmp, 1u << 20);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        free(tmp);
        return modu_errf(e, "%s: read failed: %s", r->name, strerror(errno));
      }
      if (got == 0) break;
      for (ssize_t i = 0; i < got; i++) lf += tmp[i] == '\n', cr += tmp[i] == '\r';
    }
    free(tmp);
    if (lseek(r->fd, 0, SEEK_SET) < 0) return modu_errf(e, "%s: cannot rewind: %s", r->name, strerror(errno));
  }
  r->cap_rows = (lf > cr ? lf : cr) + 1;
  if (r->o.n_max >= 0 && r->o.n_max < r->cap_rows) r->cap_rows = r->o.n_max;
  return 0;
}

/* the separator whose count per line is the same, and largest, over the first lines */
static char csv_sniff(modu_csv *r) {
  static const char cands[] = {',', ';', '\t', '|'};
  char best = ',';
  int best_count = 0;
  for (int c = 0; c < 4; c++) {
    int lines = 0, count = -1;
    bool steady = true;
    size_t p = r->pos;
    while (p < r->len && lines < 20 && steady) {
      int n = 0;
      bool inq = false;
      for (; p < r->len && (inq || (r->buf[p] != '\n' && r->buf[p] != '\r')); p++) {
        if (r->o.quote && r->buf[p] == r->o.quote) inq = !inq;
        else if (!inq && r->buf[p] == cands[c]) n++;
      }
      while (p < r->len && (r->buf[p] == '\n' || r->buf[p] == '\r')) p++;
      if (count < 0) count = n;
      else if (n != count) steady = false;
      lines++;
    }
    if (steady && count > best_count) best = cands[c], best_count = count;
  }
  return best;
}

static int csv_names(modu_csv *r, modu_err *e) {
  r->names = calloc((size_t)r->ncol, sizeof *r->names);
  r->cols = calloc((size_t)r->ncol, sizeof *r->cols);
  if (!r->names || !r->cols) return modu_errf(e, "%s: out of memory", r->name);
  for (int k = 0; k < r->ncol; k++) {
    r->cols[k].keep = true;
    char base[64];
    const char *s = base;
    size_t len;
    if (r->o.header && k < r->nf) {
      s = csv_field_ptr(r, &r->f[k]);
      len = r->f[k].len;
      while (len && (*s == ' ' || *s == '\t')) s++, len--;
      while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
      size_t bad;
      if (!modu_utf8_valid(s, len, &bad))
        return modu_errf(e, "%s:%" PRId64 ":%d: invalid UTF-8 in the header at byte %zu", r->name, r->rec_line, k + 1, bad + 1);
      if (memchr(s, 0, len)) return modu_errf(e, "%s:%" PRId64 ":%d: a NUL byte in the header", r->name, r->rec_line, k + 1);
    } else {
      len = 0;
    }
    if (len == 0) len = (size_t)snprintf(base, sizeof base, "V%d", k + 1), s = base;
    /* unique names: a repeated name gets _2, _3, ... */
    char *name = malloc(len + 24);
    if (!name) return modu_errf(e, "%s: out of memory", r->name);
    memcpy(name, s, len);
    name[len] = 0;
    for (int n = 2;; n++) {
      bool clash = false;
      for (int j = 0; j < k && !clash; j++) clash = strcmp(r->names[j], name) == 0;
      if (!clash) break;
      snprintf(name + len, 24, "_%d", n);
    }
    r->names[k] = name;
  }
  return 0;
}

static modu_csv *csv_open(modu_csv *r, const modu_csv_opts *o, modu_err *e) {
  r->o = *o;
  if (r->o.decimal == 0) r->o.decimal = '.';
  r->line = 1;
  if (csv_count_lines(r, e)) goto fail;
  if (r->fd >= 0 && csv_refill(r, e) < 0) goto fail;
  if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) r->pos = 3; /* a UTF-8 byte order mark */
  for (int64_t s = 0; s < r->o.skip; s++) { /* skipped lines are raw lines, quotes and all */
    for (;;) {
      while (r->pos < r->len && r->buf[r->pos] != '\n' && r->buf[r->pos] != '\r') r->pos++;
      if (r->pos < r->len || r->eof || r->fd < 0) break;
      if (csv_refill(r, e) < 0) goto fail;
    }
    if (r->pos < r->len && r->buf[r->pos] == '\r') {
      r->pos++;
      if (r->pos == r->len && csv_refill(r, e) < 0) goto fail;
    }
    if (r->pos < r->len && r->buf[r->pos] == '\n') r->pos++;
    r->line++;
  }
  if (!r->o.sep) r->o.sep = csv_sniff(r);
  if (r->o.quote == r->o.sep) {
    modu_errf(e, "%s: the quote and the separator are the same character", r->name);
    goto fail;
  }
  int64_t start = r->base + (int64_t)r->pos, line = r->line;
  int got;
  do got = csv_record(r, e);
  while (got == 1 && csv_blank(r));
  if (got < 0) goto fail;
  r->ncol = got == 1 ? r->nf : 0;
  if (csv_names(r, e)) goto fail;
  if (r->o.header) {
    r->data_start = r->base + (int64_t)r->pos;
    r->data_line = r->line;
  } else { /* the first record is data: read it again */
    r->data_start = start;
    r->data_line = line;
  }
  if (r->fd >= 0) {
    if (lseek(r->fd, r->data_start, SEEK_SET) < 0) {
      modu_errf(e, "%s: cannot seek: %s", r->name, strerror(errno));
      goto fail;
    }
    r->base = r->data_start;
    r->len = r->pos = 0;
    r->eof = false;
  } else {
    r->pos = (size_t)r->data_start;
  }
  r->line = r->data_line;
  return r;
fail:
  modu_csv_close(r);
  return NULL;
}

static modu_csv *csv_alloc(const char *name, modu_err *e) {
  modu_csv *r = calloc(1, sizeof *r);
  if (r) r->name = malloc(strlen(name) + 1);
  if (!r || !r->name) {
    if (r) free(r);
    modu_errf(e, "out of memory");
    return NULL;
  }
  strcpy(r->name, name);
  r->fd = -1;
  return r;
}

modu_csv *modu_csv_open_file(const char *path, const modu_csv_opts *o, modu_err *e) {
  modu_csv *r = csv_alloc(path, e);
  if (!r) return NULL;
  r->fd = open(path, O_RDONLY);
  if (r->fd < 0) {
    modu_errf(e, "%s: cannot open: %s", path, strerror(errno));
    modu_csv_close(r);
    return NULL;
  }
  r->cap = CSV_BUF;
  r->buf = malloc(r->cap);
  if (!r->buf) {
    modu_errf(e, "%s: out of memory", path);
    modu_csv_close(r);
    return NULL;
  }
  return csv_open(r, o, e);
}

modu_csv *modu_csv_open_mem(const char *data, size_t len, const char *name, const modu_csv_opts *o, modu_err *e) {
  modu_csv *r = csv_alloc(name, e);
  if (!r) return NULL;
  r->buf = (char *)data; /* not written to, and not freed, in memory mode */
  r->len = r->cap = len;
  r->eof = true;
  return csv_open(r, o, e);
}

void modu_csv_close(modu_csv *r) {
  if (!r) return;
  if (r->fd >= 0) {
    close(r->fd);
    free(r->buf);
  }
  for (int k = 0; r->cols && k < r->ncol; k++) {
    free(r->cols[k].data);
    free(r->cols[k].valid);
    modu_dict_unref(r->cols[k].dict);
  }
  for (int k = 0; r->names && k < r->ncol; k++) free(r->names[k]);
  free(r->names);
  free(r->cols);
  free(r->f);
  free(r->scratch);
  free(r->name);
  free(r);
}

int modu_csv_ncol(const modu_csv *r) { return r->ncol; }
const char *modu_csv_name(const modu_csv *r, int k) { return r->names[k]; }
char modu_csv_sep(const modu_csv *r) { return r->o.sep; }
void modu_csv_keep(modu_csv *r, int k, bool keep) { r->cols[k].keep = keep; }

void modu_csv_force(modu_csv *r, int k, modu_type t) {
  r->cols[k].forced = true;
  r->cols[k].type = CT_NONE;
  r->cols[k].text_upto = csv_ct(t); /* remembered until the first value; see csv_start_forced */
}

/* forced columns start in their type before the first row */
static int csv_start_forced(modu_csv *r) {
  for (int k = 0; k < r->ncol; k++) {
    csv_col *c = &r->cols[k];
    if (!c->forced) continue;
    int t = (int)c->text_upto;
    c->text_upto = 0;
    if (csv_promote(r, c, t, 0)) return -1;
  }
  return 0;
}

/* ---- read ---- */

static int csv_row_width(modu_csv *r, int64_t row, modu_err *e) {
  if (r->nf == r->ncol || (r->o.ragged_pad && r->nf != r->ncol)) return 0;
  (void)row;
  return modu_errf(e, "%s:%" PRId64 ": %d field%s where the header has %d (ragged = \"pad\" fills short rows with NA)",
                   r->name, r->rec_line, r->nf, r->nf == 1 ? "" : "s", r->ncol);
}

/* the second pass: rows read before a column turned to text are read again as text */
static int csv_text_pass(modu_csv *r, modu_err *e) {
  int64_t upto = 0;
  for (int k = 0; k < r->ncol; k++)
    if (r->cols[k].text_upto > upto) upto = r->cols[k].text_upto;
  if (upto == 0) return 0;
  if (r->fd >= 0) {
    if (lseek(r->fd, r->data_start, SEEK_SET) < 0) return modu_errf(e, "%s: cannot seek: %s", r->name, strerror(errno));
    r->base = r->data_start;
    r->len = r->pos = 0;
    r->eof = false;
  } else {
    r->pos = (size_t)r->data_start;
  }
  r->line = r->data_line;
  for (int64_t row = 0; row < upto;) {
    int got = csv_record(r, e);
    if (got < 0) return -1;
    if (got == 0) break;
    if (csv_blank(r)) continue;
    for (int k = 0; k < r->ncol && k < r->nf; k++) {
      csv_col *c = &r->cols[k];
      if (!c->keep || row >= c->text_upto) continue;
      if (c->valid && !((c->valid[row >> 6] >> (row & 63)) & 1)) continue; /* NA stays NA */
      if (csv_put(r, k, row, csv_field_ptr(r, &r->f[k]), r->f[k].len, r->f[k].quoted, e)) return -1;
    }
    row++;
  }
  return 0;
}

modu_frame *modu_csv_read(modu_csv *r, modu_err *e) {
  if (csv_start_forced(r)) {
    modu_errf(e, "%s: out of memory", r->name);
    return NULL;
  }
  int64_t row = 0;
  while (r->o.n_max < 0 || row < r->o.n_max) {
    int got = csv_record(r, e);
    if (got < 0) return NULL;
    if (got == 0) break;
    if (csv_blank(r) && r->ncol != 1) continue;
    if (csv_blank(r)) continue;
    if (csv_row_width(r, row, e)) return NULL;
    if (row >= r->cap_rows) { /* cannot happen: records never outnumber lines */
      modu_errf(e, "%s: more records than lines", r->name);
      return NULL;
    }
    for (int k = 0; k < r->ncol; k++) {
      if (!r->cols[k].keep) continue;
      if (k >= r->nf) {
        if (csv_set_na(r, &r->cols[k], row)) {
          modu_errf(e, "%s: out of memory", r->name);
          return NULL;
        }
        continue;
      }
      if (csv_put(r, k, row, csv_field_ptr(r, &r->f[k]), r->f[k].len, r->f[k].quoted, e)) return NULL;
    }
    row++;
  }
  if (csv_text_pass(r, e)) return NULL;
  int nkeep = 0;
  for (int k = 0; k < r->ncol; k++) nkeep += r->cols[k].keep;
  modu_frame *f = modu_frame_new(nkeep, row);
  if (!f) {
    modu_errf(e, "%s: out of memory", r->name);
    return NULL;
  }
  for (int k = 0, at = 0; k < r->ncol; k++) {
    csv_col *c = &r->cols[k];
    if (!c->keep) continue;
    modu_column *col = calloc(1, sizeof *col);
    if (!col) goto oom;
    int t = c->type == CT_NONE ? CT_BOOL : c->type;
    col->refs = 1;
    col->type = csv_modu_type(t);
    col->len = row;
    if (!c->data) c->data = calloc(row ? (size_t)row : 1, csv_width(t));
    void *shrunk = c->data ? realloc(c->data, (row ? (size_t)row : 1) * csv_width(t)) : NULL;
    if (!shrunk) {
      free(col);
      goto oom;
    }
    col->data = shrunk;
    c->data = NULL;
    col->valid = c->valid;
    c->valid = NULL;
    if (t == CT_STR) {
      col->dict = c->dict;
      c->dict = NULL;
    }
    if (col->valid) {
      /* bits past the last row were never cleared; only the first row bits count */
      modu_col_drop_full_bitmap(col);
    }
    int fail = modu_frame_set(f, at++, col, r->names[k]);
    modu_col_unref(col);
    if (fail) goto oom;
  }
  return f;
oom:
  modu_frame_free(f);
  modu_errf(e, "%s: out of memory", r->name);
  return NULL;
}

/* ---- writer ---- */

typedef struct csv_out {
  FILE *fp;
  char buf[1 << 16];
  size_t n;
  bool failed;
} csv_out;

static void csv_flush(csv_out *o) {
  if (o->n && fwrite(o->buf, 1, o->n, o->fp) != o->n) o->failed = true;
  o->n = 0;
}

static void csv_emit(csv_out *o, const char *s, size_t len) {
  if (o->n + len > sizeof o->buf) {
    csv_flush(o);
    if (len > sizeof o->buf) {
      if (fwrite(s, 1, len, o->fp) != len) o->failed = true;
      return;
    }
  }
  memcpy(o->buf + o->n, s, len);
  o->n += len;
}

static void csv_emit_text(csv_out *o, const char *s, size_t len, const modu_csv_wopts *w) {
  static const char *const na_words[] = {"NA", "N/A", "null", "NULL"};
  /* quoted when it holds a separator, quote or line break, is empty, looks like
   * an NA token, or has spaces at either end, so that it reads back unchanged */
  bool need = len == 0 || s[0] == ' ' || s[len - 1] == ' ' || s[0] == '\t' || s[len - 1] == '\t';
  for (size_t i = 0; i < len && !need; i++) need = s[i] == w->sep || s[i] == w->quote || s[i] == '\n' || s[i] == '\r';
  for (int t = 0; t < 4 && !need; t++) need = strlen(na_words[t]) == len && memcmp(na_words[t], s, len) == 0;
  if (!need || !w->quote) {
    csv_emit(o, s, len);
    return;
  }
  csv_emit(o, &w->quote, 1);
  size_t from = 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] == w->quote) {
      csv_emit(o, s + from, i + 1 - from);
      csv_emit(o, &w->quote, 1);
      from = i + 1;
    }
  csv_emit(o, s + from, len - from);
  csv_emit(o, &w->quote, 1);
}

static void csv_emit_value(csv_out *o, const modu_column *c, int64_t i, const modu_csv_wopts *w) {
  char buf[64];
  int n;
  if (modu_col_isna(c, i)) {
    csv_emit(o, w->na, strlen(w->na));
    return;
  }
  switch (c->type) {
    case MODU_INT: {
      /* itoa by hand: snprintf dominates the write time otherwise */
      int64_t v = MODU_I64(c)[i];
      uint64_t u = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
      char *p = buf + sizeof buf;
      do *--p = (char)('0' + u % 10);
      while (u /= 10);
      if (v < 0) *--p = '-';
      csv_emit(o, p, (size_t)(buf + sizeof buf - p));
      return;
    }
    case MODU_FLOAT: {
      double x = MODU_F64(c)[i];
      if (isnan(x)) n = snprintf(buf, sizeof buf, "nan");
      else if (isinf(x)) n = snprintf(buf, sizeof buf, x > 0 ? "inf" : "-inf");
      else {
        for (int p = 15; p <= 17; p++) { /* the shortest of these that reads back exactly */
          n = snprintf(buf, sizeof buf, "%.*g", p, x);
          if (strtod(buf, NULL) == x) break;
        }
      }
      csv_emit(o, buf, (size_t)n);
      return;
    }
    case MODU_BOOL: csv_emit(o, MODU_U8(c)[i] ? "true" : "false", MODU_U8(c)[i] ? 4 : 5); return;
    case MODU_DATE: n = modu_date_format(MODU_I32(c)[i], buf, sizeof buf); csv_emit(o, buf, (size_t)n); return;
    case MODU_STR: {
      size_t len;
      const char *s = modu_dict_str(c->dict, MODU_I32(c)[i], &len);
      csv_emit_text(o, s, len, w);
    }
  }
}

int modu_csv_write(const modu_frame *f, FILE *fp, const modu_csv_wopts *w, modu_err *e) {
  csv_out *o = malloc(sizeof *o);
  if (!o) return modu_errf(e, "out of memory");
  o->fp = fp;
  o->n = 0;
  o->failed = false;
  if (w->header) {
    for (int k = 0; k < f->ncol; k++) {
      if (k) csv_emit(o, &w->sep, 1);
      csv_emit_text(o, f->names[k], strlen(f->names[k]), w);
    }
    csv_emit(o, "\n", 1);
  }
  for (int64_t i = 0; i < f->nrow && !o->failed; i++) {
    for (int k = 0; k < f->ncol; k++) {
      if (k) csv_emit(o, &w->sep, 1);
      csv_emit_value(o, f->cols[k], i, w);
    }
    /* a one-column row that is NA would be a blank line, which readers skip */
    if (f->ncol == 1 && modu_col_isna(f->cols[0], i) && !*w->na) csv_emit(o, "\"\"", 0);
    csv_emit(o, "\n", 1);
  }
  csv_flush(o);
  bool failed = o->failed;
  free(o);
  if (failed) return modu_errf(e, "write failed: %s", strerror(errno));
  return 0;
}
