//! Variables in scope at a pc, globals, and location expressions evaluated against a
//! paused frame through [`FrameAccess`].

use gimli::{AttributeValue, EvaluationResult, Location, Operation, Reader as _};

use crate::dwarf::{DieRef, Dwarf, R, is_code_scope, sdata, udata};
use crate::symbols::{SourceFrame, Symbols};
use crate::types::TypeRef;
use crate::value::{Place, Value};
use crate::{Error, Result};

/// A wasm value as the engine holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WasmValue {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
}

impl WasmValue {
    /// Little-endian bytes at the value's natural width.
    pub fn to_bytes(self) -> Vec<u8> {
        match self {
            WasmValue::I32(v) => v.to_le_bytes().to_vec(),
            WasmValue::I64(v) => v.to_le_bytes().to_vec(),
            WasmValue::F32(v) => v.to_le_bytes().to_vec(),
            WasmValue::F64(v) => v.to_le_bytes().to_vec(),
        }
    }

    /// The value as an unsigned integer (floats: their bits).
    pub fn to_u64(self) -> u64 {
        match self {
            WasmValue::I32(v) => u64::from(v as u32),
            WasmValue::I64(v) => v as u64,
            WasmValue::F32(v) => u64::from(v.to_bits()),
            WasmValue::F64(v) => v.to_bits(),
        }
    }
}

/// The runtime state of one paused wasm frame, as the symbols layer sees it. Implemented by
/// the session over the engine.
pub trait FrameAccess {
    /// Wasm local `index` of this frame.
    fn local(&self, index: u32) -> Option<WasmValue>;
    /// Global `index` of this frame's instance.
    fn global(&self, index: u32) -> Option<WasmValue>;
    /// Operand-stack value `index` of this frame (0 = bottom).
    fn stack(&self, index: u32) -> Option<WasmValue>;
    /// Reads linear memory; false if any byte is out of bounds.
    fn read_memory(&self, addr: u64, buf: &mut [u8]) -> bool;
    /// The function index in table 0 at `index` (what a C function pointer holds).
    fn table_function(&self, index: u32) -> Option<u32> {
        let _ = index;
        None
    }
    /// Writes linear memory; false if out of bounds or not allowed.
    fn write_memory(&mut self, addr: u64, bytes: &[u8]) -> bool {
        let _ = (addr, bytes);
        false
    }
    /// Writes wasm local `index` of this frame.
    fn set_local(&mut self, index: u32, value: WasmValue) -> bool {
        let _ = (index, value);
        false
    }
    /// Writes global `index`.
    fn set_global(&mut self, index: u32, value: WasmValue) -> bool {
        let _ = (index, value);
        false
    }
}

/// What kind of variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    Param,
    Local,
    /// A function-scope `static`.
    Static,
    Global,
}

/// A named variable with its value's place.
#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub kind: VarKind,
    pub value: Value,
    /// The line it is declared on (0 if unknown).
    pub decl_line: u32,
}

impl Symbols {
    /// Parameters and locals of a source frame at `pc`, parameters first, then locals from
    /// the innermost block out (in declaration order within a block), as gdb lists them.
    pub fn variables(
        &self,
        frame: &SourceFrame,
        pc: u32,
        access: &dyn FrameAccess,
    ) -> Vec<Variable> {
        let (Some(dwarf), Some(scope)) = (&self.dwarf, frame.scope) else {
            return Vec::new();
        };
        let mut params = Vec::new();
        let mut blocks: Vec<Vec<Variable>> = Vec::new();
        self.collect_scope(dwarf, frame, scope, pc, access, 0, &mut params, &mut blocks);
        let mut out = params;
        for block in blocks.into_iter().rev() {
            out.extend(block);
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_scope(
        &self,
        dwarf: &Dwarf,
        frame: &SourceFrame,
        scope: DieRef,
        pc: u32,
        access: &dyn FrameAccess,
        depth: usize,
        params: &mut Vec<Variable>,
        blocks: &mut Vec<Vec<Variable>>,
    ) {
        if depth > 64 {
            return;
        }
        let mut here = Vec::new();
        let mut inner = Vec::new();
        let _ = crate::types::children(dwarf, scope, |child, entry| match entry.tag() {
            gimli::DW_TAG_formal_parameter | gimli::DW_TAG_variable => {
                let is_param = entry.tag() == gimli::DW_TAG_formal_parameter;
                if let Some(var) = self.variable(dwarf, frame, child, pc, access, is_param) {
                    if is_param && depth == 0 {
                        params.push(var);
                    } else {
                        here.push(var);
                    }
                }
            }
            gimli::DW_TAG_lexical_block => inner.push(child),
            _ => {}
        });
        blocks.push(here);
        for block in inner {
            if self.die_contains(dwarf, block, pc) {
                self.collect_scope(dwarf, frame, block, pc, access, depth + 1, params, blocks);
            }
        }
    }

    /// Does a code DIE's address range contain `pc`?
    pub(crate) fn die_contains(&self, dwarf: &Dwarf, die: DieRef, pc: u32) -> bool {
        let Some(probe) = pc.checked_sub(dwarf.code_base) else {
            return false;
        };
        let Some((unit, entry)) = dwarf.entry(die) else {
            return false;
        };
        if !is_code_scope(entry.tag()) {
            return false;
        }
        let Ok(mut ranges) = dwarf.sections.die_ranges(&unit.unit, &entry) else {
            return false;
        };
        while let Ok(Some(r)) = ranges.next() {
            if r.begin <= u64::from(probe) && u64::from(probe) < r.end {
                return true;
            }
        }
        false
    }

    /// A variable DIE's name, type and place.
    fn variable(
        &self,
        dwarf: &Dwarf,
        frame: &SourceFrame,
        die: DieRef,
        pc: u32,
        access: &dyn FrameAccess,
        is_param: bool,
    ) -> Option<Variable> {
        let name = dwarf.name(die)?;
        let ty = dwarf
            .inherited_attr(die, gimli::DW_AT_type)
            .and_then(|(d, v)| dwarf.reference(d.unit, v))
            .map_or(TypeRef::Void, TypeRef::Die);
        let (_, entry) = dwarf.entry(die)?;
        let static_storage = matches!(
            entry.attr_value(gimli::DW_AT_location),
            Some(AttributeValue::Exprloc(ref e)) if is_static_address(e, dwarf, die)
        );
        // A declaration (`extern int x;` in a block) has no location: look up the global.
        if entry.attr_value(gimli::DW_AT_declaration).is_some() && !is_param {
            return None;
        }
        let place = self.place_of(dwarf, frame, die, pc, access);
        let decl_line = dwarf
            .inherited_attr(die, gimli::DW_AT_decl_line)
            .and_then(|(_, v)| udata(&v))
            .unwrap_or(0) as u32;
        Some(Variable {
            name,
            kind: if is_param {
                VarKind::Param
            } else if static_storage {
                VarKind::Static
            } else {
                VarKind::Local
            },
            value: Value::new(ty, place),
            decl_line,
        })
    }

    /// Where a variable DIE's value is at `pc`.
    fn place_of(
        &self,
        dwarf: &Dwarf,
        frame: &SourceFrame,
        die: DieRef,
        pc: u32,
        access: &dyn FrameAccess,
    ) -> Place {
        let Some((unit, entry)) = dwarf.entry(die) else {
            return Place::Unavailable("unreadable variable".into());
        };
        if let Some(value) = entry.attr_value(gimli::DW_AT_const_value) {
            return match value {
                AttributeValue::Block(b) => {
                    Place::Bytes(b.to_slice().map(|s| s.to_vec()).unwrap_or_default().into())
                }
                AttributeValue::Sdata(v) => Place::Bytes(v.to_le_bytes().to_vec().into()),
                v => match udata(&v).or_else(|| sdata(&v).map(|s| s as u64)) {
                    Some(v) => Place::Bytes(v.to_le_bytes().to_vec().into()),
                    None => Place::Unavailable("unsupported constant".into()),
                },
            };
        }
        let expr = match entry.attr_value(gimli::DW_AT_location) {
            Some(AttributeValue::Exprloc(expr)) => expr,
            Some(attr) => {
                let Ok(Some(mut list)) = dwarf.sections.attr_locations(&unit.unit, attr) else {
                    return Place::Unavailable("bad location list".into());
                };
                let probe = u64::from(pc.saturating_sub(dwarf.code_base));
                let mut found = None;
                loop {
                    match list.next() {
                        Ok(Some(entry)) => {
                            if entry.range.begin <= probe && probe < entry.range.end {
                                found = Some(entry.data);
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(_) => return Place::Unavailable("bad location list".into()),
                    }
                }
                match found {
                    Some(expr) => expr,
                    None => return Place::Unavailable("optimized out".into()),
                }
            }
            None => return Place::Unavailable("optimized out".into()),
        };
        match self.eval_location(dwarf, frame, die.unit, expr, access) {
            Ok(place) => place,
            Err(e) => Place::Unavailable(e.to_string()),
        }
    }

    /// Evaluates a location expression.
    fn eval_location(
        &self,
        dwarf: &Dwarf,
        frame: &SourceFrame,
        unit: usize,
        expr: gimli::Expression<R>,
        access: &dyn FrameAccess,
    ) -> Result<Place> {
        let Some(unit_data) = dwarf.unit(unit) else {
            return Err(Error::Unavailable("unreadable unit".into()));
        };
        let encoding = unit_data.unit.encoding();
        // DW_OP_WASM_location + DW_OP_stack_value names a wasm local/global/operand as the
        // variable's home: readable and writable in place. A lone DW_OP_WASM_location is an
        // ordinary location: the variable is in memory at the address the local holds (a
        // struct passed by value, the frame base).
        let mut ops = Vec::new();
        let mut iter = expr.clone().operations(encoding);
        while let Some(op) = iter.next()? {
            ops.push(op);
            if ops.len() > 2 {
                break;
            }
        }
        let wasm = |op: &Operation<R>| match *op {
            Operation::WasmLocal { index } => Some(Place::Local(index)),
            Operation::WasmGlobal { index } => Some(Place::Global(index)),
            Operation::WasmStack { index } => Some(Place::Stack(index)),
            _ => None,
        };
        match ops.as_slice() {
            [op, Operation::StackValue] if wasm(op).is_some() => {
                return Ok(wasm(op).unwrap_or(Place::Unavailable(String::new())));
            }
            _ => {}
        }
        let mut eval = expr.evaluation(encoding);
        let mut result = eval.evaluate()?;
        let mut steps = 0;
        loop {
            steps += 1;
            if steps > 10_000 {
                return Err(Error::Unavailable(
                    "location expression does not end".into(),
                ));
            }
            result = match result {
                EvaluationResult::Complete => break,
                EvaluationResult::RequiresFrameBase => {
                    let base = self.frame_base(dwarf, frame, access)?;
                    eval.resume_with_frame_base(base)?
                }
                EvaluationResult::RequiresRelocatedAddress(a) => {
                    eval.resume_with_relocated_address(a)?
                }
                EvaluationResult::RequiresMemory { address, size, .. } => {
                    let mut buf = [0u8; 8];
                    let size = usize::from(size).min(8);
                    if !access.read_memory(address, &mut buf[..size]) {
                        return Err(Error::Unavailable(format!(
                            "cannot access memory at address {address:#x}"
                        )));
                    }
                    eval.resume_with_memory(gimli::Value::Generic(u64::from_le_bytes(buf)))?
                }
                EvaluationResult::RequiresWasmLocal { index } => {
                    let v = access
                        .local(index)
                        .ok_or_else(|| Error::Unavailable(format!("no wasm local {index}")))?;
                    eval.resume_with_wasm_value(gimli_value(v))?
                }
                EvaluationResult::RequiresWasmGlobal { index } => {
                    let v = access
                        .global(index)
                        .ok_or_else(|| Error::Unavailable(format!("no wasm global {index}")))?;
                    eval.resume_with_wasm_value(gimli_value(v))?
                }
                EvaluationResult::RequiresWasmStack { index } => {
                    let v = access.stack(index).ok_or_else(|| {
                        Error::Unavailable(format!("no operand stack value {index}"))
                    })?;
                    eval.resume_with_wasm_value(gimli_value(v))?
                }
                other => {
                    return Err(Error::Unavailable(format!(
                        "unsupported location ({other:?})"
                    )));
                }
            };
        }
        let pieces = eval.result();
        let mut out = Vec::new();
        for piece in &pieces {
            let place = match &piece.location {
                Location::Address { address } => Place::Memory(*address),
                Location::Value { value } => Place::Bytes(value_bytes(*value).into()),
                Location::Bytes { value } => Place::Bytes(
                    value
                        .to_slice()
                        .map(|s| s.to_vec())
                        .unwrap_or_default()
                        .into(),
                ),
                Location::Empty => Place::Unavailable("optimized out".into()),
                other => {
                    return Err(Error::Unavailable(format!(
                        "unsupported location {other:?}"
                    )));
                }
            };
            match piece.size_in_bits {
                None if pieces.len() == 1 => return Ok(place),
                size => out.push((place, size.unwrap_or(0).div_ceil(8))),
            }
        }
        Ok(Place::Pieces(out))
    }

    /// The frame base of a source frame's function (`DW_AT_frame_base`).
    fn frame_base(
        &self,
        dwarf: &Dwarf,
        frame: &SourceFrame,
        access: &dyn FrameAccess,
    ) -> Result<u64> {
        let sub = frame
            .subprogram
            .ok_or_else(|| Error::Unavailable("no frame base".into()))?;
        let (unit, entry) = dwarf
            .entry(sub)
            .ok_or_else(|| Error::Unavailable("no frame base".into()))?;
        let Some(AttributeValue::Exprloc(expr)) = entry.attr_value(gimli::DW_AT_frame_base) else {
            return Err(Error::Unavailable("function has no frame base".into()));
        };
        let mut no_frame = frame.clone();
        no_frame.subprogram = None;
        let _ = unit;
        match self.eval_location(dwarf, &no_frame, sub.unit, expr, access)? {
            Place::Local(i) => access.local(i).map(WasmValue::to_u64),
            Place::Global(i) => access.global(i).map(WasmValue::to_u64),
            Place::Stack(i) => access.stack(i).map(WasmValue::to_u64),
            Place::Memory(a) => Some(a),
            _ => None,
        }
        .ok_or_else(|| Error::Unavailable("frame base unavailable".into()))
    }

    /// Global and namespace-scope variables named `name` (qualified or not), plus
    /// function-scope statics of `frame`'s function.
    pub fn global(&self, name: &str, access: &dyn FrameAccess) -> Option<Variable> {
        let dwarf = self.dwarf.as_ref()?;
        let index = self.index()?;
        let dies = index.globals.get(name).or_else(|| {
            index
                .globals
                .iter()
                .find(|(q, _)| q.ends_with(&format!("::{name}")))
                .map(|(_, d)| d)
        })?;
        let die = *dies.first()?;
        let frame = SourceFrame::without_scope(String::new());
        let ty = dwarf
            .inherited_attr(die, gimli::DW_AT_type)
            .and_then(|(d, v)| dwarf.reference(d.unit, v))
            .map_or(TypeRef::Void, TypeRef::Die);
        let place = self.place_of(dwarf, &frame, die, 0, access);
        Some(Variable {
            name: name.to_string(),
            kind: VarKind::Global,
            value: Value::new(ty, place),
            decl_line: 0,
        })
    }

    /// Names of all global variables (for completion and `info variables`).
    pub fn global_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .index()
            .map(|i| i.globals.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The return type of a source frame's function (`void` if none or unknown).
    pub fn return_type(&self, frame: &SourceFrame) -> TypeRef {
        let (Some(dwarf), Some(scope)) = (&self.dwarf, frame.scope) else {
            return TypeRef::Void;
        };
        dwarf
            .inherited_attr(scope, gimli::DW_AT_type)
            .and_then(|(d, v)| dwarf.reference(d.unit, v))
            .map_or(TypeRef::Void, TypeRef::Die)
    }
}

/// Is a location expression a plain `DW_OP_addr` (static storage)?
fn is_static_address(expr: &gimli::Expression<R>, dwarf: &Dwarf, die: DieRef) -> bool {
    let Some(unit) = dwarf.unit(die.unit) else {
        return false;
    };
    let mut ops = expr.clone().operations(unit.unit.encoding());
    matches!(ops.next(), Ok(Some(Operation::Address { .. })))
}

fn gimli_value(v: WasmValue) -> gimli::Value {
    match v {
        WasmValue::I32(v) => gimli::Value::I32(v),
        WasmValue::I64(v) => gimli::Value::I64(v),
        WasmValue::F32(v) => gimli::Value::F32(v),
        WasmValue::F64(v) => gimli::Value::F64(v),
    }
}

fn value_bytes(v: gimli::Value) -> Vec<u8> {
    match v {
        gimli::Value::Generic(v) | gimli::Value::U64(v) => v.to_le_bytes().to_vec(),
        gimli::Value::I8(v) => v.to_le_bytes().to_vec(),
        gimli::Value::U8(v) => v.to_le_bytes().to_vec(),
        gimli::Value::I16(v) => v.to_le_bytes().to_vec(),
        gimli::Value::U16(v) => v.to_le_bytes().to_vec(),
        gimli::Value::I32(v) => v.to_le_bytes().to_vec(),
        gimli::Value::U32(v) => v.to_le_bytes().to_vec(),
        gimli::Value::I64(v) => v.to_le_bytes().to_vec(),
        gimli::Value::F32(v) => v.to_le_bytes().to_vec(),
        gimli::Value::F64(v) => v.to_le_bytes().to_vec(),
    }
}
