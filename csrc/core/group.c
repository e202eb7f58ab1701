/* Group ids by key columns (dense maps where the key range allows, hashing
 * otherwise) and the per-group aggregate kernels. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"

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

/* numbers per-row keys in order of first appearance: the pairs (a[i], b[i]) as
 * a[i] * cb + b[i], or (a NULL) the ready keys k[i] in [0, card); a dense table
 * when the key range is small, hashing otherwise. out may alias a. */
static int grp_combine(const int32_t *a, const int64_t *k, int64_t card, const int32_t *b, int64_t cb, int64_t n,
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
  free(g->gid);
  free(g->first);
  free(g->off);
  free(g->rows);
  free(g);
}

static int grp_firsts(modu_groups *g) {
  free(g->first);
  g->first = malloc((g->ngroups ? (size_t)g->ngroups : 1) * sizeof *g->first);
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
  int64_t *comp = malloc(sz * sizeof *comp);
  int32_t *tmp = malloc(sz * sizeof *tmp);
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
  g->gid = malloc((nrow ? (size_t)nrow : 1) * sizeof *g->gid);
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

int modu_groups_csr(modu_groups *g, modu_err *e) {
  if (g->off) return 0;
  g->off = calloc((size_t)g->ngroups + 1, sizeof *g->off);
  g->rows = malloc((g->nrow ? (size_t)g->nrow : 1) * sizeof *g->rows);
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
  for (int64_t i = 0; i < g->nrow; i++) g->gid[i] = newid[g->gid[i]];
  free(g->off);
  free(g->rows);
  g->off = g->rows = NULL;
  rc = grp_firsts(g) ? modu_errf(e, "out of memory") : 0;
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

static modu_column *grp_sum(modu_groups *g, const modu_column *x, bool mean, modu_err *e) {
  int64_t ng = g->ngroups;
  modu_type rt = mean || x->type == MODU_FLOAT ? MODU_FLOAT : MODU_INT;
  modu_column *r = modu_col_new(rt, ng, NULL);
  int64_t *cnt = calloc(ng ? (size_t)ng : 1, sizeof *cnt);
  double *comp = rt == MODU_FLOAT ? calloc(ng ? (size_t)ng : 1, sizeof *comp) : NULL;
  if (!r || !cnt || (rt == MODU_FLOAT && !comp)) {
    free(cnt);
    free(comp);
    return grp_fail(r, e, "out of memory");
  }
  memset(r->data, 0, (size_t)ng * 8);
  const int32_t *gid = g->gid;
  if (rt == MODU_INT) {
    int64_t *acc = MODU_I64(r);
    for (int64_t i = 0; i < g->nrow; i++) {
      if (modu_col_isna(x, i)) continue;
      int64_t v = x->type == MODU_INT ? MODU_I64(x)[i] : MODU_U8(x)[i];
      if (__builtin_add_overflow(acc[gid[i]], v, &acc[gid[i]])) {
        free(cnt);
        free(comp);
        modu_errf(e, "sum overflows int64 in a group (cast the column to float)");
        return grp_fail(r, e, NULL);
      }
    }
  } else {
    double *acc = MODU_F64(r);
    bool has_na = x->valid != NULL;
    for (int64_t i = 0; i < g->nrow; i++) {
      if (has_na && modu_col_isna(x, i)) continue;
      int32_t k = gid[i];
      double v = grp_num(x, i), s = acc[k], t = s + v;
      comp[k] += fabs(s) >= fabs(v) ? (s - t) + v : (v - t) + s; /* Neumaier */
      acc[k] = t;
      cnt[k]++;
    }
    for (int64_t k = 0; k < ng; k++) {
      /* past inf the correction is inf - inf = NaN: keep what IEEE summation gives */
      if (isfinite(acc[k])) acc[k] += comp[k];
      if (mean) acc[k] = cnt[k] ? acc[k] / (double)cnt[k] : 0;
    }
    if (mean && grp_set_na_where(r, cnt, 1)) {
      free(cnt);
      free(comp);
      return grp_fail(r, e, "out of memory");
    }
  }
  free(cnt);
  free(comp);
  return r;
}

/* var (or sd) by two passes: the group means first, then squared deviations */
static modu_column *grp_var(modu_groups *g, const modu_column *x, bool sd, modu_err *e) {
  modu_column *mean = grp_sum(g, x, true, e);
  if (!mean) return NULL;
  int64_t ng = g->ngroups;
  modu_column *r = modu_col_new(MODU_FLOAT, ng, NULL);
  int64_t *cnt = calloc(ng ? (size_t)ng : 1, sizeof *cnt);
  if (!r || !cnt) {
    free(cnt);
    modu_col_unref(mean);
    return grp_fail(r, e, "out of memory");
  }
  double *acc = MODU_F64(r), *m = MODU_F64(mean);
  memset(acc, 0, (size_t)ng * sizeof *acc);
  for (int64_t i = 0; i < g->nrow; i++) {
    if (modu_col_isna(x, i)) continue;
    int32_t k = g->gid[i];
    double d = grp_num(x, i) - m[k];
    acc[k] += d * d;
    cnt[k]++;
  }
  for (int64_t k = 0; k < ng; k++) {
    acc[k] = cnt[k] > 1 ? acc[k] / (double)(cnt[k] - 1) : 0;
    if (sd) acc[k] = sqrt(acc[k]);
  }
  int fail = grp_set_na_where(r, cnt, 2);
  free(cnt);
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
  int64_t *cnt = MODU_I64(r);
  memset(cnt, 0, (size_t)g->ngroups * sizeof *cnt);
  for (int64_t i = 0; i < g->nrow; i++) cnt[g->gid[i]]++;
  return r;
}

static modu_column *grp_n_distinct(modu_groups *g, const modu_column *x, modu_err *e) {
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
