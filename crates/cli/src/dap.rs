//! `wdb dap [--port N]`: the Debug Adapter Protocol server.

use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
pub struct DapArgs {
    /// Serve DAP clients on 127.0.0.1:PORT, one session after another, instead of stdio
    /// (0 picks a free port; the port is printed on stderr).
    #[arg(long, value_name = "PORT")]
    port: Option<u16>,
}

pub fn dap(args: DapArgs) -> anyhow::Result<ExitCode> {
    match args.port {
        None => wdb_dap::serve(Box::new(std::io::stdin()), Box::new(std::io::stdout())),
        Some(port) => {
            let listener = std::net::TcpListener::bind(("127.0.0.1", port))
                .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
            let addr = listener.local_addr()?;
            eprintln!("wdb dap: listening on {addr}");
            wdb_dap::serve_tcp(listener).context("accepting a DAP client")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
