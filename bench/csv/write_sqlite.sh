#!/bin/sh
# The SQLite CLI writing the benchmark file's table as CSV (.mode csv with LF
# line ends, .once): the file is imported into a typed table first (untimed),
# then the peak-RSS mark is reset. The CLI's .timer does not survive .once, so
# `.system` runs this script again (--mark, with the CLI's pid) to read the
# wall clock and the CLI's CPU ticks before and after the SELECT.
#   sh bench/csv/write_sqlite.sh FILE OUT SCHEMA
set -eu
if [ "$1" = --mark ]; then # --mark PID WHEN
  pid=$2
  case $3 in
    start)
      echo 5 > "/proc/$pid/clear_refs"
      awk '/^VmRSS/ { printf "base_kib=%s ", $2 }' "/proc/$pid/status"
      awk -v w="$(date +%s.%N)" '{ printf "w0=%s u0=%s s0=%s\n", w, $14, $15 }' "/proc/$pid/stat" ;;
    end)
      awk -v w="$(date +%s.%N)" '{ printf "w1=%s u1=%s s1=%s ", w, $14, $15 }' "/proc/$pid/stat"
      awk '/^VmHWM/ { printf "hwm_kib=%s\n", $2 }' "/proc/$pid/status" ;;
  esac
  exit 0
fi
file=$1 out=$2 schema=$3
sqlite3 :memory: "$schema" ".import --csv --skip 1 $file x" \
  ".system sh $0 --mark \$PPID start" \
  ".headers on" ".mode csv" ".separator , \\n" ".once $out" "SELECT * FROM x" \
  ".system sh $0 --mark \$PPID end" \
  ".headers off" ".mode list" "SELECT 'rows=' || count(*) FROM x"
