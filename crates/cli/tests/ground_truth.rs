//! Ground truth for wdb's variable values: every C guest of tests/guests, compiled natively
//! (`gcc -g -O0 -std=c11`) and stopped under gdb at the same source lines as `wdb debug` stops
//! the wasm builds (NAME.O0.wasm and NAME.O2.wasm). At each stop both print `info args`,
//! `info locals` and a few expressions; the values must be equal at -O0 (after normalizing
//! what legitimately differs between a native and a wasm build: addresses). At -O2 the
//! agreement is measured and printed, not asserted (only a wdb crash fails it).
//!
//! Values are compared by variable name; the order of `info locals` is not (gdb walks a nested
//! block's symbols in hash order, and gcc and clang place static locals differently). gdb runs
//! with `set print symbol off`: wdb does not write `<symbol+offset>` after data pointers.
//! `--nocapture` shows the table of stops, the agreement and every -O2 difference.
//!
//! When gdb or gcc are not installed the test fails if `WDB_REQUIRE_GDB=1` or
//! `WDB_REQUIRE_LLDB=1` (scripts/test.sh installs them and sets both) and is skipped otherwise.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One program run: a guest with its arguments, environment and preopened directory.
struct Run {
    guest: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    /// Mount an empty directory as guest `/data` and pass `data` (relative, so the native
    /// build, run in the directory holding `data/`, sees the same path string).
    preopen_data: bool,
    stops: &'static [Stop],
}

/// A breakpoint line; the program is stopped at its first hit.
struct Stop {
    line: u32,
    /// Expressions printed (`print EXPR`) in addition to `info args` and `info locals`.
    exprs: &'static [&'static str],
    /// Variables left out of the comparison, with the reason: their values legitimately differ
    /// between the native and the wasm build (uninitialized memory, platform structs).
    exempt: &'static [(&'static str, &'static str)],
}

const fn stop(line: u32, exprs: &'static [&'static str]) -> Stop {
    Stop {
        line,
        exprs,
        exempt: &[],
    }
}

const UNINIT: &str = "not yet initialized at this line: stack garbage differs";
const FREED: &str = "freed: what the dangling pointer shows is allocator-specific";

/// Every C guest. The lines: every `BREAK:` line of the sources (checked below), and in the
/// guests without any, lines in several functions where the locals in scope are initialized.
const RUNS: &[Run] = &[
    Run {
        guest: "hello",
        args: &[],
        env: &[],
        preopen_data: false,
        stops: &[
            stop(11, &["*got", "want[3]"]),
            Stop {
                line: 70,
                exprs: &["n", "small", "buf[0]", "buf[39]", "buf[40]"],
                exempt: &[(
                    "buf",
                    "the bytes after the longest snprintf output so far are uninitialized",
                )],
            },
        ],
    },
    Run {
        guest: "alloc",
        args: &[],
        env: &[],
        preopen_data: false,
        stops: &[
            stop(31, &["*n", "n->value"]),
            stop(76, &["link", "*link"]),
            stop(141, &["*m", "key[3]"]),
            Stop {
                line: 199,
                exprs: &["m", "m.nbuckets", "key[7]"],
                exempt: &[(
                    "key",
                    "the bytes after the last snprintf output (\"key4998\") are uninitialized",
                )],
            },
            stop(229, &["v != 0"]),
            Stop {
                line: 263,
                exprs: &["big >> 20", "blocks[1] != 0", "p != 0", "z != 0"],
                exempt: &[("z", FREED), ("p", FREED)],
            },
        ],
    },
    Run {
        guest: "args_env",
        args: &["one", "two words", "ünïcødé", ""],
        env: &[("WDB_GUEST_VAR", "hello world"), ("WDB_GUEST_EMPTY", "")],
        preopen_data: false,
        stops: &[
            stop(
                19,
                &[
                    "argv[1]",
                    "argv[2]",
                    "argv[3]",
                    "argv[4]",
                    "argv[argc]",
                    "*argv[2]",
                ],
            ),
            stop(12, &["*v", "v[5]"]),
        ],
    },
    Run {
        guest: "exitcode",
        args: &["nested"],
        env: &[],
        preopen_data: false,
        stops: &[
            stop(31, &["argv[1]", "argc > 1"]),
            stop(24, &["code * 2"]),
            stop(18, &[]),
            stop(13, &[]),
        ],
    },
    Run {
        guest: "files",
        args: &["data"],
        env: &[],
        preopen_data: true,
        stops: &[
            stop(34, &["bufs[0]", "base"]),
            Stop {
                line: 62,
                exprs: &["label", "n"],
                exempt: &[(
                    "names",
                    "never assigned (the directory is empty): stack garbage",
                )],
            },
            Stop {
                line: 130,
                exprs: &["bytes", "got", "w", "r", "pos", "end", "fst.st_size", "dir"],
                exempt: &[
                    ("st", "struct stat differs between glibc and wasi-libc"),
                    ("fst", "struct stat differs between glibc and wasi-libc"),
                    ("fd", "WASI numbers the preopened directories from 3"),
                    (
                        "r",
                        "main's `r` is not yet initialized (the block's `r` is `print r`)",
                    ),
                    ("gone", UNINIT),
                ],
            },
        ],
    },
    Run {
        guest: "recursion",
        args: &[],
        env: &[],
        preopen_data: false,
        stops: &[
            stop(21, &["rest + n"]),
            stop(37, &[]),
            stop(30, &[]),
            stop(63, &["g_sink", "g_depth", "sum == want"]),
        ],
    },
    Run {
        guest: "spin",
        args: &[],
        env: &[],
        preopen_data: false,
        stops: &[stop(9, &["g_spins", "g_stop"])],
    },
    Run {
        guest: "traps",
        args: &["div-zero"],
        env: &[],
        preopen_data: false,
        stops: &[
            stop(42, &["g_zero", "g_minus_one", "g_int_min", "g_null_fn"]),
            stop(78, &["*mode", "modes", "g_one_arg_fn"]),
        ],
    },
    Run {
        guest: "traps",
        args: &["oob-store"],
        env: &[],
        preopen_data: false,
        stops: &[stop(56, &["g_far_address"])],
    },
    Run {
        guest: "traps",
        args: &["sig-mismatch"],
        env: &[],
        preopen_data: false,
        stops: &[Stop {
            line: 67,
            exprs: &["f"],
            exempt: &[("r", "assigned by this line (whose call traps in wasm)")],
        }],
    },
    Run {
        guest: "vars",
        args: &[],
        env: &[],
        preopen_data: false,
        stops: &[
            stop(57, &["*it", "it->flags", "it->name", "base * 2"]),
            stop(
                75,
                &["*it", "g_items[0]", "g_head->location", "g_counter", "name"],
            ),
            stop(88, &["*it", "*head", "fn", "it->next->name"]),
            Stop {
                line: 118,
                exprs: &[
                    "*g_head",
                    "*g_head->next",
                    "g_items",
                    "g_items[2].flags",
                    "&g_items[1]",
                    "g_number",
                    "g_grid",
                    "g_grid[2]",
                    "g_bytes",
                    "g_big",
                    "g_title",
                    "g_counter",
                    "g_last_visited",
                    "fn",
                    "greeting",
                    "*greeting",
                    "squares",
                    "ids",
                    "mask",
                    "letter",
                    "small",
                    "port",
                    "plain",
                ],
                exempt: &[
                    ("taxed", "assigned by this line"),
                    ("ok", "declared further down (line 132): stack garbage"),
                ],
            },
        ],
    },
];

/// Deviations of wdb from gdb that are known wdb bugs outside this test's reach. A value
/// accepted by one of these is counted as equal and reported. Remove an entry when its bug is
/// fixed.
struct KnownBug {
    what: &'static str,
    /// (section, key, gdb's normalized value, wdb's normalized value) -> accepted?
    accepts: fn(&str, &str, Option<&str>, Option<&str>) -> bool,
}

const KNOWN_BUGS: &[KnownBug] = &[KnownBug {
    what: "`info locals` leaves out the enumerators of an enum declared in the function \
               (gdb lists them as `N = N`; the DWARF has them in the subprogram's scope)",
    accepts: |section, key, gdb, wdb| section == "locals" && wdb.is_none() && gdb == Some(key),
}];

// ---- tools --------------------------------------------------------------------------------

fn guests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/guests")
        .canonicalize()
        .unwrap()
}

fn have_gdb_and_gcc() -> bool {
    let works = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let ok = works("gdb") && works("gcc");
    if !ok {
        assert!(
            std::env::var_os("WDB_REQUIRE_GDB").is_none()
                && std::env::var_os("WDB_REQUIRE_LLDB").is_none(),
            "gdb and gcc are required (apt-get install gdb gcc; scripts/test.sh does)"
        );
        eprintln!("skipped: gdb or gcc not found (apt-get install gdb gcc)");
    }
    ok
}

struct Output {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run_with_timeout(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "timed out: {cmd:?}\n{}\n{}",
                out.join().unwrap(),
                err.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// A fresh temporary directory (with an empty `data/` for the files guest).
fn tempdir(label: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "wdb-ground-truth-{}-{label}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    dir
}

// ---- one stop under gdb and under wdb ------------------------------------------------------

const MARK: &str = "@@ground-truth";

/// The commands after `run`: markers (gdb's and wdb's `echo`) delimit each output.
fn inspect_commands(stop: &Stop) -> Vec<String> {
    let mut cmds = vec![
        format!("echo \\n{MARK} args\\n"),
        "info args".to_string(),
        format!("echo {MARK} locals\\n"),
        "info locals".to_string(),
    ];
    for e in stop.exprs {
        cmds.push(format!("echo {MARK} expr\\n"));
        cmds.push(format!("print {e}"));
    }
    cmds.push(format!("echo {MARK} end\\n"));
    cmds
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn gdb_stop(exe: &Path, run: &Run, stop: &Stop) -> Output {
    let cwd = tempdir(run.guest);
    let mut cmd = Command::new("gdb");
    cmd.current_dir(&cwd);
    cmd.args(["-nx", "-batch", "-iex", "set debuginfod enabled off"]);
    for setting in [
        // One value per line, in the notation wdb implements.
        "set print pretty off",
        "set width 0",
        "set height 0",
        "set print elements 200",
        "set print repeats 10",
        // Non-ASCII bytes as octal escapes, whatever the locale.
        "set charset ASCII",
        // No `<symbol+offset>` after data pointers (wdb does not print them); function
        // pointers keep their `<name>`.
        "set print symbol off",
        "set confirm off",
    ] {
        cmd.arg("-ex").arg(setting);
    }
    cmd.arg("-ex")
        .arg(format!("break {}.c:{}", run.guest, stop.line));
    let args: Vec<String> = run.args.iter().map(|a| shell_quote(a)).collect();
    cmd.arg("-ex")
        .arg(format!("run {} </dev/null >/dev/null 2>&1", args.join(" ")));
    for c in inspect_commands(stop) {
        cmd.arg("-ex").arg(c);
    }
    cmd.arg(exe);
    cmd.env_remove("WDB_GUEST_UNSET");
    for (k, v) in run.env {
        cmd.env(k, v);
    }
    let out = run_with_timeout(cmd, Duration::from_secs(120));
    let _ = std::fs::remove_dir_all(&cwd);
    out
}

fn wdb_stop(wasm: &Path, run: &Run, stop: &Stop) -> Output {
    let cwd = tempdir(run.guest);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wdb"));
    cmd.current_dir(&cwd);
    cmd.args(["debug", "--batch"]);
    if run.preopen_data {
        cmd.arg(format!("--dir={}::/data", cwd.join("data").display()));
    }
    for (k, v) in run.env {
        cmd.arg(format!("--env={k}={v}"));
    }
    cmd.arg("-ex")
        .arg(format!("break {}.c:{}", run.guest, stop.line));
    cmd.arg("-ex").arg("run");
    for c in inspect_commands(stop) {
        cmd.arg("-ex").arg(c);
    }
    cmd.arg(wasm).args(run.args);
    let out = run_with_timeout(cmd, Duration::from_secs(120));
    let _ = std::fs::remove_dir_all(&cwd);
    out
}

/// What one debugger showed at one stop.
#[derive(Default)]
struct Shown {
    reached: bool,
    /// (section, key, value): section "args", "locals" or "expr"; key the variable's name
    /// (`name#2` for the second one of that name: shadowed variables) or the expression.
    values: Vec<(&'static str, String, String)>,
}

fn parse(out: &str, stop: &Stop) -> Shown {
    let mut shown = Shown {
        reached: out.lines().any(|l| l.starts_with("Breakpoint 1, ")),
        ..Shown::default()
    };
    let mut section = "";
    let mut exprs = stop.exprs.iter();
    let mut expr = "";
    for line in out.lines() {
        if let Some(s) = line.strip_prefix(MARK) {
            section = match s.trim() {
                "args" => "args",
                "locals" => "locals",
                "expr" => {
                    expr = exprs.next().unwrap();
                    "expr"
                }
                _ => "",
            };
            continue;
        }
        match section {
            "args" | "locals" => {
                let Some((name, value)) = line.split_once(" = ") else {
                    continue;
                };
                let is_ident =
                    name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.is_empty();
                if !is_ident {
                    continue;
                }
                let same = shown
                    .values
                    .iter()
                    .filter(|(s, k, _)| *s == section && k.split('#').next() == Some(name))
                    .count();
                let key = if same == 0 {
                    name.to_string()
                } else {
                    format!("{name}#{}", same + 1)
                };
                shown.values.push((section, key, value.to_string()));
            }
            "expr" => {
                if let Some(rest) = line.strip_prefix('$')
                    && let Some((n, value)) = rest.split_once(" = ")
                    && n.chars().all(|c| c.is_ascii_digit())
                {
                    shown
                        .values
                        .push(("expr", expr.to_string(), value.to_string()));
                }
            }
            _ => {}
        }
    }
    shown
}

/// Addresses differ between the native and the wasm build: every nonzero hex number becomes
/// `0xPTR` (a null pointer stays `0x0`; a function pointer keeps its `<name>`).
fn normalize(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find("0x") {
        let preceded_by_word = rest[..at]
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let digits = rest[at + 2..]
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(rest.len() - at - 2);
        out.push_str(&rest[..at]);
        let hex = &rest[at + 2..at + 2 + digits];
        if preceded_by_word || hex.is_empty() || hex.chars().all(|c| c == '0') {
            out.push_str(&rest[at..at + 2 + digits]);
        } else {
            out.push_str("0xPTR");
        }
        rest = &rest[at + 2 + digits..];
    }
    out.push_str(rest);
    out
}

/// The comparison of one stop: (section, key, gdb's value, wdb's value), normalized; a side
/// that did not show the key has None.
type Row = (&'static str, String, Option<String>, Option<String>);

fn compare(gdb: &Shown, wdb: &Shown, stop: &Stop) -> Vec<Row> {
    let exempt = |section: &str, key: &str| {
        section != "expr"
            && stop
                .exempt
                .iter()
                .any(|(n, _)| key.split('#').next() == Some(*n))
    };
    let mut keys: Vec<(&'static str, String)> = Vec::new();
    for (s, k, _) in gdb.values.iter().chain(&wdb.values) {
        if !exempt(s, k) && !keys.iter().any(|(s2, k2)| s2 == s && k2 == k) {
            keys.push((s, k.clone()));
        }
    }
    let get = |shown: &Shown, s: &str, k: &str| {
        shown
            .values
            .iter()
            .find(|(s2, k2, _)| *s2 == s && k2 == k)
            .map(|(_, _, v)| normalize(v))
    };
    keys.into_iter()
        .map(|(s, k)| {
            let g = get(gdb, s, &k);
            let w = get(wdb, s, &k);
            (s, k, g, w)
        })
        .collect()
}

/// Whether a row agrees; the known bug it needed, if any.
fn agrees(row: &Row) -> (bool, Option<usize>) {
    let (s, k, g, w) = row;
    if g.is_some() && g == w {
        return (true, None);
    }
    match KNOWN_BUGS
        .iter()
        .position(|b| (b.accepts)(s, k, g.as_deref(), w.as_deref()))
    {
        Some(i) => (true, Some(i)),
        None => (false, None),
    }
}

fn crashed(out: &Output) -> bool {
    out.stderr.contains("panicked") || out.status.is_none() || out.status == Some(101)
}

/// The lines of a C source that carry a `BREAK:` comment.
fn break_lines(source: &str) -> Vec<u32> {
    source
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("/* BREAK:"))
        .map(|(i, _)| i as u32 + 1)
        .collect()
}

#[test]
fn wdb_values_match_gdb_on_every_c_guest() {
    if !have_gdb_and_gcc() {
        return;
    }
    let guests = guests_dir();

    // Every C guest is here, with all its BREAK lines.
    let mut c_guests = BTreeSet::new();
    for entry in std::fs::read_dir(&guests).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "c") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let source = std::fs::read_to_string(&path).unwrap();
            for line in break_lines(&source) {
                assert!(
                    RUNS.iter()
                        .any(|r| r.guest == name && r.stops.iter().any(|s| s.line == line)),
                    "{name}.c:{line} is a BREAK line without a stop in RUNS"
                );
            }
            c_guests.insert(name);
        }
    }
    let covered: BTreeSet<String> = RUNS.iter().map(|r| r.guest.to_string()).collect();
    assert_eq!(c_guests, covered, "RUNS must cover every C guest");

    // Native builds.
    let build = tempdir("native");
    for guest in &c_guests {
        let status = Command::new("gcc")
            .args(["-g", "-O0", "-std=c11", "-o"])
            .arg(build.join(guest))
            .arg(guests.join(format!("{guest}.c")))
            .status()
            .unwrap();
        assert!(status.success(), "gcc {guest}.c failed");
    }

    let mut table = String::new();
    let mut o0_failures = Vec::new();
    let mut crashes = Vec::new();
    let mut bug_uses = vec![0usize; KNOWN_BUGS.len()];
    let (mut o0_equal, mut o0_total, mut o2_equal, mut o2_total) = (0, 0, 0, 0);
    let mut o2_detail = String::new();
    for run in RUNS {
        let exe = build.join(run.guest);
        for stop in run.stops {
            let label = format!("{}.c:{}", run.guest, stop.line);
            let gdb_out = gdb_stop(&exe, run, stop);
            let gdb = parse(&gdb_out.stdout, stop);
            assert!(
                gdb.reached,
                "{label}: gdb did not stop there\n{}\n{}",
                gdb_out.stdout, gdb_out.stderr
            );
            for (name, _) in stop.exempt {
                assert!(
                    gdb.values
                        .iter()
                        .any(|(s, k, _)| *s != "expr" && k.split('#').next() == Some(*name)),
                    "{label}: exempt variable {name} is not shown by gdb"
                );
            }
            for (s, k, v) in &gdb.values {
                assert!(
                    !v.contains("<optimized out>"),
                    "{label}: gdb shows {s} {k} optimized out at -O0"
                );
            }
            let mut cells = Vec::new();
            for opt in ["O0", "O2"] {
                let wasm = guests.join(format!("build/{}.{opt}.wasm", run.guest));
                let out = wdb_stop(&wasm, run, stop);
                if crashed(&out) {
                    crashes.push(format!(
                        "{label} {opt}: wdb crashed (status {:?})\n{}\n{}",
                        out.status, out.stdout, out.stderr
                    ));
                    cells.push("crash".to_string());
                    continue;
                }
                let wdb = parse(&out.stdout, stop);
                let rows = compare(&gdb, &wdb, stop);
                let mut equal = 0;
                for row in &rows {
                    let (ok, bug) = agrees(row);
                    if ok {
                        equal += 1;
                    }
                    if let Some(b) = bug {
                        bug_uses[b] += 1;
                    }
                    let (s, k, g, w) = row;
                    if !ok {
                        let line = format!(
                            "  {label} {opt} {s} {k}:\n      gdb: {}\n      wdb: {}",
                            g.as_deref().unwrap_or("(not shown)"),
                            w.as_deref().unwrap_or("(not shown)")
                        );
                        if opt == "O0" {
                            o0_failures.push(line);
                        } else {
                            let _ = writeln!(o2_detail, "{line}");
                        }
                    }
                }
                if !wdb.reached {
                    let note = format!("  {label} {opt}: wdb did not stop at the line");
                    if opt == "O0" {
                        o0_failures.push(note);
                    } else {
                        let _ = writeln!(o2_detail, "{note}");
                    }
                }
                if opt == "O0" {
                    o0_equal += equal;
                    o0_total += rows.len();
                } else {
                    o2_equal += equal;
                    o2_total += rows.len();
                }
                cells.push(format!("{equal}/{}", rows.len()));
            }
            let names: Vec<String> = gdb
                .values
                .iter()
                .filter(|(s, _, _)| *s != "expr")
                .map(|(_, k, _)| k.clone())
                .collect();
            let _ = writeln!(
                table,
                "{label:<16} {:>7} {:>7}  {} | {}{}",
                cells[0],
                cells.get(1).map_or("", String::as_str),
                if names.is_empty() {
                    "(none)".to_string()
                } else {
                    names.join(" ")
                },
                stop.exprs.join(", "),
                if stop.exempt.is_empty() {
                    String::new()
                } else {
                    let e: Vec<&str> = stop.exempt.iter().map(|(n, _)| *n).collect();
                    format!(" | exempt: {}", e.join(" "))
                }
            );
        }
    }
    let _ = std::fs::remove_dir_all(&build);

    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    eprintln!("stop                  O0      O2  args+locals | expressions");
    eprint!("{table}");
    eprintln!(
        "O0: {o0_equal}/{o0_total} values equal ({:.0}%)",
        pct(o0_equal, o0_total)
    );
    eprintln!(
        "O2: {o2_equal}/{o2_total} values equal ({:.0}%)",
        pct(o2_equal, o2_total)
    );
    if !o2_detail.is_empty() {
        eprint!("O2 differences (not failures):\n{o2_detail}");
    }
    for (bug, n) in KNOWN_BUGS.iter().zip(&bug_uses) {
        if *n > 0 {
            eprintln!("known wdb bug, tolerated {n} times: {}", bug.what);
        }
    }
    assert!(crashes.is_empty(), "wdb crashed:\n{}", crashes.join("\n"));
    assert!(
        o0_failures.is_empty(),
        "O0: {} of {o0_total} values differ from gdb's on the native build:\n{}",
        o0_failures.len(),
        o0_failures.join("\n")
    );
}

#[test]
fn normalize_replaces_addresses_but_not_null() {
    assert_eq!(normalize("(int *) 0x1f00"), "(int *) 0xPTR");
    assert_eq!(normalize("0x0"), "0x0");
    assert_eq!(
        normalize("{next = 0x55aa, prev = 0x0, f = 0x6 <add>}"),
        "{next = 0xPTR, prev = 0x0, f = 0xPTR <add>}"
    );
    assert_eq!(normalize("0x10 \"hi 0x20\""), "0xPTR \"hi 0xPTR\"");
}
