//! `wdb run`: runs a WASI program, or invokes one exported function.

use std::cell::RefCell;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use anyhow::{Context, bail};
use wdb_engine::{Extern, Linker, Module, Store, Trap, TrapKind, Val, ValType};

use crate::names::demangle;

#[derive(clap::Args)]
pub struct RunArgs {
    /// Preopen a host directory, as GUEST in the guest (default: the same path).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// Set an environment variable for the guest (K=V), or pass the host's value (K).
    #[arg(long = "env", value_name = "K=V")]
    envs: Vec<String>,
    /// Call this exported function instead of `_start`; ARGS become its arguments.
    #[arg(long, value_name = "FUNC")]
    invoke: Option<String>,
    /// With --gdb-port: what happens to the program when the debugger disconnects or detaches:
    /// `run` removes its breakpoints and watchpoints and runs to completion, `kill` ends it.
    #[arg(long, value_name = "run|kill", default_value = "run", value_parser = ["run", "kill"])]
    on_disconnect: String,
    /// Maximum depth of nested wasm calls.
    #[arg(long, value_name = "N", default_value_t = wdb_engine::DEFAULT_MAX_CALL_DEPTH)]
    max_call_depth: usize,
    /// The WebAssembly module.
    module: PathBuf,
    /// Arguments for the program (or for --invoke).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// Exit status for a trap, as wasmtime uses (abort).
pub const TRAP_EXIT: u8 = 134;

pub fn run(args: RunArgs, gdb: Option<&str>) -> anyhow::Result<ExitCode> {
    if let Some(spec) = gdb {
        if args.invoke.is_some() {
            bail!("--invoke cannot be combined with --gdb-port");
        }
        let config = wdb_session::LaunchConfig {
            program: args.module.clone(),
            args: args.args.clone(),
            env: parse_envs(&args.envs)?,
            dirs: args.dirs.iter().map(|d| parse_dir(d)).collect(),
            max_call_depth: args.max_call_depth,
        };
        return crate::gdb::serve(spec, &config, args.on_disconnect == "kill");
    }
    let bytes = std::fs::read(&args.module)
        .with_context(|| format!("cannot read {}", args.module.display()))?;
    let module =
        Module::new(bytes).with_context(|| format!("cannot load {}", args.module.display()))?;

    let mut wasi = wdb_wasi::WasiCtx::builder();
    let mut argv = vec![args.module.display().to_string()];
    if args.invoke.is_none() {
        argv.extend(args.args.iter().cloned());
    }
    wasi = wasi.args(&argv);
    for (k, v) in parse_envs(&args.envs)? {
        wasi = wasi.env(&k, &v);
    }
    for dir in &args.dirs {
        let (host, guest) = parse_dir(dir);
        wasi = wasi
            .preopen_dir(host, &guest)
            .with_context(|| format!("--dir {dir}"))?;
    }
    let ctx = Rc::new(RefCell::new(wasi.build()));

    let mut store = Store::new();
    store.set_max_call_depth(args.max_call_depth);
    let mut linker = Linker::new();
    wdb_wasi::add_to_linker(&mut linker, ctx.clone());
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(i) => i,
        Err(wdb_engine::Error::Instantiate(trap)) => return Ok(report_trap(&store, &trap)),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot instantiate {}", args.module.display()));
        }
    };

    let (name, call_args) = match &args.invoke {
        Some(name) => (name.as_str(), Vec::new()),
        None => ("_start", Vec::new()),
    };
    if args.invoke.is_none() {
        if let Some(Extern::Func(init)) = store.export(instance, "_initialize")
            && let Err(trap) = store.invoke(init, &[])
        {
            return Ok(report_trap(&store, &trap));
        }
        if store.export(instance, "_start").is_none() {
            bail!(
                "{} has no `_start` export; use --invoke FUNC to call a function",
                args.module.display()
            );
        }
    }
    let func = store
        .export(instance, name)
        .and_then(Extern::into_func)
        .with_context(|| format!("no exported function `{name}`"))?;
    let call_args = if args.invoke.is_some() {
        parse_args(&store.func_type(func).params, &args.args)?
    } else {
        call_args
    };
    match store.invoke(func, &call_args) {
        Ok(results) => {
            for r in results {
                println!("{r}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(trap) => Ok(report_trap(&store, &trap)),
    }
}

/// `--dir HOST[::GUEST]`: the guest path defaults to the host path.
pub(crate) fn parse_dir(dir: &str) -> (String, String) {
    let (host, guest) = dir.split_once("::").unwrap_or((dir, dir));
    (host.to_string(), guest.to_string())
}

/// `--env K=V` pairs; a bare `K` takes the host's value.
pub(crate) fn parse_envs(envs: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    envs.iter()
        .map(|env| match env.split_once('=') {
            Some((k, v)) => Ok((k.to_string(), v.to_string())),
            None => match std::env::var(env) {
                Ok(v) => Ok((env.clone(), v)),
                Err(_) => bail!("--env {env}: not set in the host environment (use K=V)"),
            },
        })
        .collect()
}

fn parse_args(params: &[ValType], args: &[String]) -> anyhow::Result<Vec<Val>> {
    if params.len() != args.len() {
        bail!(
            "the function takes {} arguments, {} given",
            params.len(),
            args.len()
        );
    }
    params
        .iter()
        .zip(args)
        .map(|(ty, a)| {
            let bad = || format!("`{a}` is not a valid {ty}");
            Ok(match ty {
                ValType::I32 => Val::I32(
                    a.parse::<i32>()
                        .or_else(|_| a.parse::<u32>().map(|v| v as i32))
                        .with_context(bad)?,
                ),
                ValType::I64 => Val::I64(
                    a.parse::<i64>()
                        .or_else(|_| a.parse::<u64>().map(|v| v as i64))
                        .with_context(bad)?,
                ),
                ValType::F32 => Val::F32(a.parse::<f32>().with_context(bad)?.to_bits()),
                ValType::F64 => Val::F64(a.parse::<f64>().with_context(bad)?.to_bits()),
                _ => bail!("cannot pass a {ty} from the command line"),
            })
        })
        .collect()
}

/// Prints a trap with its wasm backtrace; `proc_exit` becomes the exit code.
fn report_trap(_store: &Store, trap: &Trap) -> ExitCode {
    if let TrapKind::Exit(code) = trap.kind {
        return ExitCode::from(code as u8);
    }
    eprintln!("error: wasm trap: {}", trap.kind);
    if !trap.frames.is_empty() {
        eprintln!("wasm backtrace:");
        for (i, f) in trap.frames.iter().enumerate() {
            let name = match &f.func_name {
                Some(n) => demangle(n),
                None => format!("<func {}>", f.func_index),
            };
            eprintln!("  {i:>3}: 0x{:06x} - {name}", f.offset);
        }
    }
    ExitCode::from(TRAP_EXIT)
}
