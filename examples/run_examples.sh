#!/bin/bash
# The examples profile (mvn -B -Pexamples verify): needs python3 with numpy, and torch for the PyTorch
# example. Runs the numpy example and the PyTorch example (float32 and float64) on small instances and
# checks their results with the built jar; fails on any check that does not PASS, and on a deliberate
# bug that is not caught.
set -euo pipefail
JAR="${1:-target/ropecheck.jar}"
PY="${PYTHON:-/usr/bin/python3}"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
J() { java -jar "$JAR" "$@"; }

"$PY" examples/numpy_kernel_attention.py --dir "$W/np"
J check --instance "$W/np/i.json" --candidate "$W/np/r.npz" | tail -1
"$PY" examples/numpy_kernel_attention.py --dir "$W/npdo" --upstream dO
J check --instance "$W/npdo/i.json" --candidate "$W/npdo/r.npz" | tail -1

J make-instance --n 64 --d 16 --family rope --bound 0.5 --dtype fp32 --qkv --causal --scale '1/sqrt(d)' \
    --batch 2 --heads 2 --out "$W/i.json"
"$PY" examples/torch_kernel_attention.py --in "$W/i.json" --out "$W/r32.npz" --dtype float32
J check --instance "$W/i.json" --candidate "$W/r32.npz" --dtype fp32 | tail -1
J check --instance "$W/i.json" --candidate "$W/r32.npz" --dtype fp32 --bound first-order | tail -1
"$PY" examples/torch_kernel_attention.py --in "$W/i.json" --out "$W/r64.npz" --dtype float64
J check --instance "$W/i.json" --candidate "$W/r64.npz" | tail -1
J make-instance --n 64 --d 16 --family rope --bound 0.5 --qkv --causal --scale '1/sqrt(d)' --batch 1 --heads 2 \
    --upstream dO --out "$W/ido.json"
"$PY" examples/torch_kernel_attention.py --in "$W/ido.json" --out "$W/rdo.npz" --dtype float64
J check --instance "$W/ido.json" --candidate "$W/rdo.npz" | tail -1
for bug in NO_MASK SCALE_1_D SWAP_DK_DV; do
    "$PY" examples/torch_kernel_attention.py --in "$W/i.json" --out "$W/b.npz" --dtype float32 --bug "$bug"
    set +e
    J check --instance "$W/i.json" --candidate "$W/b.npz" --dtype fp32 > "$W/b.txt"
    rc=$?
    set -e
    if [ "$rc" -ne 1 ]; then
        echo "bug $bug was not caught (exit $rc)"; cat "$W/b.txt"; exit 1
    fi
    echo "bug $bug caught: $(grep -m1 '^(batch' "$W/b.txt")"
done
echo "examples: all checks as expected"
