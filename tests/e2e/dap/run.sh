#!/usr/bin/env bash
# End-to-end tests of `wdb dap` (the Debug Adapter Protocol server), driven over stdio by
# @vscode/debugadapter-testsupport and mocha. Uses target/debug/wdb unless WDB_BIN is set
# (build it first: cargo build -p wdb-cli). Extra arguments go to mocha, e.g.
#   tests/e2e/dap/run.sh --grep 'data breakpoints'
set -euo pipefail
if [ -n "${WDB_BIN:-}" ]; then
    WDB_BIN=$(realpath -m "$WDB_BIN")   # relative to the caller's directory, not this one
    export WDB_BIN
fi
cd "$(dirname "$0")"
if [ ! -d node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
exec npx --no-install mocha "$@"
