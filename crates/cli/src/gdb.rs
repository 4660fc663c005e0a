//! `wdb run -g [HOST:]PORT`: serves the program to a GDB-remote client with LLDB's wasm
//! extensions. This file adapts the session's debuggee to the stub's target interface.

use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use wdb_gdb::{CodeLoc, ModuleImage, StopReason, WasmTarget, WatchKind};
use wdb_session::{Debuggee, LaunchConfig, Stop, Val};

/// Parses `[HOST:]PORT` (LLDB's platform passes `-g=127.0.0.1:PORT` or `--gdb-port=PORT`).
fn parse_addr(spec: &str) -> anyhow::Result<(String, u16)> {
    let (host, port) = match spec.rsplit_once(':') {
        Some((host, port)) => (host.to_string(), port),
        None => ("127.0.0.1".to_string(), spec),
    };
    let port = port
        .parse::<u16>()
        .with_context(|| format!("invalid debugger port `{spec}`"))?;
    Ok((
        if host.is_empty() {
            "127.0.0.1".into()
        } else {
            host
        },
        port,
    ))
}

pub fn serve(
    spec: &str,
    config: &LaunchConfig,
    kill_on_disconnect: bool,
) -> anyhow::Result<ExitCode> {
    let (host, port) = parse_addr(spec)?;
    let debuggee = Debuggee::launch(config)?;
    let listener = TcpListener::bind((host.as_str(), port))
        .with_context(|| format!("cannot listen on {host}:{port}"))?;
    let local = listener.local_addr()?;
    eprintln!(
        "wdb: waiting for a debugger on {local}; connect with: lldb -o \"process connect --plugin wasm connect://{local}\""
    );
    let (stream, _) = listener.accept().context("waiting for the debugger")?;
    drop(listener);
    let mut target = Target(debuggee);
    let on_disconnect = if kill_on_disconnect {
        wdb_gdb::OnDisconnect::Kill
    } else {
        wdb_gdb::OnDisconnect::RunToCompletion
    };
    let options = wdb_gdb::Options { on_disconnect };
    let outcome = wdb_gdb::serve(stream, &mut target, &options)?;
    Ok(match outcome {
        wdb_gdb::Outcome::Exited(code) => ExitCode::from(code as u8),
        wdb_gdb::Outcome::Trapped(msg) => {
            eprintln!("error: wasm trap: {msg}");
            ExitCode::from(crate::run::TRAP_EXIT)
        }
        wdb_gdb::Outcome::Killed => ExitCode::from(137),
        wdb_gdb::Outcome::Detached => match target.0.ended() {
            Some(Stop::Exited(code)) => ExitCode::from(*code as u8),
            Some(Stop::Trapped(trap)) => {
                eprintln!("error: wasm trap: {}", trap.kind);
                ExitCode::from(crate::run::TRAP_EXIT)
            }
            _ => ExitCode::SUCCESS,
        },
    })
}

/// The debuggee as the stub sees it.
struct Target(Debuggee);

fn bytes(v: Val) -> Vec<u8> {
    match v {
        Val::I32(x) => x.to_le_bytes().to_vec(),
        Val::I64(x) => x.to_le_bytes().to_vec(),
        Val::F32(x) => x.to_le_bytes().to_vec(),
        Val::F64(x) => x.to_le_bytes().to_vec(),
        Val::FuncRef(r) => r.map_or(0u32, |f| f.index()).to_le_bytes().to_vec(),
        Val::ExternRef(r) => r.unwrap_or(0).to_le_bytes().to_vec(),
    }
}

fn watch_kind(kind: WatchKind) -> wdb_session::WatchKind {
    match kind {
        WatchKind::Write => wdb_session::WatchKind::Write,
        WatchKind::Read => wdb_session::WatchKind::Read,
        WatchKind::Access => wdb_session::WatchKind::Access,
    }
}

impl Target {
    fn reason(&self, stop: Stop) -> StopReason {
        match stop {
            Stop::Entry => StopReason::Entry,
            Stop::Breakpoint => StopReason::Breakpoint,
            Stop::Step => StopReason::Step,
            Stop::Interrupt => StopReason::Interrupt,
            Stop::Watch(hit) => {
                let instance = self.0.modules()[0].instance;
                let kind = match hit.access {
                    wdb_session::WatchKind::Read => WatchKind::Read,
                    _ => WatchKind::Write,
                };
                StopReason::Watch {
                    kind,
                    instance,
                    addr: hit.addr,
                }
            }
            Stop::Trapped(trap) => StopReason::Trap(trap.kind.to_string()),
            Stop::Exited(code) => StopReason::Exited(code),
        }
    }
}

impl WasmTarget for Target {
    fn modules(&self) -> Vec<ModuleImage> {
        self.0
            .modules()
            .into_iter()
            .map(|m| ModuleImage {
                instance: m.instance,
                name: m.name,
                bytes: m.bytes,
            })
            .collect()
    }

    fn call_stack(&self) -> Vec<CodeLoc> {
        self.0
            .frames()
            .into_iter()
            .map(|f| CodeLoc {
                instance: f.instance,
                offset: f.pc,
            })
            .collect()
    }

    fn local(&self, frame: usize, index: u32) -> Option<Vec<u8>> {
        self.0
            .locals(frame)?
            .get(index as usize)
            .copied()
            .map(bytes)
    }

    fn global(&self, frame: usize, index: u32) -> Option<Vec<u8>> {
        self.0.global(frame, index).map(bytes)
    }

    fn stack_value(&self, frame: usize, index: u32) -> Option<Vec<u8>> {
        self.0
            .operand_stack(frame)?
            .get(index as usize)
            .copied()
            .map(bytes)
    }

    fn read_memory(&self, instance: u32, addr: u32, buf: &mut [u8]) -> usize {
        self.0.read_memory(instance, addr, buf)
    }

    fn memory_size(&self, instance: u32) -> u64 {
        self.0.memory_size(instance)
    }

    fn write_memory(&mut self, instance: u32, addr: u32, data: &[u8]) -> bool {
        self.0.write_memory(instance, addr, data)
    }

    fn add_breakpoint(&mut self, loc: CodeLoc) -> bool {
        self.0.add_breakpoint(loc.instance, loc.offset).is_some()
    }

    fn remove_breakpoint(&mut self, loc: CodeLoc) -> bool {
        self.0.remove_breakpoint(loc.instance, loc.offset)
    }

    fn add_watchpoint(&mut self, instance: u32, addr: u32, len: u32, kind: WatchKind) -> bool {
        self.0.add_watchpoint(instance, addr, len, watch_kind(kind))
    }

    fn remove_watchpoint(&mut self, instance: u32, addr: u32, len: u32, kind: WatchKind) -> bool {
        self.0
            .remove_watchpoint(instance, addr, len, watch_kind(kind))
    }

    fn resume(&mut self) -> StopReason {
        let stop = self.0.resume();
        self.reason(stop)
    }

    fn step(&mut self) -> StopReason {
        let stop = self.0.step();
        self.reason(stop)
    }

    fn interrupter(&self) -> Arc<dyn Fn() + Send + Sync> {
        let handle = self.0.interrupt_handle();
        Arc::new(move || handle.interrupt())
    }

    fn kill(&mut self) {
        self.0.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::parse_addr;

    #[test]
    fn debugger_addresses() {
        assert_eq!(parse_addr("1234").unwrap(), ("127.0.0.1".into(), 1234));
        assert_eq!(parse_addr("127.0.0.1:0").unwrap(), ("127.0.0.1".into(), 0));
        assert_eq!(parse_addr("0.0.0.0:9").unwrap(), ("0.0.0.0".into(), 9));
        assert_eq!(parse_addr(":77").unwrap(), ("127.0.0.1".into(), 77));
        assert!(parse_addr("host:x").is_err());
        assert!(parse_addr("70000").is_err());
    }
}
