/* utf8.c: strict UTF-8 validation, plus the small shared helpers every core
 * file uses: error formatting and the mapping between types and their names. */
#include "modu_core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int modu_errf(modu_err *e, const char *fmt, ...) {
  /* callers return this value directly, so a NULL buffer must be harmless */
  if (e) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
  }
  return -1;
}

static const char *const utf8_type_names[MODU_NTYPES] = {"int", "float", "str", "bool", "date"};

const char *modu_type_name(modu_type t) {
  return (unsigned)t < MODU_NTYPES ? utf8_type_names[t] : "?";
}

int modu_type_from_name(const char *s) {
  if (!s) return -1;
  for (int i = 0; i < MODU_NTYPES; i++)
    if (strcmp(s, utf8_type_names[i]) == 0) return i;
  return -1;
}

/* Length of the well-formed sequence at p (n bytes available), 0 if there is
 * none. The second-byte ranges are what make this strict: they exclude
 * overlong forms (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code
 * points above U+10FFFF (F4 90..BF); C0, C1 and F5..FF never start one. */
static size_t utf8_seq_len(const unsigned char *p, size_t n) {
  unsigned char c = p[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c < 0xC2) return 0;
  if (c < 0xE0) {
    need = 2;
  } else if (c < 0xF0) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c < 0xF5) {
    need = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (n < need || p[1] < lo || p[1] > hi) return 0;
  for (size_t k = 2; k < need; k++)
    if ((p[k] & 0xC0) != 0x80) return 0;
  return need;
}

bool modu_utf8_valid(const char *s, size_t len, size_t *bad) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    /* most text is ASCII: skip it a word at a time (memcpy keeps the load
     * free of alignment and aliasing trouble and compiles to one move) */
    while (len - i >= 8) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      if (w & UINT64_C(0x8080808080808080)) break;
      i += 8;
    }
    if (i >= len) break;
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = utf8_seq_len(p + i, len - i);
    if (k == 0) {
      if (bad) *bad = i;
      return false;
    }
    i += k;
  }
  return true;
}
