#!/usr/bin/env python3
"""Latencies of `wdb dap` as a DAP client sees them, on the SQLite guest
(tests/guests/build/sqlite.O1.wasm: ~7 MB, of which ~5 MB is DWARF).

Each run starts a fresh `wdb dap` over stdio and drives it like VS Code does:

  first stop     process start -> initialize -> launch -> setBreakpoints(main.c:58, the
                 insert loop) -> configurationDone -> the `stopped` event
  next           `next` request -> its `stopped` event (N steps through the insert loop)
  next + views   `next` + threads + stackTrace + scopes + variables(Locals): what an IDE asks
                 at every step before it redraws
  variables 1k   `variables` of `qty_counts` (int[1000]), all 1000 elements in one request
  variables 100  the same, one page of 100 (VS Code pages big arrays by 100)

and reports the median and p95 over all runs (first stop: median and min over runs) and the
adapter's peak RSS. Goals (issue 5): first stop < 1 s, next < 5 ms median.

Usage: bench/dap-latency.py [--runs N] [--steps N] [--wdb PATH] [--module M]
By default it builds wdb first (`cargo build --release -p wdb-cli`); --wdb PATH (or WDB=PATH)
uses that binary instead.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODULE = os.path.join(ROOT, "tests/guests/build/sqlite.O1.wasm")
SOURCE = os.path.join(ROOT, "tests/guests/sqlite/main.c")
LOOP_LINE = 58


class Adapter:
    """A minimal DAP client over a `wdb dap` child's stdio."""

    def __init__(self, wdb):
        self.p = subprocess.Popen([wdb, "dap"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  cwd=ROOT)
        self.seq = 0
        self.pending = []

    def _read(self):
        header = b""
        while not header.endswith(b"\r\n\r\n"):
            c = self.p.stdout.read(1)
            if not c:
                raise RuntimeError("wdb dap closed its output")
            header += c
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        return json.loads(self.p.stdout.read(length))

    def send(self, command, **arguments):
        self.seq += 1
        body = json.dumps({"seq": self.seq, "type": "request", "command": command,
                           "arguments": arguments}).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()
        return self.seq

    def request(self, command, **arguments):
        seq = self.send(command, **arguments)
        while True:
            m = self._read()
            if m["type"] == "response" and m["request_seq"] == seq:
                if not m["success"]:
                    raise RuntimeError(f"{command} failed: {m.get('message')}")
                return m.get("body", {})
            self.pending.append(m)

    def event(self, name):
        for i, m in enumerate(self.pending):
            if m.get("event") == name:
                return self.pending.pop(i)
        while True:
            m = self._read()
            if m.get("event") == name:
                return m
            if m.get("event") in ("terminated", "exited") and name == "stopped":
                raise RuntimeError("the program ended before stopping")

    def close(self):
        self.request("disconnect")
        self.p.stdin.close()
        _, status, usage = os.wait4(self.p.pid, 0)
        return usage.ru_maxrss


def ms(seconds):
    return seconds * 1000


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def one_run(wdb, module, steps, samples):
    start = time.perf_counter()
    a = Adapter(wdb)
    a.request("initialize", adapterID="wdb", linesStartAt1=True, columnsStartAt1=True)
    a.request("launch", program=module)
    a.event("initialized")
    bps = a.request("setBreakpoints", source={"path": SOURCE},
                    breakpoints=[{"line": LOOP_LINE}])["breakpoints"]
    if not bps[0]["verified"]:
        raise RuntimeError(f"breakpoint not bound: {bps}")
    a.request("configurationDone")
    stop = a.event("stopped")
    samples["first stop"].append(time.perf_counter() - start)
    if stop["body"]["reason"] != "breakpoint":
        raise RuntimeError(f"unexpected stop {stop}")
    # Stop breakpoints from catching the next iterations: only steps from here.
    a.request("setBreakpoints", source={"path": SOURCE}, breakpoints=[])

    frame = a.request("stackTrace", threadId=1)["stackFrames"][0]
    v = a.request("evaluate", expression="qty_counts", frameId=frame["id"], context="watch")
    ref = v["variablesReference"]
    for _ in range(5):
        t = time.perf_counter()
        elems = a.request("variables", variablesReference=ref)["variables"]
        samples["variables 1k"].append(time.perf_counter() - t)
        if len(elems) != 1000:
            raise RuntimeError(f"qty_counts has {len(elems)} elements")
        t = time.perf_counter()
        page = a.request("variables", variablesReference=ref, filter="indexed", start=500,
                         count=100)["variables"]
        samples["variables 100"].append(time.perf_counter() - t)
        if page[0]["name"] != "[500]" or len(page) != 100:
            raise RuntimeError(f"bad page {page[:1]}")

    lines = set()
    for i in range(steps):
        t = time.perf_counter()
        a.request("next", threadId=1)
        a.event("stopped")
        samples["next"].append(time.perf_counter() - t)
        views = i % 2 == 1  # every other step, also the IDE's redraw requests
        if views:
            a.request("threads")
            frames = a.request("stackTrace", threadId=1, startFrame=0, levels=20)["stackFrames"]
            scopes = a.request("scopes", frameId=frames[0]["id"])["scopes"]
            a.request("variables", variablesReference=scopes[1]["variablesReference"])
            samples["next + views"].append(time.perf_counter() - t)
            lines.add(frames[0]["line"])
    if len(lines) < 3:
        raise RuntimeError(f"`next` did not move through the loop: lines {sorted(lines)}")
    return a.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--wdb", default=os.environ.get("WDB"))
    ap.add_argument("--module", default=DEFAULT_MODULE)
    args = ap.parse_args()
    if not os.path.exists(args.module):
        sys.exit(f"dap-latency: {args.module} missing (tests/guests/build-sqlite.sh builds it)")
    wdb = args.wdb
    if wdb is None:
        print("dap-latency: building wdb (cargo build --release -p wdb-cli)", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "wdb-cli"], cwd=ROOT,
                       check=True)
        wdb = os.path.join(ROOT, "target/release/wdb")

    names = ["first stop", "next", "next + views", "variables 1k", "variables 100"]
    samples = {n: [] for n in names}
    rss = []
    for _ in range(args.runs):
        rss.append(one_run(wdb, os.path.abspath(args.module), args.steps, samples))
    size = os.path.getsize(args.module)
    print(f"module {os.path.relpath(args.module, ROOT)} ({size / 1e6:.1f} MB), "
          f"{args.runs} runs, {args.steps} steps each; adapter max RSS {max(rss) / 1024:.0f} MB")
    print(f"{'':<14} {'n':>5} {'median ms':>10} {'p95 ms':>8} {'min ms':>8}")
    for n in names:
        xs = samples[n]
        print(f"{n:<14} {len(xs):>5} {ms(statistics.median(xs)):>10.2f} {ms(p95(xs)):>8.2f} "
              f"{ms(min(xs)):>8.2f}")


if __name__ == "__main__":
    main()
