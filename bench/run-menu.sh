#!/usr/bin/env bash
# Runs the tier-menu benchmarks and writes their results to bench/results/:
#   menu-jmh.txt / menu-jmh.json   JMH: the exact menu program at 5x20x3 .. 50x10000, next to the
#                                  full-grid program and (where it finishes) brute force
# Builds with `package` in the reactor (nothing is installed into ~/.m2). Extra arguments go to JMH.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl bench -am package dependency:build-classpath -Dmdep.outputFile=target/cp.txt
cp="bench/target/classes:$(cat bench/target/cp.txt)"
out=bench/results
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(java -version 2>&1 | head -1)"
  echo "# command: bench/run-menu.sh $*"
  echo "# load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes may share the cores)"
} > "$out/menu-jmh.txt"
java -cp "$cp" org.openjdk.jmh.Main -rf json -rff "$out/menu-jmh.json" "$@" \
  'io.tokenflow.bench.menu.MenuBenchmark' 'io.tokenflow.bench.menu.MenuBruteForceBenchmark' | tee -a "$out/menu-jmh.txt"
