//! Translation of one function body from wasm to D-code, validating as it goes.

use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, ValidatorResources};

use crate::code::{FuncBody, HandlerCell, Op};
use crate::error::{Error, Result};
use crate::handlers::{K, RUN};
use crate::module::ModuleInner;
use crate::values::ValType;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

struct Ctrl {
    kind: Kind,
    /// Operand height below the block's parameters.
    base: u32,
    params: u32,
    results: u32,
    /// First op of a loop body (branch target of loops).
    start: u32,
    /// Branches to the end label: (op to patch, op the offset is relative to).
    fixups: Vec<(u32, u32)>,
    /// The conditional jump of an `if` without `else` (yet).
    if_op: Option<u32>,
    reachable_at_entry: bool,
}

struct Translator<'m> {
    m: &'m ModuleInner,
    type_ids: &'m [u32],
    code: Vec<Op>,
    offsets: Vec<u32>,
    heights: Vec<u32>,
    kinds: Vec<K>,
    /// First op of every reachable loop body.
    loops: Vec<u32>,
    ctrl: Vec<Ctrl>,
    /// Current operand-stack height.
    h: u32,
    /// Height at the start of the current instruction.
    h0: u32,
    max_h: u32,
    num_locals: u32,
    reachable: bool,
    /// Offset of the current instruction.
    pos: u32,
    /// Direct calls within the module, patched by [`link_calls`].
    calls: Vec<u32>,
    /// Emit fuel checks at the function entry and loop headers.
    fuel: bool,
}

/// Placeholder for branch targets that are patched when the label's end is known.
const PENDING: u64 = 0;

impl Translator<'_> {
    fn slot(&self, height: u32) -> u32 {
        self.num_locals + height
    }

    fn emit(&mut self, kind: K, a: u32, b: u32, c: u64) -> u32 {
        let idx = self.code.len() as u32;
        self.code.push(Op {
            h: HandlerCell::new(RUN[kind as usize]),
            a,
            b,
            c,
        });
        self.kinds.push(kind);
        self.offsets.push(self.pos);
        self.heights.push(self.h0);
        idx
    }

    fn push(&mut self, n: u32) {
        self.h += n;
        self.max_h = self.max_h.max(self.h);
    }

    fn pop(&mut self, n: u32) {
        self.h = self.h.saturating_sub(n);
    }

    fn block_arity(&self, ty: BlockType) -> (u32, u32) {
        match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(t) => {
                let ty = &self.m.types[t as usize];
                (ty.params.len() as u32, ty.results.len() as u32)
            }
        }
    }

    fn push_ctrl(&mut self, kind: Kind, ty: BlockType, if_op: Option<u32>) {
        let (params, results) = self.block_arity(ty);
        self.ctrl.push(Ctrl {
            kind,
            base: self.h.saturating_sub(params),
            params,
            results,
            start: self.code.len() as u32,
            fixups: Vec::new(),
            if_op,
            reachable_at_entry: self.reachable,
        });
    }

    fn patch(&mut self, op: u32, origin: u32, target: u32) {
        let rel = (target as i64 - origin as i64) as i32 as u32 as u64;
        let c = &mut self.code[op as usize].c;
        *c = (*c & !0xffff_ffff) | rel;
    }

    /// The label `depth`: (destination slot, number of values, branch target if known).
    fn label(&self, depth: u32) -> (u32, u32, Option<u32>) {
        let ctrl = &self.ctrl[self.ctrl.len() - 1 - depth as usize];
        if ctrl.kind == Kind::Loop {
            (self.slot(ctrl.base), ctrl.params, Some(ctrl.start))
        } else {
            (self.slot(ctrl.base), ctrl.results, None)
        }
    }

    /// Sets the branch target of `op` (offset relative to `origin`) to label `depth`.
    fn target(&mut self, depth: u32, op: u32, origin: u32) {
        let (_, _, known) = self.label(depth);
        match known {
            Some(t) => self.patch(op, origin, t),
            None => {
                let idx = self.ctrl.len() - 1 - depth as usize;
                self.ctrl[idx].fixups.push((op, origin));
            }
        }
    }

    /// `br depth` (unconditional) with the operand stack at the current height.
    fn branch(&mut self, depth: u32) {
        if depth as usize == self.ctrl.len() - 1 {
            let n = self.ctrl[0].results;
            self.emit(K::ret, self.slot(self.h - n), n, 0);
            return;
        }
        let (dst, n, _) = self.label(depth);
        let src = self.slot(self.h - n);
        let op = if n > 0 && dst != src {
            self.emit(K::br_move, dst, src, (n as u64) << 32 | PENDING)
        } else {
            self.emit(K::br, 0, 0, PENDING)
        };
        self.target(depth, op, op);
    }

    /// `br_if depth`; the condition was popped and sits at slot(h).
    fn branch_if(&mut self, depth: u32) {
        let (dst, n, _) = self.label(depth);
        let src = self.slot(self.h - n);
        let op = if n > 0 && dst != src {
            self.emit(K::br_if_move, dst, src, (n as u64) << 32 | PENDING)
        } else {
            self.emit(K::br_if, self.slot(self.h), 0, PENDING)
        };
        self.target(depth, op, op);
    }

    fn unop(&mut self, handler: K) {
        self.emit(handler, self.slot(self.h - 1), 0, 0);
    }

    fn binop(&mut self, handler: K) {
        self.emit(handler, self.slot(self.h - 2), 0, 0);
        self.pop(1);
    }

    fn load(&mut self, handler: K, offset: u64) {
        let s = self.slot(self.h - 1);
        self.emit(handler, s, s, offset);
    }

    fn store(&mut self, handler: K, offset: u64) {
        self.emit(
            handler,
            self.slot(self.h - 2),
            self.slot(self.h - 1),
            offset,
        );
        self.pop(2);
    }

    fn constant(&mut self, bits: u64) {
        self.emit(K::constant, self.slot(self.h), 0, bits);
        self.push(1);
    }

    fn call(&mut self, func_index: u32) {
        let ty = self.m.func_type(func_index);
        let (params, results) = (ty.params.len() as u32, ty.results.len() as u32);
        let base = self.h - params;
        if func_index < self.m.num_imported_funcs {
            self.emit(K::call_import, self.slot(base), 0, func_index as u64);
        } else {
            let op = self.emit(K::call, self.slot(base), 0, func_index as u64);
            self.calls.push(op);
        }
        self.h = base;
        self.push(results);
    }

    /// Translates one operator; `Ok(false)` at the function's final `end`.
    fn op(&mut self, op: &Operator<'_>) -> Result<bool> {
        use Operator as O;
        self.h0 = self.h;
        match *op {
            O::Block { blockty } => self.push_ctrl(Kind::Block, blockty, None),
            O::Loop { blockty } => {
                self.push_ctrl(Kind::Loop, blockty, None);
                if self.reachable {
                    self.loops.push(self.code.len() as u32);
                }
                if self.fuel && self.reachable {
                    self.emit(K::fuel, 0, 0, 0);
                }
            }
            O::If { blockty } => {
                let if_op = if self.reachable {
                    self.pop(1);
                    Some(self.emit(K::br_if_eqz, self.slot(self.h), 0, PENDING))
                } else {
                    None
                };
                self.push_ctrl(Kind::If, blockty, if_op);
            }
            O::Else => {
                let reachable = self.reachable;
                if reachable {
                    let op = self.emit(K::br, 0, 0, PENDING);
                    self.ctrl
                        .last_mut()
                        .expect("validated")
                        .fixups
                        .push((op, op));
                }
                let here = self.code.len() as u32;
                let ctrl = self.ctrl.last_mut().expect("validated");
                ctrl.kind = Kind::Else;
                let if_op = ctrl.if_op.take();
                self.h = ctrl.base + ctrl.params;
                self.reachable = ctrl.reachable_at_entry;
                if let Some(if_op) = if_op {
                    self.patch(if_op, if_op, here);
                }
            }
            O::End => {
                let ctrl = self.ctrl.pop().expect("validated");
                let end = self.code.len() as u32;
                let mut reachable = self.reachable || !ctrl.fixups.is_empty();
                if let Some(if_op) = ctrl.if_op {
                    self.patch(if_op, if_op, end);
                    reachable = true;
                }
                for &(op, origin) in &ctrl.fixups {
                    self.patch(op, origin, end);
                }
                self.h = ctrl.base + ctrl.results;
                self.max_h = self.max_h.max(self.h);
                self.reachable = reachable;
                if ctrl.kind == Kind::Func {
                    if reachable {
                        self.emit(K::ret, self.slot(0), ctrl.results, 0);
                    }
                    return Ok(false);
                }
            }
            _ if !self.reachable => {}
            O::Unreachable => {
                self.emit(K::unreachable, 0, 0, 0);
                self.reachable = false;
            }
            O::Nop => {}
            O::Br { relative_depth } => {
                self.branch(relative_depth);
                self.reachable = false;
            }
            O::BrIf { relative_depth } => {
                self.pop(1);
                self.branch_if(relative_depth);
            }
            O::BrTable { ref targets } => {
                self.pop(1);
                let table = self.emit(K::br_table, self.slot(self.h), targets.len(), 0);
                let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                for t in targets.targets() {
                    depths.push(t?);
                }
                depths.push(targets.default());
                for depth in depths {
                    let (dst, n, _) = self.label(depth);
                    let src = self.slot(self.h - n);
                    let entry = self.emit(K::br_table_entry, dst, src, (n as u64) << 32 | PENDING);
                    if depth as usize == self.ctrl.len() - 1 {
                        // Branch to the function label: the final `ret` reads the results at slot 0.
                        self.ctrl[0].fixups.push((entry, table));
                    } else {
                        self.target(depth, entry, table);
                    }
                }
                self.reachable = false;
            }
            O::Return => {
                let n = self.ctrl[0].results;
                self.emit(K::ret, self.slot(self.h - n), n, 0);
                self.reachable = false;
            }
            O::Call { function_index } => self.call(function_index),
            O::CallIndirect {
                type_index,
                table_index,
            } => {
                let ty = &self.m.types[type_index as usize];
                let (params, results) = (ty.params.len() as u32, ty.results.len() as u32);
                self.pop(1);
                let index_slot = self.slot(self.h);
                let base = self.h - params;
                let c = (self.type_ids[type_index as usize] as u64) << 32 | table_index as u64;
                self.emit(K::call_indirect, self.slot(base), index_slot, c);
                self.h = base;
                self.push(results);
            }
            O::Drop => self.pop(1),
            O::Select | O::TypedSelect { .. } => {
                self.emit(K::select, self.slot(self.h - 3), 0, 0);
                self.pop(2);
            }
            O::LocalGet { local_index } => {
                self.emit(K::copy, self.slot(self.h), local_index, 0);
                self.push(1);
            }
            O::LocalSet { local_index } => {
                self.emit(K::copy, local_index, self.slot(self.h - 1), 0);
                self.pop(1);
            }
            O::LocalTee { local_index } => {
                self.emit(K::copy, local_index, self.slot(self.h - 1), 0);
            }
            O::GlobalGet { global_index } => {
                self.emit(K::global_get, self.slot(self.h), global_index, 0);
                self.push(1);
            }
            O::GlobalSet { global_index } => {
                self.emit(K::global_set, self.slot(self.h - 1), global_index, 0);
                self.pop(1);
            }
            O::I32Load { memarg } | O::F32Load { memarg } => self.load(K::i32_load, memarg.offset),
            O::I64Load { memarg } | O::F64Load { memarg } => self.load(K::i64_load, memarg.offset),
            O::I32Load8S { memarg } => self.load(K::i32_load8_s, memarg.offset),
            O::I32Load8U { memarg } => self.load(K::i32_load8_u, memarg.offset),
            O::I32Load16S { memarg } => self.load(K::i32_load16_s, memarg.offset),
            O::I32Load16U { memarg } => self.load(K::i32_load16_u, memarg.offset),
            O::I64Load8S { memarg } => self.load(K::i64_load8_s, memarg.offset),
            O::I64Load8U { memarg } => self.load(K::i64_load8_u, memarg.offset),
            O::I64Load16S { memarg } => self.load(K::i64_load16_s, memarg.offset),
            O::I64Load16U { memarg } => self.load(K::i64_load16_u, memarg.offset),
            O::I64Load32S { memarg } => self.load(K::i64_load32_s, memarg.offset),
            O::I64Load32U { memarg } => self.load(K::i64_load32_u, memarg.offset),
            O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
                self.store(K::i32_store, memarg.offset)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => {
                self.store(K::i64_store, memarg.offset)
            }
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => {
                self.store(K::store8, memarg.offset)
            }
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                self.store(K::store16, memarg.offset)
            }
            O::MemorySize { .. } => {
                self.emit(K::memory_size, self.slot(self.h), 0, 0);
                self.push(1);
            }
            O::MemoryGrow { .. } => self.unop(K::memory_grow),
            O::MemoryFill { .. } => {
                self.emit(K::memory_fill, self.slot(self.h - 3), 0, 0);
                self.pop(3);
            }
            O::MemoryCopy { .. } => {
                self.emit(K::memory_copy, self.slot(self.h - 3), 0, 0);
                self.pop(3);
            }
            O::MemoryInit { data_index, .. } => {
                self.emit(K::memory_init, self.slot(self.h - 3), data_index, 0);
                self.pop(3);
            }
            O::DataDrop { data_index } => {
                self.emit(K::data_drop, 0, data_index, 0);
            }
            O::TableGet { table } => {
                self.emit(K::table_get, self.slot(self.h - 1), table, 0);
            }
            O::TableSet { table } => {
                self.emit(K::table_set, self.slot(self.h - 2), table, 0);
                self.pop(2);
            }
            O::TableSize { table } => {
                self.emit(K::table_size, self.slot(self.h), table, 0);
                self.push(1);
            }
            O::TableGrow { table } => {
                self.emit(K::table_grow, self.slot(self.h - 2), table, 0);
                self.pop(1);
            }
            O::TableFill { table } => {
                self.emit(K::table_fill, self.slot(self.h - 3), table, 0);
                self.pop(3);
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                self.emit(
                    K::table_copy,
                    self.slot(self.h - 3),
                    dst_table,
                    src_table as u64,
                );
                self.pop(3);
            }
            O::TableInit { elem_index, table } => {
                self.emit(
                    K::table_init,
                    self.slot(self.h - 3),
                    table,
                    elem_index as u64,
                );
                self.pop(3);
            }
            O::ElemDrop { elem_index } => {
                self.emit(K::elem_drop, 0, elem_index, 0);
            }
            O::I32Const { value } => self.constant(value as u32 as u64),
            O::I64Const { value } => self.constant(value as u64),
            O::F32Const { value } => self.constant(value.bits() as u64),
            O::F64Const { value } => self.constant(value.bits()),
            O::RefNull { .. } => self.constant(0),
            O::RefIsNull => self.unop(K::ref_is_null),
            O::RefFunc { function_index } => {
                self.emit(K::ref_func, self.slot(self.h), function_index, 0);
                self.push(1);
            }
            // Reinterpretations do not change the bits of a slot.
            O::I32ReinterpretF32
            | O::F32ReinterpretI32
            | O::I64ReinterpretF64
            | O::F64ReinterpretI64 => {}
            ref other => {
                let Some((handler, binary)) = numeric(other) else {
                    return Err(Error::Unsupported(format!(
                        "instruction {other:?} at offset 0x{:x}",
                        self.pos
                    )));
                };
                if binary {
                    self.binop(handler)
                } else {
                    self.unop(handler)
                }
            }
        }
        Ok(true)
    }
}

/// K of a numeric instruction, and whether it takes two operands.
fn numeric(op: &Operator<'_>) -> Option<(K, bool)> {
    use Operator as O;
    let u = |f: K| Some((f, false));
    let b = |f: K| Some((f, true));
    match op {
        O::I32Eqz => u(K::i32_eqz),
        O::I32Eq => b(K::i32_eq),
        O::I32Ne => b(K::i32_ne),
        O::I32LtS => b(K::i32_lt_s),
        O::I32LtU => b(K::i32_lt_u),
        O::I32GtS => b(K::i32_gt_s),
        O::I32GtU => b(K::i32_gt_u),
        O::I32LeS => b(K::i32_le_s),
        O::I32LeU => b(K::i32_le_u),
        O::I32GeS => b(K::i32_ge_s),
        O::I32GeU => b(K::i32_ge_u),
        O::I64Eqz => u(K::i64_eqz),
        O::I64Eq => b(K::i64_eq),
        O::I64Ne => b(K::i64_ne),
        O::I64LtS => b(K::i64_lt_s),
        O::I64LtU => b(K::i64_lt_u),
        O::I64GtS => b(K::i64_gt_s),
        O::I64GtU => b(K::i64_gt_u),
        O::I64LeS => b(K::i64_le_s),
        O::I64LeU => b(K::i64_le_u),
        O::I64GeS => b(K::i64_ge_s),
        O::I64GeU => b(K::i64_ge_u),
        O::F32Eq => b(K::f32_eq),
        O::F32Ne => b(K::f32_ne),
        O::F32Lt => b(K::f32_lt),
        O::F32Gt => b(K::f32_gt),
        O::F32Le => b(K::f32_le),
        O::F32Ge => b(K::f32_ge),
        O::F64Eq => b(K::f64_eq),
        O::F64Ne => b(K::f64_ne),
        O::F64Lt => b(K::f64_lt),
        O::F64Gt => b(K::f64_gt),
        O::F64Le => b(K::f64_le),
        O::F64Ge => b(K::f64_ge),
        O::I32Clz => u(K::i32_clz),
        O::I32Ctz => u(K::i32_ctz),
        O::I32Popcnt => u(K::i32_popcnt),
        O::I32Add => b(K::i32_add),
        O::I32Sub => b(K::i32_sub),
        O::I32Mul => b(K::i32_mul),
        O::I32DivS => b(K::i32_div_s),
        O::I32DivU => b(K::i32_div_u),
        O::I32RemS => b(K::i32_rem_s),
        O::I32RemU => b(K::i32_rem_u),
        O::I32And => b(K::i32_and),
        O::I32Or => b(K::i32_or),
        O::I32Xor => b(K::i32_xor),
        O::I32Shl => b(K::i32_shl),
        O::I32ShrS => b(K::i32_shr_s),
        O::I32ShrU => b(K::i32_shr_u),
        O::I32Rotl => b(K::i32_rotl),
        O::I32Rotr => b(K::i32_rotr),
        O::I64Clz => u(K::i64_clz),
        O::I64Ctz => u(K::i64_ctz),
        O::I64Popcnt => u(K::i64_popcnt),
        O::I64Add => b(K::i64_add),
        O::I64Sub => b(K::i64_sub),
        O::I64Mul => b(K::i64_mul),
        O::I64DivS => b(K::i64_div_s),
        O::I64DivU => b(K::i64_div_u),
        O::I64RemS => b(K::i64_rem_s),
        O::I64RemU => b(K::i64_rem_u),
        O::I64And => b(K::i64_and),
        O::I64Or => b(K::i64_or),
        O::I64Xor => b(K::i64_xor),
        O::I64Shl => b(K::i64_shl),
        O::I64ShrS => b(K::i64_shr_s),
        O::I64ShrU => b(K::i64_shr_u),
        O::I64Rotl => b(K::i64_rotl),
        O::I64Rotr => b(K::i64_rotr),
        O::F32Abs => u(K::f32_abs),
        O::F32Neg => u(K::f32_neg),
        O::F32Ceil => u(K::f32_ceil),
        O::F32Floor => u(K::f32_floor),
        O::F32Trunc => u(K::f32_trunc),
        O::F32Nearest => u(K::f32_nearest),
        O::F32Sqrt => u(K::f32_sqrt),
        O::F32Add => b(K::f32_add),
        O::F32Sub => b(K::f32_sub),
        O::F32Mul => b(K::f32_mul),
        O::F32Div => b(K::f32_div),
        O::F32Min => b(K::f32_min),
        O::F32Max => b(K::f32_max),
        O::F32Copysign => b(K::f32_copysign),
        O::F64Abs => u(K::f64_abs),
        O::F64Neg => u(K::f64_neg),
        O::F64Ceil => u(K::f64_ceil),
        O::F64Floor => u(K::f64_floor),
        O::F64Trunc => u(K::f64_trunc),
        O::F64Nearest => u(K::f64_nearest),
        O::F64Sqrt => u(K::f64_sqrt),
        O::F64Add => b(K::f64_add),
        O::F64Sub => b(K::f64_sub),
        O::F64Mul => b(K::f64_mul),
        O::F64Div => b(K::f64_div),
        O::F64Min => b(K::f64_min),
        O::F64Max => b(K::f64_max),
        O::F64Copysign => b(K::f64_copysign),
        O::I32WrapI64 => u(K::i32_wrap_i64),
        O::I32TruncF32S => u(K::i32_trunc_f32_s),
        O::I32TruncF32U => u(K::i32_trunc_f32_u),
        O::I32TruncF64S => u(K::i32_trunc_f64_s),
        O::I32TruncF64U => u(K::i32_trunc_f64_u),
        O::I64ExtendI32S => u(K::i64_extend_i32_s),
        O::I64ExtendI32U => u(K::i64_extend_i32_u),
        O::I64TruncF32S => u(K::i64_trunc_f32_s),
        O::I64TruncF32U => u(K::i64_trunc_f32_u),
        O::I64TruncF64S => u(K::i64_trunc_f64_s),
        O::I64TruncF64U => u(K::i64_trunc_f64_u),
        O::F32ConvertI32S => u(K::f32_convert_i32_s),
        O::F32ConvertI32U => u(K::f32_convert_i32_u),
        O::F32ConvertI64S => u(K::f32_convert_i64_s),
        O::F32ConvertI64U => u(K::f32_convert_i64_u),
        O::F32DemoteF64 => u(K::f32_demote_f64),
        O::F64ConvertI32S => u(K::f64_convert_i32_s),
        O::F64ConvertI32U => u(K::f64_convert_i32_u),
        O::F64ConvertI64S => u(K::f64_convert_i64_s),
        O::F64ConvertI64U => u(K::f64_convert_i64_u),
        O::F64PromoteF32 => u(K::f64_promote_f32),
        O::I32Extend8S => u(K::i32_extend8_s),
        O::I32Extend16S => u(K::i32_extend16_s),
        O::I64Extend8S => u(K::i64_extend8_s),
        O::I64Extend16S => u(K::i64_extend16_s),
        O::I64Extend32S => u(K::i64_extend32_s),
        O::I32TruncSatF32S => u(K::i32_trunc_sat_f32_s),
        O::I32TruncSatF32U => u(K::i32_trunc_sat_f32_u),
        O::I32TruncSatF64S => u(K::i32_trunc_sat_f64_s),
        O::I32TruncSatF64U => u(K::i32_trunc_sat_f64_u),
        O::I64TruncSatF32S => u(K::i64_trunc_sat_f32_s),
        O::I64TruncSatF32U => u(K::i64_trunc_sat_f32_u),
        O::I64TruncSatF64S => u(K::i64_trunc_sat_f64_s),
        O::I64TruncSatF64U => u(K::i64_trunc_sat_f64_u),
        _ => None,
    }
}

/// Validates and translates one function body.
pub(crate) fn translate(
    m: &ModuleInner,
    type_ids: &[u32],
    body: &FunctionBody<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
    config: &crate::module::Config,
) -> Result<(FuncBody, Vec<u32>)> {
    let func_index = validator.index();
    let type_index = m.func_types[func_index as usize];
    let ty = &m.types[type_index as usize];
    let mut local_types: Vec<ValType> = ty.params.clone();
    let mut locals = body.get_locals_reader()?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read()?;
        validator.define_locals(offset, count, ty)?;
        let ty = ValType::from_wasmparser(ty);
        local_types.extend(std::iter::repeat_n(ty, count as usize));
    }
    let num_locals = local_types.len() as u32;
    let mut t = Translator {
        m,
        type_ids,
        code: Vec::new(),
        offsets: Vec::new(),
        heights: Vec::new(),
        kinds: Vec::new(),
        loops: Vec::new(),
        ctrl: vec![Ctrl {
            kind: Kind::Func,
            base: 0,
            params: 0,
            results: ty.results.len() as u32,
            start: 0,
            fixups: Vec::new(),
            if_op: None,
            reachable_at_entry: true,
        }],
        h: 0,
        h0: 0,
        max_h: 0,
        num_locals,
        reachable: true,
        pos: 0,
        calls: Vec::new(),
        fuel: config.fuel,
    };
    let mut reader = body.get_operators_reader()?;
    if t.fuel {
        t.pos = reader.original_position() as u32;
        t.emit(K::fuel, 0, 0, 0);
    }
    loop {
        let (op, offset) = reader.read_with_offset()?;
        validator.op(offset, &op)?;
        if matches!(
            op,
            Operator::MemorySize { .. } | Operator::MemoryGrow { .. }
        ) && reader.original_position() - offset != 2
        {
            // Without multi-memory the memory index is a reserved single zero byte.
            return Err(Error::Invalid {
                message: "zero byte expected".into(),
                offset: offset as usize + 1,
            });
        }
        t.pos = offset as u32;
        if !t.op(&op)? {
            break;
        }
    }
    reader.finish()?;
    let frame_size = num_locals as u64 + t.max_h as u64;
    if frame_size > u32::MAX as u64 / 2 {
        return Err(Error::Unsupported("function frame too large".into()));
    }
    let calls = std::mem::take(&mut t.calls);
    let body = FuncBody {
        code: t.code.into_boxed_slice(),
        offsets: t.offsets.into_boxed_slice(),
        heights: t.heights.into_boxed_slice(),
        kinds: t.kinds.into_boxed_slice(),
        loop_heads: t.loops.into_boxed_slice(),
        func_index,
        range: (body.range().start as u32, body.range().end as u32),
        type_id: type_ids[type_index as usize],
        num_params: ty.params.len() as u32,
        num_results: ty.results.len() as u32,
        num_locals,
        frame_size: frame_size as u32,
        local_types: local_types.into_boxed_slice(),
    };
    Ok((body, calls))
}

/// Replaces the callee function index of every direct `call` with the callee's body, now that
/// all bodies have their final address.
pub(crate) fn link_calls(bodies: &mut [FuncBody], calls: &[Vec<u32>], num_imported: u32) {
    let base = bodies.as_ptr();
    for (body, calls) in bodies.iter_mut().zip(calls) {
        for &i in calls {
            let op = &mut body.code[i as usize];
            let callee = (op.c as u32 - num_imported) as usize;
            // SAFETY: validation checked the index; the slice is not moved afterwards.
            op.c = unsafe { base.add(callee) } as u64;
        }
    }
}
