#!/usr/bin/env bash
# Runs the client SDK benchmark and writes its results to bench/results/:
#   sdk-jmh.txt / sdk-jmh.json   JMH: local quote and route on the 20-node table (oracle served
#                                in-process), next to a HashMap lookup and a remote in-process Quote
# Extra arguments go to JMH (the defaults below keep it to about a minute and a half).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install -pl bench -am
(cd bench && mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt)
cp="bench/target/classes:$(cat bench/target/cp.txt)"
out=bench/results
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(java -version 2>&1 | head -1)"
  echo "# command: bench/run-sdk.sh $*"
  echo "# load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes may share the cores)"
} > "$out/sdk-jmh.txt"
java -cp "$cp" org.openjdk.jmh.Main -rf json -rff "$out/sdk-jmh.json" \
  -f 1 -wi 3 -i 5 -w 1s -r 1s "$@" SdkLocalTableBenchmark | tee -a "$out/sdk-jmh.txt"
