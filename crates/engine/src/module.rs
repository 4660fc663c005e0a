//! Decoding, validation and translation of a module; the original bytes are kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use wasmparser::{
    CompositeInnerType, DataKind, ElementItems, ElementKind, ExternalKind, Name, NameSectionReader,
    Operator, Parser, Payload, TypeRef, ValidPayload, Validator, WasmFeatures,
};

use crate::code::FuncBody;
use crate::error::{Error, Result};
use crate::translate;
use crate::values::{FuncType, ValType};

/// The wasm features the engine implements: WebAssembly 2.0 without SIMD.
pub(crate) fn features() -> WasmFeatures {
    WasmFeatures::WASM2 & !WasmFeatures::SIMD
}

/// Canonical, engine-wide id of a function type, so `call_indirect` compares one integer.
pub(crate) fn canonical_type_id(ty: &FuncType) -> u32 {
    static TYPES: OnceLock<Mutex<HashMap<FuncType, u32>>> = OnceLock::new();
    let mut types = TYPES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let next = types.len() as u32;
    *types.entry(ty.clone()).or_insert(next)
}

/// Translation options.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Count fuel at every function entry and loop iteration (see [`Store::set_fuel`]), so that
    /// runaway programs stop. Off by default: code without it has no such checks.
    ///
    /// [`Store::set_fuel`]: crate::Store::set_fuel
    pub fuel: bool,
}

/// The type of an import or export.
#[derive(Debug, Clone, PartialEq)]
pub enum ExternType {
    Func(FuncType),
    Table {
        elem: ValType,
        min: u64,
        max: Option<u64>,
    },
    Memory {
        min: u64,
        max: Option<u64>,
    },
    Global {
        ty: ValType,
        mutable: bool,
    },
}

/// A constant expression (global initializers, segment offsets, element items).
#[derive(Debug, Clone)]
pub(crate) enum ConstOp {
    Const(u64),
    GlobalGet(u32),
    RefFunc(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

pub(crate) type ConstExpr = Vec<ConstOp>;

#[derive(Debug, Clone)]
pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub ty: ExternType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExportKind {
    Func,
    Table,
    Memory,
    Global,
}

#[derive(Debug)]
pub(crate) enum SegmentMode {
    Passive,
    Active { index: u32, offset: ConstExpr },
    Declared,
}

#[derive(Debug)]
pub(crate) struct ElemSegment {
    pub mode: SegmentMode,
    pub items: Vec<ConstExpr>,
}

#[derive(Debug)]
pub(crate) struct DataSegment {
    pub mode: SegmentMode,
    pub bytes: Vec<u8>,
}

/// Everything known about a module after decoding.
#[derive(Default)]
pub(crate) struct ModuleInner {
    pub bytes: Vec<u8>,
    pub types: Vec<FuncType>,
    pub imports: Vec<Import>,
    /// Type index of every function (imports first).
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
    /// Element type, min, max of every table (imports first), and defined tables' initializers.
    pub tables: Vec<(ValType, u64, Option<u64>)>,
    pub table_inits: Vec<Option<ConstExpr>>,
    pub memories: Vec<(u64, Option<u64>)>,
    pub globals: Vec<(ValType, bool)>,
    pub global_inits: Vec<ConstExpr>,
    pub exports: Vec<(String, ExportKind, u32)>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    pub bodies: Box<[FuncBody]>,
    pub func_names: HashMap<u32, String>,
    pub name: Option<String>,
    /// The validator's view of the module, to recompute operand types for debuggers.
    pub resources: Option<wasmparser::ValidatorResources>,
}

impl ModuleInner {
    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.func_types[func_index as usize] as usize]
    }
}

// The raw pointers inside `bodies` point into `bodies` itself and are never written after
// construction (until the debugger patches handlers, which it does under its own exclusion).
unsafe impl Send for ModuleInner {}
unsafe impl Sync for ModuleInner {}

/// A validated, translated module. Cheap to clone.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.inner.name)
            .finish_non_exhaustive()
    }
}

fn read_const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr> {
    let mut ops = Vec::new();
    let mut reader = expr.get_operators_reader();
    loop {
        let op = reader.read()?;
        ops.push(match op {
            Operator::I32Const { value } => ConstOp::Const(value as u32 as u64),
            Operator::I64Const { value } => ConstOp::Const(value as u64),
            Operator::F32Const { value } => ConstOp::Const(value.bits() as u64),
            Operator::F64Const { value } => ConstOp::Const(value.bits()),
            Operator::RefNull { .. } => ConstOp::Const(0),
            Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            Operator::I32Add => ConstOp::I32Add,
            Operator::I32Sub => ConstOp::I32Sub,
            Operator::I32Mul => ConstOp::I32Mul,
            Operator::I64Add => ConstOp::I64Add,
            Operator::I64Sub => ConstOp::I64Sub,
            Operator::I64Mul => ConstOp::I64Mul,
            Operator::End => break,
            other => {
                return Err(Error::Unsupported(format!(
                    "constant expression operator {other:?}"
                )));
            }
        });
    }
    Ok(ops)
}

fn ref_type(ty: wasmparser::RefType) -> ValType {
    if ty.is_func_ref() {
        ValType::FuncRef
    } else {
        ValType::ExternRef
    }
}

fn func_type(ty: &wasmparser::FuncType) -> FuncType {
    FuncType {
        params: ty
            .params()
            .iter()
            .map(|t| ValType::from_wasmparser(*t))
            .collect(),
        results: ty
            .results()
            .iter()
            .map(|t| ValType::from_wasmparser(*t))
            .collect(),
    }
}

impl Module {
    /// Decodes, validates and translates `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Module> {
        Module::with_config(bytes, &Config::default())
    }

    /// Like [`Module::new`], with translation options.
    pub fn with_config(bytes: impl Into<Vec<u8>>, config: &Config) -> Result<Module> {
        let bytes = bytes.into();
        let mut m = ModuleInner::default();
        let mut validator = Validator::new_with_features(features());
        let mut pending = Vec::new();
        for payload in Parser::new(0).parse_all(&bytes) {
            let payload = payload?;
            let valid = validator.payload(&payload)?;
            match payload {
                Payload::Version { encoding, .. } if encoding != wasmparser::Encoding::Module => {
                    return Err(Error::Unsupported("components".into()));
                }
                Payload::TypeSection(reader) => {
                    for group in reader {
                        for sub in group?.into_types() {
                            match &sub.composite_type.inner {
                                CompositeInnerType::Func(f) => m.types.push(func_type(f)),
                                _ => return Err(Error::Unsupported("GC types".into())),
                            }
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let import = import?;
                        let ty = match import.ty {
                            TypeRef::Func(t) => {
                                m.func_types.push(t);
                                m.num_imported_funcs += 1;
                                ExternType::Func(m.types[t as usize].clone())
                            }
                            TypeRef::Table(t) => {
                                let t = (ref_type(t.element_type), t.initial, t.maximum);
                                m.tables.push(t);
                                m.num_imported_tables += 1;
                                ExternType::Table {
                                    elem: t.0,
                                    min: t.1,
                                    max: t.2,
                                }
                            }
                            TypeRef::Memory(t) => {
                                m.memories.push((t.initial, t.maximum));
                                m.num_imported_memories += 1;
                                ExternType::Memory {
                                    min: t.initial,
                                    max: t.maximum,
                                }
                            }
                            TypeRef::Global(t) => {
                                let ty = ValType::from_wasmparser(t.content_type);
                                m.globals.push((ty, t.mutable));
                                m.num_imported_globals += 1;
                                ExternType::Global {
                                    ty,
                                    mutable: t.mutable,
                                }
                            }
                            _ => return Err(Error::Unsupported("tag imports".into())),
                        };
                        m.imports.push(Import {
                            module: import.module.to_string(),
                            name: import.name.to_string(),
                            ty,
                        });
                    }
                }
                Payload::FunctionSection(reader) => {
                    for t in reader {
                        m.func_types.push(t?);
                    }
                }
                Payload::TableSection(reader) => {
                    for table in reader {
                        let table = table?;
                        let t = table.ty;
                        m.tables
                            .push((ref_type(t.element_type), t.initial, t.maximum));
                        m.table_inits.push(match table.init {
                            wasmparser::TableInit::RefNull => None,
                            wasmparser::TableInit::Expr(e) => Some(read_const_expr(&e)?),
                        });
                    }
                }
                Payload::MemorySection(reader) => {
                    let range = reader.range();
                    check_memory_limits(
                        &bytes[range.start as usize..range.end as usize],
                        range.start,
                    )?;
                    for mem in reader {
                        let mem = mem?;
                        m.memories.push((mem.initial, mem.maximum));
                    }
                }
                Payload::GlobalSection(reader) => {
                    for global in reader {
                        let global = global?;
                        m.globals.push((
                            ValType::from_wasmparser(global.ty.content_type),
                            global.ty.mutable,
                        ));
                        m.global_inits.push(read_const_expr(&global.init_expr)?);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export?;
                        let kind = match export.kind {
                            ExternalKind::Func | ExternalKind::FuncExact => ExportKind::Func,
                            ExternalKind::Table => ExportKind::Table,
                            ExternalKind::Memory => ExportKind::Memory,
                            ExternalKind::Global => ExportKind::Global,
                            ExternalKind::Tag => {
                                return Err(Error::Unsupported("tag exports".into()));
                            }
                        };
                        m.exports
                            .push((export.name.to_string(), kind, export.index));
                    }
                }
                Payload::StartSection { func, .. } => m.start = Some(func),
                Payload::ElementSection(reader) => {
                    for elem in reader {
                        let elem = elem?;
                        let mode = match elem.kind {
                            ElementKind::Passive => SegmentMode::Passive,
                            ElementKind::Declared => SegmentMode::Declared,
                            ElementKind::Active {
                                table_index,
                                offset_expr,
                            } => SegmentMode::Active {
                                index: table_index.unwrap_or(0),
                                offset: read_const_expr(&offset_expr)?,
                            },
                        };
                        let mut items = Vec::new();
                        match elem.items {
                            ElementItems::Functions(r) => {
                                for f in r {
                                    items.push(vec![ConstOp::RefFunc(f?)]);
                                }
                            }
                            ElementItems::Expressions(_, r) => {
                                for e in r {
                                    items.push(read_const_expr(&e?)?);
                                }
                            }
                        }
                        m.elems.push(ElemSegment { mode, items });
                    }
                }
                Payload::DataSection(reader) => {
                    for data in reader {
                        let data = data?;
                        let mode = match data.kind {
                            DataKind::Passive => SegmentMode::Passive,
                            DataKind::Active {
                                memory_index,
                                offset_expr,
                            } => SegmentMode::Active {
                                index: memory_index,
                                offset: read_const_expr(&offset_expr)?,
                            },
                        };
                        m.datas.push(DataSegment {
                            mode,
                            bytes: data.data.to_vec(),
                        });
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    if let ValidPayload::Func(to_validate, _) = valid {
                        pending.push((to_validate, body));
                    }
                }
                Payload::CustomSection(section) => {
                    if let wasmparser::KnownCustom::Name(names) = section.as_known() {
                        read_names(&mut m, names);
                    }
                }
                _ => {}
            }
        }

        let type_ids: Vec<u32> = m.types.iter().map(canonical_type_id).collect();
        let mut bodies = Vec::with_capacity(pending.len());
        let mut calls = Vec::with_capacity(pending.len());
        let mut allocs = wasmparser::FuncValidatorAllocations::default();
        for (to_validate, body) in pending {
            if m.resources.is_none() {
                m.resources = Some(to_validate.resources.clone());
            }
            let mut func_validator = to_validate.into_validator(allocs);
            let (translated, body_calls) =
                translate::translate(&m, &type_ids, &body, &mut func_validator, config)?;
            bodies.push(translated);
            calls.push(body_calls);
            allocs = func_validator.into_allocations();
        }
        let mut bodies = bodies.into_boxed_slice();
        translate::link_calls(&mut bodies, &calls, m.num_imported_funcs);
        m.bodies = bodies;
        m.bytes = bytes;
        Ok(Module { inner: Arc::new(m) })
    }

    /// The original bytes of the module file.
    pub fn bytes(&self) -> &[u8] {
        &self.inner.bytes
    }

    /// The module's name from its name section.
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    /// Imports as (module, name, type), in order.
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, &ExternType)> {
        self.inner
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.name.as_str(), &i.ty))
    }

    /// Names of the exports, in order.
    pub fn export_names(&self) -> impl Iterator<Item = &str> {
        self.inner.exports.iter().map(|e| e.0.as_str())
    }

    /// The D-code map of a defined function: for each op, the module-relative offset of the
    /// wasm instruction it starts and the operand-stack height before it. `None` for imported or
    /// unknown functions.
    pub fn instruction_map(&self, func_index: u32) -> Option<Vec<(u32, u32)>> {
        let body = self.body(func_index)?;
        Some(
            body.offsets
                .iter()
                .copied()
                .zip(body.heights.iter().copied())
                .collect(),
        )
    }

    /// Types of the locals of a defined function, parameters first.
    pub fn local_types(&self, func_index: u32) -> Option<&[ValType]> {
        Some(&self.body(func_index)?.local_types)
    }

    fn body(&self, func_index: u32) -> Option<&FuncBody> {
        self.inner
            .bodies
            .get(func_index.checked_sub(self.inner.num_imported_funcs)? as usize)
    }

    /// Index of the function named `name` in the name section.
    pub fn func_index(&self, name: &str) -> Option<u32> {
        self.inner
            .func_names
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(&i, _)| i)
    }

    /// Name of function `func_index` from the name section.
    pub fn func_name(&self, func_index: u32) -> Option<&str> {
        self.inner.func_names.get(&func_index).map(String::as_str)
    }
}

/// wasmparser reads memory limits as 64-bit numbers; 32-bit memories must encode them in at
/// most five bytes ("integer representation too long").
fn check_memory_limits(section: &[u8], offset: u64) -> Result<()> {
    let mut r = wasmparser::BinaryReader::new(section, offset);
    for _ in 0..r.read_var_u32()? {
        let flags = r.read_u8()?;
        if flags & 0x04 != 0 {
            return Ok(());
        }
        r.read_var_u32()?;
        if flags & 0x01 != 0 {
            r.read_var_u32()?;
        }
    }
    Ok(())
}

/// Reads function names; a malformed name section is ignored, as the spec requires.
fn read_names(m: &mut ModuleInner, names: NameSectionReader<'_>) {
    for name in names {
        match name {
            Ok(Name::Module { name, .. }) => m.name = Some(name.to_string()),
            Ok(Name::Function(map)) => {
                for naming in map.into_iter().flatten() {
                    m.func_names.insert(naming.index, naming.name.to_string());
                }
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}
