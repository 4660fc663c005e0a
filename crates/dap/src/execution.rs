//! Running: `continue`, `next`/`stepIn`/`stepOut` (by line or instruction), `pause`,
//! `restart`, `terminate`, `exceptionInfo`.

use serde::Deserialize;
use serde_json::{Value as Json, json};
use wdb_session::{StepKind, Stop, StopReason};

use crate::adapter::{Adapter, Flow};
use crate::error::{Error, bail};
use crate::launch::LaunchArgs;
use crate::protocol::Request;

/// How to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exec {
    Continue,
    Step(StepKind),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StepArgs {
    #[allow(dead_code)]
    thread_id: Option<i64>,
    granularity: Option<String>,
}

#[derive(Deserialize)]
struct RestartArgs {
    arguments: Option<LaunchArgs>,
}

impl Adapter {
    /// `continue`, `next`, `stepIn`, `stepOut`, `restart`: answer, then run.
    pub(crate) fn run_request(&mut self, req: &Request) -> Flow {
        let exec = match self.prepare_run(req) {
            Ok(exec) => exec,
            Err(e) => {
                self.shared.run().running = false;
                self.respond(req, Err(e));
                return Flow::Continue;
            }
        };
        let body = match req.command.as_str() {
            "continue" => json!({"allThreadsContinued": true}),
            _ => Json::Null,
        };
        self.respond(req, Ok(body));
        match exec {
            Some(exec) => self.execute(exec),
            None => {
                // `restart` with stopOnEntry: stopped where it starts.
                self.shared.run().running = false;
                self.report(StopReason::Entry);
            }
        }
        Flow::Continue
    }

    /// Checks a run request and works out what to run (None: just report the entry stop).
    fn prepare_run(&mut self, req: &Request) -> Result<Option<Exec>, Error> {
        if req.command == "restart" {
            let args: RestartArgs = req.args()?;
            self.restart(args.arguments)?;
            return Ok((!self.stop_on_entry).then_some(Exec::Continue));
        }
        let args: StepArgs = req.args()?;
        let session = self.sess()?;
        if self.finished {
            bail!("the program has ended");
        }
        let instruction = args.granularity.as_deref() == Some("instruction");
        Ok(Some(match (req.command.as_str(), instruction) {
            ("continue", _) => Exec::Continue,
            ("next", false) => Exec::Step(StepKind::Over),
            ("next", true) => Exec::Step(StepKind::InstructionOver),
            ("stepIn", false) => Exec::Step(StepKind::Into),
            ("stepIn", true) => Exec::Step(StepKind::Instruction),
            _ => {
                if session.frames().len() <= 1 {
                    // Out of the outermost frame: the program runs to its end.
                    Exec::Continue
                } else {
                    Exec::Step(StepKind::Out)
                }
            }
        }))
    }

    /// Runs the program (the reader thread serves `pause` meanwhile) and reports the stop.
    pub(crate) fn execute(&mut self, exec: Exec) {
        self.handles.reset();
        self.returned = None;
        let Some(session) = &mut self.session else {
            self.shared.run().running = false;
            return;
        };
        {
            let mut run = self.shared.run();
            run.running = true;
            run.interrupt = Some(session.interrupt_handle());
        }
        let trapped = matches!(session.ended(), Some(Stop::Trapped(_)));
        let reason = (!trapped).then(|| match exec {
            Exec::Continue => session.resume(),
            Exec::Step(kind) => session.step(kind, 0),
        });
        let kill = {
            let mut run = self.shared.run();
            run.running = false;
            run.pause = false;
            // A pause that came after the program had stopped must not stop the next run.
            session.cancel_interrupt();
            std::mem::take(&mut run.kill)
        };
        if kill {
            // `terminate`/`disconnect` is queued behind: it reports the end.
            return;
        }
        match reason {
            Some(reason) => self.report(reason),
            // Going on after a trap ends the program, as it would have without the debugger.
            None => self.finish(134),
        }
    }

    pub(crate) fn pause(&mut self) -> Result<Json, Error> {
        // The program is not running (the reader answers a pause while it runs).
        self.sess()?;
        Ok(Json::Null)
    }

    /// Starts the program over (with new launch arguments if given), keeping breakpoints;
    /// reports the breakpoints whose binding changed (a rebuilt module).
    fn restart(&mut self, args: Option<LaunchArgs>) -> Result<(), Error> {
        let config = args.as_ref().map(LaunchArgs::config).transpose()?;
        let before = self.breakpoint_states();
        let session = self.sess_mut()?;
        if let Some(config) = config {
            session.set_config(config);
        }
        session.restart()?;
        let handle = session.interrupt_handle();
        self.shared.run().interrupt = Some(handle);
        self.finished = false;
        self.last_stop = None;
        self.handles.reset();
        // Watchpoints belong to the old run.
        for id in std::mem::take(&mut self.data_bps) {
            self.event(
                "breakpoint",
                json!({"reason": "removed", "breakpoint": {"id": id, "verified": false}}),
            );
        }
        self.rebind_sources();
        let after = self.breakpoint_states();
        for (id, state) in after {
            if before.iter().any(|(b, s)| *b == id && *s == state) {
                continue;
            }
            if let Ok(bp) = self.breakpoint_json(id) {
                self.event("breakpoint", json!({"reason": "changed", "breakpoint": bp}));
            }
        }
        let module = self.module_json()?;
        self.event("module", json!({"reason": "changed", "module": module}));
        Ok(())
    }

    /// (id, first pc) of every breakpoint (watchpoints are not breakpoints).
    fn breakpoint_states(&self) -> Vec<(u32, Option<u32>)> {
        let Some(s) = &self.session else {
            return Vec::new();
        };
        s.breakpoints()
            .iter()
            .map(|b| (b.id, b.sites.first().map(|s| s.pc)))
            .collect()
    }

    pub(crate) fn exception_info(&self) -> Result<Json, Error> {
        let Some(StopReason::Trapped(msg)) = &self.last_stop else {
            bail!("the program is not stopped on a trap");
        };
        self.stopped()?;
        let trace = self.backtrace_text("");
        Ok(json!({
            "exceptionId": "trap",
            "description": msg,
            "breakMode": "always",
            "details": {
                "message": msg,
                "typeName": "WebAssembly trap",
                "stackTrace": trace,
            },
        }))
    }
}
