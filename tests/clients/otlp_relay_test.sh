#!/usr/bin/env bash
# Real-client test: the OpenTelemetry OTLP/HTTP exporters through lambda-relay (see otlp_relay_test.mjs).
#   usage: tests/clients/otlp_relay_test.sh <path to lambda-relay>
# Exit 0 pass, 1 fail, 77 skipped (node or the exporters missing: run `npm ci` in tests/clients).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 1 ]; then
  echo "usage: $0 <lambda-relay>" >&2
  exit 2
fi
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed"
  exit 77
fi
exec node "$HERE/otlp_relay_test.mjs" "$1"
