#!/usr/bin/env python3
"""Time and peak memory of `wdb debug` up to its first breakpoint stop, on the SQLite guest
(tests/guests/build/sqlite.O1.wasm: ~7 MB, of which ~5 MB is DWARF).

Each row is one whole `wdb` process, run N times (default 10); the table has the median and
the min wall time (process start to exit, so it includes start-up and reading the module) and
the largest peak RSS (the child's own ru_maxrss, from wait4):

  load          wdb debug --batch -ex quit M                         read the module, no query
  break         wdb debug --batch -ex 'break F' M                    + resolve the breakpoint
  first stop    wdb debug --batch -ex 'break F' -ex run M            + run to the first stop
  session       ... -ex run -ex bt -ex 'p *db' -ex next -ex finish   the whole example session
  wdb run       wdb run M                                            the program alone, no symbols

`first stop` minus `load` is the symbol work plus running the guest to the stop; `break` shows
how much of that is resolving the breakpoint. Every `first stop` run must print the stop line
(`Breakpoint 1, F ...`), or the script fails.

Usage: bench/debug-first-stop.py [--runs N] [--wdb PATH] [--module M] [--function F]
By default it builds wdb first (`cargo build --release -p wdb-cli`); --wdb PATH (or WDB=PATH)
uses that binary instead.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODULE = os.path.join(ROOT, "tests/guests/build/sqlite.O1.wasm")


def run_once(cmd):
    """Runs cmd; returns (wall seconds, peak RSS in KiB, exit status, stdout)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, cwd=ROOT)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, p.returncode, out.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--wdb", default=os.environ.get("WDB"))
    ap.add_argument("--module", default=DEFAULT_MODULE)
    ap.add_argument("--function", default="sqlite3_prepare_v2")
    args = ap.parse_args()

    if not os.path.exists(args.module):
        sys.exit(f"debug-first-stop: {args.module} missing (tests/guests/build-sqlite.sh builds it)")
    wdb = args.wdb
    if wdb is None:
        print("debug-first-stop: building wdb (cargo build --release -p wdb-cli)", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "wdb-cli"], cwd=ROOT,
                       check=True)
        wdb = os.path.join(ROOT, "target/release/wdb")

    m, f = args.module, args.function
    brk = ["-ex", f"break {f}"]
    rows = [
        ("load", [wdb, "debug", "--batch", "-ex", "quit", m], None),
        ("break", [wdb, "debug", "--batch", *brk, m], None),
        ("first stop", [wdb, "debug", "--batch", *brk, "-ex", "run", m], f"Breakpoint 1, {f} "),
        ("session", [wdb, "debug", "--batch", *brk, "-ex", "run", "-ex", "bt", "-ex", "p *db",
                     "-ex", "next", "-ex", "finish", m], f"Breakpoint 1, {f} "),
        ("wdb run", [wdb, "run", m], None),
    ]
    size = os.path.getsize(m)
    print(f"module {os.path.relpath(m, ROOT)} ({size / 1e6:.1f} MB), break {f}, "
          f"{args.runs} runs each")
    print(f"{'':<12} {'median ms':>10} {'min ms':>8} {'max RSS MB':>11}")
    failed = False
    for name, cmd, expect in rows:
        run_once(cmd)  # warm the page cache
        walls, rss = [], []
        for _ in range(args.runs):
            wall, maxrss, code, out = run_once(cmd)
            if expect is not None and expect not in out:
                print(f"{name}: no '{expect.strip()}' in the output (exit {code}):\n{out}",
                      file=sys.stderr)
                failed = True
                break
            if expect is None and code != 0:
                print(f"{name}: exit {code}:\n{out}", file=sys.stderr)
                failed = True
                break
            walls.append(wall)
            rss.append(maxrss)
        if walls:
            print(f"{name:<12} {statistics.median(walls) * 1e3:>10.0f} {min(walls) * 1e3:>8.0f} "
                  f"{max(rss) / 1024:>11.1f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
