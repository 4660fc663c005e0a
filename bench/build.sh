#!/usr/bin/env bash
# Compiles bench/workloads/*.c to bench/wasm/*.wasm (wasm32-wasi, -O2) with zig cc from PyPI.
# Installs ziglang with pip if it is missing. Rebuilds only what changed (FORCE=1: all).
# -Wl,--strip-debug drops the DWARF that zig's libc brings (~1 MB a module) but keeps the
# name section, so profiles and backtraces still have function names.
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
if ! "$PY" -m ziglang version >/dev/null 2>&1; then
    echo "build.sh: installing ziglang from PyPI" >&2
    "$PY" -m pip install --quiet ziglang
fi
FLAGS=(--target=wasm32-wasi -O2 -g -std=c11 -Wall -Wextra -Wl,--strip-debug)

mkdir -p wasm
STAMP_WANT="$("$PY" -m ziglang version) $(sha256sum build.sh | cut -d' ' -f1)"
if [[ "${FORCE:-0}" == 1 || "$STAMP_WANT" != "$(cat wasm/.stamp 2>/dev/null || true)" ]]; then
    rm -f wasm/*.wasm
fi
for src in workloads/*.c; do
    name=$(basename "$src" .c)
    out=wasm/$name.wasm
    if [[ -f "$out" && "$out" -nt "$src" ]]; then continue; fi
    "$PY" -m ziglang cc "${FLAGS[@]}" "$src" -o "$out"
    echo "built $out ($(stat -c %s "$out") bytes)"
done
echo "$STAMP_WANT" > wasm/.stamp
