#!/usr/bin/env bash
# Runs the retail pricing benchmarks and writes their results to bench/results/:
#   retail-jmh.txt / retail-jmh.json   JMH: the exact leader optimum on 8x20, 13x8 and 100x200 beside a dense
#                                      grid of 2,000 equilibrium solves; on 8x2 and 6x3 beside the enumeration
#                                      of every active set
# Builds into the checkout's target folders (package, no install). Extra arguments go to JMH. About 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl bench -am package dependency:build-classpath -Dmdep.outputFile=target/cp.txt
cp="bench/target/classes:$(cat bench/target/cp.txt)"
out=bench/results
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(java -version 2>&1 | head -1)"
  echo "# command: bench/run-retail.sh $*"
  echo "# load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes may share the cores)"
} > "$out/retail-jmh.txt"
java -cp "$cp" org.openjdk.jmh.Main -rf json -rff "$out/retail-jmh.json" "$@" \
  RetailOptimumBenchmark RetailEnumerationBenchmark | tee -a "$out/retail-jmh.txt"
