//! [`Session`]: the source-level debugger core every front-end drives. It owns the
//! [`Debuggee`] and the module's [`Symbols`], turns logical breakpoints into physical ones,
//! steps by source line, and answers frames, variables and expressions.

use std::rc::Rc;

use wdb_symbols::{SourceFrame, SourceLoc, Symbols, Value, VarKind, Variable};

use crate::access::{Access, to_wasm};
use crate::{Debuggee, Error, LaunchConfig, Stop, WatchKind};

/// Where a breakpoint goes, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `file.c:12` (an empty file means the file of the selected frame).
    Line { file: String, line: u32 },
    /// `main`, `Shape::area`.
    Function(String),
    /// `*0x1234`: a module offset.
    Address(u32),
}

impl Location {
    /// Parses `file:line`, `line`, `function` or `*address`.
    pub fn parse(s: &str) -> Result<Location, Error> {
        let s = s.trim();
        if let Some(addr) = s.strip_prefix('*') {
            return parse_number(addr.trim())
                .and_then(|a| u32::try_from(a).ok())
                .map(Location::Address)
                .ok_or_else(|| Error::Usage(format!("bad address `{addr}`")));
        }
        if let Some((file, line)) = s.rsplit_once(':')
            && !file.ends_with(':')
            && let Ok(line) = line.trim().parse::<u32>()
        {
            return Ok(Location::Line {
                file: file.trim().to_string(),
                line,
            });
        }
        if let Ok(line) = s.parse::<u32>() {
            return Ok(Location::Line {
                file: String::new(),
                line,
            });
        }
        if s.is_empty() || s.contains(char::is_whitespace) {
            return Err(Error::Usage(format!("bad location `{s}`")));
        }
        Ok(Location::Function(s.to_string()))
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Line { file, line } if file.is_empty() => write!(f, "{line}"),
            Location::Line { file, line } => write!(f, "{file}:{line}"),
            Location::Function(name) => f.write_str(name),
            Location::Address(a) => write!(f, "*{a:#x}"),
        }
    }
}

/// Parses decimal, `0x` hex or `0` octal.
pub fn parse_number(s: &str) -> Option<u64> {
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

/// A resolved breakpoint address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Module offset.
    pub pc: u32,
    pub function: String,
    pub loc: Option<SourceLoc>,
}

/// A logical breakpoint: one location, zero (pending) or more sites.
#[derive(Debug, Clone)]
pub struct Breakpoint {
    pub id: u32,
    pub location: Location,
    pub sites: Vec<Site>,
    pub enabled: bool,
    /// Stop only when this expression is true (nonzero).
    pub condition: Option<String>,
    /// `N`, `>N`, `>=N`, `==N`, `<N`, `%N`: when, by hit count, to stop.
    pub hit_condition: Option<String>,
    /// Skip this many hits (gdb's `ignore`).
    pub ignore_count: u32,
    /// Print this (with `{expr}` interpolated) instead of stopping.
    pub log_message: Option<String>,
    /// Delete after the first stop (`tbreak`).
    pub temporary: bool,
    pub hits: u32,
}

/// A data watchpoint.
#[derive(Debug, Clone)]
pub struct Watchpoint {
    pub id: u32,
    /// The expression as written.
    pub expr: String,
    pub kind: WatchKind,
    pub addr: u32,
    pub len: u32,
    pub enabled: bool,
    pub hits: u32,
    /// Stop only when this expression is true (evaluated in the innermost frame).
    pub condition: Option<String>,
    /// Like a breakpoint's hit condition, counted over the changes that pass `condition`.
    pub hit_condition: Option<String>,
    value: Value,
}

/// Why the program stopped, at the source level.
#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    /// Launched, before the first instruction.
    Entry,
    /// Hit these breakpoints.
    Breakpoint(Vec<u32>),
    /// A step finished.
    Step,
    /// `finish` returned; the function's value if it has one.
    Finish {
        function: String,
        value: Option<String>,
    },
    Interrupt,
    /// A watchpoint triggered; values printed by the expression's type.
    Watch {
        id: u32,
        expr: String,
        kind: WatchKind,
        old: Option<String>,
        new: String,
    },
    /// The program trapped: message (the frames stay inspectable).
    Trapped(String),
    /// The program exited with this code.
    Exited(i32),
}

/// A source-level frame: a wasm frame, or a call inlined into one.
#[derive(Debug, Clone)]
pub struct FrameInfo {
    pub function: String,
    pub loc: Option<SourceLoc>,
    /// The wasm pc (module offset; for callers, the return address).
    pub pc: u32,
    /// Index of the wasm frame (0 = innermost).
    pub wasm_frame: usize,
    pub func_index: u32,
    /// A call inlined into the next frame.
    pub inlined: bool,
    source: SourceFrame,
    /// pc used for symbol lookups (callers: return address - 1).
    lookup_pc: u32,
}

/// How to step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// Next source line, stepping over calls (`next`).
    Over,
    /// Next source line, into calls that have line info (`step`).
    Into,
    /// Until the selected function returns (`finish`).
    Out,
    /// Like `Over`, but never stops at a line before the current one (`until`).
    Until,
    /// One wasm instruction (`stepi`).
    Instruction,
    /// One wasm instruction, over calls (`nexti`).
    InstructionOver,
}

/// A variable as front-ends show it.
#[derive(Debug, Clone)]
pub struct VarView {
    pub name: String,
    pub type_name: String,
    /// The value printed as gdb's `info locals` does.
    pub value: String,
    pub kind: VarKind,
    /// The value, for expanding children or evaluating further.
    pub raw: Value,
}

/// Receives log-point output and condition errors (see [`Session::set_message_sink`]).
pub type MessageSink = Box<dyn FnMut(&str)>;

/// The debugger core.
pub struct Session {
    config: LaunchConfig,
    debuggee: Debuggee,
    symbols: Rc<Symbols>,
    /// The module bytes `symbols` was made from.
    symbols_bytes: std::sync::Arc<[u8]>,
    /// Every instruction of the module: (offset, wasm text), made on first use.
    code: Option<Vec<(u32, String)>>,
    breakpoints: Vec<Breakpoint>,
    watchpoints: Vec<Watchpoint>,
    next_id: u32,
    /// Messages from log points and conditions, for the front-end to print.
    messages: Vec<String>,
    /// Where messages go as they happen, when a front-end wants them in order with the
    /// program's output.
    message_sink: Option<MessageSink>,
    frames_cache: Option<Vec<FrameInfo>>,
    /// Inlined frames at the top hidden after a function breakpoint stop.
    hidden_inline: usize,
    /// Source path rewrites (DWARF prefix, local prefix), tried in order.
    source_map: Vec<(String, String)>,
    wasi_setup: Box<dyn Fn() -> wdb_wasi::WasiCtxBuilder>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("debuggee", &self.debuggee)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Loads the program and stops at entry. `wasi` prepares each run's WASI context
    /// (stdio); it is called again by [`Session::restart`].
    pub fn launch(
        config: LaunchConfig,
        wasi: Box<dyn Fn() -> wdb_wasi::WasiCtxBuilder>,
    ) -> Result<Session, Error> {
        let debuggee = Debuggee::launch_with(&config, wasi())?;
        let image = debuggee.modules()[0].clone();
        let symbols = load_symbols(&config, &image.bytes);
        Ok(Session {
            config,
            debuggee,
            symbols: Rc::new(symbols),
            symbols_bytes: image.bytes,
            code: None,
            breakpoints: Vec::new(),
            watchpoints: Vec::new(),
            next_id: 1,
            messages: Vec::new(),
            message_sink: None,
            frames_cache: None,
            hidden_inline: 0,
            source_map: Vec::new(),
            wasi_setup: wasi,
        })
    }

    /// Starts the program again from entry, keeping breakpoints (watchpoints are dropped:
    /// their addresses belong to the old run). A module rebuilt since the last run is
    /// reloaded with its new symbols, and breakpoints are bound again.
    pub fn restart(&mut self) -> Result<(), Error> {
        self.debuggee.kill();
        self.debuggee = Debuggee::launch_with(&self.config, (self.wasi_setup)())?;
        let image = self.debuggee.modules()[0].clone();
        if self.symbols_bytes.as_ref() != &image.bytes[..] {
            self.symbols = Rc::new(load_symbols(&self.config, &image.bytes));
            self.symbols_bytes = image.bytes.clone();
            self.code = None;
        }
        self.watchpoints.clear();
        self.frames_cache = None;
        let bps: Vec<u32> = self.breakpoints.iter().map(|b| b.id).collect();
        for id in bps {
            self.rebind(id);
        }
        Ok(())
    }

    pub fn symbols(&self) -> &Symbols {
        &self.symbols
    }

    pub fn debuggee(&self) -> &Debuggee {
        &self.debuggee
    }

    pub fn debuggee_mut(&mut self) -> &mut Debuggee {
        self.frames_cache = None;
        &mut self.debuggee
    }

    pub fn config(&self) -> &LaunchConfig {
        &self.config
    }

    /// Replaces what the next [`Session::restart`] runs.
    pub fn set_config(&mut self, config: LaunchConfig) {
        self.config = config;
    }

    // ---- source files ---------------------------------------------------------------

    /// Adds a source path rewrite: DWARF paths starting with `from` are read from `to`
    /// (gdb's `set substitute-path`, DAP's `sourceMap`).
    pub fn add_source_map(&mut self, from: &str, to: &str) {
        self.source_map.push((from.to_string(), to.to_string()));
    }

    /// Records that DWARF source `dwarf` is the local file `local` (a front-end set a
    /// breakpoint in it): their differing leading directories become a source map entry, so
    /// stops in that file and its neighbours (headers of the same tree) show the local copy.
    pub fn learn_source(&mut self, dwarf: &str, local: &str) {
        if self
            .local_source(dwarf)
            .is_some_and(|p| p == std::path::Path::new(local))
            || !std::path::Path::new(local).is_file()
        {
            return;
        }
        let d: Vec<&str> = dwarf.split('/').collect();
        let l: Vec<&str> = local.split('/').collect();
        let common = common_tail(&d, &l);
        let from = d[..d.len() - common].join("/");
        let to = l[..l.len() - common].join("/");
        if common == 0 || from.is_empty() || to.is_empty() {
            return;
        }
        if !self.source_map.iter().any(|(f, t)| *f == from && *t == to) {
            // Learned rules come before older ones: the user's latest copy wins.
            self.source_map.insert(0, (from, to));
        }
    }

    /// Where a DWARF source path is on this machine: the source map first; then the
    /// recorded path; then, for a moved or cloned tree, the directories above the module with
    /// the path's trailing components. None when the file is nowhere.
    pub fn local_source(&self, dwarf_path: &str) -> Option<std::path::PathBuf> {
        use std::path::{Path, PathBuf};
        for (from, to) in &self.source_map {
            if let Some(rest) = dwarf_path.strip_prefix(from.as_str()) {
                let p = PathBuf::from(format!("{to}{rest}"));
                if p.is_file() {
                    return Some(p);
                }
            }
        }
        if Path::new(dwarf_path).is_file() {
            return Some(PathBuf::from(dwarf_path));
        }
        let module = std::path::absolute(&self.config.program).ok()?;
        let parts: Vec<&str> = dwarf_path.split('/').filter(|p| !p.is_empty()).collect();
        for dir in module.ancestors().skip(1).take(4) {
            for n in 1..=parts.len().min(3) {
                let candidate = dir.join(parts[parts.len() - n..].join("/"));
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
        }
        None
    }

    /// The DWARF source file a local path stands for: the source map backwards, else the
    /// file whose path shares the longest tail of components with `local` (at least the
    /// file name), so that breakpoints set in a clone or a moved tree still bind.
    pub fn dwarf_source(&self, local: &str) -> Option<String> {
        let files = self.symbols.source_files();
        for (from, to) in &self.source_map {
            if let Some(rest) = local.strip_prefix(to.as_str()) {
                let p = format!("{from}{rest}");
                if files.contains(&p) {
                    return Some(p);
                }
            }
        }
        let components = |p: &str| -> Vec<String> {
            p.split(['/', '\\'])
                .filter(|c| !c.is_empty() && *c != ".")
                .map(str::to_string)
                .collect()
        };
        let want = components(local);
        files
            .iter()
            .map(|f| (common_tail(&components(f), &want), f))
            .filter(|(common, _)| *common > 0)
            .max_by_key(|(common, f)| (*common, std::cmp::Reverse(f.len())))
            .map(|(_, f)| f.clone())
    }

    /// The stop that ended the program, if it ended.
    pub fn ended(&self) -> Option<&Stop> {
        self.debuggee.ended()
    }

    /// Sends log-point output and condition errors to `sink` as they happen (instead of
    /// keeping them for [`Session::take_messages`]).
    pub fn set_message_sink(&mut self, sink: MessageSink) {
        self.message_sink = Some(sink);
    }

    fn message(&mut self, text: String) {
        match &mut self.message_sink {
            Some(sink) => sink(&text),
            None => self.messages.push(text),
        }
    }

    /// Log-point output and condition errors since the last call.
    pub fn take_messages(&mut self) -> Vec<String> {
        std::mem::take(&mut self.messages)
    }

    // ---- breakpoints ----------------------------------------------------------------

    /// Adds one engine breakpoint request (the engine counts requests per instruction);
    /// returns the instruction it landed on.
    fn add_physical(&mut self, pc: u32) -> Option<u32> {
        let instance = self.instance();
        self.debuggee.add_breakpoint(instance, pc)
    }

    fn remove_physical(&mut self, pc: u32) {
        let instance = self.instance();
        self.debuggee.remove_breakpoint(instance, pc);
    }

    /// Resolves a location to sites.
    pub fn resolve(&self, location: &Location, frame: usize) -> Vec<Site> {
        match location {
            Location::Line { file, line } => {
                let file = if file.is_empty() {
                    self.frames()
                        .get(frame)
                        .and_then(|f| f.loc.clone())
                        .map(|l| l.path)
                        .unwrap_or_default()
                } else {
                    file.clone()
                };
                self.symbols
                    .line_sites(&file, *line)
                    .into_iter()
                    .map(|s| {
                        // A line whose code starts inside the function's prologue (a
                        // one-line function, the line of its `{`): stop after the prologue,
                        // where the arguments are in place, as gdb does.
                        let (pc, loc) = match self.symbols.prologue_end(s.pc) {
                            Some(end) if s.pc < end && self.symbols.frames(s.pc).len() == 1 => {
                                (end, self.symbols.location(end).unwrap_or(s.loc))
                            }
                            _ => (s.pc, s.loc),
                        };
                        Site {
                            pc,
                            function: self.function_at(pc),
                            loc: Some(loc),
                        }
                    })
                    .collect()
            }
            Location::Function(name) => self
                .symbols
                .function_sites(name)
                .into_iter()
                .map(|s| {
                    // A name-section-only function: its first instruction.
                    let pc = if s.loc.is_none() && !s.inlined {
                        self.first_instruction(s.pc).unwrap_or(s.pc)
                    } else {
                        s.pc
                    };
                    Site {
                        pc,
                        function: s.function,
                        loc: s.loc,
                    }
                })
                .collect(),
            Location::Address(pc) => vec![Site {
                pc: *pc,
                function: self.function_at(*pc),
                loc: self.symbols.location(*pc),
            }],
        }
    }

    fn first_instruction(&self, body_start: u32) -> Option<u32> {
        let index = self.symbols.wasm_function_at(body_start)?;
        let name = self.symbols.wasm_function_name(index)?;
        self.debuggee.func_entry(name)
    }

    fn function_at(&self, pc: u32) -> String {
        self.symbols
            .frames(pc)
            .first()
            .map(|f| f.function.clone())
            .unwrap_or_default()
    }

    /// Adds a breakpoint; it is pending (no sites) when the location matches no code yet.
    pub fn add_breakpoint(&mut self, location: Location) -> &Breakpoint {
        let id = self.next_id;
        self.next_id += 1;
        self.breakpoints.push(Breakpoint {
            id,
            location,
            sites: Vec::new(),
            enabled: true,
            condition: None,
            hit_condition: None,
            ignore_count: 0,
            log_message: None,
            temporary: false,
            hits: 0,
        });
        self.rebind(id);
        self.breakpoints.last().expect("just pushed")
    }

    /// (Re)computes a breakpoint's sites and its engine breakpoints.
    fn rebind(&mut self, id: u32) {
        let Some(i) = self.breakpoints.iter().position(|b| b.id == id) else {
            return;
        };
        let old: Vec<u32> = self.breakpoints[i].sites.iter().map(|s| s.pc).collect();
        if self.breakpoints[i].enabled {
            for pc in &old {
                self.remove_physical(*pc);
            }
        }
        let mut sites = self.resolve(&self.breakpoints[i].location.clone(), 0);
        if self.breakpoints[i].enabled {
            sites.retain_mut(|s| match self.add_physical(s.pc) {
                Some(pc) => {
                    s.pc = pc;
                    true
                }
                None => false,
            });
        }
        self.breakpoints[i].sites = sites;
    }

    /// Moves a breakpoint to another location (binding it again).
    pub fn set_location(&mut self, id: u32, location: Location) -> bool {
        let Some(bp) = self.breakpoint_mut(id) else {
            return false;
        };
        bp.location = location;
        self.rebind(id);
        true
    }

    pub fn breakpoints(&self) -> &[Breakpoint] {
        &self.breakpoints
    }

    pub fn breakpoint_mut(&mut self, id: u32) -> Option<&mut Breakpoint> {
        self.breakpoints.iter_mut().find(|b| b.id == id)
    }

    /// Deletes a breakpoint or watchpoint; false if there is none with this id.
    pub fn delete(&mut self, id: u32) -> bool {
        if let Some(i) = self.breakpoints.iter().position(|b| b.id == id) {
            let bp = self.breakpoints.remove(i);
            if bp.enabled {
                for s in bp.sites {
                    self.remove_physical(s.pc);
                }
            }
            return true;
        }
        if let Some(i) = self.watchpoints.iter().position(|w| w.id == id) {
            let w = self.watchpoints.remove(i);
            if w.enabled {
                self.unset_watch(&w);
            }
            return true;
        }
        false
    }

    /// Enables or disables a breakpoint or watchpoint.
    pub fn set_enabled(&mut self, id: u32, enabled: bool) -> bool {
        if let Some(i) = self.breakpoints.iter().position(|b| b.id == id) {
            if self.breakpoints[i].enabled != enabled {
                let pcs: Vec<u32> = self.breakpoints[i].sites.iter().map(|s| s.pc).collect();
                for pc in pcs {
                    if enabled {
                        self.add_physical(pc);
                    } else {
                        self.remove_physical(pc);
                    }
                }
                self.breakpoints[i].enabled = enabled;
            }
            return true;
        }
        if let Some(i) = self.watchpoints.iter().position(|w| w.id == id) {
            if self.watchpoints[i].enabled != enabled {
                let w = self.watchpoints[i].clone();
                let instance = self.instance();
                if enabled {
                    self.debuggee
                        .add_watchpoint(instance, w.addr, w.len, w.kind);
                } else {
                    self.unset_watch(&w);
                }
                self.watchpoints[i].enabled = enabled;
            }
            return true;
        }
        false
    }

    fn instance(&self) -> u32 {
        self.debuggee.modules()[0].instance
    }

    // ---- watchpoints ----------------------------------------------------------------

    /// Watches the memory of an lvalue expression evaluated in `frame`.
    pub fn add_watchpoint(
        &mut self,
        expr: &str,
        kind: WatchKind,
        frame: usize,
    ) -> Result<&Watchpoint, Error> {
        let value = self.evaluate(expr, frame)?;
        self.add_value_watchpoint(expr, value, kind)
    }

    /// Watches the memory of a value (e.g. one found by [`Session::evaluate`]); `expr` names
    /// it in stops.
    pub fn add_value_watchpoint(
        &mut self,
        expr: &str,
        value: Value,
        kind: WatchKind,
    ) -> Result<&Watchpoint, Error> {
        let addr = value
            .address()
            .ok_or_else(|| Error::Usage(format!("cannot watch `{expr}`: it is not in memory")))?;
        let len = self
            .symbols
            .size_of(value.ty)
            .filter(|&n| n > 0)
            .ok_or_else(|| Error::Usage(format!("cannot watch `{expr}`: unknown size")))?;
        let (Ok(addr), Ok(len)) = (u32::try_from(addr), u32::try_from(len)) else {
            return Err(Error::Usage(format!("cannot watch `{expr}`: out of range")));
        };
        self.watch(expr.to_string(), addr, len, kind, value)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "cannot watch `{expr}`: address {addr:#x} is out of bounds"
                ))
            })
    }

    /// Watches `len` bytes at a memory address.
    pub fn add_address_watchpoint(
        &mut self,
        addr: u32,
        len: u32,
        kind: WatchKind,
    ) -> Result<&Watchpoint, Error> {
        let ty = self
            .symbols
            .builtin_type(match len {
                1 => "unsigned char",
                2 => "unsigned short",
                8 => "unsigned long long",
                _ => "unsigned int",
            })
            .unwrap_or(wdb_symbols::TypeRef::Void);
        let value = Value::new(ty, wdb_symbols::Place::Memory(u64::from(addr)));
        let watched = (len > 0)
            .then(|| self.watch(format!("*{addr:#x}"), addr, len, kind, value))
            .flatten();
        watched.ok_or_else(|| Error::Usage(format!("cannot watch {len} bytes at {addr:#x}")))
    }

    /// Sets the engine watchpoint and records it; None when the range is not in memory.
    fn watch(
        &mut self,
        expr: String,
        addr: u32,
        len: u32,
        kind: WatchKind,
        value: Value,
    ) -> Option<&Watchpoint> {
        let instance = self.instance();
        if !self.debuggee.add_watchpoint(instance, addr, len, kind) {
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.watchpoints.push(Watchpoint {
            id,
            expr,
            kind,
            addr,
            len,
            enabled: true,
            hits: 0,
            condition: None,
            hit_condition: None,
            value,
        });
        self.watchpoints.last()
    }

    fn unset_watch(&mut self, w: &Watchpoint) {
        let instance = self.instance();
        self.debuggee
            .remove_watchpoint(instance, w.addr, w.len, w.kind);
    }

    pub fn watchpoint_mut(&mut self, id: u32) -> Option<&mut Watchpoint> {
        self.watchpoints.iter_mut().find(|w| w.id == id)
    }

    pub fn watchpoints(&self) -> &[Watchpoint] {
        &self.watchpoints
    }

    // ---- running --------------------------------------------------------------------

    /// Continues until a breakpoint that wants to stop, a watchpoint, a trap or the end.
    pub fn resume(&mut self) -> StopReason {
        loop {
            let stop = self.engine_resume();
            if let Some(reason) = self.filter_stop(stop) {
                return reason;
            }
        }
    }

    fn engine_resume(&mut self) -> Stop {
        self.frames_cache = None;
        self.hidden_inline = 0;
        let stop = self.debuggee.resume();
        self.debuggee.flush_output();
        stop
    }

    fn engine_step(&mut self) -> Stop {
        self.frames_cache = None;
        self.hidden_inline = 0;
        self.debuggee.step()
    }

    /// Turns an engine stop into a source-level one, or None to keep going (a breakpoint
    /// whose condition is false, a log point, a watch that did not change the value).
    fn filter_stop(&mut self, stop: Stop) -> Option<StopReason> {
        match stop {
            Stop::Entry => Some(StopReason::Entry),
            Stop::Step => Some(StopReason::Step),
            Stop::Interrupt => Some(StopReason::Interrupt),
            Stop::Exited(code) => Some(StopReason::Exited(code)),
            Stop::Trapped(trap) => Some(StopReason::Trapped(trap.to_string())),
            Stop::Breakpoint => {
                let ids = self.breakpoints_hit();
                if ids.is_empty() {
                    None
                } else {
                    Some(StopReason::Breakpoint(ids))
                }
            }
            Stop::Watch(hit) => self.watch_hit(hit),
        }
    }

    /// The user breakpoints at the current pc that want to stop (conditions, hit counts,
    /// log messages applied).
    fn breakpoints_hit(&mut self) -> Vec<u32> {
        let Some(pc) = self.debuggee.frames().first().map(|f| f.pc) else {
            return Vec::new();
        };
        let candidates: Vec<u32> = self
            .breakpoints
            .iter()
            .filter(|b| b.enabled && b.sites.iter().any(|s| s.pc == pc))
            .map(|b| b.id)
            .collect();
        let mut stop = Vec::new();
        for id in candidates {
            let bp = self.breakpoint_mut(id).expect("candidate exists").clone();
            if let Some(cond) = &bp.condition {
                match self.evaluate_bool(cond, 0) {
                    Ok(false) => continue,
                    Ok(true) => {}
                    Err(e) => {
                        self.message(format!(
                            "Error in testing condition for breakpoint {id}:\n{e}"
                        ));
                    }
                }
            }
            let hits = bp.hits + 1;
            self.breakpoint_mut(id).expect("exists").hits = hits;
            if bp.ignore_count > 0 {
                self.breakpoint_mut(id).expect("exists").ignore_count -= 1;
                continue;
            }
            if let Some(h) = &bp.hit_condition
                && !hit_condition_met(h, hits)
            {
                continue;
            }
            if let Some(msg) = &bp.log_message {
                let text = self.interpolate(msg, 0);
                self.message(text);
                continue;
            }
            stop.push(id);
            if bp.temporary {
                self.delete(id);
            }
        }
        // A breakpoint on a function inlined here stops in that function, not in calls
        // inlined at its first instruction (gdb's behavior).
        if let Some(bp) = stop
            .first()
            .and_then(|id| self.breakpoints.iter().find(|b| b.id == *id))
            && matches!(bp.location, Location::Function(_))
            && let Some(site) = bp.sites.iter().find(|s| s.pc == pc)
        {
            let frames = self.symbols.frames(pc);
            self.hidden_inline = frames
                .iter()
                .position(|f| f.function == site.function)
                .unwrap_or(0);
        }
        stop
    }

    /// `{expr}` parts of a log message replaced by their values.
    pub fn interpolate(&self, msg: &str, frame: usize) -> String {
        let mut out = String::new();
        let mut rest = msg;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let expr = &after[..close];
                    match self.evaluate(expr, frame) {
                        Ok(v) => out.push_str(&self.format_nested(&v, frame)),
                        Err(e) => out.push_str(&format!("<{e}>")),
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn watch_hit(&mut self, hit: wdb_engine::WatchHit) -> Option<StopReason> {
        let w = self
            .watchpoints
            .iter()
            .find(|w| w.enabled && hit.addr < w.addr + w.len && w.addr < hit.addr + hit.len)?
            .clone();
        let fmt = |bytes: &[u8], sess: &Session| {
            let v = Value::new(w.value.ty, wdb_symbols::Place::Bytes(bytes.into()));
            sess.format_nested(&v, 0)
        };
        // Bytes of the whole watched value before and after this access.
        let mut after = vec![0u8; w.len as usize];
        self.debuggee
            .read_memory(self.instance(), w.addr, &mut after);
        let mut before = after.clone();
        for (i, b) in hit.old.iter().enumerate() {
            let a = hit.addr as u64 + i as u64;
            if a >= u64::from(w.addr) && a < u64::from(w.addr + w.len) {
                before[(a - u64::from(w.addr)) as usize] = *b;
            }
        }
        let write = hit.access == WatchKind::Write;
        if write && w.kind == WatchKind::Write && before == after {
            return None; // gdb reports a write watchpoint only when the value changes
        }
        if let Some(cond) = &w.condition {
            match self.evaluate_bool(cond, 0) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => self.message(format!(
                    "Error in testing condition for watchpoint {}:\n{e}",
                    w.id
                )),
            }
        }
        let hits = w.hits + 1;
        if let Some(wp) = self.watchpoints.iter_mut().find(|x| x.id == w.id) {
            wp.hits = hits;
        }
        if let Some(h) = &w.hit_condition
            && !hit_condition_met(h, hits)
        {
            return None;
        }
        Some(StopReason::Watch {
            id: w.id,
            expr: w.expr.clone(),
            kind: w.kind,
            old: write.then(|| fmt(&before, self)),
            new: fmt(&after, self),
        })
    }

    /// Steps by source line or instruction.
    pub fn step(&mut self, kind: StepKind, frame: usize) -> StopReason {
        if self.debuggee.ended().is_some() {
            return self.ended_reason();
        }
        match kind {
            StepKind::Instruction => {
                let stop = self.engine_step();
                self.debuggee.flush_output();
                self.filter_stop(stop).unwrap_or(StopReason::Step)
            }
            StepKind::InstructionOver => {
                let depth = self.debuggee.frames().len();
                let stop = self.engine_step();
                if !matches!(stop, Stop::Step) {
                    return self.filter_stop(stop).unwrap_or(StopReason::Step);
                }
                if self.debuggee.frames().len() > depth
                    && let Some(r) = self.run_to_depth(depth)
                {
                    return r;
                }
                self.debuggee.flush_output();
                StopReason::Step
            }
            StepKind::Out => self.finish(frame),
            StepKind::Over | StepKind::Into | StepKind::Until => self.step_line(kind),
        }
    }

    fn ended_reason(&self) -> StopReason {
        match self.debuggee.ended() {
            Some(Stop::Exited(code)) => StopReason::Exited(*code),
            Some(Stop::Trapped(t)) => StopReason::Trapped(t.to_string()),
            _ => StopReason::Exited(0),
        }
    }

    /// Runs until the wasm call depth is back to `depth` (the callee returned), by a
    /// temporary breakpoint at the return address. Some(reason) if something else stopped
    /// the program first.
    fn run_to_depth(&mut self, depth: usize) -> Option<StopReason> {
        let frames = self.debuggee.frames();
        if frames.len() <= depth {
            return None;
        }
        self.run_to(frames[frames.len() - depth].pc, depth)
    }

    /// Resumes until instruction `pc` runs at call depth `depth`, by a temporary breakpoint
    /// there (the depth check makes it right under recursion). Some(reason) if something
    /// else stopped the program first, or a user breakpoint wants to stop on the way or at
    /// `pc` itself.
    fn run_to(&mut self, pc: u32, depth: usize) -> Option<StopReason> {
        let target = self.add_physical(pc)?;
        let result = loop {
            let stop = self.engine_resume();
            if !matches!(stop, Stop::Breakpoint) {
                if let Some(reason) = self.filter_stop(stop) {
                    break Some(reason);
                }
                continue;
            }
            let frames = self.debuggee.frames();
            let arrived = frames.len() == depth && frames.first().map(|f| f.pc) == Some(target);
            let ids = self.breakpoints_hit();
            if !ids.is_empty() {
                break Some(StopReason::Breakpoint(ids));
            }
            if arrived {
                break None;
            }
        };
        self.remove_physical(target);
        result
    }

    /// Source-line stepping (`next`, `step`, `until`).
    fn step_line(&mut self, kind: StepKind) -> StopReason {
        let Some(start_pc) = self.debuggee.frames().first().map(|f| f.pc) else {
            return self.ended_reason();
        };
        let mut depth = self.debuggee.frames().len();
        let mut inline_depth = self.symbols.frames(start_pc).len();
        let mut line = self
            .symbols
            .line_row(start_pc)
            .map(|r| (r.loc.path, r.loc.line));
        let mut last_pc = start_pc;
        loop {
            let stop = self.engine_step();
            if !matches!(stop, Stop::Step) {
                self.debuggee.flush_output();
                if let Some(reason) = self.filter_stop(stop) {
                    return reason;
                }
                continue;
            }
            let frames = self.debuggee.frames();
            let Some(mut pc) = frames.first().map(|f| f.pc) else {
                return self.ended_reason();
            };
            if frames.len() > depth {
                // Entered a call.
                let into = kind == StepKind::Into && self.symbols.line_row(pc).is_some();
                if into {
                    if let Some(reason) = self.run_to_prologue_end(pc) {
                        return reason;
                    }
                    self.debuggee.flush_output();
                    return StopReason::Step;
                }
                if let Some(reason) = self.run_to_depth(depth) {
                    return reason;
                }
                // Back at the return address, which may itself start the next line.
                pc = self.debuggee.frames().first().map_or(pc, |f| f.pc);
            } else if frames.len() < depth {
                // Returned into the caller. At the start of a statement: stop there;
                // mid-line: finish that line, as gdb does.
                depth = frames.len();
                inline_depth = self.symbols.frames(pc.saturating_sub(1)).len();
                let row = self.symbols.line_row(pc);
                let at_statement = row.as_ref().is_some_and(|r| r.is_stmt && r.start == pc);
                if row.is_none() || at_statement {
                    self.debuggee.flush_output();
                    return StopReason::Step;
                }
                line = row.map(|r| (r.loc.path, r.loc.line));
                last_pc = pc;
                continue;
            }
            let at_user_bp = self
                .breakpoints
                .iter()
                .any(|b| b.enabled && b.sites.iter().any(|s| s.pc == pc));
            if let Some(row) = self.symbols.line_row(pc)
                && row.is_stmt
                && row.start == pc
            {
                let here = (row.loc.path.clone(), row.loc.line);
                let new_line = line.as_ref() != Some(&here) || (pc < last_pc && pc == row.start);
                let inlined_deeper = self.symbols.frames(pc).len() > inline_depth;
                let backwards = kind == StepKind::Until
                    && line.as_ref().is_some_and(|l| l.0 == here.0 && here.1 < l.1);
                if new_line && (!inlined_deeper || kind == StepKind::Into) && !backwards {
                    self.debuggee.flush_output();
                    if at_user_bp {
                        let ids = self.breakpoints_hit();
                        if !ids.is_empty() {
                            return StopReason::Breakpoint(ids);
                        }
                    }
                    return StopReason::Step;
                }
            }
            last_pc = pc;
        }
    }

    /// After stepping into a function: run to the end of its prologue.
    fn run_to_prologue_end(&mut self, entry_pc: u32) -> Option<StopReason> {
        let depth = self.debuggee.frames().len();
        // At or before the entry (a function without a prologue): already there. A
        // breakpoint at the current pc would only hit in the next call.
        let target = self
            .symbols
            .prologue_end(entry_pc)
            .filter(|&t| t > entry_pc)?;
        self.run_to(target, depth)
    }

    /// `finish`: run until source frame `frame` returns.
    fn finish(&mut self, frame: usize) -> StopReason {
        let frames = self.frames();
        let Some(f) = frames.get(frame).cloned() else {
            return StopReason::Step;
        };
        let function = f.function.clone();
        if f.inlined {
            // Step until the pc leaves the inlined call.
            let depth = self.debuggee.frames().len() - f.wasm_frame;
            let inline_depth = frames
                .iter()
                .filter(|g| g.wasm_frame == f.wasm_frame)
                .count()
                - (frame
                    - frames
                        .iter()
                        .position(|g| g.wasm_frame == f.wasm_frame)
                        .unwrap_or(0));
            loop {
                let stop = self.engine_step();
                if !matches!(stop, Stop::Step) {
                    if let Some(r) = self.filter_stop(stop) {
                        return r;
                    }
                    continue;
                }
                let wf = self.debuggee.frames();
                if wf.len() > depth {
                    if let Some(r) = self.run_to_depth(depth) {
                        return r;
                    }
                    continue;
                }
                let pc = wf[0].pc;
                if wf.len() < depth || self.symbols.frames(pc).len() < inline_depth {
                    self.debuggee.flush_output();
                    return StopReason::Finish {
                        function,
                        value: None,
                    };
                }
            }
        }
        let target_depth = self.debuggee.frames().len() - f.wasm_frame - 1;
        if target_depth == 0 {
            return StopReason::Step; // `finish` in the outermost frame is meaningless
        }
        if let Some(r) = self.run_to_depth(target_depth) {
            return r;
        }
        self.debuggee.flush_output();
        let ret = self.symbols.return_type(&f.source);
        let value = if ret == wdb_symbols::TypeRef::Void {
            None
        } else {
            // The callee's results are on top of the caller's operand stack.
            self.debuggee
                .operand_stack(0)
                .and_then(|s| s.last().copied())
                .and_then(to_wasm)
                .map(|v| {
                    let value = Value::new(ret, wdb_symbols::Place::Bytes(v.to_bytes().into()));
                    self.symbols.format(&value, &Access::new(&self.debuggee, 0))
                })
        };
        StopReason::Finish { function, value }
    }

    /// Interrupt handle (for Ctrl-C from another thread).
    pub fn interrupt_handle(&self) -> crate::InterruptHandle {
        self.debuggee.interrupt_handle()
    }

    /// Drops an interrupt request that arrived after the program stopped (a front-end's
    /// pause racing with a breakpoint); true if one was pending.
    pub fn cancel_interrupt(&mut self) -> bool {
        self.debuggee.cancel_interrupt()
    }

    pub fn kill(&mut self) {
        self.frames_cache = None;
        self.debuggee.kill();
    }

    // ---- frames and variables -------------------------------------------------------

    /// Source-level frames, innermost first (inlined calls are frames of their own).
    pub fn frames(&self) -> Vec<FrameInfo> {
        if let Some(f) = &self.frames_cache {
            return f.clone();
        }
        self.frames_upto(usize::MAX)
    }

    /// Source-level frames up to frame `last` (fewer if the stack is shallower): a condition
    /// or log point evaluated at every hit must not pay for the whole stack.
    fn frames_upto(&self, last: usize) -> Vec<FrameInfo> {
        let mut out = Vec::new();
        for (i, wf) in self.debuggee.frames().iter().enumerate() {
            if out.len() > last {
                break;
            }
            let lookup_pc = if i == 0 {
                wf.pc
            } else {
                wf.pc.saturating_sub(1)
            };
            let mut sframes = self.symbols.frames(lookup_pc);
            if i == 0 && self.hidden_inline < sframes.len() {
                sframes.drain(..self.hidden_inline);
            }
            for sf in sframes {
                out.push(FrameInfo {
                    function: sf.function.clone(),
                    loc: sf.location.clone(),
                    pc: wf.pc,
                    wasm_frame: i,
                    func_index: wf.func_index,
                    inlined: sf.inlined,
                    source: sf,
                    lookup_pc,
                });
            }
        }
        out
    }

    /// Caches frames until the program runs again (call after a stop).
    pub fn cache_frames(&mut self) {
        self.frames_cache = None;
        self.frames_cache = Some(self.frames());
    }

    /// The wasm frame index of source frame `frame` (0 when there is none).
    fn wasm_frame_of(&self, frame: usize) -> usize {
        self.frame(frame).map_or(0, |f| f.wasm_frame)
    }

    fn frame(&self, frame: usize) -> Result<FrameInfo, Error> {
        let found = match &self.frames_cache {
            Some(cache) => cache.get(frame).cloned(),
            None => self.frames_upto(frame).get(frame).cloned(),
        };
        found.ok_or_else(|| {
            Error::Usage(if self.debuggee.ended().is_some() {
                "The program is not being run.".into()
            } else {
                format!("no frame {frame}")
            })
        })
    }

    /// Parameters and locals of a frame.
    pub fn variables(&self, frame: usize) -> Result<Vec<VarView>, Error> {
        self.variables_where(frame, |_| true)
    }

    /// Parameters of a frame (only these are formatted: frame lines, backtraces).
    pub fn arguments(&self, frame: usize) -> Result<Vec<VarView>, Error> {
        self.variables_where(frame, |kind| kind == VarKind::Param)
    }

    fn variables_where(
        &self,
        frame: usize,
        keep: impl Fn(VarKind) -> bool,
    ) -> Result<Vec<VarView>, Error> {
        let f = self.frame(frame)?;
        let access = Access::new(&self.debuggee, f.wasm_frame);
        let vars = self.symbols.variables(&f.source, f.lookup_pc, &access);
        Ok(vars
            .into_iter()
            .filter(|v| keep(v.kind))
            .map(|v| self.view(v, &access))
            .collect())
    }

    /// Global and namespace-scope variables (all units), by name.
    pub fn globals(&self, frame: usize) -> Vec<VarView> {
        let wasm = self.wasm_frame_of(frame);
        let access = Access::new(&self.debuggee, wasm);
        self.symbols
            .global_names()
            .iter()
            .filter_map(|name| self.symbols.global(name, &access))
            .map(|v| self.view(v, &access))
            .collect()
    }

    /// A value as an integer (pointers: the address they hold).
    pub fn read_int(&self, v: &Value, frame: usize) -> Result<i128, Error> {
        let wasm = self.wasm_frame_of(frame);
        self.symbols
            .read_int(v, &Access::new(&self.debuggee, wasm))
            .map_err(Error::from)
    }

    /// A variable for display; the value as in `info locals` (no pointer type prefix).
    fn view(&self, v: Variable, access: &Access) -> VarView {
        VarView {
            type_name: self.symbols.type_name(v.value.ty),
            value: self.symbols.format_nested(&v.value, access),
            name: v.name,
            kind: v.kind,
            raw: v.value,
        }
    }

    /// Evaluates a C-like expression in a frame.
    pub fn evaluate(&self, expr: &str, frame: usize) -> Result<Value, Error> {
        let f = self.frame(frame)?;
        let access = Access::new(&self.debuggee, f.wasm_frame);
        self.symbols
            .evaluate(expr, &f.source, f.lookup_pc, &access)
            .map_err(Error::from)
    }

    fn evaluate_bool(&self, expr: &str, frame: usize) -> Result<bool, Error> {
        let v = self.evaluate(expr, frame)?;
        let f = self.frame(frame)?;
        let access = Access::new(&self.debuggee, f.wasm_frame);
        self.symbols.truth(&v, &access).map_err(Error::from)
    }

    /// Evaluates `lhs = rhs` style assignments and anything else with side effects.
    pub fn evaluate_mut(&mut self, expr: &str, frame: usize) -> Result<Value, Error> {
        let f = self.frame(frame)?;
        self.frames_cache = None;
        let mut access = Access::new_mut(&mut self.debuggee, f.wasm_frame);
        self.symbols
            .evaluate_mut(expr, &f.source, f.lookup_pc, &mut access)
            .map_err(Error::from)
    }

    /// A value printed as gdb's `print` does.
    pub fn format(&self, v: &Value, frame: usize) -> String {
        let wasm = self.wasm_frame_of(frame);
        self.symbols.format(v, &Access::new(&self.debuggee, wasm))
    }

    /// A value printed as inside an aggregate (no pointer type prefix).
    pub fn format_nested(&self, v: &Value, frame: usize) -> String {
        let wasm = self.wasm_frame_of(frame);
        self.symbols
            .format_nested(v, &Access::new(&self.debuggee, wasm))
    }

    /// Children of a value (struct members, array elements, pointee).
    pub fn children(&self, v: &Value, frame: usize, start: u64, count: u64) -> Vec<VarView> {
        let wasm = self.wasm_frame_of(frame);
        let access = Access::new(&self.debuggee, wasm);
        self.symbols
            .children(v, &access, start, count)
            .into_iter()
            .map(|c| {
                let child = Variable {
                    name: c.name,
                    kind: VarKind::Local,
                    value: c.value,
                    decl_line: 0,
                };
                self.view(child, &access)
            })
            .collect()
    }

    /// Every instruction of the module in order, as (module offset, wasm text).
    fn code(&mut self) -> Result<&[(u32, String)], Error> {
        if self.code.is_none() {
            let bytes = self.symbols_bytes.clone();
            let mut storage = String::new();
            let mut config = wasmprinter::Config::new();
            config.fold_instructions(false);
            let symbols = &self.symbols;
            let lines: Vec<(u32, String)> = config
                .offsets_and_lines(&bytes, &mut storage)
                .map_err(|e| Error::Usage(format!("cannot disassemble: {e}")))?
                .filter_map(|(o, l)| Some((u32::try_from(o?).ok()?, l.trim())))
                .filter(|(o, l)| {
                    !l.starts_with("(func")
                        && !l.starts_with("(local")
                        && symbols.wasm_function_at(*o).is_some()
                })
                .map(|(o, l)| (o, l.to_string()))
                .collect();
            self.code = Some(lines);
        }
        Ok(self.code.as_deref().expect("just set"))
    }

    /// The wasm text of a function's instructions, with their module offsets.
    pub fn disassemble(&mut self, func_index: u32) -> Result<Vec<(u32, String)>, Error> {
        let Some(body) = self.symbols.wasm_function_body(func_index) else {
            return Err(Error::Usage(format!("no code for function {func_index}")));
        };
        let code = self.code()?;
        let from = code.partition_point(|l| l.0 < body.start);
        Ok(code[from..]
            .iter()
            .take_while(|l| l.0 < body.end)
            .cloned()
            .collect())
    }

    /// `count` instructions starting `offset` instructions away (negative: before) from the
    /// instruction at or after module offset `addr`; None where that runs off the code.
    pub fn instructions(
        &mut self,
        addr: u32,
        offset: i64,
        count: usize,
    ) -> Result<Vec<Option<(u32, String)>>, Error> {
        let code = self.code()?;
        let at = code.partition_point(|l| l.0 < addr) as i64;
        Ok((0..count as i64)
            .map(|i| {
                let k = at.saturating_add(offset).saturating_add(i);
                usize::try_from(k).ok().and_then(|k| code.get(k).cloned())
            })
            .collect())
    }

    /// The module's original bytes.
    pub fn module_bytes(&self) -> &[u8] {
        &self.symbols_bytes
    }

    /// Reads linear memory of the program's instance.
    pub fn read_memory(&self, addr: u32, buf: &mut [u8]) -> usize {
        self.debuggee.read_memory(self.instance(), addr, buf)
    }

    pub fn write_memory(&mut self, addr: u32, bytes: &[u8]) -> bool {
        let instance = self.instance();
        self.debuggee.write_memory(instance, addr, bytes)
    }
}

/// Symbols of a program's module; separate DWARF (`external_debug_info`) is looked up next
/// to the module.
fn load_symbols(config: &LaunchConfig, bytes: &[u8]) -> Symbols {
    let dir = config
        .program
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    Symbols::new(bytes, &|name| std::fs::read(dir.join(name)).ok())
}

/// How many trailing items `a` and `b` share.
fn common_tail<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Does hit number `hits` satisfy a hit condition (`5` or `>=5`, `>5`, `==5`, `<5`, `%5`)?
pub fn hit_condition_met(cond: &str, hits: u32) -> bool {
    let c = cond.trim();
    let (op, n) = if let Some(n) = c.strip_prefix(">=") {
        (">=", n)
    } else if let Some(n) = c.strip_prefix("==") {
        ("==", n)
    } else if let Some(n) = c.strip_prefix('>') {
        (">", n)
    } else if let Some(n) = c.strip_prefix("<=") {
        ("<=", n)
    } else if let Some(n) = c.strip_prefix('<') {
        ("<", n)
    } else if let Some(n) = c.strip_prefix('%') {
        ("%", n)
    } else {
        (">=", c)
    };
    let Ok(n) = n.trim().parse::<u32>() else {
        return true;
    };
    match op {
        ">=" => hits >= n,
        "==" => hits == n,
        ">" => hits > n,
        "<=" => hits <= n,
        "<" => hits < n,
        _ => n != 0 && hits.is_multiple_of(n),
    }
}
