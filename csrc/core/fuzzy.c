/* fuzzy.c: how alike two names are, counted in code points so one Chinese
 * character is one edit: Damerau-Levenshtein (OSA) and trigram similarity. */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* code points of valid UTF-8 s, malloc'd (at least one cell); NULL on OOM */
static int32_t *fz_decode(const char *s, size_t len, size_t *n) {
  int32_t *cp = malloc((len ? len : 1) * sizeof *cp);
  if (!cp) return NULL;
  size_t at = 0, k = 0;
  while (at < len) {
    utf8proc_int32_t c;
    utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)s + at, (utf8proc_ssize_t)(len - at), &c);
    if (step <= 0) { /* a stray byte counts as one unit of its own */
      c = -1 - (unsigned char)s[at];
      step = 1;
    }
    cp[k++] = c;
    at += (size_t)step;
  }
  *n = k;
  return cp;
}

static int64_t fz_min3(int64_t a, int64_t b, int64_t c) {
  int64_t m = a < b ? a : b;
  return m < c ? m : c;
}

/* optimal string alignment: insertions, deletions, substitutions and swaps of
 * neighbours, each 1, no substring edited twice; three rolling rows */
static int64_t fz_osa(const int32_t *a, size_t n, const int32_t *b, size_t m) {
  int64_t *rows = malloc(3 * (m + 1) * sizeof *rows);
  if (!rows) return -1;
  int64_t *pp = rows, *p = rows + m + 1, *c = rows + 2 * (m + 1);
  for (size_t j = 0; j <= m; j++) p[j] = (int64_t)j;
  for (size_t i = 1; i <= n; i++) {
    c[0] = (int64_t)i;
    for (size_t j = 1; j <= m; j++) {
      int64_t cost = a[i - 1] != b[j - 1];
      c[j] = fz_min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < c[j])
        c[j] = pp[j - 2] + 1;
    }
    int64_t *t = pp;
    pp = p;
    p = c;
    c = t;
  }
  int64_t d = p[m];
  free(rows);
  return d;
}

int64_t modu_text_dl_distance(const char *a, size_t alen, const char *b, size_t blen) {
  size_t n = 0, m = 0;
  int32_t *x = fz_decode(a, alen, &n), *y = fz_decode(b, blen, &m);
  int64_t d = x && y ? fz_osa(x, n, y, m) : -1;
  free(x);
  free(y);
  return d;
}

double modu_text_dl_similarity(const char *a, size_t alen, const char *b, size_t blen) {
  size_t n = 0, m = 0;
  int32_t *x = fz_decode(a, alen, &n), *y = fz_decode(b, blen, &m);
  double r = -1;
  if (x && y) {
    int64_t d = fz_osa(x, n, y, m);
    size_t longest = n > m ? n : m;
    if (d >= 0) r = longest ? 1.0 - (double)d / (double)longest : 1.0;
  }
  free(x);
  free(y);
  return r;
}

typedef struct fz_tri {
  int32_t c[3];
} fz_tri;

static int fz_tri_cmp(const void *pa, const void *pb) {
  const fz_tri *a = pa, *b = pb;
  for (int k = 0; k < 3; k++)
    if (a->c[k] != b->c[k]) return a->c[k] < b->c[k] ? -1 : 1;
  return 0;
}

/* the sorted, distinct trigrams of " s " (padded so short names still have some) */
static fz_tri *fz_trigrams(const char *s, size_t len, size_t *count) {
  size_t n = 0;
  int32_t *cp = fz_decode(s, len, &n);
  if (!cp) return NULL;
  int32_t *pad = malloc((n + 2) * sizeof *pad);
  fz_tri *t = malloc((n ? n : 1) * sizeof *t);
  if (!pad || !t) {
    free(cp);
    free(pad);
    free(t);
    return NULL;
  }
  pad[0] = ' ';
  if (n) memcpy(pad + 1, cp, n * sizeof *cp);
  pad[n + 1] = ' ';
  free(cp);
  size_t k = 0;
  for (size_t i = 0; i + 3 <= n + 2; i++) t[k++] = (fz_tri){{pad[i], pad[i + 1], pad[i + 2]}};
  free(pad);
  qsort(t, k, sizeof *t, fz_tri_cmp);
  size_t w = 0;
  for (size_t i = 0; i < k; i++)
    if (!w || fz_tri_cmp(&t[w - 1], &t[i])) t[w++] = t[i];
  *count = w;
  return t;
}

double modu_text_trigram_similarity(const char *a, size_t alen, const char *b, size_t blen) {
  size_t n = 0, m = 0;
  fz_tri *x = fz_trigrams(a, alen, &n), *y = fz_trigrams(b, blen, &m);
  double r = -1;
  if (x && y) {
    size_t i = 0, j = 0, common = 0;
    while (i < n && j < m) {
      int c = fz_tri_cmp(&x[i], &y[j]);
      if (c == 0) common++, i++, j++;
      else if (c < 0) i++;
      else j++;
    }
    size_t uni = n + m - common;
    r = uni ? (double)common / (double)uni : 1.0;
  }
  free(x);
  free(y);
  return r;
}
