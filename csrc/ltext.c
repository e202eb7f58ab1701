/* modu.text: Unicode functions on Lua strings, number and date parsing, and the
 * str methods of modu.Column (normalize, casefold, key, width, contains, ...). */
#include <stdlib.h>
#include <string.h>

#include "lmodu.h"
#include "text.h"

/* ---- argument checks ---- */

static const char *tx_check_str(lua_State *L, int idx, const char *fn, size_t *len) {
  if (lua_type(L, idx) != LUA_TSTRING)
    lm_error(L, fn, "argument %d must be a string, got %s", idx, lm_typename(L, idx));
  return lua_tolstring(L, idx, len);
}

static void tx_check_valid(lua_State *L, const char *s, size_t len, const char *fn) {
  size_t bad = 0;
  if (!modu_utf8_valid(s, len, &bad))
    lm_error(L, fn, "invalid UTF-8 at byte %zu (modu.text.sanitize replaces bad bytes with U+FFFD)", bad + 1);
}

/* argument idx as a string of valid UTF-8 */
static const char *tx_check_text(lua_State *L, int idx, const char *fn, size_t *len) {
  const char *s = tx_check_str(L, idx, fn, len);
  tx_check_valid(L, s, *len, fn);
  return s;
}

/* The options argument at idx (nil or a table whose keys are all in
 * `allowed`) as the shared readers take it: its index, or 0 for none. */
static int tx_opts(lua_State *L, int idx, const char *fn, const char *const *allowed) {
  return lm_opts(L, idx, allowed, fn);
}

static int tx_opt_ambiguous(lua_State *L, int idx, const char *fn) {
  return (int)lm_opt_int(L, lua_isnoneornil(L, idx) ? 0 : idx, "ambiguous", 1, 1, 2, fn);
}

static modu_locale tx_opt_locale(lua_State *L, int idx, const char *fn) {
  const char *name = lm_opt_str(L, lua_isnoneornil(L, idx) ? 0 : idx, "locale", NULL, fn);
  if (!name) return MODU_LOC_AUTO;
  int loc = modu_locale_from_name(name);
  if (loc < 0) lm_error(L, fn, "unknown locale '%s' (locales: " MODU_LOC_NAMES ")", name);
  return (modu_locale)loc;
}

static bool tx_opt_bool(lua_State *L, int idx, const char *name, const char *fn) {
  return lm_opt_bool(L, lua_isnoneornil(L, idx) ? 0 : idx, name, false, fn);
}

static modu_text_op tx_check_form(lua_State *L, int idx, const char *fn) {
  if (lua_isnoneornil(L, idx)) return MODU_TX_NFC;
  if (lua_type(L, idx) != LUA_TSTRING)
    lm_error(L, fn, "form must be a string (forms: " MODU_TX_FORM_NAMES "), got %s", lm_typename(L, idx));
  int f = modu_text_form_from_name(lua_tostring(L, idx));
  if (f < 0) lm_error(L, fn, "unknown form '%s' (forms: " MODU_TX_FORM_NAMES ")", lua_tostring(L, idx));
  return (modu_text_op)f;
}

/* ---- string maps ---- */

static int tx_map(lua_State *L, modu_text_op op, int sidx, const char *fn) {
  size_t len, n = 0;
  const char *s = tx_check_str(L, sidx, fn, &len);
  lm_owner *b = lm_new_owner(L); /* the result is Lua's until copied */
  modu_err e;
  char *r = b->p[0] = modu_text_map(op, s, len, &n, &e);
  if (!r) return lm_core_error(L, fn, &e);
  lua_pushlstring(L, r, n);
  free(r);
  b->p[0] = NULL;
  return 1;
}

static int tx_normalize(lua_State *L) { return tx_map(L, tx_check_form(L, 2, "normalize"), 1, "normalize"); }
static int tx_casefold(lua_State *L) { return tx_map(L, MODU_TX_CASEFOLD, 1, "casefold"); }
static int tx_lower(lua_State *L) { return tx_map(L, MODU_TX_LOWER, 1, "lower"); }
static int tx_upper(lua_State *L) { return tx_map(L, MODU_TX_UPPER, 1, "upper"); }
static int tx_strip_marks(lua_State *L) { return tx_map(L, MODU_TX_STRIP_MARKS, 1, "strip_marks"); }
static int tx_key(lua_State *L) { return tx_map(L, MODU_TX_KEY, 1, "key"); }
static int tx_sanitize(lua_State *L) { return tx_map(L, MODU_TX_SANITIZE, 1, "sanitize"); }

static const char *const tx_width_opts[] = {"ambiguous", NULL};

/* text.width(s [, { ambiguous = 1|2 }]) */
static int tx_width(lua_State *L) {
  size_t len;
  const char *s = tx_check_text(L, 1, "width", &len);
  tx_opts(L, 2, "width", tx_width_opts);
  lua_pushinteger(L, modu_text_width_amb(s, len, tx_opt_ambiguous(L, 2, "width")));
  return 1;
}

/* text.truncate(s, width [, ellipsis = "…" [, { ambiguous }]]) */
static int tx_truncate(lua_State *L) {
  const char *fn = "truncate";
  size_t len, elen = 3;
  const char *s = tx_check_text(L, 1, fn, &len);
  if (!lua_isinteger(L, 2) || lua_tointeger(L, 2) < 0)
    return lm_error(L, fn, "width must be a non-negative integer, got %s", luaL_tolstring(L, 2, NULL));
  lua_Integer maxw = lua_tointeger(L, 2);
  const char *ell = "…";
  if (!lua_isnoneornil(L, 3)) {
    ell = tx_check_str(L, 3, fn, &elen);
    tx_check_valid(L, ell, elen, fn);
  }
  tx_opts(L, 4, fn, tx_width_opts);
  int amb = tx_opt_ambiguous(L, 4, fn);
  if (modu_text_width_amb(s, len, amb) <= maxw) {
    lua_pushvalue(L, 1);
    return 1;
  }
  int64_t ew = modu_text_width_amb(ell, elen, amb);
  if (ew > maxw)
    return lm_error(L, fn, "width %lld leaves no room for the ellipsis '%s' (%lld columns); pass \"\" for none",
                    (long long)maxw, ell, (long long)ew);
  size_t cut = modu_text_fit(s, len, maxw - ew, amb, NULL);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addlstring(&b, s, cut);
  luaL_addlstring(&b, ell, elen);
  luaL_pushresult(&b);
  return 1;
}

static int tx_graphemes_next(lua_State *L) {
  size_t len;
  const char *s = lua_tolstring(L, lua_upvalueindex(1), &len);
  lua_Integer at = lua_tointeger(L, lua_upvalueindex(2));
  if ((size_t)at >= len) return 0;
  size_t end = modu_text_next_grapheme(s, len, (size_t)at);
  lua_pushinteger(L, (lua_Integer)end);
  lua_replace(L, lua_upvalueindex(2));
  lua_pushlstring(L, s + at, end - (size_t)at);
  lua_pushinteger(L, at + 1);
  lua_pushinteger(L, (lua_Integer)end);
  return 3;
}

/* for g, i, j in text.graphemes(s): each cluster with its byte span */
static int tx_graphemes(lua_State *L) {
  size_t len;
  tx_check_text(L, 1, "graphemes", &len);
  lua_settop(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, tx_graphemes_next, 2);
  return 1;
}

static int tx_count(lua_State *L, const char *fn, int64_t (*count)(const char *, size_t)) {
  size_t len;
  const char *s = tx_check_text(L, 1, fn, &len);
  lua_pushinteger(L, count(s, len));
  return 1;
}
static int tx_grapheme_count(lua_State *L) { return tx_count(L, "grapheme_count", modu_text_graphemes); }
static int tx_len(lua_State *L) { return tx_count(L, "len", modu_text_len); }

/* text.is_valid(s) -> true, or false and the first bad byte (1-based) */
static int tx_is_valid(lua_State *L) {
  size_t len, bad = 0;
  const char *s = tx_check_str(L, 1, "is_valid", &len);
  bool ok = modu_utf8_valid(s, len, &bad);
  lua_pushboolean(L, ok);
  if (ok) return 1;
  lua_pushinteger(L, (lua_Integer)bad + 1);
  return 2;
}

/* text.category(s [, i = 1]): general category of the i-th code point */
static int tx_category(lua_State *L) {
  const char *fn = "category";
  size_t len;
  const char *s = tx_check_text(L, 1, fn, &len);
  lua_Integer i = luaL_optinteger(L, 2, 1), n = modu_text_len(s, len);
  if (i < 0) i += n + 1;
  if (i < 1 || i > n)
    return lm_error(L, fn, "code point %lld is out of range (the text has %lld)", (long long)luaL_optinteger(L, 2, 1),
                    (long long)n);
  size_t at = 0;
  for (lua_Integer k = 1; k < i; k++) {
    at++;
    while (at < len && ((unsigned char)s[at] & 0xC0) == 0x80) at++;
  }
  /* decode the code point at `at` */
  const unsigned char *u = (const unsigned char *)s + at;
  int32_t cp = u[0];
  int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
  if (extra) cp &= 0x3F >> extra;
  for (int k = 1; k <= extra; k++) cp = (cp << 6) | (u[k] & 0x3F);
  lua_pushstring(L, modu_text_category(cp));
  return 1;
}

/* text.similarity(a, b [, "dl" | "trigram"]) in [0, 1], over the strings as given */
static int tx_similarity(lua_State *L) {
  const char *fn = "similarity";
  size_t al, bl;
  const char *a = tx_check_str(L, 1, fn, &al), *b = tx_check_str(L, 2, fn, &bl);
  tx_check_valid(L, a, al, fn);
  tx_check_valid(L, b, bl, fn);
  const char *method = luaL_optstring(L, 3, "dl");
  double r;
  if (strcmp(method, "dl") == 0) r = modu_text_dl_similarity(a, al, b, bl);
  else if (strcmp(method, "trigram") == 0) r = modu_text_trigram_similarity(a, al, b, bl);
  else return lm_error(L, fn, "unknown method '%s' (methods: dl, trigram)", method);
  if (r < 0) return lm_error(L, fn, "out of memory");
  lua_pushnumber(L, r);
  return 1;
}

static int tx_distance(lua_State *L) {
  size_t al, bl;
  const char *a = tx_check_str(L, 1, "distance", &al), *b = tx_check_str(L, 2, "distance", &bl);
  tx_check_valid(L, a, al, "distance");
  tx_check_valid(L, b, bl, "distance");
  int64_t d = modu_text_dl_distance(a, al, b, bl);
  if (d < 0) return lm_error(L, "distance", "out of memory");
  lua_pushinteger(L, d);
  return 1;
}

/* ---- numbers ---- */

static const char *const tx_num_opts[] = {"locale", "skip_invalid", NULL};

static void tx_push_number(lua_State *L, const modu_num *v) {
  if (v->is_int) lua_pushinteger(L, v->ival);
  else lua_pushnumber(L, v->value);
}

/* text.parse_number(s [, { locale }]) -> value, unit, start, stop (the span
 * is 1-based and inclusive, as string.find gives it) */
static int tx_parse_number(lua_State *L) {
  const char *fn = "parse_number";
  size_t len, n = 0;
  const char *s = tx_check_str(L, 1, fn, &len);
  tx_opts(L, 2, fn, tx_num_opts);
  modu_locale loc = tx_opt_locale(L, 2, fn);
  bool skip = tx_opt_bool(L, 2, "skip_invalid", fn);
  modu_num v;
  modu_err e;
  if (modu_parse_numbers(s, len, loc, skip, &v, 1, &n, &e)) return lm_core_error(L, fn, &e);
  if (n == 0) {
    return lm_error(L, fn, "no number in '%.*s%s'", len > 40 ? 40 : (int)len, s, len > 40 ? "…" : "");
  }
  tx_push_number(L, &v);
  if (v.unit) lua_pushstring(L, v.unit);
  else lua_pushnil(L);
  lua_pushinteger(L, (lua_Integer)v.start + 1);
  lua_pushinteger(L, (lua_Integer)v.end);
  return 4;
}

/* text.parse_numbers(s [, opts]) -> { { value, unit, start, stop, text }, ... } */
static int tx_parse_numbers(lua_State *L) {
  const char *fn = "parse_numbers";
  size_t len, n = 0, m = 0;
  const char *s = tx_check_str(L, 1, fn, &len);
  tx_opts(L, 2, fn, tx_num_opts);
  modu_locale loc = tx_opt_locale(L, 2, fn);
  bool skip = tx_opt_bool(L, 2, "skip_invalid", fn);
  modu_err e;
  if (modu_parse_numbers(s, len, loc, skip, NULL, 0, &n, &e)) return lm_core_error(L, fn, &e);
  modu_num *v = lm_scratch(L, n * sizeof *v);
  if (n && modu_parse_numbers(s, len, loc, skip, v, n, &m, &e)) return lm_core_error(L, fn, &e);
  lua_createtable(L, (int)n, 0);
  for (size_t k = 0; k < n; k++) {
    lua_createtable(L, 0, 5);
    tx_push_number(L, &v[k]);
    lua_setfield(L, -2, "value");
    if (v[k].unit) {
      lua_pushstring(L, v[k].unit);
      lua_setfield(L, -2, "unit");
    }
    lua_pushinteger(L, (lua_Integer)v[k].start + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)v[k].end);
    lua_setfield(L, -2, "stop");
    lua_pushlstring(L, s + v[k].start, v[k].end - v[k].start);
    lua_setfield(L, -2, "text");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

/* ---- dates ---- */

static const char *const tx_date_opts[] = {"locale", "year", NULL};
static const char *const tx_prec_names[] = {"day", "month", "year"};
static const char *const tx_prec_no_year[] = {"day_no_year", "month_no_year", "year"};

/* Pushes first day, precision, last day, and a table of the parts. Without a
 * year (and no default) the days are NA and the precision says "_no_year". */
static void tx_push_date(lua_State *L, const char *s, modu_date_match *d, bool has_default, lua_Integer dflt,
                         const char *fn) {
  if (!d->has_year && has_default) {
    d->year = dflt;
    d->year2 = dflt + (d->month2 && d->month2 < d->month);
    d->has_year = true;
  }
  if (d->has_year) {
    int m1 = d->precision == MODU_PREC_YEAR ? 1 : d->month, d1 = d->precision == MODU_PREC_DAY ? d->day : 1;
    int m2 = d->precision == MODU_PREC_YEAR ? 12 : d->month2 ? d->month2 : d->month;
    int64_t y2 = d->month2 ? d->year2 : d->year;
    int32_t a, b;
    bool ok = modu_date_from_ymd(d->year, m1, d1, &a);
    /* a month's last day is the day before the next month's first */
    if (d->precision == MODU_PREC_DAY) ok = ok && modu_date_from_ymd(y2, m2, d->day, &b);
    else if (ok && (ok = modu_date_from_ymd(m2 == 12 ? y2 + 1 : y2, m2 % 12 + 1, 1, &b))) b--;
    if (!ok) lm_error(L, fn, "no such day: year %lld, month %d, day %d", (long long)d->year, m1, d1);
    lm_push_date(L, a);
    lua_pushstring(L, tx_prec_names[d->precision]);
    lm_push_date(L, b);
  } else {
    lm_push_na(L);
    lua_pushstring(L, tx_prec_no_year[d->precision]);
    lm_push_na(L);
  }
  lua_createtable(L, 0, 8);
  if (d->has_year) {
    lua_pushinteger(L, d->year);
    lua_setfield(L, -2, "year");
  }
  if (d->month) {
    lua_pushinteger(L, d->month);
    lua_setfield(L, -2, "month");
  }
  if (d->day) {
    lua_pushinteger(L, d->day);
    lua_setfield(L, -2, "day");
  }
  if (d->month2) {
    lua_pushinteger(L, d->month2);
    lua_setfield(L, -2, "month2");
  }
  lua_pushinteger(L, (lua_Integer)d->start + 1);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, (lua_Integer)d->end);
  lua_setfield(L, -2, "stop");
  lua_pushlstring(L, s + d->start, d->end - d->start);
  lua_setfield(L, -2, "text");
}

static bool tx_opt_year(lua_State *L, int idx, const char *fn, lua_Integer *year) {
  *year = lm_opt_int(L, lua_isnoneornil(L, idx) ? 0 : idx, "year", 0, 1, 9999, fn);
  return *year != 0;
}

/* text.parse_date(s [, { locale, year }]) -> first, precision, last, parts */
static int tx_parse_date(lua_State *L) {
  const char *fn = "parse_date";
  size_t len;
  const char *s = tx_check_str(L, 1, fn, &len);
  tx_opts(L, 2, fn, tx_date_opts);
  modu_locale loc = tx_opt_locale(L, 2, fn);
  lua_Integer year = 0;
  bool has_year = tx_opt_year(L, 2, fn, &year);
  modu_date_match d;
  modu_err e;
  if (modu_parse_date(s, len, loc, &d, &e)) return lm_core_error(L, fn, &e);
  tx_push_date(L, s, &d, has_year, year, fn);
  return 4;
}

/* text.parse_dates(s [, opts]) -> { { date, precision, last, parts... }, ... } */
static int tx_parse_dates(lua_State *L) {
  const char *fn = "parse_dates";
  size_t len, n = 0, m = 0;
  const char *s = tx_check_str(L, 1, fn, &len);
  tx_opts(L, 2, fn, tx_date_opts);
  modu_locale loc = tx_opt_locale(L, 2, fn);
  lua_Integer year = 0;
  bool has_year = tx_opt_year(L, 2, fn, &year);
  modu_err e;
  if (modu_parse_dates(s, len, loc, NULL, 0, &n, &e)) return lm_core_error(L, fn, &e);
  modu_date_match *d = lm_scratch(L, n * sizeof *d);
  if (n && modu_parse_dates(s, len, loc, d, n, &m, &e)) return lm_core_error(L, fn, &e);
  lua_createtable(L, (int)n, 0);
  int list = lua_gettop(L);
  for (size_t k = 0; k < n; k++) {
    tx_push_date(L, s, &d[k], has_year, year, fn); /* first, precision, last, parts */
    lua_rotate(L, -4, 1); /* parts, first, precision, last */
    lua_setfield(L, -4, "last");
    lua_setfield(L, -3, "precision");
    lua_setfield(L, -2, "date");
    lua_rawseti(L, list, (lua_Integer)k + 1);
  }
  return 1;
}

/* ---- Column methods: one kernel call per method, per dictionary entry ---- */

static int tx_col_map(lua_State *L, modu_text_op op, const char *fn) {
  modu_column *c = lm_check_column(L, 1, fn);
  modu_err e;
  lm_push_result(L, modu_text_col_map(op, c, &e), fn, &e);
  return 1;
}

static int txc_normalize(lua_State *L) {
  modu_text_op op = tx_check_form(L, 2, "normalize");
  return tx_col_map(L, op, "normalize");
}
static int txc_casefold(lua_State *L) { return tx_col_map(L, MODU_TX_CASEFOLD, "casefold"); }
static int txc_key(lua_State *L) { return tx_col_map(L, MODU_TX_KEY, "key"); }
static int txc_strip_marks(lua_State *L) { return tx_col_map(L, MODU_TX_STRIP_MARKS, "strip_marks"); }

static int txc_width(lua_State *L) {
  modu_column *c = lm_check_column(L, 1, "width");
  tx_opts(L, 2, "width", tx_width_opts);
  int amb = tx_opt_ambiguous(L, 2, "width");
  modu_err e;
  lm_push_result(L, modu_text_col_width(c, amb, &e), "width", &e);
  return 1;
}

static const char *const tx_match_opts[] = {"fold", NULL};

static int txc_match(lua_State *L, modu_text_match how, const char *fn) {
  modu_column *c = lm_check_column(L, 1, fn);
  size_t plen;
  const char *pat = tx_check_text(L, 2, fn, &plen);
  tx_opts(L, 3, fn, tx_match_opts);
  bool fold = tx_opt_bool(L, 3, "fold", fn);
  modu_err e;
  lm_push_result(L, modu_text_col_match(c, how, pat, plen, fold, &e), fn, &e);
  return 1;
}
static int txc_contains(lua_State *L) { return txc_match(L, MODU_TX_CONTAINS, "contains"); }
static int txc_starts_with(lua_State *L) { return txc_match(L, MODU_TX_STARTS, "starts_with"); }
static int txc_ends_with(lua_State *L) { return txc_match(L, MODU_TX_ENDS, "ends_with"); }

/* col:replace(pattern, replacement): every occurrence of the plain text */
static int txc_replace(lua_State *L) {
  const char *fn = "replace";
  modu_column *c = lm_check_column(L, 1, fn);
  size_t plen, rlen;
  const char *pat = tx_check_str(L, 2, fn, &plen);
  const char *rep = tx_check_str(L, 3, fn, &rlen);
  tx_check_valid(L, pat, plen, fn);
  if (plen == 0) return lm_error(L, fn, "the pattern must not be empty");
  modu_err e;
  lm_push_result(L, modu_text_col_replace(c, pat, plen, rep, rlen, &e), fn, &e);
  return 1;
}

static const luaL_Reg tx_functions[] = {
    {"normalize", tx_normalize},
    {"casefold", tx_casefold},
    {"lower", tx_lower},
    {"upper", tx_upper},
    {"strip_marks", tx_strip_marks},
    {"key", tx_key},
    {"sanitize", tx_sanitize},
    {"width", tx_width},
    {"truncate", tx_truncate},
    {"graphemes", tx_graphemes},
    {"grapheme_count", tx_grapheme_count},
    {"len", tx_len},
    {"is_valid", tx_is_valid},
    {"category", tx_category},
    {"similarity", tx_similarity},
    {"distance", tx_distance},
    {"parse_number", tx_parse_number},
    {"parse_numbers", tx_parse_numbers},
    {"parse_date", tx_parse_date},
    {"parse_dates", tx_parse_dates},
    {NULL, NULL}};

static const luaL_Reg tx_column_methods[] = {
    {"normalize", txc_normalize}, {"casefold", txc_casefold},       {"key", txc_key},
    {"strip_marks", txc_strip_marks}, {"width", txc_width},         {"contains", txc_contains},
    {"starts_with", txc_starts_with}, {"ends_with", txc_ends_with}, {"replace", txc_replace},
    {NULL, NULL}};

void lm_open_text(lua_State *L, int mod) {
  mod = lua_absindex(L, mod);
  luaL_newlib(L, tx_functions);
  lua_setfield(L, mod, "text");
  /* the Column method table is what col_index looks methods up in */
  if (lua_getfield(L, mod, "Column") == LUA_TTABLE) luaL_setfuncs(L, tx_column_methods, 0);
  lua_pop(L, 1);
}
