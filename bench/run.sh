#!/usr/bin/env bash
# Builds wdb (release) and the benchmark harness, then prints the wdb-vs-wasmi table.
#   bench/run.sh [HARNESS ARGS...]      e.g. bench/run.sh --runs 5 --only fib,sieve
# If wdb does not build (yet), the table has wasmi only. Set WDB=PATH to use another wdb
# binary without building; SKIP_WASM_BUILD=1 to use the committed bench/wasm/*.wasm as is.
set -uo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)

if [[ "${SKIP_WASM_BUILD:-0}" != 1 ]]; then
    "$BENCH/build.sh" || { echo "run.sh: building the workloads failed" >&2; exit 1; }
fi

wdb_args=()
if [[ -n "${WDB:-}" ]]; then
    wdb_args=(--wdb "$WDB")
else
    echo "run.sh: building wdb (cargo build --release -p wdb-cli)" >&2
    log=$(mktemp)
    if (cd "$ROOT" && cargo build --release -p wdb-cli) >"$log" 2>&1; then
        wdb_args=(--wdb "$ROOT/target/release/wdb")
    else
        echo "run.sh: wdb did not build; benchmarking wasmi only. Last lines of the build log:" >&2
        tail -n 5 "$log" >&2
        wdb_args=(--no-wdb)
    fi
    rm -f "$log"
fi

echo "run.sh: building the harness (cargo build --release in bench/)" >&2
(cd "$BENCH" && cargo build --release --quiet) || { echo "run.sh: harness build failed" >&2; exit 1; }

exec "$BENCH/target/release/wdb-bench" bench "${wdb_args[@]}" "$@"
