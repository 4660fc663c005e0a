//! The symbols fuzz oracle, shared by `tests/fuzz_smoke.rs` (stable, deterministic) and the
//! cargo-fuzz target `fuzz/fuzz_targets/symbols.rs` (which includes this file by path):
//!
//! - [`mutate`] corrupts the DWARF custom sections of a real module, driven by bytes;
//! - [`exercise`] loads the result and runs every query of the symbols layer on it.
//!
//! The property: bad DWARF degrades to wasm-level debugging (name section, function bodies)
//! with warnings; no query panics, and none loops or allocates without bound.
#![allow(dead_code)]

use wdb_symbols::{FrameAccess, Symbols, WasmValue};

/// One section of a module: id and the byte range of its payload (after the size).
#[derive(Debug, Clone)]
pub struct Section {
    pub id: u8,
    /// For custom sections (id 0): the name.
    pub name: Option<String>,
    /// The payload (for custom sections: after the name).
    pub payload: std::ops::Range<usize>,
}

fn read_leb(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut result = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        if shift < 64 {
            result |= u64::from(b & 0x7f) << shift;
        }
        shift += 7;
        if b & 0x80 == 0 {
            return Some(result);
        }
    }
}

pub fn write_leb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// The sections of a well-formed module (the inputs are real modules, so no error path).
pub fn sections(module: &[u8]) -> Vec<Section> {
    let mut out = Vec::new();
    let mut pos = 8;
    while pos < module.len() {
        let id = module[pos];
        pos += 1;
        let size = read_leb(module, &mut pos).expect("section size") as usize;
        let end = pos + size;
        let mut start = pos;
        let name = (id == 0).then(|| {
            let len = read_leb(module, &mut start).expect("custom name") as usize;
            let name = String::from_utf8_lossy(&module[start..start + len]).into_owned();
            start += len;
            name
        });
        out.push(Section {
            id,
            name,
            payload: start..end,
        });
        pos = end;
    }
    out
}

/// The module with custom section `name`'s payload replaced (`None`: the section removed).
pub fn with_custom(module: &[u8], name: &str, payload: Option<&[u8]>) -> Vec<u8> {
    let mut out = module[..8].to_vec();
    let mut pos = 8;
    while pos < module.len() {
        let start = pos;
        let id = module[pos];
        pos += 1;
        let size = read_leb(module, &mut pos).expect("section size") as usize;
        let end = pos + size;
        let mut p = pos;
        let this = (id == 0)
            .then(|| {
                let len = read_leb(module, &mut p)? as usize;
                module.get(p..p + len)
            })
            .flatten();
        if this == Some(name.as_bytes()) {
            if let Some(payload) = payload {
                let mut body = Vec::with_capacity(name.len() + 5 + payload.len());
                write_leb(&mut body, name.len() as u64);
                body.extend_from_slice(name.as_bytes());
                body.extend_from_slice(payload);
                out.push(0);
                write_leb(&mut out, body.len() as u64);
                out.extend_from_slice(&body);
            }
        } else {
            out.extend_from_slice(&module[start..end]);
        }
        pos = end;
    }
    out
}

/// The names of the module's `.debug_*` sections, in file order.
pub fn debug_sections(module: &[u8]) -> Vec<(String, std::ops::Range<usize>)> {
    sections(module)
        .into_iter()
        .filter_map(|s| Some((s.name?, s.payload)).filter(|(n, _)| n.starts_with(".debug_")))
        .collect()
}

/// Byte offsets of the single-byte form codes in a `.debug_abbrev` section (for "wrong form"
/// mutations), and of the `has_children` bytes.
pub fn abbrev_form_offsets(abbrev: &[u8]) -> (Vec<usize>, Vec<usize>) {
    let (mut forms, mut children) = (Vec::new(), Vec::new());
    let mut pos = 0;
    'tables: while pos < abbrev.len() {
        loop {
            let Some(code) = read_leb(abbrev, &mut pos) else {
                break 'tables;
            };
            if code == 0 {
                continue 'tables; // end of one unit's table
            }
            if read_leb(abbrev, &mut pos).is_none() || pos >= abbrev.len() {
                break 'tables;
            }
            children.push(pos);
            pos += 1;
            loop {
                let (Some(at), form_pos) = (read_leb(abbrev, &mut pos), pos) else {
                    break 'tables;
                };
                let Some(form) = read_leb(abbrev, &mut pos) else {
                    break 'tables;
                };
                if at == 0 && form == 0 {
                    break;
                }
                if form == 0x21 && read_leb(abbrev, &mut pos).is_none() {
                    break 'tables; // DW_FORM_implicit_const's value
                }
                if pos == form_pos + 1 {
                    forms.push(form_pos);
                }
            }
        }
    }
    (forms, children)
}

/// One compilation unit of `.debug_info` (DWARF 2-5, 32-bit), as far as slimming needs it.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The unit's bytes in `.debug_info`, header included.
    pub range: std::ops::Range<usize>,
    /// Position of the header's `debug_abbrev_offset` field in `.debug_info`, and its value.
    pub abbrev_field: usize,
    pub abbrev_offset: usize,
    /// Position of the unit DIE's `DW_AT_stmt_list` (form `sec_offset`/`data4`) and its value.
    pub stmt_list: Option<(usize, usize)>,
    /// The unit DIE's `DW_AT_name` (forms `strp` and `string`).
    pub name: Option<String>,
}

fn u16_at(b: &[u8], pos: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(pos..pos + 2)?.try_into().ok()?) as usize)
}

fn u32_at(b: &[u8], pos: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(pos..pos + 4)?.try_into().ok()?) as usize)
}

fn cstr_at(b: &[u8], pos: usize) -> Option<String> {
    let len = b.get(pos..)?.iter().position(|&c| c == 0)?;
    Some(String::from_utf8_lossy(&b[pos..pos + len]).into_owned())
}

/// The attribute specs `(at, form)` of abbreviation `code` in the table at `offset`.
fn abbrev_entry(abbrev: &[u8], offset: usize, code: u64) -> Option<Vec<(u64, u64)>> {
    let mut pos = offset;
    loop {
        let c = read_leb(abbrev, &mut pos)?;
        if c == 0 {
            return None;
        }
        read_leb(abbrev, &mut pos)?; // tag
        pos += 1; // has_children
        let mut specs = Vec::new();
        loop {
            let at = read_leb(abbrev, &mut pos)?;
            let form = read_leb(abbrev, &mut pos)?;
            if at == 0 && form == 0 {
                break;
            }
            if form == 0x21 {
                read_leb(abbrev, &mut pos)?;
            }
            specs.push((at, form));
        }
        if c == code {
            return Some(specs);
        }
    }
}

/// The end of the abbreviation table at `offset` (after its terminating 0).
fn abbrev_table_end(abbrev: &[u8], offset: usize) -> Option<usize> {
    let mut pos = offset;
    loop {
        if read_leb(abbrev, &mut pos)? == 0 {
            return Some(pos);
        }
        read_leb(abbrev, &mut pos)?;
        pos += 1;
        loop {
            let at = read_leb(abbrev, &mut pos)?;
            let form = read_leb(abbrev, &mut pos)?;
            if at == 0 && form == 0 {
                break;
            }
            if form == 0x21 {
                read_leb(abbrev, &mut pos)?;
            }
        }
    }
}

/// Size of an attribute value of `form` at `pos` (None: a form this reader does not size).
fn form_size(info: &[u8], pos: usize, form: u64, addr_size: usize) -> Option<usize> {
    let mut p = pos;
    let fixed = match form {
        0x01 => addr_size,
        0x0b | 0x0c | 0x11 | 0x25 | 0x29 => 1,
        0x05 | 0x12 | 0x26 | 0x2a => 2,
        0x27 | 0x2b => 3,
        0x06 | 0x0e | 0x10 | 0x13 | 0x17 | 0x1c | 0x1d | 0x1f | 0x28 | 0x2c => 4,
        0x07 | 0x14 | 0x20 => 8,
        0x1e => 16,
        0x19 | 0x21 => 0,
        0x0d | 0x0f | 0x15 | 0x1a | 0x1b | 0x22 | 0x23 => {
            read_leb(info, &mut p)?;
            return Some(p - pos);
        }
        0x08 => return Some(info.get(pos..)?.iter().position(|&c| c == 0)? + 1),
        0x0a => return Some(1 + *info.get(pos)? as usize),
        0x03 => return Some(2 + u16_at(info, pos)?),
        0x04 => return Some(4 + u32_at(info, pos)?),
        0x09 | 0x18 => {
            let len = read_leb(info, &mut p)? as usize;
            return Some(p - pos + len);
        }
        _ => return None,
    };
    Some(fixed)
}

/// The units of `.debug_info` (32-bit DWARF only; stops at anything else).
pub fn units(info: &[u8], abbrev: &[u8], strings: &[u8]) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(length) = u32_at(info, pos) {
        if length >= 0xffff_fff0 || pos + 4 + length > info.len() {
            break;
        }
        let range = pos..pos + 4 + length;
        let version = u16_at(info, pos + 4).unwrap_or(0);
        // v2-4: length, version, abbrev_offset, address_size; v5: ..., unit_type, address_size, abbrev_offset.
        let (abbrev_field, addr_size, die) = if version >= 5 {
            (pos + 8, info[pos + 7] as usize, pos + 12)
        } else {
            (pos + 6, info[pos + 10] as usize, pos + 11)
        };
        let abbrev_offset = u32_at(info, abbrev_field).unwrap_or(usize::MAX);
        let mut unit = Unit {
            range: range.clone(),
            abbrev_field,
            abbrev_offset,
            stmt_list: None,
            name: None,
        };
        let mut p = die;
        if let Some(code) = read_leb(info, &mut p)
            && let Some(specs) = abbrev_entry(abbrev, abbrev_offset, code)
        {
            for (at, form) in specs {
                match (at, form) {
                    (0x10, 0x06 | 0x17) => unit.stmt_list = u32_at(info, p).map(|v| (p, v)),
                    (0x03, 0x0e) => unit.name = u32_at(info, p).and_then(|s| cstr_at(strings, s)),
                    (0x03, 0x08) => unit.name = cstr_at(info, p),
                    _ => {}
                }
                let Some(size) = form_size(info, p, form, addr_size) else {
                    break;
                };
                p += size;
            }
        }
        out.push(unit);
        pos = range.end;
    }
    out
}

/// The module with only the `.debug_info` units for which `keep(index, unit)` is true, and
/// `.debug_abbrev` and `.debug_line` cut down to their tables and line programs (the headers'
/// abbreviation offsets and the `DW_AT_stmt_list`s rewritten), and without the indexes by
/// unit offset (`.debug_pubnames`, `.debug_pubtypes`, `.debug_aranges`). The other sections
/// stay whole.
/// Valid as long as no kept unit refers into another one (`DW_FORM_ref_addr`), which a
/// non-LTO clang build never does. Small modules make fast fuzz cases whose every DWARF
/// byte matters.
pub fn slim(module: &[u8], keep: impl Fn(usize, &Unit) -> bool) -> Vec<u8> {
    let get = |name: &str| {
        debug_sections(module)
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| &module[r])
            .unwrap_or(&[])
    };
    let (info, abbrev, line, strings) = (
        get(".debug_info"),
        get(".debug_abbrev"),
        get(".debug_line"),
        get(".debug_str"),
    );
    let (mut new_info, mut new_abbrev, mut new_line) = (Vec::new(), Vec::new(), Vec::new());
    let mut abbrev_moved: Vec<(usize, usize)> = Vec::new();
    let mut line_moved: Vec<(usize, usize)> = Vec::new();
    for (i, unit) in units(info, abbrev, strings).iter().enumerate() {
        if !keep(i, unit) {
            continue;
        }
        let base = new_info.len();
        new_info.extend_from_slice(&info[unit.range.clone()]);
        let patch = |bytes: &mut Vec<u8>, at: usize, v: usize| {
            bytes[at..at + 4].copy_from_slice(&(v as u32).to_le_bytes());
        };
        if let Some(end) = abbrev_table_end(abbrev, unit.abbrev_offset) {
            let to = match abbrev_moved
                .iter()
                .find(|(from, _)| *from == unit.abbrev_offset)
            {
                Some(&(_, to)) => to,
                None => {
                    let to = new_abbrev.len();
                    new_abbrev.extend_from_slice(&abbrev[unit.abbrev_offset..end]);
                    abbrev_moved.push((unit.abbrev_offset, to));
                    to
                }
            };
            patch(
                &mut new_info,
                base + unit.abbrev_field - unit.range.start,
                to,
            );
        }
        if let Some((at, offset)) = unit.stmt_list
            && let Some(length) = u32_at(line, offset)
            && offset + 4 + length <= line.len()
        {
            let to = match line_moved.iter().find(|(from, _)| *from == offset) {
                Some(&(_, to)) => to,
                None => {
                    let to = new_line.len();
                    new_line.extend_from_slice(&line[offset..offset + 4 + length]);
                    line_moved.push((offset, to));
                    to
                }
            };
            patch(&mut new_info, base + at - unit.range.start, to);
        }
    }
    let mut module = with_custom(module, ".debug_info", Some(&new_info));
    module = with_custom(&module, ".debug_abbrev", Some(&new_abbrev));
    module = with_custom(&module, ".debug_line", Some(&new_line));
    // Indexes by .debug_info offset, now stale.
    for name in [".debug_pubnames", ".debug_pubtypes", ".debug_aranges"] {
        module = with_custom(&module, name, None);
    }
    module
}

/// A reference attribute (form `ref1`, `ref2` or `ref4`) in `.debug_info`.
#[derive(Debug, Clone, Copy)]
pub struct DieRefAttr {
    /// Position and size of the value.
    pub at: usize,
    pub size: usize,
    /// Offsets of its unit and of the DIE that has it.
    pub unit: usize,
    pub owner: usize,
}

/// The DIEs of `.debug_info` (their offsets) and their reference attributes. Stops a unit
/// at a form it cannot size.
pub fn die_refs(info: &[u8], abbrev: &[u8]) -> (Vec<usize>, Vec<DieRefAttr>) {
    let (mut dies, mut refs) = (Vec::new(), Vec::new());
    for unit in units(info, abbrev, &[]) {
        let start = unit.range.start;
        let version = u16_at(info, start + 4).unwrap_or(0);
        let (addr_size, mut pos) = if version >= 5 {
            (info[start + 7] as usize, start + 12)
        } else {
            (info[start + 10] as usize, start + 11)
        };
        let mut table: std::collections::HashMap<u64, Vec<(u64, u64)>> = Default::default();
        'dies: while pos < unit.range.end {
            let die = pos;
            let Some(code) = read_leb(info, &mut pos) else {
                break;
            };
            if code == 0 {
                continue;
            }
            let specs = match table.entry(code) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    match abbrev_entry(abbrev, unit.abbrev_offset, code) {
                        Some(specs) => e.insert(specs),
                        None => break,
                    }
                }
            };
            dies.push(die);
            for &(_, form) in specs.iter() {
                let Some(size) = form_size(info, pos, form, addr_size) else {
                    break 'dies;
                };
                if matches!(form, 0x11..=0x13) {
                    refs.push(DieRefAttr {
                        at: pos,
                        size,
                        unit: start,
                        owner: die,
                    });
                }
                pos += size;
            }
        }
    }
    (dies, refs)
}

/// Drives mutations from bytes (the fuzz input, or a PRNG's output).
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }
    /// A number below `n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { self.u32() as usize % n }
    }
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        self.pos = self.data.len();
        rest
    }
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }
}

/// Valid DWARF 2-5 form codes (wrong forms are the interesting kind of corruption: gimli
/// then reads the DIEs with the wrong sizes and types).
pub const FORMS: &[u8] = &[
    0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11,
    0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21,
    0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c,
];

/// Corrupts one `.debug_*` section of `module` as `input` says; returns the new module and
/// a description of the mutation.
pub fn mutate(module: &[u8], input: &[u8]) -> (Vec<u8>, String) {
    let debug = debug_sections(module);
    if debug.is_empty() {
        return (module.to_vec(), "no DWARF".into());
    }
    let mut b = Bytes::new(input);
    let (name, range) = debug[b.below(debug.len())].clone();
    let mut payload = module[range].to_vec();
    let len = payload.len();
    let what = match b.byte() % 10 {
        0 => {
            let at = b.below(len + 1);
            payload.truncate(at);
            format!("{name}: truncated to {at} of {len} bytes")
        }
        1 => {
            let mut n = 0;
            while !b.is_empty() && len > 0 {
                let at = b.below(len);
                payload[at] ^= b.byte() | 1;
                n += 1;
            }
            format!("{name}: {n} byte(s) xored")
        }
        2 => {
            let mut n = 0;
            while !b.is_empty() && len > 0 {
                let at = b.below(len);
                payload[at] = b.byte();
                n += 1;
            }
            format!("{name}: {n} byte(s) overwritten")
        }
        3 => {
            // A run of 0xff or 0x00: bad LEBs, huge lengths, null offsets.
            let at = b.below(len + 1);
            let n = 1 + b.below(16);
            let fill = if b.byte() & 1 == 0 { 0xff } else { 0x00 };
            let end = (at + n).min(len);
            payload[at..end].fill(fill);
            format!("{name}: {:#04x} x {} at {at}", fill, end - at)
        }
        4 => {
            let at = b.below(len + 1);
            let insert = b.rest().to_vec();
            let n = insert.len();
            payload.splice(at..at, insert);
            format!("{name}: {n} byte(s) inserted at {at}")
        }
        5 => {
            // Wrong forms and children flags in the abbreviations (whatever section was picked).
            let abbrev = debug.iter().find(|(n, _)| n == ".debug_abbrev");
            let Some((_, range)) = abbrev else {
                return (module.to_vec(), "no .debug_abbrev".into());
            };
            let mut abbrev = module[range.clone()].to_vec();
            let (forms, children) = abbrev_form_offsets(&abbrev);
            let mut n = 0;
            while !b.is_empty() && !forms.is_empty() {
                if b.byte().is_multiple_of(4) && !children.is_empty() {
                    abbrev[children[b.below(children.len())]] ^= 1;
                } else {
                    abbrev[forms[b.below(forms.len())]] = FORMS[b.below(FORMS.len())];
                }
                n += 1;
            }
            let module = with_custom(module, ".debug_abbrev", Some(&abbrev));
            return (
                module,
                format!(".debug_abbrev: {n} form(s)/children flag(s) changed"),
            );
        }
        6 => {
            // Another section's bytes in this one's place.
            let (other, range) = debug[b.below(debug.len())].clone();
            let module = with_custom(module, &name, Some(&module[range]));
            return (module, format!("{name}: replaced by the bytes of {other}"));
        }
        7 => {
            let module = with_custom(module, &name, None);
            return (module, format!("{name}: removed"));
        }
        _ => {
            // References rewired to other DIEs of the unit, or to their own DIE: type
            // cycles, members typed as functions, scopes that contain themselves.
            let get = |n: &str| debug.iter().find(|(s, _)| s == n).map(|(_, r)| r.clone());
            let (Some(info), Some(abbrev)) = (get(".debug_info"), get(".debug_abbrev")) else {
                return (module.to_vec(), "no .debug_info/.debug_abbrev".into());
            };
            let mut info_bytes = module[info].to_vec();
            let (dies, refs) = die_refs(&info_bytes, &module[abbrev]);
            let mut n = 0;
            while !b.is_empty() && !refs.is_empty() {
                let DieRefAttr {
                    at,
                    size,
                    unit,
                    owner,
                } = refs[b.below(refs.len())];
                let target = if b.byte().is_multiple_of(4) {
                    owner
                } else {
                    dies[b.below(dies.len())]
                };
                let Some(value) = target.checked_sub(unit) else {
                    continue;
                };
                let bytes = (value as u32).to_le_bytes();
                if size <= 4 && (size == 4 || value < 1 << (8 * size)) {
                    info_bytes[at..at + size].copy_from_slice(&bytes[..size]);
                    n += 1;
                }
            }
            let module = with_custom(module, ".debug_info", Some(&info_bytes));
            return (module, format!(".debug_info: {n} reference(s) rewired"));
        }
    };
    (with_custom(module, &name, Some(&payload)), what)
}

/// A paused frame with fixed locals and globals, and 16 MiB of zeroed memory.
pub struct DummyFrame;

const MEMORY: u64 = 16 << 20;

impl FrameAccess for DummyFrame {
    fn local(&self, index: u32) -> Option<WasmValue> {
        (index < 64).then(|| WasmValue::I32(0x1000 + 16 * index as i32))
    }
    fn global(&self, index: u32) -> Option<WasmValue> {
        (index < 4).then_some(WasmValue::I32(0x8000))
    }
    fn stack(&self, index: u32) -> Option<WasmValue> {
        (index < 8).then_some(WasmValue::I64(0x2000))
    }
    fn read_memory(&self, addr: u64, buf: &mut [u8]) -> bool {
        if addr
            .checked_add(buf.len() as u64)
            .is_some_and(|end| end <= MEMORY)
        {
            buf.fill(0);
            true
        } else {
            false
        }
    }
    fn table_function(&self, index: u32) -> Option<u32> {
        Some(index)
    }
}

/// The sizes of what [`exercise`] did, for checking that a run did real work.
#[derive(Debug, Default, Clone, Copy)]
pub struct Work {
    /// The DWARF was used at all (`Symbols::has_dwarf`), and how many warnings it gave.
    pub dwarf: bool,
    pub warnings: usize,
    pub pcs: usize,
    pub frames: usize,
    pub variables: usize,
    pub globals: usize,
}

/// Loads `module` and runs every query of the symbols layer; `input` picks some of the
/// names, lines and pcs asked about. The work per call is bounded (a few function and line
/// breakpoints, at most 12 pcs, 4 frames per pc, 12 variables per frame, 12 globals).
pub fn exercise(module: &[u8], input: &[u8]) -> Work {
    let symbols = Symbols::new(module, &|_| None);
    let access = DummyFrame;
    let mut b = Bytes::new(input);
    let mut work = Work {
        dwarf: symbols.has_dwarf(),
        ..Work::default()
    };
    let files = symbols.source_files();
    let functions = symbols.function_names();
    let globals = symbols.global_names();

    // Whatever the DWARF says, wasm-level debugging keeps working: a function the name
    // section knows always has a breakpoint site.
    if symbols.wasm_function_index("_start").is_some() {
        assert!(
            !symbols.function_sites("_start").is_empty(),
            "no site for _start"
        );
    }

    // Function breakpoints: fixed names, and names the DWARF has.
    let mut pcs: Vec<u32> = Vec::new();
    let mut names: Vec<&str> = vec!["main", "_start", "area", "no_such_function"];
    for _ in 0..2 {
        if !functions.is_empty() {
            names.push(&functions[b.below(functions.len())]);
        }
    }
    for name in names {
        pcs.extend(symbols.function_sites(name).iter().map(|s| s.pc));
    }
    // Line breakpoints: the lines of some of those sites, and lines from the input.
    let mut lines: Vec<(String, u32)> = pcs
        .iter()
        .take(2)
        .filter_map(|&pc| symbols.location(pc))
        .map(|loc| (loc.file, loc.line))
        .collect();
    if !files.is_empty() {
        lines.push((files[b.below(files.len())].clone(), 1 + b.below(300) as u32));
    }
    lines.push(("no_such_file.c".into(), 1));
    for (file, line) in &lines {
        pcs.extend(symbols.line_sites(file, *line).iter().map(|s| s.pc));
    }
    // Function bodies (what wasm-level debugging works from) and arbitrary pcs.
    for i in 0..3 {
        let index = if i == 0 { 0 } else { b.u32() % 64 };
        if let Some(body) = symbols.wasm_function_body(index) {
            pcs.push(body.start);
            pcs.push(body.start + (body.end - body.start) / 2);
        }
    }
    pcs.push(b.u32() % (module.len() as u32 + 1));
    pcs.push(u32::MAX);
    pcs.sort_unstable();
    pcs.dedup();
    let step = pcs.len().div_ceil(12).max(1);
    for &pc in pcs.iter().step_by(step) {
        work.pcs += 1;
        let _ = symbols.line_row(pc);
        let _ = symbols.location(pc);
        let _ = symbols.prologue_end(pc);
        let _ = symbols.wasm_function_at(pc);
        for frame in symbols.frames(pc).iter().take(4) {
            work.frames += 1;
            for var in symbols.variables(frame, pc, &access).iter().take(12) {
                work.variables += 1;
                let _ = symbols.format(&var.value, &access);
                for child in symbols.children(&var.value, &access, 0, 8) {
                    let _ = symbols.format(&child.value, &access);
                }
                for expr in [
                    format!("{} + 1", var.name),
                    format!("*{}", var.name),
                    format!("&{}", var.name),
                ] {
                    if let Ok(v) = symbols.evaluate(&expr, frame, pc, &access) {
                        let _ = symbols.format(&v, &access);
                    }
                }
            }
        }
    }
    for name in globals.iter().take(12) {
        if let Some(var) = symbols.global(name, &access) {
            work.globals += 1;
            let _ = symbols.format(&var.value, &access);
            for child in symbols.children(&var.value, &access, 0, 8) {
                let _ = symbols.format(&child.value, &access);
            }
        }
    }
    // Last: most warnings come from parsing units lazily, during the queries.
    work.warnings = symbols.warnings().len();
    work
}
