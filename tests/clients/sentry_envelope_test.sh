#!/usr/bin/env bash
# lambda-relay's Sentry envelopes parsed by the real Sentry JavaScript SDK's parser (npm @sentry/core
# 10.75.2, parseEnvelope and dsnFromString): sentry_envelopes writes a synthesized event per failure kind
# and the shared SDK samples after redaction; sentry_envelope_check.js parses and checks them.
#
#   usage: tests/clients/sentry_envelope_test.sh <path to sentry_envelopes> <shared dir>
#
# Exit 0 pass, 1 fail, 2 usage, 77 skipped (node or @sentry/core missing: run `npm ci` in tests/clients;
# or the shared directory absent). SENTRY_TEST_KEEP=1 keeps the envelopes.

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 2 ]; then
  echo "usage: $0 <sentry_envelopes> <shared dir>" >&2
  exit 2
fi
WRITER=$1
SHARED=$2

if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed"
  exit 77
fi
if [ ! -f "$HERE/node_modules/@sentry/core/package.json" ]; then
  echo "SKIP: @sentry/core is not installed (run 'npm ci' in $HERE)"
  exit 77
fi
if [ ! -f "$SHARED/spec/samples-upstream/sentry-python-lambda-error.envelope" ]; then
  echo "SKIP: shared spec samples not found in $SHARED"
  exit 77
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sentry_envelopes.XXXXXX")
FAILED=1
cleanup() {
  if [ "$FAILED" -eq 0 ] && [ -z "${SENTRY_TEST_KEEP:-}" ]; then rm -rf "$WORK"; else echo "envelopes kept in $WORK"; fi
}
trap cleanup EXIT

"$WRITER" "$SHARED" "$WORK" || { echo "RESULT: FAIL (sentry_envelopes)"; exit 1; }
(cd "$HERE" && node sentry_envelope_check.js "$WORK")
rc=$?
if [ $rc -eq 0 ]; then FAILED=0; fi
exit $rc
