//! wdb-bench: throughput benchmark of `wdb run` against the wasmi interpreter, and a small
//! WASI runner (wasmi + wasmi_wasi) used to validate the guest programs of tests/guests.
//!
//! ```text
//! wdb-bench [bench] [--runs N] [--wdb PATH | --no-wdb] [--wasm-dir DIR] [--only NAME[,NAME…]]
//! wdb-bench run-wasi [--dir HOST[::GUEST]]… [--env K=V]… [--max-depth N] FILE.wasm [ARGS…]
//! ```
//! See bench/README.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use wasmi::{Config, Engine, Linker, Module, Store};
use wasmi_wasi::sync::{Dir, WasiCtxBuilder, ambient_authority};
use wasmi_wasi::wasi_common::pipe::WritePipe;
use wasmi_wasi::WasiCtx;

/// Frames wasmi may nest. Its default (1000) is below what real C programs need
/// (tests/guests/recursion recurses 10000 deep), so it is raised, like other runtimes'.
const DEFAULT_MAX_DEPTH: usize = 100_000;
/// Bytes of wasmi's value stack (default 1 MB); raised with the depth above.
const MAX_STACK_HEIGHT: usize = 256 << 20;

fn usage() -> &'static str {
    "usage:\n  \
     wdb-bench [bench] [--runs N] [--wdb PATH | --no-wdb] [--wasm-dir DIR] [--only NAME[,NAME...]]\n  \
     wdb-bench run-wasi [--dir HOST[::GUEST]]... [--env K=V]... [--max-depth N] FILE.wasm [ARGS...]\n"
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run-wasi") => run_wasi_cmd(&args[1..]),
        Some("bench") => bench_cmd(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{}", usage());
            Ok(ExitCode::SUCCESS)
        }
        _ => bench_cmd(&args),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("wdb-bench: {msg}");
            ExitCode::from(2)
        }
    }
}

/// What a WASI program did.
enum Outcome {
    Exited(i32),
    Trapped(String),
}

struct WasiRun {
    /// Guest path of each preopened directory and the host directory behind it.
    dirs: Vec<(String, PathBuf)>,
    env: Vec<(String, String)>,
    /// argv, including argv[0].
    argv: Vec<String>,
    max_depth: usize,
    /// None: inherit the host's stdout. Some: captured here.
    capture_stdout: bool,
}

struct WasiResult {
    outcome: Outcome,
    stdout: Vec<u8>,
    elapsed: Duration,
}

fn engine(max_depth: usize) -> Engine {
    let mut config = Config::default();
    config.set_max_recursion_depth(max_depth);
    config.set_max_stack_height(MAX_STACK_HEIGHT);
    Engine::new(&config)
}

/// Compiles, instantiates and runs `_start` of a WASI preview1 module with wasmi.
/// The time covers compilation, instantiation and execution (not reading the file).
fn run_with_wasmi(engine: &Engine, wasm: &[u8], run: &WasiRun) -> Result<WasiResult, String> {
    let mut builder = WasiCtxBuilder::new();
    builder.inherit_stdin().inherit_stderr();
    let captured = WritePipe::new_in_memory();
    if run.capture_stdout {
        builder.stdout(Box::new(captured.clone()));
    } else {
        builder.inherit_stdout();
    }
    builder.args(&run.argv).map_err(|e| format!("args: {e}"))?;
    builder.envs(&run.env).map_err(|e| format!("env: {e}"))?;
    for (guest, host) in &run.dirs {
        let dir = Dir::open_ambient_dir(host, ambient_authority())
            .map_err(|e| format!("cannot open directory {}: {e}", host.display()))?;
        builder.preopened_dir(dir, guest).map_err(|e| format!("preopen {guest}: {e}"))?;
    }
    let ctx = builder.build();

    let start = Instant::now();
    let outcome = {
        let module = Module::new(engine, wasm).map_err(|e| format!("invalid module: {e}"))?;
        let mut store = Store::new(engine, ctx);
        let mut linker = <Linker<WasiCtx>>::new(engine);
        wasmi_wasi::add_to_linker(&mut linker, |ctx| ctx).map_err(|e| format!("linker: {e}"))?;
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .map_err(|e| format!("instantiation failed: {e}"))?;
        let start_fn = instance
            .get_typed_func::<(), ()>(&store, "_start")
            .map_err(|e| format!("no _start: {e}"))?;
        match start_fn.call(&mut store, ()) {
            Ok(()) => Outcome::Exited(0),
            Err(e) => match e.i32_exit_status() {
                Some(code) => Outcome::Exited(code),
                None => Outcome::Trapped(e.to_string()),
            },
        }
    };
    let elapsed = start.elapsed();
    let stdout = if run.capture_stdout {
        captured
            .try_into_inner()
            .map(|cursor| cursor.into_inner())
            .map_err(|_| "stdout pipe still shared".to_string())?
    } else {
        Vec::new()
    };
    Ok(WasiResult { outcome, stdout, elapsed })
}

// ---------------------------------------------------------------------------------------
// run-wasi

fn run_wasi_cmd(args: &[String]) -> Result<ExitCode, String> {
    let mut run = WasiRun {
        dirs: Vec::new(),
        env: Vec::new(),
        argv: Vec::new(),
        max_depth: DEFAULT_MAX_DEPTH,
        capture_stdout: false,
    };
    let mut i = 0;
    let file = loop {
        let Some(arg) = args.get(i) else { return Err(format!("no wasm file given\n{}", usage())) };
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i).cloned().ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag {
            "--dir" => {
                let v = value()?;
                let (host, guest) = match v.split_once("::") {
                    Some((h, g)) => (h.to_string(), g.to_string()),
                    None => (v.clone(), v.clone()),
                };
                run.dirs.push((guest, PathBuf::from(host)));
            }
            "--env" => {
                let v = value()?;
                let (k, val) = v.split_once('=').ok_or_else(|| format!("--env wants K=V, got {v}"))?;
                run.env.push((k.to_string(), val.to_string()));
            }
            "--max-depth" => {
                let v = value()?;
                run.max_depth = v.parse().map_err(|_| format!("bad --max-depth {v}"))?;
            }
            "--" => {
                i += 1;
                break args.get(i).cloned().ok_or("no wasm file given")?;
            }
            f if f.starts_with('-') && f.len() > 1 => return Err(format!("unknown flag {f}\n{}", usage())),
            _ => break arg.clone(),
        }
        i += 1;
    };
    run.argv.push(file.clone());
    run.argv.extend(args[i + 1..].iter().cloned());
    let wasm = std::fs::read(&file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let engine = engine(run.max_depth);
    let result = run_with_wasmi(&engine, &wasm, &run)?;
    use std::io::Write;
    let _ = std::io::stdout().flush();
    match result.outcome {
        Outcome::Exited(code) => {
            eprintln!("[wasmi] exit code: {code}");
            Ok(ExitCode::from(code as u8))
        }
        Outcome::Trapped(msg) => {
            eprintln!("[wasmi] trap: {msg}");
            // 128 + SIGABRT, like wasmtime on a trap.
            Ok(ExitCode::from(134))
        }
    }
}

// ---------------------------------------------------------------------------------------
// bench

struct BenchOpts {
    runs: usize,
    /// None: --no-wdb.
    wdb: Option<PathBuf>,
    wasm_dir: PathBuf,
    only: Option<Vec<String>>,
}

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bench_cmd(args: &[String]) -> Result<ExitCode, String> {
    let mut opts = BenchOpts {
        runs: 3,
        wdb: Some(bench_dir().join("../target/release/wdb")),
        wasm_dir: bench_dir().join("wasm"),
        only: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned()).ok_or(format!("{flag} needs a value"));
        match flag {
            "--runs" | "-n" => {
                let v = value()?;
                opts.runs = v.parse().ok().filter(|&n| n > 0).ok_or(format!("bad --runs {v}"))?;
            }
            "--wdb" => opts.wdb = Some(PathBuf::from(value()?)),
            "--no-wdb" => opts.wdb = None,
            "--wasm-dir" => opts.wasm_dir = PathBuf::from(value()?),
            "--only" => opts.only = Some(value()?.split(',').map(str::to_string).collect()),
            _ => return Err(format!("unknown argument {arg}\n{}", usage())),
        }
    }

    let mut workloads: Vec<PathBuf> = std::fs::read_dir(&opts.wasm_dir)
        .map_err(|e| format!("cannot read {}: {e} (run bench/build.sh)", opts.wasm_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .filter(|p| match &opts.only {
            Some(names) => names.iter().any(|n| Some(n.as_str()) == p.file_stem().and_then(|s| s.to_str())),
            None => true,
        })
        .collect();
    workloads.sort();
    if workloads.is_empty() {
        return Err(format!("no workloads in {}", opts.wasm_dir.display()));
    }

    let wdb = match &opts.wdb {
        Some(path) if path.is_file() => Some(path.clone()),
        Some(path) => {
            println!(
                "note: wdb binary not found at {} (build it with `cargo build --release -p wdb-cli`, \
                 or pass --wdb PATH); reporting wasmi only",
                path.display()
            );
            None
        }
        None => None,
    };
    println!("best of {} run(s); wasmi {}; times in ms\n", opts.runs, "2.0 (in-process: compile + instantiate + _start)");

    let engine = engine(DEFAULT_MAX_DEPTH);
    let mut table = String::new();
    let _ = writeln!(table, "{:<12} {:>10} {:>10} {:>14}  {}", "workload", "wdb ms", "wasmi ms", "wasmi/wdb", "output");
    let mut ratios = Vec::new();
    let mut failures = 0;
    for path in &workloads {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let wasm = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let wasmi = time_wasmi(&engine, &wasm, path, opts.runs);
        let mut wdb_t = wdb.as_ref().map(|w| time_wdb(w, path, opts.runs));
        // wdb must print what wasmi printed.
        if let (Some(Ok((_, wdb_line))), Ok((_, wasmi_line))) = (&wdb_t, &wasmi) {
            if wdb_line != wasmi_line {
                wdb_t = Some(Err(format!("stdout differs from wasmi's: {wdb_line:?}")));
            }
        }

        let mut notes = Vec::new();
        let wasmi_ms = match &wasmi {
            Ok((d, line)) => {
                notes.push(line.clone());
                Some(ms(*d))
            }
            Err(e) => {
                failures += 1;
                notes.push(format!("wasmi FAILED: {e}"));
                None
            }
        };
        let wdb_ms = match &wdb_t {
            Some(Ok((d, _))) => Some(ms(*d)),
            Some(Err(e)) => {
                failures += 1;
                notes.push(format!("wdb FAILED: {e}"));
                None
            }
            None => None,
        };
        let ratio = match (wdb_ms, wasmi_ms) {
            (Some(w), Some(i)) if w > 0.0 => {
                ratios.push(i / w);
                format!("{:.2}", i / w)
            }
            _ => "-".to_string(),
        };
        let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        let _ = writeln!(table, "{:<12} {:>10} {:>10} {:>14}  {}", name, fmt(wdb_ms), fmt(wasmi_ms), ratio, notes.join("; "));
    }
    if !ratios.is_empty() {
        let geo = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        let _ = writeln!(table, "{:<12} {:>10} {:>10} {:>14}  (>1: wdb faster)", "geomean", "", "", format!("{geo:.2}"));
    }
    print!("{table}");
    Ok(if failures == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Best of `runs` in-process wasmi runs; also returns the workload's last stdout line.
fn time_wasmi(engine: &Engine, wasm: &[u8], path: &Path, runs: usize) -> Result<(Duration, String), String> {
    let mut best = Duration::MAX;
    let mut line = String::new();
    for _ in 0..runs {
        let run = WasiRun {
            dirs: Vec::new(),
            env: Vec::new(),
            argv: vec![path.file_name().unwrap().to_string_lossy().to_string()],
            max_depth: DEFAULT_MAX_DEPTH,
            capture_stdout: true,
        };
        let r = run_with_wasmi(engine, wasm, &run)?;
        let out = String::from_utf8_lossy(&r.stdout);
        line = out.lines().last().unwrap_or("").to_string();
        match r.outcome {
            Outcome::Exited(0) => {}
            Outcome::Exited(c) => return Err(format!("exit code {c}: {line}")),
            Outcome::Trapped(t) => return Err(format!("trap: {t}")),
        }
        best = best.min(r.elapsed);
    }
    Ok((best, line))
}

/// Best of `runs` wall-clock runs of `wdb run FILE` as a subprocess; also returns the
/// last line of its stdout.
fn time_wdb(wdb: &Path, path: &Path, runs: usize) -> Result<(Duration, String), String> {
    let mut best = Duration::MAX;
    let mut line = String::new();
    for _ in 0..runs {
        let start = Instant::now();
        let out = Command::new(wdb)
            .arg("run")
            .arg(path)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot start {}: {e}", wdb.display()))?;
        let elapsed = start.elapsed();
        if !out.status.success() {
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(format!(
                "{}: {} {}",
                out.status,
                stdout.lines().last().unwrap_or(""),
                stderr.lines().next().unwrap_or("")
            ));
        }
        line = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("").to_string();
        best = best.min(elapsed);
    }
    Ok((best, line))
}
