//! `launch` and `configurationDone`: the launch.json attributes, the program's stdio as
//! `output` events.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value as Json, json};
use wdb_session::{LaunchConfig, Session};

use crate::adapter::{Adapter, Flow};
use crate::error::{Error, bail};
use crate::protocol::Request;
use crate::server::Shared;

/// The launch.json attributes `wdb dap` reads (editors/vscode/package.json declares the
/// same; a test keeps them in step).
pub const LAUNCH_ATTRIBUTES: &[&str] = &[
    "program",
    "args",
    "env",
    "cwd",
    "dirs",
    "stopOnEntry",
    "sourceMap",
    "maxCallDepth",
];

/// Attributes every launch configuration may carry (VS Code's own, DAP's `noDebug`).
const GENERIC_ATTRIBUTES: &[&str] = &[
    "type",
    "request",
    "name",
    "noDebug",
    "preLaunchTask",
    "postDebugTask",
    "internalConsoleOptions",
    "debugServer",
    "presentation",
    "suppressMultipleSessionWarning",
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchArgs {
    program: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    cwd: Option<String>,
    #[serde(default)]
    dirs: Vec<String>,
    #[serde(default)]
    stop_on_entry: bool,
    #[serde(default)]
    source_map: BTreeMap<String, String>,
    max_call_depth: Option<usize>,
    #[serde(default)]
    no_debug: bool,
}

impl LaunchArgs {
    /// The session's launch configuration; relative paths are resolved against `cwd`.
    pub fn config(&self) -> Result<LaunchConfig, Error> {
        let Some(program) = self.program.as_deref().filter(|p| !p.is_empty()) else {
            bail!("launch: `program` (the .wasm file to debug) is required");
        };
        let cwd = match &self.cwd {
            Some(c) => PathBuf::from(c),
            None => std::env::current_dir().unwrap_or_default(),
        };
        if !cwd.is_dir() {
            bail!("launch: `cwd` {} is not a directory", cwd.display());
        }
        let under_cwd = |p: &str| -> String {
            if Path::new(p).is_absolute() {
                p.to_string()
            } else {
                cwd.join(p).display().to_string()
            }
        };
        let dirs = self
            .dirs
            .iter()
            .map(|d| {
                let (host, guest) = d.split_once("::").unwrap_or((d, d));
                (under_cwd(host), guest.to_string())
            })
            .collect();
        Ok(LaunchConfig {
            program: PathBuf::from(under_cwd(program)),
            args: self.args.clone(),
            env: self
                .env
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            dirs,
            max_call_depth: self.max_call_depth.unwrap_or(0),
        })
    }
}

impl Adapter {
    /// Launches the program; answers the request itself (events follow the response).
    pub(crate) fn launch(&mut self, req: &Request) -> Result<(), Error> {
        if self.session.is_some() {
            bail!("a program is already launched (one per debug session)");
        }
        let args: LaunchArgs = req.args()?;
        let config = args.config()?;
        if let Some(obj) = req.arguments.as_object() {
            for key in obj.keys() {
                if !LAUNCH_ATTRIBUTES.contains(&key.as_str())
                    && !GENERIC_ATTRIBUTES.contains(&key.as_str())
                    && !key.starts_with("__")
                {
                    self.shared.out.output(
                        "console",
                        &format!("wdb: ignoring unknown launch attribute `{key}`\n"),
                    );
                }
            }
        }
        let shared = self.shared.clone();
        let wasi = move || {
            wdb_wasi::WasiCtx::builder()
                .stdin(Box::new(std::io::empty()))
                .stdout(Box::new(GuestOutput::new(shared.clone(), "stdout")))
                .stderr(Box::new(GuestOutput::new(shared.clone(), "stderr")))
        };
        let mut session = Session::launch(config, Box::new(wasi))?;
        let out = self.shared.clone();
        session.set_message_sink(Box::new(move |m| {
            out.out.output("console", &format!("{m}\n"))
        }));
        for (from, to) in &args.source_map {
            session.add_source_map(from, to);
        }
        for w in session.symbols().warnings() {
            self.shared.out.output("console", &format!("wdb: {w}\n"));
        }
        if !session.symbols().has_dwarf() {
            self.shared.out.output(
                "console",
                "wdb: the program has no DWARF (build with -g): breakpoints by line and variables are unavailable\n",
            );
        }
        self.stop_on_entry = args.stop_on_entry && !args.no_debug;
        self.no_debug = args.no_debug;
        self.shared.run().interrupt = Some(session.interrupt_handle());
        let program = session.config().program.display().to_string();
        self.session = Some(session);
        self.respond(req, Ok(Json::Null));
        self.event(
            "process",
            json!({"name": program, "isLocalProcess": true, "startMethod": "launch"}),
        );
        let module = self.module_json()?;
        self.event("module", json!({"reason": "new", "module": module}));
        self.event("initialized", Json::Null);
        Ok(())
    }

    pub(crate) fn configuration_done(&mut self, req: &Request) -> Flow {
        if self.session.is_none() {
            self.respond(req, Err(Error("no program: send `launch` first".into())));
            self.shared.run().running = false;
            return Flow::Continue;
        }
        self.respond(req, Ok(Json::Null));
        if self.no_debug
            && let Some(s) = &mut self.session
        {
            let ids: Vec<u32> = s.breakpoints().iter().map(|b| b.id).collect();
            for id in ids {
                s.set_enabled(id, false);
            }
        }
        if self.stop_on_entry {
            self.shared.run().running = false;
            self.report(wdb_session::StopReason::Entry);
        } else {
            self.event(
                "continued",
                json!({"threadId": crate::adapter::THREAD, "allThreadsContinued": true}),
            );
            self.execute(crate::execution::Exec::Continue);
        }
        Flow::Continue
    }
}

/// The guest's stdout or stderr: each write becomes an `output` event (a UTF-8 sequence cut
/// between two writes waits for its end).
struct GuestOutput {
    shared: Arc<Shared>,
    category: &'static str,
    pending: Vec<u8>,
}

impl GuestOutput {
    fn new(shared: Arc<Shared>, category: &'static str) -> GuestOutput {
        GuestOutput {
            shared,
            category,
            pending: Vec::new(),
        }
    }
}

impl Write for GuestOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let upto = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            // Incomplete at the end: keep the tail for the next write.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        if upto > 0 {
            let text = String::from_utf8_lossy(&self.pending[..upto]).into_owned();
            self.pending.drain(..upto);
            self.shared.out.output(self.category, &text);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let text = String::from_utf8_lossy(&self.pending).into_owned();
            self.pending.clear();
            self.shared.out.output(self.category, &text);
        }
        Ok(())
    }
}
