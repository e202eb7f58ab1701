/* test_fuzz_replay.c: runs every libFuzzer harness in spec/fuzz over its
 * committed corpus (spec/fuzz/corpus/NAME), so `make test` replays them. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* each harness defines LLVMFuzzerTestOneInput: give each its own name */
#define LLVMFuzzerTestOneInput fr_utf8
#include "../fuzz/fuzz_utf8.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fr_normalize
#include "../fuzz/fuzz_normalize.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fr_width
#include "../fuzz/fuzz_width.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fr_key
#include "../fuzz/fuzz_key.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fr_numparse
#include "../fuzz/fuzz_numparse.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fr_date
#include "../fuzz/fuzz_date.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fr_csv
#include "../fuzz/fuzz_csv.c"
#undef LLVMFuzzerTestOneInput

typedef int (*fr_fn)(const uint8_t *, size_t);

static const struct {
  const char *name;
  fr_fn fn;
} fr_harnesses[] = {
    {"fuzz_utf8", fr_utf8},       {"fuzz_normalize", fr_normalize}, {"fuzz_width", fr_width},
    {"fuzz_key", fr_key},         {"fuzz_numparse", fr_numparse},   {"fuzz_date", fr_date},
    {"fuzz_csv", fr_csv},
};

static uint8_t *fr_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) break;
    uint8_t *grown = realloc(buf, cap * 2);
    if (!grown) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  fclose(f);
  *len = n;
  return buf;
}

int main(void) {
  int passed = 0, failed = 0;
  for (size_t h = 0; h < sizeof fr_harnesses / sizeof fr_harnesses[0]; h++) {
    char dir[256];
    snprintf(dir, sizeof dir, "spec/fuzz/corpus/%s", fr_harnesses[h].name);
    DIR *d = opendir(dir);
    if (!d) {
      printf("FAIL %s: no corpus at %s (run from the repository root)\n", fr_harnesses[h].name, dir);
      failed++;
      continue;
    }
    int inputs = 0;
    for (struct dirent *ent; (ent = readdir(d)) != NULL;) {
      if (ent->d_name[0] == '.') continue;
      char path[600];
      snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
      size_t len = 0;
      uint8_t *data = fr_slurp(path, &len);
      if (!data) {
        printf("FAIL %s: cannot read %s\n", fr_harnesses[h].name, path);
        failed++;
        continue;
      }
      /* a property failure aborts, and spec/run.sh counts the missing tally */
      fr_harnesses[h].fn(data, len);
      free(data);
      inputs++;
    }
    closedir(d);
    if (inputs > 0) {
      passed++;
      printf("ok %s: %d inputs replayed\n", fr_harnesses[h].name, inputs);
    } else {
      printf("FAIL %s: empty corpus\n", fr_harnesses[h].name);
      failed++;
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
