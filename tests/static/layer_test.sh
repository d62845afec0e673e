#!/usr/bin/env bash
# Usage: layer_test.sh CMAKE LAYER_ZIP LAMBDA_EMULATOR
# The layer zip as Lambda uses it: only extensions/lambda-relay in it, executable (mode 0755 stored in
# the zip), and, unpacked as Lambda unpacks a layer into /opt, an extension the emulator runs through a
# cold start, invokes and SHUTDOWN.
set -euo pipefail
cmake=$1
zip=$2
emulator=$3
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 is needed to read the zip and the emulator's JSON"; exit 1; }

python3 - "$zip" <<'PY'
import stat, sys, zipfile
entries = {i.filename: i for i in zipfile.ZipFile(sys.argv[1]).infolist()}
print("layer entries:", sorted(entries))
assert set(entries) <= {"extensions/", "extensions/lambda-relay"} and "extensions/lambda-relay" in entries, \
    f"FAIL: the layer must hold extensions/lambda-relay and nothing else, has {sorted(entries)}"
mode = entries["extensions/lambda-relay"].external_attr >> 16
assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o755, f"FAIL: extensions/lambda-relay has mode {oct(mode)}, not 0755"
PY

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/opt"
(cd "$work/opt" && "$cmake" -E tar xf "$zip")
status=0
"$emulator" --extensions-dir "$work/opt/extensions" --invokes 3 --json "$work/out.json" --quiet >"$work/emulator.log" 2>&1 || status=$?
echo "lambda-emulator exited with $status"
[ "$status" -eq 0 ] || { sed 's/^/  /' "$work/emulator.log"; exit 1; }

python3 - "$work/out.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
relay = [e for e in report["extensions"] if e["name"] == "lambda-relay"]
assert len(relay) == 1, f"FAIL: expected one lambda-relay, got {report['extensions']}"
relay = relay[0]
assert relay["ready_ms"] is not None, "FAIL: lambda-relay from the layer never called event/next"
assert relay["exit_code"] == 0 and relay["shutdown_reason"] == "spindown", f"FAIL: {relay}"
assert not report["violations"], f"FAIL: {report['violations']}"
assert len(report["invokes"]) == 3 and all(i["status"] == "success" for i in report["invokes"]), report["invokes"]
print("OK: the layer's lambda-relay ran a cold start, 3 invokes and SHUTDOWN")
PY
