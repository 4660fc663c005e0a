//! The parts of a wasm module the symbols layer needs: custom sections (DWARF, `name`,
//! `external_debug_info`), where the code section starts, and each function's body range.

use std::collections::HashMap;
use std::ops::Range;

use wasmparser::{KnownCustom, Name, Parser, Payload};

use crate::{Error, Result};

/// One function defined by the module.
#[derive(Debug, Clone)]
pub struct WasmFunc {
    /// Function index (imports first).
    pub index: u32,
    /// Name from the name section, if any.
    pub name: Option<String>,
    /// Module offsets of the body (from the local declarations to the final `end`).
    pub body: Range<u32>,
}

/// Section-level facts about a module.
#[derive(Debug, Default)]
pub struct WasmLayout {
    /// Module offset of the code section's contents; DWARF addresses are relative to it.
    pub code_base: u32,
    /// Functions defined by the module, in index order.
    pub funcs: Vec<WasmFunc>,
    /// Custom sections by name (the first of each name wins).
    pub custom: HashMap<String, Range<usize>>,
}

impl WasmLayout {
    /// Reads the section headers of `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<WasmLayout> {
        let mut layout = WasmLayout::default();
        let mut imported = 0u32;
        let mut names: HashMap<u32, String> = HashMap::new();
        for payload in Parser::new(0).parse_all(bytes) {
            let payload = payload.map_err(|e| Error::Wasm(e.to_string()))?;
            match payload {
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let import = import.map_err(|e| Error::Wasm(e.to_string()))?;
                        if matches!(import.ty, wasmparser::TypeRef::Func(_)) {
                            imported += 1;
                        }
                    }
                }
                Payload::CodeSectionStart {
                    unchecked_range, ..
                } => layout.code_base = unchecked_range.start as u32,
                Payload::CodeSectionEntry(body) => {
                    let range = body.range();
                    layout.funcs.push(WasmFunc {
                        index: imported + layout.funcs.len() as u32,
                        name: None,
                        body: range.start as u32..range.end as u32,
                    });
                }
                Payload::CustomSection(reader) => {
                    let start = reader.data_offset() as usize;
                    let range = start..start + reader.data().len();
                    if let KnownCustom::Name(names_reader) = reader.as_known() {
                        // A malformed name section only loses names.
                        for name in names_reader.into_iter().flatten() {
                            if let Name::Function(map) = name {
                                for naming in map.into_iter().flatten() {
                                    names.insert(naming.index, naming.name.to_string());
                                }
                            }
                        }
                    }
                    layout
                        .custom
                        .entry(reader.name().to_string())
                        .or_insert(range);
                }
                _ => {}
            }
        }
        for func in &mut layout.funcs {
            func.name = names.remove(&func.index);
        }
        Ok(layout)
    }

    /// The defined function whose body contains module offset `pc`.
    pub fn func_at(&self, pc: u32) -> Option<&WasmFunc> {
        let i = self.funcs.partition_point(|f| f.body.end <= pc);
        self.funcs.get(i).filter(|f| f.body.contains(&pc))
    }

    /// The defined function with this index.
    pub fn func(&self, index: u32) -> Option<&WasmFunc> {
        let first = self.funcs.first()?.index;
        self.funcs.get(index.checked_sub(first)? as usize)
    }
}
