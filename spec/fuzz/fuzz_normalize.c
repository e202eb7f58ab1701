/* fuzz_normalize: every normalization form and case map over arbitrary bytes:
 * invalid input is refused with a message, valid input gives valid UTF-8, and
 * NFC, NFD, NFKC and NFKD are idempotent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fn_check_idempotent(modu_text_op op, const char *once, size_t n) {
  modu_err e;
  size_t m = 0;
  char *twice = modu_text_map(op, once, n, &m, &e);
  FZ_CHECK(twice != NULL);
  FZ_CHECK(m == n && memcmp(twice, once, n) == 0);
  free(twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  bool valid = modu_utf8_valid(s, size, NULL);
  for (int op = MODU_TX_NFC; op <= MODU_TX_STRIP_MARKS; op++) {
    modu_err e;
    e.msg[0] = '\0';
    size_t n = 0;
    char *r = modu_text_map((modu_text_op)op, s, size, &n, &e);
    if (!valid) {
      FZ_CHECK(r == NULL && strstr(e.msg, "invalid UTF-8 at byte") != NULL);
      continue;
    }
    FZ_CHECK(r != NULL);
    FZ_CHECK(r[n] == '\0');
    FZ_CHECK(modu_utf8_valid(r, n, NULL));
    if (op <= MODU_TX_NFKD) fn_check_idempotent((modu_text_op)op, r, n);
    free(r);
  }
  return 0;
}
