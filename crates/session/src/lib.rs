//! wdb's debugger core: one debuggee (a WASI program under the engine) and the operations the
//! front-ends need. Front-ends use this crate only, never the engine directly.
//!
//! [`Debuggee`] is the wasm-level view (pc, frames, locals, operand stack, globals, memory,
//! breakpoints at module offsets, watchpoints) that the GDB stub serves to LLDB.

mod debuggee;
mod error;

pub use debuggee::{Debuggee, Frame, LaunchConfig, ModuleImage, Stop};
pub use error::Error;
pub use wdb_engine::{InterruptHandle, Val, ValType, WatchKind};
