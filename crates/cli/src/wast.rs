//! `wdb wast FILE...`: runs spec-format test scripts.

use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
pub struct WastArgs {
    /// The .wast scripts to run.
    #[arg(required = true)]
    files: Vec<std::path::PathBuf>,
    /// Print every failed directive.
    #[arg(short, long)]
    verbose: bool,
}

pub fn wast(args: WastArgs) -> anyhow::Result<ExitCode> {
    let (mut passed, mut failed) = (0, 0);
    for file in &args.files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let name = file.display().to_string();
        let report = wdb_wast::run(&name, &text);
        println!("{name}: {report}");
        if args.verbose {
            for f in &report.failures {
                println!("  FAIL {f}");
            }
        }
        passed += report.passed;
        failed += report.failed;
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
