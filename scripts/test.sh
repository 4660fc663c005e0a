#!/usr/bin/env bash
# Runs every test of wdb: formatting and lints, the workspace tests (spec suite, guests, WASI,
# CLI) and the release-build checks. Installs what it needs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "tools"
missing=()
command -v objdump >/dev/null || missing+=(binutils)
command -v gdb >/dev/null || missing+=(gdb)       # ground truth: tests/ground_truth.rs, LLDB value tests
command -v gcc >/dev/null || missing+=(gcc)
command -v node >/dev/null || missing+=(nodejs)   # tests/e2e/dap (wdb dap end to end)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; fi
if ! command -v lldb >/dev/null 2>&1 || ! lldb --version 2>/dev/null | grep -q "lldb version 2[1-9]"; then
    pip install -q lldb-for-pwndbg   # LLDB 23 with the WebAssembly plugin, for the end-to-end tests
fi
export WDB_REQUIRE_LLDB=1
export WDB_REQUIRE_GDB=1    # crates/cli/tests/ground_truth.rs fails instead of skipping
if ! python3 -m ziglang version >/dev/null 2>&1; then
    # Only needed to rebuild the guests (tests/guests/build.sh); the built .wasm are committed.
    pip install -q ziglang || echo "note: could not install ziglang; using the committed guest builds"
fi

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -q -- -D warnings

step "release build: every handler dispatch is a tail call"
cargo build --release -q -p wdb-cli
scripts/check-tail-calls.sh target/release/wdb

step "spec suite, per file"
cargo test -q -p wdb-wast --test spec -- --nocapture 2>&1 | grep -E "wast|spec wasm-v2|test result"

step "all tests"
cargo test --workspace --no-fail-fast 2>&1 | tee target/test-output.txt | grep -E "^test result|FAILED|panicked|failed" || true
passed=$(grep -Eo '^test result: ok\. [0-9]+ passed' target/test-output.txt | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' target/test-output.txt | awk '{s+=$1} END {print s+0}')
if grep -q "^test result: FAILED\|error: test failed\|error\[" target/test-output.txt; then
    failed=$((failed > 0 ? failed : 1))
fi

step "DAP end to end (tests/e2e/dap, mocha over stdio against target/debug/wdb dap)"
if cargo build -q -p wdb-cli &&
    WDB_BIN=target/debug/wdb tests/e2e/dap/run.sh --reporter dot 2>&1 | tee target/dap-e2e-output.txt; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi

step "release binary on the guests (tail-call back end)"
out=$(WDB_GUESTS_BIN=target/release/wdb cargo test -q -p wdb-cli --test guests 2>&1) || true
echo "$out" | grep -E "test result|FAILED|panicked|failed" || true
if echo "$out" | grep -q "test result: ok"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
