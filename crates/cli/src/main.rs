//! `wdb`: a WebAssembly runtime built for debugging.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

#[derive(Subcommand)]
enum Command {
    /// Run a WebAssembly program (WASI preview1).
    Run(run::RunArgs),
    /// Run spec-format test scripts (.wast) and print "N passed, M failed".
    Wast(wast::WastArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Wast(args) => wast::wast(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
