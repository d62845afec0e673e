#!/usr/bin/env bash
# Measures lambda-relay's lifecycle cost under lambda-emulator, as docs/benchmarks.md reports it:
# ready time (process start → first event/next), registration time, peak RSS, CPU, post-runtime
# overhead per invoke and time to exit after SHUTDOWN. Uses the static release build.
#   bench/measure_lifecycle.sh [runs=10] [invokes=100]
# Run it on an otherwise idle machine: the figures are wall-clock times.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-10}
invokes=${2:-100}
emulator="$repo/build/release/emulator/lambda-emulator"
relay="$repo/build/release/src/lambda-relay"
[ -x "$emulator" ] && [ -x "$relay" ] || { echo "build the release preset first (cmake --preset release && cmake --build --preset release)"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/extensions"
cp "$relay" "$work/extensions/lambda-relay"
for i in $(seq "$runs"); do
  "$emulator" --extensions-dir "$work/extensions" --invokes "$invokes" --idle-ms 2 --quiet --json "$work/run$i.json" >/dev/null
done

python3 - "$work" "$runs" "$relay" <<'PY'
import json, os, statistics, sys
work, runs, relay = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = {k: [] for k in ("register_ms", "ready_ms", "peak_rss_kb", "cpu_ms", "shutdown_exit_ms")}
overhead = []
for i in range(1, runs + 1):
    report = json.load(open(f"{work}/run{i}.json"))
    relay_ext = next(e for e in report["extensions"] if e["name"] == "lambda-relay")
    for k in rows:
        rows[k].append(relay_ext[k])
    overhead += [inv["post_runtime_ms"] for inv in report["invokes"]]
    assert not report["violations"], report["violations"]
def pct(values, p):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, -(-len(values) * p // 100) - 1))]
print(f"lambda-relay {os.path.getsize(relay)} bytes; {runs} runs x {len(overhead)//runs} invokes")
print(f"{'figure':<34}{'p50':>10}{'p90':>10}{'max':>10}")
for k, label in (("register_ms", "register (ms from exec)"), ("ready_ms", "ready: first event/next (ms)"),
                 ("peak_rss_kb", "peak RSS (KiB)"), ("cpu_ms", "CPU for the whole run (ms)"),
                 ("shutdown_exit_ms", "exit after SHUTDOWN (ms)")):
    v = rows[k]
    print(f"{label:<34}{pct(v,50):>10.2f}{pct(v,90):>10.2f}{max(v):>10.2f}")
print(f"{'post-runtime overhead/invoke (ms)':<34}{pct(overhead,50):>10.3f}{pct(overhead,99):>10.3f}{max(overhead):>10.3f}   (p50, p99, max)")
PY
