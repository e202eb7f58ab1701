/* Group ids by key columns (dense maps where the key range allows, hashing
 * otherwise) and the per-group aggregate kernels. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"

static void *grp_big(size_t bytes) { return modu_alloc_big(bytes, false); }
static void *grp_bigz(size_t n, size_t width) { return modu_alloc_big((n ? n : 1) * width, true); }

/* ---- an int64 -> int32 open-addressing map that numbers keys as they come.
 * A slot holds the key and its number together, so a probe touches one cache
 * line; the table doubles past 70 % load. ---- */

typedef struct grp_slot {
  int64_t key;
  int32_t val; /* -1 = empty */
} grp_slot;

typedef struct grp_map {
  grp_slot *slots;
  size_t cap;
  int64_t n;
} grp_map;

static uint64_t grp_mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

static int grp_map_init(grp_map *m, size_t cap) {
  m->cap = cap;
  m->n = 0;
  m->slots = malloc(cap * sizeof *m->slots);
  if (!m->slots) return -1;
  for (size_t i = 0; i < cap; i++) m->slots[i].val = -1;
  return 0;
}

static void grp_map_free(grp_map *m) { free(m->slots); }

static int grp_map_grow(grp_map *m) {
  grp_map big;
  if (grp_map_init(&big, m->cap * 2)) return -1;
  for (size_t i = 0; i < m->cap; i++) {
    if (m->slots[i].val < 0) continue;
    size_t s = grp_mix((uint64_t)m->slots[i].key) & (big.cap - 1);
    while (big.slots[s].val >= 0) s = (s + 1) & (big.cap - 1);
    big.slots[s] = m->slots[i];
  }
  big.n = m->n;
  grp_map_free(m);
  *m = big;
  return 0;
}

/* the number of key, giving it the next number when it is new; -1 on OOM */
static int32_t grp_map_number(grp_map *m, int64_t key) {
  size_t s = grp_mix((uint64_t)key) & (m->cap - 1);
  for (; m->slots[s].val >= 0; s = (s + 1) & (m->cap - 1))
    if (m->slots[s].key == key) return m->slots[s].val;
  if ((size_t)(m->n + 1) * 10 > m->cap * 7) {
    if (grp_map_grow(m)) return -1;
    return grp_map_number(m, key);
  }
  m->slots[s].key = key;
  m->slots[s].val = (int32_t)m->n;
  return (int32_t)m->n++;
}

/* ---- key codes ---- */

/* numbers the distinct values of keys given as int64 (dense when the range is small) */
static int grp_number_ints(const int64_t *v, const modu_column *c, int64_t n, int32_t *codes, int64_t *card) {
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (int64_t i = 0; i < n; i++) {
    if (modu_col_isna(c, i)) continue;
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  int32_t next = 0;
  /* hi - lo spans up to 2^64 - 1, so + 1 could wrap to 0: compare the span first */
  uint64_t span = lo <= hi ? (uint64_t)hi - (uint64_t)lo : 0;
  uint64_t limit = (uint64_t)n * 2 + (1u << 16);
  uint64_t range = span < limit ? span + (lo <= hi) : UINT64_MAX;
  if (range <= limit) {
    int32_t *map = malloc((range + 1) * sizeof *map); /* last slot: NA */
    if (!map) return -1;
    memset(map, 0xff, (range + 1) * sizeof *map);
    for (int64_t i = 0; i < n; i++) {
      size_t k = modu_col_isna(c, i) ? range : (size_t)((uint64_t)v[i] - (uint64_t)lo);
      if (map[k] < 0) map[k] = next++;
      codes[i] = map[k];
    }
    free(map);
  } else {
    grp_map m;
    if (grp_map_init(&m, 1u << 12)) {
      grp_map_free(&m);
      return -1;
    }
    int32_t na_code = -1;
    for (int64_t i = 0; i < n; i++) {
      int32_t k;
      if (modu_col_isna(c, i)) {
        /* NA takes the next number without a map entry; the count stays in step */
        if (na_code < 0) na_code = (int32_t)m.n++;
        k = na_code;
      } else if ((k = grp_map_number(&m, v[i])) < 0) {
        grp_map_free(&m);
        return -1;
      }
      codes[i] = k;
    }
    next = (int32_t)m.n;
    grp_map_free(&m);
  }
  *card = next;
  return 0;
}

static int64_t *grp_as_int64(const modu_column *c, int64_t n) {
  int64_t *v = malloc((n ? (size_t)n : 1) * sizeof *v);
  if (!v) return NULL;
  for (int64_t i = 0; i < n; i++) {
    if (c->type == MODU_FLOAT) {
      double x = MODU_F64(c)[i];
      if (x == 0) x = 0; /* -0.0 joins 0.0 */
      if (isnan(x)) x = NAN;
      memcpy(&v[i], &x, sizeof x);
    } else if (c->type == MODU_BOOL) {
      v[i] = MODU_U8(c)[i];
    } else {
      v[i] = MODU_I32(c)[i]; /* str codes and dates */
    }
  }
  return v;
}

/* text and bool values are small integers already (dictionary codes, 0/1):
 * numbered through a table indexed by them, in one pass */
static int grp_number_small(const modu_column *c, int64_t n, int32_t *codes, int64_t *card) {
  size_t na_slot = c->type == MODU_STR ? (size_t)c->dict->n : 2;
  int32_t *map = malloc((na_slot + 1) * sizeof *map);
  if (!map) return -1;
  memset(map, 0xff, (na_slot + 1) * sizeof *map);
  int32_t next = 0;
  if (c->type == MODU_STR && !c->valid) { /* the common case, kept branch-light */
    const int32_t *v = MODU_I32(c);
    for (int64_t i = 0; i < n; i++) {
      int32_t m = map[v[i]];
      if (m < 0) m = map[v[i]] = next++;
      codes[i] = m;
    }
  } else {
    for (int64_t i = 0; i < n; i++) {
      size_t k = modu_col_isna(c, i) ? na_slot : c->type == MODU_STR ? (size_t)MODU_I32(c)[i] : MODU_U8(c)[i];
      if (map[k] < 0) map[k] = next++;
      codes[i] = map[k];
    }
  }
  free(map);
  *card = next;
  return 0;
}

static int grp_codes(const modu_column *c, int64_t n, int32_t *codes, int64_t *card) {
  if (c->type == MODU_INT) return grp_number_ints(MODU_I64(c), c, n, codes, card);
  if (c->type == MODU_STR || c->type == MODU_BOOL) return grp_number_small(c, n, codes, card);
  int64_t *v = grp_as_int64(c, n);
  if (!v) return -1;
  int r = grp_number_ints(v, c, n, codes, card);
  free(v);
  return r;
}

/* ---- numbering by sorting, for keys that are nearly all distinct ----
 * With about as many groups as rows a hash table is larger than the caches
 * and every probe misses; a stable LSD radix sort of (key, row) streams
 * through memory instead. Runs of equal keys are the groups; a run's first
 * row (stability keeps it the earliest) gives the group's number by its
 * rank among all first rows, read from a bitmap, so the numbers come out in
 * order of first appearance as with the hash table. */

#define GRP_RADIX_MAX_BITS 11

/* stable LSD radix sort of (k, r)[0..n) on the low `bits` bits of k, with
 * (k2, r2) as room to move; the result is in (k, r). count: 2^11 slots. */
static void grp_lsd(uint64_t *k, uint32_t *r, uint64_t *k2, uint32_t *r2, int64_t n, int bits, int64_t *count) {
  int maxw = n >= (1 << 14) ? GRP_RADIX_MAX_BITS : 8; /* small runs: fewer slots to clear */
  int passes = (bits + maxw - 1) / maxw;
  int width = (bits + passes - 1) / passes;
  size_t nb = (size_t)1 << width;
  uint64_t *k0 = k;
  for (int p = 0; p < passes; p++) {
    int shift = p * width;
    memset(count, 0, nb * sizeof *count);
    for (int64_t i = 0; i < n; i++) count[(k[i] >> shift) & (nb - 1)]++;
    if (count[(k[0] >> shift) & (nb - 1)] == n) continue; /* one digit for every row */
    int64_t at = 0;
    for (size_t b = 0; b < nb; b++) {
      int64_t m = count[b];
      count[b] = at;
      at += m;
    }
    for (int64_t i = 0; i < n; i++) {
      int64_t t = count[(k[i] >> shift) & (nb - 1)]++;
      k2[t] = k[i];
      r2[t] = r[i];
    }
    uint64_t *tk = k;
    k = k2;
    k2 = tk;
    uint32_t *tr = r;
    r = r2;
    r2 = tr;
  }
  if (k != k0) { /* an odd number of passes ran: the rows are in the room */
    memcpy(k2, k, (size_t)n * sizeof *k);
    memcpy(r2, r, (size_t)n * sizeof *r);
  }
}

/* A stable sort of (key, row): for long keys one pass on the top 11 bits
 * first, then each of those buckets (a few thousand rows, inside the caches)
 * sorted on the rest, so that only one pass streams through all the memory. */
static int grp_number_sorted(uint64_t *key, uint64_t range, int64_t n, int32_t *out, int64_t *outcard) {
  int bits = 1;
  while (bits < 64 && (range - 1) >> bits) bits++;
  size_t sz = (size_t)n, nw = (sz + 63) / 64;
  uint64_t *key2 = grp_big(sz * sizeof *key2);
  uint32_t *row = grp_big(sz * sizeof *row), *row2 = grp_big(sz * sizeof *row2);
  int64_t *count = calloc((size_t)1 << GRP_RADIX_MAX_BITS, sizeof *count);
  int64_t *bucket = calloc(((size_t)1 << GRP_RADIX_MAX_BITS) + 1, sizeof *bucket);
  uint64_t *first = calloc(nw ? nw : 1, sizeof *first);
  int64_t *below = malloc((nw + 1) * sizeof *below);
  int rc = -1;
  if (!key2 || !row || !row2 || !count || !bucket || !first || !below) goto done;
  for (int64_t i = 0; i < n; i++) row[i] = (uint32_t)i;
  uint64_t *k = key; /* where the sorted keys end up */
  uint32_t *r = row;
  if (bits <= 2 * GRP_RADIX_MAX_BITS) {
    grp_lsd(key, row, key2, row2, n, bits, count);
  } else {
    int shift = bits - GRP_RADIX_MAX_BITS;
    for (int64_t i = 0; i < n; i++) bucket[(key[i] >> shift) + 1]++;
    for (size_t b = 0; b < ((size_t)1 << GRP_RADIX_MAX_BITS); b++) bucket[b + 1] += bucket[b];
    memcpy(count, bucket, ((size_t)1 << GRP_RADIX_MAX_BITS) * sizeof *count);
    for (int64_t i = 0; i < n; i++) {
      int64_t t = count[key[i] >> shift]++;
      key2[t] = key[i];
      row2[t] = row[i];
    }
    for (size_t b = 0; b < ((size_t)1 << GRP_RADIX_MAX_BITS); b++) {
      int64_t lo = bucket[b], len = bucket[b + 1] - lo;
      if (len > 1) grp_lsd(key2 + lo, row2 + lo, key + lo, row + lo, len, shift, count);
    }
    k = key2;
    r = row2;
  }
  /* the first row of each run, then numbers by rank among first rows */
  for (int64_t j = 0; j < n; j++)
    if (j == 0 || k[j] != k[j - 1]) first[r[j] >> 6] |= UINT64_C(1) << (r[j] & 63);
  below[0] = 0;
  for (size_t w = 0; w < nw; w++) below[w + 1] = below[w] + __builtin_popcountll(first[w]);
  int32_t id = 0;
  for (int64_t j = 0; j < n; j++) {
    if (j == 0 || k[j] != k[j - 1]) {
      uint32_t at = r[j];
      id = (int32_t)(below[at >> 6] + __builtin_popcountll(first[at >> 6] & ((UINT64_C(1) << (at & 63)) - 1)));
    }
    out[r[j]] = id;
  }
  *outcard = below[nw];
  rc = 0;
done:
  free(key2);
  free(row);
  free(row2);
  free(count);
  free(bucket);
  free(first);
  free(below);
  return rc;
}

static int grp_cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* whether the keys look nearly all distinct: a sample of 2^16 rows spread
 * over the column with 95 % of them distinct means about a million groups or
 * more (a hundred thousand groups would show about 73 %) */
static bool grp_mostly_distinct(const int32_t *a, const int64_t *k, const int32_t *b, int64_t cb, int64_t n) {
  enum { SAMPLE = 1 << 16 };
  uint64_t *s = malloc(SAMPLE * sizeof *s);
  if (!s) return false;
  for (int64_t j = 0; j < SAMPLE; j++) {
    int64_t i = (int64_t)((double)j * (double)n / SAMPLE);
    s[j] = (uint64_t)(a ? (int64_t)a[i] * cb + b[i] : k[i]);
  }
  qsort(s, SAMPLE, sizeof *s, grp_cmp_u64);
  int64_t d = 1;
  for (int64_t j = 1; j < SAMPLE; j++) d += s[j] != s[j - 1];
  free(s);
  return d >= SAMPLE / 20 * 19;
}

/* numbers per-row keys in order of first appearance: the pairs (a[i], b[i]) as
 * a[i] * cb + b[i], or (a NULL) the ready keys k[i] in [0, card); a dense table
 * when the key range is small, sorting when nearly all are distinct, hashing
 * otherwise. out may alias a; k may be overwritten (the sort reuses it). */
static int grp_combine(const int32_t *a, int64_t *k, int64_t card, const int32_t *b, int64_t cb, int64_t n,
                       int32_t *out, int64_t *outcard) {
  uint64_t range = a ? (uint64_t)card * (uint64_t)cb : (uint64_t)card;
  int32_t next = 0;
#define GRP_KEY(i) (a ? (int64_t)a[i] * cb + b[i] : k[i])
  if (range && range <= (uint64_t)n * 2 + (1u << 16)) {
    int32_t *map = malloc(range * sizeof *map);
    if (!map) return -1;
    memset(map, 0xff, range * sizeof *map);
    for (int64_t i = 0; i < n; i++) {
      int64_t key = GRP_KEY(i);
      if (map[key] < 0) map[key] = next++;
      out[i] = map[key];
    }
    free(map);
  } else if (n >= (1 << 20) && grp_mostly_distinct(a, k, b, cb, n)) {
    uint64_t *key = (uint64_t *)k;
    if (a) { /* pairs: the keys made first */
      if (!(key = grp_big((size_t)n * sizeof *key))) return -1;
      for (int64_t i = 0; i < n; i++) key[i] = (uint64_t)GRP_KEY(i);
    }
    int rc = grp_number_sorted(key, range, n, out, outcard);
    if (a) free(key);
    return rc;
  } else {
    grp_map m;
    size_t cap = 1u << 16;
    while (cap < (size_t)(n / 8) && cap < ((size_t)1 << 30)) cap *= 2; /* a head start for many groups */
    if (grp_map_init(&m, cap)) {
      grp_map_free(&m);
      return -1;
    }
    for (int64_t i = 0; i < n; i++) {
      int32_t v = grp_map_number(&m, GRP_KEY(i));
      if (v < 0) {
        grp_map_free(&m);
        return -1;
      }
      out[i] = v;
    }
    next = (int32_t)m.n;
    grp_map_free(&m);
  }
#undef GRP_KEY
  *outcard = next;
  return 0;
}

void modu_groups_free(modu_groups *g) {
  if (!g) return;
  modu_col_unref(g->lazy_key);
  free(g->code_gid);
  free(g->gid);
  free(g->first);
  free(g->off);
  free(g->rows);
  free(g);
}

static int grp_firsts(modu_groups *g) {
  free(g->first);
  g->first = grp_big((g->ngroups ? (size_t)g->ngroups : 1) * sizeof *g->first);
  if (!g->first) return -1;
  for (int64_t k = 0; k < g->ngroups; k++) g->first[k] = -1;
  for (int64_t i = 0; i < g->nrow; i++)
    if (g->first[g->gid[i]] < 0) g->first[g->gid[i]] = i;
  return 0;
}

/* Several keys: each key's codes are folded into one 64-bit composite per row
 * (code0 * card1 + code1 ...) for as long as the product of the cardinalities
 * fits, so one numbering pass replaces one per key; when it would overflow, the
 * composite is numbered first and folding goes on from those numbers. */
static int grp_multi(modu_column *const *keys, int nkeys, int64_t n, modu_groups *g) {
  size_t sz = n ? (size_t)n : 1;
  int64_t *comp = grp_big(sz * sizeof *comp);
  int32_t *tmp = grp_big(sz * sizeof *tmp);
  int rc = -1;
  if (!comp || !tmp) goto done;
  for (int64_t i = 0; i < n; i++) comp[i] = g->gid[i];
  uint64_t card = (uint64_t)g->ngroups;
  for (int k = 1; k < nkeys; k++) {
    int64_t ck;
    if (grp_codes(keys[k], n, tmp, &ck)) goto done;
    if (ck && card > (uint64_t)INT64_MAX / (uint64_t)ck) { /* renumber, then fold */
      int64_t renumbered;
      if (grp_combine(NULL, comp, 0, NULL, 0, n, g->gid, &renumbered)) goto done;
      for (int64_t i = 0; i < n; i++) comp[i] = g->gid[i];
      card = (uint64_t)renumbered;
    }
    for (int64_t i = 0; i < n; i++) comp[i] = comp[i] * ck + tmp[i];
    card *= (uint64_t)ck;
  }
  if (grp_combine(NULL, comp, (int64_t)card, NULL, 0, n, g->gid, &g->ngroups)) goto done;
  rc = 0;
done:
  free(comp);
  free(tmp);
  return rc;
}

modu_groups *modu_group_by(modu_column *const *keys, int nkeys, int64_t nrow, modu_err *e) {
  if (nrow >= INT32_MAX) {
    modu_errf(e, "grouping supports up to %d rows", INT32_MAX - 1);
    return NULL;
  }
  modu_groups *g = calloc(1, sizeof *g);
  if (!g) goto oom;
  g->nrow = nrow;
  g->gid = grp_big((nrow ? (size_t)nrow : 1) * sizeof *g->gid);
  if (!g->gid) goto oom;
  if (nkeys == 0) {
    memset(g->gid, 0, (size_t)nrow * sizeof *g->gid);
    g->ngroups = nrow > 0;
  } else {
    if (grp_codes(keys[0], nrow, g->gid, &g->ngroups)) goto oom;
    if (nkeys > 1 && grp_multi(keys, nkeys, nrow, g)) goto oom;
  }
  if (grp_firsts(g)) goto oom;
  return g;
oom:
  modu_groups_free(g);
  modu_errf(e, "out of memory");
  return NULL;
}

/* One text key without NA: numbering the dictionary codes in order of first
 * appearance needs no pass over all rows once every code has been seen, and
 * no group-id column at all for the aggregates that read the codes. */
modu_groups *modu_group_by_lazy(modu_column *const *keys, int nkeys, int64_t nrow, modu_err *e) {
  /* a few rows sharing a big dictionary (a filtered frame) are better hashed:
   * a slot per code would cost more than the rows */
  if (nkeys != 1 || keys[0]->type != MODU_STR || keys[0]->valid || nrow == 0 || nrow >= INT32_MAX ||
      keys[0]->dict->n > nrow * 2 + (1 << 16))
    return modu_group_by(keys, nkeys, nrow, e);
  const modu_column *c = keys[0];
  int64_t nc = c->dict->n, most = nc < nrow ? nc : nrow; /* groups there can be */
  modu_groups *g = calloc(1, sizeof *g);
  if (!g || !(g->code_gid = malloc((nc ? (size_t)nc : 1) * sizeof *g->code_gid)) ||
      !(g->first = malloc((size_t)most * sizeof *g->first))) {
    modu_groups_free(g);
    modu_errf(e, "out of memory");
    return NULL;
  }
  g->nrow = nrow;
  g->ncode = nc;
  g->lazy_key = modu_col_ref((modu_column *)c);
  memset(g->code_gid, 0xff, (size_t)nc * sizeof *g->code_gid);
  const int32_t *code = MODU_I32(c);
  int64_t ng = 0;
  for (int64_t i = 0; i < nrow && ng < most; i++)
    if (g->code_gid[code[i]] < 0) {
      g->code_gid[code[i]] = (int32_t)ng;
      g->first[ng++] = i;
    }
  g->ngroups = ng;
  return g;
}

int modu_groups_gid(modu_groups *g, modu_err *e) {
  if (g->gid) return 0;
  if (!(g->gid = grp_big((g->nrow ? (size_t)g->nrow : 1) * sizeof *g->gid))) return modu_errf(e, "out of memory");
  const int32_t *code = MODU_I32(g->lazy_key);
  for (int64_t i = 0; i < g->nrow; i++) g->gid[i] = g->code_gid[code[i]];
  return 0;
}

int modu_groups_csr(modu_groups *g, modu_err *e) {
  if (g->off) return 0;
  if (modu_groups_gid(g, e)) return -1;
  g->off = calloc((size_t)g->ngroups + 1, sizeof *g->off);
  g->rows = grp_big((g->nrow ? (size_t)g->nrow : 1) * sizeof *g->rows);
  if (!g->off || !g->rows) {
    free(g->off);
    free(g->rows);
    g->off = g->rows = NULL;
    return modu_errf(e, "out of memory");
  }
  for (int64_t i = 0; i < g->nrow; i++) g->off[g->gid[i] + 1]++;
  for (int64_t k = 0; k < g->ngroups; k++) g->off[k + 1] += g->off[k];
  int64_t *pos = malloc(((size_t)g->ngroups + 1) * sizeof *pos);
  if (!pos) return modu_errf(e, "out of memory");
  memcpy(pos, g->off, ((size_t)g->ngroups + 1) * sizeof *pos);
  for (int64_t i = 0; i < g->nrow; i++) g->rows[pos[g->gid[i]]++] = i;
  free(pos);
  return 0;
}

int modu_groups_sort(modu_groups *g, modu_column *const *keys, int nkeys, modu_err *e) {
  modu_column **firsts = calloc(nkeys ? (size_t)nkeys : 1, sizeof *firsts);
  int64_t *perm = malloc((g->ngroups ? (size_t)g->ngroups : 1) * sizeof *perm);
  int32_t *newid = malloc((g->ngroups ? (size_t)g->ngroups : 1) * sizeof *newid);
  bool *desc = calloc(nkeys ? (size_t)nkeys : 1, sizeof *desc);
  int rc = -1;
  if (!firsts || !perm || !newid || !desc) {
    modu_errf(e, "out of memory");
    goto done;
  }
  for (int k = 0; k < nkeys; k++)
    if (!(firsts[k] = modu_col_take(keys[k], g->first, g->ngroups, e))) goto done;
  if (modu_sort_perm(firsts, desc, nkeys, g->ngroups, perm, e)) goto done;
  for (int64_t r = 0; r < g->ngroups; r++) newid[perm[r]] = (int32_t)r;
  if (g->gid)
    for (int64_t i = 0; i < g->nrow; i++) g->gid[i] = newid[g->gid[i]];
  for (int64_t c = 0; c < g->ncode; c++)
    if (g->code_gid[c] >= 0) g->code_gid[c] = newid[g->code_gid[c]];
  /* a group keeps its first row under its new number */
  for (int64_t r = 0; r < g->ngroups; r++) perm[newid[r]] = g->first[r];
  memcpy(g->first, perm, (size_t)g->ngroups * sizeof *perm);
  free(g->off);
  free(g->rows);
  g->off = g->rows = NULL;
  rc = 0;
done:
  for (int k = 0; firsts && k < nkeys; k++) modu_col_unref(firsts[k]);
  free(firsts);
  free(perm);
  free(newid);
  free(desc);
  return rc;
}

/* ---- selection ---- */

static void grp_swap(double *a, double *b) {
  double t = *a;
  *a = *b;
  *b = t;
}

double modu_select_kth(double *v, int64_t n, int64_t k) {
  int64_t lo = 0, hi = n - 1;
  while (hi > lo) {
    /* median of three as the pivot keeps sorted and reversed input linear */
    int64_t mid = lo + (hi - lo) / 2;
    if (v[mid] < v[lo]) grp_swap(&v[mid], &v[lo]);
    if (v[hi] < v[lo]) grp_swap(&v[hi], &v[lo]);
    if (v[hi] < v[mid]) grp_swap(&v[hi], &v[mid]);
    double pivot = v[mid];
    int64_t i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) grp_swap(&v[i++], &v[j--]);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k];
  }
  return v[k];
}

double modu_quantile7(double *v, int64_t n, double p) {
  double h = (double)(n - 1) * p;
  int64_t lo = (int64_t)floor(h);
  double x = modu_select_kth(v, n, lo);
  if (lo + 1 >= n || h == (double)lo) return x;
  /* the next order statistic is the minimum of the part above lo */
  double y = v[lo + 1];
  for (int64_t i = lo + 2; i < n; i++)
    if (v[i] < y) y = v[i];
  return x + (h - (double)lo) * (y - x);
}

/* ---- aggregates ---- */

static double grp_num(const modu_column *c, int64_t i) {
  switch (c->type) {
    case MODU_FLOAT: return MODU_F64(c)[i];
    case MODU_INT: return (double)MODU_I64(c)[i];
    case MODU_BOOL: return MODU_U8(c)[i];
    default: return MODU_I32(c)[i];
  }
}

static modu_column *grp_fail(modu_column *r, modu_err *e, const char *msg) {
  modu_col_unref(r);
  if (msg) modu_errf(e, "%s", msg);
  return NULL;
}

static int grp_set_na_where(modu_column *r, const int64_t *cnt, int64_t min) {
  for (int64_t k = 0; k < r->len; k++)
    if (cnt[k] < min && modu_col_set_na(r, k)) return -1;
  return 0;
}

/* Where sum, mean and count accumulate: a slot per group indexed by gid, or,
 * for lazy groups, a slot per dictionary code indexed by the key's codes and
 * moved to its group at the end (code_gid). */
typedef struct grp_slots {
  const int32_t *idx;
  int64_t n;
  const int32_t *to_group; /* NULL: slots are groups */
} grp_slots;

static void grp_slots_of(const modu_groups *g, grp_slots *s) {
  if (g->gid) {
    s->idx = g->gid;
    s->n = g->ngroups;
    s->to_group = NULL;
  } else {
    s->idx = MODU_I32(g->lazy_key);
    s->n = g->ncode;
    s->to_group = g->code_gid;
  }
}

/* slot values (width bytes each) moved to their groups in dst */
static void grp_slots_out(const grp_slots *s, const void *src, void *dst, size_t width) {
  for (int64_t c = 0; c < s->n; c++)
    if (s->to_group[c] >= 0) memcpy((char *)dst + (size_t)s->to_group[c] * width, (const char *)src + (size_t)c * width, width);
}

/* the means of the slots whose sum overflowed, again on the values times
 * 2^-600: finite values near DBL_MAX have a finite mean. A slot holding an
 * inf or NaN keeps it. comp is scratch of sl->n doubles. */
static void grp_mean_scaled(const modu_groups *g, const modu_column *x, const grp_slots *sl, double *fa,
                            const int64_t *cnt, double *comp) {
  const double down = 0x1p-600, up = 0x1p600;
  double *s = calloc(sl->n ? (size_t)sl->n : 1, sizeof *s);
  if (!s) return; /* out of memory: the overflowed means stay as summed */
  memset(comp, 0, (size_t)sl->n * sizeof *comp);
  for (int64_t i = 0; i < g->nrow; i++) {
    int32_t k = sl->idx[i];
    if (isfinite(fa[k]) || modu_col_isna(x, i)) continue;
    double v = grp_num(x, i) * down, t = s[k] + v;
    comp[k] += fabs(s[k]) >= fabs(v) ? (s[k] - t) + v : (v - t) + s[k];
    s[k] = t;
  }
  for (int64_t k = 0; k < sl->n; k++)
    if (cnt[k] && !isfinite(fa[k])) fa[k] = (isfinite(s[k]) ? s[k] + comp[k] : s[k]) / (double)cnt[k] * up;
  free(s);
}

static modu_column *grp_sum(modu_groups *g, const modu_column *x, bool mean, modu_err *e) {
  int64_t ng = g->ngroups;
  grp_slots sl;
  grp_slots_of(g, &sl);
  size_t ns = sl.n ? (size_t)sl.n : 1;
  modu_type rt = mean || x->type == MODU_FLOAT ? MODU_FLOAT : MODU_INT;
  modu_column *r = modu_col_new(rt, ng, NULL);
  int64_t *cnt = mean ? grp_bigz(ns, sizeof *cnt) : NULL; /* only a mean counts */
  double *comp = rt == MODU_FLOAT ? grp_bigz(ns, sizeof *comp) : NULL;
  void *acc = sl.to_group ? calloc(ns, 8) : r ? r->data : NULL;
  if (!r || (mean && !cnt) || !acc || (rt == MODU_FLOAT && !comp)) {
    free(cnt);
    free(comp);
    if (sl.to_group) free(acc);
    return grp_fail(r, e, "out of memory");
  }
  if (!sl.to_group) memset(acc, 0, (size_t)ng * 8);
  const int32_t *gid = sl.idx;
  const char *fail = NULL;
  if (rt == MODU_INT) {
    int64_t *ia = acc;
    if (x->type == MODU_INT && !x->valid) { /* the common case, kept tight */
      const int64_t *v = MODU_I64(x);
      for (int64_t i = 0; i < g->nrow; i++)
        if (__builtin_add_overflow(ia[gid[i]], v[i], &ia[gid[i]])) {
          fail = "sum overflows int64 in a group (cast the column to float)";
          break;
        }
    } else {
      for (int64_t i = 0; i < g->nrow; i++) {
        if (modu_col_isna(x, i)) continue;
        int64_t v = x->type == MODU_INT ? MODU_I64(x)[i] : MODU_U8(x)[i];
        if (__builtin_add_overflow(ia[gid[i]], v, &ia[gid[i]])) {
          fail = "sum overflows int64 in a group (cast the column to float)";
          break;
        }
      }
    }
  } else {
    double *fa = acc;
    bool has_na = x->valid != NULL;
    for (int64_t i = 0; i < g->nrow; i++) {
      if (has_na && modu_col_isna(x, i)) continue;
      int32_t k = gid[i];
      double v = grp_num(x, i), s = fa[k], t = s + v;
      comp[k] += fabs(s) >= fabs(v) ? (s - t) + v : (v - t) + s; /* Neumaier */
      fa[k] = t;
      if (mean) cnt[k]++;
    }
    bool redo = false;
    for (int64_t k = 0; k < sl.n; k++) {
      /* past inf the correction is inf - inf = NaN: keep what IEEE summation gives */
      if (isfinite(fa[k])) fa[k] += comp[k];
      if (mean) fa[k] = cnt[k] ? fa[k] / (double)cnt[k] : 0;
      redo |= mean && cnt[k] && !isfinite(fa[k]);
    }
    if (redo) grp_mean_scaled(g, x, &sl, fa, cnt, comp);
  }
  if (sl.to_group) {
    grp_slots_out(&sl, acc, r->data, 8);
    if (!fail && mean) { /* counts go to their groups too, for the NA of an empty group */
      int64_t *c2 = calloc(ng ? (size_t)ng : 1, sizeof *c2);
      if (!c2) fail = "out of memory";
      else grp_slots_out(&sl, cnt, c2, sizeof *c2);
      free(cnt);
      cnt = c2;
    }
    free(acc);
  }
  if (!fail && mean && grp_set_na_where(r, cnt, 1)) fail = "out of memory";
  free(cnt);
  free(comp);
  return fail ? grp_fail(r, e, fail) : r;
}

/* var (or sd) by two passes: the group means first, then squared deviations */
static modu_column *grp_var(modu_groups *g, const modu_column *x, bool sd, modu_err *e) {
  modu_column *mean = grp_sum(g, x, true, e);
  if (!mean) return NULL;
  int64_t ng = g->ngroups;
  modu_column *r = modu_col_new(MODU_FLOAT, ng, NULL);
  int64_t *cnt = calloc(ng ? (size_t)ng : 1, sizeof *cnt);
  double *dev = calloc(ng ? (size_t)ng : 1, sizeof *dev), *comp = calloc(ng ? (size_t)ng : 1, sizeof *comp);
  double *scale = calloc(ng ? (size_t)ng : 1, sizeof *scale); /* 0: done; else redo at this scale */
  if (!r || !cnt || !dev || !comp || !scale) {
    free(cnt);
    free(dev);
    free(comp);
    free(scale);
    modu_col_unref(mean);
    return grp_fail(r, e, "out of memory");
  }
  double *acc = MODU_F64(r), *m = MODU_F64(mean);
  memset(acc, 0, (size_t)ng * sizeof *acc);
  /* the corrected two-pass sum: squares of the deviations (compensated) less
   * the square of their sum over n, which removes the rounding error of the
   * mean. A group whose squares overflow (finite values near DBL_MAX) or may
   * underflow (values below 2^-400) goes again on its values times the power
   * of two that brings its largest below 1; sd scales back exactly, a var
   * past the double range is inf or 0 as it must be. scale holds the largest
   * |value| after the first pass. */
  bool redo = false;
  for (int pass = 0; pass < 2 && (pass == 0 || redo); pass++) {
    for (int64_t i = 0; i < g->nrow; i++) {
      if (modu_col_isna(x, i)) continue;
      int32_t k = g->gid[i];
      double v = grp_num(x, i), f = 1;
      if (pass) {
        if (scale[k] == 0) continue;
        f = scale[k];
      } else if (fabs(v) > scale[k]) {
        scale[k] = fabs(v);
      }
      double d = v * f - m[k] * f, q = d * d, t = acc[k] + q;
      comp[k] += acc[k] >= q ? (acc[k] - t) + q : (q - t) + acc[k]; /* Neumaier */
      acc[k] = t;
      dev[k] += d;
      cnt[k]++;
    }
    for (int64_t k = 0; k < ng; k++) {
      if (pass && scale[k] == 0) continue;
      double big = scale[k], f = pass ? big : 1, sq = isfinite(acc[k]) ? acc[k] + comp[k] : acc[k];
      if (!pass) {
        bool over = isinf(acc[k]) && isfinite(m[k]) && isfinite(big);
        bool under = cnt[k] > 1 && big > 0 && big < 0x1p-400 && sq < 0x1p-900;
        if (over || under) {
          int ex;
          frexp(big, &ex);
          scale[k] = ldexp(1, -ex);
          redo = true;
          acc[k] = dev[k] = comp[k] = 0;
          cnt[k] = 0;
          continue;
        }
        scale[k] = 0;
      }
      double n = (double)cnt[k], ss = sq - dev[k] * dev[k] / n, v = cnt[k] > 1 ? (ss < 0 ? 0 : ss) / (n - 1) : 0;
      acc[k] = sd ? sqrt(v) / f : v / f / f;
    }
  }
  int fail = grp_set_na_where(r, cnt, 2);
  free(cnt);
  free(dev);
  free(comp);
  free(scale);
  modu_col_unref(mean);
  return fail ? grp_fail(r, e, "out of memory") : r;
}

static modu_column *grp_cor(modu_groups *g, const modu_column *x, const modu_column *y, modu_err *e) {
  int64_t ng = g->ngroups;
  double *s = calloc(ng ? (size_t)ng * 5 : 1, sizeof *s); /* mx, my, sxx, syy, sxy */
  int64_t *cnt = calloc(ng ? (size_t)ng : 1, sizeof *cnt);
  modu_column *r = modu_col_new(MODU_FLOAT, ng, NULL);
  if (!s || !cnt || !r) {
    free(s);
    free(cnt);
    return grp_fail(r, e, "out of memory");
  }
  for (int64_t i = 0; i < g->nrow; i++) {
    if (modu_col_isna(x, i) || modu_col_isna(y, i)) continue;
    int32_t k = g->gid[i];
    s[5 * k] += grp_num(x, i);
    s[5 * k + 1] += grp_num(y, i);
    cnt[k]++;
  }
  for (int64_t k = 0; k < ng; k++)
    if (cnt[k]) s[5 * k] /= (double)cnt[k], s[5 * k + 1] /= (double)cnt[k];
  for (int64_t i = 0; i < g->nrow; i++) {
    if (modu_col_isna(x, i) || modu_col_isna(y, i)) continue;
    double *t = s + 5 * g->gid[i], dx = grp_num(x, i) - t[0], dy = grp_num(y, i) - t[1];
    t[2] += dx * dx;
    t[3] += dy * dy;
    t[4] += dx * dy;
  }
  for (int64_t k = 0; k < ng; k++) {
    double *t = s + 5 * k;
    MODU_F64(r)[k] = t[4] / sqrt(t[2] * t[3]);
  }
  int fail = grp_set_na_where(r, cnt, 2);
  free(s);
  free(cnt);
  return fail ? grp_fail(r, e, "out of memory") : r;
}

static modu_column *grp_quantile(modu_groups *g, const modu_column *x, double p, modu_err *e) {
  if (modu_groups_csr(g, e)) return NULL;
  int64_t ng = g->ngroups;
  modu_column *r = modu_col_new(MODU_FLOAT, ng, NULL);
  double *buf = malloc((g->nrow ? (size_t)g->nrow : 1) * sizeof *buf);
  if (!r || !buf) {
    free(buf);
    return grp_fail(r, e, "out of memory");
  }
  for (int64_t k = 0; k < ng; k++) {
    int64_t m = 0;
    bool nan = false;
    for (int64_t j = g->off[k]; j < g->off[k + 1]; j++) {
      int64_t i = g->rows[j];
      if (modu_col_isna(x, i)) continue;
      double v = grp_num(x, i);
      if (isnan(v)) nan = true;
      buf[m++] = v;
    }
    if (m == 0) {
      MODU_F64(r)[k] = 0;
      if (modu_col_set_na(r, k)) {
        free(buf);
        return grp_fail(r, e, "out of memory");
      }
      continue;
    }
    MODU_F64(r)[k] = nan ? NAN : modu_quantile7(buf, m, p);
  }
  free(buf);
  return r;
}

/* first/last/min/max: the chosen row of each group, then one take */
static modu_column *grp_pick(modu_agg_kind kind, modu_groups *g, const modu_column *x, modu_err *e) {
  int64_t ng = g->ngroups;
  int64_t *pick = malloc((ng ? (size_t)ng : 1) * sizeof *pick);
  if (!pick) {
    modu_errf(e, "out of memory");
    return NULL;
  }
  for (int64_t k = 0; k < ng; k++) pick[k] = -1;
  const int32_t *rank = NULL;
  if (x->type == MODU_STR && (kind == MODU_AGG_MIN || kind == MODU_AGG_MAX) && !(rank = modu_dict_ranks(x->dict))) {
    free(pick);
    modu_errf(e, "out of memory");
    return NULL;
  }
  for (int64_t i = 0; i < g->nrow; i++) {
    if (modu_col_isna(x, i)) continue;
    int32_t k = g->gid[i];
    int64_t b = pick[k];
    if (b < 0 || kind == MODU_AGG_LAST) pick[k] = i;
    if (b < 0 || kind == MODU_AGG_LAST || kind == MODU_AGG_FIRST) continue;
    double cmp;
    if (rank) cmp = rank[MODU_I32(x)[i]] - rank[MODU_I32(x)[b]];
    else if (x->type == MODU_INT) cmp = (MODU_I64(x)[i] > MODU_I64(x)[b]) - (MODU_I64(x)[i] < MODU_I64(x)[b]);
    else {
      double v = grp_num(x, i), w = grp_num(x, b);
      if (isnan(w)) continue; /* NaN wins, as in R */
      cmp = isnan(v) ? (kind == MODU_AGG_MAX ? 1 : -1) : v - w;
    }
    if (kind == MODU_AGG_MAX ? cmp > 0 : cmp < 0) pick[k] = i;
  }
  modu_column *r = modu_col_take(x, pick, ng, e);
  free(pick);
  return r;
}

static modu_column *grp_bool(modu_agg_kind kind, modu_groups *g, const modu_column *x, modu_err *e) {
  modu_column *r = modu_col_new(MODU_BOOL, g->ngroups, NULL);
  if (!r) return grp_fail(NULL, e, "out of memory");
  bool all = kind == MODU_AGG_ALL;
  memset(r->data, all, (size_t)g->ngroups);
  for (int64_t i = 0; i < g->nrow; i++) {
    if (modu_col_isna(x, i)) continue;
    if (all && !MODU_U8(x)[i]) MODU_U8(r)[g->gid[i]] = 0;
    if (!all && MODU_U8(x)[i]) MODU_U8(r)[g->gid[i]] = 1;
  }
  return r;
}

static modu_column *grp_count(modu_groups *g, modu_err *e) {
  modu_column *r = modu_col_new(MODU_INT, g->ngroups, NULL);
  if (!r) return grp_fail(NULL, e, "out of memory");
  grp_slots sl;
  grp_slots_of(g, &sl);
  int64_t *cnt = sl.to_group ? calloc(sl.n ? (size_t)sl.n : 1, sizeof *cnt) : MODU_I64(r);
  if (!cnt) return grp_fail(r, e, "out of memory");
  if (!sl.to_group) memset(cnt, 0, (size_t)g->ngroups * sizeof *cnt);
  for (int64_t i = 0; i < g->nrow; i++) cnt[sl.idx[i]]++;
  if (sl.to_group) {
    grp_slots_out(&sl, cnt, r->data, sizeof *cnt);
    free(cnt);
  }
  return r;
}

static modu_column *grp_n_distinct(modu_groups *g, const modu_column *x, modu_err *e) {
  if (modu_groups_gid(g, e)) return NULL;
  modu_column *r = grp_count(g, e);
  if (!r) return NULL;
  int64_t *cnt = MODU_I64(r);
  memset(cnt, 0, (size_t)g->ngroups * sizeof *cnt);
  int32_t *codes = malloc((g->nrow ? (size_t)g->nrow : 1) * sizeof *codes);
  int64_t card, pairs;
  if (!codes || grp_codes(x, g->nrow, codes, &card) ||
      grp_combine(g->gid, NULL, g->ngroups, codes, card, g->nrow, codes, &pairs)) {
    free(codes);
    return grp_fail(r, e, "out of memory");
  }
  /* a pair seen for the first time is a new distinct value of its group */
  uint8_t *seen = calloc(pairs ? (size_t)pairs : 1, 1);
  if (!seen) {
    free(codes);
    return grp_fail(r, e, "out of memory");
  }
  for (int64_t i = 0; i < g->nrow; i++) {
    if (modu_col_isna(x, i) || seen[codes[i]]) continue;
    seen[codes[i]] = 1;
    cnt[g->gid[i]]++;
  }
  free(seen);
  free(codes);
  return r;
}

static bool grp_numeric(const modu_column *c) {
  return c->type == MODU_INT || c->type == MODU_FLOAT || c->type == MODU_BOOL;
}

modu_column *modu_agg(modu_agg_kind kind, modu_groups *g, const modu_column *x, const modu_column *y, double p,
                      modu_err *e) {
  static const char *const names[] = {"count", "n_distinct", "sum", "mean", "min", "max", "median", "var",
                                      "sd", "first", "last", "any", "all", "quantile", "cor"};
  if (kind == MODU_AGG_COUNT) return grp_count(g, e);
  /* lazy groups: sum and mean read the key's codes; the rest needs gid */
  if (kind != MODU_AGG_SUM && kind != MODU_AGG_MEAN && modu_groups_gid(g, e)) return NULL;
  bool need_num = kind == MODU_AGG_SUM || kind == MODU_AGG_MEAN || kind == MODU_AGG_MEDIAN ||
                  kind == MODU_AGG_VAR || kind == MODU_AGG_SD || kind == MODU_AGG_QUANTILE || kind == MODU_AGG_COR;
  if (need_num && (!grp_numeric(x) || (y && !grp_numeric(y)))) {
    modu_errf(e, "%s needs a numeric column, got %s", names[kind],
              modu_type_name(grp_numeric(x) ? y->type : x->type));
    return NULL;
  }
  if ((kind == MODU_AGG_ANY || kind == MODU_AGG_ALL) && x->type != MODU_BOOL) {
    modu_errf(e, "%s needs a bool column, got %s", names[kind], modu_type_name(x->type));
    return NULL;
  }
  if (kind == MODU_AGG_QUANTILE && !(p >= 0 && p <= 1)) {
    modu_errf(e, "quantile: p must be between 0 and 1, got %g", p);
    return NULL;
  }
  switch (kind) {
    case MODU_AGG_N_DISTINCT: return grp_n_distinct(g, x, e);
    case MODU_AGG_SUM: return grp_sum(g, x, false, e);
    case MODU_AGG_MEAN: return grp_sum(g, x, true, e);
    case MODU_AGG_VAR: return grp_var(g, x, false, e);
    case MODU_AGG_SD: return grp_var(g, x, true, e);
    case MODU_AGG_MEDIAN: return grp_quantile(g, x, 0.5, e);
    case MODU_AGG_QUANTILE: return grp_quantile(g, x, p, e);
    case MODU_AGG_COR: return grp_cor(g, x, y, e);
    case MODU_AGG_ANY:
    case MODU_AGG_ALL: return grp_bool(kind, g, x, e);
    default: return grp_pick(kind, g, x, e);
  }
}

/* ---- the k largest (or smallest) rows of each group ----
 * Each row's value becomes an unsigned key where larger is better (the order
 * reversed for the smallest); NA and NaN are missing and only fill a group
 * that has fewer than k values. One pass keeps each group's best k in a
 * small sorted buffer; a second pass, only when a tie at the k-th value was
 * seen, adds the rows tied with it. */

typedef struct grp_top {
  uint64_t key;
  int64_t row;
} grp_top;

/* false for a missing value (NA or NaN) */
static bool grp_order_key(const modu_column *x, const int32_t *rank, int64_t i, bool smallest, uint64_t *key) {
  if (modu_col_isna(x, i)) return false;
  uint64_t k;
  switch (x->type) {
    case MODU_INT: k = (uint64_t)MODU_I64(x)[i] ^ (UINT64_C(1) << 63); break;
    case MODU_FLOAT: {
      double v = MODU_F64(x)[i];
      if (isnan(v)) return false;
      if (v == 0) v = 0; /* -0.0 ties with 0.0 */
      memcpy(&k, &v, sizeof k);
      k = k >> 63 ? ~k : k | (UINT64_C(1) << 63);
      break;
    }
    case MODU_STR: k = (uint64_t)rank[MODU_I32(x)[i]]; break;
    case MODU_DATE: k = (uint64_t)((int64_t)MODU_I32(x)[i] + INT32_MAX + 1); break;
    default: k = MODU_U8(x)[i];
  }
  *key = smallest ? ~k : k;
  return true;
}

static int grp_cmp_top(const void *a, const void *b) {
  const grp_top *x = a, *y = b;
  if (x->key != y->key) return x->key > y->key ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

/* large k: each group's values sorted (through the CSR lists); out holds up to
 * n rows, group after group; *nout the count */
static int grp_top_sorted(modu_groups *g, const modu_column *x, const int32_t *rank, int64_t k, bool smallest,
                          bool with_ties, int64_t *out, int64_t *nout, modu_err *e) {
  if (modu_groups_csr(g, e)) return -1;
  int64_t big = 0, at = 0;
  for (int64_t c = 0; c < g->ngroups; c++)
    if (g->off[c + 1] - g->off[c] > big) big = g->off[c + 1] - g->off[c];
  grp_top *t = malloc((big ? (size_t)big : 1) * sizeof *t);
  if (!t) return modu_errf(e, "out of memory");
  for (int64_t c = 0; c < g->ngroups; c++) {
    int64_t m = 0;
    for (int64_t j = g->off[c]; j < g->off[c + 1]; j++)
      if (grp_order_key(x, rank, g->rows[j], smallest, &t[m].key)) t[m++].row = g->rows[j];
    qsort(t, (size_t)m, sizeof *t, grp_cmp_top);
    int64_t take = m < k ? m : k;
    while (with_ties && take > 0 && take < m && t[take].key == t[take - 1].key) take++;
    for (int64_t j = 0; j < take; j++) out[at++] = t[j].row;
    for (int64_t j = g->off[c]; j < g->off[c + 1] && take < k; j++) {
      uint64_t key;
      if (!grp_order_key(x, rank, g->rows[j], smallest, &key)) out[at++] = g->rows[j], take++;
    }
  }
  free(t);
  *nout = at;
  return 0;
}

/* small k: one pass keeps each group's best in a sorted buffer of
 * min(k, group size) slots; ties at the k-th value are noted as they happen
 * (a row turned away, or pushed out, with the value that ends up k-th), and
 * only then does a second pass look for the tied rows left out */
static int grp_top_buffered(modu_groups *g, const modu_column *x, const int32_t *rank, int64_t k, bool smallest,
                            bool with_ties, int64_t *out, int64_t *nout, modu_err *e) {
  int64_t ng = g->ngroups, n = g->nrow;
  size_t gsz = ng ? (size_t)ng : 1;
  int64_t *boff = calloc(gsz + 1, sizeof *boff); /* group c's buffer: buf[boff[c] .. boff[c+1]) */
  int64_t *cnt = calloc(gsz, sizeof *cnt);
  int64_t *missing = calloc(gsz, sizeof *missing);
  int64_t *start = malloc((gsz + 1) * sizeof *start);
  uint8_t *tie = calloc(gsz, 1);
  grp_top *buf = NULL;
  int rc = -1;
  if (!boff || !cnt || !missing || !start || !tie) {
    modu_errf(e, "out of memory");
    goto done;
  }
  for (int64_t i = 0; i < n; i++) boff[g->gid[i] + 1]++;
  for (int64_t c = 0; c < ng; c++) boff[c + 1] = boff[c] + (boff[c + 1] < k ? boff[c + 1] : k);
  if (!(buf = malloc((boff[ng] ? (size_t)boff[ng] : 1) * sizeof *buf))) {
    modu_errf(e, "out of memory");
    goto done;
  }
  bool any_tie = false, any_missing = false;
  for (int64_t i = 0; i < n; i++) {
    int32_t c = g->gid[i];
    uint64_t key;
    if (!grp_order_key(x, rank, i, smallest, &key)) {
      missing[c]++;
      any_missing = true;
      continue;
    }
    grp_top *b = buf + boff[c];
    int64_t kc = boff[c + 1] - boff[c], m = cnt[c];
    if (m == kc) { /* full: only a group of k or more rows gets here */
      uint64_t last = b[kc - 1].key;
      if (key <= last) {
        if (key == last) tie[c] = 1, any_tie = true;
        continue;
      }
      m = kc - 1; /* the last one goes; it ties when the next one up has its value */
      if (m > 0 && b[m - 1].key == last) tie[c] = 1, any_tie = true;
    } else {
      cnt[c]++;
    }
    int64_t j = m; /* insertion from the end; equal values keep row order */
    while (j > 0 && b[j - 1].key < key) {
      b[j] = b[j - 1];
      j--;
    }
    b[j].key = key;
    b[j].row = i;
  }
  /* group c's rows: its best, its extra ties (counted into start), its missing */
  int64_t *eq = missing; /* reused below as "tied rows still to skip" once counted */
  for (int64_t c = 0; c < ng; c++) {
    int64_t short_by = k - cnt[c];
    start[c] = cnt[c] + (short_by < missing[c] ? short_by : missing[c]);
  }
  bool ties = with_ties && any_tie;
  if (ties) {
    for (int64_t c = 0; c < ng; c++) {
      eq[c] = 0;
      if (!tie[c]) continue;
      const grp_top *b = buf + boff[c];
      for (int64_t j = 0; j < cnt[c]; j++) eq[c] += b[j].key == b[cnt[c] - 1].key;
    }
    for (int64_t i = 0; i < n; i++) {
      int32_t c = g->gid[i];
      uint64_t key;
      if (!tie[c] || !grp_order_key(x, rank, i, smallest, &key) || key != buf[boff[c + 1] - 1].key) continue;
      if (eq[c] > 0) eq[c]--; /* the earliest tied rows are those in the buffer */
      else start[c]++, tie[c] = 2;
    }
  }
  int64_t at = 0;
  for (int64_t c = 0; c < ng; c++) {
    int64_t len = start[c];
    start[c] = at;
    at += len;
  }
  start[ng] = at;
  for (int64_t c = 0; c < ng; c++) {
    for (int64_t j = 0; j < cnt[c]; j++) out[start[c] + j] = buf[boff[c] + j].row;
    cnt[c] += start[c]; /* now where group c's next row goes */
  }
  if (ties || any_missing) {
    if (ties) /* the tied rows not yet taken: again skip those in the buffer */
      for (int64_t c = 0; c < ng; c++) {
        eq[c] = 0;
        if (tie[c] != 2) continue;
        const grp_top *b = buf + boff[c];
        int64_t m = boff[c + 1] - boff[c];
        for (int64_t j = 0; j < m; j++) eq[c] += b[j].key == b[m - 1].key;
      }
    for (int64_t i = 0; i < n; i++) {
      int32_t c = g->gid[i];
      if (cnt[c] >= start[c + 1]) continue;
      uint64_t key;
      if (!grp_order_key(x, rank, i, smallest, &key)) {
        /* missing values come after the ties, which a short group has none of */
        if (tie[c] != 2) out[cnt[c]++] = i;
      } else if (tie[c] == 2 && key == buf[boff[c + 1] - 1].key) {
        if (eq[c] > 0) eq[c]--;
        else out[cnt[c]++] = i;
      }
    }
  }
  *nout = at;
  rc = 0;
done:
  free(boff);
  free(cnt);
  free(missing);
  free(start);
  free(tie);
  free(buf);
  return rc;
}

int modu_groups_top(modu_groups *g, const modu_column *x, int64_t k, bool smallest, bool with_ties, int64_t **rows,
                    int64_t *nrows, modu_err *e) {
  *rows = NULL;
  *nrows = 0;
  if (k < 0) return modu_errf(e, "n must be 0 or more, got %lld", (long long)k);
  if (modu_groups_gid(g, e)) return -1;
  const int32_t *rank = NULL;
  if (x->type == MODU_STR && !(rank = modu_dict_ranks(x->dict))) return modu_errf(e, "out of memory");
  int64_t *out = malloc((g->nrow ? (size_t)g->nrow : 1) * sizeof *out);
  if (!out) return modu_errf(e, "out of memory");
  int rc = k == 0 ? (*nrows = 0, 0)
           : k <= 16 ? grp_top_buffered(g, x, rank, k, smallest, with_ties, out, nrows, e)
                     : grp_top_sorted(g, x, rank, k, smallest, with_ties, out, nrows, e);
  if (rc) {
    free(out);
    return -1;
  }
  *rows = out;
  return 0;
}
