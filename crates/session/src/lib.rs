//! wdb's debugger core: one debuggee (a WASI program under the engine) and the operations the
//! front-ends need. Front-ends use this crate only, never the engine directly.
//!
//! [`Debuggee`] is the wasm-level view (pc, frames, locals, operand stack, globals, memory,
//! breakpoints at module offsets, watchpoints) that the GDB stub serves to LLDB.

mod access;
mod debuggee;
mod error;
mod session;

pub use debuggee::{Debuggee, Frame, LaunchConfig, ModuleImage, Stop};
pub use error::Error;
pub use session::{
    Breakpoint, FrameInfo, Location, Session, Site, StepKind, StopReason, VarView, Watchpoint,
    hit_condition_met, parse_number,
};
pub use wdb_engine::{InterruptHandle, Val, ValType, WatchKind};
pub use wdb_symbols::{
    Place, SourceLoc, Symbols, Type, TypeRef, Value, VarKind, char_literal, format_char_runs,
    format_g,
};
