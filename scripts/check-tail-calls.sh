#!/usr/bin/env bash
# Fails if a handler of the engine dispatches to the next handler with a real call instead of a
# jump: in the tail-call back end that would grow the native stack with every wasm instruction.
# Usage: scripts/check-tail-calls.sh BINARY (an optimized build containing wdb_engine).
set -euo pipefail
bin=${1:?usage: $0 BINARY}
command -v objdump >/dev/null || { echo "objdump not found (apt-get install binutils)"; exit 1; }
objdump -d --no-show-raw-insn -C "$bin" | awk '
  /^[0-9a-f]+ <.*>:$/ { name = $0; sub(/^[0-9a-f]+ </, "", name); sub(/>:$/, "", name); next }
  name ~ /^wdb_engine::handlers::/ && name !~ /::(trap|leave_call|leave_return|enter|[a-z_]+_slow)$/ && /call +\*/ && !/rip/ {
    bad[name] = 1
  }
  name ~ /^wdb_engine::handlers::/ { seen[name] = 1 }
  END {
    n = 0; for (k in seen) n++
    if (n < 50) { print "only " n " handlers found: is this an optimized build with the tail-call back end?"; exit 1 }
    m = 0; for (k in bad) { print "not tail-called in " k; m++ }
    if (m > 0) exit 1
    print n " handlers checked: every dispatch is a jump"
  }'
