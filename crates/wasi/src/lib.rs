//! WASI preview1 (`wasi_snapshot_preview1`) for wdb, sandboxed with cap-std.
//!
//! The guest sees its arguments, the environment variables it was given, stdin/stdout/stderr as
//! fds 0, 1 and 2, and the preopened directories from fd 3 on. Paths are resolved by cap-std
//! below the directory fd they are relative to: absolute paths, `..` past it and symlinks leading
//! out are refused with errno `perm`, as in wasmtime.
//!
//! ```no_run
//! use std::{cell::RefCell, rc::Rc};
//! use wdb_engine::{Linker, Module, Store, TrapKind};
//! use wdb_wasi::{OutputBuffer, WasiCtx};
//!
//! let out = OutputBuffer::new();
//! let ctx = WasiCtx::builder()
//!     .args(&["prog.wasm".to_string()])
//!     .env("LANG", "C")
//!     .preopen_dir(".", "/work")?
//!     .stdout(Box::new(out.clone()))
//!     .build();
//! let ctx = Rc::new(RefCell::new(ctx));
//! let mut linker = Linker::new();
//! wdb_wasi::add_to_linker(&mut linker, ctx.clone());
//!
//! let module = Module::new(std::fs::read("prog.wasm")?)?;
//! let mut store = Store::new();
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = store.export(instance, "_start").and_then(|e| e.into_func()).expect("_start");
//! let code = match store.invoke(start, &[]) {
//!     Ok(_) => 0,
//!     Err(trap) => match trap.kind {
//!         TrapKind::Exit(code) => code,
//!         _ => return Err(trap.into()),
//!     },
//! };
//! ctx.borrow_mut().flush()?;
//! println!("exit {code}, output {:?}", out.text());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # API structure
//!
//! - [`WasiCtx`] holds the guest's WASI state; [`WasiCtxBuilder`] makes it.
//! - [`add_to_linker`] registers all 46 preview1 functions with the engine's `Linker`.
//! - [`OutputBuffer`] captures stdout or stderr in memory.
//! - [`Errno`] is what the guest gets back from a failed call; [`Error`] is a setup error.
//!
//! Inside: `funcs/` has the functions (one file per family: args, clock, fd, path, poll, proc,
//! sock), `memory` checks every guest pointer (out of bounds is errno `fault`, never a panic),
//! `types` has the witx layouts, `table` the fd table, `fs` the cap-std file operations,
//! `clocks` the clocks, and `linker` the registration table.
//!
//! # Cargo features
//!
//! None.

#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

mod clocks;
mod ctx;
mod errno;
mod error;
mod fs;
mod funcs;
mod linker;
mod memory;
mod table;
mod types;

pub use ctx::{OutputBuffer, WasiCtx, WasiCtxBuilder};
pub use errno::Errno;
pub use error::{Error, Result};
pub use linker::{MODULE, add_to_linker};
