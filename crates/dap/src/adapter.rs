//! The adapter: owns the [`Session`], dispatches requests to the per-family handlers, and
//! turns stops into events.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value as Json, json};
use wdb_session::{Session, Stop, StopReason};

use crate::error::{Error, bail};
use crate::handles::Handles;
use crate::protocol::Request;
use crate::server::Shared;

/// The one thread of a wasm program.
pub const THREAD: i64 = 1;

/// Whether to go on serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit,
}

/// Client capabilities that change what we send.
#[derive(Debug, Clone, Copy)]
pub struct ClientCaps {
    pub lines_start_at_1: bool,
    pub columns_start_at_1: bool,
    pub invalidated_event: bool,
}

pub struct Adapter {
    pub shared: Arc<Shared>,
    pub session: Option<Session>,
    pub client: ClientCaps,
    pub handles: Handles,
    pub stop_on_entry: bool,
    pub no_debug: bool,
    /// Stop on traps (the "traps" exception filter).
    pub break_on_traps: bool,
    /// The last stop, for `exceptionInfo`.
    pub last_stop: Option<StopReason>,
    /// `exited`/`terminated` were sent.
    pub finished: bool,
    /// Source breakpoints per client source key (path or name), as session ids.
    pub source_bps: HashMap<String, Vec<u32>>,
    /// The source and line the client asked for, per source breakpoint (shown while it is
    /// not verified).
    pub bp_requested: HashMap<u32, (Json, u32)>,
    pub function_bps: Vec<u32>,
    pub instruction_bps: Vec<u32>,
    pub data_bps: Vec<u32>,
    /// Values behind the data ids handed out by `dataBreakpointInfo`.
    pub data_ids: HashMap<String, (wdb_session::Value, String)>,
    /// DWARF paths of sources not on disk, by source reference.
    pub source_refs: Vec<String>,
    /// The value the last `stepOut` returned: (function, value).
    pub returned: Option<(String, String)>,
}

impl Adapter {
    pub fn new(shared: Arc<Shared>) -> Adapter {
        Adapter {
            shared,
            session: None,
            client: ClientCaps {
                lines_start_at_1: true,
                columns_start_at_1: true,
                invalidated_event: false,
            },
            handles: Handles::default(),
            stop_on_entry: false,
            no_debug: false,
            break_on_traps: true,
            last_stop: None,
            finished: false,
            source_bps: HashMap::new(),
            bp_requested: HashMap::new(),
            function_bps: Vec::new(),
            instruction_bps: Vec::new(),
            data_bps: Vec::new(),
            data_ids: HashMap::new(),
            source_refs: Vec::new(),
            returned: None,
        }
    }

    /// Handles one request: answers it, and runs the program for the ones that resume it.
    pub fn handle(&mut self, req: Request) -> Flow {
        let command = req.command.clone();
        let result = match command.as_str() {
            "initialize" => self.initialize(&req),
            "launch" => {
                if let Err(e) = self.launch(&req) {
                    self.respond(&req, Err(e));
                }
                return Flow::Continue;
            }
            "attach" => Err(Error(
                "wdb dap launches programs; to attach LLDB to `wdb run -g`, use LLDB".into(),
            )),
            "configurationDone" => return self.configuration_done(&req),
            "setBreakpoints" => self.set_breakpoints(&req),
            "setFunctionBreakpoints" => self.set_function_breakpoints(&req),
            "setInstructionBreakpoints" => self.set_instruction_breakpoints(&req),
            "setExceptionBreakpoints" => self.set_exception_breakpoints(&req),
            "dataBreakpointInfo" => self.data_breakpoint_info(&req),
            "setDataBreakpoints" => self.set_data_breakpoints(&req),
            "threads" => Ok(self.threads()),
            "stackTrace" => self.stack_trace(&req),
            "scopes" => self.scopes(&req),
            "variables" => self.variables(&req),
            "setVariable" => self.set_variable(&req),
            "setExpression" => self.set_expression(&req),
            "evaluate" => self.evaluate(&req),
            "completions" => self.completions(&req),
            "exceptionInfo" => self.exception_info(),
            "continue" | "next" | "stepIn" | "stepOut" | "restart" => {
                return self.run_request(&req);
            }
            "pause" => self.pause(),
            "disassemble" => self.disassemble(&req),
            "readMemory" => self.read_memory(&req),
            "writeMemory" => self.write_memory(&req),
            "loadedSources" => self.loaded_sources(),
            "modules" => self.modules(),
            "source" => self.source(&req),
            "terminate" => {
                let result = self.sess().map(|_| Json::Null);
                let ok = result.is_ok();
                self.respond(&req, result);
                if ok {
                    self.kill();
                    self.finish(137);
                }
                return Flow::Continue;
            }
            "disconnect" => {
                self.kill();
                self.respond(&req, Ok(Json::Null));
                return Flow::Exit;
            }
            other => Err(Error(format!("unsupported request `{other}`"))),
        };
        self.respond(&req, result);
        Flow::Continue
    }

    pub fn respond(&self, req: &Request, result: Result<Json, Error>) {
        self.shared.out.respond(req.seq, &req.command, result);
    }

    pub fn event(&self, event: &str, body: Json) {
        self.shared.out.event(event, body);
    }

    /// The session of a launched program.
    pub fn sess(&self) -> Result<&Session, Error> {
        match &self.session {
            Some(s) => Ok(s),
            None => bail!("no program: send `launch` first"),
        }
    }

    pub fn sess_mut(&mut self) -> Result<&mut Session, Error> {
        match &mut self.session {
            Some(s) => Ok(s),
            None => bail!("no program: send `launch` first"),
        }
    }

    /// The session of a program that is stopped (not ended), for frame and data requests.
    pub fn stopped(&self) -> Result<&Session, Error> {
        let s = self.sess()?;
        match s.ended() {
            None | Some(Stop::Trapped(_)) if !self.finished => Ok(s),
            _ => bail!("the program is not running"),
        }
    }

    /// A line number in the client's convention.
    pub fn line_out(&self, line: u32) -> i64 {
        i64::from(line) - i64::from(!self.client.lines_start_at_1)
    }

    /// A client's line number as 1-based.
    pub fn line_in(&self, line: i64) -> u32 {
        u32::try_from(line + i64::from(!self.client.lines_start_at_1)).unwrap_or(0)
    }

    pub fn column_out(&self, column: u32) -> i64 {
        i64::from(column.max(1)) - i64::from(!self.client.columns_start_at_1)
    }

    /// A DAP `Source` for a DWARF path: the local file when it is on this machine, else a
    /// source reference (whose `source` request explains that it is missing).
    pub fn source_json(&mut self, dwarf_path: &str) -> Json {
        let name = dwarf_path.rsplit('/').next().unwrap_or(dwarf_path);
        if let Some(local) = self
            .session
            .as_ref()
            .and_then(|s| s.local_source(dwarf_path))
        {
            return json!({"name": name, "path": local.display().to_string()});
        }
        let index = match self.source_refs.iter().position(|p| p == dwarf_path) {
            Some(i) => i,
            None => {
                self.source_refs.push(dwarf_path.to_string());
                self.source_refs.len() - 1
            }
        };
        json!({
            "name": name,
            "path": dwarf_path,
            "sourceReference": index + 1,
            "presentationHint": "deemphasize",
            "origin": "not on this machine (path from DWARF)",
        })
    }

    /// Reports a stop: a `stopped` event, or `exited` + `terminated` when the program ended.
    pub fn report(&mut self, reason: StopReason) {
        self.handles.reset();
        if let Some(s) = &mut self.session {
            s.cache_frames();
        }
        let mut body = json!({"threadId": THREAD, "allThreadsStopped": true});
        let (why, description) = match &reason {
            StopReason::Exited(code) => return self.finish(*code),
            StopReason::Trapped(msg) if !self.break_on_traps => {
                let trace = self.backtrace_text("    ");
                self.shared.out.output(
                    "stderr",
                    &format!("wdb: the program trapped: {msg}\n{trace}"),
                );
                return self.finish(134);
            }
            StopReason::Trapped(msg) => {
                body["text"] = json!(msg);
                ("exception", format!("Paused on a trap: {msg}"))
            }
            StopReason::Entry => ("entry", "Paused at the program's entry".to_string()),
            StopReason::Breakpoint(ids) => {
                body["hitBreakpointIds"] = json!(ids);
                let why = match ids.first() {
                    Some(id) if self.function_bps.contains(id) => "function breakpoint",
                    Some(id) if self.instruction_bps.contains(id) => "instruction breakpoint",
                    _ => "breakpoint",
                };
                (why, format!("Paused on {why} {}", join(ids)))
            }
            StopReason::Step => ("step", "Paused after a step".to_string()),
            StopReason::Finish { function, value } => {
                if let Some(v) = value {
                    self.returned = Some((function.clone(), v.clone()));
                }
                ("step", format!("Returned from {function}"))
            }
            StopReason::Interrupt => ("pause", "Paused".to_string()),
            StopReason::Watch {
                id,
                expr,
                kind: _,
                old,
                new,
            } => {
                body["hitBreakpointIds"] = json!([id]);
                let text = match old {
                    Some(old) => format!("{expr}: {old} -> {new}"),
                    None => format!("{expr} accessed: {new}"),
                };
                body["text"] = json!(text);
                ("data breakpoint", text)
            }
        };
        body["reason"] = json!(why);
        body["description"] = json!(description);
        self.last_stop = Some(reason);
        self.event("stopped", body);
    }

    /// The program ended with `code`.
    pub fn finish(&mut self, code: i32) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.event("exited", json!({"exitCode": code}));
        self.event("terminated", json!({}));
    }

    /// The frames as text, one `at function (file:line)` per line.
    pub fn backtrace_text(&self, indent: &str) -> String {
        let Some(s) = &self.session else {
            return String::new();
        };
        s.frames()
            .iter()
            .map(|f| match &f.loc {
                Some(l) => format!("{indent}at {} ({}:{})\n", f.function, l.file, l.line),
                None => format!("{indent}at {} (offset {:#x})\n", f.function, f.pc),
            })
            .collect()
    }

    /// Ends the program (the session is over).
    pub fn kill(&mut self) {
        if let Some(s) = &mut self.session {
            s.kill();
        }
    }

    pub fn shutdown(&mut self) {
        self.kill();
    }

    fn initialize(&mut self, req: &Request) -> Result<Json, Error> {
        let a = &req.arguments;
        let flag = |k: &str, default: bool| a.get(k).and_then(Json::as_bool).unwrap_or(default);
        self.client = ClientCaps {
            lines_start_at_1: flag("linesStartAt1", true),
            columns_start_at_1: flag("columnsStartAt1", true),
            invalidated_event: flag("supportsInvalidatedEvent", false),
        };
        Ok(json!({
            "supportsConfigurationDoneRequest": true,
            "supportsFunctionBreakpoints": true,
            "supportsConditionalBreakpoints": true,
            "supportsHitConditionalBreakpoints": true,
            "supportsLogPoints": true,
            "supportsEvaluateForHovers": true,
            "supportsSetVariable": true,
            "supportsSetExpression": true,
            "supportsCompletionsRequest": true,
            "completionTriggerCharacters": [".", ">"],
            "supportsDataBreakpoints": true,
            "supportsInstructionBreakpoints": true,
            "supportsSteppingGranularity": true,
            "supportsDisassembleRequest": true,
            "supportsReadMemoryRequest": true,
            "supportsWriteMemoryRequest": true,
            "supportsExceptionInfoRequest": true,
            "supportsLoadedSourcesRequest": true,
            "supportsModulesRequest": true,
            "supportsRestartRequest": true,
            "supportsTerminateRequest": true,
            "supportTerminateDebuggee": true,
            "supportsDelayedStackTraceLoading": true,
            "supportsValueFormattingOptions": false,
            "exceptionBreakpointFilters": [{
                "filter": "traps",
                "label": "WebAssembly traps",
                "description": "Stop when the program traps (unreachable, out-of-bounds access, division by zero, ...) with its frames inspectable",
                "default": true,
            }],
        }))
    }

    fn threads(&self) -> Json {
        match &self.session {
            Some(_) if !self.finished => json!({"threads": [{"id": THREAD, "name": "main"}]}),
            _ => json!({"threads": []}),
        }
    }
}

/// `1, 2, 3`.
pub fn join(ids: &[u32]) -> String {
    ids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `0x1a2b`.
pub fn hex(n: impl Into<u64>) -> String {
    format!("{:#x}", n.into())
}
