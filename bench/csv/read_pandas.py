# pandas.read_csv of the benchmark file (its C parser, one thread).
#   python3 bench/csv/read_pandas.py FILE
import sys
import time

import pandas as pd


def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


w0, c0 = time.perf_counter(), time.process_time()
df = pd.read_csv(sys.argv[1])
wall, cpu = time.perf_counter() - w0, time.process_time() - c0
print("wall=%.6f cpu=%.6f rows=%d hwm_kib=%d version=pandas_%s" % (wall, cpu, len(df), status_kib("VmHWM"), pd.__version__))
