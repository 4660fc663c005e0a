#!/usr/bin/env python3
"""Runs every case of cases.json (each O0 and O2 wasm file) with a WASI runner and compares
stdout, exit code and (for trap cases) the trap message with the expectations.

    run-cases.py [--runner CMD] [--only NAME[,NAME...]] [--skip-traps] [-v]

CMD is a command taking `[--dir HOST::GUEST] [--env K=V] FILE.wasm ARGS...`, split on spaces.
Default: the bench harness, `bench/target/release/wdb-bench run-wasi` (wasmi + wasmi_wasi;
build it with `cargo build --release --manifest-path bench/Cargo.toml`). For wdb:
`--runner "target/release/wdb run"`. A trap case passes when the runner exits non-zero and
its stderr contains the case's trap substring (case-insensitive). Prints one line per run and
a closing 'N passed, N failed'; exits 1 if anything failed.
"""
import argparse, json, os, shlex, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runner", default=os.path.join(ROOT, "bench/target/release/wdb-bench") + " run-wasi")
    ap.add_argument("--only", help="comma-separated case names")
    ap.add_argument("--skip-traps", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="show diffs and stderr of failures")
    opts = ap.parse_args()
    runner = shlex.split(opts.runner)
    only = set(opts.only.split(",")) if opts.only else None

    cases = json.load(open(os.path.join(HERE, "cases.json")))["cases"]
    passed = failed = 0
    for c in cases:
        if only and c["name"] not in only:
            continue
        if opts.skip_traps and c["trap"]:
            continue
        want_stdout = open(os.path.join(HERE, c["stdout"]), "rb").read()
        for wasm in c["wasm"]:
            with tempfile.TemporaryDirectory(prefix="wdb-case-") as tmp:
                cmd = list(runner)
                if c["preopen"]:
                    cmd += ["--dir", f"{tmp}::{c['preopen']}"]
                for k, v in c["env"].items():
                    cmd += ["--env", f"{k}={v}"]
                cmd += [os.path.join(HERE, wasm)] + c["args"]
                try:
                    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, timeout=300)
                except subprocess.TimeoutExpired:
                    print(f"FAIL {c['name']:<22} {os.path.basename(wasm):<20} timed out")
                    failed += 1
                    continue
            problems = []
            if p.stdout != want_stdout:
                problems.append("stdout differs")
            stderr = p.stderr.decode("utf-8", "replace")
            if c["trap"]:
                if p.returncode == 0:
                    problems.append("exit 0 instead of a trap")
                if c["trap"].lower() not in stderr.lower():
                    problems.append(f"stderr lacks {c['trap']!r}")
            elif p.returncode != c["exit"]:
                problems.append(f"exit {p.returncode}, want {c['exit']}")
            what = f"trap ({c['trap']})" if c["trap"] else f"exit {p.returncode}"
            if problems:
                failed += 1
                print(f"FAIL {c['name']:<22} {os.path.basename(wasm):<20} {'; '.join(problems)}")
                if opts.verbose:
                    print("  command: " + shlex.join(cmd))
                    print("  stdout:  " + repr(p.stdout.decode("utf-8", "replace")))
                    print("  want:    " + repr(want_stdout.decode("utf-8", "replace")))
                    print("  stderr:  " + repr(stderr[-2000:]))
            else:
                passed += 1
                print(f"ok   {c['name']:<22} {os.path.basename(wasm):<20} {what}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
