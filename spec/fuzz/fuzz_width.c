/* fuzz_width: display width and grapheme cuts: the widest prefix that fits is
 * made of whole clusters, never wider than asked, and widths add up; and the
 * frame printer, given the input's pieces as cells cut at that width, prints
 * table lines that all measure the same with modu_text_width. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the input split at 0x00 bytes into the rows of a str column, beside an int
 * column, printed: every line but the footer has one display width */
static void fz_print_aligned(const char *s, size_t len, int max_cell) {
  int64_t nrow = 1;
  for (size_t i = 0; i < len; i++) nrow += s[i] == '\0';
  if (nrow > 64) return;
  modu_column *c = modu_col_new(MODU_STR, nrow, NULL);
  modu_column *n = modu_col_new(MODU_INT, nrow, NULL);
  modu_frame *f = modu_frame_new(2, nrow);
  FZ_CHECK(c && n && f);
  size_t at = 0;
  for (int64_t r = 0; r < nrow; r++) {
    size_t end = at;
    while (end < len && s[end] != '\0') end++;
    int32_t code = modu_dict_intern(c->dict, s + at, end - at);
    FZ_CHECK(code >= 0);
    MODU_I32(c)[r] = code;
    MODU_I64(n)[r] = r * 7919;
    at = end + 1;
  }
  /* the first piece names the text column, so headers are cut and measured too */
  size_t nlen;
  const char *name = modu_dict_str(c->dict, MODU_I32(c)[0], &nlen);
  char *cname = malloc(nlen + 1);
  FZ_CHECK(cname);
  memcpy(cname, name, nlen);
  cname[nlen] = '\0';
  FZ_CHECK(modu_frame_set(f, 0, c, cname) == 0 && modu_frame_set(f, 1, n, "n") == 0);
  free(cname);
  modu_col_unref(c);
  modu_col_unref(n);
  modu_print_opts o;
  modu_print_opts_default(&o);
  o.max_rows = 64;
  o.max_cell = max_cell;
  o.width = 1000;
  char *out = modu_format_frame(f, &o);
  FZ_CHECK(out);
  int64_t first = -1;
  for (const char *line = out; *line;) {
    const char *nl = strchr(line, '\n');
    if (!nl) break; /* the footer */
    int64_t w = modu_text_width(line, (size_t)(nl - line));
    if (first < 0) first = w;
    if (w != first) fprintf(stderr, "line measures %lld, the first %lld:\n%s\n", (long long)w, (long long)first, out);
    FZ_CHECK(w == first);
    line = nl + 1;
  }
  free(out);
  modu_frame_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  int64_t maxw = data[0] % 40;
  int amb = data[0] & 0x80 ? 2 : 1;
  const char *s = (const char *)data + 1;
  size_t len = size - 1;
  int64_t total = modu_text_width_amb(s, len, amb);
  FZ_CHECK(total >= 0 && total <= 2 * (int64_t)len + 2);
  int64_t w = -1;
  size_t cut = modu_text_fit(s, len, maxw, amb, &w);
  FZ_CHECK(cut <= len && w >= 0 && w <= maxw);
  FZ_CHECK(modu_text_width_amb(s, cut, amb) == w);
  FZ_CHECK(total <= maxw ? cut == len : cut < len);
  /* the cut is a cluster boundary: walking clusters from the start lands on it */
  size_t at = 0;
  int64_t clusters = 0, sum = 0;
  bool landed = cut == 0;
  while (at < len) {
    size_t end = modu_text_next_grapheme(s, len, at);
    FZ_CHECK(end > at && end <= len);
    sum += modu_text_width_amb(s + at, end - at, amb);
    at = end;
    clusters++;
    landed |= at == cut;
  }
  FZ_CHECK(landed);
  FZ_CHECK(sum == total);
  FZ_CHECK(clusters == modu_text_graphemes(s, len));
  fz_print_aligned(s, len, (int)maxw + 1);
  return 0;
}
