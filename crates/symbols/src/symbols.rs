//! [`Symbols`]: everything known about one module's source: lines, functions, inlined
//! frames, and the entry points to variables and types.

use std::cell::{Cell, OnceCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

use gimli::AttributeValue;

use crate::dwarf::{DieRef, Dwarf, Lines, Row};
use crate::index::{Index, function_name_fast};
use crate::types::Types;
use crate::wasm::WasmLayout;

/// A place in the source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceLoc {
    /// The file as the compiler recorded it (often relative, `vars.c`).
    pub file: String,
    /// The full path (joined with the compilation directory).
    pub path: String,
    pub line: u32,
    /// 0 when unknown.
    pub column: u32,
}

/// One source-level frame of a wasm frame: the function itself, or a call inlined into it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFrame {
    /// Qualified function name (`Shape::area`), or the name section's, or `func[N]`.
    pub function: String,
    /// Where this frame is: the pc's line for the innermost frame, the call site of the
    /// inner inlined call for the others.
    pub location: Option<SourceLoc>,
    /// This frame is a call inlined into the function below it.
    pub inlined: bool,
    /// The `DW_TAG_subprogram` or `DW_TAG_inlined_subroutine` of this frame.
    pub(crate) scope: Option<DieRef>,
    /// The concrete `DW_TAG_subprogram` (its frame base serves all inlined frames).
    pub(crate) subprogram: Option<DieRef>,
}

impl SourceFrame {
    /// A frame with no DWARF scope: only globals are visible from it.
    pub(crate) fn without_scope(function: String) -> SourceFrame {
        SourceFrame {
            function,
            location: None,
            inlined: false,
            scope: None,
            subprogram: None,
        }
    }
}

/// A breakpoint location resolved from a source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSite {
    /// Module offset.
    pub pc: u32,
    pub loc: SourceLoc,
}

/// A breakpoint location resolved from a function name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSite {
    /// Module offset of the first instruction after the prologue.
    pub pc: u32,
    pub function: String,
    pub loc: Option<SourceLoc>,
    /// An inlined copy rather than the function's own code.
    pub inlined: bool,
}

/// The line-table row block that contains a pc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    /// Module offsets `[start, end)` of the row.
    pub start: u32,
    pub end: u32,
    pub loc: SourceLoc,
    /// The row starts a statement (a place `step` may stop).
    pub is_stmt: bool,
}

/// The debug information of one module. Never fails to construct: without (valid) DWARF it
/// answers from the name section, and [`Symbols::warnings`] says what was wrong.
pub struct Symbols {
    pub(crate) layout: WasmLayout,
    pub(crate) dwarf: Option<Dwarf>,
    pub(crate) types: Types,
    warnings: Vec<String>,
    /// (unit, sequence index) of the last line lookup: steps stay in one sequence.
    last_sequence: Cell<Option<(usize, usize)>>,
    /// Per unit: the sequences' address ranges, for pc -> unit without addr2line.
    unit_ranges: OnceCell<Vec<(u32, u32, usize)>>,
    /// The language of `main` is C++ (types print without `struct`).
    pub(crate) cplusplus: OnceCell<bool>,
}

impl std::fmt::Debug for Symbols {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Symbols")
            .field("functions", &self.layout.funcs.len())
            .field("dwarf", &self.dwarf)
            .finish()
    }
}

impl Symbols {
    /// Reads the symbols of a module. `external` loads a separate debug file named by an
    /// `external_debug_info` section (relative to the module; the caller resolves it).
    pub fn new(bytes: &[u8], external: &dyn Fn(&str) -> Option<Vec<u8>>) -> Symbols {
        let mut warnings = Vec::new();
        let layout = match WasmLayout::parse(bytes) {
            Ok(layout) => layout,
            Err(e) => {
                warnings.push(e.to_string());
                WasmLayout::default()
            }
        };
        let mut sections: HashMap<String, Arc<[u8]>> = layout
            .custom
            .iter()
            .filter(|(name, _)| name.starts_with(".debug_"))
            .map(|(name, range)| (name.clone(), Arc::from(&bytes[range.clone()])))
            .collect();
        if !sections.contains_key(".debug_info")
            && let Some(range) = layout.custom.get("external_debug_info")
        {
            match read_external_name(&bytes[range.clone()]) {
                Some(name) => {
                    match external(&name).map(|b| WasmLayout::parse(&b).map(|l| (l, b))) {
                        Some(Ok((debug_layout, debug_bytes))) => {
                            sections = debug_layout
                                .custom
                                .iter()
                                .filter(|(name, _)| name.starts_with(".debug_"))
                                .map(|(name, range)| {
                                    (name.clone(), Arc::from(&debug_bytes[range.clone()]))
                                })
                                .collect();
                        }
                        Some(Err(e)) => warnings.push(format!("debug file {name}: {e}")),
                        None => warnings.push(format!("debug file {name} not found")),
                    }
                }
                None => warnings.push("malformed external_debug_info section".into()),
            }
        }
        let dwarf = match Dwarf::load(&sections, layout.code_base) {
            Ok(dwarf) => dwarf,
            Err(e) => {
                warnings.push(format!("DWARF ignored: {e}"));
                None
            }
        };
        Symbols {
            layout,
            dwarf,
            types: Types::default(),
            warnings,
            last_sequence: Cell::new(None),
            unit_ranges: OnceCell::new(),
            cplusplus: OnceCell::new(),
        }
    }

    /// True when the module has DWARF.
    pub fn has_dwarf(&self) -> bool {
        self.dwarf.is_some()
    }

    /// What went wrong while reading (malformed sections, skipped units).
    pub fn warnings(&self) -> Vec<String> {
        let mut all = self.warnings.clone();
        if let Some(dwarf) = &self.dwarf {
            all.extend(dwarf.warnings.borrow().iter().cloned());
        }
        all
    }

    pub(crate) fn index(&self) -> Option<&Index> {
        let dwarf = self.dwarf.as_ref()?;
        Some(dwarf.index.get_or_init(|| Index::build(dwarf)))
    }

    /// The name-section name of a function.
    pub fn wasm_function_name(&self, func_index: u32) -> Option<&str> {
        self.layout.func(func_index)?.name.as_deref()
    }

    /// The index of the function the name section calls `name`.
    pub fn wasm_function_index(&self, name: &str) -> Option<u32> {
        self.layout
            .funcs
            .iter()
            .find(|f| f.name.as_deref() == Some(name))
            .map(|f| f.index)
    }

    /// Module offsets of a defined function's body.
    pub fn wasm_function_body(&self, func_index: u32) -> Option<std::ops::Range<u32>> {
        Some(self.layout.func(func_index)?.body.clone())
    }

    /// The index of the defined function whose body contains `pc`.
    pub fn wasm_function_at(&self, pc: u32) -> Option<u32> {
        Some(self.layout.func_at(pc)?.index)
    }

    // ---- lines ----------------------------------------------------------------------

    /// Per unit address ranges of its line sequences, sorted.
    fn unit_ranges(&self) -> &[(u32, u32, usize)] {
        self.unit_ranges.get_or_init(|| {
            let Some(dwarf) = &self.dwarf else {
                return Vec::new();
            };
            let mut ranges = Vec::new();
            for u in 0..dwarf.unit_count() {
                for seq in &dwarf.lines(u).sequences {
                    ranges.push((seq[0].addr, seq[seq.len() - 1].addr, u));
                }
            }
            ranges.sort_unstable();
            ranges
        })
    }

    /// The unit whose line table covers `pc`.
    fn unit_for_pc(&self, pc: u32) -> Option<usize> {
        let dwarf = self.dwarf.as_ref()?;
        // addr2line's unit ranges come from .debug_aranges / DW_AT_ranges: no line table
        // parse for the other units.
        if let Some(unit) = dwarf
            .ctx
            .find_dwarf_and_unit(u64::from(pc.checked_sub(dwarf.code_base)?))
            .skip_all_loads()
        {
            return dwarf.unit_at(unit.unit.header.offset().0);
        }
        let ranges = self.unit_ranges();
        let i = ranges.partition_point(|r| r.0 <= pc);
        ranges[..i]
            .iter()
            .rev()
            .take(64)
            .find(|r| r.1 > pc)
            .map(|r| r.2)
    }

    /// The sequence containing `pc`, and its unit's line table.
    fn sequence_at(&self, pc: u32) -> Option<(Rc<Lines>, usize, usize)> {
        let dwarf = self.dwarf.as_ref()?;
        if let Some((u, s)) = self.last_sequence.get() {
            let lines = dwarf.lines(u);
            let seq = &lines.sequences[s];
            if seq[0].addr <= pc && pc < seq[seq.len() - 1].addr {
                return Some((lines, u, s));
            }
        }
        let u = self.unit_for_pc(pc)?;
        let lines = dwarf.lines(u);
        let s = lines.sequences.partition_point(|seq| seq[0].addr <= pc);
        let s = s.checked_sub(1)?;
        let seq = &lines.sequences[s];
        if pc >= seq[seq.len() - 1].addr {
            return None;
        }
        self.last_sequence.set(Some((u, s)));
        Some((lines, u, s))
    }

    fn loc_of(lines: &Lines, row: &Row) -> SourceLoc {
        let file = lines.files.get(row.file as usize);
        SourceLoc {
            file: file.map(|f| f.name.clone()).unwrap_or_default(),
            path: file.map(|f| f.path.clone()).unwrap_or_default(),
            line: row.line,
            column: row.column,
        }
    }

    /// The line-table row containing `pc` (module offset).
    pub fn line_row(&self, pc: u32) -> Option<LineRow> {
        let (lines, _, s) = self.sequence_at(pc)?;
        let seq = &lines.sequences[s];
        let i = seq.partition_point(|r| r.addr <= pc).checked_sub(1)?;
        // Rows at the same address: the last one describes the instruction.
        let row = &seq[i];
        let end = seq[i + 1..]
            .iter()
            .find(|r| r.addr > row.addr)
            .map_or(row.addr, |r| r.addr);
        if row.line == 0 {
            return None;
        }
        Some(LineRow {
            start: row.addr,
            end,
            loc: Self::loc_of(&lines, row),
            is_stmt: seq[..=i]
                .iter()
                .rev()
                .take_while(|r| r.addr == row.addr)
                .any(|r| r.is_stmt),
        })
    }

    /// Whether `pc` is the first instruction of a statement (where gdb shows no pc).
    pub fn is_statement_start(&self, pc: u32) -> bool {
        self.line_row(pc)
            .is_some_and(|r| r.is_stmt && r.start == pc)
    }

    /// The source location of `pc`.
    pub fn location(&self, pc: u32) -> Option<SourceLoc> {
        Some(self.line_row(pc)?.loc)
    }

    /// Every source file named in the line tables (full paths), sorted.
    pub fn source_files(&self) -> Vec<String> {
        let Some(dwarf) = &self.dwarf else {
            return Vec::new();
        };
        let mut files: Vec<String> = (0..dwarf.unit_count())
            .flat_map(|u| {
                let lines = dwarf.lines(u);
                lines
                    .files
                    .iter()
                    .filter(|f| !f.path.is_empty())
                    .map(|f| f.path.clone())
                    .collect::<Vec<_>>()
            })
            .collect();
        files.sort();
        files.dedup();
        files
    }

    /// Breakpoint sites for `file:line`: the first address of each block of `line` (one per
    /// function and per inlined copy). When `line` has no code, the next line that has code
    /// is used, as gdb does. `file` matches a full path, or its trailing components.
    pub fn line_sites(&self, file: &str, line: u32) -> Vec<LineSite> {
        let Some(dwarf) = &self.dwarf else {
            return Vec::new();
        };
        // (line -> (group -> first site)), for every matching file.
        let mut found: BTreeMap<u32, BTreeMap<(u32, Option<DieRef>), LineSite>> = BTreeMap::new();
        for u in 0..dwarf.unit_count() {
            let lines = dwarf.lines(u);
            let matching: Vec<bool> = lines
                .files
                .iter()
                .map(|f| file_matches(&f.path, &f.name, file))
                .collect();
            if !matching.iter().any(|m| *m) {
                continue;
            }
            for seq in &lines.sequences {
                for (i, row) in seq.iter().enumerate() {
                    if row.end_sequence
                        || !row.is_stmt
                        || row.line < line
                        || !matching.get(row.file as usize).copied().unwrap_or(false)
                    {
                        continue;
                    }
                    // Only the start of a block of this line.
                    if i > 0 && seq[i - 1].line == row.line && seq[i - 1].file == row.file {
                        continue;
                    }
                    let func = self.wasm_function_at(row.addr).unwrap_or(u32::MAX);
                    let scope = self.innermost_scope(row.addr);
                    let site = LineSite {
                        pc: row.addr,
                        loc: Self::loc_of(&lines, row),
                    };
                    let group = found.entry(row.line).or_default();
                    let slot = group.entry((func, scope)).or_insert_with(|| site.clone());
                    if site.pc < slot.pc {
                        *slot = site;
                    }
                }
            }
        }
        match found.into_iter().next() {
            Some((_, sites)) => {
                let mut sites: Vec<LineSite> = sites.into_values().collect();
                sites.sort_by_key(|s| s.pc);
                sites
            }
            None => Vec::new(),
        }
    }

    // ---- functions and frames -------------------------------------------------------

    /// Breakpoint sites for a function name (`main`, `Shape::area`, or `area` for every
    /// `*::area`): the end of the prologue of each definition, and each inlined copy. Falls
    /// back to the name section (the function's first instruction is then the caller's
    /// job: `pc` is the body start).
    pub fn function_sites(&self, name: &str) -> Vec<FunctionSite> {
        let mut sites = Vec::new();
        if let (Some(dwarf), Some(index)) = (&self.dwarf, self.index()) {
            let matches = |q: &str| q == name || q.ends_with(&format!("::{name}"));
            for (q, dies) in &index.functions {
                if !matches(q) {
                    continue;
                }
                for &die in dies {
                    if let Some(start) = self.die_low_pc(dwarf, die) {
                        let pc = self.after_prologue(dwarf, die, start);
                        sites.push(FunctionSite {
                            pc,
                            function: q.clone(),
                            loc: self.location(pc),
                            inlined: false,
                        });
                    }
                }
            }
            for (q, dies) in &index.inlined {
                if !matches(q) {
                    continue;
                }
                for &die in dies {
                    if let Some(pc) = self.die_low_pc(dwarf, die) {
                        sites.push(FunctionSite {
                            pc,
                            function: q.clone(),
                            loc: self.location(pc),
                            inlined: true,
                        });
                    }
                }
            }
        }
        if sites.is_empty()
            && let Some(f) = self
                .layout
                .funcs
                .iter()
                .find(|f| f.name.as_deref() == Some(name))
        {
            sites.push(FunctionSite {
                pc: f.body.start,
                function: name.to_string(),
                loc: None,
                inlined: false,
            });
        }
        sites.sort_by_key(|s| s.pc);
        sites.dedup_by_key(|s| s.pc);
        sites
    }

    /// All function names with code (for completion).
    pub fn function_names(&self) -> Vec<String> {
        let mut names: Vec<String> = match self.index() {
            Some(index) => index.functions.keys().cloned().collect(),
            None => Vec::new(),
        };
        names.extend(self.layout.funcs.iter().filter_map(|f| f.name.clone()));
        names.sort();
        names.dedup();
        names
    }

    /// The end of the prologue of the function containing `pc` (None without DWARF).
    pub fn prologue_end(&self, pc: u32) -> Option<u32> {
        let dwarf = self.dwarf.as_ref()?;
        let sub = self.frames(pc).last()?.subprogram?;
        let start = self.die_low_pc(dwarf, sub)?;
        Some(self.after_prologue(dwarf, sub, start))
    }

    /// The lowest code address of a subprogram or inlined subroutine (module offset).
    fn die_low_pc(&self, dwarf: &Dwarf, die: DieRef) -> Option<u32> {
        let (unit, entry) = dwarf.entry(die)?;
        let mut low = None;
        let mut ranges = dwarf.sections.die_ranges(&unit.unit, &entry).ok()?;
        while let Ok(Some(r)) = ranges.next() {
            // Address 0 (or the -1/-2 tombstones) marks code the linker dropped.
            if r.begin == 0 || r.begin >= 0xffff_fff0 || r.begin >= r.end {
                continue;
            }
            low = Some(low.map_or(r.begin, |l: u64| l.min(r.begin)));
        }
        u32::try_from(low? + u64::from(dwarf.code_base)).ok()
    }

    /// The first address after a function's prologue: its `prologue_end` row, or else the
    /// first statement on a later line.
    fn after_prologue(&self, dwarf: &Dwarf, die: DieRef, start: u32) -> u32 {
        let end = dwarf
            .entry(die)
            .and_then(|(unit, entry)| {
                let high = entry.attr_value(gimli::DW_AT_high_pc)?;
                match high {
                    AttributeValue::Udata(size) => Some(start as u64 + size),
                    _ => dwarf
                        .sections
                        .attr_address(&unit.unit, high)
                        .ok()
                        .flatten()
                        .map(|a| a + u64::from(dwarf.code_base)),
                }
            })
            .unwrap_or(u64::from(start) + 1) as u32;
        let Some((lines, _, s)) = self.sequence_at(start) else {
            return start;
        };
        let seq = &lines.sequences[s];
        let rows = seq.iter().filter(|r| r.addr >= start && r.addr < end);
        if let Some(r) = rows.clone().find(|r| r.prologue_end) {
            return r.addr;
        }
        let first_line = rows.clone().next().map_or(0, |r| r.line);
        rows.filter(|r| r.is_stmt && r.addr > start && r.line != first_line && r.line != 0)
            .map(|r| r.addr)
            .next()
            .unwrap_or(start)
    }

    /// The source frames at `pc`, innermost first: inlined calls, then the function. For a
    /// caller's frame, pass its return address minus one.
    pub fn frames(&self, pc: u32) -> Vec<SourceFrame> {
        let mut frames = Vec::new();
        if let Some(dwarf) = &self.dwarf
            && let Some(probe) = pc.checked_sub(dwarf.code_base)
            && let Some(unit) = self.unit_for_pc(pc)
        {
            let probe = u64::from(probe);
            if let Ok(mut iter) = dwarf.ctx.find_frames(probe).skip_all_loads() {
                let mut raw = Vec::new();
                while let Ok(Some(frame)) = iter.next() {
                    let die = frame.dw_die_offset.map(|o| dwarf.die_ref(unit, o));
                    let fallback = frame
                        .function
                        .as_ref()
                        .and_then(|f| f.demangle().ok().map(|n| n.into_owned()));
                    let loc = frame.location.as_ref().and_then(|l| {
                        let path = l.file?.to_string();
                        Some(SourceLoc {
                            file: self.display_name(unit, &path),
                            path,
                            line: l.line?,
                            column: l.column.unwrap_or(0),
                        })
                    });
                    raw.push((die, fallback, loc));
                }
                let subprogram = raw.last().and_then(|r| r.0);
                let n = raw.len();
                for (i, (die, fallback, loc)) in raw.into_iter().enumerate() {
                    let function = die
                        .and_then(|d| function_name_fast(dwarf, d))
                        .or(fallback)
                        .unwrap_or_else(|| "??".into());
                    frames.push(SourceFrame {
                        function,
                        location: loc,
                        inlined: i + 1 < n,
                        scope: die,
                        subprogram,
                    });
                }
            }
            // The innermost location comes from our own line table (column, file name).
            if let (Some(first), Some(row)) = (frames.first_mut(), self.line_row(pc)) {
                first.location = Some(row.loc);
            }
        }
        if frames.is_empty() {
            let function = match self.layout.func_at(pc) {
                Some(f) => f
                    .name
                    .as_deref()
                    .map(|n| crate::names::demangle(n).unwrap_or_else(|| n.to_string()))
                    .unwrap_or_else(|| format!("func[{}]", f.index)),
                None => "??".into(),
            };
            frames.push(SourceFrame::without_scope(function));
        }
        frames
    }

    /// The DIE of the innermost (possibly inlined) function at `pc`.
    fn innermost_scope(&self, pc: u32) -> Option<DieRef> {
        let dwarf = self.dwarf.as_ref()?;
        let probe = u64::from(pc.checked_sub(dwarf.code_base)?);
        let unit = self.unit_for_pc(pc)?;
        let mut frames = dwarf.ctx.find_frames(probe).skip_all_loads().ok()?;
        let first = frames.next().ok()??;
        Some(dwarf.die_ref(unit, first.dw_die_offset?))
    }

    /// The recorded name of the file with full path `path` in `unit`'s line table.
    fn display_name(&self, unit: usize, path: &str) -> String {
        let Some(dwarf) = &self.dwarf else {
            return path.to_string();
        };
        dwarf
            .lines(unit)
            .files
            .iter()
            .find(|f| f.path == path)
            .map_or_else(|| path.to_string(), |f| f.name.clone())
    }
}

/// Does a line-table file (full path, recorded name) match what the user typed?
fn file_matches(path: &str, name: &str, wanted: &str) -> bool {
    if path == wanted || name == wanted {
        return true;
    }
    let wanted = wanted.trim_start_matches("./");
    path.ends_with(wanted) && path[..path.len() - wanted.len()].ends_with('/')
}

/// The file name in an `external_debug_info` section (a LEB128-prefixed UTF-8 string).
fn read_external_name(data: &[u8]) -> Option<String> {
    let mut len = 0u64;
    let mut shift = 0;
    let mut i = 0;
    loop {
        let b = *data.get(i)?;
        len |= u64::from(b & 0x7f) << shift;
        i += 1;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 35 {
            return None;
        }
    }
    let s = data.get(i..i.checked_add(usize::try_from(len).ok()?)?)?;
    String::from_utf8(s.to_vec()).ok()
}
