#!/usr/bin/env bash
# Regenerates the reports in docs/reports/: five-node and twenty-node from their embedded scenarios (and
# five-node's transfer-aware and latency-limited variants, the paper's Figure 4), and
# five-node-live from a running oracle that is pushed a scripted series of events, so that it has a price
# history. PNG only (--no-svg): XChart SVGs keep text as outlines and would add megabytes to the
# repository; run the same commands without --no-svg for vector figures.
# Run from the repository root: bash docs/reports/make-reports.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

./tokenflow report five-node --no-svg --out docs/reports/five-node
./tokenflow report twenty-node --no-svg --out docs/reports/twenty-node
./tokenflow report five-node --bandwidth transfer-aware --no-svg --out docs/reports/five-node-transfer-aware
./tokenflow report five-node --max-latency chat=15 --max-latency code=20 --no-svg --out docs/reports/five-node-latency

port=50077
log=$(mktemp)
./tokenflow serve --port "$port" --metrics-port -1 > "$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 120); do
  grep -q "listening on" "$log" && break
  sleep 0.5
done
target="127.0.0.1:$port"
update() { ./tokenflow update --target "$target" "$@"; sleep 1; }
update --capacity dallas/image=120000                # a provider loses half its image GPUs
update --electricity seattle=0.09                    # a price spike in the Pacific Northwest (0.052)
update --link silicon-valley:seattle=5               # the congested link (10 Gbps) is cut back
update --demand ashburn/image=250000                 # an east-coast image burst (157,185 before)
update --capacity dallas/image=240000                # the GPUs come back
update --link silicon-valley:seattle=20              # and the link is upgraded
./tokenflow report --target "$target" --no-svg --out docs/reports/five-node-live --history-class image \
  --history-class chat --history-class batch
