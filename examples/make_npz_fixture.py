"""Writes src/test/resources/npz/fixture.npz, the NPZ fixture the Java suite reads (NpzArraysTest).

Run from the repository root: python3 examples/make_npz_fixture.py
The values are chosen so that every dtype's edge cases appear: powers of two, subnormals, the
largest finite value, negative zero; the expected values are written beside them as float.hex().
"""
import numpy as np

f8 = np.array([[0.1, -2.0 ** -1074], [1e308, -0.0]], dtype=np.float64)
f4 = np.array([1.0 / 3.0, 2.0 ** -149, 3.4028234663852886e38, -1.5], dtype=np.float32)
f2 = np.array([2.0, 1024.0, 65504.0, 2.0 ** -24, -0.5, 1.0 / 3.0], dtype=np.float16)
bf = np.array([0x3F80, 0x4049, 0x0001, 0xC2F7], dtype=np.uint16)  # bfloat16 bit patterns
np.savez("src/test/resources/npz/fixture.npz", f8=f8, f4=f4, f2=f2, bf=bf, dtype=np.array("bf16"))
for name, a in (("f8", f8), ("f4", f4), ("f2", f2)):
    print(name, [float(x).hex() for x in a.ravel()])
print("bf", [float(np.array([int(b) << 16], dtype=np.uint32).view(np.float32)[0]).hex() for b in bf])
