/* fuzz_csv: the CSV reader over arbitrary bytes, with reader options taken
 * from the first byte: a frame with consistent columns, or a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t flags = data[0];
  modu_csv_opts o;
  modu_csv_opts_default(&o);
  static const char seps[] = {0, ',', ';', '\t'};
  o.sep = seps[flags & 3];
  o.header = !(flags & 4);
  o.trim = flags & 8;
  o.ragged_pad = flags & 16;
  o.invalid_replace = flags & 32;
  if (flags & 64) {
    o.decimal = ',';
    o.thousands = '.';
  }
  if (flags & 128) o.comment = '#';
  static const char *const na[] = {"NA", ""};
  o.na = na;
  o.nna = 2;
  modu_err e;
  e.msg[0] = '\0';
  modu_csv *r = modu_csv_open_mem((const char *)data + 1, size - 1, "fuzz.csv", &o, &e);
  if (!r) {
    FZ_CHECK(e.msg[0] != '\0');
    return 0;
  }
  modu_frame *f = modu_csv_read(r, &e);
  if (f) {
    for (int k = 0; k < f->ncol; k++) {
      FZ_CHECK(f->cols[k]->len == f->nrow);
      if (f->cols[k]->type == MODU_STR) {
        const modu_dict *d = f->cols[k]->dict;
        for (int32_t c = 0; c < d->n; c++) {
          size_t len;
          const char *s = modu_dict_str(d, c, &len);
          FZ_CHECK(modu_utf8_valid(s, len, NULL));
        }
      }
    }
    modu_frame_free(f);
  } else {
    FZ_CHECK(e.msg[0] != '\0');
  }
  modu_csv_close(r);
  return 0;
}
