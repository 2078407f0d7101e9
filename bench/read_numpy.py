#!/usr/bin/python3
"""The comparison side of InstanceReadBench: the same instance's four n x d inputs and three d x d
weights saved as .npy files, then np.load of all of them; and json.load of the JSON instance itself.
Usage: /usr/bin/python3 bench/read_numpy.py INSTANCE.json [reps]"""
import json, os, statistics, sys, tempfile, time
import numpy as np

path = sys.argv[1]
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
t0 = time.perf_counter()
with open(path) as f:
    doc = json.load(f)
tj = time.perf_counter() - t0
mb = os.path.getsize(path) / 1e6
print(f"python json.load {path}: {mb:.1f} MB in {tj:.2f} s = {mb / tj:.1f} MB/s")
keys = [k for k in ("A1", "A2", "A3", "E", "WQ", "WK", "WV") if k in doc]
d = tempfile.mkdtemp()
files = []
for k in keys:
    fn = os.path.join(d, k + ".npy")
    np.save(fn, np.array([[float(x) for x in row] for row in doc[k]], dtype=np.float64))
    files.append(fn)
del doc
nbytes = sum(os.path.getsize(f) for f in files) / 1e6
ts = []
for _ in range(reps):
    t0 = time.perf_counter()
    arrays = [np.load(f) for f in files]
    ts.append(time.perf_counter() - t0)
t = statistics.median(ts)
print(f"np.load of the same arrays (.npy, {nbytes:.1f} MB binary): median {t:.3f} s (page cache warm)")
for f in files:
    os.remove(f)
os.rmdir(d)
