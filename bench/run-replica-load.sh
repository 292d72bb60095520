#!/usr/bin/env bash
# Quote load against one process and against two answering (a leader and one read replica,
# `tokenflow serve --follow`) from one driver: the driver's connections go round-robin over the targets.
# Writes bench/results/replica-load.txt (one line per run, the driver's summary) and the runs' JSON under
# bench/results/tmp/replica-load/.
#
# On a machine with few cores (this project's has 2, shared by the driver and the servers) this shows the
# replica's overhead, not its gain: two server JVMs compete for the same cores. The gain of replicas is
# capacity on separate machines, which a one-machine benchmark cannot show.
#
# Settings (environment): WARMUP_S (5), MEASURE_S (15), ROUNDS (2), LEVELS ("2x32 2x1": connections x calls
# in flight per connection; use an even number of connections so both targets get the same share),
# QUIET_WAIT_S (20), SKIP_BUILD (set: do not build first).
set -euo pipefail
cd "$(dirname "$0")/.."

warmup=${WARMUP_S:-5}
measure=${MEASURE_S:-15}
rounds=${ROUNDS:-2}
levels=${LEVELS:-2x32 2x1}
quiet_wait=${QUIET_WAIT_S:-20}
out=bench/results
tmp=$out/tmp/replica-load
startup_limit_s=180

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_listening() { # NAME PID LOG: prints the port
  local name=$1 pid=$2 log=$3 port=""
  for _ in $(seq $((startup_limit_s * 10))); do
    port=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$log" 2>/dev/null | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && { echo "$port"; return 0; }
    kill -0 "$pid" 2>/dev/null || { echo "$name exited before listening:" >&2; cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "$name not listening after ${startup_limit_s} s:" >&2
  cat "$log" >&2
  return 1
}

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building..." >&2
  mvn -B -q -DskipTests install
fi
(cd bench && mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt)
cp="bench/target/classes:$(cat bench/target/cp.txt)"
rm -rf "$tmp"
mkdir -p "$tmp"

./tokenflow serve --port 0 --metrics-port -1 >"$tmp/leader.log" 2>&1 &
leader_pid=$!
pids+=("$leader_pid")
leader_port=$(wait_listening leader "$leader_pid" "$tmp/leader.log")
./tokenflow serve --follow "127.0.0.1:$leader_port" --port 0 --metrics-port -1 >"$tmp/replica.log" 2>&1 &
replica_pid=$!
pids+=("$replica_pid")
replica_port=$(wait_listening replica "$replica_pid" "$tmp/replica.log")
echo "leader: pid $leader_pid on 127.0.0.1:$leader_port; replica: pid $replica_pid on 127.0.0.1:$replica_port" >&2

probe=$(java -cp "$cp" io.tokenflow.bench.load.OracleProbe --target "127.0.0.1:$leader_port" \
  --requests-out "$tmp/requests.tsv" --response-out "$tmp/quote-response.bin")
echo "$probe" >&2
# the replica must answer (its first version adopted) before it is driven
for try in $(seq 30); do
  java -cp "$cp" io.tokenflow.bench.load.OracleProbe --target "127.0.0.1:$replica_port" \
    --requests-out "$tmp/requests-replica.tsv" --response-out "$tmp/quote-response-replica.bin" >/dev/null 2>&1 && break
  [ "$try" = 30 ] && { echo "the replica has no version after 30 tries:" >&2; cat "$tmp/replica.log" >&2; exit 1; }
  sleep 1
done

summary="$tmp/summary.txt"
: >"$summary"
drive() { # ROUND LABEL TARGETS PIDS CHANNELS INFLIGHT
  local round=$1 label=$2 targets=$3 spids=$4 ch=$5 inf=$6
  timeout $((warmup + measure + quiet_wait + 60)) java -cp "$cp" io.tokenflow.bench.load.LoadDriver --label "$label" \
    --service oracle --target "$targets" --server-pid "$spids" --requests "$tmp/requests.tsv" \
    --channels "$ch" --in-flight "$inf" --warmup-s "$warmup" --measure-s "$measure" --quiet-wait-s "$quiet_wait" \
    --json "$tmp/run-${ch}x${inf}-${round}-${label}.json" | tee -a "$summary" \
    || echo "$label ${ch}x${inf}: the driver exited with status $?" | tee -a "$summary" >&2
}

for level in $levels; do
  ch=${level%x*}
  inf=${level#*x}
  for round in $(seq "$rounds"); do
    drive "$round" 1-process "127.0.0.1:$leader_port" "$leader_pid" "$ch" "$inf"
    drive "$round" 2-processes "127.0.0.1:$leader_port,127.0.0.1:$replica_port" "$leader_pid,$replica_pid" "$ch" "$inf"
  done
done

cleanup
pids=()

{
  echo "# TokenFlow Oracle: Quote load, 1 process (leader) vs 2 processes (leader + read replica) answering, one driver"
  echo "# date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "# command: WARMUP_S=$warmup MEASURE_S=$measure ROUNDS=$rounds LEVELS='$levels' bench/run-replica-load.sh"
  echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo '+local changes')"
  echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//' || echo unknown cpu)); the servers and the driver share them"
  echo "# jvm: $(java -version 2>&1 | head -1)"
  echo "# servers: ./tokenflow serve --port 0 --metrics-port -1 (leader, five-node) and ./tokenflow serve --follow 127.0.0.1:LEADER --port 0 --metrics-port -1 (replica)"
  echo "# driver: closed loop, connections round-robin over the targets (2-processes: half to each), every origin x class Quote; server cores are the sum over the processes driven"
  echo "# $probe"
  echo "# NOTE: on $(nproc) cores shared by everything this measures the overhead of a second server JVM, not the gain of a"
  echo "#       replica (which is capacity on another machine); no re-clears run during these runs."
  echo
  cat "$summary"
} >"$out/replica-load.txt"
echo "wrote $out/replica-load.txt" >&2
