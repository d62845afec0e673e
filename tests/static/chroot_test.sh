#!/usr/bin/env bash
# Usage: chroot_test.sh LAMBDA_EMULATOR LAMBDA_RELAY
# Runs the static lambda-relay as the only extension, chrooted into an otherwise empty directory
# (just /opt/extensions/lambda-relay, /etc/hosts and /etc/resolv.conf), under lambda-emulator with
# AWS_LAMBDA_RUNTIME_API=localhost:PORT, so the name goes through c-ares and the chroot's /etc/hosts.
# Exits 77 (skipped) when not root: chroot(2) needs it.
set -euo pipefail
emulator=$1
relay=$2

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: chroot needs root"
  exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 is needed to read the emulator's JSON"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/opt/extensions" "$root/etc"
install -m 0755 "$relay" "$root/opt/extensions/lambda-relay"
# As on Amazon Linux: localhost is IPv4 only.
cat >"$root/etc/hosts" <<'HOSTS'
127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4
::1         localhost6 localhost6.localdomain6
HOSTS
# Only reached if /etc/hosts did not answer; 127.0.0.1:53 refuses at once instead of timing out.
cat >"$root/etc/resolv.conf" <<'RESOLV'
nameserver 127.0.0.1
options timeout:1 attempts:1
RESOLV
echo "chroot contents:"
(cd "$root" && find . -mindepth 1 | sort | sed 's/^/  /')

status=0
"$emulator" --sandbox-root "$root" --runtime-api-host localhost --invokes 3 \
  --json "$work/out.json" --quiet >"$work/emulator.log" 2>&1 || status=$?
echo "lambda-emulator exited with $status; its output:"
sed 's/^/  /' "$work/emulator.log"
if [ ! -s "$work/out.json" ]; then
  echo "FAIL: lambda-emulator wrote no JSON report"
  exit 1
fi

python3 - "$work/out.json" <<'PY'
import json
import sys

with open(sys.argv[1]) as f:
    report = json.load(f)

failures = []
def check(condition, message):
    if not condition:
        failures.append(message)

extensions = [e for e in report.get("extensions", []) if e.get("name") == "lambda-relay"]
check(len(extensions) == 1, f"expected one lambda-relay extension, got {len(extensions)}")
for ext in extensions:
    check(ext.get("register_ms") is not None, "lambda-relay did not register (register_ms is null)")
    check(ext.get("ready_ms") is not None, "lambda-relay never became ready (ready_ms is null)")
    check(ext.get("init_error") is None, f"lambda-relay reported init_error {ext.get('init_error')}")
    check(ext.get("exit_code") == 0, f"lambda-relay exit_code is {ext.get('exit_code')} "
                                     f"(exit_signal {ext.get('exit_signal')})")
    check(ext.get("missed_shutdown_deadline") is False,
          f"missed_shutdown_deadline is {ext.get('missed_shutdown_deadline')}")

invokes = report.get("invokes", [])
check(len(invokes) == 3, f"expected 3 invokes, got {len(invokes)}")
for i, invoke in enumerate(invokes):
    check(invoke.get("status") == "success",
          f"invoke {i} status {invoke.get('status')} (error_type {invoke.get('error_type')})")

print("extensions:", json.dumps(report.get("extensions"), indent=2))
print("invokes:", [(i.get("status"), i.get("duration_ms")) for i in invokes])
if report.get("violations"):
    print("violations:", report["violations"])
if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("OK: static lambda-relay registered, served 3 invokes and shut down cleanly in an empty chroot")
PY
