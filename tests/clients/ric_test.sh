#!/usr/bin/env bash
# Real-client test: the AWS Node.js runtime interface client (npm aws-lambda-ric 3.3.0) runs as
# the function's runtime under lambda-emulator's Runtime API.
#
#   usage: tests/clients/ric_test.sh <path to lambda-emulator>
#
#   a) ric-function: 3 invokes (ok, throw, ok) -> success / error "TypeError" / success, each
#      response echoing the event and carrying awsRequestId == the invoke's request id.
#   b) ric-init-error: index.js requires a missing module at load time -> the RIC posts
#      /runtime/init/error with Lambda-Runtime-Function-Error-Type: Runtime.ImportModuleError.
#
# Exit 0 pass, 1 fail, 2 usage, 77 skipped (node_modules not installed: run `npm ci` in
# tests/clients; the install compiles native code and needs autoconf automake libtool cmake g++).
# Set RIC_TEST_KEEP=1 to keep the work directory (it is always kept on failure).

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RIC_BIN="$HERE/node_modules/aws-lambda-ric/bin/index.mjs"
RIC_NATIVE="$HERE/node_modules/aws-lambda-ric/dist/rapid-client.node"

if [ $# -ne 1 ]; then
  echo "usage: $0 <lambda-emulator>" >&2
  exit 2
fi
EMULATOR=$1
case "$EMULATOR" in /*) ;; *) EMULATOR="$PWD/$EMULATOR" ;; esac
if [ ! -x "$EMULATOR" ]; then
  echo "FAIL: lambda-emulator not found or not executable: $EMULATOR" >&2
  exit 1
fi

NODE=$(command -v node || true)
if [ -z "$NODE" ]; then
  echo "SKIP: node is not installed"
  exit 77
fi
if [ ! -f "$RIC_BIN" ] || [ ! -f "$RIC_NATIVE" ]; then
  echo "SKIP: aws-lambda-ric is not installed (run 'npm ci' in $HERE)"
  exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "SKIP: python3 is not installed"
  exit 77
fi

# Quote a word for the /bin/sh that runs `exec CMD`.
shquote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

RUNTIME_CMD="$(shquote "$NODE") $(shquote "$RIC_BIN") index.handler"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ric_test.XXXXXX")
mkdir -p "$WORK/extensions" # empty: no external extensions
FAILED=0
cleanup() {
  if [ "$FAILED" -eq 0 ] && [ -z "${RIC_TEST_KEEP:-}" ]; then
    rm -rf "$WORK"
  else
    echo "work directory kept: $WORK"
  fi
}
trap cleanup EXIT

TIMEOUT_CMD=()
if command -v timeout >/dev/null 2>&1; then TIMEOUT_CMD=(timeout -k 5 50); fi

# run_emulator NAME FUNCTION_DIR INVOKE...
run_emulator() {
  local name=$1 fdir=$2
  shift 2
  local args=()
  local inv
  for inv in "$@"; do args+=(--invoke "$inv"); done
  echo "--- $name: $EMULATOR --runtime-cmd \"$RUNTIME_CMD\" --function-dir $fdir ..."
  local start=$SECONDS
  "${TIMEOUT_CMD[@]}" "$EMULATOR" \
    --runtime-cmd "$RUNTIME_CMD" \
    --function-dir "$fdir" \
    --handler index.handler \
    "${args[@]}" \
    --extensions-dir "$WORK/extensions" \
    --json "$WORK/$name.json" \
    --quiet >"$WORK/$name.log" 2>&1
  local rc=$?
  echo "INFO: $name: lambda-emulator exited $rc after $((SECONDS - start)) s"
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "FAIL: $name: lambda-emulator timed out"
  fi
  if [ ! -s "$WORK/$name.json" ]; then
    echo "FAIL: $name: no JSON written to $WORK/$name.json"
    return 1
  fi
  return 0
}

# check NAME SCENARIO: python3 assertions on $WORK/NAME.json; prints PASS/FAIL per check.
check() {
  python3 - "$WORK/$1.json" "$2" <<'PY'
import json, sys

path, scenario = sys.argv[1], sys.argv[2]
failures = 0

def ok(cond, what, detail=""):
    global failures
    if cond:
        print(f"PASS: {scenario}: {what}")
    else:
        failures += 1
        print(f"FAIL: {scenario}: {what}" + (f" ({detail})" if detail else ""))
    return cond

def get(obj, *keys):
    for k in keys:
        if isinstance(obj, dict):
            obj = obj.get(k)
        elif isinstance(obj, list) and isinstance(k, int) and -len(obj) <= k < len(obj):
            obj = obj[k]
        else:
            return None
    return obj

try:
    with open(path) as f:
        doc = json.load(f)
except Exception as e:  # noqa: BLE001
    print(f"FAIL: {scenario}: {path} is not valid JSON: {e}")
    sys.exit(1)

invokes = doc.get("invokes") or []
init = doc.get("init") or []

def check_ok_invoke(i, n):
    inv = get(invokes, i) or {}
    ok(inv.get("status") == "success", f"invokes[{i}].status == success", f"got {inv.get('status')!r}, error_type {inv.get('error_type')!r}")
    rid = inv.get("request_id")
    ok(isinstance(rid, str) and rid != "", f"invokes[{i}].request_id is set", repr(rid))
    raw = inv.get("response")
    try:
        body = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as e:
        body = None
        ok(False, f"invokes[{i}].response is JSON", f"{e}: {raw!r:.200}")
    if not isinstance(body, dict):
        ok(False, f"invokes[{i}].response is a JSON object", f"{raw!r:.200}")
        return
    ok(get(body, "echo", "n") == n, f"invokes[{i}] response echoes event n={n}", f"echo {body.get('echo')!r}")
    ok(get(body, "echo", "action") == "ok", f"invokes[{i}] response echoes action=ok", f"echo {body.get('echo')!r}")
    arid = body.get("awsRequestId")
    ok(isinstance(arid, str) and arid != "", f"invokes[{i}] context.awsRequestId is non-empty", repr(arid))
    ok(arid == rid, f"invokes[{i}] context.awsRequestId == request_id", f"{arid!r} vs {rid!r}")

if scenario == "invokes":
    ok(get(doc, "function", "runtime") == "command", "function.runtime == command", repr(get(doc, "function", "runtime")))
    ok(get(init, 0, "status") == "success", "init[0].status == success", f"init {init!r:.300}")
    ok(doc.get("runtime_init_error") is None, "runtime_init_error is null", repr(doc.get("runtime_init_error")))
    if ok(len(invokes) == 3, "3 invokes recorded", f"got {len(invokes)}"):
        check_ok_invoke(0, 1)
        inv = invokes[1]
        ok(inv.get("status") == "error", "invokes[1].status == error", f"got {inv.get('status')!r}")
        ok(inv.get("error_type") == "TypeError", "invokes[1].error_type == TypeError (from the body's errorType)", f"got {inv.get('error_type')!r}")
        check_ok_invoke(2, 3)
        ids = [i.get("request_id") for i in invokes]
        ok(len(set(ids)) == 3, "3 distinct request ids", repr(ids))
elif scenario == "init-error":
    rie = doc.get("runtime_init_error")
    ok(get(rie, "type") == "Runtime.ImportModuleError", "runtime_init_error.type == Runtime.ImportModuleError", repr(rie))
    ok("lambda-relay-this-module-does-not-exist" in str(get(rie, "message") or ""), "runtime_init_error.message names the missing module", f"{get(rie, 'message')!r:.200}")
    ok(get(init, 0, "status") == "error", "init[0].status == error", f"init {init!r:.300}")
    print(f"INFO: {scenario}: init {json.dumps(init)}")
    print(f"INFO: {scenario}: invokes {json.dumps([{k: i.get(k) for k in ('status', 'error_type', 'suppressed_init')} for i in invokes])}")
else:
    print(f"FAIL: unknown scenario {scenario}")
    failures += 1

if doc.get("violations"):
    print(f"INFO: {scenario}: violations reported by the emulator: {json.dumps(doc['violations'])}")
sys.exit(1 if failures else 0)
PY
}

echo "RIC: $("$NODE" --version) aws-lambda-ric $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$HERE/node_modules/aws-lambda-ric/package.json")"

# a) responses and an invocation error
if run_emulator invokes "$HERE/ric-function" \
     '{"action":"ok","n":1}' '{"action":"throw","n":2}' '{"action":"ok","n":3}'; then
  check invokes invokes || FAILED=1
else
  FAILED=1
fi
if [ "$FAILED" -ne 0 ]; then
  echo "----- lambda-emulator output (invokes) -----"; tail -n 50 "$WORK/invokes.log"
fi

# b) init error (Runtime.ImportModuleError)
B_FAILED=0
if run_emulator init-error "$HERE/ric-init-error" '{"action":"ok","n":1}'; then
  check init-error init-error || B_FAILED=1
else
  B_FAILED=1
fi
if [ "$B_FAILED" -ne 0 ]; then
  FAILED=1
  echo "----- lambda-emulator output (init-error) -----"; tail -n 50 "$WORK/init-error.log"
fi

if [ "$FAILED" -ne 0 ]; then
  echo "RESULT: FAIL (RicClientUnderEmulator)"
  exit 1
fi
echo "RESULT: PASS (RicClientUnderEmulator)"
exit 0
