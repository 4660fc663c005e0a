//! `setBreakpoints`, `setFunctionBreakpoints`, `setInstructionBreakpoints`,
//! `setExceptionBreakpoints`, `dataBreakpointInfo`, `setDataBreakpoints`.
//!
//! DAP requests replace a whole set (one source's breakpoints, all function breakpoints...);
//! each DAP breakpoint is one session breakpoint, whose id the client sees.

use serde::Deserialize;
use serde_json::{Value as Json, json};
use wdb_session::{Location, WatchKind, parse_number};

use crate::adapter::{Adapter, hex};
use crate::error::{Error, bail};
use crate::handles::Handle;
use crate::protocol::Request;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceArg {
    path: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceBreakpoint {
    line: i64,
    condition: Option<String>,
    hit_condition: Option<String>,
    log_message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetBreakpointsArgs {
    source: SourceArg,
    breakpoints: Option<Vec<SourceBreakpoint>>,
    /// Deprecated form: lines only.
    lines: Option<Vec<i64>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FunctionBreakpoint {
    name: String,
    condition: Option<String>,
    hit_condition: Option<String>,
}

#[derive(Deserialize)]
struct SetFunctionBreakpointsArgs {
    breakpoints: Vec<FunctionBreakpoint>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InstructionBreakpoint {
    instruction_reference: String,
    #[serde(default)]
    offset: i64,
    condition: Option<String>,
    hit_condition: Option<String>,
}

#[derive(Deserialize)]
struct SetInstructionBreakpointsArgs {
    breakpoints: Vec<InstructionBreakpoint>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExceptionFilterOption {
    filter_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetExceptionBreakpointsArgs {
    filters: Vec<String>,
    filter_options: Option<Vec<ExceptionFilterOption>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataBreakpointInfoArgs {
    variables_reference: Option<i64>,
    name: String,
    frame_id: Option<i64>,
    bytes: Option<u32>,
    #[serde(default)]
    as_address: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataBreakpoint {
    data_id: String,
    access_type: Option<String>,
    condition: Option<String>,
    hit_condition: Option<String>,
}

#[derive(Deserialize)]
struct SetDataBreakpointsArgs {
    breakpoints: Vec<DataBreakpoint>,
}

impl Adapter {
    pub(crate) fn set_breakpoints(&mut self, req: &Request) -> Result<Json, Error> {
        let args: SetBreakpointsArgs = req.args()?;
        let Some(key) = args.source.path.clone().or(args.source.name.clone()) else {
            bail!("setBreakpoints: the source needs a `path`");
        };
        let wanted: Vec<SourceBreakpoint> = match (args.breakpoints, args.lines) {
            (Some(b), _) => b,
            (None, Some(lines)) => lines
                .into_iter()
                .map(|line| SourceBreakpoint {
                    line,
                    condition: None,
                    hit_condition: None,
                    log_message: None,
                })
                .collect(),
            (None, None) => Vec::new(),
        };
        self.sess()?;
        for id in self.source_bps.remove(&key).unwrap_or_default() {
            self.forget(id);
        }
        let file = self.sess()?.dwarf_source(&key);
        if let Some(f) = &file {
            self.sess_mut()?.learn_source(f, &key);
        }
        let client_source = json!({
            "name": key.rsplit(['/', '\\']).next().unwrap_or(&key),
            "path": key,
        });
        let mut ids = Vec::new();
        for b in wanted {
            let line = self.line_in(b.line);
            let location = Location::Line {
                file: file.clone().unwrap_or_else(|| key.clone()),
                line,
            };
            let id = self.add(location, b.condition, b.hit_condition)?;
            if let Some(msg) = b.log_message
                && let Some(bp) = self.sess_mut()?.breakpoint_mut(id)
            {
                bp.log_message = Some(msg);
            }
            self.bp_requested.insert(id, (client_source.clone(), line));
            ids.push(id);
        }
        self.source_bps.insert(key, ids.clone());
        self.breakpoints_json(&ids)
    }

    pub(crate) fn set_function_breakpoints(&mut self, req: &Request) -> Result<Json, Error> {
        let args: SetFunctionBreakpointsArgs = req.args()?;
        self.sess()?;
        for id in std::mem::take(&mut self.function_bps) {
            self.forget(id);
        }
        for b in args.breakpoints {
            let name = b.name.trim().to_string();
            if name.is_empty() || name.contains(char::is_whitespace) {
                bail!("bad function name `{}`", b.name);
            }
            let id = self.add(Location::Function(name), b.condition, b.hit_condition)?;
            self.function_bps.push(id);
        }
        let ids = self.function_bps.clone();
        self.breakpoints_json(&ids)
    }

    pub(crate) fn set_instruction_breakpoints(&mut self, req: &Request) -> Result<Json, Error> {
        let args: SetInstructionBreakpointsArgs = req.args()?;
        self.sess()?;
        for id in std::mem::take(&mut self.instruction_bps) {
            self.forget(id);
        }
        for b in args.breakpoints {
            let Some(base) = parse_number(b.instruction_reference.trim()) else {
                bail!("bad instructionReference `{}`", b.instruction_reference);
            };
            let Some(addr) = i64::try_from(base)
                .ok()
                .and_then(|a| a.checked_add(b.offset))
                .and_then(|a| u32::try_from(a).ok())
            else {
                bail!("instruction address out of range");
            };
            let id = self.add(Location::Address(addr), b.condition, b.hit_condition)?;
            self.instruction_bps.push(id);
        }
        let ids = self.instruction_bps.clone();
        self.breakpoints_json(&ids)
    }

    pub(crate) fn set_exception_breakpoints(&mut self, req: &Request) -> Result<Json, Error> {
        let args: SetExceptionBreakpointsArgs = req.args()?;
        let mut filters = args.filters;
        filters.extend(
            args.filter_options
                .unwrap_or_default()
                .into_iter()
                .map(|o| o.filter_id),
        );
        if let Some(bad) = filters.iter().find(|f| *f != "traps") {
            bail!("unknown exception filter `{bad}` (wdb has `traps`)");
        }
        self.break_on_traps = !filters.is_empty();
        Ok(
            json!({"breakpoints": filters.iter().map(|_| json!({"verified": true})).collect::<Vec<_>>()}),
        )
    }

    pub(crate) fn data_breakpoint_info(&mut self, req: &Request) -> Result<Json, Error> {
        let args: DataBreakpointInfoArgs = req.args()?;
        let no = |why: String| Ok(json!({"dataId": null, "description": why}));
        if args.as_address {
            let Some(addr) = parse_number(args.name.trim()).and_then(|a| u32::try_from(a).ok())
            else {
                return no(format!("`{}` is not an address", args.name));
            };
            let len = args.bytes.unwrap_or(4);
            return Ok(json!({
                "dataId": format!("{addr:#x}/{len}"),
                "description": format!("{len} bytes at {addr:#x}"),
                "accessTypes": ["write", "read", "readWrite"],
                "canPersist": false,
            }));
        }
        let session = self.stopped()?;
        let (value, label) = match args.variables_reference {
            Some(r) if r > 0 => match self.handles.get(r)? {
                Handle::Wasm(..) => {
                    return no(
                        "wasm locals, globals and the operand stack are not in linear memory: only memory can be watched"
                            .into(),
                    );
                }
                _ => {
                    let (_, children) = self.children_of(r, 0, u64::MAX)?;
                    let Some(child) = children.into_iter().find(|c| c.name == args.name) else {
                        bail!("no variable `{}` in reference {r}", args.name);
                    };
                    let Some(value) = child.raw else {
                        return no(format!("`{}` is not in linear memory", args.name));
                    };
                    (value, child.eval.unwrap_or(child.name))
                }
            },
            _ => {
                let frame = match args.frame_id {
                    Some(id) => self.handles.frame(id)?,
                    None => 0,
                };
                (session.evaluate(&args.name, frame)?, args.name.clone())
            }
        };
        let session = self.sess()?;
        let Some(addr) = value.address() else {
            return no(format!(
                "`{label}` is not in linear memory (a wasm local or register)"
            ));
        };
        let Some(len) = session.symbols().size_of(value.ty).filter(|&n| n > 0) else {
            return no(format!("`{label}` has no known size"));
        };
        let id = format!("{addr:#x}/{len}/{label}");
        self.data_ids.insert(id.clone(), (value, label.clone()));
        Ok(json!({
            "dataId": id,
            "description": format!("{label} ({len} bytes at {addr:#x})"),
            "accessTypes": ["write", "read", "readWrite"],
            "canPersist": false,
        }))
    }

    pub(crate) fn set_data_breakpoints(&mut self, req: &Request) -> Result<Json, Error> {
        let args: SetDataBreakpointsArgs = req.args()?;
        self.sess()?;
        for id in std::mem::take(&mut self.data_bps) {
            self.forget(id);
        }
        let mut out = Vec::new();
        for b in args.breakpoints {
            let kind = match b.access_type.as_deref() {
                None | Some("write") => WatchKind::Write,
                Some("read") => WatchKind::Read,
                Some("readWrite") => WatchKind::Access,
                Some(other) => bail!("unknown accessType `{other}`"),
            };
            let known = self.data_ids.get(&b.data_id).cloned();
            let session = self.sess_mut()?;
            let added = match known {
                Some((value, label)) => session.add_value_watchpoint(&label, value, kind),
                None => {
                    let mut parts = b.data_id.split('/');
                    let addr = parts
                        .next()
                        .and_then(parse_number)
                        .and_then(|a| u32::try_from(a).ok());
                    let len = parts.next().and_then(|l| l.parse::<u32>().ok());
                    match (addr, len) {
                        // An address, or an expression's data id from an earlier run.
                        (Some(addr), Some(len)) => session.add_address_watchpoint(addr, len, kind),
                        _ => {
                            out.push(json!({"verified": false, "message": format!("unknown dataId `{}`", b.data_id)}));
                            continue;
                        }
                    }
                }
            };
            match added.map(|w| w.id) {
                Ok(id) => {
                    if let Some(w) = session.watchpoint_mut(id) {
                        w.condition = b.condition.filter(|c| !c.trim().is_empty());
                        w.hit_condition = b.hit_condition.filter(|c| !c.trim().is_empty());
                    }
                    self.data_bps.push(id);
                    out.push(json!({"id": id, "verified": true}));
                }
                Err(e) => out.push(json!({"verified": false, "message": e.to_string()})),
            }
        }
        Ok(json!({"breakpoints": out}))
    }

    /// Adds one session breakpoint.
    fn add(
        &mut self,
        location: Location,
        condition: Option<String>,
        hit_condition: Option<String>,
    ) -> Result<u32, Error> {
        let session = self.sess_mut()?;
        let id = session.add_breakpoint(location).id;
        if let Some(bp) = session.breakpoint_mut(id) {
            bp.condition = condition.filter(|c| !c.trim().is_empty());
            bp.hit_condition = hit_condition.filter(|c| !c.trim().is_empty());
            if let Some(h) = &bp.hit_condition
                && !valid_hit_condition(h)
            {
                let h = h.clone();
                session.delete(id);
                bail!("bad hit condition `{h}` (use N, >=N, >N, ==N, <N, <=N or %N)");
            }
        }
        Ok(id)
    }

    fn forget(&mut self, id: u32) {
        if let Some(s) = &mut self.session {
            s.delete(id);
        }
        self.bp_requested.remove(&id);
    }

    fn breakpoints_json(&mut self, ids: &[u32]) -> Result<Json, Error> {
        let list = ids
            .iter()
            .map(|id| self.breakpoint_json(*id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({"breakpoints": list}))
    }

    /// A DAP `Breakpoint` for a session breakpoint.
    pub(crate) fn breakpoint_json(&mut self, id: u32) -> Result<Json, Error> {
        let Some(bp) = self
            .sess()?
            .breakpoints()
            .iter()
            .find(|b| b.id == id)
            .cloned()
        else {
            bail!("no breakpoint {id}");
        };
        let mut j = json!({"id": id, "verified": !bp.sites.is_empty()});
        match bp.sites.first() {
            Some(site) => {
                j["instructionReference"] = json!(hex(site.pc));
                let loc = site
                    .loc
                    .clone()
                    .or_else(|| self.sess().ok()?.symbols().location(site.pc));
                if let Some(loc) = &loc {
                    j["source"] = self.source_json(&loc.path);
                    j["line"] = json!(self.line_out(loc.line));
                }
            }
            None => {
                if let Some((source, line)) = self.bp_requested.get(&id).cloned() {
                    j["source"] = source;
                    j["line"] = json!(self.line_out(line));
                }
                let session = self.sess()?;
                j["message"] = json!(match &bp.location {
                    Location::Line { file, line } => {
                        if session.dwarf_source(file).is_none() {
                            format!("{file} is not a source of this program (no debug info for it)")
                        } else {
                            format!("no code at or after line {line} of {file}")
                        }
                    }
                    Location::Function(name) => format!("no function `{name}` in this program"),
                    Location::Address(a) => format!("no instruction at {a:#x}"),
                });
            }
        }
        Ok(j)
    }

    /// Source breakpoints whose file the module did not know are looked up again (after a
    /// restart with a rebuilt module).
    pub(crate) fn rebind_sources(&mut self) {
        let Some(session) = &mut self.session else {
            return;
        };
        for (key, ids) in &self.source_bps {
            let Some(file) = session.dwarf_source(key) else {
                continue;
            };
            for id in ids {
                let Some(bp) = session.breakpoints().iter().find(|b| b.id == *id) else {
                    continue;
                };
                if let Location::Line { file: old, line } = &bp.location
                    && *old != file
                {
                    let line = *line;
                    session.set_location(
                        *id,
                        Location::Line {
                            file: file.clone(),
                            line,
                        },
                    );
                }
            }
        }
    }
}

fn valid_hit_condition(h: &str) -> bool {
    let n = h.trim().trim_start_matches(['>', '<', '=', '%']);
    n.trim().parse::<u32>().is_ok()
}
