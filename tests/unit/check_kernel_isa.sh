#!/usr/bin/env bash
# Only the telemetry decoder's haswell kernel (and simdjson's own run-time dispatched kernels) may hold
# instructions beyond the x86-64 baseline (AVX, BMI, LZCNT, POPCNT, PCLMUL). A function elsewhere that
# does — typically a copy of an inline function or template shared with the generic path, compiled
# for AVX2 — could be the copy the linker keeps, and the binary would die of SIGILL on an older CPU
# (see src/telemetry/decode_haswell.cpp). Checks every function of the given members of an archive
# (the decoder's objects: only they have target regions).
#
#   check_kernel_isa.sh liblambda_relay.a decode.cpp.o decode_generic.cpp.o decode_haswell.cpp.o
set -euo pipefail

if [[ $(uname -m) != x86_64 ]]; then
  echo "not x86-64: nothing to check"
  exit 0
fi
archive=$(realpath "$1")
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && ar x "$archive" "$@")

objdump -d --no-show-raw-insn -C "${@/#/$work/}" | awk '
  /^[0-9a-f]+ <.*>:$/ {
    name = $0; sub(/^[0-9a-f]+ </, "", name); sub(/>:$/, "", name)
    if (name ~ /haswell_kernel/) kernel_functions++
    next
  }
  /\t(v[a-z0-9]+|shlx|shrx|sarx|rorx|bzhi|pdep|pext|mulx|andn|blsi|blsr|blsmsk|bextr|lzcnt|popcnt|pclmulqdq)[ \t]/ {
    if (name !~ /haswell|icelake|westmere/) hits[name]++
  }
  END {
    for (f in hits) { print hits[f] " instruction(s) beyond the baseline in " f > "/dev/stderr"; bad = 1 }
    if (bad) exit 1
    if (kernel_functions == 0) { print "no haswell_kernel functions (kernel not built, or LTO objects): nothing checked"; exit 77 }
    print "ok: instructions beyond the baseline only in the kernels (" kernel_functions " haswell_kernel functions)"
  }'
