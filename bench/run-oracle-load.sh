#!/usr/bin/env bash
# Quote load benchmark: the oracle's Quote against a bare grpc-java echo measured in the same run on the
# same machine, closed loop on loopback. Writes bench/results/oracle-load.txt (table, ratios vs echo,
# pass/fail of the goals) and bench/results/oracle-load.json.
#
#   1. builds the project (mvn -B -q -DskipTests install; SKIP_BUILD=1 skips it)
#   2. starts the oracle (./tokenflow serve --port 0 --metrics-port -1) and reads the request list
#      (every origin x class) and a median-size QuoteResponse off it (OracleProbe)
#   3. starts the echo (EchoServer: same grpc, NettyServerBuilder on 127.0.0.1, directExecutor) answering
#      that recorded QuoteResponse
#   4. per concurrency level, ROUNDS times in turn: the driver against the echo, the oracle, and the
#      oracle with an UpdateCapacity every 100 ms forcing re-clears; each run WARMUP_S + MEASURE_S in a
#      fresh driver JVM that first waits (at most QUIET_WAIT_S) for the machine to be nearly idle
#      (a run during which other processes held more than 0.2 cores is run again, RETRIES times at most)
#   5. stops what it started and writes the report; the goals are judged per level on each run's best
#      round (other processes on the machine only ever slow a run down), errors on every round
#
# Settings (environment): WARMUP_S (5), MEASURE_S (15), ROUNDS (2), LEVELS ("2x32 1x1": connections x
# calls in flight per connection), UPDATE_PERIOD_MS (100), QUIET_WAIT_S (20), RETRIES (4), SCENARIO
# (unset: the server's default, five-node). With the defaults the script takes about 5 minutes after the
# build on a quiet machine, at most about 8 with every retry.
set -euo pipefail
cd "$(dirname "$0")/.."

warmup=${WARMUP_S:-5}
measure=${MEASURE_S:-15}
rounds=${ROUNDS:-2}
levels=${LEVELS:-2x32 1x1}
quiet_wait=${QUIET_WAIT_S:-20}
retries_left=${RETRIES:-4}
max_other=0.2
update_period=${UPDATE_PERIOD_MS:-100}
scenario=${SCENARIO:-}
out=bench/results
tmp=$out/tmp/oracle-load
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

# wait_listening NAME PID LOG: prints the port from the "listening on 127.0.0.1:<port>" line
wait_listening() {
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

# the oracle, exactly as an operator starts it
serve_args=(serve --port 0 --metrics-port -1)
[ -n "$scenario" ] && serve_args+=(--scenario "$scenario")
./tokenflow "${serve_args[@]}" >"$tmp/oracle.log" 2>&1 &
oracle_pid=$!
pids+=("$oracle_pid")
oracle_port=$(wait_listening oracle "$oracle_pid" "$tmp/oracle.log")
echo "oracle: pid $oracle_pid on 127.0.0.1:$oracle_port" >&2

probe=$(java -cp "$cp" io.tokenflow.bench.load.OracleProbe --target "127.0.0.1:$oracle_port" \
  --requests-out "$tmp/requests.tsv" --response-out "$tmp/quote-response.bin")
echo "$probe" >&2

# the echo baseline: same JVM flags as the ./tokenflow launcher
java --enable-native-access=ALL-UNNAMED -cp "$cp" io.tokenflow.bench.load.EchoServer --port 0 \
  --response "$tmp/quote-response.bin" >"$tmp/echo.log" 2>&1 &
echo_pid=$!
pids+=("$echo_pid")
echo_port=$(wait_listening echo "$echo_pid" "$tmp/echo.log")
echo "echo: pid $echo_pid on 127.0.0.1:$echo_port" >&2

drive_limit_s=$(awk -v w="$warmup" -v m="$measure" -v q="$quiet_wait" 'BEGIN { printf "%d", w + m + q + 60 }')
runs=()
drive() { # ROUND LABEL SERVICE PORT PID CHANNELS INFLIGHT [extra driver args]
  local round=$1 label=$2 service=$3 port=$4 pid=$5 ch=$6 inf=$7
  shift 7
  local json="$tmp/run-${ch}x${inf}-${round}-${label}.json"
  local other
  timeout "$drive_limit_s" java -cp "$cp" io.tokenflow.bench.load.LoadDriver --label "$label" --service "$service" \
    --target "127.0.0.1:$port" --server-pid "$pid" --requests "$tmp/requests.tsv" \
    --channels "$ch" --in-flight "$inf" --warmup-s "$warmup" --measure-s "$measure" --quiet-wait-s "$quiet_wait" \
    --json "$json" "$@" \
    || echo "$label ${ch}x${inf}: the driver exited with status $? (the report shows its figures if it wrote any)" >&2
  [ -f "$json" ] && runs+=("$json")
  # once the machine stayed busy for a whole wait, later runs wait only briefly (the report flags them)
  if [ -f "$json" ] && grep -q '"quiet" : false' "$json" && [ "$quiet_wait" -gt 3 ]; then
    echo "the machine is busy with other processes: later runs wait at most 3 s for quiet" >&2
    quiet_wait=3
  fi
  # other processes took cores during the measured window: run it once more (the report keeps both)
  other=$(grep -o '"other_cores" : [-0-9.]*' "$json" 2>/dev/null | awk '{ print $3 }' || true)
  if [ -n "$other" ] && [ "$retries_left" -gt 0 ] && awk -v o="$other" -v m="$max_other" 'BEGIN { exit !(o > m) }'; then
    retries_left=$((retries_left - 1))
    echo "$label ${ch}x${inf} round $round: other processes held $other cores; running it again" >&2
    drive "$round-again" "$label" "$service" "$port" "$pid" "$ch" "$inf" "$@"
  fi
  return 0
}

for level in $levels; do
  ch=${level%x*}
  inf=${level#*x}
  for round in $(seq "$rounds"); do
    drive "$round" echo echo "$echo_port" "$echo_pid" "$ch" "$inf"
    drive "$round" oracle oracle "$oracle_port" "$oracle_pid" "$ch" "$inf"
    drive "$round" oracle+updates oracle "$oracle_port" "$oracle_pid" "$ch" "$inf" \
      --updates --update-period-ms "$update_period"
  done
done

cleanup
pids=()

command="bench/run-oracle-load.sh"
[ -n "${WARMUP_S:-}" ] && command="WARMUP_S=$WARMUP_S $command"
[ -n "${MEASURE_S:-}" ] && command="MEASURE_S=$MEASURE_S $command"
[ -n "${ROUNDS:-}" ] && command="ROUNDS=$ROUNDS $command"
[ -n "${RETRIES:-}" ] && command="RETRIES=$RETRIES $command"
[ -n "${QUIET_WAIT_S:-}" ] && command="QUIET_WAIT_S=$QUIET_WAIT_S $command"
[ -n "${LEVELS:-}" ] && command="LEVELS='$LEVELS' $command"
[ -n "${UPDATE_PERIOD_MS:-}" ] && command="UPDATE_PERIOD_MS=$UPDATE_PERIOD_MS $command"
[ -n "${SCENARIO:-}" ] && command="SCENARIO=$SCENARIO $command"
java -cp "$cp" io.tokenflow.bench.load.LoadReport --txt "$out/oracle-load.txt" --json "$out/oracle-load.json" \
  --meta "date=$(date -u +%Y-%m-%dT%H:%MZ)" \
  --meta "command=$command" \
  --meta "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo '+local changes')" \
  --meta "machine=$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//' || echo unknown cpu)); server and driver share them" \
  --meta "jvm=$(java -version 2>&1 | head -1)" \
  --meta "oracle=./tokenflow ${serve_args[*]} (grpc-java netty-shaded, 127.0.0.1, directExecutor)" \
  --meta "echo=io.tokenflow.bench.load.EchoServer: tokenflow.bench.Echo/Quote answering a constant recorded QuoteResponse (same grpc, NettyServerBuilder on 127.0.0.1, directExecutor)" \
  --meta "requests=$(echo "$probe" | sed 's/^probe: //')" \
  --meta "driver=closed loop, a fresh JVM per run, async ClientCalls on NettyChannelBuilder (directExecutor), per-call deadline 5 s, latency from issue to completion in an HdrHistogram for calls issued in the measured window" \
  "${runs[@]}"
