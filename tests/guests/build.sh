#!/usr/bin/env bash
# Builds every guest program in this directory to WebAssembly (wasm32-wasi, WASI preview1)
# with zig cc / zig c++ from PyPI (`pip install ziglang`), at -O0 and -O2, with DWARF (-g):
#   build/NAME.O0.wasm  build/NAME.O2.wasm
# (Only top-level *.c/*.cpp: the SQLite guest, sqlite/, is built by build-sqlite.sh.)
# Idempotent: installs ziglang if missing, rebuilds an output only when its source, this
# script or the zig version changed (FORCE=1 rebuilds everything).
#
# Flags (both levels):
#   -g                        DWARF for the debugger tests
#   -fno-sanitize=undefined   zig enables UBSan at -O0; we want plain wasm traps instead
#   -Wl,-z,stack-size=1048576 a 1 MiB shadow stack (zig's default is 16 MiB, which makes
#                             every instance's memory 16 MiB+: big coredumps/snapshots).
#                             zig links with the stack first, so a shadow-stack overflow
#                             would be an out-of-bounds trap at address < 0.
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
if ! "$PY" -m ziglang version >/dev/null 2>&1; then
    echo "build.sh: installing ziglang from PyPI" >&2
    "$PY" -m pip install --quiet ziglang
fi
ZIG_VERSION=$("$PY" -m ziglang version)

COMMON=(--target=wasm32-wasi -g -fno-sanitize=undefined -Wl,-z,stack-size=1048576)
CFLAGS=(-std=c11 -Wall -Wextra -Wno-unused-parameter)
CXXFLAGS=(-std=c++17 -fno-exceptions -Wall -Wextra -Wno-unused-parameter)  # wasm32-wasi libc++: no EH
mkdir -p build

# A stamp records the zig version and this script's checksum; if either changes, rebuild all.
STAMP_WANT="$ZIG_VERSION $(sha256sum build.sh | cut -d' ' -f1)"
STAMP_HAVE=$(cat build/.stamp 2>/dev/null || true)
SOURCES=(*.c *.cpp)
# Only the files this script builds: build/sqlite.O1.wasm belongs to build-sqlite.sh.
OUTPUTS=()
for src in "${SOURCES[@]}"; do
    for opt in O0 O2; do OUTPUTS+=("build/${src%.*}.$opt.wasm"); done
done
if [[ "${FORCE:-0}" == 1 || "$STAMP_WANT" != "$STAMP_HAVE" ]]; then
    rm -f "${OUTPUTS[@]}"
fi

built=0
for src in "${SOURCES[@]}"; do
    name=${src%.*}
    for opt in O0 O2; do
        out=build/$name.$opt.wasm
        if [[ -f "$out" && "$out" -nt "$src" ]]; then continue; fi
        case "$src" in
            *.c)   "$PY" -m ziglang cc  "${COMMON[@]}" "${CFLAGS[@]}"   -$opt "$src" -o "$out" ;;
            *.cpp) "$PY" -m ziglang c++ "${COMMON[@]}" "${CXXFLAGS[@]}" -$opt "$src" -o "$out" ;;
        esac
        echo "built $out"
        built=$((built + 1))
    done
done
echo "$STAMP_WANT" > build/.stamp
echo "build.sh: zig $ZIG_VERSION, $built file(s) rebuilt, ${#OUTPUTS[@]} wasm files in $(pwd)/build"
