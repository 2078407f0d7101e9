#!/usr/bin/python3
"""The comparison side of InstanceReadBench. For a version-1 JSON instance: the same instance's four n x d
inputs and three d x d weights saved as .npy files, then np.load of all of them; and json.load of the JSON
instance itself. For a version-2 header with its NPZ beside it (INSTANCE.npz): np.load of that NPZ with every
array read (wall and process CPU time).
Usage: /usr/bin/python3 bench/read_numpy.py INSTANCE.json [reps]"""
import json, os, statistics, sys, tempfile, time
import numpy as np

path = sys.argv[1]
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
npz = path[:-5] + ".npz" if path.endswith(".json") else None
if npz and os.path.exists(npz):
    mb = (os.path.getsize(path) + os.path.getsize(npz)) / 1e6
    ws, cs = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        with open(path) as f:
            json.load(f)
        with np.load(npz) as z:
            arrays = {k: z[k] for k in z.files}
        ws.append(time.perf_counter() - t0)
        cs.append(time.process_time() - c0)
    w, c = statistics.median(ws), statistics.median(cs)
    print(f"np.load {npz} (+ json.load of the header): {mb:.1f} MB, median wall {w:.3f} s cpu {c:.3f} s"
          f" = {mb / w:.1f} MB/s (wall), {mb / c:.1f} MB/s (cpu)")
    sys.exit(0)
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
