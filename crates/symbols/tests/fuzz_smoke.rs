//! A short, deterministic run of the symbols fuzz oracle on stable Rust (the coverage-guided
//! target is `fuzz/fuzz_targets/symbols.rs`; both use `fuzz_support`): guest modules with
//! corrupted DWARF must load and answer every query without a panic, a hang or a stack
//! overflow, degrading to wasm-level debugging.
//!
//! The modules are vars.O0, vars.O2 and shapes.O0, each also *slimmed* to its own compile
//! unit plus crt1's (`fuzz_support::slim`: the libc units dropped, `.debug_line` and
//! `.debug_abbrev` cut to match): every byte of a slim module's `.debug_info`, `.debug_abbrev`
//! and `.debug_line` is used, so truncations and flips land on live DWARF, and a case costs
//! ~10 ms instead of ~70 ms in a debug build (shapes: ~150 ms, so it gets few cases).
//! About 2000 cases: every `.debug_*` section truncated at many lengths, then seeded random
//! mutations (byte flips and overwrites, 0xff/0x00 runs, insertions, wrong forms in
//! `.debug_abbrev`, DIE references rewired into cycles, sections swapped or removed).
//!
//! The cases run in child processes (this test binary again, `FUZZ_SMOKE_CHILD`), up to 4
//! at once, so that a case that kills its process (a stack overflow aborts) is reported like
//! a panic and the other cases still run. A failure names its case: `FUZZ_SMOKE_CASE=N` runs
//! case N alone in this process (add `RUST_BACKTRACE=1` for the backtrace, or run it under
//! gdb; `FUZZ_SMOKE_OUT=FILE.wasm` writes its module, e.g. for `wdb debug`).
//! `FUZZ_SMOKE_SCALE=N` runs N times as many random cases.

mod fuzz_support;

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fuzz_support::{debug_sections, exercise, mutate, slim, with_custom};

/// A case running longer than this is a hang.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

/// What to run on one module.
struct Plan {
    name: &'static str,
    /// Truncate these sections of the slim module (all `.debug_*` when empty), at `cuts`
    /// lengths each.
    truncate: &'static [&'static str],
    cuts: usize,
    /// Seeded random mutations of the slim and of the full module.
    slim_random: u64,
    full_random: u64,
}

const PLANS: &[Plan] = &[
    Plan {
        name: "vars.O0.wasm",
        truncate: &[],
        cuts: 16,
        slim_random: 850,
        full_random: 6,
    },
    Plan {
        name: "vars.O2.wasm",
        truncate: &[],
        cuts: 16,
        slim_random: 850,
        full_random: 6,
    },
    Plan {
        name: "shapes.O0.wasm",
        truncate: &[".debug_info", ".debug_abbrev", ".debug_line"],
        cuts: 4,
        slim_random: 12,
        full_random: 0,
    },
];

enum Mutation {
    Truncate { section: String, at: usize },
    Random { seed: u64 },
}

struct Case {
    module: usize,
    slim: bool,
    mutation: Mutation,
}

/// xorshift64*: the bytes of one random case.
fn random_input(seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let len = 6 + (next() % 40) as usize;
    let mut input: Vec<u8> = (0..len).map(|_| next() as u8).collect();
    // One case in four corrupts the forms of .debug_abbrev (mutation kind 5), one in four
    // rewires references between DIEs (kind 8).
    match seed % 4 {
        0 => input[4] = 5,
        1 => input[4] = 8,
        _ => {}
    }
    input
}

fn load(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../tests/guests/build/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cases(modules: &[(Vec<u8>, Vec<u8>)]) -> Vec<Case> {
    let mut cases = Vec::new();
    for (m, plan) in PLANS.iter().enumerate() {
        let slim_module = &modules[m].1;
        for (section, range) in debug_sections(slim_module) {
            if !plan.truncate.is_empty() && !plan.truncate.contains(&section.as_str()) {
                continue;
            }
            let len = range.len();
            // Inside the first header, just short of the end, and evenly spread.
            let mut lengths = match plan.cuts {
                ..8 => vec![0, 11],
                _ => vec![0, 1, 3, 4, 5, 11, 12, len.saturating_sub(1)],
            };
            lengths.extend((1..plan.cuts).map(|k| len * k / plan.cuts));
            lengths.retain(|&at| at < len);
            lengths.sort_unstable();
            lengths.dedup();
            for at in lengths {
                let section = section.clone();
                let mutation = Mutation::Truncate { section, at };
                cases.push(Case {
                    module: m,
                    slim: true,
                    mutation,
                });
            }
        }
        // FUZZ_SMOKE_SCALE=N: N times the random cases, for a longer run.
        let scale: u64 = std::env::var("FUZZ_SMOKE_SCALE").map_or(1, |s| s.parse().unwrap());
        for (slim, count) in [(true, plan.slim_random), (false, plan.full_random)] {
            for seed in 0..count * scale {
                let mutation = Mutation::Random { seed };
                cases.push(Case {
                    module: m,
                    slim,
                    mutation,
                });
            }
        }
    }
    cases
}

/// The mutated module of a case, the input for `exercise`, and what was done.
fn build(module: &[u8], mutation: &Mutation) -> (Vec<u8>, Vec<u8>, String) {
    match mutation {
        Mutation::Truncate { section, at } => {
            let range = debug_sections(module)
                .into_iter()
                .find(|(n, _)| n == section)
                .unwrap()
                .1;
            let what = format!("{section} truncated to {at} of {} bytes", range.len());
            let payload = &module[range.start..range.start + at];
            (
                with_custom(module, section, Some(payload)),
                Vec::new(),
                what,
            )
        }
        Mutation::Random { seed } => {
            let input = random_input(*seed);
            let (mutant, what) = mutate(module, &input);
            (mutant, input, format!("seed {seed}: {what}"))
        }
    }
}

fn modules() -> Vec<(Vec<u8>, Vec<u8>)> {
    PLANS
        .iter()
        .map(|plan| {
            let full = load(plan.name);
            let own = |i: usize, unit: &fuzz_support::Unit| {
                i == 0 || matches!(unit.name.as_deref(), Some("vars.c" | "shapes.cpp"))
            };
            let slim = slim(&full, own);
            (full, slim)
        })
        .collect()
}

fn describe(cases: &[Case], i: usize, what: &str) -> String {
    let case = &cases[i];
    let kind = if case.slim { "slim" } else { "full" };
    format!("case #{i} ({} {kind}, {what})", PLANS[case.module].name)
}

/// The panic message of a payload.
fn message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("?")
        .replace('\n', " ")
}

/// Child mode (`FUZZ_SMOKE_CHILD=FROM:STEP`): runs cases FROM, FROM+STEP, ... in this
/// process, one line per event on stdout for the parent: `fuzz:start N`, `fuzz:panic N MSG`,
/// `fuzz:done N DWARF WARNINGS VARIABLES MICROS`, `fuzz:end`. A case that crashes the
/// process (stack overflow, abort) is the last one started.
fn child(spec: &str) {
    let (from, step) = spec.split_once(':').expect("FROM:STEP");
    let (from, step): (usize, usize) = (from.parse().unwrap(), step.parse().unwrap());
    let modules = modules();
    let cases = cases(&modules);
    let started = Mutex::new(None::<(usize, Instant)>);
    std::thread::scope(|scope| {
        // The watchdog: a hang is a failure too.
        scope.spawn(|| {
            loop {
                std::thread::sleep(Duration::from_millis(200));
                match *started.lock().unwrap() {
                    Some((i, since)) if since.elapsed() > CASE_TIMEOUT => {
                        println!("fuzz:hang {i}");
                        std::process::exit(101);
                    }
                    Some((usize::MAX, _)) => return,
                    _ => {}
                }
            }
        });
        let mut out = std::io::stdout().lock();
        for i in (from..cases.len()).step_by(step) {
            let case = &cases[i];
            let (full, slim) = &modules[case.module];
            let (mutant, input, _) = build(if case.slim { slim } else { full }, &case.mutation);
            writeln!(out, "fuzz:start {i}").unwrap();
            out.flush().unwrap();
            let t = Instant::now();
            *started.lock().unwrap() = Some((i, t));
            match catch_unwind(AssertUnwindSafe(|| exercise(&mutant, &input))) {
                Ok(work) => writeln!(
                    out,
                    "fuzz:done {i} {} {} {} {}",
                    u8::from(work.dwarf),
                    work.warnings,
                    work.variables,
                    t.elapsed().as_micros()
                ),
                Err(panic) => writeln!(out, "fuzz:panic {i} {}", message(&*panic)),
            }
            .unwrap();
        }
        writeln!(out, "fuzz:end").unwrap();
        out.flush().unwrap();
        *started.lock().unwrap() = Some((usize::MAX, Instant::now()));
    });
}

#[test]
fn corrupted_dwarf_never_panics() {
    if let Ok(spec) = std::env::var("FUZZ_SMOKE_CHILD") {
        return child(&spec);
    }
    let modules = modules();
    let cases = cases(&modules);
    if let Ok(n) = std::env::var("FUZZ_SMOKE_CASE") {
        // One case, in this process: a panic fails the test with its backtrace.
        let i: usize = n.parse().expect("FUZZ_SMOKE_CASE=N");
        let case = &cases[i];
        let (full, slim) = &modules[case.module];
        let (mutant, input, what) = build(if case.slim { slim } else { full }, &case.mutation);
        eprintln!("running {}", describe(&cases, i, &what));
        if let Ok(path) = std::env::var("FUZZ_SMOKE_OUT") {
            std::fs::write(&path, &mutant).expect("FUZZ_SMOKE_OUT");
            eprintln!("wrote the mutated module to {path}");
        }
        eprintln!("{:?}", exercise(&mutant, &input));
        return;
    }

    // The unmodified modules do real work (so the mutants are compared with something).
    for (plan, (full, slim)) in PLANS.iter().zip(&modules) {
        for (kind, module) in [("full", full), ("slim", slim)] {
            let work = exercise(module, &[]);
            assert!(
                work.frames > 0 && work.variables > 0 && work.globals > 0,
                "{} ({kind}): {work:?}",
                plan.name
            );
        }
    }

    // Children run the cases (a crash only ends its child, which is restarted after the
    // crashing case), up to 4 at once.
    let t = Instant::now();
    let exe = std::env::current_exe().unwrap();
    let children = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let failures = Mutex::new(Vec::<(usize, String)>::new());
    // Cases run, without DWARF, with DWARF and warnings, without variables; time per plan.
    let stats = Mutex::new(([0usize; 4], vec![Duration::ZERO; PLANS.len()]));
    std::thread::scope(|scope| {
        for k in 0..children {
            let (exe, cases, failures, stats) = (&exe, &cases, &failures, &stats);
            scope.spawn(move || {
                let mut from = k;
                while from < cases.len() {
                    let output = Command::new(exe)
                        .args(["--exact", "corrupted_dwarf_never_panics", "--nocapture"])
                        .env("FUZZ_SMOKE_CHILD", format!("{from}:{children}"))
                        .env_remove("FUZZ_SMOKE_CASE")
                        .output()
                        .expect("running the test binary");
                    let stdout = String::from_utf8_lossy(&output.stdout);
                    let (mut started, mut ended) = (None, false);
                    for line in stdout.lines() {
                        let mut words = line.splitn(3, ' ');
                        let (event, i) = (words.next().unwrap(), words.next());
                        let i: usize = i.and_then(|i| i.parse().ok()).unwrap_or(usize::MAX);
                        let rest = words.next().unwrap_or("");
                        match event {
                            "fuzz:start" => started = Some(i),
                            "fuzz:done" => {
                                started = None;
                                let f: Vec<u64> =
                                    rest.split(' ').map(|x| x.parse().unwrap()).collect();
                                let mut stats = stats.lock().unwrap();
                                stats.0[0] += 1;
                                stats.0[1] += usize::from(f[0] == 0);
                                stats.0[2] += usize::from(f[0] == 1 && f[1] > 0);
                                stats.0[3] += usize::from(f[2] == 0);
                                stats.1[cases[i].module] += Duration::from_micros(f[3]);
                            }
                            "fuzz:panic" => {
                                started = None;
                                stats.lock().unwrap().0[0] += 1;
                                failures
                                    .lock()
                                    .unwrap()
                                    .push((i, format!("panicked: {rest}")));
                            }
                            "fuzz:hang" => {
                                let why = format!("runs for more than {CASE_TIMEOUT:?}");
                                failures.lock().unwrap().push((i, why));
                                started = None;
                                from = i + children;
                            }
                            "fuzz:end" => ended = true,
                            _ => {}
                        }
                    }
                    if ended {
                        break;
                    }
                    if let Some(i) = started {
                        let stderr = String::from_utf8_lossy(&output.stderr);
                        let why = stderr
                            .lines()
                            .find(|l| l.contains("overflowed its stack"))
                            .map(|_| "stack overflow".to_string())
                            .unwrap_or_else(|| format!("the process died: {}", output.status));
                        failures.lock().unwrap().push((i, why));
                        from = i + children;
                    } else if !stdout.contains("fuzz:hang") {
                        let stderr = String::from_utf8_lossy(&output.stderr);
                        panic!("the test child failed ({}):\n{stderr}", output.status);
                    }
                }
            });
        }
    });
    let (counts, spent) = stats.into_inner().unwrap();
    let [ran, no_dwarf, warned, no_vars] = counts;
    eprintln!(
        "{ran} of {} cases in {:?} ({children} processes); DWARF dropped: {no_dwarf}, kept \
         with warnings: {warned}; no variables found: {no_vars}",
        cases.len(),
        t.elapsed()
    );
    for (plan, spent) in PLANS.iter().zip(spent) {
        let n = cases
            .iter()
            .filter(|c| PLANS[c.module].name == plan.name)
            .count();
        eprintln!("  {}: {n} cases, {spent:?}", plan.name);
    }
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    let failures: Vec<String> = failures
        .iter()
        .map(|(i, why)| {
            let (full, slim) = &modules[cases[*i].module];
            let module = if cases[*i].slim { slim } else { full };
            let (_, _, what) = build(module, &cases[*i].mutation);
            format!("{}: {why}", describe(&cases, *i, &what))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed (rerun one with FUZZ_SMOKE_CASE=N RUST_BACKTRACE=1; \
         FUZZ_SMOKE_OUT=FILE.wasm writes its module):\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(ran >= 1900, "only {ran} cases ran");
}
