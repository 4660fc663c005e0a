//! End-to-end tests with real LLDB (23, with the WebAssembly plugin: `pip install
//! lldb-for-pwndbg`) against `wdb run -g`, on the C guests. Each test asserts on LLDB's output.
//!
//! When `lldb` is not installed the tests fail if `WDB_REQUIRE_LLDB=1` (the test script sets it)
//! and are reported as skipped otherwise.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn guest(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/guests/build")
        .join(name)
}

fn guests_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/guests")
        .canonicalize()
        .unwrap()
}

fn have_lldb() -> bool {
    let ok = Command::new("lldb")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("WDB_REQUIRE_LLDB").is_none(),
            "lldb is required (pip install lldb-for-pwndbg)"
        );
        eprintln!("skipped: lldb not found");
    }
    ok
}

/// A `wdb run -g 127.0.0.1:0` process waiting for LLDB.
struct Wdb {
    child: Child,
    port: u16,
}

impl Wdb {
    fn start(wasm: &str, args: &[&str]) -> Wdb {
        Wdb::start_with(&[], wasm, args)
    }

    fn start_with(flags: &[&str], wasm: &str, args: &[&str]) -> Wdb {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wdb"))
            .args(["run", "-g", "127.0.0.1:0"])
            .args(flags)
            .arg(guest(wasm))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let port = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        assert!(
            line.contains(&format!(
                "process connect --plugin wasm connect://127.0.0.1:{port}"
            )),
            "{line}"
        );
        // Keep draining stderr so the program never blocks on it.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        Wdb { child, port }
    }

    /// Waits for the program's exit; returns its status code and stdout.
    fn finish(mut self) -> (Option<i32>, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut out = String::new();
                self.child
                    .stdout
                    .take()
                    .unwrap()
                    .read_to_string(&mut out)
                    .unwrap();
                return (status.code(), out);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("wdb did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Runs LLDB in batch mode: connect to `port`, then `commands`; returns its output.
fn lldb(port: u16, commands: &[&str]) -> String {
    let mut cmd = Command::new("lldb");
    cmd.arg("-b").arg("--no-use-colors");
    cmd.arg("-o").arg(format!(
        "settings set target.source-map /work/main/tests/guests {}",
        guests_src().display()
    ));
    cmd.arg("-o").arg(format!(
        "process connect --plugin wasm connect://127.0.0.1:{port}"
    ));
    for c in commands {
        cmd.arg("-o").arg(c);
    }
    run_with_timeout(cmd, Duration::from_secs(60))
}

fn run_with_timeout(mut cmd: Command, limit: Duration) -> String {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("lldb timed out; output so far:\n{}", out.join().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    format!("{}{}", out.join().unwrap(), err.join().unwrap())
}

fn assert_contains(out: &str, needles: &[&str]) {
    for n in needles {
        assert!(out.contains(n), "missing {n:?} in LLDB output:\n{out}");
    }
}

#[test]
fn break_on_function_backtrace_and_arguments() {
    if !have_lldb() {
        return;
    }
    let wdb = Wdb::start("recursion.O0.wasm", &["5"]);
    let out = lldb(
        wdb.port,
        &[
            "b sum_to",
            "c",
            "bt",
            "frame variable n",
            "c",
            "c",
            "bt",
            "p n",
            "c",
        ],
    );
    assert_contains(
        &out,
        &[
            "Breakpoint 1: where = ",
            "sum_to",
            "stop reason = breakpoint 1.1",
            "frame #0",
            "main",
        ],
    );
    assert_contains(
        &out,
        &["(int) n = 5", "(int) 3", "sum_to(n=4) at recursion.c:20"],
    );
    // Three sum_to frames above main at the third stop.
    let third_bt = out.rsplit("bt").next().unwrap();
    assert!(third_bt.matches("sum_to").count() >= 3, "{out}");
    let (code, stdout) = wdb.finish();
    assert_eq!(code, Some(0));
    assert!(stdout.contains("sum_to(5) = 15"), "{stdout}");
}

#[test]
fn break_on_file_and_line_shows_structs_arrays_and_pointers() {
    if !have_lldb() {
        return;
    }
    let wdb = Wdb::start("vars.O0.wasm", &[]);
    let out = lldb(
        wdb.port,
        &[
            "b vars.c:118",
            "c",
            "frame variable letter small port squares",
            "p g_items[0]",
            "p g_head->name",
            "p g_head->next->quantity",
            "p *g_head",
            "p g_grid[2][3]",
            "p fn",
            "c",
        ],
    );
    assert_contains(
        &out,
        &[
            "vars.c:118",
            "(char) letter = 'w'",
            "(signed char) small = '\\xfb'",
            "port = 8080",
            "[7] = 49",
            "name = \"hammer\"",
            "\"wrench\"",
            "= 2",
            "quantity = 1",
            "(int) 23",
            "(pricing_fn) 0x",
            "location = (x = 4.5, y = -3)",
            "flags = (fragile = 0, taxable = 1, shelf = 9, rating = 1)",
        ],
    );
    let (code, stdout) = wdb.finish();
    assert_eq!(code, Some(0));
    assert!(stdout.contains("PASSED"));
}

#[test]
fn stepping_next_step_and_finish() {
    if !have_lldb() {
        return;
    }
    let wdb = Wdb::start("vars.O0.wasm", &[]);
    let out = lldb(
        wdb.port,
        &["b add_item", "c", "n", "n", "s", "finish", "bt", "c"],
    );
    assert_contains(&out, &["add_item", "stop reason = step over", "main"]);
    assert_eq!(wdb.finish().0, Some(0));
}

#[test]
fn memory_read_write_registers_and_disassembly() {
    if !have_lldb() {
        return;
    }
    let wdb = Wdb::start("vars.O0.wasm", &[]);
    let out = lldb(
        wdb.port,
        &[
            "b vars.c:118",
            "c",
            "register read pc",
            "memory read --size 1 --count 4 &g_bytes",
            "memory write &g_bytes 0x11 0x22",
            "memory read --size 1 --count 4 &g_bytes",
            "disassemble --count 4",
            "c",
        ],
    );
    assert_contains(
        &out,
        &[
            "pc = 0x40000000",
            ": de ad be ef",
            ": 11 22 be ef",
            "vars.O0.wasm`main:",
            "global.get 0",
        ],
    );
    let (code, stdout) = wdb.finish();
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("bytes=1122beef"),
        "the write reached the program: {stdout}"
    );
}

#[test]
fn traps_are_reported_with_their_message_and_exit_status() {
    if !have_lldb() {
        return;
    }
    let wdb = Wdb::start("traps.O0.wasm", &["div-zero"]);
    let out = lldb(wdb.port, &["c", "bt"]);
    assert_contains(&out, &["integer divide by zero"]);
    let (code, _) = wdb.finish();
    assert_ne!(code, Some(0));
}

#[test]
fn exit_status_reaches_lldb() {
    if !have_lldb() {
        return;
    }
    let wdb = Wdb::start("exitcode.O0.wasm", &["nested"]);
    let out = lldb(wdb.port, &["c"]);
    assert_contains(&out, &["exited with status = 3"]);
    assert_eq!(wdb.finish().0, Some(3));
}

#[test]
fn optimized_code_shows_inlined_frames_and_values() {
    if !have_lldb() {
        return;
    }
    let wdb = Wdb::start("vars.O2.wasm", &[]);
    let out = lldb(
        wdb.port,
        &[
            "b total_value",
            "c",
            "bt",
            "n",
            "n",
            "frame variable total",
            "c",
            "c",
        ],
    );
    // price_plain and total_value are inlined into main: three source frames at one wasm pc.
    assert_contains(
        &out,
        &[
            "`price_plain(it=<unavailable>) at vars.c:53:56 [inlined]",
            "`total_value(head=<unavailable>, fn=<unavailable>) at vars.c:87:20",
            "`main at vars.c:117:20",
            "(double) total = 20",
        ],
    );
    assert!(!out.contains("error:"), "{out}");
    assert_eq!(wdb.finish().0, Some(0));
}

#[test]
fn interrupt_stops_an_infinite_loop() {
    if !have_lldb() {
        return;
    }
    let wdb = Wdb::start("spin.O0.wasm", &[]);
    let out = lldb(
        wdb.port,
        &[
            "script d = lldb.debugger; d.SetAsync(True); p = d.GetSelectedTarget().GetProcess(); p.Continue(); \
             import time; time.sleep(1); p.Stop(); time.sleep(1); d.SetAsync(False); \
             print('STATE', lldb.SBDebugger.StateAsCString(p.GetState()))",
            "bt",
            "process kill",
        ],
    );
    assert_contains(&out, &["STATE stopped", "spin"]);
    let (code, stdout) = wdb.finish();
    assert_ne!(code, Some(0), "killed");
    assert!(stdout.contains("spinning"));
}

#[test]
fn watchpoints_stop_as_watchpoints_with_old_and_new_values() {
    if !have_lldb() {
        return;
    }
    let wdb = Wdb::start("vars.O0.wasm", &[]);
    let out = lldb(
        wdb.port,
        &[
            "b vars.c:104",
            "c",
            "watchpoint set variable g_counter",
            "c",
            "p g_counter",
            "c",
            "p g_counter",
            "watchpoint delete 1",
            "c",
        ],
    );
    assert_contains(
        &out,
        &[
            "Watchpoint created",
            "stop reason = watchpoint 1",
            "old value: 0",
            "new value: 1",
            "(int) 1",
            "(int) 2",
            "exited with status = 0",
        ],
    );
    assert_eq!(wdb.finish().0, Some(0));
}

#[test]
fn lldb_launches_wdb_as_its_wasm_platform_runtime() {
    if !have_lldb() {
        return;
    }
    let mut cmd = Command::new("lldb");
    cmd.arg("-b").arg("--no-use-colors");
    for c in [
        format!(
            "settings set platform.plugin.wasm.runtime-path {}",
            env!("CARGO_BIN_EXE_wdb")
        ),
        "settings set platform.plugin.wasm.runtime-args run".to_string(),
        "settings set -- platform.plugin.wasm.port-arg --gdb-port=".to_string(),
        "settings set -- platform.plugin.wasm.env-arg --env=".to_string(),
        "platform select wasm".to_string(),
        format!("target create {}", guest("recursion.O0.wasm").display()),
        "settings set target.run-args 3".to_string(),
        "b sum_to".to_string(),
        "run".to_string(),
        "frame variable n".to_string(),
        "breakpoint delete 1".to_string(),
        "c".to_string(),
    ] {
        cmd.arg("-o").arg(c);
    }
    let out = run_with_timeout(cmd, Duration::from_secs(60));
    assert_contains(
        &out,
        &[
            "stop reason = breakpoint 1.1",
            "(int) n = 3",
            "sum_to(3) = 6",
            "exited with status = 0",
        ],
    );
}

/// The ground truth: the same C source compiled natively (gcc -g -O0) and stopped at the same
/// line under gdb shows the same values LLDB shows through wdb.
#[test]
fn lldb_values_match_gdb_on_the_native_build() {
    if !have_lldb() {
        return;
    }
    if Command::new("gdb").arg("--version").output().is_err()
        || Command::new("gcc").arg("--version").output().is_err()
    {
        assert!(
            std::env::var_os("WDB_REQUIRE_LLDB").is_none(),
            "gdb and gcc are required"
        );
        eprintln!("skipped: gdb or gcc not found");
        return;
    }
    let exprs = [
        "p/x letter",
        "p/x small",
        "p/x port",
        "p/x mask",
        "p/x squares[7]",
        "p/x ids[2]",
        "p/x g_counter",
        "p/x g_big",
        "p/x g_bytes[1]",
        "p/x g_grid[2][3]",
        "p/x g_head->next->quantity",
        "p/x g_number.i",
        "p/x g_items[2].flags.shelf",
        "p/x g_items[0].flags.rating",
        "p/x g_items[0].kind",
        "p plain",
        "p g_items[1].price",
        "p g_items[3].location.x",
        "p g_head->name",
        "p greeting",
        "p g_title",
    ];
    // Native build under gdb.
    let dir = std::env::temp_dir().join(format!("wdb-gdb-truth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join("vars");
    let status = Command::new("gcc")
        .args(["-g", "-O0", "-o"])
        .arg(&exe)
        .arg(guests_src().join("vars.c"))
        .status()
        .unwrap();
    assert!(status.success());
    let mut gdb = Command::new("gdb");
    gdb.args(["-nx", "-batch", "-ex", "break vars.c:118", "-ex", "run"]);
    for e in exprs {
        gdb.arg("-ex").arg(e);
    }
    gdb.arg(&exe);
    let gdb_out = run_with_timeout(gdb, Duration::from_secs(60));
    let gdb_values: Vec<String> = gdb_out
        .lines()
        .filter(|l| l.starts_with('$'))
        .map(|l| normalize(l.split_once(" = ").unwrap().1))
        .collect();
    assert_eq!(gdb_values.len(), exprs.len(), "{gdb_out}");

    let wdb = Wdb::start("vars.O0.wasm", &[]);
    let mut cmds = vec!["b vars.c:118", "c"];
    cmds.extend(exprs);
    cmds.push("c");
    let out = lldb(wdb.port, &cmds);
    let mut lldb_values = Vec::new();
    for e in exprs {
        // The line after the echoed command holds "(type) value".
        let echoed = format!("(lldb) {e}\n");
        let at = out
            .find(&echoed)
            .unwrap_or_else(|| panic!("{e} not run:\n{out}"))
            + echoed.len();
        let line = out[at..].lines().next().unwrap_or_default();
        let value = line.split_once(") ").map_or(line, |(_, v)| v);
        lldb_values.push(normalize(value));
    }
    for ((e, g), l) in exprs.iter().zip(&gdb_values).zip(&lldb_values) {
        assert_eq!(g, l, "{e}: gdb (native) says {g}, LLDB (wdb) says {l}");
    }
    assert_eq!(wdb.finish().0, Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Makes gdb's and LLDB's renderings comparable: hex numbers unpadded, strings keep their quoted
/// text only (addresses differ between a native and a wasm build, gdb appends
/// `'\000' <repeats N times>`).
fn normalize(value: &str) -> String {
    let value = value.trim();
    if let Some(hex) = value.strip_prefix("0x")
        && let Ok(n) = u128::from_str_radix(hex, 16)
    {
        return format!("{n:#x}"); // LLDB pads to the type's width, gdb does not
    }
    match (value.find('"'), value.rfind('"')) {
        (Some(a), Some(b)) if b > a => {
            let text = value[a + 1..b].trim_end_matches("\\000");
            format!("\"{text}\"")
        }
        _ => value.to_string(),
    }
}

#[test]
fn disconnect_runs_to_completion_or_kills_as_chosen() {
    if !have_lldb() {
        return;
    }
    // Default: the client leaves at a breakpoint; the breakpoint is removed and the program ends.
    let wdb = Wdb::start("recursion.O0.wasm", &["4"]);
    let out = lldb(wdb.port, &["b sum_to", "c", "process detach"]);
    assert_contains(&out, &["stop reason = breakpoint 1.1"]);
    let (code, stdout) = wdb.finish();
    assert_eq!(code, Some(0));
    assert!(stdout.contains("sum_to(4) = 10"), "{stdout}");
    // --on-disconnect=kill: the program is ended.
    let wdb = Wdb::start_with(&["--on-disconnect=kill"], "recursion.O0.wasm", &["4"]);
    lldb(wdb.port, &["b sum_to", "c", "process detach"]);
    let (code, stdout) = wdb.finish();
    assert_ne!(code, Some(0));
    assert!(!stdout.contains("sum_to(4)"), "{stdout}");
}
