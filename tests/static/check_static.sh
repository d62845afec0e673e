#!/usr/bin/env bash
# Usage: check_static.sh BINARY MAX_BYTES
# The release binary must run on any Amazon Linux and in an empty chroot: no dynamic loader, no
# shared libraries, stripped, x86-64, and small enough for a Lambda layer.
set -euo pipefail
binary=$1
max_bytes=$2
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

[ -x "$binary" ] || { echo "FAIL: $binary is not an executable file"; exit 1; }

ldd_out=$(ldd "$binary" 2>&1 || true)  # ldd exits 1 for a static binary
echo "ldd: $ldd_out"
grep -q 'not a dynamic executable' <<<"$ldd_out" || fail "ldd does not say 'not a dynamic executable'"

size=$(stat -c %s "$binary")
echo "size: $size bytes ($(( (size + 1023) / 1024 )) KiB), limit $max_bytes bytes"
[ "$size" -le "$max_bytes" ] || fail "binary is $size bytes, more than $max_bytes"

if command -v file >/dev/null 2>&1; then
  file_out=$(file -b "$binary")
  echo "file: $file_out"
  grep -q 'statically linked' <<<"$file_out" || fail "file does not say 'statically linked'"
  grep -q 'x86-64' <<<"$file_out" || fail "not an x86-64 executable"
  grep -q ', stripped' <<<"$file_out" || fail "not stripped"
fi
if command -v readelf >/dev/null 2>&1; then
  readelf -l "$binary" | grep -q 'INTERP' && fail "has a PT_INTERP (program interpreter)"
  readelf -d "$binary" 2>/dev/null | grep -q 'NEEDED' && fail "has DT_NEEDED shared libraries"
fi

[ "$failures" -eq 0 ] || exit 1
echo "OK: $binary is static, stripped, x86-64 and $size bytes"
