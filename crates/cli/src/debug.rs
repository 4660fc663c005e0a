//! `wdb debug`: a gdb-like source-level debugger in the terminal, a client of
//! `wdb_session::Session` like every other front-end.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use wdb_session::{
    FrameInfo, LaunchConfig, Location, Session, StepKind, StopReason, Value, VarKind, WatchKind,
    parse_number,
};

use crate::run::{parse_dir, parse_envs};

#[derive(clap::Args)]
pub struct DebugArgs {
    /// Run the commands given by -ex, then exit (no prompt).
    #[arg(long)]
    batch: bool,
    /// Execute this command (repeatable; in order, before the prompt).
    #[arg(long = "ex", short = 'e', value_name = "COMMAND")]
    commands: Vec<String>,
    /// Execute the commands in this file.
    #[arg(short = 'x', value_name = "FILE")]
    command_files: Vec<PathBuf>,
    /// Preopen a host directory, as GUEST in the guest (default: the same path).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// Set an environment variable for the guest (K=V), or pass the host's value (K).
    #[arg(long = "env", value_name = "K=V")]
    envs: Vec<String>,
    /// Maximum depth of nested wasm calls.
    #[arg(long, value_name = "N", default_value_t = 0)]
    max_call_depth: usize,
    /// The WebAssembly module.
    module: PathBuf,
    /// Arguments for the program.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

pub fn debug(args: DebugArgs) -> anyhow::Result<ExitCode> {
    // clap turns `-ex` into `-e x...`; accept gdb's spelling by normalizing argv first.
    let config = LaunchConfig {
        program: args.module.clone(),
        args: args.args.clone(),
        env: parse_envs(&args.envs)?,
        dirs: args.dirs.iter().map(|d| parse_dir(d)).collect(),
        max_call_depth: args.max_call_depth,
    };
    let session = Session::launch(config, Box::new(wdb_wasi::WasiCtx::builder))?;
    let mut repl = Repl::new(session, args.batch);
    for w in repl.session.symbols().warnings() {
        repl.warn(&format!("warning: {w}"));
    }
    if !repl.session.symbols().has_dwarf() {
        repl.say(&format!(
            "(No debugging symbols found in {})",
            args.module.display()
        ));
    }
    let mut script = Vec::new();
    for file in &args.command_files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        script.extend(text.lines().map(str::to_string));
    }
    script.extend(args.commands.iter().cloned());
    for line in script {
        if args.batch {
            // Batch transcripts show each command, like gdb's `set trace-commands on`.
            repl.say(&format!("+{line}"));
        }
        if repl.execute(&line) == Flow::Quit {
            return Ok(repl.exit_code());
        }
    }
    if args.batch {
        repl.session.kill();
        return Ok(repl.exit_code());
    }
    repl.interactive()?;
    Ok(repl.exit_code())
}

/// Normalizes gdb's single-dash long options (`-ex`, `-batch`) for clap.
pub fn normalize_argv(argv: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(argv.len());
    let mut in_debug = false;
    let mut past_module = false;
    for a in argv {
        if past_module {
            out.push(a);
            continue;
        }
        if a == "debug" {
            in_debug = true;
            out.push(a);
            continue;
        }
        if in_debug {
            match a.as_str() {
                "-ex" => {
                    out.push("--ex".into());
                    continue;
                }
                "-batch" => {
                    out.push("--batch".into());
                    continue;
                }
                s if s.ends_with(".wasm") && !s.starts_with('-') => past_module = true,
                _ => {}
            }
        }
        out.push(a);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

/// Where the program is, from the REPL's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    /// Loaded, stopped before the first instruction; `run` starts it.
    NotStarted,
    Stopped,
    Ended,
}

struct Repl {
    session: Session,
    batch: bool,
    run: Run,
    /// Selected source frame.
    frame: usize,
    /// How many `$N` values were printed (gdb numbers them).
    values_printed: usize,
    /// Next line `list` shows (path, line).
    list_next: Option<(String, u32)>,
    sources: HashMap<String, Option<Vec<String>>>,
    last_command: String,
    /// Function of the last stop (a step into another function prints its frame line).
    last_function: Option<(usize, String)>,
    /// The last command failed (the batch exit status reports it).
    failed: bool,
}

const COMMANDS: &[(&str, &str)] = &[
    ("awatch", "watch reads and writes of an expression's memory"),
    ("backtrace", "print the call stack (bt, where)"),
    (
        "break",
        "set a breakpoint: break [FILE:]LINE | FUNCTION | *ADDRESS [if COND] (b)",
    ),
    (
        "condition",
        "condition N [EXPR]: stop at breakpoint N only when EXPR is true",
    ),
    ("continue", "continue running (c)"),
    (
        "delete",
        "delete [N...]: delete breakpoints and watchpoints (d)",
    ),
    ("disable", "disable [N...]"),
    (
        "disassemble",
        "disassemble the current function, with source lines",
    ),
    ("down", "select the frame called by this one"),
    ("echo", "print text"),
    ("enable", "enable [N...]"),
    ("finish", "run until the selected frame returns (fin)"),
    ("frame", "frame [N]: select and print a frame (f)"),
    ("help", "list commands"),
    (
        "ignore",
        "ignore N COUNT: skip the next COUNT hits of breakpoint N",
    ),
    (
        "info",
        "info locals|args|breakpoints|frame|registers|source|line|sharedlibrary",
    ),
    ("kill", "end the program"),
    ("list", "list [LINE|FILE:LINE|FUNCTION]: show source (l)"),
    ("next", "next [N]: step over calls (n)"),
    ("nexti", "next wasm instruction, over calls (ni)"),
    ("print", "print[/x|/d|/u|/o|/t|/c] EXPR (p)"),
    ("ptype", "print the type of an expression"),
    ("quit", "exit wdb (q)"),
    ("run", "start the program (r)"),
    ("rwatch", "watch reads of an expression's memory"),
    ("set", "set var LVALUE = EXPR | set substitute-path FROM TO"),
    ("start", "run to the start of main"),
    ("step", "step [N]: step into calls (s)"),
    ("stepi", "next wasm instruction (si)"),
    ("tbreak", "set a breakpoint deleted at its first stop"),
    ("until", "next, but never back to an earlier line (u)"),
    ("up", "select the caller of this frame"),
    ("watch", "stop when an expression's memory is written"),
    ("whatis", "print the type of an expression"),
    (
        "x",
        "x/NFU ADDRESS: examine memory (F: x d u o t c s i f a; U: b h w g)",
    ),
];

/// gdb's one- and two-letter aliases.
const ALIASES: &[(&str, &str)] = &[
    ("b", "break"),
    ("br", "break"),
    ("bt", "backtrace"),
    ("where", "backtrace"),
    ("c", "continue"),
    ("cont", "continue"),
    ("d", "delete"),
    ("f", "frame"),
    ("fin", "finish"),
    ("i", "info"),
    ("l", "list"),
    ("n", "next"),
    ("ni", "nexti"),
    ("p", "print"),
    ("inspect", "print"),
    ("q", "quit"),
    ("r", "run"),
    ("s", "step"),
    ("si", "stepi"),
    ("u", "until"),
];

/// Resolves a command word: alias, exact name, or a unique prefix.
fn resolve_command(word: &str) -> Result<&'static str, String> {
    if let Some((_, c)) = ALIASES.iter().find(|(a, _)| *a == word) {
        return Ok(c);
    }
    if let Some((c, _)) = COMMANDS.iter().find(|(c, _)| *c == word) {
        return Ok(c);
    }
    let matches: Vec<&str> = COMMANDS
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| c.starts_with(word))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("Undefined command: \"{word}\".  Try \"help\".")),
        many => Err(format!(
            "Ambiguous command \"{word}\": {}.",
            many.join(", ")
        )),
    }
}

impl Repl {
    fn new(session: Session, batch: bool) -> Repl {
        Repl {
            session,
            batch,
            run: Run::NotStarted,
            frame: 0,
            values_printed: 0,
            list_next: None,
            sources: HashMap::new(),
            last_command: String::new(),
            last_function: None,
            failed: false,
        }
    }

    /// As gdb: in batch mode, 1 when the last command failed; otherwise 0.
    fn exit_code(&self) -> ExitCode {
        ExitCode::from(u8::from(self.failed && self.batch))
    }

    fn say(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    fn warn(&self, text: &str) {
        let _ = std::io::stdout().flush();
        eprintln!("{text}");
    }

    fn error(&mut self, text: &str) {
        self.failed = true;
        self.warn(text);
    }

    fn interactive(&mut self) -> anyhow::Result<()> {
        use rustyline::error::ReadlineError;
        let helper = Completion::new(&self.session);
        let mut editor: rustyline::Editor<Completion, rustyline::history::DefaultHistory> =
            rustyline::Editor::new()?;
        editor.set_helper(Some(helper));
        let history = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".wdb_history"));
        if let Some(h) = &history {
            let _ = editor.load_history(h);
        }
        loop {
            match editor.readline("(wdb) ") {
                Ok(line) => {
                    let line = if line.trim().is_empty() {
                        self.last_command.clone()
                    } else {
                        let _ = editor.add_history_entry(line.as_str());
                        line
                    };
                    if self.execute(&line) == Flow::Quit {
                        break;
                    }
                }
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => break,
                Err(e) => bail!(e),
            }
        }
        if let Some(h) = &history {
            let _ = editor.save_history(h);
        }
        Ok(())
    }

    /// Runs one command line.
    fn execute(&mut self, line: &str) -> Flow {
        self.failed = false;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Flow::Continue;
        }
        self.last_command = line.to_string();
        // `p/x`, `x/4dw`: the format sticks to the command word.
        let (word, rest) = match line.find(|c: char| c.is_whitespace() || c == '/') {
            Some(i) => (&line[..i], line[i..].trim_start()),
            None => (line, ""),
        };
        let command = match resolve_command(word) {
            Ok(c) => c,
            Err(e) => {
                self.error(&e);
                return Flow::Continue;
            }
        };
        let result = self.dispatch(command, rest);
        match result {
            Ok(flow) => flow,
            Err(e) => {
                self.error(&e.to_string());
                Flow::Continue
            }
        }
    }

    fn dispatch(&mut self, command: &str, rest: &str) -> anyhow::Result<Flow> {
        match command {
            "break" => self.cmd_break(rest, false)?,
            "tbreak" => self.cmd_break(rest, true)?,
            "run" => self.cmd_run()?,
            "start" => {
                self.cmd_break("main", true)?;
                self.cmd_run()?;
            }
            "continue" => {
                self.require_running()?;
                let reason = self.session.resume();
                self.report(reason);
            }
            "next" => self.cmd_step(StepKind::Over, rest)?,
            "step" => self.cmd_step(StepKind::Into, rest)?,
            "until" => self.cmd_step(StepKind::Until, rest)?,
            "stepi" => self.cmd_step(StepKind::Instruction, rest)?,
            "nexti" => self.cmd_step(StepKind::InstructionOver, rest)?,
            "finish" => self.cmd_finish()?,
            "backtrace" => self.cmd_backtrace(rest)?,
            "frame" => self.cmd_frame(rest)?,
            "up" => self.move_frame(rest, 1)?,
            "down" => self.move_frame(rest, -1)?,
            "print" => self.cmd_print(rest)?,
            "ptype" | "whatis" => self.cmd_ptype(rest)?,
            "x" => self.cmd_x(rest)?,
            "list" => self.cmd_list(rest)?,
            "info" => self.cmd_info(rest)?,
            "watch" => self.cmd_watch(rest, WatchKind::Write)?,
            "rwatch" => self.cmd_watch(rest, WatchKind::Read)?,
            "awatch" => self.cmd_watch(rest, WatchKind::Access)?,
            "delete" => self.cmd_delete(rest)?,
            "disable" => self.cmd_enable(rest, false)?,
            "enable" => self.cmd_enable(rest, true)?,
            "condition" => self.cmd_condition(rest)?,
            "ignore" => self.cmd_ignore(rest)?,
            "set" => self.cmd_set(rest)?,
            "disassemble" => self.cmd_disassemble()?,
            "echo" => {
                let text = rest.replace("\\n", "\n");
                print!("{text}");
                let _ = std::io::stdout().flush();
            }
            "kill" => {
                self.require_running()?;
                self.session.kill();
                self.run = Run::Ended;
                self.say("[Inferior 1 (wasm) killed]");
            }
            "help" => {
                for (c, h) in COMMANDS {
                    self.say(&format!("{c:<12} -- {h}"));
                }
            }
            "quit" => {
                self.session.kill();
                return Ok(Flow::Quit);
            }
            other => bail!("command `{other}` is not implemented"),
        }
        Ok(Flow::Continue)
    }

    fn require_running(&self) -> anyhow::Result<()> {
        if self.run != Run::Stopped {
            bail!("The program is not being run.");
        }
        Ok(())
    }

    // ---- breakpoints ----------------------------------------------------------------

    fn cmd_break(&mut self, rest: &str, temporary: bool) -> anyhow::Result<()> {
        let (loc, cond) = match rest.find(" if ") {
            Some(i) => (&rest[..i], Some(rest[i + 4..].trim().to_string())),
            None => (rest, None),
        };
        let location = if loc.trim().is_empty() {
            let f = self
                .current_frame()
                .ok_or_else(|| anyhow::anyhow!("No default breakpoint location."))?;
            Location::Address(f.pc)
        } else {
            let mut l = Location::parse(loc)?;
            if let Location::Line { file, .. } = &mut l
                && file.is_empty()
            {
                match self.default_file() {
                    Some(f) => *file = f,
                    None => bail!("No default source file; use FILE:LINE."),
                }
            }
            l
        };
        let bp = self.session.add_breakpoint(location.clone()).clone();
        let id = bp.id;
        if let Some(b) = self.session.breakpoint_mut(id) {
            b.condition = cond;
            b.temporary = temporary;
        }
        let kind = if temporary {
            "Temporary breakpoint"
        } else {
            "Breakpoint"
        };
        match bp.sites.as_slice() {
            [] => {
                if let Location::Line { file, .. } = &location
                    && !self
                        .session
                        .symbols()
                        .source_files()
                        .iter()
                        .any(|f| f.ends_with(file.as_str()))
                {
                    self.say(&format!("No source file named {file}."));
                } else if let Location::Function(f) = &location {
                    self.say(&format!("Function \"{f}\" not defined."));
                }
                self.say(&format!("{kind} {id} ({location}) pending."));
            }
            [site] => match &site.loc {
                Some(l) => self.say(&format!(
                    "{kind} {id} at {:#x}: file {}, line {}.",
                    site.pc, l.file, l.line
                )),
                None => self.say(&format!("{kind} {id} at {:#x}", site.pc)),
            },
            sites => self.say(&format!(
                "{kind} {id} at {:#x}: {location}. ({} locations)",
                sites[0].pc,
                sites.len()
            )),
        }
        Ok(())
    }

    /// The breakpoint/watchpoint numbers in `rest`; all of them when it names none.
    fn ids(&self, rest: &str) -> anyhow::Result<Vec<u32>> {
        let ids = rest
            .split_whitespace()
            .map(|w| {
                w.parse::<u32>()
                    .map_err(|_| anyhow::anyhow!("Convenience variable must have integer value.\nbad breakpoint number: '{w}'"))
            })
            .collect::<anyhow::Result<Vec<u32>>>()?;
        if !ids.is_empty() {
            return Ok(ids);
        }
        let breakpoints = self.session.breakpoints().iter().map(|b| b.id);
        Ok(breakpoints
            .chain(self.session.watchpoints().iter().map(|w| w.id))
            .collect())
    }

    fn cmd_delete(&mut self, rest: &str) -> anyhow::Result<()> {
        let rest = rest.strip_prefix("breakpoints").unwrap_or(rest);
        for id in self.ids(rest)? {
            if !self.session.delete(id) {
                self.error(&format!("No breakpoint number {id}."));
            }
        }
        Ok(())
    }

    fn cmd_enable(&mut self, rest: &str, enabled: bool) -> anyhow::Result<()> {
        for id in self.ids(rest)? {
            if !self.session.set_enabled(id, enabled) {
                self.error(&format!("No breakpoint number {id}."));
            }
        }
        Ok(())
    }

    fn cmd_condition(&mut self, rest: &str) -> anyhow::Result<()> {
        let (id, cond) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let id: u32 = id
            .parse()
            .map_err(|_| anyhow::anyhow!("Argument required (breakpoint number)."))?;
        let bp = self
            .session
            .breakpoint_mut(id)
            .ok_or_else(|| anyhow::anyhow!("No breakpoint number {id}."))?;
        if cond.trim().is_empty() {
            bp.condition = None;
            self.say(&format!("Breakpoint {id} now unconditional."));
        } else {
            bp.condition = Some(cond.trim().to_string());
        }
        Ok(())
    }

    fn cmd_ignore(&mut self, rest: &str) -> anyhow::Result<()> {
        let mut words = rest.split_whitespace();
        let (Some(id), Some(n)) = (words.next(), words.next()) else {
            bail!("Argument required (a breakpoint number and a count).");
        };
        let id: u32 = id.parse()?;
        let n: u32 = n.parse()?;
        let bp = self
            .session
            .breakpoint_mut(id)
            .ok_or_else(|| anyhow::anyhow!("No breakpoint number {id}."))?;
        bp.ignore_count = n;
        self.say(&format!(
            "Will ignore next {n} crossings of breakpoint {id}."
        ));
        Ok(())
    }

    fn cmd_watch(&mut self, rest: &str, kind: WatchKind) -> anyhow::Result<()> {
        self.require_running()?;
        let expr = rest.trim();
        if expr.is_empty() {
            bail!("Argument required (expression to compute).");
        }
        let w = self.session.add_watchpoint(expr, kind, self.frame)?.clone();
        let label = match kind {
            WatchKind::Write => "Hardware watchpoint",
            WatchKind::Read => "Hardware read watchpoint",
            WatchKind::Access => "Hardware access (read/write) watchpoint",
        };
        self.say(&format!("{label} {}: {}", w.id, w.expr));
        Ok(())
    }

    // ---- running --------------------------------------------------------------------

    fn cmd_run(&mut self) -> anyhow::Result<()> {
        if self.run != Run::NotStarted {
            self.session.restart()?;
        }
        self.run = Run::Stopped;
        let reason = self.session.resume();
        self.report(reason);
        Ok(())
    }

    fn cmd_step(&mut self, kind: StepKind, rest: &str) -> anyhow::Result<()> {
        self.require_running()?;
        let n = if rest.trim().is_empty() {
            1
        } else {
            parse_number(rest.trim()).ok_or_else(|| anyhow::anyhow!("bad count `{rest}`"))?
        };
        for _ in 0..n {
            let reason = self.session.step(kind, 0);
            let done = !matches!(reason, StopReason::Step);
            self.report(reason);
            if done || self.run != Run::Stopped {
                break;
            }
        }
        Ok(())
    }

    fn cmd_finish(&mut self) -> anyhow::Result<()> {
        self.require_running()?;
        let frames = self.frames();
        let Some(f) = frames.get(self.frame) else {
            bail!("No selected frame.");
        };
        if self.frame + 1 >= frames.len() {
            bail!("\"finish\" not meaningful in the outermost frame.");
        }
        self.say(&format!(
            "Run till exit from #{}  {}",
            self.frame,
            self.frame_line(self.frame, f)
        ));
        let reason = self.session.step(StepKind::Out, self.frame);
        self.report(reason);
        Ok(())
    }

    /// Prints a stop like gdb.
    fn report(&mut self, reason: StopReason) {
        for m in self.session.take_messages() {
            self.say(&m);
        }
        self.frame = 0;
        self.session.cache_frames();
        match reason {
            StopReason::Exited(code) => {
                self.run = Run::Ended;
                self.last_function = None;
                if code == 0 {
                    self.say("[Inferior 1 (wasm) exited normally]");
                } else {
                    self.say(&format!("[Inferior 1 (wasm) exited with code {code:02o}]"));
                }
                return;
            }
            StopReason::Trapped(msg) => {
                self.say("");
                self.say(&format!("Program terminated with a wasm trap: {msg}"));
                self.run = Run::Ended;
                // The frames stay inspectable.
                self.print_stop_location(true);
                return;
            }
            StopReason::Entry => {}
            StopReason::Breakpoint(ids) => {
                self.say("");
                let temporary = !self.session.breakpoints().iter().any(|b| b.id == ids[0]);
                let kind = if temporary {
                    "Temporary breakpoint"
                } else {
                    "Breakpoint"
                };
                let head = self
                    .session
                    .frames()
                    .first()
                    .map(|f| self.frame_line(0, f))
                    .unwrap_or_default();
                self.say(&format!("{kind} {}, {head}", ids[0]));
                self.print_source_line();
                self.remember_function();
                return;
            }
            StopReason::Watch {
                id,
                expr,
                kind,
                old,
                new,
            } => {
                self.say("");
                let label = match kind {
                    WatchKind::Write => "Hardware watchpoint",
                    WatchKind::Read => "Hardware read watchpoint",
                    WatchKind::Access => "Hardware access (read/write) watchpoint",
                };
                self.say(&format!("{label} {id}: {expr}"));
                self.say("");
                match old {
                    Some(old) if old != new || kind == WatchKind::Write => {
                        self.say(&format!("Old value = {old}"));
                        self.say(&format!("New value = {new}"));
                    }
                    _ => self.say(&format!("Value = {new}")),
                }
                self.print_stop_location(true);
                return;
            }
            StopReason::Interrupt => {
                self.say("");
                self.say("Program received signal SIGINT, Interrupt.");
                self.print_stop_location(true);
                return;
            }
            StopReason::Finish { value, .. } => {
                self.print_stop_location(true);
                if let Some(v) = value {
                    self.values_printed += 1;
                    self.say(&format!("Value returned is ${} = {v}", self.values_printed));
                }
                return;
            }
            StopReason::Step => {
                let changed = self.function_changed();
                self.print_stop_location(changed);
                return;
            }
        }
        self.print_stop_location(true);
    }

    fn remember_function(&mut self) {
        let frames = self.frames();
        self.last_function = frames
            .first()
            .map(|f| (self.session.debuggee().frames().len(), f.function.clone()));
    }

    fn function_changed(&self) -> bool {
        let frames = self.frames();
        let now = frames
            .first()
            .map(|f| (self.session.debuggee().frames().len(), f.function.clone()));
        now != self.last_function
    }

    /// After a stop: `func (args) at file:line` (when asked) and the source line.
    fn print_stop_location(&mut self, with_frame: bool) {
        let frames = self.frames();
        let Some(f) = frames.first() else {
            return;
        };
        if with_frame || f.loc.is_none() {
            let line = self.frame_line(0, f);
            // Mid-statement (after finish, a watchpoint, a trap) gdb shows the pc too.
            let at_statement = self.session.symbols().is_statement_start(f.pc);
            if f.loc.is_some() && (at_statement || f.inlined) {
                self.say(&line);
            } else {
                self.say(&format!("{:#010x} in {line}", f.pc));
            }
        }
        self.print_source_line_at(!with_frame);
        self.remember_function();
    }

    fn print_source_line(&mut self) {
        self.print_source_line_at(false);
    }

    /// The selected frame's source line; `show_pc` prefixes the pc when frame 0 stopped
    /// mid-statement (gdb's `stepi` output).
    fn print_source_line_at(&mut self, show_pc: bool) {
        let frames = self.frames();
        let Some(f) = frames.get(self.frame) else {
            return;
        };
        if let Some(loc) = &f.loc {
            let text = self.source_line(&loc.path, loc.line);
            // Frame 0 stopped mid-statement (stepi): gdb shows the pc first.
            let mid = show_pc
                && self.frame == 0
                && !f.inlined
                && !self.session.symbols().is_statement_start(f.pc);
            let pc = if mid {
                format!("{:#010x}\t", f.pc)
            } else {
                String::new()
            };
            match text {
                Some(t) => self.say(&format!("{pc}{}\t{t}", loc.line)),
                None => self.say(&format!("{pc}{}\tin {}", loc.line, loc.path)),
            }
            self.list_next = Some((loc.path.clone(), loc.line.saturating_sub(5).max(1)));
        }
    }

    /// `func (a=1, b=2) at file.c:12`
    fn frame_line(&self, index: usize, f: &FrameInfo) -> String {
        let args = match self.session.arguments(index) {
            Ok(vars) => vars
                .iter()
                .map(|v| format!("{}={}", v.name, v.value))
                .collect::<Vec<_>>()
                .join(", "),
            Err(_) => String::new(),
        };
        match &f.loc {
            Some(l) => format!("{} ({args}) at {}:{}", f.function, l.file, l.line),
            None => format!("{} ({args})", f.function),
        }
    }

    /// The program's frames; none before `run` (the program waits at its entry).
    fn frames(&self) -> Vec<FrameInfo> {
        if self.run == Run::NotStarted {
            return Vec::new();
        }
        self.session.frames()
    }

    fn current_frame(&self) -> Option<FrameInfo> {
        self.frames().get(self.frame).cloned()
    }

    fn default_file(&self) -> Option<String> {
        if let Some(f) = self.current_frame().and_then(|f| f.loc) {
            return Some(f.path);
        }
        if let Some((path, _)) = &self.list_next {
            return Some(path.clone());
        }
        let main = self.session.symbols().function_sites("main");
        main.first().and_then(|s| s.loc.clone()).map(|l| l.path)
    }

    // ---- frames ---------------------------------------------------------------------

    fn cmd_backtrace(&mut self, rest: &str) -> anyhow::Result<()> {
        let frames = self.frames();
        if frames.is_empty() {
            bail!("No stack.");
        }
        let limit = parse_number(rest.trim()).map_or(frames.len(), |n| n as usize);
        for (i, f) in frames.iter().enumerate().take(limit) {
            self.say(&self.backtrace_line(i, f));
        }
        if limit < frames.len() {
            self.say("(More stack frames follow...)");
        }
        Ok(())
    }

    fn backtrace_line(&self, i: usize, f: &FrameInfo) -> String {
        let body = self.frame_line(i, f);
        // Callers show their pc (the return address), as gdb does; inlined frames have
        // none of their own.
        let caller = i > 0 && !self.frames().get(i - 1).is_some_and(|g| g.inlined);
        let mid_statement =
            i == 0 && !f.inlined && !self.session.symbols().is_statement_start(f.pc);
        if (caller && !f.inlined) || f.loc.is_none() || mid_statement {
            format!("#{i:<2} {:#010x} in {body}", f.pc)
        } else {
            format!("#{i:<2} {body}")
        }
    }

    fn cmd_frame(&mut self, rest: &str) -> anyhow::Result<()> {
        if !rest.trim().is_empty() {
            let n = parse_number(rest.trim())
                .ok_or_else(|| anyhow::anyhow!("bad frame number `{rest}`"))?
                as usize;
            if n >= self.frames().len() {
                bail!("No frame at level {rest}.");
            }
            self.frame = n;
        }
        self.print_selected_frame()
    }

    fn move_frame(&mut self, rest: &str, dir: i64) -> anyhow::Result<()> {
        let n = parse_number(rest.trim()).unwrap_or(1) as i64;
        let count = self.frames().len() as i64;
        if count == 0 {
            bail!("No stack.");
        }
        let target = self.frame as i64 + dir * n;
        if target < 0 {
            bail!("Bottom (innermost) frame selected; you cannot go down.");
        }
        if target >= count {
            bail!("Initial frame selected; you cannot go up.");
        }
        self.frame = target as usize;
        self.print_selected_frame()
    }

    fn print_selected_frame(&mut self) -> anyhow::Result<()> {
        let f = self
            .current_frame()
            .ok_or_else(|| anyhow::anyhow!("No stack."))?;
        self.say(&self.backtrace_line(self.frame, &f));
        self.print_source_line();
        Ok(())
    }

    // ---- data -----------------------------------------------------------------------

    fn cmd_print(&mut self, rest: &str) -> anyhow::Result<()> {
        let (fmt, expr) = split_format(rest);
        if expr.is_empty() {
            bail!("Argument required (expression to compute).");
        }
        let value = if expr.contains('=') && self.run == Run::Stopped {
            self.session.evaluate_mut(expr, self.frame)?
        } else {
            self.session.evaluate(expr, self.frame)?
        };
        let text = match fmt.chars().next() {
            Some(f) => self.format_as(&value, f)?,
            None => self.session.format(&value, self.frame),
        };
        self.values_printed += 1;
        self.say(&format!("${} = {text}", self.values_printed));
        Ok(())
    }

    /// `print/x` and friends on scalars.
    fn format_as(&self, value: &Value, f: char) -> anyhow::Result<String> {
        let symbols = self.session.symbols();
        let size = symbols.size_of(value.ty).unwrap_or(4).min(8) as usize;
        let mut buf = vec![0u8; size];
        // Re-read through the session (values may live in locals or memory).
        let text = self.session.format_nested(value, self.frame);
        let n: i128 = match value.place.clone() {
            wdb_session::Place::Memory(a) => {
                self.session.read_memory(a as u32, &mut buf);
                le_int(&buf)
            }
            _ => match parse_printed_int(&text) {
                Some(n) => n,
                None => return Ok(text),
            },
        };
        let mask = if size >= 8 {
            u64::MAX
        } else {
            (1u64 << (size * 8)) - 1
        };
        let u = (n as u64) & mask;
        Ok(match f {
            'x' => format!("{u:#x}"),
            'o' => format!("0{u:o}"),
            't' => format!("{u:b}"),
            'd' => {
                let shift = 64 - size * 8;
                format!("{}", ((u << shift) as i64) >> shift)
            }
            'u' => format!("{u}"),
            'c' => format!("{} {}", u as u8 as i8, wdb_session::char_literal(u as u8)),
            _ => text,
        })
    }

    fn cmd_ptype(&mut self, rest: &str) -> anyhow::Result<()> {
        let value = self.session.evaluate(rest.trim(), self.frame)?;
        self.say(&format!(
            "type = {}",
            self.session.symbols().type_name(value.ty)
        ));
        Ok(())
    }

    fn cmd_x(&mut self, rest: &str) -> anyhow::Result<()> {
        let (fmt, expr) = split_format(rest);
        let (count, letter, unit) = parse_x_format(fmt);
        let value = self.session.evaluate(expr, self.frame)?;
        let symbols = self.session.symbols();
        // An address: a pointer's value, an array's (or lvalue's) address, or an integer.
        let addr = match symbols.ty(symbols.strip(value.ty).0).as_ref() {
            wdb_session::Type::Array { .. } => value.address().unwrap_or(0),
            _ => {
                let text = self.session.format_nested(&value, self.frame);
                parse_printed_int(text.split_whitespace().next().unwrap_or("")).unwrap_or(0) as u64
            }
        } as u32;
        if letter == 's' {
            for i in 0..count {
                let _ = i;
                let s = self.read_c_string(addr);
                self.say(&format!("{addr:#x}:\t{s}"));
            }
            return Ok(());
        }
        let unit = if letter == 'c' { 1 } else { unit };
        let per_line = match unit {
            1 => 8,
            2 => 8,
            4 => 4,
            _ => 2,
        };
        let mut line = String::new();
        for i in 0..count {
            let a = addr.wrapping_add((i * unit) as u32);
            if i % per_line == 0 {
                if !line.is_empty() {
                    self.say(&line);
                }
                line = format!("{a:#x}:");
            }
            let mut buf = vec![0u8; unit];
            if self.session.read_memory(a, &mut buf) < unit {
                if !line.is_empty() {
                    self.say(&line);
                }
                bail!("Cannot access memory at address {a:#x}");
            }
            let u = le_int(&buf) as u64;
            let shift = 64 - unit * 8;
            let text = match letter {
                'x' => format!("{:#0w$x}", u, w = unit * 2 + 2),
                'd' => format!("{}", ((u << shift) as i64) >> shift),
                'u' => format!("{u}"),
                'o' => format!("0{u:o}"),
                't' => format!("{:0w$b}", u, w = unit * 8),
                'c' => format!("{}\t{}", u as u8 as i8, wdb_session::char_literal(u as u8)),
                'f' if unit == 4 => wdb_session::format_g(f64::from(f32::from_bits(u as u32)), 9),
                'f' => wdb_session::format_g(f64::from_bits(u), 17),
                'a' => format!("{u:#x}"),
                _ => format!("{:#0w$x}", u, w = unit * 2 + 2),
            };
            line.push('\t');
            line.push_str(&text);
        }
        if !line.is_empty() {
            self.say(&line);
        }
        Ok(())
    }

    fn read_c_string(&self, addr: u32) -> String {
        let mut bytes = Vec::new();
        let mut a = addr;
        while bytes.len() < 200 {
            let mut b = [0u8];
            if self.session.read_memory(a, &mut b) == 0 || b[0] == 0 {
                break;
            }
            bytes.push(b[0]);
            a += 1;
        }
        wdb_session::format_char_runs(&bytes, bytes.len() >= 200)
    }

    fn cmd_set(&mut self, rest: &str) -> anyhow::Result<()> {
        let rest = rest.trim();
        if let Some(paths) = rest.strip_prefix("substitute-path") {
            let mut words = paths.split_whitespace();
            let (Some(from), Some(to)) = (words.next(), words.next()) else {
                bail!("Usage: set substitute-path FROM TO");
            };
            self.session.add_source_map(from, to);
            self.sources.clear();
            return Ok(());
        }
        let expr = rest
            .strip_prefix("variable ")
            .or_else(|| rest.strip_prefix("var "))
            .unwrap_or(rest);
        if !expr.contains('=') {
            bail!("set var needs an assignment: set var NAME = VALUE");
        }
        self.require_running()?;
        self.session.evaluate_mut(expr, self.frame)?;
        self.session.cache_frames();
        Ok(())
    }

    fn cmd_info(&mut self, rest: &str) -> anyhow::Result<()> {
        let (what, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let topics = [
            "args",
            "breakpoints",
            "frame",
            "line",
            "locals",
            "registers",
            "sharedlibrary",
            "source",
            "watchpoints",
            "all-registers",
        ];
        let topic = topics
            .iter()
            .find(|t| !what.is_empty() && t.starts_with(what))
            .copied()
            .or(if what == "b" {
                Some("breakpoints")
            } else {
                None
            })
            .ok_or_else(|| {
                anyhow::anyhow!("Undefined info command: \"{what}\".  Try \"help info\".")
            })?;
        let _ = arg;
        match topic {
            "locals" | "args" => {
                if self.frames().is_empty() {
                    bail!("No frame selected.");
                }
                let vars = self
                    .session
                    .variables(self.frame)
                    .map_err(|_| anyhow::anyhow!("No frame selected."))?;
                let want = if topic == "args" {
                    VarKind::Param
                } else {
                    VarKind::Local
                };
                let mut any = false;
                for v in vars
                    .iter()
                    .filter(|v| v.kind == want || (topic == "locals" && v.kind == VarKind::Static))
                {
                    self.say(&format!("{} = {}", v.name, v.value));
                    any = true;
                }
                if !any {
                    self.say(if topic == "args" {
                        "No arguments."
                    } else {
                        "No locals."
                    });
                }
            }
            "breakpoints" | "watchpoints" => self.info_breakpoints(topic == "watchpoints"),
            "frame" => {
                let f = self
                    .current_frame()
                    .ok_or_else(|| anyhow::anyhow!("No stack."))?;
                self.say(&format!(
                    "Stack level {}, wasm frame {}:",
                    self.frame, f.wasm_frame
                ));
                let loc = f
                    .loc
                    .as_ref()
                    .map(|l| format!(" ({}:{})", l.file, l.line))
                    .unwrap_or_default();
                self.say(&format!(
                    " pc = {:#x} in {}{loc}; function index {}",
                    f.pc, f.function, f.func_index
                ));
                if f.inlined {
                    self.say(&format!(" inlined into frame {}", self.frame + 1));
                }
                let frames = self.frames();
                if let Some(caller) = frames.get(self.frame + 1) {
                    self.say(&format!(
                        " called by frame at level {} ({})",
                        self.frame + 1,
                        caller.function
                    ));
                }
                if self.frame > 0 {
                    self.say(&format!(" caller of frame at level {}", self.frame - 1));
                }
            }
            "registers" | "all-registers" => {
                let f = self
                    .current_frame()
                    .ok_or_else(|| anyhow::anyhow!("The program has no registers now."))?;
                self.say(&format!("pc             {:#010x}", f.pc));
                if let Ok(sp) = self.session.evaluate("$sp", self.frame) {
                    self.say(&format!(
                        "sp (global 0)  {}",
                        self.session.format(&sp, self.frame)
                    ));
                }
                let dbg = self.session.debuggee();
                if let Some(locals) = dbg.locals(f.wasm_frame) {
                    for (i, v) in locals.iter().enumerate() {
                        self.say(&format!("$local{i:<8} {}", wasm_val(v)));
                    }
                }
                if let Some(stack) = dbg.operand_stack(f.wasm_frame) {
                    for (i, v) in stack.iter().enumerate() {
                        self.say(&format!("$stack{i:<8} {}", wasm_val(v)));
                    }
                }
            }
            "line" => {
                let f = self
                    .current_frame()
                    .ok_or_else(|| anyhow::anyhow!("No line number information available."))?;
                match self.session.symbols().line_row(f.pc) {
                    Some(r) => self.say(&format!(
                        "Line {} of \"{}\" starts at address {:#x} and ends at {:#x}.",
                        r.loc.line, r.loc.file, r.start, r.end
                    )),
                    None => self.say(&format!(
                        "No line number information available for address {:#x}",
                        f.pc
                    )),
                }
            }
            "source" => {
                let f = self.current_frame();
                match f.and_then(|f| f.loc) {
                    Some(l) => {
                        self.say(&format!("Current source file is {}", l.file));
                        self.say(&format!("Located in {}", self.resolve_path(&l.path)));
                    }
                    None => self.say("No current source file."),
                }
            }
            _ => {
                for m in self.session.debuggee().modules() {
                    self.say(&format!(
                        "instance {}: {} ({} bytes)",
                        m.instance,
                        m.name,
                        m.bytes.len()
                    ));
                }
            }
        }
        Ok(())
    }

    fn info_breakpoints(&mut self, watch_only: bool) {
        let bps = self.session.breakpoints().to_vec();
        let wps = self.session.watchpoints().to_vec();
        if (bps.is_empty() || watch_only) && wps.is_empty() {
            self.say(if watch_only {
                "No watchpoints."
            } else {
                "No breakpoints or watchpoints."
            });
            return;
        }
        self.say("Num     Type           Disp Enb Address    What");
        let mut rows: Vec<(u32, Vec<String>)> = Vec::new();
        if !watch_only {
            for b in &bps {
                let disp = if b.temporary { "del " } else { "keep" };
                let enb = if b.enabled { "y" } else { "n" };
                let mut lines = Vec::new();
                match b.sites.as_slice() {
                    [] => lines.push(format!(
                        "{:<7} breakpoint     {disp} {enb}   <PENDING>  {}",
                        b.id, b.location
                    )),
                    [s] => lines.push(format!(
                        "{:<7} breakpoint     {disp} {enb}   {:#010x} {}",
                        b.id,
                        s.pc,
                        site_what(s)
                    )),
                    sites => {
                        lines.push(format!(
                            "{:<7} breakpoint     {disp} {enb}   <MULTIPLE> ",
                            b.id
                        ));
                        for (i, s) in sites.iter().enumerate() {
                            lines.push(format!(
                                "{}.{:<5} {:<19}{enb}   {:#010x} {}",
                                b.id,
                                i + 1,
                                "",
                                s.pc,
                                site_what(s)
                            ));
                        }
                    }
                }
                if let Some(c) = &b.condition {
                    lines.push(format!("\tstop only if {c}"));
                }
                if b.hits > 0 {
                    let s = if b.hits == 1 { "" } else { "s" };
                    lines.push(format!("\tbreakpoint already hit {} time{s}", b.hits));
                }
                if b.ignore_count > 0 {
                    lines.push(format!(
                        "\tWill ignore next {} crossings of breakpoint.",
                        b.ignore_count
                    ));
                }
                rows.push((b.id, lines));
            }
        }
        for w in &wps {
            let kind = match w.kind {
                WatchKind::Write => "hw watchpoint ",
                WatchKind::Read => "read watchpoint",
                WatchKind::Access => "acc watchpoint",
            };
            let enb = if w.enabled { "y" } else { "n" };
            let mut lines = vec![format!(
                "{:<7} {kind} keep {enb}              {}",
                w.id, w.expr
            )];
            if w.hits > 0 {
                let s = if w.hits == 1 { "" } else { "s" };
                lines.push(format!("\tbreakpoint already hit {} time{s}", w.hits));
            }
            rows.push((w.id, lines));
        }
        rows.sort_by_key(|r| r.0);
        for (_, lines) in rows {
            for l in lines {
                self.say(&l);
            }
        }
    }

    // ---- source ---------------------------------------------------------------------

    /// Where a DWARF source path is on this machine (the path itself when nowhere).
    fn resolve_path(&self, path: &str) -> String {
        self.session
            .local_source(path)
            .map_or_else(|| path.to_string(), |p| p.display().to_string())
    }

    fn source_lines(&mut self, path: &str) -> Option<&Vec<String>> {
        if !self.sources.contains_key(path) {
            let resolved = self.resolve_path(path);
            let text = std::fs::read(&resolved).ok().map(|b| {
                String::from_utf8_lossy(&b)
                    .lines()
                    .map(str::to_string)
                    .collect()
            });
            self.sources.insert(path.to_string(), text);
        }
        self.sources.get(path)?.as_ref()
    }

    fn source_line(&mut self, path: &str, line: u32) -> Option<String> {
        self.source_lines(path)?
            .get(line.checked_sub(1)? as usize)
            .cloned()
    }

    fn cmd_list(&mut self, rest: &str) -> anyhow::Result<()> {
        let rest = rest.trim();
        let (path, first) = if rest.is_empty() {
            match self.list_next.clone() {
                Some(p) => p,
                None => {
                    let path = self
                        .default_file()
                        .ok_or_else(|| anyhow::anyhow!("No symbol table is loaded."))?;
                    let line = self
                        .session
                        .symbols()
                        .function_sites("main")
                        .first()
                        .and_then(|s| s.loc.as_ref().map(|l| l.line))
                        .unwrap_or(1);
                    (path, line.saturating_sub(5).max(1))
                }
            }
        } else {
            let loc = Location::parse(rest)?;
            let site = match &loc {
                Location::Line { file, line } if file.is_empty() => {
                    let path = self
                        .default_file()
                        .ok_or_else(|| anyhow::anyhow!("No default source file."))?;
                    (path, *line)
                }
                Location::Line { file, line } => {
                    let files = self.session.symbols().source_files();
                    let path = files
                        .iter()
                        .find(|f| *f == file || f.ends_with(&format!("/{file}")))
                        .cloned()
                        .ok_or_else(|| anyhow::anyhow!("No source file named {file}."))?;
                    (path, *line)
                }
                other => {
                    let sites = self.session.resolve(other, self.frame);
                    let l = sites
                        .first()
                        .and_then(|s| s.loc.clone())
                        .ok_or_else(|| anyhow::anyhow!("Function \"{rest}\" not defined."))?;
                    (l.path, l.line)
                }
            };
            (site.0, site.1.saturating_sub(5).max(1))
        };
        let name = path.rsplit('/').next().unwrap_or(&path).to_string();
        let Some(lines) = self.source_lines(&path).cloned() else {
            bail!("{first}\tin {name}");
        };
        if first as usize > lines.len() {
            bail!(
                "Line number {first} out of range; \"{name}\" has {} lines.",
                lines.len()
            );
        }
        let last = (first as usize + 9).min(lines.len());
        for n in first as usize..=last {
            self.say(&format!("{n}\t{}", lines[n - 1]));
        }
        self.list_next = Some((path, last as u32 + 1));
        Ok(())
    }

    fn cmd_disassemble(&mut self) -> anyhow::Result<()> {
        let f = self
            .current_frame()
            .ok_or_else(|| anyhow::anyhow!("No frame selected."))?;
        let lines = self.session.disassemble(f.func_index)?;
        self.say(&format!(
            "Dump of assembler code for function {}:",
            f.function
        ));
        let mut last_line: Option<(String, u32)> = None;
        for (offset, text) in lines {
            if let Some(loc) = self.session.symbols().location(offset) {
                let key = (loc.path.clone(), loc.line);
                if last_line.as_ref() != Some(&key) {
                    let src = self.source_line(&loc.path, loc.line).unwrap_or_default();
                    self.say(&format!("{}:{}\t{src}", loc.file, loc.line));
                    last_line = Some(key);
                }
            }
            let marker = if offset == f.pc { "=> " } else { "   " };
            self.say(&format!("{marker}{offset:#010x}:\t{text}"));
        }
        self.say("End of assembler dump.");
        Ok(())
    }
}

fn site_what(s: &wdb_session::Site) -> String {
    match &s.loc {
        Some(l) => format!("in {} at {}:{}", s.function, l.file, l.line),
        None => format!("<{}>", s.function),
    }
}

fn wasm_val(v: &wdb_session::Val) -> String {
    match v {
        wdb_session::Val::I32(x) => format!("{x:#x} (i32 {x})"),
        wdb_session::Val::I64(x) => format!("{x:#x} (i64 {x})"),
        wdb_session::Val::F32(b) => format!("{} (f32)", f32::from_bits(*b)),
        wdb_session::Val::F64(b) => format!("{} (f64)", f64::from_bits(*b)),
        other => format!("{other:?}"),
    }
}

/// `/x rest` -> ("x", "rest").
fn split_format(rest: &str) -> (&str, &str) {
    match rest.strip_prefix('/') {
        Some(r) => {
            let end = r.find(char::is_whitespace).unwrap_or(r.len());
            (&r[..end], r[end..].trim())
        }
        None => ("", rest.trim()),
    }
}

/// `4xw` -> (4, 'x', 4).
fn parse_x_format(fmt: &str) -> (usize, char, usize) {
    let digits: String = fmt.chars().take_while(|c| c.is_ascii_digit()).collect();
    let count = digits.parse().unwrap_or(1);
    let mut letter = 'x';
    let mut unit = 4;
    for c in fmt[digits.len()..].chars() {
        match c {
            'b' => unit = 1,
            'h' => unit = 2,
            'w' => unit = 4,
            'g' => unit = 8,
            'x' | 'd' | 'u' | 'o' | 't' | 'c' | 's' | 'f' | 'a' | 'i' => letter = c,
            _ => {}
        }
    }
    if letter == 'a' {
        unit = 4;
    }
    (count, letter, unit)
}

fn le_int(b: &[u8]) -> i128 {
    let mut v = 0i128;
    for (i, x) in b.iter().enumerate() {
        v |= i128::from(*x) << (8 * i);
    }
    v
}

/// The leading integer of a printed value (`42`, `-1`, `0x10`, `97 'a'`, `true`).
fn parse_printed_int(s: &str) -> Option<i128> {
    let first = s.split_whitespace().next()?;
    match first {
        "true" => return Some(1),
        "false" => return Some(0),
        _ => {}
    }
    if let Some(h) = first.strip_prefix("0x") {
        return i128::from_str_radix(h, 16).ok();
    }
    first.parse().ok()
}

/// Tab completion of commands and symbols.
struct Completion {
    symbols: Vec<String>,
}

impl Completion {
    fn new(session: &Session) -> Completion {
        let mut symbols = session.symbols().function_names();
        symbols.extend(session.symbols().global_names());
        symbols.sort();
        symbols.dedup();
        Completion { symbols }
    }
}

impl rustyline::completion::Completer for Completion {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let before = &line[..pos];
        let start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |i| i + 1);
        let word = &before[start..];
        if !before[..start].contains(|c: char| !c.is_whitespace()) {
            let mut names: Vec<String> = COMMANDS
                .iter()
                .map(|(c, _)| c.to_string())
                .filter(|c| c.starts_with(word))
                .collect();
            names.sort();
            return Ok((start, names));
        }
        let names = self
            .symbols
            .iter()
            .filter(|s| s.starts_with(word))
            .take(200)
            .cloned()
            .collect();
        Ok((start, names))
    }
}

impl rustyline::hint::Hinter for Completion {
    type Hint = String;
}
impl rustyline::highlight::Highlighter for Completion {}
impl rustyline::validate::Validator for Completion {}
impl rustyline::Helper for Completion {}
