//! Evaluation of parsed expressions against a paused frame: C's rules for the operators,
//! conversions and pointer arithmetic, on wasm32's type sizes.

use super::ast::{BinOp, Expr, IntLitType, TypeName, UnOp};
use crate::symbols::{SourceFrame, Symbols};
use crate::types::{Type, TypeRef};
use crate::value::{Place, ScalarKind, Value, int_from};
use crate::vars::{FrameAccess, VarKind, WasmValue};
use crate::{Error, Result};

/// An arithmetic value in flight.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error::Expr(msg.into()))
}

/// Where evaluation reads (and, for assignments, writes) runtime state.
enum Frame<'a> {
    Read(&'a dyn FrameAccess),
    Write(&'a mut dyn FrameAccess),
}

impl Frame<'_> {
    fn access(&self) -> &dyn FrameAccess {
        match self {
            Frame::Read(a) => *a,
            Frame::Write(a) => &**a,
        }
    }
}

struct Evaluator<'a> {
    symbols: &'a Symbols,
    frame: &'a SourceFrame,
    pc: u32,
    state: Frame<'a>,
    depth: usize,
}

impl Symbols {
    /// Evaluates a C-like expression in a source frame (`pc` is the frame's lookup pc).
    /// Assignments are refused: use [`Symbols::evaluate_mut`].
    pub fn evaluate(
        &self,
        src: &str,
        frame: &SourceFrame,
        pc: u32,
        access: &dyn FrameAccess,
    ) -> Result<Value> {
        let expr = self.parse_expr(src)?;
        let mut ev = Evaluator {
            symbols: self,
            frame,
            pc,
            state: Frame::Read(access),
            depth: 0,
        };
        ev.eval(&expr)
    }

    /// Like [`Symbols::evaluate`], and performs assignments (`x = 5`, `p->next->qty = 0`).
    pub fn evaluate_mut(
        &self,
        src: &str,
        frame: &SourceFrame,
        pc: u32,
        access: &mut dyn FrameAccess,
    ) -> Result<Value> {
        let expr = self.parse_expr(src)?;
        let mut ev = Evaluator {
            symbols: self,
            frame,
            pc,
            state: Frame::Write(access),
            depth: 0,
        };
        ev.eval(&expr)
    }

    fn parse_expr(&self, src: &str) -> Result<Expr> {
        super::parse(src, &|name| self.find_type(name).is_some())
            .map_err(|e| Error::Expr(e.to_string()))
    }

    /// Whether a scalar value is nonzero (C truth).
    pub fn truth(&self, v: &Value, access: &dyn FrameAccess) -> Result<bool> {
        let ev = Evaluator {
            symbols: self,
            frame: &SourceFrame::without_scope(String::new()),
            pc: 0,
            state: Frame::Read(access),
            depth: 0,
        };
        Ok(match ev.num(v)? {
            Num::Int(i) => i != 0,
            Num::Float(f) => f != 0.0,
        })
    }
}

impl Evaluator<'_> {
    fn access(&self) -> &dyn FrameAccess {
        self.state.access()
    }

    fn eval(&mut self, e: &Expr) -> Result<Value> {
        self.depth += 1;
        if self.depth > 200 {
            return err("expression is too deeply nested");
        }
        let r = self.eval_inner(e);
        self.depth -= 1;
        r
    }

    fn eval_inner(&mut self, e: &Expr) -> Result<Value> {
        let s = self.symbols;
        match e {
            Expr::Int { value, ty } => {
                let (name, size) = match ty {
                    IntLitType::Int => ("int", 4),
                    IntLitType::UInt => ("unsigned int", 4),
                    IntLitType::Long => ("long", 4),
                    IntLitType::ULong => ("unsigned long", 4),
                    IntLitType::LongLong => ("long long", 8),
                    IntLitType::ULongLong => ("unsigned long long", 8),
                };
                Ok(self.int_value(*value as i128, name, size))
            }
            Expr::Float { value, single } => {
                if *single {
                    Ok(self.bytes_value("float", (*value as f32).to_le_bytes().to_vec()))
                } else {
                    Ok(self.bytes_value("double", value.to_le_bytes().to_vec()))
                }
            }
            Expr::Char(c) => Ok(self.bytes_value("char", vec![*c])),
            Expr::Str(bytes) => {
                let char_ty = s.builtin_type("char").unwrap_or(TypeRef::Void);
                let mut b = bytes.clone();
                b.push(0);
                let ty = s.array_of(char_ty, b.len() as u64);
                Ok(Value::new(ty, Place::Bytes(b.into())))
            }
            Expr::Ident(name) => self.ident(name),
            Expr::Member { base, field, arrow } => {
                let mut v = self.eval(base)?;
                if *arrow {
                    v = s.deref(&v, self.access()).map_err(|_| {
                        Error::Expr(format!(
                            "The -> operator needs a pointer, not `{}`",
                            s.type_name(v.ty)
                        ))
                    })?;
                } else if matches!(&*s.strip(v.ty).1, Type::Pointer { .. }) {
                    return err(format!(
                        "`{}` is a pointer; use -> to reach its members",
                        s.type_name(v.ty)
                    ));
                } else if matches!(&*s.strip(v.ty).1, Type::Reference { .. }) {
                    // A C++ reference names its referent.
                    v = s.deref(&v, self.access())?;
                }
                self.member(&v, field)
                    .ok_or_else(|| Error::Expr(format!("There is no member named {field}.")))
            }
            Expr::Index { base, index } => {
                let b = self.eval(base)?;
                let i = self.eval(index)?;
                let i = match self.num(&i)? {
                    Num::Int(i) => i as i64,
                    Num::Float(_) => return err("array subscript is not an integer"),
                };
                let (_, t) = s.strip(b.ty);
                match &*t {
                    Type::Array { elem, .. } => s.element(&b, *elem, i),
                    Type::Pointer { target, .. } => {
                        if matches!(&*s.strip(*target).1, Type::Void) {
                            return err("cannot subscript a void pointer");
                        }
                        let p = s.deref(&b, self.access())?;
                        s.element(&p, *target, i)
                    }
                    _ => err(format!(
                        "cannot subscript something of type `{}`",
                        s.type_name(b.ty)
                    )),
                }
            }
            Expr::Unary { op, operand } => {
                let v = self.eval(operand)?;
                match op {
                    UnOp::Deref => {
                        if matches!(&*s.strip(v.ty).1, Type::Array { .. }) {
                            let Type::Array { elem, .. } = &*s.strip(v.ty).1 else {
                                unreachable!()
                            };
                            return s.element(&v, *elem, 0);
                        }
                        s.deref(&v, self.access())
                    }
                    UnOp::AddrOf => {
                        let Some(addr) = v.address() else {
                            return err("Attempt to take address of value not located in memory.");
                        };
                        let ty = s.pointer_to(v.ty);
                        Ok(Value::new(
                            ty,
                            Place::Bytes((addr as u32).to_le_bytes().to_vec().into()),
                        ))
                    }
                    UnOp::Not => {
                        let t = self.truthy(&v)?;
                        Ok(self.int_value(i128::from(!t), "int", 4))
                    }
                    UnOp::Neg | UnOp::Plus | UnOp::BitNot => {
                        let (n, kind) = (self.num(&v)?, self.kind(&v)?);
                        if matches!(kind, ScalarKind::Pointer) {
                            return err("invalid operand to unary operator (a pointer)");
                        }
                        let (signed, size) = promote(kind);
                        match (op, n) {
                            (UnOp::Plus, _) if matches!(n, Num::Float(_)) => Ok(v),
                            (UnOp::Neg, Num::Float(f)) => Ok(self.float_like(&v, -f)),
                            (UnOp::BitNot, Num::Float(_)) => {
                                err("bitwise complement of a floating-point value")
                            }
                            (UnOp::Plus, Num::Int(i)) => Ok(self.int_of(i, signed, size)),
                            (UnOp::Neg, Num::Int(i)) => {
                                Ok(self.int_of(i.wrapping_neg(), signed, size))
                            }
                            (_, Num::Int(i)) => Ok(self.int_of(!i, signed, size)),
                            _ => unreachable!(),
                        }
                    }
                }
            }
            Expr::Binary { op, lhs, rhs } => match op {
                BinOp::LogAnd | BinOp::LogOr => {
                    let l = self.eval(lhs)?;
                    let lt = self.truthy(&l)?;
                    let result = match op {
                        BinOp::LogAnd if !lt => false,
                        BinOp::LogOr if lt => true,
                        _ => {
                            let r = self.eval(rhs)?;
                            self.truthy(&r)?
                        }
                    };
                    Ok(self.int_value(i128::from(result), "int", 4))
                }
                _ => {
                    let l = self.eval(lhs)?;
                    let r = self.eval(rhs)?;
                    self.binary(*op, &l, &r)
                }
            },
            Expr::Cond {
                cond,
                then,
                otherwise,
            } => {
                let c = self.eval(cond)?;
                if self.truthy(&c)? {
                    self.eval(then)
                } else {
                    self.eval(otherwise)
                }
            }
            Expr::Cast { ty, operand } => {
                let target = self.type_of(ty)?;
                let v = self.eval(operand)?;
                self.convert(&v, target)
            }
            Expr::SizeofType(ty) => {
                let t = self.type_of(ty)?;
                let n = s.size_of(t).ok_or_else(|| {
                    Error::Expr(format!(
                        "invalid sizeof of incomplete type `{}`",
                        s.type_name(t)
                    ))
                })?;
                Ok(self.int_value(n as i128, "unsigned long", 4))
            }
            Expr::SizeofExpr(e) => {
                let v = self.eval(e)?;
                let n = s
                    .size_of(v.ty)
                    .ok_or_else(|| Error::Expr("sizeof of an incomplete type".into()))?;
                Ok(self.int_value(n as i128, "unsigned long", 4))
            }
            Expr::Assign { lhs, rhs } => {
                let target = self.eval(lhs)?;
                let value = self.eval(rhs)?;
                let converted = self.convert(&value, target.ty)?;
                let bytes = s.read_bytes(&converted, self.access())?;
                match &mut self.state {
                    Frame::Write(access) => s.write_bytes(&target, &bytes, &mut **access)?,
                    Frame::Read(_) => {
                        return err("assignments are not allowed here (use `set var`)");
                    }
                }
                Ok(target)
            }
        }
    }

    fn ident(&mut self, name: &str) -> Result<Value> {
        let s = self.symbols;
        if let Some(special) = name.strip_prefix('$') {
            return self.special(special);
        }
        let vars = s.variables(self.frame, self.pc, self.access());
        // Block locals shadow parameters: look at locals first (innermost block first).
        if let Some(v) = vars
            .iter()
            .filter(|v| v.kind != VarKind::Param)
            .chain(vars.iter().filter(|v| v.kind == VarKind::Param))
            .find(|v| v.name == name)
        {
            return Ok(v.value.clone());
        }
        if let Some(g) = s.global(name, self.access()) {
            return Ok(g.value);
        }
        if let Some(v) = s.enumerator(name) {
            return Ok(v);
        }
        // Inside a C++ method, members are in scope through `this`.
        if let Some(this) = vars.iter().find(|v| v.name == "this")
            && let Ok(object) = s.deref(&this.value, self.access())
            && let Some(m) = self.member(&object, name)
        {
            return Ok(m);
        }
        err(format!("No symbol \"{name}\" in current context."))
    }

    /// `$pc`, `$sp`, `$localN`, `$globalN`, `$stackN`.
    fn special(&mut self, name: &str) -> Result<Value> {
        let wasm_typed = |this: &Self, v: Option<WasmValue>, place: Place| -> Result<Value> {
            let v = v.ok_or_else(|| Error::Expr(format!("${name} is not available")))?;
            let ty = match v {
                WasmValue::I32(_) => "int",
                WasmValue::I64(_) => "long long",
                WasmValue::F32(_) => "float",
                WasmValue::F64(_) => "double",
            };
            let ty = this.symbols.builtin_type(ty).unwrap_or(TypeRef::Void);
            Ok(Value::new(ty, place))
        };
        if name == "pc" {
            return Ok(self.int_value(i128::from(self.pc), "unsigned int", 4));
        }
        if name == "sp" {
            return wasm_typed(self, self.access().global(0), Place::Global(0));
        }
        for (prefix, kind) in [("local", 0), ("global", 1), ("stack", 2)] {
            if let Some(n) = name
                .strip_prefix(prefix)
                .and_then(|n| n.parse::<u32>().ok())
            {
                return match kind {
                    0 => wasm_typed(self, self.access().local(n), Place::Local(n)),
                    1 => wasm_typed(self, self.access().global(n), Place::Global(n)),
                    _ => wasm_typed(self, self.access().stack(n), Place::Stack(n)),
                };
            }
        }
        err(format!("unknown convenience variable ${name}"))
    }

    /// A member by name, looking into anonymous members and base classes.
    fn member(&self, v: &Value, field: &str) -> Option<Value> {
        let s = self.symbols;
        let (_, t) = s.strip(v.ty);
        let Type::Aggregate { members, .. } = &*t else {
            return None;
        };
        if let Some(m) = members.iter().find(|m| m.name.as_deref() == Some(field)) {
            return Some(s.member_value(v, m));
        }
        members
            .iter()
            .filter(|m| m.name.is_none())
            .find_map(|m| self.member(&s.member_value(v, m), field))
    }

    fn type_of(&self, t: &TypeName) -> Result<TypeRef> {
        let s = self.symbols;
        let mut r = s
            .find_type(&t.base)
            .ok_or_else(|| Error::Expr(format!("No symbol \"{}\" in current context.", t.base)))?;
        for _ in 0..t.pointers {
            r = s.pointer_to(r);
        }
        for dim in t.array.iter().rev() {
            r = s.array_of(r, *dim);
        }
        Ok(r)
    }

    fn int_value(&self, n: i128, ty: &str, size: usize) -> Value {
        let bytes = n.to_le_bytes()[..size].to_vec();
        self.bytes_value(ty, bytes)
    }

    fn bytes_value(&self, ty: &str, bytes: Vec<u8>) -> Value {
        let ty = self.symbols.builtin_type(ty).unwrap_or(TypeRef::Void);
        Value::new(ty, Place::Bytes(bytes.into()))
    }

    fn int_of(&self, n: i128, signed: bool, size: u32) -> Value {
        let name = match (signed, size) {
            (true, 8) => "long long",
            (false, 8) => "unsigned long long",
            (true, _) => "int",
            (false, _) => "unsigned int",
        };
        self.int_value(n, name, if size == 8 { 8 } else { 4 })
    }

    fn float_like(&self, like: &Value, f: f64) -> Value {
        match self.symbols.scalar_kind(like.ty) {
            Some(ScalarKind::Float(4)) => {
                self.bytes_value("float", (f as f32).to_le_bytes().to_vec())
            }
            _ => self.bytes_value("double", f.to_le_bytes().to_vec()),
        }
    }

    fn kind(&self, v: &Value) -> Result<ScalarKind> {
        let s = self.symbols;
        if let Type::Array { .. } = &*s.strip(v.ty).1 {
            return Ok(ScalarKind::Pointer);
        }
        s.scalar_kind(v.ty).ok_or_else(|| {
            Error::Expr(format!(
                "`{}` is not a number or pointer",
                s.type_name(v.ty)
            ))
        })
    }

    fn num(&self, v: &Value) -> Result<Num> {
        let s = self.symbols;
        if let Type::Array { .. } = &*s.strip(v.ty).1 {
            // Arrays decay to a pointer to their first element.
            return v
                .address()
                .map(|a| Num::Int(a as i128))
                .ok_or_else(|| Error::Expr("array is not in memory".into()));
        }
        let kind = self.kind(v)?;
        let bytes = s.read_bytes(v, self.access())?;
        Ok(match kind {
            ScalarKind::Float(4) => Num::Float(f64::from(f32::from_le_bytes(
                bytes[..4].try_into().unwrap_or([0; 4]),
            ))),
            ScalarKind::Float(8) => {
                Num::Float(f64::from_le_bytes(bytes[..8].try_into().unwrap_or([0; 8])))
            }
            ScalarKind::Float(n) => {
                return err(format!("{n}-byte floating point is not supported"));
            }
            ScalarKind::Int { signed, .. } => Num::Int(int_from(&bytes, signed)),
            ScalarKind::Pointer => Num::Int(int_from(&bytes, false)),
        })
    }

    fn truthy(&self, v: &Value) -> Result<bool> {
        Ok(match self.num(v)? {
            Num::Int(i) => i != 0,
            Num::Float(f) => f != 0.0,
        })
    }

    /// The pointee size of a pointer (or array) value, for pointer arithmetic.
    fn pointee_size(&self, v: &Value) -> Result<(TypeRef, u64)> {
        let s = self.symbols;
        let (_, t) = s.strip(v.ty);
        let target = match &*t {
            Type::Pointer { target, .. } => *target,
            Type::Array { elem, .. } => *elem,
            _ => return err("not a pointer"),
        };
        let size = match &*s.strip(target).1 {
            Type::Void => 1,
            _ => s.size_of(target).ok_or_else(|| {
                Error::Expr("arithmetic on a pointer to an incomplete type".into())
            })?,
        };
        Ok((target, size))
    }

    fn binary(&self, op: BinOp, l: &Value, r: &Value) -> Result<Value> {
        let s = self.symbols;
        let (lk, rk) = (self.kind(l)?, self.kind(r)?);
        let (ln, rn) = (self.num(l)?, self.num(r)?);
        let lp = matches!(lk, ScalarKind::Pointer);
        let rp = matches!(rk, ScalarKind::Pointer);
        let cmp = |o: std::cmp::Ordering| -> bool {
            use std::cmp::Ordering::*;
            match op {
                BinOp::Lt => o == Less,
                BinOp::Le => o != Greater,
                BinOp::Gt => o == Greater,
                BinOp::Ge => o != Less,
                BinOp::Eq => o == Equal,
                _ => o != Equal,
            }
        };
        let is_cmp = matches!(
            op,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
        );
        // Pointer arithmetic.
        if lp || rp {
            if is_cmp {
                let (Num::Int(a), Num::Int(b)) = (ln, rn) else {
                    return err("cannot compare a pointer with a floating-point value");
                };
                return Ok(self.int_value(i128::from(cmp((a as u32).cmp(&(b as u32)))), "int", 4));
            }
            match (op, lp, rp, ln, rn) {
                (BinOp::Add, true, false, Num::Int(a), Num::Int(n))
                | (BinOp::Add, false, true, Num::Int(n), Num::Int(a)) => {
                    let p = if lp { l } else { r };
                    let (target, size) = self.pointee_size(p)?;
                    let addr = (a + n * size as i128) as u32;
                    return Ok(Value::new(
                        s.pointer_to(target),
                        Place::Bytes(addr.to_le_bytes().to_vec().into()),
                    ));
                }
                (BinOp::Sub, true, false, Num::Int(a), Num::Int(n)) => {
                    let (target, size) = self.pointee_size(l)?;
                    let addr = (a - n * size as i128) as u32;
                    return Ok(Value::new(
                        s.pointer_to(target),
                        Place::Bytes(addr.to_le_bytes().to_vec().into()),
                    ));
                }
                (BinOp::Sub, true, true, Num::Int(a), Num::Int(b)) => {
                    let (_, size) = self.pointee_size(l)?;
                    return Ok(self.int_value((a - b) / size.max(1) as i128, "int", 4));
                }
                _ => return err("invalid operands to a binary operator (pointers)"),
            }
        }
        // Floating point.
        if let (Num::Float(_), _) | (_, Num::Float(_)) = (ln, rn) {
            let a = match ln {
                Num::Int(i) => i as f64,
                Num::Float(f) => f,
            };
            let b = match rn {
                Num::Int(i) => i as f64,
                Num::Float(f) => f,
            };
            if is_cmp {
                let o = a.partial_cmp(&b);
                let t = match o {
                    Some(o) => cmp(o),
                    None => op == BinOp::Ne,
                };
                return Ok(self.int_value(i128::from(t), "int", 4));
            }
            let x = match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                _ => return err("invalid operands to a binary operator (floating point)"),
            };
            let single = matches!(lk, ScalarKind::Float(4) | ScalarKind::Int { .. })
                && matches!(rk, ScalarKind::Float(4) | ScalarKind::Int { .. });
            return Ok(if single {
                self.bytes_value("float", (x as f32).to_le_bytes().to_vec())
            } else {
                self.bytes_value("double", x.to_le_bytes().to_vec())
            });
        }
        let (Num::Int(a), Num::Int(b)) = (ln, rn) else {
            unreachable!()
        };
        let (signed, size) = usual(lk, rk);
        let norm = |x: i128| -> i128 {
            let bits = size * 8;
            let m = x & ((1i128 << bits) - 1);
            if signed && m >> (bits - 1) & 1 == 1 {
                m - (1i128 << bits)
            } else {
                m
            }
        };
        let (a, b) = (norm(a), norm(b));
        if is_cmp {
            return Ok(self.int_value(i128::from(cmp(a.cmp(&b))), "int", 4));
        }
        let x = match op {
            BinOp::Add => a.wrapping_add(b),
            BinOp::Sub => a.wrapping_sub(b),
            BinOp::Mul => a.wrapping_mul(b),
            BinOp::Div | BinOp::Rem if b == 0 => return err("Division by zero"),
            BinOp::Div => a / b,
            BinOp::Rem => a % b,
            BinOp::Shl => a.wrapping_shl((b as u32) % 128),
            BinOp::Shr => a.wrapping_shr((b as u32) % 128),
            BinOp::BitAnd => a & b,
            BinOp::BitOr => a | b,
            BinOp::BitXor => a ^ b,
            _ => unreachable!("handled above"),
        };
        Ok(self.int_of(norm(x), signed, size as u32))
    }

    /// Converts a value to another type (casts and assignments).
    fn convert(&self, v: &Value, target: TypeRef) -> Result<Value> {
        let s = self.symbols;
        let (_, tt) = s.strip(target);
        if let Type::Aggregate { .. } | Type::Array { .. } = &*tt {
            let (_, vt) = s.strip(v.ty);
            if s.size_of(v.ty) == s.size_of(target)
                && matches!(&*vt, Type::Aggregate { .. } | Type::Array { .. })
            {
                return Ok(Value {
                    ty: target,
                    ..v.clone()
                });
            }
            return err(format!("Invalid cast to `{}`.", s.type_name(target)));
        }
        let kind = s
            .scalar_kind(target)
            .ok_or_else(|| Error::Expr(format!("Invalid cast to `{}`.", s.type_name(target))))?;
        let n = self.num(v)?;
        let size = s.size_of(target).unwrap_or(4) as usize;
        let bytes = match (kind, n) {
            (ScalarKind::Float(4), n) => (to_f64(n) as f32).to_le_bytes().to_vec(),
            (ScalarKind::Float(_), n) => to_f64(n).to_le_bytes().to_vec(),
            (ScalarKind::Int { boolean: true, .. }, n) => vec![u8::from(match n {
                Num::Int(i) => i != 0,
                Num::Float(f) => f != 0.0,
            })],
            (_, Num::Int(i)) => i.to_le_bytes()[..size.min(16)].to_vec(),
            (_, Num::Float(f)) => (f as i128).to_le_bytes()[..size.min(16)].to_vec(),
        };
        Ok(Value::new(target, Place::Bytes(bytes.into())))
    }
}

fn to_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
    }
}

/// Integer promotion of one operand: (signed, size in bytes).
fn promote(k: ScalarKind) -> (bool, u32) {
    match k {
        ScalarKind::Int { signed, size, .. } if size >= 8 => (signed, 8),
        ScalarKind::Int {
            signed, size: 4, ..
        } => (signed, 4),
        _ => (true, 4),
    }
}

/// C's usual arithmetic conversions for two integer operands: (signed, size).
fn usual(a: ScalarKind, b: ScalarKind) -> (bool, usize) {
    let (sa, za) = promote(a);
    let (sb, zb) = promote(b);
    let size = za.max(zb);
    let signed = (za < size || sa) && (zb < size || sb);
    (signed, size as usize)
}

impl Symbols {
    /// An enumerator constant by name (`RED`), as a value of its enum type.
    pub(crate) fn enumerator(&self, name: &str) -> Option<Value> {
        let index = self.index()?;
        let r = TypeRef::Die(*index.enumerators.get(name)?.first()?);
        let Type::Enum { values, size, .. } = &*self.ty(r) else {
            return None;
        };
        let (_, v) = values.iter().find(|(n, _)| n == name)?;
        let bytes = v.to_le_bytes()[..(*size as usize).min(8)].to_vec();
        Some(Value::new(r, Place::Bytes(bytes.into())))
    }
}
