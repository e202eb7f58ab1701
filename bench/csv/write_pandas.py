# pandas DataFrame.to_csv of the benchmark file's frame (one thread); the file
# is read first (untimed) and the peak-RSS mark reset after.
#   python3 bench/csv/write_pandas.py FILE OUT
import sys
import time

import pandas as pd


def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


df = pd.read_csv(sys.argv[1])
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
base = status_kib("VmRSS")
w0, c0 = time.perf_counter(), time.process_time()
df.to_csv(sys.argv[2], index=False)
wall, cpu = time.perf_counter() - w0, time.process_time() - c0
print("wall=%.6f cpu=%.6f rows=%d hwm_kib=%d base_kib=%d version=pandas_%s"
      % (wall, cpu, len(df), status_kib("VmHWM"), base, pd.__version__))
