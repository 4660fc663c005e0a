#!/usr/bin/env bash
# Builds the SQLite guest: sqlite/main.c + the SQLite amalgamation (sqlite3.c, 3.54.1) bundled
# in the libsqlite3-sys 0.39.1 crate, to build/sqlite.O1.wasm (wasm32-wasi, zig cc, -g -O1).
#   tests/guests/build-sqlite.sh              # idempotent; FORCE=1 rebuilds
#   tests/guests/build-sqlite.sh --expected   # native gcc build -> expected/sqlite.stdout, .exit
#
# The amalgamation (~9 MB of C) is not committed: it comes from the crate's `sqlite3/`
# directory in the cargo registry (~/.cargo/registry/src/*/libsqlite3-sys-0.39.1), or, if
# absent, is fetched with cargo in a throwaway project (cargo fetch + cargo metadata; the crate
# is never compiled). SQLITE_DIR=/path/to/dir-with-sqlite3.c overrides.
#
# Defines: what libsqlite3-sys's build.rs passes for a bundled wasm32-wasi build with default
# features (see its build.rs): the common SQLITE_* set below plus, for wasm32-wasi,
# SQLITE_THREADSAFE=0, LONGDOUBLE_TYPE=double and wasi-libc's emulations of mmap, getpid,
# signal and process clocks (linked with -lwasi-emulated-*). Its optional wasm32-wasi-vfs.c
# is not used: the amalgamation itself supports WASI (SQLITE_WASI, unix-dotfile VFS), and the
# program only uses :memory:. The native build uses the same defines (minus the wasi ones).
#
# DWARF: both files are compiled by bare name from their own directory, so the compile units
# are `main.c` (comp_dir tests/guests/sqlite) and `sqlite3.c` (comp_dir the crate's sqlite3/).
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
OUT=build/sqlite.O1.wasm
CRATE=libsqlite3-sys
CRATE_VERSION=0.39.1

find_sqlite() {
    if [[ -n "${SQLITE_DIR:-}" ]]; then echo "$SQLITE_DIR"; return; fi
    local d
    for d in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/$CRATE-$CRATE_VERSION/sqlite3; do
        if [[ -f "$d/sqlite3.c" ]]; then echo "$d"; return; fi
    done
    echo "build-sqlite.sh: fetching $CRATE $CRATE_VERSION with cargo" >&2
    local tmp
    tmp=$(mktemp -d)
    mkdir -p "$tmp/src"
    printf '[package]\nname = "fetch-sqlite"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n%s = "=%s"\n' \
        "$CRATE" "$CRATE_VERSION" > "$tmp/Cargo.toml"
    : > "$tmp/src/lib.rs"
    (cd "$tmp" && cargo fetch --quiet >&2)
    (cd "$tmp" && cargo metadata --format-version 1) | python3 -c '
import json, os, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == sys.argv[1]:
        print(os.path.join(os.path.dirname(p["manifest_path"]), "sqlite3"))' "$CRATE"
    rm -rf "$tmp"
}
SQLITE_DIR=$(find_sqlite)
[[ -f "$SQLITE_DIR/sqlite3.c" ]] || { echo "build-sqlite.sh: no sqlite3.c in '$SQLITE_DIR'" >&2; exit 1; }

# libsqlite3-sys build.rs, all targets
DEFINES=(-DSQLITE_CORE -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_ENABLE_API_ARMOR
    -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_FTS3
    -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_JSON1
    -DSQLITE_ENABLE_LOAD_EXTENSION=1 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_STAT4
    -DSQLITE_SOUNDEX -DSQLITE_USE_URI -DHAVE_USLEEP=1 -DHAVE_ISNAN -DHAVE_LOCALTIME_R)
# ... plus, for wasm32-wasi
WASI_DEFINES=(-USQLITE_THREADSAFE -DSQLITE_THREADSAFE=0 -DLONGDOUBLE_TYPE=double
    -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID -D_WASI_EMULATED_SIGNAL
    -D_WASI_EMULATED_PROCESS_CLOCKS)
WASI_LIBS=(-lwasi-emulated-mman -lwasi-emulated-getpid -lwasi-emulated-signal
    -lwasi-emulated-process-clocks)
MAIN_CFLAGS=(-std=c11 -Wall -Wextra -Wno-unused-parameter)

if [[ "${1:-}" == "--expected" ]]; then
    # Natively (gcc, -O0 and -O2 must agree), like gen-expected.sh does for the other cases.
    CC=${CC:-gcc}
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$SQLITE_DIR" && "$CC" -O1 "${DEFINES[@]}" -DSQLITE_THREADSAFE=0 -DLONGDOUBLE_TYPE=double \
        -c sqlite3.c -o "$tmp/sqlite3.o")
    for opt in O0 O2; do
        "$CC" "${MAIN_CFLAGS[@]}" -$opt -I"$SQLITE_DIR" sqlite/main.c "$tmp/sqlite3.o" -lm -ldl \
            -o "$tmp/sqlite.$opt"
        status=0
        env -i "$tmp/sqlite.$opt" </dev/null >"$tmp/out.$opt" 2>/dev/null || status=$?
        echo "$status" > "$tmp/exit.$opt"
    done
    cmp -s "$tmp/out.O0" "$tmp/out.O2" && cmp -s "$tmp/exit.O0" "$tmp/exit.O2" ||
        { echo "build-sqlite.sh: native -O0 and -O2 differ" >&2; exit 1; }
    cp "$tmp/out.O0" expected/sqlite.stdout
    cp "$tmp/exit.O0" expected/sqlite.exit
    echo "build-sqlite.sh: expected/sqlite.stdout ($(wc -l < expected/sqlite.stdout) lines), exit $(cat expected/sqlite.exit)"
    exit 0
fi

PY=${PYTHON:-python3}
if ! "$PY" -m ziglang version >/dev/null 2>&1; then
    echo "build-sqlite.sh: installing ziglang from PyPI" >&2
    "$PY" -m pip install --quiet ziglang
fi
ZIG_VERSION=$("$PY" -m ziglang version)

if [[ "${FORCE:-0}" != 1 && -f "$OUT" && "$OUT" -nt sqlite/main.c && "$OUT" -nt build-sqlite.sh \
      && "$OUT" -nt "$SQLITE_DIR/sqlite3.c" && "$OUT" -nt "$SQLITE_DIR/sqlite3.h" ]]; then
    echo "build-sqlite.sh: $OUT is up to date ($(stat -c %s "$OUT") bytes)"
    exit 0
fi

# Same flags as build.sh (see there), at -O1.
COMMON=(--target=wasm32-wasi -g -O1 -fno-sanitize=undefined)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p build
(cd "$SQLITE_DIR" && "$PY" -m ziglang cc "${COMMON[@]}" "${DEFINES[@]}" "${WASI_DEFINES[@]}" \
    -c sqlite3.c -o "$tmp/sqlite3.o")
(cd sqlite && "$PY" -m ziglang cc "${COMMON[@]}" "${MAIN_CFLAGS[@]}" -I"$SQLITE_DIR" \
    -c main.c -o "$tmp/main.o")
"$PY" -m ziglang cc "${COMMON[@]}" -Wl,-z,stack-size=1048576 "$tmp/main.o" "$tmp/sqlite3.o" \
    "${WASI_LIBS[@]}" -o "$tmp/sqlite.O1.wasm"
mv "$tmp/sqlite.O1.wasm" "$OUT"
echo "build-sqlite.sh: zig $ZIG_VERSION, SQLite from $SQLITE_DIR"
echo "built $HERE/$OUT: $(stat -c %s "$OUT") bytes"
