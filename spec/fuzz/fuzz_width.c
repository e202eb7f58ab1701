/* fuzz_width: display width and grapheme cuts: the widest prefix that fits is
 * made of whole clusters, never wider than asked, and widths add up. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
  return 0;
}
