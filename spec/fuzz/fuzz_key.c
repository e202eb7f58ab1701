/* fuzz_key: match keys are idempotent and valid UTF-8 with no leading,
 * trailing or doubled spaces; similarity of the two halves stays in [0, 1]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  if (!modu_utf8_valid(s, size, NULL)) return 0;
  modu_err e;
  size_t n = 0, m = 0;
  char *k = modu_text_map(MODU_TX_KEY, s, size, &n, &e);
  FZ_CHECK(k != NULL);
  FZ_CHECK(modu_utf8_valid(k, n, NULL));
  if (n) FZ_CHECK(k[0] != ' ' && k[n - 1] != ' ');
  FZ_CHECK(strstr(k, "  ") == NULL);
  char *k2 = modu_text_map(MODU_TX_KEY, k, n, &m, &e);
  FZ_CHECK(k2 != NULL);
  FZ_CHECK(m == n && memcmp(k, k2, n) == 0);
  free(k2);
  /* split at a code point boundary near the middle */
  size_t half = n / 2;
  while (half > 0 && ((unsigned char)k[half] & 0xC0) == 0x80) half--;
  double dl = modu_text_dl_similarity(k, half, k + half, n - half);
  double tri = modu_text_trigram_similarity(k, half, k + half, n - half);
  FZ_CHECK(dl >= 0 && dl <= 1 && tri >= 0 && tri <= 1);
  FZ_CHECK(modu_text_dl_similarity(k, n, k, n) == 1.0);
  if (n < 64) {
    int64_t d1 = modu_text_dl_distance(k, half, k + half, n - half);
    int64_t d2 = modu_text_dl_distance(k + half, n - half, k, half);
    FZ_CHECK(d1 == d2);
  }
  free(k);
  return 0;
}
