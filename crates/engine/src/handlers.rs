//! The op handlers. Each reads its operands from frame slots, writes its result to a slot and
//! continues with the next op through [`next!`]: a tail call in optimized builds, a return to
//! the driver loop otherwise. Slow paths (traps, host calls, memory growth) leave the chain.

#![allow(clippy::missing_safety_doc)]

use crate::code::{Cx, Exit, Frame, FrameKind, FuncBody, Handler, HandlerCell, Next, Op};
use crate::exec::cold;
use crate::trap::TrapCode as TrapKind;
use crate::values::FuncAddr;

/// Continues with the op at `ip`: a tail call in the run-mode handlers of optimized builds, a
/// return to the driver in the step-mode handlers (`S`) and in debug builds.
macro_rules! next {
    ($ip:expr, $fp:expr, $cx:expr) => {{
        let ip: *const Op = $ip;
        let fp: *mut u64 = $fp;
        #[cfg(wdb_tail)]
        {
            if !S {
                return ((*ip).h.get())(ip, fp, $cx);
            }
        }
        let _ = &$cx;
        return Next { ip, fp };
    }};
}

/// Leaves the handler chain: through the [`EXIT`] op in run mode (a tail call like any other),
/// with a null `ip` in step mode.
macro_rules! leave {
    ($fp:expr, $cx:expr) => {{
        if S {
            let _ = &$cx;
            return Next {
                ip: std::ptr::null(),
                fp: $fp,
            };
        }
        #[allow(unused_unsafe)]
        unsafe {
            next!(&EXIT, $fp, $cx)
        }
    }};
}

#[inline(always)]
unsafe fn slot(fp: *mut u64, i: u32) -> *mut u64 {
    unsafe { fp.add(i as usize) }
}

/// The op every exit from the handler chain goes through: its handler returns a null `ip`.
/// Exits are tail calls like any dispatch, so a handler never needs a native stack frame for
/// its slow path (which would keep the optimizer from turning its dispatch into a jump).
static EXIT: Op = Op {
    h: HandlerCell::new(exit),
    a: 0,
    b: 0,
    c: 0,
};

unsafe fn exit(_ip: *const Op, fp: *mut u64, _cx: &mut Cx) -> Next {
    Next {
        ip: std::ptr::null(),
        fp,
    }
}

/// Leaves the handler chain with a trap at `ip`.
#[inline(always)]
pub(crate) unsafe fn trap<const S: bool>(
    ip: *const Op,
    fp: *mut u64,
    cx: &mut Cx,
    code: TrapKind,
) -> Next {
    cx.exit = Exit::Trap(code);
    cx.exit_ip = ip;
    cx.exit_fp = fp;
    leave!(fp, cx)
}

/// Leaves the handler chain to have the driver call `addr` with the arguments at slot `base`.
#[inline(always)]
pub(crate) unsafe fn leave_call<const S: bool>(
    ip: *const Op,
    fp: *mut u64,
    cx: &mut Cx,
    addr: u32,
    base: u32,
) -> Next {
    cx.exit = Exit::Call {
        addr: FuncAddr(addr),
        base,
    };
    cx.exit_ip = ip;
    cx.exit_fp = fp;
    leave!(fp, cx)
}

/// Leaves the handler chain at the return of a frame entered by the driver.
#[inline(always)]
unsafe fn leave_return<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    cx.exit = Exit::Return;
    cx.exit_ip = ip;
    cx.exit_fp = fp;
    leave!(fp, cx)
}

/// Converts a handler's result to and from the untyped 64-bit slot.
pub(crate) trait Cell: Copy {
    fn get(c: u64) -> Self;
    fn put(self) -> u64;
}
macro_rules! cell {
    ($($t:ty => |$c:ident| $get:expr, |$v:ident| $put:expr;)*) => {$(
        impl Cell for $t {
            #[inline(always)]
            fn get($c: u64) -> Self { $get }
            #[inline(always)]
            fn put(self) -> u64 { let $v = self; $put }
        }
    )*};
}
cell! {
    i32 => |c| c as u32 as i32, |v| v as u32 as u64;
    u32 => |c| c as u32, |v| v as u64;
    i64 => |c| c as i64, |v| v as u64;
    u64 => |c| c, |v| v;
    f32 => |c| f32::from_bits(c as u32), |v| v.to_bits() as u64;
    f64 => |c| f64::from_bits(c), |v| v.to_bits();
    bool => |c| c != 0, |v| v as u64;
}

// ---------------------------------------------------------------------------------------------
// Numeric ops: `a` is the slot of the first operand and of the result.

macro_rules! unop {
    ($($name:ident: $t:ty => |$x:ident| $e:expr;)*) => {$(
        pub(crate) unsafe fn $name<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
            unsafe {
                let s = slot(fp, (*ip).a);
                let $x = <$t as Cell>::get(*s);
                *s = Cell::put($e);
                next!(ip.add(1), fp, cx)
            }
        }
    )*};
}

macro_rules! binop {
    ($($name:ident: $t:ty => |$x:ident, $y:ident| $e:expr;)*) => {$(
        pub(crate) unsafe fn $name<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
            unsafe {
                let s = slot(fp, (*ip).a);
                let $x = <$t as Cell>::get(*s);
                let $y = <$t as Cell>::get(*s.add(1));
                *s = Cell::put($e);
                next!(ip.add(1), fp, cx)
            }
        }
    )*};
}

/// Operations that may trap: the expression yields `Result<_, TrapKind>`.
macro_rules! trapping {
    (unary $($name:ident: $t:ty => |$x:ident| $e:expr;)*) => {$(
        pub(crate) unsafe fn $name<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
            unsafe {
                let s = slot(fp, (*ip).a);
                let $x = <$t as Cell>::get(*s);
                match $e {
                    Ok(v) => { *s = Cell::put(v); next!(ip.add(1), fp, cx) }
                    Err(k) => trap::<S>(ip, fp, cx, k),
                }
            }
        }
    )*};
    (binary $($name:ident: $t:ty => |$x:ident, $y:ident| $e:expr;)*) => {$(
        pub(crate) unsafe fn $name<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
            unsafe {
                let s = slot(fp, (*ip).a);
                let $x = <$t as Cell>::get(*s);
                let $y = <$t as Cell>::get(*s.add(1));
                match $e {
                    Ok(v) => { *s = Cell::put(v); next!(ip.add(1), fp, cx) }
                    Err(k) => trap::<S>(ip, fp, cx, k),
                }
            }
        }
    )*};
}

use crate::numeric as n;

unop! {
    i32_eqz: i32 => |x| x == 0;
    i32_clz: i32 => |x| x.leading_zeros() as i32;
    i32_ctz: i32 => |x| x.trailing_zeros() as i32;
    i32_popcnt: i32 => |x| x.count_ones() as i32;
    i64_eqz: i64 => |x| x == 0;
    i64_clz: i64 => |x| x.leading_zeros() as i64;
    i64_ctz: i64 => |x| x.trailing_zeros() as i64;
    i64_popcnt: i64 => |x| x.count_ones() as i64;
    f32_abs: u32 => |x| x & 0x7fff_ffff;
    f32_neg: u32 => |x| x ^ 0x8000_0000;
    f32_ceil: f32 => |x| n::quiet(x, x.ceil());
    f32_floor: f32 => |x| n::quiet(x, x.floor());
    f32_trunc: f32 => |x| n::quiet(x, x.trunc());
    f32_nearest: f32 => |x| n::quiet(x, x.round_ties_even());
    f32_sqrt: f32 => |x| n::quiet(x, x.sqrt());
    f64_abs: u64 => |x| x & 0x7fff_ffff_ffff_ffff;
    f64_neg: u64 => |x| x ^ 0x8000_0000_0000_0000;
    f64_ceil: f64 => |x| n::quiet(x, x.ceil());
    f64_floor: f64 => |x| n::quiet(x, x.floor());
    f64_trunc: f64 => |x| n::quiet(x, x.trunc());
    f64_nearest: f64 => |x| n::quiet(x, x.round_ties_even());
    f64_sqrt: f64 => |x| n::quiet(x, x.sqrt());
    i32_wrap_i64: i64 => |x| x as i32;
    i64_extend_i32_s: i32 => |x| x as i64;
    i64_extend_i32_u: u32 => |x| x as u64;
    f32_convert_i32_s: i32 => |x| x as f32;
    f32_convert_i32_u: u32 => |x| x as f32;
    f32_convert_i64_s: i64 => |x| x as f32;
    f32_convert_i64_u: u64 => |x| x as f32;
    f32_demote_f64: f64 => |x| x as f32;
    f64_convert_i32_s: i32 => |x| x as f64;
    f64_convert_i32_u: u32 => |x| x as f64;
    f64_convert_i64_s: i64 => |x| x as f64;
    f64_convert_i64_u: u64 => |x| x as f64;
    f64_promote_f32: f32 => |x| x as f64;
    i32_extend8_s: i32 => |x| x as i8 as i32;
    i32_extend16_s: i32 => |x| x as i16 as i32;
    i64_extend8_s: i64 => |x| x as i8 as i64;
    i64_extend16_s: i64 => |x| x as i16 as i64;
    i64_extend32_s: i64 => |x| x as i32 as i64;
    i32_trunc_sat_f32_s: f32 => |x| x as i32;
    i32_trunc_sat_f32_u: f32 => |x| x as u32;
    i32_trunc_sat_f64_s: f64 => |x| x as i32;
    i32_trunc_sat_f64_u: f64 => |x| x as u32;
    i64_trunc_sat_f32_s: f32 => |x| x as i64;
    i64_trunc_sat_f32_u: f32 => |x| x as u64;
    i64_trunc_sat_f64_s: f64 => |x| x as i64;
    i64_trunc_sat_f64_u: f64 => |x| x as u64;
    ref_is_null: u64 => |x| x == 0;
}

binop! {
    i32_eq: i32 => |x, y| x == y;
    i32_ne: i32 => |x, y| x != y;
    i32_lt_s: i32 => |x, y| x < y;
    i32_lt_u: u32 => |x, y| x < y;
    i32_gt_s: i32 => |x, y| x > y;
    i32_gt_u: u32 => |x, y| x > y;
    i32_le_s: i32 => |x, y| x <= y;
    i32_le_u: u32 => |x, y| x <= y;
    i32_ge_s: i32 => |x, y| x >= y;
    i32_ge_u: u32 => |x, y| x >= y;
    i32_add: i32 => |x, y| x.wrapping_add(y);
    i32_sub: i32 => |x, y| x.wrapping_sub(y);
    i32_mul: i32 => |x, y| x.wrapping_mul(y);
    i32_and: i32 => |x, y| x & y;
    i32_or: i32 => |x, y| x | y;
    i32_xor: i32 => |x, y| x ^ y;
    i32_shl: i32 => |x, y| x.wrapping_shl(y as u32);
    i32_shr_s: i32 => |x, y| x.wrapping_shr(y as u32);
    i32_shr_u: u32 => |x, y| x.wrapping_shr(y);
    i32_rotl: u32 => |x, y| x.rotate_left(y % 32);
    i32_rotr: u32 => |x, y| x.rotate_right(y % 32);
    i64_eq: i64 => |x, y| x == y;
    i64_ne: i64 => |x, y| x != y;
    i64_lt_s: i64 => |x, y| x < y;
    i64_lt_u: u64 => |x, y| x < y;
    i64_gt_s: i64 => |x, y| x > y;
    i64_gt_u: u64 => |x, y| x > y;
    i64_le_s: i64 => |x, y| x <= y;
    i64_le_u: u64 => |x, y| x <= y;
    i64_ge_s: i64 => |x, y| x >= y;
    i64_ge_u: u64 => |x, y| x >= y;
    i64_add: i64 => |x, y| x.wrapping_add(y);
    i64_sub: i64 => |x, y| x.wrapping_sub(y);
    i64_mul: i64 => |x, y| x.wrapping_mul(y);
    i64_and: i64 => |x, y| x & y;
    i64_or: i64 => |x, y| x | y;
    i64_xor: i64 => |x, y| x ^ y;
    i64_shl: i64 => |x, y| x.wrapping_shl(y as u32);
    i64_shr_s: i64 => |x, y| x.wrapping_shr(y as u32);
    i64_shr_u: u64 => |x, y| x.wrapping_shr(y as u32);
    i64_rotl: u64 => |x, y| x.rotate_left((y % 64) as u32);
    i64_rotr: u64 => |x, y| x.rotate_right((y % 64) as u32);
    f32_eq: f32 => |x, y| x == y;
    f32_ne: f32 => |x, y| x != y;
    f32_lt: f32 => |x, y| x < y;
    f32_gt: f32 => |x, y| x > y;
    f32_le: f32 => |x, y| x <= y;
    f32_ge: f32 => |x, y| x >= y;
    f32_add: f32 => |x, y| x + y;
    f32_sub: f32 => |x, y| x - y;
    f32_mul: f32 => |x, y| x * y;
    f32_div: f32 => |x, y| x / y;
    f32_min: f32 => |x, y| n::fmin(x, y);
    f32_max: f32 => |x, y| n::fmax(x, y);
    f32_copysign: u32 => |x, y| (x & 0x7fff_ffff) | (y & 0x8000_0000);
    f64_eq: f64 => |x, y| x == y;
    f64_ne: f64 => |x, y| x != y;
    f64_lt: f64 => |x, y| x < y;
    f64_gt: f64 => |x, y| x > y;
    f64_le: f64 => |x, y| x <= y;
    f64_ge: f64 => |x, y| x >= y;
    f64_add: f64 => |x, y| x + y;
    f64_sub: f64 => |x, y| x - y;
    f64_mul: f64 => |x, y| x * y;
    f64_div: f64 => |x, y| x / y;
    f64_min: f64 => |x, y| n::fmin(x, y);
    f64_max: f64 => |x, y| n::fmax(x, y);
    f64_copysign: u64 => |x, y| (x & 0x7fff_ffff_ffff_ffff) | (y & 0x8000_0000_0000_0000);
}

trapping! { binary
    i32_div_s: i32 => |x, y| n::div_s32(x, y);
    i32_div_u: u32 => |x, y| x.checked_div(y).ok_or(TrapKind::IntegerDivideByZero);
    i32_rem_s: i32 => |x, y| if y == 0 { Err(TrapKind::IntegerDivideByZero) } else { Ok(x.wrapping_rem(y)) };
    i32_rem_u: u32 => |x, y| x.checked_rem(y).ok_or(TrapKind::IntegerDivideByZero);
    i64_div_s: i64 => |x, y| n::div_s64(x, y);
    i64_div_u: u64 => |x, y| x.checked_div(y).ok_or(TrapKind::IntegerDivideByZero);
    i64_rem_s: i64 => |x, y| if y == 0 { Err(TrapKind::IntegerDivideByZero) } else { Ok(x.wrapping_rem(y)) };
    i64_rem_u: u64 => |x, y| x.checked_rem(y).ok_or(TrapKind::IntegerDivideByZero);
}

trapping! { unary
    i32_trunc_f32_s: f32 => |x| n::trunc(x as f64, -2147483648.0, 2147483648.0).map(|t| t as i32);
    i32_trunc_f32_u: f32 => |x| n::trunc(x as f64, 0.0, 4294967296.0).map(|t| t as u32);
    i32_trunc_f64_s: f64 => |x| n::trunc(x, -2147483648.0, 2147483648.0).map(|t| t as i32);
    i32_trunc_f64_u: f64 => |x| n::trunc(x, 0.0, 4294967296.0).map(|t| t as u32);
    i64_trunc_f32_s: f32 => |x| n::trunc(x as f64, -9223372036854775808.0, 9223372036854775808.0).map(|t| t as i64);
    i64_trunc_f32_u: f32 => |x| n::trunc(x as f64, 0.0, 18446744073709551616.0).map(|t| t as u64);
    i64_trunc_f64_s: f64 => |x| n::trunc(x, -9223372036854775808.0, 9223372036854775808.0).map(|t| t as i64);
    i64_trunc_f64_u: f64 => |x| n::trunc(x, 0.0, 18446744073709551616.0).map(|t| t as u64);
}

// ---------------------------------------------------------------------------------------------
// Slots, constants, globals.

/// `local.get`, `local.set`, `local.tee`: slot `a` = slot `b`.
pub(crate) unsafe fn copy<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        *slot(fp, (*ip).a) = *slot(fp, (*ip).b);
        next!(ip.add(1), fp, cx)
    }
}

/// Constants and `ref.null`: slot `a` = `c`.
pub(crate) unsafe fn constant<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        *slot(fp, (*ip).a) = (*ip).c;
        next!(ip.add(1), fp, cx)
    }
}

pub(crate) unsafe fn global_get<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        *slot(fp, (*ip).a) = **cx.globals.add((*ip).b as usize);
        next!(ip.add(1), fp, cx)
    }
}

pub(crate) unsafe fn global_set<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        **cx.globals.add((*ip).b as usize) = *slot(fp, (*ip).a);
        next!(ip.add(1), fp, cx)
    }
}

/// `select`: `a` is the first value, then the second, then the condition.
pub(crate) unsafe fn select<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        let s = slot(fp, (*ip).a);
        if *s.add(2) as u32 == 0 {
            *s = *s.add(1);
        }
        next!(ip.add(1), fp, cx)
    }
}

// ---------------------------------------------------------------------------------------------
// Control. Branch targets are op offsets relative to the branch op, in the low 32 bits of `c`;
// the number of values a branch carries is in the high 32 bits.

#[inline(always)]
unsafe fn target(ip: *const Op, c: u64) -> *const Op {
    unsafe { ip.offset(c as u32 as i32 as isize) }
}

#[inline(always)]
unsafe fn move_values(fp: *mut u64, dst: u32, src: u32, count: u64) {
    unsafe { std::ptr::copy(slot(fp, src), slot(fp, dst), count as usize) }
}

/// Consumes one unit of fuel (only in code translated with [`crate::Config::fuel`]).
pub(crate) unsafe fn fuel<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        if cx.fuel == 0 {
            return trap::<S>(ip, fp, cx, TrapKind::OutOfFuel);
        }
        cx.fuel -= 1;
        next!(ip.add(1), fp, cx)
    }
}

pub(crate) unsafe fn unreachable<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe { trap::<S>(ip, fp, cx, TrapKind::Unreachable) }
}

pub(crate) unsafe fn br<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe { next!(target(ip, (*ip).c), fp, cx) }
}

/// Branch carrying values: move `c >> 32` values from slot `b` to slot `a`.
pub(crate) unsafe fn br_move<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        let op = &*ip;
        move_values(fp, op.a, op.b, op.c >> 32);
        next!(target(ip, op.c), fp, cx)
    }
}

/// `br_if` without values to move: condition in slot `a`.
pub(crate) unsafe fn br_if<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        if *slot(fp, (*ip).a) as u32 != 0 {
            next!(target(ip, (*ip).c), fp, cx)
        }
        next!(ip.add(1), fp, cx)
    }
}

/// `if`: jump when the condition in slot `a` is zero.
pub(crate) unsafe fn br_if_eqz<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        if *slot(fp, (*ip).a) as u32 == 0 {
            next!(target(ip, (*ip).c), fp, cx)
        }
        next!(ip.add(1), fp, cx)
    }
}

/// `br_if` carrying values from slot `b` to slot `a`; the condition is above the values.
pub(crate) unsafe fn br_if_move<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        let op = &*ip;
        let count = op.c >> 32;
        if *slot(fp, op.b + count as u32) as u32 != 0 {
            move_values(fp, op.a, op.b, count);
            next!(target(ip, op.c), fp, cx)
        }
        next!(ip.add(1), fp, cx)
    }
}

/// `br_table`: index in slot `a`, `b` targets plus the default follow as [`br_table_entry`] ops
/// (`a` destination, `b` source, `c` target relative to the `br_table` op and value count).
pub(crate) unsafe fn br_table<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        let op = &*ip;
        let index = (*slot(fp, op.a) as u32).min(op.b);
        let entry = &*ip.add(1 + index as usize);
        move_values(fp, entry.a, entry.b, entry.c >> 32);
        next!(target(ip, entry.c), fp, cx)
    }
}

/// Data of a `br_table`; never executed.
pub(crate) unsafe fn br_table_entry<const S: bool>(
    ip: *const Op,
    fp: *mut u64,
    cx: &mut Cx,
) -> Next {
    unsafe { trap::<S>(ip, fp, cx, TrapKind::Unreachable) }
}

/// `return` and a function's final `end`: results from slot `a` (`b` of them) to slot 0.
pub(crate) unsafe fn ret<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        let op = &*ip;
        move_values(fp, 0, op.a, op.b as u64);
        // The frame stack always holds this function's frame.
        let len = cx.frames.len();
        let frame = cx.frames.as_ptr().add(len - 1);
        if (*frame).kind != FrameKind::Normal {
            return leave_return::<S>(ip, fp, cx);
        }
        let (ret, caller_fp) = ((*frame).ret, (*frame).caller_fp);
        cx.frames.set_len(len - 1);
        next!(ret, caller_fp, cx)
    }
}

/// Enters `callee` with its arguments already in place at slot `base` of the caller.
#[inline(always)]
pub(crate) unsafe fn enter(
    ip: *const Op,
    fp: *mut u64,
    cx: &mut Cx,
    callee: &FuncBody,
    base: u32,
    kind: FrameKind,
) -> Result<*mut u64, TrapKind> {
    unsafe {
        let new_fp = slot(fp, base);
        if cx.frames.len() >= cx.max_frames || new_fp.add(callee.frame_size as usize) > cx.stack_end
        {
            return Err(TrapKind::CallStackExhausted);
        }
        cx.frames.push(Frame {
            ret: ip.add(1),
            caller_fp: fp,
            func: callee,
            instance: cx.instance,
            kind,
        });
        std::ptr::write_bytes(
            new_fp.add(callee.num_params as usize),
            0,
            (callee.num_locals - callee.num_params) as usize,
        );
        Ok(new_fp)
    }
}

/// `call` of a function of the same module: `a` is the argument base, `c` the callee body.
pub(crate) unsafe fn call<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        let callee = &*((*ip).c as *const FuncBody);
        match enter(ip, fp, cx, callee, (*ip).a, FrameKind::Normal) {
            Ok(new_fp) => next!(callee.code.as_ptr(), new_fp, cx),
            Err(code) => trap::<S>(ip, fp, cx, code),
        }
    }
}

/// `call` of an imported function `c`: the driver does it.
pub(crate) unsafe fn call_import<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        let addr = *cx.funcs.add((*ip).c as usize);
        leave_call::<S>(ip, fp, cx, addr.0, (*ip).a)
    }
}

/// `call_indirect`: `a` argument base, `b` the slot of the table index,
/// `c` = canonical type id << 32 | table index.
pub(crate) unsafe fn call_indirect<const S: bool>(
    ip: *const Op,
    fp: *mut u64,
    cx: &mut Cx,
) -> Next {
    unsafe {
        let op = &*ip;
        let index = *slot(fp, op.b) as u32;
        match cold::resolve_indirect(cx, op.c as u32, (op.c >> 32) as u32, index) {
            Ok(Ok(callee)) => match enter(ip, fp, cx, &*callee, op.a, FrameKind::Normal) {
                Ok(new_fp) => next!((*callee).code.as_ptr(), new_fp, cx),
                Err(code) => trap::<S>(ip, fp, cx, code),
            },
            Ok(Err(addr)) => leave_call::<S>(ip, fp, cx, addr.0, op.a),
            Err(kind) => trap::<S>(ip, fp, cx, kind),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Memory: `a` the result / address slot, `b` the address / value slot, `c` the static offset.

macro_rules! load {
    ($($name:ident: $n:literal, $t:ty => $conv:ty;)*) => {$(
        pub(crate) unsafe fn $name<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
            unsafe {
                let op = &*ip;
                let addr = (*slot(fp, op.b) as u32 as u64) + op.c;
                if addr + $n > cx.mem_len {
                    return trap::<S>(ip, fp, cx, TrapKind::MemoryOutOfBounds);
                }
                let v = <$t>::from_le_bytes(std::ptr::read_unaligned(cx.mem.add(addr as usize) as *const [u8; $n]));
                *slot(fp, op.a) = Cell::put(v as $conv);
                next!(ip.add(1), fp, cx)
            }
        }
    )*};
}

macro_rules! store {
    ($($name:ident: $n:literal, $t:ty;)*) => {$(
        pub(crate) unsafe fn $name<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
            unsafe {
                let op = &*ip;
                let addr = (*slot(fp, op.a) as u32 as u64) + op.c;
                if addr + $n > cx.mem_len {
                    return trap::<S>(ip, fp, cx, TrapKind::MemoryOutOfBounds);
                }
                let v = *slot(fp, op.b) as $t;
                std::ptr::write_unaligned(cx.mem.add(addr as usize) as *mut [u8; $n], v.to_le_bytes());
                next!(ip.add(1), fp, cx)
            }
        }
    )*};
}

load! {
    i32_load: 4, u32 => u32;
    i64_load: 8, u64 => u64;
    i32_load8_s: 1, i8 => i32;
    i32_load8_u: 1, u8 => u32;
    i32_load16_s: 2, i16 => i32;
    i32_load16_u: 2, u16 => u32;
    i64_load8_s: 1, i8 => i64;
    i64_load8_u: 1, u8 => u64;
    i64_load16_s: 2, i16 => i64;
    i64_load16_u: 2, u16 => u64;
    i64_load32_s: 4, i32 => i64;
    i64_load32_u: 4, u32 => u64;
}

store! {
    i32_store: 4, u32;
    i64_store: 8, u64;
    store8: 1, u8;
    store16: 2, u16;
}

/// Operations that need the store (memory and table management, bulk operations, `ref.func`):
/// they run in [`cold`] and continue, or trap.
macro_rules! cold_op {
    ($($name:ident => $f:path;)*) => {$(
        pub(crate) unsafe fn $name<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
            unsafe {
                match $f(cx, &*ip, fp) {
                    Ok(()) => next!(ip.add(1), fp, cx),
                    Err(kind) => trap::<S>(ip, fp, cx, kind),
                }
            }
        }
    )*};
}

cold_op! {
    memory_size => cold::memory_size;
    memory_grow => cold::memory_grow;
    memory_fill => cold::memory_fill;
    memory_copy => cold::memory_copy;
    memory_init => cold::memory_init;
    data_drop => cold::data_drop;
    table_get => cold::table_get;
    table_set => cold::table_set;
    table_size => cold::table_size;
    table_grow => cold::table_grow;
    table_fill => cold::table_fill;
    table_copy => cold::table_copy;
    table_init => cold::table_init;
    elem_drop => cold::elem_drop;
    ref_func => cold::ref_func;
}

// ---------------------------------------------------------------------------------------------
// Debugger patches: never emitted by the translator, swapped in for an op's handler.

/// A breakpoint: leave before running the op.
pub(crate) unsafe fn breakpoint<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    cx.exit = Exit::Breakpoint;
    cx.exit_ip = ip;
    cx.exit_fp = fp;
    leave!(fp, cx)
}

/// An interrupt request patched onto function entries and loop heads.
pub(crate) unsafe fn interrupt<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    cx.exit = Exit::Interrupt;
    cx.exit_ip = ip;
    cx.exit_fp = fp;
    leave!(fp, cx)
}

/// A memory access while watchpoints are set: run the op in step mode, and leave after it if it
/// touched a watched range.
pub(crate) unsafe fn watch<const S: bool>(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        let next = watch_slow(ip, fp, cx);
        if next.ip.is_null() {
            return next;
        }
        next!(next.ip, next.fp, cx)
    }
}

#[cold]
#[inline(never)]
unsafe fn watch_slow(ip: *const Op, fp: *mut u64, cx: &mut Cx) -> Next {
    unsafe {
        let (next, hit) = crate::debug::step_op(&*cx.store, cx, ip, fp);
        match hit {
            Some(hit) => {
                cx.watch_hit = Some(hit);
                cx.exit = Exit::Watch;
                cx.exit_ip = next.ip;
                cx.exit_fp = next.fp;
                Next {
                    ip: &EXIT,
                    fp: next.fp,
                }
            }
            _ => next,
        }
    }
}

/// Declares the op kinds with their run-mode and step-mode handlers.
macro_rules! kinds {
    ($($name:ident),* $(,)?) => {
        /// The kind of an op: which handler the translator chose. Kept beside the code so the
        /// debugger can restore or step any op whatever handler is patched in.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub(crate) enum K { $($name),* }
        /// Run-mode handlers by kind: they continue with the next op.
        pub(crate) static RUN: &[Handler] = &[$($name::<false>),*];
        /// Step-mode handlers by kind: they execute one op and return to the driver.
        pub(crate) static STEP: &[Handler] = &[$($name::<true>),*];
    };
}

kinds! {
    br,
    br_if,
    br_if_eqz,
    br_if_move,
    br_move,
    br_table,
    br_table_entry,
    call,
    call_import,
    call_indirect,
    constant,
    copy,
    data_drop,
    elem_drop,
    f32_abs,
    f32_add,
    f32_ceil,
    f32_convert_i32_s,
    f32_convert_i32_u,
    f32_convert_i64_s,
    f32_convert_i64_u,
    f32_copysign,
    f32_demote_f64,
    f32_div,
    f32_eq,
    f32_floor,
    f32_ge,
    f32_gt,
    f32_le,
    f32_lt,
    f32_max,
    f32_min,
    f32_mul,
    f32_ne,
    f32_nearest,
    f32_neg,
    f32_sqrt,
    f32_sub,
    f32_trunc,
    f64_abs,
    f64_add,
    f64_ceil,
    f64_convert_i32_s,
    f64_convert_i32_u,
    f64_convert_i64_s,
    f64_convert_i64_u,
    f64_copysign,
    f64_div,
    f64_eq,
    f64_floor,
    f64_ge,
    f64_gt,
    f64_le,
    f64_lt,
    f64_max,
    f64_min,
    f64_mul,
    f64_ne,
    f64_nearest,
    f64_neg,
    f64_promote_f32,
    f64_sqrt,
    f64_sub,
    f64_trunc,
    fuel,
    global_get,
    global_set,
    i32_add,
    i32_and,
    i32_clz,
    i32_ctz,
    i32_div_s,
    i32_div_u,
    i32_eq,
    i32_eqz,
    i32_extend16_s,
    i32_extend8_s,
    i32_ge_s,
    i32_ge_u,
    i32_gt_s,
    i32_gt_u,
    i32_le_s,
    i32_le_u,
    i32_load,
    i32_load16_s,
    i32_load16_u,
    i32_load8_s,
    i32_load8_u,
    i32_lt_s,
    i32_lt_u,
    i32_mul,
    i32_ne,
    i32_or,
    i32_popcnt,
    i32_rem_s,
    i32_rem_u,
    i32_rotl,
    i32_rotr,
    i32_shl,
    i32_shr_s,
    i32_shr_u,
    i32_store,
    i32_sub,
    i32_trunc_f32_s,
    i32_trunc_f32_u,
    i32_trunc_f64_s,
    i32_trunc_f64_u,
    i32_trunc_sat_f32_s,
    i32_trunc_sat_f32_u,
    i32_trunc_sat_f64_s,
    i32_trunc_sat_f64_u,
    i32_wrap_i64,
    i32_xor,
    i64_add,
    i64_and,
    i64_clz,
    i64_ctz,
    i64_div_s,
    i64_div_u,
    i64_eq,
    i64_eqz,
    i64_extend16_s,
    i64_extend32_s,
    i64_extend8_s,
    i64_extend_i32_s,
    i64_extend_i32_u,
    i64_ge_s,
    i64_ge_u,
    i64_gt_s,
    i64_gt_u,
    i64_le_s,
    i64_le_u,
    i64_load,
    i64_load16_s,
    i64_load16_u,
    i64_load32_s,
    i64_load32_u,
    i64_load8_s,
    i64_load8_u,
    i64_lt_s,
    i64_lt_u,
    i64_mul,
    i64_ne,
    i64_or,
    i64_popcnt,
    i64_rem_s,
    i64_rem_u,
    i64_rotl,
    i64_rotr,
    i64_shl,
    i64_shr_s,
    i64_shr_u,
    i64_store,
    i64_sub,
    i64_trunc_f32_s,
    i64_trunc_f32_u,
    i64_trunc_f64_s,
    i64_trunc_f64_u,
    i64_trunc_sat_f32_s,
    i64_trunc_sat_f32_u,
    i64_trunc_sat_f64_s,
    i64_trunc_sat_f64_u,
    i64_xor,
    memory_copy,
    memory_fill,
    memory_grow,
    memory_init,
    memory_size,
    ref_func,
    ref_is_null,
    ret,
    select,
    store16,
    store8,
    table_copy,
    table_fill,
    table_get,
    table_grow,
    table_init,
    table_set,
    table_size,
    unreachable,
}
