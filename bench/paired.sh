#!/bin/bash
# Paired timings of the exact engine against PyTorch fp64 on the CPU (issue 14), so anyone can rerun them:
#   mvn -B -q -Pbench package -DskipTests && bench/paired.sh [PAIRS] > bench/results-$(date +%F).txt
# For each size (n = 2048, d = 64 and n = 4096, d = 8) and thread count (1, 2):
#   in-engine: ExactPaired (the engine call, forward + loss + weight gradients, after warm-up) against
#              bench/torch_inprocess.py (the same step by autograd), medians of REPS repetitions each;
#   whole process: `ropecheck compute --engine exact --fields attention,loss,gradWQ,gradWK,gradWV` on a
#              JSON instance against examples/torch_rope_candidate.py on the same file (read, compute, write),
#              PAIRS runs alternating A/B, medians of wall time and of user+system CPU time.
# Every block starts with `uptime`: on a shared machine compare CPU times, and the ratios of a pair.
# PyTorch: /usr/bin/python3 (torch 1.13); its BLAS is the libblas.so.3 alternative (OpenBLAS pthread).
# JAVA_OPTS (default: --add-modules jdk.incubator.vector, the exact engine's SIMD kernels; set JAVA_OPTS= for the
# scalar kernels, which give the same results bit for bit) is passed to every measured java run.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_OPTS=${JAVA_OPTS---add-modules jdk.incubator.vector}
PAIRS=${1:-3}
REPS=${REPS:-5}
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
JAR=$TMP/ropecheck.jar
cp target/ropecheck.jar $JAR   # a rebuild during the run must not change what is measured
echo "# $(date -u +%FT%TZ) $(java -version 2>&1 | head -1); JAVA_OPTS '$JAVA_OPTS'; $($PY -c 'import torch; print("torch", torch.__version__)')"
update-alternatives --display libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 2p | sed 's/^/# blas: /' || true
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
for size in "2048 64" "4096 8"; do
  set -- $size; n=$1; d=$2
  inst=$TMP/i-$n-$d.json
  java -jar $JAR make-instance --n $n --d $d --family rope --bound 1 --seed 1 --out $inst 2>/dev/null
  for th in 1 2; do
    echo "## n=$n d=$d threads=$th  load: $(uptime | sed 's/.*load average: //')"
    java $JAVA_OPTS -XX:ActiveProcessorCount=$th -cp $JAR dev.ropecheck.bench.ExactPaired $n $d $th train $REPS | tail -1
    OMP_NUM_THREADS=$th OPENBLAS_NUM_THREADS=$th $PY bench/torch_inprocess.py $n $d $th train $REPS | tail -1
    java $JAVA_OPTS -XX:ActiveProcessorCount=$th -cp $JAR dev.ropecheck.bench.ExactPaired $n $d $th fwd $REPS | tail -1
    OMP_NUM_THREADS=$th OPENBLAS_NUM_THREADS=$th $PY bench/torch_inprocess.py $n $d $th fwd $REPS | tail -1
    : > $TMP/jw; : > $TMP/jc; : > $TMP/pw; : > $TMP/pc
    for p in $(seq 1 $PAIRS); do
      /usr/bin/time -f "%e %U %S" -o $TMP/t java $JAVA_OPTS -XX:ActiveProcessorCount=$th -jar $JAR compute --engine exact \
        --in $inst --out $TMP/r.json --threads $th --fields attention,loss,gradWQ,gradWK,gradWV 2>/dev/null
      read w u s < $TMP/t; echo $w >> $TMP/jw; echo "$u + $s" | bc >> $TMP/jc
      OMP_NUM_THREADS=$th OPENBLAS_NUM_THREADS=$th /usr/bin/time -f "%e %U %S" -o $TMP/t \
        $PY examples/torch_rope_candidate.py --in $inst --out $TMP/p.json --dtype float64
      read w u s < $TMP/t; echo $w >> $TMP/pw; echo "$u + $s" | bc >> $TMP/pc
    done
    echo "whole-process compute exact: median wall $(median < $TMP/jw) s cpu $(median < $TMP/jc) s;" \
         "torch_rope_candidate.py: median wall $(median < $TMP/pw) s cpu $(median < $TMP/pc) s ($PAIRS pairs)"
  done
done
echo "## dgemm reference  load: $(uptime | sed 's/.*load average: //')"
OPENBLAS_NUM_THREADS=1 $PY - <<'PYEOF'
import time, statistics, numpy as np
a, b = np.random.rand(2048, 64), np.random.rand(64, 2048)
a @ b
ts = []
for _ in range(15):
    t0 = time.process_time(); a @ b; ts.append(time.process_time() - t0)
m = statistics.median(ts)
print(f"numpy/OpenBLAS dgemm 2048x64x2048, 1 thread: median cpu {m*1e3:.1f} ms = {2*2048*2048*64/m/1e9:.1f} GFLOP/s")
PYEOF
