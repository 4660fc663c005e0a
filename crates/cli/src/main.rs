//! `wdb`: a WebAssembly runtime built for debugging.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod dap;
mod debug;
mod gdb;
mod names;
mod run;
mod wast;

#[derive(Parser)]
#[command(
    name = "wdb",
    version,
    about = "A WebAssembly runtime built for debugging"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// `wdb run`: wait stopped at entry for a debugger (LLDB: `process connect --plugin wasm`)
    /// on [HOST:]PORT (host 127.0.0.1 unless given; port 0 picks a free one). Accepted before or
    /// after `run`: LLDB's wasm platform passes it either way.
    #[arg(
        short = 'g',
        long = "gdb-port",
        value_name = "[HOST:]PORT",
        global = true
    )]
    gdb: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a WebAssembly program (WASI preview1).
    Run(run::RunArgs),
    /// Debug a WebAssembly program at the source level, gdb style.
    Debug(debug::DebugArgs),
    /// Serve the Debug Adapter Protocol (VS Code, nvim-dap, Zed, Helix...) on stdio or a port.
    Dap(dap::DapArgs),
    /// Run spec-format test scripts (.wast) and print "N passed, M failed".
    Wast(wast::WastArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(debug::normalize_argv(std::env::args().collect()));
    let result = match cli.command {
        Command::Run(args) => run::run(args, cli.gdb.as_deref()),
        Command::Debug(_) | Command::Wast(_) | Command::Dap(_) if cli.gdb.is_some() => {
            Err(anyhow::anyhow!("--gdb-port only applies to `wdb run`"))
        }
        Command::Wast(args) => wast::wast(args),
        Command::Debug(args) => debug::debug(args),
        Command::Dap(args) => dap::dap(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
