#!/usr/bin/env bash
# Runs the clearing-engine benchmarks and writes their results to bench/results/:
#   engine-jmh.txt / engine-jmh.json   JMH: 20-node warm re-clear vs cold clear; 1000x8 cold, warm and
#                                      the standalone clp program on the same exported LP
#   engine-footprint.txt               peak Java heap and peak RSS of a cold + warm clear, per solver
# Needs clp on the PATH (Debian: coinor-clp). Extra arguments go to JMH (e.g. -f 0 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install
(cd bench && mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt)
cp="bench/target/classes:$(cat bench/target/cp.txt)"
out=bench/results
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(java -version 2>&1 | head -1)"
  echo "# command: bench/run-engine.sh $*"
} > "$out/engine-jmh.txt"
java -cp "$cp" org.openjdk.jmh.Main -rf json -rff "$out/engine-jmh.json" "$@" \
  TwentyNodeReclearBenchmark LargeNetworkBenchmark ClpCommandBaselineBenchmark | tee -a "$out/engine-jmh.txt"
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores; each line is a fresh JVM (-Xmx4g)"
  for solver in GLOP CLP; do
    java --enable-native-access=ALL-UNNAMED -Xmx4g -cp "$cp" io.tokenflow.bench.PeakFootprint "$solver" 1000 8
  done
} | tee "$out/engine-footprint.txt"
