#!/usr/bin/env bash
# Measures what delivery adds to the function's billed time under lambda-emulator, per flush mode, as
# docs/benchmarks.md reports it: post-runtime overhead per invoke (p50, p99, max) with a healthy local
# upstream (the emulator's embedded sink), and how fresh the data is when it arrives (the sink counts,
# per invocation, how many newer invocations had started when its platform.start arrived).
#   bench/measure_delivery.sh [invokes=500] [modes="end adaptive"]
# Uses the static release build. Run it on an otherwise idle machine: the figures are wall-clock times.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
invokes=${1:-500}
modes=${2:-"end adaptive"}
emulator="$repo/build/release/emulator/lambda-emulator"
relay="$repo/build/release/src/lambda-relay"
[ -x "$emulator" ] && [ -x "$relay" ] || { echo "build the release preset first (cmake --preset release && cmake --build --preset release)"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/extensions"
cp "$relay" "$work/extensions/lambda-relay"
for mode in $modes; do
  "$emulator" --extensions-dir "$work/extensions" --invokes "$invokes" --idle-ms 2 --sink --quiet \
    --env "LAMBDA_RELAY_FLUSH=$mode" --json "$work/$mode.json" >/dev/null
done

python3 - "$work" "$modes" <<'PY'
import json, sys
work, modes = sys.argv[1], sys.argv[2].split()
def pct(values, p):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, -(-len(values) * p // 100) - 1))]
print(f"{'flush mode':<12}{'invokes':>8}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}   freshness (invocations late: count)")
for mode in modes:
    report = json.load(open(f"{work}/{mode}.json"))
    assert not report["violations"], report["violations"]
    overhead = [inv["post_runtime_ms"] for inv in report["invokes"]]
    late = report["sinks"][0]["invocations_late"] if report["sinks"] else {}
    print(f"{mode:<12}{len(overhead):>8}{pct(overhead,50):>10.3f}{pct(overhead,99):>10.3f}{max(overhead):>10.3f}   {late}")
PY
