//! wdb's WebAssembly engine.
//!
//! Modules are decoded and validated with `wasmparser`, then translated into D-code: one op per
//! wasm instruction, operand-stack values in frame slots at their stack height, and a per-function
//! table from op to module-relative wasm offset. Calls use an explicit call stack and value stack, so
//! deep recursion is a clean trap and a paused program is plain data.
//!
//! ```no_run
//! use wdb_engine::{Linker, Module, Store};
//! let module = Module::new(std::fs::read("prog.wasm").unwrap()).unwrap();
//! let mut store = Store::new();
//! let instance = Linker::new().instantiate(&mut store, &module).unwrap();
//! let run = store.export(instance, "run").unwrap().into_func().unwrap();
//! let results = store.invoke(run, &[]).unwrap();
//! ```

mod code;
mod debug;
mod error;
mod exec;
mod handlers;
mod module;
mod numeric;
mod store;
mod translate;
mod trap;
mod values;

pub use debug::{Event, FrameInfo, InterruptHandle, PauseReason, WatchHit, WatchKind};
pub use error::{Error, Result};
pub use module::{Config, ExternType, Module};
pub use store::{
    Caller, DEFAULT_MAX_CALL_DEPTH, DEFAULT_STACK_SLOTS, Extern, GlobalAddr, InstanceId, Linker,
    MemAddr, Store, TableAddr,
};
pub use trap::{Trap, TrapFrame, TrapKind};
pub use values::{FuncAddr, FuncType, Val, ValType};

/// The signature of host functions: arguments in, results out (pre-sized to the result count).
pub type HostFn = dyn Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap>;

/// Wasm page size in bytes.
pub const PAGE_SIZE: usize = 65536;

#[doc(hidden)]
pub mod fuzzing;
