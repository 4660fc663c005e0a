#!/usr/bin/env bash
# Generates expected/<case>.stdout and expected/<case>.exit for every case in cases.json
# from NATIVE builds of the guest sources (gcc/g++ at -O0 and -O2; both must agree).
#   .stdout  the exact stdout of the case
#   .exit    the native exit code, or "signal N" when the program died from signal N
#            (the trap cases: in wasm these are traps; cases.json gives the trap kind)
# Checks the native results against cases.json: non-trap cases must exit with the listed
# code, trap cases must die from a signal. Exits non-zero on any mismatch.
# A program with no top-level PROGRAM.c/.cpp (sqlite: sources in sqlite/ plus the SQLite
# amalgamation) is delegated to `build-PROGRAM.sh --expected`, which must write the case's
# expected/ files; its exit code is then checked against cases.json like the others.
# Env: CC (default gcc), CXX (default g++).
set -euo pipefail
cd "$(dirname "$0")"
exec python3 - "$@" <<'PY'
import json, os, shutil, signal, subprocess, sys, tempfile

cc = os.environ.get("CC", "gcc")
cxx = os.environ.get("CXX", "g++")
cases = json.load(open("cases.json"))["cases"]
os.makedirs("expected", exist_ok=True)
work = tempfile.mkdtemp(prefix="wdb-guests-native-")
try:
    # Build every program natively at both levels; delegate those without a top-level source.
    binaries, delegated = {}, set()
    for program in sorted({c["program"] for c in cases}):
        src = next((program + ext for ext in (".c", ".cpp") if os.path.exists(program + ext)), None)
        if src is None:
            script = f"build-{program}.sh"
            if not os.path.exists(script):
                sys.exit(f"gen-expected: no {program}.c, {program}.cpp or {script}")
            print(f"gen-expected: {program}: no top-level source, running {script} --expected", flush=True)
            subprocess.run(["./" + script, "--expected"], check=True)
            delegated.add(program)
            continue
        for opt in ("O0", "O2"):
            exe = os.path.join(work, f"{program}.{opt}")
            if src.endswith(".c"):
                cmd = [cc, "-std=c11", f"-{opt}", "-Wall", "-Werror=implicit-function-declaration", src, "-o", exe]
            else:
                cmd = [cxx, "-std=c++17", "-fno-exceptions", f"-{opt}", "-Wall", src, "-o", exe]
            subprocess.run(cmd, check=True)
            binaries.setdefault(program, []).append(exe)

    failures = 0
    for c in cases:
        if c["program"] in delegated:
            # build-PROGRAM.sh --expected compared its own -O0 and -O2 native builds.
            st0 = open(os.path.splitext(c["stdout"])[0] + ".exit").read().strip()
            ok = (c["trap"] is None and st0 == str(c["exit"])) or (c["trap"] is not None and st0.startswith("signal"))
            if not ok:
                print(f"MISMATCH {c['name']}: native {st0}, cases.json says exit {c['exit']}, trap {c['trap']}")
            print(f"{'ok  ' if ok else 'FAIL'} {c['name']:<22} native: {st0:<10} trap: {c['trap'] or '-'} (build-{c['program']}.sh)")
            failures += not ok
            continue
        results = []
        for exe in binaries[c["program"]]:
            hostdir = tempfile.mkdtemp(prefix="wdb-guest-dir-", dir=work) if c["preopen"] else None
            args = []
            for a in c["args"]:
                if c["preopen"] and (a == c["preopen"] or a.startswith(c["preopen"] + "/")):
                    a = hostdir + a[len(c["preopen"]):]
                args.append(a)
            p = subprocess.run([exe] + args, env=dict(c["env"]), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
            status = f"signal {-p.returncode}" if p.returncode < 0 else str(p.returncode)
            results.append((p.stdout, status, exe))
        (out0, st0, exe0), (out2, st2, exe2) = results
        ok = True
        if out0 != out2 or st0 != st2:
            print(f"MISMATCH {c['name']}: -O0 and -O2 native builds differ ({st0} vs {st2})")
            ok = False
        if c["trap"] is None and st0 != str(c["exit"]):
            print(f"MISMATCH {c['name']}: native exit {st0}, cases.json says {c['exit']}")
            ok = False
        if c["trap"] is not None and not st0.startswith("signal"):
            print(f"MISMATCH {c['name']}: trap case exited normally natively ({st0})")
            ok = False
        with open(c["stdout"], "wb") as f:
            f.write(out0)
        with open(os.path.splitext(c["stdout"])[0] + ".exit", "w") as f:
            f.write(st0 + "\n")
        print(f"{'ok  ' if ok else 'FAIL'} {c['name']:<22} native: {st0:<10} trap: {c['trap'] or '-'}")
        failures += not ok
    print(f"gen-expected: {len(cases) - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)
finally:
    shutil.rmtree(work, ignore_errors=True)
PY
