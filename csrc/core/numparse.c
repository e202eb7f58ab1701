/* numparse.c: numbers and dates as Chinese, Indonesian and English prose writes
 * them ("382,1 miliar yuan", "3821亿元", "29 Desember 2017", "2017年12月29日"). */
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

/* a digit run longer than this is no quantity anyone wrote */
#define NP_MAX_RAW 64
/* error messages quote this many bytes of the input at most */
#define NP_QUOTE 40

/* One code point of the input after compatibility folding (full-width digits
 * and separators, no-break and ideographic spaces become ASCII, as NFKC
 * does), with the bytes it came from, so spans point into the original. */
typedef struct np_cp {
  int32_t c;
  size_t at, end;
} np_cp;

typedef struct np_text {
  const char *s;
  np_cp *cp;
  size_t n;
} np_text;

static int32_t np_fold(int32_t c) {
  if (c < 0x80) return c;
  if (c == 0x2212) return '-';
  utf8proc_int32_t d[4];
  utf8proc_int32_t last = 0;
  utf8proc_ssize_t k = utf8proc_decompose_char(c, d, 4, UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE, &last);
  if (k == 1 && d[0] < 0x80) return d[0];
  return c;
}

static int np_decode(np_text *t, const char *s, size_t len, modu_err *e) {
  size_t bad = 0;
  if (!modu_utf8_valid(s, len, &bad))
    return modu_errf(e, "invalid UTF-8 at byte %zu (modu.text.sanitize replaces bad bytes with U+FFFD)", bad + 1);
  t->s = s;
  t->n = 0;
  t->cp = malloc((len ? len : 1) * sizeof *t->cp);
  if (!t->cp) return modu_errf(e, "out of memory");
  size_t at = 0;
  while (at < len) {
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + at, (utf8proc_ssize_t)(len - at), &c);
    if (k <= 0) { /* not reached after validation */
      c = 0xFFFD;
      k = 1;
    }
    t->cp[t->n++] = (np_cp){np_fold(c), at, at + (size_t)k};
    at += (size_t)k;
  }
  return 0;
}

static int32_t np_at(const np_text *t, size_t i) { return i < t->n ? t->cp[i].c : 0; }
static bool np_digit(int32_t c) { return c >= '0' && c <= '9'; }
static bool np_ascii_alpha(int32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool np_alpha(int32_t c) {
  if (c < 0x80) return np_ascii_alpha(c);
  utf8proc_category_t k = utf8proc_category(c);
  return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO && !(c >= 0x3400 && c <= 0x9FFF);
}
static bool np_space(int32_t c) { return c == ' ' || c == '\t'; }

static size_t np_skip_spaces(const np_text *t, size_t i) {
  while (i < t->n && np_space(t->cp[i].c)) i++;
  return i;
}

/* length of the ASCII word w at i (case-insensitive, ending at a word
 * boundary), 0 when it is not there */
static size_t np_word(const np_text *t, size_t i, const char *w) {
  size_t k = 0;
  for (; w[k]; k++) {
    int32_t c = np_at(t, i + k);
    if (c >= 0x80 || c == 0) return 0;
    int a = c >= 'A' && c <= 'Z' ? c + 32 : c, b = w[k] >= 'A' && w[k] <= 'Z' ? w[k] + 32 : w[k];
    if (a != b) return 0;
  }
  if (np_alpha(np_at(t, i + k)) || np_digit(np_at(t, i + k))) return 0;
  return k;
}

/* the input between two code-point indices, quoted for a message */
static const char *np_quote(const np_text *t, size_t i, size_t j, char *buf, size_t cap) {
  size_t a = t->cp[i].at, b = t->cp[j - 1].end;
  size_t n = b - a;
  if (n > NP_QUOTE) {
    /* cut at a code point boundary */
    n = NP_QUOTE;
    while (n > 0 && ((unsigned char)t->s[a + n] & 0xC0) == 0x80) n--;
    snprintf(buf, cap, "%.*s…", (int)n, t->s + a);
  } else {
    snprintf(buf, cap, "%.*s", (int)n, t->s + a);
  }
  return buf;
}

/* ---- Chinese numerals ---- */

static int np_cn_digit(int32_t c) {
  switch (c) {
    case 0x96F6: case 0x3007: return 0;        /* 零 〇 */
    case 0x4E00: return 1;                     /* 一 */
    case 0x4E8C: case 0x4E24: return 2;        /* 二 两 */
    case 0x4E09: return 3;                     /* 三 */
    case 0x56DB: return 4;                     /* 四 */
    case 0x4E94: return 5;                     /* 五 */
    case 0x516D: return 6;                     /* 六 */
    case 0x4E03: return 7;                     /* 七 */
    case 0x516B: return 8;                     /* 八 */
    case 0x4E5D: return 9;                     /* 九 */
    default: return -1;
  }
}

/* power of ten of a Chinese unit character, 0 if c is none */
static int np_cn_unit(int32_t c) {
  switch (c) {
    case 0x5341: return 1; /* 十 */
    case 0x767E: return 2; /* 百 */
    case 0x5343: return 3; /* 千 */
    case 0x4E07: return 4; /* 万 */
    case 0x842C: return 4; /* 萬 */
    case 0x4EBF: return 8; /* 亿 */
    case 0x5104: return 8; /* 億 */
    default: return 0;
  }
}

static const int64_t np_pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

/* Reads the Chinese numeral run at i ("四千三百", "两万", "三万亿",
 * "二〇一七"): *j is its end. False when there is none or it is malformed. */
static bool np_cn_number(const np_text *t, size_t i, size_t *j, int64_t *value) {
  size_t k = i;
  while (k < t->n && k - i < 32 && (np_cn_digit(t->cp[k].c) >= 0 || np_cn_unit(t->cp[k].c))) k++;
  if (k == i) return false;
  bool units = false;
  for (size_t m = i; m < k; m++) units |= np_cn_unit(t->cp[m].c) != 0;
  if (!units) { /* positional, as years are written: 二〇一七 */
    if (k - i > 18) return false;
    int64_t v = 0;
    for (size_t m = i; m < k; m++) v = v * 10 + np_cn_digit(t->cp[m].c);
    *value = v;
    *j = k;
    return true;
  }
  const int64_t cap = INT64_C(100000000000000000); /* 1e17: no overflow below */
  int64_t total = 0, section = 0, num = -1;
  bool prev_zero = false, any = false;
  size_t m = i;
  /* a character that cannot continue the numeral ends it, state untouched */
  for (; m < k; m++) {
    int32_t c = t->cp[m].c;
    int d = np_cn_digit(c), u = np_cn_unit(c);
    if (d >= 0) {
      if (num > 0 || (num == 0 && !prev_zero)) break; /* two digits in a row */
      num = d;
      prev_zero = d == 0;
      any = true;
      continue;
    }
    if (u <= 3) {
      if (num < 0 && !(u == 1 && section == 0 && total == 0 && !any)) break; /* 十 may lead: 十二 */
      section += (num < 0 ? 1 : num) * np_pow10[u];
      any = true;
    } else if (u == 4) {
      int64_t base = section + (num < 0 ? 0 : num);
      if (base == 0) break;
      if (base > cap / 10000) return false; /* checked before multiplying: no overflow */
      section = base * 10000;
    } else {
      int64_t part = total + section + (num < 0 ? 0 : num);
      if (part == 0) break;
      if (part > cap / 100000000) return false;
      total = part * 100000000;
      section = 0;
    }
    prev_zero = false;
    num = -1;
    if (total > cap || section > cap) return false;
  }
  if (!any) return false;
  *j = m;
  *value = total + section + (num < 0 ? 0 : num);
  return true;
}

/* ---- Arabic numerals ---- */

enum { NP_DOT = 1, NP_COMMA = 2 }; /* which mark is the decimal one */

typedef struct np_tok {
  size_t i, j;          /* code points of the number proper, sign included */
  size_t end;           /* after scale and unit */
  bool neg;
  bool chinese;         /* a Chinese numeral: value in cn */
  int64_t cn;
  char raw[NP_MAX_RAW + 1]; /* digits and separators as written */
  size_t nraw;
  int scale;            /* power of ten from 万, miliar, billion... */
  int hint;             /* NP_DOT / NP_COMMA suggested by a scale word */
  const char *unit;
  int readable;         /* NP_DOT | NP_COMMA: the readings that are well formed */
} np_tok;

/* Reads raw with `dec` as the decimal mark and the other one grouping
 * thousands. Fills digits (NUL-terminated) and the count of fraction digits;
 * NULL when well formed, else why not. */
static const char *np_read(const char *raw, size_t n, char dec, char *digits, int *frac) {
  char thou = dec == '.' ? ',' : '.';
  size_t nd = 0, group = 0, ngroups = 0;
  bool seen_dec = false, seen_thou = false;
  int f = 0;
  for (size_t k = 0; k < n; k++) {
    char c = raw[k];
    if (c == dec) {
      if (seen_dec) return dec == '.' ? "it has two decimal points" : "it has two decimal commas";
      if (seen_thou && group != 3) return "thousands come in groups of three digits";
      seen_dec = true;
      group = 0;
    } else if (c == thou) {
      if (seen_dec) return "a thousands separator follows the decimal mark";
      if (seen_thou ? group != 3 : (group > 3 || (group == 1 && digits[0] == '0')))
        return "thousands come in groups of three digits";
      seen_thou = true;
      ngroups++;
      group = 0;
    } else {
      digits[nd++] = c;
      group++;
      if (seen_dec) f++;
    }
  }
  if (seen_thou && !seen_dec && group != 3) return "thousands come in groups of three digits";
  digits[nd] = '\0';
  *frac = f;
  return NULL;
}

static const struct np_scale {
  const char *word;
  int pow, hint;
  bool attached; /* only right after the digits ("5k", "3bn") */
} np_scales[] = {
    {"ribu", 3, NP_COMMA, false},    {"juta", 6, NP_COMMA, false},     {"miliar", 9, NP_COMMA, false},
    {"milyar", 9, NP_COMMA, false},  {"triliun", 12, NP_COMMA, false}, {"thousand", 3, NP_DOT, false},
    {"million", 6, NP_DOT, false},   {"billion", 9, NP_DOT, false},    {"trillion", 12, NP_DOT, false},
    {"k", 3, 0, true},               {"m", 6, 0, true},                {"mn", 6, 0, true},
    {"bn", 9, 0, true},              {"tn", 12, 0, true},
};

static const struct np_unit {
  const char *word; /* ASCII word, or a UTF-8 string matched exactly (CJK) */
  const char *unit;
  bool cjk;
} np_units[] = {
    {"yuan", "CNY", false},        {"RMB", "CNY", false},       {"CNY", "CNY", false},
    {"renminbi", "CNY", false},    {"元", "CNY", true},         {"美元", "USD", true},
    {"USD", "USD", false},         {"dollars", "USD", false},   {"dollar", "USD", false},
    {"dolar", "USD", false},       {"家", "firms", true},       {"perusahaan", "firms", false},
    {"firms", "firms", false},     {"companies", "firms", false}, {"enterprises", "firms", false},
    {"个", "items", true},         {"PFLOPS", "PFLOPS", false}, {"%", "%", false},
    {"persen", "%", false},        {"percent", "%", false},     {"per cent", "%", false},
};

/* a CJK unit written as UTF-8 text at code point i: its length in code points */
static size_t np_match_utf8(const np_text *t, size_t i, const char *w) {
  size_t at = 0, k = 0, wl = strlen(w);
  while (at < wl) {
    utf8proc_int32_t c;
    utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)w + at, (utf8proc_ssize_t)(wl - at), &c);
    if (step <= 0 || np_at(t, i + k) != c) return 0;
    at += (size_t)step;
    k++;
  }
  return k;
}

static size_t np_unit_at(const np_text *t, size_t i, const char **unit) {
  for (size_t u = 0; u < sizeof np_units / sizeof np_units[0]; u++) {
    size_t k;
    if (np_units[u].cjk) k = np_match_utf8(t, i, np_units[u].word);
    else if (strcmp(np_units[u].word, "%") == 0) k = np_at(t, i) == '%';
    else if (strcmp(np_units[u].word, "per cent") == 0) {
      size_t a = np_word(t, i, "per");
      k = a && np_at(t, i + a) == ' ' && np_word(t, i + a + 1, "cent") ? a + 5 : 0;
    } else {
      /* ASCII unit words must match case as written for short codes (P vs p) */
      k = np_word(t, i, np_units[u].word);
    }
    if (k) {
      *unit = np_units[u].unit;
      return k;
    }
  }
  /* P (petaFLOPS), as Chinese sources write compute: 1.2万P; case matters */
  if (np_at(t, i) == 'P' && !np_alpha(np_at(t, i + 1)) && !np_digit(np_at(t, i + 1))) {
    *unit = "PFLOPS";
    return 1;
  }
  if (np_at(t, i) == 'P' && np_at(t, i + 1) == 'F' && !np_alpha(np_at(t, i + 2))) {
    *unit = "PFLOPS";
    return 2;
  }
  return 0;
}

/* scale and unit after the number at i; fills the token, returns the end */
static size_t np_suffix(const np_text *t, size_t i, np_tok *tok) {
  /* Chinese units straight after the digits: 万, 亿, 万亿, 千万 */
  int cn = 0;
  size_t k = i;
  while (k < t->n && np_cn_unit(t->cp[k].c) && cn < 16) cn += np_cn_unit(t->cp[k++].c);
  if (cn) {
    tok->scale += cn;
    tok->hint = NP_DOT;
    i = k;
  } else {
    size_t sp = np_skip_spaces(t, i);
    for (size_t s = 0; s < sizeof np_scales / sizeof np_scales[0]; s++) {
      if (np_scales[s].attached && sp != i) continue;
      size_t w = np_word(t, sp, np_scales[s].word);
      if (w) {
        tok->scale += np_scales[s].pow;
        tok->hint = np_scales[s].hint;
        i = sp + w;
        break;
      }
    }
  }
  size_t sp = np_skip_spaces(t, i);
  const char *unit = NULL;
  size_t w = np_unit_at(t, sp, &unit);
  /* a space before % or a CJK unit is fine; "5 P" is more likely prose */
  if (w && !(sp != i && unit && strcmp(unit, "PFLOPS") == 0 && np_at(t, sp) == 'P' && w == 1)) {
    tok->unit = unit;
    i = sp + w;
  }
  return i;
}

/* currency written before the number: ¥ ￥ $, or the code RMB, CNY or USD
 * as a word of its own, before a space or glued to the digits */
static const char *np_prefix_unit(const np_text *t, size_t i) {
  int32_t c = i > 0 ? t->cp[i - 1].c : 0;
  if (c == 0xA5 || c == 0xFFE5) return "CNY";
  if (c == '$') return "USD";
  static const char *const codes[][2] = {{"RMB", "CNY"}, {"CNY", "CNY"}, {"USD", "USD"}};
  size_t k = i > 0 && c == ' ' ? i - 1 : i;
  for (size_t w = 0; w < sizeof codes / sizeof codes[0]; w++) {
    size_t n = strlen(codes[w][0]);
    if (k < n || (k > n && np_alpha(t->cp[k - n - 1].c))) continue;
    size_t m = 0;
    while (m < n && t->cp[k - n + m].c == (unsigned char)codes[w][0][m]) m++;
    if (m == n) return codes[w][1];
  }
  return NULL;
}

/* the next number token at or after *pos; false at the end */
static bool np_next_token(const np_text *t, size_t *pos, np_tok *tok) {
  for (size_t i = *pos; i < t->n; i++) {
    int32_t c = t->cp[i].c;
    bool arabic = np_digit(c);
    if (!arabic && np_cn_digit(c) < 0 && c != 0x5341) continue;
    memset(tok, 0, sizeof *tok);
    size_t j = i;
    if (arabic) {
      /* digits glued to a word (A100, H800) are a name, not a quantity */
      if (i > 0 && (np_alpha(t->cp[i - 1].c) || np_digit(t->cp[i - 1].c))) {
        while (j < t->n && (np_digit(t->cp[j].c) || ((t->cp[j].c == '.' || t->cp[j].c == ',') &&
                                                    np_digit(np_at(t, j + 1)))))
          j++;
        i = j - 1;
        continue;
      }
      while (j < t->n) {
        int32_t d = t->cp[j].c;
        if (np_digit(d) || ((d == '.' || d == ',') && np_digit(np_at(t, j + 1)))) {
          if (tok->nraw >= NP_MAX_RAW) {
            tok->nraw = NP_MAX_RAW + 1; /* flagged: too long */
            j++;
            continue;
          }
          tok->raw[tok->nraw++] = (char)d;
          j++;
        } else {
          break;
        }
      }
    } else {
      if (!np_cn_number(t, i, &j, &tok->cn)) continue;
      tok->chinese = true;
      tok->hint = NP_DOT;
    }
    size_t start = i;
    if (i > 0 && (t->cp[i - 1].c == '-' || t->cp[i - 1].c == '+') &&
        (i < 2 || !(np_alpha(t->cp[i - 2].c) || np_digit(t->cp[i - 2].c)))) {
      tok->neg = t->cp[i - 1].c == '-';
      start = i - 1;
    } else if (i > 0 && t->cp[i - 1].c == 0x8D1F) { /* 负: Chinese minus (负三, 负5%) */
      tok->neg = true;
      start = i - 1;
    }
    tok->i = start;
    tok->j = j;
    tok->unit = np_prefix_unit(t, start);
    tok->end = np_suffix(t, j, tok);
    if (!tok->chinese && tok->nraw <= NP_MAX_RAW) {
      char digits[NP_MAX_RAW + 1];
      int frac;
      tok->readable = (np_read(tok->raw, tok->nraw, '.', digits, &frac) ? 0 : NP_DOT) |
                      (np_read(tok->raw, tok->nraw, ',', digits, &frac) ? 0 : NP_COMMA);
    }
    *pos = tok->end > j ? tok->end : j;
    return true;
  }
  *pos = t->n;
  return false;
}

/* whether the two readings of raw give different numbers (1.234 vs 1,5) */
static bool np_differs(const np_tok *tok) {
  char a[NP_MAX_RAW + 1], b[NP_MAX_RAW + 1];
  int fa, fb;
  np_read(tok->raw, tok->nraw, '.', a, &fa);
  np_read(tok->raw, tok->nraw, ',', b, &fb);
  return fa != fb || strcmp(a, b) != 0;
}

/* value of a token read with decimal mark style (NP_DOT / NP_COMMA) */
static int np_value(const np_tok *tok, int style, modu_num *out, modu_err *e) {
  int64_t sign = tok->neg ? -1 : 1;
  if (tok->chinese) {
    int64_t v = tok->cn;
    int p = tok->scale;
    while (p > 0 && v <= INT64_C(900719925474099) ) {
      v *= 10;
      p--;
    }
    if (p == 0) {
      out->is_int = v <= (INT64_C(1) << 53);
      out->ival = sign * v;
      out->value = (double)(sign * v);
    } else {
      out->value = (double)sign * (double)v * pow(10, p);
      out->is_int = false;
    }
    return 0;
  }
  char digits[NP_MAX_RAW + 1];
  int frac;
  if (np_read(tok->raw, tok->nraw, style == NP_DOT ? '.' : ',', digits, &frac))
    return modu_errf(e, "internal: unreadable number");
  int exp10 = tok->scale - frac;
  /* an exact integer when the fraction digits the scale does not absorb are zeros */
  size_t nd = strlen(digits);
  const char *d = digits;
  while (*d == '0' && d[1]) d++, nd--;
  bool is_int = true;
  if (exp10 < 0) {
    size_t drop = (size_t)-exp10;
    for (size_t k = drop >= nd ? 0 : nd - drop; k < nd; k++) is_int &= d[k] == '0';
  }
  char buf[NP_MAX_RAW + 32];
  snprintf(buf, sizeof buf, "%s%se%d", tok->neg ? "-" : "", d, exp10);
  double v = strtod(buf, NULL);
  if (!isfinite(v)) return modu_errf(e, "too large");
  out->value = v;
  out->is_int = is_int && fabs(v) <= 9007199254740992.0;
  out->ival = out->is_int ? (int64_t)v : 0;
  return 0;
}

static const char *np_locale_label(int style) { return style == NP_COMMA ? "Indonesian" : "English/Chinese"; }

int modu_locale_from_name(const char *s) {
  static const char *const names[] = {"auto", "en", "id", "zh"};
  if (!s) return -1;
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

int modu_parse_numbers(const char *s, size_t len, modu_locale loc, bool skip_invalid, modu_num *out, size_t cap,
                       size_t *n, modu_err *e) {
  np_text t;
  *n = 0;
  if (np_decode(&t, s, len, e)) return -1;
  int style = loc == MODU_LOC_ID ? NP_COMMA : loc == MODU_LOC_AUTO ? 0 : NP_DOT;
  int evidence = 0;
  np_tok tok;
  size_t pos = 0;
  if (loc == MODU_LOC_AUTO) {
    /* the passage's own numbers and scale words settle the decimal mark */
    while (np_next_token(&t, &pos, &tok)) {
      if (tok.hint) evidence |= tok.hint;
      if (!tok.chinese && memchr(tok.raw, '.', tok.nraw) == NULL && memchr(tok.raw, ',', tok.nraw) == NULL) continue;
      if (tok.readable == NP_DOT || tok.readable == NP_COMMA) evidence |= tok.readable;
    }
    if (evidence == NP_DOT || evidence == NP_COMMA) style = evidence;
    pos = 0;
  }
  char q[NP_QUOTE * 2];
  int rc = 0;
  while (np_next_token(&t, &pos, &tok)) {
    size_t at = t.cp[tok.i].at + 1;
    if (!tok.chinese && tok.nraw > NP_MAX_RAW) {
      if (skip_invalid) continue;
      rc = modu_errf(e, "'%s' at byte %zu has more than %d digits", np_quote(&t, tok.i, tok.j, q, sizeof q), at,
                     NP_MAX_RAW);
      break;
    }
    int use = style;
    if (!tok.chinese) {
      if (loc == MODU_LOC_AUTO) {
        if (tok.readable == 0) {
          if (skip_invalid) continue;
          rc = modu_errf(e, "'%s' at byte %zu reads as a number neither with '.' nor with ',' as the decimal mark",
                         np_quote(&t, tok.i, tok.j, q, sizeof q), at);
          break;
        }
        if (tok.readable != (NP_DOT | NP_COMMA) || !np_differs(&tok)) {
          use = tok.readable & NP_DOT ? NP_DOT : NP_COMMA;
        } else if (!style) {
          char a[NP_MAX_RAW + 1], b[NP_MAX_RAW + 1];
          int fa, fb;
          np_read(tok.raw, tok.nraw, ',', a, &fa);
          np_read(tok.raw, tok.nraw, '.', b, &fb);
          char sep = memchr(tok.raw, '.', tok.nraw) ? '.' : ',';
          const char *id_read = sep == '.' ? "groups thousands (Indonesian" : "marks decimals (Indonesian";
          const char *en_read = sep == '.' ? "marks decimals (English" : "groups thousands (English";
          rc = modu_errf(e, "'%s' at byte %zu is ambiguous: '%c' %s: %.*s) or %s: %s); %spass { locale = \"id\" } "
                            "or { locale = \"en\" }",
                         np_quote(&t, tok.i, tok.j, q, sizeof q), at, sep, id_read, fa ? (int)(strlen(a) - (size_t)fa) : (int)strlen(a), a,
                         en_read, tok.raw,
                         evidence ? "the passage writes numbers both ways, so it cannot tell; " : "");
          break;
        }
      } else if (!(tok.readable & style)) {
        if (skip_invalid) continue;
        char d[NP_MAX_RAW + 1];
        int f;
        const char *why = np_read(tok.raw, tok.nraw, style == NP_DOT ? '.' : ',', d, &f);
        rc = modu_errf(e, "'%s' at byte %zu is not a number in %s style (%s); %s",
                       np_quote(&t, tok.i, tok.j, q, sizeof q), at, np_locale_label(style), why,
                       tok.readable ? (style == NP_DOT ? "Indonesian reads it: pass { locale = \"id\" }"
                                                       : "English reads it: pass { locale = \"en\" }")
                                    : "pass { skip_invalid = true } to leave such numbers out");
        break;
      }
    }
    modu_num v = {0};
    if (np_value(&tok, use ? use : NP_DOT, &v, e)) {
      if (skip_invalid) continue;
      char msg[sizeof e->msg];
      snprintf(msg, sizeof msg, "%s", e->msg);
      rc = modu_errf(e, "'%s' at byte %zu is %s", np_quote(&t, tok.i, tok.end, q, sizeof q), at, msg);
      break;
    }
    v.unit = tok.unit;
    v.start = t.cp[tok.i].at;
    v.end = t.cp[tok.end - 1].end;
    if (out && *n < cap) out[*n] = v;
    (*n)++;
    if (cap && *n >= cap) break;
  }
  free(t.cp);
  return rc;
}

/* ---- dates ---- */

enum { NP_EN = 1, NP_ID = 2 };

static const struct np_month {
  const char *name;
  int month, langs;
} np_months[] = {
    {"january", 1, NP_EN},    {"januari", 1, NP_ID},      {"february", 2, NP_EN},  {"februari", 2, NP_ID},
    {"pebruari", 2, NP_ID},   {"march", 3, NP_EN},        {"maret", 3, NP_ID},     {"april", 4, NP_EN | NP_ID},
    {"may", 5, NP_EN},        {"mei", 5, NP_ID},          {"june", 6, NP_EN},      {"juni", 6, NP_ID},
    {"july", 7, NP_EN},       {"juli", 7, NP_ID},         {"august", 8, NP_EN},    {"agustus", 8, NP_ID},
    {"september", 9, NP_EN | NP_ID}, {"october", 10, NP_EN}, {"oktober", 10, NP_ID},
    {"november", 11, NP_EN | NP_ID}, {"december", 12, NP_EN}, {"desember", 12, NP_ID},
    {"jan", 1, NP_EN | NP_ID}, {"feb", 2, NP_EN | NP_ID},  {"mar", 3, NP_EN | NP_ID}, {"apr", 4, NP_EN | NP_ID},
    {"jun", 6, NP_EN | NP_ID}, {"jul", 7, NP_EN | NP_ID},  {"aug", 8, NP_EN},      {"agu", 8, NP_ID},
    {"agt", 8, NP_ID},        {"ags", 8, NP_ID},          {"sep", 9, NP_EN | NP_ID}, {"sept", 9, NP_EN},
    {"oct", 10, NP_EN},       {"okt", 10, NP_ID},         {"nov", 11, NP_EN | NP_ID}, {"dec", 12, NP_EN},
    {"des", 12, NP_ID},
};

static int np_langs(modu_locale loc) {
  return loc == MODU_LOC_EN ? NP_EN : loc == MODU_LOC_ID ? NP_ID : NP_EN | NP_ID;
}

/* a month name at i (an abbreviation may end in '.'): its number, *j after it */
static int np_month_at(const np_text *t, size_t i, modu_locale loc, size_t *j) {
  if (i > 0 && np_alpha(t->cp[i - 1].c)) return 0;
  for (size_t m = 0; m < sizeof np_months / sizeof np_months[0]; m++) {
    if (!(np_months[m].langs & np_langs(loc))) continue;
    size_t k = np_word(t, i, np_months[m].name);
    if (k) {
      if (strlen(np_months[m].name) <= 4 && np_at(t, i + k) == '.') k++;
      *j = i + k;
      return np_months[m].month;
    }
  }
  return 0;
}

/* 1..maxd ASCII digits at i not followed by another digit */
static bool np_int_at(const np_text *t, size_t i, size_t mind, size_t maxd, int64_t *v, size_t *j) {
  size_t k = i;
  int64_t x = 0;
  while (k < t->n && np_digit(t->cp[k].c) && k - i < maxd) x = x * 10 + (t->cp[k++].c - '0');
  if (k - i < mind || np_digit(np_at(t, k))) return false;
  *v = x;
  *j = k;
  return true;
}

/* a number for a Chinese date field: ASCII digits or a Chinese numeral */
static bool np_zh_int_at(const np_text *t, size_t i, int64_t *v, size_t *j) {
  if (np_int_at(t, i, 1, 4, v, j)) return true;
  return np_cn_number(t, i, j, v);
}

static bool np_zh_range_sep(int32_t c) {
  return c == 0x548C || c == 0x81F3 || c == 0x5230 || c == 0x4E0E || c == '-' || c == '~' || c == 0x2013 ||
         c == 0x2014 || c == 0x3001; /* 和 至 到 与 - ~ – — 、 */
}

static bool np_try_zh(const np_text *t, size_t i, modu_date_match *d, size_t *j) {
  int64_t a;
  size_t k;
  if (i > 0 && (np_digit(t->cp[i - 1].c) || np_cn_digit(t->cp[i - 1].c) >= 0)) return false;
  if (!np_zh_int_at(t, i, &a, &k)) return false;
  if (np_at(t, k) == 0x5E74) { /* 年 */
    d->year = a;
    d->has_year = true;
    d->precision = MODU_PREC_YEAR;
    *j = k + 1;
    int64_t m;
    size_t k2;
    if (!np_zh_int_at(t, k + 1, &m, &k2) || np_at(t, k2) != 0x6708) return true; /* 月 */
    i = k + 1;
    a = m;
    k = k2;
  } else if (np_at(t, k) != 0x6708) {
    return false;
  }
  d->month = (int)(a > 99 ? 99 : a);
  d->precision = MODU_PREC_MONTH;
  *j = k + 1;
  int64_t day;
  size_t k3;
  if (np_zh_int_at(t, k + 1, &day, &k3) && (np_at(t, k3) == 0x65E5 || np_at(t, k3) == 0x53F7)) { /* 日 号 */
    d->day = (int)(day > 99 ? 99 : day);
    d->precision = MODU_PREC_DAY;
    *j = k3 + 1;
  } else if (np_zh_range_sep(np_at(t, k + 1))) {
    int64_t m2;
    if (np_zh_int_at(t, k + 2, &m2, &k3) && np_at(t, k3) == 0x6708) {
      d->month2 = (int)(m2 > 99 ? 99 : m2);
      *j = k3 + 1;
    }
  }
  return true;
}

static bool np_try_iso(const np_text *t, size_t i, modu_date_match *d, size_t *j) {
  int64_t y, m, day;
  size_t k, k2, k3;
  if (i > 0 && (np_digit(t->cp[i - 1].c) || np_alpha(t->cp[i - 1].c))) return false;
  if (!np_int_at(t, i, 4, 4, &y, &k)) return false;
  int32_t sep = np_at(t, k);
  if (sep != '-' && sep != '/' && sep != '.') return false;
  if (!np_int_at(t, k + 1, 1, 2, &m, &k2)) return false;
  if (np_at(t, k2) == sep && np_int_at(t, k2 + 1, 1, 2, &day, &k3)) {
    d->day = (int)day;
    d->precision = MODU_PREC_DAY;
    *j = k3;
  } else if (sep == '-' && k2 - (k + 1) == 2) {
    d->precision = MODU_PREC_MONTH;
    *j = k2;
  } else {
    return false;
  }
  d->year = y;
  d->has_year = true;
  d->month = (int)m;
  return true;
}

/* an optional year after i (spaces or ", " before it) */
static bool np_year_after(const np_text *t, size_t i, int64_t *y, size_t *j) {
  size_t k = i;
  if (np_at(t, k) == ',') k++;
  k = np_skip_spaces(t, k);
  if (k == i && np_at(t, i) != ',') return false;
  return np_int_at(t, k, 4, 4, y, j);
}

static size_t np_ordinal(const np_text *t, size_t i) {
  static const char *const suf[] = {"st", "nd", "rd", "th"};
  for (int s = 0; s < 4; s++) {
    size_t k = np_word(t, i, suf[s]);
    if (k) return i + k;
  }
  return i;
}

static const char *const np_range_words[] = {"dan", "and", "to", "until", "hingga", "sampai", "through"};

static bool np_try_words(const np_text *t, size_t i, modu_locale loc, modu_date_match *d, size_t *j) {
  int64_t v, y;
  size_t k, k2;
  int m;
  /* 29 Desember 2017, 11 Agustus, 29th December 2017 */
  if (np_int_at(t, i, 1, 2, &v, &k) && !(i > 0 && (np_digit(t->cp[i - 1].c) || np_alpha(t->cp[i - 1].c)))) {
    size_t s = np_skip_spaces(t, np_ordinal(t, k));
    if (s == k || !(m = np_month_at(t, s, loc, &k2))) return false;
    d->day = (int)v;
    d->month = m;
    d->precision = MODU_PREC_DAY;
    *j = k2;
    size_t k3;
    if (np_year_after(t, k2, &y, &k3)) {
      d->year = y;
      d->has_year = true;
      *j = k3;
    }
    return true;
  }
  if (!(m = np_month_at(t, i, loc, &k))) return false;
  d->month = m;
  d->precision = MODU_PREC_MONTH;
  *j = k;
  size_t s = np_skip_spaces(t, k);
  /* December 29, 2017 */
  if (s > k && np_int_at(t, s, 1, 2, &v, &k2)) {
    d->day = (int)v;
    d->precision = MODU_PREC_DAY;
    k2 = np_ordinal(t, k2);
    *j = k2;
    size_t k3;
    if (np_year_after(t, k2, &y, &k3)) {
      d->year = y;
      d->has_year = true;
      *j = k3;
    }
    return true;
  }
  /* Desember 2017 */
  if (s > k && np_int_at(t, s, 4, 4, &y, &k2)) {
    d->year = y;
    d->has_year = true;
    *j = k2;
    return true;
  }
  /* Juli dan Agustus [2023], July-August */
  size_t r = s;
  int32_t c = np_at(t, s);
  if (c == '-' || c == 0x2013 || c == 0x2014 || c == '/') {
    r = np_skip_spaces(t, s + 1);
  } else {
    for (size_t w = 0; w < sizeof np_range_words / sizeof np_range_words[0]; w++) {
      size_t n = s > k ? np_word(t, s, np_range_words[w]) : 0;
      if (n) {
        r = np_skip_spaces(t, s + n);
        break;
      }
    }
  }
  int m2;
  if (r > s && (m2 = np_month_at(t, r, loc, &k2))) {
    d->month2 = m2;
    *j = k2;
    size_t s2 = np_skip_spaces(t, k2);
    if (s2 > k2 && np_int_at(t, s2, 4, 4, &y, &k2)) {
      d->year = y;
      d->has_year = true;
      *j = k2;
    }
    return true;
  }
  /* a month name alone must be capitalised: "may" is a verb, "May" a month */
  int32_t first = t->cp[i].c;
  return first >= 'A' && first <= 'Z';
}

static bool np_try_year(const np_text *t, size_t i, modu_date_match *d, size_t *j) {
  int64_t y;
  size_t k;
  /* "tahun 2017", "year 2017", or the whole text being a year */
  size_t w = np_word(t, i, "tahun");
  if (!w) w = np_word(t, i, "year");
  if (w) {
    size_t s = np_skip_spaces(t, i + w);
    if (s == i + w || !np_int_at(t, s, 4, 4, &y, &k)) return false;
  } else {
    size_t s = np_skip_spaces(t, 0);
    if (i != s || !np_int_at(t, i, 4, 4, &y, &k) || np_skip_spaces(t, k) != t->n) return false;
  }
  d->year = y;
  d->has_year = true;
  d->precision = MODU_PREC_YEAR;
  *j = k;
  return true;
}

static const char *const np_month_en[] = {"January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"};

/* days in month m of year y (the calendar is date.c's) */
static int np_month_days(int64_t y, int m) {
  int32_t first, next;
  if (!modu_date_from_ymd(y, m, 1, &first) || !modu_date_from_ymd(m == 12 ? y + 1 : y, m % 12 + 1, 1, &next))
    return 31;
  return (int)(next - first);
}

static int np_check_date(const np_text *t, size_t i, size_t j, modu_date_match *d, modu_err *e) {
  char q[NP_QUOTE * 2];
  size_t at = t->cp[i].at + 1;
  if (d->has_year && (d->year < 1 || d->year > 9999))
    return modu_errf(e, "'%s' at byte %zu: year %lld is out of range (1..9999)", np_quote(t, i, j, q, sizeof q), at,
                     (long long)d->year);
  if (d->precision != MODU_PREC_YEAR && (d->month < 1 || d->month > 12))
    return modu_errf(e, "'%s' at byte %zu: there is no month %d", np_quote(t, i, j, q, sizeof q), at, d->month);
  if (d->month2 && (d->month2 < 1 || d->month2 > 12))
    return modu_errf(e, "'%s' at byte %zu: there is no month %d", np_quote(t, i, j, q, sizeof q), at, d->month2);
  if (d->precision == MODU_PREC_DAY) {
    /* without a year, 29 February may yet be real */
    int max = np_month_days(d->has_year ? d->year : 2000, d->month);
    if (d->day < 1 || d->day > max) {
      if (d->has_year)
        return modu_errf(e, "'%s' at byte %zu is no real day: %s %lld has %d days", np_quote(t, i, j, q, sizeof q), at,
                         np_month_en[d->month - 1], (long long)d->year, max);
      return modu_errf(e, "'%s' at byte %zu is no real day: %s has at most %d days", np_quote(t, i, j, q, sizeof q),
                       at, np_month_en[d->month - 1], max);
    }
  }
  d->year2 = d->year + (d->month2 && d->month2 < d->month); /* Desember dan Januari crosses a year */
  d->start = t->cp[i].at;
  d->end = t->cp[j - 1].end;
  return 0;
}

/* the first date at or after *pos: 1 found, 0 none, -1 error */
static int np_next_date(const np_text *t, size_t *pos, modu_locale loc, modu_date_match *d, modu_err *e) {
  for (size_t i = *pos; i < t->n; i++) {
    size_t j = 0;
    memset(d, 0, sizeof *d);
    bool hit = np_try_iso(t, i, d, &j);
    if (!hit) memset(d, 0, sizeof *d), hit = np_try_zh(t, i, d, &j);
    if (!hit) memset(d, 0, sizeof *d), hit = np_try_words(t, i, loc, d, &j);
    if (!hit) memset(d, 0, sizeof *d), hit = np_try_year(t, i, d, &j);
    if (!hit) continue;
    *pos = j;
    return np_check_date(t, i, j, d, e) ? -1 : 1;
  }
  *pos = t->n;
  return 0;
}

int modu_parse_dates(const char *s, size_t len, modu_locale loc, modu_date_match *out, size_t cap, size_t *n,
                     modu_err *e) {
  np_text t;
  *n = 0;
  if (np_decode(&t, s, len, e)) return -1;
  size_t pos = 0;
  modu_date_match d;
  int r, rc = 0;
  while ((r = np_next_date(&t, &pos, loc, &d, e)) != 0) {
    if (r < 0) {
      rc = -1;
      break;
    }
    if (out && *n < cap) out[*n] = d;
    (*n)++;
    if (cap && *n >= cap) break;
  }
  free(t.cp);
  return rc;
}

int modu_parse_date(const char *s, size_t len, modu_locale loc, modu_date_match *out, modu_err *e) {
  size_t n = 0;
  if (modu_parse_dates(s, len, loc, out, 1, &n, e)) return -1;
  if (n) return 0;
  /* none: say whether another locale's month names would have found one */
  const char *hint = "";
  if (loc == MODU_LOC_EN || loc == MODU_LOC_ID) {
    modu_date_match d;
    size_t m = 0;
    modu_err e2;
    if (modu_parse_dates(s, len, MODU_LOC_AUTO, &d, 1, &m, &e2) == 0 && m)
      hint = loc == MODU_LOC_EN ? "; it has an Indonesian month name: pass { locale = \"id\" } or \"auto\""
                                : "; it has an English month name: pass { locale = \"en\" } or \"auto\"";
  }
  char q[NP_QUOTE * 2];
  size_t cut = len > NP_QUOTE ? NP_QUOTE : len;
  while (cut > 0 && cut < len && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
  snprintf(q, sizeof q, "%.*s%s", (int)cut, s, cut < len ? "…" : "");
  return modu_errf(e,
                   "no date in '%s' (forms: 29 Desember 2017, December 29, 2017, 2017年12月29日, 2018-05-11, "
                   "Juli dan Agustus, tahun 2017)%s",
                   q, hint);
}
