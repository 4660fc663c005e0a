//! Numeric helpers with WebAssembly's exact semantics.

use crate::trap::TrapCode as TrapKind;

pub(crate) trait Float:
    Copy + PartialEq + PartialOrd + std::ops::Add<Output = Self>
{
    fn is_nan(self) -> bool;
    fn is_sign_negative(self) -> bool;
}
impl Float for f32 {
    fn is_nan(self) -> bool {
        f32::is_nan(self)
    }
    fn is_sign_negative(self) -> bool {
        f32::is_sign_negative(self)
    }
}
impl Float for f64 {
    fn is_nan(self) -> bool {
        f64::is_nan(self)
    }
    fn is_sign_negative(self) -> bool {
        f64::is_sign_negative(self)
    }
}

/// `fN.min`: NaN if either is NaN, and -0 < +0.
#[inline(always)]
pub(crate) fn fmin<F: Float>(x: F, y: F) -> F {
    if x.is_nan() || y.is_nan() {
        x + y
    } else if x == y {
        if x.is_sign_negative() { x } else { y }
    } else if x < y {
        x
    } else {
        y
    }
}

/// `fN.max`: NaN if either is NaN, and +0 > -0.
#[inline(always)]
pub(crate) fn fmax<F: Float>(x: F, y: F) -> F {
    if x.is_nan() || y.is_nan() {
        x + y
    } else if x == y {
        if x.is_sign_negative() { y } else { x }
    } else if x > y {
        x
    } else {
        y
    }
}

/// Truncates `x` toward zero and checks it lies in `[lo, hi)`.
#[inline(always)]
pub(crate) fn trunc(x: f64, lo: f64, hi: f64) -> Result<f64, TrapKind> {
    if x.is_nan() {
        return Err(TrapKind::InvalidConversionToInteger);
    }
    let t = x.trunc();
    if t >= lo && t < hi {
        Ok(t)
    } else {
        Err(TrapKind::IntegerOverflow)
    }
}

#[inline(always)]
pub(crate) fn div_s32(x: i32, y: i32) -> Result<i32, TrapKind> {
    if y == 0 {
        Err(TrapKind::IntegerDivideByZero)
    } else {
        x.checked_div(y).ok_or(TrapKind::IntegerOverflow)
    }
}

#[inline(always)]
pub(crate) fn div_s64(x: i64, y: i64) -> Result<i64, TrapKind> {
    if y == 0 {
        Err(TrapKind::IntegerDivideByZero)
    } else {
        x.checked_div(y).ok_or(TrapKind::IntegerOverflow)
    }
}

/// Rounding operations must return a quiet NaN for any NaN input (the hardware may pass a
/// signaling NaN through).
#[inline(always)]
pub(crate) fn quiet<F: Float>(x: F, rounded: F) -> F {
    if x.is_nan() { x + x } else { rounded }
}
