//! Traps: the ways a wasm execution stops abnormally, with the wasm pc where it happened.

use std::fmt;

/// Why execution trapped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    /// `call_indirect` past the end of the table.
    UndefinedElement,
    BadSignature,
    IntegerOverflow,
    IntegerDivideByZero,
    InvalidConversionToInteger,
    UninitializedElement,
    /// The wasm call stack (frames or value slots) hit the configured limit.
    CallStackExhausted {
        limit: usize,
    },
    /// The fuel set with [`Store::set_fuel`](crate::Store::set_fuel) ran out.
    OutOfFuel,
    /// The guest asked to exit (WASI `proc_exit`); not an error for `wdb run`.
    Exit(i32),
    /// A host function failed.
    Host(String),
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrapKind::Unreachable => f.write_str("unreachable executed"),
            TrapKind::MemoryOutOfBounds => f.write_str("out of bounds memory access"),
            TrapKind::TableOutOfBounds => f.write_str("out of bounds table access"),
            TrapKind::UndefinedElement => f.write_str("undefined element"),
            TrapKind::BadSignature => f.write_str("indirect call type mismatch"),
            TrapKind::IntegerOverflow => f.write_str("integer overflow"),
            TrapKind::IntegerDivideByZero => f.write_str("integer divide by zero"),
            TrapKind::InvalidConversionToInteger => f.write_str("invalid conversion to integer"),
            TrapKind::UninitializedElement => f.write_str("uninitialized element"),
            TrapKind::CallStackExhausted { limit } => {
                write!(f, "call stack exhausted (limit: {limit} frames)")
            }
            TrapKind::OutOfFuel => f.write_str("all fuel consumed"),
            TrapKind::Exit(code) => write!(f, "exit with code {code}"),
            TrapKind::Host(msg) => write!(f, "host error: {msg}"),
        }
    }
}

/// The traps handlers raise: a small `Copy` code, so that raising one needs no stack memory
/// in the handler (which would stop the optimizer from turning the dispatch into a jump).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum TrapCode {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    UndefinedElement,
    UninitializedElement,
    BadSignature,
    IntegerOverflow,
    IntegerDivideByZero,
    InvalidConversionToInteger,
    CallStackExhausted,
    OutOfFuel,
}

impl TrapCode {
    pub(crate) fn kind(self, max_frames: usize) -> TrapKind {
        match self {
            TrapCode::Unreachable => TrapKind::Unreachable,
            TrapCode::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
            TrapCode::TableOutOfBounds => TrapKind::TableOutOfBounds,
            TrapCode::UndefinedElement => TrapKind::UndefinedElement,
            TrapCode::UninitializedElement => TrapKind::UninitializedElement,
            TrapCode::BadSignature => TrapKind::BadSignature,
            TrapCode::IntegerOverflow => TrapKind::IntegerOverflow,
            TrapCode::IntegerDivideByZero => TrapKind::IntegerDivideByZero,
            TrapCode::InvalidConversionToInteger => TrapKind::InvalidConversionToInteger,
            TrapCode::CallStackExhausted => TrapKind::CallStackExhausted { limit: max_frames },
            TrapCode::OutOfFuel => TrapKind::OutOfFuel,
        }
    }
}

/// One frame of a trap's wasm backtrace, innermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapFrame {
    /// The instance the function belongs to.
    pub instance: crate::InstanceId,
    /// Function index in its module's function index space.
    pub func_index: u32,
    /// Function name from the name section, if any (mangled).
    pub func_name: Option<String>,
    /// Module-relative byte offset of the instruction (callers: the call instruction).
    pub offset: u32,
}

/// A trap with where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub kind: TrapKind,
    /// Wasm backtrace, innermost first; empty for traps raised outside wasm code.
    pub frames: Vec<TrapFrame>,
}

impl Trap {
    pub fn new(kind: TrapKind) -> Trap {
        Trap {
            kind,
            frames: Vec::new(),
        }
    }

    /// A trap that makes the program exit with `code` (WASI `proc_exit`).
    pub fn exit(code: i32) -> Trap {
        Trap::new(TrapKind::Exit(code))
    }

    /// A host function's error.
    pub fn host(msg: impl Into<String>) -> Trap {
        Trap::new(TrapKind::Host(msg.into()))
    }

    /// The module-relative wasm pc of the trapping instruction, if it was in wasm code.
    pub fn pc(&self) -> Option<u32> {
        self.frames.first().map(|f| f.offset)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(pc) = self.pc() {
            write!(f, " at wasm pc 0x{pc:x}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

impl From<TrapKind> for Trap {
    fn from(kind: TrapKind) -> Trap {
        Trap::new(kind)
    }
}
