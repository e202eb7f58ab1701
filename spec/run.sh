#!/usr/bin/env bash
# Runs the C tests ($BUILD/ctest/test_*) and the busted suite, then prints ONE
# closing line "N passed, M failed" summing both. Called by `make test` and
# `make asan` (which builds first and sets LUA_PATH / LUA_CPATH for $BUILD).
#   spec/run.sh [BUILD]     BUILD: build (default) or build-asan
# Environment: LUA (default lua5.4); MODU_PRELOAD, a library to LD_PRELOAD into
# the Lua interpreter only (the ASan runtime, since lua5.4 is not instrumented).
set -uo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
lua=${LUA:-lua5.4}
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- C tests: each is a standalone main whose last line is "N passed, M failed".
# A crash, a sanitizer report or a missing count line counts as one failure.
for t in "$build"/ctest/test_*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  echo "== $t"
  "$t" >"$tmp/out" 2>&1
  rc=$?
  cat "$tmp/out"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/out" | tail -n1)
  if [ -n "$line" ]; then
    read -r p _ f _ <<<"$line"
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
      echo "!! $t exited with status $rc after reporting no failure" >&2
      failed=$((failed + 1))
    fi
  else
    echo "!! $t exited with status $rc without a count line" >&2
    failed=$((failed + 1))
  fi
done

# --- busted under Lua 5.4. spec/count_handler.lua shows busted's usual output
# and writes "successes failures errors pending" to a file we read here.
busted=$(command -v busted) || { echo "busted not found (make deps)" >&2; exit 1; }
MODU_BUSTED_COUNTS="$tmp/busted" LD_PRELOAD="${MODU_PRELOAD:-}" \
  "$lua" "$busted" -o spec/count_handler.lua spec
rc=$?
echo
if [ -s "$tmp/busted" ]; then
  read -r s f e _ <"$tmp/busted"
  passed=$((passed + s))
  failed=$((failed + f + e))
  # e.g. a leak or other sanitizer report at interpreter exit, after the counts
  if [ "$rc" -ne 0 ] && [ $((f + e)) -eq 0 ]; then
    echo "!! busted exited with status $rc after reporting no failure" >&2
    failed=$((failed + 1))
  fi
else
  echo "!! busted exited with status $rc before reporting its counts" >&2
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
