#!/usr/bin/env python3
"""Debugger benchmarks of wdb driven by real LLDB (its Python module, from `pip install
lldb-for-pwndbg`):

1. overhead: each workload run plainly (`wdb run`, whole process) and under LLDB (`wdb run -g`,
   LLDB connected with one breakpoint set in `bench_never_called`, a function the workload never
   calls; timed from LLDB's continue to the exit);
2. latency: time from `process connect` to the first breakpoint stop, one instruction step
   (`s`/`si` as LLDB issues it) and one source-level `next`, on tests/guests/build/vars.O0.wasm.

Usage: bench/debugger.py [--wdb PATH] [--runs N]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import lldb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OBJECT_TAG = 1 << 62  # LLDB's synthetic address space: code of module instance 0


def leb(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def export_entry_offset(path, name):
    """Module offset of the first instruction of the exported function `name`."""
    data = open(path, "rb").read()
    pos, func_index, imported, bodies = 8, None, 0, []
    while pos < len(data):
        sid = data[pos]
        size, pos = leb(data, pos + 1)
        end = pos + size
        if sid == 2:  # imports: count the imported functions
            n, p = leb(data, pos)
            for _ in range(n):
                for _ in range(2):
                    l, p = leb(data, p)
                    p += l
                kind = data[p]
                p += 1
                if kind == 0:
                    imported += 1
                    _, p = leb(data, p)
                elif kind == 1:
                    p += 1
                    flags, p = leb(data, p)
                    _, p = leb(data, p)
                    if flags & 1:
                        _, p = leb(data, p)
                elif kind == 2:
                    flags, p = leb(data, p)
                    _, p = leb(data, p)
                    if flags & 1:
                        _, p = leb(data, p)
                else:
                    p += 2
        elif sid == 7:  # exports
            n, p = leb(data, pos)
            for _ in range(n):
                l, p = leb(data, p)
                export = data[p : p + l].decode()
                p += l
                kind = data[p]
                idx, p = leb(data, p + 1)
                if kind == 0 and export == name:
                    func_index = idx
        elif sid == 10:  # code: skip each body's locals
            n, p = leb(data, pos)
            for _ in range(n):
                size, p = leb(data, p)
                body_end = p + size
                groups, q = leb(data, p)
                for _ in range(groups):
                    _, q = leb(data, q)
                    q += 1
                bodies.append(q)
                p = body_end
        pos = end
    if func_index is None:
        raise SystemExit(f"{path}: no exported function {name}")
    return bodies[func_index - imported]


def start_wdb(wdb, wasm, args=()):
    proc = subprocess.Popen(
        [wdb, "run", "-g", "127.0.0.1:0", wasm, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    line = proc.stderr.readline()
    port = int(line.split("127.0.0.1:")[1].split(";")[0])
    return proc, port


def connect(port):
    debugger = lldb.SBDebugger.Create()
    debugger.SetAsync(False)
    target = debugger.CreateTarget("")
    error = lldb.SBError()
    process = target.ConnectRemote(debugger.GetListener(), f"connect://127.0.0.1:{port}", "wasm", error)
    if not error.Success():
        raise SystemExit(f"connect failed: {error}")
    return debugger, target, process


def overhead(wdb, runs):
    print("workload      plain ms  attached ms  overhead")
    rows = []
    for name in ["bintree", "fib", "interp", "matmul", "sha256", "sieve"]:
        wasm = os.path.join(ROOT, "bench", "wasm", name + ".wasm")
        entry = export_entry_offset(wasm, "bench_never_called")
        plain, attached = [], []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([wdb, "run", wasm], stdout=subprocess.DEVNULL, check=True)
            plain.append(time.perf_counter() - t)
            proc, port = start_wdb(wdb, wasm)
            debugger, target, process = connect(port)
            bp = target.BreakpointCreateByAddress(OBJECT_TAG | entry)
            assert bp.GetNumLocations() == 1
            # Timed from the resume to the exit: the program's run under the debugger.
            t = time.perf_counter()
            process.Continue()
            assert process.GetState() == lldb.eStateExited, process.GetState()
            assert process.GetExitStatus() == 0
            proc.wait()
            attached.append(time.perf_counter() - t)
            lldb.SBDebugger.Destroy(debugger)
        p, a = min(plain) * 1000, min(attached) * 1000
        rows.append(a / p)
        print(f"{name:12} {p:9.1f} {a:12.1f} {100 * (a / p - 1):+8.1f}%")
    print(f"geomean overhead {100 * (statistics.geometric_mean(rows) - 1):+.1f}%")


def latency(wdb, runs):
    wasm = os.path.join(ROOT, "tests", "guests", "build", "vars.O0.wasm")
    first, si, nxt = [], [], []
    for _ in range(runs):
        proc, port = start_wdb(wdb, wasm)
        t = time.perf_counter()
        debugger, target, process = connect(port)
        target.BreakpointCreateByLocation("vars.c", 75)  # in add_item, hit 4 times
        process.Continue()
        first.append(time.perf_counter() - t)
        thread = process.GetSelectedThread()
        assert thread.GetStopReason() == lldb.eStopReasonBreakpoint
        for _ in range(3):
            t = time.perf_counter()
            thread.StepInstruction(False)
            si.append(time.perf_counter() - t)
            t = time.perf_counter()
            thread.StepOver()
            nxt.append(time.perf_counter() - t)
            process.Continue()
            thread = process.GetSelectedThread()
        process.Kill()
        proc.wait()
        lldb.SBDebugger.Destroy(debugger)
    ms = lambda xs: f"median {statistics.median(xs) * 1000:.2f} ms, max {max(xs) * 1000:.2f} ms"
    print(f"process connect -> first breakpoint stop: {ms(first)}")
    print(f"one instruction step (si):               {ms(si)}")
    print(f"one source-level next:                    {ms(nxt)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wdb", default=os.path.join(ROOT, "target", "release", "wdb"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    latency(args.wdb, max(args.runs, 3))
    overhead(args.wdb, args.runs)


if __name__ == "__main__":
    sys.exit(main())
