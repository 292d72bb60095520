#!/usr/bin/env bash
# Runs the END_TO_END latency benchmarks and writes their results to bench/results/:
#   end-to-end-jmh.txt / .json   JMH: warm re-clear after one capacity change, PER_LINK (baseline) and
#                                END_TO_END, on the embedded twenty-node and on a sparse 300-node x 4 market
#   end-to-end-scaling.txt       cold clear, pricing rounds, columns generated and warm re-clear from 50 to
#                                1000 nodes, END_TO_END beside PER_LINK (a table for bench/README.md)
# Builds with `package` only (the reactor's own jars; nothing is installed). About 4 minutes on 2 cores.
# Extra arguments go to JMH (e.g. -f 0 for a quick look); SIZES="50 300" shortens the scaling table.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl bench -am package dependency:build-classpath -Dmdep.outputFile=target/cp.txt
cp="bench/target/classes:$(cat bench/target/cp.txt)"
out=bench/results
header() {
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# command: bench/run-end-to-end.sh $*"
}
header "$@" > "$out/end-to-end-jmh.txt"
java -cp "$cp" org.openjdk.jmh.Main -rf json -rff "$out/end-to-end-jmh.json" "$@" EndToEndReclearBenchmark \
  | tee -a "$out/end-to-end-jmh.txt"
{
  header "$@"
  echo "# EndToEndScaling GLOP ${SIZES:-50 100 200 300 500 1000} (-Xmx4g)"
  # shellcheck disable=SC2086
  java --enable-native-access=ALL-UNNAMED -Xmx4g -cp "$cp" io.tokenflow.bench.EndToEndScaling GLOP ${SIZES:-50 100 200 300 500 1000}
} | tee "$out/end-to-end-scaling.txt"
