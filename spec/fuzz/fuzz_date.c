/* fuzz_date: dates in prose in every locale: a date found is a real day
 * (or month, or year) inside the input; no crash on anything else. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  modu_date_match d[8];
  for (int loc = MODU_LOC_AUTO; loc <= MODU_LOC_ZH; loc++) {
    modu_err e;
    e.msg[0] = '\0';
    size_t n = 0;
    if (modu_parse_dates(s, size, (modu_locale)loc, d, 8, &n, &e)) {
      FZ_CHECK(e.msg[0] != '\0');
      continue;
    }
    for (size_t k = 0; k < n && k < 8; k++) {
      FZ_CHECK(d[k].start < d[k].end && d[k].end <= size);
      if (d[k].precision != MODU_PREC_YEAR) FZ_CHECK(d[k].month >= 1 && d[k].month <= 12);
      if (d[k].precision == MODU_PREC_DAY) {
        int32_t days;
        FZ_CHECK(d[k].day >= 1 && d[k].day <= 31);
        if (d[k].has_year) FZ_CHECK(modu_date_from_ymd(d[k].year, d[k].month, d[k].day, &days));
      }
      if (d[k].month2) FZ_CHECK(d[k].month2 >= 1 && d[k].month2 <= 12);
    }
    modu_date_match one;
    if (modu_parse_date(s, size, (modu_locale)loc, &one, &e) == 0) FZ_CHECK(n > 0);
    else FZ_CHECK(e.msg[0] != '\0');
  }
  return 0;
}
