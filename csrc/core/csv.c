/* CSV reader and writer. The reader streams the input through a bounded buffer,
 * parses each field straight into a typed column (promoting the type when a
 * later value needs it), and rereads only columns that turn into text late. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "csv.h"
#include "dtoa.h"

enum { CT_NONE, CT_BOOL, CT_INT, CT_FLOAT, CT_DATE, CT_STR };

/* An entry of the per-column cache in front of the dictionary for strings of
 * at most 16 bytes: the key is the string's bytes themselves (see csv_key), so
 * a hit costs one hash of two words and one probe, and needs no compare
 * against the dictionary's pool. code1 is the code + 1; 0 marks an empty slot. */
typedef struct csv_slot {
  uint64_t w0, w1;
  uint32_t len;
  int32_t code1;
} csv_slot;

/* the cache stops growing here (24 bytes a slot): columns with more distinct
 * short strings than this go straight to the dictionary */
#define CSV_TAB_MAX ((size_t)1 << 20)

typedef struct csv_col {
  int type;
  bool forced, keep;
  int forced_type;
  void *data;
  uint64_t *valid;
  modu_dict *dict;
  csv_slot *tab; /* NULL: no cache (yet, or any more) */
  size_t tcap, tn;
  bool tab_off;
  int64_t text_upto; /* rows [0, text_upto) are reread as text in a second pass */
} csv_col;

typedef struct csv_field {
  int64_t off;  /* into buf, or into scratch when copied */
  int64_t len;
  int64_t line; /* where the field starts, for messages */
  bool quoted;  /* a quoted field is never NA */
  bool copied;  /* had doubled quotes, so its text lives in scratch */
} csv_field;

struct modu_csv {
  char *name;
  modu_csv_opts o;
  size_t *na_len;
  bool na_first[256]; /* first bytes of the NA tokens: most fields fail here */
  bool stop[256];     /* bytes that end an unquoted field: sep, \n, \r */
  int fd;    /* -1: reading from memory */
  char *buf; /* file mode: owned window; memory mode: the caller's data */
  size_t cap, len, pos;
  int64_t base; /* input offset of buf[0] */
  int64_t size; /* input bytes; -1 when unknown (a pipe) */
  bool eof;
  size_t mblk;    /* offset of the 64-byte block whose stop mask is in mbits */
  uint64_t mbits; /* bit i: buf[mblk + i] ends an unquoted field */
  int64_t line;       /* physical line at pos, 1-based */
  int64_t data_start; /* input offset of the first data record */
  int64_t data_line;
  int ncol;
  char **names;
  csv_col *cols;
  int *kept; /* indexes of the kept columns */
  int nkept;
  int64_t cap_rows;
  csv_field *f; /* the fields of the record being scanned: `fields` or a batch row */
  int nf, fcap;
  bool fixed;   /* f is a batch row of fcap slots: fields past them are only counted */
  csv_field *fields; /* growable, for the header */
  int fields_cap;
  csv_field *batch; /* batch_rows rows of ncol + 1 fields */
  int *batch_nf;
  int batch_rows;
  char *scratch;
  size_t slen, scap;
};

/* One read() asks for at most this much, so that the bytes being parsed are
 * still in the L2 cache; the window itself starts at 1 MiB and doubles only
 * for a record longer than it. */
#define CSV_BUF ((size_t)1 << 18)
#define CSV_MORE 2 /* csv_scan: the record runs past the end of the buffer */
#define CSV_SKIP 3 /* csv_scan: a comment line was consumed */

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

static int csv_oom(const modu_csv *r, modu_err *e) { return modu_errf(e, "%s: out of memory", r->name); }

/* ---- column memory ---- */

/* Column arrays are large and written once front to back: they come from
 * modu_alloc_big, and grown ones get the same huge-page advice. */
static void *csv_calloc_rows(int64_t rows, size_t width) {
  return modu_alloc_big((rows ? (size_t)rows : 1) * width, true);
}

/* ---- input ---- */

/* moves the unparsed tail to the front and reads more; 0 when nothing came */
static int csv_refill(modu_csv *r, modu_err *e) {
  if (r->fd < 0 || r->eof) return 0;
  r->mblk = SIZE_MAX; /* the bytes move, and the last block gets longer */
  if (r->pos > 0) {
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->base += (int64_t)r->pos;
    r->len -= r->pos;
    r->pos = 0;
  }
  if (r->len == r->cap) { /* one record longer than the buffer: grow it */
    if (r->cap > SIZE_MAX / 4) return csv_oom(r, e);
    char *nb = realloc(r->buf, r->cap * 2);
    if (!nb) return csv_oom(r, e);
    r->buf = nb;
    r->cap *= 2;
  }
  for (;;) {
    /* A record cut by the end is scanned again from its start after the
     * refill: past one read's worth, fill all the room (which doubles with
     * each growth), so that the rescans add up to linear work. */
    size_t want = r->cap - r->len;
    if (want > CSV_BUF && r->len < CSV_BUF) want = CSV_BUF;
    ssize_t got = read(r->fd, r->buf + r->len, want);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return modu_errf(e, "%s: read failed: %s", r->name, strerror(errno));
    if (got == 0) r->eof = true;
    r->len += (size_t)got;
    return got > 0;
  }
}

/* restarts reading at input offset `at`, line `line` */
static int csv_seek(modu_csv *r, int64_t at, int64_t line, modu_err *e) {
  r->mblk = SIZE_MAX;
  r->line = line;
  if (r->fd < 0) {
    r->pos = (size_t)at;
    return 0;
  }
  if (lseek(r->fd, at, SEEK_SET) < 0) return modu_errf(e, "%s: cannot seek: %s", r->name, strerror(errno));
  r->base = at;
  r->len = r->pos = 0;
  r->eof = false;
  return 0;
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

static int csv_add_field_slow(modu_csv *r, int64_t off, size_t len, int64_t line, bool quoted, bool copied) {
  if (r->fixed) {
    r->nf++;
    return 0;
  }
  if (r->nf == r->fcap) {
    if (r->fcap > INT32_MAX / 4) return -1;
    int cap = r->fcap ? r->fcap * 2 : 64;
    csv_field *nf = realloc(r->fields, (size_t)cap * sizeof *nf);
    if (!nf) return -1;
    r->f = r->fields = nf;
    r->fcap = r->fields_cap = cap;
  }
  r->f[r->nf++] = (csv_field){off, (int64_t)len, line, quoted, copied};
  return 0;
}

static inline int csv_add_field(modu_csv *r, int64_t off, size_t len, int64_t line, bool quoted, bool copied) {
  if (r->nf < r->fcap) {
    r->f[r->nf++] = (csv_field){off, (int64_t)len, line, quoted, copied};
    return 0;
  }
  return csv_add_field_slow(r, off, len, line, quoted, copied);
}

static const char *csv_field_ptr(const modu_csv *r, const csv_field *f) {
  return f->copied ? r->scratch + f->off : r->buf + f->off;
}

/* kept out of line where the caller is large, so the hot loop gets the registers */
#if defined(__GNUC__)
#define CSV_NOINLINE __attribute__((noinline))
#else
#define CSV_NOINLINE
#endif

static inline int csv_ctz(uint64_t m) {
#if defined(__GNUC__)
  return __builtin_ctzll(m);
#else
  int n = 0;
  while (!(m & 1)) m >>= 1, n++;
  return n;
#endif
}

/* The stop mask of the 64 bytes at buf[blk]: bit i set when byte i ends an
 * unquoted field. Bytes at and past the end of the data count as stops, so
 * a scan always ends by len. */
static uint64_t csv_mask(const modu_csv *r, size_t blk) {
  if (blk >= r->len) return ~UINT64_C(0);
  const unsigned char *b = (const unsigned char *)r->buf + blk;
  uint64_t m = 0;
  if (r->len - blk >= 64) {
#if defined(__SSE2__)
    const __m128i vs = _mm_set1_epi8(r->o.sep), vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r');
    for (int i = 0; i < 4; i++) {
      __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * i));
      __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vs), _mm_cmpeq_epi8(x, vn)), _mm_cmpeq_epi8(x, vr));
      m |= (uint64_t)(uint32_t)_mm_movemask_epi8(hit) << (16 * i);
    }
#else
    for (int i = 0; i < 64; i++) m |= (uint64_t)r->stop[b[i]] << i;
#endif
    return m;
  }
  size_t n = r->len - blk;
  for (size_t i = 0; i < n; i++) m |= (uint64_t)r->stop[b[i]] << i;
  return m | (~UINT64_C(0) << n);
}

/* line breaks in b[from, to): \n, and \r not followed by \n */
static int32_t csv_breaks(const char *b, size_t from, size_t to) {
  int32_t n = 0;
  for (size_t t = from; t < to; t++) n += b[t] == '\n' || (b[t] == '\r' && (t + 1 >= to || b[t + 1] != '\n'));
  return n;
}

static bool csv_space(char c, char sep) { return (c == ' ' || c == '\t') && c != sep; }

/* A quoted field whose opening quote is at t: its text goes into r->f, and
 * *pp moves past the closing quote (and any trimmed spaces after it). */
static int csv_quoted(modu_csv *r, size_t t, size_t *pp, int32_t *nl, modu_err *e) {
  const char *b = r->buf;
  const size_t len = r->len;
  const char q = r->o.quote, sep = r->o.sep;
  const int32_t nl0 = *nl;
  size_t from = t + 1, h;
  int64_t off = (int64_t)(t + 1);
  bool copied = false;
  for (;;) {
    const char *hit = from < len ? memchr(b + from, q, len - from) : NULL;
    if (!hit) {
      if (!r->eof) return CSV_MORE;
      return modu_errf(e, "%s:%" PRId64 ":%d: unterminated quote (the field opened here never closes)", r->name,
                       r->line + nl0, r->nf + 1);
    }
    h = (size_t)(hit - b);
    if (h + 1 == len && !r->eof) return CSV_MORE;
    if (h + 1 < len && b[h + 1] == q) { /* a doubled quote is one quote: the text moves to scratch */
      if (!copied) off = (int64_t)r->slen;
      copied = true;
      if (csv_scratch_put(r, b + from, h + 1 - from)) return csv_oom(r, e);
      from = h + 2;
      continue;
    }
    break;
  }
  if (copied && csv_scratch_put(r, b + from, h - from)) return csv_oom(r, e);
  size_t flen = copied ? r->slen - (size_t)off : h - (t + 1);
  *nl += csv_breaks(b, t + 1, h);
  if (csv_add_field(r, off, flen, r->line + nl0, true, copied)) return csv_oom(r, e);
  size_t p = h + 1;
  if (p < len && b[p] != sep && b[p] != '\n' && b[p] != '\r') {
    size_t u = p;
    while (r->o.trim && u < len && csv_space(b[u], sep)) u++;
    if (u == len && !r->eof) return CSV_MORE;
    if (u < len && b[u] != sep && b[u] != '\n' && b[u] != '\r')
      return modu_errf(e, "%s:%" PRId64 ":%d: text after a closing quote (quotes inside a quoted field are doubled: \"\")",
                       r->name, r->line + *nl, r->nf);
    p = u;
  }
  *pp = p;
  return 0;
}

/* Parses one record at pos into r->f: 1 a record, 0 end of input, -1 error,
 * CSV_MORE when the record runs past the buffer (nothing is consumed; the
 * caller refills and scans again), CSV_SKIP after a comment line. Text of
 * fields with doubled quotes is appended to scratch, which the caller empties. */
static int csv_scan(modu_csv *r, modu_err *e) {
  const char *b = r->buf;
  const size_t len = r->len;
  const char sep = r->o.sep, q = r->o.quote;
  size_t p = r->pos;
  int32_t nl = 0;
  r->nf = 0;
  if (p >= len) return r->eof ? 0 : CSV_MORE;
  if (r->o.comment && b[p] == r->o.comment) {
    while (p < len && b[p] != '\n' && b[p] != '\r') p++;
    if (p == len && !r->eof) return CSV_MORE;
    if (p < len && b[p++] == '\r') {
      if (p == len && !r->eof) return CSV_MORE; /* is it \r\n? */
      if (p < len && b[p] == '\n') p++;
    }
    r->pos = p;
    r->line++;
    return CSV_SKIP;
  }
  /* the loop keeps the scanner's state in locals: stores into the field
   * array could otherwise alias r's members and force reloads */
  const bool trim = r->o.trim, end = r->eof;
  const int64_t line = r->line;
  csv_field *f = r->f;
  int nf = 0;
  const int fcap = r->fcap;
  size_t mblk = r->mblk;
  uint64_t mbits = r->mbits;
  int got = 1;
  for (;;) {
    if (q) {
      size_t t = p;
      while (trim && t < len && csv_space(b[t], sep)) t++;
      if (t == len && !end && trim) {
        got = CSV_MORE;
        break;
      }
      if (t < len && b[t] == q) {
        r->nf = nf;
        int qgot = csv_quoted(r, t, &p, &nl, e);
        if (qgot) {
          got = qgot;
          break;
        }
        f = r->f;
        nf = r->nf;
        goto delimiter;
      }
    }
    {
      size_t fs = p;
      for (;;) { /* to the next stop byte (len when none) */
        size_t blk = p & ~(size_t)63;
        if (blk != mblk) {
          mbits = csv_mask(r, blk);
          mblk = blk;
        }
        uint64_t m = mbits >> (p & 63);
        if (m) {
          p += (size_t)csv_ctz(m);
          break;
        }
        p = blk + 64;
      }
      if (p == len && !end) {
        got = CSV_MORE;
        break;
      }
      if (nf < fcap) {
        f[nf++] = (csv_field){(int64_t)fs, (int64_t)(p - fs), line + nl, false, false};
      } else {
        r->nf = nf;
        if (csv_add_field_slow(r, (int64_t)fs, p - fs, line + nl, false, false)) {
          got = csv_oom(r, e);
          break;
        }
        f = r->f;
        nf = r->nf;
      }
    }
  delimiter:
    if (p >= len) break; /* the end of the input ends the record */
    char c = b[p++];
    if (c == sep) {
      if (p == len && !end) {
        got = CSV_MORE;
        break;
      }
      continue;
    }
    if (c == '\r') {
      if (p == len && !end) {
        got = CSV_MORE;
        break;
      }
      if (p < len && b[p] == '\n') p++;
    }
    break;
  }
  r->mblk = mblk;
  r->mbits = mbits;
  if (got != 1) return got;
  r->nf = nf;
  r->line = line + 1 + nl;
  r->pos = p;
  return 1;
}

static int csv_record(modu_csv *r, modu_err *e) {
  r->slen = 0;
  for (;;) {
    int got = csv_scan(r, e);
    if (got == CSV_SKIP) continue;
    if (got != CSV_MORE) return got;
    if (csv_refill(r, e) < 0) return -1;
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

/* 1 true, 0 false, -1 neither (case-insensitive) */
static int csv_parse_bool(const char *s, size_t len) {
  if (len == 4 && csv_ieq(s, 4, "true")) return 1;
  if (len == 5 && csv_ieq(s, 5, "false")) return 0;
  return -1;
}

/* digits with optional sign and thousands groups; 0 ok, 1 too big for int64, -1 not an integer */
static int csv_parse_int(const char *s, size_t len, char thousands, int64_t *out) {
  size_t i = 0;
  bool neg = false;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (i == len) return -1;
  if (!thousands && len - i <= 18) { /* 18 digits cannot overflow */
    uint64_t v = 0;
    for (; i < len; i++) {
      unsigned d = (unsigned)(unsigned char)s[i] - '0';
      if (d > 9) return -1;
      v = v * 10 + d;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
  }
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

/* strtod on a copy without thousands separators and with the C library's
 * decimal point, which follows the process locale (os.setlocale may change it) */
static int csv_strtod(const char *s, size_t len, char decimal, char thousands, double *out) {
  char small[128];
  char *buf = len < sizeof small ? small : malloc(len + 1);
  if (!buf) return -1;
  const char point = localeconv()->decimal_point[0];
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (thousands && s[i] == thousands) continue;
    buf[n++] = s[i] == decimal ? point : s[i];
  }
  buf[n] = 0;
  char *end;
  *out = strtod(buf, &end);
  int ok = end == buf + n ? 0 : -1;
  if (buf != small) free(buf);
  return ok;
}

/* A decimal number: sign, digits (grouped by `thousands` when given), an
 * optional fraction and exponent; also inf, infinity and nan. Up to 19
 * significant digits with a power of ten up to 22 are exact doubles, and one
 * correctly rounded multiply or divide gives the correctly rounded value; the
 * rest goes through strtod. */
static int csv_parse_float(const char *s, size_t len, char decimal, char thousands, double *out) {
  size_t i = 0;
  bool neg = false;
  if (len && (s[0] == '-' || s[0] == '+')) neg = s[i++] == '-';
  if (i == len) return -1;
  if (s[i] > '9') { /* only these words start with a letter */
    double v;
    if (csv_ieq(s + i, len - i, "inf") || csv_ieq(s + i, len - i, "infinity")) v = INFINITY;
    else if (csv_ieq(s + i, len - i, "nan")) v = NAN;
    else return -1;
    *out = neg ? -v : v;
    return 0;
  }
  uint64_t mant = 0;
  int nd = 0, exp10 = 0;
  bool any = false, inexact = false;
  int group = -1, lead = 0; /* thousands grouping, as csv_parse_int checks it */
  for (; i < len; i++) {
    unsigned d = (unsigned)(unsigned char)s[i] - '0';
    if (d <= 9) {
      any = true;
      if (mant || d) {
        if (nd < 19) mant = mant * 10 + d, nd++;
        else exp10++, inexact |= d != 0;
      }
      if (group >= 0 && ++group > 3) return -1;
      if (group < 0) lead++;
      continue;
    }
    if (thousands && s[i] == thousands) {
      if ((group >= 0 && group != 3) || (group < 0 && (lead == 0 || lead > 3))) return -1;
      group = 0;
      continue;
    }
    break;
  }
  if (group >= 0 && group != 3) return -1;
  if (i < len && s[i] == decimal) {
    for (i++; i < len; i++) {
      unsigned d = (unsigned)(unsigned char)s[i] - '0';
      if (d > 9) break;
      any = true;
      if (mant || d) {
        if (nd < 19) mant = mant * 10 + d, nd++, exp10--;
        else inexact |= d != 0;
      } else {
        exp10--;
      }
    }
  }
  if (!any) return -1;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < len && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
    if (i == len) return -1;
    int ev = 0;
    for (; i < len; i++) {
      unsigned d = (unsigned)(unsigned char)s[i] - '0';
      if (d > 9) return -1;
      if (ev < 100000) ev = ev * 10 + (int)d;
    }
    exp10 += eneg ? -ev : ev;
  }
  if (i != len) return -1;
  if (!inexact && mant <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
    double v = (double)mant;
    v = exp10 < 0 ? v / csv_pow10[-exp10] : v * csv_pow10[exp10];
    *out = neg ? -v : v;
    return 0;
  }
  return csv_strtod(s, len, decimal, thousands, out);
}

/* YYYY-MM-DD, and the signed or longer years modu_date_format writes
 * (-0044-03-15, 12345-01-01) so that every date reads back */
static int csv_parse_date(const char *s, size_t len, int32_t *d) {
  if (len < 10 || len > 16 || s[len - 3] != '-' || s[len - 6] != '-') return -1;
  size_t i = 0;
  bool neg = s[0] == '-' || s[0] == '+' ? s[i++] == '-' : false;
  size_t ylen = len - 6 - i;
  if (ylen < 4) return -1;
  int64_t y = 0;
  for (size_t k = i; k < i + ylen; k++) {
    unsigned v = (unsigned)(unsigned char)s[k] - '0';
    if (v > 9) return -1;
    y = y * 10 + v;
  }
  unsigned m1 = (unsigned)(unsigned char)s[len - 5] - '0', m2 = (unsigned)(unsigned char)s[len - 4] - '0';
  unsigned d1 = (unsigned)(unsigned char)s[len - 2] - '0', d2 = (unsigned)(unsigned char)s[len - 1] - '0';
  if (m1 > 9 || m2 > 9 || d1 > 9 || d2 > 9) return -1;
  return modu_date_from_ymd(neg ? -y : y, (int)(m1 * 10 + m2), (int)(d1 * 10 + d2), d) ? 0 : -1;
}

/* the narrowest type that reads this text */
static int csv_classify(const modu_csv *r, const char *s, size_t len) {
  int64_t i;
  double f;
  int32_t d;
  if (csv_parse_bool(s, len) >= 0) return CT_BOOL;
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
    size_t w = modu_bitmap_words(r->cap_rows) + 1;
    c->valid = malloc(w * 8);
    if (!c->valid) return -1;
    memset(c->valid, 0xff, w * 8);
  }
  c->valid[row >> 6] &= ~(UINT64_C(1) << (row & 63));
  if (c->data) memset((char *)c->data + (size_t)row * csv_width(c->type), 0, csv_width(c->type));
  return 0;
}

/* room for `need` rows in every kept column: the first estimate came from the
 * average line length of the first block, so it is rarely short, and a
 * reallocation of a large block moves pages rather than bytes */
static int csv_grow(modu_csv *r, int64_t need) {
  int64_t cap = r->cap_rows + r->cap_rows / 2 + 1024;
  if (cap < need) cap = need;
  if (r->o.n_max >= 0 && cap > r->o.n_max) cap = r->o.n_max;
  if ((uint64_t)cap > SIZE_MAX / 16) return -1;
  for (int j = 0; j < r->nkept; j++) {
    csv_col *c = &r->cols[r->kept[j]];
    if (c->data) {
      size_t bytes = (size_t)cap * csv_width(c->type);
      void *nd = realloc(c->data, bytes);
      if (!nd) return -1;
      c->data = nd;
      modu_advise_big(nd, bytes);
    }
    if (c->valid) {
      size_t old = modu_bitmap_words(r->cap_rows) + 1, w = modu_bitmap_words(cap) + 1;
      uint64_t *nv = realloc(c->valid, w * 8);
      if (!nv) return -1;
      memset(nv + old, 0xff, (w - old) * 8);
      c->valid = nv;
    }
  }
  r->cap_rows = cap;
  return 0;
}

/* moves column c to type t, converting the rows read so far */
static int csv_promote(modu_csv *r, csv_col *c, int t, int64_t row) {
  int64_t cap = r->cap_rows;
  if (c->type == CT_NONE || t == CT_STR) {
    if (t == CT_STR) {
      /* rows read as something else come back as text in the second pass */
      if (c->type != CT_NONE) c->text_upto = row;
      c->dict = modu_dict_new();
      if (!c->dict) return -1;
    }
    free(c->data);
    c->data = csv_calloc_rows(cap, csv_width(t));
    if (!c->data) return -1;
  } else if (c->type == CT_BOOL) {
    void *nd = csv_calloc_rows(cap, 8);
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

static inline uint64_t csv_load8(const char *s) {
  uint64_t v;
  memcpy(&v, s, 8);
  return v;
}

static inline uint32_t csv_load4(const char *s) {
  uint32_t v;
  memcpy(&v, s, 4);
  return v;
}

static inline uint64_t csv_hash_key(uint64_t a, uint64_t b, size_t len) {
  uint64_t h = (a ^ UINT64_C(0x9e3779b97f4a7c15)) * UINT64_C(0xbf58476d1ce4e5b9);
  h ^= (b + len) * UINT64_C(0x94d049bb133111eb);
  h ^= h >> 31;
  h *= UINT64_C(0xd6e8feb86659fd93);
  return h ^ (h >> 32);
}

/* Two words that, with the length, identify a string of at most 16 bytes:
 * the first and last 8 (or 4) bytes, overlapping when shorter. Two strings of
 * the same length with the same words are equal. Returns the hash. */
static inline uint64_t csv_key(const char *s, size_t len, uint64_t *w0, uint64_t *w1) {
  uint64_t a, b;
  if (len >= 8) {
    a = csv_load8(s);
    b = csv_load8(s + len - 8);
  } else if (len >= 4) {
    a = csv_load4(s) | (uint64_t)csv_load4(s + len - 4) << 32;
    b = 0;
  } else {
    a = len ? (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len >> 1] << 8 |
                  (uint64_t)(unsigned char)s[len - 1] << 16
            : 0;
    b = 0;
  }
  *w0 = a;
  *w1 = b;
  return csv_hash_key(a, b, len);
}

static int csv_tab_grow(csv_col *c) {
  size_t cap = c->tcap ? c->tcap * 2 : 256;
  if (cap > CSV_TAB_MAX) { /* too many distinct strings to be worth caching */
    free(c->tab);
    c->tab = NULL;
    c->tcap = c->tn = 0;
    c->tab_off = true;
    return 0;
  }
  csv_slot *t = calloc(cap, sizeof *t);
  if (!t) return -1;
  modu_advise_big(t, cap * sizeof *t);
  for (size_t i = 0; i < c->tcap; i++) {
    csv_slot *s = &c->tab[i];
    if (!s->code1) continue;
    /* the hash depends only on what the slot holds */
    size_t k = (size_t)csv_hash_key(s->w0, s->w1, s->len) & (cap - 1);
    while (t[k].code1) k = (k + 1) & (cap - 1);
    t[k] = *s;
  }
  free(c->tab);
  c->tab = t;
  c->tcap = cap;
  return 0;
}

/* code of a string not yet known to be valid UTF-8: checked (or repaired, with
 * invalid = "replace") before it enters the dictionary, so the dictionary
 * only ever holds valid text */
static int32_t csv_new_code(modu_csv *r, csv_col *c, const char *s, size_t len, int k, const csv_field *f,
                            modu_err *e) {
  size_t bad;
  if (modu_utf8_valid(s, len, &bad)) {
    int32_t code = modu_dict_intern(c->dict, s, len);
    if (code < 0) csv_oom(r, e);
    return code;
  }
  if (!r->o.invalid_replace) {
    modu_errf(e, "%s:%" PRId64 ":%d: invalid UTF-8 at byte %zu of the field (column '%s'; "
              "invalid = \"replace\" substitutes U+FFFD)", r->name, f->line, k + 1, bad + 1, r->names[k]);
    return -1;
  }
  if (len > SIZE_MAX / 3 - 1) {
    csv_oom(r, e);
    return -1;
  }
  char *fixed = malloc(len * 3 + 1);
  if (!fixed) {
    csv_oom(r, e);
    return -1;
  }
  size_t n = 0, at = 0;
  while (at < len) { /* each byte that starts no valid sequence becomes U+FFFD */
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
  int32_t code = modu_dict_intern(c->dict, fixed, n);
  free(fixed);
  if (code < 0) csv_oom(r, e);
  return code;
}

static int csv_intern(modu_csv *r, csv_col *c, int64_t row, const char *s, size_t len, int k, const csv_field *f,
                      modu_err *e) {
  int32_t code;
  if (len <= 16 && !c->tab_off) {
    if (!c->tab && csv_tab_grow(c)) return csv_oom(r, e);
  }
  if (len <= 16 && c->tab) {
    uint64_t w0, w1;
    size_t mask = c->tcap - 1, i = (size_t)csv_key(s, len, &w0, &w1) & mask;
    for (;; i = (i + 1) & mask) {
      const csv_slot *sl = &c->tab[i];
      if (!sl->code1) break;
      if (sl->w0 == w0 && sl->w1 == w1 && sl->len == len) {
        ((int32_t *)c->data)[row] = sl->code1 - 1;
        return 0;
      }
    }
    code = csv_new_code(r, c, s, len, k, f, e);
    if (code < 0) return -1;
    c->tab[i] = (csv_slot){w0, w1, (uint32_t)len, code + 1};
    if (++c->tn * 2 > c->tcap && csv_tab_grow(c)) return csv_oom(r, e);
  } else {
    code = modu_dict_find(c->dict, s, len);
    if (code < 0) code = csv_new_code(r, c, s, len, k, f, e);
    if (code < 0) return -1;
  }
  ((int32_t *)c->data)[row] = code;
  return 0;
}

static bool csv_is_na(const modu_csv *r, const char *s, size_t len) {
  for (int t = 0; t < r->o.nna; t++)
    if (r->na_len[t] == len && memcmp(r->o.na[t], s, len) == 0) return true;
  return false;
}

/* the value that a column's type did not take: an error for a forced type,
 * otherwise the column moves up to a type that reads it */
static int csv_put_slow(modu_csv *r, csv_col *c, int k, int64_t row, const char *s, size_t len, const csv_field *f,
                        modu_err *e) {
  for (;;) {
    int b = csv_parse_bool(s, len);
    if (b >= 0 && (c->type == CT_INT || c->type == CT_FLOAT)) { /* bool < int < float */
      if (c->type == CT_INT) ((int64_t *)c->data)[row] = b;
      else ((double *)c->data)[row] = b;
      return 0;
    }
    if (c->forced) {
      char shown[48];
      size_t n = len < 40 ? len : 40;
      memcpy(shown, s, n);
      shown[n] = 0;
      for (size_t t = 0; t < n; t++)
        if ((unsigned char)shown[t] < 0x20) shown[t] = '?';
      return modu_errf(e, "%s:%" PRId64 ":%d: '%s%s' is not a%s %s (column '%s' was given that type)", r->name,
                       f->line, k + 1, shown, len > 40 ? "…" : "", c->type == CT_INT ? "n" : "",
                       modu_type_name(csv_modu_type(c->type)), r->names[k]);
    }
    int t = csv_join(c->type, csv_classify(r, s, len));
    if (t == c->type) t = CT_STR; /* cannot happen for a value its own type rejected; be safe */
    if (csv_promote(r, c, t, row)) return csv_oom(r, e);
    int64_t iv;
    double fv;
    int32_t dv;
    switch (t) {
      case CT_STR: return csv_intern(r, c, row, s, len, k, f, e);
      case CT_BOOL: ((uint8_t *)c->data)[row] = (uint8_t)b; return 0;
      case CT_INT:
        if (csv_parse_int(s, len, r->o.thousands, &iv) == 0) {
          ((int64_t *)c->data)[row] = iv;
          return 0;
        }
        break;
      case CT_FLOAT:
        if (csv_parse_float(s, len, r->o.decimal, r->o.thousands, &fv) == 0) {
          ((double *)c->data)[row] = fv;
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
  }
}

static int csv_put(modu_csv *r, int k, int64_t row, const csv_field *f, modu_err *e) {
  csv_col *c = &r->cols[k];
  const char *s = csv_field_ptr(r, f);
  size_t len = (size_t)f->len;
  if (!f->quoted) {
    if (r->o.trim) {
      while (len && csv_space(*s, r->o.sep)) s++, len--;
      while (len && csv_space(s[len - 1], r->o.sep)) len--;
    }
    if (len == 0 || (r->na_first[(unsigned char)*s] && csv_is_na(r, s, len)))
      return csv_set_na(r, c, row) ? csv_oom(r, e) : 0;
  }
  int64_t iv;
  double fv;
  int32_t dv;
  int b;
  switch (c->type) {
    case CT_STR: return csv_intern(r, c, row, s, len, k, f, e);
    case CT_INT:
      if (csv_parse_int(s, len, r->o.thousands, &iv) == 0) {
        ((int64_t *)c->data)[row] = iv;
        return 0;
      }
      break;
    case CT_FLOAT:
      if (csv_parse_float(s, len, r->o.decimal, r->o.thousands, &fv) == 0) {
        ((double *)c->data)[row] = fv;
        return 0;
      }
      break;
    case CT_BOOL:
      if ((b = csv_parse_bool(s, len)) >= 0) {
        ((uint8_t *)c->data)[row] = (uint8_t)b;
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
  return csv_put_slow(r, c, k, row, s, len, f, e);
}

/* ---- open ---- */

/* the separator whose count per line is the same, and largest, over the first
 * lines (comment lines aside) */
static char csv_sniff(const modu_csv *r) {
  static const char cands[] = {',', ';', '\t', '|'};
  char best = ',';
  int best_count = 0;
  for (int c = 0; c < 4; c++) {
    int lines = 0, count = -1;
    bool steady = true;
    size_t p = r->pos;
    while (p < r->len && lines < 20 && steady) {
      int n = 0;
      bool inq = false, comment = r->o.comment && r->buf[p] == r->o.comment;
      for (; p < r->len && (inq || (r->buf[p] != '\n' && r->buf[p] != '\r')); p++) {
        if (r->o.quote && r->buf[p] == r->o.quote) inq = !inq;
        else if (!inq && r->buf[p] == cands[c]) n++;
      }
      while (p < r->len && (r->buf[p] == '\n' || r->buf[p] == '\r')) p++;
      if (comment) continue;
      if (count < 0) count = n;
      else if (n != count) steady = false;
      lines++;
    }
    if (steady && count > best_count) best = cands[c], best_count = count;
  }
  return best;
}

/* a header name: trimmed unless quoted, repaired or refused when not UTF-8 */
static int csv_header_name(modu_csv *r, int k, char *base, size_t basecap, const char **s, size_t *len,
                           char **fixed, modu_err *e) {
  const csv_field *f = &r->f[k];
  *s = csv_field_ptr(r, f);
  *len = (size_t)f->len;
  if (!f->quoted) {
    while (*len && (**s == ' ' || **s == '\t')) (*s)++, (*len)--;
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) (*len)--;
  }
  if (memchr(*s, 0, *len))
    return modu_errf(e, "%s:%" PRId64 ":%d: a NUL byte in the header", r->name, f->line, k + 1);
  size_t bad;
  if (!modu_utf8_valid(*s, *len, &bad)) {
    if (!r->o.invalid_replace)
      return modu_errf(e, "%s:%" PRId64 ":%d: invalid UTF-8 in the header at byte %zu of the name "
                       "(invalid = \"replace\" substitutes U+FFFD)", r->name, f->line, k + 1, bad + 1);
    *fixed = malloc(*len * 3 + 1);
    if (!*fixed) return csv_oom(r, e);
    size_t n = 0, at = 0;
    while (at < *len) {
      size_t b2;
      if (modu_utf8_valid(*s + at, *len - at, &b2)) {
        memcpy(*fixed + n, *s + at, *len - at);
        n += *len - at;
        break;
      }
      memcpy(*fixed + n, *s + at, b2);
      n += b2;
      memcpy(*fixed + n, "\xEF\xBF\xBD", 3);
      n += 3;
      at += b2 + 1;
    }
    *s = *fixed;
    *len = n;
  }
  if (*len == 0) *len = (size_t)snprintf(base, basecap, "V%d", k + 1), *s = base;
  return 0;
}

static int csv_names(modu_csv *r, modu_err *e) {
  r->names = calloc((size_t)r->ncol + 1, sizeof *r->names);
  r->cols = calloc((size_t)r->ncol + 1, sizeof *r->cols);
  r->kept = calloc((size_t)r->ncol + 1, sizeof *r->kept);
  if (!r->names || !r->cols || !r->kept) return csv_oom(r, e);
  for (int k = 0; k < r->ncol; k++) {
    r->cols[k].keep = true;
    char base[64];
    const char *s = base;
    size_t len;
    char *fixed = NULL;
    if (r->o.header) {
      if (csv_header_name(r, k, base, sizeof base, &s, &len, &fixed, e)) return -1;
    } else {
      len = (size_t)snprintf(base, sizeof base, "V%d", k + 1);
    }
    /* unique names: a repeated name gets _2, _3, ... */
    char *name = malloc(len + 24);
    if (!name) {
      free(fixed);
      return csv_oom(r, e);
    }
    memcpy(name, s, len);
    name[len] = 0;
    free(fixed);
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

/* A first guess at the number of data rows, from the input size and the line
 * length in the first block; the columns grow if it falls short. */
static void csv_estimate(modu_csv *r) {
  size_t from = r->pos, n = r->len - from;
  if (n > ((size_t)1 << 20)) n = (size_t)1 << 20;
  int64_t lf = 0, cr = 0;
  for (const char *p = r->buf + from, *end = p + n; (p = memchr(p, '\n', (size_t)(end - p))); p++) lf++;
  if (!lf)
    for (const char *p = r->buf + from, *end = p + n; (p = memchr(p, '\r', (size_t)(end - p))); p++) cr++;
  int64_t lines = lf ? lf : cr;
  int64_t total = r->size >= 0 ? r->size - (r->base + (int64_t)from) : (int64_t)n;
  int64_t est = 1024;
  if (lines > 0 && n > 0) est = (int64_t)((double)total / ((double)n / (double)lines) * 1.02) + 64;
  if (est < 16) est = 16;
  if (r->o.n_max >= 0 && r->o.n_max < est) est = r->o.n_max;
  r->cap_rows = est;
}

static modu_csv *csv_open(modu_csv *r, const modu_csv_opts *o, modu_err *e) {
  r->o = *o;
  if (r->o.decimal == 0) r->o.decimal = '.';
  r->line = 1;
  r->mblk = SIZE_MAX;
  r->na_len = calloc((size_t)r->o.nna + 1, sizeof *r->na_len);
  if (!r->na_len) {
    csv_oom(r, e);
    goto fail;
  }
  for (int t = 0; t < r->o.nna; t++) {
    r->na_len[t] = strlen(r->o.na[t]);
    if (r->na_len[t]) r->na_first[(unsigned char)r->o.na[t][0]] = true;
  }
  if (r->fd >= 0) {
    struct stat st;
    r->size = fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
    /* the first block: enough for the header, the sniffer and the estimate */
    while (!r->eof && r->len < ((size_t)1 << 20)) {
      if (r->len == r->cap) break;
      if (csv_refill(r, e) < 0) goto fail;
    }
  } else {
    r->size = (int64_t)r->len;
  }
  if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) r->pos = 3; /* a UTF-8 byte order mark */
  for (int64_t s = 0; s < r->o.skip; s++) { /* skipped lines are raw lines, quotes and all */
    for (;;) {
      while (r->pos < r->len && r->buf[r->pos] != '\n' && r->buf[r->pos] != '\r') r->pos++;
      if (r->pos < r->len || r->eof) break;
      if (csv_refill(r, e) < 0) goto fail;
    }
    if (r->pos < r->len && r->buf[r->pos++] == '\r') {
      if (r->pos == r->len && csv_refill(r, e) < 0) goto fail;
      if (r->pos < r->len && r->buf[r->pos] == '\n') r->pos++;
    }
    r->line++;
  }
  if (!r->o.sep) r->o.sep = csv_sniff(r);
  if (r->o.quote == r->o.sep) {
    modu_errf(e, "%s: the quote and the separator are the same character ('%c')", r->name, r->o.sep);
    goto fail;
  }
  if (r->o.comment && (r->o.comment == r->o.sep || r->o.comment == r->o.quote)) {
    modu_errf(e, "%s: the comment character ('%c') is also the separator or the quote", r->name, r->o.comment);
    goto fail;
  }
  r->stop[(unsigned char)r->o.sep] = r->stop['\n'] = r->stop['\r'] = true;
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
  csv_estimate(r);
  if (csv_seek(r, r->data_start, r->data_line, e)) goto fail;
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
  struct stat st;
  if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    modu_errf(e, "%s: cannot read: it is a directory", path);
    modu_csv_close(r);
    return NULL;
  }
  r->cap = (size_t)1 << 20;
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
    free(r->cols[k].tab);
    modu_dict_unref(r->cols[k].dict);
  }
  for (int k = 0; r->names && k < r->ncol; k++) free(r->names[k]);
  free(r->names);
  free(r->cols);
  free(r->kept);
  free(r->na_len);
  free(r->fields);
  free(r->batch);
  free(r->batch_nf);
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
  r->cols[k].forced_type = csv_ct(t);
}

/* ---- read ---- */

static int csv_row_width(modu_csv *r, modu_err *e) {
  if (r->nf == r->ncol || r->o.ragged_pad) return 0;
  if (r->nf > r->ncol) { /* name the first field too many, on its own line */
    const csv_field *f = &r->f[r->ncol];
    return modu_errf(e, "%s:%" PRId64 ":%d: %d fields where the header has %d (ragged = \"pad\" drops the extra ones)",
                     r->name, f->line, r->ncol + 1, r->nf, r->ncol);
  }
  const csv_field *f = &r->f[r->nf - 1];
  return modu_errf(e, "%s:%" PRId64 ":%d: %d field%s where the header has %d (ragged = \"pad\" fills short rows with NA)",
                   r->name, f->line, r->nf + 1, r->nf, r->nf == 1 ? "" : "s", r->ncol);
}

/* The common case at full speed: records of unquoted fields, one line each,
 * with the header's field count, scanned into batch rows [n, want). Returns
 * the new n. It stops, consuming nothing of it, at a record it does not take
 * (a quote opening a field, a comment, a blank line, another field count, the
 * end of the buffered input), which csv_scan then reads the general way. */
CSV_NOINLINE static int csv_scan_plain(modu_csv *r, int n, int want) {
  const char *const b = r->buf;
  const size_t len = r->len;
  const char sep = r->o.sep, q = r->o.quote, comment = r->o.comment;
  const int ncol = r->ncol;
  const size_t stride = (size_t)ncol + 1;
  size_t p = r->pos, mblk = r->mblk;
  uint64_t mbits = r->mbits;
  int64_t line = r->line;
  for (; n < want; n++) {
    csv_field *f = r->batch + (size_t)n * stride;
    const size_t rec = p;
    int nf = 0;
    if (p < len && comment && b[p] == comment) break;
    for (;;) {
      if (p >= len || (q && b[p] == q) || nf == ncol) goto stop;
      const size_t fs = p;
      for (;;) { /* to the next stop byte (len when none) */
        const size_t blk = p & ~(size_t)63;
        if (blk != mblk) {
          mbits = csv_mask(r, blk);
          mblk = blk;
        }
        const uint64_t m = mbits >> (p & 63);
        if (m) {
          p += (size_t)csv_ctz(m);
          break;
        }
        p = blk + 64;
      }
      if (p >= len) goto stop; /* the record may go on past the buffer: csv_scan decides */
      f[nf++] = (csv_field){(int64_t)fs, (int64_t)(p - fs), line, false, false};
      const char c = b[p++];
      if (c == sep) continue;
      if (c == '\r') {
        if (p >= len) goto stop;
        p += b[p] == '\n';
      }
      break;
    }
    if (nf != ncol || (nf == 1 && f[0].len == 0)) goto stop;
    r->batch_nf[n] = nf;
    line++;
    continue;
  stop:
    p = rec;
    break;
  }
  r->pos = p;
  r->line = line;
  r->mblk = mblk;
  r->mbits = mbits;
  return n;
}

/* Scans up to `want` records into the batch (rows of ncol + 1 fields, so a
 * record with too many fields still shows where the first extra one starts).
 * Returns 0, 1 at the end of the input, or -1 with *scan_err set; the rows
 * scanned before a failure are valid and come first in the file. */
static int csv_fill_batch(modu_csv *r, int want, int *n_out, modu_err *scan_err) {
  const int stride = r->ncol + 1;
  const bool plain = !r->o.trim;
  int n = 0, status = 0;
  r->slen = 0;
  r->fixed = true;
  while (n < want) {
    if (plain && (n = csv_scan_plain(r, n, want)) == want) break;
    r->f = r->batch + (size_t)n * (size_t)stride;
    r->fcap = stride;
    int got = csv_scan(r, scan_err);
    if (got == CSV_SKIP) continue;
    if (got == CSV_MORE) {
      if (n > 0) break; /* the batch points into the buffer: use it before the refill moves it */
      if (csv_refill(r, scan_err) < 0) {
        status = -1;
        break;
      }
      continue;
    }
    if (got <= 0) {
      status = got < 0 ? -1 : 1;
      break;
    }
    if (csv_blank(r)) continue;
    if (r->nf != r->ncol && csv_row_width(r, scan_err)) {
      status = -1;
      break;
    }
    r->batch_nf[n++] = r->nf;
  }
  r->fixed = false;
  r->f = r->fields;
  r->fcap = r->fields_cap;
  *n_out = n;
  return status;
}

/* rows a batch holds at most, and how far ahead text lookups fetch their slot */
#define CSV_BATCH_MAX 128
#define CSV_AHEAD 16

#if defined(__GNUC__)
#define CSV_PREFETCH(p) __builtin_prefetch(p)
#else
#define CSV_PREFETCH(p) ((void)(p))
#endif

/* Column-wise processing can meet a later row's error before an earlier row's
 * one in another column: the rows up to the failing one are stored again row
 * by row (storing is idempotent) so that the message names the first error. */
static int csv_first_error(modu_csv *r, int64_t row0, int upto, bool pass2, modu_err *e) {
  const int stride = r->ncol + 1;
  for (int i = 0; i <= upto; i++)
    for (int j = 0; j < r->nkept; j++) {
      int k = r->kept[j];
      csv_col *c = &r->cols[k];
      int64_t row = row0 + i;
      if (k >= r->batch_nf[i] || (pass2 && (row >= c->text_upto || !((c->valid[row >> 6] >> (row & 63)) & 1))))
        continue;
      if (csv_put(r, k, row, &r->batch[(size_t)i * (size_t)stride + (size_t)k], e)) return -1;
    }
  return -1; /* the error is in e already */
}

/* The fast loops write each column's values for a batch front to back:
 * streaming stores put them straight to memory, so the column arrays (most
 * of the bytes a read moves) neither read their lines in first nor push the
 * dictionary caches out of the CPU's caches. csv_read ends with a fence. */
#if defined(__SSE2__) && defined(__x86_64__)
#define CSV_STREAM64(p, v) _mm_stream_si64((long long *)(void *)(p), (long long)(v))
#define CSV_STREAM32(p, v) _mm_stream_si32((int *)(void *)(p), (int)(v))
#define CSV_FENCE() _mm_sfence()
#else
#define CSV_STREAM64(p, v) (*(int64_t *)(void *)(p) = (int64_t)(v))
#define CSV_STREAM32(p, v) (*(int32_t *)(void *)(p) = (int32_t)(v))
#define CSV_FENCE() ((void)0)
#endif

/* The common shapes parsed in line, before the general csv_put: a plain
 * integer of up to 18 digits, and a decimal of up to 19 characters without
 * exponent (exact by one division, as in csv_parse_float). Both refuse text
 * whose first byte could start an NA token, so NA tokens keep precedence. */
static inline bool csv_fast_int(const modu_csv *r, const unsigned char *s, size_t len, void *out) {
  if (!len || r->na_first[s[0]]) return false;
  size_t t = s[0] == '-';
  if (len - t - 1 >= 18) return false;
  uint64_t v = 0;
  for (; t < len; t++) {
    unsigned d = (unsigned)s[t] - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  CSV_STREAM64(out, s[0] == '-' ? -(int64_t)v : (int64_t)v);
  return true;
}

static inline bool csv_fast_float(const modu_csv *r, const unsigned char *s, size_t len, void *out) {
  if (!len || len > 19 || r->na_first[s[0]]) return false;
  const size_t lead = s[0] == '-';
  size_t t = lead;
  uint64_t m = 0;
  for (; t < len; t++) { /* the integer digits */
    unsigned d = (unsigned)s[t] - '0';
    if (d > 9) break;
    m = m * 10 + d;
  }
  size_t digits = t - lead, frac = 0;
  if (t < len) { /* then only a decimal point and digits may follow */
    if (s[t] != (unsigned char)r->o.decimal) return false;
    const size_t from = ++t;
    for (; t < len; t++) {
      unsigned d = (unsigned)s[t] - '0';
      if (d > 9) return false;
      m = m * 10 + d;
    }
    frac = t - from;
  }
  if (digits + frac == 0 || m > (UINT64_C(1) << 53)) return false; /* no digit, or inexact */
  double v = (double)m;
  if (frac) v /= csv_pow10[frac];
  v = lead ? -v : v;
  int64_t bits;
  memcpy(&bits, &v, 8);
  CSV_STREAM64(out, bits);
  return true;
}

/* the batch rows [from, n) of column k the general way (pass2: the second pass) */
static int csv_put_rest(modu_csv *r, int k, int64_t row0, int from, int n, bool pass2, modu_err *e) {
  const size_t stride = (size_t)r->ncol + 1;
  csv_col *c = &r->cols[k];
  for (int i = from; i < n; i++) {
    int64_t row = row0 + i;
    if (k < r->batch_nf[i]) {
      if (pass2 && (row >= c->text_upto || (c->valid && !((c->valid[row >> 6] >> (row & 63)) & 1))))
        continue; /* not a late text row, or NA, which stays NA */
      if (csv_put(r, k, row, &r->batch[(size_t)i * stride + (size_t)k], e))
        return csv_first_error(r, row0, i, pass2, e);
    } else if (!pass2 && csv_set_na(r, c, row)) {
      return csv_oom(r, e);
    }
  }
  return 0;
}

/* Stores the batch as rows row0.. one column at a time: each column's loop
 * keeps to one type and parses the common shapes in line, and a text
 * column's cache slots are fetched for the whole batch before the first
 * lookup, so that the cache misses overlap. A value the fast loop does not
 * take (NA, a short row, another shape, a promotion) goes to csv_put_rest. */
static int csv_put_batch(modu_csv *r, int64_t row0, int n, bool pass2, modu_err *e) {
  const size_t stride = (size_t)r->ncol + 1;
  const bool plain = !pass2 && !r->o.trim;
  for (int j = 0; j < r->nkept; j++) {
    int k = r->kept[j];
    csv_col *c = &r->cols[k];
    if (pass2 && row0 >= c->text_upto) continue;
    const csv_field *f = r->batch + k;
    int i = 0;
    /* a value the fast loop does not take is stored the general way, and
     * the loop goes on while the column keeps its type */
#define CSV_ONE(T)                                                   \
  if (csv_put_rest(r, k, row0, i, i + 1, false, e)) return -1;      \
  if (c->type != (T)) {                                              \
    i++, f += stride;                                                \
    break;                                                           \
  }
    if (plain && c->type == CT_INT && !r->o.thousands) {
      for (; i < n; i++, f += stride)
        if (k >= r->batch_nf[i] ||
            !csv_fast_int(r, (const unsigned char *)csv_field_ptr(r, f), (size_t)f->len, (int64_t *)c->data + row0 + i)) {
          CSV_ONE(CT_INT)
        }
    } else if (plain && c->type == CT_FLOAT && !r->o.thousands) {
      for (; i < n; i++, f += stride)
        if (k >= r->batch_nf[i] ||
            !csv_fast_float(r, (const unsigned char *)csv_field_ptr(r, f), (size_t)f->len, (double *)c->data + row0 + i)) {
          CSV_ONE(CT_FLOAT)
        }
    } else if (plain && c->type == CT_STR && c->tab) {
      /* each short field's key and hash once; then the lookups, each one
       * fetching the slot of the field CSV_AHEAD rows on, so that a few cache
       * misses are in flight while one is being served */
      uint64_t hk[CSV_BATCH_MAX], k0[CSV_BATCH_MAX], k1[CSV_BATCH_MAX];
      for (int t = 0; t < n; t++) {
        const csv_field *g = f + (size_t)t * stride;
        hk[t] = k < r->batch_nf[t] && g->len <= 16 ? csv_key(csv_field_ptr(r, g), (size_t)g->len, &k0[t], &k1[t]) : 0;
      }
      for (int t = 0; t < n && t < CSV_AHEAD; t++) CSV_PREFETCH(&c->tab[hk[t] & (c->tcap - 1)]);
      int32_t *out = (int32_t *)c->data + row0;
      for (; i < n && c->tab; i++, f += stride) {
        if (i + CSV_AHEAD < n) CSV_PREFETCH(&c->tab[hk[i + CSV_AHEAD] & (c->tcap - 1)]);
        /* a short row has no field k here: its slot is stale, not to be read */
        const bool here = k < r->batch_nf[i];
        const char *s = here ? csv_field_ptr(r, f) : NULL;
        const size_t len = here ? (size_t)f->len : 0;
        if (!here || len > 16 || (!f->quoted && (!len || r->na_first[(unsigned char)*s]))) {
          CSV_ONE(CT_STR)
          continue;
        }
        const csv_slot *sl = &c->tab[hk[i] & (c->tcap - 1)], *end = c->tab + c->tcap;
        while (sl->code1 && !(sl->w0 == k0[i] && sl->w1 == k1[i] && sl->len == len)) sl = sl + 1 == end ? c->tab : sl + 1;
        if (sl->code1) {
          CSV_STREAM32(&out[i], sl->code1 - 1);
        } else if (csv_intern(r, c, row0 + i, s, len, k, f, e)) {
          return csv_first_error(r, row0, i, pass2, e);
        }
      }
    }
#undef CSV_ONE
    if (csv_put_rest(r, k, row0, i, n, pass2, e)) return -1;
  }
  return 0;
}

/* Reads data rows from the current position into rows [row, upto) (upto < 0:
 * to the end); returns the new row count or -1. */
static int64_t csv_read_rows(modu_csv *r, int64_t row, int64_t upto, bool pass2, modu_err *e) {
  for (;;) {
    int want = r->batch_rows, n;
    if (upto >= 0 && upto - row < want) want = (int)(upto - row);
    if (want <= 0) return row;
    modu_err scan_err;
    int st = csv_fill_batch(r, want, &n, &scan_err);
    if (!pass2 && row + n > r->cap_rows && csv_grow(r, row + n)) return csv_oom(r, e);
    if (n && csv_put_batch(r, row, n, pass2, e)) return -1;
    row += n;
    if (st < 0) {
      *e = scan_err;
      return -1;
    }
    if (st > 0) return row;
  }
}

/* hands column c's arrays, cut to `rows`, to a new modu_column */
static modu_column *csv_finish_col(csv_col *c, int64_t rows) {
  modu_column *col = calloc(1, sizeof *col);
  if (!col) return NULL;
  int t = c->type == CT_NONE ? CT_BOOL : c->type;
  size_t bytes = (rows ? (size_t)rows : 1) * csv_width(t);
  void *data = c->data ? realloc(c->data, bytes) : calloc(bytes, 1);
  if (!data) {
    free(col);
    return NULL;
  }
  c->data = NULL;
  col->refs = 1;
  col->type = csv_modu_type(t);
  col->len = rows;
  col->data = data;
  if (c->valid) {
    size_t w = modu_bitmap_words(rows);
    uint64_t *v = realloc(c->valid, (w ? w : 1) * 8);
    col->valid = v ? v : c->valid;
    c->valid = NULL;
    modu_col_drop_full_bitmap(col);
  }
  if (t == CT_STR) {
    col->dict = c->dict;
    c->dict = NULL;
  }
  return col;
}

modu_frame *modu_csv_read(modu_csv *r, modu_err *e) {
  r->nkept = 0;
  for (int k = 0; k < r->ncol; k++) {
    csv_col *c = &r->cols[k];
    if (!c->keep) continue;
    r->kept[r->nkept++] = k;
    /* forced columns start in their type before the first row */
    if (c->forced && csv_promote(r, c, c->forced_type, 0)) {
      csv_oom(r, e);
      return NULL;
    }
  }
  /* rows per batch: 128, or fewer for wide files so a batch stays near 2 MB */
  size_t stride = (size_t)r->ncol + 1;
  r->batch_rows = (int)((size_t)(1 << 16) / stride);
  if (r->batch_rows > CSV_BATCH_MAX) r->batch_rows = CSV_BATCH_MAX;
  if (r->batch_rows < 1) r->batch_rows = 1;
  r->batch = malloc((size_t)r->batch_rows * stride * sizeof *r->batch);
  r->batch_nf = malloc((size_t)r->batch_rows * sizeof *r->batch_nf);
  if (!r->batch || !r->batch_nf) {
    csv_oom(r, e);
    return NULL;
  }
  int64_t rows = csv_read_rows(r, 0, r->o.n_max, false, e);
  CSV_FENCE(); /* the streaming stores are done before anything else reads the columns */
  if (rows < 0) return NULL;
  /* the second pass: rows read before a column turned to text are read again as text */
  int64_t upto = 0;
  for (int k = 0; k < r->ncol; k++)
    if (r->cols[k].text_upto > upto) upto = r->cols[k].text_upto;
  if (upto > 0 && (csv_seek(r, r->data_start, r->data_line, e) || csv_read_rows(r, 0, upto, true, e) < 0))
    return NULL;
  modu_frame *f = modu_frame_new(r->nkept, rows);
  if (!f) {
    csv_oom(r, e);
    return NULL;
  }
  for (int j = 0; j < r->nkept; j++) {
    int k = r->kept[j];
    free(r->cols[k].tab); /* the cache has done its work: free it before the frame grows */
    r->cols[k].tab = NULL;
    modu_column *col = csv_finish_col(&r->cols[k], rows);
    int fail = !col || modu_frame_set(f, j, col, r->names[k]);
    modu_col_unref(col);
    if (fail) {
      modu_frame_free(f);
      csv_oom(r, e);
      return NULL;
    }
  }
  return f;
}

/* ---- writer ---- */

/* The output goes through one buffer of CSV_OUT_CAP bytes, handed to the
 * FILE in whole blocks; numbers are formatted straight into it. Without a
 * FILE the buffer grows instead and ends up holding the whole text. */
#define CSV_OUT_CAP ((size_t)1 << 20)
#define CSV_MEM_CAP ((size_t)1 << 16) /* where the text in memory starts */
#define CSV_FIELD_ROOM 64             /* the most a number, date or bool takes */
#define CSV_SYNC_EVERY ((size_t)16 << 20)

typedef struct csv_out {
  FILE *fp;        /* NULL: the text stays in buf */
  char *buf;
  size_t n, cap;
  int err;         /* errno of the first failed write, 0 while none */
  int sync_fd;     /* see modu_csv_wopts */
  size_t unsynced; /* bytes written since the last hint */
} csv_out;

static void csv_flush(csv_out *o) {
  if (!o->fp) return;
  if (o->n && !o->err && fwrite(o->buf, 1, o->n, o->fp) != o->n) o->err = errno ? errno : EIO;
  o->unsynced += o->n;
  o->n = 0;
  if (o->sync_fd >= 0 && o->unsynced >= CSV_SYNC_EVERY && !o->err) {
    /* Linux starts writing back dirty pages on DONTNEED (and drops the
     * clean ones, which the writer will not read again) */
    if (fflush(o->fp) != 0) o->err = errno ? errno : EIO;
#if defined(POSIX_FADV_DONTNEED) /* not on every system (macOS has none) */
    else (void)posix_fadvise(o->sync_fd, 0, 0, POSIX_FADV_DONTNEED);
#endif
    o->unsynced = 0;
  }
}

/* makes room for need more bytes: a flush, or a bigger buffer. When memory
 * runs out the text so far is dropped (the write fails anyway), so that the
 * buffer always has CSV_FIELD_ROOM bytes free. */
static void csv_make_room(csv_out *o, size_t need) {
  if (o->fp) {
    csv_flush(o);
    return;
  }
  size_t cap = o->cap * 2 > o->n + need ? o->cap * 2 : o->n + need;
  char *p = cap > o->cap ? realloc(o->buf, cap) : NULL;
  if (!p) {
    if (!o->err) o->err = ENOMEM;
    o->n = 0;
    return;
  }
  o->buf = p;
  o->cap = cap;
}

/* where up to `need` (<= CSV_FIELD_ROOM, or any size without a FILE) bytes can go */
static inline char *csv_room(csv_out *o, size_t need) {
  if (o->n + need > o->cap) csv_make_room(o, need);
  return o->buf + o->n;
}

static void csv_emit(csv_out *o, const char *s, size_t len) {
  if (o->fp && len > o->cap) { /* longer than the buffer: straight to the file */
    csv_flush(o);
    if (!o->err && fwrite(s, 1, len, o->fp) != len) o->err = errno ? errno : EIO;
    return;
  }
  char *p = csv_room(o, len);
  if (o->n + len <= o->cap) { /* false only after running out of memory */
    memcpy(p, s, len);
    o->n += len;
  }
}

/* Quoted when it holds a separator, quote or line break, is empty, is an NA
 * token, or has spaces at either end, so that it reads back unchanged. */
static bool csv_needs_quotes(const char *s, size_t len, const modu_csv_wopts *w) {
  static const char *const na_words[] = {"NA", "N/A", "null", "NULL"};
  if (len == 0 || s[0] == ' ' || s[len - 1] == ' ' || s[0] == '\t' || s[len - 1] == '\t') return true;
  for (size_t i = 0; i < len; i++)
    if (s[i] == w->sep || s[i] == w->quote || s[i] == '\n' || s[i] == '\r') return true;
  for (int t = 0; t < 4; t++)
    if (strlen(na_words[t]) == len && memcmp(na_words[t], s, len) == 0) return true;
  return *w->na && strlen(w->na) == len && memcmp(w->na, s, len) == 0;
}

static void csv_emit_quoted(csv_out *o, const char *s, size_t len, char quote) {
  csv_emit(o, &quote, 1);
  size_t from = 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] == quote) {
      csv_emit(o, s + from, i + 1 - from);
      csv_emit(o, &quote, 1);
      from = i + 1;
    }
  csv_emit(o, s + from, len - from);
  csv_emit(o, &quote, 1);
}

static void csv_emit_text(csv_out *o, const char *s, size_t len, const modu_csv_wopts *w) {
  if (w->quote && csv_needs_quotes(s, len, w)) csv_emit_quoted(o, s, len, w->quote);
  else csv_emit(o, s, len);
}

/* A str column's dictionary entries are looked at once per write, not once
 * per row: quote[code] is 0 until seen, then 1 (plain) or 2 (quoted). It is
 * filled as codes turn up, since a column may use few entries of a large
 * shared dictionary. */
typedef struct csv_wcol {
  const modu_column *c;
  uint8_t *quote; /* str columns only */
} csv_wcol;

static void csv_emit_value(csv_out *o, const csv_wcol *wc, int64_t i, const modu_csv_wopts *w) {
  const modu_column *c = wc->c;
  if (modu_col_isna(c, i)) {
    csv_emit(o, w->na, strlen(w->na));
    return;
  }
  char *p;
  switch (c->type) {
    case MODU_INT:
      p = csv_room(o, CSV_FIELD_ROOM);
      o->n += (size_t)modu_itoa(MODU_I64(c)[i], p);
      return;
    case MODU_FLOAT:
      p = csv_room(o, CSV_FIELD_ROOM);
      o->n += (size_t)modu_dtoa_format(MODU_F64(c)[i], p);
      return;
    case MODU_BOOL: csv_emit(o, MODU_U8(c)[i] ? "true" : "false", MODU_U8(c)[i] ? 4 : 5); return;
    case MODU_DATE: {
      p = csv_room(o, CSV_FIELD_ROOM);
      int64_t y;
      int m, d;
      modu_date_to_ymd(MODU_I32(c)[i], &y, &m, &d);
      if (y < 0 || y > 9999) { /* rare: modu_date_format's signed or longer years */
        o->n += (size_t)modu_date_format(MODU_I32(c)[i], p, CSV_FIELD_ROOM);
        return;
      }
      int yy = (int)y;
      p[0] = (char)('0' + yy / 1000);
      p[1] = (char)('0' + yy / 100 % 10);
      p[2] = (char)('0' + yy / 10 % 10);
      p[3] = (char)('0' + yy % 10);
      p[4] = '-';
      p[5] = (char)('0' + m / 10);
      p[6] = (char)('0' + m % 10);
      p[7] = '-';
      p[8] = (char)('0' + d / 10);
      p[9] = (char)('0' + d % 10);
      o->n += 10;
      return;
    }
    case MODU_STR: {
      int32_t code = MODU_I32(c)[i];
      size_t len;
      const char *s = modu_dict_str(c->dict, code, &len);
      uint8_t *q = &wc->quote[code];
      if (!*q) *q = w->quote && csv_needs_quotes(s, len, w) ? 2 : 1;
      if (*q == 2) csv_emit_quoted(o, s, len, w->quote);
      else csv_emit(o, s, len);
    }
  }
}

/* writes f through o, whose buffer is set; frees the buffer when o has a FILE */
static int csv_write_to(csv_out *o, const modu_frame *f, const modu_csv_wopts *w, modu_err *e) {
  csv_wcol *cols = calloc((size_t)(f->ncol ? f->ncol : 1), sizeof *cols);
  bool oom = !o->buf || !cols;
  for (int k = 0; k < f->ncol && !oom; k++) {
    cols[k].c = f->cols[k];
    if (f->cols[k]->type == MODU_STR) {
      cols[k].quote = calloc((size_t)(f->cols[k]->dict->n ? f->cols[k]->dict->n : 1), 1);
      oom = !cols[k].quote;
    }
  }
  if (!oom && w->header) {
    for (int k = 0; k < f->ncol; k++) {
      if (k) csv_emit(o, &w->sep, 1);
      csv_emit_text(o, f->names[k], strlen(f->names[k]), w);
    }
    csv_emit(o, "\n", 1);
  }
  for (int64_t i = 0; i < f->nrow && !oom && !o->err; i++) {
    /* a one-column row that is NA would be a blank line, which readers skip:
     * it is written as the NA token instead */
    if (f->ncol == 1 && modu_col_isna(f->cols[0], i) && !*w->na) csv_emit(o, "NA", 2);
    for (int k = 0; k < f->ncol; k++) {
      if (k) {
        *csv_room(o, 1) = w->sep;
        o->n++;
      }
      csv_emit_value(o, &cols[k], i, w);
    }
    *csv_room(o, 1) = '\n';
    o->n++;
  }
  if (!oom) csv_flush(o);
  for (int k = 0; cols && k < f->ncol; k++) free(cols[k].quote);
  free(cols);
  if (o->fp || oom || o->err) {
    free(o->buf);
    o->buf = NULL;
  }
  if (oom || o->err == ENOMEM) return modu_errf(e, "out of memory");
  if (o->err) return modu_errf(e, "write failed: %s", strerror(o->err));
  return 0;
}

int modu_csv_write(const modu_frame *f, FILE *fp, const modu_csv_wopts *w, modu_err *e) {
  csv_out o = {fp, malloc(CSV_OUT_CAP), 0, CSV_OUT_CAP, 0, w->sync_fd, 0};
  return csv_write_to(&o, f, w, e);
}

int modu_csv_write_mem(const modu_frame *f, const modu_csv_wopts *w, char **text, size_t *len, modu_err *e) {
  csv_out o = {NULL, malloc(CSV_MEM_CAP), 0, CSV_MEM_CAP, 0, -1, 0};
  int rc = csv_write_to(&o, f, w, e);
  *text = o.buf;
  *len = o.n;
  return rc;
}
