/* The string dictionary behind str columns: distinct UTF-8 strings with int32
 * codes, an open-addressing hash index, and a lazily built byte-order rank. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modu_core.h"

static uint64_t dict_hash(const char *s, size_t len) {
  /* FNV-1a folded with a final mix: short keys dominate, so per-byte is fine */
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 32);
}

modu_dict *modu_dict_new(void) {
  modu_dict *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->refs = 1;
  d->off = malloc(sizeof(int64_t));
  /* a pool from the start: an empty string must point at memory, not at NULL + 0 */
  d->bytes = malloc(16);
  d->bcap = 16;
  if (!d->off || !d->bytes) {
    free(d->off);
    free(d->bytes);
    free(d);
    return NULL;
  }
  d->off[0] = 0;
  return d;
}

void modu_dict_unref(modu_dict *d) {
  if (!d || --d->refs > 0) return;
  free(d->off);
  free(d->bytes);
  free(d->slots);
  free(d->rank);
  free(d);
}

static bool dict_same(const modu_dict *d, int32_t code, const char *s, size_t len) {
  size_t l;
  const char *p = modu_dict_str(d, code, &l);
  return l == len && (len == 0 || memcmp(p, s, len) == 0);
}

static int dict_rehash(modu_dict *d, size_t nslots) {
  uint32_t *slots = calloc(nslots, sizeof *slots);
  if (!slots) return -1;
  for (int32_t c = 0; c < d->n; c++) {
    size_t len;
    const char *p = modu_dict_str(d, c, &len);
    size_t i = dict_hash(p, len) & (nslots - 1);
    while (slots[i]) i = (i + 1) & (nslots - 1);
    slots[i] = (uint32_t)c + 1;
  }
  free(d->slots);
  d->slots = slots;
  d->nslots = nslots;
  return 0;
}

int32_t modu_dict_find(const modu_dict *d, const char *s, size_t len) {
  if (!d->nslots) return -1;
  size_t i = dict_hash(s, len) & (d->nslots - 1);
  for (; d->slots[i]; i = (i + 1) & (d->nslots - 1)) {
    int32_t c = (int32_t)d->slots[i] - 1;
    if (dict_same(d, c, s, len)) return c;
  }
  return -1;
}

int32_t modu_dict_intern(modu_dict *d, const char *s, size_t len) {
  if ((size_t)(d->n + 1) * 2 > d->nslots) {
    if (d->n >= INT32_MAX - 1) return -1;
    if (dict_rehash(d, d->nslots ? d->nslots * 2 : 64)) return -1;
  }
  uint64_t h = dict_hash(s, len);
  size_t i = h & (d->nslots - 1);
  for (; d->slots[i]; i = (i + 1) & (d->nslots - 1)) {
    int32_t c = (int32_t)d->slots[i] - 1;
    if (dict_same(d, c, s, len)) return c;
  }
  /* codes are int32 and n + 1 must stay one too */
  if (d->n >= INT32_MAX - 1) return -1;
  if (d->n == d->cap) {
    /* doubled in 64 bits: past 2^30 codes the int32 product would overflow */
    int64_t cap = d->cap ? (int64_t)d->cap * 2 : 16;
    if (cap > INT32_MAX - 1) cap = INT32_MAX - 1;
    int64_t *off = realloc(d->off, ((size_t)cap + 1) * sizeof *off);
    if (!off) return -1;
    d->off = off;
    d->cap = (int32_t)cap;
  }
  if (d->nbytes + len > d->bcap) {
    /* a doubling loop must not wrap around to 0 and spin */
    if (len > SIZE_MAX / 4 - d->nbytes) return -1;
    size_t bcap = d->bcap ? d->bcap : 256;
    while (bcap < d->nbytes + len) bcap *= 2;
    char *b = realloc(d->bytes, bcap);
    if (!b) return -1;
    d->bytes = b;
    d->bcap = bcap;
  }
  if (len) memcpy(d->bytes + d->nbytes, s, len);
  d->nbytes += len;
  int32_t code = d->n++;
  d->off[d->n] = (int64_t)d->nbytes;
  d->slots[i] = (uint32_t)code + 1;
  free(d->rank); /* a new string invalidates the order */
  d->rank = NULL;
  return code;
}

static int dict_cmp_codes(const modu_dict *d, int32_t a, int32_t b) {
  size_t la, lb;
  const char *pa = modu_dict_str(d, a, &la), *pb = modu_dict_str(d, b, &lb);
  size_t m = la < lb ? la : lb;
  int r = m ? memcmp(pa, pb, m) : 0;
  if (r) return r;
  return (la > lb) - (la < lb);
}

/* merge sort of codes: qsort has no context pointer in C11 */
static void dict_msort(const modu_dict *d, int32_t *a, int32_t *tmp, int32_t n) {
  if (n < 2) return;
  int32_t h = n / 2;
  dict_msort(d, a, tmp, h);
  dict_msort(d, a + h, tmp, n - h);
  int32_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = dict_cmp_codes(d, a[j], a[i]) < 0 ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, (size_t)n * sizeof *a);
}

const int32_t *modu_dict_ranks(modu_dict *d) {
  if (d->rank) return d->rank;
  size_t n = d->n ? (size_t)d->n : 1;
  int32_t *order = malloc(n * sizeof *order), *tmp = malloc(n * sizeof *tmp);
  int32_t *rank = malloc(n * sizeof *rank);
  if (!order || !tmp || !rank) {
    free(order);
    free(tmp);
    free(rank);
    return NULL;
  }
  for (int32_t i = 0; i < d->n; i++) order[i] = i;
  dict_msort(d, order, tmp, d->n);
  for (int32_t i = 0; i < d->n; i++) rank[order[i]] = i;
  free(order);
  free(tmp);
  d->rank = rank;
  return rank;
}
