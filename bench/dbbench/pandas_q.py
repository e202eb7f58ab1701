# The ten db-benchmark group-by questions in pandas (one thread), with the
# same record format as common.lua writes.
#   python3 bench/dbbench/pandas_q.py data.csv out.tsv
import gc
import os
import sys
import time

import numpy as np
import pandas as pd

csv, out_path = sys.argv[1], sys.argv[2]
out = open(out_path, "w")
TOOL = "pandas"
VARIANT = "pandas/1"  # one thread
WEIGHT = {"id1": 3, "id2": 5, "id3": 7, "id4": 11, "id5": 13, "id6": 17}
MOD = 997


def emit(*fields):
    out.write("\t".join(repr(float(f)) if isinstance(f, (float, np.floating)) else str(f) for f in fields) + "\n")
    out.flush()


def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


emit("info", TOOL, "version", "pandas %s, numpy %s, Python %s" % (pd.__version__, np.__version__,
                                                                  sys.version.split()[0]))
emit("threads", VARIANT, 1)
t0 = time.perf_counter()
x = pd.read_csv(csv, dtype={"id1": str, "id2": str, "id3": str, "id4": "int64", "id5": "int64", "id6": "int64",
                            "v1": "int64", "v2": "int64", "v3": "float64"})
emit("load", VARIANT, time.perf_counter() - t0, len(x))
peak = status_kib("VmHWM")


def q8():
    ans = x[["id6", "v3"]].sort_values("v3", ascending=False).groupby("id6", sort=False).head(2)
    return ans.reset_index(drop=True)


# as db-benchmark writes them: group keys come back as columns (as_index=False)
Q = [
    ("q1", ["id1"], ["v1"], lambda: x.groupby("id1", as_index=False, sort=False, observed=True).agg({"v1": "sum"})),
    ("q2", ["id1", "id2"], ["v1"],
     lambda: x.groupby(["id1", "id2"], as_index=False, sort=False, observed=True).agg({"v1": "sum"})),
    ("q3", ["id3"], ["v1", "v3"],
     lambda: x.groupby("id3", as_index=False, sort=False, observed=True).agg({"v1": "sum", "v3": "mean"})),
    ("q4", ["id4"], ["v1", "v2", "v3"],
     lambda: x.groupby("id4", as_index=False, sort=False, observed=True).agg(
         {"v1": "mean", "v2": "mean", "v3": "mean"})),
    ("q5", ["id6"], ["v1", "v2", "v3"],
     lambda: x.groupby("id6", as_index=False, sort=False, observed=True).agg(
         {"v1": "sum", "v2": "sum", "v3": "sum"})),
    ("q6", ["id4", "id5"], ["median_v3", "sd_v3"],
     lambda: x.groupby(["id4", "id5"], as_index=False, sort=False, observed=True).agg(
         median_v3=("v3", "median"), sd_v3=("v3", "std"))),
    ("q7", ["id3"], ["range_v1_v2"],
     lambda: x.groupby("id3", as_index=False, sort=False, observed=True).agg(v1=("v1", "max"), v2=("v2", "min"))
     .assign(range_v1_v2=lambda d: d["v1"] - d["v2"])[["id3", "range_v1_v2"]]),
    ("q8", ["id6"], ["v3"], q8),
    ("q9", ["id2", "id4"], ["r2"],
     lambda: x[["id2", "id4", "v1", "v2"]].groupby(["id2", "id4"], as_index=False, sort=False, observed=True)
     .apply(lambda d: pd.Series({"r2": d["v1"].corr(d["v2"]) ** 2}))),
    ("q10", ["id1", "id2", "id3", "id4", "id5", "id6"], ["v3", "count"],
     lambda: x.groupby(["id1", "id2", "id3", "id4", "id5", "id6"], as_index=False, sort=False, observed=True)
     .agg(v3=("v3", "sum"), count=("v1", "size"))),
]


def key_number(col):
    if col.dtype == object:
        # a text id's number is its digits after "id"; parse each distinct id once
        codes, uniques = pd.factorize(col)
        nums = np.array([int(u[2:]) for u in uniques], dtype=np.int64)
        return nums[codes]
    return col.to_numpy(dtype=np.int64)


def digest(q, keys, values, ans):
    s = np.zeros(len(ans), dtype=np.int64)
    for k in keys:
        s += WEIGHT[k] * key_number(ans[k])
    w = 1 + s % MOD
    emit("digest", VARIANT, q, "ngroups", len(ans))
    for v in values:
        a = ans[v].to_numpy(dtype=np.float64)
        ok = np.isfinite(a)
        emit("digest", VARIANT, q, v + ".n", int(ok.sum()))
        emit("digest", VARIANT, q, v + ".sum", float(a[ok].sum()))
        emit("digest", VARIANT, q, v + ".wsum", float((a[ok] * w[ok]).sum()))


only = os.environ.get("DBBENCH_ONLY")
for q, keys, values, fn in Q:
    if only and q not in only.split(","):
        continue
    times, cpus = [], []
    ans = None
    for run in range(2):
        ans = None
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        ans = fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    emit("time", VARIANT, q, times[0], times[1], cpus[0], cpus[1])
    peak = max(peak, status_kib("VmHWM"))
    digest(q, keys, values, ans)
    ans = None
    gc.collect()
    reset_peak()
emit("mem", TOOL, peak)
out.close()
