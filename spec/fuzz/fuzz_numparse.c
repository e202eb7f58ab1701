/* fuzz_numparse: numbers in prose in every locale: no crash, spans inside
 * the input and in order, integers exact, and errors always explained. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  modu_num out[16];
  for (int loc = MODU_LOC_AUTO; loc <= MODU_LOC_ZH; loc++) {
    for (int skip = 0; skip < 2; skip++) {
      modu_err e;
      e.msg[0] = '\0';
      size_t n = 0;
      int rc = modu_parse_numbers(s, size, (modu_locale)loc, skip, out, 16, &n, &e);
      if (rc) {
        FZ_CHECK(e.msg[0] != '\0');
        continue;
      }
      size_t prev = 0;
      for (size_t k = 0; k < n && k < 16; k++) {
        FZ_CHECK(out[k].start < out[k].end && out[k].end <= size);
        FZ_CHECK(out[k].start >= prev);
        prev = out[k].end;
        FZ_CHECK(!isnan(out[k].value));
        if (out[k].is_int) FZ_CHECK((double)out[k].ival == out[k].value);
      }
      size_t all = 0;
      FZ_CHECK(modu_parse_numbers(s, size, (modu_locale)loc, skip, NULL, 0, &all, &e) == 0 || n == 16);
    }
  }
  return 0;
}
