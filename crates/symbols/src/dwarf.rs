//! Loading DWARF from wasm custom sections, and the lazy per-unit cache.
//!
//! Every unit is parsed on first use (abbreviations, line program, DIE walks) and cached,
//! failures included, as addr2line does. A unit that fails to parse costs a warning, never a
//! panic: the rest of the module keeps its symbols, and wasm-level debugging always works.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use gimli::{AttributeValue, DebugInfoOffset, DwAt, DwTag, Reader as _, UnitOffset};

use crate::Result;

/// The reader every DWARF structure uses: shared, owned bytes.
pub(crate) type R = gimli::EndianArcSlice<gimli::LittleEndian>;
pub(crate) type Unit = gimli::Unit<R>;
pub(crate) type Die = gimli::DebuggingInformationEntry<R>;

/// A DIE anywhere in `.debug_info`: the unit it belongs to and its offset in the section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DieRef {
    pub(crate) unit: usize,
    pub(crate) offset: usize,
}

/// A file of a unit's line table.
#[derive(Debug, Clone)]
pub(crate) struct FileEntry {
    /// As recorded (often relative: `vars.c`).
    pub name: String,
    /// Directory + name, joined with the compilation directory when relative.
    pub path: String,
}

/// One row of a line table (addresses are module offsets).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub addr: u32,
    /// Index into the unit's files.
    pub file: u32,
    pub line: u32,
    pub column: u32,
    pub is_stmt: bool,
    pub prologue_end: bool,
    /// The row ends a sequence: `addr` is one past its last instruction.
    pub end_sequence: bool,
}

/// The line table of one unit, rows sorted by address within each sequence.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    pub files: Vec<FileEntry>,
    /// Sequences, each sorted by address and ending with an `end_sequence` row; the
    /// sequences themselves are sorted by start address.
    pub sequences: Vec<Vec<Row>>,
}

/// A parsed unit with its lazily built parts.
pub(crate) struct UnitData {
    pub unit: Unit,
    pub name: String,
    pub lines: OnceCell<Rc<Lines>>,
}

/// All DWARF of a module.
pub(crate) struct Dwarf {
    pub sections: Arc<gimli::Dwarf<R>>,
    pub ctx: addr2line::Context<R>,
    /// Module offset of the code section contents (DWARF addresses are relative to it).
    pub code_base: u32,
    headers: Vec<gimli::UnitHeader<R>>,
    header_offsets: Vec<usize>,
    units: Vec<OnceCell<Option<Rc<UnitData>>>>,
    /// Problems met while reading (each unit reports once).
    pub warnings: RefCell<Vec<String>>,
    /// Lazily built name indexes over all units.
    pub index: OnceCell<crate::index::Index>,
}

impl std::fmt::Debug for Dwarf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dwarf")
            .field("units", &self.headers.len())
            .finish()
    }
}

impl Dwarf {
    /// Reads the DWARF sections in `sections` (name -> bytes). None when there is no
    /// `.debug_info`.
    pub fn load(sections: &HashMap<String, Arc<[u8]>>, code_base: u32) -> Result<Option<Dwarf>> {
        if !sections.contains_key(".debug_info") {
            return Ok(None);
        }
        let empty: Arc<[u8]> = Arc::from(Vec::new());
        let dwarf = gimli::Dwarf::load(|id| -> Result<R> {
            let bytes = sections.get(id.name()).unwrap_or(&empty).clone();
            Ok(R::new(bytes, gimli::LittleEndian))
        })?;
        let mut headers = Vec::new();
        let mut warnings = Vec::new();
        let mut iter = dwarf.units();
        loop {
            match iter.next() {
                Ok(Some(header)) => headers.push(header),
                Ok(None) => break,
                Err(e) => {
                    warnings.push(format!("stopped reading .debug_info units: {e}"));
                    break;
                }
            }
        }
        let header_offsets = headers.iter().map(|h| h.offset().0).collect();
        let sections = Arc::new(dwarf);
        let ctx = addr2line::Context::from_arc_dwarf(sections.clone())?;
        let units = headers.iter().map(|_| OnceCell::new()).collect();
        Ok(Some(Dwarf {
            sections,
            ctx,
            code_base,
            headers,
            header_offsets,
            units,
            warnings: RefCell::new(warnings),
            index: OnceCell::new(),
        }))
    }

    pub fn unit_count(&self) -> usize {
        self.headers.len()
    }

    pub fn warn(&self, message: String) {
        let mut warnings = self.warnings.borrow_mut();
        if !warnings.contains(&message) {
            warnings.push(message);
        }
    }

    /// Unit `index`, parsed on first use (None if it is malformed).
    pub fn unit(&self, index: usize) -> Option<Rc<UnitData>> {
        self.units
            .get(index)?
            .get_or_init(|| match self.sections.unit(self.headers[index].clone()) {
                Ok(unit) => {
                    let name = unit
                        .name
                        .as_ref()
                        .map(|n| {
                            n.to_string_lossy()
                                .map(|c| c.into_owned())
                                .unwrap_or_default()
                        })
                        .unwrap_or_default();
                    Some(Rc::new(UnitData {
                        unit,
                        name,
                        lines: OnceCell::new(),
                    }))
                }
                Err(e) => {
                    self.warn(format!(
                        "skipping DWARF unit at .debug_info+{:#x}: {e}",
                        self.header_offsets[index]
                    ));
                    None
                }
            })
            .clone()
    }

    /// The unit containing `.debug_info` offset `offset`.
    pub fn unit_of(&self, offset: usize) -> Option<usize> {
        let i = self.header_offsets.partition_point(|&o| o <= offset);
        i.checked_sub(1)
    }

    /// The unit index whose header starts at `offset`.
    pub fn unit_at(&self, offset: usize) -> Option<usize> {
        self.header_offsets.binary_search(&offset).ok()
    }

    /// The section offset of a unit-relative offset.
    pub fn die_ref(&self, unit: usize, offset: UnitOffset<usize>) -> DieRef {
        DieRef {
            unit,
            offset: self.header_offsets[unit] + offset.0,
        }
    }

    /// The unit-relative offset of a DIE.
    pub fn unit_offset(&self, die: DieRef) -> UnitOffset<usize> {
        UnitOffset(die.offset - self.header_offsets[die.unit])
    }

    /// Reads a DIE.
    pub fn entry(&self, die: DieRef) -> Option<(Rc<UnitData>, Die)> {
        let unit = self.unit(die.unit)?;
        let entry = unit.unit.entry(self.unit_offset(die)).ok()?;
        Some((unit, entry))
    }

    /// Resolves a reference attribute (`DW_AT_type`, `DW_AT_abstract_origin`...) of a DIE
    /// in unit `unit`.
    pub fn reference(&self, unit: usize, value: AttributeValue<R>) -> Option<DieRef> {
        match value {
            AttributeValue::UnitRef(offset) => Some(self.die_ref(unit, offset)),
            AttributeValue::DebugInfoRef(DebugInfoOffset(offset)) => Some(DieRef {
                unit: self.unit_of(offset)?,
                offset,
            }),
            _ => None,
        }
    }

    /// The DIE an attribute of `die` refers to.
    pub fn attr_ref(&self, unit: usize, die: &Die, at: DwAt) -> Option<DieRef> {
        self.reference(unit, die.attr_value(at)?)
    }

    /// A string attribute of a DIE.
    pub fn attr_str(&self, unit: &UnitData, die: &Die, at: DwAt) -> Option<String> {
        let value = die.attr_value(at)?;
        let s = self.sections.attr_string(&unit.unit, value).ok()?;
        Some(
            s.to_string_lossy()
                .map(|c| c.into_owned())
                .unwrap_or_default(),
        )
    }

    /// The DIE's name, following `DW_AT_abstract_origin` and `DW_AT_specification`.
    pub fn name(&self, die: DieRef) -> Option<String> {
        let mut die = die;
        for _ in 0..8 {
            let (unit, entry) = self.entry(die)?;
            if let Some(name) = self.attr_str(&unit, &entry, gimli::DW_AT_name) {
                return Some(name);
            }
            die = self
                .attr_ref(die.unit, &entry, gimli::DW_AT_abstract_origin)
                .or_else(|| self.attr_ref(die.unit, &entry, gimli::DW_AT_specification))?;
        }
        None
    }

    /// An attribute of a DIE, or of its abstract origin / specification when it has none.
    pub fn inherited_attr(&self, die: DieRef, at: DwAt) -> Option<(DieRef, AttributeValue<R>)> {
        let mut die = die;
        for _ in 0..8 {
            let (_, entry) = self.entry(die)?;
            if let Some(value) = entry.attr_value(at) {
                return Some((die, value));
            }
            die = self
                .attr_ref(die.unit, &entry, gimli::DW_AT_abstract_origin)
                .or_else(|| self.attr_ref(die.unit, &entry, gimli::DW_AT_specification))?;
        }
        None
    }

    /// The line table of a unit (empty if it has none or it is malformed).
    pub fn lines(&self, index: usize) -> Rc<Lines> {
        let Some(unit) = self.unit(index) else {
            return Rc::default();
        };
        unit.lines
            .get_or_init(|| match self.read_lines(&unit) {
                Ok(lines) => Rc::new(lines),
                Err(e) => {
                    self.warn(format!("skipping the line table of {}: {e}", unit.name));
                    Rc::default()
                }
            })
            .clone()
    }

    fn read_lines(&self, unit: &UnitData) -> Result<Lines> {
        let Some(program) = unit.unit.line_program.clone() else {
            return Ok(Lines::default());
        };
        let header = program.header().clone();
        let comp_dir = unit
            .unit
            .comp_dir
            .as_ref()
            .map(|d| {
                d.to_string_lossy()
                    .map(|c| c.into_owned())
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        let mut files = Vec::new();
        // DWARF 5 file indexes start at 0; earlier versions at 1 (slot 0 unused).
        let first = if header.version() >= 5 { 0 } else { 1 };
        for _ in 0..first {
            files.push(FileEntry {
                name: String::new(),
                path: String::new(),
            });
        }
        for file in header.file_names() {
            let name = self.sections.attr_string(&unit.unit, file.path_name())?;
            let name = name
                .to_string_lossy()
                .map(|c| c.into_owned())
                .unwrap_or_default();
            let dir = match file.directory(&header) {
                Some(dir) => self
                    .sections
                    .attr_string(&unit.unit, dir)?
                    .to_string_lossy()?
                    .into_owned(),
                None => String::new(),
            };
            let path = join(&join(&comp_dir, &dir), &name);
            files.push(FileEntry { name, path });
        }
        let mut sequences: Vec<Vec<Row>> = Vec::new();
        let mut current = Vec::new();
        let mut rows = program.rows();
        while let Some((_, row)) = rows.next_row()? {
            let addr = row.address().saturating_add(u64::from(self.code_base));
            let Ok(addr) = u32::try_from(addr) else {
                continue;
            };
            current.push(Row {
                addr,
                file: row.file_index() as u32,
                line: row.line().map_or(0, |l| l.get() as u32),
                column: match row.column() {
                    gimli::ColumnType::LeftEdge => 0,
                    gimli::ColumnType::Column(c) => c.get() as u32,
                },
                is_stmt: row.is_stmt(),
                prologue_end: row.prologue_end(),
                end_sequence: row.end_sequence(),
            });
            if row.end_sequence() {
                let seq = std::mem::take(&mut current);
                // A sequence at address 0 of the code section is a discarded function
                // (the linker's tombstone); it overlaps real code.
                if seq.len() > 1 && seq[0].addr > self.code_base {
                    sequences.push(seq);
                }
            }
        }
        sequences.sort_by_key(|s| s[0].addr);
        Ok(Lines { files, sequences })
    }
}

/// Joins a directory and a path the way DWARF producers mean it.
fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() || path.starts_with('/') {
        path.to_string()
    } else if path.is_empty() {
        dir.to_string()
    } else {
        format!("{}/{}", dir.trim_end_matches('/'), path)
    }
}

/// Tags of DIEs that hold code.
pub(crate) fn is_code_scope(tag: DwTag) -> bool {
    matches!(
        tag,
        gimli::DW_TAG_subprogram | gimli::DW_TAG_inlined_subroutine | gimli::DW_TAG_lexical_block
    )
}

/// A constant attribute as u64.
pub(crate) fn udata(value: &AttributeValue<R>) -> Option<u64> {
    match *value {
        AttributeValue::Data1(v) => Some(u64::from(v)),
        AttributeValue::Data2(v) => Some(u64::from(v)),
        AttributeValue::Data4(v) => Some(u64::from(v)),
        AttributeValue::Data8(v) => Some(v),
        AttributeValue::Udata(v) => Some(v),
        AttributeValue::Sdata(v) => u64::try_from(v).ok(),
        _ => None,
    }
}

/// A constant attribute as i64 (for enumerators and bounds).
pub(crate) fn sdata(value: &AttributeValue<R>) -> Option<i64> {
    match *value {
        AttributeValue::Sdata(v) => Some(v),
        AttributeValue::Data1(v) => Some(i64::from(v as i8)),
        AttributeValue::Data2(v) => Some(i64::from(v as i16)),
        AttributeValue::Data4(v) => Some(i64::from(v as i32)),
        AttributeValue::Data8(v) => Some(v as i64),
        AttributeValue::Udata(v) => Some(v as i64),
        _ => None,
    }
}
