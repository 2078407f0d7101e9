#!/bin/bash
# Whole-process timings of the fast engines against the exact engine (issue 14), so anyone can rerun them:
#   mvn -B -q package -DskipTests && bench/fast-vs-exact.sh [PAIRS] [N...] > bench/results-fast-$(date +%F).txt
# Workload (issue 14's): RoPE, d = 4, entries k/2^12 in [-0.5, 0.5], seed 1, eps = 1e-3; `compute` with its
# default fields (forward, loss and every gradient, gradX included since d <= 16), instance read from JSON and
# the result written. For each n: PAIRS rounds of exact, fast-lowrank, fast-fft in turn (the order rotates
# each round); medians of wall time and of user+system CPU time per engine, and the ratios exact / fast.
# Every block starts with `uptime`: on a shared machine read the CPU times and the ratios.
# JAVA_OPTS (default: --add-modules jdk.incubator.vector, the exact engine's SIMD kernels where its rotated route
# runs; this workload asks for gradX, so the exact engine takes the offset-grouped route either way) is passed to
# every measured java run.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_OPTS=${JAVA_OPTS---add-modules jdk.incubator.vector}
PAIRS=${1:-3}
shift || true
SIZES=${*:-16384 32768 65536}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
JAR=$TMP/ropecheck.jar
cp target/ropecheck.jar $JAR   # a rebuild during the run must not change what is measured
echo "# $(date -u +%FT%TZ) $(java -version 2>&1 | head -1); JAVA_OPTS '$JAVA_OPTS'; $(nproc) cores; pairs $PAIRS"
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
ENGINES=(exact fast-lowrank fast-fft)
for n in $SIZES; do
  inst=$TMP/i-$n.json
  java -jar $JAR make-instance --n $n --d 4 --family rope --bound 0.5 --seed 1 --out $inst 2>/dev/null
  echo "## n=$n d=4  instance $(du -k $inst | cut -f1) KB  load: $(uptime | sed 's/.*load average: //')"
  for e in "${ENGINES[@]}"; do : > $TMP/w-$e; : > $TMP/c-$e; done
  for p in $(seq 1 $PAIRS); do
    for k in 0 1 2; do
      e=${ENGINES[$(( (k + p - 1) % 3 ))]}
      /usr/bin/time -f "%e %U %S" -o $TMP/t java $JAVA_OPTS -jar $JAR compute --engine $e --eps 1e-3 --in $inst \
        --out $TMP/r-$e.json 2>/dev/null
      read w u s < $TMP/t; echo $w >> $TMP/w-$e; echo "$u + $s" | bc >> $TMP/c-$e
    done
  done
  for e in "${ENGINES[@]}"; do
    echo "$e: median wall $(median < $TMP/w-$e) s cpu $(median < $TMP/c-$e) s"
  done
  xw=$(median < $TMP/w-exact); xc=$(median < $TMP/c-exact)
  for e in fast-lowrank fast-fft; do
    echo "exact / $e: wall $(echo "scale=1; $xw / $(median < $TMP/w-$e)" | bc)x cpu $(echo "scale=1; $xc / $(median < $TMP/c-$e)" | bc)x"
  done
done
