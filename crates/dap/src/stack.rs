//! `stackTrace` (inlined calls are frames) and `scopes`.

use serde::Deserialize;
use serde_json::{Value as Json, json};

use crate::adapter::{Adapter, hex};
use crate::error::Error;
use crate::handles::{Handle, Scope};
use crate::protocol::Request;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StackTraceArgs {
    #[allow(dead_code)]
    thread_id: i64,
    start_frame: Option<usize>,
    levels: Option<usize>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScopesArgs {
    frame_id: i64,
}

impl Adapter {
    pub(crate) fn stack_trace(&mut self, req: &Request) -> Result<Json, Error> {
        let args: StackTraceArgs = req.args()?;
        let frames = self.stopped()?.frames();
        let start = args.start_frame.unwrap_or(0);
        let levels = args.levels.filter(|&l| l > 0).unwrap_or(usize::MAX);
        let mut out = Vec::new();
        for (i, f) in frames.iter().enumerate().skip(start).take(levels) {
            let mut j = json!({
                "id": self.handles.frame_id(i),
                "name": f.function,
                "line": 0,
                "column": 0,
                "instructionPointerReference": hex(f.pc),
                "moduleId": 1,
                "canRestart": false,
            });
            match &f.loc {
                Some(loc) => {
                    j["source"] = self.source_json(&loc.path);
                    j["line"] = json!(self.line_out(loc.line));
                    j["column"] = json!(self.column_out(loc.column));
                }
                // No line info: clients show the disassembly.
                None => j["presentationHint"] = json!("subtle"),
            }
            out.push(j);
        }
        Ok(json!({"stackFrames": out, "totalFrames": frames.len()}))
    }

    pub(crate) fn scopes(&mut self, req: &Request) -> Result<Json, Error> {
        let args: ScopesArgs = req.args()?;
        self.stopped()?;
        let frame = self.handles.frame(args.frame_id)?;
        let session = self.stopped()?;
        let args_n = session.arguments(frame).map(|v| v.len()).unwrap_or(0);
        let mut scopes = Vec::new();
        let mut scope =
            |a: &mut Adapter, name: &str, s: Scope, hint: Option<&str>, expensive: bool| {
                let mut j = json!({
                    "name": name,
                    "variablesReference": a.handles.insert(Handle::Scope(frame, s)),
                    "expensive": expensive,
                });
                if let Some(h) = hint {
                    j["presentationHint"] = json!(h);
                }
                if s == Scope::Arguments {
                    j["namedVariables"] = json!(args_n);
                }
                scopes.push(j);
            };
        scope(
            self,
            "Arguments",
            Scope::Arguments,
            Some("arguments"),
            false,
        );
        scope(self, "Locals", Scope::Locals, Some("locals"), false);
        scope(self, "Globals", Scope::Globals, None, true);
        scope(self, "Wasm", Scope::Wasm, Some("registers"), false);
        Ok(json!({"scopes": scopes}))
    }
}
