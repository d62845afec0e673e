#!/usr/bin/env bash
# The relay's figures for docs/benchmarks.md ("Relay"): ack latency p50/p99 for 1 KiB and 1 MiB OTLP
# bodies (one keep-alive connection, one request at a time), throughput on one core (16 connections,
# closed loop; again with Debian's wrk when it is installed), and lambda-relay's RSS idle and while
# relaying (VmRSS, VmHWM from /proc).
#   bench/measure_relay.sh [requests=20000]
#   RT=1 bench/measure_relay.sh    # lambda-relay and the client at real-time priority (chrt -f):
#                                  # what an idle machine would show, on a shared, loaded one
# Uses the static release lambda-relay in dev mode with its default limits, pinned to CPU 0; the
# client and the upstream sink (bench/relay_ack_bench) share CPU 1. Not part of the test suite: the
# figures are wall-clock times.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
requests=${1:-20000}
relay="$repo/build/release/src/lambda-relay"
bench="$repo/build/release/bench/relay_ack_bench"
[ -x "$relay" ] && [ -x "$bench" ] || {
  echo "build the release preset first (cmake --preset release && cmake --build build/release --target lambda-relay relay_ack_bench)"
  exit 1
}
relay_priority=() client_priority=()
if [ "${RT:-0}" = 1 ]; then relay_priority=(chrt -f 20) client_priority=(chrt -f 10); fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
memory() { awk '/^VmRSS|^VmHWM/ {printf "%s %s kB  ", $1, $2}' "/proc/$1/status"; echo; }
cpu_ms() { awk -v tick="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / tick}' "/proc/$1/stat"; }
load() { sed 's/.*load average/load average/' <<<"$(uptime)"; }

sink_port=$(free_port)
relay_port=$(free_port)
taskset -c 1 "$bench" sink "$sink_port" &
sink_pid=$!
LAMBDA_RELAY_DEV_MODE=true LAMBDA_RELAY_LOG_LEVEL=warn LAMBDA_RELAY_INGEST_PORTS=$relay_port \
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$sink_port "${relay_priority[@]}" taskset -c 0 "$relay" &
relay_pid=$!
# lambda-relay first: its final flush still has the sink to send to.
trap 'kill $relay_pid 2>/dev/null; wait $relay_pid 2>/dev/null; kill $sink_pid 2>/dev/null; wait 2>/dev/null' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$relay_port") 2>/dev/null && break
  sleep 0.05
done

priority=normal
[ "${RT:-0}" = 1 ] && priority="real-time (chrt -f)"
echo "machine: $(nproc) CPUs, $(load); priority: $priority"
echo "lambda-relay: $(stat -c %s "$relay") bytes"
echo "idle:           $(memory $relay_pid)"
client() { "${client_priority[@]}" taskset -c 1 "$bench" client "$relay_port" "$@" || echo "  (not every request was answered 200)"; }
per_request() { python3 -c "print(f'{($2 - $1) * 1000 / $3:.1f} µs')"; }
before=$(cpu_ms $relay_pid)
client 1024 "$requests" 1 200
after=$(cpu_ms $relay_pid)
echo "  lambda-relay CPU per request (ingest, ack, and the POST upstream): $(per_request "$before" "$after" $((requests + 200)))"
echo "after 1 KiB:    $(memory $relay_pid)"
client 1048576 $((requests / 40)) 1 20
echo "after 1 MiB:    $(memory $relay_pid)"
client 1024 $((requests * 5)) 16 1000
client 65536 $((requests / 4)) 16 100
echo "after relaying: $(memory $relay_pid)"
if command -v wrk >/dev/null; then  # a client that is not ours: the throughput figures do not rest on our own tool
  for connections in 1 16; do
    echo "wrk, 1 thread, $connections connection(s), 10 s, 1 KiB bodies:"
    BODY_BYTES=1024 "${client_priority[@]}" taskset -c 1 wrk -t1 -c"$connections" -d10s --latency \
      -s "$repo/bench/wrk_post_otlp.lua" "http://127.0.0.1:$relay_port/v1/traces" | sed 's/^/  /'
  done
  echo "after wrk:      $(memory $relay_pid)"
else
  echo "wrk is not installed (apt-get install wrk): throughput with wrk skipped"
fi
echo "machine: $(load)"
