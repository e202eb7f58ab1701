/* text.c: Unicode kernels over UTF-8 through utf8proc (normalization, full case
 * mapping, grapheme-aware width and cuts, match keys) and their str-column forms. */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

/* East Asian Ambiguous ranges (EastAsianWidth.txt, Unicode 15.0, merged):
 * utf8proc 2.8 gives them width 1 and has no flag for the CJK-terminal view. */
static const int32_t tx_ambiguous[][2] = {
    {0x00A1, 0x00A1}, {0x00A4, 0x00A4}, {0x00A7, 0x00A8}, {0x00AA, 0x00AA}, {0x00AD, 0x00AE},
    {0x00B0, 0x00B4}, {0x00B6, 0x00BA}, {0x00BC, 0x00BF}, {0x00C6, 0x00C6}, {0x00D0, 0x00D0},
    {0x00D7, 0x00D8}, {0x00DE, 0x00E1}, {0x00E6, 0x00E6}, {0x00E8, 0x00EA}, {0x00EC, 0x00ED},
    {0x00F0, 0x00F0}, {0x00F2, 0x00F3}, {0x00F7, 0x00FA}, {0x00FC, 0x00FC}, {0x00FE, 0x00FE},
    {0x0101, 0x0101}, {0x0111, 0x0111}, {0x0113, 0x0113}, {0x011B, 0x011B}, {0x0126, 0x0127},
    {0x012B, 0x012B}, {0x0131, 0x0133}, {0x0138, 0x0138}, {0x013F, 0x0142}, {0x0144, 0x0144},
    {0x0148, 0x014B}, {0x014D, 0x014D}, {0x0152, 0x0153}, {0x0166, 0x0167}, {0x016B, 0x016B},
    {0x01CE, 0x01CE}, {0x01D0, 0x01D0}, {0x01D2, 0x01D2}, {0x01D4, 0x01D4}, {0x01D6, 0x01D6},
    {0x01D8, 0x01D8}, {0x01DA, 0x01DA}, {0x01DC, 0x01DC}, {0x0251, 0x0251}, {0x0261, 0x0261},
    {0x02C4, 0x02C4}, {0x02C7, 0x02C7}, {0x02C9, 0x02CB}, {0x02CD, 0x02CD}, {0x02D0, 0x02D0},
    {0x02D8, 0x02DB}, {0x02DD, 0x02DD}, {0x02DF, 0x02DF}, {0x0300, 0x036F}, {0x0391, 0x03A1},
    {0x03A3, 0x03A9}, {0x03B1, 0x03C1}, {0x03C3, 0x03C9}, {0x0401, 0x0401}, {0x0410, 0x044F},
    {0x0451, 0x0451}, {0x2010, 0x2010}, {0x2013, 0x2016}, {0x2018, 0x2019}, {0x201C, 0x201D},
    {0x2020, 0x2022}, {0x2024, 0x2027}, {0x2030, 0x2030}, {0x2032, 0x2033}, {0x2035, 0x2035},
    {0x203B, 0x203B}, {0x203E, 0x203E}, {0x2074, 0x2074}, {0x207F, 0x207F}, {0x2081, 0x2084},
    {0x20AC, 0x20AC}, {0x2103, 0x2103}, {0x2105, 0x2105}, {0x2109, 0x2109}, {0x2113, 0x2113},
    {0x2116, 0x2116}, {0x2121, 0x2122}, {0x2126, 0x2126}, {0x212B, 0x212B}, {0x2153, 0x2154},
    {0x215B, 0x215E}, {0x2160, 0x216B}, {0x2170, 0x2179}, {0x2189, 0x2189}, {0x2190, 0x2199},
    {0x21B8, 0x21B9}, {0x21D2, 0x21D2}, {0x21D4, 0x21D4}, {0x21E7, 0x21E7}, {0x2200, 0x2200},
    {0x2202, 0x2203}, {0x2207, 0x2208}, {0x220B, 0x220B}, {0x220F, 0x220F}, {0x2211, 0x2211},
    {0x2215, 0x2215}, {0x221A, 0x221A}, {0x221D, 0x2220}, {0x2223, 0x2223}, {0x2225, 0x2225},
    {0x2227, 0x222C}, {0x222E, 0x222E}, {0x2234, 0x2237}, {0x223C, 0x223D}, {0x2248, 0x2248},
    {0x224C, 0x224C}, {0x2252, 0x2252}, {0x2260, 0x2261}, {0x2264, 0x2267}, {0x226A, 0x226B},
    {0x226E, 0x226F}, {0x2282, 0x2283}, {0x2286, 0x2287}, {0x2295, 0x2295}, {0x2299, 0x2299},
    {0x22A5, 0x22A5}, {0x22BF, 0x22BF}, {0x2312, 0x2312}, {0x2460, 0x24E9}, {0x24EB, 0x254B},
    {0x2550, 0x2573}, {0x2580, 0x258F}, {0x2592, 0x2595}, {0x25A0, 0x25A1}, {0x25A3, 0x25A9},
    {0x25B2, 0x25B3}, {0x25B6, 0x25B7}, {0x25BC, 0x25BD}, {0x25C0, 0x25C1}, {0x25C6, 0x25C8},
    {0x25CB, 0x25CB}, {0x25CE, 0x25D1}, {0x25E2, 0x25E5}, {0x25EF, 0x25EF}, {0x2605, 0x2606},
    {0x2609, 0x2609}, {0x260E, 0x260F}, {0x261C, 0x261C}, {0x261E, 0x261E}, {0x2640, 0x2640},
    {0x2642, 0x2642}, {0x2660, 0x2661}, {0x2663, 0x2665}, {0x2667, 0x266A}, {0x266C, 0x266D},
    {0x266F, 0x266F}, {0x269E, 0x269F}, {0x26BF, 0x26BF}, {0x26C6, 0x26CD}, {0x26CF, 0x26D3},
    {0x26D5, 0x26E1}, {0x26E3, 0x26E3}, {0x26E8, 0x26E9}, {0x26EB, 0x26F1}, {0x26F4, 0x26F4},
    {0x26F6, 0x26F9}, {0x26FB, 0x26FC}, {0x26FE, 0x26FF}, {0x273D, 0x273D}, {0x2776, 0x277F},
    {0x2B56, 0x2B59}, {0x3248, 0x324F}, {0xE000, 0xF8FF}, {0xFE00, 0xFE0F}, {0xFFFD, 0xFFFD},
    {0x1F100, 0x1F10A}, {0x1F110, 0x1F12D}, {0x1F130, 0x1F169}, {0x1F170, 0x1F18D}, {0x1F18F, 0x1F190},
    {0x1F19B, 0x1F1AC}, {0xE0100, 0xE01EF}, {0xF0000, 0xFFFFD}, {0x100000, 0x10FFFD},
};

/* Unconditional multi-code-point uppercase mappings (SpecialCasing.txt,
 * Unicode 15.0): utf8proc's toupper is the simple 1:1 mapping, so ß would
 * stay one letter (utf8proc 2.8 even answers U+1E9E) instead of "SS". */
static const struct {
  int32_t cp;
  int32_t to[3];
} tx_upper_special[] = {
    {0x00DF, {0x0053, 0x0053}}, {0x0149, {0x02BC, 0x004E}}, {0x01F0, {0x004A, 0x030C}},
    {0x0390, {0x0399, 0x0308, 0x0301}}, {0x03B0, {0x03A5, 0x0308, 0x0301}}, {0x0587, {0x0535, 0x0552}},
    {0x1E96, {0x0048, 0x0331}}, {0x1E97, {0x0054, 0x0308}}, {0x1E98, {0x0057, 0x030A}},
    {0x1E99, {0x0059, 0x030A}}, {0x1E9A, {0x0041, 0x02BE}}, {0x1F50, {0x03A5, 0x0313}},
    {0x1F52, {0x03A5, 0x0313, 0x0300}}, {0x1F54, {0x03A5, 0x0313, 0x0301}},
    {0x1F56, {0x03A5, 0x0313, 0x0342}}, {0x1F80, {0x1F08, 0x0399}}, {0x1F81, {0x1F09, 0x0399}},
    {0x1F82, {0x1F0A, 0x0399}}, {0x1F83, {0x1F0B, 0x0399}}, {0x1F84, {0x1F0C, 0x0399}},
    {0x1F85, {0x1F0D, 0x0399}}, {0x1F86, {0x1F0E, 0x0399}}, {0x1F87, {0x1F0F, 0x0399}},
    {0x1F88, {0x1F08, 0x0399}}, {0x1F89, {0x1F09, 0x0399}}, {0x1F8A, {0x1F0A, 0x0399}},
    {0x1F8B, {0x1F0B, 0x0399}}, {0x1F8C, {0x1F0C, 0x0399}}, {0x1F8D, {0x1F0D, 0x0399}},
    {0x1F8E, {0x1F0E, 0x0399}}, {0x1F8F, {0x1F0F, 0x0399}}, {0x1F90, {0x1F28, 0x0399}},
    {0x1F91, {0x1F29, 0x0399}}, {0x1F92, {0x1F2A, 0x0399}}, {0x1F93, {0x1F2B, 0x0399}},
    {0x1F94, {0x1F2C, 0x0399}}, {0x1F95, {0x1F2D, 0x0399}}, {0x1F96, {0x1F2E, 0x0399}},
    {0x1F97, {0x1F2F, 0x0399}}, {0x1F98, {0x1F28, 0x0399}}, {0x1F99, {0x1F29, 0x0399}},
    {0x1F9A, {0x1F2A, 0x0399}}, {0x1F9B, {0x1F2B, 0x0399}}, {0x1F9C, {0x1F2C, 0x0399}},
    {0x1F9D, {0x1F2D, 0x0399}}, {0x1F9E, {0x1F2E, 0x0399}}, {0x1F9F, {0x1F2F, 0x0399}},
    {0x1FA0, {0x1F68, 0x0399}}, {0x1FA1, {0x1F69, 0x0399}}, {0x1FA2, {0x1F6A, 0x0399}},
    {0x1FA3, {0x1F6B, 0x0399}}, {0x1FA4, {0x1F6C, 0x0399}}, {0x1FA5, {0x1F6D, 0x0399}},
    {0x1FA6, {0x1F6E, 0x0399}}, {0x1FA7, {0x1F6F, 0x0399}}, {0x1FA8, {0x1F68, 0x0399}},
    {0x1FA9, {0x1F69, 0x0399}}, {0x1FAA, {0x1F6A, 0x0399}}, {0x1FAB, {0x1F6B, 0x0399}},
    {0x1FAC, {0x1F6C, 0x0399}}, {0x1FAD, {0x1F6D, 0x0399}}, {0x1FAE, {0x1F6E, 0x0399}},
    {0x1FAF, {0x1F6F, 0x0399}}, {0x1FB2, {0x1FBA, 0x0399}}, {0x1FB3, {0x0391, 0x0399}},
    {0x1FB4, {0x0386, 0x0399}}, {0x1FB6, {0x0391, 0x0342}}, {0x1FB7, {0x0391, 0x0342, 0x0399}},
    {0x1FBC, {0x0391, 0x0399}}, {0x1FC2, {0x1FCA, 0x0399}}, {0x1FC3, {0x0397, 0x0399}},
    {0x1FC4, {0x0389, 0x0399}}, {0x1FC6, {0x0397, 0x0342}}, {0x1FC7, {0x0397, 0x0342, 0x0399}},
    {0x1FCC, {0x0397, 0x0399}}, {0x1FD2, {0x0399, 0x0308, 0x0300}}, {0x1FD3, {0x0399, 0x0308, 0x0301}},
    {0x1FD6, {0x0399, 0x0342}}, {0x1FD7, {0x0399, 0x0308, 0x0342}}, {0x1FE2, {0x03A5, 0x0308, 0x0300}},
    {0x1FE3, {0x03A5, 0x0308, 0x0301}}, {0x1FE4, {0x03A1, 0x0313}}, {0x1FE6, {0x03A5, 0x0342}},
    {0x1FE7, {0x03A5, 0x0308, 0x0342}}, {0x1FF2, {0x1FFA, 0x0399}}, {0x1FF3, {0x03A9, 0x0399}},
    {0x1FF4, {0x038F, 0x0399}}, {0x1FF6, {0x03A9, 0x0342}}, {0x1FF7, {0x03A9, 0x0342, 0x0399}},
    {0x1FFC, {0x03A9, 0x0399}}, {0xFB00, {0x0046, 0x0046}}, {0xFB01, {0x0046, 0x0049}},
    {0xFB02, {0x0046, 0x004C}}, {0xFB03, {0x0046, 0x0046, 0x0049}}, {0xFB04, {0x0046, 0x0046, 0x004C}},
    {0xFB05, {0x0053, 0x0054}}, {0xFB06, {0x0053, 0x0054}}, {0xFB13, {0x0544, 0x0546}},
    {0xFB14, {0x0544, 0x0535}}, {0xFB15, {0x0544, 0x053B}}, {0xFB16, {0x054E, 0x0546}},
    {0xFB17, {0x0544, 0x053D}},
};

static bool tx_is_ambiguous(int32_t cp) {
  size_t lo = 0, hi = sizeof tx_ambiguous / sizeof tx_ambiguous[0];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cp < tx_ambiguous[mid][0]) hi = mid;
    else if (cp > tx_ambiguous[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

static const int32_t *tx_upper_full(int32_t cp) {
  size_t lo = 0, hi = sizeof tx_upper_special / sizeof tx_upper_special[0];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cp < tx_upper_special[mid].cp) hi = mid;
    else if (cp > tx_upper_special[mid].cp) lo = mid + 1;
    else return tx_upper_special[mid].to;
  }
  return NULL;
}

int modu_text_form_from_name(const char *s) {
  static const char *const names[] = {"NFC", "NFD", "NFKC", "NFKD", "NFKC_Casefold"};
  if (!s) return -1;
  for (int i = 0; i < 5; i++)
    if (strcasecmp(s, names[i]) == 0) return i;
  return -1;
}

static int tx_check_utf8(const char *s, size_t len, modu_err *e) {
  size_t bad = 0;
  if (modu_utf8_valid(s, len, &bad)) return 0;
  return modu_errf(e, "invalid UTF-8 at byte %zu (modu.text.sanitize replaces bad bytes with U+FFFD)", bad + 1);
}

static char *tx_oom(modu_err *e) {
  modu_errf(e, "out of memory");
  return NULL;
}

/* ---- the key's punctuation and space classes ---- */

static bool tx_is_space(int32_t cp) {
  if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85) return true;
  if (cp < 0x80) return false;
  utf8proc_category_t k = utf8proc_category(cp);
  return k == UTF8PROC_CATEGORY_ZS || k == UTF8PROC_CATEGORY_ZL || k == UTF8PROC_CATEGORY_ZP;
}

/* Dashes become '-', apostrophes and single quotes '\'', double quotes '"'.
 * Applied before compatibility decomposition too, which would otherwise turn
 * a double prime into two primes or an acute accent into space + mark. */
static int32_t tx_unify(int32_t cp) {
  if (cp < 0x80) return cp == '`' ? '\'' : cp;
  switch (cp) {
    case 0x00B4: case 0x02B9: case 0x02BB: case 0x02BC: case 0x02BD: case 0x02C8: case 0x2018:
    case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x2035: case 0x2039: case 0x203A:
    case 0xFF07: case 0x300C: case 0x300D:
      return '\'';
    case 0x00AB: case 0x00BB: case 0x02DD: case 0x201C: case 0x201D: case 0x201E: case 0x201F:
    case 0x2033: case 0x2036: case 0x301D: case 0x301E: case 0x301F: case 0xFF02: case 0x300E:
    case 0x300F:
      return '"';
    case 0x2212: case 0x2043: case 0xFE63: case 0xFF0D:
      return '-';
    default: break;
  }
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_PD ? '-' : cp;
}

static utf8proc_int32_t tx_unify_cb(utf8proc_int32_t cp, void *data) {
  (void)data;
  return tx_unify(cp);
}

static bool tx_is_mark(int32_t cp) {
  if (cp < 0x300) return false;
  utf8proc_category_t k = utf8proc_category(cp);
  return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_ME;
}

/* ---- utf8proc plumbing ---- */

/* code points of s after utf8proc's decomposition step (opt), malloc'd with
 * one spare cell so utf8proc_reencode can write its NUL in place */
static utf8proc_int32_t *tx_decompose(const char *s, size_t len, utf8proc_option_t opt,
                                      utf8proc_custom_func fn, utf8proc_ssize_t *n, modu_err *e) {
  const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
  /* most text decomposes to no more code points than it has bytes: try that
   * size first, and run a second pass only when utf8proc asks for more */
  utf8proc_ssize_t cap = (utf8proc_ssize_t)len + 8;
  for (int pass = 0; pass < 2; pass++) {
    utf8proc_int32_t *buf = malloc(((size_t)cap + 1) * sizeof *buf);
    if (!buf) return (utf8proc_int32_t *)tx_oom(e);
    utf8proc_ssize_t got = utf8proc_decompose_custom(u, (utf8proc_ssize_t)len, buf, cap, opt, fn, NULL);
    if (got >= 0 && got <= cap) {
      *n = got;
      return buf;
    }
    free(buf);
    if (got < 0) {
      modu_errf(e, "%s", utf8proc_errmsg(got));
      return NULL;
    }
    cap = got;
  }
  modu_errf(e, "decomposition changed size");
  return NULL;
}

/* composes (per opt) and encodes buf in place; takes buf over and returns it */
static char *tx_encode(utf8proc_int32_t *buf, utf8proc_ssize_t n, utf8proc_option_t opt, size_t *outlen,
                       modu_err *e) {
  utf8proc_ssize_t r = utf8proc_reencode(buf, n, opt);
  if (r < 0) {
    free(buf);
    modu_errf(e, "%s", utf8proc_errmsg(r));
    return NULL;
  }
  /* not shrunk: every caller copies the result out and frees it at once */
  *outlen = (size_t)r;
  return (char *)buf;
}

static char *tx_utf8proc(const char *s, size_t len, utf8proc_option_t opt, size_t *outlen, modu_err *e) {
  utf8proc_ssize_t n = 0;
  utf8proc_int32_t *buf = tx_decompose(s, len, opt, NULL, &n, e);
  return buf ? tx_encode(buf, n, opt, outlen, e) : NULL;
}

/* drops marks (and, for keys, unifies punctuation and collapses spaces) over
 * a decomposed buffer, then composes */
static char *tx_filtered(const char *s, size_t len, bool key, size_t *outlen, modu_err *e) {
  utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE;
  if (key) opt |= UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
  utf8proc_ssize_t n = 0, w = 0;
  utf8proc_int32_t *buf = tx_decompose(s, len, opt, key ? tx_unify_cb : NULL, &n, e);
  if (!buf) return NULL;
  bool pending_space = false;
  for (utf8proc_ssize_t i = 0; i < n; i++) {
    int32_t cp = buf[i];
    if (tx_is_mark(cp)) continue;
    if (key) {
      if (tx_is_space(cp)) {
        pending_space = w > 0; /* leading spaces vanish, inner runs become one */
        continue;
      }
      cp = tx_unify(cp);
      if (pending_space) buf[w++] = ' ';
      pending_space = false;
    }
    buf[w++] = cp;
  }
  return tx_encode(buf, w, UTF8PROC_STABLE | UTF8PROC_COMPOSE, outlen, e);
}

/* ---- full case mapping ---- */

static bool tx_cased(int32_t cp) {
  utf8proc_category_t k = utf8proc_category(cp);
  return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL || k == UTF8PROC_CATEGORY_LT;
}

static bool tx_case_ignorable(int32_t cp) {
  if (cp == '\'' || cp == '.' || cp == ':' || cp == 0x2019) return true;
  utf8proc_category_t k = utf8proc_category(cp);
  return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_ME || k == UTF8PROC_CATEGORY_CF ||
         k == UTF8PROC_CATEGORY_LM || k == UTF8PROC_CATEGORY_SK;
}

/* Unicode's Final_Sigma: a cased letter before (skipping case-ignorables)
 * and none after */
static bool tx_final_sigma(const utf8proc_int32_t *cps, size_t n, size_t i) {
  size_t j = i;
  bool before = false;
  while (j > 0) {
    int32_t c = cps[--j];
    if (tx_case_ignorable(c)) continue;
    before = tx_cased(c);
    break;
  }
  if (!before) return false;
  for (j = i + 1; j < n; j++) {
    if (tx_case_ignorable(cps[j])) continue;
    return !tx_cased(cps[j]);
  }
  return true;
}

static char *tx_case(const char *s, size_t len, bool upper, size_t *outlen, modu_err *e) {
  utf8proc_int32_t *cps = malloc((len + 1) * sizeof *cps);
  /* the largest growth is 3x: U+0390 (2 bytes) uppercases to 3 two-byte code points */
  char *out = malloc(len * 3 + 1);
  if (!cps || !out) {
    free(cps);
    free(out);
    return tx_oom(e);
  }
  size_t n = 0, at = 0, w = 0;
  while (at < len) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + at, (utf8proc_ssize_t)(len - at), &cp);
    if (k <= 0) { /* not reached: callers validate */
      cp = 0xFFFD;
      k = 1;
    }
    cps[n++] = cp;
    at += (size_t)k;
  }
  for (size_t i = 0; i < n; i++) {
    int32_t cp = cps[i];
    utf8proc_uint8_t *o = (utf8proc_uint8_t *)out;
    if (upper) {
      const int32_t *full = tx_upper_full(cp);
      if (full) {
        for (int k = 0; k < 3 && full[k]; k++) w += (size_t)utf8proc_encode_char(full[k], o + w);
        continue;
      }
      w += (size_t)utf8proc_encode_char(utf8proc_toupper(cp), o + w);
    } else if (cp == 0x130) { /* İ: i + combining dot above, the one unconditional special */
      w += (size_t)utf8proc_encode_char('i', o + w);
      w += (size_t)utf8proc_encode_char(0x307, o + w);
    } else if (cp == 0x3A3) {
      w += (size_t)utf8proc_encode_char(tx_final_sigma(cps, n, i) ? 0x3C2 : 0x3C3, o + w);
    } else {
      w += (size_t)utf8proc_encode_char(utf8proc_tolower(cp), o + w);
    }
  }
  free(cps);
  out[w] = '\0';
  *outlen = w;
  return out;
}

/* ---- sanitize ---- */

/* bytes of the maximal well-formed prefix of a sequence at p (Unicode's
 * "maximal subpart" replacement practice): 1 for a byte that starts nothing */
static size_t tx_subpart(const unsigned char *p, size_t n, bool *complete) {
  unsigned char c = p[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  *complete = c < 0x80;
  if (c < 0x80) return 1;
  if (c < 0xC2 || c > 0xF4) return 1;
  if (c < 0xE0) need = 2;
  else if (c < 0xF0) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else {
    need = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  }
  size_t k = 1;
  while (k < need && k < n) {
    unsigned char b = p[k];
    if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) break;
    k++;
  }
  *complete = k == need;
  return k;
}

static char *tx_sanitize(const char *s, size_t len, size_t *outlen, modu_err *e) {
  /* each bad byte at most becomes 3 (U+FFFD) */
  char *out = malloc(len * 3 + 1);
  if (!out) return tx_oom(e);
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, w = 0;
  while (i < len) {
    bool ok;
    size_t k = tx_subpart(p + i, len - i, &ok);
    if (ok) {
      memcpy(out + w, s + i, k);
      w += k;
    } else {
      memcpy(out + w, "\xEF\xBF\xBD", 3);
      w += 3;
    }
    i += k;
  }
  out[w] = '\0';
  *outlen = w;
  return out;
}

char *modu_text_map(modu_text_op op, const char *s, size_t len, size_t *outlen, modu_err *e) {
  if (op == MODU_TX_SANITIZE) return tx_sanitize(s, len, outlen, e);
  if (tx_check_utf8(s, len, e)) return NULL;
  const utf8proc_option_t st = UTF8PROC_STABLE;
  switch (op) {
    case MODU_TX_NFC: return tx_utf8proc(s, len, st | UTF8PROC_COMPOSE, outlen, e);
    case MODU_TX_NFD: return tx_utf8proc(s, len, st | UTF8PROC_DECOMPOSE, outlen, e);
    case MODU_TX_NFKC: return tx_utf8proc(s, len, st | UTF8PROC_COMPOSE | UTF8PROC_COMPAT, outlen, e);
    case MODU_TX_NFKD: return tx_utf8proc(s, len, st | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, outlen, e);
    case MODU_TX_NFKC_CF:
      return tx_utf8proc(s, len, st | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE,
                         outlen, e);
    case MODU_TX_CASEFOLD: return tx_utf8proc(s, len, st | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD, outlen, e);
    case MODU_TX_LOWER: return tx_case(s, len, false, outlen, e);
    case MODU_TX_UPPER: return tx_case(s, len, true, outlen, e);
    case MODU_TX_STRIP_MARKS: return tx_filtered(s, len, false, outlen, e);
    case MODU_TX_KEY: return tx_filtered(s, len, true, outlen, e);
    default: break;
  }
  modu_errf(e, "unknown text operation %d", (int)op);
  return NULL;
}

/* ---- width and grapheme clusters ---- */

static int tx_cpwidth(int32_t cp, int ambiguous) {
  /* Conjoining Hangul vowels and finals render inside the syllable the
   * leading consonant starts (glibc's wcwidth and newer utf8proc say 0);
   * utf8proc 2.8 says 1, which would misalign decomposed (NFD) Korean */
  if ((cp >= 0x1160 && cp <= 0x11FF) || (cp >= 0xD7B0 && cp <= 0xD7FF)) return 0;
  int w = utf8proc_charwidth(cp);
  if (w == 1 && ambiguous == 2 && tx_is_ambiguous(cp)) w = 2;
  return w > 0 ? w : 0;
}

size_t modu_text_next_grapheme(const char *s, size_t len, size_t at) {
  const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
  utf8proc_int32_t prev, state = 0;
  utf8proc_ssize_t k = utf8proc_iterate(u + at, (utf8proc_ssize_t)(len - at), &prev);
  if (k <= 0) return at + 1; /* a stray byte is a cluster of its own */
  at += (size_t)k;
  while (at < len) {
    utf8proc_int32_t cp;
    k = utf8proc_iterate(u + at, (utf8proc_ssize_t)(len - at), &cp);
    if (k <= 0 || utf8proc_grapheme_break_stateful(prev, cp, &state)) break;
    prev = cp;
    at += (size_t)k;
  }
  return at;
}

static bool tx_pictographic(int32_t cp) {
  return utf8proc_get_property(cp)->boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC;
}

/* Width of one grapheme cluster: its code points' widths added up, except
 * where the cluster starts with an emoji (Extended_Pictographic): then what
 * follows a ZWJ and skin-tone modifiers draw inside it, and an
 * emoji-presentation selector (U+FE0F) makes it two columns wide. Without
 * such a base those code points are measured as they stand (a lone skin-tone
 * swatch is 2, a lone selector 0), so a cluster measures the same alone as
 * after any text the printer puts before it (a space, or an escape such as
 * \xa4, whose last character is no emoji): cells and the lines made of them
 * agree. A keycap (1 FE0F 20E3) therefore counts as its digit, 1 column, as
 * wcwidth-based terminals draw it. */
int64_t modu_text_cluster_width(const char *s, size_t len, int ambiguous) {
  const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
  int64_t w = 0;
  int32_t prev = -1;
  bool emoji = false, vs16 = false;
  size_t at = 0;
  while (at < len) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(u + at, (utf8proc_ssize_t)(len - at), &cp);
    if (k <= 0) return w + 1;
    at += (size_t)k;
    if (prev < 0) {
      emoji = tx_pictographic(cp);
      w += tx_cpwidth(cp, ambiguous);
    } else if (cp == 0xFE0F) {
      vs16 = emoji;
    } else if (!emoji || (prev != 0x200D && !(cp >= 0x1F3FB && cp <= 0x1F3FF))) {
      w += tx_cpwidth(cp, ambiguous);
    }
    prev = cp;
  }
  return vs16 && w < 2 ? 2 : w;
}

size_t modu_text_fit(const char *s, size_t len, int64_t maxw, int ambiguous, int64_t *width) {
  int64_t w = 0;
  size_t at = 0;
  while (at < len) {
    size_t end = modu_text_next_grapheme(s, len, at);
    int64_t cw = modu_text_cluster_width(s + at, end - at, ambiguous);
    if (w + cw > maxw) break;
    w += cw;
    at = end;
  }
  if (width) *width = w;
  return at;
}

int64_t modu_text_width_amb(const char *s, size_t len, int ambiguous) {
  int64_t w = 0;
  size_t at = 0;
  while (at < len) {
    size_t end = modu_text_next_grapheme(s, len, at);
    w += modu_text_cluster_width(s + at, end - at, ambiguous);
    at = end;
  }
  return w;
}

int64_t modu_text_width(const char *s, size_t len) { return modu_text_width_amb(s, len, 1); }

int64_t modu_text_graphemes(const char *s, size_t len) {
  int64_t n = 0;
  for (size_t at = 0; at < len; n++) at = modu_text_next_grapheme(s, len, at);
  return n;
}

int64_t modu_text_len(const char *s, size_t len) {
  int64_t n = 0;
  for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
  return n;
}

const char *modu_text_category(int32_t cp) { return utf8proc_category_string(cp); }

/* ---- str columns ---- */

/* value (a code in r's dict, a number or a bool) for one dictionary entry */
typedef int (*tx_entry_fn)(const char *s, size_t len, const void *ctx, modu_column *r, int64_t *out,
                           modu_err *e);

static modu_column *tx_col_apply(const modu_column *c, modu_type rt, tx_entry_fn fn, const void *ctx,
                                 modu_err *e) {
  if (c->type != MODU_STR) {
    modu_errf(e, "needs a str column, got %s", modu_type_name(c->type));
    return NULL;
  }
  const modu_dict *d = c->dict;
  modu_column *r = modu_col_new(rt, c->len, NULL);
  int64_t *map = malloc((d->n ? (size_t)d->n : 1) * sizeof *map);
  if (!r || !map) goto oom;
  for (int32_t k = 0; k < d->n; k++) {
    size_t len;
    const char *s = modu_dict_str(d, k, &len);
    if (fn(s, len, ctx, r, &map[k], e)) goto fail;
  }
  for (int64_t i = 0; i < c->len; i++) {
    int64_t v = modu_col_isna(c, i) ? 0 : map[MODU_I32(c)[i]];
    if (rt == MODU_INT) MODU_I64(r)[i] = v;
    else if (rt == MODU_BOOL) MODU_U8(r)[i] = (uint8_t)v;
    else MODU_I32(r)[i] = (int32_t)v;
  }
  free(map);
  if (c->valid) {
    if (modu_col_ensure_valid(r)) {
      modu_col_unref(r);
      return tx_oom(e), NULL;
    }
    memcpy(r->valid, c->valid, modu_bitmap_words(c->len) * 8);
  }
  return r;
oom:
  tx_oom(e);
fail:
  free(map);
  if (r) modu_col_unref(r);
  return NULL;
}

static int tx_intern(modu_column *r, const char *s, size_t len, int64_t *out, modu_err *e) {
  int32_t code = modu_dict_intern(r->dict, s, len);
  if (code < 0) return modu_errf(e, "out of memory");
  *out = code;
  return 0;
}

static int tx_entry_map(const char *s, size_t len, const void *ctx, modu_column *r, int64_t *out, modu_err *e) {
  size_t n;
  char *m = modu_text_map(*(const modu_text_op *)ctx, s, len, &n, e);
  if (!m) return -1;
  int rc = tx_intern(r, m, n, out, e);
  free(m);
  return rc;
}

modu_column *modu_text_col_map(modu_text_op op, const modu_column *c, modu_err *e) {
  return tx_col_apply(c, MODU_STR, tx_entry_map, &op, e);
}

static int tx_entry_width(const char *s, size_t len, const void *ctx, modu_column *r, int64_t *out, modu_err *e) {
  (void)r;
  (void)e;
  *out = modu_text_width_amb(s, len, *(const int *)ctx);
  return 0;
}

modu_column *modu_text_col_width(const modu_column *c, int ambiguous, modu_err *e) {
  return tx_col_apply(c, MODU_INT, tx_entry_width, &ambiguous, e);
}

typedef struct tx_match_ctx {
  modu_text_match how;
  const char *pat;
  size_t plen;
  bool fold;
} tx_match_ctx;

static bool tx_find(const char *s, size_t len, const char *pat, size_t plen, modu_text_match how) {
  if (plen > len) return false;
  if (how == MODU_TX_STARTS) return memcmp(s, pat, plen) == 0;
  if (how == MODU_TX_ENDS) return memcmp(s + len - plen, pat, plen) == 0;
  if (plen == 0) return true;
  for (size_t i = 0; i + plen <= len; i++) {
    const char *hit = memchr(s + i, pat[0], len - plen - i + 1);
    if (!hit) return false;
    i = (size_t)(hit - s);
    if (memcmp(hit, pat, plen) == 0) return true;
  }
  return false;
}

static int tx_entry_match(const char *s, size_t len, const void *ctx, modu_column *r, int64_t *out, modu_err *e) {
  (void)r;
  const tx_match_ctx *m = ctx;
  if (!m->fold) {
    *out = tx_find(s, len, m->pat, m->plen, m->how);
    return 0;
  }
  size_t klen;
  char *k = modu_text_map(MODU_TX_KEY, s, len, &klen, e);
  if (!k) return -1;
  *out = tx_find(k, klen, m->pat, m->plen, m->how);
  free(k);
  return 0;
}

modu_column *modu_text_col_match(const modu_column *c, modu_text_match how, const char *pat, size_t plen,
                                 bool fold, modu_err *e) {
  tx_match_ctx m = {how, pat, plen, fold};
  char *kp = NULL;
  if (fold) {
    kp = modu_text_map(MODU_TX_KEY, pat, plen, &m.plen, e);
    if (!kp) return NULL;
    m.pat = kp;
  }
  modu_column *r = tx_col_apply(c, MODU_BOOL, tx_entry_match, &m, e);
  free(kp);
  return r;
}

typedef struct tx_replace_ctx {
  const char *pat, *rep;
  size_t plen, rlen;
} tx_replace_ctx;

static int tx_entry_replace(const char *s, size_t len, const void *ctx, modu_column *r, int64_t *out,
                            modu_err *e) {
  const tx_replace_ctx *x = ctx;
  size_t hits = 0;
  for (size_t i = 0; i + x->plen <= len;) {
    if (memcmp(s + i, x->pat, x->plen) == 0) {
      hits++;
      i += x->plen;
    } else {
      i++;
    }
  }
  if (!hits) return tx_intern(r, s, len, out, e);
  if (x->rlen > x->plen && hits > (SIZE_MAX - len) / (x->rlen - x->plen)) return modu_errf(e, "result too long");
  char *buf = malloc(len - hits * x->plen + hits * x->rlen + 1);
  if (!buf) return modu_errf(e, "out of memory");
  size_t w = 0;
  for (size_t i = 0; i < len;) {
    if (i + x->plen <= len && memcmp(s + i, x->pat, x->plen) == 0) {
      memcpy(buf + w, x->rep, x->rlen);
      w += x->rlen;
      i += x->plen;
    } else {
      buf[w++] = s[i++];
    }
  }
  int rc = tx_intern(r, buf, w, out, e);
  free(buf);
  return rc;
}

modu_column *modu_text_col_replace(const modu_column *c, const char *pat, size_t plen, const char *rep,
                                   size_t rlen, modu_err *e) {
  if (plen == 0) {
    modu_errf(e, "the pattern must not be empty");
    return NULL;
  }
  /* a pattern that is not whole characters could match inside one */
  if (tx_check_utf8(pat, plen, e) || tx_check_utf8(rep, rlen, e)) return NULL;
  tx_replace_ctx x = {pat, rep, plen, rlen};
  return tx_col_apply(c, MODU_STR, tx_entry_replace, &x, e);
}
