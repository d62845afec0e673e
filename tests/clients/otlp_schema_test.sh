#!/usr/bin/env bash
# Strict check of lambda-relay's OTLP bodies against the real OTLP schema (the generated protobuf root of
# npm @opentelemetry/otlp-transformer 0.214.0): otlp_bodies maps the shared spec's telemetry samples
# and writes every signal as OTLP/protobuf, OTLP/JSON and gzip; otlp_schema_check.js decodes them.
#
#   usage: tests/clients/otlp_schema_test.sh <path to otlp_bodies> <shared dir>
#
# Exit 0 pass, 1 fail, 2 usage, 77 skipped (node or the npm package missing: run `npm ci` in
# tests/clients, or the shared directory absent). OTLP_TEST_KEEP=1 keeps the bodies.

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 2 ]; then
  echo "usage: $0 <otlp_bodies> <shared dir>" >&2
  exit 2
fi
BODIES_BIN=$1
SHARED=$2

if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed"
  exit 77
fi
if [ ! -f "$HERE/node_modules/@opentelemetry/otlp-transformer/build/src/generated/root.js" ]; then
  echo "SKIP: @opentelemetry/otlp-transformer is not installed (run 'npm ci' in $HERE)"
  exit 77
fi
if [ ! -f "$SHARED/spec/samples/telemetry-batch.json" ]; then
  echo "SKIP: shared spec samples not found in $SHARED"
  exit 77
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/otlp_schema.XXXXXX")
FAILED=1
cleanup() {
  if [ "$FAILED" -eq 0 ] && [ -z "${OTLP_TEST_KEEP:-}" ]; then rm -rf "$WORK"; else echo "bodies kept in $WORK"; fi
}
trap cleanup EXIT

"$BODIES_BIN" "$SHARED" "$WORK" || { echo "RESULT: FAIL (otlp_bodies)"; exit 1; }
(cd "$HERE" && node otlp_schema_check.js "$WORK" "$SHARED/fixtures/otlp")
rc=$?
if [ $rc -eq 0 ]; then FAILED=0; fi
exit $rc
